"""What a search reveals to whom: hits, totals, facet counts and snippets show
only what the reader may read, on each engine.

Readers: an anonymous visitor; a reader with READ_INTERNAL in the whole
organisation (not READ_SECRET); a case officer with READ_SECRET on another
organ (BUN) only; and the registrar (READ_SECRET everywhere). Every hidden value
is a unique marker word, so a leak in any field (even one the query does not
search) shows up as a hit, a count or a word in a snippet."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from diarium.accounts.models import Organ, Role
from diarium.decisions import services as decisions
from diarium.plans import services as plans
from diarium.registry import services as registry
from diarium.search.models import SearchRecord

from . import factories as f
from .search_support import find, search_engine_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

SECRET_WORD = "hemligordet"  # in the masked description
SECRET_NAME = "Kalle Ankasson"  # the masked counterpart
FILE_WORD = "filhemlisen"  # in the file of the secret document
PRIVATE_NAME = "Greta Privatsson"


@pytest.fixture
def bun(org):
    return f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD)


@pytest.fixture
def readers(org, ks, bun, registrar):
    return SimpleNamespace(
        anonymous=None,
        reader=f.user(org, Role.READER),
        other_organ=f.user(org, Role.CASE_OFFICER, organ=bun),
        registrar=registrar,
    )


@pytest.fixture
def world(search_engine, registrar, ks, bun, org):
    case = f.case(registrar, ks, title="Tillsyn av hemtjänsten")
    secret = f.document(registrar, case, counterpart=SECRET_NAME, description=f"Uppgifter om {SECRET_WORD} hälsa",
                        files=[f.text_file("intyg.txt", f"Läkarintyg med {FILE_WORD} om hälsan.\n")])
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 26 kap. 1 §",
                                  masked_fields=["counterpart", "description"])
    private = f.document(registrar, case, counterpart=PRIVATE_NAME, counterpart_is_private=True,
                         description="Synpunkt på hemtjänsten")
    school = f.case(registrar, bun, title="Skolskjuts till Sollebrunn")
    bun_secret = f.document(registrar, school, counterpart="Elevens vårdnadshavare",
                            description="Elevärende om skolskjutsbehov")
    registry.document_mark_secret(actor=registrar, document=bun_secret, ground="OSL 23 kap. 2 §",
                                  masked_fields=["description"])

    people = SimpleNamespace(chair=f.person(org, "Daniel Filipsson"), adjuster=f.person(org, "Simon Waern"))
    today = timezone.localdate()
    for person, role in ((people.chair, "chair"), (people.adjuster, "member")):
        decisions.membership_add(actor=registrar, organ=ks, person=person, role=role,
                                 start=today - dt.timedelta(days=500))
    planned = f.meeting(registrar, ks, today + dt.timedelta(days=30), chair=people.chair,
                        adjusters=[people.adjuster])
    decisions.agenda_item_add(actor=registrar, meeting=planned, title="Opublicerad punkt om vindkraftverk")
    held = f.meeting(registrar, ks, today - dt.timedelta(days=3), chair=people.chair, adjusters=[people.adjuster])
    item = decisions.agenda_item_add(actor=registrar, meeting=held, case=case, title="Tillsyn av hemtjänsten")
    decisions.meeting_publish_notice(actor=registrar, meeting=held)
    held.refresh_from_db()
    decision = f.held(registrar, held, item, "Beslut om tillsynsrapporten", adjust=False)

    plan_case = f.case(registrar, ks, title="Styrning av digitaliseringen")
    plan = f.plan(registrar, plan_case, ks, title="Utkastplanen för digitalisering")
    f.plan_structure(registrar, plan, internal_note="Internanteckning om leverantörsproblem")
    return SimpleNamespace(case=case, secret=secret, private=private, school=school, bun_secret=bun_secret,
                           planned=planned, held=held, decision=decision, plan=plan, people=people)


def shown(result) -> str:
    """Everything a page of hits would show."""
    return " ".join(f"{h.title} {h.title_html} {h.snippet_html} {h.diary_number} {h.organ} {h.url}"
                    for h in result.hits).lower()


def assert_nothing(user, q):
    result = find(user, q)
    assert result.total == 0 and result.hits == [], (q, [h.title for h in result.hits])
    assert all(values == [] for values in result.facets.values()), result.facets


def kinds(result) -> dict[str, int]:
    return {v.value: v.count for v in result.facets["kind"]}


# --- secret documents ---------------------------------------------------------------------------
def test_masked_fields_and_secret_files_are_found_only_with_read_secret(world, readers):
    for user in (readers.anonymous, readers.reader, readers.other_organ):
        for q in (SECRET_WORD, FILE_WORD, "ankasson", f'"{SECRET_NAME}"', "läkarintyg"):
            assert_nothing(user, q)
    for q in (SECRET_WORD, FILE_WORD, "ankasson"):
        result = find(readers.registrar, q)
        assert result.total == 1 and kinds(result) == {"document": 1}
        assert result.hits[0].url == f"/handlingar/{world.secret.pk}/"
    assert FILE_WORD in shown(find(readers.registrar, FILE_WORD))
    assert "<mark>" in find(readers.registrar, SECRET_WORD).hits[0].title_html


def test_the_public_finds_the_secret_document_only_as_the_register_shows_it(world, readers):
    for user in (readers.anonymous, readers.reader, readers.other_organ):
        result = find(user, "sekretessmarkerad")
        expected = {f"/handlingar/{world.secret.pk}/"}
        if user is not readers.other_organ:  # BUN's secret document is masked for them too
            expected.add(f"/handlingar/{world.bun_secret.pk}/")
        assert {h.url for h in result.hits} == expected
        assert {h.title for h in result.hits} == {"Sekretessmarkerad uppgift"}
        text = shown(result)
        for hidden in (SECRET_WORD, "ankasson", FILE_WORD, "läkarintyg"):
            assert hidden not in text
    # A search by the case's diary number lists it too, masked.
    text = shown(find(readers.anonymous, world.case.diary_number))
    assert f"{world.case.diary_number}-1".lower() in text and SECRET_WORD not in text and "ankasson" not in text


def test_the_public_variant_holds_no_secret_value_in_any_field(world):
    public = SearchRecord.objects.filter(key=f"document:{world.secret.pk}", tier_public=True).get()
    assert not public.tier_secret
    stored = " ".join(str(getattr(public, name)) for name in (
        "title", "body", "file_text", "diary_number", "organ_label", "url", "status")).lower()
    for hidden in (SECRET_WORD, "ankasson", FILE_WORD):
        assert hidden not in stored
    secret = SearchRecord.objects.filter(key=f"document:{world.secret.pk}", tier_secret=True).get()
    assert (secret.tier_public, secret.tier_internal) == (False, False)
    assert FILE_WORD in secret.file_text


def test_read_secret_on_one_organ_opens_that_organs_secrets_only(world, readers):
    assert [h.url for h in find(readers.other_organ, "skolskjutsbehov").hits] == [
        f"/handlingar/{world.bun_secret.pk}/"]
    assert_nothing(readers.anonymous, "skolskjutsbehov")
    assert_nothing(readers.reader, "skolskjutsbehov")
    assert_nothing(readers.other_organ, SECRET_WORD)


# --- private persons ---------------------------------------------------------------------------
def test_names_of_private_persons_need_read_internal(world, readers):
    for user in (readers.anonymous, readers.other_organ):
        assert_nothing(user, "privatsson")
        result = find(user, "synpunkt")
        assert result.total == 1
        text = shown(result)
        assert "privatsson" not in text
    assert find(readers.reader, "privatsson").total == 1
    assert find(readers.registrar, "privatsson").total == 1
    assert "privatsson" in shown(find(readers.reader, "synpunkt hemtjänsten"))


# --- meetings and decisions ----------------------------------------------------------------------
def test_an_unpublished_meeting_is_for_staff_of_its_organ(world, readers, registrar):
    for user in (readers.anonymous, readers.other_organ):
        assert_nothing(user, "vindkraftverk")
    for user in (readers.reader, readers.registrar):
        result = find(user, "vindkraftverk")
        assert kinds(result) == {"meeting": 1}
        assert result.hits[0].url == f"/sammantraden/{world.planned.pk}/"
    decisions.meeting_publish_notice(actor=registrar, meeting=world.planned)
    assert kinds(find(readers.anonymous, "vindkraftverk")) == {"meeting": 1}


def test_decisions_are_public_once_the_minutes_are_adjusted(world, readers, registrar):
    for user in (readers.anonymous, readers.other_organ):
        assert_nothing(user, "tillsynsrapporten")
    for user in (readers.reader, readers.registrar):
        assert kinds(find(user, "tillsynsrapporten")) == {"decision": 1}
    f.adjust(registrar, world.held)
    result = find(readers.anonymous, "tillsynsrapporten")
    assert kinds(result) == {"decision": 1}
    [hit] = result.hits
    assert hit.url == f"/beslut/{world.decision.pk}/"
    assert hit.title.startswith(f"KS {world.held.date:%Y-%m-%d} § {world.decision.paragraph} ")
    assert hit.status == "decision:effective"


# --- plans ---------------------------------------------------------------------------------------
def test_an_unadopted_plan_is_internal_and_internal_notes_stay_internal(world, readers, registrar):
    for user in (readers.anonymous, readers.other_organ):
        assert_nothing(user, "utkastplanen")
        assert_nothing(user, "e-tjänsteplattform")
    for user in (readers.reader, readers.registrar):
        assert kinds(find(user, "utkastplanen")) == {"plan": 1}
        assert find(user, "leverantörsproblem").total == 1
    plans.plan_adopt(actor=registrar, document=world.plan)
    public = find(readers.anonymous, "e-tjänsteplattform")
    assert [h.url for h in public.hits] == [f"/styrdokument/{world.plan.pk}/"]
    assert_nothing(readers.anonymous, "leverantörsproblem")
    assert_nothing(readers.other_organ, "leverantörsproblem")
    assert find(readers.reader, "leverantörsproblem").total == 1


# --- totals and facets -------------------------------------------------------------------------------
def test_totals_and_facets_count_only_what_each_reader_may_see(world, readers):
    anonymous = find(readers.anonymous, "hemtjänsten")
    reader = find(readers.reader, "hemtjänsten")
    # The public: the case, the private person's document (by its description) and the agenda
    # of the published meeting; the reader also the decision of the unadjusted minutes.
    assert kinds(anonymous) == {"case": 1, "document": 1, "meeting": 1}
    assert kinds(reader) == {"case": 1, "document": 1, "meeting": 1}
    assert anonymous.total == sum(kinds(anonymous).values())
    everyone = find(readers.registrar, "tillsyn*")
    assert kinds(everyone) == {"case": 1, "meeting": 1, "decision": 1}
    assert kinds(find(readers.anonymous, "tillsyn*")) == {"case": 1, "meeting": 1}


def test_a_superuser_reads_every_tier(world, org):
    admin = f.user(superuser=True)
    assert find(admin, SECRET_WORD).total == 1
    assert find(admin, "skolskjutsbehov").total == 1
    assert find(admin, "vindkraftverk").total == 1
