"""Reading the PDFs Diarium draws up, for assertions on their text."""

import io
import re
import unicodedata

import pikepdf
from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The text of every page, NFKC-normalised (ligatures undone) and with runs of
    white space (line and page breaks of the layout) as one space."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def blob_pdf_text(blob) -> str:
    from diarium.registry.files import blob_open

    with blob_open(blob) as fh:
        return pdf_text(fh.read())


def assert_tagged_pdfa(data: bytes, *, title: str, author: str, subject_contains: str) -> None:
    """PDF/A-3a identification, output intent, Swedish language, structure tree,
    marked content, every font embedded, and the document metadata."""
    reader = PdfReader(io.BytesIO(data))
    info = reader.metadata
    assert info.title == title and info.author == author
    assert subject_contains in info.subject
    assert subject_contains in (info.get("/Keywords") or "")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfaid:part") == "3" and xmp.get("pdfaid:conformance") == "A"
            assert xmp.get("dc:title") == title
        root = pdf.Root
        assert str(root.Lang) == "sv"
        assert "/StructTreeRoot" in root and len(root.StructTreeRoot.K) > 0
        assert bool(root.MarkInfo.Marked) is True
        [intent] = list(root.OutputIntents)
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        fonts = 0
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.FontDescriptor
                    assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, descriptor.get("/FontName")
                    fonts += 1
        assert fonts > 0
        # Headings are tagged as headings: the screen reader's outline of the document.
        roles = set()

        def walk(node, depth=0):
            if depth > 50 or not isinstance(node, pikepdf.Dictionary | pikepdf.Array):
                return
            items = node if isinstance(node, pikepdf.Array) else [node]
            for item in items:
                if isinstance(item, pikepdf.Dictionary):
                    if "/S" in item:
                        roles.add(str(item.S))
                    if "/K" in item:
                        walk(item.K, depth + 1)

        walk(root.StructTreeRoot.K)
        assert {"/H1", "/H2", "/P"} <= roles, roles


def pdf_with_text(pages: list[str], *, title: str = "", author: str = "") -> bytes:
    """A real PDF with one page per text (Helvetica, wrapped to the page), for
    tests that read, search or redact a document's text; `title` and `author`
    go into its metadata."""
    import pymupdf

    document = pymupdf.open()
    for text in pages:
        page = document.new_page()
        page.insert_textbox(pymupdf.Rect(56, 56, 540, 780), text, fontname="helv", fontsize=11)
    document.set_metadata({"title": title, "author": author})
    return document.tobytes()
