"""The personal answer links of a round's recipients: the token (a stored nonce
and a MAC under the site's secret key), how long a link takes answers and how
long it shows the answer given, the recipient a link belongs to, and revoking a
link or sending a new one."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError
from diarium.core.tasks import enqueue_by_name
from diarium.registry import services as registry

from .. import access
from ..events import RemissEvent
from ..models import RemissRecipient, RemissRound

TOKEN_SALT = "diarium.remiss.answer-link"
NONCE_BYTES = 16  # 128 bits of randomness in every answer link


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


@transaction.atomic
def remiss_revoke_link(*, actor, recipient: RemissRecipient, now: dt.datetime | None = None) -> RemissRecipient:
    access.require_manage(actor, recipient.round)
    now = now or timezone.now()
    updated = RemissRecipient.objects.filter(pk=recipient.pk, token_revoked_at__isnull=True,
                                             token_nonce__isnull=False).update(token_revoked_at=now)
    if not updated:
        raise DomainError(_("Länken är redan spärrad eller har inte skickats."))
    registry.event_append(case=recipient.round.case, kind=RemissEvent.REMISS_LINK_REVOKED, actor=actor, at=now,
                          data={"recipient": recipient.pk,
                                "details": access.recipient_shown_name(recipient, read_internal=False)})
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
