"""Handling requests for public documents (issue 21, item 4): a request from
the web or registered by staff gets a due time in working days, is given to
an officer, and is decided: released (the document's file), released in part
(a PDF with the secret words removed from its text and pages withheld) or
refused by a written decision with its legal ground and how to appeal. The
answer goes to the requester by e-mail, post or pickup; the officer is
reminded once before it is due; the public never sees who asked, nor how the
request was handled."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from diarium.accounts import services as accounts
from diarium.accounts.models import Role
from diarium.core import tasks as core_tasks
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import access, selectors, services
from diarium.registry.models import Blob, CopyRequest, Document, Event

from . import factories as f
from .pdf_support import blob_pdf_text, pdf_text, pdf_with_text
from .public_outputs import crawl, found_in

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REQUESTER = "Karin Frågvis"
CONTACT = "karin.fragvis@example.se"
SECRET_NAME = "Åsa Öberg"
SECRET_NUMBER = "19800101-1234"
PAGE_1 = (f"Ansökan om bygglov för förråd på fastigheten Ängen 3. Sökande: {SECRET_NAME}, personnummer "
          f"{SECRET_NUMBER}. ÅSA ÖBERG har tidigare fått bygglov för garage.")
PAGE_2 = f"Bilaga: läkarintyg för {SECRET_NAME}. Diagnos och behandling."
PAGE_3 = "Situationsplan och fasadritningar. Byggnadsarean är 15 kvadratmeter."
COPY_EVENT_LABELS = ("Begäran om utlämnande av allmän handling", "Begäran om allmän handling fördelades",
                     "Begäran om allmän handling avgjordes")


def pdf_upload(pages=(PAGE_1, PAGE_2, PAGE_3), name="ansokan.pdf", **metadata) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_with_text(list(pages), **metadata), content_type="application/pdf")


@pytest.fixture
def decider(org, registrar):
    accounts.person_create(organisation=org, name="Rut Registrator", title="Registrator", user=registrar)
    registrar.refresh_from_db()
    return registrar


@pytest.fixture
def case(registrar, ks):
    return f.case(registrar, ks, title="Bygglov för förråd på Ängen 3")


@pytest.fixture
def document(registrar, case):
    return f.document(registrar, case, counterpart=SECRET_NAME, counterpart_kind="private",
                      description="Ansökan om bygglov",
                      files=[pdf_upload(title=f"Ansökan {SECRET_NAME}", author=SECRET_NAME)])


@pytest.fixture
def officer(org, ks):
    return accounts.person_create(organisation=org, name="Olle Handläggare", title="Bygglovshandläggare",
                                  email="olle@alingsas.se", organ=ks)


def _record(document, **kw) -> CopyRequest:
    values = {"name": REQUESTER, "contact": CONTACT, "format": "email", "message": "Hela ansökan, tack."}
    event = services.copy_request_record(document=document, **{**values, **kw})
    return CopyRequest.objects.get(pk=event.data["copy_request"])


def _copy_bytes(request: CopyRequest) -> bytes:
    from diarium.registry.files import blob_open

    with blob_open(request.copy_blob) as fh:
        return fh.read()


def _state():
    """What a refused decision must leave untouched."""
    return (Event.objects.count(), Document.objects.count(), Blob.objects.count(),
            CopyRequest.objects.filter(decided_at__isnull=False).count(), len(mail.outbox))


# --- a request gets a row and a due time ------------------------------------------------------------
def test_a_web_request_is_registered_with_a_due_time_in_working_days(document, case, settings):
    with f.on_day("2026-06-18", hour=15):  # the Thursday before midsommarafton
        event = services.copy_request_record(document=document, name=REQUESTER, contact=CONTACT, format="email")
    request = CopyRequest.objects.get()
    assert event.data["copy_request"] == request.pk and event.kind == Event.Kind.COPY_REQUESTED
    assert (request.channel, request.name, request.contact, request.format) == ("web", REQUESTER, CONTACT, "email")
    assert request.case == case and request.organisation_id == case.organisation_id
    assert request.received_at == event.at and request.received_by is None and not request.decided
    assert request.due_at == dt.datetime(2026, 6, 22, 23, 59, 59, tzinfo=STOCKHOLM)  # Monday
    settings.DIARIUM_COPY_REQUEST_TARGET_WORKDAYS = 3  # read when used, not at import
    with f.on_day("2026-06-18", hour=15):
        services.copy_request_record(document=document, format="paper")
    assert CopyRequest.objects.order_by("-pk").first().due_at == dt.datetime(2026, 6, 24, 23, 59, 59,
                                                                             tzinfo=STOCKHOLM)


def test_a_request_for_a_secret_document_is_marked_for_a_secrecy_review(document, registrar):
    secret = services.document_mark_secret(actor=registrar, document=document, ground="OSL 21 kap. 1 §")
    assert _record(secret).document_secret is True


def test_staff_register_a_request_that_came_by_phone(document, case, org, ks, registrar):
    received = dt.datetime(2026, 3, 9, 10, 15, tzinfo=STOCKHOLM)
    with f.on_day("2026-03-09", hour=14):
        request = services.copy_request_register(actor=registrar, document=document, channel="phone",
                                                 format="paper", contact="Storgatan 1, 441 30 Alingsås",
                                                 received_at=received)
    assert (request.channel, request.received_at, request.received_by) == ("phone", received, registrar)
    assert request.due_at == dt.datetime(2026, 3, 10, 23, 59, 59, tzinfo=STOCKHOLM)
    event = Event.objects.get(kind=Event.Kind.COPY_REQUESTED)
    assert event.actor == registrar and event.data["copy_request"] == request.pk

    before = _state()
    with pytest.raises(DomainError) as refused:
        services.copy_request_register(actor=registrar, document=document, channel="fax", format="email",
                                       contact="inte en adress", received_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    assert set(refused.value.errors) == {"channel", "contact", "received_at"}
    assert _state() == before
    for user in (f.user(org, Role.READER, ks), AnonymousUser(), f.user(f.organisation(name="Lerum", slug="lerum"),
                                                                        Role.REGISTRAR)):
        with pytest.raises(PermissionDenied):
            services.copy_request_register(actor=user, document=document, channel="visit", format="paper")
    # A case officer of the organ registers one too.
    services.copy_request_register(actor=f.user(org, Role.CASE_OFFICER, ks), document=document, channel="visit",
                                   format="paper")
    assert CopyRequest.objects.count() == 2


def test_existing_requests_in_the_history_become_rows(document, registrar):
    """The data migration (0025): an event recorded before requests had rows."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("diarium.registry.migrations.0025_copy_requests_from_events")
    at = dt.datetime(2026, 3, 6, 16, 0, tzinfo=STOCKHOLM)  # a Friday
    services.event_append(case=document.case, document=document, kind=Event.Kind.COPY_REQUESTED, actor=None, at=at,
                          data={"number": document.number, "request": {
                              "name": REQUESTER, "contact": CONTACT, "format": "email", "message": "Tack",
                              "document_secret": True}})
    _record(document)  # already has its row: left alone
    from types import SimpleNamespace

    from django.db import connection

    migration.requests_from_events(apps, SimpleNamespace(connection=connection))  # it migrates the editor's database
    migrated = CopyRequest.objects.get(received_at=at)
    assert (migrated.name, migrated.contact, migrated.format, migrated.message, migrated.document_secret) == (
        REQUESTER, CONTACT, "email", "Tack", True)
    assert migrated.due_at == dt.datetime(2026, 3, 9, 23, 59, 59, tzinfo=STOCKHOLM)
    assert not migrated.decided and migrated.assigned_to is None and migrated.channel == "web"
    assert CopyRequest.objects.count() == 2


