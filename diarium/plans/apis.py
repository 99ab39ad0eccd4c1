"""Steering documents and their follow-ups over JSON: thin endpoints over
services and selectors.

The same rules as the web: the public reads a plan once a version is adopted,
and then reads that version (never the working copy, never internal notes,
never comments marked internal); staff of the plan's case read the working
copy. Money is given as decimal strings ("250000.00"), the way it is stored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from diarium.accounts import selectors as people
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Amount, Id, Weight
from diarium.core.errors import DomainError, NotFound
from diarium.core.limits import IsoDate
from diarium.decisions import access as decisions_access
from diarium.decisions import selectors as decisions
from diarium.decisions.schemas import AgendaItemOut, DecisionRef, agenda_row
from diarium.registry import selectors as registry
from diarium.registry.schemas import DocumentOut, OrganRef, PersonRef

from . import access, selectors, services
from .models import (
    COMMENT_MAX, DESCRIPTION_MAX, INTERNAL_NOTE_MAX,
    Action, ActionReport, FocusArea, FollowUpRound, Goal, Indicator, IndicatorValue, PlanVersion, SteeringDocument,
)

router = Router(tags=["Styrdokument och uppföljning"])


PlanKind = Literal["vision", "strategy", "programme", "plan", "action_plan", "policy", "guideline"]
PlanStatus = Literal["draft", "on_remiss", "adopted", "replaced", "repealed"]
SettableStatus = Literal["draft", "on_remiss", "replaced", "repealed"]
Weighting = Literal["budget", "weights"]
FollowUpKind = Literal["yearly", "ad_hoc"]
FollowUpStatus = Literal["open", "closed"]
ReportStatus = Literal["not_started", "ongoing", "done", "postponed", "cancelled"]
ChangeKind = Literal["added", "removed", "rebudgeted", "changed"]


# --- schemas: the plan --------------------------------------------------------------------
class PlanFilters(Schema):
    organisation: Id | None = None
    case: Id | None = None


class PlanIn(Schema):
    kind: PlanKind
    title: str = Field(max_length=300)
    period_start: int = Field(ge=1901, le=2199, description="First year, e.g. 2019.")
    period_end: int = Field(ge=1901, le=2199, description="Last year, e.g. 2021.")
    owner_organ: Id = Field(description="Organ id of the owner, e.g. KS.")
    process_owner: Id | None = Field(None, description="Person id.")
    process_owner_role: str = Field("", max_length=200, description='E.g. "kommundirektör".')
    parent: Id | None = Field(None, description="Id of the steering document this one belongs to.")
    weighting: Weighting = Field("budget", description="How action progress is weighted: by budget or by weights.")
    follow_up_months: int = Field(12, ge=1, le=36)
    description: str = Field("", max_length=DESCRIPTION_MAX)


class PlanUpdateIn(Schema):
    """Only the fields sent are changed; null clears the process owner or parent."""

    kind: PlanKind = None
    title: str = Field(None, max_length=300)
    period_start: int = Field(None, ge=1901, le=2199)
    period_end: int = Field(None, ge=1901, le=2199)
    owner_organ: Id = None
    process_owner: Id | None = None
    process_owner_role: str = Field(None, max_length=200)
    parent: Id | None = None
    weighting: Weighting = None
    follow_up_months: int = Field(None, ge=1, le=36)
    description: str = Field(None, max_length=DESCRIPTION_MAX)


class PlanStatusIn(Schema):
    status: SettableStatus = Field(description="Adoption goes through POST …/adopt.")


class PlanListItem(Schema):
    id: int
    organisation_id: int
    case_id: int
    diary_number: str
    kind: PlanKind
    kind_label: str
    title: str
    period_start: int
    period_end: int
    status: PlanStatus
    status_label: str
    owner_organ: OrganRef
    latest_version: int | None


class PlanBudgetOut(Schema):
    year: int
    operating: str
    investment: str


class PlanActionOut(Schema):
    id: int
    title: str
    description: str
    responsible_organ_id: int | None
    responsible_organ: str
    responsible_person_id: int | None
    responsible_person: str
    start: dt.date | None
    end: dt.date | None
    funding_source: str
    weight: str | None
    budgets: list[PlanBudgetOut]


class PlanIndicatorOut(Schema):
    id: int
    name: str
    unit: str
    baseline: str | None
    baseline_year: int | None
    targets: dict[str, str] = Field(description='Target per year: {"2019": "40"}.')


class PlanGoalOut(Schema):
    id: int
    title: str
    description: str
    indicators: list[PlanIndicatorOut]
    actions: list[PlanActionOut]


class PlanFocusAreaOut(Schema):
    id: int
    title: str
    description: str
    goals: list[PlanGoalOut]


class PlanChangeOut(Schema):
    kind: ChangeKind
    title: str
    details: str


class ActionProgressOut(Schema):
    action_id: int
    title: str
    status: ReportStatus | None
    status_label: str
    progress: int
    weight: str
    reported: bool
    used_operating: str
    used_investment: str
    comment: str


class GoalProgressOut(Schema):
    goal_id: int
    title: str
    focus_area_id: int
    focus_area: str
    progress: float | None
    equal_weights: bool
    actions: list[ActionProgressOut]


class RollupOut(Schema):
    round_id: int | None = Field(description="The follow-up the progress comes from.")
    weighting: Weighting
    weighting_label: str = Field(description="The weighting rule, as stated on the page.")
    progress: float | None = Field(description="Progress of the whole plan in percent.")
    equal_weights: bool = Field(description="True when no action had a weight, so all counted equally.")
    cancelled: int = Field(description="Cancelled actions, left out of the progress.")
    unreported: int = Field(description="Actions nobody reported on, counted as 0 %.")
    goals: list[GoalProgressOut]


class MoneyRowOut(Schema):
    year: int
    budget_operating: str
    budget_investment: str
    used_operating: str | None = Field(description="Null when no follow-up of the year exists.")
    used_investment: str | None


class IndicatorPointOut(Schema):
    year: int
    measured: str | None
    target: str | None


class IndicatorRowOut(Schema):
    indicator_id: int
    name: str
    unit: str
    baseline: str | None
    baseline_year: int | None
    goal_id: int
    goal: str
    points: list[IndicatorPointOut]


class FollowUpListItem(Schema):
    id: int
    kind: FollowUpKind
    year: int
    title: str
    deadline: dt.date
    status: FollowUpStatus
    created_at: dt.datetime
    closed_at: dt.datetime | None
    report_document_id: int | None


class PlanVersionOut(Schema):
    number: int
    adopted_at: dt.datetime
    note: str
    decision: DecisionRef | None
    changes: list[PlanChangeOut] = Field(description="What changed against the previous version.")


class PlanOut(PlanListItem):
    description: str
    parent_id: int | None
    years: list[int]
    process_owner: PersonRef | None
    process_owner_role: str
    adopted_by: DecisionRef | None
    weighting: Weighting
    weighting_label: str
    follow_up_months: int
    created_at: dt.datetime
    updated_at: dt.datetime
    working_copy: bool = Field(description="True: the working copy (staff); false: the latest adopted version.")
    shown_version: int | None
    can_manage: bool
    focus_areas: list[PlanFocusAreaOut]
    rollup: RollupOut | None = Field(description="From the latest follow-up; null before the first.")
    money: list[MoneyRowOut]
    indicators: list[IndicatorRowOut]
    follow_ups: list[FollowUpListItem]
    versions: list[PlanVersionOut]
    changes_since_adopted: list[PlanChangeOut]


class PlanSnapshotOut(Schema):
    title: str
    kind: PlanKind
    period_start: int
    period_end: int
    weighting: Weighting
    focus_areas: list[PlanFocusAreaOut]


class PlanVersionDetailOut(PlanVersionOut):
    plan_id: int
    snapshot: PlanSnapshotOut


class AdoptIn(Schema):
    decision: Id | None = Field(None, description="Id of the decision that adopted this version.")
    note: str = Field("", max_length=500)


# --- schemas: structure --------------------------------------------------------------------
class FocusAreaIn(Schema):
    title: str = Field(max_length=300)
    description: str = Field("", max_length=DESCRIPTION_MAX)


class FocusAreaUpdateIn(Schema):
    title: str = Field(None, max_length=300)
    description: str = Field(None, max_length=DESCRIPTION_MAX)


class FocusAreaOut(Schema):
    id: int
    plan_id: int
    position: int
    title: str
    description: str


class GoalIn(Schema):
    title: str = Field(max_length=300)
    description: str = Field("", max_length=DESCRIPTION_MAX)


class GoalUpdateIn(Schema):
    title: str = Field(None, max_length=300)
    description: str = Field(None, max_length=DESCRIPTION_MAX)
    focus_area: Id = Field(None, description="Move the goal to another focus area of the plan.")


class GoalOut(Schema):
    id: int
    focus_area_id: int
    position: int
    title: str
    description: str


class IndicatorIn(Schema):
    name: str = Field(max_length=300)
    unit: str = Field(max_length=40)
    baseline: Amount | None = None
    baseline_year: int | None = Field(None, ge=1901, le=2199)
    targets: dict[str, Amount] = Field({}, description='Target per year: {"2019": 40}.')


class IndicatorUpdateIn(Schema):
    name: str = Field(None, max_length=300)
    unit: str = Field(None, max_length=40)
    baseline: Amount | None = None
    baseline_year: int | None = Field(None, ge=1901, le=2199)
    targets: dict[str, Amount] = None


class IndicatorOut(Schema):
    id: int
    goal_id: int
    position: int
    name: str
    unit: str
    baseline: str | None
    baseline_year: int | None
    targets: dict[str, str]


class BudgetIn(Schema):
    year: int = Field(ge=1901, le=2199)
    operating: Amount = Field(Decimal("0"), description="Drift, kronor.")
    investment: Amount = Field(Decimal("0"), description="Investering, kronor.")


class ActionIn(Schema):
    title: str = Field(max_length=300)
    description: str = Field("", max_length=DESCRIPTION_MAX)
    responsible_organ: Id | None = None
    responsible_person: Id | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    funding_source: str = Field("", max_length=200, description='E.g. "Flerårsstrategi 2018–2020".')
    weight: Weight | None = Field(None, description="Used when the plan is weighted by weights.")
    internal_note: str = Field("", max_length=INTERNAL_NOTE_MAX, description="Never shown to the public.")
    budgets: list[BudgetIn] = Field([], description="One row per year, operating and investment money.")


class ActionUpdateIn(Schema):
    """Only the fields sent are changed. `budgets`, when sent and not empty,
    replaces every budget row (years left out are removed)."""

    title: str = Field(None, max_length=300)
    description: str = Field(None, max_length=DESCRIPTION_MAX)
    goal: Id = Field(None, description="Move the action to another goal of the plan.")
    responsible_organ: Id | None = None
    responsible_person: Id | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    funding_source: str = Field(None, max_length=200)
    weight: Weight | None = None
    internal_note: str = Field(None, max_length=INTERNAL_NOTE_MAX)
    budgets: list[BudgetIn] = None


class ActionDetailOut(PlanActionOut):
    goal_id: int
    position: int
    internal_note: str = Field(description="Only in answers to those who edit the plan.")


# --- schemas: follow-up --------------------------------------------------------------------
class FollowUpIn(Schema):
    year: int = Field(ge=1901, le=2199)
    deadline: IsoDate
    title: str = Field("", max_length=300)
    kind: FollowUpKind = "yearly"
    reminder_days_before: int = Field(7, ge=0, le=60)


class FollowUpRequestOut(Schema):
    id: int
    person: PersonRef
    sent_at: dt.datetime | None
    send_error: str | None = Field(description="Only for those who run the plan.")
    reminder_count: int
    answered_at: dt.datetime | None
    late: bool = Field(description="Answered after the deadline, or not answered and the deadline has passed.")


class ActionReportOut(Schema):
    action_id: int
    action: str
    status: ReportStatus
    status_label: str
    progress: int
    used_operating: str
    used_investment: str
    comment: str | None = Field(description="Null when the comment is internal and the reader may not see it.")
    comment_internal: bool
    answered_at: dt.datetime
    answered_by: str | None = Field(description="Only for staff.")
    late: bool


class IndicatorValueOut(Schema):
    indicator_id: int
    indicator: str
    unit: str
    value: str
    answered_at: dt.datetime


class DocumentRefOut(Schema):
    id: int
    reference: str


class FollowUpOut(FollowUpListItem):
    plan_id: int
    plan_title: str
    kind_label: str
    status_label: str
    reminder_days_before: int
    report_document: DocumentRefOut | None
    can_manage: bool
    my_actions: list[int] = Field(description="Ids of the actions the caller reports on.")
    requests: list[FollowUpRequestOut]
    reports: list[ActionReportOut]
    values: list[IndicatorValueOut]
    rollup: RollupOut
    money: list[MoneyRowOut]
    indicators: list[IndicatorRowOut]
    late: list[str] = Field(description="Actions answered after the deadline.")
    unanswered: list[str] = Field(description="People who have not answered.")


class ActionReportIn(Schema):
    action: Id
    status: ReportStatus
    progress: int = Field(ge=0, le=100)
    used_operating: Amount = Decimal("0")
    used_investment: Amount = Decimal("0")
    comment: str = Field("", max_length=COMMENT_MAX)
    comment_internal: bool = False


class IndicatorValueIn(Schema):
    indicator: Id
    value: Amount


class FollowUpAnswerIn(Schema):
    reports: list[ActionReportIn] = []
    values: list[IndicatorValueIn] = Field([], description="Indicator values: by those who run the plan.")


class FollowUpAgendaIn(Schema):
    meeting: Id = Field(description="The meeting (the board's) to put the report on.")


class ImportResultOut(Schema):
    created: int = Field(description="Actions added.")
    updated: int = Field(description="Actions changed.")
    budgets: int = Field(description="Budget rows written.")
    unchanged: int
    focus_areas: int = Field(description="Focus areas added.")
    goals: int = Field(description="Goals added.")


# --- lookups -------------------------------------------------------------------------------
def _referenced(lookup, field: str):
    """A row named by id in the request body; unknown ids are the client's error."""
    try:
        return lookup()
    except NotFound as exc:
        raise DomainError(exc.message, field=field) from exc


