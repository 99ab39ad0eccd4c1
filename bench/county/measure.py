"""Measure a running Diarium over the county register (issue 24, part 5).

    eval "$(.venv/bin/python stack/stack.py env)"   # DATABASE_URL of the stack's primary
    .venv/bin/python bench/county/measure.py --url http://127.0.0.1:27400 [--clients 50] [--seconds 20]

With `--clients` concurrent clients (closed loop, each with its own keep-alive
connection: stack/load.py), each group for `--seconds`:

- pages: the start page, the case list (first page, filtered by an
  organisation, a deep page), case pages of random cases;
- OParl: the bodies, and each county body's organizations, people, papers,
  meetings and files;
- search: one random word from the register's titles per request;
- registration: POST /api/cases with a registrar's API token of each county
  organisation (tokens made for the run and revoked after), then a check
  that every series the run numbered in is gapless.

The case ids, words and organisations are read from DATABASE_URL (the
database behind the server, filled by bench/county/generate.py). Prints
p50/p95/p99 and errors per kind beside the targets of issue 24: pages p95
≤ 50 ms, search p95 ≤ 30 ms, registration ≥ 200 cases/s, 0 errors. The
clients run on the same machine as the servers, so their CPU use is in the
figures."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "stack"))
sys.path.insert(0, str(HERE))

import load  # noqa: E402  (stack/load.py)
import words as W  # noqa: E402

PAGE_P95_MS, SEARCH_P95_MS, REGISTER_PER_S = 50, 30, 200
SLUG_PREFIX = "county-"


def say(message: str = "") -> None:
    print(message, flush=True)


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "county-measure")
    import django

    django.setup()


def register_sample(seed: int, cases: int) -> dict:
    """What the clients ask for, read from the database."""
    from django.db import connection

    from diarium.accounts.models import Organisation

    organisations = list(Organisation.objects.filter(slug__startswith=SLUG_PREFIX).order_by("pk")
                         .values_list("pk", "slug"))
    if not organisations:
        sys.exit("Databasen saknar länets organisationer: kör bench/county/generate.py först.")
    ids = [pk for pk, _slug in organisations]
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed / 1000])
        cursor.execute("SELECT count(*) FROM registry_case")
        total = cursor.fetchone()[0]
        # A random sample without sorting the table: about `cases` rows of a Bernoulli sample.
        percent = min(100.0, 100.0 * cases * 1.5 / max(total, 1))
        cursor.execute(f"SELECT id, title FROM registry_case TABLESAMPLE BERNOULLI ({percent:.6f}) "
                       "WHERE organisation_id = ANY(%s) LIMIT %s", [ids, cases])
        rows = cursor.fetchall()
    words = sorted({w.casefold() for _pk, title in rows for w in re.findall(r"[^\W\d_]{5,}", title)})
    return {"organisations": organisations, "case_ids": [pk for pk, _t in rows], "words": words, "total": total}


def deep_page(url: str, pages: int) -> str:
    """The case list's page `pages`, reached as a reader reaches it: by following
    each page's rel="next" link (a keyset cursor, not an OFFSET)."""
    import html
    import urllib.request

    path = "/arenden/"
    for _n in range(pages - 1):
        with urllib.request.urlopen(url + path, timeout=30) as answer:
            body = answer.read().decode()
        link = re.search(r'<a href="([^"]*)" rel="next"', body)
        if not link:
            break
        target = html.unescape(link.group(1))
        path = target if target.startswith("/") else "/arenden/" + target
    return path


