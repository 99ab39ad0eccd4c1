"""What an acceptance finds or creates of the organisation's register: its
organs and people (created the way the archive's import creates what an
organisation lacks), the case a diary number names, and a historic case
written through the register's archival writer.

Why a historic case goes through the archive's case_import
------------------------------------------------------------
A case read from an old document keeps the diary number it had, its own
date and the file as it was: case_register would give it today's next
number. The archive's import (archive.services.importing) is the register's
only writer of historic cases: it writes a case as it stood, with its
series, year and running number, its documents and files, moves the series'
counter on so new numbers never clash, and appends its custody event. So a
case the register does not have is described as the archive describes one
(sip.parsing.CaseData, a package of one file in a temporary folder) and
written by case_import. A document on a case the register has goes through
registry.services.document_create, as every registration does."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from django.utils import timezone

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ, Organisation, Person
from diarium.archive.services import importing as archive_import
from diarium.archive.sip import parsing
from diarium.archive.sip.reading import Package
from diarium.registry import diary_numbers as numbers
from diarium.registry import files as file_store
from diarium.registry.models import Case, PartyKind, Series

from ..grammar import organs as organs_grammar
from ..models import ImportProposal
from .values import diary_number as diary_number_of

# The parts of an organ's name its code is made of ("Barn- och ungdomsnämnden" is BUN,
# "Kommunstyrelsens arbetsutskott" KSAU): each word's first letter, and the word that ends a
# compound ("kommun|styrelsen").
_COMPOUND_ENDS = ("fullmäktige", "styrelse", "styrelsen", "nämnd", "nämnden", "utskott", "utskottet",
                  "beredning", "beredningen", "direktion", "direktionen", "förbund", "förbundet", "råd", "rådet",
                  "revision", "revisionen", "kommitté", "kommittén", "delegation", "delegationen")
_SMALL_WORDS = {"och", "för", "i", "med", "samt", "av", "på", "till", "de", "den", "det"}
SOURCE = "inlasning"  # CaseData.source of a case read from a document (not a package of Diarium's)


def local_noon(day: dt.date) -> dt.datetime:
    """The moment the register keeps for a day's event whose time the document does not give."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def organ_code(name: str, taken: set[str]) -> str:
    """A code for an organ named in a document that the register does not
    have: the common code of its name where the grammar knows one
    (grammar.organs.ORGANS), else the first letters of its name's words and
    compound parts (Barn- och ungdomsnämnden BUN); unique in the organisation."""
    key = name.casefold()
    known = next((code for code, known_name in organs_grammar.ORGANS if known_name.casefold() == key
                  and code.upper() not in taken), None)
    if known is not None:
        return known
    letters = []
    for word, hyphen in re.findall(r"([^\W\d_]+)(-?)", name):
        lower = word.lower()
        if lower in _SMALL_WORDS and not hyphen:  # "För- och grundskolenämnden": a first part, not a word
            continue
        letters.append(word[0].upper())
        stem = lower[:-1] if lower.endswith("s") and lower[:-1].endswith(_COMPOUND_ENDS) else lower
        for end in sorted(_COMPOUND_ENDS, key=len, reverse=True):
            if stem.endswith(end) and len(stem) > len(end):
                letters.append(end[0].upper())
                break
    code = "".join(letters)[:12] or "ORG"
    candidate, n = code, 2
    while candidate.upper() in taken:
        candidate, n = f"{code}{n}", n + 1
    return candidate


def organ_kind(name: str) -> str:
    lower = name.lower()
    if "fullmäktige" in lower:
        return Organ.Kind.COUNCIL
    if lower.endswith(("utskott", "utskottet")):
        return Organ.Kind.COMMITTEE
    if re.search(r"(kommun|region|landstings)styrelsen?$", lower):
        return Organ.Kind.EXECUTIVE_BOARD
    if re.search(r"(^ab\s|\sab$|aktiebolag)", lower):
        return Organ.Kind.COMPANY
    if "förbund" in lower:
        return Organ.Kind.FEDERATION
    return Organ.Kind.BOARD


