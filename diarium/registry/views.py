"""The register's web pages. Thin: they parse forms, call selectors (reads) and
services (writes), and show DomainErrors next to the fields they concern."""

from __future__ import annotations


from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils import timezone
from django.utils.translation import gettext as _
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from diarium.accounts.sites import require_on_site, site_organisation
from diarium.core import errors, ratelimit
from diarium.core.web import deny_unless, domain_errors, post_action, posted_id, show_on_form

from . import access, osl, selectors, services
from .disposal import document_disposal
from .files import file_response, note_texts
from .forms import (
    CaseCloseForm,
    CaseFilterForm,
    CaseForm,
    CaseProtectForm,
    CaseReopenForm,
    CaseUnprotectForm,
    CopyRequestForm,
    DocumentFilterForm,
    DocumentForm,
    FileForm,
    PrivacyReviewForm,
    SecrecyForm,
    SecrecyLiftForm,
)
from .models import CaseLink
from .paging import BadCursor, RegisterPaginator
from .selectors import classification as scheme_selectors
from .selectors import due_dates as due_selectors
from .selectors import filters as filter_selectors
from .selectors import privacy as privacy_selectors

PAGE_SIZE = 50
CASE_PAGE_EVENTS = 20  # the case page shows the latest; the history page has them all
HISTORY_PAGE_SIZE = 100
# Beyond this many matches the list says "more than" instead of counting them all.
COUNT_CAP = 1000


# --- cases ------------------------------------------------------------------------------
def case_list(request):
    return case_list_page(request)


def _filter_choices(request, *, officers: bool = True):
    """The filter form's choices, scoped to the organisation the request names
    (selectors.filters). Ids that are not whole numbers do not narrow."""
    site = site_organisation(request)  # an organisation's own site lists only its register
    return filter_selectors.register_filter_choices(
        user=request.user, organisation=site.pk if site else posted_id(request.GET.get("organisation")),
        organ=posted_id(request.GET.get("organ")), officers=officers,
        case_officer=posted_id(request.GET.get("case_officer")) if officers else None)


def _register_page(request, paginator):
    """The page a list's request asks for: by cursor (the links the list makes)
    or by page number (older links). A cursor that cannot be used gives the
    first page, a message and 400."""
    try:
        return paginator.page_at(request.GET.get("cursor"), request.GET.get("page")), None
    except BadCursor:
        return paginator.get_page(1), _("Länken till sidan gick inte att använda, kanske för att den är gammal. "
                                        "Listan visas från första sidan.")


def case_list_page(request, *, bulk_form=None, status: int = 200):
    """The case list; for staff who may change cases, with a box on each row
    they may change and the bulk action form (views_bulk), which is bound when
    a bulk action was refused."""
    from .views_bulk import bulk_form_for

    choices = _filter_choices(request)
    site = site_organisation(request)
    form = CaseFilterForm(
        request.GET or None,
        organisations=choices.organisations if choices.several and site is None else (),
        organs=choices.organs,
        officers=choices.officers,
        years=selectors.case_years(),
    )
    filters = {k: v for k, v in form.filters().items() if v is not None}
    if site is not None:
        filters["organisation"] = site
    paginator = RegisterPaginator(selectors.case_list(user=request.user, **filters), PAGE_SIZE, cap=COUNT_CAP,
                                  keyset=True)
    page, paging_error = _register_page(request, paginator)
    if bulk_form is None:
        bulk_form = bulk_form_for(request, organisations=choices.organisations, officers=choices.officers,
                                  officers_of=choices.officers_of.pk if choices.officers_of else None)
    changeable = {c.pk for c in page.object_list if access.may_change_case(request.user, c)} if bulk_form else set()
    return render(request, "registry/case_list.html", {
        "form": form, "page": page, "paginator": paginator, "paging_error": paging_error,
        "filtered": bool(request.GET.dict().keys() - {"page", "cursor"}),
        "bulk_form": bulk_form if changeable else None, "changeable": changeable,
        "ticked": bulk_form.ticked() if bulk_form else set(),
    }, status=400 if paging_error and status == 200 else status)


