"""An organisation's organs, kept by its own administrators over JSON: thin over
access.organisation_for_admin_get, selectors and services.

Who: the admin role for the whole organisation (or a superuser), the rule the
registry's reference data already followed. An administrator of one
organisation is refused another's (403) and never finds its rows (404)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema, Status

from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS as API_ERRORS
from diarium.core.api.errors import ErrorOut
from diarium.core.api.types import Id
from diarium.core.lookups import referenced

from . import access, selectors, services
from .models import Organ

router = Router(tags=["Organisation"])

ERRORS = {**API_ERRORS, 409: ErrorOut}  # 409: still in use

OrganKind = Literal["council", "executive_board", "committee", "board", "company", "federation", "external"]


class AdminOrganOut(Schema):
    id: int
    organisation_id: int
    code: str
    name: str
    kind: OrganKind
    kind_label: str
    parent_id: int | None
    email: str
    active: bool

    @staticmethod
    def resolve_kind_label(obj: Organ) -> str:
        return str(obj.get_kind_display())


class OrganIn(Schema):
    name: str = Field(max_length=200)
    code: str = Field(max_length=20, description="Förkortning, unik i organisationen, t.ex. \"KS\".")
    kind: OrganKind
    parent: Id | None = Field(None, description="Det överordnade organets id.")
    email: str = Field("", max_length=254)
    active: bool = True


class OrganChangeIn(Schema):
    name: str = Field(None, max_length=200)
    code: str = Field(None, max_length=20)
    kind: OrganKind = None
    parent: Id | None = Field(None, description="Det överordnade organets id; null tar bort det.")
    email: str = Field(None, max_length=254)
    active: bool = None


def _parent(organisation, pk: int | None):
    """The parent organ named by id: one of the organisation's, else the client's error."""
    if pk is None:
        return None
    return referenced(lambda: selectors.organ_of(organisation=organisation, pk=pk), "parent")


@router.get("/organisations/{organisation_id}/organs", response={200: list[AdminOrganOut], **ERRORS}, auth=WRITE,
            url_name="admin_organ_list")
def admin_organ_list(request, organisation_id: Id):
    """Every organ of the organisation, inactive ones too (administrators only)."""
    organisation = access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    return selectors.organs_of(organisation=organisation)


@router.post("/organisations/{organisation_id}/organs", response={201: AdminOrganOut, **ERRORS}, auth=WRITE,
             url_name="admin_organ_create")
def admin_organ_create(request, organisation_id: Id, payload: OrganIn):
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    organ = services.organ_add(actor=user, organisation=organisation, name=payload.name, code=payload.code,
                               kind=payload.kind, parent=_parent(organisation, payload.parent),
                               email=payload.email, active=payload.active)
    return Status(201, organ)


@router.patch("/organisations/{organisation_id}/organs/{organ_id}", response={200: AdminOrganOut, **ERRORS},
              auth=WRITE, url_name="admin_organ_change")
def admin_organ_change(request, organisation_id: Id, organ_id: Id, payload: OrganChangeIn):
    """Change an organ; send only what changes. Null leaves a field as it is,
    except `parent`, where it removes the parent."""
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    organ = selectors.organ_of(organisation=organisation, pk=organ_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "parent"}
    if "parent" in changes:
        changes["parent"] = _parent(organisation, changes["parent"])
    return services.organ_update(actor=user, organ=organ, **changes)


@router.delete("/organisations/{organisation_id}/organs/{organ_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="admin_organ_delete")
def admin_organ_delete(request, organisation_id: Id, organ_id: Id):
    """Remove an organ nothing refers to; one in use is 409 (make it inactive instead)."""
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    services.organ_delete(actor=user, organ=selectors.organ_of(organisation=organisation, pk=organ_id))
    return Status(204, None)
