"""Issue 25: an administrator of one organisation never reaches another's.

Every administrative endpoint is found, not listed: the URL patterns of the
`administration` namespace (the screens of views_accounts.py and
views_registry.py, and any added later) from the URL resolver, and every API
operation under /api/organisations/{organisation_id}/ from the OpenAPI schema.
For two organisations, Alingsås (A) and Lerum (B), with an administrator of A,
hypothesis draws an endpoint, a method and ids of B's objects (organs, users,
roles, identity providers, mappings, series, classifications, document types,
mailboxes, contacts…), and the answer must be 403 or 404: never a success and
never a 5xx, and nothing of B's rows, nor the administration's history, changed.
A sweep besides makes sure that each endpoint is tried at least once."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diarium.accounts import services as accounts
from diarium.accounts.models import (
    AdministrationEvent,
    GroupRoleMapping,
    IdentityProvider,
    Organ,
    Organisation,
    Role,
    User,
)
from diarium.decisions import services as decisions
from diarium.intake.models import Mailbox
from diarium.registry import reference, services as registry

from . import factories as f

pytestmark = pytest.mark.django_db

API_PREFIX = "/api/organisations/{organisation_id}"
WEB_METHODS = ("GET", "POST")
REFUSED = {403, 404}


# --- the endpoints, found ------------------------------------------------------------------------
def web_endpoints() -> list[tuple[str, tuple[str, ...]]]:
    """(route with {param} placeholders, its parameters) of every pattern in the
    `administration` namespace that names an organisation."""
    prefix, resolver = get_resolver().namespace_dict["administration"]
    found = set()
    for name in resolver.reverse_dict:
        if not isinstance(name, str):
            continue
        for possibilities, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(name):
            for route, params in possibilities:
                if "org" in params:
                    found.add(("/" + prefix + route.replace("%(", "{").replace(")s", "}"), tuple(params)))
    return sorted(found)


def api_endpoints() -> list[tuple[str, str, dict | None]]:
    """(path, method, request body schema) of every operation under /api/organisations/{organisation_id}/."""
    from config.api import api

    schema = api.get_openapi_schema()
    out = []
    for path, operations in schema["paths"].items():
        if not path.startswith(API_PREFIX):
            continue
        for method, operation in operations.items():
            body = (operation.get("requestBody") or {}).get("content") or {}
            out.append((path, method.upper(), body))
    return sorted(out, key=lambda e: (e[0], e[1])), schema.get("components", {}).get("schemas", {})


# --- two organisations -------------------------------------------------------------------------
def _admin_models():
    """Each model whose rows belong to an organisation, with the filter that finds them."""
    out = []
    for model in apps.get_models():
        conditions = []
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Organisation:
                conditions.append(field.name)
            elif field.is_relation and field.related_model is Organ:
                conditions.append(f"{field.name}__organisation")
        if model is Organisation:
            conditions.append("pk")  # compared with the organisation's pk (rows_of, ids_by_kind)
        if conditions:
            out.append((model, conditions))
    return out


def rows_of(organisation, models) -> dict:
    """Every row of the organisation's (and its users'), to compare before and after."""
    snapshot = {}
    for model, conditions in models:
        query = Q()
        for condition in conditions:
            query |= Q(**{condition: organisation.pk if condition == "pk" else organisation})
        snapshot[model._meta.label] = list(model.objects.filter(query).order_by("pk").values())
    snapshot["users"] = list(User.objects.filter(roles__organisation=organisation).distinct().order_by("pk")
                             .values())
    snapshot["history"] = AdministrationEvent.objects.count()
    return snapshot


def ids_by_kind(organisation, models) -> dict[str, set[int]]:
    """The ids of the organisation's rows, by model (its users' too)."""
    found = {}
    for model, conditions in models:
        query = Q()
        for condition in conditions:
            query |= Q(**{condition: organisation.pk if condition == "pk" else organisation})
        found[model._meta.label] = set(model.objects.filter(query).values_list("pk", flat=True))
    found["users"] = set(User.objects.filter(roles__organisation=organisation).values_list("pk", flat=True))
    return found


def ids_of(organisation, models) -> set[int]:
    return set().union(*ids_by_kind(organisation, models).values())


def _fill(org, root, *, code):
    """An organisation with something behind every kind of id the screens and the API take."""
    ks = f.organ(org, code=code, name=f"{org.name} kommunstyrelse")
    bun = f.organ(org, code=f"{code}B", name=f"{org.name} nämnd", kind=Organ.Kind.BOARD, parent=ks)
    f.user(org, Role.ADMIN, username=f"{code}-admin")
    registrar = f.user(org, Role.REGISTRAR, ks, username=f"{code}-registrator")
    f.user(org, Role.READER, bun, username=f"{code}-lasare")
    provider = IdentityProvider.objects.create(organisation=org, slug=f"{code.lower()}-ad", name="AD",
                                               protocol="oidc", issuer="https://login.example.se",
                                               client_id="diarium", client_secret="hemligt")
    GroupRoleMapping.objects.create(organisation=org, provider=provider, group="reg", role=Role.REGISTRAR, organ=ks)
    GroupRoleMapping.objects.create(organisation=org, group="alla", role=Role.READER)
    reference.series_create(actor=root, organisation=org, code=f"{code}S", name="Serie", organs=[ks])
    reference.document_type_create(actor=root, organisation=org, name="Protokoll")
    registry.classification_create(actor=root, organisation=org, code="1", title="Styrning")
    Mailbox.objects.create(organisation=org, name="Registrator", host="imap.example.se", username="reg",
                           password="hemligt", organ=ks)
    person = f.person(org, "Anna Ledamot", organ=ks)
    decisions.membership_add(actor=root, organ=ks, person=person, role="member", start=dt.date(2026, 1, 1))
    f.case(registrar, ks)


@pytest.fixture
def two(client):
    root = f.user(superuser=True, username="root")
    lerum = f.organisation(name="Lerums kommun", slug="lerum")
    _fill(lerum, root, code="L")
    accounts.role_grant(user=f.user(lerum, Role.READER, username="lerum-extra"), organisation=lerum,
                        role=Role.CASE_OFFICER)
    # Alingsås, made after Lerum, has its administrator only: so that (nearly) no id of Lerum's rows is
    # an id of Alingsås's, and a screen on Alingsås's address finds Lerum's row only by overlooking whose it is.
    alingsas = f.organisation()
    admin = f.user(alingsas, Role.ADMIN, username="alingsas-admin")
    models = _admin_models()
    a_kinds = ids_by_kind(alingsas, models)
    a_kinds.pop(Organisation._meta.label)  # organisations are addressed by organisation_id and slug only
    a_ids = set().union(*a_kinds.values())
    b_ids = sorted(ids_of(lerum, models) - a_ids)
    assert len(b_ids) >= 5
    # One id of each kind of Lerum's rows (organ, user, role, provider, series, mailbox…) that is no id of Alingsås's.
    kind_ids = sorted({min(ids - a_ids) for ids in ids_by_kind(lerum, models).values() if ids - a_ids})
    client.force_login(admin)
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # hundreds of expected 403/404 warnings
    api, components = api_endpoints()
    yield {"a": alingsas, "b": lerum, "b_ids": b_ids, "kind_ids": kind_ids, "models": models, "before": rows_of(lerum, models),
           "web": web_endpoints(), "api": api, "components": components, "client": client}
    logger.setLevel(level)


# --- requests ------------------------------------------------------------------------------------
ID_FIELDS = {"organ", "parent", "provider", "organs", "classification", "series", "user", "person",
             "document_type", "mailbox", "contact"}


def _body(schema, components, b_id, name="", depth=0):
    """A value the schema accepts, with B's id wherever an id goes (so that the
    request passes validation and reaches the rule that must refuse it)."""
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _body(options[0], components, b_id, name, depth)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        return {key: _body(sub, components, b_id, key, depth + 1)
                for key, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_body(schema.get("items", {}), components, b_id, name, depth + 1)]
    if kind == "integer":
        if name in ID_FIELDS or name.endswith("_id") or name.endswith("s"):
            return b_id
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return "2026-03-02"
        if fmt == "date-time":
            return "2026-03-02T10:00:00+01:00"
        if fmt == "time":
            return "10:00"
        if fmt == "binary":
            return SimpleUploadedFile("brev.txt", b"Hej\n", content_type="text/plain")
        if fmt == "email" or "mail" in name:
            return "test@example.se"
        if "url" in name or fmt == "uri":
            return "https://example.se"
        if name == "brand_colour":
            return "#1d4e89"
        return "X1"[: schema.get("maxLength", 2)] or "X"
    return None


def api_call(client, path, method, content, components, *, org_id, b_id):
    url = path.replace("{organisation_id}", str(org_id))
    while "{" in url:
        start = url.index("{")
        url = url[:start] + str(b_id) + url[url.index("}", start) + 1:]
    if "application/json" in content:
        import json

        data = json.dumps(_body(content["application/json"]["schema"], components, b_id))
        return client.generic(method, url, data, content_type="application/json")
    if "multipart/form-data" in content:
        form = _body(content["multipart/form-data"]["schema"], components, b_id) or {}
        form = {k: v for k, v in form.items() if v is not None}
        return client.post(url, {k: (v if not isinstance(v, (dict, list)) or isinstance(v, list) else str(v))
                                 for k, v in form.items()})
    return client.generic(method, url)


def web_call(client, route, params, method, *, slug, b_id, action):
    url = route.replace("{org}", slug)
    for param in params:
        if param != "org":
            url = url.replace("{" + param + "}", str(b_id))
    if method == "GET":
        return client.get(url, {"action": action})
    return client.post(url, {"action": action, "role": "admin", "organ": str(b_id), "parent": str(b_id),
                             "provider": str(b_id), "name": "Nytt namn", "code": "NY", "kind": "board",
                             "group": "grupp", "username": "ny", "password": f.PASSWORD, "slug": "ny",
                             "protocol": "oidc", "issuer": "https://login.example.se", "client_id": "x",
                             "clock_skew_seconds": "120", "brand_colour": "#1d4e89"})


NOT_APPLICABLE = 405  # a screen that takes POST only, asked with GET (or the other way round)


def refused_and_unchanged(two, response, what):
    assert response.status_code in REFUSED | {NOT_APPLICABLE}, f"{what}: {response.status_code}"
    assert rows_of(two["b"], two["models"]) == two["before"], f"{what} changed Lerum's rows"


ACTIONS = ("deactivate", "reactivate", "remove_roles", "emergency_on", "emergency_off", "retire", "remove", "")


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_an_administrator_never_reaches_another_organisation(two, data):
    b_id = data.draw(st.sampled_from(two["b_ids"]), label="id of Lerum's")
    if data.draw(st.booleans(), label="screen or API"):
        route, params = data.draw(st.sampled_from(two["web"]), label="screen")
        # Alingsås's own address with Lerum's ids, or Lerum's address (the only choice without ids)
        own = len(params) > 1 and data.draw(st.booleans(), label="Alingsås's address")
        slug = two["a"].slug if own else two["b"].slug
        method = data.draw(st.sampled_from(WEB_METHODS), label="method")
        action = data.draw(st.sampled_from(ACTIONS), label="action")
        response = web_call(two["client"], route, params, method, slug=slug, b_id=b_id, action=action)
        refused_and_unchanged(two, response, f"{method} {route} as {slug} with {b_id}")
    else:
        path, method, content = data.draw(st.sampled_from(two["api"]), label="operation")
        own = path.count("{") > 1 and data.draw(st.booleans(), label="Alingsås's id")
        org_id = two["a"].pk if own else two["b"].pk
        response = api_call(two["client"], path, method, content, two["components"], org_id=org_id, b_id=b_id)
        refused_and_unchanged(two, response, f"{method} {path} as {org_id} with {b_id}")


def test_every_endpoint_refuses_another_organisations_rows(two):
    """Each screen and operation once: on Lerum's address, and on Alingsås's with Lerum's ids."""
    web, api = two["web"], two["api"]
    names = {route for route, _params in web}
    assert {"/organisation/{org}/installningar/", "/organisation/{org}/anvandare/{pk}/"} <= names
    assert {(p, m) for p, m, _c in api} >= {(API_PREFIX + "/users", "GET"), (API_PREFIX + "/settings", "PATCH"),
                                           (API_PREFIX + "/organs", "POST")}
    client, a, b = two["client"], two["a"], two["b"]
    for route, params in web:
        answered = set()
        for method in WEB_METHODS:
            calls = [(b.slug, two["kind_ids"][0])] + [(a.slug, b_id) for b_id in two["kind_ids"] if len(params) > 1]
            for slug, b_id in calls:
                response = web_call(client, route, params, method, slug=slug, b_id=b_id, action="deactivate")
                assert response.status_code in REFUSED | {NOT_APPLICABLE}, f"{method} {route} as {slug} with {b_id}"
                answered.add(response.status_code)
        assert answered & REFUSED, f"{route} answers no method"
    for path, method, content in api:
        calls = [(b.pk, two["kind_ids"][0])] + [(a.pk, b_id) for b_id in two["kind_ids"] if path.count("{") > 1]
        for org_id, b_id in calls:
            response = api_call(client, path, method, content, two["components"], org_id=org_id, b_id=b_id)
            assert response.status_code in REFUSED, f"{method} {path} as {org_id} with {b_id}"
    assert rows_of(b, two["models"]) == two["before"]
