"""Digital signatures (PAdES) of PDFs, for the adjusted minutes (issue 19).

One signer at a time adds one signature to the PDF as an incremental update, so
the bytes that earlier signers signed stay as they were and every signature
stays valid. A `Signer` is anything with the `sign` method below: the bundled
ones sign with a key file on the server (`Pkcs12Signer`, `PemSigner`); an eID
service (BankID, Freja through a signing service) plugs in as another class.

The backend comes from the setting DIARIUM_SIGNING, a dict whose BACKEND is the
class's dotted path (default `diarium.core.signing.Pkcs12Signer`) and whose other
keys, lower-cased, are the class's keyword arguments:

    DIARIUM_SIGNING = {"BACKEND": "diarium.core.signing.Pkcs12Signer",
                       "PKCS12": "/etc/diarium/seal.p12", "PASSWORD": "…"}
    DIARIUM_SIGNING = {"BACKEND": "diarium.core.signing.PemSigner",
                       "KEY": "/etc/diarium/key.pem", "CERT": "/etc/diarium/cert.pem",
                       "CHAIN": ["/etc/diarium/ca.pem"]}

Without the setting `signer()` is None and the minutes keep the paper path.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Protocol, runtime_checkable

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12 as pkcs12_format
from cryptography.utils import CryptographyDeprecationWarning
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

# pyHanko imports cryptography's DSA types, which cryptography 46+ marks as
# deprecated on import; nothing here uses DSA, so the notice is kept out of
# every start-up and log.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.signers import constants
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

DEFAULT_BACKEND = "diarium.core.signing.Pkcs12Signer"

_DER = serialization.Encoding.DER


@runtime_checkable
class Signer(Protocol):
    def sign(self, pdf: bytes, *, field_name: str, name: str, reason: str, location: str,
             at: dt.datetime) -> bytes:
        """The PDF with one more signature, in a new signature field `field_name`
        (unique in the document), added as an incremental update. `name` is the
        person signing (the signature's /Name), `at` the time of signing
        (timezone-aware, from django.utils.timezone.now())."""
        ...


def signer() -> Signer | None:
    """The configured signer, or None when DIARIUM_SIGNING is not set."""
    conf = getattr(settings, "DIARIUM_SIGNING", None)
    if not conf:
        return None
    path = conf.get("BACKEND", DEFAULT_BACKEND)
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"DIARIUM_SIGNING: signeringstjänsten {path} finns inte.") from exc
    options = {key.lower(): value for key, value in conf.items() if key != "BACKEND"}
    try:
        inspect.signature(cls).bind(**options)
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"DIARIUM_SIGNING: inställningarna passar inte {path} ({exc})."
        ) from exc
    return cls(**options)


def _read(path: str | Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"DIARIUM_SIGNING: {what} {path} finns inte eller går inte att läsa."
        ) from exc


class _PdfSignerAt(signers.PdfSigner):
    """pyHanko's PdfSigner, kept to what a PDF/A-3 (a PDF 1.7) may hold.

    The signing time is the caller's: pyHanko takes the machine's clock and has
    no argument for it, but its session's `system_time` is what goes into the
    signature's /M (a PAdES signature has no CMS signing-time attribute: ETSI
    EN 319 142-1 forbids it). And the only extension declared is PAdES's own
    (ESIC, for PDF 1.7): for EC keys pyHanko would also declare ISO/TS 32002,
    which lifts the document to PDF 2.0."""

    def __init__(self, *args, at: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.at = at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self.at
        return session

    def register_extensions(self, pdf_out, *, md_algorithm):
        pdf_out.register_extension(constants.ESIC_EXTENSION_1)


class _MetadataKeepingWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the document's metadata as it was.
    pyHanko would add itself to the Info /Producer, set another pdf:Producer and
    the machine's time in the XMP: PDF/A wants the two to agree, and the
    signature revision has no need to touch them."""

    def _update_meta(self):
        pass


class _KeySigner:
    """Signs with a private key held by the server (an organisation's seal)."""

    def __init__(self, key, cert: x509.Certificate, chain: Iterable[x509.Certificate], source: str):
        if key is None or cert is None:
            raise ImproperlyConfigured(f"DIARIUM_SIGNING: {source} saknar nyckel eller certifikat.")
        if key.public_key().public_bytes(_DER, serialization.PublicFormat.SubjectPublicKeyInfo) != \
                cert.public_key().public_bytes(_DER, serialization.PublicFormat.SubjectPublicKeyInfo):
            raise ImproperlyConfigured(f"DIARIUM_SIGNING: nyckeln i {source} hör inte till certifikatet.")
        pkcs8 = key.private_bytes(_DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        self._signer = signers.SimpleSigner(
            signing_cert=_asn1_certificate(cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(c) for c in chain]),
        )

    def sign(self, pdf: bytes, *, field_name: str, name: str, reason: str, location: str,
             at: dt.datetime) -> bytes:
        if timezone.is_naive(at):
            raise ValueError("The signing time must be timezone-aware")
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, name=name, reason=reason, location=location,
            subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        )
        writer = _MetadataKeepingWriter(BytesIO(pdf))
        return _outside_event_loop(lambda: _PdfSignerAt(meta, self._signer, at=at).sign_pdf(writer).getvalue())


