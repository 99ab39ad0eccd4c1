"""The earlier decisions a document cites, kept with what it was read into,
and their resolution to the register's decisions: when the document is
accepted, and later, when the cited decision comes in by any path
(decision_record at a meeting, the archive's import, an excerpt or minutes
read in here): `decision_saved` is connected to Decision's post_save in
ReadingConfig.ready."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.decisions.models import Decision
from diarium.registry.history import event_append

from ..events import ReadingEvent
from ..models import CitedDecision, ImportProposal
from .register import Register
from .values import Reference


def _candidates(organisation_id: int, *, organ_name: str, organ_id: int | None, day: dt.date,
                paragraph: int) -> list[Decision]:
    """The register's decisions a citation may be: the same organisation,
    meeting date and paragraph, and the organ named (by its name or code)."""
    decisions = Decision.objects.filter(organisation_id=organisation_id, meeting__date=day, paragraph=paragraph)
    if organ_id is not None:
        decisions = decisions.filter(organ_id=organ_id)
    elif organ_name:
        decisions = decisions.filter(Q(organ__name__iexact=organ_name) | Q(organ__code__iexact=organ_name))
    rows = list(decisions.select_related("organ", "meeting")[:2])
    if not organ_id and organ_name:
        # SQLite's iexact folds ASCII only: "Överförmyndarnämnden" is compared here.
        key = organ_name.casefold()
        rows = [d for d in rows if key in (d.organ.name.casefold(), d.organ.code.casefold())]
    return rows


def citations_write(register: Register, proposal: ImportProposal, references: list[Reference], *, case=None,
                    document=None, meeting=None, citing=None, now: dt.datetime) -> list[CitedDecision]:
    """Keep the document's citations, each resolved where the register has the decision."""
    rows = []
    for position, ref in enumerate(references, start=1):
        organ = register.organ_find(ref.organ) if ref.organ else None
        citation = CitedDecision(
            organisation=register.organisation, proposal=proposal, case=case, document=document, meeting=meeting,
            citing_decision=citing, position=position, organ=organ, organ_name=ref.organ[:200], date=ref.date,
            paragraph=ref.paragraph, diary_number=ref.diary_number[:60], text=ref.text[:1000], created_at=now)
        decision = _resolvable(citation)
        if decision is not None:
            citation.decision, citation.resolved_at = decision, now
        citation.save()
        if decision is not None and citing is not None and citing.pk != decision.pk:
            citing.references.add(decision)
        rows.append(citation)
    return rows


def _resolvable(citation: CitedDecision) -> Decision | None:
    """The one decision the citation names, if the register has it (a
    citation that names no organ resolves only where one decision fits)."""
    if citation.date is None or citation.paragraph is None:
        return None
    found = _candidates(citation.organisation_id, organ_name=citation.organ_name, organ_id=citation.organ_id,
                        day=citation.date, paragraph=citation.paragraph)
    return found[0] if len(found) == 1 else None


def decision_saved(sender, instance: Decision, created: bool, raw: bool = False, **kwargs) -> None:
    """A decision new in the register resolves the citations waiting for it."""
    if raw or not created:
        return
    citations_resolve(instance)


def citations_resolve(decision: Decision, *, now: dt.datetime | None = None) -> list[CitedDecision]:
    """Resolve the unresolved citations of `decision` (its organisation,
    meeting date and paragraph, its organ by id, name or code; a citation
    naming no organ where no other decision fits), each with its event on
    its case. One query where none wait, as for nearly every decision."""
    meeting_date = decision.meeting.date
    waiting = list(CitedDecision.objects.filter(organisation_id=decision.organisation_id, decision__isnull=True,
                                                date=meeting_date, paragraph=decision.paragraph)
                   .select_related("case", "citing_decision"))
    if not waiting:
        return []
    organ = decision.organ
    names = {organ.name.casefold(), organ.code.casefold()}
    now = now or timezone.now()
    resolved = []
    for citation in waiting:
        if citation.organ_id is not None:
            fits = citation.organ_id == organ.pk
        elif citation.organ_name:
            fits = citation.organ_name.casefold() in names
        else:
            fits = len(_candidates(decision.organisation_id, organ_name="", organ_id=None, day=meeting_date,
                                   paragraph=decision.paragraph)) == 1
        if not fits:
            continue
        citation.decision, citation.resolved_at = decision, now
        if citation.organ_id is None:
            citation.organ = organ
        citation.save(update_fields=["decision", "resolved_at", "organ"])
        if citation.citing_decision_id and citation.citing_decision_id != decision.pk:
            citation.citing_decision.references.add(decision)
        if citation.case_id:
            event_append(case=citation.case, document=citation.document, kind=ReadingEvent.CITATION_RESOLVED,
                         actor=None, at=now, data={
                             "citation": citation.pk, "decision": decision.pk,
                             "details": _("%(text)s: %(reference)s") % {"text": citation.text[:200],
                                                                       "reference": decision.reference}})
        resolved.append(citation)
    return resolved
