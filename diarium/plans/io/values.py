"""Checking one cell of an imported row: text (no formula, no control
characters), amounts in plain or Swedish form, dates, years and action ids.
Each raises RowError with the Swedish message for its row."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from diarium.core.spreadsheet import FORMULA_START

from .table import CENT, ILLEGAL_XML


class RowError(Exception):
    pass


def cell_text(value, is_csv: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if is_csv and text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]
    return text.strip()


def cell_shown(value) -> str:
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


def cell_amount(value, limit: Decimal) -> Decimal | None:
    amount = _decimal(value)
    if amount is None:
        return None
    if amount < 0 or amount != amount.quantize(CENT) or amount >= limit:
        raise ValueError
    return amount.quantize(CENT)


def cell_date(value) -> dt.date | None:
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


def cell_year(value) -> int | None:
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


def cell_action_id(value) -> int | None:
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


def texts_same(a: str, b: str) -> bool:
    """Equal but for line endings and characters XLSX cannot hold."""
    def norm(s):
        return ILLEGAL_XML.sub("", (s or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    return norm(a) == norm(b)
