"""Dates in the forms Swedish municipal documents write them.

    2018-08-23, 2018-8-3, 2018.08.23    year first (ISO, and dotted)
    23.8.2018, 23/8 2018, 23/8-2018     day first, the year in full
    den 25 november 2015, 25 nov. 2015  the month's name or its abbreviation
    den 3:e maj 2019, 1:a april         with the ordinal ending
    25 april                            no year: the year given (`year=`), the
                                        document's own, or not a date at all

Never a date: a diary number ("2018.676", "KS 2018/12"), a phone number
("0322-61 60 00"), a time ("13.00"), a span of years ("2018-2020"), a §.
Each form is one regular expression without nested repetition, so a long
text is read in one pass.
"""

from __future__ import annotations

import datetime as dt
import re

from .shape import Found, leftmost_longest

# The months by every name and abbreviation in use ("sept." and "sep.",
# "mars" and "mar."). Abbreviations may end with a full stop.
MONTHS = {
    "januari": 1, "jan": 1,
    "februari": 2, "febr": 2, "feb": 2,
    "mars": 3, "mar": 3,
    "april": 4, "apr": 4,
    "maj": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "augusti": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
# Month names in full, for writing a date the Swedish way.
MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
               "oktober", "november", "december")

# The years a municipal document may speak of.
FIRST_YEAR, LAST_YEAR = 1900, 2099

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# Year first: 2018-08-23, 2018-8-3, 2018.08.23 (dotted only with two-digit
# month and day, "2018.676" being a diary number). Not inside a longer run of
# digits or a code ("KS-2018-...", "0322-2018-...").
_YEAR_FIRST = re.compile(
    r"(?<![\w/.-])(?P<y>(?:19|20)\d\d)(?:-(?P<m>\d{1,2})-(?P<d>\d{1,2})|\.(?P<m2>\d\d)\.(?P<d2>\d\d))"
    r"(?![\d/]|[.:-]\d|-[A-Za-zÅÄÖåäö])"
)
# Day first with the year in full: 23.8.2018, 23/8 2018, 23/8-2018, 23/8/2018.
_DAY_FIRST = re.compile(
    r"(?<![\w/.:,-])(?P<d>\d{1,2})(?:\.(?P<m>\d{1,2})\.|/(?P<m2>\d{1,2})(?:[ /-]| - ))(?P<y>(?:19|20)\d\d)"
    r"(?![\d/]|[.:-]\d)"
)
# The month by its name: "den 25 november 2015", "25 nov. 2015", "3:e maj 2019",
# "1:a april", "25 april", "den 25-26 november" (both days), the parts on two
# lines where PDF text broke them ("den 15 oktober\n2018"). The day may stand
# after a weekday ("tisdag den 3 maj").
# A blank between the parts of a date, a line break of PDF text included.
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
_NAMED = re.compile(
    r"(?<![\w.,:/-])(?:(?P<d0>\d{1,2})(?::?[ae])?\.?\s?[-–]\s?)?(?P<d>\d{1,2})(?::?[ae])?\.?" + _GAP +
    r"(?P<m>" + _MONTH + r")\b\.?(?:,?" + _GAP + r"(?P<y>(?:19|20)\d\d)(?![\d/.:-]\d))?",
    re.IGNORECASE,
)


def _date(year: int, month: int, day: int) -> dt.date | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, *, year: int | None = None) -> list[Found]:
    """Every date in the text, in order, each with its span and the date as
    value. A date written without its year ("25 april") takes `year`, and is
    left out when none is given."""
    if not text:
        return []
    found: list[Found] = []
    for match in _YEAR_FIRST.finditer(text):
        month = match["m"] or match["m2"]
        day = match["d"] or match["d2"]
        value = _date(int(match["y"]), int(month), int(day))
        if value is not None:
            found.append(Found(match.start(), match.end(), value, match.group()))
    for match in _DAY_FIRST.finditer(text):
        value = _date(int(match["y"]), int(match["m"] or match["m2"]), int(match["d"]))
        if value is not None:
            found.append(Found(match.start(), match.end(), value, match.group()))
    for match in _NAMED.finditer(text):
        month = MONTHS[match["m"].casefold()]
        if match["y"]:
            the_year = int(match["y"])
        elif year is not None:
            the_year = year
        else:
            continue
        if match["d0"]:  # "25-26 november 2015": the first day, then the second
            first = _date(the_year, month, int(match["d0"]))
            if first is not None:
                end = match.start("d0") + len(match["d0"])
                found.append(Found(match.start(), end, first, match.group()[:end - match.start()]))
        value = _date(the_year, month, int(match["d"]))
        if value is not None:
            found.append(Found(match.start("d"), match.end(), value, text[match.start("d"):match.end()]))
    # A date found by two forms (never, by construction, but cheap to keep
    # sure): the first one at its place wins.
    return leftmost_longest(found)


_DEN = re.compile(r"\s*(?:(?:må|ti|on|to|fre|lör|sön)[a-zå]*dag(?:en)?\s+)?(?:den\s+)?", re.IGNORECASE)


def parse_date(text: str, *, year: int | None = None) -> dt.date | None:
    """The date `text` is (nothing else but blanks, "den", a weekday and a
    trailing full stop or comma around it), or None."""
    if not text:
        return None
    lead = _DEN.match(text)
    body = text[lead.end():].rstrip().rstrip(".,;:")
    body = body.strip()
    if not body:
        return None
    dates = find_dates(body, year=year)
    if len(dates) == 1 and dates[0].start == 0 and dates[0].end >= len(body.rstrip(".")):
        return dates[0].value
    return None


def swedish(value: dt.date, *, with_year: bool = True) -> str:
    """A date written out: "25 november 2015"."""
    text = f"{value.day} {MONTH_NAMES[value.month - 1]}"
    return f"{text} {value.year}" if with_year else text
