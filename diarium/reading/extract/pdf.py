"""PDF: each page's text layer, pages without one read by OCR; scanned images, all read by OCR."""

from __future__ import annotations

import io
import logging
import math
import re

from django.utils.translation import gettext as _

from .layout import _COLUMN_EMS, _Piece, _Rows, _rows, _rows_text, _usual_gap
from .limits import CHARS_PER_PAGE, IMAGE_MAX_PIXELS, max_pages
from .messages import _damaged, _pages_note, _too_long, _too_many_pages
from .ocr import _ocr_document
from .result import Extracted, Unreadable

logger = logging.getLogger("diarium.reading")


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
