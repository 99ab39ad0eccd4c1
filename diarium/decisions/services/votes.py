"""Writes for the handling of an item at the meeting: motions (yrkanden), the
votes the chair puts them to (propositionsordning, omröstning), the members'
ballots, and the reservations against the decision in favour of a motion that
lost (kommunallagen 4 kap. 24-27 §§, 5 kap. 53-58 §§, 6 kap. 33 §)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Person
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import services as registry

from .. import access
from ..events import DecisionEvent
from ..models import (
    NOTE_TEXT_MAX,
    AgendaItem,
    Ballot,
    Decision,
    DecisionNote,
    Meeting,
    Motion,
    Vote,
)
from .minutes import minutes_draft_withdraw
from .shared import errors_raise, length_errors_add, meeting_locked, user_or_none


def _in_session(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.OPENED:
        raise DomainError(_("Yrkanden och omröstningar hör till ett pågående sammanträde."))


def _item_in_session(meeting: Meeting, item: AgendaItem) -> Meeting:
    """The meeting, locked, once the item is one of its and can still be handled:
    the meeting is under way and the item has no decision yet."""
    meeting = meeting_locked(meeting)
    if item.meeting_id != meeting.pk:
        raise DomainError(_("Punkten hör inte till sammanträdet."), field="item")
    _in_session(meeting)
    if item.decisions.exists():
        raise DomainError(_("Beslutet i punkt %(n)s är redan protokollfört.") % {"n": item.position}, field="item")
    return meeting


def _not_deciding_error(meeting: Meeting, item: AgendaItem, person: Person, *, doing: str) -> str:
    if item.conflicts.filter(person=person).exists():
        return _("%(name)s har anmält jäv i punkt %(n)s och får inte %(doing)s.") % {
            "name": person.name, "n": item.position, "doing": doing}
    return _("%(name)s är inte beslutande i punkt %(n)s och får inte %(doing)s.") % {
        "name": person.name, "n": item.position, "doing": doing}


@transaction.atomic
def motion_add(*, actor, meeting: Meeting, item: AgendaItem, text: str, mover: Person | None = None,
               now: dt.datetime | None = None) -> Motion:
    """Record a motion on the item: a deciding member's (yrkande), or, with no
    mover, the proposal the item came with as the meeting's starting point."""
    from .. import selectors

    access.require_manage_meetings(actor, meeting.organ)
    meeting = _item_in_session(meeting, item)
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Skriv yrkandet.")]
    length_errors_add(errors, {"text": (text, NOTE_TEXT_MAX)})
    if mover is not None and mover not in selectors.deciding(meeting, item):
        errors["mover"] = [_not_deciding_error(meeting, item, mover, doing=_("yrka"))]
    errors_raise(errors)
    position = (item.motions.aggregate(n=Max("position"))["n"] or 0) + 1
    return Motion.objects.create(item=item, position=position, mover=mover, text=text,
                                 created_at=now or timezone.now(), recorded_by=user_or_none(actor))


@transaction.atomic
def vote_open(*, actor, meeting: Meeting, item: AgendaItem, yes_motion: Motion, no_motion: Motion,
              kind: str = Vote.Kind.OPEN, now: dt.datetime | None = None) -> Vote:
    """The chair's proposition for a vote: ja for one motion, nej for another.
    A motion that lost a vote on the item is out; one vote is open at a time."""
    from .. import selectors

    access.require_manage_meetings(actor, meeting.organ)
    meeting = _item_in_session(meeting, item)
    errors: dict[str, list[str]] = {}
    if kind not in Vote.Kind.values:
        errors["kind"] = [_("Välj öppen eller sluten omröstning.")]
    if yes_motion.item_id != item.pk or no_motion.item_id != item.pk:
        errors["motions"] = [_("Båda yrkandena ska höra till punkten.")]
    elif yes_motion.pk == no_motion.pk:
        errors["motions"] = [_("Välj två olika yrkanden att ställa mot varandra.")]
    else:
        held = list(item.votes.all())
        if any(v.is_open for v in held):
            errors["motions"] = [_("En omröstning pågår redan i punkt %(n)s.") % {"n": item.position}]
        lost = selectors.motions_lost(held)
        out = [m for m in (yes_motion, no_motion) if m.pk in lost]
        if out:
            errors.setdefault("motions", []).append(
                _("Yrkandet \"%(text)s\" har redan fallit i en omröstning.") % {"text": out[0].text[:80]})
    errors_raise(errors)
    position = (item.votes.aggregate(n=Max("position"))["n"] or 0) + 1
    return Vote.objects.create(item=item, position=position, kind=kind, yes_motion=yes_motion,
                               no_motion=no_motion, opened_at=now or timezone.now(), recorded_by=user_or_none(actor))


