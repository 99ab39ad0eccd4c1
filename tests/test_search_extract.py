"""Text extraction for the search index: real small files of every supported
type, and the limits that keep one hostile file from stalling the worker."""

from __future__ import annotations

import io
import struct
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from diarium.search.extract import text_of_bytes, text_of_file

from . import factories as f

TITLE = "Handlingsplanen för digitalisering"
MOTTO = "Öppen och smart"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- building real files -------------------------------------------------------------------

def pdf_bytes(*pages: str) -> bytes:
    import weasyprint

    body = "".join(f'<section style="page-break-after: always">{p}</section>' for p in pages)
    return weasyprint.HTML(string=f'<html lang="sv"><body>{body}</body></html>').write_pdf()


def docx_bytes(build=None) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph(MOTTO)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Åtgärd"
    table.cell(0, 1).text = "E-tjänsteplattform"
    document.sections[0].header.paragraphs[0].text = "Alingsås kommun"
    if build:
        build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odf_bytes(body: str, mimetype: str = ODT, *, prolog: str = "") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">'
        f"<office:body>{body}</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The archive with some members' content replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.pop(info.filename, None) or src.read(info))
        for name, content in replace.items():
            dst.writestr(name, content)
    return out.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """The archive with `member`'s uncompressed size in the central directory
    forged to `size`, as a zip bomb's would read, without writing that much."""
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    while pos != -1:
        name_length = struct.unpack_from("<H", buf, pos + 28)[0]
        if bytes(buf[pos + 46:pos + 46 + name_length]) == member.encode():
            struct.pack_into("<I", buf, pos + 24, size)
            return bytes(buf)
        pos = buf.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(f"{member} not in the archive")


# --- formats --------------------------------------------------------------------------------

def test_pdf_text_comes_out_in_swedish():
    text = text_of_bytes(pdf_bytes(f"<h1>{TITLE}</h1><p>{MOTTO}</p>"), content_type="application/pdf",
                         filename="plan.pdf")
    assert TITLE in text and MOTTO in text


def test_docx_body_table_and_header():
    text = text_of_bytes(docx_bytes(), content_type=DOCX, filename="plan.docx")
    assert text.splitlines()[:4] == [TITLE, MOTTO, "Åtgärd", "E-tjänsteplattform"]
    assert "Alingsås kommun" in text


def test_docx_tracked_insertions_count_and_deletions_do_not():
    from docx.oxml.parser import parse_xml

    def add_revisions(document):
        p = document.add_paragraph("Beslutet ")
        p._p.append(parse_xml(f'<w:ins xmlns:w="{W_NS}" w:id="1" w:author="KS"><w:r><w:t>antas</w:t></w:r></w:ins>'))
        p._p.append(parse_xml(f'<w:del xmlns:w="{W_NS}" w:id="2" w:author="KS"><w:r><w:delText>avslås</w:delText>'
                              "</w:r></w:del>"))

    text = text_of_bytes(docx_bytes(add_revisions), content_type=DOCX, filename="beslut.docx")
    assert "Beslutet antas" in text and "avslås" not in text


LAUGHS = "".join(
    f'<!ENTITY {name} "{(f"&{inner};" * 10) if inner else "HEMLIGT-HEMLIGT"}">'
    for name, inner in (("a", ""), ("b", "a"), ("c", "b"), ("d", "c"), ("e", "d"))
)


@pytest.mark.parametrize("declaration, reference", [
    ('<!ENTITY x SYSTEM "file://{secret}">', "&x;"),  # external: would read a local file
    (LAUGHS, "&e;"),  # internal, nested: would expand 10 000 times
])
def test_docx_entities_are_not_expanded(tmp_path, declaration, reference):
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMLIGT-INNEHÅLL")
    data = docx_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
    head, _, rest = xml.partition("?>")
    xml = (f"{head}?><!DOCTYPE w:document [{declaration.format(secret=secret)}]>"
           + rest.replace(MOTTO, f"{MOTTO} {reference}"))
    text = text_of_bytes(rezip(data, {"word/document.xml": xml.encode()}), content_type=DOCX, filename="x.docx")
    assert MOTTO in text and "HEMLIGT" not in text


def test_odt_paragraphs_spaces_and_notes_but_not_comments():
    body = (
        "<office:text>"
        f"<text:h text:outline-level='1'>{TITLE}</text:h>"
        "<text:p><text:span>Öppen</text:span><text:s text:c='3'/>och<text:tab/>smart"
        "<office:annotation><dc:creator>Handläggare</dc:creator><text:p>Internt utkast</text:p></office:annotation>"
        "<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>Fotnot om målbilden</text:p></text:note-body></text:note>"
        "</text:p>"
        "<text:p><text:s text:c='999999999999'/>Sista raden</text:p>"
        "</office:text>"
    )
    text = text_of_bytes(odf_bytes(body), content_type=ODT, filename="plan.odt")
    assert text.splitlines() == [TITLE, "Fotnot om målbilden", MOTTO, "Sista raden"]
    assert "Internt utkast" not in text


