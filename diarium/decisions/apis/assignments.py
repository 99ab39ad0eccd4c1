"""Assignments (uppdrag) given by decisions, over JSON: the open ones by
deadline, the case that answers one, and marking one done. Public once the
decision that gave it is.
"""

from __future__ import annotations

from ninja import Query, Router

from diarium.accounts import selectors as people
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id

from .. import selectors, services
from . import serialise
from .schemas import AnsweringCaseIn, AssignmentFilters, AssignmentOut, CompleteIn

router = Router(tags=["Sammanträden och beslut"])


@router.get("/assignments", response={200: list[AssignmentOut], **ERRORS}, auth=PUBLIC_READ, url_name="assignment_list")
def assignment_list(request, filters: Query[AssignmentFilters]):
    """Open assignments (uppdrag) from adjusted decisions, by deadline."""
    user = actor(request)
    organ = people.organ_referenced(filters.organ, field="organ")
    return [
        serialise.assignment_out(user, a)
        for a in selectors.open_assignments(organ=organ, organisation_id=filters.organisation)
    ]


@router.post(
    "/assignments/{assignment_id}/answering-case",
    response={200: AssignmentOut, **ERRORS},
    auth=WRITE,
    url_name="assignment_answering_case",
)
def assignment_answering_case(request, assignment_id: Id, payload: AnsweringCaseIn):
    """Record the case that answers the assignment."""
    user = actor(request)
    assignment = selectors.assignment_get(user=user, pk=assignment_id)
    case = selectors.case_referenced(
        user=user, pk=payload.case, field="case", organisation_id=assignment.organ.organisation_id
    )
    services.assignment_link_case(actor=user, assignment=assignment, case=case)
    return serialise.assignment_out(user, selectors.assignment_get(user=user, pk=assignment_id))


@router.post(
    "/assignments/{assignment_id}/complete",
    response={200: AssignmentOut, **ERRORS},
    auth=WRITE,
    url_name="assignment_complete",
)
def assignment_complete(request, assignment_id: Id, payload: CompleteIn):
    """Mark the assignment done, optionally by the decision that completes it."""
    user = actor(request)
    assignment = selectors.assignment_get(user=user, pk=assignment_id)
    decision = selectors.decision_referenced(
        user=user, pk=payload.decision, field="decision", organisation_id=assignment.organ.organisation_id
    )
    services.assignment_complete(actor=user, assignment=assignment, decision=decision)
    return serialise.assignment_out(user, selectors.assignment_get(user=user, pk=assignment_id))
