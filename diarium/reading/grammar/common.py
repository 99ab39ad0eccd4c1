"""What every kind of document has: the organisation, the organ, the date,
the title, the diary numbers, the case officers, the references and the
signatories (docs/READING.md). Each is read by a few named rules, each rule
with how sure it makes the reader; the surest rule that finds a value wins.

The head of a document is its first lines, before the first section heading
("Ärendebeskrivning", "Sammanfattning", …): there stand the letterhead (the
organisation, the office), the date, the diary number, the officer, the
organ addressed and the subject. The tail is its last lines: there stand the
signatures. Kinds with their own ways (notices, minutes, excerpts:
meetings.py; reports, remiss answers, decision letters: officer_report.py)
override what they know better after this has run.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .dates import find_dates
from .diary import find_diary_numbers
from .organs import code_name, find_organs, organ_name
from .people import clean_name, is_name, is_title, name_score, signature_lines, title_score
from .references import find_reference_spans
from .shape import Found, Reading
from .text import Line, collapse, heading_key, is_known_heading, lines

# How many non-blank cells make the letterhead, and how many lines the head at most.
LETTERHEAD_CELLS = 5
HEAD_LINES = 40
# How many lines at the end are looked at for signatures.
TAIL_LINES = 40

# --- the head: its lines, cells and address blocks ---------------------------

@dataclass
class Head:
    """The document's head: its lines up to the first section heading (or the
    first paragraph of prose), each cut into its cells (a table's columns
    flattened by PDF or Word text stand apart by a tab or wide blanks), and
    which cells are an addressee's address block (not the document's own)."""

    lines: list[Line]
    end: int  # offset where the first section begins
    cells: list[Line] = field(default_factory=list)  # in reading order; a blank line is a blank cell
    address: set[int] = field(default_factory=set)  # starts of the cells of an addressee's block
    addressed_lines: set[int] = field(default_factory=set)  # starts of the lines "Till …"

    def own(self) -> list[Line]:
        """The cells that are the document's own (not an addressee's)."""
        return [cell for cell in self.cells if cell.start not in self.address]


# Headings that do not end the head: a kind's name standing as the
# document's title ("Remissvar", "Yttrande", "Beslut") and the labels of the
# head's own fields standing on their own line ("Handläggare").
HEAD_HEADINGS = frozenset({
    "remissvar", "yttrande", "beslut", "beslutet", "förslag", "handläggare", "kontaktperson", "kontaktpersoner",
    "remiss",
})
# A numbered heading ("1. Syfte", "2.1 Bakgrund") ends the head too.
_NUMBERED_HEADING = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÅÄÖ][\wåäö-]*(?:\s+[\wåäö-]+){0,4}\s*$")
_CELL_GAP = re.compile(r"\t+|[ ]{3,}")
# An address: a postcode and a town ("441 81 Alingsås", "SE-402 25 Göteborg"), a
# post box ("Box 134"), a street and its number ("Karl Johansgatan 41"), "Att:".
_POSTCODE = re.compile(r"(?:^|[\s,])(?:SE-?\s?)?\d{3}\s?\d{2}\s+[A-ZÅÄÖ][a-zåäö]+")
_STREET = re.compile(r"^(?:[A-ZÅÄÖ][\wåäö.-]*\s+)*[A-ZÅÄÖ]?[\wåäö]*(?:gatan|vägen|gränd|torget|torg|allén|allé|"
                     r"backen|stigen|leden|plan|gata|väg|kajen|parken|platsen)\s+\d{1,4}[A-Za-z]?(?:,.*)?$")
_BOX = re.compile(r"(?i)^box\s+\d+")
_ATT = re.compile(r"(?i)^(?:att|attn)\s*[:.]")
# How many lines above its postcode an address block reaches.
ADDRESS_LINES = 4


def _cells(line: Line) -> list[Line]:
    """A line cut at tabs and wide blanks into its cells, with their offsets."""
    if not line.text.strip():
        return [line]
    out: list[Line] = []
    position = 0
    for part in _CELL_GAP.split(line.text):
        at = line.text.index(part, position) if part else position
        position = at + len(part)
        stripped = part.strip()
        if stripped:
            lead = len(part) - len(part.lstrip())
            out.append(Line(line.start + at + lead, line.start + at + lead + len(stripped), stripped))
    return out


def head_of(text: str, all_lines: list[Line]) -> Head:
    """The head: the lines up to the first section heading or the first
    paragraph of prose (a subject stands above the text it is the subject of)."""
    head: list[Line] = []
    end = len(text)
    for index, line in enumerate(all_lines):
        if index >= HEAD_LINES * 2 or len(head) >= HEAD_LINES:
            end = line.start
            break
        if not line.blank and head:
            if is_known_heading(line.text) and heading_key(line.text) not in HEAD_HEADINGS:
                end = line.start
                break
            if _prose_line(line.text) or _NUMBERED_HEADING.match(line.text):
                end = line.start
                break
        head.append(line)
    result = Head(head, end)
    for line in head:
        result.cells.extend(_cells(line))
    _find_addresses(result)
    return result


def _is_address_cell(text: str) -> bool:
    return bool(_POSTCODE.search(text) or _STREET.match(text) or _BOX.match(text))


def _find_addresses(head: Head) -> None:
    """Mark the addressee's address blocks: the lines above a postcode (up to
    ADDRESS_LINES, not across a blank line, a field or a date) and the
    postcode's line. The block that opens the document is the sender's
    letterhead and stays the document's own."""
    cells = head.cells
    first_content = next((i for i, cell in enumerate(cells) if cell.text.strip()), 0)
    block_start = 0
    for index, cell in enumerate(cells):
        text = cell.text.strip()
        if not text or _field(text) is not None or (find_dates(text) and len(text) < 40) \
                or heading_key(text) in KIND_LINES:
            block_start = index + 1
            continue
        if _ATT.match(text):
            head.address.add(cell.start)
            continue
        if not _POSTCODE.search(text):
            continue
        first = max(block_start, index - ADDRESS_LINES)
        if first > first_content or _sender_block_ends_above(cells, first_content, first):
            for member in cells[first:index + 1]:
                head.address.add(member.start)
        block_start = index + 1
    for line in head.lines:
        if _ADDRESSED.match(line.text):
            head.addressed_lines.add(line.start)


