"""Writes for decisions: recording one on an agenda item (its paragraph number,
notes, recipients, assignments and what it forwards), changing it until the
minutes are adjusted, and correcting it afterwards. Also the citations of
earlier decisions in a text and the organ's paragraph counter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Person
from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.limits import check_lengths
from diarium.registry import services as registry
from diarium.registry.models import Case, PartyKind

from .. import access
from ..events import DecisionEvent
from ..models import (
    ASSIGNMENT_TEXT_MAX,
    CONDITION_TEXT_MAX,
    CORRECTION_REASON_MAX,
    DECISION_TEXT_MAX,
    NOTE_TEXT_MAX,
    TITLE_MAX,
    AgendaItem,
    Assignment,
    Correction,
    Decision,
    DecisionNote,
    DecisionRecipient,
    Meeting,
    Minutes,
    Motion,
    ParagraphCounter,
    Proposal,
)
from ..references import REFERENCE
from .council import council_matters_answered
from .delegation import delegation_decisions_reported
from .minutes import minutes_draft_withdraw
from .shared import errors_raise, length_errors_add, meeting_locked, user_or_none


def references_in(text: str, *, organisation_id: int) -> list[Decision]:
    """Decisions named in a text as "KF 2017-12-13 § 251" that exist."""
    found = []
    for code, day, paragraph in REFERENCE.findall(text or ""):
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            continue
        decision = Decision.objects.filter(organisation_id=organisation_id, organ__code=code, meeting__date=date,
                                           paragraph=int(paragraph)).first()
        if decision is not None and decision not in found:
            found.append(decision)
    return found


def _next_paragraph(organ: Organ, year: int) -> int:
    table = ParagraphCounter._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE organ_id = %s AND year = %s RETURNING last"
    number = registry.counter_increment(sql, [organ.pk, year])
    if number is None:
        ParagraphCounter.objects.get_or_create(organ=organ, year=year)
        number = registry.counter_increment(sql, [organ.pk, year])
    return number


@transaction.atomic
def paragraph_counter_set(*, actor, organ: Organ, year: int, last: int) -> ParagraphCounter:
    """Move an organ's paragraph numbering forward, e.g. when the register takes
    over from minutes kept elsewhere: the next decision of `year` gets `last` + 1.
    Paragraphs are never reused, so the counter only moves forward. When the
    organisation numbers on without a yearly restart, `year` is ignored."""
    if not access.can_set_paragraphs(actor, organ):
        raise PermissionDenied(_("Bara en administratör kan ändra paragrafnumreringen."))
    if not isinstance(last, int) or last < 0:
        raise DomainError(_("Ange ett paragrafnummer (0 eller mer)."), field="last")
    key = year if organ.organisation.paragraphs_restart_yearly else 0
    counter, _created = ParagraphCounter.objects.select_for_update().get_or_create(organ=organ, year=key)
    if last < counter.last:
        raise DomainError(
            _("%(organ)s har redan nått § %(last)s; paragrafnummer kan inte återanvändas.")
            % {"organ": organ.code, "last": counter.last},
            field="last",
        )
    counter.last = last
    counter.save(update_fields=["last"])
    return counter


@dataclass
class NoteInput:
    kind: str
    text: str


@dataclass
class RecipientInput:
    """An organ or a person of the organisation (named by them), or a name typed
    in ("other recipient") with what the secretary says it is (`kind`, a
    PartyKind: left "auto", a name nobody knows as an organisation is a private
    person's, which the public never sees)."""

    organ: Organ | None = None
    person: Person | None = None
    name: str = ""
    email: str = ""
    kind: str = PartyKind.AUTO


@dataclass
class AssignmentInput:
    organ: Organ
    description: str
    deadline: dt.date | None = None


@dataclass
class ForwardInput:
    """The decision proposes that another organ decide (KS föreslår KF …)."""

    organ: Organ
    text: str
    condition_organ: Organ | None = None
    condition_text: str = ""


def _recipients_checked(organisation_id: int, items: Sequence[RecipientInput]) -> list[RecipientInput]:
    checked, problems = [], []
    for item in items:
        name = (item.name or (item.organ.name if item.organ else "") or (item.person.name if item.person else ""))
        email = (item.email or (item.organ.email if item.organ else "") or (item.person.email if item.person else ""))
        name, email = name.strip(), email.strip()
        if not name:
            problems.append(_("En mottagare saknar namn."))
            continue
        if item.kind not in PartyKind.values:
            problems.append(_("Välj om %(name)s är en privatperson, en organisation eller ska avgöras automatiskt.")
                            % {"name": name})
            continue
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("%(name)s har en ogiltig e-postadress.") % {"name": name})
                continue
        checked.append(RecipientInput(organ=item.organ, person=item.person, name=name[:300], email=email,
                                      kind=item.kind))
    if problems:
        raise DomainError(problems[0], errors={"recipients": problems})
    return checked


