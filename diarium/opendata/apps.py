from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The public face: feeds, calendars, OParl, DCAT-AP-SE and the dumps (issue 7)."""

    name = "diarium.opendata"
    label = "opendata"
    verbose_name = _("Öppna data")

    def ready(self):
        from . import withdrawals

        withdrawals.connect()
