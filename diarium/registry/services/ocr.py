"""Text layers for scanned PDFs (issue 20). A PDF added without text (a scan)
gets one by OCR in the worker; the result is a new version of the file, added
by the system (no user, no role), and the stored original stays as it was
registered. Search reads the newest version of a file, and the masking
assistant reads the scan and its OCR version alike with the OCR text
(screening.file_text), so both are withheld from the public while something
found in them is not reviewed."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.files import File

from diarium.core.errors import DomainError

from .. import files as file_store
from .. import ocr
from ..models import DocumentFile
from .documents import document_file_ocr_add, latest_version
from .privacy import file_screen_by_id

logger = logging.getLogger("diarium.registry.ocr")

_OCR_NOTES = {file_store.NOTE_OCR_ENCRYPTED, file_store.NOTE_OCR_SIGNED, file_store.NOTE_OCR_FAILED}


def file_ocr_by_id(file_id: int) -> bool:
    """A newly added PDF (the task queued when it was added): given a text layer
    if it is a scan, then read by the masking assistant, with that text. True
    when a version with a text layer was added.

    Bad input ends cleanly: an encrypted, signed or unreadable PDF gets no new
    version but a note on its content for the registrar (files.note_texts). A
    failure of the storage, or of the installation (Tesseract or a language
    missing), propagates; the file then stays withheld as not yet read until
    `diarium privacy audit --apply` reads it."""
    document_file = DocumentFile.objects.select_related("document__case", "blob").filter(pk=file_id).first()
    if document_file is None:
        return False
    added = _ocr(document_file) if ocr.enabled() and _ocr_due(document_file) else None
    file_screen_by_id(document_file.pk)
    return added is not None


def _ocr_due(document_file: DocumentFile) -> bool:
    """A PDF as it was added, still the newest version of its file (so with no
    OCR version yet), whose content no earlier attempt failed on."""
    blob = document_file.blob
    return (
        blob.content_type == "application/pdf"
        and document_file.ocr_of_id is None
        and not any(note.get("code") in _OCR_NOTES for note in blob.notes or ())
        and latest_version(document_file.document, document_file.position) == document_file.version
    )


def _ocr(document_file: DocumentFile) -> DocumentFile | None:
    blob = document_file.blob
    with tempfile.TemporaryDirectory(prefix="diarium-ocr-") as folder:
        source, target = Path(folder) / "scan.pdf", Path(folder) / "ocr.pdf"
        with file_store.blob_open(blob) as stored, source.open("wb") as out:
            shutil.copyfileobj(stored, out, 1024 * 1024)
        before = ocr.page_text_sizes(source)
        if ocr.has_text_layer(before) or ocr.born_digital(source):
            return None
        try:
            ocr.ocr_pdf(source, target)
        except ocr.Refused as refused:
            file_store.blob_note_add(blob, refused.note)
            return None
        if sum(ocr.page_text_sizes(target) or ()) <= sum(before or ()):
            logger.info("OCR found no text in file %s (%s)", document_file.pk, document_file.filename)
            return None
        with target.open("rb") as result:
            try:
                return document_file_ocr_add(source=document_file, upload=File(result, name=document_file.filename))
            except DomainError as exc:  # e.g. the text layer took it over the upload limit
                logger.warning("OCR version of file %s not added: %s", document_file.pk, exc)
                return None
