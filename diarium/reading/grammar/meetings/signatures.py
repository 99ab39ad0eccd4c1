"""The signatures ("Underskrifter": titles and names), the chair and the
adjusters."""

from __future__ import annotations

import re

from .attendance import ATTENDANCE_LIST, CHAIR_ROLE, VICE, _distinct
from .layout import FURNITURE, HEAD_CHARS, NOTICE, _blank_out, _Doc, _line_rx, _put, _rx
from .names import _people, _Person, _whole_name
from .paragraphs import PARAGRAPH_HEADING

# Adjusters: "Utses att justera", "Justerare", "Justerande", and in the text
# of a paragraph "Anna Karlsson (S) utses att jämte ordföranden justera".
ADJUSTER_LABEL = _line_rx(r"^[ \t]*(?:utses\s+att\s+justera|(?:valda\s+)?justerare|justerande(?!s)|justeringspersone?r?|"
                     r"protokolls?justerare|att\s+justera|justeras\s+av|justeringsman)(?![\wåäö])"
                     r"(?![ \t]+sign)[ \t]*:?[ \t]*(?P<value>[^\n]*)$", re.MULTILINE)
_APPOINTED = r"(?:utses|utsågs|väljs|valdes|utser|utsåg)"
_WITH_CHAIR = r"(?:jämte|tillsammans\s+med|med)\s+ordförande\w*"
ADJUSTER_SENTENCES = tuple(_rx(pattern) for pattern in (
    # "Anna Karlsson (S) utses att jämte ordföranden justera protokollet."
    r"(?P<names>[^\n.:]{3,160}?)\s+" + _APPOINTED + r"\s+(?:till\s+justerare|att\s+(?:" + _WITH_CHAIR
    + r"\s+)?justera)",
    # "Nämnden utser Anna Karlsson (S) att jämte ordföranden justera protokollet."
    r"\butser\s+(?P<names>[^\n.:]{3,160}?)\s+(?:till\s+justerare|att\s+(?:" + _WITH_CHAIR + r"\s+)?justera)",
    # "Till justerare utses Anna Karlsson (S).", "Att jämte ordföranden justera protokollet utses Anna Karlsson."
    r"(?:till\s+(?:att\s+)?justera(?:re|nde)?|att\s+(?:" + _WITH_CHAIR + r"\s+)?justera\s+(?:dagens\s+)?"
    r"(?:protokoll(?:et)?)?)\s*" + _APPOINTED + r"\s*:?\s+(?P<names>[^\n.]{3,160})",
))

# The signatures: "Underskrifter", then titles and names.
SIGNATURE_HEADING = _line_rx(r"^[ \t]*(?:underskrifter|underskrift|signaturer|justeringens\s+underskrifter|"
                        r"rätt\s+utdraget\s+(?:intygar|betygar|bestyrker)|utdraget\s+bestyrks|"
                        r"(?P<titled>vid\s+protokollet|justeras|justerat))(?![\wåäö])"
                        r"[ \t]*:?[ \t]*(?P<rest>[^\n]*)$", re.MULTILINE)
# The titles a signature carries, as written.
SIGNATURE_TITLE = _rx(r"(?<![\wåäö])(?P<title>(?:(?:1:e|2:e|förste|andre)\s+)?vice\s+ordförande|ordförande|"
                      r"mötesordförande|sekreterare|nämndsekreterare|kommunsekreterare|protokollförare|"
                      r"mötessekreterare|justerare|justerande|justeringsperson|ordf\.|sekr\.)(?![\wåäö])")
# Words over a group of signatures that are no one's title: "Vid protokollet" (the
# secretary's), "Justeras" (the chair's and the adjusters').
SIGNATURE_MARKER = _rx(r"(?<![\wåäö])(?P<marker>vid\s+protokollet|justeras|justerat|rätt\s+utdraget\s+\w+)(?![\wåäö])")
# A signature's line without the block's heading: "Sekreterare …………… Paragrafer 23-25".
SIGNATURE_LINE = _rx(r"^[ \t]*(?:sekreterare|ordförande|justerare|justerande)[ \t]*[._…]{3,}", re.MULTILINE)
# What ends the signature block.
SIGNATURE_END = _rx(r"^(?:anslag|bevis|protokollet\s+är\s+justerat|justeringen\s+har|organ\b|sammanträdesdatum|"
                    r"datum\s+för|förvaringsplats|§|beslutande|närvarande|ledamöter|plats\s+och\s+tid)")
