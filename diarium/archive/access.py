"""Who keeps an organisation's records: the records plan, legal holds, disposal
lists and the disposal records. Decided here, and only here.

Records management is the work of the organisation's registrars (and its
archivist, who holds the registrar's or the administrator's role for the
whole organisation): the rights follow registry.access.follows_organisation,
a role for every organ, not for one of them. Nothing here is public output:
the pages are staff's, and what a disposal record says of a document is
taken in the form the public reads (services/disposal.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from diarium.accounts.models import Organisation
from diarium.core.errors import NotFound, PermissionDenied
from diarium.registry import access as registry_access

from .models import DisposalList, LegalHold, RecordsPlanVersion


def can_keep_records(user, organisation_id: int) -> bool:
    """The records plan and its drafts, what is due, disposal lists (drawing
    up, adopting, executing), legal holds and the disposal records: the
    organisation's registrars and administrators."""
    return registry_access.follows_organisation(user, organisation_id)


def organisations_kept(user) -> list[int]:
    """The organisations whose records the user keeps (can_keep_records)."""
    return registry_access.organisations_followed(user)


def require_keep_records(user, organisation_id: int) -> None:
    if not can_keep_records(user, organisation_id):
        raise PermissionDenied(_("Arkivet och gallringen sköts av organisationens registratorer och arkivarie."))


def organisation_get(*, user, pk: int | None) -> Organisation:
    """The organisation whose records the user keeps, named by id, or the first
    of them when none is named."""
    kept = organisations_kept(user)
    if pk is None:
        if not kept:
            require_keep_records(user, 0)
        pk = kept[0]
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise NotFound(_("Organisationen finns inte."))
    require_keep_records(user, organisation.pk)
    return organisation


def plan_version_get(*, user, pk: int) -> RecordsPlanVersion:
    version = RecordsPlanVersion.objects.select_related("organisation").filter(pk=pk).first()
    if version is None:
        raise NotFound(_("Versionen av dokumenthanteringsplanen finns inte."))
    require_keep_records(user, version.organisation_id)
    return version


def disposal_list_get(*, user, pk: int) -> DisposalList:
    disposal_list = DisposalList.objects.select_related("organisation", "plan_version").filter(pk=pk).first()
    if disposal_list is None:
        raise NotFound(_("Gallringsförteckningen finns inte."))
    require_keep_records(user, disposal_list.organisation_id)
    return disposal_list


def legal_hold_get(*, user, pk: int) -> LegalHold:
    hold = LegalHold.objects.select_related("case").filter(pk=pk).first()
    if hold is None:
        raise NotFound(_("Gallringsspärren finns inte."))
    require_keep_records(user, hold.organisation_id)
    return hold
