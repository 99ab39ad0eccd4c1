"""The steering-document API's request and response schemas: the plan and its
versions, its structure (focus areas, goals, indicators, actions with budgets)
and its follow-ups. The reference to a decision and the agenda item come from
diarium/decisions/schemas.py, organs, persons and documents from
diarium/registry/schemas.py; money is given as decimal strings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from diarium.core.api.types import Amount, Id, Weight
from diarium.core.limits import IsoDate
from diarium.decisions.schemas import DecisionRef
from diarium.registry.schemas import OrganRef, PersonRef, SecrecyReviewReason

from ..models import COMMENT_MAX, DESCRIPTION_MAX, INTERNAL_NOTE_MAX

PlanKind = Literal["vision", "strategy", "programme", "plan", "action_plan", "policy", "guideline"]
PlanStatus = Literal["draft", "on_remiss", "adopted", "replaced", "repealed"]
SettableStatus = Literal["draft", "on_remiss", "replaced", "repealed"]
Weighting = Literal["budget", "weights"]
FollowUpKind = Literal["yearly", "ad_hoc"]
FollowUpStatus = Literal["open", "closed"]
ReportStatus = Literal["not_started", "ongoing", "done", "postponed", "cancelled"]
ChangeKind = Literal["added", "removed", "rebudgeted", "changed"]


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
    operating: Amount = Field(Decimal(0), description="Drift, kronor.")
    investment: Amount = Field(Decimal(0), description="Investering, kronor.")


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
    used_operating: Amount = Decimal(0)
    used_investment: Amount = Decimal(0)
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
    secrecy_review_reason: SecrecyReviewReason = ""


class ImportResultOut(Schema):
    created: int = Field(description="Actions added.")
    updated: int = Field(description="Actions changed.")
    budgets: int = Field(description="Budget rows written.")
    unchanged: int
    focus_areas: int = Field(description="Focus areas added.")
    goals: int = Field(description="Goals added.")
