"""A real OpenID Connect provider on loopback for the single sign-on tests: pyop's
Provider (authorization code flow, PKCE, client_secret_basic, RS256 id_tokens, JWKS,
userinfo) behind a small threaded WSGI server.

It signs in `op.current_user` (a key of `op.users`) without asking, or, with
`op.interactive = True`, after a click on its own sign-in page (the browser journey).
A few switches make it misbehave the way a broken or hostile provider would, for the
tests that Diarium refuses it: `op.tweak(audience=..., issuer=..., rogue_key=True,
lifetime=..., groups_in_id_token=False)`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import ipaddress
import json
import os
import ssl
import tempfile
import threading
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from Cryptodome.PublicKey import RSA
from jwkest.jwk import RSAKey
from pyop.authz_state import AuthorizationState
from pyop.exceptions import (
    BearerTokenError,
    InvalidAccessToken,
    InvalidAuthenticationRequest,
    InvalidClientAuthentication,
    InvalidTokenRequest,
    OAuthError,
)
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo
from pyop.util import should_fragment_encode

CLIENT_ID = "diarium-test"
CLIENT_SECRET = "op-client-secret-Zx81q"  # a test's own value: the log tests look for it


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # no access log on the test output
        pass


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Provider(Provider):
    """pyop's provider with the test switches (see `LoopbackProvider.tweak`)."""

    switches: dict

    def _create_signed_id_token(self, client_id, sub, user_claims=None, nonce=None, authorization_code=None,
                                access_token_value=None, extra_id_token_claims=None):
        switches = self.switches
        real_issuer, real_key, real_lifetime = (self.configuration_information["issuer"], self.signing_key,
                                                self.id_token_lifetime)
        try:
            if switches.get("issuer"):
                self.configuration_information["issuer"] = switches["issuer"]
            if switches.get("rogue_key"):
                self.signing_key = self.rogue_key
            if "lifetime" in switches:
                self.id_token_lifetime = switches["lifetime"]
            audience = switches.get("audience") or client_id
            if audience != client_id and audience not in self.clients:
                self.clients[audience] = dict(self.clients[client_id])
            return super()._create_signed_id_token(audience, sub, user_claims, nonce, authorization_code,
                                                   access_token_value, extra_id_token_claims)
        finally:
            self.configuration_information["issuer"] = real_issuer
            self.signing_key = real_key
            self.id_token_lifetime = real_lifetime


