"""The council's motions, interpellations, questions and citizen proposals:
the public list with the day each is to be answered by, the report of the
unanswered motions for the council (PDF/A), and, for the secretary,
registering them and recording an interpellation's or a question's answer."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from diarium.accounts import selectors as accounts_selectors
from diarium.accounts.models import Organ, Person
from diarium.accounts.sites import require_on_site
from diarium.core import drawing, errors
from diarium.core.web import (
    deny_unless,
    domain_errors,
    post_action,
    posted_id,
    show_on_form,
)
from diarium.registry.selectors import classification as scheme_selectors

from . import access, selectors, services
from .forms import CouncilMatterForm
from .models import CouncilMatter, Meeting, Membership


def _council(pk: int) -> Organ:
    organ = accounts_selectors.organ_get(pk=pk)
    if organ.kind != Organ.Kind.COUNCIL:
        raise errors.NotFound(_("Motioner och medborgarförslag ställs till fullmäktige."))
    return organ


@domain_errors
@require_http_methods(["GET", "POST"])
def council_matters(request, pk: int):
    organ = _council(pk)
    require_on_site(request, organ.organisation_id)
    can_manage = access.can_manage_meetings(request.user, organ)
    today = timezone.localdate()
    members = Person.objects.filter(pk__in=Membership.objects.filter(organ=organ).values("person")).order_by("name")
    classifications = scheme_selectors.case_classifications([organ.organisation_id])
    form = CouncilMatterForm(members=members, people=Person.objects.filter(organisation=organ.organisation_id)
                             .order_by("name"), initial={"submitted_on": today}, classifications=classifications)
    here = reverse("decisions:council_matters", args=[organ.pk])
    if request.method == "POST":
        deny_unless(can_manage, _("Du har inte behörighet att registrera ärenden till %(organ)s.")
                    % {"organ": organ.name})
        if request.POST.get("action") == "answer":
            def answer():
                matter = CouncilMatter.objects.filter(organ=organ, pk=posted_id(request.POST.get("matter"))).first()
                meeting = Meeting.objects.filter(organ=organ, pk=posted_id(request.POST.get("meeting"))).first()
                if matter is None or meeting is None:
                    raise errors.DomainError(_("Välj sammanträdet där svaret lämnades."), field="meeting")
                services.council_matter_answer(actor=request.user, matter=matter, meeting=meeting)
                return _("%(kind)s %(number)s är besvarad %(date)s.") % {
                    "kind": matter.get_kind_display(), "number": matter.case.diary_number,
                    "date": meeting.date.isoformat()}

            return post_action(request, here + "#besvarade", answer)
        form = CouncilMatterForm(request.POST, members=form.fields["mover"].queryset,
                                 people=form.fields["addressed_to"].queryset, classifications=classifications)
        if form.is_valid():
            d = form.cleaned_data
            try:
                matter = services.council_matter_register(
                    actor=request.user, organ=organ, kind=d["kind"], title=d["title"], submitted_on=d["submitted_on"],
                    mover=d["mover"], addressed_to=d["addressed_to"], submitter=d["submitter"],
                    classification=d["classification"])
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("%(kind)s är registrerad som ärende %(number)s.") % {
                    "kind": matter.get_kind_display(), "number": matter.case.diary_number})
                return redirect(here)
    rows = selectors.council_matters(user=request.user, organ=organ, today=today)
    return render(request, "decisions/council_matters.html", {
        "organ": organ, "can_manage": can_manage, "form": form if can_manage else None,
        "unanswered": [r for r in rows if not r.answered], "answered": [r for r in rows if r.answered],
        "held_meetings": list(Meeting.objects.filter(organ=organ).exclude(
            status__in=[Meeting.Status.PLANNED, Meeting.Status.NOTICE_PUBLISHED]).order_by("-date")[:20])
        if can_manage else [],
    }, status=400 if form.is_bound else 200)


@domain_errors
@require_GET
def unanswered_report(request, pk: int):
    """The report of unanswered motions and citizen proposals, drawn up for the council as PDF/A."""
    organ = _council(pk)
    today = timezone.localdate()
    drawn = drawing.draw("unanswered_motions", {
        "organ": organ, "rows": selectors.unanswered_report(user=request.user, organ=organ, today=today),
        "today": today, "organisation": organ.organisation,
    }, template="decisions/unanswered_report.html", stem="obesvarade-motioner")
    response = HttpResponse(drawn.content, content_type=drawn.content_type)
    response["Content-Disposition"] = f'inline; filename="{drawn.filename}"'
    return response
