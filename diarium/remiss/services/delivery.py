"""The e-mails of a round, sent by the worker: the letter and the reminders,
with what happened to each; the reminders that are due; and extending the
deadline, which makes reminders due anew."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError
from diarium.core.limits import length_errors
from diarium.core.mail import mail_send
from diarium.core.tasks import enqueue_by_name, enqueue_due_reminders
from diarium.registry import services as registry

from .. import access
from ..events import RemissEvent
from ..models import (
    DECISION_REF_MAX,
    EXTEND_REASON_MAX,
    RemissDeadline,
    RemissRecipient,
    RemissRound,
)
from .links import answer_url, link_valid_until
from .rounds import round_locked

logger = logging.getLogger("diarium.remiss")


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
        mail_send(message)
    except Exception as exc:  # any failure of the mail server
        logger.warning("Remiss e-mail to %s failed: %s", recipient.email, exc)
        _delivery_failed(recipient, kind, str(exc) or exc.__class__.__name__, now)
        return False
    _delivered(recipient, kind, now)
    return True


def _history_name(recipient: RemissRecipient) -> str:
    """The recipient as the case history (which the public reads) names it."""
    return access.recipient_shown_name(recipient, read_internal=False)


@transaction.atomic
def _delivered(recipient: RemissRecipient, kind: str, now: dt.datetime) -> None:
    case = recipient.round.case
    if kind == "letter":
        RemissRecipient.objects.filter(pk=recipient.pk).update(
            dispatch=RemissRecipient.Dispatch.SENT, dispatch_error="", sent_at=now,
        )
        registry.event_append(case=case, kind=RemissEvent.REMISS_DELIVERED, actor=None, at=now, actor_name="",
                              data={"recipient": recipient.pk, "details": _history_name(recipient)})
        return
    RemissRecipient.objects.filter(pk=recipient.pk).update(reminder_count=F("reminder_count") + 1,
                                                           last_reminded_at=now)
    labels = {
        "reminder_before": _("före sista svarsdag"), "reminder_after": _("efter sista svarsdag"),
        "reminder_manual": _("manuell"),
    }
    registry.event_append(case=case, kind=RemissEvent.REMISS_REMINDED, actor=None, at=now, data={
        "recipient": recipient.pk, "details": f"{_history_name(recipient)} ({labels[kind]})",
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
        "recipient": recipient.pk, "kind": kind, "details": _history_name(recipient),
    })


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


@transaction.atomic
def remiss_extend(
    *, actor, round: RemissRound, deadline: dt.date, reason: str, decision_ref: str = "",
    recipient_ids: Sequence[int] | None = None, now: dt.datetime | None = None,
) -> int:
    """Move the deadline for all recipients or some. The earlier deadlines stay in
    each recipient's history. A later reminder before the new deadline is due again."""
    access.require_manage(actor, round)
    round_ = round_locked(round)
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
    names = _("alla remissinstanser") if not recipient_ids else ", ".join(_history_name(r) for r in recipients)
    registry.event_append(case=round_.case, kind=RemissEvent.REMISS_EXTENDED, actor=actor, at=now, data={
        "round": round_.pk, "details": _("till %(deadline)s för %(names)s: %(reason)s%(ref)s") % {
            "deadline": deadline.isoformat(), "names": names, "reason": reason,
            "ref": f" ({decision_ref})" if decision_ref else "",
        },
    })
    return len(recipients)