def decision_record(
    *, actor, meeting: Meeting, text: str, title: str = "", agenda_item: AgendaItem | None = None,
    case: Case | None = None, outcome: str = Decision.Outcome.ADOPTED, proposal: Proposal | None = None,
    condition_organ: Organ | None = None, condition_text: str = "", participants: Sequence[Person] | None = None,
    notes: Sequence[NoteInput] = (), recipients: Sequence[RecipientInput] = (),
    forward: ForwardInput | None = None, assignments: Sequence[AssignmentInput] = (),
    motion: Motion | None = None, now: dt.datetime | None = None,
) -> Decision:
    """Record a decision at an open meeting. It gets the organ's next paragraph
    number for the year; a conditional decision waits for its condition; a
    decision that meets or fails another's condition makes it effective or void.
    Where the item was put to a vote, the decision is the motion that won it
    (its text unless another is written); otherwise `motion` names the motion
    the chair found adopted, if any."""
    from ..selectors import item_result

    access.require_manage_meetings(actor, meeting.organ)
    now = now or timezone.now()
    if agenda_item is not None:
        if agenda_item.meeting_id != meeting.pk:
            raise DomainError(_("Punkten hör till ett annat sammanträde."), field="agenda_item")
        case = case or agenda_item.case
        proposal = proposal or agenda_item.proposal
    errors: dict[str, list[str]] = {}
    if agenda_item is not None:
        won, vote_errors = item_result(agenda_item)
        if vote_errors:
            errors["votes"] = vote_errors
        elif motion is None:
            motion = won
        elif won is not None and motion.pk != won.pk:
            errors["motion"] = [_("Beslutet ska följa omröstningens utfall.")]
    if motion is not None and (agenda_item is None or motion.item_id != agenda_item.pk):
        errors["motion"] = [_("Yrkandet hör inte till punkten.")]
    if not (text or "").strip() and motion is not None and "motion" not in errors:
        text = motion.text
    title, text = (title or (agenda_item.title if agenda_item else "")).strip(), (text or "").strip()
    if not title:
        errors["title"] = [_("Ange en rubrik för paragrafen.")]
    if not text:
        errors["text"] = [_("Skriv beslutet.")]
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = [_("Välj bifall, bifall med ändring, avslag, återremiss, bordläggning eller noteras.")]
    if condition_organ is not None and case is None:
        errors["condition_organ"] = [_("Ett villkorat beslut måste höra till ett ärende.")]
    if case is not None and case.organisation_id != meeting.organisation_id:
        errors["case"] = [_("Ärendet hör till en annan organisation.")]
    for note in notes:
        if note.kind not in DecisionNote.Kind.values:
            errors["notes"] = [_("Okänd anteckningstyp.")]
    for a in assignments:
        if not (a.description or "").strip():
            errors["assignments"] = [_("Beskriv uppdraget.")]
        length_errors_add(errors, {"assignments": ((a.description or "").strip(), ASSIGNMENT_TEXT_MAX)})
    length_errors_add(errors, {"title": (title, TITLE_MAX), "text": (text, DECISION_TEXT_MAX),
                       "condition_text": ((condition_text or "").strip(), CONDITION_TEXT_MAX)})
    for note in notes:
        length_errors_add(errors, {"notes": ((note.text or "").strip(), NOTE_TEXT_MAX)})
    if forward is not None:
        length_errors_add(errors, {"forward": ((forward.text or "").strip(), DECISION_TEXT_MAX)})
        length_errors_add(errors, {"forward": ((forward.condition_text or "").strip(), CONDITION_TEXT_MAX)})
    named_organs = [condition_organ, *(r.organ for r in recipients), *(a.organ for a in assignments),
                    forward.organ if forward else None, forward.condition_organ if forward else None]
    named_people = [*(participants or ()), *(r.person for r in recipients)]
    if any(o is not None and o.organisation_id != meeting.organisation_id for o in named_organs) or \
            any(p is not None and p.organisation_id != meeting.organisation_id for p in named_people):
        errors["organisation"] = [_("Organ och personer i beslutet måste höra till samma organisation.")]
    errors_raise(errors)
    checked = _recipients_checked(meeting.organisation_id, recipients)
    recipients_private = [access.recipient_is_private(organ=r.organ, person=r.person, name=r.name, kind=r.kind,
                                                      organisation_id=meeting.organisation_id) for r in checked]

    with transaction.atomic():
        meeting = meeting_locked(meeting)
        if meeting.status != Meeting.Status.OPENED:
            if meeting.status == Meeting.Status.ADJUSTED:
                raise DomainError(_("Protokollet är justerat. Beslut kan inte läggas till."))
            raise DomainError(_("Sammanträdet är inte öppnat. Öppna det innan beslut protokollförs."))
        restart = meeting.organisation.paragraphs_restart_yearly
        year = meeting.date.year
        paragraph = _next_paragraph(meeting.organ, year if restart else 0)
        decision = Decision.objects.create(
            organisation_id=meeting.organisation_id, organ=meeting.organ, meeting=meeting, agenda_item=agenda_item,
            case=case, year=year if restart else 0, paragraph=paragraph, title=title, text=text,
            outcome=outcome, proposal=proposal, motion=motion,
            status=Decision.Status.PENDING if condition_organ else Decision.Status.EFFECTIVE,
            condition_organ=condition_organ, condition_text=(condition_text or "")[:500], recorded_at=now,
            recorded_by=user_or_none(actor),
        )
        if participants is None:
            from .. import selectors

            participants = selectors.deciding(meeting, agenda_item)
        decision.participants.set(list(participants))
        decision.references.set(references_in(text, organisation_id=meeting.organisation_id))
        DecisionNote.objects.bulk_create([
            DecisionNote(decision=decision, position=i, kind=n.kind, text=n.text.strip())
            for i, n in enumerate(notes, start=1) if (n.text or "").strip()
        ])
        DecisionRecipient.objects.bulk_create([
            DecisionRecipient(decision=decision, position=i, organ=r.organ, person=r.person, name=r.name,
                              email=r.email, kind=r.kind, is_private=private)
            for i, (r, private) in enumerate(zip(checked, recipients_private, strict=True), start=1)
        ])
        for a in assignments:
            Assignment.objects.create(decision=decision, organ=a.organ, description=a.description.strip(),
                                      deadline=a.deadline)
        if forward is not None and (forward.text or "").strip() and case is not None:
            Proposal.objects.create(organ=forward.organ, case=case, text=forward.text.strip(), from_decision=decision,
                                    condition_organ=forward.condition_organ,
                                    condition_text=(forward.condition_text or "")[:500])
        if case is not None:
            registry.event_append(case=case, kind=DecisionEvent.DECISION_RECORDED, actor=actor, at=now, data={
                "decision": decision.pk, "details": f"{decision.reference} {decision.title}"[:300],
            })
            _resolve_conditions(decision, now)
            council_matters_answered(decision, actor=actor, now=now)
        delegation_decisions_reported(decision, actor=actor, now=now)
        return decision


