"""The case history: the one way events are written. Services append the event
of each write in its transaction; selectors log that someone read a secret
document. A lower layer than services and selectors, so both may use it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import extensions
from .models import Case, Document, Event


def actor_name(user) -> str:
    """The name the history keeps for a user: the person's name, else the
    account's; empty for no one (the public, a background task)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    return (person.name if person else "") or user.get_full_name() or user.get_username()


def event_append(
    *, case: Case | None, kind: str, actor, document: Document | None = None, data: dict | None = None,
    at: dt.datetime | None = None, organisation_id: int | None = None, actor_name: str | None = None,
) -> Event:
    """Append one event to the history. The only way events are written. The
    apps above that follow the history (extensions.event_listener_register) are
    told in the same transaction."""
    event = Event.objects.create(
        organisation_id=organisation_id or case.organisation_id,
        case=case,
        document=document,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name if actor_name is not None else _name_of(actor),
        at=at or timezone.now(),
        data=data or {},
    )
    for listener in extensions.event_listeners():
        listener(event)
    return event


_name_of = actor_name  # event_append's `actor_name` argument shadows the function


def secret_read_log(*, actor, document: Document, what: str) -> None:
    """Log that someone read a secret document (its entry or a file)."""
    event_append(case=document.case, document=document, kind=Event.Kind.SECRET_READ, actor=actor,
                 data={"number": document.number, "what": what})
