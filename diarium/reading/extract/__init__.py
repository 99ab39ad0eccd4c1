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

The package, by concern: result (Extracted, Unreadable), limits (the
settings above), messages (the Swedish reports), sniffing (which format),
plain (text files and their encodings), layout (a page's words in lines),
pdf (text layers, scans and images), ocr (Tesseract), word (DOCX), tidy
(each page's text tidied) and language (the Swedish check).
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from .language import _language_problem
from .limits import (
    CHARS_PER_PAGE,
    IMAGE_MAX_PIXELS,
    OCR_DPI,
    OCR_MAX_PIXELS,
    MiB,
    max_bytes,
    max_pages,
    ocr_max_pages,
    ocr_timeout,
    size_check,
)
from .messages import _damaged, _no_text, _too_long, _unsupported, formats_read
from .ocr import _ocr_program
from .pdf import _read_image, _read_pdf
from .plain import _read_text
from .result import Extracted, Unreadable
from .sniffing import _sniff
from .tidy import _tidy
from .word import _read_docx

__all__ = [
    "CHARS_PER_PAGE",
    "IMAGE_MAX_PIXELS",
    "OCR_DPI",
    "OCR_MAX_PIXELS",
    "Extracted",
    "MiB",
    "Unreadable",
    "extract",
    "formats_read",
    "max_bytes",
    "max_pages",
    "ocr_max_pages",
    "ocr_timeout",
    "size_check",
]

logger = logging.getLogger("diarium.reading")


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


_READERS = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "text": _read_text,
    "image": _read_image,
}
