"""Who may run an organ's meetings, write officer's reports, read the organ's
internal material, and what of meetings and decisions the public sees: decided
here, and only here.

The public sees a meeting once its notice is published (agenda and public
supporting documents), and its decisions once the minutes are adjusted. Staff
of the organ see drafts and everything their rights allow."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organ, Person
from diarium.core.errors import NotFound, PermissionDenied
from diarium.registry import access as registry_access
from diarium.registry import masking
from diarium.registry.models import Case, PartyKind

from .events import DecisionEvent
from .models import (
    AgendaItem,
    Correction,
    Decision,
    DecisionNote,
    DecisionRecipient,
    DelegationDecision,
    Meeting,
    Membership,
    OfficerReport,
    Proposal,
)

# Who runs an organ's meetings (the board secretary is its registrar).
MANAGE_MEETINGS = roles.REGISTER_CASE

# Meetings the public sees: from the published notice on.
PUBLIC_MEETING_STATUSES = [Meeting.Status.NOTICE_PUBLISHED, Meeting.Status.OPENED, Meeting.Status.CLOSED,
                           Meeting.Status.ADJUSTED]


def can_manage_meetings(user, organ: Organ) -> bool:
    return roles.can(user, MANAGE_MEETINGS, organisation_id=organ.organisation_id, organ_id=organ.pk)


def can_read_internal(user, organ: Organ) -> bool:
    return roles.can(user, roles.READ_INTERNAL, organisation_id=organ.organisation_id, organ_id=organ.pk)


def can_write_reports(user, case: Case) -> bool:
    """Officer's reports are written, and cases linked to assignments, by those
    who register documents in the case."""
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_link_cases(user, organ: Organ) -> bool:
    """Whether to offer linking a case that answers an assignment of `organ`
    (the service then asks can_write_reports of the chosen case)."""
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=organ.organisation_id, organ_id=organ.pk)


def can_set_paragraphs(user, organ: Organ) -> bool:
    """The paragraph numbering is the organisation's administrators' to move."""
    return roles.can_administer(user, organ.organisation_id)


def require_manage_meetings(user, organ: Organ, message: str | None = None) -> None:
    if not can_manage_meetings(user, organ):
        raise PermissionDenied(
            message or _("Du har inte behörighet att hantera sammanträden för %(organ)s.") % {"organ": organ.name})


def require_write_reports(user, case: Case, message: str) -> None:
    if not can_write_reports(user, case):
        raise PermissionDenied(message)


# --- who is outside the organisation ------------------------------------------------------
# Organs that are separate bodies: what is sent to them leaves the organisation.
OUTSIDE_ORGANS = (Organ.Kind.COMPANY, Organ.Kind.FEDERATION, Organ.Kind.EXTERNAL)


def recipient_outside(recipient: DecisionRecipient, *, organisation_id: int) -> bool:
    """Whether a dispatched decision leaves the organisation when it goes to this
    recipient: anyone but the organisation's own organs (its council, boards and
    committees) and people. A name typed in is outside: no one can tell."""
    if recipient.organ_id is not None:
        return recipient.organ.organisation_id != organisation_id or recipient.organ.kind in OUTSIDE_ORGANS
    if recipient.person_id is not None:
        return recipient.person.organisation_id != organisation_id
    return True


# --- what the public sees ---------------------------------------------------------------
def meeting_public(status: str) -> bool:
    """The public sees a meeting from its published notice on (as a condition:
    public_meeting_q)."""
    return status in PUBLIC_MEETING_STATUSES


def decisions_public(meeting_status: str, minutes_adjusted_at=None) -> bool:
    """A meeting's decisions are public records once its minutes are adjusted:
    the meeting's status says so, or (when the caller read it) the minutes'
    adjustment time. services.minutes._adjust saves the adjusted minutes before
    it sets the meeting's status with a queryset update, so inside that
    transaction only the minutes tell; once it commits both agree. As a
    condition: public_decisions_q."""
    return meeting_status == Meeting.Status.ADJUSTED or minutes_adjusted_at is not None


def meeting_visible(user, meeting: Meeting) -> bool:
    return meeting_public(meeting.status) or can_read_internal(user, meeting.organ)


# --- the history of meetings, attendance and seats ------------------------------------------
def internal_event_kinds() -> tuple[str, ...]:
    """The kinds of event this app writes that only staff who read internal
    data are shown (registered with the registry in DecisionsConfig.ready, whose
    hidden_event_kinds and public_events leave them out for everyone else). The
    rule for the events of a meeting's own actions and of an organ's seats:

    - public: that the notice went out, that the meeting was opened and closed,
      and that its minutes were adjusted and posted (and, on a case's history,
      that an assignment was completed). These are written only once the meeting
      is public (meeting_public: from the notice on, or opened) and say nothing
      its public page does not.
    - internal: that a meeting was planned (the public sees a meeting from its
      notice on); the attendance recorded and every arrival, departure and
      conflict of interest (jäv) as entered during the meeting: the adjusted
      minutes, not these working entries, are the public record of who took
      part (before the adjustment the public reads none of it); the minutes
      drawn up, signed and commented on while being adjusted (the signers'
      drafts, minutes_draft_document); and the changes to an organ's seats,
      which name a person, their party and their periods, and keep seats removed
      as entered by mistake (the public reads the seats as they stand:
      public_memberships)."""
    return (
        DecisionEvent.MEETING_PLANNED, DecisionEvent.ATTENDANCE_RECORDED, DecisionEvent.ATTENDANCE_CHANGED,
        DecisionEvent.CONFLICT_DECLARED, DecisionEvent.MINUTES_PREPARED, DecisionEvent.MINUTES_SIGNED,
        DecisionEvent.MINUTES_COMMENTED, DecisionEvent.MEMBERSHIP_ADDED, DecisionEvent.MEMBERSHIP_CHANGED,
        DecisionEvent.MEMBERSHIP_ENDED, DecisionEvent.MEMBERSHIP_REMOVED,
    )


def meeting_history_visible(user, meeting: Meeting) -> bool:
    """The meeting's own history (selectors.meeting_events) is shown to staff
    who read the organ's internal data, on the meeting's page."""
    return can_read_internal(user, meeting.organ)


def notice_document(meeting: Meeting):
    """The drawn-up notice with its agenda (kallelse med föredragningslista), a
    public record from the day it was sent: drawn from the agenda as the public
    sees it. None before the notice went out."""
    if not notice_document_public(meeting.notice_published_at, meeting.notice_blob_id):
        return None
    return meeting.notice_blob


def minutes_document(minutes):
    """The drawn-up minutes (protokoll), public from their adjustment: drawn
    from what the public may read. None before they are adjusted."""
    if minutes is None or not minutes_document_public(minutes.adjusted_at, minutes.blob_id):
        return None
    return minutes.blob


def minutes_document_public(adjusted_at, blob_id) -> bool:
    """minutes_document's rule on the two values, for an output that reads them
    through a join (OParl's resultsProtocol)."""
    return adjusted_at is not None and blob_id is not None


def notice_document_public(notice_published_at, notice_blob_id) -> bool:
    """notice_document's rule on the two values (OParl's invitation)."""
    return notice_published_at is not None and notice_blob_id is not None


def posting_document(minutes):
    """The posting certificate (anslagsbevis) of minutes adjusted with digital
    signatures: public from the adjustment, like the minutes."""
    if minutes is None or minutes.adjusted_at is None or minutes.posting_blob_id is None:
        return None
    return minutes.posting_blob


def is_signer(user, meeting: Meeting) -> bool:
    """The user is the meeting's chair or one of its adjusters (their person)."""
    person_id = _person_id(user)
    return person_id is not None and (meeting.chair_id == person_id
                                      or meeting.adjusters.filter(pk=person_id).exists())


def _person_id(user) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).values_list("pk", flat=True).first()


