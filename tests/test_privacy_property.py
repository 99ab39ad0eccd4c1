"""Issue 18: no private person's name, personal identity number, phone number,
e-mail address or street address reaches the public, by any path.

A property-based test (hypothesis) makes up private persons: names drawn from
the lists of common Swedish names (double first names, particles, capitals),
personal identity and coordination numbers with a right check digit in every
way people write them (with and without the century, a dash, a plus for the
over-100s, a space or nothing), phone numbers, e-mail and street addresses. It
writes them, through the services a registrar, case officer and secretary use,
into every free-text field and every party field a public output carries: a
case's title and description, a document's description, sender (not ticked as
private) and file, a copy request, an agenda item, an officer's report (background,
opinion, proposal and who it is sent to), a decision's title, text and
"other recipient", a remiss round's title and letter and a private
individual as a remiss body, with that body's answer, and the reasons in the
case history (a remiss deadline extended, a case closed). Sometimes the registrar has reviewed the findings
(masked every one) or protected the case's title.

Then it reads every public output as an anonymous reader: a crawl from the
start page through every page, the API, OParl, DCAT, the feeds and calendars,
the file downloads and the PDFs drawn up for the register (as text), the
dataset downloads, the files `dump_datasets` writes and public search. No
form of any datum may appear in any of them, in any encoding, in any case; and
searching for a datum finds nothing (search would tell that it is there)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diarium.accounts.models import Organ
from diarium.core.privacy.words import shipped
from diarium.decisions import services as decisions
from diarium.registry import services as registry
from diarium.registry.selectors import privacy as privacy_selectors
from diarium.remiss import services as remiss
from diarium.search import services as search_services

from . import factories as f
from .public_outputs import (
    crawl,
    dataset_urls,
    dumped_files,
    fetch,
    found_in,
    rolled_back,
)
from .search_support import ANONYMOUS, find

pytestmark = pytest.mark.django_db

FIRST_NAMES = tuple(sorted(shipped("first_names.txt")))
SURNAMES = tuple(sorted(shipped("surnames.txt")))
PARTICLES = ("af", "von", "de la", "van der")
STREETS = ("Storgatan", "Kungsgatan", "Drottninggatan", "Björkvägen", "Ekstigen", "Järntorget", "Lövgränd",
           "Kvarnbacken", "Sveagatan", "Prästgårdsvägen")
TOWNS = (("441 30", "Alingsås"), ("447 31", "Vårgårda"), ("411 05", "Göteborg"))
MASKED = "Privatperson"
PUBLIC_WORDS = ("bygglov", "detaljplan")  # what the public may search for and find


# --- made-up private persons -----------------------------------------------------------------------
def _luhn(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n // 10 + n % 10
    return str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Pnr:
    written: str  # as typed into the text
    forms: tuple[str, ...]  # every way an output could carry the same number


def make_pnr(born: dt.date, serial: int, *, coordination: bool, style: str) -> Pnr:
    """A personal identity (or coordination) number with its check digit, written
    in `style`: "long-dash", "long", "long-spaced", "short-dash" (a plus for the
    over-100s), "short", "short-space"."""
    today = timezone.localdate()
    day = born.day + (60 if coordination else 0)
    short = f"{born:%y}{born:%m}{day:02d}"
    tail = f"{serial:03d}" + _luhn(f"{short}{serial:03d}")
    long_ = f"{born:%Y}{born:%m}{day:02d}"
    over_100 = (today.year - born.year, today.month, today.day) >= (100, born.month, born.day)
    written = {"long-dash": f"{long_}-{tail}", "long": f"{long_}{tail}", "long-spaced": f"{long_} - {tail}",
               "short-dash": f"{short}{'+' if over_100 else '-'}{tail}", "short": f"{short}{tail}",
               "short-space": f"{short} {tail}"}[style]
    forms = {written, f"{short}{tail}", f"{short}-{tail}", f"{short}+{tail}", f"{long_}{tail}", f"{long_}-{tail}"}
    return Pnr(written, tuple(sorted(forms)))


@st.composite
def pnrs(draw) -> Pnr:
    today = timezone.localdate()
    born = draw(st.dates(min_value=dt.date(1905, 1, 1), max_value=today - dt.timedelta(days=1)))
    over_100 = (today.year - born.year, today.month, today.day) >= (100, born.month, born.day)
    # Without the century or the plus, a number is read as someone under 100's.
    styles = ["long-dash", "long", "long-spaced", "short-dash"] + ([] if over_100 else ["short", "short-space"])
    return make_pnr(born, draw(st.integers(min_value=0, max_value=999)), coordination=draw(st.booleans()),
                    style=draw(st.sampled_from(styles)))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


@st.composite
def names(draw) -> tuple[str, str, str]:
    """(the name as written, the first name, the surname) of someone who is not staff."""
    first = draw(st.sampled_from(FIRST_NAMES))
    shape = draw(st.sampled_from(["plain", "hyphenated", "two first names", "particle", "double surname"]))
    last = draw(st.sampled_from(SURNAMES))
    if shape == "hyphenated":
        first = f"{first}-{draw(st.sampled_from(FIRST_NAMES))}"
    elif shape == "two first names":
        first = f"{first} {draw(st.sampled_from(FIRST_NAMES))}"
    elif shape == "particle":
        last = f"{draw(st.sampled_from(PARTICLES))} {last}"
    elif shape == "double surname":
        last = f"{last}-{draw(st.sampled_from(SURNAMES))}"
    name = f"{first} {last}"
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        name = name.upper()
    return name, first, last


@st.composite
def phones(draw) -> str:
    d = [draw(st.integers(min_value=0, max_value=9)) for _ in range(8)]
    mobile = draw(st.sampled_from("02369"))
    return draw(st.sampled_from([
        f"07{mobile}-{d[0]}{d[1]}{d[2]} {d[3]}{d[4]} {d[5]}{d[6]}",
        f"+46 7{mobile} {d[0]}{d[1]}{d[2]} {d[3]}{d[4]} {d[5]}{d[6]}",
        f"0322-{d[0] or 1}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]}",
        f"031-{d[0] or 1}{d[1]}{d[2]} {d[3]}{d[4]} {d[5]}{d[6]}",
    ]))


@dataclass(frozen=True)
class Private:
    name: str
    first: str
    surname: str
    pnr: Pnr
    phone: str
    email: str
    street: str  # "Storgatan 12"
    town: str  # "441 30 Alingsås"

    @property
    def address(self) -> str:
        return f"{self.street}, {self.town}"

    def data(self) -> list[str]:
        """Every datum that must not reach the public, in the forms to look for."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return [self.name, *self.pnr.forms, self.phone, digits, self.email, self.street]


