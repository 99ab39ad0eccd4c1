"""Writes for steering documents, their structure, versions and follow-ups. One
module per concept (documents, structure, follow_ups); the public names are
re-exported here, so callers use `services.<name>`."""

from .documents import (
    PLAN_FIELDS,
    plan_adopt,
    plan_create,
    plan_set_status,
    plan_update,
)
from .follow_ups import (
    ActionReportInput,
    AnswerResult,
    IndicatorValueInput,
    follow_up_answer,
    follow_up_close,
    follow_up_open,
    follow_up_report,
    report_to_agenda,
    request_deliver,
    send_due_reminders,
)
from .structure import (
    BudgetInput,
    action_save,
    focus_area_save,
    goal_save,
    indicator_save,
    structure_delete,
)

__all__ = [
    "PLAN_FIELDS",
    "ActionReportInput",
    "AnswerResult",
    "BudgetInput",
    "IndicatorValueInput",
    "action_save",
    "focus_area_save",
    "follow_up_answer",
    "follow_up_close",
    "follow_up_open",
    "follow_up_report",
    "goal_save",
    "indicator_save",
    "plan_adopt",
    "plan_create",
    "plan_set_status",
    "plan_update",
    "report_to_agenda",
    "request_deliver",
    "send_due_reminders",
    "structure_delete",
]
