"""What the reading of old documents keeps: each file read into an
organisation, as a proposal the registrar reviews (ImportProposal), and the
earlier decisions a document cites (CitedDecision), resolved to the
register's decisions now or when the cited decision comes in later."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organ, Organisation
from diarium.decisions.models import Decision, Meeting
from diarium.registry.models import Blob, Case, Document

FILENAME_MAX = 255
PROBLEM_MAX = 2000  # why a file could not be read, or why a proposal was rejected
CITATION_TEXT_MAX = 1000


class Kind(models.TextChoices):
    """The kinds of document the reader tells apart (docs/READING.md)."""

    OFFICER_REPORT = "officer_report", _("Tjänsteskrivelse")
    NOTICE = "notice", _("Kallelse")
    MINUTES = "minutes", _("Protokoll")
    MINUTES_EXCERPT = "minutes_excerpt", _("Protokollsutdrag")
    REMISS_ANSWER = "remiss_answer", _("Remissvar")
    DECISION_LETTER = "decision_letter", _("Beslutsbrev")
    OTHER = "other", _("Annan handling")


# The fields of a reading as the review screen names them, in the order it shows them.
FIELD_LABELS = {
    "kind": _("Slag av handling"),
    "organisation": _("Organisation"),
    "organ": _("Organ"),
    "date": _("Datum"),
    "title": _("Ärendemening eller rubrik"),
    "diary_numbers": _("Diarienummer"),
    "officers": _("Handläggare"),
    "references": _("Hänvisningar till tidigare beslut"),
    "proposals": _("Förslag till beslut"),
    "remiss": _("Remiss"),
    "recipients": _("Beslutet skickas till"),
    "signatories": _("Underskrifter"),
    "items": _("Punkter och paragrafer"),
    "attendance": _("Närvaro"),
    "chair": _("Ordförande"),
    "adjusters": _("Justerare"),
    "paragraphs": _("Paragrafer"),
    "posted": _("Anslag"),
    "place": _("Plats"),
    "start_time": _("Klockan"),
    "end_time": _("Till klockan"),
}


class ImportProposal(models.Model):
    """One file read into an organisation's register, and what the reader
    proposes it is: kept until the registrar accepts it (then written through
    the register's services, and `case`, `meeting` and `document` say what it
    became), rejects it, or (unreadable) the file could not be read at all.
    The file is stored in the register's blob store; its SHA-256 is what
    keeps a file from being read in twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på granskning")
        ACCEPTED = "accepted", _("Godkänd och registrerad")
        REJECTED = "rejected", _("Avvisad")
        UNREADABLE = "unreadable", _("Kunde inte läsas")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("fil"), max_length=FILENAME_MAX)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField(default=0)
    content_type = models.CharField(max_length=200, blank=True)
    # None for content the register does not store (empty, or of a type it does not take).
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # The reader's overall confidence (Reading.overall): the least sure of the kind's key fields.
    confidence = models.FloatField(_("säkerhet"), default=0.0)
    text = models.TextField(blank=True)  # the text as read: the reading's spans point into it
    # {"values", "confidence", "spans", "extra", "method", "pages", "notes"}: the reader's proposal as it was.
    reading = models.JSONField(default=dict, blank=True)
    values = models.JSONField(null=True, blank=True)  # what the registrar accepted, corrections included
    problem = models.TextField(_("problem"), blank=True)  # why the file could not be read (Swedish)
    reason = models.TextField(_("skäl"), blank=True)  # why the registrar rejected the proposal
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_by_name = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_by_name = models.CharField(max_length=200, blank=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("inläst handling")
        verbose_name_plural = _("inlästa handlingar")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha256"], name="import_proposal_file_once"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-created_at", "-id"], name="import_proposal_queue"),
        ]

    def __str__(self):
        return self.filename

    @property
    def values_read(self) -> dict:
        return (self.reading or {}).get("values") or {}


class CitedDecision(models.Model):
    """An earlier decision a document cites ("Kommunfullmäktige antog den 25
    november 2015, § 180"), kept on the case (and the document) it was read
    into, or on the meeting for minutes and notices: as written, and as the
    register reads it (organ, meeting date, paragraph). `decision` is the
    register's decision it resolves to: set when the document is accepted if
    the decision is already there, else when it comes in later by any path
    (services.citations_resolve, connected in ReadingConfig.ready)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(ImportProposal, on_delete=models.PROTECT, related_name="citations")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="cited_decisions")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The decision read in from the same document that makes the citation (an excerpt's §).
    citing_decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    position = models.PositiveIntegerField(default=1)
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organ_name = models.CharField(_("organ"), max_length=200, blank=True)  # as read, the organ's full name
    date = models.DateField(_("sammanträdesdatum"), null=True, blank=True)
    paragraph = models.PositiveIntegerField(_("paragraf"), null=True, blank=True)
    diary_number = models.CharField(_("diarienummer"), max_length=60, blank=True)
    text = models.CharField(_("hänvisningen"), max_length=CITATION_TEXT_MAX)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("hänvisning till tidigare beslut")
        verbose_name_plural = _("hänvisningar till tidigare beslut")
        ordering = ["case", "position", "id"]
        indexes = [
            # What a decision coming in resolves: the unresolved citations of its day and paragraph.
            models.Index(fields=["organisation", "date", "paragraph"], condition=Q(decision__isnull=True),
                         name="cited_decision_unresolved"),
        ]

    def __str__(self):
        return self.text

    @property
    def resolved(self) -> bool:
        return self.decision_id is not None
