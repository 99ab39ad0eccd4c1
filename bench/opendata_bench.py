"""Open data benchmark: crawl the whole OParl API over HTTP, time its list pages, dump the datasets.

    .venv/bin/python bench/opendata_bench.py [--cases 100000] [--meetings 5000] [--requests 200]

Uses its own database (DATABASE_URL if set, else a fresh SQLite file
bench/out/opendata.sqlite3) and its own file folder bench/out/opendata-files/.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry_bench import (
    OUT,
    PLACES,
    ROOT,
    SUBJECTS,
    _check_counters,
    _free_port,
    _get,
    database_open,
    summary_print,
)

TARGET_OBJECTS_PER_S = 2000
TARGET_P95_MS = 50
TARGET_RSS_MB = 300
ORG_SLUG = "opendata-bench"
ORGANS = [  # code, name, kind, parent, share of the meetings
    ("KF", "Kommunfullmäktige", "council", None, 0.6),
    ("KS", "Kommunstyrelsen", "executive_board", None, 1.2),
    ("KSAU", "Kommunstyrelsens arbetsutskott", "committee", "KS", 1.4),
    ("BUN", "Barn- och ungdomsnämnden", "board", None, 1.0),
    ("SN", "Socialnämnden", "board", None, 1.0),
    ("BMN", "Bygg- och miljönämnden", "board", None, 1.0),
    ("SBN", "Samhällsbyggnadsnämnden", "board", None, 1.0),
    ("KFN", "Kultur- och fritidsnämnden", "board", None, 1.0),
]
KF, KS, KSAU = 0, 1, 2
POLITICIANS, OFFICERS = 150, 20
PARTIES = ["S", "M", "C", "L", "KD", "V", "MP", "SD"]
FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Per", "Sara", "Nils", "Ulla", "Ali",
               "Lena", "Mats", "Elin", "Omar", "Ingrid", "Björn", "Sofia", "Göran"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
              "Svensson", "Gustafsson", "Lindberg", "Åberg", "Holm", "Ek", "Berg", "Sjöberg"]
COUNTERPARTS = ["Sökande AB", "Länsstyrelsen Västra Götaland", "Trafikverket", "Byggbolaget i Väst AB",
                "Föreningen Hembygden", "Skolverket", "Räddningstjänstförbundet", "Västtrafik"]
ROOMS = ["sal A", "sal B", "Fullmäktigesalen", "rum Nolhaga"]
LISTS = ("organization", "person", "membership", "meeting", "paper", "agendaItem", "consultation", "file",
         "locationList", "legislativeTermList")
TIMED_LISTS = ("meeting", "paper", "agendaItem")
REPORT_SHARE = 0.22  # of the items with a case, proposals from an officer's report
SUPPORT_EVERY = 6  # every 6th item's incoming document goes with it as supporting document, with a file
SUPPORT_V1, SUPPORT_V2 = "Beslutsunderlag.\n", "Beslutsunderlag, reviderat.\n"
REPORT_HTML = ("<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Tjänsteskrivelse</title>"
               "</head><body><h1>Tjänsteskrivelse</h1><p>Förvaltningen föreslår att nämnden beslutar enligt "
               "förslaget.</p></body></html>\n")
MINUTES_HTML = REPORT_HTML.replace("Tjänsteskrivelse", "Protokoll")
SECRECY = "OSL 26 kap. 1 §"
PROPOSAL = "Nämnden beslutar enligt förslaget."
CHUNK = 5000


# --- environment (before Django is imported) -------------------------------------------
def setup_environment(reset: bool, keep: bool = False) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    media = OUT / "opendata-files"
    if not keep:
        shutil.rmtree(media, ignore_errors=True)
    os.environ["DIARIUM_MEDIA_ROOT"] = str(media)
    os.environ["DIARIUM_VAR_DIR"] = str(OUT / "var")
    os.environ["DIARIUM_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["DIARIUM_PUBLIC_RATE_LIMIT"] = "off"  # a trusted client (diarium/core/ratelimit.py)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIARIUM_SECRET_KEY_CREATE", "1")  # a key of its own under var/, as `make bench`
    return database_open("opendata.sqlite3", ORG_SLUG, keep=keep, reset=reset)


# --- the plan: every object to make, decided before anything is written -------------------------
@dataclass(eq=False)
class DocSpec:
    number: int
    direction: str
    description: str
    at: dt.datetime
    counterpart: str = ""
    private: bool = False
    secret: bool = False
    masked: tuple = ()
    filename: str = ""  # the document has one file ("" none)
    versions: int = 0  # 2: the file got a second version
    report: bool = False  # the officer's report's own document, made with the report
    pk: int | None = None


@dataclass(eq=False)
class CaseSpec:
    organ: int
    title: str
    at: dt.datetime
    officer: int
    docs: list = field(default_factory=list)
    report_at: dt.datetime | None = None  # an officer's report (its document is docs[-1])
    pk: int | None = None
    report_pk: int | None = None
    proposal_pk: int | None = None


@dataclass(eq=False)
class ItemSpec:
    title: str
    text: str
    case: CaseSpec | None = None
    report: bool = False  # the proposal of the case's officer's report
    source: ItemSpec | None = None  # the proposal a decision on this earlier item forwarded
    forward_to: int | None = None  # the decision proposes that this organ decide
    supporting: list = field(default_factory=list)  # DocSpecs
    outcome: str = "adopted"
    pk: int | None = None
    decision_pk: int | None = None
    forward_proposal_pk: int | None = None


@dataclass(eq=False)
class MeetingSpec:
    organ: int
    date: dt.date
    start: dt.time
    place: str
    status: str
    items: list = field(default_factory=list)
    created_at: dt.datetime | None = None
    notice_at: dt.datetime | None = None
    opened_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    adjusted_at: dt.datetime | None = None
    pk: int | None = None

    @property
    def posted_on(self) -> dt.date:
        return self.date + dt.timedelta(days=6)


@dataclass
class Plan:
    meetings: list  # public (notice published or later), in date order
    hidden: list  # planned meetings: not public, must not be published
    cases: list

    def items(self):
        return [i for m in self.meetings for i in m.items]

    def expected(self, memberships: int) -> dict:
        items = self.items()
        files = {id(d) for i in items for d in i.supporting if d.filename and not d.secret}
        papers = [i for i in items if i.report and not i.case.docs[-1].secret]
        files |= {id(i.case.docs[-1]) for i in papers}
        return {
            "organization": len(ORGANS), "person": POLITICIANS, "membership": memberships,
            "meeting": len(self.meetings), "locationList": sum(1 for m in self.meetings if m.place),
            "agendaItem": len(items), "consultation": sum(1 for i in items if i.report or i.source),
            "paper": len(papers), "file": len(files), "legislativeTermList": 3,
        }

    def expected_rows(self) -> dict:
        return {"register": sum(len(c.docs) for c in self.cases),
                "decisions": sum(len(m.items) for m in self.meetings if m.status == "adjusted"),
                "meetings": len(self.meetings), "plans": 0}


def make_plan(n_cases: int, n_meetings: int, seed: int = 7) -> Plan:
    from django.utils import timezone

    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()

    def aware(day, at=dt.time(9)):
        return timezone.make_aware(dt.datetime.combine(day, at))

    def past(moment):
        return min(moment, now - dt.timedelta(hours=1))

    first, last = today - dt.timedelta(days=3650 - 40), today + dt.timedelta(days=40)
    meetings = []
    for n in range(n_meetings):
        organ = rng.choices(range(len(ORGANS)), [o[4] for o in ORGANS])[0]
        day = first + dt.timedelta(days=rng.randrange((last - first).days))
        if day.weekday() >= 5:
            day += dt.timedelta(days=7 - day.weekday())
        start = dt.time(18) if organ == KF else rng.choice([dt.time(8, 30), dt.time(13)])
        place = "" if n % 12 == 11 else f"Stadshuset, {rng.choice(ROOMS)}"
        status = ("notice_published" if day > today else "closed" if day > today - dt.timedelta(days=14)
                  else "adjusted")
        meetings.append(MeetingSpec(organ, day, start, place, status))
    meetings.sort(key=lambda m: (m.date, m.start, m.organ))
    for m in meetings:
        m.created_at = past(aware(m.date - dt.timedelta(days=35)))
        m.notice_at = past(aware(m.date - dt.timedelta(days=7), dt.time(10)))
        m.opened_at = aware(m.date, m.start)
        m.closed_at = m.opened_at + dt.timedelta(hours=3)
        m.adjusted_at = aware(m.posted_on, dt.time(15))

    cases: list[CaseSpec] = []
    count = {"doc": 0, "incoming": 0, "report": 0, "support": 0}

    def case_new(organ: int, at: dt.datetime) -> CaseSpec:
        case = CaseSpec(organ, f"{rng.choice(SUBJECTS)} – {rng.choice(PLACES)} ({len(cases) + 1})", past(at),
                        rng.randrange(OFFICERS))
        cases.append(case)
        return case

    def doc_add(case: CaseSpec, direction: str, description: str, at: dt.datetime, counterpart: str = "") -> DocSpec:
        count["doc"] += 1
        private = False
        if direction == "incoming":
            count["incoming"] += 1
            private = count["incoming"] % 25 == 0
            counterpart = f"Privatperson {count['incoming']}" if private else counterpart
        secret = count["doc"] % 50 == 0
        masked = (("counterpart", "description") if count["doc"] % 100 == 0 else ("description",)) if secret else ()
        doc = DocSpec(len(case.docs) + 1, direction, f"{description} {count['doc']}", past(at), counterpart,
                      private, secret, masked)
        case.docs.append(doc)
        return doc

    def report_add(case: CaseSpec, at: dt.datetime) -> None:
        count["report"] += 1
        case.report_at = past(at)
        case.docs.append(DocSpec(len(case.docs) + 1, "drawn_up", f"Tjänsteskrivelse: {case.title}"[:480],
                                 case.report_at, filename="tjansteskrivelse.html", versions=1, report=True,
                                 secret=count["report"] % 40 == 8, masked=("description",)))

    # Items: "Val av justerare" (no case), then 4-6 cases, some with an officer's report.
    for m in meetings:
        m.items.append(ItemSpec("Val av justerare",
                                "Ordföranden och vice ordföranden utses att justera protokollet."))
        for _ in range(rng.randint(4, 6)):
            case = case_new(m.organ, aware(m.date - dt.timedelta(days=rng.randint(40, 120)),
                                           dt.time(8 + rng.randrange(9), rng.randrange(60))))
            incoming = doc_add(case, "incoming", rng.choice(["Ansökan", "Skrivelse", "Anmälan", "Remiss"]),
                               case.at, rng.choice(COUNTERPARTS))
            if rng.random() < 0.4:
                doc_add(case, "drawn_up", "Underlag", case.at + dt.timedelta(days=2))
            item = ItemSpec(case.title, f"{ORGANS[m.organ][1]} beslutar enligt förslaget.", case=case)
            if rng.random() < REPORT_SHARE:
                report_add(case, case.at + dt.timedelta(days=10))
                item.report = True
                item.supporting.append(case.docs[-1])
            count["support"] += 1
            if count["support"] % SUPPORT_EVERY == 0:
                incoming.filename = f"underlag-{count['support']}.txt"
                incoming.versions = 2 if count["support"] % (SUPPORT_EVERY * 20) == 0 else 1
                item.supporting.append(incoming)
            r = rng.random()
            item.outcome = "amended" if r < 0.05 else "referred_back" if r < 0.08 else "rejected" if r < 0.10 \
                else "adopted"
            if m.status == "adjusted" and item.report and item.outcome == "adopted" and (
                    (m.organ == KSAU and rng.random() < 0.7) or (m.organ == KS and rng.random() < 0.25)):
                item.forward_to = KS if m.organ == KSAU else KF
            m.items.append(item)

    # Forwarded proposals (KSAU → KS → KF) go onto the next meeting of the organ, a week later at the earliest.
    dates = {o: [] for o in range(len(ORGANS))}
    for index, m in enumerate(meetings):
        dates[m.organ].append((m.date, index))
    for m in meetings:
        for item in list(m.items):
            if item.forward_to is None:
                continue
            targets = dates[item.forward_to]
            at = bisect.bisect_left(targets, (m.date + dt.timedelta(days=7), -1))
            if at == len(targets):
                item.forward_to = None
                continue
            target = meetings[targets[at][1]]
            onward = KF if target.organ == KS and target.status == "adjusted" and rng.random() < 0.5 else None
            target.items.append(ItemSpec(item.title, f"{ORGANS[target.organ][1]} beslutar enligt förslaget.",
                                         case=item.case, source=item, forward_to=onward))

    # The rest of the register: cases with one or two documents and no meeting.
    for _ in range(max(n_cases - len(cases), 0)):
        day = first + dt.timedelta(days=rng.randrange((today - first).days))
        case = case_new(rng.randrange(len(ORGANS)), aware(day, dt.time(8 + rng.randrange(9), rng.randrange(60))))
        party = rng.choice(COUNTERPARTS)
        doc_add(case, "incoming", rng.choice(["Ansökan", "Skrivelse", "Anmälan", "Faktura"]), case.at, party)
        if rng.random() < 0.3:
            doc_add(case, "outgoing", "Svar", case.at + dt.timedelta(days=rng.randint(1, 30)), party)

    hidden = [MeetingSpec(KF, today + dt.timedelta(days=60 + 7 * n), dt.time(18), "Stadshuset, sal A", "planned",
                          items=[ItemSpec("Planerad punkt", "")], created_at=now - dt.timedelta(days=1))
              for n in range(10)]
    return Plan(meetings, hidden, cases)


# --- reference data, through the services -------------------------------------------------------
@dataclass
class Ref:
    org: object
    organs: list
    officers: list
    chairs: list
    adjusters: list
    registrar: object
    series: list
    memberships: int


def reference_data() -> Ref:
    from diarium.accounts import services as accounts
    from diarium.accounts.models import Role
    from diarium.decisions import services as decisions
    from diarium.registry import services as registry

    org = accounts.organisation_create(name="Öppna data-kommunen", slug=ORG_SLUG)
    organs, by_code = [], {}
    for code, name, kind, parent, _share in ORGANS:
        organ = accounts.organ_create(organisation=org, name=name, code=code, kind=kind, parent=by_code.get(parent))
        by_code[code] = organ
        organs.append(organ)
    registrar = accounts.user_create(username="opendata-bench", password=secrets.token_urlsafe(16))
    accounts.role_grant(user=registrar, organisation=org, role=Role.REGISTRAR)
    officers = [accounts.person_create(organisation=org, name=f"Handläggare {i}", title="Handläggare",
                                       organ=organs[i % len(organs)]) for i in range(OFFICERS)]
    chairs, adjusters = [None] * len(organs), [None] * len(organs)
    memberships = 0
    for i in range(POLITICIANS):
        person = accounts.person_create(
            organisation=org, name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]} {i}")
        organ, rank = i % len(organs), i // len(organs)
        role = "chair" if rank == 0 else "vice_chair" if rank == 1 else "member" if rank < 12 else "substitute"
        end = dt.date(2018, 10, 14) if rank >= 2 and i % 5 == 0 else None
        decisions.membership_add(actor=registrar, organ=organs[organ], person=person, role=role,
                                 start=dt.date(2014, 10, 15), end=end, party=PARTIES[i % len(PARTIES)])
        memberships += 1
        if i % 7 == 3 and organ != KF:
            decisions.membership_add(actor=registrar, organ=organs[KF], person=person, role="member",
                                     start=dt.date(2018, 10, 15), party=PARTIES[i % len(PARTIES)])
            memberships += 1
        if rank == 0:
            chairs[organ] = person
        elif rank == 1:
            adjusters[organ] = person
    series = [registry.series_for_organ(o) for o in organs]
    return Ref(org, organs, officers, chairs, adjusters, registrar, series, memberships)


# --- the first meetings, made through the services ---------------------------------------------
def _upload(name: str, content: str, content_type: str = "text/plain"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content.encode("utf-8"), content_type=content_type)


def _case_by_services(c: CaseSpec, ref: Ref) -> None:
    from diarium.decisions import services as decisions
    from diarium.registry import services as registry

    actor = ref.registrar
    case = registry.case_register(actor=actor, organ=ref.organs[c.organ], title=c.title,
                                  case_officer=ref.officers[c.officer], registered_at=c.at)
    c.pk = case.pk
    for d in c.docs:
        if d.report:
            report = decisions.officer_report_create(
                actor=actor, case=case, title=c.title, addressed_to=ref.organs[c.organ],
                background="Ärendet gäller " + c.title + ".", opinion="Förvaltningen tillstyrker.",
                proposals=[decisions.ProposalInput(organ=ref.organs[c.organ], text=PROPOSAL)],
                dispatch_to=["Sökanden"], signatories=[decisions.Signatory(name=ref.officers[c.officer].name,
                                                                           title="Handläggare")],
                office="Kommunledningskontoret", report_date=timezone_date(c.report_at), now=c.report_at)
            c.report_pk, c.proposal_pk, d.pk = report.pk, report.proposals.get().pk, report.document_id
            document = report.document
        else:
            files = [_upload(d.filename, SUPPORT_V1)] if d.filename else []
            document = registry.document_register(
                actor=actor, case=case, direction=d.direction, counterpart=d.counterpart,
                counterpart_is_private=d.private, document_date=timezone_date(d.at), description=d.description,
                files=files, registered_at=d.at)
            d.pk = document.pk
            if d.versions == 2:
                registry.document_file_add(actor=actor, document=document, upload=_upload(d.filename, SUPPORT_V2),
                                           replaces=document.files.get(), at=d.at + dt.timedelta(days=1))
        if d.secret:
            registry.document_mark_secret(actor=actor, document=document, ground=SECRECY,
                                          masked_fields=list(d.masked))


def timezone_date(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


def _proposal_pk(item: ItemSpec) -> int | None:
    """The proposal an item treats: its case's report's, or the one an earlier decision forwarded."""
    if item.report:
        return item.case.proposal_pk
    return item.source.forward_proposal_pk if item.source else None


def meeting_by_services(m: MeetingSpec, ref: Ref) -> None:
    from diarium.decisions import services as decisions
    from diarium.decisions.events import DecisionEvent
    from diarium.decisions.models import Proposal
    from diarium.registry.models import Case, Document

    actor = ref.registrar
    for item in m.items:
        if item.case is not None and item.case.pk is None:
            _case_by_services(item.case, ref)
    end = (dt.datetime.combine(m.date, m.start) + dt.timedelta(hours=3)).time()
    meeting = decisions.meeting_create(actor=actor, organ=ref.organs[m.organ], date=m.date, start_time=m.start,
                                       end_time=end, place=m.place, adjusters=[ref.adjusters[m.organ]],
                                       now=m.created_at)
    m.pk = meeting.pk
    added_at = m.notice_at - dt.timedelta(hours=1)
    agenda = []
    for item in m.items:
        documents = list(Document.objects.filter(pk__in=[d.pk for d in item.supporting]).order_by("number"))
        if item.report or item.source:
            proposal = Proposal.objects.get(pk=_proposal_pk(item))
            made = decisions.proposal_to_agenda(actor=actor, proposal=proposal, meeting=meeting,
                                                documents=documents, now=added_at)
        else:
            case = Case.objects.get(pk=item.case.pk) if item.case else None
            made = decisions.agenda_item_add(actor=actor, meeting=meeting, case=case, title=item.title,
                                             documents=documents, now=added_at)
        item.pk = made.pk
        agenda.append(made)
    meeting = decisions.meeting_publish_notice(actor=actor, meeting=meeting, now=m.notice_at)
    if m.status in ("closed", "adjusted"):
        meeting = decisions.meeting_open(actor=actor, meeting=meeting, now=m.opened_at)
        for position, (item, made) in enumerate(zip(m.items, agenda), start=1):
            forward = None
            if item.forward_to is not None:
                forward = decisions.ForwardInput(organ=ref.organs[item.forward_to],
                                                 text=f"{ORGANS[item.forward_to][1]} beslutar enligt förslaget.")
            decision = decisions.decision_record(actor=actor, meeting=meeting, agenda_item=made, text=item.text,
                                                 outcome=item.outcome, forward=forward,
                                                 now=m.opened_at + dt.timedelta(minutes=7 * position))
            item.decision_pk = decision.pk
            if forward is not None:
                item.forward_proposal_pk = Proposal.objects.get(from_decision=decision).pk
        meeting = decisions.meeting_close(actor=actor, meeting=meeting, now=m.closed_at)
    if m.status == "adjusted":
        for person, role in ((ref.chairs[m.organ], "chair"), (ref.adjusters[m.organ], "adjuster")):
            decisions.minutes_sign(actor=actor, meeting=meeting, person=person, role=role, posted_on=m.posted_on,
                                   now=m.adjusted_at)


# --- the rest, bulk-inserted in the same shape --------------------------------------------------
def _blob(name: str, content: str, content_type: str):
    from diarium.registry import files as file_store

    return file_store.blob_store(file_store.check_upload(_upload(name, content, content_type)), written=[])


def _drawn_up(kind: str):
    """(file name, blob) of the officer's report or the minutes that the services
    drew up for the first meetings (a PDF/A once the documents app renders them),
    reused for the bulk rows; plain HTML when no meeting was made through the services."""
    from diarium.decisions.models import Minutes, OfficerReport
    from diarium.registry.models import DocumentFile

    if kind == "minutes":
        minutes = Minutes.objects.exclude(blob=None).select_related("blob").order_by("pk").first()
        return ("protokoll", minutes.blob) if minutes else ("protokoll.html", _blob("protokoll.html", MINUTES_HTML,
                                                                                      "text/html"))
    made = (DocumentFile.objects.filter(document__in=OfficerReport.objects.values("document"))
            .select_related("blob").order_by("pk").first())
    if made:
        return made.filename, made.blob
    return "tjansteskrivelse.html", _blob("tjansteskrivelse.html", REPORT_HTML, "text/html")


def _events(rows: list) -> None:
    from diarium.registry.models import Event

    Event.objects.bulk_create(rows, batch_size=2000)
    rows.clear()


def cases_by_bulk(specs: list[CaseSpec], ref: Ref) -> None:
    """Cases, their documents, files, officer's reports and proposals, and the
    events the services would have appended, in chunks; series counters moved
    past the numbers taken."""
    from django.db import transaction
    from django.utils import timezone

    from diarium.decisions.models import OfficerReport, Proposal
    from diarium.registry import services as registry
    from diarium.registry.models import (
        Case,
        Document,
        DocumentFile,
        Event,
        SeriesCounter,
    )

    report_name, report_blob = _drawn_up("report")
    support = _blob("underlag.txt", SUPPORT_V1, "text/plain")
    support_v2 = _blob("underlag.txt", SUPPORT_V2, "text/plain")
    last = {(c.series_id, c.year): c.last_seq for c in SeriesCounter.objects.all()}
    tz = timezone.get_current_timezone()
    user, name = ref.registrar, ref.registrar.username
    specs = sorted(specs, key=lambda c: c.at)
    for start in range(0, len(specs), CHUNK):
        chunk = specs[start:start + CHUNK]
        rows = []
        for c in chunk:
            organ, series = ref.organs[c.organ], ref.series[c.organ]
            year = c.at.astimezone(tz).year
            last[(series.pk, year)] = seq = last.get((series.pk, year), 0) + 1
            case = Case(organisation_id=ref.org.pk, organ_id=organ.pk, series_id=series.pk, year=year, seq=seq,
                        diary_number=registry.format_diary_number(ref.org.diary_number_format, year=year, seq=seq,
                                                                  series=series.code),
                        title=c.title, case_officer_id=ref.officers[c.officer].pk, registered_at=c.at,
                        registered_by_id=user.pk, document_count=len(c.docs))
            case.refresh_search_text()
            rows.append(case)
        with transaction.atomic():
            Case.objects.bulk_create(rows, batch_size=1000)
            events, documents, flat = [], [], []
            for c, case in zip(chunk, rows):
                c.pk = case.pk
                events.append(Event(organisation_id=ref.org.pk, case_id=c.pk, kind=Event.Kind.CASE_REGISTERED,
                                    actor_id=user.pk, actor_name=name, at=c.at, data={
                                        "diary_number": case.diary_number, "title": c.title,
                                        "organ": ORGANS[c.organ][0], "case_officer": ref.officers[c.officer].name}))
                for d in c.docs:
                    flat.append(d)
                    documents.append(Document(
                        case_id=c.pk, organisation_id=ref.org.pk, number=d.number, direction=d.direction,
                        document_date=d.at.astimezone(tz).date(),
                        counterpart=d.counterpart, counterpart_is_private=d.private, description=d.description,
                        registered_at=d.at, registered_by_id=user.pk, is_secret=d.secret,
                        secrecy_ground=SECRECY if d.secret else "",
                        masked_fields=sorted(d.masked) if d.secret else [],
                        secrecy_marked_by_id=user.pk if d.secret else None,
                        secrecy_marked_at=d.at + dt.timedelta(days=1) if d.secret else None))
            Document.objects.bulk_create(documents, batch_size=1000)
            files = []
            for d, document in zip(flat, documents):
                d.pk = document.pk
                case_id = document.case_id
                events.append(Event(organisation_id=ref.org.pk, case_id=case_id, document_id=d.pk,
                                    kind=Event.Kind.DOCUMENT_REGISTERED, actor_id=user.pk, actor_name=name, at=d.at,
                                    data={"number": d.number, "direction": d.direction}))
                if d.filename:
                    files.append(DocumentFile(
                        document_id=d.pk, position=1, version=1, filename=report_name if d.report else d.filename,
                        blob_id=(report_blob if d.report else support).pk, created_at=d.at, created_by_id=user.pk))
                if d.versions == 2:
                    later = d.at + dt.timedelta(days=1)
                    files.append(DocumentFile(document_id=d.pk, position=1, version=2, filename=d.filename,
                                              blob_id=support_v2.pk, created_at=later, created_by_id=user.pk))
                    events.append(Event(organisation_id=ref.org.pk, case_id=case_id, document_id=d.pk,
                                        kind=Event.Kind.FILE_VERSION_ADDED, actor_id=user.pk, actor_name=name,
                                        at=later,
                                        data={"number": d.number, "position": 1, "version": 2}))
                if d.secret:
                    events.append(Event(organisation_id=ref.org.pk, case_id=case_id, document_id=d.pk,
                                        kind=Event.Kind.SECRECY_MARKED, actor_id=user.pk, actor_name=name,
                                        at=d.at + dt.timedelta(days=1),
                                        data={"number": d.number, "ground": SECRECY,
                                              "masked_fields": sorted(d.masked)}))
            DocumentFile.objects.bulk_create(files, batch_size=1000)
            with_report = [c for c in chunk if c.report_at]
            reports = [OfficerReport(
                case_id=c.pk, title=c.title, addressed_to_id=ref.organs[c.organ].pk, office="Kommunledningskontoret",
                background="Ärendet gäller " + c.title + ".", opinion="Förvaltningen tillstyrker.",
                dispatch_to="Sökanden",
                signatories=[{"name": ref.officers[c.officer].name, "title": "Handläggare"}],
                report_date=c.report_at.astimezone(tz).date(), document_id=c.docs[-1].pk, created_at=c.report_at,
                created_by_id=user.pk) for c in with_report]
            OfficerReport.objects.bulk_create(reports, batch_size=1000)
            proposals = [Proposal(organ_id=ref.organs[c.organ].pk, case_id=c.pk, text=PROPOSAL,
                                  report_id=r.pk, position=1) for c, r in zip(with_report, reports)]
            Proposal.objects.bulk_create(proposals, batch_size=1000)
            for c, r, p in zip(with_report, reports, proposals):
                c.report_pk, c.proposal_pk = r.pk, p.pk
            _events(events)
        print(f"  {start + len(chunk)} of {len(specs)} bulk cases", flush=True)
    with transaction.atomic():
        for (series_id, year), seq in last.items():
            SeriesCounter.objects.update_or_create(series_id=series_id, year=year, defaults={"last_seq": seq})


def meetings_by_bulk(specs: list[MeetingSpec], hidden: list[MeetingSpec], ref: Ref) -> None:
    """Meetings with adjusters and minutes, agenda items with their supporting
    documents, decisions with paragraph numbers, forwarded proposals, and the
    events the services would have appended."""
    from django.db import transaction

    from diarium.decisions.models import (
        AgendaItem,
        Decision,
        Meeting,
        Minutes,
        ParagraphCounter,
        Proposal,
    )
    from diarium.registry.models import Event

    user, name = ref.registrar, ref.registrar.username
    _name, minutes_blob = _drawn_up("minutes")
    with transaction.atomic():
        rows = [Meeting(
            organisation_id=ref.org.pk, organ_id=ref.organs[m.organ].pk, date=m.date, start_time=m.start,
            end_time=(dt.datetime.combine(m.date, m.start) + dt.timedelta(hours=3)).time(), place=m.place,
            status=m.status, chair_id=ref.chairs[m.organ].pk,
            notice_published_at=m.notice_at if m.status != "planned" else None,
            opened_at=m.opened_at if m.status in ("closed", "adjusted") else None,
            closed_at=m.closed_at if m.status in ("closed", "adjusted") else None,
            created_at=m.created_at) for m in specs + hidden]
        Meeting.objects.bulk_create(rows, batch_size=1000)
        for m, row in zip(specs + hidden, rows):
            m.pk = row.pk
        Meeting.adjusters.through.objects.bulk_create(
            [Meeting.adjusters.through(meeting_id=m.pk, person_id=ref.adjusters[m.organ].pk) for m in specs + hidden],
            batch_size=2000)
        Minutes.objects.bulk_create([
            Minutes(meeting_id=m.pk, adjusted_at=m.adjusted_at, posted_on=m.posted_on,
                    take_down_on=m.posted_on + dt.timedelta(days=21),
                    appeal_ends_on=m.posted_on + dt.timedelta(days=21),
                    blob_id=minutes_blob.pk) if m.status == "adjusted" else Minutes(meeting_id=m.pk)
            for m in specs if m.status in ("closed", "adjusted")], batch_size=1000)

        events, items, rows, later = [], [], [], []
        for m in specs + hidden:
            code = ORGANS[m.organ][0]
            for position, item in enumerate(m.items, start=1):
                proposal = _proposal_pk(item)
                if item.source and proposal is None:
                    later.append(item)  # the forwarding decision is made below
                items.append(item)
                rows.append(AgendaItem(meeting_id=m.pk, position=position, title=item.title[:500],
                                       case_id=item.case.pk if item.case else None, proposal_id=proposal))
                if item.case:
                    events.append(Event(organisation_id=ref.org.pk, case_id=item.case.pk,
                                        kind=DecisionEvent.AGENDA_ITEM_ADDED, actor_id=user.pk, actor_name=name,
                                        at=m.notice_at - dt.timedelta(hours=1),
                                        data={"meeting": m.pk,
                                              "details": f"{code} {m.date:%Y-%m-%d}, punkt {position}"}))
        AgendaItem.objects.bulk_create(rows, batch_size=1000)
        through = AgendaItem.supporting_documents.through
        links = []
        for item, row in zip(items, rows):
            item.pk = row.pk
            links += [through(agendaitem_id=row.pk, document_id=d.pk) for d in item.supporting]
        through.objects.bulk_create(links, batch_size=2000)
        _events(events)

        counters = {(c.organ_id, c.year): c.last for c in ParagraphCounter.objects.all()}
        decided, rows = [], []
        for m in specs:
            if m.status not in ("closed", "adjusted"):
                continue
            organ = ref.organs[m.organ]
            key = (organ.pk, m.date.year)
            for position, item in enumerate(m.items, start=1):
                counters[key] = counters.get(key, 0) + 1
                proposal = _proposal_pk(item)
                decided.append((m, item))
                rows.append(Decision(
                    organisation_id=ref.org.pk, organ_id=organ.pk, meeting_id=m.pk, agenda_item_id=item.pk,
                    case_id=item.case.pk if item.case else None, year=m.date.year, paragraph=counters[key],
                    title=item.title[:500], text=item.text, outcome=item.outcome, proposal_id=proposal,
                    recorded_at=m.opened_at + dt.timedelta(minutes=7 * position), recorded_by_id=user.pk))
        Decision.objects.bulk_create(rows, batch_size=1000)
        forwarded = []
        for (m, item), row in zip(decided, rows):
            item.decision_pk = row.pk
            if item.case is None:
                continue
            reference = f"{ORGANS[m.organ][0]} {m.date:%Y-%m-%d} § {row.paragraph}"
            events.append(Event(organisation_id=ref.org.pk, case_id=item.case.pk, kind=DecisionEvent.DECISION_RECORDED,
                                actor_id=user.pk, actor_name=name, at=row.recorded_at,
                                data={"decision": row.pk, "details": f"{reference} {item.title}"[:300]}))
            if m.status == "adjusted":
                ends = m.posted_on + dt.timedelta(days=21)
                events.append(Event(organisation_id=ref.org.pk, case_id=item.case.pk,
                                    kind=DecisionEvent.MINUTES_ADJUSTED,
                                    actor_id=user.pk, actor_name=name, at=m.adjusted_at, data={
                                        "decision": row.pk, "details": f"{reference}, anslaget {m.posted_on}, "
                                                                       f"överklagandetiden går ut {ends}"}))
            if item.forward_to is not None and item.forward_proposal_pk is None:
                forwarded.append((item, Proposal(organ_id=ref.organs[item.forward_to].pk, case_id=item.case.pk,
                                                 text=f"{ORGANS[item.forward_to][1]} beslutar enligt förslaget.",
                                                 from_decision_id=row.pk, position=1)))
        _events(events)
        Proposal.objects.bulk_create([p for _item, p in forwarded], batch_size=1000)
        for item, proposal in forwarded:
            item.forward_proposal_pk = proposal.pk
        # Items (and their decisions) that treat a proposal forwarded by a decision made above.
        AgendaItem.objects.bulk_update([AgendaItem(pk=i.pk, proposal_id=i.source.forward_proposal_pk) for i in later],
                                       ["proposal"], batch_size=1000)
        Decision.objects.bulk_update([Decision(pk=i.decision_pk, proposal_id=i.source.forward_proposal_pk)
                                      for i in later if i.decision_pk], ["proposal"], batch_size=1000)
        for (organ_id, year), value in counters.items():
            ParagraphCounter.objects.update_or_create(organ_id=organ_id, year=year, defaults={"last": value})


def phase_fill(args) -> tuple[Plan, Ref, dict]:
    from django.db import connection

    from diarium.decisions.models import AgendaItem, Meeting, OfficerReport
    from diarium.registry.models import Case, Document, DocumentFile

    steps: dict[str, float] = {}
    started = last = time.perf_counter()

    def step(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps[name] = round(now - last, 1)
        last = now

    ref = reference_data()
    plan = make_plan(args.cases, args.meetings)
    step("reference data and plan")
    by_services = plan.meetings[:args.service_meetings]
    for m in by_services:
        meeting_by_services(m, ref)
    step("through the services")
    made = {"meeting": Meeting, "agendaItem": AgendaItem, "paper": OfficerReport, "file": DocumentFile}
    service_max = {k: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                   for k, model in made.items()}
    print(f"  {len(by_services)} meetings with {sum(len(m.items) for m in by_services)} items and "
          f"{Case.objects.count()} cases made through the services in {steps['through the services']} s",
          flush=True)
    cases_by_bulk([c for c in plan.cases if c.pk is None], ref)
    step("bulk cases")
    meetings_by_bulk(plan.meetings[args.service_meetings:], plan.hidden, ref)
    step("bulk meetings")
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum gathers them a minute after a bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        step("analyze")
    fill_s = time.perf_counter() - started
    _check_counters()
    rows = plan.expected_rows()
    problems = []
    if Case.objects.count() != len(plan.cases):
        problems.append(f"{Case.objects.count()} cases, planned {len(plan.cases)}")
    if Document.objects.count() != rows["register"]:
        problems.append(f"{Document.objects.count()} documents, planned {rows['register']}")
    if Meeting.objects.count() != len(plan.meetings) + len(plan.hidden):
        problems.append("meeting count differs from the plan")
    if problems:
        sys.exit("The fill does not match its plan: " + "; ".join(problems))
    result = {
        "seconds": round(fill_s, 1), "steps_seconds": steps,
        "meetings_by_services": len(by_services), "cases": len(plan.cases), "documents": rows["register"],
        "meetings": len(plan.meetings), "hidden_meetings": len(plan.hidden), "agenda_items": len(plan.items()),
        "decisions": sum(len(m.items) for m in plan.meetings if m.status in ("closed", "adjusted")),
        "files": DocumentFile.objects.count(), "service_max_pk": service_max,
    }
    print(f"Fill: {result['cases']} cases, {result['documents']} documents, {result['meetings']} public meetings "
          f"(+{result['hidden_meetings']} planned), {result['agenda_items']} agenda items, {result['decisions']} "
          f"decisions, {result['files']} files in {fill_s:.1f} s ("
          + ", ".join(f"{k} {v} s" for k, v in steps.items()) + ")", flush=True)
    return plan, ref, result


# --- HTTP ---------------------------------------------------------------------------------------
class Server:
    """manage.py runserver --noreload --nothreading, as in the registry benchmark,
    with the public rate limit turned off: the benchmark is a trusted client."""

    def __enter__(self):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(OUT / "opendata-server.log", "w")
        env = {**os.environ, "DIARIUM_PUBLIC_RATE_LIMIT": "off"}
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{self.port}", "--noreload",
             "--skip-checks", "--nothreading"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                _get(self.base + "/oparl/v1.1/")
                return self
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    sys.exit(f"The server did not start; see {OUT / 'opendata-server.log'}")
                time.sleep(0.2)

    def cpu(self) -> float:
        """The server process's CPU time so far, in seconds (its POSIX CPU-time clock).
        With one thread and SQLite this is all the work of the requests; on
        PostgreSQL the database's own work is in its process, not counted here."""
        return time.clock_gettime(((~self.process.pid) << 3) | 2)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


