"""GET /api/search: the same search as /sok/ over JSON, for anonymous callers
(the public, rate-limited), API tokens and sessions (their own rights); bad
filters are 400 with Swedish errors, and no text in `q` ever gives a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diarium.accounts.models import Role
from diarium.registry import services as registry

from . import factories as f
from .api_support import bearer, token_for
from .search_support import search_engine_fixture  # noqa: F401
from .test_api_schema import check

pytestmark = pytest.mark.django_db

URL = "/api/search"
SECRET_WORD = "hemligordet"


@pytest.fixture
def world(search_engine, org, ks, registrar):
    """Built once per engine: tantivy, and PostgreSQL's own on a PostgreSQL database."""
    case = f.case(registrar, ks)
    answer = f.document(registrar, case, counterpart="Sambruk", description="Remissvar om digital målbild")
    secret = f.document(registrar, case, counterpart="Kalle Ankasson", description=f"Uppgifter om {SECRET_WORD} hälsa")
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                  masked_fields=["counterpart", "description"])
    return {"case": case, "answer": answer, "secret": secret}


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").json()


def conforms(response, spec, status=200):
    schema = spec["paths"]["/api/search"]["get"]["responses"][str(status)]["content"]["application/json"]["schema"]
    problems = check(response.json(), schema, spec)
    assert not problems, problems


def test_anonymous_callers_search_what_the_public_may_read(client, world, spec):
    response = client.get(URL, {"q": "målbild"})
    assert response.status_code == 200
    conforms(response, spec)
    body = response.json()
    assert body["total"] == 2 and body["page"] == 1 and body["pages"] == 1 and body["message"] is None
    assert body["errors"] == {} and body["query"] == "målbild"
    hits = {h["url"]: h for h in body["hits"]}
    answer = hits[f"http://testserver/handlingar/{world['answer'].pk}/"]
    assert answer["kind"] == "document" and answer["kind_label"] == "Handling"
    assert answer["title"] == "Remissvar om digital målbild"
    assert answer["title_html"] == "Remissvar om digital <mark>målbild</mark>"
    assert answer["diary_number"] == f"{world['case'].diary_number}-1"
    assert answer["organ"] == "Kommunstyrelsen (KS)" and answer["date"] == "2018-06-12"
    assert answer["status"] == "document:incoming" and answer["status_label"] == "Handling: Inkommande"
    assert f"http://testserver/arenden/{world['case'].pk}/" in hits
    assert {v["value"]: v["count"] for v in body["facets"]["kind"]} == {"case": 1, "document": 1}

    secret = client.get(URL, {"q": SECRET_WORD}).json()
    assert secret["total"] == 0 and secret["hits"] == []
    assert all(values == [] for values in secret["facets"].values())
    assert SECRET_WORD not in str(client.get(URL, {"q": "sekretessmarkerad"}).json()["hits"])


def test_a_token_or_a_session_searches_with_the_users_rights(client, world, registrar, org, spec):
    by_token = client.get(URL, {"q": SECRET_WORD}, **bearer(token_for(registrar)))
    assert by_token.status_code == 200
    conforms(by_token, spec)
    body = by_token.json()
    assert body["total"] == 1
    assert body["hits"][0]["url"] == f"http://testserver/handlingar/{world['secret'].pk}/"
    assert f"<mark>{SECRET_WORD}</mark>" in body["hits"][0]["title_html"] + body["hits"][0]["snippet_html"]

    reader = f.user(org, Role.READER)  # reads internal things, not secrets
    assert client.get(URL, {"q": SECRET_WORD}, **bearer(token_for(reader))).json()["total"] == 0

    client.force_login(registrar)
    assert client.get(URL, {"q": SECRET_WORD}).json()["total"] == 1


def test_an_unknown_token_is_refused_not_treated_as_anonymous(client, world):
    response = client.get(URL, {"q": "målbild"}, HTTP_AUTHORIZATION="Bearer fel-nyckel")
    assert response.status_code == 401


