"""The spreadsheet's columns and reading an uploaded file (CSV or XLSX) into
numbered rows of those columns: size and row limits, the encoding of a CSV
file, the format recognised by its first bytes, not by its name."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

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
# A CSV cell that starts a formula gets a leading apostrophe on export
# (core.spreadsheet.formula_safe), removed again on import (values.py).
# Control characters XLSX cannot hold (the same set openpyxl refuses).
ILLEGAL_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


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
