"""An organisation's look for the documents it draws up: logo, colour, footer
and its own versions of the templates, all set in the admin without code."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organisation
from diarium.registry.models import Blob, DocumentFile

# The names of the templates an organisation may replace; the keys are what the
# services render, the values the template files shipped with Diarium.
TEMPLATE_CHOICES = [
    ("officer_report", _("Tjänsteskrivelse")),
    ("minutes", _("Protokoll")),
    ("excerpt", _("Protokollsutdrag")),
    ("notice", _("Kallelse med föredragningslista")),
    ("posting", _("Bevis om anslag")),
    ("unanswered_motions", _("Redovisning av obesvarade motioner")),
    ("remiss_letter", _("Remissbrev")),
    ("remiss_compilation", _("Remissammanställning")),
    ("follow_up_report", _("Uppföljningsrapport")),
]

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Ange färgen som #RRGGBB, till exempel #005a8c."))


class DocumentStyle(models.Model):
    """Branding of an organisation's drawn-up documents."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="document_style",
                                        verbose_name=_("organisation"))
    logo = models.FileField(_("logotyp"), upload_to="documents/logos/", blank=True,
                            help_text=_("PNG, JPEG eller SVG. Visas i sidhuvudet."))
    logo_alt = models.CharField(_("alternativtext för logotypen"), max_length=200, blank=True,
                                help_text=_("Läses upp av skärmläsare. Tomt: organisationens namn."))
    primary_colour = models.CharField(_("profilfärg"), max_length=7, default="#1b4f72",
                                      validators=[colour_validator])
    footer_text = models.CharField(_("sidfot"), max_length=300, blank=True,
                                   help_text=_("Till exempel postadress, telefon och webbplats."))

    class Meta:
        verbose_name = _("dokumentutseende")
        verbose_name_plural = _("dokumentutseenden")

    def __str__(self):
        return str(self.organisation)


class TemplateOverride(models.Model):
    """An organisation's own version of a document template (Django template
    language; it may extend "documents/base.html" and replace its blocks)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("mall"), max_length=40, choices=TEMPLATE_CHOICES)
    html = models.TextField(_("mallens HTML"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("egen dokumentmall")
        verbose_name_plural = _("egna dokumentmallar")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="template_override_unique")]

    def __str__(self):
        return f"{self.organisation}: {self.get_name_display()}"

    def clean(self):
        from .rendering import template_check

        template_check(self.html)


class DocumentSignature(models.Model):
    """That one version of a registered document's file is signed, by whom, in
    which role and how. Today a person marks it signed by hand ("manuell
    markering"); an e-signature service fills the provider, its transaction
    reference and the signature or evidence file. A signed version is never
    regenerated or changed: later changes are new versions of the file.
    Append-only, like the history."""

    class Method(models.TextChoices):
        MANUAL = "manual", _("Manuell markering")
        E_SIGNATURE = "e_signature", _("E-underskrift")

    file = models.ForeignKey(DocumentFile, on_delete=models.PROTECT, related_name="signatures",
                             verbose_name=_("filversion"))
    name = models.CharField(_("namn"), max_length=200)
    role = models.CharField(_("roll eller titel"), max_length=200, blank=True,
                            help_text=_("Som den står vid underskriften, till exempel \"Tf. Kommundirektör\"."))
    signed_at = models.DateTimeField(_("signerad"))
    method = models.CharField(_("sätt"), max_length=20, choices=Method.choices, default=Method.MANUAL)
    provider = models.CharField(_("tjänst för e-underskrift"), max_length=100, blank=True)
    reference = models.CharField(_("transaktions-id"), max_length=200, blank=True)
    evidence = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("underskrift eller bevis"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    related_name="+", verbose_name=_("registrerad av"))
    recorded_at = models.DateTimeField(_("registrerad"))

    class Meta:
        verbose_name = _("underskrift")
        verbose_name_plural = _("underskrifter")
        ordering = ["file", "signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["file", "name", "role"], name="document_signature_unique")]

    def __str__(self):
        return f"{self.name}, {self.role}" if self.role else self.name

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Signatures are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Signatures are append-only")


class GenerationBatch(models.Model):
    """A run of documents drawn up in the background (the minutes excerpts of a
    meeting's decisions, say): how many, how many done and failed, so a page and
    the command line can show its progress."""

    class Kind(models.TextChoices):
        MEETING_EXCERPTS = "meeting_excerpts", _("Protokollsutdrag för expediering")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    label = models.CharField(_("beskrivning"), max_length=300)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)  # the meeting, for MEETING_EXCERPTS
    items = models.JSONField(default=list)  # the ids to work through, in order
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"item":…, "message":…}]
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("genereringsomgång")
        verbose_name_plural = _("genereringsomgångar")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.label

    @property
    def processed(self) -> int:
        return self.done + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.processed / self.total)

    @property
    def state(self) -> str:
        if self.finished_at is not None:
            return "finished"
        return "running" if self.started_at is not None else "queued"
