"""Changing and ending seats in an organ (memberships), as reference data: the
same rule as adding one (services.membership_add): those who manage the organ's
meetings, the organisation's administrators among them. A meeting's attendance
keeps its own copy of who sat in which role, so changing or removing a
membership never rewrites a held meeting."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from diarium.core.dependents import in_use
from diarium.core.errors import Conflict, DomainError, NotFound

from . import access
from .models import Membership


def membership_get(*, organ, pk: int) -> Membership:
    """One of the organ's memberships; another organ's is not found."""
    found = Membership.objects.select_related("person", "organ").filter(organ=organ, pk=pk).first()
    if found is None:
        raise NotFound(_("Ledamotskapet finns inte."))
    return found


_UNSET = object()


@transaction.atomic
def membership_update(*, actor, membership: Membership, role: str | None = None, party: str | None = None,
                      start: dt.date | None = None, end: dt.date | None | object = _UNSET) -> Membership:
    """Change the role, party or period of a seat (`end=None` makes it open-ended)."""
    access.require_manage_meetings(actor, membership.organ)
    errors: dict[str, list[str]] = {}
    if role is not None:
        if role not in Membership.Role.values:
            errors["role"] = [_("Välj ordförande, vice ordförande, ledamot eller ersättare.")]
        membership.role = role
    if party is not None:
        membership.party = party.strip()[:40]
    if start is not None:
        membership.start = start
    if end is not _UNSET:
        membership.end = end
    if membership.end is not None and membership.end < membership.start:
        errors["end"] = [_("Slutdatum kan inte ligga före startdatum.")]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    membership.save(update_fields=["role", "party", "start", "end"])
    return membership


@transaction.atomic
def membership_delete(*, actor, membership: Membership) -> None:
    """Remove a seat entered by mistake (one that has ended gets an end date instead)."""
    access.require_manage_meetings(actor, membership.organ)
    if in_use(membership):
        raise Conflict(_("Ledamotskapet används och kan inte tas bort. Ange ett slutdatum i stället."))
    membership.delete()
