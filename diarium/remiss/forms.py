"""Forms of the remiss pages. They parse input; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import (
    DATE_FORMAT,
    IsoDateField,
    LimitedCharField,
    PastIsoDateField,
)
from diarium.registry.forms import DateInput, DomainErrorFormMixin, MultipleFileField, SecrecyReviewFormMixin
from diarium.registry.models import PartyKind

from .models import (
    ANSWER_TEXT_MAX,
    ANSWERED_BY_MAX,
    ASSESSMENT_MAX,
    CHANGE_MAX,
    DECISION_REF_MAX,
    EXTEND_REASON_MAX,
    LETTER_MAX,
    RECIPIENT_NAME_MAX,
    REVISION_NOTE_MAX,
    TITLE_MAX,
    RemissRecipient,
    RemissRound,
)
from .services import RecipientInput

DATE_ERRORS = {"required": _("Ange ett datum (ÅÅÅÅ-MM-DD)."), "invalid": DATE_FORMAT}


class RoundForm(SecrecyReviewFormMixin, DomainErrorFormMixin, forms.Form):
    title = LimitedCharField(label=_("Rubrik"), max_length=TITLE_MAX, required=False,
                            widget=forms.TextInput(attrs={"aria-required": "true", "size": 60}))
    files = forms.MultipleChoiceField(label=_("Remisshandlingar"), required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=_("Den version som är aktuell nu skickas."))
    letter = LimitedCharField(label=_("Missiv"), required=False, max_length=LETTER_MAX,
                             widget=forms.Textarea(attrs={"rows": 6, "aria-required": "true"}),
                             help_text=_("Följebrevet: vad remissen gäller och vad ni vill ha synpunkter på."))
    deadline = IsoDateField(label=_("Sista svarsdag"), widget=DateInput, required=False, error_messages=DATE_ERRORS)
    ordered_by = LimitedCharField(label=_("Beslut om remiss (valfritt)"), max_length=DECISION_REF_MAX, required=False,
                                 help_text=_("Till exempel \"KSAU 2018-02-28 § 8\"."))
    organs = forms.MultipleChoiceField(label=_("Remissinstanser inom kommunen och hos samverkanspartner"),
                                       required=False, widget=forms.CheckboxSelectMultiple)
    external = LimitedCharField(
        label=_("Andra remissinstanser (valfritt)"), required=False, max_length=100 * (RECIPIENT_NAME_MAX + 256), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En per rad: namn; e-postadress. Till exempel \"Föreningen Sambruk; info@sambruk.se\"."),
    )
    external_kind = forms.ChoiceField(
        label=_("Andra remissinstanser är"), choices=PartyKind.choices, initial=PartyKind.AUTO, required=False,
        widget=forms.RadioSelect,
        help_text=_("En privatpersons namn visas inte för allmänheten, där står \"Privatperson\"."),
    )
    dispatch_mode = forms.ChoiceField(label=_("Registrering av utskicket"), choices=RemissRound.DispatchMode.choices,
                                      initial=RemissRound.DispatchMode.PER_RECIPIENT, widget=forms.RadioSelect)
    reminder_days_before = forms.IntegerField(label=_("Påminnelse, dagar före sista svarsdag"), initial=7,
                                              min_value=0, max_value=60)
    grace_days = forms.IntegerField(label=_("Svarslänken gäller, dagar efter sista svarsdag"), initial=30,
                                    min_value=0, max_value=365)

    def __init__(self, *args, organs=(), files=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._organs = {str(o.pk): o for o in organs}
        self._files = {str(f.pk): f for f in files}
        self.fields["organs"].choices = [
            (str(o.pk), f"{o.name}{' – ' + o.email if o.email else ' – ' + str(_('saknar e-post'))}") for o in organs
        ]
        self.fields["files"].choices = [
            (str(f.pk), f"{f.document.case.diary_number}-{f.document.number} {f.filename} (v{f.version})")
            for f in files
        ]

    def clean_external(self):
        result = []
        for number, line in enumerate((self.cleaned_data.get("external") or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, email = line.partition(";")
            name, email = name.strip(), email.strip()
            try:
                validate_email(email)
            except ValidationError:
                raise forms.ValidationError(
                    _("Rad %(n)s: skriv namn; e-postadress (till exempel \"Sambruk; info@sambruk.se\").") % {"n": number}
                )
            result.append(RecipientInput(name=name, email=email))
        return result

    def add_domain_error(self, exc) -> None:
        # The service speaks of recipients; on this form they are chosen under "organs".
        if "recipients" in exc.errors:
            exc.errors.setdefault("organs", []).extend(exc.errors.pop("recipients"))
        super().add_domain_error(exc)

    def recipients(self) -> list[RecipientInput]:
        chosen = [RecipientInput(organ=self._organs[pk]) for pk in self.cleaned_data.get("organs", [])]
        kind = self.cleaned_data.get("external_kind") or PartyKind.AUTO
        return chosen + [RecipientInput(name=r.name, email=r.email, kind=kind)
                         for r in self.cleaned_data.get("external", [])]

    def chosen_files(self):
        return [self._files[pk] for pk in self.cleaned_data.get("files", [])]


class RoundSendForm(SecrecyReviewFormMixin, DomainErrorFormMixin, forms.Form):
    """Sending a prepared round: only a reason for a secrecy review, when asked."""


class AnswerForm(DomainErrorFormMixin, forms.Form):
    """The answer through the personal link (and inside the system)."""

    answer = forms.ChoiceField(
        label=_("Ert svar"), widget=forms.RadioSelect, initial="answer",
        choices=[("answer", _("Vi lämnar svar på remissen")), ("decline", _("Vi avstår från att svara"))],
    )
    files = MultipleFileField(label=_("Svarsfiler"), required=False,
                              help_text=_("Till exempel ert yttrande som PDF. Du kan välja flera filer."))
    text = LimitedCharField(label=_("Svar i text"), required=False, max_length=ANSWER_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Valfritt om ni bifogar en fil. Avstår ni kan ni skriva varför."))
    decision_ref = LimitedCharField(
        label=_("Beslut bakom svaret (valfritt)"), max_length=DECISION_REF_MAX, required=False,
        help_text=_("Till exempel \"Kultur- och fritidsnämnden 2018-06-12 § 45\"."),
    )
    answered_by = LimitedCharField(label=_("Ert namn (valfritt)"), max_length=ANSWERED_BY_MAX, required=False,
                                  help_text=_("Den som lämnar svaret för remissinstansen."))

    def __init__(self, *args, inside=False, **kwargs):
        super().__init__(*args, **kwargs)
        if inside:
            del self.fields["answered_by"]
            self.fields["received_on"] = PastIsoDateField(
                label=_("Inkom (valfritt)"), required=False, widget=DateInput, error_messages=DATE_ERRORS,
                help_text=_("Datum då svaret kom in, om det kom med post eller e-post. Annars i dag."),
            )


class RecipientChoiceForm(forms.Form):
    recipients = forms.MultipleChoiceField(label=_("Remissinstanser"), required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Välj ingen för att gälla alla som inte har svarat."))

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [(str(r.pk), r.name) for r in recipients]

    def recipient_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("recipients", [])]


class ExtendForm(DomainErrorFormMixin, RecipientChoiceForm):
    deadline = IsoDateField(label=_("Ny sista svarsdag"), widget=DateInput, required=False,
                               error_messages=DATE_ERRORS)
    reason = LimitedCharField(label=_("Skäl"), max_length=EXTEND_REASON_MAX, required=False,
                             widget=forms.TextInput(attrs={"aria-required": "true", "size": 60}))
    decision_ref = LimitedCharField(label=_("Beslut om förlängning (valfritt)"), max_length=DECISION_REF_MAX, required=False,
                                   help_text=_("Till exempel \"KSAU 2018-04-25 § 53\"."))

    field_order = ["deadline", "reason", "decision_ref", "recipients"]


class AssessmentForm(DomainErrorFormMixin, forms.Form):
    summary = LimitedCharField(label=_("Sammanfattning av svaret"), required=False, max_length=ASSESSMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 3}))
    consideration = forms.ChoiceField(label=_("Beaktande"), required=False,
                                      choices=[("", _("Ej bedömt"))] + list(RemissRecipient.Consideration.choices))
    comment = LimitedCharField(label=_("Kommentar"), required=False, max_length=ASSESSMENT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class ReviseForm(DomainErrorFormMixin, forms.Form):
    consulted = forms.ChoiceField(label=_("Handling som reviderats"))
    file = forms.FileField(label=_("Reviderad version"), error_messages={"required": _("Välj den reviderade filen.")})
    note = LimitedCharField(label=_("Om revideringen"), required=False, max_length=REVISION_NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, consulted=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._consulted = {str(f.pk): f for f in consulted}
        self.fields["consulted"].choices = [(str(f.pk), f"{f.filename} (v{f.version})") for f in consulted]

    def clean_consulted(self):
        return self._consulted[self.cleaned_data["consulted"]]


class ChangeForm(DomainErrorFormMixin, forms.Form):
    description = LimitedCharField(label=_("Ändring"), required=False, max_length=CHANGE_MAX,
                                  widget=forms.TextInput(attrs={"size": 60}))
    recipients = forms.MultipleChoiceField(label=_("Svar som ledde till ändringen"), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, answered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [(str(r.pk), r.name) for r in answered]


ChangeFormSet = forms.formset_factory(ChangeForm, extra=3, max_num=30)
