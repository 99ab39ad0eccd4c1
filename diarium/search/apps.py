from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """One search box over cases, documents, decisions, meetings and plans (issue 9)."""

    name = "diarium.search"
    label = "search"
    verbose_name = _("Sök")

    def ready(self):
        # The only place that listens to the domain apps' writes (see receivers.py).
        from . import receivers

        receivers.connect()
