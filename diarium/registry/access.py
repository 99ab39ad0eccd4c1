"""What a user may see of a case and its documents: decided here, and only here."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from diarium.accounts import access as roles
from diarium.accounts.models import Organ
from diarium.core.errors import PermissionDenied

from .models import Case, Document


def can_read_secret(user, case: Case) -> bool:
    return roles.can(user, roles.READ_SECRET, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_read_internal(user, case: Case) -> bool:
    return roles.can(user, roles.READ_INTERNAL, organisation_id=case.organisation_id, organ_id=case.organ_id)


def require_role(user, allowed: set[str], organ: Organ, message: str) -> None:
    """Refuse (PermissionDenied with `message`) unless the user holds one of the
    `allowed` roles on the organ (or its whole organisation)."""
    if not roles.can(user, allowed, organisation_id=organ.organisation_id, organ_id=organ.pk):
        raise PermissionDenied(message)


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


# --- the same rules as a query ------------------------------------------------------------
def _scope(user, allowed: set[str]) -> Q | bool:
    """Documents whose case lies where the user holds one of the `allowed` roles:
    True for all, False for none, else a condition on the case (as roles.can)."""
    grants = roles.grants_for(user)
    if grants.superuser:
        return True
    organisations, organs = grants.organ_ids_with(allowed)
    parts = []
    if organisations:
        parts.append(Q(case__organisation_id__in=sorted(organisations)))
    if organs:
        parts.append(Q(case__organ_id__in=sorted(organs)))
    return reduce(or_, parts) if parts else False


def _unless(hidden: Q, scope: Q | bool) -> Q | None:
    """Rows where `hidden` does not apply or the reader's scope lifts it; None
    when nothing is hidden from this reader."""
    if scope is True:
        return None
    shown = ~hidden
    return shown | scope if isinstance(scope, Q) else shown


def readable(user, field: str) -> Q | None:
    """A condition on Document rows: where this reader may read the register
    `field` ("counterpart" or "description"), exactly as mask_reason decides
    row by row; None when the reader may read it everywhere. For searches,
    which must never match a value the reader is not shown."""
    secret_mask = Q(is_secret=True) & Q(masked_fields__icontains=f'"{field}"')
    conditions = [_unless(secret_mask, _scope(user, roles.READ_SECRET))]
    if field == "counterpart":
        conditions.append(_unless(Q(counterpart_is_private=True), _scope(user, roles.READ_INTERNAL)))
    conditions = [c for c in conditions if c is not None]
    return reduce(lambda a, b: a & b, conditions) if conditions else None


def internal_scope(user) -> Q | bool:
    """A condition on rows with a `case` (documents, history events): where this
    user may read internal data, as can_read_internal decides case by case.
    True for everywhere, False for nowhere."""
    return _scope(user, roles.READ_INTERNAL)


# --- screened free text (issue 18): what the masking assistant withholds ------------------
def original_visible(entry: dict | None, *, read_secret: bool, read_internal: bool) -> bool:
    """Whether a reader sees a screened field as written rather than as the
    public sees it: the real title of a protected case needs the right to read
    secret data, what the assistant found in free text the right to read
    internal data (as private persons' names)."""
    if not entry:
        return True
    if entry.get("protected"):
        return read_secret
    return read_internal


def shown_value(obj, field: str, *, read_secret: bool, read_internal: bool) -> str:
    """A screened field (registry.screening) as this reader may see it: the
    original for a reader with the right, else the column, which holds what
    the public sees."""
    entry = (obj.privacy or {}).get(field)
    if entry and original_visible(entry, read_secret=read_secret, read_internal=read_internal):
        return entry["original"]
    return getattr(obj, field)


def case_value(user, case: Case, field: str) -> str:
    """A case's screened title or description as `user` may see it."""
    if not (case.privacy or {}).get(field):
        return getattr(case, field)
    return shown_value(case, field, read_secret=can_read_secret(user, case),
                       read_internal=can_read_internal(user, case))


def can_review_privacy(user, case: Case) -> bool:
    """Who reviews the assistant's findings and protects a case's title: the registrar."""
    return roles.can(user, roles.MARK_SECRET, organisation_id=case.organisation_id, organ_id=case.organ_id)
