"""Notifications: what a case officer is told by e-mail, and when.

Something happens on a case (an answer arrives, a document is registered, a
decision is made) and its event is appended to the history; the registry tells
the desk (extensions.event_listener_register) in the same transaction, and the
desk writes a Notification for the case officer, unless they did it themselves
or have turned that kind off. A due date drawing near, and a request for a
public document given to someone, are told the same way. Each notification is
one row per user and thing, claimed when it is sent: never mailed twice, and
not lost if the mail server is down (it is tried again).

Sent at once (a task after the commit; rows written together go in one
e-mail), or gathered into the day's digest after DIARIUM_DIGEST_HOUR."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diarium.accounts.models import Person, User
from diarium.core.errors import DomainError
from diarium.core.tasks import enqueue_by_name
from diarium.registry import access as registry_access
from diarium.registry import selectors as registry
from diarium.registry import services as registry_services
from diarium.registry.models import DueDate, Event

from .models import Notification, NotificationKind, NotificationMode, NotificationSetting

logger = logging.getLogger("diarium.desk")

# The events that tell a case officer something, and as what.
EVENT_KINDS = {
    "remiss_answered": NotificationKind.ANSWER,
    Event.Kind.DOCUMENT_REGISTERED: NotificationKind.DOCUMENT,
    "decision_recorded": NotificationKind.DECISION,
    Event.Kind.COPY_REQUEST_ASSIGNED: NotificationKind.COPY_REQUEST,
}


def _setting(name: str, default):
    return getattr(settings, name, default)


def _mode(user_id: int, kind: str) -> str:
    row = NotificationSetting.objects.filter(user_id=user_id, kind=kind).values_list("mode", flat=True).first()
    return row or NotificationMode.IMMEDIATE


def _recipient_of(event: Event, kind: str) -> int | None:
    """The user to tell: the assignee of a request for a public document, else
    the case officer, if they have a login."""
    if kind == NotificationKind.COPY_REQUEST:
        person_id = (event.data or {}).get("person")  # the assignee, as copy_request_assign records it
    else:
        person_id = event.case.case_officer_id if event.case is not None else None
    if person_id is None:
        return None
    return Person.objects.filter(pk=person_id, user__is_active=True).values_list("user_id", flat=True).first()


def _queue(*, user_id: int, kind: str, at: dt.datetime, **about) -> Notification | None:
    mode = _mode(user_id, kind)
    if mode == NotificationMode.OFF:
        return None
    notification = Notification.objects.create(user_id=user_id, kind=kind, mode=mode, created_at=at, **about)
    if mode == NotificationMode.IMMEDIATE:
        # After the commit, so that what one transaction wrote goes in one e-mail (a crash
        # before the task is queued leaves the row to notifications_flush).
        transaction.on_commit(lambda: enqueue_by_name("diarium.desk.tasks.notifications_send", user_id))
    return notification


def event_notify(event: Event) -> Notification | None:
    """The desk's listener on every case history (registered in DeskConfig.ready)."""
    kind = EVENT_KINDS.get(event.kind)
    if kind is None or event.case_id is None:
        return None
    user_id = _recipient_of(event, kind)
    if user_id is None or user_id == event.actor_id:
        return None
    if kind == NotificationKind.ANSWER and event.document_id is not None:
        # The answer was registered as a document a moment ago: one notification, the answer's.
        Notification.objects.filter(user_id=user_id, kind=NotificationKind.DOCUMENT, sent_at__isnull=True,
                                    event__document_id=event.document_id).delete()
    return _queue(user_id=user_id, kind=kind, at=event.at, case_id=event.case_id, event=event)


def due_dates_remind(*, now: dt.datetime | None = None) -> int:
    """Tell the watcher of each open due date that lies within
    DIARIUM_DUE_REMINDER_DAYS days (3 by default), once. The start page shows it
    either way."""
    now = now or timezone.now()
    horizon = timezone.localtime(now).date() + dt.timedelta(days=int(_setting("DIARIUM_DUE_REMINDER_DAYS", 3)))
    told = 0
    rows = (DueDate.objects.filter(done_at__isnull=True, reminded_at__isnull=True, due_on__lte=horizon)
            .select_related("person"))
    for due in rows.iterator(chunk_size=200):
        with transaction.atomic():
            if not registry_services.due_date_reminder_claim(due, now=now):
                continue
            user_id = due.person.user_id if due.person_id and due.person.user_id else None
            if user_id is not None and _queue(user_id=user_id, kind=NotificationKind.DUE, at=now,
                                              case_id=due.case_id, due_date=due):
                told += 1
    return told


