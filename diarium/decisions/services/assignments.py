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
    access.require_manage_meetings(actor, assignment.organ)
    if assignment.status == Assignment.Status.DONE:
        raise DomainError(_("Uppdraget är redan slutfört."))
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.DONE, done_at=now or timezone.now(),
                                                        done_by_decision=decision)
    assignment.refresh_from_db()
    return assignment
