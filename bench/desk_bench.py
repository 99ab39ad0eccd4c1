"""Desk benchmark: the officer's start page and the statistics page at the scale
of a large municipality (issue 21).

    .venv/bin/python bench/desk_bench.py [--cases 100000] [--documents 4] [--requests 200]

Fills the register by bulk insert (bypassing the services, as registry_bench's
phase 2): `--cases` cases over ten years in six organs, twenty case officers
each with a login, `--documents` documents per case (400,000 by default), most
older cases closed with a classification, 30,000 due dates (some overdue, some
done) and 5,000 requests for public documents (most decided). Then times, with
Django's test client in-process (middleware, session and role lookups
included), a case officer's start page `/skrivbord/` (about 4,000 open cases
of theirs) and a registrar's statistics page `/statistik/`, counting the SQL
queries of each. Targets: the start page p95 <= 50 ms with <= 12 queries, the
statistics page p95 <= 100 ms.

Uses its own database (DATABASE_URL if set, else a fresh SQLite file
bench/out/desk.sqlite3). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry_bench import OUT, ORGANS, SUBJECTS, PLACES, database_open, summary_print  # noqa: E402

TARGET_START_MS = 50.0
TARGET_START_QUERIES = 12
TARGET_STATS_MS = 100.0
OFFICERS = 20
YEARS = list(range(2017, 2027))


def fill(cases: int, documents_per_case: int):
    from django.db import transaction
    from django.utils import timezone

    from diarium.accounts import services as accounts
    from diarium.accounts.models import Role
    from diarium.registry import services as registry
    from diarium.registry.models import Case, Classification, CopyRequest, Document, DueDate, SeriesCounter

    rng = random.Random(21)
    org = accounts.organisation_create(name="Benchkommun", slug="bench")
    organs = [accounts.organ_create(organisation=org, name=n, code=c, kind=k) for c, n, k in ORGANS]
    registrar = accounts.user_create(username="bench-registrar", password=secrets.token_urlsafe(16))
    accounts.role_grant(user=registrar, organisation=org, role=Role.REGISTRAR)
    officers = []
    for i in range(OFFICERS):
        user = accounts.user_create(username=f"bench-officer-{i}", password=secrets.token_urlsafe(16))
        accounts.role_grant(user=user, organisation=org, role=Role.CASE_OFFICER)
        officers.append(accounts.person_create(organisation=org, name=f"Handläggare {i}", user=user,
                                               organ=organs[i % len(organs)], email=f"h{i}@bench.example"))
    classes = [Classification.objects.create(organisation=org, code=f"{1 + i // 5}.{1 + i % 5}",
                                             title=f"Process {i}") for i in range(30)]
    series = {o.pk: registry.series_for_organ(o) for o in organs}
    now = timezone.now()
    last: dict = {}
    started = time.perf_counter()
    batch = 5000
    made = 0
    while made < cases:
        rows = []
        for _ in range(min(batch, cases - made)):
            made += 1
            organ = organs[made % len(organs)]
            s = series[organ.pk]
            year = YEARS[min(len(YEARS) - 1, int(rng.random() ** 0.7 * len(YEARS)))]
            day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            at = min(timezone.make_aware(dt.datetime.combine(day, dt.time(8 + rng.randrange(9)))),
                     now - dt.timedelta(hours=1))
            key = (s.pk, at.year)
            last[key] = last.get(key, 0) + 1
            age = (now - at).days
            closed = age > 60 and rng.random() < 0.9
            closed_at = at + dt.timedelta(days=min(age - 1, int(rng.expovariate(1 / 60)) + 1)) if closed else None
            case = Case(organisation=org, organ=organ, series=s, year=at.year, seq=last[key],
                        diary_number=registry.format_diary_number(org.diary_number_format, year=at.year,
                                                                  seq=last[key], series=s.code),
                        title=f"{rng.choice(SUBJECTS)} – {rng.choice(PLACES)} ({made})",
                        case_officer=officers[made % OFFICERS], classification=rng.choice(classes),
                        status="closed" if closed else "open", registered_at=at, closed_at=closed_at,
                        registered_by=registrar, document_count=documents_per_case)
            case.refresh_search_text()
            rows.append(case)
        with transaction.atomic():
            Case.objects.bulk_create(rows, batch_size=1000)
            docs = []
            for c in rows:
                span = max(1, ((c.closed_at or now) - c.registered_at).days)
                for n in range(1, documents_per_case + 1):
                    when = min(c.registered_at + dt.timedelta(days=rng.randrange(span)), now)
                    docs.append(Document(case=c, organisation_id=c.organisation_id, number=n,
                                         direction="incoming" if n % 2 else "drawn_up",
                                         document_date=when.date(), counterpart="Sökande AB" if n % 2 else "",
                                         description=f"Handling {n}", registered_at=when, registered_by=registrar))
            Document.objects.bulk_create(docs, batch_size=2000)
        print(f"  {made} cases, {made * documents_per_case} documents", flush=True)
    for (series_id, year), seq in last.items():
        SeriesCounter.objects.update_or_create(series_id=series_id, year=year, defaults={"last_seq": seq})
    open_cases = list(Case.objects.filter(status="open").values_list("pk", "case_officer_id"))
    today = timezone.localdate()
    dues = []
    for i in range(30_000):
        pk, officer = rng.choice(open_cases)
        due_on = today + dt.timedelta(days=rng.randrange(-60, 120))
        done = due_on < today and rng.random() < 0.6
        dues.append(DueDate(organisation=org, case_id=pk, due_on=due_on, reason=f"Bevakning {i}", person_id=officer, created_at=now,
                            done_at=now if done else None))
    DueDate.objects.bulk_create(dues, batch_size=2000)
    requests = []
    for _ in range(5_000):
        pk, officer = rng.choice(open_cases)
        received = now - dt.timedelta(days=rng.randrange(700), hours=rng.randrange(24))
        decided = received + dt.timedelta(hours=rng.randrange(1, 72)) if rng.random() < 0.95 else None
        requests.append(CopyRequest(
            organisation=org, case_id=pk, format="email", received_at=received, due_at=received + dt.timedelta(days=1),
            assigned_to_id=officer, decided_at=decided, outcome="released" if decided else ""))
    # Requests need their document: take each case's first.
    first_doc = dict(Document.objects.filter(number=1, case_id__in={r.case_id for r in requests})
                     .values_list("case_id", "pk"))
    for r in requests:
        r.document_id = first_doc[r.case_id]
    CopyRequest.objects.bulk_create(requests, batch_size=2000)
    print(f"Filled {Case.objects.count()} cases, {Document.objects.count()} documents, {len(dues)} due dates "
          f"and {len(requests)} requests in {time.perf_counter() - started:.0f} s", flush=True)
    return org, registrar, officers


def _time(client, url: str, requests: int) -> dict:
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(10):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(requests):
        t = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - t)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples) * 1000, 1),
            "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)] * 1000, 1),
            "max_ms": round(samples[-1] * 1000, 1), "queries": len(queries)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=4, help="documents per case")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--reset", action="store_true", help="empty (flush) a DATABASE_URL database used before")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIARIUM_SECRET_KEY_CREATE", "1")
    os.environ["DIARIUM_VAR_DIR"] = str(OUT / "var")
    database = database_open("desk.sqlite3", "bench", keep=False, reset=args.reset)
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["*"]
    load_before = os.getloadavg()
    org, registrar, officers = fill(args.cases, args.documents)
    officer_client, registrar_client = Client(), Client()
    officer_client.force_login(officers[3].user)
    registrar_client.force_login(registrar)
    start = _time(officer_client, reverse("desk:start"), args.requests)
    stats = _time(registrar_client, reverse("desk:statistics") + f"?organisation={org.pk}", args.requests)
    results = {"database": database, "cases": args.cases, "documents": args.cases * args.documents,
               "start_page": start, "statistics_page": stats,
               "load_average": {"before": load_before, "after": os.getloadavg()}}
    summary_print(database, results, [
        ("start page p95", f"{start['p95_ms']} ms", f"<= {TARGET_START_MS:.0f} ms", start["p95_ms"] <= TARGET_START_MS),
        ("start page p50", f"{start['p50_ms']} ms", "", None),
        ("start page queries", start["queries"], f"<= {TARGET_START_QUERIES}",
         start["queries"] <= TARGET_START_QUERIES),
        ("statistics page p95", f"{stats['p95_ms']} ms", f"<= {TARGET_STATS_MS:.0f} ms",
         stats["p95_ms"] <= TARGET_STATS_MS),
        ("statistics page p50", f"{stats['p50_ms']} ms", "", None),
        ("statistics page queries", stats["queries"], "", None),
    ], "desk")


if __name__ == "__main__":
    main()
