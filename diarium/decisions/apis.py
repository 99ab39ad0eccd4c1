"""Meetings, decisions, minutes, dispatch and assignments over JSON: thin
endpoints over services and selectors.

The same rules as the web: a meeting is public once its notice is published
(the agenda and the supporting documents the reader may see; secret ones never
appear for those who may not read them), its decisions and minutes once the
minutes are adjusted. Staff of the organ see drafts, and only they see the
recipients' e-mail addresses and delivery errors.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from diarium.accounts import selectors as people
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id, LocalTime
from diarium.core.errors import DomainError, NotFound, PermissionDenied
from diarium.core.limits import IsoDate, PastIsoDate
from diarium.registry import selectors as registry
from diarium.registry.apis import OrganRef, PersonRef

from . import access, selectors, services
from .models import (
    ASSIGNMENT_TEXT_MAX,
    CONDITION_TEXT_MAX,
    CORRECTION_REASON_MAX,
    DECISION_TEXT_MAX,
    DISPATCH_LINE_MAX,
    DISPATCH_LINES_MAX,
    NOTE_TEXT_MAX,
    OFFICE_MAX,
    PARTY_MAX,
    PLACE_MAX,
    REPORT_TEXT_MAX,
    SIGNATORY_MAX,
    TITLE_MAX,
    Assignment,
    Decision,
    Meeting,
    Membership,
    Proposal,
)

router = Router(tags=["Sammanträden och beslut"])


MembershipRole = Literal["chair", "vice_chair", "member", "substitute"]
MeetingStatus = Literal["planned", "notice_published", "opened", "closed", "adjusted"]
Outcome = Literal["adopted", "amended", "rejected", "referred_back", "postponed", "noted"]
DecisionStatus = Literal["effective", "pending", "void"]
NoteKind = Literal["motion", "reservation", "dissent", "note", "conflict"]
SignatureRole = Literal["chair", "adjuster", "secretary"]
RecipientState = Literal["pending", "queued", "sent", "failed"]
AssignmentStatus = Literal["open", "done"]
ChainKind = Literal["proposal", "agenda", "decision"]


# --- schemas ------------------------------------------------------------------------------
class MembershipIn(Schema):
    person: Id
    role: MembershipRole
    start: IsoDate
    end: IsoDate | None = None
    party: str = Field("", max_length=PARTY_MAX)


class MembershipOut(Schema):
    id: int
    organ_id: int
    person: PersonRef
    role: MembershipRole
    role_label: str
    party: str
    start: dt.date
    end: dt.date | None


class MeetingFilters(Schema):
    organ: Id | None = None
    organisation: Id | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class MeetingIn(Schema):
    organ: Id
    date: IsoDate
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    place: str = Field("", max_length=PLACE_MAX)
    chair: Id | None = Field(None, description="Person id; the organ's chair on the day when left out.")
    secretary: Id | None = None
    adjusters: list[Id] = Field([], description="Person ids of the adjusters (justerare).")


class MeetingListItem(Schema):
    id: int
    organisation_id: int
    organ: OrganRef
    date: dt.date
    start_time: LocalTime | None
    end_time: LocalTime | None
    place: str
    status: MeetingStatus
    status_label: str
    notice_published_at: dt.datetime | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None


class AttendanceOut(Schema):
    person: PersonRef
    role: MembershipRole
    role_label: str
    present: bool | None = Field(description="Shown with the decisions: to staff, to everyone once adjusted.")
    replaces_id: int | None


class SupportingDocumentOut(Schema):
    id: int
    reference: str
    description: str | None
    masked: bool
    content_hidden: bool


class DecisionRef(Schema):
    id: int
    reference: str
    title: str
    status: DecisionStatus
    status_label: str


class ProposalOut(Schema):
    id: int
    organ: OrganRef
    case_id: int
    text: str
    position: int
    report_id: int | None
    from_decision: DecisionRef | None
    condition_organ: OrganRef | None
    condition_text: str


class AgendaItemOut(Schema):
    id: int
    meeting_id: int
    position: int
    title: str
    case_id: int | None
    diary_number: str | None
    proposal: ProposalOut | None
    documents: list[SupportingDocumentOut]
    decisions: list[DecisionRef]


class SignatureOut(Schema):
    person: PersonRef
    role: SignatureRole
    role_label: str
    signed_at: dt.datetime
    method: str


class MinutesOut(Schema):
    adjusted: bool
    adjusted_at: dt.datetime | None
    posted_on: dt.date | None
    take_down_on: dt.date | None
    appeal_ends_on: dt.date | None
    signatures: list[SignatureOut]


class DecisionListItem(Schema):
    id: int
    reference: str
    organ: OrganRef
    meeting_id: int
    meeting_date: dt.date
    year: int
    paragraph: int
    title: str
    outcome: Outcome
    outcome_label: str
    status: DecisionStatus
    status_label: str
    case_id: int | None
    diary_number: str | None
    agenda_item_id: int | None


class MeetingOut(MeetingListItem):
    chair: PersonRef | None
    secretary: PersonRef | None
    adjusters: list[PersonRef]
    attendance: list[AttendanceOut]
    items: list[AgendaItemOut]
    decisions_visible: bool
    decisions: list[DecisionListItem]
    minutes: MinutesOut | None
    can_manage: bool


class AgendaItemIn(Schema):
    title: str = Field("", max_length=TITLE_MAX, description="The case's title when left out.")
    case: Id | None = None
    proposal: Id | None = None
    documents: list[Id] = Field([], description="Ids of the case's documents (beslutsunderlag).")


class MoveIn(Schema):
    direction: Literal["up", "down"]


class AttendanceIn(Schema):
    present: list[Id] = Field(description="Person ids of those present; everyone else is marked absent.")


class SignatureIn(Schema):
    person: Id
    role: SignatureRole
    posted_on: IsoDate | None = Field(None, description="The day the adjusted minutes are posted (anslaget).")


class NoteIn(Schema):
    kind: NoteKind
    text: str = Field(max_length=NOTE_TEXT_MAX)


class DecisionRecipientIn(Schema):
    """An organ or a person by id (name and e-mail come from them), or a name and e-mail."""

    organ: Id | None = None
    person: Id | None = None
    name: str = Field("", max_length=300)
    email: str = Field("", max_length=254)


class ForwardIn(Schema):
    organ: Id
    text: str = Field(max_length=DECISION_TEXT_MAX)
    condition_organ: Id | None = None
    condition_text: str = Field("", max_length=CONDITION_TEXT_MAX)


class AssignmentIn(Schema):
    organ: Id
    description: str = Field(max_length=ASSIGNMENT_TEXT_MAX)
    deadline: IsoDate | None = None


class DecisionIn(Schema):
    title: str = Field("", max_length=TITLE_MAX, description="The agenda item's title when left out.")
    text: str = Field(max_length=DECISION_TEXT_MAX)
    agenda_item: Id | None = None
    case: Id | None = None
    outcome: Outcome = "adopted"
    proposal: Id | None = None
    condition_organ: Id | None = Field(None, description="Takes effect only when this organ adopts the matter.")
    condition_text: str = Field("", max_length=CONDITION_TEXT_MAX)
    participants: list[Id] | None = Field(None, description="Person ids; those present when left out.")
    notes: list[NoteIn] = []
    recipients: list[DecisionRecipientIn] = []
    forward: ForwardIn | None = Field(None, description="A proposal to another organ (KS föreslår KF …).")
    assignments: list[AssignmentIn] = []


class DecisionUpdateIn(Schema):
    title: str = Field(None, max_length=TITLE_MAX)
    text: str = Field(None, max_length=DECISION_TEXT_MAX)
    outcome: Outcome = None


class CorrectionIn(Schema):
    text: str = Field(max_length=DECISION_TEXT_MAX)
    reason: str = Field(max_length=CORRECTION_REASON_MAX)


class NoteOut(Schema):
    position: int
    kind: NoteKind
    kind_label: str
    text: str


class DecisionRecipientOut(Schema):
    id: int
    position: int
    name: str
    organ_id: int | None
    person_id: int | None
    email: str | None = Field(description="Only for staff of the organ.")
    state: RecipientState
    state_label: str
    error: str | None = Field(description="Only for staff of the organ.")
    sent_at: dt.datetime | None
    excerpt_document_id: int | None


class CorrectionOut(Schema):
    text: str
    reason: str
    at: dt.datetime
    by_name: str


class AssignmentOut(Schema):
    id: int
    decision: DecisionRef
    organ: OrganRef
    description: str
    deadline: dt.date | None
    status: AssignmentStatus
    status_label: str
    answering_case_id: int | None
    answering_diary_number: str | None
    done_at: dt.datetime | None
    done_by_decision: DecisionRef | None


class DecisionOut(DecisionListItem):
    text: str
    proposal: ProposalOut | None
    condition_organ: OrganRef | None
    condition_text: str
    condition_decision: DecisionRef | None = Field(description="The decision that met or failed the condition.")
    status_changed_at: dt.datetime | None
    conditions_met: list[DecisionRef] = Field(description="Conditional decisions this decision settled.")
    participants: list[PersonRef]
    notes: list[NoteOut]
    recipients: list[DecisionRecipientOut]
    corrections: list[CorrectionOut]
    references: list[DecisionRef]
    referenced_by: list[DecisionRef]
    assignments: list[AssignmentOut]
    forwarded_proposals: list[ProposalOut]
    recorded_at: dt.datetime
    adjusted: bool
    adjusted_at: dt.datetime | None
    appeal_ends_on: dt.date | None
    can_manage: bool


class ProposalIn(Schema):
    organ: Id
    text: str = Field(max_length=DECISION_TEXT_MAX)
    condition_organ: Id | None = None
    condition_text: str = Field("", max_length=CONDITION_TEXT_MAX)


class SignatoryIn(Schema):
    name: str = Field(max_length=SIGNATORY_MAX)
    title: str = Field("", max_length=SIGNATORY_MAX)


class SignatoryOut(Schema):
    name: str
    title: str


class OfficerReportIn(Schema):
    title: str = Field(max_length=TITLE_MAX)
    addressed_to: Id = Field(description="The organ the report is addressed to.")
    office: str = Field("", max_length=OFFICE_MAX)
    background: str = Field(max_length=REPORT_TEXT_MAX)
    opinion: str = Field("", max_length=REPORT_TEXT_MAX)
    proposals: list[ProposalIn]
    dispatch_to: list[Annotated[str, Field(max_length=DISPATCH_LINE_MAX)]] = Field(
        [], max_length=DISPATCH_LINES_MAX, description="Beslutet ska skickas till: one recipient a line.")
    signatories: list[SignatoryIn] = []
    report_date: PastIsoDate | None = None


class OfficerReportOut(Schema):
    id: int
    case_id: int
    title: str
    addressed_to: OrganRef
    office: str
    background: str
    opinion: str
    dispatch_to: list[str]
    signatories: list[SignatoryOut]
    report_date: dt.date
    document_id: int | None
    document_reference: str | None
    proposals: list[ProposalOut]
    created_at: dt.datetime


class ProposalAgendaIn(Schema):
    meeting: Id
    documents: list[Id] | None = Field(None, description="Document ids; the officer's report when left out.")


class ChainStepOut(Schema):
    date: dt.date
    organ: OrganRef
    kind: ChainKind
    label: str
    url: str | None
    decision: DecisionRef | None


class AssignmentFilters(Schema):
    organ: Id | None = None
    organisation: Id | None = None


class AnsweringCaseIn(Schema):
    case: Id


class CompleteIn(Schema):
    decision: Id | None = Field(None, description="The decision that completes the assignment.")


class RetryCount(Schema):
    count: int


# --- lookups of referenced rows ----------------------------------------------------------
def _referenced(lookup, field: str):
    """A row named by id in the request body; unknown ids are the client's error."""
    try:
        return lookup()
    except NotFound as exc:
        raise DomainError(exc.message, field=field) from exc


