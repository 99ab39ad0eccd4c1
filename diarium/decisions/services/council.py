"""Writes for the council's own matters: motions, interpellations, questions
and citizen proposals, each registered as its own case with the incoming
document, and followed to its answer (kommunallagen 4 kap. 19-20 §§, 5 kap.
22, 35, 59-64 §§, 8 kap. 1 §)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Person
from diarium.core.errors import DomainError
from diarium.registry import services as registry
from diarium.registry.models import CASE_TITLE_MAX, Classification

from .. import access
from ..events import DecisionEvent
from ..models import CouncilMatter, Decision, Meeting, Membership
from .shared import errors_raise, length_errors_add, user_or_none

MEMBERS_KINDS = (CouncilMatter.Kind.MOTION, CouncilMatter.Kind.INTERPELLATION, CouncilMatter.Kind.QUESTION)


def council_matter_register(
    *, actor, organ: Organ, kind: str, title: str, submitted_on: dt.date | None, mover: Person | None = None,
    addressed_to: Person | None = None, submitter: str = "", files: Sequence = (), now: dt.datetime | None = None,
    classification: Classification | None = None,
) -> CouncilMatter:
    """Register a motion, interpellation or question (raised by a member of the
    council) or a citizen proposal (by `submitter`, a private person unless the
    registrar says otherwise) as a case of the council with its document,
    classified with `classification` (a process of the scheme, required where
    the organisation has one in use)."""
    access.require_manage_meetings(actor, organ)
    now = now or timezone.now()
    title, submitter = (title or "").strip(), (submitter or "").strip()
    errors: dict[str, list[str]] = {}
    if organ.kind != Organ.Kind.COUNCIL:
        errors["organ"] = [_("Motioner, interpellationer, frågor och medborgarförslag ställs till fullmäktige.")]
    if kind not in CouncilMatter.Kind.values:
        errors["kind"] = [_("Välj motion, interpellation, fråga eller medborgarförslag.")]
    if not title:
        errors["title"] = [_("Ange vad ärendet gäller.")]
    length_errors_add(errors, {"title": (title, CASE_TITLE_MAX), "submitter": (submitter, 300)})
    if not isinstance(submitted_on, dt.date):
        errors["submitted_on"] = [_("Ange när det väcktes (ÅÅÅÅ-MM-DD).")]
    elif submitted_on > timezone.localtime(now).date():
        errors["submitted_on"] = [_("Datumet har inte varit än.")]
    if kind in MEMBERS_KINDS:
        if mover is None:
            errors["mover"] = [_("Ange vilken ledamot som väcker den.")]
        elif isinstance(submitted_on, dt.date) and not _seated(organ, mover, submitted_on):
            errors["mover"] = [_("%(name)s har inget uppdrag i %(organ)s den dagen.")
                               % {"name": mover.name, "organ": organ.name}]
    elif kind == CouncilMatter.Kind.CITIZEN_PROPOSAL:
        if not submitter:
            errors["submitter"] = [_("Ange vem som lämnat medborgarförslaget.")]
        if mover is not None:
            errors["mover"] = [_("Ett medborgarförslag väcks inte av en ledamot.")]
    if kind in (CouncilMatter.Kind.INTERPELLATION, CouncilMatter.Kind.QUESTION) and addressed_to is None:
        errors["addressed_to"] = [_("Ange vem den ställs till (en nämnds eller styrelsens ordförande).")]
    for field, person in (("mover", mover), ("addressed_to", addressed_to)):
        if person is not None and person.organisation_id != organ.organisation_id:
            errors[field] = [_("%(name)s hör till en annan organisation.") % {"name": person.name}]
    wrong_class = registry.case_classification_errors(organisation_id=organ.organisation_id,
                                                      classification=classification)
    if wrong_class:
        errors["classification"] = wrong_class
    errors_raise(errors)
    label = CouncilMatter.Kind(kind).label
    with transaction.atomic():
        case = registry.case_register(actor=actor, organ=organ, title=title, registered_at=now,
                                      classification=classification)
        registry.document_register(
            actor=actor, case=case, direction="incoming", document_date=submitted_on, files=list(files),
            counterpart=mover.name if mover is not None else submitter, description=f"{label}: {title}",
            registered_at=now)
        return CouncilMatter.objects.create(
            organ=organ, case=case, kind=kind, submitted_on=submitted_on, mover=mover, addressed_to=addressed_to,
            registered_at=now, registered_by=user_or_none(actor))


def _seated(organ: Organ, person: Person, day: dt.date) -> bool:
    return Membership.objects.filter(Membership.held_on(day), organ=organ, person=person).exists()


def council_matters_answered(decision: Decision, *, actor, now: dt.datetime) -> None:
    """A council decision on a motion's or a citizen proposal's case answers it
    (a referral back or a postponement does not)."""
    if decision.case_id is None or decision.outcome in (Decision.Outcome.REFERRED_BACK, Decision.Outcome.POSTPONED):
        return
    matter = CouncilMatter.objects.filter(case_id=decision.case_id, organ_id=decision.organ_id,
                                          kind__in=CouncilMatter.ONE_YEAR_KINDS, answered_on__isnull=True).first()
    if matter is not None:
        _answered(matter, actor=actor, now=now, on=decision.meeting.date, decision=decision)


@transaction.atomic
def council_matter_answer(*, actor, matter: CouncilMatter, meeting: Meeting,
                          now: dt.datetime | None = None) -> CouncilMatter:
    """An interpellation or a question is answered at a council meeting."""
    access.require_manage_meetings(actor, matter.organ)
    matter = CouncilMatter.objects.select_for_update(of=("self",)).select_related("organ", "case").get(pk=matter.pk)
    if matter.kind in CouncilMatter.ONE_YEAR_KINDS:
        raise DomainError(_("En motion eller ett medborgarförslag besvaras med fullmäktiges beslut i ärendet."))
    if matter.answered_on is not None:
        raise DomainError(_("Den är redan besvarad (%(date)s).") % {"date": matter.answered_on.isoformat()})
    errors: dict[str, list[str]] = {}
    if meeting.organ_id != matter.organ_id:
        errors["meeting"] = [_("Svaret lämnas vid ett sammanträde med %(organ)s.") % {"organ": matter.organ.name}]
    elif meeting.status in (Meeting.Status.PLANNED, Meeting.Status.NOTICE_PUBLISHED):
        errors["meeting"] = [_("Sammanträdet %(date)s har inte hållits än.") % {"date": meeting.date.isoformat()}]
    elif meeting.date < matter.submitted_on:
        errors["meeting"] = [_("Sammanträdet hölls innan den väcktes.")]
    errors_raise(errors)
    _answered(matter, actor=actor, now=now or timezone.now(), on=meeting.date, meeting=meeting)
    return matter


def _answered(matter: CouncilMatter, *, actor, now: dt.datetime, on: dt.date, decision: Decision | None = None,
              meeting: Meeting | None = None) -> None:
    matter.answered_on, matter.answer_decision, matter.answer_meeting = on, decision, meeting
    matter.save(update_fields=["answered_on", "answer_decision", "answer_meeting"])
    where = decision.reference if decision is not None else f"{meeting.organ.code} {meeting.date:%Y-%m-%d}"
    registry.event_append(case=matter.case, kind=DecisionEvent.COUNCIL_MATTER_ANSWERED, actor=actor, at=now, data={
        "details": _("%(kind)s besvarad: %(where)s") % {"kind": matter.get_kind_display(), "where": where}})
