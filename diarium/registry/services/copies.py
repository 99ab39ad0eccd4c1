"""Requests for public documents ("begär ut handling", TF 2 kap.): a request
recorded on the document's case as a CopyRequest with the time it is to be
decided by (skyndsamt, TF 2 kap. 15 §: DIARIUM_COPY_REQUEST_TARGET_WORKDAYS
working days, one by default), the registrar told by e-mail (a task), staff
registering one that came by phone, e-mail, a visit or a letter, giving it to
an officer, and the reminder before it is due. Deciding one is in
copy_decisions.py. A limit per client keeps the form from flooding the register."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts.models import Person
from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.limits import is_email
from diarium.core.mail import mail_send
from diarium.core.tasks import enqueue_by_name
from diarium.core.workdays import workday_end

from .. import access
from ..history import event_append
from ..models import COPY_FORMATS, CopyRequest, Document, Event

logger = logging.getLogger("diarium.registry")


COPY_NAME_MAX = 200
COPY_CONTACT_MAX = 500
COPY_MESSAGE_MAX = 2000
# How a request reached the organisation when staff register it (the web form and the API register their own).
STAFF_CHANNELS = (CopyRequest.Channel.EMAIL, CopyRequest.Channel.PHONE, CopyRequest.Channel.VISIT,
                  CopyRequest.Channel.LETTER)
REMINDER_AHEAD = dt.timedelta(hours=2)  # the reminder goes when a request is due within this, or overdue
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _copy_text(value, *, single_line: bool) -> str:
    value = _CONTROL_CHARS.sub("", str(value or ""))
    if single_line:
        return " ".join(value.split())
    return "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


def target_workdays() -> int:
    """DIARIUM_COPY_REQUEST_TARGET_WORKDAYS: the working days a request is to be
    decided in (at least one; one by default), read when it is used."""
    return max(1, int(getattr(settings, "DIARIUM_COPY_REQUEST_TARGET_WORKDAYS", 1)))


def copy_request_due(received_at: dt.datetime) -> dt.datetime:
    """When a request received at `received_at` is to be decided: the end of
    the target's last working day (core.workdays)."""
    return workday_end(received_at, target_workdays())


def copy_request_delivery(contact: str) -> str:
    """How the answer reaches the requester (CopyRequest.Delivery): e-mail to an
    e-mail address, post to any other contact, else kept to be fetched."""
    contact = (contact or "").strip()
    if contact and is_email(contact):
        return CopyRequest.Delivery.EMAIL
    return CopyRequest.Delivery.POST if contact else CopyRequest.Delivery.PICKUP


def _request_fields(*, name, contact, format, message) -> tuple[dict, dict[str, list[str]]]:
    """The requester's fields cleaned, and what is wrong with them, every problem at once."""
    values = {"name": _copy_text(name, single_line=True), "contact": _copy_text(contact, single_line=False),
              "format": format, "message": _copy_text(message, single_line=False)}
    name, contact, message = values["name"], values["contact"], values["message"]
    errors: dict[str, list[str]] = {}
    if format not in COPY_FORMATS:
        errors["format"] = [_("Välj om du vill få kopian på papper eller med e-post.")]
    if len(name) > COPY_NAME_MAX:
        errors["name"] = [_("Namnet får vara högst %(n)s tecken.") % {"n": COPY_NAME_MAX}]
    if len(contact) > COPY_CONTACT_MAX:
        errors["contact"] = [_("Kontaktuppgiften får vara högst %(n)s tecken.") % {"n": COPY_CONTACT_MAX}]
    elif format == "email" and not contact:
        errors["contact"] = [_("Ange en e-postadress som kopian ska skickas till. Du behöver inte ange ditt namn.")]
    elif format == "email" and not is_email(contact):
        errors["contact"] = [_("Ange en giltig e-postadress, till exempel namn@exempel.se, "
                               "eller välj papperskopia och ange en postadress.")]
    if len(message) > COPY_MESSAGE_MAX:
        errors["message"] = [_("Meddelandet får vara högst %(n)s tecken.") % {"n": COPY_MESSAGE_MAX}]
    return values, errors


def _request_create(*, document: Document, values: dict, channel: str, received_at: dt.datetime, actor,
                    actor_name: str | None) -> tuple[CopyRequest, Event]:
    case = document.case
    request = CopyRequest.objects.create(
        organisation_id=case.organisation_id, case=case, document=document, channel=channel,
        document_secret=document.is_secret, received_at=received_at, due_at=copy_request_due(received_at),
        received_by=actor if getattr(actor, "is_authenticated", False) else None, **values,
    )
    reference = f"{case.diary_number}-{document.number}"
    event = event_append(
        case=case, document=document, kind=Event.Kind.COPY_REQUESTED, actor=actor, actor_name=actor_name,
        at=received_at,
        data={
            "number": document.number,
            "reference": reference,
            "copy_request": request.pk,
            # The only text meant for a wider audience: no name, no contact details.
            "details": _("Begäran om kopia av %(ref)s") % {"ref": reference},
            "request": {
                "name": values["name"], "contact": values["contact"], "format": values["format"],
                "format_label": str(COPY_FORMATS[values["format"]]), "message": values["message"],
                "document_secret": document.is_secret,
            },
        },
    )
    return request, event


