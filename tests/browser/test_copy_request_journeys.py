"""The registrar's journey with a request for a public document, in the
browser and scanned by axe-core: a request taken by phone registered from the
document's page, given to an officer, decided in part (with the mistakes
first: no legal ground, a word not in the document), and the list of
requests with its due times. No JavaScript is needed on any of the pages."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from diarium.accounts import services as accounts
from diarium.registry.models import CopyRequest
from tests import factories as f
from tests.pdf_support import pdf_with_text

from .conftest import axe_scan, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "Åsa Öberg"


def log_in(page, username="registrator"):
    """Log in, wherever the site then starts the user."""
    page.goto("/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    follow(page.locator("main button[type=submit]"))
    assert "/konto/logga-in/" not in page.url


@pytest.fixture
def alingsas():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.user(org, "registrar", username="registrator")
    accounts.person_create(organisation=org, name="Rut Registrator", title="Registrator", user=registrar)
    officer = accounts.person_create(organisation=org, name="Olle Handläggare", title="Bygglovshandläggare",
                                     email="olle@alingsas.se", organ=ks)
    case = f.case(registrar, ks, title="Bygglov för förråd på Ängen 3")
    pdf = pdf_with_text([f"Ansökan om bygglov. Sökande: {SECRET}.", "Bilaga: läkarintyg.", "Situationsplan."])
    document = f.document(registrar, case, counterpart=SECRET, counterpart_kind="private",
                          description="Ansökan om bygglov",
                          files=[SimpleUploadedFile("ansokan.pdf", pdf, content_type="application/pdf")])
    return case, document, officer


def test_the_registrar_registers_assigns_and_decides_a_request(page, alingsas):
    case, document, officer = alingsas
    reference = f"{case.diary_number}-{document.number}"
    log_in(page)
    page.goto(f"/handlingar/{document.pk}/")
    follow(page.get_by_role("link", name="Registrera begäran om utlämnande"))
    axe_scan(page)

    # Sent empty: the summary names what is missing and leads to it.
    follow(page.get_by_role("button", name="Registrera begäran"))
    assert page.title().startswith("Fel:")
    summary = page.locator("[role=alert]")
    assert "Välj hur begäran kom in" in summary.inner_text()
    summary.get_by_role("link", name=re.compile("^Begäran kom in via")).click()
    expect(page.locator("#id_channel_0")).to_be_focused()
    axe_scan(page)

    page.get_by_label("Telefon").check()
    page.get_by_label("Papperskopia med post").check()
    page.fill("#id_contact", "Storgatan 1\n441 30 Alingsås")
    follow(page.get_by_role("button", name="Registrera begäran"))
    request = CopyRequest.objects.get()
    assert f"/utlamnanden/{request.pk}/" in page.url
    assert "Den ska vara avgjord senast" in page.locator(".messages").inner_text()
    axe_scan(page)

    # Given to an officer.
    page.get_by_label("Handläggare").select_option(label="Olle Handläggare, Bygglovshandläggare")
    follow(page.get_by_role("button", name="Fördela"))
    assert "fördelad till Olle Handläggare" in page.locator(".messages").inner_text()

    # Decided in part, wrongly first: every error at once, each leading to its field.
    page.get_by_label("Lämnas ut delvis").check()
    page.fill("#id_decide-phrases", f"{SECRET}\nKalle Anka")
    page.fill("#id_decide-pages", "2")
    follow(page.get_by_role("button", name="Spara beslutet"))
    assert page.title().startswith("Fel:")
    text = page.locator("[role=alert]").inner_text()
    assert "Ange lagrum" in text and "”Kalle Anka” finns inte i handlingens text." in text
    assert page.locator("#id_decide-legal_ground").get_attribute("aria-invalid") == "true"
    axe_scan(page)
    screenshot(page, "copy-request-decision-errors")

    page.fill("#id_decide-legal_ground", "OSL 21 kap. 1 §")
    page.fill("#id_decide-phrases", SECRET)
    follow(page.get_by_role("button", name="Spara beslutet"))
    assert "Begäran är avgjord: lämnas ut delvis." in page.locator(".messages").inner_text()
    main = page.locator("main").inner_text()
    assert "OSL 21 kap. 1 §" in main and "Med post" in main and "inte skickat" in main
    expect(page.get_by_role("link", name=re.compile(r"-delvis\.pdf$"))).to_be_visible()
    axe_scan(page)
    screenshot(page, "copy-request-decided")
    follow(page.get_by_role("button", name="Markera som skickat"))
    assert "markerat som skickat" in page.locator(".messages").inner_text()

    # The list, from the menu.
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utlämnanden"))
    assert reference in page.locator("main").inner_text()
    assert "Ingen begäran väntar på beslut." in page.locator("main").inner_text()
    axe_scan(page)
    screenshot(page, "copy-request-list")