def _sender_block_ends_above(cells: list[Line], first_content: int, first: int) -> bool:
    """Whether the document's first block (the sender's) ended with a postcode
    above `first`, so that a block starting at `first` is the addressee's
    ("Alingsåshem AB / Box 134, 441 23 Alingsås / Alingsås kommun / …")."""
    return any(_POSTCODE.search(cell.text) for cell in cells[first_content:first])


def _prose_line(line: str) -> bool:
    """A line of running text: a sentence ending in a full stop, or long with sentences in it."""
    stripped = collapse(line)
    if len(stripped) > 100 and ". " in stripped:
        return True
    return stripped.endswith(".") and len(stripped.split()) >= 8


# A field line of the head: "Datum: 2018-08-23", "Dnr KS 2018/12", "Handläggare Anna Berg".
FIELD_LABELS = (
    "datum", "dokumentdatum", "upprättad", "upprättat", "skapad", "beslutsdatum", "datum för beslut",
    "dnr", "diarienr", "diariernr", "diarienummer", "ärendenr", "ärendenummer", "vår referens", "er referens",
    "vår beteckning", "var beteckning", "er beteckning", "vårt dnr", "ert dnr", "referens", "handläggare",
    "kontaktperson", "ansvarig tjänsteman", "föredragande", "telefon", "tel", "direkttelefon", "direktnr",
    "direktr", "mobil", "e-post", "epost", "mail", "mejl", "till", "mottagare", "från", "avsändare", "kopia",
    "sida", "sid", "version", "status", "beslutsinstans", "organ", "nämnd", "förvaltning", "avdelning", "enhet",
    "sammanträdesdatum", "plats", "tid", "tid och plats", "ärende", "ärendemening", "rubrik", "ämne",
    "angående", "ang", "avser", "gäller", "gäller för", "gäller till", "gäller från", "beträffande", "betr",
    "klassificering", "sekretess", "dokumenttyp", "dokumentansvarig", "beslutad av", "fastställd av",
    "diarieplan", "postadress", "besöksadress", "adress", "org.nr", "organisationsnummer", "hemsida",
    "webbplats", "fax", "bankgiro", "plusgiro", "växel", "närvarande", "anteckningar", "deltagare",
)
_FIELD = re.compile(r"^\s*(?P<label>(?:" + "|".join(re.escape(label).replace(r"\ ", r"\s+")
                                                   for label in sorted(FIELD_LABELS, key=len, reverse=True))
                    + r"))\.?\s*(?P<sep>:\s*|\t\s*|\s+(?=\S)|$)(?P<value>.*)$", re.IGNORECASE)


