"""The archival form kept of stored content: the PDF/A (or UTF-8 text) a
package carried beside a registered file it converted, kept when the package
is imported, so that exporting the case again packs that same form instead
of converting anew (another converter version would give other bytes, and
the archive's copy could no longer be matched to ours).

Where it is kept: the archival form is content like any other, stored once
under its SHA-256 through the registry's blob storage (registry.files); the
registered file's Blob carries a note pointing at it, with what PREMIS says
of the conversion (tool, version, what was lost):

    {"code": "archival_copy", "sha256": …, "extension": ".pdf", "mime": …, "name": "PDF/A-3a",
     "version": "PDF/A-3A", "puid": "fmt/479", "tool": "WeasyPrint", "tool_version": …, "note": …}

The note is on the content, not on a document: the same bytes have the same
archival form wherever they are registered. Content is never changed, only
noted (registry.files' notes are the place for what is known about content).

Disposal (gallring): when the registered content is disposed of
(registry.services.disposal marks its Blob), its archival form goes with it
(`_original_disposed`, connected in ArchiveConfig.ready), unless another kept
record still registers those very bytes as a file of its own."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from diarium.registry import files as file_store
from diarium.registry.disposal import disposed_files_q
from diarium.registry.models import Blob, DocumentFile

from .sip.formats import Conversion, Format

NOTE_ARCHIVAL = "archival_copy"


def archival_note(blob: Blob) -> dict | None:
    """The note naming the content's kept archival form (no query)."""
    return next((n for n in blob.notes or () if isinstance(n, dict) and n.get("code") == NOTE_ARCHIVAL), None)


def archival_copy_kept(blob: Blob) -> Conversion | None:
    """The archival form kept of `blob`'s content, as the export's converter
    would give it (formats.Conversion), or None when none is kept (or its
    bytes are gone or damaged: the export then converts again)."""
    note = archival_note(blob)
    if note is None:
        return None
    copy = Blob.objects.filter(sha256=note.get("sha256", "")).first()
    if copy is None or file_store.blob_disposed(copy):
        return None
    import hashlib

    with file_store.blob_open(copy) as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != copy.sha256:
        return None
    fmt = Format(note.get("mime", copy.content_type), note.get("name", ""), note.get("version", ""),
                 note.get("puid", ""), archival=True)
    return Conversion(data=data, format=fmt, extension=note.get("extension", ""), tool=note.get("tool", ""),
                      tool_version=note.get("tool_version", ""), note=note.get("note", ""))


def archival_copy_keep(*, blob: Blob, data: bytes, fmt: Format, extension: str, tool: str, tool_version: str,
                       note: str, filename: str, written: list[str]) -> Blob:
    """Store `data` as the archival form of `blob`'s content and note it on
    `blob` (called inside the importing transaction; names of stored files
    are appended to `written` so a rollback removes them)."""
    copy = file_store.blob_store(file_store.checked_content(filename, data, fmt.mime), written=written)
    entry = {"code": NOTE_ARCHIVAL, "sha256": copy.sha256, "extension": extension, "mime": fmt.mime,
             "name": fmt.name, "version": fmt.version, "puid": fmt.puid, "tool": tool, "tool_version": tool_version,
             "note": note}
    notes = [n for n in file_store.blob_notes(blob) if not (isinstance(n, dict) and n.get("code") == NOTE_ARCHIVAL)]
    blob.notes = [*notes, entry]
    blob.save(update_fields=["notes"])
    return copy


def _original_disposed(sender, instance: Blob, raw=False, update_fields=None, **kwargs) -> None:
    """A Blob saved as disposed of takes its kept archival form with it (see
    the module's docstring), in the same transaction; the bytes are deleted
    once it commits, as registry.services.disposal deletes the original's."""
    if raw or not file_store.blob_disposed(instance):
        return
    note = archival_note(instance)
    if note is None:
        return
    copy = Blob.objects.filter(sha256=note.get("sha256", "")).first()
    if copy is None or file_store.blob_disposed(copy):
        return
    if DocumentFile.objects.filter(blob=copy).exclude(disposed_files_q()).exists():
        return  # the same bytes are registered as a file of a kept record
    copy.notes = [*(n for n in copy.notes or () if isinstance(n, dict)),
                  {"code": file_store.NOTE_DISPOSED, "at": timezone.now().isoformat()}]
    copy.save(update_fields=["notes"])
    name = copy.storage_name
    transaction.on_commit(lambda: default_storage.delete(name))


def connect() -> None:
    """Follow disposal of content (from ArchiveConfig.ready)."""
    from django.db.models.signals import post_save

    post_save.connect(_original_disposed, sender=Blob, dispatch_uid="archive-renditions-disposed")
