"""The operator's endpoints: /healthz, /readyz and /metrics.

They are answered by a middleware near the top of the stack, before the HTTPS
redirect, the host check, sessions, CSRF and the rate limiter: a load balancer
probes an app server by its address over plain HTTP, and a probe must neither
be redirected, refused for its Host header, rate limited nor given a session.

- /healthz (liveness): 200 "ok" as long as the process answers; touches nothing.
- /readyz (readiness): 200 or 503 with {"status", "checks"} (diarium/core/readiness.py).
- /metrics: Prometheus' text format (diarium/core/metrics.py), for clients on
  loopback or a private network only; with DIARIUM_METRICS_TOKEN set, for a
  request with "Authorization: Bearer <token>" only (from anywhere).
"""

from __future__ import annotations

import hmac
import ipaddress
import json

from django.conf import settings
from django.http import HttpResponse

from .ratelimit import client_address

HEALTHZ, READYZ, METRICS = "/healthz", "/readyz", "/metrics"


def _plain(body: str, status: int = 200, content_type: str = "text/plain; charset=utf-8") -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz(request) -> HttpResponse:
    return _plain("ok\n")


def readyz(request) -> HttpResponse:
    from .readiness import readiness

    ready, body = readiness()
    return _plain(json.dumps(body), status=200 if ready else 503, content_type="application/json")


def metrics_allowed(request) -> bool:
    """A bearer token when DIARIUM_METRICS_TOKEN is set (constant-time compare),
    else a client address on loopback or a private network (behind proxies the
    address DIARIUM_PROXY_COUNT says, as the rate limiter reads it)."""
    token = getattr(settings, "DIARIUM_METRICS_TOKEN", "") or ""
    if token:
        given = request.headers.get("Authorization", "")
        scheme, _sep, value = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
    try:
        address = ipaddress.ip_address(client_address(request).split("%", 1)[0])
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return address.is_loopback or address.is_private


def metrics(request) -> HttpResponse:
    if not metrics_allowed(request):
        return _plain("Forbidden\n", status=403)
    from .metrics import exposition

    body, content_type = exposition()
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


ENDPOINTS = {HEALTHZ: (healthz, "healthz"), READYZ: (readyz, "readyz"), METRICS: (metrics, "metrics")}


class OperationsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/") or "/"
        endpoint = ENDPOINTS.get(path)
        if endpoint is None:
            return self.get_response(request)
        view, route = endpoint
        request.metrics_route = route
        if request.method not in ("GET", "HEAD"):
            response = _plain("Method Not Allowed\n", status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request)
