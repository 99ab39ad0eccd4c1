"""Field-level scoring of readings against the expected readings of the corpus
(tests/data/reading/*.expected.json, the shape of docs/READING.md).

    score(expected, actual) -> {field: {"tp", "fp", "fn", "precision", "recall"}}

Both lists hold reading objects as `import-documents --json` prints them; they
are paired by their `file`. An expected file with no reading (the reader
failed on it) counts as a reading that found nothing. Readings of files that
are not expected are ignored. `confidence` is not scored.

The rules:

- Scalar fields (kind, organisation, organ, date, title, chair, and the
  nested remiss.deadline, posted.from, posted.to): a value that is not null is
  a prediction. It is a true positive when it equals the expected value after
  normalising (casefold, blanks collapsed, every dash – — ‐ − as "-", trailing
  punctuation off); otherwise a false positive, and a false negative too when
  a value was expected. A null where a value was expected is a false negative.
- List fields are multisets of normalised items: diary_numbers, officers,
  recipients, adjusters, paragraphs, remiss.recipients, attendance.members,
  attendance.others; signatories by name and title; attendance.substitutes
  by name and the member replaced (`for`); references by organ, date and
  paragraph (not the text as written).
- proposals: one expected and one read proposal match when the organ is the
  same, both have a condition or both have none, and the texts are at least
  85 % alike (difflib's ratio on the normalised texts).
- items: they match when the paragraph is the same (or, where either has no
  paragraph, the item number), the titles are at least 85 % alike, and the
  diary number is the same where the expected item has one.
Structured items are paired greedily, the most alike pair first; each item is
used once.

`precision` is tp / (tp + fp) and `recall` tp / (tp + fn); either is None
when its denominator is 0. The key "overall" sums every field.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import Any

SIMILARITY = 0.85

SCALARS = ("kind", "organisation", "organ", "date", "title", "chair")
LISTS = ("diary_numbers", "officers", "recipients", "adjusters", "paragraphs")

# Every scored field, in the order of docs/READING.md.
FIELDS = (
    "kind", "organisation", "organ", "date", "title", "diary_numbers", "officers", "references", "proposals",
    "remiss.recipients", "remiss.deadline", "recipients", "signatories", "items", "attendance.members",
    "attendance.substitutes", "attendance.others", "chair", "adjusters", "paragraphs", "posted.from", "posted.to",
)
OVERALL = "overall"

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_TRAILING = " \t\n.,;:!?"


def norm(value: Any) -> str | None:
    """A value as it is compared: text, casefolded, blanks collapsed, dashes
    alike, trailing punctuation off. None stays None; an empty result is None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).translate(_DASHES).replace("\u00ad", "")
    text = " ".join(text.split()).casefold().rstrip(_TRAILING)
    return text or None


def norm_number(value: Any) -> str | None:
    """A paragraph or item number: 55, "55", "§ 55", "55." are all "55"."""
    text = norm(value)
    if text is None:
        return None
    return text.replace("§", "").replace(" ", "").strip(_TRAILING) or None


def similarity(a: str | None, b: str | None) -> float:
    if a is None or b is None:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


class Tally:
    """True positives, false positives and false negatives of one field, and
    what was missed and what was wrong (for the per-file report)."""

    __slots__ = ("tp", "fp", "fn", "missing", "extra")

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.missing: list[Any] = []
        self.extra: list[Any] = []

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, Any]:
        predicted, expected = self.tp + self.fp, self.tp + self.fn
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.tp / predicted, 4) if predicted else None,
            "recall": round(self.tp / expected, 4) if expected else None,
        }


# Reading values defensively: a reader may give a wrong type.

def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _get(reading: dict[str, Any], path: str) -> Any:
    value: Any = reading
    for part in path.split("."):
        value = _obj(value).get(part)
    return value


# Scorers ---------------------------------------------------------------------------------

def score_scalar(expected: Any, actual: Any, normalise: Callable[[Any], str | None] = norm) -> Tally:
    tally = Tally()
    e, a = normalise(expected), normalise(actual)
    if a is not None and a == e:
        tally.tp = 1
        return tally
    if a is not None:
        tally.fp = 1
        tally.extra.append(actual)
    if e is not None:
        tally.fn = 1
        tally.missing.append(expected)
    return tally


def score_multiset(expected: Iterable[Any], actual: Iterable[Any], key: Callable[[Any], Any]) -> Tally:
    tally = Tally()
    exp = [(key(item), item) for item in expected]
    act = [(key(item), item) for item in actual]
    exp = [(k, item) for k, item in exp if k is not None]
    act = [(k, item) for k, item in act if k is not None]
    common = Counter(k for k, _ in exp) & Counter(k for k, _ in act)
    tally.tp = sum(common.values())
    tally.fn = len(exp) - tally.tp
    tally.fp = len(act) - tally.tp
    for pairs, target in ((exp, tally.missing), (act, tally.extra)):
        left = Counter(common)
        for k, item in pairs:
            if left[k]:
                left[k] -= 1
            else:
                target.append(item)
    return tally


