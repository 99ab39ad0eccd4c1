"""Citations of earlier decisions: the organ, the meeting's date, the §.

Reports and minutes cite decisions in many ways:

    KF 2015-11-25 § 180
    Kommunfullmäktige antog den 25 november 2015, § 180 e-strategi …
    … antagen av kommunfullmäktige den 13 december 2017, § 251
    Kommunstyrelsens arbetsutskott beslutade den 25 april, § 53   (the year is the document's)
    … protokoll den 11 oktober 2011, 202                         (PDF text lost the § sign)
    (KS 2018-02-28 § 8, dnr KS 2018/12)                           (with the case's diary number)
    … beslut 2016-06-15 §§ 87–88                                  (one reference per §)

A citation is read from its § (or, where the sign was lost, from a date
followed by a comma and a number in a sentence that speaks of a decision or
minutes). Its date is the nearest date before the § in the same sentence (or
right after it), its organ the nearest organ named before it in the same
sentence (or after it in the sentence, or the document's organ when the
sentence names none). A § written after its number ("5 kap. 1 §") is a law's,
and a § that begins a line is the document's own paragraph: neither is a
citation. The same decision cited twice is one reference.
"""

from __future__ import annotations

import bisect
import re

from .dates import find_dates
from .diary import find_diary_numbers
from .organs import find_organs
from .shape import Found

# A paragraph citation: "§ 180", "§§ 87–88", "§§ 12, 14 och 15", "§180".
_PARAGRAPHS = re.compile(
    r"(?P<sign>§§?)[ \t]*(?P<list>\d{1,4}(?:[ \t]*(?:[-–—]|,|och|&|samt)[ \t]*\d{1,4}(?![\d.:/-]\d)){0,20})"
    r"(?![\d])")
# After a §: what makes it a law's paragraph ("§ 2 stycket", "§ 17 PBL").
_LAW_AFTER = re.compile(
    r"[ \t]*(?:st\b|st\.|stycket|p\b|p\.|punkt|kap\b|kap\.|[a-zåäö]*lag(?:en|s)?\b|[a-zåäö]*förordning(?:en)?\b|"
    r"(?:PBL|OSL|KL|FL|LOU|LOV|SoL|LSS|HSL|MB|TF|YGL|RF|BrB|AL|LAS|MBL|SFS)\b)")
# Before a §: a number ("6 kap. 36 §"), "kap." close by: a law's.
_LAW_BEFORE = re.compile(r"(?:(?<![\d.:/-])\d{1,3}[a-z]?|kap\.?)[ \t]*$")
# Words before a list of the document's own paragraphs (minutes, excerpts).
_OWN_PARAGRAPHS_BEFORE = re.compile(r"(?i)(?:paragrafer|paragraf|omfattar|justerade|justerad|justeras|"
                                    r"utdrag\s+ur|anslagna)[\s:]*$")
# Lost § sign: ", 202" right after a date (also ", 8 23", where OCR read the § as an 8).
_LOST_SIGN = re.compile(
    r",[ \t]*(?:[8S$][ \t]+(?=\d))?(?P<n>\d{1,3})(?![\d:/%-]|[.,]\d|[ \t]*(?:kr|kronor|tkr|mkr|mnkr|st\b|procent|%|år|dagar|veckor|månader|"
    r"timmar|personer|platser|miljoner|kvm|m2|ha))")
# A sentence that speaks of a decision, where a lost § is believable.
_DECISION_WORDS = re.compile(r"(?i)protokoll|beslut|beslöt|antog|antagen|antagits|fastställ|sammanträde|"
                             r"fattade|godkände|godkänd|§")
# Sentence ends: a full stop before a capital or a digit, a blank line, a
# bullet at a line's start.
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÅÄÖ0-9§\"”(])|\n[ \t]*\n|\n(?=[ \t]*[•▪●◦·*\-–])")
# "den" before a date, kept in the citation's text.
_DEN_BEFORE = re.compile(r"(?i)\bden[ \t]+$")
# A participle and "av" before the organ belong to the citation: "antagen av
# kommunfullmäktige den 13 december 2017, § 251", "fastställd i kommunstyrelsen …".
_PARTICIPLE_BEFORE = re.compile(
    r"(?i)(?<![\w-])(?:(?:antagen|antaget|antagna|antogs|beslutad|beslutat|beslutade|beslutades|fastställd|"
    r"fastställt|fastställda|fastställdes|godkänd|godkänt|godkända|godkändes|reviderad|reviderat|reviderade|"
    r"reviderades|upprättad|upprättat|valdes|valda|vald|utsedd|utsågs)[ ]+(?:av|i)|av|som)[ ]+$")
