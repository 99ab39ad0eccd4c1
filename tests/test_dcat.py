"""The DCAT-AP-SE catalogue (issue 7, item 5) and the bulk downloads (item 6):
the catalogue validated with the EU DCAT-AP 3.0.1 mandatory SHACL shapes and
checked for the mandatory DCAT-AP-SE fields; the dumps streamed with their
documented columns and never a masked value."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from rdflib import RDF, BNode, Graph, URIRef
from rdflib import namespace as ns

from diarium.accounts.models import Organ
from diarium.decisions import services as decisions
from diarium.opendata import dcat, dumps
from diarium.opendata import services as opendata_services
from diarium.plans import services as plans
from diarium.registry import services as registry

from . import factories as f
from .standards import standards_dir

pytestmark = pytest.mark.django_db

VCARD = dcat.VCARD
STANDARDS = standards_dir() / "dcat"
SHAPES = STANDARDS / "eu_dcat-ap_3.0.1_shacl" / "shapes.ttl"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "OPEN_DATA.md"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"

SECRET_COUNTERPART = "Säkerhetskonsult Hemlig AB"
SECRET_DESCRIPTION = "Sårbarheter i kommunens brandväggar"
PRIVATE_NAME = "Karin Privatsson"
INTERNAL_NOTE = "Intern anteckning: budgeten är osäker"


# --- data -----------------------------------------------------------------------------------
@pytest.fixture
def org():
    return f.organisation(org_number="212000-1512")


@pytest.fixture
def world(org, ks, registrar):
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    case = f.case(registrar, ks, title="Digital målbild för Alingsås kommun – öppen och smart")
    public = f.document(registrar, case, counterpart="Sambruk", counterpart_kind="legal",
                        description="Remissvar från Sambruk")
    secret = f.document(registrar, case, counterpart=SECRET_COUNTERPART, description=SECRET_DESCRIPTION)
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["counterpart", "description"])
    private = f.document(registrar, case, counterpart=PRIVATE_NAME, counterpart_is_private=True,
                         description="Synpunkt på gång- och cykelväg")
    other = f.document(registrar, f.case(registrar, kf, title="Motion om öppna data"), counterpart="Ledamot",
                       description="Motion")

    chair, adjuster = f.person(org, "Daniel Filipsson"), f.person(org, "Simon Waern")
    today = timezone.localdate()
    for person, role in ((chair, "chair"), (adjuster, "member")):
        decisions.membership_add(actor=registrar, organ=ks, person=person, role=role,
                                 start=today - dt.timedelta(days=500))

    def meeting(date, *, publish=True, **kw):
        m = f.meeting(registrar, ks, date, chair=chair, adjusters=[adjuster], **kw)
        item = decisions.agenda_item_add(actor=registrar, meeting=m, case=case, title=case.title)
        if publish:
            decisions.meeting_publish_notice(actor=registrar, meeting=m)
        m.refresh_from_db()
        return m, item

    adjusted, item = meeting(today - dt.timedelta(days=20), start_time=dt.time(13, 0), place="KS-salen")
    adjusted_decision = f.held(registrar, adjusted, item, "Handlingsplan för digital målbild", adjust=True)
    closed, item = meeting(today - dt.timedelta(days=5))
    closed_decision = f.held(registrar, closed, item, "Ej justerat beslut om budget", adjust=False)
    upcoming, _ = meeting(today + dt.timedelta(days=14), place="Stora salen")
    planned, _ = meeting(today + dt.timedelta(days=40), publish=False, place="Hemligt planeringsrum")

    plan = f.plan(registrar, case, ks, title="Handlingsplan för digital målbild")
    owner = f.person(org, "Lena Ansvarig")
    _, _, _, action = f.plan_structure(registrar, plan, person=owner, organ=ks, internal_note=INTERNAL_NOTE)
    plans.plan_adopt(actor=registrar, document=plan)
    # A change after adoption stays in the working copy, out of the dump.
    plans.action_save(actor=registrar, goal=action.goal, title="Ej antagen aktivitet")
    draft = f.plan(registrar, case, ks, title="Utkast som inte är antaget")
    opendata_services.chain_heads_publish()  # today's head of the history (the chain-heads dataset)
    return SimpleNamespace(public=public, secret=secret, private=private, other=other, adjusted=adjusted,
                           adjusted_decision=adjusted_decision, closed=closed, closed_decision=closed_decision,
                           upcoming=upcoming, planned=planned, plan=plan, action=action, draft=draft)


def _content(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _catalogue(client) -> tuple[Graph, bytes]:
    response = client.get(reverse("opendata:dcat"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rdf+xml")
    graph = Graph()
    graph.parse(data=response.content, format="xml")
    return graph, response.content


def _documented_columns(name: str) -> list[str]:
    """The header documented for a dataset in docs/OPEN_DATA.md: the line in a
    ```csv block following the heading that names the file."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"`{name}\.csv`.*?```csv\n(.+?)\n```", text, re.S)
    assert match, f"no documented header for {name}"
    return match.group(1).strip().split(",")


# --- the catalogue --------------------------------------------------------------------------
def test_catalogue_is_rdf_xml_that_passes_the_eu_dcat_ap_mandatory_shapes(client, world):
    from pyshacl import validate

    graph, _ = _catalogue(client)
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _, report = validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, report
    # The shapes do bite: without its title the catalogue no longer conforms.
    catalog = next(graph.subjects(RDF.type, ns.DCAT.Catalog))
    graph.remove((catalog, ns.DCTERMS.title, None))
    assert validate(graph, shacl_graph=shapes, inference="none", advanced=True)[0] is False


def test_catalogue_has_the_mandatory_dcat_ap_se_fields_and_named_absolute_resources(client, org, world):
    g, raw = _catalogue(client)
    catalogs = list(g.subjects(RDF.type, ns.DCAT.Catalog))
    assert catalogs == [URIRef("http://testserver/datasets/dcat")]
    catalog = catalogs[0]
    publisher = URIRef("http://dataportal.se/organisation/SE2120001512")

    def one_or_more(s, p):
        values = list(g.objects(s, p))
        assert values, (s, p)
        return values

    def lang(s, p, language="sv"):
        assert any(getattr(v, "language", None) == language for v in one_or_more(s, p)), (s, p, language)

    # Catalog: title, description, publisher, licence, at least one dataset.
    lang(catalog, ns.DCTERMS.title)
    lang(catalog, ns.DCTERMS.description)
    lang(catalog, ns.DCTERMS.title, "en")
    assert one_or_more(catalog, ns.DCTERMS.publisher) == [publisher]
    assert one_or_more(catalog, ns.DCTERMS.license) == [URIRef("http://creativecommons.org/publicdomain/zero/1.0/")]
    assert one_or_more(catalog, ns.DCTERMS.language) == [
        URIRef("http://publications.europa.eu/resource/authority/language/SWE")]
    datasets = one_or_more(catalog, ns.DCAT.dataset)
    assert len(datasets) == len(dumps.DATASETS) == 5 and set(datasets) == set(g.subjects(RDF.type, ns.DCAT.Dataset))

    # Agent: foaf:name and dcterms:type.
    assert (publisher, RDF.type, ns.FOAF.Agent) in g
    assert str(one_or_more(publisher, ns.FOAF.name)[0]) == org.name
    assert isinstance(one_or_more(publisher, ns.DCTERMS.type)[0], URIRef)

    titles = set()
    distributions = []
    for ds in datasets:
        lang(ds, ns.DCTERMS.title)
        lang(ds, ns.DCTERMS.description)
        titles.add(str(next(t for t in g.objects(ds, ns.DCTERMS.title) if t.language == "sv")))
        assert one_or_more(ds, ns.DCTERMS.publisher) == [publisher]
        for contact in one_or_more(ds, ns.DCAT.contactPoint):
            assert isinstance(contact, URIRef)
            assert one_or_more(contact, VCARD.fn)
            assert str(one_or_more(contact, VCARD.hasEmail)[0]).startswith("mailto:")
        distributions += one_or_more(ds, ns.DCAT.distribution)
    assert any(t.startswith("Offentlig diarieförteckning") for t in titles)
    assert {t.split(" – ")[0] for t in titles} == {d.title_sv for d in dumps.DATASETS.values()}

    # Distribution: accessURL and format, the format an IRI of the EU file-type vocabulary.
    formats = set()
    for dist in distributions:
        assert one_or_more(dist, ns.DCAT.accessURL)
        for fmt in one_or_more(dist, ns.DCTERMS.format):
            assert isinstance(fmt, URIRef) and str(fmt).startswith(FILE_TYPE)
            formats.add(str(fmt))
    assert formats == {FILE_TYPE + "CSV", FILE_TYPE + "JSON"}
    downloads = {str(u) for d in distributions for u in g.objects(d, ns.DCAT.downloadURL)}
    for name in dumps.DATASETS:
        assert f"http://testserver/datasets/{name}.csv" in downloads
        assert f"http://testserver/datasets/{name}.json" in downloads

    # DataService: title, endpointURL, format; the OParl API.
    services = list(g.subjects(RDF.type, ns.DCAT.DataService))
    assert len(services) == 1
    service = services[0]
    lang(service, ns.DCTERMS.title)
    assert one_or_more(service, ns.DCAT.endpointURL) == [URIRef("http://testserver/oparl/v1.1/")]
    assert one_or_more(service, ns.DCTERMS.format) == [URIRef(FILE_TYPE + "JSON")]
    assert any((d, ns.DCAT.accessService, service) in g for d in distributions)

    # No blank nodes anywhere, every IRI absolute.
    for triple in g:
        for term in triple:
            assert not isinstance(term, BNode), triple
            if isinstance(term, URIRef):
                assert re.match(r"^(https?|mailto):", str(term)), term
    for kind in (ns.DCAT.Catalog, ns.DCAT.Dataset, ns.DCAT.Distribution, ns.DCAT.DataService, ns.FOAF.Agent, VCARD.Organization):
        assert all(isinstance(s, URIRef) for s in g.subjects(RDF.type, kind))

    # The catalogue says nothing masked, whatever the data.
    for value in (SECRET_COUNTERPART, SECRET_DESCRIPTION, PRIVATE_NAME):
        assert value.encode() not in raw


def test_catalogue_is_cacheable_and_names_the_organisation_when_there_are_several(client, org, world):
    url = reverse("opendata:dcat")
    response = client.get(url)
    assert response["ETag"] and "public" in response["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    f.organisation(name="Vårgårda kommun", slug="vargarda")  # no organisation number
    assert client.get(url).status_code == 404
    g = Graph().parse(data=client.get(url, {"organisation": "vargarda"}).content, format="xml")
    catalog = next(g.subjects(RDF.type, ns.DCAT.Catalog))
    assert str(catalog) == "http://testserver/datasets/dcat?organisation=vargarda"
    publisher = next(g.objects(catalog, ns.DCTERMS.publisher))
    assert isinstance(publisher, URIRef) and str(publisher).startswith("http://testserver/")
    assert "http://testserver/datasets/register.csv?organisation=vargarda" in {
        str(u) for u in g.objects(None, ns.DCAT.downloadURL)}
    assert client.get(url, {"organisation": "finnsinte"}).status_code == 404


def test_publisher_uri_takes_the_digits_of_the_organisation_number(org):
    assert dcat.publisher_uri(org) == "http://dataportal.se/organisation/SE2120001512"
    org.org_number = "SE 212000 1512"
    assert dcat.publisher_uri(org) == "http://dataportal.se/organisation/SE2120001512"


# --- the dumps ------------------------------------------------------------------------------
def _csv(client, name, **params):
    response = client.get(reverse("opendata:dataset_csv", args=[name]), params)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = _content(response)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]], raw


def _json(client, name, **params):
    response = client.get(reverse("opendata:dataset_json", args=[name]), params)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    raw = _content(response)
    return json.loads(raw), raw


@pytest.mark.parametrize("name", list(dumps.DATASETS))
def test_each_dump_has_the_documented_columns_in_csv_and_json(client, world, name):
    documented = _documented_columns(name)
    header, rows, _ = _csv(client, name)
    assert header == documented == list(dumps.DATASETS[name].columns)
    data, _ = _json(client, name)
    assert isinstance(data, list) and len(data) == len(rows) > 0
    assert all(list(obj) == documented for obj in data)


def test_register_dump_masks_exactly_as_the_public_register(client, world):
    header, rows, raw = _csv(client, "register")
    data, raw_json = _json(client, "register")
    assert [r["reference"] for r in rows] == [d.reference for d in
                                              (world.public, world.secret, world.private, world.other)]
    by_ref = {r["reference"]: r for r in rows}
    secret = by_ref[world.secret.reference]
    assert secret["counterpart"] == "Sekretessmarkerad uppgift"
    assert secret["description"] == "Sekretessmarkerad uppgift"
    assert secret["secrecy_marked"] == "true"
    private = by_ref[world.private.reference]
    assert private["counterpart"] == "Privatperson"
    assert private["description"] == "Synpunkt på gång- och cykelväg"
    public = by_ref[world.public.reference]
    assert public["counterpart"] == "Sambruk" and public["description"] == "Remissvar från Sambruk"
    assert public["secrecy_marked"] == "false" and public["organ_code"] == "KS"
    assert public["url"] == "http://testserver" + reverse("registry:document_detail", args=[world.public.pk])
    assert public["document_date"] == "2018-06-12"
    json_secret = next(d for d in data if d["reference"] == world.secret.reference)
    assert json_secret["secrecy_marked"] is True and json_secret["counterpart"] == "Sekretessmarkerad uppgift"
    for blob in (raw, raw_json):
        for value in (SECRET_COUNTERPART, SECRET_DESCRIPTION, PRIVATE_NAME):
            assert value.encode() not in blob
            assert json.dumps(value).encode() not in blob  # nor \u-escaped


def test_decisions_dump_holds_only_decisions_of_adjusted_minutes(client, world):
    _, rows, _ = _csv(client, "decisions")
    assert [r["title"] for r in rows] == ["Handlingsplan för digital målbild"]
    row = rows[0]
    d = world.adjusted_decision
    assert row["reference"] == d.reference and row["paragraph"] == str(d.paragraph)
    assert row["meeting_date"] == world.adjusted.date.isoformat()
    assert row["appeal_ends_on"] == world.adjusted.minutes.appeal_ends_on.isoformat()
    assert row["text"] == "Handlingsplanen godkänns.\nKommunfullmäktige informeras."


def test_meetings_dump_holds_meetings_with_published_notices(client, world):
    _, rows, raw = _csv(client, "meetings")
    assert [r["date"] for r in rows] == [m.date.isoformat() for m in (world.adjusted, world.closed, world.upcoming)]
    assert b"Hemligt planeringsrum" not in raw
    adjusted, closed = rows[0], rows[1]
    assert adjusted["place"] == "KS-salen" and adjusted["start_time"] == "13:00:00"
    assert adjusted["minutes_adjusted_at"] and adjusted["appeal_ends_on"]
    assert closed["minutes_adjusted_at"] == "" and closed["appeal_ends_on"] == ""


def test_plans_dump_holds_the_adopted_version_only(client, world):
    _, rows, raw = _csv(client, "plans")
    data, raw_json = _json(client, "plans")
    years = world.plan.years
    assert [(r["action_title"], r["budget_year"]) for r in rows] == [
        ("Införa e-tjänsteplattform", str(y)) for y in years]
    first = rows[0]
    assert first["plan_title"] == "Handlingsplan för digital målbild" and first["version"] == "1"
    assert first["operating"] == "250000.00" and first["investment"] == "100000.00"
    assert first["responsible_organ"] == "Kommunstyrelsen" and first["focus_area"] == "Öppen och smart"
    assert data[0]["operating"] == "250000.00" and data[0]["budget_year"] == years[0]
    for blob in (raw, raw_json):
        assert INTERNAL_NOTE.encode() not in blob
        assert "Ej antagen aktivitet".encode() not in blob
        assert "Utkast som inte är antaget".encode() not in blob


def test_dumps_filter_by_organisation_and_unknown_names_are_404(client, world):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    _, rows, _ = _csv(client, "register", organisation=other.slug)
    assert rows == []
    data, _ = _json(client, "register", organisation=other.slug)
    assert data == []
    assert client.get(reverse("opendata:dataset_csv", args=["finnsinte"])).status_code == 404
    assert client.get(reverse("opendata:dataset_csv", args=["register"]),
                      {"organisation": "finnsinte"}).status_code == 404
    assert client.post(reverse("opendata:dataset_csv", args=["register"])).status_code == 405


def test_dumps_stream_from_a_server_side_iterator(world, django_assert_max_num_queries, monkeypatch):
    """Rows come from .iterator(chunk_size=…) and the writers yield several
    chunks, never the whole file at once."""
    seen = []
    from django.db.models.query import QuerySet

    original = QuerySet.iterator

    def spy(self, chunk_size=None):
        seen.append((self.model.__name__, chunk_size))
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    with django_assert_max_num_queries(3):
        chunks = list(dumps.csv_chunks(dumps.register_rows(), dumps.REGISTER_COLUMNS, batch=1))
    assert ("Document", dumps.CHUNK) in seen
    assert len(chunks) == 4 + 1  # a chunk a row (batch=1) and the rest
    for name in ("decisions", "meetings", "plans"):
        list(dumps.chunks(name, "json"))
    assert {m for m, size in seen if size == dumps.CHUNK} >= {"Document", "Decision", "Meeting",
                                                              "SteeringDocument"}


def test_dump_datasets_command_writes_every_dump_to_the_storage(world):
    out = io.StringIO()
    call_command("dump_datasets", stdout=out)
    for name in dumps.DATASETS:
        for fmt in ("csv", "json"):
            path = f"opendata/{name}.{fmt}"
            assert default_storage.exists(path), path
    with default_storage.open("opendata/register.csv") as fh:
        text = fh.read().decode("utf-8")
    assert text.splitlines()[0] == ",".join(dumps.REGISTER_COLUMNS)
    assert "Sekretessmarkerad uppgift" in text and SECRET_DESCRIPTION not in text
    # Run again: the files are replaced, not renamed aside.
    call_command("dump_datasets", "register", "--format", "json", stdout=out)
    assert default_storage.listdir("opendata")[1].count("register.json") == 1


def test_the_worker_schedule_writes_the_dumps_daily(world):
    from diarium.core import tasks

    assert any(job.task == "diarium.opendata.tasks.dump_datasets" and job.every == dt.timedelta(days=1)
               for job in tasks.PERIODIC)
    assert "opendata.dumps" in tasks.schedule_due()  # tasks run at once in the tests
    assert default_storage.exists("opendata/plans.json")
    assert "opendata.dumps" not in tasks.schedule_due()  # not again within the day


def test_downloads_serve_the_nightly_dump_with_validators_until_something_is_masked(client, world, registrar):
    call_command("dump_datasets", stdout=io.StringIO())
    url = reverse("opendata:dataset_csv", args=["register"])
    first = client.get(url)
    text = _content(first).decode("utf-8")
    assert "Remissvar från Sambruk" in text and SECRET_DESCRIPTION not in text
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    # The night's file is what is served: a document registered since waits for the next dump.
    f.document(registrar, world.public.case, counterpart="Ny avsändare AB", description="Inkom efter natten")
    assert "Inkom efter natten" not in _content(client.get(url)).decode("utf-8")
    # But a document masked since must not be handed out from the old file: the live data is served.
    registry.document_mark_secret(actor=registrar, document=world.public, ground="OSL 21 kap. 1 §",
                                  masked_fields=["description"])
    live = client.get(url)
    text = _content(live).decode("utf-8")
    assert "Remissvar från Sambruk" not in text and "Inkom efter natten" in text
    assert not live.has_header("ETag")
