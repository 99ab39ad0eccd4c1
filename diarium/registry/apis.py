"""The case register over JSON: thin endpoints over services and selectors.

Document entries come from selectors.document_entries / document_get, which
mask secret and private fields; this module only serialises them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from diarium.accounts import selectors as people
from diarium.accounts.sites import require_on_site, site_organisation
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS, ErrorOut
from diarium.core.api.types import Id, Offset
from diarium.core.lookups import referenced
from diarium.core.limits import IsoDate, PastIsoDate

from . import access, osl, selectors, services
from . import files as file_store
from .paging import CURSOR_MAX, list_page
from .selectors import privacy as privacy_selectors
from .models import (
    CASE_DESCRIPTION_MAX,
    CASE_TITLE_MAX,
    DOCUMENT_COUNTERPART_MAX,
    DOCUMENT_DESCRIPTION_MAX,
    REASON_MAX,
    REGISTER_QUERY_MAX,
    SECRECY_GROUND_MAX,
    Case,
)
from .schemas import (
    PARTY_KIND_DESCRIPTION,
    Direction,
    DocumentFields,
    DocumentOut,
    OrganRef,
    PartyKindIn,
    PersonRef,
)

router = Router(tags=["Diarium"])

MAX_PAGE = 100

MaskableField = Literal["counterpart", "description"]


# --- schemas (those other apps' APIs show too are in schemas.py) ---------------------------
class ClassificationRef(Schema):
    """The process the case is classified with (klassificeringsstrukturen)."""

    id: int
    code: str = Field(description="Processens kod, t.ex. \"1.2.3\".")
    title: str


class CaseListItem(Schema):
    id: int
    diary_number: str
    title: str
    status: Literal["open", "closed"]
    status_label: str
    organisation_id: int
    organ: OrganRef
    case_officer: PersonRef | None
    registered_at: dt.datetime
    closed_at: dt.datetime | None
    document_count: int

    @staticmethod
    def resolve_status_label(obj: Case) -> str:
        return str(obj.get_status_display())


class CasePermissions(Schema):
    read_secret: bool
    read_internal: bool
    register_document: bool
    mark_secret: bool
    close: bool
    edit: bool


class CaseOut(CaseListItem):
    year: int
    description: str
    classification: ClassificationRef | None
    permissions: CasePermissions
    title_protected: bool = Field(description="Sant när ärendemeningen är skyddad (OSL 5 kap. 2 §): allmänheten "
                                              "ser bara den skyddade meningen.")
    privacy_pending: bool = Field(description="Sant när maskeringsassistenten har fynd i ärendets mening eller "
                                              "beskrivning som ingen har granskat; de hålls borta från allmänheten.")

    @staticmethod
    def resolve_title(obj: Case, context) -> str:
        return access.case_value(context["request"].auth, obj, "title")

    @staticmethod
    def resolve_description(obj: Case, context) -> str:
        return access.case_value(context["request"].auth, obj, "description")

    @staticmethod
    def resolve_title_protected(obj: Case) -> bool:
        return bool(((obj.privacy or {}).get("title") or {}).get("protected"))

    @staticmethod
    def resolve_permissions(obj: Case, context) -> dict:
        return access.case_permissions(context["request"].auth, obj)


COUNT_CAP = 1000  # beyond this many matches a list says "more than" instead of counting them all
CURSOR_DESCRIPTION = ("Sidmarkör: värdet av `next_cursor` eller `previous_cursor` i ett tidigare svar (eller "
                      "länkarna `next` och `previous`, som redan har den). Sidorna hämtas då efter sin plats i "
                      "ordningen och inte genom att hoppa över rader, så en sida långt bak går lika fort som den "
                      "första. Kan inte kombineras med `offset`. En ogiltig sidmarkör ger 400.")
OFFSET_DESCRIPTION = ("Hoppa över så många träffar. Finns kvar för äldre klienter: blir långsamt för stora värden, "
                      "använd `cursor` i stället.")


class ListPageOut(Schema):
    """What a paged list says besides its items."""

    count: int = Field(description=(
        "Antal träffar. Fler än 1 000 räknas inte till slut: då är `count` 1 001 och `count_capped` true."))
    count_capped: bool = Field(description="Sant när träffarna är fler än 1 000 och `count` därför inte är exakt.")
    next: str | None = Field(description="Länk till nästa sida (med `cursor`), eller null på den sista.")
    previous: str | None = Field(description="Länk till föregående sida (med `cursor`), eller null på den första.")
    next_cursor: str | None = Field(description="Sidmarkören för nästa sida (parametern `cursor`), eller null.")
    previous_cursor: str | None = Field(description="Sidmarkören för föregående sida, eller null.")


class CasePage(ListPageOut):
    items: list[CaseListItem]


class CaseFilters(Schema):
    organisation: Id | None = None
    organ: Id | None = None
    year: int | None = Field(None, ge=1900, le=2999)
    status: Literal["open", "closed"] | None = None
    case_officer: Id | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    q: str | None = Field(None, max_length=REGISTER_QUERY_MAX)
    limit: int = Field(25, ge=1, le=MAX_PAGE, description="Högst så många ärenden per sida.")
    cursor: str | None = Field(None, max_length=CURSOR_MAX, description=CURSOR_DESCRIPTION)
    offset: Offset = Field(0, ge=0, description=OFFSET_DESCRIPTION)


CLASSIFICATION_RULE = ("En process i organisationens klassificeringsstruktur; krävs när organisationen har en "
                       "struktur med processer i bruk (annars valfri).")


class CaseIn(Schema):
    organ: Id
    title: str = Field(max_length=CASE_TITLE_MAX)
    case_officer: Id | None = None
    classification: Id | None = Field(None, description=CLASSIFICATION_RULE)
    description: str = Field("", max_length=CASE_DESCRIPTION_MAX)


class CaseUpdateIn(Schema):
    title: str = Field(None, max_length=CASE_TITLE_MAX)
    description: str = Field(None, max_length=CASE_DESCRIPTION_MAX)
    case_officer: Id | None = None
    classification: Id | None = Field(None, description=CLASSIFICATION_RULE)


class ReasonIn(Schema):
    reason: str = Field("", max_length=REASON_MAX)



class FindingOut(Schema):
    index: int
    kind: Literal["pnr", "pnr_possible", "phone", "email", "address", "name", "sensitive"]
    kind_label: str
    text: str
    state: Literal["pending", "masked", "released"]
    reason: str
    by: str
    at: str


class ReviewFieldOut(Schema):
    model: str = Field(description="Vilken sorts registrering: registry.case, registry.document, …")
    pk: int
    row_label: str
    field: str
    field_label: str
    original: str = Field(description="Texten som den skrevs.")
    shown: str = Field(description="Det allmänheten ser.")
    findings: list[FindingOut]
    protected: dict | None = None


class CasePrivacyOut(Schema):
    case_id: int
    pending: int
    fields: list[ReviewFieldOut]

    @staticmethod
    def resolve_case_id(obj) -> int:
        return obj.case.pk


class VerdictIn(Schema):
    model: str = Field(max_length=60)
    pk: Id
    field: str = Field(max_length=60)
    index: int = Field(ge=0, le=10_000)
    action: Literal["mask", "release"]
    reason: str = Field("", max_length=REASON_MAX)


class PrivacyReviewIn(Schema):
    verdicts: list[VerdictIn] = Field(max_length=1000)


class ProtectIn(Schema):
    public_title: str = Field(max_length=CASE_TITLE_MAX)
    ground: str = Field(max_length=SECRECY_GROUND_MAX)
    protect_description: bool = True


class CaseRef(Schema):
    id: int
    diary_number: str
    title: str


class DocumentListItem(DocumentFields):
    case: CaseRef
    organ: OrganRef

    @staticmethod
    def resolve_organ(obj):
        return obj.case.organ


class DocumentPage(ListPageOut):
    items: list[DocumentListItem]


class DocumentFilters(Schema):
    organisation: Id | None = Field(None, description="Organisationens id.")
    organ: Id | None = Field(None, description="Organets id.")
    year: int | None = Field(None, ge=1900, le=2999, description="År då handlingen registrerades.")
    direction: Direction | None = Field(None, description="Handlingens riktning.")
    date_from: IsoDate | None = Field(None, description="Registrerad denna dag eller senare (ÅÅÅÅ-MM-DD).")
    date_to: IsoDate | None = Field(None, description="Registrerad denna dag eller tidigare (ÅÅÅÅ-MM-DD).")
    q: str | None = Field(None, max_length=REGISTER_QUERY_MAX, description=(
        "Fritext: diarienummer, handlingens nummer (\"KS 2018/12-3\"), ärendemening och de uppgifter om "
        "avsändare/mottagare och beskrivning som läsaren får se."))
    limit: int = Field(25, ge=1, le=MAX_PAGE, description="Högst så många handlingar per sida.")
    cursor: str | None = Field(None, max_length=CURSOR_MAX, description=CURSOR_DESCRIPTION)
    offset: Offset = Field(0, ge=0, description=OFFSET_DESCRIPTION)


class DocumentIn(Schema):
    direction: Direction
    document_date: PastIsoDate
    counterpart: str = Field("", max_length=DOCUMENT_COUNTERPART_MAX)
    counterpart_kind: PartyKindIn = Field("auto", description="Vad avsändaren/mottagaren är: " + PARTY_KIND_DESCRIPTION)
    counterpart_is_private: bool | None = Field(None, description=(
        "Äldre sätt att ange counterpart_kind: true betyder \"private\"; false lämnar counterpart_kind som "
        "det är."))
    description: str = Field("", max_length=DOCUMENT_DESCRIPTION_MAX)
    document_type: Id | None = Field(None, description="One of the organisation's document types.")
    received_via: Literal["", "email", "post", "e_service", "hand"] = Field(
        "", description="How an incoming document came in.")


class SecrecyIn(Schema):
    ground: str = Field(max_length=SECRECY_GROUND_MAX)
    masked_fields: list[MaskableField] = []


class EventOut(Schema):
    at: dt.datetime
    kind: str
    label: str
    actor_name: str
    document_number: int | None
    details: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.label)


# --- lookups of referenced rows ----------------------------------------------------------



def _person(pk: int | None):
    if pk is None:
        return None
    return referenced(lambda: people.person_get(pk=pk), "case_officer")


# --- cases --------------------------------------------------------------------------------
class ProvisionOut(Schema):
    reference: str = Field(description="E.g. \"OSL 26 kap. 1 §\": what a document's secrecy ground is set to.")
    text: str = Field(description="What the provision protects, in short (the law's own wording governs).")


@router.get("/secrecy-provisions", response={200: list[ProvisionOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="secrecy_provisions")
def secrecy_provisions(request):
    """The provisions of offentlighets- och sekretesslagen the register offers as secrecy grounds."""
    return [{"reference": ref, "text": str(text)} for ref, text in osl.PROVISIONS]


def _paged(request, queryset, filters, items=lambda rows: rows) -> dict:
    """A page of a list with its capped count and the links beside it (registry.paging)."""
    page = list_page(queryset, limit=filters.limit, offset=filters.offset, cursor=filters.cursor, cap=COUNT_CAP)

    def link(cursor: str | None) -> str | None:
        if cursor is None:
            return None
        query = request.GET.copy()
        query.pop("offset", None)
        query["cursor"] = cursor
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {"count": page.count, "count_capped": page.count_capped, "items": items(page.items),
            "next": link(page.next_cursor), "previous": link(page.previous_cursor),
            "next_cursor": page.next_cursor, "previous_cursor": page.previous_cursor}


@router.get("/cases", response={200: CasePage, **ERRORS}, auth=PUBLIC_READ, url_name="case_list",
            summary="Diariets ärenden",
            description=(
                "Det publika diariet på ärendenivå, senast registrerade först. Läsning utan inloggning är "
                "tillåten. Bläddra med `next` och `previous` (eller `cursor`); `offset` finns kvar för äldre "
                "klienter. Träffarna räknas upp till 1 000 (`count_capped`)."))
def case_list(request, filters: Query[CaseFilters]):
    """The public register of cases, newest first. Anonymous reading is allowed."""
    site = site_organisation(request)  # an organisation's own site answers for it alone
    qs = selectors.case_list(
        user=actor(request), organisation=site or filters.organisation, organ=filters.organ, year=filters.year,
        status=filters.status, case_officer=filters.case_officer, date_from=filters.date_from,
        date_to=filters.date_to, q=filters.q,
    )
    return _paged(request, qs, filters)


@router.post("/cases", response={201: CaseOut, **ERRORS}, auth=WRITE, url_name="case_register")
def case_register(request, payload: CaseIn):
    """Register a case; it gets the next diary number of the organ's series."""
    case = services.case_register(
        actor=actor(request),
        organ=referenced(lambda: people.organ_get(pk=payload.organ), "organ"),
        title=payload.title,
        case_officer=_person(payload.case_officer),
        classification=selectors.classification_referenced(pk=payload.classification),
        description=payload.description,
    )
    return Status(201, selectors.case_get(user=actor(request), pk=case.pk))


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, auth=PUBLIC_READ, url_name="case_detail")
def case_detail(request, case_id: Id):
    case = selectors.case_get(user=actor(request), pk=case_id)
    require_on_site(request, case.organisation_id)
    return case