def _case_form_choices(organisation_ids, current=None):
    organisation = next(iter(organisation_ids)) if len(organisation_ids) == 1 else None
    # The processes in use where an organisation has a scheme (then one is required), and the case's own.
    classifications = scheme_selectors.case_classifications(organisation_ids, current=current)
    schemed = {c.organisation_id for c in classifications if c.level == c.Level.PROCESS and c.active}
    return {
        "officers": selectors.case_officers(organisation=organisation),
        "classifications": classifications,
        "classification_required": set(organisation_ids) <= schemed,
    }


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def case_register(request):
    organs = selectors.organs_user_can_register_in(request.user)
    deny_unless(bool(organs), _("Du har inte behörighet att registrera ärenden."))
    choices = _case_form_choices({o.organisation_id for o in organs})
    own = selectors.own_organ(request.user, organs)
    form = CaseForm(request.POST or None, organs=organs, initial={"organ": own.pk} if own else None, **choices)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_register(actor=request.user, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Ärendet %(dnr)s har registrerats.") % {"dnr": case.diary_number})
            return _after_screening(request, case, case)
    status = 400 if form.is_bound else 200
    return render(request, "registry/case_form.html", {"form": form, "case": None}, status=status)


@domain_errors
def case_detail(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    require_on_site(request, case.organisation_id)
    # One more than shown tells whether there are more, without counting them all.
    events = selectors.case_events(user=request.user, case=case, latest=CASE_PAGE_EVENTS + 1)
    perms = access.case_permissions(request.user, case)
    return render(request, "registry/case_detail.html", {
        "case": case,
        "case_title": access.case_value(request.user, case, "title"),
        "case_description": access.case_value(request.user, case, "description"),
        "public_title": case.title,
        "may_review": access.can_review_privacy(request.user, case),
        "pending": privacy_selectors.pending_count(case) if access.can_review_privacy(request.user, case) else 0,
        "documents": selectors.document_entries(user=request.user, case=case),
        "events": events[-CASE_PAGE_EVENTS:],
        "more_events": len(events) > CASE_PAGE_EVENTS,
        "perms": perms,
        "close_form": CaseCloseForm(auto_id="close_%s"),
        "reopen_form": CaseReopenForm(auto_id="reopen_%s"),
        "links": selectors.case_links(user=request.user, case=case) if case.has_links else [],
        "due_dates": [d for d in due_selectors.case_due_dates(user=request.user, case=case) if d.done_at is None]
        if case.has_due_dates else [],
        "today": due_selectors.today(),
        "link_kinds": CaseLink.Kind.choices,
    })


@login_required
@domain_errors
@require_POST
def case_links(request, pk: int):
    """Link the case to another by its diary number, or remove a link."""
    case = selectors.case_get(user=request.user, pk=pk)

    def change():
        if request.POST.get("action") == "remove":
            services.case_link_remove(actor=request.user, case=case, link_id=posted_id(request.POST.get("link")) or 0)
            return _("Kopplingen är borttagen.")
        other = selectors.case_by_number(organisation_id=case.organisation_id, text=request.POST.get("other", ""))
        if other is None and request.POST.get("other", "").strip():
            raise errors.DomainError(_("Inget ärende har diarienumret %(number)s.")
                                     % {"number": request.POST["other"].strip()[:60]}, field="other")
        link = services.case_link_add(actor=request.user, case=case, other=other, kind=request.POST.get("kind", ""))
        return _("%(case)s: %(kind)s %(other)s.") % {"case": case.diary_number, "kind": link.get_kind_display().lower(),
                                                     "other": other.diary_number}

    return post_action(request, reverse("registry:case_detail", args=[case.pk]) + "#kopplade", change)


@domain_errors
def case_history(request, pk: int):
    """The whole history of a case, a hundred entries a page."""
    case = selectors.case_get(user=request.user, pk=pk)
    require_on_site(request, case.organisation_id)
    paginator = Paginator(selectors.case_event_queryset(user=request.user, case=case), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "registry/case_history.html", {
        "case": case, "page": page, "events": selectors.event_entries(page.object_list),
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    deny_unless(access.case_permissions(request.user, case)["edit"], _("Du har inte behörighet att ändra ärendet."))
    initial = {
        "title": access.case_value(request.user, case, "title"),
        "description": access.case_value(request.user, case, "description"),
        "case_officer": case.case_officer_id or "", "classification": case.classification_id or "",
    }
    form = CaseForm(request.POST or None, initial=initial,
                    **_case_form_choices({case.organisation_id}, current=case.classification))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(actor=request.user, case=case, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Ärendet %(dnr)s har ändrats.") % {"dnr": case.diary_number})
            return redirect(case)
    status = 400 if form.is_bound else 200
    return render(request, "registry/case_form.html", {"form": form, "case": case}, status=status)


def _case_status_change(request, pk, *, form_class, service, heading, button, done_message):
    case = selectors.case_get(user=request.user, pk=pk)
    deny_unless(access.case_permissions(request.user, case)["close"],
                 _("Du har inte behörighet att avsluta eller återöppna ärendet."))
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, done_message % {"dnr": case.diary_number})
            return redirect(case)
    status = 400 if form.is_bound else 200
    return render(request, "registry/case_status_change.html", {
        "form": form, "case": case, "heading": heading % {"dnr": case.diary_number}, "button": button,
    }, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def case_close(request, pk: int):
    return _case_status_change(request, pk, form_class=CaseCloseForm, service=services.case_close,
                               heading=_("Avsluta ärende %(dnr)s"), button=_("Avsluta ärendet"),
                               done_message=_("Ärendet %(dnr)s har avslutats."))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def case_reopen(request, pk: int):
    return _case_status_change(request, pk, form_class=CaseReopenForm, service=services.case_reopen,
                               heading=_("Återöppna ärende %(dnr)s"), button=_("Återöppna ärendet"),
                               done_message=_("Ärendet %(dnr)s har återöppnats."))


# --- documents -------------------------------------------------------------------------
def document_list(request):
    """The public register at document level: one row per registered document,
    newest first, masked for the reader as on the case page."""
    choices = _filter_choices(request, officers=False)
    site = site_organisation(request)
    form = DocumentFilterForm(
        request.GET or None,
        organisations=choices.organisations if choices.several and site is None else (),
        organs=choices.organs,
        years=selectors.document_years(),
    )
    filters = {k: v for k, v in form.filters().items() if v is not None}
    if site is not None:
        filters["organisation"] = site
    paginator = RegisterPaginator(selectors.document_list(user=request.user, **filters), PAGE_SIZE, cap=COUNT_CAP,
                                  keyset=True)
    page, paging_error = _register_page(request, paginator)
    return render(request, "registry/document_list.html", {
        "form": form, "page": page, "paginator": paginator, "paging_error": paging_error,
        "entries": selectors.register_entries(user=request.user, documents=page.object_list),
        "filtered": bool(request.GET.dict().keys() - {"page", "cursor"}),
    }, status=400 if form.errors or paging_error else 200)


def _note_files(request, document_files) -> None:
    """Tell the registrar what the stored files' content holds (scripts, text not read)."""
    for document_file in document_files:
        for text in note_texts(document_file.blob.notes):
            messages.warning(request, _("%(name)s: %(note)s") % {"name": document_file.filename, "note": text})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def document_register(request, pk: int):
    case = selectors.case_get(user=request.user, pk=pk)
    deny_unless(access.case_permissions(request.user, case)["register_document"],
                 _("Du har inte behörighet att registrera handlingar i ärendet."))
    contacts = list(selectors.contacts(user=request.user, organisation_id=case.organisation_id)) \
        if access.can_read_contacts(request.user, case.organisation_id) else []
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"document_date": timezone.localdate()},
                        document_types=selectors.document_types_for(case.organisation_id), contacts=bool(contacts))
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_register(actor=request.user, case=case, **form.cleaned_data)
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Handlingen %(ref)s har registrerats.")
                             % {"ref": f"{case.diary_number}-{document.number}"})
            _note_files(request, document.files.select_related("blob"))
            return _after_screening(request, case, document)
    status = 400 if form.is_bound else 200
    return render(request, "registry/document_form.html", {"form": form, "case": case, "contacts": contacts},
                  status=status)


@domain_errors
def document_detail(request, pk: int):
    document, entry = selectors.document_get(user=request.user, pk=pk)
    require_on_site(request, document.case.organisation_id)
    return render(request, "registry/document_detail.html", {
        "case": document.case, "entry": entry, "perms": access.case_permissions(request.user, document.case),
        "disposal": document_disposal(document),
        "sections": selectors.document_sections(user=request.user, document=document, entry=entry),
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def document_secrecy(request, pk: int):
    """Mark a document secret (action=mark) or lift the mark (action=lift)."""
    document = selectors.document_for_write(pk=pk)
    case = document.case
    deny_unless(access.case_permissions(request.user, case)["mark_secret"],
                 _("Du har inte behörighet att sekretessmarkera handlingar."))
    entry = None
    if request.method == "GET":  # showing the entry is a read (logged if secret)
        entry = selectors.document_get(user=request.user, pk=pk)[1]
    lifting = request.POST.get("action") == "lift"
    listed = osl.provision_of(document.secrecy_ground)
    mark_form = SecrecyForm(None if lifting else (request.POST or None),
                            initial={"provision": listed, "ground": "" if listed else document.secrecy_ground,
                                     "masked_fields": document.masked_fields})
    lift_form = SecrecyLiftForm(request.POST if lifting else None)
    form = lift_form if lifting else mark_form
    if request.method == "POST" and form.is_valid():
        try:
            if lifting:
                services.document_lift_secrecy(actor=request.user, document=document, **form.cleaned_data)
                message = _("Sekretessmarkeringen av %(ref)s har tagits bort.")
            else:
                services.document_mark_secret(actor=request.user, document=document, **form.cleaned_data)
                message = _("Handlingen %(ref)s har sekretessmarkerats.")
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, message % {"ref": f"{case.diary_number}-{document.number}"})
            return redirect("registry:document_detail", pk=document.pk)
    if entry is None:
        entry = selectors.document_entry(user=request.user, document=document)
    status = 400 if form.is_bound else 200
    return render(request, "registry/document_secrecy.html", {
        "case": case, "entry": entry, "mark_form": mark_form, "lift_form": lift_form, "provisions": osl.PROVISIONS,
    }, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def document_file_add(request, pk: int):
    """Add a file to a document, or a new version of one (?ersatter=<file id>)."""
    document = selectors.document_for_write(pk=pk)
    case = document.case
    deny_unless(access.case_permissions(request.user, case)["register_document"],
                 _("Du har inte behörighet att lägga till filer."))
    replaces = None
    if request.GET.get("ersatter"):
        replaces = next((f for f in document.files.all() if str(f.pk) == request.GET["ersatter"]), None)
        if replaces is None:
            raise errors.NotFound(_("Filen finns inte."))
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.document_file_add(actor=request.user, document=document, replaces=replaces,
                                               upload=form.cleaned_data["file"])
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Filen %(name)s har lagts till (version %(v)s).")
                             % {"name": added.filename, "v": added.version})
            _note_files(request, [added])
            return redirect("registry:document_detail", pk=document.pk)
    status = 400 if form.is_bound else 200
    return render(request, "registry/document_file_form.html", {
        "case": case, "reference": f"{case.diary_number}-{document.number}", "document_id": document.pk,
        "replaces": replaces, "form": form,
    }, status=status)


@domain_errors
def file_download(request, pk: int):
    """The file as an attachment, or with ?visa=1 for the browser to show (inline:
    OParl's accessUrl) where nothing in it can run (registry.files.file_response).
    The same rights either way."""
    document_file = selectors.file_for_download(user=request.user, file_id=pk)
    require_on_site(request, document_file.document.case.organisation_id)
    return file_response(document_file.blob, document_file.filename, inline="visa" in request.GET)


# --- requests for copies ("begär ut handling") ---------------------------------------------
COPY_REQUEST_RECEIPT = "diarium_copy_request"


def _copy_request_allowed(request) -> bool:
    """The limit of requests an hour from one address (services.copy_request_allowed)."""
    return services.copy_request_allowed(client=ratelimit.client_address(request))


def _public_entry(document):
    """The document as the public sees it: the request pages are the same for all."""
    return selectors.document_entry(user=AnonymousUser(), document=document)


@domain_errors
@require_http_methods(["GET", "POST"])
def document_copy_request(request, pk: int):
    """Ask for a copy of a document, anonymously if one likes."""
    document = selectors.document_for_write(pk=pk)
    require_on_site(request, document.case.organisation_id)
    entry = _public_entry(document)
    form = CopyRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not _copy_request_allowed(request):
            form.add_error(None, _("Många begäranden har skickats från din anslutning den senaste timmen. "
                                   "Försök igen senare eller kontakta registraturen direkt."))
            status = 429
        else:
            try:
                event = services.copy_request_record(document=document, **form.cleaned_data)
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                request.session[COPY_REQUEST_RECEIPT] = {
                    "document": document.pk, "at": event.at.isoformat(), "format": form.cleaned_data["format"],
                    "has_contact": bool(event.data["request"]["contact"]),
                }
                return redirect("registry:document_copy_receipt", pk=document.pk)
    if form.is_bound and status == 200:
        status = 400
    return render(request, "registry/copy_request_form.html", {
        "case": document.case, "entry": entry, "form": form,
    }, status=status)


@domain_errors
def document_copy_receipt(request, pk: int):
    """What happens next, after a request for a copy was recorded."""
    receipt = request.session.get(COPY_REQUEST_RECEIPT)
    if not receipt or receipt.get("document") != pk:
        return redirect("registry:document_copy_request", pk=pk)
    document = selectors.document_for_write(pk=pk)
    return render(request, "registry/copy_request_receipt.html", {
        "case": document.case, "entry": _public_entry(document),
        "at": parse_datetime(receipt["at"]), "by_email": receipt["format"] == "email",
        "has_contact": receipt["has_contact"],
    })


# --- the masking assistant's review (issue 18) -----------------------------------------------
def _after_screening(request, case, row):
    """After a registration: where the assistant found something, the registrar
    goes straight to its proposal; others are told it waits for review."""
    if not row.privacy_pending:
        return redirect(case)
    if access.can_review_privacy(request.user, case):
        messages.warning(request, _("Registreringen innehåller uppgifter som kan vara personuppgifter. De visas "
                                    "inte för allmänheten förrän du har granskat dem."))
        return redirect("registry:case_privacy", case.pk)
    messages.warning(request, _("Registreringen innehåller uppgifter som kan vara personuppgifter. De visas inte "
                                "för allmänheten förrän registrator har granskat dem."))
    return redirect(case)


def _privacy_page(request, case, *, review_form=None, protect_form=None, unprotect_form=None, status=200):
    review = privacy_selectors.case_privacy(user=request.user, case=case)
    return render(request, "registry/case_privacy.html", {
        "case": case, "review": review,
        "case_title": access.case_value(request.user, case, "title"),
        "review_form": review_form or PrivacyReviewForm(review=review, prefix="review"),
        "protect_form": protect_form or CaseProtectForm(prefix="protect", initial=(review.protected or {}) and {
            "public_title": review.protected["shown"], "ground": review.protected["ground"]}),
        "unprotect_form": unprotect_form or CaseUnprotectForm(prefix="unprotect"),
    }, status=status)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def case_privacy(request, pk: int):
    """The assistant's findings in a case, accepted or rejected in one screen,
    and the protection of the case's title."""
    case = selectors.case_get(user=request.user, pk=pk)
    deny_unless(access.can_review_privacy(request.user, case),
                _("Du har inte behörighet att granska uppgifterna i ärendet."))
    if request.method == "GET":
        return _privacy_page(request, case)
    action = request.POST.get("action")
    if action == "protect":
        form = CaseProtectForm(request.POST, prefix="protect")
        if form.is_valid():
            try:
                services.case_protect(actor=request.user, case=case, **form.cleaned_data)
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Ärendemeningen är skyddad. Allmänheten ser bara den skyddade meningen."))
                return redirect("registry:case_privacy", case.pk)
        return _privacy_page(request, case, protect_form=form, status=400)
    if action == "unprotect":
        form = CaseUnprotectForm(request.POST, prefix="unprotect")
        if form.is_valid():
            try:
                services.case_unprotect(actor=request.user, case=case, reason=form.cleaned_data["reason"])
            except errors.DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("Skyddet av ärendemeningen är borttaget."))
                return redirect("registry:case_privacy", case.pk)
        return _privacy_page(request, case, unprotect_form=form, status=400)
    review = privacy_selectors.case_privacy(user=request.user, case=case)
    form = PrivacyReviewForm(request.POST, review=review, prefix="review")
    if form.is_valid():
        try:
            count = services.privacy_review(actor=request.user, case=case, verdicts=form.verdicts())
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Granskningen är sparad (%(n)d uppgifter).") % {"n": count})
            return redirect(case)
    return _privacy_page(request, case, review_form=form, status=400)


@login_required
@domain_errors
def privacy_queue(request):
    """The registrar's list of cases whose findings nobody has reviewed yet."""
    return render(request, "registry/privacy_queue.html", {
        "entries": privacy_selectors.privacy_queue(user=request.user),
    })
