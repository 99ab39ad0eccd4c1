"""Reads of meetings and decisions, as the reader may see them.

The public sees a meeting once its notice is published (agenda and public
supporting documents), and its decisions once the minutes are adjusted. Staff
of the organ see drafts and everything their rights allow."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ
from diarium.core.errors import DomainError, NotFound
from diarium.core.lookups import referenced
from diarium.registry import access as registry_access
from diarium.registry import selectors as registry
from diarium.registry.models import Case, Document

from .. import access
from ..models import (
    AttendanceChange,
    AgendaItem,
    Assignment,
    Conflict,
    Decision,
    Meeting,
    Membership,
    Minutes,
    Proposal,
)
from ..references import REFERENCE
from .adjustment import (  # noqa: F401  (re-exported)
    Signing,
    minutes_comments,
    minutes_signers,
    minutes_to_sign,
    signing,
    signing_document,
    signing_state,
)
from .attendance import (  # noqa: F401  (re-exported)
    Quorum,
    Seating,
    deciding,
    item_attendance_changes,
    present_at,
    quorum,
    seating,
    seats_on,
    serving,
    substitute_for,
    substitutes_in_order,
)
from .council import (  # noqa: F401  (re-exported)
    MatterRow,
    council_matter_get,
    council_matters,
    unanswered_report,
)
from .delegation import (  # noqa: F401  (re-exported)
    DELEGATION_LIST_MAX,
    DelegationRow,
    agenda_delegations,
    case_delegation_decisions,
    delegating_organs,
    delegation_decision_get,
    delegation_decisions,
    delegation_prefetch_queryset,
    delegation_report_item,
    delegation_unreported,
    delegation_years,
)
from .history import MeetingHistory, meeting_event_queryset, meeting_events  # noqa: F401  (re-exported)
from .members import MemberMeeting, MyMeeting, member_meeting, my_meetings  # noqa: F401  (re-exported)
from .votes import (  # noqa: F401  (re-exported: callers use selectors.<name>)
    ItemHandling,
    item_handling,
    item_result,
    motion_referenced,
    motions_lost,
    vote_referenced,
    votes_prefetch,
)


def meeting_list(*, user, organ: Organ | None = None, organisation_id: int | None = None,
                 date_from: dt.date | None = None, date_to: dt.date | None = None):
    qs = Meeting.objects.select_related("organ").order_by("-date", "-start_time", "-id")
    if organ is not None:
        qs = qs.filter(organ=organ)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if date_from is not None:
        qs = qs.filter(date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(date__lte=date_to)
    meetings = list(qs[:500])
    return [m for m in meetings if access.meeting_visible(user, m)]


def meeting_get(*, user, pk: int) -> Meeting:
    """A meeting the user may see (access.meeting_get)."""
    return access.meeting_get(user=user, pk=pk)


@dataclass
class SupportingDocument:
    id: int
    reference: str
    description: str | None
    masked: bool
    content_hidden: bool
    is_secret: bool = False  # shown to staff who may read it: the public never gets this document


@dataclass
class AgendaRow:
    item: AgendaItem
    documents: list[SupportingDocument] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    delegations: list[DelegationRow] = field(default_factory=list)  # reported at the item (6 kap. 40 §)


def _supporting(document: Document, *, user) -> SupportingDocument | None:
    """A supporting document as this reader may see it; secret ones never reach the public."""
    case = document.case
    read_secret = user is not None and registry_access.can_read_secret(user, case)
    if registry_access.content_hidden(document, read_secret=read_secret):
        return None
    read_internal = user is not None and registry_access.can_read_internal(user, case)
    masked = registry_access.masked(document, "description", read_secret=read_secret, read_internal=read_internal)
    return SupportingDocument(id=document.pk, reference=f"{case.diary_number}-{document.number}",
                              description=None if masked else document.description, masked=masked,
                              content_hidden=registry_access.content_hidden(document, read_secret=read_secret),
                              is_secret=document.is_secret)


def agenda(*, meeting: Meeting, user) -> list[AgendaRow]:
    """The agenda with each item's supporting documents (secret ones left out for
    those who may not read them), the delegation decisions reported at it (as
    the reader may see them) and, where visible, its decisions."""
    items = meeting.items.select_related("case", "proposal", "proposal__organ").prefetch_related(
        Prefetch("supporting_documents", queryset=Document.objects.select_related("case").order_by("number")),
        Prefetch("delegation_decisions", queryset=delegation_prefetch_queryset()),
    ).order_by("position")
    show_decisions = user is not None and access.decisions_visible(user, meeting)
    decisions: dict[int, list[Decision]] = {}
    if show_decisions:
        for d in meeting.decisions.select_related("organ", "meeting").order_by("paragraph"):
            decisions.setdefault(d.agenda_item_id, []).append(d)
    items = list(items)
    delegations = agenda_delegations(user, items)
    rows = []
    for item in items:
        docs = [s for s in (_supporting(d, user=user) for d in item.supporting_documents.all()) if s is not None]
        rows.append(AgendaRow(item=item, documents=docs, decisions=decisions.get(item.pk, []),
                              delegations=delegations.get(item.pk, [])))
    return rows


def notice_recipients(meeting: Meeting) -> tuple[list, list]:
    """Whom the notice went to by e-mail, and the members and substitutes it
    could not reach (no e-mail address): for those who run the meeting."""
    seats = list(meeting.attendance.select_related("person").order_by("person__name"))
    return ([a.person for a in seats if a.person.email], [a.person for a in seats if not a.person.email])


def meeting_conflicts(meeting: Meeting) -> list[Conflict]:
    """Every conflict of interest declared at the meeting, by item."""
    return list(Conflict.objects.filter(item__meeting=meeting).select_related("item", "person", "substitute")
                .order_by("item__position", "declared_at", "id"))


def item_conflicts(item_id: int | None) -> list[Conflict]:
    """The conflicts of interest declared in an agenda item, in order."""
    if item_id is None:
        return []
    return list(Conflict.objects.filter(item_id=item_id).select_related("person", "substitute"))


def minutes_decisions(meeting: Meeting, *, full: bool = True) -> list[Decision]:
    """The decisions of the minutes with their notes and corrections; `full` adds
    recipients, participants and assignments (the stored minutes document)."""
    related = ["notes", "corrections", Prefetch("agenda_item__conflicts",
                                                  queryset=Conflict.objects.select_related("person", "substitute")),
               Prefetch("agenda_item__attendance_changes",
                        queryset=AttendanceChange.objects.select_related("person").order_by("recorded_at", "id")),
               *votes_prefetch("agenda_item__")]
    if full:
        related += ["recipients", "participants", "assignments__organ"]
    return list(
        meeting.decisions.select_related("organ", "meeting", "case", "condition_organ", "condition_decision",
                                         "condition_decision__organ", "condition_decision__meeting")
        .prefetch_related(*related)
        .order_by("paragraph")
    )


def meeting_decisions(*, user, meeting: Meeting) -> list[Decision]:
    """The meeting's decisions for lists (no notes, recipients or participants)."""
    if not access.decisions_visible(user, meeting):
        return []
    return list(meeting.decisions.select_related("organ", "meeting", "case").order_by("paragraph"))


