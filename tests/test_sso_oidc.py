"""Single sign-on with OpenID Connect (issue 25): a real provider (pyop, tests/oidc_provider.py)
on loopback, Diarium's login page and callback through Django's test client, the
provider's endpoints through requests, as a browser would follow the redirects.

Also: local passwords turned off for an organisation, and the provisioning's rules
(roles from groups renewed, hand-granted roles kept, nothing created for a refusal)."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

import pytest
import requests
import time_machine
from django.urls import reverse
from django.utils import timezone

from diarium.accounts import services as accounts
from diarium.accounts.models import (
    AdministrationEvent,
    ExternalIdentity,
    GroupRoleMapping,
    IdentityProvider,
    Role,
    RoleAssignment,
    User,
)
from diarium.accounts.sso.provisioning import SsoRefused, provision, replay_guard
from diarium.accounts.sso.oidc import SESSION_KEY

from . import factories as f
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, LoopbackProvider, authorize_url_params

# The protocol's checks are the subject, not the database: beside PostgreSQL only in CI (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database(on="postgresql")]

CALLBACK = "http://testserver/konto/sso/alingsas-ad/oidc/callback/"
DESK = "/skrivbord/"


@pytest.fixture(scope="module")
def op():
    provider = LoopbackProvider().start()
    provider.allow_redirect(CALLBACK)
    yield provider
    provider.stop()


@pytest.fixture
def anna(op):
    op.add_user("anna", sub="a7f3-anna", email="anna.berg@alingsas.se", given_name="Anna", family_name="Berg",
                groups=["diarie-registratorer", "alla-medarbetare", "fikaklubben"])
    op.current_user = "anna"
    return op.users["anna"]


@pytest.fixture
def idp(org, op):
    return IdentityProvider.objects.create(
        organisation=org, slug="alingsas-ad", name="Alingsås AD", protocol=IdentityProvider.Protocol.OIDC,
        issuer=op.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, groups_attribute="groups",
        clock_skew_seconds=120,
    )


@pytest.fixture
def mappings(org, idp, ks):
    return [
        GroupRoleMapping.objects.create(organisation=org, provider=idp, group="diarie-registratorer",
                                        role=Role.REGISTRAR),
        # for every provider of the organisation, on one organ
        GroupRoleMapping.objects.create(organisation=org, provider=None, group="alla-medarbetare",
                                        role=Role.READER, organ=ks),
    ]


def start(client, next_url=""):
    """Follow "Logga in med Alingsås AD": the redirect to the provider."""
    response = client.get(reverse("accounts:sso_start", args=["alingsas-ad"]), {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"].startswith("https://127.0.0.1:")
    return response["Location"]


def at_provider(location):
    """The provider signs the person in and sends the browser back: the callback's path and query."""
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return f"{back.path}?{back.query}"


def sign_in(client, next_url=""):
    return client.get(at_provider(start(client, next_url)))


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def roles_of(user, org):
    return {(a.organ_id, a.role, a.source) for a in RoleAssignment.objects.filter(user=user, organisation=org)}


def refused(response, status, text):
    assert response.status_code == status, response.content[:800]
    page = response.content.decode()
    assert "Inloggningen gick inte igenom" in page
    assert text in page
    assert reverse("accounts:login") in page


# --- the flow ------------------------------------------------------------------------------------

def test_login_page_offers_the_enabled_providers(client, org, idp):
    IdentityProvider.objects.create(organisation=org, slug="gammal", name="Gamla IdP:n",
                                    protocol=IdentityProvider.Protocol.OIDC, issuer="https://old.example",
                                    enabled=False)
    page = client.get(reverse("accounts:login"), {"next": "/skrivbord/"}).content.decode()
    assert "Logga in med Alingsås AD" in page
    assert 'href="/konto/sso/alingsas-ad/?next=%2Fskrivbord%2F"' in page
    assert "Gamla IdP:n" not in page


