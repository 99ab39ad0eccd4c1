"""The text as the rules read it.

Text drawn out of a PDF or a Word file carries what the eye does not see:
no-break and thin spaces, soft hyphens, ligatures (ﬁ, ﬂ), carriage returns,
words broken over two lines with a hyphen, blanks at the ends of lines.
`normalise` takes those away and keeps everything else as written, line by
line: the later rules read lines (a heading, a signature, an item), and the
review screen shows the normalised text with what was found marked in it.

`lines` cuts a text into its lines with their offsets; `find_section` finds a
section by its heading ("Förslag till beslut", "Beslutet ska skickas till")
and gives where its body begins and ends.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

# Blanks that are spaces to a reader: no-break, figure, narrow and thin spaces,
# the typographic spaces, the ideographic space. A tab stays: it separates the
# columns of a table or of a signature block.
ODD_BLANKS = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Characters that are not there at all: soft hyphen, zero-width spaces and
# joiners, the byte-order mark, the word joiner.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Typographic ligatures that PDF text keeps as one character.
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
             "\ufb05": "st", "\ufb06": "st"}
# Bullets that Word's symbol fonts put in the private use area.
BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "•", "\uf0fc": "•", "\uf02d": "-"}
# Line and page separators: a new line (a page break ends a line too).
LINE_BREAKS = {"\u2028": "\n", "\u2029": "\n", "\x0c": "\n", "\x0b": "\n", "\x85": "\n"}

_TRANSLATE = str.maketrans({
    **{char: " " for char in ODD_BLANKS},
    **LIGATURES, **BULLETS, **LINE_BREAKS,
})

# A word broken at the end of a line with a hyphen, whose rest begins the next
# line in lower case: "kommun-\nstyrelsen" is "kommunstyrelsen". Not when the
# hyphen binds a shortened compound ("barn-\noch ungdomsnämnden" is "barn- och
# ungdomsnämnden"), nor after an abbreviation or a single letter, which keep
# their hyphen ("IT-\nsystem" is "IT-system", "e-\ntjänst" is "e-tjänst").
_BROKEN_WORD = re.compile(r"(?<=[^\W\d_])-[ \t]*\n[ \t]*(?=[a-zåäöéü])")
# The words after which the hyphen is a binding one: "barn- och", "hälso- samt".
BINDING_WORDS = ("och", "eller", "samt", "respektive", "resp", "som", "till", "med")
_WORD_BEFORE = re.compile(r"[^\W\d_]+$")
_WORD_AFTER = re.compile(r"[^\W\d_]+")
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*\n[ \t]*")
_BLANKS = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{4,}")
_LONG_SPACES = re.compile(r"[ \t]{21,}")


def normalise(text: str) -> str:
    """The text with odd blanks as spaces, lines ending in LF, soft hyphens
    and zero-width characters gone, ligatures written out, words broken over
    two lines joined, and no blanks at line ends. Line structure is kept."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_HYPHEN_BREAK.sub("", text)  # a soft hyphen at a line's end: one word
    text = text.translate(_TRANSLATE)
    for char in INVISIBLE:
        if char in text:
            text = text.replace(char, "")
    text = unicodedata.normalize("NFC", text)  # "a" and a combining ring are "å"
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    # Runs of blank lines say no more than two line breaks do; very long runs
    # of spaces no more than a wide gap (a column) does.
    text = _BLANK_LINES.sub("\n\n\n", text)
    text = _LONG_SPACES.sub(" " * 20, text)
    if "-\n" in text or "- \n" in text:
        text = _BROKEN_WORD.sub(_rejoin, text)
    return text


def _rejoin(match: re.Match) -> str:
    text = match.string
    after = _WORD_AFTER.match(text, match.end())
    next_word = after[0] if after else ""
    if next_word in BINDING_WORDS:
        return "- "  # "barn- och ungdomsnämnden"
    before = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
    word = before[0] if before else ""
    if len(word) <= 1 or word.isupper():
        return "-"  # "e-tjänst", "IT-system"
    return ""


def collapse(text: str) -> str:
    """Blanks (line breaks included) collapsed to one space, ends trimmed."""
    return _BLANKS.sub(" ", text or "").strip()