def decision_get(*, user, pk: int) -> Decision:
    decision = (
        Decision.objects.select_related("organ", "meeting", "meeting__organ", "case", "condition_organ",
                                        "condition_decision", "condition_decision__organ",
                                        "condition_decision__meeting", "proposal", "agenda_item")
        .prefetch_related("notes", "recipients", "participants", "corrections", "assignments__organ",
                          "references__organ", "references__meeting", "referenced_by__organ",
                          "referenced_by__meeting", "conditions_met__organ", "conditions_met__meeting")
        .filter(pk=pk).first()
    )
    if decision is None or not access.decisions_visible(user, decision.meeting):
        raise NotFound(_("Beslutet finns inte."))
    return decision


def minutes_for(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).prefetch_related("signatures__person").first()


@dataclass
class ChainStep:
    """One step of a case's way through the organs, in time order."""

    date: dt.date
    organ: Organ
    kind: str  # "proposal", "agenda", "decision"
    label: str
    url: str | None = None
    decision: Decision | None = None
    rank: int = 0  # order within a day: report proposal, agenda, decision, proposal it forwards


def case_chain(*, user, case: Case) -> list[ChainStep]:
    """Proposals, agenda items and decisions of a case across organs (KSAU → KS → KF)."""
    steps: list[ChainStep] = []
    read_secret = registry_access.can_read_secret(user, case)
    for p in Proposal.objects.filter(case=case).select_related("organ", "report", "report__document", "from_decision",
                                                               "from_decision__organ", "from_decision__meeting"):
        if p.report_id and not access.officer_report_visible(p.report, read_secret=read_secret):
            continue  # a proposal is read with its report, and that report names it
        origin = p.from_decision.reference if p.from_decision_id else (p.report.title if p.report_id else "")
        date = p.from_decision.meeting.date if p.from_decision_id else (p.report.report_date if p.report_id else None)
        if date is None:
            continue
        if p.from_decision_id and not access.decisions_visible(user, p.from_decision.meeting):
            continue  # a proposal a decision forwards is public with that decision
        steps.append(ChainStep(date=date, organ=p.organ, kind="proposal",
                               label=_("Förslag till %(organ)s (%(origin)s)") % {"organ": p.organ.name,
                                                                                 "origin": origin},
                               rank=3 if p.from_decision_id else 0))
    for item in AgendaItem.objects.filter(case=case).select_related("meeting", "meeting__organ"):
        if access.meeting_visible(user, item.meeting):
            steps.append(ChainStep(date=item.meeting.date, organ=item.meeting.organ, kind="agenda",
                                   label=_("På föredragningslistan, punkt %(n)s") % {"n": item.position},
                                   url=item.meeting.get_absolute_url(), rank=1))
    for d in Decision.objects.filter(case=case).select_related("organ", "meeting", "meeting__organ"):
        if access.decisions_visible(user, d.meeting):
            steps.append(ChainStep(date=d.meeting.date, organ=d.organ, kind="decision",
                                   label=f"{d.reference} {d.title}", url=d.get_absolute_url(), decision=d,
                                   rank=2))
    return sorted(steps, key=lambda s: (s.date, s.rank))


