"""The paragraphs of minutes: their headings ("§ 101", "KS § 101 Dnr KS
2019/12"), the longest chain of them in the text's order, and the
paragraphs a document declares it holds ("Paragrafer 101–115")."""

from __future__ import annotations

import re

from .layout import NOTICE, _Doc, _Heading, _put, _rx

# --------------------------------------------------------------------------
# Paragraph headings of minutes: "§ 101", "KS § 101 Dnr KS 2019/12",
# "Ks §101 Val av justerare", "3. § 101 …" (an item number printed first).
# --------------------------------------------------------------------------

PARAGRAPH_HEADING = re.compile(r"""^[ \t]*
    (?:(?P<number>\d{1,3})[.)]?[ \t]+)?                                 # item number printed first
    (?:(?P<code>[A-ZÅÄÖ]{1,6}(?:[-/][A-ZÅÄÖ]{1,4})?|[A-ZÅÄÖ][a-zåäö]{1,2})[ \t]*)?  # organ code: KS, Ks, KSAU, BUN
    §[ \t]*(?P<paragraph>\d{1,4})(?!\d)
    (?![ \t]*(?:[-–—]|t\.?\s?o\.?\s?m|till)[ \t]*\d)                    # not a range "§ 1-12"
    (?P<rest>[^\n]*)$""", re.X | re.MULTILINE)
# A heading whose § sign the PDF text lost (a symbol font): "58      Dnr KUN 2019-00123",
# read only when the text has no heading with its sign.
LOST_SIGN_HEADING = re.compile(r"^[ \t]*(?P<paragraph>\d{1,4})(?:[ ]*\t[ \t]*|[ ]{2,})(?P<rest>(?i:dnr|diarienr|diarienummer)\b"
                               r"[^\n]*)$", re.MULTILINE)

# The rest of a heading line may start with these in lower case; other
# lower-case words make the line a citation wrapped onto a new line
# ("§ 180 e-strategi för …").
_HEADING_REST_LOWER_OK = _rx(r"^(?:dnr|diarienr|diarienummer|forts|ärende)\b")
# A continued paragraph's heading on a new page: "§ 101 (forts.)", "§ 101 forts".
_CONTINUED = _rx(r"^\s*\(?\s*forts")
# Words that end a line which continues onto the next: a citation wrapped
# so that its "§ 8" begins a line is no heading.
_CONTINUES = _rx(r"(?:,|\b(?:den|enligt|i|och|samt|till|se|från|vid|beslutade|kap\.?|paragraf|jämför|jfr|ur))$")
# An item number printed in the heading: "§ 101 Ärende 3", "§ 101 (punkt 3)".
_HEADING_ITEM_NUMBER = _rx(r"\(?\b(?:ärende|punkt|p\.)\s*(\d{1,3})\b\)?")
# The largest step between the numbers of two paragraphs in a row (secret
# paragraphs left out of a published copy make gaps).
MAX_PARAGRAPH_STEP = 12

# Paragraph ranges: "Paragrafer 101–115", "§§ 1-12", "Protokollet omfattar §§ 101-115".
PARAGRAPH_RANGE = _rx(r"(?:paragrafer|paragraf|§§|§)\s*:?\s*(?P<a>\d{1,4})(?:\s*(?:[-–—]+|t\.?\s?o\.?\s?m\.?|till)\s*"
                      r"(?:§\s*)?(?P<b>\d{1,4}))?(?![\d])")
# Where the paragraphs a document holds are declared: "Paragrafer 101–115" anywhere on a
# line (Formpipe puts it beside the secretary's signature), "Protokollet omfattar §§ …",
# "§§ 1-12" at a line's start.
PARAGRAPH_RANGE_LABEL = _rx(r"(?<![\wåäö])(?:paragrafer|paragraf(?=\s*:?\s*\d)|protokollet\s+omfattar|"
                            r"justerade\s+paragrafer)(?![\wåäö])|^[ \t]*§§")
MAX_RANGE = 400


# --------------------------------------------------------------------------
# Paragraph headings.
# --------------------------------------------------------------------------

def _previous_text(doc: _Doc, index: int) -> str:
    for back in range(index - 1, max(-1, index - 6), -1):
        if back in doc.furniture:
            continue
        text = doc.stripped(back)
        if text:
            return text
        return ""  # a blank line: the heading begins anew
    return ""


