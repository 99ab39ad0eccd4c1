"""The classification scheme in the browser (issue 22), scanned by axe-core:
the administrator imports a scheme from a CSV file (a bad one first, with
every error listed), adds a process under a processgrupp from the tree, and
the registrar classifies a case from before the scheme, with the keyboard,
from the list of unclassified cases; the public case page shows the code."""

from __future__ import annotations

import pytest

from diarium.accounts import services as accounts
from tests import factories as f

from .conftest import axe_scan, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

CSV = ("kod;benämning;nivå;beskrivning\n"
       "1;Styrning och ledning;verksamhetsområde;Kommunens övergripande styrning.\n"
       "1.2;Planering och uppföljning;;\n"
       "1.2.3;Ta fram styrdokument;process;\n")


def log_in(page, username: str) -> None:
    page.goto("/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    follow(page.locator("main button[type=submit]"))


def test_the_scheme_is_imported_extended_and_a_case_classified(page, tmp_path):
    org = f.organisation()
    ks = f.organ(org)
    f.user(org, "admin", username="administrator")
    registrar = f.user(org, "registrar", username="registrator")
    accounts.person_create(organisation=org, name="Eva Lundqvist", title="Registrator", organ=ks, user=registrar)
    case = f.case(registrar, ks, title="Riktlinjer för digital tillgänglighet")

    log_in(page, "administrator")
    follow(page.get_by_role("link", name="Klassificeringsstruktur"))
    assert page.title().startswith("Klassificeringsstruktur")
    axe_scan(page)
    follow(page.get_by_role("link", name="Importera från fil"))
    axe_scan(page)
    bad = tmp_path / "fel.csv"
    bad.write_text("kod;benämning\n1.x;\n2.1;Utan område\n", encoding="utf-8")
    page.get_by_label("Fil med klassificeringsstrukturen (CSV eller XML)").set_input_files(str(bad))
    follow(page.get_by_role("button", name="Importera"))
    summary = page.locator(".error-summary").inner_text()
    assert "Rad 2: koden 1.x har fel form" in summary and "Rad 3: den överordnade nivån 2 finns inte" in summary
    axe_scan(page)
    good = tmp_path / "struktur.csv"
    good.write_text(CSV, encoding="utf-8-sig")
    page.get_by_label("Fil med klassificeringsstrukturen (CSV eller XML)").set_input_files(str(good))
    follow(page.get_by_role("button", name="Importera"))
    assert "Importen är klar: 3 tillagda" in page.locator(".messages").inner_text()
    follow(page.get_by_role("link", name="Lägg till under 1.2 Planering och uppföljning"))
    assert page.locator("#id_code").input_value() == "1.2."
    page.locator("#id_code").fill("1.2.4")
    page.get_by_label("Benämning").fill("Följa upp verksamheten")
    follow(page.get_by_role("button", name="Lägg till"))
    table = page.get_by_role("table", name="Klassificeringsstrukturen, med antal ärenden per nivå").inner_text()
    assert "1.2.4 Följa upp verksamheten" in table
    axe_scan(page)
    screenshot(page, "classification-scheme")

    page.context.clear_cookies()
    log_in(page, "registrator")
    follow(page.get_by_role("link", name="Klassificeringsstruktur"))
    follow(page.get_by_role("link", name="Oklassificerade ärenden 1"))
    axe_scan(page)
    page.get_by_label(f"Välj {case.diary_number}").focus()
    page.keyboard.press("Space")
    page.get_by_label("Process").select_option(label="1.2.3 Ta fram styrdokument")
    page.get_by_label("Process").focus()
    with page.expect_navigation():
        page.keyboard.press("Tab")  # to the comment
        page.keyboard.press("Tab")  # to the button
        page.keyboard.press("Enter")
    assert "1 ärende har fått klassificeringen 1.2.3." in page.locator(".messages").inner_text()
    assert "Alla organisationens ärenden är klassificerade." in page.locator("main").inner_text()
    axe_scan(page)

    page.context.clear_cookies()
    page.goto(f"/arenden/{case.pk}/")
    assert "1.2.3 Ta fram styrdokument" in page.locator("dl.meta-list").inner_text()