def _vote_locked(vote: Vote) -> Vote:
    vote = Vote.objects.select_for_update(of=("self",)).select_related(
        "item", "item__meeting", "item__meeting__organ").get(pk=vote.pk)
    if not vote.is_open:
        raise DomainError(_("Omröstningen är avslutad."))
    return vote


def ballots_record(*, actor, vote: Vote, ballots: Mapping[Person, str], now: dt.datetime | None = None) -> list[Ballot]:
    """Record the answers of a roll call (upprop) in an open vote, one per
    member: all of them or, with any error, none. The secretary records them;
    a member with a login may answer for themself."""
    with transaction.atomic():
        vote = _vote_locked(vote)
        item, meeting = vote.item, vote.item.meeting
        own = getattr(getattr(actor, "person", None), "pk", None)
        if not access.can_manage_meetings(actor, meeting.organ) and not (
                own is not None and all(p.pk == own for p in ballots)):
            raise PermissionDenied(_("Du kan bara rösta för dig själv."))
        from .. import selectors

        _in_session(meeting)
        if vote.kind == Vote.Kind.CLOSED:
            raise DomainError(_("I en sluten omröstning förs bara antalet röster in."))
        if not ballots:
            raise DomainError(_("Ange hur ledamöterna röstar."), field="ballots")
        deciding = {p.pk for p in selectors.deciding(meeting, item)}
        voted = set(vote.ballots.values_list("person_id", flat=True))
        problems = []
        for person, choice in ballots.items():
            if person.pk not in deciding:
                problems.append(_not_deciding_error(meeting, item, person, doing=_("rösta")))
            elif person.pk in voted:
                problems.append(_("%(name)s har redan röstat.") % {"name": person.name})
            elif choice not in Ballot.Choice.values:
                problems.append(_("Välj ja, nej eller avstår för %(name)s.") % {"name": person.name})
        if problems:
            raise DomainError(problems[0], errors={"ballots": problems})
        at = now or timezone.now()
        return Ballot.objects.bulk_create([
            Ballot(vote=vote, person=person, choice=choice, cast_at=at, recorded_by=user_or_none(actor))
            for person, choice in ballots.items()])


def _winner(vote: Vote, yes: int, no: int, *, chair_choice: str | None,
            tie_break: Motion | None) -> tuple[Motion, str]:
    if yes != no:
        return (vote.yes_motion if yes > no else vote.no_motion), Vote.Decided.MAJORITY
    if tie_break is not None and tie_break.pk not in (vote.yes_motion_id, vote.no_motion_id):
        raise DomainError(_("Välj ett av de två yrkanden som ställdes mot varandra."), field="tie_break")
    if vote.kind == Vote.Kind.CLOSED:
        # An election with equal votes is decided by lot (5 kap. 56 §).
        if tie_break is None:
            raise DomainError(_("Lika röstetal i en sluten omröstning avgörs genom lottning. "
                                "Ange vilket yrkande lotten föll på."), field="tie_break")
        return tie_break, Vote.Decided.LOT
    # Otherwise the chair has the casting vote (5 kap. 55 §, 6 kap. 33 §): the
    # side the chair voted for, or, when the chair did not vote ja or nej, the
    # motion the chair gives it to.
    if chair_choice in (Ballot.Choice.YES, Ballot.Choice.NO):
        return (vote.yes_motion if chair_choice == Ballot.Choice.YES else vote.no_motion), Vote.Decided.CASTING_VOTE
    if tie_break is None:
        raise DomainError(_("Lika röstetal: ordföranden har utslagsröst. Ange vilket yrkande ordföranden ger "
                            "sin utslagsröst."), field="tie_break")
    return tie_break, Vote.Decided.CASTING_VOTE


