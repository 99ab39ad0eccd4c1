"""Preservation metadata, PREMIS 3.0.

- metadata/preservation/premis.xml (the package): the two representations as
  objects, the events (the export, each conversion to an archival format,
  each file left in a format without a lasting copy) and the agents (Diarium,
  the organisation, the converters);
- representations/<name>/metadata/preservation/premis.xml: each file of the
  representation as an object with its SHA-256, size, format (PRONOM where
  known) and place; a converted file names its source and the conversion.

Events are dated with the package's date (the case's last event), not the
moment of export, so the same case gives the same file. No file name as
registered and no free text of the case appears here (record.py)."""

from __future__ import annotations

import uuid

from lxml import etree

from .layout import (CONVERTED, NOT_CONVERTED, ORIGINAL, PRESERVATION, FileEntry, PackedFile, representation_dir,
                     timestamp)
from .record import CaseRecord

PREMIS_NS = "http://www.loc.gov/premis/v3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PREMIS_VERSION = "3.0"
_P = f"{{{PREMIS_NS}}}"


def _el(parent, tag: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, f"{_P}{tag}")
    if text not in (None, ""):
        element.text = str(text)
    return element


def _identifier(parent, tag: str, kind: str, value: str) -> None:
    element = _el(parent, tag)
    prefix = {"objectIdentifier": "objectIdentifier", "eventIdentifier": "eventIdentifier",
              "agentIdentifier": "agentIdentifier", "linkingAgentIdentifier": "linkingAgentIdentifier",
              "linkingObjectIdentifier": "linkingObjectIdentifier", "relatedObjectIdentifier": "relatedObjectIdentifier",
              "relatedEventIdentifier": "relatedEventIdentifier", "linkingEventIdentifier": "linkingEventIdentifier"}[tag]
    _el(element, f"{prefix}Type", kind)
    _el(element, f"{prefix}Value", value)
    return element


def _root() -> etree._Element:
    root = etree.Element(f"{_P}premis", nsmap={"premis": PREMIS_NS, "xsi": XSI_NS})
    root.set("version", PREMIS_VERSION)
    return root


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def file_uuid(record: CaseRecord, path: str) -> str:
    return str(uuid.uuid5(record.uuid, f"file {path}"))


def _event_uuid(record: CaseRecord, what: str) -> str:
    return str(uuid.uuid5(record.uuid, f"event {what}"))


def _representation_uuid(record: CaseRecord, name: str) -> str:
    return str(uuid.uuid5(record.uuid, f"representation {name}"))


def representation_premis(record: CaseRecord, name: str, entries: list[FileEntry]) -> bytes:
    """The PREMIS file of one representation: an object per file."""
    root = _root()
    for entry in entries:
        packed: PackedFile | None = entry.original if name == ORIGINAL else entry.archival
        if packed is None:
            continue
        obj = etree.SubElement(root, f"{_P}object")
        obj.set(f"{{{XSI_NS}}}type", "premis:file")
        _identifier(obj, "objectIdentifier", "UUID", file_uuid(record, packed.path))
        characteristics = _el(obj, "objectCharacteristics")
        _el(characteristics, "compositionLevel", 0)
        fixity = _el(characteristics, "fixity")
        _el(fixity, "messageDigestAlgorithm", "SHA-256")
        _el(fixity, "messageDigest", packed.sha256)
        _el(characteristics, "size", packed.size)
        fmt = _el(characteristics, "format")
        designation = _el(fmt, "formatDesignation")
        _el(designation, "formatName", packed.format.name if packed.format else packed.mime)
        if packed.format and packed.format.version:
            _el(designation, "formatVersion", packed.format.version)
        if packed.format and packed.format.puid:
            registry = _el(fmt, "formatRegistry")
            _el(registry, "formatRegistryName", "PRONOM")
            _el(registry, "formatRegistryKey", packed.format.puid)
        storage = _el(obj, "storage")
        location = _el(storage, "contentLocation")
        _el(location, "contentLocationType", "relative path")
        _el(location, "contentLocationValue", packed.path.removeprefix(representation_dir(name) + "/"))
        key = entry.file.key
        if name == PRESERVATION and entry.outcome == CONVERTED:
            relationship = _el(obj, "relationship")
            _el(relationship, "relationshipType", "derivation")
            _el(relationship, "relationshipSubType", "has source")
            _identifier(relationship, "relatedObjectIdentifier", "UUID", file_uuid(record, entry.original.path))
            _identifier(relationship, "relatedEventIdentifier", "UUID", _event_uuid(record, f"migration {key}"))
        if entry.outcome == CONVERTED:
            _identifier(obj, "linkingEventIdentifier", "UUID", _event_uuid(record, f"migration {key}"))
        elif entry.outcome == NOT_CONVERTED:
            _identifier(obj, "linkingEventIdentifier", "UUID", _event_uuid(record, f"identification {key}"))
    return _serialise(root)


