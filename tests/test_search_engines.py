"""Matching, filters, facets, sorting, snippets and paging, on each engine
(tantivy, and PostgreSQL's own full-text search when the tests run there)."""

from __future__ import annotations

import datetime as dt

import pytest

from diarium.accounts.models import Organ
from diarium.registry import services as registry

from . import factories as f
from .search_support import (  # noqa: F401
    facet,
    find,
    search_engine_fixture,
    tantivy_engine_fixture,
    titles,
)

pytestmark = pytest.mark.django_db


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T10:00:00+02:00")


@pytest.fixture
def bun(org):
    return f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)


def test_stemming_finds_inflected_forms(search_engine, registrar, ks):
    f.case(registrar, ks, title="Handlingsplanen för digital målbild")
    f.case(registrar, ks, title="Uppföljning av handlingsplanerna 2019")
    f.case(registrar, ks, title="Digitaliseringen av skolan")
    f.case(registrar, ks, title="Skolskjuts till Sollebrunn")
    assert sorted(titles(find(None, "handlingsplan"))) == [
        "Handlingsplanen för digital målbild", "Uppföljning av handlingsplanerna 2019"]
    assert titles(find(None, "digitalisering")) == ["Digitaliseringen av skolan"]
    assert titles(find(None, "Handlingsplanerna")) == titles(find(None, "handlingsplan"))


def test_a_phrase_needs_its_words_in_order(search_engine, registrar, ks):
    f.case(registrar, ks, title="Digital målbild för Alingsås kommun")
    f.case(registrar, ks, title="Målbild för det digitala arbetet")
    assert titles(find(None, '"digital målbild"')) == ["Digital målbild för Alingsås kommun"]
    assert len(find(None, "digital målbild").hits) == 2  # as words, both match
    assert titles(find(None, '"digital målbild')) == ["Digital målbild för Alingsås kommun"]  # unclosed quote


def test_a_prefix_finds_longer_words(search_engine, registrar, ks):
    f.case(registrar, ks, title="Handlingsplanen för digital målbild")
    f.case(registrar, ks, title="Handläggning av bygglov")
    assert titles(find(None, "handlings*")) == ["Handlingsplanen för digital målbild"]
    assert set(titles(find(None, "handl*"))) == {"Handläggning av bygglov", "Handlingsplanen för digital målbild"}
    assert titles(find(None, "handlings")) == []  # without the star, a whole word


def test_excluded_words_and_alternatives(search_engine, registrar, ks):
    f.case(registrar, ks, title="Plan för skolans digitalisering")
    f.case(registrar, ks, title="Plan för äldreomsorgens digitalisering")
    f.case(registrar, ks, title="Skolskjuts till Sollebrunn")
    assert titles(find(None, "digitalisering -skolans")) == ["Plan för äldreomsorgens digitalisering"]
    assert titles(find(None, 'digitalisering -"skolans digitalisering"')) == [
        "Plan för äldreomsorgens digitalisering"]
    assert sorted(titles(find(None, "skolskjuts OR äldreomsorgens"))) == [
        "Plan för äldreomsorgens digitalisering", "Skolskjuts till Sollebrunn"]


def test_a_diary_number_finds_the_case_and_its_documents(search_engine, registrar, ks):
    case = f.case(registrar, ks, title="Digital målbild")
    f.document(registrar, case, description="Remissvar från Sambruk")
    f.case(registrar, ks, title="Något annat")
    result = find(None, case.diary_number)
    assert {h.kind for h in result.hits} == {"case", "document"}
    assert {h.diary_number for h in result.hits} == {case.diary_number, f"{case.diary_number}-1"}


