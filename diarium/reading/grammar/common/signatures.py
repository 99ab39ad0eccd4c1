"""The signatories: the names, with their titles, at the document's end."""

from __future__ import annotations

import re
from collections import Counter

from ..people import clean_name, is_name, is_title, signature_lines, title_score
from ..shape import Reading
from ..text import Line, collapse, heading_key, is_known_heading
from .head import TAIL_LINES, _prose_line

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
