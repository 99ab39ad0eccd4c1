"""The inbox over JSON, for the organisation's registrars: list and read what
came in, upload an .eml/.msg, register a message or dismiss it; and the
function mailboxes, for its administrators (the password is never read back)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from diarium.accounts import access as accounts_access
from diarium.accounts import selectors as accounts_selectors
from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.core.errors import DomainError
from diarium.core.limits import PastIsoDate
from diarium.registry import selectors as registry_selectors

from . import selectors, services
from .models import NOTE_MAX, IntakeItem

router = Router(tags=["Inkorg"])


class AttachmentOut(Schema):
    index: int
    name: str
    content_type: str
    size: int
    problem: str = Field(description="Why the register does not take it as a file (\"\" when it does).")


class ItemOut(Schema):
    id: int
    state: Literal["new", "registered", "dismissed"]
    source: Literal["mailbox", "upload"]
    mailbox_id: int | None
    subject: str
    sender_name: str
    sender_address: str
    received_at: dt.datetime
    attachments: list[AttachmentOut]
    problems: list[str] = Field(description="What the registrar should know, in Swedish.")
    duplicate_of: int | None
    document_id: int | None
    dismissal: str
    handled_at: dt.datetime | None


class ItemDetailOut(ItemOut):
    body: str


class InboxFilters(Schema):
    state: Literal["new", "registered", "dismissed"] = "new"


class RegisterIn(Schema):
    case_id: Id | None = Field(None, description="Register on this case …")
    diary_number: str = Field("", max_length=60, description="… or on the case with this diary number, as typed …")
    organ_id: Id | None = Field(None, description="… or on a new case for this organ, titled `title`.")
    title: str = Field("", max_length=500)
    classification_id: Id | None = Field(None, description=(
        "The new case's classification: a process of the organisation's scheme, required when it has one in use."))
    description: str = Field(max_length=500)
    counterpart: str = Field(max_length=300)
    counterpart_kind: Literal["auto", "private", "legal"] = "auto"
    document_date: PastIsoDate
    document_type_id: Id | None = None
    attachments: list[int] = Field(default_factory=list, max_length=500,
                                   description="Indexes of the attachments that become files.")


class RegisteredOut(Schema):
    document_id: int
    reference: str
    case_id: int


class DismissIn(Schema):
    dismissal: Literal["not_public_record", "minor_importance", "spam", "duplicate", "other"]
    note: str = Field("", max_length=NOTE_MAX)


class MailboxIn(Schema):
    name: str = Field(max_length=200)
    host: str = Field(max_length=255)
    port: int = Field(993, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: str = Field(max_length=255)
    password: str = Field("", max_length=255, description="Write-only; empty keeps the stored one.")
    folder: str = Field("INBOX", max_length=255)
    done_folder: str = Field("", max_length=255)
    organ_id: Id | None = None
    active: bool = True


class MailboxChangeIn(Schema):
    name: str = Field(None, max_length=200)
    host: str = Field(None, max_length=255)
    port: int = Field(None, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = None
    username: str = Field(None, max_length=255)
    password: str = Field(None, max_length=255, description="Write-only; left out or empty keeps the stored one.")
    folder: str = Field(None, max_length=255)
    done_folder: str = Field(None, max_length=255)
    organ_id: Id | None = Field(None, description="null: no organ proposed for new cases.")
    active: bool = None


class MailboxOut(Schema):
    id: int
    name: str
    host: str
    port: int
    security: str
    username: str
    folder: str
    done_folder: str
    organ_id: int | None
    active: bool
    polled_at: dt.datetime | None
    poll_error: str


def _out(item: IntakeItem, *, body: bool = False) -> dict:
    row = {"id": item.pk, "state": item.state, "source": item.source, "mailbox_id": item.mailbox_id,
           "subject": item.subject, "sender_name": item.sender_name, "sender_address": item.sender_address,
           "received_at": item.received_at, "attachments": item.attachments,
           "problems": [note.text for note in selectors.problem_notes(item)], "duplicate_of": item.duplicate_of_id,
           "document_id": item.document_id, "dismissal": item.dismissal, "handled_at": item.handled_at}
    if body:
        row["body"] = item.body
    return row


def _mailbox_out(m) -> dict:
    return {"id": m.pk, "name": m.name, "host": m.host, "port": m.port, "security": m.security,
            "username": m.username, "folder": m.folder, "done_folder": m.done_folder, "organ_id": m.organ_id,
            "active": m.active, "polled_at": m.polled_at, "poll_error": m.poll_error}


@router.get("/organisations/{organisation_id}/intake", response={200: list[ItemOut], **ERRORS}, auth=WRITE,
            url_name="intake_list")
def intake_list(request, organisation_id: Id, filters: Query[InboxFilters]):
    """The organisation's inbox (at most 200, the newest first), for its registrars."""
    user = actor(request)
    return [_out(i) for i in selectors.inbox(user=user, organisation_id=organisation_id, state=filters.state)]


