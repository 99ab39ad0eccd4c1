"""Steering document pages: plans, their structure, versions, follow-ups and
reports. Thin: they parse forms, call selectors (reads) and services (writes),
and show DomainErrors on the forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diarium.accounts import selectors as accounts_selectors
from diarium.accounts.sites import require_on_site, site_organisation
from diarium.core import errors
from diarium.decisions import access as decisions_access
from diarium.decisions import selectors as decisions_selectors
from diarium.decisions import services as decisions_services
from diarium.decisions.models import Meeting
from diarium.registry import selectors as registry_selectors
from diarium.core.web import deny_unless, domain_errors, post_action, show_on_form

from . import access, selectors, services
from .forms import (
    ActionForm, AdoptForm, AnswerForm, FocusAreaForm, FollowUpOpenForm, GoalForm, ImportForm, IndicatorForm,
    MeetingChoiceForm, PlanForm, StatusForm,
)
from .models import Action, FocusArea, Goal, Indicator, SteeringDocument

AGENDA_OPEN = (Meeting.Status.PLANNED, Meeting.Status.NOTICE_PUBLISHED)
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- helpers ------------------------------------------------------------------------------
def _managed(request, pk: int) -> SteeringDocument:
    return access.plan_manage_get(user=request.user, pk=pk)


def _item(model, pk: int, path: str):
    """A focus area, goal, indicator or action with the document it belongs to."""
    item = selectors.structure_item_for_write(model=model, pk=pk, path=path)
    if item is None:
        raise errors.NotFound(_("Uppgiften finns inte."))
    return item


def _managed_item(request, model, pk: int, path: str):
    item = _item(model, pk, path)
    document = item
    for part in path.split("__"):
        document = getattr(document, part)
    access.require_manage(request.user, document)
    return item, document


def _structure_url(document, anchor: str = "") -> str:
    return reverse("plans:plan_structure", args=[document.pk]) + (f"#{anchor}" if anchor else "")


def _people(organisation_id):
    return list(registry_selectors.case_officers(organisation=organisation_id))


def _organs(organisation_id):
    return list(accounts_selectors.organ_list(organisation=organisation_id))


def _plan_choices(document_or_case):
    organisation_id = document_or_case.organisation_id
    parents = selectors.possible_parents(
        organisation_id=organisation_id,
        exclude=document_or_case if isinstance(document_or_case, SteeringDocument) else None)
    return {"organs": _organs(organisation_id), "people": _people(organisation_id), "parents": parents}


def _rounds_info(rounds, today):
    return [(r, r.status == r.Status.OPEN and r.deadline < today) for r in rounds]


# --- plans ---------------------------------------------------------------------------------
def plan_list(request):
    site = site_organisation(request)  # an organisation's own site: its steering documents only
    plans = selectors.plan_list(user=request.user, organisation_id=site.pk if site else None)
    return render(request, "plans/plan_list.html", {
        "plans": plans,
        "staff": any(access.can_read_internal(request.user, p) for p in plans),
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def plan_create(request, case_pk: int):
    case = registry_selectors.case_get(user=request.user, pk=case_pk)
    access.require_create(request.user, case)
    initial = {"title": case.title, "owner_organ": str(case.organ_id), "weighting": "budget",
               "follow_up_months": 12}
    form = PlanForm(request.POST or None, initial=initial, **_plan_choices(case))
    if request.method == "POST" and form.is_valid():
        try:
            document = services.plan_create(actor=request.user, case=case, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Styrdokumentet är skapat. Lägg till målområden, mål och aktiviteter."))
            return redirect("plans:plan_structure", pk=document.pk)
    status = 400 if form.is_bound else 200
    return render(request, "plans/plan_form.html", {"form": form, "case": case}, status=status)


@domain_errors
def plan_detail(request, pk: int):
    document = selectors.plan_get(user=request.user, pk=pk)
    require_on_site(request, document.organisation_id)
    overview = selectors.plan_overview(user=request.user, document=document)
    decision = document.adopted_by
    today = timezone.localdate()
    return render(request, "plans/plan_detail.html", {
        "document": document,
        "o": overview,
        "internal": access.can_read_internal(request.user, document),
        "can_manage": access.can_manage(request.user, document),
        "internal_notes": selectors.internal_notes(document) if overview.working_copy else {},
        "decision_visible": decision is not None and decisions_access.decisions_visible(request.user,
                                                                                            decision.meeting),
        "rounds": _rounds_info(overview.rounds, today),
        "progress": {a.action["key"]: a for g in overview.rollup.goals for a in g.actions} if overview.rollup else {},
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    """Change the plan's facts; change its status (on remiss, replaced, repealed)."""
    document = _managed(request, pk)
    if request.method == "POST" and request.POST.get("action") == "status":
        status_form = StatusForm(request.POST)
        if status_form.is_valid():
            def change():
                services.plan_set_status(actor=request.user, document=document,
                                         status=status_form.cleaned_data["status"])
                return _("Styrdokumentets status är nu %(s)s.") % {"s": document.get_status_display().lower()}

            return post_action(request, document, change)
        form = _plan_edit_form(document, None)
        return render(request, "plans/plan_form.html", {"form": form, "status_form": status_form,
                                                        "document": document, "case": document.case}, status=400)
    form = _plan_edit_form(document, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, document=document, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Styrdokumentets uppgifter är sparade."))
            return redirect(document)
    status = 400 if form.is_bound else 200
    return render(request, "plans/plan_form.html", {
        "form": form, "status_form": StatusForm(initial={"status": document.status}), "document": document,
        "case": document.case,
    }, status=status)


def _plan_edit_form(document, data):
    initial = {
        "kind": document.kind, "title": document.title, "period_start": document.period_start,
        "period_end": document.period_end, "owner_organ": str(document.owner_organ_id),
        "process_owner": str(document.process_owner_id or ""), "process_owner_role": document.process_owner_role,
        "parent": str(document.parent_id or ""), "weighting": document.weighting,
        "follow_up_months": document.follow_up_months, "description": document.description,
    }
    return PlanForm(data, initial=initial, **_plan_choices(document))


@login_required
@domain_errors
def plan_structure(request, pk: int):
    document = _managed(request, pk)
    areas = selectors.structure(document)
    return render(request, "plans/plan_structure.html", {
        "document": document, "areas": areas, "form": FocusAreaForm(), "years": document.years,
    })


def _structure_form(request, *, document, form, heading, save, anchor, back=None, template_extra=None):
    if request.method == "POST" and form.is_valid():
        try:
            item = save(form)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("%(t)s är sparad.") % {"t": str(item)})
            return redirect(_structure_url(document, f"{anchor}-{item.pk}"))
    status = 400 if form.is_bound else 200
    return render(request, "plans/structure_form.html", {
        "form": form, "document": document, "heading": heading, **(template_extra or {}),
    }, status=status)


