"""Archive benchmark: export closed cases as E-ARK SIPs to the e-archive (issue 22).

    .venv/bin/python bench/archive_bench.py [--cases 10000] [--docx-every 100] [--zip] [--validate-sample 20]

Fills its own database by bulk insert (bypassing the services, as
registry_bench's phase 2): `--cases` closed cases over six organs, each with
an incoming text letter (its own file), a drawn-up PDF/A report (one of four
files) and the history a case has (registered, two documents with their
files, closed); every `--docx-every`th case has a DOCX too, which the export
converts to PDF/A. Then runs `diarium archive export --closed-before …` over
all of them in a process of its own, as an operator would, and reports
packages per second and that process's peak RSS (resource.getrusage of the
child). It also counts the queries per package in-process, and validates a
sample of the packages with every validator (XML Schema, Schematron,
eark-validator). Target: peak RSS < 300 MB, whatever the number of cases.

Its own database (DATABASE_URL if set, else a fresh SQLite file
bench/out/archive.sqlite3), files (bench/out/archive-files/) and packages
(bench/out/archive-packages/, emptied first). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry_bench import OUT, ORGANS, PLACES, ROOT, SUBJECTS, database_open, summary_print  # noqa: E402

TARGET_RSS_MB = 300
CLOSED_BEFORE = "2026-01-01"


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Tjänsteskrivelse", level=1)
    for i in range(12):
        document.add_paragraph(f"Stycke {i}: förvaltningen föreslår att nämnden beslutar enligt förslaget.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdfa(i: int) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>Rad {n} i rapport {i}: uppföljning av verksamheten.</p>" for n in range(20))
    return HTML(string=f'<html lang="sv"><head><title>Rapport {i}</title><meta name="dcterms.created" '
                       f'content="2020-01-01"></head><body><h1>Rapport {i}</h1>{body}</body></html>'
                ).write_pdf(pdf_variant="pdf/a-2b")


def fill(cases: int, docx_every: int) -> None:
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction
    from django.utils import timezone

    from diarium.accounts import services as accounts
    from diarium.registry import services as registry
    from diarium.registry.files import storage_name_for
    from diarium.registry.models import Blob, Case, Document, DocumentFile, Event, SeriesCounter

    rng = random.Random(22)
    org = accounts.organisation_create(name="Benchkommun", slug="bench", org_number="212000-0000")
    organs = [accounts.organ_create(organisation=org, name=n, code=c, kind=k) for c, n, k in ORGANS]
    officers = [accounts.person_create(organisation=org, name=f"Handläggare {i}", organ=organs[i % len(organs)])
                for i in range(20)]
    series = {o.pk: registry.series_for_organ(o) for o in organs}

    def blob(data: bytes, content_type: str) -> Blob:
        sha = hashlib.sha256(data).hexdigest()
        name = storage_name_for(sha)
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(data))
        return Blob(sha256=sha, size=len(data), content_type=content_type, storage_name=name, notes=[])

    reports = [blob(_pdfa(i), "application/pdf") for i in range(4)]
    docx = blob(_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    Blob.objects.bulk_create([*reports, docx])
    last: dict = {}
    made = 0
    started = time.perf_counter()
    while made < cases:
        rows, letters = [], []
        for _ in range(min(2000, cases - made)):
            made += 1
            organ = organs[made % len(organs)]
            s = series[organ.pk]
            year = 2016 + made % 9
            at = timezone.make_aware(dt.datetime(year, 1, 1, 9) + dt.timedelta(days=rng.randrange(300),
                                                                                 minutes=rng.randrange(480)))
            last[(s.pk, year)] = seq = last.get((s.pk, year), 0) + 1
            case = Case(organisation=org, organ=organ, series=s, year=year, seq=seq,
                        diary_number=registry.format_diary_number(org.diary_number_format, year=year, seq=seq,
                                                                  series=s.code),
                        title=f"{rng.choice(SUBJECTS)} – {rng.choice(PLACES)} ({made})",
                        case_officer=officers[made % len(officers)], status="closed", registered_at=at,
                        closed_at=at + dt.timedelta(days=30 + rng.randrange(60)), document_count=2)
            case.refresh_search_text()
            rows.append(case)
            letters.append(blob(f"Hej!\nDetta är skrivelse {made} om {case.title}.\nMed vänlig hälsning\n"
                                .encode(), "text/plain"))
        with transaction.atomic():
            Case.objects.bulk_create(rows, batch_size=1000)
            Blob.objects.bulk_create(letters, batch_size=1000, ignore_conflicts=True)
            documents, files, events = [], [], []
            for case in rows:
                received = case.registered_at + dt.timedelta(days=1)
                drawn = case.registered_at + dt.timedelta(days=20)
                pair = [Document(case=case, organisation_id=case.organisation_id, number=1, direction="incoming", document_date=received.date(),
                                 counterpart="Sökande AB", counterpart_kind="legal", description="Ansökan",
                                 registered_at=received),
                        Document(case=case, organisation_id=case.organisation_id, number=2, direction="drawn_up", document_date=drawn.date(),
                                 description="Tjänsteskrivelse", registered_at=drawn)]
                documents += pair
            Document.objects.bulk_create(documents, batch_size=2000)
            for i, case in enumerate(rows):
                letter, report = documents[2 * i], documents[2 * i + 1]
                files.append(DocumentFile(document=letter, position=1, version=1, filename="ansokan.txt",
                                          blob_id=letters[i].sha256, created_at=letter.registered_at))
                files.append(DocumentFile(document=report, position=1, version=1, filename="tjansteskrivelse.pdf",
                                          blob_id=reports[i % len(reports)].sha256, created_at=report.registered_at))
                if docx_every and (case.seq % docx_every) == 0:
                    files.append(DocumentFile(document=report, position=2, version=1, filename="underlag.docx",
                                              blob_id=docx.sha256, created_at=report.registered_at))
                events.append(Event(organisation=org, case=case, kind=Event.Kind.CASE_REGISTERED,
                                    actor_name="Registrator", at=case.registered_at,
                                    data={"diary_number": case.diary_number}))
                for d in (letter, report):
                    events.append(Event(organisation=org, case=case, document=d, kind=Event.Kind.DOCUMENT_REGISTERED,
                                        actor_name="Registrator", at=d.registered_at, data={"number": d.number}))
                events.append(Event(organisation=org, case=case, kind=Event.Kind.CASE_CLOSED,
                                    actor_name=case.case_officer.name, at=case.closed_at, data={"reason": ""}))
            DocumentFile.objects.bulk_create(files, batch_size=2000)
            Event.objects.bulk_create(events, batch_size=2000)
        print(f"  {made} cases ({time.perf_counter() - started:.0f} s)", flush=True)
    for (series_id, year), seq in last.items():
        SeriesCounter.objects.update_or_create(series_id=series_id, year=year, defaults={"last_seq": seq})


def queries_per_package(chunks: int = 3, chunk: int = 100) -> list[int]:
    """Queries that reading each of the first `chunks` hundreds of records takes
    (the cursor's own query comes with the first): the same for every hundred,
    however many documents and events the cases have."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from diarium.archive.sip import record as records

    counts = []
    iterator = records.case_records(records.cases_find(closed_before=None), chunk_size=chunk)
    for _ in range(chunks):
        with CaptureQueriesContext(connection) as queries:
            for _ in range(chunk):
                next(iterator)
        counts.append(len(queries))
    return counts


def export(out: Path, *, as_zip: bool) -> tuple[float, float, str]:
    """`diarium archive export` in a process of its own: (seconds, peak RSS in MB, its last line)."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, str(ROOT / "manage.py"), "archive", "export", "--closed-before", CLOSED_BEFORE,
               "--out", str(out), "--no-validate"] + (["--zip"] if as_zip else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, env=os.environ.copy(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        sys.exit(f"The export failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    if peak < before:
        peak = before
    lines = done.stdout.strip().splitlines()
    return seconds, peak / 1024, lines[-1] if lines else ""


def validate_sample(out: Path, sample: int) -> tuple[int, int, float]:
    from diarium.archive.sip.validate import package_report

    packages = sorted(out.iterdir())[:: max(1, len(list(out.iterdir())) // max(1, sample))][:sample]
    started = time.perf_counter()
    valid = sum(1 for p in packages if not package_report(p).problems)
    return valid, len(packages), (time.perf_counter() - started) / max(1, len(packages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--docx-every", type=int, default=100, help="every Nth case has a DOCX to convert (0: none)")
    parser.add_argument("--zip", action="store_true", help="export zip files instead of folders")
    parser.add_argument("--validate-sample", type=int, default=20, help="packages validated with every validator")
    parser.add_argument("--reset", action="store_true", help="empty (flush) a DATABASE_URL database used before")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    media = OUT / "archive-files"
    shutil.rmtree(media, ignore_errors=True)
    os.environ["DIARIUM_MEDIA_ROOT"] = str(media)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIARIUM_SECRET_KEY_CREATE", "1")
    os.environ["DIARIUM_VAR_DIR"] = str(OUT / "var")
    database = database_open("archive.sqlite3", "bench", keep=False, reset=args.reset)
    load_before = os.getloadavg()
    started = time.perf_counter()
    fill(args.cases, args.docx_every)
    filled = time.perf_counter() - started
    counts = queries_per_package()
    out = OUT / "archive-packages"
    seconds, peak_mb, summary = export(out, as_zip=args.zip)
    rate = args.cases / seconds
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    valid, sampled, per_package = validate_sample(out, args.validate_sample)
    print(f"\nExport: {summary}")
    results = {"database": database, "cases": args.cases, "docx_every": args.docx_every, "zip": args.zip,
               "fill_seconds": round(filled, 1), "export_seconds": round(seconds, 1),
               "packages_per_second": round(rate, 1), "peak_rss_mb": round(peak_mb, 1),
               "queries_per_package": counts, "output_mb": round(size / 1e6, 1),
               "validated": f"{valid}/{sampled}", "validation_seconds_per_package": round(per_package, 2),
               "load_average": {"before": load_before, "after": os.getloadavg()}}
    summary_print(database, results, [
        ("cases exported", args.cases, "", None),
        ("packages per second", f"{rate:.1f}", "", None),
        ("export peak RSS (its own process)", f"{peak_mb:.0f} MB", f"< {TARGET_RSS_MB} MB", peak_mb < TARGET_RSS_MB),
        ("queries per 100 packages (three hundreds)", "/".join(map(str, counts)), "constant",
         len(set(counts[1:])) == 1 and counts[0] <= counts[1] + 1),
        ("packages on disk", f"{size / 1e6:.0f} MB", "", None),
        (f"valid in a sample of {sampled}", f"{valid}/{sampled}", "all", valid == sampled),
        ("validation per package (all three)", f"{per_package:.2f} s", "", None),
    ], "archive")


if __name__ == "__main__":
    main()
