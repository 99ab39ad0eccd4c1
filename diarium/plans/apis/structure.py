"""A plan's structure over JSON: focus areas, goals, indicators with their
targets, and actions with responsible organ and person, dates, funding and a
budget per year. Each row is found only by those who may see its plan; the
services check the right to change it.
"""

from __future__ import annotations

from ninja import Router, Status

from diarium.accounts import selectors as people
from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id

from .. import selectors, services
from . import serialise
from .schemas import (
    ActionDetailOut,
    ActionIn,
    ActionUpdateIn,
    FocusAreaIn,
    FocusAreaOut,
    FocusAreaUpdateIn,
    GoalIn,
    GoalOut,
    GoalUpdateIn,
    IndicatorIn,
    IndicatorOut,
    IndicatorUpdateIn,
)

router = Router(tags=["Styrdokument och uppföljning"])


@router.post(
    "/plans/{plan_id}/focus-areas", response={201: FocusAreaOut, **ERRORS}, auth=WRITE, url_name="focus_area_create"
)
def focus_area_create(request, plan_id: Id, payload: FocusAreaIn):
    item = services.focus_area_save(
        actor=actor(request),
        document=selectors.plan_get(user=actor(request), pk=plan_id),
        title=payload.title,
        description=payload.description,
    )
    return Status(201, serialise.focus_area_out(item))


@router.patch(
    "/focus-areas/{focus_area_id}", response={200: FocusAreaOut, **ERRORS}, auth=WRITE, url_name="focus_area_update"
)
def focus_area_update(request, focus_area_id: Id, payload: FocusAreaUpdateIn):
    item = selectors.focus_area_get(user=actor(request), pk=focus_area_id)
    changes = payload.dict(exclude_unset=True)
    item = services.focus_area_save(
        actor=actor(request),
        document=item.document,
        focus_area=item,
        title=changes.get("title") if "title" in changes else item.title,
        description=changes.get("description") if "description" in changes else item.description,
    )
    return serialise.focus_area_out(item)


@router.delete("/focus-areas/{focus_area_id}", response={204: None, **ERRORS}, auth=WRITE, url_name="focus_area_delete")
def focus_area_delete(request, focus_area_id: Id):
    """Remove a focus area with its goals, indicators and actions (not if a follow-up reported on them)."""
    services.structure_delete(
        actor=actor(request), item=selectors.focus_area_get(user=actor(request), pk=focus_area_id)
    )
    return Status(204, None)


@router.post(
    "/focus-areas/{focus_area_id}/goals", response={201: GoalOut, **ERRORS}, auth=WRITE, url_name="goal_create"
)
def goal_create(request, focus_area_id: Id, payload: GoalIn):
    area = selectors.focus_area_get(user=actor(request), pk=focus_area_id)
    item = services.goal_save(
        actor=actor(request), focus_area=area, title=payload.title, description=payload.description
    )
    return Status(201, serialise.goal_out(item))


@router.patch("/goals/{goal_id}", response={200: GoalOut, **ERRORS}, auth=WRITE, url_name="goal_update")
def goal_update(request, goal_id: Id, payload: GoalUpdateIn):
    user = actor(request)
    item = selectors.goal_get(user=user, pk=goal_id)
    changes = payload.dict(exclude_unset=True)
    area = item.focus_area
    if changes.get("focus_area") is not None:
        area = selectors.focus_area_in_plan(
            document_id=item.focus_area.document_id, pk=changes["focus_area"], field="focus_area"
        )
    item = services.goal_save(
        actor=user,
        focus_area=area,
        goal=item,
        title=changes["title"] if changes.get("title") is not None else item.title,
        description=changes["description"] if changes.get("description") is not None else item.description,
    )
    return serialise.goal_out(item)


@router.delete("/goals/{goal_id}", response={204: None, **ERRORS}, auth=WRITE, url_name="goal_delete")
def goal_delete(request, goal_id: Id):
    services.structure_delete(actor=actor(request), item=selectors.goal_get(user=actor(request), pk=goal_id))
    return Status(204, None)


@router.post(
    "/goals/{goal_id}/indicators", response={201: IndicatorOut, **ERRORS}, auth=WRITE, url_name="indicator_create"
)
def indicator_create(request, goal_id: Id, payload: IndicatorIn):
    goal = selectors.goal_get(user=actor(request), pk=goal_id)
    item = services.indicator_save(
        actor=actor(request),
        goal=goal,
        name=payload.name,
        unit=payload.unit,
        baseline=payload.baseline,
        baseline_year=payload.baseline_year,
        targets={k: str(v) for k, v in payload.targets.items()},
    )
    return Status(201, serialise.indicator_out(item))


