"""The start page of a member of staff: what lies on their desk, gathered from
the apps below, each list with its count, as the user may see it (the lists'
own selectors and the registry's access rules decide that). And the
registrar's overviews of what is overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from diarium.accounts import access as roles
from diarium.core.lookups import first_with_total
from diarium.decisions.selectors import officer as decisions_officer
from diarium.plans import selectors as plans
from diarium.registry import access as registry_access
from diarium.registry import selectors as registry
from diarium.registry.selectors import due_dates as due_selectors
from diarium.registry.selectors import officer as registry_officer
from diarium.remiss import selectors as remiss

from . import access

SHOWN = 10  # rows per list on the start page; the heading counts them all


@dataclass
class DeskList:
    rows: list
    count: int

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


@dataclass
class Desk:
    cases: DeskList
    due_dates: DeskList
    overdue: int
    documents: DeskList
    answers: DeskList
    assignments: DeskList
    follow_ups: DeskList
    copy_requests: DeskList
    person_id: int | None
    registrar_of: list[int]
    statistics: bool = False
    register_extract: bool = False

    @property
    def to_do(self) -> int:
        """Things that ask something of the user (their cases aside)."""
        return (self.due_dates.count + self.answers.count + self.assignments.count + self.follow_ups.count
                + self.copy_requests.count)


def desk(*, user, now: dt.datetime | None = None) -> Desk:
    """Everything on the user's desk: their open cases, the due dates they watch,
    documents new on their cases, remiss answers to weigh, assignments and
    follow-ups that are due, and requests for public documents to handle."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    cases = DeskList(*registry_officer.my_open_cases(user=user, limit=SHOWN))
    due_rows, due_count, overdue = registry_officer.my_due_dates(user=user, today=today, limit=SHOWN)
    documents, document_count = registry_officer.my_new_documents(user=user, now=now, limit=SHOWN)
    answers = DeskList(*remiss.answers_to_weigh(user=user, limit=SHOWN))
    assignments = DeskList(*decisions_officer.assignments_due(user=user, today=today, limit=SHOWN))
    follow_ups = DeskList(*plans.follow_ups_due(user=user, limit=SHOWN))
    copy_requests = DeskList(*registry_officer.my_copy_requests(user=user, limit=SHOWN))
    # Case titles as this reader may see them (a protected title is the public's version to some).
    for case in cases.rows:
        case.shown_title = registry_access.case_value(user, case, "title")
    person = next((c.case_officer_id for c in cases.rows), None)
    return Desk(
        cases=cases, due_dates=DeskList(due_rows, due_count),
        overdue=overdue,
        documents=DeskList(registry.register_entries(user=user, documents=documents), document_count),
        answers=answers, assignments=assignments, follow_ups=follow_ups, copy_requests=copy_requests,
        person_id=person, registrar_of=registry_access.organisations_followed(user),
        statistics=access.may_see_some_statistics(user), register_extract=access.may_make_some_register_extract(user),
    )


def is_staff(user) -> bool:
    """Whether the user works in some organisation (their start page is the desk)."""
    return roles.grants_for(user).is_staff_anywhere


@dataclass
class Overdue:
    organisation_id: int
    by_organ: list
    by_person: list
    rows: list
    count: int
    today: dt.date


def overdue(*, user, organisation_id: int, organ_id: int | None = None, person_id: int | None = None,
            limit: int = 200) -> Overdue:
    """The registrar's lists of due dates past their day: counted per organ and
    per officer, and the rows themselves (filtered by organ or officer)."""
    by_organ, by_person = due_selectors.overdue_groups(user=user, organisation_id=organisation_id)

    qs = due_selectors.open_due_dates(user=user, organisation_id=organisation_id, organ_id=organ_id, overdue=True)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    rows, count = first_with_total(qs, limit)
    return Overdue(organisation_id, by_organ, by_person, rows, count, due_selectors.today())


def notification_modes(*, user) -> dict[str, str]:
    """The user's choice per kind of notification (immediately unless they chose otherwise)."""
    from .models import NotificationKind, NotificationMode, NotificationSetting

    chosen = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "mode"))
    return {kind: chosen.get(kind, NotificationMode.IMMEDIATE) for kind in NotificationKind.values}


def notification_address(*, user) -> str:
    """Where the user's notifications go: their account's e-mail, else their person's."""
    from diarium.accounts.models import Person

    if user.email:
        return user.email
    return Person.objects.filter(user=user).values_list("email", flat=True).first() or ""
