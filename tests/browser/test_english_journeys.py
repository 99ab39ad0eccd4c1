"""The public site in English (issue 25, part 4): a visitor whose browser asks
for English reads the register, a meeting, a decision, the notice board and a
plan in English, each page scanned by axe-core, and switches to Swedish."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_scan, follow, screenshot
from .test_public_pages_journeys import alingsas  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def english_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_a_visitor_reads_the_register_in_english(english_page, alingsas):  # noqa: F811
    page, a = english_page, alingsas
    meeting, case = a["meeting"], a["case"]

    page.goto("/arenden/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Cases", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name=case.diary_number)).to_be_visible()
    axe_scan(page)

    follow(nav.get_by_role("link", name="Meetings", exact=True))
    assert page.title().startswith("Meetings")
    axe_scan(page)
    # Dates in English: "23 Aug 2018", not ISO.
    day = meeting.date
    english_date = f"{day.day} {day.strftime('%b')} {day.year}"
    follow(page.get_by_role("link", name=f"Kommunstyrelsen {english_date}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(english_date)
    axe_scan(page)

    follow(page.get_by_role("link", name=re.compile(r"§ 160")).first)
    axe_scan(page)

    follow(nav.get_by_role("link", name="Notice board", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notice board")
    axe_scan(page)

    follow(nav.get_by_role("link", name="Governing documents", exact=True))
    follow(page.get_by_role("link", name=a["plan"].title))
    axe_scan(page)
    screenshot(page, "english-plan")

    # Back to Swedish with the switch, which the next pages remember.
    follow(page.get_by_role("link", name="På svenska"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden", exact=True))
    expect(page.get_by_role("link", name="In English")).to_be_visible()
    axe_scan(page)
