"""Issue 17: the actions of the web UI that the API lacked, as a client meets
them: signing file versions, the excerpts of a meeting dispatched as a batch
with its progress, the officer's report changed and previewed, requests for
copies, saved searches and subscriptions, and an organisation's reference data
kept by its own administrators. Each with the happy path, an anonymous caller,
a user without the right, another organisation's data and bad input."""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest
from django.core import mail

from diarium.accounts.models import Organ, Role
from diarium.decisions import services as decisions
from diarium.decisions.models import Membership
from diarium.documents.models import DocumentSignature, GenerationBatch
from diarium.registry import services as registry
from diarium.registry.models import Classification, DocumentFile, Event, Series
from diarium.search import alerts
from diarium.search.models import SavedSearch

from . import factories as f
from .api_support import post_json, world  # noqa: F401  (fixture)
from .search_support import tantivy_engine_fixture  # noqa: F401
from .test_api_schema import assert_matches

pytestmark = pytest.mark.django_db

ACTING = "Tf. Kommundirektör"


def patch_json(client, url, data, **extra):
    return client.patch(url, json.dumps(data), content_type="application/json", **extra)


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").json()


@pytest.fixture
def lerum(db):
    """Another organisation with its own registrar and a case."""
    org = f.organisation(name="Lerums kommun", slug="lerum")
    ks = f.organ(org, code="KS", name="Kommunstyrelsen i Lerum")
    registrar = f.user(org, Role.REGISTRAR, username="lerum-registrator")
    admin = f.user(org, Role.ADMIN, username="lerum-admin")
    case = f.case(registrar, ks, title="Lerums ärende")
    return SimpleNamespace(org=org, ks=ks, registrar=registrar, admin=admin, case=case)


# --- 1. signing ------------------------------------------------------------------------------
def test_a_registrar_signs_a_file_version_and_anyone_reads_the_signatures(client, world, spec):
    client.force_login(world.registrar)
    url = f"/api/files/{world.public_file.pk}/signatures"
    response = post_json(client, url, {"name": "Anneli  Schwartz", "role": ACTING})
    assert response.status_code == 201, response.content
    assert_matches(spec, response, "/api/files/{file_id}/signatures", "post")
    body = response.json()
    assert (body["name"], body["role"], body["method"], body["version"]) == ("Anneli Schwartz", ACTING, "manual", 1)
    assert body["method_label"] == "Manuell markering"
    assert Event.objects.filter(kind=Event.Kind.DOCUMENT_SIGNED, document=world.public).count() == 1

    again = post_json(client, url, {"name": "Anneli Schwartz", "role": ACTING})
    assert again.status_code == 400
    assert again.json()["errors"]["name"] == ["Anneli Schwartz har redan signerat den här versionen."]

    client.logout()
    for listing in (client.get(url), client.get(f"/api/documents/{world.public.pk}/signatures")):
        assert listing.status_code == 200
        assert [s["name"] for s in listing.json()] == ["Anneli Schwartz"]
    assert_matches(spec, client.get(url), "/api/files/{file_id}/signatures")


def test_signing_is_refused_without_the_right_and_checks_the_input(client, world, lerum):
    url = f"/api/files/{world.public_file.pk}/signatures"
    assert post_json(client, url, {"name": "Anneli Schwartz"}).status_code == 401
    for user in (world.reader, world.other, lerum.registrar):
        client.force_login(user)
        response = post_json(client, url, {"name": "Anneli Schwartz"})
        assert response.status_code == 403, user
        assert response.json()["detail"] == "Du har inte behörighet att markera handlingar som signerade."
    client.force_login(world.registrar)
    missing = post_json(client, url, {"role": ACTING})
    assert missing.status_code == 422 and missing.json()["errors"] == {"name": ["Fältet är obligatoriskt."]}
    blank = post_json(client, url, {"name": "   "})
    assert blank.status_code == 400
    assert blank.json()["errors"]["name"] == ["Ange namnet på den som har skrivit under."]
    assert post_json(client, "/api/files/999999/signatures", {"name": "X"}).status_code == 404
    assert not DocumentSignature.objects.exists()
    # A secret document's file: its signatures are for those who may read it.
    client.logout()
    assert client.get(f"/api/files/{world.secret_file.pk}/signatures").status_code == 403


