"""Issue 22, item 6: meeting actions write events like everything else. Each
status of a meeting, the attendance and every change to it during the meeting,
conflicts of interest, the minutes drawn up, signed, commented on and
adjusted, the organ's seats added, changed, ended and removed, and assignments
completed: each is an append-only event with who and when, sealed into the
organisation's chain. The public reads only what it may; staff read the
meeting's own history on its page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from diarium.decisions import memberships, services
from diarium.decisions import selectors as decision_selectors
from diarium.decisions.events import DecisionEvent as E
from diarium.decisions.models import Membership
from diarium.registry import access as registry_access
from diarium.registry import chain
from diarium.registry import services as registry
from diarium.registry.models import Event, EventSeal

from . import factories as f
from .api_support import bearer, token_for

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


@pytest.fixture
def seats(org):
    return {"chair": f.person(org, "Daniel Filipsson"), "member": f.person(org, "Simon Waern"),
            "adjuster": f.person(org, "Anna-Karin Schill"), "substitute": f.person(org, "Olle Ek")}


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def only(kind: str, **data) -> Event:
    """The one event of `kind` (whose data holds `data`)."""
    events = [e for e in Event.objects.filter(kind=kind) if all(e.data.get(k) == v for k, v in data.items())]
    assert len(events) == 1, (kind, data, events)
    return events[0]


def assert_by(event: Event, user, moment: dt.datetime, *, case=None) -> None:
    assert event.actor_id == user.pk and event.actor_name == user.get_username()
    assert event.at == moment
    assert event.case_id == (case.pk if case is not None else None)


def test_each_meeting_action_writes_its_event_with_actor_and_time(registrar, org, ks, seats):
    case = f.case(registrar, ks, title="Budget 2027")
    with f.on_day(DAY - dt.timedelta(days=14), hour=9):
        meeting = f.meeting(registrar, ks, DAY, members=[(seats["chair"], "chair"), (seats["member"], "member"),
                                                         (seats["adjuster"], "member"),
                                                         (seats["substitute"], "substitute")],
                            adjusters=[seats["adjuster"]])
        budget = services.agenda_item_add(actor=registrar, meeting=meeting, case=case)
        other = services.agenda_item_add(actor=registrar, meeting=meeting, title="Övriga frågor")
    with f.on_day(DAY - dt.timedelta(days=7), hour=10):
        services.meeting_publish_notice(actor=registrar, meeting=meeting)
    with f.on_day(DAY, hour=13):
        services.meeting_open(actor=registrar, meeting=meeting)
        services.attendance_set(actor=registrar, meeting=meeting, present_ids=[
            seats["chair"].pk, seats["adjuster"].pk, seats["substitute"].pk])
    with f.on_day(DAY, hour=14):
        services.attendance_change(actor=registrar, meeting=meeting, person=seats["member"], item=other,
                                   kind="arrives", at=dt.time(14, 5))
        services.conflict_declare(actor=registrar, meeting=meeting, item=budget, person=seats["adjuster"])
    with f.on_day(DAY, hour=16):
        services.meeting_close(actor=registrar, meeting=meeting)
    with f.on_day(DAY + dt.timedelta(days=2), hour=11):
        services.minutes_sign(actor=registrar, meeting=meeting, person=seats["chair"], role="chair")
    with f.on_day(DAY + dt.timedelta(days=3), hour=11):
        services.minutes_sign(actor=registrar, meeting=meeting, person=seats["adjuster"], role="adjuster")

    planned = only(E.MEETING_PLANNED, meeting=meeting.pk)
    assert_by(planned, registrar, at(DAY - dt.timedelta(days=14), 9))
    assert planned.data["date"] == DAY.isoformat() and planned.organisation_id == org.pk
    for kind, moment, status in ((E.MEETING_NOTICE_PUBLISHED, at(DAY - dt.timedelta(days=7), 10), "notice_published"),
                                 (E.MEETING_OPENED, at(DAY, 13), "opened"), (E.MEETING_CLOSED, at(DAY, 16), "closed"),
                                 (E.MEETING_ADJUSTED, at(DAY + dt.timedelta(days=3), 11), "adjusted")):
        event = only(kind, meeting=meeting.pk)
        assert_by(event, registrar, moment)
        assert event.data["status"] == status
    adjusted = only(E.MEETING_ADJUSTED, meeting=meeting.pk)
    assert adjusted.data["posted_on"] == (DAY + dt.timedelta(days=3)).isoformat()
    assert adjusted.data["appeal_ends_on"] == (DAY + dt.timedelta(days=24)).isoformat()

    attendance = only(E.ATTENDANCE_RECORDED, meeting=meeting.pk)
    assert_by(attendance, registrar, at(DAY, 13))
    assert attendance.data["absent"] == [seats["member"].pk]
    assert attendance.data["serving"] == {str(seats["substitute"].pk): seats["member"].pk}
    arrival = only(E.ATTENDANCE_CHANGED, meeting=meeting.pk)
    assert_by(arrival, registrar, at(DAY, 14))
    assert (arrival.data["person"], arrival.data["change"], arrival.data["position"], arrival.data["time"]) == (
        seats["member"].pk, "arrives", other.position, "14:05")
    conflict = only(E.CONFLICT_DECLARED, meeting=meeting.pk)
    assert_by(conflict, registrar, at(DAY, 14))
    assert conflict.data["person"] == seats["adjuster"].pk and conflict.data["item"] == budget.pk

    chair_signed = only(E.MINUTES_SIGNED, meeting=meeting.pk, role="chair")
    assert_by(chair_signed, registrar, at(DAY + dt.timedelta(days=2), 11))
    assert chair_signed.data["person"] == seats["chair"].pk and chair_signed.data["method"] == "recorded"
    assert_by(only(E.MINUTES_SIGNED, meeting=meeting.pk, role="adjuster"), registrar,
              at(DAY + dt.timedelta(days=3), 11))

    # The agenda item's event stays on the case; the meeting's own events have none, and the case
    # history (as anyone reads it) does not grow by them.
    case_kinds = [e.kind for e in Event.objects.filter(case=case)]
    assert E.AGENDA_ITEM_ADDED in case_kinds and not {k for k in case_kinds if k.startswith("meeting_")}

    # The events are sealed into the organisation's chain like every other, and it holds.
    registry.history_seal()
    meeting_events = decision_selectors.meeting_event_queryset(meeting)
    assert meeting_events.count() == 11  # 8 of the meeting itself, 2 signatures, 1 agenda item with a case
    assert EventSeal.objects.filter(event__in=meeting_events).count() == 11
    assert chain.chain_verify(org.pk).ok

    # An event of a case never on this meeting's agenda that names a meeting by the same id (read in
    # from another register's package, which keeps that register's ids) is not this meeting's.
    elsewhere = f.case(registrar, ks, title="Inläst ärende från ett annat diarium")
    registry.event_append(case=elsewhere, kind=E.AGENDA_ITEM_ADDED, actor=None, at=at(DAY, 9),
                          data={"meeting": meeting.pk, "details": "KS 2016-03-01, punkt 4"})
    assert decision_selectors.meeting_event_queryset(meeting).count() == 11


def test_minutes_signed_digitally_and_a_comment_are_events_of_the_signers(registrar, org, ks):
    chair_user, adjuster_user = f.user(username="ordforande"), f.user(username="justerare")
    chair = f.person(org, "Mats Engström", user=chair_user)
    adjuster = f.person(org, "Karin Sandberg", user=adjuster_user)
    meeting = f.meeting(registrar, ks, timezone.localdate() - dt.timedelta(days=2),
                        members=[(chair, "chair"), (adjuster, "member")], adjusters=[adjuster])
    services.agenda_item_add(actor=registrar, meeting=meeting, title="Budget")
    services.meeting_open(actor=registrar, meeting=meeting)
    services.meeting_close(actor=registrar, meeting=meeting)
    services.minutes_prepare(actor=registrar, meeting=meeting)
    services.minutes_comment(actor=adjuster_user, meeting=meeting, text="Rätta § 1.")
    services.minutes_prepare(actor=registrar, meeting=meeting)
    services.minutes_approve(actor=chair_user, meeting=meeting)
    services.minutes_approve(actor=adjuster_user, meeting=meeting)

    prepared = Event.objects.filter(kind=E.MINUTES_PREPARED, data__meeting=meeting.pk).order_by("id")
    assert [e.data["version"] for e in prepared] == [1, 2] and {e.actor_id for e in prepared} == {registrar.pk}
    comment = only(E.MINUTES_COMMENTED, meeting=meeting.pk)
    assert comment.actor_id == adjuster_user.pk and comment.data["person"] == adjuster.pk
    assert "Rätta" not in json.dumps(comment.data)  # the comment's text stays with the comment
    signed = {e.actor_id: e.data for e in Event.objects.filter(kind=E.MINUTES_SIGNED, data__meeting=meeting.pk)}
    assert signed[chair_user.pk]["role"] == "chair" and signed[adjuster_user.pk]["role"] == "adjuster"
    assert {d["version"] for d in signed.values()} == {2} and {d["method"] for d in signed.values()} == {"login"}
    assert only(E.MEETING_ADJUSTED, meeting=meeting.pk).actor_id == adjuster_user.pk


def test_seats_added_changed_ended_and_removed_are_events(client, registrar, org, ks, seats):
    with f.on_day("2026-01-02", hour=10):
        seat = services.membership_add(actor=registrar, organ=ks, person=seats["member"], role="member",
                                       start=dt.date(2026, 1, 1), party="S")
    added = only(E.MEMBERSHIP_ADDED, membership=seat.pk)
    assert_by(added, registrar, at(dt.date(2026, 1, 2), 10))
    assert (added.data["organ"], added.data["person"], added.data["role"], added.data["start"]) == (
        ks.pk, seats["member"].pk, "member", "2026-01-01")
    assert "meeting" not in added.data

    auth = bearer(token_for(registrar))
    url = f"/api/organs/{ks.pk}/memberships/{seat.pk}"
    assert client.patch(url, {"party": "V"}, content_type="application/json", **auth).status_code == 200
    changed = only(E.MEMBERSHIP_CHANGED, membership=seat.pk)
    assert changed.actor_id == registrar.pk and changed.data["changes"] == {"party": ["S", "V"]}
    assert client.patch(url, {"end": "2026-06-30"}, content_type="application/json", **auth).status_code == 200
    assert only(E.MEMBERSHIP_ENDED, membership=seat.pk).data["changes"] == {"end": [None, "2026-06-30"]}
    # Changing nothing writes nothing.
    assert client.patch(url, {"party": "V"}, content_type="application/json", **auth).status_code == 200
    assert Event.objects.filter(data__membership=seat.pk).count() == 3

    result = memberships.memberships_import(actor=registrar, organ=ks, text="namn;uppdrag\nNy Ersättare;ersättare\n")
    new = result.added[0]
    assert only(E.MEMBERSHIP_ADDED, membership=new.pk).data["role"] == Membership.Role.SUBSTITUTE
    assert client.delete(f"/api/organs/{ks.pk}/memberships/{new.pk}", **auth).status_code == 204
    removed = only(E.MEMBERSHIP_REMOVED, membership=new.pk)
    assert removed.actor_id == registrar.pk and removed.data["person"] == new.person_id
    assert not Membership.objects.filter(pk=new.pk).exists()


def test_an_assignment_completed_is_an_event_on_its_case(registrar, org, ks):
    board = f.organ(org, code="BUN", name="Barn- och utbildningsnämnden", kind="board")
    case = f.case(registrar, ks, title="Skolskjuts")
    meeting = f.meeting(registrar, ks, timezone.localdate())
    item = services.agenda_item_add(actor=registrar, meeting=meeting, case=case)
    services.meeting_open(actor=registrar, meeting=meeting)
    decision = services.decision_record(
        actor=registrar, meeting=meeting, agenda_item=item, text="Nämnden får i uppdrag att utreda.",
        assignments=[services.AssignmentInput(organ=board, description="Utred skolskjutsen.")])
    assignment = decision.assignments.get()
    with f.on_day(timezone.localdate() + dt.timedelta(days=40), hour=9):
        services.assignment_complete(actor=registrar, assignment=assignment)
        moment = timezone.now()
    event = only(E.ASSIGNMENT_COMPLETED, assignment=assignment.pk)
    assert_by(event, registrar, moment, case=case)
    # The decision is not public yet (its minutes are not adjusted): the history does not name it.
    assert "§" not in event.data["details"] and "Barn- och utbildningsnämnden" in event.data["details"]


def test_the_public_reads_only_what_it_may_and_staff_read_the_meetings_history(client, registrar, org, ks, seats):
    meeting = f.meeting(registrar, ks, timezone.localdate(), members=[(seats["chair"], "chair"),
                                                                      (seats["member"], "member")])
    item = services.agenda_item_add(actor=registrar, meeting=meeting, title="Budget")
    services.meeting_publish_notice(actor=registrar, meeting=meeting)
    services.meeting_open(actor=registrar, meeting=meeting)
    services.attendance_set(actor=registrar, meeting=meeting, present_ids=[seats["chair"].pk])
    services.conflict_declare(actor=registrar, meeting=meeting, item=item, person=seats["chair"])
    services.meeting_close(actor=registrar, meeting=meeting)
    f.adjust(registrar, meeting)
    services.membership_add(actor=registrar, organ=ks, person=seats["adjuster"], role="member",
                            start=dt.date(2026, 1, 1))

    public = set(registry_access.public_events().filter(organisation_id=org.pk).values_list("kind", flat=True))
    assert {E.MEETING_NOTICE_PUBLISHED, E.MEETING_OPENED, E.MEETING_CLOSED, E.MEETING_ADJUSTED} <= public
    internal = {E.MEETING_PLANNED, E.ATTENDANCE_RECORDED, E.CONFLICT_DECLARED, E.MINUTES_SIGNED, E.MEMBERSHIP_ADDED}
    assert not internal & public
    assert internal <= set(Event.objects.values_list("kind", flat=True))  # written, only not shown
    hidden_from_public = registry_access.hidden_event_kinds(read_secret=False, read_internal=False)
    assert internal <= set(hidden_from_public)
    assert not internal & set(registry_access.hidden_event_kinds(read_secret=False, read_internal=True))

    # The meeting's page: the public (and a user without a role here) has no history; staff
    # who read the organ's internal data read it, with the names of those who took part.
    page = reverse("decisions:meeting_detail", args=[meeting.pk])
    anonymous = client.get(page)
    assert anonymous.status_code == 200 and "Händelser" not in anonymous.content.decode()
    client.force_login(f.user())
    assert "Händelser" not in client.get(page).content.decode()
    client.force_login(f.user(org, "reader"))
    assert "Jäv anmäldes" in client.get(page).content.decode()
    client.force_login(registrar)
    html = client.get(page).content.decode()
    assert '<h2 id="handelser">Händelser</h2>' in html
    for text in ("Sammanträdet planerades", "Kallelsen till sammanträdet skickades ut", "Jäv anmäldes",
                 "Närvaron vid sammanträdet antecknades", "frånvarande: Simon Waern",
                 "Punkt 1: Daniel Filipsson", "Sammanträdets protokoll justerades och anslogs"):
        assert text in html, text
    assert "Ledamotskap lades till" not in html  # a seat is the organ's, not the meeting's

    # Lists of events that meet events without a case keep working: the desk, OParl's body.
    assert client.get(reverse("desk:start")).status_code == 200
    assert client.get("/oparl/v1.1/body/").status_code == 200
