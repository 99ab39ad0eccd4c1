"""Forms of the meeting and decision pages. They parse input into typed values;
the rules live in services.py, whose DomainErrors are shown on these forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from diarium.core.limits import DATE_FORMAT, IsoDateField, LimitedCharField, PastIsoDateField
from diarium.registry.forms import (
    DateInput,
    DomainErrorFormMixin,
    SecrecyReviewFormMixin,
    classification_choices,
)
from diarium.registry.models import PartyKind

from .models import (
    ASSIGNMENT_TEXT_MAX,
    CONDITION_TEXT_MAX,
    CORRECTION_REASON_MAX,
    DECISION_TEXT_MAX,
    DELEGATION_POINT_MAX,
    DELEGATION_SUMMARY_MAX,
    DISPATCH_TO_MAX,
    NOTE_TEXT_MAX,
    OFFICE_MAX,
    PLACE_MAX,
    REPORT_TEXT_MAX,
    SIGNATORY_MAX,
    TITLE_MAX,
    CouncilMatter,
    Decision,
    DecisionNote,
    Membership,
)
from .services import (
    AssignmentInput,
    ForwardInput,
    NoteInput,
    ProposalInput,
    RecipientInput,
    Signatory,
    delegation_decision_errors,
)

DATE_ERRORS = {"required": _("Ange ett datum (ÅÅÅÅ-MM-DD)."), "invalid": DATE_FORMAT}
TIME_ERRORS = {"invalid": _("Ange ett klockslag (TT:MM).")}
NOTE_ROWS = 3
PROPOSAL_ROWS = 3
SIGNATORY_ROWS = 3


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class FieldGroup:
    """Some of a form's fields, drawn by registry/_fields.html as if a form."""

    def __init__(self, fields):
        self.visible_fields = [f for f in fields if not f.is_hidden]
        self.hidden_fields = [f for f in fields if f.is_hidden]


def _organ_label(organ) -> str:
    return f"{organ.name} ({organ.code})"


def _person_label(person) -> str:
    return f"{person.name}, {person.title}" if person.title else person.name


def _choices(objects, label, empty=None):
    head = [("", empty)] if empty is not None else []
    return head + [(str(o.pk), label(o)) for o in objects]


def _pick(objects, value):
    if not value:
        return None
    return next((o for o in objects if str(o.pk) == str(value)), None)


class GroupedFormMixin:
    """A form drawn in fieldsets: `form.groups.<name>` is a FieldGroup."""

    group_names: dict[str, list[str]] = {}

    @property
    def groups(self) -> dict[str, FieldGroup]:
        return {name: FieldGroup([self[f] for f in fields if f in self.fields])
                for name, fields in self.group_names.items()}


