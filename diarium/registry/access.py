"""What a user may see of a case and its documents: decided here, and only here."""

from __future__ import annotations

from diarium.accounts import access as roles

from .models import Case, Document


def can_read_secret(user, case: Case) -> bool:
    return roles.can(user, roles.READ_SECRET, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_read_internal(user, case: Case) -> bool:
    return roles.can(user, roles.READ_INTERNAL, organisation_id=case.organisation_id, organ_id=case.organ_id)


def case_permissions(user, case: Case) -> dict[str, bool]:
    """Flags for the UI and API: which actions to offer on this case."""
    g = roles.grants_for(user)
    o, organ = case.organisation_id, case.organ_id
    return {
        "read_secret": g.allows(roles.READ_SECRET, o, organ),
        "read_internal": g.allows(roles.READ_INTERNAL, o, organ),
        "register_document": g.allows(roles.REGISTER_DOCUMENT, o, organ),
        "mark_secret": g.allows(roles.MARK_SECRET, o, organ),
        "close": g.allows(roles.CLOSE_CASE, o, organ),
        "edit": g.allows(roles.REGISTER_CASE | roles.CLOSE_CASE, o, organ),
    }


MASKED_SECRET = "secret"
MASKED_PRIVATE = "private"


def mask_reason(document: Document, field: str, *, read_secret: bool, read_internal: bool) -> str | None:
    """Why a register field of a document is hidden from this reader: secrecy,
    a private person's name, or None when it is shown."""
    if document.is_secret and field in document.masked_fields and not read_secret:
        return MASKED_SECRET
    if field == "counterpart" and document.counterpart_is_private and not read_internal:
        return MASKED_PRIVATE
    return None


def masked(document: Document, field: str, *, read_secret: bool, read_internal: bool) -> bool:
    """Whether a register field of a document is hidden from this reader."""
    return mask_reason(document, field, read_secret=read_secret, read_internal=read_internal) is not None


def content_hidden(document: Document, *, read_secret: bool) -> bool:
    """Files of a secret document are never handed out without the right."""
    return document.is_secret and not read_secret
