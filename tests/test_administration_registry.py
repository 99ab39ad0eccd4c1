"""Issue 25: the organisation administrator's own screens for the register's
and the meetings' reference data (/organisation/<slug>/…): diary number
series, their counters and the diary number's format; the classification
scheme; document types; the organs' members and substitutes; and the
function mailboxes. Each lists, adds and changes; bad input shows every error
at once and writes nothing; another organisation's objects are not found; a
case officer is refused; the IMAP password is never shown; every change is in
the administration's history."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from diarium.accounts.models import AdministrationEvent, Organ, Role
from diarium.decisions import services as decisions
from diarium.decisions.models import Membership
from diarium.intake import services as intake
from diarium.intake.models import Mailbox
from diarium.registry import reference
from diarium.registry import services as registry
from diarium.registry.models import Classification, DocumentType, Series, SeriesCounter

from . import factories as f
from .api_support import bearer, token_for

# The screens are the subject; their services' database paths run on both through
# test_administration_isolation.py and the API tests: beside PostgreSQL only in CI (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.one_database(on="postgresql")]

SECRET = "Hemligt-IMAP-lösen-42"


@pytest.fixture
def admin(org, ks):
    return f.user(org, Role.ADMIN)


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def other(db):
    """Another organisation, with one of everything, and its own administrator."""
    org = f.organisation(name="Vårgårda kommun", slug="vargarda")
    organ = f.organ(org, code="VKS", name="Vårgårda kommunstyrelse")
    boss = f.user(org, Role.ADMIN)
    series = reference.series_create(actor=boss, organisation=org, code="VS", name="Vårgårdas serie")
    node = registry.classification_create(actor=boss, organisation=org, code="1", title="Styrning")
    document_type = reference.document_type_create(actor=boss, organisation=org, name="Vårgårdabrev")
    person = f.person(org, "Vera Vårgårda")
    seat = decisions.membership_add(actor=boss, organ=organ, person=person, role=Membership.Role.MEMBER,
                                    start=dt.date(2026, 1, 1))
    mailbox = intake.mailbox_save(actor=boss, organisation_id=org.pk, name="Vårgårdas brevlåda",
                                  host="imap.vargarda.se", username="diarium", password="annat-lösen")
    return {"org": org, "organ": organ, "series": series, "node": node, "document_type": document_type,
            "seat": seat, "mailbox": mailbox}


def url(name, org, *args):
    return reverse(f"administration:{name}", args=[org.slug, *args])


MINE = ("series", "organisation", "classification", "document_type", "membership", "mailbox")


def events(org, action):
    return list(AdministrationEvent.objects.filter(organisation=org, action=action))


def actions(org) -> list[str]:
    """The organisation's history of this file's kinds of reference data, oldest first (the
    organs and users the fixtures make may have their own events)."""
    return [e.action for e in AdministrationEvent.objects.filter(organisation=org, object_type__in=MINE)
            .order_by("id")]


def page(response) -> str:
    return response.content.decode()


def error_summary(response) -> str:
    """The error summary at the top of the form (what a user reads first)."""
    text = page(response)
    start = text.index('class="error-summary"')
    return text[start:text.index("</div>", start)]


# --- every screen, and who may open it -----------------------------------------------------------
def screens(org, ks):
    return [url("series_list", org), url("series_add", org), url("document_type_list", org),
            url("membership_organs", org), url("membership_list", org, ks.pk), url("mailbox_list", org),
            url("mailbox_add", org)]


def test_the_overview_links_every_screen_and_each_opens(as_admin, org, ks):
    overview = page(as_admin.get(reverse("administration:overview", args=[org.slug])))
    for target in screens(org, ks):
        response = as_admin.get(target)
        assert response.status_code == 200, target
        assert 'class="breadcrumbs"' in page(response)
    for name in ("series_list", "document_type_list", "membership_organs", "mailbox_list"):
        assert f'href="{url(name, org)}"' in overview


def test_a_case_officer_is_refused_every_screen_and_writes_nothing(client, org, ks):
    client.force_login(f.user(org, Role.CASE_OFFICER))
    for target in screens(org, ks):
        assert client.get(target).status_code == 404, target
    response = client.post(url("series_add", org), {"code": "X", "name": "Smygserie"})
    assert response.status_code == 404
    response = client.post(url("mailbox_add", org), {"name": "Smyg", "host": "imap.example.se", "port": "993",
                                                     "username": "u", "password": "p"})
    assert response.status_code == 404
    assert not Series.objects.filter(code="X").exists() and not Mailbox.objects.exists()
    assert actions(org) == []


def test_another_organisations_objects_are_not_found(as_admin, org, ks, other):
    targets = [
        url("series_edit", org, other["series"].pk), url("series_delete", org, other["series"].pk),
        url("document_type_edit", org, other["document_type"].pk),
        url("membership_list", org, other["organ"].pk),
        url("membership_end", org, other["organ"].pk, other["seat"].pk),
        url("membership_end", org, ks.pk, other["seat"].pk),
        url("mailbox_edit", org, other["mailbox"].pk),
    ]
    for target in targets:
        assert as_admin.get(target).status_code == 404, target
        assert as_admin.post(target, {"action": "save", "name": "Kapad", "code": "K", "end": "2026-02-01",
                                      "host": "h", "username": "u"}).status_code == 404, target
    assert as_admin.post(url("mailbox_active", org, other["mailbox"].pk), {"active": "0"}).status_code == 404
    # And the other organisation's screens themselves are not this administrator's.
    assert as_admin.get(url("series_list", other["org"])).status_code == 404
    for row in (other["series"], other["node"], other["document_type"], other["seat"], other["mailbox"]):
        row.refresh_from_db()
    assert other["series"].name == "Vårgårdas serie" and other["document_type"].name == "Vårgårdabrev"
    assert other["seat"].end is None and other["mailbox"].active
    assert actions(org) == []


# --- diary number series, counters and the format -----------------------------------------------
def test_series_are_listed_added_changed_and_their_counter_moves_only_forward(as_admin, org, ks, registrar):
    with f.on_day("2026-03-02"):
        case = f.case(registrar, ks)
    assert case.diary_number == "2026.1 KS"
    bn = f.organ(org, code="BN", name="Byggnadsnämnden", kind=Organ.Kind.BOARD)
    listing = page(as_admin.get(url("series_list", org)))
    assert "KS" in listing and "2026: nr 1" in listing and 'role="region"' in listing

    response = as_admin.post(url("series_add", org), {"code": "BN", "name": "Byggnadsnämndens serie",
                                                      "organs": [str(bn.pk)]})
    assert response.status_code == 302
    series = Series.objects.get(organisation=org, code="BN")
    assert list(series.organs.all()) == [bn]
    assert "Diarieserien BN är tillagd." in page(as_admin.get(response.url))
    assert events(org, "series_created")[0].changes["organs"] == "BN"

    response = as_admin.post(url("series_edit", org, series.pk), {"action": "save", "code": "BYGG",
                                                                  "name": "Bygg", "organs": [str(bn.pk)]})
    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.code, series.name) == ("BYGG", "Bygg")
    assert events(org, "series_changed")[0].changes == {"code": "BYGG", "name": "Bygg"}

    ks_series = case.series
    with f.on_day("2026-03-02"):
        response = as_admin.post(url("series_edit", org, ks_series.pk),
                                 {"action": "counter", "counter-year": "2026", "counter-last_seq": "675"})
        assert response.status_code == 302
        assert f.case(registrar, ks).diary_number == "2026.676 KS"
        refused = as_admin.post(url("series_edit", org, ks_series.pk),
                                {"action": "counter", "counter-year": "2026", "counter-last_seq": "10"})
    assert refused.status_code == 400
    assert "har redan nått nummer 676" in error_summary(refused)
    assert SeriesCounter.objects.get(series=ks_series, year=2026).last_seq == 676
    assert len(events(org, "series_counter_set")) == 1


def test_a_refused_series_shows_every_error_at_once_and_writes_nothing(as_admin, org, ks):
    f.case(f.registrar(org), ks)  # KS numbers in series KS
    before = actions(org)
    response = as_admin.post(url("series_add", org), {"code": "", "name": "", "organs": [str(ks.pk)]})
    assert response.status_code == 400
    summary = error_summary(response)
    assert "Ange seriens kod." in summary and "Ange seriens namn." in summary
    assert "Ett organ kan bara numrera i en serie" in summary
    assert 'href="#id_code"' in summary and 'href="#id_name"' in summary
    assert Series.objects.filter(organisation=org).count() == 1 and actions(org) == before
    response = as_admin.post(url("series_edit", org, Series.objects.get().pk),
                             {"action": "counter", "counter-year": "19", "counter-last_seq": "-1"})
    summary = error_summary(response)
    assert response.status_code == 400 and "1900" in summary and "negativt" in summary


def test_an_unused_series_is_removed_after_asking(as_admin, org, ks):
    series = reference.series_create(actor=f.user(org, Role.ADMIN), organisation=org, code="GAMMAL",
                                     name="Oanvänd serie")
    confirm = as_admin.get(url("series_delete", org, series.pk))
    assert confirm.status_code == 200 and "Ta bort diarieserien GAMMAL?" in page(confirm)
    assert Series.objects.filter(pk=series.pk).exists()  # asking removes nothing
    response = as_admin.post(url("series_delete", org, series.pk))
    assert response.status_code == 302 and not Series.objects.filter(pk=series.pk).exists()
    assert events(org, "series_removed")[0].changes["code"] == "GAMMAL"


def test_a_used_series_is_not_removed(as_admin, org, ks, registrar):
    series = f.case(registrar, ks).series
    response = as_admin.post(url("series_delete", org, series.pk), follow=True)
    assert "har använts för ärenden och kan inte tas bort" in page(response)
    assert Series.objects.filter(pk=series.pk).exists()


def test_the_number_format_is_previewed_then_saved(as_admin, org, ks, registrar):
    with f.on_day("2026-05-04"):
        f.case(registrar, ks)
        listing = page(as_admin.get(url("series_list", org)))
        assert "2026.2 KS" in listing  # the next number, in the format in force
        preview = as_admin.post(url("series_list", org), {"action": "preview",
                                                          "diary_number_format": "{series} {year}/{seq}"})
        assert preview.status_code == 200 and "KS 2026/2" in page(preview)
        org.refresh_from_db()
        assert org.diary_number_format == "{year}.{seq} {series}"  # a preview saves nothing
        response = as_admin.post(url("series_list", org), {"action": "save",
                                                           "diary_number_format": "{series} {year}/{seq}"})
        assert response.status_code == 302
        assert "KS 2026/1" in page(as_admin.get(response.url))
        org.refresh_from_db()  # the fixture's organ holds this very object
        assert f.case(registrar, ks).diary_number == "KS 2026/2"
    (event,) = events(org, "diary_number_format_changed")
    assert event.changes == {"diary_number_format": "{series} {year}/{seq}"}


def test_a_bad_number_format_shows_every_problem_and_is_not_saved(as_admin, org, ks):
    for action in ("preview", "save"):
        response = as_admin.post(url("series_list", org), {"action": action,
                                                           "diary_number_format": "{nummer}-{year}"})
        assert response.status_code == 400
        summary = error_summary(response)
        assert "inte {nummer}" in summary and "måste innehålla {seq}, {series}" in summary
    response = as_admin.post(url("series_list", org), {"action": "save", "diary_number_format": "{year}.{seq"})
    assert response.status_code == 400 and "klammer" in error_summary(response)
    org.refresh_from_db()
    assert org.diary_number_format == "{year}.{seq} {series}"
    assert not events(org, "diary_number_format_changed")


def test_the_number_format_over_the_api(client, org, ks, admin, other):
    headers = bearer(token_for(admin))
    path = f"/api/organisations/{org.pk}/diary-number-format"
    got = client.get(path, **headers)
    assert got.status_code == 200 and got.json()["diary_number_format"] == "{year}.{seq} {series}"
    refused = client.put(path, json.dumps({"diary_number_format": "{seq}"}), content_type="application/json",
                         **headers)
    assert refused.status_code == 400 and "diary_number_format" in refused.json()["errors"]
    changed = client.put(path, json.dumps({"diary_number_format": "{series}-{year}-{seq}"}),
                         content_type="application/json", **headers)
    assert changed.status_code == 200 and changed.json()["diary_number_format"] == "{series}-{year}-{seq}"
    elsewhere = f"/api/organisations/{other['org'].pk}/diary-number-format"
    assert client.get(elsewhere, **headers).status_code == 403
    assert client.put(elsewhere, json.dumps({"diary_number_format": "{series}-{year}-{seq}"}),
                      content_type="application/json", **headers).status_code == 403


# --- the classification scheme ------------------------------------------------------------------
XML = """<?xml version="1.0" encoding="UTF-8"?>
<klassificeringsstruktur version="1">
  <verksamhetsomrade kod="1" benamning="Styrning och ledning">
    <processgrupp kod="1.1" benamning="Organisation och ansvar">
      <process kod="1.1.1" benamning="Besluta om organisation och delegering"/>
    </processgrupp>
  </verksamhetsomrade>
