"""An organisation's diary number series and classification scheme, kept by its
own administrators over JSON: thin over accounts.access.organisation_for_admin_get
and reference.py.

Who: the admin role for the whole organisation (or a superuser). An
administrator of one organisation is refused another's (403) and never finds
its rows (404). A series or process code in use is never removed (409)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema, Status

from diarium.accounts import access as accounts_access
from diarium.accounts import selectors as people
from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS as API_ERRORS
from diarium.core.api.errors import ErrorOut
from diarium.core.api.types import Id
from diarium.core.lookups import referenced

from . import reference, services
from .apis import OrganRef
from .models import CLASSIFICATION_CODE_MAX, CLASSIFICATION_DESCRIPTION_MAX, CLASSIFICATION_TITLE_MAX

router = Router(tags=["Organisation"])

ERRORS = {**API_ERRORS, 409: ErrorOut}  # 409: still in use


class SeriesOut(Schema):
    id: int
    organisation_id: int
    code: str
    name: str
    organs: list[OrganRef] = Field(description="Organen som numrerar sina ärenden i serien.")

    @staticmethod
    def resolve_organs(obj) -> list:
        return sorted(obj.organs.all(), key=lambda o: (o.name, o.pk))


class SeriesIn(Schema):
    code: str = Field(max_length=20, description="Seriekoden i diarienumret, t.ex. \"KS\".")
    name: str = Field(max_length=200)
    organs: list[Id] = Field([], description="Organens id.")


class SeriesChangeIn(Schema):
    code: str = Field(None, max_length=20, description="Gäller ärenden som registreras efter ändringen.")
    name: str = Field(None, max_length=200)
    organs: list[Id] = Field(None, description="Alla organ som ska numrera i serien.")


ClassificationLevel = Literal["area", "process_group", "process"]
LEVEL_DESCRIPTION = ("Nivå: \"area\" (verksamhetsområde, kod med ett led), \"process_group\" (processgrupp, två "
                     "led) eller \"process\" (tre led). Utelämnad: följer av kodens antal led.")


class ClassificationOut(Schema):
    id: int
    organisation_id: int
    code: str
    title: str
    level: ClassificationLevel
    level_label: str
    parent_id: int | None = Field(description="Den överordnade nivån; null för ett verksamhetsområde.")
    description: str
    active: bool = Field(description="false: avvecklad, finns kvar på sina ärenden men erbjuds inte för nya.")
    retention: str

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())


class ClassificationIn(Schema):
    code: str = Field(max_length=CLASSIFICATION_CODE_MAX, description="T.ex. \"1\", \"1.2\" eller \"1.2.3\".")
    title: str = Field(max_length=CLASSIFICATION_TITLE_MAX)
    level: ClassificationLevel | None = Field(None, description=LEVEL_DESCRIPTION)
    parent: Id | None = Field(None, description="Den överordnade nivåns id; utelämnad: hittas genom koden.")
    description: str = Field("", max_length=CLASSIFICATION_DESCRIPTION_MAX)
    retention: str = Field("", max_length=200, description="Bevarande eller gallring.")


class ClassificationChangeIn(Schema):
    code: str = Field(None, max_length=CLASSIFICATION_CODE_MAX)
    title: str = Field(None, max_length=CLASSIFICATION_TITLE_MAX)
    description: str = Field(None, max_length=CLASSIFICATION_DESCRIPTION_MAX)
    retention: str = Field(None, max_length=200)
    active: bool | None = Field(None, description="false avvecklar, true tar i bruk igen.")


def _organs(organisation, ids: list[int] | None):
    if ids is None:
        return None
    return referenced(lambda: [people.organ_of(organisation=organisation, pk=pk) for pk in dict.fromkeys(ids)],
                      "organs")


def _set(payload) -> dict:
    """The fields sent, null ones left as they are."""
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}


# --- series -------------------------------------------------------------------------------------
@router.get("/organisations/{organisation_id}/series", response={200: list[SeriesOut], **ERRORS}, auth=WRITE,
            url_name="admin_series_list")
def admin_series_list(request, organisation_id: Id):
    organisation = accounts_access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    return reference.series_of(organisation=organisation)


@router.post("/organisations/{organisation_id}/series", response={201: SeriesOut, **ERRORS}, auth=WRITE,
             url_name="admin_series_create")
def admin_series_create(request, organisation_id: Id, payload: SeriesIn):
    """Add a diary number series; an organ numbers in one series only."""
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    series = reference.series_create(actor=user, organisation=organisation, code=payload.code, name=payload.name,
                                     organs=_organs(organisation, payload.organs))
    return Status(201, reference.series_get(organisation=organisation, pk=series.pk))


@router.patch("/organisations/{organisation_id}/series/{series_id}", response={200: SeriesOut, **ERRORS},
              auth=WRITE, url_name="admin_series_change")
def admin_series_change(request, organisation_id: Id, series_id: Id, payload: SeriesChangeIn):
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    series = reference.series_get(organisation=organisation, pk=series_id)
    changes = _set(payload)
    if "organs" in changes:
        changes["organs"] = _organs(organisation, changes["organs"])
    reference.series_update(actor=user, series=series, **changes)
    return reference.series_get(organisation=organisation, pk=series_id)


@router.delete("/organisations/{organisation_id}/series/{series_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="admin_series_delete")
def admin_series_delete(request, organisation_id: Id, series_id: Id):
    """Remove a series no case uses and no number has been taken in (409 otherwise)."""
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    reference.series_delete(actor=user, series=reference.series_get(organisation=organisation, pk=series_id))
    return Status(204, None)


# --- the classification scheme -----------------------------------------------------------------
@router.get("/organisations/{organisation_id}/classifications", response={200: list[ClassificationOut], **ERRORS},
            auth=WRITE, url_name="admin_classification_list")
def admin_classification_list(request, organisation_id: Id):
    organisation = accounts_access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    return reference.classifications_of(organisation=organisation)


@router.post("/organisations/{organisation_id}/classifications", response={201: ClassificationOut, **ERRORS},
             auth=WRITE, url_name="admin_classification_create")
def admin_classification_create(request, organisation_id: Id, payload: ClassificationIn):
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    parent = None
    if payload.parent is not None:
        parent = referenced(lambda: reference.classification_get(organisation=organisation, pk=payload.parent),
                            "parent")
    return Status(201, services.classification_create(
        actor=user, organisation=organisation, code=payload.code, title=payload.title, level=payload.level,
        parent=parent, description=payload.description, retention=payload.retention))


@router.patch("/organisations/{organisation_id}/classifications/{classification_id}",
              response={200: ClassificationOut, **ERRORS}, auth=WRITE, url_name="admin_classification_change")
def admin_classification_change(request, organisation_id: Id, classification_id: Id,
                                payload: ClassificationChangeIn):
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    classification = reference.classification_get(organisation=organisation, pk=classification_id)
    return services.classification_update(actor=user, classification=classification, **_set(payload))


@router.delete("/organisations/{organisation_id}/classifications/{classification_id}",
               response={204: None, **ERRORS}, auth=WRITE, url_name="admin_classification_delete")
def admin_classification_delete(request, organisation_id: Id, classification_id: Id):
    """Remove a node no case is classified with and nothing lies under (409
    otherwise: retire it with active false)."""
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    services.classification_delete(
        actor=user, classification=reference.classification_get(organisation=organisation, pk=classification_id))
    return Status(204, None)


# --- document types -----------------------------------------------------------------------------
class DocumentTypeOut(Schema):
    id: int
    name: str
    active: bool


class DocumentTypeIn(Schema):
    name: str = Field(max_length=100, description="E.g. \"Ansökan\", \"Yttrande\", \"Protokoll\".")


class DocumentTypeChangeIn(Schema):
    name: str | None = Field(None, max_length=100)
    active: bool | None = Field(None, description="false retires the type: kept on its documents, not offered.")


@router.get("/organisations/{organisation_id}/document-types", response={200: list[DocumentTypeOut], **ERRORS},
            auth=WRITE, url_name="admin_document_type_list")
def admin_document_type_list(request, organisation_id: Id):
    organisation = accounts_access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    return reference.document_types_of(organisation=organisation)


@router.post("/organisations/{organisation_id}/document-types", response={201: DocumentTypeOut, **ERRORS},
             auth=WRITE, url_name="admin_document_type_create")
def admin_document_type_create(request, organisation_id: Id, payload: DocumentTypeIn):
    """Add a kind of document the organisation registers."""
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    return Status(201, reference.document_type_create(actor=user, organisation=organisation, name=payload.name))


@router.patch("/organisations/{organisation_id}/document-types/{type_id}", response={200: DocumentTypeOut, **ERRORS},
              auth=WRITE, url_name="admin_document_type_change")
def admin_document_type_change(request, organisation_id: Id, type_id: Id, payload: DocumentTypeChangeIn):
    """Rename a kind of document, or retire it."""
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    document_type = reference.document_type_get(organisation=organisation, pk=type_id)
    return reference.document_type_update(actor=user, document_type=document_type, **_set(payload))


# --- the diary number's format ------------------------------------------------------------------
class NextNumberOut(Schema):
    series_id: int
    code: str
    next: str = Field(description="The diary number the series' next case this year gets in the format.")


class DiaryNumberFormatOut(Schema):
    diary_number_format: str
    next_numbers: list[NextNumberOut]


class DiaryNumberFormatIn(Schema):
    diary_number_format: str = Field(max_length=reference.DIARY_NUMBER_FORMAT_MAX, description=(
        "Med platshållarna {year}, {seq} och {series}, t.ex. \"{year}.{seq} {series}\" eller \"{series} "
        "{year}/{seq}\". Gäller ärenden som registreras efter ändringen."))


def _format_out(organisation) -> dict:
    from django.utils import timezone

    year = timezone.localdate().year
    fmt = organisation.diary_number_format
    series = reference.series_of(organisation=organisation).prefetch_related("counters")
    return {"diary_number_format": fmt, "next_numbers": [
        {"series_id": s.pk, "code": s.code, "next": reference.diary_number_example(fmt, series=s, year=year)}
        for s in series]}


@router.get("/organisations/{organisation_id}/diary-number-format", response={200: DiaryNumberFormatOut, **ERRORS},
            auth=WRITE, url_name="admin_diary_number_format")
def admin_diary_number_format(request, organisation_id: Id):
    """How the organisation's diary numbers are written, and each series' next number in it."""
    organisation = accounts_access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    return _format_out(organisation)


@router.put("/organisations/{organisation_id}/diary-number-format", response={200: DiaryNumberFormatOut, **ERRORS},
            auth=WRITE, url_name="admin_diary_number_format_set")
def admin_diary_number_format_set(request, organisation_id: Id, payload: DiaryNumberFormatIn):
    """Change the format; cases already registered keep their numbers."""
    user = actor(request)
    organisation = accounts_access.organisation_for_admin_get(user=user, pk=organisation_id)
    organisation = reference.diary_number_format_set(actor=user, organisation=organisation,
                                                     fmt=payload.diary_number_format)
    return _format_out(organisation)
