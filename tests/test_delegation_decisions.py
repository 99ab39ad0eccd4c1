"""Issue 21, item 6: decisions taken under delegation (kommunallagen 6 kap.
37-40 §§). An officer registers one in the case it was taken in, as a drawn-up
document of the case; every error at once and nothing half-written. The
secretary puts a board's unreported ones, decided on or before the meeting's
day, on its agenda as one item, "Anmälan av delegationsbeslut" (again: those
registered since join the same item), and they are reported when the minutes
record that item. The public reads them like any register entry: never the
decision of a document marked secret, never a private person's name."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from diarium.accounts.models import Organ, Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.decisions import services as decisions
from diarium.decisions.models import AgendaItem, DelegationDecision, Meeting
from diarium.registry import services as registry
from diarium.registry.models import Document, Event

from . import factories as f
from .api_support import bearer, token_for
from .public_outputs import crawl, found_in
from .test_api_schema import assert_matches

pytestmark = pytest.mark.django_db

PRIVATE_NAME = "Elin Johansson"  # an applicant: a private person, whom the public never sees named
SECRET_SUMMARY = "Placering av barn enligt LVU i familjehem i Sollebrunn"  # the decision of a secret document
REPORT = "Anmälan av delegationsbeslut"


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def w(org, ks, registrar):
    """KS, a board (BUN) and the council; the registrar (the board secretary),
    a case officer of KS, a reader, a case officer of BUN, an officer who
    decides under delegation, and a person of another organisation."""
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    lerum = f.organisation(name="Lerums kommun", slug="lerum")
    chair, adjuster = f.person(org, "Daniel Filipsson"), f.person(org, "Simon Waern")
    since = timezone.localdate() - dt.timedelta(days=800)
    decisions.membership_add(actor=registrar, organ=ks, person=chair, role="chair", start=since)
    decisions.membership_add(actor=registrar, organ=ks, person=adjuster, role="member", start=since)
    return SimpleNamespace(
        org=org, ks=ks, bun=bun, kf=kf, registrar=registrar, chair=chair, adjuster=adjuster,
        officer_user=f.user(org, Role.CASE_OFFICER, ks, username="handlaggare"),
        reader=f.user(org, Role.READER, ks, username="lasare"),
        bun_officer=f.user(org, Role.CASE_OFFICER, bun, username="bun-handlaggare"),
        officer=f.person(org, "Göran Westerlund", title="Bygglovshandläggare", organ=ks),
        stranger=f.person(lerum, "Lena Lerum"),
        case=f.case(registrar, ks, title="Bygglov för tillbyggnad av enbostadshus, Noltorp 1:2"),
    )


def _register(w, *, case=None, organ=None, point="3.2", summary="Bygglov beviljas för tillbyggnad",
              decided_on=None, decided_by=None, actor="registrar", **kw):
    return decisions.delegation_decision_register(
        actor=w.registrar if actor == "registrar" else actor, case=case or w.case, organ=organ or w.ks, point=point,
        summary=summary, decided_on=decided_on or timezone.localdate(), decided_by=decided_by or w.officer, **kw)


def _meeting(w, day, **kw):
    """A planned meeting of KS, with the seats of the fixture `w`."""
    return f.meeting(w.registrar, w.ks, day, adjusters=[w.adjuster], **kw)


# --- registering ---------------------------------------------------------------------------------------
def test_a_delegation_decision_is_registered_as_a_drawn_up_document_of_its_case(w):
    day = timezone.localdate() - dt.timedelta(days=3)
    decision = _register(w, decided_on=day, file=f.pdf_file("beslut.pdf"), actor=w.officer_user)
    document = decision.document
    assert (decision.organ, decision.case, decision.point, decision.decided_by) == (w.ks, w.case, "3.2", w.officer)
    assert decision.agenda_item is None and decision.reported_in is None and decision.registered_by == w.officer_user
    assert document.case == w.case and document.direction == Document.Direction.DRAWN_UP
    assert document.document_date == day
    assert document.description == "Delegationsbeslut enligt punkt 3.2: Bygglov beviljas för tillbyggnad"
    assert document.files.get().filename == "beslut.pdf"
    event = Event.objects.get(case=w.case, kind="delegation_decision_registered")
    assert event.document == document
    assert event.data["details"] == f"Delegation från KS, punkt 3.2, beslutat {day.isoformat()} av Göran Westerlund"
    assert str(event.get_kind_display()) == "Delegationsbeslut registrerades"


def test_every_bad_input_is_refused_at_once_and_nothing_is_written(w):
    documents = Document.objects.count()
    with pytest.raises(DomainError) as refused:
        decisions.delegation_decision_register(
            actor=w.registrar, case=w.case, organ=w.kf, point=" ", summary="",
            decided_on=timezone.localdate() + dt.timedelta(days=1), decided_by=w.stranger)
    errors = refused.value.errors
    assert set(errors) == {"organ", "point", "summary", "decided_on", "decided_by"}
    assert errors["organ"] == ["Kommunfullmäktige delegerar inte beslut. Beslut fattas på delegation från en "
                               "nämnd eller kommunstyrelsen (kommunallagen 6 kap. 37 §)."]
    assert errors["point"] == ["Ange punkten i delegationsordningen, till exempel 3.2."]
    assert errors["summary"] == ["Skriv kortfattat vad som beslutades."]
    assert errors["decided_on"] == ["Datumet kan inte ligga i framtiden."]
    assert errors["decided_by"] == ["Lena Lerum hör till en annan organisation."]
    with pytest.raises(DomainError) as refused:
        decisions.delegation_decision_register(
            actor=w.registrar, case=w.case, organ=None, point="3" * 41, summary="x" * 401, decided_on=None,
            decided_by=None, file=f.text_file("tom.txt", ""))
    assert refused.value.errors == {
        "organ": ["Välj den nämnd som har delegerat beslutet."], "point": ["Högst 40 tecken."],
        "summary": ["Högst 400 tecken."], "decided_on": ["Ange dagen beslutet fattades (ÅÅÅÅ-MM-DD)."],
        "decided_by": ["Välj den som fattade beslutet."], "file": ["Filen tom.txt är tom."]}
    with pytest.raises(DomainError, match="tidigare än 1900-01-01"):
        _register(w, decided_on=dt.date(1899, 12, 31))
    other = f.organ(f.organisation(name="Vårgårda kommun", slug="vargarda"), code="KS")
    with pytest.raises(DomainError, match="hör till en annan organisation än ärendet"):
        _register(w, organ=other)
    assert Document.objects.count() == documents
    assert not DelegationDecision.objects.exists()
    assert not Event.objects.filter(kind="delegation_decision_registered").exists()


def test_only_those_who_register_documents_in_the_case_register_its_delegation_decisions(w):
    for user in (w.reader, w.bun_officer, None):
        with pytest.raises(PermissionDenied):
            _register(w, actor=user)
    assert not DelegationDecision.objects.exists() and w.case.documents.count() == 0
    # A case officer of the board registers in the board's case, under the board's delegation.
    bun_case = f.case(w.registrar, w.bun, title="Skolskjuts för elev i Hemsjö")
    assert _register(w, case=bun_case, organ=w.bun, actor=w.bun_officer).organ == w.bun


# --- the report to the board -------------------------------------------------------------------------------
def test_the_report_lists_the_boards_unreported_decisions_up_to_the_meeting_and_is_idempotent(w):
    today = timezone.localdate()
    meeting = _meeting(w, today - dt.timedelta(days=5))
    early = _register(w, point="3.1", summary="Bygglov beviljas", decided_on=today - dt.timedelta(days=20))
    on_the_day = _register(w, point="3.2", summary="Marklov beviljas", decided_on=meeting.date)
    later = _register(w, point="3.3", summary="Rivningslov beviljas", decided_on=today)  # after the meeting's day
    bun_case = f.case(w.registrar, w.bun, title="Skolskjuts")
    of_another_board = _register(w, case=bun_case, organ=w.bun, summary="Skolskjuts beviljas",
                                 decided_on=today - dt.timedelta(days=10))

    report = decisions.delegation_report_add(actor=w.registrar, meeting=meeting)
    item = report.item
    assert (report.added, item.title, item.position, item.case) == (2, REPORT, 1, None)
    assert set(item.delegation_decisions.all()) == {early, on_the_day}
    later.refresh_from_db()
    of_another_board.refresh_from_db()
    assert later.agenda_item is None and of_another_board.agenda_item is None
    assert Event.objects.filter(case=w.case, kind="agenda_item_added").count() == 1  # one per case

    # Again: nothing new, the same item, nothing added to the agenda.
    again = decisions.delegation_report_add(actor=w.registrar, meeting=meeting)
    assert (again.item, again.added) == (item, 0)
    assert meeting.items.count() == 1
    # Registered since, decided before the meeting: added to the same item.
    decisions.agenda_item_add(actor=w.registrar, meeting=meeting, title="Budget 2027")
    since = _register(w, point="4.1", summary="Strandskyddsdispens beviljas", decided_on=meeting.date)
    more = decisions.delegation_report_add(actor=w.registrar, meeting=meeting)
    assert (more.item, more.added) == (item, 1) and meeting.items.count() == 2
    assert set(item.delegation_decisions.all()) == {early, on_the_day, since}

    # The minutes record the item: the decisions are reported, with the paragraph.
    decisions.meeting_open(actor=w.registrar, meeting=meeting)
    meeting.refresh_from_db()
    paragraph = decisions.decision_record(actor=w.registrar, meeting=meeting, agenda_item=item,
                                          text="Anmälan av delegationsbesluten noteras.", outcome="noted")
    for d in (early, on_the_day, since):
        d.refresh_from_db()
        assert d.reported_in == paragraph
    reported = Event.objects.filter(kind="delegation_decision_reported", case=w.case)
    assert reported.count() == 3
    assert f"anmält {paragraph.reference}" in reported.first().data["details"]

    # The next meeting lists what was decided after this one, and nothing already reported.
    decisions.meeting_close(actor=w.registrar, meeting=meeting)
    with pytest.raises(DomainError, match="föredragningslistan kan inte ändras"):
        decisions.delegation_report_add(actor=w.registrar, meeting=meeting)
    nxt = _meeting(w, today + dt.timedelta(days=14))
    next_report = decisions.delegation_report_add(actor=w.registrar, meeting=nxt)
    assert set(next_report.item.delegation_decisions.all()) == {later}


def test_a_report_the_meeting_did_not_record_goes_to_the_next_meeting(w):
    today = timezone.localdate()
    first = _meeting(w, today)
    decision = _register(w, decided_on=today - dt.timedelta(days=1))
    item = decisions.delegation_report_add(actor=w.registrar, meeting=first).item
    # A second meeting planned meanwhile does not take what waits for the first.
    second = _meeting(w, today + dt.timedelta(days=30))
    with pytest.raises(DomainError, match="har inga delegationsbeslut att anmäla"):
        decisions.delegation_report_add(actor=w.registrar, meeting=second)
    # The first meeting postpones the item, and ends: the decision waits for the next report.
    decisions.meeting_open(actor=w.registrar, meeting=first)
    first.refresh_from_db()
    decisions.decision_record(actor=w.registrar, meeting=first, agenda_item=item, text="Bordläggs.",
                              outcome="postponed")
    decisions.meeting_close(actor=w.registrar, meeting=first)
    decision.refresh_from_db()
    assert decision.reported_in is None
    moved = decisions.delegation_report_add(actor=w.registrar, meeting=second)
    decision.refresh_from_db()
    assert moved.added == 1 and decision.agenda_item == moved.item and moved.item.meeting == second


def test_only_the_secretary_reports_and_not_to_a_board_without_decisions(w):
    meeting = _meeting(w, timezone.localdate())
    _register(w)
    for user in (w.officer_user, w.reader, None):
        with pytest.raises(PermissionDenied):
            decisions.delegation_report_add(actor=user, meeting=meeting)
    bun_meeting = f.meeting(w.registrar, w.bun, timezone.localdate())
    with pytest.raises(DomainError, match="Barn- och ungdomsnämnden har inga delegationsbeslut att anmäla som "
                                          "fattats senast"):
        decisions.delegation_report_add(actor=w.registrar, meeting=bun_meeting)
    assert not AgendaItem.objects.exists()


def test_the_notice_lists_the_reported_decisions(w):
    meeting = _meeting(w, timezone.localdate() + dt.timedelta(days=7))
    w.chair.email = "daniel.filipsson@alingsas.se"
    w.chair.save()
    _register(w, point="3.2", summary="Bygglov beviljas för tillbyggnad")
    decisions.delegation_report_add(actor=w.registrar, meeting=meeting)
    decisions.meeting_publish_notice(actor=w.registrar, meeting=meeting)
    [message] = mail.outbox
    assert f"1. {REPORT}" in message.body and "punkt 3.2: Bygglov beviljas för tillbyggnad" in message.body


# --- what the public reads -------------------------------------------------------------------------------
@pytest.fixture
def published(w):
    """A meeting whose notice is out with a report of three decisions: a public
    one, one naming a private person, and one whose document is marked secret
    (its description masked)."""
    today = timezone.localdate()
    public = _register(w, point="3.1", summary="Bygglov beviljas för tillbyggnad av garage",
                       decided_on=today - dt.timedelta(days=2))
    private = _register(w, point="3.2", summary=f"Bygglov beviljas för {PRIVATE_NAME}",
                        decided_on=today - dt.timedelta(days=2))
    secret_case = f.case(w.registrar, w.ks, title="Placering av barn")
    secret = _register(w, case=secret_case, point="7.4", summary=SECRET_SUMMARY,
                       decided_on=today - dt.timedelta(days=1), file=f.text_file("beslut.txt", SECRET_SUMMARY))
    registry.document_mark_secret(actor=w.registrar, document=secret.document, ground="OSL 26 kap. 1 §",
                                  masked_fields=["description"])
    meeting = _meeting(w, today + dt.timedelta(days=7))
    report = decisions.delegation_report_add(actor=w.registrar, meeting=meeting)
    decisions.meeting_publish_notice(actor=w.registrar, meeting=meeting)
    return SimpleNamespace(public=public, private=private, secret=secret, meeting=meeting, item=report.item)


def test_the_public_never_reads_a_secret_decision_or_a_private_persons_name(client, w, published):
    secret_values = [SECRET_SUMMARY, PRIVATE_NAME]
    pages = {
        "list": reverse("decisions:delegation_list"),
        "meeting": reverse("decisions:meeting_detail", args=[published.meeting.pk]),
        "case": reverse("registry:case_detail", args=[w.case.pk]),
        "secret case": reverse("registry:case_detail", args=[published.secret.case_id]),
    }
    for name, url in pages.items():
        html = _html(client.get(url))
        assert not found_in({name: html}, secret_values), name
    listing = _html(client.get(pages["list"]))
    assert "Bygglov beviljas för tillbyggnad av garage" in listing and "Bygglov beviljas för [namn]" in listing
    assert "7.4" not in listing
    meeting_page = _html(client.get(pages["meeting"]))
    assert REPORT in meeting_page and "Bygglov beviljas för tillbyggnad av garage" in meeting_page
    api = client.get("/api/delegation-decisions").json()
    assert {d["point"] for d in api} == {"3.1", "3.2"}
    assert not found_in({"api": str(api)}, secret_values)
    assert {d["summary"] for d in api} == {"Bygglov beviljas för tillbyggnad av garage", "Bygglov beviljas för [namn]"}
    # Every public output reachable from these, the API and the drawn-up notice among them.
    outputs = crawl(client, [*pages.values(), "/api/delegation-decisions",
                             f"/api/delegation-decisions?agenda_item={published.item.pk}",
                             reverse("decisions:meeting_document", args=[published.meeting.pk, "kallelse"])])
    assert not found_in(outputs, secret_values)

    # Staff who may read the case read them all, as written.
    client.force_login(w.registrar)
    listing = _html(client.get(pages["list"]))
    assert SECRET_SUMMARY in listing and f"Bygglov beviljas för {PRIVATE_NAME}" in listing
    meeting_page = _html(client.get(pages["meeting"]))
    assert SECRET_SUMMARY in meeting_page and PRIVATE_NAME in meeting_page
    staff = client.get("/api/delegation-decisions").json()
    assert {d["point"] for d in staff} == {"3.1", "3.2", "7.4"}
    # A reader sees the private person's name (internal data) but not the secret decision.
    client.force_login(w.reader)
    listing = _html(client.get(pages["list"]))
    assert PRIVATE_NAME in listing and SECRET_SUMMARY not in listing


# --- the web pages ---------------------------------------------------------------------------------------
def test_the_register_form_is_linked_from_the_case_and_shows_every_error_at_once(client, w):
    case_url = reverse("registry:case_detail", args=[w.case.pk])
    url = reverse("decisions:delegation_decision_register", args=[w.case.pk])
    assert url not in _html(client.get(case_url))
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(w.reader)
    assert url not in _html(client.get(case_url))
    assert client.get(url).status_code == 403
    client.force_login(w.officer_user)
    assert url in _html(client.get(case_url))
    form = _html(client.get(url))
    assert "Punkt i delegationsordningen" in form and timezone.localdate().isoformat() in form
    assert 'enctype="multipart/form-data"' in form

    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(url, {"organ": w.kf.pk, "point": "", "summary": "", "decided_on": future,
                                 "decided_by": ""})
    page = _html(response)
    assert response.status_code == 400 and "Uppgifterna kunde inte sparas" in page
    for message in ("Välj en av organisationens nämnder.", "Ange punkten i delegationsordningen, till exempel 3.2.",
                    "Skriv kortfattat vad som beslutades.", "Datumet kan inte ligga i framtiden.",
                    "Välj den som fattade beslutet."):
        assert message in page, message
    response = client.post(url, {"organ": w.ks.pk, "point": "3.2", "summary": "", "decided_on": "2026-13-40",
                                 "decided_by": w.officer.pk})
    page = _html(response)
    assert "Ange datum som ÅÅÅÅ-MM-DD." in page and "Skriv kortfattat vad som beslutades." in page
    assert not DelegationDecision.objects.exists()

    response = client.post(url, {"organ": w.ks.pk, "point": "3.2", "summary": "Bygglov beviljas",
                                 "decided_on": timezone.localdate().isoformat(), "decided_by": w.officer.pk,
                                 "file": f.pdf_file("beslut.pdf")}, follow=True)
    page = _html(response)
    decision = DelegationDecision.objects.get()
    ref = f"{w.case.diary_number}-{decision.document.number}"
    assert f"Delegationsbeslutet är registrerat som handling {ref}." in page
    assert "Bygglov beviljas" in page and "Inte anmält än" in page
    assert decision.document.files.get().filename == "beslut.pdf"


def test_the_list_filters_by_board_and_year(client, w):
    today = timezone.localdate()
    _register(w, summary="Bygglov beviljas", decided_on=today)
    _register(w, summary="Marklov beviljas", decided_on=dt.date(today.year - 1, 6, 1))
    bun_case = f.case(w.registrar, w.bun, title="Skolskjuts")
    _register(w, case=bun_case, organ=w.bun, summary="Skolskjuts beviljas", decided_on=today)
    url = reverse("decisions:delegation_list")
    page = _html(client.get(url))
    assert all(s in page for s in ("Bygglov beviljas", "Marklov beviljas", "Skolskjuts beviljas"))
    assert "Kommunfullmäktige" not in page.split('id="id_organ"')[1].split("</select>")[0]  # not a delegating organ
    page = _html(client.get(url, {"organ": w.ks.pk}))
    assert "Bygglov beviljas" in page and "Marklov beviljas" in page and "Skolskjuts beviljas" not in page
    page = _html(client.get(url, {"organ": w.ks.pk, "year": today.year - 1}))
    assert "Marklov beviljas" in page and "Bygglov beviljas" not in page
    assert f"Delegationsbeslut från Kommunstyrelsen {today.year - 1}" in page
    page = _html(client.get(url, {"year": "tjugo"}))  # a year that does not parse: every year
    assert client.get(url, {"year": "tjugo"}).status_code == 200 and "Skolskjuts beviljas" in page
    assert "Det finns inga delegationsbeslut att visa." in _html(client.get(url, {"year": 1990}))


def test_the_secretary_adds_the_report_from_the_meeting_page(client, w):
    meeting = _meeting(w, timezone.localdate())
    url = reverse("decisions:meeting_detail", args=[meeting.pk])
    report_url = reverse("decisions:delegation_report_add", args=[meeting.pk])
    _register(w, point="3.2", summary="Bygglov beviljas")
    client.force_login(w.officer_user)
    assert report_url not in _html(client.get(url))
    assert client.post(report_url).status_code == 403
    client.force_login(w.registrar)
    page = _html(client.get(url))
    assert report_url in page and "1 beslut fattat senast" in page
    page = _html(client.post(report_url, follow=True))
    assert f"{REPORT} är punkt 1 med 1 beslut." in page
    assert "punkt 3.2: Bygglov beviljas" in page and "0 beslut fattade senast" in page
    page = _html(client.post(report_url, follow=True))
    assert f"Inga nya delegationsbeslut att anmäla. Punkt 1, {REPORT}, är oförändrad." in page
    _register(w, point="4.1", summary="Marklov beviljas")
    page = _html(client.post(report_url, follow=True))
    assert f"1 nya delegationsbeslut är tillagda i punkt 1, {REPORT} (2 beslut)." in page
    decisions.meeting_open(actor=w.registrar, meeting=meeting)
    decisions.meeting_close(actor=w.registrar, meeting=meeting)
    page = _html(client.post(report_url, follow=True))
    assert "Sammanträdet är avslutat; föredragningslistan kan inte ändras." in page
    assert report_url not in page
    assert Meeting.objects.get(pk=meeting.pk).items.count() == 1


# --- the API --------------------------------------------------------------------------------------------
@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").json()


def test_the_api_registers_lists_and_reports(client, w, spec):
    auth = bearer(token_for(w.officer_user))
    today = timezone.localdate().isoformat()
    data = {"case": w.case.pk, "organ": w.ks.pk, "point": "3.2", "summary": "Bygglov beviljas", "decided_on": today,
            "decided_by": w.officer.pk}
    created = client.post("/api/delegation-decisions", {**data, "file": f.pdf_file("beslut.pdf")}, **auth)
    assert created.status_code == 201, created.content
    assert_matches(spec, created, "/api/delegation-decisions", "post")
    body = created.json()
    assert body["point"] == "3.2" and body["document_reference"].startswith(w.case.diary_number)
    assert body["decided_by"]["name"] == "Göran Westerlund" and body["agenda_item_id"] is None

    bad = client.post("/api/delegation-decisions", {"case": w.case.pk, "organ": w.kf.pk, "decided_by": w.stranger.pk,
                                                    "decided_on": "2999-01-01"}, **auth)
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"organ", "point", "summary", "decided_on", "decided_by"}
    assert_matches(spec, bad, "/api/delegation-decisions", "post")
    assert client.post("/api/delegation-decisions", data).status_code == 401
    assert client.post("/api/delegation-decisions", data, **bearer(token_for(w.reader))).status_code == 403
    missing_case = client.post("/api/delegation-decisions", {**data, "case": 999999}, **auth)
    assert missing_case.status_code == 400 and "case" in missing_case.json()["errors"]
    assert DelegationDecision.objects.count() == 1

    listed = client.get("/api/delegation-decisions", {"organ": w.ks.pk, "year": timezone.localdate().year})
    assert_matches(spec, listed, "/api/delegation-decisions")
    assert [d["id"] for d in listed.json()] == [body["id"]]
    assert client.get("/api/delegation-decisions", {"organ": w.bun.pk}).json() == []
    assert client.get("/api/delegation-decisions", {"year": 1800}).status_code == 422

    meeting = _meeting(w, timezone.localdate())
    url = f"/api/meetings/{meeting.pk}/delegation-report"
    assert client.post(url, **auth).status_code == 403  # a case officer does not run the board's meetings
    secretary = bearer(token_for(w.registrar))
    report = client.post(url, **secretary)
    assert report.status_code == 200, report.content
    assert_matches(spec, report, "/api/meetings/{meeting_id}/delegation-report", "post")
    assert report.json()["added"] == 1 and report.json()["title"] == REPORT
    assert report.json()["delegation_decisions"][0]["agenda_item_id"] == report.json()["agenda_item_id"]
    assert client.post(url, **secretary).json()["added"] == 0
    other = _meeting(w, timezone.localdate() + dt.timedelta(days=1))
    nothing = client.post(f"/api/meetings/{other.pk}/delegation-report", **secretary)
    assert nothing.status_code == 400 and "inga delegationsbeslut att anmäla" in nothing.json()["detail"]