_PARAGRAPH_NOTE = _rx(r"(?:paragrafer|paragraf|§§?)\s*:?\s*\d{1,4}(?:\s*(?:[-–—]|t\.?\s?o\.?\s?m\.?|till)\s*\d{1,4})?")


# --------------------------------------------------------------------------
# Signatures, chair, adjusters.
# --------------------------------------------------------------------------

def _signature_block(doc: _Doc) -> list[tuple[int, str]] | None:
    """The lines of the "Underskrifter" block as (offset, text); without that
    heading, from the first "Sekreterare ……………" line."""
    match = SIGNATURE_HEADING.search(doc.text)
    if match is None:
        match = SIGNATURE_LINE.search(doc.text)
    if match is None:
        return None
    index = doc.index_at(match.start())
    if match.re is SIGNATURE_LINE or match["titled"]:  # "Vid protokollet", "Justeras": the heading is a title too
        block = [(doc.lines[index].start, doc.lines[index].text)]
    else:
        block = [(match.start("rest"), match["rest"])] if match["rest"].strip() else []
    for follow in range(index + 1, min(len(doc.lines), index + 40)):
        line = doc.lines[follow]
        stripped = line.text.strip()
        if not stripped:
            continue
        if SIGNATURE_END.match(stripped) or PARAGRAPH_HEADING.match(line.text) or ATTENDANCE_LIST.match(line.text):
            break
        if follow in doc.furniture:
            if FURNITURE.match(stripped):
                continue  # a signature's dotted line
            break  # a page's running header: the block is over
        block.append((line.start, line.text))
    return block


def _signature_elements(doc: _Doc, block):
    """Each line's titles, names and markers in order, as (kind, text, start, end)
    with kind "title", "name" or "marker"."""
    lines = []
    for at, text in block:
        text = _PARAGRAPH_NOTE.sub(_blank_out, text)
        text = re.sub(r"[._…_]{3,}", _blank_out, text)
        elements = [("marker", m["marker"], at + m.start(), at + m.end()) for m in SIGNATURE_MARKER.finditer(text)]
        text = SIGNATURE_MARKER.sub(lambda m: "," + " " * (len(m.group()) - 1), text)
        elements += [("title", m["title"], at + m.start(), at + m.end()) for m in SIGNATURE_TITLE.finditer(text)]
        masked = SIGNATURE_TITLE.sub(lambda m: "," + " " * (len(m.group()) - 1), text)
        elements += [("name", p.name, p.start, p.end) for p in _people(masked, at, doc.known_names)]
        elements.sort(key=lambda e: e[2])
        if elements:
            lines.append(elements)
        elif any(e[0] == "name" for line in lines for e in line):
            break  # a line of something else after the signatures: the block is over
    return lines


