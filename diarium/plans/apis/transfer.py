"""A plan's actions and budgets out and in over JSON: the working copy exported
as CSV or XLSX (staff), and imported from such a file, all or nothing (plans.io
does the work).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile

from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS
from diarium.core.api.types import Id

from .. import access, selectors
from .schemas import ImportResultOut

router = Router(tags=["Styrdokument och uppföljning"])


def _export(request, plan_id: int, fmt: str) -> HttpResponse:
    from .. import io

    user = actor(request)
    document = selectors.plan_get(user=actor(request), pk=plan_id)
    access.require_read_internal(
        user, document, _("Du har inte behörighet att exportera styrdokumentets arbetsversion.")
    )
    if fmt == "csv":
        body, content_type = io.export_csv(document), "text/csv; charset=utf-8"
    else:
        body = io.export_xlsx(document)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="styrdokument-{document.pk}.{fmt}"'
    return response


@router.get("/plans/{plan_id}/export.csv", response={200: None, **ERRORS}, auth=WRITE, url_name="plan_export_csv")
def plan_export_csv(request, plan_id: Id):
    """The working copy's actions and budgets as CSV (staff)."""
    return _export(request, plan_id, "csv")


@router.get("/plans/{plan_id}/export.xlsx", response={200: None, **ERRORS}, auth=WRITE, url_name="plan_export_xlsx")
def plan_export_xlsx(request, plan_id: Id):
    """The working copy's actions and budgets as an Excel workbook (staff)."""
    return _export(request, plan_id, "xlsx")


@router.post("/plans/{plan_id}/import", response={200: ImportResultOut, **ERRORS}, auth=WRITE, url_name="plan_import")
def plan_import(request, plan_id: Id, file: File[UploadedFile]):
    """Import actions and budgets from CSV or XLSX (multipart/form-data, `file`).
    All or nothing: with a bad row nothing is saved and `errors.rows` lists each row's problem."""
    from .. import io

    user = actor(request)
    document = selectors.plan_get(user=actor(request), pk=plan_id)
    result = io.import_file(actor=user, document=document, upload=file)
    return {
        "created": result.created,
        "updated": result.updated,
        "budgets": result.budgets,
        "unchanged": getattr(result, "unchanged", 0),
        "focus_areas": getattr(result, "focus_areas", 0),
        "goals": getattr(result, "goals", 0),
    }
