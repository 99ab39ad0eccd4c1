"""The register's part of disposal (gallring, arkivlagen 10 §): a document's
content is destroyed and its register entry stays, marked as disposed of.

The archive app decides what may be disposed of (the records plan in force, a
disposal list adopted by a recorded decision, no legal hold) and calls
`document_files_dispose` for each document when the list is executed, inside
its own transaction. This module knows nothing of plans or lists: it is given
the rule's and the decision's text as they are to be kept in the history.

What goes:
- the stored bytes of every version of every file of the document (OCR
  versions included) and of the redacted copies made for requests for it
  (CopyRequest.copy_blob), deleted through the storage API after the
  transaction commits (`transaction.on_commit`), so a rollback never loses
  bytes. Content another kept record still refers to (the same bytes
  registered elsewhere) keeps its bytes; a row that refers to both the
  content and this document (an inbox message registered as it) is part of
  this document's record and keeps nothing;
- what the masking assistant kept: the originals and findings of the
  document's description (`Document.privacy`) and of its files
  (`DocumentFile.privacy`, replaced by the disposal mark, registry.disposal);
- the text kept for search: the search app drops it when the content's Blob
  is saved as disposed, and re-indexes the document when its files are saved.

What stays: the document's row (its register entry, in the form it has in the
register, secrecy marks included), its files' rows (name, version, size), the
Blob rows (their hash and size, noted as disposed), and the history, with the
event `document_disposed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.core.errors import DomainError

from .. import access, extensions
from .. import files as file_store
from ..disposal import DISPOSED_KEY, DisposalEvent, disposed_files_q, document_disposal, open_requests_q
from ..history import event_append
from ..models import Blob, Case, CopyRequest, Document, DocumentFile

DISPOSAL_TEXT_MAX = 1000  # the rule's and the decision's text as kept in the history


@dataclass(frozen=True)
class DisposedDocument:
    """What one document's disposal did."""

    document: Document
    files: int  # file versions disposed of
    bytes: int  # their stored size
    contents_deleted: int  # distinct contents whose bytes are deleted
    contents_kept: int  # distinct contents kept, because another kept record refers to them


def _other_references(blob: Blob, document: Document) -> bool:
    """Whether a kept record other than `document` still refers to the content.
    Every relation to Blob is asked (the apps above keep minutes, notices,
    inbox messages and signatures as Blobs); relations that go with the content
    (on_delete CASCADE: derived data such as the search app's kept text) do not
    keep it, nor does a row that refers to `document` itself."""
    if DocumentFile.objects.filter(blob=blob).exclude(document=document).exclude(disposed_files_q()).exists():
        return True
    if CopyRequest.objects.filter(copy_blob=blob).exclude(document=document).exists():
        return True
    for relation in Blob._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        model = relation.related_model
        if model in (DocumentFile, CopyRequest) or relation.on_delete is models.CASCADE:
            continue
        rows = model._base_manager.filter(**{relation.field.name: blob})
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Document:
                rows = rows.exclude(**{field.attname: document.pk})
        if rows.exists():
            return True
    return False


def _refusals(document: Document) -> list[str]:
    """Why the document may not be disposed of now, every reason at once."""
    reasons = []
    reference = document.reference
    if document.case.status != Case.Status.CLOSED:
        reasons.append(_("%(ref)s: ärendet är inte avslutat.") % {"ref": reference})
    if document_disposal(document) is not None:
        reasons.append(_("%(ref)s: handlingen är redan gallrad.") % {"ref": reference})
    if CopyRequest.objects.filter(open_requests_q(), document=document).exists():
        reasons.append(_("%(ref)s: det finns en begäran om utlämnande av handlingen som inte är avgjord och "
                         "expedierad.") % {"ref": reference})
    return reasons


