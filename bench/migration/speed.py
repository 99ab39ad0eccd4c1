"""Reading speed of bulk migration (issue 23).

    .venv/bin/python bench/migration/speed.py [--documents 400] [--pages 60]

Text documents: every text source of the test corpus (tests/data/reading/,
and the seed) read through the whole reader (reader.read_document: format
detection, decoding, language check and the grammar), repeated with their
diary numbers and dates shifted so no two are the same, until `--documents`
have been read. PDF: a text-layer PDF of `--pages` pages of municipal prose
(fpdf2, DejaVu Sans) read the same way. Prints documents/s, pages/s and the
slowest document. Targets: ≥ 20 text documents/s, ≥ 2 PDF pages/s.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-migration")

TEXT_TARGET, PDF_TARGET = 20.0, 2.0
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CORPUS = ROOT / "tests" / "data" / "reading"
SEED = ROOT.parent / "shared" / "seed" / "alingsas-2017-676-ks-tjansteskrivelse.txt"


def sources() -> list[tuple[str, str]]:
    found = sorted(p for p in CORPUS.glob("*.txt") if not p.name.endswith(".expected.json"))
    if SEED.exists():
        found.append(SEED)
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in found]
    if not texts:
        sys.exit("no text documents found under tests/data/reading/ or the seed")
    return texts


def shifted(text: str, n: int) -> str:
    """The same document with its running numbers and years moved: a new document to the reader."""
    text = re.sub(r"\b(20[0-2]\d)([./])(\d{1,5})\b", lambda m: f"{m[1]}{m[2]}{int(m[3]) + n}", text)
    return re.sub(r"§ ?(\d{1,3})\b", lambda m: f"§ {int(m[1]) + n % 50}", text)


def pdf_of(pages: int, texts: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=10)
    body = "\n".join(texts)
    lines = [line for line in body.splitlines() if line.strip()] or ["Kommunstyrelsen"]
    i = 0
    for number in range(pages):
        pdf.add_page()
        pdf.cell(0, 6, f"Sida {number + 1} av {pages}", new_x="LMARGIN", new_y="NEXT")
        for _ in range(45):
            pdf.multi_cell(0, 5, lines[i % len(lines)][:180], new_x="LMARGIN", new_y="NEXT")
            i += 1
            if pdf.get_y() > 270:
                break
    return bytes(pdf.output())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    import django

    django.setup()
    from diarium.reading.reader import read_document

    texts = sources()
    read_document("warm-up.txt", texts[0][1].encode())  # imports and compiled rules, once
    timings, problems = [], 0
    started = time.perf_counter()
    for n in range(args.documents):
        name, text = texts[n % len(texts)]
        t0 = time.perf_counter()
        result = read_document(f"{n}-{name}", shifted(text, n // len(texts)).encode("utf-8"))
        timings.append((time.perf_counter() - t0, name))
        problems += result.reading is None
    elapsed = time.perf_counter() - started
    per_s = args.documents / elapsed
    slowest = max(timings)
    print(f"text documents: {args.documents} ({len(texts)} sources) in {elapsed:.2f} s = {per_s:.1f} documents/s "
          f"(target ≥ {TEXT_TARGET:.0f}); median {statistics.median(t for t, _ in timings) * 1000:.1f} ms, "
          f"slowest {slowest[0] * 1000:.1f} ms ({slowest[1]}); unread: {problems}")
    pdf = pdf_of(args.pages, [t for _, t in texts])
    t0 = time.perf_counter()
    result = read_document("bench.pdf", pdf)
    pdf_s = time.perf_counter() - t0
    if result.reading is None:
        sys.exit(f"the PDF was not read: {result.problem}")
    print(f"PDF with a text layer: {result.pages} pages ({len(pdf) // 1024} kB) in {pdf_s:.2f} s = "
          f"{result.pages / pdf_s:.1f} pages/s (target ≥ {PDF_TARGET:.0f}); method {result.method}")
    ok = per_s >= TEXT_TARGET and result.pages / pdf_s >= PDF_TARGET and problems == 0
    print("targets met" if ok else "TARGETS NOT MET")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
