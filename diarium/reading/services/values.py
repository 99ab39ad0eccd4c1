"""The values of a proposal as the registrar accepts them: the reading's
shape (docs/READING.md) with the registrar's corrections, read into typed
values and checked, every problem at once, in Swedish, keyed by field.

Values come from the review form and from `import-documents` (the reader's
own values), so nothing is assumed of their types: a value of the wrong type
is a problem on its field, never an exception. Text read from a document may
hold control characters; they are blanked, not refused (no client typed them)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from diarium.core.control_characters import CONTROL_CHARACTERS
from diarium.core.limits import past_date_errors
from diarium.decisions.models import (
    CONDITION_TEXT_MAX,
    DECISION_TEXT_MAX,
    DISPATCH_LINE_MAX,
    DISPATCH_LINES_MAX,
    PLACE_MAX,
    SIGNATORY_MAX,
    TITLE_MAX,
)
from diarium.registry import diary_numbers as numbers
from diarium.registry.models import CASE_TITLE_MAX

from ..models import CITATION_TEXT_MAX, Kind

NAME_MAX = 200  # an organ's, a person's name
DIARY_NUMBER_MAX = 60
LIST_MAX = 500  # rows of one list (a minutes' paragraphs, its attendance)
MEETING_KINDS = (Kind.NOTICE, Kind.MINUTES)
DOCUMENT_KINDS = (Kind.OFFICER_REPORT, Kind.REMISS_ANSWER, Kind.DECISION_LETTER, Kind.OTHER, Kind.MINUTES_EXCERPT)
# Kinds an organisation writes itself: read into that organisation only. A remiss answer and a
# decision letter may come from another (then they are incoming documents from it).
OWN_KINDS = (Kind.OFFICER_REPORT, Kind.NOTICE, Kind.MINUTES, Kind.MINUTES_EXCERPT, Kind.OTHER)
_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")
_PARAGRAPH_RANGE = re.compile(r"(\d{1,4})\s*(?:[-–—]|till)\s*(\d{1,4})")


# Göteborg's form, a running number and a two-digit year after it ("N148-0312/18", "0456/19"),
# which the register's parser (it wants a four-digit year) does not read.
_SHORT_YEAR = re.compile(r"\s*(?:(?P<code>[A-ZÅÄÖ]{1,8}\d{0,4})\s*-\s*)?(?P<seq>\d{1,7})\s*/\s*(?P<year>\d{2})\s*")


def diary_number(text: str) -> numbers.DiaryNumber | None:
    """The year, running number and code a diary number as written names
    (registry.diary_numbers.parse, and the form with a two-digit year), or None."""
    number = numbers.parse(text)
    if number is not None:
        return number
    match = _SHORT_YEAR.fullmatch(text or "")
    if match is None or int(match["seq"]) == 0:
        return None
    year = 2000 + int(match["year"])
    if year > dt.date.today().year:
        year -= 100
    return numbers.DiaryNumber(year=year, seq=int(match["seq"]), code=(match["code"] or "").upper())


@dataclass
class Reference:
    organ: str
    date: dt.date | None
    paragraph: int | None
    diary_number: str
    text: str


@dataclass
class ProposalValue:
    organ: str
    text: str
    condition: str


@dataclass
class Item:
    number: int | None
    paragraph: int | None
    diary_number: str
    title: str
    text: str  # the decision's text (minutes, excerpt): "" to take it from the document


@dataclass
class Substitute:
    name: str
    replaces: str


@dataclass
class Values:
    kind: str = Kind.OTHER
    organisation: str = ""
    organ: str = ""
    date: dt.date | None = None
    title: str = ""
    diary_numbers: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    proposals: list[ProposalValue] = field(default_factory=list)
    remiss_recipients: list[str] = field(default_factory=list)
    remiss_deadline: dt.date | None = None
    recipients: list[str] = field(default_factory=list)
    signatories: list[tuple[str, str]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    substitutes: list[Substitute] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    chair: str = ""
    adjusters: list[str] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)
    posted_from: dt.date | None = None
    posted_to: dt.date | None = None
    place: str = ""
    start_time: dt.time | None = None
    end_time: dt.time | None = None

    @property
    def diary_number(self) -> str:
        return self.diary_numbers[0] if self.diary_numbers else ""

    def as_json(self) -> dict[str, Any]:
        """The accepted values in the reading's printed shape (with the meeting's
        place and times), as kept on the proposal."""
        def day(value):
            return value.isoformat() if value else None

        def clock(value):
            return value.strftime("%H:%M") if value else None

        return {
            "kind": self.kind, "organisation": self.organisation or None, "organ": self.organ or None,
            "date": day(self.date), "title": self.title or None, "diary_numbers": self.diary_numbers,
            "officers": self.officers,
            "references": [{"organ": r.organ or None, "date": day(r.date), "paragraph": r.paragraph,
                            "diary_number": r.diary_number or None, "text": r.text} for r in self.references],
            "proposals": [{"organ": p.organ or None, "text": p.text, "condition": p.condition or None}
                          for p in self.proposals],
            "remiss": ({"recipients": self.remiss_recipients, "deadline": day(self.remiss_deadline)}
                       if self.remiss_recipients or self.remiss_deadline else None),
            "recipients": self.recipients,
            "signatories": [{"name": n, "title": t or None} for n, t in self.signatories],
            "items": [{"number": i.number, "paragraph": i.paragraph, "diary_number": i.diary_number or None,
                       "title": i.title, **({"text": i.text} if i.text else {})} for i in self.items],
            "attendance": ({"members": self.members,
                            "substitutes": [{"name": s.name, "for": s.replaces or None} for s in self.substitutes],
                            "others": self.others}
                           if self.members or self.substitutes or self.others else None),
            "chair": self.chair or None, "adjusters": self.adjusters, "paragraphs": self.paragraphs,
            "posted": ({"from": day(self.posted_from), "to": day(self.posted_to)}
                       if self.posted_from or self.posted_to else None),
            "place": self.place or None, "start_time": clock(self.start_time), "end_time": clock(self.end_time),
        }


class _Reader:
    """Reads the raw values into Values, collecting the problems by field."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        messages = self.errors.setdefault(key, [])
        if message not in messages:
            messages.append(message)

    # --- single values ---
    def text(self, value, key: str, *, limit: int, what: str = "", multiline: bool = False) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(key, _("%(what)sVärdet går inte att läsa som text.") % {"what": what})
            return ""
        text = CONTROL_CHARACTERS.sub(" ", str(value))
        if multiline:
            lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
            text = "\n".join(lines).strip()
            text = re.sub(r"\n{3,}", "\n\n", text)
        else:
            text = " ".join(text.split())
        if len(text) > limit:
            self.add(key, _("%(what)sHögst %(limit)s tecken.") % {"what": what, "limit": limit})
            return text[:limit]
        return text

    def date(self, value, key: str, *, what: str = "", happened: bool = True) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            day = value
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.add(key, _("%(what)s%(value)s är inget datum.") % {"what": what, "value": value.strip()})
                return None
        else:
            self.add(key, _("%(what)sAnge datum som ÅÅÅÅ-MM-DD.") % {"what": what})
            return None
        wrong = past_date_errors(day) if happened else []
        for message in wrong:
            self.add(key, what + message)
        return None if wrong else day

    def number(self, value, key: str, *, what: str = "", label: str = "") -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            value = None
        elif isinstance(value, str) and value.strip().lstrip("§").strip().isdigit():
            value = int(value.strip().lstrip("§").strip())
        if isinstance(value, int) and 1 <= value <= 99_999:
            return value
        self.add(key, _("%(what)s%(label)s ska vara ett heltal större än noll.") % {"what": what, "label": label})
        return None

    def time(self, value, key: str) -> dt.time | None:
        if value is None or value == "":
            return None
        match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None:
            self.add(key, _("Ange klockslag som TT:MM."))
            return None
        return dt.time(int(match[1]), int(match[2]))

    # --- lists ---
    def items_of(self, value, key: str) -> list:
        """A list (a string of lines is read as one line per item)."""
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [line for line in value.splitlines() if line.strip()]
        if not isinstance(value, list | tuple):
            self.add(key, _("Värdet går inte att läsa som en lista."))
            return []
        if len(value) > LIST_MAX:
            self.add(key, _("Högst %(n)s rader.") % {"n": LIST_MAX})
            return list(value[:LIST_MAX])
        return list(value)

    def names(self, value, key: str, *, limit: int = NAME_MAX) -> list[str]:
        out: list[str] = []
        for item in self.items_of(value, key):
            name = self.text(item, key, limit=limit)
            if name and name not in out:
                out.append(name)
        return out

    def row(self, value, key: str, what: str) -> dict:
        if isinstance(value, dict):
            return value
        self.add(key, _("%(what)sRaden går inte att läsa.") % {"what": what})
        return {}


