"""Issue 18, item 2: private by default. A name in a field that names someone
outside the organisation (a document's sender or recipient, a decision's
"other recipient", a remiss body, a copy requester) is a private person's
unless it is a known organisation, organ or staff member, reads as an
organisation, or the registrar says it is a legal person. The public sees
"Privatperson" in its place everywhere: pages, the anonymous API, search,
feeds, dumps, OParl and the documents drawn up for the register; staff who may
read internal data see the name."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from diarium.accounts.models import Organ
from diarium.core.privacy.parties import looks_like_organisation
from diarium.decisions import services as decisions
from diarium.decisions.models import Decision, DecisionRecipient
from diarium.opendata import dumps
from diarium.registry import access, selectors, services
from diarium.registry.models import Document, Event
from diarium.remiss import services as remiss
from diarium.remiss.models import RemissRecipient

from . import factories as f
from .pdf_support import pdf_text
from .public_outputs import crawl as crawl_outputs
from .public_outputs import found_in
from .search_support import ANONYMOUS, find, tantivy_engine_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

PRIVATE = "Greta Kvarnbergsson"  # ASCII: no output can hide it by escaping
PRIVATE_SURNAME = "Kvarnbergsson"
MASKED = "Privatperson"


# --- the name alone: looks_like_organisation ----------------------------------------------------
ORGANISATIONS = [
    "Svenssons Bygg AB", "Bostadsrättsföreningen Ängen", "Räddningstjänstförbundet Sjuhärad", "Volvo Car Corporation",
    "FABS AB", "Alingsåshem AB", "Ericsson AB (publ)", "Svensson & Söner", "Nilssons Måleri HB", "Ek & Co KB",
    "Byggservice i Alingsås Aktiebolag", "Kiosken Handelsbolag", "Lantmännen ek. för.", "Konsum ek.för. Alingsås",
    "Alingsås kommun", "Vårgårda kommun", "Region Halland", "Västra Götalandsregionen", "Landstinget Dalarna",
    "Länsstyrelsen i Västra Götalands län", "Trafikverket", "Polisen", "Polismyndigheten", "Skatteverket",
    "Migrationsverket", "Försäkringskassan", "Arbetsförmedlingen", "Kronofogden", "Folkhälsomyndigheten",
    "Byggnadsnämnden", "Kommunstyrelsen", "Kommunfullmäktige", "Samtliga nämnder", "Ekonomiavdelningen",
    "Socialtjänsten", "Internetstiftelsen", "Föreningen Sambruk", "Alingsås Golfklubb", "Svenska kyrkan",
    "Alingsås församling", "Göteborgs universitet", "Högskolan i Borås", "Förskolan Solrosen", "Ängskolan",
    "Göteborgs tingsrätt", "Kammarrätten i Göteborg", "Google Ireland Ltd", "Microsoft Inc.", "Siemens GmbH",
    "Equinor ASA", "Telia Finland Oy", "Vestas A/S", "Bostadskooperativet Gläntan", "Sparbanken Alingsås",
    "Brf Kastanjen", "Pensionärsrådet", "Kommunrevisionen", "Sveriges Kommuner och Regioner",
    "Sjuhärads kommunalförbund 222000-1234", "Bygg & Montage 556012-3456", "Leverantör 16556012-3456",
    "ALINGSÅS ENERGI AB", "svenssons bygg ab", "Alingsås Energi Nät AB",
]
PEOPLE = [
    "Anna Svensson", "Karin Ek", "Per-Olof af Klint", "Lars von Sydow", "Maria de la Cruz", "ANNA LINDQVIST",
    "Erik Kyrkander", "Åsa Nämndeman", "Stina Bolander", "Björn Skoglund", "Konrad Berg", "Sven-Erik Åberg",
    "Greta Kvarnbergsson", "Kalle Anka", "Ebba Busch", "Jan Ek", "Eva Berg", "Ali Hassan", "Zoë Östlund-Ek",
    "Carl Malmstens väg", "Anna Lindhs plats", "Mikael Kommunsson", "Lena Stiftelius", "Olle Verkman",
    "Karin Ek 850101-1234", "Per Berg 19850101-1234", "Ann Ek 850161-1234", "",
]


@pytest.mark.parametrize("name", ORGANISATIONS)
def test_names_of_companies_organisations_and_public_bodies_look_like_organisations(name):
    assert looks_like_organisation(name)


@pytest.mark.parametrize("name", PEOPLE)
def test_names_of_people_do_not_look_like_organisations(name):
    assert not looks_like_organisation(name)


@given(born=st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2030, 12, 31)),
       number=st.integers(min_value=0, max_value=9999), coordination=st.booleans(), century=st.booleans(),
       separator=st.sampled_from(["-", "+"]))
def test_a_personal_identity_number_is_never_taken_for_an_organisation_number(born, number, coordination, century,
                                                                               separator):
    day = born.day + (60 if coordination else 0)
    digits = f"{born:%Y}" if century else f"{born:%y}"
    pin = f"{digits}{born:%m}{day:02d}{separator}{number:04d}"
    assert not looks_like_organisation(f"Anna Svensson {pin}")


@given(first=st.integers(min_value=1, max_value=9), third=st.integers(min_value=2, max_value=9),
       rest=st.integers(min_value=0, max_value=9_999_999), prefix=st.booleans())
def test_an_organisation_number_makes_a_name_an_organisation(first, third, rest, prefix):
    digits = f"{first}{rest % 10}{third}{rest:07d}"
    number = f"{'16' if prefix else ''}{digits[:6]}-{digits[6:]}"
    assert looks_like_organisation(f"Leverantören {number}")


# --- the rule: registry.access.party_is_private ----------------------------------------------------
def test_the_rule_knows_organisations_organs_staff_and_earlier_legal_persons(org, ks, registrar,
                                                                             django_assert_max_num_queries):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    f.person(org, "Göran Westerlund")
    f.person(other, "Sten Vårgårdsson")
    case = f.case(registrar, ks)

    def private(name, declared="auto"):
        return access.party_is_private(name, organisation=org, declared=declared)

    with django_assert_max_num_queries(1):
        assert private("Karin Ek")
    assert not private("")
    assert not private("Vårgårda kommun") and not private("Alingsås kommun")  # organisations
    assert not private("Kommunstyrelsen") and not private("KS") and not private("kommunstyrelsen")  # an organ
    assert not private("Göran Westerlund")  # a person of the organisation
    assert private("Sten Vårgårdsson")  # someone else's staff is a private person here
    assert not private("Svenssons Bygg AB")  # reads as an organisation
    assert private("Sambruk")
    f.document(registrar, case, counterpart="Sambruk", counterpart_kind="legal")
    assert not private("Sambruk")  # the registrar said so before, for this organisation
    assert access.party_is_private("Sambruk", organisation=other, declared="auto")  # not for another
    assert private("Svenssons Bygg AB", "private") and not private("Karin Ek", "legal")


# --- documents: the counterpart -----------------------------------------------------------------------
def _entry(user, document):
    return selectors.document_get(user=user, pk=document.pk)[1]


def test_a_counterpart_nobody_ticked_is_private_and_masked_for_the_public(client, registrar, ks):
    case = f.case(registrar, ks)
    doc = f.document(registrar, case, counterpart="Karin Ek", description="Synpunkt på målbilden")
    doc.refresh_from_db()
    assert doc.counterpart_kind == "auto" and doc.counterpart_is_private
    public = _entry(AnonymousUser(), doc)
    assert public.counterpart is None and public.counterpart_text == MASKED and public.counterpart_kind is None
    staff = _entry(registrar, doc)
    assert staff.counterpart == "Karin Ek" and staff.counterpart_is_private and staff.counterpart_kind == "auto"
    event = Event.objects.get(document=doc, kind=Event.Kind.DOCUMENT_REGISTERED)
    assert event.data["counterpart_kind"] == "auto" and event.data["counterpart_is_private"] is True
    page = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    assert "Karin Ek" not in page and MASKED in page


def test_a_company_name_and_a_declared_legal_person_are_shown(client, registrar, ks):
    case = f.case(registrar, ks)
    company = f.document(registrar, case, counterpart="Svenssons Bygg AB", description="Anbud")
    legal = f.document(registrar, case, counterpart="Kivos", counterpart_kind="legal", description="Avtal")
    private = f.document(registrar, case, counterpart="Kivos Bergman", counterpart_kind="private",
                         description="Fråga")
    assert not company.counterpart_is_private and not legal.counterpart_is_private and private.counterpart_is_private
    page = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    assert "Svenssons Bygg AB" in page and "Kivos" in page and "Kivos Bergman" not in page
    # The older flag: true is private; false no longer publishes a name nobody knows.
    old_false = f.document(registrar, case, counterpart="Karin Ek", counterpart_is_private=False, description="x")
    old_true = f.document(registrar, case, counterpart="Trafikverket", counterpart_is_private=True, description="y")
    assert old_false.counterpart_is_private and old_false.counterpart_kind == "auto"
    assert old_true.counterpart_is_private and old_true.counterpart_kind == "private"


def test_the_web_form_offers_the_three_kinds_and_defaults_to_deciding_automatically(client, registrar, ks):
    case = f.case(registrar, ks)
    client.force_login(registrar)
    url = reverse("registry:document_register", args=[case.pk])
    form = client.get(url).content.decode()
    assert "Avsändare/mottagare är" in form
    assert re.search(r'value="auto"[^>]*checked', form)
    assert "Avgör automatiskt (privatperson om namnet inte är en känd organisation)" in form
    assert "Organisation, företag eller myndighet (juridisk person)" in form
    base = {"direction": "incoming", "document_date": "2018-06-12", "description": "Synpunkt"}
    assert client.post(url, {**base, "counterpart": "Karin Ek"}).status_code == 302
    assert client.post(url, {**base, "counterpart": "Sambruk", "counterpart_kind": "legal"}).status_code == 302
    karin, sambruk = Document.objects.filter(case=case).order_by("number")
    assert karin.counterpart_is_private and karin.counterpart_kind == "auto"
    assert not sambruk.counterpart_is_private and sambruk.counterpart_kind == "legal"
    client.logout()
    page = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    assert "Karin Ek" not in page and "Sambruk" in page and MASKED in page


def test_the_api_takes_the_kind_and_shows_it_to_staff_only(client, registrar, ks):
    from .api_support import bearer, token_for

    case = f.case(registrar, ks)
    auth = bearer(token_for(registrar))
    url = f"/api/cases/{case.pk}/documents"
    base = {"direction": "incoming", "document_date": "2018-06-12", "description": "Synpunkt"}
    auto = client.post(url, {**base, "counterpart": "Karin Ek"}, **auth)
    assert auto.status_code == 201, auto.content
    assert auto.json()["counterpart_is_private"] is True and auto.json()["counterpart_kind"] == "auto"
    legacy = client.post(url, {**base, "counterpart": "Kalle Anka", "counterpart_is_private": "false"}, **auth)
    assert legacy.json()["counterpart_is_private"] is True  # false no longer means "publish the name"
    legal = client.post(url, {**base, "counterpart": "Sambruk", "counterpart_kind": "legal"}, **auth)
    assert legal.json()["counterpart_is_private"] is False and legal.json()["counterpart_kind"] == "legal"
    bad = client.post(url, {**base, "counterpart": "X", "counterpart_kind": "bolag"}, **auth)
    assert 400 <= bad.status_code < 500
    public = client.get(url).json()
    assert [d["counterpart_text"] for d in public] == [MASKED, MASKED, "Sambruk"]
    assert {d["counterpart_kind"] for d in public} == {None}
    assert "Karin Ek" not in json.dumps(public) and "Kalle Anka" not in json.dumps(public)


# --- the case: a decision dispatched to a private "other recipient" -----------------------------
def crawl(client, seeds) -> dict[str, str]:
    """The text of every public output reachable from the seeds, PDFs included."""
    return {url: out.text for url, out in crawl_outputs(client, seeds).items()}


def _leaks(outputs: dict[str, str], *names: str) -> list[str]:
    return found_in(outputs, names)


@pytest.fixture
def dispatched(client, org, ks, registrar, tantivy_engine):
    """A decision recorded through the web form with an "other recipient" typed
    in as a name and an address and nothing ticked, adjusted and dispatched."""
    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    chair, adjuster = f.person(org, "Daniel Filipsson"), f.person(org, "Simon Waern")
    meeting = f.meeting(registrar, ks, timezone.localdate() - dt.timedelta(days=10),
                        members=[(chair, "chair"), (adjuster, "member")], chair=chair, adjusters=[adjuster])
    case = f.case(registrar, ks, title="Bygglov för förråd på Ängen 3")
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, title=case.title)
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    client.force_login(registrar)
    response = client.post(reverse("decisions:decision_record", args=[meeting.pk]), {
        "agenda_item": item.pk, "title": case.title, "text": "Bygglov beviljas.", "outcome": "adopted",
        "recipient_organs": [kf.pk], "recipient_other": f"{PRIVATE}; greta@example.se\nFABS AB; info@fabs.se",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    decision = Decision.objects.get()
    f.adjust(registrar, meeting)
    assert client.post(reverse("decisions:decision_dispatch", args=[decision.pk])).status_code == 302
    client.logout()
    return decision


def test_a_private_other_recipient_is_private_and_its_excerpt_is_registered_as_such(dispatched):
    private, fabs = DecisionRecipient.objects.filter(decision=dispatched, organ__isnull=True).order_by("position")
    assert (private.name, private.kind, private.is_private) == (PRIVATE, "auto", True)
    assert (fabs.name, fabs.is_private) == ("FABS AB", False)
    assert not DecisionRecipient.objects.get(decision=dispatched, organ__isnull=False).is_private
    excerpt = Document.objects.get(direction=Document.Direction.OUTGOING)
    assert PRIVATE in excerpt.counterpart and excerpt.counterpart_is_private


def test_the_private_recipients_name_reaches_no_public_output(client, dispatched):
    decision, case = dispatched, dispatched.case
    excerpt = Document.objects.get(direction=Document.Direction.OUTGOING)
    seeds = [
        "/", reverse("registry:case_list"), reverse("registry:document_list"),
        reverse("registry:case_detail", args=[case.pk]), reverse("registry:case_history", args=[case.pk]),
        reverse("registry:document_detail", args=[excerpt.pk]),
        reverse("decisions:decision_detail", args=[decision.pk]),
        reverse("decisions:meeting_detail", args=[decision.meeting_id]),
        reverse("decisions:minutes", args=[decision.meeting_id]), reverse("decisions:notice_board"),
        f"/api/cases/{case.pk}", f"/api/cases/{case.pk}/documents", f"/api/cases/{case.pk}/events",
        f"/api/documents/{excerpt.pk}", f"/api/decisions/{decision.pk}", f"/api/meetings/{decision.meeting_id}",
        "/api/documents?limit=100", f"/api/search?q={quote(case.title)}", "/api/search?q=protokollsutdrag",
        reverse("opendata:register_feed"), reverse("opendata:decision_feed", args=["KS"]),
        reverse("opendata:minutes_feed", args=["KS"]), reverse("opendata:meeting_calendar", args=["KS"]),
        reverse("opendata:oparl_system"), reverse("opendata:dcat"),
    ]
    seeds += [reverse(f"opendata:dataset_{fmt}", args=[name]) for name in dumps.DATASETS for fmt in ("csv", "json")]
    seeds += [reverse("registry:file_download", args=[pk]) for pk in excerpt.files.values_list("pk", flat=True)]
    outputs = crawl(client, seeds)
    assert _leaks(outputs, PRIVATE, PRIVATE_SURNAME, "greta@example.se") == []
    # The crawl reached what matters, and the public sees the neutral wording there.
    assert MASKED in outputs[reverse("decisions:decision_detail", args=[decision.pk])]
    assert MASKED in outputs[reverse("registry:case_detail", args=[case.pk])]
    assert "FABS AB" in outputs[reverse("decisions:decision_detail", args=[decision.pk])]
    register_csv = outputs[reverse("opendata:dataset_csv", args=["register"])]
    assert MASKED in register_csv and excerpt.reference in register_csv
    assert MASKED in outputs[reverse("registry:file_download", args=[excerpt.files.get().pk])]  # the excerpt PDF
    api_decision = json.loads(outputs[f"/api/decisions/{decision.pk}"])
    assert [r["name"] for r in api_decision["recipients"]] == ["Kommunfullmäktige", MASKED, "FABS AB"]
    assert any("/oparl/" in url for url in outputs)
    # The nightly dumps, read from storage.
    out = io.StringIO()
    call_command("dump_datasets", stdout=out)
    stored = [line.split("\t")[0].strip() for line in out.getvalue().splitlines() if line.strip()]
    files = {name: default_storage.open(name).read().decode("utf-8") for name in stored}
    assert files and _leaks(files, PRIVATE, PRIVATE_SURNAME) == []
    # Search: the public finds the excerpt by its description, never by the name.
    assert find(ANONYMOUS, PRIVATE_SURNAME).hits == []
    assert client.get(f"/api/search?q={PRIVATE_SURNAME}").json()["hits"] == []
    hits = find(ANONYMOUS, "protokollsutdrag").hits
    assert hits and PRIVATE_SURNAME not in repr(hits)


def test_the_registrar_sees_the_private_recipients_name(client, dispatched, registrar):
    decision, case = dispatched, dispatched.case
    client.force_login(registrar)
    page = client.get(reverse("decisions:decision_detail", args=[decision.pk])).content.decode()
    assert PRIVATE in page and "greta@example.se" in page
    case_page = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    assert PRIVATE in case_page
    api = client.get(f"/api/decisions/{decision.pk}").json()
    assert PRIVATE in [r["name"] for r in api["recipients"]]
    assert [r["kind"] for r in api["recipients"]] == ["auto", "auto", "auto"]
    assert find(registrar, PRIVATE_SURNAME).hits


def test_an_other_recipient_declared_a_legal_person_is_shown(client, org, ks, registrar):
    chair = f.person(org, "Daniel Filipsson")
    meeting = f.meeting(registrar, ks, timezone.localdate() - dt.timedelta(days=10), members=[(chair, "chair")],
                        chair=chair)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    client.force_login(registrar)
    form = client.get(reverse("decisions:decision_record", args=[meeting.pk])).content.decode()
    assert "Andra mottagare är" in form and "Organisation, företag eller myndighet (juridisk person)" in form
    response = client.post(reverse("decisions:decision_record", args=[meeting.pk]), {
        "title": "Avtal med Kivos", "text": "Avtalet godkänns.", "outcome": "adopted",
        "recipient_other": "Kivos; info@kivos.se", "recipient_other_kind": "legal",
    })
    assert response.status_code == 302
    decision = Decision.objects.get()
    recipient = decision.recipients.get()
    assert (recipient.kind, recipient.is_private) == ("legal", False)
    f.adjust(registrar, meeting)
    client.logout()
    page = client.get(reverse("decisions:decision_detail", args=[decision.pk])).content.decode()
    assert "Kivos" in page and MASKED not in page


def test_the_api_takes_a_recipients_kind(client, org, ks, registrar):
    from .api_support import bearer, post_json, token_for

    chair = f.person(org, "Daniel Filipsson")
    meeting = f.meeting(registrar, ks, timezone.localdate() - dt.timedelta(days=10), members=[(chair, "chair")],
                        chair=chair)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    auth = bearer(token_for(registrar))
    response = post_json(client, f"/api/meetings/{meeting.pk}/decisions", {
        "title": "Svar på medborgarförslag", "text": "Förslaget besvaras.",
        "recipients": [{"name": PRIVATE}, {"name": "Sambruk", "kind": "legal"},
                       {"name": "Svenssons Bygg AB", "kind": "private"}, {"person": chair.pk}],
    }, **auth)
    assert response.status_code == 201, response.content
    out = response.json()["recipients"]
    assert [(r["name"], r["kind"], r["is_private"]) for r in out] == [
        (PRIVATE, "auto", True), ("Sambruk", "legal", False), ("Svenssons Bygg AB", "private", True),
        ("Daniel Filipsson", "auto", False)]
    bad = post_json(client, f"/api/meetings/{meeting.pk}/decisions", {
        "title": "x", "text": "y", "recipients": [{"name": "X", "kind": "bolag"}]}, **auth)
    assert 400 <= bad.status_code < 500
    f.adjust(registrar, meeting)
    public = client.get(f"/api/decisions/{Decision.objects.get().pk}").json()["recipients"]
    assert [(r["name"], r["kind"]) for r in public] == [
        (MASKED, None), ("Sambruk", None), (MASKED, None), ("Daniel Filipsson", None)]


def test_the_minutes_and_excerpt_drawn_up_for_the_register_show_privatperson(dispatched):
    from diarium.documents import drawers

    minutes_text = _blob_text(dispatched.meeting.minutes.blob)
    assert MASKED in minutes_text and PRIVATE not in minutes_text and "FABS AB" in minutes_text
    excerpt = drawers.excerpt_render(decision=dispatched, pdf=False).html
    assert MASKED in excerpt and PRIVATE not in excerpt


def _blob_text(blob) -> str:
    from diarium.registry.files import blob_open

    with blob_open(blob) as fh:
        data = fh.read()
    return pdf_text(data) if data.startswith(b"%PDF") else data.decode("utf-8")


def test_an_officer_reports_private_addressee_is_privatperson_in_the_drawn_up_report(registrar, ks, org):
    from diarium.documents.services import officer_report_render

    case = f.case(registrar, ks)
    report = decisions.officer_report_create(
        actor=registrar, case=case, title="Svar på medborgarförslag", addressed_to=ks, background="Bakgrund.",
        proposals=[decisions.ProposalInput(organ=ks, text="Förslaget besvaras.")],
        dispatch_to=["Kommunstyrelsen", "FABS AB", f"{PRIVATE}; greta@example.se"],
        signatories=[decisions.Signatory("Anneli Schwartz", "Kommundirektör")],
    )
    drawn = officer_report_render(report=report, pdf=False).html
    assert "Kommunstyrelsen" in drawn and "FABS AB" in drawn and MASKED in drawn
    assert PRIVATE not in drawn and "greta@example.se" not in drawn
    assert PRIVATE in report.dispatch_to  # kept for staff, who edit the report


# --- remiss: a private individual as a remiss body ---------------------------------------------------
@pytest.fixture
def private_round(registrar, org, ks):
    case = f.case(registrar, ks, title="Detaljplan för Ängen")
    plan = f.document(registrar, case, direction="drawn_up", counterpart="", description="Planförslag",
                      files=[f.text_file("plan.txt", "Planförslag\n")])
    board = f.organ(org, code="BN", name="Byggnadsnämnden", kind=Organ.Kind.BOARD, email="bn@alingsas.se")
    round_ = remiss.remiss_create(
        actor=registrar, case=case, title="Detaljplan för Ängen", letter="Vi önskar era synpunkter.",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        recipients=[remiss.RecipientInput(organ=board), remiss.RecipientInput(name=PRIVATE, email="greta@example.se"),
                    remiss.RecipientInput(name="Sambruk", email="info@sambruk.se", kind="legal"),
                    remiss.RecipientInput(name="Trafikverket", email="tv@trafikverket.se")],
        files=list(plan.files.all()),
    )
    remiss.remiss_send(actor=registrar, round=round_)
    return round_


def test_a_private_remiss_body_is_masked_publicly_and_shown_to_staff(client, private_round, registrar):
    round_ = private_round
    rows = {r.name: r for r in RemissRecipient.objects.filter(round=round_)}
    assert rows[PRIVATE].is_private and rows[PRIVATE].kind == "auto"
    assert not rows["Sambruk"].is_private and not rows["Trafikverket"].is_private
    assert not rows["Byggnadsnämnden"].is_private
    letter = rows[PRIVATE].outgoing_document
    assert letter.counterpart == PRIVATE and letter.counterpart_is_private
    assert not rows["Sambruk"].outgoing_document.counterpart_is_private
    case = round_.case
    seeds = [reverse("remiss:round_detail", args=[round_.pk]), reverse("registry:case_detail", args=[case.pk]),
             reverse("registry:case_history", args=[case.pk]), f"/api/remiss/{round_.pk}",
             f"/api/cases/{case.pk}/documents", f"/api/cases/{case.pk}/events", reverse("registry:document_list"),
             reverse("opendata:dataset_csv", args=["register"]), reverse("opendata:register_feed")]
    seeds += [reverse("registry:file_download", args=[pk]) for pk in letter.files.values_list("pk", flat=True)]
    outputs = crawl(client, seeds)
    assert _leaks(outputs, PRIVATE, PRIVATE_SURNAME, "greta@example.se") == []
    round_page = outputs[reverse("remiss:round_detail", args=[round_.pk])]
    assert MASKED in round_page and "Sambruk" in round_page and "Trafikverket" in round_page
    api = json.loads(outputs[f"/api/remiss/{round_.pk}"])
    assert [r["name"] for r in api["recipients"]] == ["Byggnadsnämnden", MASKED, "Sambruk", "Trafikverket"]
    letter_text = outputs[reverse("registry:file_download", args=[letter.files.get().pk])]
    assert MASKED in letter_text and "Sambruk" in letter_text
    client.force_login(registrar)
    staff = client.get(reverse("remiss:round_detail", args=[round_.pk])).content.decode()
    assert PRIVATE in staff
    assert PRIVATE in [r["name"] for r in client.get(f"/api/remiss/{round_.pk}").json()["recipients"]]


def test_a_private_remiss_bodys_answer_is_registered_as_private(client, private_round, registrar):
    recipient = RemissRecipient.objects.get(round=private_round, name=PRIVATE)
    remiss.remiss_answer_inside(actor=registrar, recipient=recipient, text="Jag har inga synpunkter.")
    recipient.refresh_from_db()
    answer = recipient.answer_document
    assert answer.counterpart == PRIVATE and answer.counterpart_is_private
    history = [e.details for e in selectors.case_events(user=AnonymousUser(), case=private_round.case)]
    assert not any(PRIVATE in d for d in history) and any(MASKED in d for d in history)


def test_the_remiss_form_offers_the_kind_of_other_bodies(client, registrar, ks, org):
    case = f.case(registrar, ks)
    plan = f.document(registrar, case, direction="drawn_up", counterpart="", description="Planförslag",
                      files=[f.text_file("plan.txt", "Planförslag\n")])
    client.force_login(registrar)
    url = reverse("remiss:round_create", args=[case.pk])
    assert "Andra remissinstanser är" in client.get(url).content.decode()
    response = client.post(url, {
        "title": "Planförslag", "letter": "Synpunkter önskas.",
        "deadline": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "files": [plan.files.get().pk], "external": f"{PRIVATE}; greta@example.se\nKivos; info@kivos.se",
        "external_kind": "private", "dispatch_mode": "per_recipient", "reminder_days_before": 7, "grace_days": 30,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    kinds = list(RemissRecipient.objects.order_by("position").values_list("name", "kind", "is_private"))
    assert kinds == [(PRIVATE, "private", True), ("Kivos", "private", True)]


# --- copy requests -------------------------------------------------------------------------------------
def test_a_copy_requesters_name_and_address_reach_no_public_output(client, registrar, ks):
    case = f.case(registrar, ks)
    doc = f.document(registrar, case, counterpart="Trafikverket", description="Yttrande")
    services.copy_request_record(document=doc, name=PRIVATE, contact="greta@example.se", format="email",
                                 message="Tack!")
    seeds = [reverse("registry:case_detail", args=[case.pk]), reverse("registry:case_history", args=[case.pk]),
             reverse("registry:document_detail", args=[doc.pk]), f"/api/cases/{case.pk}/events",
             f"/api/documents/{doc.pk}", reverse("opendata:register_feed"),
             reverse("opendata:dataset_csv", args=["register"])]
    assert _leaks(crawl(client, seeds), PRIVATE, "greta@example.se") == []
    client.force_login(registrar)
    assert PRIVATE in client.get(reverse("registry:case_history", args=[case.pk])).content.decode()