def _pair_signatures(lines) -> list[tuple[tuple, str | None, bool]]:
    """Each name with its title: (name element, title or None, whether it
    stands under "Justeras"). A line of titles over a line of as many names
    pairs them in order (and names over titles); on one line a title goes
    with the names after it when the line begins with a title, else with the
    name before it; a name left over takes the title above it when the block
    writes titles first (Formpipe), else the title right after it."""
    titled: dict[int, str] = {}
    adjusting: set[int] = set()
    flat = [e for line in lines for e in line]
    under_justeras = False
    for element in flat:
        if element[0] == "marker":
            under_justeras = element[1].casefold().startswith("juster")
        elif element[0] == "name" and under_justeras:
            adjusting.add(element[2])

    def kinds_of(line, kind):
        return [e for e in line if e[0] == kind]

    position = 0
    while position < len(lines):
        here = [e for e in lines[position] if e[0] != "marker"]
        below = [e for e in lines[position + 1] if e[0] != "marker"] if position + 1 < len(lines) else []
        titles, names = kinds_of(here, "title"), kinds_of(here, "name")
        titles_below, names_below = kinds_of(below, "title"), kinds_of(below, "name")
        if titles and not names and names_below and not titles_below and len(titles) == len(names_below):
            for title, name in zip(titles, names_below, strict=True):
                titled[name[2]] = title[1]
            position += 2
            continue
        if names and not titles and titles_below and not names_below and len(names) == len(titles_below):
            for name, title in zip(names, titles_below, strict=True):
                titled[name[2]] = title[1]
            position += 2
            continue
        if titles and names:
            if here[0][0] == "title":
                current = None
                for element in here:
                    if element[0] == "title":
                        current = element[1]
                    else:
                        titled[element[2]] = current
            else:
                for number, element in enumerate(here):
                    if element[0] == "name" and number + 1 < len(here) and here[number + 1][0] == "title":
                        titled[element[2]] = here[number + 1][1]
        position += 1
    titles_first = next((e[0] == "title" for e in flat if e[0] != "marker"), False)
    out = []
    current = None
    for number, element in enumerate(flat):
        if element[0] == "title":
            current = element[1]
        if element[0] != "name":
            continue
        title = titled.get(element[2])
        if title is None and element[2] not in titled:
            if titles_first:
                title = current
            elif number + 1 < len(flat) and flat[number + 1][0] == "title":
                title = flat[number + 1][1]
        out.append((element, title, element[2] in adjusting))
    return out


def _read_signatories(doc: _Doc):
    block = _signature_block(doc)
    lines = _signature_elements(doc, block) if block else []
    if not any(e[0] == "name" for line in lines for e in line):
        if doc.kind == NOTICE:
            return _notice_signatories(doc)
        return doc.reading.values.get("signatories") or None
    distinct, seen = [], set()
    for element, title, adjusting in _pair_signatures(lines):
        if element[1] not in seen:
            seen.add(element[1])
            distinct.append(({"name": element[1], "title": title}, (element[2], element[3]), adjusting))
    doc.adjusting_signatures = [s["name"] for s, _, adjusting in distinct if adjusting]
    _put(doc.reading, "signatories", [s for s, _, _ in distinct], 0.8, *[span for _, span, _ in distinct])
    return [s for s, _, _ in distinct]


def _title_line(text: str) -> bool:
    """A line that is a signature's title: "Ordförande", "Kommunfullmäktiges ordförande"."""
    return bool(SIGNATURE_TITLE.search(text)) and len(text.split()) <= 5 and not text.endswith(".")


def _notice_signatories(doc: _Doc):
    """A notice signed at its end: a name over its title ("Ordförande")."""
    tail = [i for i in range(max(0, len(doc.lines) - 30), len(doc.lines))
            if doc.stripped(i) and i not in doc.furniture]
    signatories, spans = [], []
    for position, index in enumerate(tail[:-1]):
        name_text, title_text = doc.stripped(index), doc.stripped(tail[position + 1])
        if _title_line(title_text) and _whole_name(name_text):
            at = doc.lines[index].start + doc.lines[index].text.find(name_text)
            person = _people(name_text, at)[0]
            signatories.append({"name": person.name, "title": title_text})
            spans.append((person.start, person.end))
    if signatories:
        _put(doc.reading, "signatories", signatories, 0.75, *spans)
        return signatories
    return doc.reading.values.get("signatories") or None


_CHAIR_LABEL = _rx(r"^[ \t]*(?:ordförande|mötesordförande|ordf\.)[ \t]*:?[ \t]+(?P<value>[^\n]+)$", re.MULTILINE)


