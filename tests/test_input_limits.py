"""Input limits shared by the web forms and the API: the same limit on each
free-text field, the same words ("Högst N tecken."), and one rule for dates
(ÅÅÅÅ-MM-DD; a date of something that happened is not in the future and not
before 1900), on every path, with nothing stored when refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from diarium.core.errors import DomainError
from diarium.registry import services as registry
from diarium.registry.models import Case, Document, Event

from . import factories as f
from .api_support import post_json, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def _form_error(html: str, field: str) -> list[str]:
    """The messages shown next to a form field."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


def _schema_property(client, schema: str, name: str) -> dict:
    return client.get("/api/openapi.json").json()["components"]["schemas"][schema]["properties"][name]


# --- registry: text ---------------------------------------------------------------------------
def test_api_refuses_an_over_long_case_description_and_registers_nothing(client, world):
    client.force_login(world.registrar)
    before = Case.objects.count()
    response = post_json(client, "/api/cases", {"organ": world.ks.pk, "title": "Ärende",
                                                "description": "x" * 20_001})
    assert response.status_code == 422
    assert response.json()["errors"] == {"description": ["Högst 20000 tecken."]}
    assert Case.objects.count() == before
    ok = post_json(client, "/api/cases", {"organ": world.ks.pk, "title": "Ärende", "description": "x" * 20_000})
    assert ok.status_code == 201


def test_api_schema_shows_the_limits(client, world):
    assert _schema_property(client, "CaseIn", "description")["maxLength"] == 20_000
    assert _schema_property(client, "CaseUpdateIn", "description")["maxLength"] == 20_000  # and never null


def test_form_refuses_an_over_long_case_description_in_the_apis_words(client, registrar, ks):
    client.force_login(registrar)
    response = client.post(reverse("registry:case_register"), {
        "organ": ks.pk, "title": "t" * 501, "description": "x" * 20_001})
    assert response.status_code == 400
    html = _html(response)
    assert _form_error(html, "description") == ["Högst 20000 tecken."]
    assert _form_error(html, "title") == ["Högst 500 tecken."]
    assert Case.objects.count() == 0


def test_services_refuse_over_long_texts_on_every_path(registrar, ks):
    case = f.case(registrar, ks)
    with pytest.raises(DomainError) as err:
        registry.case_register(actor=registrar, organ=ks, title="Ärende", description="x" * 20_001)
    assert err.value.errors == {"description": ["Högst 20000 tecken."]}
    with pytest.raises(DomainError) as err:
        registry.case_update(actor=registrar, case=case, description="x" * 20_001)
    assert err.value.errors == {"description": ["Högst 20000 tecken."]}
    with pytest.raises(DomainError) as err:
        registry.case_close(actor=registrar, case=case, reason="x" * 1001)
    assert err.value.errors == {"reason": ["Högst 1000 tecken."]}
    document = f.document(registrar, case)
    with pytest.raises(DomainError) as err:
        registry.document_mark_secret(actor=registrar, document=document, ground="x" * 201)
    assert err.value.errors == {"ground": ["Högst 200 tecken."]}
    with pytest.raises(DomainError) as err:
        registry.document_register(actor=registrar, case=case, direction="incoming",
                                   document_date=dt.date(2018, 6, 12), counterpart="x" * 301,
                                   description="y" * 501)
    assert err.value.errors == {"counterpart": ["Högst 300 tecken."], "description": ["Högst 500 tecken."]}
    case.refresh_from_db()
    assert case.description == "" and case.status == Case.Status.OPEN
    assert Case.objects.count() == 1 and Document.objects.count() == 1
    assert not Event.objects.filter(kind__in=[Event.Kind.CASE_UPDATED, Event.Kind.CASE_CLOSED,
                                              Event.Kind.SECRECY_MARKED]).exists()


def test_close_reason_has_one_limit_in_the_form_and_the_api(client, world):
    client.force_login(world.registrar)
    response = client.post(reverse("registry:case_close", args=[world.case.pk]), {"reason": "x" * 1001})
    assert _form_error(_html(response), "reason") == ["Högst 1000 tecken."]
    response = post_json(client, f"/api/cases/{world.case.pk}/close", {"reason": "x" * 1001})
    assert response.json()["errors"] == {"reason": ["Högst 1000 tecken."]}
    response = client.post(reverse("registry:case_close", args=[world.case.pk]), {"reason": "x" * 1000})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.CLOSED


# --- registry: dates --------------------------------------------------------------------------
def _document(**changes) -> dict:
    return {"direction": "incoming", "document_date": "2018-06-12", "counterpart": "Sambruk",
            "description": "Remissvar", **changes}


