"""The METS files of a package: E-ARK CSIP/SIP 2.1 (FGS Paketstruktur 2.0).

The package's METS.xml points at the ERMS file (dmdSec), the package's PREMIS
file (amdSec), the documentation, the schemas and each representation's own
METS.xml; each representation's METS lists its files with their SHA-256.

Where eark-validator 1.1.3 and the METS schema disagree, the schema wins
(docs/ARCHIVE.md): the software agent's note carries csip:NOTETYPE="SOFTWARE
VERSION" (CSIP15/16), which the schema allows, and not the unqualified
NOTETYPE="IDENTIFICATIONCODE" rule SIP14 asks for, which it forbids. Every
file group carries csip:CONTENTINFORMATIONTYPE="OTHER" with the package's
content information type as csip:OTHERCONTENTINFORMATIONTYPE, the only form
in which the validator's rule CSIP63 can pass."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from lxml import etree

from .layout import PackedFile, representation_dir, timestamp, xml_id

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_TYPE = "citserms_v2_1"  # CITS ERMS 2.1: FGS Ärendehantering 2.0
CONTENT_CATEGORY = "Mixed"  # a case holds documents of any kind

_M = f"{{{METS_NS}}}"
_X = f"{{{XLINK_NS}}}"
_C = f"{{{CSIP_NS}}}"
_S = f"{{{SIP_NS}}}"
NSMAP = {"mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS, "sip": SIP_NS, "xsi": XSI_NS}


@dataclass(frozen=True)
class Header:
    """What every METS file of a package says of itself."""

    objid: str
    label: str
    created: dt.datetime
    software: str
    software_version: str
    organisation: str
    organisation_number: str


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items() if v not in (None, "")})
    if text:
        element.text = text
    return element


def _root(header: Header, schemas: str) -> etree._Element:
    root = etree.Element(f"{_M}mets", nsmap=NSMAP)
    root.set("OBJID", header.objid)
    root.set("LABEL", header.label)
    root.set("TYPE", CONTENT_CATEGORY)
    root.set(f"{_C}CONTENTINFORMATIONTYPE", CONTENT_TYPE)
    root.set("PROFILE", SIP_PROFILE)
    root.set(f"{{{XSI_NS}}}schemaLocation", " ".join([
        METS_NS, f"{schemas}/mets.xsd", XLINK_NS, f"{schemas}/xlink.xsd",
        CSIP_NS, f"{schemas}/DILCISExtensionMETS.xsd", SIP_NS, f"{schemas}/DILCISExtensionSIPMETS.xsd"]))
    when = timestamp(header.created)
    hdr = _el(root, f"{_M}metsHdr", CREATEDATE=when, LASTMODDATE=when, RECORDSTATUS="NEW")
    hdr.set(f"{_C}OAISPACKAGETYPE", "SIP")
    agent = _el(hdr, f"{_M}agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    _el(agent, f"{_M}name", header.software)
    note = _el(agent, f"{_M}note", header.software_version)
    note.set(f"{_C}NOTETYPE", "SOFTWARE VERSION")
    archivist = _el(hdr, f"{_M}agent", ROLE="ARCHIVIST", TYPE="ORGANIZATION")
    _el(archivist, f"{_M}name", header.organisation)
    if header.organisation_number:
        note = _el(archivist, f"{_M}note", header.organisation_number)
        note.set(f"{_C}NOTETYPE", "IDENTIFICATIONCODE")
    return root


def _md_ref(parent, packed: PackedFile, *, mdtype: str, other: str = "", version: str = "", href: str) -> None:
    ref = _el(parent, f"{_M}mdRef", LOCTYPE="URL", MDTYPE=mdtype, OTHERMDTYPE=other, MDTYPEVERSION=version,
              MIMETYPE="application/xml", SIZE=packed.size, CREATED=timestamp(packed.created),
              CHECKSUM=packed.sha256, CHECKSUMTYPE="SHA-256")
    ref.set(f"{_X}type", "simple")
    ref.set(f"{_X}href", href)


def _file_group(parent, group_id: str, use: str) -> etree._Element:
    group = _el(parent, f"{_M}fileGrp", ID=group_id, USE=use)
    group.set(f"{_C}CONTENTINFORMATIONTYPE", "OTHER")
    group.set(f"{_C}OTHERCONTENTINFORMATIONTYPE", CONTENT_TYPE)
    return group


def _file(group, file_id: str, packed: PackedFile, href: str) -> None:
    element = _el(group, f"{_M}file", ID=file_id, MIMETYPE=packed.mime, SIZE=packed.size,
                  CREATED=timestamp(packed.created), CHECKSUM=packed.sha256, CHECKSUMTYPE="SHA-256")
    fmt = packed.format
    if fmt is not None:
        element.set(f"{_S}FILEFORMATNAME", fmt.name)
        if fmt.version:
            element.set(f"{_S}FILEFORMATVERSION", fmt.version)
        if fmt.puid:
            element.set(f"{_S}FORMATREGISTRY", "PRONOM")
            element.set(f"{_S}FORMATREGISTRYKEY", fmt.puid)
    location = _el(element, f"{_M}FLocat", LOCTYPE="URL")
    location.set(f"{_X}type", "simple")
    location.set(f"{_X}href", href)


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def package_mets(header: Header, *, erms: PackedFile, premis: PackedFile, documentation: list[PackedFile],
                 schemas: list[PackedFile], representations: list[tuple[str, PackedFile]]) -> bytes:
    """The package's root METS.xml. Paths are relative to the package root."""
    root = _root(header, "schemas")
    dmd = _el(root, f"{_M}dmdSec", ID="dmd-erms", CREATED=timestamp(erms.created), STATUS="CURRENT")
    _md_ref(dmd, erms, mdtype="OTHER", other="ERMS", version="2.1.2", href=erms.path)
    amd = _el(root, f"{_M}amdSec")
    digiprov = _el(amd, f"{_M}digiprovMD", ID="digiprov-premis", CREATED=timestamp(premis.created), STATUS="CURRENT")
    _md_ref(digiprov, premis, mdtype="PREMIS", version="3.0", href=premis.path)
    file_sec = _el(root, f"{_M}fileSec", ID="filesec")
    groups = {}
    for use, files in (("Documentation", documentation), ("Schemas", schemas)):
        group = _file_group(file_sec, f"grp-{use.lower()}", use)
        groups[use] = group.get("ID")
        for packed in files:
            _file(group, xml_id("file", packed.path), packed, packed.path)
    for name, mets in representations:
        group = _file_group(file_sec, f"grp-rep-{name}", f"Representations/{name}")
        groups[name] = group.get("ID")
        _file(group, xml_id("file", name, "mets"), mets, mets.path)
    struct = _el(root, f"{_M}structMap", ID="structmap", TYPE="PHYSICAL", LABEL="CSIP")
    top = _el(struct, f"{_M}div", ID="div-package", LABEL=header.objid)
    _el(top, f"{_M}div", ID="div-metadata", LABEL="Metadata", ADMID="digiprov-premis", DMDID="dmd-erms")
    for use in ("Documentation", "Schemas"):
        div = _el(top, f"{_M}div", ID=f"div-{use.lower()}", LABEL=use)
        _el(div, f"{_M}fptr", FILEID=groups[use])
    reps = _el(top, f"{_M}div", ID="div-representations", LABEL="Representations")
    for name, _mets in representations:
        _el(reps, f"{_M}fptr", FILEID=groups[name])
    for name, mets in representations:
        div = _el(reps, f"{_M}div", ID=f"div-rep-{name}", LABEL=f"Representations/{name}")
        pointer = _el(div, f"{_M}mptr", LOCTYPE="URL")
        pointer.set(f"{_X}type", "simple")
        pointer.set(f"{_X}href", mets.path)
        pointer.set(f"{_X}title", groups[name])
    return _serialise(root)


