"""Forms of the steering document pages. They parse input into typed values;
the rules live in services.py, whose DomainErrors are shown on these forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import DATE_FORMAT, IsoDateField, LimitedCharField
from diarium.registry.forms import DateInput, DomainErrorFormMixin

from .models import COMMENT_MAX, DESCRIPTION_MAX, INTERNAL_NOTE_MAX, ActionReport, FollowUpRound, SteeringDocument

YEAR_ERRORS = {"required": _("Ange ett årtal, till exempel 2019."), "invalid": _("Ange ett årtal, till exempel 2019.")}
DATE_ERRORS = {"required": _("Ange ett datum (ÅÅÅÅ-MM-DD)."), "invalid": DATE_FORMAT}
MONEY_ATTRS = {"inputmode": "decimal", "size": 14, "autocomplete": "off"}


def _organ_label(organ) -> str:
    return f"{organ.name} ({organ.code})"


def _person_label(person) -> str:
    return f"{person.name}, {person.title}" if person.title else person.name


def _choices(objects, label=str, empty=None):
    head = [("", empty)] if empty is not None else []
    return head + [(str(o.pk), label(o)) for o in objects]


def _pick(objects, value):
    if not value:
        return None
    return next((o for o in objects if str(o.pk) == str(value)), None)


class FieldGroup:
    """Some of a form's fields, drawn by registry/_fields.html as if a form."""

    def __init__(self, fields, legend=""):
        self.legend = legend
        self.visible_fields = [f for f in fields if not f.is_hidden]
        self.hidden_fields = [f for f in fields if f.is_hidden]


