"""Issue 20, bad input: what the inbox reads out of a message, whatever the
sender put in it. Every message gives a readable item and a note, never an
exception (a property test mutates messages at random)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diarium.intake import parsing


def plain(**headers) -> bytes:
    msg = EmailMessage()
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content("Hej!")
    return msg.as_bytes()


def test_a_message_in_latin_1_and_windows_1252_is_read_in_its_own_character_set():
    raw = ("From: =?iso-8859-1?q?G=F6ran_=C5berg?= <goran@example.se>\r\nSubject: =?windows-1252?q?S=F6kes_=96_"
           "bidrag?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           ).encode("ascii") + "Hälsningar från Åmål\r\n".encode("latin-1")
    parsed = parsing.parse(raw)
    assert (parsed.sender_name, parsed.subject) == ("Göran Åberg", "Sökes – bidrag")
    assert parsed.body == "Hälsningar från Åmål"
    assert not parsed.problems or {p["code"] for p in parsed.problems} == {"no_date"}


def test_undeclared_and_unknown_character_sets_are_guessed_and_noted():
    raw = (b"From: Per <per@example.se>\r\nSubject: Fr\xe5ga\r\nDate: Mon, 7 Dec 2026 09:00:00 +0100\r\n"
           b"Content-Type: text/plain; charset=x-okand\r\n\r\nV\xe4nliga h\xe4lsningar\r\n")
    parsed = parsing.parse(raw)
    assert parsed.subject == "Fråga" and parsed.body == "Vänliga hälsningar"
    assert "charset" in {p["code"] for p in parsed.problems}
    assert parsed.sent_at == dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.timezone.utc)


def test_no_subject_no_sender_and_no_date_are_noted():
    parsed = parsing.parse(b"Content-Type: text/plain\r\n\r\nbara text\r\n")
    assert {p["code"] for p in parsed.problems} >= {"no_subject", "no_sender", "no_date"}
    assert (parsed.subject, parsed.sender_name, parsed.sender_address, parsed.body) == ("", "", "", "bara text")


def test_an_html_only_message_is_read_as_text_without_its_scripts_and_styles():
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "Info <info@example.se>", "Nyhetsbrev"
    msg.set_content("<html><head><style>p{}</style></head><body><p>Första stycket</p><script>alert(1)</script>"
                    "<p>Andra</p></body></html>", subtype="html")
    assert parsing.parse(msg.as_bytes()).body == "Första stycket\nAndra"


def test_a_forwarded_message_is_an_attachment_that_names_its_own_sender():
    inner = EmailMessage()
    inner["From"], inner["Subject"] = "Gunnel Åkesson <gunnel@example.se>", "Klagomål på buller"
    inner.set_content("Det låter för mycket.")
    outer = EmailMessage()
    outer["From"], outer["Subject"] = "Kollega <kollega@alingsas.se>", "VB: Klagomål på buller"
    outer.set_content("Till diariet.")
    outer.add_attachment(inner)
    parsed = parsing.parse(outer.as_bytes())
    [attachment] = parsed.attachments
    assert attachment.name == "Klagomål på buller.eml" and attachment.content_type == "message/rfc822"
    assert attachment.forwarded == {"sender_name": "Gunnel Åkesson", "sender_address": "gunnel@example.se",
                                    "subject": "Klagomål på buller"}
    assert b"Det l" in attachment.data
    assert attachment.summary()["problem"] == ""  # a forwarded message is a file the register takes


def test_attachments_of_unknown_type_or_too_large_say_why_they_are_not_files(settings):
    settings.DIARIUM_MAX_UPLOAD_BYTES = 1000
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "a@example.se", "Bilagor"
    msg.set_content("Se bilagor.")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("program.exe", b"MZ" + bytes(200))
    msg.add_attachment(archive.getvalue(), maintype="application", subtype="octet-stream", filename="program.zip")
    msg.add_attachment(b"x" * 2000, maintype="text", subtype="plain", filename="stor.txt")
    msg.add_attachment(b"liten", maintype="text", subtype="plain", filename="../../etc/liten.txt")
    rows = [a.summary() for a in parsing.parse(msg.as_bytes()).attachments]
    assert "filtyp som inte tas emot" in rows[0]["problem"]
    assert "för stor" in rows[1]["problem"]
    assert rows[2]["name"] == "etc_liten.txt" and rows[2]["problem"] == ""


def test_an_encrypted_message_is_noted():
    raw = (b"From: a@example.se\r\nSubject: Hemligt\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\r\n")
    assert "encrypted" in {p["code"] for p in parsing.parse(raw).problems}


def test_files_that_look_like_messages_and_those_that_do_not():
    assert parsing.looks_like_message(plain(From="a@example.se", Subject="Hej"))
    assert parsing.looks_like_message(b"From a@example.se Mon Dec  7 09:00:00 2026\nFrom: a@example.se\nTo: b@c.se\n\nx")
    assert not parsing.looks_like_message(b"%PDF-1.4\n")
    assert not parsing.looks_like_message("Hej, det här är ett brev.".encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=600))
def test_any_bytes_give_a_readable_message_and_never_an_exception(noise, at):
    base = plain(From="Göran <goran@example.se>", Subject="Ämne", Date="Mon, 7 Dec 2026 09:00:00 +0100")
    raw = base[:at] + noise + base[at:]
    parsed = parsing.parse(raw)
    for text in (parsed.subject, parsed.sender_name, parsed.sender_address, parsed.body):
        text.encode("utf-8")  # storable: no surrogates left
        assert "\x00" not in text
    assert parsed.sent_at is None or parsed.sent_at.tzinfo is not None
