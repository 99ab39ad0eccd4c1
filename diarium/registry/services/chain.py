"""Sealing the history (registry.chain): the worker's periodic job, and the
only writer of seals."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..chain import GENESIS, seal_hash
from diarium.accounts.models import Organisation

from ..models import Event, EventSeal, HistoryChain

SEAL_BATCH = 2000
# Events are sealed from a little below the highest id sealed, so that one whose
# transaction committed after later ones were sealed is still found.
SEAL_LOOKBACK = 10_000


def _chain_for(organisation_id: int) -> HistoryChain:
    try:
        with transaction.atomic():
            chain, _created = HistoryChain.objects.get_or_create(organisation_id=organisation_id)
    except IntegrityError:  # another worker made it a moment ago
        chain = HistoryChain.objects.get(organisation_id=organisation_id)
    return chain


def history_seal(*, organisation_id: int | None = None, now: dt.datetime | None = None,
                 everything: bool = False) -> int:
    """Seal the events appended since the last run, organisation by organisation,
    in batches; return how many. `everything`: look at the whole history, not
    only the recent ids (the first run after an upgrade seals all of it anyway)."""
    now = now or timezone.now()
    # The organisations (a short table), not the distinct ids of every event ever written.
    organisations = [organisation_id] if organisation_id is not None else list(
        Organisation.objects.order_by("pk").values_list("pk", flat=True))
    sealed = 0
    for org in organisations:
        _chain_for(org)
        while True:
            with transaction.atomic():
                chain = HistoryChain.objects.select_for_update().get(organisation_id=org)
                floor = 0 if everything else max(0, chain.last_event_id - SEAL_LOOKBACK)
                events = list(Event.objects.unsealed().filter(organisation_id=org, pk__gt=floor)
                              .order_by("pk")[:SEAL_BATCH])
                if not events:
                    break
                previous, seq, seals = chain.head or GENESIS, chain.length, []
                for event in events:
                    seq += 1
                    digest = seal_hash(previous, event)
                    seals.append(EventSeal(organisation_id=org, seq=seq, event=event, previous=previous,
                                           hash=digest, sealed_at=now))
                    previous = digest
                EventSeal.objects.bulk_create(seals)
                HistoryChain.objects.filter(pk=chain.pk).update(
                    length=seq, head=previous, sealed_at=now,
                    last_event_id=max(chain.last_event_id, events[-1].pk))
                sealed += len(seals)
            if len(events) < SEAL_BATCH:
                break
    return sealed