# Before a diary number: what joins it to the citation it follows ("§ 8, dnr KS 2018/12", "(dnr 1234/18)").
_DIARY_JOIN = re.compile(r"(?i)^[\s,;(]*(?:(?:dnr|diarienr|diarienummer|ärendenr|ärende)[.:]?\s*)?$")
# A line that begins with a field's label: a diary number on it is the document's own.
_FIELD_LINE = re.compile(r"(?i)[ \t]*(?:dnr|diarienr|diarienummer|ärendenr|vår referens|er referens|vår beteckning|"
                         r"er beteckning)\b")
# Words before an organ that make it the receiver, not the decider: "… överlämnade
# förslaget till kommunstyrelsen för beslut den 22 november 2018, § 167".
_RECEIVER_BEFORE = re.compile(r"(?i)(?<![\w-])(?:till|åt|hos)[ ]+$")
# How far (characters) a date, an organ or a diary number may stand from the § it belongs to.
# (A diary number further on in the sentence belongs to the citation when a "dnr" labels it.)
DATE_BEFORE, DATE_AFTER, ORGAN_AFTER, DIARY_AFTER, TEXT_ORGAN_BEFORE = 90, 30, 60, 80, 110
_DNR_BEFORE = re.compile(r"(?i)\b(?:dnr|diarienr|diarienummer|ärendenr)[.:]?\s*$")


def _sentences(text: str) -> list[int]:
    """The offsets where sentences begin."""
    starts = [0]
    for match in _SENTENCE_END.finditer(text):
        starts.append(match.end())
    return starts


def _sentence(starts: list[int], text_length: int, offset: int) -> tuple[int, int]:
    index = bisect.bisect_right(starts, offset) - 1
    end = starts[index + 1] if index + 1 < len(starts) else text_length
    return starts[index], end


def _numbers(listed: str) -> list[int]:
    """"87–88" → [87, 88]; "12, 14 och 15" → [12, 14, 15]."""
    out: list[int] = []
    tokens = re.findall(r"\d{1,4}|[-–—]", listed)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.isdigit():
            if index + 2 < len(tokens) and tokens[index + 1] in "-–—" and tokens[index + 2].isdigit():
                first, last = int(token), int(tokens[index + 2])
                if first <= last <= first + 60:
                    out.extend(range(first, last + 1))
                else:
                    out.extend((first, last))
                index += 3
                continue
            out.append(int(token))
        index += 1
    return out


def _anchors(text: str, dates: list[Found]) -> list[tuple[int, int, list[int]]]:
    """(start, end, paragraphs) of every citation's §, in order."""
    anchors: list[tuple[int, int, list[int]]] = []
    for match in _PARAGRAPHS.finditer(text):
        start = match.start()
        line_start = text.rfind("\n", 0, start) + 1
        if not text[line_start:start].strip():
            continue  # a § that begins a line: the document's own paragraph
        if _LAW_BEFORE.search(text, max(0, start - 12), start):
            continue
        if _OWN_PARAGRAPHS_BEFORE.search(text, max(line_start, start - 40), start):
            continue  # "Paragrafer §§ 101–115", "Protokollet omfattar §§ 145–151": the document's own
        if _LAW_AFTER.match(text, match.end()):
            continue
        numbers = _numbers(match["list"])
        if numbers:
            anchors.append((start, match.end(), numbers))
    date_starts = {date.start for date in dates}
    for date in dates:
        lost = _LOST_SIGN.match(text, date.end)
        if lost is None or lost.start("n") in date_starts:
            continue  # "den 29 januari, 26 februari": the next date of a list
        before = text[max(0, date.start - 100):date.start]
        if not _DECISION_WORDS.search(before) and not find_organs(text[max(0, date.start - 50):date.start]):
            continue  # neither a decision nor an organ spoken of: a number after a date
        anchors.append((lost.start("n"), lost.end("n"), [int(lost["n"])]))
    anchors.sort()
    return anchors


def _inside(found: list[Found], starts: list[int], offset: int) -> bool:
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and found[index].start <= offset < found[index].end