@pytest.mark.parametrize("value", ["2018-6-12", "12/06/2018", "06/12/2018", "2018-06-12T00:00:00", "20180612"])
def test_form_and_api_refuse_the_same_date_formats_with_the_same_words(client, world, value):
    client.force_login(world.registrar)
    before = Document.objects.count()
    api = client.post(f"/api/cases/{world.case.pk}/documents", _document(document_date=value))
    assert api.status_code == 422
    assert api.json()["errors"] == {"document_date": ["Ange datum som ÅÅÅÅ-MM-DD."]}
    web = client.post(reverse("registry:document_register", args=[world.case.pk]), _document(document_date=value))
    assert web.status_code == 400
    assert _form_error(_html(web), "document_date") == ["Ange datum som ÅÅÅÅ-MM-DD."]
    assert Document.objects.count() == before


@pytest.mark.parametrize("value, message", [
    ("0001-01-01", "Datumet kan inte vara tidigare än 1900-01-01."),
    ("1899-12-31", "Datumet kan inte vara tidigare än 1900-01-01."),
    ("tomorrow", "Datumet kan inte ligga i framtiden."),
])
def test_form_and_api_refuse_implausible_document_dates_with_every_error_at_once(client, world, value, message):
    if value == "tomorrow":
        value = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    client.force_login(world.registrar)
    before = Document.objects.count()
    data = _document(document_date=value, description="y" * 501)
    api = client.post(f"/api/cases/{world.case.pk}/documents", data)
    assert api.status_code == 422
    assert api.json()["errors"] == {"document_date": [message], "description": ["Högst 500 tecken."]}
    web = client.post(reverse("registry:document_register", args=[world.case.pk]), data)
    html = _html(web)
    assert _form_error(html, "document_date") == [message]
    assert _form_error(html, "description") == ["Högst 500 tecken."]
    assert Document.objects.count() == before
    with pytest.raises(DomainError) as err:
        registry.document_register(actor=world.registrar, case=world.case, direction="incoming",
                                   document_date=dt.date.fromisoformat(value), counterpart="Sambruk",
                                   description="Remissvar")
    assert err.value.errors == {"document_date": [message]}


def test_today_and_the_earliest_date_are_accepted(client, world):
    client.force_login(world.registrar)
    for value in (timezone.localdate().isoformat(), "1900-01-01"):
        response = client.post(f"/api/cases/{world.case.pk}/documents", _document(document_date=value))
        assert response.status_code == 201, response.content
        assert response.json()["document_date"] == value


def test_the_earliest_date_is_a_setting(client, world, settings):
    settings.DIARIUM_EARLIEST_DATE = "2000-01-01"
    client.force_login(world.registrar)
    response = client.post(f"/api/cases/{world.case.pk}/documents", _document(document_date="1999-12-31"))
    assert response.json()["errors"] == {"document_date": ["Datumet kan inte vara tidigare än 2000-01-01."]}


def test_case_registration_date_is_not_in_the_future_or_implausibly_old(registrar, ks):
    for when in (timezone.now() + dt.timedelta(days=2), dt.datetime(1850, 1, 1, tzinfo=dt.timezone.utc)):
        with pytest.raises(DomainError) as err:
            registry.case_register(actor=registrar, organ=ks, title="Ärende", registered_at=when)
        assert list(err.value.errors) == ["registered_at"]
    assert Case.objects.count() == 0


def test_filter_dates_follow_the_same_format(client, world):
    assert client.get("/api/cases", {"date_from": "2018-1-1"}).status_code == 422
    html = _html(client.get(reverse("registry:document_list"), {"date_from": "2018-1-1"}))
    assert "Registrerad från: Ange datum som ÅÅÅÅ-MM-DD." in html


# --- decisions --------------------------------------------------------------------------------
def _report_body(ks, **changes) -> dict:
    return {"title": "Digital målbild", "addressed_to": ks.pk, "background": "Bakgrund.",
            "proposals": [{"organ": ks.pk, "text": "Målbilden antas."}], "report_date": "2018-08-23", **changes}


def test_api_refuses_an_over_long_officers_report_with_every_error_at_once(client, registrar, ks):
    from diarium.decisions.models import OfficerReport

    case = f.case(registrar, ks)
    client.force_login(registrar)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post_json(client, f"/api/cases/{case.pk}/officer-reports", _report_body(
        ks, background="x" * 100_001, opinion="y" * 100_001, dispatch_to=["z" * 301], report_date=tomorrow,
        proposals=[{"organ": ks.pk, "text": "p" * 50_001}]))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "background": ["Högst 100000 tecken."], "opinion": ["Högst 100000 tecken."],
        "dispatch_to": ["Högst 300 tecken."], "report_date": ["Datumet kan inte ligga i framtiden."],
        "proposals.text": ["Högst 50000 tecken."]}
    assert not OfficerReport.objects.exists()
    assert _schema_property(client, "OfficerReportIn", "background")["maxLength"] == 100_000


