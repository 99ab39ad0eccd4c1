"""Meetings over JSON: listing and planning them, the agenda, the notice,
opening and closing, attendance and the signatures that adjust the minutes.
The public sees a meeting once its notice is published; what of it they see is
decided by the selectors.
"""

from __future__ import annotations

from ninja import Query, Router, Status

from diarium.accounts import selectors as people
from diarium.accounts.sites import require_on_site, site_organisation_id
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id

from .. import access, selectors, services
from ..schemas import agenda_item_out, agenda_row
from . import serialise
from .schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AttendanceIn,
    ConflictIn,
    MeetingFilters,
    MeetingIn,
    MeetingListItem,
    MeetingOut,
    MoveIn,
    SignatureIn,
)

router = Router(tags=["Sammanträden och beslut"])


@router.get("/meetings", response={200: list[MeetingListItem], **ERRORS}, auth=PUBLIC_READ, url_name="meeting_list")
def meeting_list(request, filters: Query[MeetingFilters]):
    """Meetings, newest first: the public sees those whose notice is published."""
    organ = people.organ_referenced(filters.organ, field="organ")
    meetings = selectors.meeting_list(
        user=actor(request),
        organ=organ,
        organisation_id=site_organisation_id(request, filters.organisation),
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return [serialise.meeting_list_item(m) for m in meetings]


@router.post("/meetings", response={201: MeetingOut, **ERRORS}, auth=WRITE, url_name="meeting_create")
def meeting_create(request, payload: MeetingIn):
    """Plan a meeting; its members and substitutes come from the organ's memberships on the day."""
    user = actor(request)
    organ = people.organ_referenced(payload.organ, field="organ")
    access.require_manage_meetings(user, organ)
    org = organ.organisation_id
    meeting = services.meeting_create(
        actor=user,
        organ=organ,
        date=payload.date,
        start_time=payload.start_time,
        end_time=payload.end_time,
        place=payload.place,
        chair=people.person_referenced(payload.chair, field="chair", organisation_id=org),
        secretary=people.person_referenced(payload.secretary, field="secretary", organisation_id=org),
        adjusters=[people.person_referenced(pk, field="adjusters", organisation_id=org) for pk in payload.adjusters],
    )
    return Status(201, serialise.fresh_meeting(request, meeting.pk))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS}, auth=PUBLIC_READ, url_name="meeting_detail")
def meeting_detail(request, meeting_id: Id):
    """A meeting with attendance, the agenda with its supporting documents and,
    where visible, its decisions and the minutes (adjustment, posting, appeal period)."""
    user = actor(request)
    meeting = selectors.meeting_get(user=user, pk=meeting_id)
    require_on_site(request, meeting.organisation_id)  # an organisation's own site: its meetings only
    return serialise.meeting_out(user, meeting)


@router.post(
    "/meetings/{meeting_id}/items", response={201: AgendaItemOut, **ERRORS}, auth=WRITE, url_name="agenda_item_add"
)
def agenda_item_add(request, meeting_id: Id, payload: AgendaItemIn):
    """Put a matter on the agenda with the documents it rests on."""
    user = actor(request)
    meeting = selectors.meeting_get(user=actor(request), pk=meeting_id)
    access.require_manage_meetings(user, meeting.organ)
    org = meeting.organisation_id
    item = services.agenda_item_add(
        actor=user,
        meeting=meeting,
        title=payload.title,
        case=selectors.case_referenced(user=user, pk=payload.case, field="case", organisation_id=org),
        proposal=selectors.proposal_referenced(pk=payload.proposal, field="proposal", organisation_id=org),
        documents=selectors.documents_referenced(payload.documents),
        secrecy_review_reason=payload.secrecy_review_reason,
    )
    return Status(201, agenda_row(user, item))


