"""Who may run a consultation round, answer it from inside the system, and see
it: decided here, and only here. Services, selectors, views and the API ask
these functions."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organ
from diarium.core.errors import NotFound, PermissionDenied
from diarium.registry import access as registry_access
from diarium.registry import masking
from diarium.registry.models import Case, PartyKind

from .models import RemissRecipient, RemissRound


def can_manage(user, case: Case) -> bool:
    """Case officers and registrars of the case's organ run its remiss rounds."""
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_answer_inside(user, recipient: RemissRecipient) -> bool:
    """Inside the system an answer is registered by those who run the round or by
    the answering organ's own staff."""
    case = recipient.round.case
    if can_manage(user, case):
        return True
    return recipient.organ_id is not None and roles.can(
        user, roles.REGISTER_DOCUMENT, organisation_id=case.organisation_id, organ_id=recipient.organ_id,
    )


def require_manage(user, round_or_case, message: str | None = None) -> None:
    """Refuse (PermissionDenied) unless the user runs the remiss rounds of the
    round's (or the case's) organ."""
    case = round_or_case.case if isinstance(round_or_case, RemissRound) else round_or_case
    if not can_manage(user, case):
        raise PermissionDenied(message or _("Du har inte behörighet att hantera remisser i ärendet."))


def require_answer_inside(user, recipient: RemissRecipient) -> None:
    if not can_answer_inside(user, recipient):
        raise PermissionDenied(_("Du har inte behörighet att registrera svar för %(name)s.") % {"name": recipient.name})


def round_public(status: str) -> bool:
    """The public sees a round once it is sent (drafts never): who was asked, by
    when, and what they answered, as the register shows those documents. As a
    condition: public_rounds."""
    return status != RemissRound.Status.DRAFT


def round_visible(user, round_: RemissRound) -> bool:
    """A draft is seen only by those who run it; a sent round by all who see the case."""
    return round_public(round_.status) or can_manage(user, round_.case)


def public_rounds() -> QuerySet[RemissRound]:
    """The rounds the public sees (round_public)."""
    return RemissRound.objects.exclude(status=RemissRound.Status.DRAFT)


def rounds_visible(user, case: Case) -> QuerySet[RemissRound]:
    """The case's rounds this user sees (round_visible, for one case at once)."""
    return case.remiss_rounds.all() if can_manage(user, case) else public_rounds().filter(case=case)


def rounds_managed_by(user) -> QuerySet[RemissRound]:
    """The rounds this user runs (can_manage, as a query): those of the
    organisations where a role covers every organ, and of the organs where the
    user holds one."""
    grants = roles.grants_for(user)
    if grants.superuser:
        return RemissRound.objects.all()
    organisations, organs = grants.organ_ids_with(roles.REGISTER_DOCUMENT)
    return RemissRound.objects.filter(Q(organisation_id__in=organisations) | Q(case__organ_id__in=organs))


def recipients_answered_by(user) -> QuerySet[RemissRecipient]:
    """The recipients that are organs whose own staff this user is (an
    organ-specific role): those whose answers the user registers
    (can_answer_inside)."""
    _organisations, organs = roles.grants_for(user).organ_ids_with(roles.REGISTER_DOCUMENT)
    return RemissRecipient.objects.filter(organ_id__in=organs) if organs else RemissRecipient.objects.none()


# --- private persons among the recipients ------------------------------------------------
def recipient_is_private(*, organ: Organ | None, name: str, kind: str, organisation_id: int) -> bool:
    """Whether a remiss body is a private person: never an organ; a name typed
    in is judged by the register's rule (registry.access.party_is_private)."""
    if organ is not None:
        return False
    return registry_access.party_is_private(name, organisation=organisation_id, declared=kind)


def recipient_party_kind(recipient: RemissRecipient) -> str:
    """What a document registered for the recipient (the letter to it, its
    answer) declares its counterpart to be: private exactly when the recipient
    is, so the register masks the name wherever the round page does."""
    return PartyKind.PRIVATE if recipient.is_private else PartyKind.LEGAL


def recipient_names_visible(user, case: Case) -> bool:
    """Whether this reader sees private recipients' names: staff who may read
    the case's internal data."""
    return user is not None and registry_access.can_read_internal(user, case)


def recipient_shown_name(recipient: RemissRecipient, *, read_internal: bool) -> str:
    """A recipient's name as this reader is shown it: "Privatperson" for a
    private person unless the reader may read internal data. What goes to the
    public in any case (the case history, the letter and the compilation drawn
    up for the register) shows it as the public sees it (read_internal=False)."""
    return masking.shown_text(recipient.name, registry_access.party_mask_reason(
        is_private=recipient.is_private, read_internal=read_internal))


def round_get(*, user, pk: int) -> RemissRound:
    """A round the user may see; one that does not exist, or a draft of others, is not found."""
    round_ = RemissRound.objects.select_related("case", "case__organ", "case__organisation", "organisation").filter(
        pk=pk).first()
    if round_ is None or not round_visible(user, round_):
        raise NotFound(_("Remissen finns inte."))
    return round_


def round_manage_get(*, user, pk: int) -> RemissRound:
    """A round the user runs (fetched and checked in one step)."""
    round_ = round_get(user=user, pk=pk)
    require_manage(user, round_, _("Du har inte behörighet att hantera remissen."))
    return round_
