"""Accepting a proposal: the registrar's corrected values written into the
register, whole or not at all.

By kind:

- an officer's report, a remiss answer, a decision letter or another
  document is registered on its case (the one its first diary number names,
  or the historic case added with that number: register.py): drawn up, or
  incoming for a remiss answer (and for a letter from another organisation),
  on its own date, with its file; an officer's report also with its
  proposals per organ and their conditions (decisions' OfficerReport and
  Proposal, written as the document states them: officer_report_create
  would draw up a new document of its own);
- an excerpt of minutes: its decision(s) on the case, at the historic meeting
  (meetings.py), and the excerpt registered on the case;
- a notice or minutes: the historic meeting (meetings.py).

Every document's citations of earlier decisions are kept with it and
resolved where the register has the decision (citations.py). Every problem is
found before anything is written and refused at once (a DomainError with a
Swedish message per field); a failure half-way rolls everything back, and the
files stored by the attempt are removed again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import Conflict, DomainError
from diarium.decisions.models import REPORT_TEXT_MAX, TITLE_MAX, Meeting, OfficerReport, Proposal
from diarium.registry import files as file_store
from diarium.registry import services as registry
from diarium.registry.history import actor_name as name_of
from diarium.registry.history import event_append
from diarium.registry.models import Case, Document, PartyKind

from .. import access
from ..events import ReadingEvent
from ..models import ImportProposal, Kind
from . import meetings
from .citations import citations_write
from .register import Register, case_data, codes_of, description_of, document_data, historic_case_write, stored_file
from .values import Values, values_read

# Read from the reading where the registrar's values do not say (the command passes the printed shape).
EXTRA_KEYS = ("place", "start_time", "end_time")


def proposal_accept(*, actor, proposal: ImportProposal, values: dict, actor_name: str | None = None,
                    now: dt.datetime | None = None) -> ImportProposal:
    """Write the proposal into the register with `values` (the reading's
    shape, corrected), as the module's docstring says. Refused, with every
    problem and nothing written, when the values or the register refuse it."""
    access.require_import(actor, proposal.organisation_id)
    now = now or timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            proposal = _locked(proposal)
            register = Register(proposal.organisation, written=written)
            v, errors = values_read(_with_extra(values, proposal), organisation_name=proposal.organisation.name)
            if "kind" not in errors:
                _problems(register, v, proposal, errors)
            if errors:
                first = next(iter(errors.values()))[0]
                raise DomainError(_("Förslaget kunde inte registreras: %(first)s") % {"first": first}, errors=errors)
            if v.kind in (Kind.NOTICE, Kind.MINUTES):
                _meeting_accept(register, v, proposal, actor=actor, actor_name=actor_name, now=now)
            else:
                _document_accept(register, v, proposal, actor=actor, actor_name=actor_name, now=now)
            proposal.status, proposal.values, proposal.kind = ImportProposal.Status.ACCEPTED, v.as_json(), v.kind
            proposal.decided_at, proposal.decided_by = now, _user(actor)
            proposal.decided_by_name = actor_name if actor_name is not None else name_of(actor)
            proposal.save(update_fields=["status", "values", "kind", "decided_at", "decided_by", "decided_by_name",
                                         "case", "meeting", "document"])
    except BaseException:
        file_store.remove_unreferenced(written)
        raise
    return proposal


def _locked(proposal: ImportProposal) -> ImportProposal:
    locked = ImportProposal.objects.select_for_update(of=("self",)).select_related("organisation", "blob").get(pk=proposal.pk)
    if locked.status != ImportProposal.Status.PENDING:
        raise Conflict(_("Förslaget är redan avgjort (%(status)s).") % {"status": locked.get_status_display()})
    return locked


def _with_extra(values, proposal: ImportProposal):
    if not isinstance(values, dict):
        return values
    extra = (proposal.reading or {}).get("extra") or {}
    return {**{key: extra.get(key) for key in EXTRA_KEYS if isinstance(extra, dict)}, **values}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- what the register refuses -----------------------------------------------------------------
def _problems(register: Register, v: Values, proposal: ImportProposal, errors: dict[str, list[str]]) -> None:
    if v.kind in (Kind.NOTICE, Kind.MINUTES):
        meetings.meeting_problems(register, v, errors)
        meetings.item_case_problems(register, v, errors)
        if v.kind == Kind.MINUTES:
            meetings.paragraph_problems(register, v, [i.paragraph for i in v.items if i.paragraph], errors)
        return
    if "diary_numbers" in errors:
        return
    cases = register.cases_named(v.diary_number)
    if len(cases) > 1:
        errors.setdefault("diary_numbers", []).append(
            _("%(number)s kan vara flera ärenden (%(cases)s); skriv diarienumret som ärendet har i registret.")
            % {"number": v.diary_number, "cases": ", ".join(c.diary_number for c in cases)})
        return
    case = cases[0] if cases else None
    if case is None:
        if not v.title:
            errors.setdefault("title", []).append(
                _("Ärendet %(number)s finns inte i registret och läggs upp med sitt gamla diarienummer: ange dess "
                  "ärendemening.") % {"number": v.diary_number})
        organ = register.organ_of_code(v.diary_number) or (register.organ_find(v.organ) if _own(v, register)
                                                           else None)
        if organ is None and not (v.organ and _own(v, register)):
            errors.setdefault("organ", []).append(
                _("Ärendet %(number)s finns inte i registret: ange det organ ärendet hör till.")
                % {"number": v.diary_number})
        taken = meetings.number_taken(register, v.diary_number, organ)
        if taken:
            errors.setdefault("diary_numbers", []).append(taken)
    if v.kind in (Kind.REMISS_ANSWER, Kind.DECISION_LETTER) and _direction(v, register) == Document.Direction.INCOMING \
            and not _sender(v, register)[0]:
        errors.setdefault("organisation", []).append(_("Ange vem handlingen kom från (organisation eller organ)."))
    if v.kind == Kind.MINUTES_EXCERPT:
        meetings.meeting_problems(register, v, errors)
        meetings.paragraph_problems(register, v, _excerpt_paragraphs(v), errors,
                                    case_id=case.pk if case is not None else None)


def _own(v: Values, register: Register) -> bool:
    """The document is the organisation's own (not from another that answers or decides)."""
    return not v.organisation or v.organisation.casefold() == register.organisation.name.casefold()


