import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "diarium.intake"
    label = "intake"
    verbose_name = _("Inkorg")

    def ready(self):
        from diarium.core.tasks import periodic_register
        from diarium.registry import extensions

        from . import services
        from .events import IntakeEvent

        extensions.event_kinds_register(IntakeEvent)
        extensions.document_disposed_register(services.document_disposed_forget)
        # Every active mailbox is read every minute; a poll still under way is not started twice.
        periodic_register("intake_poll", "diarium.intake.tasks.mailboxes_poll", dt.timedelta(minutes=1))
