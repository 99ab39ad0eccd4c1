"""Writes to reference data: organisations, organs, people, users, roles, tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, errors_from_validation

from .models import ApiToken, Organ, Organisation, Person, Role, RoleAssignment, User


def _save(instance):
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise errors_from_validation(exc) from exc
    instance.save()
    return instance


@transaction.atomic
def organisation_create(*, name: str, slug: str, diary_number_format: str | None = None, org_number: str = "") -> Organisation:
    org = Organisation(name=name, slug=slug, org_number=org_number)
    if diary_number_format:
        org.diary_number_format = diary_number_format
    try:
        org.diary_number_format.format(year=2000, seq=1, series="X")
    except (KeyError, IndexError, ValueError) as exc:
        raise DomainError(_("Formatet för diarienummer får bara använda {year}, {seq} och {series}."),
                          field="diary_number_format") from exc
    if "{seq}" not in org.diary_number_format:
        raise DomainError(_("Formatet för diarienummer måste innehålla {seq}."), field="diary_number_format")
    return _save(org)


@transaction.atomic
def organ_create(*, organisation: Organisation, name: str, code: str, kind: str, parent: Organ | None = None,
                 email: str = "") -> Organ:
    if parent is not None and parent.organisation_id != organisation.pk:
        raise DomainError(_("Det överordnade organet hör till en annan organisation."), field="parent")
    return _save(Organ(organisation=organisation, name=name, code=code, kind=kind, parent=parent, email=email))


@transaction.atomic
def person_create(*, organisation: Organisation, name: str, title: str = "", email: str = "", phone: str = "",
                  organ: Organ | None = None, user: User | None = None) -> Person:
    return _save(Person(organisation=organisation, name=name, title=title, email=email, phone=phone,
                        organ=organ, user=user))


@transaction.atomic
def user_create(*, username: str, password: str, first_name: str = "", last_name: str = "", email: str = "",
                is_superuser: bool = False) -> User:
    user = User(username=username, first_name=first_name, last_name=last_name, email=email,
                is_superuser=is_superuser, is_staff=is_superuser)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    return _save(user)


@transaction.atomic
def user_set_password(*, user: User, password: str) -> User:
    """Give a user a new password (checked against the password rules)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def role_grant(*, user: User, organisation: Organisation, role: str, organ: Organ | None = None) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError(_("Okänd roll."), field="role")
    if organ is not None and organ.organisation_id != organisation.pk:
        raise DomainError(_("Organet hör till en annan organisation."), field="organ")
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, organisation=organisation, organ=organ, role=role
    )
    if hasattr(user, "_diarium_grants"):
        del user._diarium_grants
    return assignment


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and only its hash is kept."""
    raw = "dia_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name or _("API-nyckel"), token_hash=ApiToken.hash(raw), prefix=raw[:8])
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


# --- organs, by the organisation's own administrators ----------------------------------------
def _require_admin(actor, organisation_id: int) -> None:
    from diarium.core.errors import PermissionDenied

    from . import access

    if not access.can_administer(actor, organisation_id):
        raise PermissionDenied(_("Bara organisationens administratörer kan ändra dess organ."))


def _parent_checked(organ: Organ, parent: Organ | None) -> None:
    if parent is None:
        return
    if parent.organisation_id != organ.organisation_id:
        raise DomainError(_("Det överordnade organet hör till en annan organisation."), field="parent")
    seen, current = set(), parent
    while current is not None and current.pk not in seen:
        if organ.pk is not None and current.pk == organ.pk:
            raise DomainError(_("Ett organ kan inte ligga under sig självt."), field="parent")
        seen.add(current.pk)
        current = current.parent


def _code_free(organ: Organ) -> None:
    taken = Organ.objects.filter(organisation_id=organ.organisation_id, code=organ.code)
    if organ.pk is not None:
        taken = taken.exclude(pk=organ.pk)
    if taken.exists():
        raise DomainError(_("Förkortningen %(code)s används redan av ett annat organ.") % {"code": organ.code},
                          field="code")


@transaction.atomic
def organ_add(*, actor, organisation: Organisation, name: str, code: str, kind: str, parent: Organ | None = None,
              email: str = "", active: bool = True) -> Organ:
    """An administrator adds an organ to their organisation."""
    _require_admin(actor, organisation.pk)
    organ = Organ(organisation=organisation, name=" ".join((name or "").split()), code=(code or "").strip(),
                  kind=kind, parent=parent, email=(email or "").strip(), active=active)
    _parent_checked(organ, parent)
    _code_free(organ)
    return _save(organ)


ORGAN_FIELDS = ("name", "code", "kind", "parent", "email", "active")


@transaction.atomic
def organ_update(*, actor, organ: Organ, **changes) -> Organ:
    """An administrator changes an organ of their organisation (name, code, kind,
    parent, e-mail, whether it is active)."""
    _require_admin(actor, organ.organisation_id)
    unknown = set(changes) - set(ORGAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organ fields: {sorted(unknown)}")
    for name, value in changes.items():
        if name == "name":
            value = " ".join((value or "").split())
        elif name in ("code", "email"):
            value = (value or "").strip()
        setattr(organ, name, value)
    if "parent" in changes:
        _parent_checked(organ, changes["parent"])
    if "code" in changes:
        _code_free(organ)
    _save(organ)
    return organ


@transaction.atomic
def organ_delete(*, actor, organ: Organ) -> None:
    """Remove an organ no case, person, role, series or meeting refers to. One
    in use is kept: make it inactive instead."""
    from diarium.core.dependents import in_use
    from diarium.core.errors import Conflict

    _require_admin(actor, organ.organisation_id)
    if in_use(organ):
        raise Conflict(_("Organet används (av ärenden, personer, roller, serier eller sammanträden) och kan inte "
                         "tas bort. Markera det som inaktivt i stället."))
    organ.delete()
