from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "diarium.documents"
    label = "documents"
    verbose_name = _("Upprättade handlingar")

    def ready(self):
        # The decisions app sits lower in the import picture and offers a hook:
        # filled here, its drawn-up reports and minutes are stored as PDF/A.
        from diarium.decisions import services as decisions

        from .services import decisions_document_draw

        decisions.document_renderer_set(decisions_document_draw)
