"""Writes to reference data: organisations, organs, people, users, roles, tokens."""

from __future__ import annotations

import re
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
    if assignment.source != RoleAssignment.Source.MANUAL:
        # Granted by hand now: the next single sign-on no longer takes it away.
        assignment.source = RoleAssignment.Source.MANUAL
        assignment.save(update_fields=["source"])
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
    _organ_saved(organ, check_parent=True, check_code=True)
    administration_event_record(
        actor=actor, organisation=organisation, action="create", object_type="organ", object_id=organ.pk,
        summary=_("Organet %(organ)s lades till.") % {"organ": organ},
        changes={name: getattr(organ, name) for name in ORGAN_FIELDS if name != "parent"}
        | {"parent": organ.parent.code if organ.parent else None})
    return organ


ORGAN_FIELDS = ("name", "code", "kind", "parent", "email", "active")


def _organ_saved(organ: Organ, *, check_parent: bool, check_code: bool) -> None:
    """Save the organ after every check, all its errors reported at once."""
    errors: dict[str, list[str]] = {}
    checks = ([lambda: _parent_checked(organ, organ.parent)] if check_parent else []) + (
        [lambda: _code_free(organ)] if check_code else [])
    for check in checks:
        try:
            check()
        except DomainError as exc:
            _merge(errors, exc.errors)
    _merge(errors, _validation_errors(organ))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    organ.save()


@transaction.atomic
def organ_update(*, actor, organ: Organ, **changes) -> Organ:
    """An administrator changes an organ of their organisation (name, code, kind,
    parent, e-mail, whether it is active)."""
    _require_admin(actor, organ.organisation_id)
    unknown = set(changes) - set(ORGAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organ fields: {sorted(unknown)}")
    before = {name: getattr(organ, name) for name in changes}
    for name, value in changes.items():
        if name == "name":
            value = " ".join((value or "").split())
        elif name in ("code", "email"):
            value = (value or "").strip()
        setattr(organ, name, value)
    _organ_saved(organ, check_parent="parent" in changes, check_code="code" in changes)
    changed = {name: getattr(organ, name) for name in changes if getattr(organ, name) != before[name]}
    if changed:
        administration_event_record(
            actor=actor, organisation=organ.organisation, action="update", object_type="organ", object_id=organ.pk,
            summary=_("Organet %(organ)s ändrades.") % {"organ": organ},
            changes={name: (value.code if isinstance(value, Organ) else value) for name, value in changed.items()})
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
    organisation, pk, name = organ.organisation, organ.pk, str(organ)
    organ.delete()
    administration_event_record(actor=actor, organisation=organisation, action="delete", object_type="organ",
                                object_id=pk, summary=_("Organet %(organ)s togs bort.") % {"organ": name})


# --- the administration's own history ------------------------------------------------------------
SECRET_FIELDS = frozenset({"client_secret", "password", "imap_password", "smtp_password", "secret"})


def administration_event_record(*, actor, organisation: Organisation | None, action: str, object_type: str,
                                object_id: object = "", summary: str = "", changes: dict | None = None):
    """Append who changed what, and when, to the administration's history.

    `changes` maps a field to its new value; a secret field is kept only as
    "changed", never as its value. Call it inside the service's transaction, so
    that the change and its event are written together or not at all."""
    from .models import AdministrationEvent

    kept = {}
    for name, value in (changes or {}).items():
        if name in SECRET_FIELDS or "secret" in name or "password" in name:
            kept[name] = "(ändrad)"
        elif isinstance(value, (str, int, float, bool)) or value is None:
            kept[name] = value
        else:
            kept[name] = str(value)
    return AdministrationEvent.objects.create(
        organisation=organisation,
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
        action=action[:60],
        object_type=object_type[:60],
        object_id=str(object_id or "")[:40],
        summary=(summary or "")[:500],
        changes=kept,
    )


# --- the organisation's settings, users, identity providers and role mappings (issue 25) ---------
# Each is an administrator's change to their own organisation: access is checked
# here (PermissionDenied), every error of the input is reported at once, and the
# change and its AdministrationEvent are written together or not at all.
ORGANISATION_SETTINGS_FIELDS = ("site_title", "host", "brand_colour", "contact_email", "contact_phone",
                                "postal_address", "website", "local_login_enabled")
LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}


