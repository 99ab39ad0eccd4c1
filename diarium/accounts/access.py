"""The one place that answers "what may this user do on this organ?", and
which organisations, organs and people the public reads.

Every selector and service asks these functions; nothing else looks at
RoleAssignment directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from .models import Organ, Organisation, Person, Role, RoleAssignment

# What each role may do. Secret documents and masked fields are open to those who
# work with the organ's cases; a reader sees the internal register (names of
# private persons included) but not secret content.
READ_INTERNAL = {Role.ADMIN, Role.REGISTRAR, Role.CASE_OFFICER, Role.READER}
READ_SECRET = {Role.ADMIN, Role.REGISTRAR, Role.CASE_OFFICER}
REGISTER_CASE = {Role.ADMIN, Role.REGISTRAR}
REGISTER_DOCUMENT = {Role.ADMIN, Role.REGISTRAR, Role.CASE_OFFICER}
MARK_SECRET = {Role.ADMIN, Role.REGISTRAR}
CLOSE_CASE = {Role.ADMIN, Role.REGISTRAR, Role.CASE_OFFICER}


@dataclass
class Grants:
    """A user's roles: per organisation (all organs) and per organ."""

    superuser: bool = False
    org_roles: dict[int, set[str]] = field(default_factory=dict)
    organ_roles: dict[int, set[str]] = field(default_factory=dict)
    # Organisations the user holds any role in (organ-level roles included).
    organisation_ids: set[int] = field(default_factory=set)

    def roles_on(self, organisation_id: int, organ_id: int | None) -> set[str]:
        roles = set(self.org_roles.get(organisation_id, ()))
        if organ_id is not None:
            roles |= self.organ_roles.get(organ_id, set())
        return roles

    def allows(self, allowed: set[str], organisation_id: int, organ_id: int | None) -> bool:
        if self.superuser:
            return True
        return bool(self.roles_on(organisation_id, organ_id) & allowed)

    def organ_ids_with(self, allowed: set[str]) -> tuple[set[int], set[int]]:
        """(organisation ids where the role covers every organ, organ ids) for `allowed`."""
        orgs = {org for org, roles in self.org_roles.items() if roles & allowed}
        organs = {organ for organ, roles in self.organ_roles.items() if roles & allowed}
        return orgs, organs

    @property
    def is_staff_anywhere(self) -> bool:
        return self.superuser or bool(self.org_roles) or bool(self.organ_roles)

    def is_staff_of(self, organisation_id: int) -> bool:
        """Any role in the organisation, on all its organs or on one of them."""
        return self.superuser or organisation_id in self.organisation_ids


ANONYMOUS = Grants()


def grants_for(user) -> Grants:
    """The user's grants, computed once per user object (i.e. once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_diarium_grants", None)
    if cached is not None:
        return cached
    grants = Grants(superuser=user.is_superuser)
    for organisation_id, organ_id, role in RoleAssignment.objects.filter(user=user).values_list(
        "organisation_id", "organ_id", "role"
    ):
        grants.organisation_ids.add(organisation_id)
        if organ_id is None:
            grants.org_roles.setdefault(organisation_id, set()).add(role)
        else:
            grants.organ_roles.setdefault(organ_id, set()).add(role)
    user._diarium_grants = grants
    return grants


def can(user, allowed: set[str], *, organisation_id: int, organ_id: int | None) -> bool:
    return grants_for(user).allows(allowed, organisation_id, organ_id)


def may_see_contact_details(user, *, organisation_id: int, person_user_id: int | None) -> bool:
    """A person's e-mail address and direct phone number: for the person themself
    and for staff of the person's own organisation. The public and staff of other
    organisations see only what is published (name, title, organ, memberships)."""
    if person_user_id is not None and getattr(user, "is_authenticated", False) and user.pk == person_user_id:
        return True
    return grants_for(user).is_staff_of(organisation_id)


# --- the organisation's own administrators ---------------------------------------------------
# An organisation's reference data (organs, diary number series, the
# classification scheme) is kept by its administrators: the admin role for the
# whole organisation (a role on one organ does not reach the organisation's
# registers), or a superuser. The registry's services used this rule before it
# had a name (series_counter_set, classification_create).
ADMINISTER = {Role.ADMIN}


def can_administer(user, organisation_id: int) -> bool:
    return can(user, ADMINISTER, organisation_id=organisation_id, organ_id=None)


def local_password_allowed(user) -> bool:
    """May this user sign in with a password? Not when every organisation they hold a
    role in has turned local passwords off (they sign in through its identity
    provider); superusers and emergency accounts always may."""
    if user.is_superuser or getattr(user, "emergency_access", False):
        return True
    flags = set(Organisation.objects.filter(role_assignments__user=user).values_list("local_login_enabled", flat=True))
    return not flags or True in flags


def organisation_for_admin_get(*, user, pk: int):
    """An organisation the user administers. One that does not exist is not
    found; another organisation's is refused."""
    from django.utils.translation import gettext as _

    from diarium.core.errors import NotFound, PermissionDenied

    from .models import Organisation

    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise NotFound(_("Organisationen finns inte."))
    if not can_administer(user, organisation.pk):
        raise PermissionDenied(_("Du är inte administratör för %(org)s.") % {"org": organisation.name})
    return organisation



def organisation_for_admin_by_slug(*, user, slug: str):
    """organisation_for_admin_get by the organisation's short name (the screens' URLs).
    An unknown slug and another organisation's are both not found, so that an
    administrator cannot learn which other organisations exist by trying names."""
    from django.utils.translation import gettext as _

    from diarium.core.errors import NotFound

    from .models import Organisation

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not can_administer(user, organisation.pk):
        raise NotFound(_("Organisationen finns inte, eller så är du inte dess administratör."))
    return organisation


def organisations_administered(user) -> QuerySet[Organisation]:
    """The organisations whose administration the user may open."""
    grants = grants_for(user)
    if grants.superuser:
        return Organisation.objects.all()
    organisation_ids, _organs = grants.organ_ids_with(ADMINISTER)
    return Organisation.objects.filter(pk__in=organisation_ids)

# --- what the public reads: the rows ----------------------------------------------------------
# The organisations, their organs and the people who work in them are public by
# name, code, kind, title and organ. Contact details are not (may_see_contact_details);
# login accounts, roles and API tokens are never output. An output takes these rows
# from here and may narrow them (one organisation, active organs), never widen them.
def public_organisations() -> QuerySet[Organisation]:
    """Every organisation (tenant) on the site, by name, slug and organisation number."""
    return Organisation.objects.all()


def public_organs() -> QuerySet[Organ]:
    """Every organ, inactive ones too (what it decided stays on record)."""
    return Organ.objects.all()


def public_people() -> QuerySet[Person]:
    """Every person by name, title and organ; their e-mail address and phone
    number only as may_see_contact_details allows (never to the public)."""
    return Person.objects.all()
