"""The acceptance journeys, over HTTP through the balancer."""

from __future__ import annotations

import hashlib
import time
from collections import Counter

import pytest
from helpers import assert_bucket_matches_rows, get, replica_status, search_hits, unique, wait

pytestmark = pytest.mark.short


def test_public_case_list_and_case_page(stack, db, report):
    resp = get(stack, "/arenden/")
    assert resp.status_code == 200
    case_id = db.value("SELECT id FROM registry_case WHERE diary_number = '2017.676 KS'")
    page = get(stack, f"/arenden/{case_id}/")
    assert page.status_code == 200
    assert "2017.676 KS" in page.text
    report.add("journeys", f"case list 200, case 2017.676 KS page 200 ({len(page.content)} bytes)")


def test_requests_alternate_between_app_servers(stack, report):
    served = [get(stack, "/arenden/").headers.get("X-Diarium-Server") for _ in range(20)]
    counts = Counter(served)
    assert set(counts) == {"app1", "app2"}, counts
    assert min(counts.values()) >= 8, counts  # round robin: about half each
    report.add("journeys", f"20 requests through haproxy: {dict(counts)}")


def test_oparl_entry_and_a_list(stack, report):
    system = get(stack, "/oparl/v1.1/")
    assert system.status_code == 200
    body_list = system.json()["body"]
    bodies = get(stack, body_list[body_list.index("/oparl"):])
    assert bodies.status_code == 200, bodies.status_code
    first = bodies.json()["data"][0]
    meetings = first.get("meeting") or first.get("paper")
    path = meetings[meetings.index("/oparl"):]
    listing = get(stack, path)
    assert listing.status_code == 200
    assert "data" in listing.json()
    report.add("journeys", f"OParl: system, body list, {path} ({len(listing.json()['data'])} on the first page)")


def test_search_answers_from_the_replica(stack, report):
    status = replica_status(stack)
    assert status["reads"].get("search") == "replica", status
    resp = get(stack, "/sok/?q=handlingsplan")
    assert resp.status_code == 200
    assert "2017.676" in resp.text
    report.add("journeys", f"search 'handlingsplan' finds 2017.676 KS; search reads: {status['reads']['search']}")


def test_register_a_case_with_a_file_and_the_background_work(stack, db, registrar, bucket, mail, report):
    title = unique("Stackärende")
    before = max(db.series_state(registrar.series_id, time.localtime().tm_year) or [0])
    resp = registrar.register_case(title)
    assert resp.status_code == 201, resp.text[:500]
    case = resp.json()
    content = f"Skrivelse {title}\n".encode() * 50
    doc = registrar.register_document(case["id"], content)
    assert doc.status_code == 201, doc.text[:500]
    sha = hashlib.sha256(content).hexdigest()
    name = db.value("SELECT storage_name FROM registry_blob WHERE sha256 = %s", sha)
    assert name and sha in name
    assert bucket.read(name) == content  # in moto's bucket, named by its SHA-256
    db.assert_gapless_after(registrar.series_id, time.localtime().tm_year, before)
    assert_bucket_matches_rows(db, bucket)

    # The worker applies the search outbox; the replica replays it; the search finds the new case.
    t = time.monotonic()
    wait("the new case in search", lambda: search_hits(stack, title), timeout=60)
    indexed = time.monotonic() - t

    # A request for a copy of the new document: the worker e-mails the registrar, once.
    document_id = doc.json()["id"]
    requester = unique("Begärare")
    resp = registrar.session.post(stack.url() + f"/api/documents/{document_id}/copy-requests", timeout=15,
                                  json={"format": "paper", "name": requester},
                                  headers={"X-CSRFToken": registrar.session.cookies["csrftoken"]})
    assert resp.status_code == 201, resp.text[:300]
    t = time.monotonic()
    wait("the registrar's e-mail", lambda: mail.containing(requester), timeout=60)
    mailed = time.monotonic() - t
    time.sleep(3)  # a duplicate would come within the relay's and the workers' next rounds
    assert len(mail.containing(requester)) == 1
    report.add("journeys", f"registered {case['diary_number']} with a file (blob {name[:20]}… in the bucket); "
                           f"in search after {indexed:.1f} s; copy request e-mailed once after {mailed:.1f} s")