def test_ods_cells():
    body = (
        "<office:spreadsheet><table:table table:name='Budget'><table:table-row>"
        f"<table:table-cell><text:p>{MOTTO}</text:p></table:table-cell>"
        "<table:table-cell office:value-type='float' office:value='250000'><text:p>250000</text:p>"
        "</table:table-cell></table:table-row></table:table></office:spreadsheet>"
    )
    text = text_of_bytes(odf_bytes(body, ODS), content_type=ODS, filename="budget.ods")
    assert MOTTO in text and "250000" in text


def test_odt_with_entity_declarations_is_refused(caplog):
    laughs = '<!DOCTYPE d [<!ENTITY a "hahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data = odf_bytes("<office:text><text:p>&b;</text:p></office:text>", prolog=laughs)
    assert text_of_bytes(data, content_type=ODT, filename="skratt.odt") == ""
    assert "skratt.odt" in caplog.text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_plain_text_in_common_encodings(encoding):
    raw = f"{TITLE}\r\n\r\n\r\n{MOTTO}\tå ä ö\n".encode(encoding)
    assert text_of_bytes(raw, content_type="text/plain", filename="brev.txt") == f"{TITLE}\n\n{MOTTO} å ä ö"


def test_csv_and_markdown_are_text():
    csv = f"Åtgärd;Ansvar\n{MOTTO};Kommunstyrelsen\n".encode("cp1252")
    assert MOTTO in text_of_bytes(csv, content_type="text/csv", filename="atgarder.csv")
    md = f"# {TITLE}\n\n* {MOTTO}\n".encode()
    assert text_of_bytes(md, content_type="text/plain", filename="README.md") == f"# {TITLE}\n\n* {MOTTO}"


def test_html_text_without_tags_scripts_or_styles():
    html = (
        "<!doctype html><html><head><title>Plan</title><style>p { color: red }</style>"
        "<script>var hemligt = 1;</script></head><body>"
        f"<h1>{TITLE.replace('ö', '&ouml;')}</h1><p><b>Öppen</b> och&nbsp;smart</p></body></html>"
    ).encode()
    text = text_of_bytes(html, content_type="text/html", filename="plan.html")
    assert text.splitlines() == ["Plan", TITLE, MOTTO]


def test_control_characters_and_odd_whitespace_are_cleaned():
    raw = f"Handlings\u00adplanen\x00 för\u00a0\u00a0digitali\u200bsering\x07\f{MOTTO}".encode()
    assert text_of_bytes(raw, content_type="text/plain", filename="a.txt") == f"{TITLE}\n{MOTTO}"


def test_generic_content_types_go_by_file_name():
    assert MOTTO in text_of_bytes(docx_bytes(), content_type="application/zip", filename="PLAN.DOCX")
    odt = odf_bytes(f"<office:text><text:p>{MOTTO}</text:p></office:text>")
    assert text_of_bytes(odt, content_type="application/octet-stream", filename="plan.odt") == MOTTO


@pytest.mark.parametrize("content_type, filename", [
    ("image/png", "karta.png"),
    ("application/msword", "gammal.doc"),
    ("application/octet-stream", "okand.bin"),
    ("image/png", "lurig.txt"),  # the detected type wins over the name
])
def test_unknown_types_give_nothing(content_type, filename):
    assert text_of_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type=content_type, filename=filename) == ""


def test_an_e_mail_gives_its_subject_sender_and_text_not_its_attachments():
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["Subject"] = "Föreningen Sambruk <info@sambruk.example>", "Remissvar om målbilden"
    msg.set_content(MOTTO)
    msg.add_attachment(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, maintype="image", subtype="png", filename="karta.png")
    text = text_of_bytes(msg.as_bytes(), content_type="message/rfc822", filename="svar.eml")
    assert text == f"Remissvar om målbilden\nFöreningen Sambruk\n{MOTTO}"


# --- broken and hostile files ---------------------------------------------------------------

def test_corrupt_pdf_gives_nothing_and_a_warning(caplog):
    assert text_of_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 500, content_type="application/pdf",
                         filename="trasig.pdf") == ""
    assert "trasig.pdf" in caplog.text
    truncated = pdf_bytes(f"<p>{MOTTO}</p>")[:400]
    assert text_of_bytes(truncated, content_type="application/pdf", filename="avbruten.pdf") == ""


