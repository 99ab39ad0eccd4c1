"""Actions and budgets of a steering document as rows, and as a CSV or XLSX
file. Amounts are written in plain decimal form so nothing is lost on the way
round; a text that a spreadsheet would take for a formula is quoted."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from diarium.core.spreadsheet import excel_csv, formula_safe

from ..models import Action, SteeringDocument
from .table import (
    AREA,
    CENT,
    COLUMNS,
    DESCRIPTION,
    END,
    FUNDING,
    GOAL,
    ID,
    ILLEGAL_XML,
    INVESTMENT,
    OPERATING,
    ORGAN,
    PERSON,
    START,
    TEXT_COLUMNS,
    TITLE,
    WEIGHT,
    YEAR,
)


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


def export_csv(document: SteeringDocument) -> bytes:
    """UTF-8 with BOM, semicolon-separated, Swedish header row: what Excel in
    Sweden opens directly (core.spreadsheet)."""
    return excel_csv([COLUMNS, *(
        [formula_safe("" if row[c] is None else str(row[c])) if c in TEXT_COLUMNS else row[c] for c in COLUMNS]
        for row in export_rows(document))])


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
