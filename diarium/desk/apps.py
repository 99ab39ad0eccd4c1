import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The officer's desk: the start page of each member of staff (my cases,
    due dates, what has come in, what is due), notifications by e-mail, the
    registrar's overdue lists, statistics and register extracts. It reads the
    apps below it and owns no case data of its own."""

    name = "diarium.desk"
    label = "desk"
    verbose_name = _("Skrivbord")

    def ready(self):
        from diarium.core.tasks import periodic_register
        from diarium.registry import extensions

        from . import services

        extensions.event_listener_register(services.event_notify)
        periodic_register("desk.notifications", "diarium.desk.tasks.notifications_flush", dt.timedelta(minutes=5))
        periodic_register("desk.due_dates", "diarium.desk.tasks.due_dates_remind", dt.timedelta(hours=1))