@st.composite
def privates(draw) -> Private:
    name, first, surname = draw(names())
    postcode, town = draw(st.sampled_from(TOWNS))
    domain = draw(st.sampled_from(["example.se", "exempel.nu", "post.example.com"]))
    return Private(
        name=name, first=first, surname=surname, pnr=draw(pnrs()), phone=draw(phones()),
        email=f"{_ascii(first)}.{_ascii(surname)}{draw(st.integers(min_value=1, max_value=99))}@{domain}",
        street=f"{draw(st.sampled_from(STREETS))} {draw(st.integers(min_value=1, max_value=199))}",
        town=f"{postcode} {town}",
    )


@dataclass(frozen=True)
class WorldSpec:
    applicant: Private  # applies for a building permit: the case, the document, the decision
    requester: Private  # asks for a copy
    neighbour: Private  # a remiss body, named in the letter
    reviewed: bool  # the registrar masked every finding
    protected: bool  # the registrar protected the case's title


worlds = st.builds(WorldSpec, applicant=privates(), requester=privates(), neighbour=privates(),
                   reviewed=st.booleans(), protected=st.booleans()).filter(
    lambda w: len({w.applicant.name.casefold(), w.requester.name.casefold(), w.neighbour.name.casefold()}) == 3)


# --- the world, written through the services ---------------------------------------------------------
@dataclass
class World:
    org: object
    case: object
    remiss_case: object
    document: object
    meeting: object
    decision: object
    round: object
    spec: WorldSpec
    report: object


REASON = "Underlaget behövs för beslutet; uppgifterna lämnas inte ut till allmänheten."


