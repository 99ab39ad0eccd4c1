"""Reads of steering documents: the structure as plain data (the same shape
for the working copy and an adopted version), diffs between versions, the
roll-up of progress, money and indicators, and what reports and charts show.

The public reads adopted versions (never the working copy, never internal
notes or comments marked internal) and the follow-ups of adopted plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, NotFound
from diarium.core.lookups import first_with_total, referenced

from . import access
from .formatting import kr
from .models import (
    Action,
    ActionBudget,
    ActionReport,
    FocusArea,
    FollowUpRequest,
    FollowUpRound,
    Goal,
    Indicator,
    IndicatorValue,
    PlanVersion,
    SteeringDocument,
)

ZERO = Decimal(0)


# --- the structure as data ----------------------------------------------------------------
def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def snapshot(document: SteeringDocument) -> dict:
    """The working copy as plain data (JSON-safe), as an adopted version stores it.
    Internal notes are left out: versions are public once adopted."""
    areas = document.focus_areas.prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("position", "id").prefetch_related(
            "indicators",
            Prefetch("actions", queryset=Action.objects.order_by("position", "id").select_related(
                "responsible_organ", "responsible_person").prefetch_related(
                Prefetch("budgets", queryset=ActionBudget.objects.order_by("year")))),
        )),
    ).order_by("position", "id")
    return {
        "title": document.title, "kind": document.kind, "period": [document.period_start, document.period_end],
        "weighting": document.weighting,
        "focus_areas": [{
            "key": a.pk, "title": a.title, "description": a.description,
            "goals": [{
                "key": g.pk, "title": g.title, "description": g.description,
                "indicators": [{
                    "key": i.pk, "name": i.name, "unit": i.unit,
                    "baseline": None if i.baseline is None else str(i.baseline), "baseline_year": i.baseline_year,
                    "targets": dict(i.targets),
                } for i in g.indicators.all()],
                "actions": [{
                    "key": x.pk, "title": x.title, "description": x.description,
                    "responsible_organ_id": x.responsible_organ_id,
                    "responsible_organ": x.responsible_organ.name if x.responsible_organ_id else "",
                    "responsible_person_id": x.responsible_person_id,
                    "responsible_person": x.responsible_person.name if x.responsible_person_id else "",
                    "start": x.start.isoformat() if x.start else None, "end": x.end.isoformat() if x.end else None,
                    "funding_source": x.funding_source, "weight": None if x.weight is None else str(x.weight),
                    "budgets": {str(b.year): {"operating": _money(b.operating), "investment": _money(b.investment)}
                                for b in x.budgets.all()},
                } for x in g.actions.all()],
            } for g in a.goals.all()],
        } for a in areas],
    }


def actions_of(data: dict) -> list[dict]:
    return [x for a in data["focus_areas"] for g in a["goals"] for x in g["actions"]]


def budget_total(action: dict) -> Decimal:
    return sum((Decimal(b["operating"]) + Decimal(b["investment"]) for b in action["budgets"].values()), ZERO)


# --- versions and diffs -----------------------------------------------------------------
def versions(document: SteeringDocument) -> list[PlanVersion]:
    return list(document.versions.select_related("adopted_by_decision", "adopted_by_decision__organ",
                                                  "adopted_by_decision__meeting").order_by("number"))


def latest_version(document: SteeringDocument) -> PlanVersion | None:
    return document.versions.order_by("-number").first()


@dataclass
class Change:
    kind: str  # added, removed, rebudgeted, changed
    title: str
    details: str = ""


def diff(old: dict | None, new: dict) -> list[Change]:
    """What changed between two versions: goals and actions added or removed,
    actions re-budgeted (per year and type) or otherwise changed."""
    changes: list[Change] = []
    old = old or {"focus_areas": []}
    old_goals = {g["key"]: g for a in old["focus_areas"] for g in a["goals"]}
    new_goals = {g["key"]: g for a in new["focus_areas"] for g in a["goals"]}
    for key in new_goals.keys() - old_goals.keys():
        changes.append(Change("added", new_goals[key]["title"], _("nytt mål")))
    for key in old_goals.keys() - new_goals.keys():
        changes.append(Change("removed", old_goals[key]["title"], _("mål borttaget")))
    old_actions = {x["key"]: x for x in actions_of(old)}
    new_actions = {x["key"]: x for x in actions_of(new)}
    for x in actions_of(new):
        before = old_actions.get(x["key"])
        if before is None:
            changes.append(Change("added", x["title"], _("ny aktivitet, budget %(b)s kr") % {
                "b": kr(budget_total(x))}))
            continue
        if before["budgets"] != x["budgets"]:
            parts = []
            for year in sorted(set(before["budgets"]) | set(x["budgets"])):
                for kind, label in (("operating", _("drift")), ("investment", _("investering"))):
                    a = Decimal(before["budgets"].get(year, {}).get(kind, "0"))
                    b = Decimal(x["budgets"].get(year, {}).get(kind, "0"))
                    if a != b:
                        parts.append(f"{year} {label}: {kr(a)} → {kr(b)} kr")
            changes.append(Change("rebudgeted", x["title"], "; ".join(parts)))
        fields = [name for name, label in (("title", "title"), ("responsible_organ", "organ"),
                                           ("responsible_person", "person"), ("start", "start"), ("end", "end"),
                                           ("funding_source", "funding"), ("description", "description"),
                                           ("weight", "weight"))
                  if before.get(name) != x.get(name)]
        if fields:
            labels = {"title": _("namn"), "responsible_organ": _("ansvarigt organ"),
                      "responsible_person": _("ansvarig"), "start": _("start"), "end": _("klar"),
                      "funding_source": _("finansiering"), "description": _("beskrivning"), "weight": _("vikt")}
            changes.append(Change("changed", x["title"], ", ".join(str(labels[f]) for f in fields)))
    for key in old_actions.keys() - new_actions.keys():
        changes.append(Change("removed", old_actions[key]["title"], _("aktivitet borttagen")))
    order = {"added": 0, "rebudgeted": 1, "changed": 2, "removed": 3}
    return sorted(changes, key=lambda c: (order[c.kind], c.title))


# --- roll-up -------------------------------------------------------------------------------
@dataclass
class ActionProgress:
    action: dict
    status: str | None
    status_label: str
    progress: int
    weight: Decimal
    reported: bool
    used_operating: Decimal = ZERO
    used_investment: Decimal = ZERO
    comment: str = ""


@dataclass
class GoalProgress:
    goal: dict
    focus_area: dict
    progress: float | None
    actions: list[ActionProgress]
    equal_weights: bool = False


@dataclass
class Rollup:
    weighting: str
    weighting_label: str
    goals: list[GoalProgress]
    progress: float | None
    cancelled: int
    unreported: int
    equal_weights: bool = False


def _weight(action: dict, weighting: str) -> Decimal:
    if weighting == SteeringDocument.Weighting.WEIGHTS:
        return Decimal(action["weight"]) if action.get("weight") not in (None, "") else Decimal(1)
    return budget_total(action)


def _weighted(items: list[ActionProgress]) -> tuple[float | None, bool]:
    """Weighted mean of progress. When every weight is zero (no budgets), equal weights."""
    if not items:
        return None, False
    total = sum((i.weight for i in items), ZERO)
    if total == 0:
        return sum(i.progress for i in items) / len(items), True
    return float(sum((i.weight * i.progress for i in items), ZERO) / total), False


def rollup(data: dict, reports: dict[int, ActionReport], *, internal: bool = False) -> Rollup:
    """Progress of each goal and of the whole plan from its actions. Cancelled
    actions are left out; an action nobody has reported on counts as 0 %."""
    weighting = data["weighting"]
    labels = dict(ActionReport.Status.choices)
    goals, everything, cancelled, unreported = [], [], 0, 0
    for area in data["focus_areas"]:
        for goal in area["goals"]:
            shown, counted = [], []
            for action in goal["actions"]:
                report = reports.get(action["key"])
                status = report.status if report else None
                item = ActionProgress(
                    action=action, status=status, status_label=str(labels.get(status, _("Ej rapporterad"))),
                    progress=report.progress if report else 0, weight=_weight(action, weighting),
                    reported=report is not None,
                    used_operating=report.used_operating if report else ZERO,
                    used_investment=report.used_investment if report else ZERO,
                    comment=(report.comment if report and (internal or not report.comment_internal) else ""),
                )
                shown.append(item)
                if status == ActionReport.Status.CANCELLED:
                    cancelled += 1
                    continue
                unreported += 0 if report else 1
                counted.append(item)
            everything.extend(counted)
            progress, equal = _weighted(counted)
            goals.append(GoalProgress(goal=goal, focus_area=area, progress=progress, actions=shown,
                                      equal_weights=equal))
    plan_progress, plan_equal = _weighted(everything)
    return Rollup(weighting=weighting, weighting_label=str(SteeringDocument.Weighting(weighting).label),
                  goals=goals, progress=plan_progress, cancelled=cancelled, unreported=unreported,
                  equal_weights=plan_equal)


@dataclass
class MoneyRow:
    year: int
    budget_operating: Decimal
    budget_investment: Decimal
    used_operating: Decimal | None
    used_investment: Decimal | None


def money(data: dict, rounds: list[FollowUpRound], reports_by_round: dict[int, dict[int, ActionReport]]
          ) -> list[MoneyRow]:
    """Budget against outcome per year and type. The outcome of a year is what
    the latest follow-up of that year reported."""
    latest_of_year: dict[int, FollowUpRound] = {}
    for r in sorted(rounds, key=lambda r: (r.year, r.created_at)):
        latest_of_year[r.year] = r
    rows = []
    start, end = data["period"]
    for year in range(start, end + 1):
        op = sum((Decimal(x["budgets"].get(str(year), {}).get("operating", "0")) for x in actions_of(data)), ZERO)
        inv = sum((Decimal(x["budgets"].get(str(year), {}).get("investment", "0")) for x in actions_of(data)), ZERO)
        r = latest_of_year.get(year)
        if r is None:
            rows.append(MoneyRow(year, op, inv, None, None))
        else:
            reports = reports_by_round.get(r.pk, {}).values()
            rows.append(MoneyRow(year, op, inv, sum((x.used_operating for x in reports), ZERO),
                                 sum((x.used_investment for x in reports), ZERO)))
    return rows


@dataclass
class IndicatorRow:
    indicator: dict
    goal: dict
    points: list[tuple[int, Decimal | None, Decimal | None]]  # (year, measured, target)


def indicators(data: dict, rounds: list[FollowUpRound], values: list[IndicatorValue]) -> list[IndicatorRow]:
    by_round = {r.pk: r.year for r in rounds}
    measured: dict[tuple[int, int], Decimal] = {}
    for v in sorted(values, key=lambda v: v.answered_at):
        if v.round_id in by_round:
            measured[(v.indicator_id, by_round[v.round_id])] = v.value
    rows = []
    start, end = data["period"]
    for area in data["focus_areas"]:
        for goal in area["goals"]:
            for ind in goal["indicators"]:
                points = [(year, measured.get((ind["key"], year)),
                           Decimal(ind["targets"][str(year)]) if str(year) in ind["targets"] else None)
                          for year in range(start, end + 1)]
                rows.append(IndicatorRow(indicator=ind, goal=goal, points=points))
    return rows


# --- what pages read ---------------------------------------------------------------------
def plan_list(*, user, organisation_id: int | None = None) -> list[SteeringDocument]:
    qs = SteeringDocument.objects.select_related("owner_organ", "case").order_by("-period_start", "title")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return [d for d in qs[:500] if access.plan_visible(user, d)]


def plan_get(*, user, pk: int) -> SteeringDocument:
    """A steering document the user may read (access.plan_get)."""
    return access.plan_get(user=user, pk=pk)


def plan_data_for(user, document: SteeringDocument) -> tuple[dict, bool]:
    """(structure, is_working_copy): staff see the working copy, the public the
    latest adopted version."""
    if access.can_read_internal(user, document):
        return snapshot(document), True
    version = latest_version(document)
    if version is None:
        raise NotFound(_("Styrdokumentet finns inte."))
    return version.snapshot, False


def rounds_of(document: SteeringDocument) -> list[FollowUpRound]:
    return list(document.follow_ups.order_by("year", "created_at"))


def reports_by_round(rounds: list[FollowUpRound]) -> dict[int, dict[int, ActionReport]]:
    grouped: dict[int, dict[int, ActionReport]] = {}
    for report in ActionReport.objects.filter(round__in=rounds):
        grouped.setdefault(report.round_id, {})[report.action_id] = report
    return grouped


@dataclass
class PlanOverview:
    document: SteeringDocument
    data: dict
    working_copy: bool
    rounds: list[FollowUpRound]
    rollup: Rollup | None
    money: list[MoneyRow]
    indicators: list[IndicatorRow]
    latest_round: FollowUpRound | None = None
    versions: list[PlanVersion] = field(default_factory=list)
    changes_since_adopted: list[Change] = field(default_factory=list)


def plan_overview(*, user, document: SteeringDocument) -> PlanOverview:
    data, working = plan_data_for(user, document)
    internal = access.can_read_internal(user, document)
    rounds = rounds_of(document)
    grouped = reports_by_round(rounds)
    latest = rounds[-1] if rounds else None
    values = list(IndicatorValue.objects.filter(round__in=rounds))
    versions_ = versions(document)
    return PlanOverview(
        document=document, data=data, working_copy=working, rounds=rounds,
        rollup=rollup(data, grouped.get(latest.pk, {}), internal=internal) if latest else None,
        money=money(data, rounds, grouped), indicators=indicators(data, rounds, values), latest_round=latest,
        versions=versions_,
        changes_since_adopted=diff(versions_[-1].snapshot, data) if working and versions_ else [],
    )


@dataclass
class ReportData:
    round: FollowUpRound
    data: dict
    rollup: Rollup
    money: list[MoneyRow]
    indicators: list[IndicatorRow]
    late: list[str]
    unanswered: list[str]


def follow_up_report_data(round_: FollowUpRound, *, user=None) -> ReportData:
    """What the yearly report shows: the adopted version's structure, this
    round's progress and comments (internal ones only for staff), money per
    year up to this round, indicators against targets."""
    document = round_.document
    version = latest_version(document)
    data = version.snapshot if version else snapshot(document)
    internal = user is not None and access.can_read_internal(user, document)
    rounds = [r for r in rounds_of(document) if (r.year, r.created_at) <= (round_.year, round_.created_at)]
    grouped = reports_by_round(rounds)
    values = list(IndicatorValue.objects.filter(round__in=rounds))
    requests = list(round_.requests.select_related("person"))
    late = sorted({r.action.title for r in round_.action_reports.select_related("action") if r.late})
    return ReportData(
        round=round_, data=data, rollup=rollup(data, grouped.get(round_.pk, {}), internal=internal),
        money=money(data, rounds, grouped), indicators=indicators(data, rounds, values), late=late,
        unanswered=sorted(r.person.name for r in requests if r.answered_at is None),
    )


def follow_up_get(*, user, pk: int) -> FollowUpRound:
    """A follow-up of a plan the user may read (access.follow_up_get)."""
    return access.follow_up_get(user=user, pk=pk)


def actions_to_answer(*, user, round_: FollowUpRound) -> list[Action]:
    """The actions this user reports on: their own, or all for those who run the plan."""
    qs = Action.objects.filter(goal__focus_area__document=round_.document).select_related(
        "goal", "goal__focus_area", "responsible_person", "responsible_organ").order_by(
        "goal__focus_area__position", "goal__position", "position")
    if not access.can_manage(user, round_.document):
        qs = qs.filter(responsible_person__user_id=getattr(user, "pk", None))
    return list(qs)


def focus_areas(document: SteeringDocument) -> list[FocusArea]:
    return list(document.focus_areas.order_by("position"))




@dataclass
class ReportCharts:
    progress: str
    money: str
    indicators: list[tuple[IndicatorRow, str]]


def report_charts(report: ReportData, *, prefix: str = "chart") -> ReportCharts:
    """The report's three kinds of chart as inline SVG (see charts.py)."""
    from . import charts

    return ReportCharts(
        progress=charts.progress_bars([(g.goal["title"], g.progress) for g in report.rollup.goals],
                                      title=_("Genomfört per mål, procent"), chart_id=f"{prefix}-progress"),
        money=charts.budget_bars(report.money, title=_("Budget och utfall per år, kronor"),
                                 chart_id=f"{prefix}-money"),
        indicators=[(row, charts.indicator_lines(row, title=_("%(name)s (%(unit)s): uppmätt och mål") % {
            "name": row.indicator["name"], "unit": row.indicator["unit"]}, chart_id=f"{prefix}-indicator-{i}"))
            for i, row in enumerate(report.indicators)],
    )


