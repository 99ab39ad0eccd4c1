"""Writes of the intake: taking messages in (from a mailbox, or an uploaded
.eml/.msg file), registering one as a document (on a new case or an existing
one), or recording that it is not to be registered, and filing handled
messages away in their mailbox.

A message is never lost or taken twice: the worker keeps, in one transaction
with the message it took, the highest IMAP UID it has taken, and a message
already taken under its UID is not taken again; the message stays in the
mailbox until it is registered or dismissed. A crash mid-message rolls that
message back and the next poll takes it again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, PermissionDenied, ServiceUnavailable
from diarium.core.limits import length_errors, max_upload_bytes
from diarium.registry import files as file_store
from diarium.registry import services as registry
from diarium.registry.models import Case, Classification, Document, DocumentType, PartyKind, ReceivedVia

from . import access, imap, parsing
from .events import IntakeEvent
from .models import NOTE_MAX, IntakeItem, Mailbox

MESSAGE_TYPE = "message/rfc822"
MSG_TYPE = "application/vnd.ms-outlook"
LEASE = dt.timedelta(minutes=10)
FETCH_BYTES = 20 * 1024 * 1024  # message bodies fetched in one round trip, at most


def max_message_bytes() -> int:
    """DIARIUM_INTAKE_MAX_MESSAGE_BYTES: the largest message taken in (the upload
    limit by default); a larger one is listed, and left in its mailbox."""
    from django.conf import settings

    return int(getattr(settings, "DIARIUM_INTAKE_MAX_MESSAGE_BYTES", max_upload_bytes()))


def _require(actor, organisation_id: int) -> None:
    if not access.can_handle_intake(actor, organisation_id):
        raise PermissionDenied(_("Du har inte behörighet att hantera organisationens inkorg."))


# --- taking messages in -------------------------------------------------------------------------
def message_take(*, organisation_id: int, raw: bytes | None, source: str, mailbox: Mailbox | None = None,
                 uid_validity: int | None = None, uid: int | None = None, arrived: dt.datetime | None = None,
                 size: int | None = None, headers: bytes | None = None, original: bytes | None = None,
                 original_name: str = "", uploaded_by=None, now: dt.datetime | None = None) -> IntakeItem | None:
    """Keep one message in the inbox (None when this mailbox's message was taken
    before). `raw` None: the message is over the size limit and only its
    `headers` are read; it stays in the mailbox for the registrar to handle there."""
    now = now or timezone.now()
    parsed = parsing.parse(raw if raw is not None else (headers or b""))
    if raw is None:
        parsed.attachments = []
        parsed.body = ""
        parsed.note(parsing.TOO_LARGE, size=size or 0, limit=max_message_bytes())
    received = min(arrived or parsed.sent_at or now, now)  # a sender's clock ahead of ours is not believed

    def write(written: list[str]) -> IntakeItem | None:
        if mailbox is not None and IntakeItem.objects.filter(mailbox=mailbox, uid_validity=uid_validity,
                                                             uid=uid).exists():
            return None  # taken before a crash that came before the mark: not twice
        message = original_blob = None
        if raw is not None:
            sha = hashlib.sha256(raw).hexdigest()
            if mailbox is not None and IntakeItem.objects.filter(mailbox=mailbox, eml__sha256=sha).exclude(
                    uid_validity=uid_validity).exists():
                _mark(mailbox, uid)  # the very same message under a rebuilt folder's new UID: taken already
                return None
            message = file_store.blob_store(
                file_store.checked_content(parsing.message_filename(parsed.subject), raw, MESSAGE_TYPE),
                written=written)
        if original is not None:
            original_blob = file_store.blob_store(
                file_store.checked_content(original_name, original, MSG_TYPE), written=written)
        duplicate_of = (IntakeItem.objects.filter(organisation_id=organisation_id, message_id=parsed.message_id)
                        .order_by("pk").first() if parsed.message_id else None)
        item = IntakeItem.objects.create(
            organisation_id=organisation_id, source=source, mailbox=mailbox, uid_validity=uid_validity, uid=uid,
            eml=message, original=original_blob,
            filename=original_name or parsing.message_filename(parsed.subject),
            size=size if size is not None else len(raw or b""), message_id=parsed.message_id,
            sender_name=parsed.sender_name, sender_address=parsed.sender_address, subject=parsed.subject,
            received_at=received, taken_at=now, body=parsed.body,
            attachments=[attachment.summary() for attachment in parsed.attachments], problems=parsed.problems,
            duplicate_of=duplicate_of, uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False)
            else None,
        )
        if mailbox is not None:
            _mark(mailbox, uid)
        return item

    return registry.with_file_cleanup(write)


def _mark(mailbox: Mailbox, uid: int) -> None:
    """Reading has come to `uid`: written with the message taken, in its transaction."""
    Mailbox.objects.filter(pk=mailbox.pk, last_uid__lt=uid).update(last_uid=uid)


def message_upload(*, actor, organisation_id: int, upload, now: dt.datetime | None = None) -> IntakeItem:
    """Put an e-mail saved as a file (.eml, or Outlook's .msg) in the inbox."""
    _require(actor, organisation_id)
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    too_large = DomainError(_("Filen %(name)s är för stor (högst %(limit)s).")
                            % {"name": name, "limit": filesizeformat(max_message_bytes())}, field="file")
    if (getattr(upload, "size", None) or 0) > max_message_bytes():  # known before reading it
        raise too_large
    upload.seek(0)
    data = upload.read(max_message_bytes() + 1)
    if not data:
        raise DomainError(_("Filen %(name)s är tom.") % {"name": name or "?"}, field="file")
    if len(data) > max_message_bytes():
        raise too_large
    from . import msg

    original = None
    if data.startswith(msg.OLE_SIGNATURE):  # an Outlook message, or says why it cannot be read
        try:
            raw = msg.msg_to_email(data, max_bytes=max_message_bytes()).as_bytes()
        except msg.MsgError as exc:
            raise DomainError(str(exc), field="file") from exc
        original = data
    elif parsing.looks_like_message(data):
        raw = data
    else:
        raise DomainError(_("Filen %(name)s är inte ett e-postmeddelande. Ladda upp ett meddelande som sparats "
                            "som .eml eller från Outlook som .msg.") % {"name": name or "?"}, field="file")
    return message_take(organisation_id=organisation_id, raw=raw, source=IntakeItem.Source.UPLOAD,
                        original=original, original_name=name if original is not None else "",
                        uploaded_by=actor, now=now)


# --- reading a mailbox -----------------------------------------------------------------------
@dataclasses.dataclass
class PollResult:
    taken: int = 0
    filed_away: int = 0
    error: str = ""
    skipped: bool = False  # another worker holds the mailbox


def mailbox_poll(mailbox_id: int, *, now: dt.datetime | None = None) -> PollResult:
    """Take in the mailbox's new messages and file away the handled ones.
    One worker at a time holds a mailbox (a lease, given back when done or
    run out after LEASE); a failure is kept on the mailbox for the registrar."""
    now = now or timezone.now()
    claimed = Mailbox.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now), pk=mailbox_id,
                                     active=True).update(lease_until=now + LEASE)
    if not claimed:
        return PollResult(skipped=True)
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    result = PollResult()
    try:
        with imap.connected(mailbox) as client:
            validity = imap.folder_select(client, mailbox, mailbox.folder)
            if mailbox.uid_validity != validity:  # a new folder, or one rebuilt: read it from the start
                Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=validity, last_uid=0)
                mailbox.uid_validity, mailbox.last_uid = validity, 0
            result.taken = _take_new(client, mailbox, validity)
            result.filed_away = _file_away(client, mailbox, validity)
    except (imap.MailboxUnavailable, ServiceUnavailable) as exc:
        # The file store refusing a message: that message was not taken (its transaction
        # rolled back, the mailbox's mark not moved), so the next poll takes it again.
        result.error = exc.message
    Mailbox.objects.filter(pk=mailbox.pk).update(
        lease_until=None, polled_at=timezone.now(), poll_error=result.error,
        **({"poll_error_at": timezone.now()} if result.error else {}))
    return result


