"""Writes for meetings and decisions. Every write is one transaction that also
appends its event to the case history where there is a case. One module per
concept (meetings, reports, decisions, minutes, dispatch, assignments); the
public names are re-exported here, so callers use `services.<name>`."""

from .assignments import assignment_complete, assignment_link_case
from .council import council_matter_answer, council_matter_register
from .decisions import (
    AssignmentInput,
    ForwardInput,
    NoteInput,
    RecipientInput,
    decision_adjusted,
    decision_correct,
    decision_record,
    decision_update,
    paragraph_counter_set,
    references_in,
)
from .delegation import (
    DelegationReport,
    delegation_decision_errors,
    delegation_decision_register,
    delegation_report_add,
)
from .dispatch import decision_dispatch, dispatch_retry, excerpt_deliver
from .meetings import (
    agenda_item_add,
    agenda_item_move,
    attendance_change,
    attendance_set,
    conflict_declare,
    meeting_close,
    meeting_create,
    meeting_open,
    meeting_publish_notice,
    members_on,
    membership_add,
    notice_deliver,
    notices_republish,
)
from .minutes import (
    APPEAL_DAYS,
    minutes_approve,
    minutes_comment,
    minutes_draft_withdraw,
    minutes_prepare,
    minutes_sign,
)
from .reading import reading_note_save
from .reports import (
    ProposalInput,
    Signatory,
    officer_report_create,
    officer_report_update,
    proposal_to_agenda,
)
from .votes import ballots_record, motion_add, reservation_add, vote_close, vote_open

__all__ = [
    "APPEAL_DAYS",
    "AssignmentInput",
    "ForwardInput",
    "NoteInput",
    "ProposalInput",
    "RecipientInput",
    "Signatory",
    "agenda_item_add",
    "agenda_item_move",
    "assignment_complete",
    "assignment_link_case",
    "attendance_change",
    "attendance_set",
    "ballots_record",
    "conflict_declare",
    "council_matter_answer",
    "council_matter_register",
    "decision_adjusted",
    "decision_correct",
    "decision_dispatch",
    "decision_record",
    "decision_update",
    "DelegationReport",
    "delegation_decision_errors",
    "delegation_decision_register",
    "delegation_report_add",
    "dispatch_retry",
    "excerpt_deliver",
    "meeting_close",
    "meeting_create",
    "meeting_open",
    "meeting_publish_notice",
    "members_on",
    "membership_add",
    "minutes_approve",
    "minutes_comment",
    "minutes_draft_withdraw",
    "minutes_prepare",
    "minutes_sign",
    "motion_add",
    "notice_deliver",
    "notices_republish",
    "officer_report_create",
    "officer_report_update",
    "paragraph_counter_set",
    "proposal_to_agenda",
    "reading_note_save",
    "references_in",
    "reservation_add",
    "vote_close",
    "vote_open",
]
