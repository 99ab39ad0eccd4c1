"""Writes for the minutes: the signatures of the chair and the adjusters, and
the adjustment, which posts the minutes on the notice board and starts the
appeal period.

Two ways to adjust. Digitally: the secretary draws the minutes up for
adjustment (minutes_prepare), and the chair and each adjuster read them and
sign with their own login (minutes_approve), or comment (minutes_comment);
each signature is a PAdES signature added to the PDF when a signing backend is
configured (diarium.core.signing), and the last one adjusts the minutes as
signed. On paper: the secretary records each signer's approval
(minutes_sign) and the minutes are drawn up at the adjustment."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Person
from diarium.core import signing
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import files as file_store
from diarium.registry import services as registry

from .. import access
from ..events import DecisionEvent
from ..models import NOTE_TEXT_MAX, Meeting, Minutes, MinutesComment, Signature
from .shared import (
    drawn_up_file,
    errors_raise,
    length_errors_add,
    meeting_event,
    meeting_locked,
    user_or_none,
)

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
        meeting = _closed_meeting(meeting)
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
        if minutes.out_for_signing:
            raise DomainError(_("Protokollet är upprättat för digital justering: ordföranden och justerarna "
                                "signerar själva med sin inloggning."))
        if minutes.signatures.filter(person=person, role=role, draft_version=minutes.draft_version).exists():
            raise DomainError(_("%(name)s har redan justerat protokollet.") % {"name": person.name}, field="person")
        signature = Signature.objects.create(minutes=minutes, person=person, role=role, signed_at=now,
                                             recorded_by=user_or_none(actor), draft_version=minutes.draft_version)
        _signed_event(actor, meeting, signature)
        if _signers_needed(meeting) <= _signed(minutes):
            _adjust(actor, meeting, minutes, posted_on=posted_on or timezone.localtime(now).date(), now=now)
        return minutes


def _signed_event(actor, meeting: Meeting, signature: Signature) -> None:
    meeting_event(actor=actor, meeting=meeting, kind=DecisionEvent.MINUTES_SIGNED, at=signature.signed_at,
                  signature=signature.pk, person=signature.person_id, role=signature.role, method=signature.method,
                  version=signature.draft_version, sha256=signature.document_sha256)


def _closed_meeting(meeting: Meeting) -> Meeting:
    """The meeting, locked, once it has closed and its minutes are not yet adjusted."""
    meeting = meeting_locked(meeting)
    if meeting.status != Meeting.Status.CLOSED:
        if meeting.status == Meeting.Status.ADJUSTED:
            raise DomainError(_("Protokollet är redan justerat."))
        raise DomainError(_("Sammanträdet måste avslutas innan protokollet justeras."))
    return meeting


def _signers_needed(meeting: Meeting) -> set[tuple[int, str]]:
    """(person, role) of those who adjust the minutes: the chair and each adjuster."""
    return ({(pk, Signature.Role.ADJUSTER) for pk in meeting.adjusters.values_list("pk", flat=True)}
            | {(meeting.chair_id, Signature.Role.CHAIR)})


def _signed(minutes: Minutes) -> set[tuple[int, str]]:
    """Who has signed the minutes' current version, and in which role."""
    return set(minutes.signatures.filter(draft_version=minutes.draft_version).values_list("person_id", "role"))


def _stored(upload, written: list[str]):
    """A drawn-up or signed file, checked and stored (its name added to `written`)."""
    return file_store.blob_store(file_store.check_upload(upload), written=written)


def _minutes_context(meeting: Meeting, minutes: Minutes) -> dict:
    from .. import selectors

    return {
        "meeting": meeting, "minutes": minutes, "decisions": selectors.minutes_decisions(meeting),
        "attendance": list(meeting.attendance.select_related("person", "replaces")),
        "signatures": list(minutes.signatures.filter(draft_version=minutes.draft_version).select_related("person")),
        "organisation": meeting.organisation,
    }


