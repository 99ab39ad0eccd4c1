"""The remiss pages through the web client: what a case officer, a respondent
with a link and the public see."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from diarium.accounts.models import Organ, Role
from diarium.registry.models import Document
from diarium.remiss import services as remiss
from diarium.remiss.models import RemissRecipient, RemissRound

from . import factories as f

pytestmark = pytest.mark.django_db


def _link(message):
    return re.search(r"http://testserver(/remissvar/[0-9a-f]{64}/)", message.body).group(1)


@pytest.fixture
def prepared(org, ks, registrar):
    round_, organs = f.remiss_setup(registrar, org, ks, boards=2)
    return round_


def test_a_case_officer_prepares_and_sends_a_round_from_the_case_page(client, org, ks, registrar):
    c = f.case(registrar, ks)
    plan = f.document(registrar, c, direction="drawn_up", counterpart="", description="Förslag till handlingsplan",
                      files=[f.text_file("handlingsplan.txt", "Plan\n")])
    kfn = f.organ(org, code="KFN", name="Kultur- och fritidsnämnden", kind=Organ.Kind.BOARD, email="kfn@alingsas.se")
    client.force_login(registrar)
    page = client.get(reverse("registry:case_detail", args=[c.pk]))
    assert "Skicka på remiss" in page.content.decode()
    url = reverse("remiss:round_create", args=[c.pk])
    form = client.get(url).content.decode()
    assert "Kultur- och fritidsnämnden" in form and "handlingsplan.txt" in form
    response = client.post(url, {
        "title": "Förslag till handlingsplan", "letter": "Vi önskar era synpunkter.",
        "deadline": (dt.date.today() + dt.timedelta(days=40)).isoformat(), "ordered_by": "KSAU 2018-02-28 § 8",
        "organs": [str(kfn.pk)], "external": "Föreningen Sambruk; info@sambruk.se\nKommunnätverket Kivos; kivos@example.se",
        "files": [str(plan.files.get().pk)], "dispatch_mode": "per_recipient", "reminder_days_before": 7,
        "grace_days": 30,
    })
    round_ = RemissRound.objects.get()
    assert response.status_code == 302 and response.url == reverse("remiss:round_detail", args=[round_.pk])
    detail = client.get(response.url).content.decode()
    assert "Utkast" in detail and "Skicka remissen till 3 remissinstanser" in detail
    client.post(reverse("remiss:round_send", args=[round_.pk]))
    detail = client.get(response.url).content.decode()
    assert "Remissen har skickats till 3 remissinstanser." in detail
    assert detail.count("Skickad</span>") == 3
    assert len(mail.outbox) == 3


def test_form_errors_are_shown_in_swedish_next_to_the_fields(client, org, ks, registrar):
    c = f.case(registrar, ks)
    client.force_login(registrar)
    response = client.post(reverse("remiss:round_create", args=[c.pk]), {
        "title": "", "letter": "", "deadline": "31/5", "external": "Sambruk utan adress",
        "dispatch_mode": "per_recipient", "reminder_days_before": 7, "grace_days": 30,
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Ange datum som ÅÅÅÅ-MM-DD." in html
    assert "Rad 1: skriv namn; e-postadress" in html
    assert not RemissRound.objects.exists()
    # Without recipients the message sits on the organ checkboxes, linked from the summary.
    response = client.post(reverse("remiss:round_create", args=[c.pk]), {
        "title": "Remiss", "letter": "Brev", "deadline": (dt.date.today() + dt.timedelta(days=9)).isoformat(),
        "dispatch_mode": "per_recipient", "reminder_days_before": 7, "grace_days": 30,
    })
    html = response.content.decode()
    assert 'href="#id_organs_0"' in html and "Välj minst en remissinstans." in html


def test_the_respondent_answers_through_the_link_without_an_account(client, prepared, registrar):
    remiss.remiss_send(actor=registrar, round=prepared)
    link = _link(mail.outbox[0])
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Förslag till handlingsplan" in html and "Vi önskar era synpunkter." in html
    assert "handlingsplan.txt" in html
    download = re.search(r'href="(/remissvar/[0-9a-f]{64}/filer/\d+/)"', html).group(1)
    assert b"".join(client.get(download).streaming_content).startswith(b"Handlingsplan")
    response = client.post(link, {
        "answer": "answer", "files": [f.pdf_file("yttrande.pdf")], "text": "Vi tillstyrker.",
        "decision_ref": "Nämnd 1 2018-06-12 § 45", "answered_by": "Eva Ek",
    })
    assert response.status_code == 302
    receipt = client.get(link).content.decode()
    assert "Ert svar är registrerat" in receipt
    document = Document.objects.get(direction=Document.Direction.INCOMING)
    assert document.reference in receipt
    # Posting again records nothing more.
    client.post(link, {"answer": "answer", "text": "Igen"})
    assert Document.objects.filter(direction=Document.Direction.INCOMING).count() == 1


def test_a_bad_link_shows_a_clear_page_and_records_nothing(client, prepared, registrar):
    remiss.remiss_send(actor=registrar, round=prepared)
    link = _link(mail.outbox[0])
    forged = link[:-3] + ("0" if link[-3] != "0" else "1") + link[-2:]
    before = Document.objects.count()
    response = client.post(forged, {"answer": "answer", "text": "Hej"})
    assert response.status_code == 404
    assert "Länken är inte giltig" in response.content.decode()
    recipient = RemissRecipient.objects.get(email=mail.outbox[0].to[0])
    remiss.remiss_revoke_link(actor=registrar, recipient=recipient)
    response = client.get(link)
    assert response.status_code == 410 and "spärrats" in response.content.decode()
    assert Document.objects.count() == before


def test_an_answered_link_expires_a_set_time_after_the_round_closed(client, org, ks, registrar):
    """The respondent reads their answer through the link until 30 days after the
    round closed; then the link gives a clear page saying whom to contact."""
    now = timezone.now()
    links = {}
    for closed_days_ago in (30, 31):
        sent_at = now - dt.timedelta(days=60)
        round_, _organs = f.remiss_setup(registrar, org, ks, boards=1, prefix=f"R{closed_days_ago}", now=sent_at,
                                         deadline=timezone.localdate() - dt.timedelta(days=40))
        mail.outbox.clear()
        remiss.remiss_send(actor=registrar, round=round_, now=sent_at)
        link = _link(mail.outbox[0])
        remiss.remiss_answer_by_link(token=link.split("/")[2], text="Vi tillstyrker.",
                                     now=sent_at + dt.timedelta(days=5))
        remiss.remiss_close(actor=registrar, round=round_, now=now - dt.timedelta(days=closed_days_ago))
        links[closed_days_ago] = link, round_.case
    link, _case = links[30]
    readable = client.get(link)
    assert readable.status_code == 200 and "Ert svar är registrerat" in readable.content.decode()
    link, case = links[31]
    expired = client.get(link)
    html = expired.content.decode()
    assert expired.status_code == 410
    assert "Länken har slutat gälla" in html and "Vi tillstyrker." not in html
    assert "Kontakta registrator hos Alingsås kommun" in html and case.diary_number in html


def test_an_upload_with_a_refused_type_is_shown_on_the_form_and_leaves_no_document(client, prepared, registrar):
    remiss.remiss_send(actor=registrar, round=prepared)
    link = _link(mail.outbox[0])
    before = Document.objects.count()
    bad = f.SimpleUploadedFile("program.exe", b"MZ\x90\x00" + b"\x00" * 300)
    response = client.post(link, {"answer": "answer", "files": [bad]})
    assert response.status_code == 400
    assert "filtyp som inte tas emot" in response.content.decode()
    assert Document.objects.count() == before


def test_the_public_sees_the_round_with_recipients_deadlines_and_answers_but_no_addresses(client, prepared, registrar):
    remiss.remiss_send(actor=registrar, round=prepared)
    first = prepared.recipients.get(position=1)
    remiss.remiss_extend(actor=registrar, round=prepared, deadline=prepared.deadline + dt.timedelta(days=30),
                         reason="Alla nämnder ska hinna besluta", decision_ref="KSAU 2018-04-25 § 53")
    remiss.remiss_answer_by_link(token=remiss.answer_token(RemissRecipient.objects.get(pk=first.pk)), text="Svar")
    case_page = client.get(reverse("registry:case_detail", args=[prepared.case_id])).content.decode()
    assert "Förslag till handlingsplan" in case_page and "1 av 2 har svarat" in case_page
    # The case page itself carries the round: letter, recipients, deadlines with extensions, answers.
    answer = Document.objects.get(direction=Document.Direction.INCOMING)
    for text in ("Vi önskar era synpunkter.", "Nämnd 1", "Nämnd 2", "KSAU 2018-04-25 § 53", answer.reference):
        assert text in case_page
    assert "@alingsas.se" not in case_page
    html = client.get(reverse("remiss:round_detail", args=[prepared.pk])).content.decode()
    assert "Vi önskar era synpunkter." in html and "KSAU 2018-02-28 § 8" in html
    assert "KSAU 2018-04-25 § 53" in html and "<del>" in html  # the first deadline, struck through
    assert "Besvarad" in html and "Nämnd 2" in html
    assert "@alingsas.se" not in html
    assert "Spärra svarslänken" not in html and "Förläng svarstiden" not in html


def test_a_draft_is_not_shown_to_the_public(client, prepared):
    response = client.get(reverse("remiss:round_detail", args=[prepared.pk]))
    assert response.status_code == 404
    case_page = client.get(reverse("registry:case_detail", args=[prepared.case_id])).content.decode()
    assert reverse("remiss:round_detail", args=[prepared.pk]) not in case_page


def test_extend_compile_and_revise_pages(client, prepared, registrar):
    remiss.remiss_send(actor=registrar, round=prepared)
    client.force_login(registrar)
    first = prepared.recipients.get(position=1)
    url = reverse("remiss:round_extend", args=[prepared.pk])
    new = prepared.deadline + dt.timedelta(days=20)
    response = client.post(url, {"deadline": new.isoformat(), "reason": "Nämnderna ska hinna besluta",
                                 "decision_ref": "KSAU 2018-04-25 § 53"})
    assert response.status_code == 302
    assert set(prepared.recipients.values_list("deadline", flat=True)) == {new}
    remiss.remiss_answer_inside(actor=registrar, recipient=first, text="Öppna data behövs.")
    compile_url = reverse("remiss:round_compile", args=[prepared.pk])
    prefix = f"r{first.pk}"
    response = client.post(compile_url, {
        f"{prefix}-summary": "Vill ha öppna data.", f"{prefix}-consideration": "accepted",
        f"{prefix}-comment": "Ny åtgärd.", "draw_up": "1",
    })
    assert response.status_code == 302
    prepared.refresh_from_db()
    assert prepared.compilation_document.direction == Document.Direction.DRAWN_UP
    detail = client.get(reverse("remiss:round_detail", args=[prepared.pk])).content.decode()
    assert "Remissammanställning" in detail
    revise_url = reverse("remiss:round_revise", args=[prepared.pk])
    consulted = prepared.files.get()
    response = client.post(revise_url, {
        "consulted": str(consulted.pk),
        "file": f.text_file("handlingsplan.txt", "Handlingsplan\nÅtgärd 1: öppna data\nÅtgärd 2: öppna API:er\n"),
        "note": "Reviderad efter remissen.",
        "changes-TOTAL_FORMS": "3", "changes-INITIAL_FORMS": "0",
        "changes-0-description": "Åtgärd 2 om öppna API:er", "changes-0-recipients": [str(first.pk)],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = client.get(reverse("remiss:round_detail", args=[prepared.pk])).content.decode()
    assert "Revidering efter remissen" in detail
    assert "<ins>Åtgärd 2: öppna API:er</ins>" in detail
    assert "efter svar från Nämnd 1" in detail


def test_only_those_who_run_the_round_can_manage_it(client, org, prepared, registrar):
    remiss.remiss_send(actor=registrar, round=prepared)
    reader = f.user(org, Role.READER)
    client.force_login(reader)
    for name in ("round_extend", "round_compile", "round_revise"):
        assert client.get(reverse(f"remiss:{name}", args=[prepared.pk])).status_code == 403
    assert client.post(reverse("remiss:round_close", args=[prepared.pk])).status_code == 403
    prepared.refresh_from_db()
    assert prepared.status == RemissRound.Status.SENT


def _queries_for_round_page(client, org, ks, registrar, boards, prefix):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    round_, _organs = f.remiss_setup(registrar, org, ks, boards=boards, prefix=prefix)
    remiss.remiss_send(actor=registrar, round=round_)
    for r in list(round_.recipients.all())[: boards // 2]:
        remiss.remiss_answer_inside(actor=registrar, recipient=r, text="Svar")
    remiss.remiss_extend(actor=registrar, round=round_, deadline=round_.deadline + dt.timedelta(days=9),
                         reason="Förlängt")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("remiss:round_detail", args=[round_.pk])).status_code == 200
    return len(ctx.captured_queries)


def test_the_round_page_costs_the_same_queries_for_3_or_30_recipients(client, org, ks, registrar):
    client.force_login(registrar)
    small = _queries_for_round_page(client, org, ks, registrar, 3, "A")
    large = _queries_for_round_page(client, org, ks, registrar, 30, "B")
    assert large == small, (small, large)
    assert small <= 20


def test_the_answer_page_is_never_cached_and_sends_no_referrer_elsewhere(client, prepared, registrar):
    remiss.remiss_send(actor=registrar, round=prepared)
    response = client.get(_link(mail.outbox[0]))
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_a_draft_can_be_removed_but_a_sent_round_cannot(client, org, ks, registrar):
    draft, _ = f.remiss_setup(registrar, org, ks, boards=1, prefix="D")
    client.force_login(registrar)
    response = client.post(reverse("remiss:round_discard", args=[draft.pk]))
    assert response.status_code == 302 and response.url == reverse("registry:case_detail", args=[draft.case_id])
    assert not RemissRound.objects.filter(pk=draft.pk).exists()
    history = client.get(reverse("registry:case_history", args=[draft.case_id])).content.decode()
    assert "Remissutkast togs bort" in history
    sent, _ = f.remiss_setup(registrar, org, ks, boards=1, prefix="E")
    remiss.remiss_send(actor=registrar, round=sent)
    response = client.post(reverse("remiss:round_discard", args=[sent.pk]), follow=True)
    assert "kan inte tas bort" in response.content.decode()
    assert RemissRound.objects.filter(pk=sent.pk).exists()


def test_the_overview_lists_rounds_to_answer_for_a_board_and_rounds_run_for_the_office(client, org, ks, registrar):
    round_, organs = f.remiss_setup(registrar, org, ks, boards=2, prefix="O")
    remiss.remiss_send(actor=registrar, round=round_)
    board_user = f.user(org, Role.CASE_OFFICER, organs[0])
    client.force_login(board_user)
    html = client.get(reverse("remiss:overview")).content.decode()
    mine = round_.recipients.get(organ=organs[0])
    assert reverse("remiss:answer_inside", args=[round_.pk, mine.pk]) in html
    theirs = round_.recipients.get(organ=organs[1])
    assert reverse("remiss:answer_inside", args=[round_.pk, theirs.pk]) not in html
    assert "Inga pågående remisser." in html  # the board does not run the round
    client.force_login(registrar)
    html = client.get(reverse("remiss:overview")).content.decode()
    assert "0 av 2 har svarat" in html and "Era organ har inga obesvarade remisser." in html
    client.logout()
    assert client.get(reverse("remiss:overview")).status_code == 302


def test_the_decision_that_ordered_the_round_is_a_link_once_its_minutes_are_adjusted(client, org, ks, registrar):
    from diarium.decisions import services as decisions

    ksau = f.organ(org, code="KSAU", name="Kommunstyrelsens arbetsutskott", kind=Organ.Kind.COMMITTEE, parent=ks)
    chair = f.person(org, "Ordförande Olsson")
    adjuster = f.person(org, "Justerare Jansson")
    meeting = f.meeting(registrar, ksau, dt.date(2018, 2, 28), members=[(chair, "chair"), (adjuster, "member")],
                        adjusters=[adjuster])
    decisions.meeting_open(actor=registrar, meeting=meeting)
    decisions.paragraph_counter_set(actor=f.user(superuser=True), organ=ksau, year=2018, last=7)
    decision = decisions.decision_record(actor=registrar, meeting=meeting, title="Remiss", text="Skickas på remiss.")
    assert decision.reference == "KSAU 2018-02-28 § 8"
    round_, _ = f.remiss_setup(registrar, org, ks, boards=1, prefix="R")  # ordered_by "KSAU 2018-02-28 § 8"
    remiss.remiss_send(actor=registrar, round=round_)
    url = reverse("remiss:round_detail", args=[round_.pk])
    link = f'<a href="{reverse("decisions:decision_detail", args=[decision.pk])}">KSAU 2018-02-28 § 8</a>'
    assert link not in client.get(url).content.decode()  # the minutes are not adjusted: not public yet
    f.adjust(registrar, meeting)
    assert link in client.get(url).content.decode()
