"""Word (DOCX): the first section's headers, the body (a paragraph a line,
tables row by row, numbered lists with their numbers), notes, then its footers."""

from __future__ import annotations

import io
import re
import zipfile

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .limits import CHARS_PER_PAGE, max_pages
from .messages import _damaged, _too_long, _too_many_pages
from .result import Extracted, Unreadable

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WP = _W + "p"
_WTBL = _W + "tbl"
# Not the document's current text: deleted and moved-away revisions, a text
# box's fallback copy (Word writes each twice), field codes, deleted text.
_DOCX_SKIP = {_W + "del", _W + "moveFrom", _MC + "Fallback", _W + "instrText", _W + "delText",
              _W + "delInstrText", _W + "pPr", _W + "rPr", _W + "tblPr", _W + "trPr", _W + "tcPr",
              _W + "sectPr", _W + "tblGrid", _W + "commentReference", _W + "footnoteReference",
              _W + "endnoteReference", _W + "sdtPr", _W + "sdtEndPr"}
_MAX_DEPTH = 40
_MAX_MEMBERS = 10_000


class _TooLong(Exception):
    pass


def _read_docx(data: bytes) -> Extracted:
    from docx.opc.package import OpcPackage

    from diarium.registry.files import max_unpacked_bytes

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            encrypted = any(info.flag_bits & 0x1 for info in infos)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable(_damaged("docx")) from exc
    if encrypted:
        raise Unreadable(_("Word-filen är krypterad och kan inte läsas."))
    if len(infos) > _MAX_MEMBERS or unpacked > max_unpacked_bytes():
        raise Unreadable(_("Word-filen packas upp till %(size)s, mer än de %(limit)s som läses.")
                         % {"size": filesizeformat(unpacked), "limit": filesizeformat(max_unpacked_bytes())})
    package = OpcPackage.open(io.BytesIO(data))
    reader = _Docx(package)
    try:
        text = reader.text()
    except _TooLong as exc:
        raise Unreadable(_too_long(reader.chars)) from exc
    pages = max(text.count("\f") + 1, reader.declared_pages())
    if pages > max_pages():
        raise Unreadable(_too_many_pages(pages))
    notes = []
    if reader.tracked:
        notes.append(_("Dokumentet har spårade ändringar; det lästes som om alla ändringar vore godkända."))
    return Extracted(text=text, pages=pages, method="docx", notes=notes)


def _element(part):
    from docx.oxml.parser import parse_xml

    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)


def _on(element, name: str) -> bool:
    """A Word on/off property: present, and not val="0"/"false"/"off"."""
    found = element.find(_W + name) if element is not None else None
    return found is not None and found.get(_W + "val", "true").lower() not in ("0", "false", "off")


