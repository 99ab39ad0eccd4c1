"""Where everything lies in a package, and what the metadata writers know of
each file. One package per case:

    <name>/METS.xml                                   the package's METS (E-ARK CSIP/SIP)
    <name>/metadata/descriptive/erms.xml              the case, FGS Ärendehantering 2.0 (CITS ERMS 2.1)
    <name>/metadata/preservation/premis.xml           agents, the export and the conversions (PREMIS 3)
    <name>/representations/original/METS.xml          every file version as registered
    <name>/representations/original/data/<document>/<position>-v<version>.<ext>
    <name>/representations/original/metadata/preservation/premis.xml
    <name>/representations/preservation/…             the same files in archival formats
    <name>/schemas/                                   the XML schemas the metadata follows
    <name>/documentation/paketbeskrivning.txt         what the package holds and how to read it

Paths inside the package never carry a registered file name (which may name
a person): a file is named by its document's number, its position and its
version; the name as registered is kept in the ERMS file only."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .formats import Format
from .record import FileRecord

ORIGINAL = "original"
PRESERVATION = "preservation"
REPRESENTATIONS = (ORIGINAL, PRESERVATION)

METS = "METS.xml"
ERMS = "metadata/descriptive/erms.xml"
PREMIS = "metadata/preservation/premis.xml"
DOCUMENTATION = "documentation/paketbeskrivning.txt"
SCHEMAS_DIR = "schemas"

# The schema files a package carries (from diarium/archive/sip/schemas/), and what they are.
PACKAGED_SCHEMAS = ("ERMS.xsd", "mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "DILCISExtensionSIPMETS.xsd")


def representation_dir(name: str) -> str:
    return f"representations/{name}"


def data_path(representation: str, file: FileRecord, extension: str) -> str:
    f = file.file
    return f"{representation_dir(representation)}/data/{f.document.number}/{f.position}-v{f.version}{extension}"


_EXTENSIONS = {"application/pdf": ".pdf", "text/plain": ".txt", "text/csv": ".csv", "application/xml": ".xml",
               "text/xml": ".xml", "text/html": ".html", "image/png": ".png", "image/jpeg": ".jpg",
               "image/tiff": ".tif",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}


def extension_for(filename: str, mime: str) -> str:
    """The registered file's own extension when it is plain (letters and
    digits), else one for its type; "" when neither is known."""
    match = re.search(r"\.([A-Za-z0-9]{1,8})$", filename or "")
    if match:
        return f".{match.group(1).lower()}"
    return _EXTENSIONS.get(mime, "")


def package_name(organisation_slug: str, diary_number: str, uuid_hex: str) -> str:
    """The package's folder (and zip) name and its METS OBJID: the
    organisation and the diary number in letters, digits, dots and dashes
    (`alingsas_2017.676_KS`). A diary number with letters outside ASCII
    (the series "ÄN") gets eight characters of the case's uuid too, so two
    series that fold to the same letters never share a name."""
    folded = unicodedata.normalize("NFKD", diary_number).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9.-]+", "_", folded).strip("_.") or "arende"
    name = f"{organisation_slug}_{safe}"
    if not diary_number.isascii():
        name = f"{name}_{uuid_hex[:8]}"
    return name


@dataclass(frozen=True)
class PackedFile:
    """A file written into the package, with what METS and PREMIS say of it."""

    path: str
    size: int
    sha256: str
    mime: str
    created: dt.datetime
    format: Format | None = None


@dataclass
class FileEntry:
    """One registered file version and its places in the package: `original`
    as registered and `archival` in a lasting format (the same bytes when it
    is one already). Both are None for a file whose bytes were disposed of."""

    file: FileRecord
    original: PackedFile | None
    archival: PackedFile | None
    outcome: str  # KEPT, CONVERTED, NOT_CONVERTED or DISPOSED
    tool: str = ""
    tool_version: str = ""
    note: str = ""


KEPT = "kept"
CONVERTED = "converted"
NOT_CONVERTED = "not_converted"
DISPOSED = "disposed"


def xml_id(*parts: object) -> str:
    """An XML ID (NCName) from parts: `file-original-3-1-2`."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", "-".join(str(p) for p in parts))


def timestamp(value: dt.datetime | dt.date) -> str:
    """An xs:dateTime in the organisation's local time, with its offset (a
    date is its midnight, without an offset)."""
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return f"{value.isoformat()}T00:00:00"