# --- assigning ----------------------------------------------------------------------------------------
def test_the_registrar_assigns_a_request_to_an_officer(document, org, ks, registrar, officer):
    request = _record(document)
    services.copy_request_assign(actor=registrar, request=request, person=officer)
    request.refresh_from_db()
    assert request.assigned_to == officer
    event = Event.objects.get(kind=Event.Kind.COPY_REQUEST_ASSIGNED)
    assert event.data["person"] == officer.pk and event.case == document.case and officer.name in event.data["details"]

    case_officer = f.user(org, Role.CASE_OFFICER, ks)
    with pytest.raises(PermissionDenied):
        services.copy_request_assign(actor=case_officer, request=request, person=officer)
    stranger = accounts.person_create(organisation=f.organisation(name="Lerum", slug="lerum"), name="Lerumsbo")
    with pytest.raises(DomainError) as wrong:
        services.copy_request_assign(actor=registrar, request=request, person=stranger)
    assert "person" in wrong.value.errors
    with pytest.raises(DomainError) as nobody:
        services.copy_request_assign(actor=registrar, request=request, person=None)
    assert "person" in nobody.value.errors
    assert Event.objects.filter(kind=Event.Kind.COPY_REQUEST_ASSIGNED).count() == 1


# --- deciding --------------------------------------------------------------------------------------
def test_a_release_sends_the_documents_pdf_by_email(document, decider):
    request = _record(document)
    mail.outbox.clear()
    services.copy_request_decide(actor=decider, request=request, outcome="released")
    request.refresh_from_db()
    source = document.files.get()
    assert (request.outcome, request.copy_blob_id, request.copy_filename) == ("released", source.blob_id,
                                                                              source.filename)
    assert request.decision_document is None and request.decided_by == decider
    assert request.delivery == "email" and request.sent_at is not None
    [message] = mail.outbox
    assert message.to == [CONTACT]
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("ansokan.pdf", "application/pdf") and content == _copy_bytes(request)
    event = Event.objects.get(kind=Event.Kind.COPY_REQUEST_DECIDED)
    assert event.data["outcome"] == "released" and event.data["copy_request"] == request.pk