def _key_shapes(obj, path: str = "", out: set | None = None) -> set:
    """(path, keys) of every JSON object in a tree: the fields an object and its embedded objects have."""
    out = set() if out is None else out
    if isinstance(obj, dict):
        out.add((path, tuple(sorted(obj))))
        for key, value in obj.items():
            _key_shapes(value, f"{path}.{key}" if path else key, out)
    elif isinstance(obj, list):
        for value in obj:
            _key_shapes(value, path, out)
    return out


SHAPE_LISTS = {"meeting": "meeting", "locationList": "meeting", "agendaItem": "agendaItem",
               "consultation": "agendaItem", "paper": "paper", "file": "file"}


def phase_crawl(server: Server, expected: dict, service_max: dict) -> dict:
    """System → Body → every list of the Body through every links.next page."""
    base, cpu_started = server.base, server.cpu()
    fetch_s = 0.0
    pages_total = 0
    shapes: dict[str, dict[str, set]] = {}

    def fetch(url):
        nonlocal fetch_s, pages_total
        started = time.perf_counter()
        status, body = _get(url)
        data = json.loads(body) if status == 200 else None
        fetch_s += time.perf_counter() - started
        pages_total += 1
        if status != 200:
            sys.exit(f"{url} answered {status}: {body[:300]!r}")
        return data

    def crawl_list(key, url, collect=None):
        objects, pages, total, ids, started = 0, 0, None, set(), fetch_s
        while url:
            page = fetch(url)
            pages += 1
            total = page["pagination"]["totalElements"] if total is None else total
            objects += len(page["data"])
            if collect is not None:
                collect += page["data"]
            for obj in page["data"]:
                ids.add(obj["id"])
                if key in SHAPE_LISTS and service_max.get(SHAPE_LISTS[key]):
                    pk = int(obj["id"].rstrip("/").rsplit("/", 1)[1])
                    origin = "service" if pk <= service_max[SHAPE_LISTS[key]] else "bulk"
                    shapes.setdefault(key, {}).setdefault(origin, set()).update(_key_shapes(obj))
            url = page["links"].get("next")
        return {"objects": objects, "pages": pages, "seconds": round(fetch_s - started, 2), "totalElements": total,
                "unique_ids": len(ids), "expected": expected.get(key),
                "pass": objects == total == len(ids) and (expected.get(key) is None or objects == expected[key])}

    system = fetch(base + "/oparl/v1.1/")
    bodies = []
    lists = {"body": crawl_list("body", system["body"], bodies)}
    for body in bodies:
        for key in LISTS:
            lists[key] = crawl_list(key, body[key])
    objects = sum(r["objects"] for r in lists.values())
    rate, server_cpu = objects / fetch_s, server.cpu() - cpu_started
    print(f"Crawl: {objects} objects on {pages_total} pages in {fetch_s:.1f} s = {rate:.0f} objects/s "
          f"(target >= {TARGET_OBJECTS_PER_S}) {'PASS' if rate >= TARGET_OBJECTS_PER_S else 'FAIL'}; "
          f"server CPU {server_cpu:.1f} s = {objects / server_cpu:.0f} objects per CPU second")
    for key, r in lists.items():
        print(f"  {key:20} {r['objects']:7d} objects {r['pages']:5d} pages {r['seconds']:7.2f} s  "
              f"totalElements {r['totalElements']}, planned {r['expected']}  {'ok' if r['pass'] else 'MISMATCH'}")
    shape_problems = []
    for key, by in shapes.items():
        missing = by.get("service", set()) - by.get("bulk", set())
        if missing:
            shape_problems.append(f"{key}: {sorted(missing)[:3]}")
    print(f"  field sets of service-made objects all found among bulk-made ones: "
          f"{'yes' if not shape_problems else 'NO ' + '; '.join(shape_problems)}")
    return {"objects": objects, "pages": pages_total, "seconds": round(fetch_s, 2), "objects_per_s": round(rate),
            "server_cpu_s": round(server_cpu, 2), "objects_per_server_cpu_s": round(objects / server_cpu),
            "target_per_s": TARGET_OBJECTS_PER_S, "lists": lists, "shape_problems": shape_problems,
            "list_urls": {k: bodies[0][k] for k in LISTS},
            "pass": rate >= TARGET_OBJECTS_PER_S and all(r["pass"] for r in lists.values()) and not shape_problems}


