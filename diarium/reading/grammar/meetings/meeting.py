"""The meeting: the organ that meets, its date, its place and its times."""

from __future__ import annotations

import re
from collections import Counter

from .. import dates, organs
from ..shape import Found
from ..text import collapse
from .layout import (
    _I,
    _ISO_DATE,
    HEAD_CHARS,
    NOTICE,
    _blank_out,
    _Doc,
    _line_rx,
    _put,
    _rx,
)

# --------------------------------------------------------------------------
# The meeting: organ, date, place and times.
# --------------------------------------------------------------------------

# The organ that meets, the surest rule first: (name, pattern with <organ>,
# confidence, where: HEAD the first page, ALL the whole text; the posting's
# "Organ" label may stand at the end).
HEAD, ALL = "head", "all"
ORGAN_RULES = (
    ("Protokoll fört vid sammanträde med …",
     _rx(r"(?:protokoll\s+(?:fört\s+)?(?:vid|från|över)|kallelse\s+till|utdrag\s+ur\s+protokoll(?:\s+fört)?\s+vid|"
         r"ledamöterna\s+kallas\s+till)\s+(?:\w+\s+)?sammanträde(?:t)?\s+(?:med|i|för)\s+(?P<organ>[^\n]{3,90})"), 0.95, HEAD),
    ("Organ (the posting's label)", _rx(r"^[ \t]*(?:organ|nämnd|instans)[ \t]*:?[ \t]+(?P<organ>[^\n]{3,90})$",
                                        re.MULTILINE), 0.95, ALL),
    ("… kallas till sammanträde",
     _rx(r"^[ \t]*(?:ledamöter(?:na)?\s+(?:och\s+ersättare\s+)?i\s+)?(?P<organ>[^\n]{3,70}?)\s+kallas\s+"
         r"(?:härmed\s+)?till", re.MULTILINE), 0.9, HEAD),
    ("vid Kommunstyrelsens sammanträde",
     _rx(r"(?:vid|från|över)\s+(?P<organ>[^\n]{3,70}?s)\s+sammanträde"), 0.9, HEAD),
    ("Kommunstyrelsen Sammanträdesprotokoll",
     _rx(r"^[ \t]*(?P<organ>[^\n]{3,70}?)[ \t]+(?:sammanträdesprotokoll|protokoll|kallelse|föredragningslista|"
         r"protokollsutdrag)\b[^\n]{0,80}$", re.MULTILINE), 0.85, HEAD),
    ("Sammanträdesprotokoll Kommunstyrelsen",
     _rx(r"^[ \t]*(?:sammanträdesprotokoll|protokoll|kallelse|föredragningslista|protokollsutdrag)[ \t]*:?[ \t]+"
         r"(?:för[ \t]+|från[ \t]+)?(?P<organ>[^\n]{3,90})$", re.MULTILINE), 0.85, HEAD),
    ("Sammanträdesdatum, then the organ and the date",
     _rx(r"^[ \t]*sammanträdesdatum[ \t]*:?[ \t]*\n[ \t]*(?P<organ>[^\n]{3,90})$", re.MULTILINE), 0.85, HEAD),
)
# Failing those: an organ's name alone on one of the first lines, or in a
# column of one (a letterhead "Kommunstyrelsen" over "Protokoll 2019-03-06",
# "Regionstyrelsen      Sammanträdesdatum").
FIRST_LINES = 12

# The meeting's date: a label, the surest first: (name, pattern, confidence,
# how many following lines the date may stand on).
DATE_RULES = (
    ("Sammanträdesdatum", _line_rx(r"(?:^|\t|[ ]{2,})[ \t]*(?:(?:sammanträdes|mötes)(?:datum|dag)\b|datum\s+för\s+sammanträdet\b|"
                                   r"(?:sammanträde|möte)(?=\s*:?\s*\d))[ \t]*:?", re.MULTILINE), 0.95, 2),
    ("Protokoll fört vid sammanträde … den …",
     _rx(r"(?:protokoll\s+(?:fört\s+)?(?:vid|från|över)|kallelse\s+till|utdrag\s+ur\s+protokoll)\b"
         r"[^\n]{0,100}?\bsammanträde"), 0.9, 0),
    ("Tid, Plats och tid, Datum och tid",
     _line_rx(r"^[ \t]*(?:tid\s+och\s+plats|plats\s+och\s+tid|datum\s+och\s+tid|dag\s+och\s+tid|tidpunkt|tid|"
         r"sammanträdestid|när)\b(?![ \t]+för)[ \t]*:?", re.MULTILINE), 0.9, 1),
    ("sammanträde den …", _rx(r"\b(?:sammanträde[st]?|mötet?)\s+(?:den|hålls|äger\s+rum|är)\b"), 0.8, 0),
    ("Protokoll 2019-03-05", _line_rx(r"^[ \t]*(?:sammanträdes)?(?:protokoll|kallelse|föredragningslista)\b",
                                 re.MULTILINE), 0.75, 2),
    ("Datum", _line_rx(r"^[ \t]*datum\b[ \t]*:?", re.MULTILINE), 0.7, 1),
)
# A line whose date is never the meeting's: the adjusting, the posting, a print date.
NOT_MEETING_DATE = _rx(r"justering|justerad|anslag|uppsättande|nedtagande|utskrift|expedier|skickad|publicer|"
                       r"utfärdad|underskrift|överklag|tas\s+ned|sätts\s+upp")

