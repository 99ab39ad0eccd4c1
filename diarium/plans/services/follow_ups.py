"""Follow-ups of a plan: a round opened with a request to each responsible
person (e-mailed by a task, with reminders), the answers (status, progress,
money used, indicator values), closing the round, drawing up its report and
putting the report on a meeting's agenda."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Person
from diarium.core import drawing
from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.limits import length_errors
from diarium.core.mail import mail_send
from diarium.core.tasks import enqueue_by_name, enqueue_due_reminders
from diarium.registry import services as registry
from diarium.registry.models import Document

from .. import access
from ..events import PlanEvent
from ..models import (
    COMMENT_MAX,
    Action,
    ActionReport,
    FollowUpRequest,
    FollowUpRound,
    Indicator,
    IndicatorValue,
    SteeringDocument,
)
from .shared import errors_raise, money, number_within

logger = logging.getLogger("diarium.plans")


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
    errors_raise(errors)
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
    if kind == "request" and request.sent_at is not None:
        return False  # sent already (the task queued twice)
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
        mail_send(EmailMessage(subject=subject, body=body, to=[request.person.email], connection=connection))
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
            used = (money(r.used_operating, f"used_operating_{r.action.pk}"),
                    money(r.used_investment, f"used_investment_{r.action.pk}"))
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
            number = Decimal(str(v.value).replace(",", ".").replace(" ", ""))
            clean_values.append((v.indicator, number_within(number, f"value_{v.indicator.pk}", max_digits=14)))
        except InvalidOperation:
            errors[f"value_{v.indicator.pk}"] = [_("Ange värdet för %(n)s som ett tal.") % {"n": v.indicator.name}]
        except DomainError as exc:
            errors[f"value_{v.indicator.pk}"] = [exc.message]
    errors_raise(errors)
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
    from .. import selectors

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


def report_to_agenda(*, actor, round: FollowUpRound, meeting, secrecy_review_reason: str = "",
                     now: dt.datetime | None = None) -> object:
    """Put the follow-up report on a meeting's agenda (the board's) in one step
    (agenda_item_add: a report marked secret goes with `secrecy_review_reason`)."""
    from diarium.decisions import services as decisions

    if round.report_document_id is None:
        raise DomainError(_("Upprätta uppföljningsrapporten först."))
    return decisions.agenda_item_add(
        actor=actor, meeting=meeting, case=round.document.case, documents=[round.report_document],
        title=_("Uppföljning %(y)s av %(t)s") % {"y": round.year, "t": round.document.title},
        secrecy_review_reason=secrecy_review_reason, now=now,
    )
