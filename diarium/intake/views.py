"""The registrar's inbox: what came in to the organisation's function
mailboxes (or was uploaded), registered from one page as a document on a new
case or an existing one, or recorded as not to be registered. Rights in access.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diarium.core import errors
from diarium.core.tasks import enqueue_by_name
from diarium.core.web import domain_errors, posted_id, show_on_form
from diarium.registry import files as file_store
from diarium.registry import selectors as registry_selectors
from diarium.registry.selectors import classification as scheme_selectors
from diarium.registry.models import PartyKind

from . import selectors, services
from .forms import EXISTING_CASE, NEW_CASE, DismissForm, RegisterForm, UploadForm
from .models import IntakeItem


def _organisation(request):
    """The organisation whose inbox is shown: the one asked for, else the user's first."""
    mine = selectors.intake_organisations(request.user)
    if not mine:
        raise errors.PermissionDenied(_("Du har inte behörighet att läsa organisationens inkorg."))
    asked = posted_id(request.GET.get("organisation"))
    return next((o for o in mine if o.pk == asked), mine[0]), mine


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def inbox(request):
    organisation, organisations = _organisation(request)
    state = request.GET.get("visa", IntakeItem.State.NEW)
    if state not in IntakeItem.State.values:
        state = IntakeItem.State.NEW
    upload = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        try:
            item = services.message_upload(actor=request.user, organisation_id=organisation.pk,
                                           upload=upload.cleaned_data["file"])
        except errors.DomainError as exc:
            show_on_form(upload, exc)
        else:
            messages.success(request, _("Meddelandet %(name)s ligger nu i inkorgen.") % {"name": item})
            return redirect("intake:item", item.pk)
    return render(request, "intake/inbox.html", {
        "organisation": organisation, "organisations": organisations, "state": state,
        "states": IntakeItem.State.choices,
        "items": selectors.inbox(user=request.user, organisation_id=organisation.pk, state=state),
        "counts": selectors.inbox_counts(user=request.user, organisation_id=organisation.pk),
        "mailboxes": selectors.mailboxes(user=request.user, organisation_id=organisation.pk),
        "upload": upload,
    }, status=400 if upload.is_bound else 200)


@login_required
@domain_errors
@require_POST
def mailbox_poll(request, pk: int):
    """Read a mailbox now (the worker does it every minute anyway)."""
    mailbox = selectors.mailbox_get(user=request.user, pk=pk)
    enqueue_by_name("diarium.intake.tasks.mailbox_poll", mailbox.pk)
    messages.success(request, _("Brevlådan %(name)s läses nu. Nya meddelanden visas när den har lästs.")
                     % {"name": mailbox.name})
    return redirect(reverse("intake:inbox") + f"?organisation={mailbox.organisation_id}")


def _register_form(request, item: IntakeItem, data=None) -> tuple[RegisterForm, list]:
    organs = [o for o in registry_selectors.organs_user_can_register_in(request.user)
              if o.organisation_id == item.organisation_id]
    forwarded = selectors.forwarded_sender(item)
    sender = forwarded or {"sender_name": item.sender_name, "sender_address": item.sender_address}
    own = (item.mailbox.organ if item.mailbox_id and item.mailbox.organ_id else
           registry_selectors.own_organ(request.user, organs))
    contacts = list(registry_selectors.contacts(user=request.user, organisation_id=item.organisation_id))
    address = (sender["sender_address"] or "").casefold()
    known = next((c for c in contacts if address and c.email.casefold() == address), None)
    classifications = scheme_selectors.case_classifications([item.organisation_id])
    return RegisterForm(
        data, item=item, organs=organs, contacts=bool(contacts), classifications=classifications,
        classification_required=any(c.level == c.Level.PROCESS for c in classifications),
        document_types=registry_selectors.document_types_for(item.organisation_id),
        find_case=lambda text: registry_selectors.case_by_number(organisation_id=item.organisation_id, text=text),
        initial={"target": NEW_CASE, "organ": own.pk if own else None, "title": item.subject,
                 "description": item.subject,
                 # The sender as the contact register knows them, else as the message names them.
                 "counterpart": known.name if known else sender["sender_name"] or sender["sender_address"],
                 "counterpart_kind": known.party_kind if known else PartyKind.AUTO,
                 "document_date": min(timezone.localtime(item.received_at).date(), timezone.localdate()),
                 "attachments": [str(row["index"]) for row in item.attachments if not row.get("problem")]},
    ), contacts


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def item(request, pk: int):
    """One message: read it, then register it or dismiss it."""
    item = selectors.item_get(user=request.user, pk=pk)
    action = request.POST.get("action")
    register, contacts = _register_form(request, item, request.POST if action == "register" else None)
    dismiss = DismissForm(request.POST if action == "dismiss" else None)
    form = register if action == "register" else dismiss if action == "dismiss" else None
    if form is not None and form.is_valid():
        try:
            if form is register:
                document = services.item_register(actor=request.user, item=item, **form.cleaned_data)
                messages.success(request, _("Meddelandet har registrerats som handling %(ref)s.")
                                 % {"ref": document.reference})
            else:
                services.item_dismiss(actor=request.user, item=item, **form.cleaned_data)
                messages.success(request, _("Meddelandet är markerat som att det inte registreras."))
        except errors.DomainError as exc:
            show_on_form(form, exc)
        else:
            following = selectors.inbox(user=request.user, organisation_id=item.organisation_id).first()
            return redirect("intake:item", following.pk) if following else redirect(
                reverse("intake:inbox") + f"?organisation={item.organisation_id}")
    return render(request, "intake/item.html", {
        "item": item, "register": register, "dismiss": dismiss, "contacts": contacts,
        "notes": selectors.problem_notes(item), "forwarded": selectors.forwarded_sender(item),
        "existing_case": EXISTING_CASE,
    }, status=400 if form is not None else 200)


@login_required
@domain_errors
def attachment(request, pk: int, index: int):
    """An attachment as it came, downloaded (never shown: it has not been checked as a registered file is)."""
    item = selectors.item_get(user=request.user, pk=pk)
    found = selectors.item_attachment(item=item, index=index)
    return file_store.content_response(found.data, found.name)


@login_required
@domain_errors
def message(request, pk: int):
    """The message as it came (.eml), downloaded."""
    item = selectors.item_get(user=request.user, pk=pk)
    if item.eml_id is None:
        raise errors.NotFound(_("Meddelandet är för stort och finns bara i brevlådan."))
    return file_store.file_response(item.eml, selectors.eml_filename(item))
