"""Reads that tolerate a replica's lag (the PostgreSQL search engine's) go to the
replica only while it is reachable, a replica, and not lagging; else to the
primary, and back once it is healthy (diarium/core/replica.py). A search whose
replica connection drops midway is answered by the primary.

The replicas here are real connections: one to a port where nothing listens
(a replica that is down), one to the test database itself (as Django's TEST
MIRROR makes it), one to another database of the same server (a server that is
not in recovery). A real streaming replica that lags or stops is the stack
tests' (`make stack-test`); here lag is given to the decision through its
probe, whose SQL is run against the real server separately."""

from __future__ import annotations

import copy
import io
import json
import logging
import os
import socket
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from diarium.core import replica
from diarium.search import services

from . import factories as f
from .search_support import find, titles

pytestmark = [
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="a streaming replica is PostgreSQL's: the fallback is tested on PostgreSQL only"),
    pytest.mark.django_db,
]

TITLE = "Handlingsplan för digitalisering"


@pytest.fixture(autouse=True)
def _fresh_decisions():
    replica.forget()
    yield
    replica.forget()


@pytest.fixture
def indexed(settings, registrar, ks):
    """The PostgreSQL engine, with one case in it. The case is in the test's
    transaction on the primary: a second connection (a replica) does not see
    it, so whether a search finds it tells which database answered."""
    settings.DIARIUM_SEARCH_ENGINE = "postgres"
    settings.DIARIUM_SEARCH_READ_DATABASE = "replica"
    settings.DIARIUM_REPLICA_CHECK_SECONDS = 60
    services.index_rebuild()
    f.case(registrar, ks, title=TITLE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def alias(name: str = "replica", **changes):
    """A real second connection, to the test database unless `changes` say otherwise."""
    primary = connections["default"]
    settings_dict = copy.deepcopy(primary.settings_dict)
    settings_dict.update(changes)
    settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
    connections[name] = type(primary)(settings_dict, name)
    try:
        yield connections[name]
    finally:
        connections[name].close()
        del connections[name]


def status() -> dict:
    out = io.StringIO()
    call_command("replica-status", stdout=out)
    return json.loads(out.getvalue())


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "diarium.replica" and r.levelno == logging.WARNING]


# --- the probe, against the real server ----------------------------------------------------------

def test_the_probe_on_a_server_that_is_not_in_recovery():
    """127.0.0.1:5432 is a primary: pg_last_wal_replay_lsn() and the replay
    timestamp are NULL there. Under a second alias to the primary's own database
    it is read as fresh; as another database it is "not a replica" (a promoted
    former replica would look the same) and the reads stay on the primary."""
    position = replica.primary_position()
    assert position and "/" in position  # pg_current_wal_lsn()
    probe = replica.lag_probe("default", position)
    assert probe == {"in_recovery": False, "received": None, "replayed": None, "replay_age": None,
                     "behind_bytes": None}
    with alias(NAME="postgres"):
        decided = replica.health_check("replica")
        assert (decided.usable, decided.reason, decided.in_recovery) == (False, replica.NOT_A_REPLICA, False)
    with alias():
        decided = replica.health_check("replica")
        assert (decided.usable, decided.reason, decided.lag_seconds) == (True, replica.SAME_DATABASE, 0.0)


def test_the_decision_from_a_replicas_figures():
    """What a replica in recovery reports, judged against the allowed lag (30 s)."""
    def judged(**probe):
        return replica.judge("replica", {"in_recovery": True, **probe}, same_database=False, limit=30)

    caught_up = judged(received="0/5000", replayed="0/5000", replay_age=3600.0, behind_bytes=0)
    assert (caught_up.usable, caught_up.reason, caught_up.lag_seconds) == (True, replica.CAUGHT_UP, 0.0)
    # The primary idle for an hour: the last replayed transaction is old, but nothing is missing.
    assert judged(received="0/5000", replayed="0/5000", replay_age=3600.0, behind_bytes=None).usable
    behind = judged(received="0/6000", replayed="0/5000", replay_age=4.5, behind_bytes=4096)
    assert (behind.usable, behind.reason, behind.lag_seconds) == (True, replica.WITHIN_LAG, 4.5)
    lagging = judged(received="0/6000", replayed="0/5000", replay_age=45.0, behind_bytes=4096)
    assert (lagging.usable, lagging.reason) == (False, replica.LAGGING)
    # Received more than replayed, and the primary's position unknown: the age decides.
    assert not judged(received="0/6000", replayed="0/5000", replay_age=45.0, behind_bytes=None).usable
    unknown = judged(received=None, replayed="0/5000", replay_age=None, behind_bytes=4096)
    assert (unknown.usable, unknown.reason, unknown.lag_seconds) == (False, replica.LAGGING, None)


