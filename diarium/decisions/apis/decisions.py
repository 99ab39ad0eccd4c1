"""Decisions over JSON: recording one at an open meeting (with its notes,
recipients, a proposal carried forward and assignments), reading, editing and
correcting it, and dispatching the adjusted decision to its recipients. Public
once the minutes are adjusted.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status

from diarium.accounts import selectors as people
from diarium.accounts.sites import require_on_site
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.core.errors import DomainError

from .. import access, selectors, services
from . import serialise
from .schemas import CorrectionIn, DecisionIn, DecisionOut, DecisionUpdateIn, DispatchIn, RetryCount

router = Router(tags=["Sammanträden och beslut"])


def _motion(meeting, payload):
    if payload.motion is None:
        return None
    item = selectors.agenda_item_referenced(meeting=meeting, pk=payload.agenda_item, field="agenda_item")
    if item is None:
        raise DomainError(_("Ett yrkande hör till en punkt: ange punkten."), field="agenda_item")
    return selectors.motion_referenced(item=item, pk=payload.motion, field="motion")


@router.post(
    "/meetings/{meeting_id}/decisions", response={201: DecisionOut, **ERRORS}, auth=WRITE, url_name="decision_record"
)
def decision_record(request, meeting_id: Id, payload: DecisionIn):
    """Record a decision at an open meeting; it gets the organ's next paragraph
    number. A conditional decision is pending until the other organ decides."""
    user = actor(request)
    meeting = selectors.meeting_get(user=actor(request), pk=meeting_id)
    access.require_manage_meetings(user, meeting.organ)
    org = meeting.organisation_id
    recipients = []
    for r in payload.recipients:
        recipients.append(
            services.RecipientInput(
                organ=people.organ_referenced(r.organ, field="recipients", organisation_id=org),
                person=people.person_referenced(r.person, field="recipients", organisation_id=org),
                name=r.name,
                email=r.email,
                kind=r.kind,
            )
        )
    forward = None
    if payload.forward is not None:
        forward = services.ForwardInput(
            organ=people.organ_referenced(payload.forward.organ, field="forward", organisation_id=org),
            text=payload.forward.text,
            condition_organ=people.organ_referenced(
                payload.forward.condition_organ, field="forward", organisation_id=org
            ),
            condition_text=payload.forward.condition_text,
        )
    decision = services.decision_record(
        actor=user,
        meeting=meeting,
        text=payload.text,
        title=payload.title,
        agenda_item=selectors.agenda_item_referenced(meeting=meeting, pk=payload.agenda_item, field="agenda_item"),
        case=selectors.case_referenced(user=user, pk=payload.case, field="case", organisation_id=org),
        outcome=payload.outcome,
        proposal=selectors.proposal_referenced(pk=payload.proposal, field="proposal", organisation_id=org),
        condition_organ=people.organ_referenced(payload.condition_organ, field="condition_organ", organisation_id=org),
        condition_text=payload.condition_text,
        participants=None
        if payload.participants is None
        else [people.person_referenced(pk, field="participants", organisation_id=org) for pk in payload.participants],
        notes=[services.NoteInput(kind=n.kind, text=n.text) for n in payload.notes],
        recipients=recipients,
        forward=forward,
        motion=_motion(meeting, payload),
        assignments=[
            services.AssignmentInput(
                organ=people.organ_referenced(a.organ, field="assignments", organisation_id=org),
                description=a.description,
                deadline=a.deadline,
            )
            for a in payload.assignments
        ],
    )
    return Status(201, serialise.fresh_decision(request, decision.pk))


@router.get(
    "/decisions/{decision_id}", response={200: DecisionOut, **ERRORS}, auth=PUBLIC_READ, url_name="decision_detail"
)
def decision_detail(request, decision_id: Id):
    """A decision ("KS 2018-09-24 § 141") with its status, condition, notes,
    recipients and dispatch state, corrections, references and assignments.
    Public once the minutes are adjusted."""
    user = actor(request)
    decision = selectors.decision_get(user=user, pk=decision_id)
    require_on_site(request, decision.organisation_id)  # an organisation's own site: its decisions only
    return serialise.decision_out(user, decision)


@router.patch("/decisions/{decision_id}", response={200: DecisionOut, **ERRORS}, auth=WRITE, url_name="decision_update")
def decision_update(request, decision_id: Id, payload: DecisionUpdateIn):
    """Edit a decision before the minutes are adjusted; afterwards only a correction."""
    changes = payload.dict(exclude_unset=True)
    services.decision_update(
        actor=actor(request), decision=selectors.decision_get(user=actor(request), pk=decision_id), **changes
    )
    return serialise.fresh_decision(request, decision_id)


@router.post(
    "/decisions/{decision_id}/corrections",
    response={201: DecisionOut, **ERRORS},
    auth=WRITE,
    url_name="decision_correct",
)
def decision_correct(request, decision_id: Id, payload: CorrectionIn):
    """Record a correction (rättelse) of an adjusted decision beside it."""
    services.decision_correct(
        actor=actor(request),
        decision=selectors.decision_get(user=actor(request), pk=decision_id),
        text=payload.text,
        reason=payload.reason,
    )
    return Status(201, serialise.fresh_decision(request, decision_id))


@router.post(
    "/decisions/{decision_id}/dispatch", response={200: DecisionOut, **ERRORS}, auth=WRITE, url_name="decision_dispatch"
)
def decision_dispatch(request, decision_id: Id, payload: DispatchIn | None = None):
    """Dispatch the adjusted decision: the minutes excerpt is registered as an
    outgoing document on the case and e-mailed to each recipient with an address.
    An excerpt going outside the organisation that needs a secrecy review needs
    `secrecy_review_reason` (else 422)."""
    services.decision_dispatch(
        actor=actor(request), decision=selectors.decision_get(user=actor(request), pk=decision_id),
        secrecy_review_reason=payload.secrecy_review_reason if payload else "",
    )
    return serialise.fresh_decision(request, decision_id)


@router.post(
    "/decisions/{decision_id}/dispatch/retry",
    response={200: RetryCount, **ERRORS},
    auth=WRITE,
    url_name="decision_dispatch_retry",
)
def decision_dispatch_retry(request, decision_id: Id, payload: DispatchIn | None = None):
    """Queue again the e-mails that could not be sent. An excerpt marked secret
    since, going outside the organisation, needs `secrecy_review_reason` (else 422)."""
    return {
        "count": services.dispatch_retry(
            actor=actor(request), decision=selectors.decision_get(user=actor(request), pk=decision_id),
            secrecy_review_reason=payload.secrecy_review_reason if payload else "",
        )
    }
