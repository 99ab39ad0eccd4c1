"""Writing packages: one E-ARK SIP per case, as a folder or a zip file
(layout.py has the layout).

- **Deterministic.** The same case gives byte-identical packages on every
  run: the package's date is the case's last event, identifiers are uuid5
  from the organisation and the diary number, entries are sorted, and a zip
  has fixed timestamps, permissions and order.
- **Nothing half-written.** A package is written under a temporary name in
  the output folder and renamed into place when it is whole (and valid).
- **Idempotent.** Where the package is already there, identical, it is left
  alone; a different one there is refused, never overwritten.
- **Flat memory.** Files are read from storage one at a time, checked
  against their SHA-256, written and let go; only their metadata stays until
  the case's METS and PREMIS are written."""

from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError
from diarium.registry.files import blob_open

from ..renditions import archival_copy_kept
from . import erms, mets, premis
from .formats import archival_copy, identify
from .layout import (CONVERTED, DISPOSED, DOCUMENTATION, ERMS, KEPT, METS, NOT_CONVERTED, ORIGINAL,
                     PACKAGED_SCHEMAS, PREMIS, PRESERVATION, SCHEMAS_DIR, FileEntry, PackedFile, data_path,
                     extension_for, package_name, representation_dir)
from .record import CaseRecord

SOFTWARE = "Diarium"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
TEMP_PREFIX = ".diarium-paket-"

WRITTEN, UNCHANGED, REFUSED, INVALID = "written", "unchanged", "refused", "invalid"


class PackageError(DomainError):
    """A package that cannot be made (a stored file that does not match its checksum)."""


@cache
def software_version() -> str:
    try:
        return version("diarium")
    except PackageNotFoundError:
        return "0"


@cache
def _schema_bytes(name: str) -> bytes:
    return (SCHEMA_DIR / name).read_bytes()


def record_name(record: CaseRecord) -> str:
    return package_name(record.organisation.slug, record.case.diary_number, record.uuid.hex)


@dataclass
class Package:
    """A package written into a folder, with what the export reports of it."""

    name: str
    diary_number: str
    folder: Path
    files: int = 0
    warnings: list[str] = field(default_factory=list)


class _Writer:
    """Writes files under a package's folder and remembers what it wrote."""

    def __init__(self, folder: Path, created):
        self.folder = folder
        self.created = created
        self._folders: set[Path] = set()

    def write(self, path: str, data: bytes, *, mime: str = "application/xml", created=None, fmt=None) -> PackedFile:
        target = self.folder / path
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        target.write_bytes(data)
        return PackedFile(path=path, size=len(data), sha256=hashlib.sha256(data).hexdigest(), mime=mime,
                          created=created or self.created, format=fmt)


def _read_checked(file) -> bytes:
    blob = file.file.blob
    with blob_open(blob) as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != blob.sha256:
        raise PackageError(_("Filen %(key)s i ärendet stämmer inte med sin kontrollsumma i lagringen: den är "
                             "skadad eller ändrad. Inget paket skrivs för ärendet.") % {"key": file.key})
    return data


def _pack_file(writer: _Writer, record: CaseRecord, file, warnings: list[str]) -> FileEntry:
    f = file.file
    if file.disposed:
        return FileEntry(file=file, original=None, archival=None, outcome=DISPOSED)
    data = _read_checked(file)
    fmt = identify(data, f.blob.content_type)
    extension = extension_for(f.filename, fmt.mime)
    original = writer.write(data_path(ORIGINAL, file, extension), data, mime=fmt.mime, created=f.created_at,
                            fmt=fmt)
    if fmt.archival:
        archival = writer.write(data_path(PRESERVATION, file, extension), data, mime=fmt.mime,
                                created=f.created_at, fmt=fmt)
        return FileEntry(file=file, original=original, archival=archival, outcome=KEPT)
    reference = f"{record.case.diary_number}-{f.document.number}"
    # The archival form kept with the content (an imported package's, archive/renditions.py), else a new one.
    copy = archival_copy_kept(f.blob) or archival_copy(data, fmt, title=reference,
                                                       made_on=timezone.localtime(f.created_at).date())
    if copy is None:
        warnings.append(_("Handling %(reference)s, fil %(position)s version %(version)s: formatet %(format)s är "
                          "inget arkivformat och kan inte konverteras här; filen följer med som den är.") % {
            "reference": reference, "position": f.position, "version": f.version, "format": fmt.name})
        archival = writer.write(data_path(PRESERVATION, file, extension), data, mime=fmt.mime,
                                created=f.created_at, fmt=fmt)
        return FileEntry(file=file, original=original, archival=archival, outcome=NOT_CONVERTED)
    archival = writer.write(data_path(PRESERVATION, file, copy.extension), copy.data, mime=copy.format.mime,
                            fmt=copy.format)
    return FileEntry(file=file, original=original, archival=archival, outcome=CONVERTED, tool=copy.tool,
                     tool_version=copy.tool_version, note=copy.note)


