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
