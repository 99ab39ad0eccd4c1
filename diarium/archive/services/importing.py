"""The import of a case from an FGS/E-ARK package (`diarium archive import`):
from the e-archive, and from any other system that exports FGS
Ärendehantering, which is how a municipality leaves its old register.

Why this writes the records directly
------------------------------------
Everything else in the register is written by the service that does the
thing: a case is registered by case_register, which takes the next number; a
decision is recorded by decision_record at an open meeting, which takes the
next §; a remiss answer comes through its link. None of that can happen for
a case that was handled years ago, elsewhere: its numbers, its § and its
times are facts of the record, not of today, and going through the meeting
process would invent a meeting, attendance and signatures that never were.
So the historic record is written as it stands, in one place: `case_import`
is the register's only archival writer, and it writes nothing the package
does not say (documents, files, decisions with their §, delegation
decisions, remiss rounds with their recipients and answers, links and the
history with its original kinds, times and names). Counters move on (the
series' running number, the organ's §) so new numbers never clash with
imported ones.

What is missing in an empty installation is created from the package: the
organisation, its organs, the diary series, the classification scheme's
nodes, the document types and the people named as case officer or decision
maker (accounts' services where they exist; reference data without one is
written here). The import itself is one event on the case's history
(ArchiveEvent.CASE_IMPORTED): who, when, which package and its SHA-256, and
what it created. Being custody of the record here and not part of its
handling, it is kept out of the case's archival metadata: exporting the
case again gives the package it came from, byte for byte (docs/ARCHIVE.md,
"Import").

Secrecy and personal data: a secret document stays secret with its ground
and masked fields; names marked private stay private. Free text is screened
by the masking assistant as every write is; where a package from Diarium
says what the public saw (ERMS otherTitle), the public form is taken from
it, so the import does not show more, or less, than the register it came
from. Files are read by the assistant before the public has them, as any
upload.

One transaction per package: a package is written whole or not at all
(files stored by a failed attempt are removed again). An import is
idempotent: a case that exists (the same organisation and diary number) is
not written again; equal to the package it is reported as already imported,
different it is refused with what differs."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from itertools import permutations
from pathlib import Path, PurePosixPath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.accounts import access as roles
from diarium.accounts import services as accounts
from diarium.accounts.models import DEFAULT_DIARY_NUMBER_FORMAT, Organ, Organisation, Person
from diarium.core.errors import DomainError
from diarium.core.privacy import detect as detector
from diarium.core.tasks import enqueue_by_name
from diarium.decisions.models import Decision, DelegationDecision, Meeting, ParagraphCounter
from diarium.registry import access as registry_access
from diarium.registry import extensions, screening
from diarium.registry import files as file_store
from diarium.registry.disposal import DISPOSED_KEY
from diarium.registry.history import event_append
from diarium.registry.models import (
    Blob, Case, CaseLink, Classification, Document, DocumentFile, DocumentType, Event, Series, SeriesCounter,
)
from diarium.remiss.models import RemissDeadline, RemissRecipient, RemissRound

from .. import renditions
from ..events import CUSTODY_EVENT_KINDS, ArchiveEvent
from ..sip import comparing, parsing
from ..sip.formats import identify
from ..sip.reading import Package

IMPORTED, ALREADY, REFUSED, REHEARSED = "imported", "already", "refused", "rehearsed"


@dataclass
class ImportOutcome:
    """What became of one package: imported, already imported, refused (with
    every problem), or rehearsed (--dry-run: checked and written in a
    transaction that was rolled back)."""

    package: str
    diary_number: str
    status: str
    case: Case | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    summary: str = ""  # what the problems are about, where one line says it


class _Rehearsed(Exception):
    """Rolls a --dry-run back once everything is written."""

    def __init__(self, counts: dict[str, int], warnings: list[str]):
        super().__init__("rehearsed")
        self.counts, self.warnings = counts, warnings


# --- the entry point --------------------------------------------------------------------------
def package_import(*, actor, package: Package, organisation: str | None = None, dry_run: bool = False,
                   actor_name: str | None = None) -> ImportOutcome:
    """Import the case of an opened and checked package (sip/reading.py)
    into `organisation` (a slug; the package's own by default). `actor` is
    the user the history names (None: the command line, named by
    `actor_name`). Refused, with every problem and nothing written, when
    the package has problems, the case exists and differs, or the
    organisation's data clash with the package's."""
    data = package.case
    outcome = ImportOutcome(package=package.name, diary_number=data.diary_number if data else "", status=REFUSED,
                            warnings=list(package.notes))
    if not package.valid:
        outcome.problems = [str(p) for p in package.problems]
        return outcome
    slug = (organisation or data.organisation_slug or "").strip()
    org = Organisation.objects.filter(slug=slug).first()
    outcome.problems = right_problems(actor=actor, slug=slug, organisation=org)
    if outcome.problems:
        return outcome
    existing = Case.objects.filter(organisation=org, diary_number=data.diary_number).first() if org else None
    if existing is not None:
        outcome.case = existing
        if Event.objects.filter(case=existing, kind=ArchiveEvent.CASE_IMPORTED, data__sha256=package.sha256).exists():
            outcome.status = ALREADY  # this very package (its METS, which holds every file's checksum)
            return outcome
        # A link to a case not here is made when that case comes in: not a difference.
        present = set(Case.objects.filter(organisation=org, diary_number__in=[link.other for link in data.links])
                      .values_list("diary_number", flat=True))
        compared = replace(data, links=[link for link in data.links if link.other in present])
        outcome.problems = comparing.differences(compared, registered_case_data(existing, source=data.source))
        if outcome.problems:
            outcome.summary = _("Ärendet %(number)s finns redan i %(organisation)s och skiljer sig från paketet; det "
                                "läses inte in igen. Det som skiljer:") % {"number": data.diary_number,
                                                                           "organisation": org.name}
        else:
            outcome.status = ALREADY
        return outcome
    problems = import_problems(data=data, slug=slug, organisation=org)
    if problems:
        outcome.problems = problems
        return outcome
    written: list[str] = []
    try:
        case, counts, warnings = case_import(actor=actor, package=package, slug=slug, written=written,
                                             dry_run=dry_run, actor_name=actor_name)
    except _Rehearsed as rehearsal:
        file_store.remove_unreferenced(written)
        outcome.status, outcome.counts = REHEARSED, rehearsal.counts
        outcome.warnings += rehearsal.warnings
        return outcome
    except DomainError as exc:
        file_store.remove_unreferenced(written)
        outcome.problems = [exc.message, *(m for messages in exc.errors.values() for m in messages
                                           if m != exc.message)]
        return outcome
    except BaseException:
        file_store.remove_unreferenced(written)
        raise
    outcome.status, outcome.case, outcome.counts = IMPORTED, case, counts
    outcome.warnings += warnings
    return outcome


def registered_case_data(case: Case, *, source: str = parsing.DIARIUM) -> parsing.CaseData:
    """The case as the register holds it, read back the way a package of it
    says it (its own package, built in a temporary folder and read), less
    the events of its custody here. With `source` FOREIGN, read from ERMS's
    own elements only, as a package from another system is."""
    from ..sip import package as packages
    from ..sip import record as records
    from ..sip.reading import case_read

    folder = Path(tempfile.mkdtemp(prefix="diarium-jamfor-"))
    try:
        packages.build(records.case_record(case), folder / "paket")
        data = case_read(folder / "paket", extension=source == parsing.DIARIUM)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    data.events = [e for e in data.events if e.kind not in CUSTODY_EVENT_KINDS]
    return data


def right_problems(*, actor, slug: str, organisation: Organisation | None) -> list[str]:
    """Whether `actor` may import into the organisation: its administrator, or
    a superuser where the organisation is created. No actor is the command
    line, which has the installation's rights anyway."""
    if actor is None:
        return []
    allowed = (roles.can_administer(actor, organisation.pk) if organisation is not None
               else getattr(actor, "is_superuser", False))
    if allowed:
        return []
    return [_("%(user)s får inte läsa in ärenden i %(organisation)s: det kräver en administratör för "
              "organisationen (eller, för en organisation som skapas, en superanvändare).")
            % {"user": actor.get_username(), "organisation": organisation.name if organisation else slug}]


def import_problems(*, data: parsing.CaseData, slug: str, organisation: Organisation | None) -> list[str]:
    """Why the package's case cannot be written into the register as it
    stands, every reason at once (the case itself does not exist yet)."""
    problems = []
    if not re.fullmatch(r"[-a-zA-Z0-9_]{1,60}", slug or ""):
        problems.append(_("Organisationens kortnamn %(slug)r går inte att använda (bokstäverna a–z, siffror och "
                          "bindestreck); ange ett med --organisation.") % {"slug": slug})
    if organisation is None:
        named = Organisation.objects.filter(name=data.organisation_name).first()
        if named is not None:
            problems.append(_("Organisationen %(name)s finns redan, med kortnamnet %(slug)s; ange "
                              "--organisation %(slug)s för att läsa in paketet där.")
                            % {"name": data.organisation_name, "slug": named.slug})
        return problems
    series = Series.objects.filter(organisation=organisation, code=data.series).first()
    if series is not None:
        taken = Case.objects.filter(series=series, year=data.year, seq=data.seq).first()
        if taken is not None:
            problems.append(_("Löpnummer %(seq)s år %(year)s i diarieserien %(series)s har redan ärendet "
                              "%(other)s.") % {"seq": data.seq, "year": data.year, "series": data.series,
                                              "other": taken.diary_number})
    for decision in data.decisions:
        held = Decision.objects.filter(organ__organisation=organisation, organ__code=decision.organ,
                                       year=decision.year, paragraph=decision.paragraph).select_related(
            "case", "meeting").first()
        if held is not None:
            problems.append(_("%(organ)s § %(paragraph)s år %(year)s finns redan (%(ref)s, i ärendet %(case)s).")
                            % {"organ": decision.organ, "paragraph": decision.paragraph, "year": decision.year,
                               "ref": f"{held.meeting.date:%Y-%m-%d}",
                               "case": held.case.diary_number if held.case_id else "–"})
    return problems


# --- the write ------------------------------------------------------------------------------
class _Writer:
    """What one import has found or created, so each row is looked up once."""

    def __init__(self, organisation: Organisation, written: list[str]):
        self.organisation = organisation
        self.written = written  # files stored, for the caller to remove if the transaction fails
        self.organs: dict[str, Organ] = {}
        self.people: dict[str, Person] = {}
        self.types: dict[str, DocumentType] = {}
        self.created: dict[str, list[str]] = {}
        self.warnings: list[str] = []

    def note_created(self, what: str, name: str) -> None:
        self.created.setdefault(what, []).append(name)

    def organ(self, code: str, name: str) -> Organ:
        code = (code or name)[:20]
        if code not in self.organs:
            organ = Organ.objects.filter(organisation=self.organisation, code=code).first()
            if organ is None:
                organ = accounts.organ_create(organisation=self.organisation, name=(name or code)[:200], code=code,
                                              kind=_organ_kind(code))
                self.note_created("organs", code)
            self.organs[code] = organ
        return self.organs[code]

    def person(self, name: str, title: str = "") -> Person | None:
        name = (name or "").strip()[:200]
        if not name:
            return None
        if name not in self.people:
            person = Person.objects.filter(organisation=self.organisation, name=name).order_by("pk").first()
            if person is None:
                person = accounts.person_create(organisation=self.organisation, name=name, title=title[:200])
                self.note_created("people", name)
            self.people[name] = person
        return self.people[name]

    def document_type(self, name: str) -> DocumentType | None:
        name = (name or "").strip()[:100]
        if not name:
            return None
        if name not in self.types:
            found = DocumentType.objects.filter(organisation=self.organisation, name=name).first()
            if found is None:
                found = DocumentType.objects.create(organisation=self.organisation, name=name)
                self.note_created("document_types", name)
            self.types[name] = found
        return self.types[name]


def _organ_kind(code: str) -> str:
    """The kind of an organ the package names by its code only."""
    upper = code.upper()
    if upper == "KF":
        return Organ.Kind.COUNCIL
    if upper == "KS":
        return Organ.Kind.EXECUTIVE_BOARD
    if upper.endswith("AU"):
        return Organ.Kind.COMMITTEE
    return Organ.Kind.BOARD


def diary_number_format(data: parsing.CaseData) -> str:
    """The organisation's diary number format as the case's number shows it
    ("{series} {year}/{seq}"), the default where it cannot be told."""
    values = {"year": str(data.year), "seq": str(data.seq), "series": data.series}
    if not data.series or not data.seq:
        return DEFAULT_DIARY_NUMBER_FORMAT
    for order in (("year", "seq", "series"), *permutations(("year", "seq", "series"))):
        pattern = "^(.*?)" + "(.*?)".join(re.escape(values[k]) for k in order) + "(.*?)$"
        match = re.match(pattern, data.diary_number, re.S)
        if not match or any("{" in g or "}" in g for g in match.groups()):
            continue
        parts = match.groups()
        fmt = parts[0] + "".join("{" + key + "}" + parts[i + 1] for i, key in enumerate(order))
        if fmt.format(**values) == data.diary_number:
            return fmt.strip()
    return DEFAULT_DIARY_NUMBER_FORMAT


def _organisation(writer_slug: str, data: parsing.CaseData, created: dict) -> Organisation:
    organisation = Organisation.objects.filter(slug=writer_slug).first()
    if organisation is None:
        organisation = accounts.organisation_create(
            name=(data.organisation_name or writer_slug)[:200], slug=writer_slug,
            diary_number_format=diary_number_format(data), org_number=data.organisation_number[:20])
        created.setdefault("organisation", []).append(writer_slug)
    return organisation


def _series(writer: _Writer, data: parsing.CaseData, organ: Organ) -> Series:
    series = Series.objects.filter(organisation=writer.organisation, code=data.series).first()
    if series is None:
        series = Series.objects.create(organisation=writer.organisation, code=data.series,
                                       name=(data.series_name or data.series)[:200])
        if not organ.series.exists():  # the organ registers in it from now on (numbering.series_for_organ)
            series.organs.add(organ)
        writer.note_created("series", data.series)
    counter, _created = SeriesCounter.objects.select_for_update().get_or_create(series=series, year=data.year)
    if counter.last_seq < data.seq:  # new numbers never clash with the imported one
        counter.last_seq = data.seq
        counter.save(update_fields=["last_seq"])
    return series


def _classification(writer: _Writer, data: parsing.CaseData) -> Classification | None:
    parent = None
    for level in data.classification:
        if not level.code:
            continue
        node = Classification.objects.filter(organisation=writer.organisation, code=level.code[:40]).first()
        if node is None:
            node = Classification.objects.create(
                organisation=writer.organisation, code=level.code[:40], title=(level.title or level.code)[:200],
                parent=parent, level=level.level if level.level in Classification.Level.values
                else Classification.Level.PROCESS)
            writer.note_created("classification", level.code)
        elif node.title != level.title and level.title:
            writer.warnings.append(_("Klassificeringen %(code)s heter %(here)r här och %(there)r i paketet; ärendet "
                                     "klassas med den som finns.") % {"code": level.code, "here": node.title,
                                                                       "there": level.title})
        parent = node
    return parent


def _findings_between(original: str, public: str) -> list[dict] | None:
    """The findings that turn `original` into `public` (what the register the
    package came from showed the public): each stretch of the original that
    the public form shows as a label ("[namn]") is a finding of that kind.
    None when the public form is not the original with labels in it."""
    labels = {detector.gettext(label): kind for kind, label in detector.LABELS.items()}
    if not labels:
        return None
    pieces = re.split("(" + "|".join(re.escape(label) for label in labels) + ")", public)
    if len(pieces) == 1:
        return None
    pattern = "".join(re.escape(piece) if i % 2 == 0 else "(.+?)" for i, piece in enumerate(pieces))
    match = re.fullmatch(pattern, original, re.S)
    if match is None:
        return None
    findings = []
    for group, label in enumerate(pieces[1::2], start=1):
        kind = labels[label]
        findings.append({"kind": kind, "start": match.start(group), "end": match.end(group),
                         "text": match.group(group),
                         # withheld as the public form shows: a kind only proposed is withheld once masked
                         "state": screening.MASKED if kind in screening.PROPOSED_ONLY else screening.PENDING,
                         "reason": "", "by": "", "at": ""})
    return findings


def _as_the_package_shows(row, name: str, *, original: str, public: str | None, protected: dict | None,
                          writer: _Writer, what: str) -> None:
    """A screened field of a row from a Diarium package, set to what that
    register showed the public (`public`, None where it showed the original)
    with the original kept; a public form that cannot be told from the
    original leaves the assistant's screening (and says so)."""
    privacy = dict(row.privacy or {})
    if protected is not None:
        entry = {"original": original, "findings": [], "protected": {"shown": protected.get("shown", ""),
                                                                     "ground": protected.get("ground", ""),
                                                                     "by": "", "at": ""}}
        shown = entry["protected"]["shown"]
    elif public is None or public == original:
        entry, shown = None, original
    else:
        findings = _findings_between(original, public)
        if findings is None:
            writer.warnings.append(_("%(what)s: formen för allmänheten i paketet går inte att härleda ur texten; "
                                     "maskeringsassistentens granskning gäller.") % {"what": what})
            return
        entry, shown = {"original": original, "findings": findings}, public
    if entry is None:
        privacy.pop(name, None)
    else:
        privacy[name] = entry
    setattr(row, name, shown)
    row.privacy, row.privacy_pending = privacy, screening.is_pending(privacy)
    extra = {}
    if isinstance(row, Case):
        row.refresh_search_text()
        extra["search_text"] = row.search_text
    # The screening is the package's: the columns are written as they are (save() would screen them anew).
    type(row).objects.filter(pk=row.pk).update(**{name: shown, "privacy": privacy,
                                                  "privacy_pending": row.privacy_pending, **extra})


def _protected_description(data: parsing.CaseData) -> bool:
    """Whether a protected title's protection covers the description too (the
    last protection event says so)."""
    protected = False
    for event in data.events:
        if event.kind == Event.Kind.CASE_PROTECTED:
            protected = bool(event.data.get("description", True))
        elif event.kind == Event.Kind.CASE_UNPROTECTED:
            protected = False
    return protected


@transaction.atomic
def case_import(*, actor, package: Package, slug: str, written: list[str], dry_run: bool = False,
                actor_name: str | None = None, custody_event: bool = True) -> tuple[Case, dict[str, int], list[str]]:
    """Write the package's case, whole, as the module's docstring says (the
    caller has checked the package and that the case does not exist). Files
    stored are named in `written`, for the caller to remove on failure. With
    `dry_run`, everything is written and then rolled back (_Rehearsed).
    Without `custody_event`, the caller (a case read from an old document,
    not from a package) appends its own event saying how the case came in."""
    data = package.case
    created: dict[str, list[str]] = {}
    organisation = _organisation(slug, data, created)
    writer = _Writer(organisation, written)
    writer.created = created
    organ = writer.organ(data.organ, data.organ_name)
    series = _series(writer, data, organ)
    diarium = data.source == parsing.DIARIUM
    case = Case(organisation=organisation, organ=organ, series=series, year=data.year, seq=data.seq,
                diary_number=data.diary_number, title=data.title, description=data.description,
                case_officer=writer.person(data.case_officer, data.case_officer_title),
                classification=_classification(writer, data),
                status=Case.Status.CLOSED if data.status == Case.Status.CLOSED else Case.Status.OPEN,
                registered_at=data.registered_at, closed_at=data.closed_at,
                document_count=max((d.number for d in data.documents), default=0))
    case.refresh_search_text()
    with extensions.event_listeners_paused():  # the record's history is not news
        case.save()
        documents = {d.number: _document(writer, case, d, package, diarium=diarium) for d in data.documents}
        if diarium:
            _as_the_package_shows(case, "title", original=data.title, public=data.public_title,
                                  protected=data.protection, writer=writer, what=_("Ärendemeningen"))
            if data.protection and _protected_description(data):
                _as_the_package_shows(case, "description", original=data.description, public="",
                                      protected={**data.protection, "shown": ""}, writer=writer,
                                      what=_("Ärendets beskrivning"))
            else:
                _as_the_package_shows(case, "description", original=data.description, public=None, protected=None,
                                      writer=writer, what=_("Ärendets beskrivning"))
        adjusted = {e.data.get("details", "").split(",")[0] for e in data.events
                    if e.kind == "minutes_adjusted" and isinstance(e.data.get("details"), str)}
        for decision in data.decisions:
            _decision(writer, case, decision, adjusted=adjusted, diarium=diarium)
        for delegated in data.delegation_decisions:
            _delegation_decision(writer, case, delegated, documents)
        for round_ in data.rounds:
            _round(writer, case, round_, documents)
        for link in data.links:
            _link(writer, case, link)
        _history(writer, case, data, documents)
        counts = {"documents": len(documents), "files": sum(len(d.files) for d in data.documents),
                  "decisions": len(data.decisions), "delegation_decisions": len(data.delegation_decisions),
                  "rounds": len(data.rounds), "events": len(data.events)}
        if custody_event:
            details = _("Paket %(name)s, SHA-256 %(sha)s") % {"name": package.name, "sha": package.sha256}
            event_append(case=case, kind=ArchiveEvent.CASE_IMPORTED, actor=actor, actor_name=actor_name,
                         data={"package": package.name, "sha256": package.sha256,
                               **({"zip_sha256": package.zip_sha256} if package.zip_sha256 else {}),
                               "source": data.source, "created": writer.created, "counts": counts,
                               "details": details})
    if dry_run:
        raise _Rehearsed(counts, writer.warnings)
    return case, counts, writer.warnings


def _document(writer: _Writer, case: Case, data: parsing.DocumentData, package: Package, *,
              diarium: bool) -> Document:
    private = data.counterpart_private
    if private is None:
        private = registry_access.party_is_private(data.counterpart, organisation=case.organisation_id,
                                                   declared=data.counterpart_kind)
    document = Document(
        case=case, organisation_id=case.organisation_id, number=data.number, direction=data.direction if data.direction in Document.Direction.values
        else Document.Direction.DRAWN_UP, document_date=data.document_date, counterpart=data.counterpart[:300],
        counterpart_kind=data.counterpart_kind, counterpart_is_private=private, description=data.description[:500],
        document_type=writer.document_type(data.document_type), received_via=data.received_via,
        registered_at=data.registered_at, is_secret=data.secret, secrecy_ground=data.secrecy_ground[:200],
        masked_fields=sorted(f for f in data.masked_fields if f in Document.MASKABLE_FIELDS),
        secrecy_marked_at=data.secrecy_marked_at)
    document.save()
    masked = data.secret and "description" in document.masked_fields
    if diarium and not masked:  # the public form in the package is the column's, not secrecy's neutral text
        _as_the_package_shows(document, "description", original=data.description, public=data.public_description,
                              protected=None, writer=writer, what=_("Beskrivningen av handling %(n)s")
                              % {"n": data.number})
    files = {}
    for item in sorted(data.files, key=lambda f: (f.position, f.version)):
        files[item.key] = _file(writer, document, item, package)
    for item in data.files:
        if item.ocr_of and item.ocr_of in files:
            files[item.key].ocr_of = files[item.ocr_of]
            DocumentFile.objects.filter(pk=files[item.key].pk).update(ocr_of=files[item.ocr_of])
    return document


def _file(writer: _Writer, document: Document, data: parsing.FileData, package: Package) -> DocumentFile:
    if data.outcome == "disposed" or not data.original:
        return _disposed_file(document, data)
    content = package.path(data.original).read_bytes()
    content_type = data.content_type if "/" in data.content_type else file_store.detect_content_type(content[:65536])
    checked = file_store.checked_content(data.filename or PurePosixPath(data.original).name, content, content_type)
    checked.notes = file_store.inspect_content(io.BytesIO(content), content_type)
    blob = file_store.blob_store(checked, written=writer.written)
    document_file = DocumentFile.objects.create(document=document, position=data.position, version=data.version,
                                                filename=(data.filename or checked.name)[:255], blob=blob,
                                                created_at=data.created_at)
    if data.archival and data.archival != data.original and data.outcome in ("converted", ""):
        _archival_form(writer, blob, data, package, document)
    # The masking assistant reads the file before the public may have it, as any upload (no OCR: a
    # text layer added here would be a version the record never had).
    enqueue_by_name("diarium.registry.tasks.file_screen", document_file.pk)
    return document_file


def _archival_form(writer: _Writer, blob: Blob, data: parsing.FileData, package: Package, document: Document) -> None:
    """Keep the archival form the package carries of a file it converted (renditions.py)."""
    copy = package.path(data.archival).read_bytes()
    if file_store.checked_content("", copy, "").sha256 == blob.sha256:
        return  # the file is in an archival format itself
    fmt = identify(copy, data.archival_mime or file_store.detect_content_type(copy[:65536]))
    if not fmt.archival:
        writer.warnings.append(_("Handling %(n)s, fil %(key)s: paketets arkivform är inget arkivformat och sparas "
                                 "inte.") % {"n": document.number, "key": data.key})
        return
    renditions.archival_copy_keep(blob=blob, data=copy, fmt=fmt, extension=PurePosixPath(data.archival).suffix,
                                  tool=data.tool or _("okänt verktyg (enligt paketet)"),
                                  tool_version=data.tool_version, note=data.note,
                                  filename=PurePosixPath(data.archival).name, written=writer.written)


def _disposed_file(document: Document, data: parsing.FileData) -> DocumentFile:
    """A file version whose content was disposed of (gallrad) in the register the
    package came from: its row, with the disposal mark, and its content's Blob
    noted as disposed (the bytes are not in the package)."""
    when = timezone.now().isoformat()
    blob = Blob.objects.filter(sha256=data.sha256).first() if data.sha256 else None
    if blob is None:
        sha = data.sha256 or f"disposed-{document.case_id}-{document.number}-{data.key}"
        blob = Blob.objects.create(sha256=sha[:64], size=data.size, content_type=data.content_type[:200],
                                   storage_name=file_store.storage_name_for(sha[:64]),
                                   notes=[{"code": file_store.NOTE_DISPOSED, "at": when}])
    return DocumentFile.objects.create(
        document=document, position=data.position, version=data.version, filename=data.filename[:255], blob=blob,
        created_at=data.created_at, privacy={DISPOSED_KEY: {"at": when}}, privacy_withheld=True)


def _decision(writer: _Writer, case: Case, data: parsing.DecisionData, *, adjusted: set[str], diarium: bool) -> None:
    organ = writer.organ(data.organ, data.organ_name)
    reference = f"{data.organ} {data.meeting_date:%Y-%m-%d} § {data.paragraph}"
    # A Diarium package says in its history whether the minutes were adjusted; another system's
    # archived decision is taken to be final.
    status = Meeting.Status.ADJUSTED if (reference in adjusted or not diarium) else Meeting.Status.CLOSED
    meeting = Meeting.objects.filter(organisation=writer.organisation, organ=organ, date=data.meeting_date).first()
    if meeting is None:
        meeting = Meeting.objects.create(organisation=writer.organisation, organ=organ, date=data.meeting_date,
                                         status=status, created_at=data.recorded_at)
        writer.note_created("meetings", f"{organ.code} {data.meeting_date:%Y-%m-%d}")
    Decision(organisation=writer.organisation, organ=organ, meeting=meeting, case=case, year=data.year,
             paragraph=data.paragraph, title=data.title[:300] or reference, text=data.text,
             outcome=data.outcome if data.outcome in Decision.Outcome.values else Decision.Outcome.ADOPTED,
             status=data.status if data.status in Decision.Status.values else Decision.Status.EFFECTIVE,
             recorded_at=data.recorded_at).save()
    counter, _created = ParagraphCounter.objects.select_for_update().get_or_create(organ=organ, year=data.year)
    if counter.last < data.paragraph:  # new paragraphs never clash with the imported one
        counter.last = data.paragraph
        counter.save(update_fields=["last"])


def _delegation_decision(writer: _Writer, case: Case, data: parsing.DelegationData,
                         documents: dict[int, Document]) -> None:
    document = documents.get(data.document) if data.document else None
    if document is None:
        writer.warnings.append(_("Delegationsbeslutet %(point)s %(day)s har ingen handling i paketet och läses inte "
                                 "in som delegationsbeslut (det finns kvar i historiken).")
                               % {"point": data.point, "day": data.decided_on})
        return
    DelegationDecision(organisation=writer.organisation, organ=writer.organ(data.organ, data.organ_name), case=case,
                       document=document, point=data.point[:40], summary=data.summary[:400],
                       decided_on=data.decided_on, decided_by=writer.person(data.decided_by),
                       registered_at=document.registered_at).save()


def _round(writer: _Writer, case: Case, data: parsing.RoundData, documents: dict[int, Document]) -> None:
    round_ = RemissRound(organisation=writer.organisation, case=case, title=data.title, letter=data.letter,
                         deadline=data.deadline, ordered_by=data.ordered_by,
                         status=data.status if data.status in RemissRound.Status.values else RemissRound.Status.SENT,
                         created_at=data.created_at, sent_at=data.sent_at, closed_at=data.closed_at,
                         compilation_document=documents.get(data.compilation) if data.compilation else None)
    round_.save()
    for r in data.recipients:
        recipient = RemissRecipient.objects.create(
            round=round_, position=r.position, organ=writer.organ(r.organ, r.name) if r.organ else None,
            name=r.name, kind=r.kind, is_private=r.private, deadline=r.deadline, dispatch=r.dispatch,
            sent_at=r.sent_at, outgoing_document=documents.get(r.outgoing_document) if r.outgoing_document else None,
            answered_at=r.answered_at,
            answer_document=documents.get(r.answer_document) if r.answer_document else None,
            declined=r.declined, answer_text=r.answer_text, answer_decision=r.answer_decision,
            answered_by_name=r.answered_by, late=r.late, summary=r.summary, consideration=r.consideration,
            consideration_comment=r.consideration_comment)
        RemissDeadline.objects.bulk_create([
            RemissDeadline(recipient=recipient, deadline=d.deadline, set_at=d.set_at, set_by_name=d.set_by,
                           reason=d.reason, decision_ref=d.decision) for d in r.deadlines])


def _link(writer: _Writer, case: Case, data: parsing.LinkData) -> None:
    other = Case.objects.filter(organisation=writer.organisation, diary_number=data.other).first()
    if other is None:
        writer.warnings.append(_("Kopplingen till ärendet %(other)s görs när det ärendet läses in (det finns inte "
                                 "här än).") % {"other": data.other})
        return
    start, end = (case, other) if data.outgoing else (other, case)
    if not CaseLink.objects.filter(case=start, other=end, kind=data.kind, removed_at__isnull=True).exists():
        CaseLink.objects.create(case=start, other=end, kind=data.kind,
                                created_at=data.created_at or timezone.now())


def _history(writer: _Writer, case: Case, data: parsing.CaseData, documents: dict[int, Document]) -> None:
    """The case's history as the package tells it: each event with its kind,
    time, who and data as they were (written as rows: no listener is told, and
    none of it is news). An action of another system is an event of the kind
    ArchiveEvent.ARCHIVED_ACTION with its type and text."""
    Event.objects.bulk_create([
        Event(organisation=writer.organisation, case=case,
              document=documents.get(e.document) if e.document else None,
              kind=(e.kind or ArchiveEvent.ARCHIVED_ACTION)[:40], actor=None, actor_name=e.actor[:200], at=e.at,
              data=e.data)
        for e in data.events])
