"""Forms of the register's web pages. They only parse input into typed values;
the rules live in services.py, whose DomainErrors are shown on these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diarium.core.control_characters import control_characters_message, has_control_characters
from diarium.core.errors import DomainError
from diarium.core.limits import IsoDateField, LimitedCharField, PastIsoDateField

from .models import (
    CASE_DESCRIPTION_MAX,
    CASE_TITLE_MAX,
    DOCUMENT_COUNTERPART_MAX,
    DOCUMENT_DESCRIPTION_MAX,
    REASON_MAX,
    REGISTER_QUERY_MAX,
    SECRECY_GROUND_MAX,
    SECRECY_REVIEW_REASON_MAX,
    Case,
    Contact,
    Document,
    PartyKind,
    ReceivedVia,
)
from . import osl
from .selectors import date_range_check
from .services import (
    COPY_CONTACT_MAX,
    COPY_FORMATS,
    COPY_MESSAGE_MAX,
    COPY_NAME_MAX,
    SECRECY_REVIEW_FIELD,
    case_title_missing,
    document_errors,
)
from .services.contacts import contact_errors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field whose cleaned value is a list of uploads (possibly empty)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class DomainErrorFormMixin:
    """Show a service's DomainError on the form: known keys on their fields,
    everything else at the top of the form. Text with control characters is
    refused on its field, as the API refuses it (diarium.core.control_characters)."""

    def _clean_fields(self):
        super()._clean_fields()
        for name, value in list(self.cleaned_data.items()):
            texts = value if isinstance(value, list | tuple) else [value]
            if any(isinstance(text, str) and has_control_characters(text) for text in texts):
                self.add_error(name, control_characters_message())

    def add_domain_error(self, exc: DomainError) -> None:
        if not exc.errors:
            self.add_error(None, exc.message)
            return
        for name, messages in exc.errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class SecrecyReviewFormMixin:
    """The reason of a secrecy review ("sekretessprövning") on a form whose
    service lets documents leave the organisation. Asked for only when the
    service refused without it: then the template registry/_secrecy_review.html
    shows a warning naming the documents and why, and the reason's field; the
    other field templates leave it out. Put before DomainErrorFormMixin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SECRECY_REVIEW_FIELD] = LimitedCharField(
            label=_("Skäl för att lämna ut (sekretessprövning)"), required=False,
            max_length=SECRECY_REVIEW_REASON_MAX,
            help_text=_("Varför handlingarna kan lämnas ut. Skälet sparas i ärendets historik."),
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        auto_id = self[SECRECY_REVIEW_FIELD].auto_id
        self.fields[SECRECY_REVIEW_FIELD].widget.attrs.update({
            "required": True, "aria-describedby": f"{auto_id}_concerns {auto_id}_helptext",
        })

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != SECRECY_REVIEW_FIELD]

    @property
    def secrecy_review_asked(self) -> bool:
        """Whether to show the warning and the reason's field: the service asked
        for a reason, or the user has written one."""
        if not self.is_bound:
            return False
        return bool(self[SECRECY_REVIEW_FIELD].errors or (self.data.get(self.add_prefix(SECRECY_REVIEW_FIELD))
                                                          or "").strip())

    def release_reason(self) -> str:
        """The reason given (empty when none)."""
        return (self.cleaned_data.get(SECRECY_REVIEW_FIELD) or "").strip()


def _choices(objects, label=str, empty=_("Alla")):
    return [("", empty)] + [(str(o.pk), label(o)) for o in objects]


def _organ_label(organ) -> str:
    return f"{organ.name} ({organ.code})"


def organ_filter_choices(organs) -> list:
    """A filter's organ choices: grouped by organisation (an <optgroup> each)
    when they span several, in the order given (selectors.filters)."""
    organs = list(organs)
    if len({o.organisation_id for o in organs}) <= 1:
        return _choices(organs, label=_organ_label)
    choices: list = [("", _("Alla"))]
    groups: dict[int, list] = {}
    for organ in organs:
        if organ.organisation_id not in groups:
            groups[organ.organisation_id] = []
            choices.append((organ.organisation.name, groups[organ.organisation_id]))
        groups[organ.organisation_id].append((str(organ.pk), _organ_label(organ)))
    return choices


