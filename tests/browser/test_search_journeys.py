"""Search in the browser, each page scanned by axe-core (WCAG 2.1 A/AA): a
visitor searches the demo's case from the header box, narrows the hits with a
facet and opens one; the page with no hits and with an error pass axe too; a
registrar finds the secret document the public cannot and saves the search;
everything is reachable with the keyboard alone, and nothing breaks at 400 %
zoom (320 CSS pixels wide)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Role
from diarium.registry import services as registry
from tests import factories as f

from ..search_support import tantivy_engine_fixture  # noqa: F401
from .conftest import axe_scan, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_WORD = "Sårbarhetsanalys"


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T10:00:00+02:00")


@pytest.fixture
def demo(tantivy_engine):
    """A slice of the Alingsås demo: case 2017.676 KS with its documents, one of them secret."""
    org = f.organisation()
    ks = f.organ(org)
    f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    registrar = accounts.user_create(username="registrator", password=f.PASSWORD, email="registrator@alingsas.se")
    accounts.role_grant(user=registrar, organisation=org, role=Role.REGISTRAR)
    case = f.case(registrar, ks, title="Digital målbild för Alingsås kommun – öppen och smart samt tillhörande "
                                       "handlingsplan", registered_at=at("2017-11-08"))
    report = f.document(registrar, case, direction="drawn_up", counterpart="",
                        description="Tjänsteskrivelse: Digital målbild för Alingsås kommun",
                        document_date=dt.date(2018, 2, 12), registered_at=at("2018-02-12"))
    answer = f.document(registrar, case, counterpart="Föreningen Sambruk", description="Remissvar om målbilden",
                        document_date=dt.date(2018, 5, 2), registered_at=at("2018-05-03"))
    f.document(registrar, case, direction="outgoing", counterpart="Kivos",
               description="Remiss av digital målbild och handlingsplan", document_date=dt.date(2018, 3, 1),
               registered_at=at("2018-03-01"))
    secret = f.document(registrar, case, counterpart="Säkerhetskonsult AB",
                        description=f"{SECRET_WORD} av kommunens nät inför den digitala målbilden",
                        document_date=dt.date(2018, 4, 4), registered_at=at("2018-04-04"))
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description"])
    f.case(registrar, ks, title="Bredband till landsbygden", registered_at=at("2018-01-15"))
    return {"case": case, "report": report, "answer": answer, "secret": secret}


def log_in(page):
    page.goto("/konto/logga-in/")
    page.fill("#id_username", "registrator")
    page.fill("#id_password", f.PASSWORD)
    follow(page.locator("main").get_by_role("button", name="Logga in"))


def test_a_visitor_searches_from_the_header_narrows_with_a_facet_and_opens_a_hit(page, demo):
    page.goto("/arenden/")
    header = page.get_by_role("search", name="Sök i diariet")
    header.get_by_label("Sök i diariet").fill("målbild")
    follow(header.get_by_role("button", name="Sök"))
    assert page.title().startswith("Sökresultat för ”målbild” (4 träffar)")
    status = page.locator(".search-status[role=status]")
    expect(status).to_contain_text("4 träffar")
    expect(page.get_by_label("Sök", exact=True)).to_have_value("målbild")
    hits = page.locator(".search-hits > li")
    expect(hits).to_have_count(4)
    expect(hits.locator("mark").first).to_be_visible()
    content = page.content()
    assert SECRET_WORD not in content  # the secret document is found only as the register shows it
    axe_scan(page)
    screenshot(page, "search-results")

    # Narrow to documents with the facet link.
    facets = page.get_by_role("complementary", name="Avgränsa träffarna")
    follow(facets.get_by_role("link", name="Handling (3)"))
    expect(status).to_contain_text("3 träffar")
    expect(page.get_by_role("combobox", name="Typ")).to_have_value("document")
    expect(facets.get_by_role("link", name="Handling (3) – ta bort filtret")).to_be_visible()
    axe_scan(page)

    # Newest first, then open the hit.
    page.get_by_label("Sortering").select_option(label="Datum, nyast först")
    follow(page.get_by_role("button", name="Använd filtren"))
    first = hits.first.get_by_role("link")
    expect(first).to_have_text("Remissvar om målbilden")
    follow(first)
    assert page.url.endswith(f"/handlingar/{demo['answer'].pk}/")
    assert "Föreningen Sambruk" in page.locator("main").inner_text()


def test_no_hits_and_an_error_are_told_clearly_and_pass_axe(page, demo):
    page.goto("/sok/")
    expect(page.get_by_role("heading", name="Så söker du")).to_be_visible()
    axe_scan(page)

    page.get_by_label("Sök", exact=True).fill("vindkraftverk")
    follow(page.get_by_role("search", name="Sökformulär").get_by_role("button", name="Sök", exact=True))
    expect(page.locator(".search-status[role=status]")).to_have_text("0 träffar")
    expect(page.get_by_text("Inga träffar. Pröva färre eller andra ord")).to_be_visible()
    axe_scan(page)
    screenshot(page, "search-no-hits")

    page.get_by_label("Sök", exact=True).fill("målbild")
    page.get_by_label("Från och med datum").fill("2018-06-30")
    page.get_by_label("Till och med datum").fill("2018-01-01")
    follow(page.get_by_role("button", name="Använd filtren"))
    assert page.title().startswith("Fel:")
    summary = page.locator(".error-summary[role=alert]")
    message = "Slutdatumet kan inte vara före startdatumet."
    expect(summary).to_contain_text(message)
    summary.get_by_role("link", name=f"Till och med datum: {message}").click()
    field = page.get_by_label("Till och med datum")
    expect(field).to_be_focused()
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby")
    assert message in " ".join(page.locator(f"#{i}").inner_text() for i in described.split())
    axe_scan(page)
    screenshot(page, "search-error")


def test_the_registrar_finds_the_secret_document_and_saves_the_search(page, demo):
    page.goto(f"/sok/?q={SECRET_WORD}")
    expect(page.locator(".search-status[role=status]")).to_have_text("0 träffar")

    log_in(page)
    page.goto(f"/sok/?q={SECRET_WORD}")
    expect(page.locator(".search-status[role=status]")).to_have_text("1 träff")
    hit = page.locator(".search-hits > li").first
    expect(hit.locator("mark").first).to_have_text(SECRET_WORD)
    axe_scan(page)

    follow(page.get_by_role("link", name="Spara sökningen"))
    axe_scan(page)
    page.get_by_label("Namn på sökningen").fill("Säkerheten i nätet")
    page.get_by_label("Skicka e-post varje dag när det finns nya träffar").check()
    follow(page.get_by_role("button", name="Spara sökningen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sparad sökning: Säkerheten i nätet")
    expect(page.get_by_role("status").first).to_contain_text("har sparats")
    axe_scan(page)
    follow(page.get_by_role("link", name="Visa träffarna"))
    expect(page.locator(".search-status[role=status]")).to_have_text("1 träff")

    page.goto("/sok/sparade/")
    expect(page.get_by_role("heading", name="Säkerheten i nätet")).to_be_visible()
    axe_scan(page)
    screenshot(page, "saved-searches")


def test_a_visitor_follows_a_search_by_email(page, demo):
    page.goto("/sok/?q=m%C3%A5lbild")
    follow(page.get_by_role("link", name="Bevaka sökningen"))
    axe_scan(page)
    follow(page.get_by_role("button", name="Bevaka"))  # no address yet
    expect(page.locator(".error-summary")).to_contain_text("Skriv din e-postadress.")
    axe_scan(page)
    page.get_by_label("Din e-postadress").fill("journalist@tidningen.example")
    follow(page.get_by_role("button", name="Bevaka"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekräfta bevakningen i din e-post")
    axe_scan(page)


def test_search_by_keyboard_only(page, demo):
    def tab_to(check, what: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(check):
                assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", what
                return
        raise AssertionError(f"{what} cannot be reached with Tab")

    page.goto("/arenden/")
    tab_to("document.activeElement.id === 'sidhuvud-sok'", "the header search box", limit=20)
    page.keyboard.type("målbild")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Sökresultat för ”målbild”")
    tab_to("!!document.activeElement.closest('.facet-values')", "a facet link")
    tab_to("!!document.activeElement.closest('.search-hits')", "the first hit")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(target)

    # The search page's own box is reached from the skip link.
    page.goto("/sok/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Hoppa till innehållet"
    tab_to("document.activeElement.id === 'sok-q'", "the search box", limit=10)
    page.keyboard.type("handlingsplan")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".search-status[role=status]")).to_contain_text("träff")


def test_the_results_reflow_at_400_percent_zoom(page, demo):
    page.set_viewport_size({"width": 320, "height": 256})  # 1280 × 1024 at 400 %
    for url in ("/sok/?q=m%C3%A5lbild", "/sok/?q=m%C3%A5lbild&date_from=2018-06-30&date_to=2018-01-01", "/sok/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px at 320px"
    screenshot(page, "search-400-percent")