def build(spec: WorldSpec) -> World:
    a, r, n = spec.applicant, spec.requester, spec.neighbour
    org = f.organisation()
    registrar = f.registrar(org)
    ks = f.organ(org, code="KS", name="Kommunstyrelsen", kind=Organ.Kind.EXECUTIVE_BOARD)
    bn = f.organ(org, code="BN", name="Byggnadsnämnden", kind=Organ.Kind.BOARD, email="bn@alingsas.se")

    case = registry.case_register(
        actor=registrar, organ=ks, title=f"Ansökan om bygglov, {a.name} {a.pnr.written}",
        description=f"Sökande: {a.name}, {a.address}, telefon {a.phone}, e-post {a.email}.")
    document = f.document(
        registrar, case, counterpart=a.name, description=f"Ansökan om bygglov från {a.name}, {a.pnr.written}",
        files=[f.text_file("ansokan.txt", f"Ansökan om bygglov\n{a.name}\n{a.pnr.written}\n{a.address}\n"
                                          f"Telefon {a.phone}\nE-post {a.email}\n")])
    registry.copy_request_record(document=document, name=r.name, contact=f"{r.name}\n{r.address}", format="paper",
                                 message=f"Jag, {r.name} ({r.pnr.written}), vill ha en kopia. Ring {r.phone} "
                                         f"eller skriv till {r.email}.")

    report = decisions.officer_report_create(
        actor=registrar, case=case, title=f"Bygglov för {a.name}", addressed_to=ks,
        background=f"{a.name} ({a.pnr.written}), {a.address}, har sökt bygglov. Telefon {a.phone}.",
        opinion=f"Förvaltningen tillstyrker ansökan från {a.name}.",
        proposals=[decisions.ProposalInput(organ=ks, text=f"Bygglov beviljas för {a.name}, {a.street}.")],
        dispatch_to=["Byggnadsnämnden", f"{a.name}; {a.email}"],
        signatories=[decisions.Signatory("Handläggare Bygglov", "Bygglovshandläggare")])

    chair, adjuster = f.person(org, "Ordförande KS"), f.person(org, "Justerare KS")
    meeting = f.meeting(registrar, ks, timezone.localdate() - dt.timedelta(days=10),
                        members=[(chair, "chair"), (adjuster, "member")], chair=chair, adjusters=[adjuster],
                        start_time=dt.time(13, 0), place="Sal KS, Stadshuset")
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case,
                                     title=f"Bygglov för {a.name}, {a.street}", documents=[document],
                                     secrecy_review_reason=REASON)
    decisions.meeting_publish_notice(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    decision = decisions.decision_record(
        actor=registrar, meeting=meeting, agenda_item=item, title=f"Bygglov för {a.name} {a.pnr.written}",
        text=f"Bygglov beviljas för {a.name}, {a.address}. Frågor besvaras på {a.phone}.",
        recipients=[decisions.RecipientInput(organ=bn), decisions.RecipientInput(name=a.name, email=a.email)])
    f.adjust(registrar, meeting)
    decision.refresh_from_db()
    decisions.decision_dispatch(actor=registrar, decision=decision, secrecy_review_reason=REASON)

    remiss_case = registry.case_register(actor=registrar, organ=ks, title="Detaljplan för Ängen")
    plan = f.document(registrar, remiss_case, direction="drawn_up", counterpart="", description="Planförslag",
                      files=[f.text_file("plan.txt", "Planförslag för detaljplan Ängen\n")])
    round_ = remiss.remiss_create(
        actor=registrar, case=remiss_case, title=f"Detaljplan för Ängen, synpunkter från {n.name}",
        letter=f"Vi önskar era synpunkter på detaljplanen. {n.name}, {n.address}, tel. {n.phone}, har hört av sig.",
        deadline=timezone.localdate() + dt.timedelta(days=30),
        recipients=[remiss.RecipientInput(organ=bn), remiss.RecipientInput(name=n.name, email=n.email)],
        files=list(plan.files.all()), secrecy_review_reason=REASON)
    remiss.remiss_send(actor=registrar, round=round_)
    neighbour = round_.recipients.get(organ__isnull=True)
    remiss.remiss_extend(actor=registrar, round=round_, deadline=timezone.localdate() + dt.timedelta(days=45),
                         reason=f"{n.name} ({n.phone}) bad om mer tid.")
    remiss.remiss_answer_inside(actor=registrar, recipient=neighbour,
                                text=f"Jag, {n.name} ({n.pnr.written}), {n.address}, motsätter mig planen. {n.email}")

    registry.case_close(actor=registrar, case=case, reason=f"Beslutet är expedierat till {a.name}, {a.email}.")
    if spec.reviewed:
        for reviewed_case in (case, remiss_case):
            review = privacy_selectors.case_privacy(user=registrar, case=reviewed_case)
            verdicts = [registry.Verdict(model=field.model, pk=field.pk, field=field.field, index=finding.index,
                                         action="mask") for field in review.fields for finding in field.findings]
            registry.privacy_review(actor=registrar, case=reviewed_case, verdicts=verdicts)
    if spec.protected:
        registry.case_protect(actor=registrar, case=case, public_title="Ärende enligt plan- och bygglagen",
                              ground="OSL 21 kap. 1 §")
    search_services.index_rebuild()
    for obj in (case, remiss_case, document, meeting, decision, round_):
        obj.refresh_from_db()
    return World(org=org, case=case, remiss_case=remiss_case, document=document, meeting=meeting,
                 decision=decision, round=round_, spec=spec, report=report)


# --- reading everything the public can read ------------------------------------------------------------
def seeds(world: World) -> list[str]:
    urls = ["/", reverse("registry:case_list"), reverse("registry:document_list"), reverse("decisions:meeting_list"),
            reverse("decisions:notice_board"), reverse("opendata:index"), reverse("opendata:register_feed"),
            reverse("opendata:oparl_system"), reverse("opendata:dcat"), reverse("remiss:overview"),
            reverse("opendata:decision_feed", args=["KS"]), reverse("opendata:minutes_feed", args=["KS"]),
            reverse("opendata:meeting_calendar", args=["KS"]), "/api/cases?limit=100", "/api/documents?limit=100",
            "/api/meetings", "/api/organs", "/api/people"]
    for case in (world.case, world.remiss_case):
        urls += [reverse("registry:case_detail", args=[case.pk]), reverse("registry:case_history", args=[case.pk]),
                 f"/api/cases/{case.pk}", f"/api/cases/{case.pk}/documents", f"/api/cases/{case.pk}/events",
                 f"/api/cases/{case.pk}/remiss", f"/api/cases/{case.pk}/officer-reports"]
    urls += [reverse("registry:document_detail", args=[world.document.pk]), f"/api/documents/{world.document.pk}",
             reverse("decisions:meeting_detail", args=[world.meeting.pk]),
             reverse("decisions:minutes", args=[world.meeting.pk]), f"/api/meetings/{world.meeting.pk}",
             reverse("decisions:decision_detail", args=[world.decision.pk]), f"/api/decisions/{world.decision.pk}",
             reverse("remiss:round_detail", args=[world.round.pk]), f"/api/remiss/{world.round.pk}",
             f"/api/officer-reports/{world.report.pk}"]
    for word in PUBLIC_WORDS:
        urls += [f"/sok/?q={word}", f"/api/search?q={word}"]
    return urls + dataset_urls(world.org.slug)


def read_everything(client, world: World):
    outputs = crawl(client, seeds(world))
    outputs.update(dumped_files())
    return outputs


def search_finds(client, datum: str) -> list[str]:
    """Where public search finds something by a datum: the page, the API, the selector."""
    found = []
    page = fetch(client, f"/sok/?q={quote(datum)}")
    assert page.status == 200, (datum, page.status)
    if re.search(r'<li class="search-hit">', page.text):
        found.append(f"/sok/?q={datum!r}")
    api = fetch(client, f"/api/search?q={quote(datum)}")
    assert api.status == 200, (datum, api.status, api.text[:300])
    if json.loads(api.text)["hits"]:
        found.append(f"/api/search?q={datum!r}")
    if find(ANONYMOUS, datum).hits:
        found.append(f"search.selectors.search({datum!r})")
    return found


def check(client, world: World):
    spec = world.spec
    people = (spec.applicant, spec.requester, spec.neighbour)
    outputs = read_everything(client, world)
    leaks = found_in(outputs, [datum for person in people for datum in person.data()])
    assert not leaks, "private data in public outputs:\n" + "\n".join(leaks[:40])
    oracle = [hit for person in people for datum in (person.name, person.pnr.written, person.email, person.street)
              for hit in search_finds(client, datum)]
    assert not oracle, "public search finds private data:\n" + "\n".join(oracle)

    # Not empty: the public sees the case, the decision and the remiss, with neutral words in place.
    case_page = outputs[reverse("registry:case_detail", args=[world.case.pk])]
    assert case_page.status == 200 and world.case.diary_number in case_page.text
    assert MASKED in case_page.text  # the sender
    if not spec.protected:
        assert "bygglov" in case_page.text.casefold() and "[personnummer]" in case_page.text
    decision_page = outputs[reverse("decisions:decision_detail", args=[world.decision.pk])].text
    assert MASKED in decision_page and "Byggnadsnämnden" in decision_page
    round_page = outputs[reverse("remiss:round_detail", args=[world.round.pk])].text
    assert MASKED in round_page and "Byggnadsnämnden" in round_page and "[namn]" in round_page
    register = outputs[reverse("opendata:dataset_csv", args=["register"])].text
    assert world.document.reference in register and MASKED in register
    assert json.loads(outputs[f"/api/search?q={PUBLIC_WORDS[1]}"].text)["hits"]
    assert '<li class="search-hit">' in outputs[f"/sok/?q={PUBLIC_WORDS[1]}"].text
    return outputs


@pytest.fixture
def public_client(client, settings):
    settings.DIARIUM_PUBLIC_RATE_LIMIT = "off"
    settings.DIARIUM_SEARCH_ENGINE = "tantivy"
    return client


# --- the property -----------------------------------------------------------------------------------------
# No shrinking: an example takes seconds, and a failing one already names the datum, the field and the output.
@hsettings(max_examples=4, deadline=None, database=None, print_blob=True,
           phases=[Phase.explicit, Phase.reuse, Phase.generate],
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                  HealthCheck.filter_too_much])
@given(spec=worlds)
def test_no_private_persons_data_reaches_any_public_output(public_client, spec):
    with rolled_back():
        check(public_client, build(spec))


