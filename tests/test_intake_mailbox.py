"""Issue 20, item 1: the function mailbox, read by the worker from a real IMAP
server (Dovecot, started on loopback). Each message becomes an inbox item the
registrar registers (on a new case or an existing one) or dismisses; the
message stays in the mailbox until then and is filed away after; no message is
lost or taken twice, a crash mid-message included."""

from __future__ import annotations

import datetime as dt
import itertools
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.core.files.storage import default_storage

from diarium.core.errors import DomainError, PermissionDenied
from diarium.intake import services as intake
from diarium.intake.models import IntakeItem, Mailbox
from diarium.registry.models import Blob, Event

from . import dovecot_support
from . import factories as f

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not dovecot_support.available(),
                       reason="LOUD: Dovecot (Debian's dovecot-imapd) is missing: the mailbox tests cannot run"),
]

_accounts = itertools.count(1)
PASSWORD = "Brevlåda-hemlig-7"  # the test server's (dovecot_support)


@pytest.fixture(scope="module")
def dovecot():
    server = dovecot_support.Dovecot().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot, org, ks):
    account = f"registrator{next(_accounts)}"
    dovecot.append(account, b"From: setup@example.se\r\nSubject: setup\r\n\r\nskapar INBOX\r\n")
    client = dovecot.client(account)
    client.select_folder("INBOX")
    client.delete_messages(client.search(["ALL"]))
    client.expunge()
    client.logout()
    admin = f.user(org, "admin", username=f"admin-{account}")
    return intake.mailbox_save(actor=admin, organisation_id=org.pk, name="Kommunstyrelsens registratur",
                               host="127.0.0.1", port=dovecot.port, security="none", username=account,
                               password=PASSWORD, done_folder="Diariefört", organ=ks)


def message(subject="Ansökan om bidrag", sender="Gunnel Åkesson <gunnel@example.se>", body="Hej!\nJag ansöker.",
            attachments=(), when=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone.utc), **headers) -> bytes:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = "kommunstyrelsen@alingsas.se"
    if subject:
        msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = headers.pop("message_id", make_msgid(domain="example.se"))
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    for name, data, maintype, subtype in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def pdf_bytes():
    return f.pdf_file().read()


def test_messages_are_taken_in_with_their_attachments_and_left_in_the_mailbox(dovecot, mailbox, org):
    dovecot.append(mailbox.username, message(attachments=[("ansökan.pdf", pdf_bytes(), "application", "pdf")]),
                   message(subject="Fråga om bygglov", sender="Bygg AB <info@bygg.example>"))
    result = intake.mailbox_poll(mailbox.pk)
    assert (result.taken, result.error) == (2, "")
    items = list(IntakeItem.objects.order_by("uid"))
    assert [i.subject for i in items] == ["Ansökan om bidrag", "Fråga om bygglov"]
    first = items[0]
    assert (first.sender_name, first.sender_address) == ("Gunnel Åkesson", "gunnel@example.se")
    assert first.body == "Hej!\nJag ansöker."
    assert first.received_at.date() <= dt.date.today()
    assert [(a["name"], a["problem"]) for a in first.attachments] == [("ansökan.pdf", "")]
    with default_storage.open(first.eml.storage_name, "rb") as fh:
        assert b"Jag ans" in fh.read()  # the message as it came, kept whole
    assert first.eml.content_type == "message/rfc822"
    # Read without being marked read, and kept until handled.
    assert len(dovecot.uids(mailbox.username, unseen=True)) == 2
    # A second poll takes nothing again.
    assert intake.mailbox_poll(mailbox.pk).taken == 0
    assert IntakeItem.objects.count() == 2
    mailbox.refresh_from_db()
    assert mailbox.last_uid == max(i.uid for i in items) and mailbox.poll_error == ""


def test_registering_makes_a_case_and_a_document_with_the_message_and_files_it_away(dovecot, mailbox, org, ks,
                                                                                    registrar):
    dovecot.append(mailbox.username, message(attachments=[("ansökan.pdf", pdf_bytes(), "application", "pdf"),
                                                          ("bild.txt", "text".encode(), "text", "plain")]))
    intake.mailbox_poll(mailbox.pk)
    item = IntakeItem.objects.get()
    document = intake.item_register(actor=registrar, item=item, organ=ks, title="Bidrag till föreningen",
                                    description=item.subject, counterpart=item.sender_name,
                                    document_date=item.received_at.date(), attachments=[1])
    assert document.direction == "incoming" and document.received_via == "email"
    assert document.counterpart == "Gunnel Åkesson" and document.counterpart_is_private
    assert document.case.title == "Bidrag till föreningen"
    files = list(document.files.order_by("position"))
    assert [x.filename for x in files] == ["Ansökan om bidrag.eml", "ansökan.pdf"]
    assert files[0].blob_id == item.eml_id  # the message as it came
    item.refresh_from_db()
    assert (item.state, item.document, item.handled_by) == ("registered", document, registrar)
    assert Event.objects.filter(case=document.case, kind="intake_registered").exists()
    # Filed away by the worker's next poll: moved to the done folder.
    assert len(dovecot.uids(mailbox.username)) == 1
    assert intake.mailbox_poll(mailbox.pk).filed_away == 1
    assert dovecot.uids(mailbox.username) == []
    assert len(dovecot.uids(mailbox.username, "Diariefört")) == 1
    item.refresh_from_db()
    assert item.filed_away_at is not None
    with pytest.raises(DomainError, match="redan hanterat"):
        intake.item_dismiss(actor=registrar, item=item, dismissal="spam")