def _find_headings(doc: _Doc) -> None:
    candidates = _heading_candidates(doc, PARAGRAPH_HEADING)
    if not candidates and doc.kind != NOTICE:
        candidates = _heading_candidates(doc, LOST_SIGN_HEADING)
    doc.headings = _paragraph_chain(candidates)
    doc.body = doc.headings[0].line if doc.headings else len(doc.lines)


def _heading_candidates(doc: _Doc, rule: re.Pattern) -> list[_Heading]:
    candidates: list[_Heading] = []
    for match in rule.finditer(doc.text):
        rest = match["rest"].strip()
        if rest and rest[0].islower() and not _HEADING_REST_LOWER_OK.match(rest):
            continue  # "§ 180 e-strategi för …": a citation wrapped onto a new line
        index = doc.index_at(match.start())
        if _CONTINUES.search(_previous_text(doc, index)):
            continue
        number = match.groupdict().get("number") or None
        item = _HEADING_ITEM_NUMBER.search(rest)
        if number is None and item:
            number = item.group(1)
        candidates.append(_Heading(index, int(match["paragraph"]), number, match.start(), match.end(),
                                   continued=bool(_CONTINUED.match(rest)), rest_start=match.start("rest")))
        if len(candidates) > 2000:
            break
    return candidates


def _paragraph_chain(candidates: list[_Heading]) -> list[_Heading]:
    """The headings whose numbers run on in the text's order (a repeated
    number is a continued paragraph): the longest such chain. A stray "§ 8"
    at a line's start is left out."""
    if len(candidates) <= 1:
        return candidates
    count = len(candidates)
    best = [1] * count
    before = [-1] * count
    for i in range(count):
        low = max(0, i - 60)  # look back a bounded way: linear in long minutes
        for j in range(i - 1, low - 1, -1):
            step = candidates[i].paragraph - candidates[j].paragraph
            if 0 <= step <= MAX_PARAGRAPH_STEP and best[j] + 1 > best[i]:
                best[i], before[i] = best[j] + 1, j
    end = max(range(count), key=lambda k: (best[k], -k))
    chain = []
    while end != -1:
        chain.append(candidates[end])
        end = before[end]
    chain.reverse()
    # A repeated number in a row is the same paragraph, continued on a new page.
    seen: set[int] = set()
    for heading in chain:
        if heading.paragraph in seen:
            heading.continued = True
        seen.add(heading.paragraph)
    return chain


def _lead(text: str, start: int) -> int:
    count = 0
    while start + count < len(text) and text[start + count] in " \t":
        count += 1
    return count


# --------------------------------------------------------------------------
# Paragraphs.
# --------------------------------------------------------------------------

def _find_declared_paragraphs(doc: _Doc) -> None:
    """The paragraphs the head (or a "Paragrafer" line) says the document
    holds; a heading outside them is a citation and is left out."""
    for line in doc.lines:
        label = PARAGRAPH_RANGE_LABEL.search(line.text)
        if label is None:
            continue
        for match in PARAGRAPH_RANGE.finditer(line.text, label.start()):
            first = int(match["a"])
            last = int(match["b"]) if match["b"] else first
            if first > last or last - first > MAX_RANGE:
                continue
            doc.declared.update(range(first, last + 1))
            doc.declared_spans.append((line.start + match.start(), line.start + match.end()))
    headings = {h.paragraph for h in doc.headings}
    if doc.declared and headings and len(headings & doc.declared) >= len(headings) / 2:
        doc.headings = [h for h in doc.headings if h.paragraph in doc.declared]
        doc.body = doc.headings[0].line if doc.headings else len(doc.lines)


def _read_paragraphs(doc: _Doc) -> None:
    headings = {h.paragraph for h in doc.headings}
    numbers = doc.declared | headings
    spans = list(doc.declared_spans)
    for heading in doc.headings:
        if not heading.continued:
            spans.append((heading.start + _lead(doc.text, heading.start), heading.end))
    if not numbers:
        _put(doc.reading, "paragraphs", [], 0.3)
        return
    if doc.declared and headings:
        sure = 0.95 if headings <= doc.declared else 0.75
    else:
        sure = 0.8 if doc.declared or len(headings) > 1 else 0.7
    _put(doc.reading, "paragraphs", sorted(numbers), sure, *sorted(spans))