def _organ(pk: int | None, field: str, organisation_id: int | None = None):
    if pk is None:
        return None
    organ = _referenced(lambda: people.organ_get(pk=pk), field)
    if organisation_id is not None and organ.organisation_id != organisation_id:
        raise DomainError(_("Organet finns inte."), field=field)
    return organ


def _person(pk: int | None, field: str, organisation_id: int):
    if pk is None:
        return None
    person = _referenced(lambda: people.person_get(pk=pk), field)
    if person.organisation_id != organisation_id:
        raise DomainError(_("Personen finns inte."), field=field)
    return person


def _case(user, pk: int | None, field: str, organisation_id: int):
    if pk is None:
        return None
    case = _referenced(lambda: registry.case_get(user=user, pk=pk), field)
    if case.organisation_id != organisation_id:
        raise DomainError(_("Ärendet finns inte."), field=field)
    return case


def _documents(ids, field: str = "documents"):
    return [_referenced(lambda pk=pk: registry.document_for_write(pk=pk), field) for pk in ids]


def _proposal(pk: int | None, field: str | None, organisation_id: int | None = None):
    if pk is None:
        return None
    proposal = Proposal.objects.select_related("organ", "case", "report").filter(pk=pk).first()
    if proposal is None or (organisation_id is not None and proposal.case.organisation_id != organisation_id):
        error = _("Förslaget finns inte.")
        raise DomainError(error, field=field) if field else NotFound(error)
    return proposal


