"""Plain text of registered files, for the search index.

Files come from anyone who writes to the municipality, so every format is read
under limits (settings, read lazily, with defaults):

- ``DIARIUM_SEARCH_MAX_FILE_BYTES`` (50 MiB): bytes read from storage. A longer
  text file is read up to the limit; a longer PDF or office file is skipped.
- ``DIARIUM_SEARCH_MAX_TEXT_CHARS`` (200 000): characters of text returned.
  Extraction stops as soon as that much is collected; text and HTML are read
  up to 20 times that many characters.
- ``DIARIUM_SEARCH_MAX_PDF_PAGES`` (500): pages of a PDF that are read.
- ``DIARIUM_SEARCH_MAX_UNPACKED_BYTES`` (100 MiB): the declared uncompressed size
  of the zip members a DOCX/ODF reader will unpack, checked before any is read.

A file that cannot be read (corrupt, encrypted, over a limit) gives "" and a
logged warning; only a failure to read the storage itself propagates.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import PurePosixPath

from django.conf import settings

from diarium.core.text import MarkupText

logger = logging.getLogger("diarium.search")

MiB = 1024 * 1024


def max_file_bytes() -> int:
    return int(getattr(settings, "DIARIUM_SEARCH_MAX_FILE_BYTES", 50 * MiB))


def max_text_chars() -> int:
    return int(getattr(settings, "DIARIUM_SEARCH_MAX_TEXT_CHARS", 200_000))


def max_pdf_pages() -> int:
    return int(getattr(settings, "DIARIUM_SEARCH_MAX_PDF_PAGES", 500))


def max_unpacked_bytes() -> int:
    # The registry reads the same limit to tell the registrar at upload (registry.files.inspect_content).
    from diarium.registry.files import max_unpacked_bytes

    return max_unpacked_bytes()


# Raise when a reader's output changes: texts kept by an older one are read again.
EXTRACTOR_VERSION = 2


def signature() -> str:
    """What a kept text (search.FileText) was extracted with: this code and its limits."""
    return (f"v{EXTRACTOR_VERSION}:{max_file_bytes()}:{max_text_chars()}:{max_pdf_pages()}:"
            f"{max_unpacked_bytes()}")


def kind_of(content_type: str, filename: str) -> str | None:
    """The reader for a file ("pdf", "docx", "odf", "text", "html", "xml"), or
    None when its text is not read."""
    return _kind(content_type, filename)


def text_of_file(document_file) -> str:
    """The plain text of a DocumentFile's content, read through Django's storage.

    Unknown types, unreadable files and files over the size limit give "".
    Errors of the storage itself (a missing blob, an unreachable bucket) are not
    about the file and propagate, so an indexing task can retry later.
    """
    from diarium.registry.files import blob_open

    blob = document_file.blob
    kind = _kind(blob.content_type, document_file.filename)
    if kind is None:
        return ""
    limit = max_file_bytes()
    if blob.size > limit and kind not in _TEXT_KINDS:
        logger.warning("Not extracting text of %s (file %s, blob %s): %s bytes is over the limit of %s",
                       document_file.filename, document_file.pk, blob.sha256, blob.size, limit)
        return ""
    with blob_open(blob) as fh:
        data = _read_at_most(fh, limit + 1)
    return text_of_bytes(data, content_type=blob.content_type, filename=document_file.filename)


def text_of_bytes(data: bytes, *, content_type: str, filename: str) -> str:
    """The plain text of `data`, by its content type (as libmagic detected it)
    and, where that is generic, its file name. Never raises for bad content."""
    kind = _kind(content_type, filename)
    if kind is None:
        return ""
    limit = max_file_bytes()
    if len(data) > limit:
        if kind not in _TEXT_KINDS:
            logger.warning("Not extracting text of %s: over the limit of %s bytes", filename, limit)
            return ""
        data = data[:limit]
    collected = _Collector(max_text_chars())
    try:
        _EXTRACTORS[kind](data, collected)
    except _Enough:
        pass
    except _Unreadable as exc:
        logger.warning("No text from %s (%s): %s", filename, kind, exc)
        return ""
    except Exception as exc:  # a hostile file must not take the worker down
        logger.warning("No text from %s (%s): %s: %s", filename, kind, type(exc).__name__, exc,
                       exc_info=True)
        return ""
    return collected.text()


# --- which reader -------------------------------------------------------------------------

_ODF_TYPES = {
    f"application/vnd.oasis.opendocument.{name}"
    for name in ("text", "spreadsheet", "presentation", "text-template", "spreadsheet-template",
                 "presentation-template")
}
_BY_CONTENT_TYPE = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    **{t: "odf" for t in _ODF_TYPES},
    "text/plain": "text",
    "text/csv": "text",
    "application/csv": "text",
    "text/tab-separated-values": "text",
    "text/markdown": "text",
    "text/x-markdown": "text",
    "application/json": "text",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/xml": "xml",
    "application/xml": "xml",
    "message/rfc822": "email",
}
_BY_SUFFIX = {
    ".pdf": "pdf",
    ".docx": "docx",
    **{s: "odf" for s in (".odt", ".ods", ".odp", ".ott", ".ots", ".otp")},
    **{s: "text" for s in (".txt", ".text", ".csv", ".tsv", ".md", ".markdown", ".json")},
    **{s: "html" for s in (".html", ".htm", ".xhtml")},
    ".xml": "xml",
    ".eml": "email",
}
# Types that say little about the content: the file name decides.
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/zip",
                  "application/x-zip-compressed"}
_TEXT_KINDS = {"text", "html", "xml"}


def _kind(content_type: str, filename: str) -> str | None:
    ct = (content_type or "").split(";", 1)[0].strip().lower()
    by_name = _BY_SUFFIX.get(PurePosixPath(filename or "").suffix.lower())
    if ct in _GENERIC_TYPES:
        return by_name
    if ct == "text/plain" and by_name in ("html", "xml", "email"):
        return by_name  # libmagic calls many fragments plain text
    return _BY_CONTENT_TYPE.get(ct)


def _read_at_most(fh, n: int) -> bytes:
    chunks, left = [], n
    while left > 0:
        chunk = fh.read(min(left, 4 * MiB))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# --- collecting and cleaning text ---------------------------------------------------------

class _Enough(Exception):
    """The text limit is reached; stop reading."""


class _Unreadable(Exception):
    """The file is encrypted or over a limit: worth a warning, not a traceback."""


_LINE_BREAKS = re.compile(r"\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]")
# Control characters (except tab and newline), soft hyphens, zero-width spaces,
# byte-order marks, lone surrogates and the non-characters U+FFFE/U+FFFF.
_JUNK = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\xad\u200b\ufeff\ufffe\uffff\ud800-\udfff]")
# Blanks other than a lone space (matching every space would be slow), and line
# breaks with the blanks around them. Run in this order, both are linear.
_BLANKS = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_NEWLINES = re.compile(r" ?\n\s*")


def _newlines(match: re.Match) -> str:
    return "\n\n" if match.group().count("\n") > 1 else "\n"


def _normalise(text: str) -> str:
    # NFKC: PDFs give ligatures (ﬁ), decomposed å (a + ring) and no-break spaces;
    # the index should see the letters a user types.
    text = unicodedata.normalize("NFKC", text)
    text = _BLANKS.sub(" ", _JUNK.sub("", _LINE_BREAKS.sub("\n", text)))
    return _NEWLINES.sub(_newlines, text).strip()


class _Collector:
    """Cleaned pieces of text (paragraphs, pages) up to a limit in characters."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0

    def add(self, raw: str) -> None:
        if self.size >= self.limit:
            raise _Enough
        piece = _normalise(raw[: self.limit - self.size + 1000])
        if piece:
            self.parts.append(piece)
            self.size += len(piece) + 1
        if self.size >= self.limit:
            raise _Enough

    def text(self) -> str:
        return _normalise("\n".join(self.parts))[: self.limit].rstrip()


