"""The reading of one document: the exact shape `import-documents --json`
prints (docs/READING.md), and what the reader keeps beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("officer_report", "notice", "minutes", "minutes_excerpt", "remiss_answer", "decision_letter", "other")

# Every field of the printed shape but `file` and `confidence`, in order.
FIELDS = ("kind", "organisation", "organ", "date", "title", "diary_numbers", "officers", "references",
          "proposals", "remiss", "recipients", "signatories", "items", "attendance", "chair", "adjusters",
          "paragraphs", "posted")
_LISTS = {"diary_numbers", "officers", "references", "proposals", "recipients", "signatories", "items",
          "adjusters", "paragraphs"}


# The fields a registration of each kind rests on: `--accept-above` registers
# a reading directly only when every one of them is at least that sure.
KEY_FIELDS = {
    "officer_report": ("kind", "organisation", "organ", "date", "title", "diary_numbers", "proposals"),
    "remiss_answer": ("kind", "organisation", "date", "title", "diary_numbers"),
    "decision_letter": ("kind", "organisation", "organ", "date", "title", "diary_numbers"),
    "notice": ("kind", "organisation", "organ", "date", "items"),
    "minutes": ("kind", "organisation", "organ", "date", "items", "paragraphs", "attendance"),
    "minutes_excerpt": ("kind", "organisation", "organ", "date", "title", "paragraphs", "diary_numbers"),
    "other": ("kind", "organisation", "date", "title", "diary_numbers"),
}


@dataclass(frozen=True)
class Found:
    """A value found in the text, and where: text[start:end] is what was read."""

    start: int
    end: int
    value: Any
    text: str
    confidence: float = 1.0  # how sure the rule that found it is (a label beside it, a known form)


def leftmost_longest(found: list[Found]) -> list[Found]:
    """The finds that do not overlap, in text order: at each place the
    longest, and a find inside one already taken is dropped."""
    out: list[Found] = []
    last_end = -1
    for item in sorted(found, key=lambda item: (item.start, -item.end)):
        if item.start >= last_end:
            out.append(item)
            last_end = item.end
    return out


@dataclass
class Reading:
    """What the reader made of one document. `values` holds the printed
    fields (docs/READING.md) with dates as ISO strings; `confidence` one
    number per field; `spans` where in `text` each field's values were
    found (for the review screen); `extra` what the printed shape does not
    carry (a meeting's `place`, `start_time`, `end_time` as "HH:MM")."""

    text: str
    values: dict[str, Any] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self.values.setdefault("kind", "other")
        for name in FIELDS:
            self.values.setdefault(name, [] if name in _LISTS else None)

    def set(self, name: str, value: Any, confidence: float, *spans: tuple[int, int]) -> None:
        """Set a field with how sure the reader is, and where it was read."""
        self.values[name] = value
        self.confidence[name] = round(max(0.0, min(1.0, confidence)), 2)
        if spans:
            self.spans[name] = [tuple(s) for s in spans]

    def mark(self, name: str, *spans: tuple[int, int]) -> None:
        """Add where a field's values were read."""
        self.spans.setdefault(name, []).extend(tuple(s) for s in spans)

    def overall(self) -> float:
        """How sure the reader is of the whole: the least sure of the fields a
        registration rests on for this kind (KEY_FIELDS)."""
        keys = KEY_FIELDS.get(self.values.get("kind") or "other", KEY_FIELDS["other"])
        return min((self.confidence.get(name, 0.0) for name in keys), default=0.0)

    def as_json(self, file: str) -> dict[str, Any]:
        """The printed shape, every key present, in the documented order."""
        out: dict[str, Any] = {"file": file}
        for name in FIELDS:
            out[name] = self.values.get(name)
        out["confidence"] = {name: self.confidence.get(name, 0.5) for name in FIELDS}
        return out
