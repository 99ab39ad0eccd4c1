"""A document's bytes to its text (issue 23): PDF (its text layer, pages
without one read by OCR), Word (DOCX), plain text and scanned images, or a
clear report in Swedish of why a file cannot be read (Unreadable).

The format is told by the content (magic bytes, libmagic), the name's
extension only where the content does not tell (a damaged file). The text
keeps the document's lines; pages are separated by a form feed ("\\f"). Cells
of a table are one line per row, joined by a tab, in PDF (words on one row
with a wide gap between them) as in DOCX (each row's cells, line by line), so
the rules read "Dnr<TAB>KS 2018/123" the same way from both. A PDF's
paragraphs are set apart by an empty line where its rows are further apart
than its usual line spacing; its running headers and footers are kept once
(the first page's header, the last page's footer), so that they do not cut
a paragraph or a signature running over a page break. A DOCX gives the first
section's headers, the body (a paragraph a line), notes, then its footers.

Limits, settings read lazily:

- ``DIARIUM_READING_MAX_BYTES`` (100 MiB): larger files are refused unread.
- ``DIARIUM_READING_MAX_PAGES`` (300): a PDF (or image) with more pages is
  refused before any page is read; a DOCX or text of more pages (counted, or
  estimated at CHARS_PER_PAGE characters a page) is refused too.
- ``DIARIUM_READING_OCR_MAX_PAGES`` (20): pages without text that OCR reads
  in one file; a file with more is refused before OCR starts.
- ``DIARIUM_READING_OCR_TIMEOUT`` (180): seconds all OCR of one file may take.
- ``DIARIUM_OCR`` and ``DIARIUM_OCR_LANGUAGES``: as for the registry's OCR
  (registry/ocr.py): off when False or when no ``tesseract`` program is found.

OCR renders each page with PyMuPDF (300 dpi, grey) and runs Tesseract on it
directly (its word boxes laid out as a text layer's are), two pages at a time
on a machine with two cores or more, one OpenMP thread each. Measured on two
cores: one sparse page 0.9 s this way against 2.2 s through OCRmyPDF (which
writes a PDF we do not need); four dense pages 9.2 s against 9.7 s (12.4 s
with its page rotation); two Tesseract processes of one thread each read
four dense pages in 9.2 s, one process of one thread in 17 s, of two threads
in 15 s, two of two threads in 32 s. A page Tesseract reads as nonsense (low
confidence) is checked for its orientation (OSD) and read again turned.

Swedish documents only: a text that is clearly in another language
(English, Norwegian, Danish, German, Finnish) is refused, by counting words
typical of each language (_language_problem).
"""

from __future__ import annotations

import codecs
import io
import logging
import math
import os
import re
import shutil
import subprocess
import threading
import time
import unicodedata
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

logger = logging.getLogger("diarium.reading")

MiB = 1024 * 1024
# A full A4 page of running text holds 3 000 to 4 500 characters.
CHARS_PER_PAGE = 4000
OCR_DPI = 300
# The most pixels a page is rendered with for OCR (an A4 page at 300 dpi is
# 8.7 million): a drawing in A0 is rendered at a lower resolution instead.
OCR_MAX_PIXELS = 40_000_000
# A scanned image larger than this is refused before it is decoded.
IMAGE_MAX_PIXELS = 150_000_000


def max_bytes() -> int:
    return int(getattr(settings, "DIARIUM_READING_MAX_BYTES", 100 * MiB))


def size_check(size: int) -> None:
    """Refuse a file over DIARIUM_READING_MAX_BYTES (before it is read into memory, where the caller can)."""
    if size > max_bytes():
        raise Unreadable(_("Filen är för stor: %(size)s. Högst %(limit)s läses in.")
                         % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())})


def max_pages() -> int:
    return int(getattr(settings, "DIARIUM_READING_MAX_PAGES", 300))


def ocr_max_pages() -> int:
    return int(getattr(settings, "DIARIUM_READING_OCR_MAX_PAGES", 20))


def ocr_timeout() -> float:
    return float(getattr(settings, "DIARIUM_READING_OCR_TIMEOUT", 180))


@dataclass
class Extracted:
    text: str  # the document's text, pages separated by "\f" (form feed)
    pages: int
    method: str  # "text" | "pdf" | "ocr" | "docx"
    notes: list[str] = field(default_factory=list)  # Swedish remarks for the registrar


class Unreadable(Exception):
    """The file cannot be read; `message` says why, in Swedish, for the registrar."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def formats_read() -> str:
    return _("Inläsningen läser PDF, Word (DOCX), ren text (TXT) och skannade bilder (PNG, JPEG, TIFF).")


def extract(name: str, data: bytes) -> Extracted:
    """The text of one file (`name` as given: its extension is a hint where the
    content does not tell the format). Raises Unreadable, and nothing else, for
    a file that cannot be read."""
    if not data:
        raise Unreadable(_("Filen är tom (0 byte)."))
    size_check(len(data))
    kind = _sniff(name, data)
    reader = _READERS.get(kind)
    if reader is None:
        raise Unreadable(_unsupported(kind))
    extracted = _read(reader, name, kind, data)
    problem = _language_problem(extracted.text)
    if problem and problem[0] == "unknown" and kind == "pdf" and extracted.method == "pdf" and _ocr_program():
        # Words of no language from a text layer: fonts whose letters are not
        # what they show (a PDF made without the fonts' Unicode). Read as images.
        try:
            again = _read(lambda content: _read_pdf(content, text_layer=False), name, kind, data)
        except Unreadable:  # OCR found nothing either: the first report stands
            again = None
        again_problem = _language_problem(again.text) if again is not None else problem
        if again_problem is None or again_problem[0] == "foreign":
            extracted, problem = again, again_problem
    if problem:
        raise Unreadable(problem[1])
    return extracted


def _read(reader, name: str, kind: str, data: bytes) -> Extracted:
    """The reader's text, tidied, or Unreadable: empty, too long, or any failure of the reader."""
    try:
        extracted = reader(data)
    except Unreadable:
        raise
    except Exception as exc:  # a hostile or broken file must not take the reader down
        logger.warning("Cannot read %s as %s: %s: %s", name, kind, type(exc).__name__, exc, exc_info=True)
        raise Unreadable(_damaged(kind)) from exc
    extracted.text = "\f".join(_tidy(page) for page in extracted.text.split("\f"))
    if not extracted.text.strip():
        raise Unreadable(_no_text(kind, extracted.method))
    if len(extracted.text) > max_pages() * CHARS_PER_PAGE:
        raise Unreadable(_too_long(len(extracted.text)))
    return extracted


# --- which format -----------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_TEXT_SUFFIXES = {".txt", ".text", ".asc", ".md"}


def _sniff(name: str, data: bytes) -> str:
    """"pdf", "docx", "text" or "image" (read), or what else the file is (refused)."""
    head = data[:1024]
    suffix = PurePosixPath((name or "").replace("\\", "/")).suffix.lower()
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, suffix)
    if data.startswith(_OLE):
        return _ole_kind(data, suffix)
    if data[:64].lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if data.startswith(_IMAGE_SIGNATURES):
        return "image"
    mime = _mime(data)
    if mime in ("text/html", "application/xhtml+xml") and suffix not in _TEXT_SUFFIXES:
        return "html"
    if mime in ("text/xml", "application/xml") and suffix not in _TEXT_SUFFIXES:
        return "xml"
    if mime == "message/rfc822" or suffix in (".eml", ".msg"):
        return "email"
    if _decode_text(data[:65536]) is not None:  # a prefix tells; _read_text limits the whole
        return "text"
    if mime.startswith("image/"):
        return "image-other"
    # Nothing in the content tells: a damaged file, named for what it was meant to be.
    return {".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".doc": "doc", ".odt": "odt",
            ".rtf": "rtf"}.get(suffix, "unknown")


def _mime(data: bytes) -> str:
    try:
        import magic

        return magic.from_buffer(data[:65536], mime=True) or ""
    except Exception:  # libmagic missing or confused: the content is judged without it
        return ""


