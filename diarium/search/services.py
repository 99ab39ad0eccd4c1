"""Writes of the search app: the projection (SearchRecord) and the engine follow the domain.

- changes_queue: the outbox rows, written by receivers.py in the domain's transaction;
- pending_apply: the worker's side (task apply_pending): claims outbox rows in
  order, rebuilds those records' rows, pushes them to the engine, deletes the
  rows, one transaction per batch: a failure leaves them for the next run;
- record_refresh: the same for one record, at once;
- index_rebuild: projection and engine from the domain tables (`diarium reindex`);
- engine_build: the engine from the projection (when the index is missing).

Concurrency: appliers lock the "projection" IndexState row for each batch, so
two workers never push the same record out of order, and claim outbox rows
with select_for_update(skip_locked=True) on PostgreSQL (SQLite serialises
writers anyway). A rebuild marks the same row (rebuilding_since); appliers
then leave the outbox alone and retry later, and the rebuild applies what
came in meanwhile when it ends. Run inline (ImmediateBackend, inside the
domain's own transaction) an applier takes no lock: it sees its own writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import logging
import multiprocessing
import operator
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass

from django.db import connection, connections, transaction
from django.utils import timezone

from . import conf, projection
from .engines import EngineBusy, EngineUnavailable, get_engine
from .engines.base import RECORD_FIELDS
from .models import IndexState, Kind, PendingChange, SearchRecord

logger = logging.getLogger("diarium.search")

PROJECTION = "projection"
STALE_REBUILD = dt.timedelta(hours=6)  # a rebuild flag older than this was left by a crashed process
KINDS = (Kind.CASE, Kind.DOCUMENT, Kind.DECISION, Kind.MEETING, Kind.PLAN)
_COLUMNS = (*RECORD_FIELDS, "digest", "updated_at")
_KEYS_PER_QUERY = 500
# Jobs of a rebuild handed to each producer process ahead of the one being
# written (about 10 MB of rows each): enough to keep them busy while this
# process empties the projection at the start and through uneven chunks.
AHEAD = 6


@dataclass
class ApplyOutcome:
    applied: int = 0  # outbox rows done
    rewritten: int = 0  # records whose rows changed
    engine_missing: bool = False  # the projection changed but the engine has no index to change
    busy: bool = False  # another process holds the engine's writer: retry later
    deferred: bool = False  # a rebuild is running: retry later

    def as_dict(self) -> dict:
        return asdict(self)


def _chunks(items: list, size: int = _KEYS_PER_QUERY) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def parse_key(key: str) -> tuple[str, int] | None:
    kind, _, object_id = key.partition(":")
    return (kind, int(object_id)) if kind in KINDS and object_id.isdigit() else None


# --- the outbox ------------------------------------------------------------------------------------
def changes_queue(changes: Iterable[tuple[str, int]]) -> int:
    """Queue records for a refresh, in the caller's transaction."""
    now = timezone.now()
    rows = [PendingChange(kind=kind, object_id=object_id, queued_at=now) for kind, object_id in sorted(set(changes))
            if object_id is not None]
    PendingChange.objects.bulk_create(rows)
    return len(rows)


def _state_row() -> None:
    if not IndexState.objects.filter(name=PROJECTION).exists():
        IndexState.objects.get_or_create(name=PROJECTION)


def _rebuilding(state: IndexState | None, now: dt.datetime) -> bool:
    return bool(state and state.rebuilding_since and now - state.rebuilding_since < STALE_REBUILD)


def _refresh(targets: Iterable[tuple[str, int]], *, engine=None, ctx=None) -> tuple[int, bool]:
    """Rebuild the rows of these records and hand the changed ones to the engine.
    Returns (records rewritten, engine missing)."""
    by_kind: dict[str, set[int]] = {}
    for kind, object_id in targets:
        by_kind.setdefault(kind, set()).add(int(object_id))
    if not by_kind:
        return 0, False
    ctx = ctx or projection.context()
    new: dict[str, list[dict]] = {}
    for kind, ids in by_kind.items():
        for key in (projection.key_of(kind, i) for i in ids):
            new[key] = []
        for row in projection.rows_for(kind, ids, ctx):
            new[row["key"]].append(row)
    old: dict[str, set[tuple[str, str]]] = {}
    for keys in _chunks(sorted(new)):
        for key, uid, digest in SearchRecord.objects.filter(key__in=keys).values_list("key", "uid", "digest"):
            old.setdefault(key, set()).add((uid, digest))
    changed = sorted(key for key, rows in new.items() if {(r["uid"], r["digest"]) for r in rows} != old.get(key, set()))
    if not changed:
        return 0, False
    now = timezone.now()
    for keys in _chunks(changed):
        SearchRecord.objects.filter(key__in=keys).delete()
    rows = [row for key in changed for row in new[key]]
    SearchRecord.objects.bulk_create([SearchRecord(**row, updated_at=now) for row in rows], batch_size=500)
    engine = engine or get_engine()
    try:
        engine.replace(changed, rows)
    except EngineUnavailable:
        return len(changed), True
    return len(changed), False


