"""An organisation's look for the documents it draws up: logo, colour, footer
and its own versions of the templates, all set in the admin without code."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from diarium.accounts.models import Organisation

# The names of the templates an organisation may replace; the keys are what the
# services render, the values the template files shipped with Diarium.
TEMPLATE_CHOICES = [
    ("officer_report", _("Tjänsteskrivelse")),
    ("minutes", _("Protokoll")),
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
