"""What every single sign-on ends in, OpenID Connect or SAML: the user behind an
identity provider's subject, with the roles its groups give.

- `provision` finds (or, at the first sign-on, creates) the user, updates the name and
  e-mail address, and replaces the roles that came from the provider's groups
  (RoleAssignment.source == "sso") with those the groups give now, through the
  organisation's GroupRoleMapping rows. Roles an administrator granted by hand stay.
- `replay_guard` accepts an assertion id, nonce or state once, on every app server.
- `SsoRefused` carries a Swedish message for the person and a short English reason
  for the log; `log_refusal` writes that one log line (never a token, code or assertion).
"""

from __future__ import annotations

import random
import re
from datetime import datetime

import structlog
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    ExternalIdentity,
    GroupRoleMapping,
    IdentityProvider,
    RoleAssignment,
    SingleSignOnReplay,
    User,
)

logger = structlog.get_logger("diarium.accounts.sso")

# One replay_guard call in this many also deletes the expired rows.
PRUNE_ONE_IN = 20
USERNAME_MAX = 150
_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]+")


class SsoRefused(Exception):
    """A sign-on that is refused. `message` is shown to the person (Swedish);
    `reason` is a short English code for the log, never a secret."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(reason)
        self.message = str(message)
        self.reason = reason


# --- replays ---------------------------------------------------------------------------------------
def replay_guard(*, key: str, expires_at: datetime) -> None:
    """Accept `key` (e.g. "oidc:<provider>:<nonce>", "saml:<provider>:<assertion id>")
    once. The database's unique constraint decides, so two app servers cannot both
    accept it. `expires_at` is when the answer it belongs to can no longer be used
    (its expiry plus the allowed clock skew); the row is kept until then."""
    if not key:
        raise SsoRefused(_("Inloggningssvaret saknar ett engångsvärde. Börja om inloggningen."), reason="no_replay_key")
    if len(key) > 255:
        import hashlib

        key = key[:190] + ":sha256:" + hashlib.sha256(key.encode()).hexdigest()
    now = timezone.now()
    if random.randrange(PRUNE_ONE_IN) == 0:
        SingleSignOnReplay.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            SingleSignOnReplay.objects.create(key=key, expires_at=max(expires_at, now))
    except IntegrityError:
        raise SsoRefused(
            _("Inloggningssvaret har redan använts. Börja om inloggningen från inloggningssidan."),
            reason="replay",
        ) from None


# --- the log -----------------------------------------------------------------------------------
def log_refusal(provider: IdentityProvider | None, exc: SsoRefused, request) -> None:
    """One structured line: which provider, why, from which address. Nothing from the
    answer itself (no code, token, id_token or assertion)."""
    from diarium.core.ratelimit import client_address

    logger.warning(
        "sso_refused",
        provider=getattr(provider, "slug", None),
        protocol=getattr(provider, "protocol", None),
        reason=exc.reason,
        client_ip=client_address(request) if request is not None else None,
    )


# --- users and roles ---------------------------------------------------------------------------
def _clean_email(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value[:254]


def _free_username(base: str) -> str:
    base = _USERNAME_UNSAFE.sub("-", (base or "").strip()).strip("-") or "sso"
    base = base[:USERNAME_MAX]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: USERNAME_MAX - len(suffix)] + suffix
    return candidate


def _wanted_roles(provider: IdentityProvider, groups: list[str]) -> set[tuple[int | None, str]]:
    """(organ id or None, role) for every mapping of the provider's organisation whose
    group the person is in: the provider's own mappings and those for all providers."""
    names = {str(g) for g in (groups or []) if str(g)}
    if not names:
        return set()
    mappings = GroupRoleMapping.objects.filter(
        Q(provider__isnull=True) | Q(provider=provider), organisation_id=provider.organisation_id, group__in=names,
    )
    wanted = set()
    for organ_id, organ_org_id, role in mappings.values_list("organ_id", "organ__organisation_id", "role"):
        if organ_id is not None and organ_org_id != provider.organisation_id:
            continue  # an organ of another organisation never gives a role here
        wanted.add((organ_id, role))
    return wanted


def _sync_roles(user: User, provider: IdentityProvider, wanted: set[tuple[int | None, str]]):
    """Make the user's SSO roles in the organisation exactly `wanted` (hand-granted
    roles stay and are not duplicated). Returns (added, removed) as (organ id, role)."""
    organisation_id = provider.organisation_id
    current = list(RoleAssignment.objects.filter(user=user, organisation_id=organisation_id)
                  .values_list("pk", "organ_id", "role", "source"))
    have = {(organ_id, role) for _pk, organ_id, role, _source in current}
    stale = [(pk, (organ_id, role)) for pk, organ_id, role, source in current
             if source == RoleAssignment.Source.SSO and (organ_id, role) not in wanted]
    if stale:
        RoleAssignment.objects.filter(pk__in=[pk for pk, _key in stale]).delete()
    added = sorted(wanted - have, key=lambda item: (item[0] or 0, item[1]))
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=user, organisation_id=organisation_id, organ_id=organ_id, role=role,
                       source=RoleAssignment.Source.SSO)
        for organ_id, role in added
    ])
    if hasattr(user, "_diarium_grants"):
        del user._diarium_grants
    return added, [key for _pk, key in stale]


