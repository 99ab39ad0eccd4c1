"""Per-client rate limits on the public, machine-read endpoints (OParl, dumps,
DCAT, feeds, calendars and the anonymous JSON API), and on copy requests and
search subscriptions.

Counts are shared by every app server and kept in fixed windows keyed by client
address (hashed); nothing is kept in process memory. Every count is atomic, so
exactly `limit` requests of a window are allowed however many arrive at once:
- with a cache that has an increment of its own (Redis when DIARIUM_REDIS_URL is
  set, memcached, local memory) the count is the cache's incr, which keeps the
  key's expiry;
- with the database cache (the default) or any other cache whose incr is
  Django's generic read-then-write, the count is one INSERT … ON CONFLICT DO
  UPDATE … RETURNING on the RateCounter table (diarium/core/models.py), on
  SQLite and PostgreSQL; a client's first request in a window sweeps ended
  windows;
- when Redis is down (diarium/core/cache.py: its incr raises CacheUnavailable)
  the count moves to the same RateCounter table until it is back. The limit
  keeps holding, shared by every app server, rather than every request going
  through unlimited or failing: a harvester cannot use a Redis outage to flood
  the open-data endpoints, and the database is there anyway (the page itself
  needs it). A window that straddles the switch starts its count afresh on the
  other side, allowing at most one extra window's worth of requests.

Settings:
- DIARIUM_PUBLIC_RATE_LIMIT: "requests/seconds", e.g. "600/60" (the default);
  "off" or "0" turns the limit off (a benchmark or a trusted mirror).
- DIARIUM_PROXY_COUNT: how many reverse proxies in front of the app append to
  X-Forwarded-For; 0 (the default) uses the connection's address.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.db import connections, router
from django.http import HttpResponse
from django.utils.translation import gettext as _

from .cache import CacheUnavailable
from .models import RateCounter

LIMITED_PREFIXES = ("/oparl/", "/datasets/", "/floden/", "/kalender/")
API_PREFIX = "/api/"


def client_address(request) -> str:
    """The client's address: the connection's, or the one the trusted proxies
    (DIARIUM_PROXY_COUNT of them) put in X-Forwarded-For."""
    proxies = int(getattr(settings, "DIARIUM_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the window ends


def hit(scope: str, client: str, *, limit: int, window: int) -> Verdict:
    """Count one request of `client` in `scope` and say whether it is allowed."""
    now = int(time.time())
    start = now - now % window
    digest = hashlib.sha256(client.encode()).hexdigest()[:24]  # no addresses as cache keys
    key = f"diarium:rl:{scope}:{start}:{digest}"
    left = start + window - now
    backend = caches[DEFAULT_CACHE_ALIAS]
    if type(backend).incr is BaseCache.incr:
        # Django's generic incr (the database cache's) reads and writes back: parallel
        # requests read the same count and all but one of their counts are lost.
        count = _count_in_database(key, window_end=start + window, now=now)
    else:
        try:
            count = _increment(backend, key, left + 1)
        except CacheUnavailable:
            count = _count_in_database(key, window_end=start + window, now=now)
    return Verdict(count <= limit, limit, max(0, limit - count), left)


def _increment(backend: BaseCache, key: str, ttl: int) -> int:
    """The count at `key` plus one, in a cache with an atomic increment of its own
    (Redis, memcached, local memory), which keeps the key's expiry. Increment
    first: the key exists on every request of a window but its first."""
    try:
        return backend.incr(key)
    except ValueError:  # the client's first request in this window
        if backend.add(key, 1, ttl):
            return 1
        return backend.incr(key)  # a parallel request added it first


def _count_in_database(key: str, *, window_end: int, now: int) -> int:
    """The count at `key` plus one, in the RateCounter table: one statement that
    inserts the window's row with 1 or adds 1 to it and returns the count, atomic on
    SQLite (3.35+) and PostgreSQL alike. A client's first request in a window also
    sweeps the rows of windows that have ended (one more query)."""
    db = connections[router.db_for_write(RateCounter)]
    q = db.ops.quote_name
    table = q(RateCounter._meta.db_table)
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q('key')}, {q('count')}, {q('window_end')}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({q('key')}) DO UPDATE SET {q('count')} = {table}.{q('count')} + 1 "
            f"RETURNING {q('count')}",
            [key, window_end],
        )
        count = cursor.fetchone()[0]
        if count == 1:
            cursor.execute(f"DELETE FROM {table} WHERE {q('window_end')} < %s", [now])
    return count


def parse_rate(value) -> tuple[int, int] | None:
    """"600/60" → (600, 60); "off", "0" or empty → None."""
    value = str(value or "").strip().lower()
    if value in ("", "0", "off", "none", "false"):
        return None
    count, _sep, seconds = value.partition("/")
    return int(count), int(seconds or 60)


class PublicRateLimitMiddleware:
    """429 with Retry-After when one client asks too often; RateLimit-* headers
    on every limited response so well-behaved harvesters can pace themselves.
    The JSON API is limited for every request that does not authenticate: one
    with a valid API token of an active user or a logged-in session is not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _applies(self, request) -> bool:
        path = request.path
        if path.startswith(LIMITED_PREFIXES):
            return True
        if path.startswith(API_PREFIX):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                return False
            from .api.auth import api_token_user

            return api_token_user(request) is None
        return False

    def __call__(self, request):
        rate = parse_rate(getattr(settings, "DIARIUM_PUBLIC_RATE_LIMIT", "600/60"))
        if rate is None or not self._applies(request):
            return self.get_response(request)
        verdict = hit("public", client_address(request), limit=rate[0], window=rate[1])
        if verdict.allowed:
            response = self.get_response(request)
        else:
            message = _("För många förfrågningar. Vänta %(seconds)s sekunder och försök igen.") % {
                "seconds": verdict.reset}
            if request.path.startswith(("/oparl/", API_PREFIX)):
                if request.path.startswith(API_PREFIX):  # the JSON API's one error shape
                    from .api.errors import error_response

                    response = error_response(message, 429)
                else:  # OParl's error object
                    response = HttpResponse(json.dumps({"type": "error", "message": message}, ensure_ascii=False),
                                            status=429, content_type="application/json; charset=utf-8")
                # A browser client (an OParl client in a web page) can then read it and wait.
                response["Access-Control-Allow-Origin"] = "*"
            else:
                response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(verdict.reset)
        response["RateLimit-Limit"] = str(verdict.limit)
        response["RateLimit-Remaining"] = str(verdict.remaining)
        response["RateLimit-Reset"] = str(verdict.reset)
        return response
