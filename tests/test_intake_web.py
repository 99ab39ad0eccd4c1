"""Issue 20: the inbox's pages and API. A registrar uploads a saved e-mail (or
the worker takes one from the mailbox), reads it, and registers it from one
page (a new case or an existing one), or records that it is not registered;
every error of the form shows at once. Nobody else reads the inbox, and a
private sender's name never reaches the public."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diarium.intake import services as intake
from diarium.intake.models import IntakeItem
from diarium.registry.models import Case

from . import factories as f
from .api_support import bearer, token_for
from .public_outputs import dumped_files, found_in

pytestmark = pytest.mark.django_db

SENDER = "Gunnel Åkesson"


def eml(subject="Synpunkt på detaljplanen", body="Jag tycker att parken ska vara kvar.", attachment=True) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{SENDER} <gunnel@example.se>"
    msg["To"] = "ks@alingsas.se"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 30 Nov 2026 10:15:00 +0100"
    msg["Message-ID"] = "<synpunkt-1@example.se>"
    msg.set_content(body)
    if attachment:
        msg.add_attachment("Skiss av parken".encode(), maintype="text", subtype="plain", filename="skiss.txt")
    return msg.as_bytes()


def upload(client, data: bytes, name="synpunkt.eml"):
    return client.post(reverse("intake:inbox"), {"file": SimpleUploadedFile(name, data)})


def test_a_registrar_uploads_reads_and_registers_a_message_on_a_new_case(client, org, ks, registrar):
    client.force_login(registrar)
    response = upload(client, eml())
    item = IntakeItem.objects.get()
    assert response.status_code == 302 and response.url == reverse("intake:item", args=[item.pk])
    page = client.get(response.url).content.decode()
    assert "Jag tycker att parken ska vara kvar." in page and "skiss.txt" in page
    assert f'value="{SENDER}"' in page  # the sender, proposed
    assert 'value="Synpunkt på detaljplanen"' in page  # the subject, proposed as the title and the description
    assert client.get(reverse("intake:attachment", args=[item.pk, 1])).content == "Skiss av parken".encode()
    response = client.post(reverse("intake:item", args=[item.pk]), {
        "action": "register", "target": "new", "organ": ks.pk, "title": "Detaljplan för Stadsparken",
        "description": "Synpunkt på detaljplanen", "counterpart": SENDER, "counterpart_kind": "auto",
        "document_date": "2026-11-30", "attachments": ["1"]})
    assert response.status_code == 302, response.content.decode()
    item.refresh_from_db()
    document = item.document
    assert document.case.title == "Detaljplan för Stadsparken" and document.received_via == "email"
    assert sorted(x.filename for x in document.files.all()) == ["Synpunkt på detaljplanen.eml", "skiss.txt"]
    assert document.counterpart_is_private
    inbox = client.get(reverse("intake:inbox") + "?visa=registered").content.decode()
    assert document.reference in inbox
    # The public reads the document, never the private sender's name.
    client.logout()
    public = client.get(reverse("registry:case_detail", args=[document.case_id])).content.decode()
    assert "Synpunkt på detaljplanen" in public and SENDER not in public
    assert not found_in(dumped_files(), [SENDER, "gunnel@example.se"])


def test_the_register_form_says_every_error_at_once_and_writes_nothing(client, org, ks, registrar):
    client.force_login(registrar)
    upload(client, eml())
    item = IntakeItem.objects.get()
    response = client.post(reverse("intake:item", args=[item.pk]), {
        "action": "register", "target": "new", "organ": "", "title": "", "description": "", "counterpart": "",
        "document_date": (dt.date.today() + dt.timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    errors = response.context["register"].errors
    assert set(errors) >= {"organ", "title", "description", "counterpart", "document_date"}
    page = response.content.decode()
    assert page.count('<li><a href="#id_') >= 5  # the summary links each field
    response = client.post(reverse("intake:item", args=[item.pk]), {
        "action": "register", "target": "case", "diary_number": "2099.1 KS", "description": "x",
        "counterpart": SENDER, "document_date": "2026-11-30"})
    assert "Inget ärende med diarienumret 2099.1 KS finns." in response.content.decode()
    assert IntakeItem.objects.get().state == "new" and not Case.objects.exists()


def test_registering_on_an_existing_case_found_by_its_number_as_typed(client, org, ks, registrar):
    case = f.case(registrar, ks, title="Detaljplan för Stadsparken")
    client.force_login(registrar)
    upload(client, eml())
    item = IntakeItem.objects.get()
    typed = case.diary_number.replace(".", "/")  # "2026/1 KS" for "2026.1 KS"
    response = client.post(reverse("intake:item", args=[item.pk]), {
        "action": "register", "target": "case", "diary_number": typed, "description": "Synpunkt",
        "counterpart": SENDER, "counterpart_kind": "private", "document_date": "2026-11-30"})
    assert response.status_code == 302
    assert case.documents.get().description == "Synpunkt"


def test_dismissing_from_the_page_keeps_the_reason_and_who(client, org, registrar):
    client.force_login(registrar)
    upload(client, eml(subject="Erbjudande", attachment=False))
    item = IntakeItem.objects.get()
    response = client.post(reverse("intake:item", args=[item.pk]), {"action": "dismiss", "dismissal": "other"})
    assert response.status_code == 400 and "Skriv skälet" in response.content.decode()
    response = client.post(reverse("intake:item", args=[item.pk]), {"action": "dismiss", "dismissal": "spam"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.dismissal, item.handled_by) == ("dismissed", "spam", registrar)
    page = client.get(reverse("intake:item", args=[item.pk])).content.decode()
    assert "Skräppost eller reklam" in page


def test_a_file_that_is_not_an_e_mail_is_refused_with_a_clear_message(client, org, registrar):
    client.force_login(registrar)
    response = upload(client, f.pdf_file().read(), name="brev.pdf")
    assert response.status_code == 400
    assert "är inte ett e-postmeddelande" in response.content.decode()
    assert not IntakeItem.objects.exists()


def test_nobody_but_the_organisations_registrars_reads_the_inbox(client, org, ks, registrar):
    item = intake.message_upload(actor=registrar, organisation_id=org.pk,
                                 upload=SimpleUploadedFile("x.eml", eml()))
    for url in (reverse("intake:inbox"), reverse("intake:item", args=[item.pk]),
                reverse("intake:attachment", args=[item.pk, 1]), reverse("intake:message", args=[item.pk])):
        assert client.get(url).status_code == 302  # the public: to the login page
        client.force_login(f.user(org, "case_officer"))
        assert client.get(url).status_code == 403
        client.force_login(f.registrar(f.organisation(name=f"Annan {url}", slug=f"annan{len(url)}")))
        response = client.get(url)  # another organisation's registrar: their own inbox, never this one
        assert response.status_code == 403 or "Synpunkt" not in response.content.decode()
        client.logout()
    assert client.get(reverse("api:intake_detail", args=[item.pk])).status_code == 401


def test_the_api_uploads_lists_registers_and_dismisses(client, org, ks, registrar):
    auth = bearer(token_for(registrar))
    response = client.post(reverse("api:intake_upload", args=[org.pk]),
                           {"file": SimpleUploadedFile("synpunkt.eml", eml())}, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "Synpunkt på detaljplanen" and body["attachments"][0]["name"] == "skiss.txt"
    listed = client.get(reverse("api:intake_list", args=[org.pk]), **auth).json()
    assert [row["id"] for row in listed] == [body["id"]]
    bad = client.post(reverse("api:intake_register", args=[body["id"]]), {
        "organ_id": ks.pk, "title": "", "description": "", "counterpart": "", "document_date": "2026-11-30"},
        content_type="application/json", **auth)
    assert bad.status_code == 400 and set(bad.json()["errors"]) >= {"title", "description", "counterpart"}
    response = client.post(reverse("api:intake_register", args=[body["id"]]), {
        "organ_id": ks.pk, "title": "Stadsparken", "description": "Synpunkt", "counterpart": SENDER,
        "document_date": "2026-11-30", "attachments": [1]}, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    assert response.json()["reference"].endswith("-1")
    second = intake.message_upload(actor=registrar, organisation_id=org.pk,
                                   upload=SimpleUploadedFile("igen.eml", eml(subject="Igen")))
    assert second.duplicate_of_id == body["id"]  # the same Message-ID
    response = client.post(reverse("api:intake_dismiss", args=[second.pk]), {"dismissal": "duplicate"},
                           content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["state"] == "dismissed"


def test_an_outlook_msg_is_read_registered_with_its_original_and_a_damaged_one_refused(client, org, ks, registrar):
    from .msg_support import build_msg

    data = build_msg(subject="Överklagande av bygglov", sender_name=SENDER, sender_email="gunnel@example.se",
                     body="Jag överklagar beslutet.", attachments=[("ritning.txt", b"Ritning", "text/plain")])
    client.force_login(registrar)
    response = upload(client, data, name="överklagande.msg")
    assert response.status_code == 302
    item = IntakeItem.objects.get()
    assert (item.subject, item.sender_name, item.body) == ("Överklagande av bygglov", SENDER,
                                                           "Jag överklagar beslutet.")
    assert item.original.content_type == "application/vnd.ms-outlook" and item.filename == "överklagande.msg"
    response = client.post(reverse("intake:item", args=[item.pk]), {
        "action": "register", "target": "new", "organ": ks.pk, "title": "Bygglov Storgatan 1",
        "description": "Överklagande", "counterpart": SENDER, "document_date": "2026-11-30",
        "attachments": ["1"]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert sorted(x.filename for x in item.document.files.all()) == [
        "ritning.txt", "Överklagande av bygglov.eml", "överklagande.msg"]
    response = upload(client, data[:1500], name="trasig.msg")
    assert response.status_code == 400 and "skadat" in response.content.decode()


def test_the_registered_message_is_found_by_its_text_and_withheld_from_the_public_until_reviewed(
        client, org, ks, registrar):
    from diarium.registry.models import DocumentFile

    from .search_support import find, titles

    item = intake.message_upload(actor=registrar, organisation_id=org.pk, upload=SimpleUploadedFile(
        "x.eml", eml(body=f"Parken ska vara kvar. Mitt personnummer är 19121212-1212. Hälsningar {SENDER}")))
    document = intake.item_register(actor=registrar, item=item, organ=ks, title="Stadsparken",
                                    description="Synpunkt", counterpart=SENDER, document_date=dt.date(2026, 11, 30))
    assert titles(find(registrar, "personnummer parken")) == ["Synpunkt"]  # the message's own words
    message = DocumentFile.objects.get(document=document)
    assert message.privacy_withheld  # the masking assistant found the number: the public waits for the review
    assert find(None, "personnummer").total == 0
    response = client.get(reverse("registry:file_download", args=[message.pk]))
    assert b"19121212-1212" not in response.content