def score_matched(expected: list[Any], actual: list[Any], likeness: Callable[[Any, Any], float | None]) -> Tally:
    """Pair items greedily by likeness (None: they cannot match), best first."""
    pairs = []
    for i, e in enumerate(expected):
        for j, a in enumerate(actual):
            value = likeness(e, a)
            if value is not None:
                pairs.append((-value, i, j))
    pairs.sort()
    used_e: set[int] = set()
    used_a: set[int] = set()
    for _, i, j in pairs:
        if i not in used_e and j not in used_a:
            used_e.add(i)
            used_a.add(j)
    tally = Tally()
    tally.tp = len(used_e)
    tally.fn = len(expected) - tally.tp
    tally.fp = len(actual) - tally.tp
    tally.missing = [e for i, e in enumerate(expected) if i not in used_e]
    tally.extra = [a for j, a in enumerate(actual) if j not in used_a]
    return tally


def _proposal_likeness(e: Any, a: Any) -> float | None:
    e, a = _obj(e), _obj(a)
    if norm(e.get("organ")) != norm(a.get("organ")):
        return None
    if bool(norm(e.get("condition"))) != bool(norm(a.get("condition"))):
        return None
    ratio = similarity(norm(e.get("text")), norm(a.get("text")))
    return ratio if ratio >= SIMILARITY else None


def _item_likeness(e: Any, a: Any) -> float | None:
    e, a = _obj(e), _obj(a)
    ep, ap = norm_number(e.get("paragraph")), norm_number(a.get("paragraph"))
    en, an = norm_number(e.get("number")), norm_number(a.get("number"))
    if ep is not None and ap is not None:
        if ep != ap:
            return None
    elif en is not None and an is not None:
        if en != an:
            return None
    else:
        return None
    expected_dnr = norm(e.get("diary_number"))
    if expected_dnr is not None and expected_dnr != norm(a.get("diary_number")):
        return None
    ratio = similarity(norm(e.get("title")), norm(a.get("title")))
    return ratio if ratio >= SIMILARITY else None


def _signatory_key(item: Any) -> Any:
    item = _obj(item)
    name = norm(item.get("name"))
    return None if name is None else (name, norm(item.get("title")) or "")


def _substitute_key(item: Any) -> Any:
    item = _obj(item)
    name = norm(item.get("name"))
    return None if name is None else (name, norm(item.get("for")) or "")


def _reference_key(item: Any) -> Any:
    item = _obj(item)
    return (norm(item.get("organ")) or "", norm(item.get("date")), norm_number(item.get("paragraph")))


def compare(expected: dict[str, Any], actual: dict[str, Any] | None) -> dict[str, Tally]:
    """One document: a Tally for every field of FIELDS."""
    actual = actual if isinstance(actual, dict) else {}
    out: dict[str, Tally] = {}
    for name in FIELDS:
        e, a = _get(expected, name), _get(actual, name)
        if name in SCALARS or name in ("remiss.deadline", "posted.from", "posted.to"):
            out[name] = score_scalar(e, a)
        elif name == "paragraphs":
            out[name] = score_multiset(_list(e), _list(a), norm_number)
        elif name in LISTS or name in ("remiss.recipients", "attendance.members", "attendance.others"):
            out[name] = score_multiset(_list(e), _list(a), norm)
        elif name == "signatories":
            out[name] = score_multiset(_list(e), _list(a), _signatory_key)
        elif name == "attendance.substitutes":
            out[name] = score_multiset(_list(e), _list(a), _substitute_key)
        elif name == "references":
            out[name] = score_multiset(_list(e), _list(a), _reference_key)
        elif name == "proposals":
            out[name] = score_matched(_list(e), _list(a), _proposal_likeness)
        elif name == "items":
            out[name] = score_matched(_list(e), _list(a), _item_likeness)
        else:  # pragma: no cover - FIELDS and the branches above are kept in step
            raise AssertionError(name)
    return out


def score(expected: list[dict], actual: list[dict]) -> dict[str, dict[str, Any]]:
    """Precision and recall per field over the corpus, and "overall"."""
    by_file: dict[Any, dict] = {}
    for reading in actual:
        if isinstance(reading, dict) and reading.get("file") is not None:
            by_file.setdefault(reading["file"], reading)
    totals = {name: Tally() for name in FIELDS}
    for reading in expected:
        for name, tally in compare(reading, by_file.get(reading.get("file"))).items():
            totals[name].add(tally)
    overall = Tally()
    for tally in totals.values():
        overall.add(tally)
    result = {name: tally.as_dict() for name, tally in totals.items()}
    result[OVERALL] = overall.as_dict()
    return result


def f1(row: dict[str, Any]) -> float | None:
    """The harmonic mean of a row's precision and recall (for the summary)."""
    p, r = row.get("precision"), row.get("recall")
    if p is None or r is None or p + r == 0:
        return None
    return round(2 * p * r / (p + r), 4)

