"""Writes for an organ's seats and meetings: memberships, the meeting itself,
its agenda, the published notice (e-mailed to each member by a task),
opening, closing and attendance."""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Person
from diarium.core.errors import DomainError
from diarium.core.limits import check_lengths
from diarium.core.mail import mail_send
from diarium.core.tasks import enqueue_by_name
from diarium.registry import files as file_store
from diarium.registry import services as registry
from diarium.registry.models import Case, Document

from .. import access
from ..events import DecisionEvent
from ..models import (
    PLACE_MAX,
    SEATED_ROLES,
    TITLE_MAX,
    AgendaItem,
    Attendance,
    AttendanceChange,
    Conflict,
    Meeting,
    Membership,
    Minutes,
    Proposal,
)
from .minutes import minutes_draft_withdraw
from .shared import drawn_up_file, errors_raise, meeting_event, meeting_locked, user_or_none

logger = logging.getLogger("diarium.decisions")



@transaction.atomic
def membership_add(*, actor, organ: Organ, person: Person, role: str, start: dt.date,
                   end: dt.date | None = None, party: str = "", substitute_order: int | None = None) -> Membership:
    """Give a person a seat in the organ for a period (a term of office, or
    part of one): chair, vice chair, member or substitute, with the party and,
    for a substitute, the place in the order substitutes are called in."""
    access.require_manage_meetings(actor, organ)
    errors_raise(membership_errors(organ=organ, person=person, role=role, start=start, end=end,
                                   substitute_order=substitute_order))
    membership = Membership.objects.create(organ=organ, person=person, role=role, start=start, end=end,
                                           party=(party or "").strip()[:40], substitute_order=substitute_order)
    membership_event(actor=actor, membership=membership, kind=DecisionEvent.MEMBERSHIP_ADDED)
    return membership


def membership_seat(membership: Membership) -> dict:
    """A seat as its events record it."""
    def day(value) -> str | None:
        return None if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)

    return {"role": membership.role, "party": membership.party, "start": day(membership.start),
            "end": day(membership.end), "substitute_order": membership.substitute_order}


def membership_event(*, actor, membership: Membership, kind: str, **data) -> None:
    """Append the event of a change to an organ's seats (no meeting, no case),
    in the caller's transaction: the seat as it stands after it, and `data`."""
    registry.event_append(case=None, organisation_id=membership.organ.organisation_id, kind=kind, actor=actor,
                          data={"membership": membership.pk, "organ": membership.organ_id,
                                "person": membership.person_id, **membership_seat(membership), **data})
    from diarium.accounts.services import administration_event_record

    administration_event_record(
        actor=actor, organisation=membership.organ.organisation, action=kind, object_type="membership",
        object_id=membership.pk, summary=_("%(event)s: %(name)s, %(role)s i %(organ)s.") % {
            "event": DecisionEvent(kind).label, "name": membership.person.name,
            "role": membership.get_role_display().lower(), "organ": membership.organ.code},
        changes={"person": membership.person.name, **membership_seat(membership)})


def membership_errors(*, organ: Organ, person: Person, role: str, start: dt.date, end: dt.date | None,
                      substitute_order: int | None, changing: Membership | None = None) -> dict[str, list[str]]:
    """What is wrong with a seat (new, or `changing` an existing one), every problem at once."""
    errors: dict[str, list[str]] = {}
    if role not in Membership.Role.values:
        errors["role"] = [_("Välj ordförande, vice ordförande, ledamot eller ersättare.")]
    if person.organisation_id != organ.organisation_id:
        errors["person"] = [_("Personen hör till en annan organisation.")]
    if end is not None and end < start:
        errors["end"] = [_("Slutdatum kan inte ligga före startdatum.")]
    if substitute_order is not None and role != Membership.Role.SUBSTITUTE:
        errors["substitute_order"] = [_("Turordning anges bara för ersättare.")]
    elif substitute_order is not None and not 1 <= substitute_order <= 999:
        errors["substitute_order"] = [_("Turordningen är ett tal från 1 och uppåt.")]
    other = None
    if person.pk is not None and isinstance(start, dt.date):  # a person new to the register has no seats yet
        overlapping = Membership.objects.filter(organ=organ, person=person).filter(
            Q(end__isnull=True) | Q(end__gte=start))
        if changing is not None:
            overlapping = overlapping.exclude(pk=changing.pk)
        if end is not None:
            overlapping = overlapping.filter(start__lte=end)
        other = overlapping.first()
    if other is not None:
        errors.setdefault("person", []).append(
            _("%(name)s är redan %(role)s i %(organ)s från %(start)s; en person har ett uppdrag i taget i organet.")
            % {"name": person.name, "role": other.get_role_display().lower(), "organ": organ.name,
               "start": other.start.isoformat()})
    return errors


