"""The Alingsås demo as a visitor meets it after `diarium demo`."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from diarium.accounts import services as accounts_services
from diarium.accounts.models import Organ, Organisation, Person, User
from diarium.archive import selectors as archive_selectors
from diarium.archive.models import (
    DisposalItem, DisposalList, DisposalRecord, LegalHold, RecordsPlanVersion, RetentionRule,
)
from diarium.core.errors import DomainError, PermissionDenied
from diarium.decisions import selectors as decision_selectors
from diarium.decisions import services as decision_services
from diarium.decisions.events import DecisionEvent
from diarium.decisions.models import (
    AgendaItem, Assignment, Attendance, Decision, DecisionRecipient, Meeting, Membership, Minutes, OfficerReport,
    ParagraphCounter, Proposal, Signature,
)
from diarium.demo import loader
from diarium.intake.models import IntakeItem
from diarium.plans import access as plan_access
from diarium.plans import selectors as plan_selectors
from diarium.plans.events import PlanEvent
from diarium.plans.models import (
    Action, ActionBudget, ActionReport, FocusArea, FollowUpRequest, FollowUpRound, Goal, Indicator, IndicatorValue,
    PlanVersion, SteeringDocument,
)
from diarium.registry import selectors
from diarium.registry import services as registry_services
from diarium.registry.files import blob_open
from diarium.registry.models import Case, Document, DocumentFile, Event
from diarium.remiss import selectors as remiss_selectors
from diarium.remiss.models import RemissDeadline, RemissRecipient, RemissRound

from .pdf_support import blob_pdf_text

PASSWORD = "Demo-Lösen-Alingsås-2017"


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as `diarium demo` has it


def _main_case():
    return selectors.case_get_by_number(organisation=Organisation.objects.get(slug="alingsas"),
                                        diary_number="2017.676 KS")


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
    reports = [e for e in entries if (e.description or "").startswith("Tjänsteskrivelse")]
    assert len(reports) == 1  # one report, one registered document
    report = reports[0]
    assert report.direction == Document.Direction.DRAWN_UP
    assert str(report.document_date) == "2018-08-23"
    # The original text of the report is a file of the document, next to the written-out report.
    current = next(f.current for f in report.files if f.current.content_type == "text/plain")
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
    models = (Case, Document, DocumentFile, Event, Organ, Person, User, RemissRound, RemissRecipient, RemissDeadline,
              Membership, Meeting, Attendance, AgendaItem, OfficerReport, Proposal, Decision, DecisionRecipient,
              Minutes, Signature, Assignment, ParagraphCounter, SteeringDocument, PlanVersion, FocusArea, Goal,
              Indicator, Action, ActionBudget, FollowUpRound, FollowUpRequest, ActionReport, IndicatorValue,
              IntakeItem, RecordsPlanVersion, RetentionRule, LegalHold, DisposalList, DisposalItem)
    before = {m.__name__: m.objects.count() for m in models}
    monkeypatch.setenv("DIARIUM_DEMO_PASSWORD", "Ett-annat-lösen-2018")
    call_command("demo", "--no-serve", verbosity=0)
    assert {m.__name__: m.objects.count() for m in models} == before
    assert User.objects.get(username="admin").check_password("Ett-annat-lösen-2018")
    assert User.objects.get(username="handlaggare").check_password("Ett-annat-lösen-2018")


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
    html = blob_pdf_text(round_.compilation_document.files.get().blob)  # drawn up as PDF/A
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


# --- meetings, decisions, minutes and dispatch of the worked example -----------------------------
CITED = ["KF 2015-11-25 § 180", "KF 2017-12-13 § 251", "KSAU 2018-02-28 § 8", "KSAU 2018-04-25 § 53"]
COMPANIES = ["FABS AB", "Alingsåshem AB", "Alingsås Energi AB"]
VISION = "Digital målbild för Alingsås kommun – öppen och smart"
PROPOSAL_KS = (f"Handlingsplan {VISION} godkänns under förutsättning att kommunfullmäktige antar {VISION}.")
PROPOSAL_KF = f"{VISION}, antas."


def _decisions():
    return {d.reference: d for d in Decision.objects.select_related("organ", "meeting", "case")}


def _ks_and_kf():
    case = _main_case()
    return (Decision.objects.get(case=case, organ__code="KS", meeting__date__year=2018),
            Decision.objects.get(case=case, organ__code="KF"))


@pytest.mark.django_db
def test_the_decisions_the_report_cites_exist_with_their_references(demo):
    decisions = _decisions()
    assert set(CITED) <= set(decisions)
    e_strategy = decisions["KF 2015-11-25 § 180"]
    assert e_strategy.case.title == "E-strategi för Alingsås kommun"
    assert "antar e-strategi för Alingsås kommun" in e_strategy.text
    strategy = decisions["KF 2017-12-13 § 251"]
    assert strategy.case.title == "Flerårsstrategi 2018–2020 för Alingsås kommun"
    assert "Flerårsstrategi 2018–2020" in strategy.text and "skyndsamt" in strategy.text
    remiss = decisions["KSAU 2018-02-28 § 8"]
    assert remiss.case == _main_case()
    assert "remitteras till samtliga nämnder och kommunala bolag" in remiss.text
    assert "Internetstiftelsen i Sverige" in remiss.text
    extension = decisions["KSAU 2018-04-25 § 53"]
    assert extension.case == _main_case()
    assert "till och med den 27 juli 2018" in extension.text
    # All minutes are adjusted, so the public reads every decision; each says what is example data.
    for decision in decisions.values():
        assert decision_selectors.decision_get(user=AnonymousUser(), pk=decision.pk) == decision
        assert decision.meeting.status == Meeting.Status.ADJUSTED
        assert any("Exempeldata" in note.text for note in decision.notes.all()), decision.reference
    # The remiss round was ordered by KSAU § 8 and extended by KSAU § 53, and fits their dates.
    round_ = _round()
    assert round_.ordered_by == remiss.reference
    assert remiss.meeting.date <= _local_date(round_.created_at)
    assert {d.decision_ref for d in RemissDeadline.objects.filter(recipient__round=round_).exclude(decision_ref="")} \
        == {extension.reference}
    assert round_.deadline == dt.date(2018, 7, 27)
    # References resolve to links: the round's "beslut om remiss" and the KS decision's text.
    html = decision_selectors.linked_text(round_.ordered_by, organisation_id=round_.organisation_id)
    assert f'<a href="{remiss.get_absolute_url()}">KSAU 2018-02-28 § 8</a>' == html
    ks, _ = _ks_and_kf()
    assert sorted(d.reference for d in ks.references.all()) == sorted(CITED)


@pytest.mark.django_db
def test_meetings_have_members_chairs_adjusters_and_paragraphs_per_organ_and_year(demo):
    meetings = {f"{m.organ.code} {m.date:%Y-%m-%d}": m for m in Meeting.objects.select_related("organ", "chair")}
    assert {"KF 2015-11-25", "KF 2017-12-13", "KSAU 2018-02-28", "KSAU 2018-04-25"} <= set(meetings)
    for meeting in meetings.values():
        roles = set(meeting.attendance.values_list("role", flat=True))
        assert {Membership.Role.CHAIR, Membership.Role.MEMBER} <= roles, meeting
        assert meeting.chair is not None and meeting.adjusters.exists()
        if meeting.date > timezone.localdate():  # the meeting to come: its notice is out
            assert meeting.status == Meeting.Status.NOTICE_PUBLISHED
            continue
        # Substitutes attend but take part in a decision only when serving for a member.
        for decision in meeting.decisions.all():
            participants = set(decision.participants.all())
            assert meeting.chair in participants
            serving = {c.substitute for c in decision.agenda_item.conflicts.all()} if decision.agenda_item else set()
            idle = {a.person for a in meeting.attendance.filter(role=Membership.Role.SUBSTITUTE,
                                                                replaces__isnull=True)} - serving
            assert not participants & idle
        minutes = meeting.minutes
        assert minutes.adjusted and minutes.blob_id
        assert minutes.appeal_ends_on == minutes.posted_on + dt.timedelta(days=21)
        assert meeting.date < _local_date(minutes.adjusted_at) <= meeting.date + dt.timedelta(days=5)
        signed = set(minutes.signatures.values_list("person_id", "role"))
        assert signed == {(meeting.chair_id, Signature.Role.CHAIR)} | {
            (pk, Signature.Role.ADJUSTER) for pk in meeting.adjusters.values_list("pk", flat=True)}
    # Members come from memberships with periods: the council elected in 2018 has another chair.
    assert meetings["KF 2017-12-13"].chair != meetings["KF 2018-10-31"].chair
    assert Membership.objects.filter(person__title__contains="exempeldata").count() == Membership.objects.count()
    # Paragraphs are counted per organ and year, and the counters stand where the demo left them.
    ks, kf = _ks_and_kf()
    counters = {(c.organ.code, c.year): c.last for c in ParagraphCounter.objects.select_related("organ")
                if c.organ.organisation_id == ks.organisation_id}  # Alingsås' (Vårgårda's: test_sites_demo)
    held = timezone.localdate() - dt.timedelta(days=7)  # the present: three decisions a week ago
    assert counters == {("KF", 2015): 180, ("KF", 2017): 251, ("KSAU", 2018): 53, ("KS", 2018): ks.paragraph,
                        ("KF", 2018): kf.paragraph, ("KS", 2020): 38, ("KS", 2021): 29, ("KS", held.year): 3}


@pytest.mark.django_db
def test_the_officers_report_is_written_with_the_facts_of_the_report(demo):
    case = _main_case()
    report = OfficerReport.objects.get(case=case)
    assert report.title == "Digital målbild för Alingsås kommun – öppen och smart samt tillhörande handlingsplan"
    assert report.addressed_to.name == "Kommunstyrelsen"
    assert report.office == "Kommunledningskontoret"
    assert report.report_date == dt.date(2018, 8, 23)
    assert report.background.startswith("Kommunfullmäktige antog den 25 november 2015, § 180 e-strategi")
    assert "den 25 april, § 53 att remisstiden förlängs till och med den 27 juli 2018" in report.background
    assert report.opinion.startswith("Kommunfullmäktige har beslutat om ett framtagande av ett strategiskt dokument")
    assert report.opinion.endswith("Processägare för planen är kommundirektören och utfallet redovisas årligen "
                                   "till kommunstyrelsen.")
    assert report.dispatch_to.splitlines() == ["Samtliga nämnder", *COMPANIES]
    assert report.signatories == [{"name": "Anneli Schwartz", "title": "Tf. Kommundirektör"},
                                  {"name": "Göran Westerlund", "title": "Digitaliseringsansvarig"}]
    proposals = [(p.organ.code, p.text, p.condition_organ.code if p.condition_organ else None)
                 for p in report.proposals.select_related("organ", "condition_organ")]
    assert proposals == [("KS", PROPOSAL_KS, "KF"), ("KF", PROPOSAL_KF, None)]
    # The report is a document on the case: the written-out report and the original text.
    document = report.document
    assert document.case == case and document.direction == Document.Direction.DRAWN_UP
    assert document.document_date == dt.date(2018, 8, 23)
    # The drawn-up report is registered as PDF/A (issue 8; see tests/test_documents_pdf.py).
    assert sorted(document.files.values_list("filename", flat=True)) == ["tjansteskrivelse-2017-676-KS.txt",
                                                                          "tjansteskrivelse.pdf"]
    # It went with the proposal to the KS agenda.
    ks, _ = _ks_and_kf()
    assert document in ks.agenda_item.supporting_documents.all()
    assert ks.proposal.report == report


@pytest.mark.django_db
def test_ks_approves_the_plan_on_condition_and_it_takes_effect_when_kf_adopts_the_vision(demo):
    ks, kf = _ks_and_kf()
    assert ks.meeting.date.year == 2018 and ks.meeting.date.month in (9, 10, 11)
    assert dt.timedelta(weeks=2) <= kf.meeting.date - ks.meeting.date <= dt.timedelta(weeks=10)
    assert PROPOSAL_KS in ks.text and PROPOSAL_KF in ks.text
    assert kf.text.startswith(PROPOSAL_KF)
    # Conditional on KF, effective through the KF decision, automatically when it was recorded.
    assert ks.condition_organ.code == "KF"
    assert ks.status == Decision.Status.EFFECTIVE
    assert ks.condition_decision == kf
    assert ks.status_changed_at == kf.recorded_at
    assert Event.objects.filter(case=ks.case, kind=DecisionEvent.DECISION_EFFECTIVE, data__decision=ks.pk).exists()
    # KS carried the proposal forward to KF: the chain on the case goes KSAU → KS → KF, and then
    # KS receives the yearly follow-ups of the action plan.
    assert kf.proposal.from_decision == ks and kf.proposal.organ.code == "KF"
    chain = [step.organ.code for step in decision_selectors.case_chain(user=AnonymousUser(), case=ks.case)
             if step.kind == "decision"]
    assert chain == ["KSAU", "KSAU", "KS", "KF", "KS", "KS"]


@pytest.mark.django_db
def test_the_decision_is_dispatched_to_every_board_fabs_alingsashem_and_alingsas_energi(demo):
    ks, kf = _ks_and_kf()
    boards = list(Organ.objects.filter(organisation__slug="alingsas", kind=Organ.Kind.BOARD))
    public = {e.id: e for e in selectors.document_entries(user=AnonymousUser(), case=_main_case())}
    for decision in (ks, kf):
        recipients = list(decision.recipients.select_related("organ", "excerpt_document"))
        assert [r.name for r in recipients] == BOARDS + COMPANIES
        assert {r.organ for r in recipients} >= set(boards)
        assert all(r.email == r.organ.email and r.email.endswith(".example") for r in recipients)
        assert {r.state for r in recipients} == {DecisionRecipient.State.SENT}
        # Dispatched after the KF decision and its adjusted minutes, on the historic day.
        assert {_local_date(r.sent_at) for r in recipients} == {dt.date(2018, 11, 5)}
        # One minutes excerpt, an outgoing document on 2017.676 KS that the public can see.
        excerpts = {r.excerpt_document for r in recipients}
        assert len(excerpts) == 1
        excerpt = excerpts.pop()
        assert excerpt.case == _main_case() and excerpt.direction == Document.Direction.OUTGOING
        assert excerpt.description.startswith(f"Protokollsutdrag {decision.reference}")
        assert excerpt.document_date == dt.date(2018, 11, 5)
        assert excerpt.pk in public
        html = blob_pdf_text(excerpt.files.get().blob)  # drawn up as PDF/A
        assert all(name in html for name in BOARDS + COMPANIES)


@pytest.mark.django_db
def test_the_assignment_of_kf_251_to_ks_is_answered_by_2017_676(demo):
    decision = _decisions()["KF 2017-12-13 § 251"]
    assignment = Assignment.objects.get(decision=decision)
    assert assignment.organ.code == "KS"
    assert "skyndsamt" in assignment.description and "digital enhet" in assignment.description
    assert assignment.answering_case == _main_case()
    assert decision_selectors.assignments_answered_by(_main_case()) == [assignment]
    assert assignment in decision_selectors.open_assignments(organ=assignment.organ)
    linked = Event.objects.get(case=_main_case(), kind=DecisionEvent.ASSIGNMENT_LINKED)
    assert _local_date(linked.at) == dt.date(2017, 12, 18)


@pytest.mark.django_db
def test_the_history_of_meetings_and_decisions_is_dated_when_it_happened(demo):
    kinds = [DecisionEvent.AGENDA_ITEM_ADDED, DecisionEvent.DECISION_RECORDED, DecisionEvent.DECISION_EFFECTIVE,
             DecisionEvent.MINUTES_ADJUSTED, DecisionEvent.DECISION_DISPATCHED, DecisionEvent.ASSIGNMENT_LINKED]
    events = Event.objects.filter(kind__in=kinds)
    assert events.count() >= 20
    today = timezone.localdate()
    present = {(today + dt.timedelta(days=d)).year for d in range(-40, 1)}  # the present around the story
    assert {timezone.localtime(e.at).year for e in events} <= {2015, 2017, 2018, 2020, 2021} | present
    assert all(timezone.localtime(e.at).date() <= today for e in events)  # nothing is dated in the future
    # Documents on each case are numbered in the order they were registered.
    for case in Case.objects.all():
        registered = list(case.documents.order_by("number").values_list("registered_at", flat=True))
        assert registered == sorted(registered), case.diary_number


@pytest.mark.django_db
def test_paragraph_counters_only_move_forward_and_only_an_admin_moves_them(demo):
    ks = Organ.objects.get(organisation__slug="alingsas", code="KS")
    admin, registrar = User.objects.get(username="admin"), User.objects.get(username="registrator")
    with pytest.raises(PermissionDenied):
        decision_services.paragraph_counter_set(actor=registrar, organ=ks, year=2019, last=10)
    with pytest.raises(DomainError) as exc:
        decision_services.paragraph_counter_set(actor=admin, organ=ks, year=2018, last=100)
    assert exc.value.errors["last"]
    assert decision_services.paragraph_counter_set(actor=admin, organ=ks, year=2019, last=10).last == 10


# --- the vision, the action plan and its yearly follow-ups (issue 6) ----------------------------------
ACTION_PLAN = f"Handlingsplan {VISION}"
FOCUS_AREAS = ["Öppna data och transparens", "Digitala e-tjänster för invånare och företag",
               "Smart verksamhetsutveckling", "Digital kompetens", "Infrastruktur och informationssäkerhet"]


def _plans():
    case = _main_case()
    return (SteeringDocument.objects.get(case=case, kind=SteeringDocument.Kind.VISION),
            SteeringDocument.objects.get(case=case, kind=SteeringDocument.Kind.ACTION_PLAN))


def _actions(plan):
    return list(Action.objects.filter(goal__focus_area__document=plan).select_related(
        "responsible_organ", "responsible_person", "responsible_person__user"))


@pytest.mark.django_db
def test_the_vision_and_the_action_plan_are_on_2017_676_adopted_by_ks_160_and_kf_190(demo):
    vision, plan = _plans()
    assert vision.title == VISION and plan.title == ACTION_PLAN
    assert plan.parent == vision
    for document in (vision, plan):
        assert (document.period_start, document.period_end) == (2019, 2021)
        assert document.status == SteeringDocument.Status.ADOPTED
        assert document.process_owner.name == "Anneli Schwartz" and document.process_owner_role == "Kommundirektör"
    assert vision.owner_organ.code == "KF" and plan.owner_organ.code == "KS"
    assert plan.weighting == SteeringDocument.Weighting.BUDGET and plan.follow_up_months == 12
    assert "Exempeldata" in plan.description
    # KF § 190 adopted the vision; KS § 160 approved the plan (version 1), and KS § 38 of 2020
    # the re-budgeted version 2. Every version is kept, dated the day of its decision.
    (v,) = plan_selectors.versions(vision)
    assert v.adopted_by_decision.reference == "KF 2018-10-31 § 190" == vision.adopted_by.reference
    assert _local_date(v.adopted_at) == dt.date(2018, 10, 31)
    first, second = plan_selectors.versions(plan)
    assert (first.number, first.adopted_by_decision.reference) == (1, "KS 2018-09-24 § 160")
    assert _local_date(first.adopted_at) == dt.date(2018, 9, 24)
    assert (second.number, second.adopted_by_decision.reference) == (2, "KS 2020-03-02 § 38")
    assert plan.adopted_by == second.adopted_by_decision
    changes = plan_selectors.diff(first.snapshot, second.snapshot)
    assert {c.kind for c in changes} <= {"rebudgeted", "changed"}
    rebudgeted = {c.title for c in changes if c.kind == "rebudgeted"}
    assert rebudgeted == {"Bygg ut bredband till hela kommunen",
                          "Inför en gemensam e-tjänsteplattform med inloggning med e-legitimation"}
    assert any("2021 investering: 2 500 000 → 3 500 000 kr" in re.sub(r"\s", " ", c.details) for c in changes)
    # The adoptions are in the case's history on their days.
    adopted = Event.objects.filter(case=plan.case, kind=PlanEvent.PLAN_ADOPTED)
    assert sorted(_local_date(e.at) for e in adopted) == [dt.date(2018, 9, 24), dt.date(2018, 10, 31),
                                                          dt.date(2020, 3, 2)]


@pytest.mark.django_db
def test_the_action_plan_has_focus_areas_goals_indicators_and_ten_actions_with_budgets(demo):
    vision, plan = _plans()
    assert [a.title for a in plan.focus_areas.all()] == FOCUS_AREAS
    assert [a.title for a in vision.focus_areas.all()] == FOCUS_AREAS
    indicators = Indicator.objects.filter(goal__focus_area__document=plan)
    assert indicators.count() >= 5
    for goal in Goal.objects.filter(focus_area__document=plan):
        assert goal.indicators.exists() and goal.actions.exists(), goal
    for indicator in indicators:
        assert indicator.unit and indicator.baseline is not None and indicator.baseline_year == 2018
        assert set(indicator.targets) == {"2019", "2020", "2021"}
    actions = _actions(plan)
    assert len(actions) == 10
    # The actions are those of the revised action plan on the case.
    revised = " ".join(loader.ACTION_PLAN_REVISED.split())
    drift = investment = 0
    for action in actions:
        assert action.title in revised, action.title
        assert action.responsible_organ and action.responsible_person and action.start < action.end
        assert action.funding_source == "Flerårsstrategi 2018–2020"
        budgets = list(action.budgets.all())
        assert budgets and {b.year for b in budgets} <= {2019, 2020, 2021}
        assert sum(b.operating + b.investment for b in budgets) > 0
        drift += sum(b.operating for b in budgets)
        investment += sum(b.investment for b in budgets)
    assert drift > 0 and investment > 0
    assert sum(1 for a in actions if a.budgets.filter(operating__gt=0, investment__gt=0).exists()) >= 8
    assert {a.responsible_organ.code for a in actions} >= {"KS", "BMN", "KFN", "ÄN"}
    # The demo's case officer is responsible for actions and can answer with his login.
    officer = User.objects.get(username="handlaggare")
    assert any(a.responsible_person.user == officer for a in actions)


def _rounds(plan):
    return list(plan.follow_ups.order_by("year"))


@pytest.mark.django_db
def test_two_yearly_follow_ups_record_progress_money_and_indicator_values(demo):
    _, plan = _plans()
    rounds = _rounds(plan)
    assert [(r.year, r.kind, r.status) for r in rounds] == [
        (2019, FollowUpRound.Kind.YEARLY, FollowUpRound.Status.CLOSED),
        (2020, FollowUpRound.Kind.YEARLY, FollowUpRound.Status.CLOSED)]
    actions = _actions(plan)
    indicators = Indicator.objects.filter(goal__focus_area__document=plan).count()
    for round_ in rounds:
        assert round_.deadline.year == round_.year + 1 and round_.deadline.month <= 2
        assert _local_date(round_.created_at).year == round_.year + 1
        reports = list(round_.action_reports.all())
        assert {r.action_id for r in reports} == {a.pk for a in actions}  # every action reported
        assert all(_local_date(r.answered_at).year == round_.year + 1 and r.answered_by_name for r in reports)
        assert sum(r.used_operating for r in reports) > 0 and sum(r.used_investment for r in reports) > 0
        assert all(0 <= r.progress <= 100 for r in reports)
        assert round_.indicator_values.count() == indicators
        # Everyone asked was asked on the historic day and has answered.
        assert all(r.sent_at and r.answered_at for r in round_.requests.all())
    statuses_2020 = [r.status for r in rounds[1].action_reports.all()]
    assert statuses_2020.count(ActionReport.Status.POSTPONED) == 1
    assert statuses_2020.count(ActionReport.Status.CANCELLED) == 1
    late = ActionReport.objects.filter(round__document=plan, late=True)
    assert late.count() == 1 and _local_date(late.get().answered_at) > late.get().round.deadline
    # Those with a login answered themselves; the others' answers were recorded by the case officer.
    assert {r.answered_by_name for r in rounds[0].action_reports.all()} >= {"Göran Westerlund", "Eva Lundqvist"}
    # The roll-up: plan progress weighted by budget, the cancelled action left out; money per year.
    report = plan_selectors.follow_up_report_data(rounds[1])
    assert report.rollup.weighting == SteeringDocument.Weighting.BUDGET
    assert report.rollup.cancelled == 1 and report.rollup.unreported == 0
    assert 0 < report.rollup.progress < 100
    assert report.late == [] and report.unanswered == []
    money = {row.year: row for row in report.money}
    assert money[2019].used_operating and money[2020].used_investment and money[2021].used_operating is None
    assert all(row.points[0][1] is not None and row.points[1][1] is not None for row in report.indicators)


@pytest.mark.django_db
def test_each_yearly_report_is_a_document_on_the_case_and_goes_to_ks(demo):
    _, plan = _plans()
    case = _main_case()
    public = {e.id: e for e in selectors.document_entries(user=AnonymousUser(), case=case)}
    decisions = _decisions()
    for round_, drawn_up, reference in zip(_rounds(plan), (dt.date(2020, 2, 6), dt.date(2021, 2, 3)),
                                           ("KS 2020-03-02 § 38", "KS 2021-03-01 § 29")):
        document = round_.report_document
        assert document.case == case and document.direction == Document.Direction.DRAWN_UP
        assert document.description.startswith(f"Uppföljningsrapport {round_.year}")
        assert document.document_date == drawn_up and document.pk in public
        html = blob_pdf_text(document.files.get().blob)  # drawn up as PDF/A
        assert ACTION_PLAN in html and "Bygg ut bredband till hela kommunen" in html
        assert "Två säkerhetsincidenter" not in html  # a comment marked internal stays inside
        # In one step onto the KS agenda, where KS decided on it.
        item = AgendaItem.objects.get(supporting_documents=document)
        assert item.meeting.organ.code == "KS" and item.meeting.date.year == round_.year + 1
        assert item.meeting.date > drawn_up
        decision = decisions[reference]
        assert decision.agenda_item == item and decision.case == case
        assert f"uppföljningen {round_.year}" in decision.text
        assert item.meeting.status == Meeting.Status.ADJUSTED


@pytest.mark.django_db
def test_the_public_reads_the_adopted_plan_without_internal_notes(demo):
    vision, plan = _plans()
    anonymous = AnonymousUser()
    assert plan_access.plan_visible(anonymous, vision) and plan_access.plan_visible(anonymous, plan)
    assert {d.pk for d in plan_selectors.plan_list(user=anonymous)} >= {vision.pk, plan.pk}
    data, working = plan_selectors.plan_data_for(anonymous, plan)
    assert not working and data == plan_selectors.latest_version(plan).snapshot
    assert len(plan_selectors.actions_of(data)) == 10
    assert Action.objects.filter(goal__focus_area__document=plan).exclude(internal_note="").exists()
    assert "säkerhetsbedömningen på ärendet" not in str(data)
    overview = plan_selectors.plan_overview(user=anonymous, document=plan)
    assert [r.year for r in overview.rounds] == [2019, 2020]
    comments = [a.comment for g in overview.rollup.goals for a in g.actions]
    assert not any("säkerhetsincidenter" in c for c in comments)
    officer = User.objects.get(username="handlaggare")
    inside = plan_selectors.plan_overview(user=officer, document=plan)
    assert any("säkerhetsincidenter" in a.comment for g in inside.rollup.goals for a in g.actions)


@pytest.mark.django_db
def test_the_history_of_the_plans_is_dated_when_it_happened(demo):
    kinds = [PlanEvent.PLAN_CHANGED, PlanEvent.PLAN_ADOPTED, PlanEvent.FOLLOW_UP_OPENED,
             PlanEvent.FOLLOW_UP_ANSWERED]
    events = Event.objects.filter(case=_main_case(), kind__in=kinds)
    assert events.count() >= 50
    assert {timezone.localtime(e.at).year for e in events} == {2018, 2020, 2021}


# --- the present, around the historic story (issue 19) ------------------------------------------------------
@pytest.mark.django_db
def test_the_demo_lives_in_the_present_with_a_posted_meeting_and_a_coming_one(demo, client):
    from django.urls import reverse

    from tests.pdf_support import pdf_text

    today = timezone.localdate()
    ks = Organ.objects.get(organisation__slug="alingsas", code="KS")
    coming = Meeting.objects.get(organ=ks, date=today + dt.timedelta(days=12))
    assert coming.status == Meeting.Status.NOTICE_PUBLISHED and coming.chair.name == "Mats Engström"
    assert coming.attendance.filter(role="substitute").count() == 2 and coming.items.count() == 2
    held = Meeting.objects.get(organ=ks, date=today - dt.timedelta(days=7))
    minutes = Minutes.objects.get(meeting=held)
    assert minutes.posted_on <= today <= minutes.appeal_ends_on  # the appeal period runs now

    board = client.get(reverse("decisions:notice_board")).content.decode()
    assert reverse("decisions:minutes", args=[held.pk]) in board
    page = client.get(reverse("decisions:meeting_detail", args=[coming.pk])).content.decode()
    assert reverse("decisions:meeting_document", args=[coming.pk, "kallelse"]) in page
    text = pdf_text(b"".join(client.get(reverse("decisions:meeting_document",
                                                args=[held.pk, "protokoll"])).streaming_content))
    assert "Jonas Berg (tjänstgör för Erik Dahl)" in text
    assert "Anders Wikström anmäler jäv och deltar inte i handläggningen av ärendet. Ulla Persson tjänstgör i " \
           "stället för Anders Wikström." in text
    flat = " ".join(text.split())  # the open vote on the citizen proposal, and the reservations of those who lost
    assert "Karin Sandberg: Medborgarförslaget avslås." in flat
    assert "Resultat: 4 ja, 2 nej, 1 avstår. Yrkande 1 har bifallits." in flat
    assert "Karin Sandberg reserverar sig mot beslutet till förmån för eget yrkande." in flat
    assert "Mats Engström reserverar sig mot beslutet till förmån för yrkandet: Medborgarförslaget avslås." in flat
    # The chair and the adjuster adjusted them with their own logins; the member reads her meetings.
    assert sorted(minutes.signatures.values_list("person__name", "method")) == [
        ("Karin Sandberg", "login"), ("Mats Engström", "login")]
    assert minutes.posting_blob_id is not None
    client.force_login(User.objects.get(username="ledamot"))
    mine = client.get(reverse("decisions:my_meetings")).content.decode()
    assert f"Kommunstyrelsen {coming.date:%Y-%m-%d}" in mine and f"Kommunstyrelsen {held.date:%Y-%m-%d}" in mine
    client.logout()
    members = client.get(reverse("decisions:organ_members", args=[ks.pk])).content.decode()
    assert members.index("Jonas Berg") < members.index("Ulla Persson") and "Elin Johansson" not in board


@pytest.mark.django_db
def test_the_registrars_inbox_holds_the_last_days_e_mails(demo):
    from diarium.intake import selectors as intake_selectors

    registrar = User.objects.get(username="registrator")
    organisation = Organisation.objects.get(slug="alingsas")
    items = list(intake_selectors.inbox(user=registrar, organisation_id=organisation.pk))
    assert [i.subject for i in items] == ["Veckans erbjudande: 30 % på pappersvaror",
                                          "Komplettering till ansökan om markanvisning, kvarteret Lärkan",
                                          "Synpunkt på laddstolparna vid Stadshuset"]
    assert timezone.localtime(items[0].received_at).date() == timezone.localdate()  # in the present
    assert items[1].attachments[0]["name"] == "Reviderad tidplan.txt"
    with pytest.raises(PermissionDenied):  # the case officer does not read the registrar's inbox
        intake_selectors.inbox(user=User.objects.get(username="handlaggare"), organisation_id=organisation.pk)


def test_the_case_officers_desk_holds_his_cases_due_dates_and_a_request_to_handle(demo, client):
    from diarium.desk import selectors as desk_selectors

    officer = User.objects.get(username="handlaggare")
    desk = desk_selectors.desk(user=officer)
    assert {c.title for c in desk.cases.rows} >= {"Markanvisning för kvarteret Lärkan",
                                                  "Medborgarförslag om laddstolpar vid Stadshuset"}
    today = timezone.localdate()
    assert desk.due_dates.count == 3 and desk.overdue == 1  # one was due two days ago
    assert [r.document.description for r in desk.copy_requests.rows] == ["Ansökan om markanvisning för kvarteret Lärkan"]
    assert timezone.localtime(desk.copy_requests.rows[0].received_at).date() == today - dt.timedelta(days=1)
    client.force_login(officer)
    page = client.get("/skrivbord/").content.decode()
    assert "Komplettering av ansökan om markanvisning ska ha kommit in" in page and "Försenad" in page


@pytest.mark.django_db
def test_the_demo_case_2017_676_ks_exports_as_a_valid_e_archive_package(demo, tmp_path):
    """Issue 22: the demo's main case as an E-ARK SIP (tests/test_archive_export.py has the rest); here,
    where the demo is loaded already."""
    import io

    from lxml import etree

    from diarium.archive.sip.erms import ERMS_NS, EXTENSION_NS
    from diarium.archive.sip.validate import package_report

    out = io.StringIO()
    call_command("archive", "export", "--case", "2017.676 KS", "--organisation", "alingsas", "--out", str(tmp_path),
                 stdout=out)
    package = tmp_path / "alingsas_2017.676_KS"
    assert f"Skrev {package} (2017.676 KS)" in out.getvalue()
    report = package_report(package)
    assert report.problems == []
    ns = {"e": ERMS_NS, "d": EXTENSION_NS}
    erms = etree.parse(str(package / "metadata/descriptive/erms.xml"))
    case = _main_case()
    assert erms.findtext(".//e:aggregation/e:title", namespaces=ns) == case.title
    decisions = {(d.get("organ"), d.get("paragraph")) for d in erms.iterfind(".//d:decision", ns)}
    assert decisions == {(d.organ.code, str(d.paragraph)) for d in Decision.objects.filter(case=case)}
    assert len(erms.findall(".//d:remiss/d:recipient", ns)) == RemissRecipient.objects.filter(round__case=case).count()
    secret = Document.objects.filter(case=case, is_secret=True)
    assert len(erms.findall(".//e:record/e:restriction[@restrictionType='confidential']", ns)) == secret.count()
    assert len(erms.findall(".//e:record", ns)) == Document.objects.filter(case=case).count()


# --- the records plan, a legal hold and a disposal list in the present (issue 22) ---------------------------
RECEIPT = "Mottagningsbekräftelse: remissvaret har kommit in till kommunstyrelsen (exempeldata)"
INVITATION = "Inbjudan till Sambruks konferens om e-strategier i kommunerna (exempeldata)"


def _organisation():
    return Organisation.objects.get(slug="alingsas")


def _registrar_client(client):
    client.force_login(User.objects.get(username="registrator"))
    return client


@pytest.mark.django_db
def test_the_records_plan_in_force_is_adopted_by_a_paragraph_of_the_meeting_held_a_week_ago(demo, client):
    from django.urls import reverse

    today = timezone.localdate()
    case = Case.objects.select_related("classification", "organ").get(
        title="Dokumenthanteringsplan för kommunstyrelsen")
    decision = Decision.objects.select_related("meeting__minutes").get(case=case)
    assert (case.organ.code, case.classification.code) == ("KS", "1.2.1")
    assert decision.meeting.date == today - dt.timedelta(days=7) and decision.paragraph == 3
    version = archive_selectors.version_in_force(organisation_id=_organisation().pk)
    assert (version.number, version.status, version.decision_id) == (1, RecordsPlanVersion.Status.ADOPTED,
                                                                     decision.pk)
    # In force from the day after the minutes were adjusted, as the decision says: before today.
    adjusted = timezone.localdate(decision.meeting.minutes.adjusted_at)
    assert version.effective_from == adjusted + dt.timedelta(days=1) < today
    assert "dagen efter att protokollet har justerats" in decision.text
    rules = {(r.classification.code, r.document_type.name if r.document_type else "", r.applies_to): r
             for r in archive_selectors.rules(version)}
    assert {key: (r.action, r.years, r.counted_from) for key, r in rules.items() if key[0] in ("1.2.1", "1.3.1")} == {
        ("1.2.1", "", "all"): ("keep", 0, ""),
        ("1.2.1", "Inbjudan", "all"): ("dispose", 2, "decision"),
        ("1.2.1", "", "secret"): ("dispose", 10, "case_closed"),
        ("1.3.1", "Remissvar", "all"): ("keep", 0, ""),
        ("1.3.1", "Mottagningsbekräftelse", "all"): ("dispose", 2, "registered"),
    }
    assert all(r.form and r.legal_ground for r in rules.values())
    adopted_by = f"KS {decision.meeting.date:%Y-%m-%d} § 3, ärende {case.diary_number}"
    assert version.decision_text == adopted_by
    assert Event.objects.filter(case=case, kind="records_plan_adopted", data__decision=adopted_by).exists()
    # The demo registrar reads it on the archive's start page and the plan's page.
    _registrar_client(client)
    page = client.get(reverse("archive:index")).content.decode()
    assert "Version 1 gäller." in page
    assert f"Antagen genom {adopted_by}, gäller från {version.effective_from:%Y-%m-%d}." in page
    assert reverse("decisions:decision_detail", args=[decision.pk]) in page
    plan = client.get(reverse("archive:plan")).content.decode()
    assert "Gallras 2 år efter att handlingen registrerades" in plan
    assert "elektroniskt, PDF/A" in plan and "Arkivlagen 10 §; Riksarkivets föreskrifter" in plan
    assert "Sekretessmarkerade handlingar" in plan


@pytest.mark.django_db
def test_archive_due_lists_the_receipt_and_the_held_invitation_of_the_closed_historic_cases(demo):
    import io

    receipt = Document.objects.select_related("case").get(description=RECEIPT)
    invitation = Document.objects.select_related("case").get(description=INVITATION)
    assert receipt.case.status == invitation.case.status == Case.Status.CLOSED
    out = io.StringIO()
    call_command("archive", "due", "--organisation", "alingsas", stdout=out)
    text = out.getvalue()
    today = timezone.localdate()
    assert f"Alingsås kommun: gallringsbart {today:%Y-%m-%d} enligt dokumenthanteringsplanen version 1" in text
    lines = {line.split("\t")[0].strip(): line for line in text.splitlines() if "\t" in line}
    assert set(lines) == {receipt.reference, invitation.reference}  # nothing kept, nothing of an open case
    assert "\tMottagningsbekräftelse\t" in lines[receipt.reference]
    assert "gallringsbar från 2020-06-14" in lines[receipt.reference]  # 2 years after it was registered
    assert "finns på en gallringsförteckning" in lines[receipt.reference]
    assert "\t1 fil, 142\xa0byte\t" in lines[receipt.reference]  # one file, in the singular
    assert "gallringsbar från 2017-11-25" in lines[invitation.reference]  # 2 years after KF 2015-11-25 § 180
    assert "SPÄRRAD: ärendet har en gallringsspärr" in lines[invitation.reference]
    assert "Gallras 2 år efter att handlingen registrerades" in text and "2 handlingar." in text


@pytest.mark.django_db
def test_the_disposal_list_drawn_up_from_what_is_due_waits_for_a_decision(demo, client):
    from django.urls import reverse

    (disposal_list,) = DisposalList.objects.filter(organisation=_organisation())
    assert disposal_list.status == DisposalList.Status.DRAWN_UP and disposal_list.decision_id is None
    assert disposal_list.as_of == timezone.localdate() and disposal_list.plan_version.number == 1
    # The held invitation stays off it; the receipt waits there, its file still stored.
    receipt = Document.objects.get(description=RECEIPT)
    assert [item.document_id for item in disposal_list.items.all()] == [receipt.pk]
    assert DisposalRecord.objects.count() == 0 and receipt.files.count() == 1
    _registrar_client(client)
    index = client.get(reverse("archive:index")).content.decode()
    assert "Förteckning 1</a>: Upprättad, 1 handling" in index
    page = client.get(reverse("archive:list_detail", args=[disposal_list.pk])).content.decode()
    assert "Besluta gallringen" in page and "Besluta förteckningen" in page
    assert receipt.reference in page and Document.objects.get(description=INVITATION).reference not in page


@pytest.mark.django_db
def test_a_legal_hold_on_the_e_strategy_case_is_listed(demo, client):
    from django.urls import reverse

    hold = LegalHold.objects.select_related("case").get(organisation=_organisation())
    assert hold.case.diary_number == "2015.412 KS" and hold.lifted_at is None
    assert hold.reason.startswith("Begäran från Förvaltningsrätten i Göteborg")
    assert hold.placed_by_name == "Eva Lundqvist"
    assert Event.objects.filter(case=hold.case, kind="legal_hold_placed").exists()
    _registrar_client(client)
    index = client.get(reverse("archive:index")).content.decode()
    assert "Gallringsspärrar som gäller" in index and ">2015.412 KS</a>" in index
    page = client.get(reverse("archive:holds")).content.decode()
    assert ">2015.412 KS</a>" in page and "Begäran från Förvaltningsrätten i Göteborg" in page
    # The archive is the registrar's: the case officer does not reach it.
    client.force_login(User.objects.get(username="handlaggare"))
    assert client.get(reverse("archive:holds")).status_code == 403


@pytest.mark.django_db
def test_vargarda_has_its_own_site_beside_alingsas(demo, client):
    """Issue 25: a second municipality with its own host, organs, cases and a posted meeting."""
    vargarda = Organisation.objects.get(slug="vargarda")
    assert vargarda.host == "vargarda.localhost" and _organisation().host == "alingsas.localhost"
    assert set(Organ.objects.filter(organisation=vargarda).values_list("code", "kind")) == {
        ("KF", Organ.Kind.COUNCIL), ("KS", Organ.Kind.EXECUTIVE_BOARD)}
    cases = Case.objects.filter(organisation=vargarda)
    assert cases.count() == 4 and all(c.documents.exists() for c in cases)
    held = Meeting.objects.get(organisation=vargarda)
    assert held.minutes.adjusted and held.date == timezone.localdate() - dt.timedelta(days=10)
    assert Decision.objects.get(meeting=held).case.title == "Medborgarförslag om utegym vid Kesberget"
    page = client.get("/arenden/", HTTP_HOST="vargarda.localhost:8000").content.decode()
    assert "Medborgarförslag om utegym vid Kesberget" in page and "Digital målbild" not in page
    assert "Vårgårda kommun" in page and "kommun@vargarda.example" in page
    # The notice board: Vårgårda's posted minutes there, Alingsås' only on its own site and the shared one.
    alingsas_held = Meeting.objects.filter(organisation=_organisation(), minutes__posted_on__isnull=False).latest("date")
    board = client.get("/anslagstavla/", HTTP_HOST="vargarda.localhost:8000").content.decode()
    assert f"/sammantraden/{held.pk}/protokoll/" in board and f"/sammantraden/{alingsas_held.pk}/" not in board
    shared_board = client.get("/anslagstavla/").content.decode()
    assert f"/sammantraden/{held.pk}/" in shared_board and f"/sammantraden/{alingsas_held.pk}/" in shared_board
    shared = client.get("/arenden/?q=Kesberget").content.decode()
    assert "Medborgarförslag om utegym vid Kesberget" in shared
