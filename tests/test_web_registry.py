"""The register's web pages, as a visitor, a registrar and other officials use them."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Role
from diarium.registry import services
from diarium.registry.models import Case, Document, DocumentFile, Event

from . import factories as f

pytestmark = pytest.mark.django_db

SECRET_NAME = "Kalle Anka, Storgatan 1"
SECRET_DESCRIPTION = "Uppgifter om enskilds hälsa"
PRIVATE_NAME = "Greta Privatsson"


@pytest.fixture
def officer(org):
    return accounts.person_create(organisation=org, name="Göran Westerlund", title="Digitaliseringsansvarig")


@pytest.fixture
def case(registrar, ks, officer):
    return f.case(registrar, ks, case_officer=officer, registered_at=dt.datetime(2018, 8, 23, 9, tzinfo=dt.UTC))


@pytest.fixture
def secret_document(registrar, case):
    document = f.document(registrar, case, counterpart=SECRET_NAME, description=SECRET_DESCRIPTION,
                          files=[f.pdf_file("lakarintyg.pdf")])
    return services.document_mark_secret(actor=registrar, document=document, ground="OSL 26 kap. 1 §",
                                         masked_fields=["counterpart", "description"])


@pytest.fixture
def private_document(registrar, case):
    return f.document(registrar, case, counterpart=PRIVATE_NAME, counterpart_is_private=True,
                      description="Synpunkt på målbilden")


def _html(response) -> str:
    return response.content.decode()


def _stored_files(folder):
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# --- the public register -----------------------------------------------------------------
def test_root_redirects_to_the_case_list(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("registry:case_list")


def test_anonymous_visitor_lists_cases_with_iso_dates(client, case):
    response = client.get(reverse("registry:case_list"))
    html = _html(response)
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert case.diary_number in html
    assert case.title in html
    assert "Göran Westerlund" in html
    assert "2018-08-23" in html
    assert "1 ärende matchar filtret." in html
    assert reverse("registry:case_detail", args=[case.pk]) in html


def test_filters_narrow_the_list_and_say_when_nothing_matches(client, registrar, ks, org, case):
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    other = f.case(registrar, kf, title="Motion om cykelvägar")
    response = client.get(reverse("registry:case_list"), {"organ": kf.pk})
    assert other.title in _html(response) and case.title not in _html(response)
    response = client.get(reverse("registry:case_list"), {"q": "målbild"})
    assert case.title in _html(response) and other.title not in _html(response)
    response = client.get(reverse("registry:case_list"), {"q": "finns inte någonstans"})
    assert "Inga ärenden matchar filtret." in _html(response)
    response = client.get(reverse("registry:case_list"), {"date_from": "2030-01-01"})
    assert "Inga ärenden matchar filtret." in _html(response)


def test_list_pages_by_fifty(client, registrar, ks):
    for n in range(51):
        f.case(registrar, ks, title=f"Ärende nummer {n}")
    first = _html(client.get(reverse("registry:case_list")))
    assert first.count('<th scope="row">') == 50
    assert "51 ärenden matchar filtret." in first
    assert "Sida 1 av 2" in first
    second = _html(client.get(reverse("registry:case_list"), {"page": 2}))
    assert second.count('<th scope="row">') == 1
    assert "Ärende nummer 0<" in second


def test_large_results_are_not_counted_to_the_end(client, registrar, ks, monkeypatch):
    from diarium.registry import views

    monkeypatch.setattr(views, "COUNT_CAP", 60)
    for n in range(120):
        f.case(registrar, ks, title=f"Ärende nummer {n}")
    first = _html(client.get(reverse("registry:case_list")))
    assert "Fler än 60 ärenden matchar filtret." in first
    assert "Ärende nummer 119<" in first and "Ärende nummer 70<" in first and "Ärende nummer 69<" not in first
    # paging on past the counted matches still works, newest first
    third = _html(client.get(reverse("registry:case_list"), {"page": 3}))
    assert third.count('<th scope="row">') == 20
    assert "Ärende nummer 19<" in third and "Ärende nummer 0<" in third
    assert "Nästa sida" not in third and "Föregående sida" in third


def test_case_list_stays_within_ten_queries(client, django_assert_max_num_queries, registrar, ks, officer,
                                           monkeypatch):
    from diarium.registry import views

    for n in range(60):
        f.case(registrar, ks, title=f"Ärende {n}", case_officer=officer)
    client.force_login(registrar)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registry:case_list"), {"status": "open", "q": "Ärende"})
    assert "60 ärenden matchar filtret." in _html(response)
    monkeypatch.setattr(views, "COUNT_CAP", 10)  # the path for results too many to count
    with django_assert_max_num_queries(10):
        response = client.get(reverse("registry:case_list"), {"page": 2})
    assert "Fler än 10 ärenden matchar filtret." in _html(response)
    assert _html(response).count('<th scope="row">') == 10


def test_anonymous_case_page_hides_secret_and_private_fields(client, case, secret_document, private_document):
    response = client.get(reverse("registry:case_detail", args=[case.pk]))
    html = _html(response)
    assert response.status_code == 200
    assert f"<title>Ärende {case.diary_number} – Diarium</title>" in html
    assert "Göran Westerlund, Digitaliseringsansvarig" in html
    assert f"{case.diary_number}-1" in html
    assert ('<span class="masked">Sekretessmarkerad uppgift</span> '
            '<span class="masked-ground small nowrap">(OSL 26 kap. 1 §)</span>') in html
    assert '<span class="masked">Privatperson</span>' in html
    assert SECRET_NAME not in html
    assert SECRET_DESCRIPTION not in html
    assert PRIVATE_NAME not in html
    assert "lakarintyg.pdf" not in html
    secret_file = DocumentFile.objects.get(document=secret_document)
    assert reverse("registry:file_download", args=[secret_file.pk]) not in html
    # nothing to act with for a visitor
    assert "Registrera handling" not in html and "Avsluta ärendet" not in html


def test_official_of_another_organ_does_not_see_secret_fields(client, org, case, secret_document):
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)
    colleague = f.user(org, Role.CASE_OFFICER, organ=bun)
    client.force_login(colleague)
    html = _html(client.get(reverse("registry:case_detail", args=[case.pk])))
    assert "Sekretessmarkerad uppgift" in html and "(OSL 26 kap. 1 §)" in html
    assert SECRET_NAME not in html and SECRET_DESCRIPTION not in html
    assert "lakarintyg.pdf" not in html


def test_registrar_sees_secret_fields_files_and_actions(client, registrar, case, secret_document, private_document):
    client.force_login(registrar)
    html = _html(client.get(reverse("registry:case_detail", args=[case.pk])))
    assert SECRET_NAME in html and SECRET_DESCRIPTION in html and PRIVATE_NAME in html
    secret_file = DocumentFile.objects.get(document=secret_document)
    assert reverse("registry:file_download", args=[secret_file.pk]) in html
    assert reverse("registry:document_register", args=[case.pk]) in html
    assert reverse("registry:case_close", args=[case.pk]) in html
    assert reverse("registry:document_secrecy", args=[secret_document.pk]) in html


def test_case_page_stays_within_twelve_queries(client, django_assert_max_num_queries, registrar, case):
    for n in range(30):
        f.document(registrar, case, description=f"Remissvar {n}", files=[f.text_file(content=f"Svar nummer {n}\n")])
    client.force_login(registrar)
    # Ten for the page, one (the same however many rows) for the registrar's count of
    # what the masking assistant found and nobody has reviewed, and one for the earlier
    # decisions the case's documents cite (diarium.reading's section).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registry:case_detail", args=[case.pk]))
    assert len(re.findall(r'href="/filer/\d+/"', _html(response))) == 30


def test_missing_case_gives_the_404_page(client):
    response = client.get(reverse("registry:case_detail", args=[987654]))
    assert response.status_code == 404
    assert "Sidan finns inte" in _html(response)


# --- registering a case -----------------------------------------------------------------
def test_registrar_registers_a_case_and_sees_its_number(client, registrar, ks, officer):
    client.force_login(registrar)
    page = client.get(reverse("registry:case_register"))
    assert page.status_code == 200 and "Kommunstyrelsen (KS)" in _html(page)
    response = client.post(reverse("registry:case_register"), {
        "organ": ks.pk, "title": "Digital målbild för Alingsås kommun – öppen och smart",
        "case_officer": officer.pk, "classification": "", "description": "Uppdrag från KF 2017-12-13 § 251",
    }, follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("registry:case_detail", args=[case.pk])
    html = _html(response)
    assert f"Ärendet {case.diary_number} har registrerats." in html
    assert case.diary_number in html and "Göran Westerlund" in html


def test_control_characters_in_a_form_are_refused_on_their_fields_as_in_the_api(client, registrar, ks):
    """A NUL, a form feed or an escape pasted into a form is refused on its
    field with the API's message, all fields at once, and nothing is stored."""
    client.force_login(registrar)
    response = client.post(reverse("registry:case_register"), {
        "organ": ks.pk, "title": "Bygglov\x1b[31m", "description": "Sida ett\x0csida två",
    })
    html = _html(response)
    assert response.status_code == 400
    assert Case.objects.count() == 0
    message = "Texten får inte innehålla styrtecken (till exempel NUL)."
    assert re.search(r'id="id_title_error"><li>' + re.escape(message), html)
    assert re.search(r'id="id_description_error"><li>' + re.escape(message), html)
    # tab and line breaks are text
    client.post(reverse("registry:case_register"), {"organ": ks.pk, "title": "Bygglov\tStadsskogen",
                                                    "description": "Rad ett\r\nRad två"})
    assert Case.objects.get().description == "Rad ett\r\nRad två"


