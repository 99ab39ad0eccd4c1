"""The fallback: answers straight from the SearchRecord table, on SQLite and
PostgreSQL alike, while the tantivy index is missing or unreadable.

Matching is simple (each word or phrase as a case-insensitive substring of
the title, diary number, organ, body or file text: "plan" also finds
"handlingsplanen"), newest first, with the same audience condition and
filters as the engines (shared with the PostgreSQL engine here), so it is
slower and rougher but never shows more.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence

from django.db.models import Count, F, Func, Q, QuerySet, TextField

from ..access import Audience
from ..models import SearchRecord
from ..query import Clause, ParsedQuery
from .base import (
    Engine,
    EngineHit,
    EngineResult,
    Filters,
    Progress,
    marked,
    plain_snippet,
    word_pattern,
)

MATCHED_FIELDS = ("title", "diary_number", "organ_label", "body", "file_text")
HIT_FIELDS = ("uid", "key", "kind", "title", "url", "date", "organ_id", "organ_label", "diary_number", "status",
              "body", "file_text")


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


class Lower(Func):
    """Lower case, Swedish letters too: SQLite's own lower() folds only ASCII,
    so there Python's str.lower is registered on the connection."""

    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("diarium_search_lower", 1, _lower, deterministic=True)
        return self.as_sql(compiler, connection, function="diarium_search_lower", **extra_context)


def _any(parts: Iterable[Q]) -> Q | None:
    parts = list(parts)
    return functools.reduce(operator.or_, parts) if parts else None


def _place(organisations: frozenset[int], organs: frozenset[int]) -> Q | None:
    return _any(([Q(organisation_id__in=sorted(organisations))] if organisations else [])
                + ([Q(organ_id__in=sorted(organs))] if organs else []))


def audience_q(audience: Audience) -> Q:
    """The eligibility condition of access.py on SearchRecord rows."""
    if audience.superuser:
        return Q(tier_secret=True)
    secret = _place(audience.secret_organisations, audience.secret_organs)
    internal = _place(audience.internal_organisations, audience.internal_organs)
    branches = [Q(tier_public=True) & ~internal if internal is not None else Q(tier_public=True)]
    if secret is not None:
        branches.append(Q(tier_secret=True) & secret)
    if internal is not None:
        branches.append(Q(tier_internal=True) & internal & ~secret if secret is not None
                        else Q(tier_internal=True) & internal)
    return _any(branches)


def filters_q(filters: Filters) -> Q:
    q = Q()
    if filters.kind:
        q &= Q(kind=filters.kind)
    if filters.organisation_id is not None:
        q &= Q(organisation_id=filters.organisation_id)
    if filters.organ_id is not None:
        q &= Q(organ_id=filters.organ_id)
    if filters.year is not None:
        q &= Q(year=filters.year)
    if filters.status:
        q &= Q(status=filters.status)
    if filters.date_from:
        q &= Q(date__gte=filters.date_from)
    if filters.date_to:
        q &= Q(date__lte=filters.date_to)
    return q


def visible(audience: Audience, filters: Filters) -> QuerySet[SearchRecord]:
    return SearchRecord.objects.filter(audience_q(audience), filters_q(filters))


def facet_counts(qs: QuerySet[SearchRecord]) -> dict[str, list[tuple]]:
    """Counts per kind, organ, year and status over the (already filtered) rows."""
    facets = {}
    for name, column in (("kind", "kind"), ("organ", "organ_id"), ("year", "year"), ("status", "status")):
        rows = qs.order_by().values(column).annotate(n=Count("id")).values_list(column, "n")
        values = [(value, n) for value, n in rows if value not in (None, "")]
        facets[name] = sorted(values, key=lambda vc: (-vc[1], str(vc[0])))
    return facets


def hit_from_row(r: dict, words: Sequence[str]) -> EngineHit:
    """A hit from a projection row (HIT_FIELDS), its words marked."""
    pattern = word_pattern(words)
    return EngineHit(
        uid=r["uid"], key=r["key"], kind=r["kind"], title=r["title"], url=r["url"], date=r["date"],
        organ_id=r["organ_id"], organ_label=r["organ_label"], diary_number=r["diary_number"],
        status=r["status"], score=None, snippet_html=plain_snippet([r["body"], r["file_text"]], words),
        title_html=marked(r["title"], [(m.start(), m.end()) for m in pattern.finditer(r["title"])]
                          if pattern else []),
    )


def _needle(clause: Clause) -> str:
    return clause.words[0] if len(clause.words) == 1 else clause.text.lower()


class DatabaseEngine(Engine):
    name = "database"

    def ready(self) -> bool:
        return True

    def rebuild(self, records: Iterable[dict], progress: Progress | None = None) -> int:
        for _row in records:  # the table is the index: its producer writes the rows
            pass
        return SearchRecord.objects.count()

    def replace(self, keys: Iterable[str], records: Sequence[dict]) -> None:
        return None  # the table is the index

    def status(self) -> dict:
        return {"engine": self.name, "ready": True, "documents": SearchRecord.objects.count()}

    def search(self, query: ParsedQuery, audience: Audience, filters: Filters, sort: str, offset: int,
               limit: int) -> EngineResult:
        if query.is_empty:
            return EngineResult(total=0, hits=[])
        qs = visible(audience, filters).alias(**{f"{name}_lower": Lower(name) for name in MATCHED_FIELDS})

        def matches(clause: Clause) -> Q:
            needle = _needle(clause)
            return _any(Q(**{f"{name}_lower__contains": needle}) for name in MATCHED_FIELDS)

        for group in query.groups:
            qs = qs.filter(_any(matches(c) for c in group))
        for clause in query.excluded:
            qs = qs.exclude(matches(clause))
        total = qs.count()
        if total == 0:
            return EngineResult(total=0, hits=[], facets={})
        rows = qs.order_by(F("date").desc(nulls_last=True), "-id").values(*HIT_FIELDS)[offset:offset + limit]
        hits = [hit_from_row(r, query.words) for r in rows]
        return EngineResult(total=total, hits=hits, facets=facet_counts(qs))
