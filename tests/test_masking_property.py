"""Issue 7 (security): no masked value reaches any public output.

A property-based test (hypothesis) builds small worlds of cases and documents
with random directions, senders that are organisations or private persons,
random secrecy marks over random subsets of the maskable fields (some lifted
again, before or after the documents were put on the agenda of a meeting whose
notice is published and whose minutes are adjusted), and then reads every
public output anonymously: the register pages, the document pages and file
downloads, the meeting pages, the JSON API, the Atom feeds, the iCalendar
calendars, OParl (crawled from System through every list, page and object),
the DCAT catalogue, the dataset downloads and the files `dump_datasets` writes.

Every value that may be masked is a unique marker ("HEMLIG-<hex>", "Privat
Person <hex>") that cannot appear by accident. A marker that is still masked
must not appear in any output, in any encoding an output could use (as is,
HTML/XML-escaped, JSON-escaped, URL-quoted, iCalendar-escaped, folded in case);
a marker that is public (never masked, or its secrecy lifted) must appear in
the register outputs, so that the test fails if an output goes empty."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
import json
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diarium.accounts.models import Organ
from diarium.decisions import services as decisions
from diarium.opendata import dumps
from diarium.registry import services as registry
from diarium.registry.models import Document

from . import factories as f
from .public_outputs import (
    Output,
    crawl,
    dataset_urls,
    dumped_files,
    encodings,
    fetch,
    rolled_back,
)

pytestmark = pytest.mark.django_db

MASKABLE = tuple(sorted(Document.MASKABLE_FIELDS))
DIRECTIONS = tuple(Document.Direction.values)
OPTIONAL_COUNTERPART = {Document.Direction.DRAWN_UP, Document.Direction.INTERNAL}
ORGANS = {"KS": ("Kommunstyrelsen", Organ.Kind.EXECUTIVE_BOARD), "BN": ("Byggnadsnämnden", Organ.Kind.BOARD)}
SECRET_TEXT = "Sekretessmarkerad uppgift"
PRIVATE_TEXT = "Privatperson"
# Free text around the markers: letters the escapers treat specially, Swedish letters.
FREE_TEXT = st.text(alphabet="abcxyz ÅÄÖåäöé&<>\"';,:\\–", max_size=24)


# --- the world, as data ------------------------------------------------------------------------
@dataclass(frozen=True)
class DocSpec:
    direction: str
    counterpart: str  # "none" | "organisation" | "private"
    text: str
    with_file: bool
    secret: bool
    masked: tuple[str, ...]
    lifted: bool
    on_agenda: bool


@dataclass(frozen=True)
class CaseSpec:
    organ: str
    documents: tuple[DocSpec, ...]


@dataclass(frozen=True)
class WorldSpec:
    cases: tuple[CaseSpec, ...]
    mark_after_meeting: bool  # secrecy marked after the agenda and minutes went public
    dump_before_marking: bool = False  # the nightly dump was written before the secrecy marks


@st.composite
def doc_specs(draw) -> DocSpec:
    direction = draw(st.sampled_from(DIRECTIONS))
    kinds = ["organisation", "private"] + (["none"] if direction in OPTIONAL_COUNTERPART else [])
    secret = draw(st.booleans())
    masked = tuple(sorted(draw(st.sets(st.sampled_from(MASKABLE), min_size=1)))) if secret else ()
    return DocSpec(
        direction=direction, counterpart=draw(st.sampled_from(kinds)), text=draw(FREE_TEXT),
        with_file=draw(st.booleans()), secret=secret, masked=masked, lifted=secret and draw(st.booleans()),
        on_agenda=draw(st.booleans()),
    )


worlds = st.builds(
    WorldSpec,
    cases=st.lists(
        st.builds(CaseSpec, organ=st.sampled_from(sorted(ORGANS)),
                  documents=st.lists(doc_specs(), min_size=1, max_size=5).map(tuple)),
        min_size=1, max_size=3,
    ).map(tuple),
    mark_after_meeting=st.booleans(),
    dump_before_marking=st.booleans(),
)


# --- the world, built ----------------------------------------------------------------------------
def _hex() -> str:
    return uuid.uuid4().hex[:20]


@dataclass
class Marker:
    core: str  # the unique part: no output may carry it when the value is masked
    value: str  # the whole stored value
    field: str  # "counterpart", "description", "file" (content) or "filename"
    doc: Doc

    @property
    def hidden(self) -> bool:
        d = self.doc
        if self.field == "counterpart":
            return d.spec.counterpart == "private" or (d.secret_now and "counterpart" in d.spec.masked)
        if self.field == "description":
            return d.secret_now and "description" in d.spec.masked
        return d.secret_now  # a secret document's files are never handed out

    def __str__(self):
        state = "masked" if self.hidden else "public"
        return f"{self.field} of {self.doc.reference} ({state}, spec {self.doc.spec})"


@dataclass
class Doc:
    spec: DocSpec
    obj: Document
    case_pk: int
    reference: str
    markers: list[Marker] = field(default_factory=list)
    file_ids: list[int] = field(default_factory=list)

    @property
    def secret_now(self) -> bool:
        return self.spec.secret and not self.spec.lifted


@dataclass
class World:
    org: object
    organs: dict
    cases: list
    docs: list[Doc]
    meetings: list
    decisions: list

    @property
    def markers(self) -> list[Marker]:
        return [m for d in self.docs for m in d.markers]


def _mark(registrar, doc: Doc) -> None:
    registry.document_mark_secret(actor=registrar, document=doc.obj, ground="OSL 21 kap. 1 §",
                                  masked_fields=list(doc.spec.masked))


def build(spec: WorldSpec) -> World:
    org = f.organisation()
    registrar = f.registrar(org)
    organs = {code: f.organ(org, code=code, name=name, kind=kind) for code, (name, kind) in ORGANS.items()}
    cases, docs = [], []
    for i, case_spec in enumerate(spec.cases, start=1):
        case = f.case(registrar, organs[case_spec.organ], title=f"Ärende {i} om öppna data")
        cases.append((case, case_spec))
        for d in case_spec.documents:
            core_cp, core_desc, core_file, core_name = (f"HEMLIG-{_hex()}" for _ in range(4))
            private_hex = _hex()
            if d.counterpart == "organisation":
                counterpart = f"Bolaget {core_cp} {d.text} AB"
            elif d.counterpart == "private":
                counterpart = f"Privat Person {private_hex}"
            else:
                counterpart = ""
            files = []
            if d.with_file:
                files = [f.text_file(f"bilaga-{core_name}.txt", f"Filinnehåll {core_file}\nÄrende {i}\n")]
            obj = f.document(registrar, case, direction=d.direction, counterpart=counterpart,
                             counterpart_is_private=d.counterpart == "private",
                             description=f"{core_desc} {d.text}", files=files)
            obj.refresh_from_db()
            doc = Doc(spec=d, obj=obj, case_pk=case.pk, reference=obj.reference,
                      file_ids=list(obj.files.values_list("pk", flat=True)))
            doc.markers.append(Marker(core_desc, obj.description, "description", doc))
            if d.counterpart != "none":
                core = private_hex if d.counterpart == "private" else core_cp
                doc.markers.append(Marker(core, obj.counterpart, "counterpart", doc))
            if d.with_file:
                doc.markers.append(Marker(core_file, f"Filinnehåll {core_file}", "file", doc))
                doc.markers.append(Marker(core_name, f"bilaga-{core_name}.txt", "filename", doc))
            docs.append(doc)

    if spec.dump_before_marking and not spec.mark_after_meeting:
        dumped_files()
    if not spec.mark_after_meeting:
        for doc in docs:
            if doc.spec.secret:
                _mark(registrar, doc)

    # One meeting per organ with cases: notice published, held, minutes adjusted.
    meetings, decided = [], []
    day = timezone.localdate() - dt.timedelta(days=20)
    for code, organ in organs.items():
        organ_cases = [(c, s) for c, s in cases if s.organ == code]
        if not organ_cases:
            continue
        chair = f.person(org, f"Ordförande {code}")
        adjuster = f.person(org, f"Justerare {code}")
        meeting = f.meeting(registrar, organ, day, members=[(chair, "chair"), (adjuster, "member")], chair=chair,
                            adjusters=[adjuster], start_time=dt.time(13, 0), place=f"Sal {code}, Stadshuset")
        items = []
        for case, _case_spec in organ_cases:
            supporting = [d.obj for d in docs if d.case_pk == case.pk and d.spec.on_agenda]
            items.append(decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, title=case.title,
                                                   documents=supporting,
                                                   secrecy_review_reason="Underlag för ledamöterna."))
        decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
        meeting.refresh_from_db()
        decisions.meeting_open(actor=registrar, meeting=meeting)
        meeting.refresh_from_db()
        for item in items:
            decided.append(decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item,
                                                     text="Ärendet anses besvarat."))
        f.adjust(registrar, meeting)
        meetings.append(meeting)

    if spec.dump_before_marking and spec.mark_after_meeting:
        dumped_files()
    for doc in docs:
        if doc.spec.secret and spec.mark_after_meeting:
            _mark(registrar, doc)
        if doc.spec.lifted:
            registry.document_lift_secrecy(actor=registrar, document=doc.obj, reason="Sekretessen har upphört")
    return World(org=org, organs=organs, cases=[c for c, _ in cases], docs=docs, meetings=meetings,
                 decisions=decided)


# --- reading every public output ---------------------------------------------------------------
def _optional(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def seeds(world: World) -> list[str]:
    urls = ["/", reverse("registry:case_list"), reverse("decisions:meeting_list"), reverse("decisions:notice_board"),
            reverse("plans:plan_list"), reverse("opendata:index"), reverse("opendata:register_feed"),
            reverse("opendata:oparl_system"), reverse("opendata:dcat"),
            "/api/cases?limit=100", "/api/meetings", "/api/organs", "/api/people", "/api/plans", "/api/assignments"]
    for name in ("registry:document_list", "api:document_list"):  # the document-level register, once it exists
        url = _optional(name)
        if url:
            urls.append(url)
    urls += dataset_urls(world.org.slug)
    for code, organ in world.organs.items():
        urls += [f"{reverse('opendata:register_feed')}?organ={code}",
                 reverse("opendata:decision_feed", args=[code]), reverse("opendata:minutes_feed", args=[code]),
                 reverse("opendata:meeting_calendar", args=[code]), f"/api/organs/{organ.pk}/memberships"]
    for case in world.cases:
        urls += [reverse("registry:case_detail", args=[case.pk]), reverse("registry:case_history", args=[case.pk]),
                 f"/api/cases/{case.pk}", f"/api/cases/{case.pk}/documents", f"/api/cases/{case.pk}/events",
                 f"/api/cases/{case.pk}/officer-reports", f"/api/cases/{case.pk}/chain",
                 f"/api/cases/{case.pk}/remiss"]
    for doc in world.docs:
        urls += [reverse("registry:document_detail", args=[doc.obj.pk]),
                 reverse("registry:document_copy_request", args=[doc.obj.pk]), f"/api/documents/{doc.obj.pk}"]
        for pk in doc.file_ids:
            urls += [reverse("registry:file_download", args=[pk]), f"/api/files/{pk}/content"]
    for meeting in world.meetings:
        urls += [reverse("decisions:meeting_detail", args=[meeting.pk]), reverse("decisions:minutes", args=[meeting.pk]),
                 f"/api/meetings/{meeting.pk}"]
    for decision in world.decisions:
        urls += [reverse("decisions:decision_detail", args=[decision.pk]), f"/api/decisions/{decision.pk}"]
    return urls


# --- the checks ------------------------------------------------------------------------------------
def leaks(outputs: dict[str, Output], markers: list[Marker]) -> list[str]:
    found = []
    hidden = [(m, encodings(m.value)) for m in markers if m.hidden]
    for url, out in outputs.items():
        folded = out.text.casefold()
        for marker, forms in hidden:
            if marker.core.casefold() in folded or any(form in out.text for form in forms):
                found.append(f"{url}: {marker}")
    return found


def _contains(outputs, url, core) -> bool:
    return url in outputs and core in outputs[url].text


def missing_public_values(world: World, outputs: dict[str, Output]) -> list[str]:
    """Public values that do not appear where the public register shows them."""
    missing = []
    register = [reverse("opendata:register_feed")] + [
        reverse(f"opendata:dataset_{fmt}", args=["register"]) for fmt in ("csv", "json")]
    register += [url for url in outputs if url.startswith("dump_datasets:") and "register." in url]
    register += [url for url in outputs if url.endswith("[nightly file]") and "/register." in url]
    assert len(register) >= 7, register  # the feed, two downloads live and two from the file, two dumped files
    meetings = {m.pk for m in world.meetings}
    oparl = "\n".join(o.text for url, o in outputs.items() if url.startswith("/oparl/"))
    for doc in world.docs:
        pk = doc.obj.pk
        pages = [reverse("registry:case_detail", args=[doc.case_pk]), reverse("registry:document_detail", args=[pk]),
                 reverse("registry:document_copy_request", args=[pk]), f"/api/documents/{pk}",
                 f"/api/cases/{doc.case_pk}/documents"]
        for marker in doc.markers:
            if marker.hidden:
                continue
            if marker.field in ("counterpart", "description"):
                where = pages + register
            elif marker.field == "filename":
                where = pages[:2] + [f"/api/documents/{pk}"]
            else:
                where = [reverse("registry:file_download", args=[fid]) for fid in doc.file_ids]
                where += [f"/api/files/{fid}/content" for fid in doc.file_ids]
            missing += [f"{url}: {marker}" for url in where if not _contains(outputs, url, marker.core)]
            if doc.spec.on_agenda and not doc.secret_now and marker.field == "description":
                for meeting_pk in meetings:
                    url = reverse("decisions:meeting_detail", args=[meeting_pk])
                    if doc.obj.case.organ_id == _meeting_organ(world, meeting_pk) and not _contains(
                            outputs, url, marker.core):
                        missing.append(f"{url}: {marker}")
                if doc.spec.with_file and marker.core not in oparl:
                    missing.append(f"OParl File: {marker}")
            if doc.spec.on_agenda and not doc.secret_now and marker.field == "filename" and marker.core not in oparl:
                missing.append(f"OParl File: {marker}")
    return missing


def _meeting_organ(world: World, meeting_pk: int) -> int:
    return next(m.organ_id for m in world.meetings if m.pk == meeting_pk)


def secret_files_handed_out(world: World, outputs: dict[str, Output]) -> list[str]:
    out = []
    for doc in world.docs:
        for fid in doc.file_ids:
            for url in (reverse("registry:file_download", args=[fid]), f"/api/files/{fid}/content"):
                status = outputs[url].status
                if doc.secret_now and status == 200:
                    out.append(f"{url}: file of secret {doc.reference} handed out")
                if not doc.secret_now and status != 200:
                    out.append(f"{url}: file of public {doc.reference} refused ({status})")
    return out


def read_everything(client, world: World) -> dict[str, Output]:
    """Every public output: the crawl (datasets streamed live, or from a nightly
    file written before the secrecy marks), then the files `dump_datasets`
    writes now and the downloads served from them."""
    outputs = crawl(client, seeds(world))
    outputs.update(dumped_files())
    for url in dataset_urls(world.org.slug):
        outputs[f"{url} [nightly file]"] = out = fetch(client, url)
        assert out.status == 200, (url, out.status)
    # Every seed that is a public page answers 200 (files are checked separately).
    for url in seeds(world):
        if url == "/" or "/filer/" in url or url.startswith("/api/files/"):
            continue
        assert outputs[url].status == 200, (url, outputs[url].status, outputs[url].text[:300])
    return outputs


def search_problems(client, world: World) -> list[str]:
    """The document register's free-text search must not find a document by a
    value it masks (an oracle: the hit itself tells the value), and must find it
    by one it shows. Checked where the search exists (the document register)."""
    problems = []
    pages, api = _optional("registry:document_list"), _optional("api:document_list")
    for marker in world.markers:
        if marker.field not in ("counterpart", "description"):
            continue
        q = quote(marker.core)
        hits = {}
        if api:
            out = fetch(client, f"{api}?q={q}&limit=100")
            assert out.status == 200, (api, out.text[:300])
            hits[f"{api}?q="] = marker.doc.obj.pk in {i["id"] for i in json.loads(out.text)["items"]}
        if pages:
            out = fetch(client, f"{pages}?q={q}")
            assert out.status == 200, (pages, out.text[:300])
            link = f'href="{reverse("registry:document_detail", args=[marker.doc.obj.pk])}"'
            hits[f"{pages}?q="] = link in out.text
        for where, hit in hits.items():
            if hit and marker.hidden:
                problems.append(f"{where}<{marker.field}>: finds {marker} by its masked value")
            if not hit and not marker.hidden:
                problems.append(f"{where}<{marker.field}>: does not find {marker} by its public value")
    return problems


def check(client, world: World) -> dict[str, Output]:
    problems = search_problems(client, world)
    assert not problems, "the document search:\n" + "\n".join(problems)
    outputs = read_everything(client, world)
    problems = leaks(outputs, world.markers)
    assert not problems, "masked values in public outputs:\n" + "\n".join(problems)
    problems = secret_files_handed_out(world, outputs)
    assert not problems, "\n".join(problems)
    problems = missing_public_values(world, outputs)
    assert not problems, "public values missing from the public register:\n" + "\n".join(problems)
    return outputs


@pytest.fixture
def public_client(client, settings):
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "off"
    return client


# --- the property ----------------------------------------------------------------------------------
@hsettings(max_examples=5, deadline=None, database=None, print_blob=True,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=worlds)
def test_no_masked_value_reaches_any_public_output(public_client, spec):
    with rolled_back():
        world = build(spec)
        check(public_client, world)


# --- a fixed world: every masked field, every output, and the neutral texts ------------------------
def _spec(**kw) -> DocSpec:
    base = DocSpec(direction="incoming", counterpart="organisation", text="", with_file=True, secret=False,
                   masked=(), lifted=False, on_agenda=True)
    return dataclasses.replace(base, **kw)


FIXED = WorldSpec(cases=(
    CaseSpec("KS", (
        _spec(secret=True, masked=("counterpart", "description")),            # 1 both masked
        _spec(secret=True, masked=("counterpart",), text="& <b>Åsa</b>"),       # 2 sender masked
        _spec(secret=True, masked=("description",), direction="outgoing"),      # 3 description masked
        _spec(counterpart="private", text="x"),                                # 4 private sender
        _spec(counterpart="private", secret=True, masked=("description",)),    # 5 private and secret
    )),
    CaseSpec("BN", (
        _spec(secret=True, masked=("counterpart", "description"), lifted=True),  # 1 secrecy lifted
        _spec(direction="drawn_up", counterpart="none", with_file=False),        # 2 plain public
        _spec(secret=True, masked=("description",), with_file=False, on_agenda=False),  # 3 not on the agenda
    )),
), mark_after_meeting=True)


def test_fixed_world_masks_each_field_in_each_output_with_the_neutral_texts(public_client):
    world = build(FIXED)
    outputs = check(public_client, world)
    ks = world.docs[:5]
    both, sender, desc, private, private_secret = ks
    lifted, plain = world.docs[5], world.docs[6]

    # The register feed: the neutral texts in place of the masked values.
    feed = outputs[reverse("opendata:register_feed")].text
    for doc in (both, sender):
        assert f"<dd>{SECRET_TEXT}</dd>" in _entry(feed, doc)
    assert f"{doc_ref(both)} {SECRET_TEXT}" in feed and f"{doc_ref(desc)} {SECRET_TEXT}" in feed
    assert f"<dd>{PRIVATE_TEXT}</dd>" in _entry(feed, private)
    assert f"<dd>{PRIVATE_TEXT}</dd>" in _entry(feed, private_secret)

    # The dumps, as downloaded and as written by the command.
    sources = [reverse("opendata:dataset_csv", args=["register"]), reverse("opendata:dataset_json", args=["register"])]
    sources += [url for url in outputs if url.startswith("dump_datasets:") and "register." in url]
    for url in sources:
        rows = _register_rows(outputs[url].text, json_=url.endswith(".json"))
        by_ref = {r["reference"]: r for r in rows}
        assert (by_ref[doc_ref(both)]["counterpart"], by_ref[doc_ref(both)]["description"]) == (SECRET_TEXT,
                                                                                                SECRET_TEXT), url
        assert by_ref[doc_ref(sender)]["counterpart"] == SECRET_TEXT, url
        assert by_ref[doc_ref(desc)]["description"] == SECRET_TEXT, url
        assert by_ref[doc_ref(private)]["counterpart"] == PRIVATE_TEXT, url
        assert (by_ref[doc_ref(private_secret)]["counterpart"], by_ref[doc_ref(private_secret)]["description"]) == (
            PRIVATE_TEXT, SECRET_TEXT), url
        assert by_ref[doc_ref(lifted)]["counterpart"] == lifted.obj.counterpart, url
        assert by_ref[doc_ref(plain)]["counterpart"] == "", url

    # The pages: "Sekretessmarkerad uppgift", with the ground beside it.
    for doc in (both, sender, desc):
        page = outputs[reverse("registry:document_detail", args=[doc.obj.pk])].text
        assert SECRET_TEXT in page and "(OSL 21 kap. 1 §)" in page, doc.reference
        assert "Filerna lämnas inte ut" in page
    for doc in (private, private_secret):
        assert PRIVATE_TEXT in outputs[reverse("registry:document_detail", args=[doc.obj.pk])].text

    # The API: null with the *_masked flag.
    api = json.loads(outputs[f"/api/documents/{both.obj.pk}"].text)
    assert api["counterpart"] is None and api["counterpart_masked"] and api["description"] is None
    assert api["description_masked"] and api["content_hidden"] and api["files"] == []
    api = json.loads(outputs[f"/api/documents/{private.obj.pk}"].text)
    assert api["counterpart"] is None and api["counterpart_masked"] and api["counterpart_is_private"] is False

    # Secret supporting documents left the agenda, OParl's File list and the downloads.
    ks_meeting = reverse("decisions:meeting_detail", args=[world.meetings[0].pk])
    assert both.reference not in outputs[ks_meeting].text
    assert private.reference in outputs[ks_meeting].text
    oparl_files = [o for url, o in outputs.items() if url.startswith("/oparl/v1.1/file/")]
    assert {json.loads(o.text)["name"] for o in oparl_files if o.status == 200} == {
        private.obj.description, lifted.obj.description}


# --- the nightly file and a secrecy mark made while it is written ----------------------------------
def test_a_document_marked_secret_while_the_dump_is_written_is_not_served_from_the_file(
        public_client, registrar, ks, monkeypatch):
    case = f.case(registrar, ks, title="Ärende om upphandling")
    core = f"HEMLIG-{_hex()}"
    document = f.document(registrar, case, counterpart="Sambruk", description=f"{core} anbud")
    original = dumps.DATASETS["register"]

    def rows(organisation=None):
        yield from original.rows(organisation)
        # Meanwhile, a registrar marks the document secret: its row is already read.
        registry.document_mark_secret(actor=registrar, document=document, ground="OSL 19 kap. 3 §",
                                      masked_fields=["description"])

    monkeypatch.setitem(dumps.DATASETS, "register", dataclasses.replace(original, rows=rows))
    call_command("dump_datasets", "register", "--format", "csv", stdout=io.StringIO())
    monkeypatch.setitem(dumps.DATASETS, "register", original)
    document.refresh_from_db()
    assert document.is_secret
    served = fetch(public_client, reverse("opendata:dataset_csv", args=["register"]))
    assert served.status == 200
    assert core not in served.text, "the nightly file shows a description masked while it was written"


def doc_ref(doc: Doc) -> str:
    return doc.reference


def _entry(feed: str, doc: Doc) -> str:
    """The Atom entry of a document (its summary, escaped as in the feed, unescaped)."""
    link = f"http://testserver{reverse('registry:document_detail', args=[doc.obj.pk])}"
    for chunk in feed.split("<entry>")[1:]:
        if f'href="{link}"' in chunk:
            return html.unescape(chunk)
    raise AssertionError(f"no feed entry for {doc.reference}")


def _register_rows(text: str, *, json_: bool) -> list[dict]:
    if json_:
        return json.loads(text)
    return list(csv.DictReader(io.StringIO(text)))
