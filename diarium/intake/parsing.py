"""Reading an e-mail message (RFC 5322 bytes) into what the registrar sees:
sender, date, subject, the text of the body and the attachments, each checked
as a file of the register would be. Messages come from anyone, so nothing here
trusts them: a header in an undeclared or unknown character set, a missing
sender or date, a body only in HTML, a damaged MIME structure, all give a
readable result and a note, never an exception."""

from __future__ import annotations

import datetime as dt
import email
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from diarium.core.errors import DomainError
from diarium.core.text import html_text
from diarium.registry import files as file_store

# Notes on a message (IntakeItem.problems' codes), in Swedish in selectors.problem_texts.
NO_SUBJECT = "no_subject"
NO_SENDER = "no_sender"
NO_DATE = "no_date"
CHARSET = "charset"  # text in an undeclared or unknown character set, read as best it could be
DEFECTS = "defects"  # the MIME structure is damaged; what could be read is shown
TOO_LARGE = "too_large"  # the message is over the intake's limit: left in the mailbox
ENCRYPTED = "encrypted"  # S/MIME or PGP encrypted: the content cannot be read here

MAX_BODY_CHARS = 200_000
_FALLBACK_CHARSETS = ("utf-8", "cp1252")


@dataclass
class Attachment:
    index: int
    name: str
    content_type: str  # as the message declares it; the register detects its own
    data: bytes
    forwarded: dict | None = None  # a message inside the message: its sender and subject

    def summary(self) -> dict:
        """The attachment as the inbox lists it, with why it cannot become a file of the register."""
        row = {"index": self.index, "name": self.name, "content_type": self.content_type, "size": len(self.data),
               "problem": attachment_problem(self.name, self.data)}
        if self.forwarded:
            row["forwarded"] = self.forwarded
        return row


@dataclass
class ParsedMessage:
    sender_name: str = ""
    sender_address: str = ""
    subject: str = ""
    sent_at: dt.datetime | None = None
    message_id: str = ""
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    def note(self, code: str, **data) -> None:
        if not any(p["code"] == code for p in self.problems):
            self.problems.append({"code": code, **data})


def parse(raw: bytes) -> ParsedMessage:
    """Read a message. Never raises for what a sender could put in it."""
    message = email.message_from_bytes(raw, policy=policy.default)
    parsed = ParsedMessage()
    name, address = sender_of(message, parsed)
    parsed.sender_name, parsed.sender_address = name[:300], address[:320]
    if not (name or address):
        parsed.note(NO_SENDER)
    parsed.subject = " ".join(header_text(message, "Subject", parsed).split())[:998]
    if not parsed.subject:
        parsed.note(NO_SUBJECT)
    parsed.message_id = header_text(message, "Message-ID", parsed).strip()[:998]
    parsed.sent_at = date_of(message, parsed)
    if message.get_content_type() in ("multipart/encrypted", "application/pkcs7-mime", "application/x-pkcs7-mime"):
        parsed.note(ENCRYPTED)
    parsed.body = body_of(message, parsed)[:MAX_BODY_CHARS]
    parsed.attachments = attachments_of(message, parsed)
    if message.defects or any(part.defects for part in _walk(message)):
        parsed.note(DEFECTS)
    return parsed


def _walk(message: Message):
    try:
        yield from message.walk()
    except Exception:  # noqa: BLE001 - a damaged structure ends the walk, not the intake
        return


def _undecoded(text: str) -> bool:
    """Whether text holds bytes the parser could not decode (kept as surrogates)."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _text(value) -> str:
    """A header value or decoded text as clean text: bytes the parser could not
    decode are read as UTF-8, else Windows-1252."""
    text = str(value)
    if _undecoded(text):
        data = text.encode("utf-8", "surrogateescape")
        text = _decode(data)[0]
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32 and ch != "\x7f")


def _decode(data: bytes, declared: str | None = None) -> tuple[str, bool]:
    """Bytes as text in the declared character set, else the first that fits;
    True when the declared one was missing, unknown or wrong."""
    if declared:
        try:
            return data.decode(declared), False
        except (LookupError, UnicodeDecodeError):
            pass
    for charset in _FALLBACK_CHARSETS:
        try:
            return data.decode(charset), bool(declared) or not data.isascii()
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), True


def header_text(message: Message, name: str, parsed: ParsedMessage) -> str:
    """A header as text: encoded words decoded; raw 8-bit bytes (no encoding
    declared, against the standard but common) read as UTF-8, else Windows-1252."""
    raw = next((value for key, value in message.raw_items() if key.lower() == name.lower()), None)
    if raw is None:
        return ""
    if _undecoded(str(raw)):
        parsed.note(CHARSET)
        return " ".join(_text(raw).split())
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a header the parser cannot make sense of is read raw
        value = raw
    return _text(value if value is not None else raw)


def sender_of(message: Message, parsed: ParsedMessage) -> tuple[str, str]:
    """The sender's name and address: From, else Sender, else Reply-To."""
    for header in ("From", "Sender", "Reply-To"):
        text = header_text(message, header, parsed)
        if not text.strip():
            continue
        pairs = [pair for pair in getaddresses([text]) if any(pair)]
        name, address = pairs[0] if pairs else parseaddr(text)
        address = address if "@" in address else ""
        name = " ".join(name.split()) or ("" if address else " ".join(text.split()))
        if name or address:
            return name, address
    return "", ""


