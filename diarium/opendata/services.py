"""Writes of the open data: the daily publication of each organisation's
history head (registry.chain), kept for good (models.PublishedHead)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from diarium.accounts import access as accounts_access
from diarium.registry import chain
from diarium.registry import services as registry

from .models import PublishedHead


def chain_heads_publish(*, now: dt.datetime | None = None) -> list[PublishedHead]:
    """Publish the head of every public organisation's sealed history for
    today (the periodic job `opendata.chain_heads`): the history appended so far
    is sealed first, and an organisation with nothing sealed has no head to
    publish. A day's head is published once; a second run that day keeps it
    (a published head never changes). Returns the heads published now.

    Not an event of the history itself: the head is what the history is held
    to, written outside it (a daily event would make every head a day stale and
    change the organisation's history every day)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    published = []
    for organisation_id in accounts_access.public_organisations().order_by("pk").values_list("pk", flat=True):
        if PublishedHead.objects.filter(organisation_id=organisation_id, published_on=today).exists():
            continue
        registry.history_seal(organisation_id=organisation_id, now=now)
        head = chain.chain_head(organisation_id)
        if not head.length:
            continue
        try:
            with transaction.atomic():
                published.append(PublishedHead.objects.create(
                    organisation_id=organisation_id, published_on=today, length=head.length, head=head.head,
                    last_event_at=head.last_event_at, published_at=now))
        except IntegrityError:  # another worker published today's head a moment ago
            continue
    return published
