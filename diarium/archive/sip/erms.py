"""The case as FGS Ärendehantering 2.0: CITS ERMS 2.1 (ERMS.xsd 2.1.2), the
descriptive metadata of a package (metadata/descriptive/erms.xml).

The case is one `aggregation` (caseFile) and each document one `record` in
it; both use ERMS's own elements wherever ERMS has one:
- case: diary number (objectId), series (extraId), classification, title and
  its public form (otherTitle), status, links to other cases (relation), a
  protected title's ground (restriction), the organ that owns it (creator)
  and the case officer (responsible_person), description, dates;
- its history as `action`s: every event (kind, what, who, when), every
  decision (organ, meeting date, §), every delegation decision and every
  remiss round with its recipients;
- document: reference (objectId), number (runningNumber), type (recordType),
  description (title), secrecy mark and legal ground (restriction
  "confidential", with the fields masked for the public), a private
  person's name (restriction "gdpr"), direction, sender or recipient,
  dates, and its files (appendix, pointing into the representations).

What ERMS has no element for, or not exactly, is in Diarium's own namespace
(EXTENSION_NS) inside `additionalInformation/additionalXMLData`, which ERMS
leaves open: the remiss answers, the decisions' texts, the events' data and
the exact values a round trip needs (numbers, dates, kinds, checksums).
The secrecy rules of what goes here are in record.py's docstring."""

from __future__ import annotations

import json

from lxml import etree

from diarium.registry import access as registry_access
from diarium.registry import masking
from diarium.registry.models import CaseLink, Document

from .layout import FileEntry, timestamp
from .record import CaseRecord, DocumentRecord, full

ERMS_NS = "https://DILCIS.eu/XML/ERMS"
EXTENSION_NS = "urn:x-diarium:erms-extension:1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ERMS_VERSION = "2.1.2"

_E = f"{{{ERMS_NS}}}"
_D = f"{{{EXTENSION_NS}}}"

DIRECTIONS = {  # Document.Direction → (ERMS directionDefinition, otherDirectionDefinition)
    Document.Direction.INCOMING: ("incoming", ""),
    Document.Direction.OUTGOING: ("outgoing", ""),
    Document.Direction.DRAWN_UP: ("other", "drawn_up"),
    Document.Direction.INTERNAL: ("other", "internal"),
}
COUNTERPART_AGENT = {Document.Direction.INCOMING: "sender", Document.Direction.OUTGOING: "recipient"}
DOCUMENT_DATE_TYPE = {Document.Direction.INCOMING: "received", Document.Direction.OUTGOING: "sent"}
LINKS_FROM = {  # CaseLink.Kind → ERMS relationType, seen from the case the link starts at…
    CaseLink.Kind.BELONGS_TO: ("part_of", ""), CaseLink.Kind.REPLACES: ("replaces", ""),
    CaseLink.Kind.FOLLOWS: ("own_relation_definition", "follows"), CaseLink.Kind.RELATED: ("reference", ""),
}
LINKS_TO = {  # … and from the other end
    CaseLink.Kind.BELONGS_TO: ("contains", ""), CaseLink.Kind.REPLACES: ("is_replaced_with", ""),
    CaseLink.Kind.FOLLOWS: ("own_relation_definition", "followed_by"), CaseLink.Kind.RELATED: ("referenced_by", ""),
}


def _el(parent, tag: str, text: str | None = None, ns: str = _E, **attrs) -> etree._Element:
    element = etree.SubElement(parent, f"{ns}{tag}", {k: str(v) for k, v in attrs.items() if v not in (None, "")})
    if text not in (None, ""):
        element.text = str(text)
    return element