class LoopbackProvider:
    def __init__(self):
        self.users: dict[str, dict] = {}
        self.current_user = ""
        self.interactive = False
        self.redirect_uris: list[str] = []
        self.last_token_answer: dict = {}
        self._server = make_server("127.0.0.1", 0, self.app, server_class=_Server, handler_class=_Quiet)
        # HTTPS, as OpenID Connect requires (pyop refuses an http issuer): a certificate of
        # its own for 127.0.0.1, which the clients trust through REQUESTS_CA_BUNDLE (start()).
        self._tmp = tempfile.TemporaryDirectory(prefix="diarium-op-")
        self.ca_file = _self_signed(self._tmp.name)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, os.path.join(self._tmp.name, "key.pem"))
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True,
                                                  do_handshake_on_connect=False)
        self.issuer = f"https://127.0.0.1:{self._server.server_port}/op"
        key = RSAKey(key=RSA.generate(2048), alg="RS256", kid="op-key-1")
        rogue = RSAKey(key=RSA.generate(2048), alg="RS256", kid="op-key-1")  # same kid, not published
        configuration = {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "claims_supported": ["sub", "email", "given_name", "family_name", "groups"],
        }
        self.clients = {
            CLIENT_ID: {
                "client_secret": CLIENT_SECRET,
                "redirect_uris": self.redirect_uris,
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_basic",
            }
        }
        self.op = _Provider(
            key, configuration,
            AuthorizationState(HashBasedSubjectIdentifierFactory("loopback-salt")),
            self.clients, Userinfo(self.users), id_token_lifetime=300,
            extra_scopes={"groups": ["groups"]},  # the userinfo answer has the groups with this scope
        )
        self.op.rogue_key = rogue
        self.op.switches = {}
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle and switches --------------------------------------------------------
    def start(self):
        self._ca_before = os.environ.get("REQUESTS_CA_BUNDLE")
        os.environ["REQUESTS_CA_BUNDLE"] = self.ca_file
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        if self._ca_before is None:
            os.environ.pop("REQUESTS_CA_BUNDLE", None)
        else:
            os.environ["REQUESTS_CA_BUNDLE"] = self._ca_before
        self._tmp.cleanup()

    def add_user(self, user_id: str, *, sub: str, email: str, given_name: str, family_name: str, groups: list[str]):
        self.users[user_id] = {"sub": sub, "email": email, "given_name": given_name, "family_name": family_name,
                               "groups": list(groups)}

    def allow_redirect(self, uri: str):
        if uri not in self.redirect_uris:
            self.redirect_uris.append(uri)

    @contextlib.contextmanager
    def tweak(self, **switches):
        self.op.switches = switches
        try:
            yield self
        finally:
            self.op.switches = {}

    # --- the WSGI app ---------------------------------------------------------------------
    def app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        prefix = "/op"
        if not path.startswith(prefix):
            return self._answer(start_response, "404 Not Found", {"error": "not_found"})
        path = path[len(prefix):]
        try:
            if path == "/.well-known/openid-configuration":
                return self._answer(start_response, "200 OK", self.op.provider_configuration.to_dict())
            if path == "/jwks":
                return self._answer(start_response, "200 OK", self.op.jwks)
            if path == "/authorize":
                return self._authorize(environ, start_response, method)
            if path == "/token" and method == "POST":
                body = self._body(environ)
                answer = self.op.handle_token_request(
                    body, {"Authorization": environ.get("HTTP_AUTHORIZATION", "")},
                    extra_id_token_claims=self._extra_claims,
                )
                self.last_token_answer = answer.to_dict()
                return self._answer(start_response, "200 OK", self.last_token_answer)
            if path == "/userinfo":
                body = self._body(environ) if method == "POST" else environ.get("QUERY_STRING", "")
                answer = self.op.handle_userinfo_request(body, {"Authorization": environ.get("HTTP_AUTHORIZATION", "")})
                return self._answer(start_response, "200 OK", answer.to_dict())
        except InvalidClientAuthentication as exc:
            return self._answer(start_response, "401 Unauthorized", {"error": exc.oauth_error})
        except (InvalidTokenRequest, OAuthError) as exc:
            return self._answer(start_response, "400 Bad Request",
                                {"error": getattr(exc, "oauth_error", "invalid_request")})
        except (BearerTokenError, InvalidAccessToken):
            return self._answer(start_response, "401 Unauthorized", {"error": "invalid_token"})
        return self._answer(start_response, "404 Not Found", {"error": "not_found"})

    def _extra_claims(self, user_id, client_id):
        if self.op.switches.get("groups_in_id_token", True) is False:
            return {}
        return {"groups": list(self.users[user_id]["groups"])}

    def _authorize(self, environ, start_response, method):
        query = environ.get("QUERY_STRING", "")
        if method == "POST":
            form = parse_qs(self._body(environ))
            query = form.get("request", [""])[0]
            user_id = form.get("user", [""])[0]
        elif self.interactive:
            return self._sign_in_page(start_response, query)
        else:
            user_id = self.current_user
        try:
            request = self.op.parse_authentication_request(query)
        except InvalidAuthenticationRequest:
            return self._answer(start_response, "400 Bad Request", {"error": "invalid_request"})
        response = self.op.authorize(request, user_id)
        location = response.request(request["redirect_uri"], should_fragment_encode(request))
        start_response("302 Found", [("Location", location), ("Content-Length", "0")])
        return [b""]

    def _sign_in_page(self, start_response, query):
        user = self.users[self.current_user]
        page = (
            '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Testleverantören</title></head>'
            "<body><main><h1>Testleverantören</h1>"
            f"<p>Inloggad som {html.escape(user['given_name'])} {html.escape(user['family_name'])}.</p>"
            f'<form method="post" action="/op/authorize"><input type="hidden" name="request" '
            f'value="{html.escape(query)}"><input type="hidden" name="user" value="{html.escape(self.current_user)}">'
            "<button type=\"submit\">Fortsätt till Diarium</button></form></main></body></html>"
        ).encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page)))])
        return [page]

    @staticmethod
    def _body(environ) -> str:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return environ["wsgi.input"].read(length).decode() if length else ""

    @staticmethod
    def _answer(start_response, status, data):
        body = json.dumps(data).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def _self_signed(folder: str) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    with open(os.path.join(folder, "key.pem"), "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    path = os.path.join(folder, "cert.pem")
    with open(path, "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    return path


def authorize_url_params(location: str) -> dict[str, str]:
    """The query of a redirect to the provider's authorization endpoint, as a dict."""
    from urllib.parse import urlsplit

    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


__all__ = ["CLIENT_ID", "CLIENT_SECRET", "LoopbackProvider", "authorize_url_params", "urlencode"]