# Place and times: "Plats och tid: Sessionssalen, kl. 13.00–16.30",
# "Tid: 2019-03-05 kl. 13.00–16.30", "Lokal: Stora salen".
PLACE_TIME_LABEL = _line_rx(r"^[ \t]*(?P<label>plats\s+och\s+tid|tid\s+och\s+plats|sammanträdesplats|mötesplats|plats|"
                       r"lokal|datum\s+och\s+tid|dag\s+och\s+tid|tidpunkt|sammanträdestid|tid)\b"
                       r"(?![ \t]+(?:för|och\s+plats\s+för))[ \t]*:?[ \t]*(?P<value>[^\n]*)$", re.MULTILINE)
# Labels whose value is the place only.
PLACE_ONLY = ("plats", "lokal", "sammanträdesplats", "mötesplats")
_TIME = r"(?:[01]?\d|2[0-3])[.:][0-5]\d"
TIME = re.compile(r"(?<![\d.:,/-])(?:kl(?:ockan)?\.?[ \t]*)?(?P<t>" + _TIME + r")(?![\d]|[.:]\d)", _I)
TIME_RANGE = re.compile(r"(?<![\d.:,/-])(?:kl(?:ockan)?\.?[ \t]*)?(?P<a>" + _TIME + r")[ \t]*(?:[-–—]+|till)[ \t]*"
                        r"(?:kl(?:ockan)?\.?[ \t]*)?(?P<b>" + _TIME + r")(?![\d]|[.:]\d)", _I)
HOUR_ONLY = re.compile(r"\bkl(?:ockan)?\.?[ \t]*(?P<h>[01]?\d|2[0-3])(?![\d.:])", _I)
# Whole hours: "kl 9-12".
HOUR_RANGE = re.compile(r"\bkl(?:ockan)?\.?[ \t]*(?P<a>[01]?\d|2[0-3])[ \t]*[-–—][ \t]*(?P<b>[01]?\d|2[0-3])(?![\d.:])", _I)
# "Sammanträdet öppnas kl. 13.00", "Mötet avslutades kl 16.30".
OPENS = _rx(r"\b(?:sammanträdet|mötet)\s+(?:öppnas|öppnades|börjar|började|startar|startade)\s+(?:kl(?:ockan)?\.?\s*)?"
            r"(?P<t>" + _TIME + r")")
CLOSES = _rx(r"\b(?:sammanträdet|mötet)\s+(?:avslutas|avslutades|avslutat|slutar|slutade|avslutades\s+kl)\s+"
             r"(?:kl(?:ockan)?\.?\s*)?(?P<t>" + _TIME + r")")
# What is not the place in "Plats och tid": weekdays, "kl", "den", the dates and times.
_NOT_PLACE = _rx(r"\b(?:(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?|kl(?:ockan)?\.?|den|ajourner\w*|paus|"
                 r"uppehåll|sammanträdet\s+ajourneras)(?![\wåäö])")
# Labels whose value holds the place among the date and the times.
PLACE_AND_TIME = ("plats och tid", "tid och plats")


# --------------------------------------------------------------------------
# Organ, date, place and times.
# --------------------------------------------------------------------------

# A municipality's name before the organ's in a header: "Göteborgs Stad Stadsdelsnämnden …".
_ORGANISATION_FIRST = _rx(r"^[ \t]*(?:[\wåäö-]+[ \t]+(?:kommun|stad)|region[ \t]+[\wåäö-]+(?:[ \t]+[\wåäö-]+)?)[ \t,]+")
# Organs named by a district or an area after their head: "Stadsdelsnämnden Majorna-Linné",
# "Stadsdelsnämnden Norr", "Områdesnämnd Öster".
DISTRICT_ORGANS = _rx(r"(?:stadsdels|område(?:s)?|distrikts|kommundels|socken)nämnd(?:en)?$")
_DISTRICT_NAME = re.compile(r"[ \t]+(?P<name>[A-ZÅÄÖ][\wåäö]+(?:-[A-ZÅÄÖ][\wåäö]+)*)")


