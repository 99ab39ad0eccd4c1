"""Changing and ending seats in an organ (memberships), as reference data: the
same rule as adding one (services.membership_add): those who manage the organ's
meetings, the organisation's administrators among them. A meeting's attendance
keeps its own copy of who sat in which role, so changing or removing a
membership never rewrites a held meeting."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.dependents import in_use
from diarium.core.errors import Conflict, DomainError, NotFound
from diarium.core.limits import is_email

from . import access
from .models import Membership


def membership_get(*, organ, pk: int) -> Membership:
    """One of the organ's memberships; another organ's is not found."""
    found = Membership.objects.select_related("person", "organ").filter(organ=organ, pk=pk).first()
    if found is None:
        raise NotFound(_("Ledamotskapet finns inte."))
    return found


_UNSET = object()


@transaction.atomic
def membership_update(*, actor, membership: Membership, role: str | None = None, party: str | None = None,
                      start: dt.date | None = None, end: dt.date | None | object = _UNSET,
                      substitute_order: int | None | object = _UNSET) -> Membership:
    """Change the role, party, period or a substitute's place in the order of a
    seat (`end=None` makes it open-ended, `substitute_order=None` takes the place away).
    The event says what changed; giving the seat an end date ends it."""
    from .events import DecisionEvent
    from .services.meetings import membership_errors, membership_event, membership_seat
    from .services.shared import errors_raise

    access.require_manage_meetings(actor, membership.organ)
    before = membership_seat(membership)
    if role is not None:
        membership.role = role
    if party is not None:
        membership.party = party.strip()[:40]
    if start is not None:
        membership.start = start
    if end is not _UNSET:
        membership.end = end
    if substitute_order is not _UNSET:
        membership.substitute_order = substitute_order
    errors_raise(membership_errors(organ=membership.organ, person=membership.person, role=membership.role,
                                   start=membership.start, end=membership.end,
                                   substitute_order=membership.substitute_order, changing=membership))
    membership.save(update_fields=["role", "party", "start", "end", "substitute_order"])
    after = membership_seat(membership)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        # An end date set, or moved earlier, ends the seat; one moved later or taken away changes it.
        ended = "end" in changes and after["end"] is not None and (before["end"] is None
                                                                   or after["end"] < before["end"])
        membership_event(actor=actor, membership=membership, changes=changes,
                         kind=DecisionEvent.MEMBERSHIP_ENDED if ended else DecisionEvent.MEMBERSHIP_CHANGED)
    return membership


@transaction.atomic
def membership_delete(*, actor, membership: Membership) -> None:
    """Remove a seat entered by mistake (one that has ended gets an end date instead).
    The event keeps what the seat was."""
    from .events import DecisionEvent
    from .services.meetings import membership_event

    access.require_manage_meetings(actor, membership.organ)
    if in_use(membership):
        raise Conflict(_("Ledamotskapet används och kan inte tas bort. Ange ett slutdatum i stället."))
    membership_event(actor=actor, membership=membership, kind=DecisionEvent.MEMBERSHIP_REMOVED)
    membership.delete()


# --- a membership list from a spreadsheet (CSV) ------------------------------------------------------
IMPORT_MAX_ROWS = 500
IMPORT_COLUMNS = {  # header (as a secretary writes it) → field
    "namn": "name", "uppdrag": "role", "roll": "role", "parti": "party", "från": "start", "fran": "start",
    "till": "end", "turordning": "substitute_order", "e-post": "email", "epost": "email", "e-postadress": "email",
}
ROLE_WORDS = {
    "ordförande": Membership.Role.CHAIR, "ordf": Membership.Role.CHAIR,
    "vice ordförande": Membership.Role.VICE_CHAIR, "1:e vice ordförande": Membership.Role.VICE_CHAIR,
    "2:e vice ordförande": Membership.Role.VICE_CHAIR, "förste vice ordförande": Membership.Role.VICE_CHAIR,
    "andre vice ordförande": Membership.Role.VICE_CHAIR, "ledamot": Membership.Role.MEMBER,
    "ersättare": Membership.Role.SUBSTITUTE,
}


@dataclass(frozen=True)
class ImportResult:
    added: list[Membership]
    people_created: list[str]  # names of people new to the register


def _person_for(organ, known, name: str, email: str):
    """The organisation's person of that name, or a new one (not yet saved) to create with the seat."""
    from diarium.accounts.models import Person

    return known or Person(organisation_id=organ.organisation_id, name=name, email=email)


def _seat_create(actor, organ, person, *, role: str, start: dt.date, end: dt.date | None, party: str,
                 substitute_order: int | None) -> Membership:
    """Write a checked seat, with its person first when the register did not know them, and its event."""
    from diarium.accounts import services as accounts

    from .events import DecisionEvent
    from .services.meetings import membership_event

    if person.pk is None:
        person = accounts.person_create(organisation=organ.organisation, name=person.name, email=person.email)
    membership = Membership.objects.create(organ=organ, person=person, role=role, start=start, end=end,
                                           party=(party or "").strip()[:40], substitute_order=substitute_order)
    membership_event(actor=actor, membership=membership, kind=DecisionEvent.MEMBERSHIP_ADDED)
    return membership


