"""The staff's pages for requests for public documents ("utlämnanden"): the
list of open and recently decided requests with their due times, one
request with its assignment and decision, the copy made for the requester,
and a request received by phone, e-mail, a visit or a letter registered on a
document. Thin: forms parse, services write, selectors read with the rights
of access.py. Every page works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from diarium.core import errors
from diarium.core.web import deny_unless, domain_errors, post_action, show_on_form

from . import access, osl, selectors, services
from .files import file_response
from .history import actor_name
from .forms_copies import CopyRequestAssignForm, CopyRequestDecideForm, CopyRequestRegisterForm
from .selectors.copies import RECENT_DAYS

RECENT_SHOWN = 200  # decided requests on the list (the last 30 days, newest first)


@login_required
@domain_errors
def copy_request_list(request):
    """Open requests, the one due first at the top and overdue ones marked, and
    those decided in the last 30 days."""
    now = timezone.now()
    open_rows = list(selectors.copy_requests_open(request.user))
    recent = list(selectors.copy_requests_recent(request.user, now=now)[:RECENT_SHOWN])
    return render(request, "registry/copy_request_list.html", {
        "open": [selectors.copy_request_entry(r, now=now) for r in open_rows],
        "recent": [selectors.copy_request_entry(r, now=now) for r in recent],
        "recent_days": RECENT_DAYS,
    })


def _detail_page(request, copy_request, *, assign_form=None, decide_form=None, status=200):
    case, user = copy_request.case, request.user
    may_assign = access.can_assign_copy_requests(user, case) and not copy_request.decided
    may_decide = access.can_handle_copy_requests(user, case) and not copy_request.decided
    initial_person = {"person": str(copy_request.assigned_to_id)} if copy_request.assigned_to_id else None
    source = selectors.copy_source_file(copy_request.document)
    return render(request, "registry/copy_request_detail.html", {
        "copy_request": copy_request, "entry": selectors.copy_request_entry(copy_request), "case": case,
        "document": selectors.document_entry(user=user, document=copy_request.document),
        "source": source, "source_is_pdf": source is not None and source.blob.content_type.startswith(
            "application/pdf"),
        # A refused form is shown with its errors, even when the request was decided meanwhile.
        "assign_form": assign_form or (CopyRequestAssignForm(
            people=selectors.copy_request_assignees(copy_request), prefix="assign", initial=initial_person)
            if may_assign else None),
        "decide_form": decide_form or (CopyRequestDecideForm(prefix="decide", copy_request=copy_request)
                                       if may_decide else None),
        "may_read_copy": access.can_read_copy(user, case),
        "may_mark_sent": access.can_handle_copy_requests(user, case) and copy_request.decided
        and copy_request.sent_at is None,
        "provisions": osl.PROVISIONS,
        "decided_by": actor_name(copy_request.decided_by) if copy_request.decided_by_id else "",
    }, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def copy_request_detail(request, pk: int):
    """One request: who asked (for staff), what for, when it is due; the forms
    to give it to an officer and to decide it; the copy and the decision."""
    copy_request = selectors.copy_request_get(request.user, pk)
    if request.method == "GET":
        return _detail_page(request, copy_request)
    action = request.POST.get("action")
    here = reverse("registry:copy_request_detail", args=[copy_request.pk])
    if action == "assign":
        deny_unless(access.can_assign_copy_requests(request.user, copy_request.case),
                    _("Du har inte behörighet att fördela begäranden om allmänna handlingar i ärendet."))
        form = CopyRequestAssignForm(request.POST, people=selectors.copy_request_assignees(copy_request),
                                     prefix="assign")
        if form.is_valid():
            try:
                services.copy_request_assign(actor=request.user, request=copy_request, **form.cleaned_data)
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Begäran är fördelad till %(name)s.")
                                 % {"name": form.cleaned_data["person"].name})
                return redirect(here)
        return _detail_page(request, copy_request, assign_form=form, status=400)
    if action == "decide":
        deny_unless(access.can_handle_copy_requests(request.user, copy_request.case),
                    _("Du har inte behörighet att avgöra begäranden om allmänna handlingar i ärendet."))
        form = CopyRequestDecideForm(request.POST, prefix="decide", copy_request=copy_request)
        if form.is_valid():
            try:
                decided = services.copy_request_decide(actor=request.user, request=copy_request, **form.cleaned_data)
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _decided_message(decided))
                return redirect(here)
        return _detail_page(request, copy_request, decide_form=form, status=400)
    if action == "sent":
        def mark_sent():
            services.copy_request_mark_sent(actor=request.user, request=copy_request)
            return _("Svaret är markerat som skickat.")

        return post_action(request, here, mark_sent)
    messages.error(request, _("Okänd åtgärd."))
    return redirect(here)


def _decided_message(copy_request) -> str:
    message = _("Begäran är avgjord: %(outcome)s.") % {"outcome": copy_request.get_outcome_display().lower()}
    if copy_request.delivery == copy_request.Delivery.EMAIL:
        return message + " " + _("Svaret skickas med e-post.")
    if copy_request.delivery == copy_request.Delivery.POST:
        return message + " " + _("Skicka svaret med post och markera det som skickat.")
    return message + " " + _("Svaret hämtas hos registraturen; markera det som utlämnat när det har hämtats.")


@login_required
@domain_errors
def copy_request_copy(request, pk: int):
    """The copy made for the requester, for staff who may read the case's secret documents."""
    copy_request = selectors.copy_request_get(request.user, pk)
    blob, filename = selectors.copy_request_copy(request.user, copy_request)
    return file_response(blob, filename)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def copy_request_register(request, pk: int):
    """Register on a document a request that came by phone, e-mail, a visit or a letter."""
    document = selectors.document_for_write(pk=pk)
    case = document.case
    deny_unless(access.can_handle_copy_requests(request.user, case),
                _("Du har inte behörighet att registrera begäranden om allmänna handlingar i ärendet."))
    form = CopyRequestRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registered = services.copy_request_register(actor=request.user, document=document, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Begäran är registrerad. Den ska vara avgjord senast %(at)s.")
                             % {"at": timezone.localtime(registered.due_at).strftime("%Y-%m-%d %H:%M")})
            return redirect("registry:copy_request_detail", pk=registered.pk)
    return render(request, "registry/copy_request_register.html", {
        "case": case, "entry": selectors.document_entry(user=request.user, document=document), "form": form,
    }, status=400 if form.is_bound else 200)