# --- meetings ---------------------------------------------------------------------------
class OrganFilterForm(forms.Form):
    """Narrow a list to one organ."""

    organ = forms.ChoiceField(label=_("Organ"), required=False)

    def __init__(self, *args, organs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._organs = list(organs)
        self.fields["organ"].choices = _choices(self._organs, _organ_label, empty=_("Alla"))

    def chosen_organ(self):
        if not self.is_bound or not self.is_valid():
            return None
        return _pick(self._organs, self.cleaned_data.get("organ"))


class MeetingForm(DomainErrorFormMixin, forms.Form):
    organ = forms.ChoiceField(label=_("Organ"), error_messages={
        "required": _("Välj det organ som sammanträder."),
        "invalid_choice": _("Välj ett organ vars sammanträden du får planera."),
    })
    date = IsoDateField(label=_("Datum"), widget=DateInput, error_messages={
        "required": _("Ange datum för sammanträdet (ÅÅÅÅ-MM-DD)."), "invalid": DATE_FORMAT,
    })
    start_time = forms.TimeField(label=_("Klockan (valfritt)"), required=False, widget=TimeInput,
                                 error_messages=TIME_ERRORS)
    end_time = forms.TimeField(label=_("Till klockan (valfritt)"), required=False, widget=TimeInput,
                               error_messages=TIME_ERRORS)
    place = LimitedCharField(label=_("Plats"), max_length=PLACE_MAX, required=False,
                            widget=forms.TextInput(attrs={"size": 40}),
                            help_text=_("Till exempel \"Stadshuset, KS-salen\"."))
    chair = forms.ChoiceField(label=_("Ordförande"), required=False,
                              help_text=_("Lämnas tomt: organets ordförande enligt ledamotslistan."))
    secretary = forms.ChoiceField(label=_("Sekreterare"), required=False)
    adjusters = forms.MultipleChoiceField(label=_("Justerare"), required=False, widget=forms.CheckboxSelectMultiple,
                                          help_text=_("De som tillsammans med ordföranden justerar protokollet."))

    def __init__(self, *args, organs=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._organs, self._people = list(organs), list(people)
        self.fields["organ"].choices = _choices(self._organs, _organ_label, empty=_("Välj organ"))
        self.fields["chair"].choices = _choices(self._people, _person_label, empty=_("Organets ordförande"))
        self.fields["secretary"].choices = _choices(self._people, _person_label, empty=_("Ingen vald"))
        self.fields["adjusters"].choices = _choices(self._people, _person_label)

    def clean_organ(self):
        organ = _pick(self._organs, self.cleaned_data.get("organ"))
        if organ is None:
            raise ValidationError(self.fields["organ"].error_messages["invalid_choice"])
        return organ

    def clean_chair(self):
        return _pick(self._people, self.cleaned_data.get("chair"))

    def clean_secretary(self):
        return _pick(self._people, self.cleaned_data.get("secretary"))

    def clean_adjusters(self):
        return [_pick(self._people, pk) for pk in self.cleaned_data.get("adjusters", [])]

    def clean(self):
        data = super().clean()
        organ = data.get("organ")
        if organ is not None:
            for name in ("chair", "secretary"):
                person = data.get(name)
                if person is not None and person.organisation_id != organ.organisation_id:
                    self.add_error(name, _("Välj en person i %(org)s.") % {"org": organ.organisation.name})
            if any(p.organisation_id != organ.organisation_id for p in data.get("adjusters") or []):
                self.add_error("adjusters", _("Välj justerare i %(org)s.") % {"org": organ.organisation.name})
        if "adjusters" in data and not data["adjusters"]:
            # The minutes are adjusted by the chair and the adjusters; without one they never could be.
            self.add_error("adjusters", _("Välj minst en justerare."))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", _("Sluttiden kan inte ligga före starttiden."))
        return data


class AgendaItemForm(SecrecyReviewFormMixin, DomainErrorFormMixin, forms.Form):
    """A matter for the agenda: a case by diary number, or a proposal to the organ,
    with the case's documents to choose as supporting documents."""

    title = LimitedCharField(label=_("Rubrik"), max_length=TITLE_MAX, required=False,
                            widget=forms.TextInput(attrs={"size": 60}),
                            help_text=_("Lämnas tomt: ärendets ärendemening."))
    diary_number = LimitedCharField(label=_("Ärende (diarienummer)"), max_length=60, required=False,
                                   help_text=_("Till exempel \"2017.676 KS\". Valfritt för punkter utan ärende."))
    proposal = forms.ChoiceField(label=_("Eller: förslag till beslut ställt till organet"), required=False)
    documents = forms.MultipleChoiceField(label=_("Beslutsunderlag"), required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          help_text=_("Handlingar i ärendet som går med punkten. Sekretessmarkerade "
                                                      "handlingar visas aldrig för allmänheten."))

    def __init__(self, *args, proposals=(), documents=(), find_case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._proposals = list(proposals)
        self._find_case = find_case
        self.fields["proposal"].choices = _choices(
            self._proposals, lambda p: f"{p.case.diary_number}: {p.text[:90]}", empty=_("Inget förslag"))
        self.fields["documents"].choices = [
            (str(d.id), f"{d.reference} {d.description if d.description is not None else _('(sekretess)')}")
            for d in documents
        ]
        if not self._proposals:
            del self.fields["proposal"]
        if not documents:
            del self.fields["documents"]

    def clean_diary_number(self):
        number = " ".join((self.cleaned_data.get("diary_number") or "").split())
        if not number:
            return None
        case = self._find_case(number) if self._find_case else None
        if case is None:
            raise ValidationError(_("Det finns inget ärende med diarienummer %(dnr)s.") % {"dnr": number})
        return case

    def clean_proposal(self):
        return _pick(self._proposals, self.cleaned_data.get("proposal"))

    def clean(self):
        data = super().clean()
        case, proposal = data.get("diary_number"), data.get("proposal")
        if case is not None and proposal is not None and proposal.case_id != case.pk:
            self.add_error("proposal", _("Förslaget hör till ärende %(dnr)s.") % {"dnr": proposal.case.diary_number})
        return data

    def chosen_document_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("documents", [])]

    def add_domain_error(self, exc) -> None:
        if "case" in exc.errors:
            exc.errors.setdefault("diary_number", []).extend(exc.errors.pop("case"))
        super().add_domain_error(exc)


class ProposalToAgendaForm(SecrecyReviewFormMixin, DomainErrorFormMixin, forms.Form):
    meeting = forms.ChoiceField(label=_("Sammanträde"), widget=forms.RadioSelect, error_messages={
        "required": _("Välj ett sammanträde."), "invalid_choice": _("Välj ett av de planerade sammanträdena."),
    })
    documents = forms.MultipleChoiceField(label=_("Beslutsunderlag"), required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, meetings=(), documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._meetings = list(meetings)
        self.fields["meeting"].choices = _choices(self._meetings, _meeting_label)
        self.fields["documents"].choices = [
            (str(d.id), f"{d.reference} {d.description if d.description is not None else _('(sekretess)')}")
            for d in documents
        ]

    def clean_meeting(self):
        return _pick(self._meetings, self.cleaned_data.get("meeting"))

    def chosen_document_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("documents", [])]


class DispatchForm(SecrecyReviewFormMixin, DomainErrorFormMixin, forms.Form):
    """Dispatching a decision, or sending the failed e-mails again (action
    "retry"): only a reason for a secrecy review, when asked."""

    action = forms.CharField(required=False, widget=forms.HiddenInput)


def _meeting_label(meeting) -> str:
    when = f"{meeting.date:%Y-%m-%d}" + (f" kl. {meeting.start_time:%H:%M}" if meeting.start_time else "")
    return f"{meeting.organ.code} {when}" + (f", {meeting.place}" if meeting.place else "")


class MinutesSignForm(DomainErrorFormMixin, forms.Form):
    """Record one approval of the minutes. The button pressed (name "signer",
    value "<role>:<person id>") says who approved; the date applies when the
    last approval adjusts the minutes."""

    posted_on = IsoDateField(
        label=_("Anslås på anslagstavlan (valfritt)"), required=False, widget=DateInput, error_messages=DATE_ERRORS,
        help_text=_("Gäller när det sista godkännandet registreras. Lämnas tomt: i dag. Överklagandetiden, tre "
                    "veckor, räknas från anslaget."),
    )

    def __init__(self, *args, signers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._signers = {f"{role}:{person.pk}": (role, person) for role, person in signers}

    def clean(self):
        data = super().clean()
        signer = self._signers.get(self.data.get("signer", ""))
        if signer is None:
            raise ValidationError(_("Välj ordföranden eller en av justerarna."))
        data["role"], data["person"] = signer
        return data

    def add_domain_error(self, exc) -> None:
        for key in ("person", "role"):  # shown at the top: the signers are buttons, not a field
            exc.errors.pop(key, None)
        if not exc.errors:
            self.add_error(None, exc.message)
        else:
            super().add_domain_error(exc)


# --- decisions --------------------------------------------------------------------------
def _parse_recipient_lines(text: str) -> list[RecipientInput]:
    """Lines "namn; e-postadress" (the address is optional: delivered by hand)."""
    result = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, email = line.partition(";")
        name, email = name.strip(), email.strip()
        if not name:
            raise ValidationError(_("Rad %(n)s: skriv namn; e-postadress (till exempel \"FABS AB; info@fabs.se\").")
                                  % {"n": number})
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(_("Rad %(n)s: %(email)s är inte en giltig e-postadress.")
                                      % {"n": number, "email": email})
        result.append(RecipientInput(name=name, email=email))
    return result


class DecisionForm(GroupedFormMixin, DomainErrorFormMixin, forms.Form):
    """Record a decision ("protokollför beslut") at an open meeting."""

    agenda_item = forms.ChoiceField(label=_("Punkt på föredragningslistan"), required=False)
    title = LimitedCharField(label=_("Rubrik"), max_length=TITLE_MAX, required=False,
                            widget=forms.TextInput(attrs={"size": 60}),
                            help_text=_("Lämnas tomt: punktens rubrik."))
    text = LimitedCharField(label=_("Beslut"), required=False, max_length=DECISION_TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Hänvisningar som \"KF 2017-12-13 § 251\" blir länkar till de besluten."))
    outcome = forms.ChoiceField(label=_("Utfall"), choices=Decision.Outcome.choices, initial=Decision.Outcome.ADOPTED)
    condition_organ = forms.ChoiceField(
        label=_("Villkor: gäller först när detta organ har beslutat"), required=False,
        help_text=_("Beslutet väntar tills organet fattar beslut i samma ärende: bifall gör det gällande, "
                    "avslag gör att det förfaller."),
    )
    condition_text = LimitedCharField(label=_("Villkoret i text (valfritt)"), max_length=CONDITION_TEXT_MAX, required=False,
                                     widget=forms.TextInput(attrs={"size": 60}),
                                     help_text=_("Till exempel \"att kommunfullmäktige antar Digital målbild\"."))
    recipient_organs = forms.MultipleChoiceField(label=_("Organ och bolag"), required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    recipient_other = LimitedCharField(
        label=_("Andra mottagare (valfritt)"), required=False, max_length=DISPATCH_TO_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En per rad: namn; e-postadress. Utan adress expedieras beslutet för hand."),
    )
    recipient_other_kind = forms.ChoiceField(
        label=_("Andra mottagare är"), choices=PartyKind.choices, initial=PartyKind.AUTO, required=False,
        widget=forms.RadioSelect,
        help_text=_("En privatpersons namn visas inte för allmänheten, där står \"Privatperson\"."),
    )
    forward_organ = forms.ChoiceField(label=_("Organ"), required=False)
    forward_text = LimitedCharField(label=_("Förslag till beslut"), required=False, max_length=DECISION_TEXT_MAX,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    forward_condition_organ = forms.ChoiceField(label=_("Villkor: beslut av (valfritt)"), required=False)
    forward_condition_text = LimitedCharField(label=_("Villkoret i text (valfritt)"), max_length=CONDITION_TEXT_MAX,
                                             required=False, widget=forms.TextInput(attrs={"size": 60}))
    assignment_organ = forms.ChoiceField(label=_("Organ som får uppdraget"), required=False)
    assignment_description = LimitedCharField(label=_("Uppdrag"), required=False, max_length=ASSIGNMENT_TEXT_MAX,
                                             widget=forms.Textarea(attrs={"rows": 3}))
    assignment_deadline = IsoDateField(label=_("Klart senast (valfritt)"), required=False, widget=DateInput,
                                          error_messages=DATE_ERRORS)

    group_names = {
        "main": ["agenda_item", "title", "text", "outcome"],
        "condition": ["condition_organ", "condition_text"],
        "recipients": ["recipient_organs", "recipient_other", "recipient_other_kind"],
        "forward": ["forward_organ", "forward_text", "forward_condition_organ", "forward_condition_text"],
        "assignment": ["assignment_organ", "assignment_description", "assignment_deadline"],
    }

    def __init__(self, *args, items=(), organs=(), recipient_organs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._items, self._organs, self._recipient_organs = list(items), list(organs), list(recipient_organs)
        self.fields["agenda_item"].choices = _choices(self._items, lambda i: f"{i.position}. {i.title}",
                                                      empty=_("Ingen punkt (extra ärende)"))
        for name in ("condition_organ", "forward_condition_organ"):
            self.fields[name].choices = _choices(self._organs, _organ_label, empty=_("Inget villkor"))
        for name in ("forward_organ", "assignment_organ"):
            self.fields[name].choices = _choices(self._organs, _organ_label, empty=_("Inget"))
        self.fields["recipient_organs"].choices = [
            (str(o.pk), f"{o.name} – {o.email}" if o.email else f"{o.name} – {_('saknar e-post')}")
            for o in self._recipient_organs
        ]
        notes = []
        for n in range(1, NOTE_ROWS + 1):
            self.fields[f"note_{n}_kind"] = forms.ChoiceField(label=_("Slag"), choices=DecisionNote.Kind.choices,
                                                              required=False)
            self.fields[f"note_{n}_text"] = LimitedCharField(label=_("Text"), required=False, max_length=NOTE_TEXT_MAX,
                                                            widget=forms.Textarea(attrs={"rows": 2}))
            notes.append([f"note_{n}_kind", f"note_{n}_text"])
        self.note_rows = notes

    @property
    def note_groups(self) -> list[FieldGroup]:
        return [FieldGroup([self[name] for name in row]) for row in self.note_rows]

    def clean_agenda_item(self):
        return _pick(self._items, self.cleaned_data.get("agenda_item"))

    def _organ(self, name):
        return _pick(self._organs, self.cleaned_data.get(name))

    def clean_condition_organ(self):
        return self._organ("condition_organ")

    def clean_forward_organ(self):
        return self._organ("forward_organ")

    def clean_forward_condition_organ(self):
        return self._organ("forward_condition_organ")

    def clean_assignment_organ(self):
        return self._organ("assignment_organ")

    def clean_recipient_organs(self):
        return [_pick(self._recipient_organs, pk) for pk in self.cleaned_data.get("recipient_organs", [])]

    def clean_recipient_other(self):
        return _parse_recipient_lines(self.cleaned_data.get("recipient_other"))

    def clean(self):
        data = super().clean()
        if data.get("forward_text", "").strip() and not data.get("forward_organ"):
            self.add_error("forward_organ", _("Välj det organ som förslaget ställs till."))
        if data.get("forward_organ") and not data.get("forward_text", "").strip():
            self.add_error("forward_text", _("Skriv förslaget till beslut."))
        if data.get("assignment_description", "").strip() and not data.get("assignment_organ"):
            self.add_error("assignment_organ", _("Välj det organ som får uppdraget."))
        if data.get("assignment_organ") and not data.get("assignment_description", "").strip():
            self.add_error("assignment_description", _("Beskriv uppdraget."))
        return data

    # Typed values for services.decision_record
    def notes(self) -> list[NoteInput]:
        return [NoteInput(kind=self.cleaned_data[k] or DecisionNote.Kind.MOTION, text=self.cleaned_data[t])
                for k, t in self.note_rows if (self.cleaned_data.get(t) or "").strip()]

    def recipients(self) -> list[RecipientInput]:
        kind = self.cleaned_data.get("recipient_other_kind") or PartyKind.AUTO
        other = [RecipientInput(name=r.name, email=r.email, kind=kind) for r in self.cleaned_data["recipient_other"]]
        return [RecipientInput(organ=o) for o in self.cleaned_data["recipient_organs"]] + other

    def forward(self) -> ForwardInput | None:
        d = self.cleaned_data
        if not d.get("forward_organ"):
            return None
        return ForwardInput(organ=d["forward_organ"], text=d["forward_text"],
                            condition_organ=d.get("forward_condition_organ"),
                            condition_text=d.get("forward_condition_text", ""))

    def assignments(self) -> list[AssignmentInput]:
        d = self.cleaned_data
        if not d.get("assignment_organ"):
            return []
        return [AssignmentInput(organ=d["assignment_organ"], description=d["assignment_description"],
                                deadline=d.get("assignment_deadline"))]

    def add_domain_error(self, exc) -> None:
        moves = {"recipients": "recipient_other", "notes": "note_1_kind", "assignments": "assignment_description",
                 "case": "agenda_item"}
        for key, target in moves.items():
            if key in exc.errors:
                exc.errors.setdefault(target, []).extend(exc.errors.pop(key))
        super().add_domain_error(exc)


class DecisionEditForm(DomainErrorFormMixin, forms.Form):
    title = LimitedCharField(label=_("Rubrik"), max_length=TITLE_MAX, required=False,
                            widget=forms.TextInput(attrs={"size": 60}))
    text = LimitedCharField(label=_("Beslut"), required=False, max_length=DECISION_TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 8}))
    outcome = forms.ChoiceField(label=_("Utfall"), choices=Decision.Outcome.choices)


class CorrectionForm(DomainErrorFormMixin, forms.Form):
    text = LimitedCharField(label=_("Rättelse"), required=False, max_length=DECISION_TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Vad som gäller i stället. Beslutet står kvar som det protokollfördes."))
    reason = LimitedCharField(label=_("Skäl"), max_length=CORRECTION_REASON_MAX, required=False,
                             widget=forms.TextInput(attrs={"size": 60}),
                             help_text=_("Till exempel \"Skrivfel i beloppet\"."))


# --- officer's reports ---------------------------------------------------------------------
class OfficerReportForm(GroupedFormMixin, DomainErrorFormMixin, forms.Form):
    """The officer's report ("tjänsteskrivelse") with a few rows of proposals and signatories."""

    title = LimitedCharField(label=_("Rubrik"), max_length=TITLE_MAX, required=False,
                            widget=forms.TextInput(attrs={"size": 60}))
    addressed_to = forms.ChoiceField(label=_("Till"), error_messages={
        "required": _("Välj det organ skrivelsen ställs till."),
        "invalid_choice": _("Välj ett organ i organisationen."),
    })
    office = LimitedCharField(label=_("Förvaltning (valfritt)"), max_length=OFFICE_MAX, required=False,
                             widget=forms.TextInput(attrs={"size": 40}),
                             help_text=_("Till exempel \"Kommunledningskontoret\"."))
    report_date = PastIsoDateField(label=_("Datum"), widget=DateInput, error_messages=DATE_ERRORS)
    background = LimitedCharField(label=_("Ärendebeskrivning"), required=False, max_length=REPORT_TEXT_MAX,
                                 widget=forms.Textarea(attrs={"rows": 8}))
    opinion = LimitedCharField(label=_("Förvaltningens yttrande"), required=False, max_length=REPORT_TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 6}))
    dispatch_to = LimitedCharField(label=_("Beslutet ska skickas till"), required=False, max_length=DISPATCH_TO_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}), help_text=_("En mottagare per rad."))

    group_names = {
        "main": ["title", "addressed_to", "office", "report_date", "background", "opinion"],
        "dispatch": ["dispatch_to"],
    }

    def __init__(self, *args, organs=(), proposal_rows: int = PROPOSAL_ROWS, signatory_rows: int = SIGNATORY_ROWS,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self._organs = list(organs)
        self.fields["addressed_to"].choices = _choices(self._organs, _organ_label, empty=_("Välj organ"))
        self.proposal_rows, self.signatory_rows = [], []
        for n in range(1, proposal_rows + 1):
            self.fields[f"proposal_{n}_organ"] = forms.ChoiceField(
                label=_("Förslag till"), required=False,
                choices=_choices(self._organs, _organ_label, empty=_("Välj organ")))
            self.fields[f"proposal_{n}_text"] = LimitedCharField(
                label=_("Förslag till beslut"), required=False, max_length=DECISION_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
            self.fields[f"proposal_{n}_condition_organ"] = forms.ChoiceField(
                label=_("Villkor: beslut av (valfritt)"), required=False,
                choices=_choices(self._organs, _organ_label, empty=_("Inget villkor")))
            self.fields[f"proposal_{n}_condition_text"] = LimitedCharField(
                label=_("Villkoret i text (valfritt)"), max_length=CONDITION_TEXT_MAX, required=False,
                widget=forms.TextInput(attrs={"size": 60}))
            self.proposal_rows.append(n)
        for n in range(1, signatory_rows + 1):
            self.fields[f"signatory_{n}_name"] = LimitedCharField(label=_("Namn"), max_length=SIGNATORY_MAX,
                                                                  required=False)
            self.fields[f"signatory_{n}_title"] = LimitedCharField(label=_("Titel"), max_length=SIGNATORY_MAX,
                                                                   required=False)
            self.signatory_rows.append(n)

    @property
    def proposal_groups(self) -> list[FieldGroup]:
        return [FieldGroup([self[f"proposal_{n}_{k}"] for k in ("organ", "text", "condition_organ",
                                                                 "condition_text")])
                for n in self.proposal_rows]

    @property
    def signatory_groups(self) -> list[FieldGroup]:
        return [FieldGroup([self[f"signatory_{n}_name"], self[f"signatory_{n}_title"]]) for n in self.signatory_rows]

    def clean_addressed_to(self):
        organ = _pick(self._organs, self.cleaned_data.get("addressed_to"))
        if organ is None:
            raise ValidationError(self.fields["addressed_to"].error_messages["invalid_choice"])
        return organ

    def clean(self):
        data = super().clean()
        for n in self.proposal_rows:
            data[f"proposal_{n}_organ"] = _pick(self._organs, data.get(f"proposal_{n}_organ"))
            data[f"proposal_{n}_condition_organ"] = _pick(self._organs, data.get(f"proposal_{n}_condition_organ"))
            if (data.get(f"proposal_{n}_text") or "").strip() and data[f"proposal_{n}_organ"] is None:
                self.add_error(f"proposal_{n}_organ", _("Välj det organ som förslaget ställs till."))
        return data

    def proposals(self) -> list[ProposalInput]:
        d = self.cleaned_data
        return [ProposalInput(organ=d[f"proposal_{n}_organ"], text=d[f"proposal_{n}_text"],
                              condition_organ=d[f"proposal_{n}_condition_organ"],
                              condition_text=d[f"proposal_{n}_condition_text"])
                for n in self.proposal_rows if (d.get(f"proposal_{n}_text") or "").strip()]

    def signatories(self) -> list[Signatory]:
        d = self.cleaned_data
        return [Signatory(name=d[f"signatory_{n}_name"].strip(), title=d[f"signatory_{n}_title"].strip())
                for n in self.signatory_rows if d.get(f"signatory_{n}_name", "").strip()]

    def dispatch_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("dispatch_to", "").splitlines() if line.strip()]

    def add_domain_error(self, exc) -> None:
        if "proposals" in exc.errors:
            exc.errors.setdefault("proposal_1_text", []).extend(exc.errors.pop("proposals"))
        super().add_domain_error(exc)


# --- assignments ------------------------------------------------------------------------
class AssignmentLinkForm(DomainErrorFormMixin, forms.Form):
    diary_number = LimitedCharField(label=_("Ärende som besvarar uppdraget (diarienummer)"), max_length=60,
                                   required=False, help_text=_("Till exempel \"2017.676 KS\"."))

    def __init__(self, *args, find_case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._find_case = find_case

    def clean_diary_number(self):
        number = " ".join((self.cleaned_data.get("diary_number") or "").split())
        if not number:
            raise ValidationError(_("Ange ärendets diarienummer."))
        case = self._find_case(number) if self._find_case else None
        if case is None:
            raise ValidationError(_("Det finns inget ärende med diarienummer %(dnr)s.") % {"dnr": number})
        return case



# --- an organ's members and substitutes -----------------------------------------------------------------
class MembershipAddForm(DomainErrorFormMixin, forms.Form):
    name = LimitedCharField(label=_("Namn"), max_length=200, error_messages={
        "required": _("Ange personens namn.")},
        help_text=_("Finns personen inte i registret läggs den till."))
    email = forms.EmailField(label=_("E-postadress (valfritt)"), required=False, max_length=254,
                             help_text=_("Dit kallelser skickas."),
                             error_messages={"invalid": _("Ange en giltig e-postadress, t.ex. namn@kommun.se.")})
    role = forms.ChoiceField(label=_("Uppdrag"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER,
                             error_messages={"required": _("Välj uppdrag."),
                                             "invalid_choice": _("Välj ordförande, vice ordförande, ledamot eller "
                                                                 "ersättare.")})
    party = LimitedCharField(label=_("Parti (valfritt)"), max_length=40, required=False)
    start = IsoDateField(label=_("Från"), widget=DateInput, error_messages={
        "required": _("Ange när uppdraget börjar (ÅÅÅÅ-MM-DD)."), "invalid": DATE_FORMAT})
    end = IsoDateField(label=_("Till (valfritt)"), required=False, widget=DateInput,
                       help_text=_("Lämnas tomt för ett uppdrag tills vidare, t.ex. mandatperiodens slut."),
                       error_messages={"invalid": DATE_FORMAT})
    substitute_order = forms.IntegerField(
        label=_("Turordning (ersättare)"), required=False, min_value=1, max_value=999,
        help_text=_("I vilken ordning ersättare kallas in när en ledamot är frånvarande eller jävig: 1 först."),
        error_messages={"invalid": _("Ange turordningen som ett tal."),
                        "min_value": _("Turordningen är ett tal från 1 och uppåt."),
                        "max_value": _("Turordningen är ett tal från 1 och uppåt.")})


class MembershipImportForm(DomainErrorFormMixin, forms.Form):
    csv = LimitedCharField(
        label=_("Ledamotslista (CSV)"), max_length=200_000, widget=forms.Textarea(attrs={"rows": 8, "cols": 70}),
        error_messages={"required": _("Klistra in listan.")},
        help_text=_("Första raden: namn;uppdrag;parti;från;till;turordning;e-post. Därefter en rad per person, "
                    "t.ex. ”Anna Berg;ersättare;S;2027-01-01;2030-12-31;1;anna.berg@kommun.se”. Semikolon, "
                    "komma eller tabb (som när man kopierar från ett kalkylark)."))


class MembershipEndForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    end = IsoDateField(label=_("Sista dag"), widget=DateInput,
                       error_messages={"required": _("Ange uppdragets sista dag (ÅÅÅÅ-MM-DD)."),
                                       "invalid": DATE_FORMAT})


class CouncilMatterForm(DomainErrorFormMixin, forms.Form):
    """A motion, interpellation, question or citizen proposal to register."""

    kind = forms.ChoiceField(label=_("Slag"), choices=CouncilMatter.Kind.choices,
                             error_messages={"required": _("Välj slag."),
                                             "invalid_choice": _("Välj motion, interpellation, fråga eller "
                                                                 "medborgarförslag.")})
    title = LimitedCharField(label=_("Ärendemening"), max_length=500,
                             error_messages={"required": _("Ange vad ärendet gäller.")},
                             help_text=_("T.ex. ”Motion om fler laddstolpar vid Stadshuset”."))
    submitted_on = PastIsoDateField(label=_("Väckt"), widget=DateInput, error_messages={
        "required": _("Ange när det väcktes (ÅÅÅÅ-MM-DD)."), "invalid": DATE_FORMAT})
    mover = forms.ModelChoiceField(label=_("Väckt av (motion, interpellation, fråga)"), queryset=None,
                                   required=False, empty_label=_("– ingen ledamot (medborgarförslag) –"),
                                   error_messages={"invalid_choice": _("Välj en av fullmäktiges ledamöter.")})
    addressed_to = forms.ModelChoiceField(label=_("Ställd till (interpellation, fråga)"), queryset=None,
                                          required=False, empty_label="–",
                                          error_messages={"invalid_choice": _("Välj en person i organisationen.")})
    submitter = LimitedCharField(label=_("Förslagsställare (medborgarförslag)"), max_length=300, required=False,
                                 help_text=_("En privatperson: namnet visas inte för allmänheten."))
    classification = forms.ChoiceField(label=_("Klassificering"), required=False)

    def __init__(self, *args, members, people, classifications=(), **kwargs):
        """`classifications`: registry.selectors.classification.case_classifications of the organisation."""
        super().__init__(*args, **kwargs)
        self.fields["mover"].queryset = members
        self.fields["mover"].label_from_instance = _person_label
        self.fields["addressed_to"].queryset = people
        self.fields["addressed_to"].label_from_instance = _person_label
        self._classifications = list(classifications)
        required = any(c.level == c.Level.PROCESS for c in self._classifications)
        self.fields["classification"].choices = classification_choices(
            self._classifications, empty=_("Välj process") if required else _("Ingen vald"))
        if required:
            self.fields["classification"].help_text = _("Den process i klassificeringsstrukturen som ärendet hör "
                                                        "till.")

    def clean_classification(self):
        return _pick(self._classifications, self.cleaned_data.get("classification"))


class DelegationDecisionForm(DomainErrorFormMixin, forms.Form):
    """A decision taken under delegation, to register in its case. The fields
    only parse; what is missing or wrong is the service's rule
    (services.delegation_decision_errors), asked here too so that the form
    shows every error at once."""

    organ = forms.ChoiceField(label=_("Delegation från"), required=False,
                              help_text=_("Den nämnd vars delegationsordning beslutet fattades enligt. "
                                          "Beslutet anmäls till den."),
                              error_messages={"invalid_choice": _("Välj en av organisationens nämnder.")})
    point = LimitedCharField(label=_("Punkt i delegationsordningen"), max_length=DELEGATION_POINT_MAX, required=False,
                             widget=forms.TextInput(attrs={"size": 10}), help_text=_("Till exempel 3.2."))
    summary = LimitedCharField(label=_("Beslutet i korthet"), max_length=DELEGATION_SUMMARY_MAX, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Till exempel ”Bygglov beviljas för tillbyggnad av enbostadshus”. "
                                           "Visas för allmänheten om handlingen inte sekretessmarkeras; "
                                           "privatpersoners namn visas inte."))
    decided_on = IsoDateField(label=_("Beslutsdatum"), widget=DateInput, required=False)
    decided_by = forms.ChoiceField(label=_("Beslutsfattare"), required=False,
                                   error_messages={"invalid_choice": _("Välj en person i organisationen.")})
    file = forms.FileField(label=_("Beslutet som fil (valfritt)"), required=False,
                           help_text=_("Registreras som handlingens fil."))

    def __init__(self, *args, case, organs=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self._organs, self._people = case, list(organs), list(people)
        self.fields["organ"].choices = _choices(self._organs, _organ_label, empty=_("Välj nämnd"))
        self.fields["decided_by"].choices = _choices(self._people, _person_label, empty=_("Välj person"))

    def clean_organ(self):
        return _pick(self._organs, self.cleaned_data.get("organ"))

    def clean_decided_by(self):
        return _pick(self._people, self.cleaned_data.get("decided_by"))

    def clean(self):
        data = super().clean()
        errors = delegation_decision_errors(
            case=self.case, organ=data.get("organ"), point=data.get("point", ""), summary=data.get("summary", ""),
            decided_on=data.get("decided_on"), decided_by=data.get("decided_by"))
        for name, messages in errors.items():
            if name in self.fields and not self.has_error(name):
                for message in messages:
                    self.add_error(name, message)
        return data


class DelegationFilterForm(forms.Form):
    """Narrow the list of delegation decisions to a board and a year (each
    filter on its own: a year that does not parse leaves the board's)."""

    organ = forms.ChoiceField(label=_("Delegation från"), required=False)
    year = forms.IntegerField(label=_("År"), required=False, min_value=1900, max_value=9999)

    def __init__(self, *args, organs=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._organs = list(organs)
        self.fields["organ"].choices = _choices(self._organs, _organ_label, empty=_("Alla"))
        self.fields["year"].widget = forms.Select(choices=[("", _("Alla"))] + [(str(y), str(y)) for y in years])

    def _value(self, name):
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def chosen_organ(self):
        return _pick(self._organs, self._value("organ"))

    def chosen_year(self) -> int | None:
        return self._value("year")
