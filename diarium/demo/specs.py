"""What the Alingsås demo holds, as frozen dataclasses read from the TOML files in seed/.

The data files say which parts are facts of the officer's report of 2018-08-23
and which are example data; this module only reads them. Times in the files are
local (Europe/Stockholm) without an offset; strings may name a shared text of
seed/texts.toml as `{name}`. Choice values (an organ's kind, a document's
direction, …) are the models' stored values and are checked as they are read:
a misspelt one fails the load before anything is written.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from diarium.accounts.models import Organ
from diarium.decisions.models import Membership
from diarium.plans.models import ActionReport
from diarium.registry.models import Document
from diarium.remiss.models import RemissRecipient

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REPORT_SEED = "alingsas-2017-676-ks-tjansteskrivelse.txt"  # the officer's report of 2018-08-23
BOARDS = "*boards"  # in recipients: every board, in the order of the organs


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


# --- reference data -----------------------------------------------------------------
@dataclass(frozen=True)
class OrganSpec:
    code: str
    name: str
    kind: str
    parent: str | None  # code of the parent organ
    email: str


@dataclass(frozen=True)
class PersonSpec:
    name: str
    title: str
    organ: str


@dataclass(frozen=True)
class ClassificationSpec:
    code: str  # its depth is its level: "1" verksamhetsområde, "1.2" processgrupp, "1.2.1" process
    title: str
    retention: str = ""
    description: str = ""


@dataclass(frozen=True)
class TermSpec:  # the seats of one organ for one term of office
    organ: str
    period: tuple[dt.date, dt.date]
    seats: tuple[tuple[str, str, str], ...]  # (role, name, party)


# --- cases ----------------------------------------------------------------------------
@dataclass(frozen=True)
class DocumentSpec:
    registered: dt.datetime
    direction: str
    description: str
    counterpart: str = ""
    dated: dt.date | None = None  # day it came in or was drawn up; default: day registered
    private: bool = False
    filename: str | None = None
    secret: tuple[str, tuple[str, ...]] | None = None  # (ground, masked fields)
    content: str | None = None  # a file of seed/ with the text of the file; default: an example text
    document_type: str | None = None  # the name of one of the organisation's document types


@dataclass(frozen=True)
class CaseSpec:
    organ: str
    number: int  # the running number the case gets in its series and year
    registered: dt.datetime
    title: str
    description: str
    officer: str | None = None
    classification: str | None = None
    documents: tuple[DocumentSpec, ...] = field(default_factory=tuple)
    close: str | None = None  # closing reason, if the case is closed
    remiss: RemissSpec | None = None  # a remiss round, run through the remiss services among the documents
    report: ReportSpec | None = None  # an officer's report, written through the decision services
    meetings: tuple[MeetingSpec, ...] = ()  # meetings that decide on the case, among the documents
    answers: tuple[tuple[dt.datetime, str], ...] = ()  # (when, decision): the case answers its assignments
    plans: PlanSpec | None = None  # the vision and its action plan, with their follow-ups


# --- remiss -----------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerSpec:
    organ: str  # organ code of the recipient
    received: dt.datetime
    text: str
    decision_ref: str = ""
    by_link: bool = False  # through the personal answer link; else registered inside by the registrar
    answered_by: str = ""
    declined: bool = False
    filename: str | None = None  # the answer as a file instead of in the text box
    summary: str = ""
    consideration: str = ""
    comment: str = ""


@dataclass(frozen=True)
class ChangeSpec:
    description: str
    organs: tuple[str, ...]  # the recipients whose answers led to the change


@dataclass(frozen=True)
class RemissSpec:
    consulted: str  # filename of the consulted file on the case
    title: str
    letter: str
    ordered_by: str
    deadline: dt.date
    recipient_kinds: tuple[str, ...]  # every organ of these kinds, in the order of the organs
    created: dt.datetime
    sent: dt.datetime
    extend: tuple[dt.datetime, dt.date, str, str]  # when, new deadline, reason, decision
    answers: tuple[AnswerSpec, ...]
    assessed: dt.datetime
    compiled: dt.datetime
    revised: dt.datetime
    revised_text: str
    revision_note: str
    changes: tuple[ChangeSpec, ...]
    closed: dt.datetime


# --- the officer's report, meetings and decisions -----------------------------------------
@dataclass(frozen=True)
class DecisionSpec:
    paragraph: int  # the organ's paragraph number that year; the counter is moved to just before it
    title: str
    text: str
    recorded: dt.datetime
    note: str  # a "protokollsanteckning" saying what is fact and what example data
    documents: tuple[str, ...] = ()  # supporting documents on the agenda: descriptions on the case start so
    proposal: str = ""  # "report": the officer's report's proposal to the organ; "forwarded": one carried forward
    condition: tuple[str, str] | None = None  # (organ code, text): takes effect when that organ decides
    forward: tuple[str, str] | None = None  # (organ code, text): proposes that organ decide
    assignments: tuple[tuple[str, str], ...] = ()  # (organ code, description)
    recipients: tuple[str, ...] = ()  # organ codes (BOARDS: every board) or names of people
    dispatched: dt.datetime | None = None
    follow_up: int | None = None  # the action plan's yearly follow-up report of that year, put on the agenda


@dataclass(frozen=True)
class MeetingSpec:
    organ: str
    date: dt.date
    start: dt.time
    end: dt.time
    place: str
    adjusters: tuple[str, ...]
    planned: dt.datetime  # planned, with its agenda
    notice: dt.datetime  # notice ("kallelse") published
    decisions: tuple[DecisionSpec, ...]
    signed: tuple[dt.datetime, ...]  # the chair, then each adjuster; the last signature adjusts the minutes
    posted: dt.date  # the adjusted minutes posted on the notice board


@dataclass(frozen=True)
class ReportSpec:
    """An officer's report written through the services; its background and
    opinion are the sections of the seed text, the original text is kept as a
    second file of the same document."""

    written: dt.datetime
    title: str
    addressed_to: str
    office: str
    proposals: tuple[tuple[str, str, str | None, str], ...]  # organ, text, condition organ, condition text
    dispatch_to: tuple[str, ...]
    signatories: tuple[tuple[str, str], ...]


# --- the vision and the action plan --------------------------------------------------------
@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    unit: str
    baseline: int  # 2018
    targets: tuple[int, int, int]  # 2019, 2020, 2021
    measured: tuple[int, ...]  # 2019, 2020: the value given in each yearly follow-up


@dataclass(frozen=True)
class ReportRowSpec:  # one action in one yearly follow-up
    status: str
    progress: int
    used: tuple[int, int]  # kronor used that year: drift, investering
    comment: str
    internal: bool = False


@dataclass(frozen=True)
class ActionSpec:
    number: int  # "Åtgärd N" of the action plan file on the case
    title: str
    organ: str
    person: str
    start: dt.date
    end: dt.date
    budgets: tuple[tuple[int, int, int], ...]  # (year, drift, investering)
    reports: tuple[ReportRowSpec, ReportRowSpec]  # 2019, 2020
    also: str = ""  # others responsible, in the description
    internal_note: str = ""
    revised: tuple[dt.date, tuple[tuple[int, int, int], ...]] | None = None  # version 2: new end and budgets


@dataclass(frozen=True)
class GoalSpec:
    title: str
    indicators: tuple[IndicatorSpec, ...]
    actions: tuple[ActionSpec, ...]


@dataclass(frozen=True)
class FocusAreaSpec:
    title: str
    vision: str  # what the vision says about it
    goals: tuple[GoalSpec, ...]


@dataclass(frozen=True)
class FollowUpSpec:
    year: int
    opened: dt.datetime
    deadline: dt.date
    answered: tuple[tuple[str, dt.datetime], ...]  # (person, when): each answers for all their actions
    values: dt.datetime  # the indicator values, given by the plan's case officer
    closed: dt.datetime
    report: dt.datetime


@dataclass(frozen=True)
class PlanSpec:
    created: dt.datetime
    process_owner: str
    process_owner_role: str
    vision_adopted: tuple[dt.datetime, str]  # (when, decision reference)
    plan_adopted: tuple[dt.datetime, str, str]  # (when, decision reference, note)
    focus_areas: tuple[FocusAreaSpec, ...]
    follow_ups: tuple[FollowUpSpec, ...]
    revised: dt.datetime  # the working copy re-budgeted
    revision_adopted: tuple[dt.datetime, str, str]  # (when, decision reference, note): version 2
    vision_title: str = ""
    vision_description: str = ""
    plan_title: str = ""
    plan_description: str = ""
    funding: str = ""  # the funding source of every action


@dataclass(frozen=True)
class Seed:
    """Everything the demo loads."""

    organisation_name: str
    organisation_slug: str
    org_number: str
    organs: tuple[OrganSpec, ...]
    people: tuple[PersonSpec, ...]
    plan_officials: tuple[str, ...]  # people who get the follow-up requests by e-mail
    classifications: tuple[ClassificationSpec, ...]
    document_types: tuple[str, ...]  # the register's kinds of document, which the records plan's rules name
    politician_title: str
    secretary: str  # keeps the minutes of every meeting
    terms: tuple[TermSpec, ...]
    cases: tuple[CaseSpec, ...]


# --- reading the files -------------------------------------------------------------------------
def seed_file(name: str) -> str:
    """A file of seed/ as shipped with the package."""
    return (resources.files("diarium.demo") / "seed" / name).read_text(encoding="utf-8")


def report_text() -> str:
    """The officer's report of 2018-08-23 as shipped with the package."""
    return seed_file(REPORT_SEED)


