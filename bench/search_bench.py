"""Search benchmark: a million register entries, `diarium reindex`, and queries through the HTTP API.

    .venv/bin/python bench/search_bench.py [--records 1000000] [--rounds 3] [--reset] [--keep]

Uses its own database (DATABASE_URL if set, else a fresh SQLite file
bench/out/search.sqlite3), its own file folder bench/out/search-files/ and its
own index bench/out/search-index/. On PostgreSQL the same queries also run on
the PostgreSQL full-text engine (DIARIUM_SEARCH_ENGINE=postgres), for
comparison. See bench/README.md.

Phases:
1. Fill: cases and their documents, bulk-inserted (like bench/opendata_bench.py;
   no events or signals, so nothing is indexed yet): realistic Swedish titles
   and descriptions, senders (some private persons), eight organs, dates over
   ten years, a few secret documents, and a text file on one entry in ten
   (FILE_SHARE of the documents, which are four entries in five).
2. Reindex: `manage.py reindex` in a child process: records per second (target
   >= 20,000) and the child's peak RSS.
3. Queries: a server (manage.py runserver, one thread) answers GET /api/search
   for 20 single-word, 20 multi-word, 20 phrase and 20 filtered queries, top 20
   with facets, after a warm-up; p50 and p95 per kind and overall (target p95 <=
   20 ms) and the server's peak RSS (target <= 1 GB).
"""

from __future__ import annotations

import argparse
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
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry_bench import OUT, ROOT, _free_port, _get, database_open, summary_print

TARGET_P95_MS = 20
TARGET_RECORDS_PER_S = 20_000
TARGET_SERVER_MB = 1024
ORG_SLUG = "search-bench"
API = "/api/search"
CHUNK = 10_000
# A text file on one register entry in ten (the 10 %): cases carry none, and with
# 1-7 documents a case (4 on average) documents are four entries in five, so one in eight.
FILE_SHARE = 0.125
ORGANS = [("KF", "Kommunfullmäktige", "council"), ("KS", "Kommunstyrelsen", "executive_board"),
          ("BUN", "Barn- och ungdomsnämnden", "board"), ("SN", "Socialnämnden", "board"),
          ("BMN", "Bygg- och miljönämnden", "board"), ("SBN", "Samhällsbyggnadsnämnden", "board"),
          ("KFN", "Kultur- och fritidsnämnden", "board"), ("TN", "Tekniska nämnden", "board")]
YEARS = list(range(2016, 2027))
# Subjects in the forms registers use them (definite and plural forms on purpose:
# "handlingsplan" must find "handlingsplanen" and "handlingsplanerna").
SUBJECTS = [
    "Bygglov för nybyggnad av enbostadshus", "Ansökan om bygglov för tillbyggnad", "Detaljplan för",
    "Samråd om detaljplanen för", "Handlingsplan för digitalisering", "Revidering av handlingsplanen för",
    "Uppföljning av handlingsplanerna för", "Digital målbild – öppen och smart", "Medborgarförslag om",
    "Motion om", "Skolskjuts", "Ansökan om skolskjuts", "Tillsyn enligt miljöbalken", "Livsmedelskontroll",
    "Upphandling av", "Avtal om", "Remiss av", "Yttrande över remissen om", "Budget och verksamhetsplan",
    "Trafiksäkerhetsåtgärder", "Utbyggnad av bredband", "Biblioteksplan", "Äldreboende", "Förskoleplatser",
    "Informationssäkerhetspolicy", "Överklagande av beslut om", "Begäran om allmän handling",
    "Delårsrapport", "Årsredovisning", "Hållbarhetsprogram", "Klimatstrategi", "Riktlinjer för",
]
PLACES = ["Stadsskogen", "Noltorp", "Sollebrunn", "Ingared", "centrum", "Hemsjö", "Bjärke", "Långared",
          "Gräfsnäs", "Östlyckan", "Nolhaga", "Brogården", "Kavlås", "Stora Mellby", "Magra", "Bälinge"]
