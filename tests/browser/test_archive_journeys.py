"""The registrar keeps the records in the browser (issue 22), every page
scanned by axe-core: from the desk to the archive, the plan in force, a
draft copied from it with a rule refused and one saved, what is due, a
disposal list drawn up, adopted by a decision and executed, the disposal
records, and a legal hold placed."""

from __future__ import annotations

import pytest

from diarium.archive.models import DisposalList, LegalHold
from tests import archive_support as a
from tests import factories as f

from .conftest import axe_scan, follow, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive_world():
    org = f.organisation()
    ks = f.organ(org)
    registrar = f.user(org, "registrar", username="registrator")
    w = a.world(org, ks, registrar)
    w.disposal_decision = a.decision(registrar, org, ks, w.plan_case, day="2024-06-11",
                                     title="Gallring av bidragsärenden")
    return w


def test_the_registrar_draws_up_adopts_and_executes_a_disposal_list(page, archive_world):
    w = archive_world
    page.goto("/konto/logga-in/")
    page.fill("#id_username", "registrator")
    page.fill("#id_password", f.PASSWORD)
    follow(page.locator("main button[type=submit]"))
    follow(page.get_by_role("link", name="Arkiv och gallring"))
    assert page.title().startswith("Arkiv och gallring")
    axe_scan(page)

    follow(page.get_by_role("navigation", name="Arkiv och gallring").get_by_role("link",
                                                                                  name="Dokumenthanteringsplan"))
    assert "Version 1 gäller i dag" in page.locator("main").inner_text()
    axe_scan(page)

    # A draft copied from the version in force; a rule refused with every error, then one saved.
    follow(page.get_by_role("navigation", name="Arkiv och gallring").get_by_role("link", name="Utkast"))
    follow(page.get_by_role("button", name="Skapa utkast från version 1"))
    axe_scan(page)
    page.select_option("#id_rule-action", "dispose")
    page.fill("#id_rule-years", "-1")
    follow(page.get_by_role("button", name="Spara regeln"))
    summary = page.locator(".error-summary[role=alert]").inner_text()
    assert "Välj den process regeln gäller." in summary and "Tiden kan inte vara negativ." in summary
    axe_scan(page)
    page.select_option("#id_rule-classification", str(w.keeping.pk))
    page.select_option("#id_rule-document_type", str(w.application.pk))
    page.select_option("#id_rule-action", "dispose")
    page.fill("#id_rule-years", "10")
    page.select_option("#id_rule-counted_from", "case_closed")
    follow(page.get_by_role("button", name="Spara regeln"))
    assert "Regeln är sparad." in page.locator(".messages").inner_text()
    screenshot(page, "archive-draft")

    # What is due, drawn up as a list, adopted by a decision and executed.
    follow(page.get_by_role("navigation", name="Arkiv och gallring").get_by_role("link", name="Gallringsbart"))
    assert f"{w.closed.diary_number}-{w.public.number}" in page.locator("table").inner_text()
    axe_scan(page)
    follow(page.get_by_role("button", name="Upprätta gallringsförteckning"))
    assert "Gallringsförteckning 1 är upprättad." in page.locator(".messages").inner_text()
    axe_scan(page)
    follow(page.get_by_role("link", name="1", exact=True))
    axe_scan(page)
    page.select_option("#id_decision", str(w.disposal_decision.pk))
    follow(page.get_by_role("button", name="Besluta förteckningen"))
    assert "Gallringsförteckningen är beslutad." in page.locator(".messages").inner_text()
    axe_scan(page)
    follow(page.get_by_role("button", name="Verkställ gallringen"))
    assert "2 handlingar gallrades" in page.locator(".messages").inner_text()
    assert DisposalList.objects.get().status == DisposalList.Status.EXECUTED
    axe_scan(page)
    screenshot(page, "archive-list-executed")

    follow(page.get_by_role("navigation", name="Arkiv och gallring").get_by_role("link",
                                                                                  name="Gallringsredovisning"))
    assert "Sekretessmarkerad uppgift" in page.locator("table").inner_text()
    assert a.SECRET_DESCRIPTION not in page.content()
    axe_scan(page)

    # The document page says the files are disposed of.
    follow(page.get_by_role("link", name=f"{w.closed.diary_number}-{w.public.number}"))
    assert "Gallrad" in page.locator("#gallrad").inner_text()
    axe_scan(page)

    # A legal hold on the running case.
    page.go_back()
    follow(page.get_by_role("navigation", name="Arkiv och gallring").get_by_role("link", name="Gallringsspärrar"))
    page.fill("#id_case", w.running.diary_number)
    page.fill("#id_reason", "Revision av bidragen pågår")
    follow(page.get_by_role("button", name="Lägg spärren"))
    assert LegalHold.objects.filter(case=w.running, lifted_at__isnull=True).exists()
    axe_scan(page)