def _toml(name: str, texts: dict[str, str]) -> dict:
    return _expand(tomllib.loads(seed_file(name)), texts)


def _expand(value, texts: dict[str, str]):
    """Every string with its `{name}`s replaced by the shared texts."""
    if isinstance(value, str):
        return value.format_map(texts) if "{" in value else value
    if isinstance(value, list):
        return [_expand(v, texts) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, texts) for k, v in value.items()}
    return value


def _texts() -> dict[str, str]:
    """seed/texts.toml, each text's own `{name}`s replaced (in file order: a text
    may name those above it)."""
    texts: dict[str, str] = {}
    for name, text in tomllib.loads(seed_file("texts.toml")).items():
        texts[name] = text.format_map(texts)
    return texts


def _local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        raise ValueError(f"Demo seed: {value} has an offset; write local (Stockholm) time without one")
    return value.replace(tzinfo=STOCKHOLM)


def _pairs(rows) -> tuple[tuple, ...]:
    return tuple(tuple(row) for row in rows)


def _document(d: dict) -> DocumentSpec:
    secret = d.pop("secret", None)
    return DocumentSpec(registered=_local(d.pop("registered")), direction=Document.Direction(d.pop("direction")),
                        secret=(secret["ground"], tuple(secret["masked"])) if secret else None, **d)


