"""A county shared service's register on PostgreSQL, in bulk (issue 24, part 5).

    .venv/bin/python bench/county/generate.py --database-url postgres://postgres@127.0.0.1:5432/diarium_county \\
        [--entries 10000000] [--workers 2] [--seed 24] [--keep-indexes] [--check]

Twenty organisations of Västra Götaland (seventeen municipalities and three
kommunalförbund, bench/county/words.py) with their organs, series, case
officers, registrar, document types and a KLASSA-style classification
scheme, and `--entries` register entries (cases and their documents, about
4.6 documents per case) spread over the last ten years.

What the services would have written, only faster:

- The reference data (organisations, organs, people, users and roles,
  series, document types, the scheme) is made by the services themselves.
- Cases, documents, their history events and the events' seals are written
  with COPY, one organisation per worker process, as case_register,
  document_register, document_mark_secret, privacy_review and case_close
  would have written them: diary numbers gapless in each series and year in
  the order of registration, the series counters at the last number, every
  title and description screened by the masking assistant of the
  organisation (registry.screening; findings older than a week reviewed by
  the registrar, masked, a sensitive word released), counterparts private or
  not as registry.access.party_is_private decides, a share of the documents
  marked secret with a ground and masked fields, and every event sealed into
  its organisation's chain (registry.chain.seal_hash) with the chain's head
  moved on.
- The search projection (SearchRecord, with search_vector for the PostgreSQL
  engine) is written with INSERT … SELECT in the database, in the form
  diarium.search.projection gives it (--check compares a sample with what
  projection.rows_for builds).

Secondary indexes of the tables written are dropped before the load and made
again after it (their definitions are kept in bench/out/county-indexes-<db>.sql
until then); foreign keys are not checked during COPY
(session_replication_role = replica) and --check looks for orphans instead.
Then ANALYZE.

Not generated (yet): files, meetings, decisions, plans, remisses, due dates,
copy requests, links and notifications. Ids are allocated in blocks per
organisation and year, so a later document of a case registered in an
earlier year has a lower id than documents registered before it.

Only point it at a database meant for benchmarks: it refuses diarium_dev and
test databases. The database is created if it does not exist and migrated.

register.py writes one organisation; projection_sql.py holds the projection's
SQL and the checks; words.py the word lists.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import words as W  # noqa: E402
from projection_sql import check, projection_sql  # noqa: E402
from register import _worker_run  # noqa: E402

TABLES = ("registry_case", "registry_document", "registry_event", "registry_eventseal", "search_searchrecord")
REFUSED_NAMES = ("diarium_dev", "postgres", "template0", "template1")


def say(message: str) -> None:
    print(message, flush=True)


# --- environment -----------------------------------------------------------------------------
def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "county-bench-" + secrets.token_urlsafe(16))
    # Side tasks of the reference data (search outbox, screening) run at once, in this process.
    os.environ.setdefault("DIARIUM_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    os.environ.setdefault("DIARIUM_OCR", "off")
    import django

    django.setup()


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def refuse_database(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        return "Ange en PostgreSQL-databas (postgres://…)."
    name = database_name(url)
    if not name:
        return "Ange databasens namn i adressen."
    if name in REFUSED_NAMES or name.startswith("test"):
        return f"Databasen {name} är inte en mätdatabas: välj en egen, t.ex. diarium_county."
    return None


def database_ensure(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        name = database_name(url)
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- the plan ----------------------------------------------------------------------------------
def entry_targets(total: int) -> list[int]:
    weights = [spec[2] for spec in W.ORGANISATIONS]
    targets = [int(total * w / sum(weights)) for w in weights]
    targets[0] += total - sum(targets)
    return targets


def reference_create(spec, rng: random.Random) -> dict:
    """One organisation's reference data, through the services; what a worker needs of it."""
    from django.db import transaction

    from diarium.accounts import services as accounts
    from diarium.accounts.models import Role
    from diarium.registry import reference, services
    from diarium.registry.history import actor_name
    from diarium.registry.models import Series

    name, slug, weight, number_format, kind = spec
    organ_specs = W.MUNICIPAL_ORGANS if kind == "municipality" else W.FEDERATION_ORGANS
    domain = slug.removeprefix("county-") + ".example"
    with transaction.atomic():
        org = accounts.organisation_create(name=name, slug=slug, diary_number_format=number_format,
                                           org_number=f"2220{rng.randrange(10**5, 10**6)}")
        admin = accounts.user_create(username=f"{slug}-admin", password=secrets.token_urlsafe(16),
                                     first_name="Systemförvaltare", last_name=name)
        accounts.role_grant(user=admin, organisation=org, role=Role.ADMIN)
        first, last = rng.choice(W.FIRST_NAMES), rng.choice(W.SURNAMES)
        registrar = accounts.user_create(username=f"{slug}-registrator", password=secrets.token_urlsafe(16),
                                         first_name=first, last_name=last, email=f"registrator@{domain}")
        accounts.role_grant(user=registrar, organisation=org, role=Role.REGISTRAR)
        accounts.person_create(organisation=org, name=f"{first} {last}", title="Registrator",
                               email=f"registrator@{domain}", user=registrar)
        organs = {}
        for code, organ_name, organ_kind, parent, *_rest in organ_specs:
            organs[code] = accounts.organ_create(organisation=org, name=organ_name, code=code, kind=organ_kind,
                                                 parent=organs[parent] if parent else None)
        # Each board its own series; a council registers in the executive board's, a committee in its board's.
        series = {}
        for code, _n, _k, parent, series_code, *_rest in organ_specs:
            if parent is None and series_code == code:
                series[code] = services.series_for_organ(organs[code])
        for code, _n, _k, parent, series_code, *_rest in organ_specs:
            if parent is None and series_code != code:
                Series.objects.get(pk=series[series_code].pk).organs.add(organs[code])
        officers: dict[str, list[tuple[int, str]]] = {}
        staff = 10 + weight
        taken = set()
        for code, _n, _k, _parent, _s, share, *_rest in organ_specs:
            officers[code] = []
            for _i in range(max(2, round(staff * share))):
                while True:
                    person_name = f"{rng.choice(W.FIRST_NAMES)} {rng.choice(W.SURNAMES)}"
                    if person_name not in taken:
                        taken.add(person_name)
                        break
                local = person_name.lower().replace(" ", ".").translate(str.maketrans("åäöé", "aaoe"))
                person = accounts.person_create(organisation=org, name=person_name, title=rng.choice(W.STAFF_TITLES),
                                                email=f"{local}@{domain}", organ=organs[code])
                officers[code].append((person.pk, person.name))
        types = {n: reference.document_type_create(actor=admin, organisation=org, name=n).pk
                 for n in W.DOCUMENT_TYPES}
        scheme = {}
        for code, title in W.SCHEME:
            scheme[code] = services.classification_create(actor=admin, organisation=org, code=code, title=title).pk
    # The events the services wrote so far, sealed as the worker's periodic job would.
    services.history_seal(organisation_id=org.pk)
    organs_out = []
    for code, _name, _k, parent, series_code, share, group, secret, private, named, pnr in organ_specs:
        organ = organs[code]
        s = services.series_for_organ(organ)
        assert s.code == series_code, (code, s.code)
        organs_out.append({
            "id": organ.pk, "code": code, "series_id": s.pk, "series_code": s.code, "share": share, "group": group,
            "secret": secret, "private": private, "named": named, "pnr": pnr,
            # Officers of the organ, else of its parent (a committee's cases are the board's officers').
            "officers": officers[code] or officers.get(parent or "", []),
        })
    return {"organisation_id": org.pk, "name": name, "slug": slug, "format": number_format,
            "registrar_id": registrar.pk, "registrar_name": actor_name(registrar), "organs": organs_out,
            "types": types, "scheme": scheme, "staff_names": sorted(taken | {f"{first} {last}"})}


