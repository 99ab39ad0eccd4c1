import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """One search box over cases, documents, decisions, meetings and plans (issue 9)."""

    name = "diarium.search"
    label = "search"
    verbose_name = _("Sök")

    def ready(self):
        # The only place that listens to the domain apps' writes (see receivers.py).
        from diarium.core import tasks

        from . import receivers

        receivers.connect()
        from diarium.registry import screening

        screening.rebuilder_register(rebuild_index)
        from .projection import screening_text

        screening.file_text_source_register(screening_text)
        # A sweep of the search outbox: the task queued with each write applies it
        # within a second; this catches anything a lost or failed task left behind.
        tasks.periodic_register("search.outbox", "diarium.search.tasks.apply_pending", dt.timedelta(minutes=1))
        tasks.periodic_register("search.alerts", "diarium.search.tasks_alerts.send_search_alerts",
                                dt.timedelta(days=1))


def rebuild_index() -> str:
    """After `diarium privacy audit --apply`: the search index rebuilt from the register as it is now."""
    from . import services

    report = services.index_rebuild(force=True)
    return _("Sökindexet byggdes om (%(n)d poster).") % {"n": report.records}
