"""Plain text: its encoding told (UTF-8, UTF-16/32, the single-byte encodings of old Swedish files)."""

from __future__ import annotations

import codecs

from django.utils.translation import gettext as _

from .limits import CHARS_PER_PAGE, max_pages
from .messages import _too_long
from .result import Extracted, Unreadable

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