def date_of(message: Message, parsed: ParsedMessage) -> dt.datetime | None:
    text = header_text(message, "Date", parsed)
    try:
        value = parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, IndexError, OverflowError):
        value = None
    if value is None:
        parsed.note(NO_DATE)
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.timezone.utc)
    return value


def _part_text(part: Message, parsed: ParsedMessage) -> str:
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001 - a damaged transfer encoding: nothing to read
        parsed.note(DEFECTS)
        return ""
    declared = part.get_content_charset()
    text, guessed = _decode(data, declared)
    if guessed:
        parsed.note(CHARSET, declared=declared or "")
    return text


def body_of(message: Message, parsed: ParsedMessage) -> str:
    """The message's text: its plain-text body, else its HTML body as text."""
    body = None
    if isinstance(message, EmailMessage):
        try:
            body = message.get_body(preferencelist=("plain", "html"))
        except Exception:  # noqa: BLE001
            body = None
    if body is None and not message.is_multipart() and message.get_content_maintype() == "text":
        body = message
    if body is None:
        return ""
    text = _part_text(body, parsed)
    if body.get_content_subtype() == "html":
        text = html_text(text)
    return _text(text).replace("\r\n", "\n").strip()


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_filename(name: str, fallback: str) -> str:
    name = _UNSAFE_NAME.sub("_", _text(name or "")).strip(" ._")
    return (name or fallback)[-200:]


def message_filename(subject: str) -> str:
    """The name a message is kept under as a file: its subject, as .eml."""
    return safe_filename(subject[:120], "meddelande") + ".eml"


def attachments_of(message: Message, parsed: ParsedMessage) -> list[Attachment]:
    found = []
    try:
        parts = list(message.iter_attachments()) if isinstance(message, EmailMessage) else []
    except Exception:  # noqa: BLE001
        parsed.note(DEFECTS)
        parts = []
    for index, part in enumerate(parts, start=1):
        content_type = part.get_content_type()
        forwarded = None
        if content_type == "message/rfc822":
            inner = part.get_payload(0) if part.is_multipart() else None
            if inner is None:
                continue
            data = inner.as_bytes(policy=policy.SMTP)
            inner_parsed = ParsedMessage()
            name, address = sender_of(inner, inner_parsed)
            subject = " ".join(header_text(inner, "Subject", inner_parsed).split())
            forwarded = {"sender_name": name, "sender_address": address, "subject": subject}
            fallback = f"{subject or 'vidarebefordrat meddelande'}.eml"
            filename = safe_filename(part.get_filename() or fallback, "meddelande.eml")
            if not filename.lower().endswith(".eml"):
                filename += ".eml"
        else:
            try:
                data = part.get_payload(decode=True) or b""
            except Exception:  # noqa: BLE001
                parsed.note(DEFECTS)
                continue
            extension = mimetypes.guess_extension(content_type) or ".bin"
            filename = safe_filename(part.get_filename() or "", f"bilaga-{index}{extension}")
        found.append(Attachment(index=index, name=filename, content_type=content_type, data=data,
                                forwarded=forwarded))
    return found


def attachment_problem(name: str, data: bytes) -> str:
    """Why an attachment cannot become a file of the register as it is (the
    register's own check, in Swedish), or "" when it can."""
    try:
        file_store.check_upload(SimpleUploadedFile(name, data))
    except DomainError as exc:
        return str(exc.message)
    return ""


_KNOWN_HEADERS = {"from", "to", "subject", "date", "message-id", "received", "return-path", "mime-version", "sender"}
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")


def looks_like_message(data: bytes) -> bool:
    """Whether bytes are an e-mail message (an uploaded .eml): they start with
    header lines, among them at least two an e-mail has."""
    head = data[:64 * 1024].lstrip(b"\r\n")
    if head.startswith(b"From "):  # an mbox "From " line before the headers
        head = head.split(b"\n", 1)[-1]
    if not _HEADER_LINE.match(head):
        return False
    headers = email.message_from_bytes(head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0], policy=policy.compat32)
    return len({key.lower() for key in headers.keys()} & _KNOWN_HEADERS) >= 2
