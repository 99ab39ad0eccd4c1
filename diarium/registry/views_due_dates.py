"""Due dates ("bevakningar") on a case: set one, see the case's, mark one done.
Thin over services.due_date_set / due_date_done and selectors.due_dates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diarium.core import errors
from diarium.core.web import deny_unless, domain_errors, post_action, safe_next, show_on_form

from . import access, selectors, services
from .forms_due_dates import DueDateForm
from .selectors import due_dates as due_selectors


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def case_due_dates(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    perms = access.case_permissions(request.user, case)
    deny_unless(perms["read_internal"], _("Du har inte behörighet att se ärendets bevakningar."))
    entries = selectors.document_entries(user=request.user, case=case)
    form = DueDateForm(request.POST or None, documents=entries,
                       people=selectors.case_officers(organisation=case.organisation_id))
    if request.method == "POST":
        deny_unless(perms["register_document"], _("Du har inte behörighet att lägga bevakningar i ärendet."))
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["document"] = selectors.document_for_write(pk=data["document"]) if data["document"] else None
            try:
                due = services.due_date_set(actor=request.user, case=case, **data)
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Bevakningen till %(day)s har lagts in.") % {"day": due.due_on.isoformat()})
                return redirect("registry:case_due_dates", pk=case.pk)
    status = 400 if form.is_bound else 200
    return render(request, "registry/case_due_dates.html", {
        "case": case, "case_title": access.case_value(request.user, case, "title"), "form": form, "perms": perms,
        "due_dates": due_selectors.case_due_dates(user=request.user, case=case),
        "today": due_selectors.today(), "references": {e.id: e.reference for e in entries},
    }, status=status)


@login_required
@domain_errors
@require_POST
def due_date_done(request, pk: int):
    due = due_selectors.due_date_get(user=request.user, pk=pk)
    target = safe_next(request, request.POST.get("next") or "")
    return post_action(
        request, target or redirect("registry:case_due_dates", pk=due.case_id).url,
        lambda: (services.due_date_done(actor=request.user, due=due),
                 _("Bevakningen ”%(reason)s” är avslutad.") % {"reason": due.reason})[1])