def _organ_in(text: str) -> tuple[str, int, int] | None:
    """The organ a captured text begins with (after a municipality's name):
    its full name and its span in the text."""
    skip = _ORGANISATION_FIRST.match(text)
    found = [f for f in organs.find_organs(text) if not skip or f.start >= skip.end()]
    lead = skip.end() if skip else len(text) - len(text.lstrip())
    if found and DISTRICT_ORGANS.search(found[0].value):
        district = _DISTRICT_NAME.match(text, found[0].end)
        if district and organs.organ_name(district["name"]) is None:
            value = f"{found[0].value} {district['name']}"
            found[0] = Found(found[0].start, district.end(), value, text[found[0].start:district.end()])
    if found and found[0].start <= lead + 12:
        return found[0].value, found[0].start, found[0].end
    cut = re.split(r"\s+(?:den\s+)?\d|\s+den\s|,|\s{3,}|\t", text.strip(), maxsplit=1)[0]
    name = organs.organ_name(cut)
    return (name, lead, lead + len(cut)) if name else None


def _read_organ(doc: _Doc) -> None:
    head = doc.text[:HEAD_CHARS]
    for _name, rule, sure, where in ORGAN_RULES:
        for match in rule.finditer(doc.text if where == ALL else head):
            found = _organ_in(match["organ"])
            if found:
                name, start, end = found
                at = match.start("organ")
                _put(doc.reading, "organ", name, sure, (at + start, at + end))
                return
    for line in doc.lines[:FIRST_LINES]:
        for cell in re.finditer(r"[^\t]+?(?=\t|[ ]{2,}|$)", line.text):
            text = _ISO_DATE.sub("", cell.group()).strip()
            name = organs.organ_name(text) if 3 <= len(text) <= 70 else None
            if name:
                at = line.start + cell.start() + cell.group().find(text)
                _put(doc.reading, "organ", name, 0.8, (at, at + len(text)))
                return
    # The organ named most often in the running headers, else the first one named in the head.
    header_organs: Counter[str] = Counter()
    first_span: dict[str, tuple[int, int]] = {}
    for index in sorted(doc.furniture):
        line = doc.lines[index]
        for found in organs.find_organs(line.text):
            header_organs[found.value] += 1
            first_span.setdefault(found.value, (line.start + found.start, line.start + found.end))
    if header_organs:
        name, _ = header_organs.most_common(1)[0]
        _put(doc.reading, "organ", name, 0.75, first_span[name])
        return
    found = organs.find_organs(doc.text[:800])
    if found:
        _put(doc.reading, "organ", found[0].value, 0.55, (found[0].start, found[0].end))
    elif doc.reading.values.get("organ"):
        doc.reading.confidence["organ"] = min(doc.reading.confidence.get("organ", 0.4), 0.4)
    else:
        _put(doc.reading, "organ", None, 0.3)


def _read_date(doc: _Doc) -> None:
    head = doc.text[:HEAD_CHARS]
    for name, rule, sure, following in DATE_RULES:
        for match in rule.finditer(head):
            found = _date_after(doc, match.end(), following)
            if found is None:
                continue
            date, start, end = found
            if name == "Datum" and doc.kind == NOTICE:
                sure = 0.55  # a notice's "Datum" is the day it was sent, more often than not
            _put(doc.reading, "date", date.isoformat(), sure, (start, end))
            return
    # The first date of the head that is not the adjusting's or the posting's.
    for found in dates.find_dates(head, year=doc.year):
        line = doc.lines[doc.index_at(found.start)].text
        if not NOT_MEETING_DATE.search(line):
            _put(doc.reading, "date", found.value.isoformat(), 0.5, (found.start, found.end))
            return
    if doc.reading.values.get("date"):
        doc.reading.confidence["date"] = min(doc.reading.confidence.get("date", 0.4), 0.4)


def _date_after(doc: _Doc, offset: int, following: int):
    """The first date from `offset` to the end of its line (or of `following`
    lines more), on a line that is not the adjusting's or the posting's."""
    index = doc.index_at(offset)
    last = min(len(doc.lines) - 1, index + following)
    end = doc.lines[last].end
    window = doc.text[offset:end]
    for found in dates.find_dates(window, year=doc.year):
        at = offset + found.start
        line = doc.lines[doc.index_at(at)].text
        if NOT_MEETING_DATE.search(line):
            continue
        return found.value, at, offset + found.end
    return None


def _hhmm(text: str) -> str:
    hours, minutes = re.split(r"[.:]", text)
    return f"{int(hours):02d}:{minutes}"


