"""Steering documents through the services: versions and diffs, the roll-up
arithmetic, follow-up answers and reminders, and the report."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.plans import access, selectors, services as plans
from diarium.plans.models import ActionReport, FollowUpRequest, SteeringDocument
from diarium.registry.models import Document

from . import factories as f
from .pdf_support import blob_pdf_text

pytestmark = pytest.mark.django_db

B = plans.BudgetInput


@pytest.fixture
def world(org, ks, registrar):
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)
    owner_user = f.user(org, username="ansvarig")  # no role: answers only as the responsible person
    owner = accounts.person_create(organisation=org, name="Lena Ansvarig", email="lena@alingsas.se", user=owner_user)
    other = accounts.person_create(organisation=org, name="Per Annan", email="per@alingsas.se")
    case = f.case(registrar, ks)
    plan = plans.plan_create(actor=registrar, case=case, kind="action_plan", title="Handlingsplan digital målbild",
                             period_start=2019, period_end=2021, owner_organ=ks, process_owner=owner,
                             process_owner_role="Kommundirektör")
    area = plans.focus_area_save(actor=registrar, document=plan, title="Öppna data och transparens")
    goal = plans.goal_save(actor=registrar, focus_area=area, title="Mer öppna data")
    area2 = plans.focus_area_save(actor=registrar, document=plan, title="Digital kompetens")
    goal2 = plans.goal_save(actor=registrar, focus_area=area2, title="Kunniga medarbetare")
    indicator = plans.indicator_save(actor=registrar, goal=goal, name="Publicerade datamängder", unit="antal",
                                     baseline=3, baseline_year=2018, targets={"2019": 10, "2020": 20, "2021": 30})
    a1 = plans.action_save(actor=registrar, goal=goal, title="Öppna data-portal", responsible_organ=ks,
                           responsible_person=owner, funding_source="Flerårsstrategi 2018–2020",
                           budgets=[B(2019, 300000, 100000), B(2020, 200000, 0)])
    a2 = plans.action_save(actor=registrar, goal=goal, title="API för diariet", responsible_organ=ks,
                           responsible_person=other, budgets=[B(2019, 100000, 0)])
    a3 = plans.action_save(actor=registrar, goal=goal2, title="Utbildning", responsible_organ=bun,
                           responsible_person=other)  # no budget
    return {"plan": plan, "goal": goal, "goal2": goal2, "indicator": indicator, "a1": a1, "a2": a2, "a3": a3,
            "owner": owner, "owner_user": owner_user, "other": other, "case": case}


def test_adopting_keeps_each_version_and_the_next_one_shows_what_changed(registrar, world):
    plan = world["plan"]
    v1 = plans.plan_adopt(actor=registrar, document=plan, note="Antagen av KS")
    assert v1.number == 1 and plan.__class__.objects.get(pk=plan.pk).status == SteeringDocument.Status.ADOPTED
    plans.action_save(actor=registrar, goal=world["goal"], action=world["a1"], title="Öppna data-portal",
                      responsible_organ=world["a1"].responsible_organ, responsible_person=world["owner"],
                      funding_source="Flerårsstrategi 2018–2020",
                      budgets=[B(2019, 300000, 100000), B(2020, 250000, 0)])
    plans.action_save(actor=registrar, goal=world["goal2"], title="Digital assistent", budgets=[B(2021, 50000, 0)])
    plans.structure_delete(actor=registrar, item=world["a2"])
    working = selectors.snapshot(plan)
    changes = {(c.kind, c.title): c.details for c in selectors.diff(v1.snapshot, working)}
    assert ("added", "Digital assistent") in changes
    assert ("removed", "API för diariet") in changes
    assert changes[("rebudgeted", "Öppna data-portal")] == "2020 drift: 200\u202f000 → 250\u202f000 kr"
    v2 = plans.plan_adopt(actor=registrar, document=plan)
    assert [v.number for v in selectors.versions(plan)] == [1, 2]
    assert v1.snapshot != v2.snapshot  # the first version is untouched
    assert "Öppna data-portal" in [x["title"] for x in selectors.actions_of(v1.snapshot)]
    assert "API för diariet" in [x["title"] for x in selectors.actions_of(v1.snapshot)]


def test_the_public_sees_the_adopted_version_never_the_working_copy_or_internal_notes(registrar, world):
    plan = world["plan"]
    plans.action_save(actor=registrar, goal=world["goal"], action=world["a2"], title="API för diariet",
                      responsible_person=world["other"], internal_note="Leverantören är sen",
                      budgets=[B(2019, 100000, 0)])
    public = AnonymousUser()
    assert not access.plan_visible(public, plan)
    plans.plan_adopt(actor=registrar, document=plan)
    plans.action_save(actor=registrar, goal=world["goal"], title="Hemligt utkast")
    data, working = selectors.plan_data_for(public, plan)
    titles = [x["title"] for x in selectors.actions_of(data)]
    assert not working and "Hemligt utkast" not in titles
    assert "Leverantören är sen" not in str(data)
    staff, working = selectors.plan_data_for(registrar, plan)
    assert working and "Hemligt utkast" in [x["title"] for x in selectors.actions_of(staff)]


def _round(registrar, plan, year=2019, deadline=None):
    plans.plan_adopt(actor=registrar, document=plan)
    return plans.follow_up_open(actor=registrar, document=plan, year=year,
                                deadline=deadline or timezone.localdate() + dt.timedelta(days=20))


def test_roll_up_weights_by_budget_leaves_out_cancelled_and_counts_unreported_as_zero(registrar, world):
    plan = world["plan"]
    round_ = _round(registrar, plan)
    R = plans.ActionReportInput
    plans.follow_up_answer(actor=registrar, round=round_, reports=[
        R(world["a1"], "ongoing", 50, 250000, 100000), R(world["a2"], "done", 10, 90000, 0),
    ])
    report = selectors.follow_up_report_data(round_)
    goal, goal2 = report.rollup.goals
    # Budgets: a1 600 000, a2 100 000 → (600·50 + 100·100) / 700 = 57.14 (done counts as 100 %).
    assert round(goal.progress, 2) == 57.14
    # a3 has no budget and no report: the goal falls back to equal weights at 0 %.
    assert goal2.progress == 0 and goal2.equal_weights
    assert report.rollup.unreported == 1
    # The plan: a3 weighs nothing by budget → same as goal 1.
    assert round(report.rollup.progress, 2) == 57.14
    plans.follow_up_answer(actor=registrar, round=round_, reports=[R(world["a1"], "cancelled", 0)])
    report = selectors.follow_up_report_data(round_)
    assert report.rollup.cancelled == 1
    assert report.rollup.goals[0].progress == 100  # only a2 (done) counts now
    money = {m.year: m for m in report.money}
    assert money[2019].budget_operating == Decimal("400000") and money[2019].budget_investment == Decimal("100000")
    assert money[2019].used_operating == Decimal("90000")  # a1 cancelled reports 0
    assert money[2020].used_operating is None  # no follow-up for 2020 yet


def test_explicit_weights_are_used_when_the_plan_says_so(registrar, world):
    plan = world["plan"]
    plans.plan_update(actor=registrar, document=plan, weighting=SteeringDocument.Weighting.WEIGHTS)
    plans.action_save(actor=registrar, goal=world["goal"], action=world["a1"], title="Öppna data-portal",
                      responsible_person=world["owner"], weight="3", budgets=[B(2019, 300000, 100000)])
    round_ = _round(registrar, plan)
    R = plans.ActionReportInput
    plans.follow_up_answer(actor=registrar, round=round_, reports=[
        R(world["a1"], "ongoing", 20), R(world["a2"], "ongoing", 60), R(world["a3"], "ongoing", 40)])
    report = selectors.follow_up_report_data(round_)
    assert report.rollup.goals[0].progress == pytest.approx((3 * 20 + 1 * 60) / 4)
    assert report.rollup.progress == pytest.approx((3 * 20 + 60 + 40) / 5)


def test_the_responsible_person_answers_only_their_own_actions_and_late_answers_show(registrar, world):
    plan = world["plan"]
    round_ = _round(registrar, plan)
    assert sorted(m.to[0] for m in mail.outbox) == ["lena@alingsas.se", "per@alingsas.se"]
    R = plans.ActionReportInput
    with pytest.raises(PermissionDenied):
        plans.follow_up_answer(actor=world["owner_user"], round=round_, reports=[R(world["a2"], "ongoing", 10)])
    with pytest.raises(DomainError) as exc:
        plans.follow_up_answer(actor=world["owner_user"], round=round_, reports=[R(world["a1"], "ongoing", 130)])
    assert "0–100 procent" in exc.value.message
    late = timezone.now() + dt.timedelta(days=25)
    plans.follow_up_answer(actor=world["owner_user"], round=round_, reports=[R(world["a1"], "ongoing", 40, "1 000,50")],
                           now=late)
    report = ActionReport.objects.get(round=round_, action=world["a1"])
    assert report.late and report.used_operating == Decimal("1000.50") and report.answered_by_name
    assert FollowUpRequest.objects.get(round=round_, person=world["owner"]).answered_at is not None
    assert FollowUpRequest.objects.get(round=round_, person=world["other"]).answered_at is None
    assert "ansvarig" not in selectors.follow_up_report_data(round_).unanswered  # names, not usernames
    assert selectors.follow_up_report_data(round_).unanswered == ["Per Annan"]


def test_reminders_go_once_before_and_once_after_the_deadline_to_those_who_have_not_answered(registrar, world):
    deadline = timezone.localdate() + dt.timedelta(days=20)
    round_ = _round(registrar, world["plan"], deadline=deadline)
    plans.follow_up_answer(actor=registrar, round=round_, reports=[plans.ActionReportInput(world["a1"], "ongoing", 5)])
    mail.outbox.clear()
    before = timezone.make_aware(dt.datetime.combine(deadline - dt.timedelta(days=3), dt.time(9)))
    assert plans.send_due_reminders(now=before) == 1
    assert [m.to for m in mail.outbox] == [["per@alingsas.se"]]
    assert plans.send_due_reminders(now=before) == 0
    after = timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(9)))
    assert plans.send_due_reminders(now=after) == 1
    assert "har passerat" in mail.outbox[-1].body


def test_the_report_is_registered_with_its_charts_and_goes_on_the_agenda(registrar, world, ks):
    from diarium.decisions import services as decisions
    from diarium.documents.drawers import follow_up_report_render

    plan = world["plan"]
    round_ = _round(registrar, plan)
    plans.follow_up_answer(actor=registrar, round=round_, reports=[
        plans.ActionReportInput(world["a1"], "ongoing", 50, 250000, 50000, comment="Portalen är lanserad."),
        plans.ActionReportInput(world["a2"], "postponed", 0, comment="Intern: leverantören", comment_internal=True),
    ], values=[plans.IndicatorValueInput(world["indicator"], "12")])
    document = plans.follow_up_report(actor=registrar, round=round_)
    assert document.direction == Document.Direction.DRAWN_UP
    file = document.files.get()
    assert file.filename == "uppfoljningsrapport.pdf"
    html = follow_up_report_render(round=round_, pdf=False).html  # what the PDF is rendered from
    assert html.count('role="img"') == 3  # progress, money, one indicator
    text = blob_pdf_text(file.blob)
    assert "Portalen är lanserad." in text and "leverantören" not in text  # internal comments stay inside
    assert "Publicerade datamängder" in text and "12" in text
    again = plans.follow_up_report(actor=registrar, round=round_)
    assert again.pk == document.pk and document.files.count() == 2
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=timezone.localdate() + dt.timedelta(days=14))
    item = plans.report_to_agenda(actor=registrar, round=round_, meeting=meeting)
    assert list(item.supporting_documents.all()) == [document]


def test_bad_input_is_refused_in_swedish(registrar, world, org, ks):
    with pytest.raises(DomainError, match="utanför planens giltighetstid"):
        plans.action_save(actor=registrar, goal=world["goal"], title="X", budgets=[B(2025, 1, 0)])
    with pytest.raises(DomainError, match="belopp"):
        plans.action_save(actor=registrar, goal=world["goal"], title="X", budgets=[B(2019, "mycket", 0)])
    with pytest.raises(DomainError, match="två årtal"):
        plans.plan_create(actor=registrar, case=world["case"], kind="plan", title="T", period_start=2021,
                          period_end=2019, owner_organ=ks)
    reader = f.user(org, Role.READER)
    with pytest.raises(PermissionDenied):
        plans.focus_area_save(actor=reader, document=world["plan"], title="Nytt")
    round_ = _round(registrar, world["plan"])
    plans.follow_up_answer(actor=registrar, round=round_, reports=[plans.ActionReportInput(world["a1"], "ongoing", 5)])
    with pytest.raises(DomainError, match="uppföljningar"):
        plans.structure_delete(actor=registrar, item=world["a1"])
