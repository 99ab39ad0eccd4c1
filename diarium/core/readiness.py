"""Can this process serve? The dependency probes, in one place.

Used twice: by the pre-flight of `diarium serve` and `diarium worker`
(`preflight()`: a process that cannot work refuses to start and says why, in
Swedish, every problem at once) and by /readyz (`readiness()`: a running app
server that loses a dependency answers 503 so the load balancer sends its
traffic elsewhere, and keeps serving what it can).

Each probe opens its own short-lived connection with a short timeout, so a
dependency that hangs costs a probe seconds, not a worker forever:
- database: a fresh connection and SELECT 1 (PostgreSQL: connect_timeout;
  SQLite: the file must exist, it is never created here);
- replica (when DATABASE_REPLICA_URL is set): the same; it is reported but does
  not make the service unready, since reads fall back to the primary;
- storage: local files: the folder exists and can be written; S3: head_bucket;
- cache: Redis (DIARIUM_REDIS_URL): PING; the database cache: the database;
- queue: the database backend: the database; django-tasks' RQ backend: a PING
  of each queue's Redis;
- migrations: none unapplied (memoised once it has passed: migrations are not
  unapplied under a running server).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

logger = logging.getLogger("diarium.readiness")

DATABASE_CONNECT_TIMEOUT = 3  # seconds (libpq counts whole seconds, at least 2)
REDIS_TIMEOUT = 1.0
S3_TIMEOUT = 2.0

OK = "ok"
UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str = ""  # why not, for the operator (Swedish)
    critical: bool = True  # False: reported, but the service stays ready


# --- database -------------------------------------------------------------------


def _where(params: dict) -> str:
    host = params.get("HOST") or "localhost"
    port = params.get("PORT") or 5432
    return f"{host}:{port}"


def _postgres_reason(exc: Exception, params: dict) -> str:
    text = str(exc).strip()
    reason = text.rsplit("failed:", 1)[-1].strip().replace("FATAL:  ", "").splitlines()[0] if text else ""
    where, user, name = _where(params), params.get("USER") or "", params.get("NAME") or ""
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered or (
            "role" in lowered and "does not exist" in lowered) or "pg_hba.conf" in lowered:
        return _("PostgreSQL på %(where)s tog inte emot användaren \"%(user)s\" med de uppgifter som står i "
                 "DATABASE_URL (%(reason)s).") % {"where": where, "user": user, "reason": reason}
    if "database" in lowered and "does not exist" in lowered:
        return _("Databasen \"%(name)s\" finns inte på %(where)s: skapa den (createdb) och kör sedan "
                 "`diarium migrate`.") % {"name": name, "where": where}
    return _("Databasen på %(where)s går inte att nå (%(reason)s). Kontrollera värd och port i DATABASE_URL och "
             "att PostgreSQL körs.") % {"where": where, "reason": reason or exc.__class__.__name__}


def probe_database(alias: str = DEFAULT_DB_ALIAS) -> Check:
    """A fresh connection to the database `alias` and SELECT 1."""
    return probe_database_at("database" if alias == DEFAULT_DB_ALIAS else alias, settings.DATABASES[alias])


def probe_database_at(name: str, params: dict) -> Check:
    """A fresh connection to the database of `params` (a DATABASES entry) and SELECT 1."""
    engine = params.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        return _probe_sqlite(name, str(params.get("NAME") or ""))
    if engine != "django.db.backends.postgresql":
        return Check(name, False, _("Diarium kör på PostgreSQL eller SQLite, inte på %(engine)s (DATABASE_URL).")
                     % {"engine": engine.rsplit(".", 1)[-1] or "?"})
    import psycopg

    try:
        from django.db.utils import ConnectionHandler

        # Django's own connection parameters (OPTIONS, sslmode, service …) for a connection of the probe's own.
        conn_params = ConnectionHandler({"default": dict(params)})["default"].get_connection_params()
        conn_params.pop("cursor_factory", None)
        conn_params.pop("context", None)
        conn_params["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
        with psycopg.connect(**conn_params) as conn:
            conn.execute("SELECT 1").fetchone()
    except psycopg.Error as exc:
        return Check(name, False, _postgres_reason(exc, params))
    except Exception as exc:  # a bad option in the URL, a name that does not resolve
        return Check(name, False, _("Databasen på %(where)s går inte att nå (%(reason)s). Kontrollera "
                                    "DATABASE_URL.") % {"where": _where(params), "reason": exc})
    return Check(name, True)


def _probe_sqlite(name: str, path: str) -> Check:
    import sqlite3

    if not path or path == ":memory:" or path.startswith("file:"):
        return Check(name, True)
    if not os.path.exists(path):
        return Check(name, False, _("Databasfilen %(path)s finns inte: kör `diarium migrate` för att skapa den "
                                    "(eller rätta sökvägen i DATABASE_URL).") % {"path": path})
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=DATABASE_CONNECT_TIMEOUT)
        try:
            conn.execute("SELECT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Check(name, False, _("Databasfilen %(path)s går inte att öppna (%(reason)s).")
                     % {"path": path, "reason": exc})
    return Check(name, True)


# --- migrations -----------------------------------------------------------------

_migrations_applied = False


def probe_migrations(alias: str = DEFAULT_DB_ALIAS) -> Check:
    """No migration left unapplied. Memoised once it has passed."""
    global _migrations_applied
    if _migrations_applied:
        return Check("migrations", True)
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[alias])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # the database went away between the probes
        return Check("migrations", False, _("Migreringarna gick inte att läsa (%(reason)s).") % {"reason": exc})
    if plan:
        first = plan[0][0]
        return Check("migrations", False, _(
            "Databasen saknar %(count)d migreringar (den första: %(first)s): kör `diarium migrate` innan "
            "tjänsten startas.") % {"count": len(plan), "first": f"{first.app_label}.{first.name}"})
    _migrations_applied = True
    return Check("migrations", True)


def forget_migrations() -> None:
    """Tests: the next probe asks the database again."""
    global _migrations_applied
    _migrations_applied = False


# --- cache ----------------------------------------------------------------------


def redacted(url: str) -> str:
    """A URL for a message: its password left out."""
    try:
        parts = urlsplit(url)
        if parts.password:
            netloc = parts.netloc.rsplit("@", 1)[1]
            user = f"{parts.username}:***@" if parts.username else ":***@"
            return urlunsplit(parts._replace(netloc=user + netloc))
    except ValueError:
        return "?"
    return url


def _reason(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [exc.__class__.__name__])[0].rstrip(".") or exc.__class__.__name__


def probe_cache(database: Check | None = None) -> Check:
    from django.core.cache import caches

    from .cache import ResilientRedisCache, redis_ping

    cache = caches["default"]
    location = settings.CACHES["default"].get("LOCATION", "")
    if isinstance(cache, ResilientRedisCache) or "redis" in settings.CACHES["default"]["BACKEND"].lower():
        try:
            if isinstance(cache, ResilientRedisCache):
                cache.ping(timeout=REDIS_TIMEOUT)
            else:
                redis_ping(location if isinstance(location, str) else location[0], timeout=REDIS_TIMEOUT)
        except Exception as exc:
            return Check("cache", False, _("Cachen i Redis på %(url)s svarar inte (DIARIUM_REDIS_URL): %(reason)s.")
                         % {"url": redacted(str(location)), "reason": _reason(exc)})
        return Check("cache", True)
    if "DatabaseCache" in settings.CACHES["default"]["BACKEND"]:
        database = database or probe_database()
        return Check("cache", database.ok, database.message)
    return Check("cache", True)  # in-process caches (tests): nothing to reach


# --- queue ----------------------------------------------------------------------


def _rq_queues(backend) -> list:
    import django_rq

    return [django_rq.get_queue(name) for name in sorted(backend.queues)]


def _is_database(backend) -> bool:
    return type(backend).__module__.startswith("django_tasks_db")


def probe_queue(database: Check | None = None) -> Check:
    from .cache import redis_ping
    from .queue import default_backend, is_rq

    try:
        backend = default_backend()
    except Exception as exc:
        return Check("queue", False, _("Uppgiftskön går inte att läsa in (TASKS): %(reason)s.") % {"reason": exc})
    if _is_database(backend):
        database = database or probe_database()
        return Check("queue", database.ok, database.message)
    if is_rq(backend):
        for queue in _rq_queues(backend):
            try:
                redis_ping(queue.connection, timeout=REDIS_TIMEOUT)
            except Exception as exc:
                kwargs = queue.connection.connection_pool.connection_kwargs
                where = f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}"
                return Check("queue", False, _(
                    "Uppgiftskön \"%(queue)s\" (RQ) når inte sin Redis på %(where)s (RQ_QUEUES): %(reason)s.")
                    % {"queue": queue.name, "where": where, "reason": _reason(exc)})
    return Check("queue", True)


def queue_depth() -> dict[str, int]:
    """Tasks waiting per queue: the database backend's READY rows, or the outbox's
    unfinished rows when tasks go to RQ."""
    from .queue import default_backend, is_rq

    backend = default_backend()
    if _is_database(backend):
        from django.db.models import Count
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        rows = (DBTaskResult.objects.filter(status=TaskResultStatus.READY)
                .values_list("queue_name").annotate(n=Count("id")))
        return {"default": 0, **{name: n for name, n in rows}}
    if is_rq(backend):
        # The outbox (diarium/core/queue.py), not the Redis lists: it also counts the
        # tasks written while Redis was down and those a dead worker held.
        from django.db.models import Count

        from .models import QueuedTask

        rows = (QueuedTask.objects.filter(finished_at__isnull=True)
                .values_list("queue_name").annotate(n=Count("id")))
        return {"default": 0, **{name: n for name, n in rows}}
    return {}


# --- storage --------------------------------------------------------------------


def probe_storage() -> Check:
    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        location = str(storage.location)
        if not os.path.isdir(location):
            try:
                os.makedirs(location, exist_ok=True)
            except OSError as exc:
                return Check("storage", False, _("Katalogen för filer %(path)s finns inte och går inte att skapa "
                                                 "(%(reason)s; DIARIUM_MEDIA_ROOT).") % {"path": location,
                                                                                          "reason": exc})
        if not os.access(location, os.W_OK | os.X_OK):
            return Check("storage", False, _("Katalogen för filer %(path)s går inte att skriva i "
                                             "(DIARIUM_MEDIA_ROOT).") % {"path": location})
        return Check("storage", True)
    if type(storage).__module__.startswith("storages.backends.s3"):
        return _probe_s3(storage)
    return Check("storage", True)


def _probe_s3(storage) -> Check:
    import botocore.exceptions
    from botocore.config import Config

    bucket = storage.bucket_name
    where = storage.endpoint_url or "AWS"
    try:
        config = Config(connect_timeout=S3_TIMEOUT, read_timeout=S3_TIMEOUT, retries={"max_attempts": 1})
        if storage.client_config is not None:
            config = storage.client_config.merge(config)
        client = storage._create_session().client(
            "s3", region_name=storage.region_name, use_ssl=storage.use_ssl, endpoint_url=storage.endpoint_url,
            config=config, verify=storage.verify)
        client.head_bucket(Bucket=bucket)
    except botocore.exceptions.ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchBucket", "NotFound"):
            message = _("Bucketen \"%(bucket)s\" finns inte på %(where)s (AWS_STORAGE_BUCKET_NAME).")
        elif code in ("403", "AccessDenied", "Forbidden"):
            message = _("Lagringen på %(where)s nekade åtkomst till bucketen \"%(bucket)s\": kontrollera "
                        "nycklarna (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).")
        else:
            message = _("Lagringen på %(where)s svarade med ett fel för bucketen \"%(bucket)s\" (%(reason)s).")
        return Check("storage", False, message % {"bucket": bucket, "where": where, "reason": code})
    except Exception as exc:  # not reachable, no credentials, a timeout
        return Check("storage", False, _("Lagringen för filer (S3, bucketen \"%(bucket)s\" på %(where)s) går inte "
                                         "att nå: %(reason)s.") % {"bucket": bucket, "where": where, "reason": _reason(exc)})
    return Check("storage", True)


# --- the two uses ---------------------------------------------------------------


def checks(*, migrations: bool = True) -> list[Check]:
    """Every probe, in a fixed order; the ones that need the database are left out
    when it cannot be reached (their message would only repeat its message)."""
    database = probe_database()
    found = [database]
    if "replica" in settings.DATABASES:
        replica = probe_database("replica")
        found.append(Check("replica", replica.ok, replica.message, critical=False))
    found.append(probe_storage())
    found.append(probe_cache(database))
    found.append(probe_queue(database))
    if migrations:
        found.append(probe_migrations() if database.ok else Check("migrations", False))
    return found


def preflight() -> list[str]:
    """Start-up: the reasons this process must not start (none: it may). The
    replica's problems are logged, not refused: reads fall back to the primary."""
    problems = []
    seen = set()
    for check in checks():
        if check.ok or not check.message or check.message in seen:
            continue
        seen.add(check.message)
        if check.critical:
            problems.append(check.message)
        else:
            logger.warning("%s", check.message)
    return problems


# /readyz is reachable by anyone who reaches the app: its answer is kept this long
# in each process, so a flood of requests costs one round of probes a second,
# not a database connection, a PING and an S3 call each.
READINESS_SECONDS = 1.0
_last: tuple[float, tuple[bool, dict]] | None = None


def readiness() -> tuple[bool, dict]:
    """/readyz: (ready, {"status": …, "checks": {name: "ok" | "unavailable"}})."""
    global _last
    now = time.monotonic()
    kept = _last
    if kept is not None and now - kept[0] < READINESS_SECONDS:
        return kept[1]
    answer = _readiness()
    _last = (time.monotonic(), answer)
    return answer


def forget_readiness() -> None:
    """Tests: the next /readyz probes afresh."""
    global _last
    _last = None


def _readiness() -> tuple[bool, dict]:
    found = checks()
    ready = all(check.ok for check in found if check.critical)
    for check in found:
        if not check.ok and check.message:
            logger.warning("Not ready: %s: %s", check.name, check.message)
    return ready, {
        "status": OK if ready else UNAVAILABLE,
        "checks": {check.name: OK if check.ok else UNAVAILABLE for check in found},
    }
