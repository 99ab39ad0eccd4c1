"""Remiss rounds through the services: send, answer by link, remind, extend,
compile, revise, close, and the fault cases."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from diarium.accounts.models import Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry.models import Document, DocumentFile, Event
from diarium.remiss import selectors, services as remiss
from diarium.remiss.events import RemissEvent
from diarium.remiss.models import RemissRecipient, RemissRound

from . import factories as f
from .mail_support import FLAKY_BACKEND
from .pdf_support import blob_pdf_text

pytestmark = pytest.mark.django_db


def _links():
    return [re.search(r"http://testserver/remissvar/([0-9a-f]{64})/", m.body).group(1) for m in mail.outbox]


def _token_for(recipient):
    return remiss.answer_token(RemissRecipient.objects.get(pk=recipient.pk))


@pytest.fixture
def sent(org, ks, registrar):
    round_, organs = f.remiss_setup(registrar, org, ks, boards=3)
    remiss.remiss_send(actor=registrar, round=round_)
    round_.refresh_from_db()
    return round_


def test_sending_registers_outgoing_documents_and_mails_a_personal_link_to_each(sent):
    recipients = list(sent.recipients.all())
    outgoing = Document.objects.filter(case=sent.case, direction=Document.Direction.OUTGOING)
    assert outgoing.count() == 3
    assert sorted(outgoing.values_list("counterpart", flat=True)) == ["Nämnd 1", "Nämnd 2", "Nämnd 3"]
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["n1@alingsas.se", "n2@alingsas.se", "n3@alingsas.se"]
    assert "Förslag till handlingsplan" in mail.outbox[0].subject
    tokens = _links()
    assert len(set(tokens)) == 3 and all(len(t) == 64 for t in tokens)  # 128-bit nonce + MAC
    assert {r.dispatch for r in recipients} == {RemissRecipient.Dispatch.SENT}
    rows = selectors.recipient_rows(sent)
    assert [r.status for r in rows] == ["sent"] * 3
    assert Event.objects.filter(case=sent.case, kind=RemissEvent.REMISS_SENT).count() == 1


def test_replies_to_a_remiss_e_mail_go_to_the_case_officer(org, ks, registrar):
    from diarium.accounts import services as accounts
    from diarium.registry import services as registry

    round_, _ = f.remiss_setup(registrar, org, ks, boards=1)
    officer = accounts.person_create(organisation=org, name="Göran Westerlund", email="goran@alingsas.se")
    registry.case_update(actor=registrar, case=round_.case, case_officer=officer)
    remiss.remiss_send(actor=registrar, round=round_)
    assert mail.outbox[0].reply_to == ["goran@alingsas.se"]


def test_list_mode_registers_one_outgoing_document_with_the_recipient_list(org, ks, registrar):
    round_, _ = f.remiss_setup(registrar, org, ks, boards=4, dispatch_mode=RemissRound.DispatchMode.LIST)
    remiss.remiss_send(actor=registrar, round=round_)
    outgoing = Document.objects.filter(case=round_.case, direction=Document.Direction.OUTGOING)
    assert outgoing.count() == 1
    letter = outgoing.get().files.get()
    assert letter.filename == "remissbrev.pdf"
    assert len(mail.outbox) == 4


def test_answer_by_link_registers_an_incoming_document_at_once(sent):
    recipient = sent.recipients.get(position=2)
    answered = remiss.remiss_answer_by_link(
        token=_token_for(recipient), files=[f.pdf_file("yttrande.pdf")], text="Vi tillstyrker förslaget.",
        decision_ref="Kultur- och fritidsnämnden 2018-06-12 § 45", answered_by="Eva Nämndsekreterare",
    )
    document = answered.answer_document
    assert document.direction == Document.Direction.INCOMING
    assert document.counterpart == "Nämnd 2"
    assert document.document_date == timezone.localdate()
    assert "Kultur- och fritidsnämnden 2018-06-12 § 45" in document.description
    assert sorted(document.files.values_list("filename", flat=True)) == ["svar.txt", "yttrande.pdf"]
    assert not answered.late
    statuses = {r.recipient.name: r.status for r in selectors.recipient_rows(sent)}
    assert statuses == {"Nämnd 1": "sent", "Nämnd 2": "answered", "Nämnd 3": "sent"}
    event = Event.objects.get(case=sent.case, kind=RemissEvent.REMISS_ANSWERED)
    assert "via svarslänk" in event.actor_name


def test_a_link_answers_only_for_its_own_recipient_and_only_once(sent):
    a, b = sent.recipients.get(position=1), sent.recipients.get(position=2)
    token_a = _token_for(a)
    assert remiss.recipient_for_token(token_a).pk == a.pk
    remiss.remiss_answer_by_link(token=token_a, text="Svar från A")
    with pytest.raises(DomainError, match="redan svarat"):
        remiss.remiss_answer_by_link(token=token_a, text="Ett andra svar")
    b.refresh_from_db()
    assert b.answered_at is None
    # B's nonce with A's MAC is a forgery.
    forged = _token_for(b)[:32] + token_a[32:]
    with pytest.raises(remiss.LinkInvalid) as exc:
        remiss.remiss_answer_by_link(token=forged, text="Svar för B")
    assert exc.value.reason == "forged"
    assert Document.objects.filter(case=sent.case, direction=Document.Direction.INCOMING).count() == 1


@pytest.mark.parametrize("token", ["", "abc", "z" * 64, "0" * 64, "../../etc/passwd"])
def test_forged_links_show_an_error_and_record_nothing(sent, token):
    before = (Document.objects.count(), Event.objects.count())
    with pytest.raises(remiss.LinkInvalid):
        remiss.remiss_answer_by_link(token=token, text="Hej")
    assert (Document.objects.count(), Event.objects.count()) == before


def test_a_revoked_link_stops_working_and_a_new_link_works(sent, registrar):
    recipient = sent.recipients.get(position=1)
    old = _token_for(recipient)
    remiss.remiss_revoke_link(actor=registrar, recipient=recipient)
    with pytest.raises(remiss.LinkInvalid) as exc:
        remiss.remiss_answer_by_link(token=old, text="Svar")
    assert exc.value.reason == "revoked"
    mail.outbox.clear()
    remiss.remiss_new_link(actor=registrar, recipient=recipient)
    new = _links()[0]
    assert new != old
    remiss.remiss_answer_by_link(token=new, text="Svar")
    with pytest.raises(remiss.LinkInvalid):
        remiss.recipient_for_token(old)


def test_an_answer_after_the_deadline_is_accepted_and_marked_late_until_the_link_expires(org, ks, registrar):
    sent_at = timezone.now() - dt.timedelta(days=40)
    deadline = timezone.localdate() - dt.timedelta(days=10)
    round_, _ = f.remiss_setup(registrar, org, ks, boards=2, deadline=deadline, now=sent_at)
    round_ = remiss.remiss_send(actor=registrar, round=round_, now=sent_at)
    first, second = round_.recipients.order_by("position")
    assert [r.status for r in selectors.recipient_rows(round_)] == ["late", "late"]
    answered = remiss.remiss_answer_by_link(token=_token_for(first), text="Sent svar")
    assert answered.late
    assert answered.answer_document.document_date == timezone.localdate()
    assert [r.status for r in selectors.recipient_rows(round_)] == ["answered", "late"]
    # The link is valid until the deadline plus the grace period, then it is refused.
    expired = timezone.now() + dt.timedelta(days=round_.grace_days - 10 + 1)
    before = (Document.objects.count(), Event.objects.count())
    with pytest.raises(remiss.LinkInvalid) as exc:
        remiss.remiss_answer_by_link(token=_token_for(second), text="För sent", now=expired)
    assert exc.value.reason == "expired"
    assert (Document.objects.count(), Event.objects.count()) == before


def test_declining_registers_the_decline(sent):
    recipient = sent.recipients.get(position=3)
    answered = remiss.remiss_answer_by_link(token=_token_for(recipient), declined=True, text="Berör inte oss.")
    assert answered.declined
    assert answered.answer_document.description.startswith("Avstår från att svara")
    assert selectors.recipient_rows(sent)[2].status == "declined"


def test_a_failed_upload_leaves_no_document_and_no_answer(sent):
    recipient = sent.recipients.get(position=1)
    before = Document.objects.count()
    bad = f.SimpleUploadedFile("virus.exe", b"MZ\x90\x00\x03" + b"\x00" * 200)
    with pytest.raises(DomainError, match="filtyp"):
        remiss.remiss_answer_by_link(token=_token_for(recipient), files=[bad], text="Svar")
    recipient.refresh_from_db()
    assert recipient.answered_at is None
    assert Document.objects.count() == before


def test_thirty_recipients_where_three_mails_fail(org, ks, registrar, settings):
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    c = f.case(registrar, ks)
    plan = f.document(registrar, c, direction="drawn_up", counterpart="", description="Förslag",
                      files=[f.text_file("plan.txt", "Plan\n")])
    recipients = [
        remiss.RecipientInput(name=f"Organisation {i}", email=f"{'trasig' if i in (4, 17, 29) else 'ok'}{i}@example.se")
        for i in range(1, 31)
    ]
    round_ = remiss.remiss_create(actor=registrar, case=c, title="Stor remiss", letter="Brev",
                                  deadline=dt.date.today() + dt.timedelta(days=20), recipients=recipients,
                                  files=list(plan.files.all()))
    round_ = remiss.remiss_send(actor=registrar, round=round_)
    assert len(mail.outbox) == 27
    dispatch = dict(round_.recipients.values_list("name", "dispatch"))
    failed = sorted(name for name, state in dispatch.items() if state == RemissRecipient.Dispatch.FAILED)
    assert failed == ["Organisation 17", "Organisation 29", "Organisation 4"]
    assert list(dispatch.values()).count(RemissRecipient.Dispatch.SENT) == 27
    counts = dict((key, n) for key, _, n in selectors.status_counts(selectors.recipient_rows(round_)))
    assert counts == {"sent": 27, "failed": 3}
    assert "Mailservern svarar inte" in round_.recipients.get(name="Organisation 4").dispatch_error
    # The server is back: retrying sends exactly the three.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert remiss.remiss_retry(actor=registrar, round=round_) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["trasig17@example.se", "trasig29@example.se", "trasig4@example.se"]
    assert not round_.recipients.exclude(dispatch=RemissRecipient.Dispatch.SENT).exists()


def test_reminders_before_and_after_the_deadline_go_once_to_those_who_have_not_answered(sent):
    answered = sent.recipients.get(position=1)
    remiss.remiss_answer_by_link(token=_token_for(answered), text="Svar")
    mail.outbox.clear()
    deadline = sent.deadline
    now = timezone.make_aware(dt.datetime.combine(deadline - dt.timedelta(days=3), dt.time(9)))
    assert remiss.send_due_reminders(now=now - dt.timedelta(days=10)) == 0  # not due yet
    assert remiss.send_due_reminders(now=now) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["n2@alingsas.se", "n3@alingsas.se"]
    assert all("Påminnelse" in m.subject for m in mail.outbox)
    assert remiss.send_due_reminders(now=now + dt.timedelta(hours=1)) == 0  # once only
    assert [r.status for r in selectors.recipient_rows(sent, today=now.date())] == ["answered", "reminded", "reminded"]
    after = timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(9)))
    mail.outbox.clear()
    assert remiss.send_due_reminders(now=after) == 2
    assert "har passerat" in mail.outbox[0].body
    assert remiss.send_due_reminders(now=after + dt.timedelta(days=1)) == 0
    assert [r.status for r in selectors.recipient_rows(sent, today=after.date())] == ["answered", "late", "late"]


def test_remind_now_reminds_the_chosen_recipients(sent, registrar):
    mail.outbox.clear()
    target = sent.recipients.get(position=2)
    assert remiss.remiss_remind(actor=registrar, round=sent, recipient_ids=[target.pk]) == 1
    assert [m.to[0] for m in mail.outbox] == ["n2@alingsas.se"]
    target.refresh_from_db()
    assert target.reminder_count == 1


def test_extending_keeps_every_deadline_in_the_history(sent, registrar):
    first = sent.deadline
    new = first + dt.timedelta(days=57)
    remiss.remiss_extend(actor=registrar, round=sent, deadline=new, reason="Så att alla nämnder hinner besluta",
                         decision_ref="KSAU 2018-04-25 § 53")
    sent.refresh_from_db()
    assert sent.deadline == new
    rows = selectors.recipient_rows(sent)
    assert [[d.deadline for d in row.deadlines] for row in rows] == [[first, new]] * 3
    assert rows[0].deadlines[1].decision_ref == "KSAU 2018-04-25 § 53"
    # Only some: one recipient gets even more time.
    later = new + dt.timedelta(days=10)
    one = sent.recipients.get(position=3)
    remiss.remiss_extend(actor=registrar, round=sent, deadline=later, reason="Begäran", recipient_ids=[one.pk])
    one.refresh_from_db()
    assert one.deadline == later
    assert sent.recipients.get(position=1).deadline == new
    with pytest.raises(DomainError, match="efter den nuvarande"):
        remiss.remiss_extend(actor=registrar, round=sent, deadline=first, reason="Fel")


def test_compile_draws_up_a_document_and_a_second_compile_adds_a_version(sent, registrar):
    a = sent.recipients.get(position=1)
    remiss.remiss_answer_by_link(token=_token_for(a), text="Mer om öppna data.")
    remiss.remiss_assess(actor=registrar, recipient=sent.recipients.get(pk=a.pk), summary="Vill ha mer öppna data.",
                         consideration="partly", comment="Åtgärd 1 utökas.")
    document = remiss.remiss_compile(actor=registrar, round=sent)
    assert document.direction == Document.Direction.DRAWN_UP
    file = DocumentFile.objects.get(document=document)
    assert file.filename == "remissammanstallning.pdf"
    text = blob_pdf_text(file.blob)
    assert "Vill ha mer öppna data." in text and "Delvis beaktat" in text and "Nämnd 3" in text
    again = remiss.remiss_compile(actor=registrar, round=sent)
    assert again.pk == document.pk
    assert sorted(document.files.values_list("version", flat=True)) == [1, 2]
    with pytest.raises(DomainError, match="inte svarat"):
        remiss.remiss_assess(actor=registrar, recipient=sent.recipients.get(position=2), summary="",
                             consideration="accepted")


def test_revise_adds_a_version_of_the_consulted_file_with_the_answers_behind_each_change(sent, registrar):
    a = sent.recipients.get(position=1)
    remiss.remiss_answer_by_link(token=_token_for(a), text="Lägg till e-tjänster.")
    consulted = sent.files.get()
    revised = remiss.remiss_revise(
        actor=registrar, round=sent, consulted=consulted,
        upload=f.text_file("handlingsplan.txt", "Handlingsplan\nÅtgärd 1: öppna data\nÅtgärd 2: e-tjänster\n"),
        note="Reviderad efter remissen.",
        changes=[remiss.ChangeInput("Ny åtgärd 2: e-tjänster", [a.pk])],
    )
    assert revised.version == 2 and revised.document_id == consulted.document_id
    assert consulted.document.files.count() == 2  # the consulted version is still there
    rows = selectors.text_diff_rows(consulted, revised)
    assert ("", "Åtgärd 2: e-tjänster", "insert") in rows
    change = sent.changes.get()
    assert list(change.recipients.all()) == [a]


def test_closing_shows_no_answer_and_ends_the_links(sent, registrar):
    token = _token_for(sent.recipients.get(position=1))
    remiss.remiss_close(actor=registrar, round=sent)
    sent.refresh_from_db()
    assert [r.status for r in selectors.recipient_rows(sent)] == ["no_answer"] * 3
    with pytest.raises(remiss.LinkInvalid) as exc:
        remiss.remiss_answer_by_link(token=token, text="Svar")
    assert exc.value.reason == "closed"


def _answered_round(org, ks, registrar, *, days_ago=60, deadline_days_ago=40):
    """A round sent `days_ago` days ago with its deadline `deadline_days_ago` days
    ago; the first recipient answered through the link before the deadline."""
    now = timezone.now()
    sent_at = now - dt.timedelta(days=days_ago)
    deadline = timezone.localdate() - dt.timedelta(days=deadline_days_ago)
    round_, _ = f.remiss_setup(registrar, org, ks, boards=2, deadline=deadline, now=sent_at)
    round_ = remiss.remiss_send(actor=registrar, round=round_, now=sent_at)
    first = round_.recipients.get(position=1)
    remiss.remiss_answer_by_link(token=_token_for(first), text="Vi tillstyrker.", now=sent_at + dt.timedelta(days=5))
    return round_, first


def test_an_answered_link_reads_for_a_set_time_after_the_round_is_closed_then_expires(org, ks, registrar, settings):
    settings.DIARIUM_REGISTRAR_EMAIL = "registrator@alingsas.se"
    round_, first = _answered_round(org, ks, registrar)
    token = _token_for(first)
    closed_at = timezone.now() - dt.timedelta(days=35)
    remiss.remiss_close(actor=registrar, round=round_, now=closed_at)
    closed_on = timezone.localtime(closed_at).date()
    last_day = closed_on + dt.timedelta(days=30)  # the default
    assert remiss.recipient_for_token(token, today=last_day).answer_text == "Vi tillstyrker."
    with pytest.raises(remiss.LinkInvalid) as exc:
        remiss.recipient_for_token(token, today=last_day + dt.timedelta(days=1))
    assert exc.value.status_code == 410
    assert exc.value.message.startswith(f"Länken gällde till och med {last_day.isoformat()} och har slutat fungera.")
    assert "Kontakta registrator hos Alingsås kommun (registrator@alingsas.se)" in exc.value.message
    assert round_.case.diary_number in exc.value.message
    # The setting sets the time.
    settings.DIARIUM_REMISS_LINK_DAYS_AFTER_CLOSE = 40
    assert remiss.recipient_for_token(token, today=closed_on + dt.timedelta(days=40)) == first
    with pytest.raises(remiss.LinkInvalid):
        remiss.recipient_for_token(token, today=closed_on + dt.timedelta(days=41))


def test_an_answered_link_of_a_round_never_closed_expires_after_the_answering_time(org, ks, registrar):
    """A round left open closes for the recipient when the link stops taking
    answers: the deadline plus the round's grace days."""
    round_, first = _answered_round(org, ks, registrar)
    token = _token_for(first)
    remiss.remiss_compile(actor=registrar, round=round_)  # drawing up the compilation does not close it
    last_day = first.deadline + dt.timedelta(days=round_.grace_days + 30)
    assert remiss.recipient_for_token(token, today=last_day) == first
    with pytest.raises(remiss.LinkInvalid) as exc:
        remiss.recipient_for_token(token, today=last_day + dt.timedelta(days=1))
    assert exc.value.reason == "read_expired"
    assert "Kontakta registrator hos Alingsås kommun och ange diarienummer" in exc.value.message


