"""Opening a package to import it, and every check made before anything is
written (archive.services.importing writes it).

A package is a folder, or a zip file holding one folder; a folder of
packages is read package by package (`package_paths`). Strict about
integrity, in this order, every problem collected:

1. **Paths.** A symbolic link anywhere in a folder, a zip entry that would
   land outside its folder (`..`, an absolute name, a drive letter, a
   backslash, a link; "zip-slip") and a METS or ERMS path that is absolute
   or has a `..` in it are refused before any file is read or unpacked.
2. **The package** (validate.py, the export's own validation): a METS.xml at
   the root; every file each METS names is there, with its size and
   SHA-256; no file is outside METS; METS and ERMS valid against their XML
   Schemas. Its Schematron and eark-validator findings are reported as
   notes and do not refuse a package: FGS packages from other systems often
   miss what E-ARK only recommends, and nothing of what is imported rests on
   it.
3. **The content** (parsing.py): what the register cannot do without (a
   diary number, a title, when the case was registered); each file ERMS
   names is one METS names, and a registered file's bytes have the SHA-256
   the ERMS file gives for it.

A package with any problem is refused as a whole; nothing is written."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml import etree

from . import parsing
from .mets import METS_NS, XLINK_NS
from .validate import CONTRADICTED_RULES, ERROR, Problem, package_report

# Checks of validate.py whose errors refuse an import; the others (Schematron, eark-validator) are notes.
REFUSING_CHECKS = {"paket", "kontrollsumma", "xsd"}
PATHS, CONTENT = "sökväg", "innehåll"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_HREF = f"{{{XLINK_NS}}}href"


@dataclass
class Package:
    """A package opened for import: where it is unpacked, its checksum, the
    case it describes, and every problem (refusing) and note found."""

    source: Path  # as given
    root: Path | None  # the package's folder, unpacked where it was a zip file
    name: str
    sha256: str = ""  # of its root METS.xml, which holds the checksums of every other file
    zip_sha256: str = ""  # of the zip file it came in
    case: parsing.CaseData | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems and self.case is not None

    def path(self, relative: str) -> Path:
        """A file of the package (a path the checks found inside it)."""
        return self.root / relative


def package_paths(path: Path | str) -> tuple[list[Path], list[str]]:
    """The packages at `path`: itself where it is a package (a folder with a
    METS.xml, or a zip file), else each folder and zip file in it, in name
    order; and notes on what in it was passed over."""
    path = Path(path)
    if path.is_file() or (path.is_dir() and (path / "METS.xml").exists()) or not path.exists():
        return [path], []
    found, skipped = [], []
    for child in sorted(path.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_symlink():
            skipped.append(_("%(path)s är en symbolisk länk och läses inte.") % {"path": child})
        elif child.is_dir() or child.suffix.lower() == ".zip":
            found.append(child)
        else:
            skipped.append(_("%(path)s är inget paket (varken mapp eller zip-fil) och läses inte.") % {"path": child})
    return found, skipped


@contextmanager
def package_open(path: Path | str) -> Iterator[Package]:
    """Open and check the package at `path` (a folder or a zip file); a zip
    file is unpacked into a temporary folder, removed afterwards."""
    path = Path(path)
    package = Package(source=path, root=None, name=path.name.removesuffix(".zip"))
    temp = None
    try:
        if path.is_symlink() and path.is_file():
            package.problems.append(Problem(PATHS, str(path), _("Paketet är en symbolisk länk.")))
        elif path.is_dir():
            package.root = path
            _links_refused(path, package)
        elif path.is_file() and zipfile.is_zipfile(path):
            package.zip_sha256 = _sha256(path)
            temp = Path(tempfile.mkdtemp(prefix="diarium-import-"))
            package.root = _unzipped(path, temp, package)
        elif path.exists():
            package.problems.append(Problem(PATHS, str(path), _("Är varken en mapp eller en zip-fil.")))
        else:
            package.problems.append(Problem(PATHS, str(path), _("Finns inte.")))
        if package.root is not None and not package.problems:
            package.name = package.root.name
            _check(package)
        yield package
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _links_refused(root: Path, package: Package) -> None:
    """Every symbolic link in the folder is a problem: a package holds files."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames + filenames):
            item = Path(dirpath) / name
            if item.is_symlink():
                package.problems.append(Problem(PATHS, item.relative_to(root).as_posix(), _(
                    "Är en symbolisk länk (till %(target)s): ett paket får bara innehålla filer och mappar.")
                    % {"target": os.readlink(item)}))


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    posix = PurePosixPath(name)
    if "\\" in name or "\x00" in name:
        return _("namnet innehåller omvänt snedstreck eller nolltecken")
    if posix.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return _("namnet är en absolut sökväg")
    if ".." in posix.parts:
        return _("namnet leder ut ur mappen (..)")
    if stat.S_ISLNK(info.external_attr >> 16):
        return _("posten är en symbolisk länk")
    return None


ZIP_RATIO_MAX = 1000  # unpacked/packed: far beyond what PDFs, XML and office files reach ("zip bomb")
ZIP_RATIO_FROM = 100 * 1024 * 1024  # … for entries that unpack to more than this


