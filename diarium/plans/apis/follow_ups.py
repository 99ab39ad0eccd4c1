"""A plan's follow-ups over JSON: opening a round (each responsible person is
asked), reading it, answering for actions and indicators, closing it, drawing
up the report for the board and putting it on a meeting's agenda.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status

from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.core.errors import DomainError
from diarium.decisions import selectors as decisions
from diarium.decisions.schemas import AgendaItemOut, agenda_row
from diarium.registry import selectors as registry
from diarium.registry.schemas import DocumentOut

from .. import access, selectors, services
from . import serialise
from .schemas import FollowUpAgendaIn, FollowUpAnswerIn, FollowUpIn, FollowUpOut

router = Router(tags=["Styrdokument och uppföljning"])


@router.post(
    "/plans/{plan_id}/follow-ups", response={201: FollowUpOut, **ERRORS}, auth=WRITE, url_name="follow_up_open"
)
def follow_up_open(request, plan_id: Id, payload: FollowUpIn):
    """Open a follow-up round: each responsible person is asked (by e-mail, through the worker)."""
    round_ = services.follow_up_open(
        actor=actor(request),
        document=selectors.plan_get(user=actor(request), pk=plan_id),
        year=payload.year,
        deadline=payload.deadline,
        title=payload.title,
        kind=payload.kind,
        reminder_days_before=payload.reminder_days_before,
    )
    return Status(201, serialise.fresh_round(request, round_.pk))


@router.get(
    "/follow-ups/{round_id}", response={200: FollowUpOut, **ERRORS}, auth=PUBLIC_READ, url_name="follow_up_detail"
)
def follow_up_detail(request, round_id: Id):
    """The round: who was asked (sent, answered, late), the reports (internal
    comments only for staff), indicator values and the roll-up of this round."""
    return serialise.fresh_round(request, round_id)


@router.post(
    "/follow-ups/{round_id}/answers", response={200: FollowUpOut, **ERRORS}, auth=WRITE, url_name="follow_up_answer"
)
def follow_up_answer(request, round_id: Id, payload: FollowUpAnswerIn):
    """Answer for actions (the responsible person, or those who run the plan)
    and give indicator values (those who run the plan). Answering again replaces
    the earlier answer for that action; an answer after the deadline is marked late."""
    user = actor(request)
    round_ = selectors.follow_up_get(user=actor(request), pk=round_id)
    document = round_.document
    actions, indicators = selectors.answer_rows(
        document=document,
        action_ids=[r.action for r in payload.reports],
        indicator_ids=[v.indicator for v in payload.values],
    )
    if not payload.reports and not payload.values:
        raise DomainError(_("Svara för minst en aktivitet eller indikator."), field="reports")
    services.follow_up_answer(
        actor=user,
        round=round_,
        reports=[
            services.ActionReportInput(
                action=actions[r.action],
                status=r.status,
                progress=r.progress,
                used_operating=r.used_operating,
                used_investment=r.used_investment,
                comment=r.comment,
                comment_internal=r.comment_internal,
            )
            for r in payload.reports
        ],
        values=[services.IndicatorValueInput(indicator=indicators[v.indicator], value=v.value) for v in payload.values],
    )
    return serialise.fresh_round(request, round_id)


@router.post(
    "/follow-ups/{round_id}/close", response={200: FollowUpOut, **ERRORS}, auth=WRITE, url_name="follow_up_close"
)
def follow_up_close(request, round_id: Id):
    """Close the round: no more answers."""
    services.follow_up_close(actor=actor(request), round=selectors.follow_up_get(user=actor(request), pk=round_id))
    return serialise.fresh_round(request, round_id)


@router.post(
    "/follow-ups/{round_id}/report", response={201: DocumentOut, **ERRORS}, auth=WRITE, url_name="follow_up_report"
)
def follow_up_report(request, round_id: Id):
    """Draw up the follow-up report for the board, registered as a document on
    the plan's case (drawn up again: a new version of the same document)."""
    user = actor(request)
    document = services.follow_up_report(actor=user, round=selectors.follow_up_get(user=actor(request), pk=round_id))
    return Status(201, registry.document_entry(user=user, document=document))


@router.post(
    "/follow-ups/{round_id}/agenda", response={201: AgendaItemOut, **ERRORS}, auth=WRITE, url_name="follow_up_agenda"
)
def follow_up_agenda(request, round_id: Id, payload: FollowUpAgendaIn):
    """Put the follow-up report on a meeting's agenda (the board's) in one step."""
    user = actor(request)
    round_ = selectors.follow_up_get(user=actor(request), pk=round_id)
    access.require_manage(user, round_.document)
    meeting = decisions.meeting_referenced(user=user, pk=payload.meeting, field="meeting")
    item = services.report_to_agenda(actor=user, round=round_, meeting=meeting,
                                     secrecy_review_reason=payload.secrecy_review_reason)
    return Status(201, agenda_row(user, item))
