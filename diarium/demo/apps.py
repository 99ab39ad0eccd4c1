from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The Alingsås demo and the `diarium demo` command. At the top of the stack:
    it loads data through every app's services, and no app imports it."""

    name = "diarium.demo"
    label = "demo"
    verbose_name = _("Demo")
