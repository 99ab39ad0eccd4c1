"""Issue 23: a document's bytes to its text for the reader (diarium/reading/extract/).

Every input is made here: PDFs with a text layer (PyMuPDF, DejaVu Sans, so
å, ä, ö and § are real text), a scanned page (Swedish drawn with Pillow at
300 dpi, saved as an image-only PDF), Word documents (python-docx, with raw
XML where python-docx has no API), old text files, and each kind of bad
input. No database. The OCR tests need Tesseract with Swedish; without it
they are skipped, saying why."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from diarium.reading.extract import Unreadable, extract

FONT = next(str(p) for p in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                             Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")) if p.exists())


def _ocr_missing() -> str | None:
    if not shutil.which("tesseract"):
        return "OCR test skipped: tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-swe)"
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout
    if "swe" not in listed.split():
        return "OCR test skipped: Tesseract has no Swedish data (apt-get install tesseract-ocr-swe)"
    return None


_OCR_MISSING = _ocr_missing()
# Skipped where Tesseract is missing, except under CI (CI=true), where they must run.
needs_tesseract = pytest.mark.skipif(_OCR_MISSING is not None and not os.environ.get("CI"),
                                     reason=_OCR_MISSING or "")


@pytest.fixture
def ocr_on(settings):
    settings.DIARIUM_OCR = True
    settings.DIARIUM_OCR_LANGUAGES = "swe+eng"
    return settings


def refused(name: str, data: bytes) -> str:
    with pytest.raises(Unreadable) as caught:
        extract(name, data)
    assert caught.value.message == str(caught.value)
    return caught.value.message


# --- making documents ---------------------------------------------------------------------------

def text_pdf(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A PDF with a text layer: each page a list of (x, y, text) in points from the top left."""
    import pymupdf

    document = pymupdf.open()
    for lines in pages:
        page = document.new_page(width=595, height=842)
        page.insert_font(fontname="dejavu", fontfile=FONT)
        for x, y, text in lines:
            page.insert_text((x, y), text, fontname="dejavu", fontsize=11)
    data = document.tobytes(garbage=3, deflate=True)
    document.close()
    return data


def prose_pdf(paragraphs: list[str], pages: int = 1) -> bytes:
    """Running text, wrapped at 80 characters. With more than one page, each
    has a running header, opens with a paragraph of minutes ("§ 3 …") and
    ends with its diary number and a running footer ("Sida 3 av 20")."""
    import textwrap

    layout = []
    for number in range(1, pages + 1):
        lines, y = [], 70.0
        if pages > 1:
            lines += [(56.0, 40.0, "ALINGSÅS KOMMUN"), (400.0, 40.0, "SAMMANTRÄDESPROTOKOLL")]
        for paragraph in ([f"§ {number} Bidrag till föreningen Ängens vänner"] if pages > 1 else []) + paragraphs:
            for line in textwrap.wrap(paragraph, 80):
                lines.append((56.0, y, line))
                y += 14
            y += 10
        if pages > 1:
            lines += [(56.0, y, f"Dnr KS 2019/{number:03d}"), (56.0, 800, "Kommunstyrelsen 2019-05-06"),
                      (460.0, 800, f"Sida {number} av {pages}")]
        layout.append(lines)
    return text_pdf(layout)


LETTERHEAD = [(56, 60, "ALINGSÅS KOMMUN"), (56, 74, "Kommunstyrelsen"), (360, 74, "Datum 2018-08-23"),
              (360, 88, "Dnr KS 2018/123")]