def _require_administrator(actor, organisation_id: int) -> None:
    from diarium.core.errors import PermissionDenied

    from . import access

    if not access.can_administer(actor, organisation_id):
        raise PermissionDenied(_("Bara organisationens administratörer kan göra den här ändringen."))


def _raise_if(errors: dict[str, list[str]], message: str) -> None:
    if errors:
        raise DomainError(message, errors=errors)


def _validation_errors(instance, *, exclude=()) -> dict[str, list[str]]:
    """The model's own checks (lengths, formats) as field errors."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return errors_from_validation(exc).errors
    return {}


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for name, messages in more.items():
        for message in messages:
            if message not in errors.get(name, []):
                errors.setdefault(name, []).append(message)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(str(message))


HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def _host_errors(host: str, organisation: Organisation) -> list[str]:
    if not host:
        return []
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(HOST_LABEL.match(label) for label in labels) \
            or labels[-1].isdigit():
        return [_("Ange ett värdnamn som diarium.kommun.se: bokstäverna a–z, siffror och bindestreck, delar "
                  "åtskilda med punkt, utan protokoll, port eller snedstreck.")]
    if Organisation.objects.filter(host=host).exclude(pk=organisation.pk).exists():
        return [_("Värdnamnet %(host)s används redan av en annan organisation.") % {"host": host}]
    return []


def _colour_errors(colour: str) -> list[str]:
    if not COLOUR.match(colour):
        return [_("Ange färgen som # och sex hexadecimala siffror, t.ex. #1d4e89.")]
    from .sites import MIN_CONTRAST, contrast_with_white

    # The same bound as the site's header falls back on (sites.header_colour).
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        shown = f"{int(ratio * 100) / 100:.2f}".replace(".", ",")
        return [_("Vit text mot %(colour)s har kontrasten %(ratio)s:1, men minst 4,5:1 krävs för att texten ska "
                  "gå att läsa (WCAG 2.1 AA). Välj en mörkare färg.") % {"colour": colour, "ratio": shown}]
    return []


def _svg_errors(data: bytes) -> list[str]:
    import defusedxml
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, defusedxml.DefusedXmlException, ValueError):
        return [_("Filen är inte en giltig SVG-bild.")]

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1].lower()

    if local(root.tag) != "svg":
        return [_("Filen är inte en giltig SVG-bild.")]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if local(element.tag) in ("script", "foreignobject"):
            return [_("SVG-bilden innehåller skript (<script>) och tas inte emot.")]
        for name, value in element.attrib.items():
            if local(name).startswith("on"):
                return [_("SVG-bilden innehåller skript (attributet %(name)s) och tas inte emot.")
                        % {"name": local(name)}]
            if local(name) == "href" and "javascript:" in "".join(value.split()).lower():
                return [_("SVG-bilden innehåller skript (en javascript:-länk) och tas inte emot.")]
    return []


def logo_checked(upload) -> tuple[bytes, str, list[str]]:
    """The logo's content and file extension, or the reasons it is refused: PNG,
    JPEG or SVG (judged by content, not by name) of at most 1 MB; an SVG without
    scripts."""
    size = getattr(upload, "size", None) or 0
    if size > LOGO_MAX_BYTES:
        return b"", "", [_("Logotypen får vara högst 1 MB.")]
    upload.seek(0)
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        return b"", "", [_("Logotypen får vara högst 1 MB.")]
    if not data:
        return b"", "", [_("Filen är tom.")]
    import magic

    detected = magic.from_buffer(data[:65536], mime=True) or ""
    if detected in ("image/png", "image/jpeg"):
        return data, LOGO_TYPES[detected], []
    if detected in ("image/svg+xml", "image/svg", "text/xml", "application/xml", "text/plain", "text/html"):
        problems = _svg_errors(data)
        return (b"", "", problems) if problems else (data, "svg", [])
    return b"", "", [_("Logotypen ska vara en PNG-, JPEG- eller SVG-bild.")]


def _could_still_log_in(organisation: Organisation) -> list[str]:
    """Why local passwords cannot be turned off now (empty: they can)."""
    from . import selectors

    problems = []
    if not selectors.identity_providers_of(organisation=organisation).filter(enabled=True).exists():
        problems.append(_("Organisationen har ingen aktiv identitetsleverantör, så ingen skulle kunna logga in."))
    if not selectors.emergency_logins_of(organisation=organisation):
        problems.append(_("Det finns inget nödkonto: en aktiv administratör för hela organisationen markerad som "
                          "nödkonto (eller en superanvändare) med lösenord, som kan logga in om "
                          "identitetsleverantören inte svarar."))
    return problems


@transaction.atomic
def organisation_settings_update(*, actor, organisation: Organisation, logo=None, logo_remove: bool = False,
                                 **changes) -> Organisation:
    """An administrator changes the organisation's public site and contact details,
    and whether staff may sign in with local passwords."""
    _require_administrator(actor, organisation.pk)
    unknown = set(changes) - set(ORGANISATION_SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown organisation settings: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {name: getattr(organisation, name) for name in ORGANISATION_SETTINGS_FIELDS}
    for name, value in changes.items():
        if isinstance(value, str):
            if name == "postal_address":
                value = "\n".join(line.strip() for line in value.strip().splitlines())
            else:
                value = " ".join(value.split())
            if name in ("host", "brand_colour", "contact_email"):
                value = value.lower()
        setattr(organisation, name, value)
    errors: dict[str, list[str]] = {}
    _merge(errors, _validation_errors(organisation, exclude=["logo"]))
    if "host" in changes and "host" not in errors:
        problems = _host_errors(organisation.host, organisation)
        if problems:
            errors["host"] = problems
    if "brand_colour" in changes:
        problems = _colour_errors(organisation.brand_colour)
        if problems:
            errors["brand_colour"] = problems
    if "website" in changes and organisation.website and not organisation.website.lower().startswith(
            ("https://", "http://")):
        _add(errors, "website", _("Ange webbplatsen med https://."))
    if before["local_login_enabled"] and organisation.local_login_enabled is False:
        problems = _could_still_log_in(organisation)
        if problems:
            errors["local_login_enabled"] = [
                _("Lokala lösenord kan inte stängas av än: %(why)s") % {"why": " ".join(problems)}]
    data, extension = b"", ""
    if logo is not None:
        data, extension, problems = logo_checked(logo)
        if problems:
            errors["logo"] = problems
    _raise_if(errors, _("Inställningarna kunde inte sparas."))

    changed = {name: getattr(organisation, name) for name in ORGANISATION_SETTINGS_FIELDS
               if getattr(organisation, name) != before[name]}
    old_logo = organisation.logo.name if organisation.logo else ""
    if data:
        from django.core.files.base import ContentFile

        organisation.logo.save(f"{organisation.slug}-{secrets.token_hex(6)}.{extension}", ContentFile(data),
                               save=False)
        changed["logo"] = organisation.logo.name
    elif logo_remove and old_logo:
        organisation.logo = ""
        changed["logo"] = ""
    organisation.save()
    if "logo" in changed and old_logo:
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    if changed:
        administration_event_record(
            actor=actor, organisation=organisation, action="update", object_type="organisation",
            object_id=organisation.pk, summary=_("Organisationens inställningar ändrades."), changes=changed)
    return organisation


# --- users and roles ------------------------------------------------------------------------------
def _forget_grants(user) -> None:
    if hasattr(user, "_diarium_grants"):
        del user._diarium_grants


def _member_checked(organisation: Organisation, user: User) -> None:
    """An administrator touches only users of their own organisation, never a superuser."""
    from diarium.core.errors import NotFound

    if user.is_superuser or not RoleAssignment.objects.filter(user=user, organisation=organisation).exists():
        raise NotFound(_("Användaren finns inte i organisationen."))


def _only_here_checked(organisation: Organisation, user: User, what: str) -> None:
    if RoleAssignment.objects.filter(user=user).exclude(organisation=organisation).exists():
        raise DomainError(
            _("%(user)s har roller även i en annan organisation, så %(what)s kan bara den organisationens "
              "administratör eller en superanvändare ändra. Du kan ta bort rollerna i din organisation.")
            % {"user": user.get_username(), "what": what}, field="user")


def _role_errors(organisation: Organisation, role: str, organ: Organ | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        _add(errors, "role", _("Välj en roll."))
    if organ is not None and organ.organisation_id != organisation.pk:
        _add(errors, "organ", _("Organet hör till en annan organisation."))
    return errors


def _last_admin_checked(organisation: Organisation, removed) -> None:
    """The organisation keeps at least one active administrator for all of it."""
    admins = RoleAssignment.objects.filter(organisation=organisation, organ__isnull=True, role=Role.ADMIN,
                                           user__is_active=True)
    if admins.filter(pk__in=[a.pk for a in removed]).exists() and not admins.exclude(
            pk__in=[a.pk for a in removed]).exists():
        raise DomainError(_("Organisationen måste ha minst en aktiv administratör. Ge någon annan rollen först."),
                          field="role")


def _role_label(assignment: RoleAssignment) -> str:
    scope = assignment.organ.code if assignment.organ_id else _("hela organisationen")
    return _("%(role)s (%(scope)s)") % {"role": assignment.get_role_display(), "scope": scope}


@transaction.atomic
def organisation_user_add(*, actor, organisation: Organisation, username: str, password: str, role: str,
                          organ: Organ | None = None, first_name: str = "", last_name: str = "",
                          email: str = "") -> User:
    """An administrator adds a local user (signing in with a password) with a first role."""
    _require_administrator(actor, organisation.pk)
    user = User(username=(username or "").strip(), first_name=" ".join((first_name or "").split()),
                last_name=" ".join((last_name or "").split()), email=(email or "").strip().lower())
    errors = _validation_errors(user, exclude=["password"])
    if user.username and "username" not in errors and User.objects.filter(username__iexact=user.username).exists():
        _add(errors, "username", _("Användarnamnet är upptaget."))
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    _merge(errors, _role_errors(organisation, role, organ))
    _raise_if(errors, _("Användaren kunde inte läggas till."))
    user.set_password(password)
    user.save()
    assignment = RoleAssignment.objects.create(user=user, organisation=organisation, organ=organ, role=role)
    administration_event_record(
        actor=actor, organisation=organisation, action="create", object_type="user", object_id=user.pk,
        summary=_("Användaren %(user)s lades till som %(role)s.") % {"user": user.username,
                                                                     "role": _role_label(assignment)},
        changes={"username": user.username, "email": user.email, "role": role,
                 "organ": organ.code if organ else None, "password": "set"})
    return user


@transaction.atomic
def organisation_role_grant(*, actor, organisation: Organisation, user: User, role: str,
                            organ: Organ | None = None) -> RoleAssignment:
    """An administrator gives one of the organisation's users a role, on all organs or one."""
    _require_administrator(actor, organisation.pk)
    _member_checked(organisation, user)
    _raise_if(_role_errors(organisation, role, organ), _("Rollen kunde inte ges."))
    assignment, created = RoleAssignment.objects.get_or_create(user=user, organisation=organisation, organ=organ,
                                                               role=role)
    if assignment.source != RoleAssignment.Source.MANUAL:
        # A role given by the identity provider's groups becomes the administrator's:
        # the next sign-on no longer takes it away.
        assignment.source = RoleAssignment.Source.MANUAL
        assignment.save(update_fields=["source"])
        created = True
    _forget_grants(user)
    if created:
        administration_event_record(
            actor=actor, organisation=organisation, action="grant", object_type="role", object_id=assignment.pk,
            summary=_("%(user)s fick rollen %(role)s.") % {"user": user.get_username(),
                                                           "role": _role_label(assignment)},
            changes={"user": user.get_username(), "role": role, "organ": organ.code if organ else None})
    return assignment


