"""`diarium serve`: the production server, gunicorn running config.wsgi.

gunicorn is a well-kept pre-fork WSGI server: a master process that binds the
address and keeps N worker processes (each one loading Django), restarts a
worker that dies or hangs past --timeout, restarts them all gracefully on HUP,
and stops gracefully on TERM (each worker finishes its request first, up to
--graceful-timeout). Run through its Python API, with:

- workers sized to the machine (2 × CPUs + 1, at most 8) unless told;
- --threads above 1 switches to gunicorn's threaded worker (gthread);
- a worker is replaced after --max-requests requests (± jitter), which bounds a
  slow leak without restarting them all at once;
- its logs as JSON lines (diarium/core/logs.py): an access line per request with
  method, path (masked: diarium/core/requestlog.py), status, duration_ms,
  request_id and the client's address; no query string is logged;
- the Prometheus metrics of every worker summed (multiprocess mode: a fresh
  PROMETHEUS_MULTIPROC_DIR unless set, the files of a dead worker folded into
  one archive file so they do not pile up with max-requests).

The checks of diarium/core/readiness.py run before the master starts; it does
not start when they fail.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from gunicorn import glogging
from gunicorn.app.base import BaseApplication

DEFAULT_BIND = "127.0.0.1:8000"
MAX_DEFAULT_WORKERS = 8


class ServeError(Exception):
    """A setting of serve that cannot be used (its message is for the operator)."""


def default_workers() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


@dataclass(frozen=True)
class ServeOptions:
    bind: str = DEFAULT_BIND
    workers: int = 0  # 0: default_workers()
    threads: int = 1
    timeout: int = 30
    graceful_timeout: int = 30
    keepalive: int = 5
    max_requests: int = 10000
    max_requests_jitter: int = 1000
    access_log: bool = True


_BIND = re.compile(r"(unix:.+|fd://\d+|(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*):\d{1,5})")


def options_from(values: dict, environ=os.environ) -> ServeOptions:
    """Options from the command line (`values`, None where not given), else the
    environment (DIARIUM_BIND, DIARIUM_WEB_WORKERS, DIARIUM_WEB_THREADS,
    DIARIUM_WEB_TIMEOUT, DIARIUM_WEB_MAX_REQUESTS), else the defaults. Every
    problem is reported at once."""
    problems = []
    defaults = ServeOptions()

    def number(key: str, env: str, default: int, minimum: int) -> int:
        raw = values.get(key)
        source = f"--{key.replace('_', '-')}"
        if raw is None and environ.get(env, "").strip():
            raw, source = environ[env].strip(), env
        if raw is None:
            return default
        try:
            value = int(raw)
        except (TypeError, ValueError):
            problems.append(_("%(source)s måste vara ett heltal, inte \"%(value)s\".") % {"source": source,
                                                                                         "value": raw})
            return default
        if value < minimum:
            problems.append(_("%(source)s måste vara minst %(minimum)d.") % {"source": source, "minimum": minimum})
        return value

    bind = values.get("bind") or environ.get("DIARIUM_BIND", "").strip() or DEFAULT_BIND
    for one in bind.split(","):
        if not _BIND.fullmatch(one.strip()) or (":" in one and not one.startswith(("unix:", "fd:"))
                                               and int(one.rsplit(":", 1)[1]) > 65535):
            problems.append(_("Adressen \"%(bind)s\" går inte att lyssna på: ange värd:port (t.ex. 0.0.0.0:8000) "
                              "eller unix:/sökväg (--bind, DIARIUM_BIND).") % {"bind": one})
    options = ServeOptions(
        bind=bind,
        workers=number("workers", "DIARIUM_WEB_WORKERS", 0, 1) or default_workers(),
        threads=number("threads", "DIARIUM_WEB_THREADS", defaults.threads, 1),
        timeout=number("timeout", "DIARIUM_WEB_TIMEOUT", defaults.timeout, 1),
        graceful_timeout=number("graceful_timeout", "DIARIUM_WEB_GRACEFUL_TIMEOUT", defaults.graceful_timeout, 0),
        keepalive=number("keepalive", "DIARIUM_WEB_KEEPALIVE", defaults.keepalive, 0),
        max_requests=number("max_requests", "DIARIUM_WEB_MAX_REQUESTS", defaults.max_requests, 0),
        max_requests_jitter=number("max_requests_jitter", "DIARIUM_WEB_MAX_REQUESTS_JITTER",
                                   defaults.max_requests_jitter, 0),
        access_log=not values.get("no_access_log"),
    )
    if problems:
        raise ServeError("\n".join(problems))
    return options


# --- logs ------------------------------------------------------------------------


class JsonLogger(glogging.Logger):
    """gunicorn's logger without handlers of its own: its records go to the
    root logger's handler (LOGGING, diarium/core/logs.py), and each request's
    access line is one structured event."""

    def setup(self, cfg):
        self.cfg = cfg
        self._access_log_enabled = bool(cfg.accesslog)
        self.loglevel = self.LOG_LEVELS.get(cfg.loglevel.lower(), logging.INFO)
        self.error_log.setLevel(self.loglevel)
        self.access_log.setLevel(logging.INFO)
        for log in (self.error_log, self.access_log):
            log.propagate = True
            for handler in list(log.handlers):
                log.removeHandler(handler)

    def _compute_access_log_enabled(self):
        return bool(self.cfg.accesslog)

    def access(self, resp, req, environ, request_time):
        if not self._access_log_enabled:
            return
        try:
            import structlog

            from .requestlog import ENVIRON_ID, ENVIRON_PATH, HEADER, loggable_path

            status = resp.status
            if isinstance(status, str):
                status = status.split(None, 1)[0]
            request_id = environ.get(ENVIRON_ID)
            if request_id is None:
                request_id = next((v for k, v in resp.headers if k.lower() == HEADER.lower()), None)
            path = environ.get(ENVIRON_PATH)
            if path is None:
                path = loggable_path(environ.get("PATH_INFO", ""))
            structlog.get_logger("gunicorn.access").info(
                "request",
                method=environ.get("REQUEST_METHOD"),
                path=path,
                status=int(status) if str(status).isdigit() else status,
                duration_ms=round(request_time.total_seconds() * 1000, 1),
                bytes=getattr(resp, "sent", None),
                request_id=request_id,
                remote_addr=environ.get("REMOTE_ADDR"),
            )
        except Exception:
            self.error_log.exception("The access log line could not be written")


# --- metrics across workers -------------------------------------------------------

ARCHIVE = "archive"
SUMMED_TYPES = ("counter", "histogram", "summary")


def metrics_dir_prepare(environ=os.environ) -> tuple[str, bool]:
    """PROMETHEUS_MULTIPROC_DIR: a fresh temporary folder unless set (True: made
    here, removed at exit); a given one is emptied of an earlier run's files."""
    path = environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
        for stale in glob.glob(os.path.join(path, "*.db")):
            os.remove(stale)
        return path, False
    path = tempfile.mkdtemp(prefix="diarium-metrics-")
    environ["PROMETHEUS_MULTIPROC_DIR"] = path
    return path, True


