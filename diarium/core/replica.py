"""Reads that tolerate a replica's lag, and when they go to the primary instead.

A streaming replica of the primary (DATABASE_REPLICA_URL, the database alias
"replica") takes the reads that tolerate its lag. A purpose of such reads
(today only "search": the PostgreSQL search engine's queries) is registered
with `read_purpose_register`; `DIARIUM_<PURPOSE>_READ_DATABASE` names another
alias for one purpose. Everything else (writes, the outbox, what a user just
wrote and expects to see, public outputs that must obey a secrecy marking at
once) stays on the primary.

`read_alias_for(purpose)` gives the replica only while it is healthy:

- reachable (a replica that does not answer sends the reads to the primary);
- a replica at all (`pg_is_in_recovery()`): a server out of recovery that is
  not the primary's own database is a promoted former replica, or no streaming
  replica at all, and is not read; the primary's own database under a second
  alias (Django's TEST MIRROR) is fresh by definition;
- not behind by more than DIARIUM_REPLICA_MAX_LAG seconds (30). A replica that
  has replayed the primary's current WAL position (`pg_current_wal_lsn()` on
  the primary, read just before `pg_last_wal_replay_lsn()` on the replica) is
  caught up, however long ago the last write was: `now() -
  pg_last_xact_replay_timestamp()` alone grows without bound while the primary
  is idle. One that is behind lags by the age of the last transaction it
  replayed. (Right after a long idle spell a write can make a probe that lands
  in the milliseconds before its replay read as lagging: the reads then go to
  the primary for one memo period.)

Each process decides for itself: the probe's answer is kept for
DIARIUM_REPLICA_CHECK_SECONDS (5) per process, so several app servers may
switch a few seconds apart. A switch either way is logged as a warning (logger
"diarium.replica"). A read that fails on the replica (its connection dropped,
the server went away) is retried once on the primary by `read_with_fallback`,
and the replica is then not used until the next probe after the memo period.

`diarium replica-status` prints the decision as JSON.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections, transaction
from django.utils.connection import ConnectionDoesNotExist

logger = logging.getLogger("diarium.replica")

REPLICA_ALIAS = "replica"
DEFAULT_MAX_LAG = 30.0
DEFAULT_CHECK_SECONDS = 5.0

# Why a replica is (not) read.
CAUGHT_UP = "caught_up"  # in recovery, and has replayed all the primary has written
WITHIN_LAG = "within_lag"  # in recovery, behind by no more than the allowed lag
SAME_DATABASE = "same_database"  # the primary's own database under a second alias (a TEST MIRROR)
LAGGING = "lagging"  # behind by more than the allowed lag, or by an unknown time
UNREACHABLE = "unreachable"  # the probe could not connect or query
NOT_A_REPLICA = "not_a_replica"  # another server, not in recovery: promoted, or no streaming replica
FAILED = "failed"  # a read on it failed mid-request (read_with_fallback)
NOT_POSTGRESQL = "not_postgresql"  # no replica probe for other databases

_PURPOSES: set[str] = set()

T = TypeVar("T")


def max_lag() -> float:
    """DIARIUM_REPLICA_MAX_LAG: how many seconds behind the primary a replica may be and still be read."""
    return float(getattr(settings, "DIARIUM_REPLICA_MAX_LAG", DEFAULT_MAX_LAG))


def check_seconds() -> float:
    """DIARIUM_REPLICA_CHECK_SECONDS: how long a process keeps a probe's answer (0: probe before every read)."""
    return float(getattr(settings, "DIARIUM_REPLICA_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))


def read_purpose_register(purpose: str) -> None:
    """Name a kind of lag-tolerant reads (an app's AppConfig.ready), for `diarium replica-status`."""
    _PURPOSES.add(purpose)


def read_purposes() -> list[str]:
    return sorted(_PURPOSES)


def configured_alias(purpose: str) -> str:
    """The alias a purpose's reads are meant for: DIARIUM_<PURPOSE>_READ_DATABASE, else
    "replica" when DATABASE_REPLICA_URL configured one, else "default". An alias that
    does not exist is "default"."""
    alias = getattr(settings, f"DIARIUM_{purpose.upper()}_READ_DATABASE", None) or (
        REPLICA_ALIAS if REPLICA_ALIAS in settings.DATABASES else DEFAULT_DB_ALIAS)
    try:
        connections[alias]
    except ConnectionDoesNotExist:
        return DEFAULT_DB_ALIAS
    return alias


@dataclass(frozen=True)
class ReplicaHealth:
    """One decision about one alias: whether reads go there, and why."""

    alias: str
    usable: bool
    reason: str
    lag_seconds: float | None = None
    behind_bytes: int | None = None
    in_recovery: bool | None = None
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


# --- the probe ----------------------------------------------------------------------------------

PRIMARY_SQL = "SELECT pg_current_wal_lsn()::text"
# On the replica: whether it is one, what it has received and replayed, how old the
# last replayed transaction is, and how far its replay is behind the primary's
# position (NULL when that position is unknown or the server is not in recovery).
REPLICA_SQL = (
    "SELECT pg_is_in_recovery(), pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text,"
    " EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp()))::float8,"
    " pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())::bigint"
)


def primary_position() -> str | None:
    """The primary's current WAL position, or None when it cannot say (not
    PostgreSQL, or itself in recovery). In a savepoint, so a refusal never spoils
    the request's transaction."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return None
    try:
        with transaction.atomic(using=DEFAULT_DB_ALIAS), connection.cursor() as cursor:
            cursor.execute(PRIMARY_SQL)
            return cursor.fetchone()[0]
    except DatabaseError:
        return None


def lag_probe(alias: str, primary_lsn: str | None) -> dict:
    """The replica's own account of itself (REPLICA_SQL). Raises DatabaseError
    when it cannot be reached or asked."""
    with connections[alias].cursor() as cursor:
        cursor.execute(REPLICA_SQL, [primary_lsn])
        in_recovery, received, replayed, replay_age, behind = cursor.fetchone()
    return {"in_recovery": in_recovery, "received": received, "replayed": replayed, "replay_age": replay_age,
            "behind_bytes": behind}


def _same_database(alias: str) -> bool:
    """Whether `alias` reaches the primary's own database (same host, port and name)."""
    mine, primary = connections[alias].settings_dict, connections[DEFAULT_DB_ALIAS].settings_dict
    return all(str(mine.get(key) or "") == str(primary.get(key) or "") for key in ("HOST", "PORT", "NAME"))


def judge(alias: str, probe: dict, *, same_database: bool, limit: float) -> ReplicaHealth:
    """The decision from a probe's figures (lag_probe)."""
    behind = probe.get("behind_bytes")
    if not probe.get("in_recovery"):
        if same_database:
            return ReplicaHealth(alias, True, SAME_DATABASE, lag_seconds=0.0, behind_bytes=0, in_recovery=False)
        return ReplicaHealth(alias, False, NOT_A_REPLICA, in_recovery=False,
                             detail="not in recovery: a promoted replica, or not a streaming replica")
    caught_up = behind is not None and behind <= 0
    if behind is None and probe.get("received") is not None:
        # The primary's position is unknown: all it has received is replayed.
        caught_up = probe.get("received") == probe.get("replayed")
    if caught_up:
        return ReplicaHealth(alias, True, CAUGHT_UP, lag_seconds=0.0, behind_bytes=max(behind or 0, 0),
                             in_recovery=True)
    lag = probe.get("replay_age")
    if lag is None:  # nothing replayed since it started: how far behind is unknown
        return ReplicaHealth(alias, False, LAGGING, behind_bytes=behind, in_recovery=True,
                             detail="behind the primary by an unknown time")
    lag = max(float(lag), 0.0)
    return ReplicaHealth(alias, lag <= limit, WITHIN_LAG if lag <= limit else LAGGING, lag_seconds=round(lag, 3),
                         behind_bytes=behind, in_recovery=True)


def health_check(alias: str) -> ReplicaHealth:
    """Probe `alias` now (no memo) and decide."""
    if connections[alias].vendor != "postgresql":
        same = alias == DEFAULT_DB_ALIAS or _same_database(alias)
        return ReplicaHealth(alias, same, SAME_DATABASE if same else NOT_POSTGRESQL)
    primary_lsn = primary_position()
    try:
        probe = lag_probe(alias, primary_lsn)
    except DatabaseError as exc:
        _close(alias)
        return ReplicaHealth(alias, False, UNREACHABLE, detail=_one_line(exc))
    return judge(alias, probe, same_database=_same_database(alias), limit=max_lag())


# --- the memo, per process ------------------------------------------------------------------------

_lock = threading.Lock()
_memo: dict[str, tuple[float, ReplicaHealth]] = {}
_last_usable: dict[str, bool] = {}


def health(alias: str) -> ReplicaHealth:
    """The decision for `alias`, probed at most once per DIARIUM_REPLICA_CHECK_SECONDS in this process."""
    now = time.monotonic()
    with _lock:
        kept = _memo.get(alias)
    if kept is not None and now - kept[0] < check_seconds():
        return kept[1]
    decided = health_check(alias)
    _remember(decided)
    return decided


def _remember(decided: ReplicaHealth) -> None:
    with _lock:
        _memo[decided.alias] = (time.monotonic(), decided)
        before = _last_usable.get(decided.alias, True)
        _last_usable[decided.alias] = decided.usable
    if before and not decided.usable:
        logger.warning("Reads for the database %r go to the primary: %s (%s)%s", decided.alias, decided.reason,
                       _lag_text(decided), f": {decided.detail}" if decided.detail else "")
    elif not before and decided.usable:
        logger.warning("Reads go back to the database %r: %s (%s)", decided.alias, decided.reason,
                       _lag_text(decided))


def _lag_text(decided: ReplicaHealth) -> str:
    if decided.lag_seconds is None:
        return "lag unknown"
    return f"lag {decided.lag_seconds:.1f} s of at most {max_lag():g} s"


def forget() -> None:
    """Drop the memo (tests; a process that wants a fresh decision at once)."""
    with _lock:
        _memo.clear()
        _last_usable.clear()


def mark_failed(alias: str, exc: BaseException) -> None:
    """A read on `alias` failed mid-request: not used until the next probe after the memo period."""
    _close(alias)
    _remember(ReplicaHealth(alias, False, FAILED, detail=_one_line(exc)))


def _close(alias: str) -> None:
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


# --- what the readers call ------------------------------------------------------------------------

def read_alias_for(purpose: str) -> str:
    """The alias a lag-tolerant read for `purpose` goes to now: its configured
    alias (configured_alias) while that is healthy, else the primary."""
    alias = configured_alias(purpose)
    if alias == DEFAULT_DB_ALIAS:
        return alias
    return alias if health(alias).usable else DEFAULT_DB_ALIAS


def read_with_fallback(purpose: str, read: Callable[[str], T]) -> T:
    """`read(alias)` on the alias read_alias_for(purpose) gives; when that is a
    replica and the read fails on its connection (dropped, server gone), once
    more on the primary. Only connection-level errors are retried: a wrong query
    fails on the primary just the same."""
    alias = read_alias_for(purpose)
    if alias == DEFAULT_DB_ALIAS:
        return read(alias)
    try:
        return read(alias)
    except (OperationalError, InterfaceError) as exc:
        if connections[alias].in_atomic_block:
            raise  # a transaction on the replica is the caller's to end
        mark_failed(alias, exc)
        return read(DEFAULT_DB_ALIAS)


def status(purposes: list[str] | None = None) -> dict:
    """Where each purpose's reads go now and why (for `diarium replica-status`)."""
    purposes = purposes or read_purposes()
    aliases = sorted({configured_alias(p) for p in purposes} - {DEFAULT_DB_ALIAS})
    checks = {alias: health(alias) for alias in aliases}
    reads = {}
    for purpose in purposes:
        alias = configured_alias(purpose)
        reads[purpose] = alias if alias == DEFAULT_DB_ALIAS or checks[alias].usable else DEFAULT_DB_ALIAS
    return {"reads": reads, "configured": {p: configured_alias(p) for p in purposes},
            "databases": {alias: check.as_dict() for alias, check in checks.items()},
            "max_lag_seconds": max_lag(), "check_seconds": check_seconds()}


# --- /metrics -------------------------------------------------------------------------------------

def reads_by_purpose() -> dict[str, int]:
    """Per purpose, 1 when this process's reads go to a replica now, 0 when to the primary."""
    return {purpose: int(read_alias_for(purpose) != DEFAULT_DB_ALIAS) for purpose in read_purposes()}


def lag_by_alias() -> dict[str, float]:
    """Per configured replica, its lag at this process's last probe (left out when unknown)."""
    aliases = {configured_alias(purpose) for purpose in read_purposes()} - {DEFAULT_DB_ALIAS}
    lags = {alias: health(alias).lag_seconds for alias in sorted(aliases)}
    return {alias: lag for alias, lag in lags.items() if lag is not None}


def register_gauges() -> None:
    """The gauges of /metrics (diarium.core.metrics): where this process reads, and the replicas' lag."""
    from . import metrics

    metrics.register_gauge("diarium_replica_reads",
                           "1 when this process's lag-tolerant reads of a purpose go to a replica, 0 the primary.",
                           reads_by_purpose, label="purpose")
    metrics.register_gauge("diarium_replica_lag_seconds",
                           "Seconds a replica was behind the primary at this process's last probe.",
                           lag_by_alias, label="database")