class Line(NamedTuple):
    """One line of the text: text[start:end] is `text` (without its LF).
    Unpacks as (start, end, text)."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def lines(text: str) -> list[Line]:
    """Every line of the text with its offsets, as (start, end, line)."""
    out: list[Line] = []
    position = 0
    for line in text.split("\n"):
        end = position + len(line)
        out.append(Line(position, end, line))
        position = end + 1
    return out


def line_at(all_lines: list[Line], offset: int) -> int:
    """The index of the line that holds `offset`."""
    low, high = 0, len(all_lines) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if all_lines[middle].start <= offset:
            low = middle
        else:
            high = middle - 1
    return low


@lru_cache(maxsize=8192)
def heading_key(line: str) -> str:
    """A line as a heading is looked up: lower case, blanks collapsed, without
    a leading number ("3.", "2.1") and a trailing colon or full stop."""
    if len(line) > 120:
        return line.strip().casefold()[:120]  # too long for a heading: looked up as nothing
    key = collapse(line).casefold()
    key = re.sub(r"^(?:\d+(?:\.\d+)*\.?|[a-z]\))\s+", "", key)
    return key.rstrip(":.;- ").strip()


# The headings of the sections of Swedish municipal documents (officer's
# reports, remiss answers, decision letters, minutes). A section runs from its
# heading to the next of these. Add a municipality's own headings here.
SECTION_HEADINGS = frozenset({
    # the case
    "ärendebeskrivning", "ärendet", "ärendet i sin helhet", "beskrivning av ärendet", "sammanfattning", "sammanfattning av ärendet",
    "bakgrund", "ärendets bakgrund", "beskrivning", "inledning", "syfte", "uppdrag", "uppdraget",
    "förvaltningens yttrande", "förvaltningens bedömning", "förvaltningens synpunkter", "bedömning",
    "överväganden", "analys", "motivering", "motivering till beslut", "skäl för beslutet", "beslutsmotivering",
    "yttrande", "synpunkter", "remissvar", "kommentarer", "slutsats", "slutsatser",
    # consequences
    "ekonomiska konsekvenser", "ekonomi", "finansiering", "konsekvenser", "konsekvensanalys",
    "barnperspektiv", "barnrättsperspektiv", "barnkonsekvensanalys", "jämställdhet", "jämställdhetsperspektiv",
    "miljö", "miljöperspektiv", "miljökonsekvenser", "juridik", "juridiska aspekter", "juridisk bedömning",
    "samverkan", "facklig samverkan", "mbl", "risker", "riskanalys", "måluppfyllelse", "koppling till mål",
    "hållbarhet", "social hållbarhet", "ekologisk hållbarhet", "ekonomisk hållbarhet", "folkhälsa",
    "tillgänglighet", "kommunikation", "uppföljning", "tidplan", "genomförande",
    # proposals and decision
    "förslag till beslut", "förvaltningens förslag", "förvaltningens förslag till beslut",
    "förslag till beslut på sammanträdet", "arbetsutskottets förslag", "arbetsutskottets förslag till beslut",
    "kommunstyrelsens förslag", "kommunstyrelsens förslag till beslut", "beslutsförslag", "förslag",
    "ordförandens förslag", "beslut", "beslutet", "beslutsgång", "yrkanden", "yrkande", "proposition",
    "propositionsordning", "omröstning", "reservation", "reservationer", "protokollsanteckning",
    "protokollsanteckningar", "jäv", "beslutet ska skickas till", "beslutet skickas till", "skickas till",
    "expedieras till", "expediering", "expedieras", "sändlista", "beslut till", "för kännedom",
    "beslutet ska expedieras till", "delges", "beslutet delges",
    # documents
    "beslutsunderlag", "underlag", "underlag för beslut", "handlingar", "bilagor", "bilaga", "bilagor:",
    "ärendets handlingar", "handlingar i ärendet", "referenser", "hänvisningar", "lagstiftning",
    "relevanta styrdokument", "styrdokument", "tidigare beslut", "tidigare ställningstaganden",
    # closing
    "överklagande", "hur man överklagar", "information om hur man överklagar", "upplysningar",
    "kontaktperson", "kontaktpersoner", "handläggare", "underskrifter", "justering",
})


def is_known_heading(line: str) -> bool:
    return heading_key(line) in SECTION_HEADINGS


@dataclass(frozen=True)
class Section:
    """A section of the text: its heading line and its body's offsets."""

    heading: str
    heading_start: int
    start: int  # where the body begins (after the heading line)
    end: int    # where the body ends (the next heading, or the text's end)


def find_section(text: str, names: Iterable[str], *, all_lines: list[Line] | None = None,
                 stops: Iterable[str] | None = None, after: int = 0) -> Section | None:
    """The first section (at or after offset `after`) whose heading is one of
    `names` (compared as heading_key does; a heading may also end with what
    follows a colon, which is then the start of the body: "Expedieras till:
    Socialnämnden"). Its body runs to the next known heading (SECTION_HEADINGS,
    or `stops`), or the text's end."""
    wanted = {heading_key(name) for name in names}
    stop_keys = SECTION_HEADINGS | {heading_key(name) for name in (stops or ())}
    all_lines = lines(text) if all_lines is None else all_lines
    first = line_at(all_lines, after) if after and all_lines else 0
    for index in range(first, len(all_lines)):
        line = all_lines[index]
        if line.end < after or line.blank:
            continue
        key = heading_key(line.text)
        body_start = None
        if key in wanted:
            body_start = line.end + 1 if line.end < len(text) else line.end
        elif ":" in line.text:
            head, _, rest = line.text.partition(":")
            if heading_key(head) in wanted and rest.strip():
                body_start = line.start + len(head) + 1
                while body_start < line.end and text[body_start] in " \t":
                    body_start += 1
        if body_start is None:
            continue
        end = len(text)
        for following in all_lines[index + 1:]:
            if not following.blank and _stops(following.text, stop_keys):
                end = following.start
                break
        return Section(heading=line.text.strip(), heading_start=line.start, start=min(body_start, end), end=end)
    return None


def _stops(line: str, stop_keys: frozenset[str]) -> bool:
    """Whether a line is a heading that ends a section: alone on its line, or
    before a colon and what it heads ("Beslutet skickas till: Socialnämnden")."""
    if heading_key(line) in stop_keys:
        return True
    head, colon, _ = line.partition(":")
    return bool(colon) and len(head) <= 60 and heading_key(head) in stop_keys


def paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The paragraphs (runs of non-blank lines) between start and end, as
    (start, end) offsets with the blanks at their ends left out."""
    out: list[tuple[int, int]] = []
    current: list[int] | None = None
    position = start
    for line in text[start:end].split("\n"):
        line_end = position + len(line)
        if line.strip():
            first = position + len(line) - len(line.lstrip())
            last = position + len(line.rstrip())
            if current is None:
                current = [first, last]
            else:
                current[1] = last
        elif current is not None:
            out.append((current[0], current[1]))
            current = None
        position = line_end + 1
    if current is not None:
        out.append((current[0], current[1]))
    return out