class _Docx:
    """The text of a Word document: the first section's headers, the body
    (paragraphs, tables row by row, text boxes, numbered lists with their
    numbers), footnotes and endnotes, then the first section's footers."""

    def __init__(self, package):
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        self.package = package
        self.main = package.main_document_part
        self.body = _element(self.main).find(_W + "body")
        if self.body is None:
            raise Unreadable(_damaged("docx"))
        self.limit = max_pages() * CHARS_PER_PAGE
        self.chars = 0
        self.tracked = False
        parts = {}
        for rel in self.main.rels.values():
            if not rel.is_external and rel.reltype in (RT.NUMBERING, RT.STYLES, RT.SETTINGS, RT.FOOTNOTES,
                                                          RT.ENDNOTES):
                parts[rel.reltype] = rel.target_part
        self.numbering = _Numbering(parts.get(RT.NUMBERING), parts.get(RT.STYLES))
        self.settings = _element(parts[RT.SETTINGS]) if RT.SETTINGS in parts else None
        self.notes = [_element(parts[rt]) for rt in (RT.FOOTNOTES, RT.ENDNOTES) if rt in parts]

    def declared_pages(self) -> int:
        """The pages Word counted when it last saved (docProps/app.xml), 0 if it did not say."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        for rel in self.package.rels.values():
            if not rel.is_external and rel.reltype == RT.EXTENDED_PROPERTIES:
                match = re.search(rb"<(?:\w+:)?Pages>\s*(\d{1,7})\s*<", rel.target_part.blob[:100_000])
                return int(match.group(1)) if match else 0
        return 0

    def text(self) -> str:
        headers, footers = self._headers_footers()
        body = self._blocks(self.body, 0, in_cell=False)
        notes = []
        for element in self.notes:
            for note in element.iterchildren(_W + "footnote", _W + "endnote"):
                if note.get(_W + "type") in (None, "normal"):
                    notes.extend(self._blocks(note, 0, in_cell=True))
        parts = [*headers, *body, *([""] + notes if notes else []), *([""] + footers if footers else [])]
        text = "\n".join(parts)
        return re.sub(r"\n?\f\n?", "\f", text)

    def _headers_footers(self) -> tuple[list[str], list[str]]:
        """The first section's headers and footers as shown: the first page's
        (when it has its own), the others', the even pages' (when they differ);
        a line once only."""
        section = self.body.find(f".//{_WP}/{_W}pPr/{_W}sectPr")
        if section is None:
            section = self.body.find(_W + "sectPr")
        if section is None:
            return [], []
        types = ["first"] if _on(section, "titlePg") else []
        types.append("default")
        if _on(self.settings, "evenAndOddHeaders"):
            types.append("even")
        result = []
        for kind in ("headerReference", "footerReference"):
            references = {ref.get(_W + "type", "default"): ref.get(_R_ID) for ref in section.iterchildren(_W + kind)}
            lines: list[str] = []
            for type_ in types:
                rid = references.get(type_)
                if not rid or rid not in self.main.rels or self.main.rels[rid].is_external:
                    continue
                for line in self._blocks(_element(self.main.rels[rid].target_part), 0, in_cell=True):
                    if line.strip() and line not in lines:
                        lines.append(line)
            result.append(lines)
        return result[0], result[1]

    def _count(self, text: str) -> None:
        self.chars += len(text)
        if self.chars > self.limit:
            raise _TooLong

    def _blocks(self, element, depth: int, *, in_cell: bool) -> list[str]:
        """Lines of the paragraphs and tables in `element`, in order: a
        paragraph a line (an empty line only where the document has an empty
        paragraph; Word's spacing between paragraphs is not shown, as
        measured on the reading corpus: the rules read a name and its title
        on two paragraphs as one signature)."""
        lines: list[str] = []
        for block in self._block_elements(element, depth):
            if block.tag == _WP:
                lines.extend(self._paragraph(block, depth, in_cell=in_cell))
            else:
                lines.extend(self._table(block, depth))
        return lines

    def _block_elements(self, element, depth: int):
        """The paragraphs and tables in `element`, also those in content
        controls, custom XML and tracked insertions; not tracked deletions."""
        if depth > _MAX_DEPTH:
            return
        for child in element.iterchildren():
            tag = child.tag
            if tag in (_WP, _WTBL):
                yield child
            elif tag in (_W + "del", _W + "moveFrom"):
                self.tracked = True
            elif tag not in _DOCX_SKIP and isinstance(tag, str):
                if tag in (_W + "ins", _W + "moveTo"):
                    self.tracked = True
                yield from self._block_elements(child, depth + 1)

    def _paragraph(self, paragraph, depth: int, *, in_cell: bool) -> list[str]:
        pieces: list[str] = []
        boxes: list[str] = []
        properties = paragraph.find(_W + "pPr")
        if not in_cell and _on(properties, "pageBreakBefore"):
            pieces.append("\f")
        label = self.numbering.label(properties)
        if label:
            pieces.append(label)
        self._inline(paragraph, pieces, boxes, depth, in_cell=in_cell)
        text = "".join(pieces)
        self._count(text)
        lines = text.split("\n")
        if in_cell:
            lines = [line.replace("\f", "") for line in lines]
        return lines + boxes

    def _inline(self, element, pieces: list[str], boxes: list[str], depth: int, *, in_cell: bool) -> None:
        if depth > _MAX_DEPTH:
            return
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == _W + "r":
                if not _on(child.find(_W + "rPr"), "vanish"):  # hidden text is not shown
                    self._run(child, pieces, boxes, depth, in_cell=in_cell)
            elif tag in (_W + "del", _W + "moveFrom"):
                self.tracked = True
            elif tag in (_W + "ins", _W + "moveTo"):
                self.tracked = True
                self._inline(child, pieces, boxes, depth + 1, in_cell=in_cell)
            elif tag == _M + "t":
                pieces.append(child.text or "")
            elif tag == _MC + "AlternateContent":
                choice = child.find(_MC + "Choice")
                if choice is not None:
                    self._inline(choice, pieces, boxes, depth + 1, in_cell=in_cell)
            elif tag not in _DOCX_SKIP:  # hyperlinks, fields, content controls, smart tags, math
                self._inline(child, pieces, boxes, depth + 1, in_cell=in_cell)

    def _run(self, run, pieces: list[str], boxes: list[str], depth: int, *, in_cell: bool) -> None:
        for child in run.iterchildren():
            tag = child.tag
            if tag == _W + "t":
                pieces.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                pieces.append("\t")
            elif tag == _W + "br":
                kind = child.get(_W + "type")
                pieces.append("\f" if kind == "page" and not in_cell else "\n")
            elif tag == _W + "cr":
                pieces.append("\n")
            elif tag == _W + "noBreakHyphen":
                pieces.append("-")
            elif tag in (_W + "drawing", _W + "pict", _MC + "AlternateContent", _W + "object"):
                for box in self._text_boxes(child, depth + 1):
                    boxes.extend(line for line in self._blocks(box, depth + 1, in_cell=True) if line.strip())

    def _text_boxes(self, element, depth: int):
        """The text boxes' contents in a drawing, each once (not Word's fallback copy)."""
        if depth > _MAX_DEPTH:
            return
        for child in element.iterchildren():
            if child.tag == _W + "txbxContent":
                yield child
            elif child.tag != _MC + "Fallback" and isinstance(child.tag, str):
                yield from self._text_boxes(child, depth + 1)

    def _table(self, table, depth: int) -> list[str]:
        """Each row as lines: the cells' first lines joined by tabs, then their
        second lines, and so on (as the row looks), empty cells left out."""
        lines: list[str] = []
        for row in self._children(table, _W + "tr"):
            cells = []
            for cell in self._children(row, _W + "tc"):
                cell_lines = [line.strip() for line in self._blocks(cell, depth + 1, in_cell=True)]
                cells.append([line for line in cell_lines if line])
            for index in range(max((len(c) for c in cells), default=0)):
                line = "\t".join(c[index] for c in cells if index < len(c))
                if line:
                    lines.append(line)
        return lines

    def _children(self, element, tag: str, depth: int = 0):
        """Rows of a table or cells of a row, also those inside content controls or custom XML."""
        for child in element.iterchildren():
            if child.tag == tag:
                yield child
            elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml") and depth < 5:
                yield from self._children(child, tag, depth + 1)


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _letters(number: int) -> str:
    """1 → a, 26 → z, 27 → aa (as Word counts)."""
    number = max(number, 1)
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


class _Numbering:
    """The numbers Word prints before the paragraphs of numbered lists (an
    agenda's "1.", "2."): they are not in the text, Word counts them."""

    def __init__(self, numbering_part, styles_part):
        self.levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}
        self.overrides: dict[str, dict[int, int]] = {}
        self.nums: dict[str, str] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_part is not None:
            self._read_numbering(_element(numbering_part))
        if styles_part is not None:
            self._read_styles(_element(styles_part))

    def _read_numbering(self, root) -> None:
        for abstract in root.iterchildren(_W + "abstractNum"):
            levels = {}
            for level in abstract.iterchildren(_W + "lvl"):
                try:
                    ilvl = int(level.get(_W + "ilvl", "0"))
                    start = int(_val(level, "start") or "1")
                except ValueError:
                    continue
                levels[ilvl] = (_val(level, "numFmt") or "decimal", _val(level, "lvlText") or "",
                                start, _val(level, "suff") or "tab")
            self.levels[abstract.get(_W + "abstractNumId", "")] = levels
        for num in root.iterchildren(_W + "num"):
            num_id = num.get(_W + "numId", "")
            self.nums[num_id] = _val(num, "abstractNumId") or ""
            overrides = {}
            for override in num.iterchildren(_W + "lvlOverride"):
                start = _val(override, "startOverride")
                if start and start.isdigit():
                    overrides[int(override.get(_W + "ilvl", "0"))] = int(start)
            self.overrides[num_id] = overrides

    def _read_styles(self, root) -> None:
        for style in root.iterchildren(_W + "style"):
            if style.get(_W + "type") != "paragraph":
                continue
            properties = style.find(_W + "pPr")
            num_pr = properties.find(_W + "numPr") if properties is not None else None
            num_id = _val(num_pr, "numId") if num_pr is not None else None
            ilvl = _val(num_pr, "ilvl") if num_pr is not None else None
            self.styles[style.get(_W + "styleId", "")] = (num_id, ilvl, _val(style, "basedOn"))

    def _from_style(self, style_id: str | None) -> tuple[str | None, str | None]:
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            num_id, ilvl, based_on = self.styles[style_id]
            if num_id is not None:
                return num_id, ilvl
            style_id = based_on
        return None, None

    def label(self, properties) -> str:
        if properties is None or not (self.nums or self.styles):
            return ""
        num_pr = properties.find(_W + "numPr")
        num_id = _val(num_pr, "numId") if num_pr is not None else None
        ilvl_text = _val(num_pr, "ilvl") if num_pr is not None else None
        if num_id is None:
            num_id, style_ilvl = self._from_style(_val(properties, "pStyle"))
            ilvl_text = ilvl_text or style_ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        try:
            ilvl = min(max(int(ilvl_text or "0"), 0), 8)
        except ValueError:
            ilvl = 0
        levels = self.levels.get(self.nums[num_id], {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = self.overrides.get(num_id, {}).get(ilvl, levels[ilvl][2])
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _start, suffix = levels[ilvl]
        if fmt == "none":
            return ""
        if fmt == "bullet":
            label = "•"
        else:
            def number(match: re.Match) -> str:
                level = int(match.group(1)) - 1
                if level not in levels:
                    return ""
                value = counters.get(level, self.overrides.get(num_id, {}).get(level, levels[level][2]))
                return _format_number(value, levels[level][0])

            label = re.sub(r"%([1-9])", number, text)
        if not label.strip():
            return ""
        return label + {"space": " ", "nothing": ""}.get(suffix, "\t")


def _val(element, name: str) -> str | None:
    found = element.find(_W + name) if element is not None else None
    return found.get(_W + "val") if found is not None else None


def _format_number(value: int, fmt: str) -> str:
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "lowerLetter":
        return _letters(value)
    if fmt == "upperLetter":
        return _letters(value).upper()
    if fmt == "lowerRoman":
        return _roman(value)
    if fmt == "upperRoman":
        return _roman(value).upper()
    return str(value)
