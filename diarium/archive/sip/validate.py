"""Validating a package, ours or one received from another system:
`validate_package(path)` runs every check and returns every problem found.

1. The package itself: a METS.xml at its root; every file and metadata file a
   METS names is there, inside the package, with its size and checksum
   (SHA-256, or the algorithm the METS names); no file is left unnamed.
2. XML Schema: every METS.xml against METS 1.12 with the E-ARK CSIP/SIP
   extensions, the ERMS file against CITS ERMS 2.1.2; PREMIS files must be
   well-formed PREMIS 3 (no copy of its schema is available here).
3. Schematron: the ERMS file against erms.sch (XPath 2.0, schematron.py).
4. eark-validator 1.1.3, the E-ARK reference validator, when it is installed
   (it is a test dependency; see docs/ARCHIVE.md), run offline against the
   vocabularies it ships. Its rule SIP14 contradicts the METS schema it ships
   (it asks for an attribute the schema forbids); a package that meets the
   schema fails SIP14, so that one rule is not counted, and is named in the
   report's notices. Every other rule counts, warnings included.

A zip file is unpacked into a temporary folder first, refusing any entry
that would land outside it."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from django.utils.translation import gettext as _
from lxml import etree

from .erms import ERMS_NS
from .mets import METS_NS, XLINK_NS
from .premis import PREMIS_NS
from .schematron import Schematron

SCHEMAS = Path(__file__).resolve().parent / "schemas"
ERROR, WARNING = "fel", "varning"
# eark-validator 1.1.3's rule that contradicts the METS schema it ships (docs/ARCHIVE.md).
CONTRADICTED_RULES = {"SIP14": "SIP14 kräver attributet NOTETYPE utan namnrymd på skaparagentens note, vilket "
                               "METS-schemat inte tillåter; paketet följer schemat (se docs/ARCHIVE.md)."}
HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Problem:
    """One problem: which check found it, where, what (Swedish), the rule
    it breaks where the check names one, and whether it is an error or a
    warning (a SHOULD of the specification)."""

    check: str
    location: str
    message: str
    rule: str = ""
    severity: str = ERROR

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.severity.upper()} {self.check}{rule} {self.location}: {self.message}"


@dataclass
class Report:
    path: Path
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def valid(self) -> bool:
        return not self.errors


def validate_package(path: Path | str) -> list[Problem]:
    """Every problem found in the package at `path` (a folder or a zip file)."""
    return package_report(path).problems


def package_report(path: Path | str) -> Report:
    path = Path(path)
    report = Report(path=path)
    try:
        with _unpacked(path) as root:
            _check(root, report)
    except _Unreadable as exc:
        report.problems.append(Problem("paket", str(path), str(exc)))
    return report


class _Unreadable(Exception):
    pass


@contextmanager
def _unpacked(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield path
        return
    if not path.is_file() or not zipfile.is_zipfile(path):
        raise _Unreadable(_("Finns inte, eller är varken en mapp eller en zip-fil."))
    temp = Path(tempfile.mkdtemp(prefix="diarium-validera-"))
    try:
        with zipfile.ZipFile(path) as archive:
            tops = set()
            for info in archive.infolist():
                name = PurePosixPath(info.filename)
                if name.is_absolute() or ".." in name.parts or "\\" in info.filename or (info.external_attr >> 28) == 0xA:
                    raise _Unreadable(_("Zip-filen innehåller en sökväg som leder ut ur paketet: %(name)s")
                                      % {"name": info.filename})
                tops.add(name.parts[0])
            if len(tops) != 1:
                raise _Unreadable(_("Zip-filen ska innehålla exakt en mapp överst (paketet), men har %(n)s.")
                                  % {"n": len(tops)})
            archive.extractall(temp)
        yield temp / tops.pop()
    finally:
        shutil.rmtree(temp, ignore_errors=True)


@cache
def _xml_schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), _PARSER))


@cache
def erms_schematron() -> Schematron:
    return Schematron(SCHEMAS / "erms.sch")


def _parse(path: Path, root: Path, report: Report, check: str = "xml") -> etree._ElementTree | None:
    try:
        return etree.parse(str(path), _PARSER)
    except (etree.XMLSyntaxError, OSError) as exc:
        report.problems.append(Problem(check, _rel(path, root), _("Kan inte läsas som XML: %(error)s") % {
            "error": exc}))
        return None


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _schema_problems(tree, schema_name: str, where: str, report: Report) -> None:
    schema = _xml_schema(schema_name)
    if not schema.validate(tree):
        for error in schema.error_log:
            report.problems.append(Problem("xsd", f"{where}:{error.line}", error.message))


def _target(base: Path, href: str, root: Path) -> Path | None:
    """The file an xlink:href names, or None if it leaves the package."""
    parsed = urlparse(href)
    if parsed.scheme not in ("", "file") or parsed.netloc:
        return None
    relative = unquote(parsed.path)
    if relative.startswith("/"):
        return None
    target = (base / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        return None
    return target


def _check_reference(element, base: Path, root: Path, mets_path: Path, report: Report, named: set[Path]) -> Path | None:
    location = element if element.tag == f"{{{METS_NS}}}mdRef" else element.find(f"{{{METS_NS}}}FLocat")
    href = location.get(f"{{{XLINK_NS}}}href") if location is not None else None
    where = f"{_rel(mets_path, root)} {element.get('ID') or element.getparent().get('ID') or ''}".strip()
    if not href:
        report.problems.append(Problem("paket", where, _("Filen saknar sökväg (xlink:href).")))
        return None
    target = _target(base, href, root)
    if target is None:
        report.problems.append(Problem("paket", where, _("Sökvägen %(href)s leder ut ur paketet.") % {"href": href}))
        return None
    named.add(target)
    if not target.is_file():
        report.problems.append(Problem("paket", where, _("Filen %(href)s saknas.") % {"href": href}))
        return None
    size = element.get("SIZE")
    if size is not None and size.isdigit() and int(size) != target.stat().st_size:
        report.problems.append(Problem("kontrollsumma", where, _("Filen %(href)s har storleken %(actual)s byte, "
                                                                "METS anger %(size)s.") % {
            "href": href, "actual": target.stat().st_size, "size": size}))
    algorithm, expected = element.get("CHECKSUMTYPE"), element.get("CHECKSUM")
    if expected:
        name = HASHES.get((algorithm or "").upper())
        if name is None:
            report.problems.append(Problem("kontrollsumma", where, _("Okänd kontrollsummetyp %(type)s.") % {
                "type": algorithm}))
        else:
            with open(target, "rb") as fh:
                digest = hashlib.file_digest(fh, name)
            if digest.hexdigest().lower() != expected.lower():
                report.problems.append(Problem("kontrollsumma", where, _(
                    "Filen %(href)s stämmer inte med sin kontrollsumma: den är skadad eller ändrad.") % {"href": href}))
    else:
        report.problems.append(Problem("kontrollsumma", where, _("Filen %(href)s saknar kontrollsumma i METS.") % {
            "href": href}))
    return target


def _check(root: Path, report: Report) -> None:
    mets_path = root / "METS.xml"
    if not mets_path.is_file():
        report.problems.append(Problem("paket", root.name, _("Paketet saknar METS.xml i sin rot.")))
        return
    named: set[Path] = {mets_path.resolve()}
    pending = [mets_path]
    seen: set[Path] = set()
    ermses: list[Path] = []
    while pending:
        current = pending.pop(0)
        if current.resolve() in seen:
            continue
        seen.add(current.resolve())
        tree = _parse(current, root, report)
        if tree is None:
            continue
        _schema_problems(tree, "mets-sip-catalog.xsd", _rel(current, root), report)
        base = current.parent
        for element in tree.iter(f"{{{METS_NS}}}file", f"{{{METS_NS}}}mdRef"):
            target = _check_reference(element, base, root, current, report, named)
            if target is None:
                continue
            if element.tag == f"{{{METS_NS}}}mdRef":
                kind = (element.get("OTHERMDTYPE") or element.get("MDTYPE") or "").upper()
                if kind == "ERMS":
                    ermses.append(target)
                elif kind == "PREMIS":
                    _premis_check(target, root, report)
            elif target.name == "METS.xml":
                pending.append(target)
    for item in sorted(p for p in root.rglob("*") if p.is_file()):
        if item.resolve() not in named:
            report.problems.append(Problem("paket", _rel(item, root), _("Filen finns i paketet men inte i METS.")))
    for erms_path in ermses:
        tree = _parse(erms_path, root, report, "xsd")
        if tree is None:
            continue
        if tree.getroot().tag != f"{{{ERMS_NS}}}erms":
            report.problems.append(Problem("xsd", _rel(erms_path, root), _("Filen är ingen ERMS-fil.")))
            continue
        _schema_problems(tree, "ERMS.xsd", _rel(erms_path, root), report)
        for failure in erms_schematron().validate(tree):
            report.problems.append(Problem("schematron", f"{_rel(erms_path, root)} {failure.location}",
                                           failure.message, rule=failure.rule_id or failure.test))
    if not ermses:
        report.problems.append(Problem("paket", "METS.xml", _("Paketet har ingen ERMS-fil (dmdSec med ERMS).")))
    _eark_check(root, report)


def _premis_check(path: Path, root: Path, report: Report) -> None:
    tree = _parse(path, root, report, "xsd")
    if tree is not None and tree.getroot().tag != f"{{{PREMIS_NS}}}premis":
        report.problems.append(Problem("xsd", _rel(path, root), _("Filen är ingen PREMIS 3-fil.")))


# --- eark-validator ---------------------------------------------------------------------
@cache
def eark_validator():
    """eark-validator's PackageValidator, loaded offline, or None when it is
    not installed. At import it fetches four vocabularies from the DILCIS web
    site; the copies it ships are handed to it instead (there is no network,
    and the result must not depend on one)."""
    import importlib.util
    import urllib.request

    spec = importlib.util.find_spec("eark_validator")
    if spec is None:
        return None
    vocabularies = Path(spec.submodule_search_locations[0]) / "ipxml" / "resources" / "vocabs"
    online = urllib.request.urlopen

    def shipped(url, *args, **kwargs):
        local = vocabularies / str(url).rsplit("/", 1)[-1]
        if not local.is_file():
            raise OSError(f"eark-validator asked for {url}, which it does not ship")
        return open(local, "rb")  # noqa: SIM115 - read line by line and closed by the caller

    urllib.request.urlopen = shipped
    try:
        from eark_validator.packages import PackageValidator
    finally:
        urllib.request.urlopen = online
    return PackageValidator


def _eark_check(root: Path, report: Report) -> None:
    validator = eark_validator()
    if validator is None:
        report.notices.append(_("eark-validator är inte installerat: E-ARK:s referensvalidering kördes inte."))
        return
    result = validator(root).validation_report
    messages = list(result.structure.messages if result.structure else [])
    if result.metadata is not None:
        messages += result.metadata.schema_results.messages + result.metadata.schematron_results.messages
    for message in messages:
        severity = getattr(message.severity, "value", str(message.severity)).lower()
        if severity not in ("error", "warn"):
            continue
        if message.rule_id in CONTRADICTED_RULES:
            report.notices.append(CONTRADICTED_RULES[message.rule_id])
            continue
        report.problems.append(Problem("eark-validator", message.location or "", message.message or "",
                                       rule=message.rule_id or "", severity=ERROR if severity == "error" else WARNING))
