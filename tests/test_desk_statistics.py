"""Issue 21: statistics for the registrar and managers. For one organisation
and a period: cases registered per month and organ, open cases and what is
overdue per officer and organ, handling times (median and 90th percentile) per
classification and organ, and requests for public documents decided within
their target time; a chart with its data table and a CSV file per table.
Counts only, for the organisation's admins, registrars and readers with an
organisation-wide role."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from diarium.accounts.models import Organ, Role
from diarium.desk import statistics
from diarium.registry import services
from diarium.registry.models import CopyRequest, DueDate

from . import factories as f

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SECRET_TITLE = "Hemlig ärendemening om Karin Ek"
REQUESTER = "Sixten Sökande"


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=STOCKHOLM)


def handled(registrar, organ, registered: str, days: int, **kw):
    """A case registered on `registered` at noon and closed `days` days later at noon."""
    with f.on_day(registered):
        case = f.case(registrar, organ, title=SECRET_TITLE, **kw)
    closed = dt.date.fromisoformat(registered) + dt.timedelta(days=days)
    with f.on_day(closed):
        services.case_close(actor=registrar, case=case)
    return case


@pytest.fixture
def w(org, ks, registrar):
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)
    admin = f.user(org, Role.ADMIN)
    # Areas and groups of a scheme without processes: the cases need no classification (one has none).
    services.classification_create(actor=admin, organisation=org, code="3", title="Samhällsbyggnad")
    services.classification_create(actor=admin, organisation=org, code="7", title="Utbildning")
    plan = services.classification_create(actor=admin, organisation=org, code="3.1", title="Detaljplaner")
    school = services.classification_create(actor=admin, organisation=org, code="7.2", title="Skolskjuts")
    anna, bertil = f.person(org, "Anna Handläggare"), f.person(org, "Bertil Handläggare")
    # Closed in 2025, all between April and September (no change of summer time in between).
    for registered, days in (("2025-05-02", 10), ("2025-05-05", 20), ("2025-06-02", 30), ("2025-06-09", 40)):
        handled(registrar, ks, registered, days, classification=plan)
    handled(registrar, ks, "2025-07-01", 7)  # no classification
    for registered, days in (("2025-04-01", 5), ("2025-04-02", 15), ("2025-05-01", 100)):
        handled(registrar, bun, registered, days, classification=school)
    handled(registrar, ks, "2025-12-01", 40, classification=plan)  # closed in 2026: not in 2025's times
    # Open cases, with due dates and requests for public documents.
    with f.on_day("2025-08-11"):
        open_ks = [f.case(registrar, ks, title=SECRET_TITLE, case_officer=anna) for _ in range(3)]
        open_bun = f.case(registrar, bun, title=SECRET_TITLE, case_officer=bertil)
        f.case(registrar, ks, title=SECRET_TITLE)  # no case officer
        document = f.document(registrar, open_ks[0], counterpart="Karin Ek", counterpart_is_private=True)
    # Due dates as their service writes them (set in the past, so overdue now).
    def due(case, day, person=None, done=False):
        return DueDate.objects.create(organisation_id=case.organisation_id, case=case, due_on=dt.date.fromisoformat(day), reason="Yttrande ska komma in",
                                      person=person, created_at=at("2025-08-11"),
                                      done_at=at("2025-09-01") if done else None)

    due(open_ks[0], "2025-09-01")  # watched by the case officer, Anna
    due(open_ks[1], "2025-09-02", person=bertil)
    due(open_bun, "2025-09-03")  # Bertil's
    due(open_ks[2], "2025-09-04", done=True)  # done: not overdue
    due(open_ks[2], "2099-01-01")  # not yet due

    # Requests for public documents as their service writes them.
    def request(received, due_at, decided=None, assigned=None):
        return CopyRequest.objects.create(
            organisation=org, case=open_ks[0], document=document, name=REQUESTER, contact="sixten@example.se",
            format="email", received_at=at(received), due_at=at(due_at), assigned_to=assigned,
            decided_at=at(decided) if decided else None, outcome="released" if decided else "")

    request("2025-05-05", "2025-05-07", decided="2025-05-06")  # in time
    request("2025-05-12", "2025-05-14", decided="2025-05-14", assigned=anna)  # in time, on the day (noon)
    request("2025-05-19", "2025-05-21", decided="2025-05-28")  # late
    request("2025-06-02", "2025-06-04", decided="2025-06-03")  # in time
    request("2025-07-01", "2025-07-03", assigned=anna)  # undecided and overdue
    request("2025-07-01", "2099-07-03")  # undecided, not yet due
    return SimpleNamespace(org=org, ks=ks, bun=bun, registrar=registrar, admin=admin, anna=anna, bertil=bertil,
                           plan=plan, school=school)


def tables(w, year=2025):
    return statistics.statistics_tables(organisation=w.org, period=statistics.period_for(year=year))


# --- the numbers ----------------------------------------------------------------------------------
def test_percentiles_interpolate_as_percentile_cont():
    assert statistics.percentile([], 0.5) is None
    assert statistics.percentile([7.0], 0.9) == 7.0
    assert statistics.percentile([10.0, 20.0, 30.0, 40.0], 0.5) == 25.0
    assert statistics.percentile([10.0, 20.0, 30.0, 40.0], 0.9) == pytest.approx(37.0)


def test_handling_times_per_classification_and_organ(w):
    t = tables(w)
    by_class = t[statistics.HANDLING_BY_CLASSIFICATION]
    assert by_class.rows == [
        ["3.1 Detaljplaner", 4, 25.0, 37.0],
        ["7.2 Skolskjuts", 3, 15.0, 83.0],
        ["Ingen klassificering", 1, 7.0, 7.0],
    ]
    assert by_class.footer == ["Alla ärenden", 8, 17.5, 58.0]
    by_organ = t[statistics.HANDLING_BY_ORGAN]
    assert by_organ.rows == [["Barn- och ungdomsnämnden", 3, 15.0, 83.0], ["Kommunstyrelsen", 5, 20.0, 36.0]]
    # The case closed in January 2026 counts in 2026.
    assert tables(w, 2026)[statistics.HANDLING_BY_CLASSIFICATION].rows == [["3.1 Detaljplaner", 1, 40.0, 40.0]]


def test_cases_registered_per_month_and_organ(w):
    table = tables(w)[statistics.REGISTERED]
    assert [c.label for c in table.columns] == ["Månad", "BUN", "KS", "Totalt"]
    rows = {row[0]: row[1:] for row in table.rows}
    assert len(rows) == 12
    assert rows["2025-04"] == [2, 0, 2]
    assert rows["2025-05"] == [1, 2, 3]
    assert rows["2025-06"] == [0, 2, 2]
    assert rows["2025-07"] == [0, 1, 1]
    assert rows["2025-08"] == [1, 4, 5]
    assert rows["2025-12"] == [0, 1, 1]
    assert rows["2025-01"] == [0, 0, 0]
    assert table.footer == ["Totalt", 4, 10, 14]


def test_open_cases_and_what_is_overdue(w):
    t = tables(w)
    assert t[statistics.OPEN_BY_OFFICER].rows == [
        ["Anna Handläggare", 3, 1, 1],
        ["Bertil Handläggare", 1, 2, 0],
        ["Ingen handläggare", 1, 0, 0],
    ]
    assert t[statistics.OPEN_BY_OFFICER].footer == ["Totalt", 5, 3, 1]
    assert t[statistics.OPEN_BY_ORGAN].rows == [["Barn- och ungdomsnämnden", 1, 1, 0], ["Kommunstyrelsen", 4, 2, 1]]


def test_copy_requests_decided_within_the_target_time(w):
    table = tables(w)[statistics.COPY_REQUESTS]
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["2025-05"] == [3, 2, 66.7]
    assert rows["2025-06"] == [1, 1, 100.0]
    assert rows["2025-07"] == [0, 0, None]
    assert table.footer == ["Totalt", 4, 3, 75.0]


def test_the_default_period_is_the_last_twelve_months():
    period = statistics.period_for(today=dt.date(2026, 3, 15))
    assert (period.start, period.end, period.year) == (dt.date(2025, 4, 1), dt.date(2026, 3, 15), None)
    assert len(period.months) == 12 and period.months[0] == dt.date(2025, 4, 1)
    assert period.months[-1] == dt.date(2026, 3, 1)


def test_another_organisation_is_not_counted(w):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    ks2 = f.organ(other)
    registrar2 = f.registrar(other)
    handled(registrar2, ks2, "2025-05-02", 3)
    assert tables(w)[statistics.HANDLING_BY_ORGAN].footer[1] == 8
    theirs = statistics.statistics_tables(organisation=other, period=statistics.period_for(year=2025))
    assert theirs[statistics.HANDLING_BY_ORGAN].rows == [["Kommunstyrelsen", 1, 3.0, 3.0]]
    assert theirs[statistics.OPEN_BY_OFFICER].rows == []


# --- the page and its files -----------------------------------------------------------------------
def test_the_page_shows_charts_with_their_tables_and_csv_links(client, w, django_assert_max_num_queries):
    client.force_login(w.registrar)
    # The session, the user and their roles; the organisations, organs and years; eight for the
    # tables (and the officers' and classifications' names), however large the register.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("desk:statistics"), {"ar": "2025"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Statistik för Alingsås kommun" in page
    assert page.count('<figure class="chart-figure">') == 4 and page.count('role="img"') == 4
    assert page.count("<caption>") == 6
    assert '<th scope="row">3.1 Detaljplaner</th><td class="num">4</td><td class="num">25,0</td>' in page
    assert '<abbr title="Barn- och ungdomsnämnden">BUN</abbr>' in page
    assert '<option value="2025" selected>2025</option>' in page
    csv_url = reverse("desk:statistics_csv", args=[statistics.HANDLING_BY_CLASSIFICATION])
    assert f'href="{csv_url}?organisation={w.org.pk}&amp;ar=2025"' in page
    assert client.get(reverse("desk:statistics")).status_code == 200  # the last twelve months


def test_a_table_as_csv(client, w):
    client.force_login(w.registrar)
    url = reverse("desk:statistics_csv", args=[statistics.HANDLING_BY_CLASSIFICATION])
    response = client.get(url, {"organisation": w.org.pk, "ar": "2025"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="statistik-handlaggningstid-per-klassificering-alingsas-2025.csv"' in \
        response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Klassificering", "Avslutade ärenden", "Median, dagar", "90:e percentilen, dagar"],
        ["3.1 Detaljplaner", "4", "25,0", "37,0"],
        ["7.2 Skolskjuts", "3", "15,0", "83,0"],
        ["Ingen klassificering", "1", "7,0", "7,0"],
        ["Alla ärenden", "8", "17,5", "58,0"],
    ]
    rows = list(csv.reader(io.StringIO(client.get(
        reverse("desk:statistics_csv", args=[statistics.COPY_REQUESTS]),
        {"organisation": w.org.pk, "ar": "2025"}).content.decode("utf-8-sig")), delimiter=";"))
    assert ["2025-05", "3", "2", "66,7"] in rows and ["2025-07", "0", "0", ""] in rows
    assert client.get(reverse("desk:statistics_csv", args=["arendemeningar"])).status_code == 404


def test_statistics_are_counts_only(client, w):
    """No case title, no private person's name, no requester reaches the page or its files."""
    client.force_login(w.registrar)
    texts = [client.get(reverse("desk:statistics"), {"ar": "2025"}).content.decode()]
    for slug in statistics.TABLES:
        texts.append(client.get(reverse("desk:statistics_csv", args=[slug]),
                                {"ar": "2025"}).content.decode("utf-8-sig"))
    for text in texts:
        assert "Hemlig ärendemening" not in text and "Karin Ek" not in text
        assert REQUESTER not in text and "sixten@example.se" not in text