# --- plain text, HTML, XML ----------------------------------------------------------------

def _decode(data: bytes) -> str:
    """UTF-8 (or UTF-16/32 with a byte-order mark), else Windows-1252, else Latin-1."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        # Not final: a file cut at the byte limit may end inside a character.
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, ...)
        return data.decode("latin-1")


# Text and markup are read up to this many times the text limit in characters
# (4 M by default): ample for markup-heavy pages, and a file that has not given
# enough text by then is padding. Python's HTML parser reads about 2 MB a second.
_SCAN_FACTOR = 20


def _plain_text(data: bytes, out: _Collector) -> None:
    text = _decode(data)[: _SCAN_FACTOR * out.limit]
    step, pos = 64 * 1024, 0
    while pos < len(text):  # in pieces of whole lines, until the collector has enough
        end = pos + step
        if end < len(text):
            newline = text.rfind("\n", pos, end)
            end = newline + 1 if newline > pos else end
        out.add(text[pos:end])
        pos = end


def _markup_text(data: bytes, out: _Collector, *, xml: bool = False) -> None:
    parser = MarkupText(out.add, xml=xml)
    text = _decode(data)[: _SCAN_FACTOR * out.limit]
    for start in range(0, len(text), 64 * 1024):
        parser.feed(text[start:start + 64 * 1024])
    if len(text) < _SCAN_FACTOR * out.limit:  # else the end may be half a tag: not text
        parser.close()
    parser.flush()


def _email_text(data: bytes, out: _Collector) -> None:
    """An e-mail (.eml, as the inbox registers it): subject, sender and the
    text of its body; its attachments are files of their own."""
    from diarium.intake import parsing

    parsed = parsing.parse(data[: _SCAN_FACTOR * out.limit])
    for piece in (parsed.subject, parsed.sender_name, parsed.body):
        if piece:
            out.add(piece)


# --- PDF ----------------------------------------------------------------------------------

def _pdf_text(data: bytes, out: _Collector) -> None:
    from pypdf import PasswordType, PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        # An empty user password is common (only printing or copying restricted):
        # every PDF viewer opens such a file, so its text is readable too.
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception as exc:  # e.g. AES without the cryptography package
            raise _Unreadable(f"encrypted ({exc})") from exc
        if not opened:
            raise _Unreadable("encrypted with a password")
    failed = 0
    for number, page in enumerate(reader.pages):
        if number >= max_pdf_pages():
            break
        try:
            text = page.extract_text()
        except _Enough:
            raise
        except Exception:  # one broken page should not cost the others
            failed += 1
            logger.debug("No text from PDF page %s", number + 1, exc_info=True)
            continue
        out.add(text)
    if failed:
        logger.warning("No text from %s PDF page(s)", failed)


# --- zipped office formats ----------------------------------------------------------------

def _open_zip(data: bytes, members: set[str] | None = None) -> zipfile.ZipFile:
    """The archive, once the members to be read (all if `members` is None) declare
    no more than the unpacked limit. zipfile never inflates a member past its
    declared size (it fails the CRC instead), so checking the declaration is enough."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    if len(infos) > 10_000:
        raise _Unreadable(f"{len(infos)} zip members")
    declared = sum(i.file_size for i in infos if members is None or i.filename in members)
    if declared > max_unpacked_bytes():
        raise _Unreadable(f"declares {declared} unpacked bytes, over the limit of {max_unpacked_bytes()}")
    return archive


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Text inside these is not the document's current text: deleted or moved-away
# revisions, and the fallback copy of a text box that Word writes twice.
_DOCX_SKIP = {_W + "del", _W + "moveFrom", _MC_FALLBACK}


