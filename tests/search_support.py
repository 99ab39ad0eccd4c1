"""Shared by the search tests: run a test on each engine, search as someone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from diarium.search import selectors, services

ENGINES = ["tantivy", "postgres"]


# Test modules import these under their function names and use them by fixture name
# (search_engine, tantivy_engine), so the parameter names do not shadow the imports.
@pytest.fixture(name="search_engine", params=ENGINES)
def search_engine_fixture(request, settings, db):
    """The engine under test, with its index built (empty) so that every write
    after this is searchable at once. PostgreSQL's engine needs PostgreSQL."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs a PostgreSQL test database")
    settings.DIARIUM_SEARCH_ENGINE = request.param
    services.index_rebuild()
    return request.param


@pytest.fixture(name="tantivy_engine")
def tantivy_engine_fixture(settings, db):
    settings.DIARIUM_SEARCH_ENGINE = "tantivy"
    services.index_rebuild()
    return "tantivy"


ANONYMOUS = AnonymousUser()


def find(user, q, **filters):
    return selectors.search(user=user or ANONYMOUS, q=q, **filters)


def titles(result) -> list[str]:
    return [h.title for h in result.hits]


def facet(result, name) -> dict[str, int]:
    return {f.value: f.count for f in result.facets.get(name, [])}
