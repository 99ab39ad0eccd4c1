"""Idempotency keys on the API's writes (diarium/core/idempotency.py): a client
that lost the answer to a registration retries with the same key and the case is
registered once, whatever happened to the first attempt."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from diarium.accounts.models import Role
from diarium.core.models import IdempotentRequest
from diarium.registry import services as registry
from diarium.registry.models import Case, SeriesCounter

from . import factories as f
from .api_support import bearer, post_json, token_for

pytestmark = pytest.mark.django_db


def _register(client, ks, title, key=None, **extra):
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return post_json(client, "/api/cases", {"organ": ks.pk, "title": title}, **extra)


def test_a_retry_with_the_same_key_registers_once_and_gets_the_same_answer(client, registrar, ks):
    auth = bearer(token_for(registrar))
    first = _register(client, ks, "Bygglov för ny förskola", "7b1c3f0e-registrering-1", **auth)
    again = _register(client, ks, "Bygglov för ny förskola", "7b1c3f0e-registrering-1", **auth)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Case.objects.filter(title="Bygglov för ny förskola").count() == 1
    # Without a key every request is its own registration, with the next number.
    plain = [_register(client, ks, "Bygglov för ny skola", **auth).json()["id"] for _ in range(2)]
    seqs = [Case.objects.get(pk=pk).seq for pk in [first.json()["id"], *plain]]
    assert seqs == [1, 2, 3]


def test_the_same_key_for_another_request_is_refused_and_writes_nothing(client, registrar, ks):
    auth = bearer(token_for(registrar))
    assert _register(client, ks, "Detaljplan Norr", "nyckel-1", **auth).status_code == 201
    other = _register(client, ks, "Detaljplan Söder", "nyckel-1", **auth)
    assert other.status_code == 422
    assert "Idempotency-Key har redan använts för en annan begäran" in other.json()["detail"]
    assert not Case.objects.filter(title="Detaljplan Söder").exists()


def test_a_malformed_key_is_refused(client, registrar, ks):
    auth = bearer(token_for(registrar))
    for key in ["", "med mellanslag", "x" * 256, "åäö"]:
        response = _register(client, ks, "Ärende", key, **auth)
        assert response.status_code == 400, key
        assert "Idempotency-Key ska vara 1–255 synliga tecken" in response.json()["detail"]
    assert not Case.objects.exists()


def test_keys_belong_to_their_caller(client, org, registrar, ks):
    other = f.registrar(org)
    one = _register(client, ks, "Skolskjuts", "delad-nyckel", **bearer(token_for(registrar)))
    two = _register(client, ks, "Skolskjuts", "delad-nyckel", **bearer(token_for(other)))
    assert one.status_code == two.status_code == 201 and "Idempotent-Replayed" not in two
    assert one.json()["id"] != two.json()["id"]
    # A signed-in user's keys are theirs too (session and CSRF as the web client sends them).
    client.force_login(registrar)
    three = _register(client, ks, "Skolskjuts", "delad-nyckel")
    assert three.status_code == 201 and three.json()["id"] not in (one.json()["id"], two.json()["id"])
    assert _register(client, ks, "Skolskjuts", "delad-nyckel").json() == three.json()


def test_an_anonymous_request_is_not_keyed(client, ks):
    response = _register(client, ks, "Ärende", "anonym-nyckel")
    assert response.status_code == 401
    assert not IdempotentRequest.objects.exists()


def test_a_refusal_for_rights_is_not_kept_so_the_retry_can_succeed(client, org, ks):
    reader = f.user(org, Role.READER)
    auth = bearer(token_for(reader))
    assert _register(client, ks, "Ny förskola", "forskola-1", **auth).status_code == 403
    assert not IdempotentRequest.objects.exists()
    f.accounts.role_grant(user=reader, organisation=org, role=Role.REGISTRAR)
    assert _register(client, ks, "Ny förskola", "forskola-1", **auth).status_code == 201


def test_a_request_that_fails_after_writing_leaves_nothing_and_the_retry_registers_once(registrar, ks, monkeypatch):
    """The first attempt dies after the case was written (as an app server killed
    mid-request): its write, number and key are rolled back together."""
    client = Client(raise_request_exception=False)
    auth = bearer(token_for(registrar))
    real = registry.case_register

    def register_then_crash(**kwargs):
        real(**kwargs)
        raise RuntimeError("the process dies here")

    monkeypatch.setattr(registry, "case_register", register_then_crash)
    assert _register(client, ks, "Ombyggnad av simhall", "simhall-1", **auth).status_code == 500
    assert not Case.objects.filter(title="Ombyggnad av simhall").exists()
    assert not IdempotentRequest.objects.exists()
    monkeypatch.setattr(registry, "case_register", real)
    done = _register(client, ks, "Ombyggnad av simhall", "simhall-1", **auth)
    assert done.status_code == 201
    assert Case.objects.get(pk=done.json()["id"]).seq == 1  # the number the crash had taken
    assert _register(client, ks, "Ombyggnad av simhall", "simhall-1", **auth).json() == done.json()
    assert Case.objects.filter(title="Ombyggnad av simhall").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_register_once(registrar, ks):
    """Two copies of one request at the same moment (a client retrying while the
    first still runs): the second waits for the first and gets its answer."""
    auth = bearer(token_for(registrar))
    answers, barrier = [], threading.Barrier(4)

    def send():
        try:
            barrier.wait()
            answers.append(_register(Client(), ks, "Vindkraftsplan", "vind-1", **auth))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201] * 4
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.has_header("Idempotent-Replayed") for a in answers) == 3
    assert Case.objects.filter(title="Vindkraftsplan").count() == 1
    assert SeriesCounter.objects.get().last_seq == 1
