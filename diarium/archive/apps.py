from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    """Records management and the e-archive (arkivlagen): the records plan
    (dokumenthanteringsplan) with its versions adopted by decision, disposal
    (gallring) only by a recorded decision, legal holds, and the FGS/E-ARK
    packages that carry a case to the e-archive and back. It reads the apps
    below it; the classification scheme itself belongs to the registry."""

    name = "diarium.archive"
    label = "archive"
    verbose_name = _("Arkiv")

    def ready(self):
        # What this app adds to the registry: its kinds of event on the history.
        from diarium.registry import extensions

        from .events import ArchiveEvent

        extensions.event_kinds_register(ArchiveEvent)
        # The archival form kept of imported content goes with it when the content is disposed of.
        from . import renditions

        renditions.connect()