def _read_place_and_time(doc: _Doc) -> None:
    head = doc.text[:HEAD_CHARS]
    place = place_span = None
    start_time = end_time = None
    time_spans: list[tuple[int, int]] = []
    place_rank = 99
    for match in PLACE_TIME_LABEL.finditer(head):
        label = collapse(match["label"]).casefold()
        value, value_start = match["value"], match.start("value")
        if not value.strip():
            index = doc.index_at(match.start())
            if index + 1 < len(doc.lines):
                nxt = doc.lines[index + 1]
                if nxt.text.strip() and not PLACE_TIME_LABEL.match(nxt.text):
                    value, value_start = nxt.text, nxt.start
        if not value.strip():
            continue
        if start_time is None:
            ranges = list(TIME_RANGE.finditer(value))
            if ranges:
                # "kl. 18.00–19.15, ajournering 18.40–18.50", "13.00–14.30, 15.00–16.30":
                # the meeting starts with the first and ends with the latest.
                start_time = _hhmm(ranges[0]["a"])
                end_time = max(_hhmm(span["b"]) for span in ranges)
                time_spans += [(value_start + span.start(), value_start + span.end()) for span in ranges]
            elif HOUR_RANGE.search(value):
                hours = HOUR_RANGE.search(value)
                start_time, end_time = f"{int(hours['a']):02d}:00", f"{int(hours['b']):02d}:00"
                time_spans.append((value_start + hours.start(), value_start + hours.end()))
            else:
                single = TIME.search(value) or HOUR_ONLY.search(value)
                if single:
                    start_time = _hhmm(single["t"]) if "t" in single.groupdict() else f"{int(single['h']):02d}:00"
                    time_spans.append((value_start + single.start(), value_start + single.end()))
        rank = 0 if label in ("plats", "sammanträdesplats", "mötesplats") else 1 if label == "lokal" else 2
        if rank < place_rank and (label in PLACE_ONLY or label in PLACE_AND_TIME):
            candidate, start, end = _place_part(value)
            if candidate and len(candidate) <= 160:
                place, place_rank = candidate, rank
                place_span = (value_start + start, value_start + end)
    if start_time is None and doc.reading.spans.get("date"):
        # "… den 12 november 2020, kl. 10.00–12.00": the time beside the meeting's date.
        index = doc.index_at(doc.reading.spans["date"][0][0])
        low, high = doc.lines[index].start, doc.lines[min(index + 1, len(doc.lines) - 1)].end
        ranges = list(TIME_RANGE.finditer(doc.text, low, high))
        single = None if ranges else (TIME.search(doc.text, low, high) or HOUR_ONLY.search(doc.text, low, high))
        if ranges:
            start_time, end_time = _hhmm(ranges[0]["a"]), max(_hhmm(r["b"]) for r in ranges)
            time_spans += [(r.start(), r.end()) for r in ranges]
        elif single is not None and re.match(r"kl", single.group(), _I):
            start_time = _hhmm(single["t"]) if "t" in single.groupdict() else f"{int(single['h']):02d}:00"
            time_spans.append((single.start(), single.end()))
    body = doc.text
    if start_time is None:
        opens = OPENS.search(body)
        if opens:
            start_time = _hhmm(opens["t"])
            time_spans.append((opens.start("t"), opens.end("t")))
    closes = None
    for closes in CLOSES.finditer(body):  # noqa: B007 - the last one: the meeting may be adjourned
        continue
    if closes is not None and (end_time is None or start_time is None or _hhmm(closes["t"]) > end_time):
        end_time = _hhmm(closes["t"])
        time_spans.append((closes.start("t"), closes.end("t")))
    if end_time is not None and start_time is not None and end_time <= start_time:
        end_time = None
    doc.reading.extra["place"] = place
    doc.reading.extra["start_time"] = start_time
    doc.reading.extra["end_time"] = end_time
    doc.reading.spans.pop("place", None)
    doc.reading.spans.pop("time", None)
    if place_span and place_span[0] < place_span[1]:
        doc.reading.mark("place", place_span)
    if time_spans:
        doc.reading.mark("time", *time_spans)


def _place_part(value: str) -> tuple[str, int, int]:
    """The place in "Sessionssalen, Kommunhuset, 2019-03-06 kl. 13.00–16.30"
    (dates, times, weekdays and "kl" taken out), and its span in the value."""
    cut = value
    for found in dates.find_dates(cut):
        cut = cut[:found.start] + " " * (found.end - found.start) + cut[found.end:]
    for rule in (TIME_RANGE, TIME, HOUR_RANGE, HOUR_ONLY, _NOT_PLACE):
        cut = rule.sub(_blank_out, cut)
    parts = []
    for part in re.finditer(r"[^,;]+", cut):
        text = part.group()
        stripped = text.strip(" \t.–-")
        if stripped and re.search(r"[^\W\d_]{2}", stripped):
            start = part.start() + text.index(stripped)
            parts.append((start, start + len(stripped)))
    if not parts:
        return "", 0, 0
    return ", ".join(collapse(value[a:b]) for a, b in parts), parts[0][0], parts[-1][1]
