"""Preparing and sending a round: the draft (what is sent, to whom, by when),
sending it (the dispatch registered on the case as outgoing documents, one
e-mail per recipient queued), discarding a draft and sending failed e-mails
again."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ
from diarium.core import drawing
from diarium.core.errors import DomainError
from diarium.core.limits import length_errors
from diarium.core.tasks import enqueue_by_name
from diarium.registry import services as registry
from diarium.registry.models import Case, Document, DocumentFile, PartyKind

from .. import access
from ..events import RemissEvent
from ..models import (
    DECISION_REF_MAX,
    LETTER_MAX,
    RECIPIENT_NAME_MAX,
    TITLE_MAX,
    RemissDeadline,
    RemissRecipient,
    RemissRound,
)
from .links import NONCE_BYTES


@dataclass
class RecipientInput:
    """Whom to send to: an organ (its name and e-mail) or a named external
    organisation or person with a contact e-mail, with what the registrar says it
    is (`kind`, a PartyKind: left "auto", a name nobody knows as an
    organisation is a private person's, which the public never sees)."""

    organ: Organ | None = None
    name: str = ""
    email: str = ""
    kind: str = PartyKind.AUTO


def _recipients_checked(case: Case, recipients: Sequence[RecipientInput]) -> list[RecipientInput]:
    checked: list[RecipientInput] = []
    problems: list[str] = []
    seen: set[str] = set()
    for item in recipients:
        organ = item.organ
        if organ is not None and organ.organisation_id != case.organisation_id:
            problems.append(_("%(name)s hör till en annan organisation.") % {"name": organ.name})
            continue
        name = (item.name or (organ.name if organ else "")).strip()
        email = (item.email or (organ.email if organ else "")).strip()
        if not name:
            problems.append(_("En mottagare saknar namn."))
            continue
        if item.kind not in PartyKind.values:
            problems.append(_("Välj om %(name)s är en privatperson, en organisation eller ska avgöras automatiskt.")
                            % {"name": name})
            continue
        if len(name) > RECIPIENT_NAME_MAX and organ is None:
            problems.append(_("En mottagares namn får vara högst %(n)s tecken.") % {"n": RECIPIENT_NAME_MAX})
            continue
        if not email:
            problems.append(_("%(name)s saknar e-postadress.") % {"name": name})
            continue
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("%(name)s har en ogiltig e-postadress (%(email)s).") % {"name": name, "email": email})
            continue
        key = f"organ:{organ.pk}" if organ else f"name:{name.casefold()}"
        if key in seen:
            problems.append(_("%(name)s finns två gånger bland mottagarna.") % {"name": name})
            continue
        seen.add(key)
        checked.append(RecipientInput(organ=organ, name=name[:RECIPIENT_NAME_MAX], email=email, kind=item.kind))
    if problems:
        raise DomainError(problems[0], errors={"recipients": problems})
    if not checked:
        raise DomainError(_("Välj minst en remissinstans."), field="recipients")
    return checked


