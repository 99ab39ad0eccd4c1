"""Writes for consultation rounds ("remisser"). Every write is one transaction
that also appends its event to the case history. Documents sent and received
are registered on the case through the register's services."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ
from diarium.core import drawing
from diarium.core.errors import DomainError
from diarium.core.limits import check_lengths, length_errors, past_date_errors
from diarium.core.tasks import enqueue_by_name, enqueue_due_reminders
from diarium.registry import services as registry
from diarium.registry.models import Case, Document, DocumentFile

from . import access
from .events import RemissEvent
from .models import (
    ANSWER_TEXT_MAX,
    ANSWERED_BY_MAX,
    ASSESSMENT_MAX,
    CHANGE_MAX,
    DECISION_REF_MAX,
    EXTEND_REASON_MAX,
    LETTER_MAX,
    RECIPIENT_NAME_MAX,
    REVISION_NOTE_MAX,
    TITLE_MAX,
    RemissChange,
    RemissDeadline,
    RemissRecipient,
    RemissRound,
)

logger = logging.getLogger("diarium.remiss")

TOKEN_SALT = "diarium.remiss.answer-link"
NONCE_BYTES = 16  # 128 bits of randomness in every answer link


# --- answer links ---------------------------------------------------------------------------
def answer_token(recipient: RemissRecipient) -> str:
    """The secret part of a recipient's answer link: the stored nonce and a MAC
    over it under the site's secret key. The database alone cannot make a link."""
    if not recipient.token_nonce:
        raise DomainError(_("Remissen är inte skickad till %(name)s.") % {"name": recipient.name})
    mac = salted_hmac(TOKEN_SALT, recipient.token_nonce, algorithm="sha256").hexdigest()[:32]
    return f"{recipient.token_nonce}{mac}"


def answer_url(recipient: RemissRecipient) -> str:
    return settings.SITE_URL + reverse("remiss:answer", args=[answer_token(recipient)])