class PlanForm(DomainErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Typ"), choices=[("", _("Välj typ"))] + list(SteeringDocument.Kind.choices),
                             error_messages={"required": _("Välj typ av styrdokument."),
                                             "invalid_choice": _("Välj typ av styrdokument.")})
    title = LimitedCharField(label=_("Namn"), max_length=300, widget=forms.TextInput(attrs={"size": 60}),
                            error_messages={"required": _("Ange styrdokumentets namn.")},
                            help_text=_("Till exempel \"Digital målbild för Alingsås kommun – öppen och smart\"."))
    period_start = forms.IntegerField(label=_("Gäller från år"), min_value=1901, max_value=2199,
                                      error_messages={**YEAR_ERRORS, "min_value": YEAR_ERRORS["invalid"],
                                                      "max_value": YEAR_ERRORS["invalid"]})
    period_end = forms.IntegerField(label=_("Gäller till och med år"), min_value=1901, max_value=2199,
                                    error_messages={**YEAR_ERRORS, "min_value": YEAR_ERRORS["invalid"],
                                                    "max_value": YEAR_ERRORS["invalid"]})
    owner_organ = forms.ChoiceField(label=_("Ägare (organ)"), error_messages={
        "required": _("Välj det organ som äger styrdokumentet."),
        "invalid_choice": _("Välj det organ som äger styrdokumentet.")})
    process_owner = forms.ChoiceField(label=_("Processägare"), required=False)
    process_owner_role = LimitedCharField(label=_("Processägarens roll"), max_length=200, required=False,
                                         help_text=_("Till exempel \"Kommundirektör\"."))
    parent = forms.ChoiceField(label=_("Hör till styrdokument"), required=False,
                               help_text=_("Till exempel den målbild som handlingsplanen genomför."))
    weighting = forms.ChoiceField(label=_("Sammanvägning av aktiviteternas framsteg"),
                                  choices=SteeringDocument.Weighting.choices, initial=SteeringDocument.Weighting.BUDGET,
                                  widget=forms.RadioSelect,
                                  error_messages={"required": _("Välj hur aktiviteterna vägs samman.")})
    follow_up_months = forms.IntegerField(label=_("Uppföljning var … månad"), initial=12, min_value=1, max_value=36,
                                          error_messages={"required": _("Uppföljningen görs var 1–36 månad."),
                                                          "invalid": _("Uppföljningen görs var 1–36 månad."),
                                                          "min_value": _("Uppföljningen görs var 1–36 månad."),
                                                          "max_value": _("Uppföljningen görs var 1–36 månad.")},
                                          help_text=_("12 betyder en gång om året."))
    description = LimitedCharField(label=_("Beskrivning"), required=False, max_length=DESCRIPTION_MAX,
                                   widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, organs=(), people=(), parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._organs, self._people, self._parents = list(organs), list(people), list(parents)
        self.fields["owner_organ"].choices = _choices(self._organs, _organ_label, empty=_("Välj organ"))
        self.fields["process_owner"].choices = _choices(self._people, _person_label, empty=_("Ingen vald"))
        self.fields["parent"].choices = _choices(self._parents, empty=_("Inget"))

    def clean_owner_organ(self):
        organ = _pick(self._organs, self.cleaned_data.get("owner_organ"))
        if organ is None:
            raise ValidationError(self.fields["owner_organ"].error_messages["invalid_choice"])
        return organ

    def clean_process_owner(self):
        return _pick(self._people, self.cleaned_data.get("process_owner"))

    def clean_parent(self):
        return _pick(self._parents, self.cleaned_data.get("parent"))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Giltighetstiden måste sluta samma år eller senare än den börjar."))
        return data


class StatusForm(DomainErrorFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=[
        (k, v) for k, v in SteeringDocument.Status.choices if k != SteeringDocument.Status.ADOPTED],
        error_messages={"required": _("Välj status."), "invalid_choice": _("Välj status.")},
        help_text=_("Ett styrdokument antas genom att versionen fastställs (\"Anta\")."))


class FocusAreaForm(DomainErrorFormMixin, forms.Form):
    title = LimitedCharField(label=_("Målområde"), max_length=300, widget=forms.TextInput(attrs={"size": 60}),
                            error_messages={"required": _("Ange målområdets namn.")})
    description = LimitedCharField(label=_("Beskrivning"), required=False, max_length=DESCRIPTION_MAX,
                                   widget=forms.Textarea(attrs={"rows": 3}))


class GoalForm(DomainErrorFormMixin, forms.Form):
    title = LimitedCharField(label=_("Mål"), max_length=300, widget=forms.TextInput(attrs={"size": 60}),
                            error_messages={"required": _("Ange målets namn.")})
    description = LimitedCharField(label=_("Beskrivning"), required=False, max_length=DESCRIPTION_MAX,
                                   widget=forms.Textarea(attrs={"rows": 3}))


class _YearsMixin:
    """Per-year inputs named like `target_2019`, drawn in a fieldset per group."""

    def year_groups(self) -> list[FieldGroup]:
        return [FieldGroup([self[name] for name in names], legend=legend) for legend, names in self._year_groups]

    def main(self) -> FieldGroup:
        """The fields that are not per year."""
        per_year = {name for _legend, names in self._year_groups for name in names}
        return FieldGroup([self[name] for name in self.fields if name not in per_year])


class IndicatorForm(_YearsMixin, DomainErrorFormMixin, forms.Form):
    name = LimitedCharField(label=_("Indikator"), max_length=300, widget=forms.TextInput(attrs={"size": 60}),
                           error_messages={"required": _("Ange indikatorns namn.")})
    unit = LimitedCharField(label=_("Enhet"), max_length=40,
                           error_messages={"required": _("Ange enhet, till exempel \"procent\" eller \"antal\".")},
                           help_text=_("Till exempel \"procent\" eller \"antal\"."))
    baseline = forms.DecimalField(label=_("Utgångsvärde"), required=False, max_digits=14, decimal_places=2,
                                  localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 14}),
                                  error_messages={"invalid": _("Ange utgångsvärdet som ett tal.")})
    baseline_year = forms.IntegerField(label=_("Utgångsår"), required=False, min_value=1901, max_value=2199,
                                       error_messages={"invalid": YEAR_ERRORS["invalid"],
                                                       "min_value": YEAR_ERRORS["invalid"],
                                                       "max_value": YEAR_ERRORS["invalid"]})

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        names = []
        for year in self.years:
            name = f"target_{year}"
            self.fields[name] = forms.DecimalField(
                label=str(year), required=False, max_digits=14, decimal_places=2, localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 14}),
                error_messages={"invalid": _("Ange målvärdet för %(y)s som ett tal.") % {"y": year}})
            names.append(name)
        self._year_groups = [(_("Målvärde per år"), names)] if names else []

    def targets(self) -> dict[str, str]:
        return {str(y): str(self.cleaned_data[f"target_{y}"]) for y in self.years
                if self.cleaned_data.get(f"target_{y}") is not None}


