"""Reads of the reading of old documents: an organisation's proposals as the
review screen lists them, and the citations of earlier decisions as a case's
reader may see them (access.py decides)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as When_, Count, IntegerField, QuerySet, Value, When

from diarium.decisions.models import Decision
from diarium.registry.models import Case

from . import access
from .models import CitedDecision, ImportProposal


def proposals(*, user, organisation_id: int, status: str | None = None) -> QuerySet[ImportProposal]:
    """The organisation's proposals, pending first, the newest first within
    each; only for those who read documents into it."""
    access.require_import(user, organisation_id)
    rows = ImportProposal.objects.filter(organisation_id=organisation_id)
    if status in ImportProposal.Status.values:
        rows = rows.filter(status=status)
    return (rows.annotate(waiting=When_(When(status=ImportProposal.Status.PENDING, then=Value(0)), default=Value(1),
                                        output_field=IntegerField()))
            .order_by("waiting", "-created_at", "-id")
            .defer("text", "values"))


def proposal_counts(*, user, organisation_id: int) -> dict[str, int]:
    access.require_import(user, organisation_id)
    counts = dict(ImportProposal.objects.filter(organisation_id=organisation_id).values_list("status")
                  .annotate(n=Count("id")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in ImportProposal.Status.values}


def proposal_citations(proposal: ImportProposal) -> list[CitedDecision]:
    return list(proposal.citations.select_related("decision", "decision__organ", "decision__meeting")
                .order_by("position", "id"))


@dataclass
class CitationRow:
    text: str
    organ: str
    date: object
    paragraph: int | None
    diary_number: str
    decision: Decision | None  # the decision it resolved to, when the reader is shown it
    resolved: bool


def case_citations(*, user, case: Case) -> list[CitationRow]:
    """The citations of earlier decisions read from the case's documents, as
    this reader is shown them: a resolved one with its decision where the
    reader sees the decision. One query for a case that has none."""
    rows = list(CitedDecision.objects.filter(case=case)
                .select_related("document", "decision", "decision__organ", "decision__meeting",
                                "decision__meeting__organ")
                .order_by("document__number", "position", "id"))
    if not rows:
        return []
    read_secret = access.case_citations_read_secret(user, case)
    out = []
    for c in rows:
        if not access.citation_shown(user, c, read_secret=read_secret):
            continue
        out.append(CitationRow(text=c.text, organ=c.organ_name, date=c.date, paragraph=c.paragraph,
                               diary_number=c.diary_number,
                               decision=c.decision if access.citation_decision_shown(user, c) else None,
                               resolved=c.decision_id is not None))
    return out
