"""Prometheus metrics (/metrics, served by diarium/core/operations.py).

Counted per request (MetricsMiddleware, outermost but for the request id):
- diarium_http_requests_total{method,status,route}
- diarium_http_request_duration_seconds{method,route} (histogram)
- diarium_db_queries_per_request{alias} (histogram) and diarium_db_queries_total{alias}
- diarium_public_cache_total{result} (hit, miss, uncacheable; diarium/core/public_cache.py)
"route" is the resolved URL's name ("registry:case_list"), never the raw path, so
the number of series stays bounded: "static" for static files, "healthz",
"readyz" and "metrics" for those, "unmatched" for a path no URL matches.

Computed at scrape time (registered gauges): the queue depth (core's own) and
the search index's lag (registered by the search app, which core does not import:
`register_gauge(name, help, fn)` in an app's ready()).

Under gunicorn (`diarium serve`) each worker is a process of its own: the
counters live in prometheus_client's multiprocess files in
PROMETHEUS_MULTIPROC_DIR (serve sets it) and a scrape sums them over the
workers, whichever worker answers it. prometheus_client is imported lazily, on
the first request of a worker, so that the variable is set before it is read.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

logger = logging.getLogger("diarium.metrics")

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_BUCKETS = (0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500)


# --- gauges computed at scrape time, registered by the apps ----------------------

@dataclass(frozen=True)
class ScrapeGauge:
    name: str
    help: str
    fn: Callable[[], float | dict[str, float] | None]
    label: str | None = None  # with a label, fn returns {label value: value}


_gauges: dict[str, ScrapeGauge] = {}


def register_gauge(name: str, help: str, fn: Callable, *, label: str | None = None) -> None:
    """A gauge whose value `fn()` gives at each scrape (idempotent by name)."""
    _gauges[name] = ScrapeGauge(name, help, fn, label)


class ScrapeTimeCollector:
    """The registered gauges, read when /metrics is fetched. A gauge whose source
    fails (the database down) is left out of that scrape, not the whole page."""

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        for gauge in list(_gauges.values()):
            try:
                value = gauge.fn()
            except Exception:
                logger.warning("The metric %s could not be read", gauge.name, exc_info=True)
                continue
            if value is None:
                continue
            if gauge.label:
                family = GaugeMetricFamily(gauge.name, gauge.help, labels=[gauge.label])
                for key, number in sorted(value.items()):
                    family.add_metric([str(key)], float(number))
            else:
                family = GaugeMetricFamily(gauge.name, gauge.help, value=float(value))
            yield family


# --- per-request instruments ------------------------------------------------------

def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir"))


@dataclass
class Instruments:
    registry: object
    requests: object
    latency: object
    queries: object
    queries_total: object
    public_cache: object


@functools.cache
def instruments() -> Instruments:
    from prometheus_client import CollectorRegistry, Counter, Histogram

    registry = CollectorRegistry(auto_describe=True)
    made = Instruments(
        registry=registry,
        requests=Counter("diarium_http_requests_total", "HTTP requests answered, by method, status and route.",
                         ["method", "status", "route"], registry=registry),
        latency=Histogram("diarium_http_request_duration_seconds",
                          "Time from the request reaching Django to its response, by method and route.",
                          ["method", "route"], buckets=LATENCY_BUCKETS, registry=registry),
        queries=Histogram("diarium_db_queries_per_request", "Database queries one request made, per database.",
                          ["alias"], buckets=QUERY_BUCKETS, registry=registry),
        queries_total=Counter("diarium_db_queries_total", "Database queries made by requests, per database.",
                              ["alias"], registry=registry),
        public_cache=Counter("diarium_public_cache_total",
                             "Anonymous GET/HEAD answers looked up in the shared cache (diarium/core/public_cache.py): "
                             "hit, miss (built and kept) or uncacheable (built, not kept).",
                             ["result"], registry=registry),
    )
    if not multiprocess():
        registry.register(ScrapeTimeCollector())
    return made


def exposition() -> tuple[bytes, str]:
    """The text of /metrics and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    made = instruments()
    if multiprocess():
        from prometheus_client import multiprocess as mp

        registry = CollectorRegistry()
        mp.MultiProcessCollector(registry)
        registry.register(ScrapeTimeCollector())
        try:
            return generate_latest(registry), CONTENT_TYPE_LATEST
        except FileNotFoundError:  # a dead worker's file archived between listing and reading: read again
            return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(made.registry), CONTENT_TYPE_LATEST


def route_of(request) -> str:
    route = getattr(request, "metrics_route", None)
    if route:
        return route
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or "unnamed"
    if request.path.startswith(settings.STATIC_URL or "/static/"):
        return "static"
    return "unmatched"


class _QueryCounter:
    def __init__(self, counts: dict, alias: str):
        self.counts, self.alias = counts, alias

    def __call__(self, execute, sql, params, many, context):
        self.counts[self.alias] = self.counts.get(self.alias, 0) + 1
        return execute(sql, params, many, context)


class MetricsMiddleware:
    """Counts each request, its time and its database queries (per alias)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.aliases = list(connections)

    def __call__(self, request):
        made = instruments()
        counts: dict[str, int] = {}
        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in self.aliases:
                stack.enter_context(connections[alias].execute_wrapper(_QueryCounter(counts, alias)))
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        try:
            method = request.method if request.method in METHODS else "other"
            route = route_of(request)
            made.requests.labels(method, str(response.status_code), route).inc()
            made.latency.labels(method, route).observe(elapsed)
            for alias in self.aliases:
                n = counts.get(alias, 0)
                made.queries.labels(alias).observe(n)
                if n:
                    made.queries_total.labels(alias).inc(n)
        except Exception:  # counting must never cost the answer (a full or missing metrics folder)
            logger.warning("The request could not be counted in the metrics", exc_info=True)
        return response


def queue_depth_by_queue() -> dict[str, int]:
    from .readiness import queue_depth

    return queue_depth()


def register_core_gauges() -> None:
    register_gauge("diarium_queue_depth", "Background tasks waiting, per queue.", queue_depth_by_queue,
                   label="queue")