REPORT = [
    "Kommunstyrelsen föreslås besluta att bevilja föreningen Ängens vänner ett bidrag på 25 000 kronor "
    "för år 2019, under förutsättning att kommunfullmäktige antar budgeten.",
    "Föreningen har inkommit med en ansökan om bidrag för att rusta upp den gamla dansbanan vid Ängen. "
    "Den har under flera år skött området och ordnat midsommarfirande som är öppet för alla kommunens "
    "invånare. Ärendet har beretts av kommunstyrelsens arbetsutskott den 25 april 2018, § 53.",
    "Förvaltningen bedömer att ansökan uppfyller kraven i kommunens riktlinjer för föreningsbidrag. Det "
    "finns utrymme i budgeten för år 2019 och bidraget bör därför beviljas. Föreningen ska redovisa hur "
    "pengarna har använts senast den 31 december 2019.",
]
SCAN_LINES = [
    "ALINGSÅS KOMMUN", "Kommunstyrelsen", "", "TJÄNSTESKRIVELSE", "Datum 2018-08-23", "Dnr KS 2018/123", "",
    "Ansökan om bidrag till föreningen Ängens vänner", "",
    "Kommunstyrelsen föreslås besluta att bevilja föreningen ett bidrag",
    "på 25 000 kronor för år 2019, under förutsättning att",
    "kommunfullmäktige antar budgeten. Ärendet har beretts av",
    "kommunstyrelsens arbetsutskott den 25 april 2018, § 53.", "",
    "Beslutet ska skickas till", "Föreningen Ängens vänner", "Ekonomienheten",
]


def scan_image(lines=SCAN_LINES, *, dpi: int = 300, upside_down: bool = False) -> Image.Image:
    """An A4 page as a scanner gives it: 11-point text, grey."""
    image = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 255)
    draw, size = ImageDraw.Draw(image), int(dpi * 11 / 72)
    font = ImageFont.truetype(FONT, size)
    for n, line in enumerate(lines):
        draw.text((int(0.9 * dpi), int(0.9 * dpi) + n * int(size * 1.5)), line, fill=0, font=font)
    return image.rotate(180) if upside_down else image


def scan_pdf(**kwargs) -> bytes:
    """An image-only PDF of one scanned page (no text layer at all)."""
    out = io.BytesIO()
    scan_image(**kwargs).save(out, "PDF", resolution=300)
    return out.getvalue()


def pdf_pages(*parts: bytes) -> bytes:
    """The pages of several PDFs in one."""
    import pymupdf

    document = pymupdf.open()
    for part in parts:
        with pymupdf.open(stream=part, filetype="pdf") as source:
            document.insert_pdf(source)
    return document.tobytes()


def docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- PDF with a text layer ----------------------------------------------------------------------

def test_a_pdf_with_text_is_read_line_by_line_with_pages_apart():
    data = text_pdf([
        [*LETTERHEAD, (56, 130, "Ansökan om bidrag till föreningen Ängens vänner"),
         (56, 160, "Kommunstyrelsen beslutar enligt § 53 att bevilja bidraget."),
         (56, 174, "Beslutet gäller år 2019 och är villkorat av att budgeten antas.")],
        [(56, 60, "Beslutet ska skickas till"), (56, 74, "Föreningen Ängens vänner"), (56, 88, "Ekonomienheten")],
    ])
    result = extract("tjansteskrivelse.pdf", data)
    assert (result.method, result.pages, result.notes) == ("pdf", 2, [])
    first, second = result.text.split("\f")
    assert first.splitlines()[:4] == ["ALINGSÅS KOMMUN", "Kommunstyrelsen\tDatum 2018-08-23", "Dnr KS 2018/123", ""]
    assert "Kommunstyrelsen beslutar enligt § 53 att bevilja bidraget.\n" in first
    assert second == "Beslutet ska skickas till\nFöreningen Ängens vänner\nEkonomienheten"