</klassificeringsstruktur>
"""


def test_the_overview_leads_to_the_registers_scheme_and_its_changes_are_in_the_history(as_admin, admin, org, ks):
    """The scheme is kept on the register's own screens (/klassificering/, tested in
    test_classification.py); the overview links them, and every change to the scheme
    is in the administration's history."""
    from diarium.registry.classification_files import scheme_file_read

    overview = page(as_admin.get(reverse("administration:overview", args=[org.slug])))
    assert f'href="{reverse("registry:classification_scheme")}?organisation={org.pk}"' in overview

    registry.classification_import(actor=admin, organisation=org, scheme=scheme_file_read("k.xml", XML.encode()),
                                   filename="k.xml")
    group = Classification.objects.get(organisation=org, code="1.1")
    node = registry.classification_create(actor=admin, organisation=org, code="1.1.2", title="Utse ombud")
    assert node.parent == group
    registry.classification_update(actor=admin, classification=node, active=False)
    registry.classification_delete(actor=admin, classification=node)
    assert {"classification_imported", "classification_created", "classification_retired"} <= set(actions(org))
    assert not Classification.objects.filter(pk=node.pk).exists()


# --- document types -------------------------------------------------------------------------------
def test_document_types_are_listed_added_and_changed(as_admin, org, ks):
    response = as_admin.post(url("document_type_list", org), {"name": "Yttrande"})
    assert response.status_code == 302
    document_type = DocumentType.objects.get(organisation=org)
    assert "Yttrande" in page(as_admin.get(response.url))
    response = as_admin.post(url("document_type_edit", org, document_type.pk), {"name": "Remissyttrande"})
    assert response.status_code == 302
    document_type.refresh_from_db()
    assert document_type.name == "Remissyttrande" and not document_type.active  # the box left unticked retires it
    assert "Används inte för nya handlingar" in page(as_admin.get(url("document_type_list", org)))
    assert actions(org) == ["document_type_created", "document_type_changed"]


