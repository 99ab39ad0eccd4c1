"""The load test: 50 concurrent clients against the balancer, with both app
servers and then with one (app2 set to maintenance through haproxy's runtime
API), printing requests/s and p50/p95/p99 latency per kind and the errors."""

from __future__ import annotations

import os

import pytest
from helpers import haproxy, server_states, wait
from load import default_mix, run_load

from conftest import SHORT

pytestmark = pytest.mark.short
CLIENTS = int(os.environ.get("DIARIUM_STACK_LOAD_CLIENTS") or 50)
SECONDS = float(os.environ.get("DIARIUM_STACK_LOAD_SECONDS") or (6 if SHORT else 30))


def test_load_two_servers_then_one(stack, db, healthy, report):
    case_ids = [r[0] for r in db.rows(
        "SELECT c.id FROM registry_case c WHERE NOT EXISTS (SELECT 1 FROM registry_document d "
        "WHERE d.case_id = c.id AND d.secret) ORDER BY c.id LIMIT 20")] if _has_secret_column(db) else [
        r[0] for r in db.rows("SELECT id FROM registry_case ORDER BY id LIMIT 20")]
    body_id = db.value("SELECT min(id) FROM accounts_organisation") or 1
    mix = default_mix(case_ids, body_id)

    both = run_load(stack.url(), mix, clients=CLIENTS, seconds=SECONDS)
    report.add("load", f"{CLIENTS} clients, {SECONDS:.0f} s, both app servers (2 gunicorn workers each):")
    for line in both.table():
        report.add("load", "  " + line)

    for backend in ("app", "app_live"):
        haproxy(stack, f"set server {backend}/app2 state maint")
    try:
        wait("app2 in maintenance", lambda: server_states(stack).get("app2") == "MAINT", timeout=10)
        one = run_load(stack.url(), mix, clients=CLIENTS, seconds=SECONDS)
    finally:
        for backend in ("app", "app_live"):
            haproxy(stack, f"set server {backend}/app2 state ready")
    report.add("load", f"{CLIENTS} clients, {SECONDS:.0f} s, one app server (app2 in maintenance):")
    for line in one.table():
        report.add("load", "  " + line)
    gain = both.rate / one.rate if one.rate else float("nan")
    report.add("load", f"the second app server: {both.rate:.1f} vs {one.rate:.1f} req/s (x{gain:.2f}); "
                       f"errors {both.errors} with two, {one.errors} with one")
    assert both.errors == 0, {k: v.statuses for k, v in both.kinds.items()}
    assert one.errors == 0, {k: v.statuses for k, v in one.kinds.items()}


def _has_secret_column(db) -> bool:
    return bool(db.value("SELECT 1 FROM information_schema.columns WHERE table_name = 'registry_document' "
                         "AND column_name = 'secret'"))
