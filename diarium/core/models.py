from django.db import models


class ScheduledJob(models.Model):
    """When a periodic job was last put on the queue. Workers claim a due job
    with one conditional UPDATE, so any number of workers enqueue it once."""

    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
