"""Intake benchmark: messages taken from a real IMAP mailbox by the worker (issue 20).

    .venv/bin/python bench/intake_bench.py [--messages 1000]

Starts Dovecot on loopback (tests/dovecot_support.py; Debian's dovecot-imapd),
fills a mailbox with `--messages` messages, each with a PDF and a text
attachment (about 14 kB a message), then times one poll of the mailbox
through the worker's service (`intake.services.mailbox_poll`): fetching over
IMAP, reading each message and checking its attachments, storing the
original and the inbox item, and marking how far it has read, each in its own
transaction. Then times registering 100 of them as documents on new cases,
and the inbox page. Target: ≥ 20 messages/s taken.

Uses its own database (DATABASE_URL if set, else a fresh SQLite file
bench/out/intake.sqlite3) and file folder, set up like the remiss benchmark.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from remiss_bench import OUT  # noqa: E402  (same environment)

TARGET_PER_S = 20.0
TARGET_PAGE_MS = 50.0
SUBJECTS = ["Ansökan om bygglov", "Synpunkt på detaljplanen", "Fråga om skolskjuts", "Faktura", "Remissvar",
            "Klagomål på buller", "Begäran om allmän handling", "Anmälan", "Medborgarförslag", "Överklagande"]


def messages(count: int) -> list[bytes]:
    import datetime as dt

    pdf = _pdf()
    out = []
    for n in range(count):
        msg = EmailMessage()
        msg["From"] = f"Avsändare {n} <avsandare{n}@example.se>"
        msg["To"] = "registrator@kommun.example"
        msg["Subject"] = f"{SUBJECTS[n % len(SUBJECTS)]} nr {n}"
        msg["Date"] = format_datetime(dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=n))
        msg["Message-ID"] = make_msgid(domain="example.se")
        msg.set_content(f"Hej!\n\nHär kommer ärende nummer {n}. Vänliga hälsningar\nAvsändare {n}\n" * 5)
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"bilaga-{n}.pdf")
        msg.add_attachment(f"Bilaga {n} i text\n".encode() * 20, maintype="text", subtype="plain",
                           filename="anteckning.txt")
        out.append(msg.as_bytes())
    return out


def _pdf() -> bytes:
    """A small real PDF with text (about 8 kB), drawn once."""
    import weasyprint

    return weasyprint.HTML(string="<h1>Bilaga</h1>" + "<p>Text i bilagan om ärendet.</p>" * 40).write_pdf()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--register", type=int, default=100)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    import remiss_bench

    remiss_bench.setup_environment(reset=True, sqlite_name="intake.sqlite3")

    import datetime as dt

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from diarium.accounts import services as accounts
    from diarium.accounts.models import Organ, Role
    from diarium.intake import services as intake
    from diarium.intake.models import IntakeItem
    from tests import dovecot_support

    if not dovecot_support.available():
        sys.exit("Dovecot is not installed here (apt-get install dovecot-imapd)")
    server = dovecot_support.Dovecot().start()
    try:
        raw = messages(args.messages)
        started = time.perf_counter()
        server.append("registrator", *raw)
        append_s = time.perf_counter() - started

        org = accounts.organisation_create(name="Intag-benchmark kommun", slug="intake-bench")
        ks = accounts.organ_create(organisation=org, name="Kommunstyrelsen", code="KS",
                                   kind=Organ.Kind.EXECUTIVE_BOARD)
        admin = accounts.user_create(username="bench-admin", password="Bench-Lösenord-123")
        accounts.role_grant(user=admin, organisation=org, role=Role.ADMIN)
        registrar = accounts.user_create(username="bench-registrar", password="Bench-Lösenord-123")
        accounts.role_grant(user=registrar, organisation=org, role=Role.REGISTRAR)
        mailbox = intake.mailbox_save(actor=admin, organisation_id=org.pk, name="Registraturen", host="127.0.0.1",
                                      port=server.port, security="none", username="registrator",
                                      password=server.password, organ=ks)

        started = time.perf_counter()
        result = intake.mailbox_poll(mailbox.pk)
        poll_s = time.perf_counter() - started
        assert not result.error, result.error
        taken = IntakeItem.objects.count()

        items = list(IntakeItem.objects.order_by("uid")[:args.register])
        started = time.perf_counter()
        for item in items:
            intake.item_register(actor=registrar, item=item, organ=ks, title=item.subject, description=item.subject,
                                 counterpart=item.sender_name, document_date=dt.date(2026, 11, 1),
                                 attachments=[1, 2])
        register_s = time.perf_counter() - started

        client = Client()
        client.force_login(registrar)
        samples, queries = [], 0
        for _ in range(30):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/inkorg/")
                samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            queries = len(captured)
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
    finally:
        server.stop()

    per_s = taken / poll_s
    print(f"\nIntake benchmark on {connection.vendor}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}\n")
    rows = [
        ("messages put in Dovecot (IMAP APPEND)", f"{args.messages} in {append_s:.1f} s", "", None),
        ("messages taken in one poll", f"{taken} of {args.messages}", f"= {args.messages}", taken == args.messages),
        ("taken per second", f"{per_s:.1f} ({poll_s:.1f} s)", f"≥ {TARGET_PER_S:.0f}", per_s >= TARGET_PER_S),
        ("registered on new cases, with 2 files each", f"{len(items) / register_s:.1f}/s "
         f"({register_s:.1f} s for {len(items)})", "", None),
        ("inbox page (50 newest), p95", f"{p95:.1f} ms, {queries} queries", f"≤ {TARGET_PAGE_MS:.0f} ms",
         p95 <= TARGET_PAGE_MS),
        ("median", f"{statistics.median(samples):.1f} ms", "", None),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, target, ok in rows:
        print(f"  {label:<{width}}  {value:<28} {target:<8} {'' if ok is None else 'ok' if ok else 'MISSED'}")
    print()


if __name__ == "__main__":
    main()
