"""The Alingsås demo as a visitor meets it after `diarium demo`."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from diarium.accounts import services as accounts_services
from diarium.accounts.models import Organ, Organisation, Person, User
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import selectors
from diarium.registry import services as registry_services
from diarium.registry.files import blob_open
from diarium.registry.models import Case, Document, DocumentFile, Event
from diarium.remiss import selectors as remiss_selectors
from diarium.remiss.models import RemissDeadline, RemissRecipient, RemissRound

PASSWORD = "Demo-Lösen-Alingsås-2017"


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("DIARIUM_DEMO_PASSWORD", PASSWORD)
    call_command("demo", "--no-serve", verbosity=0)


def _main_case():
    return selectors.case_get_by_number(organisation=Case.objects.first().organisation, diary_number="2017.676 KS")


@pytest.mark.django_db
def test_case_2017_676_ks_has_its_title_and_officer(demo):
    case = _main_case()
    assert case is not None
    assert case.title == "Digital målbild för Alingsås kommun – öppen och smart samt tillhörande handlingsplan"
    assert case.case_officer.name == "Göran Westerlund"
    assert case.case_officer.title == "Digitaliseringsansvarig"
    assert case.organisation.name == "Alingsås kommun"
    assert case.registered_at.year == 2017


@pytest.mark.django_db
def test_organs_have_their_codes_and_ksau_belongs_to_ks(demo):
    organs = {o.code: o for o in Organ.objects.filter(organisation__slug="alingsas")}
    assert {"KF", "KS", "KSAU", "BUN", "KFN", "SN", "ÄN", "BMN", "SBN"} <= set(organs)
    assert organs["KF"].kind == Organ.Kind.COUNCIL
    assert organs["KS"].kind == Organ.Kind.EXECUTIVE_BOARD
    assert organs["KSAU"].parent == organs["KS"]
    assert organs["SAMBRUK"].kind == Organ.Kind.EXTERNAL
    assert Organ.objects.get(name="Alingsåshem AB").kind == Organ.Kind.COMPANY


@pytest.mark.django_db
def test_the_officers_report_is_attached_as_text(demo):
    entries = selectors.document_entries(user=AnonymousUser(), case=_main_case())
    report = next(e for e in entries if (e.description or "").startswith("Tjänsteskrivelse"))
    assert report.direction == Document.Direction.DRAWN_UP
    assert str(report.document_date) == "2018-08-23"
    current = report.files[0].current
    assert current.content_type == "text/plain"
    with blob_open(DocumentFile.objects.get(pk=current.id).blob) as fh:
        text = fh.read().decode("utf-8")
    assert "Förslag till kommunstyrelsen för beslut" in text
    assert "Diariernr: 2017.676 KS" in text


@pytest.mark.django_db
def test_secret_document_is_masked_for_the_public_but_not_for_the_registrar(demo):
    case = _main_case()
    public = [e for e in selectors.document_entries(user=AnonymousUser(), case=case) if e.is_secret]
    assert len(public) == 1
    assert public[0].secrecy_ground == "OSL 18 kap. 8 §"
    assert public[0].description is None and public[0].description_masked
    assert public[0].files == []
    registrar = User.objects.get(username="registrator")
    inside = next(e for e in selectors.document_entries(user=registrar, case=case) if e.is_secret)
    assert "Säkerhetsbedömning" in inside.description


@pytest.mark.django_db
def test_private_sender_is_hidden_from_the_public(demo):
    entries = selectors.document_entries(user=AnonymousUser(), case=_main_case())
    letter = next(e for e in entries if (e.description or "").startswith("Synpunkter"))
    assert letter.counterpart is None and letter.counterpart_masked


@pytest.mark.django_db
def test_cited_decisions_are_cases_and_one_is_closed(demo):
    e_strategy = Case.objects.get(title="E-strategi för Alingsås kommun")
    assert e_strategy.status == Case.Status.CLOSED
    assert e_strategy.documents.filter(description__contains="2015-11-25 § 180").exists()
    assert Case.objects.filter(title__startswith="Flerårsstrategi 2018–2020").exists()
    assert set(Case.objects.values_list("year", flat=True)) >= {2015, 2017, 2018, 2019}


@pytest.mark.django_db
def test_demo_users_can_log_in_with_the_demo_password(demo):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(PASSWORD)
    assert User.objects.get(username="registrator").check_password(PASSWORD)
    officer = User.objects.get(username="handlaggare")
    assert officer.check_password(PASSWORD)
    assert Person.objects.get(user=officer).name == "Göran Westerlund"


@pytest.mark.django_db
def test_running_the_demo_twice_adds_nothing(demo, monkeypatch):
    models = (Case, Document, DocumentFile, Event, Organ, Person, User, RemissRound, RemissRecipient, RemissDeadline)
    before = {m.__name__: m.objects.count() for m in models}
    monkeypatch.setenv("DIARIUM_DEMO_PASSWORD", "Ett-annat-lösen-2018")
    call_command("demo", "--no-serve", verbosity=0)
    assert {m.__name__: m.objects.count() for m in models} == before
    assert User.objects.get(username="admin").check_password("Ett-annat-lösen-2018")
    assert User.objects.get(username="handlaggare").check_password("Ett-annat-lösen-2018")


@pytest.mark.django_db
def test_generated_password_is_printed_with_the_url(monkeypatch):
    monkeypatch.delenv("DIARIUM_DEMO_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    password = re.search(r"Password: (\S+)", text).group(1)
    assert User.objects.get(username="admin").check_password(password)
    assert User.objects.get(username="registrator").check_password(password)


# --- services the demo added ------------------------------------------------------------
@pytest.mark.django_db
def test_only_an_admin_adds_classifications_and_codes_are_unique(demo):
    organisation = Organisation.objects.get(slug="alingsas")
    registrar = User.objects.get(username="registrator")
    with pytest.raises(PermissionDenied):
        registry_services.classification_create(actor=registrar, organisation=organisation, code="9.9", title="X")
    admin = User.objects.get(username="admin")
    with pytest.raises(DomainError) as exc:
        registry_services.classification_create(actor=admin, organisation=organisation, code="1.2.1",
                                                title="Dubblett")
    assert "1.2.1" in exc.value.errors["code"][0]


@pytest.mark.django_db
def test_a_weak_demo_password_is_refused_with_a_message(demo):
    with pytest.raises(DomainError) as exc:
        accounts_services.user_set_password(user=User.objects.get(username="admin"), password="12345678")
    assert exc.value.errors["password"]
    assert User.objects.get(username="admin").check_password(PASSWORD)


# --- the remiss round of 2017.676 KS ---------------------------------------------------------
BOARDS = ["Barn- och ungdomsnämnden", "Kultur- och fritidsnämnden", "Socialnämnden", "Äldreomsorgsnämnden",
          "Bygg- och miljönämnden", "Samhällsbyggnadsnämnden"]
OTHERS = ["FABS AB", "Alingsåshem AB", "Alingsås Energi AB", "Alingsås och Vårgårda Räddningstjänstförbund",
          "Sambruk", "Kivos", "Internetstiftelsen i Sverige"]


def _round():
    return RemissRound.objects.get(case=_main_case())


def _local_date(value):
    return timezone.localtime(value).date()


@pytest.mark.django_db
def test_the_remiss_round_goes_to_every_board_the_companies_the_federation_and_three_organisations(demo):
    round_ = _round()
    assert round_.ordered_by == "KSAU 2018-02-28 § 8"
    assert round_.status == RemissRound.Status.CLOSED
    assert _local_date(round_.sent_at) == dt.date(2018, 3, 5)
    boards = Organ.objects.filter(organisation__slug="alingsas", kind=Organ.Kind.BOARD)
    assert sorted(boards.values_list("name", flat=True)) == sorted(BOARDS)  # every board gets it
    names = [r.name for r in round_.recipients.order_by("position")]
    assert names == BOARDS + OTHERS
    # The consulted document is the draft action plan on the case.
    consulted = round_.files.get()
    assert consulted.document.case == _main_case()
    assert consulted.document.description.startswith("Förslag till handlingsplan")
    # The dispatch is one outgoing document with the recipient list, dated the day it went.
    outgoing = {r.outgoing_document for r in round_.recipients.all()}
    assert len(outgoing) == 1 and outgoing.pop().document_date == dt.date(2018, 3, 5)


@pytest.mark.django_db
def test_every_recipient_had_its_deadline_extended_by_ksau_paragraph_53(demo):
    round_ = _round()
    assert round_.deadline == dt.date(2018, 7, 27)
    for row in remiss_selectors.recipient_rows(round_):
        history = [(d.deadline, d.decision_ref) for d in row.deadlines]
        assert history == [(dt.date(2018, 5, 31), ""), (dt.date(2018, 7, 27), "KSAU 2018-04-25 § 53")], row.recipient
        assert row.deadlines[1].reason == "så att samtliga nämnder kan fatta beslut om sitt remissvar"
        assert _local_date(row.deadlines[1].set_at) == dt.date(2018, 4, 26)
        assert row.extended


@pytest.mark.django_db
def test_the_answers_show_answered_declined_late_and_no_answer(demo):
    round_ = _round()
    rows = {row.recipient.name: row for row in remiss_selectors.recipient_rows(round_)}
    statuses = {name: row.status for name, row in rows.items()}
    assert set(statuses.values()) == {"answered", "declined", "no_answer"}
    # Every letter went out, on the historic day.
    assert {r.dispatch for r in round_.recipients.all()} == {RemissRecipient.Dispatch.SENT}
    # Most boards answered with a decision of their own.
    kfn = rows["Kultur- och fritidsnämnden"].recipient
    assert kfn.answer_decision == "Kultur- och fritidsnämnden 2018-06-12 § 45"
    assert _local_date(kfn.answered_at) == dt.date(2018, 6, 13)
    assert kfn.answer_document.document_date == dt.date(2018, 6, 13)
    answered_boards = [b for b in BOARDS if statuses[b] == "answered"]
    assert len(answered_boards) >= 4
    assert all(rows[b].recipient.answer_decision.startswith(b) for b in answered_boards)
    # One company declined.
    declined = [name for name, status in statuses.items() if status == "declined"]
    assert declined == ["Alingsås Energi AB"]
    # One external organisation answered late, within the link's grace period.
    late = [row.recipient for row in rows.values() if row.recipient.late]
    assert [r.name for r in late] == ["Kivos"]
    assert dt.date(2018, 7, 27) < _local_date(late[0].answered_at) <= dt.date(2018, 7, 27) + dt.timedelta(
        days=round_.grace_days)
    # One board and one organisation never answered.
    assert sorted(n for n, s in statuses.items() if s == "no_answer") == ["Bygg- och miljönämnden",
                                                                          "Internetstiftelsen i Sverige"]
    # Each answer is an incoming document on the case, and there is only one per recipient.
    case = _main_case()
    for row in rows.values():
        if row.recipient.answered_at:
            assert row.recipient.answer_document.case == case
            assert case.documents.filter(direction=Document.Direction.INCOMING,
                                         counterpart=row.recipient.name).count() == 1
            assert row.recipient.consideration, row.recipient.name  # and each is assessed


@pytest.mark.django_db
def test_the_compilation_and_the_revised_action_plan_are_on_the_case(demo):
    round_ = _round()
    case = _main_case()
    public = {e.id: e for e in selectors.document_entries(user=AnonymousUser(), case=case)}
    compilation = public[round_.compilation_document_id]
    assert compilation.description.startswith("Remissammanställning")
    assert compilation.direction == Document.Direction.DRAWN_UP
    assert str(compilation.document_date) == "2018-08-15"
    with blob_open(round_.compilation_document.files.get().blob) as fh:
        html = fh.read().decode("utf-8")
    for name in BOARDS + OTHERS:
        assert name in html
    assert "Kultur- och fritidsnämnden 2018-06-12 § 45" in html
    # The consulted file has a revised version, and each change names the answers behind it.
    consulted = round_.files.get()
    revised = round_.revised_file
    assert revised.document_id == consulted.document_id and revised.version == 2
    assert _local_date(revised.created_at) == dt.date(2018, 8, 17)
    rows = remiss_selectors.text_diff_rows(consulted, revised)
    assert any(tag == "insert" and right.startswith("Åtgärd 10.") for _, right, tag in rows)
    changes = list(round_.changes.all())
    assert 2 <= len(changes) <= 3
    assert all(change.recipients.exists() for change in changes)
    # The round is over before the officer's report of 2018-08-23.
    assert _local_date(round_.closed_at) == dt.date(2018, 8, 20)


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens connections like a real one
def test_a_worker_started_after_the_demo_sends_no_mail_for_the_2018_round(monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as `diarium demo` has it
    monkeypatch.setenv("DIARIUM_DEMO_PASSWORD", PASSWORD)
    call_command("demo", "--no-serve", verbosity=0)
    round_ = _round()
    assert mail.outbox == []  # loading sends nothing
    sent = {_local_date(r.sent_at) for r in round_.recipients.all()}
    assert sent == {dt.date(2018, 3, 5)}
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path="diarium.remiss.tasks.deliver")
    assert queued.count() == round_.recipients.count()  # remiss_send queued one letter each
    call_command("worker", "--batch", verbosity=0)
    assert queued.exclude(status="SUCCESSFUL").count() == 0  # the worker ran them all
    assert mail.outbox == []  # the queued letters find the round closed; no reminders either
    assert {(r.dispatch, r.reminder_count) for r in round_.recipients.all()} == {(RemissRecipient.Dispatch.SENT, 0)}
