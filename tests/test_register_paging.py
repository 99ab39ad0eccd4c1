"""Keyset paging of the register's lists (HTML and JSON) and the filter's
choices at county scale (issue 24, part 5): cursors instead of OFFSET, a capped
count, links beside each page, and choices scoped to one organisation."""

from __future__ import annotations

import html
import re

import pytest
from django.core import signing
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Role
from diarium.registry import apis, views
from diarium.registry.models import Case
from diarium.registry.paging import Keyset

from . import factories as f

pytestmark = pytest.mark.django_db

CASES = 13


@pytest.fixture
def cases(registrar, ks):
    return [f.case(registrar, ks, title=f"Ärende nummer {n}") for n in range(CASES)]


def _titles(body: str) -> list[int]:
    return [int(n) for n in re.findall(r"<td>Ärende nummer (\d+)</td>", body)]


def _link(body: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}"', body)
    return html.unescape(found.group(1)) if found else None


def _walk(client, url, rel="next"):
    """The pages from `url` on, following the `rel` links."""
    pages = []
    while url is not None:
        response = client.get(reverse("registry:case_list") + url if url.startswith("?") else url)
        assert response.status_code == 200
        body = response.content.decode()
        pages.append(body)
        url = _link(body, rel)
        assert len(pages) <= 10
    return pages


# --- the HTML list ---------------------------------------------------------------------------------
@pytest.mark.parametrize("cap", [1000, 8], ids=["counted", "capped"])
def test_the_case_list_pages_by_cursor_forward_and_back(client, cases, monkeypatch, cap):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    monkeypatch.setattr(views, "COUNT_CAP", cap)
    forward = _walk(client, reverse("registry:case_list"))
    assert [_titles(p) for p in forward] == [[12, 11, 10, 9, 8], [7, 6, 5, 4, 3], [2, 1, 0]]
    assert '<nav class="pagination" aria-label="Sidor">' in forward[0]
    total = "" if cap == 8 else " av 3"
    assert [re.search(r'<li aria-current="page">([^<]*)<', p).group(1) for p in forward] == [
        f"Sida 1{total}", f"Sida 2{total}", f"Sida 3{total}"]
    assert "cursor=" in _link(forward[0], "next") and "page=" not in _link(forward[0], "next")
    assert "Ärenden 6–10" in forward[1] and "Ärenden 11–13" in forward[2]
    # back from the last page: the same pages, the first one by its plain address
    back = _walk(client, _link(forward[2], "prev"), rel="prev")
    assert [_titles(p) for p in back] == [[7, 6, 5, 4, 3], [12, 11, 10, 9, 8]]
    assert _link(back[0], "prev") == "?"


def test_a_new_case_does_not_shift_the_next_page(client, registrar, ks, cases, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    monkeypatch.setattr(views, "COUNT_CAP", 8)
    first = client.get(reverse("registry:case_list")).content.decode()
    f.case(registrar, ks, title="Ärende nummer 99")
    second = client.get(reverse("registry:case_list") + _link(first, "next")).content.decode()
    assert _titles(second) == [7, 6, 5, 4, 3]


def test_page_numbers_still_work_and_filters_stay_in_the_links(client, cases, ks, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    body = client.get(reverse("registry:case_list"), {"page": 2, "organ": ks.pk}).content.decode()
    assert _titles(body) == [7, 6, 5, 4, 3]
    following = _link(body, "next")
    assert f"organ={ks.pk}" in following and "cursor=" in following and "page=" not in following
    assert _titles(client.get(reverse("registry:case_list") + following).content.decode()) == [2, 1, 0]


@pytest.mark.parametrize("cursor", ["x", "W10:abc", "A" * 300, signing.Signer(salt="annat").sign_object([2, 0, 1, 2])])
def test_a_bad_cursor_shows_the_first_page_with_a_message(client, cases, cursor):
    response = client.get(reverse("registry:case_list"), {"cursor": cursor})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Länken till sidan gick inte att använda" in body and "Ärende nummer 12<" in body
    response = client.get(reverse("registry:document_list"), {"cursor": cursor})
    assert response.status_code == 400 and "Länken till sidan gick inte att använda" in response.content.decode()


def test_the_document_list_pages_by_cursor(client, registrar, ks, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    case = f.case(registrar, ks)
    for n in range(5):
        f.document(registrar, case, description=f"Remissvar nummer {n}")
    seen, url = [], reverse("registry:document_list")
    while url:
        body = client.get(url).content.decode()
        seen += [int(n) for n in re.findall(r"Remissvar nummer (\d+)", body)]
        url = _link(body, "next")
        url = url and reverse("registry:document_list") + url
    assert seen == [4, 3, 2, 1, 0]


def test_a_keyset_page_costs_the_queries_of_the_first(client, django_assert_max_num_queries, cases, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    monkeypatch.setattr(views, "COUNT_CAP", 8)
    following = _link(client.get(reverse("registry:case_list")).content.decode(), "next")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("registry:case_list") + following)
    assert _titles(response.content.decode()) == [7, 6, 5, 4, 3]


# --- the JSON lists ----------------------------------------------------------------------------------
def test_api_cases_page_by_next_and_previous_links(client, cases):
    page = client.get("/api/cases", {"limit": 5}).json()
    assert page["count"] == CASES and page["count_capped"] is False and page["previous"] is None
    seen = [item["title"] for item in page["items"]]
    pages = [page]
    while page["next"]:
        assert page["next"].startswith("http://testserver/api/cases?") and "limit=5" in page["next"]
        page = client.get(page["next"]).json()
        pages.append(page)
        seen += [item["title"] for item in page["items"]]
    assert seen == [f"Ärende nummer {n}" for n in reversed(range(CASES))]
    assert [len(p["items"]) for p in pages] == [5, 5, 3]
    back = client.get(pages[2]["previous"]).json()
    assert back["items"] == pages[1]["items"]
    assert client.get("/api/cases", {"limit": 5, "cursor": pages[1]["next_cursor"]}).json()["items"] == \
        pages[2]["items"]
    # an old client's offset still works, and gets the cursor of the page after
    old = client.get("/api/cases", {"limit": 5, "offset": 5}).json()
    assert old["items"] == pages[1]["items"] and "offset" not in old["next"]
    assert client.get(old["next"]).json()["items"] == pages[2]["items"]


def test_api_counts_are_capped(client, cases, monkeypatch):
    monkeypatch.setattr(apis, "COUNT_CAP", 10)
    page = client.get("/api/cases", {"limit": 5}).json()
    assert (page["count"], page["count_capped"]) == (11, True)
    page = client.get("/api/cases", {"limit": 20}).json()  # everything on one page: counted as read
    assert (page["count"], page["count_capped"], len(page["items"])) == (CASES, False, CASES)


def test_api_refuses_a_bad_cursor_and_a_cursor_with_an_offset(client, cases):
    response = client.get("/api/documents", {"cursor": "inte-en-sidmarkor"})
    assert response.status_code == 400
    assert response.json()["errors"]["cursor"][0].startswith("Sidmarkören (cursor) är ogiltig")
    cursor = client.get("/api/cases", {"limit": 5}).json()["next_cursor"]
    response = client.get("/api/documents", {"cursor": cursor})  # a case list's cursor
    assert response.status_code == 400
    response = client.get("/api/cases", {"cursor": cursor, "offset": 5})
    assert response.status_code == 400
    assert response.json()["errors"]["cursor"] == ["Ange antingen offset eller cursor, inte båda."]
    assert client.get("/api/cases", {"cursor": "x" * 201}).status_code == 422


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=120))
def test_no_cursor_string_gives_a_server_error(client, text):
    for url in ("/api/cases", "/api/documents", reverse("registry:case_list"), reverse("registry:document_list")):
        status = client.get(url, {"cursor": text}).status_code
        assert status in (200, 400, 422), (url, text, status)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=5), max_leaves=8)


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.lists(JSON, max_size=5) | JSON)
def test_no_signed_payload_gives_a_server_error(client, payload):
    """A cursor signed with the right key but holding anything at all: refused, never a 5xx."""
    signer = Keyset(Case.objects.order_by("-registered_at", "-id"))._signer
    cursor = signer.sign_object(payload, compress=False)
    for url in ("/api/cases", reverse("registry:case_list")):
        status = client.get(url, {"cursor": cursor}).status_code
        assert status in (200, 400, 422), (url, payload, status)


