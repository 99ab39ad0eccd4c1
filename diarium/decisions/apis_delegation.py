"""Delegation decisions (kommunallagen 6 kap. 37-40 §§) over JSON: the list
per board and period (public: a decision whose document is marked secret
only for those who may read that document, the summary as the reader may
see it), registering one in its case (multipart, with the decision as an
optional file), and putting a board's unreported ones on a meeting's agenda
("Anmälan av delegationsbeslut"). Thin over selectors and services."""

from __future__ import annotations

import datetime as dt

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from diarium.accounts import selectors as people
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id, Offset
from diarium.core.limits import IsoDate
from diarium.core.lookups import referenced
from diarium.registry import selectors as registry_selectors
from diarium.registry.schemas import OrganRef, PersonRef

from . import access, selectors, services
from .models import DELEGATION_POINT_MAX, DELEGATION_SUMMARY_MAX
from .schemas import DecisionRef, organ_ref, person_ref, visible_ref

router = Router(tags=["Sammanträden och beslut"])


class DelegationFilters(Schema):
    organisation: Id | None = Field(None, description="Organisationens id.")
    organ: Id | None = Field(None, description="Den delegerande nämndens id.")
    year: int | None = Field(None, ge=1900, le=9999, description="Året beslutet fattades.")
    agenda_item: Id | None = Field(None, description="Dagordningspunkten där besluten anmäls.")
    limit: int = Field(100, ge=1, le=selectors.DELEGATION_LIST_MAX)
    offset: Offset = 0


class DelegationDecisionIn(Schema):
    case: Id = Field(description="Ärendet där beslutet fattades; beslutet registreras som upprättad handling i det.")
    organ: Id | None = Field(None, description="Nämnden som har delegerat beslutet (kommunallagen 6 kap. 37 §).")
    point: str = Field("", max_length=DELEGATION_POINT_MAX, description="Punkten i delegationsordningen, t.ex. 3.2.")
    summary: str = Field("", max_length=DELEGATION_SUMMARY_MAX, description="Beslutet i korthet.")
    decided_on: IsoDate | None = Field(None, description="Dagen beslutet fattades; inte i framtiden.")
    decided_by: Id | None = Field(None, description="Personen i organisationen som fattade beslutet.")


class DelegationDecisionOut(Schema):
    id: int
    organ: OrganRef
    case_id: int
    diary_number: str
    case_title: str
    document_id: int
    document_reference: str
    point: str
    summary: str = Field(description="Som läsaren får se det: det maskeringsassistenten håller inne (t.ex. en "
                                     "privatpersons namn) är ersatt för den som inte får läsa ärendets interna "
                                     "uppgifter.")
    decided_on: dt.date
    decided_by: PersonRef
    registered_at: dt.datetime
    agenda_item_id: int | None = Field(description="Punkten där beslutet anmäls, när läsaren får se sammanträdet.")
    meeting_id: int | None
    reported_in: DecisionRef | None = Field(description="Paragrafen där anmälan protokollfördes, när läsaren får "
                                                        "se besluten.")
    report: str = Field(description="Var beslutet anmäls eller anmäldes, i ord; tomt när det inte är anmält.")


class DelegationReportOut(Schema):
    agenda_item_id: int
    position: int
    title: str
    added: int = Field(description="Hur många beslut som lades till nu (0: inga nya).")
    delegation_decisions: list[DelegationDecisionOut]


def _out(user, row) -> dict:
    d = row.decision
    item = d.agenda_item if d.agenda_item_id and access.meeting_visible(user, d.agenda_item.meeting) else None
    return {
        "id": d.pk, "organ": organ_ref(d.organ), "case_id": d.case_id,
        "diary_number": d.case.diary_number, "case_title": row.case_title, "document_id": d.document_id,
        "document_reference": f"{d.case.diary_number}-{d.document.number}", "point": d.point, "summary": row.summary,
        "decided_on": d.decided_on,
        "decided_by": person_ref(d.decided_by),
        "registered_at": d.registered_at, "agenda_item_id": item.pk if item else None,
        "meeting_id": item.meeting_id if item else None,
        "reported_in": visible_ref(user, d.reported_in) if d.reported_in_id else None, "report": row.report,
    }


@router.get("/delegation-decisions", response={200: list[DelegationDecisionOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="delegation_decisions", summary="Delegationsbeslut",
            description=("Beslut fattade på delegation från en nämnd, senast fattade först. Läsning utan inloggning "
                         "är tillåten: ett beslut vars handling är sekretessmarkerad visas bara för den som får läsa "
                         "handlingen, och beslutet i korthet visas som läsaren får se det."))
def delegation_decisions(request, filters: Query[DelegationFilters]):
    user = actor(request)
    rows = selectors.delegation_decisions(
        user=user, organ_id=filters.organ, organisation_id=filters.organisation, year=filters.year,
        agenda_item_id=filters.agenda_item, limit=filters.limit, offset=filters.offset)
    return [_out(user, r) for r in rows]


@router.post("/delegation-decisions", response={201: DelegationDecisionOut, **ERRORS}, auth=WRITE,
             url_name="delegation_decision_register")
def delegation_decision_register(request, form: Form[DelegationDecisionIn], file: File[UploadedFile] = None):
    """Register a decision taken under delegation in its case (multipart/form-data;
    `file`, the decision, is optional). Needs the right to register documents
    in the case; every error at once, and nothing is written when one is found."""
    user = actor(request)
    case = referenced(lambda: registry_selectors.case_get(user=user, pk=form.case), "case")
    decision = services.delegation_decision_register(
        actor=user, case=case, organ=people.organ_referenced(form.organ, field="organ"), point=form.point,
        summary=form.summary, decided_on=form.decided_on,
        decided_by=people.person_referenced(form.decided_by, field="decided_by"), file=file)
    return Status(201, _out(user, selectors.delegation_decision_get(user=user, pk=decision.pk)))


@router.post("/meetings/{meeting_id}/delegation-report", response={200: DelegationReportOut, **ERRORS}, auth=WRITE,
             url_name="delegation_report_add")
def delegation_report_add(request, meeting_id: Id):
    """Put the board's delegation decisions not yet reported, decided on or
    before the meeting's day, on its agenda as one item ("Anmälan av
    delegationsbeslut"); again, it adds those registered since to the same
    item. For those who run the board's meetings, until the meeting closes."""
    user = actor(request)
    meeting = access.meeting_manage_get(user=user, pk=meeting_id)
    report = services.delegation_report_add(actor=user, meeting=meeting)
    item = report.item
    return {"agenda_item_id": item.pk, "position": item.position, "title": item.title, "added": report.added,
            "delegation_decisions": [_out(user, r) for r in selectors.delegation_decisions(
                user=user, agenda_item_id=item.pk)]}
