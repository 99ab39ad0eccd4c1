"""Load the Alingsås demo through the same services users call.

The data are in seed/ (TOML read by specs.py: organisation.toml, cases.toml,
meetings.toml, the remiss round and the plans of 2017.676 KS, texts.toml) and
the dated steps that run them through the services in steps.py; this module
loads it all once, in one transaction.

The organisation, case 2017.676 KS, its title, officer, the decisions it cites
and the officer's report itself are facts from the report of 2018-08-23 (see
seed/). Everything else (other diary numbers, dates of remiss answers, people
other than the signatories, the extra cases) is invented for illustration and
says so: descriptions carry "exempeldata".

The remiss round on 2017.676 KS (KSAU 2018-02-28 § 8, extended by KSAU
2018-04-25 § 53) runs through the remiss services with historic times: its
letters, answers, assessments, compilation and revision are example data and
their texts say so. It is closed in 2018, so a worker started later sends none
of its e-mails.

The meetings and decisions run through the decision services, also with
historic times: KF 2015-11-25 § 180, KF 2017-12-13 § 251 (with its assignment
to KS, answered by 2017.676 KS), KSAU 2018-02-28 § 8 and KSAU 2018-04-25 § 53
are facts of the report; the politicians, times, places, the KS meeting
2018-09-24 § 160 (approving the action plan on condition that KF adopts the
vision) and the KF meeting 2018-10-31 § 190 (adopting it, which makes § 160
effective) are example data, and a note on each decision says so. The officer's
report of 2018-08-23 is written through officer_report_create from the seed
text, which stays on the same document as its original. Every minutes excerpt
is "e-mailed" through a connection that sends nothing, on the historic day, so
the queued delivery tasks find them sent; the politicians have no e-mail
addresses, so publishing a notice queues no mail.

The vision and its action plan (issue 6) are built on 2017.676 KS through the
plan services, also with historic times: their names, the period of three
years, drift and investering money funded in Flerårsstrategi 2018–2020, the
kommundirektör as process owner and the yearly report to KS are facts of the
report; the goals, indicators, the ten actions' people, dates and budgets, the
follow-ups of 2019 and 2020 and their answers, the re-budgeting adopted by KS
2020-03-02 § 38 (version 2) and the KS meetings 2020-03-02 and 2021-03-01 that
receive the yearly reports are example data and say so. The follow-up requests
are "e-mailed" through a connection that sends nothing on the day each round
opened, and both rounds are closed, so the queued request tasks send nothing.

The present (present.py, seed/present.toml) and, after it, the records plan
(records.py, seed/records.toml, issue 22): the executive board adopts its
dokumenthanteringsplan by a § of the meeting held a week ago, and the
registrar places a legal hold and draws up a disposal list of what is due
under it today (an invitation and a receipt of the closed historic cases,
which carry the document types of organisation.toml). The plan, its rules,
the hold and the documents they concern are example data.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Organisation, Person, Role, User
from diarium.core.errors import DomainError
from diarium.decisions import services as decisions
from diarium.decisions.models import Decision
from diarium.registry import extensions
from diarium.registry import reference as registry_reference
from diarium.registry import services as registry
from diarium.registry.models import Case

from . import present, records, steps, vargarda
from .specs import CaseSpec, report_text, seed, seed_file

__all__ = ["ACTION_PLAN_DRAFT", "ACTION_PLAN_REVISED", "PASSWORD_ENV", "DemoResult", "demo_load", "demo_password",
           "report_text"]

ADMIN_USERNAME = "admin"
REGISTRAR_USERNAME = "registrator"
CASE_OFFICER_USERNAME = "handlaggare"
# The executive board's chair and a member of it in the present (seed/present.toml):
# they sign the last meeting's minutes with their own logins, and read their meetings.
CHAIR_USERNAME = "ordforande"
MEMBER_USERNAME = "ledamot"
PASSWORD_ENV = "DIARIUM_DEMO_PASSWORD"

# The action plan on 2017.676 KS as sent on remiss, and as revised after it.
ACTION_PLAN_DRAFT = seed_file("forslag-handlingsplan.txt")
ACTION_PLAN_REVISED = seed_file("forslag-handlingsplan-reviderad.txt")


def _email(name: str) -> str:
    ascii_name = name.lower().translate(str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "."}))
    return f"{ascii_name}@alingsas.example"


@dataclass
class DemoResult:
    organisation: Organisation
    password: str
    loaded: bool  # False when the demo was already there and only passwords were reset
    usernames: tuple[str, ...] = (ADMIN_USERNAME, REGISTRAR_USERNAME, CASE_OFFICER_USERNAME, CHAIR_USERNAME,
                                  MEMBER_USERNAME)


def demo_password() -> str:
    """The demo password: from DIARIUM_DEMO_PASSWORD, else a fresh random one."""
    return os.environ.get(PASSWORD_ENV) or secrets.token_urlsafe(12)


def _user_ensure(username: str, password: str, *, superuser: bool = False, **names) -> User:
    """Create the user, or give an existing one the demo password."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return accounts.user_create(username=username, password=password, is_superuser=superuser, **names)
    if superuser and not user.is_superuser:
        raise DomainError(f"Användaren {username} finns redan men är inte superanvändare.")
    return accounts.user_set_password(user=user, password=password)


