"""PAdES signatures of the adjusted minutes (diarium.core.signing, issue 19)."""

import datetime as dt
import io
import re

import pikepdf
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pypdf import PdfReader

from diarium.core import signing
from diarium.core.signing import Pkcs12Signer, signatures_validate, signer

from .pdf_support import pdf_text
from .signing_support import signing_setup

AT = dt.datetime(2025, 3, 14, 10, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def minutes() -> bytes:
    """The minutes as the project draws them: WeasyPrint's tagged PDF/A-3a."""
    from weasyprint import HTML

    html = ('<html lang="sv"><head><title>Protokoll</title><meta name="author" content="Kommunstyrelsen">'
            "</head><body><h1>Protokoll</h1><p>Kommunstyrelsen, sammanträde 2025-03-10.</p></body></html>")
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3a")


def _sign(pdf, settings, tmp_path, common_name, field, at=AT, ca_name="Diarium test-CA"):
    conf, root = signing_setup(tmp_path, common_name=common_name, ca_name=ca_name)
    settings.DIARIUM_SIGNING = conf
    signed = signer().sign(pdf, field_name=field, name=common_name, reason="Justering av protokoll",
                           location="Alingsås", at=at)
    return signed, root


@pytest.fixture
def signed_twice(minutes, settings, tmp_path):
    once, root = _sign(minutes, settings, tmp_path, "Anna Andersson", "Ordforande")
    twice, _root = _sign(once, settings, tmp_path, "Bo Berg", "Justerare1", at=AT + dt.timedelta(minutes=5))
    return minutes, once, twice, root


def test_two_signers_in_turn_keep_both_signatures_valid(signed_twice):
    minutes, once, twice, root = signed_twice
    assert twice.startswith(once) and once.startswith(minutes)  # incremental updates
    first, second = signatures_validate(twice, trust_roots=[root])
    assert (first.field_name, first.name, first.common_name) == ("Ordforande", "Anna Andersson", "Anna Andersson")
    assert (second.field_name, second.name, second.common_name) == ("Justerare1", "Bo Berg", "Bo Berg")
    for check in (first, second):
        assert check.intact and check.valid and check.trusted and check.bottom_line, check.summary
    # The first covers its own revision; the second signature came after it as form filling.
    assert (first.coverage, first.modification_level) == ("ENTIRE_REVISION", "FORM_FILLING")
    assert (second.coverage, second.modification_level) == ("ENTIRE_FILE", "NONE")
    assert first.signed_at == AT and second.signed_at == AT + dt.timedelta(minutes=5)


def test_three_signatures(signed_twice, settings, tmp_path):
    _minutes, _once, twice, root = signed_twice
    thrice, _root = _sign(twice, settings, tmp_path, "Cecilia Ceder", "Justerare2")
    checks = signatures_validate(thrice, trust_roots=[root])
    assert [c.name for c in checks] == ["Anna Andersson", "Bo Berg", "Cecilia Ceder"]
    assert all(c.bottom_line for c in checks)
    assert [c.coverage for c in checks] == ["ENTIRE_REVISION", "ENTIRE_REVISION", "ENTIRE_FILE"]


def test_the_signature_is_pades_with_name_reason_location_and_time(signed_twice):
    _minutes, _once, twice, _root = signed_twice
    with pikepdf.open(io.BytesIO(twice)) as pdf:
        fields = {str(f.T): f.V for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig"}
        sig = fields["Ordforande"]
        assert sig.SubFilter == "/ETSI.CAdES.detached" and sig.Filter == "/Adobe.PPKLite"
        assert (str(sig.Name), str(sig.Reason), str(sig.Location)) == (
            "Anna Andersson", "Justering av protokoll", "Alingsås")
        assert str(sig.M).startswith("D:20250314103000")
        assert set(fields) == {"Ordforande", "Justerare1"}


def test_bytes_changed_in_the_signed_range_break_the_signatures(signed_twice):
    _minutes, _once, twice, root = signed_twice
    # One byte in the middle of the first stream (WeasyPrint's colour profile), in
    # the first revision: every signature covers it; offsets and lengths hold.
    stream = re.search(rb"/Length (\d+)>>\s*stream\r?\n", twice)
    at = stream.end() + int(stream[1]) // 2
    tampered = twice[:at] + bytes([twice[at] ^ 0xFF]) + twice[at + 1:]
    checks = signatures_validate(tampered, trust_roots=[root])
    assert len(checks) == 2
    assert not any(c.intact for c in checks) and not any(c.bottom_line for c in checks)


def test_a_change_appended_after_signing_is_seen(signed_twice):
    """An incremental update that rewrites the page: the signed bytes are intact,
    but the change is not one a signature permits."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _minutes, _once, twice, root = signed_twice
    writer = IncrementalPdfFileWriter(io.BytesIO(twice))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (Ej beslutat) Tj ET")
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    checks = signatures_validate(out.getvalue(), trust_roots=[root])
    assert all(c.intact and c.valid and c.trusted for c in checks)
    assert [c.modification_level for c in checks] == ["OTHER", "OTHER"]
    assert not any(c.bottom_line for c in checks)


def test_a_certificate_of_another_ca_is_not_trusted(minutes, settings, tmp_path):
    signed, other_root = _sign(minutes, settings, tmp_path, "Eva Ek", "Ordforande", ca_name="Annan CA")
    _conf, our_root = signing_setup(tmp_path)
    [check] = signatures_validate(signed, trust_roots=[our_root])
    assert check.intact and check.valid
    assert not check.trusted and not check.bottom_line
    [check] = signatures_validate(signed, trust_roots=[other_root])
    assert check.trusted and check.bottom_line


def test_no_signer_without_settings(settings):
    settings.DIARIUM_SIGNING = None
    assert signer() is None
    del settings.DIARIUM_SIGNING
    assert signer() is None


def test_the_configured_signer(settings, tmp_path):
    conf, _root = signing_setup(tmp_path)
    settings.DIARIUM_SIGNING = conf
    assert isinstance(signer(), Pkcs12Signer)
    assert isinstance(signer(), signing.Signer)
    settings.DIARIUM_SIGNING = {k: v for k, v in conf.items() if k != "BACKEND"}
    assert isinstance(signer(), Pkcs12Signer)  # the default backend


def test_pem_files(minutes, settings, tmp_path):
    from cryptography.hazmat.primitives import serialization

    from .signing_support import make_ca, signer_keys

    key, cert = signer_keys("Anna Andersson")
    root = make_ca().cert
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"hemligt")))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "ca.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    settings.DIARIUM_SIGNING = {"BACKEND": "diarium.core.signing.PemSigner", "KEY": str(tmp_path / "key.pem"),
                                "CERT": str(tmp_path / "cert.pem"), "PASSWORD": "hemligt",
                                "CHAIN": [str(tmp_path / "ca.pem")]}
    signed = signer().sign(minutes, field_name="Ordforande", name="Anna Andersson", reason="Justering",
                           location="Alingsås", at=timezone.now())
    [check] = signatures_validate(signed, trust_roots=[root])
    assert check.bottom_line, check.summary


@pytest.mark.parametrize("change, message", [
    ({"PASSWORD": "fel"}, "fel lösenord"),
    ({"PKCS12": "/finns/inte.p12"}, "finns inte"),
    ({"BACKEND": "diarium.core.signing.Saknas"}, "finns inte"),
    ({"OKAND": 1}, "inställningarna passar inte"),
])
def test_a_broken_configuration_is_told_in_swedish(settings, tmp_path, change, message):
    conf, _root = signing_setup(tmp_path)
    settings.DIARIUM_SIGNING = {**conf, **change}
    with pytest.raises(ImproperlyConfigured, match=message):
        signer()


def test_a_naive_signing_time_is_refused(minutes, settings, tmp_path):
    conf, _root = signing_setup(tmp_path)
    settings.DIARIUM_SIGNING = conf
    with pytest.raises(ValueError):
        signer().sign(minutes, field_name="X", name="Anna", reason="", location="", at=dt.datetime(2025, 1, 1))


def _metadata(data: bytes):
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return dict(pdf.docinfo.items()), pdf.Root.Metadata.read_bytes(), pdf.pdf_version, pdf.Root.get("/Version")


def test_the_signed_minutes_still_read_as_pdf_a(signed_twice):
    minutes, _once, twice, _root = signed_twice
    assert "Protokoll" in pdf_text(twice)
    assert len(PdfReader(io.BytesIO(twice)).pages) == 1
    # The Info dictionary and the XMP as WeasyPrint made them (PDF/A wants them to
    # agree), and still a PDF 1.7: no /Version 2.0 for the EC keys' ISO 32002.
    info, xmp, version, catalog_version = _metadata(twice)
    assert (info, xmp, version) == _metadata(minutes)[:3] and version == "1.7"
    assert catalog_version is None
    with pikepdf.open(io.BytesIO(twice)) as pdf:
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfaid:part") == "3" and xmp.get("pdfaid:conformance") == "A"
            assert xmp.get("pdf:Producer") == str(pdf.docinfo["/Producer"])
        assert str(pdf.Root.Lang) == "sv" and "/StructTreeRoot" in pdf.Root
        assert set(pdf.Root.Extensions.keys()) == {"/ESIC"}  # PAdES, for PDF 1.7
        assert int(pdf.Root.AcroForm.SigFlags) == 3
        for widget in (f for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig"):
            assert int(widget.get("/F", 0)) & 4  # PDF/A: annotations are printable
    assert len(re.findall(rb"%%EOF", twice)) >= 3  # the original and one revision per signer
