"""What the writes of meetings and decisions share: the acting user (None for
the public or a task), field errors collected and raised all at once, a meeting
locked for a write, the event of a meeting's own action, and the files they
draw up."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from diarium.core import drawing
from diarium.core.errors import DomainError
from diarium.core.limits import length_errors
from diarium.registry import services as registry

from ..models import Meeting


def user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def length_errors_add(errors: dict[str, list[str]], values: dict[str, tuple[object, int]]) -> None:
    """Add "Högst N tecken." for each over-long value to `errors` (a field's
    first error stays first)."""
    for name, messages in length_errors(values).items():
        errors.setdefault(name, messages)


def errors_raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)


def meeting_locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("organ").get(pk=meeting.pk)


def meeting_event(*, actor, meeting: Meeting, kind: str, at: dt.datetime | None = None, **data) -> None:
    """Append an event of the meeting's own history, in the caller's
    transaction: no case, the meeting's id in its data (selectors.meeting_events)."""
    registry.event_append(case=None, organisation_id=meeting.organisation_id, kind=kind, actor=actor, at=at,
                          data={"meeting": meeting.pk, **data})


# The officer's report ("officer_report"), the minutes ("minutes"), the minutes
# excerpt ("excerpt") and the notice ("notice") are drawn up through the hook in
# diarium.core.drawing, which the documents app (above this one, never imported)
# fills with its PDF/A renderers. Without it they are the plain HTML of the
# templates here.
def drawn_up_file(kind: str, context: dict, *, template: str, stem: str) -> SimpleUploadedFile:
    return drawing.draw(kind, context, template=template, stem=stem).upload()
