"""Which kind of document a text is (docs/READING.md, `kind`).

The kind is told by weighted signals, each a rule a person can read and
extend in SIGNALS below: a title line near the top ("Tjänsteskrivelse",
"Sammanträdesprotokoll", "Kallelse") weighs most; words of the head and
body ("Handläggare", "Beslutande", "Datum för anslags uppsättande") add
less. The frame of a meeting's record (attendance, adjusting, posting)
counts for minutes and, by half, for an excerpt, which keeps the first
page of the minutes often; its own title and its one paragraph tell it
apart. A few counted features that no single pattern tells (how many
paragraph headings the text has) are scored in _features. The kind with
the highest score wins; how sure the reader is follows from the margin
to the second best, and from how much evidence there was at all. Notes
and memos that name themselves ("Minnesanteckningar") score for `other`,
and so does a text that tells no kind at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OFFICER_REPORT = "officer_report"
NOTICE = "notice"
MINUTES = "minutes"
EXCERPT = "minutes_excerpt"
REMISS_ANSWER = "remiss_answer"
DECISION_LETTER = "decision_letter"
OTHER = "other"

# Where a signal is looked for:
#   TITLE  a heading line among the first TITLE_LINES non-blank lines, before
#          the first paragraph of running text (each column of a line laid
#          out in columns, of at most TITLE_WIDTH characters, not a numbered
#          line); one line tells one kind only (the first signal in table
#          order that matches it claims it)
#   HEAD   anywhere in the first HEAD_CHARS characters
#   BODY   anywhere in the text
TITLE, HEAD, BODY = "title", "head", "body"
# The frame of a meeting's record (attendance, adjusting, posting): minutes
# have it, and an excerpt often keeps its first page. It counts fully for
# minutes and by half for an excerpt, which its title and its one paragraph tell.
FRAME = "meeting frame"
TITLE_LINES = 14
TITLE_WIDTH = 90
HEAD_CHARS = 2500

# Below this score no kind is told: the text is `other`.
MIN_SCORE = 1.5


@dataclass(frozen=True)
class Signal:
    kind: str
    where: str
    weight: float
    pattern: re.Pattern
    note: str = ""


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)


# Word edges that know the Swedish letters (\b does, but a code like "KS"
# before a word must not glue to it).
_W = r"(?<![\wåäöÅÄÖ])"
_E = r"(?![\wåäöÅÄÖ])"

SIGNALS: tuple[Signal, ...] = (
    # --- Title lines (the most specific first: one line is claimed once) ---
    Signal(EXCERPT, TITLE, 6.0, _rx(_W + r"(?:justerat\s+)?protokollsutdrag" + _E), "Protokollsutdrag"),
    Signal(EXCERPT, TITLE, 6.0, _rx(_W + r"(?:bestyrkt\s+)?utdrag\s+(?:ur|från)\s+(?:\w+\s+)?protokoll"),
           "Utdrag ur protokoll"),
    Signal(EXCERPT, TITLE, 5.0, _rx(r"^\s*utdrag\s*$"), "Utdrag (alone)"),
    Signal(NOTICE, TITLE, 6.0, _rx(_W + r"kallelse\s+(?:till|och)\s+"), "Kallelse till sammanträde"),
    Signal(NOTICE, TITLE, 5.5, _rx(_W + r"(?:sammanträdes)?kallelse" + _E), "Kallelse"),
    Signal(NOTICE, TITLE, 5.5, _rx(_W + r"föredragningslista" + _E), "Föredragningslista"),
    Signal(NOTICE, TITLE, 5.0, _rx(r"^\s*(?:dagordning|ärendelista|kungörelse)" + _E), "Dagordning, Kungörelse"),
    Signal(MINUTES, TITLE, 6.0, _rx(_W + r"protokoll\s+fört\s+vid"), "Protokoll fört vid sammanträde"),
    Signal(MINUTES, TITLE, 5.5, _rx(_W + r"(?:sammanträdes|mötes|besluts|justerat\s+)?protokoll" + _E),
           "Protokoll, Sammanträdesprotokoll"),
    Signal(DECISION_LETTER, TITLE, 6.0, _rx(_W + r"(?:meddelande|underrättelse)\s+om\s+(?:\w+\s+)?beslut" + _E),
           "Meddelande/Underrättelse om beslut"),
    Signal(DECISION_LETTER, TITLE, 5.0, _rx(r"^\s*(?:delgivning|beslutsmeddelande|delegationsbeslut)" + _E),
           "Delgivning, Beslutsmeddelande"),
    Signal(DECISION_LETTER, TITLE, 4.5, _rx(r"^\s*beslut\s*(?:$|\d)"), "Beslut (alone, or with its date)"),
    Signal(REMISS_ANSWER, TITLE, 6.0, _rx(_W + r"(?:remissvar|remissyttrande|svar\s+på\s+remiss)" + _E), "Remissvar"),
    Signal(REMISS_ANSWER, TITLE, 4.0, _rx(r"^\s*yttrande\s+(?:över|avseende|angående|gällande|om|med\s+anledning)"
                                          + _E), "Yttrande över …"),
    Signal(REMISS_ANSWER, TITLE, 2.5, _rx(r"^\s*yttrande\s*$"), "Yttrande (alone)"),
    Signal(OFFICER_REPORT, TITLE, 6.0, _rx(_W + r"(?:tjänsteskrivelse|tjänsteutlåtande|tjänsteyttrande|"
                                           r"ärendeskrivelse|tjänsteanteckning)" + _E), "Tjänsteskrivelse"),
    Signal(OFFICER_REPORT, TITLE, 4.0, _rx(r"^\s*beslutsunderlag\s*$"), "Beslutsunderlag (as the title)"),
    # Documents of other kinds that name themselves: notes of a meeting, memos.
    Signal(OTHER, TITLE, 5.0, _rx(r"^\s*(?:minnesanteckning(?:ar)?|mötesanteckningar|anteckningar|promemoria|pm)" + _E),
           "Minnesanteckningar, Promemoria"),

    # --- The head: the document's own frame ---
    Signal(NOTICE, HEAD, 3.0, _rx(_W + r"kallas\s+(?:härmed\s+)?till\s+(?:\w+\s+)?sammanträde"),
           "… kallas till sammanträde"),
    Signal(NOTICE, HEAD, 1.0, _rx(r"^\s*(?:ärenden|ärendelista|dagordning)\s*:?\s*$"), "Ärenden (heading)"),
    Signal(FRAME, HEAD, 2.0, _rx(r"^\s*(?:beslutande|närvarande\s+ledamöter|beslutande\s+ledamöter)" + _E),
           "Beslutande, Närvarande ledamöter"),
    Signal(FRAME, HEAD, 1.5, _rx(r"^\s*(?:utses\s+att\s+justera|justeringens\s+(?:plats|tid))" + _E),
           "Utses att justera, Justeringens plats och tid"),
    Signal(FRAME, HEAD, 1.0, _rx(r"^\s*tjänstgörande\s+ersättare" + _E), "Tjänstgörande ersättare"),
    Signal(FRAME, HEAD, 1.0, _rx(_W + r"paragrafer\s*:?\s*(?:§§?\s*)?\d"), "Paragrafer 101–115"),
    Signal(OFFICER_REPORT, HEAD, 1.5, _rx(r"^[ \t]*(?:handläggare|ansvarig\s+tjänsteman|kontaktperson)"
                                          r"(?:[ \t]*:|\t|[ ]{2,}|[ \t]*$|[ \t]+[A-ZÅÄÖ])"), "Handläggare (a label)"),
    Signal(REMISS_ANSWER, HEAD, 1.5, _rx(_W + r"(?:er\s+(?:beteckning|referens)|ert\s+(?:dnr|diarienummer))" + _E),
           "Er beteckning, Ert dnr"),

    # --- The body ---
    Signal(NOTICE, BODY, 2.0, _rx(_W + r"(?:anmäl\w*\s+(?:\w+\s+){0,3}förhinder|förhinder\s+(?:\w+\s+){0,3}anmäl)"),
           "anmälan av förhinder"),
    Signal(FRAME, BODY, 2.0, _rx(_W + r"(?:datum\s+för\s+anslags|anslaget\s+(?:sätts\s+upp|tas\s+ned)|"
                                   r"protokollet\s+(?:är\s+justerat|anslås))"), "Anslag/bevis"),
    Signal(FRAME, BODY, 1.0, _rx(_W + r"förvaringsplats\s+för\s+protokollet" + _E), "Förvaringsplats"),
    Signal(OFFICER_REPORT, BODY, 1.5, _rx(r"^\s*förvaltningens\s+(?:yttrande|bedömning|förslag|synpunkter)" + _E),
           "Förvaltningens yttrande"),
    Signal(OFFICER_REPORT, BODY, 1.0, _rx(r"^\s*förslag\s+till\s+\w+\s+för\s+beslut"),
           "Förslag till kommunstyrelsen för beslut"),
    Signal(REMISS_ANSWER, BODY, 1.0, _rx(_W + r"(?:remiss(?:en)?\s+(?:av|från|om|gällande|angående)|"
                                         r"(?:har|getts|fått)\s+\w*\s*möjlighet\s+att\s+yttra)"),
           "remissen från …, möjlighet att yttra sig"),
    Signal(DECISION_LETTER, BODY, 1.0, _rx(_W + r"(?:hur\s+man\s+överklagar|överklagandet\s+ska\s+ha\s+kommit\s+in)"),
           "Hur man överklagar"),
)

# A paragraph heading: "§ 101", "KS § 101 Dnr …", "Ks §101" at a line's start,
# not followed by a lower-case word (a citation wrapped onto a new line); or
# a heading whose § sign the PDF text lost: "58      Dnr KUN 2019-00123".
_PARAGRAPH_HEADING = re.compile(
    r"^[ \t]*(?:(?:[A-ZÅÄÖ][A-Za-zÅÄÖåäö-]{0,7}[ \t]+)?§[ \t]*(\d{1,4})(?![\d–-])(?![ \t]+[a-zåäö])|"
    r"(\d{1,4})(?:[ ]*\t[ \t]*|[ ]{2,})(?i:dnr|diarienr|diarienummer)\b)", re.MULTILINE)
_OFFICER_PAIR = (_rx(r"^\s*ärendebeskrivning" + _E), _rx(r"^\s*förslag\s+till\s+beslut" + _E))
_UTDRAG = _rx(_W + r"utdrag(?!sbestyrk)")
_UTDRAGSBESTYRKANDE = _rx(_W + r"utdragsbestyrk")
_ATTENDANCE = _rx(r"^\s*(?:beslutande|närvarande|ledamöter)" + _E)


# "Paragrafer § 64", "Paragraf 64": the one paragraph the document holds.
_ONE_DECLARED = _rx(r"^[ \t]*paragrafe?r?[ \t]*:?[ \t]*(?:§[ \t]*)?\d{1,4}[ \t]*$")
_RANGE_DECLARED = _rx(r"^[ \t]*(?:paragrafer|§§)[ \t]*:?[ \t]*(?:§§?[ \t]*)?\d{1,4}[ \t]*[-–—][ \t]*\d{1,4}")


def _features(text: str, scores: dict[str, float]) -> None:
    """What no single pattern tells: how many paragraphs the text holds."""
    head = text[:HEAD_CHARS * 2]
    if _ONE_DECLARED.search(head):
        scores[EXCERPT] += 2.0
    elif _RANGE_DECLARED.search(head):
        scores[MINUTES] += 1.0
    paragraphs = {m.group(1) or m.group(2) for m in _PARAGRAPH_HEADING.finditer(text)}
    has_attendance = _ATTENDANCE.search(text[:HEAD_CHARS * 2]) is not None
    if len(paragraphs) >= 2:
        # Minutes hold several paragraphs; an excerpt holds one (rarely a few).
        scores[MINUTES] += 2.0 + min(len(paragraphs), 10) * 0.2
        if len(paragraphs) <= 3:
            scores[EXCERPT] += 1.0
    elif len(paragraphs) == 1:
        scores[EXCERPT] += 2.0
        scores[MINUTES] += 0.5
        if _UTDRAG.search(text):
            # "Utdrag", "Rätt utdraget intygar": minutes of one paragraph marked
            # as an excerpt outweigh the "Protokoll" in their page header.
            scores[EXCERPT] += 4.0
        elif _UTDRAGSBESTYRKANDE.search(text):
            scores[EXCERPT] += 1.5
        if not has_attendance:
            scores[EXCERPT] += 1.5
    if has_attendance and len(paragraphs) >= 2:
        scores[MINUTES] += 1.0
    # An officer's report: "Ärendebeskrivning" and "Förslag till beslut". They
    # are also the sub-headings of each paragraph in minutes, so they weigh
    # less where the text has paragraph headings.
    if all(rx.search(text) for rx in _OFFICER_PAIR):
        scores[OFFICER_REPORT] += 2.5 if not paragraphs else 1.0


# A line of prose: the head, where the title stands, has ended.
_PROSE = re.compile(r"(?:\S+ ){9,}\S")
# A numbered line ("1. Tjänsteskrivelse 2019-04-08" in a list of documents) is no title.
_NUMBERED = re.compile(r"^\d{1,3}[.)]?\s")


def _title_lines(text: str) -> list[tuple[int, str]]:
    """The first lines, up to the first line of prose: each cell of a line
    laid out in columns is a line of its own ("BORÅS STAD      PROTOKOLL")."""
    lines: list[tuple[int, str]] = []
    previous_prose = False
    for line in text[:HEAD_CHARS * 2].splitlines():
        line = line.strip()
        if not line:
            continue
        prose = bool(_PROSE.match(re.sub(r"\s+", " ", line))) and not re.search(r"\t|[ ]{3,}", line)
        if prose and (line.endswith(".") or previous_prose):
            break  # a paragraph of running text: the head is over
        previous_prose = prose
        lines.append((len(lines), line))
        if len(lines) >= TITLE_LINES:
            break
    out = []
    for index, line in lines:
        for cell in re.split(r"\t+|[ ]{3,}", line):
            if cell and len(cell) <= TITLE_WIDTH and not _NUMBERED.match(cell):
                out.append((index, cell))
    return out


def scores(text: str) -> dict[str, float]:
    """Each kind's score: the sum of the weights of its signals (each counted
    once, a title signal by its best line)."""
    text = text or ""
    result = {kind: 0.0 for kind in (OFFICER_REPORT, NOTICE, MINUTES, EXCERPT, REMISS_ANSWER, DECISION_LETTER, OTHER,
                                     FRAME)}
    titles: dict[str, float] = {}  # what each kind's title line added
    head = text[:HEAD_CHARS]
    claimed: set[tuple[int, str]] = set()
    lines = _title_lines(text)
    for signal in SIGNALS:
        if signal.where == TITLE:
            for index, line in lines:
                if (index, line) in claimed or not signal.pattern.search(line):
                    continue
                claimed.add((index, line))
                # The first lines weigh fully; a title further down less.
                added = signal.weight * (1.0 if index < 6 else 0.7)
                result[signal.kind] += added
                titles[signal.kind] = titles.get(signal.kind, 0.0) + added
                break
        elif signal.pattern.search(head if signal.where == HEAD else text):
            result[signal.kind] += signal.weight
    if EXCERPT in titles and MINUTES in titles:
        # "Utdrag ur protokoll" over "SAMMANTRÄDESPROTOKOLL": an excerpt of the minutes.
        result[MINUTES] -= titles[MINUTES]
    frame = result.pop(FRAME)
    result[MINUTES] += frame
    result[EXCERPT] += frame / 2
    _features(text, result)
    return result


def detect(text: str) -> tuple[str, float]:
    """The document's kind and how sure the reader is of it (0–1)."""
    ranked = sorted(scores(text).items(), key=lambda kv: kv[1], reverse=True)
    (best, first), (_, second) = ranked[0], ranked[1]
    if first < MIN_SCORE:
        # No kind is told: the text is something else, the surer the less it had.
        return OTHER, round(0.6 - first * 0.1, 2)
    margin = (first - second) / first
    strength = first / (first + 3.0)
    return best, round(max(0.05, min(0.99, 0.5 + 0.5 * margin * strength)), 2)