def _storage_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def document_files_dispose(*, actor, document: Document, rule_text: str, decision_text: str) -> DisposedDocument:
    """Dispose of a document's content by decision (see the module's docstring):
    `rule_text` is the records plan's rule it is disposed of under and
    `decision_text` the decision that adopted the disposal, both kept in the
    history. Refused, with every reason at once and nothing written, without a
    rule or a decision, in an open case, for a document already disposed of or
    one with a request for it not yet decided and sent. The registrar or an
    administrator of the case's organ."""
    access.require_role(actor, roles.REGISTER_CASE, document.case.organ,
                        _("Du har inte behörighet att gallra handlingar i ärendet."))
    rule_text, decision_text = " ".join((rule_text or "").split()), " ".join((decision_text or "").split())
    errors: dict[str, list[str]] = {}
    if not rule_text:
        errors["rule"] = [_("Ange den regel i dokumenthanteringsplanen som handlingen gallras enligt.")]
    if not decision_text:
        errors["decision"] = [_("Handlingar gallras bara enligt ett beslut. Ange beslutet.")]
    for name, text in (("rule", rule_text), ("decision", decision_text)):
        if len(text) > DISPOSAL_TEXT_MAX:
            errors.setdefault(name, []).append(_("Högst %(limit_value)s tecken.") % {"limit_value": DISPOSAL_TEXT_MAX})
    document = Document.objects.select_for_update(of=("self",)).select_related("case", "case__organ").get(pk=document.pk)
    refusals = _refusals(document)
    if refusals:
        errors["document"] = refusals
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)

    now = timezone.now()
    files = list(DocumentFile.objects.select_for_update(of=("self",)).filter(document=document).select_related("blob")
                 .order_by("position", "version"))
    contents = {f.blob_id: f.blob for f in files}
    for request in CopyRequest.objects.filter(document=document, copy_blob__isnull=False).select_related("copy_blob"):
        contents.setdefault(request.copy_blob_id, request.copy_blob)
    mark = {DISPOSED_KEY: {"at": now.isoformat()}}
    for document_file in files:
        document_file.privacy, document_file.privacy_withheld, document_file.privacy_pending = mark, True, False
        # save(), not update(): the outputs that listen to the register (search) see the file change
        document_file.save(update_fields=["privacy", "privacy_withheld", "privacy_pending"])
    if document.privacy or document.privacy_pending:
        # The description as written and what the assistant found in it go; the
        # column keeps what the public has always seen.
        document.privacy, document.privacy_pending = {}, False
        document.save(update_fields=["privacy", "privacy_pending"])
    # A decided request for the document keeps what was decided (outcome, legal ground, which pages),
    # not the phrases cut from the copy: they are the document's content.
    for request in CopyRequest.objects.filter(document=document).exclude(redaction={}):
        if request.redaction.get("phrases"):
            request.redaction = {**request.redaction, "phrases": [], "phrases_disposed": len(request.redaction["phrases"])}
            request.save(update_fields=["redaction"])
    for follower in extensions.document_disposed_followers():
        follower(document)
    deleted: list[str] = []
    kept = 0
    for blob in contents.values():
        if file_store.blob_disposed(blob):
            continue
        if _other_references(blob, document):
            kept += 1
            continue
        blob.notes = [*(n for n in blob.notes or () if isinstance(n, dict)),
                      {"code": file_store.NOTE_DISPOSED, "at": now.isoformat()}]
        blob.save(update_fields=["notes"])  # save(): the search app drops the text it kept
        deleted.append(blob.storage_name)
    if deleted:
        transaction.on_commit(lambda: _storage_delete(deleted))
    size = sum(f.blob.size for f in files)
    details = _("Gallrad enligt %(rule)s. Beslut: %(decision)s.") % {"rule": rule_text, "decision": decision_text}
    event_append(case=document.case, document=document, kind=DisposalEvent.DOCUMENT_DISPOSED, actor=actor, at=now,
                 data={"number": document.number, "files": len(files), "bytes": size, "rule": rule_text,
                       "decision": decision_text, "details": details})
    return DisposedDocument(document=document, files=len(files), bytes=size, contents_deleted=len(deleted),
                            contents_kept=kept)