def _x(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    """An element of Diarium's extension; empty attributes are left out."""
    return _el(parent, tag, text, ns=_D, **attrs)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _agent(parent, agent_type: str, name: str, *, organisation: str = "", unit: str = "", id_number: str = "",
           id_type: str = "", role: str = "", tag: str = "agent") -> None:
    agent = _el(parent, tag, agentType=agent_type)
    _el(agent, "name", name)
    if organisation:
        _el(agent, "organisation", organisation)
    if unit:
        _el(agent, "unitName", unit)
    if id_number:
        _el(agent, "idNumber", id_number, idNumberType=id_type)
    if role:
        _el(agent, "role", role)


def erms_document(record: CaseRecord, files: dict[str, FileEntry], *, software: str) -> bytes:
    """The ERMS XML of a case (UTF-8 bytes, always the same for the same case)."""
    root = etree.Element(f"{_E}erms", nsmap={None: ERMS_NS, "xsi": XSI_NS, "diarium": EXTENSION_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{ERMS_NS} ../../schemas/ERMS.xsd")
    _control(root, record, software=software)
    aggregations = _el(root, "aggregations")
    _aggregation(aggregations, record, files)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _control(root, record: CaseRecord, *, software: str) -> None:
    organisation = record.organisation
    control = _el(root, "control")
    _el(control, "identification", f"urn:uuid:{record.uuid}", identificationType="UUID")
    if record.classification_path:
        schema = _el(control, "classificationSchema")
        text = _el(schema, "textualDescriptionOfClassificationSchema")
        _el(text, "p", "Organisationens klassificeringsstruktur (verksamhetsbaserad informationsklassificering): "
            + " → ".join(f"{c.code} {c.title}" for c in record.classification_path))
    maintenance = _el(control, "maintenanceInformation")
    _el(maintenance, "maintenanceStatus", value="new")
    agency = _el(maintenance, "maintenanceAgency")
    if organisation.org_number:
        _el(agency, "agencyCode", organisation.org_number, type="organisationsnummer")
    _el(agency, "agencyName", organisation.name)
    history = _el(maintenance, "maintenanceHistory")
    event = _el(history, "maintenanceEvent")
    _el(event, "eventType", value="created")
    _el(event, "eventDateTime", timestamp(record.created))
    agent = _el(event, "agent", agentType="creator")
    _el(agent, "name", software)


def _aggregation(parent, record: CaseRecord, files: dict[str, FileEntry]) -> None:
    case = record.case
    aggregation = _el(parent, "aggregation", systemIdentifier=str(record.uuid), aggregationType="caseFile")
    _el(aggregation, "objectId", case.diary_number)
    _el(aggregation, "extraId", case.series.code, extraIdType="diarieserie")
    if record.classification_path:
        process = record.classification_path[-1]
        qualified = "/".join(c.code for c in record.classification_path)
        _el(aggregation, "classification", process.title, classificationCode=process.code,
            fullyQualifiedClassificationCode=qualified if len(record.classification_path) > 1 else "")
    _el(aggregation, "title", record.title)
    if record.public_title != record.title:
        _el(aggregation, "otherTitle", record.public_title, titleType="offentlig ärendemening")
    _el(aggregation, "status", value="closed" if case.status == case.Status.CLOSED else "open")
    for link in record.links:
        outgoing = link.case_id == case.pk
        relation_type, other_type = (LINKS_FROM if outgoing else LINKS_TO)[link.kind]
        other = link.other if outgoing else link.case
        _el(aggregation, "relation", other.diary_number, relationType=relation_type, otherRelationType=other_type)
    _case_extension(_el(_el(aggregation, "additionalInformation"), "additionalXMLData"), record)
    if record.protection:
        restriction = _el(aggregation, "restriction", restrictionType="confidential")
        _el(restriction, "explanatoryText", "Ärendemeningen är skyddad. Allmänheten ser: "
            + str(record.protection.get("shown", "")))
        _el(restriction, "regulation", record.protection.get("ground") or "Ej angiven")
    agents = _el(aggregation, "agents")
    _agent(agents, "creator", case.organ.name, organisation=record.organisation.name, id_number=case.organ.code,
           id_type="organ")
    if case.case_officer is not None:
        _agent(agents, "responsible_person", case.case_officer.name, organisation=record.organisation.name,
               unit=case.organ.name, role=case.case_officer.title)
    if record.description:
        _el(aggregation, "description", record.description)
    dates = _el(aggregation, "dates")
    _el(dates, "date", timestamp(case.registered_at), dateType="created")
    if case.closed_at:
        _el(dates, "date", timestamp(case.closed_at), dateType="closed")
    _el(dates, "date", timestamp(record.created), dateType="last_addition_timestamp")
    for decision in record.decisions:
        action = _el(aggregation, "action")
        _el(action, "actionText", f"{decision.organ.code} {decision.meeting.date:%Y-%m-%d} § {decision.paragraph}: "
            f"{full(decision, 'title')} ({decision.get_outcome_display()})")
        _el(action, "actionType", "beslut")
        _el(_el(action, "dates"), "actionDate", timestamp(decision.meeting.date), dateType="decision")
        _agent(_el(action, "agents"), "authorising_person", decision.organ.name,
               organisation=record.organisation.name, id_number=decision.organ.code, id_type="organ")
    for delegated in record.delegation_decisions:
        action = _el(aggregation, "action")
        _el(action, "actionText", f"Delegationsbeslut {delegated.point}: {full(delegated, 'summary')}")
        _el(action, "actionType", "delegationsbeslut")
        _el(_el(action, "dates"), "actionDate", timestamp(delegated.decided_on), dateType="decision")
        _agent(_el(action, "agents"), "authorising_person", delegated.decided_by.name,
               organisation=record.organisation.name, unit=delegated.organ.name)
    for item in record.rounds:
        action = _el(aggregation, "action")
        _el(action, "actionText", f"Remiss: {item.title}")
        _el(action, "actionDue", item.round.deadline.isoformat())
        _el(action, "actionType", "remiss")
        if item.round.sent_at:
            _el(_el(action, "dates"), "actionDate", timestamp(item.round.sent_at), dateType="sent")
        if item.recipients:
            agents = _el(action, "agents")
            for recipient in item.recipients:
                _agent(agents, "recipient", recipient.name)
    for entry in record.history:
        action = _el(aggregation, "action")
        text = entry.label + (f": {entry.details}" if entry.details else "")
        if entry.document_number:
            text += f" (handling {entry.document_number})"
        _el(action, "actionText", text)
        _el(action, "actionType", entry.kind)
        _el(_el(action, "dates"), "actionDate", timestamp(entry.at), dateType="other", otherDateType="händelse")
        if entry.actor_name:
            _agent(_el(action, "agents"), "user", entry.actor_name)
    for document in record.documents:
        _record(aggregation, record, document, files)


def _record(parent, record: CaseRecord, item: DocumentRecord, files: dict[str, FileEntry]) -> None:
    document = item.document
    element = _el(parent, "record", systemIdentifier=str(_document_uuid(record, document.number)),
                  recordType=document.document_type.name if document.document_type_id else "",
                  recordPhysicalOrDigital="digitial" if item.files else "does_not_apply")
    _el(element, "objectId", f"{record.case.diary_number}-{document.number}")
    _el(element, "title", item.description)
    public = masking.shown_text(document.description, registry_access.mask_reason(
        document, "description", read_secret=False, read_internal=False))
    if public != item.description:
        _el(element, "otherTitle", public, titleType="offentlig beskrivning")
    _el(element, "runningNumber", document.number)
    if document.is_secret:
        restriction = _el(element, "restriction", restrictionType="confidential")
        masked = [str(Document.MASKABLE_FIELDS[f]) for f in document.masked_fields if f in Document.MASKABLE_FIELDS]
        _el(restriction, "explanatoryText", "Sekretessmarkerad handling." + (
            f" Maskeras för allmänheten: {', '.join(masked)}." if masked else ""))
        _el(restriction, "regulation", document.secrecy_ground or "Ej angiven")
        if document.secrecy_marked_at:
            _el(_el(restriction, "dates"), "date", timestamp(document.secrecy_marked_at),
                dateType="confidentiality_assessed")
    if document.counterpart and document.counterpart_is_private:
        restriction = _el(element, "restriction", restrictionType="gdpr")
        _el(restriction, "explanatoryText", "Avsändaren/mottagaren är en privatperson: namnet visas inte för "
            "allmänheten.")
        _el(restriction, "regulation", "Dataskyddsförordningen (EU) 2016/679")
    definition, other = DIRECTIONS[document.direction]
    _el(element, "direction", document.get_direction_display(), directionDefinition=definition,
        otherDirectionDefinition=other)
    if document.counterpart:
        _agent(_el(element, "agents"), COUNTERPART_AGENT.get(document.direction, "counterpart"), document.counterpart)
    dates = _el(element, "dates")
    _el(dates, "date", timestamp(document.document_date), dateType=DOCUMENT_DATE_TYPE.get(document.direction,
                                                                                          "created"))
    _el(dates, "date", timestamp(document.registered_at), dateType="captured")
    info = _el(element, "additionalInformation")
    for file in item.files:
        entry = files[file.key]
        f = file.file
        label = f"Fil {f.position}, version {f.version}"
        if entry.original is not None:
            _el(info, "appendix", name=f.filename, description=f"{label}, som den registrerades",
                fileFormat=entry.original.mime, path=entry.original.path)
        if entry.archival is not None and entry.archival.path != (entry.original.path if entry.original else None):
            _el(info, "appendix", name=f.filename, description=f"{label}, i arkivformat",
                fileFormat=entry.archival.mime, originalFileFormat=entry.original.mime if entry.original else "",
                path=entry.archival.path)
    _document_extension(_el(info, "additionalXMLData"), item, files)


def _document_uuid(record: CaseRecord, number: int):
    import uuid

    return uuid.uuid5(record.uuid, f"document {number}")


# --- Diarium's extension: exact values for a round trip -------------------------------------
def _case_extension(parent, record: CaseRecord) -> None:
    case = record.case
    organisation = record.organisation
    element = _x(parent, "case", organisation=organisation.slug, organisationName=organisation.name,
                 organisationNumber=organisation.org_number, organ=case.organ.code, organName=case.organ.name,
                 series=case.series.code, seriesName=case.series.name, year=case.year, seq=case.seq,
                 status=case.status, registeredAt=timestamp(case.registered_at),
                 closedAt=timestamp(case.closed_at) if case.closed_at else "")
    if case.case_officer is not None:
        _x(element, "caseOfficer", case.case_officer.name, title=case.case_officer.title)
    for level in record.classification_path:
        _x(element, "classification", level.title, code=level.code, level=getattr(level, "level", ""))
    _x(element, "title", record.title)
    if record.description:
        _x(element, "description", record.description)
    for decision in record.decisions:
        d = _x(element, "decision", organ=decision.organ.code, organName=decision.organ.name,
               meetingDate=decision.meeting.date.isoformat(), year=decision.year, paragraph=decision.paragraph,
               outcome=decision.outcome, status=decision.status, recordedAt=timestamp(decision.recorded_at))
        _x(d, "title", full(decision, "title"))
        _x(d, "text", full(decision, "text"))
    for delegated in record.delegation_decisions:
        d = _x(element, "delegationDecision", organ=delegated.organ.code, point=delegated.point,
               decidedOn=delegated.decided_on.isoformat(), decidedBy=delegated.decided_by.name,
               document=delegated.document.number if delegated.document_id else "")
        _x(d, "summary", full(delegated, "summary"))
    for item in record.rounds:
        r = item.round
        round_element = _x(element, "remiss", status=r.status, deadline=r.deadline.isoformat(),
                           orderedBy=r.ordered_by, createdAt=timestamp(r.created_at),
                           sentAt=timestamp(r.sent_at) if r.sent_at else "",
                           closedAt=timestamp(r.closed_at) if r.closed_at else "",
                           compilation=r.compilation_document.number if r.compilation_document_id else "")
        _x(round_element, "title", item.title)
        _x(round_element, "letter", item.letter)
        for recipient in item.recipients:
            _recipient(round_element, recipient)
    for link in record.links:
        outgoing = link.case_id == case.pk
        _x(element, "link", (link.other if outgoing else link.case).diary_number, kind=link.kind,
           direction="from" if outgoing else "to", createdAt=timestamp(link.created_at))
    for event in record.events:
        _x(element, "event", json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else "",
           kind=event.kind, at=timestamp(event.at), actor=event.actor_name,
           document=event.document_number if event.document_number else "")


def _recipient(parent, recipient) -> None:
    element = _x(parent, "recipient", name=recipient.name, position=recipient.position,
                 organ=recipient.organ.code if recipient.organ_id else "", kind=recipient.kind,
                 private=_flag(recipient.is_private), deadline=recipient.deadline.isoformat(),
                 dispatch=recipient.dispatch, sentAt=timestamp(recipient.sent_at) if recipient.sent_at else "",
                 outgoingDocument=recipient.outgoing_document.number if recipient.outgoing_document_id else "",
                 answeredAt=timestamp(recipient.answered_at) if recipient.answered_at else "",
                 answerDocument=recipient.answer_document.number if recipient.answer_document_id else "",
                 declined=_flag(recipient.declined), late=_flag(recipient.late),
                 answerDecision=recipient.answer_decision, answeredBy=recipient.answered_by_name,
                 consideration=recipient.consideration)
    for name in ("answer_text", "summary", "consideration_comment"):
        value = getattr(recipient, name)
        if value:
            _x(element, _camel(name), value)
    for deadline in recipient.deadlines.all():
        _x(element, "deadline", deadline.reason, deadline=deadline.deadline.isoformat(),
           setAt=timestamp(deadline.set_at), setBy=deadline.set_by_name, decision=deadline.decision_ref)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _document_extension(parent, item: DocumentRecord, files: dict[str, FileEntry]) -> None:
    document = item.document
    element = _x(parent, "document", number=document.number, direction=document.direction,
                 documentDate=document.document_date.isoformat(), registeredAt=timestamp(document.registered_at),
                 counterpartKind=document.counterpart_kind, counterpartPrivate=_flag(document.counterpart_is_private),
                 documentType=document.document_type.name if document.document_type_id else "",
                 receivedVia=document.received_via, secret=_flag(document.is_secret),
                 secrecyGround=document.secrecy_ground, maskedFields=" ".join(document.masked_fields),
                 secrecyMarkedAt=timestamp(document.secrecy_marked_at) if document.secrecy_marked_at else "")
    if document.counterpart:
        _x(element, "counterpart", document.counterpart)
    _x(element, "description", item.description)
    for file in item.files:
        f = file.file
        entry = files[file.key]
        ocr_of = next((o.key for o in item.files if o.file.pk == f.ocr_of_id), "") if f.ocr_of_id else ""
        _x(element, "file", f.filename, position=f.position, version=f.version, createdAt=timestamp(f.created_at),
           sha256=f.blob.sha256, size=f.blob.size, contentType=f.blob.content_type, ocrOf=ocr_of,
           outcome=entry.outcome, original=entry.original.path if entry.original else "",
           archival=entry.archival.path if entry.archival else "")