def test_report_form_refuses_over_long_sections_and_a_future_date(client, registrar, ks):
    from diarium.decisions.models import OfficerReport

    case = f.case(registrar, ks)
    client.force_login(registrar)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("decisions:officer_report_create", args=[case.pk]), {
        "title": "Digital målbild", "addressed_to": ks.pk, "report_date": tomorrow, "background": "x" * 100_001,
        "proposal_1_organ": ks.pk, "proposal_1_text": "p" * 50_001})
    assert response.status_code == 400
    html = _html(response)
    assert _form_error(html, "background") == ["Högst 100000 tecken."]
    assert _form_error(html, "proposal_1_text") == ["Högst 50000 tecken."]
    assert _form_error(html, "report_date") == ["Datumet kan inte ligga i framtiden."]
    assert not OfficerReport.objects.exists()


def test_decision_services_refuse_over_long_texts_instead_of_storing_or_cutting_them(registrar, ks):
    from diarium.decisions import services as decisions
    from diarium.decisions.models import AgendaItem, Decision

    meeting = f.meeting(registrar, ks)
    with pytest.raises(DomainError) as err:
        decisions.agenda_item_add(actor=registrar, meeting=meeting, title="t" * 501)
    assert err.value.errors == {"title": ["Högst 500 tecken."]}
    assert not AgendaItem.objects.exists()
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    with pytest.raises(DomainError) as err:
        decisions.decision_record(actor=registrar, meeting=meeting, title="Beslut", text="x" * 50_001,
                                  notes=[decisions.NoteInput(kind="reservation", text="r" * 20_001)])
    assert err.value.errors == {"text": ["Högst 50000 tecken."], "notes": ["Högst 20000 tecken."]}
    assert not Decision.objects.exists()
    decision = decisions.decision_record(actor=registrar, meeting=meeting, title="Beslut", text="Bifall.")
    with pytest.raises(DomainError) as err:
        decisions.decision_update(actor=registrar, decision=decision, title="t" * 501)
    assert err.value.errors == {"title": ["Högst 500 tecken."]}
    decision.refresh_from_db()
    assert decision.title == "Beslut"


def test_decision_api_and_form_share_the_limit_of_a_decisions_text(client, registrar, ks):
    from diarium.decisions import services as decisions
    from diarium.decisions.models import Decision

    meeting = f.meeting(registrar, ks)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    client.force_login(registrar)
    response = post_json(client, f"/api/meetings/{meeting.pk}/decisions", {"title": "Beslut", "text": "x" * 50_001})
    assert response.status_code == 422 and response.json()["errors"] == {"text": ["Högst 50000 tecken."]}
    response = client.post(reverse("decisions:decision_record", args=[meeting.pk]),
                           {"title": "Beslut", "text": "x" * 50_001, "outcome": "adopted"})
    assert _form_error(_html(response), "text") == ["Högst 50000 tecken."]
    assert not Decision.objects.exists()


# --- remiss -----------------------------------------------------------------------------------
@pytest.fixture
def sent_round(org, ks, registrar):
    from diarium.remiss import services as remiss

    round_, _organs = f.remiss_setup(registrar, org, ks, boards=1)
    remiss.remiss_send(actor=registrar, round=round_)
    round_.refresh_from_db()
    return round_


def test_remiss_letter_has_one_limit_in_the_form_the_api_and_the_service(client, org, ks, registrar):
    from diarium.remiss import services as remiss
    from diarium.remiss.models import RemissRound

    case = f.case(registrar, ks)
    f.organ(org, code="KFN", name="Kultur- och fritidsnämnden", kind="board", email="kfn@alingsas.se")
    client.force_login(registrar)
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = post_json(client, f"/api/cases/{case.pk}/remiss", {
        "title": "Remiss", "letter": "x" * 20_001, "deadline": deadline, "recipients": [], "files": []})
    assert response.status_code == 422 and response.json()["errors"] == {"letter": ["Högst 20000 tecken."]}
    response = client.post(reverse("remiss:round_create", args=[case.pk]), {
        "title": "Remiss", "letter": "x" * 20_001, "deadline": deadline, "dispatch_mode": "per_recipient",
        "reminder_days_before": 7, "grace_days": 30})
    assert _form_error(_html(response), "letter") == ["Högst 20000 tecken."]
    with pytest.raises(DomainError) as err:
        remiss.remiss_create(actor=registrar, case=case, title="t" * 301, letter="x" * 20_001,
                             deadline=timezone.localdate() + dt.timedelta(days=30), recipients=[], files=[])
    assert err.value.errors["title"] == ["Högst 300 tecken."]
    assert err.value.errors["letter"] == ["Högst 20000 tecken."]
    assert not RemissRound.objects.exists()


