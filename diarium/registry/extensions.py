"""What the apps above the registry add to it, registered from their
AppConfig.ready(): the kinds of event they write to a case's history, and the
sections they add to the case page. The registry itself imports none of them.

    # diarium/remiss/apps.py
    def ready(self):
        from diarium.registry import extensions
        from . import events, sections
        extensions.event_kinds_register(events.RemissEvent)
        extensions.case_section_register(name="remiss", order=10, template="remiss/_case_section.html",
                                         context=sections.case_section)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models

# --- event kinds ---------------------------------------------------------------------------
_EVENT_KINDS: dict[str, object] = {}  # value -> label, in the order registered
_INTERNAL_EVENT_KINDS: set[str] = set()


def event_kinds_register(kinds: type[models.TextChoices], *, internal: Iterable[str] = ()) -> None:
    """Add an app's kinds of event. A value is registered once, by one app.
    `internal`: those of them only staff who read internal data are shown (the
    owning app's access.py says why; access.hidden_event_kinds hides them)."""
    for value, label in kinds.choices:
        known = _EVENT_KINDS.get(value)
        if known is not None and str(known) != str(label):
            raise ValueError(f"The event kind {value!r} is already registered as {known!r}")
        _EVENT_KINDS[value] = label
    _INTERNAL_EVENT_KINDS.update(str(kind) for kind in internal)


def internal_event_kinds() -> list[str]:
    """The kinds the apps registered as internal (event_kinds_register)."""
    return sorted(_INTERNAL_EVENT_KINDS)


def event_kind_choices() -> list[tuple[str, object]]:
    """Every registered kind of event as (value, label): the choices of Event.kind."""
    return list(_EVENT_KINDS.items())


# --- sections of the case page --------------------------------------------------------------
@dataclass(frozen=True)
class CaseSection:
    name: str
    order: int
    template: str
    # context(request, case) -> the template's context, as the request's user may see it
    context: Callable[..., dict]


_CASE_SECTIONS: dict[str, CaseSection] = {}


def case_section_register(*, name: str, order: int, template: str, context: Callable[..., dict]) -> None:
    """Add a section to the case page, below its documents, in `order`."""
    _CASE_SECTIONS[name] = CaseSection(name=name, order=order, template=template, context=context)


def case_sections() -> list[CaseSection]:
    return sorted(_CASE_SECTIONS.values(), key=lambda s: (s.order, s.name))


# --- followers of the history ----------------------------------------------------------------
_EVENT_LISTENERS: list[Callable] = []


def event_listener_register(listener: Callable) -> None:
    """Have `listener(event)` called for every event appended to a history, in
    the transaction that appends it (what it writes commits or rolls back with
    the event). Registered once per callable."""
    if listener not in _EVENT_LISTENERS:
        _EVENT_LISTENERS.append(listener)


_LISTENERS_PAUSED: ContextVar[bool] = ContextVar("event_listeners_paused", default=False)


def event_listeners() -> list[Callable]:
    return [] if _LISTENERS_PAUSED.get() else list(_EVENT_LISTENERS)


@contextmanager
def event_listeners_paused():
    """History written after the fact (the demo's story, an import of old
    records) is not news: within this block no listener is told of the events
    appended (no one is notified of them)."""
    token = _LISTENERS_PAUSED.set(True)
    try:
        yield
    finally:
        _LISTENERS_PAUSED.reset(token)


# --- heads of the history published outside the register -------------------------------------
# `source(organisation_id)` gives (length, head, label) for every head of that
# organisation's chain the app ever published (label says where and when, in Swedish).
_PUBLISHED_HEADS: list[Callable] = []


def published_heads_register(source: Callable) -> None:
    """Have `diarium verify` check the heads of the history an app published
    (the open data's daily chain heads): each must still be a prefix of the
    chain, its seal at that length having that hash (registry.chain.head_check).
    Registered once per callable."""
    if source not in _PUBLISHED_HEADS:
        _PUBLISHED_HEADS.append(source)


def published_heads(organisation_id: int) -> list[tuple[int, str, str]]:
    """Every head published of the organisation's chain, by every source."""
    return [head for source in _PUBLISHED_HEADS for head in source(organisation_id)]


# --- content kept elsewhere of a document disposed of ------------------------------------------
_DISPOSAL_FOLLOWERS: list[Callable] = []


def document_disposed_register(follower: Callable) -> None:
    """Have `follower(document)` called when a document's content is disposed
    of (registry.services.disposal), in the same transaction: an app above that
    keeps its own copy of the content (the inbox keeps a message's text) removes
    it there. Not paused with the history's listeners: disposal is a legal act,
    never news. Registered once per callable."""
    if follower not in _DISPOSAL_FOLLOWERS:
        _DISPOSAL_FOLLOWERS.append(follower)


def document_disposed_followers() -> list[Callable]:
    return list(_DISPOSAL_FOLLOWERS)