def test_a_pdf_with_text_reads_far_faster_than_two_pages_a_second():
    data = prose_pdf(REPORT * 3, pages=20)
    started = time.perf_counter()
    result = extract("protokoll.pdf", data)
    seconds = time.perf_counter() - started
    assert result.pages == 20 and result.text.count("\f") == 19 and result.method == "pdf"
    pages = result.text.split("\f")
    assert all(f"§ {n} Bidrag till föreningen Ängens vänner\n" in pages[n - 1] for n in range(1, 21))
    assert all(f"\nDnr KS 2019/{n:03d}" in pages[n - 1] for n in range(1, 21))
    assert result.text.count("Ängens vänner") == 3 * 20 + 20
    # The running header once, at the start, the running footer once, at the end.
    assert result.text.startswith("ALINGSÅS KOMMUN\tSAMMANTRÄDESPROTOKOLL\n\n§ 1 Bidrag")
    assert result.text.count("SAMMANTRÄDESPROTOKOLL") == 1
    assert result.text.count("Kommunstyrelsen 2019-05-06\tSida") == 1
    assert result.text.endswith("Kommunstyrelsen 2019-05-06\tSida 20 av 20")
    assert result.pages / seconds >= 2, f"{result.pages / seconds:.1f} pages/s"
    print(f"text-layer PDF: {result.pages} pages in {seconds:.3f} s = {result.pages / seconds:.0f} pages/s")


def test_a_pdf_encrypted_with_an_empty_user_password_is_read():
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(prose_pdf(REPORT))) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user="", owner="ägarens lösen", R=6,
                                                     allow=pikepdf.Permissions(extract=False)))
    assert "förutsättning att kommunfullmäktige" in extract("skyddad.pdf", out.getvalue()).text


# --- scans ----------------------------------------------------------------------------------------

@needs_tesseract
def test_a_scanned_page_is_read_by_ocr(ocr_on):
    started = time.perf_counter()
    result = extract("skannad.pdf", scan_pdf())
    seconds = time.perf_counter() - started
    assert (result.method, result.pages) == ("ocr", 1)
    assert result.notes == ["Sidan 1 saknade text och lästes med OCR."]
    text = result.text
    assert "Kommunstyrelsen" in text and "kommunstyrelsens arbetsutskott" in text
    assert "KS 2018/123" in text and "2018-08-23" in text
    assert "Ansökan om bidrag till föreningen Ängens vänner" in text
    assert "\nBeslutet ska skickas till\n" in text  # lines kept
    print(f"OCR: one scanned page (300 dpi) in {seconds:.2f} s")


@needs_tesseract
def test_a_scanned_image_is_read_by_ocr(ocr_on):
    image = io.BytesIO()
    scan_image(dpi=200).convert("RGB").save(image, "JPEG", dpi=(200, 200))
    result = extract("skannad.jpg", image.getvalue())
    assert (result.method, result.pages) == ("ocr", 1)
    assert result.notes == ["Bilden lästes med OCR (teckentolkning); kontrollera värdena mot bilden."]
    assert "KS 2018/123" in result.text and "kommunstyrelsens arbetsutskott" in result.text


@needs_tesseract
def test_a_page_scanned_upside_down_is_turned_and_read(ocr_on):
    result = extract("skannad.pdf", scan_pdf(upside_down=True))
    assert "Sidan 1 låg fel vänd och vändes rätt före OCR." in result.notes
    assert "KS 2018/123" in result.text and "kommunstyrelsens arbetsutskott" in result.text


@needs_tesseract
def test_ocr_that_takes_too_long_is_stopped_with_a_clear_report(ocr_on):
    ocr_on.DIARIUM_READING_OCR_TIMEOUT = 0.2
    started = time.perf_counter()
    message = refused("skannad.pdf", scan_pdf())
    assert message.startswith("Teckentolkningen (OCR) tog längre tid än 0,2 sekunder och avbröts.")
    assert time.perf_counter() - started < 5


@needs_tesseract
def test_a_file_with_more_pages_to_ocr_than_allowed_is_refused_before_ocr(ocr_on):
    ocr_on.DIARIUM_READING_OCR_MAX_PAGES = 2
    page = scan_pdf(dpi=100)
    started = time.perf_counter()
    message = refused("skannad.pdf", pdf_pages(page, page, page))
    assert "3 sidor utan text" in message and "Högst 2 sidor läses med OCR" in message
    assert time.perf_counter() - started < 2


