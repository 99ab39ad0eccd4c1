"""Reads of the council's own matters (motions, interpellations, questions,
citizen proposals) with the day each is to be answered by: a motion or a
citizen proposal within a year of being raised (kommunallagen 5 kap. 35 §,
8 kap. 1 §), an interpellation or a question at the council's next meeting
(5 kap. 63-64 §§). The register entries are public records; a title is read
as the reader may see it (registry.access.row_value)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from diarium.accounts.models import Organ
from diarium.core.errors import NotFound
from diarium.registry import access as registry_access

from .. import access
from ..models import CouncilMatter, Meeting


def one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@dataclass
class MatterRow:
    matter: CouncilMatter
    title: str
    due: dt.date | None  # None: no council meeting is planned after it was put
    today: dt.date
    answer_reference: str = ""  # the deciding paragraph, where this reader may see the decision

    @property
    def answered(self) -> bool:
        return self.matter.answered_on is not None

    @property
    def overdue(self) -> bool:
        return not self.answered and self.due is not None and self.due < self.today

    @property
    def days_left(self) -> int | None:
        return None if self.due is None or self.answered else (self.due - self.today).days


def council_matters(*, user, organ: Organ, today: dt.date, unanswered: bool = False,
                    kinds=None, pk: int | None = None) -> list[MatterRow]:
    """The council's matters, oldest first, each with the day it is to be
    answered by; `unanswered` leaves out those answered, `pk` all but that one."""
    qs = (CouncilMatter.objects.filter(organ=organ)
          .select_related("case", "case__organ", "mover", "addressed_to", "answer_decision",
                          "answer_decision__organ", "answer_decision__meeting", "answer_meeting")
          .order_by("submitted_on", "pk"))
    if unanswered:
        qs = qs.filter(answered_on__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if pk is not None:
        qs = qs.filter(pk=pk)
    matters = list(qs)
    meetings = sorted(Meeting.objects.filter(organ=organ).values_list("date", flat=True).distinct())
    rows = []
    for m in matters:
        if m.kind in CouncilMatter.ONE_YEAR_KINDS:
            due = one_year_after(m.submitted_on)
        else:
            due = next((d for d in meetings if d > m.submitted_on), None)
        decision = m.answer_decision
        rows.append(MatterRow(
            matter=m, title=registry_access.row_value(user, m.case, m.case, "title"), due=due, today=today,
            answer_reference=decision.reference if decision and access.decisions_visible(user, decision.meeting)
            else ""))
    return rows


def unanswered_report(*, user, organ: Organ, today: dt.date) -> list[MatterRow]:
    """The motions and citizen proposals not yet decided, as the council is to
    be told of them (5 kap. 35 §): oldest first, those past the year marked."""
    return council_matters(user=user, organ=organ, today=today, unanswered=True, kinds=CouncilMatter.ONE_YEAR_KINDS)


def council_matter_get(*, pk: int) -> CouncilMatter:
    """A council matter by id (its register entry is public), or not found."""
    matter = CouncilMatter.objects.select_related("organ", "case").filter(pk=pk).first()
    if matter is None:
        raise NotFound(_("Ärendet finns inte."))
    return matter