def _item(meeting: Meeting, pk: int | None, field: str | None):
    if pk is None:
        return None
    item = meeting.items.select_related("meeting", "meeting__organ", "case", "proposal").filter(pk=pk).first()
    if item is None:
        error = _("Punkten finns inte på sammanträdets föredragningslista.")
        raise DomainError(error, field=field) if field else NotFound(error)
    return item


def _meeting(request, meeting_id: int) -> Meeting:
    return selectors.meeting_get(user=actor(request), pk=meeting_id)


def _decision(request, decision_id: int) -> Decision:
    return selectors.decision_get(user=actor(request), pk=decision_id)


def _assignment(user, assignment_id: int) -> Assignment:
    assignment = Assignment.objects.select_related(
        "organ", "decision", "decision__organ", "decision__meeting", "decision__meeting__organ",
    ).filter(pk=assignment_id).first()
    if assignment is None or not access.decisions_visible(user, assignment.decision.meeting):
        raise NotFound(_("Uppdraget finns inte."))
    return assignment


# --- serialising ---------------------------------------------------------------------------
def _organ_ref(organ) -> dict | None:
    return {"id": organ.pk, "code": organ.code, "name": organ.name} if organ is not None else None


def _person_ref(person) -> dict | None:
    return {"id": person.pk, "name": person.name, "title": person.title} if person is not None else None


