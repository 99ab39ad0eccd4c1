"""Writes for the links between cases ("hör till", "ersätter", "följdärende
till", "relaterat"): made and removed by those who register cases, each an
event in both cases' histories. A removed link keeps its row, marked."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.core.errors import DomainError, NotFound

from .. import access
from ..history import event_append
from ..models import Case, CaseLink, Event


def _link_details(link: CaseLink, *, from_case: Case) -> str:
    if link.case_id == from_case.pk:
        return f"{link.get_kind_display()} {link.other.diary_number}"
    return f"{CaseLink.INVERSE[CaseLink.Kind(link.kind)]} {link.case.diary_number}"


@transaction.atomic
def case_link_add(*, actor, case: Case, other: Case | None, kind: str, now: dt.datetime | None = None) -> CaseLink:
    """Link `case` to `other` ("2019.12 KS ersätter 2017.676 KS"), in the same
    organisation; every problem at once."""
    access.require_role(actor, roles.REGISTER_CASE, case.organ, _("Du har inte behörighet att koppla ärenden."))
    errors: dict[str, list[str]] = {}
    if kind not in CaseLink.Kind.values:
        errors["kind"] = [_("Välj hör till, ersätter, följdärende till eller relaterat ärende.")]
    if other is None:
        errors["other"] = [_("Ange diarienumret på ärendet som ska kopplas.")]
    elif other.pk == case.pk:
        errors["other"] = [_("Ett ärende kan inte kopplas till sig självt.")]
    elif other.organisation_id != case.organisation_id:
        errors["other"] = [_("Ärendet hör till en annan organisation.")]
    elif kind in CaseLink.Kind.values and CaseLink.objects.filter(removed_at__isnull=True, kind=kind).filter(
            Q(case=case, other=other) | Q(case=other, other=case)).exists():
        errors["other"] = [_("Ärendena är redan kopplade så.")]  # either way round
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    now = now or timezone.now()
    link = CaseLink.objects.create(case=case, other=other, kind=kind, created_at=now, created_by=actor
                                   if getattr(actor, "is_authenticated", False) else None)
    for end in (case, other):
        event_append(case=end, kind=Event.Kind.CASE_LINKED, actor=actor, at=now,
                     data={"link": link.pk, "details": _link_details(link, from_case=end)})
    return link


@transaction.atomic
def case_link_remove(*, actor, case: Case, link_id: int, now: dt.datetime | None = None) -> CaseLink:
    """Remove a link of the case (from either end): the row stays, marked removed."""
    access.require_role(actor, roles.REGISTER_CASE, case.organ, _("Du har inte behörighet att koppla ärenden."))
    link = CaseLink.objects.select_for_update(of=("self",)).select_related("case", "other").filter(
        Q(case=case) | Q(other=case), pk=link_id, removed_at__isnull=True).first()
    if link is None:
        raise NotFound(_("Kopplingen finns inte."))
    now = now or timezone.now()
    link.removed_at = now
    link.removed_by = actor if getattr(actor, "is_authenticated", False) else None
    link.save(update_fields=["removed_at", "removed_by"])
    for end in (link.case, link.other):
        event_append(case=end, kind=Event.Kind.CASE_UNLINKED, actor=actor, at=now,
                     data={"link": link.pk, "details": _link_details(link, from_case=end)})
    return link