def test_a_partial_release_removes_the_words_from_the_text_itself_and_keeps_the_rest(document, case, decider):
    request = _record(document)
    mail.outbox.clear()
    services.copy_request_decide(actor=decider, request=request, outcome="partial", legal_ground="OSL 21 kap. 1 §",
                                 reasoning="Uppgifterna rör en enskilds hälsa.",
                                 phrases=["åsa öberg", f"  {SECRET_NUMBER} ", "Åsa Öberg"], pages=[2])
    request.refresh_from_db()
    assert request.outcome == "partial" and request.copy_filename.endswith("-delvis.pdf")
    assert request.redaction["pages"] == [2] and request.redaction["places"] == 3
    copy = _copy_bytes(request)
    reader = PdfReader(io.BytesIO(copy))
    assert len(reader.pages) == 3  # the withheld page is emptied, not dropped: page numbers hold
    text = pdf_text(copy)
    folded = text.casefold()
    assert SECRET_NAME.casefold() not in folded and SECRET_NUMBER not in text
    assert "Öberg".casefold() not in folded and "läkarintyg" not in text and "Diagnos" not in text
    for kept in ("Ansökan om bygglov för förråd på fastigheten Ängen 3", "har tidigare fått bygglov för garage",
                 "Situationsplan och fasadritningar", "Byggnadsarean är 15 kvadratmeter"):
        assert kept in text, kept
    assert (reader.pages[1].extract_text() or "").strip() == "Sidan lämnas inte ut."
    assert not reader.metadata or not any(str(v) for v in reader.metadata.values() if v)
    assert SECRET_NAME.encode("utf-8") not in copy and b"Oberg" not in copy

    # The written decision: registered as an outgoing document to the requester, a private person.
    decision = request.decision_document
    assert decision.case == case and decision.direction == "outgoing"
    assert decision.counterpart == REQUESTER and decision.counterpart_is_private
    letter = blob_pdf_text(decision.files.get().blob)
    for said in ("Beslut om utlämnande av allmän handling", "OSL 21 kap. 1 §", "Uppgifterna rör en enskilds hälsa",
                 "Rut Registrator", "Registrator", "kammarrätten", "tre veckor", "vilken ändring",
                 case.diary_number, "Sidan 2 lämnas inte ut"):
        assert said in letter, said
    assert SECRET_NAME not in letter and SECRET_NUMBER not in letter and REQUESTER not in letter

    # The answer: the copy and the decision, e-mailed to the requester.
    [message] = mail.outbox
    assert message.to == [CONTACT]
    attached = {name: content for name, content, _type in message.attachments}
    assert set(attached) == {request.copy_filename, decision.files.get().filename}
    assert attached[request.copy_filename] == copy
    assert "överklaga" in message.body
    event = Event.objects.get(kind=Event.Kind.COPY_REQUEST_DECIDED)
    assert event.data["legal_ground"] == "OSL 21 kap. 1 §"
    assert event.data["decision_reference"] == f"{case.diary_number}-{decision.number}"
    assert SECRET_NAME not in str(event.data)


