"""Reads of due dates ("bevakningar"): a case's, a person's, and the
registrar's lists of what is overdue per organ and per officer. Due dates are
the staff's working notes: read by those who may read the case's internal
data, never by the public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import NotFound, PermissionDenied

from .. import access
from ..models import Case, DueDate


def today() -> dt.date:
    return timezone.localdate()


def case_due_dates(*, user, case: Case) -> list[DueDate]:
    """A case's due dates, open first then done, for those who read its internal data."""
    if not access.can_read_internal(user, case):
        return []
    return list(DueDate.objects.filter(case=case).select_related("person", "document")
                .order_by(F("done_at").asc(nulls_first=True), "due_on", "id"))


def due_date_get(*, user, pk: int) -> DueDate:
    due = DueDate.objects.select_related("case__organ", "case__organisation", "person", "document").filter(pk=pk).first()
    if due is None or not access.can_read_internal(user, due.case):
        raise NotFound(_("Bevakningen finns inte."))
    return due


def open_due_dates(*, user, person_id: int | None = None, organisation_id: int | None = None,
                   overdue: bool = False, organ_id: int | None = None) -> QuerySet[DueDate]:
    """Open due dates of the cases the user reads internally, soonest first:
    one person's, an organisation's or an organ's; `overdue` those past."""
    qs = DueDate.objects.filter(done_at__isnull=True)
    scope = access.internal_scope(user)
    if scope is not True:
        qs = qs.filter(scope) if scope is not False else qs.none()
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if organ_id is not None:
        qs = qs.filter(case__organ_id=organ_id)
    if overdue:
        qs = qs.filter(due_on__lt=today())
    return qs.select_related("case", "case__organ", "person", "document").order_by("due_on", "id")


@dataclass(frozen=True)
class OverdueGroup:
    key: int | None
    label: str
    count: int
    oldest: dt.date


def overdue_groups(*, user, organisation_id: int) -> tuple[list[OverdueGroup], list[OverdueGroup]]:
    """Open due dates past their day in an organisation, counted per organ and
    per officer (the person watching), most first: for its registrars."""
    if not access.follows_organisation(user, organisation_id):
        raise PermissionDenied(_("Listorna över försenade bevakningar är till för organisationens registratorer."))
    base = DueDate.objects.filter(done_at__isnull=True, due_on__lt=today(), organisation_id=organisation_id)
    organs = [OverdueGroup(r["case__organ_id"], f'{r["case__organ__name"]} ({r["case__organ__code"]})', r["n"],
                           r["oldest"])
              for r in base.values("case__organ_id", "case__organ__name", "case__organ__code")
              .annotate(n=Count("pk"), oldest=Min("due_on")).order_by("-n", "case__organ__name")]
    people = [OverdueGroup(r["person_id"], r["person__name"] or str(_("Ingen angiven")), r["n"], r["oldest"])
              for r in base.values("person_id", "person__name").annotate(n=Count("pk"), oldest=Min("due_on"))
              .order_by("-n", "person__name")]
    return organs, people
