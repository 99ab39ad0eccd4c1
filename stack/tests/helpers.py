"""What the stack tests use to look at the stack: HTTP through the balancer, the
primary's rows, the mail sink's files, the bucket, haproxy's runtime API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import boto3
import psycopg
import requests

import stack as stackmod


def wait(what: str, check, timeout: float = 60.0, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except Exception as exc:  # a part still coming back
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {last!r})")


class Report:
    """Lines for the summary printed at the end of `make stack-test`."""

    def __init__(self):
        self.sections: dict[str, list[str]] = {}
        self.lock = threading.Lock()

    def add(self, section: str, line: str) -> None:
        with self.lock:
            self.sections.setdefault(section, []).append(line)

    def print(self, terminal) -> None:
        if not self.sections:
            return
        terminal.section("stack-test summary", sep="=")
        for section, lines in self.sections.items():
            terminal.write_line(f"--- {section}")
            for line in lines:
                terminal.write_line(f"    {line}")


# --- the balancer ----------------------------------------------------------------------------------
def get(stack, path: str, *, session: requests.Session | None = None, timeout: float = 15, **kw):
    return (session or requests).get(stack.url() + path, timeout=timeout, allow_redirects=False, **kw)


def haproxy(stack, command: str) -> str:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(5)
        sock.connect(str(stack.path("haproxy.sock")))
        sock.sendall((command + "\n").encode())
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks).decode()


def server_states(stack) -> dict[str, str]:
    """app1/app2 -> UP, DOWN, MAINT, ... (haproxy's `show stat`)."""
    rows = csv.DictReader(io.StringIO(haproxy(stack, "show stat").lstrip("# ")))
    return {r["svname"]: r["status"] for r in rows if r["pxname"] == "app" and r["svname"] in ("app1", "app2")}


def wait_all_up(stack, parts, timeout: float = 90) -> None:
    for name in ("redis", "smtp", "moto", "s3-gate", "app1", "app2", "worker1", "worker2", "haproxy"):
        if not parts.pid(name):
            parts.start(name)
    for cluster in ("pg-primary", "pg-replica"):
        if not stackmod.pg_running(stack, cluster):
            stackmod.pg_ctl(stack, cluster, "start")
    stack.path("s3-refuse").unlink(missing_ok=True)
    wait("both app servers UP in haproxy", lambda: set(server_states(stack).values()) == {"UP"}, timeout)


# --- the primary -----------------------------------------------------------------------------------
class Database:
    def __init__(self, stack):
        self.stack = stack
        self.conn = psycopg.connect(host="127.0.0.1", port=stack.ports["pg-primary"], user="postgres",
                                    dbname=stackmod.DATABASE, autocommit=True)

    def rows(self, sql: str, *args):
        with self.conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()

    def value(self, sql: str, *args):
        rows = self.rows(sql, *args)
        return rows[0][0] if rows else None

    def close(self):
        self.conn.close()

    def cases_titled(self, prefix: str) -> list[tuple]:
        return self.rows("SELECT id, series_id, year, seq, diary_number, title FROM registry_case "
                         "WHERE title LIKE %s ORDER BY seq", prefix + "%")

    def series_state(self, series_id: int, year: int) -> list[int]:
        return [r[0] for r in self.rows("SELECT seq FROM registry_case WHERE series_id = %s AND year = %s "
                                        "ORDER BY seq", series_id, year)]

    def assert_gapless_after(self, series_id: int, year: int, before: int) -> list[int]:
        """The numbers given since `before` (the highest then) run on with no gap and none twice."""
        seqs = [s for s in self.series_state(series_id, year) if s > before]
        assert seqs == list(range(before + 1, before + 1 + len(seqs))), f"gap or duplicate: {seqs}"
        return seqs

    def file_blobs(self) -> dict[str, str]:
        return dict(self.rows("SELECT sha256, storage_name FROM registry_blob"))


# --- the registrar through the balancer ---------------------------------------------------------------
class Registrar:
    """The demo's registrar: a browser-like session (logged in by the form) and an API token."""

    def __init__(self, stack, session: requests.Session, token: str, organ_id: int, series_id: int,
                 classification_id: int | None):
        self.stack = stack
        self.classification_id = classification_id
        self.session = session
        self.token = token
        self.organ_id = organ_id
        self.series_id = series_id

    @classmethod
    def login(cls, stack) -> Registrar:
        session = requests.Session()
        resp = get(stack, "/konto/logga-in/", session=session)
        assert resp.status_code == 200, resp.status_code
        csrf = session.cookies["csrftoken"]
        resp = session.post(stack.url() + "/konto/logga-in/", allow_redirects=False, timeout=15, data={
            "username": "registrator", "password": stack.secret("demo_password"), "csrfmiddlewaretoken": csrf,
        }, headers={"Referer": stack.url() + "/konto/logga-in/"})
        assert resp.status_code == 302, f"login failed: {resp.status_code} {resp.text[:300]}"
        resp = session.post(stack.url() + "/api/tokens", json={"name": "stack-test"}, timeout=15,
                            headers={"X-CSRFToken": session.cookies["csrftoken"]})
        assert resp.status_code == 201, resp.text[:500]
        token = resp.json()["token"]
        organs = requests.get(stack.url() + "/api/organs", timeout=15).json()
        ks = next(o for o in organs if o["code"] == "KS")
        db = Database(stack)
        try:
            series_id, classification_id = db.rows(
                "SELECT series_id, classification_id FROM registry_case WHERE diary_number = '2017.676 KS'")[0]
        finally:
            db.close()
        return cls(stack, session, token, ks["id"], series_id, classification_id)

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def register_case(self, title: str, timeout: float = 30, key: str | None = None) -> requests.Response:
        """POST /api/cases; with `key`, as an Idempotency-Key (a retry is registered once)."""
        headers = {**self.auth, **({"Idempotency-Key": key} if key else {})}
        return requests.post(self.stack.url() + "/api/cases", json={"organ": self.organ_id, "title": title,
                                                                  "classification": self.classification_id},
                             headers=headers, timeout=timeout)

    def register_document(self, case_id: int, content: bytes, filename: str = "skrivelse.txt",
                          timeout: float = 30) -> requests.Response:
        return requests.post(
            self.stack.url() + f"/api/cases/{case_id}/documents", headers=self.auth, timeout=timeout,
            data={"direction": "incoming", "document_date": dt.date.today().isoformat(),
                  "description": "Skrivelse från stacktestet", "counterpart": "Stacktest AB"},
            files={"files": (filename, content, "text/plain")},
        )


def unique(prefix: str = "Stacktest") -> str:
    return f"{prefix} {uuid.uuid4().hex[:12]}"


# --- the mail sink ------------------------------------------------------------------------------------
class Mailbox:
    def __init__(self, directory: Path):
        self.directory = directory

    def messages(self) -> list[str]:
        return [p.read_text(errors="replace") for p in sorted(self.directory.glob("*.eml"))]

    def containing(self, text: str) -> list[str]:
        return [m for m in self.messages() if text in m]


# --- the bucket (read directly from moto, not through the gate) ------------------------------------------------
class Bucket:
    def __init__(self, stack):
        self.s3 = boto3.client("s3", endpoint_url=stack.url("moto"), region_name=stackmod.REGION,
                               aws_access_key_id="stack", aws_secret_access_key="stack-secret")

    def keys(self) -> set[str]:
        keys = set()
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=stackmod.BUCKET):
            keys.update(o["Key"] for o in page.get("Contents", []))
        return keys

    def read(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=stackmod.BUCKET, Key=key)["Body"].read()


def assert_bucket_matches_rows(db: Database, bucket: Bucket) -> tuple[int, int]:
    """Every blob row has its object; every object under blobs/ has its row (nothing half-stored)."""
    rows = db.file_blobs()
    keys = {k for k in bucket.keys() if k.startswith("blobs/")}
    missing = {name for name in rows.values() if name not in keys}
    orphans = keys - set(rows.values())
    assert not missing, f"rows without an object: {sorted(missing)[:5]}"
    assert not orphans, f"objects without a row: {sorted(orphans)[:5]}"
    return len(rows), len(keys)


def diarium(stack, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**stackmod.Services(stack).env("test")}
    return subprocess.run([str(stackmod.BIN / "diarium"), *args], env=env, cwd=stackmod.ROOT, capture_output=True,
                          text=True, timeout=timeout)


def replica_status(stack) -> dict:
    result = diarium(stack, "replica-status")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def search_hits(stack, text: str) -> bool:
    resp = get(stack, "/sok/?" + requests.compat.urlencode({"q": text}))
    return resp.status_code == 200 and text.split()[-1] in resp.text


SWEDISH = re.compile(r"[åäöÅÄÖ]")
