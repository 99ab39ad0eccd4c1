"""The kinds of event the intake writes to the register's history."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeEvent(models.TextChoices):
    # Registered as a document (the document's own event says where).
    INTAKE_REGISTERED = "intake_registered", _("Meddelande i inkorgen registrerades")
    # Judged not to be registered (not a public record, or of no importance), with who decided.
    INTAKE_DISMISSED = "intake_dismissed", _("Meddelande i inkorgen registrerades inte")
