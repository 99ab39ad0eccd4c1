"""Per-client rate limits on the public machine-read endpoints."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings):
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