def test_a_refused_document_type_writes_nothing(as_admin, org, ks):
    reference.document_type_create(actor=f.user(org, Role.ADMIN), organisation=org, name="Ansökan")
    for name, message in (("", "Ange handlingstypens namn."), ("ansökan", "finns redan")):
        response = as_admin.post(url("document_type_list", org), {"name": name})
        assert response.status_code == 400 and message in error_summary(response)
    assert DocumentType.objects.filter(organisation=org).count() == 1


# --- the organs' members and substitutes ----------------------------------------------------------
def test_members_and_substitutes_are_listed_added_and_ended(as_admin, org, ks):
    with f.on_day("2026-06-01"):
        response = as_admin.post(url("membership_list", org, ks.pk), {
            "name": "Anna Berg", "role": "member", "party": "S", "start": "2026-01-01", "end": ""})
        assert response.status_code == 302
        response = as_admin.post(url("membership_list", org, ks.pk), {
            "name": "Bo Ek", "role": "substitute", "party": "M", "start": "2026-01-01", "end": "2026-12-31",
            "substitute_order": "1"})
        assert response.status_code == 302
        listing = page(as_admin.get(url("membership_list", org, ks.pk)))
        assert "Anna Berg" in listing and "tills vidare" in listing and "2026-12-31" in listing
        organs = page(as_admin.get(url("membership_organs", org)))
        assert "Kommunstyrelsen (KS)" in organs
        seat = Membership.objects.get(person__name="Anna Berg")
        response = as_admin.post(url("membership_end", org, ks.pk, seat.pk), {"membership": seat.pk,
                                                                              "end": "2026-05-31"})
        assert response.status_code == 302
        seat.refresh_from_db()
        assert seat.end == dt.date(2026, 5, 31)
        listing = page(as_admin.get(url("membership_list", org, ks.pk)))
        assert "Avslutade uppdrag" in listing
    assert actions(org) == ["membership_added", "membership_added", "membership_ended"]