def documentation_text(record: CaseRecord, name: str, entries: list[FileEntry]) -> str:
    """The package's documentation file: what it holds and how to read it, in
    Swedish. It names the case by its diary number only (record.py)."""
    counts = {outcome: sum(1 for e in entries if e.outcome == outcome)
              for outcome in (KEPT, CONVERTED, NOT_CONVERTED, DISPOSED)}
    return "\n".join([
        f"Leveranspaket {name}",
        "",
        f"Ärende {record.case.diary_number} från {record.organisation.name}, exporterat ur Diarium "
        f"{software_version()}.",
        f"Paketets datum är ärendets senaste händelse: {timezone.localtime(record.created).isoformat()}.",
        "",
        "Paketet följer FGS Paketstruktur 2.0 (E-ARK CSIP/SIP 2.1) och FGS Ärendehantering 2.0 (CITS ERMS 2.1).",
        "",
        "METS.xml                               paketets struktur, med kontrollsummor (SHA-256)",
        "metadata/descriptive/erms.xml          ärendet, dess handlingar, beslut, remisser och historik (ERMS)",
        "metadata/preservation/premis.xml       export, konverteringar och agenter (PREMIS 3)",
        "representations/original/              varje filversion som den registrerades",
        "representations/preservation/          samma filer i arkivformat (PDF/A, UTF-8-text …)",
        "schemas/                               XML-scheman som metadata följer",
        "",
        "Filerna heter efter handlingens nummer, filens plats och version (data/3/1-v2.pdf); filnamnen som de",
        "registrerades finns i ERMS-filen. Sekretessmarkerade handlingar och deras sekretessgrund anges i ERMS",
        "(restriction), liksom namn på privatpersoner.",
        "",
        f"Filversioner: {len(entries)}. Redan i arkivformat: {counts[KEPT]}. Konverterade: {counts[CONVERTED]}. "
        f"Utan arkivformat: {counts[NOT_CONVERTED]}. Gallrade: {counts[DISPOSED]}.",
        "",
    ])


def build(record: CaseRecord, folder: Path) -> Package:
    """Write the whole package of a case into `folder` (new or empty)."""
    name = record_name(record)
    writer = _Writer(folder, record.created)
    package = Package(name=name, diary_number=record.case.diary_number, folder=folder)
    entries: list[FileEntry] = []
    for document in record.documents:
        for file in document.files:
            entries.append(_pack_file(writer, record, file, package.warnings))
    representations = [ORIGINAL, PRESERVATION] if any(e.original for e in entries) else [ORIGINAL]
    header = mets.Header(objid=name, label=record.case.diary_number, created=record.created, software=SOFTWARE,
                         software_version=software_version(), organisation=record.organisation.name,
                         organisation_number=record.organisation.org_number)
    rep_mets = []
    for rep in representations:
        rep_dir = representation_dir(rep)
        (folder / rep_dir / "data").mkdir(parents=True, exist_ok=True)
        rep_premis = writer.write(f"{rep_dir}/{PREMIS}", premis.representation_premis(record, rep, entries))
        packed = [p for e in entries if (p := e.original if rep == ORIGINAL else e.archival) is not None]
        rep_mets.append((rep, writer.write(f"{rep_dir}/{METS}", mets.representation_mets(
            header, rep, premis=rep_premis, files=packed))))
    by_key = {e.file.key: e for e in entries}
    erms_file = writer.write(ERMS, erms.erms_document(record, by_key, software=f"{SOFTWARE} {software_version()}"))
    premis_file = writer.write(PREMIS, premis.package_premis(record, entries, representations, software=SOFTWARE,
                                                             software_version=software_version()))
    documentation = [writer.write(DOCUMENTATION, documentation_text(record, name, entries).encode("utf-8"),
                                  mime="text/plain")]
    schemas = [writer.write(f"{SCHEMAS_DIR}/{s}", _schema_bytes(s)) for s in PACKAGED_SCHEMAS]
    writer.write(METS, mets.package_mets(header, erms=erms_file, premis=premis_file, documentation=documentation,
                                         schemas=schemas, representations=rep_mets))
    package.files = sum(1 for e in entries if e.original)
    return package


