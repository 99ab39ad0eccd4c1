"""Disposal only by decision (gallring, issue 22 item 3): what is due under
the plan in force (`diarium archive due`), a disposal list drawn up, adopted
by a recorded decision and executed; the files' bytes, the masking
assistant's originals and the text kept for search go, the register entries
stay marked as disposed of, and a disposal record survives. Nothing is
disposed of without a decision, under a legal hold, with an open request or
in an open case; a secret document's record holds no secret text; a disposed
file is 410."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diarium.accounts.models import Role
from diarium.archive import selectors, services
from diarium.archive.models import DisposalList, DisposalRecord, LegalHold
from diarium.core.errors import DomainError
from diarium.registry import services as registry
from diarium.registry.disposal import file_disposed
from diarium.registry.files import blob_disposed
from diarium.registry.models import CopyRequest, Document, DocumentFile, Event
from diarium.registry.services.disposal import document_files_dispose
from diarium.search.models import FileText, SearchRecord

from . import archive_support as a
from . import factories as f

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2024, 6, 10)


@pytest.fixture
def w(org, ks, registrar):
    return a.world(org, ks, registrar)


def _due(w, as_of=AS_OF) -> list[str]:
    return [item.reference for item in selectors.due(organisation_id=w.org.pk, as_of=as_of)]


def _stored(document: Document) -> list[bool]:
    return [default_storage.exists(df.blob.storage_name) for df in document.files.select_related("blob")]


def _indexed_file_text(document: Document) -> str:
    """The file text the search projection holds for the document, in every tier."""
    return " ".join(SearchRecord.objects.filter(kind="document", object_id=document.pk)
                    .values_list("file_text", flat=True))


def _draw_up(w, day="2024-06-10"):
    with f.on_day(day):
        return services.disposal_list_draw_up(actor=w.registrar, organisation=w.org)


def _adopted(w, day="2024-06-11"):
    disposal_list = _draw_up(w)
    decision = a.decision(w.registrar, w.org, w.ks, w.plan_case, day=day, title="Gallring av bidragsärenden")
    with f.on_day(day):
        services.disposal_list_adopt(actor=w.registrar, disposal_list=disposal_list, decision=decision)
    disposal_list.refresh_from_db()
    return disposal_list


def test_due_lists_documents_of_closed_cases_whose_period_ran_out_under_the_plan_in_force(w):
    due = f"{w.closed.diary_number}-{w.public.number}", f"{w.closed.diary_number}-{w.secret.number}"
    assert _due(w) == list(due)  # not the open case's, not the kept process's
    assert _due(w, dt.date(2022, 1, 31)) == []  # no plan in force then
    # The command, as text and as JSON.
    out = StringIO()
    call_command("archive", "due", "--organisation", w.org.slug, "--as-of", "2024-06-10", stdout=out)
    text = out.getvalue()
    assert "gallringsbart 2024-06-10 enligt dokumenthanteringsplanen version 1" in text
    assert all(reference in text for reference in due)
    assert "gallringsbar från 2022-02-01" in text and "Gallras 2 år efter att ärendet avslutades" in text
    assert w.running.diary_number not in text and w.kept.diary_number not in text
    out = StringIO()
    call_command("archive", "due", "--organisation", w.org.slug, "--as-of", "2024-06-10", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["reference"] for r in rows] == list(due)
    assert rows[0]["files"] == 1 and rows[0]["bytes"] == len(a.PUBLIC_FILE_TEXT.encode())
    assert rows[1]["secret"] is True and rows[1]["description"] == "Sekretessmarkerad uppgift"
    assert a.SECRET_DESCRIPTION not in out.getvalue() and a.SECRET_COUNTERPART not in out.getvalue()
    with pytest.raises(Exception, match="Organisationen finns inte"):
        call_command("archive", "due", "--organisation", "finns-inte", stdout=StringIO())


def test_due_reads_a_stream_in_a_fixed_number_of_queries(w):
    few = CaptureQueriesContext(connection)
    with few:
        assert len(_due(w)) == 2
    with f.on_day("2020-01-11"):
        for n in range(6):
            f.document(w.registrar, w.closed, description=f"Komplettering {n}",
                       files=[f.text_file(f"k{n}.txt", f"Komplettering {n}\n"),
                              f.text_file(f"l{n}.txt", f"Bilaga {n}\n")])
    many = CaptureQueriesContext(connection)
    with many:
        assert len(_due(w)) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_narrowed_rule_treats_secret_documents_and_personal_data_by_its_own_period(w):
    with f.on_day("2024-06-02"):
        draft = services.plan_draft_create(actor=w.registrar, organisation=w.org)
        # Secret documents of the process are kept 10 years; documents with personal data only 1 year.
        services.retention_rule_save(actor=w.registrar, version=draft, classification=w.disposing,
                                     applies_to="secret", action="dispose", years=10, counted_from="case_closed")
        services.retention_rule_save(actor=w.registrar, version=draft, classification=w.disposing,
                                     applies_to="personal_data", action="dispose", years=1,
                                     counted_from="registered")
    decision = a.decision(w.registrar, w.org, w.ks, w.plan_case, day="2024-06-03")
    with f.on_day("2024-06-04"):
        services.plan_version_adopt(actor=w.registrar, version=draft, decision=decision,
                                    effective_from=dt.date(2024, 6, 5))
    public = f"{w.closed.diary_number}-{w.public.number}"
    secret = f"{w.closed.diary_number}-{w.secret.number}"
    assert _due(w) == [public]  # the secret one waits until 2030
    assert _due(w, dt.date(2030, 2, 1)) == [public, secret]
    with f.on_day("2020-01-12"):
        personal = f.document(w.registrar, w.closed, description="Synpunkt", counterpart="Föreningen Båtklubben",
                              files=[f.text_file("synpunkt.txt", "Ring mig på 070-123 45 67, Anna Andersson.\n")])
    assert DocumentFile.objects.get(document=personal).privacy["text"]["findings"]  # the assistant found it
    items = {i.reference: i for i in selectors.due(organisation_id=w.org.pk, as_of=AS_OF)}
    rule = items[f"{w.closed.diary_number}-{personal.number}"]
    assert rule.personal_data and rule.due_on == dt.date(2021, 1, 12)
    assert "handlingar med personuppgifter" in rule.rule_text


def test_a_list_adopted_by_decision_and_executed_destroys_the_content_and_keeps_the_record(
        w, client, django_capture_on_commit_callbacks):
    assert FileText.objects.filter(blob__document_files__document=w.public).exists()
    assert "föreningen" in _indexed_file_text(w.public)
    disposal_list = _adopted(w)
    assert disposal_list.status == DisposalList.Status.ADOPTED
    assert disposal_list.decision_text.startswith("KS 2024-06-11 §")
    assert disposal_list.decision_text.endswith(f"ärende {w.plan_case.diary_number}")
    assert _stored(w.public) == [True] and _stored(w.secret) == [True]
    with f.on_day("2024-06-12"), django_capture_on_commit_callbacks(execute=True):
        records = services.disposal_list_execute(actor=w.registrar, disposal_list=disposal_list)
    assert len(records) == 2
    # The bytes are gone, with the text kept for search and what the assistant kept.
    for document in (w.public, w.secret):
        assert _stored(document) == [False]
        for document_file in document.files.select_related("blob"):
            assert file_disposed(document_file) and blob_disposed(document_file.blob)
        assert not FileText.objects.filter(blob__document_files__document=document).exists()
        assert _indexed_file_text(document).strip() == ""
        document.refresh_from_db()
        assert document.privacy == {}
        event = Event.objects.get(document=document, kind="document_disposed")
        assert event.data["decision"] == disposal_list.decision_text
    # The register entries stay.
    w.public.refresh_from_db()
    assert w.public.description == "Ansökan om bidrag" and w.public.files.count() == 1
    # The disposal record: what, how many, which rule and decision.
    record = DisposalRecord.objects.get(document=w.public)
    assert (record.diary_number, record.document_number, record.document_type) == (
        w.closed.diary_number, w.public.number, "Ansökan")
    assert (record.files, record.bytes) == (1, len(a.PUBLIC_FILE_TEXT.encode()))
    assert "Gallras 2 år efter att ärendet avslutades" in record.rule_text and record.plan_version == 1
    assert record.decision_text == disposal_list.decision_text
    with pytest.raises(TypeError):
        record.delete()
    with pytest.raises(TypeError):
        DisposalRecord.objects.all().delete()
    # Shown on a page and by the command.
    client.force_login(w.registrar)
    page = client.get(reverse("archive:records")).content.decode()
    assert f"{w.closed.diary_number}-{w.public.number}" in page and disposal_list.decision_text in page
    out = StringIO()
    call_command("archive", "records", "--organisation", w.org.slug, stdout=out)
    assert f"{w.closed.diary_number}-{w.public.number}" in out.getvalue() and "2 gallrade handlingar." in out.getvalue()
    # Executed once: nothing is due any more, and the list cannot run again.
    assert _due(w, dt.date(2024, 7, 1)) == []
    with pytest.raises(DomainError, match="redan verkställd"):
        services.disposal_list_execute(actor=w.registrar, disposal_list=disposal_list)


def test_a_rollback_never_loses_bytes(w, django_capture_on_commit_callbacks):
    disposal_list = _adopted(w)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                services.disposal_list_execute(actor=w.registrar, disposal_list=disposal_list)
                raise RuntimeError("the power went out")
    assert callbacks == []
    assert _stored(w.public) == [True] and not DisposalRecord.objects.exists()
    disposal_list.refresh_from_db()
    assert disposal_list.status == DisposalList.Status.ADOPTED


def test_nothing_is_disposed_of_without_a_decision(w, django_capture_on_commit_callbacks):
    disposal_list = _draw_up(w)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DomainError, match="är inte beslutad än"):
            services.disposal_list_execute(actor=w.registrar, disposal_list=disposal_list)
        with pytest.raises(DomainError, match="Välj det beslut"):
            services.disposal_list_adopt(actor=w.registrar, disposal_list=disposal_list, decision=None)
        with pytest.raises(DomainError) as exc:
            document_files_dispose(actor=w.registrar, document=w.public, rule_text="", decision_text=" ")
    assert set(exc.value.errors) == {"rule", "decision"}
    assert _stored(w.public) == [True] and not DisposalRecord.objects.exists()
    assert not Event.objects.filter(kind="document_disposed").exists()
    # A decision of another organisation, or one whose minutes are not adjusted, adopts nothing.
    unadjusted = a.decision(w.registrar, w.org, w.ks, w.plan_case, day="2024-06-11", adjust=False)
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    other_ks, other_registrar = f.organ(other), None
    other_registrar = f.registrar(other)
    with f.on_day("2024-05-01"):
        other_case = f.case(other_registrar, other_ks)
    foreign = a.decision(other_registrar, other, other_ks, other_case, day="2024-06-11")
    for decision, message in ((unadjusted, "inte protokollfört"), (foreign, "annan organisation")):
        with pytest.raises(DomainError, match=message):
            services.disposal_list_adopt(actor=w.registrar, disposal_list=disposal_list, decision=decision)
    disposal_list.refresh_from_db()
    assert disposal_list.status == DisposalList.Status.DRAWN_UP


def test_a_hold_or_an_open_request_blocks_adoption_and_execution_naming_every_item(
        w, django_capture_on_commit_callbacks):
    # An open request for a document keeps it off a list; so does a hold on its case.
    with f.on_day("2024-06-09"):
        event = registry.copy_request_record(document=w.public, format="email", contact="a@example.se")
    items = {i.reference: i for i in selectors.due(organisation_id=w.org.pk, as_of=AS_OF)}
    assert items[f"{w.closed.diary_number}-{w.public.number}"].requested
    disposal_list = _draw_up(w)
    assert [item.document_id for item in disposal_list.items.all()] == [w.secret.pk]
    services.disposal_list_cancel(actor=w.registrar, disposal_list=disposal_list)
    # The request decided and sent: the document may go again.
    request = CopyRequest.objects.get(pk=event.data["copy_request"])
    with f.on_day("2024-06-09"):
        registry.copy_request_decide(actor=w.registrar, request=request, outcome="released")
        request.refresh_from_db()
        if request.sent_at is None:
            registry.copy_request_mark_sent(actor=w.registrar, request=request)
    disposal_list = _draw_up(w)
    assert disposal_list.items.count() == 2

    # A hold placed after drawing up: adoption refused, naming the item.
    with f.on_day("2024-06-10"):
        hold = services.legal_hold_place(actor=w.registrar, case=w.closed, reason="Tvist i förvaltningsrätten")
    decision = a.decision(w.registrar, w.org, w.ks, w.plan_case, day="2024-06-11")
    with pytest.raises(DomainError) as exc:
        services.disposal_list_adopt(actor=w.registrar, disposal_list=disposal_list, decision=decision)
    blocked = exc.value.errors["items"]
    assert blocked == [f"{w.closed.diary_number}-{w.public.number}: ärendet har en gallringsspärr.",
                       f"{w.closed.diary_number}-{w.secret.number}: ärendet har en gallringsspärr."]
    with f.on_day("2024-06-11"):
        services.legal_hold_lift(actor=w.registrar, hold=hold, reason="Tvisten avgjord")
        services.disposal_list_adopt(actor=w.registrar, disposal_list=disposal_list, decision=decision)
    # After adoption: a new hold, a request and a reopened case all block execution, every one named.
    with f.on_day("2024-06-12"):
        services.legal_hold_place(actor=w.registrar, case=w.closed, reason="Ny tvist")
        registry.copy_request_record(document=w.secret, format="paper", contact="Storgatan 1, Alingsås")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DomainError) as exc:
            services.disposal_list_execute(actor=w.registrar, disposal_list=disposal_list)
    assert exc.value.errors["items"] == [
        f"{w.closed.diary_number}-{w.public.number}: ärendet har en gallringsspärr.",
        f"{w.closed.diary_number}-{w.secret.number}: ärendet har en gallringsspärr; det finns en begäran om "
        "utlämnande som inte är avgjord och expedierad.",
    ]
    assert _stored(w.public) == [True] and _stored(w.secret) == [True] and not DisposalRecord.objects.exists()
    # Holds are placed and lifted with who and when, in the case's history (the reason stays on the hold).
    kinds = list(Event.objects.filter(case=w.closed, kind__startswith="legal_hold").values_list("kind", flat=True))
    assert kinds == ["legal_hold_placed", "legal_hold_lifted", "legal_hold_placed"]
    lifted = LegalHold.objects.get(pk=hold.pk)
    assert lifted.lifted_by_id == w.registrar.pk and lifted.lift_reason == "Tvisten avgjord"
    assert not Event.objects.filter(case=w.closed, data__details__icontains="tvist").exists()


def test_a_document_in_a_case_reopened_after_adoption_is_not_disposed_of(w, django_capture_on_commit_callbacks):
    disposal_list = _adopted(w)
    with f.on_day("2024-06-12"):
        registry.case_reopen(actor=w.registrar, case=w.closed, reason="Ny ansökan")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DomainError, match="ärendet är inte avslutat"):
            services.disposal_list_execute(actor=w.registrar, disposal_list=disposal_list)
    assert _stored(w.public) == [True]


def test_a_secret_documents_record_holds_no_secret_text(w, client, django_capture_on_commit_callbacks):
    disposal_list = _adopted(w)
    with f.on_day("2024-06-12"), django_capture_on_commit_callbacks(execute=True):
        services.disposal_list_execute(actor=w.registrar, disposal_list=disposal_list)
    record = DisposalRecord.objects.get(document=w.secret)
    assert record.is_secret and record.description == "Sekretessmarkerad uppgift"
    stored = " ".join(str(getattr(record, field.attname)) for field in DisposalRecord._meta.concrete_fields)
    secrets = (a.SECRET_DESCRIPTION, a.SECRET_COUNTERPART, "Hemligsson", a.SECRET_FILE_TEXT.strip())
    assert not any(secret in stored for secret in secrets)
    event = Event.objects.get(document=w.secret, kind="document_disposed")
    assert not any(secret in json.dumps(event.data, ensure_ascii=False) for secret in secrets)
    client.force_login(w.registrar)
    page = client.get(reverse("archive:records")).content.decode()
    out = StringIO()
    call_command("archive", "records", "--json", stdout=out)
    for text in (page, out.getvalue()):
        assert "Sekretessmarkerad uppgift" in text
        assert not any(secret in text for secret in secrets)


def test_a_disposed_file_is_gone_410_and_the_document_page_says_gallrad(w, client,
                                                                         django_capture_on_commit_callbacks):
    document_file = w.public.files.get()
    assert client.get(reverse("registry:file_download", args=[document_file.pk])).status_code == 200
    disposal_list = _adopted(w)
    with f.on_day("2024-06-12"), django_capture_on_commit_callbacks(execute=True):
        services.disposal_list_execute(actor=w.registrar, disposal_list=disposal_list)
    response = client.get(reverse("registry:file_download", args=[document_file.pk]))
    assert response.status_code == 410 and "Filen är gallrad" in response.content.decode()
    client.force_login(w.registrar)  # staff too
    assert client.get(reverse("registry:file_download", args=[document_file.pk]) + "?visa=1").status_code == 410
    secret_file = w.secret.files.get()
    assert client.get(reverse("registry:file_download", args=[secret_file.pk])).status_code == 410
    api = client.get(f"/api/files/{document_file.pk}/content")
    assert api.status_code == 410 and "gallrad" in api.json()["detail"]
    page = client.get(reverse("registry:document_detail", args=[w.public.pk])).content.decode()
    assert "Gallrad" in page and disposal_list.decision_text in page
    assert reverse("registry:file_download", args=[document_file.pk]) not in page
    # The content comes back only as a new record's: the same bytes registered again are stored anew.
    with f.on_day("2024-06-13"):
        again = f.document(w.registrar, w.running, description="Samma ansökan igen",
                           files=[f.text_file("ansokan.txt", a.PUBLIC_FILE_TEXT)])
    new_file = again.files.get()
    assert new_file.blob_id == document_file.blob_id and default_storage.exists(new_file.blob.storage_name)
    assert client.get(reverse("registry:file_download", args=[new_file.pk])).status_code == 200
    assert client.get(reverse("registry:file_download", args=[document_file.pk])).status_code == 410


def test_the_archive_pages_are_for_the_registrar_who_draws_up_adopts_and_executes(
        w, client, django_capture_on_commit_callbacks):
    officer = f.user(w.org, Role.CASE_OFFICER, w.ks)
    pages = [reverse("archive:due"), reverse("archive:lists"), reverse("archive:records"), reverse("archive:holds")]
    for url in pages:
        assert client.get(url).status_code == 302, url
    client.force_login(officer)
    for url in pages:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("archive:due"), {"organisation": w.org.pk}).status_code == 403
    client.force_login(w.registrar)
    with f.on_day("2024-06-10"):
        page = client.get(reverse("archive:due")).content.decode()
        assert f"{w.closed.diary_number}-{w.public.number}" in page and a.SECRET_DESCRIPTION not in page
        response = client.post(reverse("archive:due") + f"?organisation={w.org.pk}", {"as_of": "2024-06-10"})
        assert response.status_code == 302
    disposal_list = DisposalList.objects.get(organisation=w.org)
    url = reverse("archive:list_detail", args=[disposal_list.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "execute"}).status_code == 403
    client.force_login(w.registrar)
    assert client.get(url).status_code == 200
    # Holds are placed on the page, by diary number.
    with f.on_day("2024-06-10"):
        response = client.post(reverse("archive:holds") + f"?organisation={w.org.pk}",
                               {"case": w.closed.diary_number, "reason": "Revision pågår"})
    assert response.status_code == 302
    hold = LegalHold.objects.get(case=w.closed)
    decision = a.decision(w.registrar, w.org, w.ks, w.plan_case, day="2024-06-11")
    with f.on_day("2024-06-11"):
        response = client.post(url, {"action": "adopt", "decision": str(decision.pk)})
    assert response.status_code == 400
    assert "ärendet har en gallringsspärr" in response.content.decode()
    with f.on_day("2024-06-11"):
        client.post(reverse("archive:hold_lift", args=[hold.pk]), {"lift_reason": "Revisionen klar"})
        assert client.post(url, {"action": "adopt", "decision": str(decision.pk)}).status_code == 302
    with f.on_day("2024-06-12"), django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "execute"}).status_code == 302
    disposal_list.refresh_from_db()
    assert disposal_list.status == DisposalList.Status.EXECUTED and _stored(w.public) == [False]
    page = client.get(url).content.decode()
    assert "Gallrade handlingar" in page and "Sekretessmarkerad uppgift" in page
