"""The shared cache on Redis that never breaks a page.

A cache holds nothing that is not also somewhere else, so Redis going away must
cost speed, never an answer: with Redis down every read here is a miss, every
write is dropped, and the page is built from the database as without a cache.

- Short socket timeouts (connect and read) and one retry, so a Redis that does
  not answer holds a request for a fraction of a second, not a minute.
- After a failure the cache is taken as down for `DOWN_SECONDS`: every call in
  that time is a miss at once, without a network round trip, and one warning is
  logged per period (not one per request).
- `incr` is the one call that cannot pretend: a count that silently restarts
  from nothing would be wrong. It raises CacheUnavailable and its caller chooses
  (the rate limiter counts in the database instead, diarium/core/ratelimit.py).

Settings: CACHES["default"]["OPTIONS"] may set socket_connect_timeout and
socket_timeout (seconds) to override the defaults below.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("diarium.cache")

CONNECT_TIMEOUT = 0.5
READ_TIMEOUT = 0.5
DOWN_SECONDS = 5.0


class CacheUnavailable(Exception):
    """The cache cannot answer (Redis down or too slow)."""


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose outages are misses (see the module's docstring)."""

    def __init__(self, server, params):
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", READ_TIMEOUT)
        options.setdefault("retry", Retry(NoBackoff(), 1))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            warn = now >= self._down_until
            self._down_until = now + DOWN_SECONDS
        if warn:
            logger.warning("The cache (Redis) does not answer (%s): serving without it for %s s",
                           exc.__class__.__name__, DOWN_SECONDS)

    def _call(self, method, fallback, *args, **kwargs):
        if self.is_down:
            return fallback
        try:
            return method(*args, **kwargs)
        except _redis_errors() as exc:
            self._failed(exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that failed to be set.
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)

    def incr(self, key, delta=1, version=None):
        if self.is_down:
            raise CacheUnavailable(key)
        try:
            return super().incr(key, delta, version)
        except _redis_errors() as exc:
            self._failed(exc)
            raise CacheUnavailable(key) from exc

    def ping(self, *, timeout: float = 1.0) -> None:
        """Raise unless Redis answers a PING within `timeout` seconds (the readiness
        probe: it asks even while the cache is taken as down, and a success ends that)."""
        redis_ping(self._servers[0], timeout=timeout)
        with self._lock:
            self._down_until = 0.0


def redis_ping(url_or_client, *, timeout: float) -> None:
    """Raise unless the Redis server at a URL, or that of a configured client, answers
    a PING within `timeout` seconds (a client of its own: the given one's pool keeps
    its own timeouts and retries)."""
    import redis

    if isinstance(url_or_client, str):
        client = redis.Redis.from_url(url_or_client, socket_connect_timeout=timeout, socket_timeout=timeout,
                                      retry=None)
    else:
        pool = url_or_client.connection_pool
        kwargs = {**pool.connection_kwargs, "socket_connect_timeout": timeout, "socket_timeout": timeout,
                  "retry": None}
        client = redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **kwargs))
    try:
        client.ping()
    finally:
        client.close()