@transaction.atomic
def copy_request_record(*, document: Document, name: str = "", contact: str = "", format: str,
                        message: str = "", now: dt.datetime | None = None) -> Event:
    """Record that someone asked for a copy of a document (the web form, the
    API), for the registrar to handle: a CopyRequest due in the target time,
    and its event on the case. Anyone may ask, anonymously (TF 2 kap. 18 §),
    for any document, secret ones too: the secrecy is assessed when the request
    is decided. The public history shows nothing of it; the requester's details
    are read by staff who may read internal data (access.hidden_event_kinds).
    Returns the event (its data["copy_request"] is the request's id)."""
    values, errors = _request_fields(name=name, contact=contact, format=format, message=message)
    if errors:
        raise DomainError(_("Begäran kunde inte skickas. Rätta uppgifterna och försök igen."), errors=errors)
    _request, event = _request_create(document=document, values=values, channel=CopyRequest.Channel.WEB,
                                      received_at=now or timezone.now(), actor=None,
                                      actor_name=_("Enskild via webben"))
    if getattr(settings, "DIARIUM_REGISTRAR_EMAIL", ""):
        enqueue_by_name("diarium.registry.tasks.notify_copy_request", event.pk)
    return event


@transaction.atomic
def copy_request_register(*, actor, document: Document, channel: str, format: str, name: str = "",
                          contact: str = "", message: str = "", received_at: dt.datetime | None = None
                          ) -> CopyRequest:
    """Register a request that came by e-mail, phone, a visit or a letter (the
    registrar, an administrator or a case officer of the organ). `received_at`:
    when it came (default now; never in the future)."""
    case = document.case
    if not access.can_handle_copy_requests(actor, case):
        raise PermissionDenied(_("Du har inte behörighet att registrera begäranden om allmänna handlingar "
                                 "i ärendet."))
    values, errors = _request_fields(name=name, contact=contact, format=format, message=message)
    if channel not in STAFF_CHANNELS:
        errors["channel"] = [_("Välj hur begäran kom in: e-post, telefon, besök eller brev.")]
    now = timezone.now()
    received_at = received_at or now
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > now:
        errors["received_at"] = [_("Tidpunkten då begäran kom in kan inte ligga i framtiden.")]
    if errors:
        raise DomainError(_("Begäran kunde inte registreras. Rätta uppgifterna och försök igen."), errors=errors)
    request, _event = _request_create(document=document, values=values, channel=channel, received_at=received_at,
                                      actor=actor, actor_name=None)
    return request


def _locked(request: CopyRequest) -> CopyRequest:
    return (CopyRequest.objects.select_for_update(of=("self",))
            .select_related("case", "case__organ", "document", "assigned_to").get(pk=request.pk))


@transaction.atomic
def copy_request_assign(*, actor, request: CopyRequest, person: Person | None) -> CopyRequest:
    """Give a request to an officer, a person of the organisation (the
    registrar or an administrator of the case's organ)."""
    if not access.can_assign_copy_requests(actor, request.case):
        raise PermissionDenied(_("Du har inte behörighet att fördela begäranden om allmänna handlingar i ärendet."))
    request = _locked(request)
    errors: dict[str, list[str]] = {}
    if request.decided:
        errors["person"] = [_("Begäran är redan avgjord och kan inte fördelas.")]
    if person is None:
        errors.setdefault("person", []).append(_("Välj vem som ska handlägga begäran."))
    elif person.organisation_id != request.organisation_id:
        errors.setdefault("person", []).append(_("Välj en person i den egna organisationen."))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    request.assigned_to = person
    request.save(update_fields=["assigned_to"])
    document = request.document
    reference = f"{request.case.diary_number}-{document.number}"
    event_append(case=request.case, document=document, kind=Event.Kind.COPY_REQUEST_ASSIGNED, actor=actor, data={
        "number": document.number, "reference": reference, "copy_request": request.pk,
        "person": person.pk, "person_name": person.name,
        "details": _("Begäran om kopia av %(ref)s fördelades till %(name)s")
        % {"ref": reference, "name": person.name},
    })
    return request


@transaction.atomic
def copy_request_mark_sent(*, actor, request: CopyRequest, now: dt.datetime | None = None) -> CopyRequest:
    """Record that the decided request's answer has left: posted, handed over
    at the counter, or e-mailed by hand after the automatic e-mail failed."""
    if not access.can_handle_copy_requests(actor, request.case):
        raise PermissionDenied(_("Du har inte behörighet att hantera begäranden om allmänna handlingar i ärendet."))
    request = _locked(request)
    if not request.decided:
        raise DomainError(_("Begäran är inte avgjord än."), field="sent")
    if request.sent_at is not None:
        raise DomainError(_("Svaret är redan markerat som skickat (%(at)s).")
                          % {"at": timezone.localtime(request.sent_at).strftime("%Y-%m-%d %H:%M")}, field="sent")
    request.sent_at = now or timezone.now()
    request.save(update_fields=["sent_at"])
    return request


