"""Precision and recall of the detector over a labelled corpus.

A corpus is a sequence of records {"text": ..., "hits": [{"kind", "text"}, ...]},
optionally with "known_names" and "allowed" (the organisation's lists, given to
the Scanner that reads that record). A hit found counts as right when a hit of
the same kind with exactly the same text is labelled (each labelled hit counts
once). Used by tests/test_privacy_detect.py and bench/privacy_bench.py.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .detect import KINDS, Scanner, default_scanner


@dataclass(slots=True)
class KindScore:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)  # (hit text, record text)
    extras: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0


def load(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def score(records: Iterable[Mapping]) -> dict[str, KindScore]:
    scores = {kind: KindScore() for kind in KINDS}
    for record in records:
        text = record["text"]
        if record.get("known_names") or record.get("allowed"):
            scanner = Scanner(known_names=record.get("known_names", ()), allowed=record.get("allowed", ()))
        else:
            scanner = default_scanner()
        found = Counter((hit.kind, hit.text) for hit in scanner.scan(text))
        labelled = Counter((hit["kind"], hit["text"]) for hit in record["hits"])
        for kind, hit_text in found | labelled:
            right = min(found[kind, hit_text], labelled[kind, hit_text])
            kind_score = scores[kind]
            kind_score.true_positives += right
            if found[kind, hit_text] > right:
                kind_score.false_positives += found[kind, hit_text] - right
                kind_score.extras.append((hit_text, text))
            if labelled[kind, hit_text] > right:
                kind_score.false_negatives += labelled[kind, hit_text] - right
                kind_score.misses.append((hit_text, text))
    return scores


def table(scores: Mapping[str, KindScore]) -> str:
    """The scores as a plain-text table, one kind a line."""
    lines = [f"{'kind':<14}{'labelled':>9}{'found':>7}{'right':>7}{'precision':>11}{'recall':>8}"]
    for kind, kind_score in scores.items():
        labelled = kind_score.true_positives + kind_score.false_negatives
        found = kind_score.true_positives + kind_score.false_positives
        lines.append(f"{kind:<14}{labelled:>9}{found:>7}{kind_score.true_positives:>7}"
                     f"{kind_score.precision:>11.3f}{kind_score.recall:>8.3f}")
    return "\n".join(lines)