# --- indexes -----------------------------------------------------------------------------------
def indexes_drop(cursor, keep_file: Path) -> list[str]:
    """Drop the secondary indexes and unique constraints of the tables written (not
    primary keys, nor what a foreign key relies on); their definitions, to make them
    again, are returned and kept in `keep_file` until they are."""
    cursor.execute("""
        SELECT t.relname, i.relname, pg_get_indexdef(i.oid), con.conname, con.contype,
               pg_get_constraintdef(con.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.conrelid = t.oid
        WHERE t.relname = ANY(%s) AND NOT x.indisprimary
          AND i.oid NOT IN (SELECT conindid FROM pg_constraint WHERE contype = 'f')
        ORDER BY t.relname, i.relname""", [list(TABLES)])
    restore, drops = [], []
    for table, index, indexdef, conname, contype, condef in cursor.fetchall():
        if conname and contype == "u":
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{conname}" {condef}')
            drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{conname}"')
        elif not conname:
            restore.append(indexdef)
            drops.append(f'DROP INDEX "{index}"')
    keep_file.parent.mkdir(parents=True, exist_ok=True)
    keep_file.write_text("".join(f"{sql};\n" for sql in restore))
    for sql in drops:
        cursor.execute(sql)
    return restore


def indexes_make(conn, restore: list[str], tables: tuple[str, ...]) -> float:
    started = time.perf_counter()
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("SET max_parallel_maintenance_workers = 2")
    for sql in restore:
        if any(f" {t} " in sql or f" ON {t} " in sql or f"public.{t} " in sql for t in tables):
            conn.execute(sql)
    return time.perf_counter() - started


