"""An organisation's organs, kept by its own administrators over JSON: thin over
access.organisation_for_admin_get, selectors and services.

Who: the admin role for the whole organisation (or a superuser), the rule the
registry's reference data already followed. An administrator of one
organisation is refused another's (403) and never finds its rows (404)."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Router, Schema, Status

from diarium.core.api.auth import WRITE, actor
from diarium.core.api.errors import ERRORS as API_ERRORS
from diarium.core.api.errors import ErrorOut
from diarium.core.api.types import Id
from diarium.core.lookups import referenced

from . import access, selectors, services
from .models import Organ

router = Router(tags=["Organisation"])

ERRORS = {**API_ERRORS, 409: ErrorOut}  # 409: still in use

OrganKind = Literal["council", "executive_board", "committee", "board", "company", "federation", "external"]


class AdminOrganOut(Schema):
    id: int
    organisation_id: int
    code: str
    name: str
    kind: OrganKind
    kind_label: str
    parent_id: int | None
    email: str
    active: bool

    @staticmethod
    def resolve_kind_label(obj: Organ) -> str:
        return str(obj.get_kind_display())


class OrganIn(Schema):
    name: str = Field(max_length=200)
    code: str = Field(max_length=20, description="Förkortning, unik i organisationen, t.ex. \"KS\".")
    kind: OrganKind
    parent: Id | None = Field(None, description="Det överordnade organets id.")
    email: str = Field("", max_length=254)
    active: bool = True


class OrganChangeIn(Schema):
    name: str = Field(None, max_length=200)
    code: str = Field(None, max_length=20)
    kind: OrganKind = None
    parent: Id | None = Field(None, description="Det överordnade organets id; null tar bort det.")
    email: str = Field(None, max_length=254)
    active: bool = None


def _parent(organisation, pk: int | None):
    """The parent organ named by id: one of the organisation's, else the client's error."""
    if pk is None:
        return None
    return referenced(lambda: selectors.organ_of(organisation=organisation, pk=pk), "parent")


@router.get("/organisations/{organisation_id}/organs", response={200: list[AdminOrganOut], **ERRORS}, auth=WRITE,
            url_name="admin_organ_list")
def admin_organ_list(request, organisation_id: Id):
    """Every organ of the organisation, inactive ones too (administrators only)."""
    organisation = access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    return selectors.organs_of(organisation=organisation)


@router.post("/organisations/{organisation_id}/organs", response={201: AdminOrganOut, **ERRORS}, auth=WRITE,
             url_name="admin_organ_create")
def admin_organ_create(request, organisation_id: Id, payload: OrganIn):
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    organ = services.organ_add(actor=user, organisation=organisation, name=payload.name, code=payload.code,
                               kind=payload.kind, parent=_parent(organisation, payload.parent),
                               email=payload.email, active=payload.active)
    return Status(201, organ)


@router.patch("/organisations/{organisation_id}/organs/{organ_id}", response={200: AdminOrganOut, **ERRORS},
              auth=WRITE, url_name="admin_organ_change")
def admin_organ_change(request, organisation_id: Id, organ_id: Id, payload: OrganChangeIn):
    """Change an organ; send only what changes. Null leaves a field as it is,
    except `parent`, where it removes the parent."""
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    organ = selectors.organ_of(organisation=organisation, pk=organ_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "parent"}
    if "parent" in changes:
        changes["parent"] = _parent(organisation, changes["parent"])
    return services.organ_update(actor=user, organ=organ, **changes)


@router.delete("/organisations/{organisation_id}/organs/{organ_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="admin_organ_delete")
def admin_organ_delete(request, organisation_id: Id, organ_id: Id):
    """Remove an organ nothing refers to; one in use is 409 (make it inactive instead)."""
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    services.organ_delete(actor=user, organ=selectors.organ_of(organisation=organisation, pk=organ_id))
    return Status(204, None)


# --- the organisation's users and roles ---------------------------------------------------------
RoleName = Literal["admin", "registrar", "case_officer", "reader"]


class MemberRoleOut(Schema):
    id: int
    role: RoleName
    label: str
    organ_id: int | None
    organ_code: str | None


class MemberIdentityOut(Schema):
    provider: str
    subject: str
    last_seen_at: datetime.datetime


class MemberOut(Schema):
    id: int
    username: str
    name: str
    email: str
    active: bool
    emergency_access: bool
    superuser: bool = Field(description="Superanvändare visas men ändras inte av organisationens administratörer.")
    other_organisations: bool = Field(description="Har roller även i en annan organisation.")
    roles: list[MemberRoleOut]
    identities: list[MemberIdentityOut]

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.get_full_name()

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.user.is_active

    @staticmethod
    def resolve_emergency_access(obj) -> bool:
        return obj.user.emergency_access

    @staticmethod
    def resolve_superuser(obj) -> bool:
        return obj.user.is_superuser

    @staticmethod
    def resolve_other_organisations(obj) -> bool:
        return obj.elsewhere


class RoleIn(Schema):
    role: RoleName
    organ: Id | None = Field(None, description="Organets id; utelämnat eller null: hela organisationen.")


def _organ(organisation, pk: int | None, field: str = "organ"):
    if pk is None:
        return None
    return referenced(lambda: selectors.organ_of(organisation=organisation, pk=pk), field)


@router.get("/organisations/{organisation_id}/users", response={200: list[MemberOut], **ERRORS}, auth=WRITE,
            url_name="admin_user_list")
def admin_user_list(request, organisation_id: Id):
    """Everyone with a role in the organisation, with their roles there and their sign-ons."""
    organisation = access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    return selectors.organisation_members(organisation=organisation)


@router.post("/organisations/{organisation_id}/users/{user_id}/roles", response={201: MemberRoleOut, **ERRORS},
             auth=WRITE, url_name="admin_role_grant")
def admin_role_grant(request, organisation_id: Id, user_id: Id, payload: RoleIn):
    """Give one of the organisation's users a role, on all its organs or on one."""
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    member = selectors.organisation_user_of(organisation=organisation, pk=user_id)
    assignment = services.organisation_role_grant(actor=user, organisation=organisation, user=member,
                                                  role=payload.role, organ=_organ(organisation, payload.organ))
    return Status(201, {"id": assignment.pk, "role": assignment.role, "label": assignment.get_role_display(),
                        "organ_id": assignment.organ_id,
                        "organ_code": assignment.organ.code if assignment.organ_id else None})