def demo_load(*, password: str | None = None) -> DemoResult:
    """Load the demo once. On later runs nothing is added; the demo users only get
    the (new) password. One transaction: a failure leaves no half demo behind."""
    password = password or demo_password()
    with transaction.atomic():
        admin = _user_ensure(ADMIN_USERNAME, password, superuser=True)
        organisation = Organisation.objects.filter(slug=seed().organisation_slug).first()
        if organisation is not None:
            for username in (REGISTRAR_USERNAME, CASE_OFFICER_USERNAME, CHAIR_USERNAME, MEMBER_USERNAME):
                user = User.objects.filter(username=username).first()
                if user is not None:
                    accounts.user_set_password(user=user, password=password)
            return DemoResult(organisation=organisation, password=password, loaded=False)
        with extensions.event_listeners_paused():  # the story is history, not news to its officers
            organisation = _load(admin=admin, password=password)
        # The files are read by the masking assistant now, as the worker would do
        # it for each: the demo's public pages are whole from the first visit.
        registry.files_screen_pending()
    return DemoResult(organisation=organisation, password=password, loaded=True)


def _load(*, admin: User, password: str) -> Organisation:
    data = seed()
    organisation = accounts.organisation_create(name=data.organisation_name, slug=data.organisation_slug,
                                                org_number=data.org_number)
    organs: dict[str, Organ] = {}
    for o in data.organs:
        organs[o.code] = accounts.organ_create(
            organisation=organisation, name=o.name, code=o.code, kind=o.kind, parent=organs.get(o.parent),
            email=o.email,
        )

    registrar = _user_ensure(REGISTRAR_USERNAME, password, first_name="Eva", last_name="Lundqvist")
    officer = _user_ensure(CASE_OFFICER_USERNAME, password, first_name="Göran", last_name="Westerlund")
    accounts.role_grant(user=registrar, organisation=organisation, role=Role.REGISTRAR)
    accounts.role_grant(user=officer, organisation=organisation, role=Role.CASE_OFFICER)
    logins = {"Göran Westerlund": officer, "Eva Lundqvist": registrar}
    people: dict[str, Person] = {
        p.name: accounts.person_create(
            organisation=organisation, name=p.name, title=p.title, organ=organs[p.organ], user=logins.get(p.name),
            email=_email(p.name) if p.name in data.plan_officials else "")
        for p in data.people
    }
    for name in dict.fromkeys(name for term in data.terms for _, name, _ in term.seats):
        people[name] = accounts.person_create(organisation=organisation, name=name, title=data.politician_title)
    for term in data.terms:
        start, end = term.period
        for role, name, party in term.seats:
            decisions.membership_add(actor=registrar, organ=organs[term.organ], person=people[name], role=role,
                                     start=start, end=end, party=party)
    classifications = {
        c.code: registry.classification_create(actor=admin, organisation=organisation, code=c.code, title=c.title,
                                               retention=c.retention, description=c.description)
        for c in data.classifications
    }
    document_types = {name: registry_reference.document_type_create(actor=admin, organisation=organisation, name=name)
                      for name in data.document_types}
    recorded: dict[str, Decision] = {}  # decisions by reference, "KF 2017-12-13 § 251"
    for spec in data.cases:
        _case_load(spec, organs=organs, people=people, classifications=classifications,
                   document_types=document_types, admin=admin, registrar=registrar, officer=officer,
                   recorded=recorded)
    decided = present.present_load(organisation=organisation, registrar=registrar, logins={
        "chair": _user_ensure(CHAIR_USERNAME, password, first_name="Mats", last_name="Engström"),
        "adjuster": _user_ensure(MEMBER_USERNAME, password, first_name="Karin", last_name="Sandberg")})
    # The records plan is adopted by a § of the present-day meeting, so it comes after it.
    records.records_load(organisation=organisation, registrar=registrar, decisions=decided)
    # A second municipality with its own public site, beside Alingsås (issue 25).
    vargarda.vargarda_load(admin=admin, alingsas=organisation)
    return organisation