@transaction.atomic
def remiss_create(
    *,
    actor,
    case: Case,
    title: str,
    letter: str,
    deadline: dt.date,
    recipients: Sequence[RecipientInput],
    files: Sequence[DocumentFile],
    ordered_by: str = "",
    dispatch_mode: str = RemissRound.DispatchMode.PER_RECIPIENT,
    reminder_days_before: int = 7,
    grace_days: int = 30,
    secrecy_review_reason: str = "",
    now: dt.datetime | None = None,
) -> RemissRound:
    """Prepare a round (a draft): what is sent, to whom, by when. Nothing is sent
    yet, but the files go out with it: those that need a secrecy review go only
    with `secrecy_review_reason`, recorded in the history."""
    access.require_manage(actor, case)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    title, letter, ordered_by = (title or "").strip(), (letter or "").strip(), (ordered_by or "").strip()
    if case.status != Case.Status.OPEN:
        raise DomainError(_("Ärendet är avslutat. Återöppna det för att skicka en remiss."))
    if not title:
        errors["title"] = [_("Ange en rubrik för remissen.")]
    if not letter:
        errors["letter"] = [_("Skriv missivet, följebrevet som går till remissinstanserna.")]
    for name, messages in length_errors({"title": (title, TITLE_MAX), "letter": (letter, LETTER_MAX),
                                         "ordered_by": (ordered_by, DECISION_REF_MAX)}).items():
        errors.setdefault(name, messages)
    if not isinstance(deadline, dt.date):
        errors["deadline"] = [_("Ange sista svarsdag (ÅÅÅÅ-MM-DD).")]
    elif deadline <= timezone.localtime(now).date():
        errors["deadline"] = [_("Sista svarsdag måste ligga efter i dag.")]
    if dispatch_mode not in RemissRound.DispatchMode.values:
        errors["dispatch_mode"] = [_("Välj hur utskicket registreras.")]
    if not 0 <= int(reminder_days_before) <= 60:
        errors["reminder_days_before"] = [_("Påminnelsen kan skickas 0–60 dagar före sista svarsdag.")]
    if not 0 <= int(grace_days) <= 365:
        errors["grace_days"] = [_("Svarslänken kan gälla 0–365 dagar efter sista svarsdag.")]
    files = list(files)
    if not files:
        errors["files"] = [_("Välj minst en handling att skicka på remiss.")]
    elif any(f.document.case_id != case.pk for f in files):
        errors["files"] = [_("Remisshandlingarna måste höra till ärendet.")]
    try:
        checked = _recipients_checked(case, recipients)
    except DomainError as exc:
        errors.update(exc.errors)
    try:
        review = registry.release_review(documents=[f.document for f in files], reason=secrecy_review_reason)
    except registry.SecrecyReviewRequired as exc:
        if not errors:
            raise
        errors.update(exc.errors)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    round_ = RemissRound.objects.create(
        organisation_id=case.organisation_id, case=case, title=title, letter=letter, deadline=deadline,
        ordered_by=ordered_by, dispatch_mode=dispatch_mode, reminder_days_before=reminder_days_before,
        grace_days=grace_days, created_at=now, created_by=_user(actor),
    )
    round_.files.set(files)
    RemissRecipient.objects.bulk_create([
        RemissRecipient(round=round_, position=i, organ=r.organ, name=r.name, email=r.email, deadline=deadline,
                        kind=r.kind, is_private=access.recipient_is_private(
                            organ=r.organ, name=r.name, kind=r.kind, organisation_id=case.organisation_id))
        for i, r in enumerate(checked, start=1)
    ])
    registry.event_append(case=case, kind=RemissEvent.REMISS_CREATED, actor=actor, at=now, data={
        "round": round_.pk, "details": _("%(title)s, %(n)s remissinstanser, svar senast %(deadline)s")
        % {"title": round_.title, "n": len(checked), "deadline": deadline.isoformat()},
    })
    registry.release_record(actor=actor, case=case, review=review, at=now, destination={"round": round_.pk},
                            where=_("Remiss: %(title)s") % {"title": round_.title})
    return round_


@transaction.atomic
def remiss_discard(*, actor, round: RemissRound) -> None:
    """Remove a draft that was never sent. Nothing of it was registered or sent;
    the history keeps that it was prepared and removed."""
    access.require_manage(actor, round)
    round_ = round_locked(round)
    if round_.status != RemissRound.Status.DRAFT:
        raise DomainError(_("En skickad remiss kan inte tas bort; den kan avslutas."))
    title, case = round_.title, round_.case
    round_.delete()
    registry.event_append(case=case, kind=RemissEvent.REMISS_DISCARDED, actor=actor, data={"details": title})


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def round_locked(round_: RemissRound) -> RemissRound:
    return RemissRound.objects.select_for_update(of=("self",)).select_related("case", "case__organ").get(pk=round_.pk)