def _organ(pk: int | None, field: str, organisation_id: int):
    if pk is None:
        return None
    organ = _referenced(lambda: people.organ_get(pk=pk), field)
    if organ.organisation_id != organisation_id:
        raise DomainError(_("Organet finns inte."), field=field)
    return organ


def _person(pk: int | None, field: str, organisation_id: int):
    if pk is None:
        return None
    person = _referenced(lambda: people.person_get(pk=pk), field)
    if person.organisation_id != organisation_id:
        raise DomainError(_("Personen finns inte."), field=field)
    return person


def _parent(user, pk: int | None, organisation_id: int, own_pk: int | None = None):
    if pk is None:
        return None
    parent = _referenced(lambda: selectors.plan_get(user=user, pk=pk), "parent")
    if parent.organisation_id != organisation_id or parent.pk == own_pk:
        raise DomainError(_("Styrdokumentet finns inte."), field="parent")
    return parent


def _plan(request, plan_id: int) -> SteeringDocument:
    return selectors.plan_get(user=actor(request), pk=plan_id)


def _visible_document(user, document_id: int) -> None:
    """A structure row is found only by those who may see its plan."""
    selectors.plan_get(user=user, pk=document_id)


def _focus_area(user, pk: int) -> FocusArea:
    item = FocusArea.objects.select_related("document", "document__case").filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Målområdet finns inte."))
    _visible_document(user, item.document_id)
    return item


