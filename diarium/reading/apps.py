from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadingConfig(AppConfig):
    """Reading old documents into the register (inläsning, docs/READING.md):
    the reader turns officer's reports, notices, minutes, excerpts, remiss
    answers and decision letters (text, PDF, DOCX) into proposals that the
    registrar reviews and accepts, and `diarium import-documents` does it in
    bulk. It sits above the apps it writes through."""

    name = "diarium.reading"
    label = "reading"
    verbose_name = _("Inläsning")

    def ready(self):
        # What this app adds to the registry: its kinds of event on the history, and the
        # citations of earlier decisions on the case page.
        from django.db.models.signals import post_save

        from diarium.decisions.models import Decision
        from diarium.registry import extensions

        from . import access, sections, services
        from .events import ReadingEvent

        extensions.event_kinds_register(ReadingEvent, internal=access.internal_event_kinds())
        extensions.case_section_register(name="reading", order=25, template="reading/_case_section.html",
                                         context=sections.case_section)
        # A decision coming in by any path (a meeting, the archive's import, a document read in here)
        # resolves the citations that wait for it.
        post_save.connect(services.decision_saved, sender=Decision, dispatch_uid="reading-citations-resolve")
