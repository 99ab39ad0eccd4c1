"""What the desk keeps of its own: each user's choice of notifications, and
the notifications themselves until they are sent (one row per user and
thing that happened, so nothing is mailed twice)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organisation
from diarium.registry.models import Case, CopyRequest, DueDate, Event


class NotificationKind(models.TextChoices):
    ANSWER = "answer", _("Ett remissvar har kommit in i mitt ärende")
    DOCUMENT = "document", _("En handling har registrerats i mitt ärende")
    DECISION = "decision", _("Ett beslut har fattats i mitt ärende")
    DUE = "due", _("En bevakning i mitt ärende närmar sig")
    COPY_REQUEST = "copy_request", _("En begäran om allmän handling har lämnats till mig")


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Direkt")
    DIGEST = "digest", _("En sammanfattning per dag")
    OFF = "off", _("Aldrig")


class NotificationSetting(models.Model):
    """A user's choice for one kind of notification. No row: the default (immediately)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    mode = models.CharField(max_length=10, choices=NotificationMode.choices, default=NotificationMode.IMMEDIATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_setting_once")]


class Notification(models.Model):
    """Something a user is to be told about, written in the same transaction as
    what it tells of; sent once (sent_at), alone or in the day's digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    mode = models.CharField(max_length=10, choices=NotificationMode.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, null=True, related_name="+")
    due_date = models.ForeignKey(DueDate, on_delete=models.CASCADE, null=True, related_name="+")
    copy_request = models.ForeignKey(CopyRequest, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], condition=Q(event__isnull=False),
                                    name="notification_once_per_event"),
            models.UniqueConstraint(fields=["user", "due_date"], condition=Q(due_date__isnull=False),
                                    name="notification_once_per_due_date"),
        ]
        indexes = [models.Index(fields=["mode", "created_at"], condition=Q(sent_at__isnull=True),
                                name="notification_unsent")]


class RegisterExtract(models.Model):
    """A register extract that was made (GDPR art. 15, desk.extract): who made
    it, when, in which organisation's register, for whom (the name and e-mail
    address searched for) and in which form, and how many records it held.
    The audit trail of extracts: an extract concerns no one case, so it is not
    an event of a case history (those are read far more widely). Read only by
    those who may make extracts (the register extract page lists the latest);
    written only by desk.extract_log.register_extract_make."""

    class Form(models.TextChoices):
        PAGE = "page", _("Visat på sidan")
        CSV = "csv", _("Nedladdat som CSV")
        JSON = "json", _("Nedladdat som JSON")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    made_by_name = models.CharField(max_length=200)
    made_at = models.DateTimeField()
    subject_name = models.CharField(max_length=200, blank=True)
    subject_email = models.CharField(max_length=200, blank=True)
    form = models.CharField(max_length=10, choices=Form.choices)
    records = models.PositiveIntegerField(default=0)
    incomplete = models.BooleanField(default=False)

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-made_at"], name="register_extract_latest")]

    def __str__(self):
        return f"{self.made_at:%Y-%m-%d %H:%M} {self.made_by_name}"
