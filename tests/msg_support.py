"""Outlook .msg files for the tests, written here from nothing.

No tool on the test machines writes .msg files and none fetched from elsewhere
may be committed, so `build_msg` writes a genuine one: an OLE compound file
([MS-CFB] version 3: 512-byte sectors, FAT, directory, mini FAT and mini
stream) holding a MAPI message as [MS-OXMSG] lays it out (the property streams
with the header sizes of a top-level message, an embedded message and an
attachment or recipient, the `__substg1.0_` streams, the named-property
storage, the recipient and attachment storages). `compound_file` writes any
compound file, such as one that is not a message.
"""

from __future__ import annotations

import struct
import uuid
from datetime import UTC, datetime

SECTOR = 512
MINI_SECTOR = 64
MINI_STREAM_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, DIFSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF
HEADER_DIFAT = 109
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
MESSAGE_CLSID = uuid.UUID("00020D0B-0000-0000-C000-000000000046").bytes_le
# Name, its length, type, colour, left and right sibling, child, CLSID, state, two times, start, size.
DIRECTORY_ENTRY = "<64sHBBIII16sIQQIQ"
EMPTY_ENTRY = struct.pack(DIRECTORY_ENTRY, bytes(64), 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0)

PT_LONG, PT_BOOLEAN, PT_OBJECT, PT_STRING8, PT_UNICODE, PT_SYSTIME, PT_BINARY = (
    0x0003, 0x000B, 0x000D, 0x001E, 0x001F, 0x0040, 0x0102)
READABLE_WRITABLE = 0x6
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


# --- the compound file -------------------------------------------------------------

