"""Requests for public documents over the API (issue 21, item 4): the list and
one request with status, due time and officer, giving one to an officer,
deciding it (released in part: a redacted copy and a written decision), the
copy for staff, and marking a posted answer sent. Every answer matches the
published schema; callers without the right, another organisation's staff
and bad input are refused."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from diarium.registry import services
from diarium.registry.models import CopyRequest, Event

from . import factories as f
from .api_support import bearer, post_json, token_for, world  # noqa: F401  (fixture)
from .pdf_support import pdf_text, pdf_with_text
from .test_api_schema import assert_matches, spec  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SECRET = "Gunnel Hemlig"
REQUESTER_EMAIL = "journalist@tidningen.example"


@pytest.fixture
def pdf_document(world):
    pdf = pdf_with_text([f"Yttrande om detaljplan. Synpunkter från {SECRET} om buller.",
                         "Bilaga med foton.", "Karta över planområdet."])
    return f.document(world.registrar, world.case, direction="incoming", counterpart="Sambruk",
                      description="Yttrande", files=[SimpleUploadedFile("yttrande.pdf", pdf,
                                                                        content_type="application/pdf")])


@pytest.fixture
def requested(client, world, pdf_document):
    response = post_json(client, f"/api/documents/{pdf_document.pk}/copy-requests",
                         {"format": "email", "contact": REQUESTER_EMAIL, "name": "Journalisten"})
    assert response.status_code == 201, response.content
    return CopyRequest.objects.get()


def test_staff_list_and_read_requests_with_status_and_due_time(client, world, requested, spec):
    assert client.get("/api/copy-requests").status_code == 401
    client.force_login(world.reader)  # reads the case's internal data
    listing = client.get("/api/copy-requests")
    assert listing.status_code == 200
    assert_matches(spec, listing, "/api/copy-requests")
    [item] = listing.json()["items"]
    assert item["id"] == requested.pk and item["status"] == "received" and item["outcome"] == ""
    assert item["assigned_to"] is None and item["overdue"] is False and item["channel"] == "web"
    assert (item["name"], item["contact"], item["delivery"], item["has_copy"]) == (
        "Journalisten", REQUESTER_EMAIL, "", False)
    assert client.get("/api/copy-requests?status=decided").json() == {"count": 0, "items": []}
    assert client.get("/api/copy-requests?status=open").json()["count"] == 1
    one = client.get(f"/api/copy-requests/{requested.pk}")
    assert one.status_code == 200 and one.json() == item
    assert_matches(spec, one, "/api/copy-requests/{request_id}")
    assert client.get("/api/copy-requests/999999").status_code == 404

    client.force_login(world.other)  # a case officer of another organ
    assert client.get("/api/copy-requests").json() == {"count": 0, "items": []}
    assert client.get(f"/api/copy-requests/{requested.pk}").status_code == 403
    client.force_login(f.user(username="utan-roller"))
    assert client.get("/api/copy-requests").status_code == 403


def test_the_registrar_assigns_and_an_officer_decides_in_part(client, world, requested, pdf_document, spec):
    auth = bearer(token_for(world.registrar))
    url = f"/api/copy-requests/{requested.pk}"
    assert post_json(client, f"{url}/assign", {"person": world.officer.pk}).status_code == 401
    reader = bearer(token_for(world.reader))
    assert post_json(client, f"{url}/assign", {"person": world.officer.pk}, **reader).status_code == 403
    unknown = post_json(client, f"{url}/assign", {"person": 999999}, **auth)
    assert unknown.status_code == 400 and "person" in unknown.json()["errors"]
    assigned = post_json(client, f"{url}/assign", {"person": world.officer.pk}, **auth)
    assert assigned.status_code == 200, assigned.content
    assert_matches(spec, assigned, "/api/copy-requests/{request_id}/assign", "post")
    assert assigned.json()["status"] == "assigned"
    assert assigned.json()["assigned_to"] == {"id": world.officer.pk, "name": world.officer.name}

    mail.outbox.clear()
    decided = post_json(client, f"{url}/decide", {
        "outcome": "partial", "legal_ground": "OSL 21 kap. 7 §", "reasoning": "Personuppgifter om en enskild.",
        "phrases": [SECRET.upper()], "pages": [2]}, **auth)
    assert decided.status_code == 200, decided.content
    assert_matches(spec, decided, "/api/copy-requests/{request_id}/decide", "post")
    body = decided.json()
    assert (body["status"], body["outcome"], body["legal_ground"], body["has_copy"], body["delivery"]) == (
        "decided", "partial", "OSL 21 kap. 7 §", True, "email")
    assert body["decision_document_id"] and body["decision_reference"].startswith(world.case.diary_number)
    assert body["sent_at"] is not None and [m.to for m in mail.outbox] == [[REQUESTER_EMAIL]]

    copy = client.get(f"{url}/copy", **auth)
    assert copy.status_code == 200
    text = pdf_text(b"".join(copy.streaming_content))
    assert SECRET.casefold() not in text.casefold() and "Yttrande om detaljplan" in text and "buller" in text
    assert client.get(f"{url}/copy", **reader).status_code == 403  # a reader does not have the copy

    twice = post_json(client, f"{url}/decide", {"outcome": "released"}, **auth)
    assert twice.status_code == 400 and "redan avgjord" in twice.json()["errors"]["outcome"][0]


def test_a_decision_with_bad_input_gets_every_error_and_changes_nothing(client, world, requested):
    auth = bearer(token_for(world.registrar))
    url = f"/api/copy-requests/{requested.pk}/decide"
    events = Event.objects.count()
    refused = post_json(client, url, {"outcome": "partial", "phrases": ["Finns inte här"], "pages": [9]}, **auth)
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"legal_ground", "phrases", "pages"}
    assert post_json(client, url, {"outcome": "lent"}, **auth).status_code == 422
    no_ground = post_json(client, url, {"outcome": "refused"}, **auth)
    assert no_ground.status_code == 400 and set(no_ground.json()["errors"]) == {"legal_ground"}
    assert Event.objects.count() == events
    requested.refresh_from_db()
    assert not requested.decided
    other = bearer(token_for(world.other))
    assert post_json(client, url, {"outcome": "released"}, **other).status_code == 403


def test_a_posted_answer_is_marked_sent(client, world, pdf_document, spec):
    request = services.copy_request_register(actor=world.registrar, document=pdf_document, channel="letter",
                                             format="paper", contact="Storgatan 1, 441 30 Alingsås")
    auth = bearer(token_for(world.registrar))
    url = f"/api/copy-requests/{request.pk}"
    early = post_json(client, f"{url}/sent", {}, **auth)
    assert early.status_code == 400
    decided = post_json(client, f"{url}/decide", {"outcome": "refused", "legal_ground": "OSL 21 kap. 7 §"}, **auth)
    assert decided.json()["delivery"] == "post" and decided.json()["sent_at"] is None
    assert decided.json()["has_copy"] is False
    sent = post_json(client, f"{url}/sent", {}, **auth)
    assert sent.status_code == 200 and sent.json()["sent_at"] is not None
    assert_matches(spec, sent, "/api/copy-requests/{request_id}/sent", "post")
    assert client.get(f"{url}/copy", **auth).status_code == 404  # a refusal has no copy


def test_the_schema_documents_the_endpoints(spec):
    for path, method in [("/api/copy-requests", "get"), ("/api/copy-requests/{request_id}", "get"),
                         ("/api/copy-requests/{request_id}/assign", "post"),
                         ("/api/copy-requests/{request_id}/decide", "post"),
                         ("/api/copy-requests/{request_id}/sent", "post"),
                         ("/api/copy-requests/{request_id}/copy", "get")]:
        assert method in spec["paths"][path], path
    decide = spec["components"]["schemas"]["CopyRequestDecideIn"]["properties"]
    assert decide["outcome"]["enum"] == ["released", "partial", "refused"]
    assert "Kopian" in spec["paths"]["/api/copy-requests/{request_id}/copy"]["get"]["responses"]["200"]["description"]


def test_the_public_api_never_lists_the_requester(client, world, requested):
    client.logout()
    events = client.get(f"/api/cases/{world.case.pk}/events").content.decode()
    assert REQUESTER_EMAIL not in events and "Journalisten" not in events
