"""Writes of the members' own view: a member's private note on a paper put
before their meeting. Not a record of the organisation and not in any case's
history: only its writer ever reads it (selectors.member_meeting)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import access as registry_access
from diarium.registry.models import Document

from .. import access
from ..models import NOTE_TEXT_MAX, Meeting, ReadingNote
from .shared import errors_raise, length_errors_add


@transaction.atomic
def reading_note_save(*, actor, meeting: Meeting, document: Document, text: str,
                      now: dt.datetime | None = None) -> ReadingNote | None:
    """Keep the member's note on one of the meeting's papers (an empty text
    removes it). Only those with a seat at the meeting write notes, and only on
    papers of its agenda that their rights let them read."""
    if access.seat_on(actor, meeting) is None:
        raise PermissionDenied(_("Bara ledamöter och ersättare för sammanträdet kan anteckna på dess handlingar."))
    on_agenda = document.agenda_items.filter(meeting=meeting).exists()
    if not on_agenda or not access.member_papers_visible(meeting) or registry_access.content_hidden(
            document, read_secret=registry_access.can_read_secret(actor, document.case)):
        raise DomainError(_("Handlingen finns inte bland sammanträdets handlingar."), field="document")
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    length_errors_add(errors, {"text": (text, NOTE_TEXT_MAX)})
    errors_raise(errors)
    if not text:
        ReadingNote.objects.filter(user=actor, document=document).delete()
        return None
    note, _created = ReadingNote.objects.update_or_create(
        user=actor, document=document, defaults={"text": text, "updated_at": now or timezone.now()})
    return note