def _goal(user, pk: int) -> Goal:
    item = Goal.objects.select_related("focus_area", "focus_area__document", "focus_area__document__case").filter(
        pk=pk).first()
    if item is None:
        raise NotFound(_("Målet finns inte."))
    _visible_document(user, item.focus_area.document_id)
    return item


def _indicator(user, pk: int) -> Indicator:
    item = Indicator.objects.select_related("goal", "goal__focus_area", "goal__focus_area__document",
                                            "goal__focus_area__document__case").filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Indikatorn finns inte."))
    _visible_document(user, item.goal.focus_area.document_id)
    return item


def _action(user, pk: int) -> Action:
    item = Action.objects.select_related("goal", "goal__focus_area", "goal__focus_area__document",
                                         "goal__focus_area__document__case", "responsible_organ",
                                         "responsible_person").filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Aktiviteten finns inte."))
    _visible_document(user, item.goal.focus_area.document_id)
    return item


def _round(request, round_id: int) -> FollowUpRound:
    return selectors.follow_up_get(user=actor(request), pk=round_id)


# --- serialising ---------------------------------------------------------------------------
def _money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _number(value) -> str | None:
    return None if value is None else str(value)


def _organ_ref(organ) -> dict:
    return {"id": organ.pk, "code": organ.code, "name": organ.name}


def _person_ref(person) -> dict | None:
    return {"id": person.pk, "name": person.name, "title": person.title} if person is not None else None


def _decision_ref(user, decision) -> dict | None:
    """The adopting decision, only if this reader may see it."""
    if decision is None or not decisions_access.decisions_visible(user, decision.meeting):
        return None
    return {"id": decision.pk, "reference": decision.reference, "title": decision.title,
            "status": decision.status, "status_label": str(decision.get_status_display())}


