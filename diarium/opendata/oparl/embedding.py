"""Batch loading of the objects a page embeds (memberships of people, agenda
items of meetings, decisions of agenda items, files of agenda items and papers,
consultations of papers): a bounded number of queries per page, whatever its
size, instead of a few queries per object."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from diarium.decisions import access as decisions_access
from diarium.decisions.models import Decision

from .context import Row
from .querysets import (
    consultations_of_cases,
    files_of_public_documents,
    public_reports,
    qs_membership,
)

OUTCOME_LABELS = dict(Decision.Outcome.choices)


def items_with_decisions(items, *, forwards: bool = False):
    """Each item's decisions (oparl_decisions), once the minutes are adjusted;
    with `forwards`, whether each forwarded a proposal (for Consultation)."""
    items = list(items)
    adjusted = [i.meeting_id for i in items if decisions_access.decisions_public(i.meeting.status)]
    by_item: dict[int, list[Row]] = {}
    if adjusted:
        # Whether a decision forwarded a proposal (for Consultation.authoritative), as
        # EXISTS: prefetching the proposals cost a queryset per decision.
        labels = {k: str(v) for k, v in OUTCOME_LABELS.items()}  # translated once, not per decision
        decisions = decisions_access.public_decisions().filter(meeting_id__in=set(adjusted), agenda_item__isnull=False)
        if forwards:
            decisions = decisions.annotate(oparl_forwards=Exists(
                decisions_access.public_proposals().filter(from_decision=OuterRef("pk"))))
        for d in decisions.order_by("paragraph").values(
                "agenda_item_id", "paragraph", "text", "outcome", *(["oparl_forwards"] if forwards else [])):
            by_item.setdefault(d["agenda_item_id"], []).append(Row(**d, label=labels.get(d["outcome"], d["outcome"])))
    for i in items:
        i.oparl_decisions = by_item.get(i.pk, [])
    return items


def _items_with_files(items, ctx):
    """Each agenda item's public supporting files (latest versions, never a secret document's)."""
    if not items:
        return items
    # By the items' meetings (a hundred ids at most, for hundreds of items): building
    # and planning an IN list of every item's id cost more than the pairs of the
    # meetings' other items, which are left out here.
    on_page = {i.pk for i in items}
    links = decisions_access.supporting_document_links({i.meeting_id for i in items})
    pairs = [p for p in links.values_list("agendaitem_id", "document_id") if p[0] in on_page]
    by_doc: dict[int, list] = {}
    org_id = items[0].meeting.organisation_id
    for f in _file_rows(files_of_public_documents(ctx, org_id, {d for _, d in pairs})
                        .order_by("document_id", "position")):
        by_doc.setdefault(f.document_id, []).append(f)
    by_item: dict[int, list] = {}
    for item_id, doc_id in sorted(pairs, key=lambda p: p[1]):
        by_item.setdefault(item_id, []).extend(by_doc.get(doc_id, []))
    for i in items:
        i.oparl_files = by_item.get(i.pk, [])
    return items



def _file_rows(files):
    """Embedded files as rows with what ser_file reads."""
    return [Row.of(v) for v in files.select_related(None).values(
        "pk", "document_id", "position", "filename", "oparl_created", "oparl_modified", "blob__content_type",
        "blob__size", "document__description", "document__document_date", "document__is_secret")]



def _public_papers(items, org_id):
    """A consultation's paper only when it is published: the report of a chain of
    forwards can be secret (or its item on no public agenda), and a link to it
    would lead a client to a 404 or a deleted object."""
    ids = {i.oparl_paper_id for i in items if i.oparl_paper_id}
    public = set(public_reports(org_id).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for i in items:
        if i.oparl_paper_id not in public:
            i.oparl_paper_id = None
    return items


def attach(kind, objs, ctx, org_id):
    if kind == "consultation":
        _public_papers(objs, org_id)
    if not objs or ctx.omit_internal:
        if kind in ("agendaItem", "consultation"):
            items_with_decisions(objs, forwards=kind == "consultation")
        return objs
    if kind == "person":
        by: dict[int, list] = {}
        for m in qs_membership(ctx, org_id).filter(person__in=objs).order_by("pk"):
            by.setdefault(m.person_id, []).append(m)
        for p in objs:
            p.oparl_memberships = by.get(p.pk, [])
    elif kind == "meeting":
        by = {}
        meetings = {m.pk: m for m in objs}
        items = [Row(**v) for v in decisions_access.agenda_items_of(list(meetings)).order_by("position").values(
            "pk", "meeting_id", "position", "title", "proposal_id")]
        for i in items:
            # What the items read of their meeting, without a reference back to the
            # meeting: a meeting holding its items and each item its meeting would be
            # a reference cycle, and a page of them (thousands of objects) would wait
            # for Python's full garbage collection, 20 ms every tenth page or so,
            # instead of being freed as the response is sent.
            m = meetings[i.meeting_id]
            i.meeting = Row(status=m.status, organisation_id=m.organisation_id, organ_id=m.organ_id)
            i.oparl_created, i.oparl_modified = m.oparl_created, m.oparl_modified
        for i in _items_with_files(items_with_decisions(items), ctx):
            by.setdefault(i.meeting_id, []).append(i)
        for m in objs:
            m.oparl_items = by.get(m.pk, [])
    elif kind == "agendaItem":
        _items_with_files(items_with_decisions(objs), ctx)
    elif kind == "consultation":
        items_with_decisions(objs, forwards=True)
    elif kind == "paper":
        docs = [r.document_id for r in objs if r.document_id]
        files: dict[int, list] = {}
        for f in _file_rows(files_of_public_documents(ctx, org_id, docs).order_by("position")):
            files.setdefault(f.document_id, []).append(f)
        cons: dict[int, list] = {}
        # The items of the page's cases on published agendas, by the cases' index: as
        # qs_consultation (the organisation's public meetings as a set) SQLite read
        # every item of the organisation's meetings for them, 10 ms a page. Items
        # without a proposal are not excluded here (they have no paper, so they match
        # no report below): with that condition PostgreSQL read every item with a
        # proposal, in order, for a merge join.
        consultations = consultations_of_cases({r.case_id for r in objs})
        for i in items_with_decisions((Row.of(v) for v in consultations.order_by("meeting__date", "pk").values(
                "pk", "meeting_id", "meeting__organ_id", "meeting__status", "oparl_paper_id", "oparl_created",
                "oparl_modified")), forwards=True):
            cons.setdefault(i.oparl_paper_id, []).append(i)
        for r in objs:
            r.oparl_files = files.get(r.document_id, [])
            r.oparl_consultations = cons.get(r.pk, [])
    return objs