def _field(line: str) -> tuple[str, str] | None:
    match = _FIELD.match(line)
    if match is None:
        return None
    return match["label"].casefold(), match["value"].strip()


# --- the organisation -------------------------------------------------------

# Municipalities whose names are two words ("Lilla Edets kommun").
TWO_WORD_FIRSTS = ("Lilla", "Upplands", "Östra", "Övre", "Norra", "Södra", "Västra", "Stora")
# The organisation's name in its usual case where capitals do not tell it.
USUAL_NAMES = {
    "göteborgs stad": "Göteborgs Stad", "borås stad": "Borås Stad", "stockholms stad": "Stockholms stad",
    "malmö stad": "Malmö stad", "västra götalandsregionen": "Västra Götalandsregionen",
}
_PLACE = r"[A-ZÅÄÖ][a-zåäöéü]+(?:-[A-ZÅÄÖ][a-zåäöéü]+)?"
_PLACE_CAPS = r"[A-ZÅÄÖ]{2,}(?:-[A-ZÅÄÖ]{2,})?"
ORGANISATION_FORMS = (
    # Alingsås kommun, Lerums kommun, Lilla Edets kommun, Göteborgs Stad, Malmö stad (also "… kommuns")
    ("municipality", re.compile(
        r"(?<![\w-])(?P<name>(?:(?:" + "|".join(TWO_WORD_FIRSTS) + r") )?" + _PLACE + r") (?P<kind>[Kk]ommun|[Ss]tad)"
        r"(?:s)?(?![\w-])")),
    # ALINGSÅS KOMMUN, GÖTEBORGS STAD (a letterhead in capitals)
    ("municipality", re.compile(
        r"(?<![\w-])(?P<name>(?:(?:" + "|".join(t.upper() for t in TWO_WORD_FIRSTS) + r") )?" + _PLACE_CAPS
        + r") (?P<kind>KOMMUN|STAD)(?![\w-])")),
    # Region Västra Götaland, Region Skåne, REGION HALLAND; Landstinget Dalarna
    ("region", re.compile(r"(?<![\w-])(?P<kind>Region|REGION|Landstinget|LANDSTINGET) (?P<name>(?:Västra |VÄSTRA |"
                          r"Östra |ÖSTRA )?(?:" + _PLACE + "|" + _PLACE_CAPS + r"))(?![\w-])")),
    # Västra Götalandsregionen
    ("region", re.compile(r"(?<![\w-])(?P<name>Västra Götalandsregionen|VÄSTRA GÖTALANDSREGIONEN)(?![\w-])")),
    # Alingsås och Vårgårda Räddningstjänstförbund, Göteborgsregionens kommunalförbund, in the letterhead
    ("federation", re.compile(
        r"(?<![\w-])(?P<name>(?:" + _PLACE + r"(?:, | och ))*(?:(?:" + "|".join(TWO_WORD_FIRSTS) + r") )?" + _PLACE
        + r"(?:s)? (?:[A-ZÅÄÖa-zåäö]*[Ff]örbund"
        r"|[Kk]ommunalförbund))(?![\w-])")),
    ("federation", re.compile(
        r"(?<![\w-])(?P<name>(?:" + _PLACE_CAPS + r"(?:, | OCH ))*(?:(?:" + "|".join(t.upper() for t in TWO_WORD_FIRSTS)
        + r") )?" + _PLACE_CAPS + r" [A-ZÅÄÖ]*FÖRBUND)(?![\w-])")),
    # A company or an association that answers a remiss, in the letterhead: "Alingsåshem AB"
    ("company", re.compile(r"(?<![\w-])(?P<name>[A-ZÅÄÖ][\w&.-]*(?: [A-ZÅÄÖ&][\w&.-]*){0,3} AB)(?![\w-])")),
)
# Words that make a name an association's or a company's (a remiss answer's sender).
ASSOCIATION = re.compile(r"(?i)förening|stiftelse|sällskap|klubb|kooperativ|samfällighet|\b(?:AB|HB|KB)\b|"
                         r"\baktiebolag|\borganisation\b|\bförbundet\b|riksförbund")
