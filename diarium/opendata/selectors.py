"""What the feeds and calendars publish: only what the public may see.

Every read here acts as an anonymous visitor: the rows come from the access
modules of the apps that own them (registry.access.public_documents,
decisions.access.public_decisions …), the register's fields are masked by the
register's own selector, and the queries here only narrow and order those rows
so that each feed costs one or two queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts import access as accounts_access
from diarium.accounts.models import Organ
from diarium.decisions import access as decisions_access
from diarium.decisions.models import Decision, Meeting
from diarium.registry import access as registry_access
from diarium.registry import selectors as registry_selectors
from diarium.registry.masking import MASKED_PRIVATE_TEXT, MASKED_SECRET_TEXT  # noqa: F401 (the register's one wording)
from diarium.registry.models import Case, Document

ID_PLACEHOLDER = 918273645546372819  # stands for an object's id in a reversed URL
LICENSE = "http://creativecommons.org/publicdomain/zero/1.0/"  # the open data's licence, CC0 1.0 (DCAT, OParl)


def url_for_ids(viewname: str, *args, absolute) -> Callable[[int], str]:
    """absolute(reverse(viewname, args=(*args, pk))) for many ids: reverse() costs a
    fifth of a millisecond and a list page or a dump links thousands of objects,
    so the view is reversed once with a placeholder for the id, then filled in."""
    head, tail = absolute(reverse(viewname, args=(*args, ID_PLACEHOLDER))).rsplit(str(ID_PLACEHOLDER), 1)
    return lambda pk: f"{head}{pk}{tail}"


FEED_SIZE = 50
CALENDAR_DAYS_BACK = 365
CALENDAR_MAX = 1000

# Organs that hold no meetings in Diarium (as decisions.views.NO_MEETINGS).
NO_MEETINGS = (Organ.Kind.COMPANY, Organ.Kind.EXTERNAL)


def public_user() -> AnonymousUser:
    return AnonymousUser()


def organ_by_code(code: str, *, organisation: str | None = None) -> Organ:
    """The organ with this code (förkortning). An install with several
    organisations may have the same code twice: `organisation` (its slug) then
    tells which; without it an ambiguous code is not found."""
    qs = accounts_access.public_organs().exclude(kind=Organ.Kind.EXTERNAL).select_related("organisation").filter(
        code=code)
    if organisation:
        qs = qs.filter(organisation__slug=organisation)
    organs = list(qs[:2])
    if len(organs) != 1:
        raise Http404(_("Organet finns inte.") if not organs else
                      _("Flera organisationer har organet %(code)s: ange ?organisation=.") % {"code": code})
    return organs[0]


def catalogue_organisations(*, organisation=None) -> list:
    """The organisations with a DCAT catalogue each (dcat.organisation_for): every public one
    (`organisation`: that one only, on its own site)."""
    qs = accounts_access.public_organisations()
    if organisation is not None:
        qs = qs.filter(pk=organisation.pk)
    return list(qs.order_by("name", "id"))


def feed_organs(*, organisation=None) -> list[Organ]:
    """Organs to list on the feeds page: those that hold meetings (of `organisation`, if given)."""
    return [o for o in registry_selectors.organs_for_filter(organisation=organisation) if o.kind not in NO_MEETINGS]


# --- the register ---------------------------------------------------------------------------
@dataclass
class RegisterItem:
    """A document as the public register shows it, with its case."""

    entry: registry_selectors.DocumentEntry
    case: Case

    @property
    def counterpart_text(self) -> str:
        if self.entry.counterpart_mask_reason == registry_access.MASKED_SECRET:
            return MASKED_SECRET_TEXT
        if self.entry.counterpart_masked:
            return MASKED_PRIVATE_TEXT
        return self.entry.counterpart or "–"

    @property
    def description_text(self) -> str:
        return MASKED_SECRET_TEXT if self.entry.description_masked else (self.entry.description or "")


def register_items(*, organ: Organ | None = None, organisation=None, limit: int = FEED_SIZE) -> list[RegisterItem]:
    """The newest registered documents, masked exactly as in the public register
    (document entries built by the register's own selector for an anonymous
    reader; files are not listed). One query."""
    user = public_user()
    qs = registry_access.public_documents().select_related("case", "case__organ", "case__organisation", "document_type")
    if organ is not None:
        qs = qs.filter(case__organ=organ)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    documents = list(qs.order_by("-registered_at", "-id")[:limit])
    labels = {value: str(label) for value, label in Document.Direction.choices}
    items = []
    for document in documents:
        case = document.case
        # The register's masking, for the public: the same function its pages and API use.
        entry = registry_selectors.register_entry(user=user, document=document, direction_labels=labels)
        items.append(RegisterItem(entry=entry, case=case))
    return items


# --- decisions and minutes ------------------------------------------------------------------
def organ_decisions(*, organ: Organ, limit: int = FEED_SIZE) -> list[Decision]:
    """The organ's newest public decisions (the minutes adjusted), newest
    adjustment first. One query."""
    user = public_user()
    qs = (decisions_access.public_decisions().filter(organ=organ, meeting__minutes__adjusted_at__isnull=False)
          .select_related("organ", "organ__organisation", "meeting", "meeting__minutes", "case")
          .order_by("-meeting__minutes__adjusted_at", "-meeting__date", "-paragraph", "-id"))
    return [d for d in qs[:limit] if decisions_access.decisions_visible(user, d.meeting)]


def organ_minutes(*, organ: Organ, limit: int = FEED_SIZE) -> list[Meeting]:
    """The organ's meetings with adjusted minutes, newest adjustment first, each
    with its decisions. Two queries."""
    user = public_user()
    qs = (decisions_access.meetings_with_public_decisions().filter(organ=organ, minutes__adjusted_at__isnull=False)
          .select_related("organ", "organisation", "minutes")
          .prefetch_related(Prefetch("decisions", queryset=decisions_access.public_decisions().only(
              "id", "meeting_id", "paragraph", "title").order_by("paragraph")))
          .order_by("-minutes__adjusted_at", "-date", "-id"))
    return [m for m in qs[:limit] if decisions_access.decisions_visible(user, m)]


def organ_calendar(*, organ: Organ, today: dt.date | None = None) -> list[Meeting]:
    """The organ's public meetings (notice published, or later) from a year back
    onwards, in time order. One query."""
    user = public_user()
    since = (today or timezone.localdate()) - dt.timedelta(days=CALENDAR_DAYS_BACK)
    qs = (decisions_access.public_meetings().filter(organ=organ, date__gte=since)
          .select_related("organ", "organisation", "minutes")
          .order_by("date", "start_time", "id"))
    return [m for m in qs[:CALENDAR_MAX] if decisions_access.meeting_visible(user, m)]


def meeting_changed_at(meeting: Meeting) -> dt.datetime:
    """The last change of the meeting the model records (for DTSTAMP and Last-Modified)."""
    stamps = [meeting.created_at, meeting.notice_published_at, meeting.opened_at, meeting.closed_at]
    if _has_minutes(meeting):
        stamps.append(meeting.minutes.adjusted_at)
    return max(s for s in stamps if s is not None)


def _has_minutes(meeting: Meeting) -> bool:
    try:
        meeting.minutes
    except Meeting.minutes.RelatedObjectDoesNotExist:
        return False
    return True
