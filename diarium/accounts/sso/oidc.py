"""OpenID Connect sign-on (authorization code flow with PKCE), with Authlib as client.

`begin` makes the authorization request: a random state, nonce and PKCE verifier,
kept in the session (keyed by state) until the answer comes back. `complete` takes
the answer: the state must be one this session started, the code is exchanged at
the token endpoint (client_secret_basic), and the id_token is checked here:

- its signature with a key of the provider's JWKS (asymmetric algorithms only);
- iss equal to IdentityProvider.issuer, exactly; aud containing client_id (and azp,
  when present, equal to it);
- exp, iat and nbf with IdentityProvider.clock_skew_seconds of leeway;
- nonce equal to the one sent, and used once (provisioning.replay_guard).

The groups come from IdentityProvider.groups_attribute in the id_token or, where it
is not there, in the userinfo answer. Discovery (/.well-known/openid-configuration)
and the JWKS are kept in Django's cache, keyed by the issuer (and the JWKS address),
so every app server shares them and a key rotation is picked up once (an unknown
key id fetches the JWKS again).

Nothing here logs a code, token or secret: failures become SsoRefused with a short
English reason (provisioning.log_refusal writes it).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from ..models import IdentityProvider
from .provisioning import SsoRefused, replay_guard

SESSION_KEY = "sso_oidc"
# A sign-on not finished within this time is started again.
FLOW_SECONDS = 15 * 60
# At most this many sign-ons pending in one session (several tabs); the oldest goes.
MAX_PENDING = 5
DISCOVERY_SECONDS = 60 * 60
HTTP_TIMEOUT = 10
# Signatures by the provider's published (asymmetric) keys only: never "none", never
# an HMAC with the client secret.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


@dataclass
class SignOn:
    """What a checked answer says about the person."""

    subject: str
    email: str
    first_name: str
    last_name: str
    username: str
    groups: list[str]
    next_url: str


def _unavailable(reason: str) -> SsoRefused:
    return SsoRefused(_("Identitetsleverantören svarar inte som väntat just nu. Försök igen om en stund, eller "
                        "kontakta organisationens administratör om felet består."), reason=reason)


def _invalid(reason: str) -> SsoRefused:
    return SsoRefused(_("Inloggningssvaret från identitetsleverantören kunde inte godtas. Börja om inloggningen."),
                      reason=reason)


def _code(value) -> str:
    """An OAuth error code for the log: its letters and underscores only (it comes from outside)."""
    return re.sub(r"[^a-z_]", "", str(value).lower())[:40] or "unknown"


def _cache_key(kind: str, value: str) -> str:
    return f"diarium:sso:oidc:{kind}:" + hashlib.sha256(value.encode()).hexdigest()


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError):
        raise _unavailable("http_error") from None
    if not isinstance(data, dict):
        raise _unavailable("bad_json")
    return data


def metadata(provider: IdentityProvider) -> dict:
    """The provider's discovery document, from the shared cache or its issuer. Its
    "issuer" must be the configured one, character for character."""
    issuer = (provider.issuer or "").strip()
    if not issuer:
        raise _unavailable("no_issuer")
    key = _cache_key("discovery", issuer)
    data = cache.get(key)
    if data is None:
        data = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if data.get("issuer") != issuer:
            raise _unavailable("discovery_issuer_mismatch")
        for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(data.get(endpoint), str) or not data[endpoint]:
                raise _unavailable("discovery_incomplete")
        cache.set(key, data, DISCOVERY_SECONDS)
    return data


def _jwks(meta: dict, *, fresh: bool = False) -> KeySet:
    key = _cache_key("jwks", meta["jwks_uri"])
    data = None if fresh else cache.get(key)
    if data is None:
        data = _get_json(meta["jwks_uri"])
        cache.set(key, data, DISCOVERY_SECONDS)
    try:
        return KeySet.import_key_set(data)
    except (JoseError, ValueError, TypeError, KeyError):
        raise _unavailable("bad_jwks") from None


def redirect_uri(request, provider: IdentityProvider) -> str:
    """The callback's address on the host the request came to, registered at the provider.
    Without the /o/<slug>/ prefix of an organisation's site on a shared host (SiteMiddleware's
    script prefix): it must not depend on the page the person started from."""
    from django.urls import get_script_prefix, reverse

    path = reverse("accounts:sso_oidc_callback", args=[provider.slug])
    prefix = get_script_prefix()
    site = getattr(request, "site_organisation", None)
    site_prefix = f"/o/{site.slug}/" if site is not None else ""
    if site_prefix and prefix.endswith(site_prefix) and path.startswith(prefix):
        path = prefix[: -len(site_prefix) + 1] + path[len(prefix):]
    return request.build_absolute_uri(path)


def _now() -> float:
    return timezone.now().timestamp()


def _scopes(provider: IdentityProvider) -> str:
    scopes = (provider.scopes or "").split()
    return " ".join(scopes if "openid" in scopes else ["openid", *scopes])


def _client(provider: IdentityProvider, request) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=_scopes(provider),
        redirect_uri=redirect_uri(request, provider),
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )


def begin(request, provider: IdentityProvider, *, next_url: str = "") -> str:
    """The address of the provider's authorization endpoint for a new sign-on; state,
    nonce and PKCE verifier are kept in the session."""
    meta = metadata(provider)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    url, _state = _client(provider, request).create_authorization_url(
        meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier,
    )
    pending = {k: v for k, v in (request.session.get(SESSION_KEY) or {}).items()
               if isinstance(v, dict) and v.get("started", 0) > _now() - FLOW_SECONDS}
    while len(pending) >= MAX_PENDING:
        pending.pop(min(pending, key=lambda k: pending[k].get("started", 0)))
    pending[state] = {"provider": provider.pk, "nonce": nonce, "verifier": verifier, "next": next_url or "",
                      "started": _now()}
    request.session[SESSION_KEY] = pending
    return url


def _take_pending(request, provider: IdentityProvider, state: str) -> dict:
    """The pending sign-on `state` names, removed from the session (each is used once)."""
    pending = request.session.get(SESSION_KEY) or {}
    flow = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if not isinstance(flow, dict) or flow.get("provider") != provider.pk:
        raise SsoRefused(_("Inloggningen kunde inte kopplas till den här webbläsaren, eller har redan använts. "
                           "Börja om inloggningen från inloggningssidan."), reason="state_mismatch")
    if flow.get("started", 0) <= _now() - FLOW_SECONDS:
        raise SsoRefused(_("Inloggningen tog för lång tid. Börja om inloggningen från inloggningssidan."),
                         reason="flow_expired")
    return flow


def peek_next(request, state: str) -> str:
    """Where the pending sign-on `state` was to go afterwards (for a refusal page's link)."""
    flow = (request.session.get(SESSION_KEY) or {}).get(state or "")
    return flow.get("next", "") if isinstance(flow, dict) else ""


def _validate_id_token(provider: IdentityProvider, meta: dict, raw: str, *, nonce: str, access_token: str):
    registry = JWSRegistry(algorithms=ALGORITHMS)
    try:
        try:
            token = jwt.decode(raw, _jwks(meta), registry=registry)
        except InvalidKeyIdError:
            token = jwt.decode(raw, _jwks(meta, fresh=True), registry=registry)  # the keys were rotated
    except JoseError:
        raise _invalid("bad_signature") from None
    except (ValueError, TypeError, KeyError):
        raise _invalid("malformed_id_token") from None

    options = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "nonce": {"essential": True, "value": nonce},
    }
    claims = CodeIDToken(token.claims, token.header, options,
                         {"nonce": nonce, "client_id": provider.client_id, "access_token": access_token})
    try:
        claims.validate(now=int(timezone.now().timestamp()), leeway=int(provider.clock_skew_seconds))
    except ExpiredTokenError:
        raise _invalid("expired") from None
    except ClaimError as exc:
        # e.g. "invalid_claim:aud": the claim's name, never its value
        raise _invalid(f"{exc.error}:{str(exc.claim)[:20]}") from None
    except JoseError:
        raise _invalid("invalid_id_token") from None
    return claims


