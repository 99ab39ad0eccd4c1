"""Writes for the register: numbering, cases, documents and their files,
secrecy, requests for copies, documents leaving the organisation. Every write
is one transaction that appends its event to the case history (history.py).
One module per concept; the public names are re-exported here, so callers use
`services.<name>`."""

from .. import files as file_store
from ..history import actor_name, event_append, secret_read_log
from .cases import CASE_EDITABLE, case_close, case_register, case_reopen, case_title_missing, case_update
from .bulk import BULK_MAX, BulkAction, BulkResult, cases_bulk_change
from .chain import history_seal
from .contacts import contact_save
from .due_dates import due_date_done, due_date_reminder_claim, due_date_set
from .links import case_link_add, case_link_remove
from .copies import (
    COPY_CONTACT_MAX,
    COPY_FORMATS,
    COPY_MESSAGE_MAX,
    COPY_NAME_MAX,
    COPY_REQUEST_WINDOW,
    STAFF_CHANNELS,
    copy_request_allowed,
    copy_request_assign,
    copy_request_due,
    copy_request_mark_sent,
    copy_request_notify,
    copy_request_record,
    copy_request_register,
    copy_request_remind,
    copy_request_reminders_due,
    target_workdays,
)
from .copy_decisions import copy_request_decide, copy_request_deliver
from .documents import (
    document_create,
    document_errors,
    document_draw_up,
    document_file_add,
    document_file_ocr_add,
    document_lift_secrecy,
    document_mark_secret,
    document_register,
    with_file_cleanup,
)
from .privacy import Verdict, case_protect, case_unprotect, file_screen_by_id, files_screen_pending, privacy_review
from .ocr import file_ocr_by_id
from .classification import (
    ImportResult,
    case_classification_errors,
    classification_create,
    classification_delete,
    classification_import,
    classification_retire,
    classification_update,
)
from .numbering import (
    counter_increment,
    format_diary_number,
    next_number,
    series_counter_set,
    series_for_organ,
)
from .releases import (
    SECRECY_REVIEW_FIELD,
    ReleaseReview,
    SecrecyReviewRequired,
    release_record,
    release_review,
    releases_reviewed,
)

__all__ = [
    "history_seal",
    "BULK_MAX",
    "BulkAction",
    "BulkResult",
    "cases_bulk_change",
    "contact_save",
    "due_date_done",
    "due_date_reminder_claim",
    "due_date_set",
    "case_link_add",
    "case_link_remove",
    "case_title_missing",
    "document_errors",
    "CASE_EDITABLE",
    "Verdict",
    "case_protect",
    "case_unprotect",
    "file_screen_by_id",
    "files_screen_pending",
    "privacy_review",
    "COPY_CONTACT_MAX",
    "COPY_FORMATS",
    "COPY_MESSAGE_MAX",
    "COPY_NAME_MAX",
    "COPY_REQUEST_WINDOW",
    "SECRECY_REVIEW_FIELD",
    "ReleaseReview",
    "SecrecyReviewRequired",
    "actor_name",
    "case_close",
    "case_register",
    "case_reopen",
    "case_update",
    "ImportResult",
    "case_classification_errors",
    "classification_create",
    "classification_delete",
    "classification_import",
    "classification_retire",
    "classification_update",
    "copy_request_allowed",
    "copy_request_assign",
    "copy_request_decide",
    "copy_request_deliver",
    "copy_request_due",
    "copy_request_mark_sent",
    "copy_request_notify",
    "copy_request_record",
    "copy_request_register",
    "copy_request_remind",
    "copy_request_reminders_due",
    "STAFF_CHANNELS",
    "target_workdays",
    "counter_increment",
    "document_create",
    "document_draw_up",
    "document_file_add",
    "document_file_ocr_add",
    "file_ocr_by_id",
    "document_lift_secrecy",
    "document_mark_secret",
    "document_register",
    "event_append",
    "file_store",
    "format_diary_number",
    "next_number",
    "release_record",
    "release_review",
    "releases_reviewed",
    "secret_read_log",
    "series_counter_set",
    "series_for_organ",
    "with_file_cleanup",
]