def _data(request):
    return request.POST if request.method == "POST" else None


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def focus_area_form(request, pk: int):
    document = _managed(request, pk)
    return _structure_form(
        request, document=document, form=FocusAreaForm(_data(request)), heading=_("Nytt målområde"),
        anchor="malomrade",
        save=lambda f: services.focus_area_save(actor=request.user, document=document, **f.cleaned_data))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def focus_area_form_edit(request, pk: int):
    area, document = _managed_item(request, FocusArea, pk, "document")
    form = FocusAreaForm(_data(request), initial={"title": area.title, "description": area.description})
    return _structure_form(
        request, document=document, form=form, heading=_("Ändra målområde: %(t)s") % {"t": area.title},
        anchor="malomrade",
        save=lambda f: services.focus_area_save(actor=request.user, document=document, focus_area=area,
                                                **f.cleaned_data))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def goal_form(request, pk: int):
    area, document = _managed_item(request, FocusArea, pk, "document")
    return _structure_form(
        request, document=document, form=GoalForm(_data(request)),
        heading=_("Nytt mål i %(t)s") % {"t": area.title}, anchor="mal",
        save=lambda f: services.goal_save(actor=request.user, focus_area=area, **f.cleaned_data))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def goal_form_edit(request, pk: int):
    goal, document = _managed_item(request, Goal, pk, "focus_area__document")
    form = GoalForm(_data(request), initial={"title": goal.title, "description": goal.description})
    return _structure_form(
        request, document=document, form=form, heading=_("Ändra mål: %(t)s") % {"t": goal.title}, anchor="mal",
        save=lambda f: services.goal_save(actor=request.user, focus_area=goal.focus_area, goal=goal,
                                          **f.cleaned_data))