def _direction(v: Values, register: Register) -> str:
    if v.kind == Kind.REMISS_ANSWER or (v.kind == Kind.DECISION_LETTER and not _own(v, register)):
        return Document.Direction.INCOMING
    return Document.Direction.DRAWN_UP


def _sender(v: Values, register: Register) -> tuple[str, str]:
    """Who an incoming document came from, and what the register takes it to be."""
    parts = [v.organ] if v.organ else []
    if v.organisation and not _own(v, register):
        parts.append(v.organisation)
    if parts:
        return ", ".join(parts)[:300], PartyKind.LEGAL
    signer = next((name for name, _title in v.signatories if name), "")
    return signer[:300], PartyKind.AUTO


def _excerpt_paragraphs(v: Values) -> list[int]:
    return [i.paragraph for i in v.items if i.paragraph] or list(v.paragraphs)


# --- a document on its case ---------------------------------------------------------------------
def _document_accept(register: Register, v: Values, proposal: ImportProposal, *, actor, actor_name, now) -> None:
    direction = _direction(v, register)
    counterpart, counterpart_kind = _sender(v, register) if direction == Document.Direction.INCOMING else ("", PartyKind.AUTO)
    description = _description(v, proposal)
    own = _own(v, register)
    organ = register.organ(v.organ, codes=codes_of(v.diary_numbers)) if v.organ and own else None
    cases = register.cases_named(v.diary_number)
    if cases:
        case = cases[0]
        file = stored_file(proposal)
        document = registry.document_create(
            actor=actor, case=case, direction=direction, document_date=v.date, description=description,
            counterpart=counterpart, counterpart_kind=counterpart_kind, files=[file] if file else [],
            actor_name=actor_name)
    else:
        case_organ = register.organ_of_code(v.diary_number) or organ
        data = case_data(register, diary_number=v.diary_number, title=v.title, organ=case_organ, day=v.date,
                         officer=v.officers[0] if v.officers and own else "",
                         document=document_data(proposal=proposal, direction=direction, day=v.date,
                                                description=description, counterpart=counterpart,
                                                counterpart_kind=counterpart_kind))
        case = historic_case_write(register, data, proposal=proposal, actor=actor, actor_name=actor_name)
        document = case.documents.get(number=1)
    citing = None
    if v.kind == Kind.OFFICER_REPORT:
        _officer_report(register, v, proposal, case, document, organ, actor=actor, now=now)
    elif v.kind == Kind.MINUTES_EXCERPT:
        citing = _excerpt(register, v, proposal, case)
        proposal.meeting = citing.meeting if citing is not None else None
    citations_write(register, proposal, v.references, case=case, document=document, citing=citing, now=now)
    proposal.case, proposal.document = case, document
    event_append(case=case, document=document, kind=ReadingEvent.PROPOSAL_ACCEPTED, actor=actor,
                 actor_name=actor_name, at=now, data=_event_data(register, proposal, v, {
                     "number": document.number, **({"meeting": proposal.meeting.pk} if proposal.meeting else {})}))


