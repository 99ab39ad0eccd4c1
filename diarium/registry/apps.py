from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "diarium.registry"
    label = "registry"
    verbose_name = _("Diarium")

    def ready(self):
        from . import extensions, screening, screening_names
        from .models import Case, Document, Event

        extensions.event_kinds_register(Event.Kind)
        screening.screened_register(Case, ("title", "description"), organisation=lambda c: c.organisation_id,
                                    case_field=None, label=_("Ärende"), also_update=("search_text",),
                                    describe=lambda c: c.diary_number)
        screening.screened_register(Document, ("description",), organisation=lambda d: d.case.organisation_id,
                                    case_field="case", label=_("Handling"), describe=lambda d: d.reference)
        screening.known_names_register(screening_names.private_counterparts)
        screening.allowed_names_register(screening_names.organisation_names)
