"""Steering documents and their follow-ups over the JSON API: a plan built and
adopted twice with the diff between the versions, a follow-up answered by the
responsible person and by a manager (one answer late), the roll-up arithmetic,
what the public may see, export and import, rights and bad input."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from diarium.accounts import services as accounts
from diarium.accounts.models import Role
from diarium.decisions import services as decisions
from diarium.decisions.models import Membership
from diarium.plans.models import Action, ActionBudget, FocusArea, FollowUpRound, PlanVersion, SteeringDocument

from . import factories as f
from .api_support import bearer, post_json, token_for
from .test_api_schema import assert_matches, spec  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

INTERNAL_NOTE = "Leverantören ligger efter, diskutera vid nästa styrgrupp"
INTERNAL_COMMENT = "Avbröts efter personalkonflikt i projektgruppen"
PUBLIC_COMMENT = "Första etappen av e-tjänsteplattformen är i drift"


def patch_json(client, url, data, **extra):
    return client.patch(url, json.dumps(data), content_type="application/json", **extra)


@pytest.fixture
def p(org, ks, registrar):
    director = accounts.person_create(organisation=org, name="Kristina Hellberg", title="Kommundirektör")
    anna_user = f.user(username="anna")
    anna = accounts.person_create(organisation=org, name="Anna Lindqvist", title="Digitaliseringsstrateg",
                                  email="anna.lindqvist@alingsas.se", user=anna_user)
    bo = accounts.person_create(organisation=org, name="Bo Sjöström", title="IT-chef")
    reader = f.user(org, Role.READER, ks, username="lasare")
    return SimpleNamespace(
        org=org, ks=ks, registrar=registrar, director=director, anna=anna, bo=bo, case=f.case(registrar, ks),
        auth=bearer(token_for(registrar)), anna_auth=bearer(token_for(anna_user)),
        reader_auth=bearer(token_for(reader)),
    )


def _created(response):
    assert response.status_code == 201, response.json()
    return response.json()


def _plan(client, p, **extra) -> dict:
    body = {"kind": "action_plan", "title": "Handlingsplan för digital målbild 2019–2021",
            "period_start": 2019, "period_end": 2021, "owner_organ": p.ks.pk, "process_owner": p.director.pk,
            "process_owner_role": "kommundirektör", **extra}
    return _created(post_json(client, f"/api/cases/{p.case.pk}/plans", body, **p.auth))


def _area(client, p, plan_id, title):
    return _created(post_json(client, f"/api/plans/{plan_id}/focus-areas", {"title": title}, **p.auth))


def _goal(client, p, area_id, title):
    return _created(post_json(client, f"/api/focus-areas/{area_id}/goals", {"title": title}, **p.auth))


def _action(client, p, goal_id, title, budgets=(), **extra):
    body = {"title": title, "responsible_organ": p.ks.pk, "funding_source": "Flerårsstrategi 2018–2020",
            "budgets": [{"year": y, "operating": op, "investment": inv} for y, op, inv in budgets], **extra}
    return _created(post_json(client, f"/api/goals/{goal_id}/actions", body, **p.auth))


def _all_text(response) -> str:
    """The whole JSON answer as text (with å, ä and ö as themselves)."""
    return json.dumps(response.json(), ensure_ascii=False)


# --- structure, versions and the diff -----------------------------------------------------------
def test_a_plan_is_built_adopted_changed_and_adopted_again_with_the_diff(client, spec, p):
    plan = _plan(client, p)
    assert plan["status"] == "draft" and plan["working_copy"] is True and plan["years"] == [2019, 2020, 2021]
    assert plan["process_owner"]["name"] == "Kristina Hellberg" and plan["process_owner_role"] == "kommundirektör"
    pid = plan["id"]
    open_area = _area(client, p, pid, "Öppen kommun")
    smart_area = _area(client, p, pid, "Smart kommun")
    g1 = _goal(client, p, open_area["id"], "Fler e-tjänster för invånarna")
    g2 = _goal(client, p, smart_area["id"], "Effektivare interna processer")
    indicator = _created(post_json(client, f"/api/goals/{g1['id']}/indicators", {
        "name": "Andel ärenden som startas digitalt", "unit": "procent", "baseline": "12", "baseline_year": 2018,
        "targets": {"2019": 20, "2020": "30", "2021": 40}}, **p.auth))
    assert indicator["targets"] == {"2019": "20", "2020": "30", "2021": "40"}
    platform = _action(client, p, g1["id"], "E-tjänsteplattform", [(2019, "250000", "100000"), (2020, 150000, 0)],
                       responsible_person=p.anna.pk, start="2019-01-01", end="2020-12-31",
                       internal_note=INTERNAL_NOTE)
    assert platform["budgets"] == [{"year": 2019, "operating": "250000.00", "investment": "100000.00"},
                                   {"year": 2020, "operating": "150000.00", "investment": "0.00"}]
    assert platform["internal_note"] == INTERNAL_NOTE  # the editor's own answer
    wifi = _action(client, p, g2["id"], "Trådlöst nätverk i skolorna")  # no budget
    _action(client, p, g2["id"], "Digital signering", [(2021, 80000, 0)])

    # Before adoption only staff see it.
    assert client.get(f"/api/plans/{pid}").status_code == 404
    assert pid not in [x["id"] for x in client.get("/api/plans").json()]
    staff = client.get(f"/api/plans/{pid}", **p.auth)
    assert_matches(spec, staff, "/api/plans/{plan_id}")
    assert [a["title"] for a in staff.json()["focus_areas"]] == ["Öppen kommun", "Smart kommun"]
    assert INTERNAL_NOTE not in _all_text(staff)  # internal notes are never part of the plan's read

    # A decision at a KS meeting adopts version 1; the public sees the reference once the minutes are adjusted.
    chair = accounts.person_create(organisation=p.org, name="Daniel Filipsson", title="Ordförande")
    adjuster = accounts.person_create(organisation=p.org, name="Ann Ludvigsson", title="Ledamot")
    meeting = f.meeting(p.registrar, p.ks, dt.date(2018, 9, 24), adjusters=[adjuster],
                        members=[(chair, Membership.Role.CHAIR), (adjuster, Membership.Role.MEMBER)])
    decisions.meeting_open(actor=p.registrar, meeting=meeting)
    decision = decisions.decision_record(actor=p.registrar, meeting=meeting, case=p.case,
                                         title="Handlingsplan för digital målbild", text="Planen antas.")
    first = post_json(client, f"/api/plans/{pid}/adopt", {"decision": decision.pk, "note": "KS 2018-09-24"},
                      **p.auth)
    assert_matches(spec, first, "/api/plans/{plan_id}/adopt", "post")
    first = _created(first)
    assert first["number"] == 1 and first["decision"]["reference"] == decision.reference
    assert {c["kind"] for c in first["changes"]} == {"added"}
    assert client.get(f"/api/plans/{pid}").json()["adopted_by"] is None  # minutes not adjusted yet
    f.adjust(p.registrar, meeting)
    assert client.get(f"/api/plans/{pid}").json()["adopted_by"]["reference"] == decision.reference

    # The working copy changes: a new action, one removed, one re-budgeted.
    rebudget = patch_json(client, f"/api/actions/{platform['id']}", {
        "budgets": [{"year": 2019, "operating": 250000, "investment": 100000},
                    {"year": 2020, "operating": 300000, "investment": 0}]}, **p.auth)
    assert rebudget.status_code == 200, rebudget.json()
    assert rebudget.json()["responsible_person_id"] == p.anna.pk  # untouched fields stay
    assert client.delete(f"/api/actions/{wifi['id']}", **p.auth).status_code == 204
    _action(client, p, g2["id"], "Robotiserad processautomation", [(2020, 120000, 0)])
    staff = client.get(f"/api/plans/{pid}", **p.auth).json()
    assert {(c["kind"], c["title"]) for c in staff["changes_since_adopted"]} == {
        ("added", "Robotiserad processautomation"), ("removed", "Trådlöst nätverk i skolorna"),
        ("rebudgeted", "E-tjänsteplattform")}

    # The public still reads version 1.
    public = client.get(f"/api/plans/{pid}")
    assert public.status_code == 200
    assert_matches(spec, public, "/api/plans/{plan_id}")
    body = public.json()
    assert body["working_copy"] is False and body["shown_version"] == 1 and body["changes_since_adopted"] == []
    titles = [x["title"] for a in body["focus_areas"] for g in a["goals"] for x in g["actions"]]
    assert "Trådlöst nätverk i skolorna" in titles and "Robotiserad processautomation" not in titles

    second = _created(post_json(client, f"/api/plans/{pid}/adopt", {"note": "Revidering 2020"}, **p.auth))
    assert second["number"] == 2 and second["decision"] is None
    versions = client.get(f"/api/plans/{pid}/versions")
    assert_matches(spec, versions, "/api/plans/{plan_id}/versions")
    v1, v2 = versions.json()
    assert v1["number"] == 1 and v1["note"] == "KS 2018-09-24" and v1["decision"]["id"] == decision.pk
    changes = {(c["kind"], c["title"]): c["details"] for c in v2["changes"]}
    assert set(changes) == {("added", "Robotiserad processautomation"), ("removed", "Trådlöst nätverk i skolorna"),
                            ("rebudgeted", "E-tjänsteplattform")}
    assert "2020 drift: 150\u202f000 → 300\u202f000 kr" in changes[("rebudgeted", "E-tjänsteplattform")]
    assert "120\u202f000" in changes[("added", "Robotiserad processautomation")]

    old = client.get(f"/api/plans/{pid}/versions/1")
    assert_matches(spec, old, "/api/plans/{plan_id}/versions/{number}")
    old_actions = [x["title"] for a in old.json()["snapshot"]["focus_areas"] for g in a["goals"]
                   for x in g["actions"]]
    assert "Trådlöst nätverk i skolorna" in old_actions
    assert old.json()["snapshot"]["period_start"] == 2019
    assert client.get(f"/api/plans/{pid}/versions/9").status_code == 404
    public = client.get(f"/api/plans/{pid}")
    assert public.json()["shown_version"] == 2
    assert INTERNAL_NOTE not in _all_text(public) + _all_text(versions) + _all_text(old)
    assert pid in [x["id"] for x in client.get("/api/plans").json()]
    assert PlanVersion.objects.filter(document_id=pid).count() == 2


def test_plan_facts_and_status_change(client, spec, p):
    pid = _plan(client, p)["id"]
    response = patch_json(client, f"/api/plans/{pid}", {"title": "Handlingsplan digital målbild",
                                                        "weighting": "weights", "process_owner": None}, **p.auth)
    assert_matches(spec, response, "/api/plans/{plan_id}", "patch")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Handlingsplan digital målbild" and body["weighting"] == "weights"
    assert body["process_owner"] is None and body["period_end"] == 2021
    response = post_json(client, f"/api/plans/{pid}/status", {"status": "on_remiss"}, **p.auth)
    assert response.status_code == 200 and response.json()["status"] == "on_remiss"
    # Adoption only through …/adopt.
    response = post_json(client, f"/api/plans/{pid}/status", {"status": "adopted"}, **p.auth)
    assert response.status_code == 422
    area = _area(client, p, pid, "Öppen kommun")
    response = patch_json(client, f"/api/focus-areas/{area['id']}", {"description": "Öppna data"}, **p.auth)
    assert response.json() == {**area, "description": "Öppna data"}
    goal = _goal(client, p, area["id"], "Öppna data")
    other = _area(client, p, pid, "Smart kommun")
    moved = patch_json(client, f"/api/goals/{goal['id']}", {"focus_area": other["id"]}, **p.auth)
    assert moved.status_code == 200 and moved.json()["focus_area_id"] == other["id"]
    indicator = _created(post_json(client, f"/api/goals/{goal['id']}/indicators",
                                   {"name": "Publicerade datamängder", "unit": "antal"}, **p.auth))
    changed = patch_json(client, f"/api/indicators/{indicator['id']}", {"targets": {"2021": 25}}, **p.auth)
    assert changed.json()["targets"] == {"2021": "25"} and changed.json()["unit"] == "antal"
    assert client.delete(f"/api/indicators/{indicator['id']}", **p.auth).status_code == 204
    assert client.delete(f"/api/goals/{goal['id']}", **p.auth).status_code == 204
    assert client.delete(f"/api/focus-areas/{area['id']}", **p.auth).status_code == 204
    assert list(FocusArea.objects.filter(document_id=pid).values_list("title", flat=True)) == ["Smart kommun"]


# --- follow-up and roll-up ---------------------------------------------------------------------
@pytest.fixture
def adopted(client, p):
    """Weighted by explicit weights: two goals, four actions (one without budget)."""
    mail.outbox.clear()
    plan = _plan(client, p, weighting="weights")
    pid = plan["id"]
    area = _area(client, p, pid, "Öppen och smart kommun")
    g1 = _goal(client, p, area["id"], "Fler e-tjänster")
    g2 = _goal(client, p, area["id"], "Modern infrastruktur")
    indicator = _created(post_json(client, f"/api/goals/{g1['id']}/indicators", {
        "name": "Andel digitala ansökningar", "unit": "procent", "targets": {"2019": 40}}, **p.auth))
    a = _action(client, p, g1["id"], "E-tjänsteplattform", [(2019, 100000, 0)], responsible_person=p.anna.pk,
                weight=3)
    b = _action(client, p, g1["id"], "Digital brevlåda", responsible_person=p.anna.pk, weight=1)  # no budget
    c = _action(client, p, g2["id"], "Nytt ärendesystem", [(2019, 0, 50000)], responsible_person=p.bo.pk, weight=2,
                internal_note=INTERNAL_NOTE)
    d = _action(client, p, g2["id"], "Fiber till skolorna", responsible_person=p.bo.pk)  # weight 1 by default
    _created(post_json(client, f"/api/plans/{pid}/adopt", {"note": "KS 2018-09-24 § 151"}, **p.auth))
    return SimpleNamespace(pid=pid, g1=g1, g2=g2, indicator=indicator, a=a, b=b, c=c, d=d)


def test_follow_up_answered_by_the_responsible_and_a_manager_with_the_roll_up(client, spec, p, adopted):
    x = adopted
    today = dt.date.today()
    opened = post_json(client, f"/api/plans/{x.pid}/follow-ups", {"year": 2019, "deadline": today.isoformat()},
                       **p.auth)
    assert_matches(spec, opened, "/api/plans/{plan_id}/follow-ups", "post")
    round_ = _created(opened)
    rid = round_["id"]
    assert [r["person"]["name"] for r in round_["requests"]] == ["Anna Lindqvist", "Bo Sjöström"]
    anna_request = round_["requests"][0]
    assert anna_request["sent_at"] is not None and anna_request["late"] is False
    assert [m.to for m in mail.outbox] == [["anna.lindqvist@alingsas.se"]]  # Bo has no address
    assert round_["rollup"]["unreported"] == 4 and round_["rollup"]["progress"] == 0

    # Anna answers for her own actions with her own token.
    mine = client.get(f"/api/follow-ups/{rid}", **p.anna_auth).json()
    assert sorted(mine["my_actions"]) == sorted([x.a["id"], x.b["id"]]) and mine["can_manage"] is False
    response = post_json(client, f"/api/follow-ups/{rid}/answers", {"reports": [
        {"action": x.a["id"], "status": "ongoing", "progress": 50, "used_operating": "40000",
         "comment": PUBLIC_COMMENT},
        {"action": x.b["id"], "status": "done", "progress": 80},
    ]}, **p.anna_auth)
    assert_matches(spec, response, "/api/follow-ups/{round_id}/answers", "post")
    assert response.status_code == 200, response.json()
    body = response.json()
    reports = {r["action_id"]: r for r in body["reports"]}
    assert reports[x.b["id"]]["progress"] == 100  # done is done
    assert reports[x.a["id"]]["late"] is False
    requests = {r["person"]["name"]: r for r in body["requests"]}
    assert requests["Anna Lindqvist"]["answered_at"] is not None and requests["Anna Lindqvist"]["late"] is False

    # She may not answer for Bo's action, nor give indicator values.
    response = post_json(client, f"/api/follow-ups/{rid}/answers", {"reports": [
        {"action": x.c["id"], "status": "done", "progress": 100}]}, **p.anna_auth)
    assert response.status_code == 403 and "Nytt ärendesystem" in response.json()["detail"]
    response = post_json(client, f"/api/follow-ups/{rid}/answers",
                         {"values": [{"indicator": x.indicator["id"], "value": 35}]}, **p.anna_auth)
    assert response.status_code == 403

    # The deadline passes; a manager answers for Bo (late) and gives the indicator's value.
    FollowUpRound.objects.filter(pk=rid).update(deadline=today - dt.timedelta(days=3))
    response = post_json(client, f"/api/follow-ups/{rid}/answers", {
        "reports": [{"action": x.c["id"], "status": "cancelled", "progress": 10, "used_investment": "10000.50",
                     "comment": INTERNAL_COMMENT, "comment_internal": True}],
        "values": [{"indicator": x.indicator["id"], "value": "35.5"}]}, **p.auth)
    assert response.status_code == 200, response.json()
    body = response.json()
    reports = {r["action_id"]: r for r in body["reports"]}
    assert reports[x.c["id"]]["late"] is True and reports[x.c["id"]]["comment"] == INTERNAL_COMMENT
    assert reports[x.a["id"]]["late"] is False
    assert body["late"] == ["Nytt ärendesystem"] and body["unanswered"] == ["Bo Sjöström"]
    requests = {r["person"]["name"]: r for r in body["requests"]}
    assert requests["Bo Sjöström"]["answered_at"] is None and requests["Bo Sjöström"]["late"] is True
    assert requests["Anna Lindqvist"]["late"] is False
    assert body["values"] == [{"indicator_id": x.indicator["id"], "indicator": "Andel digitala ansökningar",
                               "unit": "procent", "value": "35.50", "answered_at": body["values"][0]["answered_at"]}]

    # The roll-up by explicit weights: cancelled C left out, unreported D counts as 0 %.
    # Plan: (3·50 + 1·100 + 1·0) / 5 = 50; goal 1: (3·50 + 1·100) / 4 = 62.5; goal 2: D alone = 0.
    plan = client.get(f"/api/plans/{x.pid}", **p.auth)
    assert_matches(spec, plan, "/api/plans/{plan_id}")
    rollup = plan.json()["rollup"]
    assert rollup["round_id"] == rid and rollup["weighting"] == "weights"
    assert rollup["weighting_label"] == "Vägt med angivna vikter"
    assert rollup["progress"] == pytest.approx(50.0) and rollup["equal_weights"] is False
    assert rollup["cancelled"] == 1 and rollup["unreported"] == 1
    goals = {g["goal_id"]: g for g in rollup["goals"]}
    assert goals[x.g1["id"]]["progress"] == pytest.approx(62.5)
    assert goals[x.g2["id"]]["progress"] == pytest.approx(0.0)
    actions = {a["action_id"]: a for a in goals[x.g2["id"]]["actions"]}
    assert actions[x.c["id"]]["status"] == "cancelled" and actions[x.c["id"]]["weight"] == "2.00"
    assert actions[x.d["id"]]["reported"] is False and actions[x.d["id"]]["weight"] == "1.00"
    assert plan.json()["money"] == [
        {"year": 2019, "budget_operating": "100000.00", "budget_investment": "50000.00",
         "used_operating": "40000.00", "used_investment": "10000.50"},
        {"year": 2020, "budget_operating": "0.00", "budget_investment": "0.00", "used_operating": None,
         "used_investment": None},
        {"year": 2021, "budget_operating": "0.00", "budget_investment": "0.00", "used_operating": None,
         "used_investment": None},
    ]
    (indicator_row,) = plan.json()["indicators"]
    assert indicator_row["points"][0] == {"year": 2019, "measured": "35.50", "target": "40"}
    assert indicator_row["points"][1] == {"year": 2020, "measured": None, "target": None}

    # Weighted by budget instead: A (100 000 kr, 50 %) against B and D without budget: 50 %;
    # goal 2 has only D left, without budget, so its actions count equally.
    patch_json(client, f"/api/plans/{x.pid}", {"weighting": "budget"}, **p.auth)
    rollup = client.get(f"/api/plans/{x.pid}", **p.auth).json()["rollup"]
    assert rollup["weighting_label"] == "Vägt efter budget"
    assert rollup["progress"] == pytest.approx(50.0)
    goals = {g["goal_id"]: g for g in rollup["goals"]}
    assert goals[x.g1["id"]]["progress"] == pytest.approx(50.0)
    assert goals[x.g2["id"]]["equal_weights"] is True

    # The public: the adopted version's follow-up, without internal comments, notes or who answered.
    public = client.get(f"/api/follow-ups/{rid}")
    assert_matches(spec, public, "/api/follow-ups/{round_id}")
    text = _all_text(public)
    assert INTERNAL_COMMENT not in text and INTERNAL_NOTE not in text and PUBLIC_COMMENT in text
    reports = {r["action_id"]: r for r in public.json()["reports"]}
    assert reports[x.c["id"]]["comment"] is None and reports[x.c["id"]]["answered_by"] is None
    assert public.json()["my_actions"] == [] and public.json()["can_manage"] is False
    public_plan = client.get(f"/api/plans/{x.pid}")
    assert INTERNAL_COMMENT not in _all_text(public_plan) and INTERNAL_NOTE not in _all_text(public_plan)
    assert public_plan.json()["rollup"]["progress"] == pytest.approx(50.0)  # the adopted version: by weights

    # The report for the board, registered on the case, and on KS's agenda in one step.
    report = post_json(client, f"/api/follow-ups/{rid}/report", {}, **p.auth)
    assert_matches(spec, report, "/api/follow-ups/{round_id}/report", "post")
    document = _created(report)
    assert document["case_id"] == p.case.pk and document["reference"].startswith(p.case.diary_number)
    assert client.get(f"/api/follow-ups/{rid}").json()["report_document"] == {
        "id": document["id"], "reference": document["reference"]}
    meeting = f.meeting(p.registrar, p.ks, today + dt.timedelta(days=20))
    item = post_json(client, f"/api/follow-ups/{rid}/agenda", {"meeting": meeting.pk}, **p.auth)
    assert_matches(spec, item, "/api/follow-ups/{round_id}/agenda", "post")
    item = _created(item)
    assert item["case_id"] == p.case.pk and [d["id"] for d in item["documents"]] == [document["id"]]
    assert "Uppföljning 2019" in item["title"]

    # Closed: no more answers.
    closed = post_json(client, f"/api/follow-ups/{rid}/close", {}, **p.auth)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    response = post_json(client, f"/api/follow-ups/{rid}/answers", {"reports": [
        {"action": x.d["id"], "status": "ongoing", "progress": 10}]}, **p.auth)
    assert response.status_code == 400 and response.json()["detail"] == "Uppföljningen är avslutad."


def test_follow_up_rules_over_the_api(client, p, adopted):
    x = adopted
    today = dt.date.today().isoformat()
    # A follow-up outside the period, with a passed deadline: nothing is opened.
    response = post_json(client, f"/api/plans/{x.pid}/follow-ups", {"year": 2025, "deadline": "2019-01-01"},
                         **p.auth)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"year", "deadline"}
    assert "giltighetstiden" in response.json()["errors"]["year"][0]
    assert not FollowUpRound.objects.exists()
    # The reader and the responsible person cannot open one.
    for auth in (p.reader_auth, p.anna_auth):
        response = post_json(client, f"/api/plans/{x.pid}/follow-ups", {"year": 2019, "deadline": today}, **auth)
        assert response.status_code == 403
    rid = _created(post_json(client, f"/api/plans/{x.pid}/follow-ups", {"year": 2019, "deadline": today},
                             **p.auth))["id"]
    # Bad answers: progress out of range (422), an action of another plan (400), a negative amount (400).
    response = post_json(client, f"/api/follow-ups/{rid}/answers", {"reports": [
        {"action": x.a["id"], "status": "ongoing", "progress": 150}]}, **p.auth)
    assert response.status_code == 422
    assert response.json()["errors"] == {"reports.progress": ["Värdet får vara högst 100."]}
    response = post_json(client, f"/api/follow-ups/{rid}/answers", {"reports": [
        {"action": x.a["id"], "status": "ongoing", "progress": 10},
        {"action": 999999, "status": "ongoing", "progress": 10}]}, **p.auth)
    assert response.status_code == 400 and "errors" in response.json() and "reports" in response.json()["errors"]
    response = post_json(client, f"/api/follow-ups/{rid}/answers", {"reports": [
        {"action": x.a["id"], "status": "ongoing", "progress": 10, "used_operating": -5}]}, **p.auth)
    assert response.status_code == 400 and response.json()["detail"].startswith("Ange ett belopp")
    response = post_json(client, f"/api/follow-ups/{rid}/answers", {"reports": [
        {"action": x.a["id"], "status": "halvklar", "progress": 10}]}, **p.auth)
    assert response.status_code == 422 and response.json()["errors"]["reports.status"][0].startswith("Välj ett av")
    # The reader may look but not answer.
    assert client.get(f"/api/follow-ups/{rid}", **p.reader_auth).status_code == 200
    response = post_json(client, f"/api/follow-ups/{rid}/answers", {"reports": [
        {"action": x.a["id"], "status": "ongoing", "progress": 10}]}, **p.reader_auth)
    assert response.status_code == 403
    assert post_json(client, f"/api/follow-ups/{rid}/close", {}, **p.reader_auth).status_code == 403
    assert post_json(client, f"/api/follow-ups/{rid}/report", {}, **p.reader_auth).status_code == 403
    assert client.get(f"/api/follow-ups/{rid}", **p.auth).json()["reports"] == []
    # Anonymous: 401 on writes.
    assert post_json(client, f"/api/follow-ups/{rid}/answers", {"reports": []}).status_code == 401
    assert client.get("/api/follow-ups/999999").status_code == 404


# --- rights and bad input ----------------------------------------------------------------------
def test_anonymous_writes_are_401_and_the_reader_gets_403(client, p):
    plan = _plan(client, p)
    pid = plan["id"]
    area = _area(client, p, pid, "Öppen kommun")
    goal = _goal(client, p, area["id"], "Öppna data")
    action = _action(client, p, goal["id"], "Öppna data-portal", [(2019, 1000, 0)])
    body = {"kind": "plan", "title": "X", "period_start": 2019, "period_end": 2020, "owner_organ": p.ks.pk}
    writes = [
        ("post", f"/api/cases/{p.case.pk}/plans", body),
        ("patch", f"/api/plans/{pid}", {"title": "Ändrad"}),
        ("post", f"/api/plans/{pid}/status", {"status": "on_remiss"}),
        ("post", f"/api/plans/{pid}/focus-areas", {"title": "Nytt"}),
        ("patch", f"/api/focus-areas/{area['id']}", {"title": "Ändrad"}),
        ("post", f"/api/focus-areas/{area['id']}/goals", {"title": "Nytt"}),
        ("post", f"/api/goals/{goal['id']}/actions", {"title": "Ny"}),
        ("patch", f"/api/actions/{action['id']}", {"title": "Ändrad"}),
        ("delete", f"/api/actions/{action['id']}", None),
        ("post", f"/api/plans/{pid}/adopt", {"note": ""}),
    ]

    def send(method, url, data, **auth):
        if method == "post":
            return post_json(client, url, data, **auth)
        if method == "patch":
            return patch_json(client, url, data, **auth)
        return client.delete(url, **auth)

    for method, url, data in writes:
        response = send(method, url, data)
        assert response.status_code == 401, (method, url)
        assert response.json()["detail"].startswith("Du måste logga in")
        response = send(method, url, data, **p.reader_auth)
        assert response.status_code == 403, (method, url, response.json())
    assert client.get(f"/api/plans/{pid}/export.csv").status_code == 401
    assert SteeringDocument.objects.count() == 1 and not PlanVersion.objects.exists()
    assert Action.objects.get().title == "Öppna data-portal"
    # The reader reads the working copy (internal register), without internal notes.
    assert client.get(f"/api/plans/{pid}", **p.reader_auth).json()["working_copy"] is True


def test_bad_input_is_answered_in_swedish_and_nothing_is_created(client, p):
    url = f"/api/cases/{p.case.pk}/plans"
    good = {"kind": "action_plan", "title": "Handlingsplan", "period_start": 2019, "period_end": 2021,
            "owner_organ": p.ks.pk}
    response = post_json(client, url, {**good, "period_start": 2022}, **p.auth)
    assert response.status_code == 400
    assert response.json()["errors"]["period_end"] == ["Ange giltighetstiden som två årtal, till exempel 2019–2021."]
    response = post_json(client, url, {k: v for k, v in good.items() if k != "title"}, **p.auth)
    assert response.status_code == 422
    assert response.json() == {"detail": "Uppgifterna är inte giltiga.",
                               "errors": {"title": ["Fältet är obligatoriskt."]}}
    response = post_json(client, url, {**good, "kind": "manifest"}, **p.auth)
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    response = post_json(client, url, {**good, "owner_organ": 999999}, **p.auth)
    assert response.status_code == 400 and response.json()["errors"] == {"owner_organ": ["Organet finns inte."]}
    response = post_json(client, url, {**good, "title": "   "}, **p.auth)
    assert response.status_code == 400 and response.json()["errors"] == {"title": ["Ange styrdokumentets namn."]}
    assert post_json(client, "/api/cases/999999/plans", good, **p.auth).status_code == 404
    assert not SteeringDocument.objects.exists()

    pid = _plan(client, p)["id"]
    # Adopting an empty plan.
    response = post_json(client, f"/api/plans/{pid}/adopt", {"note": ""}, **p.auth)
    assert response.status_code == 400 and response.json()["detail"] == "Styrdokumentet har inget innehåll att anta."
    response = post_json(client, f"/api/plans/{pid}/adopt", {"decision": 999999}, **p.auth)
    assert response.status_code == 400 and "decision" in response.json()["errors"]
    # A follow-up of a plan that is not adopted.
    response = post_json(client, f"/api/plans/{pid}/follow-ups",
                         {"year": 2019, "deadline": dt.date.today().isoformat()}, **p.auth)
    assert response.status_code == 400 and "status" in response.json()["errors"]
    area = _area(client, p, pid, "Öppen kommun")
    goal = _goal(client, p, area["id"], "Öppna data")
    bad_actions = [
        ({"title": "A", "budgets": [{"year": 2025, "operating": 1000}]}, "budgets", "utanför"),
        ({"title": "A", "budgets": [{"year": 2019, "operating": -1000}]}, "budgets", "Ange ett belopp"),
        ({"title": "A", "budgets": [{"year": 2019}, {"year": 2019}]}, "budgets", "Varje år"),
        ({"title": "A", "start": "2020-01-01", "end": "2019-01-01"}, "end", "innan"),
        ({"title": " "}, "title", "Ange aktivitetens namn"),
        ({"title": "A", "responsible_person": 999999}, "responsible_person", "Personen finns inte"),
    ]
    for body, field, words in bad_actions:
        response = post_json(client, f"/api/goals/{goal['id']}/actions", body, **p.auth)
        assert response.status_code == 400, body
        assert words in response.json()["errors"][field][0], response.json()
    response = post_json(client, f"/api/goals/{goal['id']}/actions",
                         {"title": "A", "budgets": [{"year": 2019, "operating": "mycket"}]}, **p.auth)
    assert response.status_code == 422 and response.json()["errors"] == {"budgets.operating": ["Ogiltigt värde."]}
    response = post_json(client, f"/api/goals/{goal['id']}/indicators",
                         {"name": "Nöjdhet", "unit": "index", "targets": {"2030": 5}}, **p.auth)
    assert response.status_code == 400 and "utanför" in response.json()["errors"]["targets"][0]
    assert not Action.objects.exists() and not ActionBudget.objects.exists()
    assert patch_json(client, "/api/goals/999999", {"title": "X"}, **p.auth).status_code == 404


# --- export and import ---------------------------------------------------------------------------
def test_export_and_import_over_the_api(client, p):
    pid = _plan(client, p)["id"]
    area = _area(client, p, pid, "Öppen kommun")
    goal = _goal(client, p, area["id"], "Öppna data")
    action = _action(client, p, goal["id"], "Öppna data-portal", [(2019, "250000.50", 0), (2020, 100000, 5000)])
    _action(client, p, goal["id"], "Datakatalog")  # no budget

    exported = client.get(f"/api/plans/{pid}/export.csv", **p.auth)
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    text = exported.content.decode("utf-8-sig")
    assert "250000.50" in text and "Datakatalog" in text
    xlsx = client.get(f"/api/plans/{pid}/export.xlsx", **p.reader_auth)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    # Unchanged round trip: nothing changes.
    response = client.post(f"/api/plans/{pid}/import",
                           {"file": SimpleUploadedFile("plan.csv", exported.content, content_type="text/csv")},
                           **p.auth)
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 0 and response.json()["updated"] == 0

    # A bad row: nothing at all is written, each row's problem is reported.
    new_row = ";Öppen kommun;Öppna data;Öppna API:er;;;;;;;;2021;1000.00;0.00\r\n"
    bad = text.replace("250000.50", "1.00") + new_row + ";Öppen kommun;Öppna data;Trasig rad;;;;;;;;1899;abc;\r\n"
    response = client.post(f"/api/plans/{pid}/import",
                           {"file": SimpleUploadedFile("plan.csv", bad.encode("utf-8-sig"), content_type="text/csv")},
                           **p.auth)
    assert response.status_code == 400, response.json()
    rows = response.json()["errors"]["rows"]
    assert any(m.startswith("Rad 6:") and "abc" in m for m in rows) and any("1899" in m for m in rows)
    assert Action.objects.filter(goal__focus_area__document_id=pid).count() == 2
    assert ActionBudget.objects.get(action_id=action["id"], year=2019).operating == Decimal("250000.50")

    # A changed budget and a new action.
    changed = text.replace("250000.50", "260000.00") + new_row
    response = client.post(f"/api/plans/{pid}/import",
                           {"file": SimpleUploadedFile("plan.csv", changed.encode("utf-8-sig"),
                                                       content_type="text/csv")}, **p.auth)
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == 1 and response.json()["updated"] == 1
    assert ActionBudget.objects.get(action_id=action["id"], year=2019).operating == 260000
    # The reader may not import.
    response = client.post(f"/api/plans/{pid}/import",
                           {"file": SimpleUploadedFile("plan.csv", exported.content, content_type="text/csv")},
                           **p.reader_auth)
    assert response.status_code == 403