class LinkInvalid(DomainError):
    """The answer link is forged, revoked or expired (for answering, or for reading
    an answer given). Nothing was recorded."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason
        # A forged link is not found; a revoked, expired or closed one is gone.
        self.status_code = 404 if reason == "forged" else 410


def link_valid_until(recipient: RemissRecipient) -> dt.date:
    """The last day the link takes an answer (the round may close earlier)."""
    return recipient.deadline + dt.timedelta(days=recipient.round.grace_days)


def link_readable_until(recipient: RemissRecipient) -> dt.date:
    """The last day an answered recipient can read what they sent through the link.

    Counted from the day the round closed for the recipient: closed explicitly, or
    the last day the link took answers, whichever came first; then
    DIARIUM_REMISS_LINK_DAYS_AFTER_CLOSE days (default 30). Drawing up the
    compilation does not close a round."""
    closed_on = link_valid_until(recipient)
    if recipient.round.closed_at is not None:
        closed_on = min(closed_on, timezone.localtime(recipient.round.closed_at).date())
    days = int(getattr(settings, "DIARIUM_REMISS_LINK_DAYS_AFTER_CLOSE", 30))
    return closed_on + dt.timedelta(days=days)


def _registrar_contact(recipient: RemissRecipient) -> str:
    """Whom to contact about an answer link that no longer works."""
    round_ = recipient.round
    registrar = getattr(settings, "DIARIUM_REGISTRAR_EMAIL", "")
    if registrar:
        return _("Kontakta registrator hos %(organisation)s (%(email)s) och ange diarienummer %(number)s.") % {
            "organisation": round_.organisation.name, "email": registrar, "number": round_.case.diary_number}
    return _("Kontakta registrator hos %(organisation)s och ange diarienummer %(number)s.") % {
        "organisation": round_.organisation.name, "number": round_.case.diary_number}


def recipient_for_token(token: str, *, today: dt.date | None = None, for_update: bool = False) -> RemissRecipient:
    """The recipient a link belongs to, or LinkInvalid. One recipient per link."""
    token = (token or "").strip().lower()
    nonce, mac = token[: NONCE_BYTES * 2], token[NONCE_BYTES * 2:]
    if len(token) != NONCE_BYTES * 4 or not all(c in "0123456789abcdef" for c in token):
        raise LinkInvalid(_("Länken är inte giltig. Kontrollera att hela länken kom med."), reason="forged")
    qs = RemissRecipient.objects.select_related("round", "round__case", "round__case__organ", "round__organisation")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    recipient = qs.filter(token_nonce=nonce).first()
    expected = salted_hmac(TOKEN_SALT, nonce, algorithm="sha256").hexdigest()[:32]
    if recipient is None or not constant_time_compare(mac, expected):
        raise LinkInvalid(_("Länken är inte giltig. Kontrollera att hela länken kom med."), reason="forged")
    if recipient.token_revoked_at is not None:
        raise LinkInvalid(
            _("Länken har spärrats. Kontakta registrator om ni behöver en ny länk."), reason="revoked",
        )
    today = today or timezone.localdate()
    if recipient.has_answered and today > link_readable_until(recipient):
        raise LinkInvalid(
            _("Länken gällde till och med %(date)s och har slutat fungera. Ert svar är registrerat i ärendet.")
            % {"date": link_readable_until(recipient).isoformat()} + " " + _registrar_contact(recipient),
            reason="read_expired",
        )
    if recipient.round.status == RemissRound.Status.CLOSED and not recipient.has_answered:
        raise LinkInvalid(_("Remissen är avslutad och tar inte längre emot svar."), reason="closed")
    if today > link_valid_until(recipient) and not recipient.has_answered:
        raise LinkInvalid(
            _("Länken gällde till och med %(date)s. Kontakta registrator om ni vill lämna svar.")
            % {"date": link_valid_until(recipient).isoformat()},
            reason="expired",
        )
    return recipient


# --- create and send --------------------------------------------------------------------
@dataclass
class RecipientInput:
    """Whom to send to: an organ (its name and e-mail) or a named external
    organisation with a contact e-mail."""

    organ: Organ | None = None
    name: str = ""
    email: str = ""


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
        checked.append(RecipientInput(organ=organ, name=name[:RECIPIENT_NAME_MAX], email=email))
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
    now: dt.datetime | None = None,
) -> RemissRound:
    """Prepare a round (a draft): what is sent, to whom, by when. Nothing is sent yet."""
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
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    round_ = RemissRound.objects.create(
        organisation_id=case.organisation_id, case=case, title=title, letter=letter, deadline=deadline,
        ordered_by=ordered_by, dispatch_mode=dispatch_mode, reminder_days_before=reminder_days_before,
        grace_days=grace_days, created_at=now, created_by=_user(actor),
    )
    round_.files.set(files)
    RemissRecipient.objects.bulk_create([
        RemissRecipient(round=round_, position=i, organ=r.organ, name=r.name, email=r.email, deadline=deadline)
        for i, r in enumerate(checked, start=1)
    ])
    registry.event_append(case=case, kind=RemissEvent.REMISS_CREATED, actor=actor, at=now, data={
        "round": round_.pk, "details": _("%(title)s, %(n)s remissinstanser, svar senast %(deadline)s")
        % {"title": round_.title, "n": len(checked), "deadline": deadline.isoformat()},
    })
    return round_


@transaction.atomic
def remiss_discard(*, actor, round: RemissRound) -> None:
    """Remove a draft that was never sent. Nothing of it was registered or sent;
    the history keeps that it was prepared and removed."""
    access.require_manage(actor, round)
    round_ = _locked_round(round)
    if round_.status != RemissRound.Status.DRAFT:
        raise DomainError(_("En skickad remiss kan inte tas bort; den kan avslutas."))
    title, case = round_.title, round_.case
    round_.delete()
    registry.event_append(case=case, kind=RemissEvent.REMISS_DISCARDED, actor=actor, data={"details": title})


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _locked_round(round_: RemissRound) -> RemissRound:
    return RemissRound.objects.select_for_update(of=("self",)).select_related("case", "case__organ").get(pk=round_.pk)


@transaction.atomic
def remiss_send(*, actor, round: RemissRound, now: dt.datetime | None = None) -> RemissRound:
    """Send a prepared round: register the dispatch as outgoing document(s) on the
    case and put one e-mail per recipient on the queue. A recipient counts as
    sent only when its e-mail has gone."""
    access.require_manage(actor, round)
    round_ = _locked_round(round)
    if round_.status != RemissRound.Status.DRAFT:
        raise DomainError(_("Remissen är redan skickad."))
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    recipients = list(round_.recipients.select_related("organ"))
    if round_.deadline <= today:
        raise DomainError(_("Sista svarsdag har passerat. Ändra sista svarsdag innan remissen skickas."),
                          field="deadline")
    description = _("Remiss: %(title)s") % {"title": round_.title}
    letter_file = _letter_file(round_, sent_on=today)
    if round_.dispatch_mode == RemissRound.DispatchMode.LIST:
        shared = registry.document_create(
            actor=actor, case=round_.case, direction=Document.Direction.OUTGOING, document_date=today,
            description=description, counterpart=_("Enligt sändlista (%(n)s remissinstanser)") % {"n": len(recipients)},
            files=[letter_file()], registered_at=now,
        )
    for recipient in recipients:
        recipient.outgoing_document = shared if round_.dispatch_mode == RemissRound.DispatchMode.LIST else (
            registry.document_create(
                actor=actor, case=round_.case, direction=Document.Direction.OUTGOING, document_date=today,
                description=description, counterpart=recipient.name, files=[letter_file()], registered_at=now,
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


# --- e-mail delivery (run by the worker) -------------------------------------------------
MAIL_KINDS = {
    "letter": "remiss/email/letter",
    "reminder_before": "remiss/email/reminder",
    "reminder_after": "remiss/email/reminder",
    "reminder_manual": "remiss/email/reminder",
}


def _mail(recipient: RemissRecipient, kind: str) -> EmailMessage:
    context = {
        "recipient": recipient, "round": recipient.round, "case": recipient.round.case,
        "organisation": recipient.round.organisation, "url": answer_url(recipient), "kind": kind,
        "valid_until": link_valid_until(recipient),
        "files": list(recipient.round.files.select_related("document")),
    }
    base = MAIL_KINDS[kind]
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    body = render_to_string(f"{base}.txt", context)
    officer = recipient.round.case.case_officer
    reply_to = [officer.email] if officer is not None and officer.email else None  # questions go to the officer
    return EmailMessage(subject=subject, body=body, to=[recipient.email], reply_to=reply_to)


def remiss_deliver(recipient_id: int, kind: str, *, now: dt.datetime | None = None, connection=None) -> bool:
    """Send one e-mail of a round. The recipient's state changes only with the
    outcome: sent when the mail server took it, failed (and retryable) when not.
    `connection`: the mail connection to send with (default: the configured backend)."""
    now = now or timezone.now()
    recipient = (
        RemissRecipient.objects.select_related("round", "round__case", "round__case__case_officer",
                                               "round__organisation")
        .filter(pk=recipient_id).first()
    )
    if recipient is None or recipient.round.status != RemissRound.Status.SENT:
        return False
    if kind == "letter" and recipient.dispatch != RemissRecipient.Dispatch.QUEUED:
        return False  # already sent (a duplicate task) or waiting for a manual retry
    if kind != "letter" and (recipient.has_answered or recipient.token_revoked_at):
        return False
    message = _mail(recipient, kind)
    message.connection = connection
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any failure of the mail server
        logger.warning("Remiss e-mail to %s failed: %s", recipient.email, exc)
        _delivery_failed(recipient, kind, str(exc) or exc.__class__.__name__, now)
        return False
    _delivered(recipient, kind, now)
    return True


@transaction.atomic
def _delivered(recipient: RemissRecipient, kind: str, now: dt.datetime) -> None:
    case = recipient.round.case
    if kind == "letter":
        RemissRecipient.objects.filter(pk=recipient.pk).update(
            dispatch=RemissRecipient.Dispatch.SENT, dispatch_error="", sent_at=now,
        )
        registry.event_append(case=case, kind=RemissEvent.REMISS_DELIVERED, actor=None, at=now, actor_name="",
                              data={"recipient": recipient.pk, "details": recipient.name})
        return
    RemissRecipient.objects.filter(pk=recipient.pk).update(reminder_count=F("reminder_count") + 1,
                                                           last_reminded_at=now)
    labels = {
        "reminder_before": _("före sista svarsdag"), "reminder_after": _("efter sista svarsdag"),
        "reminder_manual": _("manuell"),
    }
    registry.event_append(case=case, kind=RemissEvent.REMISS_REMINDED, actor=None, at=now, data={
        "recipient": recipient.pk, "details": f"{recipient.name} ({labels[kind]})",
    })


@transaction.atomic
def _delivery_failed(recipient: RemissRecipient, kind: str, error: str, now: dt.datetime) -> None:
    case = recipient.round.case
    if kind == "letter":
        RemissRecipient.objects.filter(pk=recipient.pk).update(
            dispatch=RemissRecipient.Dispatch.FAILED, dispatch_error=error[:500],
        )
    elif kind == "reminder_before":  # give the claim back so the next run tries again
        RemissRecipient.objects.filter(pk=recipient.pk).update(reminded_before_at=None)
    elif kind == "reminder_after":
        RemissRecipient.objects.filter(pk=recipient.pk).update(reminded_after_at=None)
    # The server's error stays on the recipient, for those who run the round;
    # the public history says only who did not get the e-mail.
    registry.event_append(case=case, kind=RemissEvent.REMISS_DELIVERY_FAILED, actor=None, at=now, data={
        "recipient": recipient.pk, "kind": kind, "details": recipient.name,
    })


# --- reminders -------------------------------------------------------------------------
def _open_recipients():
    return RemissRecipient.objects.filter(
        round__status=RemissRound.Status.SENT, dispatch=RemissRecipient.Dispatch.SENT,
        answered_at__isnull=True, token_revoked_at__isnull=True,
    )


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Claim and enqueue the reminders that are due: some days before the deadline
    (the round decides how many) and once after it."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    candidates = _open_recipients().select_related("round").only(
        "pk", "deadline", "reminded_before_at", "reminded_after_at", "round__reminder_days_before",
    )
    return enqueue_due_reminders(
        candidates.filter(reminded_after_at__isnull=True).iterator(), deadline=lambda r: r.deadline,
        days_before=lambda r: r.round.reminder_days_before, today=today, now=now, task="diarium.remiss.tasks.deliver",
    )


@transaction.atomic
def remiss_remind(*, actor, round: RemissRound, recipient_ids: Sequence[int] | None = None) -> int:
    """"Remind now": one reminder to each chosen recipient that has not answered."""
    access.require_manage(actor, round)
    if round.status != RemissRound.Status.SENT:
        raise DomainError(_("Bara en skickad remiss kan påminnas om."))
    qs = _open_recipients().filter(round=round)
    if recipient_ids:
        qs = qs.filter(pk__in=list(recipient_ids))
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        raise DomainError(_("Alla valda remissinstanser har redan svarat eller har inte fått remissen."))
    for pk in ids:
        enqueue_by_name("diarium.remiss.tasks.deliver", pk, "reminder_manual")
    return len(ids)


# --- deadlines and links ---------------------------------------------------------------
@transaction.atomic
def remiss_extend(
    *, actor, round: RemissRound, deadline: dt.date, reason: str, decision_ref: str = "",
    recipient_ids: Sequence[int] | None = None, now: dt.datetime | None = None,
) -> int:
    """Move the deadline for all recipients or some. The earlier deadlines stay in
    each recipient's history. A later reminder before the new deadline is due again."""
    access.require_manage(actor, round)
    round_ = _locked_round(round)
    now = now or timezone.now()
    reason, decision_ref = (reason or "").strip(), (decision_ref or "").strip()
    errors: dict[str, list[str]] = {}
    if round_.status != RemissRound.Status.SENT:
        raise DomainError(_("Bara en skickad remiss kan få ny svarstid."))
    if not isinstance(deadline, dt.date):
        errors["deadline"] = [_("Ange ny sista svarsdag (ÅÅÅÅ-MM-DD).")]
    if not reason:
        errors["reason"] = [_("Ange varför svarstiden förlängs.")]
    for name, messages in length_errors({"reason": (reason, EXTEND_REASON_MAX),
                                         "decision_ref": (decision_ref, DECISION_REF_MAX)}).items():
        errors.setdefault(name, messages)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    recipients = round_.recipients.filter(answered_at__isnull=True)
    if recipient_ids:
        recipients = recipients.filter(pk__in=list(recipient_ids))
    recipients = list(recipients)
    if not recipients:
        raise DomainError(_("Välj minst en remissinstans som inte har svarat."), field="recipients")
    too_early = [r.name for r in recipients if deadline <= r.deadline]
    if too_early:
        raise DomainError(
            _("Den nya sista svarsdagen måste ligga efter den nuvarande (%(names)s).") % {"names": ", ".join(too_early)},
            field="deadline",
        )
    for recipient in recipients:
        recipient.deadline = deadline
        recipient.reminded_before_at = None
        recipient.reminded_after_at = None
        recipient.save(update_fields=["deadline", "reminded_before_at", "reminded_after_at"])
        RemissDeadline.objects.create(recipient=recipient, deadline=deadline, set_at=now, reason=reason,
                                      decision_ref=decision_ref, set_by_name=registry.actor_name(actor))
    if not round_.recipients.filter(deadline__lt=deadline).exists() and deadline > round_.deadline:
        round_.deadline = deadline  # everyone has the new deadline: it is the round's too
        round_.save(update_fields=["deadline"])
    names = _("alla remissinstanser") if not recipient_ids else ", ".join(r.name for r in recipients)
    registry.event_append(case=round_.case, kind=RemissEvent.REMISS_EXTENDED, actor=actor, at=now, data={
        "round": round_.pk, "details": _("till %(deadline)s för %(names)s: %(reason)s%(ref)s") % {
            "deadline": deadline.isoformat(), "names": names, "reason": reason,
            "ref": f" ({decision_ref})" if decision_ref else "",
        },
    })
    return len(recipients)