def test_filters_sort_and_pages(client, world, registrar, ks):
    case = world["case"]
    for n in range(5):
        f.document(registrar, case, counterpart="Länsstyrelsen", description=f"Yttrande {n} om målbilden")
    body = client.get(URL, {"q": "målbild*", "kind": "document", "per_page": "2", "page": "2",
                            "sort": "date"}).json()
    assert body["total"] == 6 and body["per_page"] == 2 and body["page"] == 2 and body["pages"] == 3
    assert len(body["hits"]) == 2 and all(h["kind"] == "document" for h in body["hits"])
    assert body["sort"] == "date"
    assert [v for v in body["facets"]["kind"] if v["selected"]] == [
        {"value": "document", "label": "Handling", "count": 6, "selected": True}]
    dated = client.get(URL, {"q": "målbild*", "organ": str(ks.pk), "year": "2018"}).json()
    assert dated["total"] == 6 and {h["kind"] for h in dated["hits"]} == {"document"}  # the case is from this year


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"date_from": "2019-06-30", "date_to": "2019-06-01"}, "date_to", "Slutdatumet kan inte vara före startdatumet."),
    ({"kind": "hemligt"}, "kind", "Okänd typ av träff."),
    ({"year": "tjugoarton"}, "year", "Ogiltigt år."),
    ({"date_from": "igår"}, "date_from", "Ogiltigt datum. Skriv det som ÅÅÅÅ-MM-DD."),
    ({"organ": "KS"}, "organ", "Okänt organ."),
    ({"status": "'; DROP TABLE search_searchrecord; --"}, "status", "Okänd status."),
    ({"sort": "slump"}, "sort", "Okänd sortering."),
    ({"page": "0"}, "page", "Ange sidan som ett heltal från 1 till 10000."),
    ({"per_page": "1000"}, "per_page", "Ange antal per sida som ett heltal från 1 till 100."),
    ({"per_page": "tio"}, "per_page", "Ange antal per sida som ett heltal från 1 till 100."),
])
def test_filters_the_search_cannot_use_are_400_with_swedish_errors(client, world, spec, params, field, message):
    response = client.get(URL, {"q": "målbild", **params})
    assert response.status_code == 400
    conforms(response, spec, 400)
    body = response.json()
    assert body["errors"] == {field: [message]}
    assert body["detail"] == message


@pytest.mark.parametrize("q", [
    "x" * 10_000,
    "målbild " * 1500,
    "\x00\x01\x1b[31m\u200b\ufeff målbild",
    "🙂🏳️‍🌈 målbild 🚀",
    "'; DROP TABLE search_searchrecord; --",
    "\" OR 1=1 --",
    '"',
    '"""',
    "-",
    "*",
    "OR",
    "AND OR ELLER |",
    "-\"\"",
    "a*",
    "title:målbild",
    "(målbild",
    "målbild)",
    "\\",
    "%",
    "_",
    "\ud7ff\ue000\U0010fffd",
    "",
    " ",
])
def test_any_text_in_q_is_answered_with_hits_or_a_message(client, world, spec, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200, response.content[:500]
    conforms(response, spec)
    body = response.json()
    assert body["hits"] or body["message"] or body["total"] == 0
    if body["message"]:
        assert body["hits"] == [] and body["total"] == 0


def test_a_long_query_is_cut_with_a_notice(client, world):
    body = client.get(URL, {"q": "målbild " + "x" * 10_000}).json()
    assert body["notices"] and "Sökfrågan var för lång" in body["notices"][0]


@hsettings(max_examples=60, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(q=st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
       | st.lists(st.sampled_from(['"', "-", "*", "OR", "målbild", "remiss*", " ", "|", "ELLER", "-\"",
                                   "\x00", "🙂", "'", ";", "%", "\\"]), max_size=30).map("".join))
def test_random_text_never_gives_a_server_error(client, world, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200, (q, response.content[:300])
    body = response.json()
    assert isinstance(body["hits"], list) and (body["message"] is None or body["hits"] == [])
    assert SECRET_WORD not in str(body["hits"]) and "Ankasson" not in str(body["hits"])


def test_the_anonymous_api_search_is_rate_limited_like_the_rest(client, world, registrar, settings,
                                                              limiter_clock):
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "3/60"
    statuses = [client.get(URL, {"q": "målbild"}, REMOTE_ADDR="192.0.2.40").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    raw = token_for(registrar)
    assert all(client.get(URL, {"q": "målbild"}, REMOTE_ADDR="192.0.2.40", **bearer(raw)).status_code == 200
               for _ in range(4))


def test_the_openapi_schema_describes_the_endpoint(client, spec):
    operation = spec["paths"]["/api/search"]["get"]
    assert operation["tags"] == ["Sök"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "q", "kind", "organ", "year", "date_from", "date_to", "status", "sort", "page", "per_page"}
    assert {"200", "400"} <= set(operation["responses"])
    hit = spec["components"]["schemas"]["SearchHitOut"]["properties"]
    assert {"kind", "title", "title_html", "snippet_html", "url", "date", "organ", "diary_number", "status"} <= set(hit)
    out = spec["components"]["schemas"]["SearchOut"]["properties"]
    assert {"hits", "total", "page", "pages", "facets", "message", "errors", "notices"} <= set(out)