def _docx_text(data: bytes, out: _Collector) -> None:
    """python-docx opens the package (content types, relationships, parsing the
    XML with entities off). Its Paragraph.text reads only w:r and w:hyperlink, so
    tracked insertions, content controls and text boxes would be lost: the parts'
    XML trees are walked here instead. Note that python-docx loads every part,
    images too, into memory, hence the check of all members first."""
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.oxml.parser import parse_xml

    _open_zip(data).close()
    document = docx.Document(io.BytesIO(data))
    main = document.part
    _docx_blocks(main.element, out)
    extra = (CT.WML_FOOTNOTES, CT.WML_ENDNOTES, CT.WML_HEADER, CT.WML_FOOTER)
    for part in main.package.iter_parts():
        if part is not main and part.content_type in extra:
            element = getattr(part, "element", None)
            _docx_blocks(element if element is not None else parse_xml(part.blob), out)


def _docx_blocks(element, out: _Collector) -> None:
    for child in element.iterchildren():
        if child.tag == _W + "p":
            _docx_paragraph(child, out)
        elif child.tag not in _DOCX_SKIP:
            _docx_blocks(child, out)


def _docx_paragraph(paragraph, out: _Collector) -> None:
    pieces: list[str] = []
    _docx_inline(paragraph, pieces, out)
    out.add("".join(pieces))


