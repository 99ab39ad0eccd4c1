"""Assignments (uppdrag) on an officer's desk: those given by a decision whose
answer is the officer's to prepare, open and due within the coming weeks or
already past their deadline."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from diarium.core.lookups import first_with_total

from ..models import Assignment

# Assignments due within this many days are on the desk (and every one past due).
DUE_WITHIN_DAYS = 30


def assignments_due(*, user, today: dt.date, limit: int) -> tuple[list[Assignment], int]:
    """Open assignments with a deadline within DUE_WITHIN_DAYS days (or past)
    that the user answers: the officer of the case that answers it, or, while
    no case answers it yet, the officer of the case it was decided in."""
    mine = (Q(answering_case__case_officer__user=user)
            | Q(answering_case__isnull=True, decision__case__case_officer__user=user))
    qs = (Assignment.objects.filter(mine, status=Assignment.Status.OPEN, deadline__isnull=False,
                                    deadline__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS))
          .select_related("organ", "decision", "decision__case", "decision__organ", "answering_case")
          .order_by("deadline", "id"))
    return first_with_total(qs, limit)