def structure(document: SteeringDocument):
    """The working copy's focus areas with goals, indicators, actions and budgets (for editing)."""
    return document.focus_areas.prefetch_related(
        "goals", "goals__indicators", "goals__actions", "goals__actions__budgets",
        "goals__actions__responsible_organ", "goals__actions__responsible_person").order_by("position", "id")


def internal_notes(document: SteeringDocument) -> dict[int, str]:
    """Internal notes by action id: for staff pages only."""
    return dict(Action.objects.filter(goal__focus_area__document=document).exclude(internal_note="")
                .values_list("pk", "internal_note"))


def possible_parents(*, organisation_id: int, exclude: SteeringDocument | None = None) -> list[SteeringDocument]:
    qs = SteeringDocument.objects.filter(organisation_id=organisation_id).order_by("title")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


def indicators_of(document: SteeringDocument):
    from .models import Indicator

    return list(Indicator.objects.filter(goal__focus_area__document=document).order_by(
        "goal__focus_area__position", "goal__position", "position"))


def case_plans(*, user, case) -> list:
    """The case's steering documents the user may read, newest period first. One
    query for a case without any; their versions (ids only) with them."""
    documents = case.steering_documents.select_related("owner_organ").prefetch_related(
        Prefetch("versions", queryset=PlanVersion.objects.only("id", "document_id"))).order_by("-period_start", "title")
    return [p for p in documents if access.plan_visible(user, p)]


