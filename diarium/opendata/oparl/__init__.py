"""OParl 1.1 API over the public data (https://oparl.org/spezifikation/).

System → Body (one per organisation) → Organization (organs), Person (people
holding seats), Membership, LegislativeTerm, Meeting (public once the notice is
published), AgendaItem (result and resolution text only once the minutes are
adjusted), Paper (an officer's report on an agenda of a public meeting),
Consultation (an agenda item treating a proposal: the chain KSAU → KS → KF),
File (latest version of each file of a non-secret supporting document or
report) and Location (the place of a meeting, one per meeting).

Choices, documented:
- LegislativeTerm: the Swedish election terms 2014–2018, 2018–2022 and
  2022–2026, each from 15 October, the same for every organisation.
- Timestamps: objects without stored timestamps (Body, Organization, Person,
  Membership, LegislativeTerm) take `created` from the organisation's first
  stored record and `modified` from its latest change (the history entries
  and meeting steps the public reads); an agenda item, consultation and location take its meeting's; a
  meeting's `modified` is its latest step (notice, opening, closing, minutes
  adjusted); a paper's is the latest event of its case.
- Deleted objects: registered documents and decisions are never deleted, but
  published objects can leave the public data: a file whose document is marked
  secret or gets a newer version, a paper whose report is marked secret, a
  membership, person or agenda item deleted in the admin. Each is recorded as a
  Withdrawal (withdrawals.py) and served under its id with `deleted: true`,
  its `created` and the time it left as `modified`; lists show them after the
  live objects, only when `modified_since` is given. A file published again
  (secrecy lifted) is live again with that time as its `modified`. The objects
  that embedded one that left or came back are modified then too (OParl 2-08):
  its meetings and papers (models.EmbeddedChange), and for a membership the
  objects stamped with the organisation's times.
- Pages: 100 objects (DIARIUM_OPARL_PAGE_SIZE); a client may ask for fewer
  with `limit`, which the `links` keep like the filters. Every `next` link
  carries a keyset cursor (`after`: the page's last id, `d<id>` past a deleted
  object), with or without filters; `page=N` alone (first, prev, last) is
  still answered from the list's ids kept for a few seconds. A malformed
  `after`, `page` or `limit` is a 400 with an OParl-style error object.
- Caching: every 200 answer is public for a minute, with an ETag from the body
  and Last-Modified from the newest `modified` in it.
- `omit_internal`: embedded objects that are also published in their own list
  (agenda items, locations, consultations, files, memberships) are left out;
  Body.legislativeTerm stays, as the schema requires it.

The package: querysets.py (the public rows, taken from the access modules of
the apps that own them, narrowed to one organisation, with created/modified),
serializers.py (the objects as JSON), embedding.py (batch loading of embedded
objects), context.py (per-request URLs and timestamps), http.py (answers,
paging, conditional GET, CORS) and views.py (the endpoints).
"""

from __future__ import annotations

from .context import Ctx, Row
from .querysets import org_stamps, qs_file, qs_paper
from .views import body, body_list, body_sublist, obj, organization_meetings, system

__all__ = [
    "Ctx", "Row", "body", "body_list", "body_sublist", "obj", "org_stamps", "organization_meetings",
    "qs_file", "qs_paper", "system",
]