def values_read(raw, *, organisation_name: str) -> tuple[Values, dict[str, list[str]]]:
    """The raw values as typed Values, and every problem found by field
    (empty when they can be written as far as their own shape goes; what the
    register holds is checked when the write is planned)."""
    r = _Reader()
    if not isinstance(raw, dict):
        r.add("__all__", _("Förslaget går inte att läsa."))
        return Values(), r.errors
    v = Values()
    kind = raw.get("kind")
    if kind in Kind.values:
        v.kind = kind
    else:
        r.add("kind", _("Välj vilket slags handling det är."))
    v.organisation = r.text(raw.get("organisation"), "organisation", limit=NAME_MAX)
    if v.organisation and v.kind in OWN_KINDS and v.organisation.casefold() != organisation_name.casefold():
        r.add("organisation", _("Handlingen är från %(other)s och kan inte läsas in i %(here)s register. Rätta "
                                "organisationen om den är feltolkad, eller avvisa förslaget.")
              % {"other": v.organisation, "here": organisation_name})
    v.organ = r.text(raw.get("organ"), "organ", limit=NAME_MAX)
    v.date = r.date(raw.get("date"), "date")
    if v.date is None and "date" not in r.errors:
        r.add("date", _("Ange handlingens datum (för kallelser, protokoll och utdrag sammanträdets datum)."))
    v.title = r.text(raw.get("title"), "title", limit=CASE_TITLE_MAX)
    v.diary_numbers = r.names(raw.get("diary_numbers"), "diary_numbers", limit=DIARY_NUMBER_MAX)
    v.officers = r.names(raw.get("officers"), "officers")
    _references(r, raw.get("references"), v)
    _proposals(r, raw.get("proposals"), v)
    remiss = raw.get("remiss")
    if isinstance(remiss, dict):
        v.remiss_recipients = r.names(remiss.get("recipients"), "remiss", limit=DISPATCH_LINE_MAX)
        v.remiss_deadline = r.date(remiss.get("deadline"), "remiss", what=_("Sista svarsdag: "), happened=False)
    elif remiss not in (None, ""):
        r.add("remiss", _("Värdet går inte att läsa."))
    v.recipients = r.names(raw.get("recipients"), "recipients", limit=DISPATCH_LINE_MAX)
    if len(v.recipients) > DISPATCH_LINES_MAX:
        r.add("recipients", _("Högst %(n)s mottagare.") % {"n": DISPATCH_LINES_MAX})
    _signatories(r, raw.get("signatories"), v)
    _items(r, raw.get("items"), v)
    _attendance(r, raw.get("attendance"), v)
    v.chair = r.text(raw.get("chair"), "chair", limit=NAME_MAX)
    v.adjusters = r.names(raw.get("adjusters"), "adjusters")
    v.paragraphs = _paragraphs(r, raw.get("paragraphs"))
    posted = raw.get("posted")
    if isinstance(posted, dict):
        v.posted_from = r.date(posted.get("from"), "posted", what=_("Anslaget sattes upp: "))
        v.posted_to = r.date(posted.get("to"), "posted", what=_("Anslaget togs ned: "), happened=False)
        if v.posted_from and v.posted_to and v.posted_to < v.posted_from:
            r.add("posted", _("Anslaget kan inte tas ned innan det sätts upp."))
        if v.posted_from and v.date and v.posted_from < v.date:
            r.add("posted", _("Protokollet kan inte anslås före sammanträdet."))
    elif posted not in (None, ""):
        r.add("posted", _("Värdet går inte att läsa."))
    v.place = r.text(raw.get("place"), "place", limit=PLACE_MAX)
    v.start_time = r.time(raw.get("start_time"), "start_time")
    v.end_time = r.time(raw.get("end_time"), "end_time")
    _by_kind(r, v)
    return v, r.errors


