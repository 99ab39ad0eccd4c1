"""Meeting, decision, minutes and assignment pages. Thin: they parse forms, call
selectors (reads) and services (writes), and show DomainErrors on the forms."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from diarium.accounts import selectors as accounts_selectors
from diarium.accounts.models import Organ
from diarium.accounts.sites import require_on_site, site_organisation
from diarium.core import errors
from diarium.core.web import (
    deny_unless,
    domain_errors,
    post_action,
    post_action_asking,
    posted_id,
    show_on_form,
)
from diarium.registry import selectors as registry_selectors
from diarium.registry.files import file_response
from diarium.registry.services import SECRECY_REVIEW_FIELD

from . import access, memberships, selectors, services
from .forms import (
    AgendaItemForm,
    AssignmentLinkForm,
    CorrectionForm,
    DecisionEditForm,
    DecisionForm,
    DispatchForm,
    MeetingForm,
    MembershipAddForm,
    MembershipEndForm,
    MembershipImportForm,
    MinutesSignForm,
    OfficerReportForm,
    OrganFilterForm,
    ProposalToAgendaForm,
)
from .models import DecisionRecipient, Meeting, Membership

NO_MEETINGS = (Organ.Kind.COMPANY, Organ.Kind.EXTERNAL)
AGENDA_OPEN = (Meeting.Status.PLANNED, Meeting.Status.NOTICE_PUBLISHED, Meeting.Status.OPENED)
ROLE_ORDER = {r: i for i, r in enumerate([Membership.Role.CHAIR, Membership.Role.VICE_CHAIR, Membership.Role.MEMBER,
                                          Membership.Role.SUBSTITUTE])}


# --- helpers ------------------------------------------------------------------------------
def _meeting_organs(organisation=None):
    """Organs that hold meetings (not companies or external organisations)."""
    return [o for o in registry_selectors.organs_for_filter(organisation=organisation) if o.kind not in NO_MEETINGS]


def _managed_meeting(request, pk: int) -> Meeting:
    return access.meeting_manage_get(user=request.user, pk=pk)


def _case_finder(organisation_id: int):
    return lambda number: registry_selectors.case_get_by_number(organisation=organisation_id, diary_number=number)


def _visible(user, decisions):
    return [d for d in decisions if access.decisions_visible(user, d.meeting)]


# --- meetings -----------------------------------------------------------------------------
def meeting_list(request):
    site = site_organisation(request)  # an organisation's own site: its organs' meetings only
    organs = _meeting_organs(organisation=site)
    form = OrganFilterForm(request.GET or None, organs=organs)
    organ = form.chosen_organ()
    meetings = selectors.meeting_list(user=request.user, organ=organ, organisation_id=site.pk if site else None)
    can_plan = request.user.is_authenticated and any(access.can_manage_meetings(request.user, o) for o in organs)
    return render(request, "decisions/meeting_list.html", {
        "form": form, "meetings": meetings, "organ": organ, "can_plan": can_plan,
        "councils": [o for o in organs if o.kind == Organ.Kind.COUNCIL],
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    organs = [o for o in _meeting_organs() if access.can_manage_meetings(request.user, o)]
    deny_unless(bool(organs), _("Du har inte behörighet att planera sammanträden."))
    organisations = {o.organisation_id for o in organs}
    people = registry_selectors.case_officers(organisation=next(iter(organisations)) if len(organisations) == 1
                                              else None).select_related("organisation")
    initial = {"organ": request.GET.get("organ", "")}
    form = MeetingForm(request.POST or None, organs=organs, people=list(people), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Sammanträdet är planerat. Lägg till punkter på föredragningslistan."))
            return redirect(meeting)
    status = 400 if form.is_bound else 200
    return render(request, "decisions/meeting_form.html", {"form": form}, status=status)


@domain_errors
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    require_on_site(request, meeting.organisation_id)
    can_manage = access.can_manage_meetings(request.user, meeting.organ)
    attendance = sorted(meeting.attendance.select_related("person", "replaces"),
                        key=lambda a: (ROLE_ORDER.get(a.role, 9), a.person.name))
    minutes = selectors.minutes_for(meeting)
    return render(request, "decisions/meeting_detail.html", {
        "meeting": meeting,
        "can_manage": can_manage,
        "agenda_open": meeting.status in AGENDA_OPEN,
        "rows": selectors.agenda(meeting=meeting, user=request.user),
        "decisions": selectors.meeting_decisions(user=request.user, meeting=meeting),
        "decisions_visible": access.decisions_visible(request.user, meeting),
        "attendance": attendance,
        "adjusters": list(meeting.adjusters.all()),
        "minutes": minutes,
        "quorum": selectors.quorum(meeting) if meeting.status in (Meeting.Status.OPENED, Meeting.Status.CLOSED)
        else None,
        "conflicts": selectors.meeting_conflicts(meeting) if can_manage else [],
        "deciding": selectors.deciding(meeting) if can_manage and meeting.status == Meeting.Status.OPENED else [],
        "undecided_items": list(meeting.items.filter(decisions__isnull=True).order_by("position"))
        if can_manage and meeting.status == Meeting.Status.OPENED else [],
        "notice_document": access.notice_document(meeting),
        "minutes_document": access.minutes_document(minutes),
        "posting_document": access.posting_document(minutes),
        "notice_recipients": selectors.notice_recipients(meeting) if can_manage and meeting.notice_published_at else None,
        # The board's delegation decisions waiting to be reported (kommunallagen 6 kap. 40 §): for the secretary.
        "delegations_waiting": selectors.delegation_unreported(organ=meeting.organ, up_to=meeting.date).count()
        if can_manage and meeting.status in AGENDA_OPEN and meeting.organ.kind in access.DELEGATING_ORGANS else None,
        "history": selectors.meeting_events(user=request.user, meeting=meeting),  # None unless staff's
    })


@domain_errors
@require_GET
def meeting_document(request, pk: int, kind: str):
    """The drawn-up notice (kallelse), minutes (protokoll) or posting
    certificate (anslagsbevis) of a meeting, as PDF/A: public once sent,
    respectively adjusted; and the minutes out for signing (justering), for
    the secretary and the signers."""
    if kind not in ("kallelse", "protokoll", "anslagsbevis", "justering"):
        raise Http404(_("Dokumentet finns inte."))
    if kind == "justering":  # the minutes out for signing: for the secretary and the signers only
        meeting, blob = selectors.signing_document(user=request.user, pk=pk)
    else:
        meeting = selectors.meeting_get(user=request.user, pk=pk)
    require_on_site(request, meeting.organisation_id)
    if kind == "kallelse":
        blob = access.notice_document(meeting)
    elif kind == "protokoll":
        blob = access.minutes_document(selectors.minutes_for(meeting))
    elif kind == "anslagsbevis":
        blob = access.posting_document(selectors.minutes_for(meeting))
    if blob is None:
        raise Http404(_("Dokumentet finns inte ännu."))
    return file_response(blob, f"{kind}-{meeting.organ.code}-{meeting.date:%Y-%m-%d}.pdf".lower(), inline=True)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def agenda_item_add(request, pk: int):
    """Put a matter on the agenda: a case by diary number or a proposal to the
    organ. "Visa ärendets handlingar" shows the case's documents to choose from
    without saving (no script needed)."""
    meeting = _managed_meeting(request, pk)
    proposals = selectors.proposals_waiting(organ=meeting.organ)
    find_case = _case_finder(meeting.organisation_id)
    data = request.POST if request.method == "POST" else None
    # The case whose documents to offer: from the diary number or the proposal typed so far.
    case, proposal = None, None
    if data is not None:
        proposal = next((p for p in proposals if str(p.pk) == data.get("proposal")), None)
        number = " ".join((data.get("diary_number") or "").split())
        case = find_case(number) if number else (proposal.case if proposal else None)
    documents = registry_selectors.document_entries(user=request.user, case=case) if case else []
    form = AgendaItemForm(data, proposals=proposals, documents=documents, find_case=find_case)
    showing_documents = data is not None and data.get("action") == "documents"
    if data is not None and form.is_valid() and not showing_documents:
        d = form.cleaned_data
        chosen = selectors.case_documents(
            case=d["diary_number"] or (d["proposal"].case if d.get("proposal") else None),
            ids=form.chosen_document_ids(),
        )
        try:
            item = services.agenda_item_add(actor=request.user, meeting=meeting, title=d["title"],
                                            case=d["diary_number"], proposal=d.get("proposal"), documents=chosen,
                                            secrecy_review_reason=form.release_reason())
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Punkt %(n)s, %(title)s, är tillagd.") % {"n": item.position,
                                                                                   "title": item.title})
            return redirect(reverse("decisions:meeting_detail", args=[meeting.pk]) + "#dagordning")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "decisions/agenda_item_form.html", {
        "form": form, "meeting": meeting, "case": case, "showing_documents": showing_documents,
    }, status=status)


@login_required
@domain_errors
@require_POST
def agenda_item_move(request, pk: int, item_pk: int):
    meeting = _managed_meeting(request, pk)
    item = meeting.items.filter(pk=item_pk).first()
    if item is None:
        raise errors.NotFound(_("Punkten finns inte."))
    up = request.POST.get("direction") == "up"

    def move():
        moved = services.agenda_item_move(actor=request.user, item=item, up=up)
        return _("%(title)s är nu punkt %(n)s.") % {"title": moved.title, "n": moved.position}

    return post_action(request, reverse("decisions:meeting_detail", args=[meeting.pk]) + "#dagordning", move)


@login_required
@domain_errors
@require_POST
def meeting_status(request, pk: int):
    """Publish the notice, open or close the meeting (action=publish_notice|open|close)."""
    meeting = _managed_meeting(request, pk)
    action = request.POST.get("action")

    def publish():
        services.meeting_publish_notice(actor=request.user, meeting=meeting)
        n = meeting.attendance.exclude(person__email="").count()
        return _("Kallelsen är utskickad till %(n)s ledamöter och ersättare. Föredragningslistan och de offentliga "
                 "handlingarna visas nu för allmänheten.") % {"n": n}

    def open_():
        services.meeting_open(actor=request.user, meeting=meeting)
        return _("Sammanträdet är öppnat. Besluten kan nu protokollföras.")

    def close():
        services.meeting_close(actor=request.user, meeting=meeting)
        return _("Sammanträdet är avslutat. Protokollet kan nu justeras.")

    def unknown():
        raise errors.DomainError(_("Okänd åtgärd."))

    actions = {"publish_notice": publish, "open": open_, "close": close}
    return post_action(request, meeting, actions.get(action, unknown))


@login_required
@domain_errors
@require_POST
def attendance(request, pk: int):
    meeting = _managed_meeting(request, pk)
    present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]

    def save():
        services.attendance_set(actor=request.user, meeting=meeting, present_ids=present)
        return _("Närvaron är sparad.")

    return post_action(request, reverse("decisions:meeting_detail", args=[meeting.pk]) + "#narvaro", save)


@login_required
@domain_errors
@require_POST
def conflict_declare(request, pk: int):
    """A member declares a conflict of interest (jäv) in an agenda item."""
    meeting = _managed_meeting(request, pk)

    def declare():
        item = selectors.agenda_item_referenced(meeting=meeting, pk=posted_id(request.POST.get("item")), field="item")
        person = next((p for p in selectors.deciding(meeting) if str(p.pk) == request.POST.get("person")), None)
        if item is None or person is None:
            raise errors.DomainError(_("Välj punkten och den ledamot som anmäler jäv."))
        conflict = services.conflict_declare(actor=request.user, meeting=meeting, item=item, person=person)
        if conflict.substitute_id:
            return _("%(name)s anmäler jäv i punkt %(n)s. %(sub)s tjänstgör i stället.") % {
                "name": person.name, "n": item.position, "sub": conflict.substitute.name}
        return _("%(name)s anmäler jäv i punkt %(n)s. Ingen ersättare finns att kalla in.") % {
            "name": person.name, "n": item.position}

    return post_action(request, reverse("decisions:meeting_detail", args=[meeting.pk]) + "#jav", declare)


# --- decisions ----------------------------------------------------------------------------
def _decision_initial(user, item) -> dict:
    """Start from the agenda item: its title, and its proposal's text and condition."""
    if item is None:
        return {}
    initial = {"agenda_item": str(item.pk), "title": item.title}
    proposal = item.proposal
    if proposal is not None:
        initial.update(text=access.screened_value(user, proposal, "text"), condition_organ=proposal.condition_organ_id or "",
                       condition_text=proposal.condition_text)
    won, _open = selectors.item_result(item)
    if won is not None:  # the decision is the motion that won the vote
        initial["text"] = won.text
    return initial