@transaction.atomic
def remiss_revoke_link(*, actor, recipient: RemissRecipient, now: dt.datetime | None = None) -> RemissRecipient:
    access.require_manage(actor, recipient.round)
    now = now or timezone.now()
    updated = RemissRecipient.objects.filter(pk=recipient.pk, token_revoked_at__isnull=True,
                                             token_nonce__isnull=False).update(token_revoked_at=now)
    if not updated:
        raise DomainError(_("Länken är redan spärrad eller har inte skickats."))
    registry.event_append(case=recipient.round.case, kind=RemissEvent.REMISS_LINK_REVOKED, actor=actor, at=now,
                          data={"recipient": recipient.pk, "details": recipient.name})
    recipient.refresh_from_db()
    return recipient


@transaction.atomic
def remiss_new_link(*, actor, recipient: RemissRecipient, now: dt.datetime | None = None) -> RemissRecipient:
    """Replace a revoked (or leaked) link with a new one and send it."""
    access.require_manage(actor, recipient.round)
    recipient = RemissRecipient.objects.select_for_update(of=("self",)).select_related("round").get(pk=recipient.pk)
    if recipient.round.status != RemissRound.Status.SENT or recipient.has_answered:
        raise DomainError(_("Remissinstansen har redan svarat eller remissen är inte skickad."))
    recipient.token_nonce = secrets.token_hex(NONCE_BYTES)
    recipient.token_revoked_at = None
    recipient.dispatch = RemissRecipient.Dispatch.QUEUED
    recipient.save(update_fields=["token_nonce", "token_revoked_at", "dispatch"])
    enqueue_by_name("diarium.remiss.tasks.deliver", recipient.pk, "letter")
    return recipient