def phase_latency(server: Server, urls: dict, crawl: dict, requests: int) -> dict:
    rng = random.Random(3)
    results = {}
    for key in TIMED_LISTS:
        pages = crawl["lists"][key]["pages"]

        def url(key=key, pages=pages):
            page = rng.randint(1, pages)
            return urls[key] + (f"?page={page}" if page > 1 else "")

        for _ in range(10):
            _get(url())
        times, cpu = [], []
        for _ in range(requests):
            target = url()
            started, cpu_started = time.perf_counter(), server.cpu()
            status, _body = _get(target)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((server.cpu() - cpu_started) * 1000)
            if status != 200:
                sys.exit(f"{target} answered {status}")
        times.sort()
        cpu.sort()
        p95 = times[max(int(len(times) * 0.95) - 1, 0)]
        results[key] = {"pages": pages, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1),
                        "max_ms": round(times[-1], 1), "server_cpu_p50_ms": round(statistics.median(cpu), 1),
                        "server_cpu_p95_ms": round(cpu[max(int(len(cpu) * 0.95) - 1, 0)], 1),
                        "pass": p95 <= TARGET_P95_MS}
        r = results[key]
        print(f"  {key:12} random page of {pages:4d}: p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}  "
              f"max {r['max_ms']:7.1f} ms  {'PASS' if r['pass'] else 'FAIL'}  (server CPU p50 "
              f"{r['server_cpu_p50_ms']} / p95 {r['server_cpu_p95_ms']} ms)", flush=True)
    return results