def _zip_kind(data: bytes, suffix: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100)
    except Exception:
        return "docx-damaged" if suffix in (".docx", ".docm", ".dotx") else "damaged"
    if "word/document.xml" in names:
        return "docx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "odt"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return "odf"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def _ole_kind(data: bytes, suffix: str) -> str:
    """An OLE2 compound file: Word, Excel or PowerPoint 97-2003, an Outlook
    message, or a DOCX encrypted with a password (Office keeps those in an
    OLE container)."""
    if "EncryptedPackage".encode("utf-16-le") in data[:10 * MiB]:
        return "office-encrypted"
    mime = _mime(data)
    if "outlook" in mime or suffix == ".msg":
        return "email"
    if "excel" in mime:
        return "xls"
    if "powerpoint" in mime:
        return "ppt"
    return "doc"


def _unsupported(kind: str) -> str:
    what = {
        "doc": _("Filen är ett Word-dokument i det äldre formatet (.doc, Word 97–2003), som inte läses in."),
        "xls": _("Filen är ett Excel-dokument, som inte läses in."),
        "xlsx": _("Filen är ett Excel-dokument, som inte läses in."),
        "ppt": _("Filen är en PowerPoint-presentation, som inte läses in."),
        "pptx": _("Filen är en PowerPoint-presentation, som inte läses in."),
        "odt": _("Filen är ett OpenDocument-dokument (ODT), som inte läses in."),
        "odf": _("Filen är ett OpenDocument-dokument (kalkyl eller presentation), som inte läses in."),
        "rtf": _("Filen är ett RTF-dokument, som inte läses in."),
        "html": _("Filen är en webbsida (HTML), som inte läses in."),
        "xml": _("Filen är en XML-fil, som inte läses in."),
        "email": _("Filen är ett e-postmeddelande, som inte läses in; läs in dess bilagor var för sig."),
        "zip": _("Filen är ett zip-arkiv och inte ett Word-dokument (DOCX)."),
        "image-other": _("Filen är en bild i ett format som inte läses in."),
    }
    if kind == "office-encrypted":
        return _("Filen är ett Office-dokument som är skyddat med lösenord och kan inte läsas. "
                 "Spara en kopia utan lösenord och läs in den.")
    if kind == "docx-damaged":
        return _damaged("docx")
    if kind == "damaged":
        return _damaged("")
    if kind == "unknown":
        return _("Filens format känns inte igen: den är varken PDF, Word (DOCX), text eller en bild, "
                 "eller så är den skadad.") + " " + formats_read()
    advice = _("Spara den som PDF eller DOCX och läs in den igen.")
    return " ".join((what.get(kind, _("Filens format läses inte in.")), advice, formats_read()))


def _damaged(kind: str) -> str:
    if kind == "pdf":
        return _("PDF-filen är skadad och kan inte läsas (den kan vara ofullständig, till exempel avbruten "
                 "vid nedladdningen). Hämta eller spara den på nytt.")
    if kind == "docx":
        return _("Word-filen (DOCX) är skadad och kan inte läsas. Öppna den i Word och spara den på nytt.")
    if kind in ("image", "image-pdf"):
        return _("Bildfilen är skadad och kan inte läsas.")
    return _("Filen är skadad och kan inte läsas.")


def _no_text(kind: str, method: str) -> str:
    if method == "ocr":
        return _("Filen innehåller ingen text, inte heller efter teckentolkning (OCR).")
    if kind == "docx":
        return _("Word-dokumentet innehåller ingen text.")
    if kind == "pdf":
        return _("PDF-filen innehåller ingen text.")
    return _("Filen innehåller ingen text.")


