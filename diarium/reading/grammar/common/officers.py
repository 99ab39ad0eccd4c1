"""The case officers: "Handläggare: …", "Kontaktperson", a signatory whose
title is the officer's."""

from __future__ import annotations

import re

from ..people import clean_name, is_name
from ..shape import Reading
from ..text import Line
from .head import _cells, _line_end

# --- the officers --------------------------------------------------------------

# Labels of the case officers: "Handläggare: Göran Westerlund", "Kontaktperson",
# "Ansvarig tjänsteman", "Föredragande", and Malmö's "Vår referens: Karin Åkesson".
OFFICER_LABELS = (
    "handläggare", "ansvarig handläggare", "handläggande tjänsteman", "kontaktperson", "kontaktpersoner",
    "ansvarig tjänsteman", "föredragande", "föredragande tjänsteman", "beredande tjänsteman", "upprättad av",
    "författare", "vår referens", "vår handläggare", "ärendeansvarig",
)
_OFFICER_CELL = re.compile(r"(?i)^\s*(?:" + "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in
                                                     sorted(OFFICER_LABELS, key=len, reverse=True))
                           + r")\s*(?::\s*|\s+(?=[A-ZÅÄÖ])|$)")
# A label inside running text, with its colon: "… Handläggare: Anna Berg, tfn …"
_OFFICER_INLINE = re.compile(r"(?i)(?<![\w-])(?:handläggare|kontaktperson|ansvarig tjänsteman|föredragande)"
                             r"(?:\s+i\s+ärendet)?(?:\s*:\s*|\s+är\s+)")
# A name after a label: capitalised words, particles between them.
_NAME_AFTER = re.compile(r"[A-ZÅÄÖ][\w'’-]+(?:[ ]+(?:(?:von|af|de|van|der|la|al)[ ]+)?[A-ZÅÄÖ][\w'’-]+){1,3}")
# A person's title in lower case before their name: "projektledare Henrik Niemi".
_TITLE_FIRST = re.compile(r"\s*(?:[a-zåäö][\wåäö-]*\s+){1,2}(?=[A-ZÅÄÖ])")
# Titles of a signatory that make them the case officer.
OFFICER_TITLES = re.compile(r"(?i)handläggare|utredare\b")


def _names_in(text: str, offset: int) -> list[tuple[str, int, int]]:
    """The names a label's value holds: "Anna Berg", "Anna Berg, utredare",
    "Anna Berg och Per Ek" (a title or a phone number after a comma ends them)."""
    out: list[tuple[str, int, int]] = []
    lead = _TITLE_FIRST.match(text)  # "projektledare Henrik Niemi", "kulturstrateg Emma Rydén"
    if lead:
        offset += lead.end()
        text = text[lead.end():]
    position = 0
    for part in re.split(r"(,|;|\s+och\s+)", text)[:5]:
        if part in (",", ";") or re.fullmatch(r"\s+och\s+", part):
            position += len(part)
            continue
        match = _NAME_AFTER.match(part.strip())
        if match is None or not is_name(clean_name(match.group())):
            break
        lead = len(part) - len(part.lstrip())
        out.append((clean_name(match.group()), offset + position + lead, offset + position + lead + len(match.group())))
        position += len(part)
    return out


def read_officers(reading: Reading, all_lines: list[Line]) -> None:
    text = reading.text
    found: list[tuple[str, int, int]] = []
    rows = [_cells(line) for line in all_lines if not line.blank]
    for row, cells in enumerate(rows):
        for column, cell in enumerate(cells):
            label = _OFFICER_CELL.match(cell.text)
            if label is None:
                continue
            rest = cell.text[label.end():]
            if rest.strip():
                found.extend(_names_in(rest, cell.start + label.end()))
                continue
            # The label alone: its value in the next cell of its line, or in the
            # same column of the next line (a table's heading row).
            if column + 1 < len(cells) and not _OFFICER_CELL.match(cells[column + 1].text) \
                    and _names_in(cells[column + 1].text, 0):
                value = cells[column + 1]
            elif row + 1 < len(rows):
                below = rows[row + 1]
                value = below[column] if column < len(below) and len(below) == len(cells) else below[0]
            else:
                continue
            found.extend(_names_in(value.text, value.start))
    for match in _OFFICER_INLINE.finditer(text):
        found.extend(_names_in(text[match.end():_line_end(text, match.end())], match.end()))
    names: list[str] = []
    spans: list[tuple[int, int]] = []
    for name, start, end in sorted(found, key=lambda item: item[1]):
        if name not in names:
            names.append(name)
            spans.append((start, end))
    if names:
        reading.set("officers", names, 0.9, *spans)
    else:
        reading.set("officers", [], 0.55)


def add_signing_officers(reading: Reading) -> None:
    """A signatory whose title is the case officer's ("Handläggare, VA-ingenjör")
    is an officer too."""
    officers = list(reading.values.get("officers") or [])
    added = False
    for signatory in reading.values.get("signatories") or []:
        if signatory.get("title") and OFFICER_TITLES.search(signatory["title"]) and signatory["name"] not in officers:
            officers.append(signatory["name"])
            added = True
    if added:
        reading.set("officers", officers, max(reading.confidence.get("officers", 0.0), 0.75))
