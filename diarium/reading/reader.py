"""One file read: its bytes to text (extract.py), the text to a Reading
(grammar), or a clear report of why it could not be read. Nothing here
writes: the review screen and `import-documents` queue or register what
comes out (services.py)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from .extract import Unreadable, extract, size_check
from .grammar import read_text
from .grammar.shape import Reading


@dataclass
class Result:
    file: str
    sha256: str
    size: int
    reading: Reading | None = None
    problem: str | None = None  # why the file could not be read, in Swedish
    pages: int = 0
    method: str = ""  # text, pdf, ocr or docx (extract.py)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    content: bytes | None = field(default=None, repr=False)  # the bytes read_path read, for the caller to store


def read_document(name: str, data: bytes) -> Result:
    """Read one file's content; `name` is its name as given (it tells the format
    where the content does not)."""
    started = time.perf_counter()
    result = Result(file=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    try:
        extracted = extract(name, data)
    except Unreadable as exc:
        result.problem = exc.message
    else:
        result.pages, result.method, result.notes = extracted.pages, extracted.method, list(extracted.notes)
        result.reading = read_text(extracted.text)
    result.seconds = time.perf_counter() - started
    return result


def read_path(path: Path, *, name: str | None = None) -> Result:
    """Read a file on disk (the command line's files)."""
    try:
        size_check(Path(path).stat().st_size)
        data = Path(path).read_bytes()
    except Unreadable as exc:
        return Result(file=name or str(path), sha256="", size=0, problem=exc.message)
    except OSError as exc:
        return Result(file=name or str(path), sha256="", size=0,
                      problem=_unreadable_file(exc))
    result = read_document(name or str(path), data)
    result.content = data
    return result


def _unreadable_file(exc: OSError) -> str:
    from django.utils.translation import gettext as _

    return _("Filen kunde inte öppnas: %(reason)s") % {"reason": exc.strerror or exc.__class__.__name__}
