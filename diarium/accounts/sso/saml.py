"""SAML 2.0 Web Browser SSO for staff (issue 25): Diarium is the service provider (SP),
an organisation's identity provider (IdP: Entra ID, AD FS, Shibboleth, a federation's IdP)
signs the answer.

The SP's configuration is built per IdentityProvider row with pysaml2's SPConfig. djangosaml2
is not used: it reads one settings-wide SAML_CONFIG (its loader sees only the request, not
the provider), keeps its own user backend and attribute mapping, and has no per-provider
URLs; Diarium's providers live in the database per organisation, and users are made only
through diarium.accounts.sso.provisioning.provision().

What is checked, besides what pysaml2 checks itself (XML schema, the signature against the
IdP's certificate in its metadata, Destination, NotBefore/NotOnOrAfter with the provider's
clock_skew_seconds as pysaml2's accepted_time_diff, the status):
- the response or its assertion is signed (AD FS and Entra ID sign the assertion, Shibboleth
  by default only the response; either covers the assertion);
- InResponseTo is the id of the AuthnRequest this browser was sent with (kept in a signed
  cookie, see PendingRequest), so no unsolicited or foreign answer logs anyone in;
- the issuer of the response and of the assertion is the provider's entity_id (federation
  metadata holds many IdPs whose signatures all verify);
- the assertion has an AudienceRestriction naming our entity id (pysaml2 accepts an assertion
  without one);
- the assertion's ID is used once (provisioning.replay_guard, across app servers).

Nothing here logs a SAML message; pysaml2's own logger is silenced in settings.LOGGING."""

from __future__ import annotations

import base64
import calendar
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import requests
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.response import IncorrectlySigned, StatusError, UnsolicitedResponse, VerificationError
from saml2.s_utils import UnknownPrincipal, UnsupportedBinding
from saml2.saml import NAMEID_FORMAT_TRANSIENT, SCM_BEARER
from saml2.sigver import SignatureError, SigverError, get_xmlsec_binary
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from .provisioning import SsoRefused, replay_guard

logger = logging.getLogger(__name__)

# How long a started sign-in may take at the IdP (the pending request's cookie lives this long).
PENDING_SECONDS = 15 * 60
# IdP metadata fetched from metadata_url is kept this long in the cache.
METADATA_CACHE_SECONDS = 60 * 60
METADATA_TIMEOUT_SECONDS = 10
METADATA_MAX_BYTES = 5 * 1024 * 1024
PENDING_COOKIE = "diarium_saml"
_PENDING_SALT = "diarium.accounts.sso.saml.pending"
CONFIGS_KEPT = 16
_configs: OrderedDict[tuple, SPConfig] = OrderedDict()
_configs_lock = threading.Lock()

# Where IdPs put the name and the e-mail address: friendly names, LDAP/eduPerson OIDs and the
# claim URIs of Microsoft's AD FS and Entra ID. Compared without regard to case.
GIVEN_NAME_ATTRIBUTES = (
    "givenName", "given_name", "urn:oid:2.5.4.42",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
)
SURNAME_ATTRIBUTES = (
    "sn", "surname", "family_name", "urn:oid:2.5.4.4",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
)
EMAIL_ATTRIBUTES = (
    "mail", "email", "emailaddress", "urn:oid:0.9.2342.19200300.100.1.3",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "http://schemas.xmlsoap.org/claims/EmailAddress",
)