def _unpacked_size_problem(entries: list[zipfile.ZipInfo], temp: Path) -> str | None:
    """Whether unpacking would exceed the limit of one package, a plausible
    compression or the free space (zipfile never unpacks an entry beyond its
    declared size, so the declared sizes bound what is written)."""
    limit = int(getattr(settings, "DIARIUM_ARCHIVE_IMPORT_MAX_BYTES", 50 * 1024 ** 3))
    total = sum(info.file_size for info in entries)
    if total > limit:
        return _("Zip-filen packas upp till %(size)s, mer än de %(limit)s ett paket får vara.") % {
            "size": filesizeformat(total), "limit": filesizeformat(limit)}
    for info in entries:
        if info.file_size > ZIP_RATIO_FROM and info.file_size > ZIP_RATIO_MAX * max(info.compress_size, 1):
            return _("Zip-posten %(name)s packas upp till %(size)s ur %(packed)s: det liknar en zip-bomb och "
                     "läses inte.") % {"name": info.filename, "size": filesizeformat(info.file_size),
                                       "packed": filesizeformat(info.compress_size)}
    free = shutil.disk_usage(temp).free
    if total > free:
        return _("Zip-filen packas upp till %(size)s, men bara %(free)s är ledigt.") % {
            "size": filesizeformat(total), "free": filesizeformat(free)}
    return None


def _unzipped(path: Path, temp: Path, package: Package) -> Path | None:
    """Unpack the zip file into `temp` once every entry is checked (none may
    leave the folder: "zip-slip"); None, with every problem, when one is bad."""
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
        tops = set()
        for info in entries:
            problem = _entry_problem(info)
            if problem:
                package.problems.append(Problem(PATHS, f"{path.name}: {info.filename}", _(
                    "Zip-posten leder ut ur paketet eller är ingen vanlig fil: %(why)s.") % {"why": problem}))
                continue
            tops.add(PurePosixPath(info.filename).parts[0])
        if package.problems:
            return None
        size_problem = _unpacked_size_problem(entries, temp)
        if size_problem:
            package.problems.append(Problem(PATHS, path.name, size_problem))
            return None
        if len(tops) != 1:
            package.problems.append(Problem(PATHS, path.name, _(
                "Zip-filen ska innehålla exakt en mapp överst (paketet), men har %(n)s.") % {"n": len(tops)}))
            return None
        archive.extractall(temp)
    root = temp / tops.pop()
    if not root.is_dir():
        package.problems.append(Problem(PATHS, path.name, _("Zip-filens översta post är ingen mapp.")))
        return None
    return root


def _href_problem(href: str) -> str | None:
    parsed = urlparse(href)
    if parsed.scheme not in ("", "file") or parsed.netloc:
        return _("pekar ut ur paketet (%(href)s)") % {"href": href}
    relative = unquote(parsed.path)
    if relative.startswith("/") or (len(relative) > 1 and relative[1] == ":") or "\\" in relative:
        return _("är en absolut sökväg (%(href)s)") % {"href": href}
    if ".." in PurePosixPath(relative).parts:
        return _("innehåller .. (%(href)s)") % {"href": href}
    return None


def _mets_paths(package: Package) -> set[str]:
    """Every path a METS of the package names (relative to the package's
    root); a path that is absolute or goes up (..) is a problem."""
    root = package.root
    named: set[str] = set()
    for mets_path in sorted(root.rglob("METS.xml")):
        try:
            tree = etree.parse(str(mets_path), _PARSER)
        except (etree.XMLSyntaxError, OSError):
            continue  # validate.py reports it
        base = mets_path.parent.relative_to(root)
        for element in tree.iter():
            href = element.get(_HREF)
            if href is None:
                continue
            problem = _href_problem(href)
            if problem:
                package.problems.append(Problem(PATHS, f"{mets_path.relative_to(root).as_posix()}:{element.sourceline}",
                                                _("Sökvägen %(why)s.") % {"why": problem}))
                continue
            if element.tag in (f"{{{METS_NS}}}FLocat", f"{{{METS_NS}}}mdRef"):
                named.add((base / unquote(urlparse(href).path)).as_posix())
    return named


