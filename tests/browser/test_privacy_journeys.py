"""Issue 18 in the browser: a registrar registers a document whose description
holds a personal identity number, is shown the masking assistant's proposal,
accepts it, and the public view shows the description masked. Every page is
scanned by axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests import factories as f

from .conftest import axe_scan, follow, screenshot
from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PNR = "850304-1231"  # a valid check digit


@pytest.fixture
def case():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.user(org, "registrar", username="registrator")
    return f.case(registrar, ks, title="Ansökan om bostadsanpassningsbidrag")


def test_the_registrar_accepts_the_proposal_and_the_public_sees_the_number_masked(page, case):
    log_in(page)
    page.goto(f"/arenden/{case.pk}/")
    follow(page.get_by_role("link", name="Registrera handling"))
    page.get_by_label("Inkommande").check()
    page.fill("#id_document_date", dt.date.today().isoformat())
    page.fill("#id_counterpart", "Alingsåshem AB")
    page.fill("#id_description", f"Ansökan från sökande med personnummer {PNR}")
    follow(page.get_by_role("button", name="Registrera handlingen"))

    # The proposal: the number is found, proposed masked, and explained.
    assert page.title().startswith("Personuppgifter i ärende")
    expect(page.get_by_role("status").first).to_contain_text("visas inte för allmänheten")
    row = page.get_by_role("row").filter(has_text=PNR)
    expect(row).to_contain_text("Personnummer")
    expect(row.get_by_label("Maskera")).to_be_checked()
    axe_scan(page)
    screenshot(page, "privacy-proposal")
    follow(page.get_by_role("button", name="Spara granskningen"))
    expect(page.get_by_role("status").first).to_contain_text("Granskningen är sparad")
    assert PNR in page.content()  # the registrar still reads it as registered
    axe_scan(page)
    case_url = page.url

    # The public reads the entry with the number masked, wherever it is shown.
    follow(page.get_by_role("button", name="Logga ut"))
    page.goto(case_url)
    content = page.content()
    assert PNR not in content and "Ansökan från sökande med personnummer [personnummer]" in content
    axe_scan(page)
    follow(page.get_by_role("link", name=f"{case.diary_number}-1"))
    assert PNR not in page.content() and "[personnummer]" in page.content()
    axe_scan(page)
    screenshot(page, "privacy-public-view")
    for phone in (390, 1280):
        page.set_viewport_size({"width": phone, "height": 800})
        axe_scan(page)