def minutes_prepare(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Minutes:
    """Draw the minutes up for adjustment, for the chair and the adjusters to
    read and sign with their own logins. Drawing them up again (after a
    correction, or a signer's comment) makes a new version: signatures count
    for the version they were given on."""
    access.require_manage_meetings(actor, meeting.organ)
    now = now or timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            meeting = _closed_meeting(meeting)
            if meeting.chair_id is None:
                raise DomainError(_("Sammanträdet har ingen ordförande. Ange ordförande innan protokollet justeras."))
            minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
            minutes.draft_version += 1
            minutes.prepared_at = now
            context = {**_minutes_context(meeting, minutes), "for_adjustment": True,
                       "signers": [meeting.chair, *meeting.adjusters.order_by("name", "id")]}
            upload = drawn_up_file("minutes", context, template="decisions/minutes_document.html", stem="protokoll")
            minutes.draft_blob = _stored(upload, written)
            minutes.save(update_fields=["draft_version", "prepared_at", "draft_blob"])
            meeting_event(actor=actor, meeting=meeting, kind=DecisionEvent.MINUTES_PREPARED, at=now,
                          version=minutes.draft_version, sha256=minutes.draft_blob_id)
            return minutes
    except BaseException:
        file_store.remove_unreferenced(written)
        raise


def minutes_draft_withdraw(meeting: Meeting) -> None:
    """The minutes changed after they were drawn up for adjustment (a decision,
    a reservation, the attendance): the version out for signing no longer says
    what they say, and is withdrawn until the secretary draws them up again."""
    Minutes.objects.filter(meeting=meeting, adjusted_at__isnull=True, draft_blob__isnull=False).update(
        draft_blob=None)


def _signer_roles(actor, meeting: Meeting) -> tuple[object, list[str]]:
    """The actor's own person, and the roles in which it adjusts the minutes."""
    from .. import selectors

    person = getattr(actor, "person", None) if getattr(actor, "is_authenticated", False) else None
    if person is None:
        return None, []
    return person, [role for role, p in selectors.minutes_signers(meeting) if p.pk == person.pk]


def _out_for_signing(meeting: Meeting) -> Minutes:
    minutes = Minutes.objects.select_for_update(of=("self",)).filter(meeting=meeting).select_related(
        "draft_blob").first()
    if minutes is not None and minutes.adjusted:
        raise DomainError(_("Protokollet är redan justerat."))
    if minutes is None or not minutes.out_for_signing:
        raise DomainError(_("Protokollet är inte upprättat för justering än."))
    return minutes


def minutes_approve(*, actor, meeting: Meeting, now: dt.datetime | None = None) -> Minutes:
    """The chair or an adjuster signs the minutes drawn up for adjustment, with
    their own login: with a signing backend configured, a PAdES signature in
    their name is added to the PDF (earlier signatures stay valid). When the
    chair and every adjuster have signed, the minutes are adjusted as signed."""
    now = now or timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            meeting = meeting_locked(meeting)
            person, roles = _signer_roles(actor, meeting)
            if not roles:
                raise PermissionDenied(_("Bara ordföranden och justerarna signerar protokollet."))
            minutes = _out_for_signing(meeting)
            signed = _signed(minutes)
            roles = [r for r in roles if (person.pk, r) not in signed]
            if not roles:
                raise DomainError(_("%(name)s har redan signerat protokollet.") % {"name": person.name})
            with file_store.blob_open(minutes.draft_blob) as fh:
                pdf = fh.read()
            backend = signing.signer()
            method = Signature.Method.PADES if backend is not None else Signature.Method.LOGIN
            for role in roles:
                read = hashlib.sha256(pdf).hexdigest()
                if backend is not None:
                    pdf = backend.sign(
                        pdf, field_name=f"Justering-{minutes.draft_version}-{role}-{person.pk}", name=person.name,
                        reason=_("Justerat av %(name)s, %(role)s") % {
                            "name": person.name, "role": Signature.Role(role).label.lower()},
                        location=meeting.organisation.name, at=now)
                signature = Signature.objects.create(minutes=minutes, person=person, role=role, signed_at=now,
                                                     recorded_by=user_or_none(actor), method=method,
                                                     draft_version=minutes.draft_version, document_sha256=read)
                _signed_event(actor, meeting, signature)
            if backend is not None:
                minutes.draft_blob = _stored(SimpleUploadedFile("protokoll.pdf", pdf, content_type="application/pdf"),
                                             written)
                minutes.save(update_fields=["draft_blob"])
            if _signers_needed(meeting) <= _signed(minutes):
                _adjust(actor, meeting, minutes, posted_on=timezone.localtime(now).date(), now=now, signed=True,
                        written=written)
            return minutes
    except BaseException:
        file_store.remove_unreferenced(written)
        raise


@transaction.atomic
def minutes_comment(*, actor, meeting: Meeting, text: str, now: dt.datetime | None = None) -> MinutesComment:
    """The chair or an adjuster comments on the minutes instead of signing (a
    wrong name, a paragraph to correct): for the secretary."""
    meeting = meeting_locked(meeting)
    person, roles = _signer_roles(actor, meeting)
    if not roles:
        raise PermissionDenied(_("Bara ordföranden och justerarna lämnar synpunkter på protokollet."))
    minutes = _out_for_signing(meeting)
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Skriv din synpunkt.")]
    length_errors_add(errors, {"text": (text, NOTE_TEXT_MAX)})
    errors_raise(errors)
    comment = MinutesComment.objects.create(minutes=minutes, person=person, draft_version=minutes.draft_version,
                                            text=text, at=now or timezone.now())
    # The comment's text stays with the comment (for the secretary); the history records that it was made.
    meeting_event(actor=actor, meeting=meeting, kind=DecisionEvent.MINUTES_COMMENTED, at=comment.at,
                  comment=comment.pk, person=person.pk, version=comment.draft_version)
    return comment


def _adjust(actor, meeting: Meeting, minutes: Minutes, *, posted_on: dt.date, now: dt.datetime,
            signed: bool = False, written: list[str] | None = None) -> None:
    """Adjust the minutes: on paper they are drawn up now, with the posting
    certificate in them; signed digitally they are the PDF as signed, and the
    posting certificate (anslagsbevis) is drawn up as its own document."""
    written = [] if written is None else written
    minutes.adjusted_at = now
    minutes.posted_on = posted_on
    minutes.appeal_ends_on = posted_on + dt.timedelta(days=APPEAL_DAYS)
    minutes.take_down_on = minutes.appeal_ends_on
    try:
        if signed:
            minutes.blob = minutes.draft_blob
            with file_store.blob_open(minutes.blob) as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
            upload = drawn_up_file("posting", {
                "meeting": meeting, "minutes": minutes, "organisation": meeting.organisation, "sha256": digest,
                "signatures": list(minutes.signatures.filter(draft_version=minutes.draft_version)
                                   .select_related("person")),
            }, template="decisions/posting_certificate.html", stem="anslagsbevis")
            minutes.posting_blob = _stored(upload, written)
        else:
            upload = drawn_up_file("minutes", _minutes_context(meeting, minutes),
                                   template="decisions/minutes_document.html", stem="protokoll")
            minutes.blob = _stored(upload, written)
        minutes.save()
    except BaseException:
        file_store.remove_unreferenced(written)
        raise
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.ADJUSTED)
    meeting_event(actor=actor, meeting=meeting, kind=DecisionEvent.MEETING_ADJUSTED, at=now,
                  status=Meeting.Status.ADJUSTED, was=meeting.status, posted_on=posted_on.isoformat(),
                  appeal_ends_on=minutes.appeal_ends_on.isoformat(), signed=signed, sha256=minutes.blob_id)
    for decision in meeting.decisions.exclude(case=None).select_related("case", "organ"):
        registry.event_append(case=decision.case, kind=DecisionEvent.MINUTES_ADJUSTED, actor=actor, at=now, data={
            "decision": decision.pk, "details": _("%(ref)s, anslaget %(posted)s, överklagandetiden går ut %(ends)s")
            % {"ref": decision.reference, "posted": posted_on.isoformat(),
               "ends": minutes.appeal_ends_on.isoformat()},
        })
