"""A case's full record as the e-archive receives it: the case, its documents
and every version of their files, its decisions, delegation decisions and
remiss rounds, its links and its whole history, read in a fixed number of
queries (nine, however large the case), and the cases of a batch one at a
time from an iterator, so an export of any size runs in flat memory.

Secrecy and personal data: what the e-archive gets, and what it does not
------------------------------------------------------------------------
The e-archive is a closed system that keeps secrecy marks (OSL) and answers
requests for its records itself, so it receives the record as it is, not the
public's view of it:

- every document, secret ones included, with its files, its secrecy mark,
  its legal ground and which register fields are masked for the public;
- the free text as written: a case title, a description, a decision's text
  hold what the registrar wrote (`registry.access.shown_value` with every
  right), not the public form the masking assistant leaves in the column;
  that public form goes beside it where it differs (ERMS `otherTitle`), and a
  protected case title carries its ground as an ERMS restriction;
- private persons' names as written, each marked as a private person, so the
  archive masks them as the register does;
- the whole history, also who read secret documents and the staff's notes on
  requests for public documents and due dates.

That is the record, and it goes in one place only: the ERMS file under
metadata/descriptive/ and the files of the representations. Nothing the
register masks is written anywhere else: the package's name, the METS labels,
the PREMIS file, the file names inside the package, the documentation file
and what the command prints name a case only by its diary number and a file
only by the document's number, the file's position and version; the file
names as registered (which often carry a person's name) are kept only in the
ERMS file. A file whose bytes were disposed of by a decision (gallring) is
described, not packed.

The rules of what the public may see stay where they are (registry.access and
masking); this module asks them for the full record with every right rather
than deciding visibility itself."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import BooleanField, F, Prefetch, Q, QuerySet, Value

from diarium.accounts.models import Organisation
from diarium.decisions.models import Decision, DelegationDecision
from diarium.registry import access as registry_access
from diarium.registry import selectors as registry_selectors
from diarium.registry.files import blob_disposed
from diarium.registry.models import Case, CaseLink, Classification, Document, DocumentFile, Event, Series
from diarium.remiss.models import RemissDeadline, RemissRecipient, RemissRound

from ..events import CUSTODY_EVENT_KINDS

# The namespace of every identifier a package derives (uuid5): the same case gives the same ids.
PACKAGE_NAMESPACE = uuid.UUID("6f0b3f8e-3d2a-5c8e-9a51-d1a21a7e0c22")


def full(obj, field_name: str) -> str:
    """A screened free-text field as written (the record), not as the public sees it."""
    return registry_access.shown_value(obj, field_name, read_secret=True, read_internal=True)


@dataclass
class FileRecord:
    """One version of one file of a document, as registered."""

    file: DocumentFile
    disposed: bool

    @property
    def key(self) -> str:
        """The file's place in the case: document number, position and version."""
        return f"{self.file.document.number}-{self.file.position}-{self.file.version}"


@dataclass
class DocumentRecord:
    document: Document
    description: str
    files: list[FileRecord] = field(default_factory=list)


@dataclass
class RoundRecord:
    round: RemissRound
    title: str
    letter: str
    recipients: list[RemissRecipient]


@dataclass
class CaseRecord:
    """Everything the package says about one case."""

    case: Case
    uuid: uuid.UUID
    title: str
    description: str
    public_title: str
    protection: dict | None  # {"shown": …, "ground": …} of a protected title (OSL 5 kap. 2 §)
    classification_path: list[Classification]
    documents: list[DocumentRecord]
    decisions: list[Decision]
    delegation_decisions: list[DelegationDecision]
    rounds: list[RoundRecord]
    links: list[CaseLink]
    events: list[Event]
    history: list[registry_selectors.EventEntry]  # the events as staff with every right read them
    created: dt.datetime  # the package's date: the case's last event, never the moment of export

    @property
    def organisation(self) -> Organisation:
        return self.case.organisation


def case_uuid(organisation_slug: str, diary_number: str) -> uuid.UUID:
    """The case's identifier in every package made of it: from the organisation and the diary number."""
    return uuid.uuid5(PACKAGE_NAMESPACE, f"{organisation_slug}\n{diary_number}")


def _has_parent_field() -> bool:
    return any(f.name == "parent" for f in Classification._meta.get_fields())


def _classification_related() -> list[str]:
    related = ["classification"]
    if _has_parent_field():  # the scheme's hierarchy: process → processgrupp → verksamhetsområde
        related += ["classification__parent", "classification__parent__parent"]
    return related


def cases_queryset() -> QuerySet[Case]:
    """Cases with what their package names from other tables, one query for all."""
    return Case.objects.select_related("organisation", "organ", "series", "case_officer",
                                       *_classification_related())


def cases_find(*, organisation: Organisation | None = None, diary_number: str | None = None,
               closed_before: dt.datetime | None = None, series: str | None = None) -> QuerySet[Case]:
    """The cases of an export: one by its diary number, or a batch of closed
    cases (closed before a moment, of a series), in a fixed order."""
    cases = cases_queryset()
    if organisation is not None:
        cases = cases.filter(organisation=organisation)
    if diary_number is not None:
        cases = cases.filter(diary_number=diary_number)
    else:
        cases = cases.filter(status=Case.Status.CLOSED)
        if closed_before is not None:
            cases = cases.filter(closed_at__lt=closed_before)
        if series:
            cases = cases.filter(series__code=series)
    return cases.order_by("organisation__slug", "year", "series__code", "seq", "id")


