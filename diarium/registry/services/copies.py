"""Requests for copies of public documents ("begär ut handling"): the
request recorded on the document's case, the registrar told by e-mail (a
task), and a limit per client so the form cannot be used to flood the register."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diarium.core.errors import DomainError
from diarium.core.limits import is_email
from diarium.core.tasks import enqueue_by_name

from ..history import event_append
from ..models import Document, Event

logger = logging.getLogger("diarium.registry")


COPY_FORMATS = {"paper": gettext_lazy("Papperskopia med post"), "email": gettext_lazy("Kopia med e-post")}
COPY_NAME_MAX = 200
COPY_CONTACT_MAX = 500
COPY_MESSAGE_MAX = 2000
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _copy_text(value, *, single_line: bool) -> str:
    value = _CONTROL_CHARS.sub("", str(value or ""))
    if single_line:
        return " ".join(value.split())
    return "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


@transaction.atomic
def copy_request_record(*, document: Document, name: str = "", contact: str = "", format: str,
                        message: str = "", now: dt.datetime | None = None) -> Event:
    """Record that someone asked for a copy of a document, for the registrar to
    handle. Anyone may ask, anonymously (TF 2 kap. 18 §), for any document, secret
    ones too: the secrecy check comes when the request is handled. The public
    history shows only a neutral line; the requester's details are in the event's
    data, shown to staff who may read internal data (selectors.case_event_queryset)."""
    name = _copy_text(name, single_line=True)
    contact = _copy_text(contact, single_line=False)
    message = _copy_text(message, single_line=False)
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
    if errors:
        raise DomainError(_("Begäran kunde inte skickas. Rätta uppgifterna och försök igen."), errors=errors)

    case = document.case
    reference = f"{case.diary_number}-{document.number}"
    event = event_append(
        case=case, document=document, kind=Event.Kind.COPY_REQUESTED, actor=None,
        actor_name=_("Enskild via webben"), at=now or timezone.now(),
        data={
            "number": document.number,
            "reference": reference,
            # The only text meant for a wider audience: no name, no contact details.
            "details": _("Begäran om kopia av %(ref)s") % {"ref": reference},
            "request": {
                "name": name, "contact": contact, "format": format, "format_label": str(COPY_FORMATS[format]),
                "message": message, "document_secret": document.is_secret,
            },
        },
    )
    if getattr(settings, "DIARIUM_REGISTRAR_EMAIL", ""):
        enqueue_by_name("diarium.registry.tasks.notify_copy_request", event.pk)
    return event


def copy_request_notify(event_id: int, *, connection=None) -> bool:
    """E-mail the registrar (settings.DIARIUM_REGISTRAR_EMAIL) about a request
    for a copy. Without the setting nothing is sent; the request is in the case
    history either way."""
    registrar = getattr(settings, "DIARIUM_REGISTRAR_EMAIL", "")
    event = Event.objects.select_related("case", "document").filter(
        pk=event_id, kind=Event.Kind.COPY_REQUESTED).first()
    if not registrar or event is None:
        return False
    from django.urls import reverse

    request = event.data.get("request", {})
    reference = event.data.get("reference", "")
    body = render_to_string("registry/email/copy_request.txt", {
        "event": event, "case": event.case, "reference": reference, "request": request,
        "url": settings.SITE_URL + reverse("registry:document_detail", args=[event.document_id]),
        "history_url": settings.SITE_URL + reverse("registry:case_history", args=[event.case_id]),
    })
    contact = request.get("contact", "")
    reply_to = [contact] if contact and is_email(contact) else None
    subject = _("Begäran om allmän handling: %(ref)s") % {"ref": reference}
    try:
        EmailMessage(subject=subject, body=body, to=[registrar], reply_to=reply_to, connection=connection).send()
    except Exception as exc:  # the mail server; the request itself is recorded
        logger.warning("Copy request %s could not be mailed to the registrar: %s", event_id, exc)
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
