"""Drawn-up documents in the browser, each page scanned by axe-core: a case
officer changes the free text of an officer's report with light formatting,
previews the PDF, draws it up again (a new version of its file), marks the new
version signed, and the document page shows the signature. Then the board
secretary dispatches the excerpts of an adjusted meeting in the background and
follows the progress bar."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from diarium.accounts.models import Organ, Role
from diarium.decisions import services as decisions
from diarium.documents.models import DocumentSignature, GenerationBatch
from diarium.registry.models import DocumentFile
from tests import factories as f

from .conftest import axe_scan, follow, screenshot
from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alingsas():
    org = f.organisation()
    ks = f.organ(org)
    f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    registrar = f.user(org, "registrar", username="registrator")
    f.user(org, Role.CASE_OFFICER, organ=ks, username="handlaggare")
    case = f.case(registrar, ks, title="Digital målbild för Alingsås kommun – öppen och smart",
                  case_officer=f.person(org, "Göran Westerlund", title="Digitaliseringsansvarig"))
    report = decisions.officer_report_create(
        actor=registrar, case=case, title="Digital målbild och handlingsplan", addressed_to=ks,
        background="Kommunfullmäktige antog den 25 november 2015, § 180 e-strategi för Alingsås kommun.",
        proposals=[decisions.ProposalInput(organ=ks, text="Handlingsplanen godkänns.")],
        dispatch_to=["Kommunfullmäktige"], signatories=[decisions.Signatory("Anneli Schwartz", "Kommundirektör")],
        report_date=dt.date(2018, 8, 23),
    )
    return {"org": org, "ks": ks, "registrar": registrar, "case": case, "report": report}


def test_officer_edits_previews_draws_up_and_marks_signed(page, alingsas):
    report = alingsas["report"]
    log_in(page, "handlaggare")
    page.goto(f"/arenden/{alingsas['case'].pk}/")
    follow(page.get_by_role("link", name="Ändra och upprätta på nytt"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ändra tjänsteskrivelse")
    axe_scan(page)

    page.get_by_label("Förvaltningens yttrande").fill(
        "Förvaltningen föreslår att handlingsplanen **godkänns**.\n\n- e-tjänster\n- öppna data")
    page.locator("#id_signatory_1_title").fill("Tf. Kommundirektör")

    # "Förhandsgranska PDF" opens the preview in a new tab; nothing is registered.
    with page.context.expect_event("response", predicate=lambda r: r.request.method == "POST") as preview:
        page.get_by_role("button", name="Förhandsgranska PDF").click()
    assert preview.value.headers["content-type"] == "application/pdf"
    assert DocumentFile.objects.filter(document=report.document).count() == 1
    for extra in page.context.pages[1:]:
        extra.close()

    follow(page.get_by_role("button", name="Upprätta", exact=True))
    expect(page.locator("[role=status]").first).to_contain_text("version 2")
    axe_scan(page)
    second = DocumentFile.objects.get(document=report.document, version=2)

    page.get_by_role("link", name=f"Markera som signerad {second.filename} version 2").click()
    page.wait_for_url(f"**/filer/{second.pk}/signera/")
    axe_scan(page)
    follow(page.get_by_role("button", name="Markera som signerad"))  # no name: refused in Swedish
    expect(page.locator(".errorlist, .error-summary").first).to_contain_text("Ange namnet")
    page.get_by_label("Namn").fill("Anneli Schwartz")
    page.get_by_label("Roll eller titel (valfritt)").fill("Tf. Kommundirektör")
    page.get_by_label("Roll eller titel (valfritt)").press("Enter")
    page.wait_for_url(f"**/handlingar/{report.document_id}/")
    section = page.get_by_role("region", name="Underskrifter")
    expect(section).to_contain_text("version 2: signerad av Anneli Schwartz, Tf. Kommundirektör")
    axe_scan(page)
    screenshot(page, "documents-signed-report")
    assert DocumentSignature.objects.get().file == second


def test_secretary_dispatches_a_meetings_excerpts_and_follows_the_progress(page, alingsas):
    registrar, ks, case = alingsas["registrar"], alingsas["ks"], alingsas["case"]
    chair, adjuster = f.person(alingsas["org"], "Daniel Filipsson"), f.person(alingsas["org"], "Simon Waern")
    meeting = f.meeting(registrar, ks, members=[(chair, "chair"), (adjuster, "member")], adjusters=[adjuster])
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    for n in (1, 2):
        decisions.decision_record(actor=registrar, meeting=meeting, case=case, title=f"Beslut {n}", text="Godkänns.",
                                  recipients=[decisions.RecipientInput(name="Ekonomienheten")])
    f.adjust(registrar, meeting)

    log_in(page)
    page.goto(f"/sammantraden/{meeting.pk}/")
    follow(page.get_by_role("button", name="Expediera alla beslut"))
    progress = page.get_by_role("progressbar", name="Hur långt det har kommit")
    expect(progress).to_have_attribute("value", "2")
    expect(page.locator(".generation-progress [role=status]")).to_contain_text("2 av 2 klara. Klart.")
    axe_scan(page)
    screenshot(page, "documents-generation-progress")
    assert GenerationBatch.objects.get().done == 2
