"""What lies on an officer's desk in the register: their open cases, documents
newly registered on them, the due dates they watch and the requests for public
documents they are to handle. Each list comes with its count in one query
(core.lookups.first_with_total); the desk's start page shows them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as DbCase
from django.db.models import Q, Sum, Value, When, Window

from diarium.accounts import access as roles
from diarium.core.lookups import first_with_total

from .. import access
from ..models import Case, CopyRequest, Document, DueDate

# What counts as new on a desk: registered in the last two weeks.
NEW_DOCUMENT_DAYS = 14


def my_open_cases(*, user, limit: int) -> tuple[list[Case], int]:
    """Open cases whose officer is the user, the latest registered first."""
    # Without the long texts the list does not show: the window count sorts every row it counts.
    qs = (Case.objects.filter(case_officer__user=user, status=Case.Status.OPEN)
          .select_related("organ").defer("description", "search_text").order_by("-registered_at", "-id"))
    return first_with_total(qs, limit)


def my_due_dates(*, user, today: dt.date, limit: int) -> tuple[list[DueDate], int, int]:
    """Open due dates the user watches, soonest first (the overdue at the top):
    the first `limit`, how many there are, and how many of them are past `today`
    (counted over all of them in the same query, not over the rows shown)."""
    qs = (DueDate.objects.filter(person__user=user, done_at__isnull=True)
          .select_related("case", "document").order_by("due_on", "id")
          .annotate(overdue_rows=Window(Sum(DbCase(When(due_on__lt=today, then=Value(1)), default=Value(0))))))
    rows, total = first_with_total(qs, limit)
    return rows, total, (rows[0].overdue_rows if rows else 0)


def my_new_documents(*, user, now: dt.datetime, limit: int) -> tuple[list[Document], int]:
    """Documents others registered on the user's open cases in the last
    NEW_DOCUMENT_DAYS days, newest first. Shown through register_entries (masked
    as this reader may see them)."""
    since = now - dt.timedelta(days=NEW_DOCUMENT_DAYS)
    qs = (Document.objects.filter(case__case_officer__user=user, case__status=Case.Status.OPEN,
                                  registered_at__gte=since)
          .exclude(registered_by=user).select_related("case", "case__organ").order_by("-registered_at", "-id"))
    return first_with_total(qs, limit)


def my_copy_requests(*, user, limit: int) -> tuple[list[CopyRequest], int]:
    """Undecided requests for public documents assigned to the user, and, for a
    registrar, those not yet assigned in their organisations: soonest due first."""
    mine = Q(assigned_to__user=user)
    grants = roles.grants_for(user)
    organisations, organs = grants.organ_ids_with({roles.Role.REGISTRAR, roles.Role.ADMIN})
    unassigned = Q(assigned_to__isnull=True) & (Q(organisation_id__in=sorted(organisations))
                                               | Q(case__organ_id__in=sorted(organs)))
    who = mine | unassigned if (organisations or organs) else mine
    scope = access.internal_scope(user)
    qs = CopyRequest.objects.filter(who, decided_at__isnull=True)
    if scope is False:
        qs = qs.none()
    elif scope is not True:
        qs = qs.filter(scope)
    return first_with_total(qs.select_related("case", "document", "assigned_to").order_by("due_at", "id"), limit)
