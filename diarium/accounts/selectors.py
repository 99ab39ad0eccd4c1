from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, NotFound
from diarium.core.lookups import referenced

from . import access as roles
from .models import ApiToken, Organ, Organisation, Person, User


def organisation_names() -> list[str]:
    """The names of the organisations on this site, by name."""
    return list(Organisation.objects.order_by("name").values_list("name", flat=True))


def user_for_api_token(raw: str) -> User | None:
    """The active user behind a raw API token, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token else None


# --- reference lists and tokens (used by the API) ----------------------------------------
@dataclass
class PersonEntry:
    """A person as this reader may see them: contact details only where
    access.may_see_contact_details allows (the person, staff of their organisation)."""

    id: int
    organisation_id: int
    name: str
    title: str
    organ_id: int | None
    email: str | None
    phone: str | None


def organ_list(*, organisation: int | None = None, include_external: bool = True) -> QuerySet[Organ]:
    qs = Organ.objects.filter(active=True)
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation)
    if not include_external:
        qs = qs.exclude(kind=Organ.Kind.EXTERNAL)
    return qs.order_by("organisation_id", "name")


def organ_get(*, pk: int) -> Organ:
    organ = Organ.objects.select_related("organisation").filter(pk=pk).first()
    if organ is None:
        raise NotFound(_("Organet finns inte."))
    return organ


def person_get(*, pk: int) -> Person:
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise NotFound(_("Personen finns inte."))
    return person


def person_entry(*, user, person: Person) -> PersonEntry:
    """One person as `user` may see them (the one rule: access.may_see_contact_details)."""
    contact = roles.may_see_contact_details(user, organisation_id=person.organisation_id,
                                            person_user_id=person.user_id)
    return PersonEntry(person.pk, person.organisation_id, person.name, person.title, person.organ_id,
                       person.email if contact else None, person.phone if contact else None)


def people_for(*, user, organisation: int | None = None) -> list[PersonEntry]:
    qs = Person.objects.all()
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation)
    return [person_entry(user=user, person=p) for p in qs.order_by("name", "id")]


def api_tokens_for(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user, pk: int) -> ApiToken:
    """One of the user's own tokens; other users' tokens do not exist for them."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise NotFound(_("API-nyckeln finns inte."))
    return token


# --- an organisation's own administrators -----------------------------------------------------
def organs_of(*, organisation) -> QuerySet[Organ]:
    """Every organ of the organisation, inactive ones too, for its administrators."""
    return Organ.objects.filter(organisation=organisation).order_by("name", "id")


def organ_of(*, organisation, pk: int) -> Organ:
    """One of the organisation's organs; another organisation's is not found."""
    organ = Organ.objects.filter(organisation=organisation, pk=pk).first()
    if organ is None:
        raise NotFound(_("Organet finns inte."))
    return organ


# --- rows named by id in a request body (core.lookups.referenced) -----------------------------
def organ_referenced(pk: int | None, *, field: str, organisation_id: int | None = None) -> Organ | None:
    """The organ named in field `field` (None for None), of the given organisation when one is
    given; an unknown one, or another organisation's, is the client's error on that field."""
    if pk is None:
        return None
    organ = referenced(lambda: organ_get(pk=pk), field)
    if organisation_id is not None and organ.organisation_id != organisation_id:
        raise DomainError(_("Organet finns inte."), field=field)
    return organ


def person_referenced(pk: int | None, *, field: str, organisation_id: int | None = None) -> Person | None:
    """The person named in field `field` (None for None), of the organisation when one is given."""
    if pk is None:
        return None
    person = referenced(lambda: person_get(pk=pk), field)
    if organisation_id is not None and person.organisation_id != organisation_id:
        raise DomainError(_("Personen finns inte."), field=field)
    return person


def organisations_by_ids(ids) -> list[Organisation]:
    """The organisations with these ids, by name (a picker among those a user works in)."""
    return list(Organisation.objects.filter(pk__in=list(ids)).order_by("name"))