# --- searches -------------------------------------------------------------------------------------

def test_a_replica_that_is_down_leaves_search_to_the_primary(indexed, caplog):
    with alias(PORT=str(free_port())) as down, caplog.at_level(logging.WARNING, logger="diarium.replica"):
        result = find(None, "handlingsplanen")
        assert titles(result) == [TITLE] and result.total == 1
        assert replica.read_alias_for("search") == "default"
        assert down.connection is None  # never connected
        report = status()
        assert report["reads"] == {"search": "default"} and report["configured"] == {"search": "replica"}
        assert report["databases"]["replica"]["reason"] == replica.UNREACHABLE
        assert "connect" in report["databases"]["replica"]["detail"].lower()
        with pytest.raises(CommandError, match="primären"):
            call_command("replica-status", "--require-replica", stdout=io.StringIO())
        assert titles(find(None, "digitalisering")) == [TITLE]
        assert replica.reads_by_purpose() == {"search": 0} and replica.lag_by_alias() == {}  # /metrics
    # One warning when the reads switched, not one per search.
    assert len(warnings_of(caplog)) == 1 and "go to the primary: unreachable" in warnings_of(caplog)[0]


def test_a_lagging_replica_is_not_read_until_it_catches_up(indexed, settings, monkeypatch, caplog):
    """The replica (a second connection to the test database, as TEST MIRROR has
    it) reports a replay lag over DIARIUM_REPLICA_MAX_LAG: searches are answered
    by the primary (which finds the uncommitted case); caught up, by the replica
    (which does not see it)."""
    figures = {"in_recovery": True, "received": "0/6000", "replayed": "0/5000", "replay_age": 95.0,
               "behind_bytes": 4096}
    asked = []

    def probe(alias_name, primary_lsn):
        asked.append((alias_name, primary_lsn))
        return dict(figures)

    monkeypatch.setattr(replica, "lag_probe", probe)
    with alias(), caplog.at_level(logging.WARNING, logger="diarium.replica"):
        assert titles(find(None, "handlingsplanen")) == [TITLE]
        assert asked[0][0] == "replica" and "/" in asked[0][1]  # compared with the primary's WAL position
        assert status()["databases"]["replica"] | {"detail": ""} == {
            "alias": "replica", "usable": False, "reason": replica.LAGGING, "lag_seconds": 95.0,
            "behind_bytes": 4096, "in_recovery": True, "detail": ""}
        figures.update(replay_age=2.0)
        assert titles(find(None, "handlingsplanen")) == [TITLE]  # still the memo's answer (60 s)
        settings.DIARIUM_REPLICA_CHECK_SECONDS = 0
        assert titles(find(None, "handlingsplanen")) == []  # the replica's view: the case is not committed
        assert status()["reads"] == {"search": "replica"}
        assert replica.reads_by_purpose() == {"search": 1} and replica.lag_by_alias() == {"replica": 2.0}
        figures.update(replayed="0/6000", replay_age=600.0, behind_bytes=0)  # idle since, all replayed
        assert titles(find(None, "handlingsplanen")) == []
    assert len(warnings_of(caplog)) == 2
    assert "go to the primary: lagging (lag 95.0 s of at most 30 s)" in warnings_of(caplog)[0]
    assert "go back to the database 'replica'" in warnings_of(caplog)[1]


def test_a_search_whose_replica_connection_drops_is_answered_by_the_primary(indexed, caplog):
    with alias() as mirror, caplog.at_level(logging.WARNING, logger="diarium.replica"):
        assert titles(find(None, "handlingsplanen")) == []  # read on the replica: the case is not committed
        pid = mirror.connection.info.backend_pid
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
        result = find(None, "handlingsplanen")  # fails on the replica, then runs on the primary
        assert titles(result) == [TITLE] and result.total == 1
        assert replica.health("replica").reason == replica.FAILED
        assert mirror.connection is None  # the broken connection was closed
        assert titles(find(None, "handlingsplanen")) == [TITLE]  # the primary until the next probe
        replica.forget()
        assert titles(find(None, "handlingsplanen")) == []  # probed again: healthy, read there anew
    assert any("go to the primary: failed" in m for m in warnings_of(caplog))


def test_without_a_replica_reads_stay_on_the_primary(settings):
    settings.DIARIUM_SEARCH_READ_DATABASE = None
    assert "replica" not in settings.DATABASES
    assert replica.read_alias_for("search") == "default"
    settings.DIARIUM_SEARCH_READ_DATABASE = "no-such-alias"
    assert replica.read_alias_for("search") == "default"
    assert status() == {"reads": {"search": "default"}, "configured": {"search": "default"}, "databases": {},
                        "max_lag_seconds": 30.0, "check_seconds": 5.0}
