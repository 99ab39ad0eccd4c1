"""The masking assistant's detector: what in a free text identifies a private
person or reveals a sensitive matter (issue 18, "Privacy by default").

`Scanner(...).scan(text)` returns the hits, sorted and non-overlapping;
`redact(text, hits)` replaces them by a neutral Swedish wording. The detector
only finds: what is proposed, withheld or published is decided by the services
and each app's access.py.

Kinds, from the most to the least specific (where two hits overlap, the more
specific kind wins, then the longer hit):
  pnr           a personal identity or coordination number with a valid check digit
  email         an e-mail address
  phone         a Swedish phone number
  pnr_possible  the shape of one, with a real date but a wrong check digit
  address       a street address with a house number (and postcode), or a postcode and town
  name          a private person's name
  sensitive     a word revealing health, social-services or criminal matters
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.translation import gettext, gettext_noop

from . import contact, identity, names
from .sensitive import SensitiveWords
from .words import Words, phrase_index, shipped

KINDS = ("pnr", "pnr_possible", "phone", "email", "address", "name", "sensitive")

LABELS: dict[str, str] = {
    "pnr": gettext_noop("[personnummer]"),
    "pnr_possible": gettext_noop("[personnummer]"),
    "phone": gettext_noop("[telefonnummer]"),
    "email": gettext_noop("[e-postadress]"),
    "address": gettext_noop("[adress]"),
    "name": gettext_noop("[namn]"),
    "sensitive": gettext_noop("[känslig uppgift]"),
}

# Which kind wins where two hits overlap (lower wins).
_RANK = {"pnr": 0, "email": 1, "phone": 2, "pnr_possible": 3, "address": 4, "name": 5, "sensitive": 6}
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # one of KINDS
    start: int  # offsets into the scanned text, end exclusive
    end: int
    text: str  # text[start:end]


class Scanner:
    """A detector set up for one organisation.

    known_names: full names of private persons the organisation has registered;
        always found as "name", whatever their case, as whole words.
    allowed: names that are never "name" hits (staff, organs, organisations
        named after a person), as whole phrases, whatever their case.
    sensitive_words: None for the shipped list and
        settings.DIARIUM_PRIVACY_SENSITIVE_WORDS; else exactly these entries.
    """

    def __init__(self, *, known_names: Iterable[str] = (), allowed: Iterable[str] = (),
                 sensitive_words: Iterable[str] | None = None) -> None:
        # The same names as the last Scanner's (an organisation's next registration) reuse its indexes.
        self._known = phrase_index(known_names)
        self._allowed = phrase_index(allowed)
        if sensitive_words is None:
            sensitive_words = (*shipped("sensitive_words.txt"),
                               *getattr(settings, "DIARIUM_PRIVACY_SENSITIVE_WORDS", ()))
        self._sensitive = SensitiveWords(sensitive_words)
        self._first_names = names.first_names()
        self._surnames = names.surnames()

    def scan(self, text: str) -> list[Hit]:
        """Every hit in `text`, sorted by start, none overlapping another."""
        if not text:
            return []
        found: list[tuple[int, int, str]] = []
        has_digit = _DIGIT.search(text) is not None
        if has_digit:
            found.extend(identity.find(text))
            found.extend((start, end, "phone") for start, end in contact.phones(text))
        if "@" in text:
            found.extend((start, end, "email") for start, end in contact.emails(text))
        words = Words.of(text)
        if has_digit:
            found.extend((start, end, "address") for start, end in contact.addresses(words, self._first_names))
        if not text.islower():  # names from the lists are capitalised
            allowed = self._allowed.find(words) if self._allowed else ()
            for start, end in names.find(words, firsts=self._first_names, lasts=self._surnames):
                if not any(a_start <= start and end <= a_end for a_start, a_end in allowed):
                    found.append((start, end, "name"))
        if self._known:
            found.extend((start, end, "name") for start, end in self._known.find(words))
        found.extend((start, end, "sensitive") for start, end in self._sensitive.find(words))
        return [Hit(kind, start, end, text[start:end]) for start, end, kind in _resolve(found)]


def _resolve(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping hits: within each group of overlapping candidates, the
    most specific kind wins, then the longest."""
    if len(found) < 2:
        return found
    found.sort()
    result: list[tuple[int, int, str]] = []
    group: list[tuple[int, int, str]] = []
    group_end = -1
    for candidate in found:
        if group and candidate[0] >= group_end:
            result.extend(_choose(group))
            group = []
        group.append(candidate)
        group_end = max(group_end, candidate[1]) if len(group) > 1 else candidate[1]
    result.extend(_choose(group))
    result.sort()
    return result


def _choose(group: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    if len(group) == 1:
        return group
    chosen: list[tuple[int, int, str]] = []
    for candidate in sorted(group, key=lambda hit: (_RANK[hit[2]], hit[0] - hit[1], hit[0])):
        if all(candidate[1] <= other[0] or other[1] <= candidate[0] for other in chosen):
            chosen.append(candidate)
    return chosen


_default: Scanner | None = None


def default_scanner() -> Scanner:
    """The Scanner with the shipped lists and the installation's sensitive
    words, built once; nothing of any organisation's is in it."""
    global _default
    if _default is None:
        _default = Scanner()
    return _default


def _forget_default(*, setting: str, **kwargs) -> None:
    global _default
    if setting == "DIARIUM_PRIVACY_SENSITIVE_WORDS":
        _default = None


setting_changed.connect(_forget_default, dispatch_uid="diarium.core.privacy.detect")


def scan(text: str) -> list[Hit]:
    """The hits of the default Scanner (no organisation's names)."""
    return default_scanner().scan(text)


def _span(hit) -> tuple[int, int, str]:
    if isinstance(hit, dict):
        return int(hit["start"]), int(hit["end"]), str(hit["kind"])
    return int(hit.start), int(hit.end), str(hit.kind)


def redact(text: str, hits) -> str:
    """`text` with each hit's span replaced by its kind's neutral wording
    ("[personnummer]"). Hits may come in any order, as Hit objects, any
    objects with start, end and kind, or dicts with those keys; overlapping
    spans become one, worded after the most specific kind among them. Spans
    outside the text are cut to it."""
    spans = []
    for hit in hits:
        start, end, kind = _span(hit)
        if kind not in LABELS:
            raise ValueError(f"Unknown kind of hit: {kind!r}")
        start, end = max(0, start), min(len(text), end)
        if start < end:
            spans.append((start, end, kind))
    if not spans:
        return text
    spans.sort()
    merged: list[list] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if _RANK[kind] < _RANK[last[2]]:
                last[2] = kind
        else:
            merged.append([start, end, kind])
    labels = {kind: gettext(label) for kind, label in LABELS.items()}
    parts = []
    position = 0
    for start, end, kind in merged:
        parts.append(text[position:start])
        parts.append(labels[kind])
        position = end
    parts.append(text[position:])
    return "".join(parts)