def organisations_with(diary_number: str) -> list[Organisation]:
    """The organisations that have a case with this diary number."""
    return list(Organisation.objects.filter(cases__diary_number=diary_number).order_by("slug").distinct())


def organisation_named(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


def series_exists(code: str, organisation: Organisation | None = None) -> bool:
    series = Series.objects.filter(code=code)
    if organisation is not None:
        series = series.filter(organisation=organisation)
    return series.exists()


def _classification_path(case: Case) -> list[Classification]:
    path = []
    node = case.classification
    while node is not None and len(path) < 10:
        path.append(node)
        node = getattr(node, "parent", None) if _has_parent_field() else None
    return list(reversed(path))


def case_record(case: Case) -> CaseRecord:
    """The full record of a case (see the module's docstring)."""
    return next(_records([case]))


def case_records(cases: QuerySet[Case], *, chunk_size: int = 100) -> Iterator[CaseRecord]:
    """The records of `cases` one at a time, read from a server-side cursor
    and completed a chunk of cases at a time: the same nine queries for every
    chunk, however many documents, files and events its cases have."""
    batch: list[Case] = []
    for case in cases.iterator(chunk_size=chunk_size):
        batch.append(case)
        if len(batch) == chunk_size:
            yield from _records(batch)
            batch = []
    if batch:
        yield from _records(batch)


def _grouped(rows, key) -> dict:
    groups: dict = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def _records(cases: list[Case]) -> Iterator[CaseRecord]:
    ids = [c.pk for c in cases]
    documents = _grouped(Document.objects.filter(case_id__in=ids).select_related("document_type")
                         .order_by("case_id", "number"), lambda d: d.case_id)
    files = _grouped(DocumentFile.objects.filter(document__case_id__in=ids).select_related("blob")
                     .order_by("document_id", "position", "version"), lambda f: f.document_id)
    # Not the events of the case's custody here (its import from a package): the package of an
    # imported case is the package it came from (archive.events.CUSTODY_EVENT_KINDS).
    events = _grouped(Event.objects.filter(case_id__in=ids).exclude(kind__in=CUSTODY_EVENT_KINDS)
                      .annotate(document_number=F("document__number"),
                                reader_internal=Value(True, output_field=BooleanField()))
                      .order_by("case_id", "at", "id"), lambda e: e.case_id)
    decisions = _grouped(Decision.objects.filter(case_id__in=ids).select_related("organ", "meeting")
                         .order_by("case_id", "meeting__date", "organ__code", "year", "paragraph", "id"),
                         lambda d: d.case_id)
    delegation = _grouped(DelegationDecision.objects.filter(case_id__in=ids)
                          .select_related("organ", "decided_by", "document").order_by("case_id", "decided_on", "id"),
                          lambda d: d.case_id)
    rounds = _grouped(RemissRound.objects.filter(case_id__in=ids).select_related("compilation_document")
                      .prefetch_related(
                          Prefetch("recipients", RemissRecipient.objects.select_related(
                              "organ", "answer_document", "outgoing_document").order_by("position")),
                          Prefetch("recipients__deadlines", RemissDeadline.objects.order_by("set_at", "id")))
                      .order_by("case_id", "created_at", "id"), lambda r: r.case_id)
    links: dict = {}
    for link in (CaseLink.objects.filter(Q(case_id__in=ids) | Q(other_id__in=ids), removed_at__isnull=True)
                 .select_related("case", "other").order_by("created_at", "id")):
        for end in {link.case_id, link.other_id} & set(ids):
            links.setdefault(end, []).append(link)
    for case in cases:
        yield _record(case, documents.get(case.pk, []), files, events.get(case.pk, []),
                      decisions.get(case.pk, []), delegation.get(case.pk, []), rounds.get(case.pk, []),
                      links.get(case.pk, []))


def _record(case, documents, files, events, decisions, delegation, rounds, links) -> CaseRecord:
    items = []
    for d in documents:
        d.case = case
        item = DocumentRecord(document=d, description=full(d, "description"))
        for f in files.get(d.pk, []):
            f.document = d
            item.files.append(FileRecord(file=f, disposed=blob_disposed(f.blob)))
        items.append(item)
    created = max((e.at for e in events), default=case.registered_at)
    entry = (case.privacy or {}).get("title") or {}
    return CaseRecord(
        case=case, uuid=case_uuid(case.organisation.slug, case.diary_number),
        title=full(case, "title"), description=full(case, "description"), public_title=case.title,
        protection=entry.get("protected"), classification_path=_classification_path(case),
        documents=items, decisions=decisions, delegation_decisions=delegation,
        rounds=[RoundRecord(round=r, title=full(r, "title"), letter=full(r, "letter"),
                            recipients=list(r.recipients.all())) for r in rounds],
        links=links, events=events, history=registry_selectors.event_entries(events), created=created,
    )
