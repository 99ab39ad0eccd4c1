"""Reads from the case register. Every selector takes the acting user and returns
only what that user may see; masking happens here, once, for UI and API alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Organ, Organisation, Person
from diarium.core.dbfunctions import UnicodeLower
from diarium.core.errors import DomainError, NotFound, PermissionDenied

from .. import access, diary_numbers, extensions, history, masking
from ..disposal import FileDisposed, file_disposed
from ..files import blob_disposed
from ..models import (Case, CaseLink, Classification, Contact, Document, DocumentFile, DocumentType, DueDate, Event,
                      SeriesCounter)
# Requests for public documents, for staff (selectors/copies.py), re-exported.
from .copies import (  # noqa: F401
    CopyRequestEntry,
    copy_request_assignees,
    copy_request_copy,
    copy_request_entries,
    copy_request_entry,
    copy_request_for_write,
    copy_request_get,
    copy_request_list,
    copy_requests_open,
    copy_requests_recent,
    copy_source_file,
    person_referenced,
)


def _local_day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def case_list(
    *,
    user,
    organisation: Organisation | int | None = None,
    organ: int | None = None,
    year: int | None = None,
    status: str | None = None,
    case_officer: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = None,
) -> QuerySet[Case]:
    """Cases matching the filters, newest first. Case entries are public records;
    what is secret lives on documents and is masked by document_entries."""
    qs = Case.objects.select_related("organ", "case_officer", "organisation")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if organ:
        qs = qs.filter(organ_id=organ)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if case_officer:
        qs = qs.filter(case_officer_id=case_officer)
    # Compare with the bounds of the local days rather than casting every row to a
    # date, so the database can use its indexes on registered_at.
    if date_from:
        qs = qs.filter(registered_at__gte=_local_day_start(date_from))
    if date_to:
        qs = qs.filter(registered_at__lt=_local_day_start(date_to + dt.timedelta(days=1)))
    q = (q or "").strip()
    if q:
        match = Q(search_text__contains=q.casefold())
        number = diary_numbers.parse(q)  # "KS 2017/676" finds 2017.676 KS
        qs = qs.filter(match | diary_numbers.numbered_q(number) if number else match)
    return qs.order_by("-registered_at", "-id")


def own_organ(user, organs):
    """The organ a registration form starts at: the user's own (their person's
    organ) when they may register there, else the only one they may."""
    mine = Person.objects.filter(user=user).values_list("organ_id", flat=True).first() \
        if getattr(user, "is_authenticated", False) else None
    return next((o for o in organs if o.pk == mine), None) or (organs[0] if len(organs) == 1 else None)


def case_get(*, user, pk: int) -> Case:
    # has_links: whether case_links has anything to read (most cases have no links: no query for them).
    # has_due_dates: the same for open due dates (read by staff only: selectors.due_dates).
    linked = CaseLink.objects.filter(Q(case=OuterRef("pk")) | Q(other=OuterRef("pk")), removed_at__isnull=True)
    watched = DueDate.objects.filter(case=OuterRef("pk"), done_at__isnull=True)
    case = Case.objects.select_related("organ", "organisation", "case_officer", "classification", "series").annotate(
        has_links=Exists(linked), has_due_dates=Exists(watched)).filter(pk=pk).first()
    if case is None:
        raise NotFound(_("Ärendet finns inte."))
    return case


def case_get_by_number(*, organisation, diary_number: str) -> Case | None:
    return Case.objects.filter(organisation=organisation, diary_number=diary_number).first()


@dataclass
class FileVersion:
    id: int
    version: int
    filename: str
    size: int
    content_type: str
    sha256: str
    created_at: dt.datetime
    notes: list | None = None  # Blob.notes; registry.files.note_texts says them in Swedish
    ocr_of_id: int | None = None  # the version this one gives a text layer by OCR (DocumentFile.ocr_of)

    @property
    def note_texts(self) -> list[str]:
        from ..files import note_texts

        return note_texts(self.notes)


@dataclass
class FileEntry:
    position: int
    versions: list[FileVersion]

    @property
    def current(self) -> FileVersion:
        return self.versions[0]


@dataclass
class DocumentEntry:
    """A document as this reader may see it."""

    id: int
    case_id: int
    number: int
    reference: str
    direction: str
    direction_label: str
    document_date: dt.date
    registered_at: dt.datetime
    counterpart: str | None
    counterpart_masked: bool
    counterpart_is_private: bool
    # What the registrar declared (PartyKind); None for readers who do not see private persons' names.
    counterpart_kind: str | None
    description: str | None
    description_masked: bool
    is_secret: bool
    secrecy_ground: str
    secrecy_marked_at: dt.datetime | None
    content_hidden: bool
    files: list[FileEntry] = field(default_factory=list)
    # Why the counterpart is hidden: access.MASKED_SECRET, access.MASKED_PRIVATE or None.
    counterpart_mask_reason: str | None = None
    # Why the description is hidden: access.MASKED_SECRET or None.
    description_mask_reason: str | None = None
    case: Case | None = None
    document_type: str = ""  # the organisation's kind of document (DocumentType), if given
    received_via: str = ""  # ReceivedVia: how an incoming document came in
    received_via_label: str = ""

    @property
    def counterpart_text(self) -> str:
        """The counterpart as shown: the neutral text where it is masked."""
        return masking.shown_text(self.counterpart, self.counterpart_mask_reason)

    @property
    def description_text(self) -> str:
        """The description as shown: the neutral text where it is masked."""
        return masking.shown_text(self.description, self.description_mask_reason)


def _direction_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Document.Direction.choices}


def _file_entries(document_ids) -> dict[int, list[FileEntry]]:
    """Files of the documents with every version, newest first: one query, read as
    plain rows (a case can have hundreds of files)."""
    rows = (
        DocumentFile.objects.filter(document_id__in=document_ids)
        .order_by("document_id", "position", "-version")
        .values_list("document_id", "position", "id", "version", "filename", "blob__size",
                     "blob__content_type", "blob_id", "created_at", "blob__notes", "ocr_of_id")
    )
    grouped: dict[int, dict[int, list[FileVersion]]] = {}
    for document_id, position, *version in rows:
        grouped.setdefault(document_id, {}).setdefault(position, []).append(FileVersion(*version))
    return {d: [FileEntry(p, v) for p, v in positions.items()] for d, positions in grouped.items()}


def _entry(document: Document, case: Case, files: list[FileEntry], *, read_secret: bool, read_internal: bool,
           direction_labels: dict[str, str] | None = None) -> DocumentEntry:
    counterpart_reason = access.mask_reason(document, "counterpart", read_secret=read_secret,
                                            read_internal=read_internal)
    description_reason = access.mask_reason(document, "description", read_secret=read_secret,
                                            read_internal=read_internal)
    description_masked = description_reason is not None
    hidden = access.content_hidden(document, read_secret=read_secret)
    return DocumentEntry(
        id=document.pk, case_id=case.pk, number=document.number, reference=f"{case.diary_number}-{document.number}",
        direction=document.direction, direction_label=(direction_labels or _direction_labels())[document.direction],
        document_date=document.document_date, registered_at=document.registered_at,
        counterpart=None if counterpart_reason else document.counterpart,
        counterpart_masked=counterpart_reason is not None,
        counterpart_is_private=document.counterpart_is_private if read_internal else False,
        counterpart_kind=document.counterpart_kind if read_internal else None,
        description=None if description_masked else access.shown_value(
            document, "description", read_secret=read_secret, read_internal=read_internal),
        description_masked=description_masked,
        is_secret=document.is_secret, secrecy_ground=document.secrecy_ground,
        secrecy_marked_at=document.secrecy_marked_at, content_hidden=hidden, files=[] if hidden else files,
        counterpart_mask_reason=counterpart_reason, description_mask_reason=description_reason, case=case,
        document_type=document.document_type.name if document.document_type_id else "",
        received_via=document.received_via, received_via_label=str(document.get_received_via_display())
        if document.received_via else "",
    )


def _entry_for(user, document: Document) -> DocumentEntry:
    case = document.case
    return _entry(document, case, _file_entries([document.pk]).get(document.pk, []),
                  read_secret=access.can_read_secret(user, case), read_internal=access.can_read_internal(user, case))


def register_entry(*, user, document: Document, direction_labels: dict[str, str] | None = None) -> DocumentEntry:
    """A document's register entry as this reader may see it, without its files
    (no query: for lists across cases such as feeds and dumps)."""
    case = document.case
    return _entry(document, case, [], read_secret=access.can_read_secret(user, case),
                  read_internal=access.can_read_internal(user, case), direction_labels=direction_labels)


def _documents_qs():
    return Document.objects.select_related("case", "case__organ", "case__organisation", "document_type")


# --- the register of documents ----------------------------------------------------------------
def date_range_check(*, date_from: dt.date | None, date_to: dt.date | None) -> None:
    """A date range must not end before it starts."""
    if date_from and date_to and date_to < date_from:
        raise DomainError(_("Slutdatumet kan inte vara före startdatumet."), field="date_to")


_REFERENCE = diary_numbers.REFERENCE


def _document_text_filter(user, q: str) -> Q:
    """Documents whose case (diary number, title, description), reference or
    register fields contain `q`, case-insensitively. A register field counts only
    where this reader is shown it: a search must not tell that a masked value
    holds the words (access.readable)."""
    match = Q(case__search_text__contains=q.casefold())
    for name in ("counterpart", "description"):
        contains = Q(**{f"{name}_lower__contains": q.lower()})
        shown = access.readable(user, name)
        match |= contains if shown is None else contains & shown
    reference = _REFERENCE.fullmatch(q)
    if reference:
        match |= Q(case__diary_number__iexact=reference[1].strip(), number=int(reference[2]))
    number = diary_numbers.case_number(q)
    if number is not None:
        match |= diary_numbers.numbered_q(number, prefix="case__")  # the documents of the case it names
    return match


def document_list(
    *,
    user,
    organisation: Organisation | int | None = None,
    organ: int | None = None,
    year: int | None = None,
    direction: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str | None = None,
) -> QuerySet[Document]:
    """Registered documents matching the filters, newest registration first.
    `year` and the dates are those of registration. Turn the rows into what the
    reader may see with register_entries; the text filter already looks only at
    what the reader is shown. A date range that ends before it starts is an error."""
    date_range_check(date_from=date_from, date_to=date_to)
    qs = _documents_qs()
    if organisation is not None:  # the document's own column (the case's organisation): no join
        qs = qs.filter(organisation=organisation)
    if organ:
        qs = qs.filter(case__organ_id=organ)
    if direction:
        qs = qs.filter(direction=direction)
    # Bounds of local days, not a cast of every row: the index on registered_at answers.
    if year:
        qs = qs.filter(registered_at__gte=_local_day_start(dt.date(year, 1, 1)),
                       registered_at__lt=_local_day_start(dt.date(year + 1, 1, 1)))
    if date_from:
        qs = qs.filter(registered_at__gte=_local_day_start(date_from))
    if date_to:
        qs = qs.filter(registered_at__lt=_local_day_start(date_to + dt.timedelta(days=1)))
    q = (q or "").strip()
    if q:
        qs = qs.alias(counterpart_lower=UnicodeLower("counterpart"), description_lower=UnicodeLower("description"))
        qs = qs.filter(_document_text_filter(user, q))
    return qs.order_by("-registered_at", "-id")


def register_entries(*, user, documents) -> list[DocumentEntry]:
    """Register entries of documents from document_list, masked for this reader
    (entry.case is the document's case). No queries beyond the reader's roles."""
    labels = _direction_labels()
    return [register_entry(user=user, document=d, direction_labels=labels) for d in documents]


def document_years() -> list[int]:
    """Years in which documents were registered, newest first (two indexed reads)."""
    ordered = Document.objects.order_by("registered_at").values_list("registered_at", flat=True)
    first, last = ordered.first(), ordered.last()
    if first is None:
        return []
    return list(range(timezone.localtime(last).year, timezone.localtime(first).year - 1, -1))


def document_entries(*, user, case: Case) -> list[DocumentEntry]:
    """The case's documents, masked for this reader. Two queries however many."""
    read_secret = access.can_read_secret(user, case)
    read_internal = access.can_read_internal(user, case)
    documents = list(Document.objects.filter(case=case).select_related("document_type").order_by("number"))
    files = _file_entries([d.pk for d in documents if not access.content_hidden(d, read_secret=read_secret)])
    labels = _direction_labels()
    return [_entry(d, case, files.get(d.pk, []), read_secret=read_secret, read_internal=read_internal,
                   direction_labels=labels) for d in documents]


def document_get(*, user, pk: int, case: Case | None = None) -> tuple[Document, DocumentEntry]:
    """One document, masked for this reader. Reading a secret document with the
    right to do so is logged."""
    qs = _documents_qs()
    if case is not None:
        qs = qs.filter(case=case)
    document = qs.filter(pk=pk).first()
    if document is None:
        raise NotFound(_("Handlingen finns inte."))
    entry = _entry_for(user, document)
    if document.is_secret and not entry.content_hidden:
        history.secret_read_log(actor=user, document=document, what="entry")
    return document, entry


# Sections other apps add to a document's page, below its files: callables
# (user, document, entry) -> HTML or "". The registry stands below the apps that
# know more about a document (the documents app lists signatures), so they
# register here in their ready() and are never imported.
_document_sections: list = []


def document_section_register(section) -> None:
    if section not in _document_sections:
        _document_sections.append(section)


def document_sections(*, user, document: Document, entry: DocumentEntry) -> list[str]:
    """The extra sections of a document's page, for a reader who may see its content."""
    if entry.content_hidden:
        return []
    return [html for section in _document_sections if (html := section(user, document, entry))]


def document_for_write(*, pk: int) -> Document:
    """A document to hand to a write service (which checks the rights itself).
    Not masked and not logged as a read: never show it to the user."""
    document = _documents_qs().filter(pk=pk).first()
    if document is None:
        raise NotFound(_("Handlingen finns inte."))
    return document


def document_entry(*, user, document: Document) -> DocumentEntry:
    """The entry of a document the user has just changed, masked for them. Not
    logged as a secret read: the change itself is already in the history."""
    return _entry_for(user, _documents_qs().get(pk=document.pk))


def document_file_for_change(*, document: Document, pk: int) -> DocumentFile:
    """A file version of this document, e.g. the one a new version replaces."""
    document_file = DocumentFile.objects.filter(document=document, pk=pk).first()
    if document_file is None:
        raise NotFound(_("Filen hör inte till handlingen."))
    return document_file


def file_for_download(*, user, file_id: int) -> DocumentFile:
    """A file version to hand out, if this user may read it. Secret reads are logged."""
    document_file = (
        DocumentFile.objects.select_related("blob", "document", "document__case", "document__case__organ")
        .filter(pk=file_id).first()
    )
    if document_file is None:
        raise NotFound(_("Filen finns inte."))
    if file_disposed(document_file) or blob_disposed(document_file.blob):
        raise FileDisposed(_("Filen är gallrad: den har förstörts enligt ett beslut om gallring. Handlingens "
                             "registrering finns kvar i diariet."))
    document = document_file.document
    if document.is_secret:
        if not access.can_read_secret(user, document.case):
            raise PermissionDenied(_("Handlingen är sekretessmarkerad (%(ground)s).") % {"ground": document.secrecy_ground})
        history.secret_read_log(actor=user, document=document, what=f"file {document_file.position} v{document_file.version}")
    if access.file_withheld(document_file, read_internal=access.can_read_internal(user, document.case)):
        raise PermissionDenied(access.file_withheld_message(document_file))
    return document_file


@dataclass
class EventEntry:
    at: dt.datetime
    kind: str
    label: str
    actor_name: str
    document_number: int | None
    details: str


def _copy_request_details(d: dict) -> str:
    """A copy request as staff see it: what was asked for and how to answer.
    Only reached for readers of internal data (case_event_queryset)."""
    request = d.get("request") or {}
    parts = [str(d.get("details", ""))]
    parts.append(_("Namn: %(v)s") % {"v": request.get("name") or _("anonym")})
    if request.get("contact"):
        parts.append(_("Kontakt: %(v)s") % {"v": request["contact"]})
    if request.get("format_label"):
        parts.append(_("Form: %(v)s") % {"v": request["format_label"]})
    if request.get("message"):
        parts.append(_("Meddelande: %(v)s") % {"v": request["message"]})
    return "; ".join(p for p in parts if p)


def _secrecy_review_details(d: dict) -> str:
    """A secrecy review as staff see it: where the documents went, which and
    why they needed it, and the reason given."""
    parts = [str(d.get("where", ""))]
    parts += [f"{doc.get('reference', '')}: {doc.get('message', '')}" for doc in d.get("documents", [])]
    parts.append(_("Skäl: %(v)s") % {"v": d.get("reason", "")})
    return "; ".join(p for p in parts if p)


def _event_details(event: Event) -> str:
    d = event.data or {}
    if event.kind == Event.Kind.COPY_REQUESTED:
        return _copy_request_details(d)
    if event.kind == Event.Kind.SECRECY_REVIEWED:
        # The reason is internal: others see only that a review was made.
        return _secrecy_review_details(d) if getattr(event, "reader_internal", False) else ""
    if event.kind in (Event.Kind.DUE_DATE_SET, Event.Kind.DUE_DATE_DONE):
        return f'{d.get("due_on", "")}: {d.get("reason", "")}'
    if d.get("details"):
        return str(d["details"])
    if event.kind in (Event.Kind.CASE_CLOSED, Event.Kind.CASE_REOPENED):
        return d.get("reason", "")
    if event.kind == Event.Kind.CASE_REGISTERED:
        return d.get("diary_number", "")
    if event.kind == Event.Kind.SECRECY_MARKED:
        return d.get("ground", "")
    if event.kind == Event.Kind.SECRECY_LIFTED:
        return d.get("reason", "")
    if event.kind == Event.Kind.CASE_UPDATED:
        fields = ", ".join(str(Case._meta.get_field(k).verbose_name) for k in d.get("changes", {}))
        return f"{fields}: {d['reason']}" if d.get("reason") else fields
    if event.kind in (Event.Kind.FILE_ADDED, Event.Kind.FILE_VERSION_ADDED):
        if d.get("ocr"):
            return _("fil %(p)s, version %(v)s: textlager tillagt genom OCR (teckentolkning)") % {
                "p": d.get("position"), "v": d.get("version")}
        return _("fil %(p)s, version %(v)s") % {"p": d.get("position"), "v": d.get("version")}
    return ""


def case_event_queryset(*, user, case: Case) -> QuerySet[Event]:
    """The case history in order, as this reader may see it: who read secret
    documents is shown only to those who may read them, requests for copies
    only to staff who may read internal data, and the reasons of secrecy
    reviews too (`reader_internal`, read by event_entries)."""
    internal = access.can_read_internal(user, case)
    events = (
        Event.objects.filter(case=case)
        .annotate(document_number=F("document__number"),
                  reader_internal=Value(internal, output_field=BooleanField()))
        .only("at", "kind", "actor_name", "data", "document_id", "organisation_id")
        .order_by("at", "id")
    )
    hidden = access.hidden_event_kinds(read_secret=access.can_read_secret(user, case), read_internal=internal)
    if hidden:
        events = events.exclude(kind__in=hidden)
    return events


def event_entries(events) -> list[EventEntry]:
    """The entries of events from case_event_queryset, their details as the reader may see them."""
    labels = {value: str(label) for value, label in extensions.event_kind_choices()}
    scanners: dict = {}
    return [
        EventEntry(at=e.at, kind=e.kind, label=labels.get(e.kind, e.kind), actor_name=e.actor_name,
                   document_number=e.document_number,
                   details=access.free_text_shown(_event_details(e), read_internal=e.reader_internal,
                                                  organisation_id=e.organisation_id, scanners=scanners))
        for e in events
    ]


def case_events(*, user, case: Case, latest: int | None = None) -> list[EventEntry]:
    """The case history in time order; with `latest`, only its last entries."""
    events = case_event_queryset(user=user, case=case)
    if latest is None:
        return event_entries(events)
    newest = list(events.order_by("-at", "-id")[:latest])
    return event_entries(reversed(newest))


def secrecy_marked_since(moment: dt.datetime, *, organisation=None) -> bool:
    """Whether any document (of the organisation) was marked secret at or after
    `moment`: what was public before may be masked now."""
    events = Event.objects.filter(kind=Event.Kind.SECRECY_MARKED, at__gte=moment)
    if organisation is not None:
        events = events.filter(organisation=organisation)
    return events.exists()


# --- reference data for forms and filters --------------------------------------------------
def organs_for_filter(*, organisation=None) -> QuerySet[Organ]:
    qs = Organ.objects.exclude(kind=Organ.Kind.EXTERNAL).select_related("organisation")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("name")


def organs_user_can_register_in(user) -> list[Organ]:
    return [o for o in organs_for_filter() if access.can_register_cases(user, o)]


def case_officers(*, organisation=None) -> QuerySet[Person]:
    qs = Person.objects.all()
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("name")


def classifications(*, organisation=None) -> QuerySet[Classification]:
    qs = Classification.objects.all()
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("code")


def case_years() -> list[int]:
    """Years that have cases, read from the few counter rows, not the case table."""
    return list(SeriesCounter.objects.filter(last_seq__gt=0).order_by("-year").values_list("year", flat=True)
                .distinct())


@dataclass
class LinkedCase:
    link_id: int
    label: str  # how this case reads the link: "Ersätter", "Ersatt av" …
    kind: str
    outgoing: bool  # made from this case
    case: Case  # the other case
    title: str  # its title as the reader may see it


def case_links(*, user, case: Case) -> list[LinkedCase]:
    """The case's links to other cases, from both ends, in force. A case's
    register entry is a public record; its title is read as this reader may."""
    links = CaseLink.objects.filter(Q(case=case) | Q(other=case), removed_at__isnull=True).select_related(
        "case", "case__organ", "other", "other__organ").order_by("created_at", "id")
    out = []
    for link in links:
        outgoing = link.case_id == case.pk
        other = link.other if outgoing else link.case
        out.append(LinkedCase(link_id=link.pk, kind=link.kind, outgoing=outgoing, case=other,
                              label=str(link.get_kind_display() if outgoing
                                        else CaseLink.INVERSE[CaseLink.Kind(link.kind)]),
                              title=access.row_value(user, other, other, "title")))
    return out


def case_by_number(*, organisation_id: int, text: str = "", pk: int | None = None) -> Case | None:
    """The organisation's case a diary number names, however it is typed (or, with `pk`, by id)."""
    if pk is not None:
        return Case.objects.filter(organisation_id=organisation_id, pk=pk).first()
    text = (text or "").strip()
    exact = Case.objects.filter(organisation_id=organisation_id, diary_number__iexact=text).first()
    if exact is not None or not text:
        return exact
    return diary_numbers.cases_numbered(text).filter(organisation_id=organisation_id).first()


def classification_referenced(*, pk: int | None, field: str = "classification"):
    """A class of the scheme named in a request (its organisation is checked by the service)."""
    if pk is None:
        return None
    found = classifications().filter(pk=pk).first()
    if found is None:
        raise DomainError(_("Klassificeringen finns inte."), field=field)
    return found


def document_type_referenced(*, pk: int | None, field: str):
    """A document type named in a request (its organisation is checked by the service)."""
    if pk is None:
        return None
    found = DocumentType.objects.filter(pk=pk).first()
    if found is None:
        raise DomainError(_("Handlingstypen finns inte."), field=field)
    return found


def document_types_for(organisation_id: int):
    """The organisation's document types in use, for a registration form."""
    return list(DocumentType.objects.filter(organisation_id=organisation_id, active=True).order_by("name"))


# --- the contact register ----------------------------------------------------------------------
CONTACTS_SHOWN = 100


def contacts(*, user, organisation_id: int, q: str = "") -> list:
    """The organisation's contacts matching `q` (name, e-mail, organisation
    number), for its staff only (access.can_read_contacts); nobody else reads
    the register."""
    if not access.can_read_contacts(user, organisation_id):
        raise PermissionDenied(_("Du har inte behörighet att läsa kontaktregistret."))
    qs = Contact.objects.filter(organisation_id=organisation_id)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(org_number__icontains=q))
    return list(qs.order_by("name", "pk")[:CONTACTS_SHOWN])


def contact_get(*, user, organisation_id: int, pk: int):
    if not access.can_read_contacts(user, organisation_id):
        raise PermissionDenied(_("Du har inte behörighet att läsa kontaktregistret."))
    contact = Contact.objects.filter(organisation_id=organisation_id, pk=pk).first()
    if contact is None:
        raise NotFound(_("Kontakten finns inte."))
    return contact
