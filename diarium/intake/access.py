"""Who handles the intake: the organisation's registrars. The inbox holds
messages from private persons before anyone has judged them, so nothing of it
reaches anyone else, in any output; its mailboxes are set up by the
organisation's administrators."""

from __future__ import annotations

from diarium.accounts import access as roles
from diarium.registry import access as registry_access


def can_handle_intake(user, organisation_id: int) -> bool:
    """Read the organisation's inbox, register or dismiss what is in it, upload messages."""
    return registry_access.registers_cases_in(user, organisation_id)


def can_keep_mailboxes(user, organisation_id: int) -> bool:
    """Add and change the organisation's function mailboxes (their passwords among them)."""
    return roles.can_administer(user, organisation_id)