def copy_request_notify(event_id: int, *, connection=None) -> bool:
    """E-mail the registrar (settings.DIARIUM_REGISTRAR_EMAIL) about a request
    for a copy. Without the setting nothing is sent; the request is in the
    register either way."""
    registrar = getattr(settings, "DIARIUM_REGISTRAR_EMAIL", "")
    event = Event.objects.select_related("case", "document").filter(
        pk=event_id, kind=Event.Kind.COPY_REQUESTED).first()
    if not registrar or event is None:
        return False
    request = event.data.get("request", {})
    reference = event.data.get("reference", "")
    copy_request = CopyRequest.objects.filter(pk=event.data.get("copy_request") or 0).first()
    body = render_to_string("registry/email/copy_request.txt", {
        "event": event, "case": event.case, "reference": reference, "request": request,
        "due_at": copy_request.due_at if copy_request else None,
        "request_url": settings.SITE_URL + reverse("registry:copy_request_detail", args=[copy_request.pk])
        if copy_request else "",
        "url": settings.SITE_URL + reverse("registry:document_detail", args=[event.document_id]),
        "history_url": settings.SITE_URL + reverse("registry:case_history", args=[event.case_id]),
    })
    contact = request.get("contact", "")
    reply_to = [contact] if contact and is_email(contact) else None
    subject = _("Begäran om allmän handling: %(ref)s") % {"ref": reference}
    try:
        mail_send(EmailMessage(subject=subject, body=body, to=[registrar], reply_to=reply_to, connection=connection))
    except Exception as exc:  # the mail server; the request itself is recorded
        logger.warning("Copy request %s could not be mailed to the registrar: %s", event_id, exc)
        return False
    return True


# --- reminders ----------------------------------------------------------------------------------
def copy_request_reminders_due(*, now: dt.datetime | None = None) -> int:
    """Claim and enqueue the reminder of every undecided request due within
    REMINDER_AHEAD or overdue, once each: the claim is a conditional UPDATE of
    its reminded_at, so workers running at the same time never send one twice."""
    now = now or timezone.now()
    due = CopyRequest.objects.filter(decided_at__isnull=True, reminded_at__isnull=True,
                                     due_at__lte=now + REMINDER_AHEAD).values_list("pk", flat=True)
    queued = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = CopyRequest.objects.filter(pk=pk, decided_at__isnull=True, reminded_at__isnull=True
                                                 ).update(reminded_at=now)
            if claimed:
                enqueue_by_name("diarium.registry.tasks.copy_request_remind", pk)
                queued += 1
    return queued


def copy_request_reminder_recipient(request: CopyRequest) -> str:
    """Who is reminded: the assigned officer (their own address, else their
    login's), or the registrar's mailbox (DIARIUM_REGISTRAR_EMAIL) when nobody
    is assigned; "" when there is no address to send to."""
    person = request.assigned_to
    if person is not None:
        return person.email or (person.user.email if person.user_id else "")
    return getattr(settings, "DIARIUM_REGISTRAR_EMAIL", "")


def copy_request_remind(request_id: int, *, connection=None) -> bool:
    """E-mail the reminder of one request claimed by copy_request_reminders_due."""
    request = (CopyRequest.objects.select_related("case", "document", "assigned_to", "assigned_to__user")
               .filter(pk=request_id).first())
    if request is None or request.decided:
        return False
    to = copy_request_reminder_recipient(request)
    if not to:
        logger.warning("Copy request %s is due but nobody has an address to be reminded at", request_id)
        return False
    reference = f"{request.case.diary_number}-{request.document.number}"
    overdue = request.due_at <= timezone.now()
    body = render_to_string("registry/email/copy_request_reminder.txt", {
        "request": request, "reference": reference, "overdue": overdue, "case": request.case,
        "url": settings.SITE_URL + reverse("registry:copy_request_detail", args=[request.pk]),
    })
    subject = (_("Försenad: begäran om allmän handling %(ref)s") if overdue
               else _("Påminnelse: begäran om allmän handling %(ref)s ska avgöras")) % {"ref": reference}
    try:
        mail_send(EmailMessage(subject=subject, body=body, to=[to], connection=connection))
    except Exception as exc:  # the mail server; the request stays on the list, overdue shown
        logger.warning("The reminder of copy request %s could not be sent: %s", request_id, exc)
        return False
    return True


COPY_REQUEST_WINDOW = 3600  # seconds


def copy_request_allowed(*, client: str) -> bool:
    """Count one request for a copy from `client` (an address) and say whether it
    is within DIARIUM_COPY_REQUEST_LIMIT an hour (20 by default): enough for
    anyone asking for a case's documents one by one, and a brake on scripts
    filling the registrar's inbox. The web form and the API count together."""
    from diarium.core import ratelimit

    limit = int(getattr(settings, "DIARIUM_COPY_REQUEST_LIMIT", 20))
    return ratelimit.hit("copy-request", client, limit=limit, window=COPY_REQUEST_WINDOW).allowed