def _read_chair(doc: _Doc, attendance, signatories) -> None:
    if doc.chair_in_attendance:
        name, span = doc.chair_in_attendance
        _put(doc.reading, "chair", name, 0.9, span)
    else:
        head_end = doc.lines[doc.body].start if doc.body < len(doc.lines) else len(doc.text)
        found = None
        for match in _CHAIR_LABEL.finditer(doc.text, 0, min(head_end, HEAD_CHARS * 2)):
            if re.match(r"[._…]{3,}", match["value"].strip()):
                continue
            named = _people(match["value"], match.start("value"), doc.known_names)
            if named:
                found = named[0]
                break
        signed = [s for s in signatories or []
                  if s.get("title") and CHAIR_ROLE.search(s["title"]) and not VICE.search(s["title"])]
        if found is not None:
            _put(doc.reading, "chair", found.name, 0.8, (found.start, found.end))
        elif signed:
            spans = doc.reading.spans.get("signatories") or []
            span = next((spans[i] for i, s in enumerate(signatories or []) if s is signed[0] and i < len(spans)), None)
            _put(doc.reading, "chair", signed[0]["name"], 0.75, *([span] if span else []))
        else:
            _put(doc.reading, "chair", None, 0.6 if doc.kind == NOTICE else 0.35)
    name = doc.reading.values.get("chair")
    if attendance is not None and name and name not in attendance["members"] \
            and name not in {s["name"] for s in attendance["substitutes"]}:
        attendance["others"] = [n for n in attendance["others"] if n != name]
        attendance["members"].insert(0, name)  # the chair is a member


def _names_in(value: str, at: int, known: set[str]) -> list[_Person]:
    """The people in a list: "Anna Karlsson (S) och Per Ek (M)"."""
    value = re.sub(r"\b(?:och|samt)\b|&", lambda m: "," + " " * (len(m.group()) - 1), value)
    return _people(value, at, known)


_ADJUSTING_WORD = _rx(r"\bjustera(?:re|nde)?\b")


def _read_adjusters(doc: _Doc, signatories) -> None:
    chair = doc.reading.values.get("chair")
    found: list[_Person] = []
    sure = 0.0
    for match in ADJUSTER_LABEL.finditer(doc.text):
        value, at = match["value"], match.start("value")
        index = doc.index_at(match.start())
        if not value.strip() and index + 1 < len(doc.lines):
            value, at = doc.lines[index + 1].text, doc.lines[index + 1].start
        value = re.split(r"(?i)\b(?:plats\s+och\s+tid|justeringens|tid\s+och\s+plats|ersättare)\b", value)[0]
        if re.match(r"\s*[._…]{3,}", value):
            continue  # a signature's line: read with the signatures
        named = _names_in(value, at, doc.known_names)
        found += named
        if named:
            sure = 0.9
    if not found:
        # In the text of a paragraph: "Anna Karlsson (S) utses att jämte ordföranden justera protokollet."
        for word in _ADJUSTING_WORD.finditer(doc.text):
            start = max(doc.text.rfind(".", 0, word.start()), doc.text.rfind("\n", 0, word.start())) + 1
            end_dot = doc.text.find(".", word.end())
            end_line = doc.text.find("\n", word.end())
            end = min(e for e in (end_dot, end_line, len(doc.text)) if e >= 0)
            sentence = doc.text[start:end]
            for pattern in ADJUSTER_SENTENCES:
                match = pattern.search(sentence)
                if match:
                    named = _names_in(match["names"], start + match.start("names"), doc.known_names)
                    found += named
                    if named:
                        sure = 0.75
                        break
            if found:
                break
    names = [person.name for person in found]
    spans = [(person.start, person.end) for person in found]
    for signatory in signatories or []:
        title = (signatory.get("title") or "").casefold()
        if title.startswith("juster") or (not title and signatory["name"] in doc.adjusting_signatures):
            names.append(signatory["name"])
            sure = max(sure, 0.8)
    result = [name for name in _distinct(names) if name != chair]
    if result:
        _put(doc.reading, "adjusters", result, sure, *spans)
    else:
        _put(doc.reading, "adjusters", [], 0.6 if doc.kind == NOTICE else 0.4)
