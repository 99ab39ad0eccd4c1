"""Dispatch of a decision ("expediering"): the minutes excerpt is drawn up
and registered as an outgoing document, and e-mailed to each recipient by a
task; failed sendings can be sent again."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError
from diarium.core.mail import mail_send
from diarium.core.tasks import enqueue_by_name
from diarium.registry import files as file_store
from diarium.registry import services as registry
from diarium.registry.models import Document, PartyKind

from .. import access
from ..events import DecisionEvent
from ..models import Decision, DecisionRecipient
from .decisions import decision_adjusted
from .shared import drawn_up_file

logger = logging.getLogger("diarium.decisions")


def _outside(decision: Decision, recipients: list[DecisionRecipient]) -> list[DecisionRecipient]:
    return [r for r in recipients if access.recipient_outside(r, organisation_id=decision.organisation_id)]


def _where(decision: Decision, recipients: list[DecisionRecipient]) -> str:
    return _("Expediering av %(ref)s till %(names)s") % {
        "ref": decision.reference, "names": ", ".join(r.name for r in recipients)}


def decision_dispatch(*, actor, decision: Decision, secrecy_review_reason: str = "",
                      now: dt.datetime | None = None) -> Document:
    """Send the adjusted decision to its recipients: the minutes excerpt is
    registered as an outgoing document on the case, and each recipient with an
    e-mail address gets it by mail. What fails stays unsent and retryable.
    When the excerpt goes outside the organisation and needs a secrecy review,
    it goes only with `secrecy_review_reason`, recorded in the history."""
    access.require_manage_meetings(actor, decision.organ)
    now = now or timezone.now()
    if decision.case_id is None:
        raise DomainError(_("Beslutet hör inte till något ärende; det kan inte expedieras härifrån."))
    if not decision_adjusted(decision):
        raise DomainError(_("Protokollet är inte justerat. Beslutet expedieras efter justeringen."))
    recipients = list(decision.recipients.filter(state=DecisionRecipient.State.PENDING)
                      .select_related("organ", "person"))
    if not recipients:
        raise DomainError(_("Beslutet har inga mottagare som väntar på expediering."))
    outside = _outside(decision, recipients)
    with transaction.atomic():
        # The excerpt's certification ("utdragsbestyrkande"): who dispatches it, that day.
        upload = drawn_up_file("excerpt", {
            "decision": decision, "meeting": decision.meeting, "minutes": decision.meeting.minutes,
            "organisation": decision.meeting.organisation, "recipients": list(decision.recipients.all()),
            "notes": list(decision.notes.all()), "corrections": list(decision.corrections.all()),
            "certified_by": registry.actor_name(actor), "certified_on": timezone.localtime(now).date(),
        }, template="decisions/excerpt_document.html", stem="protokollsutdrag")
        document = registry.document_create(
            actor=actor, case=decision.case, direction=Document.Direction.OUTGOING,
            document_date=timezone.localtime(now).date(),
            description=_("Protokollsutdrag %(ref)s: %(title)s") % {"ref": decision.reference, "title": decision.title},
            counterpart=", ".join(r.name for r in recipients)[:300], registered_at=now,
            # The names are the recipients': private if any of them is a private person.
            counterpart_kind=PartyKind.PRIVATE if any(r.is_private for r in recipients) else PartyKind.LEGAL,
            files=[upload],
        )
        # The excerpt is what goes out; the rule decides whether it needs a review.
        review = registry.release_review(documents=[document] if outside else [], reason=secrecy_review_reason)
        for r in recipients:
            r.excerpt_document = document
            if r.email:
                r.state = DecisionRecipient.State.QUEUED
                r.save(update_fields=["excerpt_document", "state"])
                enqueue_by_name("diarium.decisions.tasks.deliver_excerpt", r.pk)
            else:  # delivered by hand or internal mail: dispatched when registered
                r.state, r.sent_at = DecisionRecipient.State.SENT, now
                r.save(update_fields=["excerpt_document", "state", "sent_at"])
        registry.event_append(case=decision.case, document=document, kind=DecisionEvent.DECISION_DISPATCHED,
                              actor=actor, at=now, data={
                                  "decision": decision.pk, "number": document.number,
                                  "details": f"{decision.reference} till {len(recipients)} mottagare",
                              })
        registry.release_record(actor=actor, case=decision.case, review=review, at=now,
                                destination={"decision": decision.pk}, where=_where(decision, outside))
        return document


def excerpt_deliver(recipient_id: int, *, now: dt.datetime | None = None, connection=None) -> bool:
    now = now or timezone.now()
    r = DecisionRecipient.objects.select_related(
        "decision", "decision__organ", "decision__meeting", "decision__case", "excerpt_document").filter(
        pk=recipient_id).first()
    if r is None or r.state != DecisionRecipient.State.QUEUED or r.excerpt_document_id is None:
        return False
    file = r.excerpt_document.files.order_by("position", "-version").select_related("blob").first()
    with file_store.blob_open(file.blob) as fh:
        content = fh.read()
    message = EmailMessage(
        subject=_("Protokollsutdrag %(ref)s: %(title)s") % {"ref": r.decision.reference, "title": r.decision.title},
        body=render_to_string("decisions/email/excerpt.txt", {"decision": r.decision, "recipient": r}),
        to=[r.email], connection=connection,
    )
    message.attach(file.filename, content, file.blob.content_type)
    try:
        mail_send(message)
    except Exception as exc:
        logger.warning("Excerpt to %s failed: %s", r.email, exc)
        DecisionRecipient.objects.filter(pk=r.pk).update(state=DecisionRecipient.State.FAILED,
                                                         error=(str(exc) or exc.__class__.__name__)[:500])
        return False
    DecisionRecipient.objects.filter(pk=r.pk).update(state=DecisionRecipient.State.SENT, sent_at=now, error="")
    return True


@transaction.atomic
def dispatch_retry(*, actor, decision: Decision, secrecy_review_reason: str = "") -> int:
    """Queue again the e-mails that could not be sent. An excerpt that came to
    need a secrecy review since (marked secret after the first attempt) goes
    outside the organisation only with `secrecy_review_reason`."""
    access.require_manage_meetings(actor, decision.organ)
    failed = list(decision.recipients.filter(state=DecisionRecipient.State.FAILED)
                  .select_related("organ", "person", "excerpt_document", "excerpt_document__case"))
    if not failed:
        raise DomainError(_("Det finns inga misslyckade utskick att skicka igen."))
    outside = _outside(decision, failed)
    destination = {"decision": decision.pk}
    # Only a dispatched decision has failed recipients: it has a case, and they their excerpt.
    review = registry.release_review(
        documents=[r.excerpt_document for r in outside], reason=secrecy_review_reason,
        reviewed=registry.releases_reviewed(case=decision.case, destination=destination),
    )
    DecisionRecipient.objects.filter(pk__in=[r.pk for r in failed]).update(state=DecisionRecipient.State.QUEUED,
                                                                         error="")
    registry.release_record(actor=actor, case=decision.case, review=review, destination=destination,
                            where=_where(decision, outside))
    for r in failed:
        enqueue_by_name("diarium.decisions.tasks.deliver_excerpt", r.pk)
    return len(failed)
