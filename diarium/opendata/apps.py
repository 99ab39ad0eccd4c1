import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The public face: feeds, calendars, OParl, DCAT-AP-SE and the dumps (issue 7)."""

    name = "diarium.opendata"
    label = "opendata"
    verbose_name = _("Öppna data")

    def ready(self):
        from diarium.core import tasks

        from . import withdrawals

        withdrawals.connect()
        tasks.periodic_register("opendata.dumps", "diarium.opendata.tasks.dump_datasets", dt.timedelta(days=1))