def _take_new(client, mailbox: Mailbox, validity: int) -> int:
    uids = imap.uids_after(client, mailbox.last_uid)
    limit = max_message_bytes()
    taken = 0
    for start in range(0, len(uids), 200):
        chunk = uids[start:start + 200]
        meta = client.fetch(chunk, ["RFC822.SIZE", "INTERNALDATE"])
        batch: list[int] = []
        batch_bytes = 0
        for uid in chunk:
            size = int(meta.get(uid, {}).get(b"RFC822.SIZE", 0))
            if size > limit:
                taken += _take_batch(client, mailbox, validity, batch, meta)
                batch, batch_bytes = [], 0
                headers = client.fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid, {}).get(b"BODY[HEADER]", b"")
                taken += message_take(organisation_id=mailbox.organisation_id, raw=None, headers=headers,
                                      size=size, source=IntakeItem.Source.MAILBOX, mailbox=mailbox,
                                      uid_validity=validity, uid=uid,
                                      arrived=meta[uid].get(b"INTERNALDATE")) is not None
                continue
            if batch and batch_bytes + size > FETCH_BYTES:
                taken += _take_batch(client, mailbox, validity, batch, meta)
                batch, batch_bytes = [], 0
            batch.append(uid)
            batch_bytes += size
        taken += _take_batch(client, mailbox, validity, batch, meta)
        Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=timezone.now() + LEASE)
    return taken