def _structure(data: dict) -> list[dict]:
    """Focus areas, goals, indicators and actions from snapshot data."""
    return [{
        "id": a["key"], "title": a["title"], "description": a["description"],
        "goals": [{
            "id": g["key"], "title": g["title"], "description": g["description"],
            "indicators": [{
                "id": i["key"], "name": i["name"], "unit": i["unit"], "baseline": i["baseline"],
                "baseline_year": i["baseline_year"], "targets": {str(k): str(v) for k, v in i["targets"].items()},
            } for i in g["indicators"]],
            "actions": [{
                "id": x["key"], "title": x["title"], "description": x["description"],
                "responsible_organ_id": x["responsible_organ_id"], "responsible_organ": x["responsible_organ"],
                "responsible_person_id": x["responsible_person_id"], "responsible_person": x["responsible_person"],
                "start": x["start"], "end": x["end"], "funding_source": x["funding_source"], "weight": x["weight"],
                "budgets": [{"year": int(year), "operating": b["operating"], "investment": b["investment"]}
                            for year, b in sorted(x["budgets"].items())],
            } for x in g["actions"]],
        } for g in a["goals"]],
    } for a in data["focus_areas"]]


def _changes(changes) -> list[dict]:
    return [{"kind": c.kind, "title": c.title, "details": str(c.details)} for c in changes]


def _rollup(r: selectors.Rollup | None, round_: FollowUpRound | None) -> dict | None:
    if r is None:
        return None
    return {
        "round_id": round_.pk if round_ else None, "weighting": r.weighting, "weighting_label": r.weighting_label,
        "progress": r.progress, "equal_weights": r.equal_weights, "cancelled": r.cancelled,
        "unreported": r.unreported,
        "goals": [{
            "goal_id": g.goal["key"], "title": g.goal["title"], "focus_area_id": g.focus_area["key"],
            "focus_area": g.focus_area["title"], "progress": g.progress, "equal_weights": g.equal_weights,
            "actions": [{
                "action_id": a.action["key"], "title": a.action["title"], "status": a.status,
                "status_label": a.status_label, "progress": a.progress, "weight": _money(a.weight),
                "reported": a.reported, "used_operating": _money(a.used_operating),
                "used_investment": _money(a.used_investment), "comment": a.comment,
            } for a in g.actions],
        } for g in r.goals],
    }


def _money_rows(rows) -> list[dict]:
    return [{"year": m.year, "budget_operating": _money(m.budget_operating),
             "budget_investment": _money(m.budget_investment), "used_operating": _money(m.used_operating),
             "used_investment": _money(m.used_investment)} for m in rows]


def _indicator_rows(rows) -> list[dict]:
    return [{
        "indicator_id": r.indicator["key"], "name": r.indicator["name"], "unit": r.indicator["unit"],
        "baseline": r.indicator["baseline"], "baseline_year": r.indicator["baseline_year"],
        "goal_id": r.goal["key"], "goal": r.goal["title"],
        "points": [{"year": year, "measured": _number(measured), "target": _number(target)}
                   for year, measured, target in r.points],
    } for r in rows]


def _round_item(r: FollowUpRound) -> dict:
    return {"id": r.pk, "kind": r.kind, "year": r.year, "title": r.title, "deadline": r.deadline,
            "status": r.status, "created_at": r.created_at, "closed_at": r.closed_at,
            "report_document_id": r.report_document_id}


def _version_rows(user, versions: list[PlanVersion]) -> list[dict]:
    rows, previous = [], None
    for v in versions:
        rows.append({"number": v.number, "adopted_at": v.adopted_at, "note": v.note,
                     "decision": _decision_ref(user, v.adopted_by_decision),
                     "changes": _changes(selectors.diff(previous, v.snapshot))})
        previous = v.snapshot
    return rows


def _list_item(d: SteeringDocument) -> dict:
    latest = selectors.latest_version(d)
    return {
        "id": d.pk, "organisation_id": d.organisation_id, "case_id": d.case_id, "diary_number": d.case.diary_number,
        "kind": d.kind, "kind_label": str(d.get_kind_display()), "title": d.title, "period_start": d.period_start,
        "period_end": d.period_end, "status": d.status, "status_label": str(d.get_status_display()),
        "owner_organ": _organ_ref(d.owner_organ), "latest_version": latest.number if latest else None,
    }


def _plan_out(user, document: SteeringDocument) -> dict:
    overview = selectors.plan_overview(user=user, document=document)
    versions = overview.versions
    return {
        **_list_item(document),
        "description": document.description, "parent_id": document.parent_id, "years": document.years,
        "process_owner": _person_ref(document.process_owner), "process_owner_role": document.process_owner_role,
        "adopted_by": _decision_ref(user, document.adopted_by),
        "weighting": document.weighting, "weighting_label": str(document.get_weighting_display()),
        "follow_up_months": document.follow_up_months, "created_at": document.created_at,
        "updated_at": document.updated_at, "working_copy": overview.working_copy,
        "shown_version": None if overview.working_copy else (versions[-1].number if versions else None),
        "can_manage": access.can_manage(user, document),
        "focus_areas": _structure(overview.data),
        "rollup": _rollup(overview.rollup, overview.latest_round),
        "money": _money_rows(overview.money), "indicators": _indicator_rows(overview.indicators),
        "follow_ups": [_round_item(r) for r in overview.rounds],
        "versions": _version_rows(user, versions),
        "changes_since_adopted": _changes(overview.changes_since_adopted),
    }


def _fresh_plan(request, plan_id: int) -> dict:
    user = actor(request)
    return _plan_out(user, selectors.plan_get(user=user, pk=plan_id))


def _focus_area_out(item: FocusArea) -> dict:
    return {"id": item.pk, "plan_id": item.document_id, "position": item.position, "title": item.title,
            "description": item.description}


def _goal_out(item: Goal) -> dict:
    return {"id": item.pk, "focus_area_id": item.focus_area_id, "position": item.position, "title": item.title,
            "description": item.description}