# --- for the API: structure rows by id, seen only by those who may see their plan ---------------
def focus_area_get(*, user, pk: int) -> FocusArea:
    item = FocusArea.objects.select_related("document", "document__case").filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Målområdet finns inte."))
    access.plan_get(user=user, pk=item.document_id)
    return item


def goal_get(*, user, pk: int) -> Goal:
    item = Goal.objects.select_related("focus_area", "focus_area__document", "focus_area__document__case").filter(
        pk=pk).first()
    if item is None:
        raise NotFound(_("Målet finns inte."))
    access.plan_get(user=user, pk=item.focus_area.document_id)
    return item


def indicator_get(*, user, pk: int) -> Indicator:
    item = Indicator.objects.select_related("goal", "goal__focus_area", "goal__focus_area__document",
                                            "goal__focus_area__document__case").filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Indikatorn finns inte."))
    access.plan_get(user=user, pk=item.goal.focus_area.document_id)
    return item


def action_get(*, user, pk: int) -> Action:
    item = Action.objects.select_related("goal", "goal__focus_area", "goal__focus_area__document",
                                         "goal__focus_area__document__case", "responsible_organ",
                                         "responsible_person").filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Aktiviteten finns inte."))
    access.plan_get(user=user, pk=item.goal.focus_area.document_id)
    return item


