from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Feeds and calendars for the public: Atom and iCalendar (issue 7, item 7)."""

    name = "diarium.opendata"
    label = "opendata"
    verbose_name = _("Öppna data")
