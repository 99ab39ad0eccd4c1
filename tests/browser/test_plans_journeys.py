"""Steering document journeys in the browser, each page scanned by axe-core:
the registrar builds an action plan from its case (focus area, goal,
indicator, action with budgets) and adopts it; the responsible person answers
a follow-up; the registrar draws up the report and looks at its charts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from diarium.plans import services as plans
from diarium.plans.models import Action, ActionReport, FollowUpRound, SteeringDocument
from tests import factories as f

from .conftest import axe_scan, follow, screenshot
from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def status_text(page) -> str:
    return page.locator("[role=status]").inner_text()


@pytest.fixture
def alingsas():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.user(org, "registrar", username="registrator")
    goran_user = f.user(org, username="goran")
    goran = f.person(org, "Göran Westerlund", title="Digitaliseringsansvarig",
                     email="goran.westerlund@alingsas.se", user=goran_user)
    director = f.person(org, "Anna Ek", title="Kommundirektör")
    case = f.case(registrar, ks)
    return {"org": org, "ks": ks, "registrar": registrar, "goran": goran, "director": director, "case": case}


@pytest.fixture
def round_(alingsas):
    a = alingsas
    document = f.plan(a["registrar"], a["case"], a["ks"], process_owner=a["director"],
                      process_owner_role="Kommundirektör")
    f.plan_structure(a["registrar"], document, person=a["goran"], organ=a["ks"], internal_note="Intern notering")
    plans.plan_adopt(actor=a["registrar"], document=document)
    return plans.follow_up_open(actor=a["registrar"], document=document, year=2019,
                                deadline=dt.date.today() + dt.timedelta(days=14))


def test_the_registrar_edits_and_adopts_a_plan(page, alingsas):
    a = alingsas
    log_in(page)
    page.goto(f"/arenden/{a['case'].pk}/")
    axe_scan(page)
    follow(page.get_by_role("link", name="Nytt styrdokument"))
    assert page.title().startswith("Nytt styrdokument")
    axe_scan(page)
    # Without a type and with the years the wrong way round: errors tied to the fields.
    page.fill("#id_period_start", "2021")
    page.fill("#id_period_end", "2019")
    follow(page.get_by_role("button", name="Skapa styrdokumentet"))
    summary = page.locator("[role=alert]").inner_text()
    assert "Välj typ av styrdokument." in summary
    assert "Giltighetstiden måste sluta samma år eller senare än den börjar." in summary
    assert page.locator("#id_kind").get_attribute("aria-invalid") == "true"
    axe_scan(page)
    page.select_option("#id_kind", label="Handlingsplan")
    page.fill("#id_title", "Handlingsplan för digital målbild")
    page.fill("#id_period_start", "2019")
    page.fill("#id_period_end", "2021")
    page.select_option("#id_process_owner", label="Anna Ek, Kommundirektör")
    page.fill("#id_process_owner_role", "Kommundirektör")
    follow(page.get_by_role("button", name="Skapa styrdokumentet"))
    assert page.title().startswith("Innehåll: Handlingsplan för digital målbild")
    assert "Styrdokumentet är skapat." in status_text(page)
    axe_scan(page)

    # A focus area from the form on the same page, then a goal.
    page.fill("#id_title", "Öppen och smart")
    follow(page.get_by_role("button", name="Lägg till målområde"))
    assert "Öppen och smart är sparad." in status_text(page)
    follow(page.get_by_role("link", name="Nytt mål i Öppen och smart"))
    axe_scan(page)
    page.fill("#id_title", "Fler e-tjänster")
    follow(page.get_by_role("button", name="Spara"))

    # An indicator with a target per year.
    follow(page.get_by_role("link", name="Ny indikator för Fler e-tjänster"))
    assert page.get_by_role("group", name="Målvärde per år").is_visible()
    axe_scan(page)
    page.fill("#id_name", "Andel ärenden via e-tjänst")
    page.fill("#id_unit", "procent")
    page.fill("#id_baseline", "20")
    page.get_by_label("2019").fill("30")
    page.get_by_label("2021").fill("60")
    follow(page.get_by_role("button", name="Spara"))
    assert "Andel ärenden via e-tjänst är sparad." in status_text(page)

    # An action with budgets per year; a bad amount first.
    follow(page.get_by_role("link", name="Ny aktivitet för Fler e-tjänster"))
    axe_scan(page)
    page.fill("#id_title", "Införa e-tjänsteplattform")
    page.select_option("#id_responsible_organ", label="Kommunstyrelsen (KS)")
    page.select_option("#id_responsible_person", label="Göran Westerlund, Digitaliseringsansvarig")
    page.fill("#id_start", "2019-01-01")
    page.fill("#id_end", "2020-12-31")
    page.fill("#id_funding_source", "Flerårsstrategi 2018–2020")
    page.fill("#id_internal_note", "Leverantören är osäker")
    budget_2019 = page.get_by_role("group", name="Budget 2019")
    budget_2019.get_by_label("Drift 2019, kr").fill("mycket")
    follow(page.get_by_role("button", name="Spara"))
    assert "Ange ett belopp i kronor" in page.locator("[role=alert]").inner_text()
    axe_scan(page)
    budget_2019.get_by_label("Drift 2019, kr").fill("250 000")
    budget_2019.get_by_label("Investering 2019, kr").fill("100 000")
    page.get_by_role("group", name="Budget 2020").get_by_label("Drift 2020, kr").fill("50000")
    follow(page.get_by_role("button", name="Spara"))
    assert "Införa e-tjänsteplattform är sparad." in status_text(page)
    items = page.locator("#aktivitet-" + str(Action.objects.get().pk)).inner_text()
    assert "2019: drift 250\u00a0000, investering 100\u00a0000" in items and "Leverantören är osäker" in items
    screenshot(page, "plan-structure")
    axe_scan(page)

    # Adopt: the version becomes public.
    follow(page.get_by_role("link", name="Anta version"))
    axe_scan(page)
    page.fill("#id_note", "Antagen av KS")
    follow(page.get_by_role("button", name="Anta versionen"))
    assert "Version 1 är antagen" in status_text(page)
    document = SteeringDocument.objects.get()
    assert document.status == "adopted" and document.versions.count() == 1
    meta = page.locator(".meta-list").inner_text()
    assert "Anna Ek, Kommundirektör" in meta and "Antagen" in meta
    expect(page.get_by_role("table", name="Aktiviteter för Fler e-tjänster")).to_contain_text("Leverantören")
    axe_scan(page)
    follow(page.get_by_role("link", name="Alla versioner och vad som ändrats"))
    assert "Den första antagna versionen." in page.content()
    axe_scan(page)
    # The public sees the plan in the list, without the internal note.
    page.context.clear_cookies()
    page.goto("/styrdokument/")
    axe_scan(page)
    follow(page.get_by_role("link", name="Handlingsplan för digital målbild"))
    assert "Leverantören är osäker" not in page.content()
    axe_scan(page)


def test_the_responsible_person_answers_a_follow_up(page, round_):
    log_in(page, "goran")
    page.goto(round_.get_absolute_url())
    axe_scan(page)
    follow(page.get_by_role("link", name="Svara på uppföljningen"))
    assert page.title().startswith("Svara: ")
    axe_scan(page)
    action = Action.objects.get()
    fieldset = page.get_by_role("group", name="Införa e-tjänsteplattform")
    fieldset.get_by_label("Färdigt, procent (0–100)").fill("140")
    follow(page.get_by_role("button", name="Skicka svaret"))
    summary = page.locator("[role=alert]").inner_text()
    assert "Välj status för Införa e-tjänsteplattform." in summary
    assert "Ange hur stor del av Införa e-tjänsteplattform som är klar, 0–100 procent." in summary
    axe_scan(page)
    page.select_option(f"#id_status_{action.pk}", label="Pågår")
    fieldset.get_by_label("Färdigt, procent (0–100)").fill("40")
    fieldset.get_by_label("Använt, drift (kr)").fill("120 000")
    fieldset.get_by_label("Använt, investering (kr)").fill("90 000")
    page.fill(f"#id_comment_{action.pk}", "Plattformen är upphandlad")
    follow(page.get_by_role("button", name="Skicka svaret"))
    assert "Tack! Svaret är sparat." in status_text(page)
    report = ActionReport.objects.get()
    assert (report.status, report.progress, report.used_operating, report.used_investment) == (
        "ongoing", 40, 120000, 90000)
    table = page.get_by_role("table", name="Aktiviteternas läge enligt uppföljningen").inner_text()
    assert "Pågår" in table and "40" in table and "120\u00a0000" in table
    screenshot(page, "follow-up-answered")
    axe_scan(page)


def test_the_registrar_views_the_report_with_its_charts(page, alingsas, round_):
    a = alingsas
    action = Action.objects.get()
    plans.follow_up_answer(actor=a["registrar"], round=round_, reports=[plans.ActionReportInput(
        action=action, status="ongoing", progress=40, used_operating="120000", used_investment="90000",
        comment="Plattformen är upphandlad")], values=[plans.IndicatorValueInput(
            indicator=action.goal.indicators.get(), value="35")])
    f.meeting(a["registrar"], a["ks"], date=dt.date.today() + dt.timedelta(days=30))
    log_in(page)
    page.goto(round_.get_absolute_url())
    axe_scan(page)
    follow(page.get_by_role("button", name="Upprätta rapport"))
    assert "Uppföljningsrapporten är upprättad och registrerad som handling" in status_text(page)
    assert FollowUpRound.objects.get().report_document_id is not None
    axe_scan(page)
    # Put it on the board's next meeting in one step.
    page.select_option("#id_meeting", index=1)
    follow(page.get_by_role("button", name="Sätt upp på sammanträde"))
    assert "Rapporten är punkt 1" in status_text(page)

    follow(page.get_by_role("link", name="visa rapporten med diagram"))
    assert page.title().startswith("Rapport: ")
    charts = page.locator("svg[role=img]")
    assert charts.count() == 3
    for i in range(charts.count()):
        chart = charts.nth(i)
        title_ids = chart.get_attribute("aria-labelledby").split()
        assert len(title_ids) == 2 and chart.locator("title").text_content().strip()
    expect(page.get_by_role("img", name="Framsteg per mål, procent")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Budget och utfall per år"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Andel ärenden via e-tjänst"))).to_be_visible()
    assert "40\u00a0%" in page.get_by_role("table", name="Framsteg per mål").inner_text()
    money = page.get_by_role("table", name="Budget och utfall per år, kronor").inner_text()
    assert "250\u00a0000" in money and "120\u00a0000" in money
    indicator = page.get_by_role("table", name=re.compile("^Andel ärenden via e-tjänst")).inner_text()
    assert "35" in indicator and "30" in indicator
    screenshot(page, "follow-up-report")
    axe_scan(page)
    # The registered report opens from the case.
    follow(page.get_by_role("link", name=re.compile(rf"^{re.escape(a['case'].diary_number)}-\d+$")))
    axe_scan(page)
