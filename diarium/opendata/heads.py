"""The published heads of the history (models.PublishedHead): the rows of the
`chain-heads` dataset, and every head ever published for `diarium verify`
(registered with the registry in OpendataConfig.ready).

A head is public by design: its length is the number of events the
organisation's history holds (every kind, internal ones too, counted but never
shown), its hash a SHA-256 over the chain, from which nothing of the events can
be read back."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts import access as accounts_access
from diarium.accounts.models import Organisation

from .models import PublishedHead

CHUNK = 2000

HEAD_COLUMNS = ("published_on", "organisation", "organisation_slug", "length", "head", "last_event_at")


def head_rows(organisation: Organisation | None = None) -> Iterator[dict]:
    """Every head published, day by day, oldest first: a file read on any day
    holds every earlier day's heads too."""
    qs = (PublishedHead.objects.filter(organisation__in=accounts_access.public_organisations())
          .select_related("organisation"))
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    for h in qs.order_by("published_on", "organisation__name", "organisation_id").iterator(chunk_size=CHUNK):
        yield {
            "published_on": h.published_on.isoformat(),
            "organisation": h.organisation.name,
            "organisation_slug": h.organisation.slug,
            "length": h.length,
            "head": h.head,
            "last_event_at": timezone.localtime(h.last_event_at).isoformat() if h.last_event_at else None,
        }


def published_heads(organisation_id: int) -> list[tuple[int, str, str]]:
    """(length, head, label) of every head published of the organisation's
    history (registry.extensions.published_heads_register)."""
    return [(length, head, _("publicerat %(day)s") % {"day": day.isoformat()})
            for length, head, day in PublishedHead.objects.filter(organisation_id=organisation_id)
            .order_by("published_on").values_list("length", "head", "published_on")]
