"""The archive's pages under /arkiv/, for the organisation's registrars and
archivist (access.can_keep_records): the records plan in force and its
versions, the draft editor, what is due, the disposal lists with adopt and
execute, the disposal records and legal holds. Thin: they parse forms, call
selectors and services, and show DomainErrors on the forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diarium.accounts import selectors as accounts
from diarium.core import errors
from diarium.core.web import domain_errors, post_action, posted_id, show_on_form

from . import access, selectors, services
from .forms import AsOfForm, DecisionChoiceForm, HoldForm, HoldLiftForm, RuleForm, RulesImportForm
from .models import DisposalList, RecordsPlanVersion

DUE_SHOWN = 500  # the page shows the first of what is due; the command lists it all
RECORDS_SHOWN = 500


def _organisation(request):
    """The organisation the page is about (?organisation=, else the user's first), checked."""
    return access.organisation_get(user=request.user,
                                   pk=posted_id(request.GET.get("organisation") or request.POST.get("organisation")))


def _context(request, organisation, **extra) -> dict:
    kept = access.organisations_kept(request.user)
    return {"organisation": organisation,
            "organisations": accounts.organisations_by_ids(kept) if len(kept) > 1 else [], **extra}


def _url(name: str, organisation, *args) -> str:
    return f"{reverse(name, args=args)}?organisation={organisation.pk}"


@login_required
@domain_errors
def index(request):
    organisation = _organisation(request)
    in_force = selectors.version_in_force(organisation_id=organisation.pk)
    return render(request, "archive/index.html", _context(
        request, organisation, in_force=in_force, draft=selectors.draft(organisation_id=organisation.pk),
        lists=selectors.disposal_lists(organisation_id=organisation.pk)[:5],
        holds=[h for h in selectors.legal_holds(organisation_id=organisation.pk) if h.lifted_at is None]))


# --- the records plan -------------------------------------------------------------------------
@login_required
@domain_errors
def plan(request):
    """The plan in force with its rules, and every version."""
    organisation = _organisation(request)
    in_force = selectors.version_in_force(organisation_id=organisation.pk)
    return render(request, "archive/plan.html", _context(
        request, organisation, version=in_force, rules=selectors.rules(in_force) if in_force else [],
        versions=selectors.versions(organisation_id=organisation.pk), in_force=in_force))


@login_required
@domain_errors
def version_detail(request, pk: int):
    version = access.plan_version_get(user=request.user, pk=pk)
    if version.status == RecordsPlanVersion.Status.DRAFT:
        return redirect(_url("archive:draft", version.organisation))
    return render(request, "archive/version_detail.html", _context(
        request, version.organisation, version=version, rules=selectors.rules(version),
        in_force=selectors.version_in_force(organisation_id=version.organisation_id)))


def _draft_page(request, organisation, *, draft, rule_form=None, import_form=None, adopt_form=None,
                status=200):
    choices = {"classifications": selectors.classification_choices(organisation_id=organisation.pk),
               "document_types": selectors.document_type_choices(organisation_id=organisation.pk)}
    return render(request, "archive/draft.html", _context(
        request, organisation, draft=draft, rules=selectors.rules(draft) if draft else [],
        in_force=selectors.version_in_force(organisation_id=organisation.pk),
        problems=services.version_errors(draft).get("rules", []) if draft else [],
        rule_form=rule_form or RuleForm(prefix="rule", **choices),
        import_form=import_form or RulesImportForm(prefix="import"),
        adopt_form=adopt_form or DecisionChoiceForm(
            prefix="adopt", decisions=selectors.decision_choices(organisation_id=organisation.pk), with_date=True),
    ), status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def draft(request):
    """The draft editor: create a draft, add rules (one at a time or from a
    CSV file), adopt it by a decision."""
    organisation = _organisation(request)
    current = selectors.draft(organisation_id=organisation.pk)
    if request.method == "GET":
        return _draft_page(request, organisation, draft=current)
    action = request.POST.get("action")
    here = _url("archive:draft", organisation)
    if action == "create":
        return post_action(request, here, lambda: _("Utkast version %(n)d är skapat.") % {
            "n": services.plan_draft_create(actor=request.user, organisation=organisation,
                                            copy=request.POST.get("copy") != "0").number})
    if current is None:
        raise errors.NotFound(_("Det finns inget utkast. Skapa ett först."))
    choices = {"classifications": selectors.classification_choices(organisation_id=organisation.pk),
               "document_types": selectors.document_type_choices(organisation_id=organisation.pk)}
    if action == "rule":
        form = RuleForm(request.POST, prefix="rule", **choices)
        if form.is_valid():
            try:
                services.retention_rule_save(actor=request.user, version=current, **form.rule_values())
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Regeln är sparad."))
                return redirect(here + "#regler")
        return _draft_page(request, organisation, draft=current, rule_form=form, status=400)
    if action == "import":
        form = RulesImportForm(request.POST, request.FILES, prefix="import")
        if form.is_valid():
            try:
                count = services.retention_rules_import(actor=request.user, version=current,
                                                        text=form.cleaned_data["file"])
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("%(n)d regler lästes in.") % {"n": count})
                return redirect(here + "#regler")
        return _draft_page(request, organisation, draft=current, import_form=form, status=400)
    if action == "adopt":
        form = DecisionChoiceForm(request.POST, prefix="adopt", with_date=True,
                                  decisions=selectors.decision_choices(organisation_id=organisation.pk))
        if form.is_valid():
            try:
                version = services.plan_version_adopt(
                    actor=request.user, version=current, effective_from=form.cleaned_data.get("effective_from"),
                    decision=selectors.decision_referenced(organisation_id=organisation.pk,
                                                           pk=form.chosen("decision")))
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Version %(n)d av dokumenthanteringsplanen är antagen.")
                                 % {"n": version.number})
                return redirect(reverse("archive:version_detail", args=[version.pk]))
        return _draft_page(request, organisation, draft=current, adopt_form=form, status=400)
    if action == "delete":
        def remove():
            rule = selectors.rule_of(current, posted_id(request.POST.get("rule")))
            if rule is None:
                raise errors.DomainError(_("Regeln finns inte i utkastet."))
            services.retention_rule_delete(actor=request.user, rule=rule)
            return _("Regeln är borttagen.")
        return post_action(request, here + "#regler", remove)
    return HttpResponseBadRequest(_("Okänd åtgärd."))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int, rule_pk: int):
    version = access.plan_version_get(user=request.user, pk=pk)
    organisation = version.organisation
    if version.status != RecordsPlanVersion.Status.DRAFT:  # adopted versions are never edited
        return redirect("archive:version_detail", pk=version.pk)
    rule = selectors.rule_of(version, rule_pk)
    if rule is None:
        raise errors.NotFound(_("Regeln finns inte."))
    choices = {"classifications": selectors.classification_choices(organisation_id=organisation.pk),
               "document_types": selectors.document_type_choices(organisation_id=organisation.pk)}
    initial = {name: getattr(rule, name) for name in services.RULE_FIELDS}
    initial["classification"], initial["document_type"] = rule.classification_id, rule.document_type_id or ""
    form = RuleForm(request.POST or None, initial=initial, **choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_rule_save(actor=request.user, version=version, rule=rule, **form.rule_values())
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Regeln är ändrad."))
            return redirect(_url("archive:draft", organisation) + "#regler")
    return render(request, "archive/rule_form.html", _context(request, organisation, form=form, rule=rule,
                                                              version=version),
                  status=400 if form.is_bound else 200)


# --- disposal ---------------------------------------------------------------------------------
@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def due(request):
    """What is due for disposal, and drawing up a disposal list of it."""
    organisation = _organisation(request)
    if request.method == "POST":
        form = AsOfForm(request.POST)
        as_of = form.cleaned_data.get("as_of") if form.is_valid() else None

        def draw_up():
            disposal_list = services.disposal_list_draw_up(actor=request.user, organisation=organisation,
                                                           as_of=as_of)
            return _("Gallringsförteckning %(n)d är upprättad.") % {"n": disposal_list.number}
        return post_action(request, _url("archive:lists", organisation), draw_up)
    form = AsOfForm(request.GET or None)
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    as_of = as_of or selectors.today()
    items, more = [], False
    for item in selectors.due(organisation_id=organisation.pk, as_of=as_of):
        if len(items) == DUE_SHOWN:
            more = True
            break
        items.append(item)
    return render(request, "archive/due.html", _context(
        request, organisation, form=form, as_of=as_of, items=items, more=more,
        version=selectors.version_in_force(organisation_id=organisation.pk, as_of=as_of)),
        status=400 if form.errors else 200)


@login_required
@domain_errors
def lists(request):
    organisation = _organisation(request)
    return render(request, "archive/lists.html", _context(
        request, organisation, lists=selectors.disposal_lists(organisation_id=organisation.pk)))


def _list_page(request, disposal_list, *, form=None, status=200):
    organisation = disposal_list.organisation
    return render(request, "archive/list_detail.html", _context(
        request, organisation, disposal_list=disposal_list, items=selectors.disposal_list_items(disposal_list),
        records=selectors.disposal_records(organisation_id=organisation.pk, disposal_list=disposal_list)
        if disposal_list.status == DisposalList.Status.EXECUTED else [],
        form=form or DecisionChoiceForm(
            decisions=selectors.decision_choices(organisation_id=organisation.pk),
            delegation_decisions=selectors.delegation_decision_choices(organisation_id=organisation.pk))),
        status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def list_detail(request, pk: int):
    """A disposal list: its documents and what blocks them; adopt, execute, cancel."""
    disposal_list = access.disposal_list_get(user=request.user, pk=pk)
    if request.method == "GET":
        return _list_page(request, disposal_list)
    organisation_id = disposal_list.organisation_id
    here = reverse("archive:list_detail", args=[disposal_list.pk])
    action = request.POST.get("action")
    if action == "adopt":
        form = DecisionChoiceForm(
            request.POST, decisions=selectors.decision_choices(organisation_id=organisation_id),
            delegation_decisions=selectors.delegation_decision_choices(organisation_id=organisation_id))
        if form.is_valid():
            try:
                services.disposal_list_adopt(
                    actor=request.user, disposal_list=disposal_list,
                    decision=selectors.decision_referenced(organisation_id=organisation_id,
                                                           pk=form.chosen("decision")),
                    delegation_decision=selectors.delegation_decision_referenced(
                        organisation_id=organisation_id, pk=form.chosen("delegation_decision")))
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Gallringsförteckningen är beslutad."))
                return redirect(here)
        return _list_page(request, disposal_list, form=form, status=400)
    if action == "execute":
        return post_action(request, here, lambda: _("Gallringen är verkställd: %(n)d handlingar gallrades.") % {
            "n": len(services.disposal_list_execute(actor=request.user, disposal_list=disposal_list))})
    if action == "remove":
        return post_action(request, here, lambda: services.disposal_list_item_remove(
            actor=request.user, disposal_list=disposal_list, item_id=posted_id(request.POST.get("item")))
            or _("Handlingen är borttagen från förteckningen."))
    if action == "cancel":
        return post_action(request, here, lambda: services.disposal_list_cancel(
            actor=request.user, disposal_list=disposal_list) and _("Förteckningen är makulerad."))
    return HttpResponseBadRequest(_("Okänd åtgärd."))


@login_required
@domain_errors
def records(request):
    """The disposal records (gallringsredovisning): what was disposed of, when, under which rule and decision."""
    organisation = _organisation(request)
    rows = list(selectors.disposal_records(organisation_id=organisation.pk)[:RECORDS_SHOWN + 1])
    return render(request, "archive/records.html", _context(
        request, organisation, records=rows[:RECORDS_SHOWN], more=len(rows) > RECORDS_SHOWN))


# --- legal holds --------------------------------------------------------------------------------
def _holds_page(request, organisation, *, form=None, status=200):
    return render(request, "archive/holds.html", _context(
        request, organisation, holds=selectors.legal_holds(organisation_id=organisation.pk),
        form=form or HoldForm(initial={"case": request.GET.get("arende", "")[:60]})), status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def holds(request):
    """Legal holds: those in force and lifted, and placing one on a case."""
    organisation = _organisation(request)
    if request.method == "GET":
        return _holds_page(request, organisation)
    form = HoldForm(request.POST)
    if form.is_valid():
        case = selectors.case_referenced(organisation_id=organisation.pk, text=form.cleaned_data["case"])
        try:
            hold = services.legal_hold_place(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Ärendet %(dnr)s har fått en gallringsspärr.")
                             % {"dnr": hold.case.diary_number})
            return redirect(_url("archive:holds", organisation))
    return _holds_page(request, organisation, form=form, status=400)


@login_required
@domain_errors
@require_POST
def hold_lift(request, pk: int):
    hold = access.legal_hold_get(user=request.user, pk=pk)
    form = HoldLiftForm(request.POST)
    form.is_valid()
    return post_action(request, _url("archive:holds", hold.organisation), lambda: services.legal_hold_lift(
        actor=request.user, hold=hold, reason=form.cleaned_data.get("lift_reason", "")) and _(
        "Gallringsspärren på %(dnr)s är borttagen.") % {"dnr": hold.case.diary_number})
