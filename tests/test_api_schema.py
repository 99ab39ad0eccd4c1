"""The API keeps its published contract: every JSON answer of the main endpoints
matches the response schema /api/openapi.json gives for that path and status."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .api_support import bearer, post_json, text_upload, token_for, world  # noqa: F401

pytestmark = pytest.mark.django_db

JSON_TYPES = {
    "object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
    "boolean": bool, "null": type(None),
}


def check(value, schema: dict, spec: dict, where: str = "$") -> list[str]:
    """Problems with `value` against an OpenAPI schema: the subset ninja emits
    ($ref, anyOf, type, properties, required, additionalProperties, items, enum,
    format). Objects must have exactly the documented properties."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return check(value, spec["components"]["schemas"][name], spec, where)
    if "anyOf" in schema:
        options = [check(value, option, spec, where) for option in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{where}: matches no anyOf option: {options}"]
    kind = schema.get("type")
    if kind:
        expected = JSON_TYPES[kind]
        if not isinstance(value, expected) or (kind in {"integer", "number"} and isinstance(value, bool)):
            return [f"{where}: {value!r} is not {kind}"]
    problems = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    if schema.get("format") == "date" and isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            problems.append(f"{where}: {value!r} is not an ISO date")
    if schema.get("format") == "date-time" and isinstance(value, str):
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{where}: {value!r} is not an ISO date-time")
    if kind == "object":
        properties = schema.get("properties")
        if properties is not None:
            if set(value) != set(properties):
                problems.append(f"{where}: keys {sorted(value)} != documented {sorted(properties)}")
            for key, sub in properties.items():
                if key in value:
                    problems += check(value[key], sub, spec, f"{where}.{key}")
        missing = set(schema.get("required", ())) - set(value)
        if missing:
            problems.append(f"{where}: missing required {sorted(missing)}")
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key, item in value.items():
                problems += check(item, extra, spec, f"{where}.{key}")
    if kind == "array":
        for i, item in enumerate(value):
            problems += check(item, schema.get("items", {}), spec, f"{where}[{i}]")
    return problems


@pytest.fixture
def spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def assert_matches(spec, response, path: str, method: str = "get"):
    operation = spec["paths"][path][method]
    documented = operation["responses"][str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    problems = check(response.json(), schema, spec)
    assert not problems, problems


def test_openapi_schema_lists_the_api(client, spec):
    assert spec["info"]["title"] == "Diarium API"
    for path in ("/api/cases", "/api/cases/{case_id}", "/api/cases/{case_id}/documents",
                 "/api/cases/{case_id}/events", "/api/cases/{case_id}/close", "/api/cases/{case_id}/reopen",
                 "/api/documents/{document_id}", "/api/documents/{document_id}/secrecy",
                 "/api/documents/{document_id}/files", "/api/files/{file_id}/content",
                 "/api/organs", "/api/people", "/api/tokens", "/api/tokens/{token_id}"):
        assert path in spec["paths"], path
    assert {"ApiToken", "Session"} <= set(spec["components"]["securitySchemes"])
    assert client.get("/api/docs").status_code == 200


def test_the_schema_is_built_once_and_each_caller_gets_its_own_copy(client, spec):
    """/api/openapi.json is kept after its first build (it follows from the code alone):
    later answers are the same, and a caller changing what it got changes nothing for the next."""
    from config.api import api

    again = client.get("/api/openapi.json").json()
    assert again == spec
    mine = api.get_openapi_schema(path_prefix="/api/")
    mine["paths"].clear()
    mine["info"]["title"] = "ändrad"
    fresh = api.get_openapi_schema(path_prefix="/api/")
    assert fresh["info"]["title"] == "Diarium API" and fresh["paths"].keys() == spec["paths"].keys()
    assert client.get("/api/openapi.json").json() == spec


def test_public_reads_match_the_schema(client, spec, world):
    case = world.case.pk
    for url, path in (
        ("/api/cases", "/api/cases"),
        (f"/api/cases/{case}", "/api/cases/{case_id}"),
        (f"/api/cases/{case}/documents", "/api/cases/{case_id}/documents"),
        (f"/api/cases/{case}/events", "/api/cases/{case_id}/events"),
        (f"/api/documents/{world.secret.pk}", "/api/documents/{document_id}"),
        (f"/api/documents/{world.public.pk}", "/api/documents/{document_id}"),
        ("/api/organs", "/api/organs"),
        ("/api/people", "/api/people"),
        ("/api/cases/0", "/api/cases/{case_id}"),
        ("/api/cases?year=tjugo", "/api/cases"),
        (f"/api/files/{world.secret_file.pk}/content", "/api/files/{file_id}/content"),
    ):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json"), url
        assert_matches(spec, response, path)


def test_reads_with_rights_match_the_schema(client, spec, world):
    raw = token_for(world.registrar)
    for url, path in (
        (f"/api/cases/{world.case.pk}/documents", "/api/cases/{case_id}/documents"),
        (f"/api/documents/{world.secret.pk}", "/api/documents/{document_id}"),
        ("/api/people", "/api/people"),
        ("/api/tokens", "/api/tokens"),
    ):
        response = client.get(url, **bearer(raw))
        assert response.status_code == 200
        assert_matches(spec, response, path)


def test_writes_match_the_schema(client, spec, world):
    client.force_login(world.registrar)
    case_id = world.case.pk
    checks = [
        (post_json(client, "/api/cases", {"organ": world.ks.pk, "title": "Ny"}), "/api/cases", "post"),
        (post_json(client, "/api/cases", {"organ": world.ks.pk}), "/api/cases", "post"),
        (client.patch(f"/api/cases/{case_id}", {"description": "Ändrad"}, content_type="application/json"),
         "/api/cases/{case_id}", "patch"),
        (post_json(client, f"/api/cases/{case_id}/close", {"reason": "Klart"}), "/api/cases/{case_id}/close", "post"),
        (post_json(client, f"/api/cases/{case_id}/reopen", {"reason": "Nytt"}), "/api/cases/{case_id}/reopen", "post"),
        (client.post(f"/api/cases/{case_id}/documents", {
            "direction": "outgoing", "document_date": "2018-08-23", "counterpart": "Samtliga nämnder",
            "description": "Beslut", "files": [text_upload()]}), "/api/cases/{case_id}/documents", "post"),
        (post_json(client, f"/api/documents/{world.public.pk}/secrecy", {"ground": "OSL 21 kap. 1 §"}),
         "/api/documents/{document_id}/secrecy", "post"),
        (post_json(client, f"/api/documents/{world.public.pk}/secrecy/lift", {"reason": "Upphört"}),
         "/api/documents/{document_id}/secrecy/lift", "post"),
        (client.post(f"/api/documents/{world.public.pk}/files", {"file": text_upload("ny.txt", "Ny fil.\n")}),
         "/api/documents/{document_id}/files", "post"),
        (post_json(client, "/api/tokens", {"name": "Integration"}), "/api/tokens", "post"),
    ]
    client.logout()
    checks.append((post_json(client, "/api/cases", {"organ": world.ks.pk, "title": "X"}), "/api/cases", "post"))
    statuses = []
    for response, path, method in checks:
        statuses.append(response.status_code)
        assert_matches(spec, response, path, method)
    assert statuses == [201, 422, 200, 200, 200, 201, 200, 200, 201, 201, 401]


def test_every_operation_documents_the_error_answers_and_public_reads_say_so(spec):
    """429 (the public rate limit covers every request that does not
    authenticate) with the API's error shape, and 401/403/404/422 on every
    operation; an operation anonymous callers may use lists `{}` among its
    security requirements."""
    public = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("401", "403", "404", "422", "429"):
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
            if {} in operation.get("security", []):
                public += 1
    assert spec["paths"]["/api/cases"]["get"]["security"][-1] == {}
    assert {} not in spec["paths"]["/api/cases"]["post"]["security"]
    assert public >= 20


def test_meeting_times_are_sent_as_the_schema_says(client, world, spec):  # noqa: F811
    """start_time was declared `format: time` (RFC 3339: with a zone offset) but
    sent as "13:00:00"; it is now a local time with a pattern that the answer
    matches. A time with an offset is refused (SQLite cannot store one)."""
    auth = bearer(token_for(world.registrar))
    sent = post_json(client, "/api/meetings", {"organ": world.ks.pk, "date": "2018-09-24",
                                               "start_time": "13:00", "end_time": "16:30:00"}, **auth)
    assert sent.status_code == 201, sent.content
    meeting = sent.json()
    assert (meeting["start_time"], meeting["end_time"]) == ("13:00:00", "16:30:00")
    schema = spec["components"]["schemas"]["MeetingOut"]["properties"]["start_time"]["anyOf"][0]
    assert "format" not in schema and re.fullmatch(schema["pattern"], meeting["start_time"])
    assert_matches(spec, client.get(f"/api/meetings/{meeting['id']}"), "/api/meetings/{meeting_id}")
    zoned = post_json(client, "/api/meetings", {"organ": world.ks.pk, "date": "2018-09-25",
                                                "start_time": "13:00:00+02:00"}, **auth)
    assert zoned.status_code == 422
    assert zoned.json()["errors"] == {"start_time": ["Ange tid som tt:mm."]}
