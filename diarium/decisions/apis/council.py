"""The council's motions, interpellations, questions and citizen proposals over
JSON: the list with the day each is to be answered by, registering one, and
recording an interpellation's or a question's answer."""

from __future__ import annotations

from django.utils import timezone
from ninja import Router, Status

from diarium.accounts import selectors as people
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.registry import selectors as registry_selectors

from .. import selectors, services
from ..schemas import visible_ref
from .schemas import CouncilMatterAnswerIn, CouncilMatterIn, CouncilMatterOut

router = Router(tags=["Sammanträden och beslut"])


def _out(user, row) -> dict:
    m = row.matter
    return {"id": m.pk, "kind": m.kind, "kind_label": str(m.get_kind_display()), "case_id": m.case_id,
            "diary_number": m.case.diary_number, "title": row.title, "submitted_on": m.submitted_on,
            "mover": m.mover.name if m.mover_id else None,
            "addressed_to": m.addressed_to.name if m.addressed_to_id else None, "due": row.due,
            "overdue": row.overdue, "answered_on": m.answered_on,
            "answer_decision": visible_ref(user, m.answer_decision)}


def _rows(request, organ, *, unanswered: bool = False, pk: int | None = None):
    return selectors.council_matters(user=actor(request), organ=organ, today=timezone.localdate(),
                                     unanswered=unanswered, pk=pk)


@router.get("/organs/{organ_id}/council-matters", response={200: list[CouncilMatterOut], **ERRORS},
            auth=PUBLIC_READ, url_name="council_matters")
def council_matters(request, organ_id: Id, unanswered: bool = False):
    """The council's matters, oldest first; `unanswered` lists only those still waiting for an answer."""
    organ = people.organ_get(pk=organ_id)
    return [_out(actor(request), r) for r in _rows(request, organ, unanswered=unanswered)]


@router.post("/organs/{organ_id}/council-matters", response={201: CouncilMatterOut, **ERRORS}, auth=WRITE,
             url_name="council_matter_register")
def council_matter_register(request, organ_id: Id, payload: CouncilMatterIn):
    """Register a motion, interpellation, question or citizen proposal as a case of the council."""
    user = actor(request)
    organ = people.organ_get(pk=organ_id)
    org = organ.organisation_id
    matter = services.council_matter_register(
        actor=user, organ=organ, kind=payload.kind, title=payload.title, submitted_on=payload.submitted_on,
        mover=people.person_referenced(payload.mover, field="mover", organisation_id=org),
        addressed_to=people.person_referenced(payload.addressed_to, field="addressed_to", organisation_id=org),
        submitter=payload.submitter,
        classification=registry_selectors.classification_referenced(pk=payload.classification))
    [row] = _rows(request, organ, pk=matter.pk)
    return Status(201, _out(user, row))


@router.post("/council-matters/{matter_id}/answer", response={200: CouncilMatterOut, **ERRORS}, auth=WRITE,
             url_name="council_matter_answer")
def council_matter_answer(request, matter_id: Id, payload: CouncilMatterAnswerIn):
    """Record that an interpellation or a question was answered at a council meeting."""
    user = actor(request)
    matter = selectors.council_matter_get(pk=matter_id)
    meeting = selectors.meeting_referenced(user=user, pk=payload.meeting, field="meeting")
    services.council_matter_answer(actor=user, matter=matter, meeting=meeting)
    [row] = _rows(request, matter.organ, pk=matter.pk)
    return _out(user, row)
