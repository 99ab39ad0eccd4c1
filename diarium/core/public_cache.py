"""Public answers from the shared cache, with ETags (issue 24, part 5).

An anonymous visitor's GET of a public page, a public JSON API read, OParl,
DCAT, a feed or a calendar gets the same bytes as every other anonymous
visitor. PublicCacheMiddleware keeps such answers in the cache shared by the
app servers (Redis with DIARIUM_REDIS_URL) and serves them from there, and
gives every such answer a strong ETag, so a client that sends If-None-Match
gets a 304, from the cache or from a freshly built answer alike.

What is kept. A request is anonymous when it carries no session cookie, no
messages cookie and no Authorization header (an API token); anything else is
passed through untouched and never stored. An answer is kept only when it is a
200, not streamed, sets no cookie (a page with a CSRF token sets the csrftoken
cookie, so no form page is kept), is not marked private/no-store/no-cache
(`never_cache`), varies on nothing but Cookie and Accept-Language, is no larger
than DIARIUM_PUBLIC_CACHE_MAX_BYTES, and, if it read from a read replica (the
search engine's queries may), was built more than DIARIUM_REPLICA_MAX_LAG
seconds after the last write: a lagging replica could otherwise put a
pre-write answer under the post-write generation. Only a GET
fills the cache; a HEAD is answered from it. The key is the scheme, host, full
path with query string and the active language. The per-client RateLimit-*
headers are not kept.

Invalidation. Every kept answer carries the generation it was built under; the
generation is a random token in the shared cache, and an answer is served only
while the token is still the one it was built under. The token is replaced
(`bump`) after every committed write to the database, whoever made it: an
execute wrapper on every connection (installed when the connection opens, so
it covers requests, task runs, management commands and the shell) sees each
INSERT/UPDATE/DELETE/… and bumps on the transaction's commit
(`transaction.on_commit`), or at once in autocommit. Being below the ORM it
also sees QuerySet.update(), bulk writes and raw SQL, which model signals do
not. Writes to pure bookkeeping tables (BOOKKEEPING_MODELS: sessions, login
attempts, the task outbox and results, sent mail, idempotency records,
rate-limit counts, the periodic-job claims, the admin log, the database cache
itself) do not bump. As a backstop for writes that bypass Django's cursor (a
psycopg COPY), every successful unsafe request (POST/PUT/PATCH/DELETE) made
with a session or an API token bumps too; an anonymous one only bumps if it
wrote, so failed logins cannot keep the cache cold. A reader that read the
token before a write's commit stores its answer under the old token, which the
bump that follows the commit retires: an answer kept under the current token
was built from data no older than the last commit.

Time. Kept answers expire after DIARIUM_PUBLIC_CACHE_SECONDS (60 with Redis),
which bounds what depends on the clock (the notice board's appeal periods) and
any write the wrapper cannot see (SQL typed into psql: `bump()` from a shell,
or wait out the TTL).

Failure. A cache that does not answer (ResilientRedisCache: a miss for a few
seconds) means no caching, never an error. A bump that could not be written is
retried at this process's next request or write, and until it succeeds this
process neither serves nor stores kept answers; other processes can serve an
answer from before the failed bump until it expires (at most the TTL).

Where. With DIARIUM_REDIS_URL (the stack, a cluster) it is on. The embedded
default keeps its cache in the database (SQLite): there it is off, since every
miss would write to the database under SQLite's single writer lock and every
transaction would write the generation; ETags and 304s still work. A
process-local cache (local memory, dummy) never counts as shared: with several
gunicorn workers a bump in one would not reach the others.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.exceptions import DisallowedHost
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import get_language

logger = logging.getLogger("diarium.public_cache")

GENERATION_KEY = "diarium:public:generation"
ENTRY_PREFIX = "diarium:public:answer:1:"  # the number: the kept tuple's layout
SAFE_METHODS = frozenset({"GET", "HEAD"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_MAX_BYTES = 1024 * 1024
# Writes to these tables change no public answer (bookkeeping of sessions, logins,
# queues, mail, limits): they do not retire the kept answers.
BOOKKEEPING_MODELS = (
    "sessions.Session", "axes.AccessAttempt", "axes.AccessAttemptExpiration", "axes.AccessFailureLog",
    "axes.AccessLog", "core.ScheduledJob", "core.RateCounter", "core.QueuedTask", "core.SentMail",
    "core.IdempotentRequest", "django_tasks_database.DBTaskResult", "admin.LogEntry",
)
# Headers of a kept answer that belong to the request that built it.
NOT_KEPT_HEADERS = frozenset({"content-length", "expires", "ratelimit-limit", "ratelimit-remaining",
                              "ratelimit-reset", "x-public-cache"})
# Headers a 304 from a kept answer repeats besides those Django's 304 keeps (CORS: an
# OParl client in a web page must be able to read the 304).
NOT_MODIFIED_EXTRA = ("Access-Control-Allow-Origin",)
VARY_ALLOWED = frozenset({"cookie", "accept-language"})
_READ_STARTS = ("SELECT", "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SET ", "SHOW",
                "EXPLAIN", "VALUES", "(SELECT")
_WRITE_RE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO|"
    r"TRUNCATE(?:\s+TABLE)?|COPY|MERGE\s+INTO)\s+(?:ONLY\s+)?([\"`\w.]+)",
    re.IGNORECASE)
_CTE_WRITE_RE = re.compile(r"\b(?:INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b", re.IGNORECASE)


# --- settings ---------------------------------------------------------------------

def cache_seconds() -> int:
    """DIARIUM_PUBLIC_CACHE_SECONDS: how long a kept answer lives; 0 keeps none."""
    return max(0, int(getattr(settings, "DIARIUM_PUBLIC_CACHE_SECONDS", 0) or 0))


def max_bytes() -> int:
    return int(getattr(settings, "DIARIUM_PUBLIC_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES) or 0)


def client_max_age() -> int:
    """DIARIUM_PUBLIC_CACHE_MAX_AGE: the max-age given to browsers and proxies for an
    answer whose view set no Cache-Control (0: revalidate by ETag every time, so a
    masking reaches them at once)."""
    return max(0, int(getattr(settings, "DIARIUM_PUBLIC_CACHE_MAX_AGE", 0) or 0))


_warned_local = False


def _shared_backend():
    """The shared cache (DIARIUM_PUBLIC_CACHE_ALIAS, default "default"), or None for a
    process-local one, which no other process's bump would reach."""
    global _warned_local
    from django.core.cache.backends.dummy import DummyCache
    from django.core.cache.backends.locmem import LocMemCache

    backend = caches[getattr(settings, "DIARIUM_PUBLIC_CACHE_ALIAS", DEFAULT_CACHE_ALIAS)]
    if isinstance(backend, (LocMemCache, DummyCache)):
        if not _warned_local and cache_seconds():
            _warned_local = True
            logger.warning("DIARIUM_PUBLIC_CACHE_SECONDS is set but the cache is process-local (%s): "
                           "public answers are not kept", type(backend).__name__)
        return None
    return backend


