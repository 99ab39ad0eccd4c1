"""Reads of requests for public documents (CopyRequest), for staff: every one
takes the acting user and returns only the requests of the cases where that
user may read internal data (access.can_read_copy_requests), the requester's
details included. The public reads none of them, in no output."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Person
from diarium.core.errors import DomainError, NotFound, PermissionDenied

from .. import access
from ..models import COPY_FORMATS, Blob, CopyRequest, Document, DocumentFile

RECENT_DAYS = 30  # how long a decided request stays on the list of requests


def _rows() -> QuerySet[CopyRequest]:
    return CopyRequest.objects.select_related(
        "case", "case__organ", "document", "assigned_to", "decision_document", "decision_document__case",
        "decided_by", "copy_blob")


def _scoped(user) -> QuerySet[CopyRequest]:
    scope = access.copy_requests_scope(user)
    if scope is False:
        raise PermissionDenied(_("Du har inte behörighet att se begäranden om allmänna handlingar."))
    rows = _rows()
    return rows if scope is True else rows.filter(scope)


def copy_request_list(*, user, organisation: int | None = None, case: int | None = None,
                      status: str | None = None) -> QuerySet[CopyRequest]:
    """Requests newest first, of the cases where this user may read internal
    data (the same rule as the case history). `status`: "open" (undecided) or
    "decided". Someone who may read internal data nowhere is refused."""
    rows = _scoped(user)
    if organisation is not None:
        rows = rows.filter(organisation_id=organisation)
    if case is not None:
        rows = rows.filter(case_id=case)
    if status == "open":
        rows = rows.filter(decided_at__isnull=True)
    elif status == "decided":
        rows = rows.filter(decided_at__isnull=False)
    return rows.order_by("-received_at", "-id")


def copy_requests_open(user, organisation: int | None = None) -> QuerySet[CopyRequest]:
    """Undecided requests the user may read, the one due first at the top."""
    rows = _scoped(user).filter(decided_at__isnull=True)
    if organisation is not None:
        rows = rows.filter(organisation_id=organisation)
    return rows.order_by("due_at", "id")


def copy_requests_recent(user, organisation: int | None = None, *, days: int = RECENT_DAYS,
                         now: dt.datetime | None = None) -> QuerySet[CopyRequest]:
    """Requests decided in the last `days` days, newest decision first."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    rows = _scoped(user).filter(decided_at__gte=since)
    if organisation is not None:
        rows = rows.filter(organisation_id=organisation)
    return rows.order_by("-decided_at", "-id")


def copy_request_get(user, pk: int) -> CopyRequest:
    """One request, for staff who may read its case's internal data."""
    request = _rows().filter(pk=pk).first()
    if request is None:
        raise NotFound(_("Begäran finns inte."))
    if not access.can_read_copy_requests(user, request.case):
        raise PermissionDenied(_("Du har inte behörighet att se begäran."))
    return request


def copy_request_for_write(*, pk: int) -> CopyRequest:
    """A request to hand to a write service (which checks the rights itself)."""
    request = _rows().filter(pk=pk).first()
    if request is None:
        raise NotFound(_("Begäran finns inte."))
    return request


def copy_request_copy(user, request: CopyRequest) -> tuple[Blob, str]:
    """The copy made for the requester and its file name, for staff who may read
    the case's secret documents (access.can_read_copy)."""
    if not access.can_read_copy(user, request.case):
        raise PermissionDenied(_("Du har inte behörighet att ladda ner kopian."))
    if request.copy_blob_id is None:
        raise NotFound(_("Det finns ingen kopia att ladda ner."))
    return request.copy_blob, request.copy_filename or f"kopia-{request.pk}"


def copy_source_file(document: Document) -> DocumentFile | None:
    """The file a copy of the document is made from: the current version of its
    first PDF (a scan's OCR version, which has the text layer), else the current
    version of its first file of any kind; None for a document with no file
    (a paper document, copied by hand)."""
    current = list(access.document_files(latest=True).filter(document=document).select_related("blob")
                   .order_by("position"))
    pdf = next((f for f in current if f.blob.content_type.split(";")[0].strip() == "application/pdf"), None)
    return pdf or (current[0] if current else None)


def copy_request_assignees(request: CopyRequest) -> QuerySet[Person]:
    """The people of the request's organisation it may be given to."""
    return Person.objects.filter(organisation_id=request.organisation_id).order_by("name")


def person_referenced(*, pk: int | None, field: str = "person") -> Person | None:
    """A person named in a request (their organisation is checked by the service)."""
    if pk is None:
        return None
    found = Person.objects.filter(pk=pk).first()
    if found is None:
        raise DomainError(_("Personen finns inte."), field=field)
    return found


# --- entries, as the list and the API show them -------------------------------------------------
@dataclass
class AssigneeEntry:
    id: int
    name: str


@dataclass
class CopyRequestEntry:
    """A request as staff see it (the requester's details included)."""

    id: int
    at: dt.datetime
    case_id: int
    diary_number: str
    document_id: int
    reference: str
    channel: str
    name: str
    contact: str
    format: str
    format_label: str
    message: str
    document_secret: bool
    status: str  # "received", "assigned" or "decided"
    due_at: dt.datetime
    overdue: bool
    assigned_to: AssigneeEntry | None
    outcome: str
    outcome_label: str
    legal_ground: str
    decided_at: dt.datetime | None
    decision_document_id: int | None
    decision_reference: str
    has_copy: bool
    delivery: str
    sent_at: dt.datetime | None


def copy_request_status(request: CopyRequest) -> str:
    if request.decided:
        return "decided"
    return "assigned" if request.assigned_to_id else "received"


def copy_request_overdue(request: CopyRequest, *, now: dt.datetime | None = None) -> bool:
    """Undecided after its due time."""
    return not request.decided and request.due_at < (now or timezone.now())


def copy_request_entry(request: CopyRequest, *, now: dt.datetime | None = None) -> CopyRequestEntry:
    now = now or timezone.now()
    case, document = request.case, request.document
    decision = request.decision_document
    return CopyRequestEntry(
        id=request.pk, at=request.received_at, case_id=case.pk, diary_number=case.diary_number,
        document_id=document.pk, reference=f"{case.diary_number}-{document.number}", channel=request.channel,
        name=request.name, contact=request.contact, format=request.format,
        format_label=str(COPY_FORMATS.get(request.format, request.format)), message=request.message,
        document_secret=request.document_secret, status=copy_request_status(request), due_at=request.due_at,
        overdue=copy_request_overdue(request, now=now),
        assigned_to=AssigneeEntry(id=request.assigned_to.pk, name=request.assigned_to.name)
        if request.assigned_to_id else None,
        outcome=request.outcome, outcome_label=str(request.get_outcome_display()) if request.outcome else "",
        legal_ground=request.legal_ground, decided_at=request.decided_at,
        decision_document_id=request.decision_document_id,
        decision_reference=f"{decision.case.diary_number}-{decision.number}" if decision else "",
        has_copy=request.copy_blob_id is not None, delivery=request.delivery, sent_at=request.sent_at,
    )


def copy_request_entries(requests) -> list[CopyRequestEntry]:
    """Entries of requests from copy_request_list, for the API."""
    now = timezone.now()
    return [copy_request_entry(r, now=now) for r in requests]
