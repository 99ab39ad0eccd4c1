"""Issue 21: the register extract (registerutdrag, GDPR art. 15). A registrar
finds every record of the organisation in which a person appears, by name
and/or e-mail address, case-insensitively, and downloads it for them as CSV
or JSON; every extract is logged. Nothing of another organisation is found,
and nobody but the organisation's registrars and administrators makes one."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diarium.accounts.models import Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.decisions import services as decisions
from diarium.desk import extract as extracts
from diarium.desk import extract_log
from diarium.desk.models import RegisterExtract
from diarium.intake import services as intake
from diarium.registry import services as registry
from diarium.remiss import services as remiss

from . import factories as f

pytestmark = pytest.mark.django_db

NAME = "Åsa Öberg"
EMAIL = "asa.oberg@example.se"


def eml(sender: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ks@alingsas.se"
    msg["Subject"] = "Synpunkt på detaljplanen"
    msg["Date"] = "Mon, 30 Nov 2026 10:15:00 +0100"
    msg["Message-ID"] = "<synpunkt-1@example.se>"
    msg.set_content("Jag tycker att parken ska vara kvar.")
    return msg.as_bytes()


@pytest.fixture
def w(org, ks, registrar):
    # A case titled with her name (the masking assistant may withhold it from the public: the
    # extract shows it as written), and one whose description gives her address.
    titled = f.case(registrar, ks, title=f"Ansökan om bygglov från {NAME}")
    described = f.case(registrar, ks, title="Synpunkter på parken",
                       description=f"Kontakt sker med e-post till {EMAIL}.")
    counterpart = f.document(registrar, described, counterpart=NAME, counterpart_is_private=True,
                             description="Synpunkt på parken")
    described_document = f.document(registrar, described, counterpart="Föreningen Sambruk",
                                    description="Yttrande som nämner ÅSA ÖBERG")
    registry.document_mark_secret(actor=registrar, document=described_document, ground="OSL 26 kap. 1 §",
                                  masked_fields=["description"])
    registry.contact_save(actor=registrar, organisation_id=org.pk, kind="person", name=NAME, email=EMAIL)
    registry.contact_save(actor=registrar, organisation_id=org.pk, kind="person", name="Bo Ek", email="bo@example.se")
    # A decision sent to her.
    chair = f.person(org, "Ordförande Ordförandesson")
    meeting = f.meeting(registrar, ks, dt.date(2018, 9, 24), members=[(chair, "chair")])
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Bygglov", case=titled)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    decision = decisions.decision_record(
        actor=registrar, meeting=meeting, agenda_item=item, title="Bygglov beviljas", text="Bygglov beviljas.",
        recipients=[decisions.RecipientInput(name=NAME, email=EMAIL, kind="private")])
    # A remiss sent to her.
    plan = f.document(registrar, described, direction="drawn_up", counterpart="", description="Förslag",
                      files=[f.text_file("forslag.txt", "Förslag till plan\n")])
    round_ = remiss.remiss_create(
        actor=registrar, case=described, title="Förslag till parkplan", letter="Vi önskar era synpunkter.",
        deadline=dt.date.today() + dt.timedelta(days=30),
        recipients=[remiss.RecipientInput(name=NAME, email=EMAIL, kind="private")],
        files=list(plan.files.all()))
    # A request for a public document, and a message in the inbox.
    registry.copy_request_record(document=counterpart, name=NAME, contact=EMAIL, format="email")
    item = intake.message_upload(actor=registrar, organisation_id=org.pk,
                                 upload=SimpleUploadedFile("synpunkt.eml", eml(f"{NAME} <{EMAIL}>")))
    # Another organisation's register names her too.
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    other_ks = f.organ(other)
    other_registrar = f.registrar(other)
    other_case = f.case(other_registrar, other_ks, title=f"Ärende om {NAME} i Vårgårda")
    registry.contact_save(actor=other_registrar, organisation_id=other.pk, kind="person", name=NAME, email=EMAIL)
    return SimpleNamespace(org=org, ks=ks, registrar=registrar, titled=titled, described=described,
                           counterpart=counterpart, described_document=described_document, decision=decision,
                           round=round_, item=item, other=other, other_registrar=other_registrar,
                           other_case=other_case)


def found(extract, kind):
    return [(x.reference, x.field, x.value) for x in extract.findings if x.kind == kind]


# --- what is found ----------------------------------------------------------------------------------
def test_a_person_is_found_in_each_kind_of_record(w):
    extract = extracts.register_extract(organisation=w.org, name=NAME, email=EMAIL)
    K = extracts.RecordKind
    assert found(extract, K.CASE) == [
        (w.described.diary_number, "Beskrivning", f"Kontakt sker med e-post till {EMAIL}."),
        (w.titled.diary_number, "Ärendemening", f"Ansökan om bygglov från {NAME}"),
    ]
    reference = f"{w.described.diary_number}-"
    assert sorted(found(extract, K.DOCUMENT)) == sorted([
        (reference + str(w.counterpart.number), "Avsändare/mottagare", NAME),
        (reference + str(w.described_document.number), "Beskrivning", "Yttrande som nämner ÅSA ÖBERG"),
    ])
    assert found(extract, K.CONTACT) == [(f"Kontakt: {NAME}", "Namn", NAME), (f"Kontakt: {NAME}", "E-post", EMAIL)]
    paragraph = f"KS 2018-09-24 § {w.decision.paragraph} ({w.titled.diary_number})"
    assert found(extract, K.DECISION_RECIPIENT) == [(paragraph, "Namn", NAME), (paragraph, "E-post", EMAIL)]
    remiss_reference = f"{w.described.diary_number}, remiss: Förslag till parkplan"
    assert found(extract, K.REMISS_RECIPIENT) == [(remiss_reference, "Namn", NAME),
                                                  (remiss_reference, "E-post", EMAIL)]
    copy = reference + str(w.counterpart.number)
    assert found(extract, K.COPY_REQUEST) == [(copy, "Namn", NAME), (copy, "Kontaktuppgift", EMAIL)]
    assert found(extract, K.INTAKE_ITEM) == [("Inkorgen: Synpunkt på detaljplanen", "Avsändare", NAME),
                                             ("Inkorgen: Synpunkt på detaljplanen", "Avsändarens adress", EMAIL)]
    assert extract.incomplete == [] and extract.has_secret
    assert all(x.date for x in extract.findings)


def test_matching_ignores_case_swedish_letters_too_and_an_address_alone_finds_its_records(w):
    lower = extracts.register_extract(organisation=w.org, name="åsa öberg")
    assert {x.kind for x in lower.findings} == set(extracts.RecordKind.values)
    assert ("Beskrivning", "Yttrande som nämner ÅSA ÖBERG") in [(x.field, x.value) for x in lower.findings]
    by_address = extracts.register_extract(organisation=w.org, email=EMAIL.upper())
    assert {(x.kind, x.field) for x in by_address.findings} == {
        ("case", "Beskrivning"), ("contact", "E-post"), ("decision_recipient", "E-post"),
        ("remiss_recipient", "E-post"), ("copy_request", "Kontaktuppgift"), ("intake_item", "Avsändarens adress")}


def test_nothing_of_another_organisation_is_found(w):
    extract = extracts.register_extract(organisation=w.org, name=NAME, email=EMAIL)
    assert reverse("registry:case_detail", args=[w.other_case.pk]) not in [x.url for x in extract.findings]
    assert all("Vårgårda" not in x.value for x in extract.findings)
    assert len(found(extract, extracts.RecordKind.CONTACT)) == 2
    theirs = extracts.register_extract(organisation=w.other, name=NAME)
    assert [(x.kind, x.reference) for x in theirs.findings] == [
        ("case", w.other_case.diary_number), ("contact", f"Kontakt: {NAME}")]


def test_a_name_or_an_address_must_be_given(w):
    with pytest.raises(DomainError) as refused:
        extracts.register_extract(organisation=w.org)
    assert "name" in refused.value.errors
    with pytest.raises(DomainError) as refused:
        extracts.register_extract(organisation=w.org, name="Ås")
    assert refused.value.errors == {"name": ["Ange minst 3 tecken."]}


def test_an_extract_with_more_records_than_shown_says_so(w, monkeypatch):
    monkeypatch.setattr(extracts, "EXTRACT_ROWS_MAX", 1)
    extract = extracts.register_extract(organisation=w.org, email="example.se")
    assert extracts.RecordKind.CONTACT in extract.incomplete
    assert len(found(extract, extracts.RecordKind.CONTACT)) == 1


# --- making one: rights and the log ------------------------------------------------------------------
def test_making_an_extract_is_logged(w):
    extract_log.register_extract_make(actor=w.registrar, organisation=w.org, name=NAME, form="csv")
    [entry] = RegisterExtract.objects.all()
    assert (entry.organisation, entry.made_by, entry.subject_name, entry.subject_email, entry.form) == (
        w.org, w.registrar, NAME, "", "csv")
    assert entry.records == len(extracts.register_extract(organisation=w.org, name=NAME).findings)
    assert entry.made_by_name == w.registrar.username


@pytest.mark.parametrize("role,organ_wide", [(Role.CASE_OFFICER, True), (Role.READER, True),
                                             (Role.REGISTRAR, False)])
def test_only_registrars_and_administrators_of_the_whole_organisation_make_one(client, w, role, organ_wide):
    user = f.user(w.org, role, None if organ_wide else w.ks)
    with pytest.raises(PermissionDenied):
        extract_log.register_extract_make(actor=user, organisation=w.org, name=NAME)
    client.force_login(user)
    response = client.get(reverse("desk:register_extract"))
    assert response.status_code == 403
    assert "Du har inte behörighet att göra registerutdrag" in response.content.decode()
    response = client.post(reverse("desk:register_extract"), {"organisation": w.org.pk, "name": NAME})
    assert response.status_code == 403
    assert not RegisterExtract.objects.exists()


def test_another_organisations_registrar_and_the_public_are_refused(client, w):
    client.force_login(w.other_registrar)
    response = client.post(reverse("desk:register_extract"), {"organisation": w.org.pk, "name": NAME})
    assert response.status_code == 403
    client.logout()
    response = client.get(reverse("desk:register_extract"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert not RegisterExtract.objects.exists()


# --- the page and the downloads ------------------------------------------------------------------------
def test_the_page_shows_the_extract_and_the_log(client, w):
    client.force_login(w.registrar)
    page = client.get(reverse("desk:register_extract")).content.decode()
    assert '<label for="utdrag_name">Namn:</label>' in page and "Inga registerutdrag har gjorts." in page
    response = client.post(reverse("desk:register_extract"), {"organisation": w.org.pk, "name": NAME,
                                                              "email": EMAIL})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "14 uppgifter hittades" in page
    assert f'<caption>Uppgifter om {NAME} ({EMAIL})</caption>' in page
    assert f'<a href="{reverse("registry:case_detail", args=[w.titled.pk])}">{w.titled.diary_number}</a>' in page
    assert "Pröva sekretessen innan utdraget lämnas ut." in page
    assert 'name="format" value="csv"' in page and 'name="format" value="json"' in page
    assert RegisterExtract.objects.get().form == "page"
    assert "Visat på sidan" in client.get(reverse("desk:register_extract")).content.decode()
    # The name never goes into an address.
    assert "?name=" not in page


def test_errors_are_shown_on_the_form(client, w):
    client.force_login(w.registrar)
    response = client.post(reverse("desk:register_extract"), {"organisation": w.org.pk, "name": "", "email": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page and "Ange personens namn, e-postadress eller båda." in page
    assert not RegisterExtract.objects.exists()


def test_the_extract_as_csv_and_json(client, w):
    client.force_login(w.registrar)
    response = client.post(reverse("desk:register_extract"), {"organisation": w.org.pk, "email": EMAIL,
                                                              "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registerutdrag-alingsas-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Slag av uppgift", "Referens", "Datum", "Fält", "Uppgift"]
    assert ["Kontaktregistret", f"Kontakt: {NAME}", dt.date.today().isoformat(), "E-post", EMAIL] in rows
    assert len(rows) == 1 + 6
    response = client.post(reverse("desk:register_extract"), {"organisation": w.org.pk, "name": NAME,
                                                              "format": "json"})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert body["organisation"] == "Alingsås kommun" and body["subject"] == {"name": NAME, "email": ""}
    assert body["incomplete"] == []
    kinds = {r["kind"] for r in body["records"]}
    assert kinds == set(extracts.RecordKind.values)
    assert set(body["records"][0]) == {"kind", "kind_label", "reference", "date", "field", "value"}
    assert "url" not in response.content.decode()
    assert list(RegisterExtract.objects.order_by("id").values_list("form", flat=True)) == ["csv", "json"]