def representation_mets(header: Header, name: str, *, premis: PackedFile, files: list[PackedFile]) -> bytes:
    """A representation's METS.xml: its files with their checksums. Paths are
    relative to the representation's folder."""
    prefix = representation_dir(name) + "/"
    root = _root(replace(header, objid=name), "../../schemas")
    amd = _el(root, f"{_M}amdSec")
    digiprov = _el(amd, f"{_M}digiprovMD", ID=f"digiprov-premis-{name}", CREATED=timestamp(premis.created),
                   STATUS="CURRENT")
    _md_ref(digiprov, premis, mdtype="PREMIS", version="3.0", href=premis.path.removeprefix(prefix))
    struct_children = []
    if files:
        file_sec = _el(root, f"{_M}fileSec", ID=f"filesec-{name}")
        group = _file_group(file_sec, f"grp-data-{name}", "Data")
        for packed in files:
            _file(group, xml_id("file", name, packed.path.removeprefix(prefix)), packed,
                  packed.path.removeprefix(prefix))
        struct_children.append(("Data", group.get("ID")))
    struct = _el(root, f"{_M}structMap", ID=f"structmap-{name}", TYPE="PHYSICAL", LABEL="CSIP")
    top = _el(struct, f"{_M}div", ID=f"div-{name}", LABEL=name)
    _el(top, f"{_M}div", ID=f"div-metadata-{name}", LABEL="Metadata", ADMID=f"digiprov-premis-{name}")
    for label, group_id in struct_children:
        div = _el(top, f"{_M}div", ID=f"div-data-{name}", LABEL=label)
        _el(div, f"{_M}fptr", FILEID=group_id)
    return _serialise(root)
