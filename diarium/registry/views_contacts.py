"""The contact register's page: the organisation's staff search it; those who
register documents add and change contacts. Rights in access.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from diarium.accounts import access as roles
from diarium.core import errors
from diarium.core.web import domain_errors, posted_id, show_on_form

from . import access, selectors, services
from .forms import ContactForm


def _organisation_id(request) -> int:
    """The organisation whose register is shown: the one asked for, else the user's own."""
    asked = posted_id(request.GET.get("organisation"))
    mine = sorted(roles.grants_for(request.user).organisation_ids)
    organisation_id = asked if asked is not None else (mine[0] if mine else None)
    if organisation_id is None or not access.can_read_contacts(request.user, organisation_id):
        raise errors.PermissionDenied(_("Du har inte behörighet att läsa kontaktregistret."))
    return organisation_id


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def contact_list(request):
    organisation_id = _organisation_id(request)
    can_keep = access.can_keep_contacts(request.user, organisation_id)
    editing = None
    if request.GET.get("kontakt"):
        editing = selectors.contact_get(user=request.user, organisation_id=organisation_id,
                                        pk=posted_id(request.GET.get("kontakt")) or 0)
    initial = {"kind": editing.kind, "name": editing.name, "is_private": editing.is_private,
               "org_number": editing.org_number, "email": editing.email, "phone": editing.phone,
               "address": editing.address} if editing else None
    form = ContactForm(request.POST or None, initial=initial) if can_keep else None
    if request.method == "POST":
        if form is None:
            raise errors.PermissionDenied(_("Du har inte behörighet att ändra kontaktregistret."))
        if form.is_valid():
            try:
                contact = services.contact_save(actor=request.user, organisation_id=organisation_id,
                                                contact=editing, **form.cleaned_data)
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Kontakten %(name)s är sparad.") % {"name": contact.name})
                return redirect(reverse("registry:contact_list") + f"?q={contact.name}")
    q = request.GET.get("q", "")[:100]
    return render(request, "registry/contact_list.html", {
        "contacts": selectors.contacts(user=request.user, organisation_id=organisation_id, q=q), "q": q,
        "form": form, "editing": editing,
    }, status=400 if form is not None and form.is_bound else 200)