def broken_font_pdf() -> bytes:
    """A PDF whose text layer gives other letters than its pages show (its
    fonts map every glyph to the wrong character, as some old PDF makers did)."""
    import pikepdf

    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Wrong def\n"
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            b"1 beginbfrange <0000> <FFFF> <0041> endbfrange endcmap\n"
            b"CMapName currentdict /CMap defineresource pop end end")
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(prose_pdf(REPORT * 2))) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                font.ToUnicode = pdf.make_stream(cmap)
        pdf.save(out)
    return out.getvalue()


@needs_tesseract
def test_a_text_layer_of_wrong_letters_is_read_by_ocr_instead(ocr_on):
    result = extract("gammal.pdf", broken_font_pdf())
    assert result.method == "ocr"
    assert result.notes == ["PDF-filens textlager gick inte att läsa (typsnitten saknar rätt teckenkodning); "
                            "sidorna lästes med OCR."]
    assert "Kommunstyrelsen föreslås besluta att bevilja föreningen" in result.text


def test_a_text_layer_of_wrong_letters_with_ocr_off_is_refused(settings):
    settings.DIARIUM_OCR = False
    assert refused("gammal.pdf", broken_font_pdf()).startswith(
        "Texten verkar inte vara på svenska: den har nästan inga vanliga svenska ord.")


def test_a_scan_with_ocr_off_is_refused(settings):
    settings.DIARIUM_OCR = False
    message = refused("skannad.pdf", scan_pdf(dpi=100))
    assert message.startswith("Filen saknar text och OCR är avstängt")
    image = io.BytesIO()
    scan_image(dpi=100).save(image, "PNG")
    assert refused("skannad.png", image.getvalue()).startswith("Filen saknar text och OCR är avstängt")


def test_with_ocr_off_the_pages_with_text_are_read_and_the_scan_noted(settings):
    settings.DIARIUM_OCR = False
    result = extract("blandad.pdf", pdf_pages(prose_pdf(REPORT), scan_pdf(dpi=100)))
    assert result.pages == 2 and result.method == "pdf"
    assert result.notes == ["Sidan 2 saknar text och lästes inte: OCR är avstängt."]
    assert "Ängens vänner" in result.text.split("\f")[0] and result.text.split("\f")[1] == ""


# --- Word -----------------------------------------------------------------------------------------

_TEXT_BOX = """
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
      <w:p><w:r><w:t>Vårt dnr: KS 2018/123</w:t></w:r></w:p>
    </w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>
    <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
      <w:p><w:r><w:t>Vårt dnr: KS 2018/123</w:t></w:r></w:p>
    </w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
  </mc:AlternateContent>
</w:r>"""


def test_a_word_document_gives_its_header_body_tables_and_numbers_once_each():
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import parse_xml

    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "ALINGSÅS KOMMUN"
    letterhead = section.first_page_header.add_table(rows=2, cols=2, width=docx.shared.Inches(6))
    for (row, col), text in {(0, 0): "Datum", (0, 1): "Dnr", (1, 0): "2018-08-23", (1, 1): "KS 2018/123"}.items():
        letterhead.cell(row, col).text = text
    section.header.paragraphs[0].text = "ALINGSÅS KOMMUN"  # the other pages' header: the same name
    section.footer.paragraphs[0].text = "Postadress: Box 123, 441 81 Alingsås"
    document.add_heading("Ansökan om bidrag till föreningen Ängens vänner", 1)
    document.add_paragraph("Kommunstyrelsen föreslås besluta att bevilja bidraget.")
    document.paragraphs[-1]._p.append(parse_xml(_TEXT_BOX))
    for item in ("Val av justerare", "Budget 2019", "Detaljplan för Ängen 3:14"):
        document.add_paragraph(item, style="List Number")
    attendance = document.add_table(rows=2, cols=2)
    attendance.cell(0, 0).text = "Beslutande"
    names = attendance.cell(0, 1)
    names.text = "Anna Andersson (S), ordförande"
    names.add_paragraph("Bo Berg (M)")
    attendance.cell(1, 0).text = "Ersättare"
    attendance.cell(1, 1).text = "Cecilia Ceder (C)"
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Beslutet ska skickas till Ekonomienheten.")

    result = extract("tjansteskrivelse.docx", docx_bytes(document))
    assert (result.method, result.pages, result.notes) == ("docx", 2, [])
    first, second = result.text.split("\f")
    assert first.splitlines() == [
        "ALINGSÅS KOMMUN",
        "Datum\tDnr",
        "2018-08-23\tKS 2018/123",
        "Ansökan om bidrag till föreningen Ängens vänner",
        "Kommunstyrelsen föreslås besluta att bevilja bidraget.",
        "Vårt dnr: KS 2018/123",
        "1.\tVal av justerare",
        "2.\tBudget 2019",
        "3.\tDetaljplan för Ängen 3:14",
        "Beslutande\tAnna Andersson (S), ordförande",
        "Bo Berg (M)",
        "Ersättare\tCecilia Ceder (C)",
    ]
    assert second == "Beslutet ska skickas till Ekonomienheten.\n\nPostadress: Box 123, 441 81 Alingsås"