def _decision_ref(decision: Decision) -> dict:
    return {"id": decision.pk, "reference": decision.reference, "title": decision.title,
            "status": decision.status, "status_label": str(decision.get_status_display())}


def _visible_ref(user, decision: Decision | None) -> dict | None:
    """A reference to another decision, only if this reader may see it."""
    if decision is None or not access.decisions_visible(user, decision.meeting):
        return None
    return _decision_ref(decision)


def _visible_refs(user, decisions) -> list[dict]:
    return [ref for ref in (_visible_ref(user, d) for d in decisions) if ref is not None]


def _proposal_out(user, p) -> dict:
    return {
        "id": p.pk, "organ": _organ_ref(p.organ), "case_id": p.case_id, "text": p.text, "position": p.position,
        "report_id": p.report_id, "from_decision": _visible_ref(user, p.from_decision) if p.from_decision_id else None,
        "condition_organ": _organ_ref(p.condition_organ), "condition_text": p.condition_text,
    }


def _decision_list_item(d: Decision) -> dict:
    return {
        "id": d.pk, "reference": d.reference, "organ": _organ_ref(d.organ), "meeting_id": d.meeting_id,
        "meeting_date": d.meeting.date, "year": d.year, "paragraph": d.paragraph, "title": d.title,
        "outcome": d.outcome, "outcome_label": str(d.get_outcome_display()), "status": d.status,
        "status_label": str(d.get_status_display()), "case_id": d.case_id,
        "diary_number": d.case.diary_number if d.case_id else None, "agenda_item_id": d.agenda_item_id,
    }


def _meeting_list_item(m: Meeting) -> dict:
    return {
        "id": m.pk, "organisation_id": m.organisation_id, "organ": _organ_ref(m.organ), "date": m.date,
        "start_time": m.start_time, "end_time": m.end_time, "place": m.place, "status": m.status,
        "status_label": str(m.get_status_display()), "notice_published_at": m.notice_published_at,
        "opened_at": m.opened_at, "closed_at": m.closed_at,
    }


def _agenda_item_out(user, row: selectors.AgendaRow) -> dict:
    item = row.item
    return {
        "id": item.pk, "meeting_id": item.meeting_id, "position": item.position, "title": item.title,
        "case_id": item.case_id, "diary_number": item.case.diary_number if item.case_id else None,
        "proposal": _proposal_out(user, item.proposal) if item.proposal_id else None,
        "documents": [{"id": s.id, "reference": s.reference, "description": s.description, "masked": s.masked,
                       "content_hidden": s.content_hidden} for s in row.documents],
        "decisions": [_decision_ref(d) for d in row.decisions],
    }


def _meeting_out(user, meeting: Meeting) -> dict:
    show = access.decisions_visible(user, meeting)
    minutes = selectors.minutes_for(meeting) if show else None
    out = _meeting_list_item(meeting)
    out.update({
        "chair": _person_ref(meeting.chair), "secretary": _person_ref(meeting.secretary),
        "adjusters": [_person_ref(p) for p in meeting.adjusters.order_by("name", "id")],
        "attendance": [{
            "person": _person_ref(a.person), "role": a.role, "role_label": str(a.get_role_display()),
            "present": a.present if show else None, "replaces_id": a.replaces_id,
        } for a in meeting.attendance.select_related("person")],
        "items": [_agenda_item_out(user, row) for row in selectors.agenda(meeting=meeting, user=user)],
        "decisions_visible": show,
        "decisions": [_decision_list_item(d) for d in selectors.meeting_decisions(user=user, meeting=meeting)],
        "minutes": None if minutes is None else {
            "adjusted": minutes.adjusted, "adjusted_at": minutes.adjusted_at, "posted_on": minutes.posted_on,
            "take_down_on": minutes.take_down_on, "appeal_ends_on": minutes.appeal_ends_on,
            "signatures": [{"person": _person_ref(s.person), "role": s.role, "role_label": str(s.get_role_display()),
                            "signed_at": s.signed_at, "method": s.method} for s in minutes.signatures.all()],
        },
        "can_manage": access.can_manage_meetings(user, meeting.organ),
    })
    return out


def _fresh_meeting(request, meeting_id: int) -> dict:
    user = actor(request)
    return _meeting_out(user, selectors.meeting_get(user=user, pk=meeting_id))


def _agenda_row(user, item) -> dict:
    meeting = selectors.meeting_get(user=user, pk=item.meeting_id)
    row = next(r for r in selectors.agenda(meeting=meeting, user=user) if r.item.pk == item.pk)
    return _agenda_item_out(user, row)


