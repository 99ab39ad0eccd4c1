from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
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


# --- the organisation's users, identity providers and role mappings (its administrators) ------
@dataclass
class MemberRole:
    id: int
    role: str
    label: str
    organ_id: int | None
    organ_code: str | None


@dataclass
class MemberIdentity:
    provider: str
    subject: str
    last_seen_at: object


@dataclass
class Member:
    """A user with a role in the organisation, as its administrators see them."""

    user: User
    roles: list[MemberRole]
    identities: list[MemberIdentity]
    elsewhere: bool  # also has roles in another organisation

    @property
    def id(self) -> int:
        return self.user.pk


def _member(user: User, organisation, roles, identities, elsewhere) -> Member:
    return Member(
        user=user,
        roles=[MemberRole(a.pk, a.role, str(a.get_role_display()), a.organ_id, a.organ.code if a.organ_id else None)
               for a in roles],
        identities=[MemberIdentity(i.provider.name, i.subject, i.last_seen_at) for i in identities],
        elsewhere=elsewhere,
    )


def organisation_members(*, organisation) -> list[Member]:
    """Every user with a role in the organisation (superusers too, who are shown
    but not changed here), their roles there, their sign-ons through the
    organisation's identity providers, and whether they work elsewhere too."""
    from .models import ExternalIdentity, RoleAssignment

    assignments = list(RoleAssignment.objects.filter(organisation=organisation).select_related("user", "organ")
                       .order_by("user__username", "role", "organ__code"))
    user_ids = {a.user_id for a in assignments}
    identities: dict[int, list] = {}
    for identity in (ExternalIdentity.objects.filter(user_id__in=user_ids, provider__organisation=organisation)
                     .select_related("provider").order_by("provider__name", "subject")):
        identities.setdefault(identity.user_id, []).append(identity)
    elsewhere = set(RoleAssignment.objects.filter(user_id__in=user_ids).exclude(organisation=organisation)
                    .values_list("user_id", flat=True))
    members: dict[int, tuple[User, list]] = {}
    for a in assignments:
        members.setdefault(a.user_id, (a.user, []))[1].append(a)
    return [_member(user, organisation, roles, identities.get(user.pk, []), user.pk in elsewhere)
            for user, roles in members.values()]


def organisation_member(*, organisation, pk: int) -> Member:
    """One user of the organisation; a user without a role there, or a superuser, is not found."""
    from .models import ExternalIdentity, RoleAssignment

    user = organisation_user_of(organisation=organisation, pk=pk)
    roles = RoleAssignment.objects.filter(organisation=organisation, user=user).select_related("organ").order_by(
        "role", "organ__code")
    identities = ExternalIdentity.objects.filter(user=user, provider__organisation=organisation).select_related(
        "provider")
    elsewhere = RoleAssignment.objects.filter(user=user).exclude(organisation=organisation).exists()
    return _member(user, organisation, roles, identities, elsewhere)


def organisation_user_of(*, organisation, pk: int) -> User:
    """A user with a role in the organisation whom its administrators may change:
    anyone else (another organisation's user, a superuser) is not found."""
    from .models import RoleAssignment

    user = User.objects.filter(pk=pk, is_superuser=False).first() if isinstance(pk, int) else None
    if user is None or not RoleAssignment.objects.filter(organisation=organisation, user=user).exists():
        raise NotFound(_("Användaren finns inte i organisationen."))
    return user


def role_assignment_of(*, organisation, user: User, pk: int):
    from .models import RoleAssignment

    assignment = RoleAssignment.objects.select_related("user", "organ").filter(
        organisation=organisation, user=user, pk=pk, user__is_superuser=False).first()
    if assignment is None:
        raise NotFound(_("Rollen finns inte."))
    return assignment


def identity_providers_of(*, organisation):
    from .models import IdentityProvider

    return IdentityProvider.objects.filter(organisation=organisation).order_by("name", "id")


def identity_provider_of(*, organisation, pk: int):
    provider = identity_providers_of(organisation=organisation).filter(pk=pk).first()
    if provider is None:
        raise NotFound(_("Identitetsleverantören finns inte."))
    return provider


def group_role_mappings_of(*, organisation):
    from .models import GroupRoleMapping

    return (GroupRoleMapping.objects.filter(organisation=organisation).select_related("provider", "organ")
            .order_by("group", "role", "id"))


def group_role_mapping_of(*, organisation, pk: int):
    mapping = group_role_mappings_of(organisation=organisation).filter(pk=pk).first()
    if mapping is None:
        raise NotFound(_("Mappningen finns inte."))
    return mapping


def emergency_logins_of(*, organisation, excluding: User | None = None) -> list[User]:
    """Who could still sign in with a password were the organisation's local
    passwords turned off: active superusers, and active emergency accounts with
    the admin role for the whole organisation, each with a usable password."""
    from django.db.models import Exists, OuterRef

    from .models import Role, RoleAssignment

    admin_here = RoleAssignment.objects.filter(user=OuterRef("pk"), organisation=organisation, organ__isnull=True,
                                               role=Role.ADMIN)
    candidates = (User.objects.filter(is_active=True)
                  .filter(Q(is_superuser=True) | (Q(emergency_access=True) & Exists(admin_here))))
    if excluding is not None:
        candidates = candidates.exclude(pk=excluding.pk)
    return [user for user in candidates[:20] if user.has_usable_password()]


def identity_providers_for_login(*, organisation=None):
    """The identity providers the login page offers: the enabled ones of the site's
    organisation, or (on the shared service) of every organisation."""
    from .models import IdentityProvider

    providers = IdentityProvider.objects.filter(enabled=True).select_related("organisation")
    if organisation is not None:
        providers = providers.filter(organisation=organisation)
    return list(providers.order_by("organisation__name", "name"))
