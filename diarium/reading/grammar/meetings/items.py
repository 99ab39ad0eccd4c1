"""The items: a notice's agenda ("3. Digital målbild … Dnr 2017.676 KS"),
the paragraphs of minutes with their titles and diary numbers, the items'
presenters, and an excerpt's title."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import dates, diary
from ..shape import Found
from ..text import collapse, is_known_heading
from .layout import EXCERPT, _Doc, _Heading, _line_rx, _put, _rx
from .names import _people, _whole_name
from .paragraphs import _HEADING_ITEM_NUMBER, PARAGRAPH_HEADING, _lead

# --------------------------------------------------------------------------
# A notice's agenda: numbered items ("1. Val av justerare", "3 Digital
# målbild … Dnr 2017.676 KS", "Ärende 4", tables flattened with tabs).
# --------------------------------------------------------------------------

AGENDA_HEADING = _line_rx(r"^\s*(?:ärenden|ärendelista|ärendeförteckning|föredragningslista|dagordning|"
                     r"förslag\s+till\s+dagordning|ärenden\s+att\s+behandla|program)\s*:?\s*$")
AGENDA_ITEM = re.compile(r"""^[ \t]*
    (?:(?i:ärende|punkt|p\.)[ \t]*)?              # "Ärende 3", "Punkt 3"
    (?P<number>\d{1,3}[a-z]?)(?![\d])             # 3, 12a
    (?:[.):]|(?=[ \t]))                           # 3.  3)  3:  3
    [ \t]+
    (?:§[ \t]*(?P<paragraph>\d{1,4})[ \t]+        # "3. § 45 Val av justerare"
      |(?P<column>\d{1,4})(?:\t+|[ ]{2,}))?       # a table's § column: "1       108      Val av …"
    (?P<rest>[A-ZÅÄÖÉÜ"”»'(§][^\n]*)$""", re.X)
# A table's header with a § column: "Ärende  §  Ärendenr  Rubrik".
_PARAGRAPH_COLUMN = re.compile(r"(?:^|\t|[ ]{2,}|\s)§(?:\t|[ ]{2,}|\s|$)")
# The header row of an agenda table: only these words.
_TABLE_HEADER_WORDS = frozenset({
    "nr", "nr.", "ärende", "ärenden", "rubrik", "dnr", "diarienummer", "diarienr", "beteckning", "föredragande",
    "handlingar", "handling", "bilaga", "bilagor", "sida", "notering", "beslut", "tid", "kl", "punkt", "§",
    "anteckning", "ansvarig", "information", "beslutsärende", "typ", "ärendenr", "ärendenummer", "ärende-nr",
    "paragraf", "titel", "handläggare", "förslag", "beslutsförslag", "nr:", "löpnr",
})
# A line after an item that is not its title's continuation.
_NOT_ITEM_TEXT = _rx(r"^(?:föredragande|handlingar|handling|bilaga|bilagor|beslutsunderlag|underlag|"
                     r"information|tid|kl\.?|förslag|ordförande|sekreterare|välkomna|anmäl|förhinder|"
                     r"[a-zåäö]\)|[-–•·*▪][ \t])")  # a sub-item: "a) Arbetet med …", "- Lägesbild"
# Who presents an item: "Föredragande: ekonomichef Kristina Wall".
PRESENTER = _line_rx(r"^\s*(?:föredragande|föredras\s+av|ansvarig\s+tjänsteperson)\s*:?\s*(?P<value>[^\n]+)$")
# The largest step between two item numbers in a row.
MAX_ITEM_STEP = 3


# --------------------------------------------------------------------------
# The lines under a paragraph's heading: labels, item numbers, where a
# title ends.
# --------------------------------------------------------------------------

# A labelled line under a heading, not its title: "Handläggare: Malin Sundqvist, …".
_LABEL_LINE = _rx(r"^(?:handläggare|föredragande|kontaktperson|ansvarig\s+\w+|beredning|beredande|"
                  r"ärendenummer|ärendenr|diarienr|diarienummer|dnr|referens|föredras\s+av)\s*:")
# An item number on a line of its own under the heading: "(ärende 14)".
_ITEM_NUMBER_LINE = _rx(r"^\(?\s*(?:ärende|punkt|p\.)\s*(\d{1,3}[a-z]?)\s*\)?$")

# A line that is the heading of a section inside a paragraph: it ends a title.
_SECTION_START = _rx(r"^(?:ärendebeskrivning|sammanfattning|bakgrund|beslutsunderlag|beslut|förslag\s+till\s+beslut|"
                     r"yrkande|yrkanden|propositionsordning|omröstning|reservation|protokollsanteckning|"
                     r"ärendet|handlingar|underlag|beslutsgång|[\wåäö-]+s\s+(?:beslut|förslag))\b")
# Words that end a title's line when the title runs on to the next line.
_TITLE_CONTINUES = _rx(r"(?:\b(?:och|samt|eller|för|av|om|i|till|med|på|från|över|inom|vid|enligt|gällande|"
                       r"avseende|angående|rörande|inför|kring|under|mellan|mot|de|det|den|en|ett)|[–,:-])$")


# --------------------------------------------------------------------------
# Items.
# --------------------------------------------------------------------------

_DIARY_LABEL_BEFORE = re.compile(r"(?i:(?:vårt\s+|ert\s+)?(?:dnr|d\.nr|diarienr|diarienummer|diariernr|ärendenr|"
                                 r"beteckning)\.?)\s*:?\s*$")


def _item(number, paragraph, diary_number, title) -> dict:
    return {"number": number, "paragraph": paragraph, "diary_number": diary_number, "title": title}


def _strip_diary(text: str, found) -> str:
    """The text without its diary numbers and their labels ("Dnr", "Diarienr:")."""
    for item in sorted(found, key=lambda f: f.start, reverse=True):
        start = item.start
        label = _DIARY_LABEL_BEFORE.search(text, max(0, start - 30), start)
        if label:
            start = label.start()
        text = text[:start] + " " + text[item.end:]
    return text


def _clean_title(text: str) -> str:
    """A title without blanks, separators and a sentence's full stop at its ends."""
    text = re.sub(r"\(\s*\)", " ", text)
    text = collapse(text).strip(" \t,;:–-")
    if re.search(r"[^\W_]{2}\.$", text) and not re.search(r"\b(?:m\.m|bl\.a|etc|m\.fl|osv|o\.s\.v|kap|nr)\.$", text):
        text = text[:-1]  # "Årsredovisning 2018 för Kiruna kommun."
    return text


@lru_cache(maxsize=4096)
def _diaries(text: str) -> tuple:
    """The diary numbers in one line (lines are looked at more than once)."""
    return tuple(diary.find_diary_numbers(text))


def _only_diary(text: str) -> bool:
    """A line that is a diary number and nothing more ("Dnr KS 2019/12")."""
    found = _diaries(text)
    return bool(found) and not _clean_title(_strip_diary(text, found))


def _cells(text: str) -> list[str]:
    """A table row flattened to a line: its cells (tabs, wide gaps)."""
    return [cell for cell in re.split(r"\t+|[ ]{3,}", text) if cell.strip()]


def _title_of_row(text: str) -> tuple[str, list[str]]:
    """The title cell(s) of an agenda row, and the names in its last cells
    (the presenter's column: "4  Ändrad budget …  KS 2019/12  Mats Taaveniku")."""
    cells = _cells(text)
    names = []
    while len(cells) > 1 and _whole_name(cells[-1]):
        names.insert(0, _people(cells.pop(), strict=True)[0].name)
    return " ".join(cells), names


def _table_header(text: str) -> bool:
    words = re.findall(r"[^\s/]+", text.casefold())
    return bool(words) and all(word.strip(".:") in _TABLE_HEADER_WORDS for word in words)


def _continues_title(text: str, previous: str) -> bool:
    """Whether a line carries on the title above it: Swedish titles are
    written in sentence case, so a line in lower case or after a joining
    word ("… samt", "… för") does; a new sentence does not."""
    if not text or len(text) > 160:
        return False
    return text[0].islower() or bool(_TITLE_CONTINUES.search(previous))


def _row_goes_on(text: str, block: list[str]) -> bool:
    """A table row wrapped: the title's rest on the line where the row's
    diary number stands ("11  Val av ersättare … efter Karin" /
    "Hellberg (C)      KS.2019.15")."""
    if any(_diaries(line) for line in block):
        return False
    found = _diaries(text)
    return bool(found) and len(_clean_title(_strip_diary(text, found))) <= 60


def _before_diary_line(doc: _Doc, index: int, stop: int) -> bool:
    """A short line between an item's first line and its "Dnr" line is the
    title's end ("… i centrala" / "Alingsås" / "Dnr SN 2018/210")."""
    text = doc.stripped(index)
    if len(text) > 60 or text.endswith((".", ":")):
        return False
    for follow in range(index + 1, min(stop, index + 3)):
        if follow in doc.furniture:
            continue
        following = doc.stripped(follow)
        return bool(following) and _only_diary(following)
    return False


def _read_agenda(doc: _Doc) -> None:
    start = 0
    for index, line in enumerate(doc.lines):
        if AGENDA_HEADING.match(line.text):
            start = index + 1
            break
    candidates = []
    column = False  # whether a table's header gives the paragraphs a column of their own
    for index in range(start, len(doc.lines)):
        if index in doc.furniture:
            continue
        text = doc.lines[index].text
        if _table_header(text):
            column = column or bool(_PARAGRAPH_COLUMN.search(text))
            continue
        match = AGENDA_ITEM.match(text)
        if match and match["column"] and not column:
            match = None  # "3  2019 års budget": a number in the title, not a § column
        if match and not _table_header(match["rest"]):
            candidates.append((index, match))
            if len(candidates) > 1500:
                break
    chain = _agenda_chain(candidates)
    if not chain and doc.headings:
        # A notice that lists the coming paragraphs: "§ 45 Val av justerare".
        _read_paragraph_items(doc)
        return
    items, spans = [], []
    presenters: list[tuple[str, int, int]] = []
    for position, (index, match) in enumerate(chain):
        stop = chain[position + 1][0] if position + 1 < len(chain) else len(doc.lines)
        line = doc.lines[index]
        block = [match["rest"]]
        previous = match["rest"].strip()
        end = line.start + len(line.text.rstrip())
        for follow in range(index + 1, min(stop, index + 6)):
            if follow in doc.furniture:
                continue
            text = doc.stripped(follow)
            if not text or _NOT_ITEM_TEXT.match(text) or PARAGRAPH_HEADING.match(text) or _table_header(text):
                break
            if _only_diary(text) or _continues_title(text, previous) or _before_diary_line(doc, follow, stop) \
                    or _row_goes_on(text, block):
                block.append(text)
                previous = "" if _only_diary(text) else text
                end = doc.lines[follow].start + len(doc.lines[follow].text.rstrip())
                continue
            break
        title_parts, diary_number = [], None
        for text in block:
            found = _diaries(text)
            if found and diary_number is None:
                diary_number = found[0].value
            title, names = _title_of_row(_strip_diary(text, found))
            title_parts.append(title)
            presenters += [(name, line.start, end) for name in names]
        for follow in range(index + 1, min(stop, index + 10)):
            said = PRESENTER.match(doc.lines[follow].text)
            if said:
                for person in _people(said["value"], doc.lines[follow].start + said.start("value")):
                    presenters.append((person.name, person.start, person.end))
        paragraph = int(match["paragraph"] or match["column"]) if match["paragraph"] or match["column"] else None
        title = _clean_title(" ".join(title_parts))
        number = match["number"]  # as printed: "3", "12a"
        items.append(_item(number, paragraph, diary_number, title or None))
        spans.append((line.start + len(line.text) - len(line.text.lstrip()), end))
    sure = 0.3 if not items else 0.85 if len(items) >= 3 and all(i["title"] for i in items) else 0.6
    doc.item_spans = spans
    _put(doc.reading, "items", items, sure, *spans)
    _add_presenters(doc, presenters)


def _add_presenters(doc: _Doc, presenters: list[tuple[str, int, int]]) -> None:
    """The items' presenters (föredragande) are the document's officers too."""
    officers = list(doc.reading.values.get("officers") or [])
    spans = list(doc.reading.spans.get("officers") or [])
    added = False
    for name, start, end in presenters:
        if name not in officers:
            officers.append(name)
            spans.append((start, end))
            added = True
    if added:
        _put(doc.reading, "officers", officers, max(doc.reading.confidence.get("officers", 0.5), 0.75), *spans)


def _agenda_chain(candidates):
    """The agenda: the longest run of item lines whose numbers rise by one
    (or a little more) in the text's order, one that starts at 1 preferred."""
    if not candidates:
        return []
    count = len(candidates)
    values = [int(re.match(r"\d+", match["number"]).group()) for _, match in candidates]
    best = [1] * count
    before = [-1] * count
    for i in range(count):
        for j in range(i - 1, max(-1, i - 40), -1):
            step = values[i] - values[j]
            lettered = step == 0 and candidates[i][1]["number"] > candidates[j][1]["number"]  # 12, 12a, 12b
            if (0 < step <= MAX_ITEM_STEP or lettered) and best[j] + 1 > best[i]:
                best[i], before[i] = best[j] + 1, j
    first = list(range(count))
    for i in range(count):
        if before[i] != -1:
            first[i] = first[before[i]]
    end = max(range(count), key=lambda k: (best[k] + (1 if values[first[k]] <= 1 else 0), -k))
    chain = []
    while end != -1:
        chain.append(candidates[end])
        end = before[end]
    chain.reverse()
    if len(chain) == 1 and values[first[0]] > 3:
        return []  # a lone number far into a list is no agenda
    return chain


# In a paragraph's heading a number in a register's form is its diary number even
# without a label: "§ 2 0456/18" (Göteborg), "§ 12 2019/123".
HEADING_DIARY = re.compile(r"(?<![\w/.-])(?:[A-ZÅÄÖ]{1,6}\d{0,4}[ /-])?\d{1,7}(?:[/.:-]\d{1,7}){1,2}(?:[ ][A-ZÅÄÖ]{1,6})?"
                           r"(?![\w/.-])")


def _diary_in_heading(text: str):
    found = _diaries(text)
    if found:
        return found
    match = HEADING_DIARY.search(text)
    if match is None or dates.find_dates(match.group()):
        return []
    return [Found(match.start(), match.end(), collapse(match.group()), match.group(), 0.7)]


def _heading_block(doc: _Doc, heading: _Heading, stop: int):
    """A paragraph heading's title and diary number: the rest of its line,
    and the lines after that belong to them (a "Dnr" line, a title, a title
    wrapped onto the next line)."""
    rest = doc.text[heading.rest_start:heading.end]
    parts = [rest] if rest.strip() else []
    end = heading.end
    title_seen = bool(rest.strip()) and bool(_clean_title(_strip_diary(rest, _diary_in_heading(rest))))
    previous = rest.strip()
    for follow in range(heading.line + 1, min(stop, heading.line + 12)):
        if follow in doc.furniture:
            continue
        text = doc.stripped(follow)
        if not text:
            if title_seen:
                break
            continue
        item_number = _ITEM_NUMBER_LINE.match(text)
        if item_number:
            heading.number = heading.number or item_number.group(1)
        elif _LABEL_LINE.match(text) and not _only_diary(text):
            pass  # "Handläggare: Malin Sundqvist", "Föredragande: …": not the title
        elif _only_diary(text):
            parts.append(text)
        elif _SECTION_START.match(text) or is_known_heading(text):
            break
        elif not title_seen and len(text) <= 250:
            parts.append(text)
            title_seen, previous = True, text
        elif title_seen and _continues_title(text, previous):
            parts.append(text)
            previous = text
        else:
            break
        end = doc.lines[follow].start + len(doc.lines[follow].text.rstrip())
    diary_number, titles = None, []
    for number, text in enumerate(parts):
        found = _diary_in_heading(text) if number == 0 and rest.strip() else _diaries(text)
        if found and diary_number is None:
            diary_number = found[0].value
        titles.append(_strip_diary(text, found))
    title = _HEADING_ITEM_NUMBER.sub(" ", " ".join(titles))
    title = _clean_title(re.sub(r"^\s*\(?\s*forts\w*\.?\s*\)?", " ", title, flags=re.I))
    return title or None, diary_number, (heading.start + _lead(doc.text, heading.start), end)


def _read_paragraph_items(doc: _Doc) -> None:
    items, spans = [], []
    by_paragraph: dict[int, dict] = {}
    for position, heading in enumerate(doc.headings):
        stop = doc.headings[position + 1].line if position + 1 < len(doc.headings) else len(doc.lines)
        title, diary_number, span = _heading_block(doc, heading, stop)
        if heading.paragraph in by_paragraph:  # continued on a new page
            known = by_paragraph[heading.paragraph]
            known["title"] = known["title"] or title
            known["diary_number"] = known["diary_number"] or diary_number
            continue
        item = _item(heading.number, heading.paragraph, diary_number, title)
        by_paragraph[heading.paragraph] = item
        items.append(item)
        spans.append(span)
    doc.item_spans = spans
    if not items:
        _put(doc.reading, "items", [], 0.3)
        return
    titled = sum(1 for item in items if item["title"]) / len(items)
    sure = 0.5 + 0.4 * titled if len(items) > 1 or doc.kind == EXCERPT else 0.55
    _put(doc.reading, "items", items, sure, *spans)


# --------------------------------------------------------------------------
# Title.
# --------------------------------------------------------------------------

def _read_title(doc: _Doc) -> None:
    if doc.kind != EXCERPT:
        _put(doc.reading, "title", None, 0.9)
        return
    items = doc.reading.values.get("items") or []
    titled = [(item, span) for item, span in zip(items, doc.item_spans, strict=False) if item.get("title")]
    if titled:
        item, span = titled[0]
        _put(doc.reading, "title", item["title"], 0.85 if len(items) == 1 else 0.6, span)
    elif doc.reading.values.get("title"):
        doc.reading.confidence["title"] = min(doc.reading.confidence.get("title", 0.4), 0.4)
    else:
        _put(doc.reading, "title", None, 0.3)