def _description(v: Values, proposal: ImportProposal) -> str:
    if v.kind == Kind.OTHER:
        return (v.title or proposal.filename)[:480]
    if v.kind == Kind.MINUTES_EXCERPT:
        paragraphs = ", ".join(f"§ {p}" for p in _excerpt_paragraphs(v))
        label = _("Protokollsutdrag %(organ)s %(day)s %(paragraphs)s") % {"organ": v.organ, "day": v.date,
                                                                          "paragraphs": paragraphs}
        return description_of(label, v.title)
    return description_of(str(Kind(v.kind).label), v.title)


def _officer_report(register: Register, v: Values, proposal: ImportProposal, case: Case, document: Document,
                    organ, *, actor, now) -> OfficerReport:
    """The report with its proposals per organ and their conditions (the
    organ a condition names, where the organisation has it)."""
    report = OfficerReport(
        case=case, title=v.title[:TITLE_MAX], addressed_to=organ, background=(proposal.text or v.title)[:REPORT_TEXT_MAX],
        dispatch_to="\n".join(v.recipients), signatories=[{"name": n, "title": t} for n, t in v.signatories if n],
        report_date=v.date, document=document, created_at=now, created_by=_user(actor))
    report.save()
    # Every organ proposed to first: a condition may name one proposed to further on ("… under
    # förutsättning att kommunfullmäktige antar …").
    organs = [register.organ(p.organ) if p.organ else organ for p in v.proposals]
    for position, (p, to) in enumerate(zip(v.proposals, organs, strict=True), start=1):
        Proposal(organ=to, case=case, text=p.text, report=report, position=position,
                 condition_organ=register.organ_in(p.condition) if p.condition else None,
                 condition_text=p.condition).save()
    return report


def _excerpt(register: Register, v: Values, proposal: ImportProposal, case: Case):
    """The excerpt's decision(s) on the case, at the historic meeting whose
    adjusted minutes it is from. Returns the first (the one that cites)."""
    meeting = meetings.meeting_ensure(register, v, status=Meeting.Status.ADJUSTED)
    if meeting.status != Meeting.Status.ADJUSTED:
        meeting.status = Meeting.Status.ADJUSTED
        meeting.save(update_fields=["status"])
    meetings.minutes_ensure(register, v, meeting)
    rows = [(i.paragraph, i.title, i.text) for i in v.items if i.paragraph] or \
        [(p, v.title, "") for p in v.paragraphs]
    decisions = []
    for paragraph, title, text in rows:
        text = text or meetings.section_text(proposal.text, paragraph, [r[0] for r in rows]) or title or v.title
        decisions.append(meetings.decision_write(register, meeting=meeting, paragraph=paragraph,
                                                 title=title or v.title, text=text, case=case))
    return decisions[0] if decisions else None


# --- a meeting ----------------------------------------------------------------------------------
def _meeting_accept(register: Register, v: Values, proposal: ImportProposal, *, actor, actor_name, now) -> None:
    meeting, cases = meetings.meeting_write(register, v, proposal, actor=actor, actor_name=actor_name)
    citations_write(register, proposal, v.references, meeting=meeting, now=now)
    proposal.meeting = meeting
    data = _event_data(register, proposal, v, {"meeting": meeting.pk})
    event_append(case=None, organisation_id=register.organisation.pk, kind=ReadingEvent.PROPOSAL_ACCEPTED,
                 actor=actor, actor_name=actor_name, at=now, data=data)
    for case in cases:
        event_append(case=case, kind=ReadingEvent.PROPOSAL_ACCEPTED, actor=actor, actor_name=actor_name, at=now,
                     data=data)


def _event_data(register: Register, proposal: ImportProposal, v: Values, extra: dict) -> dict:
    details = _("%(kind)s %(file)s, SHA-256 %(sha)s") % {"kind": Kind(v.kind).label, "file": proposal.filename,
                                                        "sha": proposal.sha256}
    return {"proposal": proposal.pk, "file": proposal.filename, "sha256": proposal.sha256, "kind": v.kind,
            "created": register.created, "details": details, **extra}