def _references(r: _Reader, value, v: Values) -> None:
    seen = set()
    for n, raw in enumerate(r.items_of(value, "references"), start=1):
        what = _("Hänvisning %(n)s: ") % {"n": n}
        row = r.row(raw, "references", what) if not isinstance(raw, str) else {"text": raw}
        ref = Reference(organ=r.text(row.get("organ"), "references", limit=NAME_MAX, what=what),
                        date=r.date(row.get("date"), "references", what=what),
                        paragraph=r.number(row.get("paragraph"), "references", what=what, label=_("Paragrafen")),
                        diary_number=r.text(row.get("diary_number"), "references", limit=DIARY_NUMBER_MAX, what=what),
                        text=r.text(row.get("text"), "references", limit=CITATION_TEXT_MAX, what=what))
        if not (ref.organ or ref.date or ref.paragraph or ref.diary_number or ref.text):
            continue
        if not ref.text:
            ref.text = " ".join(p for p in (ref.organ, ref.date.isoformat() if ref.date else "",
                                            f"§ {ref.paragraph}" if ref.paragraph else "", ref.diary_number) if p)
        key = (ref.organ.casefold(), ref.date, ref.paragraph) if ref.date and ref.paragraph else ref.text
        if key in seen:  # the same decision cited twice is one citation
            continue
        seen.add(key)
        v.references.append(ref)


