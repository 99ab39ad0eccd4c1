"""Decisions benchmark: recording decisions, adjusting minutes, dispatch, pages.

    .venv/bin/python bench/decisions_bench.py [--items 30] [--voted 40] [--decisions 500] [--requests 200]

Issue 19 adds: the minutes of a meeting of `--voted` paragraphs, each put to
an open vote of 13 members with a reservation, drawn up (the PDF/A of the
adjustment) in at most 5 s; and the members' meeting page (a member's own
view of the 30-item meeting with its papers and notes) at p95 ≤ 50 ms with at
most 12 queries.

Uses its own database (DATABASE_URL if set, else a fresh SQLite file
bench/out/decisions.sqlite3) and file folder. Pages are rendered in process
through Django's test client (middleware, templates and SQL; no HTTP). See
bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from remiss_bench import OUT, _ms

TARGET_RECORD_PER_S = 50
TARGET_P95_MS = 50
TARGET_QUERIES = 25
TARGET_VOTED_MINUTES_S = 5.0
TARGET_MEMBER_QUERIES = 12


def setup_environment() -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'decisions.sqlite3'}")
    if os.environ["DATABASE_URL"].startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'decisions.sqlite3'}{suffix}").unlink(missing_ok=True)
    import remiss_bench

    remiss_bench.setup_environment(reset=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=30, help="agenda items (and decisions) on the timed meeting")
    parser.add_argument("--voted", type=int, default=40, help="paragraphs with votes in the drawn-up minutes")
    parser.add_argument("--decisions", type=int, default=500, help="decisions recorded for the throughput figure")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    setup_environment()

    from django.db import connection
    from django.test import Client

    from diarium.accounts import services as accounts
    from diarium.accounts.models import Organ, Role
    from diarium.decisions import services as decisions
    from diarium.registry import services as registry

    org = accounts.organisation_create(name="Beslutsbenchmark kommun", slug="decisions-bench")
    ks = accounts.organ_create(organisation=org, name="Kommunstyrelsen", code="KS", kind=Organ.Kind.EXECUTIVE_BOARD)
    boards = [accounts.organ_create(organisation=org, name=f"Nämnd {i}", code=f"N{i}", kind=Organ.Kind.BOARD,
                                    email=f"n{i}@example.se") for i in range(9)]
    user = accounts.user_create(username="bench-secretary", password="Bench-Lösenord-123")
    accounts.role_grant(user=user, organisation=org, role=Role.REGISTRAR)
    chair = accounts.person_create(organisation=org, name="Ordförande")
    member_user = accounts.user_create(username="bench-member", password="Bench-Lösenord-123")
    adjuster = accounts.person_create(organisation=org, name="Justerare", user=member_user)
    for i, person in enumerate([chair, adjuster] + [accounts.person_create(organisation=org, name=f"Ledamot {i}")
                                                    for i in range(11)]):
        decisions.membership_add(actor=user, organ=ks, person=person, role="chair" if i == 0 else "member",
                                 start=dt.date(2018, 1, 1))

    # 1. Throughput of recording decisions (one meeting, many paragraphs).
    big = decisions.meeting_create(actor=user, organ=ks, date=dt.date(2019, 3, 1), adjusters=[adjuster])
    decisions.meeting_open(actor=user, meeting=big)
    started = time.perf_counter()
    for i in range(args.decisions):
        decisions.decision_record(actor=user, meeting=big, title=f"Ärende {i}", text="Kommunstyrelsen beslutar …")
    record_s = time.perf_counter() - started

    # 2. A realistic meeting: items with cases and supporting documents, decisions with recipients.
    meeting = decisions.meeting_create(actor=user, organ=ks, date=dt.date(2019, 4, 1), adjusters=[adjuster])
    for i in range(args.items):
        case = registry.case_register(actor=user, organ=ks, title=f"Ärende {i} på sammanträdet")
        docs = [registry.document_register(actor=user, case=case, direction="drawn_up", description=f"Underlag {j}",
                                           document_date=dt.date(2019, 3, 20)) for j in range(3)]
        decisions.agenda_item_add(actor=user, meeting=meeting, case=case, documents=docs)
    decisions.meeting_open(actor=user, meeting=meeting)
    for item in meeting.items.all():
        decisions.decision_record(actor=user, meeting=meeting, agenda_item=item, text="Beslut enligt förslaget.",
                                  recipients=[decisions.RecipientInput(organ=b) for b in boards])
    decisions.meeting_close(actor=user, meeting=meeting)
    decisions.minutes_sign(actor=user, meeting=meeting, person=chair, role="chair")
    started = time.perf_counter()
    decisions.minutes_sign(actor=user, meeting=meeting, person=adjuster, role="adjuster")
    adjust_s = time.perf_counter() - started
    first = meeting.decisions.order_by("paragraph").first()
    started = time.perf_counter()
    decisions.decision_dispatch(actor=user, decision=first)
    dispatch_s = time.perf_counter() - started

    # 3. Minutes of `--voted` paragraphs, each decided by an open vote with a reservation, drawn up.
    voted = decisions.meeting_create(actor=user, organ=ks, date=dt.date(2019, 5, 1), adjusters=[adjuster])
    for i in range(args.voted):
        decisions.agenda_item_add(actor=user, meeting=voted, title=f"Ärende {i} med omröstning")
    decisions.meeting_open(actor=user, meeting=voted)
    seated = decisions.members_on(ks, voted.date)
    for item in voted.items.all():
        proposal = decisions.motion_add(actor=user, meeting=voted, item=item, text="Bifall till förslaget.")
        against = decisions.motion_add(actor=user, meeting=voted, item=item, mover=seated[-1].person,
                                       text="Avslag på förslaget.")
        vote = decisions.vote_open(actor=user, meeting=voted, item=item, yes_motion=proposal, no_motion=against)
        decisions.ballots_record(actor=user, vote=vote, ballots={
            m.person: ("no" if n % 3 == 0 else "yes") for n, m in enumerate(seated)})
        decisions.vote_close(actor=user, vote=vote)
        decision = decisions.decision_record(actor=user, meeting=voted, agenda_item=item, text="")
        decisions.reservation_add(actor=user, decision=decision, person=seated[-1].person, motion=against)
    decisions.meeting_close(actor=user, meeting=voted)
    decisions.minutes_sign(actor=user, meeting=voted, person=chair, role="chair")
    started = time.perf_counter()
    decisions.minutes_sign(actor=user, meeting=voted, person=adjuster, role="adjuster")
    voted_s = time.perf_counter() - started

    # 4. The members' own view of the realistic meeting, with a note on each of its papers.
    member_meeting = decisions.meeting_create(actor=user, organ=ks, date=dt.date.today() + dt.timedelta(days=7),
                                              adjusters=[adjuster])
    for item in meeting.items.all():
        decisions.agenda_item_add(actor=user, meeting=member_meeting, case=item.case,
                                  documents=list(item.supporting_documents.all()))
    member_meeting = decisions.meeting_publish_notice(actor=user, meeting=member_meeting)
    for item in member_meeting.items.all():
        for document in item.supporting_documents.all():
            decisions.reading_note_save(actor=member_user, meeting=member_meeting, document=document,
                                        text="Min fråga till föredraganden.")

    pages = {
        "members' meeting page": f"/mina-sammantraden/{member_meeting.pk}/",
        "meeting page": meeting.get_absolute_url(),
        "minutes page": f"/sammantraden/{meeting.pk}/protokoll/",
        "decision page": first.get_absolute_url(),
        "case page": first.case.get_absolute_url(),
    }
    results = {}
    for name, url in pages.items():
        readers = (("member", Client()),) if name.startswith("members'") else (("staff", Client()), ("public", Client()))
        for who, client in readers:
            if who == "staff":
                client.force_login(user)
            elif who == "member":
                client.force_login(member_user)
            assert client.get(url).status_code == 200, url
            counted = []

            def count(execute, sql, params, many, context):
                counted.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                client.get(url)
            samples = []
            for _ in range(args.requests):
                started = time.perf_counter()
                assert client.get(url).status_code == 200
                samples.append(time.perf_counter() - started)
            results[f"{name}, {who}"] = {**_ms(samples), "queries": len(counted)}

    print(f"\nDecisions benchmark on {connection.vendor}\n")
    rate = args.decisions / record_s
    rows = [
        (f"record {args.decisions} decisions", f"{rate:.0f} decisions/s", f"> {TARGET_RECORD_PER_S}/s",
         rate > TARGET_RECORD_PER_S),
        (f"adjust minutes of {args.items} decisions", f"{adjust_s * 1000:.0f} ms", "", True),
        ("dispatch one decision to 9 recipients", f"{dispatch_s * 1000:.0f} ms", "", True),
        (f"minutes of {args.voted} §§ with votes drawn up", f"{voted_s:.2f} s", f"≤ {TARGET_VOTED_MINUTES_S:.0f} s",
         voted_s <= TARGET_VOTED_MINUTES_S),
    ]
    for name, r in results.items():
        queries = TARGET_MEMBER_QUERIES if name.startswith("members'") else TARGET_QUERIES
        rows.append((f"{name} (p50 / p95, queries)", "%.1f / %.1f ms, %d" % (r["p50"], r["p95"], r["queries"]),
                     f"p95 ≤ {TARGET_P95_MS} ms, ≤ {queries}",
                     r["p95"] <= TARGET_P95_MS and r["queries"] <= queries))
    width = max(len(r[0]) for r in rows)
    for label, value, target, ok in rows:
        print(f"  {label:<{width}}  {value:<26} {target:<24} {'ok' if ok else 'MISSED' if target else ''}")
    print()


if __name__ == "__main__":
    main()