def _groups(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if isinstance(item, (str, int))]
    return []


def complete(request, provider: IdentityProvider) -> SignOn:
    """Check the provider's answer to this session's sign-on; what it says about the person."""
    params = request.GET
    flow = _take_pending(request, provider, params.get("state", ""))
    if params.get("error"):
        # The person cancelled, or the provider refused: its error code only.
        raise SsoRefused(_("Identitetsleverantören avbröt inloggningen. Försök igen, eller kontakta "
                           "organisationens administratör om felet består."),
                         reason="provider_error:" + _code(params.get("error", "")))
    code = params.get("code", "")
    if not code:
        raise _invalid("no_code")
    meta = metadata(provider)
    client = _client(provider, request)
    try:
        token = client.fetch_token(meta["token_endpoint"], grant_type="authorization_code", code=code,
                                   code_verifier=flow["verifier"], timeout=HTTP_TIMEOUT)
    except AuthlibBaseError as exc:
        raise _invalid("token_error:" + _code(getattr(exc, "error", "") or "oauth")) from None
    except (requests.RequestException, ValueError):
        raise _unavailable("token_http_error") from None
    raw = token.get("id_token")
    if not isinstance(raw, str) or not raw:
        raise _invalid("no_id_token")
    claims = _validate_id_token(provider, meta, raw, nonce=flow["nonce"], access_token=token.get("access_token", ""))

    skew = timedelta(seconds=int(provider.clock_skew_seconds))
    expires = datetime.fromtimestamp(int(claims["exp"]), tz=dt_timezone.utc) + skew
    replay_guard(key=f"oidc:{provider.pk}:{flow['nonce']}", expires_at=expires)

    info = dict(claims)
    attribute = provider.groups_attribute or "groups"
    if meta.get("userinfo_endpoint") and (attribute not in info or not info.get("email")):
        info = {**_userinfo(client, meta, token, subject=claims["sub"]), **info}
    username = ""
    if provider.username_attribute:
        value = info.get(provider.username_attribute)
        username = value if isinstance(value, str) else ""
    return SignOn(
        subject=str(claims["sub"]),
        email=str(info.get("email") or ""),
        first_name=str(info.get("given_name") or ""),
        last_name=str(info.get("family_name") or ""),
        username=username,
        groups=_groups(info.get(attribute)),
        next_url=flow.get("next", ""),
    )


def _userinfo(client: OAuth2Session, meta: dict, token: dict, *, subject: str) -> dict:
    client.token = token
    try:
        response = client.get(meta["userinfo_endpoint"], timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (AuthlibBaseError, requests.RequestException, ValueError):
        raise _unavailable("userinfo_error") from None
    if not isinstance(data, dict) or data.get("sub") != subject:
        # OpenID Connect Core 5.3.2: the userinfo's sub must be the id_token's.
        raise _invalid("userinfo_subject_mismatch")
    return data
