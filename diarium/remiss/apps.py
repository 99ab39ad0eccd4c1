import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemissConfig(AppConfig):
    name = "diarium.remiss"
    label = "remiss"
    verbose_name = _("Remisser")

    def ready(self):
        # What this app adds to the registry: its kinds of event on a case's
        # history, and its section of the case page; its jobs on the
        # workers' schedule.
        from diarium.core import tasks
        from diarium.registry import extensions, screening

        from . import events, sections
        from .models import RemissRound

        extensions.event_kinds_register(events.RemissEvent)
        extensions.case_section_register(name="remiss", order=10, template="remiss/_case_section.html",
                                         context=sections.case_section)
        screening.screened_register(RemissRound, ("title", "letter"), organisation=lambda r: r.organisation_id,
                                    case_field="case", label=_("Remiss"))
        screening.audit_step_register(audit_recipients)
        tasks.periodic_register("remiss.reminders", "diarium.remiss.tasks.send_due_reminders",
                                dt.timedelta(minutes=30))


def audit_recipients(apply: bool):
    """`diarium privacy audit`: remiss bodies typed in by name that the rule now makes private persons."""
    from diarium.registry import screening
    from diarium.registry.models import PartyKind

    from . import access
    from .models import RemissRecipient

    rows = (RemissRecipient.objects.filter(kind=PartyKind.AUTO, is_private=False, organ__isnull=True)
            .select_related("round").order_by("pk"))
    return screening.audit_parties(
        rows.iterator(chunk_size=500), label=str(_("Remissinstans")), apply=apply,
        is_private=lambda r: access.recipient_is_private(organ=None, name=r.name, kind=PartyKind.AUTO,
                                                         organisation_id=r.round.organisation_id))
