"""Changing and removing memberships over JSON (adding and listing them are in
apis/memberships.py): thin over memberships.py, with the rule of adding one."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema, Status

from diarium.accounts import selectors as people
from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS as API_ERRORS
from diarium.core.api.errors import ErrorOut
from diarium.core.api.types import Id

from . import memberships
from .apis.schemas import MembershipOut, MembershipRole
from .apis.serialise import membership_out

router = Router(tags=["Sammanträden och beslut"])

ERRORS = {**API_ERRORS, 409: ErrorOut}  # 409: still in use


class MembershipChangeIn(Schema):
    role: MembershipRole = None
    party: str = Field(None, max_length=40)
    start: dt.date = None
    end: dt.date | None = Field(None, description="Sista dagen; null gör uppdraget tillsvidare.")
    substitute_order: int | None = Field(None, ge=1, le=999, description="En ersättares turordning; null tar bort den.")


@router.patch("/organs/{organ_id}/memberships/{membership_id}", response={200: MembershipOut, **ERRORS},
              auth=WRITE, url_name="membership_change")
def membership_change(request, organ_id: Id, membership_id: Id, payload: MembershipChangeIn):
    """Change a seat's role, party or period; send only what changes. Needs the
    right to manage the organ's meetings, as adding one."""
    user = actor(request)
    membership = memberships.membership_get(organ=people.organ_get(pk=organ_id), pk=membership_id)
    changes = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k == "end"}
    return membership_out(memberships.membership_update(actor=user, membership=membership, **changes))


@router.delete("/organs/{organ_id}/memberships/{membership_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="membership_delete")
def membership_delete(request, organ_id: Id, membership_id: Id):
    """Remove a seat entered by mistake; one that has ended gets an end date instead."""
    memberships.membership_delete(
        actor=actor(request),
        membership=memberships.membership_get(organ=people.organ_get(pk=organ_id), pk=membership_id))
    return Status(204, None)