def _proposals(r: _Reader, value, v: Values) -> None:
    for n, raw in enumerate(r.items_of(value, "proposals"), start=1):
        what = _("Förslag %(n)s: ") % {"n": n}
        row = r.row(raw, "proposals", what) if not isinstance(raw, str) else {"text": raw}
        proposal = ProposalValue(organ=r.text(row.get("organ"), "proposals", limit=NAME_MAX, what=what),
                                 text=r.text(row.get("text"), "proposals", limit=DECISION_TEXT_MAX, what=what,
                                             multiline=True),
                                 condition=r.text(row.get("condition"), "proposals", limit=CONDITION_TEXT_MAX,
                                                  what=what))
        if not (proposal.organ or proposal.text or proposal.condition):
            continue
        if not proposal.text:
            r.add("proposals", what + _("Skriv förslaget till beslut."))
        v.proposals.append(proposal)


def _signatories(r: _Reader, value, v: Values) -> None:
    for n, raw in enumerate(r.items_of(value, "signatories"), start=1):
        what = _("Underskrift %(n)s: ") % {"n": n}
        row = r.row(raw, "signatories", what) if not isinstance(raw, str) else {"name": raw}
        name = r.text(row.get("name"), "signatories", limit=SIGNATORY_MAX, what=what)
        title = r.text(row.get("title"), "signatories", limit=SIGNATORY_MAX, what=what)
        if not (name or title):
            continue
        if not name:
            r.add("signatories", what + _("Ange namnet."))
        v.signatories.append((name, title))


def _items(r: _Reader, value, v: Values) -> None:
    for n, raw in enumerate(r.items_of(value, "items"), start=1):
        what = _("Punkt %(n)s: ") % {"n": n}
        row = r.row(raw, "items", what) if not isinstance(raw, str) else {"title": raw}
        item = Item(number=r.number(row.get("number"), "items", what=what, label=_("Punktens nummer")),
                    paragraph=r.number(row.get("paragraph"), "items", what=what, label=_("Paragrafen")),
                    diary_number=r.text(row.get("diary_number"), "items", limit=DIARY_NUMBER_MAX, what=what),
                    title=r.text(row.get("title"), "items", limit=TITLE_MAX, what=what),
                    text=r.text(row.get("text"), "items", limit=DECISION_TEXT_MAX, what=what, multiline=True))
        if not (item.number or item.paragraph or item.diary_number or item.title or item.text):
            continue
        if not item.title:
            r.add("items", what + _("Ange rubriken."))
        if item.diary_number and diary_number(item.diary_number) is None:
            r.add("items", what + _("%(number)s går inte att läsa som ett diarienummer (år och löpnummer).")
                  % {"number": item.diary_number})
        v.items.append(item)


