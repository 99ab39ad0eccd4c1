"""Writes for cases: registering one (with its diary number), changing its
title, description, officer or class, closing and reopening it. Each appends
its event to the case history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organ, Person
from diarium.core.errors import DomainError
from diarium.core.limits import check_lengths, past_date_errors

from .. import access, screening
from ..history import event_append
from ..models import REASON_MAX, Case, Classification, Event
from .classification import case_classification_errors
from .numbering import format_diary_number, next_number, series_for_organ
from .shared import model_clean


def case_title_missing() -> str:
    return _("Ange en ärendemening.")


@transaction.atomic
def case_register(
    *,
    actor,
    organ: Organ,
    title: str,
    case_officer: Person | None = None,
    classification: Classification | None = None,
    description: str = "",
    registered_at: dt.datetime | None = None,
) -> Case:
    """Register a case and give it the next diary number of the organ's series."""
    access.require_role(actor, roles.REGISTER_CASE, organ, _("Du har inte behörighet att registrera ärenden för %(organ)s.") % {"organ": organ.name})
    if organ.kind == Organ.Kind.EXTERNAL:
        raise DomainError(_("Ärenden kan inte registreras på en extern organisation."), field="organ")
    title = (title or "").strip()
    if not title:
        raise DomainError(case_title_missing(), field="title")
    if case_officer is not None and case_officer.organisation_id != organ.organisation_id:
        raise DomainError(_("Handläggaren hör till en annan organisation."), field="case_officer")
    wrong_class = case_classification_errors(organisation_id=organ.organisation_id, classification=classification)
    if wrong_class:
        raise DomainError(wrong_class[0], field="classification")
    if registered_at is not None:
        wrong_date = past_date_errors(timezone.localtime(registered_at).date())
        if wrong_date:
            raise DomainError(wrong_date[0], field="registered_at")
    registered_at = registered_at or timezone.now()
    year = timezone.localtime(registered_at).year
    series = series_for_organ(organ)
    case = Case(
        organisation_id=organ.organisation_id, organ=organ, series=series, year=year, seq=0, diary_number="-",
        title=title, description=(description or "").strip(), case_officer=case_officer,
        classification=classification, registered_at=registered_at,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Relations were checked above; excluding them saves a query each.
    model_clean(case, exclude=["seq", "diary_number", "series", "registered_by", "organisation", "organ",
                          "case_officer", "classification"])
    case.seq = next_number(series, year)
    case.diary_number = format_diary_number(
        organ.organisation.diary_number_format, year=year, seq=case.seq, series=series.code
    )
    case.refresh_search_text()
    case.save()
    event_append(
        case=case, kind=Event.Kind.CASE_REGISTERED, actor=actor, at=registered_at,
        data={"diary_number": case.diary_number, "title": case.title, "organ": organ.code,
              "case_officer": case_officer.name if case_officer else ""},
    )
    return case


CASE_EDITABLE = ("title", "description", "case_officer", "classification")
SCREENED_FIELDS = ("title", "description")


@transaction.atomic
def case_update(*, actor, case: Case, reason: str = "", bulk: bool = False, **changes) -> Case:
    """Change a case's title, description, officer or classification. `reason`
    (optional) is kept in the history; `bulk` marks a change made to many
    cases at once (services.bulk). A classification given follows
    case_classification_errors (a process in use, where the organisation has
    a scheme) when it changes or leaves the case unclassified; a case from
    before the scheme may still be changed without giving one (a new officer)."""
    access.require_role(actor, roles.REGISTER_CASE | roles.CLOSE_CASE, case.organ, _("Du har inte behörighet att ändra ärendet."))
    reason = (reason or "").strip()
    check_lengths({"reason": (reason, REASON_MAX)})
    unknown = set(changes) - set(CASE_EDITABLE)
    if unknown:
        raise DomainError(_("Fältet kan inte ändras: %(f)s") % {"f": ", ".join(sorted(unknown))})
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = {}
    for name, value in changes.items():
        if name == "title":
            value = (value or "").strip()
            if not value:
                raise DomainError(case_title_missing(), field="title")
        # A screened field is compared as written: the form shows the original to those with the right.
        old = screening.original(case, name) if name in SCREENED_FIELDS else getattr(case, name)
        if old != value:
            before[name] = str(getattr(case, name)) if getattr(case, name) is not None else ""
            setattr(case, name, value)
    # A classification given is checked when it changes, and when it leaves the case unclassified (an
    # edit of a case from before the scheme classifies it); one retired since stays on its cases.
    if "classification" in before or ("classification" in changes and case.classification is None):
        wrong_class = case_classification_errors(organisation_id=case.organisation_id,
                                                 classification=case.classification)
        if wrong_class:
            raise DomainError(wrong_class[0], field="classification")
    if not before:
        return case
    model_clean(case, exclude=["registered_by"])
    case.refresh_search_text()
    case.save(update_fields=[*before, "search_text"])
    # The history keeps what the public sees (the columns after screening), never a withheld value.
    after = {k: str(getattr(case, k)) if getattr(case, k) is not None else "" for k in before}
    event_append(case=case, kind=Event.Kind.CASE_UPDATED, actor=actor,
                 data={"changes": {k: {"from": a, "to": after[k]} for k, a in before.items()},
                       **_event_extra(reason=reason, bulk=bulk)})
    return case


def _event_extra(*, reason: str = "", bulk: bool = False) -> dict:
    """What an event's data says beyond the change itself: the reason given,
    and that the change was one of many made at once."""
    return {**({"reason": reason} if reason else {}), **({"bulk": True} if bulk else {})}


@transaction.atomic
def case_close(*, actor, case: Case, reason: str = "", bulk: bool = False) -> Case:
    access.require_role(actor, roles.CLOSE_CASE, case.organ, _("Du har inte behörighet att avsluta ärendet."))
    check_lengths({"reason": ((reason or "").strip(), REASON_MAX)})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Case.Status.CLOSED:
        raise DomainError(_("Ärendet är redan avslutat."))
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    event_append(case=case, kind=Event.Kind.CASE_CLOSED, actor=actor,
                 data={"reason": (reason or "").strip(), **_event_extra(bulk=bulk)})
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    access.require_role(actor, roles.CLOSE_CASE, case.organ, _("Du har inte behörighet att återöppna ärendet."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Ange varför ärendet återöppnas."), field="reason")
    check_lengths({"reason": (reason, REASON_MAX)})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.CLOSED:
        raise DomainError(_("Ärendet är inte avslutat."))
    case.status = Case.Status.OPEN
    case.closed_at = None
    case.save(update_fields=["status", "closed_at"])
    event_append(case=case, kind=Event.Kind.CASE_REOPENED, actor=actor, data={"reason": reason})
    return case
