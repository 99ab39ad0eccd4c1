from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "diarium.documents"
    label = "documents"
    verbose_name = _("Upprättade handlingar")

    def ready(self):
        # The decisions, remiss and plans apps sit lower in the import picture and
        # draw up their documents through the hook in diarium.core.drawing:
        # filled here, what they register is PDF/A.
        from .drawers import drawers_register

        drawers_register()

        # A signed file version is never rewritten or removed, whoever tries, and
        # the document page lists the signatures (signing.py).
        from .signing import signing_connect

        signing_connect()
