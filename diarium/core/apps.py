from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "diarium.core"
    label = "core"
