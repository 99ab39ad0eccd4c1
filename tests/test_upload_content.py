"""Active content in uploaded files.

Files come from anyone who writes to the municipality. A file must be what its
name says (an HTML page named .pdf is refused), files are served so that
nothing in them runs on the site (sandboxed, never sniffed, anything that can
run downloaded), and the registrar is told what a file holds: scripts in a
PDF, or text that could not be read because the file unpacks to too much.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from diarium.registry.models import Blob, DocumentFile

from . import factories as f

pytestmark = pytest.mark.django_db

HTML = (b"<!DOCTYPE html><html lang='sv'><head><title>Faktura</title></head>"
        b"<body><script>fetch('/api/cases')</script></body></html>")


def _pdf(*, javascript: str | None = None, open_action: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:  # a document-level script: the /JavaScript name tree
        action = writer._add_object(DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(javascript)}))
        tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hej"), action])})
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)})
    if open_action:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(open_action)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx_unpacking_to(size: int) -> bytes:
    """A Word file with a member of `size` zero bytes (a few kB packed)."""
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * size)
    return out.getvalue()


@pytest.fixture
def document(registrar, ks):
    return f.document(registrar, f.case(registrar, ks))


def _add_file(client, document, name: str, content: bytes):
    return client.post(reverse("registry:document_file_add", args=[document.pk]),
                       {"file": SimpleUploadedFile(name, content)}, follow=True)


def test_an_html_page_named_pdf_is_refused_in_the_web_and_the_api(client, registrar, document):
    client.force_login(registrar)
    page = _add_file(client, document, "faktura.pdf", HTML)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Filen faktura.pdf är inte vad filändelsen säger" in html and "HTML" in html
    api = client.post(f"/api/documents/{document.pk}/files", {"file": SimpleUploadedFile("faktura.pdf", HTML)})
    assert api.status_code == 400
    assert "Filen faktura.pdf är inte vad filändelsen säger" in api.json()["detail"]
    assert api.json()["errors"]["file"] == [api.json()["detail"]]
    assert not DocumentFile.objects.filter(document=document).exists()
    # Named for what it is, the same page is taken (and downloaded, never shown: below).
    assert _add_file(client, document, "faktura.html", HTML).status_code == 200
    # A PDF is a PDF whatever the client declares; the name decides, in any case.
    assert _add_file(client, document, "BESLUT.PDF", _pdf()).status_code == 200
    assert _add_file(client, document, "beslut.txt", _pdf()).status_code == 400


def test_a_pdf_with_scripts_is_flagged_and_only_downloaded(client, registrar, document):
    client.force_login(registrar)
    page = _add_file(client, document, "skript.pdf", _pdf(javascript="app.alert('hej')"))
    assert page.status_code == 200
    assert "skript.pdf: Filen innehåller skript" in page.content.decode()  # told at once
    scripted = DocumentFile.objects.get(document=document, filename="skript.pdf")
    _add_file(client, document, "oppna.pdf", _pdf(open_action="app.launchURL('https://example.org')"))
    opening = DocumentFile.objects.get(document=document, filename="oppna.pdf")
    _add_file(client, document, "ren.pdf", _pdf())
    clean = DocumentFile.objects.get(document=document, filename="ren.pdf")

    # The document page says so beside the file, and so does the API.
    detail = client.get(reverse("registry:document_detail", args=[document.pk])).content.decode()
    assert detail.count("Filen innehåller skript") == 2
    files = {v["filename"]: v for e in client.get(f"/api/documents/{document.pk}").json()["files"]
             for v in e["versions"]}
    assert files["skript.pdf"]["notes"] and files["oppna.pdf"]["notes"] and files["ren.pdf"]["notes"] == []

    for document_file in (scripted, opening):
        shown = client.get(reverse("registry:file_download", args=[document_file.pk]) + "?visa=1")
        assert shown["Content-Disposition"].startswith("attachment")
        assert shown["Content-Security-Policy"].startswith("sandbox")
        assert shown["X-Content-Type-Options"] == "nosniff"
    shown = client.get(reverse("registry:file_download", args=[clean.pk]) + "?visa=1")
    assert shown["Content-Disposition"].startswith("inline")  # OParl's accessUrl shows it
    assert shown["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_stored_before_the_check_is_checked_when_first_shown(client, registrar, document):
    client.force_login(registrar)
    _add_file(client, document, "skript.pdf", _pdf(open_action="app.alert(1)"))
    document_file = DocumentFile.objects.get(document=document)
    Blob.objects.filter(pk=document_file.blob_id).update(notes=None)  # as the migration left it
    shown = client.get(reverse("registry:file_download", args=[document_file.pk]) + "?visa=1")
    assert shown["Content-Disposition"].startswith("attachment")
    assert Blob.objects.get(pk=document_file.blob_id).notes == [{"code": "scripts"}]


def test_every_file_response_is_sandboxed_and_never_sniffed(client, registrar, document):
    client.force_login(registrar)
    _add_file(client, document, "faktura.html", HTML)
    html = DocumentFile.objects.get(document=document)
    for url in (reverse("registry:file_download", args=[html.pk]),
                reverse("registry:file_download", args=[html.pk]) + "?visa=1",
                f"/api/files/{html.pk}/content"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment"), url
        assert response["Content-Security-Policy"].startswith("sandbox"), url
        assert "script-src" not in response["Content-Security-Policy"], url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_a_zip_bomb_docx_tells_the_registrar_its_text_was_not_read(client, registrar, document, settings):
    settings.DIARIUM_SEARCH_MAX_UNPACKED_BYTES = 1024 * 1024
    client.force_login(registrar)
    bomb = _docx_unpacking_to(3 * 1024 * 1024)
    assert len(bomb) < 100_000
    page = _add_file(client, document, "bilaga.docx", bomb)
    assert page.status_code == 200
    note = "Texten kunde inte läsas: filen packas upp till mer än 1,0\xa0MB"
    assert "bilaga.docx: " + note in page.content.decode()
    case_page = client.get(reverse("registry:case_detail", args=[document.case_id])).content.decode()
    assert note in case_page
    assert note in client.get(reverse("registry:document_detail", args=[document.pk])).content.decode()
    # An ordinary Word file has no such note.
    _add_file(client, document, "brev.docx", _docx_unpacking_to(10))
    versions = [v for e in client.get(f"/api/documents/{document.pk}").json()["files"] for v in e["versions"]]
    notes = {v["filename"]: v["notes"] for v in versions}
    assert notes["brev.docx"] == [] and notes["bilaga.docx"][0].startswith("Texten kunde inte läsas")