def metrics_worker_gone(pid: int, path: str) -> None:
    """A worker has exited: its live gauges go, and its counters and histograms
    are added into one archive file per type, so the sums stay the same while the
    number of files stays bounded however often workers are replaced."""
    from prometheus_client import multiprocess
    from prometheus_client.mmap_dict import MmapedDict

    multiprocess.mark_process_dead(pid, path)
    for typ in SUMMED_TYPES:
        dead = os.path.join(path, f"{typ}_{pid}.db")
        if not os.path.exists(dead):
            continue
        archive = MmapedDict(os.path.join(path, f"{typ}_{ARCHIVE}.db"))
        try:
            for key, value, timestamp, _pos in MmapedDict.read_all_values_from_file(dead):
                if value:
                    archive.write_value(key, archive.read_value(key)[0] + value, timestamp)
        finally:
            archive.close()
        os.remove(dead)


def _prometheus_value_class_refresh() -> None:
    """prometheus_client picks its value class (in-process or multiprocess files)
    when it is first imported; should anything have imported it before the
    folder was set, pick again (no metric exists yet: they are made lazily)."""
    if "prometheus_client.values" in sys.modules:
        from prometheus_client import values

        values.ValueClass = values.get_value_class()


# --- the application --------------------------------------------------------------


def child_exit(server, worker) -> None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        try:
            metrics_worker_gone(worker.pid, path)
        except Exception:
            server.log.exception("The metrics of worker %s could not be archived", worker.pid)


def _metrics_dir_remover(path: str | None):
    def on_exit(server) -> None:
        if path:
            shutil.rmtree(path, ignore_errors=True)

    return on_exit


class DiariumApplication(BaseApplication):
    def __init__(self, options: ServeOptions, *, metrics_dir: str | None = None):
        self.options = options
        self.metrics_dir = metrics_dir
        super().__init__()

    def load_config(self):
        o = self.options
        config = {
            "bind": [b.strip() for b in o.bind.split(",")],
            "workers": o.workers,
            "threads": o.threads,
            "worker_class": "gthread" if o.threads > 1 else "sync",
            "timeout": o.timeout,
            "graceful_timeout": o.graceful_timeout,
            "keepalive": o.keepalive,
            "max_requests": o.max_requests,
            "max_requests_jitter": o.max_requests_jitter if o.max_requests else 0,
            "accesslog": "-" if o.access_log else None,
            "logger_class": JsonLogger,
            "loglevel": "info",
            "proc_name": "diarium",
            "child_exit": child_exit,
            "on_exit": _metrics_dir_remover(self.metrics_dir),
            # No control socket ($HOME/.gunicorn/gunicorn.ctl): two app servers on one
            # machine would share its path. Signals (HUP, TERM, TTIN/TTOU) do the job.
            "control_socket_disable": True,
            # The app is loaded in each worker (not preloaded): a HUP's new workers
            # import nothing anew but start with fresh connections of their own.
            "preload_app": False,
        }
        for key, value in config.items():
            self.cfg.set(key, value)

    def load(self):
        # settings.WSGI_APPLICATION (config.wsgi.application), as runserver finds it.
        from django.core.servers.basehttp import get_internal_wsgi_application

        return get_internal_wsgi_application()


def run(options: ServeOptions) -> None:
    """Start gunicorn's master; returns when it has stopped (TERM, INT)."""
    from django.core.cache import caches
    from django.db import connections

    path, made_here = metrics_dir_prepare()
    _prometheus_value_class_refresh()
    # The URLconf (every app's views and the API's schema) is imported here, once,
    # not by each worker's first request: workers forked after it (at start, on
    # HUP, after max-requests) answer their first request at once and share it.
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports config.urls)
    resolver.reverse_dict  # noqa: B018 (builds the reverse lookup)
    # The workers are forked from this process: none may inherit its connections.
    connections.close_all()
    for cache in caches.all(initialized_only=True):
        cache.close()
    # The folder goes when the master exits (gunicorn's on_exit, run by the master
    # only: a worker leaving through this same stack must not remove it).
    DiariumApplication(options, metrics_dir=path if made_here else None).run()
