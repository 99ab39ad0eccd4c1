"""Requests for copies of public documents ("Begär ut handlingen") over JSON:
thin over services.copy_request_record and selectors.copy_request_list, the
same functions as the form under /handlingar/<id>/begar-ut/.

Anyone may ask, anonymously (TF 2 kap. 18 §), at most
DIARIUM_COPY_REQUEST_LIMIT times an hour from one client address, counted
together with the web form (429). The request goes to the registrar and into
the case history; staff who may read the case's internal data list them with
the requester's details. Handling them (answering, a secrecy assessment) is not
part of Diarium yet: today a request is recorded, not worked through."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id, Offset
from diarium.core import ratelimit
from diarium.core.errors import TooManyRequests

from . import selectors, services

router = Router(tags=["Diarium"])

MAX_PAGE = 100


class CopyRequestIn(Schema):
    format: Literal["paper", "email"] = Field(description="Papperskopia med post (paper) eller kopia med e-post "
                                                          "(email).")
    name: str = Field("", max_length=services.COPY_NAME_MAX, description="Frivilligt: du får vara anonym.")
    contact: str = Field("", max_length=services.COPY_CONTACT_MAX, description=(
        "E-postadress (krävs för e-post) eller postadress; frivilligt för papperskopia."))
    message: str = Field("", max_length=services.COPY_MESSAGE_MAX, description="Frivilligt meddelande.")


class CopyRequestReceiptOut(Schema):
    document_id: int
    reference: str = Field(description="Handlingens nummer, t.ex. \"KS 2018/12-3\".")
    at: dt.datetime
    format: Literal["paper", "email"]
    has_contact: bool
    detail: str


class CopyRequestOut(Schema):
    id: int
    at: dt.datetime
    case_id: int
    diary_number: str
    document_id: int | None
    reference: str
    name: str = Field(description="Tomt när den som begär är anonym.")
    contact: str
    format: str
    format_label: str
    message: str
    document_secret: bool = Field(description="Om handlingen var sekretessmarkerad när begäran kom in.")


class CopyRequestPage(Schema):
    count: int
    items: list[CopyRequestOut]


class CopyRequestFilters(Schema):
    organisation: Id | None = Field(None, description="Organisationens id.")
    case: Id | None = Field(None, description="Ärendets id.")
    limit: int = Field(25, ge=1, le=MAX_PAGE)
    offset: Offset = 0


@router.post("/documents/{document_id}/copy-requests", response={201: CopyRequestReceiptOut,
                                                                  **ERRORS},
             auth=PUBLIC_READ, url_name="document_copy_request")
def document_copy_request(request, document_id: Id, payload: CopyRequestIn):
    """Ask for a copy of a document, anonymously if one likes. Secret documents
    too: the secrecy is assessed when the request is handled."""
    document = selectors.document_for_write(pk=document_id)
    if not services.copy_request_allowed(client=ratelimit.client_address(request)):
        raise TooManyRequests(_("Många begäranden har skickats från din anslutning den senaste timmen. "
                                "Försök igen senare eller kontakta registraturen direkt."))
    event = services.copy_request_record(document=document, name=payload.name, contact=payload.contact,
                                         format=payload.format, message=payload.message)
    return Status(201, {
        "document_id": document.pk, "reference": event.data["reference"], "at": event.at, "format": payload.format,
        "has_contact": bool(event.data["request"]["contact"]),
        "detail": _("Din begäran har skickats till registraturen."),
    })


@router.get("/copy-requests", response={200: CopyRequestPage, **ERRORS}, auth=WRITE, url_name="copy_request_list")
def copy_request_list(request, filters: Query[CopyRequestFilters]):
    """Requests for copies, newest first, with the requester's details: only of
    the cases where you may read internal data (as in the case history). Someone
    who may read internal data nowhere gets 403."""
    qs = selectors.copy_request_list(user=actor(request), organisation=filters.organisation, case=filters.case)
    events = list(qs[filters.offset: filters.offset + filters.limit])
    count = len(events) if filters.offset == 0 and len(events) < filters.limit else qs.count()
    return {"count": count, "items": selectors.copy_request_entries(events)}