@transaction.atomic
def organisation_role_revoke(*, actor, organisation: Organisation, assignment: RoleAssignment) -> None:
    """An administrator takes a role of their organisation from a user."""
    from diarium.core.errors import NotFound

    _require_administrator(actor, organisation.pk)
    if assignment.organisation_id != organisation.pk or assignment.user.is_superuser:
        raise NotFound(_("Rollen finns inte."))
    _last_admin_checked(organisation, [assignment])
    label, user = _role_label(assignment), assignment.user
    assignment.delete()
    _forget_grants(user)
    administration_event_record(
        actor=actor, organisation=organisation, action="revoke", object_type="role", object_id=user.pk,
        summary=_("%(user)s miste rollen %(role)s.") % {"user": user.get_username(), "role": label},
        changes={"user": user.get_username(), "role": assignment.role,
                 "organ": assignment.organ.code if assignment.organ_id else None})


@transaction.atomic
def organisation_user_roles_remove(*, actor, organisation: Organisation, user: User) -> int:
    """Every role the user has in the organisation is taken away (their roles in
    other organisations stay). Returns how many."""
    _require_administrator(actor, organisation.pk)
    _member_checked(organisation, user)
    assignments = list(RoleAssignment.objects.filter(user=user, organisation=organisation))
    _last_admin_checked(organisation, assignments)
    RoleAssignment.objects.filter(pk__in=[a.pk for a in assignments]).delete()
    _forget_grants(user)
    administration_event_record(
        actor=actor, organisation=organisation, action="revoke", object_type="role", object_id=user.pk,
        summary=_("%(user)s miste alla roller i organisationen.") % {"user": user.get_username()},
        changes={"user": user.get_username(), "roles": len(assignments)})
    return len(assignments)


