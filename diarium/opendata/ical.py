"""A small iCalendar (RFC 5545) writer for the meeting calendars: CRLF line
endings, lines folded at 75 octets, TEXT values escaped."""

from __future__ import annotations

import datetime as dt

CRLF = "\r\n"
MAX_OCTETS = 75

TZID = "Europe/Stockholm"
# Central European time as Sweden has kept it since 1996 (EU summer time rules).
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "X-LIC-LOCATION:Europe/Stockholm",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    # Other control characters are not allowed in TEXT.
    return "".join(ch for ch in value if ch == "\t" or ord(ch) >= 0x20 and ord(ch) != 0x7F)


def fold(line: str) -> str:
    """Fold a content line so that no physical line exceeds 75 octets (RFC 5545
    3.1), never inside a UTF-8 sequence; continuation lines start with a space."""
    out: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, MAX_OCTETS
        current.append(ch)
        size += n
    out.append("".join(current))
    return CRLF.join(out)


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def local_stamp(day: dt.date, time: dt.time) -> str:
    return dt.datetime.combine(day, time).strftime("%Y%m%dT%H%M%S")


def date_value(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


class Calendar:
    """Lines of a VCALENDAR; `event` adds a VEVENT from already formatted properties."""

    def __init__(self, *, prodid: str, name: str, description: str = "", uses_tz: bool = True):
        self.lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN",
                      "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}", f"X-WR-TIMEZONE:{TZID}"]
        if description:
            self.lines.append(f"X-WR-CALDESC:{escape_text(description)}")
        if uses_tz:
            self.lines += VTIMEZONE

    def event(self, properties: list[str]) -> None:
        self.lines += ["BEGIN:VEVENT", *properties, "END:VEVENT"]

    def serialize(self) -> str:
        return "".join(fold(line) + CRLF for line in [*self.lines, "END:VCALENDAR"])


def meeting_times(day: dt.date, start: dt.time | None, end: dt.time | None) -> list[str]:
    """DTSTART/DTEND: local times in Europe/Stockholm, or a whole day when the
    meeting has no time."""
    if start is None:
        return [f"DTSTART;VALUE=DATE:{date_value(day)}",
                f"DTEND;VALUE=DATE:{date_value(day + dt.timedelta(days=1))}"]
    lines = [f"DTSTART;TZID={TZID}:{local_stamp(day, start)}"]
    if end is not None and end > start:
        lines.append(f"DTEND;TZID={TZID}:{local_stamp(day, end)}")
    return lines
