"""Writes for documents and their files: registering a document on a case (its
number, files checked and stored, nothing half-written when a file fails),
drawing one up, adding a new version of a file, and marking secrecy or
lifting it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.core.drawing import DrawnUpFile
from diarium.core.errors import DomainError
from diarium.core.limits import check_lengths, length_errors, past_date_errors
from diarium.core.tasks import enqueue_by_name

from .. import access
from .. import files as file_store
from .. import ocr
from ..history import event_append
from ..models import (
    DOCUMENT_COUNTERPART_MAX,
    DOCUMENT_DESCRIPTION_MAX,
    REASON_MAX,
    SECRECY_GROUND_MAX,
    Case,
    Document,
    DocumentFile,
    DocumentType,
    Event,
    PartyKind,
    ReceivedVia,
)
from .numbering import counter_increment
from .shared import model_clean


def _check_files(uploads: Iterable) -> list[file_store.CheckedFile]:
    """Uploads checked; content already checked (files.checked_content) as it is."""
    return [upload if isinstance(upload, file_store.CheckedFile) else file_store.check_upload(upload)
            for upload in uploads if upload is not None]


def with_file_cleanup(fn):
    """Run fn(written) in a transaction; if it fails, remove files it wrote."""
    written: list[str] = []
    try:
        with transaction.atomic():
            return fn(written)
    except BaseException:
        file_store.remove_unreferenced(written)
        raise


def document_errors(*, direction, document_date, description: str, counterpart: str,
                    counterpart_kind: str = PartyKind.AUTO, received_via: str = "") -> dict[str, list[str]]:
    """What is wrong with a document's register fields, every problem at once
    (the forms ask it too, so a form shows them all in one go)."""
    errors: dict[str, list[str]] = {}
    description, counterpart = (description or "").strip(), (counterpart or "").strip()
    if counterpart_kind not in PartyKind.values:
        errors["counterpart_kind"] = [_("Välj om avsändaren/mottagaren är en privatperson, en organisation "
                                        "eller ska avgöras automatiskt.")]
    if direction not in Document.Direction.values:
        errors["direction"] = [_("Välj om handlingen är inkommande, upprättad, utgående eller intern.")]
    if not isinstance(document_date, dt.date):
        errors["document_date"] = [_("Ange datum då handlingen kom in eller upprättades (ÅÅÅÅ-MM-DD).")]
    elif past_date_errors(document_date):
        errors["document_date"] = past_date_errors(document_date)
    if not description:
        errors["description"] = [_("Ange kortfattat vad handlingen rör.")]
    if direction == Document.Direction.INCOMING and not counterpart:
        errors["counterpart"] = [_("Ange vem handlingen kom från.")]
    if direction == Document.Direction.OUTGOING and not counterpart:
        errors["counterpart"] = [_("Ange vem handlingen skickades till.")]
    if received_via and received_via not in ReceivedVia.values:
        errors["received_via"] = [_("Välj e-post, post, e-tjänst eller lämnad personligen.")]
    elif received_via and direction != Document.Direction.INCOMING:
        errors["received_via"] = [_("Hur handlingen kom in anges bara för inkommande handlingar.")]
    for name, messages in length_errors({"description": (description, DOCUMENT_DESCRIPTION_MAX),
                                         "counterpart": (counterpart, DOCUMENT_COUNTERPART_MAX)}).items():
        errors.setdefault(name, messages)
    return errors


def document_register(*, actor, case: Case, **fields) -> Document:
    """Register a document on a case with its files (the fields of
    document_create). OSL 5 kap. 1 § requires the date, the diary number, the
    sender or recipient and what it concerns."""
    access.require_role(actor, roles.REGISTER_DOCUMENT, case.organ, _("Du har inte behörighet att registrera handlingar i ärendet."))
    fields.pop("actor_name", None)  # the history names the user who registers
    return document_create(actor=actor, case=case, **fields)


def document_create(
    *,
    actor,
    case: Case,
    direction: str,
    document_date: dt.date,
    description: str,
    counterpart: str = "",
    counterpart_kind: str = PartyKind.AUTO,
    counterpart_is_private: bool | None = None,
    document_type: DocumentType | None = None,
    received_via: str = "",
    files: Sequence = (),
    registered_at: dt.datetime | None = None,
    actor_name: str | None = None,
) -> Document:
    """document_register without the role check, for callers that authorised the
    write themselves (a remiss answer through its personal link).

    `counterpart_kind` is what the registrar says the counterpart is (PartyKind);
    whether its name is masked as a private person's follows from it
    (access.party_is_private). `counterpart_is_private` is the older way to say
    it: True means "private"; False leaves the kind as given, so a name nobody
    knows as an organisation is still private."""
    description = (description or "").strip()
    counterpart = (counterpart or "").strip()
    if counterpart_is_private:
        counterpart_kind = PartyKind.PRIVATE
    errors = document_errors(direction=direction, document_date=document_date, description=description,
                             counterpart=counterpart, counterpart_kind=counterpart_kind, received_via=received_via)
    if document_type is not None and (document_type.organisation_id != case.organisation_id
                                      or not document_type.active):
        errors["document_type"] = [_("Välj en av organisationens handlingstyper.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)
    checked = _check_files(files)  # before any write: a bad file leaves nothing behind
    now = registered_at or timezone.now()
    is_private = access.party_is_private(counterpart, organisation=case.organisation_id, declared=counterpart_kind)

    def write(written: list[str]) -> Document:
        number = counter_increment(
            f"UPDATE {Case._meta.db_table} SET document_count = document_count + 1 WHERE id = %s "
            "RETURNING document_count",
            [case.pk],
        )
        document = Document(
            case=case, organisation_id=case.organisation_id, number=number, direction=direction, document_date=document_date,
            counterpart=counterpart, counterpart_kind=counterpart_kind, counterpart_is_private=is_private,
            description=description, document_type=document_type, received_via=received_via or "", registered_at=now,
            registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        model_clean(document, exclude=["case", "registered_by"])
        document.save()
        event_append(
            case=case, document=document, kind=Event.Kind.DOCUMENT_REGISTERED, actor=actor, at=now,
            data={"number": document.number, "direction": direction, "counterpart_kind": counterpart_kind,
                  "counterpart_is_private": is_private},
            actor_name=actor_name,
        )
        for position, item in enumerate(checked, start=1):
            _file_append(document=document, checked=item, position=position, version=1, actor=actor,
                         written=written, at=now, log=False)
        return document

    return with_file_cleanup(write)


def document_draw_up(
    *, actor, case: Case, document: Document | None, description: str, filename: str = "", html: str = "",
    drawn: DrawnUpFile | None = None, now: dt.datetime | None = None,
) -> Document:
    """Register a document the system draws up (a compilation, a report) with its
    file (`drawn`, or the HTML `html` as `filename`); drawn up again, the file
    gets a new version and nothing is overwritten. The caller has checked the
    actor's right."""
    now = now or timezone.now()
    upload = drawn.upload() if drawn is not None else SimpleUploadedFile(
        filename, html.encode("utf-8"), content_type="text/html")
    if document is None:
        return document_create(
            actor=actor, case=case, direction=Document.Direction.DRAWN_UP,
            document_date=timezone.localtime(now).date(), description=description[:DOCUMENT_DESCRIPTION_MAX], files=[upload],
            registered_at=now,
        )
    current = document.files.order_by("position", "-version").first()
    document_file_add(actor=actor, document=document, upload=upload, replaces=current, at=now)
    return document


