"""A PDF released in part ("utlämnande med maskering"): the phrases that are
secret removed from the text itself, and whole pages withheld, so that what
is handed out no longer holds them, whatever program opens it.

PyMuPDF's redaction annotations (add_redact_annot, apply_redactions) remove
the glyphs, the image pixels and the drawings beneath them from the page's
content; a black box shows where something was removed. A withheld page is
emptied and says that it is withheld, so the copy keeps its page numbers.
The copy also loses what could carry the removed text elsewhere: comments,
form fields and links, bookmarks, attached files, scripts and the document's
metadata (title, author, XMP). Text inside images (a scan without a text
layer) cannot be searched: a scan is redacted through its OCR text layer
(registry.ocr), whose words lie on the words of the image.

Phrases are found case-insensitively (Unicode, not only ASCII: "åsa" finds
"ÅSA"), across line breaks, and with ligatures read as their letters. The
result is checked afterwards by reading its text with pypdf as well as with
PyMuPDF: a phrase still there, or text where a withheld page was, refuses
the copy instead of releasing it.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

PHRASE_MAX = 200  # characters of one phrase to remove
PHRASES_MAX = 100  # phrases in one redaction
_SPACE = re.compile(r"\s+")


def page_notice() -> str:
    """What a withheld page says instead of its content."""
    return _("Sidan lämnas inte ut.")


def fold(text: str) -> str:
    """Text as the search compares it: NFKC (ligatures undone), case-folded,
    every run of white space one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


def phrases_clean(phrases: Sequence[str]) -> list[str]:
    """The phrases as given, trimmed, white space collapsed, empty ones and
    repeats (compared as the search compares them) left out."""
    out, seen = [], set()
    for phrase in phrases or ():
        phrase = _SPACE.sub(" ", str(phrase or "")).strip()
        if phrase and fold(phrase) not in seen:
            seen.add(fold(phrase))
            out.append(phrase)
    return out


@dataclass(frozen=True)
class Redacted:
    """The copy: its bytes, how often each phrase was removed (on the pages
    handed out), and the pages withheld."""

    content: bytes
    hits: dict[str, int]
    pages: list[int]
    page_count: int


@dataclass
class _PageText:
    """A page's text as the search reads it: folded characters, each with the
    box of the glyph it came from (None for the space put between lines) and
    its line."""

    text: str
    boxes: list
    lines: list[int]


def _page_text(page) -> _PageText:
    chars: list[str] = []
    boxes: list = []
    lines: list[int] = []
    line_no = 0

    def put(char: str, box, line: int) -> None:
        if char.isspace():
            if not chars or chars[-1] == " ":
                return
            char, box = " ", None
        chars.append(char)
        boxes.append(box)
        lines.append(line)

    # flags=0: every glyph, those outside the page's visible box too.
    for block in page.get_text("rawdict", flags=0).get("blocks", []):
        for line in block.get("lines", []):
            line_no += 1
            for span in line.get("spans", []):
                for glyph in span.get("chars", []):
                    for char in fold(glyph["c"]) if not glyph["c"].isspace() else " ":
                        put(char, glyph["bbox"], line_no)
            put(" ", None, line_no)  # lines, and blocks, are read as separated by a space
    while chars and chars[-1] == " ":
        chars.pop(), boxes.pop(), lines.pop()
    return _PageText("".join(chars), boxes, lines)


def _occurrences(page_text: _PageText, phrase: str) -> list[list[tuple[float, float, float, float]]]:
    """Each occurrence of the folded `phrase` on the page, as one box per line it spans."""
    found = []
    start = 0
    while (index := page_text.text.find(phrase, start)) >= 0:
        start = index + len(phrase)
        per_line: dict[int, list[float]] = {}
        for i in range(index, start):
            box = page_text.boxes[i]
            if box is None:
                continue
            x0, y0, x1, y1 = box
            union = per_line.setdefault(page_text.lines[i], [x0, y0, x1, y1])
            union[:] = [min(union[0], x0), min(union[1], y0), max(union[2], x1), max(union[3], y1)]
        found.append([tuple(b) for b in per_line.values()])
    return found


