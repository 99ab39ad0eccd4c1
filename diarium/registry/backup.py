"""What a backup proves about the history (diarium.core.backup.hooks): each
organisation's chain head as stored, and the head recomputed from the sealed
events themselves (chain.seal_hash over every seal in order). A restore
computes both again from the restored database and commits only when they
are the same, so the restored register answers to the heads published
before the backup."""

from __future__ import annotations

from .chain import GENESIS, seal_hash
from .models import EventSeal, HistoryChain


def chain_heads(using: str) -> list[dict]:
    stored = {c.organisation_id: c for c in HistoryChain.objects.using(using).order_by("organisation_id")}
    heads: dict[int, dict] = {
        org: {"organisation_id": org, "length": chain.length, "head": chain.head, "recomputed_length": 0,
              "recomputed_head": GENESIS}
        for org, chain in stored.items()}
    seals = (EventSeal.objects.using(using).select_related("event").order_by("organisation_id", "seq")
             .iterator(chunk_size=2000))
    for seal in seals:
        head = heads.setdefault(seal.organisation_id, {
            "organisation_id": seal.organisation_id, "length": 0, "head": "", "recomputed_length": 0,
            "recomputed_head": GENESIS})
        head["recomputed_head"] = seal_hash(head["recomputed_head"], seal.event)
        head["recomputed_length"] += 1
    return [heads[org] for org in sorted(heads)]