def _answer(a: dict) -> AnswerSpec:
    if a.get("consideration"):
        a["consideration"] = RemissRecipient.Consideration(a["consideration"])
    return AnswerSpec(received=_local(a.pop("received")), **a)


def _remiss(r: dict) -> RemissSpec:
    ext = r["extend"]
    return RemissSpec(
        consulted=r["consulted"], title=r["title"], letter=r["letter"], ordered_by=r["ordered_by"],
        deadline=r["deadline"], recipient_kinds=tuple(Organ.Kind(k) for k in r["recipient_kinds"]),
        created=_local(r["created"]), sent=_local(r["sent"]),
        extend=(_local(ext["at"]), ext["deadline"], ext["reason"], ext["decision"]),
        answers=tuple(_answer(a) for a in r["answers"]),
        assessed=_local(r["assessed"]), compiled=_local(r["compiled"]), revised=_local(r["revised"]),
        revised_text=seed_file(r["revised_file"]), revision_note=r["revision_note"],
        changes=tuple(ChangeSpec(c["description"], tuple(c["organs"])) for c in r["changes"]),
        closed=_local(r["closed"]),
    )


def _decision(d: dict) -> DecisionSpec:
    d = dict(d)
    for name in ("documents", "recipients"):
        if name in d:
            d[name] = tuple(d[name])
    for name in ("condition", "forward"):
        if name in d:
            d[name] = tuple(d[name])
    if "assignments" in d:
        d["assignments"] = _pairs(d["assignments"])
    if "dispatched" in d:
        d["dispatched"] = _local(d["dispatched"])
    return DecisionSpec(recorded=_local(d.pop("recorded")), **d)


def _meeting(m: dict) -> MeetingSpec:
    return MeetingSpec(
        organ=m["organ"], date=m["date"], start=m["start"], end=m["end"], place=m["place"],
        adjusters=tuple(m["adjusters"]), planned=_local(m["planned"]), notice=_local(m["notice"]),
        decisions=tuple(_decision(d) for d in m["decisions"]),
        signed=tuple(_local(s) for s in m["signed"]), posted=m["posted"],
    )


def _report(r: dict) -> ReportSpec:
    return ReportSpec(
        written=_local(r["written"]), title=r["title"], addressed_to=r["addressed_to"], office=r["office"],
        proposals=tuple((p["organ"], p["text"], p.get("condition_organ"), p.get("condition_text", ""))
                        for p in r["proposals"]),
        dispatch_to=tuple(r["dispatch_to"]), signatories=_pairs(r["signatories"]),
    )


def _budgets(rows) -> tuple[tuple[int, int, int], ...]:
    return _pairs(rows)


