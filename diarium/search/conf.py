"""Settings of the search app, read lazily (never at import time) with defaults."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

ENGINES = ("tantivy", "postgres")
# The reads that may go to a replica (diarium.core.replica; DIARIUM_SEARCH_READ_DATABASE).
READ_PURPOSE = "search"


def engine_name() -> str:
    """DIARIUM_SEARCH_ENGINE: "tantivy" (default) or "postgres"."""
    name = str(getattr(settings, "DIARIUM_SEARCH_ENGINE", "tantivy") or "tantivy").strip().lower()
    return name if name in ENGINES else "tantivy"


def index_dir() -> Path:
    """DIARIUM_SEARCH_INDEX_DIR: where the tantivy index lives (default VAR_DIR/search-index)."""
    configured = getattr(settings, "DIARIUM_SEARCH_INDEX_DIR", None)
    if configured:
        return Path(configured)
    return Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "search-index"


def writer_heap_bytes() -> int:
    """DIARIUM_SEARCH_WRITER_HEAP_MB: memory of the tantivy writer during a rebuild."""
    return int(getattr(settings, "DIARIUM_SEARCH_WRITER_HEAP_MB", 512)) * 1024 * 1024


def batch_size() -> int:
    """How many outbox rows one pass of pending_apply takes."""
    return int(getattr(settings, "DIARIUM_SEARCH_BATCH", 500))


def read_database() -> str:
    """The database alias the PostgreSQL engine's searches read now: the one
    DIARIUM_SEARCH_READ_DATABASE names, else "replica" (a streaming replica) when
    DATABASE_REPLICA_URL is set, while it is reachable and not lagging
    (diarium.core.replica); else "default". Writes and the outbox stay on the primary."""
    from diarium.core import replica

    return replica.read_alias_for(READ_PURPOSE)


def rebuild_processes() -> int:
    """DIARIUM_SEARCH_REBUILD_PROCESSES: processes that read and project the
    domain tables during `diarium reindex` beside the one writing the projection
    and the index (default: one per CPU beyond the first; 0 projects in-process)."""
    import os

    configured = getattr(settings, "DIARIUM_SEARCH_REBUILD_PROCESSES", None)
    if configured not in (None, ""):
        return max(0, int(configured))
    return max(0, (os.cpu_count() or 1) - 1)


def count_limit() -> int:
    """DIARIUM_SEARCH_COUNT_LIMIT: the PostgreSQL engine counts matches exactly
    up to this many (default 1,000); beyond it the total reads "more than 1 000"."""
    return max(1, int(getattr(settings, "DIARIUM_SEARCH_COUNT_LIMIT", 1000)))


def sample_limit() -> int:
    """DIARIUM_SEARCH_SAMPLE_LIMIT: the PostgreSQL engine ranks, and counts the
    facets of, at most this many matches (default 10,000, the deepest hit a page
    reaches); a query matching more is answered from the first ones found."""
    return max(1, int(getattr(settings, "DIARIUM_SEARCH_SAMPLE_LIMIT", 10_000)))
