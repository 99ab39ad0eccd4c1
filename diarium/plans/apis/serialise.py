"""Turning the plans app's rows and the selectors' read models (overview,
roll-up, money, indicators, follow-up report) into the dicts of the API's
schemas. What the reader may see is decided by the selectors and access.py
(the public gets the adopted version, never internal notes or comments);
here only whether staff-only fields are filled in.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from diarium.core.api.auth import actor
from diarium.decisions import access as decisions_access

from .. import access, selectors
from ..models import (
    Action,
    ActionReport,
    FocusArea,
    FollowUpRound,
    Goal,
    Indicator,
    PlanVersion,
    SteeringDocument,
)


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


def structure(data: dict) -> list[dict]:
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


def version_rows(user, versions: list[PlanVersion]) -> list[dict]:
    rows, previous = [], None
    for v in versions:
        rows.append({"number": v.number, "adopted_at": v.adopted_at, "note": v.note,
                     "decision": _decision_ref(user, v.adopted_by_decision),
                     "changes": _changes(selectors.diff(previous, v.snapshot))})
        previous = v.snapshot
    return rows


def list_item(d: SteeringDocument) -> dict:
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
        **list_item(document),
        "description": document.description, "parent_id": document.parent_id, "years": document.years,
        "process_owner": _person_ref(document.process_owner), "process_owner_role": document.process_owner_role,
        "adopted_by": _decision_ref(user, document.adopted_by),
        "weighting": document.weighting, "weighting_label": str(document.get_weighting_display()),
        "follow_up_months": document.follow_up_months, "created_at": document.created_at,
        "updated_at": document.updated_at, "working_copy": overview.working_copy,
        "shown_version": None if overview.working_copy else (versions[-1].number if versions else None),
        "can_manage": access.can_manage(user, document),
        "focus_areas": structure(overview.data),
        "rollup": _rollup(overview.rollup, overview.latest_round),
        "money": _money_rows(overview.money), "indicators": _indicator_rows(overview.indicators),
        "follow_ups": [_round_item(r) for r in overview.rounds],
        "versions": version_rows(user, versions),
        "changes_since_adopted": _changes(overview.changes_since_adopted),
    }


def fresh_plan(request, plan_id: int) -> dict:
    user = actor(request)
    return _plan_out(user, selectors.plan_get(user=user, pk=plan_id))


def focus_area_out(item: FocusArea) -> dict:
    return {"id": item.pk, "plan_id": item.document_id, "position": item.position, "title": item.title,
            "description": item.description}


def goal_out(item: Goal) -> dict:
    return {"id": item.pk, "focus_area_id": item.focus_area_id, "position": item.position, "title": item.title,
            "description": item.description}


def indicator_out(item: Indicator) -> dict:
    return {"id": item.pk, "goal_id": item.goal_id, "position": item.position, "name": item.name,
            "unit": item.unit, "baseline": _number(item.baseline), "baseline_year": item.baseline_year,
            "targets": {str(k): str(v) for k, v in item.targets.items()}}


def action_out(item: Action) -> dict:
    item, budgets = selectors.action_with_budgets(item)
    return {
        "id": item.pk, "goal_id": item.goal_id, "position": item.position, "title": item.title,
        "description": item.description, "responsible_organ_id": item.responsible_organ_id,
        "responsible_organ": item.responsible_organ.name if item.responsible_organ_id else "",
        "responsible_person_id": item.responsible_person_id,
        "responsible_person": item.responsible_person.name if item.responsible_person_id else "",
        "start": item.start, "end": item.end, "funding_source": item.funding_source,
        "weight": _number(item.weight), "internal_note": item.internal_note,
        "budgets": [{"year": b.year, "operating": _money(b.operating), "investment": _money(b.investment)}
                    for b in budgets],
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
    action_reports, indicator_values, requests, late_people = selectors.follow_up_rows(round_)
    reports = []
    for r in action_reports:
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
              for v in indicator_values
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
        } for q in requests],
        "reports": reports, "values": values,
        "rollup": _rollup(report.rollup, round_), "money": _money_rows(report.money),
        "indicators": _indicator_rows(report.indicators), "late": report.late, "unanswered": report.unanswered,
    }


def fresh_round(request, round_id: int) -> dict:
    user = actor(request)
    return _round_out(user, selectors.follow_up_get(user=user, pk=round_id))
