"""Meetings and decisions through the services: paragraph numbers, conditions,
adjustment and immutability, dispatch, assignments."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.decisions import selectors, services as decisions
from diarium.decisions.events import DecisionEvent
from diarium.decisions.models import Assignment, Decision, DecisionRecipient, Meeting, Membership
from diarium.registry import files as registry_files
from diarium.registry.models import Document, Event

from . import factories as f
from .mail_support import FLAKY_BACKEND
from .pdf_support import blob_pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org, ks, registrar):
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    chair = accounts.person_create(organisation=org, name="Daniel Filipsson", title="Ordförande")
    adjuster = accounts.person_create(organisation=org, name="Ann Ludvigsson", title="Ledamot")
    member = accounts.person_create(organisation=org, name="Simon Waern", title="Ledamot", email="simon@example.se")
    for organ in (ks, kf):
        decisions.membership_add(actor=registrar, organ=organ, person=chair, role=Membership.Role.CHAIR,
                                 start=dt.date(2015, 1, 1))
        decisions.membership_add(actor=registrar, organ=organ, person=adjuster, role=Membership.Role.MEMBER,
                                 start=dt.date(2015, 1, 1))
        decisions.membership_add(actor=registrar, organ=organ, person=member, role=Membership.Role.SUBSTITUTE,
                                 start=dt.date(2015, 1, 1), end=dt.date(2030, 12, 31))
    case = f.case(registrar, ks)
    return {"kf": kf, "chair": chair, "adjuster": adjuster, "member": member, "case": case}


def _open_meeting(registrar, organ, chain, day=None):
    meeting = decisions.meeting_create(actor=registrar, organ=organ, date=day or dt.date.today(),
                                       place="Stadshuset", adjusters=[chain["adjuster"]])
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def _adjust(registrar, meeting, chain):
    decisions.meeting_close(actor=registrar, meeting=meeting)
    decisions.minutes_sign(actor=registrar, meeting=meeting, person=chain["chair"], role="chair")
    return decisions.minutes_sign(actor=registrar, meeting=meeting, person=chain["adjuster"], role="adjuster")


def test_a_meeting_takes_its_members_and_chair_from_the_memberships(registrar, ks, chain):
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=dt.date(2018, 9, 24))
    assert meeting.chair == chain["chair"]
    roles = {a.person.name: a.role for a in meeting.attendance.select_related("person")}
    assert roles == {"Daniel Filipsson": "chair", "Ann Ludvigsson": "member", "Simon Waern": "substitute"}
    old = decisions.meeting_create(actor=registrar, organ=ks, date=dt.date(2014, 6, 1))
    assert not old.attendance.exists()  # nobody sat in KS before 2015 in this data


def test_paragraphs_run_per_organ_per_year_and_restart_at_new_year(registrar, ks, chain):
    kf = chain["kf"]
    m1 = _open_meeting(registrar, ks, chain, dt.date(2018, 12, 10))
    refs = [decisions.decision_record(actor=registrar, meeting=m1, title=f"Punkt {i}", text="Beslut").paragraph
            for i in range(3)]
    assert refs == [1, 2, 3]
    other_organ = _open_meeting(registrar, kf, chain, dt.date(2018, 12, 11))
    assert decisions.decision_record(actor=registrar, meeting=other_organ, title="A", text="B").paragraph == 1
    next_year = _open_meeting(registrar, ks, chain, dt.date(2019, 1, 20))
    d = decisions.decision_record(actor=registrar, meeting=next_year, title="Nytt år", text="Beslut")
    assert d.paragraph == 1 and d.reference == "KS 2019-01-20 § 1"


def test_paragraphs_continue_over_new_year_when_the_organisation_says_so(registrar, org, ks, chain):
    org.paragraphs_restart_yearly = False
    org.save()
    m1 = _open_meeting(registrar, ks, chain, dt.date(2018, 12, 10))
    decisions.decision_record(actor=registrar, meeting=m1, title="A", text="B")
    m2 = _open_meeting(registrar, ks, chain, dt.date(2019, 1, 20))
    assert decisions.decision_record(actor=registrar, meeting=m2, title="C", text="D").paragraph == 2


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_recording_at_once_get_distinct_consecutive_paragraphs(org, ks, registrar, chain):
    meeting = _open_meeting(registrar, ks, chain)
    errors, barrier = [], threading.Barrier(4)

    def record(n):
        try:
            barrier.wait()
            for i in range(10):
                decisions.decision_record(actor=registrar, meeting=meeting, title=f"T{n}-{i}", text="Beslut")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    paragraphs = sorted(Decision.objects.filter(meeting=meeting).values_list("paragraph", flat=True))
    assert paragraphs == list(range(1, 41))


def test_decisions_need_an_open_meeting_that_is_not_adjusted(registrar, ks, chain):
    planned = decisions.meeting_create(actor=registrar, organ=ks, date=dt.date.today())
    with pytest.raises(DomainError, match="inte öppnat"):
        decisions.decision_record(actor=registrar, meeting=planned, title="A", text="B")
    meeting = _open_meeting(registrar, ks, chain)
    decisions.decision_record(actor=registrar, meeting=meeting, title="A", text="B")
    _adjust(registrar, meeting, chain)
    with pytest.raises(DomainError, match="justerat"):
        decisions.decision_record(actor=registrar, meeting=meeting, title="C", text="D")


def test_a_conditional_decision_becomes_effective_when_the_council_adopts(registrar, ks, chain):
    kf, case = chain["kf"], chain["case"]
    ks_meeting = _open_meeting(registrar, ks, chain, dt.date(2018, 9, 24))
    ks_decision = decisions.decision_record(
        actor=registrar, meeting=ks_meeting, case=case, title="Digital målbild",
        text="Handlingsplanen godkänns under förutsättning att kommunfullmäktige antar Digital målbild.",
        condition_organ=kf, condition_text="att kommunfullmäktige antar Digital målbild",
        forward=decisions.ForwardInput(organ=kf, text="Digital målbild för Alingsås kommun – öppen och smart, antas."),
    )
    assert ks_decision.status == Decision.Status.PENDING
    proposal = case.proposals.get(organ=kf)
    assert proposal.from_decision == ks_decision
    kf_meeting = _open_meeting(registrar, kf, chain, dt.date(2018, 10, 31))
    item = decisions.agenda_item_add(actor=registrar, meeting=kf_meeting, proposal=proposal)
    kf_decision = decisions.decision_record(actor=registrar, meeting=kf_meeting, agenda_item=item,
                                            text=proposal.text)
    ks_decision.refresh_from_db()
    assert ks_decision.status == Decision.Status.EFFECTIVE
    assert ks_decision.condition_decision == kf_decision
    assert Event.objects.filter(case=case, kind=DecisionEvent.DECISION_EFFECTIVE).exists()
    chain_steps = [(s.organ.code, s.kind) for s in selectors.case_chain(user=registrar, case=case)]
    assert chain_steps == [("KS", "decision"), ("KF", "proposal"), ("KF", "agenda"), ("KF", "decision")]


def test_a_conditional_decision_becomes_void_when_the_council_says_no(registrar, ks, chain):
    kf, case = chain["kf"], chain["case"]
    ks_decision = decisions.decision_record(
        actor=registrar, meeting=_open_meeting(registrar, ks, chain), case=case, title="Plan", text="Godkänns",
        condition_organ=kf,
    )
    kf_meeting = _open_meeting(registrar, kf, chain)
    decisions.decision_record(actor=registrar, meeting=kf_meeting, case=case, title="Plan", text="Avslås",
                              outcome=Decision.Outcome.REFERRED_BACK)
    ks_decision.refresh_from_db()
    assert ks_decision.status == Decision.Status.PENDING  # a referral back settles nothing
    decisions.decision_record(actor=registrar, meeting=kf_meeting, case=case, title="Plan", text="Avslås",
                              outcome=Decision.Outcome.REJECTED)
    ks_decision.refresh_from_db()
    assert ks_decision.status == Decision.Status.VOID


def test_adjusted_decisions_are_final_and_only_corrected_beside_them(registrar, ks, chain):
    meeting = _open_meeting(registrar, ks, chain)
    decision = decisions.decision_record(actor=registrar, meeting=meeting, title="A", text="Ursprunglig text")
    decisions.decision_update(actor=registrar, decision=decision, text="Ändrad före justering")
    minutes = _adjust(registrar, meeting, chain)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ADJUSTED
    assert minutes.adjusted_at is not None and minutes.blob is not None
    assert minutes.appeal_ends_on == minutes.posted_on + dt.timedelta(days=21)
    with pytest.raises(DomainError, match="kan inte ändras"):
        decisions.decision_update(actor=registrar, decision=decision, text="Efter justering")
    decision.refresh_from_db()
    assert decision.text == "Ändrad före justering"
    correction = decisions.decision_correct(actor=registrar, decision=decision, text="Rätt belopp är 100 000 kr.",
                                            reason="Skrivfel")
    assert correction.decision == decision
    # The adjusted minutes are stored as PDF/A (issue 8).
    assert minutes.blob.content_type == "application/pdf"
    stored = blob_pdf_text(minutes.blob)
    assert "Ändrad före justering" in stored and "Ann Ludvigsson" in stored


def test_only_the_chair_and_the_adjusters_adjust(registrar, ks, chain):
    meeting = _open_meeting(registrar, ks, chain)
    decisions.meeting_close(actor=registrar, meeting=meeting)
    with pytest.raises(DomainError, match="inte justerare"):
        decisions.minutes_sign(actor=registrar, meeting=meeting, person=chain["member"], role="adjuster")
    minutes = decisions.minutes_sign(actor=registrar, meeting=meeting, person=chain["chair"], role="chair")
    assert minutes.adjusted_at is None  # the adjuster has not yet approved


def test_dispatch_registers_the_excerpt_and_mails_each_recipient_retrying_failures(registrar, ks, chain, settings):
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    bun = f.organ(chain["case"].organisation, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD,
                  email="bun@alingsas.se")
    fabs = f.organ(chain["case"].organisation, code="FABS", name="FABS AB", kind=Organ.Kind.COMPANY,
                   email="trasig@fabs.se")
    meeting = _open_meeting(registrar, ks, chain)
    decision = decisions.decision_record(
        actor=registrar, meeting=meeting, case=chain["case"], title="Digital målbild", text="Godkänns.",
        recipients=[decisions.RecipientInput(organ=bun), decisions.RecipientInput(organ=fabs),
                    decisions.RecipientInput(name="Ekonomienheten")],
    )
    with pytest.raises(DomainError, match="inte justerat"):
        decisions.decision_dispatch(actor=registrar, decision=decision)
    _adjust(registrar, meeting, chain)
    document = decisions.decision_dispatch(actor=registrar, decision=decision)
    assert document.direction == Document.Direction.OUTGOING
    assert document.description.startswith("Protokollsutdrag KS ")
    states = dict(decision.recipients.values_list("name", "state"))
    assert states == {"Barn- och ungdomsnämnden": "sent", "FABS AB": "failed", "Ekonomienheten": "sent"}
    assert [m.to for m in mail.outbox] == [["bun@alingsas.se"]]
    assert mail.outbox[0].attachments[0][0] == "protokollsutdrag.pdf"
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert decisions.dispatch_retry(actor=registrar, decision=decision) == 1
    assert decision.recipients.get(name="FABS AB").state == DecisionRecipient.State.SENT


def test_an_assignment_is_listed_until_done_and_links_to_the_answering_case(registrar, ks, chain):
    kf = chain["kf"]
    meeting = _open_meeting(registrar, kf, chain, dt.date(2017, 12, 13))
    decision = decisions.decision_record(
        actor=registrar, meeting=meeting, title="Flerårsstrategi 2018–2020", text="Kommunstyrelsen får i uppdrag…",
        assignments=[decisions.AssignmentInput(organ=ks, description="Ta fram ett program för digital inriktning",
                                               deadline=dt.date(2018, 12, 31))],
    )
    assert selectors.open_assignments(organ=ks) == []  # not public until adjusted
    _adjust(registrar, meeting, chain)
    [assignment] = selectors.open_assignments(organ=ks)
    decisions.assignment_link_case(actor=registrar, assignment=assignment, case=chain["case"])
    assert [a.decision for a in selectors.assignments_answered_by(chain["case"])] == [decision]
    decisions.assignment_complete(actor=registrar, assignment=assignment)
    assert selectors.open_assignments(organ=ks) == []
    assert Assignment.objects.get().status == Assignment.Status.DONE


def test_officer_report_is_registered_and_its_proposals_go_on_the_agenda(registrar, ks, chain):
    kf, case = chain["kf"], chain["case"]
    report = decisions.officer_report_create(
        actor=registrar, case=case, title="Digital målbild för Alingsås kommun – öppen och smart", addressed_to=ks,
        background="Kommunfullmäktige antog 2017-12-13 § 251 Flerårsstrategi 2018–2020.",
        opinion="Kommunledningskontoret har beaktat remissvaren.",
        proposals=[decisions.ProposalInput(organ=ks, text="Handlingsplanen godkänns.", condition_organ=kf),
                   decisions.ProposalInput(organ=kf, text="Digital målbild antas.")],
        dispatch_to=["Samtliga nämnder", "FABS AB"],
        signatories=[decisions.Signatory("Anneli Schwartz", "Tf. Kommundirektör")],
        report_date=dt.date(2018, 8, 23),
    )
    assert report.document.direction == Document.Direction.DRAWN_UP
    # The report is registered as its PDF/A (issue 8).
    file = report.document.files.get()
    assert file.filename == "tjansteskrivelse.pdf" and file.blob.content_type == "application/pdf"
    text = blob_pdf_text(file.blob)
    for fact in ("Tf. Kommundirektör", "Beslutet ska skickas till", "Samtliga nämnder", "Digital målbild antas.",
                 "2017-12-13 § 251", case.diary_number):
        assert fact in text
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=dt.date(2018, 9, 24))
    item = decisions.proposal_to_agenda(actor=registrar, proposal=report.proposals.get(organ=ks), meeting=meeting)
    assert list(item.supporting_documents.all()) == [report.document]
    with pytest.raises(DomainError, match="ställt till"):
        decisions.proposal_to_agenda(actor=registrar, proposal=report.proposals.get(organ=kf), meeting=meeting)


def test_secret_supporting_documents_never_reach_the_public_agenda(registrar, ks, chain):
    from diarium.registry import services as registry

    case = chain["case"]
    public = f.document(registrar, case, direction="drawn_up", counterpart="", description="Tjänsteskrivelse")
    secret = f.document(registrar, case, description="Utredning om enskild")
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                  masked_fields=["description"])
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=dt.date.today())
    decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, documents=[public, secret],
                              secrecy_review_reason="Underlag för ledamöterna.")
    from django.contrib.auth.models import AnonymousUser

    [row] = selectors.agenda(meeting=meeting, user=AnonymousUser())
    assert [d.id for d in row.documents] == [public.pk]
    [row] = selectors.agenda(meeting=meeting, user=registrar)
    assert [d.id for d in row.documents] == [public.pk, secret.pk]


def test_only_the_organs_secretary_runs_its_meetings(org, ks, chain):
    reader = f.user(org, Role.READER)
    with pytest.raises(PermissionDenied):
        decisions.meeting_create(actor=reader, organ=ks, date=dt.date.today())


def test_publishing_the_notice_mails_the_agenda_to_members_with_an_address(registrar, ks, chain):
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=dt.date.today() + dt.timedelta(days=7),
                                       place="Stadshuset")
    with pytest.raises(DomainError) as empty:
        decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    assert list(empty.value.errors) == ["items"] and "tom" in empty.value.errors["items"][0]
    decisions.agenda_item_add(actor=registrar, meeting=meeting, case=chain["case"])
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    [message] = mail.outbox  # only Simon Waern has an e-mail address
    assert message.to == ["simon@example.se"]
    assert "Kallelse" in message.subject and chain["case"].diary_number in message.body
    assert f"/sammantraden/{meeting.pk}/" in message.body
    # the drawn-up notice, as published, goes with it
    meeting.refresh_from_db()
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"kallelse-ks-{meeting.date:%Y-%m-%d}.pdf" and mimetype == "application/pdf"
    with registry_files.blob_open(meeting.notice_blob) as fh:
        assert content == fh.read() and content.startswith(b"%PDF")


def test_references_in_decision_texts_become_links_once_public(registrar, ks, chain):
    kf = chain["kf"]
    meeting = _open_meeting(registrar, kf, chain, dt.date(2017, 12, 13))
    earlier = decisions.decision_record(actor=registrar, meeting=meeting, title="Flerårsstrategi", text="Antas.")
    later_meeting = _open_meeting(registrar, ks, chain, dt.date(2018, 9, 24))
    text = f"Kommunfullmäktige gav uppdraget ({earlier.reference}). Se även KF 2015-11-25 § 180."
    later = decisions.decision_record(actor=registrar, meeting=later_meeting, title="Plan", text=text)
    assert list(later.references.all()) == [earlier]
    html = selectors.linked_text(text, organisation_id=earlier.organisation_id)
    assert "<a " not in html  # not linked before adjustment: the decision is not public yet
    _adjust(registrar, meeting, chain)
    html = selectors.linked_text(text, organisation_id=earlier.organisation_id)
    assert f'<a href="/beslut/{earlier.pk}/">{earlier.reference}</a>' in html
    assert "KF 2015-11-25 § 180" in html and html.count("<a ") == 1  # unknown references stay text
