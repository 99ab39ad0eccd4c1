"""Who may read the desk's overviews of a whole organisation: its statistics
and its register extracts (GDPR art. 15). Both are organisation-wide, so only
a role on the whole organisation (not on one organ) counts; a superuser may
everything. The only place these rules are written."""

from __future__ import annotations

from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organisation, Role
from diarium.core.errors import NotFound, PermissionDenied

# Statistics are counts only (no titles, no names of private persons): read by
# the organisation's administrators, registrars and readers with an
# organisation-wide role (a manager is given the reader role for that).
SEE_STATISTICS = {Role.ADMIN, Role.REGISTRAR, Role.READER}
# A register extract gathers a person's data from the whole register, secret or
# not: made by the registrars and administrators of the organisation.
MAKE_REGISTER_EXTRACT = {Role.ADMIN, Role.REGISTRAR}


def can_see_statistics(user, organisation_id: int) -> bool:
    return roles.can(user, SEE_STATISTICS, organisation_id=organisation_id, organ_id=None)


def can_make_register_extract(user, organisation_id: int) -> bool:
    return roles.can(user, MAKE_REGISTER_EXTRACT, organisation_id=organisation_id, organ_id=None)


def _organisations_with(user, allowed: set[str]) -> list[Organisation]:
    grants = roles.grants_for(user)
    if grants.superuser:
        return list(Organisation.objects.order_by("name"))
    ids = grants.organ_ids_with(allowed)[0]
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if ids else []


def statistics_organisations(user) -> list[Organisation]:
    """The organisations whose statistics the user may see, by name."""
    return _organisations_with(user, SEE_STATISTICS)


def register_extract_organisations(user) -> list[Organisation]:
    """The organisations in whose register the user may make extracts, by name."""
    return _organisations_with(user, MAKE_REGISTER_EXTRACT)


def _organisation_get(user, pk: int | None, allowed: list[Organisation], refused: str) -> Organisation:
    if pk is None:
        if not allowed:
            raise PermissionDenied(refused)
        return allowed[0]
    chosen = next((o for o in allowed if o.pk == pk), None)
    if chosen is not None:
        return chosen
    if not Organisation.objects.filter(pk=pk).exists():
        raise NotFound(_("Organisationen finns inte."))
    raise PermissionDenied(refused)


def statistics_organisation_get(*, user, pk: int | None,
                                organisations: list[Organisation] | None = None) -> Organisation:
    """The organisation whose statistics to show: the one asked for (`pk`), else
    the first the user may see (`organisations`: statistics_organisations, if
    already read). Refused when the user may see none of them (or not the one
    asked for)."""
    allowed = statistics_organisations(user) if organisations is None else organisations
    return _organisation_get(user, pk, allowed, _(
        "Du har inte behörighet att se statistiken. Den visas för organisationens administratörer, "
        "registratorer och läsare med behörighet för hela organisationen."))


def register_extract_organisation_get(*, user, pk: int | None,
                                     organisations: list[Organisation] | None = None) -> Organisation:
    """The organisation in whose register to make an extract, as statistics_organisation_get."""
    allowed = register_extract_organisations(user) if organisations is None else organisations
    return _organisation_get(user, pk, allowed, _(
        "Du har inte behörighet att göra registerutdrag. De görs av organisationens registratorer och "
        "administratörer."))


def _any_organisation_with(user, allowed: set[str]) -> bool:
    grants = roles.grants_for(user)
    return grants.superuser or bool(grants.organ_ids_with(allowed)[0])


def may_see_some_statistics(user) -> bool:
    """Whether to offer the statistics page (no query: the user's grants)."""
    return _any_organisation_with(user, SEE_STATISTICS)


def may_make_some_register_extract(user) -> bool:
    """Whether to offer the register extract (no query: the user's grants)."""
    return _any_organisation_with(user, MAKE_REGISTER_EXTRACT)
