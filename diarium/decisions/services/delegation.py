"""Writes for delegation decisions (kommunallagen 6 kap. 37-40 §§): registering
one in its case, with the document that is the decision, and reporting them
to the board that delegated them ("anmälan av delegationsbeslut", 6 kap.
40 §): the secretary puts the unreported ones on the agenda of the board's
meeting as one item, and they are reported when the minutes record a
decision on that item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diarium.accounts.models import Organ, Person
from diarium.core.errors import DomainError
from diarium.core.limits import past_date_errors
from diarium.registry import files as file_store
from diarium.registry import services as registry
from diarium.registry.models import Case, Document

from .. import access
from ..events import DecisionEvent
from ..models import (
    DELEGATION_POINT_MAX,
    DELEGATION_SUMMARY_MAX,
    AgendaItem,
    Decision,
    DelegationDecision,
    Meeting,
)
from .meetings import _editable_agenda, agenda_item_add
from .shared import errors_raise, length_errors_add, meeting_locked, user_or_none

REPORT_TITLE = gettext_noop("Anmälan av delegationsbeslut")  # the heading of the report's agenda item


def delegation_decision_errors(*, case: Case, organ: Organ | None, point: str, summary: str,
                               decided_on: dt.date | None, decided_by: Person | None,
                               today: dt.date | None = None) -> dict[str, list[str]]:
    """What is wrong with a delegation decision, every problem at once (the
    register form asks it too, so it shows them all in one go)."""
    errors: dict[str, list[str]] = {}
    point, summary = (point or "").strip(), (summary or "").strip()
    if organ is None:
        errors["organ"] = [_("Välj den nämnd som har delegerat beslutet.")]
    elif organ.organisation_id != case.organisation_id:
        errors["organ"] = [_("%(organ)s hör till en annan organisation än ärendet.") % {"organ": organ.name}]
    elif organ.kind not in access.DELEGATING_ORGANS:
        errors["organ"] = [_("%(organ)s delegerar inte beslut. Beslut fattas på delegation från en nämnd eller "
                             "kommunstyrelsen (kommunallagen 6 kap. 37 §).") % {"organ": organ.name}]
    if not point:
        errors["point"] = [_("Ange punkten i delegationsordningen, till exempel 3.2.")]
    if not summary:
        errors["summary"] = [_("Skriv kortfattat vad som beslutades.")]
    length_errors_add(errors, {"point": (point, DELEGATION_POINT_MAX), "summary": (summary, DELEGATION_SUMMARY_MAX)})
    if not isinstance(decided_on, dt.date):
        errors["decided_on"] = [_("Ange dagen beslutet fattades (ÅÅÅÅ-MM-DD).")]
    elif past_date_errors(decided_on, today=today):
        errors["decided_on"] = past_date_errors(decided_on, today=today)
    if decided_by is None:
        errors["decided_by"] = [_("Välj den som fattade beslutet.")]
    elif decided_by.organisation_id != case.organisation_id:
        errors["decided_by"] = [_("%(name)s hör till en annan organisation.") % {"name": decided_by.name}]
    return errors


def document_description(point: str, summary: str) -> str:
    """The register's description of the document that is the decision."""
    return _("Delegationsbeslut enligt punkt %(point)s: %(summary)s") % {
        "point": point.strip(), "summary": summary.strip()}


