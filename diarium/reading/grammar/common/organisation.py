"""The organisation whose document it is, and the organ it is for."""

from __future__ import annotations

import re
from collections import Counter

from ..organs import code_name, find_organs, organ_name
from ..shape import Found, Reading
from ..text import Line, collapse
from .date import _DECIDED_BY
from .head import _ADDRESSED, LETTERHEAD_CELLS, Head

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


# --- the organ ----------------------------------------------------------------

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