# --- answers -------------------------------------------------------------------------
def _answer(
    recipient: RemissRecipient, *, actor, actor_name: str, files: Sequence, text: str, decision_ref: str,
    answered_by: str, declined: bool, received_at: dt.datetime,
) -> RemissRecipient:
    round_ = recipient.round
    text, decision_ref, answered_by = (text or "").strip(), (decision_ref or "").strip(), (answered_by or "").strip()
    files = [f for f in files if f]
    if recipient.has_answered:
        raise DomainError(_("%(name)s har redan svarat på remissen.") % {"name": recipient.name})
    if round_.status == RemissRound.Status.DRAFT:
        raise DomainError(_("Remissen är inte skickad."))
    if not declined and not files and not text:
        raise DomainError(_("Bifoga ert svar som fil eller skriv det i textrutan."), field="files")
    check_lengths({"text": (text, ANSWER_TEXT_MAX), "decision_ref": (decision_ref, DECISION_REF_MAX)})
    received = timezone.localtime(received_at).date()
    late = received > recipient.deadline
    uploads = list(files)
    if text:
        uploads.append(SimpleUploadedFile(
            "svar.txt" if not declined else "motivering.txt", text.encode("utf-8"), content_type="text/plain",
        ))
    if declined:
        description = _("Avstår från att svara på remiss: %(title)s") % {"title": round_.title}
    else:
        description = _("Remissvar: %(title)s") % {"title": round_.title}
    if decision_ref:
        description = f"{description} ({decision_ref})"
    document = registry.document_create(
        actor=actor, case=round_.case, direction=Document.Direction.INCOMING, document_date=received,
        description=description[:500], counterpart=recipient.name, files=uploads, registered_at=received_at,
        actor_name=actor_name,
    )
    recipient.answered_at = received_at
    recipient.answer_document = document
    recipient.declined = declined
    recipient.answer_text = text
    recipient.answer_decision = decision_ref
    recipient.answered_by_name = answered_by[:ANSWERED_BY_MAX]  # an inside answer: the user's name
    recipient.late = late
    recipient.save(update_fields=["answered_at", "answer_document", "declined", "answer_text", "answer_decision",
                                  "answered_by_name", "late"])
    details = recipient.name + (f" ({decision_ref})" if decision_ref else "") + (
        " – " + _("efter sista svarsdag") if late else "")
    registry.event_append(
        case=round_.case, document=document,
        kind=RemissEvent.REMISS_DECLINED if declined else RemissEvent.REMISS_ANSWERED,
        actor=actor, actor_name=actor_name, at=received_at,
        data={"recipient": recipient.pk, "number": document.number, "late": late, "details": details},
    )
    return recipient


