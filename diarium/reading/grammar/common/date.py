"""The document's own date, and its year."""

from __future__ import annotations

import re

from ..dates import find_dates
from ..shape import Reading
from ..text import Line
from .head import TAIL_LINES, Head, _field, _line_end

# --- the date ----------------------------------------------------------------

# Labels of the document's own date.
DATE_LABELS = re.compile(r"(?i)^\s*(?:datum|dokumentdatum|upprättad|upprättat|skapad|skapat|daterad|utfärdat|"
                         r"utfärdad|beslutsdatum|datum för beslut|beslutad|expedierat|expedierad)\s*[:.]?\s*")
# A place and a date on a line of their own: "Alingsås 2018-08-23", "Alingsås den 23 augusti 2018".
_PLACE_DATE = re.compile(r"^\s*[A-ZÅÄÖ][a-zåäö]+(?:[ -][A-ZÅÄÖ][a-zåäö]+)?,?\s+(?:den\s+)?(?=\d)")


def read_date(reading: Reading, all_lines: list[Line], head: Head) -> None:
    text = reading.text
    cells = head.own()
    # 1. a labelled date: "Datum: 2018-08-23", "Datum<tab>2018-08-23", or the
    # label alone (a table's heading) and the date in the next line
    for index, cell in enumerate(cells):
        label = DATE_LABELS.match(cell.text)
        if label is None:
            continue
        rest = cell.text[label.end():]
        found = find_dates(rest)
        offset = cell.start + label.end()
        if not found and not rest.strip():
            # the next cell of its line ("Datum<tab>2020-03-09"), else the next line's
            line_end = _line_end(text, cell.start)
            beside = [c for c in cells[index + 1:index + 2] if c.start < line_end]
            below = [c for c in cells[index + 1:index + 8] if c.start > line_end]
            below = [c for c in below if c.start <= _line_end(text, below[0].start)] if below else []
            for following in beside + below:
                found, offset = find_dates(following.text), following.start
                if found:
                    break
        if found and found[0].start <= 12:
            date = found[0]
            reading.set("date", date.value.isoformat(), 0.95, (offset + date.start, offset + date.end))
            return
    # 2. the date a steering document was decided: "Beslutad av: Kommunstyrelsen 2019-04-16, § 98"
    for line in head.lines:
        decided = _DECIDED_BY.match(line.text.replace("\t", " "))
        found = find_dates(line.text) if decided else []
        if found:
            date = found[0]
            reading.set("date", date.value.isoformat(), 0.85, (line.start + date.start, line.start + date.end))
            return
    # 3. a place and a date: "Alingsås 2018-08-23" (in the head, or above the signatures)
    candidates = cells + all_lines[-TAIL_LINES:]
    for line in candidates:
        place = _PLACE_DATE.match(line.text)
        if place is None:
            continue
        found = find_dates(line.text)
        if found and found[0].start == place.end() and found[0].end >= len(line.text.rstrip()) - 1:
            date = found[0]
            reading.set("date", date.value.isoformat(), 0.8, (line.start + date.start, line.start + date.end))
            return
    # 4. the first date of the head that stands alone in its cell, then any (not in a
    # citation, not under another label: "Gäller till", "Svar senast")
    for alone in (True, False):
        for index, cell in enumerate(cells):
            labelled = _field(cell.text)
            if labelled and labelled[1] and not DATE_LABELS.match(cell.text):
                continue
            if index and _field(cells[index - 1].text) == (cells[index - 1].text.strip().casefold(), "") \
                    and not DATE_LABELS.match(cells[index - 1].text) \
                    and cells[index - 1].end < cell.start <= _line_end(text, cells[index - 1].start):
                continue
            for date in find_dates(cell.text):
                after = cell.text[date.end:date.end + 6]
                if "§" in after or (alone and len(cell.text.strip()) > date.end - date.start + 12):
                    continue
                reading.set("date", date.value.isoformat(), 0.75 if alone else 0.6,
                            (cell.start + date.start, cell.start + date.end))
                return
    # 5. the first date anywhere
    found = find_dates(text[:4000])
    if found:
        date = found[0]
        reading.set("date", date.value.isoformat(), 0.35, (date.start, date.end))
        return
    reading.set("date", None, 0.3)


# "Beslutad av: Kommunstyrelsen 2019-04-16, § 98", "Antagen av kommunfullmäktige 2018-09-24"
_DECIDED_BY = re.compile(r"(?i)^\s*(?:beslutad|beslutat|fastställd|fastställt|antagen|antaget|godkänd|godkänt)"
                         r"\s+(?:av|i)\s*[:\t]?\s*(?P<organ>[^\d,:]+?)\s*(?:[,\t]\s*|\s+(?:den\s+)?)?(?=\d|$)")


def document_year(reading: Reading) -> int | None:
    date = reading.values.get("date")
    return int(date[:4]) if date else None
