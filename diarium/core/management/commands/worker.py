"""`diarium worker`: run background tasks and keep the periodic schedule.

With the embedded default (tasks in the database) this runs the queue itself.
With the RQ backend it runs RQ's worker with the outbox relay beside
(diarium/core/rq_worker.py, diarium/core/queue.py). With another task backend
that backend's own workers run the tasks, and `diarium worker --schedule-only`
keeps the schedule (and the relay). Any number of workers may run at once: each
due job is claimed by exactly one of them.
"""

from __future__ import annotations

import logging
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.crypto import get_random_string

from diarium.core.tasks import schedule_due

logger = logging.getLogger("diarium.tasks")

TICK_SECONDS = 60


class Command(BaseCommand):
    help = "Run background tasks (e-mail, reminders) and the periodic schedule."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="Enqueue due periodic jobs, run every waiting task, then exit (for cron and tests).")
        parser.add_argument("--schedule-only", action="store_true",
                            help="Only keep the periodic schedule; another worker runs the tasks.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty queue.")

    def handle(self, *args, batch=False, schedule_only=False, interval=1.0, **options):
        if not options.get("skip_checks"):  # started as a command (call_command skips, as Django's checks)
            from diarium.core.management.commands.serve import refuse_unless_ready

            refuse_unless_ready(self)
        if options.get("verbosity", 1) > 0:
            logging.getLogger("diarium.tasks").setLevel(logging.INFO)
        if schedule_only:
            self._schedule_forever()
            return
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
        from django_tasks_db.backend import DatabaseBackend

        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            from diarium.core import queue

            if not queue.is_rq(backend):
                raise CommandError(
                    "Köns bakände är varken databasen eller RQ: kör dess egna arbetare och "
                    "`diarium worker --schedule-only`."
                )
            from diarium.core.rq_worker import rq_work

            rq_work(backend, batch=batch)
            return
        worker = worker_for(batch=batch, interval=interval)
        if batch:
            schedule_due()
            worker.run()
            return
        threading.Thread(target=schedule_forever, name="diarium-schedule", daemon=True).start()
        worker.configure_signals()
        worker.run()

    def _schedule_forever(self):
        schedule_forever()


def schedule_forever(stop: threading.Event | None = None):
    """Enqueue the due periodic jobs every minute; with a queue outside the
    database, run its outbox relay beside (diarium.core.queue)."""
    from diarium.core import queue

    stop = stop or threading.Event()
    if queue.outbox_in_use():
        threading.Thread(target=queue.relay_forever, args=(stop,), name="diarium-relay", daemon=True).start()
    while not stop.is_set():
        close_old_connections()
        try:
            for name in schedule_due():
                logger.info("Enqueued periodic job %s", name)
        except Exception:  # keep the schedule alive; the next tick retries
            logger.exception("The periodic schedule failed")
        stop.wait(TICK_SECONDS)


def start_in_background() -> bool:
    """Run the worker and the schedule in daemon threads of this process (the
    demo's one-command server). False when tasks go to another backend."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return False
    threading.Thread(target=schedule_forever, name="diarium-schedule", daemon=True).start()
    threading.Thread(target=worker_for(batch=False).run, name="diarium-worker", daemon=True).start()
    return True


def worker_for(*, batch: bool, interval: float = 1.0):
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"], interval=interval, batch=batch, backend_name="default", startup_delay=not batch,
        max_tasks=None, worker_id=get_random_string(32), excluded_queue_names=[],
    )