def test_a_refused_membership_shows_every_error_at_once_and_writes_nothing(as_admin, org, ks):
    response = as_admin.post(url("membership_list", org, ks.pk), {
        "name": "", "role": "kung", "start": "31/12", "email": "inte-en-adress", "substitute_order": "0"})
    assert response.status_code == 400
    summary = error_summary(response)
    for message in ("Ange personens namn.", "Välj ordförande, vice ordförande, ledamot eller ersättare.",
                    "ÅÅÅÅ-MM-DD", "giltig e-postadress", "Turordningen"):
        assert message in summary, message
    response = as_admin.post(url("membership_list", org, ks.pk), {
        "name": "Cecilia Dahl", "role": "member", "start": "2026-06-01", "end": "2026-01-01"})
    assert response.status_code == 400 and "Slutdatum kan inte ligga före startdatum." in error_summary(response)
    assert not Membership.objects.exists() and actions(org) == []


# --- function mailboxes ---------------------------------------------------------------------------
MAILBOX = {"name": "Kommunstyrelsens brevlåda", "host": "imap.alingsas.se", "port": "993", "security": "ssl",
           "username": "ks-diarium", "password": SECRET, "folder": "INBOX", "done_folder": "Diarieförda",
           "active": "on"}


def test_a_mailbox_is_added_changed_and_switched_off_and_its_password_never_shown(as_admin, org, ks):
    response = as_admin.post(url("mailbox_add", org), {**MAILBOX, "organ": str(ks.pk)})
    assert response.status_code == 302
    mailbox = Mailbox.objects.get(organisation=org)
    assert (mailbox.password, mailbox.organ, mailbox.active) == (SECRET, ks, True)
    edit = page(as_admin.get(url("mailbox_edit", org, mailbox.pk)))
    assert SECRET not in edit and 'value="ks-diarium"' in edit and 'type="password"' in edit

    unticked = {k: v for k, v in MAILBOX.items() if k != "active"}
    response = as_admin.post(url("mailbox_edit", org, mailbox.pk),
                             {**unticked, "password": "", "host": "imap2.alingsas.se", "port": "143",
                              "security": "starttls"})
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.host, mailbox.port, mailbox.password) == ("imap2.alingsas.se", 143, SECRET)  # kept
    assert not mailbox.active  # "active" left out: the box unticked

    mailbox.poll_error = "Servern svarade inte."
    mailbox.save()
    listing = page(as_admin.get(url("mailbox_list", org)))
    assert "Servern svarade inte." in listing and SECRET not in listing and "Nej, avstängd" in listing
    response = as_admin.post(url("mailbox_active", org, mailbox.pk), {"active": "1"})
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.active

    response = as_admin.post(url("mailbox_edit", org, mailbox.pk), {**MAILBOX, "password": "Nytt-lösen-7"})
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.password == "Nytt-lösen-7"
    history = list(AdministrationEvent.objects.filter(organisation=org, object_type="mailbox").order_by("id"))
    assert [e.action for e in history] == ["mailbox_created", "mailbox_changed", "mailbox_enabled",
                                           "mailbox_changed"]
    assert history[0].changes["password"] == "(ändrad)" and "password" not in history[1].changes
    dumped = json.dumps([e.changes for e in history]) + " ".join(e.summary for e in history)
    assert SECRET not in dumped and "Nytt-lösen-7" not in dumped
    overview = page(as_admin.get(reverse("administration:overview", args=[org.slug])))
    assert SECRET not in overview and "Nytt-lösen-7" not in overview