def _assignment_out(user, a: Assignment) -> dict:
    return {
        "id": a.pk, "decision": _decision_ref(a.decision), "organ": _organ_ref(a.organ),
        "description": a.description, "deadline": a.deadline, "status": a.status,
        "status_label": str(a.get_status_display()), "answering_case_id": a.answering_case_id,
        "answering_diary_number": a.answering_case.diary_number if a.answering_case_id else None,
        "done_at": a.done_at,
        "done_by_decision": _visible_ref(user, a.done_by_decision) if a.done_by_decision_id else None,
    }


def _decision_out(user, d: Decision) -> dict:
    staff = access.can_read_internal(user, d.organ)
    minutes = selectors.minutes_for(d.meeting)
    out = _decision_list_item(d)
    out.update({
        "text": d.text,
        "proposal": _proposal_out(user, d.proposal) if d.proposal_id else None,
        "condition_organ": _organ_ref(d.condition_organ), "condition_text": d.condition_text,
        "condition_decision": _visible_ref(user, d.condition_decision) if d.condition_decision_id else None,
        "status_changed_at": d.status_changed_at,
        "conditions_met": _visible_refs(user, d.conditions_met.all()),
        "participants": [_person_ref(p) for p in sorted(d.participants.all(), key=lambda p: (p.name, p.pk))],
        "notes": [{"position": n.position, "kind": n.kind, "kind_label": str(n.get_kind_display()), "text": n.text}
                  for n in d.notes.all()],
        "recipients": [{
            "id": r.pk, "position": r.position, "name": r.name, "organ_id": r.organ_id, "person_id": r.person_id,
            "email": r.email if staff else None, "state": r.state, "state_label": str(r.get_state_display()),
            "error": r.error if staff else None, "sent_at": r.sent_at, "excerpt_document_id": r.excerpt_document_id,
        } for r in d.recipients.all()],
        "corrections": [{"text": c.text, "reason": c.reason, "at": c.at, "by_name": c.by_name}
                        for c in d.corrections.all()],
        "references": _visible_refs(user, d.references.all()),
        "referenced_by": _visible_refs(user, d.referenced_by.all()),
        "assignments": [_assignment_out(user, a) for a in d.assignments.all()],
        "forwarded_proposals": [_proposal_out(user, p) for p in d.forwarded_proposals.select_related(
            "organ", "condition_organ", "from_decision", "from_decision__organ", "from_decision__meeting")],
        "recorded_at": d.recorded_at,
        "adjusted": bool(minutes and minutes.adjusted),
        "adjusted_at": minutes.adjusted_at if minutes else None,
        "appeal_ends_on": minutes.appeal_ends_on if minutes else None,
        "can_manage": access.can_manage_meetings(user, d.organ),
    })
    return out


def _fresh_decision(request, decision_id: int) -> dict:
    user = actor(request)
    return _decision_out(user, selectors.decision_get(user=user, pk=decision_id))


def _report_out(user, report) -> dict:
    return {
        "id": report.pk, "case_id": report.case_id, "title": report.title,
        "addressed_to": _organ_ref(report.addressed_to), "office": report.office, "background": report.background,
        "opinion": report.opinion, "dispatch_to": [line for line in report.dispatch_to.splitlines() if line.strip()],
        "signatories": [{"name": s.get("name", ""), "title": s.get("title", "")} for s in report.signatories],
        "report_date": report.report_date, "document_id": report.document_id,
        "document_reference": (f"{report.case.diary_number}-{report.document.number}"
                               if report.document_id else None),
        "proposals": [_proposal_out(user, p) for p in report.proposals.all()],
        "created_at": report.created_at,
    }