def _save_indicator(request, goal, form, indicator=None):
    d = form.cleaned_data
    return services.indicator_save(actor=request.user, goal=goal, name=d["name"], unit=d["unit"],
                                   baseline=d["baseline"], baseline_year=d["baseline_year"], targets=form.targets(),
                                   indicator=indicator)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def indicator_form(request, pk: int):
    goal, document = _managed_item(request, Goal, pk, "focus_area__document")
    form = IndicatorForm(_data(request), years=document.years)
    return _structure_form(
        request, document=document, form=form, heading=_("Ny indikator för %(t)s") % {"t": goal.title},
        anchor="indikator", save=lambda f: _save_indicator(request, goal, f))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def indicator_form_edit(request, pk: int):
    indicator, document = _managed_item(request, Indicator, pk, "goal__focus_area__document")
    initial = {"name": indicator.name, "unit": indicator.unit, "baseline": indicator.baseline,
               "baseline_year": indicator.baseline_year,
               **{f"target_{y}": v for y, v in (indicator.targets or {}).items()}}
    form = IndicatorForm(_data(request), years=document.years, initial=initial)
    return _structure_form(
        request, document=document, form=form, heading=_("Ändra indikator: %(t)s") % {"t": indicator.name},
        anchor="indikator", save=lambda f: _save_indicator(request, indicator.goal, f, indicator))


def _action_form(request, document, initial=None):
    return ActionForm(_data(request), years=document.years, organs=_organs(document.organisation_id),
                      people=_people(document.organisation_id), initial=initial)


def _save_action(request, goal, form, action=None):
    d = dict(form.cleaned_data)
    for name in list(d):
        if name.startswith(("operating_", "investment_")):
            del d[name]
    return services.action_save(actor=request.user, goal=goal, budgets=form.budgets(), action=action, **d)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def action_form(request, pk: int):
    goal, document = _managed_item(request, Goal, pk, "focus_area__document")
    return _structure_form(
        request, document=document, form=_action_form(request, document),
        heading=_("Ny aktivitet för %(t)s") % {"t": goal.title}, anchor="aktivitet",
        save=lambda f: _save_action(request, goal, f))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def action_form_edit(request, pk: int):
    action, document = _managed_item(request, Action, pk, "goal__focus_area__document")
    initial = {
        "title": action.title, "description": action.description,
        "responsible_organ": str(action.responsible_organ_id or ""),
        "responsible_person": str(action.responsible_person_id or ""), "start": action.start, "end": action.end,
        "funding_source": action.funding_source, "weight": "" if action.weight is None else str(action.weight),
        "internal_note": action.internal_note,
    }
    for b in action.budgets.all():
        initial[f"operating_{b.year}"] = str(b.operating)
        initial[f"investment_{b.year}"] = str(b.investment)
    return _structure_form(
        request, document=document, form=_action_form(request, document, initial),
        heading=_("Ändra aktivitet: %(t)s") % {"t": action.title}, anchor="aktivitet",
        save=lambda f: _save_action(request, action.goal, f, action))


STRUCTURE_KINDS = {
    "focus_area": (FocusArea, "document"),
    "goal": (Goal, "focus_area__document"),
    "indicator": (Indicator, "goal__focus_area__document"),
    "action": (Action, "goal__focus_area__document"),
}


