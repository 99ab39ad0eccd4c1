"""Issue 19, the council's own matters: motions, interpellations, questions and
citizen proposals, each registered as its own case and followed to its answer.
A motion is to be decided within a year (kommunallagen 5 kap. 35 §), and the
list of those unanswered is drawn up for the council; a citizen proposal's
author is a private person whom the public never sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from diarium.accounts.models import Organ
from diarium.core.errors import DomainError
from diarium.decisions import services as decisions
from diarium.decisions.models import CouncilMatter
from diarium.registry.models import Event

from . import factories as f
from .pdf_support import pdf_text

pytestmark = pytest.mark.django_db

CITIZEN = "Elin Johansson"


@pytest.fixture
def council(registrar, org):
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    people = {name: f.person(org, name) for name in ("Anna Ek", "Bo Berg", "Cecilia Ström")}
    start = timezone.localdate() - dt.timedelta(days=800)
    for name, role in (("Anna Ek", "chair"), ("Bo Berg", "member")):
        decisions.membership_add(actor=registrar, organ=kf, person=people[name], role=role, start=start)
    return {"kf": kf, **people}


def test_a_motion_is_decided_within_a_year_and_the_unanswered_are_reported(client, registrar, council):
    kf, today = council["kf"], timezone.localdate()
    old = decisions.council_matter_register(
        actor=registrar, organ=kf, kind="motion", title="Motion om fler laddstolpar vid Stadshuset",
        submitted_on=today - dt.timedelta(days=400), mover=council["Bo Berg"])
    fresh = decisions.council_matter_register(
        actor=registrar, organ=kf, kind="citizen_proposal", title="Medborgarförslag om en hundrastgård i Noltorp",
        submitted_on=today - dt.timedelta(days=30), submitter=CITIZEN)
    assert old.case.diary_number and old.case.documents.get().direction == "incoming"

    page = client.get(reverse("decisions:council_matters", args=[kf.pk])).content.decode()
    assert "Motion om fler laddstolpar vid Stadshuset" in page and "Tiden är överskriden" in page
    due = (fresh.submitted_on.replace(year=fresh.submitted_on.year + 1))
    assert f"{due:%Y-%m-%d}" in page and f"{(due - today).days} dagar kvar" in page
    assert CITIZEN not in page  # the author of a citizen proposal is a private person
    report = " ".join(pdf_text(client.get(reverse("decisions:unanswered_report", args=[kf.pk])).content).split())
    assert "Redovisning av obesvarade motioner och medborgarförslag till Kommunfullmäktige" in report
    assert old.case.diary_number in report and "Tiden är överskriden" in report and CITIZEN not in report

    # The council decides the motion on its case: it is answered, with the decision, and leaves the report.
    meeting = f.meeting(registrar, kf, today, chair=council["Anna Ek"])
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=old.case)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    decision = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item,
                                         text="Motionen anses besvarad.")
    old.refresh_from_db()
    assert old.answered_on == today and old.answer_decision == decision
    assert Event.objects.filter(case=old.case, kind="council_matter_answered").exists()
    report = " ".join(pdf_text(client.get(reverse("decisions:unanswered_report", args=[kf.pk])).content).split())
    assert old.case.diary_number not in report and fresh.case.diary_number in report


def test_a_referral_back_does_not_answer_a_motion(registrar, council):
    kf, today = council["kf"], timezone.localdate()
    motion = decisions.council_matter_register(actor=registrar, organ=kf, kind="motion", title="Motion om cykelbanor",
                                               submitted_on=today, mover=council["Anna Ek"])
    meeting = f.meeting(registrar, kf, today, chair=council["Anna Ek"])
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=motion.case)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, text="Återremitteras.",
                              outcome="referred_back")
    motion.refresh_from_db()
    assert motion.answered_on is None


def test_an_interpellation_is_answered_at_a_held_meeting(client, registrar, council):
    kf, today = council["kf"], timezone.localdate()
    interpellation = decisions.council_matter_register(
        actor=registrar, organ=kf, kind="interpellation", title="Interpellation om skolskjutsarna",
        submitted_on=today - dt.timedelta(days=10), mover=council["Bo Berg"], addressed_to=council["Cecilia Ström"])
    coming = f.meeting(registrar, kf, today + dt.timedelta(days=5), chair=council["Anna Ek"])
    page = client.get(reverse("decisions:council_matters", args=[kf.pk])).content.decode()
    assert f"{coming.date:%Y-%m-%d}" in page and "till Cecilia Ström" in page  # due at the next meeting
    with pytest.raises(DomainError, match="har inte hållits än"):
        decisions.council_matter_answer(actor=registrar, matter=interpellation, meeting=coming)
    held = f.meeting(registrar, kf, today, chair=council["Anna Ek"])
    decisions.meeting_open(actor=registrar, meeting=held)
    client.force_login(registrar)
    page = client.post(reverse("decisions:council_matters", args=[kf.pk]),
                       {"action": "answer", "matter": interpellation.pk, "meeting": held.pk}, follow=True)
    assert f"Interpellation {interpellation.case.diary_number} är besvarad {today:%Y-%m-%d}." in page.content.decode()
    with pytest.raises(DomainError, match="redan besvarad"):
        decisions.council_matter_answer(actor=registrar, matter=interpellation, meeting=held)


def test_registering_says_everything_missing_at_once_and_writes_nothing(client, registrar, council, ks):
    with pytest.raises(DomainError) as refused:
        decisions.council_matter_register(actor=registrar, organ=ks, kind="interpellation", title=" ",
                                          submitted_on=timezone.localdate() + dt.timedelta(days=1),
                                          mover=council["Cecilia Ström"])
    assert set(refused.value.errors) == {"organ", "title", "submitted_on", "mover", "addressed_to"}
    with pytest.raises(DomainError) as refused:
        decisions.council_matter_register(actor=registrar, organ=council["kf"], kind="motion", title="Motion",
                                          submitted_on=timezone.localdate(), mover=council["Cecilia Ström"])
    assert refused.value.errors["mover"] == ["Cecilia Ström har inget uppdrag i Kommunfullmäktige den dagen."]
    client.force_login(registrar)
    response = client.post(reverse("decisions:council_matters", args=[council["kf"].pk]),
                           {"action": "register", "kind": "citizen_proposal", "title": "", "submitted_on": "",
                            "submitter": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ange vad ärendet gäller." in page and "Ange när det väcktes (ÅÅÅÅ-MM-DD)." in page
    assert not CouncilMatter.objects.exists()
    response = client.post(reverse("decisions:council_matters", args=[council["kf"].pk]),
                           {"action": "register", "kind": "citizen_proposal", "title": "Medborgarförslag om bänkar",
                            "submitted_on": timezone.localdate().isoformat(), "submitter": ""})
    assert "Ange vem som lämnat medborgarförslaget." in response.content.decode()
    response = client.post(reverse("decisions:council_matters", args=[council["kf"].pk]),
                           {"action": "register", "kind": "citizen_proposal", "title": "Medborgarförslag om bänkar",
                            "submitted_on": timezone.localdate().isoformat(), "submitter": CITIZEN}, follow=True)
    assert "Medborgarförslag är registrerad som ärende" in response.content.decode()
    assert client.get(reverse("decisions:council_matters", args=[ks.pk])).status_code == 404


def test_the_api_lists_registers_and_answers(client, registrar, council):
    from .api_support import bearer, post_json, token_for

    kf, today = council["kf"], timezone.localdate()
    auth = bearer(token_for(registrar))
    r = post_json(client, f"/api/organs/{kf.pk}/council-matters",
                  {"kind": "question", "title": "Fråga om snöröjningen", "submitted_on": today.isoformat(),
                   "mover": council["Bo Berg"].pk, "addressed_to": council["Cecilia Ström"].pk}, **auth)
    assert r.status_code == 201, r.content
    matter = r.json()
    assert matter["kind_label"] == "Fråga" and matter["due"] is None and matter["addressed_to"] == "Cecilia Ström"
    bad = post_json(client, f"/api/organs/{kf.pk}/council-matters",
                    {"kind": "citizen_proposal", "title": "", "submitted_on": today.isoformat()}, **auth)
    assert bad.status_code == 400 and {"title", "submitter"} <= set(bad.json()["errors"])
    held = f.meeting(registrar, kf, today, chair=council["Anna Ek"])
    decisions.meeting_open(actor=registrar, meeting=held)
    r = post_json(client, f"/api/council-matters/{matter['id']}/answer", {"meeting": held.pk}, **auth)
    assert r.status_code == 200, r.content
    assert r.json()["answered_on"] == today.isoformat()
    public = client.get(f"/api/organs/{kf.pk}/council-matters?unanswered=true")
    assert public.status_code == 200 and public.json() == []
    assert client.get("/api/organs/999999/council-matters").status_code == 404