def _docx_inline(element, pieces: list[str], out: _Collector) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if tag == _W + "t":
            pieces.append(child.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            pieces.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            pieces.append("\n")
        elif tag == _W + "noBreakHyphen":
            pieces.append("-")
        elif tag == _W + "txbxContent":  # a text box: paragraphs of its own
            _docx_blocks(child, out)
        elif tag == _W + "p":
            _docx_paragraph(child, out)
        elif tag not in _DOCX_SKIP:
            _docx_inline(child, pieces, out)


# ODF (ODT, ODS, ODP): the text is the text:p and text:h paragraphs of
# content.xml, in every one of the three. Read here with defusedxml rather than
# odfpy: odfpy builds its own DOM of every XML part (styles, settings, ...) for
# a read/write API we do not need, and sees few releases; one member parsed with
# defusedxml (no DTDs, no entities, no network) is small and checkably safe.
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODF_PARAGRAPHS = {_TEXT + "p", _TEXT + "h"}
# Comments and tracked deletions are not the document's text, and a footnote's
# number would stick to the word before it ("smart1"); the note itself is read.
_ODF_SKIP = {
    "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation",
    _TEXT + "tracked-changes",
    _TEXT + "note-citation",
}


def _odf_text(data: bytes, out: _Collector) -> None:
    from defusedxml import ElementTree

    with _open_zip(data, {"content.xml", "META-INF/manifest.xml"}) as archive:
        names = set(archive.namelist())
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
            raise _Unreadable("encrypted with a password")
        if "content.xml" not in names:
            raise _Unreadable("no content.xml")
        content = archive.read("content.xml")
    root = ElementTree.fromstring(content, forbid_dtd=True)
    _odf_blocks(root, out)


def _odf_blocks(element, out: _Collector) -> None:
    for child in element:
        if child.tag in _ODF_PARAGRAPHS:
            _odf_paragraph(child, out)
        elif child.tag not in _ODF_SKIP:
            _odf_blocks(child, out)


def _odf_paragraph(paragraph, out: _Collector) -> None:
    pieces: list[str] = []
    _odf_inline(paragraph, pieces, out)
    out.add("".join(pieces))


def _odf_inline(element, pieces: list[str], out: _Collector) -> None:
    if element.text:
        pieces.append(element.text)
    for child in element:
        tag = child.tag
        if tag == _TEXT + "s":
            pieces.append(" " * _odf_space_count(child.get(_TEXT + "c")))
        elif tag == _TEXT + "tab":
            pieces.append("\t")
        elif tag == _TEXT + "line-break":
            pieces.append("\n")
        elif tag in _ODF_PARAGRAPHS:  # in a frame or a note inside the paragraph
            _odf_paragraph(child, out)
        elif tag not in _ODF_SKIP:
            _odf_inline(child, pieces, out)
        if child.tail:
            pieces.append(child.tail)


def _odf_space_count(value: str | None) -> int:
    """<text:s text:c="n"/> is n spaces; a hostile n must not allocate gigabytes."""
    try:
        return min(max(int(value or 1), 1), 100)
    except ValueError:
        return 1


_EXTRACTORS: dict[str, Callable[[bytes, _Collector], None]] = {
    "pdf": _pdf_text,
    "docx": _docx_text,
    "odf": _odf_text,
    "text": _plain_text,
    "html": _markup_text,
    "xml": partial(_markup_text, xml=True),
    "email": _email_text,
}
