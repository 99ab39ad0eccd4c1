"""Issue 19, the calendar and the notice: a meeting follows kommunallagen's
order. It is not opened before its day, decisions are recorded only while it
is open, the minutes are adjusted only after it has closed, by the chair and
every adjuster, each once, and posted no earlier than the adjustment. A
notice goes out only when the organ has members and the meeting a chair; the
drawn-up notice and minutes are on the meeting page, and the secretary sees
whom the notice reached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from diarium.core.errors import DomainError
from diarium.decisions import services as decisions
from diarium.decisions.models import Meeting, Minutes

from . import factories as f
from .api_support import bearer, token_for
from .pdf_support import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats(org, ks):
    chair = f.person(org, "Daniel Filipsson", email="daniel.filipsson@alingsas.se")
    adjuster = f.person(org, "Anna-Karin Schill", email="anna-karin.schill@alingsas.se")
    member = f.person(org, "Simon Waern")  # no e-mail address
    return {"chair": chair, "adjuster": adjuster, "member": member}


def _meeting(registrar, ks, seats, day, **kw):
    return f.meeting(registrar, ks, day, members=[(seats["chair"], "chair"), (seats["adjuster"], "member"),
                                                  (seats["member"], "member")],
                     adjusters=[seats["adjuster"]], place="Stadshuset", **kw)


# --- the calendar ------------------------------------------------------------------------------------
def test_a_meeting_is_not_opened_before_its_day_and_nothing_is_decided_or_adjusted_early(registrar, ks, seats):
    day = timezone.localdate() + dt.timedelta(days=8)  # the meeting of 2026-12-14, tried on 2026-12-06
    meeting = _meeting(registrar, ks, seats, day)
    decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Budget")
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    with pytest.raises(DomainError, match=f"hålls {day.isoformat()} och kan inte öppnas före den dagen"):
        decisions.meeting_open(actor=registrar, meeting=meeting)
    with pytest.raises(DomainError):
        decisions.decision_record(actor=registrar, meeting=meeting, title="Budget", text="Antas.")
    with pytest.raises(DomainError, match="avslutas innan protokollet justeras"):
        decisions.minutes_sign(actor=registrar, meeting=meeting, person=seats["chair"], role="chair")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTICE_PUBLISHED and meeting.opened_at is None
    assert not Minutes.objects.filter(meeting=meeting).exists()

    with f.on_day(day, hour=13):  # on the day itself, the meeting opens
        decisions.meeting_open(actor=registrar, meeting=meeting)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.OPENED
        assert timezone.localtime(meeting.opened_at).date() == day


def test_the_api_and_the_page_say_why_a_meeting_cannot_be_opened_yet(client, registrar, ks, seats):
    day = timezone.localdate() + dt.timedelta(days=1)
    meeting = _meeting(registrar, ks, seats, day)
    response = client.post(f"/api/meetings/{meeting.pk}/open", **bearer(token_for(registrar)))
    assert response.status_code == 400
    assert response.json()["detail"] == f"Sammanträdet hålls {day.isoformat()} och kan inte öppnas före den dagen."
    client.force_login(registrar)
    page = client.post(reverse("decisions:meeting_status", args=[meeting.pk]), {"action": "open"}, follow=True)
    assert "kan inte öppnas före den dagen" in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


# --- adjusting the minutes ----------------------------------------------------------------------------
def _held(registrar, ks, seats, **kw):
    meeting = _meeting(registrar, ks, seats, timezone.localdate() - dt.timedelta(days=3), **kw)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    decisions.decision_record(actor=registrar, meeting=meeting, title="Budget", text="Antas.")
    decisions.meeting_close(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def test_each_signer_signs_once_and_the_minutes_are_posted_no_earlier_than_adjusted(registrar, ks, seats):
    meeting = _held(registrar, ks, seats)
    decisions.minutes_sign(actor=registrar, meeting=meeting, person=seats["adjuster"], role="adjuster")
    with pytest.raises(DomainError, match="Anna-Karin Schill har redan justerat protokollet"):
        decisions.minutes_sign(actor=registrar, meeting=meeting, person=seats["adjuster"], role="adjuster")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(DomainError, match="kan inte anslås före justeringen") as early:
        decisions.minutes_sign(actor=registrar, meeting=meeting, person=seats["chair"], role="chair",
                               posted_on=yesterday)
    assert list(early.value.errors) == ["posted_on"]
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.adjusted_at is None and minutes.signatures.count() == 1  # nothing half-written
    decisions.minutes_sign(actor=registrar, meeting=meeting, person=seats["chair"], role="chair")
    minutes.refresh_from_db()
    assert minutes.adjusted_at and minutes.posted_on == timezone.localdate()
    assert minutes.appeal_ends_on == timezone.localdate() + dt.timedelta(days=21)


def test_minutes_are_not_adjusted_without_a_chair(registrar, ks, org):
    adjuster = f.person(org, "Anna-Karin Schill")
    meeting = f.meeting(registrar, ks, timezone.localdate() - dt.timedelta(days=3), members=[(adjuster, "member")],
                        adjusters=[adjuster])
    assert meeting.chair_id is None
    decisions.meeting_open(actor=registrar, meeting=meeting)
    decisions.meeting_close(actor=registrar, meeting=meeting)
    with pytest.raises(DomainError, match="ingen ordförande"):
        decisions.minutes_sign(actor=registrar, meeting=meeting, person=adjuster, role="adjuster")
    assert not Minutes.objects.filter(meeting=meeting, adjusted_at__isnull=False).exists()


# --- the notice ---------------------------------------------------------------------------------------
def test_a_notice_needs_an_agenda_members_and_a_chair_and_says_all_that_is_missing(client, registrar, ks):
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=timezone.localdate() + dt.timedelta(days=14))
    with pytest.raises(DomainError) as missing:
        decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    assert str(missing.value) == "Kallelsen kan inte skickas."
    assert set(missing.value.errors) == {"items", "members", "chair"}
    assert "Kommunstyrelsen har inga ledamöter" in missing.value.errors["members"][0]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and meeting.notice_blob_id is None and not mail.outbox

    response = client.post(f"/api/meetings/{meeting.pk}/publish-notice", **bearer(token_for(registrar)))
    assert response.status_code == 400 and set(response.json()["errors"]) == {"items", "members", "chair"}


def test_the_notice_and_the_minutes_are_on_the_meeting_page_and_the_secretary_sees_whom_it_reached(
        client, registrar, ks, seats):
    meeting = _meeting(registrar, ks, seats, timezone.localdate() - dt.timedelta(days=3))
    case = f.case(registrar, ks, title="Budget för 2027")
    decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, title="Budget för 2027")
    page_url = reverse("decisions:meeting_detail", args=[meeting.pk])
    notice_url = reverse("decisions:meeting_document", args=[meeting.pk, "kallelse"])
    minutes_url = reverse("decisions:meeting_document", args=[meeting.pk, "protokoll"])
    client.force_login(registrar)
    assert client.get(notice_url).status_code == 404  # not sent yet
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    staff_page = client.get(page_url).content.decode()
    assert "Kallelsen skickades med e-post till 2 ledamöter och ersättare: Anna-Karin Schill, Daniel Filipsson." in \
        staff_page
    assert "Saknar e-postadress och har inte fått kallelsen med e-post:</strong> Simon Waern." in staff_page
    client.logout()

    public_page = client.get(page_url).content.decode()
    assert notice_url in public_page and minutes_url not in public_page
    assert "Kallelsen skickades" not in public_page and "anna-karin.schill@alingsas.se" not in public_page
    notice = client.get(notice_url)
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    notice_text = pdf_text(b"".join(notice.streaming_content))
    assert "Budget för 2027" in notice_text and case.diary_number in notice_text
    assert client.get(minutes_url).status_code == 404  # not adjusted yet
    assert client.get(reverse("decisions:meeting_document", args=[meeting.pk, "annat"])).status_code == 404

    decisions.meeting_open(actor=registrar, meeting=meeting)
    decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=meeting.items.get(), text="Antas.")
    f.adjust(registrar, meeting)
    assert minutes_url in client.get(page_url).content.decode()
    minutes = client.get(minutes_url)
    assert minutes.status_code == 200 and minutes["Content-Type"] == "application/pdf"
    assert "Budget för 2027" in pdf_text(b"".join(minutes.streaming_content))


# --- attendance: substitutes called in, and the quorum ----------------------------------------------------
def test_absent_members_are_replaced_by_substitutes_in_their_order_and_the_quorum_is_checked(client, registrar, ks,
                                                                                             org):
    people = {name: f.person(org, name) for name in (
        "Ordförande Ek", "Ledamot Berg", "Ledamot Lund", "Ledamot Holm", "Ledamot Sten", "Ersättare Ås",
        "Ersättare Björk")}
    day = timezone.localdate() - dt.timedelta(days=1)
    for name, role in (("Ordförande Ek", "chair"), ("Ledamot Berg", "member"), ("Ledamot Lund", "member"),
                       ("Ledamot Holm", "member"), ("Ledamot Sten", "member")):
        decisions.membership_add(actor=registrar, organ=ks, person=people[name], role=role, start=day)
    decisions.membership_add(actor=registrar, organ=ks, person=people["Ersättare Ås"], role="substitute", start=day,
                             substitute_order=2)
    decisions.membership_add(actor=registrar, organ=ks, person=people["Ersättare Björk"], role="substitute",
                             start=day, substitute_order=1)
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=day, adjusters=[people["Ledamot Berg"]])
    decisions.meeting_open(actor=registrar, meeting=meeting)
    present = ["Ordförande Ek", "Ledamot Berg", "Ersättare Ås", "Ersättare Björk"]
    decisions.attendance_set(actor=registrar, meeting=meeting, present_ids=[people[n].pk for n in present])
    serving = {a.person.name: a.replaces.name for a in meeting.attendance.filter(replaces__isnull=False)
               .select_related("person", "replaces")}
    # Björk is first in the order and takes the first absent member's seat (by name: Holm), Ås the next (Lund).
    assert serving == {"Ersättare Björk": "Ledamot Holm", "Ersättare Ås": "Ledamot Lund"}
    from diarium.decisions import selectors
    assert (selectors.quorum(meeting).present, selectors.quorum(meeting).seats) == (4, 5)
    client.force_login(registrar)
    form = client.get(reverse("decisions:decision_record", args=[meeting.pk])).content.decode()
    assert "Beslutfört: 4 av 5 ledamöter närvarande eller ersatta." in form

    decisions.attendance_set(actor=registrar, meeting=meeting, present_ids=[people["Ordförande Ek"].pk,
                                                                            people["Ledamot Berg"].pk])
    form = client.get(reverse("decisions:decision_record", args=[meeting.pk])).content.decode()
    assert "Kommunstyrelsen är inte beslutför." in form and "Bara 2 av 5 ledamöter" in form
    assert "6 kap. 27 § kommunallagen" in form
    page = client.get(reverse("decisions:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Kommunstyrelsen är inte beslutför." in page

    decisions.attendance_set(actor=registrar, meeting=meeting, present_ids=[people[n].pk for n in present])
    decisions.decision_record(actor=registrar, meeting=meeting, title="Budget", text="Antas.")
    f.adjust(registrar, meeting)
    minutes = pdf_text(b"".join(client.get(reverse("decisions:meeting_document",
                                                   args=[meeting.pk, "protokoll"])).streaming_content))
    assert "Tjänstgörande ersättare" in minutes and "Frånvarande ledamöter" in minutes
    assert minutes.index("Frånvarande ledamöter") < minutes.index("Ledamot Holm", minutes.index("Frånvarande"))
    assert "Ersättare Björk (tjänstgör för Ledamot Holm)" in minutes
    assert "Ersättare Ås (tjänstgör för Ledamot Lund)" in minutes


# --- conflicts of interest (jäv) ---------------------------------------------------------------------------
def test_a_member_declares_a_conflict_and_a_substitute_serves_for_that_item_only(client, registrar, ks, org):
    people = {name: f.person(org, name) for name in (
        "Ordförande Ek", "Ledamot Berg", "Ledamot Lund", "Ersättare Ås", "Ersättare Björk")}
    day = timezone.localdate() - dt.timedelta(days=1)
    for name, role, order in (("Ordförande Ek", "chair", None), ("Ledamot Berg", "member", None),
                              ("Ledamot Lund", "member", None), ("Ersättare Ås", "substitute", 1),
                              ("Ersättare Björk", "substitute", 2)):
        decisions.membership_add(actor=registrar, organ=ks, person=people[name], role=role, start=day,
                                 substitute_order=order)
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=day, adjusters=[people["Ledamot Berg"]])
    bygglov = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=f.case(registrar, ks,
                                                                                      title="Bygglov Ängen 3"))
    budget = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Budget")
    with pytest.raises(DomainError, match="medan sammanträdet pågår"):
        decisions.conflict_declare(actor=registrar, meeting=meeting, item=bygglov, person=people["Ledamot Lund"])
    decisions.meeting_open(actor=registrar, meeting=meeting)

    client.force_login(registrar)
    response = client.post(reverse("decisions:conflict_declare", args=[meeting.pk]),
                           {"item": bygglov.pk, "person": people["Ledamot Lund"].pk}, follow=True)
    page = response.content.decode()
    assert "Ledamot Lund anmäler jäv i punkt 1. Ersättare Ås tjänstgör i stället." in page
    assert "Punkt 1: Ledamot Lund anmäler jäv och deltar inte i handläggningen av ärendet." in page
    with pytest.raises(DomainError, match="Ledamot Lund har redan anmält jäv i punkt 1"):
        decisions.conflict_declare(actor=registrar, meeting=meeting, item=bygglov, person=people["Ledamot Lund"])
    with pytest.raises(DomainError, match="Ersättare Björk är inte beslutande i punkt 1"):
        decisions.conflict_declare(actor=registrar, meeting=meeting, item=bygglov, person=people["Ersättare Björk"])

    on_bygglov = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=bygglov, text="Beviljas.")
    on_budget = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=budget, text="Antas.")
    assert {p.name for p in on_bygglov.participants.all()} == {"Ordförande Ek", "Ledamot Berg", "Ersättare Ås"}
    assert {p.name for p in on_budget.participants.all()} == {"Ordförande Ek", "Ledamot Berg", "Ledamot Lund"}
    with pytest.raises(DomainError, match="redan protokollfört"):
        decisions.conflict_declare(actor=registrar, meeting=meeting, item=budget, person=people["Ledamot Berg"])

    f.adjust(registrar, meeting)
    decision_page = client.get(reverse("decisions:decision_detail", args=[on_bygglov.pk])).content.decode()
    assert "Ledamot Lund anmäler jäv och deltar inte i handläggningen av ärendet." in decision_page
    minutes = pdf_text(b"".join(client.get(reverse("decisions:meeting_document",
                                                   args=[meeting.pk, "protokoll"])).streaming_content))
    assert "Ledamot Lund anmäler jäv och deltar inte i handläggningen av ärendet. Ersättare Ås tjänstgör i " \
           "stället för Ledamot Lund." in minutes


def test_the_api_takes_a_declared_conflict(client, registrar, ks, seats):
    meeting = _meeting(registrar, ks, seats, timezone.localdate())
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Budget")
    decisions.meeting_open(actor=registrar, meeting=meeting)
    auth = bearer(token_for(registrar))
    from .api_support import post_json
    response = post_json(client, f"/api/meetings/{meeting.pk}/conflicts",
                         {"item": item.pk, "person": seats["member"].pk}, **auth)
    assert response.status_code == 201, response.content
    again = post_json(client, f"/api/meetings/{meeting.pk}/conflicts", {"item": item.pk, "person": seats["member"].pk},
                      **auth)
    assert again.status_code == 400 and "redan anmält jäv" in again.json()["errors"]["person"][0]
    unknown = post_json(client, f"/api/meetings/{meeting.pk}/conflicts", {"item": 999999, "person": seats["member"].pk},
                        **auth)
    assert unknown.status_code == 400 and "item" in unknown.json()["errors"]


def test_a_substitute_of_the_absent_members_own_party_is_called_in_first(registrar, ks, org):
    day = timezone.localdate()
    people = {}
    for name, role, party, order in (("Ordförande Ek", "chair", "M", None), ("Ledamot Lund", "member", "S", None),
                                     ("Ledamot Holm", "member", "C", None), ("Ersättare Ås", "substitute", "M", 1),
                                     ("Ersättare Björk", "substitute", "S", 2)):
        people[name] = f.person(org, name)
        decisions.membership_add(actor=registrar, organ=ks, person=people[name], role=role, start=day, party=party,
                                 substitute_order=order)
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=day, adjusters=[people["Ledamot Holm"]])
    decisions.meeting_open(actor=registrar, meeting=meeting)
    present = ["Ordförande Ek", "Ledamot Holm", "Ersättare Ås", "Ersättare Björk"]
    decisions.attendance_set(actor=registrar, meeting=meeting, present_ids=[people[n].pk for n in present])
    serving = {a.person.name: a.replaces.name for a in meeting.attendance.filter(replaces__isnull=False)
               .select_related("person", "replaces")}
    assert serving == {"Ersättare Björk": "Ledamot Lund"}  # S for S, though Ås is first in the order
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Bygglov")
    conflict = decisions.conflict_declare(actor=registrar, meeting=meeting, item=item, person=people["Ledamot Holm"])
    assert conflict.substitute == people["Ersättare Ås"]  # no C substitute: the next in the order serves


def test_a_member_who_leaves_at_an_item_is_replaced_from_it_on_and_the_minutes_say_so(client, registrar, ks, org):
    day = timezone.localdate()
    people = {}
    for name, role, order in (("Ordförande Ek", "chair", None), ("Ledamot Lund", "member", None),
                              ("Ledamot Holm", "member", None), ("Ersättare Ås", "substitute", 1)):
        people[name] = f.person(org, name)
        decisions.membership_add(actor=registrar, organ=ks, person=people[name], role=role, start=day,
                                 substitute_order=order)
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=day, adjusters=[people["Ledamot Holm"]])
    first, second, third = (decisions.agenda_item_add(actor=registrar, meeting=meeting, title=t)
                            for t in ("Budget", "Bygglov", "Taxor"))
    with pytest.raises(DomainError, match="medan sammanträdet pågår"):
        decisions.attendance_change(actor=registrar, meeting=meeting, person=people["Ledamot Lund"], item=second,
                                    kind="leaves")
    decisions.meeting_open(actor=registrar, meeting=meeting)
    on_first = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=first, text="Antas.")
    with pytest.raises(DomainError, match="redan protokollfört"):
        decisions.attendance_change(actor=registrar, meeting=meeting, person=people["Ledamot Lund"], item=first,
                                    kind="leaves")
    client.force_login(registrar)
    page = client.post(reverse("decisions:item_handling_post", args=[meeting.pk, second.pk]),
                       {"action": "attendance", "person": people["Ledamot Lund"].pk, "kind": "leaves", "at": "15:10"},
                       follow=True).content.decode()
    assert "Ledamot Lund lämnar från punkt 2." in page
    with pytest.raises(DomainError, match="Ledamot Lund är inte närvarande vid punkt 3"):
        decisions.attendance_change(actor=registrar, meeting=meeting, person=people["Ledamot Lund"], item=third,
                                    kind="leaves")
    bad_time = client.post(reverse("decisions:item_handling_post", args=[meeting.pk, third.pk]),
                           {"action": "attendance", "person": people["Ledamot Lund"].pk, "kind": "arrives",
                            "at": "25:99"}, follow=True).content.decode()
    assert "Ange ett klockslag (TT:MM)." in bad_time
    decisions.attendance_change(actor=registrar, meeting=meeting, person=people["Ledamot Lund"], item=third,
                                kind="arrives")
    on_second = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=second, text="Beviljas.")
    on_third = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=third, text="Antas.")
    names = lambda d: {p.name for p in d.participants.all()}  # noqa: E731
    assert names(on_first) == names(on_third) == {"Ordförande Ek", "Ledamot Lund", "Ledamot Holm"}
    assert names(on_second) == {"Ordförande Ek", "Ledamot Holm", "Ersättare Ås"}
    f.adjust(registrar, meeting)
    minutes = " ".join(pdf_text(b"".join(client.get(reverse("decisions:meeting_document",
                                                            args=[meeting.pk, "protokoll"])).streaming_content)).split())
    assert "Ledamot Lund lämnar sammanträdet och deltar inte från denna paragraf (kl. 15:10)." in minutes
    assert "Ledamot Lund ankommer och deltar från denna paragraf." in minutes


def test_a_substitute_never_serves_for_two_members_at_once(registrar, ks, org):
    day = timezone.localdate()
    people = {}
    for name, role, order in (("Ordförande Ek", "chair", None), ("Ledamot Lund", "member", None),
                              ("Ledamot Holm", "member", None), ("Ersättare Ås", "substitute", 1)):
        people[name] = f.person(org, name)
        decisions.membership_add(actor=registrar, organ=ks, person=people[name], role=role, start=day,
                                 substitute_order=order)
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=day, adjusters=[people["Ledamot Holm"]])
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Bygglov")
    decisions.meeting_open(actor=registrar, meeting=meeting)
    first = decisions.conflict_declare(actor=registrar, meeting=meeting, item=item, person=people["Ledamot Lund"])
    second = decisions.conflict_declare(actor=registrar, meeting=meeting, item=item, person=people["Ledamot Holm"])
    assert first.substitute == people["Ersättare Ås"] and second.substitute is None
    from diarium.decisions import selectors
    assert [p.name for p in selectors.deciding(meeting, item)].count("Ersättare Ås") == 1
    # Two absent members and one substitute present: one seat stays empty.
    decisions.attendance_set(actor=registrar, meeting=meeting,
                             present_ids=[people["Ordförande Ek"].pk, people["Ersättare Ås"].pk])
    assert meeting.attendance.filter(replaces__isnull=False).count() == 1
    assert selectors.quorum(meeting).present == 2
