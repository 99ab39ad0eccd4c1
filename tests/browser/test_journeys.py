"""A registrar's journeys through the site, each page scanned by axe-core."""

from __future__ import annotations

import datetime as dt

import pytest

from diarium.accounts import services as accounts
from tests import factories as f

from .conftest import axe_scan, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_DESCRIPTION = "Sårbarhetsanalys av kommunens nät"


@pytest.fixture
def alingsas():
    org = f.organisation()
    ks = f.organ(org)
    accounts.person_create(organisation=org, name="Göran Westerlund", title="Digitaliseringsansvarig")
    registrar = f.user(org, "registrar", username="registrator")
    return org, ks, registrar


def log_in(page, username="registrator"):
    page.goto("/konto/logga-in/")
    assert page.title().startswith("Logga in")
    axe_scan(page)
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    # Staff land on their desk; a member with nothing on it goes on to their meetings.
    page.wait_for_url(lambda url: "/skrivbord/" in url or "/mina-sammantraden/" in url)


def test_registrar_journey_ends_in_a_masked_public_view(page, alingsas, tmp_path):
    log_in(page)
    axe_scan(page)

    # Register a case.
    follow(page.get_by_role("link", name="Registrera ärende"))
    assert "Registrera ärende" in page.title()
    axe_scan(page)
    page.select_option("#id_organ", label="Kommunstyrelsen (KS)")
    page.fill("#id_title", "Digital målbild för Alingsås kommun – öppen och smart")
    page.select_option("#id_case_officer", label="Göran Westerlund, Digitaliseringsansvarig")
    follow(page.get_by_role("button", name="Registrera ärendet"))
    heading = page.locator("h1").inner_text()
    number = heading.split(" KS")[0] + " KS"
    assert number.endswith(" KS") and "Digital målbild" in heading
    assert "har registrerats" in page.locator("[role=status]").inner_text()
    axe_scan(page)

    # Register an incoming document with a file.
    follow(page.get_by_role("link", name="Registrera handling"))
    axe_scan(page)
    page.get_by_label("Inkommande").check()
    page.fill("#id_document_date", dt.date.today().isoformat())
    page.fill("#id_counterpart", "IT-säkerhetsbolaget AB")
    page.fill("#id_description", SECRET_DESCRIPTION)
    upload = tmp_path / "analys.txt"
    upload.write_text("Analysen visar tre sårbarheter.\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(upload))
    follow(page.get_by_role("button", name="Registrera handlingen"))
    assert page.get_by_role("link", name="analys.txt", exact=True).count() == 1
    axe_scan(page)

    # Mark it secret, masking the description.
    follow(page.get_by_role("link", name=f"Sekretessmarkera {number}-1"))
    axe_scan(page)
    page.fill("#id_ground", "OSL 18 kap. 8 §")
    page.get_by_label("Beskrivning").check()
    follow(page.get_by_role("button", name="Sekretessmarkera"))
    page.goto(page.url)  # wherever it landed, the page must be whole and accessible
    axe_scan(page)

    # Find the case through the list filters.
    follow(page.get_by_role("link", name="Ärenden", exact=True).first)
    page.fill("#id_q", "målbild")
    follow(page.get_by_role("button", name="Filtrera"))
    assert "1 ärende matchar filtret." in page.content()
    axe_scan(page)
    follow(page.get_by_role("link", name=number))
    assert SECRET_DESCRIPTION in page.content()  # the registrar may read it
    axe_scan(page)
    case_url = page.url

    # Log out: the public sees the entry, masked, and no file link.
    follow(page.get_by_role("button", name="Logga ut"))
    page.goto(case_url)
    content = page.content()
    assert number in content and "Sekretessmarkerad uppgift" in content and "(OSL 18 kap. 8 §)" in content
    assert SECRET_DESCRIPTION not in content
    assert page.get_by_role("link", name="analys.txt", exact=True).count() == 0
    axe_scan(page)
    screenshot(page, "registrar-journey-public-view")


def test_form_errors_are_tied_to_their_fields_and_announced(page, alingsas):
    log_in(page)
    page.goto("/arenden/ny/")
    assert page.locator("#id_organ").input_value()  # the registrar's own organ is chosen from the start
    page.select_option("#id_organ", "")
    follow(page.get_by_role("button", name="Registrera ärendet"))
    summary = page.locator("[role=alert]")
    # Every error at once: the organ and the empty title together.
    assert "Välj det organ ärendet hör till." in summary.inner_text()
    assert "Ange en ärendemening." in summary.inner_text()
    organ = page.locator("#id_organ")
    assert organ.get_attribute("aria-invalid") == "true"
    described = organ.get_attribute("aria-describedby") or ""
    messages = " ".join(page.locator(f"#{i}").inner_text() for i in described.split())
    assert "Välj det organ ärendet hör till." in messages
    axe_scan(page)
    screenshot(page, "case-form-errors")


def test_registration_by_keyboard_only(page, alingsas):
    page.goto("/arenden/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hoppa till innehållet"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused skip link has a visible outline"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innehall" or page.url.endswith("#innehall")

    def tab_to(element_id: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
                return
        raise AssertionError(f"#{element_id} cannot be reached with Tab")

    page.goto("/konto/logga-in/")
    if page.evaluate("document.activeElement.id") != "id_username":
        tab_to("id_username")
    page.keyboard.type("registrator")
    tab_to("id_password")
    page.keyboard.type(f.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/skrivbord/")  # staff land on their desk

    page.goto("/arenden/ny/")
    tab_to("id_organ")
    page.keyboard.type("Kommunstyrelsen")
    tab_to("id_title")
    page.keyboard.type("Bredband till landsbygden")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Registrera ärendet":
            break
    page.keyboard.press("Space")
    page.wait_for_load_state()
    assert "Bredband till landsbygden" in page.locator("h1").inner_text()
    axe_scan(page)
    screenshot(page, "keyboard-registration")


def test_every_other_register_page_passes_axe(page, alingsas, settings):
    """The pages the main journeys do not pass through, each scanned once."""
    org, ks, registrar = alingsas
    case = f.case(registrar, ks, title="Översiktsplan för Alingsås")
    document = f.document(registrar, case, files=[f.text_file()])
    log_in(page)
    visits = [
        (f"/handlingar/{document.pk}/", "Handling"),
        (f"/handlingar/{document.pk}/filer/ny/", None),
        (f"/arenden/{case.pk}/andra/", None),
        (f"/arenden/{case.pk}/avsluta/", "Avsluta ärende"),
        (f"/arenden/{case.pk}/historik/", "Historik för ärende"),
        ("/arenden/999999/", None),
    ]
    for url, title in visits:
        page.goto(url)
        if title:
            assert page.title().startswith(title), (url, page.title())
        assert page.locator("html").get_attribute("lang") == "sv"
        axe_scan(page)
    page.goto(f"/arenden/{case.pk}/avsluta/")
    follow(page.get_by_role("button", name="Avsluta ärendet"))
    page.goto(f"/arenden/{case.pk}/ateroppna/")
    assert page.title().startswith("Återöppna ärende")
    axe_scan(page)
    follow(page.get_by_role("button", name="Logga ut"))

    # The lockout page after too many failed logins.
    page.goto("/konto/logga-in/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.fill("#id_username", "registrator")
        page.fill("#id_password", "fel-lösenord")
        page.click("button[type=submit]")
    assert "För många misslyckade inloggningsförsök" in page.content()
    axe_scan(page)
    screenshot(page, "locked-out")