def test_a_secret_documents_signatures_name_its_files_and_are_shown_only_with_them(client, world):
    """The document's list, like its page, leaves them out for those who may not
    have the files: each signature names the file (bilaga.txt) it signs."""
    client.force_login(world.registrar)
    assert post_json(client, f"/api/files/{world.secret_file.pk}/signatures",
                     {"name": "Anneli Schwartz"}).status_code == 201
    url = f"/api/documents/{world.secret.pk}/signatures"
    assert [s["filename"] for s in client.get(url).json()] == ["bilaga.txt"]
    for user in (None, world.reader):
        client.logout()
        if user is not None:
            client.force_login(user)
        listing = client.get(url)
        assert listing.status_code == 200 and listing.json() == [], user
        assert "bilaga" not in listing.content.decode()


# --- 2. the excerpts of a meeting as a batch ------------------------------------------------
@pytest.fixture
def adjusted(world):
    org, ks, registrar = world.org, world.ks, world.registrar
    chair, adjuster = f.person(org, "Daniel Filipsson"), f.person(org, "Simon Waern")
    meeting = f.meeting(registrar, ks, members=[(chair, "chair"), (adjuster, "member")], adjusters=[adjuster])
    meeting.refresh_from_db()
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    decisions.decision_record(actor=registrar, meeting=meeting, case=world.case, title="Digital målbild",
                              text="Godkänns.", recipients=[decisions.RecipientInput(name="Ekonomienheten")])
    f.adjust(registrar, meeting)
    return meeting


def test_the_excerpts_are_dispatched_as_a_batch_and_its_progress_read(client, world, adjusted, spec, lerum):
    url = f"/api/meetings/{adjusted.pk}/excerpt-batches"
    assert client.post(url).status_code == 401
    client.force_login(world.reader)
    refused = client.post(url)
    assert refused.status_code == 403 and "behörighet att expediera" in refused.json()["detail"]
    assert not GenerationBatch.objects.exists()

    client.force_login(world.registrar)
    started = client.post(url)
    assert started.status_code == 202, started.content
    assert_matches(spec, started, "/api/meetings/{meeting_id}/excerpt-batches", "post")
    batch = started.json()
    assert (batch["total"], batch["done"], batch["failed"], batch["state"]) == (1, 1, 0, "finished")  # tasks run at once
    assert batch["text"] == "1 av 1 klar. Klart."
    # The registrar holds their role on the meeting's organ only, and follows the batch (here and on the web).
    progress = client.get(batch["status_url"])
    assert progress.status_code == 200 and progress.json()["id"] == batch["id"]
    assert client.get(f"/generering/{batch['id']}/status.json").status_code == 200
    assert_matches(spec, progress, "/api/generation-batches/{batch_id}")

    nothing_left = client.post(url)
    assert nothing_left.status_code == 400
    assert nothing_left.json()["detail"] == "Det finns inga beslut med mottagare som väntar på expediering."

    # Another organisation's staff do not see the batch; an unknown one is not found.
    client.force_login(lerum.registrar)
    assert client.get(batch["status_url"]).status_code == 403
    assert client.get("/api/generation-batches/999999").status_code == 404
    assert client.get("/api/generation-batches/abc").status_code == 422


def test_a_batch_needs_adjusted_minutes(client, world):
    meeting = f.meeting(world.registrar, world.ks)
    client.force_login(world.registrar)
    response = client.post(f"/api/meetings/{meeting.pk}/excerpt-batches")
    assert response.status_code == 400
    assert response.json()["detail"] == "Protokollet är inte justerat. Besluten expedieras efter justeringen."


# --- 3. the officer's report ------------------------------------------------------------------
@pytest.fixture
def report(world):
    return decisions.officer_report_create(
        actor=world.registrar, case=world.case, addressed_to=world.ks, title="Digital målbild och handlingsplan",
        background="Kommunfullmäktige antog § 180.", opinion="Handlingsplanen godkänns.",
        proposals=[decisions.ProposalInput(organ=world.ks, text="Handlingsplanen godkänns.")],
        dispatch_to=["Kommunfullmäktige"], signatories=[decisions.Signatory("Anneli Schwartz", ACTING)])