# Forms read only in the letterhead (elsewhere they are parties to the case);
# companies only for a remiss answer.
LETTERHEAD_ONLY = ("federation", "company")


def _usual_case(name: str) -> str:
    """A name in capitals written in the usual case: "ALINGSÅS KOMMUN" →
    "Alingsås kommun", "REGION SKÅNE" → "Region Skåne"; "Lerums Kommun" →
    "Lerums kommun"."""
    words = name.split(" ")
    if name.isupper():
        out = []
        for index, word in enumerate(words):
            lower = word.lower()
            if index and lower in ("kommun", "stad", "och", "i"):
                out.append(lower)
            else:
                out.append("-".join(part.capitalize() for part in lower.split("-")))
        name = " ".join(out)
    elif words[-1] == "Kommun":
        name = " ".join(words[:-1] + ["kommun"])
    return USUAL_NAMES.get(name.casefold(), name)


def _organisation_name(form: str, match: re.Match) -> str:
    if form == "municipality":
        return _usual_case(f"{match['name']} {match['kind']}")
    if form == "region" and match.groupdict().get("kind"):
        return _usual_case(f"{match['kind']} {match['name']}")
    return _usual_case(match["name"].rstrip())


def read_organisation(reading: Reading, all_lines: list[Line], head: Head) -> None:
    text = reading.text
    kind = reading.values.get("kind")
    own = head.own()
    content = [cell for cell in own if cell.text.strip()]
    letterhead = content[:LETTERHEAD_CELLS]
    letterhead_spans = [(cell.start, cell.end) for cell in letterhead]
    footer_start = max((line.start for line in all_lines[-8:]), default=len(text))
    footer_start = max(footer_start, head.end)
    scores: Counter[str] = Counter()
    written: dict[str, str] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    in_letterhead: set[str] = set()
    address_spans = [(cell.start, cell.end) for cell in head.cells if cell.start in head.address]
    for form, pattern in ORGANISATION_FORMS:
        if form == "company" and kind != "remiss_answer":
            continue
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in address_spans):
                continue  # the addressee's
            name = _organisation_name(form, match)
            key = name.casefold()
            head_match = any(start <= match.start() < end for start, end in letterhead_spans)
            if form in LETTERHEAD_ONLY and not head_match:
                continue
            weight = 6 if head_match else 2 if match.start() >= footer_start else 1
            scores[key] += weight
            # the name as the letterhead writes it, else as first written
            if head_match and key not in in_letterhead:
                written[key] = name
            written.setdefault(key, name)
            spans.setdefault(key, []).append((match.start(), match.end()))
            if head_match:
                in_letterhead.add(key)
    if kind == "remiss_answer" and content:
        # An association or a company answers on its own paper: its name is the
        # first line of the letterhead ("Naturskyddsföreningen i Lerum").
        first = content[0]
        if ASSOCIATION.search(first.text) and len(first.text) <= 80 and not first.text.rstrip().endswith("."):
            name = collapse(first.text)
            key = name.casefold()
            scores[key] += 6
            written.setdefault(key, name)
            spans.setdefault(key, []).insert(0, (first.start, first.end))
            in_letterhead.add(key)
    if not scores:
        reading.set("organisation", None, 0.4)
        return
    ranked = scores.most_common(2)
    best, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    if in_letterhead:
        # The letterhead tells whose document it is, however often the text names others.
        best = min(in_letterhead, key=lambda key: spans[key][0][0])
        sure = 0.95 if scores[best] == score else 0.85
    elif best in in_letterhead:
        sure = 0.95 if score > second else 0.75
    elif score >= 3 and score >= 2 * second:
        sure = 0.8
    elif score > second:
        sure = 0.6
    else:
        sure = 0.45
    reading.set("organisation", written[best], sure, *spans[best][:5])


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


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def document_year(reading: Reading) -> int | None:
    date = reading.values.get("date")
    return int(date[:4]) if date else None


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