class SamlNotConfigured(Exception):
    """The SP has no key and certificate (DIARIUM_SAML_KEY_FILE / DIARIUM_SAML_CERT_FILE), or the
    provider lacks what SAML needs (its entity id, its metadata). The message is Swedish."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SpUrls:
    entity_id: str  # our metadata's URL, as SAML 2.0 recommends
    acs: str
    metadata: str


@dataclass(frozen=True)
class PendingRequest:
    """An AuthnRequest sent to the IdP and not yet answered: its id and where to go afterwards."""

    provider_id: int
    request_id: str
    next_url: str


@dataclass(frozen=True)
class SamlIdentity:
    """What a verified assertion says about the person."""

    subject: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    username: str = ""
    groups: list[str] = field(default_factory=list)
    next_url: str = ""


@dataclass(frozen=True)
class OutgoingRequest:
    """How the browser is sent to the IdP: a redirect (url) or a form POST (url and fields)."""

    request_id: str
    binding: str
    url: str
    fields: dict = field(default_factory=dict)


# --- configuration -----------------------------------------------------------------------

def sp_key_files() -> tuple[str, str]:
    """The SP's key and certificate files, or SamlNotConfigured."""
    key_file = getattr(settings, "DIARIUM_SAML_KEY_FILE", "") or ""
    cert_file = getattr(settings, "DIARIUM_SAML_CERT_FILE", "") or ""
    if not key_file or not cert_file:
        raise SamlNotConfigured(_("SAML är inte konfigurerat: tjänstens nyckel och certifikat saknas "
                                  "(DIARIUM_SAML_KEY_FILE och DIARIUM_SAML_CERT_FILE)."))
    if not os.path.isfile(key_file) or not os.path.isfile(cert_file):
        raise SamlNotConfigured(_("SAML är inte konfigurerat: tjänstens nyckel eller certifikat går inte att läsa."))
    return key_file, cert_file


def sp_urls(request, provider) -> SpUrls:
    """Our addresses for this provider on the host the request came to. Without the
    /o/<slug>/ prefix of an organisation's site on a shared host (SiteMiddleware's script
    prefix): the entity id and the ACS are registered at the IdP and must not depend on the
    page the person started from."""
    prefix = get_script_prefix()
    site = getattr(request, "site_organisation", None)
    site_prefix = f"/o/{site.slug}/" if site is not None else None
    base = prefix[: -len(site_prefix) + 1] if site_prefix and prefix.endswith(site_prefix) else prefix

    def absolute(name):
        path = reverse(name, kwargs={"slug": provider.slug})
        if base != prefix and path.startswith(prefix):
            path = base + path[len(prefix):]
        return f"{request.scheme}://{request.get_host()}{path}"

    metadata = absolute("accounts:saml_metadata")
    return SpUrls(entity_id=metadata, acs=absolute("accounts:saml_acs"), metadata=metadata)


def idp_metadata(provider) -> str:
    """The IdP's metadata XML: pasted, else fetched from metadata_url (cached an hour)."""
    if provider.metadata_xml.strip():
        return provider.metadata_xml
    if not provider.metadata_url:
        raise SamlNotConfigured(_("Identitetsleverantören saknar metadata (XML eller adress)."))
    key = "diarium:saml:idp-metadata:" + hashlib.sha256(provider.metadata_url.encode()).hexdigest()
    text = cache.get(key)
    if text is None:
        try:
            with requests.get(provider.metadata_url, timeout=METADATA_TIMEOUT_SECONDS, stream=True) as answer:
                answer.raise_for_status()
                body = answer.raw.read(METADATA_MAX_BYTES + 1, decode_content=True)
        except (requests.RequestException, OSError) as exc:
            logger.warning("SAML metadata of provider %s could not be fetched: %s", provider.slug,
                           type(exc).__name__)
            raise SamlNotConfigured(_("Identitetsleverantörens metadata kunde inte hämtas. Försök igen om en "
                                      "stund.")) from exc
        if len(body) > METADATA_MAX_BYTES:
            raise SamlNotConfigured(_("Identitetsleverantörens metadata är för stor."))
        text = body.decode("utf-8", errors="replace")
        cache.set(key, text, METADATA_CACHE_SECONDS)
    return text