def _date(value: str, label: str, problems: list[str]) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(_("%(label)s ”%(value)s” är inte ett datum (ÅÅÅÅ-MM-DD).") % {"label": label, "value": value})
        return None


@transaction.atomic
def membership_add_named(*, actor, organ, name: str, role: str, start: dt.date, end: dt.date | None = None,
                         party: str = "", substitute_order: int | None = None, email: str = "") -> Membership:
    """Give a seat to a person named as the secretary types the name: the
    organisation's person of that name, or a new one (with the e-mail address
    given) when the register has none. Nothing is written if anything is wrong."""
    from diarium.accounts.models import Person

    from .services.meetings import membership_errors

    access.require_manage_meetings(actor, organ)
    name = " ".join((name or "").split())
    email = (email or "").strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 200:
        errors["name"] = [_("Ange personens namn (högst 200 tecken).")]
    if email and not is_email(email):
        errors["email"] = [_("Ange en giltig e-postadress, t.ex. namn@kommun.se.")]
    person = None
    if name:
        person = _person_for(organ, Person.objects.filter(organisation_id=organ.organisation_id,
                                                          name__iexact=name).first(), name, email)
        errors.update(membership_errors(organ=organ, person=person, role=role, start=start, end=end,
                                        substitute_order=substitute_order))
    if errors:
        raise DomainError(_("Ledamotskapet kunde inte läggas till."), errors=errors)
    return _seat_create(actor, organ, person, role=role, start=start, end=end, party=party,
                        substitute_order=substitute_order)


@transaction.atomic
def memberships_import(*, actor, organ, text: str, start: dt.date | None = None) -> ImportResult:
    """Add the seats of a membership list (CSV with a header row: namn;
    uppdrag; parti; från; till; turordning; e-post, separated by semicolons,
    commas or tabs). A name the register does not know becomes a person of the
    organisation. Every problem is reported at once, with its line; if there
    is any, nothing is written."""
    from diarium.accounts.models import Person

    from .services.meetings import membership_errors

    access.require_manage_meetings(actor, organ)
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) < 2:
        raise DomainError(_("Listan är tom. Första raden ska vara rubriker (namn;uppdrag;parti;från;till;"
                            "turordning;e-post) och därefter en rad per ledamot eller ersättare."), field="csv")
    if len(lines) > IMPORT_MAX_ROWS + 1:
        raise DomainError(_("Högst %(n)s rader åt gången.") % {"n": IMPORT_MAX_ROWS}, field="csv")
    try:
        delimiter = csv.Sniffer().sniff(lines[0], delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";"
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [IMPORT_COLUMNS.get(h.strip().lower().lstrip("\ufeff")) for h in rows[0]]
    missing = [label for label, field in (("namn", "name"), ("uppdrag", "role")) if field not in header]
    if missing:
        raise DomainError(_("Rubrikraden saknar %(cols)s.") % {"cols": ", ".join(missing)}, field="csv")
    known = {p.name.casefold(): p for p in Person.objects.filter(organisation_id=organ.organisation_id)}
    problems: list[str] = []
    planned = []
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        values = {field: (row[i] if i < len(row) else "").strip() for i, field in enumerate(header) if field}
        line_problems: list[str] = []
        name = " ".join(values.get("name", "").split())
        if not name:
            line_problems.append(_("namn saknas"))
        elif len(name) > 200:
            line_problems.append(_("namnet är längre än 200 tecken"))
        role = ROLE_WORDS.get(" ".join(values.get("role", "").lower().split()))
        if role is None:
            line_problems.append(_("uppdraget ”%(v)s” är inte ordförande, vice ordförande, ledamot eller ersättare")
                                 % {"v": values.get("role", "")})
        begins = _date(values.get("start", ""), _("från"), line_problems) or start or timezone.localdate()
        ends = _date(values.get("end", ""), _("till"), line_problems)
        order = None
        if values.get("substitute_order"):
            try:
                order = int(values["substitute_order"])
            except ValueError:
                line_problems.append(_("turordningen ”%(v)s” är inte ett tal") % {"v": values["substitute_order"]})
        email = values.get("email", "")
        if email and not is_email(email):
            line_problems.append(_("e-postadressen ”%(v)s” är inte giltig") % {"v": email})
        if name and name.casefold() in seen:
            line_problems.append(_("%(name)s står redan på en tidigare rad") % {"name": name})
        seen.add(name.casefold())
        if name and role is not None:  # the seat's own rules, alongside the line's other problems
            person = _person_for(organ, known.get(name.casefold()), name, email)
            errors = membership_errors(organ=organ, person=person, role=role, start=begins, end=ends,
                                       substitute_order=order)
            line_problems += [message for messages in errors.values() for message in messages]
            if not line_problems:
                planned.append((person, role, begins, ends, values.get("party", ""), order))
        problems += [_("Rad %(n)s: %(problem)s.") % {"n": number, "problem": p} for p in line_problems]
    if problems:
        raise DomainError(_("Listan kunde inte läsas in. Rätta raderna och försök igen."), errors={"csv": problems})
    created = [person.name for person, *_rest in planned if person.pk is None]  # new to the register
    added = [_seat_create(actor, organ, person, role=role, start=begins, end=ends, party=party,
                          substitute_order=order)
             for person, role, begins, ends, party, order in planned]
    return ImportResult(added=added, people_created=created)
