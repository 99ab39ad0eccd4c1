"""Issue 23: an old officer's report read into the register in the browser,
every page scanned by axe-core. The registrar goes from the desk to the
review screen, uploads the seed report (read by the real reader), sees its
fields marked in its text, is shown every error of a wrong correction at
once, corrects the title and accepts, and lands on the historic case with its
document and the decisions it cites, one of them already in the register
and linked."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from diarium.accounts.models import Organ
from diarium.decisions import services as decisions
from diarium.reading.models import ImportProposal
from diarium.registry.models import Case
from tests import factories as f
from tests.test_reading_accept import SEED

from .conftest import axe_scan, follow, screenshot
from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Digital målbild för Alingsås kommun – öppen och smart"


@pytest.fixture
def alingsas():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.user(org, "registrar", username="registrator")
    admin = f.user(org, "admin")
    # KF 2015-11-25 § 180, in the register with adjusted minutes: the report cites it.
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    decisions.paragraph_counter_set(actor=admin, organ=kf, year=2015, last=179)
    chair, adjuster = f.person(org, "Daniel Filipsson"), f.person(org, "Ann Ludvigsson")
    meeting = f.meeting(registrar, kf, dt.date(2015, 11, 25), members=[(chair, "chair"), (adjuster, "member")],
                        adjusters=[adjuster])
    decision = f.held(registrar, meeting, None, "E-strategi för Alingsås kommun", adjust=True)
    return {"org": org, "ks": ks, "decision": decision}


def test_the_registrar_reads_in_an_old_report_corrects_it_and_lands_on_its_case(page, alingsas, tmp_path):
    upload = tmp_path / "alingsas-2017-676-ks-tjansteskrivelse.txt"
    shutil.copyfile(SEED, upload)
    log_in(page)
    follow(page.get_by_role("link", name="Inläsning av handlingar"))
    assert page.title().startswith("Inläsning av handlingar")
    axe_scan(page)

    # The upload: one file, read and queued, straight to its review.
    page.get_by_label("Filer att läsa in").set_input_files(str(upload))
    follow(page.get_by_role("button", name="Läs in"))
    assert page.title().startswith("Granska alingsas-2017-676-ks-tjansteskrivelse.txt")
    assert "väntar på granskning" in page.locator(".messages").inner_text()
    text = page.locator(".document-text")
    # Each recognised field marked where it was read, its name beside it.
    organ = text.locator("mark#markering-organ-1")
    assert "Kommunstyrelsen" in organ.inner_text() and organ.locator(".hl-tag").inner_text() == "Organ"
    assert "2017.676 KS" in text.locator("mark#markering-diary-numbers-1").inner_text()
    assert text.locator("mark[id^=markering-references-]").count() == 4
    assert page.locator(".hl-legend mark", has_text="Hänvisningar till tidigare beslut").count() == 1
    assert "säkerhet" in page.locator(".review-form").inner_text()
    assert page.locator("#id_f-organ").input_value() == "Kommunstyrelsen"
    assert page.locator("#id_f-date").input_value() == "2018-08-23"
    screenshot(page, "reading-review")
    axe_scan(page)

    # A wrong correction: every error at once, tied to its field.
    page.fill("#id_f-date", "")
    page.fill("#id_hanvisning-0-paragraph", "etthundraåttio")
    follow(page.get_by_role("button", name="Godkänn och registrera"))
    summary = page.locator(".error-summary[role=alert]")
    assert "Datum" in summary.inner_text() and "Hänvisning 1" in summary.inner_text()
    assert summary.locator("a[href='#id_f-date']").count() == 1
    axe_scan(page)
    assert not Case.objects.exists()

    # Corrected: the date back, the paragraph back and the title as the case is named.
    page.fill("#id_f-date", "2018-08-23")
    page.fill("#id_hanvisning-0-paragraph", "180")
    page.fill("#id_f-title", TITLE)
    follow(page.get_by_role("button", name="Godkänn och registrera"))
    case = Case.objects.get(diary_number="2017.676 KS")
    assert page.url.endswith(case.get_absolute_url())
    assert case.title == TITLE and ImportProposal.objects.get().status == "accepted"
    main = page.locator("main").inner_text()
    assert "2017.676 KS" in page.locator("h1").inner_text() and TITLE in page.locator("h1").inner_text()
    assert "Tjänsteskrivelse" in main
    section = page.locator("ul.citations")
    assert section.locator("li").count() == 4
    assert section.get_by_role("link", name=alingsas["decision"].reference).count() == 1
    assert section.get_by_text("finns inte i registret än").count() == 3
    screenshot(page, "reading-case")
    axe_scan(page)
