"""One organisation's cases, documents, events and seals, generated year by
year and written with COPY (bench/county/generate.py runs one per worker
process). What case_register, document_register, document_mark_secret,
privacy_review and case_close would have written; see generate.py."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import words as W

LOCK_KEY = 240524  # advisory lock around id allocation
EVENT_COLUMNS = ("id", "organisation_id", "case_id", "document_id", "kind", "actor_id", "actor_name", "at", "data")


# --- text --------------------------------------------------------------------------------------
def _fill(template: str, rng: random.Random, year: int) -> str:
    out = template
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        key = out[start + 1:end]
        if key == "year":
            value = str(year)
        elif key == "next_year":
            value = str(year + 1)
        elif key == "short_year":
            value = f"{year % 100:02d}"
        elif key == "number":
            value = str(rng.randrange(1, 400) if rng.random() < 0.8 else rng.randrange(400, 9000))
        elif key == "street":
            value = rng.choice(W.STREETS)
        elif key == "tract":
            value = rng.choice(W.TRACTS)
        else:
            value = rng.choice(W.FILL[key])
        out = out[:start] + value + out[end + 1:]
    return out


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(W.FIRST_NAMES)} {rng.choice(W.SURNAMES)}"


def pnr(rng: random.Random) -> str:
    """A personal identity number with a valid check digit (Luhn over the ten digits)."""
    born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(80 * 365))
    digits = f"{born:%y%m%d}{rng.randrange(1000):03d}"
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n // 10 + n % 10
    return f"{born:%Y%m%d}-{digits[6:]}{(10 - total % 10) % 10}"


# --- COPY text ---------------------------------------------------------------------------------
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = []
        for row in rows:
            buffer.append("\t".join(map(_cell, row)))
            if len(buffer) >= 5000:
                copy.write("\n".join(buffer) + "\n")
                buffer = []
        if buffer:
            copy.write("\n".join(buffer) + "\n")


def ids_reserve(conn, table: str, n: int) -> int:
    """The first of n ids taken from the table's sequence (no one else gets them)."""
    if n == 0:
        return 0
    conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        seq = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table]).fetchone()[0]
        first = conn.execute("SELECT nextval(%s)", [seq]).fetchone()[0]
        conn.execute("SELECT setval(%s, %s)", [seq, first + n - 1])
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    return first


# --- one organisation --------------------------------------------------------------------------
DOC_COUNTS = [(1, 14), (2, 16), (3, 15), (4, 13), (5, 10), (6, 8), (7, 6), (8, 4), (9, 3), (10, 2)]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = dt.timezone.utc