@transaction.atomic
def organisation_user_set_active(*, actor, organisation: Organisation, user: User, active: bool) -> User:
    """Deactivate (or reactivate) a user who works only in this organisation."""
    _require_administrator(actor, organisation.pk)
    _member_checked(organisation, user)
    _only_here_checked(organisation, user, _("kontots status"))
    if not active and user.pk == getattr(actor, "pk", None):
        raise DomainError(_("Du kan inte inaktivera ditt eget konto."), field="user")
    if not active:
        _last_admin_checked(organisation, list(RoleAssignment.objects.filter(user=user, organisation=organisation)))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        administration_event_record(
            actor=actor, organisation=organisation, action="activate" if active else "deactivate",
            object_type="user", object_id=user.pk,
            summary=(_("%(user)s aktiverades igen.") if active else _("%(user)s inaktiverades."))
            % {"user": user.get_username()}, changes={"is_active": active})
    return user


@transaction.atomic
def organisation_user_emergency_access_set(*, actor, organisation: Organisation, user: User,
                                           emergency_access: bool) -> User:
    """Mark (or unmark) a user of this organisation as an emergency account: one
    who may sign in with a password when local passwords are turned off."""
    _require_administrator(actor, organisation.pk)
    _member_checked(organisation, user)
    _only_here_checked(organisation, user, _("nödkontot"))
    if user.emergency_access != emergency_access:
        if not emergency_access and not organisation.local_login_enabled:
            from . import selectors

            if not selectors.emergency_logins_of(organisation=organisation, excluding=user):
                raise DomainError(_("Lokala lösenord är avstängda och %(user)s är det sista nödkontot. Markera ett "
                                    "annat nödkonto först.") % {"user": user.get_username()}, field="user")
        user.emergency_access = emergency_access
        user.save(update_fields=["emergency_access"])
        administration_event_record(
            actor=actor, organisation=organisation, action="update", object_type="user", object_id=user.pk,
            summary=(_("%(user)s markerades som nödkonto.") if emergency_access
                     else _("%(user)s är inte längre nödkonto.")) % {"user": user.get_username()},
            changes={"emergency_access": emergency_access})
    return user


