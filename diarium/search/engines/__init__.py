"""The search engines behind one interface (base.Engine): tantivy (default),
PostgreSQL full-text search, and the database fallback."""

from __future__ import annotations

from .. import conf
from .base import Engine, EngineBusy, EngineResult, EngineUnavailable, Filters


def get_engine(name: str | None = None) -> Engine:
    """The engine DIARIUM_SEARCH_ENGINE selects (or `name`), created per call:
    engines hold no state of their own beyond process-wide reader caches."""
    name = name or conf.engine_name()
    if name == "postgres":
        from .postgres import PostgresEngine

        return PostgresEngine()
    if name == "database":
        return fallback()
    from .tantivy import TantivyEngine

    return TantivyEngine()


def fallback() -> Engine:
    from .database import DatabaseEngine

    return DatabaseEngine()


__all__ = ["Engine", "EngineBusy", "EngineResult", "EngineUnavailable", "Filters", "fallback", "get_engine"]
