"""Meetings, decisions, minutes and dispatch through the web client: what the
board secretary (a registrar), a case officer, a reader and the public see."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse

from diarium.accounts.models import Organ, Role
from diarium.decisions import services as decisions
from diarium.decisions.models import (
    AgendaItem, Assignment, Correction, Decision, DecisionRecipient, Meeting, OfficerReport, ParagraphCounter,
    Proposal,
)
from diarium.registry import services as registry
from diarium.registry.models import Document

from . import factories as f
from .mail_support import FLAKY_BACKEND

pytestmark = pytest.mark.django_db

SECRET_DESCRIPTION = "Säkerhetsanalys av kommunens nät"
PLAN_TEXT = ("Handlingsplan Digital målbild för Alingsås kommun – öppen och smart godkänns under förutsättning "
             "att kommunfullmäktige antar Digital målbild för Alingsås kommun – öppen och smart.")


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def kf(org):
    return f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)


@pytest.fixture
def people(org):
    return SimpleNamespace(
        chair=f.person(org, "Daniel Filipsson", email="daniel.filipsson@alingsas.se"),
        adjuster=f.person(org, "Simon Waern", email="simon.waern@alingsas.se"),
        member=f.person(org, "Anna Ek", email="anna.ek@alingsas.se"),
        substitute=f.person(org, "Bo Berg"),
        officer=f.person(org, "Göran Westerlund", title="Digitaliseringsansvarig"),
    )


def _seats(people):
    return [(people.chair, "chair"), (people.adjuster, "member"), (people.member, "member"),
            (people.substitute, "substitute")]


@pytest.fixture
def meeting(registrar, ks, people):
    return f.meeting(registrar, ks, members=_seats(people), adjusters=[people.adjuster], place="KS-salen",
                     start_time=dt.time(13, 0))


@pytest.fixture
def case(registrar, ks, people):
    return f.case(registrar, ks, title="Digital målbild för Alingsås kommun – öppen och smart",
                  case_officer=people.officer)


@pytest.fixture
def plan(registrar, case):
    return f.document(registrar, case, direction="drawn_up", counterpart="", description="Förslag till handlingsplan",
                      files=[f.text_file("handlingsplan.txt", "Handlingsplan\n")])


@pytest.fixture
def secret(registrar, case):
    document = f.document(registrar, case, counterpart="Säkerhetskonsult AB", description=SECRET_DESCRIPTION,
                          files=[f.text_file("analys.txt", "Hemligt\n")])
    return registry.document_mark_secret(actor=registrar, document=document, ground="OSL 18 kap. 8 §",
                                         masked_fields=["description"])


@pytest.fixture
def reader(org):
    return f.user(org, Role.READER)


def _item(registrar, meeting, case, documents=(), title="", secrecy_review_reason=""):
    return decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, documents=list(documents),
                                     title=title, secrecy_review_reason=secrecy_review_reason)


def _record(registrar, meeting, case, item=None, text="Handlingsplanen godkänns.", **kw):
    meeting.refresh_from_db()
    return decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, case=case,
                                     title=kw.pop("title", "Handlingsplan för digital målbild"), text=text, **kw)


@pytest.fixture
def report(registrar, case, ks, kf):
    return decisions.officer_report_create(
        actor=registrar, case=case, title="Digital målbild och handlingsplan", addressed_to=ks,
        background="Kommunfullmäktige antog den 25 november 2015, § 180 e-strategi för Alingsås kommun.",
        opinion="Handlingsplanen godkänns av kommunstyrelsen.",
        proposals=[decisions.ProposalInput(organ=ks, text=PLAN_TEXT, condition_organ=kf,
                                           condition_text="att KF antar Digital målbild"),
                   decisions.ProposalInput(organ=kf, text="Digital målbild för Alingsås kommun antas.")],
        dispatch_to=["Kommunfullmäktige", "FABS AB"], signatories=[decisions.Signatory("Anneli Schwartz",
                                                                                       "Tf. Kommundirektör")],
        report_date=dt.date(2018, 8, 23),
    )


# --- the meetings list and planning ------------------------------------------------------
def test_the_public_lists_only_meetings_whose_notice_is_published(client, registrar, meeting, case, plan):
    url = reverse("decisions:meeting_list")
    assert "Kommunstyrelsen 2018-09-24" not in _html(client.get(url))
    client.force_login(registrar)
    html = _html(client.get(url))
    assert "Kommunstyrelsen 2018-09-24" in html and "Planerat" in html and "Nytt sammanträde" in html
    client.logout()
    _item(registrar, meeting, case, [plan])
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    html = _html(client.get(url))
    assert "Kommunstyrelsen 2018-09-24" in html and "Kallelse utskickad" in html
    assert "Nytt sammanträde" not in html
    assert 'aria-current="page"' in html  # "Sammanträden" in the main menu


def test_the_list_filters_by_organ(client, registrar, meeting, kf, people):
    f.meeting(registrar, kf, dt.date(2018, 10, 29), members=[(people.member, "chair")],
              adjusters=[people.adjuster])
    client.force_login(registrar)
    url = reverse("decisions:meeting_list")
    html = _html(client.get(url, {"organ": kf.pk}))
    assert "Kommunfullmäktige 2018-10-29" in html and "Kommunstyrelsen 2018-09-24" not in html
    assert "Sammanträden med Kommunfullmäktige" in html


def test_a_registrar_plans_a_meeting_with_chair_and_adjusters(client, registrar, ks, people):
    for p, role in _seats(people):
        decisions.membership_add(actor=registrar, organ=ks, person=p, role=role, start=dt.date(2018, 1, 1))
    client.force_login(registrar)
    url = reverse("decisions:meeting_create")
    form = _html(client.get(url))
    assert "Simon Waern" in form and "Kommunstyrelsen (KS)" in form
    response = client.post(url, {
        "organ": ks.pk, "date": "2018-09-24", "start_time": "13:00", "end_time": "16:30", "place": "KS-salen",
        "secretary": people.officer.pk, "adjusters": [people.adjuster.pk],
    })
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("decisions:meeting_detail", args=[meeting.pk])
    assert meeting.chair == people.chair  # the organ's chair, from the memberships
    assert list(meeting.adjusters.all()) == [people.adjuster]
    html = _html(client.get(response.url))
    assert "Sammanträdet är planerat" in html
    assert "kl. 13:00–16:30" in html and "KS-salen" in html
    for name in ("Daniel Filipsson", "Anna Ek", "Bo Berg"):
        assert name in html
    assert "Ersättare" in html and "Föredragningslistan är tom." in html


def test_meeting_form_errors_are_swedish_and_tied_to_fields(client, registrar, ks, people):
    client.force_login(registrar)
    response = client.post(reverse("decisions:meeting_create"), {"organ": ks.pk, "date": "24/9", "start_time": "1 pm"})
    assert response.status_code == 400
    html = _html(response)
    assert 'role="alert"' in html
    assert "Ange datum som ÅÅÅÅ-MM-DD." in html
    assert "Ange ett klockslag (TT:MM)." in html
    assert "Välj minst en justerare." in html
    assert 'href="#id_adjusters_0"' in html and 'id="id_adjusters_0"' in html
    assert not Meeting.objects.exists()


def test_planning_needs_login_and_the_right(client, org, reader):
    url = reverse("decisions:meeting_create")
    assert client.get(url).status_code == 302
    client.force_login(reader)
    assert client.get(url).status_code == 403


# --- the agenda ----------------------------------------------------------------------------
def test_an_item_is_added_by_diary_number_with_chosen_documents(client, registrar, meeting, case, plan, secret):
    client.force_login(registrar)
    url = reverse("decisions:agenda_item_add", args=[meeting.pk])
    assert "Lägg till punkt" in _html(client.get(url))
    # "Visa ärendets handlingar": the case's documents to choose from, nothing saved yet.
    response = client.post(url, {"diary_number": case.diary_number, "action": "documents"})
    html = _html(response)
    assert response.status_code == 200
    assert f"{case.diary_number}-{plan.number} Förslag till handlingsplan" in html
    assert SECRET_DESCRIPTION in html  # the registrar may read the secret one
    assert not AgendaItem.objects.exists()
    chosen = {"diary_number": case.diary_number, "title": "", "documents": [str(plan.pk), str(secret.pk)]}
    response = client.post(url, chosen)  # the secret one goes out only after a secrecy review
    assert response.status_code == 400 and "Sekretessprövning krävs" in _html(response)
    assert not AgendaItem.objects.exists()
    response = client.post(url, {**chosen, "secrecy_review_reason": "Underlag för ledamöterna."})
    assert response.status_code == 302 and response.url.endswith("#dagordning")
    item = AgendaItem.objects.get()
    assert item.title == case.title and item.case == case and item.position == 1
    assert set(item.supporting_documents.all()) == {plan, secret}


def test_an_unknown_diary_number_is_refused_in_swedish(client, registrar, meeting):
    client.force_login(registrar)
    response = client.post(reverse("decisions:agenda_item_add", args=[meeting.pk]), {"diary_number": "2099.1 KS"})
    assert response.status_code == 400
    assert "Det finns inget ärende med diarienummer 2099.1 KS." in _html(response)
    response = client.post(reverse("decisions:agenda_item_add", args=[meeting.pk]), {"title": ""})
    assert response.status_code == 400 and "Ange en rubrik för punkten." in _html(response)
    assert not AgendaItem.objects.exists()


def test_items_move_and_the_notice_goes_to_members(client, registrar, ks, meeting, case, plan, people):
    # A meeting still to come (notices for meetings already held are never sent); the members
    # are the organ's seats on its day.
    meeting = f.meeting(registrar, ks, dt.date.today() + dt.timedelta(days=14), adjusters=[people.adjuster])
    first = _item(registrar, meeting, case, [plan], title="Digital målbild")
    second = _item(registrar, meeting, None, title="Information från kommundirektören")
    client.force_login(registrar)
    response = client.post(reverse("decisions:agenda_item_move", args=[meeting.pk, second.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert list(meeting.items.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    html = _html(client.get(reverse("decisions:meeting_detail", args=[meeting.pk])))
    assert "Information från kommundirektören är nu punkt 1." in html
    agenda = html[html.index('id="dagordning"'):html.index('id="narvaro"')]
    assert agenda.index("Information från kommundirektören") < agenda.index("Digital målbild")
    response = client.post(reverse("decisions:meeting_status", args=[meeting.pk]), {"action": "publish_notice"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTICE_PUBLISHED
    assert sorted(m.to[0] for m in mail.outbox) == ["anna.ek@alingsas.se", "daniel.filipsson@alingsas.se",
                                                    "simon.waern@alingsas.se"]
    html = _html(client.get(reverse("decisions:meeting_detail", args=[meeting.pk])))
    assert "Kallelsen är utskickad till 3 ledamöter och ersättare." in html
    # Publishing twice is refused with a message, not an error page.
    response = client.post(reverse("decisions:meeting_status", args=[meeting.pk]), {"action": "publish_notice"},
                           follow=True)
    assert "Kallelsen är redan utskickad." in _html(response)


def test_the_public_sees_the_published_agenda_without_secret_documents(client, registrar, meeting, case, plan,
                                                                       secret):
    _item(registrar, meeting, case, [plan, secret], secrecy_review_reason="Underlag för ledamöterna.")
    url = reverse("decisions:meeting_detail", args=[meeting.pk])
    assert client.get(url).status_code == 404  # planned: not public yet
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    html = _html(client.get(url))
    assert f"{case.diary_number}-{plan.number}" in html and "Förslag till handlingsplan" in html
    assert reverse("registry:document_detail", args=[plan.pk]) in html
    assert SECRET_DESCRIPTION not in html and f"{case.diary_number}-{secret.number}" not in html
    assert reverse("registry:document_detail", args=[secret.pk]) not in html
    assert "Skicka kallelse" not in html and "Flytta" not in html and "Lägg till punkt" not in html
    client.force_login(registrar)
    html = _html(client.get(url))
    assert f"{case.diary_number}-{secret.number}" in html


def test_a_reader_cannot_change_the_meeting(client, registrar, reader, meeting):
    client.force_login(reader)
    assert client.get(reverse("decisions:meeting_detail", args=[meeting.pk])).status_code == 200
    response = client.post(reverse("decisions:meeting_status", args=[meeting.pk]), {"action": "open"})
    assert response.status_code == 403
    assert client.get(reverse("decisions:agenda_item_add", args=[meeting.pk])).status_code == 403


def test_staff_pages_send_the_public_to_the_login_page(client, registrar, meeting, case, report):
    decisions.meeting_open(actor=registrar, meeting=meeting)
    d = _record(registrar, meeting, case)
    proposal = report.proposals.first()
    for url in (reverse("decisions:meeting_create"), reverse("decisions:agenda_item_add", args=[meeting.pk]),
                reverse("decisions:decision_record", args=[meeting.pk]),
                reverse("decisions:decision_edit", args=[d.pk]), reverse("decisions:decision_correct", args=[d.pk]),
                reverse("decisions:officer_report_create", args=[case.pk]),
                reverse("decisions:proposal_to_agenda", args=[proposal.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")), url
    for url, data in ((reverse("decisions:meeting_status", args=[meeting.pk]), {"action": "close"}),
                      (reverse("decisions:decision_dispatch", args=[d.pk]), {}),
                      (reverse("decisions:attendance", args=[meeting.pk]), {"present": []})):
        assert client.post(url, data).status_code == 302, url
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPENED
    client.force_login(registrar)
    response = client.post(reverse("decisions:meeting_status", args=[meeting.pk]), {"action": "explode"}, follow=True)
    assert "Okänd åtgärd." in _html(response)


def test_attendance_is_recorded_for_the_open_meeting(client, registrar, meeting, people):
    decisions.meeting_open(actor=registrar, meeting=meeting)
    client.force_login(registrar)
    response = client.post(reverse("decisions:attendance", args=[meeting.pk]),
                           {"present": [people.chair.pk, people.adjuster.pk, people.substitute.pk]})
    assert response.status_code == 302 and response.url.endswith("#narvaro")
    absent = meeting.attendance.filter(present=False).values_list("person__name", flat=True)
    assert list(absent) == ["Anna Ek"]
    html = _html(client.get(reverse("decisions:meeting_detail", args=[meeting.pk])))
    assert "Närvaron är sparad." in html
    assert f'id="present-{people.member.pk}">' in html and f'id="present-{people.chair.pk}" checked' in html


# --- recording decisions ------------------------------------------------------------------------
def test_the_decision_form_starts_from_the_item_and_its_proposal(client, registrar, meeting, report, kf, plan):
    proposal = report.proposals.get(organ=meeting.organ)
    item = decisions.proposal_to_agenda(actor=registrar, proposal=proposal, meeting=meeting)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    client.force_login(registrar)
    html = _html(client.get(reverse("decisions:meeting_detail", args=[meeting.pk])))
    record = reverse("decisions:decision_record", args=[meeting.pk]) + f"?punkt={item.pk}"
    assert f'href="{record}"' in html
    html = _html(client.get(record))
    assert "under förutsättning att kommunfullmäktige antar" in html
    assert re.search(rf'<option value="{kf.pk}" selected>Kommunfullmäktige \(KF\)</option>', html)
    assert re.search(rf'value="{kf.pk}"[^>]*checked|checked[^>]*value="{kf.pk}"', html)  # KF as recipient
    assert "FABS AB" in html  # the rest of "Beslutet ska skickas till" as free lines


def test_a_conditional_decision_with_a_reservation_and_recipients(client, registrar, meeting, case, kf, plan):
    item = _item(registrar, meeting, case, [plan])
    decisions.meeting_open(actor=registrar, meeting=meeting)
    client.force_login(registrar)
    response = client.post(reverse("decisions:decision_record", args=[meeting.pk]), {
        "agenda_item": item.pk, "title": "Handlingsplan för digital målbild", "text": PLAN_TEXT,
        "outcome": "adopted", "condition_organ": kf.pk, "condition_text": "att KF antar Digital målbild",
        "note_1_kind": "motion", "note_1_text": "Anna Ek (M) yrkar avslag.",
        "note_2_kind": "reservation", "note_2_text": "Anna Ek (M) reserverar sig mot beslutet.",
        "note_3_kind": "motion", "note_3_text": "",
        "recipient_organs": [kf.pk], "recipient_other": "FABS AB; info@fabs.se\nAlingsåshem AB",
        "assignment_organ": "", "forward_organ": "",
    })
    decision = Decision.objects.get()
    assert response.status_code == 302 and response.url == reverse("decisions:decision_detail", args=[decision.pk])
    assert decision.status == Decision.Status.PENDING and decision.paragraph == 1
    assert [n.kind for n in decision.notes.all()] == ["motion", "reservation"]
    assert list(decision.recipients.values_list("name", "email")) == [
        ("Kommunfullmäktige", ""), ("FABS AB", "info@fabs.se"), ("Alingsåshem AB", "")]
    # The members present decide; Bo Berg, a substitute, is present but does not serve (no member is absent).
    assert {p.name for p in decision.participants.all()} == {"Daniel Filipsson", "Simon Waern", "Anna Ek"}
    html = _html(client.get(response.url))
    assert "Beslutet är protokollfört som KS 2018-09-24 § 1." in html
    assert "Villkorat, väntar" in html
    assert "det gäller först när Kommunfullmäktige har fattat beslut i ärendet" in html
    assert "Anna Ek (M) reserverar sig mot beslutet." in html and "Reservation" in html
    assert "Ändra beslutet" in html and "Expediera beslutet" not in html
    assert "Beslutet expedieras när protokollet är justerat." in html
    # The public sees neither the decision nor its paragraph before the minutes are adjusted.
    client.logout()
    assert client.get(response.url).status_code == 404
    html = _html(client.get(reverse("decisions:meeting_detail", args=[meeting.pk])))
    assert "Besluten visas när protokollet är justerat." in html and "§ 1" not in html
    html = _html(client.get(reverse("decisions:minutes", args=[meeting.pk])))
    assert "Besluten visas när det är justerat." in html and PLAN_TEXT not in html


def test_decision_form_errors_are_swedish(client, registrar, meeting, case):
    item = _item(registrar, meeting, case)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    client.force_login(registrar)
    url = reverse("decisions:decision_record", args=[meeting.pk])
    response = client.post(url, {"agenda_item": item.pk, "title": "", "text": "", "outcome": "adopted",
                                 "recipient_other": "; utan-namn@example.se"})
    assert response.status_code == 400
    html = _html(response)
    assert "Rad 1: skriv namn; e-postadress" in html
    response = client.post(url, {"agenda_item": item.pk, "title": "", "text": "", "outcome": "adopted",
                                 "assignment_description": "Ta fram en plan."})
    html = _html(response)
    assert response.status_code == 400 and "Välj det organ som får uppdraget." in html
    response = client.post(url, {"agenda_item": item.pk, "title": "", "text": "  ", "outcome": "adopted"})
    assert response.status_code == 400 and "Skriv beslutet." in _html(response)
    assert not Decision.objects.exists()


def test_no_decision_on_a_meeting_that_is_not_open(client, registrar, meeting, case):
    client.force_login(registrar)
    url = reverse("decisions:decision_record", args=[meeting.pk])
    response = client.get(url, follow=True)
    assert "Sammanträdet är inte öppnat. Öppna det innan beslut protokollförs." in _html(response)
    response = client.post(url, {"title": "Beslut", "text": "Beslutas.", "outcome": "adopted"})
    assert response.status_code == 400
    assert "Sammanträdet är inte öppnat. Öppna det innan beslut protokollförs." in _html(response)
    assert not Decision.objects.exists()


def test_the_condition_becomes_effective_when_the_council_adopts(client, registrar, meeting, case, kf, people):
    decisions.meeting_open(actor=registrar, meeting=meeting)
    pending = _record(registrar, meeting, case, text=PLAN_TEXT, condition_organ=kf)
    council = f.meeting(registrar, kf, dt.date(2018, 10, 29), members=[(people.member, "chair")],
                        adjusters=[people.adjuster])
    decisions.meeting_open(actor=registrar, meeting=council)
    adopted = _record(registrar, council, case, title="Digital målbild", text="Digital målbild antas.")
    client.force_login(registrar)
    html = _html(client.get(reverse("decisions:decision_detail", args=[pending.pk])))
    assert '<span class="tag decision-effective">Gäller</span>' in html
    assert "Villkoret är uppfyllt genom" in html and "KF 2018-10-29 § 1" in html
    html = _html(client.get(reverse("decisions:decision_detail", args=[adopted.pk])))
    assert "Villkorade beslut som detta beslut avgjorde" in html and "KS 2018-09-24 § 1" in html


def test_the_condition_fails_when_the_council_rejects(client, registrar, meeting, case, kf, people):
    decisions.meeting_open(actor=registrar, meeting=meeting)
    pending = _record(registrar, meeting, case, text=PLAN_TEXT, condition_organ=kf)
    council = f.meeting(registrar, kf, dt.date(2018, 10, 29), members=[(people.member, "chair")],
                        adjusters=[people.adjuster])
    decisions.meeting_open(actor=registrar, meeting=council)
    _record(registrar, council, case, title="Digital målbild", text="Förslaget avslås.", outcome="rejected")
    client.force_login(registrar)
    html = _html(client.get(reverse("decisions:decision_detail", args=[pending.pk])))
    assert "Förfallet" in html and "Beslutet har förfallit:" in html and "KF 2018-10-29 § 1" in html


def test_references_to_adjusted_decisions_become_links_and_text_is_escaped(client, registrar, kf, people, case):
    earlier = f.meeting(registrar, kf, dt.date(2017, 12, 13), members=[(people.member, "chair")],
                        adjusters=[people.adjuster])
    decisions.meeting_open(actor=registrar, meeting=earlier)
    ParagraphCounter.objects.create(organ=kf, year=2017, last=250)  # § 1–250 were taken earlier that year
    strategy = _record(registrar, earlier, None, title="Flerårsstrategi 2018–2020", text="Flerårsstrategin antas.")
    assert strategy.reference == "KF 2017-12-13 § 251"
    f.adjust(registrar, earlier)
    later = f.meeting(registrar, kf, dt.date(2018, 10, 29), adjusters=[people.adjuster])
    decisions.meeting_open(actor=registrar, meeting=later)
    d = _record(registrar, later, case, title="Digital målbild",
                text="Enligt KF 2017-12-13 § 251 ska en målbild tas fram.\n\n<script>alert(1)</script>")
    client.force_login(registrar)
    html = _html(client.get(reverse("decisions:decision_detail", args=[d.pk])))
    link = reverse("decisions:decision_detail", args=[strategy.pk])
    assert f'<a href="{link}">KF 2017-12-13 § 251</a>' in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "Beslutet hänvisar till" in html
    html = _html(client.get(link))
    assert "Beslutet hänvisas till av" in html and d.reference in html


# --- minutes, adjustment and corrections --------------------------------------------------------
def test_the_chair_and_adjuster_approve_and_the_minutes_are_adjusted(client, registrar, meeting, case, people):
    item = _item(registrar, meeting, case)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    d = _record(registrar, meeting, case, item=item)
    client.force_login(registrar)
    url = reverse("decisions:minutes", args=[meeting.pk])
    html = _html(client.get(url))
    assert "Protokollet justeras när sammanträdet är avslutat." in html and "Registrera godkännande" not in html
    client.post(reverse("decisions:meeting_status", args=[meeting.pk]), {"action": "close"})
    html = _html(client.get(url))
    assert "Utkast: protokollet är inte justerat." in html and "§ 1 Handlingsplan för digital målbild" in html
    assert html.count("Registrera godkännande på papper<span") == 2
    response = client.post(url, {"signer": f"chair:{people.chair.pk}"})
    assert response.status_code == 302
    html = _html(client.get(url))
    assert "Godkännandet från Daniel Filipsson är registrerat." in html
    assert html.count("Registrera godkännande på papper<span") == 1
    with f.on_day("2018-09-27"):
        response = client.post(url, {"signer": f"adjuster:{people.adjuster.pk}", "posted_on": "2018-09-27"})
    assert response.status_code == 302
    html = _html(client.get(url))
    assert "Protokollet är justerat. Det anslås 2018-09-27; överklagandetiden går ut 2018-10-18." in html
    assert "Anslaget tas ned" in html and "2018-10-18" in html
    assert "Registrera godkännande" not in html
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ADJUSTED
    # Now the decisions are final: editing is refused with a clear message, GET and POST.
    edit = reverse("decisions:decision_edit", args=[d.pk])
    refusal = "Protokollet är justerat. Beslutet kan inte ändras, bara rättas med en protokollförd rättelse."
    html = _html(client.get(edit))
    assert refusal in html and 'name="text"' not in html
    response = client.post(edit, {"title": "Ny rubrik", "text": "Ändrad text.", "outcome": "adopted"})
    assert response.status_code == 400 and refusal in _html(response)
    d.refresh_from_db()
    assert d.text == "Handlingsplanen godkänns."
    # ...and the public reads the minutes and the decision.
    client.logout()
    html = _html(client.get(url))
    assert "Handlingsplanen godkänns." in html and "2018-10-18" in html
    assert "Registrera godkännande" not in html
    html = _html(client.get(reverse("decisions:decision_detail", args=[d.pk])))
    assert "KS 2018-09-24 § 1" in html and "Ändra beslutet" not in html and "Rättelse" not in html


def test_a_wrong_signer_is_refused_on_the_form(client, registrar, meeting, case, people):
    decisions.meeting_open(actor=registrar, meeting=meeting)
    _record(registrar, meeting, case)
    decisions.meeting_close(actor=registrar, meeting=meeting)
    client.force_login(registrar)
    url = reverse("decisions:minutes", args=[meeting.pk])
    response = client.post(url, {"signer": f"adjuster:{people.member.pk}"})
    assert response.status_code == 400 and "Välj ordföranden eller en av justerarna." in _html(response)
    response = client.post(url, {"signer": f"chair:{people.chair.pk}", "posted_on": "i morgon"})
    assert response.status_code == 400 and "Ange datum som ÅÅÅÅ-MM-DD." in _html(response)
    client.logout()
    assert client.post(url, {"signer": f"chair:{people.chair.pk}"}).status_code == 302  # to the login page
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED


def test_a_decision_is_edited_before_and_corrected_after_adjustment(client, registrar, meeting, case):
    decisions.meeting_open(actor=registrar, meeting=meeting)
    d = _record(registrar, meeting, case)
    client.force_login(registrar)
    response = client.post(reverse("decisions:decision_edit", args=[d.pk]),
                           {"title": "Handlingsplan", "text": "Handlingsplanen godkänns med ändring.",
                            "outcome": "amended"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.text == "Handlingsplanen godkänns med ändring." and d.outcome == "amended"
    correct = reverse("decisions:decision_correct", args=[d.pk])
    response = client.post(correct, {"text": "Rätt", "reason": "Skrivfel"})
    assert response.status_code == 400 and "Protokollet är inte justerat; ändra beslutet i stället." in _html(response)
    f.adjust(registrar, meeting)
    html = _html(client.get(reverse("decisions:decision_detail", args=[d.pk])))
    assert "Protokollför en rättelse" in html and "Ändra beslutet" not in html
    response = client.post(correct, {"text": "", "reason": ""})
    assert response.status_code == 400 and "Skriv rättelsen." in _html(response)
    response = client.post(correct, {"text": "Beloppet ska vara 2 miljoner kronor.", "reason": "Skrivfel"})
    assert response.status_code == 302 and response.url.endswith("#rattelser")
    html = _html(client.get(reverse("decisions:decision_detail", args=[d.pk])))
    assert "Beloppet ska vara 2 miljoner kronor." in html and "Skrivfel" in html
    assert Correction.objects.count() == 1
    d.refresh_from_db()
    assert d.text == "Handlingsplanen godkänns med ändring."


# --- dispatch ---------------------------------------------------------------------------------------
def test_dispatch_sends_the_excerpt_and_a_failure_stays_retryable(client, registrar, meeting, case, kf, settings):
    kf.email = "kf@alingsas.se"
    kf.save()
    decisions.meeting_open(actor=registrar, meeting=meeting)
    d = _record(registrar, meeting, case, recipients=[
        decisions.RecipientInput(organ=kf), decisions.RecipientInput(name="FABS AB", email="trasig@fabs.se"),
        decisions.RecipientInput(name="Alingsåshem AB")])
    f.adjust(registrar, meeting)
    mail.outbox.clear()
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    client.force_login(registrar)
    url = reverse("decisions:decision_detail", args=[d.pk])
    assert "Expediera beslutet" in _html(client.get(url))
    response = client.post(reverse("decisions:decision_dispatch", args=[d.pk]))
    assert response.status_code == 302 and response.url.endswith("#expediering")
    assert [m.to for m in mail.outbox] == [["kf@alingsas.se"]]
    assert "Protokollsutdrag KS 2018-09-24 § 1" in mail.outbox[0].subject
    excerpt = Document.objects.get(direction=Document.Direction.OUTGOING)
    html = _html(client.get(url))
    assert f"registrerat som {case.diary_number}-{excerpt.number} och expedieras till 3 mottagare" in html
    assert html.count('dispatch-sent">Expedierad') == 2  # by e-mail, and by hand (no address)
    assert 'dispatch-failed">Kunde inte skickas' in html and "Mailservern svarar inte" in html
    assert "1 utskick kunde inte skickas." in html and "Försök skicka igen" in html
    assert "Expediera beslutet" not in html
    assert reverse("registry:document_detail", args=[excerpt.pk]) in html
    # The public sees the states, not addresses or server errors.
    client.logout()
    public = _html(client.get(url))
    assert "Kunde inte skickas" in public and "trasig@fabs.se" not in public and "Mailservern" not in public
    assert "Försök skicka igen" not in public
    # The server is back: retrying sends the one that failed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    client.force_login(registrar)
    response = client.post(reverse("decisions:decision_dispatch", args=[d.pk]), {"action": "retry"}, follow=True)
    assert "1 utskick har lagts i kö igen." in _html(response)
    assert [m.to for m in mail.outbox] == [["trasig@fabs.se"]]
    assert not d.recipients.exclude(state=DecisionRecipient.State.SENT).exists()


def test_dispatch_before_adjustment_is_refused_with_a_message(client, registrar, meeting, case):
    decisions.meeting_open(actor=registrar, meeting=meeting)
    d = _record(registrar, meeting, case, recipients=[decisions.RecipientInput(name="FABS AB")])
    client.force_login(registrar)
    response = client.post(reverse("decisions:decision_dispatch", args=[d.pk]), follow=True)
    assert "Protokollet är inte justerat. Beslutet expedieras efter justeringen." in _html(response)
    assert not Document.objects.filter(direction=Document.Direction.OUTGOING).exists()


# --- officer's reports, proposals and the case page --------------------------------------------------
def test_a_case_officer_writes_a_report_and_the_case_shows_its_proposals(client, org, ks, kf, registrar, case):
    officer = f.user(org, Role.CASE_OFFICER, organ=ks)
    client.force_login(officer)
    page = _html(client.get(reverse("registry:case_detail", args=[case.pk])))
    assert "Skriv tjänsteskrivelse" in page
    url = reverse("decisions:officer_report_create", args=[case.pk])
    form = _html(client.get(url))
    assert case.title in form and "Göran Westerlund" in form  # the case officer signs by default
    response = client.post(url, {
        "title": "Digital målbild och handlingsplan", "addressed_to": ks.pk, "office": "Kommunledningskontoret",
        "report_date": "2018-08-23", "background": "KF antog den 25 november 2015, § 180 e-strategi.",
        "opinion": "Handlingsplanen godkänns.",
        "proposal_1_organ": ks.pk, "proposal_1_text": PLAN_TEXT, "proposal_1_condition_organ": kf.pk,
        "proposal_1_condition_text": "att KF antar målbilden",
        "proposal_2_organ": kf.pk, "proposal_2_text": "Digital målbild antas.",
        "dispatch_to": "Samtliga nämnder\nFABS AB\n", "signatory_1_name": "Anneli Schwartz",
        "signatory_1_title": "Tf. Kommundirektör", "signatory_2_name": "Göran Westerlund",
        "signatory_2_title": "Digitaliseringsansvarig",
    })
    report = OfficerReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:case_detail", args=[case.pk]) + "#beslutsgang"
    assert [p.organ.code for p in report.proposals.all()] == ["KS", "KF"]
    assert report.dispatch_to == "Samtliga nämnder\nFABS AB"
    assert report.signatories[0] == {"name": "Anneli Schwartz", "title": "Tf. Kommundirektör"}
    html = _html(client.get(response.url))
    assert f"Tjänsteskrivelsen är registrerad som {case.diary_number}-{report.document.number}" in html
    assert "Förslag till Kommunstyrelsen" in html and "Förslag till Kommunfullmäktige" in html
    assert "Villkor: beslut av Kommunfullmäktige" in html
    # The case officer does not run meetings: no "Sätt upp på sammanträde" for them.
    assert "Sätt upp på sammanträde" not in html
    client.force_login(registrar)
    html = _html(client.get(response.url))
    assert html.count("Sätt upp på sammanträde<span") == 2


def test_report_form_errors_are_swedish(client, registrar, case, ks):
    client.force_login(registrar)
    url = reverse("decisions:officer_report_create", args=[case.pk])
    response = client.post(url, {"title": "", "addressed_to": ks.pk, "report_date": "2018-08-23", "background": ""})
    assert response.status_code == 400
    html = _html(response)
    for message in ("Ange en rubrik.", "Beskriv ärendet (ärendebeskrivning).", "Skriv minst ett förslag till beslut."):
        assert message in html, message
    response = client.post(url, {"title": "T", "addressed_to": ks.pk, "report_date": "23 aug",
                                 "background": "B", "proposal_1_text": "Förslag utan organ"})
    html = _html(response)
    assert "Ange datum som ÅÅÅÅ-MM-DD." in html and "Välj det organ som förslaget ställs till." in html
    assert not OfficerReport.objects.exists()


def test_a_proposal_is_put_on_a_planned_meeting_with_the_report(client, registrar, meeting, report, kf):
    proposal = report.proposals.get(organ=meeting.organ)
    client.force_login(registrar)
    url = reverse("decisions:proposal_to_agenda", args=[proposal.pk])
    html = _html(client.get(url))
    assert "Kommunstyrelsen" in html and "KS 2018-09-24 kl. 13:00, KS-salen" in html
    assert "under förutsättning att kommunfullmäktige antar" in html
    response = client.post(url, {"meeting": meeting.pk, "documents": [str(report.document_id)]})
    assert response.status_code == 302 and response.url.endswith("#dagordning")
    item = AgendaItem.objects.get()
    assert item.proposal == proposal and list(item.supporting_documents.all()) == [report.document]
    html = _html(client.get(reverse("registry:case_detail", args=[report.case_id])))
    assert "På föredragningslistan" in html and "KS 2018-09-24" in html
    assert html.count("Sätt upp på sammanträde<span") == 1  # only the KF proposal waits
    # No planned meeting of KF: the page says so and offers to plan one.
    html = _html(client.get(reverse("decisions:proposal_to_agenda", args=[report.proposals.get(organ=kf).pk])))
    assert "Det finns inget planerat sammanträde med Kommunfullmäktige." in html
    assert reverse("decisions:meeting_create") + f"?organ={kf.pk}" in html


def test_the_case_chain_shows_what_each_reader_may_see(client, registrar, meeting, report, kf, people):
    proposal = report.proposals.get(organ=meeting.organ)
    item = decisions.proposal_to_agenda(actor=registrar, proposal=proposal, meeting=meeting)
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    d = _record(registrar, meeting, report.case, item=item, text=PLAN_TEXT, condition_organ=kf)
    url = reverse("registry:case_detail", args=[report.case_id])

    def section(html):
        return html[html.index('id="beslutsgang"'):html.index('id="atgarder"')]

    public = section(_html(client.get(url)))
    assert "På föredragningslistan, punkt 1" in public and "Förslag till Kommunstyrelsen" in public
    assert d.reference not in public  # not adjusted
    assert "Tjänsteskrivelse:" not in public and "Skriv tjänsteskrivelse" not in public
    client.force_login(registrar)
    html = section(_html(client.get(url)))
    assert f"{d.reference} Handlingsplan för digital målbild" in html and "Villkorat, väntar" in html
    assert "Tjänsteskrivelse: Digital målbild och handlingsplan" in html
    f.adjust(registrar, meeting)
    client.logout()
    assert f'{d.reference} Handlingsplan för digital målbild</a>' in section(_html(client.get(url)))


def test_a_report_marked_secret_is_not_named_in_the_public_case_chain(client, registrar, reader, report):
    """The chain names a proposal's report by its title; once the report's
    document is marked secret, the report and its proposals are left out for
    those who may not read it, as in the list of reports."""
    registry.document_mark_secret(actor=registrar, document=report.document, ground="OSL 26 kap. 1 §",
                                  masked_fields=["description"])
    url = reverse("registry:case_detail", args=[report.case_id])
    for user in (None, reader):
        client.logout()
        if user is not None:
            client.force_login(user)
        html = _html(client.get(url))
        assert "Digital målbild och handlingsplan" not in html and "Förslag till Kommunstyrelsen" not in html
    client.force_login(registrar)
    assert "Förslag till Kommunstyrelsen (Digital målbild och handlingsplan)" in _html(client.get(url))


def test_the_case_page_with_no_meetings_work_costs_one_query_more(client, django_assert_max_num_queries, registrar,
                                                                  case):
    client.force_login(registrar)
    # One more than before for the earlier decisions the case's documents cite (diarium.reading).
    with django_assert_max_num_queries(11):
        html = _html(client.get(reverse("registry:case_detail", args=[case.pk])))
    assert "Skriv tjänsteskrivelse" in html


# --- assignments ------------------------------------------------------------------------------------
def test_open_assignments_are_listed_and_a_case_answers_one(client, org, registrar, ks, kf, people):
    council = f.meeting(registrar, kf, dt.date(2017, 12, 13), members=[(people.member, "chair")],
                        adjusters=[people.adjuster])
    decisions.meeting_open(actor=registrar, meeting=council)
    strategy = _record(registrar, council, None, title="Flerårsstrategi 2018–2020", text="Flerårsstrategin antas.",
                       assignments=[decisions.AssignmentInput(
                           organ=ks, description="Ta skyndsamt fram ett program för Alingsås digitala färdriktning.",
                           deadline=dt.date(2018, 12, 31))])
    url = reverse("decisions:assignment_list")
    assert "digitala färdriktning" not in _html(client.get(url))  # not adjusted yet
    f.adjust(registrar, council)
    html = _html(client.get(url))
    assert "Pågående uppdrag till Kommunstyrelsen" in html and "digitala färdriktning" in html
    assert strategy.reference in html and "2018-12-31" in html
    assert "Pågående uppdrag till Kommunstyrelsen" not in _html(client.get(url, {"organ": kf.pk}))
    assignment = Assignment.objects.get()
    detail = reverse("decisions:assignment_detail", args=[assignment.pk])
    public = _html(client.get(detail))
    assert "digitala färdriktning" in public and "Koppla ärendet" not in public
    assert client.post(detail, {"diary_number": "x"}).status_code == 302  # to the login page
    answering = f.case(registrar, ks)
    client.force_login(registrar)
    response = client.post(detail, {"diary_number": "2099.1 KS"})
    assert response.status_code == 400 and "Det finns inget ärende med diarienummer 2099.1 KS." in _html(response)
    response = client.post(detail, {"diary_number": answering.diary_number})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.answering_case == answering
    html = _html(client.get(reverse("registry:case_detail", args=[answering.pk])))
    assert "Uppdrag som ärendet besvarar" in html and strategy.reference in html
    assert answering.diary_number in _html(client.get(url))


def test_a_decision_gives_an_assignment_and_forwards_a_proposal_through_the_form(client, registrar, meeting, case,
                                                                                 kf):
    item = _item(registrar, meeting, case)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    client.force_login(registrar)
    response = client.post(reverse("decisions:decision_record", args=[meeting.pk]), {
        "agenda_item": item.pk, "title": "", "text": "Kommunstyrelsen föreslår kommunfullmäktige att anta målbilden.",
        "outcome": "adopted", "forward_organ": kf.pk, "forward_text": "Digital målbild antas.",
        "assignment_organ": kf.pk, "assignment_description": "Följ upp målbilden.",
        "assignment_deadline": "2019-06-30",
    })
    assert response.status_code == 302
    d = Decision.objects.get()
    assert d.title == case.title  # the item's title
    forwarded = Proposal.objects.get(from_decision=d)
    assert forwarded.organ == kf and forwarded.text == "Digital målbild antas."
    assert d.assignments.get().deadline == dt.date(2019, 6, 30)
    html = _html(client.get(response.url))
    assert "Förslag till annat organ" in html and "Uppdrag till Kommunfullmäktige" in html
    html = _html(client.get(reverse("registry:case_detail", args=[case.pk])))
    assert "Förslag från beslut" in html and d.reference in html


def _meeting_page_queries(client, registrar, organ, people, n_items: int, day: dt.date) -> tuple[int, int]:
    """Queries for the meeting page and the minutes page of an adjusted meeting
    with n items, each with a case, two supporting documents and a decision."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = f.meeting(registrar, organ, day, adjusters=[people.adjuster], chair=people.chair)
    for i in range(n_items):
        c = f.case(registrar, organ, title=f"Ärende {i}")
        docs = [f.document(registrar, c, direction="drawn_up", counterpart="", description=f"Underlag {i}-{j}")
                for j in range(2)]
        decisions.agenda_item_add(actor=registrar, meeting=meeting, case=c, documents=docs)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    for item in meeting.items.all():
        decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, text="Beslut",
                                  recipients=[decisions.RecipientInput(name="Ekonomienheten")])
    f.adjust(registrar, meeting)
    counts = []
    for url in (reverse("decisions:meeting_detail", args=[meeting.pk]), reverse("decisions:minutes", args=[meeting.pk])):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    return tuple(counts)


