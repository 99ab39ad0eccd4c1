"""OCR: pages rendered with PyMuPDF and read by Tesseract (see the package's docstring)."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.utils.translation import gettext as _

from .layout import _layout, _Piece
from .limits import OCR_DPI, OCR_MAX_PIXELS, ocr_max_pages, ocr_timeout
from .messages import _pages_note
from .result import Unreadable

logger = logging.getLogger("diarium.reading")


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
