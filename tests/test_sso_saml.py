"""SAML 2.0 single sign-on for staff (issue 25): Diarium as the service provider against a
real pysaml2 identity provider on loopback (tests/saml_idp.py). The browser's part is played
by Django's test client (Diarium) and requests (the IdP): the login page sends it to the IdP
with a signed AuthnRequest, the IdP answers with a form that posts the signed Response to
our ACS, and the test posts that form."""

from __future__ import annotations

import base64
import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import requests
import time_machine
from django.test import override_settings
from django.utils import timezone
from lxml import etree

from diarium.accounts.models import (
    AdministrationEvent,
    ExternalIdentity,
    GroupRoleMapping,
    IdentityProvider,
    Role,
    RoleAssignment,
    User,
)

from . import factories as f
from .saml_idp import LoopbackIdp, make_key_pair, posted_form

# The protocol's checks are the subject, not the database: beside PostgreSQL only in CI (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database(on="postgresql")]

SLUG = "kommunens-idp"
ACS_PATH = f"/konto/sso/{SLUG}/saml/acs/"
METADATA_PATH = f"/konto/sso/{SLUG}/saml/metadata/"
LOGIN_PATH = f"/konto/sso/{SLUG}/saml/login/"
SP_ENTITY_ID = f"http://testserver{METADATA_PATH}"
MS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
GROUPS_CLAIM = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"


@pytest.fixture(scope="module")
def sp_keys(tmp_path_factory):
    """Our SP's throw-away key pair, in the settings for the whole module."""
    key_file, cert_file = make_key_pair(tmp_path_factory.mktemp("sp"), "diarium-sp")
    with override_settings(DIARIUM_SAML_KEY_FILE=key_file, DIARIUM_SAML_CERT_FILE=cert_file):
        yield key_file, cert_file


@pytest.fixture(scope="module")
def loopback_idp(tmp_path_factory):
    idp = LoopbackIdp(tmp_path_factory.mktemp("idp"))
    idp.users = {
        "anna": {"subject": "anna-7f3a", "attributes": {
            "givenName": ["Anna"], "sn": ["Andersson"], "mail": ["anna@alingsas.se"],
            "groups": ["diarium-registratorer", "alla-anstallda"]}},
        "bo": {"subject": "bo-11c2", "attributes": {
            "givenName": ["Bo"], "sn": ["Berg"], "mail": ["bo@alingsas.se"], "groups": ["alla-anstallda"]}},
        # Entra ID / AD FS: Microsoft's claim URIs for the name, the address and the groups.
        "cecilia": {"subject": "cecilia-9d0e", "attributes": {
            MS + "givenname": ["Cecilia"], MS + "surname": ["Carlsson"], MS + "emailaddress": ["cecilia@alingsas.se"],
            GROUPS_CLAIM: ["5b7e-handlaggare"]}},
    }
    yield idp
    idp.close()


@pytest.fixture
def world(sp_keys, loopback_idp, client):
    org = f.organisation()
    ks = f.organ(org)
    provider = IdentityProvider.objects.create(
        organisation=org, slug=SLUG, name="Alingsås inloggning", protocol=IdentityProvider.Protocol.SAML,
        entity_id=loopback_idp.entity_id("a"), metadata_xml=loopback_idp.metadata["a"], groups_attribute="groups",
        clock_skew_seconds=120,
    )
    GroupRoleMapping.objects.create(organisation=org, provider=provider, group="diarium-registratorer",
                                    role=Role.REGISTRAR, organ=ks)
    GroupRoleMapping.objects.create(organisation=org, provider=None, group="5b7e-handlaggare",
                                    role=Role.CASE_OFFICER)
    metadata = client.get(METADATA_PATH)
    assert metadata.status_code == 200
    loopback_idp.trust_sp(metadata.content.decode())
    loopback_idp.user = "anna"
    return {"org": org, "ks": ks, "provider": provider, "idp": loopback_idp}


