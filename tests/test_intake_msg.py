"""Outlook .msg files read as e-mail messages (diarium.intake.msg).

The .msg files are written by tests/msg_support.py. A header the message has
no value for is left out: no subject, no Subject header; no sender, no From.
"""

import random
import re
import struct
from datetime import UTC, datetime
from email import message_from_bytes, policy

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diarium.intake import msg as msg_module
from diarium.intake.msg import DAMAGED, NOT_MSG, MsgError, is_msg, msg_to_email

from .msg_support import SECTOR, build_msg, compound_file

SENDER = dict(sender_name="Åsa Öberg", sender_email="asa.oberg@example.se")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + random.Random(0).randbytes(6000)  # over the mini stream's cutoff
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORWARDED = dict(subject="Bygglov Ängsvägen 3", sender_name="Örjan Åberg", sender_email="orjan@example.se",
                 body="Ursprungligt meddelande med åäö.", to=[("Bygglov", "bygglov@alingsas.se")],
                 sent=datetime(2024, 2, 28, 8, 30, tzinfo=UTC),
                 attachments=[("situationsplan å.pdf", PDF, "application/pdf")])


def read(**arguments):
    """The message of a .msg file written with these arguments, after a round
    trip through its bytes (so that it is known to serialise)."""
    message = msg_to_email(build_msg(**{"subject": "Ärende", **SENDER, "body": "Text.", **arguments}))
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def body_text(message, subtype="plain") -> str:
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n").rstrip("\n")


def test_a_unicode_message_has_its_swedish_characters():
    message = read(subject="Ansökan om bygglov – Ängsvägen 3", body="Hej!\r\nHär kommer ansökan.\r\nÅsa",
                   to=[("Registrator Alingsås", "registrator@alingsas.se")], cc=[("Ek, Bo", "bo.ek@example.se")])

    assert message["Subject"] == "Ansökan om bygglov – Ängsvägen 3"
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Åsa Öberg", "asa.oberg@example.se")
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Registrator Alingsås", "registrator@alingsas.se")]
    assert [(a.display_name, a.addr_spec) for a in message["Cc"].addresses] == [("Ek, Bo", "bo.ek@example.se")]
    assert message.get_content_type() == "text/plain"
    assert body_text(message) == "Hej!\nHär kommer ansökan.\nÅsa"


@pytest.mark.parametrize("codepage, subject, name", [
    (1252, "Överklagande av beslut åäö ÅÄÖ", "Kåre Ärlig"),
    (1251, "Жалоба на решение", "Иван Петров"),
])
def test_an_8_bit_message_is_read_in_its_code_page(codepage, subject, name):
    message = read(subject=subject, sender_name=name, body=f"{subject}.", string8=True, codepage=codepage,
                   to=[(name, "mottagare@example.se")], attachments=[(f"{name}.txt", b"x", "text/plain")])

    assert message["Subject"] == subject
    assert message["From"].addresses[0].display_name == name
    assert message["To"].addresses[0].display_name == name
    assert body_text(message) == f"{subject}."
    assert next(message.iter_attachments()).get_filename() == f"{name}.txt"


def test_the_html_body_is_the_plain_bodys_alternative():
    message = read(body="Hej! Se bifogat.", html="<p>Hej! Se <b>bifogat</b> – åäö.</p>")

    assert message.get_content_type() == "multipart/alternative"
    assert body_text(message) == "Hej! Se bifogat."
    assert body_text(message, "html") == "<p>Hej! Se <b>bifogat</b> – åäö.</p>"


def test_an_html_only_message_has_an_html_body():
    message = read(body=None, html="<p>Bara HTML, åäö.</p>")

    assert message.get_content_type() == "text/html"
    assert body_text(message, "html") == "<p>Bara HTML, åäö.</p>"


def test_attachments_keep_their_names_types_and_bytes():
    message = read(html="<p>Text.</p>", attachments=[
        ("Ritning över tomten å.pdf", PDF, "application/pdf"),
        ("Beskrivning å.docx", DOCX, DOCX_TYPE),
    ])

    assert message.get_content_type() == "multipart/mixed"
    assert body_text(message) == "Text."
    assert body_text(message, "html") == "<p>Text.</p>"
    assert [(part.get_filename(), part.get_content_type(), part.get_content())
            for part in message.iter_attachments()] == [
        ("Ritning över tomten å.pdf", "application/pdf", PDF),
        ("Beskrivning å.docx", DOCX_TYPE, DOCX),
    ]


