from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "diarium.decisions"
    label = "decisions"
    verbose_name = _("Sammanträden och beslut")

    def ready(self):
        # What this app adds to the registry: its kinds of event on a case's
        # history, and its section of the case page.
        from diarium.registry import extensions

        from . import events, sections

        extensions.event_kinds_register(events.DecisionEvent)
        extensions.case_section_register(name="decisions", order=20, template="decisions/_case_section.html",
                                         context=sections.case_section)