def sp_config(provider, urls: SpUrls, *, with_idp: bool = True) -> SPConfig:
    """pysaml2's SP configuration for this provider (with_idp=False: only what our own metadata
    needs, so the metadata can be handed to the IdP before its metadata is known).

    Kept in process memory by everything it is made of (a few per process): loading it parses
    the IdP's metadata and the SP's key, which is most of a sign-in's time. The Saml2Client
    is made anew per request (it gathers state of its own)."""
    key_file, cert_file = sp_key_files()
    metadata_text = ""
    if with_idp:
        if not provider.entity_id:
            raise SamlNotConfigured(_("Identitetsleverantören saknar entity-id."))
        metadata_text = idp_metadata(provider)
    name = provider.organisation.name if provider.organisation_id else "Diarium"
    fingerprint = (
        urls, with_idp, provider.entity_id, int(provider.clock_skew_seconds), name, key_file, cert_file,
        os.stat(key_file).st_mtime_ns, os.stat(cert_file).st_mtime_ns,
        hashlib.sha256(metadata_text.encode("utf-8")).hexdigest(),
    )
    with _configs_lock:
        conf = _configs.get(fingerprint)
        if conf is not None:
            _configs.move_to_end(fingerprint)
            return conf
    config = {
        "entityid": urls.entity_id,
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
        "accepted_time_diff": int(provider.clock_skew_seconds),
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": name,
                "endpoints": {"assertion_consumer_service": [(urls.acs, BINDING_HTTP_POST)]},
                "authn_requests_signed": True,
                "want_assertions_signed": False,
                "want_response_signed": False,
                "want_assertions_or_response_signed": True,
                "allow_unsolicited": False,
            },
        },
    }
    if with_idp:
        config["metadata"] = {"inline": [metadata_text]}
    conf = SPConfig()
    try:
        conf.load(config)
    except Exception as exc:  # pysaml2 raises plain Exceptions (and SAMLError, ValueError, ...) for bad metadata
        logger.warning("SAML metadata of provider %s could not be read: %s", provider.slug, type(exc).__name__)
        raise SamlNotConfigured(_("Identitetsleverantörens metadata går inte att läsa.")) from exc
    if with_idp and provider.entity_id not in conf.metadata.identity_providers():
        raise SamlNotConfigured(_("Identitetsleverantörens metadata beskriver inte entity-id:t %(entity_id)s.")
                                % {"entity_id": provider.entity_id})
    with _configs_lock:
        _configs[fingerprint] = conf
        while len(_configs) > CONFIGS_KEPT:
            _configs.popitem(last=False)
    return conf


def sp_metadata(provider, urls: SpUrls) -> str:
    """Our SP metadata (entity id, ACS, signing and encryption certificate) as XML."""
    conf = sp_config(provider, urls, with_idp=False)
    text = create_metadata_string(None, config=conf, valid=None, sign=False)
    return text.decode("utf-8") if isinstance(text, bytes) else text


# --- the request -------------------------------------------------------------------------

def authn_request(provider, urls: SpUrls) -> OutgoingRequest:
    """A signed AuthnRequest to the provider: HTTP-Redirect where the IdP offers it, else HTTP-POST."""
    client = Saml2Client(config=sp_config(provider, urls))
    metadata = client.metadata
    for binding in (BINDING_HTTP_REDIRECT, BINDING_HTTP_POST):
        try:
            services = metadata.single_sign_on_service(provider.entity_id, binding)
        except UnsupportedBinding:
            services = []
        if services:
            destination = services[0]["location"]
            break
    else:
        raise SamlNotConfigured(_("Identitetsleverantören tar inte emot inloggningsbegäranden med "
                                  "HTTP-Redirect eller HTTP-POST."))
    if binding == BINDING_HTTP_REDIRECT:
        request_id, message = client.create_authn_request(destination=destination, binding=BINDING_HTTP_POST)
        info = client.apply_binding(BINDING_HTTP_REDIRECT, str(message), destination, relay_state="",
                                    sign=True)
        location = dict(info["headers"])["Location"]
        return OutgoingRequest(request_id=request_id, binding=binding, url=location)
    request_id, message = client.create_authn_request(destination=destination, binding=BINDING_HTTP_POST,
                                                      sign=True)
    encoded = base64.b64encode(str(message).encode("utf-8")).decode("ascii")
    return OutgoingRequest(request_id=request_id, binding=binding, url=destination,
                           fields={"SAMLRequest": encoded})


