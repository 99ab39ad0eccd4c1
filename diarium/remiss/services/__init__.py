"""Writes for consultation rounds ("remisser"). Every write is one transaction
that also appends its event to the case history. Documents sent and received
are registered on the case through the register's services. One module per
concept (links, rounds, delivery, answers, compilation); the public names are
re-exported here, so callers use `services.<name>`."""

from .answers import remiss_answer_by_link, remiss_answer_inside
from .compilation import (
    ChangeInput,
    remiss_assess,
    remiss_close,
    remiss_compile,
    remiss_revise,
)
from .delivery import (
    MAIL_KINDS,
    remiss_deliver,
    remiss_extend,
    remiss_remind,
    send_due_reminders,
)
from .links import (
    NONCE_BYTES,
    TOKEN_SALT,
    LinkInvalid,
    answer_token,
    answer_url,
    link_readable_until,
    link_valid_until,
    recipient_for_token,
    remiss_new_link,
    remiss_revoke_link,
)
from .rounds import (
    RecipientInput,
    remiss_create,
    remiss_discard,
    remiss_retry,
    remiss_send,
    round_locked,
)

__all__ = [
    "MAIL_KINDS",
    "NONCE_BYTES",
    "TOKEN_SALT",
    "ChangeInput",
    "LinkInvalid",
    "RecipientInput",
    "answer_token",
    "answer_url",
    "link_readable_until",
    "link_valid_until",
    "recipient_for_token",
    "remiss_answer_by_link",
    "remiss_answer_inside",
    "remiss_assess",
    "remiss_close",
    "remiss_compile",
    "remiss_create",
    "remiss_deliver",
    "remiss_discard",
    "remiss_extend",
    "remiss_new_link",
    "remiss_remind",
    "remiss_retry",
    "remiss_revise",
    "remiss_revoke_link",
    "remiss_send",
    "round_locked",
    "send_due_reminders",
]
