"""Forms of the archive's pages. They only parse input into typed values (the
rows a choice names are looked up by the view); every rule lives in the
services, whose DomainErrors are shown on these forms, all at once."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import IsoDateField, LimitedCharField
from diarium.registry.forms import DateInput, DomainErrorFormMixin

from .models import HOLD_REASON_MAX, CountedFrom, RetentionRule


def _choices(rows, label, empty) -> list[tuple[str, str]]:
    return [("", empty)] + [(str(row.pk), label(row)) for row in rows]


class RuleForm(DomainErrorFormMixin, forms.Form):
    """A rule of a draft. Lenient on purpose: what is missing or wrong is said
    by the service (services.plan.rule_values_errors), every problem at once."""

    classification = forms.ChoiceField(label=_("Process"), required=False)
    document_type = forms.ChoiceField(label=_("Handlingstyp"), required=False,
                                      help_text=_("Tomt: alla handlingstyper (ärendet som helhet)."))
    applies_to = forms.ChoiceField(label=_("Gäller"), choices=RetentionRule.AppliesTo.choices, required=False,
                                   initial=RetentionRule.AppliesTo.ALL,
                                   help_text=_("En regel för sekretessmarkerade handlingar eller handlingar med "
                                               "personuppgifter går före regeln för alla handlingar."))
    action = forms.ChoiceField(label=_("Bevara eller gallra"), required=False,
                               choices=[("", _("Välj")), *RetentionRule.Action.choices])
    years = forms.CharField(label=_("År"), required=False, max_length=6,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}))
    months = forms.CharField(label=_("Månader"), required=False, max_length=6,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}))
    counted_from = forms.ChoiceField(label=_("Räknat från att"), required=False,
                                     choices=[("", _("Välj händelse")), *CountedFrom.choices])
    counted_from_fallback = forms.ChoiceField(
        label=_("Om beslut saknas, räknat från att"), required=False,
        choices=[("", _("Välj händelse")), (CountedFrom.CASE_CLOSED, CountedFrom.CASE_CLOSED.label),
                 (CountedFrom.REGISTERED, CountedFrom.REGISTERED.label)],
        help_text=_("Behövs när tiden räknas från beslut: ärenden utan beslut räknas från denna händelse."))
    # No max_length here: the service says what is too long, with every other problem.
    form = forms.CharField(label=_("Bevarandeform"), required=False,
                           help_text=_("Till exempel ”elektroniskt, PDF/A” eller ”papper”."))
    legal_ground = forms.CharField(label=_("Lagrum eller föreskrift"), required=False,
                                   help_text=_("Till exempel ”Arkivlagen 10 §” eller ett gallringsbeslut."))
    note = forms.CharField(label=_("Anmärkning"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, classifications=(), document_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._classifications = {str(c.pk): c for c in classifications}
        self._document_types = {str(t.pk): t for t in document_types}
        self.fields["classification"].choices = _choices(classifications, lambda c: f"{c.code} {c.title}",
                                                         _("Välj process"))
        self.fields["document_type"].choices = _choices(document_types, lambda t: t.name,
                                                        _("Alla handlingstyper"))

    def rule_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["classification"] = self._classifications.get(data.get("classification") or "")
        data["document_type"] = self._document_types.get(data.get("document_type") or "")
        return data


class RulesImportForm(DomainErrorFormMixin, forms.Form):
    file = forms.FileField(label=_("Fil med regler (CSV)"),
                           help_text=_("Semikolonseparerad, med rubrikraden: process;handlingstyp;gäller;åtgärd;"
                                       "år;månader;räknat från;om beslut saknas;bevarandeform;lagrum;anmärkning"))

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Filen är för stor (högst 2 MB)."))
        data = upload.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("Filen kunde inte läsas som text (UTF-8).")) from None


class DecisionChoiceForm(DomainErrorFormMixin, forms.Form):
    """The decision that adopts (a § of a meeting), and for a disposal list
    optionally a delegation decision instead."""

    decision = forms.ChoiceField(label=_("Beslut (paragraf)"), required=False)

    def __init__(self, *args, decisions=(), delegation_decisions=None, with_date=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = _choices(
            decisions, lambda d: f"{d.reference}: {d.title}"[:200], _("Välj beslut"))
        if delegation_decisions is not None:
            self.fields["delegation_decision"] = forms.ChoiceField(
                label=_("eller delegationsbeslut"), required=False,
                choices=_choices(delegation_decisions, lambda d: f"{d.organ.code} {d.decided_on:%Y-%m-%d} "
                                 f"({d.point}), {d.case.diary_number}", _("Inget delegationsbeslut")))
        if with_date:
            self.fields["effective_from"] = IsoDateField(label=_("Gäller från"), required=False,
                                                         widget=DateInput())

    def chosen(self, name: str) -> int | None:
        value = self.cleaned_data.get(name) or ""
        return int(value) if value.isdigit() else None


class AsOfForm(forms.Form):
    as_of = IsoDateField(label=_("Gallringsbart per"), required=False, widget=DateInput())


class HoldForm(DomainErrorFormMixin, forms.Form):
    case = LimitedCharField(label=_("Ärende (diarienummer)"), max_length=60, required=False)
    reason = LimitedCharField(label=_("Skäl"), max_length=HOLD_REASON_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Till exempel en pågående tvist, en utredning eller en begäran från en "
                                          "tillsynsmyndighet. Läses bara av registratorer."))


class HoldLiftForm(DomainErrorFormMixin, forms.Form):
    lift_reason = LimitedCharField(label=_("Skäl att ta bort spärren"), max_length=HOLD_REASON_MAX, required=False)