def _file_append(*, document, checked, position, version, actor, written, at=None, log=True,
                 ocr_of: DocumentFile | None = None) -> DocumentFile:
    """Store a checked file as `version` at `position` of the document (`ocr_of`:
    the version it gives a text layer by OCR, services.ocr)."""
    blob = file_store.blob_store(checked, written=written)
    document_file = DocumentFile.objects.create(
        document=document, position=position, version=version, filename=checked.name, blob=blob,
        created_at=at or timezone.now(), created_by=actor if getattr(actor, "is_authenticated", False) else None,
        ocr_of=ocr_of,
    )
    # The masking assistant reads the file before the public may have it (withheld until then).
    # A PDF is first given a text layer if it is a scan, then read with that text (file_ocr).
    if ocr_of is None and checked.content_type == "application/pdf" and ocr.enabled():
        enqueue_by_name("diarium.registry.tasks.file_ocr", document_file.pk)
    else:
        enqueue_by_name("diarium.registry.tasks.file_screen", document_file.pk)
    if log:
        data = {"number": document.number, "position": position, "version": version}
        if ocr_of is not None:
            data["ocr"] = True  # the history says the text layer was added by OCR
        event_append(
            case=document.case, document=document,
            kind=Event.Kind.FILE_ADDED if version == 1 else Event.Kind.FILE_VERSION_ADDED,
            actor=actor, at=at, data=data,
        )
    return document_file


