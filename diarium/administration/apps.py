from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """An organisation's administrators keep their own reference data here, outside
    Django's /admin/ (which is for the installation's superusers only)."""

    name = "diarium.administration"
    label = "administration"
    verbose_name = _("Organisationens administration")