def _too_long(chars: int) -> str:
    return (_("Texten är för lång: %(chars)s tecken, omkring %(pages)s sidor. Högst %(limit)s sidor läses in.")
            % {"chars": chars, "pages": -(-chars // CHARS_PER_PAGE), "limit": max_pages()})


def _too_many_pages(pages: int) -> str:
    return (_("Filen har %(pages)s sidor. Högst %(limit)s sidor läses in; dela upp den i mindre delar.")
            % {"pages": pages, "limit": max_pages()})


def _pages(numbers: list[int]) -> str:
    """Page numbers (from 1) as ranges: "2–3, 5"."""
    ranges: list[list[int]] = []
    for number in sorted(set(numbers)):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


def _pages_note(numbers: list[int], singular: str, plural: str) -> str:
    return (singular if len(numbers) == 1 else plural) % {"pages": _pages(numbers)}


# --- plain text -------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Single-byte encodings of old Swedish files, the likeliest first: Windows,
# ISO 8859-1, DOS (code page 850) and the old Macintosh.
_SINGLE_BYTE = ("cp1252", "latin-1", "cp850", "mac_roman")
_SWEDISH_LETTERS = set("åäöÅÄÖéÉüÜ")
_ENCODING_NAMES = {"cp1252": "Windows-1252", "latin-1": "ISO 8859-1 (Latin-1)", "cp850": "DOS (kodsida 850)",
                   "mac_roman": "Mac OS Roman", "utf-8-lossy": "UTF-8 (med felaktiga tecken)"}


def _decode_text(data: bytes) -> tuple[str, str] | None:
    """The text and the encoding it was read with, or None when the bytes are
    not text. UTF-8 and UTF-16/32 with a byte-order mark are taken as they say;
    UTF-16 without one is told by its zero bytes; else the single-byte encoding
    that gives Swedish letters within words and the fewest impossible characters."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    sample = data[:65536]
    if len(sample) >= 8:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) / 2
        if odd > 0.3 * half and even < 0.02 * half:
            return _utf16(data, "utf-16-le")
        if even > 0.3 * half and odd < 0.02 * half:
            return _utf16(data, "utf-16-be")
    if b"\x00" in sample:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        return (text, "utf-8") if _plausible(text) else None
    best = None
    for encoding in (*_SINGLE_BYTE, "utf-8-lossy"):
        try:
            candidate = (data.decode("utf-8", errors="replace") if encoding == "utf-8-lossy"
                         else data.decode(encoding))
        except UnicodeDecodeError:
            continue
        score = _swedish_score(candidate)
        if best is None or score > best[0]:
            best = (score, candidate, encoding)
    if best is None or not _plausible(best[1]):
        return None
    return best[1], best[2]


def _utf16(data: bytes, encoding: str) -> tuple[str, str] | None:
    text = data[: len(data) // 2 * 2].decode(encoding, errors="replace")
    return (text, encoding) if _plausible(text) else None


def _plausible(text: str) -> bool:
    """Text, not binary: few control characters and replacement characters."""
    sample = text[:65536]
    if not sample:
        return True
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f\x1a") or 0x7f <= ord(c) < 0xa0
              or c == "\ufffd")
    return bad <= 0.01 * len(sample) + 2


def _swedish_score(text: str) -> int:
    """Swedish letters within words count for an encoding; characters a
    wrongly chosen one makes (control characters, symbols inside words,
    replacement characters) against."""
    score = 0
    sample = text[:200_000]
    for index, char in enumerate(sample):
        if ord(char) < 128:
            continue
        before = sample[index - 1] if index else " "
        after = sample[index + 1] if index + 1 < len(sample) else " "
        in_word = before.isalpha() or after.isalpha()
        if char in _SWEDISH_LETTERS:
            score += 1 if in_word else 0
        elif char == "\ufffd" or 0x80 <= ord(char) < 0xa0:
            score -= 3
        elif not char.isalpha() and in_word and before.isalpha() and after.isalpha():
            score -= 2  # "k†rlek", "v„g": a symbol where a letter should be
        elif "\u2500" <= char <= "\u259f":  # box drawing read from letters
            score -= 1
    return score


def _read_text(data: bytes) -> Extracted:
    if len(data) > 4 * max_pages() * CHARS_PER_PAGE:
        raise Unreadable(_too_long(len(data)))
    decoded = _decode_text(data)
    if decoded is None:
        raise Unreadable(_("Filen är inte text som kan läsas (den innehåller binära data eller är skadad)."))
    text, encoding = decoded
    notes = []
    if encoding in _ENCODING_NAMES:
        notes.append(_("Filen är inte i UTF-8 och lästes med teckenkodningen %(encoding)s; kontrollera å, ä och ö.")
                     % {"encoding": _ENCODING_NAMES[encoding]})
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Extracted(text=text, pages=text.count("\f") + 1, method="text", notes=notes)


# --- laying out a page's words in lines ---------------------------------------------------------

@dataclass
class _Piece:
    """Text on one line of a page, with its box (y grows downwards) and font size."""

    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    text: str

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 0.1)


@dataclass
class _Rows:
    """A page's pieces in rows, before they are written as text."""

    rows: list[list[_Piece]]
    gaps: list[float]  # between each row and the one before it, in ems of the row
    extra: list[str]  # text set at an angle


def _rows(pieces: list[_Piece], extra: list[str] = ()) -> _Rows:
    """Pieces in reading order: rows top to bottom (pieces whose heights
    overlap by half share a row, unless they overlap side to side), each row
    left to right."""
    rows: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: ((p.y0 + p.y1) / 2, p.x0)):
        if rows:
            anchor = rows[-1][0]
            overlap = min(anchor.y1, piece.y1) - max(anchor.y0, piece.y0)
            if overlap >= 0.5 * min(anchor.height, piece.height) and not any(
                    _beside(other, piece) for other in rows[-1]):
                rows[-1].append(piece)
                continue
        rows.append([piece])
    bounds = [(min(p.y0 for p in row), max(p.y1 for p in row), max(p.size for p in row) or 1.0) for row in rows]
    gaps = [(bounds[i][0] - bounds[i - 1][1]) / bounds[i][2] for i in range(1, len(bounds))]
    return _Rows(rows, gaps, list(extra))


def _usual_gap(pages: list[_Rows]) -> float:
    """The usual space between lines (in ems): the median of the gaps
    between rows, over all the pages (a page of few lines does not say)."""
    gaps = sorted(gap for page in pages for gap in page.gaps)
    return max(gaps[len(gaps) // 2], 0.0) if gaps else 0.0


def _rows_text(page: _Rows, usual: float) -> str:
    """The rows as lines, pieces far apart (a table's cells, a tab stop)
    joined by a tab; an empty line where rows are clearly further apart than
    the usual line spacing (half an em more: between paragraphs)."""
    lines: list[str] = []
    for index, row in enumerate(page.rows):
        if index and page.gaps[index - 1] > usual + 0.5:
            lines.append("")
        lines.append(_row_text(row))
    if page.extra:
        lines.extend(["", *page.extra])
    return "\n".join(lines)


def _layout(pieces: list[_Piece], extra: list[str] = ()) -> str:
    """One page's pieces as text (_rows, _rows_text), its own line spacing the usual."""
    page = _rows(pieces, extra)
    return _rows_text(page, _usual_gap([page]))


def _beside(one: _Piece, other: _Piece) -> bool:
    """Whether two pieces overlap side to side, so cannot be on one row (a
    short heading above a long line slanted by a skewed scan), unless they
    are the same text drawn twice."""
    across = min(one.x1, other.x1) - max(one.x0, other.x0)
    if across <= 0.25 * min(one.size, other.size):
        return False
    return not (one.text.strip() == other.text.strip() and abs(one.x0 - other.x0) < 0.5 * one.size)


def _row_text(row: list[_Piece]) -> str:
    row.sort(key=lambda p: p.x0)
    parts: list[str] = []
    previous = None
    for piece in row:
        text = piece.text.strip()
        if not text:
            continue
        if previous is not None:
            if text == previous.text.strip() and abs(piece.x0 - previous.x0) < 0.5 * piece.size:
                continue  # the same text drawn twice, a hair apart: "bold" by overprinting
            gap = piece.x0 - previous.x1
            parts.append("\t" if gap >= _COLUMN_EMS * max(piece.size, previous.size) else " ")
        parts.append(text)
        previous = piece
    return "".join(parts)


# --- PDF ----------------------------------------------------------------------------------------

# A page holds its own text when it has this many characters (blanks not
# counted): fewer, and a page showing a scan is read by OCR (a digital stamp
# on a scan is no text of its own). The registry's OCR draws the line there too.
def _page_text_chars() -> int:
    from diarium.registry.ocr import PAGE_TEXT_CHARS

    return PAGE_TEXT_CHARS


def _open_pdf(data: bytes, *, filetype: str = "pdf"):
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)  # damaged files are reported here, not on stderr
    try:
        document = pymupdf.open(stream=data, filetype=filetype)
    except Exception as exc:
        logger.info("MuPDF cannot open a %s: %s: %s", filetype, type(exc).__name__, exc)
        raise Unreadable(_damaged("pdf" if filetype == "pdf" else "image")) from exc
    return document


def _read_pdf(data: bytes, *, text_layer: bool = True) -> Extracted:
    """The PDF's text: each page's text layer, a page without one (or, with
    `text_layer` False, every page) read by OCR."""
    import pymupdf

    document = _open_pdf(data)
    try:
        if document.needs_pass and not document.authenticate(""):
            raise Unreadable(_("PDF-filen är skyddad med lösenord och kan inte läsas. "
                               "Spara en kopia utan lösenord och läs in den."))
        count = document.page_count
        if count == 0:
            raise Unreadable(_damaged("pdf"))
        if count > max_pages():
            raise Unreadable(_too_many_pages(count))
        notes = []
        if document.is_repaired:
            notes.append(_("PDF-filen var skadad och har lagats vid läsningen; kontrollera att texten är hel."))
        texts: list[str] = []
        scans: list[int] = []
        failed: list[int] = []
        garbled: set[int] = set()
        chars = 0
        layouts: dict[int, _Rows] = {}
        for index in range(count):
            try:
                page = document.load_page(index)
                layouts[index] = _pdf_page_rows(page)
                text = _rows_text(layouts[index], math.inf)
                state = _page_state(page, text)
                chars += len(text)
            except Exception as exc:  # one broken page does not make the others unreadable
                logger.info("PDF page %s unreadable: %s: %s", index + 1, type(exc).__name__, exc)
                failed.append(index + 1)
                texts.append("")
                continue
            if state == "garbled" or not text_layer:
                state = "garbled"
                garbled.add(index)
            if state in ("scan", "garbled"):
                scans.append(index)
            texts.append(text)
            if chars > max_pages() * CHARS_PER_PAGE:
                raise Unreadable(_too_long(chars))
        if len(failed) == count:
            raise Unreadable(_damaged("pdf"))
        usual = _usual_gap([layouts[i] for i in layouts if i not in scans])
        for index, layout in layouts.items():
            if index not in garbled:
                texts[index] = _rows_text(layout, usual)
        if failed:
            notes.append(_pages_note(failed, _("Sidan %(pages)s är skadad och kunde inte läsas."),
                                     _("Sidorna %(pages)s är skadade och kunde inte läsas.")))
        if document.is_repaired:
            # A file cut short keeps its page count but loses the pages' content.
            empty = [i + 1 for i, text in enumerate(texts) if not text.strip() and i not in scans
                     and i + 1 not in failed]
            if len(empty) + len(failed) == count:
                raise Unreadable(_damaged("pdf"))
            if empty:
                notes.append(_pages_note(empty, _("Sidan %(pages)s är tom; filen kan vara ofullständig."),
                                         _("Sidorna %(pages)s är tomma; filen kan vara ofullständig.")))
        method = "pdf"
        if scans:
            method = _ocr_document(document, scans, texts, garbled, notes, note=None if text_layer else _(
                "PDF-filens textlager gick inte att läsa (typsnitten saknar rätt teckenkodning); sidorna lästes "
                "med OCR."))
        return Extracted(text="\f".join(_without_running_lines(texts)), pages=count, method=method, notes=notes)
    finally:
        document.close()
        pymupdf.TOOLS.reset_mupdf_warnings()  # MuPDF keeps every warning until told


# Lines at a page's top or bottom that may be a running header or footer.
_RUNNING_LINES = 3


def _without_running_lines(pages: list[str]) -> list[str]:
    """The pages without their running headers and footers but once: a line
    among the first (or last) few of most pages, the same on each but for
    the page number and count ("Sida 2 av 4"), is kept where it first
    (a footer: last) appears. The letterhead stays at the top of the text,
    the address at its end, and a signature or a paragraph that runs over a
    page break is no longer cut by them."""
    if len(pages) < 2:
        return pages
    count = len(pages)
    lines = [page.split("\n") for page in pages]

    def key(line: str, number: int) -> str | None:
        squashed = " ".join(line.split())
        if squashed.startswith("§"):
            return None  # a paragraph of minutes, never a running line
        squashed = re.sub(rf"(?i)\b(sida|sid|page|s)\.? ?{number}\b", r"\1 #", squashed)
        squashed = re.sub(rf"\b{number} ?(av|of|/|\() ?{count}\b", r"# \1 #", squashed)
        return re.sub(rf"^[-–— ]*{number}[-–— ]*$", "#", squashed)

    def edges(page_lines: list[str], top: bool) -> list[int]:
        indexes = [i for i, line in enumerate(page_lines) if line.strip()]
        return indexes[:_RUNNING_LINES] if top else indexes[-_RUNNING_LINES:]

    needed = max(2, (count + 1) // 2)
    drop: set[tuple[int, int]] = set()
    for top in (True, False):
        seen: dict[str, list[tuple[int, int]]] = {}
        for number, page_lines in enumerate(lines, start=1):
            for index in edges(page_lines, top):
                line_key = key(page_lines[index], number)
                if line_key is not None:
                    seen.setdefault(line_key, []).append((number - 1, index))
        running = {k for k, places in seen.items() if len({page for page, _index in places}) >= needed}
        for line_key in running:
            places = seen[line_key]
            keep = places[0] if top else places[-1]
            drop.update(place for place in places if place != keep)
        # A running line is one of the lines at the page's edge: all before it (after it, at the foot) run too.
        for number, page_lines in enumerate(lines, start=1):
            edge = edges(page_lines, top) if top else edges(page_lines, top)[::-1]
            for position, index in enumerate(edge):
                if key(page_lines[index], number) not in running:
                    drop.difference_update((number - 1, later) for later in edge[position:])
                    break
    return ["\n".join(line for index, line in enumerate(page_lines) if (page, index) not in drop)
            for page, page_lines in enumerate(lines)]


def _read_image(data: bytes) -> Extracted:
    """A scanned page as an image (PNG, JPEG, TIFF, a TIFF of several pages): all of it read by OCR."""
    import pymupdf

    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception as exc:
        raise Unreadable(_damaged("image")) from exc
    if width * height > IMAGE_MAX_PIXELS:
        raise Unreadable(_("Bilden är för stor (%(width)s × %(height)s bildpunkter) för att läsas.")
                         % {"width": width, "height": height})
    document = _open_pdf(data, filetype="image")
    try:
        count = document.page_count
        if count == 0:
            raise Unreadable(_damaged("image"))
        if count > max_pages():
            raise Unreadable(_too_many_pages(count))
        texts = [""] * count
        notes: list[str] = []
        _ocr_document(document, list(range(count)), texts, set(), notes,
                      note=_("Bilden lästes med OCR (teckentolkning); kontrollera värdena mot bilden."))
        return Extracted(text="\f".join(texts), pages=count, method="ocr", notes=notes)
    finally:
        document.close()
        pymupdf.TOOLS.reset_mupdf_warnings()


def _pdf_page_rows(page) -> _Rows:
    """The page's text in rows (_rows). MuPDF's lines give the pieces, its
    words (of the same text page) the gaps between words."""
    import pymupdf

    flags = ((pymupdf.TEXTFLAGS_DICT | pymupdf.TEXT_MEDIABOX_CLIP)
             & ~pymupdf.TEXT_PRESERVE_LIGATURES & ~pymupdf.TEXT_PRESERVE_IMAGES)
    textpage = page.get_textpage(flags=flags)
    content = textpage.extractDICT()
    words: dict[tuple[int, int], list[tuple]] = {}
    for word in textpage.extractWORDS():
        words.setdefault((word[5], word[6]), []).append(word)
    pieces: list[_Piece] = []
    slanted: list[str] = []
    for block in content.get("blocks", ()):
        if block.get("type", 0) != 0:
            continue
        for number, line in enumerate(block.get("lines", ())):
            spans = [span for span in line.get("spans", ()) if span.get("text", "").strip()]
            if not spans:
                continue
            dx, dy = line.get("dir", (1, 0))
            if abs(dy) > 0.1 or dx < 0:  # set at an angle or vertical (a margin note, a stamp)
                slanted.append(" ".join("".join(span["text"] for span in spans).split()))
                continue
            size = max(span.get("size") or 10.0 for span in spans)
            line_words = words.get((block.get("number"), number))
            text = (_words_text(line_words, size) if line_words
                    else " ".join("".join(span["text"] for span in spans).split()))
            x0, y0, x1, y1 = line["bbox"]
            pieces.append(_Piece(x0, y0, x1, y1, size, text))
    return _rows(pieces, slanted)


# A gap between words of at least this many ems is a column's (a table's
# cells, a tab stop), when it is also twice the line's usual gap: a justified
# line stretches every gap alike, a column gap stands out.
_COLUMN_EMS = 0.6


def _words_text(words: list[tuple], size: float) -> str:
    """A line's words, a space apart, or a tab where the gap is a column's."""
    words = sorted(words, key=lambda word: word[7])
    if len(words) == 1:
        return words[0][4]
    gaps = [words[i][0] - words[i - 1][2] for i in range(1, len(words))]
    usual = sorted(gaps)[len(gaps) // 2]
    out = [words[0][4]]
    for word, gap in zip(words[1:], gaps, strict=True):
        column = gap >= _COLUMN_EMS * size and (len(gaps) == 1 or gap >= 2 * usual)
        out.append("\t" if column else " ")
        out.append(word[4])
    return "".join(out)


def _usable(text: str) -> tuple[int, int]:
    """Characters of text (blanks not counted), and of them those that are no
    text: replacement characters for glyphs without Unicode, private use, controls."""
    chars = [c for c in text if not c.isspace()]
    bad = sum(1 for c in chars if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or ord(c) < 32 or 0x7f <= ord(c) < 0xa0)
    return len(chars), bad


def _page_state(page, text: str) -> str:
    """"text": the page's text is its own; "scan": it shows a scan (an image
    over much of it, or text drawn as lines) and has little or no text;
    "garbled": its text is glyphs without Unicode (an old font), the page must
    be read as an image; "empty": a page with nothing (or nearly) to read."""
    chars, bad = _usable(text)
    if chars >= 20 and bad > 0.1 * chars:  # real text has next to none of these
        return "garbled"
    if chars - bad >= _page_text_chars():
        return "text"
    area = abs(page.rect) or 1.0
    covered = 0.0
    for info in page.get_image_info():
        x0, y0, x1, y1 = info.get("bbox", (0, 0, 0, 0))
        covered += max(0.0, min(x1, page.rect.x1) - max(x0, page.rect.x0)) * max(
            0.0, min(y1, page.rect.y1) - max(y0, page.rect.y0))
    if covered >= 0.2 * area:
        return "scan"
    if chars == 0 and len(page.get_cdrawings()) > 300:
        return "scan"  # text converted to outlines: many small drawings and no text
    return "text" if chars else "empty"


# --- OCR ----------------------------------------------------------------------------------------

class _OcrTimeout(Exception):
    pass


def _ocr_program() -> str | None:
    """The tesseract program, or None when OCR is off (DIARIUM_OCR False) or not installed."""
    if getattr(settings, "DIARIUM_OCR", None) is False:
        return None
    return shutil.which("tesseract")


_language_cache: dict[str, set[str]] = {}


def _ocr_languages(program: str) -> list[str]:
    """The configured languages (DIARIUM_OCR_LANGUAGES) Tesseract has data for."""
    from diarium.registry.ocr import languages

    if program not in _language_cache:
        try:
            listed = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30,
                                    check=False).stdout
            _language_cache[program] = set(listed.split()[1:]) if listed else set()
        except (OSError, subprocess.SubprocessError):
            _language_cache[program] = set()
    available = _language_cache[program]
    return [code for code in languages() if code in available]


def _ocr_document(document, indexes: list[int], texts: list[str], garbled: set[int], notes: list[str], *,
                  note: str | None = None) -> str:
    """Read the pages `indexes` (from 0) by OCR into `texts`, noting what was
    done in `notes` (`note` in place of naming the pages read); the method:
    "ocr" when OCR ran, "pdf" when it is off."""
    numbers = [i + 1 for i in indexes]
    has_text = any(t.strip() for i, t in enumerate(texts) if i not in garbled)
    program = _ocr_program()
    if program is None:
        for index in garbled:  # glyphs without letters are no text to show
            texts[index] = ""
        if not has_text:
            reason = (_("OCR är avstängt i inställningarna (DIARIUM_OCR).")
                      if getattr(settings, "DIARIUM_OCR", None) is False
                      else _("programmet tesseract finns inte på servern."))
            raise Unreadable(_("Filen saknar text och OCR är avstängt: %(reason)s") % {"reason": reason})
        notes.append(_pages_note(numbers, _("Sidan %(pages)s saknar text och lästes inte: OCR är avstängt."),
                                 _("Sidorna %(pages)s saknar text och lästes inte: OCR är avstängt.")))
        return "pdf"
    if len(indexes) > ocr_max_pages():
        raise Unreadable(_("Filen har %(count)s sidor utan text som skulle behöva läsas med OCR "
                           "(teckentolkning). Högst %(limit)s sidor läses med OCR i en fil; dela upp den.")
                         % {"count": len(indexes), "limit": ocr_max_pages()})
    langs = _ocr_languages(program)
    if not langs:
        raise Unreadable(_("Filen saknar text, och OCR kan inte läsa den: Tesseract saknar språkdata för "
                           "%(languages)s.") % {"languages": getattr(settings, "DIARIUM_OCR_LANGUAGES", "swe+eng")})
    started = time.monotonic()
    try:
        results = _ocr_pages(document, indexes, program, langs, started + ocr_timeout())
    except _OcrTimeout as exc:
        raise Unreadable(_("Teckentolkningen (OCR) tog längre tid än %(seconds)s sekunder och avbröts. "
                           "Filen har %(count)s sidor som behöver OCR.")
                         % {"seconds": f"{ocr_timeout():g}".replace(".", ","), "count": len(indexes)}) from exc
    logger.info("OCR of %s page(s) took %.1f s", len(indexes), time.monotonic() - started)
    read, turned, failed = [], [], []
    for index in indexes:
        result = results.get(index)
        if result is None:
            failed.append(index + 1)
            continue
        text, rotated = result
        layer = "" if index in garbled else texts[index]
        texts[index] = _with_layer(text, layer)
        read.append(index + 1)
        if rotated:
            turned.append(index + 1)
    if note:
        notes.append(note)
    elif read:
        notes.append(_pages_note(read, _("Sidan %(pages)s saknade text och lästes med OCR."),
                                 _("Sidorna %(pages)s saknade text och lästes med OCR.")))
    if turned:
        notes.append(_pages_note(turned, _("Sidan %(pages)s låg fel vänd och vändes rätt före OCR."),
                                 _("Sidorna %(pages)s låg fel vända och vändes rätt före OCR.")))
    if failed:
        notes.append(_pages_note(failed, _("Sidan %(pages)s kunde inte läsas med OCR."),
                                 _("Sidorna %(pages)s kunde inte läsas med OCR.")))
    return "ocr"


def _with_layer(ocr_text: str, layer: str) -> str:
    """OCR's text of a page, and after it any line of the page's own little
    text (a digital stamp: "Inkom 2024-05-02 Dnr KS 2024/12") that OCR did not read as written."""
    if not layer.strip():
        return ocr_text
    squashed = re.sub(r"\s+", "", ocr_text).lower()
    missing = [line.strip() for line in layer.splitlines()
               if line.strip() and re.sub(r"\s+", "", line).lower() not in squashed]
    return "\n".join([ocr_text, "", *missing]) if missing else ocr_text


def _ocr_pages(document, indexes: list[int], program: str, langs: list[str],
               deadline: float) -> dict[int, tuple[str, bool] | None]:
    """Each page's OCR text (and whether it was turned), None for a page
    Tesseract failed on. Pages are rendered here, one at a time (MuPDF is not
    to be used from several threads), and read by Tesseract in up to two
    processes at once; at most one rendered page waits for a free process."""
    cpus = os.cpu_count() or 1
    workers = max(1, min(2, cpus, len(indexes)))
    threads = 1  # OpenMP threads in each: more only slow it down, badly so on a busy machine
    slots = threading.BoundedSemaphore(workers + 1)
    futures = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reading-ocr") as pool:
        for index in indexes:
            if not slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise _OcrTimeout
            try:
                image = _render(document.load_page(index))
            except Exception as exc:
                slots.release()
                logger.info("Page %s could not be rendered for OCR: %s: %s", index + 1, type(exc).__name__, exc)
                futures[index] = None
                continue
            future = pool.submit(_ocr_image, image, program, langs, threads, deadline)
            future.add_done_callback(lambda _future: slots.release())
            futures[index] = future
        results = {}
        for index, future in futures.items():
            results[index] = None if future is None else future.result()  # _OcrTimeout propagates
    return results


def _render(page) -> bytes:
    """The page as a grey PNG at OCR_DPI (less for a page so large it would take more than OCR_MAX_PIXELS)."""
    import pymupdf

    width, height = page.rect.width / 72, page.rect.height / 72
    dpi = OCR_DPI
    if width * height * dpi * dpi > OCR_MAX_PIXELS:
        dpi = max(50, int((OCR_MAX_PIXELS / max(width * height, 1e-6)) ** 0.5))
    pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False, annots=True)
    return pixmap.tobytes("png")


def _tesseract(image: bytes, args: list[str], threads: int, deadline: float) -> str:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _OcrTimeout
    env = {**os.environ, "OMP_THREAD_LIMIT": str(threads)}
    try:
        process = subprocess.run(args, input=image, capture_output=True, env=env, timeout=remaining, check=False)
    except subprocess.TimeoutExpired as exc:  # run() has killed it
        raise _OcrTimeout from exc
    if process.returncode != 0:
        raise RuntimeError(process.stderr.decode("utf-8", "replace")[-500:])
    return process.stdout.decode("utf-8", "replace")


def _ocr_image(image: bytes, program: str, langs: list[str], threads: int,
               deadline: float) -> tuple[str, bool] | None:
    """One page's text by Tesseract, and whether the page was turned. A page
    read as nonsense (low confidence) is checked for orientation (OSD) and,
    when it lies otherwise, read again turned upright."""
    args = [program, "stdin", "stdout", "-l", "+".join(langs), "--psm", "3", "--dpi", str(OCR_DPI), "tsv"]
    try:
        text, confidence, words = _tsv_text(_tesseract(image, args, threads, deadline))
        if words >= 5 and confidence < 60:
            angle = _orientation(image, program, threads, deadline)
            if angle:
                turned = _turn(image, angle)
                text2, confidence2, _words2 = _tsv_text(_tesseract(turned, args, threads, deadline))
                if confidence2 > confidence + 10:
                    return text2, True
        return text, False
    except _OcrTimeout:
        raise
    except Exception as exc:
        logger.warning("Tesseract failed on a page: %s: %s", type(exc).__name__, exc)
        return None


def _orientation(image: bytes, program: str, threads: int, deadline: float) -> int:
    """How many degrees the page must be turned clockwise to stand upright, by Tesseract's OSD (0 when unsure)."""
    try:
        output = _tesseract(image, [program, "stdin", "stdout", "--psm", "0", "--dpi", str(OCR_DPI)], threads,
                            deadline)
    except RuntimeError:  # too little text to tell
        return 0
    rotate = re.search(r"Rotate:\s*(\d+)", output)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", output)
    if rotate and confidence and float(confidence.group(1)) >= 2.0:
        return int(rotate.group(1)) % 360
    return 0


def _turn(image: bytes, angle: int) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(image)) as picture:
        turned = picture.rotate(-angle, expand=True)  # PIL turns counter-clockwise
        out = io.BytesIO()
        turned.save(out, "PNG", dpi=(OCR_DPI, OCR_DPI))
    return out.getvalue()


def _tsv_text(tsv: str) -> tuple[str, float, int]:
    """Tesseract's TSV (a box for every word) laid out as the text layer of
    a PDF is: rows, tabs between far-apart words. Returns the text, the words'
    mean confidence and their number."""
    lines: dict[tuple[int, int, int], list[tuple[int, int, int, int, str]]] = {}
    confidences = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        try:
            left, top, width, height = (int(cells[i]) for i in (6, 7, 8, 9))
            confidence = float(cells[10])
        except ValueError:
            continue
        word = _ocr_word(cells[11].strip(), width, height, confidence)
        if not word:
            continue
        key = (int(cells[2]), int(cells[3]), int(cells[4]))
        lines.setdefault(key, []).append((left, top, left + width, top + height, word))
        if confidence >= 0:
            confidences.append(confidence)
    pieces = []
    for words in lines.values():
        words.sort()
        height = sorted(w[3] - w[1] for w in words)[len(words) // 2] or 1
        current: list[tuple[int, int, int, int, str]] = []
        for word in words:
            # A gap of more than a line's height parts a line's words into cells.
            if current and word[0] - current[-1][2] > 1.2 * height:
                pieces.append(_ocr_piece(current, height))
                current = []
            current.append(word)
        if current:
            pieces.append(_ocr_piece(current, height))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return _layout(pieces), mean, len(confidences)


_DASHES = set("-–—")


def _ocr_word(word: str, width: int, height: int, confidence: float) -> str:
    """A word as Tesseract read it, without the specks of a scan: a "word" of
    no letter or digit is kept only when read with confidence, and a dash
    only when it is flat, as a dash is (a speck is round or tall). Stray
    underscores and bars at a word's ends are specks too."""
    if any(c.isalnum() for c in word):
        return word.strip("_|")
    if "§" in word:
        return word
    if confidence < 90 or (set(word) <= _DASHES and width < 1.5 * height):
        return ""
    return word


def _ocr_piece(words, height) -> _Piece:
    return _Piece(min(w[0] for w in words), min(w[1] for w in words), max(w[2] for w in words),
                  max(w[3] for w in words), float(height), " ".join(w[4] for w in words))


# --- DOCX ---------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WP = _W + "p"
_WTBL = _W + "tbl"
# Not the document's current text: deleted and moved-away revisions, a text
# box's fallback copy (Word writes each twice), field codes, deleted text.
_DOCX_SKIP = {_W + "del", _W + "moveFrom", _MC + "Fallback", _W + "instrText", _W + "delText",
              _W + "delInstrText", _W + "pPr", _W + "rPr", _W + "tblPr", _W + "trPr", _W + "tcPr",
              _W + "sectPr", _W + "tblGrid", _W + "commentReference", _W + "footnoteReference",
              _W + "endnoteReference", _W + "sdtPr", _W + "sdtEndPr"}
_MAX_DEPTH = 40
_MAX_MEMBERS = 10_000


class _TooLong(Exception):
    pass


def _read_docx(data: bytes) -> Extracted:
    from docx.opc.package import OpcPackage

    from diarium.registry.files import max_unpacked_bytes

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            encrypted = any(info.flag_bits & 0x1 for info in infos)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable(_damaged("docx")) from exc
    if encrypted:
        raise Unreadable(_("Word-filen är krypterad och kan inte läsas."))
    if len(infos) > _MAX_MEMBERS or unpacked > max_unpacked_bytes():
        raise Unreadable(_("Word-filen packas upp till %(size)s, mer än de %(limit)s som läses.")
                         % {"size": filesizeformat(unpacked), "limit": filesizeformat(max_unpacked_bytes())})
    package = OpcPackage.open(io.BytesIO(data))
    reader = _Docx(package)
    try:
        text = reader.text()
    except _TooLong as exc:
        raise Unreadable(_too_long(reader.chars)) from exc
    pages = max(text.count("\f") + 1, reader.declared_pages())
    if pages > max_pages():
        raise Unreadable(_too_many_pages(pages))
    notes = []
    if reader.tracked:
        notes.append(_("Dokumentet har spårade ändringar; det lästes som om alla ändringar vore godkända."))
    return Extracted(text=text, pages=pages, method="docx", notes=notes)


def _element(part):
    from docx.oxml.parser import parse_xml

    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)


def _on(element, name: str) -> bool:
    """A Word on/off property: present, and not val="0"/"false"/"off"."""
    found = element.find(_W + name) if element is not None else None
    return found is not None and found.get(_W + "val", "true").lower() not in ("0", "false", "off")


class _Docx:
    """The text of a Word document: the first section's headers, the body
    (paragraphs, tables row by row, text boxes, numbered lists with their
    numbers), footnotes and endnotes, then the first section's footers."""

    def __init__(self, package):
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        self.package = package
        self.main = package.main_document_part
        self.body = _element(self.main).find(_W + "body")
        if self.body is None:
            raise Unreadable(_damaged("docx"))
        self.limit = max_pages() * CHARS_PER_PAGE
        self.chars = 0
        self.tracked = False
        parts = {}
        for rel in self.main.rels.values():
            if not rel.is_external and rel.reltype in (RT.NUMBERING, RT.STYLES, RT.SETTINGS, RT.FOOTNOTES,
                                                          RT.ENDNOTES):
                parts[rel.reltype] = rel.target_part
        self.numbering = _Numbering(parts.get(RT.NUMBERING), parts.get(RT.STYLES))
        self.settings = _element(parts[RT.SETTINGS]) if RT.SETTINGS in parts else None
        self.notes = [_element(parts[rt]) for rt in (RT.FOOTNOTES, RT.ENDNOTES) if rt in parts]

    def declared_pages(self) -> int:
        """The pages Word counted when it last saved (docProps/app.xml), 0 if it did not say."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        for rel in self.package.rels.values():
            if not rel.is_external and rel.reltype == RT.EXTENDED_PROPERTIES:
                match = re.search(rb"<(?:\w+:)?Pages>\s*(\d{1,7})\s*<", rel.target_part.blob[:100_000])
                return int(match.group(1)) if match else 0
        return 0

    def text(self) -> str:
        headers, footers = self._headers_footers()
        body = self._blocks(self.body, 0, in_cell=False)
        notes = []
        for element in self.notes:
            for note in element.iterchildren(_W + "footnote", _W + "endnote"):
                if note.get(_W + "type") in (None, "normal"):
                    notes.extend(self._blocks(note, 0, in_cell=True))
        parts = [*headers, *body, *([""] + notes if notes else []), *([""] + footers if footers else [])]
        text = "\n".join(parts)
        return re.sub(r"\n?\f\n?", "\f", text)

    def _headers_footers(self) -> tuple[list[str], list[str]]:
        """The first section's headers and footers as shown: the first page's
        (when it has its own), the others', the even pages' (when they differ);
        a line once only."""
        section = self.body.find(f".//{_WP}/{_W}pPr/{_W}sectPr")
        if section is None:
            section = self.body.find(_W + "sectPr")
        if section is None:
            return [], []
        types = ["first"] if _on(section, "titlePg") else []
        types.append("default")
        if _on(self.settings, "evenAndOddHeaders"):
            types.append("even")
        result = []
        for kind in ("headerReference", "footerReference"):
            references = {ref.get(_W + "type", "default"): ref.get(_R_ID) for ref in section.iterchildren(_W + kind)}
            lines: list[str] = []
            for type_ in types:
                rid = references.get(type_)
                if not rid or rid not in self.main.rels or self.main.rels[rid].is_external:
                    continue
                for line in self._blocks(_element(self.main.rels[rid].target_part), 0, in_cell=True):
                    if line.strip() and line not in lines:
                        lines.append(line)
            result.append(lines)
        return result[0], result[1]

    def _count(self, text: str) -> None:
        self.chars += len(text)
        if self.chars > self.limit:
            raise _TooLong

    def _blocks(self, element, depth: int, *, in_cell: bool) -> list[str]:
        """Lines of the paragraphs and tables in `element`, in order: a
        paragraph a line (an empty line only where the document has an empty
        paragraph; Word's spacing between paragraphs is not shown, as
        measured on the reading corpus: the rules read a name and its title
        on two paragraphs as one signature)."""
        lines: list[str] = []
        for block in self._block_elements(element, depth):
            if block.tag == _WP:
                lines.extend(self._paragraph(block, depth, in_cell=in_cell))
            else:
                lines.extend(self._table(block, depth))
        return lines

    def _block_elements(self, element, depth: int):
        """The paragraphs and tables in `element`, also those in content
        controls, custom XML and tracked insertions; not tracked deletions."""
        if depth > _MAX_DEPTH:
            return
        for child in element.iterchildren():
            tag = child.tag
            if tag in (_WP, _WTBL):
                yield child
            elif tag in (_W + "del", _W + "moveFrom"):
                self.tracked = True
            elif tag not in _DOCX_SKIP and isinstance(tag, str):
                if tag in (_W + "ins", _W + "moveTo"):
                    self.tracked = True
                yield from self._block_elements(child, depth + 1)

    def _paragraph(self, paragraph, depth: int, *, in_cell: bool) -> list[str]:
        pieces: list[str] = []
        boxes: list[str] = []
        properties = paragraph.find(_W + "pPr")
        if not in_cell and _on(properties, "pageBreakBefore"):
            pieces.append("\f")
        label = self.numbering.label(properties)
        if label:
            pieces.append(label)
        self._inline(paragraph, pieces, boxes, depth, in_cell=in_cell)
        text = "".join(pieces)
        self._count(text)
        lines = text.split("\n")
        if in_cell:
            lines = [line.replace("\f", "") for line in lines]
        return lines + boxes

    def _inline(self, element, pieces: list[str], boxes: list[str], depth: int, *, in_cell: bool) -> None:
        if depth > _MAX_DEPTH:
            return
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == _W + "r":
                if not _on(child.find(_W + "rPr"), "vanish"):  # hidden text is not shown
                    self._run(child, pieces, boxes, depth, in_cell=in_cell)
            elif tag in (_W + "del", _W + "moveFrom"):
                self.tracked = True
            elif tag in (_W + "ins", _W + "moveTo"):
                self.tracked = True
                self._inline(child, pieces, boxes, depth + 1, in_cell=in_cell)
            elif tag == _M + "t":
                pieces.append(child.text or "")
            elif tag == _MC + "AlternateContent":
                choice = child.find(_MC + "Choice")
                if choice is not None:
                    self._inline(choice, pieces, boxes, depth + 1, in_cell=in_cell)
            elif tag not in _DOCX_SKIP:  # hyperlinks, fields, content controls, smart tags, math
                self._inline(child, pieces, boxes, depth + 1, in_cell=in_cell)

    def _run(self, run, pieces: list[str], boxes: list[str], depth: int, *, in_cell: bool) -> None:
        for child in run.iterchildren():
            tag = child.tag
            if tag == _W + "t":
                pieces.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                pieces.append("\t")
            elif tag == _W + "br":
                kind = child.get(_W + "type")
                pieces.append("\f" if kind == "page" and not in_cell else "\n")
            elif tag == _W + "cr":
                pieces.append("\n")
            elif tag == _W + "noBreakHyphen":
                pieces.append("-")
            elif tag in (_W + "drawing", _W + "pict", _MC + "AlternateContent", _W + "object"):
                for box in self._text_boxes(child, depth + 1):
                    boxes.extend(line for line in self._blocks(box, depth + 1, in_cell=True) if line.strip())

    def _text_boxes(self, element, depth: int):
        """The text boxes' contents in a drawing, each once (not Word's fallback copy)."""
        if depth > _MAX_DEPTH:
            return
        for child in element.iterchildren():
            if child.tag == _W + "txbxContent":
                yield child
            elif child.tag != _MC + "Fallback" and isinstance(child.tag, str):
                yield from self._text_boxes(child, depth + 1)

    def _table(self, table, depth: int) -> list[str]:
        """Each row as lines: the cells' first lines joined by tabs, then their
        second lines, and so on (as the row looks), empty cells left out."""
        lines: list[str] = []
        for row in self._children(table, _W + "tr"):
            cells = []
            for cell in self._children(row, _W + "tc"):
                cell_lines = [line.strip() for line in self._blocks(cell, depth + 1, in_cell=True)]
                cells.append([line for line in cell_lines if line])
            for index in range(max((len(c) for c in cells), default=0)):
                line = "\t".join(c[index] for c in cells if index < len(c))
                if line:
                    lines.append(line)
        return lines

    def _children(self, element, tag: str, depth: int = 0):
        """Rows of a table or cells of a row, also those inside content controls or custom XML."""
        for child in element.iterchildren():
            if child.tag == tag:
                yield child
            elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml") and depth < 5:
                yield from self._children(child, tag, depth + 1)


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _letters(number: int) -> str:
    """1 → a, 26 → z, 27 → aa (as Word counts)."""
    number = max(number, 1)
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


class _Numbering:
    """The numbers Word prints before the paragraphs of numbered lists (an
    agenda's "1.", "2."): they are not in the text, Word counts them."""

    def __init__(self, numbering_part, styles_part):
        self.levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}
        self.overrides: dict[str, dict[int, int]] = {}
        self.nums: dict[str, str] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_part is not None:
            self._read_numbering(_element(numbering_part))
        if styles_part is not None:
            self._read_styles(_element(styles_part))

    def _read_numbering(self, root) -> None:
        for abstract in root.iterchildren(_W + "abstractNum"):
            levels = {}
            for level in abstract.iterchildren(_W + "lvl"):
                try:
                    ilvl = int(level.get(_W + "ilvl", "0"))
                    start = int(_val(level, "start") or "1")
                except ValueError:
                    continue
                levels[ilvl] = (_val(level, "numFmt") or "decimal", _val(level, "lvlText") or "",
                                start, _val(level, "suff") or "tab")
            self.levels[abstract.get(_W + "abstractNumId", "")] = levels
        for num in root.iterchildren(_W + "num"):
            num_id = num.get(_W + "numId", "")
            self.nums[num_id] = _val(num, "abstractNumId") or ""
            overrides = {}
            for override in num.iterchildren(_W + "lvlOverride"):
                start = _val(override, "startOverride")
                if start and start.isdigit():
                    overrides[int(override.get(_W + "ilvl", "0"))] = int(start)
            self.overrides[num_id] = overrides

    def _read_styles(self, root) -> None:
        for style in root.iterchildren(_W + "style"):
            if style.get(_W + "type") != "paragraph":
                continue
            properties = style.find(_W + "pPr")
            num_pr = properties.find(_W + "numPr") if properties is not None else None
            num_id = _val(num_pr, "numId") if num_pr is not None else None
            ilvl = _val(num_pr, "ilvl") if num_pr is not None else None
            self.styles[style.get(_W + "styleId", "")] = (num_id, ilvl, _val(style, "basedOn"))

    def _from_style(self, style_id: str | None) -> tuple[str | None, str | None]:
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            num_id, ilvl, based_on = self.styles[style_id]
            if num_id is not None:
                return num_id, ilvl
            style_id = based_on
        return None, None

    def label(self, properties) -> str:
        if properties is None or not (self.nums or self.styles):
            return ""
        num_pr = properties.find(_W + "numPr")
        num_id = _val(num_pr, "numId") if num_pr is not None else None
        ilvl_text = _val(num_pr, "ilvl") if num_pr is not None else None
        if num_id is None:
            num_id, style_ilvl = self._from_style(_val(properties, "pStyle"))
            ilvl_text = ilvl_text or style_ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        try:
            ilvl = min(max(int(ilvl_text or "0"), 0), 8)
        except ValueError:
            ilvl = 0
        levels = self.levels.get(self.nums[num_id], {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = self.overrides.get(num_id, {}).get(ilvl, levels[ilvl][2])
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _start, suffix = levels[ilvl]
        if fmt == "none":
            return ""
        if fmt == "bullet":
            label = "•"
        else:
            def number(match: re.Match) -> str:
                level = int(match.group(1)) - 1
                if level not in levels:
                    return ""
                value = counters.get(level, self.overrides.get(num_id, {}).get(level, levels[level][2]))
                return _format_number(value, levels[level][0])

            label = re.sub(r"%([1-9])", number, text)
        if not label.strip():
            return ""
        return label + {"space": " ", "nothing": ""}.get(suffix, "\t")


def _val(element, name: str) -> str | None:
    found = element.find(_W + name) if element is not None else None
    return found.get(_W + "val") if found is not None else None


def _format_number(value: int, fmt: str) -> str:
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerRoman":
        return _roman(value)
    if fmt == "upperRoman":
        return _roman(value).upper()
    return str(value)


# --- tidying ------------------------------------------------------------------------------------

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Control characters (but tab and newline), soft hyphens, zero-width characters, byte-order marks.
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2060\ufeff\ufffe\uffff]")


# Columns set apart with spaces (three or more, as typed in Word or an old
# text file: "Ordförande          Justerare") are cells, as a tab sets them.
_COLUMN_GAP = re.compile(r" *\t[ \t]*| {3,}")


def _tidy(page: str) -> str:
    """One page's text: composed letters (å, not a + ring), ligatures undone,
    odd spaces as spaces, control characters out, columns a tab apart, no
    blanks at either end of a line, at most one empty line in a row, none at
    the start or end."""
    text = unicodedata.normalize("NFC", page.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\v", "\n")  # Word's line break as text
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    text = _JUNK.sub("", _SPACES.sub(" ", text))
    lines = [_COLUMN_GAP.sub("\t", line.strip()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n")


# --- language -----------------------------------------------------------------------------------

# Short, frequent words of each language that the others do not use, or
# seldom. Swedish words shared with Norwegian or Danish (som, det, med, på,
# av, om, eller, efter, sig, mig) count for no language: the distinctive
# ones (och, är, inte, att, för, från) tell Swedish from its neighbours.
_SWEDISH = frozenset("""
och att är inte för från också även enligt samt detta dessa när där här vilket vilka vilken bör finns mellan
utan än till ett hade vara varit skall ska genom sedan dock både bara själv göra varje vad hur därför gäller
angående avseende kronor förslag beslut beslutar beslutade föreslås ärendet ärende över nämnden nämnd
kommunstyrelsen kommunfullmäktige förvaltningen skulle kunna vidare gällande ifrån bland ordförande ledamot
ledamöter ersättare justerare justerande sekreterare kommun kommunens kommunstyrelsens nämndens protokoll
paragraf sammanträde beslutande närvarande dnr diarienummer handläggare tjänsteskrivelse bilaga bilagor
""".split())
_ENGLISH = frozenset("""
the and of to is that with this are which has have not will was from been would should there their it on
an or we you they these those our its were shall into also such other can may must than what when who
""".split())
# Norwegian (bokmål and nynorsk) and Danish, and the words of each alone.
_NORDIC = frozenset("""
og ikke fra også være hvis hvor hva hvad skal til dette disse denne hver hvert hvilke hvilken selv bli blir
blive bliver kroner jeg dere jer deres nå når etter ble mellom uten seg noe mye enn gjennom meg deg ikkje eg
frå berre dei kva korleis kommunestyret vedtak vedtatt fylkeskommune af mellem uden noget meget mod gennem
kommunalbestyrelsen vedtaget at der vil ved fordi derfor mange flere nogle kommune havde hadde formannskapet
rådmannen søknad ansøgning tilskud tilskudd budsjettet budgettet innstilling indstilling sagen udvalget kun
""".split())
_NORWEGIAN = frozenset("etter ble mellom uten seg noe mye enn gjennom meg deg dere ikkje eg frå berre dei kva "
                       "korleis hva kommunestyret vedtak vedtatt fylkeskommune bli blir hadde formannskapet "
                       "rådmannen søknad tilskudd budsjettet innstilling".split())
_DANISH = frozenset("af mellem uden noget meget mod gennem jer hvad kommunalbestyrelsen blive bliver vedtaget "
                    "havde nogle ansøgning tilskud budgettet indstilling sagen udvalget".split())
_GERMAN = frozenset("""
und der die das ist nicht mit von zu ein eine auf für sich auch wird werden wurde dass daß oder bei nach aus
über sind wir ich zum zur vom im es nur noch wie einer eines des sie haben hat wenn aber gemeinde
""".split())
_FINNISH = frozenset("""
ja ei että ovat oli tai kun jos mukaan sekä myös tämä joka jotka kanssa mutta niin ole olla ollut voi tulee
kunnan kaupungin hallitus vuonna vuoden hänen heidän kuin mitä kunta on vain vielä nyt koska vaan eli eikä
jälkeen ennen aikana vuoksi takia osalta kautta välillä ilman lisäksi kunnanhallitus kunnanvaltuusto päättää
mikäli sitä siitä tämän nämä näiden kun kuitenkin
""".split())
_WORD = re.compile(r"[^\W\d_]+")
# Words needed before a text's language is judged: a short letter is not.
_LANGUAGE_MIN_WORDS = 40


def _language_problem(text: str) -> tuple[str, str] | None:
    """Why the text is not read as Swedish ("foreign" or "unknown", and the
    message), or None. Refused when another
    language's typical words are many (at least 10, and 4 % of the words) and
    three times as many as the Swedish ones: a Swedish document quoting an
    English sentence passes, an English or Norwegian one does not. A long
    text with hardly a Swedish word in it (a scan read as nonsense, a text
    layer of wrong letters) is refused too."""
    words = _WORD.findall(text[:300_000].lower())
    letters = sum(len(word) for word in words)
    if len(words) < _LANGUAGE_MIN_WORDS and letters < 1000:
        return None
    counts = Counter(words)
    swedish = sum(n for w, n in counts.items() if w in _SWEDISH)
    scores = {
        "en": sum(n for w, n in counts.items() if w in _ENGLISH),
        "nordic": sum(n for w, n in counts.items() if w in _NORDIC),
        "de": sum(n for w, n in counts.items() if w in _GERMAN),
        "fi": sum(n for w, n in counts.items() if w in _FINNISH),
    }
    language, score = max(scores.items(), key=lambda item: item[1])
    if score >= max(10, 0.04 * len(words)) and score >= 3 * swedish:
        if language == "nordic":
            norwegian = sum(n for w, n in counts.items() if w in _NORWEGIAN)
            danish = sum(n for w, n in counts.items() if w in _DANISH)
            language = "no" if norwegian > 1.5 * danish else "da" if danish > 1.5 * norwegian else "no/da"
        typical = {"en": _ENGLISH, "no": _NORDIC, "da": _NORDIC, "no/da": _NORDIC, "de": _GERMAN,
                   "fi": _FINNISH}[language]
        examples = [w for w, _n in counts.most_common() if w in typical][:3]
        names = {"en": _("engelska"), "no": _("norska"), "da": _("danska"), "no/da": _("norska eller danska"),
                 "de": _("tyska"), "fi": _("finska")}
        return "foreign", (_("Texten verkar vara på %(language)s, inte på svenska (vanliga ord i den: %(words)s). "
                             "Inläsningen tolkar bara svenska handlingar.")
                           % {"language": names[language], "words": ", ".join(examples)})
    # Many letters in few "words" are no language either: a text layer whose spaces are letters too.
    if (len(words) >= 200 or letters >= 1000) and swedish < max(3, 0.01 * len(words)):
        return "unknown", _("Texten verkar inte vara på svenska: den har nästan inga vanliga svenska ord. Om filen "
                            "är en skanning kan den vara för otydlig för teckentolkningen (OCR).")
    return None


_READERS = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "text": _read_text,
    "image": _read_image,
}