def _resolve_conditions(decision: Decision, now: dt.datetime) -> None:
    """A decision of organ X on a case settles the pending decisions on the same
    case that wait for X: adopted makes them effective, rejected makes them void.
    Referral back or postponement leaves them pending."""
    if decision.outcome in (Decision.Outcome.ADOPTED, Decision.Outcome.AMENDED):
        status = Decision.Status.EFFECTIVE
    elif decision.outcome == Decision.Outcome.REJECTED:
        status = Decision.Status.VOID
    else:
        return
    waiting = Decision.objects.select_for_update().filter(
        case=decision.case, condition_organ=decision.organ, status=Decision.Status.PENDING,
    ).exclude(pk=decision.pk).select_related("organ", "meeting")
    for pending in waiting:
        pending.status = status
        pending.condition_decision = decision
        pending.status_changed_at = now
        pending.save(update_fields=["status", "condition_decision", "status_changed_at"])
        registry.event_append(
            case=decision.case,
            kind=DecisionEvent.DECISION_EFFECTIVE if status == Decision.Status.EFFECTIVE else DecisionEvent.DECISION_VOID,
            actor=None, at=now, data={"decision": pending.pk, "details": _("%(pending)s genom %(by)s") % {
                "pending": pending.reference, "by": decision.reference}},
        )


