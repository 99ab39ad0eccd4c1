"""The handling of an agenda item at the meeting (motions, votes, the roll
call and the count) and the reservations on a decision's page. Thin: they
read the posted choices, call the services, and show refusals as messages."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from diarium.core import errors
from diarium.core.web import domain_errors, post_action, posted_id

from . import access, selectors, services
from .models import Ballot, Meeting, Vote


def _count(value) -> int | None:
    """A posted count: a number, or None (which the service refuses with its message)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 7 else None


def _handled(request, pk: int, item_pk: int):
    meeting = access.meeting_manage_get(user=request.user, pk=pk)
    item = selectors.agenda_item_referenced(meeting=meeting, pk=item_pk, field=None)
    return meeting, item


@login_required
@domain_errors
@require_GET
def item_handling(request, pk: int, item_pk: int):
    """One item as the meeting handles it: its conflicts, motions and votes."""
    meeting, item = _handled(request, pk, item_pk)
    handling = selectors.item_handling(user=request.user, item=item, meeting=meeting, with_deciding=True)
    return render(request, "decisions/item_handling.html", {
        "meeting": meeting, "item": item, "handling": handling, "conflicts": selectors.item_conflicts(item.pk),
        "in_session": meeting.status == Meeting.Status.OPENED and not item.decisions.exists(),
        "decisions": list(item.decisions.all()), "choices": Ballot.Choice.choices,
        "quorum": selectors.quorum(meeting, item), "attendees": selectors.meeting_attendance(meeting),
        "changes": selectors.item_attendance_changes(item),
    })


@login_required
@domain_errors
@require_POST
def item_handling_post(request, pk: int, item_pk: int):
    """Record a motion, put two motions to a vote, record the roll call, or count the vote."""
    meeting, item = _handled(request, pk, item_pk)
    post = request.POST
    action = post.get("action")

    def motion():
        mover = _person(selectors.deciding(meeting, item), post.get("mover"))
        services.motion_add(actor=request.user, meeting=meeting, item=item, text=post.get("text", ""), mover=mover)
        return _("Yrkandet är antecknat.")

    def vote():
        services.vote_open(
            actor=request.user, meeting=meeting, item=item, kind=post.get("kind", Vote.Kind.OPEN),
            yes_motion=_motion(item, post.get("yes_motion"), "yes_motion"),
            no_motion=_motion(item, post.get("no_motion"), "no_motion"))
        return _("Omröstningen är öppnad.")

    def ballots():
        open_vote = _open_vote(meeting, post.get("vote"))
        deciding = selectors.deciding(meeting, item)
        answers = {p: post[f"ballot-{p.pk}"] for p in deciding if post.get(f"ballot-{p.pk}")}
        services.ballots_record(actor=request.user, vote=open_vote, ballots=answers)
        return _("Rösterna är antecknade.")

    def count():
        open_vote = _open_vote(meeting, post.get("vote"))
        closed = open_vote.kind == Vote.Kind.CLOSED
        counted = services.vote_close(
            actor=request.user, vote=open_vote,
            yes=_count(post.get("yes")) if closed else None, no=_count(post.get("no")) if closed else None,
            abstain=_count(post.get("abstain")) if closed else None,
            tie_break=_motion(item, post.get("tie_break"), "tie_break") if post.get("tie_break") else None)
        return _("Rösterna är räknade: %(yes)s ja, %(no)s nej, %(abstain)s avstår. Yrkande %(n)s har bifallits.") % {
            "yes": counted.yes, "no": counted.no, "abstain": counted.abstain, "n": counted.winner.position}

    def attendance():
        person = next((a.person for a in selectors.meeting_attendance(meeting)
                       if str(a.person_id) == post.get("person")), None)
        if person is None:
            raise errors.DomainError(_("Välj vem som kommer eller går."), field="person")
        change = services.attendance_change(actor=request.user, meeting=meeting, person=person, item=item,
                                            kind=post.get("kind", ""), at=_time(post.get("at")))
        return _("%(name)s %(kind)s från punkt %(n)s.") % {
            "name": person.name, "kind": change.get_kind_display().lower(), "n": item.position}

    actions = {"motion": motion, "vote": vote, "ballots": ballots, "count": count, "attendance": attendance}
    if action not in actions:
        raise errors.DomainError(_("Okänd åtgärd."))
    target = reverse("decisions:item_handling", args=[meeting.pk, item.pk])
    return post_action(request, target + {"motion": "#yrkanden", "attendance": "#narvaro"}.get(action, "#omrostning"),
                       actions[action])


def _time(value) -> dt.time | None:
    """A posted time of day (TT:MM), or None; a bad one is refused."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise errors.DomainError(_("Ange ett klockslag (TT:MM)."), field="at") from None


def _person(people, value):
    if not value:
        return None
    person = next((p for p in people if str(p.pk) == value), None)
    if person is None:
        raise errors.DomainError(_("Välj en beslutande ledamot."), field="mover")
    return person


def _motion(item, value, field: str):
    motion = selectors.motion_referenced(item=item, pk=posted_id(value), field=field)
    if motion is None:
        raise errors.DomainError(_("Välj yrkandena som ställs mot varandra."), field=field)
    return motion


def _open_vote(meeting, value):
    vote = selectors.vote_referenced(meeting=meeting, pk=posted_id(value), field="vote")
    if vote is None:
        raise errors.DomainError(_("Omröstningen finns inte."), field="vote")
    return vote


@login_required
@domain_errors
@require_POST
def reservation_add(request, pk: int):
    """A member who took part in the decision reserves against it."""
    decision = selectors.decision_get(user=request.user, pk=pk)

    def reserve():
        person = next((p for p in decision.participants.all() if str(p.pk) == request.POST.get("person")), None)
        if person is None:
            raise errors.DomainError(_("Välj en av dem som deltog i beslutet."), field="person")
        motion = (selectors.motion_referenced(item=decision.agenda_item, pk=posted_id(request.POST.get("motion")),
                                              field="motion")
                  if decision.agenda_item_id and request.POST.get("motion") else None)
        note = services.reservation_add(actor=request.user, decision=decision, person=person, motion=motion,
                                        text=request.POST.get("text", ""))
        return note.text

    return post_action(request, reverse("decisions:decision_detail", args=[decision.pk]) + "#yrkanden", reserve)
