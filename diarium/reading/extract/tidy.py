"""Tidying each page's text, whatever format it was read from."""

from __future__ import annotations

import re
import unicodedata

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
