"""The kinds of event the decisions app writes to a case's history (registered
with the registry in DecisionsConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionEvent(models.TextChoices):
    AGENDA_ITEM_ADDED = "agenda_item_added", _("Ärendet sattes upp på föredragningslistan")
    DECISION_RECORDED = "decision_recorded", _("Beslut protokollfördes")
    VOTE_HELD = "vote_held", _("Omröstning hölls")
    COUNCIL_MATTER_ANSWERED = "council_matter_answered", _("Besvarad i fullmäktige")
    DECISION_EFFECTIVE = "decision_effective", _("Villkorat beslut trädde i kraft")
    DECISION_VOID = "decision_void", _("Villkorat beslut förföll")
    DECISION_CORRECTED = "decision_corrected", _("Beslut rättades")
    MINUTES_ADJUSTED = "minutes_adjusted", _("Protokollet justerades")
    DECISION_DISPATCHED = "decision_dispatched", _("Beslutet expedierades")
    ASSIGNMENT_LINKED = "assignment_linked", _("Ärendet kopplades till ett uppdrag")
    DELEGATION_DECISION_REGISTERED = "delegation_decision_registered", _("Delegationsbeslut registrerades")
    DELEGATION_DECISION_REPORTED = "delegation_decision_reported", _("Delegationsbeslut anmäldes till nämnden")