@transaction.atomic
def remiss_send(*, actor, round: RemissRound, secrecy_review_reason: str = "",
                now: dt.datetime | None = None) -> RemissRound:
    """Send a prepared round: register the dispatch as outgoing document(s) on the
    case and put one e-mail per recipient on the queue. A recipient counts as
    sent only when its e-mail has gone. Files that came to need a secrecy review
    after the round was prepared (marked secret since) go only with
    `secrecy_review_reason`."""
    access.require_manage(actor, round)
    round_ = round_locked(round)
    if round_.status != RemissRound.Status.DRAFT:
        raise DomainError(_("Remissen är redan skickad."))
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    recipients = list(round_.recipients.select_related("organ"))
    if round_.deadline <= today:
        raise DomainError(_("Sista svarsdag har passerat. Ändra sista svarsdag innan remissen skickas."),
                          field="deadline")
    destination = {"round": round_.pk}
    review = registry.release_review(
        documents=[f.document for f in round_.files.select_related("document")],
        reason=secrecy_review_reason,
        reviewed=registry.releases_reviewed(case=round_.case, destination=destination),
    )
    description = _("Remiss: %(title)s") % {"title": round_.title}
    letter_file = _letter_file(round_, sent_on=today)
    if round_.dispatch_mode == RemissRound.DispatchMode.LIST:
        shared = registry.document_create(
            actor=actor, case=round_.case, direction=Document.Direction.OUTGOING, document_date=today,
            description=description, counterpart=_("Enligt sändlista (%(n)s remissinstanser)") % {"n": len(recipients)},
            counterpart_kind=PartyKind.LEGAL,  # names no one: the list is in the letter
            files=[letter_file()], registered_at=now,
        )
    for recipient in recipients:
        recipient.outgoing_document = shared if round_.dispatch_mode == RemissRound.DispatchMode.LIST else (
            registry.document_create(
                actor=actor, case=round_.case, direction=Document.Direction.OUTGOING, document_date=today,
                description=description, counterpart=recipient.name,
                counterpart_kind=access.recipient_party_kind(recipient),
                files=[letter_file()], registered_at=now,
            )
        )
        recipient.token_nonce = secrets.token_hex(NONCE_BYTES)
        recipient.dispatch = RemissRecipient.Dispatch.QUEUED
        recipient.save(update_fields=["outgoing_document", "token_nonce", "dispatch"])
        RemissDeadline.objects.create(recipient=recipient, deadline=recipient.deadline, set_at=now,
                                      set_by_name=registry.actor_name(actor))
    round_.status = RemissRound.Status.SENT
    round_.sent_at = now
    round_.save(update_fields=["status", "sent_at"])
    registry.event_append(case=round_.case, kind=RemissEvent.REMISS_SENT, actor=actor, at=now, data={
        "round": round_.pk, "details": _("%(title)s till %(n)s remissinstanser") % {
            "title": round_.title, "n": len(recipients)},
    })
    registry.release_record(actor=actor, case=round_.case, review=review, at=now, destination=destination,
                            where=_("Remiss: %(title)s") % {"title": round_.title})
    for recipient in recipients:
        enqueue_by_name("diarium.remiss.tasks.deliver", recipient.pk, "letter")
    return round_


def _letter_file(round_: RemissRound, *, sent_on: dt.date):
    """The covering letter with the recipient list, as the file of the outgoing
    document (PDF/A through the drawing hook). It is registered and may be read
    by anyone: it says how to answer but never holds a recipient's answer link."""
    drawn = drawing.draw("remiss_letter", {
        "round": round_, "case": round_.case, "organisation": round_.organisation, "sent_on": sent_on,
        "recipients": list(round_.recipients.all()), "files": list(round_.files.select_related("document")),
    }, template="remiss/letter.txt", stem="missiv")
    return drawn.upload


@transaction.atomic
def remiss_retry(*, actor, round: RemissRound) -> int:
    """Put the e-mails that could not be sent on the queue again."""
    access.require_manage(actor, round)
    failed = list(round.recipients.filter(dispatch=RemissRecipient.Dispatch.FAILED).values_list("pk", flat=True))
    if not failed:
        raise DomainError(_("Det finns inga misslyckade utskick att skicka igen."))
    RemissRecipient.objects.filter(pk__in=failed).update(dispatch=RemissRecipient.Dispatch.QUEUED, dispatch_error="")
    for pk in failed:
        enqueue_by_name("diarium.remiss.tasks.deliver", pk, "letter")
    return len(failed)