class Register:
    """What one acceptance has found or created of the organisation's data,
    so each row is looked up once, and what it created (for its event)."""

    def __init__(self, organisation: Organisation, *, written: list[str]):
        self.organisation = organisation
        self.written = written
        self.created: dict[str, list[str]] = {}
        self._organs: list[Organ] | None = None
        self._people: dict[str, Person] = {}

    def note_created(self, what: str, name: str) -> None:
        self.created.setdefault(what, []).append(name)

    # --- organs ---
    @property
    def organs(self) -> list[Organ]:
        if self._organs is None:
            self._organs = list(Organ.objects.filter(organisation=self.organisation).order_by("pk"))
        return self._organs

    def organ_find(self, name: str) -> Organ | None:
        """The organisation's organ of this name or code (case and blanks aside)."""
        key = " ".join((name or "").split()).casefold()
        if not key:
            return None
        return (next((o for o in self.organs if o.name.casefold() == key), None)
                or next((o for o in self.organs if o.code.casefold() == key), None))

    def organ_in(self, text: str) -> Organ | None:
        """The organ a text names ("under förutsättning att kommunfullmäktige antar …"),
        by the longest name found in it as a word."""
        lower = (text or "").casefold()
        for organ in sorted(self.organs, key=lambda o: len(o.name), reverse=True):
            if re.search(r"(?<!\w)" + re.escape(organ.name.casefold()) + r"(?!\w)", lower):
                return organ
        return None

    def organ(self, name: str, *, codes: list[str] | tuple[str, ...] = ()) -> Organ:
        """The organ of this name, created where the organisation does not
        have it: with the code of the document's diary numbers (`codes`) where
        that code stands for this name (grammar.organs.code_name: KUN is
        Kulturnämnden), else a code made from its name."""
        found = self.organ_find(name)
        if found is not None:
            return found
        name = " ".join(name.split())
        taken = {o.code.upper() for o in self.organs}
        code = next((c for c in codes if c and c.upper() not in taken
                     and (organs_grammar.code_name(c) or "").casefold() == name.casefold()), None)
        code = code or organ_code(name, taken)
        organ = accounts.organ_create(organisation=self.organisation, name=name[:200], code=code,
                                      kind=organ_kind(name))
        self.organs.append(organ)
        self.note_created("organs", f"{code} {name}")
        return organ

    # --- people ---
    def person(self, name: str, title: str = "") -> Person | None:
        name = " ".join((name or "").split())[:200]
        if not name:
            return None
        if name not in self._people:
            person = Person.objects.filter(organisation=self.organisation, name=name).order_by("pk").first()
            if person is None:
                person = accounts.person_create(organisation=self.organisation, name=name, title=(title or "")[:200])
                self.note_created("people", name)
            self._people[name] = person
        return self._people[name]

    # --- cases ---
    def cases_named(self, diary_number: str) -> list[Case]:
        """The organisation's cases a diary number names: the one written so,
        else those of its year, running number and code (a series' or an
        organ's). A number written without a code names only cases whose own
        numbers carry none: "0123/19" is not "KUN 2019-00123"."""
        exact = list(Case.objects.filter(organisation=self.organisation, diary_number__iexact=diary_number)[:2])
        if exact:
            return exact
        number = diary_number_of(diary_number)
        if number is None:
            return []
        found = list(Case.objects.filter(numbers.numbered_q(number), organisation=self.organisation)
                     .select_related("organ")[:10])
        if not number.code:
            found = [c for c in found if (diary_number_of(c.diary_number) or number).code == ""]
        return found[:3]

    def series_code(self, diary_number: str, organ: Organ) -> str:
        number = diary_number_of(diary_number)
        return (number.code if number and number.code else organ.code)[:20]

    def organ_of_code(self, diary_number: str) -> Organ | None:
        """The organ whose code the diary number carries ("KS 2014/742"), or
        whose series it is, when the organisation has it."""
        number = diary_number_of(diary_number)
        if number is None or not number.code:
            return None
        found = next((o for o in self.organs if o.code.upper() == number.code), None)
        if found is not None:
            return found
        series = Series.objects.filter(organisation=self.organisation, code__iexact=number.code).first()
        return series.organs.order_by("pk").first() if series is not None else None


