"""The transactional outbox in front of a real queue (django-tasks' RQ backend).

A queue in Redis is not part of the database transaction of the write that asks
for a task, so pushing at the right moment is not enough: if Redis is down at
the commit the task is lost, and if a worker dies mid-task RQ does not run it
again (rq 3.0 moves an abandoned job, one whose worker stopped sending its
heartbeat, to the FailedJobRegistry unless the job had retries, and then only
when a worker's maintenance gets round to it, every ten minutes).

So with a non-transactional backend every task is first a row (QueuedTask),
written in the caller's transaction:

- after the commit the row is pushed to RQ as a job running `run_queued(row_id)`,
  whose job id is derived from the row (`diarium-<row>-<push>`) and marked
  pushed; if Redis cannot be reached the row stays unpushed;
- the worker that takes the job claims the row with a conditional UPDATE (a
  lease, `claimed_until`, renewed by a heartbeat while the task runs), runs the
  task and marks the row finished. A job whose row is finished or claimed by a
  live worker does nothing, so a job pushed twice never runs the task twice and
  never twice at the same time;
- a relay in every worker (`relay_run`, every few seconds) pushes the rows the
  queue never got, the rows whose lease ran out (their worker died, or a failed
  run waits out its back-off) and the rows pushed but gone from Redis (restarted
  without its append-only file, flushed); after DIARIUM_QUEUE_MAX_ATTEMPTS
  claims a row is given up (failed) and logged.

A task run again after its worker died must not do its work twice: each task
claims its own work (see docs/SCALING.md, "The queue"), and the e-mail a run
sends goes through diarium.core.mail.mail_send, which remembers per run what
the mail server accepted.

The database backend (the embedded default) is transactional already: tasks
go into its table in the caller's transaction, and none of this is used.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import os
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks import task

from .models import QueuedTask, SentMail

logger = logging.getLogger("diarium.tasks")

TRANSACTIONAL_BACKENDS = (
    "django_tasks_db.backend.DatabaseBackend",
    "django_tasks.backends.immediate.ImmediateBackend",
)


@dataclass
class Run:
    """The queued run this thread is in: its outbox row, and how many e-mails it
    has sent to each set of recipients (diarium.core.mail keys them by that)."""

    row_id: int
    mails: dict[str, int] = field(default_factory=dict)


# The queued run in this thread (None outside one: the database backend, a request).
current_run: contextvars.ContextVar[Run | None] = contextvars.ContextVar("diarium_queued_run", default=None)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def lease_seconds() -> float:
    """How long a claim holds without a heartbeat: a killed worker's task runs
    again this long after it died (plus a relay tick)."""
    return _setting("DIARIUM_QUEUE_LEASE_SECONDS", 120)


def relay_seconds() -> float:
    return _setting("DIARIUM_QUEUE_RELAY_SECONDS", 5)


def max_attempts() -> int:
    return int(_setting("DIARIUM_QUEUE_MAX_ATTEMPTS", 5))


def _grace() -> dt.timedelta:
    # A row younger than this is left to the push after its commit.
    return dt.timedelta(seconds=2 * relay_seconds())


def _backend_path(backend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def is_rq(backend) -> bool:
    """Whether `backend` is django-tasks' RQ backend (or built on it)."""
    try:
        from django_tasks_rq.backend import RQBackend
    except ImportError:  # pragma: no cover - installed with Diarium
        return False
    return isinstance(backend, RQBackend)


def backend_is_transactional(backend) -> bool:
    return _backend_path(backend) in TRANSACTIONAL_BACKENDS


def default_backend():
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    return task_backends[DEFAULT_TASK_BACKEND_ALIAS]


def outbox_in_use() -> bool:
    """Whether tasks go through the outbox (the default backend is not transactional)."""
    return not backend_is_transactional(default_backend())


# --- writing and pushing --------------------------------------------------------------------
def outbox_add(task_, args, kwargs) -> QueuedTask:
    """Write the task as a row in the caller's transaction; push it after the commit."""
    row = QueuedTask.objects.create(
        task_path=task_.module_path, queue_name=task_.queue_name, args=list(args), kwargs=dict(kwargs),
        created_at=timezone.now(), run_after=task_.run_after,
    )
    if task_.run_after is None:
        transaction.on_commit(partial(push_quietly, row.pk, 0))
    return row


# After a failed push this process leaves pushing to the relay for a few seconds,
# so that requests do not each wait for a Redis that does not answer.
PUSH_PAUSE_SECONDS = 5.0
_push_paused_until = 0.0


