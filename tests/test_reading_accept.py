"""Reading old documents into the register (issue 23, part 2), through the
services: a file is queued once per organisation (its SHA-256), and a
proposal accepted becomes a case with its document, a meeting with its
decisions, or decisions on a case, written whole or not at all, with every
problem reported at once. Citations of earlier decisions resolve to the
register's decisions, now or when the cited decision comes in later.

The readings are built by hand here (the grammar's own tests read real
text), so each test says exactly what the reader proposed."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from diarium.accounts.models import Organ, Person, Role
from diarium.archive.services import importing as archive_import
from diarium.archive.sip import parsing
from diarium.archive.sip.reading import Package
from diarium.core.errors import Conflict, DomainError, PermissionDenied
from diarium.decisions import services as decisions
from diarium.decisions.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    OfficerReport,
    ParagraphCounter,
    Proposal,
)
from diarium.reading import services
from diarium.reading.events import ReadingEvent
from diarium.reading.grammar.shape import Reading
from diarium.reading.models import CitedDecision, ImportProposal
from diarium.reading.reader import Result
from diarium.registry import services as registry
from diarium.registry.models import Blob, Case, Document, Event

from . import factories as f

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "alingsas-2017-676-ks-tjansteskrivelse.txt"
if not SEED.exists():
    SEED = Path(__file__).resolve().parent / "data" / "reading" / "alingsas-2017-676-ks-tjansteskrivelse.txt"

REFERENCES = [
    {"organ": "Kommunfullmäktige", "date": "2015-11-25", "paragraph": 180, "diary_number": None,
     "text": "Kommunfullmäktige antog den 25 november 2015, § 180"},
    {"organ": "Kommunfullmäktige", "date": "2017-12-13", "paragraph": 251, "diary_number": None,
     "text": "antagen av kommunfullmäktige den 13 december 2017, § 251"},
    {"organ": "Kommunstyrelsens arbetsutskott", "date": "2018-02-28", "paragraph": 8, "diary_number": None,
     "text": "Kommunstyrelsens arbetsutskott beslutade den 28 februari 2018, § 8"},
    {"organ": "Kommunstyrelsens arbetsutskott", "date": "2018-04-25", "paragraph": 53, "diary_number": None,
     "text": "Kommunstyrelsens arbetsutskott beslutade den 25 april, § 53"},
]
CONDITION = "under förutsättning att kommunfullmäktige antar Digital målbild för Alingsås kommun – öppen och smart"


def _reading(text: str, values: dict, *, sure: float = 0.9) -> Reading:
    """A reading of `text` with `values`, each field found where its text is (when it is)."""
    reading = Reading(text=text)
    for name, value in values.items():
        spans = []
        if isinstance(value, str) and value in text:
            start = text.index(value)
            spans.append((start, start + len(value)))
        reading.set(name, value, sure, *spans)
    return reading


def seed_values() -> dict:
    return {
        "kind": "officer_report", "organisation": "Alingsås kommun", "organ": "Kommunstyrelsen", "date": "2018-08-23",
        "title": "Digital målbild för Alingsås kommun-öppen och smart samt tillhörande handlingsplan",
        "diary_numbers": ["2017.676 KS"], "officers": ["Göran Westerlund"], "references": REFERENCES,
        "proposals": [
            {"organ": "Kommunstyrelsen", "condition": CONDITION,
             "text": "Handlingsplan Digital målbild för Alingsås kommun – öppen och smart godkänns " + CONDITION + "."},
            {"organ": "Kommunfullmäktige", "condition": None,
             "text": "Digital målbild för Alingsås kommun – öppen och smart, antas."}],
        "remiss": {"recipients": ["samtliga nämnder", "kommunala bolag"], "deadline": "2018-07-27"},
        "recipients": ["Samtliga nämnder", "FABS AB", "Alingsåshem AB", "Alingsås Energi AB"],
        "signatories": [{"name": "Anneli Schwartz", "title": "Tf. Kommundirektör"},
                        {"name": "Göran Westerlund", "title": "Digitaliseringsansvarig"}],
    }


def queue(actor, org, name: str, content: bytes, values: dict | None, *, problem: str | None = None):
    reading = _reading(content.decode("utf-8", "replace"), values) if values is not None else None
    result = Result(file=name, sha256=hashlib.sha256(content).hexdigest(), size=len(content), reading=reading,
                    problem=problem, method="text")
    return services.proposal_queue(actor=actor, organisation=org, filename=name, content=content, result=result)


@pytest.fixture
def seed_proposal(org, ks, registrar):
    proposal, created = queue(registrar, org, "tjansteskrivelse.txt", SEED.read_bytes(), seed_values())
    assert created
    return proposal


# --- the queue ---------------------------------------------------------------------------------
def test_a_file_is_queued_once_per_organisation_by_its_sha256(org, ks, registrar, seed_proposal):
    assert seed_proposal.status == ImportProposal.Status.PENDING
    assert seed_proposal.kind == "officer_report" and seed_proposal.confidence == 0.9
    assert seed_proposal.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()
    blob = Blob.objects.get(pk=seed_proposal.sha256)
    assert default_storage.exists(blob.storage_name)
    assert seed_proposal.reading["values"]["diary_numbers"] == ["2017.676 KS"]
    assert seed_proposal.reading["spans"]["organ"]
    event = Event.objects.get(kind=ReadingEvent.PROPOSAL_QUEUED)
    assert event.actor == registrar and event.case is None and event.data["proposal"] == seed_proposal.pk
    # The same bytes again, under another name: the proposal queued before.
    again, created = queue(registrar, org, "kopia.txt", SEED.read_bytes(), seed_values())
    assert (again, created) == (seed_proposal, False)
    # Another organisation reads the same file into its own register.
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    theirs, created = queue(f.registrar(other), other, "tjansteskrivelse.txt", SEED.read_bytes(), seed_values())
    assert created and theirs.organisation == other
    assert ImportProposal.objects.count() == 2


def test_an_unreadable_file_is_kept_with_its_problem_and_a_registered_file_is_not_queued(org, ks, registrar):
    proposal, created = queue(registrar, org, "tom.pdf", b"", None, problem="Filen är tom.")
    assert created and proposal.status == ImportProposal.Status.UNREADABLE
    assert proposal.problem == "Filen är tom." and proposal.blob is None
    with pytest.raises(DomainError):
        services.proposal_accept(actor=registrar, proposal=proposal, values={"kind": "other"})
    case = f.case(registrar, ks)
    f.document(registrar, case, files=[f.text_file("svar.txt", "Ett remissvar från förr.\n")])
    found, created = queue(registrar, org, "svar.txt", "Ett remissvar från förr.\n".encode(), {"kind": "other"})
    assert (found, created) == (None, False)


# --- an officer's report -------------------------------------------------------------------------
def test_accepting_a_report_writes_its_historic_case_document_proposals_and_citations(org, ks, registrar,
                                                                                     seed_proposal):
    accepted = services.proposal_accept(actor=registrar, proposal=seed_proposal, values=seed_values())
    assert accepted.status == ImportProposal.Status.ACCEPTED and accepted.decided_by == registrar
    case = Case.objects.get(organisation=org, diary_number="2017.676 KS")
    assert (case.year, case.seq, case.series.code, case.organ) == (2017, 676, "KS", ks)
    assert case.title.startswith("Digital målbild") and case.case_officer.name == "Göran Westerlund"
    assert accepted.case == case and accepted.document.case == case
    document = case.documents.get()
    assert document.direction == Document.Direction.DRAWN_UP and document.document_date == dt.date(2018, 8, 23)
    assert document.files.get().blob_id == seed_proposal.sha256
    # New numbers in the series never clash with the old one.
    assert registry.case_register(actor=registrar, organ=ks, title="Nytt ärende").year == dt.date.today().year
    # The report with its proposals per organ and the condition's organ (created as the archive import does).
    report = OfficerReport.objects.get(case=case)
    assert report.document == document and report.addressed_to == ks and report.report_date == dt.date(2018, 8, 23)
    assert report.dispatch_to.splitlines() == ["Samtliga nämnder", "FABS AB", "Alingsåshem AB", "Alingsås Energi AB"]
    assert [s["title"] for s in report.signatories] == ["Tf. Kommundirektör", "Digitaliseringsansvarig"]
    kf = Organ.objects.get(organisation=org, name="Kommunfullmäktige")
    assert (kf.code, kf.kind) == ("KF", Organ.Kind.COUNCIL)
    first, second = Proposal.objects.filter(case=case).order_by("position")
    assert (first.organ, first.condition_organ, first.condition_text) == (ks, kf, CONDITION)
    assert (second.organ, second.condition_organ) == (kf, None)
    # The citations, on the case and its document; none of the decisions is in the register yet.
    citations = list(CitedDecision.objects.filter(case=case).order_by("position"))
    assert [(c.organ_name, c.date, c.paragraph) for c in citations] == [
        ("Kommunfullmäktige", dt.date(2015, 11, 25), 180), ("Kommunfullmäktige", dt.date(2017, 12, 13), 251),
        ("Kommunstyrelsens arbetsutskott", dt.date(2018, 2, 28), 8),
        ("Kommunstyrelsens arbetsutskott", dt.date(2018, 4, 25), 53)]
    assert all(c.document == document and c.decision is None for c in citations)
    # The acceptance in the history: who and when, on the case and its document.
    event = Event.objects.get(case=case, kind=ReadingEvent.PROPOSAL_ACCEPTED)
    assert event.actor == registrar and event.document == document
    assert event.data["sha256"] == seed_proposal.sha256 and "KF" in " ".join(event.data["created"]["organs"])
    # Decided once.
    with pytest.raises(Conflict):
        services.proposal_accept(actor=registrar, proposal=seed_proposal, values=seed_values())


def test_a_report_on_a_case_the_register_has_is_registered_on_it(org, ks, registrar):
    with f.on_day("2018-03-01"):
        case = f.case(registrar, ks, title="Digital målbild")
    values = {**seed_values(), "diary_numbers": [case.diary_number]}
    proposal, _created = queue(registrar, org, "tjansteskrivelse.txt", SEED.read_bytes(), values)
    services.proposal_accept(actor=registrar, proposal=proposal, values=values)
    assert Case.objects.filter(organisation=org).count() == 1
    document = case.documents.get()
    assert document.description.startswith("Tjänsteskrivelse: Digital målbild") and document.registered_by == registrar
    assert Event.objects.filter(case=case, kind=Event.Kind.DOCUMENT_REGISTERED).count() == 1


def test_a_remiss_answer_is_an_incoming_document_from_who_answers(org, ks, registrar):
    values = {"kind": "remiss_answer", "organisation": "Föreningen Sambruk", "organ": None, "date": "2018-06-12",
              "title": "Yttrande över handlingsplan för digital målbild", "diary_numbers": ["2017.676 KS"]}
    proposal, _created = queue(registrar, org, "sambruk.txt", "Yttrande från Sambruk\n".encode(), values)
    services.proposal_accept(actor=registrar, proposal=proposal, values=values)
    document = Document.objects.get(case__diary_number="2017.676 KS")
    assert document.direction == Document.Direction.INCOMING and document.counterpart == "Föreningen Sambruk"
    assert not document.counterpart_is_private


def test_every_problem_is_reported_at_once_and_nothing_is_written(org, ks, registrar, seed_proposal):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    values = {**seed_values(), "organisation": "Vårgårda kommun", "date": tomorrow, "title": "",
              "diary_numbers": ["inget nummer"],
              "references": [{"organ": "KF", "date": "25 april", "paragraph": "x", "text": "KF den 25 april"}],
              "proposals": [{"organ": "Kommunstyrelsen", "text": "", "condition": ""}], "start_time": "25:00"}
    counts = (Case.objects.count(), Document.objects.count(), Organ.objects.count(), Event.objects.count())
    with pytest.raises(DomainError) as refused:
        services.proposal_accept(actor=registrar, proposal=seed_proposal, values=values)
    errors = refused.value.errors
    assert set(errors) >= {"organisation", "date", "diary_numbers", "references", "proposals", "start_time"}
    assert errors["date"] == ["Datumet kan inte ligga i framtiden."]
    assert any("Hänvisning 1" in m and "ÅÅÅÅ-MM-DD" in m for m in errors["references"])
    assert any("Hänvisning 1" in m and "heltal" in m for m in errors["references"])
    assert (Case.objects.count(), Document.objects.count(), Organ.objects.count(), Event.objects.count()) == counts
    seed_proposal.refresh_from_db()
    assert seed_proposal.status == ImportProposal.Status.PENDING
    # Values of the wrong types are problems too, never exceptions.
    with pytest.raises(DomainError) as refused:
        services.proposal_accept(actor=registrar, proposal=seed_proposal, values={
            "kind": "officer_report", "organ": ["KS"], "date": 20180823, "diary_numbers": "2017.676 KS",
            "references": "KF 2015-11-25 § 180", "items": [3], "attendance": "alla", "posted": {"from": []}})
    assert {"organ", "date", "items", "attendance", "posted"} <= set(refused.value.errors)
    with pytest.raises(DomainError):
        services.proposal_accept(actor=registrar, proposal=seed_proposal, values=["nonsens"])


def test_a_failure_half_way_leaves_no_half_imported_case(org, ks, registrar, seed_proposal, monkeypatch):
    from diarium.reading.services import accepting

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(accepting, "citations_write", broken)
    with pytest.raises(RuntimeError):
        services.proposal_accept(actor=registrar, proposal=seed_proposal, values=seed_values())
    assert not Case.objects.filter(diary_number="2017.676 KS").exists()
    assert not OfficerReport.objects.exists() and not Organ.objects.filter(code="KF").exists()
    seed_proposal.refresh_from_db()
    assert seed_proposal.status == ImportProposal.Status.PENDING
    # The file read in stays stored for the proposal.
    assert default_storage.exists(Blob.objects.get(pk=seed_proposal.sha256).storage_name)


# --- citations, now and later --------------------------------------------------------------------
def _decision_at(registrar, organ, day: dt.date, title: str) -> Decision:
    meeting = decisions.meeting_create(actor=registrar, organ=organ, date=day)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    return decisions.decision_record(actor=registrar, meeting=meeting, title=title, text="Beslutet.")


def test_a_citation_resolves_to_a_decision_the_register_has(org, ks, registrar):
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    decisions.paragraph_counter_set(actor=f.user(org, Role.ADMIN), organ=kf, year=2015, last=179)
    held = _decision_at(registrar, kf, dt.date(2015, 11, 25), "E-strategi för Alingsås kommun")
    assert held.paragraph == 180
    proposal, _created = queue(registrar, org, "tjansteskrivelse.txt", SEED.read_bytes(), seed_values())
    services.proposal_accept(actor=registrar, proposal=proposal, values=seed_values())
    first = CitedDecision.objects.get(paragraph=180)
    assert first.decision == held and first.organ == kf and first.resolved_at is not None
    assert CitedDecision.objects.filter(decision__isnull=True).count() == 3


def test_a_citation_resolves_when_the_cited_decision_comes_in_later(org, ks, registrar, seed_proposal):
    services.proposal_accept(actor=registrar, proposal=seed_proposal, values=seed_values())
    case = Case.objects.get(diary_number="2017.676 KS")
    # At a meeting of the register (decision_record): KF 2017-12-13 gets § 251.
    kf = Organ.objects.get(organisation=org, code="KF")
    decisions.paragraph_counter_set(actor=f.user(org, Role.ADMIN), organ=kf, year=2017, last=250)
    held = _decision_at(registrar, kf, dt.date(2017, 12, 13), "Flerårsstrategi 2018–2020")
    citation = CitedDecision.objects.get(paragraph=251)
    assert citation.decision == held
    event = Event.objects.get(case=case, kind=ReadingEvent.CITATION_RESOLVED)
    assert event.data["decision"] == held.pk and event.actor is None
    # From the archive's import of another system's case: KSAU 2018-02-28 § 8 (the organ created by its code).
    package = Package(source=Path("paket"), root=Path("/nonexistent"), name="paket", sha256="0" * 64,
                      case=parsing.CaseData(
                          source=parsing.FOREIGN, organisation_slug=org.slug, organisation_name=org.name,
                          organisation_number="", diary_number="2018.40 KS", organ="KS", organ_name="Kommunstyrelsen",
                          series="KS", series_name="", year=2018, seq=40, status="open",
                          registered_at=dt.datetime(2018, 2, 1, 12, tzinfo=dt.timezone.utc),
                          closed_at=None, title="Remiss av handlingsplan", public_title=None, protection=None,
                          description="", decisions=[parsing.DecisionData(
                              organ="KSAU", organ_name="Kommunstyrelsens arbetsutskott",
                              meeting_date=dt.date(2018, 2, 28), year=2018, paragraph=8, outcome="adopted",
                              status="effective", recorded_at=dt.datetime(2018, 2, 28, 12, tzinfo=dt.timezone.utc),
                              title="Remiss av handlingsplan", text="Handlingsplanen remitteras.")]))
    archive_import.case_import(actor=None, package=package, slug=org.slug, written=[], actor_name="test")
    assert CitedDecision.objects.get(paragraph=8).decision.reference == "KSAU 2018-02-28 § 8"
    # From an excerpt read in here: KSAU 2018-04-25 § 53, on the case it names.
    excerpt = ("Kommunstyrelsens arbetsutskott\nProtokollsutdrag\nSammanträdesdatum 2018-04-25\n\n"
               "§ 53    Dnr 2017.676 KS\nFörlängd remisstid för handlingsplan för digital målbild\n\n"
               "Beslut\nRemisstiden förlängs till och med den 27 juli 2018.\n\nBeslutet skickas till\nSamtliga nämnder\n")
    values = {"kind": "minutes_excerpt", "organisation": "Alingsås kommun", "organ": "Kommunstyrelsens arbetsutskott",
              "date": "2018-04-25", "title": "Förlängd remisstid för handlingsplan för digital målbild",
              "diary_numbers": ["2017.676 KS"], "paragraphs": [53],
              "items": [{"number": None, "paragraph": 53, "diary_number": "2017.676 KS",
                         "title": "Förlängd remisstid för handlingsplan för digital målbild"}]}
    proposal, _created = queue(registrar, org, "utdrag.txt", excerpt.encode(), values)
    services.proposal_accept(actor=registrar, proposal=proposal, values=values)
    decision = Decision.objects.get(organ__code="KSAU", paragraph=53)
    assert decision.case == case and decision.meeting.status == Meeting.Status.ADJUSTED
    assert decision.text == "Remisstiden förlängs till och med den 27 juli 2018."
    assert decision.recorded_at.date() == dt.date(2018, 4, 25)
    assert CitedDecision.objects.get(case=case, paragraph=53).decision == decision
    assert case.documents.count() == 2  # the report and the excerpt
    assert CitedDecision.objects.filter(case=case, decision__isnull=True).get().paragraph == 180


# --- meetings --------------------------------------------------------------------------------------
MINUTES = """ALINGSÅS KOMMUN                                   PROTOKOLL
Kommunstyrelsen                                   Sammanträdesdatum 2018-09-24

