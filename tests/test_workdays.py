"""Swedish working days (diarium/core/workdays.py): the days the offices are
closed, and the end of the Nth working day after a moment, as properties
over any moment and count."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from diarium.core.workdays import is_workday, next_workday, workday_end, workdays_between

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# 2026: every day the offices are closed on a weekday, and days that look like it but are not.
CLOSED_2026 = {
    "2026-01-01": "nyårsdagen", "2026-01-06": "trettondedag jul", "2026-04-03": "långfredagen",
    "2026-04-06": "annandag påsk", "2026-05-01": "första maj", "2026-05-14": "Kristi himmelsfärdsdag",
    "2026-06-19": "midsommarafton", "2026-12-24": "julafton", "2026-12-25": "juldagen",
    "2026-12-31": "nyårsafton",
}
OPEN_2026 = ["2026-01-02", "2026-04-02", "2026-04-07", "2026-06-05", "2026-06-18", "2026-06-22", "2026-12-23",
             "2026-12-28", "2026-12-30"]


@pytest.mark.parametrize("day, name", CLOSED_2026.items())
def test_holidays_and_the_three_eves_are_not_working_days(day, name):
    assert not is_workday(dt.date.fromisoformat(day)), name


@pytest.mark.parametrize("day", OPEN_2026)
def test_ordinary_weekdays_are_working_days(day):
    assert is_workday(dt.date.fromisoformat(day))


def test_weekends_are_not_working_days_even_when_a_holiday_falls_on_them():
    assert not is_workday(dt.date(2026, 6, 6))  # nationaldagen, a Saturday
    assert not is_workday(dt.date(2026, 6, 7)) and not is_workday(dt.date(2026, 6, 13))


@pytest.mark.parametrize("start, workdays, end", [
    ("2026-06-18T12:00", 1, "2026-06-22"),  # Thursday before midsommarafton: Monday
    ("2026-06-18T23:59", 2, "2026-06-23"),
    ("2026-12-23T09:00", 1, "2026-12-28"),  # julafton, juldagen, annandag jul, the weekend
    ("2026-12-30T16:00", 1, "2027-01-04"),  # nyårsafton, nyårsdagen, the weekend
    ("2026-04-02T10:00", 1, "2026-04-07"),  # skärtorsdag: then påsk
    ("2026-05-13T08:00", 1, "2026-05-15"),  # Kristi himmelsfärd on Thursday; Friday is a working day
    ("2026-03-06T17:30", 1, "2026-03-09"),  # a Friday afternoon
    ("2026-03-07T10:00", 1, "2026-03-09"),  # a Saturday
    ("2026-03-09T00:00", 5, "2026-03-16"),
])
def test_the_end_of_the_nth_working_day_after_the_day_of_start(start, workdays, end):
    start_at = dt.datetime.fromisoformat(start).replace(tzinfo=STOCKHOLM)
    assert workday_end(start_at, workdays) == dt.datetime.combine(
        dt.date.fromisoformat(end), dt.time(23, 59, 59), tzinfo=STOCKHOLM)


def test_the_local_day_counts_not_the_utc_day():
    # 23:30 UTC on Monday 9 March is already Tuesday in Stockholm: the end of Wednesday.
    start = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)
    assert workday_end(start, 1) == dt.datetime(2026, 3, 11, 23, 59, 59, tzinfo=STOCKHOLM)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        workday_end(dt.datetime(2026, 3, 9, tzinfo=dt.UTC), 0)
    with pytest.raises(ValueError):
        workday_end(dt.datetime(2026, 3, 9), 1)


moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2098, 12, 1),
                       timezones=st.sampled_from([STOCKHOLM, dt.UTC, ZoneInfo("America/New_York")]),
                       allow_imaginary=False)


@hypothesis_settings(max_examples=300, deadline=None)
@given(start=moments, workdays=st.integers(min_value=1, max_value=30))
def test_the_end_is_a_working_day_later_than_start_after_exactly_n_working_days(start, workdays):
    end = workday_end(start, workdays)
    local_start = start.astimezone(STOCKHOLM).date()
    assert end.tzinfo is not None and end.astimezone(STOCKHOLM).time() == dt.time(23, 59, 59)
    assert end > start
    assert is_workday(end.date())
    assert workdays_between(local_start, end.date()) == workdays
    # And it is the first such day: the day before, one working day is still missing.
    assert workdays_between(local_start, end.date() - dt.timedelta(days=1)) == workdays - 1


@hypothesis_settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2098, 12, 1)))
def test_the_next_working_day_is_the_first_working_day_after(day):
    following = next_workday(day)
    assert following > day and is_workday(following)
    assert all(not is_workday(day + dt.timedelta(days=n)) for n in range(1, (following - day).days))
    assert (following - day).days <= 6  # the longest run: julafton on a Wednesday to the Monday after