def record_refresh(kind: str, object_id: int) -> None:
    """Rebuild one record's rows and push them to the engine now."""
    with transaction.atomic():
        _refresh([(kind, object_id)])


def pending_apply(*, batch: int | None = None) -> ApplyOutcome:
    """Apply the outbox in order, in batches, until it is empty. Idempotent:
    every record is rebuilt from the domain tables as they are now."""
    from . import conf

    batch = batch or conf.batch_size()
    inline = connection.in_atomic_block
    outcome = ApplyOutcome()
    _state_row()
    engine = get_engine()
    while True:
        try:
            with transaction.atomic():
                states = IndexState.objects.filter(name=PROJECTION)
                state = (states if inline else states.select_for_update()).first()
                if _rebuilding(state, timezone.now()):
                    outcome.deferred = True
                    return outcome
                claimed = list(PendingChange.objects.select_for_update(skip_locked=True).order_by("id")
                               .values_list("id", "kind", "object_id")[:batch])
                if not claimed:
                    return outcome
                rewritten, missing = _refresh({(kind, object_id) for _id, kind, object_id in claimed},
                                              engine=engine)
                PendingChange.objects.filter(id__in=[row[0] for row in claimed]).delete()
        except EngineBusy:
            logger.info("The search index is being written by another process; the outbox waits")
            outcome.busy = True
            return outcome
        outcome.applied += len(claimed)
        outcome.rewritten += rewritten
        outcome.engine_missing |= missing
        if len(claimed) < batch:
            return outcome


def pending_run() -> ApplyOutcome:
    """The worker's task: apply the outbox; when the engine has no index yet
    and this runs on its own (a worker, not inside someone's write), build it
    from the projection."""
    outcome = pending_apply()
    if outcome.engine_missing and not connection.in_atomic_block and not get_engine().ready():
        engine_build()
    return outcome


def apply_later(seconds: float = 5.0) -> bool:
    """Run the outbox again a little later, where the task backend can defer."""
    from django.utils.module_loading import import_string

    from diarium.core.tasks import enqueue

    apply_pending = import_string("diarium.search.tasks.apply_pending")  # by name: tasks call services
    if not getattr(apply_pending.get_backend(), "supports_defer", False):
        return False
    enqueue(apply_pending.using(run_after=timezone.now() + dt.timedelta(seconds=seconds)))
    return True


# --- rebuilds ----------------------------------------------------------------------------------------
class RebuildRunning(Exception):
    """Another rebuild holds the flag."""


def _flag_rebuild(*, force: bool = False) -> None:
    _state_row()
    with transaction.atomic():
        state = IndexState.objects.select_for_update().get(name=PROJECTION)
        now = timezone.now()
        if _rebuilding(state, now) and not force:
            raise RebuildRunning(state.rebuilding_since)
        state.rebuilding_since = now
        state.save(update_fields=["rebuilding_since"])


def _unflag_rebuild(documents: int | None = None) -> None:
    fields = {"rebuilding_since": None}
    if documents is not None:
        fields.update(built_at=timezone.now(), documents=documents)
    IndexState.objects.filter(name=PROJECTION).update(**fields)


@dataclass
class RebuildReport:
    records: int  # domain records read
    rows: int  # projection rows (variants) written and indexed
    seconds: float
    engine: str

    @property
    def per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else float(self.records)


RebuildProgress = Callable[[int, int], None]  # (records done, records in all)


class _Packer:
    """A projection row as the values of its INSERT (or COPY) row, dates adapted
    for the database once here (in a producer process when there is one)."""

    def __init__(self, now: dt.datetime):
        self.columns = operator.itemgetter(*_COLUMNS[:-1])
        self.stamp = connection.ops.adapt_datetimefield_value(now)
        self.date = _COLUMNS.index("date")
        self.adapt_date = connection.ops.adapt_datefield_value

    def __call__(self, row: dict) -> tuple:
        values = [*self.columns(row), self.stamp]
        values[self.date] = self.adapt_date(values[self.date])
        return tuple(values)


