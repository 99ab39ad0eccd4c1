"""The case list's bulk actions: tick cases in the list, then give them another
case officer, set their classification or close them, in one go and without
JavaScript. The rules are services.cases_bulk_change's; a refusal is shown on
the list again, with the cases still ticked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from diarium.accounts.models import Organisation
from diarium.core import errors
from diarium.core.web import deny_unless, domain_errors, show_on_form

from . import access, selectors, services
from .forms_bulk import CaseBulkForm
from .selectors import classification as scheme_selectors


def bulk_form_for(request, data=None, *, officers=None, officers_of=None, organisations=None) -> CaseBulkForm | None:
    """The bulk action form for the user, with the officers and classifications
    of the organisations where they change cases; None for someone who may
    change no case (the public included: no query for them). `organisations`
    (every organisation, for their names) is the list the case list has already
    loaded, and `officers` those of the organisation `officers_of` (an id) if it has."""
    if not request.user.is_authenticated:
        return None
    allowed = access.organisations_changing_cases(request.user)
    if allowed is not None and not allowed:
        return None
    if officers is not None and (allowed is None or not allowed <= {officers_of}):
        officers = None  # the list's officers do not cover every organisation the user changes cases in
    if officers is None:  # only those of the organisations where the user changes cases
        officers = selectors.case_officers() if allowed is None else selectors.case_officers().filter(
            organisation__in=allowed)
    if organisations is None:
        organisations = Organisation.objects.all()
    # The processes in use where an organisation has a scheme, its codes where it has none.
    classifications = scheme_selectors.case_classifications(allowed)
    officers = [p for p in officers if allowed is None or p.organisation_id in allowed]
    names = {o.pk: o.name for o in organisations}
    several = len({p.organisation_id for p in officers} | {c.organisation_id for c in classifications}) > 1
    return CaseBulkForm(data, officers=officers, classifications=classifications,
                        organisation_names=names if several else None)


def _done_message(result: services.BulkResult, form: CaseBulkForm) -> str:
    n = len(result.changed)
    data = form.cleaned_data
    if result.action == services.BulkAction.CLOSE:
        message = ngettext("%(n)s ärende har avslutats.", "%(n)s ärenden har avslutats.", n) % {"n": n}
    elif result.action == services.BulkAction.REASSIGN:
        message = ngettext("%(n)s ärende har fått handläggaren %(name)s.",
                           "%(n)s ärenden har fått handläggaren %(name)s.", n) % {
            "n": n, "name": data["officer"].name}
    else:
        message = ngettext("%(n)s ärende har fått klassificeringen %(code)s.",
                           "%(n)s ärenden har fått klassificeringen %(code)s.", n) % {
            "n": n, "code": data["classification"].code}
    if result.unchanged:
        message += " " + ngettext("%(n)s ärende hade det redan.", "%(n)s ärenden hade det redan.",
                                  len(result.unchanged)) % {"n": len(result.unchanged)}
    return message


@login_required
@domain_errors
@require_POST
def case_bulk(request):
    """Change the ticked cases. The list's filters and page come along in the
    query string, so the user goes back to the same list."""
    from .views import case_list_page

    form = bulk_form_for(request, request.POST)
    deny_unless(form is not None, _("Du har inte behörighet att ändra ärenden."))
    if form.is_valid():
        try:
            result = services.cases_bulk_change(actor=request.user, **form.bulk_arguments())
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _done_message(result, form))
            query = request.GET.urlencode()
            return redirect(reverse("registry:case_list") + (f"?{query}" if query else ""))
    return case_list_page(request, bulk_form=form, status=400)
