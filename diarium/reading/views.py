"""The review screen under /inlasning/, for the organisation's registrars
(access.py): the list of proposals with the upload of files to read, and a
proposal beside its document's text with every recognised field marked,
corrected and accepted (or rejected). Thin: forms parse, services write,
and their DomainErrors are shown all at once, tied to their fields."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from diarium.core import errors
from diarium.core.limits import max_upload_bytes
from diarium.core.web import INPUT_ERROR_STATUSES, domain_errors, posted_id
from diarium.registry import files as file_store
from diarium.registry.paging import RegisterPaginator

from . import access, highlight, selectors, services
from .forms import RejectForm, UploadForm, review_forms
from .models import FIELD_LABELS, ImportProposal

PAGE_SIZE = 50
LOW_CONFIDENCE = 0.6
# Where each field's error is shown on the review form (the id the error summary links to).
_ANCHORS = {"remiss": "id_f-remiss_recipients", "attendance": "id_f-members", "posted": "id_f-posted_from",
            "references": "falt-references", "proposals": "falt-proposals", "signatories": "falt-signatories",
            "items": "falt-items", "__all__": "granskning"}


def _url(name: str, organisation) -> str:
    return f"{reverse(name)}?organisation={organisation.pk}"


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def index(request):
    """The organisation's proposals, pending first, and the upload of files to read."""
    organisation, organisations = access.organisation_get(
        user=request.user, pk=posted_id(request.GET.get("organisation") or request.POST.get("organisation")))
    upload = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST":
        if upload.is_valid():
            return _read_uploads(request, organisation, upload.cleaned_data["files"])
    status = request.GET.get("status") or ""
    rows = selectors.proposals(user=request.user, organisation_id=organisation.pk, status=status)
    page = RegisterPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reading/index.html", {
        "organisation": organisation, "organisations": organisations if len(organisations) > 1 else [],
        "page": page, "rows": [_row(p) for p in page.object_list], "status": status,
        "statuses": ImportProposal.Status.choices,
        "counts": selectors.proposal_counts(user=request.user, organisation_id=organisation.pk), "upload": upload,
    }, status=400 if upload.is_bound else 200)


def _read_uploads(request, organisation, uploads):
    """Read each file and queue it, an unreadable one with its problem (as
    the command does); say what became of each. One file read and queued
    goes straight to its review."""
    from .reader import read_document  # the reader and its grammar load on the first upload

    queued = []
    for upload in uploads:
        name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or _("namnlös fil")
        if (upload.size or 0) > max_upload_bytes():
            messages.error(request, _("%(file)s är för stor (högst %(limit)s) och lästes inte in.")
                           % {"file": name, "limit": filesizeformat(max_upload_bytes())})
            continue
        upload.seek(0)
        content = upload.read()
        result = read_document(name, content)
        proposal, created = services.proposal_queue(actor=request.user, organisation=organisation,
                                                    filename=name, content=content, result=result)
        if proposal is None:
            messages.error(request, _("%(file)s finns redan i registret och läses inte in igen.")
                           % {"file": name})
        elif not created:
            messages.error(request, _("%(file)s är redan inläst (%(status)s) och läses inte in igen.")
                           % {"file": name, "status": proposal.get_status_display().lower()})
        elif proposal.status == ImportProposal.Status.UNREADABLE:
            messages.error(request, _("%(file)s kunde inte läsas: %(problem)s")
                           % {"file": name, "problem": proposal.problem})
        else:
            queued.append(proposal)
            messages.success(request, _("%(file)s är inläst och väntar på granskning.") % {"file": name})
    if len(queued) == 1 and len(uploads) == 1:
        return redirect("reading:proposal", queued[0].pk)
    return redirect(_url("reading:index", organisation))


