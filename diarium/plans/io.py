"""Actions and budgets of a steering document as a spreadsheet (CSV or XLSX),
and back again.

One row per action and budget year; an action without budget rows still gets
one row with the year and amounts empty. The "id" column is the action's key:
a re-import updates the action instead of adding another. Amounts are written
in plain decimal form (250000.00) so nothing is lost on the way round; on the
way in the Swedish form ("250 000,50") is accepted too.

An import is all or nothing: every row is checked first and every problem is
reported with its row number; only a file without errors is written, in one
transaction, through the same services as the forms (rights, events).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Person
from diarium.core.errors import DomainError, PermissionDenied

from . import access, services
from .models import Action, FocusArea, Goal, SteeringDocument

# The columns, in order. The header row uses exactly these names.
ID, AREA, GOAL, TITLE, DESCRIPTION, ORGAN, PERSON, START, END, FUNDING, WEIGHT, YEAR, OPERATING, INVESTMENT = (
    "id", "målområde", "mål", "aktivitet", "beskrivning", "ansvarigt organ", "ansvarig", "start", "klar",
    "finansiering", "vikt", "år", "drift", "investering",
)
COLUMNS = [ID, AREA, GOAL, TITLE, DESCRIPTION, ORGAN, PERSON, START, END, FUNDING, WEIGHT, YEAR, OPERATING,
           INVESTMENT]
REQUIRED = [AREA, GOAL, TITLE]
TEXT_COLUMNS = {AREA, GOAL, TITLE, DESCRIPTION, ORGAN, PERSON, FUNDING}

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
MAX_ERRORS = 200
CENT = Decimal("0.01")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls format
# Characters a spreadsheet takes as the start of a formula. A CSV cell that
# starts with one gets a leading apostrophe on export, removed again on import.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
# Control characters XLSX cannot hold (the same set openpyxl refuses).
ILLEGAL_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


# --- export ---------------------------------------------------------------------------------
def _plain(amount: Decimal | None) -> str:
    return "" if amount is None else str(Decimal(amount).quantize(CENT))


def _actions(document: SteeringDocument) -> list[Action]:
    return list(
        Action.objects.filter(goal__focus_area__document=document)
        .select_related("goal", "goal__focus_area", "responsible_organ", "responsible_person")
        .prefetch_related("budgets")
        .order_by("goal__focus_area__position", "goal__focus_area_id", "goal__position", "goal_id", "position", "id")
    )


def export_rows(document: SteeringDocument) -> list[dict]:
    """The rows of the export as dicts keyed by the Swedish column names.
    Values are str (amounts as "250000.00", dates as "2019-01-31") or int (id,
    år); an empty value is ""."""
    rows = []
    for x in _actions(document):
        base = {
            ID: x.pk, AREA: x.goal.focus_area.title, GOAL: x.goal.title, TITLE: x.title, DESCRIPTION: x.description,
            ORGAN: x.responsible_organ.code if x.responsible_organ_id else "",
            PERSON: x.responsible_person.name if x.responsible_person_id else "",
            START: x.start.isoformat() if x.start else "", END: x.end.isoformat() if x.end else "",
            FUNDING: x.funding_source, WEIGHT: _plain(x.weight),
        }
        budgets = sorted(x.budgets.all(), key=lambda b: b.year)
        if not budgets:
            rows.append({**base, YEAR: "", OPERATING: "", INVESTMENT: ""})
        for b in budgets:
            rows.append({**base, YEAR: b.year, OPERATING: _plain(b.operating), INVESTMENT: _plain(b.investment)})
    return rows


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(document: SteeringDocument) -> bytes:
    """UTF-8 with BOM, semicolon-separated, Swedish header row: what Excel in
    Sweden opens directly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in export_rows(document):
        writer.writerow([_csv_cell(row[c]) if c in TEXT_COLUMNS else row[c] for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(document: SteeringDocument) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Aktiviteter"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(export_rows(document), start=2):
        for c, name in enumerate(COLUMNS, start=1):
            value = row[name]
            cell = ws.cell(row=r, column=c)
            if value == "":
                continue
            if name in TEXT_COLUMNS:
                cell.value = ILLEGAL_XML.sub("", value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif name in (START, END):
                cell.value = dt.date.fromisoformat(value)
                cell.number_format = "yyyy-mm-dd"
            elif name in (OPERATING, INVESTMENT, WEIGHT):
                cell.value = Decimal(value)
                cell.number_format = "0.00"
            else:
                cell.value = value
    widths = {ID: 8, AREA: 30, GOAL: 30, TITLE: 40, DESCRIPTION: 40, ORGAN: 12, PERSON: 22, START: 12, END: 12,
              FUNDING: 20, WEIGHT: 8, YEAR: 8, OPERATING: 14, INVESTMENT: 14}
    for c, name in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = widths[name]
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading a file -------------------------------------------------------------------------
def _read_bytes(upload) -> bytes:
    if isinstance(upload, (bytes, bytearray)):
        data = bytes(upload)
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(_("Filen är för stor (högst 10 MB)."), field="file")
    if not data.strip():
        raise DomainError(_("Filen är tom."), field="file")
    return data


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DomainError(_("Filen kunde inte läsas. Spara den som CSV (UTF-8) eller XLSX."), field="file") from exc


def _csv_rows(data: bytes) -> list[list]:
    text = _decode(data).lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=lambda d: (first.count(d), d == ";"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise DomainError(_("Filen har fler än %(n)s rader.") % {"n": MAX_ROWS}, field="file")
    except csv.Error as exc:
        raise DomainError(_("Rad %(n)s: Raden kunde inte läsas (%(e)s).") % {"n": reader.line_num, "e": exc},
                          field="file") from exc
    return rows


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken or foreign zip: openpyxl raises several kinds
        raise DomainError(_("Filen kunde inte läsas som XLSX."), field="file") from exc
    try:
        rows = []
        for row in wb.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                raise DomainError(_("Filen har fler än %(n)s rader.") % {"n": MAX_ROWS}, field="file")
        return rows
    finally:
        wb.close()


def _norm_header(value) -> str:
    return " ".join(str(value or "").replace("\ufeff", "").split()).lower()


def read_table(upload) -> tuple[list[tuple[int, dict]], bool]:
    """(rows, is_csv): each row as (row number as a spreadsheet shows it, {column: raw value})."""
    data = _read_bytes(upload)
    if data.startswith(OLE_MAGIC):
        raise DomainError(_("Det gamla Excel-formatet (.xls) kan inte läsas. Spara filen som .xlsx eller CSV."),
                          field="file")
    is_csv = not data.startswith(ZIP_MAGIC)
    table = _csv_rows(data) if is_csv else _xlsx_rows(data)
    if not table:
        raise DomainError(_("Filen är tom."), field="file")
    header = [_norm_header(h) for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        message = _("Filen saknar kolumnen \"%(c)s\". Första raden ska vara rubrikerna: %(all)s.") % {
            "c": missing[0], "all": "; ".join(COLUMNS)}
        raise DomainError(message, errors={"rows": [message]})
    index = {name: header.index(name) for name in COLUMNS if name in header}
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        values = {name: raw[i] if i < len(raw) else None for name, i in index.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        rows.append((number, values))
    return rows, is_csv


# --- checking values ------------------------------------------------------------------------
class RowError(Exception):
    pass


def _text(value, is_csv: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if is_csv and text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]
    return text.strip()


def _shown(value) -> str:
    return "" if value is None else str(value).strip()


def _decimal(value) -> Decimal | None:
    """A number from a cell: 250000.50, "250000.50", "250 000,50", "1.250.000,50", "250000 kr"."""
    if value is None or isinstance(value, bool):
        return None if value is None else Decimal("-1")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip()
    if not text:
        return None
    text = re.sub(r"\s*(kr|kronor|SEK)\.?$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[\s\u00a0\u202f\u2009']", "", text).replace("\u2212", "-")
    if "," in text and "." in text:  # the last one is the decimal sign, the other groups thousands
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise RowError
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise RowError from exc


def _amount(value, limit: Decimal) -> Decimal | None:
    amount = _decimal(value)
    if amount is None:
        return None
    if amount < 0 or amount != amount.quantize(CENT) or amount >= limit:
        raise ValueError
    return amount.quantize(CENT)


def _date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    if not match:
        raise RowError
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise RowError from exc


def _year(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise RowError
    return int(text)


def _action_id(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not text:
        return None
    if not text.isdigit():
        raise RowError
    return int(text)


def _same_text(a: str, b: str) -> bool:
    """Equal but for line endings and characters XLSX cannot hold."""
    def norm(s):
        return ILLEGAL_XML.sub("", (s or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    return norm(a) == norm(b)


# --- import ---------------------------------------------------------------------------------
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
        t = {name: _text(raw.get(name), self.is_csv) for name in TEXT_COLUMNS}
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
                dates[name] = _date(raw.get(name))
            except RowError:
                dates[name] = None
                self.error(number, _("Datumet \"%(v)s\" i kolumnen \"%(c)s\" ska skrivas ÅÅÅÅ-MM-DD.")
                           % {"v": _shown(raw.get(name)), "c": name})
        if dates[START] and dates[END] and dates[END] < dates[START]:
            self.error(number, _("Aktiviteten kan inte vara klar innan den har börjat."))
        weight = None
        try:
            weight = _amount(raw.get(WEIGHT), Decimal("1e6"))
        except (RowError, ValueError):
            self.error(number, _("Vikten \"%(v)s\" är inte ett tal (0 eller mer, högst två decimaler).")
                       % {"v": _shown(raw.get(WEIGHT))})
        amounts = {}
        for name in (OPERATING, INVESTMENT):
            try:
                amounts[name] = _amount(raw.get(name), Decimal("1e12"))
            except RowError:
                amounts[name] = None
                self.error(number, _("Beloppet \"%(v)s\" är inte ett tal.") % {"v": _shown(raw.get(name))})
            except ValueError:
                amounts[name] = None
                self.error(number, _("Beloppet \"%(v)s\" ska vara 0 eller mer, med högst två decimaler.")
                           % {"v": _shown(raw.get(name))})
        year = None
        try:
            year = _year(raw.get(YEAR))
        except RowError:
            self.error(number, _("Året \"%(v)s\" är inte ett årtal.") % {"v": _shown(raw.get(YEAR))})
        else:
            if year is not None and year not in self.document.years:
                self.error(number, _("Året %(y)s ligger utanför planens giltighetstid %(a)s–%(b)s.") % {
                    "y": year, "a": self.document.period_start, "b": self.document.period_end})
            elif year is None and (amounts[OPERATING] or amounts[INVESTMENT]):
                self.error(number, _("Ange år för beloppen."))
        action_id = None
        try:
            action_id = _action_id(raw.get(ID))
        except RowError:
            self.error(number, _("Id \"%(v)s\" är inte ett nummer. Lämna kolumnen tom för en ny aktivitet.")
                       % {"v": _shown(raw.get(ID))})
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
        action.goal_id == goal.pk and action.title == row.title and _same_text(action.description, row.description)
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
                description=action.description if action is not None and _same_text(
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


__all__ = ["COLUMNS", "ImportResult", "export_csv", "export_rows", "export_xlsx", "import_file", "read_table"]