def test_a_refused_mailbox_shows_every_error_at_once_and_writes_nothing(as_admin, org, ks):
    response = as_admin.post(url("mailbox_add", org), {"name": "", "host": "", "port": "sjuttio",
                                                       "username": "", "password": SECRET})
    assert response.status_code == 400
    summary = error_summary(response)
    for message in ("Ange brevlådans namn.", "Ange IMAP-serverns namn.", "Ange en port mellan 1 och 65535.",
                    "Ange användarnamnet."):
        assert message in summary, message
    assert SECRET not in page(response)  # not even back into the refused form
    response = as_admin.post(url("mailbox_add", org), {**MAILBOX, "password": ""})
    assert response.status_code == 400 and "Ange lösenordet." in error_summary(response)
    assert not Mailbox.objects.exists() and actions(org) == []


def test_a_mailbox_is_changed_over_the_api_and_the_password_is_not_read_back(client, org, ks, admin, other):
    mailbox = intake.mailbox_save(actor=admin, organisation_id=org.pk, name="KS", host="imap.alingsas.se",
                                  username="ks", password=SECRET)
    headers = bearer(token_for(admin))
    path = f"/api/organisations/{org.pk}/mailboxes/{mailbox.pk}"
    response = client.patch(path, json.dumps({"port": 143, "security": "starttls", "active": False}),
                            content_type="application/json", **headers)
    assert response.status_code == 200 and SECRET not in response.content.decode()
    mailbox.refresh_from_db()
    assert (mailbox.port, mailbox.security, mailbox.active, mailbox.password) == (143, "starttls", False, SECRET)
    refused = client.patch(path, json.dumps({"name": " ", "host": ""}), content_type="application/json", **headers)
    assert refused.status_code == 400 and {"name", "host"} <= set(refused.json()["errors"])
    refused = client.patch(path, json.dumps({"organ_id": other["organ"].pk}), content_type="application/json",
                           **headers)
    assert refused.status_code == 400 and "organ_id" in refused.json()["errors"]
    elsewhere = f"/api/organisations/{org.pk}/mailboxes/{other['mailbox'].pk}"
    assert client.patch(elsewhere, json.dumps({"active": False}), content_type="application/json",
                        **headers).status_code == 404
    assert client.patch(f"/api/organisations/{other['org'].pk}/mailboxes/{other['mailbox'].pk}",
                        json.dumps({"active": False}), content_type="application/json", **headers).status_code == 403
    other["mailbox"].refresh_from_db()
    assert other["mailbox"].active