def minutes_draft_document(user, minutes):
    """The minutes drawn up for adjustment, not yet adjusted: read by those who
    run the meeting and by its signers, nobody else (it is not yet a public
    record; the adjusted minutes are)."""
    if minutes is None or not minutes.out_for_signing:
        return None
    meeting = minutes.meeting
    if can_manage_meetings(user, meeting.organ) or is_signer(user, meeting):
        return minutes.draft_blob
    return None


def decisions_visible(user, meeting: Meeting) -> bool:
    """Decisions are public records when the minutes are adjusted."""
    return decisions_public(meeting.status) or can_read_internal(user, meeting.organ)


# --- the members' own view (issue 19) ---------------------------------------------------------
def seats_q(user) -> Q:
    """Memberships of the user's own person: their seats."""
    return Q(person__user=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])


def seat_on(user, meeting: Meeting):
    """The user's seat (member, substitute, chair) in the meeting's organ on its
    day, or None: members and substitutes read their own meetings, and their
    notes on its papers, from the members' view."""
    from .models import Membership

    if not getattr(user, "is_authenticated", False):
        return None
    rank = {role: n for n, role in enumerate(Membership.Role.values)}
    seats = Membership.objects.filter(seats_q(user), Membership.held_on(meeting.date), organ_id=meeting.organ_id)
    return min(seats, key=lambda m: rank.get(m.role, 9), default=None)


