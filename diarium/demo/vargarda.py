"""A second municipality in the demo (issue 25): Vårgårda kommun on its own public
site (seed/vargarda.toml), beside Alingsås, which gets a host name of its own too.

Its council and executive board, a few public cases with their documents and a
meeting of the executive board ten days ago whose minutes are adjusted and
posted; dated from the day the demo is loaded, written through the services
users call. Example data: the toml and the decision's note say so."""

from __future__ import annotations

import datetime as dt
import tomllib

from django.utils import timezone

from diarium.accounts import services as accounts
from diarium.accounts.models import Organisation, Person
from diarium.decisions import services as decisions
from diarium.decisions.models import DecisionNote
from diarium.registry import services as registry

from .specs import seed_file

ALINGSAS_HOST = "alingsas.localhost"


def _at(today: dt.date, days: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour)))


def vargarda_load(*, admin, alingsas: Organisation, today: dt.date | None = None) -> Organisation:
    """Vårgårda kommun with its organs, cases and meeting; Alingsås gets its host."""
    data = tomllib.loads(seed_file("vargarda.toml"))
    today = today or timezone.localdate()
    accounts.organisation_settings_update(actor=admin, organisation=alingsas, host=ALINGSAS_HOST)
    organisation = accounts.organisation_create(name=data["name"], slug=data["slug"])
    organisation = accounts.organisation_settings_update(
        actor=admin, organisation=organisation, host=data["host"], brand_colour=data["brand_colour"],
        contact_email=data["contact_email"], contact_phone=data["contact_phone"],
        postal_address=data["postal_address"], website=data["website"])
    organs = {code: accounts.organ_create(organisation=organisation, name=name, code=code, kind=kind)
              for name, code, kind in data["organs"]}
    cases = {}
    for spec in data["cases"]:
        case = registry.case_register(actor=admin, organ=organs[spec["organ"]], title=spec["title"],
                                      registered_at=_at(today, spec["registered"], 9))
        for number, (direction, counterpart, description, days) in enumerate(
                sorted(spec["documents"], key=lambda d: d[3]), start=1):
            at = _at(today, days, 10 + number)
            registry.document_register(actor=admin, case=case, direction=direction, counterpart=counterpart,
                                       description=description, document_date=at.date(), registered_at=at)
        cases[spec["key"]] = case
    _held(data, organ=organs["KS"], organisation=organisation, admin=admin, cases=cases, today=today)
    return organisation


def _held(data, *, organ, organisation, admin, cases, today) -> None:
    held = data["held"]
    term_start = dt.date(today.year - 1, 1, 1)
    people: dict[str, Person] = {}
    for role, name, party in data["seats"]:
        people[name] = accounts.person_create(organisation=organisation, name=name, title=data["politician_title"])
        decisions.membership_add(actor=admin, organ=organ, person=people[name], role=role, start=term_start,
                                 party=party)
    meeting = decisions.meeting_create(
        actor=admin, organ=organ, date=today + dt.timedelta(days=held["days"]), start_time=dt.time(13),
        end_time=dt.time(15), place=data["place"], adjusters=[people[data["adjuster"]]],
        now=_at(today, held["notice"] - 3, 9))
    items = [(decisions.agenda_item_add(actor=admin, meeting=meeting, case=cases[key], title=cases[key].title,
                                        now=_at(today, held["notice"] - 1, 9)), text) for key, text in held["items"]]
    decisions.meeting_publish_notice(actor=admin, meeting=meeting, now=_at(today, held["notice"], 9))
    decisions.meeting_open(actor=admin, meeting=meeting, now=_at(today, held["days"], 13))
    decisions.attendance_set(actor=admin, meeting=meeting, present_ids=[p.pk for p in people.values()],
                             now=_at(today, held["days"], 13))
    for item, text in items:
        decisions.decision_record(actor=admin, meeting=meeting, agenda_item=item, title=item.title, text=text,
                                  notes=[decisions.NoteInput(DecisionNote.Kind.NOTE, data["note"])],
                                  now=_at(today, held["days"], 14))
    decisions.meeting_close(actor=admin, meeting=meeting, now=_at(today, held["days"], 15))
    meeting.refresh_from_db()
    signed = _at(today, held["adjusted"], 15)
    decisions.minutes_sign(actor=admin, meeting=meeting, person=meeting.chair, role="chair", now=signed)
    decisions.minutes_sign(actor=admin, meeting=meeting, person=people[data["adjuster"]], role="adjuster",
                           posted_on=signed.date(), now=signed)