def idp_answer(client, path=LOGIN_PATH, **query) -> tuple[str, dict]:
    """Start at Diarium, follow the redirect to the IdP, and return the IdP's form (action, fields)."""
    start = client.get(path, query)
    assert start.status_code == 302, start.content.decode()[:500]
    page = requests.get(start["Location"], timeout=10)
    assert page.status_code == 200, page.text
    return posted_form(page.text)


def sign_in(client, **query):
    action, fields = idp_answer(client, **query)
    assert urlsplit(action).path == ACS_PATH
    return client.post(ACS_PATH, fields)


def refused_with(response, status, words):
    assert response.status_code == status, response.content.decode()[:2000]
    text = response.content.decode()
    assert words in text, text
    assert "_auth_user_id" not in response.wsgi_request.session
    return text


def test_our_authn_request_is_signed_and_the_idp_checks_the_signature(world, client):
    location = client.get(LOGIN_PATH)["Location"]
    assert location.startswith(world["idp"].base + "/a/sso/redirect?")
    assert "SigAlg=" in location and "Signature=" in location
    forged = re.sub(r"Signature=[^&]+", "Signature=" + "A" * 344, location)
    assert requests.get(forged, timeout=10).status_code == 400
    assert requests.get(location, timeout=10).status_code == 200


def test_first_sign_in_creates_the_user_with_the_roles_of_the_groups(world, client):
    response = sign_in(client, next="/arenden/")
    assert response.status_code == 302 and response["Location"] == "/arenden/"
    user = User.objects.get(external_identities__subject="anna-7f3a")
    assert (user.first_name, user.last_name, user.email) == ("Anna", "Andersson", "anna@alingsas.se")
    assert not user.has_usable_password()
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", "organ")) == [
        (Role.REGISTRAR, world["ks"].pk)]
    assert AdministrationEvent.objects.filter(action="sso_user_created", object_id=str(user.pk)).exists()
    assert int(client.session["_auth_user_id"]) == user.pk
    # Our AuthnRequest was signed (the IdP checked it against our metadata) and named our ACS.
    request = world["idp"].last_request.message
    assert request.assertion_consumer_service_url == f"http://testserver{ACS_PATH}"
    assert request.issuer.text == SP_ENTITY_ID

    # The next sign-in finds the same user and keeps the roles.
    client.logout()
    assert sign_in(client).status_code == 302
    assert ExternalIdentity.objects.filter(subject="anna-7f3a").count() == 1


def test_microsoft_claim_uris_give_the_name_the_address_and_the_groups(world, client):
    provider = world["provider"]
    provider.groups_attribute = GROUPS_CLAIM
    provider.save()
    world["idp"].user = "cecilia"
    assert sign_in(client).status_code == 302
    user = User.objects.get(external_identities__subject="cecilia-9d0e")
    assert (user.first_name, user.last_name, user.email) == ("Cecilia", "Carlsson", "cecilia@alingsas.se")
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", "organ")) == [
        (Role.CASE_OFFICER, None)]


def test_a_person_whose_groups_give_no_role_is_refused_and_nothing_is_created(world, client):
    world["idp"].user = "bo"
    text = refused_with(sign_in(client), 403, "har ingen roll i Diarium")
    assert "Tillbaka till inloggningen" in text
    assert not User.objects.filter(email="bo@alingsas.se").exists()


def test_the_generic_start_address_sends_a_saml_provider_to_the_idp(world, client):
    action, fields = idp_answer(client, path=f"/konto/sso/{SLUG}/")
    assert client.post(urlsplit(action).path, fields).status_code == 302


def test_a_response_signed_as_a_whole_is_accepted_as_shibboleth_sends_it(world, client):
    with world["idp"].tweak(sign_assertion=False, sign_response=True):
        assert sign_in(client).status_code == 302
    assert User.objects.filter(external_identities__subject="anna-7f3a").exists()