def test_an_internal_board_answers_from_inside_the_system(org, ks, registrar):
    round_, organs = f.remiss_setup(registrar, org, ks, boards=2)
    remiss.remiss_send(actor=registrar, round=round_)
    board_user = f.user(org, Role.CASE_OFFICER, organs[0])
    mine, theirs = round_.recipients.get(organ=organs[0]), round_.recipients.get(organ=organs[1])
    with pytest.raises(PermissionDenied):
        remiss.remiss_answer_inside(actor=board_user, recipient=theirs, text="Svar")
    answered = remiss.remiss_answer_inside(actor=board_user, recipient=mine, text="Nämndens svar",
                                           decision_ref="Nämnd 1 2018-06-12 § 45")
    assert answered.answer_document.counterpart == "Nämnd 1"
    # The registrar registers a paper answer on the day it came in.
    received = dt.date.today() - dt.timedelta(days=1)
    paper = remiss.remiss_answer_inside(actor=registrar, recipient=theirs, files=[f.pdf_file()],
                                        received_on=received)
    assert paper.answer_document.document_date == received


def test_bad_input_is_refused_in_swedish_and_nothing_is_created(org, ks, registrar):
    c = f.case(registrar, ks)
    reader = f.user(org, Role.READER)
    before = RemissRound.objects.count()
    with pytest.raises(DomainError) as exc:
        remiss.remiss_create(actor=registrar, case=c, title="", letter="", deadline=dt.date(2018, 5, 31),
                             recipients=[remiss.RecipientInput(name="Sambruk", email="inte-en-adress")], files=[])
    assert set(exc.value.errors) >= {"title", "letter", "deadline", "files", "recipients"}
    assert "ogiltig e-postadress" in " ".join(exc.value.errors["recipients"])
    with pytest.raises(PermissionDenied):
        remiss.remiss_create(actor=reader, case=c, title="T", letter="L",
                             deadline=dt.date.today() + dt.timedelta(days=5), recipients=[], files=[])
    assert RemissRound.objects.count() == before


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections like a real one
def test_the_worker_sends_queued_mail_and_due_reminders(org, ks, registrar, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    round_, _ = f.remiss_setup(registrar, org, ks, boards=2, deadline=dt.date.today() + dt.timedelta(days=3))
    remiss.remiss_send(actor=registrar, round=round_)
    assert mail.outbox == []  # queued, not sent
    assert {r.dispatch for r in round_.recipients.all()} == {RemissRecipient.Dispatch.QUEUED}
    call_command("worker", "--batch", verbosity=0)
    # The letters go first; the deadline is three days away and the round
    # reminds seven days before, so the periodic job then sends reminders.
    subjects = [m.subject.split(":")[0] for m in mail.outbox]
    assert subjects == ["Remiss", "Remiss", "Påminnelse om remiss", "Påminnelse om remiss"]
    assert {r.dispatch for r in round_.recipients.all()} == {RemissRecipient.Dispatch.SENT}
    call_command("worker", "--batch", verbosity=0)
    assert len(mail.outbox) == 4  # nothing is sent twice
