"""Actions and budgets out to CSV/XLSX and back: lossless, all or nothing."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from diarium.accounts.models import Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.plans import io as plans_io
from diarium.plans import selectors, services
from diarium.plans.models import Action, ActionBudget, FocusArea, Goal, SteeringDocument
from diarium.registry.models import Event

from . import factories as f

pytestmark = pytest.mark.django_db

B = services.BudgetInput


def _plan(registrar, ks, title="Digital agenda 2019–2021"):
    return services.plan_create(actor=registrar, case=f.case(registrar, ks), kind=SteeringDocument.Kind.ACTION_PLAN,
                                title=title, period_start=2019, period_end=2021, owner_organ=ks)


@pytest.fixture
def plan(org, ks, registrar):
    """Two focus areas, three goals, four actions; budgets, an action without any,
    tricky text (a formula-looking title, ; and quotes, line breaks, å ä ö)."""
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind="board")
    anna = f.person(org, "Anna Öberg", email="anna@alingsas.se")
    document = _plan(registrar, ks)
    open_ = services.focus_area_save(actor=registrar, document=document, title="Öppen förvaltning",
                                     description="Insyn och delaktighet")
    smart = services.focus_area_save(actor=registrar, document=document, title="Smart kommun")
    g1 = services.goal_save(actor=registrar, focus_area=open_, title="Öppna data")
    g2 = services.goal_save(actor=registrar, focus_area=open_, title="E-tjänster för alla")
    g3 = services.goal_save(actor=registrar, focus_area=smart, title="Digital skola")
    services.action_save(
        actor=registrar, goal=g1, title="Publicera diariet som öppna data", description="Rad ett\r\nRad två; \"citat\"",
        responsible_organ=ks, responsible_person=anna, start=dt.date(2019, 1, 1), end=dt.date(2020, 6, 30),
        funding_source="Kommunstyrelsens ram", weight="2.5", internal_note="Hemlig anteckning",
        budgets=[B(2019, "250000.50", "0"), B(2020, "100000", "1200000"), B(2021, "0", "0")])
    services.action_save(actor=registrar, goal=g1, title="=SUMMA(A1:A2) inte en formel",
                         budgets=[B(2019, "1", "2")])
    services.action_save(actor=registrar, goal=g2, title="Ny e-tjänst för bygglov")  # no budget rows
    services.action_save(actor=registrar, goal=g3, title="Chromebooks åt alla elever", responsible_organ=bun,
                         budgets=[B(2020, "0", "3000000.00")])
    return document


def _strip_keys(data):
    if isinstance(data, dict):
        return {k: _strip_keys(v) for k, v in data.items() if k != "key"}
    if isinstance(data, list):
        return [_strip_keys(v) for v in data]
    return data


def _structure(document):
    """The snapshot without database keys and the plan's own title (to compare two plans)."""
    data = _strip_keys(selectors.snapshot(document))
    data.pop("title")
    return data


def test_export_rows_one_per_action_and_year(plan):
    rows = plans_io.export_rows(plan)
    assert [(r["aktivitet"], r["år"]) for r in rows] == [
        ("Publicera diariet som öppna data", 2019), ("Publicera diariet som öppna data", 2020),
        ("Publicera diariet som öppna data", 2021), ("=SUMMA(A1:A2) inte en formel", 2019),
        ("Ny e-tjänst för bygglov", ""), ("Chromebooks åt alla elever", 2020),
    ]
    first = rows[0]
    assert first["målområde"] == "Öppen förvaltning" and first["mål"] == "Öppna data"
    assert first["ansvarigt organ"] == "KS" and first["ansvarig"] == "Anna Öberg"
    assert (first["start"], first["klar"], first["vikt"]) == ("2019-01-01", "2020-06-30", "2.50")
    assert (first["drift"], first["investering"]) == ("250000.50", "0.00")
    assert rows[4]["drift"] == rows[4]["investering"] == ""
    assert "intern" not in " ".join(map(str, first.values())).lower()


def test_csv_format(plan):
    data = plans_io.export_csv(plan)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header = text.split("\r\n", 1)[0]
    assert header == ("id;målområde;mål;aktivitet;beskrivning;ansvarigt organ;ansvarig;start;klar;finansiering;"
                      "vikt;år;drift;investering")
    assert ";250000.50;0.00" in text
    assert "'=SUMMA(A1:A2)" in text  # Excel does not run it


def test_xlsx_format(plan):
    wb = load_workbook(io.BytesIO(plans_io.export_xlsx(plan)))
    ws = wb.active
    assert [c.value for c in ws[1]] == plans_io.COLUMNS
    title = ws.cell(row=5, column=4)
    assert title.value == "=SUMMA(A1:A2) inte en formel" and title.data_type == "s"
    assert Decimal(str(ws.cell(row=2, column=13).value)) == Decimal("250000.50")


