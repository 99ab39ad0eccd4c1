"""The queries behind the county's public pages, with their plans (issue 24, part 5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/diarium_county \\
        .venv/bin/python bench/county/explain.py [--min-ms 2] [--plans] [--page /arenden/ ...]

Requests each page in-process through Django's test client (the real views,
selectors and templates, anonymous), three times to warm it, then once more
capturing its queries; prints per page the time, the number of queries and
their database time, and the slowest queries; with --plans, EXPLAIN (ANALYZE,
BUFFERS) of each query that took at least --min-ms. Searches use the
PostgreSQL engine. Reads only (EXPLAIN ANALYZE of a SELECT runs it)."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "county-explain")
    os.environ["DIARIUM_SEARCH_ENGINE"] = "postgres"
    os.environ.setdefault("DIARIUM_PUBLIC_RATE_LIMIT", "off")
    import django

    django.setup()


def default_pages() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_organisation WHERE slug = 'county-boras'")
        org = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM accounts_organisation WHERE slug = 'county-fyrbodal'")
        small = cursor.fetchone()[0]
        cursor.execute("SELECT max(id) FROM registry_case WHERE organisation_id = %s", [org])
        newest = cursor.fetchone()[0]
        cursor.execute("SELECT case_id FROM registry_document WHERE case_id = (SELECT max(case_id) "
                       "FROM registry_document WHERE number = 40)")
        big = cursor.fetchone()[0]
    return ["/", "/arenden/", f"/arenden/?organisation={org}", f"/arenden/?organisation={small}",
            "/arenden/?page=200", "/arenden/?q=strandskyddsdispens", f"/arenden/{newest}/", f"/arenden/{big}/",
            "/handlingar/", "/api/cases?limit=50", "/api/cases?limit=50&offset=100000", "/oparl/v1.1/body/",
            f"/oparl/v1.1/body/{org}/", f"/oparl/v1.1/body/{org}/person/", f"/oparl/v1.1/body/{org}/paper/",
            f"/oparl/v1.1/body/{org}/file/", "/sok/?q=bygglov", "/sok/?q=detaljplan", "/sok/?q=strandskyddsdispens",
            "/sok/?q=serveringstillst%C3%A5nd+pizzeria"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", action="append", default=[], help="A path to look at (default: a set).")
    parser.add_argument("--min-ms", type=float, default=2.0)
    parser.add_argument("--plans", action="store_true")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        print("Sätt DATABASE_URL till länets mätdatabas.", file=sys.stderr)
        return 2
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()
    with override_settings(ALLOWED_HOSTS=["*"]):
        for path in args.page or default_pages():
            for _i in range(3):
                client.get(path)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
            queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
            print(f"\n### {path}: {response.status_code}, {elapsed:.1f} ms, {len(queries)} queries, "
                  f"{sum(t for t, _s in queries):.1f} ms in the database")
            for ms, sql in sorted(queries, reverse=True)[:4]:
                flat = re.sub(r"\s+", " ", sql)[:400]
                print(f"  {ms:7.1f} ms  {flat}")
                if args.plans and ms >= args.min_ms and sql.lstrip().upper().startswith("SELECT"):
                    with connection.cursor() as cursor:
                        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                        for (line,) in cursor.fetchall():
                            print(f"      {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
