"""What a user may see of a case and its documents: decided here, and only here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext as _

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


# --- documents leaving the organisation -----------------------------------------------------
RELEASE_SECRET = "secret"


@dataclass(frozen=True)
class Concern:
    """Why a document needs a secrecy review ("sekretessprövning") before it
    leaves the organisation: on a remiss, as supporting document of an agenda,
    or dispatched to outside recipients. `reason` is a code, `message` Swedish."""

    document: Document
    reason: str
    message: str


def _secret_concern(document: Document) -> Concern | None:
    if not document.is_secret:
        return None
    if document.secrecy_ground:
        message = _("Handlingen är sekretessmarkerad (%(ground)s).") % {"ground": document.secrecy_ground}
    else:
        message = _("Handlingen är sekretessmarkerad.")
    return Concern(document=document, reason=RELEASE_SECRET, message=message)


# Each rule says whether, and why, one document needs a secrecy review before
# it goes out; a further reason (what the masking assistant found and no one
# has yet reviewed) is one more function in this tuple.
RELEASE_RULES = (_secret_concern,)


def release_concerns(documents: Iterable[Document]) -> list[Concern]:
    """Why each of `documents` needs a secrecy review before it leaves the
    organisation, in the order given (each document once); empty when all may go."""
    concerns: list[Concern] = []
    seen: set[int] = set()
    for document in documents:
        if document.pk in seen:
            continue
        seen.add(document.pk)
        concerns.extend(c for rule in RELEASE_RULES if (c := rule(document)) is not None)
    return concerns


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
