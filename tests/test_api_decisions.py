"""Meetings, decisions, minutes and dispatch over the JSON API: the chain from
the officer's report through KS to KF (a condition met and a condition failed),
paragraph numbers, adjustment and correction, dispatch, what the public may
see, and bad input."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Role
from diarium.decisions.models import (
    AgendaItem, Decision, Meeting, Membership, OfficerReport, ParagraphCounter, Proposal,
)
from diarium.registry import services as registry
from diarium.registry.models import Document

from . import factories as f
from .api_support import bearer, post_json, token_for
from .test_api_schema import assert_matches, spec  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SECRET_DESCRIPTION = "Säkerhetsanalys av kommunens nätverk"


def put_json(client, url, data, **extra):
    return client.put(url, json.dumps(data), content_type="application/json", **extra)


def patch_json(client, url, data, **extra):
    return client.patch(url, json.dumps(data), content_type="application/json", **extra)


@pytest.fixture
def s(org, ks, registrar):
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD, email="bun@alingsas.se")
    hem = f.organ(org, code="AHEM", name="Alingsåshem AB", kind=Organ.Kind.COMPANY, email="info@alingsashem.se")

    def person(name, title="Ledamot", email=""):
        return accounts.person_create(organisation=org, name=name, title=title, email=email)

    return SimpleNamespace(
        org=org, ks=ks, kf=kf, bun=bun, hem=hem, registrar=registrar,
        auth=bearer(token_for(registrar)),
        ks_chair=person("Daniel Filipsson", "Kommunstyrelsens ordförande", "daniel.filipsson@alingsas.se"),
        ks_adjuster=person("Anna-Karin Schill", email="anna-karin.schill@alingsas.se"),
        ks_member=person("Mikael Wetterling"),
        kf_chair=person("Lotta Hedström", "Kommunfullmäktiges ordförande"),
        kf_adjuster=person("Ida Eklund"),
        officer=person("Göran Westerlund", "Digitaliseringsansvarig", "goran.westerlund@alingsas.se"),
    )


def _seat(client, s, organ, person, role, start="2015-01-01"):
    response = post_json(client, f"/api/organs/{organ.pk}/memberships",
                         {"person": person.pk, "role": role, "start": start, "party": "S"}, **s.auth)
    assert response.status_code == 201, response.json()
    return response.json()


def _seats(client, s):
    _seat(client, s, s.ks, s.ks_chair, "chair")
    _seat(client, s, s.ks, s.ks_adjuster, "member")
    _seat(client, s, s.ks, s.ks_member, "substitute")
    _seat(client, s, s.kf, s.kf_chair, "chair")
    _seat(client, s, s.kf, s.kf_adjuster, "member")


def _meeting(client, s, organ, date, adjusters=(), **extra):
    body = {"organ": organ.pk, "date": date, "start_time": "13:00", "place": "Sessionssalen, stadshuset",
            "adjusters": [p.pk for p in adjusters], **extra}
    response = post_json(client, "/api/meetings", body, **s.auth)
    assert response.status_code == 201, response.json()
    return response.json()


def _go(client, s, meeting_id, *steps):
    for step in steps:
        response = client.post(f"/api/meetings/{meeting_id}/{step}", **s.auth)
        assert response.status_code == 200, (step, response.json())
    return response.json()


def _record(client, s, meeting_id, **body):
    body.setdefault("text", "Beslutet.")
    return post_json(client, f"/api/meetings/{meeting_id}/decisions", body, **s.auth)


def _adjust(client, s, meeting, chair, adjuster, posted_on="2018-09-28"):
    _go(client, s, meeting["id"], "close")
    for person, role in ((adjuster, "adjuster"), (chair, "chair")):
        with f.on_day(posted_on):  # adjusted on the day it is posted
            signed = post_json(client, f"/api/meetings/{meeting['id']}/minutes/signatures",
                               {"person": person.pk, "role": role, "posted_on": posted_on}, **s.auth)
        assert signed.status_code == 201, signed.json()
    return signed.json()


def _report(client, s, case, **overrides):
    body = {
        "title": "Handlingsplan för Digital vision", "addressed_to": s.ks.pk, "office": "Kommunledningskontoret",
        "background": "Kommunfullmäktige gav kommunstyrelsen i uppdrag att ta fram en digital vision.",
        "opinion": "Förvaltningen föreslår att visionen antas och handlingsplanen godkänns.",
        "proposals": [
            {"organ": s.ks.pk, "text": "Kommunstyrelsen godkänner handlingsplanen.", "condition_organ": s.kf.pk,
             "condition_text": "att kommunfullmäktige antar Digital vision"},
            {"organ": s.kf.pk, "text": "Kommunfullmäktige antar Digital vision."},
        ],
        "dispatch_to": ["Samtliga nämnder", "Alingsåshem AB"],
        "signatories": [{"name": "Göran Westerlund", "title": "Digitaliseringsansvarig"}],
        "report_date": "2018-08-23",
    }
    body.update(overrides)
    return post_json(client, f"/api/cases/{case.pk}/officer-reports", body, **s.auth)


# --- the chain ------------------------------------------------------------------------------
def test_the_whole_chain_ks_to_kf_condition_met_and_failed(client, s, spec):  # noqa: F811
    _seats(client, s)
    members = client.get(f"/api/organs/{s.ks.pk}/memberships")
    assert members.status_code == 200
    assert_matches(spec, members, "/api/organs/{organ_id}/memberships")
    assert sorted((m["person"]["name"], m["role"]) for m in members.json()) == [
        ("Anna-Karin Schill", "member"), ("Daniel Filipsson", "chair"), ("Mikael Wetterling", "substitute")]

    # KF 2017-12-13 § 251 gives KS the assignment (the council counts on from § 250 that year).
    ParagraphCounter.objects.create(organ=s.kf, year=2017, last=250)
    kf_2017 = _meeting(client, s, s.kf, "2017-12-13", [s.kf_adjuster])
    _go(client, s, kf_2017["id"], "open")
    assignment_decision = _record(
        client, s, kf_2017["id"], title="Uppdrag om digital vision",
        text="Kommunfullmäktige ger kommunstyrelsen i uppdrag att ta fram en digital vision.",
        assignments=[{"organ": s.ks.pk, "description": "Ta fram en digital vision med handlingsplan.",
                      "deadline": "2018-12-31"}],
    )
    assert assignment_decision.status_code == 201, assignment_decision.json()
    assert assignment_decision.json()["reference"] == "KF 2017-12-13 § 251"
    _adjust(client, s, kf_2017, s.kf_chair, s.kf_adjuster, posted_on="2017-12-18")
    open_for_ks = client.get(f"/api/assignments?organ={s.ks.pk}")
    assert_matches(spec, open_for_ks, "/api/assignments")
    [assignment] = open_for_ks.json()
    assert assignment["decision"]["reference"] == "KF 2017-12-13 § 251" and assignment["deadline"] == "2018-12-31"

    # Two cases, each with an officer's report proposing to KS (on condition) and to KF.
    vision = f.case(s.registrar, s.ks, title="Digital vision och handlingsplan")
    other = f.case(s.registrar, s.ks, title="Bredbandsstrategi")
    created = _report(client, s, vision)
    assert created.status_code == 201, created.json()
    assert_matches(spec, created, "/api/cases/{case_id}/officer-reports", "post")
    report = created.json()
    assert report["document_reference"] == f"{vision.diary_number}-1"
    ks_proposal, kf_proposal = report["proposals"]
    assert ks_proposal["organ"]["code"] == "KS" and ks_proposal["condition_organ"]["code"] == "KF"
    assert kf_proposal["organ"]["code"] == "KF" and kf_proposal["condition_organ"] is None
    assert report["dispatch_to"] == ["Samtliga nämnder", "Alingsåshem AB"]
    other_report = _report(client, s, other, title="Bredbandsstrategi").json()
    listed = client.get(f"/api/cases/{vision.pk}/officer-reports")
    assert_matches(spec, listed, "/api/cases/{case_id}/officer-reports")
    assert [r["id"] for r in listed.json()] == [report["id"]]
    linked = post_json(client, f"/api/assignments/{assignment['id']}/answering-case", {"case": vision.pk}, **s.auth)
    assert linked.status_code == 200 and linked.json()["answering_diary_number"] == vision.diary_number

    # KS 2018-09-24: the agenda from the proposals, the notice, the meeting.
    ks_meeting = _meeting(client, s, s.ks, "2018-09-24", [s.ks_adjuster])
    assert ks_meeting["chair"]["name"] == "Daniel Filipsson"  # the organ's chair on the day
    assert {a["person"]["name"] for a in ks_meeting["attendance"]} == {
        "Daniel Filipsson", "Anna-Karin Schill", "Mikael Wetterling"}
    items = []
    for proposal in (ks_proposal, other_report["proposals"][0]):
        item = post_json(client, f"/api/proposals/{proposal['id']}/agenda", {"meeting": ks_meeting["id"]}, **s.auth)
        assert item.status_code == 201, item.json()
        items.append(item.json())
    assert_matches(spec, client.post("/api/proposals/0/agenda", json.dumps({"meeting": ks_meeting["id"]}),
                                     content_type="application/json", **s.auth), "/api/proposals/{proposal_id}/agenda",
                   "post")
    assert [i["position"] for i in items] == [1, 2]
    assert items[0]["documents"][0]["id"] == report["document_id"]
    assert items[0]["proposal"]["id"] == ks_proposal["id"]
    published = _go(client, s, ks_meeting["id"], "publish-notice")
    assert published["status"] == "notice_published"
    _go(client, s, ks_meeting["id"], "open")

    common = {
        "condition_organ": s.kf.pk, "condition_text": "att kommunfullmäktige antar Digital vision",
        "recipients": [{"organ": s.bun.pk}, {"organ": s.hem.pk}],
    }
    ks_vision = _record(
        client, s, ks_meeting["id"], agenda_item=items[0]["id"],
        text="Kommunstyrelsen godkänner handlingsplanen under förutsättning att kommunfullmäktige antar "
             "Digital vision. Uppdraget gavs genom KF 2017-12-13 § 251.",
        forward={"organ": s.kf.pk, "text": "Kommunfullmäktige antar Digital vision."},
        notes=[{"kind": "reservation", "text": "Ledamoten från V reserverar sig."}], **common,
    )
    assert ks_vision.status_code == 201, ks_vision.json()
    assert_matches(spec, ks_vision, "/api/meetings/{meeting_id}/decisions", "post")
    ks_vision = ks_vision.json()
    assert ks_vision["reference"] == "KS 2018-09-24 § 1"
    assert ks_vision["status"] == "pending" and ks_vision["condition_organ"]["code"] == "KF"
    assert ks_vision["case_id"] == vision.pk and ks_vision["proposal"]["id"] == ks_proposal["id"]
    assert [r["reference"] for r in ks_vision["references"]] == ["KF 2017-12-13 § 251"]
    assert [n["kind"] for n in ks_vision["notes"]] == ["reservation"]
    # The members present decide; the substitute is there but does not serve (no member is absent).
    assert {p["name"] for p in ks_vision["participants"]} == {"Daniel Filipsson", "Anna-Karin Schill"}
    [forwarded] = ks_vision["forwarded_proposals"]
    assert forwarded["organ"]["code"] == "KF" and forwarded["from_decision"]["id"] == ks_vision["id"]
    ks_other = _record(client, s, ks_meeting["id"], agenda_item=items[1]["id"],
                       text="Kommunstyrelsen godkänner strategin under förutsättning att fullmäktige antar den.",
                       forward={"organ": s.kf.pk, "text": "Kommunfullmäktige antar bredbandsstrategin."},
                       **common).json()
    assert ks_other["reference"] == "KS 2018-09-24 § 2" and ks_other["status"] == "pending"
    adjusted = _adjust(client, s, ks_meeting, s.ks_chair, s.ks_adjuster)
    assert adjusted["status"] == "adjusted" and adjusted["minutes"]["adjusted"] is True

    # KF 2018-10-15: adopts the vision, rejects the strategy.
    kf_meeting = _meeting(client, s, s.kf, "2018-10-15", [s.kf_adjuster])
    kf_items = []
    for proposal in (forwarded, ks_other["forwarded_proposals"][0]):
        item = post_json(client, f"/api/proposals/{proposal['id']}/agenda", {"meeting": kf_meeting["id"]}, **s.auth)
        assert item.status_code == 201, item.json()
        kf_items.append(item.json())
    _go(client, s, kf_meeting["id"], "publish-notice", "open")
    kf_vision = _record(client, s, kf_meeting["id"], agenda_item=kf_items[0]["id"],
                        text="Kommunfullmäktige antar Digital vision.").json()
    assert kf_vision["reference"] == "KF 2018-10-15 § 1" and kf_vision["status"] == "effective"
    kf_other = _record(client, s, kf_meeting["id"], agenda_item=kf_items[1]["id"], outcome="rejected",
                       text="Kommunfullmäktige avslår förslaget.").json()
    assert kf_other["reference"] == "KF 2018-10-15 § 2"

    effective = client.get(f"/api/decisions/{ks_vision['id']}", **s.auth).json()
    assert effective["status"] == "effective" and effective["status_changed_at"]
    assert effective["condition_decision"]["reference"] == "KF 2018-10-15 § 1"
    void = client.get(f"/api/decisions/{ks_other['id']}", **s.auth).json()
    assert void["status"] == "void" and void["condition_decision"]["reference"] == "KF 2018-10-15 § 2"
    settled = client.get(f"/api/decisions/{kf_vision['id']}", **s.auth)
    assert_matches(spec, settled, "/api/decisions/{decision_id}")
    assert [d["reference"] for d in settled.json()["conditions_met"]] == ["KS 2018-09-24 § 1"]
    earlier = client.get(f"/api/decisions/{assignment_decision.json()['id']}").json()
    assert [d["reference"] for d in earlier["referenced_by"]] == ["KS 2018-09-24 § 1"]

    # The case shows the whole chain, KS → KF.
    chain = client.get(f"/api/cases/{vision.pk}/chain", **s.auth)
    assert_matches(spec, chain, "/api/cases/{case_id}/chain")
    steps = [(step["kind"], step["organ"]["code"]) for step in chain.json()]
    assert steps == [("proposal", "KS"), ("proposal", "KF"), ("agenda", "KS"), ("decision", "KS"),
                     ("proposal", "KF"), ("agenda", "KF"), ("decision", "KF")]

    # The KS decision completes the assignment of KF § 251.
    done = post_json(client, f"/api/assignments/{assignment['id']}/complete", {"decision": ks_vision["id"]},
                     **s.auth)
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "done" and done.json()["done_by_decision"]["id"] == ks_vision["id"]
    assert client.get(f"/api/assignments?organ={s.ks.pk}").json() == []


def test_paragraphs_run_on_per_organ_and_restart_each_year(client, s):
    _seats(client, s)

    def decide(organ, date, count):
        meeting = _meeting(client, s, organ, date)
        _go(client, s, meeting["id"], "open")
        return [_record(client, s, meeting["id"], title=f"Ärende {n}").json()["paragraph"] for n in range(count)]

    assert decide(s.ks, "2018-12-10", 2) == [1, 2]
    assert decide(s.kf, "2018-12-11", 1) == [1]
    assert decide(s.ks, "2018-12-17", 2) == [3, 4]
    assert decide(s.ks, "2019-01-14", 1) == [1]
    listed = client.get(f"/api/meetings?organ={s.ks.pk}&date_from=2018-12-01&date_to=2018-12-31", **s.auth).json()
    assert [m["date"] for m in listed] == ["2018-12-17", "2018-12-10"]
    everything = client.get(f"/api/meetings?organisation={s.org.pk}", **s.auth).json()
    assert len(everything) == 4


def test_agenda_order_and_attendance(client, s):
    _seats(client, s)
    meeting = _meeting(client, s, s.ks, "2018-09-24", [s.ks_adjuster])
    ids = []
    for title in ("Budget 2019", "Digital vision", "Anmälningsärenden"):
        item = post_json(client, f"/api/meetings/{meeting['id']}/items", {"title": title}, **s.auth)
        assert item.status_code == 201, item.json()
        ids.append(item.json()["id"])
    moved = post_json(client, f"/api/meetings/{meeting['id']}/items/{ids[1]}/move", {"direction": "up"}, **s.auth)
    assert moved.status_code == 200
    assert [i["title"] for i in moved.json()] == ["Digital vision", "Budget 2019", "Anmälningsärenden"]
    bad = post_json(client, f"/api/meetings/{meeting['id']}/items/{ids[1]}/move", {"direction": "sideways"}, **s.auth)
    assert bad.status_code == 422 and "direction" in bad.json()["errors"]
    present = put_json(client, f"/api/meetings/{meeting['id']}/attendance",
                       {"present": [s.ks_chair.pk, s.ks_adjuster.pk]}, **s.auth)
    assert present.status_code == 200
    assert {a["person"]["name"]: a["present"] for a in present.json()["attendance"]} == {
        "Daniel Filipsson": True, "Anna-Karin Schill": True, "Mikael Wetterling": False}
    _go(client, s, meeting["id"], "open")
    decision = _record(client, s, meeting["id"], agenda_item=ids[1]).json()
    assert decision["title"] == "Digital vision"
    assert {p["name"] for p in decision["participants"]} == {"Daniel Filipsson", "Anna-Karin Schill"}
    _go(client, s, meeting["id"], "close")
    late = post_json(client, f"/api/meetings/{meeting['id']}/items", {"title": "För sent"}, **s.auth)
    assert late.status_code == 400 and "avslutat" in late.json()["detail"]


def test_publishing_the_notice_mails_the_members(client, s):
    _seats(client, s)
    day = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    meeting = _meeting(client, s, s.ks, day, [s.ks_adjuster])
    empty = client.post(f"/api/meetings/{meeting['id']}/publish-notice", **s.auth)
    assert empty.status_code == 400 and empty.json()["detail"] == "Kallelsen kan inte skickas."
    assert empty.json()["errors"]["items"][0].startswith("Föredragningslistan är tom.")
    post_json(client, f"/api/meetings/{meeting['id']}/items", {"title": "Digital vision"}, **s.auth)
    published = _go(client, s, meeting["id"], "publish-notice")
    assert published["status"] == "notice_published" and published["notice_published_at"]
    notices = [m for m in mail.outbox if m.subject.startswith("Kallelse")]
    assert sorted(m.to[0] for m in notices) == ["anna-karin.schill@alingsas.se", "daniel.filipsson@alingsas.se"]
    assert "Digital vision" in notices[0].body
    again = client.post(f"/api/meetings/{meeting['id']}/publish-notice", **s.auth)
    assert again.status_code == 400 and again.json()["detail"] == "Kallelsen är redan utskickad."


# --- minutes, immutability and correction -----------------------------------------------------
def test_adjusted_minutes_refuse_edits_and_take_corrections(client, s, spec):  # noqa: F811
    _seats(client, s)
    c = f.case(s.registrar, s.ks)
    meeting = _meeting(client, s, s.ks, "2018-09-24", [s.ks_adjuster])
    _go(client, s, meeting["id"], "open")
    decision = _record(client, s, meeting["id"], case=c.pk, title="Digital vision",
                       text="Kommunstyrelsen godkänner handlingsplanen.").json()
    edited = patch_json(client, f"/api/decisions/{decision['id']}",
                        {"text": "Kommunstyrelsen godkänner den reviderade handlingsplanen."}, **s.auth)
    assert edited.status_code == 200, edited.json()
    assert edited.json()["text"] == "Kommunstyrelsen godkänner den reviderade handlingsplanen."
    early = post_json(client, f"/api/decisions/{decision['id']}/corrections", {"text": "X", "reason": "Y"}, **s.auth)
    assert early.status_code == 400 and "inte justerat" in early.json()["detail"]

    _go(client, s, meeting["id"], "close")
    stranger = post_json(client, f"/api/meetings/{meeting['id']}/minutes/signatures",
                         {"person": s.ks_member.pk, "role": "adjuster"}, **s.auth)
    assert stranger.status_code == 400 and "inte justerare" in stranger.json()["errors"]["person"][0]
    half = post_json(client, f"/api/meetings/{meeting['id']}/minutes/signatures",
                     {"person": s.ks_adjuster.pk, "role": "adjuster"}, **s.auth).json()
    assert half["minutes"]["adjusted"] is False and len(half["minutes"]["signatures"]) == 1
    with f.on_day("2018-09-28"):
        signed = post_json(client, f"/api/meetings/{meeting['id']}/minutes/signatures",
                           {"person": s.ks_chair.pk, "role": "chair", "posted_on": "2018-09-28"}, **s.auth)
    assert_matches(spec, signed, "/api/meetings/{meeting_id}/minutes/signatures", "post")
    minutes = signed.json()["minutes"]
    assert minutes["adjusted"] is True and minutes["adjusted_at"]
    assert (minutes["posted_on"], minutes["take_down_on"], minutes["appeal_ends_on"]) == (
        "2018-09-28", "2018-10-19", "2018-10-19")
    assert {(x["person"]["name"], x["role"]) for x in minutes["signatures"]} == {
        ("Anna-Karin Schill", "adjuster"), ("Daniel Filipsson", "chair")}

    refused = patch_json(client, f"/api/decisions/{decision['id']}", {"text": "Något annat."}, **s.auth)
    assert refused.status_code == 400
    assert_matches(spec, refused, "/api/decisions/{decision_id}", "patch")
    assert refused.json()["detail"] == ("Protokollet är justerat. Beslutet kan inte ändras, bara rättas med en "
                                        "protokollförd rättelse.")
    assert Decision.objects.get(pk=decision["id"]).text == "Kommunstyrelsen godkänner den reviderade handlingsplanen."
    corrected = post_json(client, f"/api/decisions/{decision['id']}/corrections",
                          {"text": "Rätt datum för handlingsplanen är 2018-08-23.", "reason": "Skrivfel"}, **s.auth)
    assert corrected.status_code == 201, corrected.json()
    assert [(x["text"], x["reason"]) for x in corrected.json()["corrections"]] == [
        ("Rätt datum för handlingsplanen är 2018-08-23.", "Skrivfel")]
    assert corrected.json()["adjusted"] is True and corrected.json()["appeal_ends_on"] == "2018-10-19"
    no_reason = post_json(client, f"/api/decisions/{decision['id']}/corrections", {"text": "X", "reason": ""},
                          **s.auth)
    assert no_reason.status_code == 400 and no_reason.json()["errors"]["reason"] == ["Ange skälet till rättelsen."]
    after = _record(client, s, meeting["id"], title="Sent beslut")
    assert after.status_code == 400
    assert after.json()["detail"] == "Protokollet är justerat. Beslut kan inte läggas till."
    again = post_json(client, f"/api/meetings/{meeting['id']}/minutes/signatures",
                      {"person": s.ks_chair.pk, "role": "chair"}, **s.auth)
    assert again.status_code == 400 and "redan justerat" in again.json()["detail"]
    events = [e["kind"] for e in client.get(f"/api/cases/{c.pk}/events").json()]
    assert {"decision_recorded", "minutes_adjusted", "decision_corrected"} <= set(events)


# --- dispatch --------------------------------------------------------------------------------
def test_dispatch_sends_excerpts_and_keeps_failures_retryable(client, s, monkeypatch):
    _seats(client, s)
    c = f.case(s.registrar, s.ks, title="Digital vision och handlingsplan")
    meeting = _meeting(client, s, s.ks, "2018-09-24", [s.ks_adjuster])
    _go(client, s, meeting["id"], "open")
    decision = _record(client, s, meeting["id"], case=c.pk, title="Digital vision", recipients=[
        {"organ": s.bun.pk}, {"organ": s.hem.pk}, {"person": s.officer.pk}, {"name": "Ekonomiavdelningen"},
    ]).json()
    early = client.post(f"/api/decisions/{decision['id']}/dispatch", **s.auth)
    assert early.status_code == 400 and "inte justerat" in early.json()["detail"]
    _adjust(client, s, meeting, s.ks_chair, s.ks_adjuster)
    mail.outbox.clear()

    send = locmem.EmailBackend.send_messages

    def flaky(self, messages):
        if any("alingsashem" in address for m in messages for address in m.to):
            raise ConnectionRefusedError("SMTP-servern svarar inte")
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", flaky)
    dispatched = client.post(f"/api/decisions/{decision['id']}/dispatch", **s.auth)
    assert dispatched.status_code == 200, dispatched.json()
    states = {r["name"]: r["state"] for r in dispatched.json()["recipients"]}
    assert states == {"Barn- och ungdomsnämnden": "sent", "Alingsåshem AB": "failed",
                      "Göran Westerlund": "sent", "Ekonomiavdelningen": "sent"}
    failed = next(r for r in dispatched.json()["recipients"] if r["state"] == "failed")
    assert "SMTP-servern" in failed["error"]
    assert sorted(m.to[0] for m in mail.outbox) == ["bun@alingsas.se", "goran.westerlund@alingsas.se"]
    assert all(m.subject.startswith("Protokollsutdrag KS 2018-09-24 § 1") for m in mail.outbox)
    assert mail.outbox[0].attachments[0][0] == "protokollsutdrag.pdf"
    excerpt = Document.objects.get(case=c, direction=Document.Direction.OUTGOING)
    assert excerpt.description.startswith("Protokollsutdrag KS 2018-09-24 § 1")
    assert {r["excerpt_document_id"] for r in dispatched.json()["recipients"]} == {excerpt.pk}

    monkeypatch.undo()
    retried = client.post(f"/api/decisions/{decision['id']}/dispatch/retry", **s.auth)
    assert retried.json() == {"count": 1}
    assert mail.outbox[-1].to == ["info@alingsashem.se"]
    after = client.get(f"/api/decisions/{decision['id']}", **s.auth).json()
    assert {r["state"] for r in after["recipients"]} == {"sent"}
    nothing = client.post(f"/api/decisions/{decision['id']}/dispatch/retry", **s.auth)
    assert nothing.status_code == 400 and "inga misslyckade" in nothing.json()["detail"]
    twice = client.post(f"/api/decisions/{decision['id']}/dispatch", **s.auth)
    assert twice.status_code == 400 and "inga mottagare" in twice.json()["detail"]
    assert Document.objects.filter(case=c, direction=Document.Direction.OUTGOING).count() == 1


# --- who sees what ------------------------------------------------------------------------------
def test_the_public_sees_the_agenda_then_the_adjusted_decisions_never_addresses(client, s, spec):  # noqa: F811
    _seats(client, s)
    c = f.case(s.registrar, s.ks)
    public = f.document(s.registrar, c, direction="drawn_up", counterpart="", description="Handlingsplan",
                        files=[f.text_file("handlingsplan.txt", "Handlingsplan\n")])
    secret = f.document(s.registrar, c, counterpart="Säkerhetskonsult AB", description=SECRET_DESCRIPTION,
                        files=[f.text_file("analys.txt", "HEMLIGT\n")])
    registry.document_mark_secret(actor=s.registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description"])
    meeting = _meeting(client, s, s.ks, "2018-09-24", [s.ks_adjuster])
    anonymous = client.__class__()
    reader = bearer(token_for(f.user(s.org, Role.READER)))

    assert anonymous.get(f"/api/meetings/{meeting['id']}").status_code == 404
    assert anonymous.get("/api/meetings").json() == []
    item = post_json(client, f"/api/meetings/{meeting['id']}/items",
                     {"case": c.pk, "documents": [public.pk, secret.pk],
                      "secrecy_review_reason": "Visas bara för ledamöterna."}, **s.auth).json()
    assert item["title"] == c.title and len(item["documents"]) == 2
    _go(client, s, meeting["id"], "publish-notice", "open")
    decision = _record(client, s, meeting["id"], agenda_item=item["id"],
                       recipients=[{"organ": s.bun.pk}, {"name": "Eva Ek", "email": "eva.ek@example.se"}]).json()

    seen = anonymous.get(f"/api/meetings/{meeting['id']}")
    assert seen.status_code == 200
    assert_matches(spec, seen, "/api/meetings/{meeting_id}")
    body = seen.json()
    assert [d["id"] for d in body["items"][0]["documents"]] == [public.pk]
    assert SECRET_DESCRIPTION not in json.dumps(body) and "@" not in json.dumps(body)
    assert body["decisions"] == [] and body["decisions_visible"] is False and body["minutes"] is None
    assert body["items"][0]["decisions"] == []
    assert {a["present"] for a in body["attendance"]} == {None}
    assert anonymous.get(f"/api/decisions/{decision['id']}").status_code == 404
    assert [step["kind"] for step in anonymous.get(f"/api/cases/{c.pk}/chain").json()] == ["agenda"]
    assert [m["id"] for m in anonymous.get("/api/meetings").json()] == [meeting["id"]]

    # Staff of the organ (a reader) see the draft decision and the addresses, but may not write.
    staff_view = client.get(f"/api/decisions/{decision['id']}", **reader).json()
    assert {r["email"] for r in staff_view["recipients"]} == {"bun@alingsas.se", "eva.ek@example.se"}
    assert staff_view["can_manage"] is False
    for response in (
        client.post(f"/api/meetings/{meeting['id']}/close", **reader),
        post_json(client, "/api/meetings", {"organ": s.ks.pk, "date": "2018-10-01"}, **reader),
        patch_json(client, f"/api/decisions/{decision['id']}", {"text": "Ändrat"}, **reader),
        _record(client, SimpleNamespace(auth=reader), meeting["id"], title="Läsarens beslut"),
        post_json(client, f"/api/organs/{s.ks.pk}/memberships",
                  {"person": s.officer.pk, "role": "member", "start": "2018-01-01"}, **reader),
    ):
        assert response.status_code == 403, response.json()
        assert response.json()["detail"].startswith("Du har inte behörighet")
    for response in (
        anonymous.post(f"/api/meetings/{meeting['id']}/close"),
        post_json(anonymous, "/api/meetings", {"organ": s.ks.pk, "date": "2018-10-01"}),
        patch_json(anonymous, f"/api/decisions/{decision['id']}", {"text": "Ändrat"}),
        post_json(anonymous, f"/api/meetings/{meeting['id']}/decisions", {"text": "Anonymt"}),
    ):
        assert response.status_code == 401
        assert response.json()["detail"].startswith("Du måste logga in")
    assert Decision.objects.count() == 1 and Meeting.objects.count() == 1
    assert Membership.objects.filter(person=s.officer).count() == 0

    _adjust(client, s, meeting, s.ks_chair, s.ks_adjuster)
    adjusted = anonymous.get(f"/api/decisions/{decision['id']}")
    assert adjusted.status_code == 200
    assert_matches(spec, adjusted, "/api/decisions/{decision_id}")
    assert adjusted.json()["reference"] == "KS 2018-09-24 § 1"
    assert {r["email"] for r in adjusted.json()["recipients"]} == {None}
    assert "@" not in json.dumps(adjusted.json())
    body = anonymous.get(f"/api/meetings/{meeting['id']}").json()
    assert [d["id"] for d in body["decisions"]] == [decision["id"]]
    assert body["items"][0]["decisions"][0]["reference"] == "KS 2018-09-24 § 1"
    assert body["minutes"]["adjusted"] is True and "@" not in json.dumps(body)
    assert SECRET_DESCRIPTION not in json.dumps(body)


# --- bad input ---------------------------------------------------------------------------------
def test_bad_input_gets_swedish_errors_and_creates_nothing(client, s, spec):  # noqa: F811
    missing = post_json(client, "/api/meetings", {"organ": s.ks.pk}, **s.auth)
    assert missing.status_code == 422
    assert_matches(spec, missing, "/api/meetings", "post")
    assert missing.json()["errors"] == {"date": ["Fältet är obligatoriskt."]}
    wrong = post_json(client, "/api/meetings", {"organ": s.ks.pk, "date": "24/9 2018"}, **s.auth)
    assert wrong.status_code == 422 and wrong.json()["errors"]["date"] == ["Ange datum som ÅÅÅÅ-MM-DD."]
    company = post_json(client, "/api/meetings", {"organ": s.hem.pk, "date": "2018-09-24"}, **s.auth)
    assert company.status_code == 400 and "håller inte sammanträden" in company.json()["errors"]["organ"][0]
    unknown = post_json(client, "/api/meetings", {"organ": 999999, "date": "2018-09-24"}, **s.auth)
    assert unknown.status_code == 400 and unknown.json()["errors"]["organ"] == ["Organet finns inte."]
    assert Meeting.objects.count() == 0

    role = post_json(client, f"/api/organs/{s.ks.pk}/memberships",
                     {"person": s.ks_chair.pk, "role": "kung", "start": "2018-01-01"}, **s.auth)
    assert role.status_code == 422 and role.json()["errors"]["role"][0].startswith("Välj ett av")
    backwards = post_json(client, f"/api/organs/{s.ks.pk}/memberships",
                          {"person": s.ks_chair.pk, "role": "member", "start": "2018-01-01", "end": "2017-01-01"},
                          **s.auth)
    assert backwards.status_code == 400
    assert backwards.json()["errors"]["end"] == ["Slutdatum kan inte ligga före startdatum."]
    assert Membership.objects.count() == 0

    c = f.case(s.registrar, s.ks)
    empty = _report(client, s, c, title="", background=" ", proposals=[])
    assert empty.status_code == 400
    assert set(empty.json()["errors"]) == {"title", "background", "proposals"}
    assert empty.json()["errors"]["proposals"] == ["Skriv minst ett förslag till beslut."]
    assert OfficerReport.objects.count() == 0 and Proposal.objects.count() == 0
    assert not Document.objects.filter(case=c).exists()

    meeting = _meeting(client, s, s.ks, "2018-09-24")
    other_case = f.case(s.registrar, s.ks, title="Annat ärende")
    stray = f.document(s.registrar, other_case, description="Hör till ett annat ärende")
    foreign = post_json(client, f"/api/meetings/{meeting['id']}/items", {"case": c.pk, "documents": [stray.pk]},
                        **s.auth)
    assert foreign.status_code == 400
    assert foreign.json()["errors"]["documents"] == ["Beslutsunderlaget måste höra till ärendet."]
    assert AgendaItem.objects.count() == 0

    closed = _record(client, s, meeting["id"], title="För tidigt")
    assert closed.status_code == 400
    assert closed.json()["detail"] == "Sammanträdet är inte öppnat. Öppna det innan beslut protokollförs."
    _go(client, s, meeting["id"], "open")
    for body, status, field in (
        ({"title": "", "text": " "}, 400, "text"),
        ({"title": "Beslut", "recipients": [{"name": "Sambruk", "email": "ingen-adress"}]}, 400, "recipients"),
        ({"title": "Beslut", "notes": [{"kind": "skämt", "text": "Ha ha"}]}, 422, "notes.kind"),
        ({"title": "Beslut", "outcome": "kanske"}, 422, "outcome"),
        ({"title": "Beslut", "assignments": [{"organ": 999999, "description": "Utred"}]}, 400, "assignments"),
        ({"title": "Beslut", "condition_organ": s.kf.pk}, 400, "condition_organ"),
        ({"title": "Beslut", "case": 999999}, 400, "case"),
    ):
        response = _record(client, s, meeting["id"], **body)
        assert response.status_code == status, (body, response.json())
        assert field in response.json()["errors"], (body, response.json())
        assert response.json()["detail"]
    assert "ogiltig e-postadress" in _record(client, s, meeting["id"], title="Beslut", recipients=[
        {"name": "Sambruk", "email": "ingen-adress"}]).json()["detail"]
    assert Decision.objects.count() == 0
    first = _record(client, s, meeting["id"], title="Första beslutet")
    assert first.status_code == 201 and first.json()["paragraph"] == 1  # no number was used up
    assert client.get("/api/decisions/999999", **s.auth).status_code == 404


def test_openapi_lists_the_meeting_endpoints(spec):  # noqa: F811
    for path in ("/api/meetings", "/api/meetings/{meeting_id}", "/api/meetings/{meeting_id}/items",
                 "/api/meetings/{meeting_id}/items/{item_id}/move", "/api/meetings/{meeting_id}/publish-notice",
                 "/api/meetings/{meeting_id}/open", "/api/meetings/{meeting_id}/close",
                 "/api/meetings/{meeting_id}/attendance", "/api/meetings/{meeting_id}/minutes/signatures",
                 "/api/meetings/{meeting_id}/decisions", "/api/decisions/{decision_id}",
                 "/api/decisions/{decision_id}/corrections", "/api/decisions/{decision_id}/dispatch",
                 "/api/decisions/{decision_id}/dispatch/retry", "/api/cases/{case_id}/officer-reports",
                 "/api/proposals/{proposal_id}/agenda", "/api/cases/{case_id}/chain", "/api/assignments",
                 "/api/assignments/{assignment_id}/answering-case", "/api/assignments/{assignment_id}/complete",
                 "/api/organs/{organ_id}/memberships"):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/api/decisions/{decision_id}"]) == {"get", "patch"}
    assert spec["paths"]["/api/meetings/{meeting_id}/decisions"]["post"]["security"]