@router.delete("/organisations/{organisation_id}/users/{user_id}/roles/{role_id}", response={204: None, **ERRORS},
               auth=WRITE, url_name="admin_role_revoke")
def admin_role_revoke(request, organisation_id: Id, user_id: Id, role_id: Id):
    """Take one of the organisation's roles from a user (their roles elsewhere stay)."""
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    member = selectors.organisation_user_of(organisation=organisation, pk=user_id)
    assignment = selectors.role_assignment_of(organisation=organisation, user=member, pk=role_id)
    services.organisation_role_revoke(actor=user, organisation=organisation, assignment=assignment)
    return Status(204, None)


# --- identity providers ---------------------------------------------------------------------------
Protocol = Literal["oidc", "saml"]


class IdentityProviderOut(Schema):
    id: int
    organisation_id: int
    slug: str
    name: str
    protocol: Protocol
    enabled: bool
    issuer: str
    client_id: str
    client_secret_set: bool = Field(description="Om en klienthemlighet är sparad. Själva hemligheten visas aldrig.")
    scopes: str
    entity_id: str
    metadata_xml: str
    metadata_url: str
    groups_attribute: str
    username_attribute: str
    clock_skew_seconds: int

    @staticmethod
    def resolve_client_secret_set(obj) -> bool:
        return bool(obj.client_secret)


class IdentityProviderIn(Schema):
    slug: str = Field(max_length=60)
    name: str = Field(max_length=200)
    protocol: Protocol
    enabled: bool = True
    issuer: str = Field("", max_length=500)
    client_id: str = Field("", max_length=255)
    client_secret: str = Field("", max_length=500, description="Skrivs bara; visas aldrig igen.")
    scopes: str = Field("openid email profile", max_length=255)
    entity_id: str = Field("", max_length=500)
    metadata_xml: str = Field("", max_length=200_000)
    metadata_url: str = Field("", max_length=500)
    groups_attribute: str = Field("groups", max_length=255)
    username_attribute: str = Field("", max_length=255)
    clock_skew_seconds: int = Field(120, ge=0, le=600)


class IdentityProviderChangeIn(Schema):
    slug: str = Field(None, max_length=60)
    name: str = Field(None, max_length=200)
    protocol: Protocol = None
    enabled: bool = None
    issuer: str = Field(None, max_length=500)
    client_id: str = Field(None, max_length=255)
    client_secret: str = Field(None, max_length=500, description="Tomt eller utelämnat: den sparade behålls.")
    scopes: str = Field(None, max_length=255)
    entity_id: str = Field(None, max_length=500)
    metadata_xml: str = Field(None, max_length=200_000)
    metadata_url: str = Field(None, max_length=500)
    groups_attribute: str = Field(None, max_length=255)
    username_attribute: str = Field(None, max_length=255)
    clock_skew_seconds: int = Field(None, ge=0, le=600)


@router.get("/organisations/{organisation_id}/identity-providers", response={200: list[IdentityProviderOut], **ERRORS},
            auth=WRITE, url_name="admin_identity_provider_list")
