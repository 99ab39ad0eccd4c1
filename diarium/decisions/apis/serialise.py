"""Turning the decisions app's rows, as the selectors give them, into the dicts
of the API's schemas: a meeting with its agenda, attendance and minutes, a
decision with its notes, recipients, corrections and assignments. What the
reader may see is decided by the selectors and access.py; here only whether
staff-only fields are filled in.
"""

from __future__ import annotations

from diarium.core.api.auth import actor

from .. import access, selectors
from ..models import Assignment, Decision, Meeting
from ..schemas import (
    agenda_item_out,
    decision_ref,
    organ_ref,
    person_ref,
    proposal_out,
    visible_ref,
    visible_refs,
)


def decision_list_item(d: Decision) -> dict:
    return {
        "id": d.pk, "reference": d.reference, "organ": organ_ref(d.organ), "meeting_id": d.meeting_id,
        "meeting_date": d.meeting.date, "year": d.year, "paragraph": d.paragraph, "title": d.title,
        "outcome": d.outcome, "outcome_label": str(d.get_outcome_display()), "status": d.status,
        "status_label": str(d.get_status_display()), "case_id": d.case_id,
        "diary_number": d.case.diary_number if d.case_id else None, "agenda_item_id": d.agenda_item_id,
    }


def meeting_list_item(m: Meeting) -> dict:
    return {
        "id": m.pk, "organisation_id": m.organisation_id, "organ": organ_ref(m.organ), "date": m.date,
        "start_time": m.start_time, "end_time": m.end_time, "place": m.place, "status": m.status,
        "status_label": str(m.get_status_display()), "notice_published_at": m.notice_published_at,
        "opened_at": m.opened_at, "closed_at": m.closed_at,
    }


def meeting_out(user, meeting: Meeting) -> dict:
    show = access.decisions_visible(user, meeting)
    minutes = selectors.minutes_for(meeting) if show else None
    out = meeting_list_item(meeting)
    out.update({
        "chair": person_ref(meeting.chair), "secretary": person_ref(meeting.secretary),
        "adjusters": [person_ref(p) for p in selectors.meeting_adjusters(meeting)],
        "attendance": [{
            "person": person_ref(a.person), "role": a.role, "role_label": str(a.get_role_display()),
            "present": a.present if show else None, "replaces_id": a.replaces_id,
        } for a in selectors.meeting_attendance(meeting)],
        "items": [agenda_item_out(user, row) for row in selectors.agenda(meeting=meeting, user=user)],
        "decisions_visible": show,
        "decisions": [decision_list_item(d) for d in selectors.meeting_decisions(user=user, meeting=meeting)],
        "minutes": None if minutes is None else {
            "adjusted": minutes.adjusted, "adjusted_at": minutes.adjusted_at, "posted_on": minutes.posted_on,
            "take_down_on": minutes.take_down_on, "appeal_ends_on": minutes.appeal_ends_on,
            "signatures": [{"person": person_ref(s.person), "role": s.role, "role_label": str(s.get_role_display()),
                            "signed_at": s.signed_at, "method": s.method} for s in minutes.signatures.all()],
        },
        "can_manage": access.can_manage_meetings(user, meeting.organ),
    })
    return out


def fresh_meeting(request, meeting_id: int) -> dict:
    user = actor(request)
    return meeting_out(user, selectors.meeting_get(user=user, pk=meeting_id))


def assignment_out(user, a: Assignment) -> dict:
    return {
        "id": a.pk, "decision": decision_ref(a.decision), "organ": organ_ref(a.organ),
        "description": a.description, "deadline": a.deadline, "status": a.status,
        "status_label": str(a.get_status_display()), "answering_case_id": a.answering_case_id,
        "answering_diary_number": a.answering_case.diary_number if a.answering_case_id else None,
        "done_at": a.done_at,
        "done_by_decision": visible_ref(user, a.done_by_decision) if a.done_by_decision_id else None,
    }


def decision_out(user, d: Decision) -> dict:
    staff = access.can_read_internal(user, d.organ)
    names_visible = access.recipient_names_visible(user, d)
    minutes = selectors.minutes_for(d.meeting)
    out = decision_list_item(d)
    out.update({
        "text": d.text,
        "proposal": proposal_out(user, d.proposal) if d.proposal_id else None,
        "condition_organ": organ_ref(d.condition_organ), "condition_text": d.condition_text,
        "condition_decision": visible_ref(user, d.condition_decision) if d.condition_decision_id else None,
        "status_changed_at": d.status_changed_at,
        "conditions_met": visible_refs(user, d.conditions_met.all()),
        "participants": [person_ref(p) for p in sorted(d.participants.all(), key=lambda p: (p.name, p.pk))],
        "notes": [{"position": n.position, "kind": n.kind, "kind_label": str(n.get_kind_display()), "text": n.text}
                  for n in d.notes.all()],
        "recipients": [{
            "id": r.pk, "position": r.position, "name": access.recipient_shown_name(r, read_internal=names_visible),
            "is_private": r.is_private, "kind": r.kind if staff else None,
            "organ_id": r.organ_id, "person_id": r.person_id,
            "email": r.email if staff else None, "state": r.state, "state_label": str(r.get_state_display()),
            "error": r.error if staff else None, "sent_at": r.sent_at, "excerpt_document_id": r.excerpt_document_id,
        } for r in d.recipients.all()],
        "corrections": [{"text": c.text, "reason": c.reason, "at": c.at, "by_name": c.by_name}
                        for c in d.corrections.all()],
        "references": visible_refs(user, d.references.all()),
        "referenced_by": visible_refs(user, d.referenced_by.all()),
        "assignments": [assignment_out(user, a) for a in d.assignments.all()],
        "forwarded_proposals": [proposal_out(user, p) for p in selectors.forwarded_proposals(d)],
        "recorded_at": d.recorded_at,
        "adjusted": bool(minutes and minutes.adjusted),
        "adjusted_at": minutes.adjusted_at if minutes else None,
        "appeal_ends_on": minutes.appeal_ends_on if minutes else None,
        "can_manage": access.can_manage_meetings(user, d.organ),
    })
    return out


def fresh_decision(request, decision_id: int) -> dict:
    user = actor(request)
    return decision_out(user, selectors.decision_get(user=user, pk=decision_id))


def membership_out(m) -> dict:
    return {"id": m.pk, "organ_id": m.organ_id, "person": person_ref(m.person), "role": m.role,
            "role_label": str(m.get_role_display()), "party": m.party, "start": m.start, "end": m.end,
            "substitute_order": m.substitute_order}


def item_handling_out(user, item) -> dict:
    """An item's motions and votes as this reader may see them (selectors.item_handling)."""
    h = selectors.item_handling(user=user, item=item, with_deciding=True)
    return {
        "item": item.pk,
        "motions": [{"id": m.pk, "position": m.position, "mover": m.mover.name if m.mover_id else None,
                     "text": m.text} for m in h.motions],
        "votes": [{"id": v.pk, "position": v.position, "kind": v.kind, "yes_motion": v.yes_motion_id,
                   "no_motion": v.no_motion_id, "open": v.is_open, "yes": v.yes, "no": v.no, "abstain": v.abstain,
                   "winner": v.winner_id, "decided_by": v.decided_by,
                   "ballots": [{"person": b.person.name, "choice": b.choice} for b in v.ballots.all()]}
                  for v in h.votes],
        "won": h.won.pk if h.won else None,
        "deciding": [person_ref(p) for p in h.deciding],
    }
