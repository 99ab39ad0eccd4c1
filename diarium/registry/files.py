"""File content: checked, hashed and stored once under its SHA-256.

Storage goes through Django's storage API (local disk by default, S3-compatible
object storage by setting), so no path is hard-wired here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

from .models import Blob

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


def max_upload_bytes() -> int:
    return int(getattr(settings, "DIARIUM_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))


def allowed_types() -> dict[str, str]:
    return getattr(settings, "DIARIUM_ALLOWED_FILE_TYPES", DEFAULT_ALLOWED_TYPES)


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
    upload.seek(0)
    return CheckedFile(name=name[:255], sha256=digest.hexdigest(), size=size, content_type=content_type, source=upload)


def storage_name_for(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256}"


def blob_store(checked: CheckedFile, *, written: list[str]) -> Blob:
    """Store content under its hash unless it is already there. Names of files
    this call wrote are appended to `written` so a failed transaction can remove
    them again."""
    blob = Blob.objects.filter(sha256=checked.sha256).first()
    if blob is not None:
        return blob
    name = storage_name_for(checked.sha256)
    if not default_storage.exists(name):
        checked.source.seek(0)
        saved = default_storage.save(name, checked.source)
        if saved != name:  # the storage renamed it: another writer won the race
            default_storage.delete(saved)
        else:
            written.append(name)
    return Blob.objects.create(
        sha256=checked.sha256, size=checked.size, content_type=checked.content_type, storage_name=name
    )


def remove_unreferenced(names: list[str]) -> None:
    """After a rollback: delete files this attempt wrote that no Blob row refers to."""
    for name in names:
        sha = name.rsplit("/", 1)[-1]
        if not Blob.objects.filter(sha256=sha).exists():
            default_storage.delete(name)


def blob_open(blob: Blob):
    return default_storage.open(blob.storage_name, "rb")
