"""OParl list paging at county scale: the bodies' change stamps in one query,
keyset cursors (`after`) on every list, filtered ones included, and a clear
error for any malformed cursor or page parameter."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diarium.accounts.models import Organ
from diarium.decisions import services as decisions
from diarium.decisions.models import Membership
from diarium.opendata.models import Withdrawal
from diarium.opendata.oparl.querysets import EPOCH
from diarium.registry.models import Event

from . import factories as f

pytestmark = pytest.mark.django_db

BASE = "http://testserver/oparl/v1.1/"
SINCE = "modified_since=2000-01-01T00:00:00%2B00:00"


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def _walk(client, url):
    """Every page by its next links: the pages, each next link checked to carry a cursor."""
    pages = []
    while url:
        pages.append(_get(client, url))
        url = pages[-1]["links"].get("next")
        if url:
            assert parse_qs(urlsplit(url).query)["after"], url
    return pages


def test_the_body_list_reads_every_body_s_stamps_in_one_query(org, ks, registrar, client):
    f.case(registrar, ks)  # history entries: the organisation's first and latest change
    idle = f.organisation(name="Vårgårda kommun", slug="vargarda")
    _get(client, f"{BASE}body/")  # warm: what the first request of a process reads once
    with CaptureQueriesContext(connection) as one:
        bodies = {b["id"]: b for b in _get(client, f"{BASE}body/")["data"]}
    for n in range(3):
        f.organisation(name=f"Förbund {n}", slug=f"forbund-{n}")
    with CaptureQueriesContext(connection) as five:
        assert len(_get(client, f"{BASE}body/")["data"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries) <= 3
    events = Event.objects.filter(organisation=org).order_by("at")
    stamps = bodies[f"{BASE}body/{org.pk}/"]
    assert dt.datetime.fromisoformat(stamps["created"]) == events.first().at.replace(microsecond=0)
    assert dt.datetime.fromisoformat(stamps["modified"]) == events.last().at.replace(microsecond=0)
    empty = bodies[f"{BASE}body/{idle.pk}/"]
    assert dt.datetime.fromisoformat(empty["created"]) == dt.datetime.fromisoformat(empty["modified"]) == EPOCH
    assert _get(client, f"{BASE}body/{org.pk}/") == stamps  # the same stamps one by one


@pytest.fixture
def memberships(org, ks, registrar, settings):
    """Four organs and five memberships, two of them deleted (withdrawn)."""
    settings.DIARIUM_OPARL_PAGE_SIZE = 2
    settings.DIARIUM_OPARL_LIST_SECONDS = 600
    organs = [ks] + [f.organ(org, code=f"N{n}", name=f"Nämnd {n}", kind=Organ.Kind.BOARD) for n in range(3)]
    first, second = f.person(org, "Ledamot Ledamotsson"), f.person(org, "Ersättare Ersättarsson")
    for organ, person in [(o, first) for o in organs] + [(organs[1], second)]:
        decisions.membership_add(actor=registrar, organ=organ, person=person, role=Membership.Role.MEMBER,
                                 start=dt.date(2019, 1, 1))
    for m in Membership.objects.order_by("pk")[:2]:
        m.delete()  # as in the admin
    return organs


@pytest.mark.parametrize("kind,filtered", [("organization", False), ("organization", True),
                                           ("membership", False), ("membership", True),
                                           ("legislativeTerm", True)])
def test_every_list_walks_by_cursor_and_matches_the_numbered_pages(memberships, org, client, kind, filtered):
    """Live objects by id, then (only with modified_since) the deleted ones, each
    page after the previous page's last entry; the numbered pages list the same."""
    from django.core.cache import cache

    cache.clear()
    url = f"{BASE}body/{org.pk}/{kind}/" + (f"?{SINCE}" if filtered else "")
    pages = _walk(client, url)
    walked = [o["id"] for p in pages for o in p["data"]]
    assert len(walked) == len(set(walked)) == pages[-1]["pagination"]["totalElements"]
    assert [p["pagination"]["currentPage"] for p in pages] == list(range(1, len(pages) + 1))
    deleted = [o["id"] for p in pages for o in p["data"] if o.get("deleted")]
    assert len(deleted) == (2 if kind == "membership" and filtered else 0)
    assert walked[len(walked) - len(deleted):] == deleted  # the deleted ones last
    sep = "&" if filtered else "?"
    numbered = [o["id"] for n in range(1, len(pages) + 1) for o in _get(client, f"{url}{sep}page={n}")["data"]]
    assert numbered == walked
    _get(client, f"{url}{sep}page={len(pages) + 1}", status=404)


def test_a_filtered_cursor_skips_what_it_has_served(memberships, org, client):
    url = f"{BASE}body/{org.pk}/membership/?{SINCE}"
    first = _get(client, url)
    last_live = first["data"][-1]["id"].rstrip("/").rsplit("/", 1)[1]
    assert parse_qs(urlsplit(first["links"]["next"]).query)["after"] == [last_live]
    # after a deleted object's cursor ("d" and its withdrawal): the deleted ones after it
    gone = list(Withdrawal.objects.filter(kind="membership").order_by("pk"))
    rest = _get(client, f"{url}&page=2&after=d{gone[0].pk}")
    assert [o["id"] for o in rest["data"]] == [f"{BASE}membership/{gone[1].object_id}/"]
    assert rest["data"][0]["deleted"] is True and "next" not in rest["links"]
    # a cursor past the end: nothing there
    _get(client, f"{url}&page=2&after=d{gone[1].pk}", status=404)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["after", "page", "limit"]),
       # Control characters (NUL …) are refused before any view, by the core middleware.
       value=st.one_of(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
                       st.from_regex(r"-?d?[0-9]{1,25}", fullmatch=True)))
def test_any_cursor_or_page_is_served_or_refused_clearly(org, ks, client, name, value):
    response = client.get(f"{BASE}body/{org.pk}/organization/", {name: value})
    assert response.status_code in (200, 400, 404), (value, response.content[:200])
    assert response["Content-Type"] == "application/json; charset=utf-8"
    if response.status_code != 200:
        body = response.json()
        assert body["type"] == "error" and body["message"]
