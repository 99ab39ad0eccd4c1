"""Writes for steering documents, their structure, versions and follow-ups."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Person
from diarium.core import drawing
from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.limits import check_lengths, length_errors
from diarium.core.tasks import enqueue_by_name, enqueue_due_reminders
from diarium.registry import services as registry
from diarium.registry.models import Case, Document

from . import access
from .events import PlanEvent
from .models import (
    COMMENT_MAX, DESCRIPTION_MAX, INTERNAL_NOTE_MAX,
    Action, ActionBudget, ActionReport, FocusArea, FollowUpRequest, FollowUpRound, Goal, Indicator, IndicatorValue,
    PlanVersion, SteeringDocument,
)

logger = logging.getLogger("diarium.plans")


def _errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)


def _money(value, field_name: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation as exc:
        raise DomainError(_("Ange ett belopp i kronor, till exempel 250000."), field=field_name) from exc
    if amount < 0 or amount.as_tuple().exponent < -2 or amount >= Decimal("1e12"):
        raise DomainError(_("Ange ett belopp i kronor (0 eller mer, högst två decimaler)."), field=field_name)
    return amount


def _touch(document: SteeringDocument, actor, details: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    SteeringDocument.objects.filter(pk=document.pk).update(updated_at=now)
    registry.event_append(case=document.case, kind=PlanEvent.PLAN_CHANGED, actor=actor, at=now,
                          data={"plan": document.pk, "details": f"{document.title}: {details}"[:300]})


# --- the document --------------------------------------------------------------------------
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
    _errors(errors)
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
    _touch(document, actor, _("uppgifterna ändrades"))
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
    _touch(document, actor, str(SteeringDocument.Status(status).label), now)
    return document


# --- structure --------------------------------------------------------------------------
def _next_position(qs) -> int:
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1


def _require_title(title: str, message: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(message, field="title")
    return title[:300]


@transaction.atomic
def focus_area_save(*, actor, document: SteeringDocument, title: str, description: str = "",
                    focus_area: FocusArea | None = None, now: dt.datetime | None = None) -> FocusArea:
    access.require_manage(actor, document)
    title = _require_title(title, _("Ange målområdets namn."))
    check_lengths({"description": ((description or "").strip(), DESCRIPTION_MAX)})
    if focus_area is None:
        focus_area = FocusArea(document=document, position=_next_position(document.focus_areas))
    focus_area.title, focus_area.description = title, (description or "").strip()
    focus_area.save()
    _touch(document, actor, _("målområde: %(t)s") % {"t": title}, now)
    return focus_area


@transaction.atomic
def goal_save(*, actor, focus_area: FocusArea, title: str, description: str = "", goal: Goal | None = None,
              now: dt.datetime | None = None) -> Goal:
    document = focus_area.document
    access.require_manage(actor, document)
    title = _require_title(title, _("Ange målets namn."))
    check_lengths({"description": ((description or "").strip(), DESCRIPTION_MAX)})
    if goal is None:
        goal = Goal(focus_area=focus_area, position=_next_position(focus_area.goals))
    goal.focus_area, goal.title, goal.description = focus_area, title, (description or "").strip()
    goal.save()
    _touch(document, actor, _("mål: %(t)s") % {"t": title}, now)
    return goal


def _targets(targets: dict, years: Sequence[int]) -> dict[str, str]:
    clean = {}
    for year, value in (targets or {}).items():
        if value in (None, ""):
            continue
        try:
            year_int = int(year)
            number = Decimal(str(value).replace(",", "."))
        except (ValueError, InvalidOperation) as exc:
            raise DomainError(_("Ange målvärden som tal per år."), field="targets") from exc
        if year_int not in years:
            raise DomainError(_("Målvärdet för %(y)s ligger utanför giltighetstiden.") % {"y": year_int},
                              field="targets")
        clean[str(year_int)] = str(number)
    return clean


@transaction.atomic
def indicator_save(*, actor, goal: Goal, name: str, unit: str, baseline=None, baseline_year: int | None = None,
                   targets: dict | None = None, indicator: Indicator | None = None,
                   now: dt.datetime | None = None) -> Indicator:
    document = goal.focus_area.document
    access.require_manage(actor, document)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Ange indikatorns namn.")]
    if not (unit or "").strip():
        errors["unit"] = [_("Ange enhet, till exempel \"procent\" eller \"antal\".")]
    _errors(errors)
    if indicator is None:
        indicator = Indicator(goal=goal, position=_next_position(goal.indicators))
    indicator.goal, indicator.name, indicator.unit = goal, name[:300], unit.strip()[:40]
    indicator.baseline = None if baseline in (None, "") else Decimal(str(baseline).replace(",", "."))
    indicator.baseline_year = baseline_year
    indicator.targets = _targets(targets or {}, document.years)
    indicator.save()
    _touch(document, actor, _("indikator: %(t)s") % {"t": name}, now)
    return indicator


@dataclass
class BudgetInput:
    year: int
    operating: object = 0
    investment: object = 0


@transaction.atomic
def action_save(
    *, actor, goal: Goal, title: str, description: str = "", responsible_organ: Organ | None = None,
    responsible_person: Person | None = None, start: dt.date | None = None, end: dt.date | None = None,
    funding_source: str = "", weight=None, internal_note: str = "", budgets: Sequence[BudgetInput] = (),
    action: Action | None = None, now: dt.datetime | None = None,
) -> Action:
    """Add or change an action with its budget per year (operating and investment)."""
    document = goal.focus_area.document
    access.require_manage(actor, document)
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Ange aktivitetens namn.")]
    errors.update(length_errors({"description": ((description or "").strip(), DESCRIPTION_MAX),
                                 "internal_note": ((internal_note or "").strip(), INTERNAL_NOTE_MAX)}))
    if start and end and end < start:
        errors["end"] = [_("Aktiviteten kan inte vara klar innan den har börjat.")]
    if responsible_organ is not None and responsible_organ.organisation_id != document.organisation_id:
        errors["responsible_organ"] = [_("Ansvarigt organ måste höra till samma organisation.")]
    clean_weight = None
    if weight not in (None, ""):
        try:
            clean_weight = Decimal(str(weight).replace(",", "."))
        except InvalidOperation:
            clean_weight = Decimal("-1")
        if clean_weight < 0:
            errors["weight"] = [_("Vikten är ett tal, 0 eller mer.")]
    amounts = []
    for b in budgets:
        if b.year not in document.years:
            errors["budgets"] = [_("Budgetåret %(y)s ligger utanför planens giltighetstid %(a)s–%(b)s.")
                                 % {"y": b.year, "a": document.period_start, "b": document.period_end}]
            continue
        try:
            amounts.append((b.year, _money(b.operating, "budgets"), _money(b.investment, "budgets")))
        except DomainError as exc:
            errors["budgets"] = [exc.message]
    if len({y for y, *_rest in amounts}) != len(amounts):
        errors["budgets"] = [_("Varje år får bara en budgetrad.")]
    _errors(errors)
    if action is None:
        action = Action(goal=goal, position=_next_position(goal.actions))
    action.goal = goal
    action.title, action.description = title[:300], (description or "").strip()
    action.responsible_organ, action.responsible_person = responsible_organ, responsible_person
    action.start, action.end = start, end
    action.funding_source = (funding_source or "").strip()[:200]
    action.weight = clean_weight
    action.internal_note = (internal_note or "").strip()
    action.save()
    if budgets:
        action.budgets.exclude(year__in=[y for y, *_r in amounts]).delete()
        for year, operating, investment in amounts:
            ActionBudget.objects.update_or_create(action=action, year=year,
                                                  defaults={"operating": operating, "investment": investment})
    _touch(document, actor, _("aktivitet: %(t)s") % {"t": title}, now)
    return action


@transaction.atomic
def structure_delete(*, actor, item) -> None:
    """Remove a focus area, goal, indicator or action from the working copy.
    What a follow-up has reported on stays: it can be cancelled, not removed."""
    if isinstance(item, FocusArea):
        document = item.document
        reported = ActionReport.objects.filter(action__goal__focus_area=item).exists() or \
            IndicatorValue.objects.filter(indicator__goal__focus_area=item).exists()
    elif isinstance(item, Goal):
        document = item.focus_area.document
        reported = ActionReport.objects.filter(action__goal=item).exists() or \
            IndicatorValue.objects.filter(indicator__goal=item).exists()
    elif isinstance(item, Indicator):
        document = item.goal.focus_area.document
        reported = item.values.exists()
    elif isinstance(item, Action):
        document = item.goal.focus_area.document
        reported = item.reports.exists()
    else:
        raise TypeError(item)
    access.require_manage(actor, document)
    if reported:
        raise DomainError(_("Det finns uppföljningar av %(t)s; den kan inte tas bort. Markera aktiviteten som "
                            "avbruten i nästa uppföljning i stället.") % {"t": str(item)})
    label = str(item)
    item.delete()
    _touch(document, actor, _("%(t)s togs bort") % {"t": label})


# --- versions ---------------------------------------------------------------------------------
@transaction.atomic
def plan_adopt(*, actor, document: SteeringDocument, decision=None, note: str = "",
               now: dt.datetime | None = None) -> PlanVersion:
    """Freeze the working copy as the next adopted version. Every adopted version
    is kept; the next one is compared with it."""
    from . import selectors

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


# --- follow-up ----------------------------------------------------------------------------
@transaction.atomic
def follow_up_open(*, actor, document: SteeringDocument, year: int, deadline: dt.date, title: str = "",
                   kind: str = FollowUpRound.Kind.YEARLY, reminder_days_before: int = 7,
                   now: dt.datetime | None = None) -> FollowUpRound:
    """Start a follow-up round: each responsible person is asked (by e-mail,
    through the worker) about their actions and the indicators of their goals."""
    access.require_manage(actor, document)
    now = now or timezone.now()
    document = SteeringDocument.objects.select_related("case").get(pk=document.pk)  # its current status
    errors = {}
    if document.status != SteeringDocument.Status.ADOPTED:
        errors["status"] = [_("Bara ett antaget styrdokument följs upp.")]
    if year not in document.years:
        errors["year"] = [_("Året måste ligga inom giltighetstiden %(a)s–%(b)s.")
                          % {"a": document.period_start, "b": document.period_end}]
    if kind not in FollowUpRound.Kind.values:
        errors["kind"] = [_("Välj årlig uppföljning eller uppföljning vid behov.")]
    if not isinstance(deadline, dt.date) or deadline < timezone.localtime(now).date():
        errors["deadline"] = [_("Ange ett svarsdatum som inte har passerat.")]
    if kind == FollowUpRound.Kind.YEARLY and document.follow_ups.filter(year=year, kind=kind).exists():
        errors["year"] = [_("Det finns redan en årlig uppföljning för %(y)s.") % {"y": year}]
    _errors(errors)
    people = sorted({a.responsible_person for a in Action.objects.filter(
        goal__focus_area__document=document, responsible_person__isnull=False).select_related("responsible_person")},
        key=lambda p: p.name)
    if not people:
        raise DomainError(_("Ingen aktivitet har en ansvarig person att fråga."))
    round_ = FollowUpRound.objects.create(
        document=document, kind=kind, year=year, deadline=deadline, reminder_days_before=reminder_days_before,
        title=(title or "").strip()[:300] or _("Uppföljning %(y)s: %(t)s") % {"y": year, "t": document.title},
        created_at=now,
    )
    requests = FollowUpRequest.objects.bulk_create([FollowUpRequest(round=round_, person=p) for p in people])
    registry.event_append(case=document.case, kind=PlanEvent.FOLLOW_UP_OPENED, actor=actor, at=now, data={
        "plan": document.pk, "details": _("%(t)s, %(n)s ansvariga, svar senast %(d)s") % {
            "t": round_.title, "n": len(people), "d": deadline.isoformat()}})
    for request in requests:
        enqueue_by_name("diarium.plans.tasks.send_request", request.pk, "request")
    return round_


def request_deliver(request_id: int, kind: str, *, now: dt.datetime | None = None, connection=None) -> bool:
    """E-mail a follow-up request or reminder. Without an address nothing is
    sent (the plan's managers answer for that person)."""
    now = now or timezone.now()
    request = FollowUpRequest.objects.select_related("round", "round__document", "person").filter(
        pk=request_id).first()
    if request is None or request.round.status != FollowUpRound.Status.OPEN or request.answered_at:
        return False
    if not request.person.email:
        return False
    from django.urls import reverse

    body = render_to_string("plans/email/request.txt", {
        "request": request, "round": request.round, "document": request.round.document, "kind": kind,
        "url": settings.SITE_URL + reverse("plans:follow_up_answer", args=[request.round.pk]),
        "actions": list(Action.objects.filter(goal__focus_area__document=request.round.document,
                                              responsible_person=request.person).order_by("title")),
    })
    subject = (_("Påminnelse: %(t)s") if kind != "request" else "%(t)s") % {"t": request.round.title}
    try:
        EmailMessage(subject=subject, body=body, to=[request.person.email], connection=connection).send()
    except Exception as exc:
        logger.warning("Follow-up request to %s failed: %s", request.person.email, exc)
        FollowUpRequest.objects.filter(pk=request.pk).update(send_error=(str(exc) or "fel")[:500])
        if kind == "reminder_before":
            FollowUpRequest.objects.filter(pk=request.pk).update(reminded_before_at=None)
        elif kind == "reminder_after":
            FollowUpRequest.objects.filter(pk=request.pk).update(reminded_after_at=None)
        return False
    if kind == "request":
        FollowUpRequest.objects.filter(pk=request.pk).update(sent_at=now, send_error="")
    else:
        from django.db.models import F

        FollowUpRequest.objects.filter(pk=request.pk).update(reminder_count=F("reminder_count") + 1, send_error="")
    return True


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind those who have not answered: some days before the deadline and
    once after it."""
    now = now or timezone.now()
    open_requests = FollowUpRequest.objects.filter(
        round__status=FollowUpRound.Status.OPEN, answered_at__isnull=True, reminded_after_at__isnull=True,
    ).select_related("round")
    return enqueue_due_reminders(
        open_requests.iterator(), deadline=lambda r: r.round.deadline,
        days_before=lambda r: r.round.reminder_days_before, today=timezone.localtime(now).date(), now=now,
        task="diarium.plans.tasks.send_request",
    )


@dataclass
class ActionReportInput:
    action: Action
    status: str
    progress: int
    used_operating: object = 0
    used_investment: object = 0
    comment: str = ""
    comment_internal: bool = False


@dataclass
class IndicatorValueInput:
    indicator: Indicator
    value: object


@dataclass
class AnswerResult:
    reports: list[ActionReport] = field(default_factory=list)
    values: list[IndicatorValue] = field(default_factory=list)


@transaction.atomic
def follow_up_answer(*, actor, round: FollowUpRound, reports: Sequence[ActionReportInput] = (),
                     values: Sequence[IndicatorValueInput] = (), now: dt.datetime | None = None) -> AnswerResult:
    """Record status, progress, money used and comments for actions, and measured
    indicator values, with who and when. An answer after the deadline is kept
    and marked late. Answering again replaces the earlier answer for that action."""
    now = now or timezone.now()
    round_ = FollowUpRound.objects.select_for_update().select_related("document", "document__case").get(pk=round.pk)
    document = round_.document
    if round_.status != FollowUpRound.Status.OPEN:
        raise DomainError(_("Uppföljningen är avslutad."))
    managing = access.can_manage(actor, document)
    my_person_ids = set(Person.objects.filter(user_id=getattr(actor, "pk", None)).values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    clean = []
    for r in reports:
        if r.action.goal.focus_area.document_id != document.pk:
            errors["reports"] = [_("Aktiviteten hör inte till planen.")]
            continue
        if not managing and r.action.responsible_person_id not in my_person_ids:
            raise PermissionDenied(_("Du är inte ansvarig för aktiviteten %(t)s.") % {"t": r.action.title})
        if r.status not in ActionReport.Status.values:
            errors[f"status_{r.action.pk}"] = [_("Välj status för %(t)s.") % {"t": r.action.title}]
        try:
            progress = int(r.progress)
        except (TypeError, ValueError):
            progress = -1
        errors.update(length_errors({f"comment_{r.action.pk}": ((r.comment or "").strip(), COMMENT_MAX)}))
        if not 0 <= progress <= 100:
            errors[f"progress_{r.action.pk}"] = [_("Ange hur stor del av %(t)s som är klar, 0–100 procent.")
                                                 % {"t": r.action.title}]
        if r.status == ActionReport.Status.DONE and progress != 100:
            progress = 100  # done is done
        try:
            used = (_money(r.used_operating, f"used_operating_{r.action.pk}"),
                    _money(r.used_investment, f"used_investment_{r.action.pk}"))
        except DomainError as exc:
            errors.update(exc.errors)
            continue
        clean.append((r, progress, used))
    clean_values = []
    for v in values:
        if v.indicator.goal.focus_area.document_id != document.pk:
            errors["values"] = [_("Indikatorn hör inte till planen.")]
            continue
        if not managing:
            raise PermissionDenied(_("Indikatorernas värden lämnas av dem som följer upp planen."))
        if v.value in (None, ""):
            continue
        try:
            clean_values.append((v.indicator, Decimal(str(v.value).replace(",", ".").replace(" ", ""))))
        except InvalidOperation:
            errors[f"value_{v.indicator.pk}"] = [_("Ange värdet för %(n)s som ett tal.") % {"n": v.indicator.name}]
    _errors(errors)
    who = registry.actor_name(actor)
    late = timezone.localtime(now).date() > round_.deadline
    result = AnswerResult()
    for r, progress, (used_operating, used_investment) in clean:
        report, _created = ActionReport.objects.update_or_create(round=round_, action=r.action, defaults={
            "status": r.status, "progress": progress, "used_operating": used_operating,
            "used_investment": used_investment, "comment": (r.comment or "").strip(),
            "comment_internal": bool(r.comment_internal), "answered_at": now, "answered_by_name": who, "late": late,
        })
        result.reports.append(report)
    for indicator, value in clean_values:
        iv, _created = IndicatorValue.objects.update_or_create(round=round_, indicator=indicator, defaults={
            "value": value, "answered_at": now, "answered_by_name": who})
        result.values.append(iv)
    # A person has answered when every action they are responsible for has a report.
    for request in round_.requests.filter(answered_at__isnull=True):
        theirs = Action.objects.filter(goal__focus_area__document=document, responsible_person=request.person)
        if not theirs.exclude(reports__round=round_).exists():
            FollowUpRequest.objects.filter(pk=request.pk).update(answered_at=now)
    if clean or clean_values:
        registry.event_append(case=document.case, kind=PlanEvent.FOLLOW_UP_ANSWERED, actor=actor, at=now, data={
            "plan": document.pk, "details": _("%(t)s: %(n)s aktiviteter%(late)s") % {
                "t": round_.title, "n": len(clean), "late": " " + _("(efter svarsdatum)") if late else ""}})
    return result


@transaction.atomic
def follow_up_close(*, actor, round: FollowUpRound, now: dt.datetime | None = None) -> FollowUpRound:
    access.require_manage(actor, round.document)
    now = now or timezone.now()
    updated = FollowUpRound.objects.filter(pk=round.pk, status=FollowUpRound.Status.OPEN).update(
        status=FollowUpRound.Status.CLOSED, closed_at=now)
    if not updated:
        raise DomainError(_("Uppföljningen är redan avslutad."))
    round.refresh_from_db()
    return round


def follow_up_report(*, actor, round: FollowUpRound, now: dt.datetime | None = None) -> Document:
    """Draw up the follow-up report for the board: progress, money and indicators
    with charts, registered on the plan's case (again: a new version)."""
    from . import selectors

    document = round.document
    access.require_manage(actor, document)
    now = now or timezone.now()
    report = selectors.follow_up_report_data(round, user=None)  # the public view: no internal comments
    drawn = drawing.draw("follow_up_report", {
        "report": report, "charts": selectors.report_charts(report), "round": round, "document": document,
        "organisation": document.case.organisation, "drawn_up": timezone.localtime(now).date(),
    }, template="plans/report_document.html", stem="uppfoljningsrapport")
    with transaction.atomic():
        locked = FollowUpRound.objects.select_for_update().get(pk=round.pk)
        report = registry.document_draw_up(
            actor=actor, case=document.case, document=locked.report_document, drawn=drawn, now=now,
            description=_("Uppföljningsrapport %(y)s: %(t)s") % {"y": round.year, "t": document.title},
        )
        if locked.report_document_id is None:
            locked.report_document = report
            locked.save(update_fields=["report_document"])
        round.report_document = report
        return report


def report_to_agenda(*, actor, round: FollowUpRound, meeting, now: dt.datetime | None = None) -> object:
    """Put the follow-up report on a meeting's agenda (the board's) in one step."""
    from diarium.decisions import services as decisions

    if round.report_document_id is None:
        raise DomainError(_("Upprätta uppföljningsrapporten först."))
    return decisions.agenda_item_add(
        actor=actor, meeting=meeting, case=round.document.case, documents=[round.report_document],
        title=_("Uppföljning %(y)s av %(t)s") % {"y": round.year, "t": round.document.title}, now=now,
    )