# --- the organ ----------------------------------------------------------------

# Lines of the head that name the organ addressed: "Till Kommunstyrelsen",
# "Mottagare: Socialnämnden", "Kommunstyrelsen" alone.
_ADDRESSED = re.compile(r"(?i)^\s*(?:till|mottagare|beslutsinstans|organ|nämnd|beslutande organ|för beslut i)"
                        r"\s*[:.]?\s+(?P<organ>.+?)\s*$")
# Phrases of the body that name the organ a report is for.
_PROPOSED_TO = re.compile(
    r"(?<![\w-])(?P<organ>[A-ZÅÄÖa-zåäö][\w-]*(?:\s+(?:och\s+)?[\w-]+){0,4}?)\s+(?:föreslås|beslutar|föreslås\s+besluta|"
    r"föreslås\s+föreslå)\b|[Ff]örslag\s+till\s+(?P<organ2>[\wåäö-]+(?:\s+[\wåäö-]+){0,3}?)\s+för\s+beslut")


def read_organ(reading: Reading, head: Head, diaries: list[Found]) -> None:
    text = reading.text
    kind = reading.values.get("kind")
    # 1. the organ addressed in the head: a cell that is an organ's name, or "Till …"
    for line in head.lines:
        # "Beslutad av<tab>Kommunstyrelsen 2019-04-16, § 98": the organ that decided a steering document
        decided = _DECIDED_BY.match(line.text.replace("\t", " "))
        if decided and organ_name(decided["organ"]):
            start = line.start + decided.start("organ")
            reading.set("organ", organ_name(decided["organ"]), 0.85, (start, line.start + decided.end("organ")))
            return
    for cell in head.own():
        stripped = cell.text.strip()
        if not stripped or len(stripped) > 80:
            continue
        addressed = _ADDRESSED.match(stripped)
        if addressed and kind == "remiss_answer":
            continue  # a remiss answer is addressed to whom asked, not from them
        candidate = addressed["organ"] if addressed else stripped
        name = organ_name(candidate)
        if name is not None and (addressed or _is_organ_line(stripped)):
            start = cell.start + cell.text.index(candidate)
            reading.set("organ", name, 0.9 if addressed else 0.85, (start, start + len(candidate)))
            return
    if kind == "other":
        reading.set("organ", None, 0.6)  # a document of no kind names its organ in its head, or has none
        return
    # 2. "Kommunstyrelsen föreslås besluta", "Förslag till kommunstyrelsen för beslut"
    for match in _PROPOSED_TO.finditer(text):
        group = "organ" if match["organ"] else "organ2"
        phrase = match[group]
        # the organ is the last words of the phrase that name one
        words = phrase.split()
        for first in range(len(words)):
            name = organ_name(" ".join(words[first:]))
            if name is not None:
                start = match.start(group) + len(" ".join(words[:first])) + (1 if first else 0)
                reading.set("organ", name, 0.75, (start, match.end(group)))
                return
    # 3. the code of the diary number: "2017.676 KS"
    for item in diaries:
        for code in re.findall(r"[A-ZÅÄÖ]{2,7}", item.value):
            name = code_name(code)
            if name is not None:
                reading.set("organ", name, 0.55, (item.start, item.end))
                return
    # 4. the organ named most often
    organs = find_organs(text)
    if organs:
        counts = Counter(item.value for item in organs)
        name, count = counts.most_common(1)[0]
        spans = [(item.start, item.end) for item in organs if item.value == name][:5]
        reading.set("organ", name, 0.4 if count > 1 else 0.3, *spans)
        return
    reading.set("organ", None, 0.4)


