"""Consultation rounds ("remisser"): what was sent, to whom, with which deadline,
and what came back. The documents themselves live in the case register; a round
only points at them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organ, Organisation
from diarium.core.limits import text_limit
from diarium.registry.models import Case, Document, DocumentFile, PartyKind, Screened

# Limits of the free-text fields, used by the models, the forms and the API (core.limits).
TITLE_MAX = 300
LETTER_MAX = 20_000  # the covering letter ("missiv")
DECISION_REF_MAX = 200  # "KSAU 2018-02-28 § 8": who ordered the remiss, decided an answer or an extension
RECIPIENT_NAME_MAX = 300
ANSWER_TEXT_MAX = 100_000  # an answer written in the text box
ANSWERED_BY_MAX = 200
ASSESSMENT_MAX = 10_000  # the summary of an answer, and the comment on how it was considered
EXTEND_REASON_MAX = 500
REVISION_NOTE_MAX = 10_000
CHANGE_MAX = 1000  # one change in the revised version


class RemissRound(Screened):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SENT = "sent", _("Utskickad")
        CLOSED = "closed", _("Avslutad")

    class DispatchMode(models.TextChoices):
        PER_RECIPIENT = "per_recipient", _("En utgående handling per mottagare")
        LIST = "list", _("En utgående handling med sändlista")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="remiss_rounds")
    title = models.CharField(_("rubrik"), max_length=TITLE_MAX)
    letter = models.TextField(_("missiv"), validators=text_limit(LETTER_MAX))
    deadline = models.DateField(_("sista svarsdag"))
    ordered_by = models.CharField(_("beslut om remiss"), max_length=DECISION_REF_MAX, blank=True)
    dispatch_mode = models.CharField(
        _("registrering av utskick"), max_length=20, choices=DispatchMode.choices, default=DispatchMode.PER_RECIPIENT,
    )
    reminder_days_before = models.PositiveSmallIntegerField(_("påminnelse dagar före sista svarsdag"), default=7)
    grace_days = models.PositiveSmallIntegerField(_("svarslänken gäller dagar efter sista svarsdag"), default=30)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    files = models.ManyToManyField(DocumentFile, related_name="remiss_rounds", verbose_name=_("remisshandlingar"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    compilation_document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    revised_file = models.ForeignKey(DocumentFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revision_note = models.TextField(_("om revideringen"), blank=True, validators=text_limit(REVISION_NOTE_MAX))

    class Meta:
        verbose_name = _("remiss")
        verbose_name_plural = _("remisser")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("remiss:round_detail", args=[self.pk])


class RemissRecipient(models.Model):
    """A remiss body ("remissinstans") in one round, with its own deadline and answer."""

    class Dispatch(models.TextChoices):
        PENDING = "pending", _("Ej skickad")
        QUEUED = "queued", _("Skickas")
        SENT = "sent", _("Skickad")
        FAILED = "failed", _("Kunde inte skickas")

    class Consideration(models.TextChoices):
        ACCEPTED = "accepted", _("Beaktat")
        PARTLY = "partly", _("Delvis beaktat")
        NOT_ACCEPTED = "not_accepted", _("Ej beaktat")
        NOTED = "noted", _("Noterat")

    round = models.ForeignKey(RemissRound, on_delete=models.CASCADE, related_name="recipients")
    position = models.PositiveIntegerField()
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("remissinstans"), max_length=RECIPIENT_NAME_MAX)
    # What the registrar declared the recipient to be, and whether it is in effect a
    # private person (registry.access.party_is_private), whose name the public never sees.
    kind = models.CharField(_("remissinstansen är"), max_length=10, choices=PartyKind.choices,
                            default=PartyKind.AUTO)
    is_private = models.BooleanField(_("privatperson"), default=False)
    email = models.EmailField(_("e-post"), blank=True)
    deadline = models.DateField(_("sista svarsdag"))
    dispatch = models.CharField(max_length=10, choices=Dispatch.choices, default=Dispatch.PENDING)
    dispatch_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    outgoing_document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The answer link is <token_nonce><MAC>; only the nonce is stored, the MAC
    # needs the secret key. Revoking sets token_revoked_at.
    token_nonce = models.CharField(max_length=32, null=True, blank=True, unique=True)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_after_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    declined = models.BooleanField(default=False)
    answer_text = models.TextField(_("svar i text"), blank=True, validators=text_limit(ANSWER_TEXT_MAX))
    answer_decision = models.CharField(_("beslut bakom svaret"), max_length=DECISION_REF_MAX, blank=True)
    answered_by_name = models.CharField(_("besvarad av"), max_length=ANSWERED_BY_MAX, blank=True)
    late = models.BooleanField(default=False)
    summary = models.TextField(_("sammanfattning av svaret"), blank=True, validators=text_limit(ASSESSMENT_MAX))
    consideration = models.CharField(_("beaktande"), max_length=20, choices=Consideration.choices, blank=True)
    consideration_comment = models.TextField(_("kommentar"), blank=True, validators=text_limit(ASSESSMENT_MAX))

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="remiss_recipient_position_unique"),
            models.UniqueConstraint(
                fields=["round", "organ"], condition=models.Q(organ__isnull=False), name="remiss_recipient_organ_unique",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_answered(self) -> bool:
        return self.answered_at is not None


class RemissDeadline(models.Model):
    """Every deadline a recipient has had, the first one included."""

    recipient = models.ForeignKey(RemissRecipient, on_delete=models.CASCADE, related_name="deadlines")
    deadline = models.DateField()
    set_at = models.DateTimeField()
    set_by_name = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=EXTEND_REASON_MAX, blank=True)
    decision_ref = models.CharField(max_length=DECISION_REF_MAX, blank=True)

    class Meta:
        ordering = ["recipient", "set_at", "id"]


class RemissChange(models.Model):
    """One change in the revised version, and the answers that led to it."""

    round = models.ForeignKey(RemissRound, on_delete=models.CASCADE, related_name="changes")
    position = models.PositiveIntegerField()
    description = models.TextField(_("ändring"), validators=text_limit(CHANGE_MAX))
    recipients = models.ManyToManyField(RemissRecipient, related_name="changes", blank=True)

    class Meta:
        ordering = ["round", "position"]