def members_on(organ: Organ, day: dt.date) -> list[Membership]:
    """The organ's seats on a day (selectors.seats_on)."""
    from .. import selectors

    return selectors.seats_on(organ, day)


@transaction.atomic
def meeting_create(
    *, actor, organ: Organ, date: dt.date, start_time: dt.time | None = None, end_time: dt.time | None = None,
    place: str = "", chair: Person | None = None, secretary: Person | None = None,
    adjusters: Sequence[Person] = (), now: dt.datetime | None = None,
) -> Meeting:
    """Plan a meeting. Its members and substitutes come from the organ's
    memberships on the day; the chair defaults to the organ's chair."""
    access.require_manage_meetings(actor, organ)
    if not isinstance(date, dt.date):
        raise DomainError(_("Ange datum för sammanträdet (ÅÅÅÅ-MM-DD)."), field="date")
    if organ.kind in (Organ.Kind.COMPANY, Organ.Kind.EXTERNAL):
        raise DomainError(_("%(organ)s håller inte sammanträden i Diarium.") % {"organ": organ.name}, field="organ")
    check_lengths({"place": ((place or "").strip(), PLACE_MAX)})
    members = members_on(organ, date)
    if chair is None:
        chair = next((m.person for m in members if m.role == Membership.Role.CHAIR), None)
    meeting = Meeting.objects.create(
        organisation_id=organ.organisation_id, organ=organ, date=date, start_time=start_time, end_time=end_time,
        place=(place or "").strip(), chair=chair, secretary=secretary, created_at=now or timezone.now(),
    )
    meeting.adjusters.set(list(adjusters))
    Attendance.objects.bulk_create([Attendance(meeting=meeting, person=m.person, role=m.role) for m in members])
    meeting_event(actor=actor, meeting=meeting, kind=DecisionEvent.MEETING_PLANNED, at=meeting.created_at,
                  organ=organ.pk, date=date.isoformat(), status=meeting.status)
    return meeting


def _editable_agenda(meeting: Meeting) -> None:
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.ADJUSTED):
        raise DomainError(_("Sammanträdet är avslutat; föredragningslistan kan inte ändras."))


@transaction.atomic
def agenda_item_add(
    *, actor, meeting: Meeting, title: str = "", case: Case | None = None, proposal: Proposal | None = None,
    documents: Sequence[Document] = (), secrecy_review_reason: str = "", now: dt.datetime | None = None,
) -> AgendaItem:
    """Put a matter on the agenda with the documents it rests on ("beslutsunderlag"),
    which go out with the notice: those that need a secrecy review go only with
    `secrecy_review_reason`, recorded in the history.
    `now`: when (default now; loaders of historic data pass the date)."""
    access.require_manage_meetings(actor, meeting.organ)
    meeting = meeting_locked(meeting)
    _editable_agenda(meeting)
    if proposal is not None:
        if proposal.organ_id != meeting.organ_id:
            raise DomainError(_("Förslaget är ställt till %(organ)s.") % {"organ": proposal.organ.name}, field="proposal")
        case = case or proposal.case
    title = (title or (case.title if case else "")).strip()
    if not title:
        raise DomainError(_("Ange en rubrik för punkten."), field="title")
    check_lengths({"title": (title, TITLE_MAX)})
    if case is not None and case.organisation_id != meeting.organisation_id:
        raise DomainError(_("Ärendet hör till en annan organisation."), field="case")
    documents = list(documents)
    if any(case is None or d.case_id != case.pk for d in documents):
        raise DomainError(_("Beslutsunderlaget måste höra till ärendet."), field="documents")
    review = registry.release_review(documents=documents, reason=secrecy_review_reason)
    position = (meeting.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, position=position, title=title, case=case,
                                     proposal=proposal)
    item.supporting_documents.set(documents)
    if case is not None:
        where = f"{meeting.organ.code} {meeting.date:%Y-%m-%d}, punkt {position}"
        registry.event_append(case=case, kind=DecisionEvent.AGENDA_ITEM_ADDED, actor=actor, at=now, data={
            "meeting": meeting.pk, "details": where,
        })
        registry.release_record(actor=actor, case=case, review=review, at=now, destination={"agenda_item": item.pk},
                                where=_("Beslutsunderlag: %(where)s") % {"where": where})
    return item