def test_a_refusal_is_a_written_decision_with_how_to_appeal(document, decider):
    request = _record(document, name="", contact="Storgatan 1\n441 30 Alingsås", format="paper")
    mail.outbox.clear()
    services.copy_request_decide(actor=decider, request=request, outcome="refused", legal_ground="OSL 21 kap. 1 §")
    request.refresh_from_db()
    assert request.copy_blob is None and request.delivery == "post" and request.sent_at is None
    assert mail.outbox == []  # posted by staff, who mark it sent
    assert "avslår begäran" in blob_pdf_text(request.decision_document.files.get().blob)
    services.copy_request_mark_sent(actor=decider, request=request)
    request.refresh_from_db()
    assert request.sent_at is not None
    with pytest.raises(DomainError):
        services.copy_request_mark_sent(actor=decider, request=request)


def test_an_anonymous_request_without_contact_is_kept_for_pickup(document, decider, case):
    request = _record(document, name="  ", contact="", format="paper", message="")
    mail.outbox.clear()
    services.copy_request_decide(actor=decider, request=request, outcome="refused", legal_ground="OSL 21 kap. 1 §",
                                 reasoning="Hälsouppgifter.")
    request.refresh_from_db()
    assert request.delivery == "pickup" and request.sent_at is None and mail.outbox == []
    decision = request.decision_document
    assert decision.counterpart == "Anonym begäran" and decision.counterpart_is_private
    entry = selectors.register_entry(user=AnonymousUser(), document=decision)
    assert entry.counterpart is None and entry.counterpart_masked


@pytest.mark.parametrize("outcome, kwargs, fields", [
    ("refused", {}, {"legal_ground"}),
    ("partial", {"phrases": ["Åsa"]}, {"legal_ground"}),
    ("refused", {"phrases": ["Åsa"], "pages": [1]}, {"legal_ground", "phrases", "pages"}),
    ("released", {"legal_ground": "OSL 21 kap. 1 §"}, {"legal_ground"}),
    ("lent", {}, {"outcome"}),
    ("partial", {"legal_ground": "OSL 21 kap. 1 §"}, {"phrases"}),  # nothing to remove
    ("partial", {"phrases": ["Kalle Anka", "Åsa"], "pages": [7, "x"]}, {"legal_ground", "phrases", "pages"}),
    ("partial", {"legal_ground": "OSL 21 kap. 1 §", "pages": [1, 2, 3]}, {"pages"}),  # all pages
    ("partial", {"legal_ground": "OSL 21 kap. 1 §", "phrases": [PAGE_1, PAGE_3], "pages": [2]}, {"phrases"}),
])
def test_bad_decisions_are_refused_with_every_error_at_once_and_write_nothing(document, decider, outcome, kwargs,
                                                                              fields):
    request = _record(document)
    before = _state()
    with pytest.raises(DomainError) as refused:
        services.copy_request_decide(actor=decider, request=request, outcome=outcome, **kwargs)
    assert set(refused.value.errors) == fields, refused.value.errors
    assert _state() == before
    request.refresh_from_db()
    assert not request.decided and request.copy_blob is None and request.decision_document is None