def test_an_unsigned_answer_is_refused(world, client):
    with world["idp"].tweak(sign_assertion=False, sign_response=False):
        refused_with(sign_in(client), 400, "inte korrekt signerat")
    assert not User.objects.filter(email="anna@alingsas.se").exists()


def test_a_changed_signed_answer_is_refused(world, client):
    GroupRoleMapping.objects.create(organisation=world["org"], provider=world["provider"], group="diarium-admins",
                                    role=Role.ADMIN)
    action, fields = idp_answer(client)
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert xml.count("alla-anstallda") == 1
    fields["SAMLResponse"] = base64.b64encode(xml.replace("alla-anstallda", "diarium-admins").encode()).decode()
    refused_with(client.post(ACS_PATH, fields), 400, "inte korrekt signerat")
    assert not RoleAssignment.objects.filter(role=Role.ADMIN).exists()


def test_an_answer_for_another_service_is_refused(world, client):
    with world["idp"].tweak(audience="https://annan-tjanst.example/saml/metadata/"):
        refused_with(sign_in(client), 400, "utfärdat för en annan tjänst")


def test_an_answer_from_another_idp_of_the_same_federation_is_refused(world, client):
    provider = world["provider"]
    provider.metadata_xml = world["idp"].federation_metadata()  # both IdPs, each signature verifies
    provider.save()
    with world["idp"].tweak(answer_as="b"):
        refused_with(sign_in(client), 400, "en annan identitetsleverantör")
    assert not User.objects.filter(email="anna@alingsas.se").exists()
    assert sign_in(client).status_code == 302  # the chosen IdP of the federation signs in


def test_an_expired_answer_is_refused_but_a_clock_skew_within_the_allowed_is_accepted(world, client):
    start = timezone.now().replace(microsecond=0)
    lifetime = dt.timedelta(minutes=5)  # the loopback IdP's policy
    with time_machine.travel(start, tick=False):
        late_but_within_skew = idp_answer(client)[1]
    with time_machine.travel(start + lifetime + dt.timedelta(seconds=100), tick=False):
        assert client.post(ACS_PATH, late_but_within_skew).status_code == 302  # skew 120 s

    client.logout()
    with time_machine.travel(start, tick=False):
        too_late = idp_answer(client)[1]
    with time_machine.travel(start + lifetime + dt.timedelta(seconds=140), tick=False):
        refused_with(client.post(ACS_PATH, too_late), 400, "har gått ut")


def test_a_replayed_answer_is_refused(world, client):
    from django.test import Client

    action, fields = idp_answer(client)
    pending = client.cookies["diarium_saml"].value
    assert client.post(ACS_PATH, fields).status_code == 302
    client.logout()
    # The same browser again: its pending request was answered.
    refused_with(client.post(ACS_PATH, fields), 400, "Börja om")
    # Someone who copied the answer and the browser's cookie: the assertion was used.
    thief = Client()
    thief.cookies["diarium_saml"] = pending
    refused_with(thief.post(ACS_PATH, fields), 400, "har redan använts")


def test_an_answer_without_our_pending_request_is_refused(world, client):
    from django.test import Client

    action, fields = idp_answer(client)
    refused_with(Client().post(ACS_PATH, fields), 400, "Börja om")  # another browser: unsolicited
    assert not User.objects.filter(email="anna@alingsas.se").exists()


def test_the_idp_metadata_can_be_fetched_from_its_address(world, client):
    provider = world["provider"]
    provider.metadata_xml = ""
    provider.metadata_url = world["idp"].metadata_url("a")
    provider.save()
    assert sign_in(client).status_code == 302