def _indicator_out(item: Indicator) -> dict:
    return {"id": item.pk, "goal_id": item.goal_id, "position": item.position, "name": item.name,
            "unit": item.unit, "baseline": _number(item.baseline), "baseline_year": item.baseline_year,
            "targets": {str(k): str(v) for k, v in item.targets.items()}}


def _action_out(item: Action) -> dict:
    item = Action.objects.select_related("responsible_organ", "responsible_person").get(pk=item.pk)
    return {
        "id": item.pk, "goal_id": item.goal_id, "position": item.position, "title": item.title,
        "description": item.description, "responsible_organ_id": item.responsible_organ_id,
        "responsible_organ": item.responsible_organ.name if item.responsible_organ_id else "",
        "responsible_person_id": item.responsible_person_id,
        "responsible_person": item.responsible_person.name if item.responsible_person_id else "",
        "start": item.start, "end": item.end, "funding_source": item.funding_source,
        "weight": _number(item.weight), "internal_note": item.internal_note,
        "budgets": [{"year": b.year, "operating": _money(b.operating), "investment": _money(b.investment)}
                    for b in item.budgets.order_by("year")],
    }


def _request_late(request, deadline: dt.date, today: dt.date, late_people: set[int]) -> bool:
    """Answered late (as recorded with the answers), or not answered and the deadline has passed."""
    if request.answered_at is not None:
        return request.person_id in late_people
    return today > deadline


def _round_out(user, round_: FollowUpRound) -> dict:
    document = round_.document
    managing = access.can_manage(user, document)
    internal = access.can_read_internal(user, document)
    report = selectors.follow_up_report_data(round_, user=user)
    # The public reads what the adopted version holds; staff every action.
    shown = None if internal else {x["key"]: x for x in selectors.actions_of(report.data)}
    labels = dict(ActionReport.Status.choices)
    today = timezone.localdate()
    reports = []
    late_people = set(round_.action_reports.filter(late=True, action__responsible_person__isnull=False)
                      .values_list("action__responsible_person_id", flat=True))
    for r in round_.action_reports.select_related("action").order_by("action__goal__focus_area__position",
                                                                      "action__goal__position", "action__position"):
        if shown is not None and r.action_id not in shown:
            continue
        reports.append({
            "action_id": r.action_id, "action": shown[r.action_id]["title"] if shown is not None else r.action.title,
            "status": r.status, "status_label": str(labels.get(r.status, r.status)), "progress": r.progress,
            "used_operating": _money(r.used_operating), "used_investment": _money(r.used_investment),
            "comment": r.comment if internal or not r.comment_internal else None,
            "comment_internal": r.comment_internal, "answered_at": r.answered_at,
            "answered_by": r.answered_by_name if internal else None, "late": r.late,
        })
    shown_indicators = None if internal else {
        i["key"] for a in report.data["focus_areas"] for g in a["goals"] for i in g["indicators"]}
    values = [{"indicator_id": v.indicator_id, "indicator": v.indicator.name, "unit": v.indicator.unit,
               "value": str(v.value), "answered_at": v.answered_at}
              for v in IndicatorValue.objects.filter(round=round_).select_related("indicator").order_by(
                  "indicator__position", "indicator_id")
              if shown_indicators is None or v.indicator_id in shown_indicators]
    return {
        **_round_item(round_), "plan_id": document.pk, "plan_title": document.title,
        "kind_label": str(round_.get_kind_display()), "status_label": str(round_.get_status_display()),
        "reminder_days_before": round_.reminder_days_before,
        "report_document": ({"id": round_.report_document_id,
                             "reference": f"{document.case.diary_number}-{round_.report_document.number}"}
                            if round_.report_document_id else None),
        "can_manage": managing,
        "my_actions": [a.pk for a in selectors.actions_to_answer(user=user, round_=round_)]
        if getattr(user, "is_authenticated", False) else [],
        "requests": [{
            "id": q.pk, "person": _person_ref(q.person), "sent_at": q.sent_at,
            "send_error": q.send_error if managing else None, "reminder_count": q.reminder_count,
            "answered_at": q.answered_at, "late": _request_late(q, round_.deadline, today, late_people),
        } for q in round_.requests.select_related("person").order_by("person__name")],
        "reports": reports, "values": values,
        "rollup": _rollup(report.rollup, round_), "money": _money_rows(report.money),
        "indicators": _indicator_rows(report.indicators), "late": report.late, "unanswered": report.unanswered,
    }


def _fresh_round(request, round_id: int) -> dict:
    user = actor(request)
    return _round_out(user, selectors.follow_up_get(user=user, pk=round_id))


# --- plans ---------------------------------------------------------------------------------
@router.get("/plans", response={200: list[PlanListItem], **ERRORS}, auth=PUBLIC_READ, url_name="plan_list")
def plan_list(request, filters: Query[PlanFilters]):
    """Steering documents: the public sees those with an adopted version, staff also drafts."""
    plans = selectors.plan_list(user=actor(request), organisation_id=filters.organisation)
    if filters.case is not None:
        plans = [p for p in plans if p.case_id == filters.case]
    return [_list_item(p) for p in plans]