STRUCTURE_MODELS = (FocusArea, Goal, Indicator, Action)


def structure_item_for_write(*, model, pk: int, path: str, document: SteeringDocument | None = None):
    """A focus area, goal, indicator or action (`model`) with the steering
    document it belongs to (reached through `path`) and its case, for a write
    service that checks the rights itself; with `document`, only one of that
    document. None when there is none."""
    if model not in STRUCTURE_MODELS:
        raise ValueError(model)
    items = model.objects.select_related(path, f"{path}__case").filter(pk=pk)
    if document is not None:
        items = items.filter(**{path: document})
    return items.first()


def action_with_budgets(action: Action) -> tuple[Action, list[ActionBudget]]:
    """The action as saved, with its responsible organ and person and its budget rows by year."""
    item = Action.objects.select_related("responsible_organ", "responsible_person").get(pk=action.pk)
    return item, list(item.budgets.order_by("year"))


def follow_up_rows(round_: FollowUpRound) -> tuple[list[ActionReport], list[IndicatorValue], list, set[int]]:
    """A round's action reports and indicator values in the plan's order, its
    requests by name, and the people whose answers were late."""
    late_people = set(round_.action_reports.filter(late=True, action__responsible_person__isnull=False)
                      .values_list("action__responsible_person_id", flat=True))
    reports = list(round_.action_reports.select_related("action").order_by(
        "action__goal__focus_area__position", "action__goal__position", "action__position"))
    values = list(IndicatorValue.objects.filter(round=round_).select_related("indicator").order_by(
        "indicator__position", "indicator_id"))
    requests = list(round_.requests.select_related("person").order_by("person__name"))
    return reports, values, requests, late_people