def vote_close(*, actor, vote: Vote, yes: int | None = None, no: int | None = None, abstain: int | None = None,
               tie_break: Motion | None = None, now: dt.datetime | None = None) -> Vote:
    """Count the vote and declare its result. An open vote is counted from the
    ballots, once every deciding member has answered; a closed vote from the
    counts given, which cannot exceed those who decide. Equal votes go to the
    chair's casting vote, or in a closed vote to the lot; `tie_break` is the
    motion the lot fell on, or the chair's casting vote when she did not vote
    ja or nej herself."""
    from .. import selectors

    with transaction.atomic():
        vote = _vote_locked(vote)
        item, meeting = vote.item, vote.item.meeting
        access.require_manage_meetings(actor, meeting.organ)
        _in_session(meeting)
        deciding = selectors.deciding(meeting, item)
        chair_choice = None
        if vote.kind == Vote.Kind.OPEN:
            cast = {b.person_id: b.choice for b in vote.ballots.all()}
            missing = [p.name for p in deciding if p.pk not in cast]
            if missing:
                raise DomainError(_("Alla beslutande har inte röstat: %(names)s.") % {"names": ", ".join(missing)},
                                  field="ballots")
            counts = [sum(1 for c in cast.values() if c == choice) for choice in Ballot.Choice.values]
            chair_choice = cast.get(meeting.chair_id) if meeting.chair_id else None
        else:
            counts = [yes, no, abstain]
            errors: dict[str, list[str]] = {}
            for name, value in zip(("yes", "no", "abstain"), counts, strict=True):
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    errors[name] = [_("Ange antalet röster (0 eller fler).")]
            if not errors and sum(counts) > len(deciding):
                errors["yes"] = [_("%(n)s röster är fler än de %(m)s som är beslutande.")
                                 % {"n": sum(counts), "m": len(deciding)}]
            errors_raise(errors)
        winner, decided_by = _winner(vote, counts[0], counts[1], chair_choice=chair_choice, tie_break=tie_break)
        vote.yes, vote.no, vote.abstain = counts
        vote.winner, vote.decided_by, vote.closed_at = winner, decided_by, now or timezone.now()
        vote.save(update_fields=["yes", "no", "abstain", "winner", "decided_by", "closed_at"])
        if item.case_id:
            registry.event_append(case=item.case, kind=DecisionEvent.VOTE_HELD, actor=actor, at=vote.closed_at,
                                  data={"details": _("Punkt %(n)s: %(yes)s ja, %(no)s nej, %(abstain)s avstår")
                                        % {"n": item.position, "yes": counts[0], "no": counts[1],
                                           "abstain": counts[2]}})
        return vote


@transaction.atomic
def reservation_add(*, actor, decision: Decision, person: Person, motion: Motion | None = None,
                    text: str = "") -> DecisionNote:
    """A member who took part in the decision reserves against it
    (4 kap. 27 §), in favour of a motion that lost where there were motions.
    Possible until the minutes are adjusted."""
    from .decisions import decision_adjusted

    access.require_manage_meetings(actor, decision.organ)
    decision = Decision.objects.select_for_update(of=("self",)).select_related("organ", "agenda_item", "meeting").get(
        pk=decision.pk)
    if decision_adjusted(decision):
        raise DomainError(_("Protokollet är justerat. Reservationer kan inte längre anmälas."))
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not decision.participants.filter(pk=person.pk).exists():
        errors["person"] = [_("%(name)s deltog inte i beslutet och kan inte reservera sig.") % {"name": person.name}]
    elif decision.notes.filter(kind=DecisionNote.Kind.RESERVATION, person=person).exists():
        errors["person"] = [_("%(name)s har redan reserverat sig mot beslutet.") % {"name": person.name}]
    motions = list(decision.agenda_item.motions.all()) if decision.agenda_item_id else []
    if motion is None and len(motions) > 1:
        errors["motion"] = [_("Ange till förmån för vilket yrkande reservationen görs.")]
    elif motion is not None:
        if motion.item_id != decision.agenda_item_id:
            errors["motion"] = [_("Yrkandet hör inte till beslutets punkt.")]
        elif motion.pk == decision.motion_id:
            errors["motion"] = [_("Yrkandet bifölls; en reservation görs till förmån för ett yrkande som föll.")]
        elif "person" not in errors:
            last = decision.agenda_item.votes.order_by("-position").first()
            ballot = last.ballots.filter(person=person).first() if last else None
            winner_side = Ballot.Choice.YES if last and last.winner_id == last.yes_motion_id else Ballot.Choice.NO
            if ballot is not None and ballot.choice == winner_side:
                errors["person"] = [_("%(name)s röstade för det yrkande som bifölls.") % {"name": person.name}]
    length_errors_add(errors, {"text": (text, NOTE_TEXT_MAX)})
    errors_raise(errors)
    if not text:
        if motion is None:
            text = _("%(name)s reserverar sig mot beslutet.") % {"name": person.name}
        elif motion.mover_id == person.pk:
            text = _("%(name)s reserverar sig mot beslutet till förmån för eget yrkande.") % {"name": person.name}
        else:
            text = _("%(name)s reserverar sig mot beslutet till förmån för yrkandet: %(motion)s") % {
                "name": person.name, "motion": motion.text}
    position = (decision.notes.aggregate(n=Max("position"))["n"] or 0) + 1
    minutes_draft_withdraw(decision.meeting)
    return DecisionNote.objects.create(decision=decision, position=position, kind=DecisionNote.Kind.RESERVATION,
                                       text=text, person=person, motion=motion)
