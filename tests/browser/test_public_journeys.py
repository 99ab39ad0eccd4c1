"""The public's journeys in the browser, each page scanned by axe-core: a visitor
who is not logged in asks for a copy of a document (making mistakes first) and
learns what happens next, asks for a secret one, and finds the accessibility
statement from the footer; the registrar then sees the request in the history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from diarium.registry import services as registry
from diarium.registry.models import Event
from tests import factories as f

from .conftest import axe_scan, follow, screenshot
from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTER = "Karin Frågvis"
CONTACT = "karin.fragvis@example.se"


@pytest.fixture
def alingsas():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.user(org, "registrar", username="registrator")
    case = f.case(registrar, ks, title="Digital målbild för Alingsås kommun – öppen och smart")
    public = f.document(registrar, case, counterpart="Föreningen Sambruk", description="Remissvar om målbilden",
                        files=[f.text_file("remissvar.txt", "Vi tillstyrker förslaget.\n")])
    secret = f.document(registrar, case, counterpart="Kalle Anka", description="Uppgifter om hälsa")
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                  masked_fields=["counterpart", "description"])
    return org, case, public, secret


def test_a_visitor_requests_a_copy_and_learns_what_happens_next(page, alingsas):
    org, case, public, secret = alingsas
    reference = f"{case.diary_number}-{public.number}"

    # From the public register to the case and on to the document.
    page.goto("/arenden/")
    follow(page.get_by_role("link", name=case.diary_number))
    axe_scan(page)
    follow(page.get_by_role("link", name=reference, exact=True))
    assert page.title().startswith(f"Handling {reference}")
    # Both ways in: download the public file at once, or ask for a copy.
    expect(page.get_by_role("link", name="remissvar.txt")).to_be_visible()
    assert "kan du ladda ner direkt" in page.locator("main").inner_text()
    axe_scan(page)
    screenshot(page, "public-document")
    follow(page.get_by_role("link", name="Begär ut handlingen"))
    assert page.title().startswith(f"Begär ut handling {reference}")
    assert "Du har rätt att vara anonym" in page.locator("main").inner_text()
    axe_scan(page)

    # Sent without choosing a form: the error is announced and leads to the choice.
    follow(page.get_by_role("button", name="Skicka begäran"))
    assert page.title().startswith("Fel:")
    summary = page.locator("[role=alert]")
    assert "Välj om du vill få kopian på papper eller med e-post." in summary.inner_text()
    summary.get_by_role("link", name=re.compile("^Hur vill du få kopian")).click()
    expect(page.locator("#id_format_0")).to_be_focused()
    axe_scan(page)

    # E-mail chosen, but the contact is no e-mail address.
    page.get_by_label("Kopia med e-post").check()
    page.fill("#id_contact", "Storgatan 1, Alingsås")
    follow(page.get_by_role("button", name="Skicka begäran"))
    assert "Ange en giltig e-postadress" in page.locator("[role=alert]").inner_text()
    contact = page.locator("#id_contact")
    assert contact.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Kopia med e-post").is_checked()  # what was filled in is kept
    assert not Event.objects.filter(kind=Event.Kind.COPY_REQUESTED).exists()
    axe_scan(page)
    screenshot(page, "copy-request-errors")

    # Corrected, anonymously: the receipt says what happens next.
    page.fill("#id_contact", CONTACT)
    page.fill("#id_message", "Hela handlingen, tack.")
    follow(page.get_by_role("button", name="Skicka begäran"))
    assert page.title().startswith("Din begäran har tagits emot")
    text = page.locator("main").inner_text()
    for expected in (f"kopia av handling {reference}", "skyndsamt", "sekretessprövning", "överklaga", "9 sidor",
                     "Kopian skickas till den e-postadress du angav."):
        assert expected in text, expected
    axe_scan(page)
    screenshot(page, "copy-request-receipt")
    event = Event.objects.get(kind=Event.Kind.COPY_REQUESTED)
    assert event.data["request"]["name"] == "" and event.data["request"]["contact"] == CONTACT

    # The public history does not show the request, let alone the address.
    page.goto(f"/arenden/{case.pk}/historik/")
    assert CONTACT not in page.content() and "Begäran om utlämnande" not in page.content()

    # The accessibility statement, from the footer.
    follow(page.locator("footer").get_by_role("link", name="Tillgänglighetsredogörelse"))
    assert page.title().startswith("Tillgänglighetsredogörelse")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse för Diarium")
    digg = page.get_by_role("link", name="Anmäl bristande tillgänglighet till Digg")
    assert digg.get_attribute("href") == "https://www.digg.se/tdosanmalan"
    axe_scan(page)
    screenshot(page, "accessibility-statement")


def test_a_secret_document_may_be_requested_and_the_registrar_sees_who_asked(page, alingsas):
    org, case, public, secret = alingsas
    reference = f"{case.diary_number}-{secret.number}"
    page.goto(f"/handlingar/{secret.pk}/")
    assert "Handlingen är sekretessmarkerad" in page.locator("main").inner_text()
    assert "Kalle Anka" not in page.content()
    axe_scan(page)
    follow(page.get_by_role("link", name="Begär ut handlingen"))
    assert "helt eller delvis" in page.locator(".notice").inner_text()
    axe_scan(page)
    page.fill("#id_name", REQUESTER)
    page.get_by_label("Papperskopia med post").check()
    page.fill("#id_contact", "Box 1\n441 81 Alingsås")
    follow(page.get_by_role("button", name="Skicka begäran"))
    text = page.locator("main").inner_text()
    assert "Handlingen är sekretessmarkerad." in text and "Kopian skickas till den adress du angav." in text
    axe_scan(page)

    # The registrar finds the request, with the name and address, in the case history.
    log_in(page)
    page.goto(f"/arenden/{case.pk}/historik/")
    row = page.get_by_role("row").filter(has_text="Begäran om utlämnande av allmän handling")
    assert f"Begäran om kopia av {reference}" in row.inner_text()
    assert REQUESTER in row.inner_text() and "441 81 Alingsås" in row.inner_text()
    axe_scan(page)


def test_a_visitor_reads_the_notice_board_and_opens_the_minutes(page, alingsas):
    import datetime as dt

    from diarium.decisions import services as decisions

    org, case, _public, _secret = alingsas
    registrar = case.registered_by
    chair, adjuster = f.person(org, "Ordförande Olsson"), f.person(org, "Justerare Jansson")
    meeting = f.meeting(registrar, case.organ, dt.date.today() - dt.timedelta(days=3),
                        members=[(chair, "chair"), (adjuster, "member")], adjusters=[adjuster])
    decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case)
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    decisions.decision_record(actor=registrar, meeting=meeting, case=case, title="Digital målbild", text="Antas.")
    f.adjust(registrar, meeting)
    page.goto("/")
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Anslagstavla"))
    assert page.title().startswith("Anslagstavla")
    board = page.locator("table").first
    expect(board).to_contain_text("Kommunstyrelsen")
    axe_scan(page)
    follow(board.get_by_role("link", name=re.compile("Läs protokollet")))
    expect(page.locator("main")).to_contain_text("Digital målbild")
    axe_scan(page)
    screenshot(page, "public-notice-board-minutes")