def _register_filter_fields(form, *, organisations, organs, years, officers=()) -> None:
    """The organisation, organ, year and (when given) officer choices of a register filter.
    `officers` None: the officer filter waits for an organisation to be chosen."""
    if organisations:
        form.fields["organisation"].choices = _choices(organisations)
    else:
        del form.fields["organisation"]
    form.fields["organ"].choices = organ_filter_choices(organs)
    form.fields["year"].choices = [("", _("Alla"))] + [(str(y), str(y)) for y in years]
    if "case_officer" not in form.fields:
        return
    if officers is None:
        del form.fields["case_officer"]
        if "organisation" in form.fields:
            form.fields["organisation"].help_text = _("Välj en organisation och filtrera för att också kunna "
                                                      "välja handläggare.")
    else:
        form.fields["case_officer"].choices = _choices(officers, label=lambda p: p.name)


def classification_choices(classifications, *, empty=None) -> list:
    """A select's choices of classifications: the processes grouped under
    their processgrupp (an <optgroup> each), other codes on their own; named
    after their organisation when they span several."""
    classifications = list(classifications)
    several = len({c.organisation_id for c in classifications}) > 1

    def named(label: str, node) -> str:
        return f"{label} ({node.organisation.name})" if several else label

    choices: list = [("", _("Ingen vald") if empty is None else empty)]
    groups: dict[int, tuple[str, list]] = {}
    for c in classifications:
        label = str(c) if c.active else _("%(node)s (används inte längre)") % {"node": c}
        if c.level == c.Level.PROCESS and c.parent_id is not None:
            if c.parent_id not in groups:
                groups[c.parent_id] = (named(str(c.parent), c), [])
                choices.append(groups[c.parent_id])
            groups[c.parent_id][1].append((str(c.pk), label))
        else:
            choices.append((str(c.pk), named(label, c)))
    return choices


def _rule_errors_add(form, found: dict[str, list[str]]) -> None:
    """A service's rule errors on the form's fields that have no error of their own yet."""
    for name, messages in found.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, messages)


def _pick(objects, value):
    """The object whose pk is `value` from an already-loaded list, or None."""
    if not value:
        return None
    return next((o for o in objects if str(o.pk) == str(value)), None)