# --- identity providers and group-role mappings ----------------------------------------------------
IDENTITY_PROVIDER_FIELDS = ("slug", "name", "protocol", "enabled", "issuer", "client_id", "client_secret", "scopes",
                            "entity_id", "metadata_xml", "metadata_url", "groups_attribute", "username_attribute",
                            "clock_skew_seconds")
SAML_METADATA_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def _url_errors(url: str, *, what: str) -> list[str]:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or not host or parts.scheme not in ("https", "http") or " " in url:
        return [_("Ange %(what)s som en adress som börjar med https://.") % {"what": what}]
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        return [_("%(what)s måste använda https:// (http:// går bara för localhost och 127.0.0.1).")
                % {"what": what.capitalize()}]
    return []


def saml_metadata_errors(xml: str) -> list[str]:
    """Pasted SAML metadata must be an EntityDescriptor describing an identity
    provider (IDPSSODescriptor); parsed without entities or DTDs (defusedxml)."""
    import defusedxml
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(xml.encode("utf-8"), forbid_dtd=True)
    except (ElementTree.ParseError, defusedxml.DefusedXmlException, ValueError):
        return [_("Metadata är inte giltig XML.")]
    if root.tag != f"{{{SAML_METADATA_NS}}}EntityDescriptor":
        return [_("Metadata ska vara ett SAML 2.0-EntityDescriptor.")]
    if root.find(f"{{{SAML_METADATA_NS}}}IDPSSODescriptor") is None:
        return [_("Metadata beskriver ingen identitetsleverantör (IDPSSODescriptor saknas).")]
    return []