def test_meeting_and_minutes_pages_cost_the_same_queries_for_3_or_30_items(client, registrar, ks, people):
    for p, role in _seats(people):
        decisions.membership_add(actor=registrar, organ=ks, person=p, role=role, start=dt.date(2018, 1, 1))
    client.force_login(registrar)
    small = _meeting_page_queries(client, registrar, ks, people, 3, dt.date(2018, 9, 24))
    large = _meeting_page_queries(client, registrar, ks, people, 30, dt.date(2018, 10, 22))
    assert small == large, (small, large)
    assert max(small) <= 25


def test_the_notice_board_shows_posted_minutes_with_the_appeal_period(client, registrar, meeting, case, people):
    decisions.meeting_open(actor=registrar, meeting=meeting)
    decisions.decision_record(actor=registrar, meeting=meeting, case=case, title="Digital målbild", text="Godkänns.")
    today = dt.date.today()
    with f.on_day(today - dt.timedelta(days=2)):  # adjusted and posted two days ago
        f.adjust(registrar, meeting, posted_on=today - dt.timedelta(days=2))
    html = _html(client.get(reverse("decisions:notice_board")))
    board = html.split('id="anslaget"')[1].split('id="nedtagna"')[0]
    assert "Kommunstyrelsen" in board
    assert (today - dt.timedelta(days=2)).isoformat() in board  # posted
    assert (today + dt.timedelta(days=19)).isoformat() in board  # taken down / last day to appeal
    assert reverse("decisions:minutes", args=[meeting.pk]) in board
    assert "Inga tillkännagivanden har tagits ned" in html
