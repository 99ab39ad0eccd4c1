"""What reading a file gives: its text (Extracted), or why it cannot be read (Unreadable)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Extracted:
    text: str  # the document's text, pages separated by "\f" (form feed)
    pages: int
    method: str  # "text" | "pdf" | "ocr" | "docx"
    notes: list[str] = field(default_factory=list)  # Swedish remarks for the registrar


class Unreadable(Exception):
    """The file cannot be read; `message` says why, in Swedish, for the registrar."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