def remiss_answer_by_link(
    *, token: str, files: Sequence = (), text: str = "", decision_ref: str = "", answered_by: str = "",
    declined: bool = False, now: dt.datetime | None = None,
) -> RemissRecipient:
    """An answer through the personal link, without an account. It is registered
    on the case at once as an incoming document, dated the day it came in."""
    now = now or timezone.now()
    check_lengths({"text": ((text or "").strip(), ANSWER_TEXT_MAX),
                   "decision_ref": ((decision_ref or "").strip(), DECISION_REF_MAX),
                   "answered_by": ((answered_by or "").strip(), ANSWERED_BY_MAX)})

    def write(_written):
        recipient = recipient_for_token(token, today=timezone.localtime(now).date(), for_update=True)
        name = answered_by.strip() or recipient.name
        return _answer(recipient, actor=None, actor_name=_("%(name)s via svarslänk") % {"name": name}, files=files,
                       text=text, decision_ref=decision_ref, answered_by=answered_by, declined=declined,
                       received_at=now)

    return registry._with_file_cleanup(write)


def remiss_answer_inside(
    *, actor, recipient: RemissRecipient, files: Sequence = (), text: str = "", decision_ref: str = "",
    declined: bool = False, received_on: dt.date | None = None, now: dt.datetime | None = None,
) -> RemissRecipient:
    """An answer registered inside the system: by the answering board's staff, or
    by the registrar for an answer that came by post or e-mail (on its date)."""
    access.require_answer_inside(actor, recipient)
    now = now or timezone.now()
    if received_on is not None:
        wrong_date = past_date_errors(received_on, today=timezone.localtime(now).date())
        if wrong_date:
            raise DomainError(wrong_date[0], field="received_on")
        received_at = timezone.make_aware(dt.datetime.combine(received_on, dt.time(12, 0)))
        received_at = min(received_at, now)
    else:
        received_at = now

    def write(_written):
        locked = RemissRecipient.objects.select_for_update(of=("self",)).select_related(
            "round", "round__case", "round__case__organ").get(pk=recipient.pk)
        if locked.round.status == RemissRound.Status.CLOSED:
            raise DomainError(_("Remissen är avslutad."))
        return _answer(locked, actor=actor, actor_name=registry.actor_name(actor), files=files, text=text,
                       decision_ref=decision_ref, answered_by=registry.actor_name(actor), declined=declined,
                       received_at=received_at)

    return registry._with_file_cleanup(write)


