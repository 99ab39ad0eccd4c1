"""Queries per request of the JSON API's case list, as bench/registry_bench.py
counts them (phase 4): within its budget, for an anonymous caller and a
registrar, and the same however many cases and documents are on the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diarium.accounts import services as accounts
from diarium.registry import services as registry

from . import factories as f

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10  # TARGET_QUERIES of bench/registry_bench.py
URL = "/api/cases?limit=50"  # the benchmark's "API case list"


@pytest.fixture(autouse=True)
def _public_rate_limit_on(settings):
    """As in production and in the benchmark: the anonymous API is rate-limited,
    and the counter in the (database) cache costs queries on every request."""
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "600/60"


def cases_register(registrar, organ, n: int, *, start: int = 0) -> None:
    """`n` cases, every other with a case officer, each with a public, a
    private-person and a secret document."""
    officer = accounts.person_create(organisation=organ.organisation, name=f"Handläggare {start}", organ=organ)
    for i in range(start, start + n):
        case = f.case(registrar, organ, title=f"Bygglov {i}", case_officer=officer if i % 2 else None)
        f.document(registrar, case)
        f.document(registrar, case, counterpart="Anna Andersson", counterpart_is_private=True)
        secret = f.document(registrar, case, counterpart="Hemlig AB", description="Hälsouppgifter")
        registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                      masked_fields=["counterpart", "description"])


def queries_of(client, url: str = URL) -> tuple[int, str, dict]:
    """(queries, their SQL, the JSON) of `url`, requested once before it is
    counted, as the benchmark does."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), "\n".join(q["sql"] for q in queries.captured_queries), response.json()


@pytest.mark.parametrize("who", ["anonymous", "registrar"])
def test_case_list_takes_few_queries_however_many_cases(client, org, ks, registrar, who):
    if who == "registrar":
        client.force_login(registrar)
    cases_register(registrar, ks, 3)
    few, sql, data = queries_of(client)
    assert len(data["items"]) == 3
    assert few <= MAX_QUERIES, sql

    cases_register(registrar, ks, 17, start=3)
    many, sql, data = queries_of(client)
    assert len(data["items"]) == 20
    assert many == few, sql  # no query per case, organ, case officer or document


def test_a_full_page_with_its_count_stays_within_the_budget(client, org, ks, registrar):
    """The benchmark's register holds more cases than a page: the total is counted too."""
    cases_register(registrar, ks, 6)
    count, sql, data = queries_of(client, "/api/cases?limit=5")
    assert data["count"] == 6 and len(data["items"]) == 5
    assert count <= MAX_QUERIES, sql


def test_the_rate_limit_costs_one_query_a_request(client, org, ks, registrar, settings):
    """The anonymous API's rate limit counts in one statement (diarium/core/ratelimit.py);
    the database cache's read-then-write cost six."""
    cases_register(registrar, ks, 3)
    limited, _sql, _data = queries_of(client)
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "off"
    unlimited, _sql, _data = queries_of(client)
    assert limited - unlimited == 1