def test_the_report_is_read_changed_and_drawn_up_again(client, world, report, spec):
    client.force_login(world.registrar)
    url = f"/api/officer-reports/{report.pk}"
    read = client.get(url)
    assert read.status_code == 200
    assert_matches(spec, read, "/api/officer-reports/{report_id}")
    assert read.json()["opinion"] == "Handlingsplanen godkänns."

    changed = patch_json(client, url, {"opinion": "Handlingsplanen godkänns med **ändringar**.\r\n\r\n\r\nSlut."})
    assert changed.status_code == 200, changed.content
    assert_matches(spec, changed, "/api/officer-reports/{report_id}", "patch")
    body = changed.json()
    assert body["file_version"] == 2 and body["title"] == "Digital målbild och handlingsplan"
    assert body["opinion"] == "Handlingsplanen godkänns med **ändringar**.\n\nSlut."
    assert [p["text"] for p in body["proposals"]] == ["Handlingsplanen godkänns."]
    assert body["signatories"] == [{"name": "Anneli Schwartz", "title": ACTING}]
    assert DocumentFile.objects.filter(document=report.document).count() == 2

    same = patch_json(client, url, {"opinion": "Handlingsplanen godkänns med **ändringar**.\n\nSlut."})
    assert same.status_code == 400 and same.json()["detail"] == "Inget har ändrats i tjänsteskrivelsen."


def test_changing_the_report_needs_the_right_and_good_input(client, world, report, lerum):
    url = f"/api/officer-reports/{report.pk}"
    assert client.get(url).status_code == 401
    assert patch_json(client, url, {"title": "Ny"}).status_code == 401
    for user in (world.reader, world.other, lerum.registrar):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
        assert patch_json(client, url, {"title": "Ny"}).status_code == 403, user
    client.force_login(world.registrar)
    assert client.get("/api/officer-reports/999999").status_code == 404
    bad_type = patch_json(client, url, {"proposals": "alla", "report_date": "i går"})
    assert bad_type.status_code == 422
    assert set(bad_type.json()["errors"]) == {"proposals", "report_date"}
    elsewhere = patch_json(client, url, {"addressed_to": lerum.ks.pk})
    assert elsewhere.status_code == 400
    assert elsewhere.json()["errors"] == {"addressed_to": ["Välj ett organ i organisationen."]}
    empty = patch_json(client, url, {"title": "  ", "background": ""})
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"title": ["Ange en rubrik."], "background": ["Beskriv ärendet (ärendebeskrivning)."]}
    assert DocumentFile.objects.filter(document=report.document).count() == 1


def test_the_preview_is_a_pdf_and_registers_nothing(client, world, report, spec):
    files = DocumentFile.objects.count()
    client.force_login(world.registrar)
    preview = post_json(client, f"/api/officer-reports/{report.pk}/preview", {"opinion": "Förhandsgranskat."})
    assert preview.status_code == 200, preview.content
    assert preview["Content-Type"] == "application/pdf" and preview.content.startswith(b"%PDF")
    new = post_json(client, f"/api/cases/{world.case.pk}/officer-reports/preview", {
        "title": "Ny skrivelse", "addressed_to": world.ks.pk, "background": "Bakgrund.",
        "proposals": [{"organ": world.ks.pk, "text": "Godkänns."}]})
    assert new.status_code == 200 and new.content.startswith(b"%PDF")
    assert DocumentFile.objects.count() == files
    operation = spec["paths"]["/api/officer-reports/{report_id}/preview"]["post"]
    assert "application/pdf" in operation["responses"]["200"]["content"]

    assert post_json(client, f"/api/cases/{world.case.pk}/officer-reports/preview",
                     {"addressed_to": world.ks.pk}).json()["errors"] == {"title": ["Fältet är obligatoriskt."]}
    client.force_login(world.reader)
    assert post_json(client, f"/api/cases/{world.case.pk}/officer-reports/preview", {
        "title": "X", "addressed_to": world.ks.pk}).status_code == 403
    client.logout()
    assert post_json(client, f"/api/officer-reports/{report.pk}/preview", {}).status_code == 401


