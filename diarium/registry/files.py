"""File content: checked, hashed and stored once under its SHA-256.

Storage goes through Django's storage API (local disk by default, S3-compatible
object storage by setting), so no path is hard-wired here.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, ServiceUnavailable
from diarium.core.limits import max_upload_bytes

from .models import Blob

logger = logging.getLogger("diarium.storage")

# File types a register accepts, detected from content (libmagic), not from names.
DEFAULT_ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "ODF-text",
    "application/vnd.oasis.opendocument.spreadsheet": "ODF-kalkyl",
    "application/vnd.oasis.opendocument.presentation": "ODF-presentation",
    "application/msword": "Word 97–2003",
    "application/vnd.ms-excel": "Excel 97–2003",
    "application/vnd.ms-powerpoint": "PowerPoint 97–2003",
    "text/plain": "text",
    "text/csv": "CSV",
    "text/html": "HTML",
    "application/csv": "CSV",
    "application/xml": "XML",
    "text/xml": "XML",
    "application/json": "JSON",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
    "message/rfc822": "e-post",
}


# The file name endings each detected type may carry. A file whose content is
# not what its name says (an HTML page named .pdf) is refused: the name decides
# how a recipient's computer opens it, the content what it then does. Only the
# name is compared, not the type the client declares: browsers derive that from
# the name anyway (Windows declares CSV as application/vnd.ms-excel).
_OLE_OFFICE = (".doc", ".dot", ".xls", ".xlt", ".ppt", ".pps", ".pot")
DEFAULT_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx", ".dotx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx", ".xltx"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx", ".potx", ".ppsx"),
    "application/vnd.oasis.opendocument.text": (".odt", ".ott"),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods", ".ots"),
    "application/vnd.oasis.opendocument.presentation": (".odp", ".otp"),
    # libmagic tells the three old Office formats apart unreliably: any of their endings.
    "application/msword": _OLE_OFFICE,
    "application/vnd.ms-excel": _OLE_OFFICE,
    "application/vnd.ms-powerpoint": _OLE_OFFICE,
    # Plain text is harmless whatever it is called, as long as the name says text of some kind.
    "text/plain": (".txt", ".text", ".csv", ".tsv", ".md", ".log", ".json", ".xml", ".html", ".htm", ".eml",
                   ".ics", ".vcf", ".sql", ".ini", ".cfg", ".asc"),
    "text/csv": (".csv", ".txt", ".tsv"),
    "application/csv": (".csv", ".txt", ".tsv"),
    "text/html": (".html", ".htm"),
    "application/xml": (".xml", ".xsd", ".gml", ".kml"),
    "text/xml": (".xml", ".xsd", ".gml", ".kml"),
    "application/json": (".json", ".geojson"),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/tiff": (".tif", ".tiff"),
    "message/rfc822": (".eml",),
}

# Types a browser would run (scripts in HTML, SVG, XML) if shown: always downloaded.
# Other types are shown on request (?visa=1) only if in INLINE_SAFE_TYPES.
INLINE_SAFE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
                               "text/plain"})
# Every file response but a clean PDF shown inline: scripts never run, nothing
# is fetched. (Browsers refuse to show a PDF in a sandbox at all, so a PDF is
# shown only when it holds no scripts, see pdf_scripts.)
FILE_SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"

NOTE_SCRIPTS = "scripts"
NOTE_UNPACKED = "unpacked_too_large"
# Why a PDF without text got no text layer by OCR (registry.ocr, services.ocr).
NOTE_OCR_ENCRYPTED = "ocr_encrypted"
NOTE_OCR_SIGNED = "ocr_signed"
NOTE_OCR_FAILED = "ocr_failed"
# The content was disposed of (gallring by decision, registry.disposal): its bytes are deleted.
NOTE_DISPOSED = "disposed"


def allowed_types() -> dict[str, str]:
    return getattr(settings, "DIARIUM_ALLOWED_FILE_TYPES", DEFAULT_ALLOWED_TYPES)


def max_unpacked_bytes() -> int:
    """How much a zipped office file (DOCX, ODF) may unpack to before its text
    is not read (the search app's limit, diarium/search/extract.py)."""
    return int(getattr(settings, "DIARIUM_SEARCH_MAX_UNPACKED_BYTES", 100 * 1024 * 1024))


def extensions_for(content_type: str) -> tuple[str, ...]:
    known = getattr(settings, "DIARIUM_FILE_EXTENSIONS", DEFAULT_EXTENSIONS).get(content_type)
    if known is not None:
        return tuple(known)
    import mimetypes

    return tuple(mimetypes.guess_all_extensions(content_type))


def detect_content_type(head: bytes) -> str:
    import magic

    return magic.from_buffer(head, mime=True)


@dataclass
class CheckedFile:
    """An upload that passed the checks, ready to store."""

    name: str
    sha256: str
    size: int
    content_type: str
    source: File
    notes: list[dict] = dataclass_field(default_factory=list)


def check_upload(upload, *, field: str = "files") -> CheckedFile:
    """Validate size and type of an uploaded file and hash it. Writes nothing."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise DomainError(_("Filen saknar namn."), field=field)
    size = upload.size if getattr(upload, "size", None) is not None else None
    digest = hashlib.sha256()
    head = b""
    counted = 0
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        if len(head) < 65536:
            head += chunk[: 65536 - len(head)]
        digest.update(chunk)
        counted += len(chunk)
        if counted > max_upload_bytes():
            break
    size = counted if size is None else max(size, counted)
    if size == 0:
        raise DomainError(_("Filen %(name)s är tom.") % {"name": name}, field=field)
    if size > max_upload_bytes():
        raise DomainError(
            _("Filen %(name)s är för stor (högst %(limit)s).")
            % {"name": name, "limit": filesizeformat(max_upload_bytes())},
            field=field,
        )
    content_type = detect_content_type(head)
    if content_type not in allowed_types():
        raise DomainError(
            _("Filen %(name)s har en filtyp som inte tas emot (%(type)s). Tillåtna typer: %(allowed)s.")
            % {
                "name": name,
                "type": content_type,
                "allowed": ", ".join(sorted(set(allowed_types().values()))),
            },
            field=field,
        )
    suffix = PurePosixPath(name).suffix.lower()
    expected = extensions_for(content_type)
    if suffix and expected and suffix not in expected:
        raise DomainError(
            _("Filen %(name)s är inte vad filändelsen säger: innehållet är %(type)s, inte %(suffix)s. "
              "Kontrollera att det är rätt fil, eller ge den rätt filändelse (%(expected)s).")
            % {"name": name, "type": allowed_types().get(content_type, content_type), "suffix": suffix,
               "expected": ", ".join(expected)},
            field=field,
        )
    upload.seek(0)
    notes = inspect_content(upload, content_type)
    upload.seek(0)
    return CheckedFile(name=name[:255], sha256=digest.hexdigest(), size=size, content_type=content_type,
                       source=upload, notes=notes)


def checked_content(name: str, data: bytes, content_type: str) -> CheckedFile:
    """Content whose type the system itself knows (a message as it came from a
    mailbox, whatever its bytes look like to libmagic): hashed, not sniffed or
    size-checked as an upload is."""
    from django.core.files.base import ContentFile

    return CheckedFile(name=name[:255], sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                       content_type=content_type, source=ContentFile(data, name=name[:255]))


# --- what the registrar should know about a file's content --------------------------------

_ZIPPED_OFFICE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}


def inspect_content(fh, content_type: str) -> list[dict]:
    """Notes on a file's content (stored on its Blob, shown beside the file):
    a PDF with scripts or actions that start programs, an office file that
    unpacks to more than the text reader takes. Reads from `fh`'s position."""
    if content_type == "application/pdf":
        return [{"code": NOTE_SCRIPTS}] if pdf_scripts(fh) else []
    if content_type in _ZIPPED_OFFICE:
        declared = zip_unpacked_bytes(fh)
        if declared is not None and declared > max_unpacked_bytes():
            return [{"code": NOTE_UNPACKED, "limit": max_unpacked_bytes()}]
    return []


def note_texts(notes) -> list[str]:
    """The notes in Swedish, as the registrar reads them."""
    texts = []
    for note in notes or ():
        code = note.get("code") if isinstance(note, dict) else None
        if code == NOTE_SCRIPTS:
            texts.append(_("Filen innehåller skript eller åtgärder som startas när den öppnas (JavaScript i PDF). "
                           "Den visas inte i webbläsaren utan laddas ned; öppna den bara om avsändaren är känd."))
        elif code == NOTE_UNPACKED:
            texts.append(_("Texten kunde inte läsas: filen packas upp till mer än %(limit)s. "
                           "Den finns inte med i sökningen på innehåll.")
                         % {"limit": filesizeformat(note.get("limit") or max_unpacked_bytes())})
        elif code == NOTE_OCR_ENCRYPTED:
            texts.append(_("PDF-filen är krypterad och kunde inte teckentolkas (OCR)."))
        elif code == NOTE_OCR_SIGNED:
            texts.append(_("PDF-filen är digitalt signerad och teckentolkades inte (OCR), så att signaturen består."))
        elif code == NOTE_OCR_FAILED:
            texts.append(_("PDF-filen kunde inte läsas och teckentolkades inte."))
        elif code == NOTE_DISPOSED:
            texts.append(_("Gallrad: filens innehåll är förstört enligt beslut om gallring."))
    return texts


# PDF names that run something: JavaScript (as an action, a name tree or its
# code) and Launch (starts a program). /OpenAction and /AA (additional actions)
# count when the action they trigger is one of these; opening at a page is fine.
_PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript"}
_PDF_MAX_OBJECTS = 200_000


def pdf_scripts(fh) -> bool:
    """Whether the PDF holds JavaScript or Launch actions anywhere (document,
    pages, annotations, form fields, name trees), found by pypdf, which also
    reads compressed object streams and decodes escaped names. A PDF pypdf
    cannot read is judged by its raw bytes."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    data = fh.read()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        pending = [reader.trailer]
        seen: set[tuple[int, int]] = set()
        visited = 0
        while pending:
            obj = pending.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            visited += 1
            if visited > _PDF_MAX_OBJECTS:
                return True  # not checkable in reason: treated as active
            if isinstance(obj, DictionaryObject):
                if _PDF_ACTIVE_KEYS & set(obj.keys()) or obj.get("/S") in _PDF_ACTIVE_ACTIONS:
                    return True
                pending.extend(v for k, v in obj.items() if k not in ("/Parent", "/P"))
            elif isinstance(obj, ArrayObject):
                pending.extend(obj)
        return False
    except Exception:
        return bool(_PDF_RAW_ACTIVE.search(data))


_PDF_RAW_ACTIVE = re.compile(rb"/(?:JS|JavaScript|Launch)\b|/J#|/L#")


def zip_unpacked_bytes(fh) -> int | None:
    """The unpacked size a zip archive declares for its members (zipfile never
    inflates past it), or None if it is no readable zip."""
    try:
        with zipfile.ZipFile(fh) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def active_content(blob) -> bool:
    """Whether a browser showing the file could run something in it."""
    content_type = blob.content_type.split(";")[0].strip().lower()
    if content_type not in INLINE_SAFE_TYPES:
        return True
    if content_type == "application/pdf":
        return any(note.get("code") == NOTE_SCRIPTS for note in blob_notes(blob))
    return False


def blob_notes(blob) -> list[dict]:
    """The blob's notes; a blob stored before files were inspected is inspected now, once."""
    if blob.notes is None:
        with blob_open(blob) as fh:
            blob.notes = inspect_content(fh, blob.content_type)
        type(blob).objects.filter(pk=blob.pk).update(notes=blob.notes)
    return blob.notes


def blob_note_add(blob, code: str) -> None:
    """Note something about the content for the registrar (note_texts), once."""
    notes = blob_notes(blob)
    if not any(note.get("code") == code for note in notes):
        blob.notes = [*notes, {"code": code}]
        type(blob).objects.filter(pk=blob.pk).update(notes=blob.notes)


def blob_disposed(blob) -> bool:
    """Whether the content's bytes were deleted by disposal (registry.disposal)."""
    return any(isinstance(note, dict) and note.get("code") == NOTE_DISPOSED for note in blob.notes or ())


def file_response(blob, filename: str, *, inline: bool = False):
    """A file for the browser: downloaded, or shown (inline) where nothing in it
    can run. Never sniffed into another type; sandboxed unless a clean PDF.
    Content disposed of is refused as gone (410, blob_open), on every path that hands files out."""
    from django.http import FileResponse

    show = inline and not active_content(blob)
    response = FileResponse(blob_open(blob), as_attachment=not show, filename=filename,
                            content_type=blob.content_type)
    return _guarded(response, sandbox=not (show and blob.content_type.split(";")[0].strip().lower()
                                           == "application/pdf"))


def content_response(data: bytes, filename: str):
    """Content not stored as a file of the register (an attachment of a message
    still in the inbox): always downloaded, as bytes, sandboxed."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return _guarded(response, sandbox=True)


def _guarded(response, *, sandbox: bool):
    response["X-Content-Type-Options"] = "nosniff"
    if sandbox:
        response["Content-Security-Policy"] = FILE_SANDBOX_CSP
    return response


def storage_name_for(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256}"


# --- when the store refuses -------------------------------------------------------------------

def storage_errors() -> tuple[type[BaseException], ...]:
    """What the storage backend raises when the store refuses or does not answer:
    OSError (a local disk full, read-only or gone), and for S3 botocore's errors
    (an answer of 500/503, a refused connection, a timeout: BotoCoreError,
    ClientError) and boto3's (an upload that failed: S3UploadFailedError)."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # django-storages' S3 extra not installed: local disk only
        pass
    else:
        errors += [BotoCoreError, ClientError, Boto3Error]
    return tuple(errors)


def retry_after_seconds() -> int:
    """DIARIUM_STORAGE_RETRY_AFTER: the Retry-After of a 503 when the store refuses (seconds)."""
    return int(getattr(settings, "DIARIUM_STORAGE_RETRY_AFTER", 60))


def _refused(exc: BaseException, *, writing: bool) -> ServiceUnavailable:
    logger.warning("The file store refused to %s: %s: %s", "store a file" if writing else "hand out a file",
                   type(exc).__name__, " ".join(str(exc).split())[:500])
    if writing:
        message = _("Filarkivet tar inte emot filer just nu. Inget sparades. Försök igen om en stund.")
    else:
        message = _("Filarkivet svarar inte just nu. Försök igen om en stund.")
    return ServiceUnavailable(message, retry_after=retry_after_seconds())


def blob_store(checked: CheckedFile, *, written: list[str]) -> Blob:
    """Store content under its hash unless it is already there. Names of files
    this call wrote are appended to `written` so a failed transaction can remove
    them again. A store that refuses the write (or does not answer within the
    client's timeouts) raises ServiceUnavailable inside the caller's transaction,
    which rolls back: no row points at content that is not there."""
    blob = Blob.objects.filter(sha256=checked.sha256).first()
    if blob is not None and not blob_disposed(blob):
        return blob
    # New content, or content disposed of before that comes again in a new record: stored (anew).
    name = storage_name_for(checked.sha256)
    try:
        if not default_storage.exists(name):
            checked.source.seek(0)
            saved = default_storage.save(name, checked.source)
            if saved != name:  # the storage renamed it: another writer won the race
                default_storage.delete(saved)
            else:
                written.append(name)
    except storage_errors() as exc:
        raise _refused(exc, writing=True) from exc
    if blob is not None:
        blob.notes = checked.notes
        blob.save(update_fields=["notes"])
        return blob
    return Blob.objects.create(
        sha256=checked.sha256, size=checked.size, content_type=checked.content_type, storage_name=name,
        notes=checked.notes,
    )


def remove_unreferenced(names: list[str]) -> None:
    """After a rollback: delete files this attempt wrote that no Blob row refers
    to (or only one whose content was disposed of). A store that refuses the
    delete too keeps the file: it is named by its hash, so it is harmless, and
    the same content stored again later finds it there; the error the rollback
    came from is not hidden by this one."""
    for name in names:
        sha = name.rsplit("/", 1)[-1]
        blob = Blob.objects.filter(sha256=sha).first()
        if blob is None or blob_disposed(blob):
            try:
                default_storage.delete(name)
            except storage_errors() as exc:
                logger.warning("Could not remove %s after a rolled-back write (kept, unreferenced): %s", name,
                               " ".join(str(exc).split())[:500])


def blob_open(blob: Blob):
    """The content for reading; content disposed of is gone (FileDisposed, 410), on every path.
    A store that does not answer raises ServiceUnavailable (503), not a server error."""
    if blob_disposed(blob):
        from .disposal import FileDisposed

        raise FileDisposed(_("Filen är gallrad: den har förstörts enligt ett beslut om gallring."))
    try:
        return default_storage.open(blob.storage_name, "rb")
    except FileNotFoundError:
        raise
    except storage_errors() as exc:
        raise _refused(exc, writing=False) from exc
