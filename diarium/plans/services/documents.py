"""Writes for a steering document itself: creating it on a case, changing its
particulars and status, and adopting a version (a snapshot of the structure,
with the decision that adopted it)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Person
from diarium.core.errors import DomainError
from diarium.core.limits import check_lengths, length_errors
from diarium.registry import services as registry
from diarium.registry.models import Case

from .. import access
from ..events import PlanEvent
from ..models import DESCRIPTION_MAX, PlanVersion, SteeringDocument
from .shared import document_touch, errors_raise


@transaction.atomic
def plan_create(
    *, actor, case: Case, kind: str, title: str, period_start: int, period_end: int, owner_organ: Organ,
    process_owner: Person | None = None, process_owner_role: str = "", parent: SteeringDocument | None = None,
    weighting: str = SteeringDocument.Weighting.BUDGET, follow_up_months: int = 12, description: str = "",
    now: dt.datetime | None = None,
) -> SteeringDocument:
    access.require_create(actor, case)
    now = now or timezone.now()
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in SteeringDocument.Kind.values:
        errors["kind"] = [_("Välj typ av styrdokument.")]
    if not title:
        errors["title"] = [_("Ange styrdokumentets namn.")]
    if not (isinstance(period_start, int) and isinstance(period_end, int)) or not 1900 < period_start <= period_end < 2200:
        errors["period_end"] = [_("Ange giltighetstiden som två årtal, till exempel 2019–2021.")]
    elif period_end - period_start > 20:
        errors["period_end"] = [_("Giltighetstiden kan vara högst 20 år.")]
    if owner_organ.organisation_id != case.organisation_id:
        errors["owner_organ"] = [_("Ägaren måste vara ett organ i samma organisation.")]
    if weighting not in SteeringDocument.Weighting.values:
        errors["weighting"] = [_("Välj hur aktiviteterna vägs samman.")]
    if not 1 <= int(follow_up_months) <= 36:
        errors["follow_up_months"] = [_("Uppföljningen görs var 1–36 månad.")]
    errors.update(length_errors({"description": ((description or "").strip(), DESCRIPTION_MAX)}))
    errors_raise(errors)
    document = SteeringDocument.objects.create(
        organisation_id=case.organisation_id, case=case, kind=kind, title=title[:300], parent=parent,
        period_start=period_start, period_end=period_end, owner_organ=owner_organ, process_owner=process_owner,
        process_owner_role=(process_owner_role or "").strip()[:200], weighting=weighting,
        follow_up_months=follow_up_months, description=(description or "").strip(), created_at=now, updated_at=now,
    )
    registry.event_append(case=case, kind=PlanEvent.PLAN_CHANGED, actor=actor, at=now,
                          data={"plan": document.pk, "details": _("%(title)s skapades") % {"title": document.title}})
    return document


PLAN_FIELDS = {"title", "description", "period_start", "period_end", "owner_organ", "process_owner",
               "process_owner_role", "weighting", "follow_up_months", "parent", "kind"}


@transaction.atomic
def plan_update(*, actor, document: SteeringDocument, **changes) -> SteeringDocument:
    access.require_manage(actor, document)
    unknown = set(changes) - PLAN_FIELDS
    if unknown:
        raise DomainError(_("Okända fält: %(f)s") % {"f": ", ".join(sorted(unknown))})
    check_lengths({"description": ((changes.get("description") or "").strip(), DESCRIPTION_MAX)})
    for name, value in changes.items():
        setattr(document, name, value.strip() if isinstance(value, str) else value)
    if not document.title:
        raise DomainError(_("Ange styrdokumentets namn."), field="title")
    if document.period_start > document.period_end:
        raise DomainError(_("Giltighetstiden måste sluta samma år eller senare än den börjar."), field="period_end")
    document.save()
    document_touch(document, actor, _("uppgifterna ändrades"))
    return document


@transaction.atomic
def plan_set_status(*, actor, document: SteeringDocument, status: str, now: dt.datetime | None = None
                    ) -> SteeringDocument:
    """Draft, on remiss, replaced or repealed. Adoption goes through plan_adopt (it keeps the version)."""
    access.require_manage(actor, document)
    if status not in SteeringDocument.Status.values or status == SteeringDocument.Status.ADOPTED:
        raise DomainError(_("Ett styrdokument antas genom att versionen fastställs."), field="status")
    document.status = status
    document.save(update_fields=["status"])
    document_touch(document, actor, str(SteeringDocument.Status(status).label), now)
    return document


@transaction.atomic
def plan_adopt(*, actor, document: SteeringDocument, decision=None, note: str = "",
               now: dt.datetime | None = None) -> PlanVersion:
    """Freeze the working copy as the next adopted version. Every adopted version
    is kept; the next one is compared with it."""
    from .. import selectors

    access.require_manage(actor, document)
    now = now or timezone.now()
    document = SteeringDocument.objects.select_for_update().get(pk=document.pk)
    if decision is not None and decision.organisation_id != document.organisation_id:
        raise DomainError(_("Beslutet hör till en annan organisation."), field="decision")
    snapshot = selectors.snapshot(document)
    if not snapshot["focus_areas"]:
        raise DomainError(_("Styrdokumentet har inget innehåll att anta."))
    number = (document.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = PlanVersion.objects.create(
        document=document, number=number, snapshot=snapshot, adopted_at=now, adopted_by_decision=decision,
        note=(note or "").strip()[:500], created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.status = SteeringDocument.Status.ADOPTED
    if decision is not None:
        document.adopted_by = decision
    document.save(update_fields=["status", "adopted_by"])
    ref = f" ({decision.reference})" if decision is not None else ""
    registry.event_append(case=document.case, kind=PlanEvent.PLAN_ADOPTED, actor=actor, at=now, data={
        "plan": document.pk, "details": _("%(t)s, version %(n)s%(ref)s") % {"t": document.title, "n": number,
                                                                             "ref": ref}})
    return version
