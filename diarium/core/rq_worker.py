"""`diarium worker` on the RQ backend: RQ's worker over the configured queues,
with the periodic schedule and the outbox relay (diarium.core.queue) beside it.

The jobs run in the worker's own process (rq's SimpleWorker, no fork per job):
the schedule and relay threads share the process, and a fork beside running
threads copies their locks mid-flight. SIGTERM (or Ctrl+C) lets the running
job finish and then stops; a second one stops at once, and the outbox runs the
interrupted task again after its lease. When Redis goes away RQ's worker gives
up; this one waits and starts it again, so a restarted Redis is picked up.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.db import close_old_connections
from django.utils.crypto import get_random_string

from .queue import relay_run
from .tasks import schedule_due

logger = logging.getLogger("diarium.tasks")

RESTART_SECONDS = 2.0


def _worker_class(stop: threading.Event):
    from rq.worker import SimpleWorker

    class DiariumWorker(SimpleWorker):
        def request_stop(self, signum, frame):
            stop.set()
            super().request_stop(signum, frame)

        def subscribe(self):
            # As RQ's, but its listener thread wakes every second, not every 60: redis-py's stop()
            # waits for that thread, so RQ's 60 s held every stop of a worker up to a minute.
            self.pubsub = self.connection.pubsub()
            self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
            self.pubsub_thread = self.pubsub.run_in_thread(
                sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler)

        def execute_job(self, job, queue):
            close_old_connections()  # as a request does: no connection the database closed meanwhile
            try:
                super().execute_job(job, queue)
            finally:
                close_old_connections()

    return DiariumWorker


def rq_work(backend, *, batch: bool = False) -> None:
    """Run RQ's worker on `backend`'s queues until SIGTERM; with `batch`, enqueue
    the due periodic jobs, relay the outbox, run what waits and return."""
    import django_rq
    from django_tasks_rq.backend import Job
    from redis.exceptions import RedisError
    from rq.exceptions import StopRequested

    from .management.commands.worker import schedule_forever

    stop = threading.Event()
    worker_class = _worker_class(stop)
    names = sorted(backend.queues)
    if batch:
        schedule_due()
        relay_run()
    else:
        threading.Thread(target=schedule_forever, args=(stop,), name="diarium-schedule", daemon=True).start()
    level = logging.getLevelName(logging.getLogger("diarium.tasks").getEffectiveLevel())
    while not stop.is_set():
        try:
            queues = [django_rq.get_queue(name, job_class=Job, commit_mode="auto") for name in names]
            worker = worker_class(
                queues, connection=queues[0].connection, job_class=Job,
                name=f"diarium-{socket.gethostname()}-{os.getpid()}-{get_random_string(6)}",
            )
            worker.work(burst=batch, logging_level=level if isinstance(level, str) else "INFO")
            if batch or stop.is_set():
                break
            logger.warning("The RQ worker stopped; starting it again in %s s", RESTART_SECONDS)
            stop.wait(RESTART_SECONDS)
        except StopRequested:  # SIGTERM between two runs of RQ's worker
            break
        except RedisError as exc:
            if batch:
                raise
            logger.warning("The worker cannot reach the queue (%s); trying again in %s s", exc, RESTART_SECONDS)
            try:
                stop.wait(RESTART_SECONDS)
            except StopRequested:
                break
    stop.set()