# --- memberships ----------------------------------------------------------------------------
@router.get("/organs/{organ_id}/memberships", response={200: list[MembershipOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="membership_list")
def membership_list(request, organ_id: Id):
    """The organ's members, substitutes and chairs with their periods."""
    organ = people.organ_get(pk=organ_id)
    return [{
        "id": m.pk, "organ_id": m.organ_id, "person": _person_ref(m.person), "role": m.role,
        "role_label": str(m.get_role_display()), "party": m.party, "start": m.start, "end": m.end,
    } for m in Membership.objects.filter(organ=organ).select_related("person").order_by("role", "start",
                                                                                          "person__name")]


@router.post("/organs/{organ_id}/memberships", response={201: MembershipOut, **ERRORS}, auth=WRITE,
             url_name="membership_add")
def membership_add(request, organ_id: Id, payload: MembershipIn):
    """Give a person a seat in the organ for a period."""
    user = actor(request)
    organ = people.organ_get(pk=organ_id)
    access.require_manage_meetings(user, organ)
    m = services.membership_add(
        actor=user, organ=organ, person=_referenced(lambda: people.person_get(pk=payload.person), "person"),
        role=payload.role, start=payload.start, end=payload.end, party=payload.party,
    )
    return Status(201, {
        "id": m.pk, "organ_id": m.organ_id, "person": _person_ref(m.person), "role": m.role,
        "role_label": str(m.get_role_display()), "party": m.party, "start": m.start, "end": m.end,
    })


# --- meetings -------------------------------------------------------------------------------
@router.get("/meetings", response={200: list[MeetingListItem], **ERRORS}, auth=PUBLIC_READ, url_name="meeting_list")
def meeting_list(request, filters: Query[MeetingFilters]):
    """Meetings, newest first: the public sees those whose notice is published."""
    organ = _referenced(lambda: people.organ_get(pk=filters.organ), "organ") if filters.organ else None
    meetings = selectors.meeting_list(user=actor(request), organ=organ, organisation_id=filters.organisation,
                                      date_from=filters.date_from, date_to=filters.date_to)
    return [_meeting_list_item(m) for m in meetings]


@router.post("/meetings", response={201: MeetingOut, **ERRORS}, auth=WRITE, url_name="meeting_create")
def meeting_create(request, payload: MeetingIn):
    """Plan a meeting; its members and substitutes come from the organ's memberships on the day."""
    user = actor(request)
    organ = _organ(payload.organ, "organ")
    access.require_manage_meetings(user, organ)
    org = organ.organisation_id
    meeting = services.meeting_create(
        actor=user, organ=organ, date=payload.date, start_time=payload.start_time, end_time=payload.end_time,
        place=payload.place, chair=_person(payload.chair, "chair", org),
        secretary=_person(payload.secretary, "secretary", org),
        adjusters=[_person(pk, "adjusters", org) for pk in payload.adjusters],
    )
    return Status(201, _fresh_meeting(request, meeting.pk))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS}, auth=PUBLIC_READ,
            url_name="meeting_detail")
def meeting_detail(request, meeting_id: Id):
    """A meeting with attendance, the agenda with its supporting documents and,
    where visible, its decisions and the minutes (adjustment, posting, appeal period)."""
    return _fresh_meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/items", response={201: AgendaItemOut, **ERRORS}, auth=WRITE,
             url_name="agenda_item_add")
def agenda_item_add(request, meeting_id: Id, payload: AgendaItemIn):
    """Put a matter on the agenda with the documents it rests on."""
    user = actor(request)
    meeting = _meeting(request, meeting_id)
    access.require_manage_meetings(user, meeting.organ)
    org = meeting.organisation_id
    item = services.agenda_item_add(
        actor=user, meeting=meeting, title=payload.title, case=_case(user, payload.case, "case", org),
        proposal=_proposal(payload.proposal, "proposal", org), documents=_documents(payload.documents),
    )
    return Status(201, _agenda_row(user, item))


@router.post("/meetings/{meeting_id}/items/{item_id}/move", response={200: list[AgendaItemOut], **ERRORS},
             auth=WRITE, url_name="agenda_item_move")
def agenda_item_move(request, meeting_id: Id, item_id: Id, payload: MoveIn):
    """Move an item one step up or down; the agenda in its new order."""
    user = actor(request)
    meeting = _meeting(request, meeting_id)
    services.agenda_item_move(actor=user, item=_item(meeting, item_id, None), up=payload.direction == "up")
    return [_agenda_item_out(user, row) for row in selectors.agenda(meeting=meeting, user=user)]


@router.post("/meetings/{meeting_id}/publish-notice", response={200: MeetingOut, **ERRORS}, auth=WRITE,
             url_name="meeting_publish_notice")
def meeting_publish_notice(request, meeting_id: Id):
    """Publish the notice (kallelse): e-mailed to members and substitutes; the
    agenda and its public documents become public."""
    services.meeting_publish_notice(actor=actor(request), meeting=_meeting(request, meeting_id))
    return _fresh_meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/open", response={200: MeetingOut, **ERRORS}, auth=WRITE,
             url_name="meeting_open")
def meeting_open(request, meeting_id: Id):
    services.meeting_open(actor=actor(request), meeting=_meeting(request, meeting_id))
    return _fresh_meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/close", response={200: MeetingOut, **ERRORS}, auth=WRITE,
             url_name="meeting_close")
def meeting_close(request, meeting_id: Id):
    """Close the meeting; the minutes then wait for the chair and the adjusters."""
    services.meeting_close(actor=actor(request), meeting=_meeting(request, meeting_id))
    return _fresh_meeting(request, meeting_id)


@router.put("/meetings/{meeting_id}/attendance", response={200: MeetingOut, **ERRORS}, auth=WRITE,
            url_name="meeting_attendance")
def meeting_attendance(request, meeting_id: Id, payload: AttendanceIn):
    """Who was present: the persons listed; everyone else called is marked absent."""
    services.attendance_set(actor=actor(request), meeting=_meeting(request, meeting_id), present_ids=payload.present)
    return _fresh_meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/minutes/signatures", response={201: MeetingOut, **ERRORS}, auth=WRITE,
             url_name="minutes_sign")
