"""The default engine: a tantivy index on local disk (DIARIUM_SEARCH_INDEX_DIR).

Matching (Swedish, through one analyzer: letters and digits split at anything
else, lower-cased, Snowball's Swedish stemmer):

- inflections: "handlingsplan" finds "handlingsplanen" and "handlingsplanerna",
  "digitalisering" finds "digitaliseringen";
- prefixes: "handlings*" finds every word beginning so ("handlingsplanen");
- compounds by their last part, in titles: "plan" finds "Handlingsplan för …"
  and "Detaljplan …". Each title also indexes its stems reversed (field
  `suffix`), so a word of four letters or more matches as the end of a longer
  word with one prefix lookup. Bodies and file texts are not indexed this way
  (it would cost a third of the indexing speed); there a compound is found by
  its whole form or a prefix;
- phrases ("digital målbild") use positions; "2017.676 KS" is a phrase too.

Fields are weighted title 3, diary number 2, organ 1.5, body 1, file text 0.5,
compound endings 0.4 (BM25 within each).

Layout on disk: `<dir>/current.json` names the generation in use
(`<dir>/gen-…/`, a tantivy index) with the schema version, when it was built
and how many documents it holds. A rebuild writes a new generation and swaps
current.json atomically, so readers always see a complete index; without
current.json (or with another schema version) the engine is not ready and the
search falls back to the database.

Processes: tantivy allows one writer per index. The worker writes (and a
rebuild); web processes only read, and reload their reader when the
generation's meta.json changed (one stat per search). A writer lock held by
another process is retried for a few seconds, then EngineBusy: the outbox rows
stay and the task is retried later.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import orjson
import tantivy
from django.utils import timezone
from django.utils.html import escape

from .. import conf
from ..access import Audience
from ..models import TIER_FLAGS, Tier
from ..projection import ENCODED
from ..query import Clause, ParsedQuery
from .base import (
    SNIPPET_CHARS,
    Engine,
    EngineBusy,
    EngineHit,
    EngineResult,
    EngineUnavailable,
    Filters,
    Progress,
    marked,
    plain_snippet,
    word_pattern,
)

logger = logging.getLogger("diarium.search")

SCHEMA_VERSION = 1
CURRENT = "current.json"
TEXT_FIELDS = (("title", 3.0), ("diary", 2.0), ("organ_text", 1.5), ("body", 1.0), ("file_text", 0.5))
SUFFIX_BOOST = 0.4
SUFFIX_MIN = 4  # letters of a stem before it also matches as the end of compounds
WRITE_HEAP = 64 * 1024 * 1024
LOCK_WAIT_SECONDS = 5.0
Q = tantivy.Query
OCCUR = tantivy.Occur
# Words long enough to be a compound: a part before an ending of SUFFIX_MIN letters.
_COMPOUNDS = re.compile(r"[^\W_]{6,}")


# --- schema and analysis ---------------------------------------------------------------------------
def _swedish() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(200))
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.stemmer("swedish")).build())


_SV = _swedish()
_WS = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def _build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in ("uid", "key", "url"):
        sb.add_text_field(name, stored=True, tokenizer_name="raw")
    for name in ("kind", "status"):
        sb.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    sb.add_text_field("tier", tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("org", indexed=True)
    sb.add_unsigned_field("organ", indexed=True, fast=True, stored=True)
    sb.add_unsigned_field("year", indexed=True, fast=True)
    sb.add_integer_field("date", indexed=True, fast=True, stored=True)  # proleptic ordinal, 0 for none
    for name, _boost in TEXT_FIELDS:
        sb.add_text_field(name, stored=True, tokenizer_name="sv")
    sb.add_text_field("suffix", tokenizer_name="ws", index_option="basic")
    return sb.build()


SCHEMA = _build_schema()
_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """The Swedish stem of one lower-case word as the index holds it ("" if none)."""
    found = _STEMS.get(word)
    if found is None:
        tokens = _SV.analyze(word)
        found = tokens[0] if tokens else ""
        if len(_STEMS) > 200_000:
            _STEMS.clear()
        _STEMS[word] = found
    return found


_ENDINGS: dict[str, str] = {}  # word -> its stem reversed, "" when too short


def _ending(word: str) -> str:
    found = _ENDINGS.get(word)
    if found is None:
        found = stem(word)
        found = found[::-1] if len(found) >= SUFFIX_MIN else ""
        if len(_ENDINGS) > 200_000:
            _ENDINGS.clear()
        _ENDINGS[word] = found
    return found


def _suffix_terms(title: str) -> str:
    known = _ENDINGS.get
    endings = set()
    for word in _COMPOUNDS.findall(title.lower()):
        found = known(word)
        if found is None:
            found = _ending(word)
        if found:
            endings.add(found)
    return " ".join(endings)


_TIERS = tuple((tier.value, flag) for tier, flag in TIER_FLAGS)  # plain strings: what orjson writes fastest


def _document(row: dict) -> str:
    """A projection row as the JSON document tantivy indexes (orjson: a tenth
    of the standard library's time, which counts in a full rebuild)."""
    tiers = [tier for tier, flag in _TIERS if row[flag]]
    day = row["date"]
    document = {
        "uid": row["uid"], "key": row["key"], "url": row["url"], "kind": row["kind"], "status": row["status"] or "",
        "tier": tiers, "org": row["organisation_id"], "organ": row["organ_id"] or 0, "year": row["year"] or 0,
        "date": day.toordinal() if day else 0, "title": row["title"], "diary": row["diary_number"],
        "organ_text": row["organ_label"], "body": row["body"], "file_text": row["file_text"],
        "suffix": _suffix_terms(row["title"]),
    }
    try:
        return orjson.dumps(document).decode()
    except orjson.JSONEncodeError:  # a lone surrogate from a damaged file: replaced, as tantivy takes UTF-8 only
        return orjson.dumps({name: value.encode("utf-8", "replace").decode() if isinstance(value, str) else value
                             for name, value in document.items()}).decode()


def _open(path: Path) -> tantivy.Index:
    index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
    index.register_tokenizer("sv", _swedish())
    index.register_tokenizer("ws", _WS)
    index.config_reader("Manual", 0)
    return index


def _read_current(root: Path) -> dict | None:
    try:
        with open(root / CURRENT, encoding="utf-8") as fh:
            current = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(current, dict) or current.get("schema") != SCHEMA_VERSION:
        return None
    generation = str(current.get("generation") or "")
    if not generation.startswith("gen-") or "/" in generation or "\\" in generation:
        return None
    return current


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


@dataclass
class _Reader:
    generation: Path
    index: tantivy.Index
    current_stamp: tuple[int, int] | None
    meta_stamp: tuple[int, int] | None
    info: dict


_READERS: dict[str, _Reader] = {}
_READERS_LOCK = threading.Lock()


def _acquire_writer(index: tantivy.Index, heap: int, threads: int):
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    pause = 0.02
    while True:
        try:
            return index.writer(heap, threads)
        except ValueError as exc:
            if "LockBusy" not in str(exc) and "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise EngineBusy(str(exc)) from exc
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


class TantivyEngine(Engine):
    name = "tantivy"

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else conf.index_dir()

    # --- reading -------------------------------------------------------------------------------
    def _reader(self) -> _Reader:
        current_stamp = _stamp(self.root / CURRENT)
        if current_stamp is None:
            raise EngineUnavailable("no index")
        key = str(self.root.resolve())
        with _READERS_LOCK:
            reader = _READERS.get(key)
            if reader is None or reader.current_stamp != current_stamp:
                current = _read_current(self.root)
                if current is None:
                    raise EngineUnavailable("no usable current.json")
                generation = self.root / current["generation"]
                if reader is None or reader.generation != generation:
                    try:
                        if not tantivy.Index.exists(str(generation)):
                            raise EngineUnavailable("generation missing")
                        reader = _Reader(generation, _open(generation), None, None, current)
                    except (OSError, ValueError) as exc:
                        raise EngineUnavailable(str(exc)) from exc
                    while len(_READERS) >= 16:  # one per index directory; tests make many
                        _READERS.pop(next(iter(_READERS)))
                    _READERS[key] = reader
                reader.current_stamp, reader.info = current_stamp, current
            meta_stamp = _stamp(reader.generation / "meta.json")
            if meta_stamp is None:
                _READERS.pop(key, None)
                raise EngineUnavailable("meta.json missing")
            if meta_stamp != reader.meta_stamp:
                try:
                    reader.index.reload()
                except (OSError, ValueError) as exc:
                    _READERS.pop(key, None)
                    raise EngineUnavailable(str(exc)) from exc
                reader.meta_stamp = meta_stamp
            return reader

    def ready(self) -> bool:
        try:
            self._reader()
        except EngineUnavailable:
            return False
        return True

    def status(self) -> dict:
        try:
            reader = self._reader()
        except EngineUnavailable as exc:
            return {"engine": self.name, "ready": False, "documents": 0, "path": str(self.root), "reason": str(exc)}
        return {"engine": self.name, "ready": True, "documents": reader.index.searcher().num_docs,
                "path": str(self.root), "generation": reader.generation.name,
                "built_at": reader.info.get("built_at")}

    # --- writing -------------------------------------------------------------------------------
    def encode(self, row: dict) -> str:
        """The row as this engine indexes it: a rebuild's producer processes
        encode their rows (projection.produce), and rebuild() takes them so."""
        return _document(row)

    def rebuild(self, records: Iterable[dict], progress: Progress | None = None) -> int:
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{timezone.now():%Y%m%d%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        generation = self.root / name
        generation.mkdir()
        added = 0
        try:
            index = _open(generation)
            writer = index.writer(conf.writer_heap_bytes(), 1)
            try:
                for row in records:
                    writer.add_json(row.get(ENCODED) or _document(row))
                    added += 1
                    if progress is not None and added % 5000 == 0:
                        progress(added)
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        if progress is not None:
            progress(added)
        current = {"schema": SCHEMA_VERSION, "generation": name, "built_at": timezone.now().isoformat(),
                   "documents": added}
        temporary = self.root / f".{CURRENT}.{uuid.uuid4().hex}"
        temporary.write_text(json.dumps(current), encoding="utf-8")
        os.replace(temporary, self.root / CURRENT)
        for old in self.root.glob("gen-*"):
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)
        return added

    def replace(self, keys: Iterable[str], records: Sequence[dict]) -> None:
        keys = sorted(set(keys) | {r["key"] for r in records})
        if not keys:
            return
        index = self._reader().index
        writer = _acquire_writer(index, WRITE_HEAP, 1)
        try:
            for key in keys:
                writer.delete_documents_by_term("key", key)
            for row in records:
                writer.add_json(_document(row))
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()

    # --- searching -----------------------------------------------------------------------------
    def search(self, query: ParsedQuery, audience: Audience, filters: Filters, sort: str, offset: int,
               limit: int) -> EngineResult:
        reader = self._reader()
        searcher = reader.index.searcher()
        if query.is_empty:
            return EngineResult(total=0, hits=[])
        full = Q.boolean_query([
            (OCCUR.Must, _text_query(query)),
            (OCCUR.Must, Q.const_score_query(_filter_query(audience, filters), 0.0)),
        ])
        # The page and the facet counts are two passes over the matches; tantivy
        # releases the GIL in both, so they run side by side (on two cores
        # half the time of one after the other, at a million records).
        ordering = {"order_by_field": "date"} if sort == "date" else {}
        counting = _pool().submit(searcher.aggregate, full, _AGGREGATIONS)
        try:
            found = searcher.search(full, max(limit, 1), count=True, offset=offset, **ordering)
        finally:
            aggregated = counting.result()
        total = found.count or 0
        if total == 0:
            return EngineResult(total=0, hits=[], facets={})
        facets = _facets(aggregated)
        highlighter = _Highlighter(searcher, query)
        hits = []
        for order_key, address in found.hits[:limit]:
            doc = searcher.doc(address)
            hits.append(highlighter.hit(doc, None if sort == "date" else float(order_key)))
        return EngineResult(total=total, hits=hits, facets=facets)


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """Threads of this process for the facet pass of searches (see search())."""
    global _POOL
    if _POOL is None:
        with _POOL_LOCK:
            if _POOL is None:
                _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-facets")
    return _POOL


# --- queries -----------------------------------------------------------------------------------------
def _field_query(field: str, clause: Clause, stems: list[str]) -> tantivy.Query:
    if clause.prefix:
        raw = clause.words[-1]
        if len(stems) == 1:
            return Q.boolean_query([(OCCUR.Should, Q.regex_query(SCHEMA, field, re.escape(raw) + ".*")),
                                    (OCCUR.Should, Q.term_query(SCHEMA, field, stems[0]))])
        return Q.phrase_prefix_query(SCHEMA, field, [*stems[:-1], raw])
    if len(stems) == 1:
        return Q.term_query(SCHEMA, field, stems[0])
    return Q.phrase_query(SCHEMA, field, stems)


def _clause_query(clause: Clause, *, compounds: bool = True) -> tantivy.Query:
    stems = [stem(w) for w in clause.words]
    if not all(stems):
        return Q.empty_query()
    parts = [(OCCUR.Should, Q.boost_query(_field_query(field, clause, stems), boost))
             for field, boost in TEXT_FIELDS]
    if compounds and not clause.prefix and len(stems) == 1 and len(stems[0]) >= SUFFIX_MIN:
        parts.append((OCCUR.Should, Q.boost_query(
            Q.regex_query(SCHEMA, "suffix", re.escape(stems[0][::-1]) + ".*"), SUFFIX_BOOST)))
    return Q.boolean_query(parts)


def _text_query(query: ParsedQuery) -> tantivy.Query:
    parts = []
    for group in query.groups:
        if len(group) == 1:
            parts.append((OCCUR.Must, _clause_query(group[0])))
        else:
            parts.append((OCCUR.Must, Q.boolean_query([(OCCUR.Should, _clause_query(c)) for c in group])))
    for clause in query.excluded:
        parts.append((OCCUR.MustNot, _clause_query(clause, compounds=False)))
    return Q.boolean_query(parts)


def _place(organisations: frozenset[int], organs: frozenset[int]) -> tantivy.Query | None:
    parts = []
    if organisations:
        parts.append((OCCUR.Should, Q.term_set_query(SCHEMA, "org", sorted(organisations))))
    if organs:
        parts.append((OCCUR.Should, Q.term_set_query(SCHEMA, "organ", sorted(organs))))
    return Q.boolean_query(parts) if parts else None


def audience_query(audience: Audience) -> tantivy.Query:
    """The eligibility condition of access.py as a tantivy query."""
    def tier(name):
        return Q.term_query(SCHEMA, "tier", str(name))

    if audience.superuser:
        return tier(Tier.SECRET)
    secret = _place(audience.secret_organisations, audience.secret_organs)
    internal = _place(audience.internal_organisations, audience.internal_organs)
    branches = []
    if secret is not None:
        branches.append(Q.boolean_query([(OCCUR.Must, tier(Tier.SECRET)), (OCCUR.Must, secret)]))
    if internal is not None:
        clauses = [(OCCUR.Must, tier(Tier.INTERNAL)), (OCCUR.Must, internal)]
        if secret is not None:
            clauses.append((OCCUR.MustNot, secret))
        branches.append(Q.boolean_query(clauses))
    if internal is None:
        branches.append(tier(Tier.PUBLIC))
    else:
        branches.append(Q.boolean_query([(OCCUR.Must, tier(Tier.PUBLIC)), (OCCUR.MustNot, internal)]))
    # One branch (the public's) as the bare term: tantivy then intersects the
    # text's matches with one posting list instead of a union of one.
    return branches[0] if len(branches) == 1 else Q.boolean_query([(OCCUR.Should, b) for b in branches])


def _filter_query(audience: Audience, filters: Filters) -> tantivy.Query:
    parts = [(OCCUR.Must, audience_query(audience))]
    if filters.kind:
        parts.append((OCCUR.Must, Q.term_query(SCHEMA, "kind", filters.kind)))
    if filters.organisation_id is not None:
        parts.append((OCCUR.Must, Q.term_query(SCHEMA, "org", int(filters.organisation_id))))
    if filters.organ_id is not None:
        parts.append((OCCUR.Must, Q.term_query(SCHEMA, "organ", int(filters.organ_id))))
    if filters.year is not None:
        parts.append((OCCUR.Must, Q.term_query(SCHEMA, "year", int(filters.year))))
    if filters.status:
        parts.append((OCCUR.Must, Q.term_query(SCHEMA, "status", filters.status)))
    if filters.date_from or filters.date_to:
        parts.append((OCCUR.Must, Q.range_query(
            SCHEMA, "date", tantivy.FieldType.Integer,
            filters.date_from.toordinal() if filters.date_from else None,
            filters.date_to.toordinal() if filters.date_to else None)))
    return parts[0][1] if len(parts) == 1 else Q.boolean_query(parts)


_AGGREGATIONS = {
    "kind": {"terms": {"field": "kind", "size": 20}},
    "organ": {"terms": {"field": "organ", "size": 1000}},
    "year": {"terms": {"field": "year", "size": 500}},
    "status": {"terms": {"field": "status", "size": 200}},
}


def _facets(result: dict) -> dict[str, list[tuple]]:
    facets = {}
    for name in _AGGREGATIONS:
        buckets = (result.get(name) or {}).get("buckets") or []
        values = []
        for bucket in buckets:
            value, count = bucket.get("key"), int(bucket.get("doc_count") or 0)
            if name in ("organ", "year"):
                value = int(value)
                if value == 0:
                    continue
            elif not value:
                continue
            values.append((value, count))
        facets[name] = sorted(values, key=lambda vc: (-vc[1], str(vc[0])))
    return facets


# --- hits and snippets -------------------------------------------------------------------------------
def _char_spans(fragment: str, ranges) -> list[tuple[int, int]]:
    """tantivy's highlight ranges are UTF-8 byte offsets; Python slices by character."""
    data = fragment.encode("utf-8")
    spans = []
    for r in ranges:
        start = len(data[: r.start].decode("utf-8", "ignore"))
        end = len(data[: r.end].decode("utf-8", "ignore"))
        spans.append((start, end))
    return spans


class _Highlighter:
    """Marks the words of the query in titles, bodies and file texts of a page of hits."""

    def __init__(self, searcher, query: ParsedQuery):
        self.searcher = searcher
        self.words = query.words
        terms: set[str] = set()
        for clause in query.clauses:
            stems = [stem(w) for w in clause.words]
            terms.update(s for s in stems if s)
            if clause.prefix:
                for field in ("title", "body", "file_text"):
                    terms.update(t for t, _n in searcher.terms_with_prefix(field, clause.words[-1], limit=25))
            elif len(stems) == 1 and len(stems[0]) >= SUFFIX_MIN:
                terms.update(t[::-1] for t, _n in searcher.terms_with_prefix("suffix", stems[0][::-1], limit=25))
        self.generators = {}
        for field, chars in (("title", 1000), ("body", SNIPPET_CHARS), ("file_text", SNIPPET_CHARS)):
            if not terms:
                break
            highlight = Q.boolean_query([(OCCUR.Should, Q.term_query(SCHEMA, field, t)) for t in sorted(terms)])
            try:
                generator = tantivy.SnippetGenerator.create(searcher, highlight, SCHEMA, field)
                generator.set_max_num_chars(chars)
            except ValueError:
                continue
            self.generators[field] = generator

    def _snippet(self, field: str, doc) -> tuple[str, list[tuple[int, int]]] | None:
        generator = self.generators.get(field)
        if generator is None:
            return None
        snippet = generator.snippet_from_doc(doc)
        ranges = snippet.highlighted()
        if not ranges:
            return None
        fragment = snippet.fragment()
        return fragment, _char_spans(fragment, ranges)

    def hit(self, doc, score: float | None) -> EngineHit:
        def first(name, default=""):
            value = doc.get_first(name)
            return default if value is None else value

        title, body, file_text = first("title"), first("body"), first("file_text")
        title_html = escape(title)
        found = self._snippet("title", doc)
        if found is not None and found[0] == title:
            title_html = marked(*found)
        elif (pattern := word_pattern(self.words)) is not None:
            title_html = marked(title, [(m.start(), m.end()) for m in pattern.finditer(title)])
        snippet_html = ""
        for field, text in (("body", body), ("file_text", file_text)):
            found = self._snippet(field, doc) if text else None
            if found is not None:
                fragment, spans = found
                prefix = "" if text.startswith(fragment[:20]) else "… "
                suffix = "" if text.endswith(fragment[-20:]) else " …"
                snippet_html = escape(prefix) + marked(fragment, spans) + escape(suffix)
                break
        else:
            snippet_html = plain_snippet([body, file_text], self.words)
        day = int(first("date", 0) or 0)
        organ = int(first("organ", 0) or 0)
        return EngineHit(
            uid=first("uid"), key=first("key"), kind=first("kind"), title=title, url=first("url"),
            date=dt.date.fromordinal(day) if day > 0 else None, organ_id=organ or None,
            organ_label=first("organ_text"), diary_number=first("diary"), status=first("status"), score=score,
            snippet_html=snippet_html, title_html=title_html,
        )