def _recipients_initial(item, recipient_organs) -> dict:
    """The officer's report's "Beslutet ska skickas till": organs by name or code, the rest as lines."""
    report = item.proposal.report if item is not None and item.proposal_id and item.proposal.report_id else None
    if report is None or not report.dispatch_to.strip():
        return {}
    by_name = {}
    for o in recipient_organs:
        by_name[o.name.casefold()] = o
        by_name[o.code.casefold()] = o
    organs, other = [], []
    for line in report.dispatch_to.splitlines():
        if not line.strip():
            continue
        organ = by_name.get(line.strip().casefold())
        (organs.append(str(organ.pk)) if organ else other.append(line.strip()))
    return {"recipient_organs": organs, "recipient_other": "\n".join(other)}


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def decision_record(request, pk: int):
    meeting = _managed_meeting(request, pk)
    if request.method == "GET" and meeting.status != Meeting.Status.OPENED:
        messages.error(request, _("Sammanträdet är inte öppnat. Öppna det innan beslut protokollförs.")
                       if meeting.status in (Meeting.Status.PLANNED, Meeting.Status.NOTICE_PUBLISHED)
                       else _("Sammanträdet är avslutat. Beslut kan inte läggas till."))
        return redirect(meeting)
    items = list(meeting.items.select_related("case", "proposal", "proposal__report", "proposal__condition_organ")
                 .order_by("position"))
    organs = accounts_selectors.organ_list(organisation=meeting.organisation_id)
    decision_organs = [o for o in organs if o.kind not in NO_MEETINGS]
    item = next((i for i in items if str(i.pk) == request.GET.get("punkt")), None)
    initial = {**_decision_initial(request.user, item), **_recipients_initial(item, organs)}
    form = DecisionForm(request.POST or None, items=items, organs=decision_organs, recipient_organs=list(organs),
                        initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            decision = services.decision_record(
                actor=request.user, meeting=meeting, agenda_item=d["agenda_item"], title=d["title"], text=d["text"],
                outcome=d["outcome"], condition_organ=d["condition_organ"], condition_text=d["condition_text"],
                notes=form.notes(), recipients=form.recipients(), forward=form.forward(),
                assignments=form.assignments(),
            )
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Beslutet är protokollfört som %(ref)s.") % {"ref": decision.reference})
            return redirect(decision)
    status = 400 if form.is_bound else 200
    return render(request, "decisions/decision_form.html", {"form": form, "meeting": meeting, "item": item,
                                                            "quorum": selectors.quorum(meeting, item)},
                  status=status)


@domain_errors
def decision_detail(request, pk: int):
    decision = selectors.decision_get(user=request.user, pk=pk)
    require_on_site(request, decision.organisation_id)
    user = request.user
    can_manage = access.can_manage_meetings(user, decision.organ)
    minutes = selectors.minutes_for(decision.meeting)
    adjusted = minutes is not None and minutes.adjusted
    recipients = list(decision.recipients.all())
    states = selectors.dispatch_state(decision)
    condition = decision.condition_decision
    return render(request, "decisions/decision_detail.html", {
        "decision": decision,
        "conflicts": selectors.item_conflicts(decision.agenda_item_id),
        "handling": selectors.item_handling(user=user, item=decision.agenda_item, meeting=decision.meeting)
        if decision.agenda_item_id else None,
        "meeting": decision.meeting,
        "case": decision.case,
        "text": selectors.linked_text(decision.text, organisation_id=decision.organisation_id),
        "can_manage": can_manage,
        "adjusted": adjusted,
        "minutes": minutes,
        "condition_visible": condition is not None and access.decisions_visible(user, condition.meeting),
        "references": _visible(user, decision.references.all()),
        "referenced_by": _visible(user, decision.referenced_by.all()),
        "conditions_met": _visible(user, decision.conditions_met.all()),
        "recipients": recipients,
        "names_visible": access.recipient_names_visible(user, decision),
        "can_dispatch": can_manage and adjusted and decision.case_id is not None
        and states.get(DecisionRecipient.State.PENDING, 0) > 0,
        "failed": states.get(DecisionRecipient.State.FAILED, 0),
        "correction_form": CorrectionForm(auto_id="rattelse_%s") if can_manage and adjusted else None,
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def decision_edit(request, pk: int):
    """Edit a decision until the minutes are adjusted; afterwards the service
    refuses, and the page says so and points to a correction."""
    decision = selectors.decision_get(user=request.user, pk=pk)
    access.require_manage_meetings(request.user, decision.organ, _("Du har inte behörighet att ändra beslutet."))
    minutes = selectors.minutes_for(decision.meeting)
    adjusted = minutes is not None and minutes.adjusted
    form = DecisionEditForm(request.POST or None, initial={
        "title": decision.title, "text": decision.text, "outcome": decision.outcome,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(actor=request.user, decision=decision, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Beslutet %(ref)s är ändrat.") % {"ref": decision.reference})
            return redirect(decision)
    status = 400 if form.is_bound else 200
    return render(request, "decisions/decision_edit.html", {
        "form": form, "decision": decision, "adjusted": adjusted,
        # The same words the service refuses a change with.
        "refusal": _("Protokollet är justerat. Beslutet kan inte ändras, bara rättas med en protokollförd rättelse."),
    }, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def decision_correct(request, pk: int):
    decision = selectors.decision_get(user=request.user, pk=pk)
    access.require_manage_meetings(request.user, decision.organ, _("Du har inte behörighet att rätta beslutet."))
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_correct(actor=request.user, decision=decision, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Rättelsen av %(ref)s är protokollförd.") % {"ref": decision.reference})
            return redirect(reverse("decisions:decision_detail", args=[decision.pk]) + "#rattelser")
    status = 400 if form.is_bound else 200
    return render(request, "decisions/decision_correct.html", {"form": form, "decision": decision}, status=status)


@login_required
@domain_errors
@require_POST
def decision_dispatch(request, pk: int):
    """Dispatch the decision to its recipients, or (action=retry) send the failed
    ones again. When the excerpt needs a secrecy review, a page asks for the
    reason (and shows why) before anything goes."""
    decision = selectors.decision_get(user=request.user, pk=pk)
    access.require_manage_meetings(request.user, decision.organ, _("Du har inte behörighet att expediera beslutet."))
    target = reverse("decisions:decision_detail", args=[decision.pk]) + "#expediering"
    form = DispatchForm(request.POST)
    retry = request.POST.get("action") == "retry"

    def dispatch():
        if retry:
            n = services.dispatch_retry(actor=request.user, decision=decision,
                                        secrecy_review_reason=form.release_reason())
            return _("%(n)s utskick har lagts i kö igen.") % {"n": n}
        waiting = sum(1 for r in decision.recipients.all() if r.state == DecisionRecipient.State.PENDING)
        document = services.decision_dispatch(actor=request.user, decision=decision,
                                              secrecy_review_reason=form.release_reason())
        return _("Protokollsutdraget är registrerat som %(ref)s och expedieras till %(n)s mottagare.") % {
            "ref": f"{decision.case.diary_number}-{document.number}", "n": waiting}

    response = post_action_asking(request, target, dispatch, form=form, field=SECRECY_REVIEW_FIELD)
    if response is not None:
        return response
    return render(request, "registry/secrecy_review_confirm.html", {
        "form": form, "case": decision.case, "back": target,
        "heading": _("Försök skicka %(ref)s igen") % {"ref": decision.reference} if retry
        else _("Expediera %(ref)s") % {"ref": decision.reference},
        "submit": _("Försök skicka igen") if retry else _("Expediera beslutet"),
    }, status=400)


# --- minutes ------------------------------------------------------------------------------
def _signers(meeting: Meeting, signed: set) -> list[tuple[str, object]]:
    """Who has yet to approve the minutes: the chair, then the adjusters."""
    return [(role, person) for role, person in selectors.minutes_signers(meeting) if (person.pk, role) not in signed]


@domain_errors
@require_http_methods(["GET", "POST"])
def minutes(request, pk: int):
    """The minutes: decisions in paragraph order, and the adjustment ("justering")
    by the chair and the adjusters; once adjusted, the posting on the notice board
    and the end of the appeal period."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    require_on_site(request, meeting.organisation_id)
    can_manage = access.can_manage_meetings(request.user, meeting.organ)
    record = selectors.minutes_for(meeting)
    signatures = [s for s in record.signatures.all() if s.draft_version == record.draft_version] if record else []
    signed = {(s.person_id, s.role) for s in signatures}
    outstanding = _signers(meeting, signed) if meeting.status == Meeting.Status.CLOSED else []
    digital = record is not None and record.out_for_signing
    form = None
    if can_manage and outstanding and not digital:
        form = MinutesSignForm(request.POST or None, signers=outstanding)
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise errors.PermissionDenied(_("Logga in för att justera protokollet."))
        deny_unless(form is not None, _("Protokollet kan inte justeras här."))
        if form.is_valid():
            person = form.cleaned_data["person"]
            try:
                record = services.minutes_sign(actor=request.user, meeting=meeting, person=person,
                                               role=form.cleaned_data["role"], posted_on=form.cleaned_data["posted_on"])
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                if record.adjusted:
                    messages.success(request, _(
                        "Protokollet är justerat. Det anslås %(posted)s; överklagandetiden går ut %(ends)s."
                    ) % {"posted": record.posted_on.isoformat(), "ends": record.appeal_ends_on.isoformat()})
                else:
                    messages.success(request, _("Godkännandet från %(name)s är registrerat.") % {"name": person.name})
                return redirect("decisions:minutes", pk=meeting.pk)
    visible = access.decisions_visible(request.user, meeting)
    attendance = sorted(meeting.attendance.select_related("person"),
                        key=lambda a: (ROLE_ORDER.get(a.role, 9), a.person.name)) if visible else []
    decisions = selectors.minutes_decisions(meeting, full=False) if visible else []
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "decisions/minutes.html", {
        "meeting": meeting, "minutes": record, "signatures": signatures, "outstanding": outstanding, "form": form,
        "can_manage": can_manage, "visible": visible, "present": [a for a in attendance if a.present],
        "decisions": [(d, selectors.linked_text(d.text, organisation_id=d.organisation_id)) for d in decisions],
        "adjusters": list(meeting.adjusters.all()), "digital": digital,
        "comments": selectors.minutes_comments(record) if can_manage and record else [],
        "can_prepare": can_manage and meeting.status == Meeting.Status.CLOSED and meeting.chair_id is not None,
        "draft_document": access.minutes_draft_document(request.user, record) if record else None,
        "posting_document": access.posting_document(record),
    }, status=status)


# --- officer's reports and proposals --------------------------------------------------------
@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def officer_report_create(request, case_pk: int):
    case = registry_selectors.case_get(user=request.user, pk=case_pk)
    access.require_write_reports(request.user, case, _("Du har inte behörighet att skriva tjänsteskrivelser i ärendet."))
    organs = _meeting_organs(organisation=case.organisation_id)
    officer = case.case_officer
    initial = {"title": case.title, "addressed_to": case.organ_id, "report_date": timezone.localdate(),
               "proposal_1_organ": case.organ_id}
    if officer is not None:
        initial.update(signatory_1_name=officer.name, signatory_1_title=officer.title)
    form = OfficerReportForm(request.POST or None, organs=organs, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = services.officer_report_create(
                actor=request.user, case=case, title=d["title"], addressed_to=d["addressed_to"],
                background=d["background"], opinion=d["opinion"], proposals=form.proposals(),
                dispatch_to=form.dispatch_lines(), signatories=form.signatories(), office=d["office"],
                report_date=d["report_date"],
            )
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Tjänsteskrivelsen är registrerad som %(ref)s. Sätt upp förslagen på "
                                        "sammanträden under Beslutsgång.") % {
                "ref": f"{case.diary_number}-{report.document.number}"})
            return redirect(reverse("registry:case_detail", args=[case.pk]) + "#beslutsgang")
    status = 400 if form.is_bound else 200
    return render(request, "decisions/officer_report_form.html", {"form": form, "case": case}, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def proposal_to_agenda(request, pk: int):
    """Put a proposal on a planned meeting of the organ it is addressed to."""
    proposal = selectors.proposal_get(pk=pk)
    access.require_manage_meetings(request.user, proposal.organ)
    meetings = sorted((m for m in selectors.meeting_list(user=request.user, organ=proposal.organ)
                       if m.status in AGENDA_OPEN), key=lambda m: (m.date, m.start_time or dt.time.min))
    documents = registry_selectors.document_entries(user=request.user, case=proposal.case)
    initial = {"documents": [str(proposal.report.document_id)] if proposal.report_id and proposal.report.document_id
               else []}
    if len(meetings) == 1:
        initial["meeting"] = str(meetings[0].pk)
    form = ProposalToAgendaForm(request.POST or None, meetings=meetings, documents=documents, initial=initial)
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        try:
            item = services.proposal_to_agenda(actor=request.user, proposal=proposal, meeting=meeting,
                                               documents=selectors.case_documents(
                                                   case=proposal.case, ids=form.chosen_document_ids()),
                                               secrecy_review_reason=form.release_reason())
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Förslaget är punkt %(n)s på föredragningslistan för %(meeting)s.") % {
                "n": item.position, "meeting": f"{meeting.organ.code} {meeting.date:%Y-%m-%d}"})
            return redirect(reverse("decisions:meeting_detail", args=[meeting.pk]) + "#dagordning")
    status = 400 if form.is_bound else 200
    return render(request, "decisions/proposal_to_agenda.html", {
        "form": form, "proposal": proposal, "case": proposal.case, "meetings": meetings,
    }, status=status)


# --- assignments ----------------------------------------------------------------------------
def assignment_list(request):
    """Open assignments ("uppdrag") per organ, from adjusted decisions."""
    organs = registry_selectors.organs_for_filter()
    form = OrganFilterForm(request.GET or None, organs=organs)
    organ = form.chosen_organ()
    groups: dict[int, tuple] = {}
    for a in selectors.open_assignments(organ=organ):
        groups.setdefault(a.organ_id, (a.organ, []))[1].append(a)
    return render(request, "decisions/assignment_list.html", {
        "form": form, "organ": organ, "groups": sorted(groups.values(), key=lambda g: g[0].name),
        "today": timezone.localdate(),
    })


@domain_errors
@require_http_methods(["GET", "POST"])
def assignment_detail(request, pk: int):
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    organ = assignment.organ
    can_link = access.can_link_cases(request.user, organ)
    form = AssignmentLinkForm(request.POST or None, find_case=_case_finder(organ.organisation_id)) if can_link \
        else None
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise errors.PermissionDenied(_("Logga in för att koppla ett ärende till uppdraget."))
        deny_unless(can_link, _("Du har inte behörighet att koppla ärenden till uppdraget."))
        if form.is_valid():
            case = form.cleaned_data["diary_number"]
            try:
                services.assignment_link_case(actor=request.user, assignment=assignment, case=case)
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Ärende %(dnr)s är kopplat till uppdraget.") % {"dnr": case.diary_number})
                return redirect("decisions:assignment_detail", pk=assignment.pk)
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "decisions/assignment_detail.html", {
        "assignment": assignment, "decision": assignment.decision, "form": form, "today": timezone.localdate(),
    }, status=status)


def notice_board(request):
    """The digital notice board: adjusted minutes with posting and take-down
    dates and the last day to appeal (kommunallagen 8 kap. 12 §, 13 kap. 5 §)."""
    today = timezone.localdate()
    site = site_organisation(request)
    postings = selectors.notice_board(today=today, organisation_id=site.pk if site else None)
    return render(request, "decisions/notice_board.html", {
        "today": today,
        "current": [p for p in postings if p.on_board],
        "earlier": [p for p in postings if not p.on_board],
    })


# --- an organ's members and substitutes -------------------------------------------------------------------
@domain_errors
@require_http_methods(["GET", "POST"])
def organ_members(request, pk: int):
    """The organ's members and substitutes, with party, period and the
    substitutes' order. Public; those who run the organ's meetings add seats
    one by one or as a list, and end them."""
    organ = accounts_selectors.organ_get(pk=pk)
    require_on_site(request, organ.organisation_id)
    can_manage = access.can_manage_meetings(request.user, organ)
    add_form, import_form, end_form = MembershipAddForm(initial={"start": timezone.localdate()}), \
        MembershipImportForm(), None
    if request.method == "POST":
        deny_unless(can_manage, _("Du har inte behörighet att ändra organets ledamöter."))
        action = request.POST.get("action")
        here = reverse("decisions:organ_members", args=[organ.pk])
        if action == "add":
            add_form = MembershipAddForm(request.POST)
            if add_form.is_valid():
                d = add_form.cleaned_data
                try:
                    m = memberships.membership_add_named(
                        actor=request.user, organ=organ, name=d["name"], email=d["email"], role=d["role"],
                        party=d["party"], start=d["start"], end=d["end"], substitute_order=d["substitute_order"])
                except errors.DomainError as exc:
                    show_on_form(add_form, exc)
                else:
                    messages.success(request, _("%(name)s är tillagd som %(role)s.") % {
                        "name": m.person.name, "role": m.get_role_display().lower()})
                    return redirect(here)
        elif action == "import":
            import_form = MembershipImportForm(request.POST)
            if import_form.is_valid():
                try:
                    result = memberships.memberships_import(actor=request.user, organ=organ,
                                                            text=import_form.cleaned_data["csv"])
                except errors.DomainError as exc:
                    show_on_form(import_form, exc)
                else:
                    messages.success(request, _("%(n)s ledamotskap är inlästa; %(p)s personer är nya i registret.")
                                     % {"n": len(result.added), "p": len(result.people_created)})
                    return redirect(here)
        elif action == "end":
            end_form = MembershipEndForm(request.POST)

            def end():
                if not end_form.is_valid():
                    raise errors.DomainError(" ".join(e for es in end_form.errors.values() for e in es))
                m = memberships.membership_get(organ=organ, pk=end_form.cleaned_data["membership"])
                memberships.membership_update(actor=request.user, membership=m, end=end_form.cleaned_data["end"])
                return _("Uppdraget för %(name)s slutar %(end)s.") % {
                    "name": m.person.name, "end": m.end.isoformat()}

            return post_action(request, here, end)
        else:
            raise errors.DomainError(_("Okänd åtgärd."))
    today = timezone.localdate()
    seats = selectors.memberships_of(organ)
    current = [m for m in seats if m.end is None or m.end >= today]
    return render(request, "decisions/organ_members.html", {
        "organ": organ, "can_manage": can_manage, "today": today,
        "groups": [(label, [m for m in current if m.role == role]) for role, label in Membership.Role.choices],
        "ended": [m for m in seats if m.end is not None and m.end < today],
        "add_form": add_form, "import_form": import_form,
    })