TOPICS = ["gång- och cykelväg", "förskola", "skola", "vattenledning", "parkering", "lekplats", "idrottshall",
          "äldreboende", "bostäder", "verksamhetslokaler", "e-tjänster", "öppna data", "belysning"]
SENDERS = ["Länsstyrelsen Västra Götaland", "Trafikverket", "Skolverket", "Boverket", "Västtrafik",
           "Räddningstjänstförbundet", "Byggbolaget i Väst AB", "Föreningen Hembygden", "Sveriges Kommuner och "
           "Regioner", "Naturskyddsföreningen", "Alingsåshem AB", "Energimyndigheten", "Polismyndigheten"]
PRIVATE = ["Anna Andersson", "Erik Johansson", "Maria Karlsson", "Lars Nilsson", "Karin Eriksson",
           "Johan Larsson", "Eva Olsson", "Per Persson", "Sara Svensson", "Nils Gustafsson"]
DESCRIPTIONS = ["Ansökan", "Kompletterande handlingar", "Tjänsteskrivelse", "Beslut", "Yttrande", "Remissvar",
                "Protokollsutdrag", "Delgivningskvitto", "Skrivelse", "Förslag till beslut", "Synpunkter",
                "Överklagande", "Begäran om komplettering", "Kvittens", "Handlingsplan, bilaga"]
SENTENCES = [
    "Förvaltningen föreslår att nämnden beslutar enligt förslaget.",
    "Handlingsplanen för digitalisering beskriver hur kommunen ska bli öppen och smart.",
    "Ärendet har remitterats till samtliga nämnder och de kommunala bolagen.",
    "Sökanden ansöker om bygglov för nybyggnad av ett enbostadshus med garage.",
    "Detaljplanen syftar till att möjliggöra bostäder och en ny förskola i området.",
    "Remissvaren har sammanställts och vägts in i den reviderade handlingsplanen.",
    "Kostnaderna ryms inom befintlig budgetram för investeringar och drift.",
    "Uppföljningen redovisas årligen till kommunstyrelsen.",
    "Trafiksäkerheten vid skolan förbättras genom en ny gång- och cykelväg.",
    "Beslutet kan överklagas till förvaltningsrätten inom tre veckor.",
    "Miljöförvaltningen har genomfört tillsyn och funnit brister i egenkontrollen.",
    "Utbyggnaden av bredband i landsbygden fortsätter under planperioden.",
]

QUERIES = {
    "single-word": ["bygglov", "detaljplan", "handlingsplan", "digitalisering", "förskola", "skolskjuts",
                    "tillsyn", "upphandling", "medborgarförslag", "motion", "bredband", "remiss",
                    "trafiksäkerhet", "överklagande", "äldreboende", "klimatstrategi", "noltorp", "budget",
                    "livsmedelskontroll", "årsredovisning"],
    "multi-word": ["bygglov noltorp", "detaljplan centrum", "handlingsplan digitalisering", "förskola sollebrunn",
                   "skolskjuts ansökan", "tillsyn miljöbalken", "upphandling belysning", "motion parkering",
                   "remiss trafikverket", "bredband landsbygden", "yttrande länsstyrelsen", "avtal lekplats",
                   "budget verksamhetsplan", "äldreboende kavlås", "öppna data", "gång cykelväg",
                   "överklagande beslut", "klimatstrategi uppföljning", "idrottshall brogården",
                   "informationssäkerhetspolicy revidering"],
    "phrase": ['"digital målbild"', '"öppen och smart"', '"ansökan om bygglov"', '"gång- och cykelväg"',
               '"handlingsplan för digitalisering"', '"begäran om allmän handling"', '"yttrande över remissen"',
               '"tillsyn enligt miljöbalken"', '"nybyggnad av enbostadshus"', '"ny förskola"',
               '"budget och verksamhetsplan"', '"samråd om detaljplanen"', '"överklagande av beslut"',
               '"kommunala bolagen"', '"öppna data"', '"stora mellby"', '"västra götaland"',
               '"förslag till beslut"', '"utbyggnad av bredband"', '"riktlinjer för"'],
    "filtered": ["bygglov&kind=document", "detaljplan&year=2021", "handlingsplan&kind=case",
                 "förskola&organ={BUN}", "tillsyn&organ={BMN}&year=2019", "remiss&date_from=2020-01-01&date_to=2020-12-31",
                 "upphandling&sort=date", "motion&kind=case&year=2024", "bredband&organ={KS}",
                 "skolskjuts&kind=document&year=2018", "yttrande&date_from=2023-03-01", "avtal&sort=date&kind=document",
                 "budget&organ={KF}", "trafiksäkerhet&year=2017", "överklagande&kind=document&organ={BMN}",
                 "digitalisering&sort=date", "äldreboende&organ={SN}", "medborgarförslag&year=2022&kind=case",
                 "klimatstrategi&date_to=2019-06-30", "noltorp&kind=document&sort=date"],
}


