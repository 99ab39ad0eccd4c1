"""A file read into an organisation, queued for the registrar's review, and
a proposal the registrar rejects. A file is queued once per organisation: its
SHA-256 is the key, so a file read in before (or registered already) is not
queued again."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import PureWindowsPath

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organisation
from diarium.core.control_characters import CONTROL_CHARACTERS
from diarium.core.errors import Conflict, DomainError
from diarium.decisions.models import Meeting, Minutes
from diarium.registry import files as file_store
from diarium.registry.history import actor_name as name_of
from diarium.registry.history import event_append
from diarium.registry.models import DocumentFile

from .. import access
from ..events import ReadingEvent
from ..models import FILENAME_MAX, PROBLEM_MAX, ImportProposal, Kind


def proposal_queue(*, actor, organisation: Organisation, filename: str, content: bytes, result,
                   actor_name: str | None = None, now: dt.datetime | None = None
                   ) -> tuple[ImportProposal | None, bool]:
    """Queue a file read by the reader (`result`, reader.Result) for review:
    its content stored in the register's blob store (where it is of a type
    the register takes), the reader's proposal kept beside its text; or,
    where it could not be read, kept as unreadable with the reader's problem.
    Returns (the proposal, True), or (the proposal queued before, False) for a
    file whose SHA-256 the organisation has queued already, or (None, False)
    for one it has registered already by another way (a document's file, the
    minutes' file)."""
    access.require_import(actor, organisation)
    sha256 = hashlib.sha256(content).hexdigest()
    existing = ImportProposal.objects.filter(organisation=organisation, sha256=sha256).first()
    if existing is not None:
        return existing, False
    if file_registered(organisation, sha256):
        return None, False
    now = now or timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            proposal = _proposal(actor=actor, organisation=organisation, filename=filename, content=content,
                                 sha256=sha256, result=result, actor_name=actor_name, now=now, written=written)
    except IntegrityError:
        file_store.remove_unreferenced(written)
        existing = ImportProposal.objects.filter(organisation=organisation, sha256=sha256).first()
        if existing is None:
            raise
        return existing, False  # queued at the same moment by another request
    except BaseException:
        file_store.remove_unreferenced(written)
        raise
    return proposal, True


def file_registered(organisation: Organisation, sha256: str) -> bool:
    """Whether the organisation's register holds this content already: a
    document's file, or a meeting's minutes or notice."""
    return (DocumentFile.objects.filter(blob_id=sha256, document__case__organisation=organisation).exists()
            or Minutes.objects.filter(blob_id=sha256, meeting__organisation=organisation).exists()
            or Meeting.objects.filter(notice_blob_id=sha256, organisation=organisation).exists())


def _proposal(*, actor, organisation, filename, content, sha256, result, actor_name, now, written) -> ImportProposal:
    name = _base_name(filename)
    content_type = file_store.detect_content_type(content[:65536]) if content else ""
    blob = None
    if content and content_type in file_store.allowed_types():
        checked = file_store.checked_content(name, content, content_type)
        checked.notes = file_store.inspect_content(io.BytesIO(content), content_type)
        blob = file_store.blob_store(checked, written=written)
    reading = getattr(result, "reading", None)
    proposal = ImportProposal(
        organisation=organisation, filename=name, sha256=sha256, size=len(content), content_type=content_type[:200],
        blob=blob, created_at=now, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_by_name=actor_name if actor_name is not None else name_of(actor))
    extract = {"file": str(getattr(result, "file", "") or filename), "method": getattr(result, "method", ""),
               "pages": getattr(result, "pages", 0), "notes": [str(n) for n in getattr(result, "notes", []) or []]}
    if reading is None:
        proposal.status = ImportProposal.Status.UNREADABLE
        proposal.problem = (getattr(result, "problem", None) or _("Filen kunde inte läsas."))[:PROBLEM_MAX]
        proposal.reading = extract
    else:
        proposal.text = CONTROL_CHARACTERS.sub(" ", reading.text or "")  # the same length: spans still fit
        kind = reading.values.get("kind")
        proposal.kind = kind if kind in Kind.values else Kind.OTHER
        proposal.confidence = float(reading.overall())
        proposal.reading = {
            **extract, "values": _clean(reading.values), "confidence": dict(reading.confidence),
            "spans": {key: [[int(s), int(e)] for s, e in spans] for key, spans in reading.spans.items()},
            "extra": _clean(reading.extra)}
    proposal.save()
    details = _("%(file)s (%(status)s)") % {"file": name, "status": proposal.get_status_display()}
    event_append(case=None, organisation_id=organisation.pk, kind=ReadingEvent.PROPOSAL_QUEUED, actor=actor,
                 actor_name=actor_name, at=now, data={"proposal": proposal.pk, "file": name, "sha256": sha256,
                                                      "status": proposal.status, "details": details})
    return proposal


def _base_name(filename: str) -> str:
    """The file's own name, without the folders the command line gave."""
    name = PureWindowsPath(str(filename or "")).name.strip() or _("namnlös fil")
    return CONTROL_CHARACTERS.sub("", name)[:FILENAME_MAX]


def _clean(value):
    """JSON of the reading with control characters blanked (a PDF's text may hold them)."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub(" ", value)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


@transaction.atomic
def proposal_reject(*, actor, proposal: ImportProposal, reason: str, actor_name: str | None = None,
                    now: dt.datetime | None = None) -> ImportProposal:
    """Reject a pending proposal, with why: nothing of it is registered, and
    the file is not read in again (its SHA-256 stays known)."""
    access.require_import(actor, proposal.organisation_id)
    reason = CONTROL_CHARACTERS.sub(" ", reason if isinstance(reason, str) else "").strip()
    if not reason:
        raise DomainError(_("Ange varför förslaget avvisas."), field="reason")
    if len(reason) > PROBLEM_MAX:
        raise DomainError(_("Högst %(limit)s tecken.") % {"limit": PROBLEM_MAX}, field="reason")
    proposal = ImportProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ImportProposal.Status.PENDING:
        raise Conflict(_("Förslaget är redan avgjort (%(status)s).") % {"status": proposal.get_status_display()})
    now = now or timezone.now()
    proposal.status, proposal.reason = ImportProposal.Status.REJECTED, reason
    proposal.decided_at = now
    proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    proposal.decided_by_name = actor_name if actor_name is not None else name_of(actor)
    proposal.save(update_fields=["status", "reason", "decided_at", "decided_by", "decided_by_name"])
    event_append(case=None, organisation_id=proposal.organisation_id, kind=ReadingEvent.PROPOSAL_REJECTED,
                 actor=actor, actor_name=actor_name, at=now,
                 data={"proposal": proposal.pk, "file": proposal.filename, "sha256": proposal.sha256,
                       "reason": reason, "details": _("%(file)s: %(reason)s") % {"file": proposal.filename,
                                                                                "reason": reason[:300]}})
    return proposal
