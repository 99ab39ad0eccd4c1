"""The real queue (django-tasks' RQ backend over Redis) with the outbox of
diarium/core/queue.py: nothing lost while Redis is down or restarted, nothing
run twice, and a worker killed mid-e-mail leads to exactly one delivered
message. Redis is a redis-server of the module's own (tests/queue_support.py),
so it can be stopped and started again; the kill test runs `diarium worker` as
processes of their own against the test database."""

import datetime as dt
import signal

import pytest
import redis
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from diarium.core import queue
from diarium.core.mail import mail_send
from diarium.core.models import QueuedTask, ScheduledJob, SentMail
from diarium.core.tasks import PERIODIC, enqueue
from diarium.registry.models import Event
from diarium.remiss import services as remiss
from diarium.remiss.events import RemissEvent
from diarium.remiss.models import RemissRecipient

from . import factories as f
from .queue_support import MailServer, RedisServer, fail_always, note_run, wait_for, worker_process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def rq(settings, redis_server, monkeypatch):
    """Tasks go to RQ on the module's Redis (emptied), and no periodic job is due."""
    monkeypatch.setattr(queue, "_push_paused_until", 0.0)  # no pause left by an earlier test's failed push
    if redis_server.process is None:
        redis_server.start()
    redis_server.client().flushall()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": redis_server.url + "?socket_connect_timeout=1", "DEFAULT_TIMEOUT": 60}}
    settings.DIARIUM_QUEUE_RELAY_SECONDS = 0.2
    settings.DIARIUM_QUEUE_LEASE_SECONDS = 2
    now = timezone.now()
    for job in PERIODIC:
        ScheduledJob.objects.update_or_create(name=job.name, defaults={"last_enqueued_at": now})
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield redis_server
    for sig, handler in handlers.items():  # RQ's worker, run in this process, installs its own
        signal.signal(sig, handler)


def _later(seconds=5):
    return timezone.now() + dt.timedelta(seconds=seconds)


def _work():
    call_command("worker", "--batch", verbosity=0)


def _runs(log):
    return log.read_text().splitlines() if log.exists() else []


def test_a_task_enqueued_while_redis_is_down_runs_once_it_is_back(rq, tmp_path):
    log = tmp_path / "runs.txt"
    rq.stop()
    with transaction.atomic():
        enqueue(note_run, str(log), "a")
    row = QueuedTask.objects.get()  # committed with the caller's transaction
    assert row.pushed_at is None and row.finished_at is None
    with pytest.raises(redis.exceptions.ConnectionError):
        queue.relay_run(now=_later())
    enqueue(note_run, str(log), "b")  # pushing paused after the failure: left to the relay at once
    rq.start()
    assert queue.relay_run(now=_later()) == 2
    assert rq.queued() == 2
    _work()
    assert _runs(log) == ["start a", "end a", "start b", "end b"]
    row.refresh_from_db()
    assert row.finished_at is not None and row.attempts == 1 and not row.failed
    assert queue.relay_run(now=_later(3600)) == 0


def test_a_rolled_back_transaction_queues_nothing(rq, tmp_path):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(note_run, str(tmp_path / "runs.txt"), "never")
        raise RuntimeError
    assert QueuedTask.objects.count() == 0 and rq.queued() == 0


def test_a_deferred_task_is_pushed_when_its_time_comes(rq, tmp_path):
    log = tmp_path / "runs.txt"
    enqueue(note_run.using(run_after=_later(60)), str(log), "later")
    assert rq.queued() == 0
    assert queue.relay_run(now=_later(30)) == 0
    assert queue.relay_run(now=_later(61)) == 1
    _work()
    assert _runs(log) == ["start later", "end later"]


def test_tasks_queued_when_redis_restarts_all_run_once(rq, tmp_path):
    log = tmp_path / "runs.txt"
    for i in range(3):
        enqueue(note_run, str(log), f"kept{i}")
    assert rq.queued() == 3
    rq.stop()  # a clean restart: the append-only file keeps the queue
    rq.start()
    assert rq.queued() == 3
    _work()
    for i in range(2):
        enqueue(note_run, str(log), f"lost{i}")
    rq.client().flushall()  # a Redis that lost what it held (no append-only file, say)
    assert queue.relay_run(now=timezone.now()) == 0  # just pushed: left alone
    assert queue.relay_run(now=_later()) == 2  # gone from Redis: pushed again
    _work()
    assert sorted(_runs(log)) == sorted(
        [f"{w} kept{i}" for w in ("start", "end") for i in range(3)]
        + [f"{w} lost{i}" for w in ("start", "end") for i in range(2)])
    assert QueuedTask.objects.filter(finished_at__isnull=True).count() == 0
    assert queue.relay_run(now=_later(3600)) == 0 and rq.queued() == 0


def test_a_job_pushed_twice_runs_its_task_once(rq, tmp_path):
    log = tmp_path / "runs.txt"
    enqueue(note_run, str(log), "dup")
    row = QueuedTask.objects.get()
    queue._push_rq(queue.default_backend(), row, "diarium-duplicate")  # a second job for the same row
    assert rq.queued() == 2
    _work()
    assert _runs(log) == ["start dup", "end dup"]