def _take_batch(client, mailbox: Mailbox, validity: int, uids: list[int], meta) -> int:
    if not uids:
        return 0
    bodies = client.fetch(uids, ["BODY.PEEK[]"])
    taken = 0
    for uid in uids:
        raw = bodies.get(uid, {}).get(b"BODY[]")
        if raw is None:
            continue  # gone from the mailbox between the search and the fetch
        taken += message_take(organisation_id=mailbox.organisation_id, raw=raw, source=IntakeItem.Source.MAILBOX,
                              mailbox=mailbox, uid_validity=validity, uid=uid,
                              arrived=meta.get(uid, {}).get(b"INTERNALDATE")) is not None
    return taken


def _file_away(client, mailbox: Mailbox, validity: int) -> int:
    rows = list(IntakeItem.objects.filter(mailbox=mailbox, uid_validity=validity, filed_away_at__isnull=True)
                .exclude(state=IntakeItem.State.NEW).values_list("pk", "uid"))
    if not rows:
        return 0
    imap.file_away(client, [uid for _, uid in rows], mailbox.done_folder)
    IntakeItem.objects.filter(pk__in=[pk for pk, _ in rows]).update(filed_away_at=timezone.now())
    return len(rows)


def mailboxes_poll(*, now: dt.datetime | None = None) -> dict[int, PollResult]:
    """Poll every active mailbox (the worker's periodic job)."""
    return {pk: mailbox_poll(pk, now=now) for pk in Mailbox.objects.filter(active=True).values_list("pk", flat=True)}


# --- handling a message -------------------------------------------------------------------------
def _locked_new(item: IntakeItem) -> IntakeItem:
    locked = IntakeItem.objects.select_for_update().get(pk=item.pk)
    if locked.state != IntakeItem.State.NEW:
        who = locked.handled_by.get_full_name() or locked.handled_by.get_username() if locked.handled_by else "?"
        raise DomainError(_("Meddelandet är redan hanterat av %(who)s %(when)s.")
                          % {"who": who, "when": timezone.localtime(locked.handled_at).strftime("%Y-%m-%d %H:%M")})
    return locked


def register_errors(*, item: IntakeItem, case: Case | None, organ, title: str, attachments: Sequence[int],
                    classification: Classification | None = None, **document_fields) -> dict[str, list[str]]:
    """Every problem with registering the message as asked, at once."""
    errors = registry.document_errors(direction=Document.Direction.INCOMING, received_via=ReceivedVia.EMAIL,
                                      **document_fields)
    if item.eml_id is None:
        errors.setdefault("__all__", []).append(str(_(
            "Meddelandet är för stort för att tas in i diariet härifrån. Det ligger kvar i brevlådan; spara "
            "det och dess bilagor och registrera dem som en vanlig handling, och markera sedan meddelandet "
            "här som hanterat.")))
    if case is None:
        if organ is None:
            errors["organ"] = [_("Välj vilket organ det nya ärendet hör till.")]
        if not (title or "").strip():
            errors["title"] = [registry.case_title_missing()]
        errors.update(length_errors({"title": ((title or "").strip(), 500)}))
        wrong_class = registry.case_classification_errors(organisation_id=item.organisation_id,
                                                          classification=classification)
        if wrong_class:
            errors["classification"] = wrong_class
    elif case.organisation_id != item.organisation_id:
        errors["case"] = [_("Ärendet hör till en annan organisation.")]
    known = {row["index"]: row for row in item.attachments}
    for index in attachments:
        row = known.get(index)
        if row is None:
            errors.setdefault("attachments", []).append(_("Bilagan finns inte i meddelandet."))
        elif row.get("problem"):
            errors.setdefault("attachments", []).append(
                _("Bilagan %(name)s kan inte registreras som fil: %(problem)s")
                % {"name": row["name"], "problem": row["problem"]})
    return errors


