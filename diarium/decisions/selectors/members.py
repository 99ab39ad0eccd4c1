"""Reads for the members' own view: the meetings of the organs a member or
substitute holds a seat in, each with the agenda and papers their rights let
them read, and their own notes on those papers, which no one else reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from .. import access
from ..models import Conflict, Meeting, Membership, ReadingNote

RECENT_DAYS = 90  # how far back "Mina sammanträden" lists held meetings


@dataclass
class MyMeeting:
    meeting: Meeting
    seat: Membership


def my_meetings(*, user, today: dt.date) -> tuple[list[MyMeeting], list[MyMeeting]]:
    """The user's meetings: coming ones (today first), and those held in the
    last RECENT_DAYS days (latest first). A meeting is theirs when they hold a
    seat in its organ on its day."""
    seats = list(Membership.objects.filter(access.seats_q(user)).select_related("organ"))
    if not seats:
        return [], []
    meetings = (Meeting.objects.filter(organ_id__in={s.organ_id for s in seats},
                                       date__gte=today - dt.timedelta(days=RECENT_DAYS))
                .select_related("organ").order_by("date", "start_time", "pk"))
    mine = []
    for meeting in meetings:
        seat = next((s for s in seats if s.organ_id == meeting.organ_id and s.covers(meeting.date)), None)
        if seat is not None:
            mine.append(MyMeeting(meeting=meeting, seat=seat))
    return ([m for m in mine if m.meeting.date >= today],
            [m for m in reversed(mine) if m.meeting.date < today])


@dataclass
class Paper:
    document: object  # selectors.SupportingDocument: as the member's rights let them read it
    note: str = ""  # the member's own note on it


@dataclass
class MemberItem:
    item: object  # AgendaItem
    papers: list[Paper]


@dataclass
class MemberMeeting:
    meeting: Meeting
    seat: Membership
    items: list[MemberItem] = field(default_factory=list)  # the agenda, once the notice is out
    conflicts: list[Conflict] = field(default_factory=list)  # the member's own declared conflicts


def member_meeting(*, user, pk: int) -> MemberMeeting:
    """One of the user's meetings as they read it (access.member_meeting_get):
    the agenda with the papers their rights let them read, and their notes."""
    from . import agenda

    meeting, seat = access.member_meeting_get(user=user, pk=pk)
    view = MemberMeeting(meeting=meeting, seat=seat)
    if not access.member_papers_visible(meeting):
        return view
    rows = agenda(meeting=meeting, user=user)
    ids = [d.id for row in rows for d in row.documents]
    notes = dict(ReadingNote.objects.filter(user=user, document_id__in=ids).values_list("document_id", "text")
                 ) if ids else {}
    view.items = [MemberItem(item=row.item, papers=[Paper(document=d, note=notes.get(d.id, "")) for d in row.documents])
                  for row in rows]
    view.conflicts = list(Conflict.objects.filter(Q(person_id=seat.person_id), item__meeting=meeting)
                          .select_related("item"))
    return view
