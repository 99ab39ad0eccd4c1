"""The desk's pages: the start page after login, the registrar's overdue
lists and each user's notification settings. Thin over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from diarium.core import errors
from diarium.core.web import deny_unless, domain_errors, posted_id, show_on_form
from diarium.registry import access as registry_access
from diarium.accounts import selectors as accounts
from diarium.registry.selectors import due_dates as due_selectors

from . import selectors, services
from .forms import NotificationSettingsForm


@login_required
def start(request):
    """Mitt skrivbord: the page after login. A member without a role in any
    organisation and with nothing on the desk goes on to their meetings."""
    desk = selectors.desk(user=request.user)
    if not selectors.is_staff(request.user) and not (desk.to_do or desk.cases.count):
        return redirect("decisions:my_meetings")
    return render(request, "desk/start.html", {"desk": desk, "today": due_selectors.today(), "now": timezone.now()})


@login_required
@domain_errors
def overdue(request):
    """The registrar's lists of overdue due dates, per organ and per officer."""
    followed = registry_access.organisations_followed(request.user)
    deny_unless(bool(followed), _("Listorna över försenade bevakningar är till för organisationens registratorer."))
    organisation_id = posted_id(request.GET.get("organisation")) or followed[0]
    deny_unless(organisation_id in followed, _("Du följer inte den organisationens bevakningar."))
    view = selectors.overdue(user=request.user, organisation_id=organisation_id,
                             organ_id=posted_id(request.GET.get("organ")),
                             person_id=posted_id(request.GET.get("person")))
    return render(request, "desk/overdue.html", {
        "view": view, "organisations": accounts.organisations_by_ids(followed) if len(followed) > 1 else [],
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current = selectors.notification_modes(user=request.user)
    form = NotificationSettingsForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_settings_save(user=request.user, modes=form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Dina val för aviseringar har sparats."))
            return redirect("desk:notification_settings")
    return render(request, "desk/notification_settings.html", {
        "form": form, "address": selectors.notification_address(user=request.user),
    }, status=400 if form.is_bound else 200)
