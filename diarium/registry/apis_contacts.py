"""The contact register over JSON: for the organisation's staff only (a person
in it is a private person unless the registrar says otherwise)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id

from . import selectors, services

router = Router(tags=["Diarium"])


class ContactIn(Schema):
    kind: Literal["person", "organisation"] = "person"
    name: str = Field(max_length=300)
    is_private: bool = Field(True, description="A person is a private person unless false (one acting for a firm).")
    org_number: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=300)


class ContactOut(ContactIn):
    id: int


class ContactFilters(Schema):
    q: str = Field("", max_length=100, description="Part of a name, an e-mail address or an organisation number.")


def _out(c) -> dict:
    return {"id": c.pk, "kind": c.kind, "name": c.name, "is_private": c.is_private, "org_number": c.org_number,
            "email": c.email, "phone": c.phone, "address": c.address}


@router.get("/organisations/{organisation_id}/contacts", response={200: list[ContactOut], **ERRORS}, auth=WRITE,
            url_name="contact_list")
def contact_list(request, organisation_id: Id, filters: Query[ContactFilters]):
    """The organisation's contacts (at most 100), for its staff."""
    return [_out(c) for c in selectors.contacts(user=actor(request), organisation_id=organisation_id, q=filters.q)]


@router.post("/organisations/{organisation_id}/contacts", response={201: ContactOut, **ERRORS}, auth=WRITE,
             url_name="contact_create")
def contact_create(request, organisation_id: Id, payload: ContactIn):
    """Add a contact: a person (private unless said otherwise) or an organisation."""
    contact = services.contact_save(actor=actor(request), organisation_id=organisation_id, **payload.dict())
    return Status(201, _out(contact))


@router.put("/organisations/{organisation_id}/contacts/{contact_id}", response={200: ContactOut, **ERRORS},
            auth=WRITE, url_name="contact_update")
def contact_update(request, organisation_id: Id, contact_id: Id, payload: ContactIn):
    user = actor(request)
    contact = selectors.contact_get(user=user, organisation_id=organisation_id, pk=contact_id)
    return _out(services.contact_save(actor=user, organisation_id=organisation_id, contact=contact, **payload.dict()))
