"""Issue 25: an organisation administrator's own screens for the organisation's
settings and public site, organs, users and roles, identity providers and
group-role mappings (and their API), as the administrator meets them: each
works, every error of a form is shown at once, bad input writes nothing, a
client secret is never shown, and every change is in the administration's history."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from diarium.accounts import services as accounts
from diarium.accounts.models import (
    AdministrationEvent,
    ExternalIdentity,
    GroupRoleMapping,
    IdentityProvider,
    Organ,
    Organisation,
    Role,
    RoleAssignment,
    User,
)

from . import factories as f
from .api_support import post_json

# The screens are the subject; their services' database paths run on both through
# test_administration_isolation.py and the API tests: beside PostgreSQL only in CI (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database(on="postgresql")]

SECRET = "hemlig-klienthemlighet-4711"
IDP_METADATA = (
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.alingsas.se">'
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
    'Location="https://idp.alingsas.se/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>'
)


@pytest.fixture
def org():
    return f.organisation()


@pytest.fixture
def ks(org):
    return f.organ(org)


@pytest.fixture
def admin(org, ks):
    return f.user(org, Role.ADMIN, username="alingsas-admin")


@pytest.fixture
def lerum():
    org = f.organisation(name="Lerums kommun", slug="lerum")
    return org, f.organ(org, code="LKS", name="Lerums kommunstyrelse")


@pytest.fixture
def web(client, admin):
    client.force_login(admin)
    return client


def url(name, org, **kw):
    return reverse(f"administration:{name}", kwargs={"org": org.slug, **kw})


def page(response) -> str:
    return response.content.decode()


def summary_links(html: str) -> list[str]:
    """The fields the error summary at the top of the form links to."""
    box = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="#id_(\w+)"', box)


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (29, 78, 137)).save(out, format="PNG")
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def events(org, **kw):
    return AdministrationEvent.objects.filter(organisation=org, **kw)


def test_the_overview_leads_to_each_screen(web, org):
    html = page(web.get(reverse("administration:overview", kwargs={"org": org.slug})))
    for name in ("settings", "organ_list", "user_list", "provider_list", "mapping_list"):
        assert f'href="{url(name, org)}"' in html


# --- 1. settings and public site -----------------------------------------------------------------
def test_the_settings_are_saved_and_recorded(web, org):
    form = page(web.get(url("settings", org)))
    assert 'name="host"' in form and 'enctype="multipart/form-data"' in form
    response = web.post(url("settings", org), {
        "site_title": "Alingsås diarium", "host": "Diarium.Alingsas.SE", "brand_colour": "#1D4E89",
        "contact_email": "kommun@alingsas.se", "contact_phone": "0322-61 60 00",
        "postal_address": "Box 1\n441 81 Alingsås", "website": "https://www.alingsas.se",
        "local_login_enabled": "on", "logo": upload("logga.png", png_bytes()),
    }, follow=True)
    assert "Inställningarna har sparats." in page(response)
    org.refresh_from_db()
    assert (org.host, org.brand_colour, org.site_title) == ("diarium.alingsas.se", "#1d4e89", "Alingsås diarium")
    assert org.logo.name.endswith(".png")
    event = events(org, object_type="organisation").get()
    assert event.changes["host"] == "diarium.alingsas.se" and "logo" in event.changes


def test_every_settings_error_is_shown_at_once_and_nothing_is_saved(web, org, lerum):
    lerum_org, _ks = lerum
    lerum_org.host = "diarium.lerum.se"
    lerum_org.save()
    response = web.post(url("settings", org), {
        "site_title": "x" * 201, "host": "diarium.lerum.se", "brand_colour": "#ffff00",
        "contact_email": "inte en adress", "website": "ftp://alingsas.se",
        "logo": upload("logga.png", b"inte en bild alls"),
        # local_login_enabled left out: turned off, with no identity provider and no emergency account
    })
    assert response.status_code == 400
    html = page(response)
    assert set(summary_links(html)) == {"site_title", "host", "brand_colour", "contact_email", "website", "logo",
                                        "local_login_enabled"}
    assert "Värdnamnet diarium.lerum.se används redan" in html
    assert "Vit text mot #ffff00 har kontrasten 1,07:1" in html
    assert "ingen aktiv identitetsleverantör" in html and "nödkonto" in html
    org.refresh_from_db()
    assert (org.host, org.brand_colour, org.local_login_enabled, org.logo.name) == ("", "#1d4e89", True, "")
    assert not events(org).exists()


@pytest.mark.parametrize("host", ["https://diarium.alingsas.se", "diarium.alingsas.se:8000", "diarium", "-a.se",
                                  "diarium_alingsas.se", "a..se"])
def test_a_host_name_must_be_a_plain_host_name(web, org, host):
    response = web.post(url("settings", org), {"host": host, "brand_colour": "#1d4e89", "local_login_enabled": "on"})
    assert response.status_code == 400 and summary_links(page(response)) == ["host"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("logga.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "skript (&lt;script&gt;)"),
    ("logga.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', "attributet onload"),
    ("logga.png", b"GIF89a" + b"\x00" * 20, "PNG-, JPEG- eller SVG-bild"),
    ("stor.png", None, "högst 1 MB"),
])
def test_a_logo_is_judged_by_its_content(web, org, name, data, message):
    if data is None:
        data = png_bytes() + b"\x00" * (1024 * 1024)
    response = web.post(url("settings", org), {"brand_colour": "#1d4e89", "local_login_enabled": "on",
                                               "logo": upload(name, data)})
    assert response.status_code == 400 and message in page(response)
    org.refresh_from_db()
    assert not org.logo


def test_a_clean_svg_logo_is_taken(web, org):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'
    response = web.post(url("settings", org), {"brand_colour": "#1d4e89", "local_login_enabled": "on",
                                               "logo": upload("logga.svg", svg)})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.logo.name.endswith(".svg")


def test_local_passwords_go_off_only_with_a_provider_and_an_emergency_account(web, org, admin):
    settings = {"brand_colour": "#1d4e89"}  # local_login_enabled unticked
    IdentityProvider.objects.create(organisation=org, slug="alingsas-ad", name="Alingsås AD", protocol="oidc",
                                    issuer="https://login.alingsas.se", client_id="diarium")
    refused = web.post(url("settings", org), settings)
    assert refused.status_code == 400 and "inget nödkonto" in page(refused).lower()
    admin.emergency_access = True
    admin.save()
    assert web.post(url("settings", org), settings).status_code == 302
    org.refresh_from_db()
    assert org.local_login_enabled is False


# --- 2. organs -----------------------------------------------------------------------------------
def test_organs_are_added_changed_and_removed(web, org, ks):
    response = web.post(url("organ_add", org), {"name": "Barn- och ungdomsnämnden", "code": "BUN",
                                                "kind": "board", "parent": str(ks.pk), "active": "on"}, follow=True)
    assert "Organet har lagts till." in page(response) and "Barn- och ungdomsnämnden" in page(response)
    bun = Organ.objects.get(organisation=org, code="BUN")
    assert bun.parent == ks
    response = web.post(url("organ_edit", org, pk=bun.pk), {"name": "Barnnämnden", "code": "BUN", "kind": "board",
                                                             "parent": "", "email": ""}, follow=True)
    bun.refresh_from_db()
    assert (bun.name, bun.parent, bun.active) == ("Barnnämnden", None, False)
    confirm = web.get(url("organ_delete", org, pk=bun.pk))
    assert "Ta bort organet Barnnämnden (BUN)?" in page(confirm) and Organ.objects.filter(pk=bun.pk).exists()
    response = web.post(url("organ_delete", org, pk=bun.pk), follow=True)
    assert "har tagits bort" in page(response) and not Organ.objects.filter(pk=bun.pk).exists()
    assert list(events(org, object_type="organ").order_by("id").values_list("action", flat=True)) == [
        "create", "update", "delete"]


def test_an_organ_form_shows_every_error_at_once(web, org, ks):
    response = web.post(url("organ_add", org), {"name": "", "code": "KS", "kind": "board", "email": "nej"})
    assert response.status_code == 400
    assert set(summary_links(page(response))) == {"name", "code", "email"}
    assert Organ.objects.filter(organisation=org).count() == 1 and not events(org).exists()


def test_an_organ_in_use_is_not_removed(web, org, ks, admin):
    f.registrar(org, ks)
    response = web.post(url("organ_delete", org, pk=ks.pk), follow=True)
    assert "Organet används" in page(response) and Organ.objects.filter(pk=ks.pk).exists()


# --- 3. users and roles --------------------------------------------------------------------------
def test_the_users_are_listed_with_roles_identities_and_status(web, org, ks, admin, lerum):
    registrar = f.user(org, Role.REGISTRAR, ks, username="registrator")
    provider = IdentityProvider.objects.create(organisation=org, slug="alingsas-ad", name="Alingsås AD",
                                               protocol="oidc", issuer="https://login.alingsas.se", client_id="d")
    ExternalIdentity.objects.create(user=registrar, provider=provider, subject="abc", first_seen_at=timezone.now(),
                                    last_seen_at=timezone.now())
    f.user(lerum[0], Role.ADMIN, username="lerum-admin")
    html = page(web.get(url("user_list", org)))
    assert "registrator" in html and "Registrator (KS)" in html and "Alingsås AD, senast" in html
    assert "alingsas-admin" in html and "Administratör (hela organisationen)" in html
    assert "lerum-admin" not in html


def test_a_local_user_is_added_with_a_role(web, org, ks):
    response = web.post(url("user_add", org), {
        "username": "nyregistrator", "first_name": "Nora", "last_name": "Ny", "email": "nora@alingsas.se",
        "password": f.PASSWORD, "role": "registrar", "organ": str(ks.pk)}, follow=True)
    assert "Användaren har lagts till." in page(response)
    user = User.objects.get(username="nyregistrator")
    assert user.check_password(f.PASSWORD)
    assert list(user.roles.values_list("organisation", "organ", "role")) == [(org.pk, ks.pk, "registrar")]
    event = events(org, object_type="user", action="create").get()
    assert f.PASSWORD not in json.dumps(event.changes) and f.PASSWORD not in event.summary


def test_adding_a_user_shows_every_error_and_creates_nobody(web, org, admin):
    before = User.objects.count()
    response = web.post(url("user_add", org), {"username": "alingsas-admin", "email": "fel", "password": "123",
                                               "role": "registrar", "organ": ""})
    assert response.status_code == 400
    assert set(summary_links(page(response))) == {"username", "email", "password"}
    assert "Användarnamnet är upptaget." in page(response)
    assert 'value="123"' not in page(response)
    assert User.objects.count() == before and not events(org).exists()


def test_roles_are_given_and_taken(web, org, ks):
    user = f.user(org, Role.READER, ks, username="lasare")
    detail = url("user_detail", org, pk=user.pk)
    response = web.post(detail, {"role": "case_officer", "organ": ""}, follow=True)
    assert "Rollen har getts." in page(response) and "Handläggare (hela organisationen)" in page(response)
    assignment = RoleAssignment.objects.get(user=user, role="case_officer")
    revoke = url("role_revoke", org, pk=user.pk, role_pk=assignment.pk)
    assert "Ta bort rollen Handläggare" in page(web.get(revoke))
    response = web.post(revoke, follow=True)
    assert "Rollen har tagits bort." in page(response)
    assert list(user.roles.values_list("role", flat=True)) == ["reader"]
    assert list(events(org, object_type="role").values_list("action", flat=True).order_by("id")) == ["grant", "revoke"]


def test_the_last_administrator_keeps_the_role(web, org, admin):
    assignment = RoleAssignment.objects.get(user=admin, role="admin")
    response = web.post(url("role_revoke", org, pk=admin.pk, role_pk=assignment.pk), follow=True)
    assert "minst en aktiv administratör" in page(response)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_user_only_here_is_deactivated_and_made_an_emergency_account(web, org, ks):
    user = f.user(org, Role.REGISTRAR, ks, username="registrator")
    status = url("user_status", org, pk=user.pk)
    assert "Inaktivera registrator?" in page(web.get(status + "?action=deactivate"))
    web.post(status, {"action": "deactivate"})
    user.refresh_from_db()
    assert user.is_active is False
    web.post(status, {"action": "reactivate"})
    web.post(status, {"action": "emergency_on"})
    user.refresh_from_db()
    assert user.is_active and user.emergency_access
    assert set(events(org, object_type="user").values_list("action", flat=True)) == {"deactivate", "activate",
                                                                                     "update"}


def test_a_user_of_two_organisations_only_loses_the_roles_here(web, org, ks, lerum):
    user = f.user(org, Role.REGISTRAR, ks, username="delad")
    accounts.role_grant(user=user, organisation=lerum[0], role=Role.READER)
    status = url("user_status", org, pk=user.pk)
    response = web.post(status, {"action": "deactivate"}, follow=True)
    assert "har roller även i en annan organisation" in page(response)
    user.refresh_from_db()
    assert user.is_active
    response = web.post(status, {"action": "remove_roles"}, follow=True)
    assert "inte längre några roller" in page(response)
    assert list(user.roles.values_list("organisation", flat=True)) == [lerum[0].pk]


def test_superusers_and_other_organisations_users_are_out_of_reach(web, org, lerum):
    superuser = f.user(superuser=True, username="root")
    accounts.role_grant(user=superuser, organisation=org, role=Role.READER)
    lerum_user = f.user(lerum[0], Role.REGISTRAR, username="lerum-reg")
    for user in (superuser, lerum_user):
        assert web.get(url("user_detail", org, pk=user.pk)).status_code == 404
        assert web.post(url("user_status", org, pk=user.pk), {"action": "deactivate"}).status_code == 404
        user.refresh_from_db()
        assert user.is_active


# --- 4. identity providers -----------------------------------------------------------------------
OIDC = {"name": "Alingsås AD", "slug": "alingsas-ad", "protocol": "oidc", "enabled": "on",
        "issuer": "https://login.alingsas.se", "client_id": "diarium", "client_secret": SECRET,
        "scopes": "openid email profile", "groups_attribute": "groups", "clock_skew_seconds": "120"}


def test_an_identity_provider_keeps_its_secret_unseen(web, org):
    response = web.post(url("provider_add", org), OIDC, follow=True)
    html = page(response)
    assert "Identitetsleverantören har lagts till." in html and "sparad" in html and SECRET not in html
    provider = IdentityProvider.objects.get(slug="alingsas-ad")
    assert provider.client_secret == SECRET
    edit = page(web.get(url("provider_edit", org, pk=provider.pk)))
    assert SECRET not in edit and "Klienthemlighet: sparad." in edit
    web.post(url("provider_edit", org, pk=provider.pk), {**OIDC, "name": "Alingsås Entra", "client_secret": ""})
    provider.refresh_from_db()
    assert (provider.name, provider.client_secret) == ("Alingsås Entra", SECRET)
    web.post(url("provider_edit", org, pk=provider.pk), {**OIDC, "client_secret": "ny-hemlighet"})
    provider.refresh_from_db()
    assert provider.client_secret == "ny-hemlighet"
    history = json.dumps(list(events(org, object_type="identity_provider").values("summary", "changes")),
                         ensure_ascii=False)
    assert SECRET not in history and "ny-hemlighet" not in history and "(ändrad)" in history


def test_an_identity_provider_form_shows_every_error_at_once(web, org, lerum):
    IdentityProvider.objects.create(organisation=lerum[0], slug="alingsas-ad", name="Lerum", protocol="oidc",
                                    issuer="https://login.lerum.se", client_id="x")
    response = web.post(url("provider_add", org), {**OIDC, "issuer": "http://login.alingsas.se", "client_id": "",
                                                   "name": ""})
    assert response.status_code == 400
    html = page(response)
    assert set(summary_links(html)) == {"name", "slug", "issuer", "client_id"}
    assert "http:// går bara för localhost" in html and SECRET not in html
    assert not IdentityProvider.objects.filter(organisation=org).exists()


def test_a_local_oidc_issuer_may_use_http(web, org):
    response = web.post(url("provider_add", org), {**OIDC, "issuer": "http://127.0.0.1:8080/realms/test"})
    assert response.status_code == 302


@pytest.mark.parametrize(("metadata", "message"), [
    ("<inte xml", "inte giltig XML"),
    ('<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><SPSSODescriptor/></EntityDescriptor>',
     "IDPSSODescriptor saknas"),
    ('<!DOCTYPE x [<!ENTITY a "b">]><EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>',
     "inte giltig XML"),
])
def test_saml_metadata_is_checked(web, org, metadata, message):
    response = web.post(url("provider_add", org), {
        "name": "Alingsås SAML", "slug": "alingsas-saml", "protocol": "saml", "entity_id": "https://idp.alingsas.se",
        "metadata_xml": metadata, "clock_skew_seconds": "120"})
    assert response.status_code == 400 and message in page(response)


def test_a_saml_provider_is_added_and_disabled(web, org):
    response = web.post(url("provider_add", org), {
        "name": "Alingsås SAML", "slug": "alingsas-saml", "protocol": "saml", "enabled": "on",
        "entity_id": "https://idp.alingsas.se", "metadata_xml": IDP_METADATA, "groups_attribute": "groups",
        "clock_skew_seconds": "120"})
    assert response.status_code == 302, summary_links(page(response))
    provider = IdentityProvider.objects.get(slug="alingsas-saml")
    toggle = url("provider_enabled", org, pk=provider.pk)
    assert "Inaktivera Alingsås SAML?" in page(web.get(toggle))
    response = web.post(toggle, follow=True)
    provider.refresh_from_db()
    assert "är inaktiverad" in page(response) and provider.enabled is False


# --- 5. group-role mappings ----------------------------------------------------------------------
def test_group_role_mappings_are_added_and_removed(web, org, ks, lerum):
    provider = IdentityProvider.objects.create(organisation=org, slug="alingsas-ad", name="Alingsås AD",
                                               protocol="oidc", issuer="https://login.alingsas.se", client_id="d")
    foreign = IdentityProvider.objects.create(organisation=lerum[0], slug="lerum-ad", name="Lerum AD",
                                              protocol="oidc", issuer="https://login.lerum.se", client_id="d")
    mappings = url("mapping_list", org)
    assert "Lerum AD" not in page(web.get(mappings))
    response = web.post(mappings, {"group": "Diarium-registratorer", "provider": str(provider.pk),
                                   "role": "registrar", "organ": str(ks.pk)}, follow=True)
    assert "Mappningen har lagts till." in page(response)
    mapping = GroupRoleMapping.objects.get(organisation=org)
    assert (mapping.provider, mapping.organ, mapping.role) == (provider, ks, "registrar")
    twice = web.post(mappings, {"group": "Diarium-registratorer", "provider": str(provider.pk), "role": "registrar",
                                "organ": str(ks.pk)})
    assert twice.status_code == 400 and "ger redan den rollen" in page(twice)
    refused = web.post(mappings, {"group": "", "provider": str(foreign.pk), "role": "registrar",
                                  "organ": str(lerum[1].pk)})
    assert refused.status_code == 400 and set(summary_links(page(refused))) >= {"provider", "organ"}
    response = web.post(url("mapping_delete", org, pk=mapping.pk), follow=True)
    assert "Mappningen har tagits bort." in page(response) and not GroupRoleMapping.objects.exists()
    assert list(events(org, object_type="group_role_mapping").values_list("action", flat=True).order_by("id")) == [
        "create", "delete"]


# --- the doors: the screens, Django's /admin/ and the menu ---------------------------------------
def test_only_administrators_reach_the_screens(client, org, ks):
    registrar = f.user(org, Role.REGISTRAR, ks)
    organ_admin = f.user(org, Role.ADMIN, ks)
    for user in (registrar, organ_admin):
        client.force_login(user)
        assert client.get(url("settings", org)).status_code == 404
    client.logout()
    assert client.get(url("settings", org)).status_code == 302


def test_django_admin_is_for_superusers_only(client, org):
    staff = f.user(username="personal")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/accounts/user/").status_code == 302
    client.force_login(f.user(superuser=True, username="root"))
    assert client.get("/admin/").status_code == 200


def test_the_menu_offers_each_the_administration_they_have(client, org, admin, ks):
    client.force_login(admin)
    html = page(client.get(reverse("decisions:meeting_list")))
    assert f'href="{reverse("administration:choice")}"' in html and "Installationens administration" not in html
    client.force_login(f.user(superuser=True, username="root"))
    html = page(client.get(reverse("decisions:meeting_list")))
    assert f'href="{reverse("administration:choice")}"' in html and "Installationens administration" in html
    client.force_login(f.registrar(org, ks))
    html = page(client.get(reverse("decisions:meeting_list")))
    assert reverse("administration:choice") not in html and 'href="/admin/"' not in html


# --- the API -------------------------------------------------------------------------------------
def patch_json(client, path, data):
    return client.patch(path, json.dumps(data), content_type="application/json")


def test_the_api_keeps_users_roles_providers_mappings_and_settings(client, org, ks, admin, lerum):
    client.force_login(admin)
    base = f"/api/organisations/{org.pk}"
    reader = f.user(org, Role.READER, ks, username="lasare")
    listed = client.get(f"{base}/users").json()
    assert {u["username"] for u in listed} == {"alingsas-admin", "lasare"}
    granted = post_json(client, f"{base}/users/{reader.pk}/roles", {"role": "registrar", "organ": ks.pk})
    assert granted.status_code == 201 and granted.json()["organ_code"] == "KS"
    foreign_organ = post_json(client, f"{base}/users/{reader.pk}/roles", {"role": "registrar", "organ": lerum[1].pk})
    assert foreign_organ.status_code == 400 and "organ" in foreign_organ.json()["errors"]
    assert client.delete(f"{base}/users/{reader.pk}/roles/{granted.json()['id']}").status_code == 204

    created = post_json(client, f"{base}/identity-providers", {
        "slug": "alingsas-ad", "name": "Alingsås AD", "protocol": "oidc", "issuer": "https://login.alingsas.se",
        "client_id": "diarium", "client_secret": SECRET})
    assert created.status_code == 201 and created.json()["client_secret_set"] is True
    assert SECRET not in created.content.decode()
    provider_id = created.json()["id"]
    bad = post_json(client, f"{base}/identity-providers", {"slug": "x", "name": "X", "protocol": "saml"})
    assert bad.status_code == 400 and {"entity_id", "metadata_xml"} <= set(bad.json()["errors"])
    changed = patch_json(client, f"{base}/identity-providers/{provider_id}", {"name": "Entra", "client_secret": ""})
    assert changed.status_code == 200 and changed.json()["name"] == "Entra"
    assert IdentityProvider.objects.get(pk=provider_id).client_secret == SECRET
    assert SECRET not in client.get(f"{base}/identity-providers").content.decode()

    mapping = post_json(client, f"{base}/group-role-mappings", {"group": "reg", "role": "registrar",
                                                               "provider": provider_id})
    assert mapping.status_code == 201
    assert [m["group"] for m in client.get(f"{base}/group-role-mappings").json()] == ["reg"]
    assert client.delete(f"{base}/group-role-mappings/{mapping.json()['id']}").status_code == 204

    assert client.get(f"{base}/settings").json()["brand_colour"] == "#1d4e89"
    refused = patch_json(client, f"{base}/settings", {"brand_colour": "#00ff00", "host": "inte en värd"})
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"brand_colour", "host"}
    assert patch_json(client, f"{base}/settings", {"site_title": "Diariet"}).json()["site_title"] == "Diariet"
    assert Organisation.objects.get(pk=org.pk).site_title == "Diariet"
    assert events(org).count() == 7


def test_a_role_the_administrator_grants_outlives_the_next_sign_on(org, ks, admin):
    """A role first given by the identity provider's groups and then granted by the
    administrator is the administrator's: a later sign-on without the group keeps it."""
    from diarium.accounts.sso import provisioning

    provider = IdentityProvider.objects.create(organisation=org, slug="alingsas-ad", name="Alingsås AD",
                                               protocol="oidc", issuer="https://idp.example", client_id="diarium")
    GroupRoleMapping.objects.create(organisation=org, provider=provider, group="diarium-handlaggare",
                                    role=Role.CASE_OFFICER)
    GroupRoleMapping.objects.create(organisation=org, provider=provider, group="diarium-lasare", role=Role.READER)
    user = provisioning.provision(provider=provider, subject="s-1", email="anna@alingsas.se",
                                  groups=["diarium-handlaggare", "diarium-lasare"])
    assert RoleAssignment.objects.get(user=user, role=Role.CASE_OFFICER).source == "sso"

    accounts.organisation_role_grant(actor=admin, organisation=org, user=user, role=Role.CASE_OFFICER)

    provisioning.provision(provider=provider, subject="s-1", email="anna@alingsas.se", groups=["diarium-lasare"])
    roles = set(RoleAssignment.objects.filter(user=user).values_list("role", "source"))
    assert roles == {(Role.CASE_OFFICER, "manual"), (Role.READER, "sso")}
