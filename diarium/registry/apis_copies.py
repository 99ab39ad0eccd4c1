"""Requests for public documents ("Begär ut handlingen") over JSON: thin over
services/copies.py, services/copy_decisions.py and selectors/copies.py, the
same functions as the form under /handlingar/<id>/begar-ut/ and the staff's
pages under /utlamnanden/.

Anyone may ask, anonymously (TF 2 kap. 18 §), at most
DIARIUM_COPY_REQUEST_LIMIT times an hour from one client address, counted
together with the web form (429). The request is registered with the time it
is to be decided by, the registrar is told, and staff who may read the case's
internal data list the requests with the requester's details, give them to an
officer (registrar, administrator) and decide them (registrar, administrator,
case officer): released, released in part (a redacted copy of the PDF) or
refused by a written decision with its legal ground and how to appeal."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from diarium.core import ratelimit
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id, Offset
from diarium.core.errors import TooManyRequests

from . import redaction, selectors, services
from .files import file_response
from .models import COPY_REASONING_MAX, SECRECY_GROUND_MAX

router = Router(tags=["Diarium"])

MAX_PAGE = 100

# The copy's content type is its file's (a PDF, or the document's own file type): not one documented type.
FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "Kopian som den som begärt handlingen får, som fil (Content-Disposition: attachment): "
                           "handlingens fil, eller vid delvis utlämnande den maskerade PDF-filen.",
        },
    },
}


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


class AssigneeOut(Schema):
    id: int
    name: str


class CopyRequestOut(Schema):
    id: int = Field(description="Begärans id.")
    at: dt.datetime = Field(description="När begäran kom in.")
    case_id: int
    diary_number: str
    document_id: int
    reference: str
    channel: Literal["web", "email", "phone", "visit", "letter"] = Field(description="Hur begäran kom in.")
    name: str = Field(description="Tomt när den som begär är anonym.")
    contact: str
    format: str
    format_label: str
    message: str
    document_secret: bool = Field(description="Om handlingen var sekretessmarkerad när begäran kom in.")
    status: Literal["received", "assigned", "decided"]
    due_at: dt.datetime = Field(description="När begäran ska vara avgjord (skyndsamt: slutet av en arbetsdag "
                                            "efter att den kom in, om inget annat är inställt).")
    overdue: bool = Field(description="Inte avgjord fast tiden har gått ut.")
    assigned_to: AssigneeOut | None
    outcome: Literal["", "released", "partial", "refused"] = Field(
        description="Tomt tills begäran är avgjord: lämnas ut (released), lämnas ut delvis (partial), avslås "
                    "(refused).")
    outcome_label: str
    legal_ground: str
    decided_at: dt.datetime | None
    decision_document_id: int | None = Field(description="Det skriftliga beslutet, diariefört i ärendet.")
    decision_reference: str
    has_copy: bool = Field(description="Om det finns en kopia att hämta (GET /copy-requests/{id}/copy).")
    delivery: Literal["", "email", "post", "pickup"] = Field(
        description="Hur svaret når den som begärt handlingen: e-post, post, eller hämtas.")
    sent_at: dt.datetime | None


class CopyRequestPage(Schema):
    count: int
    items: list[CopyRequestOut]


class CopyRequestFilters(Schema):
    organisation: Id | None = Field(None, description="Organisationens id.")
    case: Id | None = Field(None, description="Ärendets id.")
    status: Literal["open", "decided"] | None = Field(None, description="Bara oavgjorda (open) eller avgjorda.")
    limit: int = Field(25, ge=1, le=MAX_PAGE)
    offset: Offset = 0


class CopyRequestAssignIn(Schema):
    person: Id = Field(description="Personen (handläggaren) i organisationen som ska handlägga begäran.")


Phrase = Annotated[str, Field(max_length=redaction.PHRASE_MAX)]


class CopyRequestDecideIn(Schema):
    outcome: Literal["released", "partial", "refused"] = Field(
        description="Lämnas ut (released), lämnas ut delvis (partial) eller avslås (refused).")
    legal_ground: str = Field("", max_length=SECRECY_GROUND_MAX, description=(
        "Lagrum, t.ex. \"OSL 21 kap. 7 §\"; krävs för partial och refused."))
    reasoning: str = Field("", max_length=COPY_REASONING_MAX, description="Motivering i det skriftliga beslutet.")
    phrases: list[Phrase] = Field([], max_length=redaction.PHRASES_MAX, description=(
        "Vid partial: ord eller uttryck som tas bort ur PDF-filens text, varje förekomst, oavsett stora och små "
        "bokstäver."))
    pages: list[Id] = Field([], max_length=10_000, description="Vid partial: sidor (från 1) som inte lämnas ut.")


@router.post("/documents/{document_id}/copy-requests", response={201: CopyRequestReceiptOut,
                                                                  **ERRORS},
             auth=PUBLIC_READ, url_name="document_copy_request")
def document_copy_request(request, document_id: Id, payload: CopyRequestIn):
    """Ask for a copy of a document, anonymously if one likes. Secret documents
    too: the secrecy is assessed when the request is decided."""
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
    """Requests for public documents, newest first, with the requester's
    details, status and due time: only of the cases where you may read
    internal data (as in the case history). Someone who may read internal
    data nowhere gets 403."""
    qs = selectors.copy_request_list(user=actor(request), organisation=filters.organisation, case=filters.case,
                                     status=filters.status)
    rows = list(qs[filters.offset: filters.offset + filters.limit])
    count = len(rows) if filters.offset == 0 and len(rows) < filters.limit else qs.count()
    return {"count": count, "items": selectors.copy_request_entries(rows)}


@router.get("/copy-requests/{request_id}", response={200: CopyRequestOut, **ERRORS}, auth=WRITE,
            url_name="copy_request_detail")
def copy_request_detail(request, request_id: Id):
    """One request, for staff who may read its case's internal data."""
    return selectors.copy_request_entry(selectors.copy_request_get(actor(request), request_id))


