"""Reading a classification scheme from a file: CSV or XML, into rows that
services.classification_import checks against the rules of the scheme and
writes. Reading writes nothing; every problem is reported in Swedish with the
line (CSV) or the element and its line (XML) where it is.

CSV: UTF-8 with or without a byte order mark, separated by semicolons or
commas (the header line tells which), with a header line naming the columns
`kod;benämning;nivå;beskrivning` in any order. `kod` and `benämning` are
required; `nivå` (verksamhetsområde, processgrupp or process) may be left out
or empty, and is then taken from the code's depth ("1", "1.2", "1.2.3").

XML: the format of static/registry/klassificering.xsd (described in
docs/KLASSIFICERING.md): `<klassificeringsstruktur>` holding nested
`<verksamhetsomrade>`, `<processgrupp>` and `<process>` elements with the
attributes `kod` and `benamning` and an optional `<beskrivning>`. The file is
read with defusedxml first (no DTD, no entities, nothing fetched), then
validated against the schema with lxml."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from diarium.core.control_characters import has_control_characters

from .models import CLASSIFICATION_DESCRIPTION_MAX, CLASSIFICATION_TITLE_MAX, Classification

Level = Classification.Level

MAX_BYTES = 2 * 1024 * 1024  # a scheme of a few thousand nodes is well under this
MAX_ROWS = 5000
XSD_PATH = Path(__file__).parent / "static" / "registry" / "klassificering.xsd"

# What a file may call each level (casefolded): the Swedish names, with and without å, and the API's values.
LEVEL_NAMES = {
    "verksamhetsområde": Level.AREA, "verksamhetsomrade": Level.AREA, Level.AREA.value: Level.AREA,
    "processgrupp": Level.GROUP, Level.GROUP.value: Level.GROUP,
    "process": Level.PROCESS,
}
XML_ELEMENTS = {"verksamhetsomrade": Level.AREA, "processgrupp": Level.GROUP, "process": Level.PROCESS}
CSV_COLUMNS = {"kod": "code", "benämning": "title", "benamning": "title", "nivå": "level", "niva": "level",
               "beskrivning": "description"}


@dataclass(frozen=True)
class SchemeRow:
    """One node as a file states it."""

    where: str  # "Rad 3", "Element 4 (rad 12)"
    line: int
    code: str
    title: str
    level: str | None  # a Level value; None when the file leaves it to the code's depth
    level_text: str = ""  # the level as written, when it is not one of LEVEL_NAMES
    description: str = ""
    parent_code: str | None = None  # XML: the code of the enclosing element
    # Whether the file's schema has checked this node's own fields (form of the
    # code, title, length, level by element) and found something wrong: then
    # the rules of the scheme do not report the same again.
    schema_flagged: bool = False


@dataclass
class SchemeFile:
    format: str  # "csv" or "xml"
    rows: list[SchemeRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, Swedish message with its place)

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))


def where_line(line: int) -> str:
    return _("Rad %(line)s") % {"line": line}


def _is_xml(name: str, content: bytes) -> bool:
    if name.lower().endswith(".xml"):
        return True
    if name.lower().endswith(".csv"):
        return False
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def scheme_file_read(name: str, content: bytes) -> SchemeFile:
    """The rows of a CSV or XML file (by its name, else by its content), with
    every problem found while reading it."""
    fmt = "xml" if _is_xml(name or "", content) else "csv"
    if len(content) > MAX_BYTES:
        scheme = SchemeFile(format=fmt)
        scheme.error(0, _("Filen är för stor: högst %(n)s MB.") % {"n": MAX_BYTES // (1024 * 1024)})
        return scheme
    return _xml_read(content) if fmt == "xml" else _csv_read(content)


def level_of(text: str) -> str | None:
    return LEVEL_NAMES.get(" ".join(text.split()).casefold())


# --- CSV ----------------------------------------------------------------------------------------
def _csv_read(content: bytes) -> SchemeFile:
    scheme = SchemeFile(format="csv")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        scheme.error(line, _("%(where)s: filen är inte kodad i UTF-8. Spara den som \"CSV UTF-8\" och försök "
                             "igen.") % {"where": where_line(line)})
        return scheme
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: list[str | None] | None = None
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if any(has_control_characters(cell) for cell in cells):
                scheme.error(line, _("%(where)s: texten får inte innehålla styrtecken.") % {"where": where_line(line)})
                continue
            if columns is None:
                columns = _csv_header(scheme, line, cells)
                if columns is None:
                    return scheme
                continue
            if len(scheme.rows) >= MAX_ROWS:
                scheme.error(line, _("Filen har fler än %(n)s rader; dela upp den.") % {"n": MAX_ROWS})
                return scheme
            _csv_row(scheme, line, cells, columns)
    except csv.Error:
        scheme.error(start, _("%(where)s: raden kan inte läsas som CSV (kontrollera citattecknen).")
                     % {"where": where_line(start)})
    if columns is None:
        scheme.error(1, _("Filen är tom: den ska ha en rubrikrad (kod;benämning;nivå;beskrivning) och en rad "
                          "för varje klassificering."))
    return scheme


def _csv_header(scheme: SchemeFile, line: int, cells: list[str]) -> list[str | None] | None:
    names = [" ".join(cell.split()).casefold() for cell in cells]
    columns = [CSV_COLUMNS.get(name) for name in names]
    problems = []
    unknown = [cell.strip() for cell, column in zip(cells, columns, strict=True) if column is None and cell.strip()]
    if unknown:
        problems.append(_("okända kolumner: %(names)s") % {"names": ", ".join(unknown)})
    missing = [label for key, label in (("code", "kod"), ("title", "benämning")) if key not in columns]
    if missing:
        problems.append(_("kolumnerna %(names)s saknas") % {"names": " och ".join(missing)})
    twice = sorted({c for c in columns if c is not None and columns.count(c) > 1})
    if twice:
        problems.append(_("samma kolumn står flera gånger"))
    if problems:
        scheme.error(line, _("%(where)s: rubrikraden ska vara kod;benämning;nivå;beskrivning (nivå och beskrivning "
                             "får utelämnas), men %(problems)s.") % {"where": where_line(line),
                                                                   "problems": "; ".join(problems)})
        return None
    return columns


def _csv_row(scheme: SchemeFile, line: int, cells: list[str], columns: list[str | None]) -> None:
    where = where_line(line)
    if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns):]):
        scheme.error(line, _("%(where)s: raden har %(n)s fält men rubrikraden %(m)s.")
                     % {"where": where, "n": len(cells), "m": len(columns)})
        return
    values = {column: cell for column, cell in zip(columns, cells, strict=False) if column is not None}
    level_text = values.get("level", "").strip()
    scheme.rows.append(SchemeRow(
        where=where, line=line, code=values.get("code", "").strip(), title=" ".join(values.get("title", "").split()),
        level=level_of(level_text) if level_text else None,
        level_text=level_text if level_text and level_of(level_text) is None else "",
        description=values.get("description", "").strip()))


# --- XML ----------------------------------------------------------------------------------------
@cache
def _xml_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser=etree.XMLParser(no_network=True,
                                                                          resolve_entities=False)))


def _xml_read(content: bytes) -> SchemeFile:
    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException
    from lxml import etree

    scheme = SchemeFile(format="xml")
    try:
        safe_xml.fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        scheme.error(0, _("Filen får inte innehålla en DTD, entiteter eller externa referenser."))
        return scheme
    except safe_xml.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        scheme.error(line, _("%(where)s, kolumn %(column)s: filen är inte välformad XML.")
                     % {"where": where_line(line), "column": column + 1})
        return scheme
    except (ValueError, UnicodeError):
        scheme.error(0, _("Filen kan inte läsas som XML."))
        return scheme
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        scheme.error(0, _("Filen kan inte läsas som XML."))
        return scheme
    numbers: dict[int, int] = {}  # line -> the number of the node element starting on it
    nodes = []
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in XML_ELEMENTS:
            nodes.append(element)
            numbers.setdefault(element.sourceline or 0, len(nodes))
    flagged = _xml_schema_errors(scheme, root, numbers)
    if len(nodes) > MAX_ROWS:
        scheme.error(0, _("Filen har fler än %(n)s klassificeringar; dela upp den.") % {"n": MAX_ROWS})
        return scheme
    for number, element in enumerate(nodes, start=1):
        line = element.sourceline or 0
        if any(has_control_characters(value) for value in element.attrib.values()):
            scheme.error(line, _("%(where)s: texten får inte innehålla styrtecken.") % {"where": _where(number, line)})
            continue
        described = next((child for child in element if isinstance(child.tag, str) and child.tag == "beskrivning"),
                         None)
        description = (described.text or "") if described is not None else ""
        schema_flagged = line in flagged or (described is not None and described.sourceline in flagged)
        parent = next((a for a in element.iterancestors() if isinstance(a.tag, str) and a.tag in XML_ELEMENTS), None)
        scheme.rows.append(SchemeRow(
            where=_where(number, line), line=line, code=(element.get("kod") or "").strip(),
            title=" ".join((element.get("benamning") or "").split()), level=XML_ELEMENTS[element.tag],
            description=description.strip(), schema_flagged=schema_flagged,
            parent_code=(parent.get("kod") or "").strip() if parent is not None else None))
    return scheme


def _where(number: int, line: int) -> str:
    return _("Element %(n)s (rad %(line)s)") % {"n": number, "line": line}


_SUBJECT = re.compile(r"^Element '(?P<element>[^']+)'(?:, attribute '(?P<attribute>[^']+)')?: ")
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (?P<names>[^)]*) \)")
_MISSING = re.compile(r"The attribute '(?P<attribute>[^']+)' is required")


def _xml_schema_errors(scheme: SchemeFile, root, numbers: dict[int, int]) -> set[int]:
    """Validate against the XSD; each problem once per element and attribute,
    in Swedish. The lines with a problem are returned."""
    schema = _xml_schema()
    if schema.validate(root):
        return set()
    seen: set[tuple] = set()
    flagged: set[int] = set()
    for entry in schema.error_log:
        subject = _SUBJECT.match(entry.message)
        element = subject.group("element") if subject else ""
        attribute = subject.group("attribute") if subject else None
        if entry.type_name == "SCHEMAV_CVC_COMPLEX_TYPE_4":
            missing = _MISSING.search(entry.message)
            attribute = missing.group("attribute") if missing else attribute
        key = (entry.line, element, attribute)
        if key in seen:
            continue
        seen.add(key)
        flagged.add(entry.line)
        where = _where(numbers[entry.line], entry.line) if entry.line in numbers else where_line(entry.line)
        scheme.error(entry.line, f"{where}: {_schema_message(entry, element, attribute)}")
    return flagged


def _schema_message(entry, element: str, attribute: str | None) -> str:
    kind = entry.type_name
    names = {"element": element, "attribute": attribute or ""}
    if kind == "SCHEMAV_CVC_ELT_1":
        return _("filen ska börja med elementet <klassificeringsstruktur>, inte <%(element)s>.") % names
    if kind == "SCHEMAV_ELEMENT_CONTENT":
        expected = _EXPECTED.search(entry.message)
        if expected:
            wanted = ", ".join(f"<{n.strip()}>" for n in expected.group("names").split(","))
            return _("elementet <%(element)s> får inte stå här; här väntas %(wanted)s.") % {**names, "wanted": wanted}
        return _("elementet <%(element)s> får inte stå här.") % names
    if kind == "SCHEMAV_CVC_COMPLEX_TYPE_4":
        return _("attributet %(attribute)s saknas på <%(element)s>.") % names
    if kind in ("SCHEMAV_CVC_COMPLEX_TYPE_3_2_1", "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2"):
        return _("attributet %(attribute)s är inte tillåtet på <%(element)s>.") % names
    if kind == "SCHEMAV_CVC_COMPLEX_TYPE_2_3":
        return _("<%(element)s> får inte innehålla text direkt; en beskrivning skrivs i <beskrivning>.") % names
    if attribute == "kod":
        return _("koden har fel form för <%(element)s>: ett verksamhetsområde har ett led (1), en processgrupp två "
                 "(1.2) och en process tre (1.2.3), med siffror.") % names
    if attribute == "benamning":
        return _("benämningen ska ha 1–%(n)s tecken.") % {"n": CLASSIFICATION_TITLE_MAX}
    if element == "beskrivning":
        return _("beskrivningen får ha högst %(n)s tecken.") % {"n": CLASSIFICATION_DESCRIPTION_MAX}
    return _("<%(element)s> följer inte schemat klassificering.xsd.") % names
