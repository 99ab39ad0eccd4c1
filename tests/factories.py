"""Test data made through the same services users call."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Role
from diarium.registry import services as registry

_n = itertools.count(1)


def on_day(day: dt.date | str, hour: int = 12):
    """Set the clock (timezone.now(), date.today()) to `day` at `hour` local
    time, standing still: what a user does then happens on that day."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE)),
                               tick=False)

PASSWORD = "Korrekt-Häst-Batteri-9"


def organisation(name="Alingsås kommun", slug="alingsas", **kw):
    return accounts.organisation_create(name=name, slug=slug, **kw)


def organ(org, code="KS", name="Kommunstyrelsen", kind=Organ.Kind.EXECUTIVE_BOARD, **kw):
    return accounts.organ_create(organisation=org, name=name, code=code, kind=kind, **kw)


def user(org=None, role=None, organ=None, username=None, superuser=False):
    u = accounts.user_create(username=username or f"user{next(_n)}", password=PASSWORD, is_superuser=superuser)
    if role:
        accounts.role_grant(user=u, organisation=org, role=role, organ=organ)
    return u


def registrar(org, organ=None):
    return user(org, Role.REGISTRAR, organ)


def text_file(name="brev.txt", content="Hej! Detta är ett remissvar.\n"):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/plain")


def pdf_file(name="tjansteskrivelse.pdf"):
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def case(actor, organ, title="Digital målbild för Alingsås kommun – öppen och smart", **kw):
    return registry.case_register(actor=actor, organ=organ, title=title, **kw)


def document(actor, case, direction="incoming", counterpart="Föreningen Sambruk", description="Remissvar", files=(),
             **kw):
    kw.setdefault("document_date", dt.date(2018, 6, 12))
    return registry.document_register(actor=actor, case=case, direction=direction, counterpart=counterpart,
                                      description=description, files=list(files), **kw)


def remiss_setup(actor, org, ks, *, boards=3, deadline=None, prefix="N", **kw):
    """A case with a draft action plan and a prepared remiss round to `boards` boards."""
    from diarium.remiss import services as remiss

    c = case(actor, ks)
    plan = document(actor, c, direction="drawn_up", counterpart="", description="Förslag till handlingsplan",
                    files=[text_file("handlingsplan.txt", "Handlingsplan\nÅtgärd 1: öppna data\n")])
    organs = [organ(org, code=f"{prefix}{i}", name=f"Nämnd {i}", kind=Organ.Kind.BOARD,
                    email=f"{prefix.lower()}{i}@alingsas.se")
              for i in range(1, boards + 1)]
    round_ = remiss.remiss_create(
        actor=actor, case=c, title="Förslag till handlingsplan", letter="Vi önskar era synpunkter.",
        deadline=deadline or (dt.date.today() + dt.timedelta(days=30)),
        recipients=[remiss.RecipientInput(organ=o) for o in organs], files=list(plan.files.all()),
        ordered_by="KSAU 2018-02-28 § 8", **kw,
    )
    return round_, organs


# --- meetings and decisions -----------------------------------------------------------------
def person(org, name, **kw):
    return accounts.person_create(organisation=org, name=name, **kw)


def meeting(actor, organ, date=dt.date(2018, 9, 24), *, members=(), chair=None, adjusters=(), **kw):
    """A planned meeting of `organ`. `members` are (person, role) seats held from
    the start of the meeting's year; the chair defaults to the seat "chair"."""
    from diarium.decisions import services as decisions

    for p, role in members:
        decisions.membership_add(actor=actor, organ=organ, person=p, role=role, start=dt.date(date.year, 1, 1))
    return decisions.meeting_create(actor=actor, organ=organ, date=date, chair=chair, adjusters=list(adjusters), **kw)


def adjust(actor, meeting, posted_on=None):
    """Close the meeting (if open) and have the chair and every adjuster approve the minutes."""
    from diarium.decisions import services as decisions
    from diarium.decisions.models import Meeting

    meeting.refresh_from_db()
    if meeting.status == Meeting.Status.OPENED:
        decisions.meeting_close(actor=actor, meeting=meeting)
    if meeting.chair_id:
        decisions.minutes_sign(actor=actor, meeting=meeting, person=meeting.chair, role="chair", posted_on=posted_on)
    for p in meeting.adjusters.all():
        decisions.minutes_sign(actor=actor, meeting=meeting, person=p, role="adjuster", posted_on=posted_on)
    meeting.refresh_from_db()
    return meeting


# --- steering documents ---------------------------------------------------------------------
def plan(actor, case, owner, *, title="Handlingsplan för digital målbild", period=(2019, 2021), **kw):
    """A draft action plan on `case`, owned by `owner`."""
    from diarium.plans import services as plans

    kw.setdefault("kind", "action_plan")
    return plans.plan_create(actor=actor, case=case, title=title, period_start=period[0], period_end=period[1],
                             owner_organ=owner, **kw)


def plan_structure(actor, document, *, person=None, organ=None, internal_note=""):
    """One focus area, one goal with an indicator and one action with a budget
    per year of the plan (250 000 drift, 100 000 investering the first year)."""
    from diarium.plans import services as plans

    area = plans.focus_area_save(actor=actor, document=document, title="Öppen och smart")
    goal = plans.goal_save(actor=actor, focus_area=area, title="Fler e-tjänster")
    years = document.years
    indicator = plans.indicator_save(actor=actor, goal=goal, name="Andel ärenden via e-tjänst", unit="procent",
                                     baseline="20", baseline_year=years[0] - 1,
                                     targets={str(y): str(30 + 10 * i) for i, y in enumerate(years)})
    action = plans.action_save(
        actor=actor, goal=goal, title="Införa e-tjänsteplattform", responsible_organ=organ,
        responsible_person=person, funding_source="Flerårsstrategi 2018–2020", internal_note=internal_note,
        budgets=[plans.BudgetInput(year=years[0], operating="250000", investment="100000")]
        + [plans.BudgetInput(year=y, operating="50000") for y in years[1:]],
    )
    return area, goal, indicator, action


adjust_meeting = adjust  # held() takes a flag named `adjust`


def held(registrar, meeting, item, title, *, adjust):
    """Open the meeting, record one decision on the item, then adjust the minutes
    (or only close the meeting)."""
    from diarium.decisions import services as decisions

    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    decision = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, title=title,
                                         text="Handlingsplanen godkänns.\nKommunfullmäktige informeras.")
    if adjust:
        adjust_meeting(registrar, meeting)
    else:
        decisions.meeting_close(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    return decision