# --- 4. requests for copies ----------------------------------------------------------------------
def test_anyone_asks_for_a_copy_and_staff_list_the_requests(client, world, lerum, spec, settings, limiter_clock):
    settings.DIARIUM_REGISTRAR_EMAIL = "registrator@alingsas.se"
    url = f"/api/documents/{world.secret.pk}/copy-requests"
    response = post_json(client, url, {"format": "email", "contact": "journalist@tidningen.example",
                                       "message": "Hela handlingen, tack."})
    assert response.status_code == 201, response.content
    assert_matches(spec, response, "/api/documents/{document_id}/copy-requests", "post")
    assert response.json()["reference"].endswith(f"-{world.secret.number}")
    assert [m.to for m in mail.outbox] == [["registrator@alingsas.se"]]

    listing = "/api/copy-requests"
    assert client.get(listing).status_code == 401
    client.force_login(world.reader)  # may read the case's internal data
    found = client.get(listing)
    assert found.status_code == 200
    assert_matches(spec, found, listing)
    item = found.json()["items"][0]
    assert (item["contact"], item["format"], item["name"], item["document_secret"]) == (
        "journalist@tidningen.example", "email", "", True)
    # Staff of another organ or organisation see none of them; someone who may read internal data nowhere is refused.
    for user in (world.other, lerum.registrar):
        client.force_login(user)
        assert client.get(listing).json() == {"count": 0, "items": []}
    client.force_login(f.user(username="utan-roller"))
    assert client.get(listing).status_code == 403
    # The public history does not show the requester.
    client.logout()
    assert "journalist@" not in client.get(f"/api/cases/{world.case.pk}/events").content.decode()


def test_a_copy_request_checks_its_input_and_the_limit_is_shared_with_the_form(client, world, settings,
                                                                               limiter_clock):
    settings.DIARIUM_COPY_REQUEST_LIMIT = 3  # the refused e-mail request below counts, as on the web
    url = f"/api/documents/{world.public.pk}/copy-requests"
    bad = post_json(client, url, {"format": "fax", "name": "x" * 201})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"format", "name"}
    no_address = post_json(client, url, {"format": "email"})
    assert no_address.status_code == 400 and "contact" in no_address.json()["errors"]
    assert post_json(client, "/api/documents/999999/copy-requests", {"format": "paper"}).status_code == 404
    assert not Event.objects.filter(kind=Event.Kind.COPY_REQUESTED).exists()

    assert client.post(f"/handlingar/{world.public.pk}/begar-ut/", {"format": "paper"}).status_code == 302
    assert post_json(client, url, {"format": "paper"}).status_code == 201
    limited = post_json(client, url, {"format": "paper"})
    assert limited.status_code == 429 and "Många begäranden" in limited.json()["detail"]
    assert Event.objects.filter(kind=Event.Kind.COPY_REQUESTED).count() == 2


# --- 5. saved searches and subscriptions ----------------------------------------------------------
def test_saved_searches_are_kept_changed_and_deleted_by_their_owner(client, world, tantivy_engine, spec):
    assert client.get("/api/saved-searches").status_code == 401
    client.force_login(world.registrar)
    created = post_json(client, "/api/saved-searches", {"name": "Målbilden", "q": "målbild", "kind": "case"})
    assert created.status_code == 201, created.content
    assert_matches(spec, created, "/api/saved-searches", "post")
    saved = created.json()
    assert saved["params"] == {"q": "målbild", "kind": "case"} and saved["alerts"] is False
    assert ["Sökord", "målbild"] in [[c["label"], c["value"]] for c in saved["criteria"]]
    url = f"/api/saved-searches/{saved['id']}"
    assert_matches(spec, client.get("/api/saved-searches"), "/api/saved-searches")

    no_email = patch_json(client, url, {"alerts": True})
    assert no_email.status_code == 400 and "alerts" in no_email.json()["errors"]
    world.registrar.email = "registrator@alingsas.se"
    world.registrar.save(update_fields=["email"])
    on = patch_json(client, url, {"alerts": True})
    assert on.status_code == 200 and on.json()["alerts"] is True
    assert patch_json(client, url, {"alerts": "kanske"}).status_code == 422

    # No one else finds it.
    client.force_login(world.reader)
    assert client.get(url).status_code == 404
    assert patch_json(client, url, {"alerts": False}).status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get("/api/saved-searches").json() == []

    client.force_login(world.registrar)
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404 and not SavedSearch.objects.exists()


