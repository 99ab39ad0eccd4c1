"""The statistics page (/statistik/) and each of its tables as a CSV file
(/statistik/<table>.csv): for one organisation (staff of several pick one)
and a period (the last twelve months, or a calendar year). Thin: the rights
are access.py's, the numbers statistics.py's, the charts charts.py's."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from diarium.core.web import domain_errors, posted_id
from diarium.core.spreadsheet import excel_csv, formula_safe

from . import access, charts, statistics
from .statistics import Period, Table


def _chosen(request, organisations=None) -> tuple:
    """The organisation (checked by access) and the period the request asks for."""
    organisation = access.statistics_organisation_get(user=request.user, organisations=organisations,
                                                      pk=posted_id(request.GET.get("organisation")))
    year = posted_id(request.GET.get("ar"))
    if year is not None and not 1900 <= year <= 2999:
        year = None
    return organisation, statistics.period_for(year=year)


def _shown(value) -> str:
    """A cell as the page and the CSV file show it: a decimal comma, "–" for no value."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def _chart(table: Table) -> SafeString | None:
    chart_id = f"diagram-{table.slug}"
    if table.slug == statistics.REGISTERED:
        return charts.count_bars([(row[0], row[-1]) for row in table.rows], chart_id=chart_id,
                                 title=_("Registrerade ärenden per månad, alla organ"), unit=_("ärenden"))
    if table.slug == statistics.OPEN_BY_ORGAN and table.rows:
        return charts.count_bars([(row[0], row[1]) for row in table.rows], chart_id=chart_id,
                                 title=_("Pågående ärenden per organ"), unit=_("ärenden"))
    if table.slug == statistics.HANDLING_BY_ORGAN and table.rows:
        return charts.count_bars([(row[0], row[2]) for row in table.rows], chart_id=chart_id,
                                 title=_("Handläggningstid per organ, median i dagar"), unit=_("dagar"))
    if table.slug == statistics.COPY_REQUESTS:
        return charts.progress_bars([(row[0], row[3]) for row in table.rows], chart_id=chart_id,
                                    title=_("Andel begäranden om allmän handling avgjorda inom måltiden, "
                                            "procent per månad"))
    return None


HEADINGS = {
    statistics.REGISTERED: gettext_lazy("Registrerade ärenden"),
    statistics.OPEN_BY_OFFICER: gettext_lazy("Pågående ärenden per handläggare"),
    statistics.OPEN_BY_ORGAN: gettext_lazy("Pågående ärenden per organ"),
    statistics.HANDLING_BY_CLASSIFICATION: gettext_lazy("Handläggningstid per klassificering"),
    statistics.HANDLING_BY_ORGAN: gettext_lazy("Handläggningstid per organ"),
    statistics.COPY_REQUESTS: gettext_lazy("Utlämnande av allmänna handlingar i tid"),
}


@dataclass
class Section:
    table: Table
    heading: str
    chart: SafeString | None
    rows: list[list[str]]
    footer: list[str] | None
    csv_url: str


def _query(organisation, period: Period) -> str:
    return urlencode({"organisation": organisation.pk, **({"ar": period.year} if period.year else {})})


@login_required
@domain_errors
@require_GET
def statistics_page(request):
    organisations = access.statistics_organisations(request.user)
    organisation, period = _chosen(request, organisations)
    tables = statistics.statistics_tables(organisation=organisation, period=period)
    query = _query(organisation, period)
    sections = [
        Section(table=table, heading=str(HEADINGS[slug]), chart=_chart(table),
                rows=[[_shown(v) for v in row] for row in table.rows],
                footer=[_shown(v) for v in table.footer] if table.footer else None,
                csv_url=reverse("desk:statistics_csv", args=[slug]) + f"?{query}")
        for slug, table in tables.items()
    ]
    return render(request, "desk/statistics.html", {
        "organisation": organisation, "organisations": organisations,
        "period": period, "years": statistics.statistics_years(organisation), "sections": sections,
    })


def _csv_cell(value) -> str:
    text = _shown(value) if value is not None else ""
    return formula_safe(text) if isinstance(value, str) else text


@login_required
@domain_errors
@require_GET
def statistics_csv(request, table: str):
    """One table as CSV: UTF-8 with BOM, semicolons and decimal commas, which
    Excel in Sweden opens as it is."""
    organisation, period = _chosen(request)
    tables = statistics.statistics_tables(organisation=organisation, period=period, only=table)
    if table not in tables:
        raise Http404(_("Tabellen finns inte."))
    content = excel_csv([_csv_cell(v) for v in row] for row in tables[table].as_rows())
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    name = f"statistik-{table}-{organisation.slug}-{period.year or period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