def _is_organ_line(line: str) -> bool:
    """A head cell that is nothing but an organ's name ("Kommunstyrelsen",
    "Barn- och ungdomsnämnden"), in any case."""
    return organ_name(line) is not None and not line.endswith((".", ","))


# --- the title -------------------------------------------------------------

# Labels of the subject: "Ärende: …", "Rubrik: …", "Angående: …" (with a colon or a tab).
TITLE_LABELS = ("ärendemening", "ärende", "rubrik", "ämne", "angående", "ang", "avser", "beträffande",
                "betr", "saken")
# Lines that name the document's kind only, never its subject.
KIND_LINES = frozenset({
    "tjänsteskrivelse", "tjänsteutlåtande", "tjänsteyttrande", "ärendeskrivelse", "beslutsunderlag",
    "remissvar", "yttrande", "beslut", "meddelande om beslut", "underrättelse om beslut", "protokollsutdrag",
    "utdrag ur protokoll", "protokoll", "kallelse", "föredragningslista", "missiv", "skrivelse", "rapport",
    "promemoria", "pm", "delegationsbeslut", "beslutsmeddelande", "delgivning", "tjänsteanteckning", "utredning",
    "remiss", "sammanträdesprotokoll", "handling", "bilaga", "förslag", "kommunledningskontoret",
    "minnesanteckningar", "minnesanteckning", "anteckningar", "avsiktsförklaring", "överenskommelse", "avtal",
    "riktlinje", "riktlinjer", "policy", "program", "plan", "strategi", "reglemente", "instruktion",
    "delegationsordning", "information", "meddelande", "kungörelse", "inbjudan", "svar",
    "motion", "medborgarförslag", "interpellation", "fråga", "yttrande över remiss",
})
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


# --- the references ------------------------------------------------------------

def read_references(reading: Reading) -> None:
    found = find_reference_spans(reading.text, year=document_year(reading), organ=reading.values.get("organ"))
    references = [reference for reference, _ in found]
    if references:
        complete = sum(1 for r in references if r["organ"] and r["date"]) / len(references)
        reading.set("references", references, 0.6 + 0.3 * complete, *[span for _, span in found])
    else:
        reading.set("references", [], 0.6)


# --- the signatories -------------------------------------------------------------

# Lines above which a signature is no signature: a contact person's label.
_CONTACT_LABEL = re.compile(r"(?i)^\s*(?:kontaktperson(?:er)?|handläggare|upplysningar|frågor)\b")
# A line with a label before its name is a field, not a signature: "Kontaktperson: Karin Ek, …"
_LABELLED_LINE = re.compile(r"^\s*[^\W\d_][\w .-]{1,30}:\s*\S")
# Section headings whose bodies hold recipients, documents or contacts, not signatures.
NO_SIGNATURE_SECTIONS = frozenset({
    "beslutet ska skickas till", "beslutet skickas till", "skickas till", "expedieras till", "expediering",
    "sändlista", "beslut till", "för kännedom", "beslutsunderlag", "underlag", "bilagor", "bilaga", "handlingar",
    "beslutet ska expedieras till", "delges", "beslutet delges", "kontaktperson", "kontaktpersoner",
})
# Greetings that open a signature block.
_GREETING = re.compile(r"(?i)^\s*(?:med\s+vänlig\s+hälsning|vänliga\s+hälsningar|mvh|hälsningar|"
                       r"för\s+[a-zåäö\s-]*(?:nämnden|styrelsen|kommun))\b")
