"""The reader measured on the reading corpus (issue 23).

    .venv/bin/python bench/migration/evaluate.py [--verbose] [--only TEXT] [--json FILE]

Reads every document of tests/data/reading/ that has an expected reading
(NAME.expected.json, whose `file` names the document) with the reader
(`diarium.reading.reader.read_path`, the same code `import-documents` runs),
and compares what it read with what the document says, field by field
(bench/migration/scoring.py states the rules). Prints precision and recall
per field and overall, the figures per kind of document, and with --verbose
every file's mismatches: what was expected and not read (-), and what was
read and not expected (+).

Needs no database: Django is set up for the settings only. The scanned PDFs
are read through OCR when the reader does so, which takes some seconds each.
This is a measurement, not a test: it exits 0 however the reader scores,
1 when a document could not be read at all, 2 when the reader is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DATA = ROOT / "tests" / "data" / "reading"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from scoring import OVERALL, compare, f1, score  # noqa: E402


def load_expected(data: Path, only: str | None = None) -> list[dict]:
    readings = []
    for path in sorted(data.glob("*.expected.json")):
        reading = json.loads(path.read_text(encoding="utf-8"))
        if only and only.casefold() not in reading["file"].casefold():
            continue
        readings.append(reading)
    return readings


def setup_reader():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    import django

    django.setup()
    from diarium.reading.reader import read_path

    return read_path


def read_all(read_path, data: Path, expected: list[dict]) -> tuple[list[dict], list[dict]]:
    """The readings, and one row per file: time, method, pages, problem."""
    actual, runs = [], []
    for reading in expected:
        name = reading["file"]
        started = time.perf_counter()
        try:
            result = read_path(data / name, name=name)
            reading_json = result.reading.as_json(name) if result.reading is not None and not result.problem else None
        except Exception as exc:  # a reader that fails on one file is measured on the others
            result, reading_json = None, None
            problem = f"the reader failed: {exc.__class__.__name__}: {exc}"
        else:
            problem = result.problem if reading_json is None else None
        seconds = time.perf_counter() - started
        runs.append({"file": name, "seconds": round(seconds, 3), "method": getattr(result, "method", ""),
                     "pages": getattr(result, "pages", 0), "problem": problem or (None if reading_json else "no reading")})
        if reading_json is not None:
            actual.append(reading_json)
    return actual, runs


def _pct(value) -> str:
    return "    –" if value is None else f"{value * 100:5.1f}"


def print_table(title: str, rows: dict[str, dict], label: str = "field", out=sys.stdout) -> None:
    print(f"\n{title}", file=out)
    print(f"{label:<24} {'tp':>5} {'fp':>5} {'fn':>5} {'prec%':>6} {'rec%':>6} {'f1%':>6}", file=out)
    for name, row in rows.items():
        if name == OVERALL:
            print("-" * 62, file=out)
        print(f"{name:<24} {row['tp']:>5} {row['fp']:>5} {row['fn']:>5} {_pct(row['precision']):>6} "
              f"{_pct(row['recall']):>6} {_pct(f1(row)):>6}", file=out)


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def print_mismatches(expected: list[dict], actual: list[dict], runs: list[dict], out=sys.stdout) -> None:
    by_file = {reading["file"]: reading for reading in actual}
    problems = {run["file"]: run["problem"] for run in runs if run["problem"]}
    print("\nMismatches per file (- expected, not read; + read, not expected)", file=out)
    for reading in expected:
        name = reading["file"]
        tallies = compare(reading, by_file.get(name))
        wrong = {field: t for field, t in tallies.items() if t.fp or t.fn}
        if not wrong and name not in problems:
            print(f"\n{name}: all fields right", file=out)
            continue
        print(f"\n{name} ({reading['kind']})", file=out)
        if name in problems:
            print(f"  NOT READ: {problems[name]}", file=out)
        for field, tally in wrong.items():
            print(f"  {field}:", file=out)
            for value in tally.missing:
                print(f"    - {_show(value)}", file=out)
            for value in tally.extra:
                print(f"    + {_show(value)}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the corpus folder (default tests/data/reading)")
    parser.add_argument("--only", help="only files whose name contains this")
    parser.add_argument("--verbose", "-v", action="store_true", help="every file's mismatches")
    parser.add_argument("--json", type=Path, help="write the figures and the readings to this file")
    args = parser.parse_args(argv)

    expected = load_expected(args.data, args.only)
    if not expected:
        print(f"No expected readings in {args.data}", file=sys.stderr)
        return 1
    try:
        read_path = setup_reader()
    except ImportError as exc:
        print(f"The reader cannot be imported ({exc}); nothing to measure yet.", file=sys.stderr)
        return 2

    started = time.perf_counter()
    actual, runs = read_all(read_path, args.data, expected)
    elapsed = time.perf_counter() - started

    figures = score(expected, actual)
    kinds: dict[str, list[dict]] = defaultdict(list)
    for reading in expected:
        kinds[reading["kind"]].append(reading)
    per_kind = {kind: score(readings, actual)[OVERALL] for kind, readings in sorted(kinds.items())}

    if args.verbose:
        print_mismatches(expected, actual, runs)
    print(f"\nRead {len(expected)} documents in {elapsed:.1f} s "
          f"({sum(1 for run in runs if run['problem'])} could not be read)")
    methods = defaultdict(int)
    for run in runs:
        methods[run["method"] or "-"] += 1
    print("By method: " + ", ".join(f"{method} {count}" for method, count in sorted(methods.items())))
    for run in runs:
        if run["problem"]:
            print(f"  not read: {run['file']}: {run['problem']}")
    print_table("Per field", figures)
    print_table("Per kind (all fields)", {f"{kind} ({len(kinds[kind])})": row for kind, row in per_kind.items()},
                label="kind (documents)")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"fields": figures, "kinds": per_kind, "runs": runs, "readings": actual},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(run["problem"] for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