Plats och tid     Stadshuset, kl. 14.00–16.30

Beslutande        Daniel Filipsson (M), ordförande
                  Ann Ludvigsson (S)
                  Simon Waern (MP)
                  Lina Persson (L) ersätter Anna Kjellberg (L)

Övriga            Stefan Sköld, sekreterare

Justerare         Ann Ludvigsson

Paragrafer        §§ 141–142

Anslaget sätts upp 2018-09-27         Anslaget tas ned 2018-10-19

§ 141    Dnr 2017.676 KS
Handlingsplan för digital målbild

Beslut
Handlingsplanen godkänns.
Kommunfullmäktige informeras.

Beslutet skickas till
Samtliga nämnder

§ 142    Dnr KS 2018/231
Revisionsberättelse 2017

Beslut
Revisionsberättelsen läggs till handlingarna.
"""


def minutes_values() -> dict:
    return {"kind": "minutes", "organisation": "Alingsås kommun", "organ": "Kommunstyrelsen", "date": "2018-09-24",
            "title": None, "diary_numbers": ["2017.676 KS", "KS 2018/231"],
            "items": [{"number": None, "paragraph": 141, "diary_number": "2017.676 KS",
                       "title": "Handlingsplan för digital målbild"},
                      {"number": None, "paragraph": 142, "diary_number": "KS 2018/231",
                       "title": "Revisionsberättelse 2017"}],
            "attendance": {"members": ["Daniel Filipsson", "Ann Ludvigsson", "Simon Waern"],
                           "substitutes": [{"name": "Lina Persson", "for": "Anna Kjellberg"}],
                           "others": ["Stefan Sköld"]},
            "chair": "Daniel Filipsson", "adjusters": ["Ann Ludvigsson"], "paragraphs": [141, 142],
            "signatories": [{"name": "Stefan Sköld", "title": "Sekreterare"},
                            {"name": "Daniel Filipsson", "title": "Ordförande"}],
            "posted": {"from": "2018-09-27", "to": "2018-10-19"},
            "place": "Stadshuset", "start_time": "14:00", "end_time": "16:30"}


def test_accepting_minutes_writes_the_meeting_with_attendance_and_a_decision_per_paragraph(org, ks, registrar):
    with f.on_day("2017-10-02"):
        existing = registry.case_register(actor=registrar, organ=ks, title="Digital målbild")
    values = {**minutes_values()}
    values["items"][0]["diary_number"] = existing.diary_number
    proposal, _created = queue(registrar, org, "protokoll.txt", MINUTES.encode(), values)
    accepted = services.proposal_accept(actor=registrar, proposal=proposal, values=values)
    meeting = Meeting.objects.get(organ=ks, date=dt.date(2018, 9, 24))
    assert accepted.meeting == meeting and accepted.case is None
    assert meeting.status == Meeting.Status.ADJUSTED and meeting.place == "Stadshuset"
    assert (meeting.start_time, meeting.end_time) == (dt.time(14, 0), dt.time(16, 30))
    assert meeting.chair.name == "Daniel Filipsson" and meeting.secretary.name == "Stefan Sköld"
    assert [p.name for p in meeting.adjusters.all()] == ["Ann Ludvigsson"]
    seats = {a.person.name: (a.role, a.replaces.name if a.replaces else None)
             for a in Attendance.objects.filter(meeting=meeting)}
    assert seats == {"Daniel Filipsson": ("chair", None), "Ann Ludvigsson": ("member", None),
                     "Simon Waern": ("member", None), "Lina Persson": ("substitute", "Anna Kjellberg")}
    minutes = meeting.minutes
    assert minutes.adjusted_at is not None and minutes.blob_id == proposal.sha256
    assert (minutes.posted_on, minutes.take_down_on) == (dt.date(2018, 9, 27), dt.date(2018, 10, 19))
    first, second = Decision.objects.filter(meeting=meeting).order_by("paragraph")
    assert (first.paragraph, first.case, first.title) == (141, existing, "Handlingsplan för digital målbild")
    assert first.text == "Handlingsplanen godkänns.\nKommunfullmäktige informeras."
    assert first.recorded_at.date() == dt.date(2018, 9, 24) and first.agenda_item.meeting == meeting
    # The case not in the register is added with its old number, the item's title and the meeting's organ.
    assert (second.case.diary_number, second.case.title, second.case.organ) == ("KS 2018/231",
                                                                               "Revisionsberättelse 2017", ks)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 2
    # The organ's paragraphs go on after the ones read in.
    assert ParagraphCounter.objects.get(organ=ks, year=2018).last == 142
    # Each case's history says so, and the meeting's.
    assert Event.objects.filter(case=existing, kind=ReadingEvent.PROPOSAL_ACCEPTED, actor=registrar).exists()
    assert Event.objects.filter(case=None, kind=ReadingEvent.PROPOSAL_ACCEPTED, data__meeting=meeting.pk).exists()
    # Read in again as another file with the same paragraphs: nothing doubles.
    again, _created = queue(registrar, org, "protokoll-kopia.txt", (MINUTES + "\n").encode(), minutes_values())
    services.proposal_accept(actor=registrar, proposal=again, values=minutes_values())
    assert Decision.objects.filter(meeting=meeting).count() == 2
    assert Attendance.objects.filter(meeting=meeting).count() == 4


def test_minutes_whose_paragraph_the_register_has_from_another_meeting_are_refused(org, ks, registrar):
    decisions.paragraph_counter_set(actor=f.user(org, Role.ADMIN), organ=ks, year=2018, last=140)
    _decision_at(registrar, ks, dt.date(2018, 9, 10), "Ett annat beslut")  # § 141
    proposal, _created = queue(registrar, org, "protokoll.txt", MINUTES.encode(), minutes_values())
    with pytest.raises(DomainError) as refused:
        services.proposal_accept(actor=registrar, proposal=proposal, values=minutes_values())
    assert any("§ 141" in m and "2018-09-10" in m for m in refused.value.errors["items"])
    assert not Meeting.objects.filter(date=dt.date(2018, 9, 24)).exists()
    assert not Case.objects.filter(diary_number="KS 2018/231").exists()


def test_a_notice_writes_the_meeting_and_its_agenda(client, org, ks, registrar):
    text = "Kallelse\nKommunstyrelsen\n2018-09-24 kl. 14.00, Stadshuset\n\n1. Val av justerare\n2. Revisionsberättelse\n"
    values = {"kind": "notice", "organisation": "Alingsås kommun", "organ": "Kommunstyrelsen", "date": "2018-09-24",
              "items": [{"number": 1, "paragraph": None, "diary_number": None, "title": "Val av justerare"},
                        {"number": 2, "paragraph": None, "diary_number": "KS 2018/231",
                         "title": "Revisionsberättelse 2017"}],
              "place": "Stadshuset", "start_time": "14:00"}
    proposal, _created = queue(registrar, org, "kallelse.txt", text.encode(), values)
    services.proposal_accept(actor=registrar, proposal=proposal, values=values)
    meeting = Meeting.objects.get(organ=ks, date=dt.date(2018, 9, 24))
    assert meeting.status == Meeting.Status.NOTICE_PUBLISHED and meeting.notice_blob_id == proposal.sha256
    assert [(i.position, i.title, i.case.diary_number if i.case else None) for i in meeting.items.all()] == [
        (1, "Val av justerare", None), (2, "Revisionsberättelse 2017", "KS 2018/231")]
    assert not Decision.objects.exists()
    page = client.get(meeting.get_absolute_url())  # the public sees the meeting and its agenda
    assert page.status_code == 200 and "Revisionsberättelse 2017" in page.content.decode()


def test_a_meeting_the_register_holds_through_its_process_is_not_overwritten(org, ks, registrar):
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=dt.date(2018, 9, 24))
    decisions.meeting_open(actor=registrar, meeting=meeting)
    proposal, _created = queue(registrar, org, "protokoll.txt", MINUTES.encode(), minutes_values())
    with pytest.raises(DomainError) as refused:
        services.proposal_accept(actor=registrar, proposal=proposal, values=minutes_values())
    assert "hålls i registret" in " ".join(refused.value.errors["date"])


# --- rejecting, and rights -----------------------------------------------------------------------
def test_a_rejected_proposal_says_why_and_is_not_read_in_again(org, ks, registrar, seed_proposal):
    with pytest.raises(DomainError) as refused:
        services.proposal_reject(actor=registrar, proposal=seed_proposal, reason="  ")
    assert refused.value.errors == {"reason": ["Ange varför förslaget avvisas."]}
    services.proposal_reject(actor=registrar, proposal=seed_proposal, reason="Dubblett av ett papper vi har.")
    seed_proposal.refresh_from_db()
    assert seed_proposal.status == ImportProposal.Status.REJECTED and seed_proposal.decided_by == registrar
    assert Event.objects.get(kind=ReadingEvent.PROPOSAL_REJECTED).data["reason"] == "Dubblett av ett papper vi har."
    assert queue(registrar, org, "igen.txt", SEED.read_bytes(), seed_values()) == (seed_proposal, False)
    with pytest.raises(Conflict):
        services.proposal_accept(actor=registrar, proposal=seed_proposal, values=seed_values())


def test_only_the_organisations_registrars_read_in(org, ks, registrar, seed_proposal):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    outsiders = [f.registrar(other), f.user(org, Role.CASE_OFFICER), f.user(org, Role.READER),
                 f.registrar(org, organ=ks)]  # a registrar of one organ only
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            queue(user, org, "annan.txt", b"En annan fil.\n", {"kind": "other"})
        with pytest.raises(PermissionDenied):
            services.proposal_accept(actor=user, proposal=seed_proposal, values=seed_values())
        with pytest.raises(PermissionDenied):
            services.proposal_reject(actor=user, proposal=seed_proposal, reason="Nej.")
    assert ImportProposal.objects.count() == 1 and not Case.objects.exists()
    admin = f.user(org, Role.ADMIN)
    services.proposal_accept(actor=admin, proposal=seed_proposal, values=seed_values())
    assert Person.objects.filter(organisation=org, name="Göran Westerlund").exists()


def test_diary_numbers_in_other_registers_forms_name_their_cases(org, ks, registrar):
    from diarium.reading.services.values import diary_number

    assert (diary_number("N148-0312/18").year, diary_number("N148-0312/18").seq,
            diary_number("N148-0312/18").code) == (2018, 312, "N148")
    assert (diary_number("0456/19").year, diary_number("0456/19").code) == (2019, "")
    assert diary_number("2016KSM1221.042").code == "KSM" and diary_number("§ 12") is None
    # A number written without a code does not name another series' case of the same year and number.
    with f.on_day("2019-02-01"):
        kun = f.organ(org, code="KUN", name="Kulturnämnden", kind=Organ.Kind.BOARD)
        registry.series_counter_set(series=registry.series_for_organ(kun), year=2019, last_seq=122,
                                    actor=f.user(org, Role.ADMIN))
        other = registry.case_register(actor=registrar, organ=kun, title="Föreningsbidrag")
    assert (other.year, other.seq) == (2019, 123)
    values = {"kind": "officer_report", "organ": "Kommunstyrelsen", "date": "2019-03-01",
              "title": "Trygghet i centrum", "diary_numbers": ["0123/19"]}
    proposal, _created = queue(registrar, org, "trygghet.txt", "Tjänsteutlåtande\nDnr 0123/19\n".encode(), values)
    services.proposal_accept(actor=registrar, proposal=proposal, values=values)
    proposal.refresh_from_db()
    assert proposal.case != other and proposal.case.diary_number == "0123/19"
    assert (proposal.case.series.code, proposal.case.year, proposal.case.seq) == ("KS", 2019, 123)