def test_the_sp_metadata_names_our_entity_id_acs_and_certificate(world, client, sp_keys):
    response = client.get(METADATA_PATH)
    assert response["Content-Type"].startswith("application/samlmetadata+xml")
    root = etree.fromstring(response.content)
    ns = {"md": "urn:oasis:names:tc:SAML:2.0:metadata", "ds": "http://www.w3.org/2000/09/xmldsig#"}
    assert root.get("entityID") == SP_ENTITY_ID
    sp = root.find("md:SPSSODescriptor", ns)
    assert sp.get("AuthnRequestsSigned") == "true"
    acs = sp.findall("md:AssertionConsumerService", ns)
    assert [(a.get("Binding"), a.get("Location")) for a in acs] == [
        ("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", f"http://testserver{ACS_PATH}")]
    pem = open(sp_keys[1]).read()
    body = "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)
    certificates = {(k.get("use"), "".join(c.text.split())) for k in sp.findall("md:KeyDescriptor", ns)
                    for c in k.iterfind(".//ds:X509Certificate", ns)}
    assert ("signing", body) in certificates
    assert b"PRIVATE KEY" not in response.content


def test_an_idp_that_takes_only_http_post_gets_a_form_that_posts_the_request(world, client):
    provider = world["provider"]
    provider.metadata_xml = provider.metadata_xml.replace("HTTP-Redirect", "HTTP-POST")
    provider.save()
    response = client.get(LOGIN_PATH)
    assert response.status_code == 200
    text = response.content.decode()
    assert f'action="{world["idp"].base}/a/sso/redirect"' in text
    assert re.search(r'name="SAMLRequest" value="[A-Za-z0-9+/=]{100,}"', text)
    assert world["idp"].base in response["Content-Security-Policy"]
    assert "<script>" not in text


def test_without_the_sp_key_the_saml_pages_say_saml_is_not_configured(world, client):
    with override_settings(DIARIUM_SAML_KEY_FILE="", DIARIUM_SAML_CERT_FILE=""):
        for response in (client.get(LOGIN_PATH), client.get(METADATA_PATH), client.get(f"/konto/sso/{SLUG}/"),
                         client.post(ACS_PATH, {"SAMLResponse": "x"})):
            assert response.status_code == 503
            assert "SAML är inte konfigurerat" in response.content.decode()


def test_nothing_of_the_answer_is_logged(world, client, caplog):
    caplog.set_level("DEBUG")
    action, fields = idp_answer(client)
    assert client.post(ACS_PATH, fields).status_code == 302
    client.logout()
    with world["idp"].tweak(sign_assertion=False):
        action, unsigned = idp_answer(client)
        assert client.post(ACS_PATH, unsigned).status_code == 400
    logged = caplog.text + "".join(str(r.msg) + str(r.args) for r in caplog.records)
    assert "sso_refused" in logged and "signature" in logged  # the refusal's one line, with its reason
    for secret in (fields["SAMLResponse"][:40], unsigned["SAMLResponse"][:40], "Assertion", "anna-7f3a",
                   "SAMLResponse", "<saml", "<ns0:", "<ds:Signature", "PRIVATE KEY"):
        assert secret not in logged, secret


def test_a_sign_in_started_on_an_organisations_site_path_uses_the_same_addresses(world, client):
    action, fields = idp_answer(client, path=f"/o/alingsas{LOGIN_PATH}")
    assert action == f"http://testserver{ACS_PATH}"
    assert world["idp"].last_request.message.issuer.text == SP_ENTITY_ID
    assert client.post(ACS_PATH, fields).status_code == 302


@pytest.mark.parametrize("garbage", ["", "x", "PD94bWw+", base64.b64encode(b"<a>" * 5000).decode(),
                                     base64.b64encode(b'<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>').decode()])
def test_a_broken_answer_gets_a_refusal_never_an_error(world, client, garbage):
    from diarium.accounts.sso import saml

    pending = saml.PendingRequest(provider_id=world["provider"].pk, request_id="id-4f1c2b", next_url="")
    client.cookies["diarium_saml"] = saml.pending_cookie_value(pending)  # as if the sign-in had started
    text = refused_with(client.post(ACS_PATH, {"SAMLResponse": garbage}), 400, "Tillbaka till inloggningen")
    assert "Inloggningssvaret saknas" in text or "Inloggningssvaret kunde inte godtas" in text
