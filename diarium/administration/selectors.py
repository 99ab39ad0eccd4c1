"""Reads for the organisation administrator's screens."""

from __future__ import annotations

from django.db.models import QuerySet

from diarium.accounts.models import AdministrationEvent, Organisation


def recent_changes(*, organisation: Organisation, limit: int = 20) -> QuerySet[AdministrationEvent]:
    """The latest changes to the organisation's reference data, newest first."""
    return (AdministrationEvent.objects.filter(organisation=organisation)
            .select_related("actor").order_by("-at", "-id")[:limit])


def seats_held(*, organisation: Organisation, day) -> dict[int, dict[str, int]]:
    """{organ id: {"members": n, "substitutes": n}}: the seats held on `day` in
    each of the organisation's organs (chairs count as members), in one query."""
    from django.db.models import Count

    from diarium.decisions.models import Membership

    held: dict[int, dict[str, int]] = {}
    rows = (Membership.objects.filter(Membership.held_on(day), organ__organisation=organisation)
            .values("organ_id", "role").annotate(n=Count("id")))
    for row in rows:
        kind = "substitutes" if row["role"] == Membership.Role.SUBSTITUTE else "members"
        counts = held.setdefault(row["organ_id"], {"members": 0, "substitutes": 0})
        counts[kind] += row["n"]
    return held
