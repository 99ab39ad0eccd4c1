"""The digital adjustment of the minutes over JSON: the secretary draws them up
for adjustment; the chair and the adjusters, each with their own login (token),
sign them or comment. The last signature adjusts them."""

from __future__ import annotations

from ninja import Router, Status

from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id

from .. import access, selectors, services
from .schemas import MinutesCommentIn, MinutesSigningOut

router = Router(tags=["Sammanträden och beslut"])


def _signing_out(meeting) -> dict:
    state = selectors.signing_state(meeting=meeting)
    minutes = state.minutes
    return {"meeting": meeting.pk, "draft_version": minutes.draft_version, "adjusted": minutes.adjusted,
            "signed": [{"person": s.person.name, "role": s.role, "signed_at": s.signed_at, "method": s.method}
                       for s in state.signed],
            "waiting_for": state.waiting_for}


@router.post("/meetings/{meeting_id}/minutes/prepare", response={201: MinutesSigningOut, **ERRORS}, auth=WRITE,
             url_name="minutes_prepare")
def minutes_prepare(request, meeting_id: Id):
    """Draw the closed meeting's minutes up for adjustment (a new version each time)."""
    user = actor(request)
    meeting = access.meeting_manage_get(user=user, pk=meeting_id)
    services.minutes_prepare(actor=user, meeting=meeting)
    return Status(201, _signing_out(meeting))


@router.post("/meetings/{meeting_id}/minutes/approve", response={201: MinutesSigningOut, **ERRORS}, auth=WRITE,
             url_name="minutes_approve")
def minutes_approve(request, meeting_id: Id):
    """The chair or an adjuster signs the minutes out for signing, as themself."""
    user = actor(request)
    view = selectors.signing(user=user, pk=meeting_id)
    services.minutes_approve(actor=user, meeting=view.meeting)
    return Status(201, _signing_out(view.meeting))


@router.post("/meetings/{meeting_id}/minutes/comments", response={201: MinutesSigningOut, **ERRORS}, auth=WRITE,
             url_name="minutes_comment")
def minutes_comment(request, meeting_id: Id, payload: MinutesCommentIn):
    """The chair or an adjuster comments on the minutes instead of signing."""
    user = actor(request)
    view = selectors.signing(user=user, pk=meeting_id)
    services.minutes_comment(actor=user, meeting=view.meeting, text=payload.text)
    return Status(201, _signing_out(view.meeting))
