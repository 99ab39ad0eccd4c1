"""Writes of the reading of old documents: a file queued for review
(queueing.py), a proposal accepted into the register (accepting.py, with
the values checked in values.py, the organisation's data and historic cases
in register.py, meetings and decisions in meetings.py) or rejected, and the
citations of earlier decisions kept and resolved (citations.py). Each is one
transaction with its event in the history; the public names are re-exported
here, so callers use `services.<name>`."""

from .accepting import proposal_accept
from .citations import citations_resolve, decision_saved
from .queueing import file_registered, proposal_queue, proposal_reject
from .values import Values, values_read

__all__ = [
    "Values",
    "citations_resolve",
    "decision_saved",
    "file_registered",
    "proposal_accept",
    "proposal_queue",
    "proposal_reject",
    "values_read",
]
