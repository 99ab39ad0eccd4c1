from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "diarium.registry"
    label = "registry"
    verbose_name = _("Diarium")

    def ready(self):
        import datetime as dt

        from diarium.core import tasks

        from . import extensions, screening, screening_names
        from .disposal import DisposalEvent
        from .models import Case, ClassificationEvent, Document, Event

        extensions.event_kinds_register(Event.Kind)
        extensions.event_kinds_register(DisposalEvent)
        extensions.event_kinds_register(ClassificationEvent)
        screening.screened_register(Case, ("title", "description"), organisation=lambda c: c.organisation_id,
                                    case_field=None, label=_("Ärende"), also_update=("search_text",),
                                    describe=lambda c: c.diary_number)
        screening.screened_register(Document, ("description",), organisation=lambda d: d.case.organisation_id,
                                    case_field="case", label=_("Handling"), describe=lambda d: d.reference)
        screening.known_names_register(screening_names.private_counterparts)
        screening.allowed_names_register(screening_names.organisation_names)
        screening.audit_step_register(audit_counterparts)
        # Requests for public documents due within two hours, or overdue: their officer is reminded once.
        tasks.periodic_register("registry.copy_request_reminders", "diarium.registry.tasks.copy_request_reminders",
                                dt.timedelta(minutes=10))
        # The history's chain (registry.chain): what was appended since the last run is sealed.
        tasks.periodic_register("registry.history_seal", "diarium.registry.tasks.history_seal",
                                dt.timedelta(minutes=1))
        # A backup records the history's heads, and a restore proves it reproduces them (core.backup).
        from diarium.core.backup import hooks as backup_hooks

        from .backup import chain_heads

        backup_hooks.proof_register("registry.chain_heads", chain_heads)


def audit_counterparts(apply: bool):
    """`diarium privacy audit`: counterparts left to "auto" that the rule now makes private persons."""
    from . import access, screening
    from .models import Document, PartyKind

    rows = (Document.objects.filter(counterpart_kind=PartyKind.AUTO, counterpart_is_private=False)
            .exclude(counterpart="").select_related("case").order_by("pk"))
    return screening.audit_parties(
        rows.iterator(chunk_size=500), label=str(_("Avsändare/mottagare i handling")), flag="counterpart_is_private",
        is_private=lambda d: access.party_is_private(d.counterpart, organisation=d.case.organisation_id,
                                                     declared=PartyKind.AUTO), apply=apply)
