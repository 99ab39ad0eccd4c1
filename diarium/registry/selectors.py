"""Reads from the case register. Every selector takes the acting user and returns
only what that user may see; masking happens here, once, for UI and API alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts.models import Organ, Organisation, Person
from diarium.core.errors import NotFound, PermissionDenied

from . import access
from .models import Case, Classification, Document, DocumentFile, Event, SeriesCounter


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
        qs = qs.filter(Q(title__icontains=q) | Q(diary_number__icontains=q) | Q(description__icontains=q))
    return qs.order_by("-registered_at", "-id")


def case_get(*, user, pk: int) -> Case:
    case = Case.objects.select_related("organ", "organisation", "case_officer", "classification", "series").filter(pk=pk).first()
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
    description: str | None
    description_masked: bool
    is_secret: bool
    secrecy_ground: str
    secrecy_marked_at: dt.datetime | None
    content_hidden: bool
    files: list[FileEntry] = field(default_factory=list)
    # Why the counterpart is hidden: access.MASKED_SECRET, access.MASKED_PRIVATE or None.
    counterpart_mask_reason: str | None = None


def _entry(document: Document, case: Case, *, read_secret: bool, read_internal: bool) -> DocumentEntry:
    def show(name):
        return not access.masked(document, name, read_secret=read_secret, read_internal=read_internal)

    hidden = access.content_hidden(document, read_secret=read_secret)
    files: list[FileEntry] = []
    if not hidden:
        by_position: dict[int, list[FileVersion]] = {}
        for f in document.files.all():  # prefetched, newest version first
            by_position.setdefault(f.position, []).append(
                FileVersion(f.pk, f.version, f.filename, f.blob.size, f.blob.content_type, f.blob.sha256, f.created_at)
            )
        files = [FileEntry(p, v) for p, v in sorted(by_position.items())]
    return DocumentEntry(
        id=document.pk, case_id=case.pk, number=document.number, reference=f"{case.diary_number}-{document.number}",
        direction=document.direction, direction_label=document.get_direction_display(),
        document_date=document.document_date, registered_at=document.registered_at,
        counterpart=document.counterpart if show("counterpart") else None,
        counterpart_masked=not show("counterpart"),
        counterpart_is_private=document.counterpart_is_private if read_internal else False,
        description=document.description if show("description") else None,
        description_masked=not show("description"),
        is_secret=document.is_secret, secrecy_ground=document.secrecy_ground,
        secrecy_marked_at=document.secrecy_marked_at, content_hidden=hidden, files=files,
        counterpart_mask_reason=access.mask_reason(document, "counterpart", read_secret=read_secret,
                                                   read_internal=read_internal),
    )


def _documents_qs():
    return Document.objects.prefetch_related(
        Prefetch("files", queryset=DocumentFile.objects.select_related("blob").order_by("position", "-version"))
    )


def document_entries(*, user, case: Case) -> list[DocumentEntry]:
    """The case's documents, masked for this reader. Two queries however many."""
    read_secret = access.can_read_secret(user, case)
    read_internal = access.can_read_internal(user, case)
    documents = _documents_qs().filter(case=case).order_by("number")
    return [_entry(d, case, read_secret=read_secret, read_internal=read_internal) for d in documents]


def document_get(*, user, pk: int, case: Case | None = None) -> tuple[Document, DocumentEntry]:
    """One document, masked for this reader. Reading a secret document with the
    right to do so is logged."""
    qs = _documents_qs().select_related("case", "case__organ", "case__organisation")
    if case is not None:
        qs = qs.filter(case=case)
    document = qs.filter(pk=pk).first()
    if document is None:
        raise NotFound(_("Handlingen finns inte."))
    read_secret = access.can_read_secret(user, document.case)
    entry = _entry(document, document.case, read_secret=read_secret,
                   read_internal=access.can_read_internal(user, document.case))
    if document.is_secret and read_secret:
        from .services import secret_read_log

        secret_read_log(actor=user, document=document, what="entry")
    return document, entry


def document_for_write(*, pk: int) -> Document:
    """A document to hand to a write service (which checks the rights itself).
    Not masked and not logged as a read: never show it to the user."""
    document = _documents_qs().select_related("case", "case__organ", "case__organisation").filter(pk=pk).first()
    if document is None:
        raise NotFound(_("Handlingen finns inte."))
    return document


def document_entry(*, user, document: Document) -> DocumentEntry:
    """The entry of a document the user has just changed, masked for them. Not
    logged as a secret read: the change itself is already in the history."""
    document = _documents_qs().select_related("case").get(pk=document.pk)
    return _entry(document, document.case, read_secret=access.can_read_secret(user, document.case),
                  read_internal=access.can_read_internal(user, document.case))


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
    document = document_file.document
    if document.is_secret:
        if not access.can_read_secret(user, document.case):
            raise PermissionDenied(_("Handlingen är sekretessmarkerad (%(ground)s).") % {"ground": document.secrecy_ground})
        from .services import secret_read_log

        secret_read_log(actor=user, document=document, what=f"file {document_file.position} v{document_file.version}")
    return document_file


@dataclass
class EventEntry:
    at: dt.datetime
    kind: str
    label: str
    actor_name: str
    document_number: int | None
    details: str


def _event_details(event: Event) -> str:
    d = event.data or {}
    if event.kind in (Event.Kind.CASE_CLOSED, Event.Kind.CASE_REOPENED):
        return d.get("reason", "")
    if event.kind == Event.Kind.CASE_REGISTERED:
        return d.get("diary_number", "")
    if event.kind == Event.Kind.SECRECY_MARKED:
        return d.get("ground", "")
    if event.kind == Event.Kind.SECRECY_LIFTED:
        return d.get("reason", "")
    if event.kind == Event.Kind.CASE_UPDATED:
        return ", ".join(str(Case._meta.get_field(k).verbose_name) for k in d.get("changes", {}))
    if event.kind in (Event.Kind.FILE_ADDED, Event.Kind.FILE_VERSION_ADDED):
        return _("fil %(p)s, version %(v)s") % {"p": d.get("position"), "v": d.get("version")}
    return ""


def case_events(*, user, case: Case) -> list[EventEntry]:
    """The case history. Who read secret documents is shown only to those who may
    read them."""
    read_secret = access.can_read_secret(user, case)
    events = Event.objects.filter(case=case).select_related("document").order_by("at", "id")
    if not read_secret:
        events = events.exclude(kind=Event.Kind.SECRET_READ)
    result = []
    for e in events:
        result.append(EventEntry(
            at=e.at, kind=e.kind, label=e.get_kind_display(), actor_name=e.actor_name,
            document_number=e.document.number if e.document_id else None,
            details=_event_details(e),
        ))
    return result


# --- reference data for forms and filters --------------------------------------------------
def organisations_for(user) -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


def organs_for_filter(*, organisation=None) -> QuerySet[Organ]:
    qs = Organ.objects.exclude(kind=Organ.Kind.EXTERNAL).select_related("organisation")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("name")


def organs_user_can_register_in(user) -> list[Organ]:
    g = roles.grants_for(user)
    return [o for o in organs_for_filter() if g.allows(roles.REGISTER_CASE, o.organisation_id, o.pk)]


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
    return sorted(set(SeriesCounter.objects.filter(last_seq__gt=0).values_list("year", flat=True)), reverse=True)
