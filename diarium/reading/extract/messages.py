"""The Swedish reports for the registrar: why a file is not read, and notes naming pages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .limits import CHARS_PER_PAGE, max_pages


def formats_read() -> str:
    return _("Inläsningen läser PDF, Word (DOCX), ren text (TXT) och skannade bilder (PNG, JPEG, TIFF).")


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
