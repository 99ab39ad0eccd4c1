"""Changes to many cases at once, from the case list or the API: give them
another case officer, set their classification, or close them.

All or nothing: every case is checked first (the user's rights on its organ,
its state, the organisation of the officer or classification), and if any one
of them cannot be changed nothing is, and one DomainError names each refused
case by its diary number and says why. Otherwise each case is changed by the
same service as on its own page (case_update, case_close), so each gets its
usual event in its history, marked `"bulk": true`. One transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diarium.accounts.models import Person
from diarium.core.errors import DomainError
from diarium.core.limits import check_lengths

from .. import access
from ..models import REASON_MAX, Case, Classification
from .cases import case_close, case_update
from .classification import case_classification_errors

# A page of the case list holds 50; the API may send more, but not without end:
# every case is locked and changed by its own service in one transaction.
BULK_MAX = 500


class BulkAction(models.TextChoices):
    REASSIGN = "reassign", gettext_lazy("Byt handläggare")
    CLASSIFY = "classify", gettext_lazy("Sätt klassificering")
    CLOSE = "close", gettext_lazy("Avsluta ärendena")


@dataclass
class BulkResult:
    """What a bulk change did: the cases it changed, and those already as asked
    (the same officer or classification), which get no event."""

    action: str
    changed: list[Case] = field(default_factory=list)
    unchanged: list[Case] = field(default_factory=list)


def _case_ids(cases: Iterable[Case | int]) -> list[int]:
    ids: list[int] = []
    for case in cases:
        pk = case.pk if isinstance(case, Case) else int(case)
        if pk not in ids:
            ids.append(pk)
    return ids


def _refusal(case: Case, *, action: str, actor, officer: Person | None,
             classification: Classification | None, wrong_class: dict[int, list[str]]) -> str | None:
    """Why this case may not be changed so, or None when it may."""
    if action == BulkAction.CLOSE:
        if not access.may_change_case(actor, case, close=True):
            return _("Du har inte behörighet att avsluta ärendet.")
        if case.status == Case.Status.CLOSED:
            return _("Ärendet är redan avslutat.")
        return None
    if not access.may_change_case(actor, case):
        return _("Du har inte behörighet att ändra ärendet.")
    if action == BulkAction.REASSIGN and officer.organisation_id != case.organisation_id:
        return _("Handläggaren %(name)s hör till en annan organisation.") % {"name": officer.name}
    if action == BulkAction.CLASSIFY and case.classification_id != classification.pk:
        if case.organisation_id not in wrong_class:  # the rule asks once per organisation
            wrong_class[case.organisation_id] = case_classification_errors(
                organisation_id=case.organisation_id, classification=classification)
        if wrong_class[case.organisation_id]:
            return wrong_class[case.organisation_id][0]
    return None


def _check_request(*, ids: list[int], action: str, officer, classification, reason: str) -> None:
    errors: dict[str, list[str]] = {}
    if not ids:
        errors["cases"] = [_("Välj minst ett ärende.")]
    elif len(ids) > BULK_MAX:
        errors["cases"] = [_("Högst %(n)s ärenden åt gången.") % {"n": BULK_MAX}]
    if action not in BulkAction.values:
        errors["action"] = [_("Välj vad som ska göras med ärendena.")]
    elif action == BulkAction.REASSIGN and officer is None:
        errors["officer"] = [_("Välj den handläggare som ärendena ska få.")]
    elif action == BulkAction.CLASSIFY and classification is None:
        errors["classification"] = [_("Välj den klassificering som ärendena ska få.")]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    check_lengths({"reason": (reason, REASON_MAX)})


@transaction.atomic
def cases_bulk_change(
    *,
    actor,
    cases: Iterable[Case | int],
    action: str,
    officer: Person | None = None,
    classification: Classification | None = None,
    reason: str = "",
) -> BulkResult:
    """Reassign (`officer`), classify (`classification`) or close the cases,
    each with its own event; `reason` goes into every event. Refused as a whole,
    naming every case that cannot be changed and why."""
    ids = _case_ids(cases)
    reason = (reason or "").strip()
    _check_request(ids=ids, action=action, officer=officer, classification=classification, reason=reason)
    # Locked in one order, so two bulk changes of overlapping cases cannot deadlock.
    locked = {c.pk: c for c in Case.objects.select_related("organ").select_for_update(of=("self",))
              .filter(pk__in=ids).order_by("pk")}
    missing = [pk for pk in ids if pk not in locked]
    if missing:
        raise DomainError(_("Ärendena finns inte: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
                          field="cases")
    selected = [locked[pk] for pk in ids]
    wrong_class: dict[int, list[str]] = {}
    refused = [(case, why) for case in selected
               if (why := _refusal(case, action=action, actor=actor, officer=officer,
                                   classification=classification, wrong_class=wrong_class)) is not None]
    if refused:
        raise DomainError(
            _("Inga ärenden ändrades, eftersom %(n)s av de valda inte kan ändras: %(numbers)s.") % {
                "n": len(refused), "numbers": ", ".join(case.diary_number for case, _why in refused)},
            errors={"cases": [f"{case.diary_number}: {why}" for case, why in refused]},
        )
    result = BulkResult(action=action)
    for case in selected:
        if action == BulkAction.CLOSE:
            changed = case_close(actor=actor, case=case, reason=reason, bulk=True)
        else:
            changes = ({"case_officer": officer} if action == BulkAction.REASSIGN
                       else {"classification": classification})
            if all(getattr(case, f"{name}_id") == value.pk for name, value in changes.items()):
                result.unchanged.append(case)
                continue
            changed = case_update(actor=actor, case=case, reason=reason, bulk=True, **changes)
        result.changed.append(changed)
    return result
