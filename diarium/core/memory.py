"""Garbage collection in a serving process.

A Django process holds a few hundred thousand long-lived objects (modules,
URL patterns, templates, translations). Python's oldest-generation collection
walks all of them, and a request that allocates many objects (an OParl page of
a hundred meetings with their agenda items) sets one off every few requests:
each cost 100–200 ms here (bench/opendata_bench.py). After the first request,
when everything is loaded, those objects are collected once and then frozen
(gc.freeze): later collections skip them. Garbage made by requests is still
collected as before. DIARIUM_GC_FREEZE=false turns this off.
"""

from __future__ import annotations

import gc
import threading

from django.conf import settings

_lock = threading.Lock()
_frozen = False


def freeze_after_first_request(sender=None, **kwargs) -> None:
    global _frozen
    if _frozen or not getattr(settings, "DIARIUM_GC_FREEZE", True):
        return
    with _lock:
        if _frozen:
            return
        _frozen = True
        gc.collect()
        gc.freeze()