class Pkcs12Signer(_KeySigner):
    """A key and certificate (and the CA chain) in a PKCS#12 file (.p12, .pfx)."""

    def __init__(self, pkcs12: str | Path, password: str | bytes = "", chain: Sequence[str] | str = ()):
        data = _read(pkcs12, "nyckelfilen")
        secret = password.encode() if isinstance(password, str) else password
        try:
            key, cert, others = pkcs12_format.load_key_and_certificates(data, secret or None)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"DIARIUM_SIGNING: nyckelfilen {pkcs12} går inte att öppna: fel lösenord eller ingen PKCS#12-fil."
            ) from exc
        super().__init__(key, cert, [*others, *_chain(chain)], f"nyckelfilen {pkcs12}")


class PemSigner(_KeySigner):
    """A private key and its certificate in PEM files, and the CA chain."""

    def __init__(self, key: str | Path, cert: str | Path, password: str | bytes = "",
                 chain: Sequence[str] | str = ()):
        secret = password.encode() if isinstance(password, str) else password
        try:
            private_key = serialization.load_pem_private_key(_read(key, "nyckelfilen"), secret or None)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"DIARIUM_SIGNING: nyckelfilen {key} går inte att öppna: fel lösenord eller ingen PEM-nyckel."
            ) from exc
        [certificate, *rest] = _chain([cert]) or [None]
        super().__init__(private_key, certificate, [*rest, *_chain(chain)], f"certifikatfilen {cert}")


def _chain(paths: Iterable[str | Path] | str | Path) -> list[x509.Certificate]:
    certs = []
    for path in [paths] if isinstance(paths, str | Path) else paths:
        try:
            certs += x509.load_pem_x509_certificates(_read(path, "certifikatfilen"))
        except ValueError as exc:
            raise ImproperlyConfigured(f"DIARIUM_SIGNING: certifikatfilen {path} är inte PEM.") from exc
    return certs


def _asn1_certificate(cert) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    return asn1_x509.Certificate.load(cert.public_bytes(_DER))


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko's validator says about one signature in a PDF."""

    field_name: str
    name: str  # the signature's /Name: the person who signed
    common_name: str  # the certificate's subject CN
    signed_at: dt.datetime | None  # as the signer reports it (/M), not a trusted timestamp
    intact: bool  # the signed bytes hash to the signed digest
    valid: bool  # the cryptographic signature checks out
    trusted: bool  # the certificate chains to one of the trust roots
    coverage: str  # "ENTIRE_FILE" (the last revision) or "ENTIRE_REVISION" (more came after)
    modification_level: str | None  # what came after: "NONE", "FORM_FILLING" (more signatures)…
    bottom_line: bool  # all of the above acceptable: pyHanko's overall judgement
    summary: str


def _outside_event_loop(work):
    """Run `work`, which pyHanko's synchronous API does with asyncio.run: in a
    worker thread when this thread already runs an event loop (an async server,
    a browser test), where asyncio.run would refuse."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def signatures_validate(pdf: bytes, *, trust_roots: Iterable, at: dt.datetime | None = None
                        ) -> list[SignatureCheck]:
    """Every signature in the PDF, in signing order, checked against the trust
    roots (`cryptography.x509.Certificate`s; asn1crypto ones are taken too) at
    the time `at` (now). Offline: no revocation data is fetched."""
    return _outside_event_loop(lambda: _validate(pdf, trust_roots=trust_roots, at=at))


def _validate(pdf: bytes, *, trust_roots: Iterable, at: dt.datetime | None) -> list[SignatureCheck]:
    roots = [_asn1_certificate(c) for c in trust_roots]
    moment = at or timezone.now()
    reader = PdfFileReader(BytesIO(pdf))
    checks = []
    for embedded in reader.embedded_regular_signatures:
        context = ValidationContext(trust_roots=roots, moment=moment, allow_fetching=False)
        status = validate_pdf_signature(embedded, context)
        level = status.modification_level
        checks.append(SignatureCheck(
            field_name=embedded.field_name,
            name=str(embedded.sig_object.get("/Name", "")),
            common_name=status.signing_cert.subject.native.get("common_name", ""),
            signed_at=status.signer_reported_dt,
            intact=status.intact, valid=status.valid, trusted=status.trusted,
            coverage=status.coverage.name if status.coverage else "UNCLEAR",
            modification_level=level.name if level is not None else None,
            bottom_line=status.bottom_line,
            summary=status.summary(),
        ))
    return checks