class CaseFilterForm(forms.Form):
    """The public register's filter. Choices come from lists the view already
    loaded, so validating costs no queries."""

    q = LimitedCharField(label=_("Sök"), required=False, max_length=REGISTER_QUERY_MAX,
                        help_text=_("Söker i diarienummer, ärendemening och beskrivning."))
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    organ = forms.ChoiceField(label=_("Organ"), required=False)
    year = forms.TypedChoiceField(label=_("År"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Alla"))] + list(Case.Status.choices))
    case_officer = forms.ChoiceField(label=_("Handläggare"), required=False)
    date_from = IsoDateField(label=_("Registrerat från"), required=False, widget=DateInput)
    date_to = IsoDateField(label=_("Registrerat till"), required=False, widget=DateInput)

    def __init__(self, *args, organisations=(), organs=(), officers=(), years=(), **kwargs):
        """`officers` None: the officer filter is left out until an organisation
        is chosen (selectors.filters.register_filter_choices)."""
        super().__init__(*args, **kwargs)
        _register_filter_fields(self, organisations=organisations, organs=organs, officers=officers, years=years)

    def filters(self) -> dict:
        """Keyword arguments for selectors.case_list (only the valid ones)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "organisation": int(data["organisation"]) if data.get("organisation") else None,
            "organ": int(data["organ"]) if data.get("organ") else None,
            "year": data.get("year"),
            "status": data.get("status") or None,
            "case_officer": int(data["case_officer"]) if data.get("case_officer") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "q": data.get("q") or None,
        }


class DocumentFilterForm(forms.Form):
    """The filter of the public register of documents. Like CaseFilterForm it
    validates against lists the view already loaded; the date range is checked
    by the selector's own rule."""

    q = LimitedCharField(label=_("Sök"), required=False, max_length=REGISTER_QUERY_MAX,
                        help_text=_("Söker i diarienummer, ärendemening och handlingarnas "
                                    "avsändare/mottagare och beskrivning."))
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    organ = forms.ChoiceField(label=_("Organ"), required=False)
    year = forms.TypedChoiceField(label=_("Registreringsår"), required=False, coerce=int, empty_value=None)
    direction = forms.ChoiceField(label=_("Riktning"), required=False,
                                  choices=[("", _("Alla"))] + list(Document.Direction.choices))
    date_from = IsoDateField(label=_("Registrerad från"), required=False, widget=DateInput)
    date_to = IsoDateField(label=_("Registrerad till"), required=False, widget=DateInput)

    def __init__(self, *args, organisations=(), organs=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        _register_filter_fields(self, organisations=organisations, organs=organs, years=years)

    def clean(self):
        data = super().clean()
        try:
            date_range_check(date_from=data.get("date_from"), date_to=data.get("date_to"))
        except DomainError as exc:
            self.add_error("date_to", exc.message)
        return data

    def filters(self) -> dict:
        """Keyword arguments for selectors.document_list (only the valid ones)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "organisation": int(data["organisation"]) if data.get("organisation") else None,
            "organ": int(data["organ"]) if data.get("organ") else None,
            "year": data.get("year"),
            "direction": data.get("direction") or None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "q": data.get("q") or None,
        }


class CaseForm(DomainErrorFormMixin, forms.Form):
    """Register or edit a case. The organ field is left out when editing."""

    organ = forms.ChoiceField(label=_("Organ"), error_messages={
        "required": _("Välj det organ ärendet hör till."),
        "invalid_choice": _("Välj ett organ som du får registrera ärenden i."),
    })
    title = LimitedCharField(label=_("Ärendemening"), max_length=CASE_TITLE_MAX, required=False,
                            widget=forms.TextInput(attrs={"aria-required": "true", "size": 60}))
    case_officer = forms.ChoiceField(label=_("Handläggare"), required=False)
    classification = forms.ChoiceField(label=_("Klassificering"), required=False)
    description = LimitedCharField(label=_("Beskrivning"), required=False, max_length=CASE_DESCRIPTION_MAX,
                                   widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, organs=None, officers=(), classifications=(), classification_required=False,
                 **kwargs):
        """`classification_required`: the organisation has a scheme in use, so
        a process must be chosen (the service says so too, for any path)."""
        super().__init__(*args, **kwargs)
        self._organs = list(organs or [])
        self._officers = list(officers)
        self._classifications = list(classifications)
        if organs is None:
            del self.fields["organ"]
        else:
            self.fields["organ"].choices = _choices(self._organs, label=lambda o: f"{o.name} ({o.code})",
                                                    empty=_("Välj organ"))
        self.fields["case_officer"].choices = _choices(self._officers, empty=_("Ingen vald"))
        field = self.fields["classification"]
        if classification_required:
            field.choices = classification_choices(self._classifications, empty=_("Välj process"))
            field.label = _("Klassificering (process)")
            field.help_text = _("Den process i klassificeringsstrukturen som ärendet hör till.")
            field.widget.attrs["aria-required"] = "true"
        else:
            field.choices = classification_choices(self._classifications)

    def clean_title(self):
        """Asked here too, so an empty title is said together with the form's other errors."""
        title = (self.cleaned_data.get("title") or "").strip()
        if not title:
            raise forms.ValidationError(case_title_missing())
        return title

    def clean_organ(self):
        organ = _pick(self._organs, self.cleaned_data.get("organ"))
        if organ is None:
            raise forms.ValidationError(self.fields["organ"].error_messages["invalid_choice"])
        return organ

    def clean_case_officer(self):
        return _pick(self._officers, self.cleaned_data.get("case_officer"))

    def clean_classification(self):
        return _pick(self._classifications, self.cleaned_data.get("classification"))


class CaseCloseForm(DomainErrorFormMixin, forms.Form):
    reason = LimitedCharField(label=_("Kommentar (valfri)"), required=False, max_length=REASON_MAX)


class CaseReopenForm(DomainErrorFormMixin, forms.Form):
    reason = LimitedCharField(label=_("Skäl till att ärendet återöppnas"), required=False, max_length=REASON_MAX,
                             widget=forms.TextInput(attrs={"aria-required": "true"}))


class DocumentForm(DomainErrorFormMixin, forms.Form):
    direction = forms.ChoiceField(label=_("Riktning"), choices=Document.Direction.choices, widget=forms.RadioSelect,
                                  error_messages={"required": _("Välj om handlingen är inkommande, upprättad, "
                                                                "utgående eller intern.")})
    document_date = PastIsoDateField(
        label=_("Datum"), widget=DateInput, help_text=_("Dag då handlingen kom in eller upprättades (ÅÅÅÅ-MM-DD)."),
        error_messages={"required": _("Ange datum då handlingen kom in eller upprättades (ÅÅÅÅ-MM-DD).")},
    )
    counterpart = LimitedCharField(label=_("Avsändare/mottagare"), required=False, max_length=DOCUMENT_COUNTERPART_MAX,
                                  help_text=_("Krävs för inkommande och utgående handlingar."))
    counterpart_kind = forms.ChoiceField(
        label=_("Avsändare/mottagare är"), choices=PartyKind.choices, initial=PartyKind.AUTO, required=False,
        widget=forms.RadioSelect,
        help_text=_("En privatpersons namn visas inte i det publika diariet, där står \"Privatperson\"."),
    )
    description = LimitedCharField(label=_("Beskrivning"), required=False, max_length=DOCUMENT_DESCRIPTION_MAX,
                                  widget=forms.TextInput(attrs={"aria-required": "true", "size": 60}))
    document_type = forms.ChoiceField(label=_("Handlingstyp"), required=False)
    received_via = forms.ChoiceField(label=_("Inkommen via"), required=False,
                                     choices=[("", _("– (bara för inkommande)")), *ReceivedVia.choices],
                                     error_messages={"invalid_choice": _("Välj e-post, post, e-tjänst eller "
                                                                         "lämnad personligen.")})
    files = MultipleFileField(label=_("Filer"), required=False,
                              help_text=_("Du kan välja flera filer. Filtypen kontrolleras mot innehållet."))

    def __init__(self, *args, document_types=(), contacts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if contacts:  # the contact register's names offered as the sender/recipient (a <datalist>)
            self.fields["counterpart"].widget.attrs["list"] = "kontakter"
        self._document_types = list(document_types)
        if self._document_types:
            self.fields["document_type"].choices = _choices(self._document_types, empty=_("Ingen vald"))
        else:
            del self.fields["document_type"]

    def clean_document_type(self):
        return _pick(self._document_types, self.cleaned_data.get("document_type"))

    def clean_counterpart_kind(self):
        return self.cleaned_data.get("counterpart_kind") or PartyKind.AUTO

    def clean(self):
        """The register's own rules (services.document_errors) for the fields
        the form read, so every error shows at once, not one per submit."""
        data = super().clean()
        found = document_errors(direction=data.get("direction"), document_date=data.get("document_date"),
                                description=data.get("description") or "", counterpart=data.get("counterpart") or "",
                                counterpart_kind=data.get("counterpart_kind") or PartyKind.AUTO,
                                received_via=data.get("received_via") or "")
        _rule_errors_add(self, found)
        return data


class SecrecyForm(DomainErrorFormMixin, forms.Form):
    provision = forms.ChoiceField(
        label=_("Sekretessgrund"), required=False,
        choices=[("", _("Annan grund (skriv den nedan)")),
                 *[(ref, f"{ref} – {str(text).split(':')[0]}") for ref, text in osl.PROVISIONS]],
        help_text=_("Bestämmelserna i offentlighets- och sekretesslagen som oftast gäller; deras innehåll i "
                    "korthet står under formuläret."),
        error_messages={"invalid_choice": _("Välj en av bestämmelserna, eller skriv grunden.")})
    ground = LimitedCharField(label=_("Annan sekretessgrund"), max_length=SECRECY_GROUND_MAX, required=False,
                             help_text=_("Till exempel \"OSL 23 kap. 2 §\", när den inte finns i listan."))
    masked_fields = forms.MultipleChoiceField(
        label=_("Dölj i det publika diariet"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=list(Document.MASKABLE_FIELDS.items()),
    )

    def clean(self):
        """One ground: the chosen provision, else the one written."""
        data = super().clean()
        provision = data.pop("provision", "") or ""
        data["ground"] = provision or (data.get("ground") or "").strip()
        if not data["ground"] and "ground" not in self.errors:
            self.add_error("provision", _("Välj en bestämmelse eller skriv sekretessgrunden."))
        return data


class SecrecyLiftForm(DomainErrorFormMixin, forms.Form):
    reason = LimitedCharField(label=_("Skäl till att sekretessmarkeringen tas bort"), max_length=REASON_MAX, required=False,
                             widget=forms.TextInput(attrs={"aria-required": "true"}))


class FileForm(DomainErrorFormMixin, forms.Form):
    file = forms.FileField(label=_("Fil"), error_messages={"required": _("Välj en fil.")})


class CopyRequestForm(DomainErrorFormMixin, forms.Form):
    """A request for a copy of a document ("begär ut handling"). Everything but
    the form of the copy is optional; the service checks the rest."""

    name = forms.CharField(
        label=_("Ditt namn (frivilligt)"), required=False, max_length=COPY_NAME_MAX,
        help_text=_("Du har rätt att vara anonym och behöver inte heller säga varför du vill ha handlingen "
                    "(tryckfrihetsförordningen 2 kap. 18 §)."),
        error_messages={"max_length": _("Namnet får vara högst %(limit_value)s tecken.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    format = forms.ChoiceField(
        label=_("Hur vill du få kopian?"), choices=list(COPY_FORMATS.items()), widget=forms.RadioSelect,
        error_messages={"required": _("Välj om du vill få kopian på papper eller med e-post."),
                        "invalid_choice": _("Välj om du vill få kopian på papper eller med e-post.")},
    )
    contact = forms.CharField(
        label=_("E-postadress eller postadress (frivilligt)"), required=False, max_length=COPY_CONTACT_MAX,
        help_text=_("Behövs för att vi ska kunna skicka kopian till dig: en e-postadress för e-post, "
                    "en postadress för papperskopia. Utan kontaktuppgift kan du hämta kopian hos "
                    "registraturen; uppge då handlingens nummer."),
        error_messages={"max_length": _("Kontaktuppgiften får vara högst %(limit_value)s tecken.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message = forms.CharField(
        label=_("Meddelande (frivilligt)"), required=False, max_length=COPY_MESSAGE_MAX,
        help_text=_("Till exempel om du bara vill ha en del av handlingen."),
        error_messages={"max_length": _("Meddelandet får vara högst %(limit_value)s tecken.")},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- the masking assistant's review (issue 18) -----------------------------------------------
REVIEW_CHOICES = (("mask", _("Maskera")), ("release", _("Visa")))


def review_field_name(key: str) -> str:
    """A finding's key ("registry.case:12:title:0") as a form field's name."""
    return key.replace(".", "-").replace(":", "-")


class PrivacyReviewForm(DomainErrorFormMixin, forms.Form):
    """One choice per finding (Maskera / Visa) and a reason beside it; a
    finding not yet reviewed is proposed masked."""

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = {}
        for review_field in review.fields:
            for finding in review_field.findings:
                name = review_field_name(finding.key)
                self.keys[name] = (review_field, finding)
                self.fields[f"{name}-action"] = forms.ChoiceField(
                    label=finding.text, choices=REVIEW_CHOICES, widget=forms.RadioSelect,
                    initial="release" if finding.state == "released" else "mask")
                self.fields[f"{name}-reason"] = LimitedCharField(
                    label=_("Skäl"), required=False, max_length=REASON_MAX, initial=finding.reason,
                    help_text=_("Krävs för att visa ett personnummer.") if finding.reason_required else "")

    def rows(self):
        """(review field, finding, action field, reason field) for the template."""
        for name, (review_field, finding) in self.keys.items():
            yield review_field, finding, self[f"{name}-action"], self[f"{name}-reason"]

    def verdicts(self):
        """The verdicts that change something: every finding not yet reviewed,
        and those whose verdict or reason the registrar changed."""
        from .services import Verdict

        self._verdict_fields = []
        out = []
        for name, (review_field, finding) in self.keys.items():
            action = self.cleaned_data.get(f"{name}-action")
            reason = self.cleaned_data.get(f"{name}-reason") or ""
            current = {"masked": "mask", "released": "release"}.get(finding.state)
            if finding.state == "pending" or action != current or reason != finding.reason:
                self._verdict_fields.append(f"{name}-reason")
                out.append(Verdict(model=review_field.model, pk=review_field.pk, field=review_field.field,
                                   index=finding.index, action=action, reason=reason))
        return out

    def add_domain_error(self, exc):
        """A verdict's error (the service numbers them as verdicts() gave them)
        goes on that finding's reason field; others on top of the form."""
        targets = getattr(self, "_verdict_fields", [])
        if not exc.errors:
            self.add_error(None, exc.message)
        for key, messages in (exc.errors or {}).items():
            n = key[len("verdicts["):-1] if key.startswith("verdicts[") else ""
            target = targets[int(n)] if n.isdigit() and int(n) < len(targets) else None
            for message in messages:
                self.add_error(target, message)


class CaseProtectForm(DomainErrorFormMixin, forms.Form):
    public_title = LimitedCharField(
        label=_("Mening som allmänheten ser"), max_length=CASE_TITLE_MAX, required=False,
        help_text=_("Till exempel ”Ärende enligt socialtjänstlagen” eller ”Personalärende”."),
        widget=forms.TextInput(attrs={"aria-required": "true", "size": 50}))
    ground = LimitedCharField(label=_("Lagrum"), max_length=SECRECY_GROUND_MAX, required=False,
                              help_text=_("Till exempel ”OSL 26 kap. 1 §”."),
                              widget=forms.TextInput(attrs={"aria-required": "true"}))
    protect_description = forms.BooleanField(label=_("Skydda också beskrivningen"), required=False, initial=True)


class CaseUnprotectForm(DomainErrorFormMixin, forms.Form):
    reason = LimitedCharField(label=_("Skäl till att skyddet tas bort"), max_length=REASON_MAX, required=False,
                              widget=forms.TextInput(attrs={"aria-required": "true"}))


class ContactForm(DomainErrorFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Slag"), choices=Contact.Kind.choices, initial=Contact.Kind.PERSON,
                             widget=forms.RadioSelect,
                             error_messages={"required": _("Välj person eller organisation."),
                                             "invalid_choice": _("Välj person eller organisation.")})
    name = LimitedCharField(label=_("Namn"), max_length=300, required=False,
                            widget=forms.TextInput(attrs={"aria-required": "true", "size": 40}))
    is_private = forms.BooleanField(label=_("Privatperson (namnet visas aldrig för allmänheten)"), required=False,
                                    initial=True,
                                    help_text=_("Gäller personer. Ta bort markeringen bara för en person som "
                                                "företräder en organisation."))
    org_number = LimitedCharField(label=_("Organisationsnummer"), max_length=20, required=False)
    email = LimitedCharField(label=_("E-post"), max_length=254, required=False)
    phone = LimitedCharField(label=_("Telefon"), max_length=40, required=False)
    address = LimitedCharField(label=_("Postadress"), max_length=300, required=False)

    def clean(self):
        """The register's own rules (services.contact_errors), every error at once."""
        data = super().clean()
        found = contact_errors(kind=data.get("kind") or "", name=" ".join((data.get("name") or "").split()),
                               email=(data.get("email") or "").strip(), org_number=data.get("org_number") or "",
                               phone=data.get("phone") or "", address=data.get("address") or "")
        _rule_errors_add(self, found)
        return data
