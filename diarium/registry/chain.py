"""A history that proves itself: every event of an organisation is sealed into
one chain, each seal holding the hash of the seal before it and its own hash
over that and the event's content (SHA-256). An event changed, removed or put
in another order afterwards, even by someone who writes to the database
directly, no longer matches its seal, and `diarium verify` names it.

Events are sealed after they have committed, in the order they are sealed
(services.history_seal, a periodic job of the worker): the write path takes no
lock for it. A seal is read with its event; what a seal covers is `canonical`.
Whoever can rewrite the whole chain can forge it, so its head (length and last
hash) is what an outsider holds the register to."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Event, EventSeal, HistoryChain

GENESIS = "0" * 64  # the "seal before" the first event of a chain


def canonical(event: Event) -> bytes:
    """What a seal covers of an event: every field, in a fixed form (the time in
    UTC to the microsecond, the data with sorted keys)."""
    at = event.at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    return json.dumps([event.pk, event.organisation_id, event.case_id, event.document_id, event.kind,
                       event.actor_id, event.actor_name, at, event.data],
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def seal_hash(previous: str, event: Event) -> str:
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical(event)).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    organisation_id: int
    length: int
    head: str
    problem: str = ""  # the first thing found wrong, in Swedish; empty when the chain holds
    event_id: int | None = None
    unsealed: int = 0  # events not sealed yet (the worker seals them within a minute)

    @property
    def ok(self) -> bool:
        return not self.problem


def _describe(event: Event) -> str:
    return _("händelse %(id)s (%(kind)s, %(at)s)") % {
        "id": event.pk, "kind": event.kind, "at": event.at.astimezone(dt.timezone.utc).isoformat(timespec="seconds")}


def chain_verify(organisation_id: int) -> ChainReport:
    """Recompute an organisation's chain from its first seal and say the first
    event found changed, removed or reordered."""
    chain = HistoryChain.objects.filter(organisation_id=organisation_id).first()
    previous, expected = GENESIS, 1
    seals = (EventSeal.objects.filter(organisation_id=organisation_id).select_related("event")
             .order_by("seq").iterator(chunk_size=2000))
    unsealed = Event.objects.unsealed().filter(organisation_id=organisation_id).count()

    def report(problem: str = "", event_id: int | None = None) -> ChainReport:
        return ChainReport(organisation_id, expected - 1, previous, problem, event_id, unsealed)

    for seal in seals:
        if seal.seq != expected:
            return report(_("Händelse nummer %(first)s–%(last)s i kedjan saknas (borttagna) före %(event)s.")
                          % {"first": expected, "last": seal.seq - 1, "event": _describe(seal.event)}, seal.event_id)
        if seal.previous != previous:
            return report(_("Kedjan är bruten vid %(event)s: den pekar inte på händelsen före "
                            "(händelser har tagits bort eller flyttats).") % {"event": _describe(seal.event)},
                          seal.event_id)
        if seal_hash(previous, seal.event) != seal.hash:
            return report(_("%(event)s har ändrats efter att den skrevs.") % {"event": _describe(seal.event)},
                          seal.event_id)
        previous, expected = seal.hash, expected + 1
    if chain is not None and (chain.length != expected - 1 or chain.head != previous):
        return report(_("Kedjans sista händelser saknas: huvudet säger %(length)s händelser, %(found)s finns.")
                      % {"length": chain.length, "found": expected - 1})
    return report()


@dataclass(frozen=True)
class ChainHead:
    organisation_id: int
    length: int
    head: str  # the hash of the last seal; empty for an empty chain
    last_event_at: dt.datetime | None  # when the last event sealed happened


def chain_head(organisation_id: int) -> ChainHead:
    """The organisation's head as sealed now: what is published for outsiders
    to hold the register to."""
    chain = HistoryChain.objects.filter(organisation_id=organisation_id).first()
    if chain is None or not chain.length:
        return ChainHead(organisation_id, 0, "", None)
    last = (EventSeal.objects.filter(organisation_id=organisation_id, seq=chain.length)
            .values_list("event__at", flat=True).first())
    return ChainHead(organisation_id, chain.length, chain.head, last)


def head_check(organisation_id: int, length: int, head: str) -> str:
    """Whether a head published earlier is still a prefix of the chain: the seal
    at `length` has the hash `head`. Empty when it is; else what is wrong, in
    Swedish. With chain_verify holding, this proves the first `length` events
    are those that were published; a chain rewritten and sealed again from the
    start no longer has the published hash there."""
    if length == 0:
        return ""
    found = (EventSeal.objects.filter(organisation_id=organisation_id, seq=length)
             .values_list("hash", flat=True).first())
    if found is None:
        return _("Kedjan har färre än %(length)s händelser: händelser som ingick i huvudet har tagits bort.") % {
            "length": length}
    if found != head:
        return _("Händelse nummer %(length)s i kedjan har hashen %(found)s, inte %(head)s: historiken fram till "
                 "dit har skrivits om.") % {"length": length, "found": found, "head": head}
    return ""


def organisations_with_history() -> list[int]:
    """Every organisation: one without events has an empty chain that holds."""
    from diarium.accounts.models import Organisation

    return list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