def member_meeting_get(*, user, pk: int):
    """A meeting the user holds a seat for, with that seat (seat_on); otherwise not found."""
    meeting = Meeting.objects.select_related("organ", "organisation", "chair").filter(pk=pk).first()
    seat = seat_on(user, meeting) if meeting is not None else None
    if seat is None:
        raise NotFound(_("Sammanträdet finns inte bland dina sammanträden."))
    return meeting, seat


def member_papers_visible(meeting: Meeting) -> bool:
    """Members read the agenda and its papers once the notice has gone out; until
    then the agenda is the secretary's draft."""
    return meeting.status != Meeting.Status.PLANNED


def votes_visible(user, meeting: Meeting) -> bool:
    """Motions, votes and ballots are part of the minutes: public with the
    decisions; those who run the meeting follow them as they happen."""
    return decisions_visible(user, meeting) or can_manage_meetings(user, meeting.organ)


# --- private persons among the recipients ------------------------------------------------
def recipient_is_private(*, organ: Organ | None, person: Person | None, name: str, kind: str,
                         organisation_id: int) -> bool:
    """Whether a decision's recipient is a private person: never an organ or a
    person of the organisation; a name typed in is judged by the register's
    rule (registry.access.party_is_private)."""
    if organ is not None or person is not None:
        return False
    return registry_access.party_is_private(name, organisation=organisation_id, declared=kind)


def recipient_names_visible(user, decision: Decision) -> bool:
    """Whether this reader sees private recipients' names: staff who may read
    internal data of the decision's organ or of its case."""
    if can_read_internal(user, decision.organ):
        return True
    return decision.case_id is not None and registry_access.can_read_internal(user, decision.case)


def recipient_shown_name(recipient: DecisionRecipient, *, read_internal: bool) -> str:
    """A recipient's name as this reader is shown it: "Privatperson" for a
    private person unless the reader may read internal data. Documents drawn up
    for the public (minutes, excerpts) show it as the public sees it."""
    return masking.shown_text(recipient.name, registry_access.party_mask_reason(
        is_private=recipient.is_private, read_internal=read_internal))


def screened_value(user, row, field: str, *, case=None) -> str:
    """A screened field of an officer's report or a proposal (or any screened
    row of a case) as this reader may see it: the original for staff who may
    read the case's internal data, what the public sees for everyone else. A
    field the assistant found nothing in is the column, without a query."""
    if not (row.privacy or {}).get(field):
        return getattr(row, field)
    return registry_access.row_value(user, case or row.case, row, field)


def report_dispatch_shown(user, report) -> list[str]:
    """An officer's report's "Beslutet ska skickas till" as this reader sees
    it: as written for staff who may read the case's internal data, with private
    persons as "Privatperson" for everyone else."""
    lines = [line for line in report.dispatch_to.splitlines() if line.strip()]
    if not lines or registry_access.can_read_internal(user, report.case):
        return lines
    return dispatch_lines_shown(lines, organisation_id=report.case.organisation_id)


def dispatch_lines_shown(lines, *, organisation_id: int) -> list[str]:
    """The lines of an officer's report's "Beslutet ska skickas till" as the
    report drawn up for the public shows them: a line that names a private
    person (by the register's rule, nobody having said otherwise) is shown as
    "Privatperson"."""
    shown = []
    for line in lines:
        private = registry_access.party_is_private(line, organisation=organisation_id, declared=PartyKind.AUTO)
        shown.append(masking.shown_text(line, registry_access.party_mask_reason(is_private=private,
                                                                                read_internal=False)))
    return shown


def meeting_get(*, user, pk: int) -> Meeting:
    """A meeting the user may see; others are not found."""
    meeting = Meeting.objects.select_related("organ", "organisation", "chair", "secretary").filter(pk=pk).first()
    if meeting is None or not meeting_visible(user, meeting):
        raise NotFound(_("Sammanträdet finns inte."))
    return meeting


