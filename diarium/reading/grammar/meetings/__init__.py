"""Notices, minutes and excerpts: what is their own (docs/READING.md).

common.read has already filled what every kind has (organisation, organ,
date, title, diary numbers, officers, references, signatories). Here the
reader overrides what a meeting's documents tell in their own way:

    organ        the organ that meets ("Kallelse till sammanträde med
                 Socialnämnden", "Kommunstyrelsen Sammanträdesprotokoll")
    date         the meeting's date ("Sammanträdesdatum", "Tid: 2019-03-05")
    title        null for a notice or minutes, the paragraph's for an excerpt
    items        a notice's agenda ("3. Digital målbild … Dnr 2017.676 KS"),
                 the paragraphs of minutes ("§ 101 Dnr KS 2019/12" + title)
    attendance   members, serving substitutes (and whom they replace), others
    chair        the ordförande
    adjusters    the justerare (not the chair)
    paragraphs   every § the document holds ("Paragrafer 101–115" expanded)
    posted       the notice-board posting (anslag): from and to
    signatories  the "Underskrifter" block: name and title as written
    recipients   every paragraph's dispatch list ("Expedieras till")

and keeps the meeting's place and times in reading.extra (`place`,
`start_time`, `end_time` as "HH:MM").

Text drawn from PDF exports (Formpipe Meetings, Netpublicator, Ciceron) has
page headers and footers between the lines of the body ("Justerandes sign",
"Utdragsbestyrkande", "Sida 3 av 12", the organ and the date again): they
are page furniture (FURNITURE) and are stepped over. Every rule is a named
table or regular expression, to be read and extended, in the modules of
this package:

    layout.py       the lines, the page furniture, the document the rules walk
    paragraphs.py   paragraph headings, the paragraphs a document holds
    items.py        the agenda, the paragraphs' titles and diary numbers, the title
    meeting.py      organ, date, place and times
    names.py        the people named in a line
    attendance.py   members, substitutes, others; the attendance list
    signatures.py   the signatures, the chair, the adjusters
    posting.py      the posting (anslag), the recipients

Their rule tables are importable from here too (meetings.FURNITURE).
"""

from __future__ import annotations

from .. import officer_report
from ..shape import Reading
from ..text import lines as split_lines
from .attendance import (
    ATTENDANCE_END,
    ATTENDANCE_LABELS,
    ATTENDANCE_LIST,
    ATTENDANCE_LIST_HEADER,
    ATTENDANCE_PAUSE,
    CHAIR_ROLE,
    IGNORE,
    LIST_END,
    MEMBERS,
    MIXED,
    OTHERS,
    PRESENT_MARK,
    SUBSTITUTES,
    VICE,
    _read_attendance,
)
from .items import (
    AGENDA_HEADING,
    AGENDA_ITEM,
    HEADING_DIARY,
    MAX_ITEM_STEP,
    PRESENTER,
    _read_agenda,
    _read_paragraph_items,
    _read_title,
)
from .layout import (
    EXCERPT,
    FURNITURE,
    HEAD_CHARS,
    LETTERHEAD,
    MINUTES,
    NOTICE,
    PAGE_NUMBER,
    _Doc,
    _document_year,
    _mark_furniture,
    _put,
)
from .meeting import (
    ALL,
    CLOSES,
    DATE_RULES,
    DISTRICT_ORGANS,
    FIRST_LINES,
    HEAD,
    HOUR_ONLY,
    HOUR_RANGE,
    NOT_MEETING_DATE,
    OPENS,
    ORGAN_RULES,
    PLACE_AND_TIME,
    PLACE_ONLY,
    PLACE_TIME_LABEL,
    TIME,
    TIME_RANGE,
    _read_date,
    _read_organ,
    _read_place_and_time,
)
from .names import (
    NOT_NAME_ENDINGS,
    NOT_NAME_WORDS,
    NOUN_ENDINGS,
    PARTICLES,
    PARTY,
    SUBSTITUTION,
)
from .paragraphs import (
    LOST_SIGN_HEADING,
    MAX_PARAGRAPH_STEP,
    MAX_RANGE,
    PARAGRAPH_HEADING,
    PARAGRAPH_RANGE,
    PARAGRAPH_RANGE_LABEL,
    _find_declared_paragraphs,
    _find_headings,
    _read_paragraphs,
)
from .posting import (
    MAX_RECIPIENTS,
    POSTED_FROM,
    POSTED_TO,
    RECIPIENT_LABEL,
    _read_posted,
    _read_recipients,
)
from .signatures import (
    ADJUSTER_LABEL,
    ADJUSTER_SENTENCES,
    SIGNATURE_END,
    SIGNATURE_HEADING,
    SIGNATURE_LINE,
    SIGNATURE_MARKER,
    SIGNATURE_TITLE,
    _read_adjusters,
    _read_chair,
    _read_signatories,
)