def delegation_decision_register(
    *, actor, case: Case, organ: Organ | None, point: str, summary: str, decided_on: dt.date | None,
    decided_by: Person | None, file=None, now: dt.datetime | None = None,
) -> DelegationDecision:
    """Register a decision taken under delegation from `organ` in the case it
    was taken in: a drawn-up document of the case, dated the day it was
    decided (with `file`, the decision itself, when given), and the decision
    with its point of the delegation order, waiting to be reported to the
    board. Every error at once; nothing is written when one is found."""
    access.require_register_delegation_decisions(actor, case)
    now = now or timezone.now()
    point, summary = (point or "").strip(), (summary or "").strip()
    errors = delegation_decision_errors(case=case, organ=organ, point=point, summary=summary, decided_on=decided_on,
                                        decided_by=decided_by, today=timezone.localtime(now).date())
    checked = None
    if file is not None:
        try:
            checked = file_store.check_upload(file, field="file")
        except DomainError as exc:
            errors.setdefault("file", exc.errors.get("file") or [exc.message])
    errors_raise(errors)
    with transaction.atomic():
        document = registry.document_register(
            actor=actor, case=case, direction=Document.Direction.DRAWN_UP, document_date=decided_on,
            description=document_description(point, summary), files=[checked] if checked is not None else [],
            registered_at=now)
        decision = DelegationDecision.objects.create(
            organisation_id=case.organisation_id, organ=organ, case=case, document=document, point=point,
            summary=summary, decided_on=decided_on, decided_by=decided_by, registered_at=now,
            registered_by=user_or_none(actor))
        # What the history says is public with the case: the point, the day, who decided and the
        # document; never the summary, which the document's secrecy may cover.
        registry.event_append(case=case, document=document, kind=DecisionEvent.DELEGATION_DECISION_REGISTERED,
                              actor=actor, at=now, data={
                                  "delegation_decision": decision.pk, "details": _(
                                      "Delegation från %(organ)s, punkt %(point)s, beslutat %(date)s av %(name)s")
                                  % {"organ": organ.code, "point": point, "date": decided_on.isoformat(),
                                     "name": decided_by.name}})
        return decision


@dataclass
class DelegationReport:
    """The meeting's item reporting delegation decisions, and how many this run added to it."""

    item: AgendaItem
    added: int


@transaction.atomic
def delegation_report_add(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> DelegationReport:
    """Put the board's delegation decisions that are not yet reported, decided
    on or before the meeting's day, on its agenda as one item, "Anmälan av
    delegationsbeslut", listing them (kommunallagen 6 kap. 40 §). Run again, it
    adds those registered since to the same item. The agenda is the
    secretary's until the meeting closes (as agenda_item_add)."""
    from .. import selectors

    access.require_manage_meetings(actor, meeting.organ)
    meeting = meeting_locked(meeting)
    _editable_agenda(meeting)
    item = selectors.delegation_report_item(meeting)
    ids = list(selectors.delegation_unreported(organ=meeting.organ, up_to=meeting.date)
               .select_for_update(of=("self",)).order_by("decided_on", "pk").values_list("pk", flat=True))
    if not ids:
        if item is None:
            raise DomainError(_("%(organ)s har inga delegationsbeslut att anmäla som fattats senast %(date)s.")
                              % {"organ": meeting.organ.name, "date": meeting.date.isoformat()})
        return DelegationReport(item=item, added=0)
    if item is None:
        item = agenda_item_add(actor=actor, meeting=meeting, title=_(REPORT_TITLE), now=now)
    DelegationDecision.objects.filter(pk__in=ids).update(agenda_item=item)
    where = _("%(organ)s %(date)s, punkt %(n)s (anmälan av delegationsbeslut)") % {
        "organ": meeting.organ.code, "date": f"{meeting.date:%Y-%m-%d}", "n": item.position}
    for case in Case.objects.filter(delegation_decisions__pk__in=ids).distinct().order_by("pk"):
        registry.event_append(case=case, kind=DecisionEvent.AGENDA_ITEM_ADDED, actor=actor, at=now,
                              data={"meeting": meeting.pk, "details": where})
    return DelegationReport(item=item, added=len(ids))


def delegation_decisions_reported(decision: Decision, *, actor, now: dt.datetime) -> None:
    """A decision recorded on a report's item reports the delegation decisions
    it lists to the board (6 kap. 40 §); a referral back or a postponement
    does not, and they stay for the next meeting's report."""
    if decision.agenda_item_id is None or decision.outcome in (Decision.Outcome.REFERRED_BACK,
                                                                Decision.Outcome.POSTPONED):
        return
    reported = list(DelegationDecision.objects.filter(agenda_item_id=decision.agenda_item_id,
                                                      reported_in__isnull=True).select_related("case", "document"))
    if not reported:
        return
    DelegationDecision.objects.filter(pk__in=[d.pk for d in reported]).update(reported_in=decision)
    for d in reported:
        registry.event_append(case=d.case, document=d.document, kind=DecisionEvent.DELEGATION_DECISION_REPORTED,
                              actor=actor, at=now, data={
                                  "delegation_decision": d.pk, "decision": decision.pk,
                                  "details": _("Punkt %(point)s, beslutat %(date)s: anmält %(ref)s") % {
                                      "point": d.point, "date": d.decided_on.isoformat(),
                                      "ref": decision.reference}})
