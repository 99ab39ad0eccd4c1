"""The registry API: masking, writes, files and errors, as a client sees them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from diarium.registry.models import Blob, Case, Document, DocumentFile, Event

from .api_support import (
    PRIVATE_COUNTERPART,
    SECRET_COUNTERPART,
    SECRET_DESCRIPTION,
    SECRET_FILE_TEXT,
    SECRET_STRINGS,
    post_json,
    text_upload,
    world,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.django_db


def assert_no_secrets(response):
    body = response.content.decode()
    for secret in SECRET_STRINGS:
        assert secret not in body, secret


def by_number(entries, document):
    return next(e for e in entries if e["number"] == document.number)


# --- reading -------------------------------------------------------------------------------
def test_anonymous_case_list_is_public_and_paginated(client, world):
    response = client.get("/api/cases")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["diary_number"] == world.case.diary_number
    assert item["organ"] == {"id": world.ks.pk, "code": "KS", "name": "Kommunstyrelsen"}
    assert item["case_officer"]["name"] == "Göran Westerlund"
    assert item["status"] == "open" and item["status_label"] == "Pågående"
    assert_no_secrets(response)


def test_case_list_filters_and_pages(client, world):
    client.force_login(world.admin)
    for n in range(3):
        assert post_json(client, "/api/cases", {"organ": world.bun.pk, "title": f"Bygglov {n}"}).status_code == 201
    client.logout()
    assert client.get("/api/cases", {"organ": world.bun.pk}).json()["count"] == 3
    assert client.get("/api/cases", {"q": "målbild"}).json()["count"] == 1
    assert client.get("/api/cases", {"status": "closed"}).json()["count"] == 0
    page = client.get("/api/cases", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    today = dt.date.today().isoformat()
    assert client.get("/api/cases", {"date_from": today, "date_to": today}).json()["count"] == 4


def test_case_list_rejects_bad_filters_in_swedish(client, world):
    response = client.get("/api/cases", {"date_from": "23/8 2018", "limit": 500})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["date_from"] == ["Ange datum som ÅÅÅÅ-MM-DD."]
    assert errors["limit"] == ["Värdet får vara högst 100."]


def test_anonymous_documents_are_masked(client, world):
    response = client.get(f"/api/cases/{world.case.pk}/documents")
    assert response.status_code == 200
    entries = response.json()
    secret = by_number(entries, world.secret)
    assert secret["counterpart"] is None and secret["counterpart_masked"] is True
    assert secret["description"] is None and secret["description_masked"] is True
    assert secret["is_secret"] is True and secret["secrecy_ground"] == "OSL 26 kap. 1 §"
    assert secret["content_hidden"] is True and secret["files"] == []
    private = by_number(entries, world.private)
    assert private["counterpart"] is None and private["counterpart_masked"] is True
    public = by_number(entries, world.public)
    assert public["description"] == "Tjänsteskrivelse"
    [version] = public["files"][0]["versions"]
    assert version["download_url"] == f"/api/files/{world.public_file.pk}/content"
    assert_no_secrets(response)


def test_anonymous_detail_and_history_hide_secrets(client, world):
    detail = client.get(f"/api/documents/{world.secret.pk}")
    assert detail.status_code == 200
    assert detail.json()["description"] is None
    assert_no_secrets(detail)
    case = client.get(f"/api/cases/{world.case.pk}")
    assert case.json()["permissions"]["read_secret"] is False
    assert_no_secrets(case)
    events = client.get(f"/api/cases/{world.case.pk}/events")
    assert [e["kind"] for e in events.json()][:2] == ["case_registered", "document_registered"]
    assert_no_secrets(events)
    assert not Event.objects.filter(kind=Event.Kind.SECRET_READ).exists()


def test_user_with_role_on_another_organ_sees_masked(client, world):
    client.force_login(world.other)
    response = client.get(f"/api/cases/{world.case.pk}/documents")
    secret = by_number(response.json(), world.secret)
    assert secret["description"] is None and secret["content_hidden"] is True
    assert_no_secrets(response)
    assert_no_secrets(client.get(f"/api/documents/{world.secret.pk}"))


def test_registrar_on_the_organ_sees_secret_fields_and_the_read_is_logged(client, world):
    client.force_login(world.registrar)
    entries = client.get(f"/api/cases/{world.case.pk}/documents").json()
    secret = by_number(entries, world.secret)
    assert secret["counterpart"] == SECRET_COUNTERPART and secret["description"] == SECRET_DESCRIPTION
    assert secret["content_hidden"] is False and len(secret["files"]) == 1
    assert by_number(entries, world.private)["counterpart"] == PRIVATE_COUNTERPART
    detail = client.get(f"/api/documents/{world.secret.pk}").json()
    assert detail["description"] == SECRET_DESCRIPTION
    assert Event.objects.filter(kind=Event.Kind.SECRET_READ, document=world.secret, actor=world.registrar).count() == 1


def test_reader_sees_private_names_but_not_secrets(client, world):
    client.force_login(world.reader)
    entries = client.get(f"/api/cases/{world.case.pk}/documents").json()
    assert by_number(entries, world.private)["counterpart"] == PRIVATE_COUNTERPART
    assert by_number(entries, world.secret)["description"] is None


def test_unknown_case_is_a_json_404(client, world):
    response = client.get("/api/cases/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ärendet finns inte.", "errors": {}}


# --- the register of documents -------------------------------------------------------------
def _refs(response) -> list[str]:
    return [item["reference"] for item in response.json()["items"]]


def test_anonymous_document_register_lists_masked_entries_with_neutral_texts(client, world):
    response = client.get("/api/documents")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert _refs(response) == [world.private.reference, world.secret.reference, world.public.reference]
    private, secret, public = data["items"]
    assert secret["counterpart"] is None and secret["counterpart_masked"] is True
    assert secret["counterpart_mask_reason"] == "secret"
    assert secret["counterpart_text"] == "Sekretessmarkerad uppgift"
    assert secret["description"] is None and secret["description_mask_reason"] == "secret"
    assert secret["description_text"] == "Sekretessmarkerad uppgift"
    assert secret["secrecy_ground"] == "OSL 26 kap. 1 §" and secret["content_hidden"] is True
    assert private["counterpart"] is None and private["counterpart_mask_reason"] == "private"
    assert private["counterpart_text"] == "Privatperson" and private["description_text"] == "Synpunkt från medborgare"
    assert public["description"] == public["description_text"] == "Tjänsteskrivelse"
    assert public["description_mask_reason"] is None and public["direction_label"] == "Upprättad"
    assert public["case"] == {"id": world.case.pk, "diary_number": world.case.diary_number,
                              "title": world.case.title}
    assert public["organ"] == {"id": world.ks.pk, "code": "KS", "name": "Kommunstyrelsen"}
    assert "files" not in public
    assert_no_secrets(response)


def test_staff_with_the_right_read_the_values_in_the_document_register(client, world):
    client.force_login(world.registrar)
    secret = by_number(client.get("/api/documents").json()["items"], world.secret)
    assert secret["counterpart"] == secret["counterpart_text"] == SECRET_COUNTERPART
    assert secret["description"] == SECRET_DESCRIPTION and secret["description_mask_reason"] is None
    assert not Event.objects.filter(kind=Event.Kind.SECRET_READ).exists()  # a list is not a read of the entry
    client.force_login(world.other)
    assert_no_secrets(client.get("/api/documents"))


def test_document_register_filters(client, world):
    client.force_login(world.admin)
    case = post_json(client, "/api/cases", {"organ": world.bun.pk, "title": "Skolskjuts"}).json()
    client.post(f"/api/cases/{case['id']}/documents", {
        "direction": "outgoing", "document_date": "2018-06-12", "counterpart": "Västtrafik",
        "counterpart_kind": "legal", "description": "Beställning av skolskjuts"})
    client.logout()
    outgoing = Document.objects.get(direction="outgoing")
    this_year = dt.date.today().year
    assert _refs(client.get("/api/documents", {"organ": world.bun.pk})) == [outgoing.reference]
    assert _refs(client.get("/api/documents", {"direction": "outgoing"})) == [outgoing.reference]
    assert _refs(client.get("/api/documents", {"direction": "drawn_up"})) == [world.public.reference]
    assert client.get("/api/documents", {"year": this_year}).json()["count"] == 4
    assert client.get("/api/documents", {"year": this_year - 1}).json()["count"] == 0
    today = dt.date.today().isoformat()
    assert client.get("/api/documents", {"date_from": today, "date_to": today}).json()["count"] == 4
    assert client.get("/api/documents", {"date_to": "2018-12-31"}).json()["count"] == 0
    assert _refs(client.get("/api/documents", {"q": "VÄSTTRAFIK"})) == [outgoing.reference]
    assert _refs(client.get("/api/documents", {"q": "tjänsteskrivelse"})) == [world.public.reference]
    assert _refs(client.get("/api/documents", {"q": world.secret.reference})) == [world.secret.reference]
    page = client.get("/api/documents", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 4 and len(page["items"]) == 2


def test_document_register_search_matches_only_what_the_reader_may_read(client, world):
    for words in ("hälsa", "Hemliga Avsändaren", "Anna Privatperson"):
        response = client.get("/api/documents", {"q": words})
        data = response.json()
        assert (data["count"], data["items"], data["next"], data["count_capped"]) == (0, [], None, False), words
    client.force_login(world.reader)
    assert _refs(client.get("/api/documents", {"q": "anna privat"})) == [world.private.reference]
    assert client.get("/api/documents", {"q": "hälsa"}).json()["count"] == 0
    client.force_login(world.registrar)
    assert _refs(client.get("/api/documents", {"q": "hälsa"})) == [world.secret.reference]


def test_document_register_rejects_bad_filters_in_swedish(client, world):
    reversed_range = client.get("/api/documents", {"date_from": "2019-06-01", "date_to": "2019-01-01"})
    assert reversed_range.status_code == 400
    assert reversed_range.json() == {"detail": "Slutdatumet kan inte vara före startdatumet.",
                                     "errors": {"date_to": ["Slutdatumet kan inte vara före startdatumet."]}}
    bad = client.get("/api/documents", {"direction": "sideways", "date_from": "23/8 2018", "limit": 500})
    assert bad.status_code == 422
    errors = bad.json()["errors"]
    assert errors["date_from"] == ["Ange datum som ÅÅÅÅ-MM-DD."]
    assert errors["limit"] == ["Värdet får vara högst 100."]
    assert errors["direction"][0].startswith("Välj ett av:")


def test_document_register_matches_its_schema_and_stays_within_queries(client, world,
                                                                       django_assert_max_num_queries):
    from .test_api_schema import assert_matches

    spec = client.get("/api/openapi.json").json()
    operation = spec["paths"]["/api/documents"]["get"]
    assert operation["summary"] == "Diariets handlingar"
    assert {p["name"] for p in operation["parameters"]} == {
        "organisation", "organ", "year", "direction", "date_from", "date_to", "q", "limit", "cursor", "offset"}
    client.force_login(world.registrar)
    for n in range(30):
        client.post(f"/api/cases/{world.case.pk}/documents", {
            "direction": "incoming", "document_date": "2018-06-12", "counterpart": f"Person {n}",
            "counterpart_is_private": "true", "description": f"Synpunkt {n}"})
    for user in (None, world.reader):
        client.logout()
        if user:
            client.force_login(user)
        with django_assert_max_num_queries(8):
            response = client.get("/api/documents", {"limit": 25, "q": "synpunkt"})
        assert response.status_code == 200 and response.json()["count"] == 31
        assert_matches(spec, response, "/api/documents")


# --- files ------------------------------------------------------------------------------------
def test_secret_file_download_needs_the_right_and_is_logged(client, world):
    url = f"/api/files/{world.secret_file.pk}/content"
    anonymous = client.get(url)
    assert anonymous.status_code == 403
    assert anonymous.json()["detail"] == "Handlingen är sekretessmarkerad (OSL 26 kap. 1 §)."
    assert SECRET_FILE_TEXT not in anonymous.content.decode()
    client.force_login(world.other)
    assert client.get(url).status_code == 403
    client.force_login(world.registrar)
    allowed = client.get(url)
    assert allowed.status_code == 200
    assert SECRET_FILE_TEXT in b"".join(allowed.streaming_content).decode()
    assert "bilaga.txt" in allowed["Content-Disposition"]
    read = Event.objects.get(kind=Event.Kind.SECRET_READ)
    assert read.actor == world.registrar and read.document == world.secret


def test_public_file_download_is_open(client, world):
    response = client.get(f"/api/files/{world.public_file.pk}/content")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"Digital m\xc3\xa5lbild" in b"".join(response.streaming_content)


# --- writing -----------------------------------------------------------------------------------
def test_registrar_registers_a_case(client, world):
    client.force_login(world.registrar)
    response = post_json(client, "/api/cases", {
        "organ": world.ks.pk, "title": "Remiss: handlingsplan", "case_officer": world.officer.pk,
        "description": "Enligt KSAU 2018-02-28 § 8",
    })
    assert response.status_code == 201, response.content
    data = response.json()
    year = dt.date.today().year
    assert data["diary_number"] == f"{year}.2 KS"
    assert data["case_officer"]["id"] == world.officer.pk
    assert Case.objects.filter(pk=data["id"], title="Remiss: handlingsplan").exists()


def test_register_without_title_gives_swedish_field_error_and_no_case(client, world):
    client.force_login(world.registrar)
    response = post_json(client, "/api/cases", {"organ": world.ks.pk})
    assert response.status_code == 422
    assert response.json()["errors"] == {"title": ["Fältet är obligatoriskt."]}
    blank = post_json(client, "/api/cases", {"organ": world.ks.pk, "title": "  "})
    assert blank.status_code == 400
    assert blank.json()["errors"] == {"title": ["Ange en ärendemening."]}
    assert Case.objects.count() == 1


def test_register_with_unknown_organ_is_a_field_error(client, world):
    client.force_login(world.registrar)
    response = post_json(client, "/api/cases", {"organ": 987654, "title": "X"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"organ": ["Organet finns inte."]}


def test_writes_without_login_get_401(client, world):
    response = post_json(client, "/api/cases", {"organ": world.ks.pk, "title": "X"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Du måste logga in")
    assert client.patch(f"/api/cases/{world.case.pk}", {"title": "Y"}, content_type="application/json").status_code == 401
    assert post_json(client, f"/api/documents/{world.secret.pk}/secrecy/lift", {"reason": "x"}).status_code == 401
    assert Case.objects.count() == 1


def test_reader_may_not_write(client, world):
    client.force_login(world.reader)
    response = post_json(client, "/api/cases", {"organ": world.ks.pk, "title": "X"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Du har inte behörighet att registrera ärenden för Kommunstyrelsen."
    close = post_json(client, f"/api/cases/{world.case.pk}/close", {"reason": "klart"})
    assert close.status_code == 403
    upload = client.post(f"/api/cases/{world.case.pk}/documents", {
        "direction": "incoming", "document_date": "2018-06-12", "counterpart": "Sambruk",
        "description": "Remissvar", "files": [text_upload()],
    })
    assert upload.status_code == 403
    assert Document.objects.count() == 3


def test_update_close_and_reopen_a_case(client, world):
    client.force_login(world.registrar)
    url = f"/api/cases/{world.case.pk}"
    updated = client.patch(url, {"title": "Digital målbild – reviderad", "case_officer": None},
                           content_type="application/json")
    assert updated.status_code == 200, updated.content
    assert updated.json()["title"] == "Digital målbild – reviderad"
    assert updated.json()["case_officer"] is None
    closed = post_json(client, f"{url}/close", {"reason": "Beslut fattat"})
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    again = post_json(client, f"{url}/close", {})
    assert again.status_code == 400 and again.json()["detail"] == "Ärendet är redan avslutat."
    no_reason = post_json(client, f"{url}/reopen", {})
    assert no_reason.status_code == 400 and no_reason.json()["errors"] == {"reason": ["Ange varför ärendet återöppnas."]}
    reopened = post_json(client, f"{url}/reopen", {"reason": "Nytt underlag"})
    assert reopened.json()["status"] == "open"
    kinds = [e["kind"] for e in client.get(f"{url}/events").json()]
    assert kinds[-3:] == ["case_updated", "case_closed", "case_reopened"]


def test_register_document_with_files(client, world):
    client.force_login(world.registrar)
    response = client.post(f"/api/cases/{world.case.pk}/documents", {
        "direction": "incoming", "document_date": "2018-06-12", "counterpart": "Sambruk",
        "description": "Remissvar", "files": [text_upload(), text_upload("bilaga.txt", "Bilaga.\n")],
    })
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reference"] == f"{world.case.diary_number}-4"
    assert data["document_date"] == "2018-06-12"
    assert [f["versions"][0]["filename"] for f in data["files"]] == ["remissvar.txt", "bilaga.txt"]


def test_register_document_with_bad_date_is_a_swedish_field_error(client, world):
    client.force_login(world.registrar)
    response = client.post(f"/api/cases/{world.case.pk}/documents", {
        "direction": "incoming", "document_date": "12 juni", "counterpart": "Sambruk", "description": "Remissvar",
    })
    assert response.status_code == 422
    assert response.json()["errors"] == {"document_date": ["Ange datum som ÅÅÅÅ-MM-DD."]}


def test_refused_file_leaves_nothing_behind(client, world, _file_storage):
    stored_before = sorted(p for p in _file_storage.rglob("*") if p.is_file())
    blobs_before = Blob.objects.count()
    client.force_login(world.registrar)
    executable = SimpleUploadedFile("program.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200)
    response = client.post(f"/api/cases/{world.case.pk}/documents", {
        "direction": "incoming", "document_date": "2018-06-12", "counterpart": "Sambruk", "description": "Remissvar",
        "files": [text_upload("nytt-innehall.txt", "Helt nytt innehåll.\n"), executable],
    })
    assert response.status_code == 400
    body = response.json()
    assert "program.exe har en filtyp som inte tas emot" in body["detail"]
    assert body["errors"]["files"] == [body["detail"]]
    assert Document.objects.count() == 3
    assert DocumentFile.objects.count() == 2 and Blob.objects.count() == blobs_before
    assert sorted(p for p in _file_storage.rglob("*") if p.is_file()) == stored_before


def test_mark_secret_and_lift_through_the_api(client, world, django_user_model):
    client.force_login(world.registrar)
    url = f"/api/documents/{world.public.pk}/secrecy"
    missing = post_json(client, url, {"masked_fields": ["description"]})
    assert missing.status_code == 422 and missing.json()["errors"] == {"ground": ["Fältet är obligatoriskt."]}
    bad_field = post_json(client, url, {"ground": "OSL 21 kap. 1 §", "masked_fields": ["title"]})
    assert bad_field.status_code == 422 and list(bad_field.json()["errors"]) == ["masked_fields"]
    marked = post_json(client, url, {"ground": "OSL 21 kap. 1 §", "masked_fields": ["description"]})
    assert marked.status_code == 200 and marked.json()["is_secret"] is True
    client.logout()
    assert client.get(f"/api/documents/{world.public.pk}").json()["description"] is None
    client.force_login(world.registrar)
    lifted = client.delete(url, {"reason": "Sekretessen har upphört"}, content_type="application/json")
    assert lifted.status_code == 200 and lifted.json()["is_secret"] is False
    client.logout()
    assert client.get(f"/api/documents/{world.public.pk}").json()["description"] == "Tjänsteskrivelse"


def test_add_file_and_new_version(client, world):
    client.force_login(world.registrar)
    url = f"/api/documents/{world.public.pk}/files"
    added = client.post(url, {"file": text_upload("bilaga-2.txt", "Andra bilagan.\n")})
    assert added.status_code == 201, added.content
    assert len(added.json()["files"]) == 2
    version = client.post(url, {"file": text_upload("tjansteskrivelse-v2.txt", "Reviderad.\n"),
                                "replaces": world.public_file.pk})
    assert version.status_code == 201
    first = version.json()["files"][0]
    assert [v["version"] for v in first["versions"]] == [2, 1]
    wrong = client.post(url, {"file": text_upload("x.txt", "x\n"), "replaces": world.secret_file.pk})
    assert wrong.status_code == 400 and wrong.json()["errors"] == {"replaces": ["Filen hör inte till handlingen."]}


def test_the_secrecy_provisions_are_listed_with_their_content(client):
    provisions = client.get("/api/secrecy-provisions").json()
    social = next(p for p in provisions if p["reference"] == "OSL 26 kap. 1 §")
    assert social["text"].startswith("Socialtjänst: uppgift om en enskilds personliga förhållanden")
    assert len({p["reference"] for p in provisions}) == len(provisions) >= 10
