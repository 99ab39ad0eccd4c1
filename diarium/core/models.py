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