@pytest.fixture
def spread(registrar, ks, bun):
    """Six cases about budgets on two organs over three years, one closed."""
    cases = [
        f.case(registrar, ks, title="Budget 2018 för kommunstyrelsen", registered_at=at("2018-03-01")),
        f.case(registrar, ks, title="Budget 2019 för kommunstyrelsen", registered_at=at("2019-03-01")),
        f.case(registrar, ks, title="Budget 2020 för kommunstyrelsen", registered_at=at("2020-03-01")),
        f.case(registrar, bun, title="Budget 2019 för skolan", registered_at=at("2019-04-01")),
        f.case(registrar, bun, title="Budget 2020 för skolan", registered_at=at("2020-04-01")),
        f.case(registrar, bun, title="Skolskjuts", registered_at=at("2020-05-01")),
    ]
    registry.case_close(actor=registrar, case=cases[0], reason="Klart")
    return cases


def test_filters_narrow_the_hits_and_facets_count_them(search_engine, spread, ks, bun):
    everything = find(None, "budget")
    assert everything.total == 5
    assert facet(everything, "kind") == {"case": 5}
    assert facet(everything, "organ") == {str(ks.pk): 3, str(bun.pk): 2}
    assert facet(everything, "year") == {"2018": 1, "2019": 2, "2020": 2}
    assert facet(everything, "status") == {"case:open": 4, "case:closed": 1}
    assert {v.label for v in everything.facets["organ"]} == {"Kommunstyrelsen", "Barn- och ungdomsnämnden"}
    assert {v.label for v in everything.facets["status"]} == {"Ärende: Pågående", "Ärende: Avslutat"}

    school = find(None, "budget", organ=bun.pk)
    assert sorted(titles(school)) == ["Budget 2019 för skolan", "Budget 2020 för skolan"]
    assert facet(school, "organ") == {str(bun.pk): 2}
    assert [v.selected for v in school.facets["organ"]] == [True]
    assert facet(school, "year") == {"2019": 1, "2020": 1}

    assert titles(find(None, "budget", year=2018)) == ["Budget 2018 för kommunstyrelsen"]
    assert titles(find(None, "budget", status="case:closed")) == ["Budget 2018 för kommunstyrelsen"]
    assert find(None, "budget", kind="document").total == 0
    between = find(None, "budget", date_from="2019-03-15", date_to=dt.date(2020, 3, 31))
    assert sorted(titles(between)) == ["Budget 2019 för skolan", "Budget 2020 för kommunstyrelsen"]


def test_invalid_filters_give_swedish_messages(search_engine, spread):
    reversed_range = find(None, "budget", date_from="2020-01-01", date_to="2019-01-01")
    assert reversed_range.message == "Slutdatumet kan inte vara före startdatumet."
    assert reversed_range.errors == {"date_to": ["Slutdatumet kan inte vara före startdatumet."]}
    assert reversed_range.hits == [] and reversed_range.total == 0
    assert find(None, "budget", date_from="igår").errors == {
        "date_from": ["Ogiltigt datum. Skriv det som ÅÅÅÅ-MM-DD."]}
    assert find(None, "budget", year="tjugohundra").message == "Ogiltigt år."
    assert find(None, "budget", kind="hemligt").message == "Okänd typ av träff."
    assert find(None, "budget", organ="1; DROP TABLE").message == "Okänt organ."
    assert find(None, "budget", sort="random").message == "Okänd sortering."
    assert find(None, "budget", status="x' OR 1=1").message == "Okänd status."


def test_sort_by_date_puts_the_newest_first(search_engine, spread):
    newest_first = titles(find(None, "budget", sort="date"))
    assert newest_first == ["Budget 2020 för skolan", "Budget 2020 för kommunstyrelsen", "Budget 2019 för skolan",
                            "Budget 2019 för kommunstyrelsen", "Budget 2018 för kommunstyrelsen"]
    by_relevance = find(None, "budget")
    assert sorted(titles(by_relevance)) == sorted(newest_first)
    assert all(h.score is not None for h in by_relevance.hits)


