"""The classification scheme's pages (/klassificering/): the scheme as a tree
with the cases per node, forms to add, change, retire and import it, and the
organisation's unclassified cases with a way to classify them. Read by the
organisation's registrars and administrators, kept by its administrators
(access.can_read_scheme, can_keep_scheme); the rules are
services.classification's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from diarium.core import errors
from diarium.core.web import deny_unless, domain_errors, posted_id, show_on_form

from . import access, services
from .classification_files import MAX_BYTES, scheme_file_read
from .forms_bulk import CaseBulkForm
from .forms_classification import ClassificationForm, ClassificationImportForm
from .selectors import classification as scheme_selectors

UNCLASSIFIED_PAGE = 50
KEEP_DENIED = gettext_lazy("Bara organisationens administratörer kan ändra klassificeringsstrukturen.")


def _organisation(request):
    """The organisation whose scheme is shown: ?organisation=<id>, else the user's own."""
    return scheme_selectors.scheme_organisation(request.user, posted_id(request.GET.get("organisation")))


def _scheme_url(organisation, anchor: str = "") -> str:
    return f"{reverse('registry:classification_scheme')}?organisation={organisation.pk}{anchor}"


@login_required
@domain_errors
def scheme(request):
    organisation = _organisation(request)
    tree = scheme_selectors.scheme_tree(user=request.user, organisation_id=organisation.pk)
    return render(request, "registry/classification_scheme.html", {
        "organisation": organisation, "tree": tree,
        "may_keep": access.can_keep_scheme(request.user, organisation.pk),
    })


def _form_page(request, *, organisation, form, node=None, status=200):
    return render(request, "registry/classification_form.html", {
        "organisation": organisation, "form": form, "node": node,
        "in_use": node is not None and (node.case_count > 0 or node.child_count > 0),
    }, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def classification_add(request):
    """Add a node; ?overordnad=<id> puts it under that one."""
    organisation = _organisation(request)
    deny_unless(access.can_keep_scheme(request.user, organisation.pk), KEEP_DENIED)
    parents = scheme_selectors.parent_choices(organisation.pk)
    initial = {}
    under = next((p for p in parents if p.pk == posted_id(request.GET.get("overordnad"))), None)
    if under is not None:
        initial = {"parent": under.pk, "code": f"{under.code}."}
    form = ClassificationForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            node = services.classification_create(actor=request.user, organisation=organisation, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("%(node)s har lagts till i klassificeringsstrukturen.") % {"node": node})
            return redirect(_scheme_url(organisation, f"#klass-{node.pk}"))
    return _form_page(request, organisation=organisation, form=form, status=400 if form.is_bound else 200)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def classification_edit(request, pk: int):
    """Change a node; action=retire / reactivate / remove take it out of use,
    into use again, or away (when nothing uses it)."""
    node = scheme_selectors.scheme_node(user=request.user, pk=pk)
    organisation = node.organisation
    deny_unless(access.can_keep_scheme(request.user, organisation.pk), KEEP_DENIED)
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("retire", "reactivate", "remove"):
        try:
            if action == "remove":
                services.classification_delete(actor=request.user, classification=node)
                messages.success(request, _("%(node)s har tagits bort.") % {"node": node})
            else:
                services.classification_update(actor=request.user, classification=node, active=action == "reactivate")
                messages.success(request, (_("%(node)s används igen.") if action == "reactivate"
                                           else _("%(node)s är avvecklad.")) % {"node": node})
        except errors.DomainError as exc:
            if exc.status_code not in (400, 409):
                raise
            messages.error(request, " ".join(dict.fromkeys([exc.message, *sum(exc.errors.values(), [])])))
            return redirect("registry:classification_edit", pk=node.pk)
        return redirect(_scheme_url(organisation, "" if action == "remove" else f"#klass-{node.pk}"))
    parents = [p for p in scheme_selectors.parent_choices(organisation.pk) if p.pk != node.pk]
    if node.parent is not None and all(p.pk != node.parent_id for p in parents):
        parents.append(node.parent)  # a parent retired since stays where it is
    form = ClassificationForm(request.POST or None, parents=parents, initial={
        "code": node.code, "title": node.title, "level": node.level, "parent": node.parent_id or "",
        "description": node.description})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.classification_update(actor=request.user, classification=node, code=data["code"],
                                           title=data["title"], level=data["level"], parent=data["parent"],
                                           description=data["description"])
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Ändringarna av %(code)s är sparade.") % {"code": data["code"]})
            return redirect(_scheme_url(organisation, f"#klass-{node.pk}"))
    return _form_page(request, organisation=organisation, form=form, node=node,
                      status=400 if form.is_bound else 200)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def scheme_import(request):
    """Import the scheme from a CSV or XML file: all of it or, with any
    problem, nothing (every problem listed)."""
    organisation = _organisation(request)
    deny_unless(access.can_keep_scheme(request.user, organisation.pk), KEEP_DENIED)
    form = ClassificationImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(MAX_BYTES + 1)
        try:
            result = services.classification_import(actor=request.user, organisation=organisation,
                                                    scheme=scheme_file_read(upload.name, content),
                                                    filename=upload.name)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            if result.changed:
                messages.success(request, _("Importen är klar: %(created)s tillagda, %(updated)s ändrade och "
                                            "%(unchanged)s oförändrade.") % {
                    "created": len(result.created), "updated": len(result.updated), "unchanged": result.unchanged})
            else:
                messages.info(request, ngettext(
                    "Inget ändrades: filens %(n)s klassificering finns redan så.",
                    "Inget ändrades: filens %(n)s klassificeringar finns redan så.", result.unchanged)
                    % {"n": result.unchanged})
            return redirect(_scheme_url(organisation))
    return render(request, "registry/classification_import.html", {"organisation": organisation, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def unclassified(request):
    """The organisation's cases without a classification, oldest first; the
    ticked ones get the chosen process (services.cases_bulk_change, each case
    with its own event)."""
    organisation = _organisation(request)
    cases = scheme_selectors.unclassified_cases(user=request.user, organisation_id=organisation.pk)
    classifications = scheme_selectors.case_classifications([organisation.pk])
    form = CaseBulkForm(request.POST or None, classifications=classifications)
    form.fields["classification"].label = _("Process")
    form.fields["classification"].help_text = _("Varje ärende får processen, med en rad i sin historik.")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.cases_bulk_change(actor=request.user, **{
                    **form.bulk_arguments(), "action": services.BulkAction.CLASSIFY})
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                code = form.cleaned_data["classification"].code
                messages.success(request, ngettext("%(n)s ärende har fått klassificeringen %(code)s.",
                                                   "%(n)s ärenden har fått klassificeringen %(code)s.",
                                                   len(result.changed)) % {"n": len(result.changed), "code": code})
                return redirect(f"{reverse('registry:classification_unclassified')}?organisation={organisation.pk}")
    page = Paginator(cases, UNCLASSIFIED_PAGE).get_page(request.GET.get("page"))
    rows = [(case, access.case_value(request.user, case, "title")) for case in page.object_list]
    return render(request, "registry/classification_unclassified.html", {
        "organisation": organisation, "page": page, "rows": rows, "form": form, "ticked": form.ticked(),
    }, status=status)