def phase_queries(urls: dict, crawl: dict) -> dict:
    """SQL queries for page 2 (or the only page) of each list, in process (diagnostic, no target)."""
    from urllib.parse import urlsplit

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, out = Client(), {}
    for key, url in urls.items():
        path = urlsplit(url).path + ("?page=2" if crawl["lists"][key]["pages"] > 1 else "")
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        out[key] = {"status": response.status_code, "queries": len(queries)}
    print("  queries a page: " + ", ".join(f"{k} {v['queries']}" for k, v in out.items()))
    return out


# --- dumps ---------------------------------------------------------------------------------------
def _rows(path: Path) -> int:
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as fh:
            return sum(1 for _ in csv.reader(fh)) - 1
    with open(path, encoding="utf-8") as fh:  # json_chunks writes one object a line
        return sum(1 for line in fh if line.startswith("{"))


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def phase_dumps(expected: dict) -> dict:
    """`manage.py dump_datasets` in a child process: its wall time and its own peak RSS.

    The peak comes from GNU time (/usr/bin/time -f %M), which starts the command
    from its own small process: a child forked from this process would report
    this process's size (Linux keeps the largest RSS across exec). Without GNU
    time the child's /proc/<pid>/status VmHWM is sampled while it runs."""
    from django.conf import settings

    log, peak_file = OUT / "opendata-dump.log", OUT / "opendata-dump.rss"
    command = [sys.executable, str(ROOT / "manage.py"), "dump_datasets"]
    gnu_time = Path("/usr/bin/time")
    if gnu_time.exists():
        command = [str(gnu_time), "-o", str(peak_file), "-f", "%M", *command]
    started = time.perf_counter()
    sampled_kb = 0
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=subprocess.STDOUT)
        while process.poll() is None:
            if not gnu_time.exists():
                sampled_kb = max(sampled_kb, _vm_hwm_kb(process.pid))
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"dump_datasets failed; see {log}")
    rss_kb = int(peak_file.read_text().split()[-1]) if gnu_time.exists() else sampled_kb
    rss_mb = rss_kb / 1024
    files = {}
    for line in log.read_text().splitlines():
        stored, _tab, size = line.partition("\t")
        if size.isdigit():
            path = Path(settings.MEDIA_ROOT) / stored
            name = Path(stored).stem
            rows = _rows(path)
            files[stored] = {"bytes": int(size), "rows": rows, "expected": expected.get(name),
                             "pass": rows == expected.get(name)}
    ok = rss_mb < TARGET_RSS_MB and all(f["pass"] for f in files.values())
    print(f"Dumps: dump_datasets in {seconds:.1f} s, peak RSS {rss_mb:.0f} MB (target < {TARGET_RSS_MB} MB) "
          f"{'PASS' if rss_mb < TARGET_RSS_MB else 'FAIL'}")
    for stored, f in files.items():
        print(f"  {stored:32} {f['rows']:8d} rows (planned {f['expected']}) {f['bytes'] / 1e6:8.1f} MB  "
              f"{'ok' if f['pass'] else 'MISMATCH'}")
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(rss_mb), "target_rss_mb": TARGET_RSS_MB,
            "rss_source": "GNU time" if gnu_time.exists() else "VmHWM sampled",
            "files": files, "pass": ok}