def test_an_answer_through_the_link_is_limited_on_every_path(client, sent_round):
    from diarium.remiss import services as remiss

    recipient = sent_round.recipients.get()
    token = remiss.answer_token(recipient)
    response = client.post(f"/api/remissvar/{token}", {"text": "x" * 100_001, "answered_by": "y" * 201})
    assert response.status_code == 422
    assert response.json()["errors"] == {"text": ["Högst 100000 tecken."], "answered_by": ["Högst 200 tecken."]}
    response = client.post(reverse("remiss:answer", args=[token]), {"answer": "answer", "text": "x" * 100_001})
    assert _form_error(_html(response), "text") == ["Högst 100000 tecken."]
    with pytest.raises(DomainError) as err:
        remiss.remiss_answer_by_link(token=token, text="Svar.", answered_by="y" * 201)
    assert err.value.errors == {"answered_by": ["Högst 200 tecken."]}
    recipient.refresh_from_db()
    assert recipient.answered_at is None


def test_an_answer_received_on_paper_has_a_plausible_date_in_the_form_and_the_api(client, registrar, sent_round):
    recipient = sent_round.recipients.get()
    client.force_login(registrar)
    for value, message in (("1899-12-31", "Datumet kan inte vara tidigare än 1900-01-01."),
                           ((timezone.localdate() + dt.timedelta(days=1)).isoformat(),
                            "Datumet kan inte ligga i framtiden."),
                           ("2018-6-12", "Ange datum som ÅÅÅÅ-MM-DD.")):
        api = client.post(f"/api/remiss/{sent_round.pk}/recipients/{recipient.pk}/answer",
                          {"text": "Svar.", "received_on": value})
        assert api.status_code == 422 and api.json()["errors"] == {"received_on": [message]}, value
        web = client.post(reverse("remiss:answer_inside", args=[sent_round.pk, recipient.pk]),
                          {"answer": "answer", "text": "Svar.", "received_on": value})
        assert _form_error(_html(web), "received_on") == [message], value
    recipient.refresh_from_db()
    assert recipient.answered_at is None


def test_assessment_is_limited_in_the_service(registrar, sent_round):
    from diarium.remiss import services as remiss

    recipient = sent_round.recipients.get()
    with pytest.raises(DomainError) as err:
        remiss.remiss_assess(actor=registrar, recipient=recipient, summary="x" * 10_001, consideration="",
                             comment="y" * 10_001)
    assert err.value.errors == {"summary": ["Högst 10000 tecken."], "comment": ["Högst 10000 tecken."]}
    recipient.refresh_from_db()
    assert recipient.summary == "" and recipient.consideration_comment == ""


# --- plans ------------------------------------------------------------------------------------
def test_plan_description_has_one_limit_in_the_form_the_api_and_the_services(client, registrar, ks):
    from diarium.plans import services as plans
    from diarium.plans.models import FocusArea, SteeringDocument

    case = f.case(registrar, ks)
    client.force_login(registrar)
    body = {"kind": "action_plan", "title": "Handlingsplan", "period_start": 2019, "period_end": 2021,
            "owner_organ": ks.pk, "description": "x" * 20_001}
    response = post_json(client, f"/api/cases/{case.pk}/plans", body)
    assert response.status_code == 422 and response.json()["errors"] == {"description": ["Högst 20000 tecken."]}
    response = client.post(reverse("plans:plan_create", args=[case.pk]), {
        **body, "weighting": "budget", "follow_up_months": "12"})
    assert _form_error(_html(response), "description") == ["Högst 20000 tecken."]
    assert not SteeringDocument.objects.exists()
    with pytest.raises(DomainError) as err:
        plans.plan_create(actor=registrar, case=case, kind="action_plan", title="Handlingsplan", period_start=2019,
                          period_end=2021, owner_organ=ks, description="x" * 20_001)
    assert err.value.errors == {"description": ["Högst 20000 tecken."]}
    plan = f.plan(registrar, case, ks)
    with pytest.raises(DomainError) as err:
        plans.focus_area_save(actor=registrar, document=plan, title="Öppen", description="x" * 20_001)
    assert err.value.errors == {"description": ["Högst 20000 tecken."]}
    assert not FocusArea.objects.exists()
