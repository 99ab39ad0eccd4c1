"""Archival formats: which registered files the e-archive can keep as they
are, and the lasting copy made of the others.

The rule (Riksarkivet's accepted formats, RA-FS 2009:2, as FGS uses them):
- PDF/A (the XMP `pdfaid` says which part and level), UTF-8 text, XML, CSV,
  PNG, JPEG and TIFF are kept as they are;
- a DOCX becomes a tagged PDF/A-3a (python-docx reads its text, tables and
  images, WeasyPrint writes the PDF/A), HTML becomes PDF/A-3a the same way,
  and text in another encoding becomes UTF-8 text;
- anything else (a PDF that is not PDF/A, an e-mail, a spreadsheet) is kept
  as it is, because nothing here makes a lasting copy of it; the package
  says so in PREMIS and the export warns about it.

The original is always kept beside the copy. Conversions are deterministic:
the same bytes in give the same bytes out (the PDF's dates are the file's
own date, its /ID a hash of the content), so a package can be made again
byte for byte."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"
HTML = "text/html"

# PRONOM identifiers of the PDF/A parts and levels (fmt/95 = PDF/A-1a …).
PDFA_PUIDS = {"1A": "fmt/95", "1B": "fmt/354", "2A": "fmt/476", "2B": "fmt/477", "2U": "fmt/478",
              "3A": "fmt/479", "3B": "fmt/480", "3U": "fmt/481"}
PDF_VARIANT = "pdf/a-3a"  # tagged, with /Lang and structure, as the register's drawn-up documents

# Formats kept as they are: (MIME type, name, PRONOM identifier or "").
_KEPT = {
    TEXT: ("Plain text (UTF-8)", "x-fmt/111"),
    "text/csv": ("Comma Separated Values (UTF-8)", "x-fmt/18"),
    "application/xml": ("Extensible Markup Language", "fmt/101"),
    "text/xml": ("Extensible Markup Language", "fmt/101"),
    "image/png": ("Portable Network Graphics", ""),
    "image/jpeg": ("JPEG File Interchange Format", ""),
    "image/tiff": ("Tagged Image File Format", ""),
}
_TEXTUAL = {TEXT, "text/csv"}  # kept only in UTF-8 (XML declares its own encoding)
_NAMES = {PDF: "Portable Document Format", DOCX: "Microsoft Word for Windows (OOXML)", HTML: "Hypertext Markup Language"}
_PUIDS = {DOCX: "fmt/412"}


@dataclass(frozen=True)
class Format:
    """What a file is: its MIME type, a name, a version (the PDF/A part and
    level), its PRONOM identifier where known, and whether the e-archive
    keeps it as it is (`archival`)."""

    mime: str
    name: str
    version: str = ""
    puid: str = ""
    archival: bool = False


@dataclass(frozen=True)
class Conversion:
    """A lasting copy of a file: its bytes, its format and file extension, the
    tool that made it and what the copy keeps and loses (Swedish, for PREMIS)."""

    data: bytes
    format: Format
    extension: str
    tool: str
    tool_version: str
    note: str


def _mime(content_type: str) -> str:
    return (content_type or "").split(";")[0].strip().lower() or "application/octet-stream"


def pdfa_version(data: bytes) -> str:
    """The PDF/A part and level the PDF's XMP metadata declares ("3A", "2B"),
    or "" when it declares none or cannot be read."""
    from lxml import etree
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        root = PdfReader(io.BytesIO(data)).trailer["/Root"]
        metadata = root.get("/Metadata")
        xmp = metadata.get_object().get_data() if metadata is not None else b""
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError, OSError):
        return ""
    if not xmp:
        return ""
    try:
        tree = etree.fromstring(xmp, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError:
        return ""
    ns = "http://www.aiim.org/pdfa/ns/id/"
    values = {}
    for name in ("part", "conformance"):
        # pdfaid may be written as an element or as an attribute of rdf:Description.
        found = tree.find(f".//{{{ns}}}{name}")
        value = found.text if found is not None else None
        if value is None:
            for element in tree.iter():
                if f"{{{ns}}}{name}" in element.attrib:
                    value = element.attrib[f"{{{ns}}}{name}"]
                    break
        values[name] = (value or "").strip().upper()
    return f"{values['part']}{values['conformance']}" if values["part"] else ""


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def identify(data: bytes, content_type: str) -> Format:
    """The format of a registered file, from its stored content type (detected
    from the content when it was registered) and the content itself."""
    mime = _mime(content_type)
    if mime == PDF or data[:5] == b"%PDF-":
        level = pdfa_version(data)
        if level:
            return Format(PDF, f"PDF/A-{level[0]}{level[1:].lower()}", f"PDF/A-{level}", PDFA_PUIDS.get(level, ""),
                          archival=True)
        return Format(PDF, _NAMES[PDF])
    if mime in _KEPT:
        name, puid = _KEPT[mime]
        if mime in _TEXTUAL and not _utf8(data):
            return Format(mime, name.replace(" (UTF-8)", ""), "", "")
        return Format(mime, name, "", puid, archival=True)
    return Format(mime, _NAMES.get(mime, mime), "", _PUIDS.get(mime, ""))


def _tool_version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return ""


def archival_copy(data: bytes, fmt: Format, *, title: str, made_on: dt.date) -> Conversion | None:
    """The lasting copy of a file not kept as it is, or None when it is
    archival already or nothing here makes a lasting copy of it. `title` and
    `made_on` go into the copy's metadata (never the moment of export)."""
    if fmt.archival:
        return None
    if fmt.mime == DOCX:
        return _docx_to_pdfa(data, title=title, made_on=made_on)
    if fmt.mime == HTML:
        return _html_to_pdfa(data, title=title, made_on=made_on)
    if fmt.mime in _TEXTUAL:
        return _text_to_utf8(data, fmt)
    return None