# Page furniture: a page's number ("Sida 2 av 3", "2 (2)") in a line.
_PAGE_MARK = re.compile(r"(?i)\bsida\s+\d+\s*(?:av|\()\s*\d+|\b\d+\s*\(\d+\)\s*$")


def _furniture(all_lines: list[Line]) -> set[str]:
    """The texts of page headers and footers: lines with columns or a page
    number that stand in the text more than once, and the first line when it
    comes again (a running header)."""
    counts = Counter(line.text.strip() for line in all_lines if not line.blank)
    furniture = {text for text, count in counts.items()
                 if count > 1 and ("\t" in text or "   " in text or _PAGE_MARK.search(text))}
    first = next((line.text.strip() for line in all_lines if not line.blank), "")
    if counts.get(first, 0) > 1 or "\t" in first:
        furniture.add(first)
    return {text for text in furniture if text}


def read_signatories(reading: Reading, all_lines: list[Line]) -> None:
    furniture = _furniture(all_lines)
    tail_from = max(0, len(all_lines) - TAIL_LINES)
    tail: list[Line] = []
    for line in all_lines[tail_from:]:
        stripped = line.text.strip()
        if stripped in furniture or _PAGE_MARK.search(stripped) and ("\t" in stripped or len(stripped) < 40):
            tail.append(Line(line.start, line.start, ""))  # page furniture: read as a blank line
            continue
        for piece in furniture:
            # a header glued to the line above it by PDF text: "Göran EkMalmö stad<tab>Kommunstyrelsen"
            if len(piece) > 6 and stripped.endswith(piece) and len(stripped) > len(piece):
                kept = line.text[:line.text.rindex(piece)]
                line = Line(line.start, line.start + len(kept), kept)
                break
        tail.append(line)
    # Lines after the last sentence of prose: a signature follows the text.
    last_prose = -1
    in_list_section = [False] * len(tail)
    section_blocks = False
    listed = False  # whether the list section has had a line yet
    for index, line in enumerate(tail):
        stripped = line.text.strip()
        if not stripped:
            if section_blocks and listed:
                section_blocks = False  # a blank line after the list ends it
            continue
        key = heading_key(stripped)
        if is_known_heading(stripped):
            section_blocks, listed = key in NO_SIGNATURE_SECTIONS, False
            continue
        if section_blocks and listed and _signature_below(tail, index):
            section_blocks = False  # a name over a person's title ends the list
        listed = True
        if _GREETING.match(stripped):
            section_blocks = False
        in_list_section[index] = section_blocks
        if _prose_line(stripped) and not is_name(stripped):
            last_prose = index
    candidates = tail[last_prose + 1:]
    # Signatures side by side first: "Anneli Schwartz      Göran Westerlund"
    # over "Tf. Kommundirektör      Digitaliseringsansvarig".
    columns, consumed = _columns(candidates)
    texts = ["" if index in consumed or _LABELLED_LINE.match(line.text) else line.text
             for index, line in enumerate(candidates)]
    pairs: list = list(signature_lines(texts))
    for at, found, found_spans in columns:
        pairs.append((at, ("columns", found, found_spans)))
    pairs.sort(key=lambda pair: pair[0])
    out: list[dict] = []
    spans: list[tuple[int, int]] = []
    titled = 0
    for name_at, title_at in pairs:
        if isinstance(title_at, tuple):
            _, found, found_spans = title_at
            for item in found:
                if not any(existing["name"] == item["name"] for existing in out):
                    out.append(item)
                    titled += 1 if item["title"] else 0
            spans.extend(found_spans)
            continue
        index = last_prose + 1 + name_at
        line = tail[index]
        if in_list_section[index] and not _after_blank_below_list(tail, index):
            continue
        previous = _previous_content(tail, index)
        if previous is not None and _CONTACT_LABEL.match(previous.text):
            continue
        text = collapse(line.text)
        if title_at == name_at:
            head_text, _, title_text = text.partition(",")
            name, title = clean_name(head_text), collapse(title_text)
        else:
            name = clean_name(text)
            title = collapse(candidates[title_at].text) if title_at is not None else None
            if title is None:
                title_line = _title_after_blank(candidates, name_at)
                if title_line is not None:
                    title = collapse(title_line.text)
                    title_at = candidates.index(title_line)
        if any(item["name"] == name for item in out):
            continue
        out.append({"name": name, "title": title})
        spans.append((line.start, line.end))
        if title_at is not None:
            titled += 1
            spans.append((candidates[title_at].start, candidates[title_at].end))
    if out:
        sure = 0.85 if titled == len(out) else 0.7
        reading.set("signatories", out, sure, *spans)
    else:
        reading.set("signatories", [], 0.55)