def _serving_backend():
    """The backend answers are kept in, or None when keeping is off."""
    return _shared_backend() if cache_seconds() else None


def _bumping_backend():
    """The backend a write retires the kept answers in, or None. With keeping off the
    database cache (the embedded default) is not written on every transaction; any
    other shared cache is, so that a process with keeping off (a worker started with
    other settings) cannot leave the app servers' answers stale."""
    from django.core.cache.backends.db import DatabaseCache

    backend = _shared_backend()
    if backend is None or (not cache_seconds() and isinstance(backend, DatabaseCache)):
        return None
    return backend


# --- the generation ---------------------------------------------------------------

_bump_pending = False


def _new_generation() -> str:
    """When it began, and a random part: never a number counted from 0, so that an
    evicted key cannot come back equal to an old one."""
    return f"{time.time():.3f}-{uuid.uuid4().hex}"


def _generation_age(generation: str, now: float) -> float:
    try:
        return now - float(generation.split("-", 1)[0])
    except ValueError:
        return 0.0


def bump() -> bool:
    """Retire every kept answer (a new generation). False when the cache could not
    be written: the next request or write of this process tries again."""
    global _bump_pending
    backend = _bumping_backend()
    if backend is None:
        _bump_pending = False
        return True
    try:
        backend.set(GENERATION_KEY, _new_generation(), timeout=None)
        done = not getattr(backend, "is_down", False)  # ResilientRedisCache drops a write while down
    except Exception:
        logger.warning("The public answers' generation could not be written", exc_info=True)
        done = False
    _bump_pending = not done
    return done


