"""Issue 20: from the function mailbox to a registered document in the
browser, each page scanned by axe-core at laptop and phone width. The
registrar opens the inbox, has the mailbox read (Dovecot on loopback), opens
the message, gets every error of the form at once, registers it on a new case
with its attachment, and finds the document with the message and the file."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from diarium.intake import services as intake
from tests import dovecot_support
from tests import factories as f

from .conftest import axe_scan, follow, screenshot
from .test_journeys import log_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not dovecot_support.available(), reason="LOUD: Dovecot (dovecot-imapd) is missing"),
]


@pytest.fixture
def mailbox():
    server = dovecot_support.Dovecot().start()
    org = f.organisation()
    ks = f.organ(org)
    f.user(org, "registrar", username="registrator")
    admin = f.user(org, "admin")
    msg = EmailMessage()
    msg["From"] = "Gunnel Åkesson <gunnel@example.se>"
    msg["To"] = "kommunstyrelsen@alingsas.se"
    msg["Subject"] = "Synpunkt på parkeringen vid Stadsparken"
    msg.set_content("Hej!\n\nParkeringen behövs för oss som har svårt att gå.\n\nGunnel")
    msg.add_attachment("Foto av parkeringen".encode(), maintype="text", subtype="plain", filename="foto.txt")
    server.append("registratur", msg.as_bytes())
    intake.mailbox_save(actor=admin, organisation_id=org.pk, name="Kommunstyrelsens brevlåda", host="127.0.0.1",
                        port=server.port, security="none", username="registratur", password=server.password,
                        organ=ks, done_folder="Diariefört")
    yield server
    server.stop()


def scan_both_widths(page) -> None:
    axe_scan(page)
    page.set_viewport_size({"width": 375, "height": 812})
    axe_scan(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_message_goes_from_the_mailbox_to_a_registered_document(page, mailbox):
    log_in(page)
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Inkorg"))
    assert page.title().startswith("Inkorg")
    expect(page.get_by_text("Inga meddelanden.")).to_be_visible()
    scan_both_widths(page)

    follow(page.get_by_role("button", name="Läs nu Kommunstyrelsens brevlåda"))
    expect(page.get_by_text("Brevlådan Kommunstyrelsens brevlåda läses nu.")).to_be_visible()
    follow(page.get_by_role("link", name="Synpunkt på parkeringen vid Stadsparken"))
    expect(page.get_by_text("Parkeringen behövs för oss som har svårt att gå.")).to_be_visible()
    assert page.locator("#id_counterpart").input_value() == "Gunnel Åkesson"
    scan_both_widths(page)

    # Every error at once: no title, no description.
    page.get_by_label("Ärendemening för det nya ärendet").fill("")
    page.get_by_label("Beskrivning").fill("")
    follow(page.get_by_role("button", name="Registrera handlingen"))
    assert page.title().startswith("Fel:")
    summary = page.locator("[role=alert]")
    assert "Ange en ärendemening." in summary.inner_text()
    assert "Ange kortfattat vad handlingen rör." in summary.inner_text()
    scan_both_widths(page)

    page.get_by_label("Ärendemening för det nya ärendet").fill("Parkeringen vid Stadsparken")
    page.get_by_label("Beskrivning").fill("Synpunkt på parkeringen")
    expect(page.get_by_label("foto.txt")).to_be_checked()
    follow(page.get_by_role("button", name="Registrera handlingen"))
    expect(page.get_by_text("Meddelandet har registrerats som handling")).to_be_visible()
    screenshot(page, "intake-registered")

    follow(page.get_by_role("link", name="Registrerad (1)"))
    scan_both_widths(page)
    follow(page.get_by_role("table").get_by_role("link", name="KS-1"))
    expect(page.get_by_text("Synpunkt på parkeringen").first).to_be_visible()
    expect(page.get_by_role("link", name="Synpunkt på parkeringen vid Stadsparken.eml", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="foto.txt", exact=True)).to_be_visible()
    scan_both_widths(page)
