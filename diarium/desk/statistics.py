"""Statistics for the registrar and managers, for one organisation and a
period: cases registered per month and organ, open cases and what is overdue
per officer and organ, handling times (handläggningstid) per classification
and organ, and requests for public documents decided within their target time.

Counts only: no case titles or descriptions, no names but those of the staff
(the case officers), the organs and the classifications. The rights are
access.can_see_statistics; these selectors take the organisation they are
given. Everything is aggregated in the database (a GROUP BY with filtered
COUNTs, a month's bounds as plain comparisons), each query answered from an
index alone (the registry's case_organ_registered, case_org_status_officer and
case_closed_times); the medians and 90th percentiles are taken over the
period's closed cases, fetched as (classification, organ, days) tuples with
the days computed by the database. Eight queries for the tables, whatever the
register's size.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import NotSupportedError
from django.db.models import Count, F, FloatField, Func, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Organisation, Person
from diarium.registry.models import (
    Case,
    Classification,
    CopyRequest,
    DueDate,
    SeriesCounter,
)

MONTHS_BY_DEFAULT = 12


# --- the period -------------------------------------------------------------------------------
def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _local_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end` (both included): a calendar year,
    or the last twelve months (this month so far and the eleven before)."""

    start: dt.date
    end: dt.date
    year: int | None = None

    @property
    def start_at(self) -> dt.datetime:
        return _local_start(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """The first moment after the period."""
        return _local_start(self.end + dt.timedelta(days=1))

    @property
    def months(self) -> list[dt.date]:
        """The first day of each month of the period."""
        months, month = [], _month_start(self.start)
        while month <= self.end:
            months.append(month)
            month = _next_month(month)
        return months

    def month_bounds(self) -> list[tuple[dt.date, dt.datetime, dt.datetime]]:
        """(month, its first moment, the first moment after it), within the period."""
        return [(m, max(_local_start(m), self.start_at), min(_local_start(_next_month(m)), self.end_at))
                for m in self.months]

    @property
    def label(self) -> str:
        if self.year is not None:
            return str(self.year)
        return _("%(start)s–%(end)s") % {"start": self.start.isoformat(), "end": self.end.isoformat()}


def period_for(*, year: int | None = None, today: dt.date | None = None) -> Period:
    """A calendar year, or by default the last twelve months up to `today`."""
    today = today or timezone.localdate()
    if year is not None:
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), year)
    start = _month_start(today)
    for _month in range(MONTHS_BY_DEFAULT - 1):
        start = _month_start(start - dt.timedelta(days=1))
    return Period(start, today)


def statistics_years(organisation: Organisation) -> list[int]:
    """Years with cases in the organisation, newest first (from the few counter rows)."""
    return sorted(set(SeriesCounter.objects.filter(series__organisation=organisation, last_seq__gt=0)
                      .values_list("year", flat=True)), reverse=True)


# --- the tables -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    label: str
    title: str = ""  # a longer name for the header (an organ's name beside its code)


@dataclass
class Table:
    """One table of the page and of its CSV file: the first column heads the rows."""

    slug: str
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    footer: list | None = None
    note: str = ""

    def as_rows(self) -> list[list]:
        """The header row, the rows and the footer: what the CSV file holds."""
        return [[c.label for c in self.columns], *self.rows, *([self.footer] if self.footer else [])]


REGISTERED = "registrerade"
OPEN_BY_OFFICER = "pagaende-per-handlaggare"
OPEN_BY_ORGAN = "pagaende-per-organ"
HANDLING_BY_CLASSIFICATION = "handlaggningstid-per-klassificering"
HANDLING_BY_ORGAN = "handlaggningstid-per-organ"
COPY_REQUESTS = "utlamnande-i-tid"


