"""The public register of documents in the browser, each page scanned by
axe-core: a visitor who is not logged in opens /handlingar/ from the main menu,
filters by direction and registration dates (getting the range wrong first),
sees a secret document's neutral text and follows its row to the document."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from diarium.registry import services as registry
from tests import factories as f

from .conftest import axe_scan, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_NAME = "Kalle Anka, Storgatan 1"
SECRET_DESCRIPTION = "Uppgifter om enskilds hälsa"


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T10:00:00+02:00")


@pytest.fixture
def register():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.user(org, "registrar", username="registrator")
    case = f.case(registrar, ks, title="Digital målbild för Alingsås kommun – öppen och smart",
                  registered_at=at("2019-01-10"))
    early = f.document(registrar, case, counterpart="Föreningen Sambruk", description="Remissvar om målbilden",
                       registered_at=at("2019-02-01"))
    outgoing = f.document(registrar, case, direction="outgoing", counterpart="Västra Götalandsregionen",
                          description="Svar på remissen", registered_at=at("2019-06-03"))
    secret = f.document(registrar, case, counterpart=SECRET_NAME, description=SECRET_DESCRIPTION,
                        registered_at=at("2019-06-04"))
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                  masked_fields=["counterpart", "description"])
    public = f.document(registrar, case, counterpart="Trafikverket", description="Yttrande om målbilden",
                        registered_at=at("2019-06-05"))
    return {"early": early, "outgoing": outgoing, "secret": secret, "public": public}


def test_a_visitor_filters_the_document_register_and_opens_a_secret_entry(page, register):
    secret = register["secret"]

    page.goto("/arenden/")
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Handlingar"))
    assert page.title().startswith("Handlingar")
    expect(page.get_by_text("4 handlingar matchar filtret.")).to_be_visible()
    axe_scan(page)

    # Incoming documents, with the dates the wrong way round first.
    page.get_by_label("Riktning").select_option(label="Inkommande")
    page.get_by_label("Registrerad från").fill("2019-06-30")
    page.get_by_label("Registrerad till").fill("2019-06-01")
    follow(page.get_by_role("button", name="Filtrera"))
    assert page.title().startswith("Fel:")
    summary = page.locator("[role=alert]")
    assert "Slutdatumet kan inte vara före startdatumet." in summary.inner_text()
    summary.get_by_role("link", name="Registrerad till: Slutdatumet kan inte vara före startdatumet.").click()
    expect(page.get_by_label("Registrerad till")).to_be_focused()
    assert page.get_by_label("Registrerad till").get_attribute("aria-invalid") == "true"
    axe_scan(page)

    # Corrected with the keyboard: the filter is sent with Enter.
    page.get_by_label("Registrerad från").fill("2019-06-01")
    page.get_by_label("Registrerad till").fill("2019-06-30")
    with page.expect_navigation():
        page.get_by_label("Registrerad till").press("Enter")
    assert not page.title().startswith("Fel:")
    expect(page.get_by_text("2 handlingar matchar filtret.")).to_be_visible()
    table = page.get_by_role("table")
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    assert register["outgoing"].reference not in table.inner_text()  # not incoming
    assert register["early"].reference not in table.inner_text()  # registered before the range
    secret_row = rows.filter(has=page.get_by_role("link", name=secret.reference, exact=True))
    expect(secret_row.locator(".masked")).to_have_text(["Sekretessmarkerad uppgift"] * 2)
    expect(secret_row.locator(".masked-ground").first).to_have_text("(OSL 26 kap. 1 §)")
    content = page.content()
    assert SECRET_NAME not in content and SECRET_DESCRIPTION not in content
    axe_scan(page)
    screenshot(page, "document-register-filtered")

    # The row leads to the document, masked the same way.
    follow(secret_row.get_by_role("link", name=secret.reference, exact=True))
    assert page.title().startswith(f"Handling {secret.reference}")
    main = page.locator("main").inner_text()
    assert "Sekretessmarkerad uppgift" in main and "(OSL 26 kap. 1 §)" in main
    content = page.content()
    assert SECRET_NAME not in content and SECRET_DESCRIPTION not in content
    axe_scan(page)
    screenshot(page, "document-register-secret-entry")


def test_the_registrar_keeps_the_contact_register_and_picks_a_contact_and_a_secrecy_provision(page, register):
    from .test_journeys import log_in

    log_in(page)
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Kontakter"))
    axe_scan(page)
    page.locator("#id_email").fill("inte-en-adress")
    follow(page.get_by_role("button", name="Spara kontakten"))
    summary = page.locator("[role=alert]").inner_text()
    assert "Ange namnet." in summary and "Ange en giltig e-postadress" in summary
    axe_scan(page)
    page.locator("#id_name").fill("Gunnel Åkesson")
    page.locator("#id_email").fill("gunnel@example.se")
    follow(page.get_by_role("button", name="Spara kontakten"))
    assert "Kontakten Gunnel Åkesson är sparad." in page.locator("[role=status]").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    axe_scan(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/handlingar/{register['public'].pk}/sekretess/")
    page.select_option("#id_provision", "OSL 21 kap. 1 §")
    page.get_by_text("Bestämmelsernas innehåll i korthet").click()
    assert "Hälsa eller sexualliv" in page.locator("details.provisions").inner_text()
    axe_scan(page)