def _action(a: dict) -> ActionSpec:
    a = dict(a)
    revised = a.pop("revised", None)
    return ActionSpec(
        start=a.pop("start"), end=a.pop("end"), budgets=_budgets(a.pop("budgets")),
        reports=tuple(ReportRowSpec(status=ActionReport.Status(r.pop("status")), used=tuple(r.pop("used")), **r)
                      for r in (dict(r) for r in a.pop("reports"))),
        revised=(revised["end"], _budgets(revised["budgets"])) if revised else None, **a)


def _plan(p: dict) -> PlanSpec:
    return PlanSpec(
        created=_local(p["created"]), process_owner=p["process_owner"], process_owner_role=p["process_owner_role"],
        vision_adopted=(_local(p["vision_adopted"]["at"]), p["vision_adopted"]["decision"]),
        plan_adopted=(_local(p["plan_adopted"]["at"]), p["plan_adopted"]["decision"], p["plan_adopted"]["note"]),
        focus_areas=tuple(
            FocusAreaSpec(fa["title"], fa["vision"], tuple(
                GoalSpec(g["title"],
                         tuple(IndicatorSpec(i["name"], i["unit"], i["baseline"], tuple(i["targets"]),
                                             tuple(i["measured"])) for i in g["indicators"]),
                         tuple(_action(a) for a in g["actions"]))
                for g in fa["goals"]))
            for fa in p["focus_areas"]),
        follow_ups=tuple(
            FollowUpSpec(f["year"], opened=_local(f["opened"]), deadline=f["deadline"],
                         answered=tuple((name, _local(when)) for name, when in f["answered"]),
                         values=_local(f["values"]), closed=_local(f["closed"]), report=_local(f["report"]))
            for f in p["follow_ups"]),
        revised=_local(p["revised"]),
        revision_adopted=(_local(p["revision_adopted"]["at"]), p["revision_adopted"]["decision"],
                          p["revision_adopted"]["note"]),
        vision_title=p["vision"]["title"], vision_description=p["vision"]["description"],
        plan_title=p["plan"]["title"], plan_description=p["plan"]["description"], funding=p["funding"],
    )


def _case(c: dict, *, meetings: dict[str, MeetingSpec], texts: dict[str, str]) -> CaseSpec:
    c = dict(c)
    remiss, report, plans = c.pop("remiss", None), c.pop("report", None), c.pop("plans", None)
    return CaseSpec(
        registered=_local(c.pop("registered")),
        documents=tuple(_document(dict(d)) for d in c.pop("documents", ())),
        remiss=_remiss(_toml(remiss, texts)) if remiss else None,
        report=_report(report) if report else None,
        meetings=tuple(meetings[key] for key in c.pop("meetings", ())),
        answers=tuple((_local(a["at"]), a["decision"]) for a in c.pop("answers", ())),
        plans=_plan(_toml(plans, texts)) if plans else None,
        **c,
    )


@cache
def seed() -> Seed:
    """The demo's data, read once from seed/."""
    texts = _texts()
    org = _toml("organisation.toml", texts)
    meetings = {}
    for m in _toml("meetings.toml", texts)["meetings"]:
        spec = _meeting(m)
        meetings[f"{spec.organ} {spec.date.isoformat()}"] = spec
    document_types = tuple(org.get("document_types", ()))
    cases = tuple(_case(c, meetings=meetings, texts=texts) for c in _toml("cases.toml", texts)["cases"])
    for case in cases:
        for document in case.documents:
            if document.document_type is not None and document.document_type not in document_types:
                raise ValueError(f"Demo seed: {document.description!r} has the document type "
                                 f"{document.document_type!r}, which organisation.toml does not list")
    return Seed(
        organisation_name=org["organisation"]["name"], organisation_slug=org["organisation"]["slug"],
        org_number=org["organisation"]["org_number"],
        organs=tuple(OrganSpec(o["code"], o["name"], Organ.Kind(o["kind"]), o.get("parent"), o["email"])
                     for o in org["organs"]),
        people=tuple(PersonSpec(**p) for p in org["people"]),
        plan_officials=tuple(org["plan_officials"]),
        classifications=tuple(ClassificationSpec(**c) for c in org["classifications"]),
        document_types=document_types,
        politician_title=org["politicians"]["title"], secretary=org["organisation"]["secretary"],
        terms=tuple(TermSpec(t["organ"], (t["start"], t["end"]),
                             tuple((Membership.Role(role), name, party) for role, name, party in t["seats"]))
                    for t in org["politicians"]["terms"]),
        cases=cases,
    )