def _case_load(spec: CaseSpec, *, organs, people, classifications, document_types, admin, registrar, officer,
               recorded: dict[str, Decision]) -> Case:
    organ = organs[spec.organ]
    series = registry.series_for_organ(organ)
    # The demo continues series of an earlier register: move the counter to just
    # before the case's number (counters only move forward, so cases.toml is ordered).
    registry.series_counter_set(series=series, year=spec.registered.year, last_seq=spec.number - 1, actor=admin)
    case = registry.case_register(
        actor=registrar, organ=organ, title=spec.title, description=spec.description,
        case_officer=people.get(spec.officer), classification=classifications.get(spec.classification),
        registered_at=spec.registered,
    )
    if case.seq != spec.number:
        raise RuntimeError(f"Demo case {spec.title!r} got number {case.diary_number}, expected seq {spec.number}")
    # Documents and remiss steps in the order they happened, so that document
    # numbers on the case follow the dates.
    timeline: list[tuple[dt.datetime, Callable[[], object]]] = [
        (doc.registered, partial(steps.document_load, doc, case=case, registrar=registrar,
                                 document_types=document_types)) for doc in spec.documents
    ]
    if spec.remiss:
        timeline += steps.remiss_steps(spec.remiss, case=case, organs=organs, registrar=registrar, officer=officer)
    if spec.report:
        timeline.append((spec.report.written, partial(steps.report_load, spec.report, case=case, organs=organs,
                                                      officer=officer)))
    for meeting in spec.meetings:
        timeline += steps.meeting_steps(meeting, case=case, organs=organs, people=people, admin=admin,
                                        registrar=registrar, recorded=recorded)
    if spec.plans:
        timeline += steps.plan_steps(spec.plans, case=case, organs=organs, people=people, registrar=registrar,
                                     officer=officer, recorded=recorded)
    for when, reference in spec.answers:
        timeline.append((when, partial(steps.assignment_link, reference, case=case, officer=officer, when=when,
                                       recorded=recorded)))
    for when, step in sorted(timeline, key=lambda item: item[0]):
        if when < spec.registered:
            raise RuntimeError(f"Demo case {spec.title!r}: a step at {when} comes before the case")
        step()
    if spec.close:
        registry.case_close(actor=officer, case=case, reason=spec.close)
    return case
