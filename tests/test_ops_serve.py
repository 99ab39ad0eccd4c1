"""`diarium serve` (issue 24, item 1 and "Bad input"): gunicorn with workers,
graceful restarts and JSON access logs, and the start-up checks that refuse a
start with a clear message.

One test starts the real server (two workers) on a free port against the test
database; the refusals are tested by calling the checks directly, with one
process each for the exit code and message of a missing key and of migrations
not run.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import dj_database_url
import pytest

from diarium.core import readiness, serving

from .ops_support import free_port

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DIARIUM_", "PROMETHEUS", "DJANGO_SECRET_KEY"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DIARIUM_VAR_DIR=str(tmp_path / "var"),
               DIARIUM_MEDIA_ROOT=str(tmp_path / "files"), DIARIUM_SEARCH_INDEX_DIR=str(tmp_path / "search-index"),
               DIARIUM_GC_FREEZE="0", **extra)
    return env


def _database_url(db_settings: dict) -> str:
    if db_settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db_settings['NAME']}"
    user = db_settings.get("USER") or ""
    password = f":{db_settings['PASSWORD']}" if db_settings.get("PASSWORD") else ""
    return (f"postgres://{user}{password}@{db_settings.get('HOST') or '127.0.0.1'}:{db_settings.get('PORT') or 5432}"
            f"/{db_settings['NAME']}")


def _fetch(url: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _wait_until_serving(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"diarium serve stopped ({process.returncode}):\n{log.read_text()}")
        try:
            if _fetch(base + "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("diarium serve did not answer:\n" + log.read_text())


def _booted(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if "Booting worker" in line]


@pytest.mark.one_database
@pytest.mark.django_db
def test_serve_answers_with_two_workers_restarts_on_hup_and_stops_on_term(tmp_path, settings):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    env = _env(tmp_path, DATABASE_URL=_database_url(settings.DATABASES["default"]),
               DJANGO_SECRET_KEY=os.environ["DJANGO_SECRET_KEY"])
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "diarium.cli", "serve", "--bind", f"127.0.0.1:{port}",
                                    "--workers", "2", "--skip-checks"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_serving(base, process, log)
        assert _fetch(base + "/healthz")[2] == b"ok\n"
        status, _headers, body = _fetch(base + "/readyz")
        assert status == 200 and json.loads(body)["status"] == "ok", body
        status, headers, body = _fetch(base + "/arenden/")
        assert status == 200 and "text/html" in headers["Content-Type"]
        request_id = headers["X-Request-ID"]
        status, headers, body = _fetch(base + "/static/diarium/diarium.css")  # whitenoise, no collectstatic
        assert status == 200 and "text/css" in headers["Content-Type"] and len(body) > 100
        assert _fetch(base + "/remissvar/hemlig-token-123/?q=1")[0] == 404
        for _ in range(4):
            _fetch(base + "/healthz")
        status, _headers, body = _fetch(base + "/metrics")
        text = body.decode()
        assert status == 200
        # The scrape sums both workers' counts, whichever worker answers it.
        healthz = [line for line in text.splitlines()
                   if line.startswith("diarium_http_requests_total{") and 'route="healthz"' in line]
        assert healthz and float(healthz[0].rsplit(" ", 1)[1]) >= 6, text
        assert 'route="registry:case_list"' in text and "diarium_db_queries_total" in text

        assert len(_booted(log)) == 2
        process.send_signal(signal.SIGHUP)  # gunicorn's graceful restart: new workers, the old ones finish
        deadline = time.monotonic() + 30
        while len(_booted(log)) < 4 and time.monotonic() < deadline:
            assert _fetch(base + "/arenden/")[0] == 200
            time.sleep(0.1)
        assert len(_booted(log)) == 4, log.read_text()
        for _ in range(5):
            assert _fetch(base + "/arenden/")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0, log.read_text()

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert len(lines) == len(log.read_text().splitlines()), "every line is JSON"
    access = [line for line in lines if line.get("logger") == "gunicorn.access"]
    case_list = next(line for line in access if line["request_id"] == request_id)
    assert case_list["method"] == "GET" and case_list["path"] == "/arenden/" and case_list["status"] == 200
    assert case_list["duration_ms"] >= 0 and case_list["remote_addr"] == "127.0.0.1"
    assert {"timestamp", "level", "event"} <= set(case_list)
    assert any(line["path"] == "/remissvar/[token]/" for line in access)
    assert "hemlig-token-123" not in log.read_text() and "q=1" not in log.read_text()


# --- refusals ----------------------------------------------------------------------

def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "diarium.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_a_missing_secret_key_refuses_serve_with_a_message(tmp_path):
    result = _run(["serve", "--check"], _env(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "Ingen hemlig nyckel" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_without_migrations_refuses_serve_and_says_to_migrate(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    import sqlite3

    sqlite3.connect(empty).close()
    env = _env(tmp_path, DJANGO_SECRET_KEY="k" * 50, DATABASE_URL=f"sqlite:///{empty}")
    result = _run(["serve", "--check"], env)
    assert result.returncode == 1, result.stderr
    assert "tjänsten startar inte" in result.stderr and "`diarium migrate`" in result.stderr
    assert "Traceback" not in result.stderr
    # A bad scheme is refused by the settings, before any check.
    result = _run(["serve", "--check"], {**env, "DATABASE_URL": "postgress://db.example/diarium"})
    assert result.returncode == 1 and "DATABASE_URL går inte att tolka" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_url_pointing_nowhere_is_refused_with_where_it_pointed():
    nowhere = readiness.probe_database_at("database", dj_database_url.parse("postgres://postgres@127.0.0.1:1/diarium"))
    assert not nowhere.ok and "127.0.0.1:1" in nowhere.message and "går inte att nå" in nowhere.message
    unknown_host = readiness.probe_database_at("database", dj_database_url.parse(
        "postgres://postgres@databasen.invalid:5432/diarium"))
    assert not unknown_host.ok and "databasen.invalid:5432" in unknown_host.message
    missing_file = readiness.probe_database_at("database", dj_database_url.parse("sqlite:////finns/inte/x.sqlite3"))
    assert not missing_file.ok and "diarium migrate" in missing_file.message
    other = readiness.probe_database_at("database", {"ENGINE": "django.db.backends.mysql"})
    assert not other.ok and "PostgreSQL eller SQLite" in other.message


def test_postgresql_refusing_the_credentials_or_the_database_is_said_so():
    # The local server trusts every local user, so a role that does not exist stands
    # for credentials it refuses (its message names the role).
    role = readiness.probe_database_at("database", dj_database_url.parse(
        "postgres://ingen_sadan_roll:fel@127.0.0.1:5432/postgres"))
    assert not role.ok and "tog inte emot användaren \"ingen_sadan_roll\"" in role.message
    assert "fel" not in role.message.replace("finns", "")  # no password in a message
    database = readiness.probe_database_at("database", dj_database_url.parse(
        "postgres://postgres@127.0.0.1:5432/ingen_sadan_databas"))
    assert not database.ok and "\"ingen_sadan_databas\" finns inte" in database.message
    assert readiness.probe_database_at("database", dj_database_url.parse(
        "postgres://postgres@127.0.0.1:5432/postgres")).ok


def test_a_wrong_password_is_told_apart_from_an_unreachable_server():
    # The local server trusts its users (no password is ever checked here), so the
    # refusal is the text PostgreSQL and libpq send for it.
    params = dj_database_url.parse("postgres://diarium:fel@db.example:5432/diarium")
    refused = Exception('connection failed: connection to server at "10.0.0.9", port 5432 failed: FATAL:  '
                        'password authentication failed for user "diarium"')
    message = readiness._postgres_reason(refused, params)
    assert message.startswith('PostgreSQL på db.example:5432 tog inte emot användaren "diarium"')
    assert 'password authentication failed for user "diarium"' in message
    no_entry = Exception('connection failed: FATAL:  no pg_hba.conf entry for host "10.0.0.4", user "diarium"')
    assert "tog inte emot användaren" in readiness._postgres_reason(no_entry, params)
    timeout = Exception("connection failed: timeout expired")
    assert "går inte att nå (timeout expired)" in readiness._postgres_reason(timeout, params)


def test_the_worker_runs_the_same_checks_when_started_as_a_command(settings, db, capsys):
    from django.core.management import call_command

    settings.CACHES = {"default": {"BACKEND": "diarium.core.cache.ResilientRedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    with pytest.raises(SystemExit) as exited:
        call_command("worker", batch=True, skip_checks=False)  # as `diarium worker` runs it
    assert exited.value.code == 1
    assert "tjänsten startar inte" in capsys.readouterr().err


def test_an_unreachable_redis_refuses_the_start(settings, db):
    settings.CACHES = {"default": {"BACKEND": "diarium.core.cache.ResilientRedisCache",
                                   "LOCATION": "redis://:hemligt@127.0.0.1:1/0"}}
    problems = readiness.preflight()
    assert len(problems) == 1 and "Redis på redis://:***@127.0.0.1:1/0 svarar inte" in problems[0]
    assert "hemligt" not in problems[0]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    problems = readiness.preflight()  # every problem at once
    assert len(problems) == 2 and "Uppgiftskön \"default\" (RQ)" in problems[1]


def test_an_unreachable_or_missing_bucket_refuses_the_start(settings):
    from moto.server import ThreadedMotoServer
    from storages.backends.s3 import S3Storage

    def s3(endpoint: str, bucket: str = "diarium") -> S3Storage:
        return S3Storage(bucket_name=bucket, endpoint_url=endpoint, access_key="test", secret_key="test",
                         region_name="us-east-1")

    down = readiness._probe_s3(s3(f"http://127.0.0.1:{free_port()}"))
    assert not down.ok and "går inte att nå" in down.message and "bucketen \"diarium\"" in down.message
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        missing = readiness._probe_s3(s3(endpoint))
        assert not missing.ok and "finns inte" in missing.message
        storage = s3(endpoint)
        storage.connection.meta.client.create_bucket(Bucket="diarium")
        assert readiness._probe_s3(storage).ok
    finally:
        server.stop()


# --- options and metrics files -----------------------------------------------------

def test_options_come_from_the_command_line_then_the_environment_then_the_machine():
    assert serving.options_from({}, environ={}).bind == "127.0.0.1:8000"
    assert 3 <= serving.options_from({}, environ={}).workers <= serving.MAX_DEFAULT_WORKERS
    env = {"DIARIUM_BIND": "0.0.0.0:9000", "DIARIUM_WEB_WORKERS": "3", "DIARIUM_WEB_THREADS": "4"}
    options = serving.options_from({}, environ=env)
    assert (options.bind, options.workers, options.threads) == ("0.0.0.0:9000", 3, 4)
    options = serving.options_from({"bind": "unix:/run/diarium.sock", "workers": "2"}, environ=env)
    assert (options.bind, options.workers) == ("unix:/run/diarium.sock", 2)
    with pytest.raises(serving.ServeError) as refused:
        serving.options_from({"workers": "många", "timeout": "0", "bind": "värd utan port"}, environ={})
    message = str(refused.value)
    assert "--workers måste vara ett heltal" in message and "--timeout måste vara minst 1" in message
    assert "värd utan port" in message  # every problem at once


def test_a_dead_workers_counts_are_kept_in_one_archive_file(tmp_path):
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.mmap_dict import MmapedDict, mmap_key
    from prometheus_client.multiprocess import MultiProcessCollector

    def write(pid, value):
        counter = MmapedDict(str(tmp_path / f"counter_{pid}.db"))
        counter.write_value(mmap_key("diarium_t_total", "diarium_t_total", ["route"], ["x"], "t"), value, 0.0)
        counter.close()

    def total() -> float:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(tmp_path))
        line = next(line for line in generate_latest(registry).decode().splitlines()
                    if line.startswith("diarium_t_total{"))
        return float(line.rsplit(" ", 1)[1])

    write(101, 3.0)
    write(102, 4.0)
    write(103, 5.0)
    assert total() == 12.0
    serving.metrics_worker_gone(101, str(tmp_path))
    serving.metrics_worker_gone(102, str(tmp_path))
    assert total() == 12.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_103.db", "counter_archive.db"]