# --- environment (before Django is imported) -------------------------------------------
def setup_environment(reset: bool, keep: bool) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    media, index = OUT / "search-files", OUT / "search-index"
    if not keep:
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
    os.environ["DIARIUM_MEDIA_ROOT"] = str(media)
    os.environ["DIARIUM_SEARCH_INDEX_DIR"] = str(index)
    os.environ["DIARIUM_VAR_DIR"] = str(OUT / "var")
    os.environ["DIARIUM_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["DIARIUM_PUBLIC_RATE_LIMIT"] = "off"  # a trusted client (diarium/core/ratelimit.py)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIARIUM_SECRET_KEY_CREATE", "1")  # a key of its own under var/, as `make bench`
    return database_open("search.sqlite3", ORG_SLUG, keep=keep, reset=reset)


# --- fill -------------------------------------------------------------------------------
def _text(rng: random.Random) -> str:
    sentences = rng.sample(SENTENCES, k=rng.randint(3, 7))
    topic = f"Ärendet gäller {rng.choice(TOPICS)} i {rng.choice(PLACES)}."
    return "\n\n".join([topic, *sentences]) + "\n"


def phase_fill(records: int) -> dict:
    """Cases with 1–7 documents each until `records` cases + documents exist."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from diarium.accounts import services as accounts
    from diarium.accounts.models import Role
    from diarium.registry import files as file_store
    from diarium.registry import services as registry
    from diarium.registry.models import Case, Document, DocumentFile, SeriesCounter

    started = time.perf_counter()
    rng = random.Random(11)
    org = accounts.organisation_create(name="Sökkommunen", slug=ORG_SLUG)
    organs = [accounts.organ_create(organisation=org, name=n, code=c, kind=k) for c, n, k in ORGANS]
    officers = [accounts.person_create(organisation=org, name=f"Handläggare {i}", organ=organs[i % len(organs)])
                for i in range(30)]
    registrar = accounts.user_create(username="search-bench", password=secrets.token_urlsafe(16))
    accounts.role_grant(user=registrar, organisation=org, role=Role.REGISTRAR)
    series = [registry.series_for_organ(o) for o in organs]
    tz = timezone.get_current_timezone()
    now = timezone.now()
    last: dict[tuple[int, int], int] = {}
    made = cases_made = docs_made = files_made = secret_made = 0
    while made < records:
        cases, plans = [], []
        while made < records and len(cases) < CHUNK:
            organ = rng.randrange(len(organs))
            year = rng.choice(YEARS)
            day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            at = min(timezone.make_aware(dt.datetime.combine(day, dt.time(8 + rng.randrange(9), rng.randrange(60)))),
                     now - dt.timedelta(minutes=5))
            year = at.astimezone(tz).year
            last[(series[organ].pk, year)] = seq = last.get((series[organ].pk, year), 0) + 1
            title = f"{rng.choice(SUBJECTS)} {rng.choice(TOPICS)}, {rng.choice(PLACES)}"
            n_docs = min(rng.randint(1, 7), records - made - 1)
            case = Case(organisation_id=org.pk, organ_id=organs[organ].pk, series_id=series[organ].pk, year=year,
                        seq=seq, diary_number=registry.format_diary_number(org.diary_number_format, year=year,
                                                                           seq=seq, series=series[organ].code),
                        title=title, case_officer_id=officers[rng.randrange(len(officers))].pk, registered_at=at,
                        registered_by_id=registrar.pk, document_count=max(n_docs, 0),
                        status=Case.Status.CLOSED if year < 2024 and rng.random() < 0.8 else Case.Status.OPEN)
            case.refresh_search_text()
            cases.append(case)
            plans.append((at, max(n_docs, 0)))
            made += 1 + max(n_docs, 0)
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=2000)
            documents, texts = [], []
            for case, (at, n_docs) in zip(cases, plans):
                for number in range(1, n_docs + 1):
                    moment = min(at + dt.timedelta(days=rng.randrange(120)), now - dt.timedelta(minutes=1))
                    private = rng.random() < 0.15
                    secret = rng.random() < 0.02
                    documents.append(Document(
                        case_id=case.pk, organisation_id=case.organisation_id, number=number, direction=rng.choice(["incoming", "drawn_up", "outgoing"]),
                        document_date=moment.astimezone(tz).date(),
                        counterpart=rng.choice(PRIVATE) if private else rng.choice(SENDERS),
                        counterpart_is_private=private,
                        description=f"{rng.choice(DESCRIPTIONS)} – {case.title}"[:500],
                        registered_at=moment, registered_by_id=registrar.pk, is_secret=secret,
                        secrecy_ground="OSL 26 kap. 1 §" if secret else "",
                        masked_fields=["description", "counterpart"] if secret else [],
                        secrecy_marked_by_id=registrar.pk if secret else None,
                        secrecy_marked_at=moment if secret else None))
                    secret_made += secret
                    texts.append(_text(rng) if rng.random() < FILE_SHARE else None)
            Document.objects.bulk_create(documents, batch_size=2000)
            files = []
            for document, text in zip(documents, texts):
                if text is None:
                    continue
                upload = SimpleUploadedFile("handling.txt", text.encode(), content_type="text/plain")
                blob = file_store.blob_store(file_store.check_upload(upload), written=[])
                files.append(DocumentFile(document_id=document.pk, position=1, version=1, filename="handling.txt",
                                          blob_id=blob.pk, created_at=document.registered_at,
                                          created_by_id=registrar.pk))
            DocumentFile.objects.bulk_create(files, batch_size=2000)
        cases_made += len(cases)
        docs_made += len(documents)
        files_made += len(files)
        print(f"  {made:,} of {records:,} entries ({cases_made:,} cases, {docs_made:,} documents, "
              f"{files_made:,} files)", flush=True)
    with transaction.atomic():
        for (series_id, year), seq in last.items():
            SeriesCounter.objects.update_or_create(series_id=series_id, year=year, defaults={"last_seq": seq})
    seconds = time.perf_counter() - started
    print(f"Fill: {cases_made:,} cases and {docs_made:,} documents ({files_made:,} with a text file, "
          f"{files_made / max(made, 1):.1%} of the entries; {secret_made:,} secret) in {seconds:.0f} s", flush=True)
    return {"seconds": round(seconds, 1), "cases": cases_made, "documents": docs_made, "files": files_made,
            "secret_documents": secret_made}


# --- reindex ----------------------------------------------------------------------------
def phase_reindex(engine: str) -> dict:
    """`manage.py reindex` in a child process, timed, with its own peak RSS (GNU time)."""
    from diarium.search.models import SearchRecord

    log, peak_file = OUT / f"search-reindex-{engine}.log", OUT / f"search-reindex-{engine}.rss"
    command = [sys.executable, str(ROOT / "manage.py"), "reindex"]
    gnu_time = Path("/usr/bin/time")
    if gnu_time.exists():
        command = [str(gnu_time), "-o", str(peak_file), "-f", "%M", *command]
    env = {**os.environ, "DIARIUM_SEARCH_ENGINE": engine}
    started = time.perf_counter()
    with open(log, "w") as out:
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"reindex failed; see {log}")
    rss_mb = int(peak_file.read_text().split()[-1]) / 1024 if gnu_time.exists() else None
    records = SearchRecord.objects.values("key").distinct().count()
    rows = SearchRecord.objects.count()
    rate = records / seconds
    print(f"Reindex ({engine}): {records:,} records ({rows:,} variant rows) in {seconds:.1f} s = {rate:,.0f} "
          f"records/s (target >= {TARGET_RECORDS_PER_S:,}) {'PASS' if rate >= TARGET_RECORDS_PER_S else 'FAIL'}; "
          f"peak RSS {rss_mb:.0f} MB; its output: {log}", flush=True)
    tail = [line for line in log.read_text().splitlines() if line.strip()][-3:]
    for line in tail:
        print(f"    {line[-150:]}")
    return {"engine": engine, "seconds": round(seconds, 1), "records": records, "rows": rows,
            "records_per_s": round(rate), "peak_rss_mb": round(rss_mb) if rss_mb else None,
            "pass": rate >= TARGET_RECORDS_PER_S}


# --- queries over HTTP --------------------------------------------------------------------
class Server:
    def __init__(self, engine: str):
        self.engine = engine

    def __enter__(self):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(OUT / f"search-server-{self.engine}.log", "w")
        env = {**os.environ, "DIARIUM_PUBLIC_RATE_LIMIT": "off", "DIARIUM_SEARCH_ENGINE": self.engine}
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{self.port}", "--noreload",
             "--skip-checks", "--nothreading"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while True:
            try:
                _get(self.base + API + "?q=start")
                return self
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    sys.exit(f"The server did not start; see {self.log.name}")
                time.sleep(0.2)

    def rss_mb(self) -> tuple[float, float]:
        """(current, peak) resident memory of the server process."""
        values = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1]) / 1024
        return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


def _urls(organs: dict[str, int]) -> dict[str, list[str]]:
    out = {}
    for kind, queries in QUERIES.items():
        urls = []
        for q in queries:
            text, _amp, rest = q.partition("&")
            params = "q=" + urllib.parse.quote(text) + "&per_page=20"
            if rest:
                params += "&" + rest.format(**organs)
            urls.append(f"{API}?{params}")
        out[kind] = urls
    return out


def phase_queries(engine: str, rounds: int) -> dict:
    from diarium.accounts.models import Organ

    organs = dict(Organ.objects.filter(organisation__slug=ORG_SLUG).values_list("code", "pk"))
    urls = _urls(organs)
    with Server(engine) as server:
        for kind_urls in urls.values():  # warm-up: every query once
            for url in kind_urls:
                _get(server.base + url)
        results, every = {}, []
        for kind, kind_urls in urls.items():
            times, hits = [], []
            for _ in range(rounds):
                for url in kind_urls:
                    started = time.perf_counter()
                    status, body = _get(server.base + url)
                    elapsed = (time.perf_counter() - started) * 1000
                    if status != 200:
                        sys.exit(f"{url} answered {status}: {body[:300]!r}")
                    data = json.loads(body)
                    if not data.get("facets"):
                        sys.exit(f"{url} answered without facets")
                    times.append(elapsed)
                    hits.append(data["total"])
            every += times
            times.sort()
            results[kind] = {"queries": len(kind_urls), "requests": len(times),
                             "p50_ms": round(statistics.median(times), 1),
                             "p95_ms": round(times[max(int(len(times) * 0.95) - 1, 0)], 1),
                             "max_ms": round(times[-1], 1), "median_total": int(statistics.median(hits)),
                             "zero_hit_queries": sum(1 for h in hits[:len(kind_urls)] if h == 0)}
        every.sort()
        rss, peak = server.rss_mb()
    overall = {"p50_ms": round(statistics.median(every), 1), "p95_ms": round(every[int(len(every) * 0.95) - 1], 1),
               "server_rss_mb": round(rss), "server_peak_mb": round(peak)}
    print(f"Queries ({engine}), {rounds} rounds after a warm-up, top 20 with facets (target p95 <= {TARGET_P95_MS} ms):")
    for kind, r in results.items():
        print(f"  {kind:12} p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}  max {r['max_ms']:7.1f} ms  "
              f"(median total {r['median_total']:,}, queries without hits {r['zero_hit_queries']})")
    print(f"  {'all':12} p50 {overall['p50_ms']:7.1f}  p95 {overall['p95_ms']:7.1f} ms  "
          f"{'PASS' if overall['p95_ms'] <= TARGET_P95_MS else 'FAIL'}; server RSS {rss:.0f} MB, peak {peak:.0f} MB "
          f"(target <= {TARGET_SERVER_MB} MB) {'PASS' if peak <= TARGET_SERVER_MB else 'FAIL'}", flush=True)
    return {"engine": engine, "kinds": results, **overall,
            "pass": overall["p95_ms"] <= TARGET_P95_MS and peak <= TARGET_SERVER_MB}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="cases + documents in the register")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of all 80 queries")
    parser.add_argument("--reset", action="store_true", help="empty (flush) a DATABASE_URL database used before")
    parser.add_argument("--keep", action="store_true", help="measure the database of an earlier run again")
    parser.add_argument("--skip-reindex", action="store_true", help="with --keep: query the index as it is")
    parser.add_argument("--fill-only", action="store_true", help="fill the database and stop (then --keep)")
    args = parser.parse_args()

    database = setup_environment(args.reset, args.keep)
    from django.db import connection

    print(f"Database: {database}; files: {os.environ['DIARIUM_MEDIA_ROOT']}; "
          f"index: {os.environ['DIARIUM_SEARCH_INDEX_DIR']}", flush=True)
    results = {"database": database, "started": dt.datetime.now().isoformat(timespec="seconds"),
               "args": vars(args), "cpus": os.cpu_count(), "load_average": {"start": os.getloadavg()}}
    results["fill"] = {"kept": True} if args.keep else phase_fill(args.records)
    results["load_average"]["fill"] = os.getloadavg()
    if args.fill_only:
        return
    engines = ["tantivy"] + (["postgres"] if connection.vendor == "postgresql" else [])
    results["reindex"], results["queries"] = {}, {}
    for engine in engines:
        if not args.skip_reindex:
            results["reindex"][engine] = phase_reindex(engine)
            results["load_average"][f"reindex {engine}"] = os.getloadavg()
        results["queries"][engine] = phase_queries(engine, args.rounds)
        results["load_average"][f"queries {engine}"] = os.getloadavg()

    rows = []
    for engine in engines:
        r = results["reindex"].get(engine)
        if r:
            rows.append((f"reindex {engine}: records/s", f"{r['records_per_s']:,}", f">= {TARGET_RECORDS_PER_S:,}",
                         r["pass"] if engine == "tantivy" else None))
            rows.append((f"reindex {engine}: seconds, peak RSS MB", f"{r['seconds']}, {r['peak_rss_mb']}", "", None))
        q = results["queries"][engine]
        rows.append((f"queries {engine}: p50 / p95 (ms)", f"{q['p50_ms']} / {q['p95_ms']}", f"p95 <= {TARGET_P95_MS}",
                     q["p95_ms"] <= TARGET_P95_MS if engine == "tantivy" else None))
        rows.append((f"queries {engine}: server peak RSS (MB)", q["server_peak_mb"], f"<= {TARGET_SERVER_MB}",
                     q["server_peak_mb"] <= TARGET_SERVER_MB if engine == "tantivy" else None))
    summary_print(database, results, rows, "search", widths=(44, 16, 14))


if __name__ == "__main__":
    main()