def _provider_errors(provider) -> dict[str, list[str]]:
    from .models import IdentityProvider

    errors = _validation_errors(provider, exclude=["organisation"])
    if provider.slug and "slug" not in errors and IdentityProvider.objects.filter(slug=provider.slug).exclude(
            pk=provider.pk).exists():
        _add(errors, "slug", _("Kortnamnet %(slug)s används redan.") % {"slug": provider.slug})
    if provider.protocol == IdentityProvider.Protocol.OIDC:
        if not provider.issuer:
            _add(errors, "issuer", _("Ange utfärdaren (issuer) för OpenID Connect."))
        else:
            for message in _url_errors(provider.issuer, what=_("utfärdaren")):
                _add(errors, "issuer", message)
        if not provider.client_id:
            _add(errors, "client_id", _("Ange klient-id för OpenID Connect."))
    elif provider.protocol == IdentityProvider.Protocol.SAML:
        if not provider.entity_id:
            _add(errors, "entity_id", _("Ange identitetsleverantörens entity-id."))
        if not provider.metadata_xml and not provider.metadata_url:
            _add(errors, "metadata_xml", _("Klistra in metadata (XML) eller ange adressen till den."))
        if provider.metadata_xml:
            for message in saml_metadata_errors(provider.metadata_xml):
                _add(errors, "metadata_xml", message)
        if provider.metadata_url and "metadata_url" not in errors:
            for message in _url_errors(provider.metadata_url, what=_("adressen till metadata")):
                _add(errors, "metadata_url", message)
    if provider.clock_skew_seconds is not None and provider.clock_skew_seconds > 600 \
            and "clock_skew_seconds" not in errors:
        _add(errors, "clock_skew_seconds", _("Högst 600 sekunder."))
    return errors


def _provider_normalised(provider) -> None:
    for name in ("slug", "name", "issuer", "client_id", "scopes", "entity_id", "metadata_url", "groups_attribute",
                 "username_attribute"):
        setattr(provider, name, " ".join(str(getattr(provider, name) or "").split()))
    provider.metadata_xml = (provider.metadata_xml or "").strip()
    provider.slug = provider.slug.lower()
    # Left empty: the usual values (the scopes matter for OpenID Connect only).
    provider.scopes = provider.scopes or "openid email profile"
    provider.groups_attribute = provider.groups_attribute or "groups"


def _provider_changes(provider, names) -> dict:
    """What changed, for the history: secrets and the (long) metadata only as changed."""
    return {name: "(ändrad)" if name in ("client_secret", "metadata_xml") else getattr(provider, name)
            for name in names}


