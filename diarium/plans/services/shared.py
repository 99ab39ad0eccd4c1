"""What the writes of steering documents share: field errors raised all at
once, amounts of money in kronor (plain or Swedish form), and a change to a
plan recorded in its case's history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError
from diarium.registry import services as registry

from ..events import PlanEvent
from ..models import SteeringDocument


def errors_raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)


def money(value, field_name: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation as exc:
        raise DomainError(_("Ange ett belopp i kronor, till exempel 250000."), field=field_name) from exc
    if amount < 0 or amount.as_tuple().exponent < -2 or amount >= Decimal("1e12"):
        raise DomainError(_("Ange ett belopp i kronor (0 eller mer, högst två decimaler)."), field=field_name)
    return amount


def number_within(value: Decimal, field_name: str, *, max_digits: int) -> Decimal:
    """`value` if the database column (max_digits, two decimals) can hold it and
    hand it back: SQLite stores a larger number as it is, and reading it then
    fails (PostgreSQL refuses the write)."""
    whole = max_digits - 2
    if not value.is_finite() or abs(value) >= Decimal(10) ** whole or value.normalize().as_tuple().exponent < -2:
        raise DomainError(_("Ange ett tal med högst %(n)s siffror före och två efter decimaltecknet.")
                          % {"n": whole}, field=field_name)
    return value


def document_touch(document: SteeringDocument, actor, details: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    SteeringDocument.objects.filter(pk=document.pk).update(updated_at=now)
    registry.event_append(case=document.case, kind=PlanEvent.PLAN_CHANGED, actor=actor, at=now,
                          data={"plan": document.pk, "details": f"{document.title}: {details}"[:300]})