def item_register(*, actor, item: IntakeItem, description: str, counterpart: str, document_date: dt.date,
                  counterpart_kind: str = PartyKind.AUTO, document_type: DocumentType | None = None,
                  case: Case | None = None, organ=None, title: str = "", attachments: Sequence[int] = (),
                  classification: Classification | None = None, now: dt.datetime | None = None) -> Document:
    """Register the message as an incoming document (received by e-mail): on
    `case`, or on a new case for `organ` titled `title` and classified with
    `classification` (required where the organisation has a scheme in use). Its files are the
    message as it came (.eml; an uploaded .msg too) and the chosen attachments.
    Nothing is written unless all of it is."""
    _require(actor, item.organisation_id)
    attachments = sorted(set(attachments))
    fields = {"description": description, "counterpart": counterpart, "document_date": document_date,
              "counterpart_kind": counterpart_kind}
    errors = register_errors(item=item, case=case, organ=organ, title=title, attachments=attachments,
                             classification=classification, **fields)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    now = now or timezone.now()
    with file_store.blob_open(item.eml) as fh:
        raw = fh.read()
    from . import selectors

    files = [file_store.checked_content(selectors.eml_filename(item), raw, MESSAGE_TYPE)]
    if item.original_id is not None:
        with file_store.blob_open(item.original) as fh:
            files.append(file_store.checked_content(item.filename, fh.read(), MSG_TYPE))
    chosen = {a.index: a for a in parsing.parse(raw).attachments if a.index in attachments}
    files += [SimpleUploadedFile(chosen[i].name, chosen[i].data) for i in attachments if i in chosen]
    with transaction.atomic():
        locked = _locked_new(item)
        if case is None:
            case = registry.case_register(actor=actor, organ=organ, title=title, registered_at=now,
                                          classification=classification)
        document = registry.document_register(
            actor=actor, case=case, direction=Document.Direction.INCOMING, received_via=ReceivedVia.EMAIL,
            document_type=document_type, files=files, registered_at=now, **fields)
        registry.event_append(case=case, document=document, kind=IntakeEvent.INTAKE_REGISTERED, actor=actor, at=now,
                              data={"number": document.number, "source": locked.source,
                                    "attachments": len(attachments)})
        IntakeItem.objects.filter(pk=locked.pk).update(state=IntakeItem.State.REGISTERED, document=document,
                                                       handled_by=actor, handled_at=now)
    return document


def item_dismiss(*, actor, item: IntakeItem, dismissal: str, note: str = "",
                 now: dt.datetime | None = None) -> IntakeItem:
    """Record that the message is not registered, why and by whom (the register's history keeps it too)."""
    _require(actor, item.organisation_id)
    note = " ".join((note or "").split())
    errors: dict[str, list[str]] = {}
    if dismissal not in IntakeItem.Dismissal.values:
        errors["dismissal"] = [_("Välj varför meddelandet inte registreras.")]
    elif dismissal == IntakeItem.Dismissal.OTHER and not note:
        errors["note"] = [_("Skriv skälet till att meddelandet inte registreras.")]
    errors.update(length_errors({"note": (note, NOTE_MAX)}))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_new(item)
        IntakeItem.objects.filter(pk=locked.pk).update(state=IntakeItem.State.DISMISSED, dismissal=dismissal,
                                                       note=note, handled_by=actor, handled_at=now)
        registry.event_append(case=None, organisation_id=locked.organisation_id, kind=IntakeEvent.INTAKE_DISMISSED,
                              actor=actor, at=now, data={"item": locked.pk, "dismissal": dismissal})
    locked.refresh_from_db()
    return locked


# --- mailboxes ---------------------------------------------------------------------------------
MAILBOX_FIELDS = ("name", "host", "port", "security", "username", "folder", "done_folder", "active")


def _mailbox_state(mailbox: Mailbox) -> dict:
    """A mailbox's settings as the administration's history records them (never its password)."""
    state = {field: getattr(mailbox, field) for field in MAILBOX_FIELDS}
    state["organ"] = mailbox.organ.code if mailbox.organ_id else ""
    return state


