"""A case as a package describes it: the ERMS file (FGS Ärendehantering 2.0 /
CITS ERMS 2.1) read into plain values, for the import (reading.py opens and
checks the package, archive.services.importing writes the case).

Two sources, one shape (CaseData):

- **A package from Diarium** carries Diarium's extension
  (`additionalInformation/additionalXMLData/diarium:*`, erms.py) with the
  exact values a round trip needs: organ, series, year and running number,
  times to the second, every file's position, version, SHA-256 and outcome,
  the decisions' texts, the remiss rounds with every recipient and deadline,
  and every event with its data. Those are read, and nothing else is guessed.
- **A package from another system** has ERMS's own elements only. What is
  read from them (foreign.py) is listed in docs/ARCHIVE.md ("From another
  system"); what ERMS makes optional may be missing (a classification, agents, dates of documents,
  files), and what the register cannot do without (a diary number, a title,
  when the case was registered) is a problem that refuses the package.

Nothing here touches the database. Every problem is collected, in Swedish,
so a package is refused with all of them at once."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

ERMS_NS = "https://DILCIS.eu/XML/ERMS"
EXTENSION_NS = "urn:x-diarium:erms-extension:1"
PREMIS_NS = "http://www.loc.gov/premis/v3"
_E = f"{{{ERMS_NS}}}"
_D = f"{{{EXTENSION_NS}}}"
_P = f"{{{PREMIS_NS}}}"

DIARIUM, FOREIGN = "diarium", "erms"  # CaseData.source


# --- what a package says ----------------------------------------------------------------------
@dataclass
class FileData:
    """One version of one file of a document, and where it lies in the package."""

    position: int
    version: int
    filename: str
    created_at: dt.datetime
    sha256: str  # of the file as registered (the original); "" when the package does not say
    size: int
    content_type: str
    outcome: str  # kept, converted, not_converted or disposed (layout.py); "" from another system
    original: str  # path in the package, "" when disposed of
    archival: str  # path of the archival form ("" when there is none)
    archival_mime: str = ""  # its format (ERMS appendix/@fileFormat)
    ocr_of: str = ""  # the key of the version this one gives a text layer
    tool: str = ""  # the conversion to the archival form (PREMIS), for a converted file
    tool_version: str = ""
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.position}-{self.version}"


@dataclass
class DocumentData:
    number: int
    direction: str
    document_date: dt.date
    registered_at: dt.datetime
    description: str
    public_description: str | None  # what the public saw, where the package says (ERMS otherTitle)
    counterpart: str = ""
    counterpart_kind: str = "auto"
    counterpart_private: bool | None = None  # None: decided here (registry.access.party_is_private)
    document_type: str = ""
    received_via: str = ""
    secret: bool = False
    secrecy_ground: str = ""
    masked_fields: list[str] = field(default_factory=list)
    secrecy_marked_at: dt.datetime | None = None
    files: list[FileData] = field(default_factory=list)


@dataclass
class DecisionData:
    organ: str
    organ_name: str
    meeting_date: dt.date
    year: int
    paragraph: int
    outcome: str
    status: str
    recorded_at: dt.datetime
    title: str
    text: str


@dataclass
class DelegationData:
    organ: str
    organ_name: str
    point: str
    decided_on: dt.date
    decided_by: str
    document: int | None
    summary: str


@dataclass
class DeadlineData:
    deadline: dt.date
    set_at: dt.datetime
    set_by: str
    reason: str
    decision: str


@dataclass
class RecipientData:
    name: str
    position: int
    organ: str
    kind: str
    private: bool
    deadline: dt.date
    dispatch: str
    sent_at: dt.datetime | None
    outgoing_document: int | None
    answered_at: dt.datetime | None
    answer_document: int | None
    declined: bool
    late: bool
    answer_decision: str
    answered_by: str
    consideration: str
    answer_text: str
    summary: str
    consideration_comment: str
    deadlines: list[DeadlineData] = field(default_factory=list)


@dataclass
class RoundData:
    title: str
    letter: str
    status: str
    deadline: dt.date
    ordered_by: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    closed_at: dt.datetime | None
    compilation: int | None
    recipients: list[RecipientData] = field(default_factory=list)


@dataclass
class LinkData:
    other: str  # the other case's diary number
    kind: str  # CaseLink.Kind
    outgoing: bool  # this case is the link's start
    created_at: dt.datetime | None


@dataclass
class EventData:
    kind: str
    at: dt.datetime
    actor: str
    document: int | None
    data: dict


@dataclass
class ClassificationData:
    code: str
    title: str
    level: str


@dataclass
class CaseData:
    """Everything the import writes of one case (see the module's docstring)."""

    source: str  # DIARIUM or FOREIGN
    organisation_slug: str
    organisation_name: str
    organisation_number: str
    diary_number: str
    organ: str
    organ_name: str
    series: str
    series_name: str
    year: int
    seq: int
    status: str
    registered_at: dt.datetime
    closed_at: dt.datetime | None
    title: str
    public_title: str | None  # what the public saw, where it differs from the title
    protection: dict | None  # {"shown", "ground"}: a protected title (OSL 5 kap. 2 §)
    description: str
    case_officer: str = ""
    case_officer_title: str = ""
    classification: list[ClassificationData] = field(default_factory=list)  # from the top level to the process
    documents: list[DocumentData] = field(default_factory=list)
    decisions: list[DecisionData] = field(default_factory=list)
    delegation_decisions: list[DelegationData] = field(default_factory=list)
    rounds: list[RoundData] = field(default_factory=list)
    links: list[LinkData] = field(default_factory=list)
    events: list[EventData] = field(default_factory=list)


class Problems:
    """The problems found while reading, each with where it was found."""

    def __init__(self, where: str):
        self.where = where
        self.messages: list[tuple[str, str]] = []

    def add(self, location: str, message: str) -> None:
        self.messages.append((location, message))


# --- values ---------------------------------------------------------------------------------
def _datetime(value: str | None, problems: Problems, where: str, *, required: bool = True) -> dt.datetime | None:
    """An xs:dateTime (or a date, taken as its midnight), made aware in the
    local time zone when it carries no offset."""
    value = (value or "").strip()
    if not value:
        if required:
            problems.add(where, _("Tid saknas."))
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.add(where, _("%(value)s är ingen tidpunkt (ÅÅÅÅ-MM-DDTtt:mm:ss).") % {"value": value})
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _date(value: str | None, problems: Problems, where: str, *, required: bool = True) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        if required:
            problems.add(where, _("Datum saknas."))
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        problems.add(where, _("%(value)s är inget datum (ÅÅÅÅ-MM-DD).") % {"value": value})
        return None


def _int(value: str | None, problems: Problems, where: str, *, required: bool = True) -> int | None:
    value = (value or "").strip()
    if not value:
        if required:
            problems.add(where, _("Ett heltal saknas."))
        return None
    if not value.isdigit():
        problems.add(where, _("%(value)s är inget heltal.") % {"value": value})
        return None
    return int(value)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1")


def _text(element, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "") if found is not None else ""


def _attr(element, name: str) -> str:
    return element.get(name, "") if element is not None else ""


# --- PREMIS: how a file got its archival form --------------------------------------------------
@dataclass(frozen=True)
class Conversion:
    tool: str
    tool_version: str
    note: str


def premis_conversions(package_premis: etree._ElementTree | None,
                       representation_premis: etree._ElementTree | None) -> dict[str, Conversion]:
    """The conversions a package's PREMIS records (its migration events), by
    the path of the outcome inside its representation ("data/3/1-v1.pdf")."""
    if package_premis is None or representation_premis is None:
        return {}
    paths = {}
    for obj in representation_premis.getroot().iter(f"{_P}object"):
        uuid = obj.findtext(f"{_P}objectIdentifier/{_P}objectIdentifierValue")
        place = obj.findtext(f"{_P}storage/{_P}contentLocation/{_P}contentLocationValue")
        if uuid and place:
            paths[uuid] = place
    agents = {}
    for agent in package_premis.getroot().iter(f"{_P}agent"):
        key = agent.findtext(f"{_P}agentIdentifier/{_P}agentIdentifierValue")
        agents[key] = (agent.findtext(f"{_P}agentName") or "", agent.findtext(f"{_P}agentVersion") or "")
    conversions = {}
    for event in package_premis.getroot().iter(f"{_P}event"):
        if (event.findtext(f"{_P}eventType") or "").strip() != "migration":
            continue
        tool = ("", "")
        for linking in event.iter(f"{_P}linkingAgentIdentifier"):
            tool = agents.get(linking.findtext(f"{_P}linkingAgentIdentifierValue"), tool)
        note = event.findtext(f"{_P}eventOutcomeInformation/{_P}eventOutcomeDetail/{_P}eventOutcomeDetailNote") or ""
        for linking in event.iter(f"{_P}linkingObjectIdentifier"):
            if (linking.findtext(f"{_P}linkingObjectRole") or "") == "outcome":
                path = paths.get(linking.findtext(f"{_P}linkingObjectIdentifierValue") or "")
                if path:
                    conversions[path] = Conversion(tool=tool[0], tool_version=tool[1], note=note)
    return conversions


# --- ERMS ---------------------------------------------------------------------------------------
def case_from_erms(tree: etree._ElementTree, *, problems: Problems, conversions: dict[str, Conversion] | None = None,
                   agency: tuple[str, str] = ("", "")) -> CaseData | None:
    """The case an ERMS file describes (its first case file), or None with
    the reasons in `problems`. `conversions` are the package's PREMIS
    conversions (premis_conversions), by path inside the preservation
    representation; `agency` the organisation's name and number where METS
    names them."""
    root = tree.getroot()
    aggregation = root.find(f"{_E}aggregations/{_E}aggregation[@aggregationType='caseFile']")
    if aggregation is None:
        aggregation = root.find(f"{_E}aggregations/{_E}aggregation")
    if aggregation is None:
        problems.add("erms", _("ERMS-filen beskriver inget ärende (aggregation)."))
        return None
    extension = aggregation.find(f"{_E}additionalInformation/{_E}additionalXMLData/{_D}case")
    if extension is not None:
        return _diarium_case(root, aggregation, extension, problems, conversions or {})
    from .foreign import foreign_case

    return foreign_case(root, aggregation, problems, conversions or {}, agency)


def protection_read(aggregation) -> dict | None:
    restriction = aggregation.find(f"{_E}restriction[@restrictionType='confidential']")
    if restriction is None:
        return None
    text = _text(restriction, f"{_E}explanatoryText")
    marker = "Allmänheten ser: "
    shown = text.split(marker, 1)[1] if marker in text else _text(aggregation, f"{_E}otherTitle")
    ground = _text(restriction, f"{_E}regulation")
    return {"shown": shown, "ground": "" if ground == "Ej angiven" else ground}


def public_title_read(aggregation, title: str) -> str | None:
    other = aggregation.find(f"{_E}otherTitle[@titleType='offentlig ärendemening']")
    return other.text or "" if other is not None else None


def _diarium_case(root, aggregation, x, problems: Problems, conversions: dict[str, Conversion]) -> CaseData:
    where = "erms diarium:case"
    officer = x.find(f"{_D}caseOfficer")
    case = CaseData(
        source=DIARIUM,
        organisation_slug=x.get("organisation", ""), organisation_name=x.get("organisationName", ""),
        organisation_number=x.get("organisationNumber", ""),
        diary_number=_text(aggregation, f"{_E}objectId"),
        organ=x.get("organ", ""), organ_name=x.get("organName", ""),
        series=x.get("series", ""), series_name=x.get("seriesName", ""),
        year=_int(x.get("year"), problems, f"{where} @year") or 0,
        seq=_int(x.get("seq"), problems, f"{where} @seq") or 0,
        status=x.get("status", "open"),
        registered_at=_datetime(x.get("registeredAt"), problems, f"{where} @registeredAt"),
        closed_at=_datetime(x.get("closedAt"), problems, f"{where} @closedAt", required=False),
        title=_text(x, f"{_D}title"),
        public_title=public_title_read(aggregation, _text(x, f"{_D}title")),
        protection=protection_read(aggregation),
        description=_text(x, f"{_D}description"),
        case_officer=(officer.text or "") if officer is not None else "",
        case_officer_title=officer.get("title", "") if officer is not None else "",
        classification=[ClassificationData(code=c.get("code", ""), title=c.text or "", level=c.get("level", ""))
                        for c in x.findall(f"{_D}classification")],
    )
    for name in ("organisation_slug", "organ", "series", "diary_number", "title"):
        if not getattr(case, name):
            problems.add(where, _("Värdet %(name)s saknas.") % {"name": name})
    for i, d in enumerate(x.findall(f"{_D}decision"), start=1):
        w = f"{where} decision {i}"
        case.decisions.append(DecisionData(
            organ=d.get("organ", ""), organ_name=d.get("organName", ""),
            meeting_date=_date(d.get("meetingDate"), problems, w), year=_int(d.get("year"), problems, w) or 0,
            paragraph=_int(d.get("paragraph"), problems, w) or 0, outcome=d.get("outcome", "adopted"),
            status=d.get("status", "effective"), recorded_at=_datetime(d.get("recordedAt"), problems, w),
            title=_text(d, f"{_D}title"), text=_text(d, f"{_D}text")))
    delegation_units = [_text(a, f"{_E}agents/{_E}agent/{_E}unitName")
                        for a in aggregation.findall(f"{_E}action") if _text(a, f"{_E}actionType") == "delegationsbeslut"]
    for i, d in enumerate(x.findall(f"{_D}delegationDecision"), start=1):
        w = f"{where} delegationDecision {i}"
        case.delegation_decisions.append(DelegationData(
            organ=d.get("organ", ""), organ_name=delegation_units[i - 1] if i <= len(delegation_units) else "",
            point=d.get("point", ""), decided_on=_date(d.get("decidedOn"), problems, w),
            decided_by=d.get("decidedBy", ""), document=_int(d.get("document"), problems, w, required=False),
            summary=_text(d, f"{_D}summary")))
    for i, r in enumerate(x.findall(f"{_D}remiss"), start=1):
        w = f"{where} remiss {i}"
        round_ = RoundData(
            title=_text(r, f"{_D}title"), letter=_text(r, f"{_D}letter"), status=r.get("status", "sent"),
            deadline=_date(r.get("deadline"), problems, w), ordered_by=r.get("orderedBy", ""),
            created_at=_datetime(r.get("createdAt"), problems, w),
            sent_at=_datetime(r.get("sentAt"), problems, w, required=False),
            closed_at=_datetime(r.get("closedAt"), problems, w, required=False),
            compilation=_int(r.get("compilation"), problems, w, required=False))
        for e in r.findall(f"{_D}recipient"):
            w2 = f"{w} recipient {e.get('position', '?')}"
            round_.recipients.append(RecipientData(
                name=e.get("name", ""), position=_int(e.get("position"), problems, w2) or 0,
                organ=e.get("organ", ""), kind=e.get("kind", "auto"), private=_flag(e.get("private")),
                deadline=_date(e.get("deadline"), problems, w2), dispatch=e.get("dispatch", "pending"),
                sent_at=_datetime(e.get("sentAt"), problems, w2, required=False),
                outgoing_document=_int(e.get("outgoingDocument"), problems, w2, required=False),
                answered_at=_datetime(e.get("answeredAt"), problems, w2, required=False),
                answer_document=_int(e.get("answerDocument"), problems, w2, required=False),
                declined=_flag(e.get("declined")), late=_flag(e.get("late")),
                answer_decision=e.get("answerDecision", ""), answered_by=e.get("answeredBy", ""),
                consideration=e.get("consideration", ""), answer_text=_text(e, f"{_D}answerText"),
                summary=_text(e, f"{_D}summary"), consideration_comment=_text(e, f"{_D}considerationComment"),
                deadlines=[DeadlineData(deadline=_date(g.get("deadline"), problems, w2),
                                        set_at=_datetime(g.get("setAt"), problems, w2), set_by=g.get("setBy", ""),
                                        reason=g.text or "", decision=g.get("decision", ""))
                           for g in e.findall(f"{_D}deadline")]))
        case.rounds.append(round_)
    for link in x.findall(f"{_D}link"):
        case.links.append(LinkData(other=link.text or "", kind=link.get("kind", "related"),
                                   outgoing=link.get("direction") == "from",
                                   created_at=_datetime(link.get("createdAt"), problems, f"{where} link")))
    for i, e in enumerate(x.findall(f"{_D}event"), start=1):
        w = f"{where} event {i}"
        try:
            data = json.loads(e.text) if (e.text or "").strip() else {}
        except ValueError:
            problems.add(w, _("Händelsens data är inte JSON."))
            data = {}
        case.events.append(EventData(kind=e.get("kind", ""), at=_datetime(e.get("at"), problems, w),
                                     actor=e.get("actor", ""),
                                     document=_int(e.get("document"), problems, w, required=False),
                                     data=data if isinstance(data, dict) else {"value": data}))
    for record in aggregation.findall(f"{_E}record"):
        document = _diarium_document(record, problems, conversions)
        if document is not None:
            case.documents.append(document)
    return case


def _diarium_document(record, problems: Problems, conversions: dict[str, Conversion]) -> DocumentData | None:
    x = record.find(f"{_E}additionalInformation/{_E}additionalXMLData/{_D}document")
    where = f"erms record {_text(record, f'{_E}runningNumber') or '?'}"
    if x is None:
        problems.add(where, _("Handlingen saknar Diariums tillägg (diarium:document), som resten av paketet har."))
        return None
    other = record.find(f"{_E}otherTitle[@titleType='offentlig beskrivning']")
    counterpart = x.find(f"{_D}counterpart")
    document = DocumentData(
        number=_int(x.get("number"), problems, where) or 0, direction=x.get("direction", ""),
        document_date=_date(x.get("documentDate"), problems, where),
        registered_at=_datetime(x.get("registeredAt"), problems, where),
        description=_text(x, f"{_D}description"),
        public_description=(other.text or "") if other is not None else None,
        counterpart=(counterpart.text or "") if counterpart is not None else "",
        counterpart_kind=x.get("counterpartKind", "auto"), counterpart_private=_flag(x.get("counterpartPrivate")),
        document_type=x.get("documentType", ""), received_via=x.get("receivedVia", ""),
        secret=_flag(x.get("secret")), secrecy_ground=x.get("secrecyGround", ""),
        masked_fields=[f for f in x.get("maskedFields", "").split() if f],
        secrecy_marked_at=_datetime(x.get("secrecyMarkedAt"), problems, where, required=False))
    formats = {a.get("path", ""): a.get("fileFormat", "") for a in record.findall(
        f"{_E}additionalInformation/{_E}appendix")}
    for f in x.findall(f"{_D}file"):
        w = f"{where} fil {f.get('position', '?')}-{f.get('version', '?')}"
        archival = f.get("archival", "")
        conversion = conversions.get(PurePosixPath(archival).relative_to("representations/preservation").as_posix()
                                     if archival.startswith("representations/preservation/") else "")
        document.files.append(FileData(
            position=_int(f.get("position"), problems, w) or 0, version=_int(f.get("version"), problems, w) or 0,
            filename=f.text or "", created_at=_datetime(f.get("createdAt"), problems, w),
            sha256=(f.get("sha256") or "").lower(), size=_int(f.get("size"), problems, w) or 0,
            content_type=f.get("contentType", "application/octet-stream"), outcome=f.get("outcome", ""),
            original=f.get("original", ""), archival=archival, archival_mime=formats.get(archival, ""),
            ocr_of=f.get("ocrOf", ""),
            tool=conversion.tool if conversion else "", tool_version=conversion.tool_version if conversion else "",
            note=conversion.note if conversion else ""))
    return document
