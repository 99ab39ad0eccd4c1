"""OCR benchmark: a 10-page scan given its text layer in the worker (issue 20).

    .venv/bin/python bench/ocr_bench.py [--pages 10] [--dpi 300] [--runs 1]

Uses its own database (DATABASE_URL if set, else a fresh SQLite file
bench/out/ocr.sqlite3) and file folder, set up like the remiss benchmark.
Makes an image-only PDF of `--pages` A4 pages of Swedish text (about 40 lines
of 11 pt a page, greyscale at `--dpi`, as an office scanner makes them),
registers it on a case with OCR off, then times the worker's task
(`registry.tasks.file_ocr`, run at once) with OCR on: reading the stored file,
OCRmyPDF with Tesseract (swe+eng), storing the new version and the masking
assistant reading it, search's outbox included. Target: ≤ 60 s for 10 pages.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from remiss_bench import OUT  # noqa: E402  (same environment)

TARGET_S = 60.0
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SENTENCES = [
    "Kommunstyrelsen har gett förvaltningen i uppdrag att ta fram en handlingsplan för digitalisering.",
    "Planen ska bidra till en öppen och smart kommun där invånarna kan följa ärenden från början till slut.",
    "Under året har arbetet med e-tjänster för bygglov, skolskjuts och färdtjänst fortsatt enligt tidplanen.",
    "Samhällsbyggnadsnämnden föreslår att detaljplanen för Stadsskogen skickas ut på samråd under våren.",
    "Synpunkter från remissinstanserna har sammanställts och redovisas i en bilaga till tjänsteskrivelsen.",
    "Kostnaden för utbyggnaden av bredband på landsbygden beräknas till tolv miljoner kronor.",
    "Förvaltningen bedömer att åtgärderna ryms inom den budget som fullmäktige har beslutat om.",
    "Uppföljningen visar att målen för kollektivtrafik och gång- och cykelvägar i huvudsak har nåtts.",
]


def scan_pdf(pages: int, dpi: int) -> bytes:
    """An image-only PDF: each page a greyscale image of about 40 lines of text."""
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    font_px = round(11 / 72 * dpi)
    font = ImageFont.truetype(FONT, font_px)
    width, height, margin = int(8.27 * dpi), int(11.69 * dpi), int(0.9 * dpi)
    images = []
    for number in range(pages):
        img = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(img)
        text = " ".join(SENTENCES[(number + i) % len(SENTENCES)] for i in range(12))
        lines = [f"Sida {number + 1} av {pages}", ""] + textwrap.wrap(text, 68)
        y = margin
        for line in lines:
            if y > height - margin:
                break
            draw.text((margin, y), line, fill=0, font=font)
            y += int(font_px * 1.5)
        images.append(img)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--runs", type=int, default=1, help="timed OCR runs (each on a fresh document)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    import remiss_bench

    remiss_bench.setup_environment(reset=True, sqlite_name="ocr.sqlite3")

    import datetime as dt

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from diarium.accounts import services as accounts
    from diarium.accounts.models import Organ, Role
    from diarium.registry import ocr, services, tasks
    from diarium.registry.files import blob_open

    settings.DIARIUM_OCR = True
    if not ocr.enabled():
        sys.exit("OCR is not available here (pip install ocrmypdf; apt-get install tesseract-ocr tesseract-ocr-swe)")
    data = scan_pdf(args.pages, args.dpi)
    org = accounts.organisation_create(name="OCR-benchmark kommun", slug="ocr-bench")
    ks = accounts.organ_create(organisation=org, name="Kommunstyrelsen", code="KS", kind=Organ.Kind.EXECUTIVE_BOARD)
    user = accounts.user_create(username="bench-registrar", password="Bench-Lösenord-123")
    accounts.role_grant(user=user, organisation=org, role=Role.REGISTRAR)
    case = services.case_register(actor=user, organ=ks, title="Inskannade handlingar")

    samples, layered = [], None
    for run in range(args.runs):
        settings.DIARIUM_OCR = False  # registered as a scan; the worker's task is timed below
        document = services.document_register(
            actor=user, case=case, direction="incoming", document_date=dt.date.today(),
            counterpart="Samhällsbyggnadskontoret", description=f"Inskannad rapport {run + 1}",
            files=[SimpleUploadedFile("rapport.pdf", data, content_type="application/pdf")])
        settings.DIARIUM_OCR = True
        scan = document.files.get()
        started = time.perf_counter()
        added = tasks.file_ocr.enqueue(scan.pk).return_value
        samples.append(time.perf_counter() - started)
        assert added, "no text layer was added"
        layered = document.files.get(version=2)

    from pypdf import PdfReader

    with blob_open(layered.blob) as fh:
        texts = [page.extract_text() or "" for page in PdfReader(fh).pages]
    read = sum(f"Sida {n} av {args.pages}" in text for n, text in enumerate(texts, start=1))
    seconds = statistics.median(samples)
    print(f"\nOCR benchmark on {connection.vendor}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}\n")
    rows = [
        (f"scan: {args.pages} pages at {args.dpi} dpi", f"{len(data) // 1024} kB", "", None),
        (f"OCR task, {args.pages} pages (median of {args.runs})", f"{seconds:.1f} s ({seconds / args.pages:.1f} s/page)",
         f"≤ {TARGET_S:.0f} s", seconds <= TARGET_S),
        ("pages whose text has their own page number", f"{read} of {len(texts)}", "", None),
        ("the version with the text layer", f"{layered.blob.size // 1024} kB", "", None),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, target, ok in rows:
        print(f"  {label:<{width}}  {value:<26} {target:<8} {'' if ok is None else 'ok' if ok else 'MISSED'}")
    print()


if __name__ == "__main__":
    main()
