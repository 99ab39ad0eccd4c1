"""Meetings, decisions, minutes, dispatch and assignments over JSON: thin
endpoints over services, selectors and access.py, one module per concept
(memberships, meetings, decisions, reports, assignments, votes, adjustment),
with the schemas in
schemas.py and the serialising in serialise.py.

The same rules as the web: a meeting is public once its notice is published
(the agenda and the supporting documents the reader may see; secret ones never
appear for those who may not read them), its decisions and minutes once the
minutes are adjusted. Staff of the organ see drafts, and only they see the
recipients' e-mail addresses and delivery errors.
"""

from __future__ import annotations

from ninja import Router

from . import (
    adjustment,
    assignments,
    council,
    decisions,
    meetings,
    memberships,
    reports,
    votes,
)

router = Router()  # the tag is on each module's router
for module in (memberships, meetings, decisions, reports, assignments, votes, adjustment, council):
    router.add_router("", module.router)