def test_the_errors_say_what_is_wrong_in_swedish(document, decider):
    request = _record(document)
    with pytest.raises(DomainError) as refused:
        services.copy_request_decide(actor=decider, request=request, outcome="partial",
                                     phrases=["Kalle Anka", "Åsa"], pages=[7])
    errors = refused.value.errors
    assert errors["legal_ground"][0].startswith("Ange lagrum")
    assert errors["phrases"] == ["”Kalle Anka” finns inte i handlingens text."]
    assert errors["pages"] == ["Handlingen har 3 sidor; sidan 7 finns inte."]
    with pytest.raises(DomainError) as nothing_left:
        services.copy_request_decide(actor=decider, request=request, outcome="partial",
                                     legal_ground="OSL 21 kap. 1 §", phrases=[PAGE_1, PAGE_2, PAGE_3])
    assert "Ingen text skulle finnas kvar" in nothing_left.value.errors["phrases"][0]


def test_a_document_without_a_pdf_is_not_released_in_part(registrar, case, decider):
    letter = f.document(registrar, case, description="Brev", files=[f.text_file("brev.txt", "Hej Åsa Öberg!\n")])
    request = _record(letter)
    with pytest.raises(DomainError) as refused:
        services.copy_request_decide(actor=decider, request=request, outcome="partial", phrases=["Åsa Öberg"])
    assert set(refused.value.errors) == {"outcome", "legal_ground"}
    assert "ingen PDF-fil" in refused.value.errors["outcome"][0]
    # Released in full, the copy is its file as it is.
    services.copy_request_decide(actor=decider, request=request, outcome="released")
    request.refresh_from_db()
    assert request.copy_filename == "brev.txt"


def test_a_request_is_decided_once(document, decider):
    request = _record(document)
    services.copy_request_decide(actor=decider, request=request, outcome="released")
    before = _state()
    with pytest.raises(DomainError) as twice:
        services.copy_request_decide(actor=decider, request=request, outcome="refused",
                                     legal_ground="OSL 21 kap. 1 §")
    assert "redan avgjord" in twice.value.errors["outcome"][0]
    assert _state() == before
    with pytest.raises(DomainError):
        services.copy_request_assign(actor=decider, request=request, person=None)


