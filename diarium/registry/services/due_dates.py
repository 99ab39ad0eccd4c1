"""Writes for due dates ("bevakningar"): setting one on a case or one of its
documents, marking it done, and claiming its reminder. Each write appends its
event to the case history (read by staff only: access.hidden_event_kinds)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Person
from diarium.core.errors import DomainError

from .. import access
from ..history import event_append
from ..models import DUE_REASON_MAX, Case, Document, DueDate, Event


def _require_may_watch(actor, case: Case) -> None:
    access.require_role(actor, roles.REGISTER_DOCUMENT, case.organ,
                        _("Du har inte behörighet att lägga bevakningar i ärenden för %(organ)s.")
                        % {"organ": case.organ.name})


@transaction.atomic
def due_date_set(*, actor, case: Case, due_on: dt.date | None, reason: str, document: Document | None = None,
                 person: Person | None = None, now: dt.datetime | None = None) -> DueDate:
    """Set a due date on an open case (or one of its documents), watched by
    `person`, the case officer if none is named. Every error is told at once."""
    _require_may_watch(actor, case)
    case = Case.objects.select_for_update(of=("self",)).select_related("organ", "case_officer").get(pk=case.pk)  # now
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    reason = " ".join((reason or "").split())
    errors: dict[str, list[str]] = {}
    if case.status != Case.Status.OPEN:
        errors["__all__"] = [_("Ärendet är avslutat. Återöppna det för att lägga en bevakning.")]
    if due_on is None:
        errors["due_on"] = [_("Ange ett bevakningsdatum, till exempel %(day)s.")
                            % {"day": (today + dt.timedelta(days=14)).isoformat()}]
    elif due_on < today:
        errors["due_on"] = [_("Bevakningsdatumet %(day)s har redan passerat. Välj dagens datum eller ett senare.")
                            % {"day": due_on.isoformat()}]
    if not reason:
        errors["reason"] = [_("Ange vad som ska bevakas, till exempel ”Yttrande ska ha kommit in”.")]
    elif len(reason) > DUE_REASON_MAX:
        errors["reason"] = [_("Högst %(n)s tecken.") % {"n": DUE_REASON_MAX}]
    if document is not None and document.case_id != case.pk:
        errors["document"] = [_("Handlingen hör till ett annat ärende.")]
    person = person or case.case_officer
    if person is not None and person.organisation_id != case.organisation_id:
        errors["person"] = [_("Personen hör till en annan organisation.")]
    if list(errors) == ["__all__"]:
        raise DomainError(errors["__all__"][0])
    if errors:
        raise DomainError(_("Bevakningen kunde inte läggas in. Rätta uppgifterna och försök igen."), errors=errors)
    due = DueDate.objects.create(organisation_id=case.organisation_id, case=case, document=document, due_on=due_on,
                                 reason=reason, person=person, created_at=now,
                                 created_by=actor if actor.is_authenticated else None)
    event_append(case=case, document=document, kind=Event.Kind.DUE_DATE_SET, actor=actor, at=now,
                 data={"due_date": due.pk, "due_on": due_on.isoformat(), "reason": reason,
                       "number": document.number if document else None,
                       "person": person.name if person else ""})
    return due


@transaction.atomic
def due_date_done(*, actor, due: DueDate, now: dt.datetime | None = None) -> DueDate:
    """Mark a due date handled. It stays in the register, with who and when."""
    due = DueDate.objects.select_for_update(of=("self",)).select_related("case__organ").get(pk=due.pk)
    _require_may_watch(actor, due.case)
    if due.done_at is not None:
        raise DomainError(_("Bevakningen är redan avslutad."))
    due.done_at = now or timezone.now()
    due.done_by = actor if actor.is_authenticated else None
    due.save(update_fields=["done_at", "done_by"])
    event_append(case=due.case, document=due.document, kind=Event.Kind.DUE_DATE_DONE, actor=actor, at=due.done_at,
                 data={"due_date": due.pk, "due_on": due.due_on.isoformat(), "reason": due.reason})
    return due


def due_date_reminder_claim(due: DueDate, *, now: dt.datetime) -> bool:
    """Claim the one reminder of a due date: a conditional UPDATE, so that two
    workers never remind twice. True for the one that claimed it."""
    return bool(DueDate.objects.filter(pk=due.pk, reminded_at__isnull=True, done_at__isnull=True)
                .update(reminded_at=now))