def test_registering_onto_an_existing_case_and_every_error_at_once(dovecot, mailbox, org, ks, registrar):
    case = f.case(registrar, ks, title="Detaljplan för Stadsparken")
    dovecot.append(mailbox.username, message(subject="", sender="", attachments=[
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 200, "application", "octet-stream")]))
    intake.mailbox_poll(mailbox.pk)
    item = IntakeItem.objects.get()
    assert {p["code"] for p in item.problems} >= {"no_subject", "no_sender"}
    assert item.attachments[0]["problem"]  # an unknown type: the register does not take it as a file
    with pytest.raises(DomainError) as refused:
        intake.item_register(actor=registrar, item=item, case=case, description="", counterpart="",
                             document_date=dt.date(2099, 1, 1), attachments=[1])
    assert set(refused.value.errors) == {"description", "counterpart", "document_date", "attachments"}
    assert case.documents.count() == 0 and IntakeItem.objects.get().state == "new"
    document = intake.item_register(actor=registrar, item=item, case=case, description="Synpunkt på planen",
                                    counterpart="Okänd avsändare", counterpart_kind="private",
                                    document_date=item.received_at.date())
    assert document.case == case and document.number == 1
    assert [x.filename for x in document.files.all()] == ["meddelande.eml"]


def test_dismissing_is_logged_with_who_decided_and_files_the_message_away(dovecot, mailbox, org, registrar):
    dovecot.append(mailbox.username, message(subject="Billiga klockor", sender="spam@example.com"))
    intake.mailbox_poll(mailbox.pk)
    item = IntakeItem.objects.get()
    with pytest.raises(DomainError) as refused:
        intake.item_dismiss(actor=registrar, item=item, dismissal="other", note="")
    assert "note" in refused.value.errors
    intake.item_dismiss(actor=registrar, item=item, dismissal="spam")
    item.refresh_from_db()
    assert (item.state, item.dismissal, item.handled_by) == ("dismissed", "spam", registrar)
    event = Event.objects.get(kind="intake_dismissed")
    assert event.actor == registrar and event.case is None and event.data["item"] == item.pk
    intake.mailbox_poll(mailbox.pk)
    assert dovecot.uids(mailbox.username) == [] and len(dovecot.uids(mailbox.username, "Diariefört")) == 1


def test_a_crash_mid_message_takes_it_again_and_nothing_twice(dovecot, mailbox, org, monkeypatch):
    dovecot.append(mailbox.username, *[message(subject=f"Meddelande {n}") for n in range(1, 6)])
    real = intake.registry.with_file_cleanup
    calls = itertools.count(1)

    def crash_on_the_third(write):
        if next(calls) == 3:
            def crashing(written):
                write(written)  # the message and its content are written ...
                raise KeyboardInterrupt  # ... and the worker dies before the commit
            return real(crashing)
        return real(write)

    monkeypatch.setattr(intake.registry, "with_file_cleanup", crash_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        intake.mailbox_poll(mailbox.pk)
    assert sorted(IntakeItem.objects.values_list("subject", flat=True)) == ["Meddelande 1", "Meddelande 2"]
    # The half-taken message left no content behind.
    assert Blob.objects.count() == 2
    monkeypatch.setattr(intake.registry, "with_file_cleanup", real)
    Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=None)  # the dead worker's lease has run out
    assert intake.mailbox_poll(mailbox.pk).taken == 3
    assert sorted(IntakeItem.objects.values_list("subject", flat=True)) == [f"Meddelande {n}" for n in range(1, 6)]


def test_duplicates_are_flagged_and_a_rebuilt_folder_is_not_taken_again(dovecot, mailbox, org):
    same = message(message_id="<ett-och-samma@example.se>")
    dovecot.append(mailbox.username, same, message(message_id="<ett-och-samma@example.se>", subject="Igen"))
    intake.mailbox_poll(mailbox.pk)
    first, second = IntakeItem.objects.order_by("uid")
    assert first.duplicate_of is None and second.duplicate_of == first
    # The folder is rebuilt (a new UIDVALIDITY): the same messages are not taken again.
    Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=1)
    assert intake.mailbox_poll(mailbox.pk).taken == 0
    assert IntakeItem.objects.count() == 2


