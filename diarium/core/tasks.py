"""Background work: enqueueing and the periodic schedule.

Tasks are django-tasks tasks. With the embedded database backend a task is
enqueued inside the caller's transaction (it commits or rolls back with the
writes it belongs to); with any other backend (a real queue) it is written to
the outbox in that transaction and pushed to the queue after the commit, so a
worker never picks up work whose data is not there yet, and a queue that is
down at the commit loses nothing (diarium/core/queue.py).

Services enqueue a task by its dotted path (enqueue_by_name), resolved when it
is enqueued, so that a services module never imports the tasks module that
calls it back.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("diarium.tasks")

def enqueue(task, *args, **kwargs) -> None:
    """Enqueue `task` as part of the caller's transaction: on the database backend
    directly, on any other (a real queue) through the outbox (diarium.core.queue),
    whose row commits with the caller's writes and is pushed after the commit."""
    from .queue import backend_is_transactional, outbox_add

    if backend_is_transactional(task.get_backend()):
        task.enqueue(*args, **kwargs)
    else:
        outbox_add(task, args, kwargs)


def enqueue_by_name(path: str, *args, **kwargs) -> None:
    """Enqueue the task at the dotted `path` (e.g. "diarium.remiss.tasks.deliver"),
    looked up now, with the semantics of enqueue."""
    enqueue(import_string(path), *args, **kwargs)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str  # dotted path to a django-tasks task taking no arguments
    every: dt.timedelta


# Jobs every worker keeps on the schedule, registered by the apps that own them
# (periodic_register, from their AppConfig.ready). Each is idempotent: running it
# twice in a row does nothing the second time.
PERIODIC: list[Periodic] = []


def periodic_register(name: str, task: str, every: dt.timedelta) -> None:
    """Put a task (its dotted path) on every worker's schedule; a name is kept once."""
    if any(job.name == name for job in PERIODIC):
        return
    PERIODIC.append(Periodic(name, task, every))


def schedule_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue the periodic jobs that are due; return their names."""
    from .models import ScheduledJob

    now = now or timezone.now()
    enqueued = []
    for job in PERIODIC:
        ScheduledJob.objects.get_or_create(name=job.name)
        with transaction.atomic():
            claimed = ScheduledJob.objects.filter(
                Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=now - job.every), name=job.name,
            ).update(last_enqueued_at=now)
            if claimed:
                enqueue(import_string(job.task))
                enqueued.append(job.name)
    return enqueued


def enqueue_due_reminders(rows, *, deadline, days_before, today: dt.date, now: dt.datetime, task) -> int:
    """Claim and enqueue the reminders due for `rows` (objects not yet answered,
    with `reminded_before_at`/`reminded_after_at` fields): one some days before the
    deadline, one after it. Each is claimed with a conditional UPDATE on its row,
    so concurrent workers never send one twice. `task` (a task or its dotted
    path) is called as task(pk, "reminder_before" | "reminder_after")."""
    if isinstance(task, str):
        task = import_string(task)
    queued = 0
    for row in rows:
        days_left = (deadline(row) - today).days
        if days_left < 0:
            field, kind = "reminded_after_at", "reminder_after"
        elif days_left <= days_before(row) and row.reminded_before_at is None:
            field, kind = "reminded_before_at", "reminder_before"
        else:
            continue
        with transaction.atomic():
            if type(row).objects.filter(pk=row.pk, **{f"{field}__isnull": True}).update(**{field: now}):
                enqueue(task, row.pk, kind)
                queued += 1
    return queued
