"""The kinds of event the archive app writes to the history (registered with
the registry in ArchiveConfig.ready). A document disposed of is the
registry's own event (registry.disposal.DisposalEvent)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchiveEvent(models.TextChoices):
    RECORDS_PLAN_DRAFTED = "records_plan_drafted", _("Utkast till dokumenthanteringsplan skapades")
    RECORDS_PLAN_CHANGED = "records_plan_changed", _("Utkastet till dokumenthanteringsplan ändrades")
    RECORDS_PLAN_ADOPTED = "records_plan_adopted", _("Dokumenthanteringsplanen antogs")
    LEGAL_HOLD_PLACED = "legal_hold_placed", _("Gallringsspärr lades på ärendet")
    LEGAL_HOLD_LIFTED = "legal_hold_lifted", _("Gallringsspärren på ärendet togs bort")
    DISPOSAL_LIST_DRAWN_UP = "disposal_list_drawn_up", _("Gallringsförteckning upprättades")
    DISPOSAL_LIST_CHANGED = "disposal_list_changed", _("Gallringsförteckning ändrades")
    DISPOSAL_LIST_ADOPTED = "disposal_list_adopted", _("Gallringsförteckning beslutades")
    DISPOSAL_LIST_EXECUTED = "disposal_list_executed", _("Gallring verkställdes")
    # The import from a package (archive.services.importing): the import itself, and an action of
    # another system's history that has no kind of its own here.
    CASE_IMPORTED = "case_imported", _("Ärendet lästes in från ett arkivpaket")
    ARCHIVED_ACTION = "archived_action", _("Åtgärd enligt arkivpaket från ett annat system")


# Events of a case's history that record its custody here (its import from a package), not its
# handling: kept out of the case's archival metadata (sip/record.py), so that a package imported
# and exported again is the same package, byte for byte (docs/ARCHIVE.md, "Import").
CUSTODY_EVENT_KINDS = (ArchiveEvent.CASE_IMPORTED,)
