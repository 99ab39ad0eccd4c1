"""Rows named by id in a request body: an unknown id is the client's error on
that field (400 with the field named), not a missing page (404). The selectors
and access functions that fetch referenced rows wrap their lookups in this."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .errors import DomainError, NotFound

T = TypeVar("T")


def referenced(lookup: Callable[[], T], field: str) -> T:
    """`lookup()`, with its NotFound turned into a DomainError on `field`."""
    try:
        return lookup()
    except NotFound as exc:
        raise DomainError(exc.message, field=field) from exc


def first_with_total(qs, limit: int) -> tuple[list, int]:
    """The first `limit` rows of `qs` and the count of all its rows, in one
    query (a window count over the whole result): a list and its heading's
    number without a second COUNT."""
    from django.db.models import Count, Window

    rows = list(qs.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, (rows[0].total_rows if rows else 0)