def minutes_sign(request, meeting_id: Id, payload: SignatureIn):
    """Record the chair's or an adjuster's approval of the minutes. With the last
    one the minutes are adjusted and posted; the appeal period starts."""
    user = actor(request)
    meeting = _meeting(request, meeting_id)
    access.require_manage_meetings(user, meeting.organ)
    services.minutes_sign(actor=user, meeting=meeting,
                          person=_person(payload.person, "person", meeting.organisation_id),
                          role=payload.role, posted_on=payload.posted_on)
    return Status(201, _fresh_meeting(request, meeting_id))


# --- decisions ------------------------------------------------------------------------------
@router.post("/meetings/{meeting_id}/decisions", response={201: DecisionOut, **ERRORS}, auth=WRITE,
             url_name="decision_record")
def decision_record(request, meeting_id: Id, payload: DecisionIn):
    """Record a decision at an open meeting; it gets the organ's next paragraph
    number. A conditional decision is pending until the other organ decides."""
    user = actor(request)
    meeting = _meeting(request, meeting_id)
    access.require_manage_meetings(user, meeting.organ)
    org = meeting.organisation_id
    recipients = []
    for r in payload.recipients:
        recipients.append(services.RecipientInput(
            organ=_organ(r.organ, "recipients", org), person=_person(r.person, "recipients", org),
            name=r.name, email=r.email,
        ))
    forward = None
    if payload.forward is not None:
        forward = services.ForwardInput(
            organ=_organ(payload.forward.organ, "forward", org), text=payload.forward.text,
            condition_organ=_organ(payload.forward.condition_organ, "forward", org),
            condition_text=payload.forward.condition_text,
        )
    decision = services.decision_record(
        actor=user, meeting=meeting, text=payload.text, title=payload.title,
        agenda_item=_item(meeting, payload.agenda_item, "agenda_item"),
        case=_case(user, payload.case, "case", org), outcome=payload.outcome,
        proposal=_proposal(payload.proposal, "proposal", org),
        condition_organ=_organ(payload.condition_organ, "condition_organ", org),
        condition_text=payload.condition_text,
        participants=None if payload.participants is None else [
            _person(pk, "participants", org) for pk in payload.participants],
        notes=[services.NoteInput(kind=n.kind, text=n.text) for n in payload.notes],
        recipients=recipients, forward=forward,
        assignments=[services.AssignmentInput(organ=_organ(a.organ, "assignments", org), description=a.description,
                                              deadline=a.deadline) for a in payload.assignments],
    )
    return Status(201, _fresh_decision(request, decision.pk))


@router.get("/decisions/{decision_id}", response={200: DecisionOut, **ERRORS}, auth=PUBLIC_READ,
            url_name="decision_detail")
def decision_detail(request, decision_id: Id):
    """A decision ("KS 2018-09-24 § 141") with its status, condition, notes,
    recipients and dispatch state, corrections, references and assignments.
    Public once the minutes are adjusted."""
    return _fresh_decision(request, decision_id)


@router.patch("/decisions/{decision_id}", response={200: DecisionOut, **ERRORS}, auth=WRITE,
              url_name="decision_update")
def decision_update(request, decision_id: Id, payload: DecisionUpdateIn):
    """Edit a decision before the minutes are adjusted; afterwards only a correction."""
    changes = payload.dict(exclude_unset=True)
    services.decision_update(actor=actor(request), decision=_decision(request, decision_id), **changes)
    return _fresh_decision(request, decision_id)


@router.post("/decisions/{decision_id}/corrections", response={201: DecisionOut, **ERRORS}, auth=WRITE,
             url_name="decision_correct")
def decision_correct(request, decision_id: Id, payload: CorrectionIn):
    """Record a correction (rättelse) of an adjusted decision beside it."""
    services.decision_correct(actor=actor(request), decision=_decision(request, decision_id), text=payload.text,
                              reason=payload.reason)
    return Status(201, _fresh_decision(request, decision_id))


@router.post("/decisions/{decision_id}/dispatch", response={200: DecisionOut, **ERRORS}, auth=WRITE,
             url_name="decision_dispatch")
def decision_dispatch(request, decision_id: Id):
    """Dispatch the adjusted decision: the minutes excerpt is registered as an
    outgoing document on the case and e-mailed to each recipient with an address."""
    services.decision_dispatch(actor=actor(request), decision=_decision(request, decision_id))
    return _fresh_decision(request, decision_id)


@router.post("/decisions/{decision_id}/dispatch/retry", response={200: RetryCount, **ERRORS}, auth=WRITE,
             url_name="decision_dispatch_retry")
def decision_dispatch_retry(request, decision_id: Id):
    """Queue again the e-mails that could not be sent."""
    return {"count": services.dispatch_retry(actor=actor(request), decision=_decision(request, decision_id))}


