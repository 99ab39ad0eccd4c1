"""The posting on the notice board (anslag) and the dispatch lists under the
paragraphs (recipients)."""

from __future__ import annotations

import re

from .. import dates
from ..text import collapse, is_known_heading
from .items import _SECTION_START
from .layout import _I, _Doc, _line_rx, _put, _rx
from .paragraphs import PARAGRAPH_HEADING

# The posting (anslag): its first and its last day.
POSTED_FROM = _rx(r"datum\s+för\s+anslags\s+uppsättande|anslags?datum|anslaget\s+(?:sätts\s+upp|sattes\s+upp|"
                  r"uppsatt|uppsätts|publicera[ts]|anslås|från)|(?:protokollet|tillkännagivandet|beviset)\s+"
                  r"(?:anslås|sätts\s+upp|publiceras)|uppsättande|datum\s+för\s+anslag(?!s\s+ned)|anslagsperiod|"
                  r"anslagstid|anslaget\s+under\s+tiden|anslaget(?=\s+(?:den\s+)?\d)|anslogs|(?:har\s+)?anslagits"
                  r"(?=\s+(?:den\s+)?\d)")
POSTED_TO = _rx(r"datum\s+för\s+anslags\s+nedtagande|nedtagande|anslaget\s+(?:tas\s+(?:ned|ner|bort)|nedtas|"
                r"nedtaget|togs\s+ned)|(?:och\s+)?tas\s+(?:ned|ner|bort)|t\.?\s?o\.?\s?m\.?|till\s+och\s+med")

# The dispatch lists under the paragraphs.
RECIPIENT_LABEL = _line_rx(r"^[ \t]*(?:beslutet\s+(?:ska\s+)?(?:skickas|sänds|expedieras|delges)(?:\s+till)?|"
                      r"expedieras(?:\s+till)?|expediering|exp(?:\.|edierat)?\s+till|sändlista|beslut\s+till|"
                      r"(?:protokolls)?utdrag\s+till|skickas\s+till|beslutet\s+delges|delges)"
                      r"(?![\wåäö])[ \t]*:?[ \t]*(?P<value>[^\n]*)$", re.MULTILINE)
_BULLET = re.compile(r"^[ \t]*(?:[-–—•·*▪]|\d{1,2}[.)])[ \t]+")
MAX_RECIPIENTS = 40


# --------------------------------------------------------------------------
# Posting, recipients.
# --------------------------------------------------------------------------

_POSTING_LINE = _rx(r"anslag|anslå|nedtag|uppsätt|tas\s+(?:ned|ner|bort)|sätts\s+upp|tillkännag")


def _read_posted(doc: _Doc) -> None:
    # The posting's lines: the labels are looked for from the first to the last.
    posting = [line for line in doc.lines if _POSTING_LINE.search(line.text)]
    if not posting:
        _put(doc.reading, "posted", None, 0.6)
        return
    low, high = posting[0].start, min(len(doc.text), posting[-1].end + 1)
    labels = []
    for rule, which in ((POSTED_FROM, "from"), (POSTED_TO, "to")):
        for match in rule.finditer(doc.text, low, high):
            line = doc.lines[doc.index_at(match.start())].text
            if which == "to" and not _POSTING_LINE.search(line):
                continue  # a "t.o.m." elsewhere is no posting
            labels.append((match.start(), match.end(), which))
    if not labels:
        _put(doc.reading, "posted", None, 0.6)
        return
    labels.sort()
    result: dict[str, str | None] = {"from": None, "to": None}
    spans: list[tuple[int, int]] = []
    window_start = labels[0][0]
    window_end = min(len(doc.text), labels[-1][1] + 250)
    found_dates = dates.find_dates(doc.text[window_start:window_end], year=doc.year)
    used: set[int] = set()
    for _start, end, which in labels:
        if result[which] is not None:
            continue
        for number, found in enumerate(found_dates):
            at = window_start + found.start
            if number in used or at < end:
                continue
            if at > end + 200:
                break
            used.add(number)
            result[which] = found.value.isoformat()
            spans.append((at, window_start + found.end))
            # "Anslagstid 2019-03-12 -- 2019-04-03": one label, both days.
            if which == "from" and result["to"] is None and number + 1 < len(found_dates):
                following = found_dates[number + 1]
                gap = doc.text[window_start + found.end:window_start + following.start]
                if re.fullmatch(r"\s*(?:[-–—]+|till|t\.?\s?o\.?\s?m\.?)\s*", gap, _I):
                    used.add(number + 1)
                    result["to"] = following.value.isoformat()
                    spans.append((window_start + following.start, window_start + following.end))
            break
    if result["from"] is None and result["to"] is None:
        _put(doc.reading, "posted", None, 0.5)
        return
    sure = 0.9 if result["from"] and result["to"] and result["from"] <= result["to"] else 0.6
    _put(doc.reading, "posted", result, sure, *spans)


def _recipient_lines(doc: _Doc, match: re.Match) -> list[tuple[int, str]]:
    """The lines of one dispatch list: after its label, to a blank line, a
    heading, a paragraph's heading or a page's header."""
    entries: list[tuple[int, str]] = []
    if match["value"].strip():
        entries.append((match.start("value"), match["value"]))
    index = doc.index_at(match.start())
    for follow in range(index + 1, min(len(doc.lines), index + MAX_RECIPIENTS)):
        line = doc.lines[follow]
        text = line.text.strip()
        if follow in doc.furniture or not text:
            if entries:
                break
            continue
        if (PARAGRAPH_HEADING.match(line.text) or RECIPIENT_LABEL.match(line.text) or _SECTION_START.match(text)
                or is_known_heading(text) or len(text) > 120 or (text.endswith(".") and len(text) > 60)
                or dates.parse_date(text)):
            break
        entries.append((line.start, line.text))
    return entries


def _read_recipients(doc: _Doc) -> None:
    recipients: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in RECIPIENT_LABEL.finditer(doc.text):
        for at, text in _recipient_lines(doc, match):
            bullet = _BULLET.match(text)
            base = bullet.end() if bullet else len(text) - len(text.lstrip())
            for part in re.finditer(r"[^,;\t]+", text[base:]):
                value = collapse(part.group()).strip(" .:")
                if not value or not re.search(r"[^\W\d_]", value):
                    continue
                if value not in recipients:
                    recipients.append(value)
                start = at + base + part.start() + len(part.group()) - len(part.group().lstrip())
                spans.append((start, start + len(part.group().strip())))
    if recipients:
        _put(doc.reading, "recipients", recipients, 0.8, *spans)
    else:
        _put(doc.reading, "recipients", [], 0.6)