@router.post("/cases/{case_id}/plans", response={201: PlanOut, **ERRORS}, auth=WRITE, url_name="plan_create")
def plan_create(request, case_id: Id, payload: PlanIn):
    """Create a steering document (a draft) on a case."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    access.require_create(user, case)
    document = services.plan_create(
        actor=user, case=case, kind=payload.kind, title=payload.title, period_start=payload.period_start,
        period_end=payload.period_end, owner_organ=_organ(payload.owner_organ, "owner_organ", case.organisation_id),
        process_owner=_person(payload.process_owner, "process_owner", case.organisation_id),
        process_owner_role=payload.process_owner_role,
        parent=_parent(user, payload.parent, case.organisation_id), weighting=payload.weighting,
        follow_up_months=payload.follow_up_months, description=payload.description,
    )
    return Status(201, _fresh_plan(request, document.pk))


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, auth=PUBLIC_READ, url_name="plan_detail")
def plan_detail(request, plan_id: Id):
    """The plan's facts and structure (staff: the working copy; the public: the
    latest adopted version), its versions, follow-ups and the roll-up of
    progress, money per year and indicators against targets."""
    return _fresh_plan(request, plan_id)


@router.patch("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, auth=WRITE, url_name="plan_update")
def plan_update(request, plan_id: Id, payload: PlanUpdateIn):
    """Change the plan's facts: only the fields sent."""
    user = actor(request)
    document = _plan(request, plan_id)
    changes = payload.dict(exclude_unset=True)
    if "owner_organ" in changes:
        changes["owner_organ"] = _organ(changes["owner_organ"], "owner_organ", document.organisation_id)
    if "process_owner" in changes:
        changes["process_owner"] = _person(changes["process_owner"], "process_owner", document.organisation_id)
    if "parent" in changes:
        changes["parent"] = _parent(user, changes["parent"], document.organisation_id, own_pk=document.pk)
    services.plan_update(actor=user, document=document, **changes)
    return _fresh_plan(request, plan_id)


@router.post("/plans/{plan_id}/status", response={200: PlanOut, **ERRORS}, auth=WRITE, url_name="plan_status")
def plan_status(request, plan_id: Id, payload: PlanStatusIn):
    """Draft, on remiss, replaced or repealed."""
    services.plan_set_status(actor=actor(request), document=_plan(request, plan_id), status=payload.status)
    return _fresh_plan(request, plan_id)


# --- structure -----------------------------------------------------------------------------
@router.post("/plans/{plan_id}/focus-areas", response={201: FocusAreaOut, **ERRORS}, auth=WRITE,
             url_name="focus_area_create")
def focus_area_create(request, plan_id: Id, payload: FocusAreaIn):
    item = services.focus_area_save(actor=actor(request), document=_plan(request, plan_id), title=payload.title,
                                    description=payload.description)
    return Status(201, _focus_area_out(item))


@router.patch("/focus-areas/{focus_area_id}", response={200: FocusAreaOut, **ERRORS}, auth=WRITE,
              url_name="focus_area_update")
def focus_area_update(request, focus_area_id: Id, payload: FocusAreaUpdateIn):
    item = _focus_area(actor(request), focus_area_id)
    changes = payload.dict(exclude_unset=True)
    item = services.focus_area_save(
        actor=actor(request), document=item.document, focus_area=item,
        title=changes.get("title") if "title" in changes else item.title,
        description=changes.get("description") if "description" in changes else item.description,
    )
    return _focus_area_out(item)