# --- compile, revise, close ------------------------------------------------------------
@transaction.atomic
def remiss_assess(
    *, actor, recipient: RemissRecipient, summary: str, consideration: str, comment: str = "",
    now: dt.datetime | None = None,
) -> RemissRecipient:
    """The office's consideration ("beaktande") of one answer."""
    access.require_manage(actor, recipient.round)
    summary, comment = (summary or "").strip(), (comment or "").strip()
    check_lengths({"summary": (summary, ASSESSMENT_MAX), "comment": (comment, ASSESSMENT_MAX)})
    if consideration and consideration not in RemissRecipient.Consideration.values:
        raise DomainError(_("Välj beaktat, delvis beaktat, ej beaktat eller noterat."), field="consideration")
    if consideration and not recipient.has_answered:
        raise DomainError(_("%(name)s har inte svarat; det finns inget svar att beakta.") % {"name": recipient.name},
                          field="consideration")
    RemissRecipient.objects.filter(pk=recipient.pk).update(
        summary=summary, consideration=consideration, consideration_comment=comment,
    )
    registry.event_append(case=recipient.round.case, kind=RemissEvent.REMISS_ASSESSED, actor=actor, at=now, data={
        "recipient": recipient.pk,
        "details": f"{recipient.name}: {RemissRecipient.Consideration(consideration).label}" if consideration
        else recipient.name,
    })
    recipient.refresh_from_db()
    return recipient