def meeting_manage_get(*, user, pk: int) -> Meeting:
    """A meeting the user may see and runs (fetched and checked in one step)."""
    meeting = meeting_get(user=user, pk=pk)
    require_manage_meetings(user, meeting.organ)
    return meeting


# --- what the public reads: the rows ----------------------------------------------------------
# Every output the public reads (pages, the anonymous API, OParl, dumps, feeds,
# calendars, the search projection, the published PDFs) takes its meetings, agenda
# items, decisions, officer's reports, memberships and the files put before a
# meeting from these functions. An output may narrow and order them (by
# organisation, organ, date, the request's parameters), never widen them.
def public_meeting_q(meeting: str = "") -> Q:
    """meeting_public as a condition on meetings, or on rows reaching a meeting
    through the path `meeting` (e.g. "meeting__")."""
    return Q(**{f"{meeting}status__in": PUBLIC_MEETING_STATUSES})


def public_decisions_q(meeting: str = "meeting__") -> Q:
    """decisions_public as a condition on rows reaching a meeting through the
    path `meeting` (decisions: "meeting__")."""
    return Q(**{f"{meeting}status": Meeting.Status.ADJUSTED}) | Q(**{f"{meeting}minutes__adjusted_at__isnull": False})


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def public_meetings() -> QuerySet[Meeting]:
    """Meetings from their published notice on (time, place, organ, agenda)."""
    return Meeting.objects.filter(public_meeting_q())


def meetings_with_public_decisions() -> QuerySet[Meeting]:
    """Meetings whose decisions and minutes are public records (decisions_public)."""
    return Meeting.objects.filter(public_decisions_q(""))


def meetings_with_public_flag() -> QuerySet[Meeting]:
    """Every meeting, each with `public` (public_meetings' rule): for an output
    that serves every reader at once and leaves the rest to their rights (the
    search projection's audience tiers)."""
    return Meeting.objects.annotate(public=_flag(public_meeting_q()))


def public_agenda_items(meetings: QuerySet[Meeting] | None = None) -> QuerySet[AgendaItem]:
    """The items of the agendas of public meetings. `meetings` narrows them to
    those meetings, taken as a set (IN a subquery, which both databases build
    once; as a join condition SQLite drives the query from the meetings and
    sorts every item)."""
    if meetings is None:
        return AgendaItem.objects.filter(public_meeting_q("meeting__"))
    return AgendaItem.objects.filter(meeting_id__in=meetings.filter(public_meeting_q()).values("pk"))


def agenda_items_of(meeting_ids) -> QuerySet[AgendaItem]:
    """The agenda items of these meetings, for an output that shows them with
    their meeting, to whom it shows the meeting (meeting_visible)."""
    return AgendaItem.objects.filter(meeting_id__in=meeting_ids)


def supporting_document_links(meeting_ids) -> QuerySet:
    """(agenda item, document) rows of the items of these meetings that are
    public. The documents are a supporting document's register entry; its files
    are public only as registry.access.public_files allows."""
    through = AgendaItem.supporting_documents.through
    return through.objects.filter(agendaitem__meeting_id__in=meeting_ids).filter(
        public_meeting_q("agendaitem__meeting__"))


def public_decisions() -> QuerySet[Decision]:
    """Decisions in adjusted minutes (decisions_public)."""
    return Decision.objects.filter(public_decisions_q())


def decisions_with_public_flag() -> QuerySet[Decision]:
    """Every decision, each with `public` (public_decisions' rule), for an output
    that serves every reader at once (as meetings_with_public_flag)."""
    return Decision.objects.annotate(public=_flag(public_decisions_q()))


def corrections_of(decision_ids) -> QuerySet[Correction]:
    """The corrections of these decisions: shown with their decision, to whom it
    is shown (decisions_visible)."""
    return Correction.objects.filter(decision_id__in=decision_ids)


def notes_of(decision_ids) -> QuerySet[DecisionNote]:
    """Motions, reservations and other notes of these decisions: shown with their
    decision, to whom it is shown (decisions_visible)."""
    return DecisionNote.objects.filter(decision_id__in=decision_ids)


def _report_public_q(report: str = "") -> Q:
    return Q(**{f"{report}document__isnull": True}) | registry_access.public_content_q(f"{report}document__")


def officer_report_visible(report: OfficerReport, *, read_secret: bool) -> bool:
    """An officer's report is read with its document: one whose document is
    marked secret only by those who may read that document (content_hidden).
    As a condition: public_officer_reports."""
    return report.document_id is None or not registry_access.content_hidden(report.document,
                                                                           read_secret=read_secret)


