"""After the answers: the office's consideration of each, the compilation
("remissammanställning") drawn up as a document, the revised version of a
consulted document with the changes the answers led to, and closing the round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core import drawing
from diarium.core.errors import DomainError
from diarium.core.limits import check_lengths
from diarium.registry import services as registry
from diarium.registry.models import Document, DocumentFile

from .. import access
from ..events import RemissEvent
from ..models import (
    ASSESSMENT_MAX,
    CHANGE_MAX,
    REVISION_NOTE_MAX,
    RemissChange,
    RemissRecipient,
    RemissRound,
)
from .rounds import round_locked


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
    name = access.recipient_shown_name(recipient, read_internal=False)  # the history is public
    registry.event_append(case=recipient.round.case, kind=RemissEvent.REMISS_ASSESSED, actor=actor, at=now, data={
        "recipient": recipient.pk,
        "details": f"{name}: {RemissRecipient.Consideration(consideration).label}" if consideration else name,
    })
    recipient.refresh_from_db()
    return recipient


def remiss_compile(*, actor, round: RemissRound, now: dt.datetime | None = None) -> Document:
    """Draw up the compilation ("remissammanställning") as a document on the case.
    Drawing it up again adds a new version of its file; nothing is overwritten."""
    access.require_manage(actor, round)
    from .. import selectors

    now = now or timezone.now()
    with transaction.atomic():
        round_ = round_locked(round)
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
        round_ = round_locked(round)
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
    round_ = round_locked(round)
    if round_.status != RemissRound.Status.SENT:
        raise DomainError(_("Bara en skickad remiss kan avslutas."))
    now = now or timezone.now()
    round_.status = RemissRound.Status.CLOSED
    round_.closed_at = now
    round_.save(update_fields=["status", "closed_at"])
    registry.event_append(case=round_.case, kind=RemissEvent.REMISS_CLOSED, actor=actor, at=now,
                          data={"round": round_.pk, "details": round_.title})
    return round_
