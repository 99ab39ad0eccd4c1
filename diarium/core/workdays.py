"""Swedish working days ("arbetsdagar"), for target times counted in them
(a request for a public document is to be decided within a working day).

Saturdays, Sundays and the public holidays of lag (1989:253) om allmänna
helgdagar are not working days, and neither are midsommarafton, julafton
and nyårsafton: not holidays in law, but days the municipalities' offices
are closed (and days the law on time limits, 1930:173, treats as holidays).
The holidays come from the `holidays` library; the three eves are named
here by their own rules too, so the answer does not depend on which of the
library's categories lists them in a given version.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

END_OF_DAY = dt.time(23, 59, 59)


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[dt.date]:
    listed = holidays.country_holidays("SE", years=year)
    # Midsommarafton is the Friday between 19 and 25 June (the day before midsommardagen).
    midsummer_eve = next(dt.date(year, 6, d) for d in range(19, 26) if dt.date(year, 6, d).weekday() == 4)
    return frozenset(listed) | {midsummer_eve, dt.date(year, 12, 24), dt.date(year, 12, 31)}


def is_workday(day: dt.date) -> bool:
    """Whether `day` is a Swedish working day."""
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def next_workday(day: dt.date) -> dt.date:
    """The first working day after `day`."""
    day += dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def workdays_between(first: dt.date, last: dt.date) -> int:
    """How many working days lie after `first` up to and including `last`."""
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        count += is_workday(day)
    return count


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def workday_end(start: dt.datetime, workdays: int) -> dt.datetime:
    """The end (23:59:59 local time, settings.TIME_ZONE) of the `workdays`-th
    working day after the local day of `start`: with 1, a request that came in
    on a Friday afternoon (or on the Saturday) is due at the end of Monday,
    unless Monday is a holiday. `start` must be aware; `workdays` at least 1."""
    if workdays < 1:
        raise ValueError("workdays must be at least 1")
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    zone = local_zone()
    day = start.astimezone(zone).date()
    for _n in range(workdays):
        day = next_workday(day)
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=zone)
