"""Disposal only by decision (gallring, arkivlagen 10 §).

1. What is due (selectors.due) under the plan in force: documents of closed
   cases whose rule says dispose and whose period has run out. Which rule
   applies to a document, secret ones and those with personal data included,
   is said in retention.py.
2. A disposal list (gallringsförteckning) is drawn up from it: every due
   document not blocked and not on another open list, with the rule's text
   as it reads then.
3. It is adopted by a recorded decision of the same organisation (a § in
   adjusted minutes, on a case) or a delegation decision
   (shared.decision_errors).
4. It is executed: every document's content is destroyed through the
   registry (registry.services.disposal.document_files_dispose: the files'
   bytes after commit, the masking assistant's originals, the text kept for
   search), the register entries stay, marked as disposed, and a disposal
   record (DisposalRecord) is written for each, holding what the public may
   read of the document, the rule's and the decision's text. Records are
   never changed or deleted.

Nothing is disposed of without an adopted list; and a list is refused at
adoption, and again at execution, when anything on it is under a legal hold,
has a request for it not yet decided and sent, is in a case no longer closed
or was disposed of already: the refusal names every blocked item at once,
and nothing is half-done (one transaction; files are deleted only after it
commits).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diarium.accounts.models import Organisation
from diarium.core.errors import DomainError
from diarium.registry import selectors as registry_selectors
from diarium.registry import services as registry
from diarium.registry.services.disposal import document_files_dispose

from .. import access, retention, selectors
from ..events import ArchiveEvent
from ..models import DisposalItem, DisposalList, DisposalRecord
from .shared import decision_errors, delegation_decision_errors, errors_raise

ITEMS_PER_INSERT = 500


def _list_locked(disposal_list: DisposalList, *statuses: str) -> DisposalList:
    disposal_list = DisposalList.objects.select_for_update(of=("self",)).select_related("plan_version").get(pk=disposal_list.pk)
    if disposal_list.status not in statuses:
        messages = {
            DisposalList.Status.DRAWN_UP: _("Gallringsförteckning %(n)d är inte beslutad än."),
            DisposalList.Status.ADOPTED: _("Gallringsförteckning %(n)d är redan beslutad."),
            DisposalList.Status.EXECUTED: _("Gallringsförteckning %(n)d är redan verkställd."),
            DisposalList.Status.CANCELLED: _("Gallringsförteckning %(n)d är makulerad."),
        }
        raise DomainError(messages[disposal_list.status] % {"n": disposal_list.number})
    return disposal_list


def _blocked(disposal_list: DisposalList) -> list[str]:
    """Every item of the list that may not be disposed of now, with why."""
    return [_("%(ref)s: %(reasons)s.") % {"ref": row.reference, "reasons": "; ".join(row.blocked_reasons)}
            for row in selectors.disposal_list_items(disposal_list) if row.blocked_reasons]


def _event(actor, disposal_list: DisposalList, kind: str, details: str, *, case=None, at=None) -> None:
    registry.event_append(case=case, organisation_id=disposal_list.organisation_id, kind=kind, actor=actor, at=at,
                          data={"list": disposal_list.number, "details": details})


@transaction.atomic
def disposal_list_draw_up(*, actor, organisation: Organisation, as_of: dt.date | None = None) -> DisposalList:
    """Draw up a disposal list of what is due on `as_of` (today, never later)
    under the plan in force: every due document not under a legal hold, not
    asked for in an open request and not on another open list."""
    access.require_keep_records(actor, organisation.pk)
    today = selectors.today()
    as_of = as_of or today
    if as_of > today:
        raise DomainError(_("En gallringsförteckning kan inte upprättas för en dag som inte har varit."),
                          field="as_of")
    version = selectors.version_in_force(organisation_id=organisation.pk, as_of=as_of)
    if version is None:
        raise DomainError(_("Det finns ingen antagen dokumenthanteringsplan som gäller %(day)s. Inget gallras utan "
                            "en plan.") % {"day": as_of.isoformat()})
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    number = (DisposalList.objects.filter(organisation=organisation).aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    disposal_list = DisposalList.objects.create(
        organisation=organisation, number=number, plan_version=version, as_of=as_of, drawn_up_at=now,
        drawn_up_by=actor if getattr(actor, "is_authenticated", False) else None)
    batch: list[DisposalItem] = []
    count = 0
    for item in selectors.due(organisation_id=organisation.pk, as_of=as_of):
        if item.blocked or item.listed:
            continue
        batch.append(DisposalItem(disposal_list=disposal_list, document_id=item.document_id, rule=item.rule,
                                  rule_text=item.rule_text[:1000], due_on=item.due_on))
        if len(batch) >= ITEMS_PER_INSERT:
            DisposalItem.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    DisposalItem.objects.bulk_create(batch)
    count += len(batch)
    if not count:
        raise DomainError(_("Inget är gallringsbart %(day)s enligt dokumenthanteringsplanen (version %(n)d), "
                            "utom det som är spärrat eller redan finns på en förteckning.")
                          % {"day": as_of.isoformat(), "n": version.number})
    _event(actor, disposal_list, ArchiveEvent.DISPOSAL_LIST_DRAWN_UP, ngettext(
        "Gallringsförteckning %(n)d upprättades med %(count)d handling enligt dokumenthanteringsplanen version "
        "%(v)d.", "Gallringsförteckning %(n)d upprättades med %(count)d handlingar enligt "
        "dokumenthanteringsplanen version %(v)d.", count) % {"n": number, "count": count, "v": version.number},
           at=now)
    return disposal_list


@transaction.atomic
def disposal_list_item_remove(*, actor, disposal_list: DisposalList, item_id: int | None) -> None:
    """Take a document off a list not yet adopted."""
    access.require_keep_records(actor, disposal_list.organisation_id)
    disposal_list = _list_locked(disposal_list, DisposalList.Status.DRAWN_UP)
    item = disposal_list.items.select_related("document__case").filter(pk=item_id).first()
    if item is None:
        raise DomainError(_("Handlingen finns inte på förteckningen."), field="item")
    reference = item.document.reference
    item.delete()
    _event(actor, disposal_list, ArchiveEvent.DISPOSAL_LIST_CHANGED,
           _("%(ref)s togs bort från gallringsförteckning %(n)d.") % {"ref": reference, "n": disposal_list.number})


@transaction.atomic
def disposal_list_cancel(*, actor, disposal_list: DisposalList) -> DisposalList:
    """Cancel a list no one has adopted (makulera); it is kept, as cancelled."""
    access.require_keep_records(actor, disposal_list.organisation_id)
    disposal_list = _list_locked(disposal_list, DisposalList.Status.DRAWN_UP)
    disposal_list.status, disposal_list.cancelled_at = DisposalList.Status.CANCELLED, timezone.now()
    disposal_list.save(update_fields=["status", "cancelled_at"])
    _event(actor, disposal_list, ArchiveEvent.DISPOSAL_LIST_CHANGED,
           _("Gallringsförteckning %(n)d makulerades.") % {"n": disposal_list.number})
    return disposal_list


@transaction.atomic
def disposal_list_adopt(*, actor, disposal_list: DisposalList, decision=None,
                        delegation_decision=None) -> DisposalList:
    """Adopt a drawn-up list by a recorded decision (or a delegation decision)
    of the same organisation. Refused, with every error at once, without one,
    with one that cannot adopt, or while anything on the list is blocked."""
    access.require_keep_records(actor, disposal_list.organisation_id)
    disposal_list = _list_locked(disposal_list, DisposalList.Status.DRAWN_UP)
    errors: dict[str, list[str]] = {}
    if decision is not None and delegation_decision is not None:
        errors["decision"] = [_("Välj antingen ett beslut i protokoll eller ett delegationsbeslut, inte båda.")]
    elif delegation_decision is not None:
        problems = delegation_decision_errors(delegation_decision, organisation_id=disposal_list.organisation_id)
        if problems:
            errors["delegation_decision"] = problems
    else:
        problems = decision_errors(decision, organisation_id=disposal_list.organisation_id)
        if problems:
            errors["decision"] = problems
    if not disposal_list.items.exists():
        errors["items"] = [_("Förteckningen är tom.")]
    blocked = _blocked(disposal_list)
    if blocked:
        errors["items"] = [*errors.get("items", []), *blocked]
    errors_raise(errors, _("Gallringsförteckningen kan inte beslutas: %(error)s")
                 % {"error": next(iter(errors.values()))[0]} if errors else None)
    now = timezone.now()
    if delegation_decision is not None:
        text, case = retention.delegation_decision_text(delegation_decision), delegation_decision.case
    else:
        text, case = retention.decision_text(decision), decision.case
    disposal_list.status = DisposalList.Status.ADOPTED
    disposal_list.decision, disposal_list.delegation_decision = decision, delegation_decision
    disposal_list.decision_text, disposal_list.adopted_at = text, now
    disposal_list.adopted_by = actor if getattr(actor, "is_authenticated", False) else None
    disposal_list.save(update_fields=["status", "decision", "delegation_decision", "decision_text", "adopted_at",
                                      "adopted_by"])
    _event(actor, disposal_list, ArchiveEvent.DISPOSAL_LIST_ADOPTED,
           _("Gallringsförteckning %(n)d beslutades genom %(decision)s.") % {"n": disposal_list.number,
                                                                             "decision": text},
           case=case, at=now)
    return disposal_list


@transaction.atomic
def disposal_list_execute(*, actor, disposal_list: DisposalList) -> list[DisposalRecord]:
    """Carry out an adopted list: every document's content is destroyed and a
    disposal record written for it. All or nothing: refused, naming every
    blocked item, when anything on it is blocked now (a hold placed after
    adoption); files are deleted only once the transaction commits."""
    access.require_keep_records(actor, disposal_list.organisation_id)
    disposal_list = _list_locked(disposal_list, DisposalList.Status.ADOPTED)
    if disposal_list.decision_id is None and disposal_list.delegation_decision_id is None:
        raise DomainError(_("Gallringsförteckningen saknar beslut. Inget gallras utan beslut."))
    blocked = _blocked(disposal_list)
    if blocked:
        raise DomainError(_("Gallringen kan inte verkställas: %(error)s") % {"error": blocked[0]},
                          errors={"items": blocked})
    now = timezone.now()
    who = registry.actor_name(actor)
    anonymous = AnonymousUser()
    records = []
    items = (disposal_list.items.select_related("document", "document__case", "document__case__organ",
                                                "document__document_type")
             .order_by("document__case__diary_number", "document__number"))
    for item in items.iterator(chunk_size=200):
        document = item.document
        # What the public reads of the entry, taken before anything changes: never secret text.
        entry = registry_selectors.register_entry(user=anonymous, document=document)
        done = document_files_dispose(actor=actor, document=document, rule_text=item.rule_text,
                                      decision_text=disposal_list.decision_text)
        records.append(DisposalRecord(
            organisation_id=disposal_list.organisation_id, disposal_list=disposal_list, document=document,
            diary_number=document.case.diary_number, document_number=document.number,
            document_type=entry.document_type, document_date=document.document_date,
            description=entry.description_text[:500], is_secret=document.is_secret, files=done.files,
            bytes=done.bytes, rule_text=item.rule_text, plan_version=disposal_list.plan_version.number,
            decision_text=disposal_list.decision_text, executed_at=now, executed_by_name=who))
    DisposalRecord.objects.bulk_create(records, batch_size=500)
    disposal_list.status, disposal_list.executed_at = DisposalList.Status.EXECUTED, now
    disposal_list.executed_by = actor if getattr(actor, "is_authenticated", False) else None
    disposal_list.save(update_fields=["status", "executed_at", "executed_by"])
    case = disposal_list.decision.case if disposal_list.decision_id else disposal_list.delegation_decision.case
    _event(actor, disposal_list, ArchiveEvent.DISPOSAL_LIST_EXECUTED, ngettext(
        "Gallringsförteckning %(n)d verkställdes: %(count)d handling gallrades.",
        "Gallringsförteckning %(n)d verkställdes: %(count)d handlingar gallrades.", len(records))
           % {"n": disposal_list.number, "count": len(records)}, case=case, at=now)
    return records
