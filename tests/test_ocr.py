"""Issue 20, item 2: a PDF without a text layer (a scan) gets one by OCR in the
worker, as a new version of the file; the original stays as registered. The
text goes to search and to the masking assistant. Encrypted and damaged PDFs
get a note instead, and a scan turned on its side is read upright.

The scans are made here: Swedish text drawn with Pillow, saved as an
image-only PDF of one A4 page at 150 dpi. Needs Tesseract with Swedish
(Debian's tesseract-ocr and tesseract-ocr-swe) and OCRmyPDF: without them the
module is skipped with a loud warning, and under CI (CI=true) it fails."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from diarium.registry import services, tasks
from diarium.registry.files import NOTE_OCR_ENCRYPTED, NOTE_OCR_FAILED, blob_open
from diarium.registry.models import Event

from . import factories as f
from .pdf_support import blob_pdf_text
from .search_support import find, titles

# Tesseract's reading is the subject, not the database (the worker's task stores a version as
# every other upload does, tested on both): beside SQLite only in CI (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _missing() -> str | None:
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        return "OCRmyPDF is not installed (pip install 'ocrmypdf>=17,<18')"
    if not shutil.which("tesseract"):
        return "tesseract not found (apt-get install tesseract-ocr tesseract-ocr-swe)"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout
    if "swe" not in langs.split():
        return "Tesseract has no Swedish (apt-get install tesseract-ocr-swe)"
    return None


_PROBLEM = _missing()
if _PROBLEM:
    if os.environ.get("CI"):
        raise RuntimeError(f"OCR TESTS CANNOT RUN IN CI: {_PROBLEM}")
    warnings.warn(f"OCR TESTS SKIPPED: {_PROBLEM}", stacklevel=1)
    pytest.skip(f"OCR TESTS SKIPPED: {_PROBLEM}", allow_module_level=True)


@pytest.fixture(autouse=True)
def _ocr_on(settings):
    settings.DIARIUM_OCR = True
    settings.DIARIUM_OCR_LANGUAGES = "swe+eng"


DPI = 150
FONT_PX = 28  # about 13 pt at 150 dpi
FONT = next(str(p) for p in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                             Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")) if p.exists())
# A letter as it comes in by post, with nothing the masking assistant withholds, and enough
# lines that Tesseract is sure which way up a page turned on its side is.
LETTER = [
    "Till Alingsås kommun", "Samhällsbyggnadsnämnden", "",
    "Ansökan om bygglov Storgatan", "",
    "Jag ansöker härmed om bygglov för en tillbyggnad av",
    "enbostadshuset på fastigheten Ängen 3:14 vid Storgatan.",
    "Tillbyggnaden är ett uterum mot trädgården i söder,",
    "om tjugo kvadratmeter, med tak av glas och stomme av trä.",
    "Ritningar, fasader och situationsplan bifogas.", "",
    "Grannarna på båda sidor har tagit del av ritningarna",
    "och har inget att invända mot tillbyggnaden.", "",
    "Med vänlig hälsning", "",
]
PNR = "19121212-1212"


def scan(lines=LETTER, *, sideways: bool = False) -> bytes:
    """An image-only PDF of one A4 page with `lines` on it; `sideways`: the page
    scanned turned a quarter, so it lies in landscape with the text on its side."""
    img = Image.new("L", (int(8.27 * DPI), int(11.69 * DPI)), 255)
    draw, font = ImageDraw.Draw(img), ImageFont.truetype(FONT, FONT_PX)
    for n, line in enumerate(lines):
        draw.text((int(0.8 * DPI), int(0.8 * DPI) + n * int(FONT_PX * 1.6)), line, fill=0, font=font)
    if sideways:
        img = img.rotate(90, expand=True)
    out = io.BytesIO()
    img.save(out, "PDF", resolution=DPI)
    return out.getvalue()


def upload(data: bytes, name: str = "ansokan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def register(registrar, case, data: bytes, **kw):
    return f.document(registrar, case, counterpart="Samhällsbyggnadskontoret", description="Inkommen ansökan",
                      files=[upload(data)], **kw)


def stored(blob) -> bytes:
    with blob_open(blob) as fh:
        return fh.read()


def test_a_scanned_letter_gets_a_text_layer_as_a_new_version_and_the_original_stays(registrar, ks, client):
    case = f.case(registrar, ks, title="Bygglov")
    data = scan()
    document = register(registrar, case, data)
    original, layered = document.files.order_by("version")
    assert (original.version, layered.version) == (1, 2)
    assert layered.position == original.position and layered.filename == original.filename == "ansokan.pdf"
    assert layered.ocr_of == original and layered.created_by is None
    text = blob_pdf_text(layered.blob)
    assert "Ansökan om bygglov Storgatan" in text and "tillbyggnad" in text
    assert stored(original.blob) == data and blob_pdf_text(original.blob) == ""  # as registered
    event = Event.objects.get(document=document, kind=Event.Kind.FILE_VERSION_ADDED)
    assert event.data == {"number": document.number, "position": 1, "version": 2, "ocr": True}
    assert event.actor is None
    client.force_login(registrar)
    history = client.get(f"/arenden/{case.pk}/historik/").content.decode()
    assert "fil 1, version 2: textlager tillagt genom OCR (teckentolkning)" in history
    page = client.get(f"/handlingar/{document.pk}/").content.decode()
    assert "version 2, textlager genom OCR" in page


def test_a_new_version_that_is_a_scan_gets_its_text_layer_too(registrar, ks):
    case = f.case(registrar, ks, title="Bygglov")
    document = f.document(registrar, case, files=[f.text_file("ansokan.txt", "Utkast.\n")])
    services.document_file_add(actor=registrar, document=document, upload=upload(scan(), "ansokan.pdf"),
                               replaces=document.files.get())
    assert [(v.version, v.ocr_of_id is not None) for v in document.files.order_by("version")] == [
        (1, False), (2, False), (3, True)]


def test_search_finds_a_scan_by_a_word_only_in_the_scan(registrar, ks, settings):
    from diarium.search import services as search

    case = f.case(registrar, ks, title="Bygglov")
    register(registrar, case, scan())
    # No index built: the database answers.
    result = find(None, "uterum")
    assert result.engine == "database" and titles(result) == ["Inkommen ansökan"]
    assert titles(find(registrar, "trädgården")) == ["Inkommen ansökan"]
    settings.DIARIUM_SEARCH_ENGINE = "tantivy"
    search.index_rebuild()
    result = find(None, "uterum")
    assert result.engine == "tantivy" and titles(result) == ["Inkommen ansökan"]


def test_the_masking_assistant_finds_a_personal_identity_number_in_the_scan(registrar, ks, client):
    from diarium.registry.selectors import privacy as privacy_selectors

    case = f.case(registrar, ks, title="Bygglov")
    document = register(registrar, case, scan([*LETTER[:4], f"Sökande: {PNR}", *LETTER[4:]]))
    original, layered = document.files.order_by("version")
    for file in (original, layered):  # the scan shows the number as plainly as its text layer
        assert PNR in [x["text"] for x in file.privacy["text"]["findings"]]
        assert file.privacy_withheld and file.privacy_pending
        response = client.get(f"/filer/{file.pk}/")
        assert response.status_code in (302, 403) and PNR.encode() not in response.content
    review = privacy_selectors.case_privacy(user=registrar, case=case)
    assert {x.row_label for x in review.fields} == {"Fil ansokan.pdf (v1) i handling " + document.reference,
                                                    "Fil ansokan.pdf (v2) i handling " + document.reference}
    assert find(None, "uterum").total == 0  # the public's search does not read a withheld file
    assert find(registrar, "uterum").total == 1


def test_a_pdf_with_text_gets_no_ocr_version_and_the_task_run_again_adds_none(registrar, ks):
    case = f.case(registrar, ks, title="Bygglov")
    document = register(registrar, case, scan())
    original, layered = document.files.order_by("version")
    assert tasks.file_ocr.enqueue(original.pk).return_value is False  # not the newest version any more
    assert tasks.file_ocr.enqueue(layered.pk).return_value is False  # itself the OCR version
    assert document.files.count() == 2
    # The text layer OCR wrote, registered as a file of its own: a PDF with text.
    with_text = register(registrar, case, stored(layered.blob))
    [only] = with_text.files.all()
    assert only.ocr_of is None and not only.ocr_versions.exists() and only.privacy is not None


def test_a_short_pdf_a_program_made_is_never_ocr_d(registrar, ks):
    """Little text, but no scan: a one-line letter, and a tagged (PDF/UA) notice whose structure OCR would discard."""
    import weasyprint

    case = f.case(registrar, ks, title="Kallelse")
    for variant in (None, "pdf/ua-1"):
        data = weasyprint.HTML(string="<html lang='sv'><title>Kort</title><p>Kort.</p></html>").write_pdf(
            pdf_variant=variant)
        document = register(registrar, case, data)
        assert document.files.count() == 1 and document.files.get().blob.notes == []


def test_an_encrypted_pdf_gets_a_note_and_no_version(registrar, ks, client):
    writer = PdfWriter(clone_from=io.BytesIO(scan()))
    writer.encrypt(user_password="hemligt", owner_password="agare", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    case = f.case(registrar, ks, title="Bygglov")
    document = register(registrar, case, out.getvalue())
    [only] = document.files.all()
    assert only.blob.notes == [{"code": NOTE_OCR_ENCRYPTED}]
    assert only.privacy is not None  # read by the masking assistant all the same
    client.force_login(registrar)
    page = client.get(f"/handlingar/{document.pk}/").content.decode()
    assert "PDF-filen är krypterad och kunde inte teckentolkas (OCR)." in page


def test_a_damaged_pdf_gets_a_note_and_no_version(registrar, ks, client):
    data = scan()
    case = f.case(registrar, ks, title="Bygglov")
    document = register(registrar, case, data[: len(data) // 2])
    [only] = document.files.all()
    assert only.blob.notes == [{"code": NOTE_OCR_FAILED}]
    assert only.privacy is not None
    client.force_login(registrar)
    page = client.get(f"/handlingar/{document.pk}/").content.decode()
    assert "PDF-filen kunde inte läsas och teckentolkades inte." in page
    # The same content added again is not tried again.
    assert tasks.file_ocr.enqueue(only.pk).return_value is False


def test_a_scan_lying_in_landscape_is_read_with_its_page_turned_upright(registrar, ks):
    data = scan(sideways=True)
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape, text on its side
    case = f.case(registrar, ks, title="Bygglov")
    document = register(registrar, case, data)
    layered = document.files.get(version=2)
    assert "Ansökan om bygglov Storgatan" in blob_pdf_text(layered.blob)
    with blob_open(layered.blob) as fh:
        assert PdfReader(fh).pages[0].rotation % 360 in (90, 270)
