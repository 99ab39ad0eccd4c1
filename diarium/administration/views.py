"""The administration's entry: which organisation, and its overview. The screens
for each kind of reference data are in views_accounts.py and views_registry.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from diarium.accounts import access as accounts_access
from diarium.core.web import deny_unless, domain_errors

from . import selectors


def organisation_for(request, slug: str):
    """The organisation of the screen's URL, if the user administers it (else 404)."""
    return accounts_access.organisation_for_admin_by_slug(user=request.user, slug=slug)


@login_required
@domain_errors
def organisation_choice(request):
    organisations = list(accounts_access.organisations_administered(request.user))
    deny_unless(bool(organisations), _("Administrationen är till för organisationens administratörer."))
    if len(organisations) == 1:
        return redirect("administration:overview", org=organisations[0].slug)
    return render(request, "administration/choice.html", {"organisations": organisations})


@login_required
@domain_errors
def overview(request, org: str):
    organisation = organisation_for(request, org)
    return render(request, "administration/overview.html", {
        "organisation": organisation,
        "changes": selectors.recent_changes(organisation=organisation),
    })
