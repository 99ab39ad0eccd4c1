"""A case from a package made by another system: read from ERMS's own
elements only (no Diarium extension), leniently. What is read, element by
element, is listed in docs/ARCHIVE.md ("From another system"); what ERMS
makes optional may be missing, what the register cannot do without (a diary
number, a title, when the case was registered) is a problem."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath

from django.utils import timezone
from django.utils.translation import gettext as _

from .parsing import (
    _E, FOREIGN, CaseData, ClassificationData, Conversion, DecisionData, DocumentData, EventData, FileData, LinkData,
    Problems, _attr, _date, _datetime, _int, _text, protection_read, public_title_read,
)

# Document.Direction from ERMS's direction (directionDefinition, otherDirectionDefinition).
DIRECTIONS = {("incoming", ""): "incoming", ("outgoing", ""): "outgoing", ("other", "drawn_up"): "drawn_up",
              ("other", "internal"): "internal", ("internal", ""): "internal"}
# CaseLink.Kind from ERMS's relationType, seen from this case: (kind, this case is the link's start).
RELATIONS = {"part_of": ("belongs_to", True), "contains": ("belongs_to", False), "replaces": ("replaces", True),
             "is_replaced_with": ("replaces", False), "reference": ("related", True),
             "referenced_by": ("related", False), "follows": ("follows", True), "followed_by": ("follows", False)}
# A decision as Diarium writes it in an ERMS action: "KS 2018-10-08 § 12: Title (Bifall)".
DECISION_TEXT = re.compile(r"^(?P<organ>\S+) (?P<date>\d{4}-\d{2}-\d{2}) § (?P<paragraph>\d+): (?P<title>.*?)"
                           r"(?: \((?P<outcome>[^()]*)\))?$", re.S)
# A diary number's year and running number, however the series is written around them.
_DIARY_NUMBER = re.compile(r"(?P<year>(?:19|20)\d\d)\D{1,3}(?P<seq>\d+)")


def foreign_case(root, aggregation, problems: Problems, conversions: dict[str, Conversion],
                 agency: tuple[str, str]) -> CaseData | None:
    """The case an ERMS aggregation describes with ERMS's own elements."""
    from django.utils.text import slugify

    where = "erms aggregation"
    organisation_name = _text(root, f"{_E}control/{_E}maintenanceInformation/{_E}maintenanceAgency/{_E}agencyName") \
        or agency[0]
    organisation_number = _text(root, f"{_E}control/{_E}maintenanceInformation/{_E}maintenanceAgency/"
                                      f"{_E}agencyCode") or agency[1]
    diary_number = _text(aggregation, f"{_E}objectId").strip()
    title = _text(aggregation, f"{_E}title").strip()
    series = ""
    for extra in aggregation.findall(f"{_E}extraId"):
        if extra.get("extraIdType", "").lower() in ("diarieserie", "series"):
            series = (extra.text or "").strip()
    creator = aggregation.find(f"{_E}agents/{_E}agent[@agentType='creator']")
    organ_name = _text(creator, f"{_E}name").strip()
    organ = _text(creator, f"{_E}idNumber").strip() or series
    match = _DIARY_NUMBER.search(diary_number)
    if not series and match:
        rest = (diary_number[:match.start()] + " " + diary_number[match.end():]).strip(" .-/")
        series = rest.split()[0] if rest.split() else ""
    series = series or organ
    organ = organ or series
    dates = {d.get("dateType", ""): d.text for d in aggregation.findall(f"{_E}dates/{_E}date")}
    registered_at = _datetime(dates.get("created") or dates.get("opened"), problems, f"{where} dates/date[created]")
    if not organisation_name:
        problems.add("erms control", _("Paketet namnger ingen organisation (maintenanceAgency/agencyName)."))
    if not diary_number:
        problems.add(where, _("Ärendet saknar diarienummer (objectId)."))
    if not title:
        problems.add(where, _("Ärendet saknar ärendemening (title)."))
    if diary_number and not match:
        problems.add(where, _("Diarienumret %(number)s går inte att läsa som år och löpnummer.")
                     % {"number": diary_number})
    if not series:
        problems.add(where, _("Diarieserien framgår varken av extraId eller av diarienumret."))
    responsible = aggregation.find(f"{_E}agents/{_E}agent[@agentType='responsible_person']")
    status = (aggregation.find(f"{_E}status").get("value", "") if aggregation.find(f"{_E}status") is not None else "")
    classification = []
    element = aggregation.find(f"{_E}classification")
    if element is not None:
        code = element.get("classificationCode", "").strip()
        path = [c for c in element.get("fullyQualifiedClassificationCode", "").split("/") if c.strip()] or [code]
        levels = {1: ["process"], 2: ["area", "process"], 3: ["area", "process_group", "process"]}.get(len(path))
        titles = _scheme_titles(root)
        for i, part in enumerate(path):
            classification.append(ClassificationData(
                code=part.strip(), title=(element.text or "").strip() if part == code else titles.get(part, part),
                level=levels[i] if levels else "process"))
    case = CaseData(
        source=FOREIGN, organisation_slug=slugify(organisation_name)[:60], organisation_name=organisation_name,
        organisation_number=organisation_number, diary_number=diary_number, organ=organ[:20],
        organ_name=organ_name or organ, series=series[:20], series_name=organ_name or series,
        year=int(match.group("year")) if match else 0, seq=int(match.group("seq")) if match else 0,
        status="closed" if status.lower() in ("closed", "avslutat", "avslutad") else "open",
        registered_at=registered_at,
        closed_at=_datetime(dates.get("closed"), problems, f"{where} dates/date[closed]", required=False),
        title=title, public_title=public_title_read(aggregation, title), protection=protection_read(aggregation),
        description=_text(aggregation, f"{_E}description"),
        case_officer=_text(responsible, f"{_E}name").strip(), case_officer_title=_text(responsible, f"{_E}role"),
        classification=classification,
    )
    for relation in aggregation.findall(f"{_E}relation"):
        kind = RELATIONS.get(relation.get("relationType", "")) or RELATIONS.get(relation.get("otherRelationType", ""))
        if kind and (relation.text or "").strip():
            case.links.append(LinkData(other=relation.text.strip(), kind=kind[0], outgoing=kind[1], created_at=None))
    for i, action in enumerate(aggregation.findall(f"{_E}action"), start=1):
        _foreign_action(case, action, problems, f"{where} action {i}")
    for i, record in enumerate(aggregation.findall(f"{_E}record"), start=1):
        document = _foreign_document(record, i, problems, conversions, registered_at)
        if document is not None:
            case.documents.append(document)
    return case


