"""The review screen under /inlasning/ (issue 23, part 2): the registrar
lists the proposals, uploads files to read, sees a proposal beside its
document's text with every recognised field marked and its confidence as
text, corrects it and accepts it (or rejects it). Only the organisation's
registrars see it; no input gives a 5xx. The case page shows the citations
of earlier decisions, each decision as its reader may see it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from diarium.accounts.models import Organ, Role
from diarium.decisions import services as decisions
from diarium.reading.forms import review_forms
from diarium.reading.models import CitedDecision, ImportProposal
from diarium.registry import services as registry
from diarium.registry.models import Case

from . import factories as f
from .test_reading_accept import SEED, queue, seed_values

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


@pytest.fixture
def proposal(org, ks, registrar):
    return queue(registrar, org, "tjansteskrivelse.txt", SEED.read_bytes(), seed_values())[0]


def _post_data(proposal, **changes) -> dict:
    """The review form as the page fills it, with `changes` (form field
    names: "f-title", "hanvisning-0-date", …) made."""
    form, rows = review_forms(proposal)
    data = {"action": "accept"}
    for name in form.fields:
        value = form.initial.get(name, "")
        data[f"f-{name}"] = value if value is not None else ""
    for formset in rows.values():
        initial = formset.initial or []
        prefix = formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": str(len(initial) + 1), f"{prefix}-INITIAL_FORMS": str(len(initial)),
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "500"})
        for i, row in enumerate(initial):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    data.update(changes)
    return data


# --- who sees it -----------------------------------------------------------------------------------
def test_only_the_organisations_registrars_see_the_review_screen(client, org, ks, registrar, proposal):
    index, page = reverse("reading:index"), reverse("reading:proposal", args=[proposal.pk])
    response = client.get(index)
    assert response.status_code == 302 and "/konto/" in response.url  # to the login page
    client.force_login(f.user(org, Role.CASE_OFFICER))
    assert client.get(index).status_code == 403
    assert client.get(page).status_code == 403
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    client.force_login(f.registrar(other))
    assert client.get(index).status_code == 200  # their own (empty) list
    assert client.get(index, {"organisation": org.pk}).status_code == 404
    assert client.get(page).status_code == 404
    assert client.post(page, _post_data(proposal)).status_code == 404
    assert client.get(reverse("reading:proposal_file", args=[proposal.pk])).status_code == 404
    client.force_login(registrar)
    response = client.get(index)
    assert response.status_code == 200 and "tjansteskrivelse.txt" in _html(response)
    assert "90 %" in _html(response) and "2017.676 KS" in _html(response)


def test_the_desk_links_the_registrar_to_the_review_screen(client, registrar):
    client.force_login(registrar)
    assert reverse("reading:index") in _html(client.get(reverse("desk:start")))


# --- the proposal ------------------------------------------------------------------------------------
def test_the_proposal_shows_the_text_with_each_field_marked_and_its_confidence(client, registrar, proposal):
    client.force_login(registrar)
    html = _html(client.get(reverse("reading:proposal", args=[proposal.pk])))
    # The organ and the date, marked where they were read, named in words (not by colour alone).
    assert re.search(r'<mark class="hl hl-\d" id="markering-organ-1"><span class="visually-hidden">Organ: </span>'
                     r'Kommunstyrelsen<span class="hl-tag" aria-hidden="true">Organ</span></mark>', html)
    assert 'id="markering-date-1"' in html and 'href="#markering-organ-1"' in html
    assert "Läst med 90 % säkerhet" in html
    # Every field prefilled, lists as rows.
    assert 'value="Kommunstyrelsen"' in html and "2017.676 KS" in html and 'value="2018-08-23"' in html
    assert 'name="hanvisning-3-paragraph"' in html and 'value="53"' in html
    assert 'name="forslag-1-organ"' in html and "Godkänn och registrera" in html and "Avvisa" in html
    assert client.get(reverse("reading:proposal_file", args=[proposal.pk])).status_code == 200


def test_accepting_with_a_correction_lands_on_the_case_with_its_citations(client, org, ks, registrar, proposal):
    client.force_login(registrar)
    data = _post_data(proposal, **{"f-title": "Digital målbild för Alingsås kommun – öppen och smart"})
    response = client.post(reverse("reading:proposal", args=[proposal.pk]), data)
    case = Case.objects.get(organisation=org, diary_number="2017.676 KS")
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert case.title == "Digital målbild för Alingsås kommun – öppen och smart"
    proposal.refresh_from_db()
    assert proposal.status == ImportProposal.Status.ACCEPTED and proposal.values["title"] == case.title
    page = _html(client.get(response.url))
    assert "Hänvisningar till tidigare beslut" in page and "finns inte i registret än" in page
    assert "Kommunfullmäktige antog den 25 november 2015, § 180" in page
    # The proposal's page now says what it became; acting on it again is refused without a 5xx.
    html = _html(client.get(reverse("reading:proposal", args=[proposal.pk])))
    assert case.get_absolute_url() in html and "Godkänn och registrera" not in html
    again = client.post(reverse("reading:proposal", args=[proposal.pk]), _post_data(proposal))
    assert again.status_code == 302


def test_every_error_is_shown_at_once_tied_to_its_field(client, registrar, proposal):
    client.force_login(registrar)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    data = _post_data(proposal, **{"f-date": tomorrow, "f-diary_numbers": "", "hanvisning-0-date": "igår",
                                   "f-start_time": "halv tre"})
    response = client.post(reverse("reading:proposal", args=[proposal.pk]), data)
    assert response.status_code == 400
    html = _html(response)
    summary = html[html.index('class="error-summary"'):html.index("</div>", html.index('class="error-summary"'))]
    assert 'href="#id_f-date"' in summary and "Datumet kan inte ligga i framtiden." in summary
    assert 'href="#id_f-diary_numbers"' in summary and 'href="#falt-references"' in summary
    assert 'href="#id_f-start_time"' in summary and "Hänvisning 1" in summary
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_f-date_confidence id_f-date_error"' in html
    assert 'value="halv tre"' in html  # what was typed is kept
    assert not Case.objects.exists()


def test_rejecting_a_proposal(client, org, registrar, proposal):
    client.force_login(registrar)
    page = reverse("reading:proposal", args=[proposal.pk])
    response = client.post(page, {"action": "reject", "avvisa-reason": ""})
    assert response.status_code == 400 and "Ange varför förslaget avvisas." in _html(response)
    response = client.post(page, {"action": "reject", "avvisa-reason": "Fel kommun."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ImportProposal.Status.REJECTED and proposal.reason == "Fel kommun."
    assert "Fel kommun." in _html(client.get(page))


@pytest.mark.parametrize("data", [
    {},
    {"action": "accept"},
    {"action": "godkänn", "f-kind": "minutes"},
    {"action": "accept", "f-kind": "<script>", "hanvisning-TOTAL_FORMS": "99999999", "hanvisning-INITIAL_FORMS": "x"},
    {"action": "accept", "forslag-TOTAL_FORMS": "-1", "forslag-INITIAL_FORMS": "0", "f-date": "2018-02-30"},
    {"action": "accept", "f-title": "nul\x00tecken"},
    {"action": "reject", "avvisa-reason": "x" * 5000},
])
def test_garbage_posts_never_give_a_5xx(client, registrar, proposal, data):
    client.force_login(registrar)
    response = client.post(reverse("reading:proposal", args=[proposal.pk]), data)
    assert response.status_code in (200, 302, 400)
    proposal.refresh_from_db()
    assert proposal.status == ImportProposal.Status.PENDING


@pytest.mark.one_database
def test_garbage_in_every_field_gives_a_4xx_not_a_5xx(client, registrar, proposal):
    """Each field in turn gets text it cannot mean; the date is left out so
    that the service reads every field and refuses (nothing is accepted)."""
    client.force_login(registrar)
    data = _post_data(proposal, **{"f-date": ""})
    garbage = ("§§ 12–x ÅÄÖ \u202e", "9" * 40, "2018-13-45", "<b>")
    fields = [key for key in data if key != "action" and not key.endswith("FORMS")]
    for n, key in enumerate(fields):  # each field one of the garbage texts in turn
        response = client.post(reverse("reading:proposal", args=[proposal.pk]), {**data, key: garbage[n % 4]})
        assert response.status_code == 400, key
    proposal.refresh_from_db()
    assert proposal.status == ImportProposal.Status.PENDING and not Case.objects.exists()


def test_an_unreadable_upload_is_listed_with_its_problem(client, registrar):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(registrar)
    response = client.post(reverse("reading:index"), {"files": [
        SimpleUploadedFile("tom.pdf", b"", content_type="application/pdf"),
        SimpleUploadedFile("program.exe", b"MZ\x90\x00" + bytes(200), content_type="application/octet-stream"),
    ]}, follow=True)
    assert response.status_code == 200
    html = _html(response)
    unreadable = list(ImportProposal.objects.order_by("filename"))
    assert [(p.filename, p.status) for p in unreadable] == [("program.exe", "unreadable"), ("tom.pdf", "unreadable")]
    for proposal in unreadable:
        assert proposal.problem and f"{proposal.filename} kunde inte läsas" in html
        assert proposal.blob is None  # neither is content the register stores
    assert client.post(reverse("reading:index"), {}).status_code == 400
    # The same files again: already read in, not queued twice.
    response = client.post(reverse("reading:index"), {"files": [
        SimpleUploadedFile("tom-igen.pdf", b"", content_type="application/pdf")]}, follow=True)
    assert "redan inläst" in _html(response) and ImportProposal.objects.count() == 2


# --- the case page ----------------------------------------------------------------------------------
def test_the_case_page_links_a_cited_decision_as_its_reader_may_see_it(client, org, ks, registrar, proposal):
    from diarium.reading import services

    kf = f.organ(org, code="KF", name="Kommunfullmäktige", kind=Organ.Kind.COUNCIL)
    decisions.paragraph_counter_set(actor=f.user(org, Role.ADMIN), organ=kf, year=2015, last=179)
    chair, adjuster = f.person(org, "Daniel Filipsson"), f.person(org, "Ann Ludvigsson")
    meeting = f.meeting(registrar, kf, dt.date(2015, 11, 25), members=[(chair, "chair"), (adjuster, "member")],
                        adjusters=[adjuster])
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    held = decisions.decision_record(actor=registrar, meeting=meeting, title="E-strategi", text="Antas.")
    services.proposal_accept(actor=registrar, proposal=proposal, values=seed_values())
    case = Case.objects.get(diary_number="2017.676 KS")
    assert CitedDecision.objects.get(paragraph=180).decision == held
    link = f'href="{held.get_absolute_url()}"'
    # Before the minutes are adjusted the public sees the citation, not the decision.
    public = _html(client.get(case.get_absolute_url()))
    assert "Hänvisningar till tidigare beslut" in public and link not in public
    assert "beslutet är inte offentligt än" in public
    client.force_login(registrar)
    assert link in _html(client.get(case.get_absolute_url()))
    client.logout()
    assert f.adjust(registrar, meeting).status == "adjusted"
    assert link in _html(client.get(case.get_absolute_url()))
    # A citation read from a secret document is not shown to those who may not read it.
    registry.document_mark_secret(actor=registrar, document=case.documents.get(), ground="OSL 21 kap. 1 §",
                                  masked_fields=["description"])
    assert "Hänvisningar till tidigare beslut" not in _html(client.get(case.get_absolute_url()))
    client.force_login(registrar)
    assert "Hänvisningar till tidigare beslut" in _html(client.get(case.get_absolute_url()))


def test_the_pages_of_a_meeting_read_in_are_shown(client, org, ks, registrar):
    from .test_reading_accept import MINUTES, minutes_values

    proposal = queue(registrar, org, "protokoll.txt", MINUTES.encode(), minutes_values())[0]
    client.force_login(registrar)
    response = client.post(reverse("reading:proposal", args=[proposal.pk]), _post_data(proposal))
    proposal.refresh_from_db()
    assert proposal.status == ImportProposal.Status.ACCEPTED and response.url == proposal.meeting.get_absolute_url()
    html = _html(client.get(response.url))
    assert "Handlingsplan för digital målbild" in html and "Daniel Filipsson" in html
    assert proposal.meeting.get_absolute_url() in _html(client.get(reverse("reading:proposal", args=[proposal.pk])))
    client.logout()
    assert client.get(proposal.meeting.get_absolute_url()).status_code == 200
    decision = proposal.meeting.decisions.get(paragraph=141)
    assert "Handlingsplanen godkänns." in _html(client.get(decision.get_absolute_url()))
    assert client.get(Case.objects.get(diary_number="KS 2018/231").get_absolute_url()).status_code == 200