# --- rights ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.ADMIN, Role.REGISTRAR, Role.READER])
def test_organisation_wide_roles_see_the_statistics(client, w, role):
    client.force_login(f.user(w.org, role))
    assert client.get(reverse("desk:statistics")).status_code == 200


def test_a_case_officer_or_a_role_on_one_organ_is_refused(client, w):
    for user in (f.user(w.org, Role.CASE_OFFICER), f.user(w.org, Role.CASE_OFFICER, w.ks),
                 f.user(w.org, Role.READER, w.ks), f.user(w.org, Role.REGISTRAR, w.bun)):
        client.force_login(user)
        response = client.get(reverse("desk:statistics"))
        assert response.status_code == 403
        assert "Du har inte behörighet att se statistiken" in response.content.decode()
        url = reverse("desk:statistics_csv", args=[statistics.REGISTERED])
        assert client.get(url, {"organisation": w.org.pk}).status_code == 403


def test_another_organisations_registrar_is_refused_and_the_public_is_sent_to_log_in(client, w):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    client.force_login(f.registrar(other))
    assert client.get(reverse("desk:statistics"), {"organisation": w.org.pk}).status_code == 403
    page = client.get(reverse("desk:statistics")).content.decode()
    assert "Statistik för Vårgårda kommun" in page and 'name="organisation"' in page
    client.logout()
    response = client.get(reverse("desk:statistics"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_staff_of_several_organisations_pick_one(client, w):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    manager = f.user(w.org, Role.READER)
    f.accounts.role_grant(user=manager, organisation=other, role=Role.READER)
    client.force_login(manager)
    page = client.get(reverse("desk:statistics")).content.decode()
    assert '<label for="statistik-organisation">Organisation</label>' in page
    assert f'<option value="{other.pk}">Vårgårda kommun</option>' in page
    page = client.get(reverse("desk:statistics"), {"organisation": other.pk}).content.decode()
    assert "Statistik för Vårgårda kommun" in page
