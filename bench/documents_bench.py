"""Documents benchmark: the officer's report and the minutes rendered to PDF/A-3a.

    .venv/bin/python bench/documents_bench.py [--decisions 40] [--runs 5]

Uses its own database (DATABASE_URL if set, else a fresh SQLite file
bench/out/documents.sqlite3) and file folder. Builds an officer's report with
the text of the real report of 2017.676 KS and a meeting with `--decisions`
decisions through the services, then times rendering each to PDF (template +
WeasyPrint) `--runs` times. The first rendering in a process also loads the
fonts; it is shown apart. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from remiss_bench import OUT  # noqa: E402  (same environment)

TARGET_REPORT_S = 1.0
TARGET_MINUTES_S = 5.0


def setup_environment() -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'documents.sqlite3'}")
    if os.environ["DATABASE_URL"].startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / 'documents.sqlite3'}{suffix}").unlink(missing_ok=True)
    import remiss_bench

    remiss_bench.setup_environment(reset=True)


def _timed(fn, runs: int) -> tuple[float, list[float], object]:
    started = time.perf_counter()
    out = fn()
    first = time.perf_counter() - started
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - started)
    return first, samples, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--decisions", type=int, default=40, help="decisions in the timed minutes")
    parser.add_argument("--runs", type=int, default=5, help="timed renderings of each document")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    setup_environment()

    from django.db import connection

    from diarium.accounts import services as accounts
    from diarium.accounts.models import Organ, Role
    from diarium.decisions import selectors as decision_selectors
    from diarium.decisions import services as decisions
    from diarium.demo.loader import report_text
    from diarium.documents import services as documents
    from diarium.registry import services as registry

    org = accounts.organisation_create(name="Dokumentbenchmark kommun", slug="documents-bench")
    ks = accounts.organ_create(organisation=org, name="Kommunstyrelsen", code="KS", kind=Organ.Kind.EXECUTIVE_BOARD)
    kf = accounts.organ_create(organisation=org, name="Kommunfullmäktige", code="KF", kind=Organ.Kind.COUNCIL)
    boards = [accounts.organ_create(organisation=org, name=f"Nämnd {i}", code=f"N{i}", kind=Organ.Kind.BOARD)
              for i in range(6)]
    user = accounts.user_create(username="bench-officer", password="Bench-Lösenord-123")
    accounts.role_grant(user=user, organisation=org, role=Role.REGISTRAR)
    chair = accounts.person_create(organisation=org, name="Ordförande Ordförandesson")
    adjuster = accounts.person_create(organisation=org, name="Justerare Justerarsson")
    for i, person in enumerate([chair, adjuster] + [accounts.person_create(organisation=org, name=f"Ledamot {i}")
                                                    for i in range(11)]):
        decisions.membership_add(actor=user, organ=ks, person=person, role="chair" if i == 0 else "member",
                                 start=dt.date(2018, 1, 1))

    # The officer's report with the real report's sections.
    text = report_text()
    lines = text.splitlines()

    def section(heading, following):
        return "\n".join(lines[lines.index(heading) + 1:lines.index(following)]).strip()

    case = registry.case_register(actor=user, organ=ks, title="Digital målbild – öppen och smart")
    report = decisions.officer_report_create(
        actor=user, case=case, title="Digital målbild – öppen och smart samt tillhörande handlingsplan",
        addressed_to=ks, office="Kommunledningskontoret",
        background=section("Ärendebeskrivning", "Förvaltningens yttrande"),
        opinion=section("Förvaltningens yttrande", "Förslag till beslut"),
        proposals=[decisions.ProposalInput(organ=ks, text="Handlingsplanen godkänns under förutsättning att "
                                           "kommunfullmäktige antar målbilden.", condition_organ=kf),
                   decisions.ProposalInput(organ=kf, text="Målbilden antas.")],
        dispatch_to=["Samtliga nämnder", "FABS AB"],
        signatories=[decisions.Signatory("Anneli Schwartz", "Tf. Kommundirektör"),
                     decisions.Signatory("Göran Westerlund", "Digitaliseringsansvarig")],
        report_date=dt.date(2018, 8, 23),
    )

    # A meeting with `--decisions` decisions, each with a case, a text of a few
    # paragraphs, a note and recipients.
    meeting = decisions.meeting_create(actor=user, organ=ks, date=dt.date(2019, 4, 1), place="Stadshuset",
                                       start_time=dt.time(13), end_time=dt.time(16, 30), adjusters=[adjuster])
    decisions.meeting_open(actor=user, meeting=meeting)
    # A minutes paragraph as municipalities write them: a summary of the matter
    # (here the report's first two paragraphs, about half a page) and the decision.
    body = "\n\n".join(section("Ärendebeskrivning", "Förvaltningens yttrande").split("\n\n")[:2])
    for i in range(args.decisions):
        item_case = registry.case_register(actor=user, organ=ks, title=f"Ärende {i + 1} på sammanträdet")
        decisions.decision_record(
            actor=user, meeting=meeting, case=item_case, title=f"Ärende {i + 1} på sammanträdet",
            text=f"Kommunstyrelsen beslutar enligt förslaget.\n\n{body}",
            notes=[decisions.NoteInput("note", "Protokollsanteckning för benchmarken.")],
            recipients=[decisions.RecipientInput(organ=b) for b in boards],
        )
    decisions.meeting_close(actor=user, meeting=meeting)
    decisions.minutes_sign(actor=user, meeting=meeting, person=chair, role="chair")
    started = time.perf_counter()
    decisions.minutes_sign(actor=user, meeting=meeting, person=adjuster, role="adjuster")
    adjust_s = time.perf_counter() - started
    meeting.refresh_from_db()
    minutes = meeting.minutes
    decision_list = decision_selectors.minutes_decisions(meeting)

    report_first, report_samples, report_out = _timed(lambda: documents.officer_report_render(report=report),
                                                      args.runs)
    minutes_first, minutes_samples, minutes_out = _timed(
        lambda: documents.minutes_render(meeting=meeting, minutes=minutes, decisions=decision_list), args.runs)
    _html_first, html_samples, _ = _timed(
        lambda: documents.minutes_render(meeting=meeting, minutes=minutes, decisions=decision_list, pdf=False),
        args.runs)

    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(minutes_out.pdf)).pages)
    report_pages = len(PdfReader(io.BytesIO(report_out.pdf)).pages)
    report_s, minutes_s = statistics.median(report_samples), statistics.median(minutes_samples)
    print(f"\nDocuments benchmark on {connection.vendor} (median of {args.runs} runs after a first one)\n")
    rows = [
        (f"officer's report to PDF/A ({report_pages} pages)", f"{report_s:.2f} s (first {report_first:.2f} s)",
         f"≤ {TARGET_REPORT_S:.0f} s", report_s <= TARGET_REPORT_S),
        (f"minutes, {args.decisions} decisions, to PDF/A ({pages} pages)",
         f"{minutes_s:.2f} s (first {minutes_first:.2f} s)", f"≤ {TARGET_MINUTES_S:.0f} s",
         minutes_s <= TARGET_MINUTES_S),
        ("  of which the HTML", f"{statistics.median(html_samples):.2f} s", "", True),
        ("adjusting those minutes (stores the PDF/A)", f"{adjust_s:.2f} s", "", True),
        ("PDF sizes", f"{len(report_out.pdf) // 1024} kB / {len(minutes_out.pdf) // 1024} kB", "", True),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, target, ok in rows:
        print(f"  {label:<{width}}  {value:<28} {target:<8} {'ok' if ok else 'MISSED' if target else ''}")
    print()


if __name__ == "__main__":
    main()
