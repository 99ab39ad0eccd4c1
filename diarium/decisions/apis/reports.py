"""Officer's reports (tjänsteskrivelser), their proposals and the case's way
through the organs over JSON: writing a report, sending a proposal to an
agenda, and the chain of proposals, agenda items and decisions (KSAU → KS → KF).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status

from diarium.accounts import selectors as people
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.registry import selectors as registry

from .. import access, selectors, services
from ..schemas import agenda_row, decision_ref, organ_ref, report_out
from .schemas import (
    AgendaItemOut,
    ChainStepOut,
    OfficerReportIn,
    OfficerReportOut,
    ProposalAgendaIn,
)

router = Router(tags=["Sammanträden och beslut"])


@router.get(
    "/cases/{case_id}/officer-reports",
    response={200: list[OfficerReportOut], **ERRORS},
    auth=PUBLIC_READ,
    url_name="officer_report_list",
)
def officer_report_list(request, case_id: Id):
    """The case's officer's reports (tjänsteskrivelser) with their proposed decisions."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    return [report_out(user, r) for r in selectors.officer_report_list(user=user, case=case)]


@router.post(
    "/cases/{case_id}/officer-reports",
    response={201: OfficerReportOut, **ERRORS},
    auth=WRITE,
    url_name="officer_report_create",
)
def officer_report_create(request, case_id: Id, payload: OfficerReportIn):
    """Write the officer's report; it is registered on the case as a drawn-up document."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    access.require_write_reports(user, case, _("Du har inte behörighet att skriva tjänsteskrivelser i ärendet."))
    report = services.officer_report_create(
        actor=user,
        case=case,
        title=payload.title,
        addressed_to=people.organ_referenced(payload.addressed_to, field="addressed_to"),
        office=payload.office,
        background=payload.background,
        opinion=payload.opinion,
        proposals=[
            services.ProposalInput(
                organ=people.organ_referenced(p.organ, field="proposals"),
                text=p.text,
                condition_organ=people.organ_referenced(p.condition_organ, field="proposals"),
                condition_text=p.condition_text,
            )
            for p in payload.proposals
        ],
        dispatch_to=payload.dispatch_to,
        signatories=[services.Signatory(name=s.name.strip(), title=s.title.strip()) for s in payload.signatories],
        report_date=payload.report_date,
    )
    return Status(201, report_out(user, selectors.officer_report_of(user=user, case=case, pk=report.pk)))


@router.post(
    "/proposals/{proposal_id}/agenda",
    response={201: AgendaItemOut, **ERRORS},
    auth=WRITE,
    url_name="proposal_to_agenda",
)
def proposal_to_agenda(request, proposal_id: Id, payload: ProposalAgendaIn):
    """Send a proposal to a meeting's agenda; the officer's report goes with it
    as supporting document unless `documents` names others."""
    user = actor(request)
    proposal = selectors.proposal_referenced(pk=proposal_id, field=None)
    meeting = selectors.meeting_referenced(user=user, pk=payload.meeting, field="meeting")
    access.require_manage_meetings(user, meeting.organ)
    item = services.proposal_to_agenda(
        actor=user,
        proposal=proposal,
        meeting=meeting,
        documents=None if payload.documents is None else selectors.documents_referenced(payload.documents),
        secrecy_review_reason=payload.secrecy_review_reason,
    )
    return Status(201, agenda_row(user, item))


@router.get(
    "/cases/{case_id}/chain", response={200: list[ChainStepOut], **ERRORS}, auth=PUBLIC_READ, url_name="case_chain"
)
def case_chain(request, case_id: Id):
    """The case's way through the organs (KSAU → KS → KF): proposals, agenda items and decisions."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    return [
        {
            "date": s.date,
            "organ": organ_ref(s.organ),
            "kind": s.kind,
            "label": s.label,
            "url": s.url,
            "decision": decision_ref(s.decision) if s.decision is not None else None,
        }
        for s in selectors.case_chain(user=user, case=case)
    ]
