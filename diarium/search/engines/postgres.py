"""PostgreSQL full-text search on the SearchRecord table (DIARIUM_SEARCH_ENGINE=postgres).

The projection table is the index: its `search_vector` column (added on
PostgreSQL by migration 0001, GIN-indexed) holds

    setweight(to_tsvector('swedish', title), 'A')
    || setweight(to_tsvector('swedish', diary number || organ), 'B')
    || setweight(to_tsvector('swedish', body), 'C')
    || setweight(to_tsvector('swedish', file text), 'D')

and is set by this engine for the rows the services have just written. The
query is built from the ParsedQuery with the user's words only ever in bound
parameters: a plain clause through phraseto_tsquery('swedish', %s) (the same
parser and stemmer as the vector, so "2017.676 KS" and "handlingsplanerna"
meet their indexed forms), a prefix through to_tsquery('swedish', %s) with
"word:*" where the word is letters and digits only, groups joined with ||,
clauses with &&, exclusions with !!.

A search is two statements. The first takes the first matches the GIN index
yields (DIARIUM_SEARCH_SAMPLE_LIMIT, 10,000, plus one to know whether there
are more), under the audience condition and the filters, and returns their
number, the facet counts (GROUPING SETS over kind, organ, year and status) and
the page's ids ranked by ts_rank over the weights, or by date. The second
reads the page's rows with ts_headline snippets (the reader's own variant),
escaped here. Counting, ranking and heap reads stop at the sample, so a word
in 60,000 records costs what one in 10,000 does: the total is exact up to
DIARIUM_SEARCH_COUNT_LIMIT (1,000) and "more than" beyond it, a query with
more matches than the sample has its facets counted, and its hits ranked,
among the sample's (`facets_within`). Sorting by date stays exact: when the
sample was cut, the page is read newest first over every match.

Compound endings ("plan" finding "handlingsplan") are not matched by this
engine: PostgreSQL's dictionaries do not split Swedish compounds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, connections, transaction
from django.db.models import BooleanField, F, FloatField, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from diarium.core import replica

from .. import conf
from ..access import Audience
from ..models import IndexState, SearchRecord
from ..query import Clause, ParsedQuery
from .base import (
    FACETS,
    Engine,
    EngineHit,
    EngineResult,
    Filters,
    Progress,
    marked,
    plain_snippet,
    word_pattern,
)
from .database import visible

CONFIG = "swedish"
TABLE = SearchRecord._meta.db_table
VECTOR = (
    f"setweight(to_tsvector('{CONFIG}', coalesce(title, '')), 'A')"
    f" || setweight(to_tsvector('{CONFIG}', coalesce(diary_number, '') || ' ' || coalesce(organ_label, '')), 'B')"
    f" || setweight(to_tsvector('{CONFIG}', coalesce(body, '')), 'C')"
    # tsvector holds at most 1 MB: the file text is cut well below that.
    f" || setweight(to_tsvector('{CONFIG}', left(coalesce(file_text, ''), 200000)), 'D')"
)
START, STOP = "\ue000", "\ue001"  # private-use sentinels around matches in ts_headline's output
HEADLINE_OPTIONS = (f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=12, MaxFragments=2, "
                    "FragmentDelimiter=\" … \"")
TITLE_OPTIONS = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
STATE = "postgres"


def _clause(clause: Clause) -> tuple[str, list[str]]:
    if not clause.prefix:
        return f"phraseto_tsquery('{CONFIG}', %s)", [clause.text]
    last = f"to_tsquery('{CONFIG}', %s)"
    params = [f"{clause.words[-1]}:*"]  # letters and digits only (query.py): nothing to escape
    if len(clause.words) == 1:
        return last, params
    return (f"tsquery_phrase(phraseto_tsquery('{CONFIG}', %s), {last})",
            [" ".join(clause.words[:-1]), *params])


def tsquery(query: ParsedQuery) -> tuple[str, list[str]]:
    """SQL of a tsquery for the ParsedQuery, and its parameters."""
    parts, params = [], []
    for group in query.groups:
        sqls = []
        for clause in group:
            sql, p = _clause(clause)
            sqls.append(sql)
            params += p
        parts.append("(" + " || ".join(sqls) + ")")
    for clause in query.excluded:
        sql, p = _clause(clause)
        parts.append(f"!!({sql})")
        params += p
    return "(" + " && ".join(parts) + ")", params


def _marked_headline(text: str) -> str:
    """ts_headline output with sentinels → escaped HTML with <mark>."""
    out, spans, pos, start = [], [], 0, None
    for ch in " ".join(text.split()):
        if ch == START:
            start = pos
        elif ch == STOP:
            if start is not None:
                spans.append((start, pos))
            start = None
        else:
            out.append(ch)
            pos += 1
    return marked("".join(out), spans)


class PostgresEngine(Engine):
    name = "postgres"

    @staticmethod
    def available() -> bool:
        return connection.vendor == "postgresql"

    def ready(self) -> bool:
        if not self.available():
            return False
        return IndexState.objects.filter(name=STATE, built_at__isnull=False).exists()

    def status(self) -> dict:
        if not self.available():
            return {"engine": self.name, "ready": False, "documents": 0, "reason": "not PostgreSQL"}
        state = IndexState.objects.filter(name=STATE).first()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE search_vector IS NOT NULL")
            documents = cursor.fetchone()[0]
        return {"engine": self.name, "ready": bool(state and state.built_at), "documents": documents,
                "built_at": state.built_at.isoformat() if state and state.built_at else None}

    def rebuild(self, records: Iterable[dict], progress: Progress | None = None) -> int:
        """Vectors for every row of the projection. The table is the index:
        `records` is only read through (its producer writes the rows)."""
        for _row in records:
            pass
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET search_vector = {VECTOR}")
            count = cursor.rowcount
            IndexState.objects.update_or_create(name=STATE, defaults={"built_at": timezone.now(),
                                                                      "documents": count})
        if progress is not None:
            progress(count)
        return count

    def replace(self, keys: Iterable[str], records: Sequence[dict]) -> None:
        """The rows of `keys` were just rewritten in the projection: give them vectors."""
        keys = sorted(set(keys) | {r["key"] for r in records})
        if not keys or not self.available():
            return
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET search_vector = {VECTOR} WHERE key = ANY(%s)", [keys])

    def search(self, query: ParsedQuery, audience: Audience, filters: Filters, sort: str, offset: int,
               limit: int) -> EngineResult:
        if query.is_empty:
            return EngineResult(total=0, hits=[])
        # Searches read from a replica where there is one and it is healthy
        # (conf.read_database, diarium.core.replica): the primary keeps its capacity
        # for writes, and a search tolerates the replica's lag as it does the
        # outbox's. A search whose replica connection fails midway runs once more
        # on the primary.
        return replica.read_with_fallback(conf.READ_PURPOSE, lambda alias: self._search(
            query, audience, filters, sort, offset, limit, alias))

    def _search(self, query: ParsedQuery, audience: Audience, filters: Filters, sort: str, offset: int,
                limit: int, alias: str) -> EngineResult:
        tsq, params = tsquery(query)
        # The audience condition and the filters are database.visible()'s, compiled
        # by Django: the same eligibility (access.py) as every other read here.
        eligible = visible(audience, filters).using(alias)
        matches = eligible.filter(RawSQL(f"search_vector @@ {tsq}", params, output_field=BooleanField()))
        sample_limit, count_limit = conf.sample_limit(), conf.count_limit()
        by_date = sort == "date"
        total, facets, page, cut = self._sample(matches, tsq, params, by_date=by_date, offset=offset, limit=limit,
                                                sample_limit=sample_limit, alias=alias)
        if total == 0:
            return EngineResult(total=0, hits=[], facets={})
        if by_date and cut and limit:
            # Newest first must be exact (alerts read the newest hits this way):
            # over every match, not the first ones found.
            page = [(pk, None) for pk in matches.order_by(F("date").desc(nulls_last=True), "-id")
                    .values_list("id", flat=True)[offset:offset + limit]]
        cap = min(count_limit, sample_limit)
        return EngineResult(
            total=min(total, cap), hits=self._hits(eligible, [pk for pk, _rank in page], dict(page), query, tsq,
                                                   params),
            facets=facets, total_is_lower_bound=total > cap, facets_within=sample_limit if cut else None)

    @staticmethod
    def _sample(matches, tsq: str, params: list[str], *, by_date: bool, offset: int, limit: int,
                sample_limit: int, alias: str) -> tuple[int, dict[str, list[tuple]], list[tuple[int, float | None]],
                                                        bool]:
        """One statement over the first `sample_limit` + 1 matches found (in the
        order the GIN index's bitmap reads them): how many there are, the facet
        counts of the first `sample_limit` by GROUPING SETS, and the ids (and
        ranks) of the page, ranked or dated among them. Returns (matches in the
        sample, facets, [(id, rank)], whether the sample was cut)."""
        columns = matches.order_by().values("id", "kind", "organ_id", "year", "status", "date")
        if by_date:
            columns = columns.annotate(rank=RawSQL("NULL::real", [], output_field=FloatField()))
            order = "date DESC NULLS LAST, id DESC"
        else:
            columns = columns.annotate(rank=RawSQL(f"ts_rank(search_vector, {tsq}, 1)", params,
                                                   output_field=FloatField()))
            order = "rank DESC, date DESC NULLS LAST, id DESC"
        inner, inner_params = columns[:sample_limit + 1].query.get_compiler(alias).as_sql()
        sql = (
            f"WITH sample AS MATERIALIZED ({inner}),"
            " counted AS (SELECT * FROM sample LIMIT %s)"
            " SELECT 'total', NULL::text, NULL::bigint, count(*), NULL::real FROM sample"
            " UNION ALL"
            " SELECT CASE GROUPING(kind, organ_id, year, status) WHEN 7 THEN 'kind' WHEN 11 THEN 'organ'"
            " WHEN 13 THEN 'year' ELSE 'status' END,"
            " coalesce(kind, organ_id::text, year::text, status), NULL::bigint, count(*), NULL::real"
            " FROM counted GROUP BY GROUPING SETS ((kind), (organ_id), (year), (status))"
            " UNION ALL"
            f" (SELECT 'hit', NULL::text, id, row_number() OVER (ORDER BY {order}), rank::real"
            f" FROM sample ORDER BY {order} LIMIT %s OFFSET %s)"
        )
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [*inner_params, sample_limit, limit, offset])
            rows = cursor.fetchall()
        total, facets, page = 0, {name: [] for name in FACETS}, []
        for part, value, pk, n, rank in rows:
            if part == "total":
                total = n
            elif part == "hit":
                page.append((n, pk, rank))
            elif value not in (None, ""):
                facets[part].append((int(value) if part in ("organ", "year") else value, n))
        for values in facets.values():
            values.sort(key=lambda vc: (-vc[1], str(vc[0])))
        return total, facets, [(pk, rank) for _n, pk, rank in sorted(page)], total > sample_limit

    def _hits(self, eligible, ids: list[int], ranks: dict[int, float | None], query: ParsedQuery, tsq: str,
              params: list[str]) -> list[EngineHit]:
        rows = self._headlines(eligible, ids, tsq, params)
        pattern = word_pattern(query.words)
        hits = []
        for pk in ids:
            if pk not in rows:
                continue  # rewritten for another tier since the first statement
            r = rows[pk]
            if START in (r["title_hl"] or ""):
                title_html = _marked_headline(r["title_hl"])
            else:
                title_html = marked(r["title"], [(m.start(), m.end()) for m in pattern.finditer(r["title"])]
                                    if pattern else [])
            if START in (r["body_hl"] or ""):
                snippet_html = _marked_headline(r["body_hl"])
            elif START in (r["file_hl"] or ""):
                snippet_html = _marked_headline(r["file_hl"])
            else:
                snippet_html = plain_snippet([r["body_start"], r["file_start"]], query.words)
            hits.append(EngineHit(
                uid=r["uid"], key=r["key"], kind=r["kind"], title=r["title"], url=r["url"], date=r["date"],
                organ_id=r["organ_id"], organ_label=r["organ_label"], diary_number=r["diary_number"],
                status=r["status"], score=ranks.get(pk), snippet_html=snippet_html, title_html=title_html,
            ))
        return hits

    @staticmethod
    def _headlines(eligible, ids: list[int], tsq: str, params: list[str]) -> dict[int, dict]:
        """The page's rows by id, with their headlines; under the audience
        condition again, so a row rewritten for another tier since the first
        statement is left out rather than shown."""
        if not ids:
            return {}

        def headline(column: str, options: str) -> RawSQL:
            return RawSQL(f"ts_headline('{CONFIG}', {column}, {tsq}, %s)", [*params, options],
                          output_field=TextField())

        rows = eligible.filter(pk__in=ids).order_by().values(
            "id", "uid", "key", "kind", "title", "url", "date", "organ_id", "organ_label", "diary_number", "status",
            title_hl=headline("title", TITLE_OPTIONS), body_hl=headline("body", HEADLINE_OPTIONS),
            file_hl=headline("left(file_text, 200000)", HEADLINE_OPTIONS),
            body_start=RawSQL("left(body, 2000)", [], output_field=TextField()),
            file_start=RawSQL("left(file_text, 2000)", [], output_field=TextField()))
        return {row["id"]: row for row in rows}