def admin_identity_provider_list(request, organisation_id: Id):
    """The organisation's identity providers; a client secret only as whether one is stored."""
    organisation = access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    return selectors.identity_providers_of(organisation=organisation)


@router.post("/organisations/{organisation_id}/identity-providers", response={201: IdentityProviderOut, **ERRORS},
             auth=WRITE, url_name="admin_identity_provider_create")
def admin_identity_provider_create(request, organisation_id: Id, payload: IdentityProviderIn):
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    provider = services.identity_provider_create(actor=user, organisation=organisation, **payload.dict())
    return Status(201, provider)


@router.patch("/organisations/{organisation_id}/identity-providers/{provider_id}",
              response={200: IdentityProviderOut, **ERRORS}, auth=WRITE, url_name="admin_identity_provider_change")
def admin_identity_provider_change(request, organisation_id: Id, provider_id: Id,
                                   payload: IdentityProviderChangeIn):
    """Change an identity provider; send only what changes (`enabled: false` turns it off)."""
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    provider = selectors.identity_provider_of(organisation=organisation, pk=provider_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.identity_provider_update(actor=user, provider=provider, **changes)


# --- group-role mappings --------------------------------------------------------------------------
class MappingOut(Schema):
    id: int
    group: str
    role: RoleName
    provider_id: int | None
    organ_id: int | None


class MappingIn(Schema):
    group: str = Field(max_length=255)
    role: RoleName
    provider: Id | None = Field(None, description="Identitetsleverantörens id; null: alla organisationens.")
    organ: Id | None = Field(None, description="Organets id; null: hela organisationen.")


@router.get("/organisations/{organisation_id}/group-role-mappings", response={200: list[MappingOut], **ERRORS},
            auth=WRITE, url_name="admin_mapping_list")
def admin_mapping_list(request, organisation_id: Id):
    organisation = access.organisation_for_admin_get(user=actor(request), pk=organisation_id)
    return selectors.group_role_mappings_of(organisation=organisation)


@router.post("/organisations/{organisation_id}/group-role-mappings", response={201: MappingOut, **ERRORS},
             auth=WRITE, url_name="admin_mapping_create")
def admin_mapping_create(request, organisation_id: Id, payload: MappingIn):
    """A group at the identity provider gives a role, renewed at every sign-on."""
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    provider = None if payload.provider is None else referenced(
        lambda: selectors.identity_provider_of(organisation=organisation, pk=payload.provider), "provider")
    mapping = services.group_role_mapping_create(actor=user, organisation=organisation, group=payload.group,
                                                 role=payload.role, provider=provider,
                                                 organ=_organ(organisation, payload.organ))
    return Status(201, mapping)


@router.delete("/organisations/{organisation_id}/group-role-mappings/{mapping_id}", response={204: None, **ERRORS},
               auth=WRITE, url_name="admin_mapping_delete")
def admin_mapping_delete(request, organisation_id: Id, mapping_id: Id):
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    services.group_role_mapping_delete(
        actor=user, mapping=selectors.group_role_mapping_of(organisation=organisation, pk=mapping_id))
    return Status(204, None)


# --- the organisation's settings and public site ------------------------------------------------
class SettingsOut(Schema):
    id: int
    name: str
    slug: str
    site_title: str
    host: str
    logo_url: str | None
    brand_colour: str
    contact_email: str
    contact_phone: str
    postal_address: str
    website: str
    local_login_enabled: bool

    @staticmethod
    def resolve_logo_url(obj) -> str | None:
        return obj.logo.url if obj.logo else None


class SettingsChangeIn(Schema):
    site_title: str = Field(None, max_length=200)
    host: str = Field(None, max_length=253)
    brand_colour: str = Field(None, max_length=7, description="#rrggbb; vit text måste ha kontrast minst 4,5:1.")
    contact_email: str = Field(None, max_length=254)
    contact_phone: str = Field(None, max_length=40)
    postal_address: str = Field(None, max_length=1000)
    website: str = Field(None, max_length=200)
    local_login_enabled: bool = None


@router.get("/organisations/{organisation_id}/settings", response={200: SettingsOut, **ERRORS}, auth=WRITE,
            url_name="admin_settings")
def admin_settings(request, organisation_id: Id):
    """The organisation's public site and contact details, and whether local passwords are allowed."""
    return access.organisation_for_admin_get(user=actor(request), pk=organisation_id)


@router.patch("/organisations/{organisation_id}/settings", response={200: SettingsOut, **ERRORS}, auth=WRITE,
              url_name="admin_settings_change")
def admin_settings_change(request, organisation_id: Id, payload: SettingsChangeIn):
    """Change the settings; send only what changes. The logo is uploaded on the web page."""
    user = actor(request)
    organisation = access.organisation_for_admin_get(user=user, pk=organisation_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.organisation_settings_update(actor=user, organisation=organisation, **changes)
