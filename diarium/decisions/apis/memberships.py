"""Adding and listing an organ's memberships (seats) over JSON; changing and
removing one are in apis_memberships.py.
"""

from __future__ import annotations

from ninja import Router, Status

from diarium.accounts import selectors as people
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id

from .. import access, memberships, selectors, services
from . import serialise
from .schemas import MembershipImportIn, MembershipImportOut, MembershipIn, MembershipOut

router = Router(tags=["Sammanträden och beslut"])

@router.get("/organs/{organ_id}/memberships", response={200: list[MembershipOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="membership_list")
def membership_list(request, organ_id: Id):
    """The organ's members, substitutes and chairs with their periods."""
    organ = people.organ_get(pk=organ_id)
    return [serialise.membership_out(m) for m in selectors.memberships_of(organ)]


@router.post("/organs/{organ_id}/memberships", response={201: MembershipOut, **ERRORS}, auth=WRITE,
             url_name="membership_add")
def membership_add(request, organ_id: Id, payload: MembershipIn):
    """Give a person a seat in the organ for a period."""
    user = actor(request)
    organ = people.organ_get(pk=organ_id)
    access.require_manage_meetings(user, organ)
    m = services.membership_add(
        actor=user, organ=organ, person=people.person_referenced(payload.person, field="person"),
        role=payload.role, start=payload.start, end=payload.end, party=payload.party,
        substitute_order=payload.substitute_order,
    )
    return Status(201, serialise.membership_out(m))


@router.post("/organs/{organ_id}/memberships/import", response={201: MembershipImportOut, **ERRORS}, auth=WRITE,
             url_name="membership_import")
def membership_import(request, organ_id: Id, payload: MembershipImportIn):
    """Add the seats of a membership list (CSV: namn;uppdrag;parti;från;till;turordning;e-post). Names the
    register does not know become people of the organisation. All problems come at once, by line; then
    nothing is added."""
    user = actor(request)
    organ = people.organ_get(pk=organ_id)
    access.require_manage_meetings(user, organ)
    result = memberships.memberships_import(actor=user, organ=organ, text=payload.csv, start=payload.start)
    return Status(201, {"added": [serialise.membership_out(m) for m in result.added],
                        "people_created": result.people_created})
