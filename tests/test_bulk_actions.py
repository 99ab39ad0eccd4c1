"""Issue 21: bulk actions on cases. Reassign the case officer, set the
classification or close many cases at once, from the case list (without
JavaScript) or the API; each case gets its own event, and if any one of them
may not be changed nothing is, and the refusal names every refused case."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from diarium.accounts.models import Organ, Role
from diarium.core.errors import DomainError
from diarium.registry import services
from diarium.registry.models import Case, Event

from . import factories as f
from .api_support import bearer, post_json, token_for
from .test_api_schema import assert_matches

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org, ks, registrar):
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)
    admin = f.user(org, Role.ADMIN, username="admin-alingsas")
    bun_officer = f.user(org, Role.CASE_OFFICER, bun, username="bun-handlaggare")
    anna = f.person(org, "Anna Handläggare")
    bertil = f.person(org, "Bertil Handläggare")
    services.classification_create(actor=admin, organisation=org, code="3", title="Samhällsbyggnad")
    klass = services.classification_create(actor=admin, organisation=org, code="3.1", title="Detaljplaner")
    other_org = f.organisation(name="Vårgårda kommun", slug="vargarda")
    stranger = f.person(other_org, "Olle Utsocknes")
    other_admin = f.user(other_org, Role.ADMIN)
    services.classification_create(actor=other_admin, organisation=other_org, code="9", title="Övrigt")
    foreign_klass = services.classification_create(actor=other_admin, organisation=other_org, code="9.9",
                                                   title="Annat")
    ks_cases = [f.case(registrar, ks, title=f"KS-ärende {i}", case_officer=anna) for i in range(3)]
    bun_case = f.case(registrar, bun, title="BUN-ärende")
    return SimpleNamespace(org=org, ks=ks, bun=bun, registrar=registrar, admin=admin, bun_officer=bun_officer,
                           anna=anna, bertil=bertil, klass=klass, stranger=stranger, foreign_klass=foreign_klass,
                           ks_cases=ks_cases, bun_case=bun_case, cases=[*ks_cases, bun_case])


def events(case, kind):
    return list(Event.objects.filter(case=case, kind=kind).order_by("id"))


# --- the service ---------------------------------------------------------------------------------
def test_reassigning_gives_each_case_its_own_event(w):
    result = services.cases_bulk_change(actor=w.registrar, cases=w.cases, action="reassign", officer=w.bertil,
                                        reason="Anna har gått i pension")
    assert [c.pk for c in result.changed] == [c.pk for c in w.cases] and result.unchanged == []
    for case in w.cases:
        case.refresh_from_db()
        assert case.case_officer == w.bertil
        [event] = events(case, Event.Kind.CASE_UPDATED)
        assert event.data["bulk"] is True and event.data["reason"] == "Anna har gått i pension"
        assert event.data["changes"]["case_officer"]["to"] == str(w.bertil)
        assert event.actor == w.registrar


def test_a_case_that_already_has_the_officer_gets_no_event(w):
    result = services.cases_bulk_change(actor=w.registrar, cases=w.cases, action="reassign", officer=w.anna)
    assert [c.pk for c in result.unchanged] == [c.pk for c in w.ks_cases]
    assert [c.pk for c in result.changed] == [w.bun_case.pk]
    assert not events(w.ks_cases[0], Event.Kind.CASE_UPDATED)


def test_closing_and_classifying_many_cases(w):
    services.cases_bulk_change(actor=w.registrar, cases=[c.pk for c in w.ks_cases], action="classify",
                               classification=w.klass)
    services.cases_bulk_change(actor=w.registrar, cases=w.ks_cases, action="close", reason="Inaktuella")
    for case in w.ks_cases:
        case.refresh_from_db()
        assert case.classification == w.klass and case.status == Case.Status.CLOSED and case.closed_at
        [closed] = events(case, Event.Kind.CASE_CLOSED)
        assert closed.data == {"reason": "Inaktuella", "bulk": True}
        [classified] = events(case, Event.Kind.CASE_UPDATED)
        assert classified.data["bulk"] is True and "classification" in classified.data["changes"]


def test_one_refused_case_refuses_them_all_and_names_each(w):
    services.case_close(actor=w.registrar, case=w.ks_cases[0])
    before = Event.objects.count()
    with pytest.raises(DomainError) as refused:
        services.cases_bulk_change(actor=w.bun_officer, cases=w.cases, action="close")
    error = refused.value
    # The BUN officer may close the BUN case, not those of KS; the first KS case is closed already.
    for case in w.ks_cases:
        assert case.diary_number in error.message
    assert w.bun_case.diary_number not in error.message
    assert error.errors["cases"] == [
        f"{w.ks_cases[0].diary_number}: Du har inte behörighet att avsluta ärendet.",
        f"{w.ks_cases[1].diary_number}: Du har inte behörighet att avsluta ärendet.",
        f"{w.ks_cases[2].diary_number}: Du har inte behörighet att avsluta ärendet.",
    ]
    assert Event.objects.count() == before
    w.bun_case.refresh_from_db()
    assert w.bun_case.status == Case.Status.OPEN  # not closed, though it alone could have been


def test_a_closed_case_cannot_be_closed_again(w):
    services.case_close(actor=w.registrar, case=w.ks_cases[1])
    with pytest.raises(DomainError) as refused:
        services.cases_bulk_change(actor=w.registrar, cases=w.ks_cases, action="close")
    assert refused.value.errors["cases"] == [f"{w.ks_cases[1].diary_number}: Ärendet är redan avslutat."]
    assert Case.objects.filter(pk__in=[w.ks_cases[0].pk, w.ks_cases[2].pk], status="open").count() == 2


def test_an_officer_or_classification_of_another_organisation_is_refused(w):
    with pytest.raises(DomainError) as refused:
        services.cases_bulk_change(actor=w.registrar, cases=w.ks_cases, action="reassign", officer=w.stranger)
    assert len(refused.value.errors["cases"]) == 3
    assert "Olle Utsocknes hör till en annan organisation" in refused.value.errors["cases"][0]
    with pytest.raises(DomainError) as refused:
        services.cases_bulk_change(actor=w.registrar, cases=w.ks_cases[:1], action="classify",
                                   classification=w.foreign_klass)
    assert "9.9 hör till en annan organisation" in refused.value.errors["cases"][0]
    assert not Event.objects.filter(kind=Event.Kind.CASE_UPDATED).exists()
    assert Case.objects.filter(case_officer=w.anna).count() == 3


def test_what_to_do_must_be_said(w):
    with pytest.raises(DomainError) as refused:
        services.cases_bulk_change(actor=w.registrar, cases=[], action="close")
    assert refused.value.errors == {"cases": ["Välj minst ett ärende."]}
    with pytest.raises(DomainError) as refused:
        services.cases_bulk_change(actor=w.registrar, cases=w.ks_cases, action="reassign")
    assert "officer" in refused.value.errors
    with pytest.raises(DomainError) as refused:
        services.cases_bulk_change(actor=w.registrar, cases=w.ks_cases, action="delete")
    assert "action" in refused.value.errors
    with pytest.raises(DomainError) as refused:
        services.cases_bulk_change(actor=w.registrar, cases=[w.ks_cases[0].pk, 987654], action="close")
    assert "987654" in refused.value.message
    with pytest.raises(DomainError):
        services.cases_bulk_change(actor=w.registrar, cases=w.ks_cases, action="close", reason="x" * 1001)
    assert not Case.objects.filter(status="closed").exists()


# --- the case list -------------------------------------------------------------------------------
def test_the_public_sees_no_boxes_and_may_not_post(client, w):
    page = client.get(reverse("registry:case_list")).content.decode()
    assert 'name="cases"' not in page and reverse("registry:case_bulk") not in page
    response = client.post(reverse("registry:case_bulk"), {"cases": [w.bun_case.pk], "action": "close"})
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    w.bun_case.refresh_from_db()
    assert w.bun_case.status == Case.Status.OPEN


def test_a_reader_is_refused(client, w):
    reader = f.user(w.org, Role.READER)
    client.force_login(reader)
    assert 'name="cases"' not in client.get(reverse("registry:case_list")).content.decode()
    response = client.post(reverse("registry:case_bulk"), {"cases": [w.bun_case.pk], "action": "close"})
    assert response.status_code == 403


def test_an_officer_gets_a_box_only_on_the_cases_they_may_change(client, w):
    client.force_login(w.bun_officer)
    page = client.get(reverse("registry:case_list")).content.decode()
    assert f'id="markera-{w.bun_case.pk}"' in page
    assert f'id="markera-{w.ks_cases[0].pk}"' not in page
    assert f'<label for="markera-{w.bun_case.pk}" class="visually-hidden">Markera {w.bun_case.diary_number}' in page


def test_a_registrar_changes_ticked_cases_and_returns_to_the_same_list(client, w):
    client.force_login(w.registrar)
    page = client.get(reverse("registry:case_list"), {"organ": w.ks.pk}).content.decode()
    assert f'action="{reverse("registry:case_bulk")}?organ={w.ks.pk}"' in page
    assert '<label for="bulk_officer">Ny handläggare</label>' in page and "Bertil Handläggare" in page
    assert '<label for="bulk_action">Åtgärd</label>' in page
    response = client.post(reverse("registry:case_bulk") + f"?organ={w.ks.pk}", {
        "cases": [c.pk for c in w.ks_cases], "action": "reassign", "officer": w.bertil.pk,
        "classification": "", "reason": "Omfördelning"})
    assert response.status_code == 302 and response.url == reverse("registry:case_list") + f"?organ={w.ks.pk}"
    page = client.get(response.url).content.decode()
    assert "3 ärenden har fått handläggaren Bertil Handläggare." in page
    assert Case.objects.filter(case_officer=w.bertil).count() == 3
    history = client.get(reverse("registry:case_history", args=[w.ks_cases[0].pk])).content.decode()
    assert "Omfördelning" in history


def test_a_refusal_shows_the_list_again_with_every_refused_case_and_the_boxes_ticked(client, w):
    services.case_close(actor=w.registrar, case=w.ks_cases[0])
    client.force_login(w.registrar)
    ticked = [w.ks_cases[0].pk, w.ks_cases[1].pk]
    response = client.post(reverse("registry:case_bulk"), {"cases": ticked, "action": "close", "reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert f"{w.ks_cases[0].diary_number}: Ärendet är redan avslutat." in page
    assert "Inga ärenden ändrades" in page
    assert f'id="markera-{w.ks_cases[1].pk}" checked' in page
    assert f'id="markera-{w.ks_cases[2].pk}" checked' not in page
    assert Case.objects.get(pk=w.ks_cases[1].pk).status == Case.Status.OPEN


def test_the_form_says_what_is_missing(client, w):
    client.force_login(w.registrar)
    response = client.post(reverse("registry:case_bulk"), {"cases": [w.bun_case.pk], "action": "reassign"})
    assert response.status_code == 400
    assert "Välj den handläggare som ärendena ska få." in response.content.decode()
    response = client.post(reverse("registry:case_bulk"), {"action": "close"})
    assert "Välj minst ett ärende." in response.content.decode()


# --- the API -------------------------------------------------------------------------------------
@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").json()


def test_the_api_changes_many_cases(client, w, spec):
    raw = token_for(w.registrar)
    response = post_json(client, "/api/cases/bulk", {
        "cases": [c.pk for c in w.ks_cases], "action": "classify", "classification": w.klass.pk,
        "reason": "Ny klassificering"}, **bearer(raw))
    assert response.status_code == 200, response.content
    assert_matches(spec, response, "/api/cases/bulk", "post")
    body = response.json()
    assert body["action"] == "classify"
    assert [c["diary_number"] for c in body["changed"]] == [c.diary_number for c in w.ks_cases]
    for case in w.ks_cases:
        [event] = events(case, Event.Kind.CASE_UPDATED)
        assert event.data["bulk"] is True


def test_the_api_refusal_names_the_cases_and_changes_nothing(client, w, spec):
    raw = token_for(w.bun_officer)
    response = post_json(client, "/api/cases/bulk", {
        "cases": [w.bun_case.pk, w.ks_cases[2].pk], "action": "reassign", "case_officer": w.bertil.pk},
        **bearer(raw))
    assert response.status_code == 400
    assert_matches(spec, response, "/api/cases/bulk", "post")
    body = response.json()
    assert w.ks_cases[2].diary_number in body["detail"]
    assert body["errors"]["cases"] == [f"{w.ks_cases[2].diary_number}: Du har inte behörighet att ändra ärendet."]
    assert not Event.objects.filter(kind=Event.Kind.CASE_UPDATED).exists()
    # A missing officer is said on the API's own field name.
    response = post_json(client, "/api/cases/bulk", {"cases": [w.bun_case.pk], "action": "reassign"},
                         **bearer(raw))
    assert response.status_code == 400 and "case_officer" in response.json()["errors"]
    response = post_json(client, "/api/cases/bulk", {"cases": [w.bun_case.pk], "action": "reassign",
                                                     "case_officer": 999999}, **bearer(raw))
    assert response.status_code == 400 and "case_officer" in response.json()["errors"]


def test_the_api_needs_a_user(client, w):
    response = post_json(client, "/api/cases/bulk", {"cases": [w.bun_case.pk], "action": "close"})
    assert response.status_code == 401
    assert Case.objects.get(pk=w.bun_case.pk).status == Case.Status.OPEN