# --- zip files ------------------------------------------------------------------------------
def _tree(folder: Path) -> list[str]:
    """Every file and folder under `folder`, relative, sorted (folders end in /)."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = Path(dirpath).relative_to(folder)
        for d in dirnames:
            entries.append(f"{(rel / d).as_posix()}/")
        for f in filenames:
            entries.append((rel / f).as_posix())
    return sorted(entries)


def zip_folder(folder: Path, target: Path, *, root: str, created) -> None:
    """A zip of `folder` with `root/` as its single top folder: entries sorted,
    every timestamp the package's date, fixed permissions, deflated."""
    stamp = timezone.localtime(created).timetuple()[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(target, "w") as archive:
        for rel in [""] + _tree(folder):
            is_dir = rel == "" or rel.endswith("/")
            info = zipfile.ZipInfo(f"{root}/{rel}" if rel else f"{root}/", date_time=stamp)
            info.create_system = 3
            info.external_attr = ((0o40755 if is_dir else 0o100644) << 16) | (0x10 if is_dir else 0)
            if is_dir:
                archive.writestr(info, b"")
                continue
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(folder / rel, "rb") as src, archive.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)


# --- the export -------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What happened to one case's package."""

    name: str
    diary_number: str
    path: Path
    status: str  # WRITTEN, UNCHANGED, REFUSED or INVALID
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _same_tree(a: Path, b: Path) -> bool:
    if _tree(a) != _tree(b):
        return False
    return all(rel.endswith("/") or filecmp.cmp(a / rel, b / rel, shallow=False) for rel in _tree(a))


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def output_check(out: Path, expected: Callable[[], set[str]]) -> None:
    """Refuse an output folder that is a file, or that holds anything but
    packages this export would write (`expected()` names them; called only
    when the folder is not empty)."""
    if out.exists() and not out.is_dir():
        raise DomainError(_("%(path)s finns redan och är ingen mapp.") % {"path": out})
    if not out.exists():
        return
    present = sorted(p.name for p in out.iterdir())
    if not present:
        return
    names = expected()
    foreign = [p for p in present if p not in names]
    if foreign:
        raise DomainError(_("Utdatamappen %(path)s är inte tom, och det som finns där är inga paket från denna "
                            "export: %(names)s. Välj en tom mapp.") % {"path": out, "names": ", ".join(foreign[:10])
                                                                       + (" …" if len(foreign) > 10 else "")})


def export(records: Iterable[CaseRecord], out: Path, *, as_zip: bool = False,
           validator: Callable[[Path], tuple[list[str], list[str]]] | None = None) -> Iterator[Outcome]:
    """Write one package per record into `out`, yielding what became of each.
    With `validator` (giving a package's errors and warnings), a package with
    errors is not put in place."""
    out.mkdir(parents=True, exist_ok=True)
    for record in records:
        name = record_name(record)
        target = out / (f"{name}.zip" if as_zip else name)
        temp = out / f"{TEMP_PREFIX}{name}-{uuid.uuid4().hex[:8]}"
        temp_zip = temp.with_name(temp.name + ".zip")
        try:
            temp.mkdir()
            package = build(record, temp / name if as_zip else temp)
            outcome = Outcome(name=name, diary_number=record.case.diary_number, path=target,
                              status=WRITTEN, warnings=package.warnings)
            if as_zip:
                zip_folder(temp / name, temp_zip, root=name, created=record.created)
                shutil.rmtree(temp)
                built = temp_zip
            else:
                built = temp
            if validator is not None:
                outcome.problems, warnings = validator(built)
                outcome.warnings += warnings
                if outcome.problems:
                    outcome.status = INVALID
                    yield outcome
                    continue
            if target.exists():
                same = filecmp.cmp(built, target, shallow=False) if as_zip else (
                    target.is_dir() and _same_tree(built, target))
                outcome.status = UNCHANGED if same else REFUSED
            else:
                os.rename(built, target)
            yield outcome
        finally:
            _remove(temp)
            _remove(temp_zip)
