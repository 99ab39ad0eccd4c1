"""The search projection, its outbox and the state of the index.

SearchRecord is derived data: everything in it can be rebuilt from the domain
tables (`diarium reindex`). It holds, per searchable record (case, document,
decision, meeting, plan), one row per *variant*: the text one audience tier may
read. Tiers whose text is identical share a row (the tier_* flags), so a
document without secrets is one row for all three tiers, and a secret document
two rows: the masked text for the public and internal tiers, the full text for
the secret tier. A reader matches at most one variant of a record (see
access.py), and the public tier never holds a value the public may not read.

On PostgreSQL the table has one more column, `search_vector` (tsvector, GIN
index, 'swedish' configuration), added by migration 0001 only there and filled
by the PostgreSQL engine (engines/postgres.py). It is not a model field on
purpose: SQLite has no tsvector, and with the tantivy engine the column stays
empty and costs nothing on writes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CASE = "case", _("Ärende")
    DOCUMENT = "document", _("Handling")
    DECISION = "decision", _("Beslut")
    MEETING = "meeting", _("Sammanträde")
    PLAN = "plan", _("Styrdokument")


class Tier(models.TextChoices):
    PUBLIC = "public", _("Allmänheten")
    INTERNAL = "internal", _("Intern läsare")
    SECRET = "secret", _("Behörig till sekretess")


# Each tier and the projection column that says a row serves it.
TIER_FLAGS = ((Tier.PUBLIC, "tier_public"), (Tier.INTERNAL, "tier_internal"), (Tier.SECRET, "tier_secret"))


class SearchRecord(models.Model):
    """One variant of one searchable record, with exactly the text its tiers may read."""

    uid = models.CharField(max_length=80)  # "document:12@public+internal", unique by construction
    key = models.CharField(max_length=60)  # "document:12", indexed in Meta
    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField()
    tier_public = models.BooleanField(default=False)
    tier_internal = models.BooleanField(default=False)
    tier_secret = models.BooleanField(default=False)
    # Where the record belongs, for the audience filter: plain ids, not foreign
    # keys, so the projection never holds up (or cascades) a domain delete.
    organisation_id = models.BigIntegerField()
    organ_id = models.BigIntegerField(null=True)
    organ_label = models.CharField(max_length=250, blank=True)
    date = models.DateField(null=True)
    year = models.PositiveIntegerField(null=True)
    status = models.CharField(max_length=40, blank=True)  # "<kind>:<code>", e.g. "case:open"
    diary_number = models.CharField(max_length=120, blank=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    file_text = models.TextField(blank=True)
    url = models.CharField(max_length=200, blank=True)
    digest = models.CharField(max_length=32, blank=True)  # of the row's content: unchanged rows are not rewritten
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sökpost")
        verbose_name_plural = _("sökposter")
        # Only the key is indexed: every write finds rows by key, and each
        # further index slows the bulk rebuild; the engines search elsewhere
        # (tantivy on disk, PostgreSQL in search_vector's GIN index). A Meta index
        # rather than db_index: on PostgreSQL that would add a `_like` copy for
        # LIKE 'x%', and keys are only ever looked up whole.
        indexes = [models.Index(fields=["key"], name="search_record_key")]

    def __str__(self):
        return self.uid

    @property
    def tiers(self) -> tuple[str, ...]:
        return tuple(tier for tier, flag in TIER_FLAGS if getattr(self, flag))


class FileText(models.Model):
    """The text of a file's content as search reads it, extracted once per blob
    and kept, so a rebuild reads it here instead of from the file storage (a
    million GETs on object storage). Derived data like SearchRecord: it goes
    with its blob, and a change of extractor or limits (extract.signature())
    has it extracted again. Only text read without an error of the storage is
    kept."""

    blob = models.OneToOneField("registry.Blob", primary_key=True, on_delete=models.CASCADE,
                                related_name="search_text")
    kind = models.CharField(max_length=12)  # extract's reader: "pdf", "docx", "text", ...
    extractor = models.CharField(max_length=80)
    text = models.TextField(blank=True)
    extracted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("filtext")
        verbose_name_plural = _("filtexter")

    def __str__(self):
        return self.blob_id


class PendingChange(models.Model):
    """The outbox: a record whose projection must be refreshed. Written in the
    same transaction as the domain write (receivers.py), deleted once applied,
    so nothing is lost while the worker is down and the lag is measurable."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField()
    queued_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("väntande ändring")
        verbose_name_plural = _("väntande ändringar")

    def __str__(self):
        return f"{self.kind}:{self.object_id}"


class IndexState(models.Model):
    """State shared by every process: "projection" marks a rebuild in progress
    (outbox work waits for it) and serialises the outbox appliers on its row;
    "postgres" records when the PostgreSQL engine's vectors were last built."""

    name = models.CharField(max_length=20, primary_key=True)
    rebuilding_since = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    documents = models.BigIntegerField(default=0)

    def __str__(self):
        return self.name


from .models_alerts import SavedSearch, SavedSearchSeen  # noqa: F401  (saved searches, alerts.py)