@transaction.atomic
def mailbox_save(*, actor, organisation_id: int, name: str, host: str, username: str, password: str = "",
                 port: int = 993, security: str = Mailbox.Security.SSL, folder: str = "INBOX", done_folder: str = "",
                 organ=None, active: bool = True, mailbox: Mailbox | None = None) -> Mailbox:
    """Add a function mailbox, or change one (an empty password keeps the one stored)."""
    if not access.can_keep_mailboxes(actor, organisation_id):
        raise PermissionDenied(_("Du har inte behörighet att ändra organisationens funktionsbrevlådor."))
    values = {"name": " ".join((name or "").split()), "host": (host or "").strip(),
              "username": (username or "").strip(), "folder": (folder or "").strip() or "INBOX",
              "done_folder": (done_folder or "").strip()}
    errors: dict[str, list[str]] = {}
    for field, message in (("name", _("Ange brevlådans namn.")), ("host", _("Ange IMAP-serverns namn.")),
                           ("username", _("Ange användarnamnet."))):
        if not values[field]:
            errors[field] = [message]
    if security not in Mailbox.Security.values:
        errors["security"] = [_("Välj TLS, STARTTLS eller okrypterad förbindelse.")]
    if not isinstance(port, int) or not 1 <= port <= 65535:
        errors["port"] = [_("Ange en port mellan 1 och 65535.")]
    if mailbox is None and not password:
        errors["password"] = [_("Ange lösenordet.")]
    if organ is not None and organ.organisation_id != organisation_id:
        errors["organ"] = [_("Organet hör till en annan organisation.")]
    if mailbox is not None and mailbox.organisation_id != organisation_id:
        errors["__all__"] = [_("Brevlådan hör till en annan organisation.")]
    errors.update(length_errors({"name": (values["name"], 200), "host": (values["host"], 255),
                                 "username": (values["username"], 255), "password": (password or "", 255),
                                 "folder": (values["folder"], 255), "done_folder": (values["done_folder"], 255)}))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    from diarium.accounts.services import administration_event_record

    created = mailbox is None
    mailbox = mailbox or Mailbox(organisation_id=organisation_id)
    before = {} if created else _mailbox_state(mailbox)
    for field, value in values.items():
        setattr(mailbox, field, value)
    mailbox.port, mailbox.security, mailbox.organ, mailbox.active = port, security, organ, bool(active)
    if password:
        mailbox.password = password
    mailbox.save()
    changes = {k: v for k, v in _mailbox_state(mailbox).items() if created or before.get(k) != v}
    if password:
        changes["password"] = "(ändrat)"  # that it changed, never what to
    if changes:
        administration_event_record(
            actor=actor, organisation=mailbox.organisation, action="mailbox_created" if created else "mailbox_changed",
            object_type="mailbox", object_id=mailbox.pk,
            summary=(_("Funktionsbrevlådan %(name)s lades till.") if created
                     else _("Funktionsbrevlådan %(name)s ändrades.")) % {"name": mailbox.name},
            changes=changes)
    return mailbox


@transaction.atomic
def mailbox_active_set(*, actor, mailbox: Mailbox, active: bool) -> Mailbox:
    """Start or stop reading a function mailbox (its settings and messages are kept)."""
    from diarium.accounts.services import administration_event_record

    if not access.can_keep_mailboxes(actor, mailbox.organisation_id):
        raise PermissionDenied(_("Du har inte behörighet att ändra organisationens funktionsbrevlådor."))
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    if mailbox.active == bool(active):
        return mailbox
    mailbox.active = bool(active)
    mailbox.save(update_fields=["active"])
    administration_event_record(
        actor=actor, organisation=mailbox.organisation, action="mailbox_enabled" if active else "mailbox_disabled",
        object_type="mailbox", object_id=mailbox.pk,
        summary=(_("Funktionsbrevlådan %(name)s läses igen.") if active
                 else _("Funktionsbrevlådan %(name)s läses inte längre.")) % {"name": mailbox.name},
        changes={"active": mailbox.active})
    return mailbox


def document_disposed_forget(document) -> int:
    """A document registered from the inbox is disposed of (gallrad,
    registry.services.disposal, in its transaction): the message's text kept
    here goes with it. What the register keeps of the document (sender,
    subject, attachment names and sizes) stays; the message's stored files are
    disposed of by the registry with the document's own."""
    return IntakeItem.objects.filter(document=document).exclude(body="").update(body="")