def test_missing_title_is_shown_next_to_the_field_and_creates_nothing(client, registrar, ks):
    client.force_login(registrar)
    response = client.post(reverse("registry:case_register"), {"organ": ks.pk, "title": "  "})
    html = _html(response)
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert 'role="alert"' in html
    assert re.search(r'<ul class="errorlist" id="id_title_error"><li>Ange en ärendemening\.</li>', html)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_title"', html) or \
        re.search(r'<input[^>]*id="id_title"[^>]*aria-invalid="true"', html)


def test_register_page_needs_login_and_a_registering_role(client, org, ks):
    response = client.get(reverse("registry:case_register"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    client.force_login(f.user(org, Role.READER))
    assert client.get(reverse("registry:case_register")).status_code == 403


def test_registrar_cannot_register_in_another_organisation(client, org, ks):
    other_org = f.organisation(name="Vårgårda kommun", slug="vargarda")
    other_ks = f.organ(other_org)
    client.force_login(f.registrar(org))
    response = client.post(reverse("registry:case_register"), {"organ": other_ks.pk, "title": "Fel organ"})
    assert response.status_code == 400
    assert "Välj ett organ som du får registrera ärenden i." in _html(response)
    assert Case.objects.count() == 0


def test_edit_case_changes_title(client, registrar, case):
    client.force_login(registrar)
    response = client.post(reverse("registry:case_edit", args=[case.pk]), {
        "title": "Digital målbild – reviderad", "description": "", "case_officer": "", "classification": "",
    }, follow=True)
    assert "Digital målbild – reviderad" in _html(response)
    assert Event.objects.filter(case=case, kind=Event.Kind.CASE_UPDATED).exists()


# --- documents and files ------------------------------------------------------------------
def test_registrar_registers_a_document_with_files(client, registrar, case, _file_storage):
    client.force_login(registrar)
    response = client.post(reverse("registry:document_register", args=[case.pk]), {
        "direction": "drawn_up", "document_date": "2018-08-23", "counterpart": "",
        "description": "Tjänsteskrivelse",
        "files": [f.pdf_file("tjansteskrivelse.pdf"), f.text_file("bilaga.txt")],
    }, follow=True)
    html = _html(response)
    assert f"Handlingen {case.diary_number}-1 har registrerats." in html
    assert "tjansteskrivelse.pdf" in html and "bilaga.txt" in html
    assert DocumentFile.objects.filter(document__case=case).count() == 2
    assert len(_stored_files(_file_storage)) == 2


def test_disallowed_file_type_is_refused_and_leaves_nothing(client, registrar, case, _file_storage):
    client.force_login(registrar)
    fake_pdf = SimpleUploadedFile("remissvar.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
                                  content_type="application/pdf")
    response = client.post(reverse("registry:document_register", args=[case.pk]), {
        "direction": "incoming", "document_date": "2018-06-12", "counterpart": "Sambruk",
        "description": "Remissvar", "files": [fake_pdf],
    })
    html = _html(response)
    assert response.status_code == 400
    assert "har en filtyp som inte tas emot" in html
    assert 'id="id_files_error"' in html
    assert Document.objects.count() == 0
    assert _stored_files(_file_storage) == []


def test_document_form_errors_for_missing_facts(client, registrar, case):
    client.force_login(registrar)
    response = client.post(reverse("registry:document_register", args=[case.pk]), {
        "direction": "incoming", "document_date": "2018-06-12", "counterpart": "", "description": "Remissvar",
    })
    assert response.status_code == 400
    assert "Ange vem handlingen kom från." in _html(response)
    response = client.post(reverse("registry:document_register", args=[case.pk]), {"description": "x"})
    assert "Välj om handlingen är inkommande, upprättad, utgående eller intern." in _html(response)
    assert Document.objects.count() == 0


def test_reader_cannot_open_the_document_form(client, org, case):
    client.force_login(f.user(org, Role.READER))
    assert client.get(reverse("registry:document_register", args=[case.pk])).status_code == 403


def test_mark_secret_and_lift_through_the_form(client, registrar, case):
    document = f.document(registrar, case, counterpart=SECRET_NAME, description="Läkarintyg")
    client.force_login(registrar)
    url = reverse("registry:document_secrecy", args=[document.pk])
    page = _html(client.get(url))  # the provisions to pick from, each with its content in short
    assert '<option value="OSL 26 kap. 1 §">OSL 26 kap. 1 § – Socialtjänst</option>' in page
    assert "uppgift om en enskilds personliga förhållanden, om det inte står klart" in page
    response = client.post(url, {"action": "mark", "provision": "", "ground": "", "masked_fields": ["counterpart"]})
    assert response.status_code == 400 and "Välj en bestämmelse eller skriv sekretessgrunden." in _html(response)
    response = client.post(url, {"action": "mark", "provision": "OSL 26 kap. 1 §", "ground": "",
                                 "masked_fields": ["counterpart"]}, follow=True)
    assert "har sekretessmarkerats" in _html(response)
    document.refresh_from_db()
    assert document.secrecy_ground == "OSL 26 kap. 1 §"
    assert '<option value="OSL 26 kap. 1 §" selected>' in _html(client.get(url))
    client.logout()
    assert SECRET_NAME not in _html(client.get(reverse("registry:case_detail", args=[case.pk])))
    client.force_login(registrar)
    response = client.post(url, {"action": "lift", "reason": ""})
    assert response.status_code == 400 and "Ange varför sekretessmarkeringen tas bort." in _html(response)
    client.post(url, {"action": "lift", "reason": "Prövad, kan lämnas ut"})
    client.logout()
    # Lifted, the sender is no longer secret, but a private person's name is still not published.
    page = _html(client.get(reverse("registry:case_detail", args=[case.pk])))
    assert "Sekretessmarkerad uppgift" not in page and "Privatperson" in page and SECRET_NAME not in page


def test_new_file_version_keeps_the_old_one(client, registrar, case):
    document = f.document(registrar, case, files=[f.text_file("svar.txt", "Första versionen\n")])
    first = DocumentFile.objects.get(document=document)
    client.force_login(registrar)
    url = reverse("registry:document_file_add", args=[document.pk]) + f"?ersatter={first.pk}"
    assert "Ersätter svar.txt (version 1)" in _html(client.get(url))
    response = client.post(url, {"file": f.text_file("svar.txt", "Andra versionen\n")}, follow=True)
    assert "(version 2)" in _html(response)
    assert "Version 1: svar.txt" in _html(response)
    assert list(DocumentFile.objects.filter(document=document).values_list("version", flat=True)) == [2, 1]


# --- downloads ------------------------------------------------------------------------
def test_public_file_downloads_as_attachment(client, registrar, case):
    document = f.document(registrar, case, files=[f.text_file("svar.txt", "Hej från Sambruk\n")])
    document_file = DocumentFile.objects.get(document=document)
    response = client.get(reverse("registry:file_download", args=[document_file.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "Hej från Sambruk\n".encode()
    assert response["Content-Disposition"].startswith("attachment")
    assert "svar.txt" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("text/plain")


def test_a_file_can_be_shown_in_the_browser_and_an_html_file_runs_no_script(client, registrar, case):
    """?visa=1 (OParl's accessUrl) shows the file instead of downloading it, in a
    sandbox. An uploaded HTML file is downloaded even then: whatever script it
    holds never runs on the site's own origin."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = f.document(registrar, case, files=[f.text_file("svar.txt", "Hej från Sambruk\n")])
    response = client.get(reverse("registry:file_download", args=[text.files.get().pk]) + "?visa=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline") and "svar.txt" in response["Content-Disposition"]
    assert response["Content-Security-Policy"].startswith("sandbox")
    page = SimpleUploadedFile("skrivelse.html", b"<!DOCTYPE html><html lang='sv'><head><title>T</title></head>"
                              b"<body><p>Text</p><script>alert(document.cookie)</script></body></html>",
                              content_type="text/html")
    html = f.document(registrar, case, files=[page])
    url = reverse("registry:file_download", args=[html.files.get().pk])
    shown = client.get(url + "?visa=1")
    assert shown.status_code == 200 and shown["Content-Disposition"].startswith("attachment")
    assert shown["Content-Security-Policy"].startswith("sandbox") and "script-src" not in shown["Content-Security-Policy"]
    assert client.get(url)["Content-Disposition"].startswith("attachment")


def test_secret_file_download_is_refused_or_logged(client, org, ks, case, secret_document):
    document_file = DocumentFile.objects.get(document=secret_document)
    url = reverse("registry:file_download", args=[document_file.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert client.get(url + "?visa=1").status_code == 302  # shown or downloaded: the same rights
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)
    client.force_login(f.user(org, Role.REGISTRAR, organ=bun))
    response = client.get(url)
    assert response.status_code == 403
    assert "sekretessmarkerad" in _html(response)
    assert not Event.objects.filter(kind=Event.Kind.SECRET_READ).exists()
    officer_user = f.user(org, Role.CASE_OFFICER, organ=ks)
    client.force_login(officer_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    read = Event.objects.get(kind=Event.Kind.SECRET_READ)
    assert read.actor == officer_user and read.document == secret_document


def test_secret_document_page_is_logged_for_those_with_rights(client, registrar, case, secret_document):
    client.get(reverse("registry:document_detail", args=[secret_document.pk]))
    assert not Event.objects.filter(kind=Event.Kind.SECRET_READ).exists()
    client.force_login(registrar)
    html = _html(client.get(reverse("registry:document_detail", args=[secret_document.pk])))
    assert SECRET_NAME in html
    assert Event.objects.filter(kind=Event.Kind.SECRET_READ, actor=registrar).count() == 1


# --- closing and reopening ---------------------------------------------------------------
def test_close_and_reopen(client, registrar, case):
    client.force_login(registrar)
    response = client.post(reverse("registry:case_close", args=[case.pk]), {"reason": "Beslut fattat"}, follow=True)
    html = _html(response)
    assert f"Ärendet {case.diary_number} har avslutats." in html
    assert "Avslutat" in html and "Beslut fattat" in html
    response = client.post(reverse("registry:case_reopen", args=[case.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Ange varför ärendet återöppnas." in _html(response)
    response = client.post(reverse("registry:case_reopen", args=[case.pk]), {"reason": "Nytt underlag"}, follow=True)
    assert f"Ärendet {case.diary_number} har återöppnats." in _html(response)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_reader_cannot_close_a_case(client, org, case):
    client.force_login(f.user(org, Role.READER))
    response = client.post(reverse("registry:case_close", args=[case.pk]), {"reason": ""})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_case_page_shows_latest_events_and_links_to_full_history(client):
    from diarium.registry.models import Event

    from . import factories as fx

    org = fx.organisation(name="Historik kommun", slug="historik")
    ks = fx.organ(org)
    registrar = fx.registrar(org)
    case = fx.case(registrar, ks, title="Ärende med lång historik")
    for i in range(25):
        fx.document(registrar, case, description=f"Handling nummer {i}")
    assert Event.objects.filter(case=case).count() == 26
    page = client.get(f"/arenden/{case.pk}/").content.decode()
    assert "Visar de 20 senaste åtgärderna." in page
    assert "Ärendet registrerades" not in page  # the oldest event is on the history page
    history = client.get(f"/arenden/{case.pk}/historik/")
    assert history.status_code == 200
    text = history.content.decode()
    assert "<title>Historik för ärende" in text
    assert "Ärendet registrerades" in text and text.count("Handling registrerades") == 25


def test_registration_forms_start_at_today_and_the_own_organ_and_say_every_error_at_once(client, org, ks):
    """Issue 20: defaults and all errors in one go."""
    import datetime as dt

    from django.utils import timezone

    from diarium.accounts import services as accounts

    registrar = f.registrar(org)
    f.organ(org, code="BUN", name="Barn- och ungdomsnämnden")
    accounts.person_create(organisation=org, name="Eva Lundqvist", organ=ks, user=registrar)
    client.force_login(registrar)
    form = client.get(reverse("registry:case_register")).content.decode()
    assert f'<option value="{ks.pk}" selected>' in form
    empty = client.post(reverse("registry:case_register"), {"organ": "", "title": " "}).content.decode()
    assert "Välj det organ ärendet hör till." in empty and "Ange en ärendemening." in empty

    case = f.case(registrar, ks)
    page = client.get(reverse("registry:document_register", args=[case.pk])).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(reverse("registry:document_register", args=[case.pk]),
                           {"direction": "incoming", "document_date": later, "counterpart": "", "description": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ange vem handlingen kom från." in page and "Ange kortfattat vad handlingen rör." in page
    assert "Datumet kan inte ligga i framtiden." in page


def test_a_document_has_its_type_and_how_it_came_in(client, org, ks, registrar):
    """Issue 20: the organisation's document types and "received via"."""
    from diarium.accounts import services as accounts
    from diarium.core.errors import DomainError
    from diarium.registry import reference
    from diarium.registry import services as registry

    admin = f.user(org, "admin")
    application = reference.document_type_create(actor=admin, organisation=org, name="Ansökan")
    retired = reference.document_type_create(actor=admin, organisation=org, name="Telefax")
    reference.document_type_update(actor=admin, document_type=retired, active=False)
    with pytest.raises(DomainError, match="finns redan"):
        reference.document_type_create(actor=admin, organisation=org, name="ansökan")
    case = f.case(registrar, ks)
    client.force_login(registrar)
    form = client.get(reverse("registry:document_register", args=[case.pk])).content.decode()
    assert ">Ansökan</option>" in form and "Telefax" not in form
    response = client.post(reverse("registry:document_register", args=[case.pk]), {
        "direction": "incoming", "document_date": "2026-12-01", "counterpart": "Bostads AB Lärkan",
        "counterpart_kind": "legal", "description": "Ansökan om markanvisning",
        "document_type": str(application.pk), "received_via": "email"}, follow=True)
    assert response.status_code == 200, re.findall(r"(?s)role=\"alert\".{0,600}", response.content.decode())
    document = case.documents.get()
    page = client.get(reverse("registry:document_detail", args=[document.pk])).content.decode()
    assert "Handlingstyp" in page and "Ansökan" in page and "inkommen via e-post" in page
    with pytest.raises(DomainError) as refused:
        registry.document_register(actor=registrar, case=case, direction="drawn_up", document_date=case.registered_at.date(),
                                   description="PM", received_via="post", document_type=retired)
    assert set(refused.value.errors) == {"received_via", "document_type"}
    other = accounts.organisation_create(name="Lerums kommun", slug="lerum")
    foreign = reference.document_type_create(actor=f.user(superuser=True), organisation=other, name="Ansökan")
    with pytest.raises(DomainError, match="organisationens handlingstyper"):
        registry.document_register(actor=registrar, case=case, direction="incoming", counterpart="AB",
                                   document_date=case.registered_at.date(), description="X", document_type=foreign)
    api = client.get(f"/api/cases/{case.pk}/documents").json()
    assert (api[0]["document_type"], api[0]["received_via"]) == ("Ansökan", "email")


def test_the_administrator_keeps_the_document_types_through_the_api(client, org):
    from .api_support import bearer, post_json, token_for

    admin = f.user(org, "admin")
    auth = bearer(token_for(admin))
    url = f"/api/organisations/{org.pk}/document-types"
    created = post_json(client, url, {"name": "Yttrande"}, **auth)
    assert created.status_code == 201 and created.json()["active"] is True
    again = post_json(client, url, {"name": " yttrande "}, **auth)
    assert again.status_code == 400 and "finns redan" in again.json()["detail"]
    changed = client.patch(f"{url}/{created.json()['id']}", {"active": False}, content_type="application/json", **auth)
    assert changed.json()["active"] is False
    assert client.get(url, **bearer(token_for(f.user(org, "reader")))).status_code == 403
