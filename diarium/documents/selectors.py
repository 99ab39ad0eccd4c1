"""Reads of the documents app: the signatures of a document's file versions and
the section of the document's page that shows them (registered with the
registry in apps.py)."""

from __future__ import annotations

from django.template.loader import render_to_string

from diarium.decisions import access as decisions_access
from diarium.decisions.models import OfficerReport
from diarium.registry.models import Document, DocumentFile

from .models import DocumentSignature
from .access import can_sign, signatures_visible

SIGNABLE = (Document.Direction.DRAWN_UP, Document.Direction.OUTGOING)


def document_signatures(*, document) -> list[DocumentSignature]:
    """Every signature of every version of the document's files, oldest first."""
    return list(DocumentSignature.objects.filter(file__document=document).select_related("file")
                .order_by("file__position", "file__version", "signed_at", "id"))


def document_section(user, document, entry) -> str:
    """The document page's "Underskrifter" section: who signed which version,
    and for those who may, marking the current version signed and (for an
    officer's report) changing and drawing it up again."""
    signatures = document_signatures(document=document)
    # Only what the organisation itself writes is signed here; incoming letters come signed.
    may_sign = document.direction in SIGNABLE and can_sign(user, document)
    report = OfficerReport.objects.filter(document=document).only("pk", "case_id").first()
    may_edit = report is not None and decisions_access.can_write_reports(user, document.case)
    if not (signatures or may_sign or may_edit):
        return ""
    current = []
    if may_sign:
        latest: dict[int, DocumentFile] = {}
        for file in DocumentFile.objects.filter(document=document).order_by("position", "-version"):
            latest.setdefault(file.position, file)
        current = list(latest.values())
    return render_to_string("documents/_document_signatures.html", {
        "signatures": signatures, "current_files": current, "report": report if may_edit else None,
    })


def document_signatures_for(*, user, document_id: int) -> list[DocumentSignature]:
    """The signatures the document's page shows, for a reader who may open the
    page (reading a secret document with the right to do so is logged, as
    there): none of a document whose files the reader may not have."""
    from diarium.registry import selectors as registry_selectors

    document, entry = registry_selectors.document_get(user=user, pk=document_id)
    if not signatures_visible(entry):
        return []
    return document_signatures(document=document)


def file_signatures_for(*, user, file_id: int) -> list[DocumentSignature]:
    """The signatures of one file version, as its signing page lists them: for
    those who may have the file (secret reads are logged)."""
    from diarium.registry import selectors as registry_selectors

    file = registry_selectors.file_for_download(user=user, file_id=file_id)
    return list(file.signatures.select_related("file").order_by("signed_at", "id"))