# --- officer's reports, proposals and the chain -----------------------------------------------
@router.get("/cases/{case_id}/officer-reports", response={200: list[OfficerReportOut], **ERRORS},
            auth=PUBLIC_READ, url_name="officer_report_list")
def officer_report_list(request, case_id: Id):
    """The case's officer's reports (tjänsteskrivelser) with their proposed decisions."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    return [_report_out(user, r) for r in selectors.officer_report_list(user=user, case=case)]


@router.post("/cases/{case_id}/officer-reports", response={201: OfficerReportOut, **ERRORS}, auth=WRITE,
             url_name="officer_report_create")
def officer_report_create(request, case_id: Id, payload: OfficerReportIn):
    """Write the officer's report; it is registered on the case as a drawn-up document."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    if not access.can_write_reports(user, case):
        raise PermissionDenied(_("Du har inte behörighet att skriva tjänsteskrivelser i ärendet."))
    report = services.officer_report_create(
        actor=user, case=case, title=payload.title, addressed_to=_organ(payload.addressed_to, "addressed_to"),
        office=payload.office, background=payload.background, opinion=payload.opinion,
        proposals=[services.ProposalInput(organ=_organ(p.organ, "proposals"), text=p.text,
                                          condition_organ=_organ(p.condition_organ, "proposals"),
                                          condition_text=p.condition_text) for p in payload.proposals],
        dispatch_to=payload.dispatch_to,
        signatories=[services.Signatory(name=s.name.strip(), title=s.title.strip()) for s in payload.signatories],
        report_date=payload.report_date,
    )
    created = next(r for r in selectors.officer_report_list(user=user, case=case) if r.pk == report.pk)
    return Status(201, _report_out(user, created))


@router.post("/proposals/{proposal_id}/agenda", response={201: AgendaItemOut, **ERRORS}, auth=WRITE,
             url_name="proposal_to_agenda")
def proposal_to_agenda(request, proposal_id: Id, payload: ProposalAgendaIn):
    """Send a proposal to a meeting's agenda; the officer's report goes with it
    as supporting document unless `documents` names others."""
    user = actor(request)
    proposal = _proposal(proposal_id, None)
    meeting = _referenced(lambda: selectors.meeting_get(user=user, pk=payload.meeting), "meeting")
    access.require_manage_meetings(user, meeting.organ)
    item = services.proposal_to_agenda(
        actor=user, proposal=proposal, meeting=meeting,
        documents=None if payload.documents is None else _documents(payload.documents),
    )
    return Status(201, _agenda_row(user, item))


@router.get("/cases/{case_id}/chain", response={200: list[ChainStepOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="case_chain")
def case_chain(request, case_id: Id):
    """The case's way through the organs (KSAU → KS → KF): proposals, agenda items and decisions."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    return [{
        "date": s.date, "organ": _organ_ref(s.organ), "kind": s.kind, "label": s.label, "url": s.url,
        "decision": _decision_ref(s.decision) if s.decision is not None else None,
    } for s in selectors.case_chain(user=user, case=case)]


# --- assignments ---------------------------------------------------------------------------
@router.get("/assignments", response={200: list[AssignmentOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="assignment_list")
def assignment_list(request, filters: Query[AssignmentFilters]):
    """Open assignments (uppdrag) from adjusted decisions, by deadline."""
    user = actor(request)
    organ = _referenced(lambda: people.organ_get(pk=filters.organ), "organ") if filters.organ else None
    return [_assignment_out(user, a)
            for a in selectors.open_assignments(organ=organ, organisation_id=filters.organisation)]


@router.post("/assignments/{assignment_id}/answering-case", response={200: AssignmentOut, **ERRORS}, auth=WRITE,
             url_name="assignment_answering_case")
def assignment_answering_case(request, assignment_id: Id, payload: AnsweringCaseIn):
    """Record the case that answers the assignment."""
    user = actor(request)
    assignment = _assignment(user, assignment_id)
    case = _case(user, payload.case, "case", assignment.organ.organisation_id)
    services.assignment_link_case(actor=user, assignment=assignment, case=case)
    return _assignment_out(user, _assignment(user, assignment_id))


@router.post("/assignments/{assignment_id}/complete", response={200: AssignmentOut, **ERRORS}, auth=WRITE,
             url_name="assignment_complete")
def assignment_complete(request, assignment_id: Id, payload: CompleteIn):
    """Mark the assignment done, optionally by the decision that completes it."""
    user = actor(request)
    assignment = _assignment(user, assignment_id)
    decision = None
    if payload.decision is not None:
        decision = _referenced(lambda: selectors.decision_get(user=user, pk=payload.decision), "decision")
        if decision.organisation_id != assignment.organ.organisation_id:
            raise DomainError(_("Beslutet finns inte."), field="decision")
    services.assignment_complete(actor=user, assignment=assignment, decision=decision)
    return _assignment_out(user, _assignment(user, assignment_id))