def test_a_saved_search_must_be_one_the_search_can_run(client, world, tantivy_engine):
    client.force_login(world.registrar)
    missing = post_json(client, "/api/saved-searches", {"q": "målbild"})
    assert missing.status_code == 422 and missing.json()["errors"] == {"name": ["Fältet är obligatoriskt."]}
    empty = post_json(client, "/api/saved-searches", {"name": "Tom", "q": "  "})
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"q": ["Skriv minst ett sökord innan du sparar sökningen."]}
    bad_year = post_json(client, "/api/saved-searches", {"name": "År", "q": "målbild", "year": "tjugo"})
    assert bad_year.status_code == 400 and "year" in bad_year.json()["errors"]
    assert not SavedSearch.objects.exists()


def test_anyone_follows_a_search_by_email_with_double_opt_in(client, world, tantivy_engine, settings,
                                                             limiter_clock, spec):
    settings.DIARIUM_SEARCH_SUBSCRIBE_LIMIT = 2
    email = "journalist@tidningen.example"
    response = post_json(client, "/api/search-subscriptions", {"email": email, "q": "målbild"})
    assert response.status_code == 202, response.content
    assert_matches(spec, response, "/api/search-subscriptions", "post")
    saved = SavedSearch.objects.get(email=email)
    assert saved.confirmed_at is None
    token = re.search(r"/sok/bevaka/bekrafta/([^/\s]+)/", mail.outbox[-1].body).group(1)

    confirmed = post_json(client, "/api/search-subscriptions/confirm", {"token": token})
    assert confirmed.status_code == 200 and confirmed.json()["name"] == "målbild"
    saved.refresh_from_db()
    assert saved.confirmed_at is not None
    assert post_json(client, "/api/search-subscriptions/confirm", {"token": "fel"}).status_code == 404

    bad = post_json(client, "/api/search-subscriptions", {"email": "inte en adress", "q": "målbild"})
    assert bad.status_code == 400 and "email" in bad.json()["errors"]
    limited = post_json(client, "/api/search-subscriptions", {"email": "ny@example.se", "q": "målbild"})
    assert limited.status_code == 429 and "Många bevakningar" in limited.json()["detail"]
    assert post_json(client, "/api/search-subscriptions", {"q": "målbild"}).status_code == 422

    ended = post_json(client, "/api/search-subscriptions/unsubscribe", {"token": alerts.unsubscribe_token(saved)})
    assert ended.status_code == 200 and ended.json() == {"deleted": True, "already": False}
    assert not SavedSearch.objects.filter(email=email).exists()


# --- 6. reference data for the organisation's administrators ---------------------------------------
@pytest.fixture
def org_admin(world):
    return f.user(world.org, Role.ADMIN, username="alingsas-admin")