def push_quietly(pk: int, pushes: int) -> bool:
    """push(), but an unreachable queue is only logged: the relay pushes the row later."""
    global _push_paused_until
    if time.monotonic() < _push_paused_until:
        return False
    try:
        return push(pk, pushes)
    except Exception as exc:  # Redis down or refusing: never the caller's failure
        _push_paused_until = time.monotonic() + PUSH_PAUSE_SECONDS
        logger.warning("Task #%s not handed to the queue now (%s); the relay will", pk, exc)
        return False


def job_id(pk: int, push_number: int) -> str:
    return f"diarium-{pk}-{push_number}"


def push(pk: int, pushes: int) -> bool:
    """Hand the row to its queue as push number pushes+1 and record it, unless
    another process pushed it meanwhile (the row's `pushes` moved on)."""
    row = QueuedTask.objects.filter(pk=pk, pushes=pushes, finished_at__isnull=True).first()
    if row is None:
        return False
    backend = default_backend()
    if is_rq(backend):
        _push_rq(backend, row, job_id(pk, pushes + 1))
    else:  # another non-transactional backend: its own enqueue, its own job ids
        run_queued.using(queue_name=row.queue_name, backend=backend.alias).enqueue(pk)
    return bool(QueuedTask.objects.filter(pk=pk, pushes=pushes).update(
        pushed_at=timezone.now(), pushes=F("pushes") + 1))


def _push_rq(backend, row: QueuedTask, job_id_: str) -> None:
    import django_rq
    from django_tasks_rq.backend import Job, failed_callback, success_callback
    from rq.job import Callback

    queue = django_rq.get_queue(row.queue_name, job_class=Job, commit_mode="auto")
    job = queue.create_job(
        run_queued.module_path, args=[row.pk], job_id=job_id_,
        on_failure=Callback(failed_callback), on_success=Callback(success_callback),
        meta={"backend_name": backend.alias}, failure_ttl=FAILED_JOB_TTL,
    )
    queue.enqueue_job(job)


FAILED_JOB_TTL = 7 * 24 * 3600  # a failed job's traceback stays in Redis a week (the row keeps its last error)


def _rq_job_waiting(backend, row: QueuedTask) -> bool:
    """Whether Redis still holds the row's last job, waiting or running."""
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.exceptions import NoSuchJobError
    from rq.job import JobStatus

    try:
        job = Job.fetch(job_id(row.pk, row.pushes), connection=django_rq.get_connection(row.queue_name))
    except NoSuchJobError:
        return False
    return job.get_status(refresh=False) in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED,
                                             JobStatus.DEFERRED)


# --- running ---------------------------------------------------------------------------------
class _Heartbeat(threading.Thread):
    """Renews the claim while the task runs, so only a dead worker's lease runs out."""

    def __init__(self, pk: int, token: str):
        super().__init__(name=f"diarium-lease-{pk}", daemon=True)
        self.pk, self.token, self.done = pk, token, threading.Event()

    def run(self):
        try:
            while not self.done.wait(lease_seconds() / 4):
                try:
                    QueuedTask.objects.filter(pk=self.pk, claimed_by=self.token, finished_at__isnull=True).update(
                        claimed_until=timezone.now() + dt.timedelta(seconds=lease_seconds()))
                except Exception:  # the database away for a moment: the next beat tries again
                    logger.warning("Could not renew the lease of task #%s", self.pk, exc_info=True)
        finally:
            connection.close()


def _claim(pk: int, token: str) -> bool:
    now = timezone.now()
    return bool(
        QueuedTask.objects.filter(pk=pk, finished_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + dt.timedelta(seconds=lease_seconds()), claimed_by=token,
                attempts=F("attempts") + 1)
    )