def test_first_login_creates_the_user_with_roles_from_groups(client, org, ks, idp, mappings, anna, op):
    location = start(client, next_url="/skrivbord/forsenade-bevakningar/")
    params = authorize_url_params(location)
    assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["state"] and params["nonce"]
    assert params["redirect_uri"] == CALLBACK

    response = client.get(at_provider(location))
    assert response.status_code == 302
    assert response["Location"] == "/skrivbord/forsenade-bevakningar/"
    user = signed_in_user(client)
    assert user.username == "anna.berg@alingsas.se"
    assert (user.first_name, user.last_name, user.email) == ("Anna", "Berg", "anna.berg@alingsas.se")
    assert not user.has_usable_password()
    assert roles_of(user, org) == {(None, Role.REGISTRAR, "sso"), (ks.pk, Role.READER, "sso")}
    assert ExternalIdentity.objects.get(user=user).subject == "a7f3-anna"
    event = AdministrationEvent.objects.get(action="sso_user_created")
    assert event.actor is None and event.organisation == org and event.object_id == str(user.pk)
    assert client.get(DESK).status_code == 200


def test_the_redirect_uri_is_the_same_from_an_organisations_site(client, org, idp):
    page = client.get("/o/alingsas/konto/logga-in/").content.decode()
    assert 'href="/o/alingsas/konto/sso/alingsas-ad/"' in page  # the site's own links keep its prefix
    response = client.get("/o/alingsas/konto/sso/alingsas-ad/")
    assert response.status_code == 302
    assert authorize_url_params(response["Location"])["redirect_uri"] == CALLBACK


def test_an_unsafe_next_goes_to_the_desk(client, idp, mappings, anna):
    response = sign_in(client, next_url="https://evil.example/steal")
    assert response.status_code == 302 and response["Location"] == DESK


def test_second_login_follows_the_groups_and_keeps_hand_granted_roles(client, org, ks, idp, mappings, anna, op):
    sign_in(client)
    user = signed_in_user(client)
    accounts.role_grant(user=user, organisation=org, role=Role.CASE_OFFICER)  # by an administrator
    client.logout()

    anna["groups"] = ["alla-medarbetare"]  # no longer a registrar
    anna["family_name"] = "Berg Lind"
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == DESK
    assert signed_in_user(client) == user
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert user.last_name == "Berg Lind"
    assert roles_of(user, org) == {(ks.pk, Role.READER, "sso"), (None, Role.CASE_OFFICER, "manual")}
    assert AdministrationEvent.objects.filter(action="sso_roles_changed", object_id=str(user.pk)).exists()


def test_no_mapped_role_is_refused_and_nothing_is_created(client, org, idp, mappings, anna, caplog):
    anna["groups"] = ["fikaklubben"]
    with caplog.at_level(logging.WARNING, logger="diarium.accounts.sso"):
        response = sign_in(client)
    refused(response, 403, "har ingen roll i Diarium")
    assert "Be organisationens administratör" in response.content.decode()
    assert signed_in_user(client) is None
    assert not User.objects.exists() and not ExternalIdentity.objects.exists()
    assert "no_role" in caplog.text and "alingsas-ad" in caplog.text


def test_a_user_who_lost_every_group_loses_the_sso_roles_and_is_refused(client, org, idp, mappings, anna):
    sign_in(client)
    user = signed_in_user(client)
    client.logout()
    anna["groups"] = []
    refused(sign_in(client), 403, "har ingen roll i Diarium")
    assert roles_of(user, org) == set()
    assert signed_in_user(client) is None


def test_groups_from_userinfo(client, org, idp, mappings, anna, op):
    idp.scopes = "openid email profile groups"
    idp.save()
    with op.tweak(groups_in_id_token=False):
        response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == DESK
    assert Role.REGISTRAR in {role for _organ, role, _source in roles_of(signed_in_user(client), org)}


# --- answers that are not accepted ---------------------------------------------------------------

