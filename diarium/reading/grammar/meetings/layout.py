"""The document as the rules walk it: its lines, the page furniture between
them (running headers and footers, page numbers, signature lines), and the
helpers every module of the package shares."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .. import dates
from ..shape import Reading
from ..text import Line, line_at

NOTICE, MINUTES, EXCERPT = "notice", "minutes", "minutes_excerpt"

_I = re.IGNORECASE


def _rx(pattern: str, flags: int = 0) -> re.Pattern:
    return re.compile(pattern, _I | flags)


def _line_rx(pattern: str, flags: int = 0) -> re.Pattern:
    """A rule read within one line: its blanks never run over a line's end
    ("Beslut" over "Till ny ersättare …" is no "Beslut till")."""
    return _rx(pattern.replace(r"\s+", r"[ \t]+").replace(r"\s*", r"[ \t]*"), flags | re.MULTILINE)


# How much of the text is "the head": the first page, where a notice or the
# minutes give organ, date, place, attendance and the signatures.
HEAD_CHARS = 6000

# --------------------------------------------------------------------------
# Page furniture: lines that are a page's header or footer, not the body.
# --------------------------------------------------------------------------

FURNITURE = _rx(r"""^(?:
      (?:justerandes?|justerares|ordförandes|sekreterarens?|justerare)\s+sign(?:atur|\.)?\b.*   # Justerandes sign
    | utdragsbestyrkande.*                                                              # Utdragsbestyrkande
    | (?:sida|sid\.?|blad)\s*\d{1,4}(?:\s*(?:av|\(|/)\s*\d{1,4}\s*\)?)?                 # Sida 3 av 12, Sid 3 (12)
    | \d{1,4}\s*\(\s*\d{1,4}\s*\)                                                       # 3 (12)
    | \d{1,4}\s+av\s+\d{1,4}                                                            # 3 av 12
    | [._\-–—=*\s]{4,}                                                                  # a signature line, a rule
    | (?:sammanträdes)?protokoll|protokollsutdrag|justerat\s+protokollsutdrag|utdrag\s+ur\s+protokoll
    | sammanträdesdatum|kallelse|föredragningslista|anslag\s*/\s*bevis
)\s*$""", re.X)
# A page number anywhere in a short header line: "Kommunstyrelsen 2019-03-06 Sida 3 av 12".
PAGE_NUMBER = _rx(r"(?<![\w])(?:sida|sid\.?)\s*\d{1,4}\s*(?:av|\(|/)\s*\d{1,4}|(?<![\w(/.-])\d{1,3}\s?\(\d{1,3}\)$")
# A municipality's, a region's or a federation's name: a letterhead when it
# stands on every page.
LETTERHEAD = _rx(r"^(?:[\wåäö-]+\s+){1,3}(?:kommun|stad|län|kommunalförbund|förbund)$|^region\s+\S.*$|"
                 r"^\S.*(?:förbundet|förbund)$")
# A date in a header line repeated on every page.
_ISO_DATE = re.compile(r"(?:19|20)\d\d-\d\d-\d\d")


# --------------------------------------------------------------------------
# The document as the rules walk it.
# --------------------------------------------------------------------------

@dataclass
class _Heading:
    line: int          # index of the heading's line
    paragraph: int
    number: str | None  # an item number printed beside the §, as printed
    start: int
    end: int
    continued: bool = False
    rest_start: int = 0  # where the heading's line goes on after the §


@dataclass
class _Doc:
    reading: Reading
    text: str
    kind: str
    lines: list[Line]
    furniture: set[int] = field(default_factory=set)
    headings: list[_Heading] = field(default_factory=list)
    body: int = 0      # the index of the first paragraph heading's line (the head ends there)
    year: int | None = None
    known_names: set[str] = field(default_factory=set)
    declared: set[int] = field(default_factory=set)            # "Paragrafer 101–115"
    declared_spans: list[tuple[int, int]] = field(default_factory=list)
    item_spans: list[tuple[int, int]] = field(default_factory=list)
    chair_in_attendance: tuple[str, tuple[int, int]] | None = None
    adjusting_signatures: list[str] = field(default_factory=list)   # the names under "Justeras"

    def stripped(self, index: int) -> str:
        return self.lines[index].text.strip()

    def index_at(self, offset: int) -> int:
        """The index of the line that holds `offset`."""
        return line_at(self.lines, offset)


def _put(reading: Reading, name: str, value, confidence: float, *spans: tuple[int, int]) -> None:
    """Set a field anew, with where it was read: the spans common.read gave it go."""
    reading.spans.pop(name, None)
    reading.set(name, value, confidence, *[s for s in spans if s[0] < s[1]])


def _document_year(text: str) -> int | None:
    found = dates.find_dates(text[:HEAD_CHARS])
    return found[0].value.year if found else None


def _mark_furniture(doc: _Doc) -> None:
    counts = Counter(line.text.strip() for line in doc.lines if line.text.strip())
    organisation = (doc.reading.values.get("organisation") or "").casefold()
    for index, line in enumerate(doc.lines):
        text = line.text.strip()
        if not text:
            continue
        if FURNITURE.match(text) or (len(text) <= 120 and PAGE_NUMBER.search(text)):
            doc.furniture.add(index)
        elif counts[text] >= 3 and len(text) <= 100 and (
                _ISO_DATE.search(text) or (text.isupper() and len(text) >= 8) or LETTERHEAD.match(text)
                or (organisation and text.casefold() == organisation)):
            doc.furniture.add(index)  # a running header: the organ and the date, a letterhead


def _blank_out(match: re.Match) -> str:
    return " " * len(match.group())