@pytest.mark.parametrize("export", [plans_io.export_csv, plans_io.export_xlsx])
def test_round_trip_into_the_same_plan_changes_nothing(plan, registrar, export):
    before = selectors.snapshot(plan)
    notes = dict(Action.objects.values_list("pk", "internal_note"))
    events = Event.objects.count()
    result = plans_io.import_file(actor=registrar, document=plan, upload=export(plan))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert (result.focus_areas, result.goals) == (0, 0)
    assert selectors.snapshot(plan) == before
    assert dict(Action.objects.values_list("pk", "internal_note")) == notes
    assert Event.objects.count() == events  # nothing changed, nothing logged


@pytest.mark.parametrize("export", [plans_io.export_csv, plans_io.export_xlsx])
def test_import_into_an_empty_plan_recreates_it(plan, registrar, ks, export):
    empty = _plan(registrar, ks, title="Kopia")
    result = plans_io.import_file(actor=registrar, document=empty, upload=export(plan))
    assert (result.created, result.updated, result.budgets) == (4, 0, 5)
    assert (result.focus_areas, result.goals) == (2, 3)
    copy, original = _structure(empty), _structure(plan)
    # Descriptions of focus areas are not part of the file; XLSX keeps line breaks as \n.
    original["focus_areas"][0]["description"] = ""
    if export is plans_io.export_xlsx:  # spreadsheet programs may store line breaks as \n
        for structure in (original, copy):
            action = structure["focus_areas"][0]["goals"][0]["actions"][0]
            action["description"] = action["description"].replace("\r\n", "\n")
    assert copy == original
    # ... and a second import of the same file finds everything in place.
    again = plans_io.import_file(actor=registrar, document=empty, upload=export(plan))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_edited_export_updates_by_id(plan, registrar):
    rows = plans_io.export_rows(plan)
    action_id = rows[0]["id"]
    for r in rows[:3]:
        r["aktivitet"] = "Publicera hela diariet"
    rows[1]["drift"] = "99 000,00"
    rows = [r for r in rows if r["år"] != 2021 or r["id"] != action_id]
    result = plans_io.import_file(actor=registrar, document=plan, upload=_csv(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    action = Action.objects.get(pk=action_id)
    assert action.title == "Publicera hela diariet" and action.internal_note == "Hemlig anteckning"
    assert {b.year: b.operating for b in action.budgets.all()} == {2019: Decimal("250000.50"),
                                                                   2020: Decimal("99000.00")}


def _csv(rows, delimiter=";", columns=plans_io.COLUMNS, encoding="utf-8-sig"):
    lines = [delimiter.join(columns)]
    for r in rows:
        cells = []
        for c in columns:
            value = str(r.get(c, ""))
            if delimiter in value or '"' in value or "\n" in value:
                value = '"' + value.replace('"', '""') + '"'
            cells.append(value)
        lines.append(delimiter.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_new_rows_with_swedish_amounts(registrar, ks):
    document = _plan(registrar, ks)
    rows = [
        {"målområde": "Trygghet", "mål": "Tryggare centrum", "aktivitet": "Belysning", "ansvarigt organ": "ks",
         "år": "2019", "drift": "250 000,50", "investering": "1\u00a0200\u00a0000"},
        {"målområde": "Trygghet", "mål": "Tryggare centrum", "aktivitet": "Belysning", "ansvarigt organ": "ks",
         "år": "2020", "drift": "12,5", "investering": ""},
        {"målområde": "Trygghet", "mål": "Tryggare centrum", "aktivitet": "Trygghetsvandringar",
         "start": "2019-03-01", "klar": "2019-11-30", "vikt": "1,5"},
    ]
    result = plans_io.import_file(actor=registrar, document=document, upload=_csv(rows))
    assert (result.created, result.updated, result.budgets, result.focus_areas, result.goals) == (2, 0, 2, 1, 1)
    lights = Action.objects.get(title="Belysning")
    assert lights.responsible_organ == ks
    assert [(b.year, b.operating, b.investment) for b in lights.budgets.all()] == [
        (2019, Decimal("250000.50"), Decimal("1200000.00")), (2020, Decimal("12.50"), Decimal("0.00"))]
    walks = Action.objects.get(title="Trygghetsvandringar")
    assert walks.weight == Decimal("1.50") and walks.start == dt.date(2019, 3, 1) and not walks.budgets.exists()


def test_comma_separated_windows_1252(registrar, ks):
    document = _plan(registrar, ks)
    rows = [{"målområde": "Miljö", "mål": "Fossilfri kommun", "aktivitet": "Laddstolpar åt förvaltningen",
             "år": "2021", "drift": "5000", "investering": "70000.00"}]
    data = _csv(rows, delimiter=",", columns=["målområde", "mål", "aktivitet", "år", "drift", "investering"],
                encoding="cp1252")
    result = plans_io.import_file(actor=registrar, document=document, upload=data)
    assert result.created == 1
    action = Action.objects.get()
    assert action.title == "Laddstolpar åt förvaltningen" and action.goal.focus_area.title == "Miljö"
    assert action.budgets.get().investment == Decimal("70000.00")


def test_one_bad_row_writes_nothing(plan, registrar):
    before = selectors.snapshot(plan)
    counts = (FocusArea.objects.count(), Goal.objects.count(), Action.objects.count(), ActionBudget.objects.count())
    rows = plans_io.export_rows(plan)
    for r in rows[:3]:
        r["aktivitet"] = "Byter namn"  # a good change, which must not be written either
    rows.append({"målområde": "Nytt område", "mål": "Nytt mål", "aktivitet": "Ny aktivitet", "år": 2020,
                 "drift": "1000"})
    rows.append({"målområde": "Nytt område", "mål": "Nytt mål", "aktivitet": "Fel organ",
                 "ansvarigt organ": "XYZ"})
    rows.append({"målområde": "Nytt område", "mål": "Nytt mål", "aktivitet": "Fel belopp", "år": 2020,
                 "drift": "12,5x"})
    rows.append({"målområde": "Nytt område", "mål": "Nytt mål", "aktivitet": "Fel år", "år": 2030,
                 "drift": "1"})
    rows.append({"målområde": "Nytt område", "mål": "", "aktivitet": ""})
    with pytest.raises(DomainError) as exc:
        plans_io.import_file(actor=registrar, document=plan, upload=_csv(rows))
    messages = exc.value.errors["rows"]
    assert messages == [
        'Rad 9: Okänt organ "XYZ".',
        'Rad 10: Beloppet "12,5x" är inte ett tal.',
        "Rad 11: Året 2030 ligger utanför planens giltighetstid 2019–2021.",
        "Rad 12: Ange mål.",
        "Rad 12: Ange aktivitet.",
    ]
    assert exc.value.message == messages[0]
    assert selectors.snapshot(plan) == before
    assert (FocusArea.objects.count(), Goal.objects.count(), Action.objects.count(),
            ActionBudget.objects.count()) == counts


def test_inconsistent_and_duplicate_rows_are_reported(plan, registrar):
    rows = plans_io.export_rows(plan)
    rows[1]["ansvarig"] = ""  # differs from the action's first row
    rows.append(dict(rows[3]))  # the same year twice
    rows.append({**rows[4], "ansvarig": "Ingen Alls"})
    with pytest.raises(DomainError) as exc:
        plans_io.import_file(actor=registrar, document=plan, upload=_csv(rows))
    assert exc.value.errors["rows"] == [
        'Rad 3: Aktiviteten "Publicera diariet som öppna data" har andra uppgifter än på rad 2. Ändra alla rader '
        "för aktiviteten.",
        'Rad 8: Aktiviteten "=SUMMA(A1:A2) inte en formel" har redan en budgetrad för 2019.',
        'Rad 9: Okänd person "Ingen Alls".',
    ]


def test_a_reader_is_refused(plan, org):
    reader = f.user(org, Role.READER)
    events = Event.objects.count()
    with pytest.raises(PermissionDenied):
        plans_io.import_file(actor=reader, document=plan, upload=plans_io.export_csv(plan))
    assert Event.objects.count() == events


def test_files_that_are_not_tables(plan, registrar):
    with pytest.raises(DomainError, match="saknar kolumnen"):
        plans_io.import_file(actor=registrar, document=plan, upload=b"hej;hopp\r\n1;2\r\n")
    with pytest.raises(DomainError, match="XLSX"):
        plans_io.import_file(actor=registrar, document=plan, upload=b"PK\x03\x04trasig")
    with pytest.raises(DomainError, match="tom"):
        plans_io.import_file(actor=registrar, document=plan, upload=b"")
    with pytest.raises(DomainError, match="inga aktiviteter"):
        plans_io.import_file(actor=registrar, document=plan, upload=_csv([]))


def test_uploaded_file_object(plan, registrar):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.xlsx", plans_io.export_xlsx(plan))
    result = plans_io.import_file(actor=registrar, document=plan, upload=upload)
    assert result.unchanged == 4


def test_people_with_the_same_name(plan, registrar, org):
    """An export names the person; when two share the name, the one already
    responsible is kept, and a new action cannot say which one is meant."""
    f.person(org, "Anna Öberg", email="anna.oberg2@alingsas.se")
    before = selectors.snapshot(plan)
    result = plans_io.import_file(actor=registrar, document=plan, upload=plans_io.export_csv(plan))
    assert result.unchanged == 4 and selectors.snapshot(plan) == before
    rows = [{"målområde": "Ny", "mål": "Ny", "aktivitet": "Ny", "ansvarig": "Anna Öberg"}]
    with pytest.raises(DomainError) as exc:
        plans_io.import_file(actor=registrar, document=plan, upload=_csv(rows))
    assert exc.value.errors["rows"] == [
        'Rad 2: Flera personer heter "Anna Öberg"; välj ansvarig i formuläret i stället.']


def test_an_action_moves_to_another_goal_by_id(plan, registrar):
    rows = plans_io.export_rows(plan)
    moved = [r for r in rows if r["aktivitet"] == "Ny e-tjänst för bygglov"][0]
    moved["målområde"], moved["mål"] = "Smart kommun", "Digital skola"
    result = plans_io.import_file(actor=registrar, document=plan, upload=_csv(rows))
    assert (result.created, result.updated) == (0, 1)
    assert Action.objects.get(pk=moved["id"]).goal.title == "Digital skola"