def find_reference_spans(text: str, *, year: int | None = None, organ: str | None = None
                         ) -> list[tuple[dict, tuple[int, int]]]:
    """Each reference with where its citation stands in the text."""
    if not text or ("§" not in text and "," not in text):
        return []
    dates = find_dates(text, year=year)
    anchors = _anchors(text, dates)
    if not anchors:
        return []
    diaries = find_diary_numbers(text)
    diary_starts = [d.start for d in diaries]
    organs = [o for o in find_organs(text) if not _inside(diaries, diary_starts, o.start)]
    organ_starts = [o.start for o in organs]
    date_starts = [d.start for d in dates]
    starts = _sentences(text)
    anchor_starts = [a[0] for a in anchors]
    out: list[tuple[dict, tuple[int, int]]] = []
    seen: dict[tuple, int] = {}
    for position, (start, end, numbers) in enumerate(anchors):
        sentence_start, sentence_end = _sentence(starts, len(text), start)
        previous_anchor_end = anchors[position - 1][1] if position else 0
        # The date: the nearest before the § in the sentence, not before the
        # previous citation; or one right after the §.
        date = None
        index = bisect.bisect_left(date_starts, start) - 1
        if index >= 0:
            candidate = dates[index]
            if candidate.end <= start and candidate.start >= max(sentence_start, previous_anchor_end,
                                                                 start - DATE_BEFORE):
                date = candidate
        if date is None:
            index = bisect.bisect_left(date_starts, end)
            if index < len(dates) and dates[index].start - end <= DATE_AFTER and dates[index].start < sentence_end \
                    and (position + 1 >= len(anchors) or dates[index].start < anchors[position + 1][0]):
                date = dates[index]
        # The organ: the nearest named before the § (before its date) in the
        # sentence; else the first after it in the sentence; else the document's.
        limit = date.start if date is not None and date.start < start else start
        organ_found = None
        index = bisect.bisect_left(organ_starts, limit) - 1
        while index >= 0 and organs[index].end > limit:
            index -= 1
        if index >= 0 and organs[index].start >= sentence_start:
            organ_found = organs[index]
            # A receiver ("till kommunstyrelsen") gives way to a decider named before it.
            if _RECEIVER_BEFORE.search(text, max(0, organ_found.start - 8), organ_found.start) \
                    and index > 0 and organs[index - 1].start >= sentence_start:
                organ_found = organs[index - 1]
        organ_after = None
        if organ_found is None:
            index = bisect.bisect_left(organ_starts, end)
            next_anchor = anchor_starts[position + 1] if position + 1 < len(anchors) else len(text)
            if index < len(organs) and organs[index].start < min(sentence_end, end + ORGAN_AFTER, next_anchor):
                organ_after = organs[index]
        if organ_found or organ_after:
            organ_name = (organ_found or organ_after).value
        else:
            organ_name = organ if date is not None else None  # the document's organ, for a dated citation
        # The case's diary number, when the citation gives it right after.
        # The case's diary number: one the sentence gives after the § and before
        # the next citation, unless it is a field of the document ("Diarienummer …").
        diary = None
        index = bisect.bisect_left(diary_starts, end)
        if index < len(diaries):
            item = diaries[index]
            next_anchor = anchor_starts[position + 1] if position + 1 < len(anchors) else len(text)
            line_start = text.rfind("\n", 0, item.start) + 1
            labelled = _DNR_BEFORE.search(text, max(0, item.start - 16), item.start)
            if item.start < min(sentence_end, next_anchor) and not _FIELD_LINE.match(text, line_start) \
                    and (labelled or item.start - end <= DIARY_AFTER):
                diary = item
        # The citation as written: from its organ (when close) or its date to its § or diary number.
        text_start = start
        if date is not None and date.start < start:
            text_start = date.start
            den = _DEN_BEFORE.search(text, max(0, text_start - 6), text_start)
            if den:
                text_start = den.start()
        if organ_found is not None and start - organ_found.start <= TEXT_ORGAN_BEFORE \
                and organ_found.start < text_start:
            text_start = organ_found.start
            participle = _PARTICIPLE_BEFORE.search(text, max(0, text_start - 24), text_start)
            if participle and participle.start() >= sentence_start:
                text_start = participle.start()
        text_end = end
        if date is not None and date.start > end:
            text_end = date.end
        if diary is not None and _DIARY_JOIN.match(text[text_end:diary.start]):
            text_end = max(text_end, diary.end)  # "§ 8, dnr KS 2018/12": written as one citation
        # "(KS 2018-02-28 § 8, dnr KS 2018/12)": a parenthesis opened in the citation closes in it
        if text.count("(", text_start, text_end) > text.count(")", text_start, text_end) \
                and text.startswith(")", text_end):
            text_end += 1
        if organ_name is None and date is None:
            continue  # a § with neither organ nor date in its sentence ("lokalstrateg, § 87") cites nothing known
        written = " ".join(text[text_start:text_end].split())
        iso = date.value.isoformat() if date is not None else None
        for number in numbers:
            key = (organ_name, iso, number)
            loose = (iso, number)
            if key in seen or (None, iso, number) in seen:
                continue
            if organ_name is None and any(k[1:] == loose for k in seen):
                continue
            seen[key] = len(out)
            out.append(({"organ": organ_name, "date": iso, "paragraph": number,
                         "diary_number": diary.value if diary is not None else None, "text": written},
                        (text_start, text_end)))
    return out


def find_references(text: str, *, year: int | None = None, organ: str | None = None) -> list[dict]:
    """Every earlier decision the text cites, in order, each once:
    {"organ", "date", "paragraph", "diary_number", "text"} (docs/READING.md).
    `year` completes a date written without one; `organ` is the organ of a
    citation whose sentence names none (the document's)."""
    return [reference for reference, _span in find_reference_spans(text, year=year, organ=organ)]
