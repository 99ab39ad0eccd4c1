"""The choices of the register's filter forms (the case and document lists).

A county's shared install holds some twenty organisations with a thousand case
officers and two hundred organs: listing them all in every list's form cost
more than the list itself. So the choices are those of one organisation when
the filter names one (chosen, or implied by the organ or officer chosen), or
else of the reader's own organisation for the officers; without either the
organs come grouped by organisation and the officers are not offered until
an organisation is chosen (a plain GET form: choose, filter, and the choices
follow, without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from diarium.accounts import access as roles
from diarium.accounts.models import Organ, Organisation, Person

from . import case_officers, organs_for_filter


@dataclass
class FilterChoices:
    organisations: list[Organisation]  # those with organs of their own, by name
    organs: list[Organ]  # the scope's, or every organisation's (grouped by organisation)
    officers: list[Person] | None  # None: not offered until an organisation is chosen
    organisation: Organisation | None  # the scope of the choices
    officers_of: Organisation | None = None  # whose officers `officers` are

    @property
    def several(self) -> bool:
        """Whether the install holds several organisations (the organisation filter is offered)."""
        return len(self.organisations) > 1


def register_filter_choices(*, user, organisation: int | None = None, organ: int | None = None,
                            case_officer: int | None = None, officers: bool = True) -> FilterChoices:
    """The choices of a register filter for the ids the request names (each
    None or a whole number; unknown ids simply do not narrow). Without
    `officers` (the document list) no person is read. Two queries for the
    public's list, three or four where officers are offered."""
    if organisation is not None:
        organisations = list(Organisation.objects.filter(
            Exists(Organ.objects.exclude(kind=Organ.Kind.EXTERNAL).filter(organisation=OuterRef("pk")))
        ).order_by("name"))
        scope = next((o for o in organisations if o.pk == organisation or len(organisations) == 1), None)
        organs = list(organs_for_filter(organisation=scope)) if scope is not None else _all_organs()
    else:
        organs = _all_organs()
        organisations, scope = [], None
    if not organisations:  # every organisation with organs, from the organs themselves
        organisations = sorted({o.organisation_id: o.organisation for o in organs}.values(), key=lambda o: o.name)
    by_id = {o.pk: o for o in organisations}
    if scope is None and len(organisations) == 1:
        scope = organisations[0]
    if scope is None and organ is not None:
        scope = next((by_id.get(o.organisation_id) for o in organs if o.pk == organ), None)
    if scope is None and case_officer is not None and officers:
        scope = by_id.get(Person.objects.filter(pk=case_officer).values_list("organisation_id", flat=True).first())
    if scope is not None:
        organs = [o for o in organs if o.organisation_id == scope.pk]
    officers_of = scope
    if officers_of is None and officers:
        own = roles.grants_for(user).organisation_ids
        officers_of = by_id.get(next(iter(own))) if len(own) == 1 else None
    people = list(case_officers(organisation=officers_of)) if officers and officers_of is not None else None
    return FilterChoices(organisations=organisations, organs=organs, officers=people, organisation=scope,
                         officers_of=officers_of if people is not None else None)


def _all_organs() -> list[Organ]:
    """Every organisation's organs, grouped by organisation (by its name)."""
    return list(organs_for_filter().order_by("organisation__name", "organisation_id", "name"))
