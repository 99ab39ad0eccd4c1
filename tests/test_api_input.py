"""The JSON API refuses input it cannot store or read back with a 4xx naming
the field, never a 500: integers beyond 64 bits, control characters, null for
a field that may not be null, numbers too large for their column. Found by
schemathesis (tests/test_api_fuzz.py); each case here failed before its fix."""

from __future__ import annotations

import json

import pytest

from diarium.core.errors import DomainError
from diarium.plans import services as plans
from diarium.registry.models import Case

from .api_support import bearer, post_json, rich_world, token_for, world  # noqa: F401

# ruff: noqa: F811 (the fixtures imported above are test arguments)

pytestmark = pytest.mark.django_db

TOO_BIG = 2**64  # beyond BIGINT: an OverflowError in SQLite, an error in PostgreSQL
LIMIT_MESSAGE = "Värdet får vara högst 9223372036854775807."
CONTROL_MESSAGE = "Texten får inte innehålla styrtecken (till exempel NUL)."


@pytest.fixture
def auth(world):
    return bearer(token_for(world.registrar))


def send(client, method, url, data, auth):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", **auth)


# --- integers beyond 64 bits ---------------------------------------------------------------
@pytest.mark.parametrize("url, field", [
    (f"/api/cases?organ={TOO_BIG}", "organ"),
    (f"/api/cases?organisation={TOO_BIG}", "organisation"),
    (f"/api/cases?case_officer={TOO_BIG}", "case_officer"),
    (f"/api/cases?offset={TOO_BIG}", "offset"),
    (f"/api/documents?organ={TOO_BIG}", "organ"),
    (f"/api/documents?offset={TOO_BIG}", "offset"),
    (f"/api/people?organisation={TOO_BIG}", "organisation"),
    (f"/api/meetings?organ={TOO_BIG}", "organ"),
    (f"/api/plans?case={TOO_BIG}", "case"),
])
def test_a_query_integer_beyond_64_bits_is_the_clients_error(client, world, url, field):
    response = client.get(url)
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {field: [LIMIT_MESSAGE]}


@pytest.mark.parametrize("url", [f"/api/cases/{TOO_BIG}", f"/api/documents/{TOO_BIG}", f"/api/plans/{TOO_BIG}",
                                 f"/api/meetings/{TOO_BIG}", f"/api/remiss/{TOO_BIG}"])
def test_a_path_id_beyond_64_bits_is_refused(client, world, url):
    assert client.get(url).status_code == 422


def test_body_ids_beyond_64_bits_are_refused_and_nothing_is_written(client, rich_world, auth):
    w = rich_world
    response = send(client, "put", f"/api/meetings/{w.meeting.pk}/attendance", {"present": [TOO_BIG]}, auth)
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"present": [LIMIT_MESSAGE]}
    before = Case.objects.count()
    response = post_json(client, "/api/cases", {"organ": TOO_BIG, "title": "Ett ärende",
                                                "case_officer": TOO_BIG}, **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == {"organ": [LIMIT_MESSAGE], "case_officer": [LIMIT_MESSAGE]}
    assert Case.objects.count() == before


# --- NUL and other control characters ------------------------------------------------------
@pytest.mark.parametrize("text", ["a\x00b", "a\x07b", "a\x1bb", "a\x7fb", "a\x85b"])
def test_text_with_control_characters_is_refused_and_not_stored(client, world, auth, text):
    response = post_json(client, "/api/cases", {"organ": world.ks.pk, "title": text, "description": text}, **auth)
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"title": [CONTROL_MESSAGE], "description": [CONTROL_MESSAGE]}
    assert not Case.objects.filter(title__contains="a").exclude(pk=world.case.pk).exists()


def test_tab_and_line_breaks_are_text(client, world, auth):
    response = post_json(client, "/api/cases", {"organ": world.ks.pk, "title": "Ett\tärende",
                                                "description": "Rad ett\r\nRad två"}, **auth)
    assert response.status_code == 201, response.content
    assert response.json()["description"] == "Rad ett\r\nRad två"


def test_a_control_character_in_a_nested_value_or_key_names_its_field(client, rich_world, auth):
    w = rich_world
    year = str(w.plan.years[0])
    response = send(client, "patch", f"/api/indicators/{w.indicator.pk}", {"targets": {year + "\x00": "1"}}, auth)
    assert response.status_code == 422
    assert response.json()["errors"] == {"targets": [CONTROL_MESSAGE]}
    response = post_json(client, f"/api/goals/{w.goal.pk}/actions",
                         {"title": "Ny", "budgets": [{"year": int(year), "operating": "1\x00"}]}, **auth)
    assert response.status_code == 422
    assert response.json()["errors"] == {"budgets.operating": [CONTROL_MESSAGE]}


@pytest.mark.parametrize("query", ["q=a%00b", "q=%01", "organ=1%00"])
def test_a_query_string_with_control_characters_is_refused(client, world, query):
    response = client.get("/api/cases?" + query)
    assert response.status_code == 422
    field = query.split("=")[0]
    assert response.json()["errors"] == {field: [CONTROL_MESSAGE]}
    page = client.get("/arenden/?" + query)
    assert page.status_code == 400
    assert "styrtecken" in page.content.decode()


def test_a_path_with_nul_is_not_found(client, world):
    response = client.get("/api/remissvar/abc%00def")
    assert response.status_code == 404
    assert response.json()["detail"] == "Det du söker finns inte."
    assert client.get("/arenden/%00/").status_code == 404


