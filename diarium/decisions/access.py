"""Who may run an organ's meetings, write officer's reports, read the organ's
internal material, and what of meetings and decisions the public sees: decided
here, and only here.

The public sees a meeting once its notice is published (agenda and public
supporting documents), and its decisions once the minutes are adjusted. Staff
of the organ see drafts and everything their rights allow."""

from __future__ import annotations

from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organ
from diarium.core.errors import NotFound, PermissionDenied
from diarium.registry.models import Case

from .models import DecisionRecipient, Meeting

# Who runs an organ's meetings (the board secretary is its registrar).
MANAGE_MEETINGS = roles.REGISTER_CASE

# Meetings the public sees: from the published notice on.
PUBLIC_MEETING_STATUSES = [Meeting.Status.NOTICE_PUBLISHED, Meeting.Status.OPENED, Meeting.Status.CLOSED,
                           Meeting.Status.ADJUSTED]


def can_manage_meetings(user, organ: Organ) -> bool:
    return roles.can(user, MANAGE_MEETINGS, organisation_id=organ.organisation_id, organ_id=organ.pk)


def can_read_internal(user, organ: Organ) -> bool:
    return roles.can(user, roles.READ_INTERNAL, organisation_id=organ.organisation_id, organ_id=organ.pk)


def can_write_reports(user, case: Case) -> bool:
    """Officer's reports are written, and cases linked to assignments, by those
    who register documents in the case."""
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=case.organisation_id, organ_id=case.organ_id)


def can_link_cases(user, organ: Organ) -> bool:
    """Whether to offer linking a case that answers an assignment of `organ`
    (the service then asks can_write_reports of the chosen case)."""
    return roles.can(user, roles.REGISTER_DOCUMENT, organisation_id=organ.organisation_id, organ_id=organ.pk)


def can_set_paragraphs(user, organ: Organ) -> bool:
    """The paragraph numbering is the organisation's administrators' to move."""
    return roles.can_administer(user, organ.organisation_id)


def require_manage_meetings(user, organ: Organ, message: str | None = None) -> None:
    if not can_manage_meetings(user, organ):
        raise PermissionDenied(
            message or _("Du har inte behörighet att hantera sammanträden för %(organ)s.") % {"organ": organ.name})


def require_write_reports(user, case: Case, message: str) -> None:
    if not can_write_reports(user, case):
        raise PermissionDenied(message)


# --- who is outside the organisation ------------------------------------------------------
# Organs that are separate bodies: what is sent to them leaves the organisation.
OUTSIDE_ORGANS = (Organ.Kind.COMPANY, Organ.Kind.FEDERATION, Organ.Kind.EXTERNAL)


def recipient_outside(recipient: DecisionRecipient, *, organisation_id: int) -> bool:
    """Whether a dispatched decision leaves the organisation when it goes to this
    recipient: anyone but the organisation's own organs (its council, boards and
    committees) and people. A name typed in is outside: no one can tell."""
    if recipient.organ_id is not None:
        return recipient.organ.organisation_id != organisation_id or recipient.organ.kind in OUTSIDE_ORGANS
    if recipient.person_id is not None:
        return recipient.person.organisation_id != organisation_id
    return True


# --- what the public sees ---------------------------------------------------------------
def meeting_visible(user, meeting: Meeting) -> bool:
    return meeting.status in PUBLIC_MEETING_STATUSES or can_read_internal(user, meeting.organ)


def decisions_visible(user, meeting: Meeting) -> bool:
    """Decisions are public records when the minutes are adjusted."""
    return meeting.status == Meeting.Status.ADJUSTED or can_read_internal(user, meeting.organ)


def meeting_get(*, user, pk: int) -> Meeting:
    """A meeting the user may see; others are not found."""
    meeting = Meeting.objects.select_related("organ", "organisation", "chair", "secretary").filter(pk=pk).first()
    if meeting is None or not meeting_visible(user, meeting):
        raise NotFound(_("Sammanträdet finns inte."))
    return meeting


def meeting_manage_get(*, user, pk: int) -> Meeting:
    """A meeting the user may see and runs (fetched and checked in one step)."""
    meeting = meeting_get(user=user, pk=pk)
    require_manage_meetings(user, meeting.organ)
    return meeting
