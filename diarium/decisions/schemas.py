"""The decisions app's shared schemas and how rows become them: a reference to a
decision, a proposal, an agenda item with its supporting documents, and the
officer's report with its proposals (out, and the proposal and signatory rows
in). Not an API module: the decisions API and the APIs of the apps above it
(plans puts a follow-up on an agenda, documents draws up the officer's report)
answer with these, so one class each in the OpenAPI schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from diarium.core.api.types import Id
from diarium.registry.schemas import OrganRef

from . import access, selectors
from .models import CONDITION_TEXT_MAX, DECISION_TEXT_MAX, SIGNATORY_MAX, Decision

DecisionStatus = Literal["effective", "pending", "void"]


class SupportingDocumentOut(Schema):
    id: int
    reference: str
    description: str | None
    masked: bool
    content_hidden: bool


class DecisionRef(Schema):
    id: int
    reference: str
    title: str
    status: DecisionStatus
    status_label: str


class ProposalOut(Schema):
    id: int
    organ: OrganRef
    case_id: int
    text: str
    position: int
    report_id: int | None
    from_decision: DecisionRef | None
    condition_organ: OrganRef | None
    condition_text: str


class AgendaItemOut(Schema):
    id: int
    meeting_id: int
    position: int
    title: str
    case_id: int | None
    diary_number: str | None
    proposal: ProposalOut | None
    documents: list[SupportingDocumentOut]
    decisions: list[DecisionRef]


class ProposalIn(Schema):
    organ: Id
    text: str = Field(max_length=DECISION_TEXT_MAX)
    condition_organ: Id | None = None
    condition_text: str = Field("", max_length=CONDITION_TEXT_MAX)


class SignatoryIn(Schema):
    name: str = Field(max_length=SIGNATORY_MAX)
    title: str = Field("", max_length=SIGNATORY_MAX)


class SignatoryOut(Schema):
    name: str
    title: str


class OfficerReportOut(Schema):
    id: int
    case_id: int
    title: str
    addressed_to: OrganRef
    office: str
    background: str
    opinion: str
    dispatch_to: list[str]
    signatories: list[SignatoryOut]
    report_date: dt.date
    document_id: int | None
    document_reference: str | None
    proposals: list[ProposalOut]
    created_at: dt.datetime


# --- serialising ----------------------------------------------------------------------------
def organ_ref(organ) -> dict | None:
    return {"id": organ.pk, "code": organ.code, "name": organ.name} if organ is not None else None


def person_ref(person) -> dict | None:
    return {"id": person.pk, "name": person.name, "title": person.title} if person is not None else None


def decision_ref(decision: Decision) -> dict:
    return {"id": decision.pk, "reference": decision.reference, "title": decision.title,
            "status": decision.status, "status_label": str(decision.get_status_display())}


def visible_ref(user, decision: Decision | None) -> dict | None:
    """A reference to another decision, only if this reader may see it."""
    if decision is None or not access.decisions_visible(user, decision.meeting):
        return None
    return decision_ref(decision)


def visible_refs(user, decisions) -> list[dict]:
    return [ref for ref in (visible_ref(user, d) for d in decisions) if ref is not None]


def proposal_out(user, p, case=None) -> dict:
    return {
        "id": p.pk, "organ": organ_ref(p.organ), "case_id": p.case_id,
        "text": access.screened_value(user, p, "text", case=case), "position": p.position,
        "report_id": p.report_id, "from_decision": visible_ref(user, p.from_decision) if p.from_decision_id else None,
        "condition_organ": organ_ref(p.condition_organ), "condition_text": p.condition_text,
    }


def agenda_item_out(user, row: selectors.AgendaRow) -> dict:
    item = row.item
    return {
        "id": item.pk, "meeting_id": item.meeting_id, "position": item.position, "title": item.title,
        "case_id": item.case_id, "diary_number": item.case.diary_number if item.case_id else None,
        "proposal": proposal_out(user, item.proposal) if item.proposal_id else None,
        "documents": [{"id": s.id, "reference": s.reference, "description": s.description, "masked": s.masked,
                       "content_hidden": s.content_hidden} for s in row.documents],
        "decisions": [decision_ref(d) for d in row.decisions],
    }


def agenda_row(user, item) -> dict:
    """The agenda item as the reader sees it on the agenda (AgendaItemOut)."""
    return agenda_item_out(user, selectors.agenda_row(user=user, item=item))


def report_out(user, report) -> dict:
    """The officer's report (OfficerReportOut)."""
    return {
        "id": report.pk, "case_id": report.case_id, "title": access.screened_value(user, report, "title"),
        "addressed_to": organ_ref(report.addressed_to), "office": report.office,
        "background": access.screened_value(user, report, "background"),
        "opinion": access.screened_value(user, report, "opinion"),
        "dispatch_to": access.report_dispatch_shown(user, report),
        "signatories": [{"name": s.get("name", ""), "title": s.get("title", "")} for s in report.signatories],
        "report_date": report.report_date, "document_id": report.document_id,
        "document_reference": (f"{report.case.diary_number}-{report.document.number}"
                               if report.document_id else None),
        "proposals": [proposal_out(user, p, case=report.case) for p in report.proposals.all()],
        "created_at": report.created_at,
    }
