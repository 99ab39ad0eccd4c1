"""Web views of drawn-up documents: editing and drawing up the officer's
report, its preview PDF, marking a file version signed, and the progress of a
background generation. Thin: the work is in reports.py, signing.py, batches.py
and the decisions services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from diarium.core import errors
from diarium.decisions import access as decisions_access
from diarium.decisions import selectors as decisions_selectors
from diarium.decisions import services as decisions
from diarium.decisions.forms import PROPOSAL_ROWS, SIGNATORY_ROWS, OfficerReportForm
from diarium.registry import selectors as registry_selectors
from diarium.core.web import deny_unless, domain_errors, show_on_form

from . import access, batches, markup, reports, signing
from .forms import SignForm


# --- the officer's report -----------------------------------------------------------------
def _meeting_organs(organisation_id: int):
    return reports.report_organs(organisation_id=organisation_id)


def _report_input(form) -> dict:
    """The form's data as the services take it, the free text cleaned."""
    d = form.cleaned_data
    proposals = form.proposals()
    for p in proposals:
        p.text = markup.clean_text(p.text)
    return {"title": d["title"], "addressed_to": d["addressed_to"], "office": d["office"],
            "report_date": d["report_date"], "background": markup.clean_text(d["background"]),
            "opinion": markup.clean_text(d["opinion"]), "proposals": proposals,
            "dispatch_to": form.dispatch_lines(), "signatories": form.signatories()}


def _pdf_response(rendered, filename: str) -> HttpResponse:
    response = HttpResponse(rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _report_initial(user, report) -> dict:
    """The report as its writer wrote it (what the masking assistant withholds
    from the public included), to change it."""
    def value(row, field):
        return decisions_access.screened_value(user, row, field, case=report.case)

    initial = {"title": value(report, "title"), "addressed_to": report.addressed_to_id, "office": report.office,
               "report_date": report.report_date, "background": value(report, "background"),
               "opinion": value(report, "opinion"), "dispatch_to": report.dispatch_to}
    for n, p in enumerate(report.proposals.order_by("position", "id"), start=1):
        initial.update({f"proposal_{n}_organ": p.organ_id, f"proposal_{n}_text": value(p, "text"),
                        f"proposal_{n}_condition_organ": p.condition_organ_id or "",
                        f"proposal_{n}_condition_text": p.condition_text})
    for n, s in enumerate(report.signatories or [], start=1):
        initial.update({f"signatory_{n}_name": s.get("name", ""), f"signatory_{n}_title": s.get("title", "")})
    return initial


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def officer_report_edit(request, pk: int):
    """Change the report's text: "Förhandsgranska PDF" shows what it would look
    like, "Upprätta" draws it up again as a new version of its file."""
    report = reports.officer_report_for_edit(user=request.user, pk=pk)
    case = report.case
    rows = {"proposal_rows": max(PROPOSAL_ROWS, report.proposals.count() + 1),
            "signatory_rows": max(SIGNATORY_ROWS, len(report.signatories or []) + 1)}
    form = OfficerReportForm(request.POST or None, organs=_meeting_organs(case.organisation_id),
                             initial=_report_initial(request.user, report), **rows)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "preview":
                rendered = reports.officer_report_preview(actor=request.user, case=case, **_report_input(form))
                return _pdf_response(rendered, "forhandsgranskning.pdf")
            added = decisions.officer_report_update(actor=request.user, report=report, **_report_input(form))
        except errors.DomainError as exc:
            if exc.status_code != 400:
                raise
            show_on_form(form, exc)
        else:
            messages.success(request, _("Tjänsteskrivelsen är upprättad på nytt som version %(v)s av %(ref)s.") % {
                "v": added.version, "ref": f"{case.diary_number}-{report.document.number}"})
            return redirect("registry:document_detail", pk=report.document_id)
    status = 400 if form.is_bound else 200
    return render(request, "documents/officer_report_edit.html", {
        "form": form, "case": case, "report": report,
    }, status=status)


@login_required
@domain_errors
@require_POST
def officer_report_preview_new(request, case_pk: int):
    """The preview PDF of a report not yet drawn up (the "new report" form posts here)."""
    case = reports.case_for_reports(user=request.user, pk=case_pk)
    form = OfficerReportForm(request.POST, organs=_meeting_organs(case.organisation_id))
    if form.is_valid():
        try:
            rendered = reports.officer_report_preview(actor=request.user, case=case, **_report_input(form))
        except errors.DomainError as exc:
            if exc.status_code != 400:
                raise
            show_on_form(form, exc)
        else:
            return _pdf_response(rendered, "forhandsgranskning.pdf")
    return render(request, "decisions/officer_report_form.html", {"form": form, "case": case}, status=400)


# --- signing ------------------------------------------------------------------------------
@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def document_file_sign(request, pk: int):
    """Mark a version of a document's file as signed by a named person in a role."""
    file = registry_selectors.file_for_download(user=request.user, file_id=pk)
    document = file.document
    deny_unless(access.can_sign(request.user, document),
                 _("Du har inte behörighet att markera handlingar som signerade."))
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signing.document_sign(actor=request.user, file=file, **form.cleaned_data)
        except errors.DomainError as exc:
            if exc.status_code != 400:
                raise
            show_on_form(form, exc)
        else:
            messages.success(request, _("%(file)s version %(v)s är markerad som signerad av %(name)s.") % {
                "file": file.filename, "v": file.version, "name": form.cleaned_data["name"]})
            return redirect("registry:document_detail", pk=document.pk)
    status = 400 if form.is_bound else 200
    return render(request, "documents/document_file_sign.html", {
        "form": form, "file": file, "document": document, "case": document.case,
        "signatures": list(file.signatures.all()),
    }, status=status)


# --- background generation ----------------------------------------------------------------
@login_required
@domain_errors
@require_POST
def meeting_excerpts_dispatch(request, meeting_pk: int):
    """Draw up and dispatch the excerpts of all the meeting's decisions in the background."""
    meeting = decisions_selectors.meeting_get(user=request.user, pk=meeting_pk)
    try:
        batch = batches.meeting_excerpts_batch_start(actor=request.user, meeting=meeting)
    except errors.DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, exc.message)
        return redirect("decisions:meeting_detail", pk=meeting.pk)
    return redirect("documents:generation_batch", pk=batch.pk)


@login_required
@domain_errors
@require_GET
def generation_batch_detail(request, pk: int):
    """The progress of a batch: a <progress> bar with its text. With JavaScript it
    refreshes itself from the status endpoint; without, reloading the page does."""
    batch = access.generation_batch_get(user=request.user, pk=pk)
    meeting_url = (reverse("decisions:meeting_detail", args=[batch.subject_id])
                   if batch.kind == batch.Kind.MEETING_EXCERPTS and batch.subject_id else None)
    return render(request, "documents/generation_batch.html", {
        "batch": batch, "status": batches.progress_status(batch), "meeting_url": meeting_url,
    })


@login_required
@domain_errors
@require_GET
def generation_batch_status(request, pk: int):
    batch = access.generation_batch_get(user=request.user, pk=pk)
    response = JsonResponse(batches.progress_status(batch))
    response["Cache-Control"] = "no-store"
    return response