def _extracted(data: bytes) -> list[str]:
    """Each page's text, folded, as pypdf reads it."""
    from pypdf import PdfReader

    return [fold(page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def _open(data: bytes):
    import pymupdf

    try:
        document = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # not a PDF MuPDF can read
        raise DomainError(_("PDF-filen kan inte läsas och kan därför inte maskeras."), field="outcome") from exc
    if document.needs_pass:
        raise DomainError(_("PDF-filen är lösenordsskyddad och kan inte maskeras."), field="outcome")
    return document


def _withhold(page) -> None:
    """Empty a page and say that it is withheld."""
    import pymupdf

    page.add_redact_annot(page.rect, fill=(1, 1, 1), cross_out=False)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_REMOVE,
                          graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED,
                          text=pymupdf.PDF_REDACT_TEXT_REMOVE)
    page.insert_text((page.rect.x0 + 56, page.rect.y0 + 72), page_notice(), fontname="helv", fontsize=12)


def _strip_extras(document) -> None:
    """Everything but the pages' own content: comments, form fields, links,
    bookmarks, attached files, scripts and the metadata."""
    for page in document:
        for widget in list(page.widgets() or ()):
            page.delete_widget(widget)
        for annot in list(page.annots() or ()):
            page.delete_annot(annot)
        for link in list(page.get_links()):
            page.delete_link(link)
    document.set_toc([])
    # The OCR text layer (invisible text) is kept: it is what lies under the scan's words.
    document.scrub(hidden_text=False, redactions=False)
    document.set_metadata({})
    document.del_xml_metadata()


def redact_pdf(data: bytes, *, phrases: Sequence[str], pages: Sequence[int]) -> Redacted:
    """The PDF `data` with every occurrence of each phrase removed and the
    `pages` (numbered from 1) withheld. Refused (DomainError, every problem at
    once, on the fields "phrases" and "pages") when a phrase is not in the
    document, a page is not, every page would be withheld, no text would be
    left of a document that had text, or the check afterwards still finds a
    phrase."""
    import pymupdf

    phrases = phrases_clean(phrases)
    document = _open(data)
    count = document.page_count
    errors: dict[str, list[str]] = {}
    wanted = sorted(set(pages))
    outside = [n for n in wanted if not 1 <= n <= count]
    if outside:
        errors.setdefault("pages", []).append(
            _("Handlingen har %(count)s sidor; sidan %(pages)s finns inte.")
            % {"count": count, "pages": ", ".join(str(n) for n in outside)})
    elif wanted and len(wanted) == count:
        errors.setdefault("pages", []).append(
            _("Alla sidor skulle undantas och ingenting skulle lämnas ut. Avslå i stället begäran."))

    texts = [_page_text(page) for page in document]
    hits: dict[str, list] = {}
    for phrase in phrases:
        folded = fold(phrase)
        hits[phrase] = [(number, boxes) for number, text in enumerate(texts)
                        for boxes in _occurrences(text, folded)]
        if not hits[phrase]:
            errors.setdefault("phrases", []).append(
                _("”%(phrase)s” finns inte i handlingens text.") % {"phrase": phrase})
    if not phrases and not wanted:
        errors.setdefault("phrases", []).append(
            _("Ange vad som ska tas bort: ord eller uttryck, sidor som inte lämnas ut, eller båda."))
    if errors:
        raise DomainError(_("Maskeringen kan inte göras."), errors=errors)

    had_text = any(t.text for t in texts)
    for found in hits.values():
        for number, boxes in found:
            if number + 1 in wanted:
                continue  # the whole page goes
            for box in boxes:
                document[number].add_redact_annot(pymupdf.Rect(box), fill=(0, 0, 0), cross_out=False)
    for page in document:
        if page.number + 1 not in wanted:
            page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_PIXELS,
                                  graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED,
                                  text=pymupdf.PDF_REDACT_TEXT_REMOVE)
    for number in wanted:
        _withhold(document[number - 1])
    _strip_extras(document)
    # A full rewrite, not an incremental save: nothing of the old content streams survives.
    content = document.tobytes(garbage=4, deflate=True, clean=True)
    document.close()
    _verify(content, phrases=phrases, pages=wanted, had_text=had_text)
    # Places counted on the pages handed out; a withheld page is one notice, whatever it held.
    places = {phrase: sum(1 for number, _boxes in found if number + 1 not in wanted) for phrase, found in hits.items()}
    return Redacted(content=content, hits=places, pages=wanted, page_count=count)


def _verify(content: bytes, *, phrases: list[str], pages: list[int], had_text: bool) -> None:
    """Read the copy back (pypdf, and PyMuPDF as the search read it): no phrase
    may remain, a withheld page says only that it is withheld, and something
    must be left of a document that had text."""
    extracted = _extracted(content)
    document = _open(content)
    searched = [_page_text(page).text for page in document]
    document.close()
    notice = fold(page_notice())
    errors: dict[str, list[str]] = {}
    for phrase in phrases:
        folded = fold(phrase)
        if any(folded in text for text in extracted) or any(folded in text for text in searched):
            errors.setdefault("phrases", []).append(
                _("”%(phrase)s” kunde inte tas bort helt ur PDF-filen (texten finns kvar i kopian). "
                  "Maska handlingen på annat sätt.") % {"phrase": phrase})
    for number in pages:
        for texts in (extracted, searched):
            if texts[number - 1].replace(notice, "").strip():
                errors.setdefault("pages", []).append(
                    _("Sidan %(n)s kunde inte tömmas helt.") % {"n": number})
                break
    left = "".join(t.replace(notice, "") for t in extracted).strip()
    if had_text and not left:
        field = "phrases" if phrases else "pages"
        errors.setdefault(field, []).append(
            _("Ingen text skulle finnas kvar i kopian. Avslå i stället begäran, eller ta bort mindre."))
    if errors:
        raise DomainError(_("Maskeringen kan inte göras."), errors=errors)
