"""The search pages: one search for everyone (/sok/), saved searches of
signed-in users and subscriptions by e-mail for anyone. Thin: the search is
selectors.search (which decides what the reader may find), saved searches are
written and read through alerts.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from diarium.accounts.sites import site_organisation
from diarium.core import errors, ratelimit

from . import alerts, selectors
from .forms import (
    FILTERS,
    AlertsForm,
    SaveSearchForm,
    SubscribeForm,
    params_from,
    search_fields,
)

PER_PAGE = 20
FACETS = (("kind", gettext_lazy("Typ")), ("organ", gettext_lazy("Organ")), ("year", gettext_lazy("År")),
          ("status", gettext_lazy("Status")))
LAG_NOTICE_SECONDS = 60


def _query(params: dict, sort: str = "relevance", **changes) -> str:
    """A query string for the search page: `params` with `changes` (None removes one)."""
    query = dict(params)
    if sort and sort != "relevance":
        query["sort"] = sort
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return "?" + urlencode(query) if query else "?"


def _facets(result, params: dict, sort: str) -> list[dict]:
    groups = []
    for name, label in FACETS:
        values = []
        for facet in result.facets.get(name, []):
            values.append({
                "label": facet.label, "count": facet.count, "selected": facet.selected,
                # a facet adds its filter, or removes it when it is the one chosen; a new filter starts at page 1
                "url": _query(params, sort, **{name: None if facet.selected else facet.value}),
            })
        if values:
            groups.append({"name": name, "label": label, "values": values})
    return groups


def _hits_text(result) -> str:
    """"23 träffar", "1 träff", or "fler än 1 000 träffar" when the count stopped there."""
    if result is None or result.message:
        return ""
    number = formats.number_format(result.total, force_grouping=True)
    if result.total_is_lower_bound:
        return ngettext("fler än %(n)s träff", "fler än %(n)s träffar", result.total) % {"n": number}
    return ngettext("%(n)s träff", "%(n)s träffar", result.total) % {"n": number}


def _facets_note(result) -> str:
    if result is None or not result.facets_within:
        return ""
    number = formats.number_format(result.facets_within, force_grouping=True)
    return ngettext("Antalen gäller den första träffen.", "Antalen gäller de första %(n)s träffarna.",
                    result.facets_within) % {"n": number}


def _notices(result) -> list[str]:
    notices = list(result.notices)
    if result.pending and result.lag_seconds >= LAG_NOTICE_SECONDS:
        minutes = max(1, round(result.lag_seconds / 60))
        notices.append(ngettext(
            "Sökningen ligger något efter: ändringar från den senaste minuten kan saknas i träffarna.",
            "Sökningen ligger något efter: ändringar från de senaste %(n)s minuterna kan saknas i träffarna.",
            minutes) % {"n": minutes})
    return notices


def search(request):
    """Search cases, documents, decisions, meetings and plans: the same page for
    everyone, showing what the reader may read (the public without login)."""
    params = params_from(request.GET)
    sort = (request.GET.get("sort") or "relevance").strip()
    result = None
    if params:
        result = selectors.search(user=request.user, q=params.get("q", ""),
                                  **{name: params.get(name) for name in FILTERS},
                                  sort=sort, page=request.GET.get("page") or 1, per_page=PER_PAGE,
                                  organisation_id=site.pk if (site := site_organisation(request)) else None)
    errors_by_field = result.errors if result is not None else {}
    fields = search_fields(params, errors_by_field, sort if sort in ("relevance", "date") else "relevance",
                           organisation=site_organisation(request))
    usable = result is not None and not result.errors and not result.message
    context = {
        "params": params, "sort": sort, "result": result, "fields": fields,
        "filter_fields": [fields[name] for name in FILTERS],
        "errors": [(fields.get(name), message)
                   for name, messages_ in errors_by_field.items() for message in messages_],
        "facets": _facets(result, params, sort) if usable else [],
        "facets_note": _facets_note(result) if usable else "",
        "hits_text": _hits_text(result),
        "notices": _notices(result) if result is not None else [],
        "hits": [{"hit": hit, "status": hit.status_label.split(": ", 1)[-1]} for hit in result.hits] if usable else [],
        "first_number": (result.page - 1) * result.per_page + 1 if result is not None else 1,
        "first_page_url": _query(params, sort),
        "previous_url": _query(params, sort, page=str(result.page - 1)) if usable and result.has_previous else "",
        "next_url": _query(params, sort, page=str(result.page + 1)) if usable and result.has_next else "",
        "clear_url": reverse("search:search") + (_query({"q": params["q"]}) if params.get("q") else ""),
        "filtered": any(name in params for name in FILTERS),
        "save_url": reverse("search:save") + _query(params) if usable else "",
        "subscribe_url": reverse("search:subscribe") + _query(params) if usable else "",
    }
    return render(request, "search/search.html", context, status=400 if errors_by_field else 200)


# --- saved searches (signed in) -------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def save(request):
    """Save the search in the query string (GET) or the hidden fields (POST)."""
    source = request.POST if request.method == "POST" else request.GET
    params = params_from(source)
    form = SaveSearchForm(request.POST or None, initial={"name": params.get("q", "")[:200]})
    if request.method == "POST" and form.is_valid():
        try:
            saved = alerts.saved_search_create(owner=request.user, params=params, **form.cleaned_data)
        except errors.DomainError as exc:
            if exc.status_code != 400:
                raise Http404(exc.message) from exc
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Sökningen ”%(name)s” har sparats.") % {"name": saved.name})
            return redirect("search:saved_detail", pk=saved.pk)
    return render(request, "search/save.html", {
        "form": form, "params": params, "criteria": alerts.describe(params),
        "search_url": alerts.search_url(params), "has_email": bool(request.user.email),
    }, status=400 if form.is_bound and form.errors else 200)


@login_required
def saved_list(request):
    """The signed-in user's saved searches."""
    saved = alerts.saved_searches_for(user=request.user)
    rows = [{"saved": s, "criteria": criteria, "search_url": alerts.search_url(s.params)}
            for s, criteria in zip(saved, alerts.describe_all([s.params for s in saved]), strict=True)]
    return render(request, "search/saved_list.html", {"rows": rows, "has_email": bool(request.user.email)})


