"""Steering documents through the web client: what staff, a reader, the
responsible person and the public see and may do."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diarium.accounts.models import Role
from diarium.plans import services as plans
from diarium.plans.models import (
    Action, ActionBudget, ActionReport, FocusArea, FollowUpRound, Goal, Indicator, IndicatorValue, SteeringDocument,
)

from . import factories as f

pytestmark = pytest.mark.django_db

NOTE = "Leverantören är osäker – intern bedömning"
INTERNAL_COMMENT = "Intern kommentar om personalläget"
PUBLIC_COMMENT = "Plattformen är upphandlad"
DRAFT_ACTION = "Hemligt utkast till aktivitet"


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def reader(org):
    return f.user(org, Role.READER)


@pytest.fixture
def owner_user(org):
    return f.user(org, username="goran")


@pytest.fixture
def owner(org, owner_user):
    return f.person(org, "Göran Westerlund", email="goran.westerlund@alingsas.se", user=owner_user)


@pytest.fixture
def case(registrar, ks):
    return f.case(registrar, ks)


@pytest.fixture
def draft(registrar, case, ks, owner):
    document = f.plan(registrar, case, ks, process_owner=owner, process_owner_role="Kommundirektör")
    f.plan_structure(registrar, document, person=owner, organ=ks, internal_note=NOTE)
    return document


@pytest.fixture
def adopted(registrar, draft):
    plans.plan_adopt(actor=registrar, document=draft, note="Första versionen")
    goal = Goal.objects.get()
    plans.action_save(actor=registrar, goal=goal, title=DRAFT_ACTION,
                      budgets=[plans.BudgetInput(year=2020, operating="1000")])
    draft.refresh_from_db()
    return draft


@pytest.fixture
def round_(registrar, adopted):
    return plans.follow_up_open(actor=registrar, document=adopted, year=2019,
                                deadline=dt.date.today() + dt.timedelta(days=14))


def _answer(actor, round_, *, comment=PUBLIC_COMMENT, internal=False, progress=40):
    action = Action.objects.get(title="Införa e-tjänsteplattform")
    plans.follow_up_answer(actor=actor, round=round_, reports=[plans.ActionReportInput(
        action=action, status="ongoing", progress=progress, used_operating="120000", used_investment="90000",
        comment=comment, comment_internal=internal)])


# --- lists and the case page -----------------------------------------------------------------
def test_the_public_list_shows_adopted_plans_only(client, registrar, case, ks, adopted):
    f.plan(registrar, case, ks, title="Utkast till riktlinje", kind="guideline")
    html = _html(client.get(reverse("plans:plan_list")))
    assert "Handlingsplan för digital målbild" in html and "Utkast till riktlinje" not in html
    client.force_login(registrar)
    html = _html(client.get(reverse("plans:plan_list")))
    assert "Handlingsplan för digital målbild" in html and "Utkast till riktlinje" in html
    assert 'href="/styrdokument/"' in html  # the main menu


def test_the_case_page_lists_plans_and_offers_a_new_one_to_staff(client, registrar, reader, case, adopted):
    url = reverse("registry:case_detail", args=[case.pk])
    new = reverse("plans:plan_create", args=[case.pk])
    html = _html(client.get(url))
    assert "Handlingsplan för digital målbild" in html and new not in html
    client.force_login(reader)
    assert new not in _html(client.get(url))
    client.force_login(registrar)
    assert new in _html(client.get(url))


# --- creating and editing ---------------------------------------------------------------------
def test_a_registrar_creates_a_plan_from_the_case(client, registrar, case, ks, owner):
    client.force_login(registrar)
    url = reverse("plans:plan_create", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "kind": "action_plan", "title": "Handlingsplan 2019–2021", "period_start": "2019", "period_end": "2021",
        "owner_organ": str(ks.pk), "process_owner": str(owner.pk), "process_owner_role": "Kommundirektör",
        "weighting": "budget", "follow_up_months": "12", "description": "",
    })
    document = SteeringDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:plan_structure",
                                                                             args=[document.pk])
    assert (document.period_start, document.period_end, document.process_owner_role) == (2019, 2021,
                                                                                          "Kommundirektör")


def test_plan_form_errors_are_swedish_with_status_400(client, registrar, case, ks):
    client.force_login(registrar)
    response = client.post(reverse("plans:plan_create", args=[case.pk]), {
        "kind": "", "title": "", "period_start": "2021", "period_end": "2019", "owner_organ": str(ks.pk),
        "weighting": "budget", "follow_up_months": "99"})
    html = _html(response)
    assert response.status_code == 400
    assert "Välj typ av styrdokument." in html and "Ange styrdokumentets namn." in html
    assert "Giltighetstiden måste sluta samma år eller senare än den börjar." in html
    assert "Uppföljningen görs var 1–36 månad." in html
    assert not SteeringDocument.objects.exists()


def test_structure_is_edited_through_its_forms(client, registrar, draft, ks, owner):
    client.force_login(registrar)
    page = _html(client.get(reverse("plans:plan_structure", args=[draft.pk])))
    assert "Öppen och smart" in page and NOTE in page and "Exportera CSV" in page
    response = client.post(reverse("plans:focus_area_add", args=[draft.pk]), {"title": "Smart och effektiv"})
    area = FocusArea.objects.get(title="Smart och effektiv")
    assert response.status_code == 302 and response["Location"].endswith(f"#malomrade-{area.pk}")
    client.post(reverse("plans:goal_add", args=[area.pk]), {"title": "Digitala möten"})
    goal = Goal.objects.get(title="Digitala möten")
    form = _html(client.get(reverse("plans:indicator_add", args=[goal.pk])))
    assert all(f'name="target_{y}"' in form for y in (2019, 2020, 2021))
    client.post(reverse("plans:indicator_add", args=[goal.pk]), {
        "name": "Antal digitala möten", "unit": "antal", "baseline": "10", "baseline_year": "2018",
        "target_2019": "20", "target_2021": "60"})
    assert Indicator.objects.get(name="Antal digitala möten").targets == {"2019": "20", "2021": "60"}
    form = _html(client.get(reverse("plans:action_add", args=[goal.pk])))
    assert all(f'name="{k}_{y}"' in form for y in (2019, 2020, 2021) for k in ("operating", "investment"))
    response = client.post(reverse("plans:action_add", args=[goal.pk]), {
        "title": "Skärmar i mötesrum", "responsible_organ": str(ks.pk), "responsible_person": str(owner.pk),
        "start": "2019-03-01", "end": "2020-12-31", "funding_source": "Investeringsbudget", "weight": "",
        "internal_note": "", "operating_2019": "10 000", "investment_2019": "200 000,50", "operating_2020": "",
        "investment_2020": "", "operating_2021": "", "investment_2021": ""})
    action = Action.objects.get(title="Skärmar i mötesrum")
    assert response.status_code == 302
    assert [(b.year, b.operating, b.investment) for b in action.budgets.all()] == [
        (2019, 10000, Decimal("200000.50"))]
    # Edit and delete.
    client.post(reverse("plans:action_edit", args=[action.pk]), {
        "title": "Skärmar i alla mötesrum", "operating_2019": "10000", "investment_2020": "5000"})
    action.refresh_from_db()
    assert action.title == "Skärmar i alla mötesrum" and action.budgets.count() == 2
    response = client.post(reverse("plans:structure_delete", args=[draft.pk]), {"kind": "action", "id": action.pk})
    assert response.status_code == 302 and not Action.objects.filter(pk=action.pk).exists()
    client.post(reverse("plans:structure_delete", args=[draft.pk]), {"kind": "focus_area", "id": area.pk})
    assert not FocusArea.objects.filter(pk=area.pk).exists()


def test_structure_form_errors_are_swedish_with_status_400(client, registrar, draft):
    client.force_login(registrar)
    goal = Goal.objects.get()
    response = client.post(reverse("plans:action_add", args=[goal.pk]), {
        "title": "", "start": "2020-05-01", "end": "2020-01-01", "operating_2019": "mycket"})
    html = _html(response)
    assert response.status_code == 400
    assert "Ange aktivitetens namn." in html
    response = client.post(reverse("plans:action_add", args=[goal.pk]), {
        "title": "Ny", "start": "2020-05-01", "end": "2020-01-01", "operating_2019": "mycket"})
    html = _html(response)
    assert response.status_code == 400
    assert "Aktiviteten kan inte vara klar innan den har börjat." in html
    assert "Ange ett belopp i kronor" in html
    response = client.post(reverse("plans:indicator_add", args=[goal.pk]), {"name": "", "unit": ""})
    assert response.status_code == 400 and "Ange indikatorns namn." in _html(response)
    response = client.post(reverse("plans:focus_area_add", args=[goal.focus_area.document_id]), {"title": ""})
    assert response.status_code == 400 and "Ange målområdets namn." in _html(response)


def test_what_a_follow_up_reported_on_cannot_be_deleted(client, registrar, owner_user, round_):
    _answer(owner_user, round_)
    client.force_login(registrar)
    action = Action.objects.get(title="Införa e-tjänsteplattform")
    response = client.post(reverse("plans:structure_delete", args=[round_.document_id]),
                           {"kind": "action", "id": action.pk}, follow=True)
    assert "den kan inte tas bort" in _html(response) and Action.objects.filter(pk=action.pk).exists()


def test_adopting_with_a_decision_reference_and_status_change(client, registrar, draft):
    client.force_login(registrar)
    url = reverse("plans:plan_adopt", args=[draft.pk])
    response = client.post(url, {"reference": "KF 2018-10-31 § 190"})
    assert response.status_code == 400 and "Det finns inget beslut KF 2018-10-31 § 190." in _html(response)
    response = client.post(url, {"note": "Efter remissen"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "adopted" and draft.versions.get().note == "Efter remissen"
    response = client.post(reverse("plans:plan_edit", args=[draft.pk]), {"action": "status", "status": "replaced"})
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.status == "replaced"
    response = client.post(reverse("plans:plan_edit", args=[draft.pk]), {
        "kind": "action_plan", "title": "", "period_start": "2019", "period_end": "2021",
        "owner_organ": str(draft.owner_organ_id), "weighting": "budget", "follow_up_months": "12"})
    assert response.status_code == 400 and "Ange styrdokumentets namn." in _html(response)


# --- what the public sees --------------------------------------------------------------------
def test_a_draft_is_not_public(client, draft):
    assert client.get(reverse("plans:plan_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("plans:plan_versions", args=[draft.pk])).status_code == 404


def test_the_public_sees_the_adopted_version_without_internal_notes(client, registrar, adopted):
    url = reverse("plans:plan_detail", args=[adopted.pk])
    html = _html(client.get(url))
    assert "Införa e-tjänsteplattform" in html and "Kommundirektör" in html and "Göran Westerlund" in html
    assert DRAFT_ACTION not in html and NOTE not in html and "arbetskopian" not in html.lower()
    assert "Flerårsstrategi 2018–2020" in html and "250\u00a0000" in html
    client.force_login(registrar)
    html = _html(client.get(url))
    assert DRAFT_ACTION in html and NOTE in html and "Du ser arbetskopian" in html
    assert "Ändrat i arbetskopian sedan den senast antagna versionen" in html


def test_internal_comments_are_never_public(client, registrar, owner_user, round_):
    _answer(owner_user, round_, comment=INTERNAL_COMMENT, internal=True)
    for name in ("plans:follow_up_detail", "plans:follow_up_report"):
        html = _html(client.get(reverse(name, args=[round_.pk])))
        assert "Införa e-tjänsteplattform" in html and INTERNAL_COMMENT not in html
    assert INTERNAL_COMMENT not in _html(client.get(reverse("plans:plan_detail", args=[round_.document_id])))
    client.force_login(registrar)
    assert INTERNAL_COMMENT in _html(client.get(reverse("plans:follow_up_detail", args=[round_.pk])))
    assert INTERNAL_COMMENT in _html(client.get(reverse("plans:plan_detail", args=[round_.document_id])))


def test_versions_show_what_changed(client, registrar, adopted):
    plans.plan_adopt(actor=registrar, document=adopted, note="Efter revision")
    action = Action.objects.get(title="Införa e-tjänsteplattform")
    plans.action_save(actor=registrar, goal=action.goal, title=action.title,
                      budgets=[plans.BudgetInput(year=2019, operating="300000", investment="100000")], action=action)
    html = _html(client.get(reverse("plans:plan_versions", args=[adopted.pk])))
    assert "Version 2" in html and "Version 1" in html and "Den första antagna versionen." in html
    assert DRAFT_ACTION in html and "Tillagd" in html  # version 2 added the action
    assert "Arbetskopian" not in html and "300\u202f000" not in html
    client.force_login(registrar)
    html = _html(client.get(reverse("plans:plan_versions", args=[adopted.pk])))
    assert "Arbetskopian (inte antagen)" in html and "Ny budget" in html and "300\u202f000" in html


# --- rights ----------------------------------------------------------------------------------
def test_a_reader_cannot_edit(client, reader, adopted, round_):
    client.force_login(reader)
    goal = Goal.objects.get()
    assert "Redigera innehållet" not in _html(client.get(reverse("plans:plan_detail", args=[adopted.pk])))
    assert NOTE in _html(client.get(reverse("plans:plan_detail", args=[adopted.pk])))  # readers read internal
    for url in (reverse("plans:plan_structure", args=[adopted.pk]), reverse("plans:plan_edit", args=[adopted.pk]),
                reverse("plans:plan_adopt", args=[adopted.pk]), reverse("plans:goal_edit", args=[goal.pk]),
                reverse("plans:action_add", args=[goal.pk]), reverse("plans:plan_import", args=[adopted.pk]),
                reverse("plans:follow_up_open", args=[adopted.pk]),
                reverse("plans:plan_create", args=[adopted.case_id])):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("plans:structure_delete", args=[adopted.pk]), {"kind": "goal", "id": goal.pk})
    assert response.status_code == 403 and Goal.objects.filter(pk=goal.pk).exists()
    assert client.post(reverse("plans:follow_up_close", args=[round_.pk])).status_code == 403
    assert client.post(reverse("plans:follow_up_report", args=[round_.pk])).status_code == 403
    assert client.get(reverse("plans:follow_up_answer", args=[round_.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, adopted, round_):
    response = client.get(reverse("plans:plan_structure", args=[adopted.pk]))
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]
    response = client.get(reverse("plans:follow_up_answer", args=[round_.pk]))
    assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]


# --- follow-ups -------------------------------------------------------------------------------
def test_opening_a_follow_up_asks_the_responsible(client, registrar, adopted):
    client.force_login(registrar)
    url = reverse("plans:follow_up_open", args=[adopted.pk])
    response = client.post(url, {"year": "2019", "kind": "yearly", "deadline": "2000-01-01"})
    assert response.status_code == 400 and "Ange ett svarsdatum som inte har passerat." in _html(response)
    deadline = dt.date.today() + dt.timedelta(days=20)
    response = client.post(url, {"year": "2019", "kind": "yearly", "deadline": deadline.isoformat()})
    round_ = FollowUpRound.objects.get()
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    assert [m.to for m in mail.outbox] == [["goran.westerlund@alingsas.se"]]
    html = _html(client.get(round_.get_absolute_url()))
    assert "Göran Westerlund" in html and "Inte svarat" in html


def test_the_responsible_person_answers(client, owner_user, round_):
    client.force_login(owner_user)
    url = reverse("plans:follow_up_answer", args=[round_.pk])
    page = _html(client.get(url))
    action = Action.objects.get(title="Införa e-tjänsteplattform")
    assert "<legend>Införa e-tjänsteplattform</legend>" in page and f'name="status_{action.pk}"' in page
    assert "value_" not in page  # indicators are for those who run the plan
    response = client.post(url, {f"status_{action.pk}": "", f"progress_{action.pk}": "140"})
    html = _html(response)
    assert response.status_code == 400
    assert "Välj status för Införa e-tjänsteplattform." in html
    assert "Ange hur stor del av Införa e-tjänsteplattform som är klar, 0–100 procent." in html
    response = client.post(url, {f"status_{action.pk}": "ongoing", f"progress_{action.pk}": "40",
                                 f"used_operating_{action.pk}": "1x"})
    assert response.status_code == 400 and "Ange ett belopp i kronor" in _html(response)
    response = client.post(url, {
        f"status_{action.pk}": "ongoing", f"progress_{action.pk}": "40",
        f"used_operating_{action.pk}": "120 000", f"used_investment_{action.pk}": "90000",
        f"comment_{action.pk}": INTERNAL_COMMENT, f"comment_internal_{action.pk}": "on"})
    assert response.status_code == 302
    report = ActionReport.objects.get()
    assert (report.status, report.progress, report.used_operating, report.comment_internal, report.late) == (
        "ongoing", 40, 120000, True, False)
    assert round_.requests.get().answered_at is not None


def test_a_manager_records_indicator_values_and_late_answers_are_marked(client, registrar, round_):
    FollowUpRound.objects.filter(pk=round_.pk).update(deadline=dt.date.today() - dt.timedelta(days=1))
    client.force_login(registrar)
    url = reverse("plans:follow_up_answer", args=[round_.pk])
    page = _html(client.get(url))
    assert "Svarsdatum har passerat." in page
    indicator = Indicator.objects.get()
    action = Action.objects.get(title="Införa e-tjänsteplattform")
    draft = Action.objects.get(title=DRAFT_ACTION)
    response = client.post(url, {
        f"status_{action.pk}": "done", f"progress_{action.pk}": "80", f"status_{draft.pk}": "not_started",
        f"progress_{draft.pk}": "0", f"value_{indicator.pk}": "35,5"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == Decimal("35.5")
    assert ActionReport.objects.get(action=action).late
    html = _html(client.get(round_.get_absolute_url()))
    assert "Sent svar" in html and "35,5" in html


def test_drawing_up_the_report_and_putting_it_on_the_agenda(client, registrar, ks, owner_user, round_):
    from diarium.decisions.models import AgendaItem

    _answer(owner_user, round_)
    meeting = f.meeting(registrar, ks, date=dt.date.today() + dt.timedelta(days=30))
    client.force_login(registrar)
    report_url = reverse("plans:follow_up_report", args=[round_.pk])
    html = _html(client.get(report_url))
    assert html.count('role="img"') >= 3 and "<table" in html and "Framsteg per mål" in html
    assert "Budget och utfall per år" in html and "Indikatorer mot målvärden" in html
    response = client.post(report_url, follow=True)
    round_.refresh_from_db()
    assert round_.report_document is not None
    assert "Uppföljningsrapporten är upprättad och registrerad som handling" in _html(response)
    assert reverse("registry:document_detail", args=[round_.report_document_id]) in _html(response)
    response = client.post(reverse("plans:report_to_agenda", args=[round_.pk]), {"meeting": str(meeting.pk)},
                           follow=True)
    assert "Rapporten är punkt 1" in _html(response)
    assert AgendaItem.objects.get(meeting=meeting).supporting_documents.get() == round_.report_document
    response = client.post(reverse("plans:follow_up_close", args=[round_.pk]), follow=True)
    assert "Uppföljningen är avslutad." in _html(response)
    response = client.get(reverse("plans:follow_up_answer", args=[round_.pk]))
    assert "tar inte emot fler svar" in _html(response)


def test_plan_page_shows_roll_up_charts_and_tables(client, owner_user, round_):
    _answer(owner_user, round_, progress=40)
    html = _html(client.get(reverse("plans:plan_detail", args=[round_.document_id])))
    assert "Framsteget vägs samman efter aktiviteternas budget" in html
    assert "aktiviteter som inte har rapporterats räknas som 0 %" in html
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="plan-framsteg-title plan-framsteg-desc"', html)
    assert 'id="plan-pengar"' in html and 'id="plan-indikator-1"' in html
    assert "Budget och utfall per år, kronor" in html  # the money table's caption
    assert round_.title in html


# --- import and export -------------------------------------------------------------------------
def test_export_and_import_round_trip_with_row_errors(client, registrar, reader, draft):
    client.force_login(registrar)
    response = client.get(reverse("plans:plan_export", args=[draft.pk, "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content
    assert "Införa e-tjänsteplattform".encode() in body
    xlsx = client.get(reverse("plans:plan_export", args=[draft.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("plans:plan_export", args=[draft.pk, "pdf"])).status_code == 404
    url = reverse("plans:plan_import", args=[draft.pk])
    response = client.post(url, {"upload": SimpleUploadedFile("plan.csv", body, content_type="text/csv")})
    assert response.status_code == 302 and Action.objects.count() == 1
    bad = body.decode("utf-8-sig").replace("250000.00", "mycket pengar").encode("utf-8-sig")
    response = client.post(url, {"upload": SimpleUploadedFile("plan.csv", bad, content_type="text/csv")})
    html = _html(response)
    assert response.status_code == 400 and "Inget importerades." in html
    assert re.search(r"<ul class=\"row-errors\"><li>[^<]*[Rr]ad \d", html)
    assert ActionBudget.objects.filter(operating=250000).exists()
    client.force_login(reader)
    assert client.get(reverse("plans:plan_export", args=[draft.pk, "csv"])).status_code == 200
    assert client.post(url, {"upload": SimpleUploadedFile("plan.csv", body)}).status_code == 403


def _plan_page_queries(client, registrar, case, organ, n_goals: int, title: str) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from diarium.plans import services as plans_services

    document = f.plan(registrar, case, organ, title=title)
    for i in range(n_goals):
        f.plan_structure(registrar, document)
    plans_services.plan_adopt(actor=registrar, document=document)
    counts = []
    for who in ("staff", "public"):
        if who == "public":
            client.logout()
        else:
            client.force_login(registrar)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("plans:plan_detail", args=[document.pk])).status_code == 200
        counts.append(len(ctx.captured_queries))
    return tuple(counts)


def test_the_plan_page_costs_the_same_queries_for_1_or_10_goals(client, registrar, ks):
    case = f.case(registrar, ks)
    small = _plan_page_queries(client, registrar, case, ks, 1, "Liten plan")
    large = _plan_page_queries(client, registrar, case, ks, 10, "Stor plan")
    assert small == large, (small, large)