def _attendance(r: _Reader, value, v: Values) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, dict):
        r.add("attendance", _("Värdet går inte att läsa."))
        return
    v.members = r.names(value.get("members"), "attendance")
    v.others = r.names(value.get("others"), "attendance")
    for n, raw in enumerate(r.items_of(value.get("substitutes"), "attendance"), start=1):
        what = _("Tjänstgörande ersättare %(n)s: ") % {"n": n}
        row = r.row(raw, "attendance", what) if not isinstance(raw, str) else {"name": raw}
        substitute = Substitute(name=r.text(row.get("name"), "attendance", limit=NAME_MAX, what=what),
                                replaces=r.text(row.get("for"), "attendance", limit=NAME_MAX, what=what))
        if not substitute.name:
            if substitute.replaces:
                r.add("attendance", what + _("Ange ersättarens namn."))
            continue
        if substitute.name in v.members:
            r.add("attendance", what + _("%(name)s står redan bland ledamöterna.") % {"name": substitute.name})
        v.substitutes.append(substitute)


def _paragraphs(r: _Reader, value) -> list[int]:
    """Numbers, or a text of numbers and ranges ("101–115, 117")."""
    if isinstance(value, str):
        found: list[int] = []
        rest = _PARAGRAPH_RANGE.sub(lambda m: " ".join(str(n) for n in _range(r, int(m[1]), int(m[2]))), value)
        for token in re.split(r"[\s,;§]+", rest):
            if not token:
                continue
            number = r.number(token, "paragraphs", label=_("Varje paragraf"))
            if number is not None and number not in found:
                found.append(number)
        return found
    out: list[int] = []
    for item in r.items_of(value, "paragraphs"):
        number = r.number(item, "paragraphs", label=_("Varje paragraf"))
        if number is not None and number not in out:
            out.append(number)
    return out


def _range(r: _Reader, first: int, last: int) -> range:
    if last < first or last - first >= LIST_MAX:
        r.add("paragraphs", _("%(first)s–%(last)s är inget intervall av paragrafer.") % {"first": first, "last": last})
        return range(0)
    return range(first, last + 1)


def _by_kind(r: _Reader, v: Values) -> None:
    """What each kind needs to be written."""
    if v.kind in DOCUMENT_KINDS:
        if not v.diary_numbers:
            r.add("diary_numbers", _("Ange ärendets diarienummer: handlingen registreras i det ärendet."))
        elif diary_number(v.diary_number) is None:
            r.add("diary_numbers", _("%(number)s går inte att läsa som ett diarienummer (år och löpnummer).")
                  % {"number": v.diary_number})
    if v.kind in (Kind.OFFICER_REPORT, Kind.NOTICE, Kind.MINUTES, Kind.MINUTES_EXCERPT) and not v.organ:
        r.add("organ", _("Ange organet (det organ handlingen riktar sig till eller som sammanträder)."))
    if v.kind == Kind.OFFICER_REPORT and len(v.title) > TITLE_MAX:
        r.add("title", _("Högst %(limit)s tecken.") % {"limit": TITLE_MAX})
    if v.kind in (Kind.MINUTES, Kind.MINUTES_EXCERPT):
        paragraphs = [i.paragraph for i in v.items if i.paragraph]
        for n, item in enumerate(v.items, start=1):
            if item.paragraph is None:
                r.add("items", _("Punkt %(n)s: ange paragrafen.") % {"n": n})
        doubled = sorted({p for p in paragraphs if paragraphs.count(p) > 1})
        if doubled:
            r.add("items", _("Paragraf %(list)s står mer än en gång.") % {"list": ", ".join(map(str, doubled))})
    if v.kind == Kind.MINUTES_EXCERPT and not v.items and not v.paragraphs:
        r.add("items", _("Ange paragrafen som utdraget är ur."))
    if v.kind == Kind.NOTICE:
        numbers_given = [i.number for i in v.items if i.number]
        doubled = sorted({n for n in numbers_given if numbers_given.count(n) > 1})
        if doubled:
            r.add("items", _("Punkt nummer %(list)s står mer än en gång.") % {"list": ", ".join(map(str, doubled))})
    if v.start_time and v.end_time and v.end_time < v.start_time:
        r.add("end_time", _("Sammanträdet kan inte sluta innan det börjar."))