def test_an_administrator_keeps_the_organs(client, world, org_admin, lerum, spec):
    base = f"/api/organisations/{world.org.pk}/organs"
    assert client.get(base).status_code == 401
    for user in (world.registrar, lerum.admin, f.user(world.org, Role.ADMIN, world.ks)):
        client.force_login(user)  # a registrar, another organisation's admin, an admin of one organ only
        assert client.get(base).status_code == 403, user
        assert post_json(client, base, {"name": "X", "code": "X", "kind": "board"}).status_code == 403
    client.force_login(org_admin)
    listed = client.get(base)
    assert listed.status_code == 200 and {o["code"] for o in listed.json()} == {"KS", "BUN"}
    assert_matches(spec, listed, "/api/organisations/{organisation_id}/organs")

    created = post_json(client, base, {"name": "Kultur- och fritidsnämnden", "code": "KFN", "kind": "board",
                                       "parent": world.ks.pk})
    assert created.status_code == 201, created.content
    assert_matches(spec, created, "/api/organisations/{organisation_id}/organs", "post")
    organ = created.json()
    assert organ["parent_id"] == world.ks.pk and organ["kind_label"] == "Nämnd"
    taken = post_json(client, base, {"name": "Kommunstyrelsen 2", "code": "KS", "kind": "board"})
    assert taken.status_code == 400 and "code" in taken.json()["errors"]
    bad = post_json(client, base, {"name": "X", "kind": "kommitté"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"code", "kind"}
    foreign_parent = post_json(client, base, {"name": "X", "code": "X", "kind": "board", "parent": lerum.ks.pk})
    assert foreign_parent.status_code == 400 and "parent" in foreign_parent.json()["errors"]

    url = f"{base}/{organ['id']}"
    changed = patch_json(client, url, {"active": False, "parent": None})
    assert changed.status_code == 200 and changed.json()["active"] is False and changed.json()["parent_id"] is None
    cycle = patch_json(client, f"{base}/{world.ks.pk}", {"parent": organ["id"]})
    assert cycle.status_code == 200  # KS under KFN is allowed while KFN has no parent...
    loop = patch_json(client, url, {"parent": world.ks.pk})
    assert loop.status_code == 400 and loop.json()["errors"]["parent"] == ["Ett organ kan inte ligga under sig självt."]
    # Another organisation's organ is not found here; an organ in use is kept.
    assert patch_json(client, f"{base}/{lerum.ks.pk}", {"name": "Kapat"}).status_code == 404
    assert client.delete(f"{base}/{lerum.ks.pk}").status_code == 404
    in_use = client.delete(f"{base}/{world.bun.pk}")  # a user has a role on it
    assert in_use.status_code == 409 and "inaktivt" in in_use.json()["detail"]
    patch_json(client, f"{base}/{world.ks.pk}", {"parent": None})
    assert client.delete(url).status_code == 204
    assert not Organ.objects.filter(pk=organ["id"]).exists()
    assert Organ.objects.filter(pk=lerum.ks.pk, name="Kommunstyrelsen i Lerum").exists()


def test_an_administrator_keeps_the_series_and_the_classification_scheme(client, world, org_admin, lerum, spec):
    series_url = f"/api/organisations/{world.org.pk}/series"
    codes_url = f"/api/organisations/{world.org.pk}/classifications"
    for url in (series_url, codes_url):
        assert client.get(url).status_code == 401
        client.force_login(world.registrar)
        assert client.get(url).status_code == 403
        client.force_login(lerum.admin)
        assert client.get(url).status_code == 403
        client.logout()
    client.force_login(org_admin)

    listed = client.get(series_url)
    assert listed.status_code == 200 and [s["code"] for s in listed.json()] == ["KS"]  # the case's series
    assert_matches(spec, listed, "/api/organisations/{organisation_id}/series")
    created = post_json(client, series_url, {"code": "BUN", "name": "Barn och utbildning", "organs": [world.bun.pk]})
    assert created.status_code == 201, created.content
    assert_matches(spec, created, "/api/organisations/{organisation_id}/series", "post")
    assert [o["code"] for o in created.json()["organs"]] == ["BUN"]
    twice = post_json(client, series_url, {"code": "B2", "name": "Igen", "organs": [world.bun.pk]})
    assert twice.status_code == 400 and "organs" in twice.json()["errors"]
    foreign = post_json(client, series_url, {"code": "L", "name": "Lerum", "organs": [lerum.ks.pk]})
    assert foreign.status_code == 400 and "organs" in foreign.json()["errors"]
    assert post_json(client, series_url, {"name": "Utan kod"}).status_code == 422
    # A case registered in BUN takes its number from the new series.
    case = f.case(world.admin, world.bun, title="Skolskjuts")
    assert " BUN" in case.diary_number or "BUN " in case.diary_number
    bun_series = created.json()["id"]
    assert patch_json(client, f"{series_url}/{bun_series}", {"name": "Barn- och utbildningsserien"}).json()[
        "name"] == "Barn- och utbildningsserien"
    used = client.delete(f"{series_url}/{bun_series}")
    assert used.status_code == 409 and used.json()["detail"] == "Diarieserien har använts för ärenden och kan inte tas bort."
    unused = post_json(client, series_url, {"code": "TOM", "name": "Oanvänd"}).json()["id"]
    assert client.delete(f"{series_url}/{unused}").status_code == 204
    lerum_series = Series.objects.get(organisation=lerum.org)
    assert patch_json(client, f"{series_url}/{lerum_series.pk}", {"name": "Kapad"}).status_code == 404

    area = post_json(client, codes_url, {"code": "1", "title": "Styrning och ledning"})
    assert area.status_code == 201 and area.json()["level"] == "area"
    group = post_json(client, codes_url, {"code": "1.2", "title": "Planering och uppföljning"}).json()
    assert group["level"] == "process_group" and group["parent_id"] == area.json()["id"]
    code = post_json(client, codes_url, {"code": "1.2.3", "title": "Digitalisering", "retention": "Bevaras"})
    assert code.status_code == 201, code.content
    assert_matches(spec, code, "/api/organisations/{organisation_id}/classifications", "post")
    again = post_json(client, codes_url, {"code": "1.2.3", "title": "Igen"})
    assert again.status_code == 400 and again.json()["errors"] == {"code": ["Koden 1.2.3 finns redan."]}
    assert post_json(client, codes_url, {"code": "x" * 41, "title": "Lång"}).status_code == 422
    code_url = f"{codes_url}/{code.json()['id']}"
    assert patch_json(client, code_url, {"title": "Digital förvaltning"}).json()["title"] == "Digital förvaltning"
    registry.case_update(actor=world.admin, case=world.case,
                         classification=Classification.objects.get(pk=code.json()["id"]))
    assert client.delete(code_url).status_code == 409
    # The process is retired (the scheme then has none in use), so the case may be left unclassified.
    assert patch_json(client, code_url, {"active": False}).json()["active"] is False
    registry.case_update(actor=world.admin, case=world.case, classification=None)
    assert client.delete(code_url).status_code == 204
    lerum_code = registry.classification_create(actor=lerum.admin, organisation=lerum.org, code="9", title="Lerum")
    assert [c["code"] for c in client.get(codes_url).json()] == ["1", "1.2"]
    assert client.delete(f"{codes_url}/{lerum_code.pk}").status_code == 404


def test_memberships_are_changed_and_removed_by_those_who_manage_the_meetings(client, world, lerum, spec):
    person = f.person(world.org, "Daniel Filipsson")
    membership = decisions.membership_add(actor=world.registrar, organ=world.ks, person=person, role="member",
                                          start=dt.date(2019, 1, 1))
    url = f"/api/organs/{world.ks.pk}/memberships/{membership.pk}"
    assert patch_json(client, url, {"role": "chair"}).status_code == 401
    for user in (world.reader, lerum.registrar):
        client.force_login(user)
        assert patch_json(client, url, {"role": "chair"}).status_code == 403
        assert client.delete(url).status_code == 403
    client.force_login(world.registrar)
    changed = patch_json(client, url, {"role": "chair", "end": "2022-12-31", "party": "S"})
    assert changed.status_code == 200, changed.content
    assert_matches(spec, changed, "/api/organs/{organ_id}/memberships/{membership_id}", "patch")
    assert (changed.json()["role"], changed.json()["end"], changed.json()["party"]) == ("chair", "2022-12-31", "S")
    backwards = patch_json(client, url, {"end": "2018-01-01"})
    assert backwards.status_code == 400
    assert backwards.json()["errors"] == {"end": ["Slutdatum kan inte ligga före startdatum."]}
    assert patch_json(client, url, {"role": "kung"}).status_code == 422
    assert patch_json(client, f"/api/organs/{world.bun.pk}/memberships/{membership.pk}", {}).status_code == 404
    assert client.delete(url).status_code == 204
    assert not Membership.objects.exists()