class Organisation:
    """Generates and writes one organisation's cases, documents, events and seals, year by year."""

    def __init__(self, ref: dict, target: int, seed: int, url: str, now: dt.datetime):
        from diarium.core.privacy.parties import looks_like_organisation
        from diarium.registry import screening
        from diarium.registry.models import HistoryChain

        self.ref, self.target, self.url, self.now = ref, target, url, now
        self.rng = random.Random(seed)
        self.org = ref["organisation_id"]
        self.actor, self.actor_name = ref["registrar_id"], ref["registrar_name"]
        self.scanner = screening.scanner_for(self.org)
        self.screened: dict[str, tuple] = {}
        self.staff = {n.casefold() for n in ref["staff_names"]}
        chain = HistoryChain.objects.get(organisation_id=self.org)
        self.chain_length, self.chain_head, self.chain_last = chain.length, chain.head, chain.last_event_id
        self.counters: dict[tuple[int, int], int] = {}
        self.organs = ref["organs"]
        self.organ_weights = [o["share"] for o in self.organs]
        # Counterparts that are not private persons, with what the registrar declares them as.
        self.legal = [(n, "auto" if looks_like_organisation(n) else "legal")
                      for n in (*W.COMPANIES, *W.AUTHORITIES, *W.ASSOCIATIONS)]
        self.types = {name.casefold(): pk for name, pk in ref["types"].items()}
        self.stats = {t: [0, 0.0] for t in ("registry_case", "registry_document", "registry_event",
                                             "registry_eventseal")}
        self.generate_seconds = 0.0

    # -- screening, as registry.screening.screen does for a new row --
    def screen(self, text: str, max_length: int) -> tuple[str, dict | None, bool]:
        from diarium.registry import screening

        found = self.screened.get(text)
        if found is None:
            findings = screening.findings_for(text, self.scanner)
            if findings:
                entry = {"original": text, "findings": findings}
                found = (screening.shown_from(entry, max_length), entry, screening.is_pending({"t": entry}))
            else:
                found = (text, None, False)
            self.screened[text] = found
        shown, entry, pending = found
        return shown, (json.loads(json.dumps(entry)) if entry else None), pending

    # -- time --
    def moment(self, year: int) -> dt.datetime:
        rng = self.rng
        start = dt.date(year, 1, 1)
        last = max(start, min(dt.date(year, 12, 31), (self.now - dt.timedelta(days=1)).astimezone(STOCKHOLM).date()))
        day = start + dt.timedelta(days=rng.randrange((last - start).days + 1))
        if day.weekday() >= 5:
            day -= dt.timedelta(days=day.weekday() - 4)
            day = max(day, start)
        local = dt.datetime(day.year, day.month, day.day, 8 + rng.randrange(9), rng.randrange(60),
                            rng.randrange(60), tzinfo=STOCKHOLM)
        return local.astimezone(UTC)

    def working_later(self, at: dt.datetime, days: float) -> dt.datetime:
        later = (at + dt.timedelta(days=days)).astimezone(STOCKHOLM)
        if later.weekday() >= 5:
            later += dt.timedelta(days=7 - later.weekday())
        later = later.replace(hour=8 + self.rng.randrange(9), minute=self.rng.randrange(60),
                              second=self.rng.randrange(60)).astimezone(UTC)
        # Later the same day, not earlier: the register's order is the order things happened.
        return later if later > at else at + dt.timedelta(minutes=self.rng.randrange(5, 120))

    def doc_count(self) -> int:
        r = self.rng.random()
        if r < 0.003:
            return self.rng.randrange(31, 101)
        if r < 0.033:
            return self.rng.randrange(11, 31)
        return self.rng.choices([c for c, _w in DOC_COUNTS], [w for _c, w in DOC_COUNTS])[0]

    # -- one case with its documents and events, before ids --
    def case_make(self, year: int, entries_left: int) -> dict:
        from diarium.registry.models import CASE_TITLE_MAX

        rng = self.rng
        organ = rng.choices(self.organs, self.organ_weights)[0]
        group = organ["group"]
        registered_at = self.moment(year)
        title = _fill(rng.choice(W.TITLES[group]), rng, year)
        if rng.random() < organ["pnr"]:
            title = f"{title}, {pnr(rng)}"
        elif rng.random() < organ["named"]:
            title = f"{title}, {person_name(rng)}"
        shown, entry, pending = self.screen(title, CASE_TITLE_MAX)
        officers = organ["officers"]
        officer = rng.choice(officers) if officers and rng.random() > 0.05 else None
        process = rng.choice(W.PROCESSES[group])
        k = max(1, min(self.doc_count(), entries_left - 1))
        # The documents, registered over the case's life (median about six weeks).
        duration = min(rng.lognormvariate(3.8, 1.0), 3 * 365)
        times = [registered_at + dt.timedelta(minutes=rng.randrange(1, 30))]
        for _i in range(1, k):
            times.append(self.working_later(times[-1], rng.expovariate(k / duration)))
        limit = self.now - dt.timedelta(hours=1)
        times = [t for t in times if t < limit] or times[:1]
        closed_at = self.working_later(times[-1], rng.uniform(1, 14))
        closed = closed_at < limit and rng.random() > 0.02
        case = {"organ": organ, "registered_at": registered_at, "title": shown, "privacy": {},
                "pending": pending, "officer": officer, "classification": self.ref["scheme"][process],
                "closed_at": closed_at if closed else None, "documents": [], "events": []}
        if entry:
            case["privacy"]["title"] = entry
        officer_name = officer[1] if officer else ""
        case["events"].append((registered_at, "case_registered", None, {
            "title": shown, "organ": organ["code"], "case_officer": officer_name}))  # diary number added later
        for n, at in enumerate(times, start=1):
            case["documents"].append(self.document_make(case, n, at, last=closed and n == len(times)))
        self.review(case)
        if closed:
            case["events"].append((closed_at, "case_closed", None, {"reason": ""}))
        return case

    def document_make(self, case: dict, number: int, at: dt.datetime, *, last: bool) -> dict:
        from diarium.registry.models import DOCUMENT_DESCRIPTION_MAX

        rng, organ = self.rng, case["organ"]
        if number == 1:
            direction = "incoming" if rng.random() < 0.75 else "drawn_up"
        elif last and rng.random() < 0.6:
            direction = "drawn_up"
        else:
            direction = rng.choices(["incoming", "drawn_up", "outgoing", "internal"], [40, 30, 25, 5])[0]
        description = rng.choice(W.DESCRIPTIONS[direction])
        if last and direction == "drawn_up":
            description = "Beslut"
        counterpart, kind, private = "", "auto", False
        if direction in ("incoming", "outgoing"):
            if rng.random() < organ["private"]:
                counterpart = person_name(rng)
                # access.party_is_private: a name "auto" is a private person's unless it is known
                # to the organisation (its staff); nobody here is in the contact register.
                private = counterpart.casefold() not in self.staff
                if direction == "incoming" and rng.random() < 0.1:
                    description = f"{description} från {counterpart}"
            else:
                counterpart, kind = rng.choice(self.legal)
        local_day = at.astimezone(STOCKHOLM).date()
        document_date = local_day - dt.timedelta(days=rng.randrange(4)) if direction == "incoming" else local_day
        received_via = (rng.choices(["email", "e_service", "post", "hand"], [45, 30, 20, 5])[0]
                        if direction == "incoming" else "")
        shown, entry, pending = self.screen(description, DOCUMENT_DESCRIPTION_MAX)
        doc = {"number": number, "direction": direction, "document_date": document_date, "counterpart": counterpart,
               "kind": kind, "private": private, "description": shown, "privacy": {"description": entry} if entry else {},
               "pending": pending, "type": self.types.get(description.split(" ")[0].casefold()),
               "received_via": received_via, "registered_at": at, "secret": False, "ground": "",
               "masked": [], "marked_at": None}
        case["events"].append((at, "document_registered", doc, {
            "number": number, "direction": direction, "counterpart_kind": kind, "counterpart_is_private": private}))
        if rng.random() < organ["secret"]:
            doc["secret"] = True
            doc["ground"] = rng.choice(W.SECRECY_GROUNDS[organ["group"]])
            if organ["group"] in ("social", "guardian"):
                doc["masked"] = ["counterpart", "description"] if rng.random() < 0.7 else ["description"]
            else:
                doc["masked"] = rng.choice([["description"], ["counterpart"], [], ["counterpart", "description"]])
            doc["marked_at"] = min(at + dt.timedelta(minutes=rng.randrange(1, 90)), self.now - dt.timedelta(minutes=1))
            case["events"].append((doc["marked_at"], "secrecy_marked", doc, {
                "number": number, "ground": doc["ground"], "masked_fields": doc["masked"]}))
        return doc

    def review(self, case: dict) -> None:
        """The registrar's review of what the assistant found in the case (services.privacy_review):
        a week after the last document, names and numbers masked, sensitive words released."""
        from diarium.registry import screening

        rows = [case] + [d for d in case["documents"] if d["privacy"]]
        if not any(row["pending"] for row in rows):
            return
        at = self.working_later(case["documents"][-1]["registered_at"], 1)
        if at > self.now - dt.timedelta(days=7):
            return
        counts: dict[str, dict[str, int]] = {}
        for row in rows:
            for entry in row["privacy"].values():
                for finding in entry["findings"]:
                    if finding["state"] != screening.PENDING:
                        continue
                    action = "release" if finding["kind"] in screening.PROPOSED_ONLY else "mask"
                    finding.update(state=screening.RELEASED if action == "release" else screening.MASKED,
                                   by=self.actor_name, at=at.isoformat())
                    counts.setdefault(action, {}).setdefault(finding["kind"], 0)
                    counts[action][finding["kind"]] += 1
            row["pending"] = screening.is_pending(row["privacy"])
        case["events"].append((at, "privacy_reviewed", None, {
            "masked": counts.get("mask", {}), "released": counts.get("release", {}), "reasons": []}))

    # -- one year: ids, numbers, rows, COPY --
    def year_write(self, conn, idconn, year: int, quota: int) -> None:
        from diarium.registry import chain as registry_chain
        from diarium.registry.models import case_search_text
        from diarium.registry.services import format_diary_number

        started = time.perf_counter()
        cases, entries = [], 0
        while entries < quota:
            case = self.case_make(year, quota - entries)
            cases.append(case)
            entries += 1 + len(case["documents"])
        cases.sort(key=lambda c: c["registered_at"])
        documents = sorted((d for c in cases for d in c["documents"]), key=lambda d: d["registered_at"])
        events = sorted(((at, i, kind, case, doc, data) for i, (case, (at, kind, doc, data)) in enumerate(
            (c, e) for c in cases for e in c["events"])), key=lambda e: (e[0], e[1]))
        case_id = ids_reserve(idconn, "registry_case", len(cases))
        document_id = ids_reserve(idconn, "registry_document", len(documents))
        event_id = ids_reserve(idconn, "registry_event", len(events))
        seal_id = ids_reserve(idconn, "registry_eventseal", len(events))
        for i, case in enumerate(cases):
            case["id"] = case_id + i
            key = (case["organ"]["series_id"], year)
            self.counters[key] = self.counters.get(key, 0) + 1
            case["seq"] = self.counters[key]
            case["diary_number"] = format_diary_number(self.ref["format"], year=year, seq=case["seq"],
                                                       series=case["organ"]["series_code"])
        for i, doc in enumerate(documents):
            doc["id"] = document_id + i
        case_rows = []
        for c in cases:
            organ = c["organ"]
            case_rows.append((
                c["id"], year, c["seq"], c["diary_number"], c["title"], "", "closed" if c["closed_at"] else "open",
                c["registered_at"], c["closed_at"], len(c["documents"]), c["officer"][0] if c["officer"] else None,
                organ["id"], self.org, self.actor, c["classification"], organ["series_id"],
                case_search_text(c["diary_number"], c["title"], ""), c["privacy"], c["pending"]))
            for doc in c["documents"]:
                doc["case_id"] = c["id"]
        document_rows = [(
            d["id"], d["number"], d["direction"], d["document_date"], d["counterpart"], d["private"], d["description"],
            d["registered_at"], d["secret"], d["ground"], d["marked_at"], d["masked"], d["case_id"], self.actor,
            self.actor if d["secret"] else None, d["kind"], d["privacy"], d["pending"], d["received_via"], d["type"],
            self.org,
        ) for d in documents]
        event_rows, seal_rows = [], []
        sealed_at = self.now
        previous, seq = self.chain_head or registry_chain.GENESIS, self.chain_length
        for i, (at, _order, kind, case, doc, data) in enumerate(events):
            if kind == "case_registered":
                data = {"diary_number": case["diary_number"], **data}
            event = SimpleNamespace(pk=event_id + i, organisation_id=self.org, case_id=case["id"],
                                    document_id=doc["id"] if doc else None, kind=kind, actor_id=self.actor,
                                    actor_name=self.actor_name, at=at, data=data)
            event_rows.append(tuple(getattr(event, "pk" if c == "id" else c) for c in EVENT_COLUMNS))
            seq += 1
            digest = registry_chain.seal_hash(previous, event)
            seal_rows.append((seal_id + i, seq, previous, digest, sealed_at, event.pk, self.org))
            previous = digest
        self.chain_length, self.chain_head = seq, previous
        if events:
            self.chain_last = max(self.chain_last, event_id + len(events) - 1)
        self.generate_seconds += time.perf_counter() - started
        with conn.cursor() as cursor:
            for table, columns, rows in (
                ("registry_case", ("id", "year", "seq", "diary_number", "title", "description", "status",
                                   "registered_at", "closed_at", "document_count", "case_officer_id", "organ_id",
                                   "organisation_id", "registered_by_id", "classification_id", "series_id",
                                   "search_text", "privacy", "privacy_pending"), case_rows),
                ("registry_document", ("id", "number", "direction", "document_date", "counterpart",
                                       "counterpart_is_private", "description", "registered_at", "is_secret",
                                       "secrecy_ground", "secrecy_marked_at", "masked_fields", "case_id",
                                       "registered_by_id", "secrecy_marked_by_id", "counterpart_kind", "privacy",
                                       "privacy_pending", "received_via", "document_type_id", "organisation_id"),
                 document_rows),
                ("registry_event", EVENT_COLUMNS, event_rows),
                ("registry_eventseal", ("id", "seq", "previous", "hash", "sealed_at", "event_id", "organisation_id"),
                 seal_rows),
            ):
                t = time.perf_counter()
                copy_rows(cursor, table, columns, rows)
                self.stats[table][0] += len(rows)
                self.stats[table][1] += time.perf_counter() - t

    def run(self) -> dict:
        import psycopg

        years = list(range(self.now.year - 9, self.now.year + 1))
        # Ten years, the current one as far as it has come, growing a little each year.
        weights = [(1 + 0.03 * i) * (1 if y < self.now.year else self.now.timetuple().tm_yday / 365)
                   for i, y in enumerate(years)]
        quotas = [int(self.target * w / sum(weights)) for w in weights]
        quotas[-1] += self.target - sum(quotas)
        with psycopg.connect(self.url) as conn, psycopg.connect(self.url, autocommit=True) as idconn:
            conn.execute("SET session_replication_role = replica")  # foreign keys checked by --check instead
            conn.execute("SET synchronous_commit = off")
            for year, quota in zip(years, quotas, strict=True):
                if quota > 1:
                    self.year_write(conn, idconn, year, quota)
            with conn.cursor() as cursor:
                for (series_id, year), last in sorted(self.counters.items()):
                    cursor.execute(
                        "INSERT INTO registry_seriescounter (series_id, year, last_seq) VALUES (%s, %s, %s) "
                        "ON CONFLICT (series_id, year) DO UPDATE SET last_seq = EXCLUDED.last_seq",
                        [series_id, year, last])
                cursor.execute("UPDATE registry_historychain SET length = %s, head = %s, last_event_id = %s, "
                               "sealed_at = %s WHERE organisation_id = %s",
                               [self.chain_length, self.chain_head, self.chain_last, self.now, self.org])
            conn.commit()
        return {"organisation": self.ref["name"], "stats": self.stats, "generate_seconds": self.generate_seconds}


def _worker_run(job) -> dict:
    ref, target, seed, url, now = job
    started = time.perf_counter()
    result = Organisation(ref, target, seed, url, now).run()
    result["seconds"] = time.perf_counter() - started
    from django.db import connections

    connections.close_all()
    return result
