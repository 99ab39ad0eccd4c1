"""What OParl clients must learn about objects that left the public data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organisation


class Withdrawal(models.Model):
    """An OParl object that was published and is no longer: a file whose
    document was marked secret or got a newer version, a paper whose report
    was marked secret, a membership, person or agenda item deleted.

    OParl 1.1 requires such objects to stay reachable under their id with
    `deleted: true`, and to be listed when a client asks for changes
    (`modified_since`). Only objects that were public when they left are
    recorded, so a withdrawal never reveals that something secret exists.
    When the object becomes public again (secrecy lifted), `restored_at` is set
    and the live object is served with that time as its `modified`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("OParl-typ"), max_length=20)  # the OParl list name: file, paper, membership, …
    object_id = models.BigIntegerField()
    created = models.DateTimeField()  # the object's own `created`, kept as the spec requires
    withdrawn_at = models.DateTimeField()
    restored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="withdrawal_kind_object_unique")]
        indexes = [models.Index(fields=["organisation", "kind", "withdrawn_at"], name="withdrawal_list_idx")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class EmbeddedChange(models.Model):
    """When an object embedded in a published meeting or paper last left the
    public data or came back (an agenda item deleted, a supporting file withdrawn
    or published again). OParl 1.1 (2-08) counts that as a change of every object
    it was embedded in, so its time is part of that meeting's or paper's
    `modified` (and of the meeting's agenda items', which take the meeting's).
    A plain id, not a foreign key: the row may be written while the meeting
    itself is being deleted."""

    kind = models.CharField(max_length=20)  # "meeting" or "paper"
    object_id = models.BigIntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="embedded_change_unique")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class Dump(models.Model):
    """The latest stored dump of a dataset in a format (and organisation), with
    when its rows began to be read. The downloads serve the stored file only if
    no document has been marked secret since that moment: a mark made while the
    file was being written would otherwise be missed."""

    name = models.CharField(max_length=40)
    fmt = models.CharField(max_length=10)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    stored_name = models.CharField(max_length=300)
    started_at = models.DateTimeField()
    written_at = models.DateTimeField()
    size = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["name", "fmt", "organisation", "written_at"], name="dump_latest_idx")]

    def __str__(self):
        return self.stored_name


class PublishedHeadQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Published heads are never changed")

    def delete(self):
        raise TypeError("Published heads are never deleted")


class PublishedHead(models.Model):
    """The head of an organisation's sealed history (registry.chain) as the open
    data published it on a day: the chain's length, the hash of its last seal
    and when the last sealed event happened. Written once a day by
    services.chain_heads_publish and never changed or deleted, so the published
    file (`chain-heads`) lists every day's heads: whoever kept an earlier file can
    hold the register to it, and `diarium verify` checks that each is still a
    prefix of the chain (registered in OpendataConfig.ready)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField()
    length = models.PositiveBigIntegerField()
    head = models.CharField(max_length=64)
    last_event_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField()

    objects = PublishedHeadQuerySet.as_manager()

    class Meta:
        ordering = ["published_on", "organisation", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "published_on"],
                                               name="published_head_once_a_day")]

    def __str__(self):
        return f"{self.published_on} {self.length} {self.head}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Published heads are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Published heads are never deleted")