def open_assignments(*, organ: Organ | None = None, organisation_id: int | None = None):
    qs = Assignment.objects.filter(status=Assignment.Status.OPEN).select_related(
        "organ", "decision", "decision__organ", "decision__meeting", "answering_case")
    if organ is not None:
        qs = qs.filter(organ=organ)
    if organisation_id is not None:
        qs = qs.filter(organ__organisation_id=organisation_id)
    return [a for a in qs.order_by("deadline", "id") if access.decisions_public(a.decision.meeting.status)]


def assignments_answered_by(case: Case):
    return list(Assignment.objects.filter(answering_case=case).select_related(
        "organ", "decision", "decision__organ", "decision__meeting"))


def dispatch_state(decision: Decision) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in decision.recipients.all():
        counts[r.state] = counts.get(r.state, 0) + 1
    return counts


def linked_text(text: str, *, organisation_id: int) -> str:
    """The text with references like "KF 2017-12-13 § 251" turned into links to
    the decisions they name (adjusted ones only: those are public)."""
    wanted = {}
    for code, day, paragraph in REFERENCE.findall(text or ""):
        wanted[(code, day, int(paragraph))] = None
    if wanted:
        q = Q()
        for code, day, paragraph in wanted:
            q |= Q(organ__code=code, meeting__date=day, paragraph=paragraph)
        for d in access.public_decisions().filter(q, organisation_id=organisation_id).select_related(
                "organ", "meeting"):
            wanted[(d.organ.code, d.meeting.date.isoformat(), d.paragraph)] = d

    def link(match: re.Match) -> str:
        code, day, paragraph = match.group(1), match.group(2), int(match.group(3))
        decision = wanted.get((code, day, paragraph))
        if decision is None:
            return escape(match.group(0))
        return f'<a href="{reverse("decisions:decision_detail", args=[decision.pk])}">{escape(match.group(0))}</a>'

    out, last = [], 0
    for match in REFERENCE.finditer(text or ""):
        out.append(escape(text[last:match.start()]))
        out.append(link(match))
        last = match.end()
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out))


def case_in_chain(case: Case) -> bool:
    """Whether the case has any officer's report, proposal, agenda item, decision,
    answered assignment or delegation decision: one query, so case pages without
    any stay cheap."""
    from django.db.models import Exists, OuterRef

    from ..models import DelegationDecision, OfficerReport

    return Case.objects.filter(pk=case.pk).filter(
        Exists(OfficerReport.objects.filter(case=OuterRef("pk")))
        | Exists(Proposal.objects.filter(case=OuterRef("pk")))
        | Exists(AgendaItem.objects.filter(case=OuterRef("pk")))
        | Exists(Decision.objects.filter(case=OuterRef("pk")))
        | Exists(Assignment.objects.filter(answering_case=OuterRef("pk")))
        | Exists(DelegationDecision.objects.filter(case=OuterRef("pk")))
    ).exists()