def _scheme_titles(root) -> dict[str, str]:
    """Titles of the scheme's levels from the classification schema's text, as
    Diarium writes it ("1 Styrning → 1.2 Styrdokument → …"); {} otherwise."""
    text = _text(root, f"{_E}control/{_E}classificationSchema/{_E}textualDescriptionOfClassificationSchema/{_E}p")
    text = text.split(":", 1)[-1]
    titles = {}
    for part in text.split("→"):
        code, _sep, title = part.strip().partition(" ")
        if code and title:
            titles[code] = title.strip()
    return titles


def _foreign_action(case: CaseData, action, problems: Problems, where: str) -> None:
    """An ERMS action: a decision where it reads as Diarium writes one, and an
    event of the history in any case (its type, text, time and who)."""
    kind = _text(action, f"{_E}actionType").strip()
    text = _text(action, f"{_E}actionText").strip()
    date = None
    for element in action.findall(f"{_E}dates/{_E}actionDate"):
        date = date or _datetime(element.text, problems, where, required=False)
    if date is None:
        problems.add(where, _("Åtgärden %(text)s saknar datum (actionDate).") % {"text": text[:80]})
        return
    actor = _text(action, f"{_E}agents/{_E}agent/{_E}name").strip()
    case.events.append(EventData(kind="", at=date, actor=actor, document=None, data={"type": kind, "details": text}))
    match = DECISION_TEXT.match(text) if kind.lower() == "beslut" else None
    if match:
        authority = action.find(f"{_E}agents/{_E}agent[@agentType='authorising_person']")
        meeting_date = dt.date.fromisoformat(match.group("date"))
        case.decisions.append(DecisionData(
            organ=match.group("organ"), organ_name=_text(authority, f"{_E}name") or match.group("organ"),
            meeting_date=meeting_date, year=meeting_date.year, paragraph=int(match.group("paragraph")),
            outcome="adopted", status="effective", recorded_at=date, title=match.group("title"),
            text=match.group("title")))