def test_a_word_document_with_tracked_changes_reads_as_accepted():
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Bidraget är ")
    paragraph._p.append(parse_xml(
        '<w:del xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:id="1" w:author="A">'
        '<w:r><w:delText>20 000</w:delText></w:r></w:del>'))
    paragraph._p.append(parse_xml(
        '<w:ins xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:id="2" w:author="A">'
        '<w:r><w:t>25 000</w:t></w:r></w:ins>'))
    paragraph.add_run(" kronor.")
    result = extract("andrad.docx", docx_bytes(document))
    assert result.text == "Bidraget är 25 000 kronor."
    assert result.notes == ["Dokumentet har spårade ändringar; det lästes som om alla ändringar vore godkända."]


# --- plain text -------------------------------------------------------------------------------------

SWEDISH_LETTER = ("Kommunstyrelsen beslutar att bevilja bidraget till föreningen Ängens vänner.\r\n"
                  "Dnr KS 2018/123, § 53.\r\n")


@pytest.mark.parametrize(("encoding", "data", "note"), [
    ("utf-8", SWEDISH_LETTER.encode("utf-8"), None),
    ("utf-8 with BOM", SWEDISH_LETTER.encode("utf-8-sig"), None),
    ("utf-16 with BOM", SWEDISH_LETTER.encode("utf-16"), None),
    ("latin-1", SWEDISH_LETTER.encode("latin-1"), "Windows-1252"),
    ("dos", SWEDISH_LETTER.encode("cp850"), "DOS (kodsida 850)"),
    ("mac", SWEDISH_LETTER.encode("mac_roman"), "Mac OS Roman"),
])
def test_a_text_file_is_read_in_its_encoding(encoding, data, note):
    result = extract("brev.txt", data)
    assert result.text == SWEDISH_LETTER.replace("\r\n", "\n").strip()
    assert (result.method, result.pages) == ("text", 1)
    if note:
        assert result.notes == [f"Filen är inte i UTF-8 och lästes med teckenkodningen {note}; "
                                "kontrollera å, ä och ö."]
    else:
        assert result.notes == []


def test_columns_set_apart_with_spaces_are_cells():
    result = extract("underskrifter.txt", "Anna Andersson          Bo Berg\nOrdförande    Justerare\n".encode())
    assert result.text == "Anna Andersson\tBo Berg\nOrdförande\tJusterare"


# --- language -------------------------------------------------------------------------------------

SWEDISH_WITH_ENGLISH_QUOTE = (
    "Yttrande över remiss\nKommunstyrelsen\nDnr KS 2019/44\n\n"
    "Kommunen har fått en remiss från Europeiska kommissionen om nya regler för offentlig upphandling. "
    "I remissen står bland annat följande: \"Member States shall ensure that contracting authorities take "
    "into account the environmental impact of the goods and services that they purchase, and that they "
    "publish this information in an accessible format.\"\n\n"
    "Kommunen delar kommissionens syn att miljöhänsyn är viktiga, men anser att kravet på publicering blir "
    "för betungande för små kommuner. Förvaltningen föreslår därför att kommunstyrelsen lämnar yttrandet "
    "enligt bilaga och att yttrandet skickas till Finansdepartementet senast den 15 maj 2019.\n")