@router.post("/organisations/{organisation_id}/intake", response={201: ItemDetailOut, **ERRORS}, auth=WRITE,
             url_name="intake_upload")
def intake_upload(request, organisation_id: Id, file: File[UploadedFile]):
    """Put an e-mail saved as a file (.eml, or .msg from Outlook) in the inbox (multipart/form-data)."""
    item = services.message_upload(actor=actor(request), organisation_id=organisation_id, upload=file)
    return Status(201, _out(item, body=True))


@router.get("/intake/{item_id}", response={200: ItemDetailOut, **ERRORS}, auth=WRITE, url_name="intake_detail")
def intake_detail(request, item_id: Id):
    return _out(selectors.item_get(user=actor(request), pk=item_id), body=True)


@router.post("/intake/{item_id}/register", response={201: RegisteredOut, **ERRORS}, auth=WRITE,
             url_name="intake_register")
def intake_register(request, item_id: Id, payload: RegisterIn):
    """Register the message as an incoming document received by e-mail, on a case or a new case."""
    user = actor(request)
    item = selectors.item_get(user=user, pk=item_id)
    case = None
    if payload.case_id is not None:
        case = registry_selectors.case_by_number(organisation_id=item.organisation_id, pk=payload.case_id)
        if case is None:
            raise DomainError(_("Ärendet finns inte."), field="case_id")
    elif payload.diary_number.strip():
        case = registry_selectors.case_by_number(organisation_id=item.organisation_id, text=payload.diary_number)
        if case is None:
            raise DomainError(_("Inget ärende med diarienumret %(number)s finns.")
                              % {"number": payload.diary_number.strip()}, field="diary_number")
    organ = None if case is not None else accounts_selectors.organ_referenced(
        payload.organ_id, field="organ_id", organisation_id=item.organisation_id)
    document = services.item_register(
        actor=user, item=item, case=case, organ=organ, title=payload.title, description=payload.description,
        counterpart=payload.counterpart, counterpart_kind=payload.counterpart_kind,
        document_date=payload.document_date, attachments=payload.attachments,
        document_type=registry_selectors.document_type_referenced(pk=payload.document_type_id,
                                                                  field="document_type_id"),
        classification=None if case is not None else registry_selectors.classification_referenced(
            pk=payload.classification_id, field="classification_id"))
    return Status(201, {"document_id": document.pk, "reference": document.reference, "case_id": document.case_id})


@router.post("/intake/{item_id}/dismiss", response={200: ItemOut, **ERRORS}, auth=WRITE, url_name="intake_dismiss")
def intake_dismiss(request, item_id: Id, payload: DismissIn):
    """Record that the message is not registered, why and by whom."""
    user = actor(request)
    item = services.item_dismiss(actor=user, item=selectors.item_get(user=user, pk=item_id), **payload.dict())
    return _out(item)


@router.get("/organisations/{organisation_id}/mailboxes", response={200: list[MailboxOut], **ERRORS}, auth=WRITE,
            url_name="mailbox_list")
def mailbox_list(request, organisation_id: Id):
    return [_mailbox_out(m) for m in selectors.mailboxes(user=actor(request), organisation_id=organisation_id)]


@router.post("/organisations/{organisation_id}/mailboxes", response={201: MailboxOut, **ERRORS}, auth=WRITE,
             url_name="mailbox_create")
def mailbox_create(request, organisation_id: Id, payload: MailboxIn):
    """Add a function mailbox the worker reads (administrators)."""
    # Who first: another organisation's administrator is refused before the body is looked at.
    accounts_access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    values = payload.dict()
    organ = accounts_selectors.organ_referenced(values.pop("organ_id"), field="organ_id",
                                                organisation_id=organisation_id)
    mailbox = services.mailbox_save(actor=actor(request), organisation_id=organisation_id, organ=organ, **values)
    return Status(201, _mailbox_out(mailbox))


@router.patch("/organisations/{organisation_id}/mailboxes/{mailbox_id}", response={200: MailboxOut, **ERRORS},
              auth=WRITE, url_name="mailbox_change")
def mailbox_change(request, organisation_id: Id, mailbox_id: Id, payload: MailboxChangeIn):
    """Change a function mailbox (administrators); send only what changes. The
    password is write-only: left out, the stored one is kept."""
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    mailbox = selectors.mailbox_of(organisation=organisation, pk=mailbox_id)
    sent = payload.dict(exclude_unset=True)
    values = {field: sent[field] if sent.get(field) is not None else getattr(mailbox, field)
              for field in services.MAILBOX_FIELDS}
    organ = mailbox.organ
    if "organ_id" in sent:
        organ = accounts_selectors.organ_referenced(sent["organ_id"], field="organ_id",
                                                    organisation_id=organisation.pk)
    mailbox = services.mailbox_save(actor=user, organisation_id=organisation.pk, mailbox=mailbox, organ=organ,
                                    password=sent.get("password") or "", **values)
    return _mailbox_out(mailbox)
