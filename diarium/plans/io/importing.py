"""Importing a file: every row is checked first and every problem reported with
its row number; only a file without errors is written, in one transaction,
through the same services as the forms (rights, events). A row with the id of
an action updates it; one without adds an action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Person
from diarium.core.errors import DomainError, PermissionDenied

from .. import access, services
from ..models import Action, FocusArea, Goal, SteeringDocument
from .table import (
    AREA,
    DESCRIPTION,
    END,
    FUNDING,
    GOAL,
    ID,
    INVESTMENT,
    MAX_ERRORS,
    OPERATING,
    ORGAN,
    PERSON,
    START,
    TEXT_COLUMNS,
    TITLE,
    WEIGHT,
    YEAR,
    read_table,
)
from .values import (
    RowError,
    cell_action_id,
    cell_amount,
    cell_date,
    cell_shown,
    cell_text,
    cell_year,
    texts_same,
)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    budgets: int = 0
    unchanged: int = 0
    focus_areas: int = 0
    goals: int = 0


@dataclass
class _Row:
    number: int
    action_id: int | None
    area: str
    goal: str
    title: str
    description: str
    organ: Organ | None
    person_name: str
    start: dt.date | None
    end: dt.date | None
    funding: str
    weight: Decimal | None
    year: int | None
    operating: Decimal | None
    investment: Decimal | None

    def action_fields(self) -> tuple:
        return (self.area, self.goal, self.title, self.description, self.organ and self.organ.pk, self.person_name,
                self.start, self.end, self.funding, self.weight)


@dataclass
class _Planned:
    first: _Row
    existing: Action | None
    person: Person | None = None
    budgets: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)


class _Checker:
    """Reads and checks every row before anything is written."""

    def __init__(self, document: SteeringDocument, is_csv: bool):
        self.document = document
        self.is_csv = is_csv
        self.errors: list[str] = []
        org_id = document.organisation_id
        self.organs = list(Organ.objects.filter(organisation_id=org_id))
        self.people: dict[str, list[Person]] = {}
        for p in Person.objects.filter(organisation_id=org_id).order_by("pk"):
            self.people.setdefault(p.name.strip().casefold(), []).append(p)
        self.actions = {a.pk: a for a in Action.objects.filter(goal__focus_area__document=document).select_related(
            "goal", "goal__focus_area", "responsible_person").prefetch_related("budgets")}
        self.by_title: dict[tuple[int, str], Action] = {}
        for a in sorted(self.actions.values(), key=lambda a: (a.position, a.pk), reverse=True):
            self.by_title[(a.goal_id, a.title)] = a  # the first in order wins
        self.areas: dict[str, FocusArea] = {}
        for a in document.focus_areas.order_by("-position", "-id"):
            self.areas[a.title] = a  # the first in order wins
        self.goals: dict[tuple[int, str], Goal] = {}
        for g in Goal.objects.filter(focus_area__document=document).order_by("-position", "-id"):
            self.goals[(g.focus_area_id, g.title)] = g

    def error(self, number: int, message: str) -> None:
        self.errors.append(_("Rad %(n)s: %(m)s") % {"n": number, "m": message})

    def organ(self, code: str) -> Organ | None:
        for match in (lambda o: o.code == code, lambda o: o.code.casefold() == code.casefold(),
                      lambda o: o.name.casefold() == code.casefold()):
            found = [o for o in self.organs if match(o)]
            if found:
                return found[0]
        raise RowError

    def row(self, number: int, raw: dict) -> _Row | None:
        errors_before = len(self.errors)
        t = {name: cell_text(raw.get(name), self.is_csv) for name in TEXT_COLUMNS}
        for name, limit, label in ((AREA, 300, _("målområde")), (GOAL, 300, _("mål")),
                                   (TITLE, 300, _("aktivitet"))):
            if not t[name]:
                self.error(number, _("Ange %(c)s.") % {"c": label})
            elif len(t[name]) > limit:
                self.error(number, _("Kolumnen \"%(c)s\" får vara högst %(n)s tecken.") % {"c": name, "n": limit})
        if len(t[FUNDING]) > 200:
            self.error(number, _("Kolumnen \"%(c)s\" får vara högst %(n)s tecken.") % {"c": FUNDING, "n": 200})
        organ = None
        if t[ORGAN]:
            try:
                organ = self.organ(t[ORGAN])
            except RowError:
                self.error(number, _("Okänt organ \"%(v)s\".") % {"v": t[ORGAN]})
        if t[PERSON] and t[PERSON].casefold() not in self.people:
            self.error(number, _("Okänd person \"%(v)s\".") % {"v": t[PERSON]})
        dates = {}
        for name in (START, END):
            try:
                dates[name] = cell_date(raw.get(name))
            except RowError:
                dates[name] = None
                self.error(number, _("Datumet \"%(v)s\" i kolumnen \"%(c)s\" ska skrivas ÅÅÅÅ-MM-DD.")
                           % {"v": cell_shown(raw.get(name)), "c": name})
        if dates[START] and dates[END] and dates[END] < dates[START]:
            self.error(number, _("Aktiviteten kan inte vara klar innan den har börjat."))
        weight = None
        try:
            weight = cell_amount(raw.get(WEIGHT), Decimal("1e6"))
        except (RowError, ValueError):
            self.error(number, _("Vikten \"%(v)s\" är inte ett tal (0 eller mer, högst två decimaler).")
                       % {"v": cell_shown(raw.get(WEIGHT))})
        amounts = {}
        for name in (OPERATING, INVESTMENT):
            try:
                amounts[name] = cell_amount(raw.get(name), Decimal("1e12"))
            except RowError:
                amounts[name] = None
                self.error(number, _("Beloppet \"%(v)s\" är inte ett tal.") % {"v": cell_shown(raw.get(name))})
            except ValueError:
                amounts[name] = None
                self.error(number, _("Beloppet \"%(v)s\" ska vara 0 eller mer, med högst två decimaler.")
                           % {"v": cell_shown(raw.get(name))})
        year = None
        try:
            year = cell_year(raw.get(YEAR))
        except RowError:
            self.error(number, _("Året \"%(v)s\" är inte ett årtal.") % {"v": cell_shown(raw.get(YEAR))})
        else:
            if year is not None and year not in self.document.years:
                self.error(number, _("Året %(y)s ligger utanför planens giltighetstid %(a)s–%(b)s.") % {
                    "y": year, "a": self.document.period_start, "b": self.document.period_end})
            elif year is None and (amounts[OPERATING] or amounts[INVESTMENT]):
                self.error(number, _("Ange år för beloppen."))
        action_id = None
        try:
            action_id = cell_action_id(raw.get(ID))
        except RowError:
            self.error(number, _("Id \"%(v)s\" är inte ett nummer. Lämna kolumnen tom för en ny aktivitet.")
                       % {"v": cell_shown(raw.get(ID))})
        if len(self.errors) > errors_before:
            return None
        return _Row(number=number, action_id=action_id, area=t[AREA], goal=t[GOAL], title=t[TITLE],
                    description=t[DESCRIPTION], organ=organ, person_name=t[PERSON], start=dates[START],
                    end=dates[END], funding=t[FUNDING], weight=weight, year=year,
                    operating=amounts[OPERATING], investment=amounts[INVESTMENT])

    def existing_by_title(self, row: _Row) -> Action | None:
        area = self.areas.get(row.area)
        goal = area and self.goals.get((area.pk, row.goal))
        if goal is None:
            return None
        return self.by_title.get((goal.pk, row.title))

    def person(self, row: _Row, existing: Action | None) -> Person | None:
        if not row.person_name:
            return None
        found = self.people[row.person_name.casefold()]
        exact = [p for p in found if p.name.strip() == row.person_name] or found
        if len(exact) == 1:
            return exact[0]
        current = existing.responsible_person if existing else None
        if current is not None and current in exact:
            return current  # the export named the person already responsible
        raise RowError

    def plan(self, rows: list[tuple[int, dict]]) -> list[_Planned]:
        groups: dict[tuple, _Planned] = {}
        claimed: dict[int, int] = {}  # action pk -> first row number
        for number, raw in rows:
            row = self.row(number, raw)
            if row is None:
                continue
            if row.action_id is not None and row.action_id in self.actions:
                key = ("id", row.action_id)
            else:
                key = ("title", row.area, row.goal, row.title)
            planned = groups.get(key)
            if planned is None:
                existing = self.actions[row.action_id] if key[0] == "id" else self.existing_by_title(row)
                if existing is not None and existing.pk in claimed:
                    self.error(number, _("Aktiviteten \"%(t)s\" finns redan på rad %(r)s.")
                               % {"t": row.title, "r": claimed[existing.pk]})
                    continue
                try:
                    person = self.person(row, existing)
                except RowError:
                    self.error(number, _("Flera personer heter \"%(v)s\"; välj ansvarig i formuläret i stället.")
                               % {"v": row.person_name})
                    continue
                planned = groups[key] = _Planned(first=row, existing=existing, person=person)
                if existing is not None:
                    claimed[existing.pk] = number
            elif row.action_fields() != planned.first.action_fields():
                self.error(number, _("Aktiviteten \"%(t)s\" har andra uppgifter än på rad %(r)s. Ändra alla rader "
                                     "för aktiviteten.") % {"t": row.title, "r": planned.first.number})
                continue
            if row.year is not None:
                if row.year in planned.budgets:
                    self.error(number, _("Aktiviteten \"%(t)s\" har redan en budgetrad för %(y)s.")
                               % {"t": row.title, "y": row.year})
                    continue
                planned.budgets[row.year] = (row.operating or Decimal("0.00"), row.investment or Decimal("0.00"))
        return list(groups.values())


def _unchanged(action: Action, goal: Goal, p: _Planned) -> bool:
    row = p.first
    current_budgets = {b.year: (b.operating, b.investment) for b in action.budgets.all()}
    return (
        action.goal_id == goal.pk and action.title == row.title and texts_same(action.description, row.description)
        and action.responsible_organ_id == (row.organ.pk if row.organ else None)
        and action.responsible_person_id == (p.person.pk if p.person else None)
        and action.start == row.start and action.end == row.end and action.funding_source == row.funding
        and action.weight == row.weight and (not p.budgets or current_budgets == p.budgets)
    )


def import_file(*, actor, document: SteeringDocument, upload) -> ImportResult:
    """Add or update actions and their budgets per year from a CSV or XLSX file
    laid out as the export. Nothing is written unless every row is right; then
    a DomainError lists every problem under errors["rows"]."""
    access.require_manage(actor, document)
    rows, is_csv = read_table(upload)
    if not rows:
        message = _("Filen innehåller inga aktiviteter.")
        raise DomainError(message, errors={"rows": [message]})
    with transaction.atomic():
        document = SteeringDocument.objects.select_for_update().select_related("case").get(pk=document.pk)
        checker = _Checker(document, is_csv)
        planned = checker.plan(rows)
        if checker.errors:
            messages = checker.errors[:MAX_ERRORS]
            if len(checker.errors) > MAX_ERRORS:
                messages.append(_("… och %(n)s fel till.") % {"n": len(checker.errors) - MAX_ERRORS})
            raise DomainError(messages[0], errors={"rows": messages})
        return _write(actor, document, checker, planned)


def _write(actor, document: SteeringDocument, checker: _Checker, planned: list[_Planned]) -> ImportResult:
    result = ImportResult()
    areas, goals = dict(checker.areas), dict(checker.goals)
    for p in planned:
        row = p.first
        try:
            area = areas.get(row.area)
            if area is None:
                area = areas[row.area] = services.focus_area_save(actor=actor, document=document, title=row.area)
                result.focus_areas += 1
            goal = goals.get((area.pk, row.goal))
            if goal is None:
                goal = goals[(area.pk, row.goal)] = services.goal_save(actor=actor, focus_area=area, title=row.goal)
                result.goals += 1
            action = p.existing
            if action is not None and _unchanged(action, goal, p):
                result.unchanged += 1
                continue
            services.action_save(
                actor=actor, goal=goal, title=row.title,
                description=action.description if action is not None and texts_same(
                    action.description, row.description) else row.description,
                responsible_organ=row.organ, responsible_person=p.person, start=row.start, end=row.end,
                funding_source=row.funding, weight=row.weight,
                internal_note=action.internal_note if action is not None else "",
                budgets=[services.BudgetInput(year=y, operating=op, investment=inv)
                         for y, (op, inv) in sorted(p.budgets.items())],
                action=action,
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            message = _("Rad %(n)s: %(m)s") % {"n": row.number, "m": exc.message}
            raise DomainError(message, errors={"rows": [message]}) from exc
        if action is None:
            result.created += 1
        else:
            result.updated += 1
        result.budgets += len(p.budgets)
    return result