def _give_up(pk: int, error: str) -> None:
    QueuedTask.objects.filter(pk=pk, finished_at__isnull=True).update(
        finished_at=timezone.now(), failed=True, claimed_until=None, last_error=error[-4000:])


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after a failed run: 10 s, 40 s, 160 s … at most an hour."""
    return dt.timedelta(seconds=min(10 * 4 ** max(attempts - 1, 0), 3600))


def outbox_run(pk: int):
    """Claim the row, run its task, mark it finished. A row finished or claimed by
    a live worker is left alone (this job is a duplicate)."""
    token = f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(12)}"  # who runs it, for people
    if not _claim(pk, token):
        logger.info("Task #%s is finished or running elsewhere; nothing to do", pk)
        return None
    row = QueuedTask.objects.get(pk=pk)
    if row.attempts > max_attempts():
        logger.error("Task #%s (%s) given up after %s attempts", pk, row.task_path, row.attempts - 1)
        _give_up(pk, row.last_error or "gave up: its workers died")
        return None
    heartbeat = _Heartbeat(pk, token)
    heartbeat.start()
    reset = current_run.set(Run(pk))
    try:
        result = import_string(row.task_path).call(*row.args, **row.kwargs)
    except Exception:
        error = traceback.format_exc()
        if row.attempts >= max_attempts():
            logger.error("Task #%s (%s) failed for the last time", pk, row.task_path)
            _give_up(pk, error)
        else:  # run again once the back-off (as a lease) has run out
            QueuedTask.objects.filter(pk=pk, claimed_by=token).update(
                claimed_until=timezone.now() + retry_delay(row.attempts), last_error=error[-4000:])
        raise
    finally:
        current_run.reset(reset)
        heartbeat.done.set()
        heartbeat.join()
    QueuedTask.objects.filter(pk=pk, finished_at__isnull=True).update(
        finished_at=timezone.now(), claimed_until=None)
    return result


@task()
def run_queued(row_id: int):
    """The job every push puts on the queue: run the outbox row's task once."""
    return outbox_run(row_id)


# --- the relay -------------------------------------------------------------------------------
def relay_run(now: dt.datetime | None = None) -> int:
    """Push what the queue should have and has not; return how many rows were pushed."""
    now = now or timezone.now()
    backend = default_backend()
    open_rows = QueuedTask.objects.filter(finished_at__isnull=True)
    pushed = 0
    # Never pushed: the queue was down at the commit (or a deferred task's time came).
    for row in open_rows.filter(pushed_at__isnull=True).filter(
        Q(run_after__isnull=True, created_at__lte=now - _grace()) | Q(run_after__lte=now)
    ).order_by("pk")[:500]:
        pushed += push(row.pk, row.pushes)
    # Lease run out: the worker running it died, or a failed run's back-off ended.
    for row in open_rows.filter(claimed_until__lt=now).order_by("pk")[:500]:
        if row.attempts >= max_attempts():
            logger.error("Task #%s (%s) given up after %s attempts", row.pk, row.task_path, row.attempts)
            _give_up(row.pk, row.last_error or "gave up: its workers died")
            continue
        # Released first, so the new job can claim it; pushed at once after.
        if QueuedTask.objects.filter(pk=row.pk, claimed_until=row.claimed_until).update(claimed_until=None):
            logger.warning("Task #%s (%s): lease ran out, queued again", row.pk, row.task_path)
            pushed += push(row.pk, row.pushes)
    # Pushed, never claimed, and no longer in Redis: Redis lost it.
    if is_rq(backend):
        for row in open_rows.filter(pushed_at__lte=now - _grace(), claimed_until__isnull=True).order_by("pk")[:500]:
            if not _rq_job_waiting(backend, row):
                logger.warning("Task #%s (%s) is gone from the queue; queued again", row.pk, row.task_path)
                pushed += push(row.pk, row.pushes)
    return pushed


def outbox_sweep(now: dt.datetime | None = None) -> int:
    """Forget finished rows after a day (failed ones after thirty, for the
    record) and the e-mail a run sent once its row is gone."""
    now = now or timezone.now()
    deleted, _ = QueuedTask.objects.filter(
        Q(failed=False, finished_at__lt=now - dt.timedelta(days=1))
        | Q(failed=True, finished_at__lt=now - dt.timedelta(days=30))
    ).delete()
    SentMail.objects.filter(started_at__lt=now - dt.timedelta(days=2)).delete()
    return deleted


def _queue_down(exc: BaseException) -> bool:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis comes with django-tasks-rq
        return False
    return isinstance(exc, (RedisConnectionError, RedisTimeoutError))


def queue_depth() -> int:
    """Tasks written and not yet finished (waiting, running or waiting to be retried)."""
    return QueuedTask.objects.filter(finished_at__isnull=True).count()


def relay_forever(stop: threading.Event) -> None:
    """The relay loop of a worker: every few seconds, and a sweep every hour."""
    last_sweep = None
    while not stop.is_set():
        close_old_connections()
        try:
            relay_run()
            now = timezone.now()
            if last_sweep is None or now - last_sweep > dt.timedelta(hours=1):
                outbox_sweep(now)
                last_sweep = now
        except Exception as exc:  # keep relaying; the next tick retries
            if _queue_down(exc):
                logger.warning("The queue relay cannot reach the queue (%s); trying again", exc)
            else:
                logger.exception("The queue relay failed")
        stop.wait(relay_seconds())
