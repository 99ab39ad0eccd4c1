"""The classification scheme (issue 22, part 1): verksamhetsområde → processgrupp
→ process, kept by the organisation's administrators, imported from CSV or XML
(all errors at once, nothing half-written, idempotent), and required on every
case once the organisation has a process in use; the code in the diary record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from diarium.accounts.models import Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import services
from diarium.registry.classification_files import scheme_file_read
from diarium.registry.models import Case, Classification, ClassificationEvent, Event

from . import factories as f
from .api_support import post_json
from .test_api_schema import assert_matches, spec  # noqa: F401

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).parent.parent / "diarium" / "registry" / "static" / "registry"
CSV_HEADER = "kod;benämning;nivå;beskrivning\n"


@pytest.fixture
def w(org, ks, registrar):
    admin = f.user(org, Role.ADMIN, username="admin-alingsas")
    lerum = f.organisation(name="Lerums kommun", slug="lerum")
    lerum_ks = f.organ(lerum, code="LKS", name="Kommunstyrelsen i Lerum")
    return SimpleNamespace(org=org, ks=ks, registrar=registrar, admin=admin, lerum=lerum, lerum_ks=lerum_ks,
                           lerum_admin=f.user(lerum, Role.ADMIN), lerum_registrar=f.registrar(lerum))


def scheme(w):
    """1 Styrning och ledning → 1.2 Planering och uppföljning → 1.2.3 Ta fram styrdokument."""
    create = services.classification_create
    area = create(actor=w.admin, organisation=w.org, code="1", title="Styrning och ledning")
    group = create(actor=w.admin, organisation=w.org, code="1.2", title="Planering och uppföljning")
    process = create(actor=w.admin, organisation=w.org, code="1.2.3", title="Ta fram styrdokument")
    return SimpleNamespace(area=area, group=group, process=process)


def scheme_events(org):
    return list(Event.objects.filter(organisation=org, case=None, kind__startswith="classification_"))


def csv_import(w, text: str, *, name="struktur.csv", bom=False):
    content = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    return services.classification_import(actor=w.admin, organisation=w.org, scheme=scheme_file_read(name, content),
                                          filename=name)


# --- the hierarchy ------------------------------------------------------------------------------
def test_levels_and_parents_follow_the_code_and_each_change_is_an_event(w):
    s = scheme(w)
    assert (s.area.level, s.group.level, s.process.level) == ("area", "process_group", "process")
    assert s.group.parent == s.area and s.process.parent == s.group and s.area.parent is None
    created = scheme_events(w.org)
    assert [e.kind for e in created] == [ClassificationEvent.CLASSIFICATION_CREATED] * 3
    assert created[2].case is None and created[2].actor == w.admin and created[2].data["parent"] == "1.2"
    services.classification_update(actor=w.admin, classification=s.process, title="Ta fram och revidera styrdokument")
    changed = scheme_events(w.org)[-1]
    assert changed.kind == ClassificationEvent.CLASSIFICATION_UPDATED
    assert changed.data["changes"] == {"title": {"from": "Ta fram styrdokument",
                                                 "to": "Ta fram och revidera styrdokument"}}
    # Unchanged: nothing written.
    services.classification_update(actor=w.admin, classification=s.process, title="Ta fram och revidera styrdokument")
    assert len(scheme_events(w.org)) == 4


def test_every_broken_rule_is_reported_at_once_and_nothing_is_saved(w):
    s = scheme(w)
    before = Classification.objects.count(), Event.objects.count()
    with pytest.raises(DomainError) as exc:
        services.classification_create(actor=w.admin, organisation=w.org, code="2.5.1", title=" ",
                                       level="process_group", parent=s.area, description="x" * 2001)
    errors = exc.value.errors
    assert set(errors) == {"title", "level", "parent", "code", "description"}
    assert errors["title"] == ["Ange benämningen."]
    assert "2.5.1 har 3 led och är därför en process, inte en processgrupp" in errors["level"][0]
    assert errors["parent"] == ["En process ska ligga under en processgrupp, och 1 är ett verksamhetsområde."]
    assert "stämmer inte med den överordnade nivån 1" in errors["code"][0]
    assert errors["description"] == ["Högst 2000 tecken."]
    assert "(5 fel)" in exc.value.message
    with pytest.raises(DomainError) as exc:
        services.classification_create(actor=w.admin, organisation=w.org, code="1.2", title="Igen")
    assert exc.value.errors == {"code": ["Koden 1.2 finns redan."]}
    with pytest.raises(DomainError) as exc:
        services.classification_create(actor=w.admin, organisation=w.org, code="3.1", title="Utan område")
    assert exc.value.errors == {"parent": ["Den överordnade nivån 3 finns inte; lägg till den först."]}
    with pytest.raises(DomainError) as exc:
        services.classification_create(actor=w.admin, organisation=w.org, code="1.b", title="Fel form")
    assert "1.b har fel form" in exc.value.errors["code"][0]
    with pytest.raises(DomainError) as exc:  # a level against the code's depth
        services.classification_create(actor=w.admin, organisation=w.org, code="1.7", title="Fel nivå",
                                       level="process")
    assert exc.value.errors == {"level": [
        "Koden 1.7 har 2 led och är därför en processgrupp, inte en process: ett verksamhetsområde har ett led, en "
        "processgrupp två och en process tre."]}
    lerum_area = services.classification_create(actor=w.lerum_admin, organisation=w.lerum, code="1", title="Lerum")
    with pytest.raises(DomainError) as exc:
        services.classification_create(actor=w.admin, organisation=w.org, code="1.4", title="Lånad",
                                       parent=lerum_area)
    assert exc.value.errors["parent"] == ["Den överordnade nivån hör till en annan organisation."]
    with pytest.raises(DomainError) as exc:  # a node with nodes under it keeps its code
        services.classification_update(actor=w.admin, classification=s.group, code="1.5")
    assert "finns nivåer under den (1.2.3)" in exc.value.errors["code"][0]
    assert (Classification.objects.count(), Event.objects.count()) == (before[0] + 1, before[1] + 1)  # Lerum's
    with pytest.raises(PermissionDenied):
        services.classification_create(actor=w.registrar, organisation=w.org, code="2", title="Registratorns")


def test_retiring_keeps_the_order_of_the_hierarchy(w):
    s = scheme(w)
    with pytest.raises(DomainError) as exc:
        services.classification_retire(actor=w.admin, classification=s.group)
    assert "Avveckla först det som ligger under 1.2 och fortfarande används: 1.2.3." in exc.value.message
    services.classification_retire(actor=w.admin, classification=s.process)
    group = services.classification_retire(actor=w.admin, classification=s.group)
    assert not group.active
    assert scheme_events(w.org)[-1].kind == ClassificationEvent.CLASSIFICATION_RETIRED
    with pytest.raises(DomainError) as exc:
        services.classification_create(actor=w.admin, organisation=w.org, code="1.2.4", title="Under avvecklad")
    assert exc.value.errors["parent"] == ["Den överordnade nivån 1.2 används inte längre."]
    with pytest.raises(DomainError) as exc:
        services.classification_update(actor=w.admin, classification=s.process, active=True)
    assert "1.2 används inte; ta den i bruk först" in exc.value.errors["active"][0]


# --- import ---------------------------------------------------------------------------------------
GOOD_CSV = (CSV_HEADER
            + "1;Styrning och ledning;verksamhetsområde;Kommunens styrning.\n"
            + "1.2;Planering och uppföljning;;\n"
            + "1.2.3;Ta fram styrdokument;process;Mål, strategier och planer.\n"
            + "1.2.4;Följa upp verksamheten;;\n")


def test_a_csv_with_a_bom_is_imported_and_importing_it_again_changes_nothing(w):
    result = csv_import(w, GOOD_CSV, bom=True)
    assert [c.code for c in result.created] == ["1", "1.2", "1.2.3", "1.2.4"]
    process = Classification.objects.get(organisation=w.org, code="1.2.3")
    assert process.level == "process" and process.parent.code == "1.2" and process.description.startswith("Mål")
    events = scheme_events(w.org)
    assert events[-1].kind == ClassificationEvent.CLASSIFICATION_IMPORTED
    assert events[-1].data["created"] == ["1", "1.2", "1.2.3", "1.2.4"] and events[-1].actor == w.admin
    again = csv_import(w, GOOD_CSV, bom=True)
    assert not again.changed and again.unchanged == 4 and len(scheme_events(w.org)) == len(events)
    changed = csv_import(w, GOOD_CSV.replace("Följa upp verksamheten", "Följa upp och utvärdera verksamheten"))
    assert [c.code for c in changed.updated] == ["1.2.4"] and changed.unchanged == 3
    update = scheme_events(w.org)[-2]
    assert update.data["changes"]["title"]["to"] == "Följa upp och utvärdera verksamheten"


def test_a_comma_separated_csv_with_quotes_and_the_columns_in_another_order(w):
    text = ("benämning,kod,beskrivning\n"
            "Styrning och ledning,1,\"Styrning, ledning och samordning\"\n"
            "Planering,1.2,\n\n"
            "\"Ta fram styrdokument\",1.2.3,\n")
    result = csv_import(w, text)
    assert [c.code for c in result.created] == ["1", "1.2", "1.2.3"]
    assert Classification.objects.get(organisation=w.org, code="1").description == "Styrning, ledning och samordning"


def test_a_bad_csv_lists_every_error_with_its_line_and_writes_nothing(w):
    text = (CSV_HEADER
            + "1;Styrning och ledning;;\n"
            + "1.2;;;\n"                                  # 3: no title
            + "1.2.3;Ta fram styrdokument;processgrupp;\n"  # 4: level against the code's depth
            + "1.x;Fel kod;;\n"                            # 5: malformed
            + "2.1;Utan område;;\n"                        # 6: parent missing
            + "1.2;Två gånger;;\n"                         # 7: duplicate
            + "1.3;Okänd nivå;avdelning;\n")               # 8: unknown level
    with pytest.raises(DomainError) as exc:
        csv_import(w, text)
    found = exc.value.errors["file"]
    assert found == [
        "Rad 3: ange benämningen.",
        "Rad 4: koden 1.2.3 har 3 led och är därför en process, inte en processgrupp: ett verksamhetsområde har ett "
        "led, en processgrupp två och en process tre.",
        "Rad 5: koden 1.x har fel form: den ska vara siffror i ett till tre led åtskilda av punkt, som 1, 1.2 eller "
        "1.2.3.",
        "Rad 6: den överordnade nivån 2 finns inte; lägg till den först.",
        "Rad 7: koden 1.2 står redan på rad 3.",
        "Rad 8: nivån avdelning finns inte; ange verksamhetsområde, processgrupp eller process, eller lämna den tom.",
    ]
    assert exc.value.message.startswith("Filen har 6 fel och inget har sparats.")
    assert not Classification.objects.filter(organisation=w.org).exists() and not scheme_events(w.org)


def test_a_csv_in_another_encoding_or_without_its_header_is_refused(w):
    with pytest.raises(DomainError) as exc:
        services.classification_import(actor=w.admin, organisation=w.org, scheme=scheme_file_read(
            "s.csv", (CSV_HEADER + "1;Äldreomsorg;;\n").encode("cp1252")))
    assert exc.value.errors["file"] == ['Rad 1: filen är inte kodad i UTF-8. Spara den som "CSV UTF-8" och '
                                        'försök igen.']
    with pytest.raises(DomainError) as exc:
        csv_import(w, "1;Styrning;;\n")
    assert "Rad 1: rubrikraden ska vara kod;benämning;nivå;beskrivning" in exc.value.errors["file"][0]


def test_the_xml_example_validates_and_imports_once(w):
    content = (STATIC / "klassificering-exempel.xml").read_bytes()
    result = services.classification_import(actor=w.admin, organisation=w.org,
                                            scheme=scheme_file_read("exempel.xml", content))
    assert len(result.created) == 9
    process = Classification.objects.get(organisation=w.org, code="1.2.1")
    assert process.parent.code == "1.2" and process.description == "Mål, strategier, program, planer och riktlinjer."
    again = services.classification_import(actor=w.admin, organisation=w.org,
                                           scheme=scheme_file_read("exempel.xml", content))
    assert not again.changed and again.unchanged == 9


BAD_XML = """<?xml version="1.0" encoding="UTF-8"?>
<klassificeringsstruktur>
  <verksamhetsomrade kod="1" benamning="Styrning och ledning">
    <processgrupp kod="1.2" benamning="Planering och uppföljning">
      <process kod="1.2.3" benamning="Ta fram styrdokument"/>
      <process kod="1.2.3" benamning="Samma kod igen"/>
      <process kod="1.3.1" benamning="Under fel processgrupp"/>
      <process kod="1.2.x" benamning="Fel form"/>
      <process kod="1.2.5"/>
    </processgrupp>
  </verksamhetsomrade>
  <verksamhetsomrade kod="2.1" benamning="Två led"/>