def compound_file(tree: dict, *, clsid: bytes = bytes(16)) -> bytes:
    """A compound file whose root storage holds `tree`: a name maps to bytes (a
    stream) or to a dict (a storage); a storage's CLSID may be given as the
    dict's key None."""
    entries = []  # [name, type, clsid, children or data]
    _flatten("Root Entry", ROOT, {None: clsid, **tree}, entries)

    sectors: list[bytes] = []
    fat: list[int] = []

    def chain(data: bytes) -> int:
        first = len(sectors)
        count = -(-len(data) // SECTOR)
        for i in range(count):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else ENDOFCHAIN)
        return first if count else ENDOFCHAIN

    # Streams under the cutoff go to the mini stream, the others to sectors of their own.
    mini_stream, mini_fat = bytearray(), []
    starts = {}
    for index, (_name, kind, _clsid, content) in enumerate(entries):
        if kind != STREAM or not content:
            continue
        if len(content) >= MINI_STREAM_CUTOFF:
            starts[index] = chain(content)
            continue
        first = len(mini_stream) // MINI_SECTOR
        count = -(-len(content) // MINI_SECTOR)
        mini_stream += content.ljust(count * MINI_SECTOR, b"\0")
        mini_fat += [first + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
        starts[index] = first
    starts[0] = chain(bytes(mini_stream))
    mini_fat_first = chain(_sector_words(mini_fat)) if mini_fat else ENDOFCHAIN
    mini_fat_sectors = -(-len(mini_fat) * 4 // SECTOR)

    links, roots = _trees(entries)
    directory = b"".join(
        _directory_entry(entry, links.get(index, (NOSTREAM, NOSTREAM, BLACK)), roots.get(index, NOSTREAM),
                         starts.get(index, ENDOFCHAIN), len(mini_stream) if index == 0 else _size(entry))
        for index, entry in enumerate(entries))
    empty = EMPTY_ENTRY * (-len(entries) % (SECTOR // 128))
    directory_first = chain(directory + empty)

    # The FAT covers every sector, its own and the DIFAT's among them.
    fat_count = difat_count = 0
    while fat_count * (SECTOR // 4) < len(sectors) + fat_count + difat_count:
        fat_count += 1
        difat_count = max(0, -(-(fat_count - HEADER_DIFAT) // (SECTOR // 4 - 1)))
    fat_sectors = list(range(len(sectors), len(sectors) + fat_count))
    difat_sectors = list(range(fat_sectors[-1] + 1, fat_sectors[-1] + 1 + difat_count))
    fat += [FATSECT] * fat_count + [DIFSECT] * difat_count
    fat_bytes = _sector_words(fat + [FREESECT] * (fat_count * SECTOR // 4 - len(fat)))
    sectors += [fat_bytes[i * SECTOR:(i + 1) * SECTOR] for i in range(fat_count)]
    rest = fat_sectors[HEADER_DIFAT:]
    for i in range(difat_count):
        words = rest[i * 127:(i + 1) * 127]
        words += [FREESECT] * (127 - len(words))
        words.append(difat_sectors[i + 1] if i + 1 < difat_count else ENDOFCHAIN)
        sectors.append(struct.pack("<128I", *words))

    header_difat = fat_sectors[:HEADER_DIFAT] + [FREESECT] * (HEADER_DIFAT - min(fat_count, HEADER_DIFAT))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6),
        0, fat_count, directory_first, 0, MINI_STREAM_CUTOFF, mini_fat_first, mini_fat_sectors,
        difat_sectors[0] if difat_sectors else ENDOFCHAIN, difat_count, *header_difat)
    return header + b"".join(sectors)


def _flatten(name: str, kind: int, content, entries: list) -> int:
    """Appends the entry and, for a storage, its children (depth first); returns
    the entry's index."""
    index = len(entries)
    if kind == STREAM:
        entries.append([name, kind, bytes(16), bytes(content)])
        return index
    entries.append([name, kind, content.get(None, bytes(16)), None])
    children = [
        _flatten(child, STREAM if isinstance(value, bytes | bytearray) else STORAGE, value, entries)
        for child, value in content.items() if child is not None]
    entries[index][3] = children
    return index


def _size(entry) -> int:
    return len(entry[3]) if entry[1] == STREAM else 0


def _sector_words(words: list[int]) -> bytes:
    words = words + [FREESECT] * (-len(words) % (SECTOR // 4))
    return struct.pack(f"<{len(words)}I", *words)


def _directory_entry(entry, link: tuple[int, int, int], child: int, start: int, size: int) -> bytes:
    name, kind, clsid, _content = entry
    left, right, color = link
    encoded = name.encode("utf-16-le")
    assert len(encoded) <= 62, name
    return struct.pack(
        DIRECTORY_ENTRY, encoded.ljust(64, b"\0"), len(encoded) + 2, kind, color,
        left, right, child, clsid, 0, 0, 0, 0 if kind == STORAGE else start, size)


def _trees(entries) -> tuple[dict[int, tuple[int, int, int]], dict[int, int]]:
    """Each entry's left and right sibling and colour, and each storage's first
    child. A storage's children form a balanced binary search tree (shorter
    names first, then by the upper-cased name): a valid red-black tree whose
    nodes on an unfinished last level are red."""
    links, roots = {}, {}

    def build(nodes: list[int], depth: int, red_depth: int) -> int:
        if not nodes:
            return NOSTREAM
        middle = len(nodes) // 2
        links[nodes[middle]] = (build(nodes[:middle], depth + 1, red_depth),
                                build(nodes[middle + 1:], depth + 1, red_depth),
                                RED if depth >= red_depth else BLACK)
        return nodes[middle]

    for index, (_name, kind, _clsid, content) in enumerate(entries):
        if kind != STREAM and content:
            ordered = sorted(content, key=lambda i: (len(entries[i][0]), entries[i][0].upper()))
            roots[index] = build(ordered, 0, (len(ordered) + 1).bit_length() - 1)
    return links, roots


# --- the message ---------------------------------------------------------------------

class _Properties:
    """One MAPI object's properties: the entries of its property stream and the
    streams of its variable-length values."""

    def __init__(self, *, string8: bool, codepage: int):
        self.string_type = PT_STRING8 if string8 else PT_UNICODE
        self.codec = f"cp{codepage}"
        self.entries: list[bytes] = []
        self.streams: dict[str, bytes] = {}

    def fixed(self, prop_id: int, prop_type: int, value: bytes) -> None:
        self.entries.append(struct.pack("<II", prop_id << 16 | prop_type, READABLE_WRITABLE) + value.ljust(8, b"\0"))

    def long(self, prop_id: int, value: int) -> None:
        self.fixed(prop_id, PT_LONG, struct.pack("<I", value))

    def boolean(self, prop_id: int, value: bool) -> None:
        self.fixed(prop_id, PT_BOOLEAN, struct.pack("<H", value))

    def time(self, prop_id: int, value: datetime) -> None:
        delta = value - FILETIME_EPOCH
        ticks = (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10
        self.fixed(prop_id, PT_SYSTIME, struct.pack("<Q", ticks))

    def _variable(self, prop_id: int, prop_type: int, data: bytes, size: int) -> None:
        self.entries.append(struct.pack("<IIII", prop_id << 16 | prop_type, READABLE_WRITABLE, size, 0))
        self.streams[f"__substg1.0_{prop_id:04X}{prop_type:04X}"] = data

    def string(self, prop_id: int, text: str | None) -> None:
        """A string property in the message's kind of strings (the stream has no
        terminating null; the entry's size counts one)."""
        if text is None:
            return
        if self.string_type == PT_UNICODE:
            self._variable(prop_id, PT_UNICODE, text.encode("utf-16-le"), len(text.encode("utf-16-le")) + 2)
        else:
            self._variable(prop_id, PT_STRING8, text.encode(self.codec), len(text.encode(self.codec)) + 1)

    def binary(self, prop_id: int, data: bytes) -> None:
        self._variable(prop_id, PT_BINARY, data, len(data))

    def object(self, prop_id: int) -> None:
        self.entries.append(struct.pack("<IIII", prop_id << 16 | PT_OBJECT, READABLE_WRITABLE, 0xFFFFFFFF, 0))

    def storage(self, header: bytes, children: dict | None = None) -> dict:
        return {"__properties_version1.0": header + b"".join(self.entries), **self.streams, **(children or {})}


def build_msg(*, subject, sender_name, sender_email, body, html=None, to=(), received=None, message_id=None,
              attachments=(), embedded=None, string8=False, codepage=1252, cc=(), sent=None, sender_smtp=None,
              recipient_storages=True) -> bytes:
    """The bytes of a .msg file of an e-mail message.

    `to` and `cc` are (name, address) pairs; `attachments` are (filename, data,
    mime type) triples; `embedded` is a dict of this function's message
    arguments for a message attached inside this one (a forwarded e-mail).
    `received` and `sent` are aware datetimes (delivery and submit time).
    `string8` writes every string as PT_STRING8 in `codepage`, otherwise as
    PT_UNICODE. `sender_email` may be an Exchange X.500 address (it starts with
    '/'), `sender_smtp` then the SMTP address Outlook keeps beside it. Without
    `recipient_storages` only the display lists PR_DISPLAY_TO/CC name them.
    None leaves a property out.
    """
    arguments = {key: value for key, value in locals().items() if key != "embedded"}
    storage = _message(embedded=embedded, top_level=True, **arguments)
    storage["__nameid_version1.0"] = {
        "__substg1.0_00020102": b"", "__substg1.0_00030102": b"", "__substg1.0_00040102": b""}
    return compound_file(storage, clsid=MESSAGE_CLSID)


def _message(*, top_level: bool, subject=None, sender_name=None, sender_email=None, body=None, html=None, to=(),
             received=None, message_id=None, attachments=(), embedded=None, string8=False, codepage=1252, cc=(),
             sent=None, sender_smtp=None, recipient_storages=True) -> dict:
    props = _Properties(string8=string8, codepage=codepage)
    props.string(0x001A, "IPM.Note")  # PR_MESSAGE_CLASS
    props.string(0x0037, subject)  # PR_SUBJECT
    props.string(0x0E1D, subject)  # PR_NORMALIZED_SUBJECT
    exchange = sender_email is not None and sender_email.startswith("/")
    # The sender and the one it is sent on behalf of: name, e-mail address, address type.
    for name_id, address_id, type_id in ((0x0C1A, 0x0C1F, 0x0C1E), (0x0042, 0x0065, 0x0064)):
        props.string(name_id, sender_name)
        props.string(address_id, sender_email)
        if sender_email is not None:
            props.string(type_id, "EX" if exchange else "SMTP")
    props.string(0x5D01, sender_smtp if exchange else sender_email)  # PR_SENDER_SMTP_ADDRESS
    props.string(0x0E04, "; ".join(name for name, _address in to) if to else None)  # PR_DISPLAY_TO
    props.string(0x0E03, "; ".join(name for name, _address in cc) if cc else None)  # PR_DISPLAY_CC
    props.string(0x1035, message_id)  # PR_INTERNET_MESSAGE_ID
    props.string(0x1000, body)  # PR_BODY
    if html is not None:
        props.binary(0x1013, html.encode(f"cp{codepage}" if string8 else "utf-8"))  # PR_HTML
    if sent is not None:
        props.time(0x0039, sent)  # PR_CLIENT_SUBMIT_TIME
    if received is not None:
        props.time(0x0E06, received)  # PR_MESSAGE_DELIVERY_TIME
    props.long(0x0E07, 0x1 | (0x10 if attachments or embedded else 0))  # PR_MESSAGE_FLAGS: read, has attachments
    props.boolean(0x0E1B, bool(attachments or embedded))  # PR_HASATTACH
    props.long(0x3FFD, codepage)  # PR_MESSAGE_CODEPAGE
    props.long(0x3FDE, codepage if string8 or html is None else 65001)  # PR_INTERNET_CPID
    props.long(0x340D, 0 if string8 else 0x00040000)  # PR_STORE_SUPPORT_MASK: STORE_UNICODE_OK

    children = {}
    recipients = ([(name, address, 1) for name, address in to] + [(name, address, 2) for name, address in cc]
                  if recipient_storages else [])
    for number, (name, address, kind) in enumerate(recipients):
        recipient = _Properties(string8=string8, codepage=codepage)
        recipient.long(0x3000, number)  # PR_ROWID
        recipient.long(0x0C15, kind)  # PR_RECIPIENT_TYPE: 1 To, 2 Cc
        recipient.long(0x0FFE, 6)  # PR_OBJECT_TYPE: MAPI_MAILUSER
        recipient.long(0x3900, 0)  # PR_DISPLAY_TYPE: DT_MAILUSER
        recipient.string(0x3001, name)  # PR_DISPLAY_NAME
        recipient.string(0x3002, "SMTP")  # PR_ADDRTYPE
        recipient.string(0x3003, address)  # PR_EMAIL_ADDRESS
        recipient.string(0x39FE, address)  # PR_SMTP_ADDRESS
        children[f"__recip_version1.0_#{number:08X}"] = recipient.storage(bytes(8))

    parts = list(attachments) + ([embedded] if embedded is not None else [])
    for number, part in enumerate(parts):
        attachment = _Properties(string8=string8, codepage=codepage)
        attachment.long(0x0E21, number)  # PR_ATTACH_NUM
        attachment.long(0x0FFE, 7)  # PR_OBJECT_TYPE: MAPI_ATTACH
        attachment.long(0x370B, 0xFFFFFFFF)  # PR_RENDERING_POSITION: not rendered in the body
        if isinstance(part, dict):
            inner = _message(top_level=False, **part)
            attachment.long(0x3705, 5)  # PR_ATTACH_METHOD: ATTACH_EMBEDDED_MSG
            attachment.long(0x0E20, 0)  # PR_ATTACH_SIZE
            attachment.string(0x3001, part.get("subject"))  # PR_DISPLAY_NAME
            attachment.object(0x3701)  # PR_ATTACH_DATA_OBJ
            children[f"__attach_version1.0_#{number:08X}"] = attachment.storage(
                bytes(8), {"__substg1.0_3701000D": {None: MESSAGE_CLSID, **inner}})
            continue
        filename, data, mime = part
        stem, dot, extension = filename.rpartition(".")
        attachment.long(0x3705, 1)  # PR_ATTACH_METHOD: ATTACH_BY_VALUE
        attachment.long(0x0E20, len(data))  # PR_ATTACH_SIZE
        attachment.string(0x3001, filename)  # PR_DISPLAY_NAME
        attachment.string(0x3707, filename)  # PR_ATTACH_LONG_FILENAME
        short_name = (stem or filename)[:6].upper() + "~1" + (dot + extension[:3]).upper()
        attachment.string(0x3704, short_name)  # PR_ATTACH_FILENAME (8.3)
        attachment.string(0x3703, dot + extension if dot else None)  # PR_ATTACH_EXTENSION
        attachment.string(0x370E, mime)  # PR_ATTACH_MIME_TAG
        attachment.binary(0x3701, data)  # PR_ATTACH_DATA_BIN
        children[f"__attach_version1.0_#{number:08X}"] = attachment.storage(bytes(8))

    # The header: reserved, next recipient and attachment ids, their counts, and
    # (top-level message only) reserved again.
    header = struct.pack("<8xIIII", len(recipients), len(parts), len(recipients), len(parts))
    return props.storage(header + (bytes(8) if top_level else b""), children)
