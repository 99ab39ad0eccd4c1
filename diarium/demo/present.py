"""The demo in the present (issue 19): around the historic Alingsås story, the
executive board's current term with its substitutes in their order of service,
a meeting held a week ago whose minutes are posted and whose appeal period runs
now (with a substitute serving for an absent member, a declared conflict of
interest, an open vote with its reservations, and the § that adopts the
executive board's records plan, which records.py records through the archive
services), and a meeting in the coming weeks whose notice has gone out. Dated
from the day the demo is loaded (seed/present.toml); written through the
services, with each step at its own time."""

from __future__ import annotations

import datetime as dt
import tomllib

from django.utils import timezone

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Person
from diarium.decisions import services as decisions
from diarium.decisions.models import Decision, DecisionNote
from diarium.intake import services as intake
from diarium.registry import selectors as registry_selectors
from diarium.registry import services as registry
from diarium.registry.models import Classification

from .specs import seed, seed_file

TERM_FIRST_YEAR = 2023  # terms of office run four years from 1 January after an election year


def _at(today: dt.date, days: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour)))


def present_load(*, organisation, registrar, logins: dict | None = None,
                 today: dt.date | None = None) -> dict[str, Decision]:
    """`logins`: users for the chair's and the adjuster's seats ("chair",
    "adjuster"), who then adjust the held meeting's minutes with their own
    logins; without them the secretary records their approval from paper.
    Returns the held meeting's decisions by the key of their case."""
    data = tomllib.loads(seed_file("present.toml"))
    today = today or timezone.localdate()
    organ = Organ.objects.get(organisation=organisation, code=data["organ"])
    term_start = dt.date(today.year - (today.year - TERM_FIRST_YEAR) % 4, 1, 1)
    people: dict[str, Person] = {}
    for role, name, party, order in data["seats"]:
        person = Person.objects.filter(organisation=organisation, name=name).first() or accounts.person_create(
            organisation=organisation, name=name, title=seed().politician_title)
        people[name] = person
        login = (logins or {}).get("chair" if role == "chair" else "adjuster" if name == data["adjuster"] else "")
        if login is not None and person.user_id is None:
            person.user = login
            person.save(update_fields=["user"])
        decisions.membership_add(actor=registrar, organ=organ, person=person, role=role, start=term_start,
                                 party=party, substitute_order=order or None)
    cases = {}
    for spec in data["cases"]:
        at = _at(today, spec["registered"], 10)
        officer = Person.objects.filter(organisation=organisation, name=spec["officer"]).first() \
            if spec.get("officer") else None
        classification = Classification.objects.get(organisation=organisation, code=spec["classification"])
        case = registry.case_register(actor=registrar, organ=organ, title=spec["title"], registered_at=at,
                                      case_officer=officer, classification=classification)
        registry.document_register(actor=registrar, case=case, direction=spec["direction"],
                                   counterpart=spec["counterpart"], description=spec["document"],
                                   document_date=at.date(), registered_at=at)
        cases[spec["key"]] = case
    decided = _held(data, organ=organ, registrar=registrar, people=people, cases=cases, today=today)
    _coming(data, organ=organ, registrar=registrar, people=people, cases=cases, today=today)
    _inbox(data, organisation=organisation, registrar=registrar, today=today)
    for spec in data.get("copy_requests", ()):
        document = cases[spec["case"]].documents.order_by("number").first()
        event = registry.copy_request_record(document=document, format=spec["format"], contact=spec["contact"],
                                             message=spec.get("message", ""), now=_at(today, spec["days"], 15))
        request = registry_selectors.copy_request_for_write(pk=event.data["copy_request"])
        registry.copy_request_assign(actor=registrar, request=request, person=Person.objects.get(
            organisation=organisation, name=spec["assign"]))
    for spec in data.get("due_dates", ()):
        registry.due_date_set(actor=registrar, case=cases[spec["case"]], reason=spec["reason"],
                              due_on=today + dt.timedelta(days=spec["due"]), now=_at(today, spec["set"], 11))
    return decided


