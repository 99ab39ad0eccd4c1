"""The public pages of issue 7 in the browser, as a visitor who is not logged in,
each page scanned by axe-core: a journalist follows the executive board from the
meetings list to the agenda, a supporting document, a decision, the minutes and
the notice board; a resident reads an adopted plan and its follow-up; a visitor
finds the accessibility statement and the open data feeds."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diarium.accounts.models import Organ
from diarium.decisions import services as decisions
from diarium.plans import services as plans
from diarium.registry import services as registry
from tests import factories as f

from .conftest import axe_scan, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_DESCRIPTION = "Tjänsteskrivelse om handlingsplanen"
SECRET_DESCRIPTION = "Säkerhetsanalys av e-tjänsteplattformen"
DECISION_TITLE = "Handlingsplan för digital målbild"
INTERNAL_NOTE = "INTERN-7Q: leverantörens ekonomi är osäker"
DRAFT_ACTION = "Chattbot i kundtjänsten"
DRAFT_PLAN = "Bredbandsstrategi (utkast)"


def iso(day: dt.date) -> str:
    """A date as the site writes it."""
    return day.isoformat()


@pytest.fixture
def alingsas():
    """KS has held a meeting three days ago: one agenda item with a public and a
    secret supporting document, decided as § 160 and adjusted today; the decision
    adopted an action plan that has been followed up. KS has also planned a
    meeting (not yet public) and KF has published a notice."""
    org = f.organisation()
    ks = f.organ(org)
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    registrar = f.user(org, "registrar", username="registrator")
    admin = f.user(org, "admin", username="admin")
    chair, adjuster = f.person(org, "Daniel Filipsson"), f.person(org, "Simon Waern")
    goran = f.person(org, "Göran Westerlund", title="Digitaliseringsansvarig")
    case = f.case(registrar, ks)
    public = f.document(registrar, case, direction="drawn_up", counterpart="", description=PUBLIC_DESCRIPTION,
                        files=[f.text_file("tjansteskrivelse.txt", "Förslag: handlingsplanen godkänns.\n")])
    secret = f.document(registrar, case, counterpart="Säkerhetskonsult AB", description=SECRET_DESCRIPTION,
                        files=[f.text_file("analys.txt", "Hemligt\n")])
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description"])

    today = timezone.localdate()
    meeting = f.meeting(registrar, ks, today - dt.timedelta(days=3), members=[(chair, "chair"), (adjuster, "member")],
                        adjusters=[adjuster], start_time=dt.time(13), place="KS-salen")
    # The register took over from paper minutes: this year's numbering continues at § 160.
    decisions.paragraph_counter_set(actor=admin, organ=ks, year=meeting.date.year, last=159)
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, documents=[public, secret],
                                     secrecy_review_reason="Underlag för ledamöterna.")
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    decision = f.held(registrar, meeting, item, DECISION_TITLE, adjust=True)
    f.meeting(registrar, ks, today + dt.timedelta(days=30), place="Hemligt planerat möte")
    kf_meeting = f.meeting(registrar, kf, today + dt.timedelta(days=10), members=[(chair, "chair")])
    decisions.agenda_item_add(actor=registrar, meeting=kf_meeting, title="Val av revisorer")
    decisions.meeting_publish_notice(actor=registrar, meeting=kf_meeting)

    # The plan adopted by § 160, then followed up for last year.
    plan = f.plan(registrar, case, ks, period=(today.year - 1, today.year + 1), process_owner=goran,
                  process_owner_role="Digitaliseringsansvarig")
    _area, goal, indicator, action = f.plan_structure(registrar, plan, person=goran, organ=ks,
                                                      internal_note=INTERNAL_NOTE)
    plans.plan_adopt(actor=registrar, document=plan, decision=decision)
    round_ = plans.follow_up_open(actor=registrar, document=plan, year=today.year - 1,
                                  deadline=today + dt.timedelta(days=14))
    plans.follow_up_answer(actor=registrar, round=round_, reports=[plans.ActionReportInput(
        action=action, status="ongoing", progress=40, used_operating="120000", used_investment="90000",
        comment="Plattformen är upphandlad")], values=[plans.IndicatorValueInput(indicator=indicator, value="35")])
    plans.follow_up_report(actor=registrar, round=round_)
    plans.follow_up_close(actor=registrar, round=round_)
    # The working copy moves on after adoption, and another plan is only a draft: neither is public.
    plans.action_save(actor=registrar, goal=goal, title=DRAFT_ACTION, responsible_organ=ks)
    f.plan(registrar, case, ks, title=DRAFT_PLAN)
    return {"case": case, "public": public, "secret": secret, "meeting": meeting, "decision": decision,
            "plan": plan, "round": round_, "today": today}


def test_a_journalist_follows_the_executive_board(page, alingsas):
    a = alingsas
    case, meeting, today = a["case"], a["meeting"], a["today"]
    date, posted, appeal_ends = iso(meeting.date), iso(today), iso(today + dt.timedelta(days=21))
    public_ref = f"{case.diary_number}-{a['public'].number}"
    secret_ref = f"{case.diary_number}-{a['secret'].number}"

    # The skip link is the first stop on the keyboard and moves focus to the content.
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # shown on focus, not left off-screen
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    axe_scan(page)

    # The meetings list, narrowed to KS: the published meeting, not the planned one, nor KF's.
    nav = page.get_by_role("navigation", name="Huvudmeny")
    follow(nav.get_by_role("link", name="Sammanträden", exact=True))
    assert page.title().startswith("Sammanträden")
    expect(nav.get_by_role("link", name="Sammanträden", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name=re.compile("^Kommunfullmäktige "))).to_be_visible()
    axe_scan(page)
    page.get_by_label("Organ").select_option(label="Kommunstyrelsen (KS)")
    follow(page.get_by_role("button", name="Filtrera"))
    meetings = page.get_by_role("table", name="Sammanträden med Kommunstyrelsen")
    expect(meetings.get_by_role("link")).to_have_count(1)
    assert "Hemligt planerat möte" not in page.content()
    expect(page.get_by_role("link", name="Kalender med sammanträden för Kommunstyrelsen (iCalendar)")).to_be_visible()
    axe_scan(page)
    follow(meetings.get_by_role("link", name=f"Kommunstyrelsen {date}"))

    # The agenda: the public supporting document, not the secret one, and the paragraph.
    assert page.title().startswith(f"Sammanträde: Kommunstyrelsen {date}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kommunstyrelsen {date}")
    expect(page.locator(".meta-list")).to_contain_text(f"{date}, kl. 13:00")
    agenda = page.get_by_role("table", name=f"Föredragningslista för KS {date}")
    row = agenda.get_by_role("row").filter(has_text=case.title)
    expect(row).to_contain_text(PUBLIC_DESCRIPTION)
    expect(row.get_by_role("link", name=public_ref)).to_be_visible()
    main = page.locator("main").inner_text()
    assert secret_ref not in main and SECRET_DESCRIPTION not in page.content() and "sekretess" not in main
    expect(row.get_by_role("link", name=f"§ 160 {DECISION_TITLE}")).to_be_visible()
    axe_scan(page)
    screenshot(page, "public-meeting-agenda")

    follow(row.get_by_role("link", name=public_ref))
    assert page.title().startswith(f"Handling {public_ref}")
    axe_scan(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="tjansteskrivelse.txt").click()
    download = download_info.value
    assert download.suggested_filename == "tjansteskrivelse.txt"
    assert Path(download.path()).read_text(encoding="utf-8").startswith("Förslag: handlingsplanen godkänns.")
    page.go_back()

    # The decision: outcome, adjustment and appeal period.
    follow(page.get_by_role("table", name=f"Föredragningslista för KS {date}").get_by_role(
        "link", name=f"§ 160 {DECISION_TITLE}"))
    assert page.title().startswith(f"Beslut KS {date} § 160: {DECISION_TITLE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"KS {date} § 160 {DECISION_TITLE}")
    facts = page.locator(".meta-list").inner_text()
    assert "Bifall" in facts
    assert f"Justerat {posted}, anslaget {posted}, överklagandetiden går ut {appeal_ends}" in facts
    expect(page.locator(".decision-text")).to_contain_text("Handlingsplanen godkänns.")
    axe_scan(page)
    screenshot(page, "public-decision")

    # The adjusted minutes, then the notice board.
    follow(page.locator(".meta-list").get_by_role("link", name="protokollet", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Protokoll: Kommunstyrelsen {date}")
    adjustment = page.locator(".adjustment").inner_text()
    assert f"Anslaget tas ned\n{appeal_ends}" in adjustment and f"Överklagandetiden går ut\n{appeal_ends}" in adjustment
    expect(page.get_by_role("heading", name=f"§ 160 {DECISION_TITLE}")).to_be_visible()
    axe_scan(page)

    follow(nav.get_by_role("link", name="Anslagstavla"))
    assert page.title().startswith("Anslagstavla")
    assert "inom tre veckor" in page.locator("main").inner_text()
    board = page.get_by_role("table", name="Protokoll som är anslagna i dag")
    posting = board.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Kommunstyrelsen"))
    # Meeting, adjusted, posted, taken down, last day to appeal, link: in the columns' order.
    expect(posting.get_by_role("cell")).to_have_text([date, posted, posted, appeal_ends, appeal_ends,
                                                      re.compile("^Läs protokollet")])
    expect(page.get_by_role("columnheader", name="Tas ned")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Sista dag att överklaga")).to_be_visible()
    axe_scan(page)
    screenshot(page, "public-notice-board")
    follow(posting.get_by_role("link", name=re.compile("^Läs protokollet")))
    assert page.title().startswith(f"Protokoll: Kommunstyrelsen {date}")


def test_a_resident_reads_an_adopted_plan_and_its_follow_up(page, alingsas):
    a = alingsas
    page.goto("/")
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Styrdokument"))
    assert page.title().startswith("Styrdokument")
    expect(page.get_by_role("link", name=DECISION_TITLE)).to_be_visible()
    assert DRAFT_PLAN not in page.content()
    axe_scan(page)

    follow(page.get_by_role("link", name=DECISION_TITLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(DECISION_TITLE)
    facts = page.locator(".meta-list").inner_text()
    assert f"KS {iso(a['meeting'].date)} § 160" in facts and "Antagen" in facts
    assert "Göran Westerlund, Digitaliseringsansvarig" in facts
    expect(page.get_by_role("heading", name="Målområde: Öppen och smart", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Mål: Fler e-tjänster", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Indikatorer för Fler e-tjänster")).to_contain_text(
        "Andel ärenden via e-tjänst")
    actions = page.get_by_role("table", name="Aktiviteter för Fler e-tjänster")
    row = actions.get_by_role("row").filter(has_text="Införa e-tjänsteplattform")
    expect(row).to_contain_text("Pågår, 40\u00a0%")
    expect(row).to_contain_text("Plattformen är upphandlad")
    # Neither the internal note nor the change made after adoption reaches the public.
    content = page.content()
    assert INTERNAL_NOTE not in content and "Intern anteckning" not in content
    assert DRAFT_ACTION not in content and "arbetskopian" not in content
    expect(page.get_by_role("heading", name="Uppföljningar")).to_be_visible()
    axe_scan(page)
    screenshot(page, "public-plan")

    # The follow-up and its report.
    round_title = a["round"].title
    follow(page.get_by_role("link", name=round_title))
    expect(page.get_by_role("heading", level=1)).to_have_text(round_title)
    expect(page.locator("main").get_by_role("button")).to_have_count(0)  # nothing to answer or draw up for a visitor
    status = page.get_by_role("table", name="Aktiviteternas läge enligt uppföljningen")
    expect(status).to_contain_text("Pågår")
    expect(status).to_contain_text("120\u00a0000")
    axe_scan(page)
    follow(page.get_by_role("link", name="visa rapporten med diagram"))
    assert page.title().startswith(f"Rapport: {round_title}")
    expect(page.get_by_role("img", name="Framsteg per mål, procent")).to_be_visible()
    assert "40\u00a0%" in page.get_by_role("table", name="Framsteg per mål").inner_text()
    assert INTERNAL_NOTE not in page.content() and DRAFT_ACTION not in page.content()
    axe_scan(page)
    screenshot(page, "public-follow-up-report")
    # The report is also a registered document on the plan's case.
    follow(page.get_by_role("link", name=re.compile(rf"^{re.escape(a['case'].diary_number)}-\d+$")))
    assert page.title().startswith("Handling ")
    expect(page.get_by_role("link", name="uppfoljningsrapport.pdf")).to_be_visible()
    axe_scan(page)


def test_a_visitor_finds_the_accessibility_statement_and_the_open_data(page, alingsas):
    page.goto("/sammantraden/")
    follow(page.get_by_role("link", name="Alla flöden och kalendrar"))
    assert page.title().startswith("Flöden och kalendrar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Flöden och kalendrar")
    register = page.get_by_role("link", name="Nya handlingar i diariet (Atom)")
    feeds = page.get_by_role("table", name="Flöden och kalendrar per organ")
    ks = feeds.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Kommunstyrelsen (KS)"))
    calendar = ks.get_by_role("link", name="Kalender Kommunstyrelsen")
    minutes = ks.get_by_role("link", name="Justerade protokoll Kommunstyrelsen")
    for link, kind in ((register, "application/atom+xml"), (calendar, "text/calendar"),
                       (minutes, "application/atom+xml")):
        assert link.get_attribute("type") == kind
    response = page.request.get(minutes.get_attribute("href"))
    assert response.status == 200 and "atom" in response.headers["content-type"]
    assert f"<title>Protokoll Kommunstyrelsen {iso(alingsas['meeting'].date)}</title>" in response.text()
    assert f"§ 160 {DECISION_TITLE}" in response.text()
    response = page.request.get(calendar.get_attribute("href"))
    assert response.status == 200 and response.text().startswith("BEGIN:VCALENDAR")
    # The datasets, the history's daily heads among them, in both forms.
    datasets = page.get_by_role("table", name="Datamängder att ladda ned")
    heads = datasets.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Diariets historik: dagliga kedjehuvuden"))
    heads_csv = heads.get_by_role("link", name="CSV Diariets historik: dagliga kedjehuvuden")
    assert heads_csv.get_attribute("type") == "text/csv"
    response = page.request.get(heads_csv.get_attribute("href"))
    assert response.status == 200 and response.text().startswith("published_on,organisation,")
    axe_scan(page)
    screenshot(page, "public-open-data")

    # The accessibility statement, from the footer.
    follow(page.locator("footer").get_by_role("link", name="Tillgänglighetsredogörelse"))
    assert page.title().startswith("Tillgänglighetsredogörelse")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse för Diarium")
    expect(page.get_by_role("heading", name="Tillsyn")).to_be_visible()
    digg = page.get_by_role("link", name="Anmäl bristande tillgänglighet till Digg")
    assert digg.get_attribute("href") == "https://www.digg.se/tdosanmalan"
    assert "WCAG 2.1" in page.locator("main").inner_text()
    axe_scan(page)
    screenshot(page, "public-accessibility-statement")