ENGLISH = (
    "Report to the Municipal Executive Board\n\nThe Board is proposed to decide to grant the association a "
    "contribution of 25,000 kronor for the year 2019, provided that the Council adopts the budget. The "
    "association has applied for a grant in order to restore the old dance floor at the meadow. For several "
    "years the association has looked after the area and arranged a midsummer celebration which is open to "
    "all residents of the municipality. The administration considers that the application meets the "
    "requirements of the guidelines, and the grant should therefore be approved.\n")
NORWEGIAN = (
    "Saksframlegg\nFormannskapet\n\nFormannskapet anbefaler kommunestyret å bevilge foreningen et tilskudd "
    "på 25 000 kroner for 2019, forutsatt at kommunestyret vedtar budsjettet. Foreningen har søkt om "
    "tilskudd for å ruste opp den gamle dansebanen ved Engen. Foreningen har i flere år tatt vare på området "
    "og arrangert sankthansfeiring som er åpen for alle kommunens innbyggere. Saken ble behandlet i "
    "formannskapet etter at rådmannen hadde lagt fram sin innstilling. Det er rom i budsjettet for 2019, og "
    "tilskuddet bør derfor innvilges, men det er ikke mulig å få mer enn ett tilskudd per år.\n")


def test_a_swedish_document_quoting_english_is_read():
    result = extract("yttrande.pdf", prose_pdf(SWEDISH_WITH_ENGLISH_QUOTE.split("\n\n")))
    text = " ".join(result.text.split())
    assert "Member States shall ensure that contracting authorities" in text and "Finansdepartementet" in text


def test_an_english_document_is_refused():
    message = refused("report.pdf", prose_pdf(ENGLISH.split("\n\n")))
    assert message.startswith("Texten verkar vara på engelska, inte på svenska (vanliga ord i den: the, ")
    assert message.endswith("Inläsningen tolkar bara svenska handlingar.")


def test_a_norwegian_document_is_refused():
    message = refused("saksframlegg.txt", NORWEGIAN.encode())
    assert message.startswith("Texten verkar vara på norska, inte på svenska")


# --- bad input ----------------------------------------------------------------------------------------

def test_an_empty_file_is_refused():
    assert refused("tom.pdf", b"") == "Filen är tom (0 byte)."
    assert refused("tom.txt", b" \r\n\t\n") == "Filen innehåller ingen text."


def test_a_pdf_or_word_document_without_text_is_refused():
    import docx
    import pymupdf

    document = pymupdf.open()
    document.new_page()
    assert refused("blank.pdf", document.tobytes()) == "PDF-filen innehåller ingen text."
    assert refused("blank.docx", docx_bytes(docx.Document())) == "Word-dokumentet innehåller ingen text."


def test_a_pdf_with_a_password_is_refused():
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(prose_pdf(REPORT))) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user="hemligt", owner="hemligt", R=6))
    assert refused("hemlig.pdf", out.getvalue()) == (
        "PDF-filen är skyddad med lösenord och kan inte läsas. Spara en kopia utan lösenord och läs in den.")