@transaction.atomic
def agenda_item_move(*, actor, item: AgendaItem, up: bool) -> AgendaItem:
    access.require_manage_meetings(actor, item.meeting.organ)
    meeting = meeting_locked(item.meeting)
    _editable_agenda(meeting)
    items = list(meeting.items.order_by("position"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return item
    items[index], items[other] = items[other], items[index]
    # Renumber through a free range so the unique (meeting, position) holds at every step.
    offset = len(items) + 1000
    for it in items:
        AgendaItem.objects.filter(pk=it.pk).update(position=it.position + offset)
    for position, it in enumerate(items, start=1):
        AgendaItem.objects.filter(pk=it.pk).update(position=position)
    item.refresh_from_db()
    return item


def _status_change(actor, meeting: Meeting, *, allowed_from: Sequence[str], to: str, stamp: str, message: str,
                   now: dt.datetime | None, event: str) -> Meeting:
    """Move the meeting to its next status, with the time in `stamp`, and append `event`."""
    access.require_manage_meetings(actor, meeting.organ)
    meeting = meeting_locked(meeting)
    if meeting.status not in allowed_from:
        raise DomainError(message)
    was = meeting.status
    meeting.status = to
    setattr(meeting, stamp, now or timezone.now())
    meeting.save(update_fields=["status", stamp])
    meeting_event(actor=actor, meeting=meeting, kind=event, at=getattr(meeting, stamp), status=to, was=was)
    return meeting


@transaction.atomic
def meeting_publish_notice(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Publish the notice ("kallelse") with the agenda: e-mail to members and
    substitutes, and the agenda with its public documents to the public view."""
    access.require_manage_meetings(actor, meeting.organ)
    errors: dict[str, list[str]] = {}
    if not meeting.items.exists():
        errors["items"] = [_("Föredragningslistan är tom. Lägg till minst en punkt innan kallelsen skickas.")]
    if not meeting.attendance.filter(role__in=SEATED_ROLES).exists():
        errors["members"] = [_("%(organ)s har inga ledamöter den %(date)s. Lägg in ledamöter och ersättare innan "
                               "kallelsen skickas.") % {"organ": meeting.organ.name, "date": meeting.date.isoformat()}]
    if meeting.chair_id is None:
        errors["chair"] = [_("Sammanträdet har ingen ordförande. Ange ordförande innan kallelsen skickas.")]
    if errors:
        raise DomainError(_("Kallelsen kan inte skickas."), errors=errors)
    meeting = _status_change(actor, meeting, allowed_from=[Meeting.Status.PLANNED], to=Meeting.Status.NOTICE_PUBLISHED,
                             stamp="notice_published_at", message=_("Kallelsen är redan utskickad."), now=now,
                             event=DecisionEvent.MEETING_NOTICE_PUBLISHED)
    _notice_store(meeting, published_on=timezone.localtime(now or meeting.notice_published_at).date())
    for attendance in meeting.attendance.select_related("person"):
        if attendance.person.email:
            enqueue_by_name("diarium.decisions.tasks.send_notice", meeting.pk, attendance.person_id)
    return meeting


def _notice_store(meeting: Meeting, *, published_on: dt.date) -> None:
    """Draw up the notice with the (public) agenda and keep it with the meeting,
    as the minutes are: a record of the organ's meeting series, not of a case."""
    from .. import selectors

    upload = drawn_up_file("notice", {
        "meeting": meeting, "items": selectors.agenda(meeting=meeting, user=None),
        "organisation": meeting.organisation, "published_on": published_on,
    }, template="decisions/notice_document.html", stem="kallelse")
    checked = file_store.check_upload(upload)
    written: list[str] = []
    try:
        meeting.notice_blob = file_store.blob_store(checked, written=written)
        meeting.save(update_fields=["notice_blob"])
    except BaseException:
        file_store.remove_unreferenced(written)
        raise


def notice_deliver(meeting_id: int, person_id: int, *, connection=None) -> bool:
    """Mail the notice to one member or substitute: the agenda in the message and
    the drawn-up notice (PDF/A) attached, as it was published."""
    meeting = Meeting.objects.select_related("organ", "organisation", "notice_blob").filter(pk=meeting_id).first()
    person = Person.objects.filter(pk=person_id).first()
    if meeting is None or person is None or not person.email:
        return False
    if meeting.status not in (Meeting.Status.NOTICE_PUBLISHED, Meeting.Status.OPENED) or \
            meeting.date < timezone.localdate():
        return False  # a notice for a meeting already held is never sent late
    from django.conf import settings

    from .. import selectors

    body = render_to_string("decisions/email/notice.txt", {
        "meeting": meeting, "person": person, "items": selectors.agenda(meeting=meeting, user=None),
        "url": settings.SITE_URL + meeting.get_absolute_url(),
    })
    subject = _("Kallelse: %(organ)s %(date)s") % {"organ": meeting.organ.name, "date": meeting.date.isoformat()}
    message = EmailMessage(subject=subject, body=body, to=[person.email], connection=connection)
    if meeting.notice_blob is not None:
        blob = meeting.notice_blob
        with file_store.blob_open(blob) as fh:
            content = fh.read()
        extension = mimetypes.guess_extension(blob.content_type.split(";")[0].strip()) or ""
        message.attach(f"kallelse-{meeting.organ.code}-{meeting.date:%Y-%m-%d}{extension}".lower(), content,
                       blob.content_type)
    try:
        mail_send(message)
    except Exception as exc:  # the mail server; a notice can be sent again
        logger.warning("Notice to %s failed: %s", person.email, exc)
        return False
    return True


@transaction.atomic
def meeting_open(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Open the meeting: on its day or later, never before (its decisions are
    dated by it, and the minutes are adjusted after it)."""
    today = timezone.localtime(now or timezone.now()).date()
    if meeting.date > today:
        raise DomainError(_("Sammanträdet hålls %(date)s och kan inte öppnas före den dagen.")
                          % {"date": meeting.date.isoformat()})
    return _status_change(actor, meeting, allowed_from=[Meeting.Status.PLANNED, Meeting.Status.NOTICE_PUBLISHED],
                          to=Meeting.Status.OPENED, stamp="opened_at",
                          message=_("Sammanträdet kan inte öppnas: det är redan öppnat eller avslutat."), now=now,
                          event=DecisionEvent.MEETING_OPENED)


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    meeting = _status_change(actor, meeting, allowed_from=[Meeting.Status.OPENED], to=Meeting.Status.CLOSED,
                             stamp="closed_at", message=_("Bara ett pågående sammanträde kan avslutas."), now=now,
                             event=DecisionEvent.MEETING_CLOSED)
    Minutes.objects.get_or_create(meeting=meeting)
    return meeting


@transaction.atomic
def attendance_set(*, actor, meeting: Meeting, present_ids: Sequence[int], now: dt.datetime | None = None) -> None:
    """Record who is present. For each absent member a present substitute is
    called in to serve (tjänstgörande ersättare): one of the member's own party
    first, else the next in the substitutes' order of service (turordning) and
    then by name; the members in the order of the seats (chair, vice chairs,
    members)."""
    access.require_manage_meetings(actor, meeting.organ)
    if meeting.status == Meeting.Status.ADJUSTED:
        raise DomainError(_("Protokollet är justerat; närvaron kan inte ändras."))
    meeting.attendance.update(present=False, replaces=None)
    meeting.attendance.filter(person_id__in=list(present_ids)).update(present=True)
    _substitutes_call_in(meeting)
    minutes_draft_withdraw(meeting)
    rows = list(meeting.attendance.order_by("person_id").values_list("person_id", "present", "replaces_id"))
    meeting_event(actor=actor, meeting=meeting, kind=DecisionEvent.ATTENDANCE_RECORDED, at=now,
                  present=[p for p, present, _r in rows if present],
                  absent=[p for p, present, _r in rows if not present],
                  serving={str(p): r for p, _present, r in rows if r is not None})  # substitute: the member


@transaction.atomic
def attendance_change(*, actor, meeting: Meeting, person: Person, item: AgendaItem, kind: str,
                      at: dt.time | None = None, now: dt.datetime | None = None) -> AttendanceChange:
    """A member or substitute arrives or leaves during the meeting, from `item`
    on: who decides that item and the ones after it follows (a substitute is
    called in for a member who left), and the minutes say so."""
    from .. import selectors

    access.require_manage_meetings(actor, meeting.organ)
    meeting = meeting_locked(meeting)
    if meeting.status != Meeting.Status.OPENED:
        raise DomainError(_("Ankomst och avgång antecknas medan sammanträdet pågår."))
    errors: dict[str, list[str]] = {}
    if kind not in AttendanceChange.Kind.values:
        errors["kind"] = [_("Välj ankommer eller lämnar.")]
    if item.meeting_id != meeting.pk:
        errors["item"] = [_("Punkten hör inte till sammanträdet.")]
    elif item.decisions.exists():
        errors["item"] = [_("Beslutet i punkt %(n)s är redan protokollfört; välj en punkt som inte är avgjord.")
                          % {"n": item.position}]
    rows = list(meeting.attendance.select_related("person"))
    if not any(a.person_id == person.pk for a in rows):
        errors["person"] = [_("%(name)s är inte kallad till sammanträdet.") % {"name": person.name}]
    elif "item" not in errors and kind in AttendanceChange.Kind.values:
        present = person.pk in selectors.present_at(meeting, item, rows)
        if kind == AttendanceChange.Kind.LEAVES and not present:
            errors["person"] = [_("%(name)s är inte närvarande vid punkt %(n)s.")
                                % {"name": person.name, "n": item.position}]
        if kind == AttendanceChange.Kind.ARRIVES and present:
            errors["person"] = [_("%(name)s är redan närvarande vid punkt %(n)s.")
                                % {"name": person.name, "n": item.position}]
    errors_raise(errors)
    change = AttendanceChange.objects.create(meeting=meeting, person=person, item=item, kind=kind, at=at,
                                             recorded_at=now or timezone.now(), recorded_by=user_or_none(actor))
    meeting_event(actor=actor, meeting=meeting, kind=DecisionEvent.ATTENDANCE_CHANGED, at=change.recorded_at,
                  attendance_change=change.pk, person=person.pk, item=item.pk, position=item.position, change=kind,
                  time=at.isoformat(timespec="minutes") if at else None)
    return change


@transaction.atomic
def conflict_declare(*, actor, meeting: Meeting, item: AgendaItem, person: Person,
                     now: dt.datetime | None = None) -> Conflict:
    """A member declares a conflict of interest (jäv) in an item and leaves it:
    the next substitute in the order of service who is present and not already
    serving takes the seat for that item. The minutes say so."""
    from .. import selectors

    access.require_manage_meetings(actor, meeting.organ)
    meeting = meeting_locked(meeting)
    if meeting.status != Meeting.Status.OPENED:
        raise DomainError(_("Jäv anmäls medan sammanträdet pågår."))
    if item.meeting_id != meeting.pk:
        raise DomainError(_("Punkten hör inte till sammanträdet."), field="item")
    errors: dict[str, list[str]] = {}
    if item.decisions.exists():
        errors["item"] = [_("Beslutet i punkt %(n)s är redan protokollfört.") % {"n": item.position}]
    deciding = selectors.deciding(meeting, item)
    if person not in deciding:
        if item.conflicts.filter(person=person).exists():
            errors["person"] = [_("%(name)s har redan anmält jäv i punkt %(n)s.")
                                % {"name": person.name, "n": item.position}]
        else:
            errors["person"] = [_("%(name)s är inte beslutande i punkt %(n)s.")
                                % {"name": person.name, "n": item.position}]
    errors_raise(errors)
    busy = {p.pk for p in deciding}
    rows = list(meeting.attendance.select_related("person"))
    present = selectors.present_at(meeting, item, rows)
    seats = selectors.seats_on(meeting.organ, meeting.date)
    free = selectors.substitutes_in_order([a for a in rows if a.role == Membership.Role.SUBSTITUTE
                                           and a.person_id in present and a.person_id not in busy], seats)
    substitute = selectors.substitute_for(person.pk, free, seats)
    conflict = Conflict.objects.create(item=item, person=person, substitute=substitute.person if substitute else None,
                                       declared_at=now or timezone.now(), recorded_by=user_or_none(actor))
    meeting_event(actor=actor, meeting=meeting, kind=DecisionEvent.CONFLICT_DECLARED, at=conflict.declared_at,
                  conflict=conflict.pk, person=person.pk, item=item.pk, position=item.position,
                  substitute=conflict.substitute_id)
    return conflict


def _substitutes_call_in(meeting: Meeting) -> None:
    """Store who serves for whom at the meeting as a whole (selectors.serving's rule)."""
    from .. import selectors

    rows = list(meeting.attendance.select_related("person"))
    taken = selectors.serving(rows, {a.person_id for a in rows if a.present}, selectors.seats_on(meeting.organ, meeting.date))
    for substitute_id, member_id in taken.items():
        Attendance.objects.filter(meeting=meeting, person_id=substitute_id).update(replaces_id=member_id)


def notices_republish() -> int:
    """Draw up again the published notices whose agenda shows screened text
    (after `diarium privacy audit --apply`): the public notice is then the one
    the privacy rules allow. The meeting keeps the day it was published."""
    meetings = (Meeting.objects.filter(notice_blob__isnull=False)
                .filter(Q(items__privacy_pending=True) | ~Q(items__privacy={}) | ~Q(items__case__privacy={}))
                .select_related("organ", "organisation").distinct())
    count = 0
    for meeting in meetings:
        published = meeting.notice_published_at or timezone.now()
        with transaction.atomic():
            _notice_store(meeting, published_on=timezone.localtime(published).date())
        count += 1
    return count