@router.patch(
    "/indicators/{indicator_id}", response={200: IndicatorOut, **ERRORS}, auth=WRITE, url_name="indicator_update"
)
def indicator_update(request, indicator_id: Id, payload: IndicatorUpdateIn):
    user = actor(request)
    item = selectors.indicator_get(user=user, pk=indicator_id)
    changes = payload.dict(exclude_unset=True)

    def value(name, current):
        return changes[name] if name in changes else current

    targets = value("targets", item.targets) or {}
    item = services.indicator_save(
        actor=user,
        goal=item.goal,
        indicator=item,
        name=value("name", item.name) or "",
        unit=value("unit", item.unit) or "",
        baseline=value("baseline", item.baseline),
        baseline_year=value("baseline_year", item.baseline_year),
        targets={k: str(v) for k, v in targets.items()},
    )
    return serialise.indicator_out(item)


@router.delete("/indicators/{indicator_id}", response={204: None, **ERRORS}, auth=WRITE, url_name="indicator_delete")
def indicator_delete(request, indicator_id: Id):
    services.structure_delete(actor=actor(request), item=selectors.indicator_get(user=actor(request), pk=indicator_id))
    return Status(204, None)


def _budgets(rows) -> list[services.BudgetInput]:
    return [services.BudgetInput(year=b.year, operating=b.operating, investment=b.investment) for b in rows]


@router.post(
    "/goals/{goal_id}/actions", response={201: ActionDetailOut, **ERRORS}, auth=WRITE, url_name="action_create"
)
def action_create(request, goal_id: Id, payload: ActionIn):
    """Add an action with its responsible organ and person, dates, funding and a budget per year."""
    user = actor(request)
    goal = selectors.goal_get(user=user, pk=goal_id)
    org_id = goal.focus_area.document.organisation_id
    item = services.action_save(
        actor=user,
        goal=goal,
        title=payload.title,
        description=payload.description,
        responsible_organ=people.organ_referenced(
            payload.responsible_organ, field="responsible_organ", organisation_id=org_id
        ),
        responsible_person=people.person_referenced(
            payload.responsible_person, field="responsible_person", organisation_id=org_id
        ),
        start=payload.start,
        end=payload.end,
        funding_source=payload.funding_source,
        weight=payload.weight,
        internal_note=payload.internal_note,
        budgets=_budgets(payload.budgets),
    )
    return Status(201, serialise.action_out(item))


@router.patch("/actions/{action_id}", response={200: ActionDetailOut, **ERRORS}, auth=WRITE, url_name="action_update")
def action_update(request, action_id: Id, payload: ActionUpdateIn):
    """Change an action: only the fields sent. A non-empty `budgets` replaces every budget row."""
    user = actor(request)
    item = selectors.action_get(user=user, pk=action_id)
    document = item.goal.focus_area.document
    changes = payload.dict(exclude_unset=True)
    goal = item.goal
    if changes.get("goal") is not None:
        goal = selectors.goal_in_plan(document=document, pk=changes["goal"], field="goal")

    def value(name, current):
        return changes[name] if name in changes else current

    organ = item.responsible_organ
    if "responsible_organ" in changes:
        organ = people.organ_referenced(
            changes["responsible_organ"], field="responsible_organ", organisation_id=document.organisation_id
        )
    person = item.responsible_person
    if "responsible_person" in changes:
        person = people.person_referenced(
            changes["responsible_person"], field="responsible_person", organisation_id=document.organisation_id
        )
    budgets = _budgets(payload.budgets) if payload.budgets else []
    item = services.action_save(
        actor=user,
        goal=goal,
        action=item,
        title=value("title", item.title) or "",
        description=value("description", item.description) or "",
        responsible_organ=organ,
        responsible_person=person,
        start=value("start", item.start),
        end=value("end", item.end),
        funding_source=value("funding_source", item.funding_source) or "",
        weight=value("weight", item.weight),
        internal_note=value("internal_note", item.internal_note) or "",
        budgets=budgets,
    )
    return serialise.action_out(item)


@router.delete("/actions/{action_id}", response={204: None, **ERRORS}, auth=WRITE, url_name="action_delete")
def action_delete(request, action_id: Id):
    """Remove an action (not once a follow-up has reported on it: report it cancelled instead)."""
    services.structure_delete(actor=actor(request), item=selectors.action_get(user=actor(request), pk=action_id))
    return Status(204, None)
