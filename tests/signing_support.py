"""A test CA for the signing tests, made at test time with `cryptography`.

`signing_setup(tmp_path)` writes a signer's key and certificate (issued by the
test CA) to a PKCS#12 file and returns the DIARIUM_SIGNING setting for it and
the CA's root certificate, the trust root for validation. Keys are EC P-256 and
made once per CA and signer name for the whole test run.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils import timezone

PASSWORD = "test-lösenord"
CA_NAME = "Diarium test-CA"


@dataclass(frozen=True)
class CA:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Diarium test"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _builder(subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    now = timezone.now()
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))


def make_ca(common_name: str = CA_NAME) -> CA:
    """A self-signed root CA (one per name for the run)."""
    return _make_ca(common_name)


@functools.cache
def _make_ca(common_name: str) -> CA:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    cert = (_builder(name, name, key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return CA(key, cert)


def signer_keys(common_name: str, ca_name: str = CA_NAME) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A signer's key and certificate (digitalSignature, nonRepudiation) issued by
    the CA (one per name and CA for the run)."""
    return _signer_keys(common_name, ca_name)


@functools.cache
def _signer_keys(common_name: str, ca_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    ca = make_ca(ca_name)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (_builder(_name(common_name), ca.cert.subject, key.public_key())
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                           critical=False)
            .sign(ca.key, hashes.SHA256()))
    return key, cert


def signing_setup(tmp_path: Path, *, common_name: str = "Anna Andersson",
                  ca_name: str = CA_NAME, password: str = PASSWORD
                  ) -> tuple[dict, x509.Certificate]:
    """(DIARIUM_SIGNING for a PKCS#12 file of the signer, the CA's root certificate)."""
    key, cert = signer_keys(common_name, ca_name)
    root = make_ca(ca_name).cert
    path = tmp_path / f"{common_name.replace(' ', '_')}.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, [root],
        serialization.BestAvailableEncryption(password.encode())))
    return {"BACKEND": "diarium.core.signing.Pkcs12Signer", "PKCS12": str(path),
            "PASSWORD": password}, root
