from django.db import models


class ScheduledJob(models.Model):
    """When a periodic job was last put on the queue. Workers claim a due job
    with one conditional UPDATE, so any number of workers enqueue it once."""

    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)


class RateCounter(models.Model):
    """One client's requests in one window of a rate limit (diarium/core/ratelimit.py),
    where the shared cache has no atomic increment of its own (the database
    cache). Counted with one INSERT … ON CONFLICT DO UPDATE … RETURNING, so
    parallel requests never lose a count; rows of ended windows are swept."""

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_end = models.BigIntegerField(db_index=True)  # Unix time the window ends


class QueuedTask(models.Model):
    """One task on its way to a non-transactional queue (RQ over Redis): the
    transactional outbox of diarium/core/queue.py. Written in the caller's
    transaction, pushed to the queue after the commit, claimed by the worker
    that runs it with a lease (a conditional UPDATE), marked finished after.
    A relay in every worker pushes rows the queue never got (it was down) and
    rows whose lease ran out (the worker running them died)."""

    task_path = models.CharField(max_length=200)
    queue_name = models.CharField(max_length=100, default="default")
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)
    run_after = models.DateTimeField(null=True, blank=True)  # a deferred task: not pushed before this
    pushed_at = models.DateTimeField(null=True, blank=True)
    pushes = models.PositiveIntegerField(default=0)  # times handed to the queue (the job id counts them)
    attempts = models.PositiveIntegerField(default=0)  # times a worker claimed it
    claimed_until = models.DateTimeField(null=True, blank=True)  # the lease; a live worker renews it
    claimed_by = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failed = models.BooleanField(default=False)  # finished without success (gave up after attempts)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["finished_at", "pushed_at"], name="core_queuedtask_open")]

    def __str__(self):
        return f"{self.task_path} #{self.pk}"


class SentMail(models.Model):
    """One e-mail sent by a queued task run (diarium/core/mail.py), keyed by the
    run and the message's place in it: "sending" is committed before the SMTP
    conversation, "sent" right after the server accepted the message, so a run
    repeated after its worker died sends only what the server never accepted."""

    class State(models.TextChoices):
        SENDING = "sending", "sending"
        SENT = "sent", "sent"

    key = models.CharField(max_length=200, primary_key=True)
    state = models.CharField(max_length=10, choices=State.choices)
    message_id = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self):
        return self.key


class IdempotentRequest(models.Model):
    """A write request sent with an Idempotency-Key header, and the answer it got
    (diarium/core/idempotency.py). Written in the same transaction as the write
    itself, so a request whose process died left neither, and one that committed
    left both: the client's retry with the same key gets the same answer and the
    write is done once. Kept for DIARIUM_IDEMPOTENCY_HOURS."""

    scope = models.CharField(max_length=64)  # SHA-256 of who asked (the API key or the signed-in user)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the method, path and body
    created_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    body = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_idempotent_scope_key")]