@pytest.mark.parametrize("mime, expected", [
    (None, "text/plain"),  # guessed from the name
    ("inte en typ", "text/plain"),
    ("message/rfc822", "application/octet-stream"),  # bytes are sent as base64, which message/* may not be
])
def test_an_attachments_type_comes_from_its_mime_tag_or_name(mime, expected):
    message = read(attachments=[("C:\\Users\\asa\\anteckning.txt", b"hej", mime)])

    (part,) = message.iter_attachments()
    assert (part.get_filename(), part.get_content_type()) == ("anteckning.txt", expected)


def test_an_embedded_message_is_a_nested_message():
    message = read(subject="VB: Bygglov Ängsvägen 3", body="Vidarebefordrar.", embedded=FORWARDED,
                   attachments=[("Ritning.pdf", PDF, "application/pdf")])

    pdf, forwarded = message.iter_attachments()
    assert pdf.get_filename() == "Ritning.pdf"
    assert forwarded.get_content_type() == "message/rfc822"
    assert forwarded.get_filename() == "Bygglov Ängsvägen 3"
    inner = forwarded.get_content()
    assert inner["Subject"] == "Bygglov Ängsvägen 3"
    assert inner["From"].addresses[0].addr_spec == "orjan@example.se"
    assert inner["To"].addresses[0].addr_spec == "bygglov@alingsas.se"
    assert inner["Date"].datetime == datetime(2024, 2, 28, 8, 30, tzinfo=UTC)
    assert body_text(inner) == "Ursprungligt meddelande med åäö."
    (plan,) = inner.iter_attachments()
    assert (plan.get_filename(), plan.get_content()) == ("situationsplan å.pdf", PDF)


def test_messages_embedded_too_deep_are_refused():
    embedded = FORWARDED
    for _level in range(msg_module.MAX_DEPTH + 1):
        embedded = {**FORWARDED, "embedded": embedded}

    with pytest.raises(MsgError, match="för många meddelanden"):
        msg_to_email(build_msg(subject="Djup", **SENDER, body="", embedded=embedded))


def test_a_message_without_subject_or_sender_has_no_such_headers():
    message = read(subject=None, sender_name=None, sender_email=None)

    assert message["Subject"] is None
    assert message["From"] is None
    assert body_text(message) == "Text."


def test_date_is_the_submit_time_else_the_delivery_time():
    sent, received = datetime(2024, 3, 4, 10, 15, tzinfo=UTC), datetime(2024, 3, 4, 10, 16, 30, tzinfo=UTC)

    assert read(sent=sent, received=received)["Date"].datetime == sent
    assert read(received=received)["Date"].datetime == received
    assert read()["Date"] is None


def test_the_message_id_is_kept():
    assert read(message_id="<CAF=abc.123@mail.example.se>")["Message-ID"] == "<CAF=abc.123@mail.example.se>"
    assert read(message_id="utan-vinkelparenteser@example.se")["Message-ID"] == "<utan-vinkelparenteser@example.se>"
    assert read(message_id="<ogiltig med blanksteg>")["Message-ID"] is None
    assert read(message_id="<:>")["Message-ID"] is None  # on which the header's parser fails


def test_an_exchange_sender_comes_with_its_smtp_address_or_by_name_alone():
    exchange = "/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=ASA.OBERG"

    (with_smtp,) = read(sender_email=exchange, sender_smtp="asa.oberg@alingsas.se")["From"].addresses
    (by_name,) = read(sender_email=exchange)["From"].addresses

    assert (with_smtp.display_name, with_smtp.addr_spec) == ("Åsa Öberg", "asa.oberg@alingsas.se")
    assert (by_name.display_name, by_name.domain) == ("Åsa Öberg", "")


def test_without_recipient_storages_the_display_lists_name_the_recipients():
    message = read(recipient_storages=False, to=[("Registrator", "r@example.se"), ("Ek, Bo", "bo@example.se")],
                   cc=[("Nämnden", "n@example.se")])

    assert [a.display_name for a in message["To"].addresses] == ["Registrator", "Ek, Bo"]
    assert [a.display_name for a in message["Cc"].addresses] == ["Nämnden"]


def test_header_values_are_one_line_and_addresses_ascii():
    message = read(subject="Rad ett\r\nRad två\tslut", to=[("Åre kommun", "info@åre.se")])

    assert message["Subject"] == "Rad ett Rad två slut"
    assert message["To"].addresses[0].addr_spec == "info@xn--re-xia.se"


def test_is_msg():
    assert is_msg(build_msg(subject="x", **SENDER, body="x"))
    assert not is_msg(compound_file({"WordDocument": bytes(600), "\x05SummaryInformation": bytes(200)}))
    assert not is_msg(b"")
    assert not is_msg(PDF)
    assert not is_msg(build_msg(subject="x", **SENDER, body="x")[:1024])