def pending_cookie_value(pending: PendingRequest) -> str:
    return signing.dumps({"p": pending.provider_id, "id": pending.request_id, "next": pending.next_url},
                         salt=_PENDING_SALT, compress=True)


def read_pending(value: str | None, provider) -> PendingRequest | None:
    """The pending request from its signed cookie, if it is this provider's and not too old."""
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_PENDING_SALT, max_age=PENDING_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != provider.pk or not isinstance(data.get("id"), str):
        return None
    return PendingRequest(provider_id=provider.pk, request_id=data["id"], next_url=str(data.get("next") or ""))


# --- the response ------------------------------------------------------------------------

def _refuse(reason: str, message: str):
    return SsoRefused(message, reason=reason)


def _values(attribute) -> list[str]:
    values = []
    for value in attribute.attribute_value or []:
        text = (value.text or "").strip()
        if text:
            values.append(text)
    return values


def attributes(assertion) -> dict[str, list[str]]:
    """The assertion's attributes by name and by friendly name, keys in lower case."""
    found: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement or []:
        for attribute in statement.attribute or []:
            values = _values(attribute)
            for name in {attribute.name, attribute.friendly_name}:
                if name:
                    found.setdefault(name.strip().lower(), []).extend(values)
    return found


def _first(found: dict[str, list[str]], names) -> str:
    for name in names:
        values = found.get(name.lower())
        if values:
            return values[0]
    return ""


def _expires_at(assertion, skew: int):
    """When the assertion can no longer be accepted anyway: how long its ID is remembered."""
    moments = []
    conditions = assertion.conditions
    if conditions is not None and conditions.not_on_or_after:
        moments.append(conditions.not_on_or_after)
    subject = assertion.subject
    for confirmation in (subject.subject_confirmation if subject is not None else []) or []:
        data = confirmation.subject_confirmation_data
        if data is not None and data.not_on_or_after:
            moments.append(data.not_on_or_after)
    now = timezone.now()
    latest = now + timedelta(days=1)
    if moments:
        stamps = [calendar.timegm(str_to_time(moment)) for moment in moments]
        latest = min(latest, datetime.fromtimestamp(max(stamps), tz=UTC))
    return max(latest, now) + timedelta(seconds=skew)


