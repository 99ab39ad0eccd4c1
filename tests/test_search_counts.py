"""Totals and facet counts: the facets add up to the total on every engine; the
PostgreSQL engine stops counting at DIARIUM_SEARCH_COUNT_LIMIT ("fler än …")
and counts facets and ranks among the first DIARIUM_SEARCH_SAMPLE_LIMIT
matches, with the limits lowered here; and a reader who may read a hidden
document counts it, the public does not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from diarium.registry import services as registry

from . import factories as f
from .search_support import facet, find, search_engine_fixture, titles  # noqa: F401

pytestmark = pytest.mark.django_db

WORD = "tillsynsrapport"
SECRET_WORD = "hemligordet"


@pytest.fixture
def postgres_engine(settings, db):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs a PostgreSQL test database")
    from diarium.search import services

    settings.DIARIUM_SEARCH_ENGINE = "postgres"
    services.index_rebuild()
    return "postgres"


@pytest.fixture
def reports(registrar, ks):
    """Seven cases and a document with the word, dated a day apart; the case of 2019-01-07 is closed."""
    cases = [f.case(registrar, ks, title=f"{WORD.capitalize()} nummer {n}",
                    registered_at=dt.datetime.fromisoformat(f"2019-01-{n:02d}T10:00:00+01:00")) for n in range(1, 8)]
    registry.case_close(actor=registrar, case=cases[-1], reason="Klart")
    f.document(registrar, cases[0], description=f"Bilaga till {WORD}")
    return cases


def test_facets_add_up_to_the_total(search_engine, reports):
    result = find(None, WORD)
    assert result.total == 8 and not result.total_is_lower_bound and result.facets_within is None
    for name in ("kind", "year", "status", "organ"):
        assert sum(facet(result, name).values()) == result.total, name
    assert facet(result, "kind") == {"case": 7, "document": 1}


def test_the_count_stops_at_the_limit_and_says_more_than(postgres_engine, reports, settings, client):
    settings.DIARIUM_SEARCH_COUNT_LIMIT = 3
    result = find(None, WORD)
    assert result.total == 3 and result.total_is_lower_bound
    assert facet(result, "kind") == {"case": 7, "document": 1}  # the facets count every match still
    assert result.facets_within is None
    second = find(None, WORD, per_page=2, page=2)
    assert second.pages == 2 and second.has_next  # a full page past a lower bound may have more
    assert len(find(None, WORD, per_page=2, page=4).hits) == 2  # and it does
    assert not find(None, WORD, per_page=3, page=3).has_next  # not past the last page

    page = client.get("/sok/", {"q": WORD}).content.decode()
    assert '<p class="hits" id="traffar">Fler än 3 träffar</p>' in page
    assert f"<title>Sökresultat för ”{WORD}” (fler än 3 träffar) – Sök – Diarium</title>" in page
    body = client.get("/api/search", {"q": WORD}).json()
    assert body["total"] == 3 and body["total_is_lower_bound"] is True and body["facets_within"] is None

    settings.DIARIUM_SEARCH_COUNT_LIMIT = 1
    assert '<p class="hits" id="traffar">Fler än 1 träff</p>' in client.get("/sok/", {"q": WORD}).content.decode()
    settings.DIARIUM_SEARCH_COUNT_LIMIT = 8
    exact = find(None, WORD)
    assert exact.total == 8 and not exact.total_is_lower_bound


def test_facets_and_ranks_come_from_the_sample_and_dates_from_every_match(postgres_engine, reports, settings,
                                                                          client):
    settings.DIARIUM_SEARCH_SAMPLE_LIMIT = 4  # and the count stops there too
    result = find(None, WORD)
    assert result.total == 4 and result.total_is_lower_bound and result.facets_within == 4
    assert sum(facet(result, "kind").values()) == 4
    assert len(result.hits) == 5  # the sample holds one more than it counts
    # Newest first stays exact over every match, not the sample's.
    assert titles(find(None, WORD, sort="date", per_page=2)) == [
        f"{WORD.capitalize()} nummer 7", f"{WORD.capitalize()} nummer 6"]
    every = [t for n in (1, 2, 3, 4) for t in titles(find(None, WORD, sort="date", per_page=2, page=n))]
    assert len(set(every)) == 8  # beyond the sample too
    page = client.get("/sok/", {"q": WORD}).content.decode()
    assert "Antalen gäller de första 4 träffarna." in page and "Fler än 4 träffar" in page


def test_a_hidden_document_is_counted_only_for_a_reader_who_may_read_it(postgres_engine, registrar, ks,
                                                                         settings):
    case = f.case(registrar, ks, title="Tillsyn av hemtjänsten")
    for n in range(2):
        f.document(registrar, case, description=f"Öppen uppgift {n} om {SECRET_WORD}")
    for n in range(3):
        secret = f.document(registrar, case, description=f"Uppgift {n} om {SECRET_WORD} hälsa")
        registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                      masked_fields=["description"])
    public, staff = find(None, SECRET_WORD), find(registrar, SECRET_WORD)
    assert (public.total, staff.total) == (2, 5)
    assert facet(public, "kind") == {"document": 2} and facet(staff, "kind") == {"document": 5}

    settings.DIARIUM_SEARCH_COUNT_LIMIT = 3
    public, staff = find(None, SECRET_WORD), find(registrar, SECRET_WORD)
    assert (public.total, public.total_is_lower_bound) == (2, False)
    assert (staff.total, staff.total_is_lower_bound) == (3, True)
    assert facet(public, "kind") == {"document": 2}
    assert SECRET_WORD not in " ".join(h.snippet_html + h.title_html for h in public.hits if "Öppen" not in h.title)


def test_with_several_organisations_organs_say_whose_they_are(search_engine, registrar, ks, client):
    """A county's shared register has a Kommunstyrelsen per municipality: the
    organ filter groups them by organisation and the organ facet names it."""
    boras = f.organisation(name="Borås stad", slug="boras")
    boras_ks = f.organ(boras)
    f.case(registrar, ks, title=f"{WORD.capitalize()} i Alingsås")
    f.case(f.registrar(boras), boras_ks, title=f"{WORD.capitalize()} i Borås")
    labels = {v.label for v in find(None, WORD).facets["organ"]}
    assert labels == {"Kommunstyrelsen, Alingsås kommun", "Kommunstyrelsen, Borås stad"}
    page = client.get("/sok/", {"q": WORD, "organ": boras_ks.pk}).content.decode()
    select = page[page.index('<select name="organ"'):]
    select = select[:select.index("</select>")]
    assert (f'<optgroup label="Borås stad"><option value="{boras_ks.pk}" selected>Kommunstyrelsen (KS)</option>'
            in select)
    assert '<optgroup label="Alingsås kommun">' in select


def test_the_page_rows_are_read_under_the_audience_condition_again(postgres_engine, registrar, ks):
    """The PostgreSQL engine reads a page's rows and snippets by id in a second
    statement: a row that is no longer the reader's variant by then (a document
    marked secret in between) is left out, never shown."""
    from diarium.search.access import PUBLIC, audience_for
    from diarium.search.engines import Filters
    from diarium.search.engines.database import visible
    from diarium.search.engines.postgres import PostgresEngine, tsquery
    from diarium.search.models import SearchRecord
    from diarium.search.query import parse

    case = f.case(registrar, ks, title="Tillsyn av hemtjänsten")
    secret = f.document(registrar, case, description=f"Uppgift om {SECRET_WORD} hälsa")
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                  masked_fields=["description"])
    [row] = SearchRecord.objects.filter(key=f"document:{secret.pk}", tier_secret=True, tier_public=False)
    tsq, params = tsquery(parse(SECRET_WORD))
    assert PostgresEngine._headlines(visible(PUBLIC, Filters()), [row.pk], tsq, params) == {}
    staff = PostgresEngine._headlines(visible(audience_for(registrar), Filters()), [row.pk], tsq, params)
    assert SECRET_WORD in staff[row.pk]["title"] and SECRET_WORD in staff[row.pk]["title_hl"]
