"""The small interface every search engine implements, and what they share.

An engine keeps a searchable copy of the SearchRecord rows (dicts with the
model's fields) and answers a ParsedQuery for an Audience with filters. The
audience condition (access.py) and the filters go into the engine's own query,
so totals, facets and snippets never count or show a variant the reader may
not match. Snippets are HTML built here from plain text and match positions:
every piece of text is escaped and only <mark> is added, so they are safe to
mark_safe.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape

from ..access import Audience
from ..query import ParsedQuery

SNIPPET_CHARS = 200
FACETS = ("kind", "organ", "year", "status")
# Fields a record dict carries to an engine (SearchRecord's, without the database id).
RECORD_FIELDS = ("uid", "key", "kind", "object_id", "tier_public", "tier_internal", "tier_secret",
                 "organisation_id", "organ_id", "organ_label", "date", "year", "status", "diary_number", "title",
                 "body", "file_text", "url")


class EngineUnavailable(Exception):
    """The engine cannot answer now (no index yet, or it cannot be read): use the fallback."""


class EngineBusy(Exception):
    """Another process holds the index's single writer: try again later."""


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    organisation_id: int | None = None  # an organisation's own site searches only its records
    organ_id: int | None = None
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str | None = None


@dataclass
class EngineHit:
    uid: str
    key: str
    kind: str
    title: str
    url: str
    date: dt.date | None
    organ_id: int | None
    organ_label: str
    diary_number: str
    status: str
    score: float | None
    snippet_html: str  # escaped text with <mark> around matches
    title_html: str


@dataclass
class EngineResult:
    total: int
    hits: list[EngineHit]
    # kind/status: [(str, count)], organ/year: [(int, count)]; most frequent first.
    facets: dict[str, list[tuple]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    # An engine may stop counting: then more than `total` records match.
    total_is_lower_bound: bool = False
    # An engine may count the facets (and rank) among the first matches it
    # found only: then how many, and the facet counts are lower bounds.
    facets_within: int | None = None


Progress = Callable[[int], None]


class Engine(ABC):
    name: str = ""

    @abstractmethod
    def ready(self) -> bool:
        """Whether the engine holds a complete index it can answer from."""

    @abstractmethod
    def rebuild(self, records: Iterable[dict], progress: Progress | None = None) -> int:
        """Replace the whole index with `records`; returns how many were added."""

    @abstractmethod
    def replace(self, keys: Iterable[str], records: Sequence[dict]) -> None:
        """Remove every variant of the records `keys` and add `records` (their
        current variants), at once. Raises EngineUnavailable when there is no
        index to change (the projection keeps the change; a build includes it)
        and EngineBusy when another process writes."""

    def upsert(self, records: Sequence[dict]) -> None:
        self.replace({r["key"] for r in records}, records)

    def delete(self, keys: Iterable[str]) -> None:
        self.replace(keys, [])

    @abstractmethod
    def search(self, query: ParsedQuery, audience: Audience, filters: Filters, sort: str, offset: int,
               limit: int) -> EngineResult:
        """One page of hits with the total and the facet counts."""

    @abstractmethod
    def status(self) -> dict:
        """{"engine", "ready", "documents", ...} for health pages."""


# --- snippets --------------------------------------------------------------------------------------
def marked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` escaped, with <mark> around the (start, end) character spans."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last or end <= start:
            continue
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


def word_pattern(words: Sequence[str]) -> re.Pattern | None:
    """Words beginning with any of `words` (a match of a stemmed or prefix term
    starts with the word typed), for highlighting in plain text."""
    stems = sorted({w for w in words if w}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(w) for w in stems) + r")[^\W_]*", re.IGNORECASE)


def window(text: str, pattern: re.Pattern | None, size: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A piece of `text` of about `size` characters around the first match (the
    start when nothing matches), cut at blanks, with the matches in it."""
    text = " ".join(text.split())
    match = pattern.search(text) if pattern is not None else None
    start = 0
    if match and match.start() > size // 3:
        start = text.rfind(" ", 0, match.start() - size // 3) + 1
    end = len(text) if len(text) - start <= size else max(text.rfind(" ", start, start + size), start + size // 2)
    piece = text[start:end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    spans = [(m.start() + len(prefix), m.end() + len(prefix)) for m in pattern.finditer(piece)] if pattern else []
    return prefix + piece + suffix, spans


def plain_snippet(texts: Sequence[str], words: Sequence[str]) -> str:
    """HTML of the first of `texts` holding a word (else the first non-empty), escaped."""
    pattern = word_pattern(words)
    candidates = [t for t in texts if t]
    if not candidates:
        return ""
    chosen = next((t for t in candidates if pattern is not None and pattern.search(t)), candidates[0])
    piece, spans = window(chosen, pattern)
    return marked(piece, spans)
