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
