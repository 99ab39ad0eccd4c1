"""A real SAML 2.0 identity provider on loopback for the single sign-on tests: two pysaml2
IdPs ("a" and "b", each with its own key pair) behind one small threaded HTTP server.

- GET /<idp>/metadata          the IdP's metadata (for IdentityProvider.metadata_url)
- GET /<idp>/sso/redirect      takes our AuthnRequest (HTTP-Redirect binding, signature checked
                               against our SP metadata) and answers, as an IdP does, with an
                               HTML form that would post the signed Response to our ACS.

`idp.trust_sp(metadata_xml)` hands it our SP metadata (fetched from Diarium's metadata view).
`idp.user` is whom it signs in. Switches make it misbehave the way a broken or hostile IdP
would, for the tests that Diarium refuses it: `idp.tweak(sign_assertion=False,
sign_response=True, audience="...", answer_as="b")`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary

IDPS = ("a", "b")
AUTHN = {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
         "authn_auth": "https://idp.example/"}


def make_key_pair(folder: Path, name: str) -> tuple[str, str]:
    """A throw-away RSA key and self-signed certificate as PEM files; (key path, cert path)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650)).sign(key, hashes.SHA256()))
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class _Handler(BaseHTTPRequestHandler):
    idp: LoopbackIdp

    def log_message(self, *args):  # no access log on the test output
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        match = re.fullmatch(r"/([ab])/(metadata|sso/redirect)", parts.path)
        if not match:
            return self._answer(404, "text/plain", "not found")
        name, what = match.groups()
        if what == "metadata":
            return self._answer(200, "application/samlmetadata+xml", self.idp.metadata[name])
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        try:
            page = self.idp.answer(name, query)
        except Exception as exc:  # the test sees the IdP's own refusal
            return self._answer(400, "text/plain", f"IdP refused: {type(exc).__name__}: {exc}")
        return self._answer(200, "text/html", page)

    def _answer(self, status, content_type, text):
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LoopbackIdp:
    def __init__(self, folder: Path):
        self.folder = folder
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"idp": self}))
        self.http.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.keys = {name: make_key_pair(folder, f"idp-{name}") for name in IDPS}
        self.metadata = {name: create_metadata_string(None, config=self._config(name), sign=False).decode()
                         for name in IDPS}
        self.servers: dict[str, Server] = {}
        self._sp_metadata = None
        self.switches: dict = {}
        self.user = "anna"
        self.users: dict[str, dict] = {}
        self.last_request = None
        self._thread = threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def entity_id(self, name="a") -> str:
        return f"{self.base}/{name}/metadata"

    def metadata_url(self, name="a") -> str:
        return f"{self.base}/{name}/metadata"

    def federation_metadata(self) -> str:
        """Both IdPs in one EntitiesDescriptor, as a federation publishes them."""
        bodies = [re.sub(r"^<\?xml[^>]*\?>\s*", "", self.metadata[name]) for name in IDPS]
        return ('<?xml version="1.0"?>\n<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                'Name="urn:test:federation">' + "".join(bodies) + "</md:EntitiesDescriptor>")

    def _config(self, name, sp_metadata=None) -> IdPConfig:
        key_file, cert_file = self.keys[name]
        config = {
            "entityid": self.entity_id(name),
            "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
            "key_file": key_file,
            "cert_file": cert_file,
            "service": {"idp": {
                "endpoints": {"single_sign_on_service": [(f"{self.base}/{name}/sso/redirect",
                                                          BINDING_HTTP_REDIRECT)]},
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                                       "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"}},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "want_authn_requests_signed": True,
            }},
        }
        if sp_metadata:
            config["metadata"] = {"inline": [sp_metadata]}
        conf = IdPConfig()
        conf.load(config)
        return conf

    def trust_sp(self, sp_metadata: str) -> None:
        """Our SP's metadata, as the IdP's administrator registers it (the IdPs are made anew
        only when it changed)."""
        if sp_metadata != self._sp_metadata:
            self.servers = {name: Server(config=self._config(name, sp_metadata)) for name in IDPS}
            self._sp_metadata = sp_metadata

    @contextlib.contextmanager
    def tweak(self, **switches):
        self.switches = switches
        try:
            yield self
        finally:
            self.switches = {}

    def answer(self, name: str, query: dict) -> str:
        server = self.servers[name]
        request = server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT,
                                             relay_state=query.get("RelayState"), sigalg=query.get("SigAlg"),
                                             signature=query.get("Signature"))
        self.last_request = request
        args = server.response_args(request.message, [BINDING_HTTP_POST])
        switches = self.switches
        responder = self.servers[switches.get("answer_as", name)]
        if switches.get("audience"):
            args["sp_entity_id"] = switches["audience"]
        person = self.users[self.user]
        response = responder.create_authn_response(
            person["attributes"], userid=self.user,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=person["subject"]), authn=AUTHN,
            sign_assertion=switches.get("sign_assertion", True), sign_response=switches.get("sign_response", False),
            **args,
        )
        http_args = responder.apply_binding(BINDING_HTTP_POST, str(response), args["destination"],
                                            query.get("RelayState", ""), response=True)
        return http_args["data"]

    def close(self):
        self.http.shutdown()
        self.http.server_close()


def posted_form(page: str) -> tuple[str, dict]:
    """The action and the fields of the IdP's auto-posting form."""
    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page).group(1))
    fields = {html.unescape(n): html.unescape(v)
              for n, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)}
    return action, fields