# --- a fixed world: each way of writing, with a review and a protected title ------------------------------
FIXED = WorldSpec(
    applicant=Private("Anna-Karin af Klint", "Anna-Karin", "af Klint",
                      make_pnr(dt.date(1985, 3, 4), 123, coordination=False, style="long-dash"),
                      "070-123 45 67", "anna-karin.afklint@example.se", "Storgatan 12", "441 30 Alingsås"),
    requester=Private("PER-OLOF LINDQVIST", "PER-OLOF", "LINDQVIST",
                      make_pnr(dt.date(1903, 1, 2), 928, coordination=True, style="long"),
                      "+46 70 987 65 43", "per-olof.lindqvist@exempel.nu", "Kungsgatan 3", "447 31 Vårgårda"),
    neighbour=Private("Fatima Ali Hassan", "Fatima", "Ali Hassan",
                      make_pnr(dt.date(1985, 3, 4), 124, coordination=False, style="short-space"),
                      "0322-61 60 00", "fatima.hassan@example.se", "Björkvägen 7", "411 05 Göteborg"),
    reviewed=False, protected=False)


@pytest.mark.parametrize("reviewed,protected", [(False, False), (True, True)])
def test_a_fixed_world_with_every_kind_of_datum_shows_the_neutral_words(public_client, reviewed, protected):
    spec = dataclasses.replace(FIXED, reviewed=reviewed, protected=protected)
    outputs = check(public_client, build(spec))
    case_page = next(o.text for url, o in outputs.items() if url.startswith("/arenden/") and url.count("/") == 3
                     and "Ängen" not in o.text)
    if protected:
        assert "Ärende enligt plan- och bygglagen" in case_page
    else:
        assert "[personnummer]" in case_page and "[telefonnummer]" in case_page
