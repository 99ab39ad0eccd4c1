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
        # /metrics (core knows nothing of search): the outbox's lag, read at each scrape.
        from diarium.core import metrics

        metrics.register_gauge("diarium_search_index_lag_seconds",
                               "Age of the oldest change the search index has not taken in yet (0: none waiting).",
                               _index_lag)
        metrics.register_gauge("diarium_search_pending_changes", "Changes waiting for the search index.",
                               _index_pending)
        # The PostgreSQL engine's searches may read a healthy replica (diarium.core.replica).
        from diarium.core import replica

        from .conf import READ_PURPOSE

        replica.read_purpose_register(READ_PURPOSE)
        # After a restore: PostgreSQL's text vectors (no model field) for the restored projection (core.backup).
        from diarium.core.backup import hooks as backup_hooks

        from .backup import restored

        backup_hooks.restored_register("search.index", restored)


def _index_lag() -> float:
    from .selectors import pending_changes

    return pending_changes()[1]


def _index_pending() -> int:
    from .selectors import pending_changes

    return pending_changes()[0]


def rebuild_index() -> str:
    """After `diarium privacy audit --apply`: the search index rebuilt from the register as it is now."""
    from . import services

    report = services.index_rebuild(force=True)
    return _("Sökindexet byggdes om (%(n)d poster).") % {"n": report.records}
