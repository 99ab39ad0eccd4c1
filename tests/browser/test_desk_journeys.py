"""The case officer's day in the browser (issue 21), scanned by axe-core at a
laptop's and a phone's width: log in and land on the desk, see a request for a
public document there, release it in part with a name removed from the PDF's
text, set a due date on the case (a date in the past first) and find it on
the desk."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from diarium.accounts import services as accounts
from diarium.registry import services as registry
from diarium.registry.files import blob_open
from diarium.registry.models import CopyRequest
from tests import factories as f
from tests.pdf_support import pdf_with_text

from .conftest import axe_scan, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "Åsa Öberg"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def axe_at_both_widths(page) -> None:
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        axe_scan(page)


@pytest.fixture
def desk_case():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.user(org, "registrar", username="registrator")
    officer = f.user(org, "case_officer", username="handlaggare")
    person = accounts.person_create(organisation=org, name="Olle Handläggare", title="Bygglovshandläggare",
                                    email="olle@alingsas.se", organ=ks, user=officer)
    case = f.case(registrar, ks, title="Bygglov för förråd på Ängen 3", case_officer=person)
    pdf = pdf_with_text([f"Ansökan om bygglov. Sökande: {SECRET}.", "Förrådet blir 12 kvadratmeter.",
                         "Situationsplan bifogas."])
    document = f.document(registrar, case, counterpart=SECRET, counterpart_kind="private",
                          description="Ansökan om bygglov",
                          files=[SimpleUploadedFile("ansokan.pdf", pdf, content_type="application/pdf")])
    event = registry.copy_request_record(document=document, format="email", contact="journalist@example.se")
    request = CopyRequest.objects.get(pk=event.data["copy_request"])
    registry.copy_request_assign(actor=registrar, request=request, person=person)
    return case, document, request


def test_an_officer_handles_a_request_from_the_desk_and_sets_a_due_date(page, desk_case):
    case, document, request = desk_case
    page.goto("/konto/logga-in/")
    page.fill("#id_username", "handlaggare")
    page.fill("#id_password", f.PASSWORD)
    follow(page.locator("main button[type=submit]"))
    assert page.url.endswith("/skrivbord/")
    assert page.title().startswith("Mitt skrivbord")
    counts = page.get_by_role("navigation", name="Att göra").inner_text()
    assert "Mina ärenden 1" in " ".join(counts.split()) and "Begäranden om allmän handling 1" in " ".join(
        counts.split())
    axe_at_both_widths(page)
    screenshot(page, "desk-start-phone")

    # The request, from the desk: released in part, the applicant's name removed from the text.
    follow(page.get_by_role("link", name=f"Begäran om {case.diary_number}-{document.number}"))
    assert f"/utlamnanden/{request.pk}/" in page.url
    page.get_by_label("Lämnas ut delvis").check()
    page.fill("#id_decide-legal_ground", "OSL 21 kap. 7 §")
    page.fill("#id_decide-phrases", SECRET)
    follow(page.get_by_role("button", name="Spara beslutet"))
    assert "Begäran är avgjord: lämnas ut delvis." in page.locator(".messages").inner_text()
    axe_at_both_widths(page)
    request.refresh_from_db()
    with blob_open(request.copy_blob) as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Öberg" not in text and "12 kvadratmeter" in text

    # Back on the desk the request is gone; a due date is set on the case, wrongly first.
    follow(page.get_by_role("link", name="Mitt skrivbord"))
    assert "Inga begäranden väntar på dig." in page.locator("main").inner_text()
    follow(page.get_by_role("link", name=case.diary_number).first)
    follow(page.get_by_role("link", name="Lägg en bevakning"))
    page.fill("#id_due_on", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    follow(page.get_by_role("button", name="Lägg in bevakningen"))
    alert = page.locator("[role=alert]").inner_text()
    assert "har redan passerat" in alert and "Ange vad som ska bevakas" in alert
    axe_at_both_widths(page)
    page.fill("#id_due_on", (dt.date.today() + dt.timedelta(days=5)).isoformat())
    page.fill("#id_reason", "Grannarnas yttranden ska ha kommit in")
    follow(page.get_by_role("button", name="Lägg in bevakningen"))
    assert "har lagts in" in page.locator(".messages").inner_text()
    follow(page.get_by_role("link", name="Mitt skrivbord"))
    assert "Grannarnas yttranden ska ha kommit in" in page.locator("#bevakningar ~ .table-wrap").first.inner_text()
    axe_at_both_widths(page)
    screenshot(page, "desk-with-due-date")

