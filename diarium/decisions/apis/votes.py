"""The handling of an item at the meeting over JSON: motions (yrkanden), votes
between two of them, the members' ballots, the count, and reservations against
the decision. What the public may see of it is decided by access.votes_visible
(with the decisions, once the minutes are adjusted)."""

from __future__ import annotations

from ninja import Router, Status

from diarium.accounts import selectors as people
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id

from .. import selectors, services
from . import serialise
from .schemas import (
    BallotsIn,
    DecisionOut,
    ItemHandlingOut,
    MotionIn,
    ReservationIn,
    VoteCloseIn,
    VoteIn,
)

router = Router(tags=["Sammanträden och beslut"])


def _item(request, meeting_id: int, item_id: int):
    meeting = selectors.meeting_get(user=actor(request), pk=meeting_id)
    return meeting, selectors.agenda_item_referenced(meeting=meeting, pk=item_id, field=None)


@router.get("/meetings/{meeting_id}/items/{item_id}/handling", response={200: ItemHandlingOut, **ERRORS},
            auth=PUBLIC_READ, url_name="item_handling")
def item_handling(request, meeting_id: Id, item_id: Id):
    """The item's motions and votes, with each member's answer in an open vote."""
    _meeting, item = _item(request, meeting_id, item_id)
    return serialise.item_handling_out(actor(request), item)


@router.post("/meetings/{meeting_id}/items/{item_id}/motions", response={201: ItemHandlingOut, **ERRORS},
             auth=WRITE, url_name="motion_add")
def motion_add(request, meeting_id: Id, item_id: Id, payload: MotionIn):
    """Record a motion on the item, a deciding member's or (no mover) the item's proposal."""
    user = actor(request)
    meeting, item = _item(request, meeting_id, item_id)
    services.motion_add(actor=user, meeting=meeting, item=item, text=payload.text,
                        mover=people.person_referenced(payload.mover, field="mover",
                                                       organisation_id=meeting.organisation_id))
    return Status(201, serialise.item_handling_out(user, item))


@router.post("/meetings/{meeting_id}/items/{item_id}/votes", response={201: ItemHandlingOut, **ERRORS},
             auth=WRITE, url_name="vote_open")
def vote_open(request, meeting_id: Id, item_id: Id, payload: VoteIn):
    """The chair's proposition for a vote: ja for one motion, nej for the other."""
    user = actor(request)
    meeting, item = _item(request, meeting_id, item_id)
    services.vote_open(actor=user, meeting=meeting, item=item, kind=payload.kind,
                       yes_motion=selectors.motion_referenced(item=item, pk=payload.yes_motion, field="yes_motion"),
                       no_motion=selectors.motion_referenced(item=item, pk=payload.no_motion, field="no_motion"))
    return Status(201, serialise.item_handling_out(user, item))


@router.post("/meetings/{meeting_id}/votes/{vote_id}/ballots", response={201: ItemHandlingOut, **ERRORS},
             auth=WRITE, url_name="ballots_record")
def ballots_record(request, meeting_id: Id, vote_id: Id, payload: BallotsIn):
    """Record answers of the roll call (ja, nej, avstår), all or none; a member may answer for themself."""
    user = actor(request)
    meeting = selectors.meeting_get(user=user, pk=meeting_id)
    vote = selectors.vote_referenced(meeting=meeting, pk=vote_id, field=None)
    org = meeting.organisation_id
    ballots = {people.person_referenced(b.person, field="ballots", organisation_id=org): b.choice
               for b in payload.ballots}
    services.ballots_record(actor=user, vote=vote, ballots=ballots)
    return Status(201, serialise.item_handling_out(user, vote.item))


@router.post("/meetings/{meeting_id}/votes/{vote_id}/close", response={200: ItemHandlingOut, **ERRORS},
             auth=WRITE, url_name="vote_close")
def vote_close(request, meeting_id: Id, vote_id: Id, payload: VoteCloseIn):
    """Count the vote: an open one from its ballots, a closed one from the counts given."""
    user = actor(request)
    meeting = selectors.meeting_get(user=user, pk=meeting_id)
    vote = selectors.vote_referenced(meeting=meeting, pk=vote_id, field=None)
    services.vote_close(actor=user, vote=vote, yes=payload.yes, no=payload.no, abstain=payload.abstain,
                        tie_break=selectors.motion_referenced(item=vote.item, pk=payload.tie_break, field="tie_break"))
    return serialise.item_handling_out(user, vote.item)


@router.post("/decisions/{decision_id}/reservations", response={201: DecisionOut, **ERRORS}, auth=WRITE,
             url_name="reservation_add")
def reservation_add(request, decision_id: Id, payload: ReservationIn):
    """A member who took part in the decision reserves against it, in favour of a motion that lost."""
    user = actor(request)
    decision = selectors.decision_get(user=user, pk=decision_id)
    item = decision.agenda_item
    services.reservation_add(
        actor=user, decision=decision, text=payload.text,
        person=people.person_referenced(payload.person, field="person", organisation_id=decision.organisation_id),
        motion=selectors.motion_referenced(item=item, pk=payload.motion, field="motion") if item else None)
    return Status(201, serialise.fresh_decision(request, decision_id))
