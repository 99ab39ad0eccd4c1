"""Due dates ("bevakningar") over JSON: thin over services.due_date_set and
due_date_done and selectors.due_dates. Read by staff who may read the case's
internal data, set and marked done by those who register its documents."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id, Offset
from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.limits import IsoDate

from . import access, selectors, services
from .models import DUE_REASON_MAX
from .selectors import due_dates as due_selectors

router = Router(tags=["Diarium"])

MAX_PAGE = 100


class DueDateIn(Schema):
    due_on: IsoDate = Field(description="Bevakningsdatum (ÅÅÅÅ-MM-DD), i dag eller senare.")
    reason: str = Field(max_length=DUE_REASON_MAX, description="Vad som ska bevakas.")
    document_id: Id | None = Field(None, description="En handling i ärendet som bevakningen gäller.")
    person_id: Id | None = Field(None, description="Vem som bevakar; utelämnad: ärendets handläggare.")


class DueDateOut(Schema):
    id: int
    case_id: int
    diary_number: str
    document_id: int | None
    due_on: dt.date
    reason: str
    person_id: int | None
    person: str
    overdue: bool
    created_at: dt.datetime
    done_at: dt.datetime | None


class DueDatePage(Schema):
    count: int
    items: list[DueDateOut]


class DueDateFilters(Schema):
    mine: bool = Field(False, description="Bara de som du själv bevakar.")
    organisation: Id | None = None
    organ: Id | None = None
    overdue: bool = Field(False, description="Bara de vars datum har passerat.")
    limit: int = Field(25, ge=1, le=MAX_PAGE)
    offset: Offset = 0


def _out(due) -> dict:
    return {"id": due.pk, "case_id": due.case_id, "diary_number": due.case.diary_number,
            "document_id": due.document_id, "due_on": due.due_on, "reason": due.reason,
            "person_id": due.person_id, "person": due.person.name if due.person_id else "",
            "overdue": due.done_at is None and due.due_on < due_selectors.today(),
            "created_at": due.created_at, "done_at": due.done_at}


@router.get("/due-dates", response={200: DueDatePage, **ERRORS}, auth=WRITE, url_name="due_date_list")
def due_date_list(request, filters: Query[DueDateFilters]):
    """Open due dates of the cases whose internal data you read, soonest first."""
    user = actor(request)
    person = getattr(user, "person", None) if filters.mine else None
    if filters.mine and person is None:
        return {"count": 0, "items": []}
    qs = due_selectors.open_due_dates(user=user, person_id=person.pk if person else None,
                                      organisation_id=filters.organisation, organ_id=filters.organ,
                                      overdue=filters.overdue)
    rows = list(qs[filters.offset: filters.offset + filters.limit])
    return {"count": qs.count(), "items": [_out(d) for d in rows]}


@router.get("/cases/{case_id}/due-dates", response={200: list[DueDateOut], **ERRORS}, auth=WRITE,
            url_name="case_due_dates")
def case_due_dates(request, case_id: Id):
    """A case's due dates, open first."""
    user = actor(request)
    case = selectors.case_get(user=user, pk=case_id)
    if not access.can_read_internal(user, case):
        raise PermissionDenied(_("Du har inte behörighet att se ärendets bevakningar."))
    return [_out(d) for d in due_selectors.case_due_dates(user=user, case=case)]


@router.post("/cases/{case_id}/due-dates", response={201: DueDateOut, **ERRORS}, auth=WRITE,
             url_name="due_date_set")
def due_date_set(request, case_id: Id, payload: DueDateIn):
    """Set a due date on the case, or on one of its documents."""
    user = actor(request)
    case = selectors.case_get(user=user, pk=case_id)
    document = person = None
    if payload.document_id is not None:
        document = selectors.document_for_write(pk=payload.document_id)
    if payload.person_id is not None:
        person = selectors.case_officers(organisation=case.organisation_id).filter(pk=payload.person_id).first()
        if person is None:
            raise DomainError(_("Personen finns inte i organisationen."), field="person_id")
    due = services.due_date_set(actor=user, case=case, due_on=payload.due_on, reason=payload.reason,
                                document=document, person=person)
    return Status(201, _out(due))


@router.post("/due-dates/{due_date_id}/done", response={200: DueDateOut, **ERRORS}, auth=WRITE,
             url_name="due_date_done")
def due_date_done(request, due_date_id: Id):
    """Mark a due date handled."""
    user = actor(request)
    due = services.due_date_done(actor=user, due=due_selectors.due_date_get(user=user, pk=due_date_id))
    return _out(due)
