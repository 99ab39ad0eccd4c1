"""The kinds of event the remiss app writes to a case's history (registered with
the registry in RemissConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RemissEvent(models.TextChoices):
    REMISS_CREATED = "remiss_created", _("Remiss förbereddes")
    REMISS_DISCARDED = "remiss_discarded", _("Remissutkast togs bort")
    REMISS_SENT = "remiss_sent", _("Remiss skickades")
    REMISS_DELIVERED = "remiss_delivered", _("Remiss levererades")
    REMISS_DELIVERY_FAILED = "remiss_delivery_failed", _("Remiss kunde inte levereras")
    REMISS_REMINDED = "remiss_reminded", _("Påminnelse om remiss skickades")
    REMISS_EXTENDED = "remiss_extended", _("Remisstiden förlängdes")
    REMISS_ANSWERED = "remiss_answered", _("Remissvar kom in")
    REMISS_DECLINED = "remiss_declined", _("Remissinstans avstod från att svara")
    REMISS_LINK_REVOKED = "remiss_link_revoked", _("Svarslänk spärrades")
    REMISS_ASSESSED = "remiss_assessed", _("Remissvar bedömdes")
    REMISS_COMPILED = "remiss_compiled", _("Remissammanställning upprättades")
    REMISS_REVISED = "remiss_revised", _("Reviderad version registrerades")
    REMISS_CLOSED = "remiss_closed", _("Remissen avslutades")