def test_who_may_decide(document, org, ks):
    request = _record(document)
    for user in (f.user(org, Role.READER, ks), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.copy_request_decide(actor=user, request=request, outcome="released")
    services.copy_request_decide(actor=f.user(org, Role.CASE_OFFICER, ks), request=request, outcome="released")


def test_a_failed_email_leaves_the_answer_unsent(document, decider, settings):
    settings.EMAIL_BACKEND = "tests.test_copy_requests.RefusingBackend"
    request = _record(document)
    services.copy_request_decide(actor=decider, request=request, outcome="released")
    request.refresh_from_db()
    assert request.decided and request.delivery == "email" and request.sent_at is None


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


# --- reminders -----------------------------------------------------------------------------------
def test_the_reminder_goes_once_to_the_officer_or_the_registrar(document, registrar, officer, settings):
    settings.DIARIUM_REGISTRAR_EMAIL = "registrator@alingsas.se"
    assert any(job.name == "registry.copy_request_reminders" for job in core_tasks.PERIODIC)
    with f.on_day("2026-03-09", hour=10):  # Monday: due at the end of Tuesday
        unassigned = _record(document)
        assigned = _record(document)
        services.copy_request_assign(actor=registrar, request=assigned, person=officer)
    mail.outbox.clear()
    with f.on_day("2026-03-10", hour=12):  # due in almost twelve hours: not yet
        assert services.copy_request_reminders_due() == 0
    with f.on_day("2026-03-10", hour=22):  # within two hours
        assert services.copy_request_reminders_due() == 2
        assert services.copy_request_reminders_due() == 0
    with f.on_day("2026-03-12", hour=9):  # overdue: still only the one reminder
        assert services.copy_request_reminders_due() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["olle@alingsas.se", "registrator@alingsas.se"]
    reminder = next(m for m in mail.outbox if m.to == ["olle@alingsas.se"])
    assert f"{document.case.diary_number}-{document.number}" in reminder.subject
    assert reverse("registry:copy_request_detail", args=[assigned.pk]) in reminder.body
    assert CopyRequest.objects.filter(reminded_at__isnull=False).count() == 2
    assert unassigned.pk != assigned.pk


def test_a_decided_request_is_not_reminded(document, decider, settings):
    settings.DIARIUM_REGISTRAR_EMAIL = "registrator@alingsas.se"
    with f.on_day("2026-03-09", hour=10):
        request = _record(document)
        services.copy_request_decide(actor=decider, request=request, outcome="released")
    mail.outbox.clear()
    with f.on_day("2026-03-12", hour=9):
        assert services.copy_request_reminders_due() == 0
    assert mail.outbox == []


def test_the_reminder_reaches_an_officer_through_their_login(document, registrar, org, settings):
    login = accounts.user_create(username="eva", password=f.PASSWORD, email="eva@alingsas.se")
    eva = accounts.person_create(organisation=org, name="Eva Ek", user=login)
    with f.on_day("2026-03-09", hour=10):
        request = _record(document)
        services.copy_request_assign(actor=registrar, request=request, person=eva)
    mail.outbox.clear()
    with f.on_day("2026-03-11", hour=9):
        assert services.copy_request_reminders_due() == 1
    [reminder] = mail.outbox
    assert reminder.to == ["eva@alingsas.se"] and reminder.subject.startswith("Försenad")


# --- rights and what the public sees --------------------------------------------------------------
def test_selectors_show_requests_to_staff_who_read_internal_data(document, org, ks, registrar, decider):
    first, second = _record(document), _record(document)
    services.copy_request_decide(actor=decider, request=second, outcome="released")
    reader = f.user(org, Role.READER, ks)
    assert [r.pk for r in selectors.copy_requests_open(reader)] == [first.pk]
    assert [r.pk for r in selectors.copy_requests_recent(reader)] == [second.pk]
    assert selectors.copy_request_get(reader, first.pk) == first
    with pytest.raises(PermissionDenied):  # a reader does not download the copy
        selectors.copy_request_copy(reader, selectors.copy_request_get(reader, second.pk))
    lerum = f.organisation(name="Lerums kommun", slug="lerum")
    other = f.user(lerum, Role.REGISTRAR)
    assert list(selectors.copy_requests_open(other)) == []
    with pytest.raises(PermissionDenied):
        selectors.copy_request_get(other, first.pk)
    for nobody in (AnonymousUser(), f.user()):
        with pytest.raises(PermissionDenied):
            selectors.copy_requests_open(nobody)
    assert not access.can_read_copy_requests(AnonymousUser(), document.case)


def test_the_public_never_sees_the_requester_nor_how_the_request_was_handled(client, document, case, registrar,
                                                                              decider, officer):
    request = _record(document)
    services.copy_request_assign(actor=registrar, request=request, person=officer)
    services.copy_request_decide(actor=decider, request=request, outcome="partial", legal_ground="OSL 21 kap. 1 §",
                                 phrases=[SECRET_NAME, SECRET_NUMBER], pages=[2])
    request.refresh_from_db()
    kinds = {Event.Kind.COPY_REQUESTED, Event.Kind.COPY_REQUEST_ASSIGNED, Event.Kind.COPY_REQUEST_DECIDED}
    assert not access.public_events().filter(kind__in=kinds).exists()
    assert not [e for e in selectors.case_events(user=AnonymousUser(), case=case) if e.kind in kinds]
    assert set(access.hidden_event_kinds(read_secret=True, read_internal=False)) >= kinds

    decision = request.decision_document
    seeds = [reverse("registry:case_detail", args=[case.pk]), reverse("registry:case_history", args=[case.pk]),
             reverse("registry:document_detail", args=[document.pk]),
             reverse("registry:document_detail", args=[decision.pk]), f"/api/cases/{case.pk}/events",
             f"/api/documents/{decision.pk}", reverse("opendata:register_feed"),
             reverse("opendata:dataset_csv", args=["register"]),
             reverse("registry:copy_request_list"), reverse("registry:copy_request_detail", args=[request.pk]),
             reverse("registry:copy_request_copy", args=[request.pk]), "/api/copy-requests"]
    seeds += [reverse("registry:file_download", args=[pk]) for pk in decision.files.values_list("pk", flat=True)]
    outputs = crawl(client, seeds)
    assert found_in(outputs, [REQUESTER, CONTACT, *COPY_EVENT_LABELS]) == []
    # The staff's pages send the public to the login page.
    for url in seeds[8:12]:
        assert outputs[url].status in (302, 401), url

    client.force_login(registrar)
    history = client.get(reverse("registry:case_history", args=[case.pk])).content.decode()
    assert REQUESTER in history and all(label in history for label in COPY_EVENT_LABELS)


# --- the web pages ------------------------------------------------------------------------------------
def _html(response) -> str:
    return response.content.decode()


def test_the_list_shows_open_requests_with_their_due_time_and_overdue_ones(client, document, registrar, decider):
    with f.on_day("2026-03-02"):
        late = _record(document)
    with f.on_day("2026-03-09"):
        fresh = _record(document, name="")
        done = _record(document)
        services.copy_request_decide(actor=decider, request=done, outcome="released")
    client.force_login(registrar)
    with f.on_day("2026-03-09", hour=13):
        body = _html(client.get(reverse("registry:copy_request_list")))
    assert body.count("försenad") == 1 and "2026-03-03 23:59" in body and "2026-03-10 23:59" in body
    assert body.index(reverse("registry:copy_request_detail", args=[late.pk])) < body.index(
        reverse("registry:copy_request_detail", args=[fresh.pk]))
    assert "Avgjorda de senaste 30 dagarna" in body and "Lämnas ut" in body
    assert reverse("registry:copy_request_list") in body  # in the menu
    client.logout()
    assert client.get(reverse("registry:copy_request_list")).status_code == 302


def test_staff_register_a_request_from_the_documents_page(client, document, registrar):
    client.force_login(registrar)
    url = reverse("registry:copy_request_register", args=[document.pk])
    assert url in _html(client.get(reverse("registry:document_detail", args=[document.pk])))
    refused = client.post(url, {"channel": "fax", "format": "email", "contact": "ingen adress",
                                "received_at": "igår"})
    assert refused.status_code == 400
    body = _html(refused)
    assert 'class="error-summary"' in body
    for message in ("Välj hur begäran kom in", "Ange datum och tid som ÅÅÅÅ-MM-DD tt:mm."):
        assert message in body, message
    assert not CopyRequest.objects.exists()
    response = client.post(url, {"channel": "phone", "format": "paper", "name": REQUESTER,
                                 "contact": "Storgatan 1", "received_at": "2020-01-02T09:30"})
    assert response.status_code == 302
    request = CopyRequest.objects.get()
    assert response.url == reverse("registry:copy_request_detail", args=[request.pk])
    assert request.channel == "phone" and request.received_at == dt.datetime(2020, 1, 2, 9, 30, tzinfo=STOCKHOLM)
    client.force_login(f.user(document.case.organisation, Role.READER, document.case.organ))
    assert client.get(url).status_code == 403
    assert url not in _html(client.get(reverse("registry:document_detail", args=[document.pk])))


def test_the_detail_page_assigns_and_decides_with_every_error_on_its_field(client, document, registrar, decider,
                                                                          officer):
    request = _record(document)
    client.force_login(decider)
    url = reverse("registry:copy_request_detail", args=[request.pk])
    page = _html(client.get(url))
    for shown in (REQUESTER, CONTACT, "Hela ansökan, tack.", 'list="osl-lagrum"', "OSL 21 kap. 7 §",
                  "Fördela begäran", "Avgör begäran", "ansokan.pdf"):
        assert shown in page, shown

    assigned = client.post(url, {"action": "assign", "assign-person": officer.pk})
    assert assigned.status_code == 302
    request.refresh_from_db()
    assert request.assigned_to == officer

    refused = client.post(url, {"action": "decide", "decide-outcome": "partial", "decide-phrases": "Kalle Anka\nÅsa",
                                "decide-pages": "2, 9–10, x"})
    assert refused.status_code == 400
    body = _html(refused)
    assert 'class="error-summary"' in body
    for message in ("Ange lagrum", "Ange sidor som hela tal eller intervall"):
        assert message in body, message
    refused = client.post(url, {"action": "decide", "decide-outcome": "partial", "decide-phrases": "Kalle Anka\nÅsa",
                                "decide-pages": "9"})
    body = _html(refused)
    for message in ("Ange lagrum", "”Kalle Anka” finns inte i handlingens text.", "sidan 9 finns inte"):
        assert message in body, message
    assert body.count('href="#id_decide-') >= 3  # each error in the summary links to its field
    request.refresh_from_db()
    assert not request.decided

    decided = client.post(url, {"action": "decide", "decide-outcome": "partial",
                                "decide-legal_ground": "OSL 21 kap. 1 §", "decide-phrases": f"{SECRET_NAME}\n",
                                "decide-pages": "2"})
    assert decided.status_code == 302
    request.refresh_from_db()
    assert request.outcome == "partial"
    page = _html(client.get(url))
    assert reverse("registry:copy_request_copy", args=[request.pk]) in page
    assert reverse("registry:document_detail", args=[request.decision_document_id]) in page
    assert "Avgör begäran" not in page and "skickat" in page
    copy = client.get(reverse("registry:copy_request_copy", args=[request.pk]))
    assert copy.status_code == 200 and SECRET_NAME not in pdf_text(b"".join(copy.streaming_content))


def test_a_posted_answer_is_marked_sent_on_the_page(client, document, decider):
    request = _record(document, contact="Storgatan 1", format="paper")
    services.copy_request_decide(actor=decider, request=request, outcome="released")
    client.force_login(decider)
    url = reverse("registry:copy_request_detail", args=[request.pk])
    assert "Markera som skickat" in _html(client.get(url))
    assert client.post(url, {"action": "sent"}).status_code == 302
    request.refresh_from_db()
    assert request.sent_at is not None
    again = client.post(url, {"action": "sent"}, follow=True)
    assert "redan markerat som skickat" in _html(again)


def test_a_reader_sees_the_request_but_cannot_act(client, document, org, ks):
    request = _record(document)
    client.force_login(f.user(org, Role.READER, ks))
    url = reverse("registry:copy_request_detail", args=[request.pk])
    page = _html(client.get(url))
    assert REQUESTER in page and "Avgör begäran" not in page and "Fördela begäran" not in page
    assert client.post(url, {"action": "decide", "decide-outcome": "released"}).status_code == 403
    assert client.post(url, {"action": "assign", "assign-person": 1}).status_code == 403


def test_the_target_is_at_least_one_working_day(settings):
    settings.DIARIUM_COPY_REQUEST_TARGET_WORKDAYS = 0
    assert services.target_workdays() == 1
    settings.DIARIUM_COPY_REQUEST_TARGET_WORKDAYS = "2"
    assert services.target_workdays() == 2
