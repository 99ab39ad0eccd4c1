"""Anonymous public answers from the shared cache, with ETags (diarium/core/public_cache.py).

The test database's cache is the database cache (config/settings.py), shared
like Redis; tests/settings.py keeps answers off, these tests turn it on. A test
runs inside one transaction that is never committed, so a write's bump, which
waits for the commit, is run with django_capture_on_commit_callbacks.
"""

import pytest
from django.db import connection
from django.test import RequestFactory

from diarium.registry import services as registry
from diarium.core import public_cache
from diarium.core.metrics import instruments
from diarium.registry.models import Case

from . import factories as f
from .ops_support import free_port
from .search_support import tantivy_engine_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

SECRET = "Anmälan om missförhållanden hos leverantören"
TAIL = "hos leverant"  # as in HTML and in JSON (ö escaped); the search highlights the word sought


@pytest.fixture(autouse=True)
def _keeping_on(settings):
    settings.DIARIUM_PUBLIC_CACHE_SECONDS = 60
    public_cache._bump_pending = False
    yield
    public_cache._bump_pending = False


def _as_committed():
    """What a commit of the test's writes so far would do for the kept answers: the
    bump waiting for it runs (other commit callbacks are left alone)."""
    waiting = getattr(connection, "_diarium_public_bump", None)
    connection.run_on_commit[:] = [entry for entry in connection.run_on_commit if entry[1] is not waiting]
    if waiting is not None:
        waiting()


@pytest.fixture
def case(registrar, ks):
    case = f.case(registrar, ks)
    f.document(registrar, case, description=SECRET)
    _as_committed()
    return case


def _counted(result: str) -> float:
    return instruments().public_cache.labels(result)._value.get()


def test_a_kept_answer_is_served_again_without_building_it(client, case, django_assert_num_queries):
    url = f"/arenden/{case.pk}/"
    first = client.get(url)
    assert first.status_code == 200 and first["X-Public-Cache"] == "miss"
    assert SECRET in first.content.decode()
    assert first["ETag"].startswith('"') and "public" in first["Cache-Control"] and "Cookie" in first["Vary"]
    hits = _counted("hit")
    with django_assert_num_queries(1):  # the cache's one read (the database cache in tests; Redis: none)
        again = client.get(url)
    assert again["X-Public-Cache"] == "hit" and again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"] and again["Content-Security-Policy"]
    assert _counted("hit") == hits + 1
    head = client.head(url)
    assert head.status_code == 200 and head["X-Public-Cache"] == "hit" and head["ETag"] == first["ETag"]
    # another query string is another answer
    assert client.get(url + "?x=1")["X-Public-Cache"] == "miss"


def test_if_none_match_gets_a_304_from_the_cache_and_without_it(client, case, settings):
    url = f"/api/cases/{case.pk}"
    etag = client.get(url)["ETag"]
    cached = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304 and cached["ETag"] == etag and cached.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    settings.DIARIUM_PUBLIC_CACHE_SECONDS = 0  # nothing kept: the answer is built, its ETag still checked
    built = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert built.status_code == 304 and "X-Public-Cache" not in built
    # OParl's own ETags (ConditionalGetMiddleware) are kept, its CORS header is on the 304 too
    oparl = client.get("/oparl/v1.1/body/")
    settings.DIARIUM_PUBLIC_CACHE_SECONDS = 60
    client.get("/oparl/v1.1/body/")
    not_modified = client.get("/oparl/v1.1/body/", HTTP_IF_NONE_MATCH=oparl["ETag"])
    assert not_modified.status_code == 304 and not_modified["Access-Control-Allow-Origin"] == "*"


def test_a_logged_in_user_neither_gets_nor_fills_the_anonymous_answer(client, case, registrar):
    url = f"/arenden/{case.pk}/"
    client.force_login(registrar)
    personal = client.get(url)
    assert personal.status_code == 200 and "X-Public-Cache" not in personal and "ETag" not in personal
    client.logout()
    anonymous = client.get(url)
    assert anonymous["X-Public-Cache"] == "miss", "the logged-in page filled the cache"
    assert client.get(url)["X-Public-Cache"] == "hit"
    client.force_login(registrar)
    again = client.get(url)
    assert "X-Public-Cache" not in again and again.content != anonymous.content
    # nor does an API token's caller
    bearer = client.get(f"/api/cases/{case.pk}", HTTP_AUTHORIZATION="Bearer unknown")
    assert "X-Public-Cache" not in bearer


