"""The head of a document: its first lines up to the first section heading,
cut into cells, with an addressee's address blocks told apart from the
document's own; the field lines in it ("Datum: …", "Dnr …"), the lines that
name a kind or an organ addressed; and how many lines are its tail."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..dates import find_dates
from ..text import Line, collapse, heading_key, is_known_heading

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


# --- the lines that name a kind or the organ addressed ---------------------

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

# Lines of the head that name the organ addressed: "Till Kommunstyrelsen",
# "Mottagare: Socialnämnden", "Kommunstyrelsen" alone.
_ADDRESSED = re.compile(r"(?i)^\s*(?:till|mottagare|beslutsinstans|organ|nämnd|beslutande organ|för beslut i)"
                        r"\s*[:.]?\s+(?P<organ>.+?)\s*$")


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end