def _describe(roles) -> str:
    return ", ".join(f"{role}@{organ_id or 'alla'}" for organ_id, role in roles)


def _no_role(provider: IdentityProvider) -> SsoRefused:
    return SsoRefused(
        _("Ditt konto i %(provider)s har ingen roll i Diarium. Be organisationens administratör att ge dig en "
          "roll, eller att koppla en av dina grupper i %(provider)s till en roll i Diarium.")
        % {"provider": provider.name},
        reason="no_role",
    )


def provision(*, provider: IdentityProvider, subject: str, email: str = "", first_name: str = "",
              last_name: str = "", username: str = "", groups: list[str]) -> User:
    """The user behind `subject` at `provider`, created at the first sign-on, with
    name, e-mail address and SSO roles brought up to date. Raises SsoRefused when the
    provider is off, the account is inactive or the person has no role in the
    organisation. A refused first sign-on leaves nothing behind; a known user who
    lost every role keeps that loss (the SSO roles are removed) and is refused."""
    subject = (subject or "").strip()
    if not subject:
        raise SsoRefused(_("Identitetsleverantören skickade ingen identitet. Försök igen eller kontakta "
                           "organisationens administratör."), reason="no_subject")
    if len(subject) > 255:
        raise SsoRefused(_("Identitetsleverantören skickade en identitet som Diarium inte kan ta emot."),
                         reason="subject_too_long")
    if not provider.enabled:
        raise SsoRefused(_("Inloggning med %(provider)s är avstängd.") % {"provider": provider.name},
                         reason="provider_disabled")
    user, refused = _provision(provider=provider, subject=subject, email=_clean_email(email),
                               first_name=(first_name or "").strip()[:150], last_name=(last_name or "").strip()[:150],
                               username=(username or "").strip(), groups=list(groups or []))
    if refused is not None:
        raise refused
    return user


@transaction.atomic
def _provision(*, provider, subject, email, first_name, last_name, username, groups):
    from ..services import administration_event_record

    now = timezone.now()
    identity = (ExternalIdentity.objects.select_related("user").select_for_update()
                .filter(provider=provider, subject=subject).first())
    wanted = _wanted_roles(provider, groups)
    if identity is None:
        if not wanted:
            # Nothing is created for a person the organisation gives no role.
            raise _no_role(provider)
        user, created = _create_user(provider=provider, subject=subject, email=email, first_name=first_name,
                                     last_name=last_name, username=username, now=now)
    else:
        user = identity.user
        if not user.is_active:
            raise SsoRefused(_("Ditt konto i Diarium är avstängt. Kontakta organisationens administratör."),
                             reason="inactive")
        changed = []
        for field, value in (("email", email), ("first_name", first_name), ("last_name", last_name)):
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        user.last_login = now
        user.save(update_fields=[*changed, "last_login"])
        identity.last_seen_at = now
        identity.save(update_fields=["last_seen_at"])
        created = False

    added, removed = _sync_roles(user, provider, wanted)
    if created:
        administration_event_record(
            actor=None, organisation=provider.organisation, action="sso_user_created", object_type="user",
            object_id=user.pk,
            summary=_("Användaren %(username)s skapades vid första inloggningen med %(provider)s.")
            % {"username": user.username, "provider": provider.name},
            changes={"provider": provider.slug, "username": user.username, "roles": _describe(added)},
        )
    elif added or removed:
        administration_event_record(
            actor=None, organisation=provider.organisation, action="sso_roles_changed", object_type="user",
            object_id=user.pk,
            summary=_("Rollerna för %(username)s följde grupperna i %(provider)s.")
            % {"username": user.username, "provider": provider.name},
            changes={"provider": provider.slug, "added": _describe(added), "removed": _describe(removed)},
        )

    if not user.is_superuser and not RoleAssignment.objects.filter(
        user=user, organisation_id=provider.organisation_id
    ).exists():
        # Kept: the removed SSO roles (the person left the groups). Refused: the sign-on.
        return user, _no_role(provider)
    return user, None


def _create_user(*, provider, subject, email, first_name, last_name, username, now) -> tuple[User, bool]:
    base = username or email or f"{provider.slug}-{subject}"
    for _attempt in range(3):
        try:
            with transaction.atomic():
                user = User(username=_free_username(base), email=email, first_name=first_name,
                            last_name=last_name, last_login=now)
                user.set_unusable_password()
                user.save()
                ExternalIdentity.objects.create(user=user, provider=provider, subject=subject,
                                                first_seen_at=now, last_seen_at=now)
                return user, True
        except IntegrityError:
            # Another app server signed the same person in, or took the username, just now.
            existing = ExternalIdentity.objects.select_related("user").filter(provider=provider,
                                                                                subject=subject).first()
            if existing is not None:
                return existing.user, False
    raise SsoRefused(_("Kontot kunde inte skapas just nu. Försök igen om en stund."), reason="create_conflict")