def _current_generation(backend, found: dict) -> str | None:
    generation = found.get(GENERATION_KEY)
    if generation is not None:
        return generation
    token = _new_generation()
    if backend.add(GENERATION_KEY, token, timeout=None):
        return token
    return backend.get(GENERATION_KEY)


# --- seeing writes ----------------------------------------------------------------

@dataclass
class _RequestScope:
    replica: bool = False  # read from a database other than the primary


_scope: contextvars.ContextVar[_RequestScope | None] = contextvars.ContextVar("diarium_public_cache", default=None)
_excluded: frozenset[str] | None = None
_excluded_lock = threading.Lock()


def _excluded_tables() -> frozenset[str]:
    global _excluded
    if _excluded is None:
        from django.apps import apps

        tables = set()
        for label in BOOKKEEPING_MODELS:
            try:
                tables.add(apps.get_model(label)._meta.db_table.lower())
            except (LookupError, ValueError):
                continue
        for config in settings.CACHES.values():
            if config.get("BACKEND") == "django.core.cache.backends.db.DatabaseCache":
                tables.add(str(config.get("LOCATION", "")).lower())
        with _excluded_lock:
            _excluded = frozenset(tables)
    return _excluded


def written_table(sql: str) -> str | None:
    """The table a statement writes ("" when it writes but names none that can be
    read), or None for a statement that writes nothing."""
    head = sql.lstrip()[:9].upper()
    if head.startswith(_READ_STARTS):
        return None
    match = _WRITE_RE.match(sql)
    if match is not None:
        name = match.group(1).replace('"', "").replace("`", "").lower()
        return name.rsplit(".", 1)[-1]
    if head.startswith(("CREATE", "ALTER", "DROP")) or (head.startswith("WITH") and _CTE_WRITE_RE.search(sql)):
        return ""  # DDL or a data-modifying CTE: taken as a write of anything
    return None


def _note_write(connection) -> None:
    if _bumping_backend() is None:
        return
    if not connection.in_atomic_block:
        bump()
        return
    # One bump per transaction: the one registered is reused while it waits for the
    # commit (gone from the list after a rollback of its savepoint: then anew).
    waiting = getattr(connection, "_diarium_public_bump", None)
    if waiting is not None and any(entry[1] is waiting for entry in connection.run_on_commit):
        return

    def bump_on_commit():
        if getattr(connection, "_diarium_public_bump", None) is bump_on_commit:
            connection._diarium_public_bump = None
        bump()

    connection._diarium_public_bump = bump_on_commit
    transaction.on_commit(bump_on_commit, using=connection.alias, robust=True)


def _replica_max_lag() -> float:
    from .replica import max_lag

    return max_lag()


def _same_database(alias: str) -> bool:
    mine, primary = connections[alias].settings_dict, connections[DEFAULT_DB_ALIAS].settings_dict
    return all(str(mine.get(key) or "") == str(primary.get(key) or "") for key in ("HOST", "PORT", "NAME"))


def _watch(execute, sql, params, many, context):
    """The execute wrapper on every connection (see the module's docstring)."""
    result = execute(sql, params, many, context)
    table = written_table(sql) if isinstance(sql, str) else ""
    connection = context["connection"]
    if table is not None and table not in _excluded_tables():
        _note_write(connection)
    elif table is None and connection.alias != DEFAULT_DB_ALIAS:
        scope = _scope.get()
        if scope is not None and not scope.replica and not _same_database(connection.alias):
            scope.replica = True
    return result


