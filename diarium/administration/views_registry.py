"""The organisation administrator's screens for the register's and the
meetings' reference data: diary number series with their counters and the
diary number's format, document types, the organs'
members and substitutes, and the function mailboxes.

Thin: every screen finds its organisation through views.organisation_for (the
organisation's administrators only; anyone else, and another organisation's
objects, are not found), reads through the apps' selectors and writes through
their services, which check the rules (every broken one at once) and record
the change in the administration's history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from diarium.accounts import selectors as people
from diarium.core import errors
from diarium.core.web import STATE_ERROR_STATUSES, domain_errors, refused, show_on_form
from diarium.decisions import memberships
from diarium.decisions import selectors as decision_selectors
from diarium.decisions.forms import MembershipAddForm, MembershipEndForm
from diarium.decisions.models import Membership
from diarium.intake import selectors as intake_selectors
from diarium.intake import services as intake
from diarium.registry import reference
from diarium.registry import services as registry

from .forms_registry import (
    CounterForm,
    DocumentTypeEditForm,
    DocumentTypeForm,
    MailboxForm,
    NumberFormatForm,
    SeriesForm,
)
from . import selectors
from .views import organisation_for

GET_POST = ["GET", "POST"]


def _page(request, template: str, context: dict, *, forms=()):
    """Render a screen: 400 when a form sent was refused, so that the browser
    (and a test) can tell a refused form from a shown one."""
    status = 400 if any(f is not None and f.is_bound and f.errors for f in forms) else 200
    return render(request, f"administration/registry/{template}", context, status=status)


def _here(name: str, organisation, *args) -> str:
    return reverse(f"administration:{name}", args=[organisation.slug, *args])


# --- diary number series and the diary number's format -----------------------------------------
def _series_rows(organisation):
    return list(reference.series_of(organisation=organisation).prefetch_related("counters"))


@login_required
@domain_errors
@require_http_methods(GET_POST)
def series_list(request, org: str):
    """The series with their counters, and the diary number's format with the
    number each series' next case would get in it."""
    organisation = organisation_for(request, org)
    year = timezone.localdate().year
    rows = _series_rows(organisation)
    form = NumberFormatForm(request.POST or None,
                            initial={"diary_number_format": organisation.diary_number_format})
    shown_format = organisation.diary_number_format
    previewing = False
    if request.method == "POST" and form.is_valid():
        fmt = form.cleaned_data["diary_number_format"].strip()
        if request.POST.get("action") == "preview":
            problems = reference.diary_number_format_errors(fmt)
            if problems:
                show_on_form(form, errors.DomainError(problems[0], errors={"diary_number_format": problems}))
            else:
                shown_format, previewing = fmt, True
        else:
            try:
                reference.diary_number_format_set(actor=request.user, organisation=organisation, fmt=fmt)
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Formatet för diarienummer är sparat. Ärenden som registreras från nu "
                                            "får nummer som %(example)s.")
                                 % {"example": reference.diary_number_example(fmt, year=year)})
                return redirect(_here("series_list", organisation))
    preview = [(series, reference.diary_number_example(shown_format, series=series, year=year)) for series in rows]
    return _page(request, "series_list.html", {
        "organisation": organisation, "rows": rows, "year": year, "form": form, "preview": preview,
        "previewing": previewing, "shown_format": shown_format,
        "example": reference.diary_number_example(shown_format, year=year),
    }, forms=[form])


