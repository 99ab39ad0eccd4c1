"""Drawn-up documents over JSON: signing file versions, the minutes excerpts of a
meeting dispatched as a background batch with its progress, and the officer's
report changed, drawn up again and previewed. Thin over the same functions as
the web pages (signing.py, batches.py, reports.py, selectors.py): the same
rights and the same rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id
from diarium.core.limits import PastIsoDate
from diarium.decisions import selectors as decisions_selectors
from diarium.decisions import services as decisions
from diarium.decisions.models import DISPATCH_LINE_MAX, DISPATCH_LINES_MAX, OFFICE_MAX, REPORT_TEXT_MAX, TITLE_MAX
from diarium.decisions.schemas import OfficerReportOut, ProposalIn, SignatoryIn, report_out
from diarium.registry import selectors as registry_selectors

from . import access, batches, reports, selectors, signing

router = Router(tags=["Upprättade handlingar"])


PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "Förhandsgranskningen som PDF/A (application/pdf). Ingenting sparas eller registreras.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
    },
}


# --- schemas ------------------------------------------------------------------------------
class FileSignatureOut(Schema):
    id: int
    file_id: int
    position: int = Field(description="Filens plats bland handlingens filer.")
    version: int = Field(description="Den signerade versionen av filen.")
    filename: str
    name: str
    role: str
    method: Literal["manual", "e_signature"]
    method_label: str
    provider: str
    signed_at: dt.datetime
    recorded_at: dt.datetime

    @staticmethod
    def resolve_position(obj) -> int:
        return obj.file.position

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.file.version

    @staticmethod
    def resolve_filename(obj) -> str:
        return obj.file.filename

    @staticmethod
    def resolve_method_label(obj) -> str:
        return str(obj.get_method_display())


class FileSignatureIn(Schema):
    name: str = Field(max_length=200, description="Namnet på den som har skrivit under.")
    role: str = Field("", max_length=200, description="Roll eller titel som vid underskriften, t.ex. "
                                                       "\"Tf. Kommundirektör\".")


class BatchErrorOut(Schema):
    item: int = Field(description="Beslutets id.")
    message: str


class GenerationBatchOut(Schema):
    id: int
    label: str
    state: Literal["queued", "running", "finished"]
    total: int
    done: int
    failed: int
    processed: int
    percent: int
    text: str = Field(description="Förloppet i ord, t.ex. \"12 av 40 klara, 1 misslyckades\".")
    errors: list[BatchErrorOut]
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    status_url: str = Field(description="Adressen att fråga efter förloppet.")


class OfficerReportChangeIn(Schema):
    """The sections to change; those left out (or null) stay as they are."""

    title: str = Field(None, max_length=TITLE_MAX)
    addressed_to: Id = Field(None, description="Organet skrivelsen ställs till.")
    office: str = Field(None, max_length=OFFICE_MAX)
    report_date: PastIsoDate = None
    background: str = Field(None, max_length=REPORT_TEXT_MAX)
    opinion: str = Field(None, max_length=REPORT_TEXT_MAX)
    proposals: list[ProposalIn] = Field(None, description="Alla förslag till beslut, i ordning.")
    dispatch_to: list[Annotated[str, Field(max_length=DISPATCH_LINE_MAX)]] = Field(None, max_length=DISPATCH_LINES_MAX, description="Beslutet ska skickas till: en mottagare per rad.")
    signatories: list[SignatoryIn] = None


class OfficerReportPreviewIn(Schema):
    """A report not yet drawn up, as the new report's form sends it."""

    title: str = Field(max_length=TITLE_MAX)
    addressed_to: Id = Field(description="Organet skrivelsen ställs till.")
    office: str = Field("", max_length=OFFICE_MAX)
    background: str = Field("", max_length=REPORT_TEXT_MAX)
    opinion: str = Field("", max_length=REPORT_TEXT_MAX)
    proposals: list[ProposalIn] = []
    dispatch_to: list[Annotated[str, Field(max_length=DISPATCH_LINE_MAX)]] = Field([], max_length=DISPATCH_LINES_MAX, description="Beslutet ska skickas till: en mottagare per rad.")
    signatories: list[SignatoryIn] = []
    report_date: PastIsoDate | None = None


class OfficerReportDrawnUpOut(OfficerReportOut):
    file_id: int = Field(description="Den nya versionen av skrivelsens fil.")
    file_version: int


# --- helpers --------------------------------------------------------------------------------
def _batch_out(batch) -> dict:
    return {**batches.progress_status(batch),
            "status_url": reverse("api:generation_batch_detail", args=[batch.pk])}


def _sections(organisation_id: int, data: dict) -> dict:
    """The request's sections as the services take them: organs by id, checked
    to be the organisation's (the same organs the form offers)."""
    def organ(pk, field):
        return None if pk is None else reports.report_organ(organisation_id=organisation_id, pk=pk, field=field)

    sections = {k: v for k, v in data.items() if v is not None}
    if "addressed_to" in sections:
        sections["addressed_to"] = organ(sections["addressed_to"], "addressed_to")
    if "proposals" in sections:
        sections["proposals"] = [
            decisions.ProposalInput(organ=organ(p["organ"], "proposals"), text=p["text"],
                                    condition_organ=organ(p.get("condition_organ"), "proposals"),
                                    condition_text=p.get("condition_text") or "")
            for p in sections["proposals"]]
    if "signatories" in sections:
        sections["signatories"] = [decisions.Signatory(name=s["name"].strip(), title=(s.get("title") or "").strip())
                                   for s in sections["signatories"] if s["name"].strip()]
    return sections