def test_snippets_mark_the_words_and_escape_everything_else(search_engine, registrar, ks):
    f.case(registrar, ks, title="<script>alert('x')</script> Handlingsplanen & målen",
           description="Förslag till <b>handlingsplan</b> för öppna data & e-tjänster, med budget.")
    result = find(None, "handlingsplan")
    [hit] = result.hits
    assert hit.title == "<script>alert('x')</script> Handlingsplanen & målen"
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<mark>Handlingsplanen</mark>" in hit.title_html and "&amp; målen" in hit.title_html
    assert "<mark>handlingsplan</mark>" in hit.snippet_html
    assert "<b>" not in hit.snippet_html  # shown escaped (tantivy) or left out (PostgreSQL's ts_headline)
    assert hit.snippet_html.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert hit.url == f"/arenden/{result.hits[0].key.split(':')[1]}/"
    assert hit.kind_label == "Ärende" and hit.organ == "Kommunstyrelsen (KS)"


def test_pages_split_the_hits_without_overlap(search_engine, registrar, ks):
    for n in range(25):
        f.case(registrar, ks, title=f"Remiss nummer {n}", registered_at=at(f"2019-01-{n + 1:02d}"))
    pages = [find(None, "remiss", sort="date", page=p, per_page=10) for p in (1, 2, 3, 4)]
    assert [len(p.hits) for p in pages] == [10, 10, 5, 0]
    assert {p.total for p in pages} == {25}
    assert pages[0].pages == 3 and pages[0].has_next and not pages[2].has_next
    seen = [h.title for p in pages for h in p.hits]
    assert len(seen) == len(set(seen)) == 25
    assert seen[0] == "Remiss nummer 24" and seen[-1] == "Remiss nummer 0"
    assert len(find(None, "remiss", per_page=1000).hits) == 25  # capped at 100 a page


def test_compound_endings_in_titles_with_tantivy(tantivy_engine, registrar, ks):
    f.case(registrar, ks, title="Handlingsplan för digital målbild")
    f.case(registrar, ks, title="Detaljplanen för Sollebrunn")
    f.case(registrar, ks, title="Planering av skolskjuts")
    found = titles(find(None, "plan"))
    assert sorted(found) == ["Detaljplanen för Sollebrunn", "Handlingsplan för digital målbild"]
    assert "<mark>Handlingsplan</mark>" in find(None, "plan").hits[0].title_html or \
        "<mark>Handlingsplan</mark>" in find(None, "plan").hits[1].title_html


@pytest.mark.django_db(transaction=True)  # the replica's connection sees only what is committed
def test_the_postgresql_engine_searches_on_the_replica(settings, registrar, ks):
    """With a streaming replica (DATABASE_REPLICA_URL; DIARIUM_SEARCH_READ_DATABASE),
    the PostgreSQL engine's searches, facets and snippets are read there and the
    primary is left to the writes. The replica is here a second connection to the
    test database, as Django's TEST MIRROR makes it."""
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from diarium.search import services

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs a PostgreSQL test database")
    settings.DIARIUM_SEARCH_ENGINE = "postgres"
    services.index_rebuild()
    f.case(registrar, ks, title="Handlingsplan för digitalisering")
    connections["replica"] = connections.create_connection("default")  # its own session on the test database
    settings.DIARIUM_SEARCH_READ_DATABASE = "replica"
    try:
        with CaptureQueriesContext(connections["replica"]) as replica, \
                CaptureQueriesContext(connections["default"]) as primary:
            result = find(None, "handlingsplanen")
        assert titles(result) == ["Handlingsplan för digitalisering"] and result.total == 1
        assert facet(result, "kind")  # counted on the replica too
        on_replica = " ".join(q["sql"] for q in replica.captured_queries)
        assert "search_vector @@" in on_replica and "ts_headline" in on_replica and "GROUP BY" in on_replica
        assert not any("search_vector" in q["sql"] for q in primary.captured_queries)
    finally:
        connections["replica"].close()
        del connections["replica"]