def _held(data, *, organ, registrar, people, cases, today) -> dict[str, Decision]:
    held = data["held"]
    day = today + dt.timedelta(days=held["days"])
    meeting = decisions.meeting_create(actor=registrar, organ=organ, date=day, start_time=dt.time(13),
                                       end_time=dt.time(16), place=data["place"],
                                       adjusters=[people[data["adjuster"]]], now=_at(today, held["notice"] - 5, 9))
    items = [decisions.agenda_item_add(actor=registrar, meeting=meeting, case=cases[key], title=cases[key].title,
                                       now=_at(today, held["notice"] - 1, 9)) for key, _text, _conflict in held["items"]]
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting, now=_at(today, held["notice"], 9))
    decisions.meeting_open(actor=registrar, meeting=meeting, now=_at(today, held["days"], 13))
    present = [p.pk for name, p in people.items() if name not in held["absent"]]
    decisions.attendance_set(actor=registrar, meeting=meeting, present_ids=present,
                             now=_at(today, held["days"], 13))
    decided: dict[str, Decision] = {}
    for item, (_key, text, conflict) in zip(items, held["items"], strict=True):
        if conflict:
            decisions.conflict_declare(actor=registrar, meeting=meeting, item=item, person=people[conflict],
                                       now=_at(today, held["days"], 14))
        vote = held.get("vote") if held.get("vote", {}).get("item") == _key else None
        if vote:
            _vote(vote, meeting=meeting, item=item, text=text, registrar=registrar, people=people,
                  at=_at(today, held["days"], 14))
        decision = decisions.decision_record(
            actor=registrar, meeting=meeting, agenda_item=item, title=item.title, text=text,
            notes=[decisions.NoteInput(DecisionNote.Kind.NOTE, data["note"])], now=_at(today, held["days"], 14))
        decided[_key] = decision
        for name in (vote or {}).get("reservations", ()):  # in favour of the motion that lost
            decisions.reservation_add(actor=registrar, decision=decision, person=people[name],
                                      motion=item.motions.exclude(pk=decision.motion_id).get())
    decisions.meeting_close(actor=registrar, meeting=meeting, now=_at(today, held["days"], 16))
    meeting.refresh_from_db()
    signed = _at(today, held["adjusted"], 15)
    chair, adjuster = meeting.chair, people[data["adjuster"]]
    if chair.user_id and adjuster.user_id:  # digitally, each with their own login
        decisions.minutes_prepare(actor=registrar, meeting=meeting, now=_at(today, held["adjusted"], 9))
        decisions.minutes_approve(actor=chair.user, meeting=meeting, now=_at(today, held["adjusted"], 11))
        decisions.minutes_approve(actor=adjuster.user, meeting=meeting, now=signed)
        return decided
    decisions.minutes_sign(actor=registrar, meeting=meeting, person=chair, role="chair", now=signed)
    decisions.minutes_sign(actor=registrar, meeting=meeting, person=adjuster, role="adjuster",
                           posted_on=signed.date(), now=signed)
    return decided


def _vote(spec, *, meeting, item, text, registrar, people, at) -> None:
    """The item's proposal against a member's motion, put to an open vote."""
    proposal = decisions.motion_add(actor=registrar, meeting=meeting, item=item, text=text, now=at)
    mover, motion_text = spec["motion"]
    motion = decisions.motion_add(actor=registrar, meeting=meeting, item=item, mover=people[mover], text=motion_text,
                                  now=at)
    vote = decisions.vote_open(actor=registrar, meeting=meeting, item=item, yes_motion=proposal, no_motion=motion,
                               now=at)
    decisions.ballots_record(actor=registrar, vote=vote, now=at, ballots={
        people[name]: choice for choice in ("yes", "no", "abstain") for name in spec[choice]})
    decisions.vote_close(actor=registrar, vote=vote, now=at)


def _coming(data, *, organ, registrar, people, cases, today) -> None:
    coming = data["coming"]
    meeting = decisions.meeting_create(
        actor=registrar, organ=organ, date=today + dt.timedelta(days=coming["days"]), start_time=dt.time(13),
        end_time=dt.time(16), place=data["place"], adjusters=[people[data["adjuster"]]],
        now=_at(today, coming["notice"] - 3, 9))
    for key in coming["items"]:
        decisions.agenda_item_add(actor=registrar, meeting=meeting, case=cases[key], title=cases[key].title,
                                  now=_at(today, coming["notice"] - 1, 9))
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting, now=_at(today, coming["notice"], 9))


def _inbox(data, *, organisation, registrar, today) -> None:
    """E-mails waiting in the registrar's inbox, as saved from the function mailbox."""
    from email.message import EmailMessage
    from email.utils import format_datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    for number, spec in enumerate(data.get("inbox", ()), start=1):
        message = EmailMessage()
        message["From"] = spec["sender"]
        message["To"] = "kommunstyrelsen@alingsas.se"
        message["Subject"] = spec["subject"]
        message["Date"] = format_datetime(_at(today, spec["days"], 8 + number))
        message["Message-ID"] = f"<demo-inkorg-{number}@alingsas.example>"
        message.set_content(spec["body"])
        if "attachment" in spec:
            name, text = spec["attachment"]
            message.add_attachment(text.encode(), maintype="text", subtype="plain", filename=name)
        intake.message_upload(actor=registrar, organisation_id=organisation.pk,
                              upload=SimpleUploadedFile(f"meddelande-{number}.eml", message.as_bytes()))