def _pdf(rendered) -> HttpResponse:
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="forhandsgranskning.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- signatures -------------------------------------------------------------------------------
@router.get("/documents/{document_id}/signatures", response={200: list[FileSignatureOut], **ERRORS},
            auth=PUBLIC_READ, url_name="document_signature_list")
def document_signature_list(request, document_id: Id):
    """Who signed which version of the document's files, as its page shows it."""
    return selectors.document_signatures_for(user=actor(request), document_id=document_id)


@router.get("/files/{file_id}/signatures", response={200: list[FileSignatureOut], **ERRORS}, auth=PUBLIC_READ,
            url_name="file_signature_list")
def file_signature_list(request, file_id: Id):
    """The signatures of one file version. A secret document's files need the
    right to read them (403), and each such read is logged."""
    return selectors.file_signatures_for(user=actor(request), file_id=file_id)


@router.post("/files/{file_id}/signatures", response={201: FileSignatureOut, **ERRORS}, auth=WRITE,
             url_name="file_sign")
def file_sign(request, file_id: Id, payload: FileSignatureIn):
    """Mark this version of a document's file as signed by a named person in a
    role (manuell markering), as "Markera som signerad" does. Needs the right to
    register documents on the case; only the latest version can be signed, and a
    name and role sign a version once (400). The history gets an event."""
    user = actor(request)
    file = registry_selectors.file_for_download(user=user, file_id=file_id)
    return Status(201, signing.document_sign(actor=user, file=file, name=payload.name, role=payload.role))


# --- background generation --------------------------------------------------------------------
@router.post("/meetings/{meeting_id}/excerpt-batches", response={202: GenerationBatchOut, **ERRORS}, auth=WRITE,
             url_name="meeting_excerpts_dispatch")
def meeting_excerpts_dispatch(request, meeting_id: Id):
    """Draw up and dispatch the minutes excerpts of every decision of the meeting
    that has recipients waiting, in the background. Needs the right to manage
    the organ's meetings (403) and adjusted minutes; a batch already running for
    the meeting, or nothing to dispatch, is 400. Follow `status_url`."""
    user = actor(request)
    meeting = decisions_selectors.meeting_get(user=user, pk=meeting_id)
    batch = batches.meeting_excerpts_batch_start(actor=user, meeting=meeting)
    batch.refresh_from_db()  # the worker may have run already
    return Status(202, _batch_out(batch))


@router.get("/generation-batches/{batch_id}", response={200: GenerationBatchOut, **ERRORS}, auth=WRITE,
            url_name="generation_batch_detail")
def generation_batch_detail(request, batch_id: Id):
    """The progress of a background batch, for those who may read its
    organisation's internal work."""
    return _batch_out(access.generation_batch_get(user=actor(request), pk=batch_id))


# --- the officer's report ----------------------------------------------------------------------
def _report(user, report_id: int) -> dict:
    return report_out(user, reports.officer_report_for_edit(user=user, pk=report_id))


@router.get("/officer-reports/{report_id}", response={200: OfficerReportOut, **ERRORS}, auth=WRITE,
            url_name="officer_report_detail")
def officer_report_detail(request, report_id: Id):
    """The report's sections, to change them: for those who may write reports
    in its case (403 otherwise), as the edit page."""
    return _report(actor(request), report_id)


@router.patch("/officer-reports/{report_id}", response={200: OfficerReportDrawnUpOut, **ERRORS}, auth=WRITE,
              url_name="officer_report_change")
def officer_report_change(request, report_id: Id, payload: OfficerReportChangeIn):
    """Change sections of the report and draw it up again: the registered file
    gets a new version, the earlier (signed or not) stay. A proposal already on
    an agenda cannot change, and a change that changes nothing is 400."""
    user = actor(request)
    report = reports.officer_report_for_edit(user=user, pk=report_id)
    added = reports.officer_report_change(
        actor=user, report=report,
        **_sections(report.case.organisation_id, payload.dict(exclude_unset=True)))
    return {**_report(user, report_id), "file_id": added.pk, "file_version": added.version}


@router.post("/officer-reports/{report_id}/preview", response={200: None, **ERRORS}, auth=WRITE,
             url_name="officer_report_preview", openapi_extra=PDF_RESPONSE)
def officer_report_preview(request, report_id: Id, payload: OfficerReportChangeIn):
    """The PDF the report would be drawn up as with these changes (the sections
    left out as they are). Nothing is saved or registered."""
    user = actor(request)
    report = reports.officer_report_for_edit(user=user, pk=report_id)
    return _pdf(reports.officer_report_preview_changed(
        actor=user, report=report,
        **_sections(report.case.organisation_id, payload.dict(exclude_unset=True))))


@router.post("/cases/{case_id}/officer-reports/preview", response={200: None, **ERRORS}, auth=WRITE,
             url_name="officer_report_preview_new", openapi_extra=PDF_RESPONSE)
def officer_report_preview_new(request, case_id: Id, payload: OfficerReportPreviewIn):
    """The PDF a new report would be drawn up as. Nothing is saved or registered."""
    user = actor(request)
    case = reports.case_for_reports(user=user, pk=case_id)
    return _pdf(reports.officer_report_preview(
        actor=user, case=case, **_sections(case.organisation_id, payload.dict())))
