"""The limits of reading, settings read lazily (see the package's docstring)."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .result import Unreadable

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
