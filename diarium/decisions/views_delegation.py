"""Delegation decisions (kommunallagen 6 kap. 37-40 §§): the public list per
board and year, registering one from its case page, and, for the secretary,
putting the unreported ones on a meeting's agenda ("Anmälan av
delegationsbeslut"). Thin: what a reader sees is the selectors' (and
access.py's), what is written the services'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from diarium.core import errors
from diarium.core.web import domain_errors, post_action, show_on_form
from diarium.registry import selectors as registry_selectors

from . import access, selectors, services
from .forms import DelegationDecisionForm, DelegationFilterForm


@domain_errors
@require_GET
def delegation_list(request):
    """Decisions taken under delegation, latest first, per board and year:
    public (a decision whose document is marked secret only for those who may
    read that document; the summary as the reader may see it)."""
    organs = selectors.delegating_organs()
    form = DelegationFilterForm(request.GET or None, organs=organs,
                                years=selectors.delegation_years(user=request.user))
    organ, year = form.chosen_organ(), form.chosen_year()
    rows = selectors.delegation_decisions(user=request.user, organ=organ, year=year)
    return render(request, "decisions/delegation_list.html", {
        "form": form, "organ": organ, "year": year, "rows": rows,
        "truncated": len(rows) >= selectors.DELEGATION_LIST_MAX,
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def delegation_decision_register(request, case_pk: int):
    """Register a decision taken under delegation in the case it was taken in."""
    case = registry_selectors.case_get(user=request.user, pk=case_pk)
    access.require_register_delegation_decisions(request.user, case)
    organs = selectors.delegating_organs(organisation_id=case.organisation_id)
    people = list(registry_selectors.case_officers(organisation=case.organisation_id))
    own = getattr(request.user, "person", None)  # the user's own person, if any: who decided, most often
    initial = {"decided_on": timezone.localdate(),
               "organ": str(case.organ_id) if any(o.pk == case.organ_id for o in organs) else "",
               "decided_by": str(own.pk) if own is not None and own.organisation_id == case.organisation_id else ""}
    form = DelegationDecisionForm(request.POST or None, request.FILES or None, case=case, organs=organs,
                                  people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            decision = services.delegation_decision_register(
                actor=request.user, case=case, organ=d["organ"], point=d["point"], summary=d["summary"],
                decided_on=d["decided_on"], decided_by=d["decided_by"], file=d.get("file"))
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Delegationsbeslutet är registrerat som handling %(ref)s. Det anmäls till "
                                        "%(organ)s vid ett kommande sammanträde.") % {
                "ref": f"{case.diary_number}-{decision.document.number}", "organ": decision.organ.name})
            return redirect(reverse("registry:case_detail", args=[case.pk]) + "#delegationsbeslut")
    status = 400 if form.is_bound else 200
    return render(request, "decisions/delegation_form.html", {"form": form, "case": case}, status=status)


@login_required
@domain_errors
@require_POST
def delegation_report_add(request, pk: int):
    """Put the board's unreported delegation decisions on the meeting's agenda
    as one item (again: those registered since are added to it)."""
    meeting = access.meeting_manage_get(user=request.user, pk=pk)

    def add():
        report = services.delegation_report_add(actor=request.user, meeting=meeting)
        item = report.item
        if report.added == 0:
            return _("Inga nya delegationsbeslut att anmäla. Punkt %(n)s, %(title)s, är oförändrad.") % {
                "n": item.position, "title": item.title}
        total = item.delegation_decisions.count()
        if report.added == total:
            return _("%(title)s är punkt %(n)s med %(count)s beslut.") % {
                "title": item.title, "n": item.position, "count": total}
        return _("%(added)s nya delegationsbeslut är tillagda i punkt %(n)s, %(title)s (%(count)s beslut).") % {
            "added": report.added, "n": item.position, "title": item.title, "count": total}

    return post_action(request, reverse("decisions:meeting_detail", args=[meeting.pk]) + "#dagordning", add)