def test_two_workers_never_read_one_mailbox_at_once(dovecot, mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(lease_until=dt.datetime(2999, 1, 1, tzinfo=dt.timezone.utc))
    dovecot.append(mailbox.username, message())
    assert intake.mailbox_poll(mailbox.pk).skipped
    assert IntakeItem.objects.count() == 0


def test_a_wrong_password_or_an_unreachable_server_is_told_and_loses_nothing(dovecot, mailbox, org):
    dovecot.append(mailbox.username, message())
    Mailbox.objects.filter(pk=mailbox.pk).update(password="fel")
    result = intake.mailbox_poll(mailbox.pk)
    assert "fel användarnamn eller lösenord" not in result.error  # the server's words are not guessed at
    assert "godtog inte användarnamnet eller lösenordet" in result.error
    mailbox.refresh_from_db()
    assert mailbox.poll_error == result.error and mailbox.poll_error_at is not None
    Mailbox.objects.filter(pk=mailbox.pk).update(password=PASSWORD, port=dovecot_support._free_port())
    result = intake.mailbox_poll(mailbox.pk)
    assert "kunde inte nås" in result.error
    Mailbox.objects.filter(pk=mailbox.pk).update(port=dovecot.port, folder="Finns inte")
    assert "Mappen Finns inte finns inte" in intake.mailbox_poll(mailbox.pk).error
    Mailbox.objects.filter(pk=mailbox.pk).update(folder="INBOX")
    result = intake.mailbox_poll(mailbox.pk)
    assert (result.taken, result.error) == (1, "")


def test_a_message_over_the_limit_is_listed_and_left_in_the_mailbox(dovecot, mailbox, org, registrar, settings):
    settings.DIARIUM_INTAKE_MAX_MESSAGE_BYTES = 2000
    dovecot.append(mailbox.username, message(subject="Stora ritningar", body="x" * 5000), message(subject="Liten"))
    assert intake.mailbox_poll(mailbox.pk).taken == 2
    big = IntakeItem.objects.get(subject="Stora ritningar")
    assert big.eml is None and big.problems[0]["code"] == "too_large" and big.sender_name == "Gunnel Åkesson"
    with pytest.raises(DomainError, match="för stort"):
        intake.item_register(actor=registrar, item=big, case=f.case(registrar, big.mailbox.organ),
                             description="Ritningar", counterpart="Gunnel Åkesson", document_date=dt.date.today())
    assert IntakeItem.objects.get(subject="Liten").eml is not None


def test_only_the_organisations_registrars_handle_its_inbox(dovecot, mailbox, org, ks):
    dovecot.append(mailbox.username, message())
    intake.mailbox_poll(mailbox.pk)
    item = IntakeItem.objects.get()
    officer = f.user(org, "case_officer")
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    for outsider in (officer, f.registrar(other)):
        with pytest.raises(PermissionDenied):
            intake.item_dismiss(actor=outsider, item=item, dismissal="spam")
    with pytest.raises(PermissionDenied):
        intake.mailbox_save(actor=f.registrar(org), organisation_id=org.pk, name="x", host="h", username="u",
                            password="p")


def test_a_file_store_that_refuses_is_told_and_the_messages_are_taken_at_the_next_poll(dovecot, mailbox, settings,
                                                                                     tmp_path):
    """The store cannot write (here a local store whose folder cannot be made:
    the disk refuses with an OSError): the poll records why, takes nothing and
    leaves every message for the next poll."""
    dovecot.append(mailbox.username, message(subject="Första"), message(subject="Andra"))
    blocked = tmp_path / "ingen-mapp"
    blocked.write_text("a file where the store's folder should be")
    working = settings.STORAGES["default"]
    settings.STORAGES = {**settings.STORAGES, "default": {**working, "OPTIONS": {"location": str(blocked / "files")}}}
    result = intake.mailbox_poll(mailbox.pk)
    assert result.taken == 0
    assert result.error == "Filarkivet tar inte emot filer just nu. Inget sparades. Försök igen om en stund."
    mailbox.refresh_from_db()
    assert mailbox.poll_error == result.error and mailbox.lease_until is None and mailbox.last_uid == 0
    assert not IntakeItem.objects.exists() and not Blob.objects.exists()
    settings.STORAGES = {**settings.STORAGES, "default": working}
    assert intake.mailbox_poll(mailbox.pk).taken == 2
    assert sorted(IntakeItem.objects.values_list("subject", flat=True)) == ["Andra", "Första"]
    mailbox.refresh_from_db()
    assert mailbox.poll_error == ""
