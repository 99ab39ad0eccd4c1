"""Reference lists (organs, people) and personal API tokens over JSON."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from diarium.core.api.auth import PUBLIC_READ, SESSION_ONLY, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id

from . import selectors, services
from .sites import site_organisation_id
from .models import Organ

router = Router(tags=["Organisation"])



class OrganOut(Schema):
    id: int
    organisation_id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None

    @staticmethod
    def resolve_kind_label(obj: Organ) -> str:
        return str(obj.get_kind_display())


class PersonOut(Schema):
    id: int
    organisation_id: int
    name: str
    title: str
    organ_id: int | None
    email: str | None = Field(description="Bara för personen själv och medarbetare i samma organisation.")
    phone: str | None = Field(description="Bara för personen själv och medarbetare i samma organisation.")


class ReferenceFilters(Schema):
    organisation: Id | None = None


class TokenIn(Schema):
    name: str = Field("", max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="Själva nyckeln. Visas bara nu; spara den.")


@router.get("/organs", response={200: list[OrganOut], **ERRORS}, auth=PUBLIC_READ, url_name="organ_list")
def organ_list(request, filters: Query[ReferenceFilters]):
    """Organs: council, boards, committees, companies and external organisations."""
    return selectors.organ_list(organisation=site_organisation_id(request, filters.organisation))


@router.get("/people", response={200: list[PersonOut], **ERRORS}, auth=PUBLIC_READ, url_name="person_list")
def person_list(request, filters: Query[ReferenceFilters]):
    """Officials by name and title. Contact details (e-mail, phone) only for the
    person themself and for staff of the person's own organisation."""
    return selectors.people_for(user=actor(request), organisation=site_organisation_id(request, filters.organisation))


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, auth=WRITE, url_name="token_list")
def token_list(request):
    """Your own API tokens, without their secret values."""
    return selectors.api_tokens_for(user=actor(request))


@router.post("/tokens", response={201: TokenCreated, **ERRORS}, auth=SESSION_ONLY, url_name="token_create")
def token_create(request, payload: TokenIn):
    """Create a token for the logged-in user (session login required). The token
    is shown in this response only."""
    token, raw = services.api_token_create(user=actor(request), name=payload.name.strip() or _("API-nyckel"))
    return Status(201, {"id": token.pk, "name": token.name, "prefix": token.prefix,
                        "created_at": token.created_at, "revoked_at": token.revoked_at, "token": raw})


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, auth=WRITE, url_name="token_revoke")
def token_revoke(request, token_id: Id):
    """Revoke one of your tokens; it stops working at once."""
    services.api_token_revoke(token=selectors.api_token_get(user=actor(request), pk=token_id))
    return Status(204, None)