def _row(proposal: ImportProposal) -> dict:
    values = proposal.values or proposal.values_read
    numbers = values.get("diary_numbers") if isinstance(values.get("diary_numbers"), list) else []
    return {"proposal": proposal, "organ": values.get("organ") or "", "date": values.get("date") or "",
            "diary_number": ", ".join(str(n) for n in numbers[:2]), "percent": round(proposal.confidence * 100),
            "low": proposal.confidence < LOW_CONFIDENCE}


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def proposal(request, pk: int):
    """One proposal: its document's text with the fields marked, and the
    form to correct and accept it, or to reject it."""
    proposal = access.proposal_get(user=request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None and proposal.status != ImportProposal.Status.PENDING:
        messages.error(request, _("Förslaget är redan avgjort (%(status)s).")
                       % {"status": proposal.get_status_display().lower()})
        return redirect("reading:proposal", proposal.pk)
    problems: dict[str, list[str]] = {}
    form, rows = review_forms(proposal, request.POST if action == "accept" else None)
    reject = RejectForm(request.POST if action == "reject" else None, prefix="avvisa")
    if action == "accept":
        if form.is_valid() and all(rows[name].is_valid() for name in rows):
            try:
                proposal = services.proposal_accept(actor=request.user, proposal=proposal,
                                                    values=form.values(rows))
            except errors.DomainError as exc:
                _refused(exc)
                problems = exc.errors or {"__all__": [exc.message]}
            else:
                return _accepted(request, proposal)
        else:
            problems = _form_problems(form, rows)
    elif action == "reject":
        if reject.is_valid():
            try:
                services.proposal_reject(actor=request.user, proposal=proposal,
                                         reason=reject.cleaned_data["reason"])
            except errors.DomainError as exc:
                _refused(exc)
                reject.add_domain_error(exc)
            else:
                messages.success(request, _("Förslaget är avvisat. Filen läses inte in igen."))
                return redirect(_url("reading:index", proposal.organisation))
    elif action is not None:
        problems = {"__all__": [_("Välj Godkänn och registrera eller Avvisa.")]}
    return render(request, "reading/proposal.html", _proposal_context(proposal, form, rows, reject, problems),
                  status=400 if action is not None else 200)


# The reading's field a form field shows (for its confidence, its marks and its errors), and
# the one form field of a reading's field that shows that field's errors.
_READING_NAME = {"remiss_recipients": "remiss", "remiss_deadline": "remiss", "members": "attendance",
                 "others": "attendance", "posted_from": "posted", "posted_to": "posted"}
_ERRORS_ON = {"remiss": "remiss_recipients", "attendance": "members", "posted": "posted_from"}


def _bundle(bound, *, confidence, mark, errors) -> dict:
    """A form field as the review form shows it: its widget tied to its
    help, its confidence and its errors (aria-describedby), and where it was read."""
    described = [f"{bound.auto_id}_{part}" for part, shown in (("confidence", confidence), ("helptext",
                                                                bound.help_text), ("error", errors)) if shown]
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if errors:
        attrs["aria-invalid"] = "true"
    return {"field": bound, "widget": bound.as_widget(attrs=attrs), "confidence": confidence, "mark": mark,
            "errors": errors}


def _refused(exc: errors.DomainError) -> None:
    """Input errors go on the page; a denial, a missing row or a proposal
    decided meanwhile become their own pages."""
    if exc.status_code not in INPUT_ERROR_STATUSES:
        raise exc


def _accepted(request, proposal: ImportProposal):
    if proposal.meeting_id and not proposal.case_id:
        messages.success(request, _("Sammanträdet %(meeting)s är registrerat från %(file)s.")
                         % {"meeting": proposal.meeting, "file": proposal.filename})
        return redirect(proposal.meeting.get_absolute_url())
    messages.success(request, _("%(file)s är registrerad som handling %(ref)s i ärende %(case)s.")
                     % {"file": proposal.filename, "ref": proposal.document.reference,
                        "case": proposal.case.diary_number})
    return redirect(proposal.case.get_absolute_url())


def _form_problems(form, rows) -> dict[str, list[str]]:
    """The form's own refusals (text with control characters, a form sent
    without its rows) by the field they belong to."""
    problems: dict[str, list[str]] = {}
    for name, messages_ in form.errors.items():
        problems.setdefault(name if name != "__all__" else "__all__", []).extend(messages_)
    for name, formset in rows.items():
        key = "attendance" if name == "substitutes" else name
        for message in formset.non_form_errors():
            problems.setdefault(key, []).append(message)
        for form_errors in formset.errors if formset.is_bound and not formset.non_form_errors() else []:
            for messages_ in form_errors.values():
                problems.setdefault(key, []).extend(messages_)
    return problems or {"__all__": [_("Formuläret kunde inte läsas. Ladda om sidan och försök igen.")]}


def _proposal_context(proposal: ImportProposal, form, rows, reject, problems) -> dict:
    reading = proposal.reading or {}
    text, legend, cut = highlight.marked(proposal.text, reading.get("spans") or {})
    confidence = reading.get("confidence") or {}
    shown = {}
    for name in FIELD_LABELS:
        value = confidence.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown[name] = {"percent": round(value * 100), "low": value < LOW_CONFIDENCE}
    marks = {entry.name: entry.first_id for entry in legend}
    summary = []
    for key, messages_ in problems.items():
        label = FIELD_LABELS.get(key) or (_("Förslaget") if key == "__all__" else key)
        anchor = _ANCHORS.get(key) or (f"id_f-{key}" if key in form.fields else "granskning")
        summary.extend({"anchor": anchor, "label": label, "message": m} for m in messages_)
    fields = {}
    for name in form.fields:
        reading_name = _READING_NAME.get(name, name)
        shown_errors = problems.get(reading_name, []) if _ERRORS_ON.get(reading_name, name) == name else []
        fields[name] = _bundle(form[name], confidence=shown.get(reading_name), mark=marks.get(reading_name),
                               errors=shown_errors)
    groups = {}
    for name, formset in rows.items():
        reading_name = "attendance" if name == "substitutes" else name
        groups[name] = {"formset": formset, "label": FIELD_LABELS.get(name, _("Tjänstgörande ersättare")),
                        "confidence": shown.get(reading_name) if name != "substitutes" else None,
                        "mark": marks.get(reading_name) if name != "substitutes" else None,
                        "errors": problems.get(name, []) if name != "substitutes" else [],
                        "anchor": f"falt-{name}"}
    return {
        "proposal": proposal, "organisation": proposal.organisation, "form": form, "rows": rows,
        "fields": fields, "groups": groups, "reject": reject, "problems": problems, "summary": summary,
        "text": text, "legend": legend, "cut": cut,
        "overall": round(proposal.confidence * 100), "pending": proposal.status == ImportProposal.Status.PENDING,
        "citations": selectors.proposal_citations(proposal) if proposal.status == ImportProposal.Status.ACCEPTED
        else [],
        "extract": {"method": reading.get("method", ""), "pages": reading.get("pages", 0),
                    "notes": reading.get("notes") or []},
    }


@login_required
@domain_errors
def proposal_file(request, pk: int):
    """The file as it was read in (downloaded, never run)."""
    proposal = access.proposal_get(user=request.user, pk=pk)
    if proposal.blob_id is None:
        raise Http404(_("Filen sparades inte."))
    return file_store.file_response(proposal.blob, proposal.filename)