VALID = build_msg(subject="Ansökan", **SENDER, body="Hej!", html="<p>Hej!</p>", to=[("R", "r@example.se")],
                  received=datetime(2024, 3, 4, tzinfo=UTC), message_id="<a@example.se>",
                  attachments=[("a.pdf", PDF, "application/pdf")], embedded=FORWARDED)


@pytest.mark.parametrize("data, message", [
    (b"", NOT_MSG),
    (b"Hej, detta ar ingen msg-fil.", NOT_MSG),
    (PDF, NOT_MSG),
    (random.Random(1).randbytes(5000), NOT_MSG),
    (compound_file({"WordDocument": bytes(600), "\x05SummaryInformation": bytes(200)}), NOT_MSG),
    (VALID[:8], DAMAGED),
    (VALID[:511], DAMAGED),
    (VALID[:len(VALID) // 2], DAMAGED),
    (VALID[:8] + random.Random(2).randbytes(len(VALID) - 8), DAMAGED),
], ids=["empty", "text", "pdf", "random", "doc", "signature", "header", "half", "garbage"])
def test_what_is_no_readable_msg_is_refused_in_swedish(data, message):
    with pytest.raises(MsgError) as refused:
        msg_to_email(data)

    assert str(refused.value) == message


@pytest.fixture
def olefile_reads(monkeypatch):
    """What olefile is asked for: None when a file is opened, then the path of
    each stream read."""
    reads = []

    class Recording(olefile.OleFileIO):
        def __init__(self, *args, **kwargs):
            reads.append(None)
            super().__init__(*args, **kwargs)

        def openstream(self, filename):
            reads.append(filename)
            return super().openstream(filename)

    monkeypatch.setattr(olefile, "OleFileIO", Recording)
    return reads


def test_attachments_past_max_bytes_are_refused_before_they_are_read(olefile_reads):
    data = build_msg(subject="Stor", **SENDER, body="x", attachments=[("a.pdf", PDF, "application/pdf"),
                                                                     ("b.docx", DOCX, DOCX_TYPE)])

    with pytest.raises(MsgError, match="Bilagorna i Outlook-meddelandet är för stora"):
        msg_to_email(data, max_bytes=len(DOCX))

    assert olefile_reads == [None]
    assert len(list(msg_to_email(data, max_bytes=len(PDF) + len(DOCX) + 1000).iter_attachments())) == 2


def _patched(data: bytes, *words: tuple[int, int]) -> bytes:
    """The file with these (offset, value) 32-bit words written into it."""
    data = bytearray(data)
    for offset, value in words:
        struct.pack_into("<I", data, offset, value)
    return bytes(data)


def _looping_mini_stream(data: bytes) -> bytes:
    """The file with its mini stream declared 4 GB long and its first sector
    chained to itself (the file's FAT sector and directory as build_msg lays
    them out)."""
    root = SECTOR + SECTOR * struct.unpack_from("<I", data, 48)[0]
    start = struct.unpack_from("<I", data, root + 116)[0]
    fat = SECTOR + SECTOR * struct.unpack_from("<I", data, 76)[0]
    return _patched(data, (root + 120, 0xFFFFFF00), (fat + 4 * start, start))


def _looping_difat(data: bytes) -> bytes:
    """The file with a header counting 16 million FAT sectors, listed in a
    DIFAT sector (added at the end) that chains to itself."""
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    difat_sector = (len(data) - SECTOR) // SECTOR
    fat_sectors = 0xFFFFFF
    return _patched(data + struct.pack("<128I", *[fat_sector] * 127, difat_sector),
                    (44, fat_sectors), (68, difat_sector), (72, (fat_sectors - 109 + 126) // 127))


def test_a_file_declaring_more_than_it_holds_is_refused_before_olefile_reads_it(olefile_reads):
    """olefile reads what the file declares, a looping chain as long as that:
    gigabytes and minutes for these few kilobytes."""
    with pytest.raises(MsgError, match=re.escape(DAMAGED)):
        msg_to_email(_looping_difat(VALID))
    assert olefile_reads == []

    with pytest.raises(MsgError, match=re.escape(DAMAGED)):
        msg_to_email(_looping_mini_stream(VALID))
    assert olefile_reads == [None]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=20),
       st.integers(512, len(VALID)))
def test_a_mutated_msg_gives_a_message_or_msg_error(mutations, length):
    data = bytearray(VALID)
    for position, value in mutations:
        data[position] = value
    data = bytes(data[:length])

    assert is_msg(data) in (True, False)
    try:
        message = msg_to_email(data)
    except MsgError as error:
        assert str(error) in (NOT_MSG, DAMAGED, msg_module.TOO_DEEP)
    else:
        message.as_bytes()