def case_proposals(*, user, case: Case) -> list[Proposal]:
    """The case's proposals (from officer's reports and carried forward from
    decisions) with the agenda items they went to; those of a report the user
    may not read are left out, as the report is (officer_report_list)."""
    read_secret = registry_access.can_read_secret(user, case)
    proposals = (
        Proposal.objects.filter(case=case)
        .select_related("organ", "condition_organ", "report", "report__addressed_to", "report__document",
                        "from_decision", "from_decision__organ", "from_decision__meeting")
        .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.select_related("meeting", "meeting__organ")))
        .order_by("report__report_date", "report_id", "position", "id")
    )
    return [p for p in proposals
            if p.report_id is None or access.officer_report_visible(p.report, read_secret=read_secret)]


def officer_report_list(*, user, case: Case) -> list:
    """The case's officer's reports with their proposals, for the API. A report
    whose document is marked secret is left out for those who may not read it,
    as a secret supporting document is."""
    from ..models import OfficerReport

    read_secret = registry_access.can_read_secret(user, case)
    reports = (OfficerReport.objects.filter(case=case).select_related("case", "addressed_to", "document")
               .prefetch_related(Prefetch("proposals", queryset=Proposal.objects.select_related(
                   "organ", "condition_organ").order_by("position", "id")))
               .order_by("report_date", "id"))
    return [r for r in reports if access.officer_report_visible(r, read_secret=read_secret)]


def proposals_waiting(*, organ: Organ) -> list[Proposal]:
    """Proposals to an organ that are not on any agenda yet, on open cases."""
    return list(
        Proposal.objects.filter(organ=organ, items__isnull=True, case__status=Case.Status.OPEN)
        .select_related("case", "report", "report__document").order_by("case__diary_number", "position")
    )


def proposal_get(*, pk: int) -> Proposal:
    proposal = (Proposal.objects.select_related("organ", "case", "report", "report__document", "condition_organ")
                .filter(pk=pk).first())
    if proposal is None:
        raise NotFound(_("Förslaget finns inte."))
    return proposal


def assignment_get(*, user, pk: int) -> Assignment:
    """An assignment, public once the decision that gave it is."""
    assignment = (Assignment.objects.select_related("organ", "decision", "decision__organ", "decision__meeting",
                                                    "decision__meeting__organ", "decision__case", "answering_case",
                                                    "done_by_decision")
                  .filter(pk=pk).first())
    if assignment is None or not access.decisions_visible(user, assignment.decision.meeting):
        raise NotFound(_("Uppdraget finns inte."))
    return assignment


def decision_for_write(*, pk: int) -> Decision | None:
    """A decision to hand to a write service (which checks the rights itself),
    or None when it is gone. Never show it to the user as it is."""
    return Decision.objects.select_related("organ", "meeting", "case").filter(pk=pk).first()


def officer_report_for_write(*, pk: int):
    """An officer's report to hand to a write service (which checks the rights
    itself). Not checked here: never show it to the user as it is."""
    from ..models import OfficerReport

    report = OfficerReport.objects.select_related("case", "addressed_to", "document").filter(pk=pk).first()
    if report is None:
        raise NotFound(_("Tjänsteskrivelsen finns inte."))
    return report


def case_documents(*, case: Case | None, ids) -> list[Document]:
    """The chosen documents of a case, for a write service (which checks them)."""
    if case is None or not ids:
        return []
    return list(case.documents.filter(pk__in=ids).order_by("number"))


def decisions_for_choice(*, organisation_id: int, limit: int = 200) -> list[Decision]:
    """The organisation's latest decisions, for a choice list (e.g. which decision adopted a plan)."""
    return list(Decision.objects.filter(organisation_id=organisation_id).select_related("organ", "meeting")
                .order_by("-meeting__date", "-paragraph")[:limit])


@dataclass
class Posting:
    """A notice on the digital notice board ("anslagstavla") that minutes were adjusted."""

    minutes: Minutes
    meeting: Meeting
    on_board: bool
    appeal_open: bool


