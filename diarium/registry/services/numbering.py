"""Diary numbers: the series an organ registers in, the yearly counters (one
conditional UPDATE, so concurrent registrations never share a number), and
moving a counter forward. Reference data is kept by the organisation's
administrators (the classification scheme: classification.py)."""

from __future__ import annotations

import threading

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organ
from diarium.accounts.services import administration_event_record
from diarium.core.errors import DomainError, PermissionDenied

from ..models import Series, SeriesCounter


def series_for_organ(organ: Organ) -> Series:
    """The series an organ registers in: its own, else its parent's (a committee
    registers in its board's series), else a new one with the organ's code."""
    # Cached per object and thread (an organ object is per request); a series
    # created just now is not cached: its transaction may still roll back.
    cached = getattr(organ, "_diarium_series", None)
    if cached is not None and cached[0] == threading.get_ident():
        return cached[1]
    candidates = [organ.pk] + ([organ.parent_id] if organ.parent_id else [])
    found = {s.organ_id: s for s in Series.objects.filter(organs__in=candidates).annotate(organ_id=F("organs"))}
    series = found.get(organ.pk) or found.get(organ.parent_id)
    if series is None:
        series, _created = Series.objects.get_or_create(
            organisation_id=organ.organisation_id, code=organ.code, defaults={"name": organ.name}
        )
        series.organs.add(organ)
        return series
    organ._diarium_series = (threading.get_ident(), series)
    return series


def format_diary_number(fmt: str, *, year: int, seq: int, series: str) -> str:
    return fmt.format(year=year, seq=seq, series=series).strip()


def counter_increment(sql: str, params: list) -> int | None:
    """Run an `UPDATE … SET n = n + 1 … RETURNING n` and return n (None: no row).
    One statement that both locks the row and takes the number, on SQLite and
    PostgreSQL alike."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def next_number(series: Series, year: int) -> int:
    """Take the next number. Must run inside the registering transaction: the row
    lock serialises concurrent registrations and a rollback returns the number."""
    table = SeriesCounter._meta.db_table
    sql = f"UPDATE {table} SET last_seq = last_seq + 1 WHERE series_id = %s AND year = %s RETURNING last_seq"
    seq = counter_increment(sql, [series.pk, year])
    if seq is None:
        SeriesCounter.objects.get_or_create(series=series, year=year)
        seq = counter_increment(sql, [series.pk, year])
    return seq


@transaction.atomic
def series_counter_set(*, series: Series, year: int, last_seq: int, actor) -> SeriesCounter:
    """Move a series forward, e.g. when the register continues from an earlier
    system. Numbers are never reused, so the counter only moves forward."""
    if not roles.can_administer(actor, series.organisation_id):
        raise PermissionDenied(_("Bara en administratör kan ändra nummerserier."))
    counter, _created = SeriesCounter.objects.select_for_update().get_or_create(series=series, year=year)
    if last_seq < counter.last_seq:
        raise DomainError(
            _("Serien %(code)s %(year)s har redan nått nummer %(seq)s; nummer kan inte återanvändas.")
            % {"code": series.code, "year": year, "seq": counter.last_seq},
            field="last_seq",
        )
    before = counter.last_seq
    counter.last_seq = last_seq
    counter.save(update_fields=["last_seq"])
    if last_seq != before:
        administration_event_record(
            actor=actor, organisation=series.organisation, action="series_counter_set", object_type="series",
            object_id=series.pk, summary=_("Serien %(code)s %(year)s fortsätter efter nummer %(seq)s.")
            % {"code": series.code, "year": year, "seq": last_seq}, changes={"year": year, "last_seq": last_seq})
    return counter
