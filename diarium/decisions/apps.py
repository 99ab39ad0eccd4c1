from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "diarium.decisions"
    label = "decisions"
    verbose_name = _("Sammanträden och beslut")

    def ready(self):
        # What this app adds to the registry: its kinds of event on a case's
        # history, and its section of the case page.
        from diarium.registry import extensions, screening

        from . import access, events, sections
        from .models import AgendaItem, Decision, DelegationDecision, OfficerReport, Proposal

        extensions.event_kinds_register(events.DecisionEvent, internal=access.internal_event_kinds())
        extensions.case_section_register(name="decisions", order=20, template="decisions/_case_section.html",
                                         context=sections.case_section)
        # Free text the public reads on agendas, minutes and decision pages: screened by the masking assistant.
        screening.screened_register(AgendaItem, ("title",), organisation=lambda i: i.meeting.organisation_id,
                                    case_field="case", label=_("Dagordningspunkt"),
                                    describe=lambda i: str(i.position))
        screening.screened_register(Decision, ("title", "text"), organisation=lambda d: d.organisation_id,
                                    case_field="case", label=_("Beslut"),
                                    describe=lambda d: f"§ {d.paragraph}")
        screening.screened_register(OfficerReport, ("title", "background", "opinion"),
                                    organisation=lambda r: r.case.organisation_id, case_field="case",
                                    label=_("Tjänsteskrivelse"), describe=lambda r: r.report_date.isoformat())
        screening.screened_register(Proposal, ("text",), organisation=lambda p: p.case.organisation_id,
                                    case_field="case", label=_("Förslag till beslut"),
                                    describe=lambda p: str(p.position))
        screening.screened_register(DelegationDecision, ("summary",), organisation=lambda d: d.organisation_id,
                                    case_field="case", label=_("Delegationsbeslut"),
                                    describe=lambda d: f"{d.organ.code} {d.point}")
        screening.rebuilder_register(rebuild_notices)
        screening.audit_step_register(audit_recipients)


def audit_recipients(apply: bool):
    """`diarium privacy audit`: recipients typed in by name that the rule now makes private persons."""
    from diarium.registry import screening
    from diarium.registry.models import PartyKind

    from . import access
    from .models import DecisionRecipient

    rows = (DecisionRecipient.objects.filter(kind=PartyKind.AUTO, is_private=False, organ__isnull=True,
                                             person__isnull=True).select_related("decision").order_by("pk"))
    return screening.audit_parties(
        rows.iterator(chunk_size=500), label=str(_("Mottagare av beslut")), apply=apply,
        is_private=lambda r: access.recipient_is_private(organ=None, person=None, name=r.name, kind=PartyKind.AUTO,
                                                         organisation_id=r.decision.organisation_id))


def rebuild_notices() -> str:
    """After `diarium privacy audit --apply`: the published notices drawn up again."""
    from .services import notices_republish

    return _("Kallelser: %(n)d publicerade kallelser ritades om.") % {"n": notices_republish()}