# --- the filter's choices --------------------------------------------------------------------------
@pytest.fixture
def county(org, ks, registrar):
    """Two organisations with an organ and officers each."""
    other = f.organisation(name="Borås stad", slug="boras")
    bn = f.organ(other, code="BN", name="Byggnadsnämnden", kind=Organ.Kind.BOARD)
    mine = accounts.person_create(organisation=org, name="Alva Alingsås")
    theirs = accounts.person_create(organisation=other, name="Bo Borås")
    return other, bn, mine, theirs


def _select(body: str, name: str) -> str | None:
    found = re.search(rf'<select name="{name}".*?</select>', body, re.S)
    return found.group(0) if found else None


def test_without_an_organisation_organs_are_grouped_and_officers_wait(client, org, county):
    other, bn, mine, theirs = county
    body = client.get(reverse("registry:case_list")).content.decode()
    organs = _select(body, "organ")
    assert '<optgroup label="Alingsås kommun"><option value=' in organs and '<optgroup label="Borås stad">' in organs
    assert _select(body, "case_officer") is None and "Bo Borås" not in body
    assert "Välj en organisation och filtrera för att också kunna välja handläggare." in body
    assert 'aria-describedby="id_organisation_helptext"' in body


def test_a_chosen_organisation_scopes_organs_and_officers(client, org, county):
    other, bn, mine, theirs = county
    body = client.get(reverse("registry:case_list"), {"organisation": other.pk}).content.decode()
    assert "optgroup" not in _select(body, "organ") and "Byggnadsnämnden (BN)" in _select(body, "organ")
    assert "Kommunstyrelsen" not in _select(body, "organ")
    officers = _select(body, "case_officer")
    assert "Bo Borås" in officers and "Alva Alingsås" not in officers


def test_an_officer_link_without_an_organisation_still_filters(client, org, ks, registrar, county):
    other, bn, mine, theirs = county
    f.case(registrar, ks, title="Alvas ärende", case_officer=mine)
    f.case(registrar, ks, title="Ett annat ärende")
    response = client.get(reverse("registry:case_list"), {"case_officer": mine.pk, "status": "open"})
    body = response.content.decode()
    assert "Alvas ärende" in body and "Ett annat ärende" not in body and "error-summary" not in body
    assert f'<option value="{mine.pk}" selected>Alva Alingsås</option>' in _select(body, "case_officer")


def test_staff_get_their_own_organisations_officers(client, org, county):
    other, bn, mine, theirs = county
    client.force_login(f.user(other, Role.READER))
    officers = _select(client.get(reverse("registry:case_list")).content.decode(), "case_officer")
    assert "Bo Borås" in officers and "Alva Alingsås" not in officers
    # the document list has no officer filter, and groups its organs the same way
    body = client.get(reverse("registry:document_list")).content.decode()
    assert _select(body, "case_officer") is None and '<optgroup label="Borås stad">' in _select(body, "organ")
