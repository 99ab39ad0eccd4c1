"""Legal holds (gallringsspärrar): nothing of a case under a hold is disposed
of, whatever the plan says, until the hold is lifted. Placed and lifted with
who, when and why, each with its event on the case. The history says that a
hold was placed or lifted; the reason, which may name a dispute or a party,
is kept on the hold, read by the organisation's registrars."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError
from diarium.core.limits import length_errors
from diarium.registry import services as registry
from diarium.registry.models import Case

from .. import access
from ..events import ArchiveEvent
from ..models import HOLD_REASON_MAX, LegalHold
from .shared import errors_raise


def _reason_errors(reason: str, field: str, missing: str) -> dict[str, list[str]]:
    if not reason:
        return {field: [missing]}
    return length_errors({field: (reason, HOLD_REASON_MAX)})


@transaction.atomic
def legal_hold_place(*, actor, case: Case | None, reason: str) -> LegalHold:
    """Place a legal hold on a case, with its reason. A case has one hold in force at a time."""
    reason = " ".join((reason or "").split())
    errors = _reason_errors(reason, "reason", _("Ange varför ärendet inte får gallras, till exempel en pågående "
                                                "tvist eller en begäran från en tillsynsmyndighet."))
    if case is None:
        errors["case"] = [_("Ange diarienumret på ett av organisationens ärenden.")]
        errors_raise(errors)
    access.require_keep_records(actor, case.organisation_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        errors["case"] = [_("Ärendet %(dnr)s har redan en gallringsspärr.") % {"dnr": case.diary_number}]
    errors_raise(errors)
    now = timezone.now()
    hold = LegalHold.objects.create(organisation_id=case.organisation_id, case=case, reason=reason, placed_at=now,
                                    placed_by=actor if getattr(actor, "is_authenticated", False) else None,
                                    placed_by_name=registry.actor_name(actor))
    registry.event_append(case=case, kind=ArchiveEvent.LEGAL_HOLD_PLACED, actor=actor, at=now,
                          data={"hold": hold.pk, "details": _("Inget i ärendet gallras så länge spärren gäller.")})
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a legal hold, with the reason; the case may then be disposed of as the plan says."""
    access.require_keep_records(actor, hold.organisation_id)
    reason = " ".join((reason or "").split())
    errors_raise(_reason_errors(reason, "lift_reason", _("Ange varför spärren tas bort.")))
    hold = LegalHold.objects.select_for_update(of=("self",)).select_related("case").get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise DomainError(_("Spärren är redan borttagen."))
    now = timezone.now()
    hold.lifted_at, hold.lift_reason, hold.lifted_by_name = now, reason, registry.actor_name(actor)
    hold.lifted_by = actor if getattr(actor, "is_authenticated", False) else None
    hold.save(update_fields=["lifted_at", "lift_reason", "lifted_by", "lifted_by_name"])
    registry.event_append(case=hold.case, kind=ArchiveEvent.LEGAL_HOLD_LIFTED, actor=actor, at=now,
                          data={"hold": hold.pk})
    return hold
