"""OParl 1.1 API: crawl System → Body → every list and object, validate each
object against the official schemas (../shared/standards/oparl/1.1), and
check pagination, filters, and that nothing non-public leaks."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest

from diarium.accounts import services as accounts
from diarium.accounts.models import Organ
from diarium.decisions import services as decisions
from diarium.decisions.models import Membership
from diarium.registry import services as registry

from . import factories as f
from .standards import standards_dir

pytestmark = pytest.mark.django_db

SCHEMA_DIR = standards_dir() / "oparl" / "1.1"
BASE = "http://testserver/oparl/v1.1/"
SECRET_TEXT = "Utredning om enskild person"
PRIVATE_NAME = "Privata Person Andersson"
UNADJUSTED_TEXT = "Ej justerat beslut om budget"


def _rewrite(node):
    """The schemas name embedded objects with a custom `schema` keyword: make it a $ref."""
    if isinstance(node, dict):
        out = {k: _rewrite(v) for k, v in node.items() if k != "schema"}
        if isinstance(node.get("schema"), str):
            out["$ref"] = node["schema"]
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def _validators():
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    schemas = {p.name: _rewrite(json.loads(p.read_text())) for p in SCHEMA_DIR.glob("*.json")}
    registry_ = Registry().with_resources(
        (name, Resource.from_contents(s, default_specification=DRAFT7)) for name, s in schemas.items())
    checker = jsonschema.FormatChecker()

    @checker.checks("url")
    def _url(value):
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.netloc)

    return {name[:-5]: jsonschema.Draft7Validator(s, registry=registry_, format_checker=checker)
            for name, s in schemas.items()}


VALIDATORS = _validators()


def _stamps(obj):
    """created and modified on every object, embedded ones too."""
    if isinstance(obj, dict):
        if "type" in obj and str(obj["type"]).startswith("https://schema.oparl.org/1.1/"):
            assert "created" in obj and "modified" in obj, obj
            for k in ("created", "modified"):
                assert dt.datetime.fromisoformat(obj[k]).tzinfo is not None
        for v in obj.values():
            _stamps(v)
    elif isinstance(obj, list):
        for v in obj:
            _stamps(v)


def _validate(obj):
    kind = obj["type"].rsplit("/", 1)[1]
    if obj.get("deleted"):
        # The spec: a deleted object keeps id, type and created, and gets deleted and a new modified;
        # the schemas' required fields (File.accessUrl …) no longer apply.
        assert set(obj) == {"id", "type", "created", "modified", "deleted"} and kind in VALIDATORS, obj
    else:
        VALIDATORS[kind].validate(obj)
    _stamps(obj)


@pytest.fixture
def data(org, ks, registrar, settings):
    """KSAU → KS → KF: an officer's report to KSAU, forwarded to KS and KF;
    KSAU and KS adjusted, KF not; a secret document and a private sender."""
    settings.DIARIUM_OPARL_PAGE_SIZE = 2
    ksau = f.organ(org, code="KSAU", name="Arbetsutskottet", kind=Organ.Kind.COMMITTEE, parent=ks)
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    chair = accounts.person_create(organisation=org, name="Daniel Filipsson", title="Ordförande")
    adjuster = accounts.person_create(organisation=org, name="Ann Ludvigsson", title="Ledamot")
    accounts.person_create(organisation=org, name="Tjänsteperson Utan Uppdrag", email="t@alingsas.se")
    for organ in (ksau, ks, kf):
        decisions.membership_add(actor=registrar, organ=organ, person=chair, role=Membership.Role.CHAIR,
                                 start=dt.date(2015, 1, 1), party="S")
        decisions.membership_add(actor=registrar, organ=organ, person=adjuster, role=Membership.Role.MEMBER,
                                 start=dt.date(2015, 1, 1), end=dt.date(2030, 12, 31))
    case = f.case(registrar, ks)
    public = f.document(registrar, case, direction="drawn_up", counterpart="", description="Bilaga handlingsplan",
                        files=[f.text_file("plan.txt", "Handlingsplan\n")])
    secret = f.document(registrar, case, description=SECRET_TEXT, files=[f.text_file("hemlig.txt", "Hemligt\n")])
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                  masked_fields=["description"])
    f.document(registrar, case, counterpart=PRIVATE_NAME, counterpart_is_private=True, description="Synpunkt")
    report = decisions.officer_report_create(
        actor=registrar, case=case, title="Digital målbild", addressed_to=ksau, background="Bakgrund.",
        proposals=[decisions.ProposalInput(organ=ksau, text="KSAU föreslår KS.")], report_date=dt.date(2018, 8, 23))

    def meeting(organ, day):
        return decisions.meeting_create(actor=registrar, organ=organ, date=day, start_time=dt.time(13, 0),
                                        place="Stadshuset, sal A", adjusters=[adjuster])

    m1 = meeting(ksau, dt.date(2018, 9, 3))
    item1 = decisions.proposal_to_agenda(actor=registrar, proposal=report.proposals.get(), meeting=m1,
                                         documents=[report.document, public, secret],
                                         secrecy_review_reason="Underlag för ledamöterna.")
    decisions.meeting_publish_notice(actor=registrar, meeting=m1)
    decisions.meeting_open(actor=registrar, meeting=m1)
    decisions.decision_record(actor=registrar, meeting=m1, agenda_item=item1, text="Föreslår KS besluta.",
                              forward=decisions.ForwardInput(organ=ks, text="KS föreslår KF anta."))
    f.adjust(registrar, m1)

    m2 = meeting(ks, dt.date(2018, 9, 24))
    item2 = decisions.proposal_to_agenda(actor=registrar, proposal=case.proposals.get(organ=ks), meeting=m2)
    decisions.meeting_publish_notice(actor=registrar, meeting=m2)
    decisions.meeting_open(actor=registrar, meeting=m2)
    decisions.decision_record(actor=registrar, meeting=m2, agenda_item=item2, text="Föreslår KF anta.",
                              forward=decisions.ForwardInput(organ=kf, text="Digital målbild antas."))
    f.adjust(registrar, m2)

    m3 = meeting(kf, dt.date(2018, 10, 8))
    item3 = decisions.proposal_to_agenda(actor=registrar, proposal=case.proposals.get(organ=kf), meeting=m3)
    decisions.meeting_publish_notice(actor=registrar, meeting=m3)
    decisions.meeting_open(actor=registrar, meeting=m3)
    decisions.decision_record(actor=registrar, meeting=m3, agenda_item=item3, text=UNADJUSTED_TEXT)

    hidden = meeting(kf, dt.date(2018, 11, 5))  # planned: notice not published
    decisions.agenda_item_add(actor=registrar, meeting=hidden, title="Hemlig planering")
    return {"case": case, "report": report, "secret": secret, "public": public, "m1": m1, "m2": m2, "m3": m3,
            "hidden": hidden, "kf": kf, "ks": ks, "ksau": ksau}


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def _same_url(a, b):
    return (urlsplit(a)._replace(query=""), parse_qs(urlsplit(a).query)) == \
        (urlsplit(b)._replace(query=""), parse_qs(urlsplit(b).query))


def _crawl_list(client, url):
    """Every page of a list, checking pagination and links; returns the objects."""
    objects, page, seen = [], 1, set()
    while url:
        body = _get(client, url)
        assert set(body) >= {"data", "links", "pagination"}
        p = body["pagination"]
        assert p["currentPage"] == page and set(p) >= {"totalElements", "elementsPerPage", "totalPages"}
        assert _same_url(body["links"]["self"], url)
        assert "first" in body["links"]
        if page < p["totalPages"]:
            assert "next" in body["links"]
        else:
            assert "next" not in body["links"]
        if page > 1:
            assert "prev" in body["links"]
        for obj in body["data"]:
            _validate(obj)
            assert obj["id"] not in seen
            seen.add(obj["id"])
        objects += body["data"]
        url = body["links"].get("next")
        page += 1
    assert len(objects) == p["totalElements"]
    return objects


def _crawl(client):
    system = _get(client, BASE)
    _validate(system)
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    bodies = _crawl_list(client, system["body"])
    assert len(bodies) == 1
    body = bodies[0]
    assert _get(client, body["id"]) == body
    lists = {}
    for key in ("organization", "person", "meeting", "paper", "agendaItem", "consultation", "file",
                "locationList", "legislativeTermList", "membership"):
        lists[key] = _crawl_list(client, body[key])
        for obj in lists[key]:
            alone = _get(client, obj["id"])
            _validate(alone)
            assert alone == obj
    return system, body, lists


def test_crawl_validates_every_object_and_shows_only_public_data(data, client):
    system, body, lists = _crawl(client)
    dump = json.dumps([system, body, lists], ensure_ascii=False)
    assert SECRET_TEXT not in dump and PRIVATE_NAME not in dump and "hemlig.txt" not in dump
    assert UNADJUSTED_TEXT not in dump and "Hemlig planering" not in dump
    assert "Tjänsteperson" not in dump and "t@alingsas.se" not in dump
    assert {o["shortName"] for o in lists["organization"]} == {"KS", "KSAU", "KF"}
    for organization in lists["organization"]:
        for m in _crawl_list(client, organization["meeting"]):
            assert m["organization"] == [organization["id"]]
    assert len(lists["meeting"]) == 3 and len(lists["locationList"]) == 3
    assert [t["startDate"] for t in body["legislativeTerm"]] == ["2014-10-15", "2018-10-15", "2022-10-15"]
    # decisions: on agenda items of adjusted minutes only
    results = {i["meeting"]: i.get("resolutionText") for i in lists["agendaItem"]}
    assert "Föreslår KS besluta." in results[f"{BASE}meeting/{data['m1'].pk}/"]
    assert results[f"{BASE}meeting/{data['m3'].pk}/"] is None
    # the paper with its consultations KSAU → KS → KF
    [paper] = lists["paper"]
    assert paper["reference"] == data["case"].diary_number
    organs = [c["organization"][0] for c in paper["consultation"]]
    assert organs == [f"{BASE}organization/{o.pk}/" for o in (data["ksau"], data["ks"], data["kf"])]
    assert [c.get("authoritative") for c in paper["consultation"]] == [False, False, None]
    assert paper["mainFile"]["accessUrl"].startswith("http://testserver/filer/")
    # the licence of the data, which validators (liboparl) expect on System and Body
    assert system["license"] == body["license"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    # files: the report and the public attachment, never the secret one; each downloadable from
    # downloadUrl and shown by the browser from accessUrl, which must not send an attachment (OParl 2-07)
    names = {fl["fileName"] for fl in lists["file"]}
    assert names == {"tjansteskrivelse.pdf", "plan.txt"}
    for fl in lists["file"]:
        downloaded, shown = client.get(fl["downloadUrl"]), client.get(fl["accessUrl"])
        assert downloaded.status_code == shown.status_code == 200
        assert downloaded["Content-Disposition"].startswith("attachment")
        assert shown["Content-Disposition"].startswith("inline")
    # hidden objects are not reachable by id either
    _get(client, f"{BASE}meeting/{data['hidden'].pk}/", status=404)
    secret_file = data["secret"].files.get()
    _get(client, f"{BASE}file/{secret_file.pk}/", status=404)


def test_filters_are_applied_and_kept_in_links(data, client):
    body = _get(client, f"{BASE}body/")["data"][0]
    meetings = _crawl_list(client, body["meeting"])
    latest = max(m["modified"] for m in meetings)
    since = f"{body['meeting']}?modified_since=2000-01-01T00:00:00%2B00:00&omit_internal=1"
    page = _get(client, since)
    assert parse_qs(urlsplit(page["links"]["next"]).query)["modified_since"] == ["2000-01-01T00:00:00+00:00"]
    assert "omit_internal=1" in page["links"]["next"]
    assert all("agendaItem" not in m for m in page["data"])
    all_since = _crawl_list(client, since)
    assert len(all_since) == 3
    after = dt.datetime.fromisoformat(latest) + dt.timedelta(seconds=1)
    none = _get(client, f"{body['meeting']}?modified_since={after.isoformat().replace('+', '%2B')}")
    assert none["data"] == [] and none["pagination"]["totalElements"] == 0
    until = _get(client, f"{body['meeting']}?created_until=2000-01-01T00:00:00Z")
    assert until["pagination"]["totalElements"] == 0
    query = parse_qs(urlsplit(until["links"]["self"]).query)
    assert query["created_until"] == ["2000-01-01T00:00:00Z"]
    _get(client, f"{body['meeting']}?created_since=igår", status=400)


def test_system_without_data(client):
    system = _get(client, BASE)
    _validate(system)
    bodies = _get(client, system["body"])
    assert bodies["data"] == [] and "next" not in bodies["links"]


def test_agenda_items_carry_public_supporting_files_only(data, client):
    item = _get(client, f"{BASE}agendaItem/{data['m1'].items.get().pk}/")
    _validate(item)
    assert {fl["fileName"] for fl in item["auxiliaryFile"]} == {"tjansteskrivelse.pdf", "plan.txt"}
    meeting = _get(client, f"{BASE}meeting/{data['m1'].pk}/?omit_internal")
    assert "agendaItem" not in meeting and "location" not in meeting
    _validate(meeting)


def test_responses_are_cacheable_with_etag(data, client):
    url = f"{BASE}body/{data['ks'].organisation_id}/meeting/"
    first = client.get(url)
    assert first.has_header("ETag")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def _query_counts(client, org_id):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for kind in ("organization", "person", "membership", "meeting", "agendaItem", "consultation", "paper", "file",
                 "location", "legislativeTerm"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{BASE}body/{org_id}/{kind}/").status_code == 200
        counts[kind] = len(ctx.captured_queries)
    return counts


def test_list_pages_take_a_bounded_number_of_queries(data, client, settings, registrar):
    """No N+1: the queries of a list page do not grow with the objects on it."""
    settings.DIARIUM_OPARL_PAGE_SIZE = 100
    org_id = data["ks"].organisation_id
    before = _query_counts(client, org_id)
    assert max(before.values()) <= 12
    for n in range(4):
        case = f.case(registrar, data["ks"], title=f"Ärende {n}")
        doc = f.document(registrar, case, direction="drawn_up", counterpart="", description=f"Underlag {n}",
                         files=[f.text_file(f"u{n}.txt", "Underlag\n")])
        report = decisions.officer_report_create(
            actor=registrar, case=case, title=f"Rapport {n}", addressed_to=data["ks"], background="B.",
            proposals=[decisions.ProposalInput(organ=data["ks"], text="Bifall.")])
        m = decisions.meeting_create(actor=registrar, organ=data["ks"], date=dt.date(2019, 1, 10 + n),
                                     place=f"Sal {n}")
        decisions.proposal_to_agenda(actor=registrar, proposal=report.proposals.get(), meeting=m,
                                     documents=[report.document, doc])
        decisions.agenda_item_add(actor=registrar, meeting=m, title="Information")
        decisions.meeting_publish_notice(actor=registrar, meeting=m)
    assert _query_counts(client, org_id) == before


def test_list_pages_leave_no_reference_cycles(data, client, settings):
    """A served page is freed as soon as it is sent. Objects in reference cycles
    (a meeting holding its items and each item its meeting, a reverse one-to-one
    cached both ways) wait for Python's full garbage collection instead, which
    took 20 ms every tenth page of 100 meetings: the slowest pages a client sees."""
    import gc

    from django.db.models import Model

    from diarium.opendata.oparl import Row

    settings.DIARIUM_OPARL_PAGE_SIZE = 100
    org_id = data["ks"].organisation_id
    for kind in ("meeting", "agendaItem", "consultation", "paper", "file", "person", "location"):
        assert client.get(f"{BASE}body/{org_id}/{kind}/").status_code == 200  # warm: caches filled once
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            assert client.get(f"{BASE}body/{org_id}/{kind}/").status_code == 200
            gc.collect()
            cyclic = [o for o in gc.garbage if isinstance(o, (Row, Model))]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert cyclic == [], f"{kind}: {len(cyclic)} objects freed only by the garbage collector"


@pytest.fixture
def later(monkeypatch):
    """later() moves the clock five minutes on and returns the new time less a
    second (for modified_since): stamps are to the second, and a change made in
    the same second as the data before it could not be told from it."""
    from django.utils import timezone

    real, shift = timezone.now, [dt.timedelta(0)]
    monkeypatch.setattr(timezone, "now", lambda: real() + shift[0])

    def move_on() -> dt.datetime:
        shift[0] += dt.timedelta(minutes=5)
        return timezone.now() - dt.timedelta(seconds=1)

    return move_on


def _since(url, moment):
    return f"{url}?modified_since={moment.isoformat().replace('+', '%2B')}"


def test_withdrawn_objects_stay_as_deleted_and_are_listed_only_for_changes(data, client, registrar, later):
    """A public attachment marked secret afterwards: its File leaves the list but
    keeps its id with deleted: true, and a harvester asking what changed learns it;
    when the secrecy is lifted it is back, modified then."""
    body = _get(client, f"{BASE}body/")["data"][0]
    public_file = data["public"].files.get()
    file_url = f"{BASE}file/{public_file.pk}/"
    before = _get(client, file_url)
    meeting_url, item_url = f"{BASE}meeting/{data['m1'].pk}/", f"{BASE}agendaItem/{data['m1'].items.get().pk}/"
    meeting_before = _get(client, meeting_url)
    marked_at = later()

    registry.document_mark_secret(actor=registrar, document=data["public"], ground="OSL 21 kap. 1 §",
                                  masked_fields=["description"])
    deleted = _get(client, file_url)
    assert deleted == {"id": file_url, "type": "https://schema.oparl.org/1.1/File", "created": before["created"],
                       "modified": deleted["modified"], "deleted": True}
    assert deleted["modified"] >= before["modified"]
    # not in the plain list, nor in the agenda item's files; in the list of changes
    assert file_url not in {o["id"] for o in _crawl_list(client, body["file"])}
    item = _get(client, item_url)
    assert {fl["fileName"] for fl in item["auxiliaryFile"]} == {"tjansteskrivelse.pdf"}
    # the meeting and the agenda item that embedded the file changed with it (OParl 2-08):
    # a client syncing meetings modified since then fetches it again
    meeting = _get(client, meeting_url)
    assert meeting["modified"] == item["modified"] == deleted["modified"] > meeting_before["modified"]
    assert meeting_url in {o["id"] for o in _crawl_list(client, _since(body["meeting"], marked_at))}
    changes = _crawl_list(client, _since(body["file"], marked_at))
    assert [o for o in changes if o.get("deleted")] == [deleted]
    afterwards = marked_at + dt.timedelta(seconds=6)
    assert _get(client, _since(body["file"], afterwards))["data"] == []
    # the document that was secret from the start was never published: no trace of it
    secret_file = data["secret"].files.get()
    _get(client, f"{BASE}file/{secret_file.pk}/", status=404)
    assert f"{BASE}file/{secret_file.pk}/" not in {o["id"] for o in changes}

    registry.document_lift_secrecy(actor=registrar, document=data["public"], reason="Prövad, ingen sekretess")
    back = _get(client, file_url)
    _validate(back)
    assert "deleted" not in back and back["modified"] >= deleted["modified"]
    assert _get(client, meeting_url)["modified"] == back["modified"]  # published again: embedded again
    assert back["id"] in {o["id"] for o in _crawl_list(client, _since(body["file"], marked_at))}


def test_a_new_file_version_withdraws_the_old_one(data, client, registrar):
    body = _get(client, f"{BASE}body/")["data"][0]
    old = data["public"].files.get()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    new = registry.document_file_add(actor=registrar, document=data["public"], replaces=old,
                                     upload=f.text_file("plan.txt", "Handlingsplan, reviderad\n"))
    assert _get(client, f"{BASE}file/{old.pk}/")["deleted"] is True
    _validate(_get(client, f"{BASE}file/{new.pk}/"))
    changes = {o["id"]: o for o in _crawl_list(client, _since(body["file"], start))}
    assert changes[f"{BASE}file/{old.pk}/"]["deleted"] is True
    assert "deleted" not in changes[f"{BASE}file/{new.pk}/"]


def test_a_deleted_membership_is_kept_as_deleted(data, client, later):
    body = _get(client, f"{BASE}body/")["data"][0]
    membership = Membership.objects.filter(organ=data["kf"]).order_by("pk").first()
    url = f"{BASE}membership/{membership.pk}/"
    created = _get(client, url)["created"]
    person_before = _get(client, f"{BASE}person/{membership.person_id}/")
    start = later()
    membership.delete()  # as in the admin
    gone = _get(client, url)
    assert gone["deleted"] is True and gone["created"] == created
    assert url not in {o["id"] for o in _crawl_list(client, body["membership"])}
    assert url in {o["id"] for o in _crawl_list(client, _since(body["membership"], start))}
    person = _get(client, f"{BASE}person/{membership.person_id}/")
    assert url not in {m["id"] for m in person["membership"]}
    # the person embedded the membership: modified with it, and listed as changed (OParl 2-08)
    assert person["modified"] == gone["modified"] > person_before["modified"]
    assert person["id"] in {o["id"] for o in _crawl_list(client, _since(body["person"], start))}


def test_a_deleted_agenda_item_changes_its_meeting_and_paper(data, client, registrar, later):
    """An agenda item deleted from a published meeting (in the admin) is kept as
    deleted, with its consultation; the meeting and the paper that embedded them
    are modified then (OParl 2-08)."""
    body = _get(client, f"{BASE}body/")["data"][0]
    ks = data["ks"]
    report = decisions.officer_report_create(
        actor=registrar, case=data["case"], title="Uppföljning", addressed_to=ks, background="B.",
        proposals=[decisions.ProposalInput(organ=ks, text="Informationen läggs till handlingarna.")])
    m = decisions.meeting_create(actor=registrar, organ=ks, date=dt.date(2018, 12, 3), place="Sal B")
    item = decisions.proposal_to_agenda(actor=registrar, proposal=report.proposals.get(), meeting=m)
    decisions.meeting_publish_notice(actor=registrar, meeting=m)
    meeting_url, paper_url = f"{BASE}meeting/{m.pk}/", f"{BASE}paper/{report.pk}/"
    meeting_before, paper_before = _get(client, meeting_url), _get(client, paper_url)
    assert [c["id"] for c in paper_before["consultation"]] == [f"{BASE}consultation/{item.pk}/"]
    start, item_id = later(), item.pk
    item.delete()  # in the admin: the item has no decision yet
    gone = _get(client, f"{BASE}agendaItem/{item_id}/")
    assert gone["deleted"] is True and _get(client, f"{BASE}consultation/{item_id}/")["deleted"] is True
    meeting, paper = _get(client, meeting_url), _get(client, paper_url)
    assert meeting["agendaItem"] == [] and meeting["modified"] == gone["modified"] > meeting_before["modified"]
    assert f"{BASE}consultation/{item_id}/" not in {c["id"] for c in paper["consultation"]}
    assert paper["modified"] == gone["modified"] > paper_before["modified"]
    assert meeting_url in {o["id"] for o in _crawl_list(client, _since(body["meeting"], start))}
    assert paper_url in {o["id"] for o in _crawl_list(client, _since(body["paper"], start))}


def test_a_consultation_links_its_paper_only_while_the_paper_is_published(data, client, registrar):
    body = _get(client, f"{BASE}body/")["data"][0]
    paper_url = f"{BASE}paper/{data['report'].pk}/"
    assert {c.get("paper") for c in _crawl_list(client, body["consultation"])} == {paper_url}
    registry.document_mark_secret(actor=registrar, document=data["report"].document, ground="OSL 18 kap. 8 §",
                                  masked_fields=[])
    assert _get(client, paper_url)["deleted"] is True
    consultations = _crawl_list(client, body["consultation"])
    assert len(consultations) == 3 and all("paper" not in c for c in consultations)
    alone = _get(client, consultations[0]["id"])
    assert "paper" not in alone and alone == consultations[0]


def test_responses_carry_last_modified_and_revalidate(data, client):
    url = f"{BASE}meeting/{data['m1'].pk}/"
    first = client.get(url)
    assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]
    stamp = dt.datetime.fromisoformat(first.json()["modified"])
    from django.utils.http import parse_http_date

    assert parse_http_date(first["Last-Modified"]) == int(stamp.timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["Access-Control-Allow-Origin"] == "*"  # readable by a browser client


def test_a_client_may_ask_for_smaller_pages(data, client, settings):
    settings.DIARIUM_OPARL_PAGE_SIZE = 100
    body = _get(client, f"{BASE}body/")["data"][0]
    page = _get(client, f"{body['organization']}?limit=1")
    assert len(page["data"]) == 1 and page["pagination"]["elementsPerPage"] == 1
    assert "limit=1" in page["links"]["next"]
    assert len(_crawl_list(client, f"{body['organization']}?limit=2")) == 3
    assert _get(client, f"{body['organization']}?limit=5000")["pagination"]["elementsPerPage"] == 100
    _get(client, f"{body['organization']}?limit=många", status=400)


def test_a_kept_total_never_hides_or_shows_an_object(data, client, settings, registrar):
    """With totals kept for a while (DIARIUM_OPARL_LIST_SECONDS), a list's pages
    and next links still follow the data at once: a file marked secret is gone
    from the pages and a new one is there, and the last page states the exact total."""
    from django.core.cache import cache

    cache.clear()
    settings.DIARIUM_OPARL_LIST_SECONDS = 600
    settings.DIARIUM_OPARL_PAGE_SIZE = 1
    body = _get(client, f"{BASE}body/")["data"][0]
    first = _get(client, body["file"])
    ids = {o["id"] for o in _crawl_list(client, body["file"])}
    assert first["pagination"]["totalElements"] == len(ids) == 2  # the report and the public attachment
    public_file = data["public"].files.get()

    registry.document_mark_secret(actor=registrar, document=data["public"], ground="OSL 21 kap. 1 §",
                                  masked_fields=["description"])
    pages, url = [], body["file"]
    while url:
        pages.append(_get(client, url))
        url = pages[-1]["links"].get("next")
    served = [o["id"] for p in pages for o in p["data"]]
    assert f"{BASE}file/{public_file.pk}/" not in served and len(served) == 1
    assert pages[-1]["pagination"]["totalElements"] == 1  # the last page counts exactly
    assert "next" not in pages[-1]["links"]

    registry.document_lift_secrecy(actor=registrar, document=data["public"], reason="Prövad, ingen sekretess")
    new = registry.document_file_add(actor=registrar, document=data["report"].document,
                                     upload=f.text_file("bilaga.txt", "Bilaga\n"))
    pages, url = [], body["file"]
    while url:
        pages.append(_get(client, url))
        url = pages[-1]["links"].get("next")
    served = {o["id"] for p in pages for o in p["data"]}
    assert {f"{BASE}file/{public_file.pk}/", f"{BASE}file/{new.pk}/"} <= served and len(served) == 3
    assert pages[-1]["pagination"]["totalElements"] == 3
    _get(client, f"{body['file']}?page={len(pages) + 1}", status=404)


def test_next_links_continue_from_the_last_id_and_give_the_numbered_pages(data, client, settings):
    settings.DIARIUM_OPARL_PAGE_SIZE = 1
    body = _get(client, f"{BASE}body/")["data"][0]
    for key in ("meeting", "agendaItem", "file", "paper", "membership"):
        first = _get(client, body[key])
        if "next" not in first["links"]:
            continue
        assert f"after={first['data'][-1]['id'].rstrip('/').rsplit('/', 1)[1]}" in first["links"]["next"]
        by_next = _crawl_list(client, body[key])
        pages = first["pagination"]["totalPages"]
        by_number = [o for n in range(1, pages + 1) for o in _get(client, f"{body[key]}?page={n}")["data"]]
        assert by_next == by_number
    _get(client, f"{body['meeting']}?page=2&after=999999", status=404)
    _get(client, f"{body['meeting']}?page=2&after=x", status=400)


def test_a_list_that_grows_behind_a_walk_never_leads_to_an_empty_page(data, client, registrar, settings):
    """A meeting with a lower id is published while a client walks the organ's
    meetings: the count grows, but the walk's last page has nothing after it, so
    it gives no next link (which would lead to an empty page, a 404)."""
    settings.DIARIUM_OPARL_PAGE_SIZE = 1
    organ = f.organ(data["ks"].organisation, code="SBN", name="Samhällsbyggnadsnämnden", kind=Organ.Kind.BOARD)
    chair = f.person(data["ks"].organisation, "Ordförande SBN")
    decisions.membership_add(actor=registrar, organ=organ, person=chair, role="chair", start=dt.date(2019, 1, 1))
    meetings = [decisions.meeting_create(actor=registrar, organ=organ, date=dt.date(2019, 3, d), place="Sal C")
                for d in (4, 11, 18)]
    for m in meetings:
        decisions.agenda_item_add(actor=registrar, meeting=m, title="Information")
    for m in meetings[1:]:
        decisions.meeting_publish_notice(actor=registrar, meeting=m)
    url = f"{BASE}organization/{organ.pk}/meeting/"
    first = _get(client, url)
    assert first["data"][0]["id"] == f"{BASE}meeting/{meetings[1].pk}/" and "next" in first["links"]
    decisions.meeting_publish_notice(actor=registrar, meeting=meetings[0])  # behind the walk
    last = _get(client, first["links"]["next"])
    assert last["data"][0]["id"] == f"{BASE}meeting/{meetings[2].pk}/"
    assert last["pagination"]["totalElements"] == 3 and "next" not in last["links"]


def test_links_keep_the_parameters_in_one_order(data, client):
    body = _get(client, f"{BASE}body/")["data"][0]
    one = _get(client, f"{body['meeting']}?omit_internal=1&created_since=2000-01-01T00:00:00Z")
    other = _get(client, f"{body['meeting']}?created_since=2000-01-01T00:00:00Z&omit_internal=1")
    assert one["links"] == other["links"]
    assert "?created_since=" in one["links"]["self"] and one["links"]["self"].endswith("omit_internal=1")


def test_a_meeting_carries_its_notice_and_adjusted_minutes_as_files(data, client):
    """OParl Meeting.invitation and Meeting.resultsProtocol: the drawn-up notice
    once sent and the minutes once adjusted, each a File object of its own."""
    _system, _body, lists = _crawl(client)
    meetings = {m["id"]: m for m in lists["meeting"]}
    protocols = [m for m in meetings.values() if "resultsProtocol" in m]
    assert protocols and all(m["meetingState"] == "durchgeführt" for m in protocols)
    for meeting in meetings.values():
        for field in ("invitation", "resultsProtocol"):
            if field not in meeting:
                continue
            file = meeting[field]
            _validate(file)
            assert _get(client, file["id"]) == file and file["meeting"] == [meeting["id"]]
            response = client.get(file["accessUrl"])
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    unadjusted = [m for m in meetings.values() if "resultsProtocol" not in m]
    assert unadjusted  # KF is not adjusted: its minutes are not public
    assert client.get(f"{BASE}meetingFile/99999992/").status_code == 404
