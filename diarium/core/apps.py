from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "diarium.core"
    label = "core"

    def ready(self):
        from django.core.signals import request_finished

        from .memory import freeze_after_first_request

        request_finished.connect(freeze_after_first_request, dispatch_uid="diarium.core.memory.freeze")