def test_a_task_a_live_worker_holds_is_not_run_beside_it(rq, tmp_path):
    log = tmp_path / "runs.txt"
    enqueue(note_run, str(log), "held")
    row = QueuedTask.objects.get()
    assert queue._claim(row.pk, "another-worker")  # a live worker runs it (its lease holds)
    _work()
    assert _runs(log) == []
    assert queue.relay_run(now=timezone.now()) == 0  # the lease has not run out
    QueuedTask.objects.filter(pk=row.pk).update(claimed_until=timezone.now() - dt.timedelta(seconds=1))  # it died
    assert queue.relay_run() == 1
    _work()
    assert _runs(log) == ["start held", "end held"]
    row.refresh_from_db()
    assert row.attempts == 2 and row.finished_at is not None


def test_a_failing_task_is_retried_with_back_off_and_then_given_up(rq, tmp_path, settings):
    settings.DIARIUM_QUEUE_MAX_ATTEMPTS = 2
    log = tmp_path / "runs.txt"
    enqueue(fail_always, str(log))
    _work()
    row = QueuedTask.objects.get()
    assert row.attempts == 1 and row.finished_at is None and "this task always fails" in row.last_error
    assert queue.relay_run(now=timezone.now()) == 0  # waits out its back-off
    assert queue.relay_run(now=_later(queue.retry_delay(1).total_seconds() + 1)) == 1
    _work()
    assert queue.relay_run(now=_later(3600)) == 0
    row.refresh_from_db()
    assert _runs(log) == ["fail", "fail"]
    assert row.failed and row.finished_at is not None and row.attempts == 2


def test_a_run_again_sends_only_the_mail_the_server_never_accepted(rq):
    def run(pk, *messages):
        reset = queue.current_run.set(queue.Run(pk))
        try:
            return [mail_send(m) for m in messages]
        finally:
            queue.current_run.reset(reset)

    def message(n):
        return EmailMessage(subject=f"Brev {n}", body="Hej", to=["namnd@alingsas.se"])

    assert run(7, message(1), message(2)) == [1, 1]
    assert len(mail.outbox) == 2
    first, second = (SentMail.objects.get(key__startswith="7:", key__endswith=f":{n}") for n in (1, 2))
    assert first.state == second.state == SentMail.State.SENT
    # The worker died while the second message was being sent.
    SentMail.objects.filter(pk=second.pk).update(state=SentMail.State.SENDING, sent_at=None)
    assert run(7, message(1), message(2)) == [1, 1]
    assert [m.subject for m in mail.outbox] == ["Brev 1", "Brev 2", "Brev 2"]
    assert mail.outbox[1].extra_headers["Message-ID"] == mail.outbox[2].extra_headers["Message-ID"]
    assert run(8, message(1)) == [1] and len(mail.outbox) == 4  # another run is another mail
    queue.current_run.set(None)
    assert mail_send(message(9)) == 1 and SentMail.objects.count() == 3  # outside a run: no ledger


def test_a_worker_killed_mid_e_mail_the_next_one_delivers_it_once(rq, org, ks, registrar, tmp_path):
    """Two workers; the one that sends the letter is killed (SIGKILL) while the
    mail server has the message but has not answered; the other sends it after
    the lease. One message delivered, the task run twice but never at once. The
    other worker then stops on SIGTERM after finishing the task it runs."""
    mail_server = MailServer()
    mail_server.hold_next = True  # the first message is never answered: its worker is killed waiting
    log = tmp_path / "worker.log"
    workers = {}
    try:
        # A lease of 5 s: on a loaded machine (CI runs two suites on two cores) a heartbeat can
        # come late, and a 2 s lease could then pass to the other worker before the kill.
        for _ in range(2):
            process = worker_process(redis=rq, mail=mail_server, folder=tmp_path, log=log, lease=5.0)
            workers[process.pid] = process
        round_, _ = f.remiss_setup(registrar, org, ks, boards=1)
        remiss.remiss_send(actor=registrar, round=round_)
        deliver = QueuedTask.objects.get(task_path="diarium.remiss.tasks.deliver")
        assert deliver.pushed_at is not None
        wait_for(mail_server.holding.is_set, 60, what="a worker to send the letter")
        deliver.refresh_from_db()
        victim = workers.pop(int(deliver.claimed_by.split(":")[1]))
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        deliver.refresh_from_db()
        assert deliver.attempts == 1 and deliver.finished_at is None and deliver.claimed_until is not None
        wait_for(lambda: not QueuedTask.objects.filter(finished_at__isnull=True).exists(), 60,
                 what="the other worker to finish every task")
        (survivor,) = workers.values()
        runs = tmp_path / "runs.txt"
        enqueue(note_run, str(runs), "last", 1.5)
        wait_for(lambda: _runs(runs) == ["start last"], 30, what="the last task to start")
        survivor.send_signal(signal.SIGTERM)  # a graceful stop: the running task finishes first
        assert survivor.wait(20) == 0
        assert _runs(runs) == ["start last", "end last"]
    except BaseException:
        print(log.read_text(errors="replace"))
        raise
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        mail_server.close()
    assert mail_server.transfers == 2 and len(mail_server.delivered) == 1
    assert b"n1@alingsas.se" in mail_server.delivered[0]
    recipient = RemissRecipient.objects.get(round=round_)
    assert recipient.dispatch == RemissRecipient.Dispatch.SENT
    assert Event.objects.filter(case=round_.case, kind=RemissEvent.REMISS_DELIVERED).count() == 1
    deliver.refresh_from_db()
    assert deliver.attempts == 2 and not deliver.failed
    assert deliver.claimed_by.split(":")[1] == str(survivor.pid)
    assert not QueuedTask.objects.filter(Q(failed=True) | Q(finished_at__isnull=True)).exists()
    assert SentMail.objects.get(key__startswith=f"{deliver.pk}:").state == SentMail.State.SENT
