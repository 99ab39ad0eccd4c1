"""Per-client rate limits on the public machine-read endpoints."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings, limiter_clock):
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "3/60"
    return settings


def test_a_client_that_asks_too_often_is_told_to_wait(limited, client):
    for n in range(3):
        response = client.get("/oparl/v1.1/", REMOTE_ADDR="192.0.2.10")
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == "3" and response["RateLimit-Remaining"] == str(2 - n)
    refused = client.get("/oparl/v1.1/body/", REMOTE_ADDR="192.0.2.10")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["type"] == "error" and body["message"].startswith("För många förfrågningar.")
    assert refused["Access-Control-Allow-Origin"] == "*"  # an OParl client in a web page can read it and wait
    # feeds and dumps count against the same limit, with a plain-text message
    feed = client.get("/floden/diariet.atom", REMOTE_ADDR="192.0.2.10")
    assert feed.status_code == 429 and "Vänta" in feed.content.decode()
    # another client is not affected
    assert client.get("/oparl/v1.1/", REMOTE_ADDR="192.0.2.11").status_code == 200


def test_pages_for_people_and_signed_in_api_use_are_not_limited(limited, client, registrar):
    for _ in range(5):
        assert client.get("/arenden/", REMOTE_ADDR="192.0.2.20").status_code == 200
    client.force_login(registrar)
    for _ in range(5):
        assert client.get("/api/cases", REMOTE_ADDR="192.0.2.20").status_code == 200


def test_the_anonymous_api_is_limited(limited, client, org):
    statuses = [client.get("/api/cases", REMOTE_ADDR="192.0.2.30").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_proxy_the_forwarded_address_is_the_client(limited, client):
    limited.DIARIUM_PROXY_COUNT = 1
    for _ in range(3):
        client.get("/floden/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client.get("/floden/", REMOTE_ADDR="10.0.0.1",
                      HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert client.get("/floden/", REMOTE_ADDR="10.0.0.1",
                      HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_off_turns_the_limit_off(settings, client):
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "off"
    assert all(client.get("/oparl/v1.1/").status_code == 200 for _ in range(10))


def test_an_hourly_limit_holds_through_a_quiet_spell(monkeypatch):
    """A client at an hourly limit (copy requests, subscriptions) stays refused for
    the rest of its hour, however long it waits within it: the database cache used
    to write the count back with its five-minute default, and after a quiet spell
    that long the count began again."""
    import datetime as dt
    import time

    from django.core.cache.backends import db as db_cache

    from diarium.core import ratelimit

    real_time, real_now = time.time, db_cache.tz_now
    hour = 3600
    offset = [hour - real_time() % hour + 10]  # ten seconds into the next hour
    monkeypatch.setattr(time, "time", lambda: real_time() + offset[0])
    monkeypatch.setattr(db_cache, "tz_now", lambda: real_now() + dt.timedelta(seconds=offset[0]))
    verdicts = [ratelimit.hit("copy-request", "192.0.2.7", limit=3, window=hour).allowed for _ in range(4)]
    assert verdicts == [True, True, True, False]
    offset[0] += 20 * 60  # twenty quiet minutes, still within the hour
    assert not ratelimit.hit("copy-request", "192.0.2.7", limit=3, window=hour).allowed
    offset[0] += 40 * 60  # the next hour
    assert ratelimit.hit("copy-request", "192.0.2.7", limit=3, window=hour).allowed


@pytest.mark.parametrize("backend", ["database", "local memory"])
@pytest.mark.django_db(transaction=True)
def test_eight_clients_at_once_get_exactly_the_limit(settings, limiter_clock, backend):
    """Eight threads hammer one client's count on the real database (SQLite or
    PostgreSQL): exactly `limit` requests are allowed, each seeing its own count.
    The database cache's read-then-write increment let 1,100 of 600 through."""
    import threading

    from django.db import connection

    from diarium.core import ratelimit

    if backend == "local memory":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    limit, threads, each = 120, 8, 40
    start = threading.Barrier(threads)
    verdicts: list[ratelimit.Verdict] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            mine = [ratelimit.hit("public", "198.51.100.99", limit=limit, window=60) for _ in range(each)]
            verdicts.extend(mine)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert not errors, errors
    allowed = [v for v in verdicts if v.allowed]
    assert len(verdicts) == threads * each
    assert len(allowed) == limit
    assert sorted(v.remaining for v in allowed) == list(range(limit))  # no count seen twice
    assert not ratelimit.hit("public", "198.51.100.99", limit=limit, window=60).allowed


@pytest.mark.django_db
def test_counts_of_ended_windows_are_swept(monkeypatch):
    """The database's counters do not grow without end: a client's first request
    in a window removes the rows of windows that have ended."""
    from diarium.core import ratelimit
    from diarium.core.models import RateCounter

    clock = [1_800_000_000 - 1_800_000_000 % 3600 + 5]
    monkeypatch.setattr(ratelimit, "time", type("Clock", (), {"time": staticmethod(lambda: clock[0])}))
    for client in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        ratelimit.hit("public", client, limit=10, window=60)
    ratelimit.hit("copy-request", "192.0.2.1", limit=20, window=3600)
    assert RateCounter.objects.count() == 4
    clock[0] += 60  # the next minute: the hour's count stays
    assert ratelimit.hit("public", "192.0.2.1", limit=10, window=60).remaining == 9
    assert RateCounter.objects.count() == 2
    assert ratelimit.hit("copy-request", "192.0.2.1", limit=20, window=3600).remaining == 18


def test_only_a_request_that_really_authenticates_skips_the_api_limit(limited, client, registrar):
    """Any Authorization header used to skip the limit: a bogus `Basic …` or an
    unknown token got 200s where 429s were due."""
    from diarium.accounts import services as accounts

    for n, header in enumerate(["Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer not-a-token", "Bearer", "Token x"]):
        address = f"192.0.2.{40 + n}"
        statuses = [client.get("/api/cases", REMOTE_ADDR=address, HTTP_AUTHORIZATION=header).status_code
                    for _ in range(4)]
        assert statuses[-1] == 429, (header, statuses)
        assert client.get("/api/cases", REMOTE_ADDR=address).status_code == 429
    _token, raw = accounts.api_token_create(user=registrar, name="skript")
    statuses = [client.get("/api/cases", REMOTE_ADDR="192.0.2.50", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
                for _ in range(6)]
    assert statuses == [200] * 6


def test_the_apis_429_has_the_apis_error_shape(limited, client, org):
    for _ in range(3):
        client.get("/api/cases", REMOTE_ADDR="192.0.2.60")
    refused = client.get("/api/cases", REMOTE_ADDR="192.0.2.60")
    assert refused.status_code == 429
    body = refused.json()
    assert set(body) == {"detail", "errors"} and body["detail"].startswith("För många förfrågningar.")
