"""Build the binary documents of the reading corpus from their text sources.

    .venv/bin/python tests/data/reading/build.py            # every *.source.txt
    .venv/bin/python tests/data/reading/build.py NAME ...   # only these (stems)
    .venv/bin/python tests/data/reading/build.py --check    # rebuild in memory, compare

Each binary document NAME.docx / NAME.pdf has its text in NAME.source.txt.
The build is deterministic: the same source gives the same bytes (fixed
dates in the metadata and the ZIP entries, seeded noise for the scans).

Source markup, one directive or element a line:

    %% format: docx | pdf | scan        which binary to make (required)
    %% engine: fpdf | weasyprint        the PDF maker (pdf only, default fpdf)
    %% font: sans | serif | condensed   body font (default sans)
    %% size: 10.5                       body size in points (default 10.5)
    %% header: LEFT | RIGHT             running page header ({page}, {pages})
    %% footer: LEFT | RIGHT             running page footer ({page}, {pages})
    %% headings: styles                 docx: Word heading styles, not bold runs
    %% align: justify | left            fpdf: paragraphs (default justify)
    %% rotate: -0.6                     scan: degrees of skew
    %% dpi: 200                         scan: resolution
    %% seed: 7                          scan: noise seed
    %% page                             a page break
    ## Text                             the document's title line (large, bold)
    # Text                              a heading (bold)
    | a | b |                           a table row (consecutive rows: one table)
    (blank line)                        paragraph gap
    anything else                       a paragraph (wrapped by the maker)

The scanned documents (format scan) are one page each: the page is drawn in
a plain font at `dpi`, skewed a little, given scanner grain, stored as a JPEG
and wrapped in a PDF with img2pdf: an image with no text layer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import random
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONTS = Path("/usr/share/fonts/truetype")
FACES = {
    "sans": ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    "serif": ("liberation/LiberationSerif-Regular.ttf", "liberation/LiberationSerif-Bold.ttf"),
    "condensed": ("liberation/LiberationSansNarrow-Regular.ttf", "liberation/LiberationSansNarrow-Bold.ttf"),
    "arial": ("liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"),
}
FIXED_DATE = dt.datetime(2021, 1, 4, 8, 0, 0, tzinfo=dt.timezone.utc)
MAX_BYTES = 300_000


@dataclass
class Element:
    kind: str  # title, heading, para, gap, table, page
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Source:
    name: str
    options: dict[str, str]
    elements: list[Element]

    def opt(self, key: str, default: str = "") -> str:
        return self.options.get(key, default)


def parse(path: Path) -> Source:
    options: dict[str, str] = {}
    elements: list[Element] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if line.startswith("%%"):
            directive = line[2:].strip()
            if directive == "page":
                elements.append(Element("page"))
            else:
                key, _, value = directive.partition(":")
                options[key.strip()] = value.strip()
        elif line.startswith("## "):
            elements.append(Element("title", line[3:].strip()))
        elif line.startswith("# "):
            elements.append(Element("heading", line[2:].strip()))
        elif line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if elements and elements[-1].kind == "table":
                elements[-1].rows.append(cells)
            else:
                elements.append(Element("table", rows=[cells]))
        elif not line.strip():
            if elements and elements[-1].kind != "gap":
                elements.append(Element("gap"))
        else:
            elements.append(Element("para", line))
    if "format" not in options:
        raise SystemExit(f"{path.name}: no '%% format:' directive")
    return Source(path.name[: -len(".source.txt")], options, elements)


def split_lr(text: str) -> tuple[str, str]:
    left, _, right = text.partition("|")
    return left.strip(), right.strip()


# DOCX ---------------------------------------------------------------------

def build_docx(src: Source) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    family = {"serif": "Times New Roman", "condensed": "Arial Narrow", "arial": "Arial"}.get(src.opt("font"), "Calibri")
    normal = doc.styles["Normal"]
    normal.font.name = family
    normal.font.size = Pt(float(src.opt("size", "11")))
    props = doc.core_properties
    props.created = props.modified = FIXED_DATE.replace(tzinfo=None)
    props.last_printed = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    props.author = props.last_modified_by = "Diarium test corpus"
    props.title = ""
    section = doc.sections[0]
    for key, part in (("header", section.header), ("footer", section.footer)):
        if src.opt(key):
            left, right = split_lr(src.opt(key).replace("{page}", "").replace("{pages}", ""))
            paragraph = part.paragraphs[0]
            paragraph.text = left + ("\t\t" + right if right else "")
    styles = src.opt("headings") == "styles"
    for element in src.elements:
        if element.kind == "gap":
            continue
        if element.kind == "page":
            doc.add_page_break()
            continue
        if element.kind == "table":
            width = max(len(row) for row in element.rows)
            table = doc.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            for row in element.rows:
                cells = table.add_row().cells
                for index, text in enumerate(row):
                    cells[index].text = text
            continue
        if element.kind == "title":
            paragraph = doc.add_heading(element.text, level=1) if styles else doc.add_paragraph()
            if not styles:
                run = paragraph.add_run(element.text)
                run.bold = True
                run.font.size = Pt(15)
        elif element.kind == "heading":
            paragraph = doc.add_heading(element.text, level=2) if styles else doc.add_paragraph()
            if not styles:
                paragraph.add_run(element.text).bold = True
        else:
            doc.add_paragraph(element.text)
    raw = io.BytesIO()
    doc.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed entry dates, so that builds compare equal."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 1, 4, 8, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# PDF with a text layer: fpdf2 ---------------------------------------------------

def build_fpdf(src: Source) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    regular, bold = FACES.get(src.opt("font", "sans"), FACES["sans"])
    size = float(src.opt("size", "10.5"))
    header, footer = src.opt("header"), src.opt("footer")
    justify = src.opt("align", "justify") == "justify"

    class Page(FPDF):
        def _band(self, text: str, y: float) -> None:
            left, right = split_lr(text.replace("{page}", str(self.page_no())).replace("{pages}", "{nb}"))
            self.set_font("Body", "", 8.5)
            self.set_xy(self.l_margin, y)
            self.cell(0, 5, left)
            if right:
                self.set_xy(self.l_margin, y)
                self.cell(0, 5, right, align="R")

        def header(self):
            if header:
                self._band(header, 10)
                self.set_y(22)

        def footer(self):
            if footer:
                self._band(footer, -15)

    pdf = Page(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_producer("Diarium test corpus")
    pdf.file_id = lambda: ""  # no random /ID: deterministic bytes
    pdf.add_font("Body", "", str(FONTS / regular))
    pdf.add_font("Body", "B", str(FONTS / bold))
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    line = size * 0.5
    for element in src.elements:
        if element.kind == "page":
            pdf.add_page()
        elif element.kind == "gap":
            pdf.ln(line * 0.8)
        elif element.kind == "table":
            pdf.set_font("Body", "", size - 1)
            width = max(len(row) for row in element.rows)
            rows = [row + [""] * (width - len(row)) for row in element.rows]
            widths = tuple(max(6, max(len(row[i]) for row in rows)) for i in range(width))
            with pdf.table(rows, first_row_as_headings=False, borders_layout="NONE", col_widths=widths,
                           line_height=line, text_align="LEFT") as _:
                pass
        else:
            style, points = {"title": ("B", size + 4), "heading": ("B", size + 0.5)}.get(element.kind, ("", size))
            pdf.set_font("Body", style, points)
            pdf.multi_cell(0, line if element.kind == "para" else points * 0.55, element.text,
                           align="J" if element.kind == "para" and justify else "L",
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


# PDF with a text layer: WeasyPrint ------------------------------------------------

def build_weasyprint(src: Source) -> bytes:
    from html import escape

    from weasyprint import HTML

    regular, bold = FACES.get(src.opt("font", "sans"), FACES["sans"])
    size = float(src.opt("size", "10.5"))

    def band(text: str, where: str) -> str:
        left, right = split_lr(text)
        out = []
        for part, box in ((left, f"@{where}-left"), (right, f"@{where}-right")):
            if part:
                pieces = []
                for chunk in part.replace("{pages}", "\0P").replace("{page}", "\0p").split("\0"):
                    if chunk.startswith("P"):
                        pieces.append("counter(pages)")
                        chunk = chunk[1:]
                    elif chunk.startswith("p"):
                        pieces.append("counter(page)")
                        chunk = chunk[1:]
                    if chunk:
                        pieces.append('"' + chunk.replace('"', '\\"') + '"')
                out.append(f"{box} {{ content: {' '.join(pieces)}; font-size: 8.5pt; }}")
        return "\n".join(out)

    css = f"""
    @font-face {{ font-family: Body; src: url("file://{FONTS / regular}"); }}
    @font-face {{ font-family: Body; font-weight: bold; src: url("file://{FONTS / bold}"); }}
    @page {{ size: A4; margin: 24mm 22mm 22mm 22mm;
      {band(src.opt("header"), "top")}
      {band(src.opt("footer"), "bottom")} }}
    body {{ font-family: Body; font-size: {size}pt; line-height: 1.35; }}
    p {{ margin: 0 0 0.2em 0; }} .gap {{ height: 0.6em; }}
    h1 {{ font-size: {size + 4}pt; margin: 0.4em 0; }} h2 {{ font-size: {size + 0.5}pt; margin: 0.5em 0 0.2em; }}
    table {{ border-collapse: collapse; margin: 0.3em 0; }} td {{ padding: 1pt 8pt 1pt 0; vertical-align: top; }}
    .page {{ break-before: page; }}
    """
    body = []
    for element in src.elements:
        if element.kind == "page":
            body.append('<div class="page"></div>')
        elif element.kind == "gap":
            body.append('<div class="gap"></div>')
        elif element.kind == "title":
            body.append(f"<h1>{escape(element.text)}</h1>")
        elif element.kind == "heading":
            body.append(f"<h2>{escape(element.text)}</h2>")
        elif element.kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
                           for row in element.rows)
            body.append(f"<table>{rows}</table>")
        else:
            body.append(f"<p>{escape(element.text)}</p>")
    html = f"<html lang='sv'><head><meta charset='utf-8'><style>{css}</style></head><body>{''.join(body)}</body></html>"
    return HTML(string=html).write_pdf(metadata=None, pdf_identifier=b"diarium-test-corpus", uncompressed_pdf=False)


# Scanned: an image only ---------------------------------------------------------------

def build_scan(src: Source) -> bytes:
    import img2pdf
    from PIL import Image, ImageDraw, ImageFont

    dpi = int(src.opt("dpi", "200"))
    regular, bold = FACES.get(src.opt("font", "serif"), FACES["serif"])
    size = float(src.opt("size", "11"))
    px = round(size / 72 * dpi)
    fonts = {
        "para": ImageFont.truetype(str(FONTS / regular), px),
        "heading": ImageFont.truetype(str(FONTS / bold), px),
        "title": ImageFont.truetype(str(FONTS / bold), round(px * 1.35)),
        "small": ImageFont.truetype(str(FONTS / regular), round(px * 0.8)),
    }
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    margin = int(0.85 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    leading = round(px * 1.38)

    def wrap(text: str, font) -> list[str]:
        words, lines, current = text.split(" "), [], ""
        for word in words:
            candidate = f"{current} {word}".strip()
            if draw.textlength(candidate, font=font) <= width - 2 * margin or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
        return lines + ([current] if current else [])

    for key, y in (("header", int(0.45 * dpi)), ("footer", height - int(0.6 * dpi))):
        if src.opt(key):
            left, right = split_lr(src.opt(key).replace("{page}", "1").replace("{pages}", "1"))
            draw.text((margin, y), left, font=fonts["small"], fill=0)
            if right:
                draw.text((width - margin - draw.textlength(right, font=fonts["small"]), y), right,
                          font=fonts["small"], fill=0)
    y = margin
    for element in src.elements:
        if element.kind == "page":
            raise SystemExit(f"{src.name}: a scan is one page")
        if element.kind == "gap":
            y += leading // 2
        elif element.kind == "table":
            columns = max(len(row) for row in element.rows)
            widths = [max(draw.textlength(row[i], font=fonts["para"]) if i < len(row) else 0
                          for row in element.rows) for i in range(columns)]
            for row in element.rows:
                x = margin
                for index, cell in enumerate(row):
                    draw.text((x, y), cell, font=fonts["para"], fill=0)
                    x += widths[index] + px * 2
                y += leading
        else:
            font = fonts["para" if element.kind == "para" else element.kind]
            for text in wrap(element.text, font):
                draw.text((margin, y), text, font=font, fill=0)
                y += round(leading * (1.3 if element.kind == "title" else 1))
        if y > height - margin:
            raise SystemExit(f"{src.name}: the text does not fit on one page")
    return img2pdf.convert(scanned(page, src), nodate=True, producer="Diarium test corpus",
                           engine=img2pdf.Engine.internal)  # no random /ID


def scanned(page, src: Source) -> bytes:
    """The clean page as a scanner gives it: skewed, soft, grainy, on grey paper,
    stored as a JPEG at the source's resolution."""
    from PIL import Image, ImageChops, ImageFilter

    dpi = int(src.opt("dpi", "200"))
    rng = random.Random(int(src.opt("seed", "1")))
    width, height = page.size
    page = page.rotate(float(src.opt("rotate", "0.5")), resample=Image.Resampling.BICUBIC, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.5))
    grain = Image.frombytes("L", page.size, rng.randbytes(width * height)).point(lambda v: 7 if v > 245 else 0)
    page = ImageChops.subtract(page, grain)
    dust = (width // 6, height // 6)
    specks = Image.frombytes("L", dust, rng.randbytes(dust[0] * dust[1])).point(lambda v: 150 if v > 254 else 0)
    specks = specks.resize(page.size, Image.Resampling.NEAREST).filter(ImageFilter.MinFilter(3))
    page = ImageChops.subtract(page, specks)
    page = page.point(lambda v: min(v, 244))  # the scanner's grey paper
    jpeg = io.BytesIO()
    page.save(jpeg, "JPEG", quality=int(src.opt("quality", "60")), dpi=(dpi, dpi), optimize=True)
    return jpeg.getvalue()



# ---------------------------------------------------------------------------------------

def build(src: Source) -> tuple[str, bytes]:
    fmt = src.opt("format")
    if fmt == "docx":
        return src.name + ".docx", build_docx(src)
    if fmt == "pdf":
        maker = build_weasyprint if src.opt("engine", "fpdf") == "weasyprint" else build_fpdf
        return src.name + ".pdf", maker(src)
    if fmt == "scan":
        return src.name + ".pdf", build_scan(src)
    raise SystemExit(f"{src.name}: unknown format {fmt!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="stems to build (default: every *.source.txt)")
    parser.add_argument("--check", action="store_true", help="build in memory and compare with the files")
    args = parser.parse_args(argv)
    paths = sorted(HERE.glob("*.source.txt"))
    if args.names:
        paths = [HERE / f"{name}.source.txt" for name in args.names]
    failed = 0
    for path in paths:
        filename, data = build(parse(path))
        target = HERE / filename
        digest = hashlib.sha256(data).hexdigest()[:12]
        if len(data) > MAX_BYTES:
            print(f"{filename}: {len(data)} bytes, over {MAX_BYTES}", file=sys.stderr)
            failed += 1
        if args.check:
            same = target.exists() and target.read_bytes() == data
            print(f"{'ok  ' if same else 'DIFF'} {filename} {len(data)} {digest}")
            failed += not same
        else:
            target.write_bytes(data)
            print(f"{filename} {len(data)} {digest}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
