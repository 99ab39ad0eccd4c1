"""The public register at document level (/handlingar/): what a visitor, a
registrar and other officials find there, and what a search must not reveal."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from diarium.accounts.models import Organ, Role
from diarium.registry import access, selectors, services
from diarium.registry.models import Document, Event

from . import factories as f

pytestmark = pytest.mark.django_db

URL = "/handlingar/"
SECRET_NAME = "Kalle Anka, Storgatan 1"
SECRET_DESCRIPTION = "Uppgifter om enskilds hälsa"
PRIVATE_NAME = "Greta Privatsson"


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T10:00:00+02:00")


@pytest.fixture
def bun(org):
    return f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)


@pytest.fixture
def register(registrar, ks, bun):
    """Five documents on two organs' cases, registered 2018–2019: one of them
    secret (sender and description masked), one from a private person."""
    case = f.case(registrar, ks, registered_at=at("2018-08-23"))
    school = f.case(registrar, bun, title="Skolskjuts till Sollebrunn", registered_at=at("2019-05-02"))
    docs = {
        "incoming": f.document(registrar, case, counterpart="Sambruk", counterpart_kind="legal",
                               description="Remissvar om målbilden", registered_at=at("2018-08-24")),
        "outgoing": f.document(registrar, case, direction="outgoing", counterpart="Västra Götalandsregionen",
                               description="Översiktsplan skickad för samråd", registered_at=at("2019-03-01")),
        "drawn_up": f.document(registrar, school, direction="drawn_up", counterpart="",
                               description="Tjänsteskrivelse om skolskjuts", registered_at=at("2019-05-10")),
        "secret": f.document(registrar, case, counterpart=SECRET_NAME, description=SECRET_DESCRIPTION,
                             registered_at=at("2019-06-01")),
        "private": f.document(registrar, case, counterpart=PRIVATE_NAME, counterpart_is_private=True,
                              description="Synpunkt på målbilden", registered_at=at("2019-06-02")),
    }
    services.document_mark_secret(actor=registrar, document=docs["secret"], ground="OSL 26 kap. 1 §",
                                  masked_fields=["counterpart", "description"])
    return docs


def _html(response) -> str:
    return response.content.decode()


def _references(response) -> list[str]:
    """The references of the listed documents, in order."""
    return re.findall(r'<th scope="row"><a href="/handlingar/\d+/">([^<]+)</a>', _html(response))


def ref(document: Document) -> str:
    return document.reference


# --- what a visitor sees -------------------------------------------------------------------
def test_visitor_lists_documents_newest_first_with_masked_values_replaced(client, register):
    response = client.get(URL)
    html = _html(response)
    assert response.status_code == 200
    assert "<title>Handlingar – Diarium</title>" in html
    assert "5 handlingar matchar filtret." in html
    order = ["private", "secret", "drawn_up", "outgoing", "incoming"]
    assert _references(response) == [ref(register[k]) for k in order]
    secret = register["secret"]
    assert f'<a href="/handlingar/{secret.pk}/">{ref(secret)}</a>' in html
    assert (f'<a href="/arenden/{secret.case_id}/">{secret.case.title}</a>') in html
    assert "Inkommande" in html and "Utgående" in html and "Upprättad" in html
    assert "2019-06-01" in html and "2018-06-12" in html  # registered, and the document's own date
    assert ('<span class="masked">Sekretessmarkerad uppgift</span> '
            '<span class="masked-ground small nowrap">(OSL 26 kap. 1 §)</span>') in html
    assert '<span class="masked">Privatperson</span>' in html
    for hidden in (SECRET_NAME, SECRET_DESCRIPTION, PRIVATE_NAME):
        assert hidden not in html
    assert "Synpunkt på målbilden" in html and "Sambruk" in html


def test_the_main_menu_links_the_document_register(client, register):
    html = _html(client.get(URL))
    assert f'<a href="{URL}" aria-current="page">Handlingar</a>' in html
    assert f'<a href="{URL}">Handlingar</a>' in _html(client.get(reverse("registry:case_list")))


@pytest.mark.parametrize(("params", "expected"), [
    ({"direction": "outgoing"}, ["outgoing"]),
    ({"direction": "drawn_up"}, ["drawn_up"]),
    ({"year": "2018"}, ["incoming"]),
    ({"date_from": "2019-03-01", "date_to": "2019-06-01"}, ["secret", "drawn_up", "outgoing"]),
    ({"date_to": "2018-12-31"}, ["incoming"]),
    ({"q": "skolskjuts"}, ["drawn_up"]),  # the case title
    ({"q": "översiktsplan"}, ["outgoing"]),  # a description, whatever the case of "Ö"
    ({"q": "västra götaland"}, ["outgoing"]),  # a sender, likewise
    ({"q": "Sambruk"}, ["incoming"]),
])
def test_each_filter_narrows_the_list(client, register, params, expected):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert _references(response) == [ref(register[k]) for k in expected]


def test_organ_filter_and_reference_search(client, register, bun):
    assert _references(client.get(URL, {"organ": bun.pk})) == [ref(register["drawn_up"])]
    secret = register["secret"]
    assert _references(client.get(URL, {"q": ref(secret)})) == [ref(secret)]
    # the diary number finds every document of the case
    assert len(_references(client.get(URL, {"q": secret.case.diary_number}))) == 4


def test_nothing_matching_says_so(client, register):
    html = _html(client.get(URL, {"q": "finns inte någonstans"}))
    assert "Inga handlingar matchar filtret." in html


def test_a_date_range_that_ends_before_it_starts_is_refused_in_swedish(client, register):
    response = client.get(URL, {"date_from": "2019-06-01", "date_to": "2019-01-01"})
    html = _html(response)
    assert response.status_code == 400
    assert '<div class="error-summary" role="alert" tabindex="-1">' in html
    assert '<a href="#id_date_to">Registrerad till: Slutdatumet kan inte vara före startdatumet.</a>' in html
    assert 'aria-invalid="true"' in html
    # the valid part of the filter still applies
    assert _references(response) == [ref(register["private"]), ref(register["secret"])]


def test_a_malformed_date_is_refused_in_swedish(client, register):
    response = client.get(URL, {"date_from": "23/8 2018"})
    assert response.status_code == 400
    assert "Registrerad från: Ange datum som ÅÅÅÅ-MM-DD." in _html(response)


# --- a search must not reveal masked values --------------------------------------------------
def test_visitor_search_does_not_match_masked_values(client, register):
    for words in ("hälsa", "Uppgifter om enskilds", "Kalle Anka", "Storgatan", "Privatsson"):
        html = _html(client.get(URL, {"q": words}))
        assert "Inga handlingar matchar filtret." in html, words
        assert register["secret"].reference not in html and register["private"].reference not in html


def test_staff_search_matches_what_they_may_read(client, org, ks, bun, register):
    secret, private = register["secret"], register["private"]
    reader = f.user(org, Role.READER, ks)  # sees private names, not secrets
    other = f.user(org, Role.CASE_OFFICER, bun)  # may read secrets, but only the other organ's
    officer = f.user(org, Role.CASE_OFFICER, ks)
    expectations = [
        (reader, {"hälsa": [], "Privatsson": [private]}),
        (other, {"hälsa": [], "Privatsson": []}),
        (officer, {"hälsa": [secret], "Kalle Anka": [secret], "Privatsson": [private]}),
    ]
    for user, searches in expectations:
        client.force_login(user)
        for words, found in searches.items():
            assert _references(client.get(URL, {"q": words})) == [ref(d) for d in found], (user, words)


def test_staff_with_the_right_see_the_values_others_the_neutral_texts(client, org, ks, bun, registrar, register):
    client.force_login(registrar)
    html = _html(client.get(URL))
    assert SECRET_NAME in html and SECRET_DESCRIPTION in html and PRIVATE_NAME in html
    assert "Sekretessmarkerad uppgift" not in html
    assert not Event.objects.filter(kind=Event.Kind.SECRET_READ).exists()  # a list is not a read of the entry
    client.force_login(f.user(org, Role.CASE_OFFICER, bun))
    html = _html(client.get(URL))
    assert "Sekretessmarkerad uppgift" in html and SECRET_DESCRIPTION not in html and SECRET_NAME not in html


def test_the_query_rule_agrees_with_the_masking_of_each_entry(org, ks, bun, registrar, register):
    """access.readable (the search) says the same as access.mask_reason (the
    entries) for every reader, document and field."""
    users = [AnonymousUser(), registrar, f.user(superuser=True), f.user(org, Role.READER, ks),
             f.user(org, Role.READER), f.user(org, Role.CASE_OFFICER, bun), f.user(org, Role.CASE_OFFICER, ks)]
    documents = list(Document.objects.select_related("case"))
    for user in users:
        for field in Document.MASKABLE_FIELDS:
            condition = access.readable(user, field)
            qs = Document.objects.all() if condition is None else Document.objects.filter(condition)
            shown = {e.id for e in selectors.register_entries(user=user, documents=documents)
                     if getattr(e, f"{field}_mask_reason") is None}
            assert set(qs.values_list("pk", flat=True)) == shown, (user, field)


# --- size ----------------------------------------------------------------------------------
def test_pages_by_fifty_and_queries_stay_bounded(client, django_assert_max_num_queries, registrar, ks, org,
                                                 monkeypatch):
    from diarium.registry import views

    cases = [f.case(registrar, ks, title=f"Ärende {n}") for n in range(3)]
    for n in range(60):
        f.document(registrar, cases[n % 3], description=f"Remissvar {n}", counterpart=f"Avsändare {n}",
                   counterpart_is_private=n % 2 == 0)
    for user in (None, registrar, f.user(org, Role.READER, ks)):
        client.logout()
        if user:
            client.force_login(user)
        with django_assert_max_num_queries(10):
            response = client.get(URL, {"q": "remissvar", "direction": "incoming"})
        assert "60 handlingar matchar filtret." in _html(response)
        assert len(_references(response)) == 50
    monkeypatch.setattr(views, "COUNT_CAP", 10)  # the path for results too many to count
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"page": 2})
    html = _html(response)
    assert "Fler än 10 handlingar matchar filtret." in html
    assert len(_references(response)) == 10 and "Sida 2" in html
