"""Privacy benchmark, the page: what the privacy rules add to the public case page.

    .venv/bin/python bench/privacy_page_bench.py [--requests 400]

Two cases alike in everything (30 documents, each with a file) except that in
one the title, the description and every document's description hold a
personal identity number, a phone number and a private person's name, which
the masking assistant withholds (issue 18). The public (anonymous) case page of
each is fetched `--requests` times through Django's test client, interleaved,
after a warm-up; p50 and p95 of each and their difference are printed.

By design (registry/screening.py) the public page does no screening at all:
the columns hold what the public sees. What the rules cost on the page is the
per-field check `access.shown_value` makes for each value; that is timed alone
too (every call the page makes, over the same rows).

Database: DATABASE_URL if set, else bench/out/privacy_page.sqlite3 (fresh).
Results go to bench/out/privacy_page.json. Target: under 2 ms extra at p95.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_EXTRA_P95_MS = 2.0
PNR = "19850304-1231"


def setup() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["DIARIUM_MEDIA_ROOT"] = str(OUT / "privacy-files")
    os.environ["DIARIUM_VAR_DIR"] = str(OUT / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIARIUM_SECRET_KEY_CREATE", "1")
    os.environ.setdefault("DIARIUM_PUBLIC_RATE_LIMIT", "off")
    if not os.environ.get("DATABASE_URL"):
        db = OUT / "privacy_page.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "off"
    call_command("migrate", interactive=False, verbosity=0)


def world():
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from diarium.accounts import services as accounts
    from diarium.accounts.models import Organ, Organisation, Role, User
    from diarium.registry import services

    slug = f"bench-{int(time.time())}"
    org = accounts.organisation_create(name=f"Benchkommun {slug}", slug=slug)
    ks = accounts.organ_create(organisation=org, name="Kommunstyrelsen", code="KS", kind=Organ.Kind.EXECUTIVE_BOARD)
    registrar = User.objects.create_user(f"reg-{slug}", password="x")
    accounts.role_grant(user=registrar, organisation=org, role=Role.REGISTRAR)
    today = dt.date.today()

    def case(private: bool):
        extra = f" för Karin Ek {PNR}, tel 070-123 45 67" if private else " för sökande i centrum"
        c = services.case_register(actor=registrar, organ=ks, title="Ansökan om bostadsanpassning" + extra,
                                   description="Ärendet gäller" + extra)
        for n in range(30):
            services.document_register(
                actor=registrar, case=c, direction="incoming", document_date=today, counterpart="Alingsåshem AB",
                counterpart_kind="legal", description=f"Komplettering {n}" + extra,
                files=[SimpleUploadedFile(f"bilaga-{n}.txt", f"Bilaga {n}\n".encode(), content_type="text/plain")])
        return c

    plain, private = case(False), case(True)
    assert private.privacy_pending and PNR not in private.title, "the assistant did not withhold the number"
    return connection.vendor, plain, private


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    setup()
    from django.test import Client

    from diarium.registry import access
    from diarium.registry.models import Case, Document

    vendor, plain, private = world()
    client = Client()
    urls = {"plain": f"/arenden/{plain.pk}/", "private": f"/arenden/{private.pk}/"}
    for url in urls.values():
        for _ in range(20):
            assert client.get(url).status_code == 200
    body = client.get(urls["private"]).content.decode()
    assert PNR not in body and "[personnummer]" in body, "the public page shows what is withheld"
    times: dict[str, list[float]] = {"plain": [], "private": []}
    for _ in range(args.requests):
        for name, url in urls.items():
            started = time.perf_counter()
            response = client.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    # The rules alone: every shown_value / case_value call the page makes, over the same rows.
    case = Case.objects.get(pk=private.pk)
    documents = list(Document.objects.filter(case=case))
    rule_times = []
    for _ in range(args.requests):
        started = time.perf_counter()
        access.case_value(None, case, "title")
        access.case_value(None, case, "description")
        for document in documents:
            access.shown_value(document, "description", read_secret=False, read_internal=False)
        rule_times.append((time.perf_counter() - started) * 1000)
    result = {
        "database": vendor, "requests": args.requests,
        "plain_p50_ms": statistics.median(times["plain"]), "plain_p95_ms": percentile(times["plain"], 95),
        "private_p50_ms": statistics.median(times["private"]), "private_p95_ms": percentile(times["private"], 95),
        "rules_p95_ms": percentile(rule_times, 95),
    }
    result["extra_p95_ms"] = result["private_p95_ms"] - result["plain_p95_ms"]
    result["target_met"] = result["extra_p95_ms"] < TARGET_EXTRA_P95_MS and result["rules_p95_ms"] < TARGET_EXTRA_P95_MS
    (OUT / "privacy_page.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"Public case page, 30 documents, {args.requests} requests each ({vendor}):")
    print(f"  without findings        p50 {result['plain_p50_ms']:6.2f} ms   p95 {result['plain_p95_ms']:6.2f} ms")
    print(f"  everything withheld     p50 {result['private_p50_ms']:6.2f} ms   p95 {result['private_p95_ms']:6.2f} ms")
    print(f"  extra at p95            {result['extra_p95_ms']:6.2f} ms   (target < {TARGET_EXTRA_P95_MS} ms)")
    print(f"  the rules alone, p95    {result['rules_p95_ms']:6.3f} ms per page")
    print("  target met" if result["target_met"] else "  TARGET MISSED")


if __name__ == "__main__":
    main()
