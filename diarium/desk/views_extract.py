"""The register extract page (/registerutdrag/): a registrar finds every record
in which a person appears and downloads it for them as CSV or JSON. The
person's name and address are sent by POST, never in the address line (which
servers and browsers keep). Thin: the rights are access.py's, the records
extract.py's, and making one (logged) is extract_log.register_extract_make."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from diarium.core import errors
from diarium.core.web import domain_errors, posted_id, show_on_form
from diarium.core.spreadsheet import excel_csv, formula_safe

from . import access, extract_log
from .extract import Extract
from .forms_extract import RegisterExtractForm
from .models import RegisterExtract


def _csv_columns() -> list[str]:
    return [_("Slag av uppgift"), _("Referens"), _("Datum"), _("Fält"), _("Uppgift")]


def _filename(extract: Extract, suffix: str) -> str:
    return f"registerutdrag-{extract.organisation.slug}-{timezone.localdate().isoformat()}.{suffix}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # personal data: kept by no cache on the way
    return response


def _csv(extract: Extract) -> HttpResponse:
    """UTF-8 with BOM, semicolons: what Excel in Sweden opens as it is. A value
    that would start a formula is written as text."""
    rows = ([formula_safe(row[key]) for key in ("kind_label", "reference", "date", "field", "value")]
            for row in extract.rows())
    return _download(excel_csv([_csv_columns(), *rows]), "text/csv; charset=utf-8", _filename(extract, "csv"))


def _json(extract: Extract) -> HttpResponse:
    body = {
        "organisation": extract.organisation.name,
        "made_at": timezone.localtime().isoformat(timespec="seconds"),
        "subject": {"name": extract.name, "email": extract.email},
        "records": extract.rows(),
        "incomplete": extract.incomplete,
    }
    return _download(json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"),
                     "application/json; charset=utf-8", _filename(extract, "json"))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def register_extract(request):
    organisations = access.register_extract_organisations(request.user)
    asked = posted_id(request.POST.get("organisation") or request.GET.get("organisation"))
    organisation = access.register_extract_organisation_get(user=request.user, pk=asked,
                                                            organisations=organisations)
    form = RegisterExtractForm(request.POST or None, organisations=organisations,
                               initial={"organisation": organisation.pk})
    extract = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            wanted = request.POST.get("format", "")
            try:
                extract = extract_log.register_extract_make(
                    actor=request.user, organisation=organisation, name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    form=wanted if wanted in (RegisterExtract.Form.CSV, RegisterExtract.Form.JSON)
                    else RegisterExtract.Form.PAGE)
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                status = 200
                if wanted == RegisterExtract.Form.CSV:
                    return _csv(extract)
                if wanted == RegisterExtract.Form.JSON:
                    return _json(extract)
    response = render(request, "desk/register_extract.html", {
        "organisation": organisation, "organisations": organisations, "form": form, "extract": extract,
        "latest": extract_log.register_extracts_latest(user=request.user, organisation=organisation),
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response
