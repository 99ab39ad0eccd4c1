"""Bulk actions on cases over JSON: thin over services.cases_bulk_change, the
same function as the case list's form (views_bulk.py). All or nothing: if one
case cannot be changed, none is, and the 400 answer names each refused case
(errors.cases: "2018.12 KS: Ärendet är redan avslutat.")."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema

from diarium.accounts import selectors as people
from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.core.errors import DomainError
from diarium.core.lookups import referenced

from . import selectors, services
from .models import REASON_MAX

router = Router(tags=["Diarium"])


class CaseBulkIn(Schema):
    cases: list[Id] = Field(min_length=1, max_length=services.BULK_MAX, description="Ärendenas id.")
    action: Literal["reassign", "classify", "close"] = Field(description=(
        "reassign: byt handläggare (case_officer krävs); classify: sätt klassificering (classification krävs); "
        "close: avsluta ärendena."))
    case_officer: Id | None = Field(None, description="Den handläggare ärendena ska få (reassign).")
    classification: Id | None = Field(None, description="Den klassificering ärendena ska få (classify).")
    reason: str = Field("", max_length=REASON_MAX, description="Kommentar som sparas i varje ärendes historik.")


class BulkCaseRef(Schema):
    id: int
    diary_number: str


class CaseBulkOut(Schema):
    action: Literal["reassign", "classify", "close"]
    changed: list[BulkCaseRef] = Field(description="Ärendena som ändrades; vart och ett fick en händelse.")
    unchanged: list[BulkCaseRef] = Field(description="Ärendena som redan hade handläggaren eller "
                                                     "klassificeringen; de fick ingen händelse.")




@router.post("/cases/bulk", response={200: CaseBulkOut, **ERRORS}, auth=WRITE, url_name="case_bulk")
def case_bulk(request, payload: CaseBulkIn):
    """Reassign, classify or close many cases at once, each with its own event.
    If any case cannot be changed (your rights on its organ, a case already
    closed, an officer or classification of another organisation) nothing is
    changed: 400, with errors.cases naming each refused case and why."""
    officer = (referenced(lambda: people.person_get(pk=payload.case_officer), "case_officer")
               if payload.case_officer is not None else None)
    try:
        result = services.cases_bulk_change(
            actor=actor(request), cases=payload.cases, action=payload.action, officer=officer,
            classification=selectors.classification_referenced(pk=payload.classification), reason=payload.reason,
        )
    except DomainError as exc:
        if "officer" in exc.errors:  # the service's name for what this API calls case_officer
            exc.errors["case_officer"] = exc.errors.pop("officer")
        raise
    return {"action": result.action, "changed": result.changed, "unchanged": result.unchanged}