def codes_of(diary_numbers: list[str]) -> list[str]:
    """The codes the diary numbers carry ("KUN 2019-00123": KUN)."""
    found = (diary_number_of(text) for text in diary_numbers)
    return [number.code for number in found if number is not None and number.code]


def case_data(register: Register, *, diary_number: str, title: str, organ: Organ, day: dt.date,
              officer: str = "", document: parsing.DocumentData | None = None) -> parsing.CaseData:
    """A historic case as the archive's writer takes it (archive.sip.parsing.CaseData)."""
    number = diary_number_of(diary_number)
    organisation = register.organisation
    return parsing.CaseData(
        source=SOURCE, organisation_slug=organisation.slug, organisation_name=organisation.name,
        organisation_number=organisation.org_number, diary_number=diary_number, organ=organ.code,
        organ_name=organ.name, series=register.series_code(diary_number, organ), series_name="",
        year=number.year, seq=number.seq, status=Case.Status.OPEN, registered_at=local_noon(day), closed_at=None,
        title=title, public_title=None, protection=None, description="", case_officer=officer,
        documents=[document] if document is not None else [])


def document_data(*, proposal: ImportProposal, direction: str, day: dt.date, description: str,
                  counterpart: str = "", counterpart_kind: str = PartyKind.AUTO) -> parsing.DocumentData:
    """The read document as the archive's writer takes it: document 1 of a historic case, with its file."""
    files = []
    if proposal.blob_id:
        files.append(parsing.FileData(
            position=1, version=1, filename=proposal.filename[:255], created_at=local_noon(day),
            sha256=proposal.sha256, size=proposal.size, content_type=proposal.content_type, outcome="",
            original=_package_name(proposal), archival=""))
    return parsing.DocumentData(
        number=1, direction=direction, document_date=day, registered_at=local_noon(day), description=description,
        public_description=None, counterpart=counterpart, counterpart_kind=counterpart_kind, files=files)


def _package_name(proposal: ImportProposal) -> str:
    suffix = PurePosixPath(proposal.filename).suffix.lower()
    return "fil" + (suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else "")


def historic_problems(register: Register, data: parsing.CaseData) -> list[str]:
    """Why the archive's writer would refuse the case (a running number taken in its series)."""
    return archive_import.import_problems(data=data, slug=register.organisation.slug,
                                          organisation=register.organisation)


def historic_case_write(register: Register, data: parsing.CaseData, *, proposal: ImportProposal, actor,
                        actor_name: str | None) -> Case:
    """Write the historic case (and its document with the proposal's file)
    through the archive's writer, from a one-file package in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="diarium-inlasning-"))
    try:
        if data.documents and data.documents[0].files:
            with file_store.blob_open(proposal.blob) as fh:
                (folder / data.documents[0].files[0].original).write_bytes(fh.read())
        package = Package(source=Path(proposal.filename), root=folder, name=proposal.filename, sha256=proposal.sha256,
                          case=data)
        case, _counts, warnings = archive_import.case_import(actor=actor, package=package,
                                                             slug=register.organisation.slug,
                                                             written=register.written, actor_name=actor_name,
                                                             custody_event=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    register.note_created("cases", case.diary_number)
    for warning in warnings:
        register.note_created("warnings", warning)
    return case


def stored_file(proposal: ImportProposal) -> file_store.CheckedFile | None:
    """The proposal's file, as the registry's document services take content already checked."""
    if not proposal.blob_id:
        return None
    with file_store.blob_open(proposal.blob) as fh:
        data = fh.read()
    return file_store.checked_content(proposal.filename, data, proposal.content_type)


def description_of(kind_label: str, title: str) -> str:
    text = f"{kind_label}: {title}" if title else kind_label
    return text[:480]
