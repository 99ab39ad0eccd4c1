"""Registry benchmark: registration throughput, page latency and queries per page.

    .venv/bin/python bench/registry_bench.py [--cases 10000] [--fill 100000]

Uses its own database (DATABASE_URL if set, else a fresh SQLite file under
bench/out/) and its own file folder under bench/out/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

TARGET_REGISTER_PER_S = 300
TARGET_P95_MS = 50
TARGET_QUERIES = 10
ORG_SLUG = "bench"

SUBJECTS = ["Bygglov", "Detaljplan", "Remiss", "Skolskjuts", "Tillsyn", "Avtal", "Upphandling",
            "Medborgarförslag", "Motion", "Budget", "Trafiksäkerhet", "Bredband", "Bibliotek",
            "Äldreboende", "Förskola", "Informationssäkerhet"]
PLACES = ["Stadsskogen", "Noltorp", "Sollebrunn", "Ingared", "centrum", "Hemsjö", "Bjärke",
          "Långared", "Gräfsnäs", "Östlyckan"]
ORGANS = [("KS", "Kommunstyrelsen", "executive_board"), ("BUN", "Barn- och ungdomsnämnden", "board"),
          ("SN", "Socialnämnden", "board"), ("BMN", "Bygg- och miljönämnden", "board"),
          ("SBN", "Samhällsbyggnadsnämnden", "board"), ("KFN", "Kultur- och fritidsnämnden", "board")]
YEARS = list(range(2016, 2026))


# --- environment (before Django is imported) -------------------------------------------
def setup_environment(reset: bool) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    media = OUT / "files"
    shutil.rmtree(media, ignore_errors=True)
    os.environ["DIARIUM_MEDIA_ROOT"] = str(media)
    os.environ["DIARIUM_VAR_DIR"] = str(OUT / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIARIUM_SECRET_KEY_CREATE", "1")  # a key of its own under var/, as `make bench`
    _database_migrate("bench.sqlite3", fresh=True)
    from django.core.management import call_command
    from django.db import connection

    from diarium.accounts.models import Organisation

    if Organisation.objects.filter(slug=ORG_SLUG).exists():
        if not reset:
            sys.exit("The benchmark database already holds a run; pass --reset to empty it (flush).")
        call_command("flush", interactive=False, verbosity=0)
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


def _postgres_database_ensure(settings_dict) -> None:
    """Create the benchmark database on first use."""
    import psycopg

    params = {k: v for k, v in {
        "host": settings_dict.get("HOST"), "port": settings_dict.get("PORT"),
        "user": settings_dict.get("USER"), "password": settings_dict.get("PASSWORD"),
    }.items() if v}
    name = settings_dict["NAME"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def _database_migrate(sqlite_name: str, *, fresh: bool) -> None:
    """DATABASE_URL if set (a PostgreSQL database is created on first use), else
    the SQLite file bench/out/<sqlite_name>, deleted first if `fresh`; then Django
    is set up and the database migrated."""
    if not os.environ.get("DATABASE_URL"):
        db = OUT / sqlite_name
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        _postgres_database_ensure(connection.settings_dict)
    call_command("migrate", interactive=False, verbosity=0)


def summary_print(database: str, results: dict, rows: list[tuple], name: str, widths=(42, 24, 24)) -> None:
    """The closing table of a benchmark (opendata, search): the load average of
    each phase, a line per (label, value, target, ok), where ok None is a figure
    without a target; sets results["pass"] and writes bench/out/<name>.json."""
    label_width, value_width, target_width = widths
    print(f"\nSummary ({database}; {os.cpu_count()} CPUs, load average "
          + ", ".join(f"{k} {v[0]:.1f}" for k, v in results["load_average"].items()) + ")")
    for label, value, target, ok in rows:
        verdict = "" if ok is None else "PASS" if ok else "FAIL"
        print(f"  {label:{label_width}} {value!s:>{value_width}}  {target:{target_width}} {verdict}")
    results["pass"] = all(ok for *_rest, ok in rows if ok is not None)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(f"\n{'ALL PASS' if results['pass'] else 'SOME FAIL'}; results in {path}")


def database_open(sqlite_name: str, org_slug: str, *, keep: bool, reset: bool) -> str:
    """The database of a benchmark that can measure an earlier run again
    (opendata, search): DATABASE_URL if set, else bench/out/<sqlite_name>, a new
    file unless `keep`. Sets Django up and migrates. With `keep` it must hold an
    earlier run (organisation `org_slug`); without, it must be empty, or is
    emptied (flush) with `reset`. Returns "vendor (name)"."""
    _database_migrate(sqlite_name, fresh=not keep)
    from django.core.management import call_command
    from django.db import connection

    from diarium.accounts.models import Organisation

    if keep:
        if not Organisation.objects.filter(slug=org_slug).exists():
            sys.exit("--keep needs the database of an earlier run of this benchmark.")
    elif Organisation.objects.exists():
        if not reset:
            sys.exit("The benchmark database already holds data; pass --reset to empty it (flush).")
        call_command("flush", interactive=False, verbosity=0)
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"


# --- phase 1: register through the services ------------------------------------------------
def reference_data():
    from diarium.accounts import services as accounts
    from diarium.accounts.models import Role

    org = accounts.organisation_create(name="Benchkommun", slug=ORG_SLUG)
    organs = [accounts.organ_create(organisation=org, name=n, code=c, kind=k) for c, n, k in ORGANS]
    officers = [accounts.person_create(organisation=org, name=f"Handläggare {i}", organ=organs[i % len(organs)])
                for i in range(20)]
    registrar = accounts.user_create(username="bench-registrar", password=secrets.token_urlsafe(16))
    accounts.role_grant(user=registrar, organisation=org, role=Role.REGISTRAR)
    return org, organs, officers, registrar


def _title(rng: random.Random, i: int) -> str:
    return f"{rng.choice(SUBJECTS)} – {rng.choice(PLACES)} ({i})"


def _registered_at(rng: random.Random) -> dt.datetime:
    from django.utils import timezone

    year = rng.choice(YEARS)
    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    moment = dt.datetime.combine(day, dt.time(8 + rng.randrange(9), rng.randrange(60)))
    return min(timezone.make_aware(moment), timezone.now() - dt.timedelta(minutes=5))


def phase_register(n: int, organs, officers, registrar) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from diarium.registry import services

    rng = random.Random(1)
    started = time.perf_counter()
    for i in range(1, n + 1):
        at = _registered_at(rng)
        case = services.case_register(actor=registrar, organ=organs[i % len(organs)], title=_title(rng, i),
                                      case_officer=officers[i % len(officers)], registered_at=at)
        upload = SimpleUploadedFile(f"handling-{i}.txt", f"Inkommen handling nummer {i}.\n".encode(),
                                    content_type="text/plain")
        services.document_register(actor=registrar, case=case, direction="incoming", counterpart="Sökande AB",
                                   document_date=at.date(), description=f"Ansökan {i}", files=[upload],
                                   registered_at=at)
        if i % 2000 == 0:
            print(f"  {i} cases registered ({i / (time.perf_counter() - started):.0f}/s)", flush=True)
    elapsed = time.perf_counter() - started
    rate = n / elapsed
    ok = rate >= TARGET_REGISTER_PER_S
    print(f"Phase 1: {n} cases with one document and file each in {elapsed:.1f} s: {rate:.0f} cases/s "
          f"(target >= {TARGET_REGISTER_PER_S}/s) {'PASS' if ok else 'FAIL'}")
    return {"cases": n, "seconds": round(elapsed, 2), "cases_per_s": round(rate, 1),
            "target_per_s": TARGET_REGISTER_PER_S, "pass": ok}


# --- phase 2: fill to scale, plus one case with many documents ---------------------------------
def phase_fill(total: int, already: int, org, organs, officers, registrar, big_docs: int) -> dict:
    """Bulk-insert filler cases (one document and one event each, no files) and
    move the series counters past them, then register one large case through the
    services."""
    from django.db import transaction
    from django.utils import timezone

    from diarium.registry import services
    from diarium.registry.models import Case, Document, Event, SeriesCounter

    rng = random.Random(2)
    started = time.perf_counter()
    series = {o.pk: services.series_for_organ(o) for o in organs}
    last = {(c.series_id, c.year): c.last_seq for c in SeriesCounter.objects.all()}
    remaining, batch = max(total - already, 0), 5000
    i = already
    while remaining > 0:
        size = min(batch, remaining)
        cases = []
        for _ in range(size):
            i += 1
            organ = organs[i % len(organs)]
            s = series[organ.pk]
            at = _registered_at(rng)
            key = (s.pk, at.astimezone(timezone.get_current_timezone()).year)
            last[key] = last.get(key, 0) + 1
            cases.append(Case(
                organisation=org, organ=organ, series=s, year=key[1], seq=last[key],
                diary_number=services.format_diary_number(org.diary_number_format, year=key[1], seq=last[key],
                                                          series=s.code),
                title=_title(rng, i), case_officer=officers[i % len(officers)], registered_at=at,
                registered_by=registrar, document_count=1,
            ))
            cases[-1].refresh_search_text()
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=1000)
            Document.objects.bulk_create([
                Document(case=c, organisation_id=c.organisation_id, number=1, direction="incoming",
                         document_date=c.registered_at.date(),
                         counterpart="Sökande AB", description="Ansökan", registered_at=c.registered_at,
                         registered_by=registrar) for c in cases
            ], batch_size=1000)
            Event.objects.bulk_create([
                Event(organisation=org, case=c, kind=Event.Kind.CASE_REGISTERED, actor=registrar,
                      actor_name=registrar.username, at=c.registered_at, data={"diary_number": c.diary_number})
                for c in cases
            ], batch_size=1000)
            for (series_id, year), seq in last.items():
                SeriesCounter.objects.update_or_create(series_id=series_id, year=year, defaults={"last_seq": seq})
        remaining -= size
        print(f"  {i} cases in the register", flush=True)
    fill_s = time.perf_counter() - started
    _check_counters()

    big, big_s = phase_big_case(organs[0], registrar, big_docs)
    print(f"Phase 2: filled to {Case.objects.count()} cases by bulk insert in {fill_s:.1f} s "
          f"(filler beyond the first {already} bypasses the services; series counters moved past it); "
          f"case {big.diary_number} registered with {big_docs} documents and files in {big_s:.1f} s")
    return {"cases_total": Case.objects.count(), "bulk_filled": max(total - already, 0),
            "bulk_seconds": round(fill_s, 2), "big_case_id": big.pk, "big_case_documents": big_docs,
            "big_case_seconds": round(big_s, 2)}


def _check_counters() -> None:
    """Every counter equals the highest number taken in its series and year."""
    from django.db.models import Max

    from diarium.registry.models import Case, SeriesCounter

    rows = Case.objects.values("series", "year").annotate(top=Max("seq"))
    highest = {(r["series"], r["year"]): r["top"] for r in rows}
    counters = {(c.series_id, c.year): c.last_seq for c in SeriesCounter.objects.all()}
    if any(counters.get(key) != top for key, top in highest.items()):
        sys.exit("Series counters are inconsistent with the cases after the fill.")


def phase_big_case(organ, registrar, docs: int):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from diarium.registry import services

    started = time.perf_counter()
    at = timezone.now() - dt.timedelta(days=1)
    case = services.case_register(actor=registrar, organ=organ, registered_at=at,
                                  title="Digital målbild – remissammanställning med många handlingar")
    for n in range(1, docs + 1):
        upload = SimpleUploadedFile(f"remissvar-{n}.txt", f"Remissvar nummer {n}.\n".encode(),
                                    content_type="text/plain")
        document = services.document_register(
            actor=registrar, case=case, direction="incoming", counterpart=f"Remissinstans {n}",
            document_date=at.date(), description=f"Remissvar {n}", files=[upload], registered_at=at,
            counterpart_is_private=(n % 25 == 0),
        )
        if n % 50 == 0:
            services.document_mark_secret(actor=registrar, document=document, ground="OSL 18 kap. 8 §",
                                          masked_fields=["description"])
    return case, time.perf_counter() - started


# --- pages ------------------------------------------------------------------------------
def pages(org, organs, big_case_id: int, big_docs: int) -> dict[str, str]:
    from diarium.registry.models import Case

    organ = organs[1]
    year = YEARS[-3]
    normal = (Case.objects.filter(organisation=org, document_count=1).order_by("-id")
              .values_list("pk", flat=True).first())
    return {
        "case list": "/arenden/",
        "case list, filtered": f"/arenden/?organ={organ.pk}&year={year}&q=bredband",
        "case detail": f"/arenden/{normal}/",
        f"case detail, {big_docs} documents": f"/arenden/{big_case_id}/",
        "API case list": "/api/cases?limit=50",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def phase_http(urls: dict[str, str], requests: int) -> dict:
    port = _free_port()
    log = open(OUT / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks",
         # One long-lived thread keeps its database connection (CONN_MAX_AGE), as a
         # production WSGI worker does; with a thread per request runserver would
         # connect anew each time, which alone costs PostgreSQL 15-20 ms a request.
         "--nothreading"],
        cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                _get(base + "/arenden/")
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    sys.exit(f"The server did not start; see {OUT / 'server.log'}")
                time.sleep(0.2)
        results = {}
        for name, path in urls.items():
            for _ in range(10):  # warm-up
                status, _body = _get(base + path)
            if status != 200:
                print(f"  {name}: {path} answered {status}; skipped")
                results[name] = {"path": path, "status": status, "pass": False}
                continue
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                _get(base + path)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[max(int(len(times) * 0.95) - 1, 0)]
            results[name] = {"path": path, "status": status, "p50_ms": round(statistics.median(times), 1),
                             "p95_ms": round(p95, 1), "max_ms": round(times[-1], 1), "pass": p95 <= TARGET_P95_MS}
            r = results[name]
            print(f"  {name:28} p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}  max {r['max_ms']:7.1f} ms  "
                  f"{'PASS' if r['pass'] else 'FAIL'}  {path}", flush=True)
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def phase_queries(urls: dict[str, str], registrar) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = {}
    for who in ("anonymous", "registrar"):
        client = Client()
        if who == "registrar":
            client.force_login(registrar)
        for name, path in urls.items():
            client.get(path)  # warm caches that live per process, not per request
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            count = len(queries)
            key = f"{name} ({who})"
            results[key] = {"path": path, "status": response.status_code, "queries": count,
                            "pass": response.status_code == 200 and count <= TARGET_QUERIES}
            print(f"  {key:40} {count:3d} queries  status {response.status_code}  "
                  f"{'PASS' if results[key]['pass'] else 'FAIL'}")
    return results


# --- main -----------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases registered through the services")
    parser.add_argument("--fill", type=int, default=100_000, help="total cases after the bulk fill")
    parser.add_argument("--big-docs", type=int, default=200, help="documents on the one large case")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--reset", action="store_true", help="empty (flush) a DATABASE_URL database used before")
    args = parser.parse_args()

    database = setup_environment(args.reset)
    print(f"Database: {database}; files: {os.environ['DIARIUM_MEDIA_ROOT']}")
    org, organs, officers, registrar = reference_data()
    results: dict = {"database": database, "started": dt.datetime.now().isoformat(timespec="seconds")}
    results["register"] = phase_register(args.cases, organs, officers, registrar)
    results["fill"] = phase_fill(args.fill, args.cases, org, organs, officers, registrar, args.big_docs)
    urls = pages(org, organs, results["fill"]["big_case_id"], args.big_docs)
    print(f"Phase 3: latency over HTTP, {args.requests} requests per page after 10 warm-up requests "
          f"(target p95 <= {TARGET_P95_MS} ms)")
    results["http"] = phase_http(urls, args.requests)
    print(f"Phase 4: SQL queries per page (target <= {TARGET_QUERIES})")
    results["queries"] = phase_queries(urls, registrar)

    print("\nSummary")
    print(f"  {'measure':52} {'value':>14}  result")
    reg = results["register"]
    print(f"  {'registration (cases/s)':52} {reg['cases_per_s']:>14}  {'PASS' if reg['pass'] else 'FAIL'}")
    for name, r in results["http"].items():
        value = f"{r['p95_ms']} ms" if "p95_ms" in r else f"HTTP {r['status']}"
        print(f"  {'p95 ' + name:52} {value:>14}  {'PASS' if r['pass'] else 'FAIL'}")
    for name, r in results["queries"].items():
        print(f"  {'queries ' + name:52} {r['queries']:>14}  {'PASS' if r['pass'] else 'FAIL'}")
    checks = [reg["pass"]] + [r["pass"] for phase in ("http", "queries") for r in results[phase].values()]
    results["pass"] = all(checks)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\n{'ALL PASS' if results['pass'] else 'SOME FAIL'}; results in {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
