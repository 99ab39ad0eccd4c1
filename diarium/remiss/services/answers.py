"""Answers to a round: through the personal link without an account, or
registered inside the system by the answering organ's staff or the registrar.
Each is registered on the case as an incoming document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError
from diarium.core.limits import check_lengths, past_date_errors
from diarium.registry import services as registry
from diarium.registry.models import Document

from .. import access
from ..events import RemissEvent
from ..models import (
    ANSWER_TEXT_MAX,
    ANSWERED_BY_MAX,
    DECISION_REF_MAX,
    RemissRecipient,
    RemissRound,
)
from .links import recipient_for_token


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
        description=description[:500], counterpart=recipient.name,
        counterpart_kind=access.recipient_party_kind(recipient),
        files=uploads, registered_at=received_at,
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
    details = access.recipient_shown_name(recipient, read_internal=False) + (
        f" ({decision_ref})" if decision_ref else "") + (
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
        # The history is public: a private person is named as the public sees them.
        name = access.recipient_shown_name(recipient, read_internal=False) if recipient.is_private else (
            answered_by.strip() or recipient.name)
        return _answer(recipient, actor=None, actor_name=_("%(name)s via svarslänk") % {"name": name}, files=files,
                       text=text, decision_ref=decision_ref, answered_by=answered_by, declined=declined,
                       received_at=now)

    return registry.with_file_cleanup(write)


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

    return registry.with_file_cleanup(write)