def test_marking_a_document_secret_retires_the_kept_answers_at_once(
        client, case, registrar, tantivy_engine, django_capture_on_commit_callbacks):
    _as_committed()  # the search index built
    urls = [f"/arenden/{case.pk}/", "/sok/?q=missf%C3%B6rh%C3%A5llanden", "/api/search?q=missf%C3%B6rh%C3%A5llanden",
            f"/api/cases/{case.pk}/documents"]
    for url in urls:
        assert TAIL in client.get(url).content.decode(), url
        assert client.get(url)["X-Public-Cache"] == "hit"
    document = case.documents.get()
    with django_capture_on_commit_callbacks(execute=True):
        registry.document_mark_secret(actor=registrar, document=document, ground="OSL 26 kap. 1 §",
                                      masked_fields=["description"])
    for url in urls:
        answer = client.get(url)
        assert answer["X-Public-Cache"] == "miss" and TAIL not in answer.content.decode(), url


def test_an_update_inside_a_post_retires_the_kept_answers(client, case, django_capture_on_commit_callbacks):
    url = f"/arenden/{case.pk}/"
    client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"

    def view(request):  # QuerySet.update(): no model signal is sent
        Case.objects.filter(pk=case.pk).update(title="Nytt namn på ärendet")
        from django.http import HttpResponse

        return HttpResponse("ok")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        public_cache.PublicCacheMiddleware(view)(RequestFactory().post("/något/"))
    assert len(callbacks) == 1  # one bump for the transaction, however many statements
    answer = client.get(url)
    assert answer["X-Public-Cache"] == "miss" and "Nytt namn på ärendet" in answer.content.decode()


def test_bookkeeping_writes_and_an_anonymous_post_that_wrote_nothing_keep_the_answers(
        client, case, django_capture_on_commit_callbacks):
    url = f"/arenden/{case.pk}/"
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        from django.contrib.sessions.backends.db import SessionStore

        SessionStore().save()  # a session row
        client.post("/konto/logga-in/", {"username": "nobody", "password": "wrong"})
    assert client.get(url)["X-Public-Cache"] == "hit"


def test_an_answer_that_sets_a_cookie_is_not_kept(client):
    first = client.get("/konto/logga-in/")  # the login form: its CSRF token sets the csrftoken cookie
    assert first.status_code == 200 and "csrftoken" in first.cookies
    assert "ETag" not in first
    again = client.get("/konto/logga-in/")
    assert again.get("X-Public-Cache") != "hit"


def test_a_cache_that_does_not_answer_serves_every_page(client, case, settings, registrar):
    settings.CACHES = {"default": {"BACKEND": "diarium.core.cache.ResilientRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    url = f"/arenden/{case.pk}/"
    for _ in range(2):
        answer = client.get(url)
        assert answer.status_code == 200 and SECRET in answer.content.decode()
        assert answer.get("X-Public-Cache") != "hit" and answer["ETag"]
    # a write's bump fails quietly; the process then keeps no answers until one succeeds
    assert public_cache.bump() is False and public_cache._bump_pending
    assert client.get(url).status_code == 200


def test_statements_that_write(settings):
    written = public_cache.written_table
    assert written('SELECT "x" FROM "registry_case" FOR UPDATE') is None
    assert written('INSERT INTO "registry_case" ("a") VALUES (%s)') == "registry_case"
    assert written(' UPDATE "registry_document" SET "is_secret" = true') == "registry_document"
    assert written('DELETE FROM "django_session" WHERE 1') == "django_session"
    assert written("COPY search_searchrecord (key) FROM STDIN") == "search_searchrecord"
    assert written("WITH t AS (SELECT 1) SELECT * FROM t") is None
    assert written("WITH t AS (UPDATE x SET a = 1 RETURNING a) SELECT * FROM t") == ""
    assert written('SAVEPOINT "s1"') is None
    assert {"django_session", "core_queuedtask", "diarium_cache"} <= public_cache._excluded_tables()
    assert public_cache._watch in connection.execute_wrappers


def test_an_answer_read_from_a_replica_is_kept_only_once_the_last_write_is_older_than_its_lag(settings, rf):
    from django.http import HttpResponse

    def view(request):
        public_cache._scope.get().replica = True  # as the wrapper marks a read on another database
        return HttpResponse("från replikan")

    middleware = public_cache.PublicCacheMiddleware(view)
    settings.DIARIUM_REPLICA_MAX_LAG = 30
    assert public_cache.bump()  # a write just now: the replica may not have it yet
    assert middleware(rf.get("/x/"))["X-Public-Cache"] == "miss"
    assert middleware(rf.get("/x/"))["X-Public-Cache"] == "miss"
    settings.DIARIUM_REPLICA_MAX_LAG = 0
    assert middleware(rf.get("/x/"))["X-Public-Cache"] == "miss"
    assert middleware(rf.get("/x/"))["X-Public-Cache"] == "hit"