def remiss_compile(*, actor, round: RemissRound, now: dt.datetime | None = None) -> Document:
    """Draw up the compilation ("remissammanställning") as a document on the case.
    Drawing it up again adds a new version of its file; nothing is overwritten."""
    access.require_manage(actor, round)
    from . import selectors

    now = now or timezone.now()
    with transaction.atomic():
        round_ = _locked_round(round)
        if round_.status == RemissRound.Status.DRAFT:
            raise DomainError(_("Remissen är inte skickad; det finns inget att sammanställa."))
        drawn = drawing.draw("remiss_compilation", {
            "round": round_, "rows": selectors.recipient_rows(round_, today=timezone.localtime(now).date()),
            "organisation": round_.organisation, "case": round_.case, "drawn_up": timezone.localtime(now).date(),
        }, template="remiss/compilation_document.html", stem="remissammanstallning")
        document = registry.document_draw_up(
            actor=actor, case=round_.case, document=round_.compilation_document, drawn=drawn, now=now,
            description=_("Remissammanställning: %(title)s") % {"title": round_.title},
        )
        if round_.compilation_document_id is None:
            round_.compilation_document = document
            round_.save(update_fields=["compilation_document"])
        registry.event_append(case=round_.case, document=document, kind=RemissEvent.REMISS_COMPILED, actor=actor,
                              at=now, data={"round": round_.pk, "number": document.number, "details": round_.title})
        return document