__all__ = [
    "ADJUSTER_LABEL", "ADJUSTER_SENTENCES", "AGENDA_HEADING", "AGENDA_ITEM", "ALL", "ATTENDANCE_END",
    "ATTENDANCE_LABELS", "ATTENDANCE_LIST", "ATTENDANCE_LIST_HEADER", "ATTENDANCE_PAUSE", "CHAIR_ROLE",
    "CLOSES", "DATE_RULES", "DISTRICT_ORGANS", "EXCERPT", "FIRST_LINES", "FURNITURE", "HEAD", "HEADING_DIARY",
    "HEAD_CHARS", "HOUR_ONLY", "HOUR_RANGE", "IGNORE", "LETTERHEAD", "LIST_END", "LOST_SIGN_HEADING",
    "MAX_ITEM_STEP", "MAX_PARAGRAPH_STEP", "MAX_RANGE", "MAX_RECIPIENTS", "MEMBERS", "MINUTES", "MIXED",
    "NOTICE", "NOT_MEETING_DATE", "NOT_NAME_ENDINGS", "NOT_NAME_WORDS", "NOUN_ENDINGS", "OPENS",
    "ORGAN_RULES", "OTHERS", "PAGE_NUMBER", "PARAGRAPH_HEADING", "PARAGRAPH_RANGE", "PARAGRAPH_RANGE_LABEL",
    "PARTICLES", "PARTY", "PLACE_AND_TIME", "PLACE_ONLY", "PLACE_TIME_LABEL", "POSTED_FROM", "POSTED_TO",
    "PRESENTER", "PRESENT_MARK", "RECIPIENT_LABEL", "SIGNATURE_END", "SIGNATURE_HEADING", "SIGNATURE_LINE",
    "SIGNATURE_MARKER", "SIGNATURE_TITLE", "SUBSTITUTES", "SUBSTITUTION", "TIME", "TIME_RANGE", "VICE",
    "read",
]


def read(reading: Reading) -> None:
    """Read what a notice, minutes or an excerpt tell of their meeting
    (after common.read, whose generic values this overrides)."""
    text = reading.text or ""
    kind = reading.values.get("kind") or MINUTES
    doc = _Doc(reading=reading, text=text, kind=kind, lines=split_lines(text))
    doc.year = _document_year(text)
    _mark_furniture(doc)
    _find_headings(doc)
    _find_declared_paragraphs(doc)

    _read_organ(doc)
    _read_date(doc)
    _read_place_and_time(doc)
    if kind == NOTICE:
        _read_agenda(doc)
        _put(reading, "paragraphs", [], 0.8)
        _put(reading, "posted", None, 0.8)
        _put(reading, "attendance", None, 0.8)
        attendance = None
    else:
        _read_paragraph_items(doc)
        _read_paragraphs(doc)
        attendance = _read_attendance(doc)
        _read_posted(doc)
        _read_recipients(doc)
        # A paragraph that sends something on remiss: read as in a report.
        officer_report.read_remiss(reading, doc.lines)
    signatories = _read_signatories(doc)
    _read_chair(doc, attendance, signatories)
    _read_adjusters(doc, signatories)
    _read_title(doc)
    _drop_own_paragraphs(doc)
    _add_item_diary_numbers(doc)


def _add_item_diary_numbers(doc: _Doc) -> None:
    """The diary numbers read beside the paragraphs' headings in a register's
    own form ("§ 121   N148-0312/18") are the document's diary numbers too."""
    known = list(doc.reading.values.get("diary_numbers") or [])
    missing = []
    for item, span in zip(doc.reading.values.get("items") or [], doc.item_spans, strict=False):
        number = item.get("diary_number")
        if number and number not in known and number not in [m for m, _ in missing]:
            at = doc.text.find(number, span[0], span[1] + 1)
            missing.append((number, (at, at + len(number)) if at >= 0 else span))
    if not missing:
        return
    def position(value: str) -> int:
        at = doc.text.find(value)
        return at if at >= 0 else len(doc.text)
    ordered = sorted([(position(v), v) for v in known] + [(span[0], v) for v, span in missing])
    spans = list(doc.reading.spans.get("diary_numbers") or []) + [span for _, span in missing]
    sure = doc.reading.confidence.get("diary_numbers", 0.5)
    _put(doc.reading, "diary_numbers", [v for _, v in ordered], max(sure, 0.7), *sorted(spans))


def _drop_own_paragraphs(doc: _Doc) -> None:
    """The document's own paragraphs (its headings, "§§ 412–414" beside a
    name in the attendance) are no citations of earlier decisions: a
    reference to one of them without another date or organ goes."""
    references = doc.reading.values.get("references") or []
    own = set(doc.reading.values.get("paragraphs") or []) | {h.paragraph for h in doc.headings}
    if not references or not own:
        return
    meeting = (doc.reading.values.get("date"), doc.reading.values.get("organ"))
    spans = doc.reading.spans.get("references") or []
    keep = []
    for position, reference in enumerate(references):
        if reference.get("paragraph") in own and reference.get("date") in (None, meeting[0]) \
                and reference.get("organ") in (None, meeting[1]):
            continue
        keep.append((reference, spans[position] if len(spans) == len(references) else None))
    if len(keep) == len(references):
        return
    sure = doc.reading.confidence.get("references", 0.6)
    _put(doc.reading, "references", [r for r, _ in keep], sure, *[s for _, s in keep if s])