# --- rows named by id in a request body (core.lookups.referenced) -----------------------------
def parent_referenced(*, user, pk: int | None, organisation_id: int, own_pk: int | None = None):
    """A steering document of the organisation the user may read, to be the parent of another."""
    if pk is None:
        return None
    parent = referenced(lambda: plan_get(user=user, pk=pk), "parent")
    if parent.organisation_id != organisation_id or parent.pk == own_pk:
        raise DomainError(_("Styrdokumentet finns inte."), field="parent")
    return parent


def focus_area_in_plan(*, document_id: int, pk: int, field: str) -> FocusArea:
    area = FocusArea.objects.select_related("document", "document__case").filter(
        pk=pk, document_id=document_id).first()
    if area is None:
        raise DomainError(_("Målområdet finns inte i styrdokumentet."), field=field)
    return area


def goal_in_plan(*, document: SteeringDocument, pk: int, field: str) -> Goal:
    goal = Goal.objects.select_related("focus_area", "focus_area__document", "focus_area__document__case").filter(
        pk=pk, focus_area__document=document).first()
    if goal is None:
        raise DomainError(_("Målet finns inte i styrdokumentet."), field=field)
    return goal


def answer_rows(*, document: SteeringDocument, action_ids: list[int], indicator_ids: list[int]
                ) -> tuple[dict[int, Action], dict[int, Indicator]]:
    """The plan's actions and indicators named in an answer; one not of the plan,
    or an action named twice, is the client's error."""
    actions = {a.pk: a for a in Action.objects.select_related("goal", "goal__focus_area").filter(
        pk__in=action_ids, goal__focus_area__document=document)}
    missing = [pk for pk in action_ids if pk not in actions]
    if missing:
        raise DomainError(_("Aktiviteten %(id)s hör inte till planen.") % {"id": missing[0]}, field="reports")
    if len(set(action_ids)) != len(action_ids):
        raise DomainError(_("Varje aktivitet får bara ett svar."), field="reports")
    indicators = {i.pk: i for i in Indicator.objects.select_related("goal", "goal__focus_area").filter(
        pk__in=indicator_ids, goal__focus_area__document=document)}
    missing = [pk for pk in indicator_ids if pk not in indicators]
    if missing:
        raise DomainError(_("Indikatorn %(id)s hör inte till planen.") % {"id": missing[0]}, field="values")
    return actions, indicators


# --- on an officer's desk --------------------------------------------------------------------
def follow_ups_due(*, user, limit: int) -> tuple[list, int]:
    """Follow-up requests sent to the user and not yet answered, in rounds
    still open: the soonest deadline first."""
    qs = (FollowUpRequest.objects.filter(person__user=user, answered_at__isnull=True, sent_at__isnull=False,
                                         round__status=FollowUpRound.Status.OPEN)
          .select_related("round", "round__document").order_by("round__deadline", "id"))
    return first_with_total(qs, limit)
