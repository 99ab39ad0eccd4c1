"""Reads for the digital adjustment of the minutes: what a signer has to sign,
where the signing stands, and the signers' comments for the secretary."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from diarium.core.errors import NotFound

from .. import access
from ..models import Meeting, Minutes, MinutesComment, Signature


def minutes_comments(minutes: Minutes) -> list[MinutesComment]:
    """The signers' comments on the minutes, latest version first."""
    return list(minutes.comments.select_related("person").order_by("-draft_version", "at", "id"))


@dataclass
class Signing:
    """The minutes of a meeting as one signer sees them while out for signing."""

    meeting: Meeting
    minutes: Minutes | None
    roles: list[str] = field(default_factory=list)  # the signer's roles still to sign in the current version
    signed: list[Signature] = field(default_factory=list)  # the current version's signatures so far
    waiting_for: list[str] = field(default_factory=list)  # names of the signers who have not signed
    comments: list[MinutesComment] = field(default_factory=list)


def minutes_signers(meeting: Meeting) -> list[tuple[str, object]]:
    """(role, person) of those who adjust the minutes: the chair, then the adjusters by name."""
    chair = [(Signature.Role.CHAIR, meeting.chair)] if meeting.chair_id else []
    return chair + [(Signature.Role.ADJUSTER, p) for p in meeting.adjusters.order_by("name", "id")]


def signing_state(*, meeting: Meeting, person_id: int | None = None) -> Signing:
    """Where the adjustment of a meeting's minutes stands: the current version's
    signatures and who is still to sign; with `person_id`, that signer's roles
    still to sign. For the secretary and the signers (the callers check)."""
    minutes = Minutes.objects.filter(meeting=meeting).select_related("draft_blob").first()
    view = Signing(meeting=meeting, minutes=minutes)
    if minutes is None:
        return view
    view.signed = list(minutes.signatures.filter(draft_version=minutes.draft_version).select_related("person"))
    done = {(s.person_id, s.role) for s in view.signed}
    wanted = minutes_signers(meeting)
    view.roles = [role for role, p in wanted if p.pk == person_id and (p.pk, role) not in done]
    view.waiting_for = list(dict.fromkeys(p.name for role, p in wanted if (p.pk, role) not in done))
    view.comments = [c for c in minutes_comments(minutes) if c.draft_version == minutes.draft_version]
    return view


def signing(*, user, pk: int) -> Signing:
    """The signer's view of a meeting's minutes (access.is_signer), or not found."""
    meeting = Meeting.objects.select_related("organ", "organisation", "chair").filter(pk=pk).first()
    if meeting is None or not access.is_signer(user, meeting):
        raise NotFound(_("Du är inte ordförande eller justerare vid sammanträdet."))
    return signing_state(meeting=meeting, person_id=user.person.pk)


def minutes_to_sign(*, user) -> list[Meeting]:
    """Meetings whose minutes are out for signing and wait for this user's
    signature (as chair or adjuster), oldest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    candidates = list(Meeting.objects.filter(Q(chair__user=user) | Q(adjusters__user=user),
                                             minutes__draft_blob__isnull=False, minutes__adjusted_at__isnull=True)
                      .select_related("organ", "minutes", "chair").distinct().order_by("date", "pk"))
    adjusting = set(Meeting.adjusters.through.objects.filter(
        meeting__in=candidates, person__user=user).values_list("meeting_id", flat=True))
    signed = set(Signature.objects.filter(minutes__meeting__in=candidates, person__user=user)
                 .values_list("minutes__meeting_id", "draft_version", "role"))
    waiting = []
    for meeting in candidates:
        roles = {Signature.Role.CHAIR} if meeting.chair is not None and meeting.chair.user_id == user.pk else set()
        if meeting.pk in adjusting:
            roles.add(Signature.Role.ADJUSTER)
        if any((meeting.pk, meeting.minutes.draft_version, role) not in signed for role in roles):
            waiting.append(meeting)
    return waiting


def signing_document(*, user, pk: int):
    """(meeting, the minutes out for signing) for the secretary and the
    signers (access.minutes_draft_document); anyone else: not found."""
    meeting = Meeting.objects.select_related("organ").filter(pk=pk).first()
    minutes = Minutes.objects.filter(meeting=meeting).select_related("meeting", "draft_blob").first() \
        if meeting is not None else None
    blob = access.minutes_draft_document(user, minutes)
    if blob is None:
        raise NotFound(_("Dokumentet finns inte."))
    return meeting, blob
