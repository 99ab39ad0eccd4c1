"""What every kind of document has: the organisation, the organ, the date,
the title, the diary numbers, the case officers, the references and the
signatories (docs/READING.md). Each is read by a few named rules, each rule
with how sure it makes the reader; the surest rule that finds a value wins.

The head of a document is its first lines, before the first section heading
("Ärendebeskrivning", "Sammanfattning", …): there stand the letterhead (the
organisation, the office), the date, the diary number, the officer, the
organ addressed and the subject. The tail is its last lines: there stand the
signatures. Kinds with their own ways (notices, minutes, excerpts:
meetings/; reports, remiss answers, decision letters: officer_report.py)
override what they know better after this has run.

    head.py          the head: lines, cells, address blocks, field lines
    organisation.py  the organisation and the organ
    date.py          the date
    title.py         the title
    officers.py      the case officers
    signatures.py    the signatories

and here the diary numbers, the references and `read`, which runs them all.
Their rule tables are importable from here too (common.KIND_LINES).
"""

from __future__ import annotations

from ..diary import find_diary_numbers
from ..references import find_reference_spans
from ..shape import Found, Reading
from ..text import lines
from .date import DATE_LABELS, document_year, read_date
from .head import (
    ADDRESS_LINES,
    FIELD_LABELS,
    HEAD_HEADINGS,
    HEAD_LINES,
    KIND_LINES,
    LETTERHEAD_CELLS,
    TAIL_LINES,
    Head,
    head_of,
)
from .officers import (
    OFFICER_LABELS,
    OFFICER_TITLES,
    add_signing_officers,
    read_officers,
)
from .organisation import (
    ASSOCIATION,
    LETTERHEAD_ONLY,
    ORGANISATION_FORMS,
    TWO_WORD_FIRSTS,
    USUAL_NAMES,
    read_organ,
    read_organisation,
)
from .signatures import NO_SIGNATURE_SECTIONS, read_signatories
from .title import OFFICE_ENDINGS, TITLE_LABELS, continues_title, read_title

__all__ = [
    "ADDRESS_LINES", "ASSOCIATION", "DATE_LABELS", "FIELD_LABELS", "HEAD_HEADINGS", "HEAD_LINES", "Head",
    "KIND_LINES", "LETTERHEAD_CELLS", "LETTERHEAD_ONLY", "NO_SIGNATURE_SECTIONS", "OFFICER_LABELS",
    "OFFICER_TITLES", "OFFICE_ENDINGS", "ORGANISATION_FORMS", "TAIL_LINES", "TITLE_LABELS", "TWO_WORD_FIRSTS",
    "USUAL_NAMES", "add_signing_officers", "continues_title", "document_year", "head_of", "read", "read_date",
    "read_diary_numbers", "read_officers", "read_organ", "read_organisation", "read_references",
    "read_signatories", "read_title",
]


# --- the diary numbers -----------------------------------------------------

def read_diary_numbers(reading: Reading) -> list[Found]:
    found = find_diary_numbers(reading.text)
    values: dict[str, None] = {}
    for item in found:
        values.setdefault(item.value, None)
    if found:
        sure = max(item.confidence for item in found)
        reading.set("diary_numbers", list(values), sure, *[(item.start, item.end) for item in found])
    else:
        reading.set("diary_numbers", [], 0.5)
    return found


# --- the references ------------------------------------------------------------

def read_references(reading: Reading) -> None:
    found = find_reference_spans(reading.text, year=document_year(reading), organ=reading.values.get("organ"))
    references = [reference for reference, _ in found]
    if references:
        complete = sum(1 for r in references if r["organ"] and r["date"]) / len(references)
        reading.set("references", references, 0.6 + 0.3 * complete, *[span for _, span in found])
    else:
        reading.set("references", [], 0.6)


# --- all of it -------------------------------------------------------------------

def read(reading: Reading) -> None:
    """Fill what every kind has: organisation, organ, date, title,
    diary_numbers, officers, references, signatories."""
    all_lines = lines(reading.text)
    head = head_of(reading.text, all_lines)
    read_organisation(reading, all_lines, head)
    read_date(reading, all_lines, head)
    diaries = read_diary_numbers(reading)
    read_organ(reading, head, diaries)
    read_title(reading, head)
    read_officers(reading, all_lines)
    read_references(reading)
    read_signatories(reading, all_lines)
    add_signing_officers(reading)
