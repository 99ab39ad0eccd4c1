"""Writes of the archive app: the records plan (plan.py), legal holds
(holds.py) and disposal by decision (disposal.py). Each is one transaction
with its event in the history; the public names are re-exported here, so
callers use `services.<name>`."""

from .disposal import (
    disposal_list_adopt,
    disposal_list_cancel,
    disposal_list_draw_up,
    disposal_list_execute,
    disposal_list_item_remove,
)
from .holds import legal_hold_lift, legal_hold_place
from .plan import (
    CSV_COLUMNS,
    RULE_FIELDS,
    plan_draft_create,
    plan_version_adopt,
    retention_rule_delete,
    retention_rule_save,
    retention_rules_import,
    rule_values_errors,
    version_errors,
)

__all__ = [
    "CSV_COLUMNS",
    "RULE_FIELDS",
    "disposal_list_adopt",
    "disposal_list_cancel",
    "disposal_list_draw_up",
    "disposal_list_execute",
    "disposal_list_item_remove",
    "legal_hold_lift",
    "legal_hold_place",
    "plan_draft_create",
    "plan_version_adopt",
    "retention_rule_delete",
    "retention_rule_save",
    "retention_rules_import",
    "rule_values_errors",
    "version_errors",
]
