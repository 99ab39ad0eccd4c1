"""Reads of an item's handling at the meeting: its motions (yrkanden), its
votes with their ballots, and what they decided. Part of the minutes: the
public reads them with the decisions (access.votes_visible)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from diarium.accounts.models import Person
from diarium.core.errors import DomainError, NotFound

from .. import access
from ..models import AgendaItem, Meeting, Motion, Vote


def votes_prefetch(prefix: str = "") -> list[Prefetch]:
    """An item's motions and votes with their ballots, for a page or the minutes."""
    return [Prefetch(f"{prefix}motions", queryset=Motion.objects.select_related("mover")),
            Prefetch(f"{prefix}votes", queryset=Vote.objects.select_related("yes_motion", "no_motion", "winner")
                     .prefetch_related("ballots__person"))]


@dataclass
class ItemHandling:
    """An item as the meeting handles it: its motions (yrkanden), its votes
    (each with its ballots), who decides it, and which motion has won."""

    item: AgendaItem
    motions: list[Motion]
    votes: list[Vote]
    deciding: list[Person]
    open_vote: Vote | None
    won: Motion | None
    out: set[int]  # motions that lost a vote

    @property
    def standing(self) -> list[Motion]:
        """The motions not yet out, which the chair can still put to a vote."""
        return [m for m in self.motions if m.pk not in self.out]

    def not_voted(self) -> list[Person]:
        if self.open_vote is None or self.open_vote.kind != Vote.Kind.OPEN:
            return []
        voted = {b.person_id for b in self.open_vote.ballots.all()}
        return [p for p in self.deciding if p.pk not in voted]


def item_handling(*, user, item: AgendaItem, meeting: Meeting | None = None,
                  with_deciding: bool = False) -> ItemHandling:
    """Motions and votes are part of the minutes: the public reads them with the
    decisions (access.votes_visible), those who run the meeting as they happen.
    `with_deciding`: also who may vote on the item (for those who run it)."""
    from . import deciding

    meeting = meeting or item.meeting
    if not access.votes_visible(user, meeting):
        raise NotFound(_("Punkten finns inte."))
    prefetch_related_objects([item], *votes_prefetch())
    votes = list(item.votes.all())
    runs = with_deciding and access.can_manage_meetings(user, meeting.organ)
    return ItemHandling(item=item, motions=list(item.motions.all()), votes=votes,
                        deciding=deciding(meeting, item) if runs else [],
                        open_vote=next((v for v in votes if v.is_open), None),
                        won=votes_decided(votes),
                        out=motions_lost(votes))


def motions_lost(votes: list[Vote]) -> set[int]:
    """The motions that lost a counted vote: out of the item's further votes."""
    return {v.no_motion_id if v.winner_id == v.yes_motion_id else v.yes_motion_id for v in votes if not v.is_open}


def item_result(item: AgendaItem) -> tuple[Motion | None, list[str]]:
    """What the item's votes decided: the motion that won the last vote, or
    errors when a vote is still open."""
    votes = list(item.votes.select_related("winner"))
    if any(v.is_open for v in votes):
        return None, [_("Omröstningen i punkt %(n)s är inte avslutad.") % {"n": item.position}]
    return votes_decided(votes), []


def votes_decided(votes: list[Vote]) -> Motion | None:
    """The motion that won the last of the item's votes, once none is open."""
    return votes[-1].winner if votes and not any(v.is_open for v in votes) else None


def vote_referenced(*, meeting: Meeting, pk: int | None, field: str | None) -> Vote | None:
    """A vote held at the meeting; as agenda_item_referenced when unknown."""
    vote = Vote.objects.select_related("item", "item__meeting", "yes_motion", "no_motion").filter(
        pk=pk, item__meeting=meeting).first() if pk is not None else None
    if vote is None and pk is not None:
        error = _("Omröstningen finns inte.")
        raise DomainError(error, field=field) if field else NotFound(error)
    return vote


def motion_referenced(*, item: AgendaItem, pk: int | None, field: str) -> Motion | None:
    """One of the item's motions, or a field error."""
    if pk is None:
        return None
    motion = item.motions.select_related("mover").filter(pk=pk).first()
    if motion is None:
        raise DomainError(_("Yrkandet finns inte i punkten."), field=field)
    return motion