@router.post(
    "/meetings/{meeting_id}/items/{item_id}/move",
    response={200: list[AgendaItemOut], **ERRORS},
    auth=WRITE,
    url_name="agenda_item_move",
)
def agenda_item_move(request, meeting_id: Id, item_id: Id, payload: MoveIn):
    """Move an item one step up or down; the agenda in its new order."""
    user = actor(request)
    meeting = selectors.meeting_get(user=actor(request), pk=meeting_id)
    services.agenda_item_move(
        actor=user,
        item=selectors.agenda_item_referenced(meeting=meeting, pk=item_id, field=None),
        up=payload.direction == "up",
    )
    return [agenda_item_out(user, row) for row in selectors.agenda(meeting=meeting, user=user)]


@router.post(
    "/meetings/{meeting_id}/publish-notice",
    response={200: MeetingOut, **ERRORS},
    auth=WRITE,
    url_name="meeting_publish_notice",
)
def meeting_publish_notice(request, meeting_id: Id):
    """Publish the notice (kallelse): e-mailed to members and substitutes; the
    agenda and its public documents become public."""
    services.meeting_publish_notice(
        actor=actor(request), meeting=selectors.meeting_get(user=actor(request), pk=meeting_id)
    )
    return serialise.fresh_meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/open", response={200: MeetingOut, **ERRORS}, auth=WRITE, url_name="meeting_open")
def meeting_open(request, meeting_id: Id):
    services.meeting_open(actor=actor(request), meeting=selectors.meeting_get(user=actor(request), pk=meeting_id))
    return serialise.fresh_meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/close", response={200: MeetingOut, **ERRORS}, auth=WRITE, url_name="meeting_close")
def meeting_close(request, meeting_id: Id):
    """Close the meeting; the minutes then wait for the chair and the adjusters."""
    services.meeting_close(actor=actor(request), meeting=selectors.meeting_get(user=actor(request), pk=meeting_id))
    return serialise.fresh_meeting(request, meeting_id)


@router.put(
    "/meetings/{meeting_id}/attendance", response={200: MeetingOut, **ERRORS}, auth=WRITE, url_name="meeting_attendance"
)
def meeting_attendance(request, meeting_id: Id, payload: AttendanceIn):
    """Who was present: the persons listed; everyone else called is marked absent."""
    services.attendance_set(
        actor=actor(request),
        meeting=selectors.meeting_get(user=actor(request), pk=meeting_id),
        present_ids=payload.present,
    )
    return serialise.fresh_meeting(request, meeting_id)


@router.post(
    "/meetings/{meeting_id}/conflicts", response={201: MeetingOut, **ERRORS}, auth=WRITE, url_name="conflict_declare"
)
def conflict_declare(request, meeting_id: Id, payload: ConflictIn):
    """A member declares a conflict of interest (jäv) in an item and takes no part in it; the next substitute
    in the order of service who is present and not serving takes the seat for that item."""
    user = actor(request)
    meeting = selectors.meeting_get(user=user, pk=meeting_id)
    item = selectors.agenda_item_referenced(meeting=meeting, pk=payload.item, field="item")
    services.conflict_declare(actor=user, meeting=meeting, item=item,
                              person=people.person_referenced(payload.person, field="person",
                                                              organisation_id=meeting.organisation_id))
    return Status(201, serialise.fresh_meeting(request, meeting_id))


@router.post(
    "/meetings/{meeting_id}/minutes/signatures",
    response={201: MeetingOut, **ERRORS},
    auth=WRITE,
    url_name="minutes_sign",
)
def minutes_sign(request, meeting_id: Id, payload: SignatureIn):
    """Record the chair's or an adjuster's approval of the minutes. With the last
    one the minutes are adjusted and posted; the appeal period starts."""
    user = actor(request)
    meeting = selectors.meeting_get(user=actor(request), pk=meeting_id)
    access.require_manage_meetings(user, meeting.organ)
    services.minutes_sign(
        actor=user,
        meeting=meeting,
        person=people.person_referenced(payload.person, field="person", organisation_id=meeting.organisation_id),
        role=payload.role,
        posted_on=payload.posted_on,
    )
    return Status(201, serialise.fresh_meeting(request, meeting_id))