# --- main -----------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the register")
    parser.add_argument("--meetings", type=int, default=5_000, help="public meetings")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per list")
    parser.add_argument("--service-meetings", type=int, default=20, help="first meetings made through the services")
    parser.add_argument("--reset", action="store_true", help="empty (flush) a DATABASE_URL database used before")
    parser.add_argument("--no-dumps", action="store_true", help="leave out the dumps phase")
    parser.add_argument("--keep", action="store_true",
                        help="measure the database (and files) of an earlier run with the same --cases and "
                             "--meetings again, without filling it")
    args = parser.parse_args()

    database = setup_environment(args.reset, args.keep)
    print(f"Database: {database}; files: {os.environ['DIARIUM_MEDIA_ROOT']}", flush=True)
    results: dict = {"database": database, "started": dt.datetime.now().isoformat(timespec="seconds"),
                     "args": vars(args), "cpus": os.cpu_count(), "load_average": {"start": os.getloadavg()}}
    if args.keep:
        from diarium.decisions.models import Membership

        plan, results["fill"] = make_plan(args.cases, args.meetings), {"seconds": 0, "kept": True, "service_max_pk": {}}
        expected = plan.expected(Membership.objects.count())
        print("Fill: kept from an earlier run (the plan is rebuilt from its seed for the expected counts)")
    else:
        plan, ref, results["fill"] = phase_fill(args)
        expected = plan.expected(ref.memberships)
    results["load_average"]["fill"] = os.getloadavg()
    with Server() as server:
        results["crawl"] = phase_crawl(server, expected, results["fill"]["service_max_pk"])
        results["load_average"]["crawl"] = os.getloadavg()
        print(f"List pages: {args.requests} requests at random pages after 10 warm-up requests "
              f"(target p95 <= {TARGET_P95_MS} ms)")
        results["latency"] = phase_latency(server, results["crawl"]["list_urls"], results["crawl"], args.requests)
        results["load_average"]["latency"] = os.getloadavg()
    results["queries"] = phase_queries(results["crawl"]["list_urls"], results["crawl"])
    results["dumps"] = None if args.no_dumps else phase_dumps(plan.expected_rows())
    results["load_average"]["dumps"] = os.getloadavg()

    crawl, dumps = results["crawl"], results["dumps"]
    rows = [
        ("fill (s)", results["fill"]["seconds"], "", None),
        ("OParl objects crawled", crawl["objects"], "= totalElements, = plan",
         all(r["pass"] for r in crawl["lists"].values())),
        ("pages", crawl["pages"], "", None),
        ("crawl (s)", crawl["seconds"], "", None),
        ("objects/s", crawl["objects_per_s"], f">= {TARGET_OBJECTS_PER_S}",
         crawl["objects_per_s"] >= TARGET_OBJECTS_PER_S),
        ("objects per server CPU second", crawl["objects_per_server_cpu_s"], "", None),
        ("bulk rows shaped like service rows", "yes" if not crawl["shape_problems"] else "no", "yes",
         not crawl["shape_problems"]),
    ]
    for key, r in results["latency"].items():
        rows.append((f"{key} list page p50 / p95 / max (ms)", f"{r['p50_ms']} / {r['p95_ms']} / {r['max_ms']}",
                     f"p95 <= {TARGET_P95_MS}", r["pass"]))
        rows.append(("  server CPU p50 / p95 (ms)", f"{r['server_cpu_p50_ms']} / {r['server_cpu_p95_ms']}", "", None))
    rows += [] if dumps is None else [
        ("dump_datasets (s)", dumps["seconds"], "", None),
        ("dump_datasets peak RSS (MB)", dumps["peak_rss_mb"], f"< {TARGET_RSS_MB}",
         dumps["peak_rss_mb"] < TARGET_RSS_MB),
        ("dump rows = plan", "yes" if all(f["pass"] for f in dumps["files"].values()) else "no", "yes",
         all(f["pass"] for f in dumps["files"].values())),
    ]
    summary_print(database, results, rows, "opendata")


if __name__ == "__main__":
    main()