def public_officer_reports() -> QuerySet[OfficerReport]:
    """Officer's reports the public reads: without a document, or with one not
    marked secret (officer_report_visible)."""
    return OfficerReport.objects.filter(_report_public_q())


def papers() -> QuerySet[OfficerReport]:
    """The public officer's reports whose case is on the agenda of a public
    meeting: what is put before the public as a meeting's paper (OParl's Paper)."""
    # The meeting's status through the join, not `meeting__in=public_meetings()`,
    # which lists every public meeting for each query.
    on_agenda = public_agenda_items().filter(case=OuterRef("case"))
    return public_officer_reports().filter(Exists(on_agenda))


def public_proposals() -> QuerySet[Proposal]:
    """Proposals the public reads: with the report they were written in
    (public_officer_reports), or the decision that carried them forward
    (public_decisions)."""
    return Proposal.objects.filter(Q(report__isnull=True) | _report_public_q("report__")).filter(
        Q(from_decision__isnull=True) | public_decisions_q("from_decision__meeting__"))


def public_meeting_files() -> QuerySet:
    """The files put before a public meeting: the current version of each file
    of a supporting document on its agenda or of the document of one of its
    papers, never of a document marked secret (registry.access.public_files)."""
    on_agenda = public_agenda_items().filter(supporting_documents=OuterRef("document"))
    report = papers().filter(document=OuterRef("document"))
    return registry_access.public_files(latest=True).filter(Exists(on_agenda) | Exists(report))


def public_memberships() -> QuerySet[Membership]:
    """Every seat in an organ (member, substitute, chair) is public, with the
    person's name (accounts.access.public_people)."""
    return Membership.objects.all()


def people_with_seats() -> QuerySet:
    """The public people who hold a seat in an organ (OParl's Person)."""
    return roles.public_people().filter(Exists(public_memberships().filter(person=OuterRef("pk"))))


# --- delegation decisions (kommunallagen 6 kap. 37-40 §§) -------------------------------------------
# The organs that delegate decisions to officers, chairs and committees, and to which those
# decisions are reported: the boards (nämnder), the executive board among them.
DELEGATING_ORGANS = (Organ.Kind.EXECUTIVE_BOARD, Organ.Kind.BOARD)


def can_register_delegation_decisions(user, case: Case) -> bool:
    """A delegation decision is registered in its case by those who register
    the case's documents: the decision is one of them."""
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=case.organisation_id, organ_id=case.organ_id)


def require_register_delegation_decisions(user, case: Case) -> None:
    if not can_register_delegation_decisions(user, case):
        raise PermissionDenied(_("Du har inte behörighet att registrera delegationsbeslut i ärendet."))


def delegation_decision_visible(user, decision: DelegationDecision) -> bool:
    """A delegation decision is read with its document: one whose document is
    marked secret only by those who may read that document (the register's
    content_hidden), like an officer's report. As a condition on rows:
    delegation_decisions_readable (public_delegation_decisions for the public)."""
    return not registry_access.content_hidden(decision.document,
                                              read_secret=registry_access.can_read_secret(user, decision.case))


def public_delegation_decisions() -> QuerySet[DelegationDecision]:
    """The delegation decisions the public reads: those whose document is not
    marked secret (delegation_decision_visible for a reader without rights)."""
    return DelegationDecision.objects.filter(registry_access.public_content_q("document__"))


def delegation_decisions_readable(user) -> QuerySet[DelegationDecision]:
    """delegation_decision_visible as a query: the public's rows, and those
    whose case lies where the user may read secret documents (the register's
    can_read_secret, organisation-wide or on the case's organ)."""
    grants = roles.grants_for(user)
    if grants.superuser:
        return DelegationDecision.objects.all()
    organisations, organs = grants.organ_ids_with(roles.READ_SECRET)
    if not organisations and not organs:
        return public_delegation_decisions()
    return DelegationDecision.objects.filter(
        registry_access.public_content_q("document__") | Q(case__organisation_id__in=sorted(organisations))
        | Q(case__organ_id__in=sorted(organs)))


def delegation_summary_shown(user, decision: DelegationDecision) -> str:
    """A delegation decision's summary as this reader may see it: as written
    for staff who may read the case's internal data, as the public sees it
    (what the masking assistant withholds, a private person's name among it,
    replaced) for everyone else."""
    return screened_value(user, decision, "summary", case=decision.case)