def _signature_below(tail: list[Line], index: int) -> bool:
    """Whether the line at `index` is a name and the next a person's title."""
    if index + 1 >= len(tail):
        return False
    return is_name(clean_name(tail[index].text)) and title_score(tail[index + 1].text) >= 0.9


def _title_after_blank(candidates: list[Line], name_at: int) -> Line | None:
    """A person's title one blank line below their name (a page break or a
    PDF's spacing between them), when nothing else follows in between."""
    at = name_at + 1
    while at < len(candidates) and at <= name_at + 3 and candidates[at].blank:
        at += 1
    if at == name_at + 1 or at >= len(candidates):
        return None
    line = candidates[at]
    if title_score(line.text) >= 0.9 and not is_name(line.text):
        return line
    return None


def _previous_content(tail: list[Line], index: int) -> Line | None:
    for line in reversed(tail[:index]):
        if not line.blank:
            return line
    return None


def _after_blank_below_list(tail: list[Line], index: int) -> bool:
    """Whether a name in a list section stands after a blank line that ends
    the list (and so begins the signatures)."""
    return index > 0 and tail[index - 1].blank and _previous_content(tail, index) is not None \
        and not is_known_heading(_previous_content(tail, index).text)


_COLUMNS = re.compile(r"\t+|\s{3,}")


def _columns(candidates: list[Line]) -> tuple[list[tuple[int, list[dict], list[tuple[int, int]]]], set[int]]:
    """Signatures in columns: a line of two or more names apart by a tab or
    wide blanks, and the line of their titles below it. Returns, for each
    such line, its index, the signatures and the spans; and the indices of
    the lines used."""
    found: list[tuple[int, list[dict], list[tuple[int, int]]]] = []
    consumed: set[int] = set()
    for index, line in enumerate(candidates):
        parts = [p for p in _COLUMNS.split(line.text.strip()) if p]
        if len(parts) < 2 or not all(is_name(clean_name(p)) for p in parts):
            continue
        titles: list[str | None] = [None] * len(parts)
        spans = [(line.start, line.end)]
        consumed.add(index)
        if index + 1 < len(candidates):
            below = [p for p in _COLUMNS.split(candidates[index + 1].text.strip()) if p]
            if len(below) == len(parts) and all(is_title(p) for p in below):
                titles = below
                consumed.add(index + 1)
                spans.append((candidates[index + 1].start, candidates[index + 1].end))
        signatures = [{"name": clean_name(part), "title": collapse(title) if title else None}
                      for part, title in zip(parts, titles, strict=True)]
        found.append((index, signatures, spans))
    return found, consumed


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