@transaction.atomic
def identity_provider_create(*, actor, organisation: Organisation, **values):
    """An administrator adds an identity provider (OpenID Connect or SAML 2.0)."""
    from .models import IdentityProvider

    _require_administrator(actor, organisation.pk)
    unknown = set(values) - set(IDENTITY_PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown identity provider fields: {sorted(unknown)}")
    provider = IdentityProvider(organisation=organisation, **{k: v for k, v in values.items() if v is not None})
    _provider_normalised(provider)
    _raise_if(_provider_errors(provider), _("Identitetsleverantören kunde inte sparas."))
    provider.save()
    administration_event_record(
        actor=actor, organisation=organisation, action="create", object_type="identity_provider",
        object_id=provider.pk, summary=_("Identitetsleverantören %(name)s lades till.") % {"name": provider.name},
        changes=_provider_changes(provider, [k for k, v in values.items() if v not in (None, "")]))
    return provider


@transaction.atomic
def identity_provider_update(*, actor, provider, **changes):
    """An administrator changes an identity provider. An empty or absent client
    secret keeps the one stored (it is never shown again)."""
    from .models import IdentityProvider

    _require_administrator(actor, provider.organisation_id)
    unknown = set(changes) - set(IDENTITY_PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown identity provider fields: {sorted(unknown)}")
    provider = IdentityProvider.objects.select_for_update().get(pk=provider.pk)
    if not changes.get("client_secret"):
        changes.pop("client_secret", None)
    before = {name: getattr(provider, name) for name in IDENTITY_PROVIDER_FIELDS}
    for name, value in changes.items():
        setattr(provider, name, value)
    _provider_normalised(provider)
    errors = _provider_errors(provider)
    if before["enabled"] and not provider.enabled:
        try:
            _last_provider_checked(provider)
        except DomainError as exc:
            _merge(errors, {"enabled": [exc.message]})
    _raise_if(errors, _("Identitetsleverantören kunde inte sparas."))
    provider.save()
    changed = [name for name in IDENTITY_PROVIDER_FIELDS if getattr(provider, name) != before[name]]
    if changed:
        administration_event_record(
            actor=actor, organisation=provider.organisation, action="update", object_type="identity_provider",
            object_id=provider.pk, summary=_("Identitetsleverantören %(name)s ändrades.") % {"name": provider.name},
            changes=_provider_changes(provider, changed))
    return provider


def _last_provider_checked(provider) -> None:
    organisation = provider.organisation
    if not organisation.local_login_enabled and not organisation.identity_providers.filter(enabled=True).exclude(
            pk=provider.pk).exists():
        raise DomainError(_("Lokala lösenord är avstängda och %(name)s är organisationens enda aktiva "
                            "identitetsleverantör. Tillåt lokala lösenord först.") % {"name": provider.name},
                          field="enabled")


@transaction.atomic
def identity_provider_set_enabled(*, actor, provider, enabled: bool):
    """Turn an identity provider off (its users can no longer sign in through it) or on again."""
    return identity_provider_update(actor=actor, provider=provider, enabled=enabled)


@transaction.atomic
def group_role_mapping_create(*, actor, organisation: Organisation, group: str, role: str, provider=None,
                              organ: Organ | None = None):
    """A group at the identity provider gives a role in the organisation (on all its organs or one)."""
    from .models import GroupRoleMapping

    _require_administrator(actor, organisation.pk)
    mapping = GroupRoleMapping(organisation=organisation, group=" ".join((group or "").split()), role=role,
                               provider=provider, organ=organ)
    errors = _role_errors(organisation, role, organ)
    if not mapping.group:
        _add(errors, "group", _("Ange gruppens namn."))
    elif len(mapping.group) > 255:
        _add(errors, "group", _("Högst %(limit_value)s tecken.") % {"limit_value": 255})
    if provider is not None and provider.organisation_id != organisation.pk:
        _add(errors, "provider", _("Identitetsleverantören hör till en annan organisation."))
    if not errors and GroupRoleMapping.objects.filter(organisation=organisation, provider=provider,
                                                      group=mapping.group, role=role, organ=organ).exists():
        _add(errors, "group", _("Den här gruppen ger redan den rollen."))
    _raise_if(errors, _("Mappningen kunde inte sparas."))
    mapping.save()
    administration_event_record(
        actor=actor, organisation=organisation, action="create", object_type="group_role_mapping",
        object_id=mapping.pk, summary=_("Gruppen %(group)s ger rollen %(role)s.") % {
            "group": mapping.group, "role": mapping.get_role_display()},
        changes={"group": mapping.group, "role": role, "provider": provider.slug if provider else None,
                 "organ": organ.code if organ else None})
    return mapping


@transaction.atomic
def group_role_mapping_delete(*, actor, mapping) -> None:
    _require_administrator(actor, mapping.organisation_id)
    summary = _("Gruppen %(group)s ger inte längre rollen %(role)s.") % {
        "group": mapping.group, "role": mapping.get_role_display()}
    organisation, pk = mapping.organisation, mapping.pk
    mapping.delete()
    administration_event_record(actor=actor, organisation=organisation, action="delete",
                                object_type="group_role_mapping", object_id=pk, summary=summary,
                                changes={"group": mapping.group, "role": mapping.role})
