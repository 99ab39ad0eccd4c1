"""Writes for a plan's structure: focus areas, goals, indicators with their
targets per year, actions with their budgets, moving and deleting them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Person
from diarium.core.errors import DomainError
from diarium.core.limits import check_lengths, length_errors

from .. import access
from ..models import (
    DESCRIPTION_MAX,
    INTERNAL_NOTE_MAX,
    Action,
    ActionBudget,
    ActionReport,
    FocusArea,
    Goal,
    Indicator,
    IndicatorValue,
    SteeringDocument,
)
from .shared import document_touch, errors_raise, money, number_within


def _next_position(qs) -> int:
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1


def _require_title(title: str, message: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(message, field="title")
    return title[:300]


@transaction.atomic
def focus_area_save(*, actor, document: SteeringDocument, title: str, description: str = "",
                    focus_area: FocusArea | None = None, now: dt.datetime | None = None) -> FocusArea:
    access.require_manage(actor, document)
    title = _require_title(title, _("Ange målområdets namn."))
    check_lengths({"description": ((description or "").strip(), DESCRIPTION_MAX)})
    if focus_area is None:
        focus_area = FocusArea(document=document, position=_next_position(document.focus_areas))
    focus_area.title, focus_area.description = title, (description or "").strip()
    focus_area.save()
    document_touch(document, actor, _("målområde: %(t)s") % {"t": title}, now)
    return focus_area


@transaction.atomic
def goal_save(*, actor, focus_area: FocusArea, title: str, description: str = "", goal: Goal | None = None,
              now: dt.datetime | None = None) -> Goal:
    document = focus_area.document
    access.require_manage(actor, document)
    title = _require_title(title, _("Ange målets namn."))
    check_lengths({"description": ((description or "").strip(), DESCRIPTION_MAX)})
    if goal is None:
        goal = Goal(focus_area=focus_area, position=_next_position(focus_area.goals))
    goal.focus_area, goal.title, goal.description = focus_area, title, (description or "").strip()
    goal.save()
    document_touch(document, actor, _("mål: %(t)s") % {"t": title}, now)
    return goal


def _targets(targets: dict, years: Sequence[int]) -> dict[str, str]:
    clean = {}
    for year, value in (targets or {}).items():
        if value in (None, ""):
            continue
        try:
            year_int = int(year)
            number = Decimal(str(value).replace(",", "."))
        except (ValueError, InvalidOperation) as exc:
            raise DomainError(_("Ange målvärden som tal per år."), field="targets") from exc
        number_within(number, "targets", max_digits=14)
        if year_int not in years:
            raise DomainError(_("Målvärdet för %(y)s ligger utanför giltighetstiden.") % {"y": year_int},
                              field="targets")
        clean[str(year_int)] = str(number)
    return clean


@transaction.atomic
def indicator_save(*, actor, goal: Goal, name: str, unit: str, baseline=None, baseline_year: int | None = None,
                   targets: dict | None = None, indicator: Indicator | None = None,
                   now: dt.datetime | None = None) -> Indicator:
    document = goal.focus_area.document
    access.require_manage(actor, document)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Ange indikatorns namn.")]
    if not (unit or "").strip():
        errors["unit"] = [_("Ange enhet, till exempel \"procent\" eller \"antal\".")]
    errors_raise(errors)
    if indicator is None:
        indicator = Indicator(goal=goal, position=_next_position(goal.indicators))
    indicator.goal, indicator.name, indicator.unit = goal, name[:300], unit.strip()[:40]
    if baseline in (None, ""):
        indicator.baseline = None
    else:
        try:
            indicator.baseline = number_within(Decimal(str(baseline).replace(",", ".")), "baseline", max_digits=14)
        except InvalidOperation as exc:
            raise DomainError(_("Ange utgångsvärdet som ett tal."), field="baseline") from exc
    indicator.baseline_year = baseline_year
    indicator.targets = _targets(targets or {}, document.years)
    indicator.save()
    document_touch(document, actor, _("indikator: %(t)s") % {"t": name}, now)
    return indicator


@dataclass
class BudgetInput:
    year: int
    operating: object = 0
    investment: object = 0


@transaction.atomic
def action_save(
    *, actor, goal: Goal, title: str, description: str = "", responsible_organ: Organ | None = None,
    responsible_person: Person | None = None, start: dt.date | None = None, end: dt.date | None = None,
    funding_source: str = "", weight=None, internal_note: str = "", budgets: Sequence[BudgetInput] = (),
    action: Action | None = None, now: dt.datetime | None = None,
) -> Action:
    """Add or change an action with its budget per year (operating and investment)."""
    document = goal.focus_area.document
    access.require_manage(actor, document)
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Ange aktivitetens namn.")]
    errors.update(length_errors({"description": ((description or "").strip(), DESCRIPTION_MAX),
                                 "internal_note": ((internal_note or "").strip(), INTERNAL_NOTE_MAX)}))
    if start and end and end < start:
        errors["end"] = [_("Aktiviteten kan inte vara klar innan den har börjat.")]
    if responsible_organ is not None and responsible_organ.organisation_id != document.organisation_id:
        errors["responsible_organ"] = [_("Ansvarigt organ måste höra till samma organisation.")]
    clean_weight = None
    if weight not in (None, ""):
        try:
            clean_weight = Decimal(str(weight).replace(",", "."))
        except InvalidOperation:
            clean_weight = Decimal("-1")
        if clean_weight < 0:
            errors["weight"] = [_("Vikten är ett tal, 0 eller mer.")]
        else:
            try:
                number_within(clean_weight, "weight", max_digits=8)
            except DomainError as exc:
                errors["weight"] = [exc.message]
    amounts = []
    for b in budgets:
        if b.year not in document.years:
            errors["budgets"] = [_("Budgetåret %(y)s ligger utanför planens giltighetstid %(a)s–%(b)s.")
                                 % {"y": b.year, "a": document.period_start, "b": document.period_end}]
            continue
        try:
            amounts.append((b.year, money(b.operating, "budgets"), money(b.investment, "budgets")))
        except DomainError as exc:
            errors["budgets"] = [exc.message]
    if len({y for y, *_rest in amounts}) != len(amounts):
        errors["budgets"] = [_("Varje år får bara en budgetrad.")]
    errors_raise(errors)
    if action is None:
        action = Action(goal=goal, position=_next_position(goal.actions))
    action.goal = goal
    action.title, action.description = title[:300], (description or "").strip()
    action.responsible_organ, action.responsible_person = responsible_organ, responsible_person
    action.start, action.end = start, end
    action.funding_source = (funding_source or "").strip()[:200]
    action.weight = clean_weight
    action.internal_note = (internal_note or "").strip()
    action.save()
    if budgets:
        action.budgets.exclude(year__in=[y for y, *_r in amounts]).delete()
        for year, operating, investment in amounts:
            ActionBudget.objects.update_or_create(action=action, year=year,
                                                  defaults={"operating": operating, "investment": investment})
    document_touch(document, actor, _("aktivitet: %(t)s") % {"t": title}, now)
    return action


@transaction.atomic
def structure_delete(*, actor, item) -> None:
    """Remove a focus area, goal, indicator or action from the working copy.
    What a follow-up has reported on stays: it can be cancelled, not removed."""
    if isinstance(item, FocusArea):
        document = item.document
        reported = ActionReport.objects.filter(action__goal__focus_area=item).exists() or \
            IndicatorValue.objects.filter(indicator__goal__focus_area=item).exists()
    elif isinstance(item, Goal):
        document = item.focus_area.document
        reported = ActionReport.objects.filter(action__goal=item).exists() or \
            IndicatorValue.objects.filter(indicator__goal=item).exists()
    elif isinstance(item, Indicator):
        document = item.goal.focus_area.document
        reported = item.values.exists()
    elif isinstance(item, Action):
        document = item.goal.focus_area.document
        reported = item.reports.exists()
    else:
        raise TypeError(item)
    access.require_manage(actor, document)
    if reported:
        raise DomainError(_("Det finns uppföljningar av %(t)s; den kan inte tas bort. Markera aktiviteten som "
                            "avbruten i nästa uppföljning i stället.") % {"t": str(item)})
    label = str(item)
    item.delete()
    document_touch(document, actor, _("%(t)s togs bort") % {"t": label})