@dataclass
class ChangeInput:
    description: str
    recipient_ids: Sequence[int] = ()


def remiss_revise(
    *, actor, round: RemissRound, consulted: DocumentFile, upload, note: str = "",
    changes: Sequence[ChangeInput] = (), now: dt.datetime | None = None,
) -> DocumentFile:
    """Register the revised version of a consulted document (a new version of its
    file) and which answers led to which change."""
    access.require_manage(actor, round)
    note = (note or "").strip()
    changes = [c for c in changes if (c.description or "").strip()]
    if not round.files.filter(pk=consulted.pk).exists():
        raise DomainError(_("Välj en av remisshandlingarna."), field="consulted")
    if round.status == RemissRound.Status.DRAFT:
        raise DomainError(_("Remissen är inte skickad."))
    if round.revised_file_id:
        raise DomainError(_("Remissen har redan en reviderad version."))
    if not changes and not note:
        raise DomainError(_("Beskriv vad som ändrades efter remissen."), field="note")
    check_lengths({"note": (note, REVISION_NOTE_MAX),
                   **{"changes": (c.description.strip(), CHANGE_MAX) for c in changes
                      if len(c.description.strip()) > CHANGE_MAX}})
    valid = set(round.recipients.filter(answered_at__isnull=False).values_list("pk", flat=True))
    for change in changes:
        if set(change.recipient_ids) - valid:
            raise DomainError(_("En ändring hänvisar till en remissinstans som inte har svarat."), field="changes")
    now = now or timezone.now()
    with transaction.atomic():
        round_ = _locked_round(round)
        revised = registry.document_file_add(actor=actor, document=consulted.document, upload=upload,
                                             replaces=consulted, at=now)
        round_.revised_file = revised
        round_.revision_note = note
        round_.save(update_fields=["revised_file", "revision_note"])
        for position, change in enumerate(changes, start=1):
            row = RemissChange.objects.create(round=round_, position=position, description=change.description.strip())
            row.recipients.set(list(change.recipient_ids))
        registry.event_append(case=round_.case, document=consulted.document, kind=RemissEvent.REMISS_REVISED,
                              actor=actor, at=now, data={
                                  "round": round_.pk, "number": consulted.document.number,
                                  "details": _("%(file)s version %(v)s, %(n)s ändringar") % {
                                      "file": revised.filename, "v": revised.version, "n": len(changes)},
                              })
        return revised


@transaction.atomic
def remiss_close(*, actor, round: RemissRound, now: dt.datetime | None = None) -> RemissRound:
    """Close the round: no more answers through links; who never answered shows "no answer"."""
    access.require_manage(actor, round)
    round_ = _locked_round(round)
    if round_.status != RemissRound.Status.SENT:
        raise DomainError(_("Bara en skickad remiss kan avslutas."))
    now = now or timezone.now()
    round_.status = RemissRound.Status.CLOSED
    round_.closed_at = now
    round_.save(update_fields=["status", "closed_at"])
    registry.event_append(case=round_.case, kind=RemissEvent.REMISS_CLOSED, actor=actor, at=now,
                          data={"round": round_.pk, "details": round_.title})
    return round_