@login_required
@domain_errors
@require_http_methods(GET_POST)
def series_add(request, org: str):
    organisation = organisation_for(request, org)
    form = SeriesForm(request.POST or None, organs=people.organs_of(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            series = reference.series_create(actor=request.user, organisation=organisation, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Diarieserien %(code)s är tillagd.") % {"code": series.code})
            return redirect(_here("series_list", organisation))
    return _page(request, "series_form.html", {"organisation": organisation, "form": form}, forms=[form])


@login_required
@domain_errors
@require_http_methods(GET_POST)
def series_edit(request, org: str, pk: int):
    """Change a series; set where its counter stands for a year (forward only)."""
    organisation = organisation_for(request, org)
    series = reference.series_get(organisation=organisation, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    form = SeriesForm(request.POST if action == "save" else None, organs=people.organs_of(organisation=organisation),
                      initial={"code": series.code, "name": series.name,
                               "organs": [str(o.pk) for o in series.organs.all()]})
    counter_form = CounterForm(request.POST if action == "counter" else None, prefix="counter",
                               initial={"year": timezone.localdate().year})
    if action == "save" and form.is_valid():
        try:
            reference.series_update(actor=request.user, series=series, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Ändringarna av diarieserien %(code)s är sparade.") % {"code": series.code})
            return redirect(_here("series_list", organisation))
    elif action == "counter" and counter_form.is_valid():
        data = counter_form.cleaned_data
        try:
            registry.series_counter_set(actor=request.user, series=series, year=data["year"],
                                        last_seq=data["last_seq"])
        except errors.DomainError as exc:
            show_on_form(counter_form, exc)
        else:
            messages.success(request, _("Serien %(code)s %(year)s fortsätter efter nummer %(seq)s.")
                             % {"code": series.code, "year": data["year"], "seq": data["last_seq"]})
            return redirect(_here("series_edit", organisation, series.pk))
    elif request.method == "POST" and action not in ("save", "counter"):
        form.add_error(None, _("Okänd åtgärd."))
    counters = sorted(series.counters.all(), key=lambda c: -c.year)
    return _page(request, "series_edit.html", {
        "organisation": organisation, "series": series, "form": form, "counter_form": counter_form,
        "counters": counters, "removable": not series.cases.exists() and not any(c.last_seq for c in counters),
    }, forms=[form, counter_form])


@login_required
@domain_errors
@require_http_methods(GET_POST)
def series_delete(request, org: str, pk: int):
    """Ask, then remove a series no case uses and no number has been taken in."""
    organisation = organisation_for(request, org)
    series = reference.series_get(organisation=organisation, pk=pk)
    if request.method == "POST":
        try:
            reference.series_delete(actor=request.user, series=series)
        except errors.DomainError as exc:
            refused(request, exc, statuses=STATE_ERROR_STATUSES)
            return redirect(_here("series_edit", organisation, series.pk))
        messages.success(request, _("Diarieserien %(code)s är borttagen.") % {"code": series.code})
        return redirect(_here("series_list", organisation))
    return _page(request, "confirm_delete.html", {
        "organisation": organisation, "title": _("Ta bort diarieserien %(code)s?") % {"code": series.code},
        "text": _("Serien har inga ärenden och inga tagna nummer. Borttagningen kan inte ångras."),
        "back": _here("series_edit", organisation, series.pk),
    })


# --- document types -------------------------------------------------------------------------------
@login_required
@domain_errors
@require_http_methods(GET_POST)
def document_type_list(request, org: str):
    """The kinds of document, with a form to add one."""
    organisation = organisation_for(request, org)
    form = DocumentTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_type = reference.document_type_create(actor=request.user, organisation=organisation,
                                                           name=form.cleaned_data["name"])
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Handlingstypen %(name)s är tillagd.") % {"name": document_type.name})
            return redirect(_here("document_type_list", organisation))
    return _page(request, "document_type_list.html", {
        "organisation": organisation, "form": form,
        "types": reference.document_types_of(organisation=organisation),
    }, forms=[form])


@login_required
@domain_errors
@require_http_methods(GET_POST)
def document_type_edit(request, org: str, pk: int):
    organisation = organisation_for(request, org)
    document_type = reference.document_type_get(organisation=organisation, pk=pk)
    form = DocumentTypeEditForm(request.POST or None,
                                initial={"name": document_type.name, "active": document_type.active})
    if request.method == "POST" and form.is_valid():
        try:
            reference.document_type_update(actor=request.user, document_type=document_type, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Handlingstypen %(name)s är sparad.") % {"name": document_type.name})
            return redirect(_here("document_type_list", organisation))
    return _page(request, "document_type_form.html", {
        "organisation": organisation, "form": form, "document_type": document_type}, forms=[form])


# --- the organs' members and substitutes --------------------------------------------------------------
def _organ(organisation, pk: int):
    return people.organ_of(organisation=organisation, pk=pk)


@login_required
@domain_errors
def membership_organs(request, org: str):
    """The organisation's organs, with how many hold a seat in each today."""
    organisation = organisation_for(request, org)
    today = timezone.localdate()
    held = selectors.seats_held(organisation=organisation, day=today)
    organs = [(organ, held.get(organ.pk, {})) for organ in people.organs_of(organisation=organisation)]
    return _page(request, "membership_organs.html", {"organisation": organisation, "organs": organs})


@login_required
@domain_errors
@require_http_methods(GET_POST)
def membership_list(request, org: str, organ: int):
    """One organ's members and substitutes with their periods, and a form to add a seat."""
    organisation = organisation_for(request, org)
    organ = _organ(organisation, organ)
    today = timezone.localdate()
    form = MembershipAddForm(request.POST or None, initial={"start": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = memberships.membership_add_named(
                actor=request.user, organ=organ, name=d["name"], email=d["email"], role=d["role"],
                party=d["party"], start=d["start"], end=d["end"], substitute_order=d["substitute_order"])
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("%(name)s är tillagd som %(role)s i %(organ)s.") % {
                "name": m.person.name, "role": m.get_role_display().lower(), "organ": organ.name})
            return redirect(_here("membership_list", organisation, organ.pk))
    seats = decision_selectors.memberships_of(organ)
    current = [m for m in seats if m.end is None or m.end >= today]
    return _page(request, "membership_list.html", {
        "organisation": organisation, "organ": organ, "form": form, "today": today,
        "groups": [(label, [m for m in current if m.role == role]) for role, label in Membership.Role.choices],
        "ended": [m for m in seats if m.end is not None and m.end < today],
    }, forms=[form])


@login_required
@domain_errors
@require_http_methods(GET_POST)
def membership_end(request, org: str, organ: int, pk: int):
    """End a seat on a given day (it stays in the list of ended seats)."""
    organisation = organisation_for(request, org)
    organ = _organ(organisation, organ)
    membership = memberships.membership_get(organ=organ, pk=pk)
    form = MembershipEndForm(request.POST or None, initial={"membership": membership.pk,
                                                            "end": membership.end or timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            memberships.membership_update(actor=request.user, membership=membership, end=form.cleaned_data["end"])
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Uppdraget för %(name)s slutar %(end)s.") % {
                "name": membership.person.name, "end": membership.end.isoformat()})
            return redirect(_here("membership_list", organisation, organ.pk))
    return _page(request, "membership_end.html", {
        "organisation": organisation, "organ": organ, "membership": membership, "form": form}, forms=[form])


# --- function mailboxes -------------------------------------------------------------------------------
@login_required
@domain_errors
def mailbox_list(request, org: str):
    organisation = organisation_for(request, org)
    return _page(request, "mailbox_list.html", {
        "organisation": organisation, "mailboxes": intake_selectors.mailboxes_of(organisation=organisation)})


def _mailbox_save(request, organisation, form, mailbox=None):
    """Save the form through the service; the redirect, or None when refused (then on the form)."""
    if not form.is_valid():
        return None
    try:
        mailbox = intake.mailbox_save(actor=request.user, organisation_id=organisation.pk, mailbox=mailbox,
                                      **form.cleaned_data)
    except errors.DomainError as exc:
        show_on_form(form, exc)
        return None
    messages.success(request, _("Funktionsbrevlådan %(name)s är sparad.") % {"name": mailbox.name})
    return redirect(_here("mailbox_list", organisation))


@login_required
@domain_errors
@require_http_methods(GET_POST)
def mailbox_add(request, org: str):
    organisation = organisation_for(request, org)
    form = MailboxForm(request.POST or None, organs=people.organs_of(organisation=organisation),
                       initial={"port": "993", "folder": "INBOX", "active": True})
    if request.method == "POST":
        done = _mailbox_save(request, organisation, form)
        if done is not None:
            return done
    return _page(request, "mailbox_form.html", {"organisation": organisation, "form": form}, forms=[form])


@login_required
@domain_errors
@require_http_methods(GET_POST)
def mailbox_edit(request, org: str, pk: int):
    organisation = organisation_for(request, org)
    mailbox = intake_selectors.mailbox_of(organisation=organisation, pk=pk)
    form = MailboxForm(request.POST or None, organs=people.organs_of(organisation=organisation), editing=True,
                       initial={"name": mailbox.name, "host": mailbox.host, "port": str(mailbox.port),
                                "security": mailbox.security, "username": mailbox.username,
                                "folder": mailbox.folder, "done_folder": mailbox.done_folder,
                                "organ": str(mailbox.organ_id or ""), "active": mailbox.active})
    if request.method == "POST":
        done = _mailbox_save(request, organisation, form, mailbox)
        if done is not None:
            return done
    return _page(request, "mailbox_form.html", {"organisation": organisation, "form": form, "mailbox": mailbox},
                 forms=[form])


@login_required
@domain_errors
def mailbox_active(request, org: str, pk: int):
    """Start or stop reading a mailbox (POST active=1 or 0). The mailbox is
    looked up first, so that another organisation's is not found whatever the method."""
    organisation = organisation_for(request, org)
    mailbox = intake_selectors.mailbox_of(organisation=organisation, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    active = request.POST.get("active") == "1"
    try:
        intake.mailbox_active_set(actor=request.user, mailbox=mailbox, active=active)
    except errors.DomainError as exc:
        refused(request, exc, statuses=STATE_ERROR_STATUSES)
    else:
        messages.success(request, (_("Funktionsbrevlådan %(name)s läses.") if active
                                   else _("Funktionsbrevlådan %(name)s läses inte längre.")) % {"name": mailbox.name})
    return redirect(_here("mailbox_list", organisation))