@login_required
@domain_errors
@require_POST
def structure_delete(request, pk: int):
    document = _managed(request, pk)
    kind = STRUCTURE_KINDS.get(request.POST.get("kind", ""))
    item_id = request.POST.get("id", "")
    if kind is None or not item_id.isdigit():
        raise errors.NotFound(_("Uppgiften finns inte."))
    model, path = kind
    item = selectors.structure_item_for_write(model=model, pk=int(item_id), path=path, document=document)
    if item is None:
        raise errors.NotFound(_("Uppgiften finns inte."))

    def delete():
        label = str(item)
        services.structure_delete(actor=request.user, item=item)
        return _("%(t)s är borttagen.") % {"t": label}

    return post_action(request, _structure_url(document), delete)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def plan_adopt(request, pk: int):
    document = _managed(request, pk)
    decisions = decisions_selectors.decisions_for_choice(organisation_id=document.organisation_id)
    form = AdoptForm(
        _data(request), decisions=decisions,
        find_decisions=lambda text: decisions_services.references_in(text, organisation_id=document.organisation_id))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.plan_adopt(actor=request.user, document=document,
                                          decision=form.cleaned_data["chosen"], note=form.cleaned_data["note"])
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Version %(n)s är antagen och visas nu för allmänheten.") % {
                "n": version.number})
            return redirect(document)
    latest = selectors.latest_version(document)
    changes = selectors.diff(latest.snapshot if latest else None, selectors.snapshot(document)) if latest else []
    status = 400 if form.is_bound else 200
    return render(request, "plans/plan_adopt.html", {
        "form": form, "document": document, "latest": latest, "changes": changes,
    }, status=status)


@domain_errors
def plan_versions(request, pk: int):
    document = selectors.plan_get(user=request.user, pk=pk)
    versions = selectors.versions(document)
    rows, previous = [], None
    for v in versions:
        visible = v.adopted_by_decision is not None and decisions_access.decisions_visible(
            request.user, v.adopted_by_decision.meeting)
        rows.append({"version": v, "decision_visible": visible,
                     "changes": selectors.diff(previous.snapshot, v.snapshot) if previous else None})
        previous = v
    working = None
    if access.can_read_internal(request.user, document) and previous is not None:
        working = selectors.diff(previous.snapshot, selectors.snapshot(document))
    return render(request, "plans/plan_versions.html", {
        "document": document, "rows": list(reversed(rows)), "working": working,
        "can_manage": access.can_manage(request.user, document),
    })


@login_required
@domain_errors
def plan_export(request, pk: int, fmt: str):
    from . import io

    document = selectors.plan_get(user=request.user, pk=pk)
    access.require_read_internal(request.user, document, _("Du har inte behörighet att exportera styrdokumentet."))
    if fmt not in EXPORT_TYPES:
        raise Http404(_("Exporten finns som CSV och XLSX."))
    body = io.export_csv(document) if fmt == "csv" else io.export_xlsx(document)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="styrdokument-{document.pk}.{fmt}"'
    return response


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def plan_import(request, pk: int):
    from . import io

    document = _managed(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = io.import_file(actor=request.user, document=document, upload=form.cleaned_data["upload"])
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Importen är klar: %(c)s nya och %(u)s ändrade aktiviteter, %(b)s "
                                        "budgetrader.") % {"c": result.created, "u": result.updated,
                                                           "b": result.budgets})
            return redirect(_structure_url(document))
    status = 400 if form.is_bound else 200
    return render(request, "plans/plan_import.html", {
        "form": form, "document": document, "row_errors": getattr(form, "row_errors", []),
    }, status=status)


# --- follow-ups -------------------------------------------------------------------------
def _managed_round(request, pk: int):
    return access.follow_up_manage_get(user=request.user, pk=pk)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def follow_up_open(request, pk: int):
    document = _managed(request, pk)
    today = timezone.localdate()
    year = today.year if today.year in document.years else document.period_start
    form = FollowUpOpenForm(_data(request), years=document.years, initial={"year": str(year)})
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.follow_up_open(actor=request.user, document=document, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Uppföljningen är startad. %(n)s ansvariga har fått frågan.") % {
                "n": round_.requests.count()})
            return redirect(round_)
    status = 400 if form.is_bound else 200
    return render(request, "plans/follow_up_form.html", {"form": form, "document": document}, status=status)


def _meetings_for(user, document):
    return [m for m in decisions_selectors.meeting_list(user=user, organ=document.owner_organ)
            if m.status in AGENDA_OPEN]


