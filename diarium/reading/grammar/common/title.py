"""The document's title: its subject, labelled or standing last in the head."""

from __future__ import annotations

import re

from ..dates import find_dates
from ..diary import find_diary_numbers
from ..organs import organ_name
from ..people import clean_name, name_score, title_score
from ..shape import Reading
from ..text import Line, collapse, heading_key, is_known_heading
from .head import (
    _ADDRESSED,
    _FIELD,
    _NUMBERED_HEADING,
    KIND_LINES,
    Head,
    _field,
    _prose_line,
)
from .organisation import ORGANISATION_FORMS

# --- the title -------------------------------------------------------------

# Labels of the subject: "Ärende: …", "Rubrik: …", "Angående: …" (with a colon or a tab).
TITLE_LABELS = ("ärendemening", "ärende", "rubrik", "ämne", "angående", "ang", "avser", "beträffande",
                "betr", "saken")

# Words that end the name of an office (not a subject): "Kommunledningskontoret", "Socialförvaltningen".
OFFICE_ENDINGS = ("kontoret", "förvaltningen", "förvaltning", "avdelningen", "enheten", "staben", "sektionen",
                  "kansliet", "sekretariatet", "verksamheten", "centrum", "kontor", "förvaltningar")
_PAGE = re.compile(r"(?i)^\s*(?:sida|sid\.?|s\.)?\s*\d+\s*(?:\(\s*\d+\s*\)|av\s+\d+|/\s*\d+)\s*$")
_CONTACT = re.compile(r"(?i)@|https?://|www\.|\b(?:tel|telefon|fax|växel|box|org\.?\s?nr)\b|\d{3}\s?\d{2}\s+[A-ZÅÄÖ]|"
                      r"^\s*[+0][\d\s-]{6,}$")
# A citation in a line makes it prose: "Kommunfullmäktige beslutade 2020-02-17, § 12 följande:"
_CITES = re.compile(r"§\s*\d")


def _title_candidate(line: str, organisation: str | None) -> bool:
    stripped = collapse(line)
    if not stripped or len(stripped) > 250:
        return False
    key = heading_key(stripped)
    if key in KIND_LINES or _field(stripped) is not None or _PAGE.match(stripped) or _CONTACT.search(stripped):
        return False
    if _CITES.search(stripped) or stripped.endswith(":") or _ADDRESSED.match(stripped):
        return False
    if _NUMBERED_HEADING.match(stripped) or is_known_heading(stripped):
        return False
    if find_dates(stripped) and len(stripped) < 40:
        return False
    if find_diary_numbers(stripped) and len(stripped) < 40:
        return False
    if organ_name(stripped) is not None:
        return False
    if organisation and key == organisation.casefold():
        return False
    if any(pattern.fullmatch(stripped) for _, pattern in ORGANISATION_FORMS):
        return False
    lowered = stripped.casefold()
    if lowered.endswith(OFFICE_ENDINGS) and len(stripped.split()) <= 4:
        return False
    if name_score(clean_name(stripped)) >= 0.5:
        return False
    if len(stripped.split()) <= 2 and title_score(stripped) >= 0.9:
        return False  # a person's title: "Kommunarkivarie", "Tf. Kommundirektör"
    if not (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "\"'”«"):
        return False
    return not _prose_line(stripped)


def continues_title(cell: Line, run: list[Line], text: str) -> bool:
    """Whether a cell in lower case continues the title of the run on the line
    above ("… ledamot i kultur- och fritidsnämnden samt" / "fyllnadsval")."""
    if not run or not cell.text[:1].islower() and not cell.text[:1].isdigit() and cell.text[:1] not in "(–-":
        return False
    last = run[-1]
    if last.text.rstrip().endswith((".", ":", ";")):
        return False
    between = text[last.end:cell.start]
    if between.count("\n") != 1 or between.strip():
        return False
    joined = collapse(" ".join(c.text for c in run) + " " + cell.text)
    return len(joined) <= 250 and not _CITES.search(cell.text) and not joined.endswith(".") \
        and len(run) < 3


def read_title(reading: Reading, head: Head) -> None:
    text = reading.text
    organisation = reading.values.get("organisation")
    cells = head.own()
    # 1. a labelled subject in the head (the label with a colon or a tab)
    for cell in cells:
        field_match = _FIELD.match(cell.text)
        if field_match is None or field_match["label"].casefold().rstrip(".") not in TITLE_LABELS \
                or not (field_match["sep"].startswith((":", "\t"))) \
                or not re.search(r"[^\W\d_]{3}", field_match["value"]):
            continue
        value = field_match["value"].strip()
        start = cell.start + cell.text.rindex(value)
        reading.set("title", collapse(value), 0.9, (start, start + len(value)))
        return
    # 2. the last run of candidate cells in the head (the subject stands last,
    # above the first section); a run is the lines of one paragraph.
    runs: list[list[Line]] = []
    current: list[Line] = []
    for cell in cells:
        if not cell.text.strip():
            if current:
                runs.append(current)
                current = []
            continue
        if _title_candidate(cell.text, organisation) and not (current and current[-1].text.rstrip().endswith(".")):
            current.append(cell)
        elif continues_title(cell, current, text):
            current.append(cell)
        else:
            # A run that a line in lower case continues is the start of a
            # paragraph of prose, not a subject.
            if current and not cell.text.lstrip()[:1].islower():
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    runs = [run for run in runs if not _prose(run)]
    if runs:
        run = runs[-1] if head.end < len(text) else runs[0]
        run = run[:3]
        value = collapse(" ".join(cell.text for cell in run))
        sure = 0.75 if head.end < len(text) else 0.5
        reading.set("title", value, sure, (run[0].start, run[-1].end))
        return
    reading.set("title", None, 0.35)


def _prose(run: list[Line]) -> bool:
    """A run of lines that is prose, not a subject: long, or sentences."""
    text = collapse(" ".join(line.text for line in run))
    return len(text) > 250 or text.count(". ") >= 2 or (len(run) > 1 and text.endswith("."))
