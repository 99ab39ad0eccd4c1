"""Atom feeds of the register, decisions and adjusted minutes, and iCalendar
feeds of meetings (issue 7, item 7): only what the public may see."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from diarium.accounts.models import Organ
from diarium.decisions import services as decisions
from diarium.opendata import ical
from diarium.registry import services as registry

from . import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SECRET_COUNTERPART = "Säkerhetskonsult Hemlig AB"
SECRET_DESCRIPTION = "Sårbarheter i kommunens brandväggar"
PRIVATE_NAME = "Karin Privatsson"


# --- helpers --------------------------------------------------------------------------------
def _atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def _entries(root) -> list[dict]:
    out = []
    for e in root.findall(f"{ATOM}entry"):
        out.append({
            "title": e.findtext(f"{ATOM}title"),
            "id": e.findtext(f"{ATOM}id"),
            "link": e.find(f"{ATOM}link").get("href"),
            "updated": e.findtext(f"{ATOM}updated"),
            "author": e.findtext(f"{ATOM}author/{ATOM}name"),
            "summary": e.findtext(f"{ATOM}summary") or "",
        })
    return out


def _unfold(raw: bytes) -> list[str]:
    """The content lines of an iCalendar text, after checking CRLF and the 75-octet limit."""
    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75, line
    text = raw.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return text[:-2].split("\r\n")


def _events(lines: list[str]) -> list[dict[str, str]]:
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return events


# --- data -----------------------------------------------------------------------------------
@pytest.fixture
def kf(org):
    return f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)


@pytest.fixture
def people(org):
    return SimpleNamespace(chair=f.person(org, "Daniel Filipsson"), adjuster=f.person(org, "Simon Waern"))


@pytest.fixture
def case(registrar, ks):
    return f.case(registrar, ks, title="Digital målbild för Alingsås kommun – öppen och smart")


@pytest.fixture
def register(registrar, case, kf):
    public = f.document(registrar, case, counterpart="Sambruk", description="Remissvar från Sambruk")
    secret = f.document(registrar, case, counterpart=SECRET_COUNTERPART, description=SECRET_DESCRIPTION)
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["counterpart", "description"])
    private = f.document(registrar, case, counterpart=PRIVATE_NAME, counterpart_is_private=True,
                         description="Synpunkt på gång- och cykelväg")
    other = f.document(registrar, f.case(registrar, kf, title="Motion om öppna data"), counterpart="Ledamot",
                       description="Motion")
    return SimpleNamespace(public=public, secret=secret, private=private, other=other)


def _meeting(registrar, organ, people, date, case, *, publish=True, **kw):
    meeting = f.meeting(registrar, organ, date, chair=people.chair, adjusters=[people.adjuster], **kw)
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, title=case.title)
    if publish:
        decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    return meeting, item


@pytest.fixture
def meetings(registrar, ks, people, case):
    today = timezone.localdate()
    for person, role in ((people.chair, "chair"), (people.adjuster, "member")):
        decisions.membership_add(actor=registrar, organ=ks, person=person, role=role,
                                 start=today - dt.timedelta(days=500))
    adjusted, item = _meeting(registrar, ks, people, today - dt.timedelta(days=20), case,
                              start_time=dt.time(13, 0), end_time=dt.time(16, 30), place="KS-salen, Stadshuset")
    adjusted_decision = f.held(registrar, adjusted, item, "Handlingsplan för digital målbild", adjust=True)
    closed, item = _meeting(registrar, ks, people, today - dt.timedelta(days=5), case, start_time=dt.time(9, 0))
    closed_decision = f.held(registrar, closed, item, "Ej justerat beslut om budget", adjust=False)
    upcoming, _ = _meeting(registrar, ks, people, today + dt.timedelta(days=14), case,
                           place="Stora salen; Rådhuset\\plan 2, " + "Ålgården " * 8)
    planned, _ = _meeting(registrar, ks, people, today + dt.timedelta(days=40), case, publish=False,
                          place="Hemligt planeringsrum", start_time=dt.time(8, 0))
    old, _ = _meeting(registrar, ks, people, today - dt.timedelta(days=400), case, place="Gamla salen")
    return SimpleNamespace(adjusted=adjusted, adjusted_decision=adjusted_decision, closed=closed,
                           closed_decision=closed_decision, upcoming=upcoming, planned=planned, old=old)


# --- the register ---------------------------------------------------------------------------
def test_register_feed_lists_new_documents_as_the_public_register_shows_them(client, org, register):
    response = client.get(reverse("opendata:register_feed"))
    root = _atom(response)
    assert root.findtext(f"{ATOM}title") == "Diariet: nya handlingar"
    entries = _entries(root)
    assert len(entries) == 4
    # Newest first: the KF motion was registered last.
    assert entries[0]["link"] == f"http://testserver{reverse('registry:document_detail', args=[register.other.pk])}"
    assert len({e["id"] for e in entries}) == 4
    assert {e["author"] for e in entries} == {org.name}
    by_link = {e["link"].removeprefix("http://testserver"): e for e in entries}
    secret = by_link[reverse("registry:document_detail", args=[register.secret.pk])]
    assert secret["title"] == f"{register.secret.reference} Sekretessmarkerad uppgift"
    assert "Sekretessmarkerad uppgift" in secret["summary"]
    private = by_link[reverse("registry:document_detail", args=[register.private.pk])]
    assert "Privatperson" in private["summary"] and "Synpunkt på gång- och cykelväg" in private["title"]
    public = by_link[reverse("registry:document_detail", args=[register.public.pk])]
    assert "Sambruk" in public["summary"] and public["title"].endswith("Remissvar från Sambruk")
    assert dt.datetime.fromisoformat(public["updated"]) == register.public.registered_at
    assert public["id"] == f"tag:testserver,2025:diarium/handling/{register.public.pk}"
    # The masked values never leave the server, in any encoding the feed could use.
    raw = response.content
    for value in (SECRET_COUNTERPART, SECRET_DESCRIPTION, PRIVATE_NAME):
        assert value.encode() not in raw
        assert value.replace("å", "&#229;").encode() not in raw
    assert "Sekretessmarkerad uppgift".encode() in raw and b"Privatperson" in raw


def test_register_feed_filters_by_organ_and_unknown_organ_is_404(client, register):
    entries = _entries(_atom(client.get(reverse("opendata:register_feed"), {"organ": "KF"})))
    assert [e["title"] for e in entries] == [f"{register.other.reference} Motion"]
    assert client.get(reverse("opendata:register_feed"), {"organ": "XX"}).status_code == 404


def test_register_feed_is_cacheable_and_cheap(client, register, django_assert_max_num_queries):
    url = reverse("opendata:register_feed")
    with django_assert_max_num_queries(1):
        response = client.get(url)
    assert response["ETag"] and response["Last-Modified"]
    # Public for every cache; it varies on the language only (Accept-Language, or the
    # language switch's cookie: a downstream cache keeps the two languages apart).
    assert "public" in response["Cache-Control"]
    assert {v.strip() for v in response["Vary"].split(",")} == {"Accept-Language", "Cookie"}
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    with django_assert_max_num_queries(2):
        assert client.get(url, {"organ": "KS"}).status_code == 200


# --- decisions and minutes ------------------------------------------------------------------
def test_decision_feed_lists_only_decisions_of_adjusted_minutes(client, org, ks, meetings,
                                                                django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("opendata:decision_feed", args=["KS"]))
    root = _atom(response)
    assert root.findtext(f"{ATOM}title") == "Beslut – Kommunstyrelsen"
    entries = _entries(root)
    decision = meetings.adjusted_decision
    assert [e["title"] for e in entries] == [f"{decision.reference} Handlingsplan för digital målbild"]
    assert entries[0]["link"] == f"http://testserver{reverse('decisions:decision_detail', args=[decision.pk])}"
    assert entries[0]["author"] == org.name
    assert entries[0]["id"] == f"tag:testserver,2025:diarium/beslut/{decision.pk}"
    assert "<p>Handlingsplanen godkänns.<br>Kommunfullmäktige informeras.</p>" in entries[0]["summary"]
    assert dt.datetime.fromisoformat(entries[0]["updated"]) == meetings.adjusted.minutes.adjusted_at
    assert b"Ej justerat beslut om budget" not in response.content
    assert response["Last-Modified"]
    minutes = _atom(client.get(reverse("opendata:minutes_feed", args=["KS"])))
    assert root.findtext(f"{ATOM}id") != minutes.findtext(f"{ATOM}id")  # each feed its own id


def test_minutes_feed_lists_adjusted_minutes_per_meeting(client, meetings, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("opendata:minutes_feed", args=["KS"]))
    entries = _entries(_atom(response))
    assert len(entries) == 1
    assert entries[0]["link"] == f"http://testserver{reverse('decisions:minutes', args=[meetings.adjusted.pk])}"
    assert f"§ {meetings.adjusted_decision.paragraph} Handlingsplan för digital målbild" in entries[0]["summary"]
    assert b"Ej justerat beslut om budget" not in response.content


def test_organ_feeds_of_an_organ_without_items_are_empty_but_valid(client, kf):
    for name in ("opendata:decision_feed", "opendata:minutes_feed"):
        assert _entries(_atom(client.get(reverse(name, args=["KF"])))) == []


@pytest.mark.parametrize("name", ["opendata:decision_feed", "opendata:minutes_feed", "opendata:meeting_calendar"])
def test_unknown_organ_is_404(client, ks, name):
    assert client.get(reverse(name, args=["NOPE"])).status_code == 404


def test_an_organ_code_in_two_organisations_needs_the_organisation(client, ks):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    f.organ(other, code="KS", name="Kommunstyrelsen i Vårgårda")
    url = reverse("opendata:decision_feed", args=["KS"])
    assert client.get(url).status_code == 404
    root = _atom(client.get(url, {"organisation": "vargarda"}))
    assert root.findtext(f"{ATOM}title") == "Beslut – Kommunstyrelsen i Vårgårda"


# --- calendars ------------------------------------------------------------------------------
def test_calendar_lists_published_meetings_from_a_year_back(client, ks, meetings, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("opendata:meeting_calendar", args=["KS"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    lines = _unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and "BEGIN:VTIMEZONE" in lines and "TZID:Europe/Stockholm" in lines
    events = _events(lines)
    uids = [e["UID"] for e in events]
    assert uids == [f"meeting-{m.pk}@testserver" for m in (meetings.adjusted, meetings.closed, meetings.upcoming)]
    assert b"Hemligt planeringsrum" not in raw and b"Gamla salen" not in raw  # not published; too old
    first = events[0]
    day = meetings.adjusted.date.strftime("%Y%m%d")
    assert first["DTSTART;TZID=Europe/Stockholm"] == f"{day}T130000"
    assert first["DTEND;TZID=Europe/Stockholm"] == f"{day}T163000"
    assert first["LOCATION"] == "KS-salen\\, Stadshuset"
    assert first["SUMMARY"] == "Sammanträde: Kommunstyrelsen"
    assert first["STATUS"] == "CONFIRMED"
    assert first["URL"] == f"http://testserver{reverse('decisions:meeting_detail', args=[meetings.adjusted.pk])}"
    assert first["DTSTAMP"].endswith("Z") and len(first["DTSTAMP"]) == 16
    # No time: a whole day, as DATE values.
    upcoming = events[2]
    assert upcoming["DTSTART;VALUE=DATE"] == meetings.upcoming.date.strftime("%Y%m%d")
    assert upcoming["DTEND;VALUE=DATE"] == (meetings.upcoming.date + dt.timedelta(days=1)).strftime("%Y%m%d")
    assert upcoming["LOCATION"].startswith("Stora salen\\; Rådhuset\\\\plan 2\\, Ålgården")
    assert any(line.startswith(b" ") for line in raw.split(b"\r\n"))  # the long place was folded
    assert response["ETag"] and response["Last-Modified"]
    assert client.get(response.wsgi_request.get_full_path(), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_calendar_is_stable_between_requests(client, meetings):
    url = reverse("opendata:meeting_calendar", args=["KS"])
    assert client.get(url).content == client.get(url).content


def test_ical_folding_never_splits_a_character():
    line = "LOCATION:" + "å" * 100 + "x" * 80
    folded = ical.fold(line)
    parts = folded.encode("utf-8").split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and all(p.startswith(b" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


# --- links from the public pages ------------------------------------------------------------
def test_public_pages_link_to_the_feeds(client, org, ks, meetings):
    html = client.get(reverse("registry:case_list")).content.decode()
    assert reverse("opendata:register_feed") in html and reverse("opendata:index") in html
    html = client.get(reverse("decisions:meeting_list"), {"organ": ks.pk}).content.decode()
    assert f"{reverse('opendata:meeting_calendar', args=['KS'])}?organisation={org.slug}" in html
    assert reverse("opendata:decision_feed", args=["KS"]) in html
    html = client.get(reverse("opendata:index")).content.decode()
    assert reverse("opendata:minutes_feed", args=["KS"]) in html