def test_the_search_still_takes_any_text(client, world):
    assert client.get("/api/search?q=m%C3%A5lbild%00%01").status_code == 200


# --- null for a field that may not be null -------------------------------------------------
def _patch_targets(w) -> dict[str, str]:
    return {
        "/api/cases/{case_id}": f"/api/cases/{w.case.pk}",
        "/api/decisions/{decision_id}": f"/api/decisions/{w.decision.pk}",
        "/api/plans/{plan_id}": f"/api/plans/{w.plan.pk}",
        "/api/focus-areas/{focus_area_id}": f"/api/focus-areas/{w.area.pk}",
        "/api/goals/{goal_id}": f"/api/goals/{w.goal.pk}",
        "/api/indicators/{indicator_id}": f"/api/indicators/{w.indicator.pk}",
        "/api/actions/{action_id}": f"/api/actions/{w.action.pk}",
        # The body is checked before the objects are looked up: any id does.
        "/api/officer-reports/{report_id}": "/api/officer-reports/1",
        "/api/saved-searches/{saved_search_id}": "/api/saved-searches/1",
        "/api/organisations/{organisation_id}/organs/{organ_id}": "/api/organisations/1/organs/1",
        "/api/organisations/{organisation_id}/series/{series_id}": "/api/organisations/1/series/1",
        "/api/organisations/{organisation_id}/classifications/{classification_id}":
            "/api/organisations/1/classifications/1",
        "/api/organs/{organ_id}/memberships/{membership_id}": "/api/organs/1/memberships/1",
        "/api/organisations/{organisation_id}/document-types/{type_id}": "/api/organisations/1/document-types/1",
        "/api/organisations/{organisation_id}/identity-providers/{provider_id}":
            "/api/organisations/1/identity-providers/1",
        "/api/organisations/{organisation_id}/settings": "/api/organisations/1/settings",
        "/api/organisations/{organisation_id}/mailboxes/{mailbox_id}": "/api/organisations/1/mailboxes/1",
    }


def _nullable(schema: dict) -> bool:
    return schema.get("type") == "null" or any(option.get("type") == "null" for option in schema.get("anyOf", ()))


def test_null_for_a_field_that_may_not_be_null_is_a_422_naming_it_on_every_patch(client, rich_world, auth):
    spec = client.get("/api/openapi.json").json()
    targets = _patch_targets(rich_world)
    patches = {path: ops["patch"] for path, ops in spec["paths"].items() if "patch" in ops}
    assert set(patches) == set(targets), "a new PATCH endpoint: add it to _patch_targets"
    checked = 0
    for path, operation in patches.items():
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        properties = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
        for name, schema in properties.items():
            if _nullable(schema):
                continue
            response = send(client, "patch", targets[path], {name: None}, auth)
            assert response.status_code == 422, (path, name, response.content)
            assert response.json()["errors"] == {name: ["Fältet får inte vara null."]}, (path, name)
            checked += 1
    assert checked >= 25
    # what may be cleared still can be
    response = send(client, "patch", targets["/api/cases/{case_id}"], {"case_officer": None}, auth)
    assert response.status_code == 200 and response.json()["case_officer"] is None


def test_a_case_description_patched_to_null_is_refused_and_kept(client, world, auth):
    response = send(client, "patch", f"/api/cases/{world.case.pk}", {"description": None}, auth)
    assert response.status_code == 422
    assert response.json()["errors"] == {"description": ["Fältet får inte vara null."]}
    world.case.refresh_from_db()
    assert client.get(f"/api/cases/{world.case.pk}", **auth).json()["description"] == world.case.description


# --- numbers a plan's columns cannot hold ---------------------------------------------------
@pytest.mark.parametrize("url_of, data, field", [
    (lambda w: f"/api/indicators/{w.indicator.pk}", {"baseline": "1e20"}, "baseline"),
    (lambda w: f"/api/indicators/{w.indicator.pk}", {"baseline": "0.001"}, "baseline"),
    (lambda w: f"/api/actions/{w.action.pk}", {"weight": "1e10"}, "weight"),
])
def test_a_number_too_large_for_its_column_is_refused_and_the_plan_stays_readable(
        client, rich_world, auth, url_of, data, field):
    response = send(client, "patch", url_of(rich_world), data, auth)
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == [field]
    assert client.get(f"/api/plans/{rich_world.plan.pk}", **auth).status_code == 200


def test_the_services_refuse_numbers_their_columns_cannot_hold(rich_world):
    w = rich_world
    with pytest.raises(DomainError) as refused:
        plans.indicator_save(actor=w.registrar, goal=w.goal, indicator=w.indicator, name="I", unit="st",
                             baseline="1e20")
    message = "Ange ett tal med högst 12 siffror före och två efter decimaltecknet."
    assert refused.value.errors == {"baseline": [message]}
    with pytest.raises(DomainError) as refused:
        plans.action_save(actor=w.registrar, goal=w.goal, action=w.action, title="A", weight="123456789")
    assert list(refused.value.errors) == ["weight"]
    w.indicator.refresh_from_db()
    w.action.refresh_from_db()
    assert w.indicator.baseline == 20 and w.action.weight is None  # as plan_structure left them


def test_an_unknown_key_with_control_characters_is_ignored_like_any_unknown_key(client, world, auth):
    assert client.get("/api/cases?%00x=1&q=m%C3%A5lbild").status_code == 200
    response = client.post("/api/cases", '{"\\u0000": 1, "organ": %d, "title": "Nytt"}' % world.ks.pk,
                           content_type="application/json", **auth)
    assert response.status_code == 201, response.content