def latest_version(document: Document, position: int) -> int | None:
    """The newest version number at a position of the document (None: no file there)."""
    return (DocumentFile.objects.filter(document=document, position=position)
            .order_by("-version").values_list("version", flat=True).first())


def document_file_add(
    *, actor, document: Document, upload, replaces: DocumentFile | None = None, at: dt.datetime | None = None,
) -> DocumentFile:
    """Add a file to a document, or (with `replaces`) a new version of one of its
    files. Nothing is overwritten: earlier versions stay readable. `at`: when it
    was added (default now; loaders of historic data pass the date)."""
    access.require_role(actor, roles.REGISTER_DOCUMENT, document.case.organ, _("Du har inte behörighet att lägga till filer."))
    if replaces is not None and replaces.document_id != document.pk:
        raise DomainError(_("Filen hör inte till handlingen."), field="replaces")
    checked = file_store.check_upload(upload, field="file")

    def write(written: list[str]) -> DocumentFile:
        Document.objects.select_for_update().filter(pk=document.pk).first()
        if replaces is not None:
            position = replaces.position
            version = latest_version(document, position) + 1
        else:
            position = (
                DocumentFile.objects.filter(document=document).order_by("-position")
                .values_list("position", flat=True).first() or 0
            ) + 1
            version = 1
        return _file_append(document=document, checked=checked, position=position, version=version,
                            actor=actor, written=written, at=at)

    return with_file_cleanup(write)


def document_file_ocr_add(*, source: DocumentFile, upload) -> DocumentFile | None:
    """Add `upload`, `source` with the text layer OCR gave it (services.ocr), as
    the next version of the same file: a system action, with no user and no
    role. None when another version came first (a user's, or another worker's OCR)."""
    checked = file_store.check_upload(upload, field="file")
    document = source.document

    def write(written: list[str]) -> DocumentFile | None:
        Document.objects.select_for_update().filter(pk=document.pk).first()
        if latest_version(document, source.position) != source.version:
            return None
        return _file_append(document=document, checked=checked, position=source.position,
                            version=source.version + 1, actor=None, written=written, ocr_of=source)

    return with_file_cleanup(write)


@transaction.atomic
def document_mark_secret(*, actor, document: Document, ground: str, masked_fields: Sequence[str] = ()) -> Document:
    """Mark a document secret with its legal ground and the register fields that
    are masked in public views."""
    access.require_role(actor, roles.MARK_SECRET, document.case.organ, _("Du har inte behörighet att sekretessmarkera handlingar."))
    ground = (ground or "").strip()
    if not ground:
        raise DomainError(_("Ange sekretessgrund, till exempel \"OSL 26 kap. 1 §\"."), field="ground")
    check_lengths({"ground": (ground, SECRECY_GROUND_MAX)})
    unknown = set(masked_fields) - set(Document.MASKABLE_FIELDS)
    if unknown:
        raise DomainError(_("Okänt fält att maskera: %(f)s") % {"f": ", ".join(sorted(unknown))}, field="masked_fields")
    document = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
    document.is_secret = True
    document.secrecy_ground = ground
    document.masked_fields = sorted(set(masked_fields))
    document.secrecy_marked_by = actor if getattr(actor, "is_authenticated", False) else None
    document.secrecy_marked_at = timezone.now()
    document.save(update_fields=["is_secret", "secrecy_ground", "masked_fields", "secrecy_marked_by", "secrecy_marked_at"])
    event_append(case=document.case, document=document, kind=Event.Kind.SECRECY_MARKED, actor=actor,
                 data={"number": document.number, "ground": ground, "masked_fields": document.masked_fields})
    return document


@transaction.atomic
def document_lift_secrecy(*, actor, document: Document, reason: str) -> Document:
    access.require_role(actor, roles.MARK_SECRET, document.case.organ, _("Du har inte behörighet att ta bort sekretessmarkeringar."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Ange varför sekretessmarkeringen tas bort."), field="reason")
    check_lengths({"reason": (reason, REASON_MAX)})
    document = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
    if not document.is_secret:
        raise DomainError(_("Handlingen är inte sekretessmarkerad."))
    previous = document.secrecy_ground
    document.is_secret = False
    document.secrecy_ground = ""
    document.masked_fields = []
    document.save(update_fields=["is_secret", "secrecy_ground", "masked_fields"])
    event_append(case=document.case, document=document, kind=Event.Kind.SECRECY_LIFTED, actor=actor,
                 data={"number": document.number, "previous_ground": previous, "reason": reason})
    return document