@pytest.mark.parametrize("switches, reason", [
    ({"rogue_key": True}, "bad_signature"),          # signed with a key the JWKS does not publish
    ({"audience": "another-client"}, "invalid_claim:aud"),
    ({"issuer": "http://127.0.0.1:1/not-the-op"}, "invalid_claim:iss"),
    ({"lifetime": -200}, "expired"),                  # expired 200 s ago, skew 120 s
])
def test_bad_id_tokens_are_refused(client, idp, mappings, anna, op, caplog, switches, reason):
    with op.tweak(**switches), caplog.at_level(logging.WARNING, logger="diarium.accounts.sso"):
        response = sign_in(client)
    refused(response, 400, "kunde inte godtas")
    assert signed_in_user(client) is None
    assert not User.objects.exists()
    assert reason in caplog.text


def test_an_id_token_expired_within_the_clock_skew_is_accepted(client, idp, mappings, anna, op):
    with op.tweak(lifetime=-60):  # expired a minute ago, skew 120 s
        response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == DESK
    assert signed_in_user(client) is not None


def test_a_tampered_id_token_is_refused(client, idp, mappings, anna, op, monkeypatch):
    """The token endpoint's answer changed on the way: a payload the signature does not cover."""
    import base64
    import json

    from authlib.integrations.requests_client import OAuth2Session

    real_fetch = OAuth2Session.fetch_token

    def tampering_fetch(self, *args, **kwargs):
        token = real_fetch(self, *args, **kwargs)
        header, payload, signature = token["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["sub"] = "someone-else"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        token["id_token"] = f"{header}.{forged}.{signature}"
        return token

    monkeypatch.setattr(OAuth2Session, "fetch_token", tampering_fetch)
    refused(sign_in(client), 400, "kunde inte godtas")
    assert not User.objects.exists()


def test_a_replayed_callback_is_refused(client, idp, mappings, anna):
    callback = at_provider(start(client))
    assert client.get(callback).status_code == 302
    client.logout()
    refused(client.get(callback), 400, "redan använts")


def test_a_replayed_nonce_is_refused(client, idp, mappings, anna, op):
    """Someone who kept the session's pending sign-on (state, nonce, verifier) gets a new code
    for the same request: the nonce has been used, so the answer is refused."""
    location = start(client)
    pending = client.session[SESSION_KEY]
    assert client.get(at_provider(location)).status_code == 302
    client.logout()

    session = client.session
    session[SESSION_KEY] = pending
    session.save()
    refused(client.get(at_provider(location)), 400, "redan använts")
    assert signed_in_user(client) is None


def test_a_state_that_is_not_this_sessions_is_refused(client, idp, mappings, anna):
    callback = at_provider(start(client))
    refused(client.get(callback.replace("state=", "state=x")), 400, "Börja om inloggningen")
    # and a callback that reaches another browser (no pending sign-on there)
    other = client.__class__()
    refused(other.get(callback), 400, "Börja om inloggningen")
    assert not User.objects.exists()


def test_a_sign_on_left_too_long_is_refused(client, idp, mappings, anna):
    callback = at_provider(start(client))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        refused(client.get(callback), 400, "tog för lång tid")
    assert not User.objects.exists()


def test_the_provider_cancelling_is_refused(client, idp, anna):
    location = start(client)
    state = authorize_url_params(location)["state"]
    refused(client.get(reverse("accounts:sso_oidc_callback", args=["alingsas-ad"]),
                       {"state": state, "error": "access_denied"}), 400, "avbröt inloggningen")


def test_nothing_secret_is_logged(client, idp, mappings, anna, op, caplog):
    with caplog.at_level(logging.DEBUG):
        callback = at_provider(start(client))
        assert client.get(callback).status_code == 302
        client.logout()
        refused(client.get(callback), 400, "redan använts")  # a refusal logs its line
        with op.tweak(rogue_key=True):
            refused(sign_in(client), 400, "kunde inte godtas")
    code = authorize_url_params("http://x/" + callback)["code"]
    token = op.last_token_answer
    # Diarium's side (the test provider's own debug lines, pyop/jwkest/oic, are not Diarium's)
    ours = [r for r in caplog.records if not r.name.startswith(("pyop", "jwkest", "oic"))]
    logged = " ".join(f"{r.name} {r.getMessage()} {r.msg}" for r in ours)
    assert "sso_refused" in logged
    for secret in (code, token["id_token"], token["access_token"], CLIENT_SECRET):
        assert secret not in logged


def test_a_disabled_or_unknown_provider_is_not_found(client, idp):
    idp.enabled = False
    idp.save()
    assert client.post(reverse("accounts:sso_start", args=["alingsas-ad"])).status_code == 404
    assert client.get(reverse("accounts:sso_start", args=["finns-inte"])).status_code == 404


# --- provisioning ----------------------------------------------------------------------------------

def test_usernames_are_unique_and_inactive_users_are_refused(org, idp, mappings):
    f.user(username="anna.berg@alingsas.se")  # a local account with that name already
    first = provision(provider=idp, subject="s-1", email="anna.berg@alingsas.se", groups=["diarie-registratorer"])
    assert first.username == "anna.berg@alingsas.se-2"
    second = provision(provider=idp, subject="s 2/x", groups=["diarie-registratorer"])
    assert second.username == "alingsas-ad-s-2-x"
    idp.username_attribute = "preferred_username"
    third = provision(provider=idp, subject="s-3", username="bo", groups=["diarie-registratorer"])
    assert third.username == "bo"

    first.is_active = False
    first.save()
    with pytest.raises(SsoRefused) as refused_exc:
        provision(provider=idp, subject="s-1", groups=["diarie-registratorer"])
    assert refused_exc.value.reason == "inactive"


def test_mappings_of_another_organisation_give_nothing(org, idp):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    GroupRoleMapping.objects.create(organisation=other, provider=None, group="diarie-registratorer",
                                    role=Role.ADMIN)
    with pytest.raises(SsoRefused) as refused_exc:
        provision(provider=idp, subject="s-1", groups=["diarie-registratorer"])
    assert refused_exc.value.reason == "no_role"
    assert not RoleAssignment.objects.exists()


def test_replay_guard_accepts_a_key_once(db):
    soon = timezone.now() + dt.timedelta(minutes=5)
    replay_guard(key="saml:1:id-abc", expires_at=soon)
    with pytest.raises(SsoRefused) as refused_exc:
        replay_guard(key="saml:1:id-abc", expires_at=soon)
    assert refused_exc.value.reason == "replay"
    replay_guard(key="saml:1:id-def", expires_at=soon)


# --- local passwords -----------------------------------------------------------------------------

def password_login(client, username, password=f.PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_local_password_refused_when_the_organisation_turned_it_off(client, org, idp):
    user = f.registrar(org)
    org.local_login_enabled = False
    org.save()
    response = password_login(client, user.username)
    assert response.status_code == 400
    page = response.content.decode()
    assert "stängt av inloggning med lösenord" in page
    assert "Logga in med Alingsås AD" in page
    assert signed_in_user(client) is None

    # a wrong password learns nothing about local passwords
    response = password_login(client, user.username, "fel-lösenord")
    assert response.status_code == 400
    assert "stängt av inloggning med lösenord" not in response.content.decode()
    assert "Fel användarnamn eller lösenord" in response.content.decode()


def test_emergency_accounts_superusers_and_other_organisations_still_use_passwords(client, org):
    org.local_login_enabled = False
    org.save()
    emergency = f.user(org, Role.ADMIN)
    emergency.emergency_access = True
    emergency.save()
    assert password_login(client, emergency.username).status_code == 302
    client.logout()

    superuser = f.user(superuser=True)
    assert password_login(client, superuser.username).status_code == 302
    client.logout()

    # a role in another organisation that still allows passwords
    both = f.registrar(org)
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    accounts.role_grant(user=both, organisation=other, role=Role.READER)
    assert password_login(client, both.username).status_code == 302
