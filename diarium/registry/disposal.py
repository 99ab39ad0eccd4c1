"""What disposal (gallring, arkivlagen 10 §) leaves in the register: the marks
on a disposed document's files and on content whose bytes are gone, and the
event that says the document was disposed of. Reads only; the write is
services.disposal.document_files_dispose, called by the archive app once a
disposal list adopted by a decision is executed.

- A disposed file version keeps its row (filename, version, who added it)
  with `privacy = {"disposed": {"at": …}}` instead of what the masking
  assistant found in it, and is withheld (`privacy_withheld`): `file_disposed`.
- Content whose bytes were deleted (no kept record refers to it any more)
  carries the note `files.NOTE_DISPOSED` on its Blob: `files.blob_disposed`.
  Content another kept record still refers to keeps its bytes; only this
  document's files are marked.
- The document's register entry stays, with the event `document_disposed`
  (who, when, under which rule and decision): `document_disposal`.

A disposed file is answered 410 Gone ("Gallrad"), never 5xx (FileDisposed).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from diarium.core.errors import Gone

from .models import Document, Event

DISPOSED_KEY = "disposed"


class DisposalEvent(models.TextChoices):
    """The registry's kind of event for a disposed document (registered in RegistryConfig.ready)."""

    DOCUMENT_DISPOSED = "document_disposed", _("Handlingen gallrades")


class FileDisposed(Gone):
    """The file was disposed of (gallrad): its content no longer exists."""


def file_disposed(document_file) -> bool:
    """Whether the file version was disposed of (no query)."""
    return bool((document_file.privacy or {}).get(DISPOSED_KEY))


def disposed_files_q(prefix: str = "") -> Q:
    """A condition on DocumentFile rows (or rows reaching one through `prefix`,
    e.g. "files__"): the disposed ones. Written so that a file never screened
    (privacy NULL) is not disposed on every database."""
    return Q(**{f"{prefix}privacy__has_key": DISPOSED_KEY}) & Q(**{f"{prefix}privacy__isnull": False})


def document_disposal(document: Document) -> Event | None:
    """The event that disposed of the document (who, when, rule and decision in
    its data), or None while it is kept. One query."""
    return (Event.objects.filter(document=document, kind=DisposalEvent.DOCUMENT_DISPOSED)
            .order_by("-at", "-id").first())


def disposed_documents_q() -> Q:
    """A condition on Document rows: those disposed of (their event exists)."""
    return Q(Exists(Event.objects.filter(document_id=OuterRef("pk"), kind=DisposalEvent.DOCUMENT_DISPOSED)))


def open_requests_q() -> Q:
    """A condition on CopyRequest rows: requests for a public document not yet
    decided and sent. A document with one is not disposed of."""
    return Q(decided_at__isnull=True) | Q(sent_at__isnull=True)