@router.post("/copy-requests/{request_id}/assign", response={200: CopyRequestOut, **ERRORS}, auth=WRITE,
             url_name="copy_request_assign")
def copy_request_assign(request, request_id: Id, payload: CopyRequestAssignIn):
    """Give the request to an officer (the registrar or an administrator of the case's organ)."""
    user = actor(request)
    copy_request = selectors.copy_request_get(user, request_id)
    person = selectors.person_referenced(pk=payload.person)
    services.copy_request_assign(actor=user, request=copy_request, person=person)
    return selectors.copy_request_entry(selectors.copy_request_get(user, request_id))


@router.post("/copy-requests/{request_id}/decide", response={200: CopyRequestOut, **ERRORS}, auth=WRITE,
             url_name="copy_request_decide")
def copy_request_decide(request, request_id: Id, payload: CopyRequestDecideIn):
    """Decide the request (the registrar, an administrator or a case officer of
    the case's organ). A refusal, or a release in part, needs a legal ground
    and is drawn up as a written decision with how to appeal, registered on the
    case; a release in part removes the phrases and pages from the document's
    PDF. The answer goes to the requester by e-mail when the contact is an
    e-mail address. Every error at once, per field; nothing is saved then."""
    user = actor(request)
    copy_request = selectors.copy_request_get(user, request_id)
    services.copy_request_decide(actor=user, request=copy_request, outcome=payload.outcome,
                                 legal_ground=payload.legal_ground, reasoning=payload.reasoning,
                                 phrases=payload.phrases, pages=payload.pages)
    return selectors.copy_request_entry(selectors.copy_request_get(user, request_id))


@router.post("/copy-requests/{request_id}/sent", response={200: CopyRequestOut, **ERRORS}, auth=WRITE,
             url_name="copy_request_sent")
def copy_request_sent(request, request_id: Id):
    """Record that the answer to a decided request has been posted or fetched
    (an e-mailed answer is recorded when it is sent)."""
    user = actor(request)
    services.copy_request_mark_sent(actor=user, request=selectors.copy_request_get(user, request_id))
    return selectors.copy_request_entry(selectors.copy_request_get(user, request_id))


@router.get("/copy-requests/{request_id}/copy", response={200: None, **ERRORS}, auth=WRITE,
            url_name="copy_request_copy", openapi_extra=FILE_RESPONSE)
def copy_request_copy(request, request_id: Id):
    """The copy made for the requester, for staff who may read the case's secret documents."""
    user = actor(request)
    blob, filename = selectors.copy_request_copy(user, selectors.copy_request_get(user, request_id))
    return file_response(blob, filename)