def get_mixes(sample: dict, url: str) -> dict[str, dict[str, list[str]]]:
    bodies = [pk for pk, _slug in sample["organisations"]]
    deep = max(2, min(200, sample["total"] // 50 // 2))  # page 200 (offset 9,950) where the register has it
    return {
        "pages": {
            "start page": ["/"],
            "case list": ["/arenden/"],
            "case list org": [f"/arenden/?organisation={pk}" for pk in bodies],
            f"case list p{deep}": [deep_page(url, deep)],
            "case page": [f"/arenden/{pk}/" for pk in sample["case_ids"]],
        },
        "oparl": {
            "oparl bodies": ["/oparl/v1.1/body/"],
            "oparl lists": [f"/oparl/v1.1/body/{pk}/{kind}/" for pk in bodies
                            for kind in ("organization", "person", "paper", "meeting", "file")],
        },
        "search": {"search": [f"/sok/?q={quote(w)}" for w in sample["words"]]},
    }


def tokens_create() -> list[tuple[str, object, list[tuple[int, str]], dict[str, int]]]:
    """A token for each county organisation's registrar: (raw token, token row,
    organs (id, topic group), process codes → classification ids)."""
    from diarium.accounts import services as accounts
    from diarium.accounts.models import Organ, User
    from diarium.registry.models import Classification

    groups = {code: group for code, _n, _k, _p, _s, _sh, group, *_r in (*W.MUNICIPAL_ORGANS, *W.FEDERATION_ORGANS)}
    out = []
    for user in User.objects.filter(username__startswith=SLUG_PREFIX, username__endswith="-registrator"):
        organisation_id = user.roles.values_list("organisation_id", flat=True).first()
        token, raw = accounts.api_token_create(user=user, name="bench/county/measure.py")
        organs = [(pk, groups.get(code, "executive")) for pk, code in
                  Organ.objects.filter(organisation_id=organisation_id).values_list("pk", "code")]
        scheme = dict(Classification.objects.filter(organisation_id=organisation_id, level="process")
                      .values_list("code", "pk"))
        out.append((raw, token, organs, scheme))
    return out


def register_load(url: str, tokens, *, clients: int, seconds: float, seed: int) -> tuple[load.LoadResult, list[int]]:
    """POST /api/cases from `clients` threads for `seconds`; the ids of the cases made."""
    parts = urlsplit(url)
    stats = load.KindStats()
    made: list[int] = []
    lock = threading.Lock()
    start = threading.Event()
    deadline = [0.0]

    def client(n: int) -> None:
        rng = random.Random(seed + n)
        raw, _token, organs, scheme = tokens[n % len(tokens)]
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        local = load.KindStats()
        ids = []
        start.wait()
        while time.monotonic() < deadline[0]:
            organ, group = rng.choice(organs)
            body = {"organ": organ, "title": f"{rng.choice(W.TITLES[group]).split('{')[0].strip(' ,:')} "
                                             f"(mätning {n}-{len(ids) + local.errors})",
                    "classification": scheme[rng.choice(W.PROCESSES[group])]}
            t = time.monotonic()
            try:
                conn.request("POST", "/api/cases", body=json.dumps(body), headers={
                    "Authorization": f"Bearer {raw}", "Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                status, data = type(exc).__name__, b""
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            elapsed = time.monotonic() - t
            local.statuses[status] = local.statuses.get(status, 0) + 1
            if status == 201:
                local.latencies.append(elapsed)
                ids.append(json.loads(data)["id"])
            else:
                local.errors += 1
        conn.close()
        with lock:
            stats.latencies.extend(local.latencies)
            stats.errors += local.errors
            for key, value in local.statuses.items():
                stats.statuses[key] = stats.statuses.get(key, 0) + value
            made.extend(ids)

    took = load.run_together(client, clients=clients, seconds=seconds, start=start, deadline=deadline)
    return load.LoadResult(seconds=took, clients=clients, kinds={"registration": stats}), made


def numbering_check(case_ids: list[int]) -> list[str]:
    """Every series and year the run numbered in: gapless, counter at the last number."""
    from django.db import connection

    if not case_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.series_id, c.year, max(c.seq), count(*), k.last_seq
            FROM registry_case c JOIN registry_seriescounter k USING (series_id, year)
            WHERE (c.series_id, c.year) IN (SELECT series_id, year FROM registry_case WHERE id = ANY(%s))
            GROUP BY c.series_id, c.year, k.last_seq""", [case_ids])
        return [f"serie {s} år {y}: högsta nummer {m}, {n} ärenden, räknaren {k}"
                for s, y, m, n, k in cursor.fetchall() if not m == n == k]


def verdict(name: str, stats: load.KindStats, seconds: float) -> tuple[str, bool]:
    p95 = stats.percentile(95)
    if name == "registration":
        rate = len(stats.latencies) / seconds
        ok = rate >= REGISTER_PER_S and stats.errors == 0
        return f"{rate:.0f} cases/s (≥ {REGISTER_PER_S}), 0 errors", ok
    target = SEARCH_P95_MS if name == "search" else PAGE_P95_MS
    ok = p95 <= target and stats.errors == 0
    return f"p95 ≤ {target} ms, 0 errors", ok


def report(group: str, result: load.LoadResult, *, baseline: bool = False) -> list[tuple[str, bool]]:
    if baseline:
        say(f"\n-- {group}, one client (service time, no queueing): {result.rate:.1f} req/s")
        for name, k in result.kinds.items():
            say(f"{name:<18} {len(k.latencies) + k.errors:>6} p50 {k.percentile(50):>7.1f} p95 {k.percentile(95):>7.1f} "
                f"errors {k.errors}")
        return []
    say(f"\n== {group}: {result.clients} clients, {result.seconds:.1f} s, {result.rate:.0f} req/s")
    say(f"{'kind':<18} {'req':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}  target")
    outcomes = []
    for name, k in result.kinds.items():
        n = len(k.latencies) + k.errors
        target, ok = verdict(name, k, result.seconds)
        say(f"{name:<18} {n:>6} {n / result.seconds:>7.1f} {k.percentile(50):>7.1f} {k.percentile(95):>7.1f} "
            f"{k.percentile(99):>7.1f} {k.errors:>6}  {target} {'PASS' if ok else 'FAIL'}")
        if k.errors:
            say(f"{'':<18} statuses: {k.statuses}")
        outcomes.append((f"{group}/{name}", ok))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:27400", help="The server (the stack's balancer).")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="The database behind the server (default DATABASE_URL).")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20, help="Seconds per group.")
    parser.add_argument("--groups", default="pages,oparl,search,registration",
                        help="Comma-separated: pages, oparl, search, registration.")
    parser.add_argument("--baseline-seconds", type=float, default=5,
                        help="Seconds per group with one client first (the service time without queueing; 0: skip).")
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args(argv)
    groups = [g.strip() for g in args.groups.split(",") if g.strip()]
    problems = [f"Okänd grupp: {g}" for g in groups if g not in ("pages", "oparl", "search", "registration")]
    if not args.database_url:
        problems.append("Ange databasen bakom servern med --database-url eller DATABASE_URL.")
    if args.clients < 1 or args.seconds <= 0:
        problems.append("--clients och --seconds måste vara större än noll.")
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = args.database_url
    setup()
    sample = register_sample(args.seed, 2000)
    say(f"register: {sample['total']} cases; {len(sample['case_ids'])} sampled, {len(sample['words'])} words, "
        f"{len(sample['organisations'])} county organisations; server {args.url}")
    mixes = get_mixes(sample, args.url)
    outcomes = []
    for group in groups:
        if group == "registration":
            tokens = tokens_create()
            try:
                made = []
                if args.baseline_seconds > 0:
                    result, made = register_load(args.url, tokens, clients=1, seconds=args.baseline_seconds,
                                                 seed=args.seed + 7)
                    report(group, result, baseline=True)
                result, more = register_load(args.url, tokens, clients=args.clients, seconds=args.seconds,
                                             seed=args.seed)
                made += more
            finally:
                from diarium.accounts import services as accounts

                for _raw, token, _organs, _scheme in tokens:
                    accounts.api_token_revoke(token=token)
            outcomes += report(group, result)
            gaps = numbering_check(made)
            say(f"numbering: {len(made)} cases made; "
                + ("every series gapless, counters at the last number" if not gaps else "; ".join(gaps)))
            outcomes.append(("registration/numbering", not gaps))
            continue
        # Warm each server's workers (first requests load templates and open connections).
        load.run_load(args.url, mixes[group], clients=min(args.clients, 8), seconds=min(3.0, args.seconds),
                      seed=args.seed + 1)
        if args.baseline_seconds > 0:
            report(group, load.run_load(args.url, mixes[group], clients=1, seconds=args.baseline_seconds,
                                        seed=args.seed + 2), baseline=True)
        outcomes += report(group, load.run_load(args.url, mixes[group], clients=args.clients, seconds=args.seconds,
                                                seed=args.seed))
    failed = [name for name, ok in outcomes if not ok]
    say(f"\n{len(outcomes) - len(failed)} of {len(outcomes)} targets met" + (f"; missed: {', '.join(failed)}"
                                                                             if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
