"""The public face of the register: requests for copies of documents ("begär ut
handling") and the accessibility statement."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from diarium.accounts.models import Role
from diarium.core.errors import DomainError
from diarium.registry import selectors, services
from diarium.registry.models import Event

from . import factories as f

pytestmark = pytest.mark.django_db

REQUESTER = "Karin Frågvis"
CONTACT = "karin.fragvis@example.se"


@pytest.fixture
def case(registrar, ks):
    return f.case(registrar, ks)


@pytest.fixture
def document(registrar, case):
    return f.document(registrar, case, counterpart="Sambruk", description="Remissvar om öppna data",
                      files=[f.text_file("remissvar.txt")])


@pytest.fixture
def secret_document(registrar, case):
    document = f.document(registrar, case, counterpart="Kalle Anka", description="Uppgifter om hälsa")
    return services.document_mark_secret(actor=registrar, document=document, ground="OSL 26 kap. 1 §",
                                         masked_fields=["counterpart", "description"])


def _request(document, **kw):
    values = {"name": REQUESTER, "contact": CONTACT, "format": "email", "message": "Hela handlingen, tack."}
    return services.copy_request_record(document=document, **{**values, **kw})


def _copy_lines(user, case):
    return [e for e in selectors.case_events(user=user, case=case) if e.kind == Event.Kind.COPY_REQUESTED]


def _html(response) -> str:
    return response.content.decode()


# --- the service ---------------------------------------------------------------------------
def test_a_request_is_recorded_on_the_case_with_a_neutral_public_detail(document, case):
    at = dt.datetime(2026, 11, 24, 10, 30, tzinfo=dt.UTC)
    event = _request(document, now=at)
    reference = f"{case.diary_number}-{document.number}"
    assert event.kind == Event.Kind.COPY_REQUESTED
    assert event.case == case and event.document == document and event.at == at and event.actor is None
    assert event.get_kind_display() == "Begäran om utlämnande av allmän handling"
    assert event.data["details"] == f"Begäran om kopia av {reference}"
    assert REQUESTER not in event.data["details"] and CONTACT not in event.data["details"]
    assert REQUESTER not in event.actor_name
    assert event.data["request"] == {
        "name": REQUESTER, "contact": CONTACT, "format": "email", "format_label": "Kopia med e-post",
        "message": "Hela handlingen, tack.", "document_secret": False,
    }


def test_the_public_does_not_see_the_request_in_the_history_but_staff_do(document, case, org, ks):
    _request(document)
    reader = f.user(org, Role.READER, ks)
    assert _copy_lines(None, case) == []
    assert _copy_lines(reader, case)[0].details.startswith(f"Begäran om kopia av {case.diary_number}-1")
    details = _copy_lines(reader, case)[0].details
    assert REQUESTER in details and CONTACT in details and "Kopia med e-post" in details


def test_the_public_history_pages_and_api_leave_the_requester_out(client, document, case, org, ks):
    _request(document)
    for url in (reverse("registry:case_detail", args=[case.pk]), reverse("registry:case_history", args=[case.pk]),
                f"/api/cases/{case.pk}/events"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _html(response)
        assert REQUESTER not in body and CONTACT not in body, url
        assert "Begäran om utlämnande" not in body, url
    client.force_login(f.user(org, Role.CASE_OFFICER, ks))
    body = _html(client.get(reverse("registry:case_history", args=[case.pk])))
    assert "Begäran om utlämnande av allmän handling" in body and REQUESTER in body and CONTACT in body


def test_a_request_may_be_anonymous_and_on_paper_without_contact(document):
    event = _request(document, name="  ", contact="", format="paper", message="")
    assert event.data["request"]["name"] == "" and event.data["request"]["contact"] == ""
    assert event.data["request"]["format_label"] == "Papperskopia med post"


@pytest.mark.parametrize("fields, field, message", [
    ({"format": "fax"}, "format", "Välj om du vill få kopian på papper eller med e-post."),
    ({"contact": ""}, "contact", "Ange en e-postadress som kopian ska skickas till."),
    ({"contact": "Storgatan 1, Alingsås"}, "contact", "Ange en giltig e-postadress"),
    ({"name": "x" * 201}, "name", "Namnet får vara högst 200 tecken."),
    ({"contact": "a" * 501, "format": "paper"}, "contact", "Kontaktuppgiften får vara högst 500 tecken."),
    ({"message": "x" * 2001}, "message", "Meddelandet får vara högst 2000 tecken."),
])
def test_bad_input_is_refused_in_swedish(document, case, fields, field, message):
    with pytest.raises(DomainError) as exc:
        _request(document, **fields)
    assert any(m.startswith(message) for m in exc.value.errors[field]), exc.value.errors
    assert not Event.objects.filter(case=case, kind=Event.Kind.COPY_REQUESTED).exists()


def test_control_characters_are_dropped(document):
    event = _request(document, name="Karin\x00 \x07Frågvis", message="Rad 1\r\nRad 2\x1b")
    assert event.data["request"]["name"] == "Karin Frågvis"
    assert event.data["request"]["message"] == "Rad 1\nRad 2"


def test_the_registrar_is_mailed_when_an_address_is_set(settings, document, case):
    settings.DIARIUM_REGISTRAR_EMAIL = "registrator@alingsas.se"
    _request(document)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["registrator@alingsas.se"] and message.reply_to == [CONTACT]
    assert message.subject == f"Begäran om allmän handling: {case.diary_number}-1"
    assert REQUESTER in message.body and f"http://testserver/handlingar/{document.pk}/" in message.body


def test_no_mail_without_a_registrar_address(settings, document):
    settings.DIARIUM_REGISTRAR_EMAIL = ""
    _request(document)
    assert mail.outbox == []


# --- the pages -----------------------------------------------------------------------------
def test_the_document_page_offers_download_and_request(client, document):
    body = _html(client.get(reverse("registry:document_detail", args=[document.pk])))
    assert "Begär ut handlingen" in body
    assert reverse("registry:document_copy_request", args=[document.pk]) in body
    assert "kan du ladda ner direkt" in body
    assert "remissvar.txt" in body


def test_the_form_shows_errors_in_swedish(client, document, case):
    url = reverse("registry:document_copy_request", args=[document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Du har rätt att vara anonym" in _html(response) and "2 kap. 18 §" in _html(response)

    response = client.post(url, {"name": "", "contact": "", "message": ""})
    assert response.status_code == 400
    assert "Välj om du vill få kopian på papper eller med e-post." in _html(response)

    response = client.post(url, {"format": "email", "contact": "inte en adress"})
    assert response.status_code == 400
    assert "Ange en giltig e-postadress" in _html(response)

    response = client.post(url, {"format": "paper", "message": "x" * 2001})
    assert response.status_code == 400
    assert "Meddelandet får vara högst 2000 tecken." in _html(response)
    assert not Event.objects.filter(case=case, kind=Event.Kind.COPY_REQUESTED).exists()


def test_the_receipt_tells_what_happens_next(client, document, case):
    url = reverse("registry:document_copy_request", args=[document.pk])
    response = client.post(url, {"name": REQUESTER, "format": "email", "contact": CONTACT, "message": ""})
    receipt = reverse("registry:document_copy_receipt", args=[document.pk])
    assert response.status_code == 302 and response.url == receipt
    body = _html(client.get(receipt))
    for text in ("Din begäran har tagits emot", f"handling {case.diary_number}-1", "skyndsamt",
                 "normalt inom några dagar", "sekretessprövning", "överklaga", "9 sidor",
                 "Kopian skickas till den e-postadress du angav."):
        assert text in body, text
    assert "sekretessmarkerad" not in body
    assert Event.objects.filter(case=case, kind=Event.Kind.COPY_REQUESTED).count() == 1


def test_the_receipt_without_contact_says_how_to_get_the_copy(client, document):
    client.post(reverse("registry:document_copy_request", args=[document.pk]), {"format": "paper"})
    body = _html(client.get(reverse("registry:document_copy_receipt", args=[document.pk])))
    assert "Du angav ingen kontaktuppgift" in body


def test_the_receipt_without_a_request_leads_to_the_form(client, document):
    response = client.get(reverse("registry:document_copy_receipt", args=[document.pk]))
    assert response.status_code == 302
    assert response.url == reverse("registry:document_copy_request", args=[document.pk])


def test_a_secret_document_may_be_requested_with_a_notice(client, secret_document, case):
    page = _html(client.get(reverse("registry:document_detail", args=[secret_document.pk])))
    assert "Begär ut handlingen" in page and "kan du ladda ner direkt" not in page
    url = reverse("registry:document_copy_request", args=[secret_document.pk])
    form = _html(client.get(url))
    assert "Handlingen är sekretessmarkerad." in form and "helt eller delvis" in form
    assert "Kalle Anka" not in form and "Uppgifter om hälsa" not in form  # the public entry, masked
    client.post(url, {"format": "paper", "contact": "Box 1, 441 81 Alingsås"})
    event = Event.objects.get(case=case, kind=Event.Kind.COPY_REQUESTED)
    assert event.data["request"]["document_secret"] is True
    receipt = _html(client.get(reverse("registry:document_copy_receipt", args=[secret_document.pk])))
    assert "Handlingen är sekretessmarkerad." in receipt and "hållas inne helt eller delvis" in receipt
    assert "Kopian skickas till den adress du angav." in receipt


def test_requests_are_rate_limited_per_address(client, settings, document, case, limiter_clock):
    settings.DIARIUM_COPY_REQUEST_LIMIT = 2
    url = reverse("registry:document_copy_request", args=[document.pk])
    for _ in range(2):
        assert client.post(url, {"format": "paper"}, REMOTE_ADDR="10.0.0.7").status_code == 302
    response = client.post(url, {"format": "paper"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    assert "Försök igen senare" in _html(response)
    assert client.post(url, {"format": "paper"}, REMOTE_ADDR="10.0.0.8").status_code == 302
    assert Event.objects.filter(case=case, kind=Event.Kind.COPY_REQUESTED).count() == 3


# --- the accessibility statement ---------------------------------------------------------------
def test_the_accessibility_statement(client, org, settings):
    settings.DIARIUM_ACCESSIBILITY_CONTACT = "tillganglighet@alingsas.se"
    response = client.get("/tillganglighet/")
    assert response.status_code == 200
    body = _html(response)
    assert reverse("core:accessibility_statement") == "/tillganglighet/"
    for text in ("Tillgänglighetsredogörelse för Diarium", "Alingsås kommun står bakom", "2018:1937",
                 "delvis förenlig", "WCAG 2.1 nivå AA", "axe-core", "Administrationsgränssnittet",
                 "API-dokumentationen", "2026-11-24", 'href="mailto:tillganglighet@alingsas.se"',
                 'href="https://www.digg.se/tdosanmalan"'):
        assert text in body, text


def test_the_statement_has_a_default_contact_and_every_page_links_to_it(client, org, settings):
    settings.DIARIUM_ACCESSIBILITY_CONTACT = ""
    body = _html(client.get("/tillganglighet/"))
    assert "kommunens registratur" in body
    footer = _html(client.get(reverse("registry:case_list")))
    assert '<a href="/tillganglighet/">Tillgänglighetsredogörelse</a>' in footer


def test_every_page_leads_to_the_open_data(client, org):
    footer = _html(client.get(reverse("registry:document_list")))
    assert '<a href="/floden/">Öppna data, flöden och kalendrar</a>' in footer
    assert '<a href="/oparl/v1.1/">OParl-gränssnitt</a>' in footer