@domain_errors
def follow_up_detail(request, pk: int):
    round_ = selectors.follow_up_get(user=request.user, pk=pk)
    document = round_.document
    can_manage = access.can_manage(request.user, document)
    internal = access.can_read_internal(request.user, document)
    report = selectors.follow_up_report_data(round_, user=request.user)
    today = timezone.localdate()
    requests = [(r, (r.answered_at is not None and timezone.localtime(r.answered_at).date() > round_.deadline)
                 or (r.answered_at is None and today > round_.deadline))
                for r in round_.requests.select_related("person")]
    answerable = request.user.is_authenticated and round_.status == round_.Status.OPEN and (
        can_manage or any(r.person.user_id == request.user.pk for r, _late in requests))
    return render(request, "plans/follow_up_detail.html", {
        "round": round_, "document": document, "report": report, "requests": requests,
        "can_manage": can_manage, "internal": internal, "answerable": answerable,
        "meeting_form": MeetingChoiceForm(meetings=_meetings_for(request.user, document))
        if can_manage and round_.report_document_id else None,
        "late_titles": set(report.late),
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def follow_up_answer(request, pk: int):
    round_ = selectors.follow_up_get(user=request.user, pk=pk)
    document = round_.document
    can_manage = access.can_manage(request.user, document)
    actions = selectors.actions_to_answer(user=request.user, round_=round_)
    deny_unless(bool(actions) or can_manage,
                 _("Du är inte ansvarig för någon aktivitet i uppföljningen."))
    indicators = selectors.indicators_of(document) if can_manage else []
    reports = {r.action_id: r for r in round_.action_reports.filter(action__in=actions)}
    values = {v.indicator_id: v for v in round_.indicator_values.all()}
    form = AnswerForm(_data(request), actions=actions, indicators=indicators, reports=reports, values=values)
    closed = round_.status != round_.Status.OPEN
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_answer(actor=request.user, round=round_, reports=form.report_inputs(),
                                      values=form.value_inputs())
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Tack! Svaret är sparat."))
            return redirect(round_)
    status = 400 if form.is_bound else 200
    return render(request, "plans/follow_up_answer.html", {
        "form": form, "round": round_, "document": document, "closed": closed,
        "late": timezone.localdate() > round_.deadline,
    }, status=status)


@domain_errors
@require_http_methods(["GET", "POST"])
def follow_up_report(request, pk: int):
    """GET: the report as a page (charts and tables). POST: draw it up and register it on the case."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise errors.PermissionDenied(_("Logga in för att upprätta rapporten."))
        round_ = _managed_round(request, pk)

        def draw_up():
            document = services.follow_up_report(actor=request.user, round=round_)
            return _("Uppföljningsrapporten är upprättad och registrerad som handling %(ref)s.") % {
                "ref": f"{round_.document.case.diary_number}-{document.number}"}

        return post_action(request, round_, draw_up)
    round_ = selectors.follow_up_get(user=request.user, pk=pk)
    return render(request, "plans/follow_up_report.html", {
        "round": round_, "document": round_.document,
        "report": selectors.follow_up_report_data(round_, user=request.user),
        "can_manage": access.can_manage(request.user, round_.document),
    })


@login_required
@domain_errors
@require_POST
def follow_up_close(request, pk: int):
    round_ = _managed_round(request, pk)

    def close():
        services.follow_up_close(actor=request.user, round=round_)
        return _("Uppföljningen är avslutad.")

    return post_action(request, round_, close)


@login_required
@domain_errors
@require_POST
def report_to_agenda(request, pk: int):
    round_ = _managed_round(request, pk)
    form = MeetingChoiceForm(request.POST, meetings=_meetings_for(request.user, round_.document))

    def add():
        if not form.is_valid():
            raise errors.DomainError(form.errors["meeting"][0])
        meeting = form.cleaned_data["meeting"]
        item = services.report_to_agenda(actor=request.user, round=round_, meeting=meeting)
        return _("Rapporten är punkt %(n)s på %(organ)s sammanträde %(d)s.") % {
            "n": item.position, "organ": meeting.organ.code, "d": f"{meeting.date:%Y-%m-%d}"}

    return post_action(request, round_, add)
