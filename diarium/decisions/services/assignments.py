"""Writes for assignments ("uppdrag") a decision gives: the case that answers
one, and completing it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError
from diarium.registry import services as registry
from diarium.registry.models import Case

from .. import access
from ..events import DecisionEvent
from ..models import Assignment, Decision


@transaction.atomic
def assignment_link_case(*, actor, assignment: Assignment, case: Case,
                         now: dt.datetime | None = None) -> Assignment:
    """Record that a case answers an assignment (KS's case 2017.676 answers KF § 251)."""
    access.require_write_reports(actor, case, _("Du har inte behörighet att ändra ärendet."))
    Assignment.objects.filter(pk=assignment.pk).update(answering_case=case)
    registry.event_append(case=case, kind=DecisionEvent.ASSIGNMENT_LINKED, actor=actor, at=now, data={
        "assignment": assignment.pk, "details": assignment.decision.reference,
    })
    assignment.refresh_from_db()
    return assignment


@transaction.atomic
def assignment_complete(*, actor, assignment: Assignment, decision: Decision | None = None,
                        now: dt.datetime | None = None) -> Assignment:
    """Mark the assignment done (by `decision`, when one settled it). The event
    goes on the case that answers it, else on the case of the decision that gave
    it, else on the organisation's history."""
    access.require_manage_meetings(actor, assignment.organ)
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
        "decision__organ", "decision__meeting", "decision__case", "answering_case", "organ").get(pk=assignment.pk)
    if assignment.status == Assignment.Status.DONE:
        raise DomainError(_("Uppdraget är redan slutfört."))
    now = now or timezone.now()
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.DONE, done_at=now,
                                                        done_by_decision=decision)
    given_by = assignment.decision
    # The case's history is read by the public: a decision is named there only once its minutes are adjusted.
    details = _("Uppdrag till %(organ)s") % {"organ": assignment.organ.name}
    if access.decisions_public(given_by.meeting.status):
        details = _("%(given)s, uppdrag till %(organ)s") % {"given": given_by.reference,
                                                            "organ": assignment.organ.name}
    registry.event_append(
        case=assignment.answering_case or given_by.case, organisation_id=given_by.organisation_id,
        kind=DecisionEvent.ASSIGNMENT_COMPLETED, actor=actor, at=now,
        data={"assignment": assignment.pk, "decision": given_by.pk,
              "done_by_decision": decision.pk if decision is not None else None, "details": details})
    assignment.refresh_from_db()
    return assignment