def _own(request, pk: int):
    try:
        return alerts.saved_search_get(user=request.user, pk=pk)
    except errors.NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def saved_detail(request, pk: int):
    """One saved search: what it searches for, its e-mail and a link back to the search."""
    saved = _own(request, pk)
    return render(request, "search/saved_detail.html", {
        "saved": saved, "criteria": alerts.describe(saved.params), "search_url": alerts.search_url(saved.params),
        "alerts_form": AlertsForm(initial={"alerts": saved.alerts}), "has_email": bool(request.user.email),
    })


@login_required
@require_POST
def saved_alerts(request, pk: int):
    saved = _own(request, pk)
    form = AlertsForm(request.POST)
    form.is_valid()
    on = bool(form.cleaned_data.get("alerts"))
    try:
        alerts.saved_search_set_alerts(actor=request.user, saved_search=saved, alerts=on)
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Du får e-post varje dag när sökningen har nya träffar.") if on
                         else _("Du får inte längre e-post om sökningen."))
    return redirect("search:saved_detail", pk=saved.pk)


@login_required
@require_POST
def saved_delete(request, pk: int):
    saved = _own(request, pk)
    alerts.saved_search_delete(actor=request.user, saved_search=saved)
    messages.success(request, _("Den sparade sökningen ”%(name)s” har tagits bort.") % {"name": saved.name})
    return redirect("search:saved_list")


# --- subscriptions by e-mail (anyone) -------------------------------------------------------
def _subscribe_allowed(request) -> bool:
    """The limit of subscriptions an hour from one address (alerts.subscribe_allowed)."""
    return alerts.subscribe_allowed(client=ratelimit.client_address(request))


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Follow the search by e-mail: the address gets a confirmation link first."""
    source = request.POST if request.method == "POST" else request.GET
    params = params_from(source)
    form = SubscribeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not _subscribe_allowed(request):
            form.add_error(None, _("Många bevakningar har beställts från din anslutning den senaste timmen. "
                                   "Försök igen senare."))
            status = 429
        else:
            try:
                alerts.subscription_create(email=form.cleaned_data["email"], params=params)
            except errors.DomainError as exc:
                form.add_domain_error(exc)
            else:
                return redirect(reverse("search:subscribe_sent") + _query(params))
    if form.is_bound and form.errors and status == 200:
        status = 400
    return render(request, "search/subscribe.html", {
        "form": form, "params": params, "criteria": alerts.describe(params),
        "search_url": alerts.search_url(params),
    }, status=status)


def subscribe_sent(request):
    params = params_from(request.GET)
    return render(request, "search/subscribe_sent.html", {
        "search_url": alerts.search_url(params) if params else "", "days": alerts.CONFIRM_DAYS,
    })


def _link_problem(request, exc: errors.DomainError):
    return render(request, "search/link_problem.html", {"message": exc.message}, status=exc.status_code)


@never_cache
@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token: str):
    """The link in the confirmation mail: a page with a button (mail scanners
    that open links do not confirm anything), and the confirmation on POST."""
    try:
        if request.method == "POST":
            saved = alerts.subscription_confirm(token=token)
            return render(request, "search/subscription_confirmed.html", {
                "saved": saved, "criteria": alerts.describe(saved.params),
                "search_url": alerts.search_url(saved.params),
            })
        saved = alerts.subscription_for_confirm(token=token)
    except errors.DomainError as exc:
        return _link_problem(request, exc)
    return render(request, "search/subscription_confirm.html", {
        "saved": saved, "criteria": alerts.describe(saved.params), "search_url": alerts.search_url(saved.params),
    })


@never_cache
@csrf_exempt  # the signed link is the authority; mail clients send one-click unsubscribes (RFC 8058) without a form
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """The link in every alert mail: ends the e-mails without logging in."""
    try:
        if request.method == "POST":
            outcome = alerts.alerts_unsubscribe(token=token)
            return render(request, "search/unsubscribed.html", {
                "outcome": outcome, "search_url": alerts.search_url(outcome.params) if outcome.params else "",
            })
        saved = alerts.subscription_for_unsubscribe(token=token)
    except errors.DomainError as exc:
        return _link_problem(request, exc)
    return render(request, "search/unsubscribe.html", {
        "saved": saved, "criteria": alerts.describe(saved.params) if saved else [],
    })
