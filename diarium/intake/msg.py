"""Outlook .msg files read as e-mail messages.

A .msg file is an OLE compound file ([MS-CFB]) holding a MAPI message as
property streams ([MS-OXMSG]). `msg_to_email` turns one into the
`email.message.EmailMessage` (policy `email.policy.default`) that every incoming
e-mail becomes, so that an e-mail saved from Outlook is handled like any other:

- From: the sender's display name and SMTP address. An Exchange sender has an
  X.500 address; then its SMTP address (PR_SENDER_SMTP_ADDRESS, or that of
  the one it was sent on behalf of) is used, and without one the From header
  has the display name alone (`Name <>`, an address whose addr_spec is empty).
- To, Cc and Bcc from the recipient storages, or from the display lists
  PR_DISPLAY_TO/CC/BCC when the file has no recipient storages (often names
  only, which come out as `Name <>` too).
- Subject, Date (the submit time, else the delivery time), Message-ID.
  A header the message has no value for is left out: a message without
  subject or sender has no Subject or From header.
- The plain body, and the HTML body as its alternative; every attachment with
  content as an attachment part (its Content-ID kept), and an attached
  Outlook message as a nested message/rfc822 part, converted the same way.
  Attachments by reference and OLE objects have no content in the file and
  are left out.

Anything that is not a readable .msg file raises MsgError, whose text is the
registrar's message in Swedish. What the file declares (the header's counts of
sectors, the directory's sizes of streams) is checked against its length
before olefile follows it, and `max_bytes` bounds what its attachments may add
up to: an upload's limit should be passed there.
"""

from __future__ import annotations

import codecs
import io
import mimetypes
import re
import struct
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage

import olefile

NOT_MSG = "Filen är inte ett Outlook-meddelande (.msg) som kan läsas."
DAMAGED = "Outlook-meddelandet (.msg) är skadat och kan inte läsas."
TOO_DEEP = "Outlook-meddelandet har för många meddelanden bifogade i varandra för att kunna läsas."
TOO_LARGE = "Bilagorna i Outlook-meddelandet är för stora: de får vara högst {limit} byte tillsammans."


class MsgError(Exception):
    """The file cannot be read as an Outlook message; str() of it is the
    registrar's message."""


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROPERTIES = "__properties_version1.0"
RECIPIENT_PREFIX = "__recip_version1.0_#"
ATTACHMENT_PREFIX = "__attach_version1.0_#"
EMBEDDED_MESSAGE = "__substg1.0_3701000D"
# The property stream's header before its 16-byte entries: a top-level message's,
# an embedded message's, and an attachment's or a recipient's.
TOP_LEVEL_HEADER, EMBEDDED_HEADER, OBJECT_HEADER = 32, 24, 8
# Outlook messages attached inside each other deeper than this are refused.
MAX_DEPTH = 20

PT_LONG, PT_STRING8, PT_UNICODE, PT_SYSTIME, PT_BINARY = 0x0003, 0x001E, 0x001F, 0x0040, 0x0102

PR_SUBJECT = 0x0037
PR_SUBJECT_PREFIX = 0x003D
PR_NORMALIZED_SUBJECT = 0x0E1D
PR_CLIENT_SUBMIT_TIME = 0x0039
PR_MESSAGE_DELIVERY_TIME = 0x0E06
PR_INTERNET_MESSAGE_ID = 0x1035
PR_BODY = 0x1000
PR_HTML = 0x1013
PR_MESSAGE_CODEPAGE = 0x3FFD
PR_INTERNET_CPID = 0x3FDE
# (name, SMTP address, e-mail address, address type) of the sender and of the
# one the message was sent on behalf of.
SENDER = (0x0C1A, 0x5D01, 0x0C1F, 0x0C1E)
SENT_REPRESENTING = (0x0042, 0x5D02, 0x0065, 0x0064)
RECIPIENT = (0x3001, 0x39FE, 0x3003, 0x3002)
PR_RECIPIENT_TYPE = 0x0C15
RECIPIENT_HEADERS = {1: "To", 2: "Cc", 3: "Bcc"}
DISPLAY_LISTS = {"To": 0x0E04, "Cc": 0x0E03, "Bcc": 0x0E02}
PR_DISPLAY_NAME = 0x3001
PR_ATTACH_METHOD = 0x3705
ATTACH_EMBEDDED_MSG = 5
PR_ATTACH_DATA = 0x3701
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_MIME_TAG = 0x370E
PR_ATTACH_CONTENT_ID = 0x3712

FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
# Windows code pages whose Python codec is not named cpNNNN.
CODEPAGES = {
    1200: "utf-16-le", 1201: "utf-16-be", 10000: "mac-roman", 20127: "ascii", 20866: "koi8-r",
    21866: "koi8-u", 50220: "iso2022-jp", 50221: "iso2022-jp", 50222: "iso2022-jp", 51932: "euc-jp",
    51949: "euc-kr", 52936: "hz", 54936: "gb18030", 65001: "utf-8",
    **{28590 + n: f"iso-8859-{n}" for n in range(1, 17)},
}
DEFAULT_ENCODING = "cp1252"
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
LISTED = re.compile(r"(?P<name>.*?) ?<(?P<address>[^<>]*@[^<>]*)>")
# A Message-ID as RFC 5322 has it (the header's parser fails on some other
# text), and a Content-ID, which may be any printable ASCII.
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
MESSAGE_ID = re.compile(rf"<{ATOM}(?:\.{ATOM})*@(?:{ATOM}(?:\.{ATOM})*|\[[\x21-\x5a\x5e-\x7e]*\])>")
CONTENT_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+>")
MIME_TYPE = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+/[!#$%&'*+.^_`|~0-9a-z-]+")


def is_msg(data: bytes) -> bool:
    """Whether `data` is an OLE compound file with a MAPI message's property stream."""
    try:
        with _open(data) as ole:
            return _Compound(ole, len(data)).is_stream([PROPERTIES])
    except Exception:  # a damaged file is not a message that can be read
        return False


def msg_to_email(data: bytes, *, max_bytes: int | None = None) -> EmailMessage:
    """The e-mail message of an Outlook .msg file. `max_bytes` bounds the sizes
    that the file declares for its attachments' streams (an attached message
    counts whole), added up before any of them is read."""
    with _open(data) as ole:
        try:
            compound = _Compound(ole, len(data))
            if not compound.is_stream([PROPERTIES]):
                raise MsgError(NOT_MSG)
            if max_bytes is not None and compound.attachment_bytes() > max_bytes:
                raise MsgError(TOO_LARGE.format(limit=f"{max_bytes:,}".replace(",", "\u00a0")))
            return _message(compound, [], TOP_LEVEL_HEADER, DEFAULT_ENCODING, 0)
        except MsgError:
            raise
        except Exception as error:  # olefile and the property streams fail in many ways on a damaged file
            raise MsgError(DAMAGED) from error


def _open(data: bytes) -> olefile.OleFileIO:
    if not isinstance(data, bytes | bytearray) or not data.startswith(OLE_SIGNATURE):
        raise MsgError(NOT_MSG)
    if not _header_fits(data):
        raise MsgError(DAMAGED)
    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except Exception as error:  # olefile raises several kinds on a damaged header or directory
        raise MsgError(DAMAGED) from error


def _header_fits(data: bytes) -> bool:
    """Whether the sectors that the header counts (of the directory, FAT, mini
    FAT and DIFAT) fit in the file: olefile reads as many as it declares,
    following a chain that loops for as long as that."""
    if len(data) < 512:
        return False
    (shift,) = struct.unpack_from("<H", data, 30)
    directory, fat, _first_directory, _signature, _cutoff, _first_mini_fat, mini_fat, _first_difat, difat = (
        struct.unpack_from("<9I", data, 40))
    return shift in (9, 12) and max(directory, fat, mini_fat, difat) <= len(data) >> shift


class _Compound:
    """The compound file's streams and storages, found by path without regard
    to case (as [MS-CFB] compares names)."""

    def __init__(self, ole: olefile.OleFileIO, file_size: int):
        self.ole = ole
        self.streams = {_key(path): path for path in ole.listdir(streams=True, storages=False)}
        self.storages = {_key(path): path for path in ole.listdir(streams=False, storages=True)}
        # Streams take sectors of their own (the small ones inside the root's
        # mini stream), so a file holds at most twice its size in them; olefile
        # would read whatever a looping chain declares.
        if ole.root.size + sum(ole.get_size(path) for path in self.streams.values()) > 2 * file_size:
            raise MsgError(DAMAGED)
        self.children = defaultdict(list)
        for key, path in self.storages.items():
            self.children[key[:-1]].append(path[-1])

    def is_stream(self, path: list[str]) -> bool:
        return _key(path) in self.streams

    def is_storage(self, path: list[str]) -> bool:
        return _key(path) in self.storages

    def stream(self, path: list[str]) -> bytes | None:
        stored = self.streams.get(_key(path))
        return None if stored is None else self.ole.openstream(stored).read()

    def substorages(self, path: list[str], prefix: str) -> list[str]:
        """The names of the storages right under `path` that begin with
        `prefix`, in order of their number."""
        return sorted(name for name in self.children[_key(path)] if name.lower().startswith(prefix.lower()))

    def attachment_bytes(self) -> int:
        """What the directory declares for the streams in attachment storages."""
        prefix = ATTACHMENT_PREFIX.lower()
        return sum(self.ole.get_size(path) for key, path in self.streams.items()
                   if any(name.startswith(prefix) for name in key))


def _key(path: list[str]) -> tuple[str, ...]:
    return tuple(name.lower() for name in path)


class _Object:
    """One MAPI object (a message, recipient or attachment): its fixed-length
    property values from its property stream, its other values from its
    __substg1.0_ streams, and the encoding of its 8-bit strings."""

    def __init__(self, compound: _Compound, path: list[str], header: int, encoding: str):
        self.compound, self.path = compound, path
        stream = compound.stream([*path, PROPERTIES]) or b""
        self.fixed = {}
        for offset in range(header, len(stream) - 15, 16):
            tag, value = struct.unpack_from("<I4x8s", stream, offset)
            self.fixed[tag >> 16, tag & 0xFFFF] = value
        self.encoding = _encoding(self.long(PR_MESSAGE_CODEPAGE) or self.long(PR_INTERNET_CPID)) or encoding

    def long(self, prop_id: int) -> int | None:
        value = self.fixed.get((prop_id, PT_LONG))
        return None if value is None else int.from_bytes(value[:4], "little")

    def time(self, prop_id: int) -> datetime | None:
        ticks = int.from_bytes(self.fixed.get((prop_id, PT_SYSTIME), b""), "little")
        try:
            return FILETIME_EPOCH + timedelta(microseconds=ticks // 10) if ticks else None
        except OverflowError:  # past the year 9999: no date
            return None

    def binary(self, prop_id: int) -> bytes | None:
        return self._value(prop_id, PT_BINARY)

    def string(self, prop_id: int) -> str | None:
        """A PT_UNICODE or PT_STRING8 value, up to a terminating null if it has one."""
        raw = self._value(prop_id, PT_UNICODE)
        if raw is not None:
            text = raw.decode("utf-16-le", "replace")
        elif (raw := self._value(prop_id, PT_STRING8)) is not None:
            text = raw.decode(self.encoding, "replace")
        else:
            return None
        return text.partition("\x00")[0]

    def _value(self, prop_id: int, prop_type: int) -> bytes | None:
        return self.compound.stream([*self.path, f"__substg1.0_{prop_id:04X}{prop_type:04X}"])


def _encoding(codepage: int | None) -> str | None:
    """Python's codec for a Windows code page, None for an unknown one."""
    if not codepage:
        return None
    try:
        return codecs.lookup(CODEPAGES.get(codepage, f"cp{codepage}")).name
    except LookupError:
        return None


def _message(compound: _Compound, path: list[str], header: int, encoding: str, depth: int) -> EmailMessage:
    if depth > MAX_DEPTH:
        raise MsgError(TOO_DEEP)
    mapi = _Object(compound, path, header, encoding)
    message = EmailMessage()
    # The sender, or the one it was sent on behalf of if only that one has an SMTP address.
    people = [person for person in (_person(mapi, SENDER), _person(mapi, SENT_REPRESENTING)) if person]
    if people:
        message["From"] = next((person for person in people if person.domain), people[0])
    for name, addresses in _recipients(compound, mapi).items():
        if addresses:
            message[name] = addresses
    subject = _one_line(mapi.string(PR_SUBJECT)
                        or (mapi.string(PR_SUBJECT_PREFIX) or "") + (mapi.string(PR_NORMALIZED_SUBJECT) or ""))
    if subject:
        message["Subject"] = subject
    date = mapi.time(PR_CLIENT_SUBMIT_TIME) or mapi.time(PR_MESSAGE_DELIVERY_TIME)
    if date is not None:
        message["Date"] = date
    message_id = _bracketed(mapi.string(PR_INTERNET_MESSAGE_ID), MESSAGE_ID)
    if message_id:
        message["Message-ID"] = message_id
    _set_body(message, mapi)
    for name in compound.substorages(path, ATTACHMENT_PREFIX):
        _attach(message, compound, [*path, name], mapi.encoding, depth)
    return message


def _person(mapi: _Object, props: tuple[int, int, int, int]) -> Address | None:
    """The address of the person whose (name, SMTP address, e-mail address,
    address type) properties are `props`; the e-mail address counts only if it
    is an SMTP one, not an Exchange X.500 address."""
    name_id, smtp_id, address_id, type_id = props
    address = mapi.string(smtp_id)
    if not address or "@" not in address:
        address = mapi.string(address_id)
        if (mapi.string(type_id) or "SMTP").upper() != "SMTP" or not address or address.startswith("/"):
            address = None
    return _address(mapi.string(name_id), address)


def _address(name: str | None, address: str | None) -> Address | None:
    """An address with its display name; a display name alone (`Name <>`) when
    there is no address or it is not a valid one (which is then the name if
    there is none)."""
    name, address = _one_line(name), _one_line(address).strip("<>")
    if "@" in address:
        local, _at, domain = address.rpartition("@")
        try:
            domain = domain if domain.isascii() else domain.encode("idna").decode("ascii")
            return Address(display_name=name, addr_spec=f"{local}@{domain}")
        except (UnicodeError, ValueError, IndexError, HeaderParseError):
            pass
    label = name or address
    return Address(display_name=label) if label else None


def _recipients(compound: _Compound, message: _Object) -> dict[str, list[Address]]:
    found = {name: [] for name in RECIPIENT_HEADERS.values()}
    storages = compound.substorages(message.path, RECIPIENT_PREFIX)
    for storage in storages:
        recipient = _Object(compound, [*message.path, storage], OBJECT_HEADER, message.encoding)
        kind = recipient.long(PR_RECIPIENT_TYPE)
        header = RECIPIENT_HEADERS.get(1 if kind is None else kind & 0xF)  # less the flags in the high bits
        address = _person(recipient, RECIPIENT)
        if header and address:
            found[header].append(address)
    if not storages:
        for header, prop_id in DISPLAY_LISTS.items():
            found[header] = [person for entry in (message.string(prop_id) or "").split(";")
                             if (person := _listed(entry))]
    return found


def _listed(entry: str) -> Address | None:
    """A person in a display list: `Name <address>`, an address or a name."""
    entry = _one_line(entry)
    if match := LISTED.fullmatch(entry):
        return _address(match["name"].strip('"'), match["address"])
    return _address(None, entry) if "@" in entry and " " not in entry else _address(entry, None)


def _set_body(message: EmailMessage, mapi: _Object) -> None:
    text, html = mapi.string(PR_BODY), _html(mapi)
    if text is None and html is not None:
        message.set_content(html, subtype="html")
        return
    message.set_content(text or "")
    if html is not None:
        message.add_alternative(html, subtype="html")


def _html(mapi: _Object) -> str | None:
    """The HTML body: a string property, or bytes in the internet code page
    (UTF-8, else the message's 8-bit encoding, when it names none)."""
    raw = mapi.binary(PR_HTML)
    if raw is None:
        html = mapi.string(PR_HTML)
    elif encoding := _encoding(mapi.long(PR_INTERNET_CPID) or mapi.long(PR_MESSAGE_CODEPAGE)):
        html = raw.decode(encoding, "replace")
    else:
        try:
            html = raw.decode("utf-8")
        except UnicodeDecodeError:
            html = raw.decode(mapi.encoding, "replace")
    html = (html or "").rstrip("\x00")
    return html if html.strip() else None


def _attach(message: EmailMessage, compound: _Compound, path: list[str], encoding: str, depth: int) -> None:
    attachment = _Object(compound, path, OBJECT_HEADER, encoding)
    filename = _filename(attachment)
    if attachment.long(PR_ATTACH_METHOD) == ATTACH_EMBEDDED_MSG:
        embedded = [*path, EMBEDDED_MESSAGE]
        if not compound.is_storage(embedded):
            raise MsgError(DAMAGED)
        inner = _message(compound, embedded, EMBEDDED_HEADER, attachment.encoding, depth + 1)
        message.add_attachment(inner, filename=filename)
        return
    data = attachment.binary(PR_ATTACH_DATA)
    if data is None:
        return
    maintype, subtype = _mime_type(attachment.string(PR_ATTACH_MIME_TAG), filename)
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename,
                           cid=_bracketed(attachment.string(PR_ATTACH_CONTENT_ID), CONTENT_ID))


def _filename(attachment: _Object) -> str | None:
    """The attachment's file name without any folders; None if it has none."""
    for prop_id in (PR_ATTACH_LONG_FILENAME, PR_ATTACH_FILENAME, PR_DISPLAY_NAME):
        name = re.split(r"[\\/]", _one_line(attachment.string(prop_id)))[-1].strip()
        if name:
            return name
    return None


def _mime_type(tag: str | None, filename: str | None) -> tuple[str, str]:
    """The attachment's MIME tag, else a guess from its file name. Its bytes are
    sent as base64, which a message/* or multipart/* part may not be."""
    mime = (tag or "").split(";")[0].strip().lower()
    if not MIME_TYPE.fullmatch(mime):
        mime = (mimetypes.guess_type(filename or "")[0] or "").lower()
    maintype, _slash, subtype = mime.partition("/")
    if not MIME_TYPE.fullmatch(mime) or maintype in ("message", "multipart"):
        return "application", "octet-stream"
    return maintype, subtype


def _bracketed(value: str | None, pattern: re.Pattern) -> str | None:
    """An id in angle brackets (added if it has none), None unless it matches
    `pattern`."""
    value = _one_line(value)
    if value and not value.startswith("<"):
        value = f"<{value}>"
    return value if pattern.fullmatch(value) else None


def _one_line(text: str | None) -> str:
    """The text as a header value: control characters and runs of white space
    become one space."""
    return " ".join(CONTROL.sub(" ", text or "").split())