def watch_connection(sender=None, connection=None, **kwargs) -> None:
    """connection_created receiver: put the wrapper on the connection, outermost and
    once. Inserted at the front, so the execute_wrapper() blocks open on it (the
    metrics middleware's, which pop the last) keep their order."""
    if connection is not None and _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)


# --- the middleware -----------------------------------------------------------------

def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return not (settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies
                or request.META.get("HTTP_AUTHORIZATION"))


def _entry_key(request) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # CommonMiddleware answers it
    raw = f"{request.scheme}://{host}{request.get_full_path()}\n{get_language() or ''}"
    return ENTRY_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _keepable(response) -> bool:
    """An answer that may be given to every anonymous visitor (ETag, kept)."""
    if response.status_code != 200 or getattr(response, "streaming", False) or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= VARY_ALLOWED


def _prepare(response) -> None:
    if not response.has_header("ETag"):
        response["ETag"] = quote_etag(hashlib.blake2b(response.content, digest_size=16).hexdigest())
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = f"public, max-age={client_max_age()}"
    # An answer that read the session already varies on Cookie (SessionMiddleware); one
    # that did not (OParl, feeds) is the same for everyone and stays cacheable downstream.
    # The language comes from the switch's cookie before Accept-Language: a cache
    # downstream must keep the two languages of one address apart on both.
    if "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE:
        patch_vary_headers(response, ["Accept-Language", "Cookie"])


def _conditional(request, response):
    answer = get_conditional_response(request, etag=response.get("ETag"), last_modified=None, response=response)
    if answer is not response:
        for header in NOT_MODIFIED_EXTRA:
            if header in response:
                answer[header] = response[header]
    return answer


def _count(result: str) -> None:
    try:
        from .metrics import instruments

        instruments().public_cache.labels(result).inc()
    except Exception:  # counting must never cost the answer
        logger.debug("The public cache could not be counted", exc_info=True)


class PublicCacheMiddleware:
    """Serves and keeps anonymous public answers (see the module's docstring).

    Placed before the sessions, CSRF and the rate limiter: it sees the final
    Set-Cookie of an answer, and a kept answer costs neither a session, a CSRF
    check nor a rate-limit count (a client asking for many uncached answers is
    still limited on each miss)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            if (request.method in UNSAFE_METHODS and response.status_code < 400
                    and not _anonymous(request)):
                bump()
            return response
        if not _anonymous(request):
            return self.get_response(request)
        backend = _serving_backend()
        if backend is not None and _bump_pending and not bump():
            backend = None  # a write of this process may not have retired the kept answers
        key = _entry_key(request) if backend is not None else None
        generation = None
        if key is not None:
            found = backend.get_many([GENERATION_KEY, key])
            if not getattr(backend, "is_down", False):
                generation = _current_generation(backend, found)
            entry = found.get(key)
            if generation is not None and isinstance(entry, tuple) and len(entry) == 4 and entry[0] == generation:
                _count("hit")
                return self._serve(request, entry)
        scope = _RequestScope()
        started = time.time()
        token = _scope.set(scope)
        try:
            response = self.get_response(request)
        finally:
            _scope.reset(token)
        if not _keepable(response):
            if key is not None:
                _count("uncacheable")
            return response
        _prepare(response)
        if key is not None:
            kept = (generation is not None and request.method == "GET" and len(response.content) <= max_bytes()
                    and (not scope.replica or _generation_age(generation, started) > _replica_max_lag()))
            if kept:
                from .metrics import route_of

                headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_KEPT_HEADERS]
                backend.set(key, (generation, headers, response.content, route_of(request)), cache_seconds())
            response["X-Public-Cache"] = "miss"
            _count("miss" if kept else "uncacheable")
        return _conditional(request, response)

    @staticmethod
    def _serve(request, entry):
        _generation, headers, body, route = entry
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
        response["X-Public-Cache"] = "hit"
        request.metrics_route = route
        return _conditional(request, response)
