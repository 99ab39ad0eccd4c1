"""Writes for the minutes: the signatures of the chair and the adjusters, and
the adjustment, which draws up the minutes, posts them on the notice board and
starts the appeal period."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Person
from diarium.core.errors import DomainError
from diarium.registry import files as file_store
from diarium.registry import services as registry

from .. import access
from ..events import DecisionEvent
from ..models import Meeting, Minutes, Signature
from .shared import drawn_up_file, meeting_locked, user_or_none

APPEAL_DAYS = 21  # kommunallagen 13 kap. 5 §: three weeks from the posting of the adjusted minutes


def minutes_sign(*, actor, meeting: Meeting, person: Person, role: str, posted_on: dt.date | None = None,
                 now: dt.datetime | None = None) -> Minutes:
    """Record that the chair or an adjuster approved the minutes. When the chair
    and every adjuster have, the minutes are adjusted: the decisions become final,
    the minutes are stored, and the posting on the notice board starts the
    three-week appeal period."""
    access.require_manage_meetings(actor, meeting.organ)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = meeting_locked(meeting)
        if meeting.status != Meeting.Status.CLOSED:
            if meeting.status == Meeting.Status.ADJUSTED:
                raise DomainError(_("Protokollet är redan justerat."))
            raise DomainError(_("Sammanträdet måste avslutas innan protokollet justeras."))
        adjusters = set(meeting.adjusters.values_list("pk", flat=True))
        if role == Signature.Role.CHAIR and meeting.chair_id != person.pk:
            raise DomainError(_("%(name)s är inte ordförande vid sammanträdet.") % {"name": person.name}, field="person")
        if role == Signature.Role.ADJUSTER and person.pk not in adjusters:
            raise DomainError(_("%(name)s är inte justerare vid sammanträdet.") % {"name": person.name}, field="person")
        if role not in Signature.Role.values:
            raise DomainError(_("Okänd roll."), field="role")
        if meeting.chair_id is None:
            raise DomainError(_("Sammanträdet har ingen ordförande. Ange ordförande innan protokollet justeras."),
                              field="person")
        today = timezone.localtime(now).date()
        if posted_on is not None and posted_on < today:
            raise DomainError(_("Protokollet kan inte anslås före justeringen (%(date)s).")
                              % {"date": today.isoformat()}, field="posted_on")
        minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
        if minutes.signatures.filter(person=person, role=role).exists():
            raise DomainError(_("%(name)s har redan justerat protokollet.") % {"name": person.name}, field="person")
        Signature.objects.create(minutes=minutes, person=person, role=role, signed_at=now,
                                 recorded_by=user_or_none(actor))
        signed = set(minutes.signatures.values_list("person_id", "role"))
        needed = {(pk, Signature.Role.ADJUSTER) for pk in adjusters} | {(meeting.chair_id, Signature.Role.CHAIR)}
        if needed <= signed:
            _adjust(actor, meeting, minutes, posted_on=posted_on or timezone.localtime(now).date(), now=now)
        return minutes


def _adjust(actor, meeting: Meeting, minutes: Minutes, *, posted_on: dt.date, now: dt.datetime) -> None:
    from .. import selectors

    minutes.adjusted_at = now
    minutes.posted_on = posted_on
    minutes.appeal_ends_on = posted_on + dt.timedelta(days=APPEAL_DAYS)
    minutes.take_down_on = minutes.appeal_ends_on
    upload = drawn_up_file("minutes", {
        "meeting": meeting, "minutes": minutes, "decisions": selectors.minutes_decisions(meeting),
        "attendance": list(meeting.attendance.select_related("person", "replaces")),
        "signatures": list(minutes.signatures.select_related("person")), "organisation": meeting.organisation,
    }, template="decisions/minutes_document.html", stem="protokoll")
    checked = file_store.check_upload(upload)
    written: list[str] = []
    try:
        minutes.blob = file_store.blob_store(checked, written=written)
        minutes.save()
    except BaseException:
        file_store.remove_unreferenced(written)
        raise
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.ADJUSTED)
    for decision in meeting.decisions.exclude(case=None).select_related("case", "organ"):
        registry.event_append(case=decision.case, kind=DecisionEvent.MINUTES_ADJUSTED, actor=actor, at=now, data={
            "decision": decision.pk, "details": _("%(ref)s, anslaget %(posted)s, överklagandetiden går ut %(ends)s")
            % {"ref": decision.reference, "posted": posted_on.isoformat(),
               "ends": minutes.appeal_ends_on.isoformat()},
        })