@router.patch("/cases/{case_id}", response={200: CaseOut, **ERRORS}, auth=WRITE, url_name="case_update")
def case_update(request, case_id: Id, payload: CaseUpdateIn):
    """Change title, description, case officer or classification. Send only the
    fields to change; null clears the case officer or classification."""
    user = actor(request)
    case = selectors.case_get(user=user, pk=case_id)
    changes = payload.dict(exclude_unset=True)
    if "case_officer" in changes:
        changes["case_officer"] = _person(changes["case_officer"])
    if "classification" in changes:
        changes["classification"] = selectors.classification_referenced(pk=changes["classification"])
    services.case_update(actor=user, case=case, **changes)
    return selectors.case_get(user=user, pk=case_id)


@router.post("/cases/{case_id}/close", response={200: CaseOut, **ERRORS}, auth=WRITE, url_name="case_close")
def case_close(request, case_id: Id, payload: ReasonIn):
    user = actor(request)
    services.case_close(actor=user, case=selectors.case_get(user=user, pk=case_id), reason=payload.reason)
    return selectors.case_get(user=user, pk=case_id)


@router.post("/cases/{case_id}/reopen", response={200: CaseOut, **ERRORS}, auth=WRITE, url_name="case_reopen")
def case_reopen(request, case_id: Id, payload: ReasonIn):
    user = actor(request)
    services.case_reopen(actor=user, case=selectors.case_get(user=user, pk=case_id), reason=payload.reason)
    return selectors.case_get(user=user, pk=case_id)


