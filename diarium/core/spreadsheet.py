"""CSV for spreadsheets as Swedish offices open them: UTF-8 with a BOM,
semicolons between cells, CRLF between rows (what Excel in Sweden reads as it
is). A text that a spreadsheet would take as the start of a formula gets a
leading apostrophe (formula_safe); the plans' import takes it off again."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# Characters a spreadsheet takes as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def formula_safe(text: str) -> str:
    """A text cell as written: with a leading apostrophe where it would start a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def excel_csv(rows: Iterable[Iterable]) -> bytes:
    """The rows (cells as they are to be written; texts already formula_safe) as CSV bytes."""
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")