</klassificeringsstruktur>
"""


def test_a_bad_xml_lists_schema_and_scheme_errors_by_element_and_writes_nothing(w):
    with pytest.raises(DomainError) as exc:
        services.classification_import(actor=w.admin, organisation=w.org,
                                       scheme=scheme_file_read("s.xml", BAD_XML.encode()))
    found = exc.value.errors["file"]
    assert "Element 4 (rad 6): koden 1.2.3 står redan på element 3 (rad 5)." in found
    assert any(m.startswith("Element 5 (rad 7): koden 1.3.1 stämmer inte med den överordnade nivån 1.2")
               for m in found)
    assert any(m.startswith("Element 6 (rad 8): koden har fel form för <process>") for m in found)
    assert "Element 7 (rad 9): attributet benamning saknas på <process>." in found
    assert any(m.startswith("Element 8 (rad 12): koden har fel form för <verksamhetsomrade>") for m in found)
    assert not any("1.2.x har fel form" in m for m in found)  # the schema said it; not twice
    assert not Classification.objects.exists() and not scheme_events(w.org)


def test_xml_with_a_dtd_or_not_well_formed_is_refused(w):
    bomb = b'<?xml version="1.0"?><!DOCTYPE k [<!ENTITY a "aaaa">]><klassificeringsstruktur>&a;</klassificeringsstruktur>'
    with pytest.raises(DomainError) as exc:
        services.classification_import(actor=w.admin, organisation=w.org, scheme=scheme_file_read("s.xml", bomb))
    assert exc.value.errors["file"] == ["Filen får inte innehålla en DTD, entiteter eller externa referenser."]
    with pytest.raises(DomainError) as exc:
        services.classification_import(actor=w.admin, organisation=w.org,
                                       scheme=scheme_file_read("s.xml", b"<klassificeringsstruktur>\n<x>"))
    assert exc.value.errors["file"][0].startswith("Rad 2, kolumn")


def test_the_command_imports_by_slug_or_id_and_refuses_a_bad_file(w, tmp_path, capsys):
    good, bad = tmp_path / "struktur.csv", tmp_path / "fel.csv"
    good.write_text(GOOD_CSV, encoding="utf-8-sig")
    bad.write_text(CSV_HEADER + "1.2;Utan område;;\n", encoding="utf-8")
    call_command("classification-import", str(good), organisation="alingsas", user=w.admin.username)
    assert "Alingsås kommun: 4 tillagda, 0 ändrade, 0 oförändrade." in capsys.readouterr().out
    call_command("classification-import", str(good), organisation=str(w.org.pk), user=w.admin.username)
    assert "0 tillagda, 0 ändrade, 4 oförändrade." in capsys.readouterr().out
    with pytest.raises(CommandError, match="1 fel i fel.csv; inget har sparats."):
        call_command("classification-import", str(bad), organisation="lerum", user=w.lerum_admin.username)
    assert "Rad 2: den överordnade nivån 1 finns inte" in capsys.readouterr().err
    with pytest.raises(CommandError, match="Organisationen finns inte: borås"):
        call_command("classification-import", str(good), organisation="borås", user=w.admin.username)
    with pytest.raises(CommandError, match="Bara en administratör"):
        call_command("classification-import", str(good), organisation="lerum", user=w.admin.username)
    assert not Classification.objects.filter(organisation=w.lerum).exists()


# --- every case is classified ------------------------------------------------------------------------
def test_with_a_scheme_in_use_a_case_takes_one_of_its_processes(w):
    legacy = f.case(w.registrar, w.ks, title="Registrerat innan strukturen fanns")
    s = scheme(w)
    with pytest.raises(DomainError) as exc:
        f.case(w.registrar, w.ks, title="Utan klassificering")
    assert exc.value.errors["classification"] == [
        "Välj en process i klassificeringsstrukturen: organisationens ärenden ska vara klassificerade."]
    with pytest.raises(DomainError) as exc:
        f.case(w.registrar, w.ks, title="Med en processgrupp", classification=s.group)
    assert "Välj en process, inte en processgrupp: 1.2 Planering och uppföljning" in exc.value.message
    lerum_area = services.classification_create(actor=w.lerum_admin, organisation=w.lerum, code="9", title="Lerum")
    with pytest.raises(DomainError) as exc:
        f.case(w.registrar, w.ks, title="Lerums kod", classification=lerum_area)
    assert exc.value.errors["classification"] == ["Klassificeringen 9 hör till en annan organisation."]
    case = f.case(w.registrar, w.ks, title="Styrdokument för digitalisering", classification=s.process)
    assert case.classification == s.process
    # A case from before may be changed otherwise, but an edit that gives its classification gives a process.
    services.case_update(actor=w.registrar, case=legacy, title="Registrerat innan strukturen fanns (rättat)")
    with pytest.raises(DomainError) as exc:
        services.case_update(actor=w.registrar, case=legacy, title="Rättat igen", classification=None)
    assert "classification" in exc.value.errors
    with pytest.raises(DomainError):
        services.case_update(actor=w.registrar, case=case, classification=None)
    services.classification_retire(actor=w.admin, classification=services.classification_create(
        actor=w.admin, organisation=w.org, code="1.2.9", title="Gammal process"))
    with pytest.raises(DomainError) as exc:
        services.case_update(actor=w.registrar, case=legacy,
                             classification=Classification.objects.get(organisation=w.org, code="1.2.9"))
    assert "Processen 1.2.9 Gammal process används inte längre" in exc.value.message
    services.case_update(actor=w.registrar, case=legacy, classification=s.process)
    # Lerum has areas only (no process in use): its cases need none.
    assert f.case(w.lerum_registrar, w.lerum_ks, title="Lerums ärende").classification is None


def test_the_api_requires_a_process_and_shows_the_code(client, w, spec):  # noqa: F811
    s = scheme(w)
    client.force_login(w.registrar)
    missing = post_json(client, "/api/cases", {"organ": w.ks.pk, "title": "Utan klassificering"})
    assert missing.status_code == 400 and "classification" in missing.json()["errors"]
    group = post_json(client, "/api/cases", {"organ": w.ks.pk, "title": "Grupp", "classification": s.group.pk})
    assert group.status_code == 400 and "Välj en process" in group.json()["errors"]["classification"][0]
    made = post_json(client, "/api/cases", {"organ": w.ks.pk, "title": "Styrdokument",
                                            "classification": s.process.pk})
    assert made.status_code == 201, made.content
    assert_matches(spec, made, "/api/cases", "post")
    assert made.json()["classification"] == {"id": s.process.pk, "code": "1.2.3", "title": "Ta fram styrdokument"}
    client.logout()
    public = client.get(f"/api/cases/{made.json()['id']}")
    assert public.json()["classification"]["code"] == "1.2.3"
    assert Case.objects.filter(classification__isnull=True).count() == 0


def test_unclassified_cases_are_listed_and_classified_in_bulk(client, w):
    old = [f.case(w.registrar, w.ks, title=f"Gammalt ärende {i}") for i in range(3)]
    s = scheme(w)
    client.force_login(w.registrar)
    url = reverse("registry:classification_unclassified")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(c.diary_number in html for c in old) and "3 ärenden saknar klassificering" in html
    refused = client.post(url, {"cases": [old[0].pk], "classification": s.group.pk})
    assert refused.status_code == 400  # a processgrupp is not offered, let alone accepted
    done = client.post(url, {"cases": [old[0].pk, old[1].pk], "classification": s.process.pk,
                             "reason": "Klassificering i efterhand"})
    assert done.status_code == 302
    old[0].refresh_from_db()
    assert old[0].classification == s.process
    event = old[0].events.filter(kind="case_updated").last()
    assert event.data["bulk"] is True and event.data["reason"] == "Klassificering i efterhand"
    assert "1 ärende saknar klassificering" in client.get(url).content.decode()
    client.force_login(w.lerum_registrar)
    assert client.get(url + f"?organisation={w.org.pk}").status_code == 403


# --- the pages -------------------------------------------------------------------------------
def test_the_registrar_reads_the_scheme_with_its_cases_and_another_organisation_is_refused(client, w):
    s = scheme(w)
    f.case(w.registrar, w.ks, title="Styrdokument", classification=s.process)
    f.case(w.registrar, w.ks, title="Fler styrdokument", classification=s.process)
    client.force_login(w.registrar)
    page = client.get(reverse("registry:classification_scheme"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<caption>Klassificeringsstrukturen, med antal ärenden per nivå</caption>' in html
    assert '<span class="nowrap">1.2.3</span> Ta fram styrdokument' in html
    row = html[html.index(f'id="klass-{s.process.pk}"'):]
    assert '<td class="num">2</td>' in row[:row.index("</tr>")]
    assert "Lägg till klassificering" not in html  # kept by the administrators
    assert client.get(reverse("registry:classification_add")).status_code == 403
    assert client.get(reverse("registry:classification_import")).status_code == 403
    client.force_login(w.lerum_registrar)
    assert client.get(reverse("registry:classification_scheme") + f"?organisation={w.org.pk}").status_code == 403
    assert client.get(reverse("registry:classification_edit", args=[s.process.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("registry:classification_scheme")).status_code == 302  # to the login page


def test_the_administrator_adds_changes_retires_and_imports_on_the_pages(client, w):
    client.force_login(w.admin)
    add = reverse("registry:classification_add")
    refused = client.post(add, {"code": "1.2", "title": ""})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "Ange benämningen." in html and "Den överordnade nivån 1 finns inte; lägg till den först." in html
    assert client.post(add, {"code": "1", "title": "Styrning och ledning"}).status_code == 302
    assert client.post(add, {"code": "1.2", "title": "Planering"}).status_code == 302
    assert client.post(add, {"code": "1.2.3", "title": "Ta fram styrdokument"}).status_code == 302
    process = Classification.objects.get(organisation=w.org, code="1.2.3")
    edit = reverse("registry:classification_edit", args=[process.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"code": "1.2.3", "title": "Ta fram och revidera styrdokument",
                              "parent": process.parent_id}).status_code == 302
    assert client.post(edit, {"action": "retire"}).status_code == 302
    process.refresh_from_db()
    assert process.title == "Ta fram och revidera styrdokument" and not process.active
    upload = SimpleUploadedFile("struktur.csv", ("\ufeff" + GOOD_CSV).encode("utf-8"), content_type="text/csv")
    done = client.post(reverse("registry:classification_import"), {"file": upload}, follow=True)
    # 1.2.4 is new; 1 gets its description, 1.2 and 1.2.3 the file's titles (a retired process stays retired).
    assert "Importen är klar: 1 tillagda, 3 ändrade och 0 oförändrade." in done.content.decode()
    process.refresh_from_db()
    assert process.title == "Ta fram styrdokument" and not process.active
    bad = SimpleUploadedFile("fel.csv", (CSV_HEADER + "1.x;;;\n").encode(), content_type="text/csv")
    refused = client.post(reverse("registry:classification_import"), {"file": bad})
    assert refused.status_code == 400
    assert "Rad 2: koden 1.x har fel form" in refused.content.decode()
    assert "Rad 2: ange benämningen." in refused.content.decode()


def test_the_public_case_page_shows_the_code_and_the_form_requires_a_process(client, w):
    s = scheme(w)
    case = f.case(w.registrar, w.ks, title="Digital målbild", classification=s.process)
    html = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    assert "<dt>Klassificering</dt><dd>1.2.3 Ta fram styrdokument</dd>" in html
    client.force_login(w.registrar)
    form = client.get(reverse("registry:case_register")).content.decode()
    assert 'aria-required="true"' in form and "Klassificering (process)" in form
    assert '<optgroup label="1.2 Planering och uppföljning">' in form
    refused = client.post(reverse("registry:case_register"), {"organ": w.ks.pk, "title": "Utan process"})
    assert refused.status_code == 400 and "Välj en process i klassificeringsstrukturen" in refused.content.decode()
    with f.on_day(dt.date(2026, 3, 2)):
        made = client.post(reverse("registry:case_register"), {"organ": w.ks.pk, "title": "Med process",
                                                               "classification": s.process.pk})
    assert made.status_code == 302