@router.get("/cases/{case_id}/events", response={200: list[EventOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="case_events")
def case_events(request, case_id: Id):
    """The case history, oldest first."""
    user = actor(request)
    case = selectors.case_get(user=user, pk=case_id)
    require_on_site(request, case.organisation_id)
    return selectors.case_events(user=user, case=case)


# --- the masking assistant's review and a case's protection (issue 18) -------------------------
@router.get("/cases/{case_id}/privacy", response={200: CasePrivacyOut, **ERRORS}, auth=WRITE,
            url_name="case_privacy")
def case_privacy(request, case_id: Id):
    """What the masking assistant found in the case's registrations, as written,
    with each finding's review: for the registrar."""
    user = actor(request)
    return privacy_selectors.case_privacy(user=user, case=selectors.case_get(user=user, pk=case_id))


@router.post("/cases/{case_id}/privacy/review", response={200: CasePrivacyOut, **ERRORS}, auth=WRITE,
             url_name="case_privacy_review")
def case_privacy_review(request, case_id: Id, payload: PrivacyReviewIn):
    """Accept ("mask") or reject ("release") the assistant's findings. A personal
    identity number is released only with a reason. All or nothing."""
    user = actor(request)
    case = selectors.case_get(user=user, pk=case_id)
    services.privacy_review(actor=user, case=case, verdicts=[services.Verdict(**v.dict()) for v in payload.verdicts])
    return privacy_selectors.case_privacy(user=user, case=case)


@router.post("/cases/{case_id}/protection", response={200: CaseOut, **ERRORS}, auth=WRITE,
             url_name="case_protect")
def case_protect(request, case_id: Id, payload: ProtectIn):
    """Protect the case's title (OSL 5 kap. 2 §): the public, and staff without
    the right to read secret data, see only `public_title`."""
    user = actor(request)
    services.case_protect(actor=user, case=selectors.case_get(user=user, pk=case_id), **payload.dict())
    return selectors.case_get(user=user, pk=case_id)


@router.post("/cases/{case_id}/protection/lift", response={200: CaseOut, **ERRORS}, auth=WRITE,
             url_name="case_unprotect")
def case_unprotect(request, case_id: Id, payload: ReasonIn):
    """Lift the protection of the case's title."""
    user = actor(request)
    services.case_unprotect(actor=user, case=selectors.case_get(user=user, pk=case_id), reason=payload.reason)
    return selectors.case_get(user=user, pk=case_id)


# --- documents ------------------------------------------------------------------------------
@router.get("/documents", response={200: DocumentPage, **ERRORS}, auth=PUBLIC_READ, url_name="document_list",
            summary="Diariets handlingar",
            description=(
                "Det publika diariet på handlingsnivå, senast registrerade först. Läsning utan inloggning är "
                "tillåten. Varje handling visas med det som offentlighets- och sekretesslagen tillåter: "
                "sekretessmarkerade uppgifter och privatpersoners namn är null, med skälet i `*_mask_reason` "
                "och den neutrala texten (\"Sekretessmarkerad uppgift\", \"Privatperson\") i `*_text`. "
                "Fritextsökningen träffar bara uppgifter som läsaren får se. Ett datumintervall som slutar "
                "före sin början ger 400. Bläddra med `next` och `previous` (eller `cursor`); `offset` finns "
                "kvar för äldre klienter. Träffarna räknas upp till 1 000 (`count_capped`)."))
def document_list(request, filters: Query[DocumentFilters]):
    """The public register of documents: thin over selectors.document_list."""
    user = actor(request)
    site = site_organisation(request)
    qs = selectors.document_list(
        user=user, organisation=site or filters.organisation, organ=filters.organ, year=filters.year,
        direction=filters.direction, date_from=filters.date_from, date_to=filters.date_to, q=filters.q,
    )
    return _paged(request, qs, filters, items=lambda documents: selectors.register_entries(user=user,
                                                                                         documents=documents))


@router.get("/cases/{case_id}/documents", response={200: list[DocumentOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="case_documents")
def case_documents(request, case_id: Id):
    """The case's documents. Masked fields are null with their `*_masked` flag set;
    files of secret documents are left out (`content_hidden`)."""
    user = actor(request)
    case = selectors.case_get(user=user, pk=case_id)
    require_on_site(request, case.organisation_id)
    return selectors.document_entries(user=user, case=case)


@router.post("/cases/{case_id}/documents", response={201: DocumentOut, **ERRORS}, auth=WRITE,
             url_name="document_register")
def document_register(request, case_id: Id, form: Form[DocumentIn], files: File[list[UploadedFile]] = None):
    """Register a document with its files (multipart/form-data). A file that is
    refused leaves nothing behind."""
    user = actor(request)
    document = services.document_register(
        actor=user, case=selectors.case_get(user=user, pk=case_id), direction=form.direction,
        document_date=form.document_date, description=form.description, counterpart=form.counterpart,
        counterpart_kind=form.counterpart_kind, counterpart_is_private=form.counterpart_is_private,
        document_type=selectors.document_type_referenced(pk=form.document_type, field="document_type"),
        received_via=form.received_via, files=files or [],
    )
    return Status(201, selectors.document_entry(user=user, document=document))


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS}, auth=PUBLIC_READ,
            url_name="document_detail")
def document_detail(request, document_id: Id):
    """One document. Reading a secret document with the right to do so is logged."""
    document, entry = selectors.document_get(user=actor(request), pk=document_id)
    require_on_site(request, document.case.organisation_id)
    return entry


@router.post("/documents/{document_id}/secrecy", response={200: DocumentOut, **ERRORS}, auth=WRITE,
             url_name="document_secrecy")
def document_mark_secret(request, document_id: Id, payload: SecrecyIn):
    """Mark a document secret with its legal ground and the fields to mask."""
    user = actor(request)
    document = services.document_mark_secret(
        actor=user, document=selectors.document_for_write(pk=document_id), ground=payload.ground,
        masked_fields=payload.masked_fields,
    )
    return selectors.document_entry(user=user, document=document)


def _lift(request, document_id: int, reason: str):
    user = actor(request)
    document = services.document_lift_secrecy(
        actor=user, document=selectors.document_for_write(pk=document_id), reason=reason
    )
    return selectors.document_entry(user=user, document=document)


@router.delete("/documents/{document_id}/secrecy", response={200: DocumentOut, **ERRORS}, auth=WRITE,
               url_name="document_secrecy_delete")
def document_lift_secrecy(request, document_id: Id, payload: ReasonIn):
    """Lift the secrecy mark; the reason goes into the history."""
    return _lift(request, document_id, payload.reason)


@router.post("/documents/{document_id}/secrecy/lift", response={200: DocumentOut, **ERRORS}, auth=WRITE,
             url_name="document_secrecy_lift")
def document_lift_secrecy_post(request, document_id: Id, payload: ReasonIn):
    """The same as DELETE …/secrecy, for clients that cannot send a body with DELETE."""
    return _lift(request, document_id, payload.reason)


@router.post("/documents/{document_id}/files", response={201: DocumentOut, **ERRORS}, auth=WRITE,
             url_name="document_file_add")
def document_file_add(request, document_id: Id, file: File[UploadedFile], replaces: Form[int | None] = None):
    """Add a file (multipart/form-data), or a new version of one with `replaces`
    (the id of the file version it replaces). Earlier versions stay."""
    user = actor(request)
    document = selectors.document_for_write(pk=document_id)
    replaced = None
    if replaces is not None:
        replaced = referenced(
            lambda: selectors.document_file_for_change(document=document, pk=replaces), "replaces"
        )
    services.document_file_add(actor=user, document=document, upload=file, replaces=replaced)
    return Status(201, selectors.document_entry(user=user, document=document))


@router.get("/files/{file_id}/content", response={200: None, **ERRORS, 410: ErrorOut}, auth=PUBLIC_READ,
            url_name="file_content")
def file_content(request, file_id: Id):
    """The file's content. Files of secret documents need the right to read
    them, and each such read is logged. A file disposed of (gallrad) is 410."""
    document_file = selectors.file_for_download(user=actor(request), file_id=file_id)
    require_on_site(request, document_file.document.case.organisation_id)
    return file_store.file_response(document_file.blob, document_file.filename)

