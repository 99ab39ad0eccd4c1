"""/healthz, /readyz, /metrics, the request id and the JSON logs (issue 24, item 1).

Through Django's test client; `diarium serve` itself, with gunicorn's workers, is
started in tests/test_ops_serve.py.
"""

import io
import json
import logging
import re

import pytest

from diarium.core import logs, metrics, requestlog

from . import factories as f


@pytest.fixture(autouse=True)
def _readiness_probed_each_time(monkeypatch):
    """/readyz keeps its answer a second in production; these tests probe afresh."""
    from diarium.core import readiness

    monkeypatch.setattr(readiness, "READINESS_SECONDS", 0.0)
    readiness.forget_readiness()


def _metric(text: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        sample, _sep, value = line.rpartition(" ")
        found_name, _sep2, raw = sample.partition("{")
        if found_name != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', raw))
        if all(found.get(k) == str(v) for k, v in labels.items()):
            return float(value)
    return 0.0


def test_healthz_is_ok_without_database_session_host_check_or_https_redirect(client, settings):
    # No database fixture: any query would fail the test (pytest-django refuses it).
    settings.SECURE_SSL_REDIRECT = True  # a load balancer probes over plain HTTP
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "1/60"
    for _ in range(3):
        response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")  # an address, not an allowed host
        assert response.status_code == 200
        assert response.content == b"ok\n"
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "storage": "ok", "cache": "ok", "queue": "ok", "migrations": "ok"}}


@pytest.mark.django_db
def test_readyz_keeps_its_answer_a_second_against_floods(client, monkeypatch):
    from diarium.core import readiness

    monkeypatch.setattr(readiness, "READINESS_SECONDS", 60.0)
    calls = []
    real = readiness._readiness
    monkeypatch.setattr(readiness, "_readiness", lambda: calls.append(1) or real())
    for _ in range(5):
        assert client.get("/readyz").status_code == 200
    assert len(calls) == 1


@pytest.mark.django_db
def test_readyz_is_503_when_the_queue_cannot_be_reached_and_pages_still_answer(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["queue"] == "unavailable" and body["checks"]["database"] == "ok"
    assert client.get("/arenden/").status_code == 200


def test_request_id_is_taken_when_sane_and_made_otherwise(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234.abc_X").headers["X-Request-ID"] == "lb-1234.abc_X"
    for bad in ("", "a" * 65, "id med mellanslag", "<script>", "ä"):
        made = client.get("/healthz", HTTP_X_REQUEST_ID=bad).headers["X-Request-ID"]
        assert made != bad and re.fullmatch(r"[0-9a-f]{32}", made), bad
    first, second = (client.get("/arenden/").headers["X-Request-ID"] for _ in range(2))
    assert first != second


@pytest.mark.django_db
def test_log_lines_are_json_with_the_request_id_and_no_token(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/remissvar/hemlig-nyckel-123/?svar=1", HTTP_X_REQUEST_ID="req-42")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "Django logs a 404"
    line = lines[-1]
    assert {"timestamp", "level", "logger", "event", "request_id"} <= set(line)
    assert line["request_id"] == "req-42" and line["level"] == "warning" and line["logger"] == "django.request"
    assert "hemlig-nyckel-123" not in stream.getvalue() and "/remissvar/[token]/" in line["event"]


def test_loggable_paths_mask_tokens_and_drop_the_query():
    assert requestlog.loggable_path("/remissvar/abc123/filer/7/") == "/remissvar/[token]/filer/7/"
    assert requestlog.loggable_path("/sok/bevaka/avsluta/xyz/") == "/sok/bevaka/avsluta/[token]/"
    assert requestlog.loggable_path("/arenden/") == "/arenden/"
    assert requestlog.loggable_path("/finns/inte/") == "/finns/inte/"


@pytest.mark.django_db
def test_metrics_count_requests_by_route_and_queries_per_database(client, settings):
    org = f.organisation()
    f.organ(org)
    before = client.get("/metrics").content.decode()
    for _ in range(3):
        assert client.get("/arenden/").status_code == 200
    client.get("/finns/inte/")
    response = client.get("/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    after = response.content.decode()
    key = dict(method="GET", status="200", route="registry:case_list")
    assert _metric(after, "diarium_http_requests_total", **key) == _metric(before, "diarium_http_requests_total",
                                                                             **key) + 3
    assert _metric(after, "diarium_http_requests_total", method="GET", status="404", route="unmatched") >= 1
    assert "/arenden/" not in after  # routes, never raw paths
    queries = _metric(after, "diarium_db_queries_total", alias="default") - _metric(
        before, "diarium_db_queries_total", alias="default")
    assert queries >= 3  # each case list reads the database
    assert _metric(after, "diarium_http_request_duration_seconds_count", method="GET",
                   route="registry:case_list") >= 3
    assert "diarium_search_index_lag_seconds" in after and "diarium_search_pending_changes" in after


@pytest.mark.django_db
def test_queue_depth_counts_waiting_tasks_in_the_database_queue(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from diarium.search.tasks import apply_pending

    apply_pending.enqueue()
    apply_pending.enqueue()
    text = client.get("/metrics").content.decode()
    assert _metric(text, "diarium_queue_depth", queue="default") == 2


@pytest.mark.django_db
def test_search_lag_is_the_age_of_the_oldest_waiting_change(client, registrar, ks, settings):
    import time_machine

    from diarium.search.models import PendingChange

    with time_machine.travel("2026-03-02 10:00:00+01:00", tick=False):
        PendingChange.objects.create(kind="case", object_id=1, queued_at="2026-03-02T09:59:00+01:00")
        text = client.get("/metrics").content.decode()
    assert _metric(text, "diarium_search_index_lag_seconds") == 60
    assert _metric(text, "diarium_search_pending_changes") == 1


def test_metrics_only_for_private_clients_or_with_the_token(client, settings, db):
    assert client.get("/metrics", REMOTE_ADDR="8.8.8.8").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    settings.DIARIUM_PROXY_COUNT = 1  # behind a load balancer: the client it names counts
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 8.8.4.4"
                      ).status_code == 403
    settings.DIARIUM_METRICS_TOKEN = "skrapnyckel-" + "x" * 20
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer fel").status_code == 403
    ok = client.get("/metrics", REMOTE_ADDR="8.8.8.8",
                    HTTP_AUTHORIZATION="Bearer skrapnyckel-" + "x" * 20)
    assert ok.status_code == 200 and b"diarium_http_requests_total" in ok.content


def test_a_failing_gauge_leaves_the_rest_of_the_scrape(client, db):
    def broken():
        raise RuntimeError("borta")

    metrics.register_gauge("diarium_test_broken", "A gauge whose source fails.", broken)
    try:
        response = client.get("/metrics")
    finally:
        metrics._gauges.pop("diarium_test_broken")
    assert response.status_code == 200
    assert b"diarium_test_broken" not in response.content and b"diarium_http_requests_total" in response.content
