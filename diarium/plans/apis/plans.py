"""Steering documents over JSON: listing them, creating one on a case, reading
one (staff: the working copy; the public: the latest adopted version, with the
roll-up of progress, money and indicators) and changing its facts and status.
"""

from __future__ import annotations

from ninja import Query, Router, Status

from diarium.accounts import selectors as people
from diarium.accounts.sites import require_on_site, site_organisation_id
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.registry import selectors as registry

from .. import access, selectors, services
from . import serialise
from .schemas import (
    PlanFilters,
    PlanIn,
    PlanListItem,
    PlanOut,
    PlanStatusIn,
    PlanUpdateIn,
)

router = Router(tags=["Styrdokument och uppföljning"])


@router.get("/plans", response={200: list[PlanListItem], **ERRORS}, auth=PUBLIC_READ, url_name="plan_list")
def plan_list(request, filters: Query[PlanFilters]):
    """Steering documents: the public sees those with an adopted version, staff also drafts."""
    plans = selectors.plan_list(user=actor(request), organisation_id=site_organisation_id(request, filters.organisation))
    if filters.case is not None:
        plans = [p for p in plans if p.case_id == filters.case]
    return [serialise.list_item(p) for p in plans]


@router.post("/cases/{case_id}/plans", response={201: PlanOut, **ERRORS}, auth=WRITE, url_name="plan_create")
def plan_create(request, case_id: Id, payload: PlanIn):
    """Create a steering document (a draft) on a case."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    access.require_create(user, case)
    document = services.plan_create(
        actor=user,
        case=case,
        kind=payload.kind,
        title=payload.title,
        period_start=payload.period_start,
        period_end=payload.period_end,
        owner_organ=people.organ_referenced(
            payload.owner_organ, field="owner_organ", organisation_id=case.organisation_id
        ),
        process_owner=people.person_referenced(
            payload.process_owner, field="process_owner", organisation_id=case.organisation_id
        ),
        process_owner_role=payload.process_owner_role,
        parent=selectors.parent_referenced(user=user, pk=payload.parent, organisation_id=case.organisation_id),
        weighting=payload.weighting,
        follow_up_months=payload.follow_up_months,
        description=payload.description,
    )
    return Status(201, serialise.fresh_plan(request, document.pk))


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, auth=PUBLIC_READ, url_name="plan_detail")
def plan_detail(request, plan_id: Id):
    """The plan's facts and structure (staff: the working copy; the public: the
    latest adopted version), its versions, follow-ups and the roll-up of
    progress, money per year and indicators against targets."""
    require_on_site(request, selectors.plan_get(user=actor(request), pk=plan_id).organisation_id)
    return serialise.fresh_plan(request, plan_id)


@router.patch("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, auth=WRITE, url_name="plan_update")
def plan_update(request, plan_id: Id, payload: PlanUpdateIn):
    """Change the plan's facts: only the fields sent."""
    user = actor(request)
    document = selectors.plan_get(user=actor(request), pk=plan_id)
    changes = payload.dict(exclude_unset=True)
    if "owner_organ" in changes:
        changes["owner_organ"] = people.organ_referenced(
            changes["owner_organ"], field="owner_organ", organisation_id=document.organisation_id
        )
    if "process_owner" in changes:
        changes["process_owner"] = people.person_referenced(
            changes["process_owner"], field="process_owner", organisation_id=document.organisation_id
        )
    if "parent" in changes:
        changes["parent"] = selectors.parent_referenced(
            user=user, pk=changes["parent"], organisation_id=document.organisation_id, own_pk=document.pk
        )
    services.plan_update(actor=user, document=document, **changes)
    return serialise.fresh_plan(request, plan_id)


@router.post("/plans/{plan_id}/status", response={200: PlanOut, **ERRORS}, auth=WRITE, url_name="plan_status")
def plan_status(request, plan_id: Id, payload: PlanStatusIn):
    """Draft, on remiss, replaced or repealed."""
    services.plan_set_status(
        actor=actor(request), document=selectors.plan_get(user=actor(request), pk=plan_id), status=payload.status
    )
    return serialise.fresh_plan(request, plan_id)
