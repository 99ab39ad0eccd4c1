"""The kinds of event the decisions app writes to the history (registered
with the registry in DecisionsConfig.ready): on a case's history where there
is a case, and, for the meeting's own actions, on the organisation's history
with no case and the meeting's id in `data["meeting"]` (selectors.meeting_events
reads them; what the public reads of them: access.internal_event_kinds)."""

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
    # The meeting's own actions: no case, `data["meeting"]` holds the meeting's id.
    MEETING_PLANNED = "meeting_planned", _("Sammanträdet planerades")
    MEETING_NOTICE_PUBLISHED = "meeting_notice_published", _("Kallelsen till sammanträdet skickades ut")
    MEETING_OPENED = "meeting_opened", _("Sammanträdet öppnades")
    MEETING_CLOSED = "meeting_closed", _("Sammanträdet avslutades")
    MEETING_ADJUSTED = "meeting_adjusted", _("Sammanträdets protokoll justerades och anslogs")
    ATTENDANCE_RECORDED = "attendance_recorded", _("Närvaron vid sammanträdet antecknades")
    ATTENDANCE_CHANGED = "attendance_changed", _("Ankomst eller avgång under sammanträdet antecknades")
    CONFLICT_DECLARED = "conflict_declared", _("Jäv anmäldes")
    MINUTES_PREPARED = "minutes_prepared", _("Protokollet upprättades för justering")
    MINUTES_SIGNED = "minutes_signed", _("Protokollet signerades av ordförande eller justerare")
    MINUTES_COMMENTED = "minutes_commented", _("Synpunkt på protokollet lämnades")
    # An organ's seats (no meeting, no case): `data["membership"]` and `data["organ"]`.
    MEMBERSHIP_ADDED = "membership_added", _("Ledamotskap lades till")
    MEMBERSHIP_CHANGED = "membership_changed", _("Ledamotskap ändrades")
    MEMBERSHIP_ENDED = "membership_ended", _("Ledamotskap avslutades")
    MEMBERSHIP_REMOVED = "membership_removed", _("Felaktigt ledamotskap togs bort")
    # On the case that answers the assignment, else the case of the decision that gave it.
    ASSIGNMENT_COMPLETED = "assignment_completed", _("Uppdraget slutfördes")
