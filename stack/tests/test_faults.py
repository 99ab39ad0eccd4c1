"""Faults on the running topology. Each one loses nothing and duplicates nothing:
rows counted in the primary, diary numbers gapless in their series, e-mails
received exactly once, the bucket's objects matching the file rows."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections import Counter

import pytest
import requests
from helpers import (
    SWEDISH,
    assert_bucket_matches_rows,
    get,
    haproxy,
    replica_status,
    search_hits,
    server_states,
    unique,
    wait,
)

import stack as stackmod

YEAR = time.localtime().tm_year


def copy_request(stack, registrar, document_id: int, requester: str) -> requests.Response:
    return requests.post(stack.url() + f"/api/documents/{document_id}/copy-requests", timeout=15,
                         json={"format": "paper", "name": requester})


@pytest.fixture(scope="module")
def document_id(registrar):
    """A document of a case of the test's own, for copy requests (each e-mails the registrar)."""
    case = registrar.register_case(unique("Stackfel")).json()
    doc = registrar.register_document(case["id"], b"Underlag for felproven\n" + os.urandom(8).hex().encode())
    assert doc.status_code == 201, doc.text[:300]
    return doc.json()["id"]


# --- a) an app server killed mid-request -------------------------------------------------------------
@pytest.mark.short
def test_app_server_killed_mid_request(stack, parts, db, registrar, bucket, healthy, report):
    prefix = unique("Stackkill")
    before = max(db.series_state(registrar.series_id, YEAR) or [0])
    stop = threading.Event()
    gets: Counter = Counter()
    posts: list[tuple[str, int]] = []
    lock = threading.Lock()

    cut: Counter = Counter()

    def reader():
        # A GET whose server died before answering is retried by haproxy (the client
        # never sees it). One whose answer was cut mid-body (the server died while
        # sending it) cannot be retried by a proxy that already passed the headers on:
        # the client retries it once, as a browser's reload would; counted apart.
        while not stop.is_set():
            for _attempt in (1, 2):
                try:
                    status = get(stack, "/arenden/", timeout=20).status_code
                    break
                except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as exc:
                    status = type(exc).__name__
                    with lock:
                        cut[status] += 1
            with lock:
                gets[status] += 1

    def registrant(n: int):
        # Each registration carries an Idempotency-Key, and a client that got no
        # 201 (a 502, a dropped connection) retries with the same key, as the API
        # documents: the case is then registered exactly once, whether or not the
        # first attempt committed before its server died.
        i = 0
        while not stop.is_set():
            title = f"{prefix} {n}-{i}"
            first, attempts, replayed = None, 0, False
            while True:
                attempts += 1
                try:
                    answer = registrar.register_case(title, timeout=20, key=f"{prefix.replace(' ', '-')}-{n}-{i}")
                    status, replayed = answer.status_code, answer.headers.get("Idempotent-Replayed") == "true"
                except requests.RequestException as exc:
                    status = type(exc).__name__
                first = status if first is None else first
                if status == 201 or attempts >= 20:
                    break
                time.sleep(0.5)
            with lock:
                posts.append((title, first, status, replayed))
            i += 1

    threads = [threading.Thread(target=reader) for _ in range(4)] + [
        threading.Thread(target=registrant, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    time.sleep(2)
    victims = [parts.pid("app1"), *parts.children("app1")]
    os.killpg(parts.pid("app1"), signal.SIGKILL)  # the master and its workers, mid-request
    killed_at = time.monotonic()
    wait("app1 DOWN in haproxy", lambda: server_states(stack).get("app1") in ("DOWN", "MAINT"), timeout=15)
    marked_down = time.monotonic() - killed_at
    time.sleep(2)
    parts.start("app1")
    wait("app1 back UP in haproxy", lambda: server_states(stack).get("app1") == "UP", timeout=60)
    back_up = time.monotonic() - killed_at
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join()

    rows = db.cases_titled(prefix)
    committed = Counter(row[5] for row in rows)
    retried = [(title, first) for title, first, _final, _r in posts if first != 201]
    assert gets and set(gets) == {200}, f"GETs that failed: {gets}"
    assert all(final == 201 for _t, _f, final, _r in posts), f"registrations never answered 201: {posts}"
    assert set(committed) == {title for title, *_ in posts}, "a registration is missing"
    assert set(committed.values()) == {1}, f"registered twice: {[t for t, n in committed.items() if n > 1]}"
    seqs = db.assert_gapless_after(registrar.series_id, YEAR, before)
    assert len(seqs) >= len(committed)
    report.add("faults", f"a) kill -9 app1 (pids {victims}) under load: {sum(gets.values())} GETs all 200 "
                         f"({sum(cut.values())} cut mid-answer and reloaded by the client: {dict(cut) or 'none'}); "
                         f"{len(posts)} registrations, each registered exactly once: {len(retried)} first "
                         f"answered otherwise ({Counter(first for _, first in retried) or 'none'}) and retried "
                         f"with their Idempotency-Key, {sum(r for *_, r in posts)} of those had committed "
                         f"(answer replayed); numbers {seqs[0] if seqs else '-'}–{seqs[-1] if seqs else '-'} "
                         f"gapless; DOWN after {marked_down:.1f} s, UP again {back_up:.1f} s after the kill")


# --- b) a worker killed mid-task -------------------------------------------------------------------
def _worker_running_a_job(stack) -> str | None:
    import redis

    r = redis.Redis(port=stack.ports["redis"], db=1)
    for key in r.smembers("rq:workers"):
        info = r.hgetall(key)
        if info.get(b"current_job") or info.get(b"state") == b"busy":
            pid = int(info.get(b"pid", 0))
            for name in ("worker1", "worker2"):
                parts = stackmod.Services(stack)
                if parts.pid(name) == pid:
                    return name
    return None


@pytest.mark.short
def test_worker_killed_mid_task(stack, parts, registrar, document_id, mail, healthy, report):
    requester = unique("Begärare")
    delay = stack.path("smtp-delay")
    delay.write_text("30")  # the sink holds the e-mail at DATA: the task is mid-send
    try:
        resp = copy_request(stack, registrar, document_id, requester)
        assert resp.status_code == 201, resp.text[:300]
        victim = wait("a worker running the e-mail task", lambda: _worker_running_a_job(stack), timeout=30)
        pid = parts.pid(victim)
        os.killpg(pid, signal.SIGKILL)  # the worker and its work horse
        killed_at = time.monotonic()
    finally:
        delay.unlink(missing_ok=True)
    wait("the e-mail, sent by the other worker", lambda: mail.containing(requester), timeout=120)
    took = time.monotonic() - killed_at
    other = "worker2" if victim == "worker1" else "worker1"
    parts.start(victim)
    time.sleep(5)  # a second sending would come from the restarted worker or the relay now
    assert len(mail.containing(requester)) == 1
    report.add("faults", f"b) kill -9 {victim} (pid {pid}) while it sent an e-mail: sent once, by {other}, "
                         f"{took:.1f} s later (the task's lease, DIARIUM_QUEUE_LEASE_SECONDS=10)")


# --- c) Redis restarted ----------------------------------------------------------------------------
@pytest.mark.full
def test_redis_restart(stack, parts, registrar, document_id, mail, healthy, report):
    # A task queued in Redis while no worker runs: the AOF keeps it across the restart.
    parts.stop("worker1")
    parts.stop("worker2")
    queued = unique("Begärare")
    assert copy_request(stack, registrar, document_id, queued).status_code == 201
    time.sleep(1.5)  # the append-only file is written every second (appendfsync everysec)
    parts.stop("redis")  # SIGTERM: Redis writes its AOF and exits
    try:
        pages = [get(stack, path).status_code for path in ("/arenden/", "/sok/?q=handlingsplan", "/oparl/v1.1/")]
        ready = [requests.get(stack.url(n) + "/readyz", timeout=10).status_code for n in ("app1", "app2")]
        during = unique("Begärare")  # asked while Redis is away: the outbox keeps it
        during_status = copy_request(stack, registrar, document_id, during).status_code
    finally:
        parts.start("redis")
    assert pages == [200, 200, 200], pages
    assert ready == [503, 503], ready
    assert during_status == 201
    wait("Redis back", lambda: stackmod.port_open(stack.ports["redis"]), timeout=20)
    parts.start("worker1")
    parts.start("worker2")
    for requester in (queued, during):
        wait(f"the e-mail of {requester}", lambda r=requester: mail.containing(r), timeout=90)
    time.sleep(3)
    counts = [len(mail.containing(r)) for r in (queued, during)]
    assert counts == [1, 1], counts
    wait("readyz 200 again", lambda: requests.get(stack.url("app1") + "/readyz", timeout=10).status_code == 200,
         timeout=30)
    report.add("faults", f"c) Redis stopped (SIGTERM) and started on its AOF: pages {pages} while down, "
                         f"/readyz {ready}; the task queued before and the one asked during the outage "
                         f"each e-mailed once ({counts})")


# --- d) the replica stopped, then lagging ----------------------------------------------------------------
@pytest.mark.full
def test_replica_stopped_and_lagging(stack, registrar, healthy, report):
    stackmod.pg_ctl(stack, "pg-replica", "stop", "-m", "fast")
    try:
        title = unique("Replikstopp")
        assert registrar.register_case(title).status_code == 201
        status_down = wait("search reads moved to the primary",
                           lambda: (s := replica_status(stack))["reads"]["search"] == "default" and s, timeout=20)
        wait("the new case found while the replica is down", lambda: search_hits(stack, title), timeout=60)
    finally:
        stackmod.start_replica(stack)
    wait("search back on the replica", lambda: replica_status(stack)["reads"]["search"] == "replica", timeout=60)

    stackmod.psql(stack, "pg-replica", "SELECT pg_wal_replay_pause()")
    try:
        title = unique("Replikfördröjning")
        assert registrar.register_case(title).status_code == 201
        # The replica cannot have it (replay paused): found means read from the primary.
        wait("the new case found while the replica lags", lambda: search_hits(stack, title), timeout=60)
        lagging = replica_status(stack)
        assert lagging["reads"]["search"] == "default", lagging
    finally:
        stackmod.psql(stack, "pg-replica", "SELECT pg_wal_replay_resume()")
    wait("search back on the replica", lambda: replica_status(stack)["reads"]["search"] == "replica", timeout=60)
    report.add("faults", f"d) replica stopped: search reads went to the primary ({status_down['reads']}) and found "
                         f"the new case; replay paused + a write: found from the primary while lagging, back on "
                         f"the replica after resume")


# --- e) the object store refusing writes ------------------------------------------------------------------
@pytest.mark.full
def test_object_store_refuses_writes(stack, db, registrar, bucket, healthy, report):
    case = registrar.register_case(unique("Lagringsfel")).json()
    flag = stack.path("s3-refuse")
    content = f"Fil under lagringsfelet {unique()}\n".encode()
    flag.touch()
    try:
        refused = [registrar.register_document(case["id"], content) for _ in range(3)]
    finally:
        flag.unlink()
    statuses = [r.status_code for r in refused]
    assert statuses == [503, 503, 503], [(r.status_code, r.text[:200]) for r in refused]
    message = refused[0].json().get("detail", "")
    assert SWEDISH.search(message) or "lagring" in message.lower(), message
    assert db.value("SELECT count(*) FROM registry_document WHERE case_id = %s", case["id"]) == 0
    assert db.value("SELECT count(*) FROM registry_blob WHERE sha256 = %s", hashlib.sha256(content).hexdigest()) == 0
    assert_bucket_matches_rows(db, bucket)
    ok = registrar.register_document(case["id"], content)
    assert ok.status_code == 201, ok.text[:300]
    rows, objects = assert_bucket_matches_rows(db, bucket)
    report.add("faults", f"e) object store answering 503 to writes: 3 registrations with a file got {statuses} "
                         f"(\"{message[:90]}\"), nothing stored; once back: 201; bucket {objects} objects = "
                         f"{rows} blob rows")


def test_haproxy_runtime_api(stack):
    """The admin socket the load test uses to take a server out."""
    assert "app1" in haproxy(stack, "show servers state app")
