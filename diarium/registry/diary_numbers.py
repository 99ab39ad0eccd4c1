"""Diary numbers as people type them. A case's number is its year, its running
number and its series (or organ) code, written in many ways: Diarium's own
"2017.676 KS", and "2017/676", "KS 2017.676", "KS 2017/676", or the formats
other registers use ("KS-2014/742.912", "KS/2018:298 - 001", "2015/KS 0246 11",
"Dnr 2016KSM1221.042"). `parse` reads a text that is nothing but such a
number; `cases_numbered` finds the cases it names. Search and the case list
use them so that the case itself is found however its number is typed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Case, Document

# "KS 2018/12-3": a document's reference, the case's diary number and its number.
REFERENCE = re.compile(r"(.+)-(\d{1,9})")
# A diary number has at most a prefix word ("Dnr"), a code, a year, a running
# number and a suffix or two (a classification, a part): anything longer, or
# with other words in it, is a search for words.
_SHAPE = re.compile(r"\s*(?:(?:dnr|diarienr|diarienummer)\.?:?\s*)?([0-9A-Za-zÅÄÖåäö .:/\-–]{6,40})\s*",
                    re.IGNORECASE)
_TOKEN = re.compile(r"\d+|[A-Za-zÅÄÖåäö]+")
_DATE = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}\s*")  # 2018-09-24 is a day, not case 2018.9
_MAX_TOKENS = 6


@dataclass(frozen=True)
class DiaryNumber:
    year: int
    seq: int
    code: str = ""  # the series' or organ's code as typed, upper case; "" when none was


def parse(text: str) -> DiaryNumber | None:
    """The diary number `text` is, or None when it is something else: a year
    (1900-2099), a running number after it, and at most one code of letters."""
    match = _SHAPE.fullmatch(text or "")
    if match is None or _DATE.fullmatch(text):
        return None
    tokens = _TOKEN.findall(match[1])
    if not 2 <= len(tokens) <= _MAX_TOKENS:
        return None
    words = [t for t in tokens if not t.isdigit()]
    if len(words) > 1 or any(len(w) > 8 for w in words):
        return None
    numbers = [t for t in tokens if t.isdigit()]
    year_at = next((i for i, t in enumerate(numbers) if len(t) == 4 and 1900 <= int(t) <= 2099), None)
    if year_at is None or year_at + 1 >= len(numbers) or len(numbers[year_at + 1]) > 7:
        return None
    seq = int(numbers[year_at + 1])
    if seq == 0:
        return None
    return DiaryNumber(year=int(numbers[year_at]), seq=seq, code=words[0].upper() if words else "")


def numbered_q(number: DiaryNumber, prefix: str = "") -> Q:
    """The cases with this number: its year and running number, and, when a
    code was typed, a series or organ of that code."""
    q = Q(**{f"{prefix}year": number.year, f"{prefix}seq": number.seq})
    if number.code:
        q &= Q(**{f"{prefix}series__code__iexact": number.code}) | Q(**{f"{prefix}organ__code__iexact": number.code})
    return q


def cases_numbered(text: str) -> QuerySet[Case]:
    """The cases `text` names by diary number (none when it is not one). A case's
    register entry is a public record, so this needs no reader."""
    number = case_number(text)
    if number is None:
        return Case.objects.none()
    return Case.objects.filter(numbered_q(number))


def document_referenced(text: str) -> Document | None:
    """The document `text` is the reference of ("2017.676 KS-3"), if it exists:
    then the text names that document, not its case."""
    reference = REFERENCE.fullmatch((text or "").strip())
    if reference is None:
        return None
    return Document.objects.filter(case__diary_number__iexact=reference[1].strip(), number=int(reference[2])).first()


def case_number(text: str) -> DiaryNumber | None:
    """The case number `text` names: parse(), unless it is a document's reference."""
    number = parse(text)
    if number is None or document_referenced(text) is not None:
        return None
    return number
