"""Changing and removing memberships over JSON (adding and listing them are in
apis.py): thin over memberships.py, with the rule of adding one."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema, Status

from diarium.accounts import selectors as people
from diarium.api.auth import WRITE, actor
from diarium.api.errors import ErrorOut

from . import memberships
from .apis import MembershipOut, MembershipRole, _person_ref

router = Router(tags=["Sammanträden och beslut"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class MembershipChangeIn(Schema):
    role: MembershipRole | None = None
    party: str | None = Field(None, max_length=40)
    start: dt.date | None = None
    end: dt.date | None = Field(None, description="Sista dagen; null gör uppdraget tillsvidare.")


def _out(m) -> dict:
    return {"id": m.pk, "organ_id": m.organ_id, "person": _person_ref(m.person), "role": m.role,
            "role_label": str(m.get_role_display()), "party": m.party, "start": m.start, "end": m.end}


@router.patch("/organs/{organ_id}/memberships/{membership_id}", response={200: MembershipOut, **ERRORS},
              auth=WRITE, url_name="membership_change")
def membership_change(request, organ_id: int, membership_id: int, payload: MembershipChangeIn):
    """Change a seat's role, party or period; send only what changes. Needs the
    right to manage the organ's meetings, as adding one."""
    user = actor(request)
    membership = memberships.membership_get(organ=people.organ_get(pk=organ_id), pk=membership_id)
    changes = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k == "end"}
    return _out(memberships.membership_update(actor=user, membership=membership, **changes))


@router.delete("/organs/{organ_id}/memberships/{membership_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="membership_delete")
def membership_delete(request, organ_id: int, membership_id: int):
    """Remove a seat entered by mistake; one that has ended gets an end date instead."""
    memberships.membership_delete(
        actor=actor(request),
        membership=memberships.membership_get(organ=people.organ_get(pk=organ_id), pk=membership_id))
    return Status(204, None)