def decision_adjusted(decision: Decision) -> bool:
    return Minutes.objects.filter(meeting_id=decision.meeting_id, adjusted_at__isnull=False).exists()


@transaction.atomic
def decision_update(*, actor, decision: Decision, title: str | None = None, text: str | None = None,
                    outcome: str | None = None) -> Decision:
    """Edit a decision before the minutes are adjusted; afterwards only a correction."""
    access.require_manage_meetings(actor, decision.organ)
    decision = Decision.objects.select_for_update(of=("self",)).select_related("organ", "meeting").get(pk=decision.pk)
    if decision_adjusted(decision):
        raise DomainError(_("Protokollet är justerat. Beslutet kan inte ändras, bara rättas med en protokollförd rättelse."))
    check_lengths({"title": ((title or "").strip(), TITLE_MAX), "text": ((text or "").strip(), DECISION_TEXT_MAX)})
    if title is not None:
        decision.title = title.strip() or decision.title
    if text is not None:
        if not text.strip():
            raise DomainError(_("Skriv beslutet."), field="text")
        decision.text = text.strip()
        decision.references.set(references_in(decision.text, organisation_id=decision.organisation_id))
    if outcome is not None:
        if outcome not in Decision.Outcome.values:
            raise DomainError(_("Okänt utfall."), field="outcome")
        decision.outcome = outcome
    decision.save(update_fields=["title", "text", "outcome"])
    minutes_draft_withdraw(decision.meeting)
    return decision


@transaction.atomic
def decision_correct(*, actor, decision: Decision, text: str, reason: str, now: dt.datetime | None = None) -> Correction:
    """Correct an adjusted decision ("rättelse"): recorded beside it, never in place."""
    access.require_manage_meetings(actor, decision.organ)
    text, reason = (text or "").strip(), (reason or "").strip()
    errors = {}
    if not text:
        errors["text"] = [_("Skriv rättelsen.")]
    if not reason:
        errors["reason"] = [_("Ange skälet till rättelsen.")]
    length_errors_add(errors, {"text": (text, DECISION_TEXT_MAX), "reason": (reason, CORRECTION_REASON_MAX)})
    errors_raise(errors)
    if not decision_adjusted(decision):
        raise DomainError(_("Protokollet är inte justerat; ändra beslutet i stället."))
    now = now or timezone.now()
    correction = Correction.objects.create(decision=decision, text=text, reason=reason, at=now,
                                           by_name=registry.actor_name(actor))
    if decision.case_id:
        registry.event_append(case=decision.case, kind=DecisionEvent.DECISION_CORRECTED, actor=actor, at=now,
                              data={"decision": decision.pk, "details": f"{decision.reference}: {reason}"[:300]})
    return correction