def test_password_protected_pdf_gives_nothing_but_an_owner_password_alone_is_fine(caplog):
    from pypdf import PdfReader, PdfWriter

    def encrypted(user_password):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(f"<p>{MOTTO}</p>"))))
        writer.encrypt(user_password=user_password, owner_password="agare", algorithm="RC4-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    assert text_of_bytes(encrypted("hemligt"), content_type="application/pdf", filename="lst.pdf") == ""
    assert "lst.pdf" in caplog.text and "encrypted" in caplog.text
    assert MOTTO in text_of_bytes(encrypted(""), content_type="application/pdf", filename="skyddad.pdf")


def test_corrupt_docx_and_odt_give_nothing(caplog):
    assert text_of_bytes(b"PK\x03\x04 not really a zip", content_type=DOCX, filename="trasig.docx") == ""
    assert text_of_bytes(docx_bytes()[:-200], content_type=DOCX, filename="kapad.docx") == ""
    assert text_of_bytes(b"PK\x03\x04 nope", content_type=ODT, filename="trasig.odt") == ""
    assert {"trasig.docx", "kapad.docx", "trasig.odt"} <= {w for w in caplog.text.split() if "." in w}


def test_zip_bomb_docx_is_refused_before_unpacking(settings, caplog):
    bomb = declare_size(docx_bytes(), "word/document.xml", 0xFFFF_FFF0)  # claims 4 GB
    started = time.perf_counter()
    assert text_of_bytes(bomb, content_type=DOCX, filename="bomb.docx") == ""
    assert time.perf_counter() - started < 1
    assert "bomb.docx" in caplog.text and "unpacked" in caplog.text
    # It is the declared size that refused it: zipfile itself would read the file.
    settings.DIARIUM_SEARCH_MAX_UNPACKED_BYTES = 2**33
    assert MOTTO in text_of_bytes(bomb, content_type=DOCX, filename="bomb.docx")


def test_highly_compressed_members_count_unpacked(settings):
    settings.DIARIUM_SEARCH_MAX_UNPACKED_BYTES = 1024 * 1024
    padded = rezip(docx_bytes(), {"word/media/zeros.bin": b"\x00" * (5 * 1024 * 1024)})
    assert len(padded) < 100_000
    assert text_of_bytes(padded, content_type=DOCX, filename="plan.docx") == ""
    odt = odf_bytes(f"<office:text><text:p>{MOTTO}</text:p>{'<text:p/>' * 200_000}</office:text>")
    assert text_of_bytes(odt, content_type=ODT, filename="plan.odt") == ""


def test_text_is_capped(settings):
    long_text = (f"{TITLE}. {MOTTO}. " * 20_000).encode()
    assert len(text_of_bytes(long_text, content_type="text/plain", filename="a.txt")) == 200_000
    settings.DIARIUM_SEARCH_MAX_TEXT_CHARS = 1000
    text = text_of_bytes(long_text, content_type="text/plain", filename="a.txt")
    assert text.startswith(f"{TITLE}. {MOTTO}.") and 950 < len(text) <= 1000
    many = docx_bytes(lambda d: [d.add_paragraph(f"Stycke {i} {MOTTO}") for i in range(2000)])
    assert len(text_of_bytes(many, content_type=DOCX, filename="lang.docx")) <= 1000


def test_pdf_pages_are_capped(settings):
    settings.DIARIUM_SEARCH_MAX_PDF_PAGES = 1
    text = text_of_bytes(pdf_bytes(f"<p>{TITLE}</p>", f"<p>{MOTTO}</p>"), content_type="application/pdf",
                         filename="plan.pdf")
    assert TITLE in text and MOTTO not in text


def test_byte_limit_cuts_text_and_skips_binary_formats(settings, caplog):
    settings.DIARIUM_SEARCH_MAX_FILE_BYTES = 1000
    text = ("å" * 2000).encode()  # cut in the middle of a two-byte character
    assert text_of_bytes(text, content_type="text/plain", filename="a.txt") == "å" * 500
    assert text_of_bytes(pdf_bytes(f"<p>{MOTTO}</p>"), content_type="application/pdf", filename="stor.pdf") == ""
    assert "stor.pdf" in caplog.text


# --- registered files, read through storage --------------------------------------------------

@pytest.mark.django_db
def test_text_of_registered_files(registrar, ks):
    case = f.case(registrar, ks)
    doc = f.document(registrar, case, files=[
        SimpleUploadedFile("plan.docx", docx_bytes(), content_type=DOCX),
        SimpleUploadedFile("plan.odt", odf_bytes(f"<office:text><text:p>{MOTTO}</text:p></office:text>")),
        SimpleUploadedFile("plan.pdf", pdf_bytes(f"<h1>{TITLE}</h1>")),
        f.text_file("brev.txt", f"{TITLE}\n{MOTTO}\n"),
    ])
    texts = {df.filename: (df.blob.content_type, text_of_file(df)) for df in doc.files.select_related("blob")}
    assert texts["plan.docx"] == (DOCX, f"{TITLE}\n{MOTTO}\nÅtgärd\nE-tjänsteplattform\nAlingsås kommun")
    assert texts["plan.odt"] == (ODT, MOTTO)
    assert texts["plan.pdf"][0] == "application/pdf" and TITLE in texts["plan.pdf"][1]
    assert texts["brev.txt"] == ("text/plain", f"{TITLE}\n{MOTTO}")


@pytest.mark.django_db
def test_oversized_binary_file_is_not_even_opened(registrar, ks, settings, monkeypatch):
    from diarium.registry import files

    doc = f.document(registrar, f.case(registrar, ks), files=[SimpleUploadedFile("plan.pdf", pdf_bytes("x"))])
    settings.DIARIUM_SEARCH_MAX_FILE_BYTES = 100

    def refuse(blob):
        raise AssertionError("opened")

    monkeypatch.setattr(files, "blob_open", refuse)
    assert text_of_file(doc.files.get()) == ""