@router.delete("/focus-areas/{focus_area_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="focus_area_delete")
def focus_area_delete(request, focus_area_id: Id):
    """Remove a focus area with its goals, indicators and actions (not if a follow-up reported on them)."""
    services.structure_delete(actor=actor(request), item=_focus_area(actor(request), focus_area_id))
    return Status(204, None)


@router.post("/focus-areas/{focus_area_id}/goals", response={201: GoalOut, **ERRORS}, auth=WRITE,
             url_name="goal_create")
def goal_create(request, focus_area_id: Id, payload: GoalIn):
    area = _focus_area(actor(request), focus_area_id)
    item = services.goal_save(actor=actor(request), focus_area=area, title=payload.title,
                              description=payload.description)
    return Status(201, _goal_out(item))


@router.patch("/goals/{goal_id}", response={200: GoalOut, **ERRORS}, auth=WRITE, url_name="goal_update")
def goal_update(request, goal_id: Id, payload: GoalUpdateIn):
    user = actor(request)
    item = _goal(user, goal_id)
    changes = payload.dict(exclude_unset=True)
    area = item.focus_area
    if changes.get("focus_area") is not None:
        area = FocusArea.objects.select_related("document", "document__case").filter(
            pk=changes["focus_area"], document_id=item.focus_area.document_id).first()
        if area is None:
            raise DomainError(_("Målområdet finns inte i styrdokumentet."), field="focus_area")
    item = services.goal_save(
        actor=user, focus_area=area, goal=item,
        title=changes["title"] if changes.get("title") is not None else item.title,
        description=changes["description"] if changes.get("description") is not None else item.description,
    )
    return _goal_out(item)


@router.delete("/goals/{goal_id}", response={204: None, **ERRORS}, auth=WRITE, url_name="goal_delete")
def goal_delete(request, goal_id: Id):
    services.structure_delete(actor=actor(request), item=_goal(actor(request), goal_id))
    return Status(204, None)


@router.post("/goals/{goal_id}/indicators", response={201: IndicatorOut, **ERRORS}, auth=WRITE,
             url_name="indicator_create")
def indicator_create(request, goal_id: Id, payload: IndicatorIn):
    goal = _goal(actor(request), goal_id)
    item = services.indicator_save(
        actor=actor(request), goal=goal, name=payload.name, unit=payload.unit, baseline=payload.baseline,
        baseline_year=payload.baseline_year, targets={k: str(v) for k, v in payload.targets.items()},
    )
    return Status(201, _indicator_out(item))


@router.patch("/indicators/{indicator_id}", response={200: IndicatorOut, **ERRORS}, auth=WRITE,
              url_name="indicator_update")
def indicator_update(request, indicator_id: Id, payload: IndicatorUpdateIn):
    user = actor(request)
    item = _indicator(user, indicator_id)
    changes = payload.dict(exclude_unset=True)

    def value(name, current):
        return changes[name] if name in changes else current

    targets = value("targets", item.targets) or {}
    item = services.indicator_save(
        actor=user, goal=item.goal, indicator=item, name=value("name", item.name) or "",
        unit=value("unit", item.unit) or "", baseline=value("baseline", item.baseline),
        baseline_year=value("baseline_year", item.baseline_year),
        targets={k: str(v) for k, v in targets.items()},
    )
    return _indicator_out(item)


@router.delete("/indicators/{indicator_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="indicator_delete")
def indicator_delete(request, indicator_id: Id):
    services.structure_delete(actor=actor(request), item=_indicator(actor(request), indicator_id))
    return Status(204, None)


def _budgets(rows) -> list[services.BudgetInput]:
    return [services.BudgetInput(year=b.year, operating=b.operating, investment=b.investment) for b in rows]


@router.post("/goals/{goal_id}/actions", response={201: ActionDetailOut, **ERRORS}, auth=WRITE,
             url_name="action_create")
def action_create(request, goal_id: Id, payload: ActionIn):
    """Add an action with its responsible organ and person, dates, funding and a budget per year."""
    user = actor(request)
    goal = _goal(user, goal_id)
    org_id = goal.focus_area.document.organisation_id
    item = services.action_save(
        actor=user, goal=goal, title=payload.title, description=payload.description,
        responsible_organ=_organ(payload.responsible_organ, "responsible_organ", org_id),
        responsible_person=_person(payload.responsible_person, "responsible_person", org_id),
        start=payload.start, end=payload.end, funding_source=payload.funding_source, weight=payload.weight,
        internal_note=payload.internal_note, budgets=_budgets(payload.budgets),
    )
    return Status(201, _action_out(item))


@router.patch("/actions/{action_id}", response={200: ActionDetailOut, **ERRORS}, auth=WRITE,
              url_name="action_update")
def action_update(request, action_id: Id, payload: ActionUpdateIn):
    """Change an action: only the fields sent. A non-empty `budgets` replaces every budget row."""
    user = actor(request)
    item = _action(user, action_id)
    document = item.goal.focus_area.document
    changes = payload.dict(exclude_unset=True)
    goal = item.goal
    if changes.get("goal") is not None:
        goal = Goal.objects.select_related("focus_area", "focus_area__document", "focus_area__document__case").filter(
            pk=changes["goal"], focus_area__document=document).first()
        if goal is None:
            raise DomainError(_("Målet finns inte i styrdokumentet."), field="goal")

    def value(name, current):
        return changes[name] if name in changes else current

    organ = item.responsible_organ
    if "responsible_organ" in changes:
        organ = _organ(changes["responsible_organ"], "responsible_organ", document.organisation_id)
    person = item.responsible_person
    if "responsible_person" in changes:
        person = _person(changes["responsible_person"], "responsible_person", document.organisation_id)
    budgets = _budgets(payload.budgets) if payload.budgets else []
    item = services.action_save(
        actor=user, goal=goal, action=item, title=value("title", item.title) or "",
        description=value("description", item.description) or "", responsible_organ=organ,
        responsible_person=person, start=value("start", item.start), end=value("end", item.end),
        funding_source=value("funding_source", item.funding_source) or "", weight=value("weight", item.weight),
        internal_note=value("internal_note", item.internal_note) or "", budgets=budgets,
    )
    return _action_out(item)


@router.delete("/actions/{action_id}", response={204: None, **ERRORS}, auth=WRITE, url_name="action_delete")
def action_delete(request, action_id: Id):
    """Remove an action (not once a follow-up has reported on it: report it cancelled instead)."""
    services.structure_delete(actor=actor(request), item=_action(actor(request), action_id))
    return Status(204, None)


# --- versions ------------------------------------------------------------------------------
@router.post("/plans/{plan_id}/adopt", response={201: PlanVersionOut, **ERRORS}, auth=WRITE,
             url_name="plan_adopt")
def plan_adopt(request, plan_id: Id, payload: AdoptIn):
    """Freeze the working copy as the next adopted version, optionally with the adopting decision."""
    user = actor(request)
    document = _plan(request, plan_id)
    decision = None
    if payload.decision is not None:
        decision = _referenced(lambda: decisions.decision_get(user=user, pk=payload.decision), "decision")
    version = services.plan_adopt(actor=user, document=document, decision=decision, note=payload.note)
    rows = _version_rows(user, selectors.versions(document))
    return Status(201, next(r for r in rows if r["number"] == version.number))


@router.get("/plans/{plan_id}/versions", response={200: list[PlanVersionOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="plan_versions")
def plan_versions(request, plan_id: Id):
    """Every adopted version, with what changed against the one before
    (actions added, removed, re-budgeted or changed)."""
    user = actor(request)
    return _version_rows(user, selectors.versions(_plan(request, plan_id)))


@router.get("/plans/{plan_id}/versions/{number}", response={200: PlanVersionDetailOut, **ERRORS},
            auth=PUBLIC_READ, url_name="plan_version")
def plan_version(request, plan_id: Id, number: Id):
    """One adopted version as it was adopted."""
    user = actor(request)
    document = _plan(request, plan_id)
    versions = selectors.versions(document)
    rows = {r["number"]: r for r in _version_rows(user, versions)}
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise NotFound(_("Versionen finns inte."))
    snap = version.snapshot
    return {**rows[number], "plan_id": document.pk, "snapshot": {
        "title": snap["title"], "kind": snap["kind"], "period_start": snap["period"][0],
        "period_end": snap["period"][1], "weighting": snap["weighting"], "focus_areas": _structure(snap)}}


# --- export and import -----------------------------------------------------------------------
def _export(request, plan_id: int, fmt: str) -> HttpResponse:
    from . import io

    user = actor(request)
    document = _plan(request, plan_id)
    access.require_read_internal(user, document,
                                 _("Du har inte behörighet att exportera styrdokumentets arbetsversion."))
    if fmt == "csv":
        body, content_type = io.export_csv(document), "text/csv; charset=utf-8"
    else:
        body = io.export_xlsx(document)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="styrdokument-{document.pk}.{fmt}"'
    return response


@router.get("/plans/{plan_id}/export.csv", response={200: None, **ERRORS}, auth=WRITE, url_name="plan_export_csv")
def plan_export_csv(request, plan_id: Id):
    """The working copy's actions and budgets as CSV (staff)."""
    return _export(request, plan_id, "csv")


@router.get("/plans/{plan_id}/export.xlsx", response={200: None, **ERRORS}, auth=WRITE,
            url_name="plan_export_xlsx")
def plan_export_xlsx(request, plan_id: Id):
    """The working copy's actions and budgets as an Excel workbook (staff)."""
    return _export(request, plan_id, "xlsx")


@router.post("/plans/{plan_id}/import", response={200: ImportResultOut, **ERRORS}, auth=WRITE,
             url_name="plan_import")
def plan_import(request, plan_id: Id, file: File[UploadedFile]):
    """Import actions and budgets from CSV or XLSX (multipart/form-data, `file`).
    All or nothing: with a bad row nothing is saved and `errors.rows` lists each row's problem."""
    from . import io

    user = actor(request)
    document = _plan(request, plan_id)
    result = io.import_file(actor=user, document=document, upload=file)
    return {"created": result.created, "updated": result.updated, "budgets": result.budgets,
            "unchanged": getattr(result, "unchanged", 0), "focus_areas": getattr(result, "focus_areas", 0),
            "goals": getattr(result, "goals", 0)}


# --- follow-ups ------------------------------------------------------------------------------
@router.post("/plans/{plan_id}/follow-ups", response={201: FollowUpOut, **ERRORS}, auth=WRITE,
             url_name="follow_up_open")
def follow_up_open(request, plan_id: Id, payload: FollowUpIn):
    """Open a follow-up round: each responsible person is asked (by e-mail, through the worker)."""
    round_ = services.follow_up_open(
        actor=actor(request), document=_plan(request, plan_id), year=payload.year, deadline=payload.deadline,
        title=payload.title, kind=payload.kind, reminder_days_before=payload.reminder_days_before,
    )
    return Status(201, _fresh_round(request, round_.pk))


@router.get("/follow-ups/{round_id}", response={200: FollowUpOut, **ERRORS}, auth=PUBLIC_READ,
            url_name="follow_up_detail")
def follow_up_detail(request, round_id: Id):
    """The round: who was asked (sent, answered, late), the reports (internal
    comments only for staff), indicator values and the roll-up of this round."""
    return _fresh_round(request, round_id)


@router.post("/follow-ups/{round_id}/answers", response={200: FollowUpOut, **ERRORS}, auth=WRITE,
             url_name="follow_up_answer")
def follow_up_answer(request, round_id: Id, payload: FollowUpAnswerIn):
    """Answer for actions (the responsible person, or those who run the plan)
    and give indicator values (those who run the plan). Answering again replaces
    the earlier answer for that action; an answer after the deadline is marked late."""
    user = actor(request)
    round_ = _round(request, round_id)
    document = round_.document
    action_ids = [r.action for r in payload.reports]
    actions = {a.pk: a for a in Action.objects.select_related("goal", "goal__focus_area").filter(
        pk__in=action_ids, goal__focus_area__document=document)}
    missing = [pk for pk in action_ids if pk not in actions]
    if missing:
        raise DomainError(_("Aktiviteten %(id)s hör inte till planen.") % {"id": missing[0]}, field="reports")
    if len(set(action_ids)) != len(action_ids):
        raise DomainError(_("Varje aktivitet får bara ett svar."), field="reports")
    indicator_ids = [v.indicator for v in payload.values]
    indicators = {i.pk: i for i in Indicator.objects.select_related("goal", "goal__focus_area").filter(
        pk__in=indicator_ids, goal__focus_area__document=document)}
    missing = [pk for pk in indicator_ids if pk not in indicators]
    if missing:
        raise DomainError(_("Indikatorn %(id)s hör inte till planen.") % {"id": missing[0]}, field="values")
    if not payload.reports and not payload.values:
        raise DomainError(_("Svara för minst en aktivitet eller indikator."), field="reports")
    services.follow_up_answer(
        actor=user, round=round_,
        reports=[services.ActionReportInput(
            action=actions[r.action], status=r.status, progress=r.progress, used_operating=r.used_operating,
            used_investment=r.used_investment, comment=r.comment, comment_internal=r.comment_internal,
        ) for r in payload.reports],
        values=[services.IndicatorValueInput(indicator=indicators[v.indicator], value=v.value)
                for v in payload.values],
    )
    return _fresh_round(request, round_id)


@router.post("/follow-ups/{round_id}/close", response={200: FollowUpOut, **ERRORS}, auth=WRITE,
             url_name="follow_up_close")
def follow_up_close(request, round_id: Id):
    """Close the round: no more answers."""
    services.follow_up_close(actor=actor(request), round=_round(request, round_id))
    return _fresh_round(request, round_id)


@router.post("/follow-ups/{round_id}/report", response={201: DocumentOut, **ERRORS}, auth=WRITE,
             url_name="follow_up_report")
def follow_up_report(request, round_id: Id):
    """Draw up the follow-up report for the board, registered as a document on
    the plan's case (drawn up again: a new version of the same document)."""
    user = actor(request)
    document = services.follow_up_report(actor=user, round=_round(request, round_id))
    return Status(201, registry.document_entry(user=user, document=document))


@router.post("/follow-ups/{round_id}/agenda", response={201: AgendaItemOut, **ERRORS}, auth=WRITE,
             url_name="follow_up_agenda")
def follow_up_agenda(request, round_id: Id, payload: FollowUpAgendaIn):
    """Put the follow-up report on a meeting's agenda (the board's) in one step."""
    user = actor(request)
    round_ = _round(request, round_id)
    access.require_manage(user, round_.document)
    meeting = _referenced(lambda: decisions.meeting_get(user=user, pk=payload.meeting), "meeting")
    item = services.report_to_agenda(actor=user, round=round_, meeting=meeting)
    return Status(201, agenda_row(user, item))