# --- sending -------------------------------------------------------------------------------
def _lines(user, notifications: list[Notification]) -> list[dict]:
    """Each notification as the recipient may read it (registry access: the case's
    title, a document's register entry masked as for them)."""
    lines = []
    for n in notifications:
        case = n.case
        line = {"kind": n.get_kind_display(), "case": case.diary_number if case else "",
                "title": registry_access.case_value(user, case, "title") if case else "", "what": "",
                "url": settings.SITE_URL + (case.get_absolute_url() if case else reverse("desk:start"))}
        event = n.event
        if event is not None:
            line["what"] = event.get_kind_display()
            if event.document_id:
                entry = registry.register_entry(user=user, document=event.document)
                line["what"] = f"{line['what']}: {entry.reference} {entry.description_text}"
                line["url"] = settings.SITE_URL + reverse("registry:document_detail", args=[event.document_id])
            elif n.kind == NotificationKind.DECISION and registry_access.can_read_internal(user, case):
                line["what"] = f"{line['what']}: {(event.data or {}).get('details', '')}"
        if n.due_date_id:
            due = n.due_date
            line["what"] = _("Bevakning %(day)s: %(reason)s") % {"day": due.due_on.isoformat(), "reason": due.reason}
        lines.append(line)
    return lines


def _send(user: User, notifications: list[Notification], *, digest: bool) -> None:
    from . import selectors

    address = selectors.notification_address(user=user)
    if not address:
        return  # nowhere to send it; the start page shows what matters
    count = len(notifications)
    subject = (ngettext("Diarium: %(n)s händelse i dina ärenden i dag", "Diarium: %(n)s händelser i dina ärenden i dag",
                        count) if digest else
               ngettext("Diarium: %(n)s händelse i dina ärenden", "Diarium: %(n)s händelser i dina ärenden", count))
    body = render_to_string("desk/email/notifications.txt", {
        "lines": _lines(user, notifications), "digest": digest,
        "desk_url": settings.SITE_URL + reverse("desk:start"),
        "settings_url": settings.SITE_URL + reverse("desk:notification_settings"),
    })
    EmailMessage(subject=subject % {"n": count}, body=body, to=[address]).send()


def _claim_and_send(user: User, candidates, *, digest: bool, now: dt.datetime) -> int:
    """Claim the unsent notifications among `candidates` (a conditional UPDATE
    each, so two workers never send one twice) and send them in one e-mail. If
    the e-mail fails, the claim rolls back and they are tried again later."""
    with transaction.atomic():
        claimed = [n for n in candidates
                   if Notification.objects.filter(pk=n.pk, sent_at__isnull=True).update(sent_at=now)]
        if claimed:
            _send(user, claimed, digest=digest)
    return len(claimed)


def notifications_send(*, user_id: int, now: dt.datetime | None = None) -> int:
    """Send a user's waiting immediate notifications, in one e-mail."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    pending = list(Notification.objects.filter(user=user, mode=NotificationMode.IMMEDIATE, sent_at__isnull=True)
                   .select_related("case", "event", "event__document", "due_date").order_by("created_at", "id"))
    if not pending:
        return 0
    try:
        return _claim_and_send(user, pending, digest=False, now=now or timezone.now())
    except Exception as exc:  # the mail server: kept for the next try (notifications_flush)
        logger.warning("Notifications for user %s could not be sent: %s", user_id, exc)
        return 0


def notifications_flush(*, now: dt.datetime | None = None) -> int:
    """The periodic round: immediate notifications a failed send left behind,
    and, from DIARIUM_DIGEST_HOUR (7) local time, each user's digest of the
    notifications gathered before today."""
    now = now or timezone.now()
    sent = 0
    retry_before = now - dt.timedelta(minutes=1)
    for user_id in (Notification.objects.filter(mode=NotificationMode.IMMEDIATE, sent_at__isnull=True,
                                                created_at__lt=retry_before)
                    .values_list("user_id", flat=True).distinct()):
        sent += notifications_send(user_id=user_id, now=now)
    local = timezone.localtime(now)
    if local.hour < int(_setting("DIARIUM_DIGEST_HOUR", 7)):
        return sent
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    waiting = (Notification.objects.filter(mode=NotificationMode.DIGEST, sent_at__isnull=True, created_at__lt=day_start)
               .select_related("case", "event", "event__document", "due_date").order_by("user_id", "created_at", "id"))
    by_user: dict[int, list[Notification]] = {}
    for n in waiting:
        by_user.setdefault(n.user_id, []).append(n)
    for user in User.objects.filter(pk__in=list(by_user), is_active=True):
        try:
            sent += _claim_and_send(user, by_user[user.pk], digest=True, now=now)
        except Exception as exc:
            logger.warning("The digest for user %s could not be sent: %s", user.pk, exc)
    return sent


# --- the user's own choices ------------------------------------------------------------------
def notification_settings_save(*, user, modes: dict[str, str]) -> None:
    """Save how the user wants each kind of notification: immediately, in a
    daily digest, or never."""
    if not getattr(user, "is_authenticated", False):
        raise DomainError(_("Logga in för att välja aviseringar."))
    known_modes = set(NotificationMode.values)
    errors = {kind: [_("Välj direkt, en sammanfattning per dag eller aldrig.")]
              for kind, mode in modes.items() if kind not in NotificationKind.values or mode not in known_modes}
    if errors:
        raise DomainError(_("Valen kunde inte sparas."), errors=errors)
    with transaction.atomic():
        for kind, mode in modes.items():
            NotificationSetting.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})
