"""The registrar's intake: the organisation's function mailboxes (funktionsbrevlådor)
and the messages taken in from them (or uploaded as .eml/.msg files), each
waiting in the inbox until the registrar registers it or judges that it is not
to be registered. Nothing here is public: it is read by the registrars only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organ, Organisation
from diarium.registry.models import Blob, Document

SUBJECT_MAX = 998  # RFC 5322's line limit
NOTE_MAX = 1000


class Mailbox(models.Model):
    """An IMAP mailbox the worker reads. Messages are read without being marked
    read, and left in the mailbox until registered or dismissed; then they are
    moved to `done_folder` (or marked read when none is set)."""

    class Security(models.TextChoices):
        SSL = "ssl", _("TLS (IMAPS, port 993)")
        STARTTLS = "starttls", _("STARTTLS (port 143)")
        NONE = "none", _("Okrypterad (bara inom en skyddad server)")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="mailboxes")
    name = models.CharField(_("namn"), max_length=200)
    host = models.CharField(_("IMAP-server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("kryptering"), max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(_("användarnamn"), max_length=255)
    password = models.CharField(_("lösenord"), max_length=255)
    folder = models.CharField(_("mapp"), max_length=255, default="INBOX")
    done_folder = models.CharField(_("mapp för hanterade"), max_length=255, blank=True,
                                   help_text=_("Hanterade meddelanden flyttas hit. Tom: de markeras som lästa."))
    # The organ a new case is registered for by default (the registrar may pick another).
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("organ för nya ärenden"))
    active = models.BooleanField(_("läses"), default=True)
    # Where reading has come to: the folder's UIDVALIDITY and the highest UID taken in.
    uid_validity = models.BigIntegerField(null=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    polled_at = models.DateTimeField(null=True, editable=False)
    # The last poll's failure in Swedish, for the registrar ("" when it went well).
    poll_error = models.CharField(max_length=500, blank=True, editable=False)
    poll_error_at = models.DateTimeField(null=True, editable=False)
    # One worker reads a mailbox at a time: it holds the lease until then.
    lease_until = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("funktionsbrevlåda")
        verbose_name_plural = _("funktionsbrevlådor")
        ordering = ["organisation", "name"]

    def __str__(self):
        return self.name


class IntakeItem(models.Model):
    """A message in the inbox: the original as it came (an .eml kept as a Blob),
    what was read out of it, and what the registrar did with it."""

    class Source(models.TextChoices):
        MAILBOX = "mailbox", _("Funktionsbrevlåda")
        UPLOAD = "upload", _("Uppladdad fil")

    class State(models.TextChoices):
        NEW = "new", _("Ny")
        REGISTERED = "registered", _("Registrerad")
        DISMISSED = "dismissed", _("Registreras inte")

    class Dismissal(models.TextChoices):
        NOT_PUBLIC_RECORD = "not_public_record", _("Inte en allmän handling")
        MINOR_IMPORTANCE = "minor_importance", _("Uppenbart ringa betydelse (OSL 5 kap. 1 § andra stycket)")
        SPAM = "spam", _("Skräppost eller reklam")
        DUPLICATE = "duplicate", _("Dubblett av ett meddelande som redan hanterats")
        OTHER = "other", _("Annat skäl")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="intake_items")
    source = models.CharField(max_length=10, choices=Source.choices)
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    uid_validity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    # The message as it came (`eml`), in RFC 5322 form (an uploaded .msg is converted; its original is `original`).
    eml = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    original = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    message_id = models.CharField(max_length=SUBJECT_MAX, blank=True)
    sender_name = models.CharField(_("avsändare"), max_length=300, blank=True)
    sender_address = models.CharField(_("avsändarens adress"), max_length=320, blank=True)
    subject = models.CharField(_("ämne"), max_length=SUBJECT_MAX, blank=True)
    received_at = models.DateTimeField(_("inkom"))
    taken_at = models.DateTimeField()
    body = models.TextField(blank=True)
    # [{"index", "name", "content_type", "size", "problem", "forwarded": {"sender", "subject"}?}]
    attachments = models.JSONField(default=list, blank=True)
    # What the registrar should know about the message: [{"code": ..., ...}] (intake.parsing)
    problems = models.JSONField(default=list, blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.NEW)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dismissal = models.CharField(max_length=20, choices=Dismissal.choices, blank=True)
    note = models.CharField(max_length=NOTE_MAX, blank=True)
    # When the handled message was moved out of the mailbox (None: still to do).
    filed_away_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meddelande i inkorgen")
        verbose_name_plural = _("meddelanden i inkorgen")
        ordering = ["-received_at", "-id"]
        constraints = [
            # A message of a mailbox is taken in once.
            models.UniqueConstraint(fields=["mailbox", "uid_validity", "uid"], condition=Q(mailbox__isnull=False),
                                    name="intake_item_once_per_uid"),
        ]
        indexes = [
            models.Index(fields=["organisation", "state", "-received_at"], name="intake_item_inbox"),
            models.Index(fields=["organisation", "message_id"], name="intake_item_message_id"),
            models.Index(fields=["mailbox"], condition=Q(filed_away_at__isnull=True) & ~Q(state="new"),
                         name="intake_item_to_file_away"),
        ]

    def __str__(self):
        return self.subject or self.filename