def notice_board(*, today: dt.date, days_back: int = 90, organisation_id: int | None = None) -> list[Posting]:
    """Adjusted minutes posted on the board now, and those taken down in the last
    `days_back` days, newest posting first."""
    qs = Minutes.objects.filter(adjusted_at__isnull=False, posted_on__isnull=False,
                                take_down_on__gte=today - dt.timedelta(days=days_back),
                                posted_on__lte=today).select_related("meeting", "meeting__organ")
    if organisation_id is not None:
        qs = qs.filter(meeting__organisation_id=organisation_id)
    return [Posting(minutes=m, meeting=m.meeting, on_board=m.posted_on <= today <= m.take_down_on,
                    appeal_open=today <= m.appeal_ends_on)
            for m in qs.order_by("-posted_on", "-id")[:500]]


# --- for the API: a meeting's and a decision's rows, and one agenda item as shown ------------
def memberships_of(organ: Organ) -> list[Membership]:
    """The organ's seats (members, substitutes, chairs), by role, start, a
    substitute's place in the order, and name."""
    return list(Membership.objects.filter(organ=organ).select_related("person").order_by(
        "role", "start", F("substitute_order").asc(nulls_last=True), "person__name"))


def meeting_adjusters(meeting: Meeting) -> list:
    return list(meeting.adjusters.order_by("name", "id"))


def meeting_attendance(meeting: Meeting) -> list:
    return list(meeting.attendance.select_related("person"))


def forwarded_proposals(decision: Decision) -> list[Proposal]:
    """The proposals the decision carried forward to other organs."""
    return list(decision.forwarded_proposals.select_related(
        "organ", "condition_organ", "from_decision", "from_decision__organ", "from_decision__meeting"))


def agenda_row(*, user, item: AgendaItem) -> AgendaRow:
    """One item as it stands on its meeting's agenda for this reader."""
    meeting = meeting_get(user=user, pk=item.meeting_id)
    return next(r for r in agenda(meeting=meeting, user=user) if r.item.pk == item.pk)


def officer_report_of(*, user, case: Case, pk: int):
    """One of the case's officer's reports as officer_report_list gives it."""
    return next(r for r in officer_report_list(user=user, case=case) if r.pk == pk)


# --- rows named by id in a request body (core.lookups.referenced) -----------------------------
def case_referenced(*, user, pk: int | None, field: str, organisation_id: int) -> Case | None:
    """A case of the organisation that the user may see, named in field `field`."""
    if pk is None:
        return None
    case = referenced(lambda: registry.case_get(user=user, pk=pk), field)
    if case.organisation_id != organisation_id:
        raise DomainError(_("Ärendet finns inte."), field=field)
    return case


def documents_referenced(ids, *, field: str = "documents") -> list[Document]:
    """Documents for a write service (which checks them against the case)."""
    return [referenced(lambda pk=pk: registry.document_for_write(pk=pk), field) for pk in ids]


def proposal_referenced(*, pk: int | None, field: str | None, organisation_id: int | None = None) -> Proposal | None:
    """A proposal (of the organisation, when given). Unknown: the client's error on
    `field`, or not found (404) when it is the path's own id (`field` None)."""
    if pk is None:
        return None
    proposal = Proposal.objects.select_related("organ", "case", "report").filter(pk=pk).first()
    if proposal is None or (organisation_id is not None and proposal.case.organisation_id != organisation_id):
        error = _("Förslaget finns inte.")
        raise DomainError(error, field=field) if field else NotFound(error)
    return proposal


def agenda_item_referenced(*, meeting: Meeting, pk: int | None, field: str | None) -> AgendaItem | None:
    """An item of the meeting's agenda; as proposal_referenced when unknown."""
    if pk is None:
        return None
    item = meeting.items.select_related("meeting", "meeting__organ", "case", "proposal").filter(pk=pk).first()
    if item is None:
        error = _("Punkten finns inte på sammanträdets föredragningslista.")
        raise DomainError(error, field=field) if field else NotFound(error)
    return item


def meeting_referenced(*, user, pk: int, field: str) -> Meeting:
    return referenced(lambda: meeting_get(user=user, pk=pk), field)


def decision_referenced(*, user, pk: int | None, field: str, organisation_id: int | None = None) -> Decision | None:
    """A decision the user may see (of the organisation, when given)."""
    if pk is None:
        return None
    decision = referenced(lambda: decision_get(user=user, pk=pk), field)
    if organisation_id is not None and decision.organisation_id != organisation_id:
        raise DomainError(_("Beslutet finns inte."), field=field)
    return decision
