from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemissConfig(AppConfig):
    name = "diarium.remiss"
    label = "remiss"
    verbose_name = _("Remisser")