# --- the conversions ----------------------------------------------------------------------
def _pdfa(body: str, *, title: str, made_on: dt.date, author: str = "") -> bytes:
    from weasyprint import HTML as WeasyHTML
    from weasyprint.urls import URLFetcher

    day = made_on.isoformat()
    head = (f'<meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="dcterms.created" content="{day}"><meta name="dcterms.modified" content="{day}">'
            + (f'<meta name="author" content="{html.escape(author)}">' if author else "")
            + "<style>body{font-family:'DejaVu Sans','Liberation Sans',sans-serif;font-size:11pt;line-height:1.4}"
              "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #777;padding:2pt 4pt;"
              "vertical-align:top}img{max-width:100%}pre{white-space:pre-wrap;font-family:'DejaVu Sans Mono',"
              "monospace}</style>")
    document = f'<!DOCTYPE html><html lang="sv"><head>{head}</head><body>{body}</body></html>'
    # Only data: URLs (the DOCX's own images): a file cannot make the export fetch anything.
    return WeasyHTML(string=document, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf(
        pdf_variant=PDF_VARIANT)


def _pdfa_format() -> Format:
    level = PDF_VARIANT.split("-")[-1].upper()
    return Format(PDF, f"PDF/A-{level[0]}{level[1:].lower()}", f"PDF/A-{level}", PDFA_PUIDS[level], archival=True)


def _docx_to_pdfa(data: bytes, *, title: str, made_on: dt.date) -> Conversion | None:
    import docx
    from docx.opc.exceptions import PackageNotFoundError as DocxUnreadable

    try:
        document = docx.Document(io.BytesIO(data))
    except (DocxUnreadable, KeyError, ValueError, OSError):
        return None
    from zipfile import BadZipFile

    try:
        body = "\n".join(_docx_block(block, document) for block in document.iter_inner_content())
        author = document.core_properties.author or ""
        doc_title = document.core_properties.title or title
    except (BadZipFile, KeyError, ValueError):
        return None
    pdf = _pdfa(body, title=doc_title, made_on=made_on, author=author)
    return Conversion(pdf, _pdfa_format(), ".pdf", "WeasyPrint", _tool_version("weasyprint"),
                      f"python-docx {_tool_version('python-docx')} läste DOCX-filen. Text, rubriker, fetstil och "
                      "kursiv, tabeller och inbäddade bilder är överförda; sidlayout, sidhuvud och sidfot, fotnoter "
                      "och kommentarer följer inte med. Originalet finns kvar.")


_HEADINGS = {"title": 1, "heading 1": 1, "rubrik 1": 1, "heading 2": 2, "rubrik 2": 2, "heading 3": 3,
             "rubrik 3": 3, "heading 4": 4, "rubrik 4": 4}


def _docx_block(block, document) -> str:
    from docx.table import Table

    if isinstance(block, Table):
        rows = []
        for row in block.rows:
            cells = "".join(f"<td>{''.join(_docx_block(p, document) for p in cell.iter_inner_content())}</td>"
                            for cell in row.cells)
            rows.append(f"<tr>{cells}</tr>")
        return f"<table>{''.join(rows)}</table>"
    style = (block.style.name if block.style is not None else "").lower()
    inner = "".join(_docx_run(run, document) for run in block.runs) or "&#160;"
    level = _HEADINGS.get(style)
    if level:
        return f"<h{level}>{inner}</h{level}>"
    if style.startswith("list"):
        return f"<p>• {inner}</p>"
    return f"<p>{inner}</p>"


def _docx_run(run, document) -> str:
    parts = [html.escape(run.text).replace("\n", "<br>")]
    blip = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
    embed = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
    for image in run.element.iter(blip):
        rid = image.get(embed)
        part = document.part.related_parts.get(rid) if rid else None
        if part is not None and getattr(part, "content_type", "").startswith("image/"):
            uri = f"data:{part.content_type};base64,{base64.b64encode(part.blob).decode('ascii')}"
            parts.append(f'<img src="{uri}" alt="">')
    text = "".join(parts)
    if run.bold:
        text = f"<strong>{text}</strong>"
    if run.italic:
        text = f"<em>{text}</em>"
    return text


def _html_to_pdfa(data: bytes, *, title: str, made_on: dt.date) -> Conversion | None:
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(data)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for bad in tree.xpath("//script|//style|//link|//iframe|//object|//embed"):
        bad.drop_tree()
    body = tree.find("body")
    inner = lxml_html.tostring(body if body is not None else tree, encoding="unicode")
    pdf = _pdfa(inner, title=title, made_on=made_on)
    return Conversion(pdf, _pdfa_format(), ".pdf", "WeasyPrint", _tool_version("weasyprint"),
                      "Sidan är återgiven som PDF/A; skript och externa resurser följer inte med. Originalet finns kvar.")


def _text_to_utf8(data: bytes, fmt: Format) -> Conversion:
    # Text that is not UTF-8 is, in a Swedish register, almost always Windows-1252 or Latin-1.
    text = data.decode("cp1252", errors="replace")
    name, puid = _KEPT[fmt.mime]
    extension = ".csv" if fmt.mime == "text/csv" else ".txt"
    return Conversion(text.encode("utf-8"), Format(fmt.mime, name, "", puid, archival=True), extension,
                      "Python", platform.python_version(), "Teckenkodningen är omvandlad från Windows-1252 till UTF-8.")
