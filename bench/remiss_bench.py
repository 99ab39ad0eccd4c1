"""Remiss benchmark: sending, answering, reminders and the round page.

    .venv/bin/python bench/remiss_bench.py [--recipients 30] [--rounds 300] [--requests 200]

Uses its own database (DATABASE_URL if set, else a fresh SQLite file
bench/out/remiss.sqlite3) and its own file folder. Pages are rendered in
process through Django's test client (middleware, templates and queries
included, no network). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

TARGET_P95_MS = 50
TARGET_QUERIES = 12
TARGET_SEND_S = 2.0  # register and mail a round to 30 recipients
TARGET_REMINDER_PASS_S = 5.0  # the periodic pass over every open recipient


def setup_environment(reset: bool, *, sqlite_name: str = "remiss.sqlite3") -> None:
    """Django on DATABASE_URL, else a fresh SQLite file bench/out/<sqlite_name> (the
    OCR and intake benchmarks have their own), tasks run at once, e-mail kept."""
    OUT.mkdir(parents=True, exist_ok=True)
    media = OUT / "remiss-files"
    shutil.rmtree(media, ignore_errors=True)
    os.environ["DIARIUM_VAR_DIR"] = str(OUT / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIARIUM_SECRET_KEY_CREATE", "1")  # a key of its own under var/, as `make bench`
    os.environ["DIARIUM_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["DIARIUM_TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    if not os.environ.get("DATABASE_URL"):
        db = OUT / sqlite_name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                    "OPTIONS": {"location": str(media)}}
    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if reset:
        call_command("flush", interactive=False, verbosity=0)


def _ms(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"p50": statistics.median(samples) * 1000,
            "p95": samples[max(0, int(len(samples) * 0.95) - 1)] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=300, help="rounds for the reminder pass")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    setup_environment(args.reset)

    from django.core import mail
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from diarium.accounts import services as accounts
    from diarium.accounts.models import Organ, Role
    from diarium.registry import services as registry
    from diarium.remiss import services as remiss
    from diarium.remiss.models import RemissRecipient

    mail.outbox = []
    org = accounts.organisation_create(name="Benchmark kommun", slug="remiss-bench")
    ks = accounts.organ_create(organisation=org, name="Kommunstyrelsen", code="KS", kind=Organ.Kind.EXECUTIVE_BOARD)
    organs = [accounts.organ_create(organisation=org, name=f"Nämnd {i}", code=f"N{i}", kind=Organ.Kind.BOARD,
                                    email=f"n{i}@example.se") for i in range(args.recipients)]
    user = accounts.user_create(username="bench-registrar", password="Bench-Lösenord-123")
    accounts.role_grant(user=user, organisation=org, role=Role.REGISTRAR)
    case = registry.case_register(actor=user, organ=ks, title="Remissbenchmark")
    for i in range(200):  # a busy case: the round page lists its answers among many documents
        registry.document_register(actor=user, case=case, direction="incoming", counterpart=f"Avsändare {i}",
                                   description=f"Handling {i}", document_date=timezone.localdate())
    plan = registry.document_register(
        actor=user, case=case, direction="drawn_up", description="Förslag till handlingsplan",
        document_date=timezone.localdate(),
        files=[SimpleUploadedFile("plan.txt", b"Handlingsplan\n" * 200, content_type="text/plain")],
    )
    deadline = timezone.localdate() + dt.timedelta(days=30)

    def new_round():
        return remiss.remiss_create(
            actor=user, case=case, title="Förslag till handlingsplan", letter="Synpunkter önskas.",
            deadline=deadline, recipients=[remiss.RecipientInput(organ=o) for o in organs],
            files=list(plan.files.all()),
        )

    # 1. Send: register one outgoing document per recipient and mail each.
    round_ = new_round()
    started = time.perf_counter()
    remiss.remiss_send(actor=user, round=round_)
    send_s = time.perf_counter() - started
    assert len(mail.outbox) == args.recipients

    # 2. Answer half of them through their links.
    answer_times = []
    for recipient in list(round_.recipients.all())[: args.recipients // 2]:
        token = remiss.answer_token(recipient)
        started = time.perf_counter()
        remiss.remiss_answer_by_link(token=token, text="Vi tillstyrker.",
                                     files=[SimpleUploadedFile("svar.pdf", b"%PDF-1.4\n%%EOF\n")])
        answer_times.append(time.perf_counter() - started)

    # 3. The round page, as staff and as the public.
    client = Client()
    client.force_login(user)
    url = round_.get_absolute_url()
    public = Client()
    page = {}
    for name, c in (("staff", client), ("public", public)):
        assert c.get(url).status_code == 200
        counted = []

        def count(execute, sql, params, many, context):
            counted.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):  # survives the per-request reconnect
            c.get(url)
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = c.get(url)
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200
        page[name] = {**_ms(samples), "queries": len(counted)}

    # 4. The periodic reminder pass over many open rounds (nothing due), then with all due.
    for _ in range(args.rounds - 1):
        r = new_round()
        remiss.remiss_send(actor=user, round=r)
    open_recipients = RemissRecipient.objects.filter(answered_at__isnull=True).count()
    started = time.perf_counter()
    due_none = remiss.send_due_reminders()
    pass_idle_s = time.perf_counter() - started
    mail.outbox = []
    started = time.perf_counter()
    due_all = remiss.send_due_reminders(now=timezone.now() + dt.timedelta(days=25))
    pass_due_s = time.perf_counter() - started

    vendor = connection.vendor
    rows = [
        ("send a round to %d recipients" % args.recipients, f"{send_s:.2f} s", f"< {TARGET_SEND_S} s",
         send_s < TARGET_SEND_S),
        ("answer by link (p50 / p95)", "%.1f / %.1f ms" % tuple(_ms(answer_times).values()), "", True),
        ("round page, staff (p50 / p95, queries)",
         "%.1f / %.1f ms, %d" % (page["staff"]["p50"], page["staff"]["p95"], page["staff"]["queries"]),
         f"p95 < {TARGET_P95_MS} ms, ≤ {TARGET_QUERIES}",
         page["staff"]["p95"] < TARGET_P95_MS and page["staff"]["queries"] <= TARGET_QUERIES),
        ("round page, public (p50 / p95, queries)",
         "%.1f / %.1f ms, %d" % (page["public"]["p50"], page["public"]["p95"], page["public"]["queries"]),
         f"p95 < {TARGET_P95_MS} ms, ≤ {TARGET_QUERIES}",
         page["public"]["p95"] < TARGET_P95_MS and page["public"]["queries"] <= TARGET_QUERIES),
        (f"reminder pass, {open_recipients} open, none due", f"{pass_idle_s:.2f} s ({due_none} sent)",
         f"< {TARGET_REMINDER_PASS_S} s", pass_idle_s < TARGET_REMINDER_PASS_S),
        (f"reminder pass, {open_recipients} open, all due", f"{pass_due_s:.2f} s ({due_all} sent)",
         "", True),
    ]
    print(f"\nRemiss benchmark on {vendor}\n")
    width = max(len(r[0]) for r in rows)
    for label, value, target, ok in rows:
        print(f"  {label:<{width}}  {value:<28} {target:<26} {'ok' if ok else 'MISSED' if target else ''}")
    print()


if __name__ == "__main__":
    main()