def _foreign_document(record, index: int, problems: Problems, conversions: dict[str, Conversion],
                      fallback: dt.datetime | None) -> DocumentData | None:
    where = f"erms record {index}"
    number = _int(_text(record, f"{_E}runningNumber"), problems, where, required=False) or index
    direction_element = record.find(f"{_E}direction")
    direction = DIRECTIONS.get((_attr(direction_element, "directionDefinition"),
                                _attr(direction_element, "otherDirectionDefinition")), "drawn_up")
    agents = {a.get("agentType", ""): _text(a, f"{_E}name").strip() for a in record.findall(f"{_E}agents/{_E}agent")}
    counterpart = agents.get("sender") or agents.get("recipient") or agents.get("counterpart") or ""
    if direction == "drawn_up" and counterpart:
        direction = "incoming" if agents.get("sender") else "outgoing"
    dates = {d.get("dateType", ""): d.text for d in record.findall(f"{_E}dates/{_E}date")}
    registered_at = _datetime(dates.get("captured") or dates.get("created") or dates.get("received")
                              or dates.get("sent"), problems, where, required=False) or fallback
    document_date = _date(dates.get("received") or dates.get("sent") or dates.get("created")
                          or dates.get("captured"), problems, where, required=False)
    if document_date is None and registered_at is not None:
        document_date = timezone.localtime(registered_at).date()
    if registered_at is None or document_date is None:
        problems.add(where, _("Handlingen saknar datum."))
        return None
    confidential = record.find(f"{_E}restriction[@restrictionType='confidential']")
    private = record.find(f"{_E}restriction[@restrictionType='gdpr']") is not None
    ground = _text(confidential, f"{_E}regulation").strip()
    other = record.find(f"{_E}otherTitle")
    document = DocumentData(
        number=number, direction=direction, document_date=document_date, registered_at=registered_at,
        description=_text(record, f"{_E}title").strip() or _("Handling %(n)s") % {"n": number},
        public_description=(other.text or "") if other is not None else None, counterpart=counterpart,
        counterpart_kind="private" if private else "auto", counterpart_private=True if private else None,
        document_type=record.get("recordType", ""), secret=confidential is not None,
        secrecy_ground="" if ground == "Ej angiven" else ground,
        # Another system does not say which register fields it masked: a secret document's are masked.
        masked_fields=["counterpart", "description"] if confidential is not None else [],
        secrecy_marked_at=registered_at if confidential is not None else None)
    position = 0
    for appendix in record.findall(f"{_E}additionalInformation/{_E}appendix"):
        path = appendix.get("path", "").strip()
        if not path:
            continue
        previous = document.files[-1] if document.files else None
        # An appendix with originalFileFormat after one of the same name is that file in an archival format.
        if (appendix.get("originalFileFormat") and previous is not None and not previous.archival
                and previous.filename == appendix.get("name", "")):
            previous.archival = path
            previous.archival_mime = appendix.get("fileFormat", "")
            previous.outcome = "converted" if path != previous.original else "kept"
            relative = path.removeprefix("representations/preservation/")
            conversion = conversions.get(relative)
            if conversion:
                previous.tool, previous.tool_version, previous.note = (conversion.tool, conversion.tool_version,
                                                                       conversion.note)
            continue
        position += 1
        document.files.append(FileData(
            position=position, version=1, filename=appendix.get("name", "") or PurePosixPath(path).name,
            created_at=registered_at, sha256="", size=0, content_type=appendix.get("fileFormat", ""),
            outcome="", original=path, archival=""))
    return document
