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
clauses with &&, exclusions with !!. Ranking is ts_rank over the weights,
facets are GROUP BY over the same filtered rows, snippets ts_headline of the
matched row (the reader's own variant), escaped here.

Compound endings ("plan" finding "handlingsplan") are not matched by this
engine: PostgreSQL's dictionaries do not split Swedish compounds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, connections, transaction
from django.db.models import BooleanField, F, FloatField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from diarium.core import replica

from .. import conf
from ..access import Audience
from ..models import IndexState, SearchRecord
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
from .database import facet_counts, visible

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
        qs = visible(audience, filters).using(alias).filter(
            RawSQL(f"search_vector @@ {tsq}", params, output_field=BooleanField()))
        total = qs.count()
        if total == 0:
            return EngineResult(total=0, hits=[], facets={})
        if sort == "date":
            ordered = qs.order_by(F("date").desc(nulls_last=True), "-id").annotate(
                rank=RawSQL("NULL", [], output_field=FloatField()))
        else:
            ordered = qs.annotate(rank=RawSQL(f"ts_rank(search_vector, {tsq}, 1)", params,
                                              output_field=FloatField())).order_by("-rank", F("date").desc(
                                                  nulls_last=True), "-id")
        page = list(ordered.values("id", "uid", "key", "kind", "title", "url", "date", "organ_id", "organ_label",
                                   "diary_number", "status", "rank")[offset:offset + limit])
        headlines = self._headlines([r["id"] for r in page], tsq, params, alias)
        pattern = word_pattern(query.words)
        hits = []
        for r in page:
            title_hl, body_hl, file_hl, body, file_text = headlines.get(r["id"], ("", "", "", "", ""))
            if START in (title_hl or ""):
                title_html = _marked_headline(title_hl)
            else:
                title_html = marked(r["title"], [(m.start(), m.end()) for m in pattern.finditer(r["title"])]
                                    if pattern else [])
            if START in (body_hl or ""):
                snippet_html = _marked_headline(body_hl)
            elif START in (file_hl or ""):
                snippet_html = _marked_headline(file_hl)
            else:
                snippet_html = plain_snippet([body, file_text], query.words)
            hits.append(EngineHit(
                uid=r["uid"], key=r["key"], kind=r["kind"], title=r["title"], url=r["url"], date=r["date"],
                organ_id=r["organ_id"], organ_label=r["organ_label"], diary_number=r["diary_number"],
                status=r["status"], score=r["rank"], snippet_html=snippet_html, title_html=title_html,
            ))
        return EngineResult(total=total, hits=hits, facets=facet_counts(qs))

    @staticmethod
    def _headlines(ids: list[int], tsq: str, params: list[str], alias: str) -> dict[int, tuple]:
        if not ids:
            return {}
        sql = (
            f"SELECT id, ts_headline('{CONFIG}', title, {tsq}, %s),"
            f" ts_headline('{CONFIG}', body, {tsq}, %s),"
            f" ts_headline('{CONFIG}', left(file_text, 200000), {tsq}, %s),"
            f" left(body, 2000), left(file_text, 2000)"
            f" FROM {TABLE} WHERE id = ANY(%s)"
        )
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [*params, TITLE_OPTIONS, *params, HEADLINE_OPTIONS, *params, HEADLINE_OPTIONS,
                                 ids])
            return {row[0]: row[1:] for row in cursor.fetchall()}