class DaysBetween(Func):
    """The days (with fractions) from one moment to a later one, computed by the
    database: SQLite's julianday, PostgreSQL's epoch of the interval."""

    output_field = FloatField()
    arity = 2

    def _parts(self, compiler, connection):
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        return start, end

    def as_sqlite(self, compiler, connection, **extra_context):
        (start, start_params), (end, end_params) = self._parts(compiler, connection)
        return f"(julianday({end}) - julianday({start}))", (*end_params, *start_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        (start, start_params), (end, end_params) = self._parts(compiler, connection)
        return (f"(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS double precision) / 86400.0)",
                (*end_params, *start_params))

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("DaysBetween is written for SQLite and PostgreSQL.")


def percentile(values: list[float], share: float) -> float | None:
    """The `share` percentile of the sorted `values`, interpolated linearly
    between the two nearest (as PostgreSQL's percentile_cont): the median is
    percentile(values, 0.5). None for no values."""
    if not values:
        return None
    position = share * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _organs(organisation: Organisation) -> dict[int, Organ]:
    return {o.pk: o for o in Organ.objects.filter(organisation=organisation).only("pk", "code", "name").order_by()}


def _by_name(names: dict, key) -> tuple:
    """Rows sorted by their name, with the row for "none" last."""
    return (key is None, (names.get(key) or "").casefold())


def registered_table(*, organisation: Organisation, period: Period, organs: dict[int, Organ]) -> Table:
    """Cases registered per month of the period, per organ and in all. One query."""
    bounds = period.month_bounds()
    counts = {f"m{i}": Count("pk", filter=Q(registered_at__gte=start, registered_at__lt=end))
              for i, (_m, start, end) in enumerate(bounds)}
    # By the organisation's organs, not the organisation: the index on (organ, registered_at) then
    # answers the query alone.
    rows = (Case.objects.filter(organ_id__in=sorted(organs), registered_at__gte=period.start_at,
                                registered_at__lt=period.end_at)
            .values("organ_id").annotate(**counts).order_by())
    per_organ = {row["organ_id"]: [row[f"m{i}"] for i in range(len(bounds))] for row in rows}
    shown = sorted(per_organ, key=lambda pk: organs[pk].name.casefold() if pk in organs else "")
    table = Table(
        slug=REGISTERED, caption=_("Registrerade ärenden per månad och organ, %(period)s") % {"period": period.label},
        columns=[Column(_("Månad"))] + [Column(organs[pk].code, organs[pk].name) for pk in shown]
        + [Column(_("Totalt"))],
    )
    for i, (month, _start, _end) in enumerate(bounds):
        values = [per_organ[pk][i] for pk in shown]
        table.rows.append([f"{month:%Y-%m}", *values, sum(values)])
    totals = [sum(per_organ[pk]) for pk in shown]
    table.footer = [_("Totalt"), *totals, sum(totals)]
    return table


def open_tables(*, organisation: Organisation, organs: dict[int, Organ],
                now: dt.datetime | None = None) -> tuple[Table, Table]:
    """Open cases, overdue due dates (not done, past their day) and undecided
    requests for public documents past their target time, per officer and per
    organ, as they are now. A due date is watched by its person, else by the
    case officer; a request by the officer it is assigned to. Three queries,
    and one for the officers' names."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    open_cases = (Case.objects.filter(organisation=organisation, status=Case.Status.OPEN)
                  .values_list("case_officer_id", "organ_id").annotate(n=Count("pk")).order_by())
    overdue_dates = (DueDate.objects.filter(organisation=organisation, done_at__isnull=True, due_on__lt=today)
                     .annotate(watcher=Coalesce("person_id", "case__case_officer_id"))
                     .values_list("watcher", "case__organ_id").annotate(n=Count("pk")).order_by())
    overdue_requests = (CopyRequest.objects.filter(organisation=organisation, decided_at__isnull=True, due_at__lt=now)
                        .values_list("assigned_to_id", "case__organ_id").annotate(n=Count("pk")).order_by())
    by_officer: dict[int | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_organ: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for column, rows in enumerate((open_cases, overdue_dates, overdue_requests)):
        for person_id, organ_id, n in rows:
            by_officer[person_id][column] += n
            by_organ[organ_id][column] += n
    people = dict(Person.objects.filter(pk__in=[pk for pk in by_officer if pk is not None])
                  .values_list("pk", "name"))
    columns = [Column(_("Pågående ärenden")), Column(_("Försenade bevakningar")),
               Column(_("Försenade begäranden om allmän handling"))]
    officer_table = Table(
        slug=OPEN_BY_OFFICER, caption=_("Pågående ärenden och förseningar per handläggare, %(day)s")
        % {"day": today.isoformat()}, columns=[Column(_("Handläggare")), *columns],
        note=_("En bevakning räknas på den som bevakar den, annars på ärendets handläggare; en begäran om "
               "allmän handling på den handläggare den är fördelad till."))
    for person_id in sorted(by_officer, key=lambda pk: _by_name(people, pk)):
        officer_table.rows.append([people.get(person_id) or _("Ingen handläggare"), *by_officer[person_id]])
    names = {pk: o.name for pk, o in organs.items()}
    organ_table = Table(
        slug=OPEN_BY_ORGAN, caption=_("Pågående ärenden och förseningar per organ, %(day)s")
        % {"day": today.isoformat()}, columns=[Column(_("Organ")), *columns])
    for organ_id in sorted(by_organ, key=lambda pk: _by_name(names, pk)):
        organ_table.rows.append([names.get(organ_id, ""), *by_organ[organ_id]])
    for table, groups in ((officer_table, by_officer), (organ_table, by_organ)):
        table.footer = [_("Totalt"), *(sum(values[i] for values in groups.values()) for i in range(3))]
    return officer_table, organ_table


def handling_time_tables(*, organisation: Organisation, period: Period,
                         organs: dict[int, Organ]) -> tuple[Table, Table]:
    """Handling times (from registration to closing, in days) of the cases
    closed in the period: how many, the median and the 90th percentile, per
    classification and per organ. One query for the days, one for the
    classifications' names."""
    # A case has closed_at only while it is closed (services.case_close, case_reopen): the
    # period's bounds on it find the closed cases, from the index case_closed_times alone.
    rows = (Case.objects.filter(organisation=organisation, closed_at__gte=period.start_at,
                                closed_at__lt=period.end_at)
            .annotate(days=DaysBetween(F("registered_at"), F("closed_at")))
            .values_list("classification_id", "organ_id", "days").order_by())
    by_class: dict[int | None, list[float]] = defaultdict(list)
    by_organ: dict[int, list[float]] = defaultdict(list)
    every: list[float] = []
    for classification_id, organ_id, days in rows:
        days = max(float(days), 0.0)
        by_class[classification_id].append(days)
        by_organ[organ_id].append(days)
        every.append(days)
    classes = {pk: f"{code} {title}" for pk, code, title in Classification.objects.filter(
        pk__in=[pk for pk in by_class if pk is not None]).values_list("pk", "code", "title")}
    columns = [Column(_("Avslutade ärenden")), Column(_("Median, dagar")), Column(_("90:e percentilen, dagar"))]
    note = _("Handläggningstid: tiden från registrering till avslut, i dagar, för ärenden avslutade under "
             "perioden. 90:e percentilen: nio av tio ärenden avslutades inom så många dagar.")

    def line(label: str, values: list[float]) -> list:
        values.sort()
        return [label, len(values), _days(percentile(values, 0.5)), _days(percentile(values, 0.9))]

    class_table = Table(
        slug=HANDLING_BY_CLASSIFICATION, caption=_("Handläggningstid per klassificering, %(period)s")
        % {"period": period.label}, columns=[Column(_("Klassificering")), *columns], note=note)
    for pk in sorted(by_class, key=lambda pk: (pk is None, classes.get(pk, ""))):
        class_table.rows.append(line(classes.get(pk) or _("Ingen klassificering"), by_class[pk]))
    names = {pk: o.name for pk, o in organs.items()}
    organ_table = Table(
        slug=HANDLING_BY_ORGAN, caption=_("Handläggningstid per organ, %(period)s") % {"period": period.label},
        columns=[Column(_("Organ")), *columns], note=note)
    for pk in sorted(by_organ, key=lambda pk: _by_name(names, pk)):
        organ_table.rows.append(line(names.get(pk, ""), by_organ[pk]))
    for table in (class_table, organ_table):
        table.footer = line(_("Alla ärenden"), list(every))
    return class_table, organ_table


def copy_requests_table(*, organisation: Organisation, period: Period) -> Table:
    """Requests for public documents decided in each month of the period, and
    how many of them within their target time (decided no later than due). One query."""
    bounds = period.month_bounds()
    in_time = Q(decided_at__lte=F("due_at"))
    counts = {}
    for i, (_m, start, end) in enumerate(bounds):
        month = Q(decided_at__gte=start, decided_at__lt=end)
        counts[f"d{i}"] = Count("pk", filter=month)
        counts[f"t{i}"] = Count("pk", filter=month & in_time)
    row = CopyRequest.objects.filter(organisation=organisation, decided_at__gte=period.start_at,
                                     decided_at__lt=period.end_at).aggregate(**counts)
    table = Table(
        slug=COPY_REQUESTS, caption=_("Begäranden om allmän handling avgjorda inom måltiden, %(period)s")
        % {"period": period.label},
        columns=[Column(_("Månad")), Column(_("Avgjorda")), Column(_("Inom måltiden")),
                 Column(_("Andel inom måltiden, procent"))],
        note=_("En begäran är avgjord inom måltiden när den avgjordes senast den tid den skulle vara avgjord."))

    def share(decided: int, timely: int) -> float | None:
        return round(100 * timely / decided, 1) if decided else None

    for i, (month, _start, _end) in enumerate(bounds):
        decided, timely = row[f"d{i}"] or 0, row[f"t{i}"] or 0
        table.rows.append([f"{month:%Y-%m}", decided, timely, share(decided, timely)])
    decided = sum(r[1] for r in table.rows)
    timely = sum(r[2] for r in table.rows)
    table.footer = [_("Totalt"), decided, timely, share(decided, timely)]
    return table


# --- the page and its files --------------------------------------------------------------------
TABLES = (REGISTERED, OPEN_BY_OFFICER, OPEN_BY_ORGAN, HANDLING_BY_CLASSIFICATION, HANDLING_BY_ORGAN,
          COPY_REQUESTS)


def _builders(organisation: Organisation, period: Period, organs: dict[int, Organ],
              now: dt.datetime | None) -> dict[str, Callable[[], tuple[Table, ...]]]:
    """Each table's builder; the tables built together share one."""
    def opened():
        return open_tables(organisation=organisation, organs=organs, now=now)

    def handled():
        return handling_time_tables(organisation=organisation, period=period, organs=organs)

    return {
        REGISTERED: lambda: (registered_table(organisation=organisation, period=period, organs=organs),),
        OPEN_BY_OFFICER: opened, OPEN_BY_ORGAN: opened,
        HANDLING_BY_CLASSIFICATION: handled, HANDLING_BY_ORGAN: handled,
        COPY_REQUESTS: lambda: (copy_requests_table(organisation=organisation, period=period),),
    }


def statistics_tables(*, organisation: Organisation, period: Period, only: str | None = None,
                      now: dt.datetime | None = None) -> dict[str, Table]:
    """The statistics' tables by slug, in the page's order; with `only`, that
    table alone (for its CSV file). An unknown `only` gives nothing."""
    organs = _organs(organisation)
    builders = _builders(organisation, period, organs, now)
    wanted = [only] if only is not None else list(TABLES)
    built: dict[str, Table] = {}
    done: set = set()
    for slug in wanted:
        builder = builders.get(slug)
        if builder is None or builder in done:
            continue
        done.add(builder)
        built.update({table.slug: table for table in builder()})
    return {slug: built[slug] for slug in TABLES if slug in built and slug in wanted}