def test_damaged_files_are_refused():
    whole = prose_pdf(REPORT, pages=3)
    assert refused("avbruten.pdf", whole[: len(whole) // 4]).startswith("PDF-filen är skadad och kan inte läsas")
    noise = bytes((n * 7919 + 13) % 256 for n in range(5000))
    assert refused("brus.pdf", noise).startswith("PDF-filen är skadad och kan inte läsas")
    assert refused("brus.docx", noise).startswith("Word-filen (DOCX) är skadad")
    assert refused("brus.bin", noise).startswith("Filens format känns inte igen")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("bilder/karta.txt", "inte ett Word-dokument")
    assert refused("arkiv.docx", archive.getvalue()).startswith(
        "Filen är ett zip-arkiv och inte ett Word-dokument (DOCX).")


def test_a_slightly_truncated_pdf_is_read_as_far_as_it_goes():
    whole = prose_pdf(REPORT, pages=20)
    result = extract("avbruten.pdf", whole[: int(len(whole) * 0.9)])
    assert result.notes[0] == "PDF-filen var skadad och har lagats vid läsningen; kontrollera att texten är hel."
    assert result.pages == 20 and "Ängens vänner" in result.text.split("\f")[0]
    empty = [n + 1 for n, page in enumerate(result.text.split("\f")) if not page]
    assert empty and result.notes[1].endswith("filen kan vara ofullständig.")
    assert result.notes[1].startswith("Sidan " if len(empty) == 1 else "Sidorna ")


def test_formats_not_read_are_named_and_the_ones_read_listed():
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    for name, data, start in [
        ("gammal.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "Filen är ett Word-dokument i det äldre"),
        ("brev.rtf", b"{\\rtf1\\ansi Kommunstyrelsen}", "Filen är ett RTF-dokument"),
        ("brev.odt", odt.getvalue(), "Filen är ett OpenDocument-dokument (ODT)"),
        ("skyddad.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "EncryptedPackage".encode("utf-16-le"),
         "Filen är ett Office-dokument som är skyddat med lösenord och kan inte läsas."),
    ]:
        message = refused(name, data)
        assert message.startswith(start)
        if "lösenord" in start:
            continue
        assert message.endswith("Inläsningen läser PDF, Word (DOCX), ren text (TXT) och skannade bilder "
                                "(PNG, JPEG, TIFF).")


def test_a_500_page_pdf_is_refused_at_once():
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(prose_pdf(REPORT))) as pdf:
        for _n in range(499):
            pdf.pages.append(pdf.pages[0])
        pdf.save(out)
    started = time.perf_counter()
    message = refused("arsbok.pdf", out.getvalue())
    assert time.perf_counter() - started < 1.5
    assert message == "Filen har 500 sidor. Högst 300 sidor läses in; dela upp den i mindre delar."


def test_limits_are_settings(settings):
    settings.DIARIUM_READING_MAX_BYTES = 1000
    assert refused("stor.txt", ("Kommunstyrelsen beslutar. " * 60).encode()).startswith(
        "Filen är för stor: 1,5\xa0kB. Högst 1000\xa0byte läses in.")
    settings.DIARIUM_READING_MAX_BYTES = 10 * 1024 * 1024
    settings.DIARIUM_READING_MAX_PAGES = 2
    assert refused("lang.pdf", prose_pdf(REPORT, pages=3)) == (
        "Filen har 3 sidor. Högst 2 sidor läses in; dela upp den i mindre delar.")
    message = refused("lang.txt", ("Kommunstyrelsen beslutar att bevilja bidraget. " * 200).encode())
    assert message.startswith("Texten är för lång: 9") and message.endswith("Högst 2 sidor läses in.")


def test_no_input_raises_anything_but_unreadable():
    """Odd bytes of every kind: a report, never an exception."""
    noise = random.Random(23)
    samples = [noise.randbytes(n) for n in (1, 7, 100, 5000)] + [
        b"%PDF-1.7\n", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF", b"PK\x03\x04" + bytes(30),
        b"PK\x05\x06" + bytes(18), b"\x89PNG\r\n\x1a\n" + bytes(50), b"\xff\xd8\xff\xe0" + bytes(50),
        b"<html><body>Kommunstyrelsen</body></html>", "\ufeff".encode("utf-16-le") + b"\x00\xd8",
    ]
    for data in samples:
        for name in ("fil.pdf", "fil.docx", "fil.txt", "fil"):
            try:
                extract(name, data)
            except Unreadable as exc:
                assert exc.message
