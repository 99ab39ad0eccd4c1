from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "diarium.registry"
    label = "registry"
    verbose_name = _("Diarium")

    def ready(self):
        from . import extensions
        from .models import Event

        extensions.event_kinds_register(Event.Kind)
