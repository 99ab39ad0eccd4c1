"""Text layers for scanned PDFs (issue 20): whether OCR is on, whether a PDF
already has text, and OCRmyPDF (Tesseract) run on one. These work on local
temporary files; services/ocr.py reads the stored file, calls them and adds
the result as a new version of the file.

Settings, read lazily:

- ``DIARIUM_OCR``: True or False; None (the default) is on when OCRmyPDF is
  installed and a ``tesseract`` program is on PATH.
- ``DIARIUM_OCR_LANGUAGES``: Tesseract's languages joined by "+" (default
  "swe+eng"; Debian's tesseract-ocr-swe has the Swedish data, English is
  always there).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
from pathlib import Path

from django.conf import settings

from .files import NOTE_OCR_ENCRYPTED, NOTE_OCR_FAILED, NOTE_OCR_SIGNED

logger = logging.getLogger("diarium.registry.ocr")

# A page holds text when pypdf reads at least this many characters (blanks not
# counted) on it: a digital stamp on a scan ("Inkom 2024-05-02 Dnr KS 2024/12")
# is not the page's text, a written page has a thousand or more.
PAGE_TEXT_CHARS = 100
# Pages read to decide whether a PDF has text: most of its first ones.
PAGES_READ = 50


def enabled() -> bool:
    setting = getattr(settings, "DIARIUM_OCR", None)
    if setting is not None:
        return bool(setting)
    return importlib.util.find_spec("ocrmypdf") is not None and shutil.which("tesseract") is not None


def languages() -> list[str]:
    value = getattr(settings, "DIARIUM_OCR_LANGUAGES", None) or "swe+eng"
    return [code.strip() for code in value.split("+") if code.strip()]


def page_text_sizes(path: Path) -> list[int] | None:
    """Characters of text (blanks not counted) on each of the PDF's first
    PAGES_READ pages, or None when pypdf cannot read it (damaged, or encrypted
    with a password; an empty one is opened, as a viewer does)."""
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            return None
        sizes = []
        for page in reader.pages[:PAGES_READ]:
            try:
                text = page.extract_text() or ""
            except Exception:  # one broken page does not make the others unreadable
                text = ""
            sizes.append(sum(not c.isspace() for c in text))
        return sizes
    except Exception as exc:
        logger.info("pypdf cannot read %s: %s: %s", path.name, type(exc).__name__, exc)
        return None


def has_text_layer(sizes: list[int] | None) -> bool:
    """Whether most pages read (page_text_sizes) hold text: written by a
    program, or given text by OCR before."""
    return bool(sizes) and 2 * sum(size >= PAGE_TEXT_CHARS for size in sizes) > len(sizes)


def born_digital(path: Path) -> bool:
    """Whether the PDF was made by a program, not scanned, though it holds little
    text (a short letter, a notice): it is tagged (a structure tree, as PDF/A-a
    and PDF/UA have, which OCR would discard), or none of the pages read shows an
    image. A PDF pypdf cannot read is not judged so (OCRmyPDF then says why)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        root = reader.trailer["/Root"]
        if "/StructTreeRoot" in root or (root.get("/MarkInfo") or {}).get("/Marked"):
            return True
        for page in reader.pages[:PAGES_READ]:
            objects = (page.get("/Resources") or {}).get("/XObject") or {}
            if any(objects[name].get_object().get("/Subtype") == "/Image" for name in objects):
                return False
        return True
    except Exception:  # noqa: BLE001 - damaged or encrypted: left to OCRmyPDF's own verdict
        return False


class Refused(Exception):
    """The PDF cannot have a text layer; `note` says why (a Blob note code, files.note_texts)."""

    def __init__(self, note: str):
        super().__init__(note)
        self.note = note


def ocr_pdf(source: Path, target: Path) -> None:
    """Write `source` with a text layer to `target`: each page turned upright
    when Tesseract is sure of its orientation (rotate_pages), visible text
    kept and every other part of a page read (mode "redo", so a scan with a
    digital stamp is read too), images left as they are (no optimisation),
    a plain PDF out (PDF/A would need Ghostscript, and OCRmyPDF refuses
    Debian 12's 10.0.0 for it), at most two pages at a time.

    Raises Refused for a PDF that cannot have one (encrypted, digitally signed,
    unreadable). A missing program or language, or bad options, is the
    installation's fault, not the file's: those errors propagate."""
    import ocrmypdf
    from ocrmypdf import exceptions

    try:
        result = ocrmypdf.ocr(
            source, target, language=languages(), mode="redo", rotate_pages=True, output_type="pdf",
            optimize=0, progress_bar=False, jobs=min(2, os.cpu_count() or 1),
        )
    except exceptions.EncryptedPdfError as exc:
        raise Refused(NOTE_OCR_ENCRYPTED) from exc
    except exceptions.DigitalSignatureError as exc:
        raise Refused(NOTE_OCR_SIGNED) from exc
    except (exceptions.MissingDependencyError, exceptions.BadArgsError, exceptions.TesseractConfigError,
            exceptions.OutputFileAccessError):
        raise
    except Exception as exc:  # a hostile or broken file must not take the worker down
        logger.warning("OCR of %s failed: %s: %s", source.name, type(exc).__name__, exc, exc_info=True)
        raise Refused(NOTE_OCR_FAILED) from exc
    if result != ocrmypdf.ExitCode.ok:
        logger.warning("OCR of %s ended with %s", source.name, result)
        raise Refused(NOTE_OCR_FAILED)
