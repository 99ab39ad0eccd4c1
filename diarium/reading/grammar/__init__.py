"""The Swedish municipal grammar: rules, readable and extendable by a person,
that turn a document's text into a Reading (shape.py, docs/READING.md).

    kinds.py           which kind of document it is
    text.py            the text as the rules read it (blanks, dashes, lost characters)
    dates.py           dates in every written form, the year from context
    diary.py           diary numbers in the forms municipalities use
    organs.py          organ codes and names, in every inflection, to full names
    people.py          names of people, with party, role and title taken off
    references.py      citations of earlier decisions
    common/            what every kind has: organisation, organ, date, title,
                       diary numbers, officers, references, signatories
                       (head, organisation, date, title, officers, signatures)
    officer_report.py  reports, remiss answers and decision letters: proposals
                       with their conditions, remiss, dispatch
    meetings/          notices, minutes and excerpts: items, attendance,
                       chair, adjusters, paragraphs, posting, place and time
                       (layout, paragraphs, items, meeting, names, attendance,
                       signatures, posting)
"""

from __future__ import annotations

from .shape import Reading


def read_text(text: str) -> Reading:
    """Read one document's text (already extracted, reading.extract)."""
    from . import common, kinds, meetings, officer_report
    from .text import normalise

    reading = Reading(text=normalise(text))
    kind, confidence = kinds.detect(reading.text)
    reading.set("kind", kind, confidence)
    common.read(reading)
    if kind in ("notice", "minutes", "minutes_excerpt"):
        meetings.read(reading)
    else:
        officer_report.read(reading)
    return reading
