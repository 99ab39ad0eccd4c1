"""Reads of delegation decisions (kommunallagen 6 kap. 37-40 §§), as the
reader may see them: the list per organ and period, the decisions on a
meeting's report ("Anmälan av delegationsbeslut"), and those still to be
reported to a board. Which rows a reader gets and how their summary reads is
decided in access.py (delegation_decisions_readable, delegation_summary_shown):
a decision whose document is marked secret never reaches the public, and the
public reads the summary as the masking assistant left it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from diarium.accounts import access as accounts_access
from diarium.accounts.models import Organ
from diarium.core.errors import NotFound
from diarium.registry import access as registry_access

from .. import access
from ..models import AgendaItem, DelegationDecision, Meeting

DELEGATION_LIST_MAX = 500  # rows of one page of the list (web and API)

# An item of a meeting that ended (closed, adjusted) without a decision on it reported nothing.
_ENDED = (Meeting.Status.CLOSED, Meeting.Status.ADJUSTED)

_RELATED = ("organ", "case", "case__organ", "document", "decided_by", "agenda_item", "agenda_item__meeting",
            "agenda_item__meeting__organ", "reported_in", "reported_in__organ", "reported_in__meeting")


@dataclass
class DelegationRow:
    """One delegation decision as a reader is shown it."""

    decision: DelegationDecision
    summary: str  # delegation_summary_shown
    case_title: str  # the case's title as the reader may see it
    report: str = ""  # where it is reported: "Anmält KS 2026-12-14 § 5", or on which agenda it waits
    report_url: str | None = None

    @property
    def reported(self) -> bool:
        return self.decision.reported_in_id is not None


def _row(user, d: DelegationDecision) -> DelegationRow:
    row = DelegationRow(decision=d, summary=access.delegation_summary_shown(user, d),
                        case_title=registry_access.case_value(user, d.case, "title"))
    if d.reported_in_id is not None and access.decisions_visible(user, d.reported_in.meeting):
        row.report = _("Anmält %(ref)s") % {"ref": d.reported_in.reference}
        row.report_url = d.reported_in.get_absolute_url()
    elif d.agenda_item_id is not None and access.meeting_visible(user, d.agenda_item.meeting):
        meeting = d.agenda_item.meeting
        if d.reported_in_id is None and meeting.status in _ENDED:
            label = _("Inte anmält (%(organ)s %(date)s, punkt %(n)s)")  # the meeting did not record the item
        else:
            label = _("På föredragningslistan %(organ)s %(date)s, punkt %(n)s")
        row.report = label % {"organ": meeting.organ.code, "date": f"{meeting.date:%Y-%m-%d}",
                              "n": d.agenda_item.position}
        row.report_url = meeting.get_absolute_url() + "#dagordning"
    return row


def delegation_decisions(*, user, organ: Organ | None = None, organ_id: int | None = None,
                         organisation_id: int | None = None, year: int | None = None,
                         agenda_item_id: int | None = None, pk: int | None = None,
                         limit: int = DELEGATION_LIST_MAX, offset: int = 0) -> list[DelegationRow]:
    """The delegation decisions this reader may see, latest decided first:
    of an organ (or the organ's id), an organisation, a year (of the day
    decided), the report at an agenda item, or the one `pk`."""
    qs = access.delegation_decisions_readable(user)
    if organ is not None:
        qs = qs.filter(organ=organ)
    if organ_id is not None:
        qs = qs.filter(organ_id=organ_id)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if year is not None:
        qs = qs.filter(decided_on__year=year)
    if agenda_item_id is not None:
        qs = qs.filter(agenda_item_id=agenda_item_id)
    if pk is not None:
        qs = qs.filter(pk=pk)
    qs = qs.select_related(*_RELATED).order_by("-decided_on", "-id")
    return [_row(user, d) for d in qs[offset: offset + limit]]


def delegation_decision_get(*, user, pk: int) -> DelegationRow:
    """One delegation decision the user may see; others are not found."""
    rows = delegation_decisions(user=user, pk=pk)
    if not rows:
        raise NotFound(_("Delegationsbeslutet finns inte."))
    return rows[0]


def delegation_years(*, user, organ: Organ | None = None) -> list[int]:
    """The years with delegation decisions this reader may see, latest first (the list's filter)."""
    qs = access.delegation_decisions_readable(user)
    if organ is not None:
        qs = qs.filter(organ=organ)
    return sorted({d.year for d in qs.dates("decided_on", "year")}, reverse=True)


def delegating_organs(*, organisation_id: int | None = None) -> list[Organ]:
    """The boards that delegate decisions (access.DELEGATING_ORGANS), by name."""
    qs = accounts_access.public_organs().filter(kind__in=access.DELEGATING_ORGANS)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return list(qs.select_related("organisation").order_by("name"))


def case_delegation_decisions(*, user, case) -> list[DelegationRow]:
    """The case's delegation decisions this reader may see, in the order decided."""
    qs = access.delegation_decisions_readable(user).filter(case=case).select_related(*_RELATED)
    return [_row(user, d) for d in qs.order_by("decided_on", "id")]


def agenda_delegations(user, items) -> dict[int, list[DelegationRow]]:
    """The delegation decisions reported at each of these agenda items (read
    with the items' prefetch of `delegation_decisions`), as this reader may see
    them: item id -> rows, in the order decided."""
    out: dict[int, list[DelegationRow]] = {}
    for item in items:
        rows = [_row(user, d) for d in item.delegation_decisions.all() if access.delegation_decision_visible(user, d)]
        if rows:
            out[item.pk] = rows
    return out


def delegation_prefetch_queryset() -> QuerySet[DelegationDecision]:
    """The rows agenda() prefetches per item (every one: agenda_delegations
    leaves out what the reader may not see)."""
    return DelegationDecision.objects.select_related(*_RELATED).order_by("decided_on", "id")


# --- the report to the board (6 kap. 40 §) ------------------------------------------------------------
def unreported_q() -> Q:
    """Delegation decisions not reported: never recorded at a report's item, and
    either on no agenda or on the item of a meeting that ended without recording it."""
    return Q(reported_in__isnull=True) & (Q(agenda_item__isnull=True) | Q(agenda_item__meeting__status__in=_ENDED))


def delegation_unreported(*, organ: Organ, up_to: dt.date) -> QuerySet[DelegationDecision]:
    """The organ's delegation decisions decided on or before `up_to` and not yet
    reported (unreported_q): what a report at its meeting of that day lists.
    For the service that puts them on the agenda, and the count on the meeting page."""
    return DelegationDecision.objects.filter(unreported_q(), organ=organ, decided_on__lte=up_to)


def delegation_report_item(meeting: Meeting) -> AgendaItem | None:
    """The meeting's item reporting delegation decisions, if it has one."""
    return (meeting.items.filter(delegation_decisions__isnull=False).distinct().order_by("position").first())
