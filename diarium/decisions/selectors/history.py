"""A meeting's own history: the events whose data holds the meeting's id
(services.shared.meeting_event: its status, attendance, conflicts of interest,
the minutes drawn up, signed and adjusted; and the case events of its agenda),
for staff who read the organ's internal data (access.meeting_history_visible).

The events are found by a JSON key lookup on `Event.data` within the
organisation's history (`data__meeting`), which Django runs on SQLite
(json_extract) and PostgreSQL (->) alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from diarium.accounts.models import Person
from diarium.registry import access as registry_access
from diarium.registry import extensions
from diarium.registry.models import Event

from .. import access
from ..events import DecisionEvent
from ..models import AgendaItem, AttendanceChange, DelegationDecision, Meeting, Signature

MEETING_EVENTS_SHOWN = 50


@dataclass(frozen=True)
class MeetingEventEntry:
    at: dt.datetime
    kind: str
    label: str
    actor_name: str
    diary_number: str  # the case of a case event (an agenda item added); empty for the meeting's own
    details: str


@dataclass(frozen=True)
class MeetingHistory:
    entries: list[MeetingEventEntry]  # the newest MEETING_EVENTS_SHOWN, oldest first
    total: int


def meeting_event_queryset(meeting: Meeting):
    """Every event of the meeting, in time order, for any reader (callers narrow by rights).
    An event on a case names the meeting that case is on the agenda of: events
    read in from another register's package keep that register's meeting ids,
    which may equal this meeting's, on cases never on this meeting's agenda."""
    on_agenda = AgendaItem.objects.filter(meeting=meeting, case__isnull=False).values("case_id")
    reported = DelegationDecision.objects.filter(agenda_item__meeting=meeting).values("case_id")
    return (Event.objects.filter(Q(case__isnull=True) | Q(case_id__in=on_agenda) | Q(case_id__in=reported),
                                 organisation_id=meeting.organisation_id, data__meeting=meeting.pk)
            .order_by("at", "id"))


def _names(events: list[Event]) -> dict[int, str]:
    ids: set[int] = set()
    for e in events:
        d = e.data or {}
        ids.update(i for i in (d.get("person"), d.get("substitute")) if isinstance(i, int))
        ids.update(i for i in d.get("absent", ()) if isinstance(i, int))
        for substitute, member in (d.get("serving") or {}).items():
            ids.update(int(i) for i in (substitute, member) if str(i).isdigit())
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _details(event: Event, names: dict[int, str], statuses: dict[str, str]) -> str:
    d = event.data or {}
    kind = event.kind

    def name(key: str) -> str:
        return names.get(d.get(key), "") if d.get(key) is not None else ""

    if kind in (DecisionEvent.MEETING_PLANNED, DecisionEvent.MEETING_NOTICE_PUBLISHED, DecisionEvent.MEETING_OPENED,
                DecisionEvent.MEETING_CLOSED, DecisionEvent.MEETING_ADJUSTED):
        status = statuses.get(d.get("status"), d.get("status", ""))
        text = (_("%(was)s → %(status)s") % {"was": statuses.get(d["was"], d["was"]), "status": status}
                if d.get("was") else str(status))
        if kind == DecisionEvent.MEETING_ADJUSTED:
            text += "; " + _("anslaget %(posted)s, överklagandetiden går ut %(ends)s") % {
                "posted": d.get("posted_on", ""), "ends": d.get("appeal_ends_on", "")}
        return text
    if kind == DecisionEvent.ATTENDANCE_RECORDED:
        absent = [names.get(p, "") for p in d.get("absent", ())]
        text = _("%(present)s närvarande") % {"present": len(d.get("present", ()))}
        if absent:
            text += "; " + _("frånvarande: %(names)s") % {"names": ", ".join(sorted(n for n in absent if n))}
        serving = [_("%(substitute)s för %(member)s") % {"substitute": names.get(int(s), ""),
                                                         "member": names.get(m, "")}
                   for s, m in (d.get("serving") or {}).items() if str(s).isdigit()]
        if serving:
            text += "; " + _("tjänstgör: %(list)s") % {"list": ", ".join(sorted(serving))}
        return text
    if kind == DecisionEvent.ATTENDANCE_CHANGED:
        change = str(AttendanceChange.Kind(d["change"]).label).lower() if d.get("change") in \
            AttendanceChange.Kind.values else d.get("change", "")
        text = _("%(name)s %(change)s från punkt %(n)s") % {"name": name("person"), "change": change,
                                                            "n": d.get("position", "")}
        return text + (_(" kl. %(time)s") % {"time": d["time"]} if d.get("time") else "")
    if kind == DecisionEvent.CONFLICT_DECLARED:
        text = _("Punkt %(n)s: %(name)s") % {"n": d.get("position", ""), "name": name("person")}
        if d.get("substitute"):
            text += "; " + _("%(name)s tjänstgör i stället") % {"name": name("substitute")}
        return text
    if kind == DecisionEvent.MINUTES_SIGNED:
        role = Signature.Role(d["role"]).label if d.get("role") in Signature.Role.values else d.get("role", "")
        method = (Signature.Method(d["method"]).label if d.get("method") in Signature.Method.values
                  else d.get("method", ""))
        return _("%(name)s, %(role)s, version %(v)s: %(method)s") % {
            "name": name("person"), "role": str(role).lower(), "v": d.get("version", ""), "method": method}
    if kind == DecisionEvent.MINUTES_COMMENTED:
        return _("%(name)s, version %(v)s") % {"name": name("person"), "v": d.get("version", "")}
    if kind == DecisionEvent.MINUTES_PREPARED:
        return _("Version %(v)s") % {"v": d.get("version", "")}
    return str(d.get("details", ""))


def meeting_events(*, user, meeting: Meeting, shown: int = MEETING_EVENTS_SHOWN) -> MeetingHistory | None:
    """The meeting's history as this reader may see it: None for a reader who is
    not shown it (access.meeting_history_visible); the kinds the registry hides
    from a reader of internal data (who read a secret document) are left out."""
    if not access.meeting_history_visible(user, meeting):
        return None
    events = meeting_event_queryset(meeting).select_related("case").only(
        "at", "kind", "actor_name", "data", "case", "case__diary_number")
    hidden = registry_access.hidden_event_kinds(read_secret=False, read_internal=True)
    if hidden:
        events = events.exclude(kind__in=hidden)
    newest = list(events.order_by("-at", "-id")[:shown])
    total = len(newest) if len(newest) < shown else events.count()
    newest.reverse()
    labels = {value: str(label) for value, label in extensions.event_kind_choices()}
    statuses = {value: str(label) for value, label in Meeting.Status.choices}
    names = _names(newest)
    return MeetingHistory(entries=[
        MeetingEventEntry(at=e.at, kind=e.kind, label=labels.get(e.kind, e.kind), actor_name=e.actor_name,
                          diary_number=e.case.diary_number if e.case_id else "", details=_details(e, names, statuses))
        for e in newest], total=total)
