"""Remiss (consultation round) journeys in the browser, each page scanned by axe-core:
a registrar starts and sends a round, a respondent answers through the personal
link without an account, and the registrar compiles the answers and registers
the revised version; the public sees the round without e-mail addresses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from diarium.accounts.models import Organ
from diarium.registry.models import Document
from diarium.remiss import services as remiss
from diarium.remiss.models import RemissRecipient, RemissRound
from tests import factories as f

from .conftest import axe_scan, follow, screenshot
from .test_journeys import log_in

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://[^/\s]+(/remissvar/[0-9a-f]{64}/)")


@pytest.fixture
def alingsas():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.user(org, "registrar", username="registrator")
    return org, ks, registrar


@pytest.fixture
def sent_round(alingsas):
    """A round on a draft action plan, sent to two boards (Nämnd 1 and Nämnd 2)."""
    org, ks, registrar = alingsas
    round_, organs = f.remiss_setup(registrar, org, ks, boards=2)
    remiss.remiss_send(actor=registrar, round=round_)
    return round_


def link_path(message) -> str:
    return LINK.search(message.body).group(1)


def test_a_registrar_prepares_and_sends_a_round(page, alingsas):
    org, ks, registrar = alingsas
    f.organ(org, code="KFN", name="Kultur- och fritidsnämnden", kind=Organ.Kind.BOARD, email="kfn@alingsas.se")
    f.organ(org, code="SN", name="Socialnämnden", kind=Organ.Kind.BOARD, email="sn@alingsas.se")
    case = f.case(registrar, ks, title="Handlingsplan för öppna data")
    plan = f.document(registrar, case, direction="drawn_up", counterpart="", description="Förslag till handlingsplan",
                      files=[f.text_file("handlingsplan.txt", "Handlingsplan\nÅtgärd 1: öppna data\n")])
    log_in(page)

    # Open the case from the list; the remiss section offers to start a round.
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden"))
    follow(page.get_by_role("link", name=case.diary_number))
    assert page.title().startswith(f"Ärende {case.diary_number}")
    axe_scan(page)
    follow(page.get_by_role("link", name="Skicka på remiss"))
    assert page.title().startswith(f"Ny remiss i {case.diary_number}")
    assert page.locator("#id_title").input_value() == "Handlingsplan för öppna data"  # the case title to start from
    axe_scan(page)

    # Submit without a title, letter, deadline, recipient or file: the errors are
    # announced, tied to their fields, and the summary's links lead to them.
    page.fill("#id_title", "")
    follow(page.get_by_role("button", name="Förbered remissen"))
    summary = page.locator("[role=alert]")
    summary_text = summary.inner_text()
    for message in ("Ange en rubrik för remissen.", "Skriv missivet", "Ange sista svarsdag (ÅÅÅÅ-MM-DD).",
                    "Välj minst en handling att skicka på remiss.", "Välj minst en remissinstans."):
        assert message in summary_text, message
    for field_id, message in (("id_title", "Ange en rubrik för remissen."),
                              ("id_letter", "Skriv missivet"),
                              ("id_deadline", "Ange sista svarsdag (ÅÅÅÅ-MM-DD).")):
        field = page.locator(f"#{field_id}")
        assert field.get_attribute("aria-invalid") == "true", field_id
        described = field.get_attribute("aria-describedby") or ""
        messages = " ".join(page.locator(f"#{i}").inner_text() for i in described.split())
        assert message in messages, (field_id, messages)
    summary.get_by_role("link", name=re.compile("^Missiv:")).click()
    expect(page.locator("#id_letter")).to_be_focused()
    assert RemissRound.objects.count() == 0
    axe_scan(page)
    screenshot(page, "remiss-form-errors")

    # Fill the form properly and prepare the round.
    deadline = dt.date.today() + dt.timedelta(days=40)
    page.fill("#id_title", "Förslag till handlingsplan för öppna data")
    page.fill("#id_letter", "Vi önskar era synpunkter på förslaget.\nSärskilt åtgärd 1.")
    page.fill("#id_deadline", deadline.isoformat())
    page.fill("#id_ordered_by", "KSAU 2018-02-28 § 8")
    page.get_by_label("Kultur- och fritidsnämnden").check()
    page.get_by_label("Socialnämnden").check()
    page.fill("#id_external", "Föreningen Sambruk; info@sambruk.se")
    page.get_by_label(f"{case.diary_number}-{plan.number} handlingsplan.txt").check()
    follow(page.get_by_role("button", name="Förbered remissen"))

    # The draft: nothing is sent yet; the registrar reviews it.
    assert page.title().startswith("Remiss: Förslag till handlingsplan för öppna data")
    assert "Remissen är förberedd" in page.locator("[role=status]").inner_text()
    assert page.locator(".meta-list").get_by_text("Utkast").count() == 1
    table = page.get_by_role("table", name=re.compile("^Remissinstanser för"))
    assert table.locator("tbody tr").count() == 3
    assert table.get_by_text("Ej skickad").count() == 3
    assert mail.outbox == []
    axe_scan(page)

    # Send it (by keyboard): three e-mails go, and every recipient shows as sent.
    send = page.get_by_role("group", name="Åtgärder för remissen").get_by_role(
        "button", name="Skicka remissen till 3 remissinstanser")
    send.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Remissen har skickats till 3 remissinstanser." in page.locator("[role=status]").inner_text()
    table = page.get_by_role("table", name=re.compile("^Remissinstanser för"))
    for name in ("Kultur- och fritidsnämnden", "Socialnämnden", "Föreningen Sambruk"):
        row = table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=re.compile(name)))
        assert row.locator(".tag").inner_text() == "Skickad", name
    assert "info@sambruk.se" in table.inner_text()  # those who run the round see the addresses
    counts = page.get_by_role("list", name="Sammanräkning").inner_text()
    assert "3 totalt" in counts and "3 skickad" in counts
    assert page.get_by_role("link", name="Förläng svarstiden").count() == 1
    axe_scan(page)
    screenshot(page, "remiss-sent")

    # The e-mails went from the live server's thread into the shared locmem outbox.
    assert sorted(m.to[0] for m in mail.outbox) == ["info@sambruk.se", "kfn@alingsas.se", "sn@alingsas.se"]
    assert all(LINK.search(m.body) for m in mail.outbox)


def test_a_respondent_answers_through_the_personal_link(page, sent_round, tmp_path):
    message = mail.outbox[0]
    recipient = RemissRecipient.objects.get(email=message.to[0])
    path = link_path(message)
    assert path.endswith(remiss.answer_token(recipient) + "/")

    # Not logged in: the link alone opens the answer page.
    page.goto(path)
    assert page.title().startswith("Svara på remiss: Förslag till handlingsplan")
    assert page.get_by_role("button", name="Logga ut").count() == 0
    assert recipient.name in page.locator(".meta-list").inner_text()
    assert "Vi önskar era synpunkter." in page.locator(".letter").inner_text()
    assert page.get_by_role("link", name="handlingsplan.txt").count() == 1  # offered, not downloaded here
    assert page.get_by_label("Vi lämnar svar på remissen").is_checked()
    axe_scan(page)

    page.fill("#id_text", "Nämnden tillstyrker förslaget men vill se en tidplan.")
    page.fill("#id_decision_ref", "Nämnd 1 2018-06-12 § 45")
    page.fill("#id_answered_by", "Eva Ek")
    upload = tmp_path / "yttrande.txt"
    upload.write_text("Yttrande från Nämnd 1: vi tillstyrker.\n", encoding="utf-8")
    page.set_input_files("#id_files", str(upload))
    follow(page.get_by_role("button", name="Skicka svaret"))

    # The receipt: registered at once as an incoming document, with its number.
    receipt = page.locator("[role=status]").filter(has_text="Ert svar är registrerat")
    assert receipt.count() == 1
    recipient.refresh_from_db()
    assert recipient.has_answered and recipient.answer_decision == "Nämnd 1 2018-06-12 § 45"
    document = recipient.answer_document
    assert f"{sent_round.case.diary_number}-{document.number}" in receipt.inner_text()
    assert sorted(document.files.values_list("filename", flat=True)) == ["svar.txt", "yttrande.txt"]
    assert page.get_by_role("button", name="Skicka svaret").count() == 0  # no second answer
    axe_scan(page)
    screenshot(page, "remiss-answer-receipt")

    # A forged link: a clear page, status 404, nothing recorded.
    documents = Document.objects.count()
    forged = path[:-4] + ("0" if path[-4] != "0" else "1") + path[-3:]
    response = page.goto(forged)
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Länken fungerar inte"
    assert "Länken är inte giltig" in page.locator("main").inner_text()
    assert Document.objects.count() == documents
    axe_scan(page)
    screenshot(page, "remiss-forged-link")


def test_a_registrar_registers_an_answer_compiles_and_revises(page, sent_round):
    case = sent_round.case
    first, second = sent_round.recipients.order_by("position")
    log_in(page)

    # The overview in the main menu lists the round.
    follow(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Remisser"))
    assert page.title().startswith("Remisser")
    assert "0 av 2 har svarat" in page.locator("#pagaende ~ .table-wrap").inner_text()
    axe_scan(page)

    # From the case page to the round.
    page.goto(f"/arenden/{case.pk}/")
    assert "0 av 2 har svarat" in page.locator("section.round").first.inner_text()
    follow(page.get_by_role("link", name="Förslag till handlingsplan"))
    assert page.title().startswith("Remiss: Förslag till handlingsplan")
    axe_scan(page)
    round_url = page.url

    # An answer that came by post, registered inside the system.
    follow(page.get_by_role("link", name="Registrera svar från Nämnd 1"))
    assert page.title().startswith("Registrera svar från Nämnd 1")
    axe_scan(page)
    page.fill("#id_text", "Nämnden vill att öppna data publiceras under CC0.")
    page.fill("#id_decision_ref", "Nämnd 1 2018-06-12 § 45")
    page.fill("#id_received_on", dt.date.today().isoformat())
    follow(page.get_by_role("button", name="Registrera svaret"))
    assert "Svaret från Nämnd 1 är registrerat." in page.locator("[role=status]").inner_text()
    row = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=re.compile("Nämnd 1")))
    assert row.locator(".tag").inner_text() == "Besvarad"

    # Extend the deadline: the old one is struck through.
    follow(page.get_by_role("link", name="Förläng svarstiden"))
    assert page.title().startswith("Förläng svarstiden")
    axe_scan(page)
    new_deadline = sent_round.deadline + dt.timedelta(days=14)
    page.fill("#id_deadline", new_deadline.isoformat())
    page.fill("#id_reason", "Nämnderna ska hinna besluta")
    page.fill("#id_decision_ref", "KSAU 2018-04-25 § 53")
    follow(page.get_by_role("button", name="Förläng svarstiden"))
    assert "Svarstiden är förlängd för 1 remissinstanser." in page.locator("[role=status]").inner_text()
    row = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=re.compile("Nämnd 2")))
    assert row.locator("del").inner_text() == sent_round.deadline.isoformat()
    assert new_deadline.isoformat() in row.inner_text()
    axe_scan(page)

    # Compile: summarise and consider the answer, then draw up the compilation.
    follow(page.get_by_role("link", name="Sammanställ svaren"))
    assert page.title().startswith("Sammanställ remissvar")
    assert "Nämnden vill att öppna data publiceras under CC0." in page.content()
    axe_scan(page)
    page.fill(f"#id_r{first.pk}-summary", "Vill ha öppna data under CC0.")
    page.select_option(f"#id_r{first.pk}-consideration", label="Beaktat")
    page.fill(f"#id_r{first.pk}-comment", "Ny åtgärd om licens.")
    follow(page.get_by_role("button", name="Upprätta remissammanställningen"))
    assert page.url == round_url
    assert "Remissammanställningen är upprättad som" in page.locator("[role=status]").inner_text()
    sent_round.refresh_from_db()
    first.refresh_from_db()
    assert first.consideration == "accepted" and first.summary == "Vill ha öppna data under CC0."
    compilation = sent_round.compilation_document
    reference = f"{case.diary_number}-{compilation.number}"
    assert page.locator("#sammanstallning").inner_text() == "Remissammanställning"
    assert page.get_by_role("link", name=reference).count() == 1
    axe_scan(page)

    # Register the revised version and the change the answer led to.
    follow(page.get_by_role("link", name="Registrera reviderad version"))
    assert page.title().startswith("Reviderad version")
    axe_scan(page)
    page.set_input_files("#id_file", files=[{
        "name": "handlingsplan.txt", "mimeType": "text/plain",
        "buffer": "Handlingsplan\nÅtgärd 1: öppna data\nÅtgärd 2: licens CC0\n".encode("utf-8"),
    }])
    page.fill("#id_note", "Reviderad efter remissen.")
    page.fill("#id_changes-0-description", "Åtgärd 2 om licens CC0")
    page.get_by_role("group", name="Ändring 1").get_by_label("Nämnd 1").check()
    follow(page.get_by_role("button", name="Registrera reviderad version"))
    assert "Den reviderade versionen är registrerad." in page.locator("[role=status]").inner_text()
    assert page.locator("#revidering").inner_text() == "Revidering efter remissen"
    added = page.locator("table.diff ins")
    assert added.inner_text() == "Åtgärd 2: licens CC0"
    # Added lines are marked by more than their green background (WCAG 1.4.1).
    assert added.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    assert "efter svar från Nämnd 1" in page.content()
    axe_scan(page)
    screenshot(page, "remiss-compiled-and-revised")

    # The public: the round, its deadlines and answers, but no addresses or actions.
    follow(page.get_by_role("button", name="Logga ut"))
    page.goto(f"/arenden/{case.pk}/")
    assert "1 av 2 har svarat" in page.locator("section.round").first.inner_text()
    axe_scan(page)
    follow(page.get_by_role("link", name="Förslag till handlingsplan"))
    assert page.url == round_url
    content = page.locator("main").inner_text()
    assert "Vi önskar era synpunkter." in content and "KSAU 2018-04-25 § 53" in content
    assert "Besvarad" in content and "Nämnd 2" in content and reference in content
    assert "@alingsas.se" not in page.content()
    for action in ("Förläng svarstiden", "Sammanställ svaren", "Avsluta remissen", "Spärra svarslänken"):
        assert page.get_by_text(action).count() == 0, action
    axe_scan(page)
    screenshot(page, "remiss-public-view")