# --- main --------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="The PostgreSQL database to fill (default DATABASE_URL).")
    parser.add_argument("--entries", type=int, default=10_000_000, help="Register entries (cases + documents).")
    parser.add_argument("--workers", type=int, default=2, help="Processes writing organisations at once.")
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--keep-indexes", action="store_true", help="Load with the indexes in place.")
    parser.add_argument("--check", action="store_true", help="Check the register and the projection after.")
    args = parser.parse_args(argv)
    problems = []
    if not args.database_url:
        problems.append("Ange databasen med --database-url eller DATABASE_URL.")
    elif refusal := refuse_database(args.database_url):
        problems.append(refusal)
    if args.entries < 1000:
        problems.append("--entries måste vara minst 1000.")
    if args.workers < 1:
        problems.append("--workers måste vara minst 1.")
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    total_started = time.perf_counter()
    database_ensure(args.database_url)
    setup(args.database_url)
    import psycopg
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from diarium.accounts.models import Organisation

    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    say(f"migrate: {time.perf_counter() - t:.1f} s")
    taken = list(Organisation.objects.filter(slug__in=[s[1] for s in W.ORGANISATIONS]).values_list("name", flat=True))
    if taken:
        print(f"Databasen har redan länets organisationer ({', '.join(taken[:3])} …): välj en tom databas "
              "eller ta bort den gamla först.", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    t = time.perf_counter()
    refs = [reference_create(spec, rng) for spec in W.ORGANISATIONS]
    say(f"reference data of {len(refs)} organisations through the services: {time.perf_counter() - t:.1f} s")
    now = timezone.now().replace(microsecond=0)
    targets = entry_targets(args.entries)
    jobs = sorted(((ref, target, args.seed * 1000 + i, args.database_url, now)
                   for i, (ref, target) in enumerate(zip(refs, targets, strict=True))), key=lambda j: -j[1])
    keep_file = OUT / f"county-indexes-{database_name(args.database_url)}.sql"
    restore: list[str] = []
    if not args.keep_indexes:
        with psycopg.connect(args.database_url) as conn, conn.cursor() as cursor:
            restore = indexes_drop(cursor, keep_file)
        say(f"dropped {len(restore)} secondary indexes and unique constraints (kept in {keep_file})")
    # No connection crosses the fork: the workers open their own.
    connections.close_all()
    t = time.perf_counter()
    results = []
    try:
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            for result in pool.imap_unordered(_worker_run, jobs):
                results.append(result)
                rows = sum(v[0] for v in result["stats"].values())
                say(f"  {result['organisation']}: {rows} rows in {result['seconds']:.1f} s")
        load_s = time.perf_counter() - t
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            register_tables = ("registry_case", "registry_document", "registry_event", "registry_eventseal")
            index_s = indexes_make(conn, restore, register_tables) if restore else 0.0
            say(f"register loaded in {load_s:.1f} s; its indexes made again in {index_s:.1f} s")
            t = time.perf_counter()
            projection_rows = {}
            statements, params = projection_sql([r["organisation_id"] for r in refs])
            for name, sql in statements:
                s = time.perf_counter()
                cur = conn.execute(sql, params)
                projection_rows[name] = (cur.rowcount, time.perf_counter() - s)
            search_index_s = indexes_make(conn, restore, ("search_searchrecord",)) if restore else 0.0
            conn.execute("INSERT INTO search_indexstate (name, built_at, documents) VALUES ('postgres', %s, "
                         "(SELECT count(*) FROM search_searchrecord WHERE search_vector IS NOT NULL)) "
                         "ON CONFLICT (name) DO UPDATE SET built_at = EXCLUDED.built_at, "
                         "documents = EXCLUDED.documents", [now])
            projection_s = time.perf_counter() - t
    except BaseException:
        if restore:
            print(f"Avbrutet: index som togs bort finns i {keep_file}; kör dem med psql innan databasen används "
                  "(eller ta bort databasen).", file=sys.stderr)
        raise
    keep_file.unlink(missing_ok=True)
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        t = time.perf_counter()
        for table in (*TABLES, "registry_seriescounter", "registry_historychain"):
            conn.execute(f"ANALYZE {table}")
        analyze_s = time.perf_counter() - t
        sizes = {table: conn.execute("SELECT pg_total_relation_size(%s)", [table]).fetchone()[0] for table in TABLES}
        database_size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        problems = check(refs, conn) if args.check else []
    connection.close()
    total_s = time.perf_counter() - total_started

    say("")
    say(f"{'table':<22} {'rows':>11} {'COPY s':>8} {'rows/s':>9} {'size MB':>8}")
    for table in ("registry_case", "registry_document", "registry_event", "registry_eventseal"):
        rows = sum(r["stats"][table][0] for r in results)
        seconds = sum(r["stats"][table][1] for r in results)
        say(f"{table:<22} {rows:>11} {seconds:>8.1f} {rows / max(seconds, 1e-9):>9.0f} {sizes[table] / 2**20:>8.0f}")
    projected = sum(n for n, _s in projection_rows.values())
    projection_sql_s = sum(s for _n, s in projection_rows.values())
    say(f"{'search_searchrecord':<22} {projected:>11} {projection_sql_s:>8.1f} "
        f"{projected / max(projection_sql_s, 1e-9):>9.0f} {sizes['search_searchrecord'] / 2**20:>8.0f}"
        "  (INSERT … SELECT with vectors)")
    generate_s = sum(r["generate_seconds"] for r in results)
    entries = sum(r["stats"]["registry_case"][0] + r["stats"]["registry_document"][0] for r in results)
    say(f"\nentries: {entries} ({sum(r['stats']['registry_case'][0] for r in results)} cases) with "
        f"{args.workers} workers: generating {generate_s:.1f} s of worker time, load {load_s:.1f} s wall "
        f"({entries / load_s:.0f} entries/s)")
    say(f"indexes: register {index_s:.1f} s, search {search_index_s:.1f} s; projection {projection_s:.1f} s "
        f"(rows {projection_sql_s:.1f} s); ANALYZE {analyze_s:.1f} s")
    say(f"total {total_s:.1f} s; database {database_size / 2**30:.2f} GB")
    if problems:
        print("\nProblem:\n- " + "\n- ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