def _check(package: Package) -> None:
    named = _mets_paths(package)
    report = package_report(package.root)
    for problem in report.problems:
        if problem.severity == ERROR and problem.check in REFUSING_CHECKS:
            if problem.check == "xsd" and re.search(r":\d+$", problem.location):  # libxml2's words, in English
                problem = replace(problem, message=_("Följer inte sitt XML-schema: %(error)s")
                                  % {"error": problem.message})
            package.problems.append(problem)
        else:
            package.notes.append(str(problem))
    # Not the note that eark-validator contradicts the METS schema: that is about our export, not this package.
    package.notes.extend(n for n in report.notices if n not in CONTRADICTED_RULES.values())
    if package.problems:
        return
    package.sha256 = _sha256(package.root / "METS.xml")
    mets = etree.parse(str(package.root / "METS.xml"), _PARSER)
    erms_ref = next((r for r in mets.iter(f"{{{METS_NS}}}mdRef")
                     if (r.get("OTHERMDTYPE") or r.get("MDTYPE") or "").upper() == "ERMS"), None)
    premis_ref = next((r for r in mets.iter(f"{{{METS_NS}}}mdRef") if (r.get("MDTYPE") or "").upper() == "PREMIS"),
                      None)
    agency = ("", "")
    for agent in mets.iter(f"{{{METS_NS}}}agent"):
        if agent.get("ROLE") == "ARCHIVIST":
            agency = (agent.findtext(f"{{{METS_NS}}}name") or "", agent.findtext(f"{{{METS_NS}}}note") or "")
    erms = etree.parse(str(package.root / unquote(erms_ref.get(_HREF))), _PARSER)
    problems = parsing.Problems(package.name)
    case = parsing.case_from_erms(erms, problems=problems, conversions=_conversions(package, premis_ref),
                                  agency=agency)
    for location, message in problems.messages:
        package.problems.append(Problem(CONTENT, location, message))
    if case is not None:
        _files_checked(package, case, named, erms_dir=PurePosixPath(unquote(erms_ref.get(_HREF))).parent)
        package.case = case


def _conversions(package: Package, premis_ref) -> dict[str, parsing.Conversion]:
    representation = package.root / "representations/preservation/metadata/preservation/premis.xml"
    if premis_ref is None or not representation.is_file():
        return {}
    try:
        return parsing.premis_conversions(etree.parse(str(package.root / unquote(premis_ref.get(_HREF))), _PARSER),
                                          etree.parse(str(representation), _PARSER))
    except (etree.XMLSyntaxError, OSError):
        return {}


def _located(path: str, named: set[str], erms_dir: PurePosixPath) -> str:
    """A path ERMS gives, as the package's METS names it: relative to the
    package (as Diarium writes it) or, from another system, to the ERMS file."""
    if not path or path in named or _href_problem(path):
        return path
    beside = posixpath.normpath((erms_dir / path).as_posix())
    return beside if beside in named else path


def _files_checked(package: Package, case: parsing.CaseData, named: set[str], *, erms_dir: PurePosixPath) -> None:
    """Each file the ERMS file points at is one a METS names (so its checksum
    was checked); the bytes of a registered file have the SHA-256 ERMS gives."""
    for document in case.documents:
        for file in document.files:
            where = _("handling %(n)s, fil %(key)s") % {"n": document.number, "key": file.key}
            if file.outcome == "disposed":
                continue
            file.original = _located(file.original, named, erms_dir)
            file.archival = _located(file.archival, named, erms_dir)
            for path in (file.original, file.archival):
                if not path:
                    continue
                problem = _href_problem(path)
                if problem:
                    package.problems.append(Problem(PATHS, where, _("Sökvägen %(why)s.") % {"why": problem}))
                elif path not in named:
                    package.problems.append(Problem(CONTENT, where, _(
                        "ERMS-filen pekar på %(path)s, som ingen METS-fil i paketet tar upp med kontrollsumma.")
                        % {"path": path}))
            if not file.original or file.original not in named or _href_problem(file.original):
                if not file.original:
                    package.problems.append(Problem(CONTENT, where, _("Filen saknas i paketet.")))
                continue
            actual = _sha256(package.path(file.original))
            if file.sha256 and actual != file.sha256:
                package.problems.append(Problem("kontrollsumma", where, _(
                    "Filen %(path)s har inte den kontrollsumma (SHA-256) ERMS-filen anger för den registrerade "
                    "filen.") % {"path": file.original}))
            file.sha256 = file.sha256 or actual
            file.size = file.size or package.path(file.original).stat().st_size


def case_read(root: Path, *, extension: bool = True) -> parsing.CaseData:
    """The case a package this installation has just built describes (for
    comparing a case with a package): read without the checks, which are
    the export's own. Without `extension`, Diarium's extension is left
    unread, as in a package from another system."""
    mets = etree.parse(str(root / "METS.xml"), _PARSER)
    erms_ref = next(r for r in mets.iter(f"{{{METS_NS}}}mdRef")
                    if (r.get("OTHERMDTYPE") or r.get("MDTYPE") or "").upper() == "ERMS")
    premis_ref = next((r for r in mets.iter(f"{{{METS_NS}}}mdRef") if (r.get("MDTYPE") or "").upper() == "PREMIS"),
                      None)
    package = Package(source=root, root=root, name=root.name)
    problems = parsing.Problems(root.name)
    erms = etree.parse(str(root / unquote(erms_ref.get(_HREF))), _PARSER)
    if not extension:
        for data in list(erms.iter(f"{{{parsing.ERMS_NS}}}additionalXMLData")):
            data.getparent().remove(data)
    case = parsing.case_from_erms(erms, problems=problems, conversions=_conversions(package, premis_ref))
    if case is None:
        raise ValueError(f"{root}: {problems.messages}")
    for document in case.documents:
        for file in document.files:
            if file.original and not file.sha256:
                file.sha256 = _sha256(root / file.original)
    return case
