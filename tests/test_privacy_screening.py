"""Issue 18: the masking assistant in the register. What it finds in free text
is withheld from the public until a registrar has reviewed it; a case's title
can be protected; the audit brings what was published before under the rules."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from diarium.accounts.models import Role
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import access, services
from diarium.registry.models import Case, Document, Event
from diarium.registry.selectors import privacy as privacy_selectors

from . import factories as f
from .api_support import bearer, post_json, token_for

pytestmark = pytest.mark.django_db

PNR = "19850304-1231"  # a valid check digit
PNR_SHORT = "850304-1231"
PHONE = "070-123 45 67"


def _public(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _verdicts(case, user, action="mask", reason=""):
    review = privacy_selectors.case_privacy(user=user, case=case)
    return [services.Verdict(model=field.model, pk=field.pk, field=field.field, index=finding.index,
                             action=action, reason=reason)
            for field in review.fields for finding in field.findings]


def test_a_personal_identity_number_in_a_case_title_is_withheld_until_reviewed(registrar, ks, client):
    case = f.case(registrar, ks, title=f"Ansökan om färdtjänst för {PNR}")
    case.refresh_from_db()
    assert PNR not in case.title and "[personnummer]" in case.title
    assert case.privacy_pending
    assert PNR not in case.search_text
    page = _public(client, f"/arenden/{case.pk}/")
    assert PNR not in page and "[personnummer]" in page
    assert PNR not in _public(client, f"/api/cases/{case.pk}")
    # The registrar sees the title as written, and is asked to review it.
    client.force_login(registrar)
    page = _public(client, f"/arenden/{case.pk}/")
    assert PNR in page and "Granska personuppgifterna" in page


def test_the_registrar_accepts_the_mask_and_the_public_keeps_seeing_it_masked(registrar, ks, client):
    case = f.case(registrar, ks, title=f"Ansökan om färdtjänst för {PNR}")
    assert services.privacy_review(actor=registrar, case=case, verdicts=_verdicts(case, registrar)) == 1
    case.refresh_from_db()
    assert not case.privacy_pending and "[personnummer]" in case.title
    assert PNR not in _public(client, f"/arenden/{case.pk}/")
    event = Event.objects.filter(case=case, kind=Event.Kind.PRIVACY_REVIEWED).get()
    assert event.data["masked"] == {"pnr": 1} and PNR not in json.dumps(event.data)


def test_a_personal_identity_number_is_released_only_with_a_reason(registrar, ks, client):
    case = f.case(registrar, ks, title=f"Ansökan från {PNR} och {PHONE}")
    with pytest.raises(DomainError) as refused:
        services.privacy_review(actor=registrar, case=case, verdicts=_verdicts(case, registrar, "release"))
    assert "skäl" in refused.value.message.lower()
    case.refresh_from_db()
    assert case.privacy_pending and PHONE not in case.title  # nothing half-written: the phone stays withheld
    services.privacy_review(actor=registrar, case=case,
                            verdicts=_verdicts(case, registrar, "release", "Sökanden har själv begärt det"))
    case.refresh_from_db()
    assert PNR in case.title and PHONE in case.title
    assert PNR in _public(client, f"/arenden/{case.pk}/")


def test_only_the_registrar_reviews(org, ks, registrar):
    officer = f.user(org, Role.CASE_OFFICER)
    case = f.case(registrar, ks, title=f"Ansökan från {PNR}")
    with pytest.raises(PermissionDenied):
        services.privacy_review(actor=officer, case=case, verdicts=_verdicts(case, registrar))
    with pytest.raises(PermissionDenied):
        privacy_selectors.case_privacy(user=officer, case=case)


def test_a_phone_number_in_a_document_description_is_masked_in_every_register_output(registrar, ks, client):
    case = f.case(registrar, ks)
    document = f.document(registrar, case, counterpart="Sambruk", description=f"Synpunkter, ring {PHONE}")
    document.refresh_from_db()
    assert document.privacy_pending and PHONE not in document.description
    for url in (f"/arenden/{case.pk}/", f"/handlingar/{document.pk}/", f"/api/documents/{document.pk}",
                "/datasets/register.csv", "/datasets/register.json", "/floden/register.atom"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert PHONE.encode() not in body, url
    # Staff who may read internal data see it as registered.
    reader = f.user(case.organisation, Role.READER)
    client.force_login(reader)
    assert PHONE in _public(client, f"/handlingar/{document.pk}/")


def test_an_edited_title_keeps_the_review_of_what_it_still_contains(registrar, ks):
    case = f.case(registrar, ks, title=f"Ansökan från {PNR}")
    services.privacy_review(actor=registrar, case=case, verdicts=_verdicts(case, registrar))
    case = services.case_update(actor=registrar, case=Case.objects.get(pk=case.pk),
                                title=f"Ansökan om bostadsanpassning från {PNR}")
    case.refresh_from_db()
    assert not case.privacy_pending and "[personnummer]" in case.title
    event = Event.objects.filter(case=case, kind=Event.Kind.CASE_UPDATED).get()
    assert PNR not in json.dumps(event.data)  # the history keeps only what the public sees


def test_saving_a_screened_row_again_neither_loses_the_original_nor_scans_again(registrar, ks):
    case = f.case(registrar, ks, title=f"Ansökan från {PNR}")
    case = Case.objects.get(pk=case.pk)
    case.status = Case.Status.CLOSED
    case.save()
    case.refresh_from_db()
    assert access.case_value(registrar, case, "title") == f"Ansökan från {PNR}"
    assert PNR not in case.title


def test_a_protected_case_shows_only_its_public_title_to_the_public_and_to_readers(org, ks, registrar, client):
    case = f.case(registrar, ks, title="Utredning enligt LVU om barnet Kalle Ek", description="Orosanmälan från skolan")
    services.case_protect(actor=registrar, case=case, public_title="Ärende enligt socialtjänstlagen",
                          ground="OSL 26 kap. 1 §")
    case.refresh_from_db()
    assert case.title == "Ärende enligt socialtjänstlagen" and case.description == ""
    for who in (None, f.user(org, Role.READER)):
        c = Client()
        if who:
            c.force_login(who)
        page = _public(c, f"/arenden/{case.pk}/")
        assert "Ärende enligt socialtjänstlagen" in page and "LVU" not in page and "Orosanmälan" not in page
        assert "LVU" not in _public(c, f"/api/cases/{case.pk}")
    client.force_login(registrar)
    assert "Utredning enligt LVU" in _public(client, f"/arenden/{case.pk}/")
    event = Event.objects.filter(case=case, kind=Event.Kind.CASE_PROTECTED).get()
    assert event.data["ground"] == "OSL 26 kap. 1 §" and event.actor_name
    services.case_unprotect(actor=registrar, case=case, reason="Sekretessen gäller inte längre")
    case.refresh_from_db()
    assert "LVU" in case.title or "[" in case.title  # shown as the assistant's review allows
    assert Event.objects.filter(case=case, kind=Event.Kind.CASE_UNPROTECTED).exists()


def test_protecting_needs_a_public_title_and_a_ground_and_says_so_at_once(registrar, ks):
    case = f.case(registrar, ks)
    with pytest.raises(DomainError) as refused:
        services.case_protect(actor=registrar, case=case, public_title=" ", ground="")
    assert set(refused.value.errors) == {"public_title", "ground"}


def test_the_review_screen_proposes_and_the_registrar_accepts_in_one_submit(registrar, ks, client):
    case = f.case(registrar, ks, title=f"Ansökan från {PNR}, tel {PHONE}")
    client.force_login(registrar)
    page = _public(client, f"/arenden/{case.pk}/personuppgifter/")
    assert PNR in page and "Maskera" in page
    review = privacy_selectors.case_privacy(user=registrar, case=case)
    data = {"action": "review"}
    for field in review.fields:
        for finding in field.findings:
            name = finding.key.replace(".", "-").replace(":", "-")
            data[f"review-{name}-action"] = "mask"
            data[f"review-{name}-reason"] = ""
    response = client.post(f"/arenden/{case.pk}/personuppgifter/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.privacy_pending
    assert "Inget väntar" in _public(client, "/granskning/")


def test_the_review_queue_lists_cases_with_findings_for_the_registrar(registrar, ks, client):
    waiting = f.case(registrar, ks, title=f"Ansökan från {PNR}")
    f.case(registrar, ks, title="Budget 2019")
    client.force_login(registrar)
    page = _public(client, "/granskning/")
    assert waiting.diary_number in page and "1 ärende att granska" in page


def test_the_api_reviews_and_refuses_a_pnr_release_without_reason(registrar, ks, client):
    case = f.case(registrar, ks, title=f"Ansökan från {PNR}")
    auth = bearer(token_for(registrar))
    got = client.get(f"/api/cases/{case.pk}/privacy", **auth).json()
    assert got["pending"] == 1 and got["fields"][0]["findings"][0]["kind"] == "pnr"
    finding = {"model": "registry.case", "pk": case.pk, "field": "title", "index": 0}
    refused = post_json(client, f"/api/cases/{case.pk}/privacy/review",
                        {"verdicts": [{**finding, "action": "release"}]}, **auth)
    assert refused.status_code == 400 and "verdicts[0]" in refused.json()["errors"]
    done = post_json(client, f"/api/cases/{case.pk}/privacy/review",
                     {"verdicts": [{**finding, "action": "mask"}]}, **auth)
    assert done.status_code == 200 and done.json()["pending"] == 0
    assert client.get(f"/api/cases/{case.pk}/privacy").status_code in (401, 403)


def test_the_audit_lists_what_was_published_before_and_apply_brings_it_under_the_rules(registrar, ks, client):
    case = f.case(registrar, ks)
    # Written before the assistant existed: straight into the table.
    Case.objects.filter(pk=case.pk).update(title=f"Ansökan från {PNR}", search_text=f"ansökan från {PNR}")
    out = io.StringIO()
    call_command("privacy", "audit", stdout=out)
    assert "1 publicerade uppgifter ändras" in out.getvalue()
    assert PNR in _public(client, f"/arenden/{case.pk}/")  # a dry run changes nothing
    call_command("privacy", "audit", "--apply", stdout=io.StringIO())
    case.refresh_from_db()
    assert PNR not in case.title and PNR not in case.search_text and case.privacy_pending
    assert PNR not in _public(client, f"/arenden/{case.pk}/")
    out = io.StringIO()
    call_command("privacy", "audit", stdout=out)
    assert "0 publicerade uppgifter ändras" in out.getvalue()


def test_a_five_megabyte_description_is_screened_without_error(registrar, ks):
    case = f.case(registrar, ks)
    long_text = ("Ärendet gäller detaljplan för Stora Mellby. " * 120_000)[:5_000_000] + f" {PNR}"
    document = Document(case=case, number=99, direction="internal", document_date=case.registered_at.date(),
                        description=long_text, registered_at=case.registered_at)
    from diarium.registry import screening

    screening.screen(document)
    assert PNR not in document.description and document.privacy_pending
    assert [x["text"] for x in document.privacy["description"]["findings"] if x["kind"] == "pnr"] == [PNR]


def test_a_file_is_handed_out_only_once_read_and_whole_only_when_released(registrar, ks, client):
    case = f.case(registrar, ks)
    clean = f.document(registrar, case, files=[f.text_file("yttrande.txt", "Vi tillstyrker förslaget.\n")])
    found = f.document(registrar, case, files=[f.text_file("ansokan.txt", f"Sökande: {PNR}\nTel {PHONE}\n")])
    clean_file, found_file = clean.files.get(), found.files.get()
    assert client.get(f"/filer/{clean_file.pk}/").status_code == 200
    response = client.get(f"/filer/{found_file.pk}/")
    assert response.status_code in (302, 403) and PNR.encode() not in response.content
    assert client.get(f"/api/files/{found_file.pk}/content").status_code in (401, 403)
    # The registrar sees the finding with its context on the review screen.
    review = privacy_selectors.case_privacy(user=registrar, case=case)
    file_field = next(x for x in review.fields if x.model == "registry.documentfile")
    assert {x.kind for x in file_field.findings} == {"pnr", "phone"}
    assert "Sökande" in file_field.findings[0].context
    services.privacy_review(actor=registrar, case=case, verdicts=_verdicts(case, registrar, "release",
                                                                             "Sökanden samtycker"))
    assert client.get(f"/filer/{found_file.pk}/").status_code == 200


def test_the_audit_makes_a_private_counterpart_registered_before_the_rule_private(registrar, ks, client):
    case = f.case(registrar, ks)
    document = f.document(registrar, case, counterpart="Karin Ek", description="Synpunkter på bygglovet")
    # Registered before the rule: the name stood unmasked.
    Document.objects.filter(pk=document.pk).update(counterpart_is_private=False)
    assert "Karin Ek" in _public(client, f"/handlingar/{document.pk}/")
    out = io.StringIO()
    call_command("privacy", "audit", stdout=out)
    assert "Karin Ek" in out.getvalue() and "Privatperson" in out.getvalue()
    call_command("privacy", "audit", "--apply", stdout=io.StringIO())
    page = _public(client, f"/handlingar/{document.pk}/")
    assert "Karin Ek" not in page and "Privatperson" in page


# --- officer's reports and their proposals -------------------------------------------------------------
def test_an_officers_report_is_screened_for_the_public_and_its_writer_changes_what_was_written(client, registrar,
                                                                                                 ks):
    from django.urls import reverse

    from diarium.decisions import services as decisions
    from diarium.documents import reports
    from diarium.registry.models import DocumentFile

    case = f.case(registrar, ks, title="Ansökan om färdtjänst")
    report = decisions.officer_report_create(
        actor=registrar, case=case, title="Färdtjänst för Karin Ekholm", addressed_to=ks,
        background=f"Karin Ekholm ({PNR}) har sökt färdtjänst. Telefon {PHONE}.",
        proposals=[decisions.ProposalInput(organ=ks, text="Karin Ekholm beviljas färdtjänst.")],
        dispatch_to=["Kommunstyrelsen", "Karin Ekholm; karin@example.se"])
    report.refresh_from_db()
    assert report.title == "Färdtjänst för [namn]" and PNR not in report.background
    assert report.proposals.get().text == "[namn] beviljas färdtjänst."

    public = json.loads(_public(client, f"/api/cases/{case.pk}/officer-reports"))[0]
    assert public["title"] == "Färdtjänst för [namn]"
    assert "[personnummer]" in public["background"] and "[telefonnummer]" in public["background"]
    assert public["dispatch_to"] == ["Kommunstyrelsen", "Privatperson"]
    assert public["proposals"][0]["text"] == "[namn] beviljas färdtjänst."
    assert "Ekholm" not in json.dumps(public) and "Ekholm" not in _public(client, f"/arenden/{case.pk}/")

    staff = client.get(f"/api/cases/{case.pk}/officer-reports", **bearer(token_for(registrar))).json()[0]
    assert staff["title"] == "Färdtjänst för Karin Ekholm" and PNR in staff["background"]
    assert staff["dispatch_to"][1] == "Karin Ekholm; karin@example.se"
    assert staff["proposals"][0]["text"] == "Karin Ekholm beviljas färdtjänst."
    client.force_login(registrar)
    form = client.get(reverse("documents:officer_report_edit", args=[report.pk])).content.decode()
    assert "Färdtjänst för Karin Ekholm" in form and PNR in form

    # Sent back unchanged (as the edit form shows it), nothing changes; changed, a new version is drawn up.
    def change(**kw):
        values = {"title": staff["title"], "addressed_to": ks, "background": staff["background"],
                  "proposals": [decisions.ProposalInput(organ=ks, text=staff["proposals"][0]["text"])],
                  "dispatch_to": staff["dispatch_to"]}
        return reports.officer_report_change(actor=registrar, report=report, **{**values, **kw})

    with pytest.raises(DomainError):
        change()
    change(title="Färdtjänst för Karin Ekholm, omprövning")
    report.refresh_from_db()
    assert report.title == "Färdtjänst för [namn], omprövning"
    assert DocumentFile.objects.filter(document=report.document).count() == 2


def test_a_reason_typed_into_the_history_is_screened_for_the_public_and_shown_to_staff(client, registrar, ks):
    f.person(ks.organisation, "Anneli Schwartz")
    case = f.case(registrar, ks, title="Ansökan om färdtjänst")
    services.case_close(actor=registrar, case=case,
                        reason=f"Återkallad av Karin Ekholm ({PNR}) i samråd med Anneli Schwartz.")
    for url in (f"/arenden/{case.pk}/", f"/arenden/{case.pk}/historik/", f"/api/cases/{case.pk}/events"):
        page = _public(client, url)
        assert "Ekholm" not in page and PNR not in page, url
        assert "[namn]" in page and "[personnummer]" in page and "Anneli Schwartz" in page, url  # staff are public
    staff = client.get(f"/api/cases/{case.pk}/events", **bearer(token_for(registrar))).json()
    assert any("Karin Ekholm" in (e["details"] or "") for e in staff)
