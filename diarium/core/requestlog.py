"""A request id on every request, and the path as it may be written to a log.

The id comes from the client's (or the load balancer's) X-Request-ID when it is
a sane token (1–64 characters of A–Z, a–z, 0–9, ".", "_" and "-"), else a new
one is made. It is bound to structlog's context for the request (every log line
written while the request runs carries it), answered in the X-Request-ID header,
and left in the WSGI environ for gunicorn's access log (diarium/core/serving.py).

Paths in logs: a query string is never logged (search terms are personal data
often enough), and a path segment that is a secret (the remiss answer links'
tokens, the search subscription's confirm and unsubscribe tokens: URL kwargs
whose name says token) is written as "[token]".
"""

from __future__ import annotations

import re
import secrets

import structlog
from django.urls import Resolver404, resolve

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")
ENVIRON_ID = "diarium.request_id"
ENVIRON_PATH = "diarium.log_path"
ENVIRON_ROUTE = "diarium.route"
ENVIRON_CLIENT = "diarium.client"
MASK = "[token]"


def request_id_from(value: str | None) -> str:
    """The client's id when it is a sane token, else a fresh one (32 hex digits)."""
    if value and _SANE.fullmatch(value):
        return value
    return secrets.token_hex(16)


def _is_secret(name: str) -> bool:
    return "token" in name.lower() or name.lower() in {"key", "secret", "password"}


def mask_path(path: str, kwargs: dict) -> str:
    secrets_in_path = {str(v) for k, v in kwargs.items() if _is_secret(k) and v not in (None, "")}
    if not secrets_in_path:
        return path
    return "/".join(MASK if segment in secrets_in_path else segment for segment in path.split("/"))


def loggable_path(request_or_path) -> str:
    """The path of a request (or a path), its secret segments masked, without a query string."""
    path = getattr(request_or_path, "path", request_or_path)
    match = getattr(request_or_path, "resolver_match", None)
    if match is None:
        try:
            match = resolve(path)
        except (Resolver404, ValueError, UnicodeError):
            return path
    return mask_path(path, match.kwargs)


class RequestIdMiddleware:
    """Outermost: binds the request id before anything logs and answers it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        request.META[ENVIRON_ID] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            request.META[ENVIRON_PATH] = loggable_path(request)
        response[HEADER] = request_id
        # The id stays bound until the response is closed (request_finished,
        # unbind below): Django logs a 4xx/5xx after the middleware returned.
        return response


def unbind(**kwargs) -> None:
    """request_finished: the request's context ends with it."""
    structlog.contextvars.clear_contextvars()
