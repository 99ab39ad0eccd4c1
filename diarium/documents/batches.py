"""Documents drawn up in the background, many at a time, with their progress.

A batch records what it will work through (`items`) and counts what is done
and what failed as each item completes, in its own small UPDATE, so a page
polling the status and `diarium documents_progress` see it move while the
worker runs. Each item is its own transaction: one that fails is counted and
named, and the others go on."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.tasks import enqueue_by_name
from diarium.decisions import access as decisions_access
from diarium.decisions import selectors as decisions_selectors
from diarium.decisions import services as decisions
from diarium.decisions.models import DecisionRecipient

from .models import GenerationBatch

logger = logging.getLogger("diarium.documents")


# --- starting a batch ------------------------------------------------------------------
def _decisions_to_dispatch(meeting) -> list:
    pending = DecisionRecipient.State.PENDING
    return [d for d in decisions_selectors.minutes_decisions(meeting, full=True)
            if d.case_id and any(r.state == pending for r in d.recipients.all())]


@transaction.atomic
def meeting_excerpts_batch_start(*, actor, meeting, now: dt.datetime | None = None) -> GenerationBatch:
    """Draw up and dispatch the minutes excerpts of every decision of an adjusted
    meeting that has recipients waiting, in the background worker."""
    if not decisions_access.can_manage_meetings(actor, meeting.organ):
        raise PermissionDenied(_("Du har inte behörighet att expediera beslut från sammanträdet."))
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or minutes.adjusted_at is None:
        raise DomainError(_("Protokollet är inte justerat. Besluten expedieras efter justeringen."))
    running = GenerationBatch.objects.filter(kind=GenerationBatch.Kind.MEETING_EXCERPTS, subject_id=meeting.pk,
                                             finished_at__isnull=True).first()
    if running is not None:
        raise DomainError(_("Utdragen från sammanträdet håller redan på att upprättas."))
    items = [d.pk for d in _decisions_to_dispatch(meeting)]
    if not items:
        raise DomainError(_("Det finns inga beslut med mottagare som väntar på expediering."))
    batch = GenerationBatch.objects.create(
        organisation_id=meeting.organisation_id, kind=GenerationBatch.Kind.MEETING_EXCERPTS,
        label=_("Protokollsutdrag %(organ)s %(date)s") % {"organ": meeting.organ.code,
                                                          "date": f"{meeting.date:%Y-%m-%d}"},
        subject_id=meeting.pk, items=items, total=len(items),
        created_by=actor if getattr(actor, "is_authenticated", False) else None, created_at=now or timezone.now(),
    )
    enqueue_by_name("diarium.documents.tasks.generation_batch_run", batch.pk)
    return batch


# --- running it (the worker) --------------------------------------------------------------
def _dispatch_one(batch: GenerationBatch, item: int) -> None:
    decision = decisions_selectors.decision_for_write(pk=item)
    if decision is None:
        raise DomainError(_("Beslutet finns inte längre."))
    decisions.decision_dispatch(actor=batch.created_by, decision=decision)


RUNNERS = {GenerationBatch.Kind.MEETING_EXCERPTS: _dispatch_one}


def generation_batch_run(batch_id: int, *, now=timezone.now) -> GenerationBatch | None:
    """Work through a batch, counting each item as it completes. Run again after
    an interruption it goes on from where it stopped."""
    batch = GenerationBatch.objects.select_related("created_by").filter(pk=batch_id).first()
    if batch is None or batch.finished_at is not None:
        return batch
    GenerationBatch.objects.filter(pk=batch.pk, started_at__isnull=True).update(started_at=now())
    runner = RUNNERS[batch.kind]
    for item in batch.items[batch.done + batch.failed:]:
        try:
            with transaction.atomic():  # the item and its count commit together: run again, it is not redone
                runner(batch, item)
                GenerationBatch.objects.filter(pk=batch.pk).update(done=F("done") + 1)
        except Exception as exc:  # counted and named; the batch goes on
            message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
            if not isinstance(exc, DomainError):
                logger.exception("Generation batch %s, item %s failed", batch.pk, item)
            batch.errors = [*batch.errors, {"item": item, "message": str(message)[:500]}]
            batch.failed += 1
            GenerationBatch.objects.filter(pk=batch.pk).update(failed=F("failed") + 1, errors=batch.errors)
        else:
            batch.done += 1
    GenerationBatch.objects.filter(pk=batch.pk).update(finished_at=now())
    batch.refresh_from_db()
    return batch


# --- reading it -----------------------------------------------------------------------------
def progress_text(batch: GenerationBatch) -> str:
    """ "12 av 40 klara, 1 misslyckades" and whether it is finished, in words."""
    text = ngettext("%(done)s av %(total)s klar", "%(done)s av %(total)s klara", batch.total) % {
        "done": batch.done, "total": batch.total}
    if batch.failed:
        text += ", " + ngettext("%(n)s misslyckades", "%(n)s misslyckades", batch.failed) % {"n": batch.failed}
    if batch.state == "finished":
        text += ". " + _("Klart.")
    elif batch.state == "queued":
        text += ". " + _("Väntar på att starta.")
    return text


def progress_status(batch: GenerationBatch) -> dict:
    """The batch's progress as the status endpoint and the CLI report it."""
    return {
        "id": batch.pk, "label": batch.label, "state": batch.state, "total": batch.total, "done": batch.done,
        "failed": batch.failed, "processed": batch.processed, "percent": batch.percent,
        "text": progress_text(batch), "errors": batch.errors,
        "started_at": batch.started_at.isoformat() if batch.started_at else None,
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
    }
