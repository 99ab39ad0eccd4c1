"""Steering documents and their follow-ups over JSON: thin endpoints over
services, selectors and access.py, one module per concept (plans, structure,
versions, transfer for export and import, follow_ups), with the schemas in
schemas.py and the serialising in serialise.py.

The same rules as the web: the public reads a plan once a version is adopted,
and then reads that version (never the working copy, never internal notes,
never comments marked internal); staff of the plan's case read the working
copy. Money is given as decimal strings ("250000.00"), the way it is stored.
"""

from __future__ import annotations

from ninja import Router

from . import follow_ups, plans, structure, transfer, versions

router = Router()  # the tag is on each module's router
for module in (plans, structure, versions, transfer, follow_ups):
    router.add_router("", module.router)