def consume(provider, urls: SpUrls, saml_response: str, pending: PendingRequest | None) -> SamlIdentity:
    """Verify the IdP's answer (the SAMLResponse form field) and say who it is about.

    Raises SsoRefused (Swedish message, reason) for every answer that is not accepted, and
    SamlNotConfigured when the SP or the provider lacks its configuration."""
    client = Saml2Client(config=sp_config(provider, urls))
    if not saml_response:
        raise _refuse("invalid", _("Inloggningssvaret saknas."))
    if pending is None:
        raise _refuse("unsolicited", _("Inloggningen hittades inte eller tog för lång tid. Börja om från "
                                       "inloggningssidan."))
    outstanding = {pending.request_id: pending.next_url or "/"}
    try:
        answer = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)
    except (SignatureError, SigverError, IncorrectlySigned) as exc:
        raise _refuse("signature", _("Inloggningssvaret är inte korrekt signerat av identitetsleverantören.")) from exc
    except (ResponseLifetimeExceed, ToEarly) as exc:
        raise _refuse("expired", _("Inloggningssvaret har gått ut eller gäller inte ännu. Kontrollera att "
                                   "klockorna stämmer och försök igen.")) from exc
    except UnsolicitedResponse as exc:
        raise _refuse("unsolicited", _("Inloggningssvaret hör inte till den här inloggningen. Börja om från "
                                       "inloggningssidan.")) from exc
    except StatusError as exc:
        raise _refuse("status", _("Identitetsleverantören godkände inte inloggningen.")) from exc
    except (UnknownPrincipal, UnsupportedBinding, VerificationError) as exc:
        raise _refuse("invalid", _("Inloggningssvaret kunde inte godtas.")) from exc
    except Exception as exc:  # pysaml2 raises plain Exceptions, e.g. for audience and timing
        text = str(exc)
        if "AudienceRestrictions" in text:
            raise _refuse("audience", _("Inloggningssvaret är utfärdat för en annan tjänst.")) from exc
        if "Can't use response" in text or "Too old" in text or "Too early" in text:
            raise _refuse("expired", _("Inloggningssvaret har gått ut eller gäller inte ännu. Kontrollera att "
                                       "klockorna stämmer och försök igen.")) from exc
        raise _refuse("invalid", _("Inloggningssvaret kunde inte godtas.")) from exc
    if answer is None or answer.assertion is None:
        raise _refuse("invalid", _("Inloggningssvaret kunde inte godtas."))

    assertion = answer.assertion
    issuers = {(answer.response.issuer.text or "").strip() if answer.response.issuer is not None else None,
               (assertion.issuer.text or "").strip() if assertion.issuer is not None else None}
    issuers.discard(None)
    if issuers != {provider.entity_id}:
        raise _refuse("issuer", _("Inloggningssvaret kommer från en annan identitetsleverantör än den som är "
                                  "vald."))
    if answer.in_response_to != pending.request_id:
        raise _refuse("unsolicited", _("Inloggningssvaret hör inte till den här inloggningen. Börja om från "
                                       "inloggningssidan."))
    audiences = [
        (audience.text or "").strip()
        for restriction in (assertion.conditions.audience_restriction if assertion.conditions else []) or []
        for audience in restriction.audience or []
    ]
    if urls.entity_id not in audiences:
        raise _refuse("audience", _("Inloggningssvaret är utfärdat för en annan tjänst."))
    # The Web SSO profile's bearer confirmation names the ACS it is for (pysaml2 leaves it unchecked).
    recipients = [
        (confirmation.subject_confirmation_data.recipient or "").strip()
        for confirmation in (assertion.subject.subject_confirmation if assertion.subject is not None else []) or []
        if confirmation.method == SCM_BEARER and confirmation.subject_confirmation_data is not None
    ]
    if urls.acs not in recipients:
        raise _refuse("recipient", _("Inloggningssvaret är utfärdat för en annan tjänst."))

    replay_guard(key=f"saml:{provider.pk}:{assertion.id}",
                 expires_at=_expires_at(assertion, int(provider.clock_skew_seconds)))

    found = attributes(assertion)
    name_id = answer.name_id
    subject = (name_id.text or "").strip() if name_id is not None else ""
    username = _first(found, [provider.username_attribute]) if provider.username_attribute else ""
    if name_id is None or not subject or name_id.format == NAMEID_FORMAT_TRANSIENT:
        # A transient NameID changes at every sign-in: the configured username attribute is the
        # stable identity then.
        subject = username
    if not subject:
        raise _refuse("subject", _("Identitetsleverantören skickade ingen beständig identitet för personen "
                                   "(NameID eller attributet för användarnamn)."))
    groups_attribute = (provider.groups_attribute or "").strip()
    groups = list(dict.fromkeys(found.get(groups_attribute.lower(), []))) if groups_attribute else []
    return SamlIdentity(
        subject=subject,
        email=_first(found, EMAIL_ATTRIBUTES),
        first_name=_first(found, GIVEN_NAME_ATTRIBUTES),
        last_name=_first(found, SURNAME_ATTRIBUTES),
        username=username,
        groups=groups,
        next_url=pending.next_url,
    )
