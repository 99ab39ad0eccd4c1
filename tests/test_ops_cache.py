"""The shared cache on Redis never breaks a page (issue 24, "Bad input").

A real redis-server of the test's own (tests/ops_support.py) is started and
killed: with Redis gone the cache is a miss, public pages still answer 200,
/readyz answers 503 and the rate limiter keeps counting, in the database.
"""

import logging

import pytest
from django.core.cache import caches

from diarium.core import cache as resilient
from diarium.core.models import RateCounter

from . import factories as f
from .ops_support import redis_server_start


@pytest.fixture(autouse=True)
def _readiness_probed_each_time(monkeypatch):
    """/readyz keeps its answer a second in production; these tests probe afresh."""
    from diarium.core import readiness

    monkeypatch.setattr(readiness, "READINESS_SECONDS", 0.0)
    readiness.forget_readiness()


@pytest.fixture
def redis_server():
    server = redis_server_start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(settings, redis_server):
    settings.CACHES = {"default": {"BACKEND": "diarium.core.cache.ResilientRedisCache",
                                   "LOCATION": redis_server.url}}
    return redis_server


def test_redis_down_is_a_miss_and_warned_once_per_period(redis_cache, caplog):
    cache = caches["default"]
    cache.set("diarium:test", "kept", 60)
    assert cache.get("diarium:test") == "kept"
    redis_cache.stop()
    with caplog.at_level(logging.WARNING, logger="diarium.cache"):
        assert cache.get("diarium:test") is None
        assert cache.get("diarium:test", "standard") == "standard"
        assert cache.set("diarium:test", "ny", 60) is None
        assert cache.add("diarium:test", "ny", 60) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1}) == ["a"]
        assert cache.get_or_set("diarium:other", "beräknat", 60) == "beräknat"
        with pytest.raises(resilient.CacheUnavailable):
            cache.incr("diarium:count")
    warnings = [r for r in caplog.records if r.name == "diarium.cache"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert cache.is_down
    import redis

    with pytest.raises(redis.exceptions.ConnectionError):
        cache.ping(timeout=0.2)


def test_redis_coming_back_is_used_again(redis_cache, monkeypatch):
    cache = caches["default"]
    monkeypatch.setattr(resilient, "DOWN_SECONDS", 0.0)
    cache._failed(ConnectionError("test"))  # taken as down for no time at all
    cache.set("diarium:test", "tillbaka", 60)
    assert cache.get("diarium:test") == "tillbaka"


@pytest.mark.django_db
def test_public_pages_answer_and_readyz_says_503_when_redis_goes(client, settings, redis_cache):
    settings.DIARIUM_OPARL_LIST_SECONDS = 15  # the OParl lists keep their ids in the cache
    org = f.organisation()
    f.organ(org)
    pages = ["/arenden/", f"/oparl/v1.1/body/{org.pk}/paper/", "/oparl/v1.1/body/"]
    for page in pages:
        assert client.get(page).status_code == 200, page
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["cache"] == "ok"

    redis_cache.stop()
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert client.get("/healthz").status_code == 200
    unready = client.get("/readyz")
    assert unready.status_code == 503
    assert unready.json() == {"status": "unavailable", "checks": {
        "database": "ok", "storage": "ok", "cache": "unavailable", "queue": "ok", "migrations": "ok"}}


@pytest.mark.django_db
def test_the_rate_limit_holds_in_the_database_while_redis_is_down(client, settings, redis_cache, limiter_clock):
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "3/60"
    assert [client.get("/oparl/v1.1/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert not RateCounter.objects.exists()  # counted in Redis

    redis_cache.stop()
    client.defaults["REMOTE_ADDR"] = "192.0.2.7"  # another client, counted afresh
    assert [client.get("/oparl/v1.1/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert RateCounter.objects.get().count == 4