class ActionForm(_YearsMixin, DomainErrorFormMixin, forms.Form):
    title = LimitedCharField(label=_("Aktivitet"), max_length=300, widget=forms.TextInput(attrs={"size": 60}),
                            error_messages={"required": _("Ange aktivitetens namn.")})
    description = LimitedCharField(label=_("Beskrivning"), required=False, max_length=DESCRIPTION_MAX,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    responsible_organ = forms.ChoiceField(label=_("Ansvarigt organ"), required=False)
    responsible_person = forms.ChoiceField(label=_("Ansvarig person"), required=False,
                                           help_text=_("Den som svarar på uppföljningarna."))
    start = IsoDateField(label=_("Start"), required=False, widget=DateInput, error_messages=DATE_ERRORS)
    end = IsoDateField(label=_("Klar"), required=False, widget=DateInput, error_messages=DATE_ERRORS)
    funding_source = LimitedCharField(label=_("Finansiering"), max_length=200, required=False,
                                     help_text=_("Till exempel \"Flerårsstrategi 2018–2020\"."))
    weight = LimitedCharField(label=_("Vikt"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
                             help_text=_("Används när planen vägs med angivna vikter. Tomt betyder 1."))
    internal_note = LimitedCharField(label=_("Intern anteckning"), required=False, max_length=INTERNAL_NOTE_MAX,
                                    widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("Visas aldrig för allmänheten."))

    def __init__(self, *args, years=(), organs=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        self._organs, self._people = list(organs), list(people)
        self.fields["responsible_organ"].choices = _choices(self._organs, _organ_label, empty=_("Inget valt"))
        self.fields["responsible_person"].choices = _choices(self._people, _person_label, empty=_("Ingen vald"))
        self._year_groups = []
        for year in self.years:
            for kind, label in (("operating", _("drift")), ("investment", _("investering"))):
                self.fields[f"{kind}_{year}"] = LimitedCharField(
                    label=f"{label.capitalize()} {year}, kr", required=False, max_length=20,
                    widget=forms.TextInput(attrs=MONEY_ATTRS))
            self._year_groups.append((_("Budget %(y)s") % {"y": year}, [f"operating_{year}", f"investment_{year}"]))

    def clean_responsible_organ(self):
        return _pick(self._organs, self.cleaned_data.get("responsible_organ"))

    def clean_responsible_person(self):
        return _pick(self._people, self.cleaned_data.get("responsible_person"))

    def budgets(self):
        from .services import BudgetInput

        rows = []
        for year in self.years:
            operating = (self.cleaned_data.get(f"operating_{year}") or "").strip()
            investment = (self.cleaned_data.get(f"investment_{year}") or "").strip()
            if operating or investment:
                rows.append(BudgetInput(year=year, operating=operating or 0, investment=investment or 0))
        return rows

    def add_domain_error(self, exc) -> None:
        # Budget errors belong to the first budget field; the rest as usual.
        if "budgets" in exc.errors and self.years:
            for message in exc.errors.pop("budgets"):
                self.add_error(f"operating_{self.years[0]}", message)
            if not exc.errors:
                return
        super().add_domain_error(exc)


class AdoptForm(DomainErrorFormMixin, forms.Form):
    reference = forms.CharField(label=_("Beslut (hänvisning)"), max_length=100, required=False,
                                help_text=_("Till exempel \"KF 2018-10-31 § 190\"."))
    decision = forms.ChoiceField(label=_("Eller välj beslutet"), required=False)
    note = LimitedCharField(label=_("Anteckning"), max_length=500, required=False,
                           widget=forms.TextInput(attrs={"size": 60}))

    def __init__(self, *args, decisions=(), find_decisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._decisions = list(decisions)
        self._find = find_decisions
        self.fields["decision"].choices = _choices(self._decisions, lambda d: f"{d.reference}: {d.title}",
                                                   empty=_("Inget beslut valt"))

    def clean_reference(self):
        text = " ".join((self.cleaned_data.get("reference") or "").split())
        if not text:
            return None
        found = self._find(text) if self._find else []
        if not found:
            raise ValidationError(_("Det finns inget beslut %(ref)s. Skriv som \"KF 2018-10-31 § 190\".")
                                  % {"ref": text})
        return found[0]

    def clean_decision(self):
        return _pick(self._decisions, self.cleaned_data.get("decision"))

    def clean(self):
        data = super().clean()
        ref, chosen = data.get("reference"), data.get("decision")
        if ref is not None and chosen is not None and ref.pk != chosen.pk:
            self.add_error("decision", _("Hänvisningen och det valda beslutet är olika beslut. Ange ett av dem."))
        data["chosen"] = ref or chosen
        return data

    def add_domain_error(self, exc) -> None:
        if "decision" in exc.errors:
            exc.errors["reference"] = exc.errors.pop("decision")
        super().add_domain_error(exc)


class FollowUpOpenForm(DomainErrorFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("År som följs upp"), coerce=int,
                                  error_messages={"required": _("Välj år."), "invalid_choice": _("Välj år.")})
    kind = forms.ChoiceField(label=_("Typ av uppföljning"), choices=FollowUpRound.Kind.choices,
                             initial=FollowUpRound.Kind.YEARLY, widget=forms.RadioSelect,
                             error_messages={"required": _("Välj årlig uppföljning eller uppföljning vid behov.")})
    deadline = IsoDateField(label=_("Svara senast"), widget=DateInput, error_messages=DATE_ERRORS)
    title = forms.CharField(label=_("Rubrik (valfritt)"), max_length=300, required=False,
                            widget=forms.TextInput(attrs={"size": 60}),
                            help_text=_("Lämnas tomt: \"Uppföljning <år>: <styrdokumentets namn>\"."))

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), str(y)) for y in years]


class AnswerForm(DomainErrorFormMixin, forms.Form):
    """One fieldset per action (status, progress, money used, comment) and,
    for those who run the plan, the indicators' measured values."""

    def __init__(self, *args, actions=(), indicators=(), reports=None, values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions, self.indicators = list(actions), list(indicators)
        reports, values = reports or {}, values or {}
        status_choices = [("", _("Välj status"))] + list(ActionReport.Status.choices)
        for a in self.actions:
            r = reports.get(a.pk)
            self.fields[f"status_{a.pk}"] = forms.ChoiceField(
                label=_("Status"), choices=status_choices,
                error_messages={"required": _("Välj status för %(t)s.") % {"t": a.title},
                                "invalid_choice": _("Välj status för %(t)s.") % {"t": a.title}},
                initial=r.status if r else "")
            self.fields[f"progress_{a.pk}"] = forms.IntegerField(
                label=_("Färdigt, procent (0–100)"), min_value=0, max_value=100,
                initial=r.progress if r else None,
                error_messages={k: _("Ange hur stor del av %(t)s som är klar, 0–100 procent.") % {"t": a.title}
                                for k in ("required", "invalid", "min_value", "max_value")})
            self.fields[f"used_operating_{a.pk}"] = forms.CharField(
                label=_("Använt, drift (kr)"), required=False, max_length=20, widget=forms.TextInput(attrs=MONEY_ATTRS),
                initial=str(r.used_operating) if r else "")
            self.fields[f"used_investment_{a.pk}"] = forms.CharField(
                label=_("Använt, investering (kr)"), required=False, max_length=20,
                widget=forms.TextInput(attrs=MONEY_ATTRS), initial=str(r.used_investment) if r else "")
            self.fields[f"comment_{a.pk}"] = LimitedCharField(
                label=_("Kommentar"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                initial=r.comment if r else "")
            self.fields[f"comment_internal_{a.pk}"] = forms.BooleanField(
                label=_("Kommentaren är intern"), required=False, initial=r.comment_internal if r else False,
                help_text=_("En intern kommentar visas aldrig för allmänheten."))
        for i in self.indicators:
            v = values.get(i.pk)
            self.fields[f"value_{i.pk}"] = LimitedCharField(
                label=f"{i.name} ({i.unit})", required=False, max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 14}),
                initial=str(v.value) if v else "")

    def action_groups(self) -> list[tuple[object, FieldGroup]]:
        names = ("status", "progress", "used_operating", "used_investment", "comment", "comment_internal")
        return [(a, FieldGroup([self[f"{n}_{a.pk}"] for n in names], legend=a.title)) for a in self.actions]

    def indicator_group(self) -> FieldGroup | None:
        if not self.indicators:
            return None
        return FieldGroup([self[f"value_{i.pk}"] for i in self.indicators], legend=_("Indikatorernas värden"))

    def report_inputs(self):
        from .services import ActionReportInput

        d = self.cleaned_data
        return [ActionReportInput(
            action=a, status=d[f"status_{a.pk}"], progress=d[f"progress_{a.pk}"],
            used_operating=d.get(f"used_operating_{a.pk}") or 0, used_investment=d.get(f"used_investment_{a.pk}") or 0,
            comment=d.get(f"comment_{a.pk}", ""), comment_internal=d.get(f"comment_internal_{a.pk}", False),
        ) for a in self.actions]

    def value_inputs(self):
        from .services import IndicatorValueInput

        return [IndicatorValueInput(indicator=i, value=self.cleaned_data.get(f"value_{i.pk}") or "")
                for i in self.indicators]


class MeetingChoiceForm(DomainErrorFormMixin, forms.Form):
    meeting = forms.ChoiceField(label=_("Sammanträde"), error_messages={
        "required": _("Välj ett sammanträde."), "invalid_choice": _("Välj ett sammanträde.")})

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._meetings = list(meetings)
        self.fields["meeting"].choices = _choices(
            self._meetings, lambda m: f"{m.organ.name} {m.date:%Y-%m-%d} ({m.get_status_display().lower()})",
            empty=_("Välj sammanträde"))

    def clean_meeting(self):
        meeting = _pick(self._meetings, self.cleaned_data.get("meeting"))
        if meeting is None:
            raise ValidationError(self.fields["meeting"].error_messages["invalid_choice"])
        return meeting


class ImportForm(DomainErrorFormMixin, forms.Form):
    upload = forms.FileField(label=_("Fil (CSV eller XLSX)"), error_messages={
        "required": _("Välj en CSV- eller XLSX-fil."), "empty": _("Filen är tom."),
        "invalid": _("Välj en CSV- eller XLSX-fil.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        help_text=_("Samma kolumner som exporten. Importen görs helt eller inte alls."))

    def add_domain_error(self, exc) -> None:
        rows = exc.errors.pop("rows", None)
        if rows is not None:
            self.row_errors = list(rows)
            self.add_error(None, _("Inget importerades. Rätta felen nedan och försök igen."))
            if not exc.errors:
                return
        super().add_domain_error(exc)