def package_premis(record: CaseRecord, entries: list[FileEntry], representations: list[str], *,
                   software: str, software_version: str) -> bytes:
    """The package's PREMIS file: representations, events and agents."""
    root = _root()
    for name in representations:
        obj = etree.SubElement(root, f"{_P}object")
        obj.set(f"{{{XSI_NS}}}type", "premis:representation")
        _identifier(obj, "objectIdentifier", "UUID", _representation_uuid(record, name))
        storage = _el(obj, "storage")
        location = _el(storage, "contentLocation")
        _el(location, "contentLocationType", "relative path")
        _el(location, "contentLocationValue", representation_dir(name))
        if name == PRESERVATION:
            relationship = _el(obj, "relationship")
            _el(relationship, "relationshipType", "derivation")
            _el(relationship, "relationshipSubType", "has source")
            _identifier(relationship, "relatedObjectIdentifier", "UUID", _representation_uuid(record, ORIGINAL))
        _identifier(obj, "linkingEventIdentifier", "UUID", _event_uuid(record, "export"))
    organisation = record.organisation
    organisation_id = ("organisationsnummer", organisation.org_number) if organisation.org_number else (
        "local", organisation.slug)
    software_id = ("local", f"{software.lower()}-{software_version}")
    when = timestamp(record.created)

    event = _el(root, "event")
    _identifier(event, "eventIdentifier", "UUID", _event_uuid(record, "export"))
    _el(event, "eventType", "exporting")
    _el(event, "eventDateTime", when)
    _el(_el(event, "eventDetailInformation"), "eventDetail",
        "Ärendet exporterades som E-ARK SIP (FGS Paketstruktur 2.0) för överlämnande till e-arkivet.")
    _el(_el(event, "eventOutcomeInformation"), "eventOutcome", "success")
    _linking_agent(event, software_id, "executing program")
    _linking_agent(event, organisation_id, "submitter")
    for name in representations:
        linking = _identifier(event, "linkingObjectIdentifier", "UUID", _representation_uuid(record, name))
        _el(linking, "linkingObjectRole", "outcome")

    converters = {}
    for entry in entries:
        key = entry.file.key
        if entry.outcome == CONVERTED:
            tool_id = ("local", _tool_key(entry.tool))
            converters[tool_id] = entry
            event = _el(root, "event")
            _identifier(event, "eventIdentifier", "UUID", _event_uuid(record, f"migration {key}"))
            _el(event, "eventType", "migration")
            _el(event, "eventDateTime", when)
            _el(_el(event, "eventDetailInformation"), "eventDetail",
                f"Omvandlad från {entry.original.format.name if entry.original.format else entry.original.mime} "
                f"till {entry.archival.format.name if entry.archival.format else entry.archival.mime}.")
            outcome = _el(event, "eventOutcomeInformation")
            _el(outcome, "eventOutcome", "success")
            _el(_el(outcome, "eventOutcomeDetail"), "eventOutcomeDetailNote", entry.note)
            _linking_agent(event, tool_id, "executing program")
            source = _identifier(event, "linkingObjectIdentifier", "UUID", file_uuid(record, entry.original.path))
            _el(source, "linkingObjectRole", "source")
            result = _identifier(event, "linkingObjectIdentifier", "UUID", file_uuid(record, entry.archival.path))
            _el(result, "linkingObjectRole", "outcome")
        elif entry.outcome == NOT_CONVERTED:
            event = _el(root, "event")
            _identifier(event, "eventIdentifier", "UUID", _event_uuid(record, f"identification {key}"))
            _el(event, "eventType", "format identification")
            _el(event, "eventDateTime", when)
            _el(_el(event, "eventDetailInformation"), "eventDetail",
                f"Formatet är {entry.original.format.name if entry.original.format else entry.original.mime}.")
            outcome = _el(event, "eventOutcomeInformation")
            _el(outcome, "eventOutcome", "warning")
            _el(_el(outcome, "eventOutcomeDetail"), "eventOutcomeDetailNote",
                "Inget godkänt arkivformat och ingen konvertering finns: filen bevaras som den registrerades.")
            _linking_agent(event, software_id, "executing program")
            source = _identifier(event, "linkingObjectIdentifier", "UUID", file_uuid(record, entry.original.path))
            _el(source, "linkingObjectRole", "source")

    agent = _el(root, "agent")
    _identifier(agent, "agentIdentifier", *software_id)
    _el(agent, "agentName", software)
    _el(agent, "agentType", "software")
    _el(agent, "agentVersion", software_version)
    agent = _el(root, "agent")
    _identifier(agent, "agentIdentifier", *organisation_id)
    _el(agent, "agentName", organisation.name)
    _el(agent, "agentType", "organization")
    for tool_id, entry in sorted(converters.items()):
        agent = _el(root, "agent")
        _identifier(agent, "agentIdentifier", *tool_id)
        _el(agent, "agentName", entry.tool)
        _el(agent, "agentType", "software")
        if entry.tool_version:
            _el(agent, "agentVersion", entry.tool_version)
    return _serialise(root)


def _tool_key(tool: str) -> str:
    return "".join(c for c in tool.lower() if c.isascii() and c.isalnum()) or "verktyg"


def _linking_agent(event, identifier: tuple[str, str], role: str) -> None:
    linking = _identifier(event, "linkingAgentIdentifier", *identifier)
    _el(linking, "linkingAgentRole", role)
