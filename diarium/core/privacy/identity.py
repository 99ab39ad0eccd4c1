"""Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer) in free text.

A personal identity number is the date of birth, a three-digit serial number
and a check digit: YYMMDD-NNNC. People over 100 write `+` instead of `-`.
Written with the century it is YYYYMMDD-NNNC; the separator may be left out or
be a space, and spaces may stand around it. A coordination number is the same
with 60 added to the day. The check digit is the Luhn digit of the ten digits
without the century.

A number of that shape whose date is a real date is found: as "pnr" when its
check digit is right, as "pnr_possible" when it is wrong (a typo in a real
one, or an invoice number that happens to look like one). Dates (2017-06-12,
20170612), diary numbers (2017.676) and numbers that are not a real date
followed by four digits (an organisation number, 556123-4567, has a month of
20 or more) are not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

_SPACE = "[ \u00a0]"
_DASH = "[-\u2010\u2011\u2012\u2013\u2212]"  # hyphen, and the dashes a word processor puts in its place
# Six digits (YYMMDD) or eight (YYYYMMDD), a separator or none, four digits.
# The pattern begins with a digit so that the regex engine can skip to the
# digits of a text; what may not stand before the number (a digit, or a digit
# and a dash, dot, slash: the tail of a longer number or a date) is checked in
# find().
PNR = re.compile(
    rf"""
    (?P<digits>\d{{6,8}})
    (?P<sep>{_SPACE}?(?:{_DASH}|\+){_SPACE}?|{_SPACE})?
    (?P<serial>\d{{4}})
    (?!\w)(?![-\u2013./:,+]\d)            # not the head of a longer number, a code or a date either
    """,
    re.VERBOSE,
)
_JOINERS = "-\u2013./:,+"


def luhn_digit(nine_digits: str) -> int:
    """The Luhn check digit of the first nine digits of the ten-digit form
    (YYMMDDNNN), as the Swedish Tax Agency computes it."""
    total = 0
    for position, char in enumerate(nine_digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def check_digit_valid(ten_digits: str) -> bool:
    return len(ten_digits) == 10 and ten_digits.isdigit() and luhn_digit(ten_digits[:9]) == int(ten_digits[9])


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def date_valid(date: str, centuries: tuple[int, ...]) -> bool:
    """Whether YYMMDD is a real date in one of the centuries (18, 19, 20), the
    day of a coordination number (61-91) taken as its day minus 60."""
    yy, month, day = int(date[0:2]), int(date[2:4]), int(date[4:6])
    if day > 60:
        day -= 60
    return any(_real_date(century * 100 + yy, month, day) for century in centuries)


def find(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of every number of the shape of a personal identity
    or coordination number whose date is real; kind "pnr" or "pnr_possible"."""
    for match in PNR.finditer(text):
        start = match.start()
        # Not the tail of a longer number, a date or a code of letters and digits ("7a4150d0901748968a76").
        if start and (text[start - 1].isalnum()
                      or (text[start - 1] in _JOINERS and start > 1 and text[start - 2].isdigit())):
            continue
        digits, sep, serial = match.group("digits", "sep", "serial")
        plus = bool(sep) and "+" in sep
        if len(digits) == 8:
            century, date = digits[:2], digits[2:]
            if century not in ("18", "19", "20") or plus:  # the `+` belongs to the ten-digit form only
                continue
            centuries: tuple[int, ...] = (int(century),)
        elif len(digits) == 6:
            date = digits
            centuries = (18, 19) if plus else (19, 20)
        else:
            continue
        if not date_valid(date, centuries):
            continue
        yield start, match.end(), "pnr" if check_digit_valid(date + serial) else "pnr_possible"
