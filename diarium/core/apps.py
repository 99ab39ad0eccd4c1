import logging
import os
import time
from pathlib import Path

from django.apps import AppConfig

logger = logging.getLogger("diarium")

# An upload's temporary file is written to as long as its request reads the
# body and deleted when the request ends; one untouched for this long belongs
# to a process that died (killed, out of memory) and is removed at a start.
STALE_UPLOAD_SECONDS = 3600


def upload_temp_dir_sweep(directory) -> int:
    """Create the upload temp dir if need be and remove the stale files in it."""
    if not directory:
        return 0
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    removed = 0
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    with os.scandir(path) as entries:
        for entry in entries:
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:  # another process removed it first
                pass
    if removed:
        logger.warning("Removed %s temporary upload file(s) left by a stopped process in %s", removed, path)
    return removed


def _rq_dashboard_only_with_rq(settings) -> None:
    """django_rq is always installed (its migrations are then in every database,
    so switching to the RQ backend needs no migrate); its admin dashboard is shown
    only where tasks go to RQ."""
    if str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_rq"):
        return
    from django.contrib import admin

    try:
        from django_rq.models import Dashboard
    except ImportError:  # pragma: no cover - installed with Diarium
        return
    if admin.site.is_registered(Dashboard):
        admin.site.unregister(Dashboard)


class CoreConfig(AppConfig):
    name = "diarium.core"
    label = "core"

    def ready(self):
        from django.conf import settings
        from django.core.signals import request_finished

        from .memory import freeze_after_first_request

        request_finished.connect(freeze_after_first_request, dispatch_uid="diarium.core.memory.freeze")
        _rq_dashboard_only_with_rq(settings)
        # Logs and metrics (docs/DEPLOYMENT.md): structlog hands its events to the
        # logging of LOGGING; a request's id is bound until its response is closed.
        from . import logs, metrics, requestlog

        logs.configure_structlog()
        request_finished.connect(requestlog.unbind, dispatch_uid="diarium.core.requestlog.unbind")
        metrics.register_core_gauges()
        from . import replica

        replica.register_gauges()  # where lag-tolerant reads go, and the replica's lag
        # Every committed write retires the kept public answers (diarium/core/public_cache.py).
        from django.db.backends.signals import connection_created

        from . import public_cache

        connection_created.connect(public_cache.watch_connection, dispatch_uid="diarium.core.public_cache.watch")
        try:
            upload_temp_dir_sweep(getattr(settings, "FILE_UPLOAD_TEMP_DIR", None))
        except OSError:  # a read-only or missing disk must not stop a start; uploads will say so
            logger.warning("Could not prepare the upload temp dir", exc_info=True)