def _insert(rows: list[dict], pack: _Packer) -> None:
    """Append rows to the projection with one statement per chunk (COPY on PostgreSQL)."""
    if not rows:
        return
    table = SearchRecord._meta.db_table
    values = [row[projection.PACKED] if projection.PACKED in row else pack(row) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            placeholders = ", ".join(["%s"] * len(_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({placeholders})", values)


def _jobs() -> Iterator[tuple[str, int, int, int]]:
    for kind in KINDS:
        yield from projection.chunks(kind)


def _producer_pool(ctx, encode, pack: _Packer, processes: int):
    """`processes` processes (conf.rebuild_processes) that read and project the
    domain tables while this one writes the projection and feeds the engine, or
    None to do it all here: inside a transaction (its rows are not visible to
    others), on an in-memory database, or where processes cannot be forked."""
    if (processes < 1 or connection.in_atomic_block or "fork" not in multiprocessing.get_all_start_methods()
            or (connection.vendor == "sqlite" and connection.is_in_memory_db())):
        return None
    connections.close_all()  # a forked child must never share this process's connection
    return multiprocessing.get_context("fork").Pool(processes, initializer=projection.producer_start,
                                                    initargs=(ctx, encode, pack))


def _produced(ctx, encode, pool, processes: int) -> Iterator[tuple[int, list[dict], list]]:
    """The jobs' results in order; with a pool a few jobs ahead, never more (the
    rows of a job waiting here cost memory). The first jobs are handed out at
    once, so the producers start while this process empties the projection."""
    if pool is None:
        return (projection.produce(ctx, job, encode) for job in _jobs())
    jobs = _jobs()
    ahead = deque(pool.apply_async(projection.producer_run, (job,))
                  for job in itertools.islice(jobs, AHEAD * processes))
    return _results(pool, jobs, ahead)


def _results(pool, jobs, ahead: deque) -> Iterator[tuple[int, list[dict], list]]:
    while ahead:
        result = ahead.popleft().get()
        job = next(jobs, None)
        if job is not None:
            ahead.append(pool.apply_async(projection.producer_run, (job,)))
        yield result


def _projected(produced, pack: _Packer, progress: RebuildProgress | None, total: int,
               counter: list[int]) -> Iterator[dict]:
    """Every record's rows, written to the (emptied) projection chunk by chunk
    (with the file texts extracted for it) as they are handed on to the engine."""
    done = 0
    per_chunk = connection.vendor != "postgresql" and not connection.in_atomic_block
    for read, rows, texts in produced:
        with transaction.atomic() if per_chunk else contextlib.nullcontext():
            _insert(rows, pack)
            projection.texts_keep(texts)
        done += read
        counter[0] += len(rows)
        yield from rows
        if progress is not None:
            progress(done, total)


@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a rebuild streams rows, and one
    collection when it ends. A rebuild has hundreds of thousands of rows in flight
    (dicts, freed by reference counting: they form no cycles), and the collector
    scanned them again and again: 3.4 of the writer's 41 seconds for a million
    records, and as much in each producer, which inherits the setting when forked.
    The few cycles made meanwhile (by any thread of the process) wait until then."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def index_rebuild(*, progress: RebuildProgress | None = None, force: bool = False) -> RebuildReport:
    """Rebuild the projection and the engine from the domain tables.

    On PostgreSQL in one transaction (readers keep the old rows until it
    commits); on SQLite chunk by chunk, so the site's writers never wait for
    it (the tantivy index is swapped in whole at the end either way). Outbox
    rows left when it ends (queued before or while it ran) are applied then:
    applying is idempotent, and unchanged records cost no engine write.

    The domain tables are read and projected by producer processes where it
    can (_producer_pool), in chunks of ids; this process writes the projection
    and the engine, in the chunks' order."""
    with _cycle_collection_paused():
        return _index_rebuild(progress=progress, force=force)


def _index_rebuild(*, progress: RebuildProgress | None, force: bool) -> RebuildReport:
    started = time.perf_counter()
    _flag_rebuild(force=force)
    engine = get_engine()
    encode = getattr(engine, "encode", None)
    counter = [0]
    total = sum(projection.count(kind) for kind in KINDS)
    ctx = projection.context(digests=False)
    pack = _Packer(timezone.now())
    processes = conf.rebuild_processes()
    pool = _producer_pool(ctx, encode, pack, processes)
    try:
        whole = transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext()
        produced = _produced(ctx, encode, pool, processes)
        with whole:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {SearchRecord._meta.db_table}")
            engine.rebuild(_projected(produced, pack, progress, total, counter))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        _unflag_rebuild(counter[0])
    pending_apply()
    return RebuildReport(records=total, rows=counter[0], seconds=time.perf_counter() - started, engine=engine.name)


def _projection_rows(chunk: int = 5000) -> Iterator[dict]:
    qs = SearchRecord.objects.order_by("id").values(*RECORD_FIELDS)
    yield from qs.iterator(chunk_size=chunk)


def engine_build(*, force: bool = False) -> int:
    """Build the engine's index from the projection as it stands (no domain
    reads): after the index went missing, or to switch engines."""
    try:
        _flag_rebuild(force=force)
    except RebuildRunning:
        return 0
    engine = get_engine()
    try:
        count = engine.rebuild(_projection_rows())
    finally:
        _unflag_rebuild()
    pending_apply()
    return count
