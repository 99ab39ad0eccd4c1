"""The decisions API's request and response schemas (memberships, meetings,
agenda, minutes, decisions, officer's reports, assignments). Those the APIs of
other apps answer with too (DecisionRef, AgendaItemOut, OfficerReportOut …) are
in diarium/decisions/schemas.py and re-exported here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from diarium.core.api.types import Id, LocalTime
from diarium.core.limits import IsoDate, PastIsoDate
from diarium.registry.schemas import (
    PARTY_KIND_DESCRIPTION,
    OrganRef,
    PartyKindIn,
    PersonRef,
    SecrecyReviewReason,
)

from ..models import (
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
    TITLE_MAX,
)
from ..schemas import (  # noqa: F401  (re-exported: the API's schemas in one place)
    AgendaItemOut,
    DecisionRef,
    DecisionStatus,
    OfficerReportOut,
    ProposalIn,
    ProposalOut,
    SignatoryIn,
    SignatoryOut,
    SupportingDocumentOut,
)

MembershipRole = Literal["chair", "vice_chair", "member", "substitute"]
MeetingStatus = Literal["planned", "notice_published", "opened", "closed", "adjusted"]
Outcome = Literal["adopted", "amended", "rejected", "referred_back", "postponed", "noted"]
NoteKind = Literal["motion", "reservation", "dissent", "note", "conflict"]
SignatureRole = Literal["chair", "adjuster", "secretary"]
RecipientState = Literal["pending", "queued", "sent", "failed"]
AssignmentStatus = Literal["open", "done"]
ChainKind = Literal["proposal", "agenda", "decision"]


class MembershipIn(Schema):
    person: Id
    role: MembershipRole
    start: IsoDate
    end: IsoDate | None = None
    party: str = Field("", max_length=PARTY_MAX)
    substitute_order: int | None = Field(None, ge=1, le=999, description="En ersättares turordning (1 först).")


class MembershipImportIn(Schema):
    csv: str = Field(max_length=200_000, description="Rubrikrad namn;uppdrag;parti;från;till;turordning;e-post "
                                                     "och en rad per ledamot eller ersättare.")
    start: IsoDate | None = Field(None, description="Från-datum för rader utan eget (annars i dag).")


class MembershipImportOut(Schema):
    added: list[MembershipOut]
    people_created: list[str]


class MembershipOut(Schema):
    id: int
    organ_id: int
    person: PersonRef
    role: MembershipRole
    role_label: str
    party: str
    start: dt.date
    end: dt.date | None
    substitute_order: int | None


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
    secrecy_review_reason: SecrecyReviewReason = ""


class MoveIn(Schema):
    direction: Literal["up", "down"]


class AttendanceIn(Schema):
    present: list[Id] = Field(description="Person ids of those present; everyone else is marked absent.")


class ConflictIn(Schema):
    item: Id = Field(description="The agenda item the member has a conflict of interest in.")
    person: Id = Field(description="The member (or serving substitute) who declares it and leaves the item.")


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
    kind: PartyKindIn = Field("auto", description="För en mottagare som anges med namn: " + PARTY_KIND_DESCRIPTION
                              + " Ett organ eller en person i organisationen är aldrig en privatperson.")


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
    text: str = Field("", max_length=DECISION_TEXT_MAX,
                      description="Required, unless the decision is a motion's: then its text when left out.")
    motion: Id | None = Field(None, description="The motion the chair found adopted; after a vote, the one that "
                                                "won it (taken when left out).")
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
    name: str = Field(description="Mottagarens namn; \"Privatperson\" för en privatperson, utom för läsare som "
                                  "får läsa organets eller ärendets interna uppgifter.")
    is_private: bool = Field(description="Mottagaren är en privatperson, vars namn allmänheten inte ser.")
    kind: PartyKindIn | None = Field(description="Vad som angavs om mottagaren; bara för organets personal.")
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


class ProposalAgendaIn(Schema):
    meeting: Id
    documents: list[Id] | None = Field(None, description="Document ids; the officer's report when left out.")
    secrecy_review_reason: SecrecyReviewReason = ""


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


class DispatchIn(Schema):
    secrecy_review_reason: SecrecyReviewReason = ""


# --- motions, votes and reservations --------------------------------------------------------------------
BallotChoice = Literal["yes", "no", "abstain"]
VoteKind = Literal["open", "closed"]


class MotionIn(Schema):
    text: str = Field(max_length=NOTE_TEXT_MAX)
    mover: Id | None = Field(None, description="The deciding member who moves it; none for the item's proposal.")


class MotionOut(Schema):
    id: int
    position: int
    mover: str | None
    text: str


class VoteIn(Schema):
    yes_motion: Id = Field(description="The motion a ja vote is for.")
    no_motion: Id = Field(description="The motion a nej vote is for.")
    kind: VoteKind = Field("open", description="open: each member's answer is kept; closed (elections): the counts.")


class BallotIn(Schema):
    person: Id
    choice: BallotChoice


class BallotsIn(Schema):
    ballots: list[BallotIn] = Field(max_length=1000)


class VoteCloseIn(Schema):
    yes: int | None = Field(None, description="A closed vote's counts; an open vote is counted from its ballots.")
    no: int | None = None
    abstain: int | None = None
    tie_break: Id | None = Field(None, description="On equal votes: the motion the lot fell on (closed vote), or "
                                                   "the chair's casting vote when the chair did not vote ja or nej.")


class BallotOut(Schema):
    person: str
    choice: BallotChoice


class VoteOut(Schema):
    id: int
    position: int
    kind: VoteKind
    yes_motion: int
    no_motion: int
    open: bool
    yes: int | None
    no: int | None
    abstain: int | None
    winner: int | None
    decided_by: str = Field(description="majority, casting_vote (the chair's) or lot; empty while open.")
    ballots: list[BallotOut]


class ItemHandlingOut(Schema):
    item: int
    motions: list[MotionOut]
    votes: list[VoteOut]
    won: int | None = Field(description="The motion that won the item's last vote.")
    deciding: list[PersonRef] = Field(description="Who may vote on the item: only for those who run the meeting.")


class ReservationIn(Schema):
    person: Id
    motion: Id | None = Field(None, description="The motion that lost, in whose favour the member reserves.")
    text: str = Field("", max_length=NOTE_TEXT_MAX, description="Written from the person and motion when left out.")


# --- the digital adjustment of the minutes -------------------------------------------------------------
class MinutesCommentIn(Schema):
    text: str = Field(max_length=NOTE_TEXT_MAX)


class SignedOut(Schema):
    person: str
    role: SignatureRole
    signed_at: dt.datetime
    method: str = Field(description="pades (a digital signature in the PDF), login (approved with the signer's "
                                     "own login, no signing backend configured) or recorded (on paper).")


class MinutesSigningOut(Schema):
    meeting: int
    draft_version: int = Field(description="The version drawn up for adjustment; signatures count for it.")
    adjusted: bool
    signed: list[SignedOut]
    waiting_for: list[str] = Field(description="Signers who have not signed the current version.")


# --- the council's motions, interpellations, questions and citizen proposals --------------------------
CouncilMatterKind = Literal["motion", "interpellation", "question", "citizen_proposal"]


class CouncilMatterIn(Schema):
    kind: CouncilMatterKind
    title: str = Field(max_length=500)
    submitted_on: IsoDate = Field(description="The day it was raised (väckt).")
    mover: Id | None = Field(None, description="The member who raised it (not for a citizen proposal).")
    addressed_to: Id | None = Field(None, description="Whom an interpellation or a question is put to.")
    submitter: str = Field("", max_length=300, description="A citizen proposal's author: a private person, "
                                                           "never shown to the public.")
    classification: Id | None = Field(None, description="The case's classification: a process of the "
                                                        "organisation's scheme, required when it has one in use.")


class CouncilMatterAnswerIn(Schema):
    meeting: Id = Field(description="The council meeting where the interpellation or question was answered.")


class CouncilMatterOut(Schema):
    id: int
    kind: CouncilMatterKind
    kind_label: str
    case_id: int
    diary_number: str
    title: str
    submitted_on: dt.date
    mover: str | None
    addressed_to: str | None
    due: dt.date | None = Field(description="To be answered by: a year after it was raised (motion, citizen "
                                            "proposal), or the council's next meeting (interpellation, question).")
    overdue: bool
    answered_on: dt.date | None
    answer_decision: DecisionRef | None
