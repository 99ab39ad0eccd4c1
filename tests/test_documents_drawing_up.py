"""Issue 8, items 3, 4 and 6: the officer's report edited in the browser,
previewed and drawn up again as new versions of its file; signing a file
version; the minutes excerpts of a meeting drawn up in the background with
their progress; the public PDF of a drawn-up report."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError
from django.urls import reverse

from diarium.accounts.models import Organ, Organisation, Role
from diarium.core.errors import DomainError
from diarium.decisions import services as decisions
from diarium.decisions.models import DecisionRecipient, Proposal
from diarium.documents import batches, markup, signing
from diarium.documents.models import DocumentSignature, GenerationBatch
from diarium.registry.models import DocumentFile, Event

from . import factories as f
from .pdf_support import blob_pdf_text, pdf_text

pytestmark = pytest.mark.django_db

ACTING = "Tf. Kommundirektör"


@pytest.fixture
def kf(org):
    return f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)


@pytest.fixture
def officer(org, ks):
    return f.user(org, Role.CASE_OFFICER, organ=ks, username="goran")


@pytest.fixture
def case(registrar, ks, org):
    return f.case(registrar, ks, title="Digital målbild för Alingsås kommun – öppen och smart",
                  case_officer=f.person(org, "Göran Westerlund", title="Digitaliseringsansvarig"))


def _text(**changes) -> dict:
    return {"title": "Digital målbild och handlingsplan", "background": "Kommunfullmäktige antog § 180.",
            "opinion": "Handlingsplanen godkänns.", "dispatch_to": ["Kommunfullmäktige"],
            "signatories": [decisions.Signatory("Anneli Schwartz", ACTING)], "report_date": dt.date(2018, 8, 23),
            **changes}


@pytest.fixture
def report(registrar, case, ks):
    return decisions.officer_report_create(
        actor=registrar, case=case, addressed_to=ks,
        proposals=[decisions.ProposalInput(organ=ks, text="Handlingsplanen godkänns.")], **_text())


def _update(actor, report, ks, **changes):
    report.refresh_from_db()
    proposals = changes.pop("proposals", [decisions.ProposalInput(organ=ks, text="Handlingsplanen godkänns.")])
    return decisions.officer_report_update(actor=actor, report=report, addressed_to=ks, proposals=proposals,
                                           **_text(**changes))


def _versions(report):
    return list(DocumentFile.objects.filter(document=report.document).order_by("version"))


# --- light formatting and sanitising ----------------------------------------------------
def test_light_formatting_is_paragraphs_lists_bold_and_italic_and_html_stays_text():
    html = markup.to_html("Stycke ett med **fet** och *kursiv* text.\nNy rad.\n\n- punkt ett\n- punkt _två_"
                          "\n\n<script>alert(1)</script><img src=x onerror=alert(2)> 2*3*4")
    assert "<p>Stycke ett med <strong>fet</strong> och <em>kursiv</em> text.<br>Ny rad.</p>" in html
    assert "<ul><li>punkt ett</li><li>punkt <em>två</em></li></ul>" in html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; 2*3*4" in html
    assert markup.clean_text("a\x00b\r\n\r\n\r\n\r\nc  ") == "ab\n\nc"


def test_the_drawn_up_pdf_carries_the_formatting_as_text_not_as_markup(registrar, report, ks):
    added = _update(registrar, report, ks, background="**Bakgrund** i korthet.\n\n- första punkten\n"
                                                       "- <b>andra</b> punkten")
    text = blob_pdf_text(added.blob)
    assert "Bakgrund i korthet." in text and "**" not in text
    assert "första punkten" in text and "<b>andra</b> punkten" in text  # shown, never interpreted


# --- drawing up again: new versions, events, nothing half-written ---------------------------
def test_redrawing_a_report_adds_a_new_version_and_keeps_the_first(registrar, report, ks):
    first = _versions(report)[0]
    first_sha = first.blob_id
    added = _update(registrar, report, ks, opinion="Handlingsplanen godkänns med ändringar.")
    assert [v.version for v in _versions(report)] == [1, 2]
    assert added.version == 2 and added.position == first.position and added.filename == "tjansteskrivelse.pdf"
    first.refresh_from_db()
    assert first.blob_id == first_sha  # never overwritten
    assert "med ändringar" in blob_pdf_text(added.blob) and "med ändringar" not in blob_pdf_text(first.blob)
    event = Event.objects.filter(document=report.document).order_by("-id").first()
    assert event.kind == Event.Kind.FILE_VERSION_ADDED and event.data["version"] == 2
    assert event.actor == registrar


def test_bad_input_and_no_change_leave_nothing_written(registrar, report, ks, kf):
    events = Event.objects.count()
    with pytest.raises(DomainError) as exc:
        _update(registrar, report, ks, title=" ", background="")
    assert exc.value.errors["title"] == ["Ange en rubrik."]
    assert exc.value.errors["background"] == ["Beskriv ärendet (ärendebeskrivning)."]
    with pytest.raises(DomainError, match="Inget har ändrats"):
        _update(registrar, report, ks)
    with pytest.raises(DomainError, match="minst ett förslag"):
        _update(registrar, report, ks, proposals=[])
    report.refresh_from_db()
    assert report.title == "Digital målbild och handlingsplan" and len(_versions(report)) == 1
    assert Event.objects.count() == events
    assert list(report.proposals.values_list("text", flat=True)) == ["Handlingsplanen godkänns."]


def test_proposals_change_but_not_one_already_on_an_agenda(registrar, report, ks, kf):
    added = _update(registrar, report, ks, proposals=[
        decisions.ProposalInput(organ=ks, text="Handlingsplanen godkänns."),
        decisions.ProposalInput(organ=kf, text="Digital målbild antas.")])
    assert added.version == 2
    assert list(report.proposals.values_list("organ__code", "position")) == [("KS", 1), ("KF", 2)]
    meeting = f.meeting(registrar, ks)
    decisions.proposal_to_agenda(actor=registrar, proposal=report.proposals.get(position=1), meeting=meeting)
    with pytest.raises(DomainError, match="Förslag 1 står redan på ett sammanträdes föredragningslista"):
        _update(registrar, report, ks, proposals=[decisions.ProposalInput(organ=ks, text="Något annat.")])
    assert Proposal.objects.filter(report=report).count() == 2


def test_a_reader_cannot_redraw(org, report, ks):
    reader = f.user(org, Role.READER)
    with pytest.raises(DomainError, match="behörighet"):
        _update(reader, report, ks, opinion="Nej.")


# --- signing -----------------------------------------------------------------------------
def test_marking_signed_is_an_event_and_the_signed_version_is_never_replaced(officer, registrar, report, ks):
    first = _versions(report)[0]
    signature = signing.document_sign(actor=officer, file=first, name="Anneli  Schwartz", role=ACTING)
    assert (signature.name, signature.role, signature.method) == ("Anneli Schwartz", ACTING, "manual")
    assert signature.recorded_by == officer and signature.provider == "" and signature.evidence is None
    event = Event.objects.filter(kind=Event.Kind.DOCUMENT_SIGNED).get()
    assert event.case == report.case and event.document == report.document and event.actor == officer
    assert event.data["version"] == 1 and "Anneli Schwartz, Tf. Kommundirektör" in event.data["details"]
    with pytest.raises(DomainError, match="redan signerat"):
        signing.document_sign(actor=officer, file=first, name="Anneli Schwartz", role=ACTING)

    # The signed version itself cannot be changed or removed, whoever tries.
    first.filename = "annat.pdf"
    with pytest.raises(DomainError) as exc:
        first.save()
    assert exc.value.message == "Handlingen är signerad och kan inte ändras. Ändringar blir en ny version."
    with pytest.raises(ProtectedError):
        DocumentFile.objects.get(pk=first.pk).delete()

    # Drawing it up again makes a new, unsigned version; the signed one stays.
    sha = DocumentFile.objects.get(pk=first.pk).blob_id
    second = _update(officer, report, ks, opinion="Ändrat efter signering.")
    assert second.version == 2 and not second.signatures.exists()
    assert DocumentFile.objects.get(pk=first.pk).blob_id == sha
    assert list(DocumentSignature.objects.values_list("file__version", flat=True)) == [1]
    with pytest.raises(DomainError, match="nyare version"):
        signing.document_sign(actor=officer, file=first, name="Göran Westerlund")
    signing.document_sign(actor=officer, file=second, name="Anneli Schwartz", role=ACTING)


def test_signing_needs_a_name_and_the_right_and_is_ready_for_e_signatures(org, officer, report):
    file = _versions(report)[0]
    with pytest.raises(DomainError, match="Ange namnet"):
        signing.document_sign(actor=officer, file=file, name="  ")
    with pytest.raises(DomainError, match="behörighet"):
        signing.document_sign(actor=f.user(org, Role.READER), file=file, name="Anneli Schwartz")
    with pytest.raises(DomainError, match="transaktions-id"):
        signing.document_sign(actor=officer, file=file, name="Anneli Schwartz", method="e_signature")
    signed = signing.document_sign(actor=officer, file=file, name="Anneli Schwartz", role=ACTING,
                                   method="e_signature", provider="Test-e-legitimation", reference="tx-123")
    assert signed.get_method_display() == "E-underskrift" and signed.reference == "tx-123"
    with pytest.raises(TypeError):
        signed.save()


# --- the web: edit, preview, draw up, sign, the document page -------------------------------
def _form(report, ks, **changes) -> dict:
    data = {"title": report.title, "addressed_to": ks.pk, "office": "", "report_date": "2018-08-23",
            "background": report.background, "opinion": report.opinion, "dispatch_to": "Kommunfullmäktige",
            "proposal_1_organ": ks.pk, "proposal_1_text": "Handlingsplanen godkänns.",
            "signatory_1_name": "Anneli Schwartz", "signatory_1_title": ACTING}
    data.update(changes)
    return data


def test_the_edit_form_shows_the_report_and_swedish_errors(client, officer, report, ks):
    client.force_login(officer)
    url = reverse("documents:officer_report_edit", args=[report.pk])
    page = client.get(url).content.decode()
    assert "Kommunfullmäktige antog § 180." in page and ACTING in page
    assert "Förhandsgranska PDF" in page and "Upprätta" in page
    response = client.post(url, _form(report, ks, report_date="23/8", action="draw_up"))
    assert response.status_code == 400 and "ÅÅÅÅ-MM-DD" in response.content.decode()
    response = client.post(url, _form(report, ks, title=" ", background="", action="draw_up"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ange en rubrik." in page and "Beskriv ärendet (ärendebeskrivning)." in page
    response = client.post(url, _form(report, ks, action="draw_up"))
    assert "Inget har ändrats i tjänsteskrivelsen." in response.content.decode()
    assert len(_versions(report)) == 1


def test_preview_returns_a_pdf_and_registers_nothing(client, officer, report, ks, case):
    client.force_login(officer)
    files, events = DocumentFile.objects.count(), Event.objects.count()
    response = client.post(reverse("documents:officer_report_edit", args=[report.pk]),
                           _form(report, ks, opinion="**Förhandsgranskad** text.", action="preview"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Förhandsgranskad text." in pdf_text(response.content)
    new = client.post(reverse("documents:officer_report_preview_new", args=[case.pk]),
                      _form(report, ks, title="En ny skrivelse"))
    assert new["Content-Type"] == "application/pdf" and "En ny skrivelse" in pdf_text(new.content)
    assert (DocumentFile.objects.count(), Event.objects.count()) == (files, events)


def test_draw_up_from_the_browser_then_sign_and_the_page_shows_it(client, officer, report, ks):
    client.force_login(officer)
    response = client.post(reverse("documents:officer_report_edit", args=[report.pk]),
                           _form(report, ks, opinion="Nytt yttrande.", action="draw_up"))
    assert response.status_code == 302 and response.url == reverse("registry:document_detail",
                                                                   args=[report.document_id])
    second = _versions(report)[-1]
    assert second.version == 2
    sign_url = reverse("documents:document_file_sign", args=[second.pk])
    assert client.post(sign_url, {"name": "", "role": ACTING}).status_code == 400
    assert "Ange namnet på den som har skrivit under." in client.post(sign_url, {"name": ""}).content.decode()
    assert client.post(sign_url, {"name": "Anneli Schwartz", "role": ACTING}).status_code == 302
    page = client.get(reverse("registry:document_detail", args=[report.document_id])).content.decode()
    assert "Underskrifter" in page and "signerad av Anneli Schwartz, Tf. Kommundirektör" in page
    assert "Ändra tjänsteskrivelsen" in page


def test_the_public_downloads_the_drawn_up_pdf_and_sees_the_signature(client, officer, report):
    signing.document_sign(actor=officer, file=_versions(report)[0], name="Anneli Schwartz", role=ACTING)
    page = client.get(reverse("registry:document_detail", args=[report.document_id])).content.decode()
    file = _versions(report)[0]
    assert reverse("registry:file_download", args=[file.pk]) in page and "tjansteskrivelse.pdf" in page
    assert "signerad av Anneli Schwartz" in page and "Markera som signerad" not in page
    assert "Ändra tjänsteskrivelsen" not in page
    response = client.get(reverse("registry:file_download", args=[file.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Digital målbild och handlingsplan" in pdf_text(b"".join(response.streaming_content))
    assert client.get(reverse("documents:officer_report_edit", args=[report.pk])).status_code == 302  # login


# --- background generation with progress -------------------------------------------------
@pytest.fixture
def adjusted(registrar, ks, org, case):
    chair, adjuster = f.person(org, "Daniel Filipsson"), f.person(org, "Simon Waern")
    meeting = f.meeting(registrar, ks, members=[(chair, "chair"), (adjuster, "member")], adjusters=[adjuster])
    other = f.case(registrar, ks, title="Bredband på landsbygden")
    decisions_made = []
    meeting.refresh_from_db()
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    for n, c in enumerate([case, other, case], start=1):
        decisions_made.append(decisions.decision_record(
            actor=registrar, meeting=meeting, case=c, title=f"Beslut {n}", text="Godkänns.",
            recipients=[decisions.RecipientInput(name="Ekonomienheten")]))
    f.adjust(registrar, meeting)
    return SimpleNamespace(meeting=meeting, decisions=decisions_made)


def test_a_batch_draws_up_every_excerpt_counting_done_and_failed(registrar, adjusted, monkeypatch, client):
    real = batches.RUNNERS[GenerationBatch.Kind.MEETING_EXCERPTS]

    def flaky(batch, item):
        if item == adjusted.decisions[1].pk:
            raise DomainError("Utdraget kunde inte upprättas.")
        real(batch, item)

    monkeypatch.setitem(batches.RUNNERS, GenerationBatch.Kind.MEETING_EXCERPTS, flaky)
    batch = batches.meeting_excerpts_batch_start(actor=registrar, meeting=adjusted.meeting)  # runs at once in tests
    batch.refresh_from_db()
    assert (batch.total, batch.done, batch.failed, batch.state) == (3, 2, 1, "finished")
    assert batch.started_at and batch.finished_at and batch.created_by == registrar
    assert batch.errors == [{"item": adjusted.decisions[1].pk, "message": "Utdraget kunde inte upprättas."}]
    states = dict(DecisionRecipient.objects.values_list("decision_id", "state"))
    assert states == {adjusted.decisions[0].pk: "sent", adjusted.decisions[1].pk: "pending",
                      adjusted.decisions[2].pk: "sent"}
    client.force_login(registrar)
    status = client.get(reverse("documents:generation_batch_status", args=[batch.pk])).json()
    assert status | {"started_at": None, "finished_at": None} == {
        "id": batch.pk, "label": batch.label, "state": "finished", "total": 3, "done": 2, "failed": 1,
        "processed": 3, "percent": 100, "text": "2 av 3 klara, 1 misslyckades. Klart.", "errors": batch.errors,
        "started_at": None, "finished_at": None}
    page = client.get(reverse("documents:generation_batch", args=[batch.pk])).content.decode()
    assert '<progress id="generering-' in page and 'max="3" value="3"' in page and "2 av 3 klara" in page


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections like a real one
def test_the_worker_moves_the_progress_and_the_cli_shows_it(registrar, adjusted, settings, client):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(registrar)
    response = client.post(reverse("documents:meeting_excerpts_dispatch", args=[adjusted.meeting.pk]))
    batch = GenerationBatch.objects.get()
    assert response.url == reverse("documents:generation_batch", args=[batch.pk])
    status = client.get(reverse("documents:generation_batch_status", args=[batch.pk])).json()
    assert (status["state"], status["processed"], status["text"]) == ("queued", 0,
                                                                      "0 av 3 klara. Väntar på att starta.")
    out = io.StringIO()
    call_command("documents_progress", str(batch.pk), stdout=out)
    assert "[" + "." * 30 + "]   0 %" in out.getvalue()
    # A second start while it runs is refused, in Swedish, on the meeting page.
    again = client.post(reverse("documents:meeting_excerpts_dispatch", args=[adjusted.meeting.pk]), follow=True)
    assert "håller redan på att upprättas" in again.content.decode()
    call_command("worker", "--batch", verbosity=0)
    out = io.StringIO()
    call_command("documents_progress", "--wait", "--interval", "0", stdout=out)
    assert "[" + "#" * 30 + "] 100 %  3 av 3 klara. Klart." in out.getvalue()
    assert DocumentFile.objects.filter(document__description__startswith="Protokollsutdrag").count() == 3
    with pytest.raises(CommandError, match="No generation batch"):
        call_command("documents_progress", "999999")


def test_a_batch_needs_adjusted_minutes_and_the_right(registrar, ks, org, case):
    meeting = f.meeting(registrar, ks)
    with pytest.raises(DomainError, match="inte justerat"):
        batches.meeting_excerpts_batch_start(actor=registrar, meeting=meeting)
    with pytest.raises(DomainError, match="behörighet"):
        batches.meeting_excerpts_batch_start(actor=f.user(org, Role.READER), meeting=meeting)


# --- the demo: the report of 2017.676 KS as a public PDF ------------------------------------
@pytest.mark.usefixtures("demo")
def test_the_public_page_of_the_2017_676_report_offers_its_pdf(client):
    from diarium.decisions.models import OfficerReport
    from diarium.registry import selectors

    case = selectors.case_get_by_number(organisation=Organisation.objects.get(slug="alingsas"),
                                        diary_number="2017.676 KS")
    report = OfficerReport.objects.select_related("document").get(case=case)
    page = client.get(reverse("registry:document_detail", args=[report.document_id]))
    assert page.status_code == 200
    file = report.document.files.get(filename="tjansteskrivelse.pdf")
    html = page.content.decode()
    assert f'href="{reverse("registry:file_download", args=[file.pk])}"' in html
    assert "Handlingen är offentlig" in html
    response = client.get(reverse("registry:file_download", args=[file.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="tjansteskrivelse.pdf"' in response["Content-Disposition"]
    text = pdf_text(b"".join(response.streaming_content))
    assert "2017.676 KS" in text and "Anneli Schwartz" in text
