"""Who sits and who decides at a meeting, item by item: the members present,
the substitutes who serve for those absent (one of the member's own party
first, then in the order of service), arrivals and departures during the
meeting (from an item on), and conflicts of interest in an item. One rule for
the attendance list, the decisions' participants, the votes and the quorum."""

from __future__ import annotations

from dataclasses import dataclass

from diarium.accounts.models import Organ, Person

from ..models import SEATED_ROLES, AgendaItem, Attendance, AttendanceChange, Meeting, Membership


def seats_on(organ: Organ, day) -> list[Membership]:
    """The organ's seats on a day (a meeting's members and substitutes come from them)."""
    return list(Membership.objects.filter(Membership.held_on(day), organ=organ).select_related("person")
                .order_by("role", "person__name"))


def substitutes_in_order(substitutes: list[Attendance], seats: list[Membership]) -> list[Attendance]:
    """Substitutes' attendance rows in the order they are called in: their place
    in the order of service (turordning) on the meeting's day, those without one
    last, then by name."""
    order = {m.person_id: m.substitute_order for m in seats if m.role == Membership.Role.SUBSTITUTE}
    return sorted(substitutes, key=lambda a: (order.get(a.person_id) is None, order.get(a.person_id) or 0,
                                              a.person.name))


def substitute_for(member_id: int, waiting: list[Attendance], seats: list[Membership]) -> Attendance | None:
    """Who serves for a member: the first waiting substitute of the member's own
    party, as the councils' rules of procedure usually have it, else the first
    in the order of service."""
    parties = {m.person_id: m.party for m in seats if m.party}
    party = parties.get(member_id)
    same = next((a for a in waiting if party and parties.get(a.person_id) == party), None)
    return same or (waiting[0] if waiting else None)


def serving(rows: list[Attendance], present: set[int], seats: list[Membership]) -> dict[int, int]:
    """{substitute: member} for the members not present, in the order of the
    seats (chair, vice chairs, members, then by name)."""
    rank = {role: n for n, role in enumerate(SEATED_ROLES)}
    absent = sorted((a for a in rows if a.role in SEATED_ROLES and a.person_id not in present),
                    key=lambda a: (rank[a.role], a.person.name))
    waiting = substitutes_in_order([a for a in rows if a.role == Membership.Role.SUBSTITUTE
                                    and a.person_id in present], seats)
    taken: dict[int, int] = {}
    for seat in absent:
        substitute = substitute_for(seat.person_id, waiting, seats)
        if substitute is None:
            break
        waiting.remove(substitute)
        taken[substitute.person_id] = seat.person_id
    return taken


def present_at(meeting: Meeting, item: AgendaItem | None, rows: list[Attendance]) -> set[int]:
    """Who is present: as at the opening, and for an item with the arrivals
    and departures recorded up to it."""
    present = {a.person_id for a in rows if a.present}
    if item is None:
        return present
    for change in AttendanceChange.objects.filter(meeting=meeting, item__position__lte=item.position).order_by(
            "item__position", "recorded_at", "id"):
        (present.add if change.kind == AttendanceChange.Kind.ARRIVES else present.discard)(change.person_id)
    return present


@dataclass
class Seating:
    """Who sits at the meeting or one of its items."""

    members: list[Person]  # seated members present
    substitutes: dict[int, Person]  # member id -> the substitute serving in their place
    seats: int

    @property
    def deciding(self) -> list[Person]:
        return self.members + list(self.substitutes.values())


def seating(meeting: Meeting, item: AgendaItem | None = None) -> Seating:
    rows = list(meeting.attendance.select_related("person").order_by("role", "person__name"))
    present = present_at(meeting, item, rows)
    people = {a.person_id: a.person for a in rows}
    if item is None:  # as recorded with the attendance (attendance_set)
        taken = {a.person_id: a.replaces_id for a in rows if a.present and a.replaces_id}
    else:
        taken = serving(rows, present, seats_on(meeting.organ, meeting.date))
    members = [a.person for a in rows if a.role in SEATED_ROLES and a.person_id in present]
    return Seating(members=members, substitutes={member: people[sub] for sub, member in taken.items()},
                   seats=sum(1 for a in rows if a.role in SEATED_ROLES))


def deciding(meeting: Meeting, item: AgendaItem | None = None) -> list[Person]:
    """Who decides: the members present and the substitutes serving for absent
    ones; for an item, with the arrivals and departures up to it, less those who
    declared a conflict of interest in it and with the substitutes who serve in
    their place."""
    people = seating(meeting, item).deciding
    if item is None:
        return people
    conflicts = list(item.conflicts.select_related("person", "substitute"))
    left = {c.person_id for c in conflicts}
    return [p for p in people if p.pk not in left] + [c.substitute for c in conflicts if c.substitute_id]


@dataclass(frozen=True)
class Quorum:
    """Whether the organ may decide (beslutförhet): more than half of its
    members present, serving substitutes counted (kommunallagen 5 kap. 57 §
    for the council, 6 kap. 27 § for a board)."""

    present: int  # members present and substitutes serving for an absent member
    seats: int
    council: bool

    @property
    def met(self) -> bool:
        return self.present * 2 > self.seats

    @property
    def law(self) -> str:
        return "5 kap. 57 § kommunallagen" if self.council else "6 kap. 27 § kommunallagen"


def quorum(meeting: Meeting, item: AgendaItem | None = None) -> Quorum:
    """The quorum at the meeting, or at an item (after arrivals and departures)."""
    s = seating(meeting, item)
    return Quorum(present=len(s.members) + len(s.substitutes), seats=s.seats,
                  council=meeting.organ.kind == Organ.Kind.COUNCIL)


def item_attendance_changes(item: AgendaItem) -> list[AttendanceChange]:
    """The arrivals and departures from this item on, as the minutes give them."""
    return list(item.attendance_changes.select_related("person").order_by("recorded_at", "id"))
