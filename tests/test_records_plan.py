"""The records plan (dokumenthanteringsplan, issue 22 item 2): versions kept,
a draft copied from the version in force, adoption by a recorded decision
with the day it takes effect, the version replaced superseded, adopted
versions never edited; every error at once, in Swedish; the pages for the
organisation's registrar only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from diarium.accounts.models import Role
from diarium.archive import selectors, services
from diarium.archive.models import RecordsPlanVersion, RetentionRule
from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry.models import Classification, Event

from . import archive_support as a
from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(org, ks, registrar):
    return a.world(org, ks, registrar)


def _errors(exc) -> list[str]:
    return [m for messages in exc.value.errors.values() for m in messages]


def test_a_draft_copied_from_the_version_in_force_is_adopted_by_a_decision_and_supersedes_it(w, client):
    v1 = w.version
    assert v1.status == RecordsPlanVersion.Status.ADOPTED
    assert v1.decision_text == f"KS 2024-05-20 § {w.adopting.paragraph}, ärende {w.plan_case.diary_number}"
    with f.on_day("2024-09-01"):
        draft = services.plan_draft_create(actor=w.registrar, organisation=w.org)
        assert draft.number == 2 and draft.copied_from_id == v1.pk
        copied = {(r.classification_id, r.action, r.years) for r in selectors.rules(draft)}
        assert copied == {(w.disposing.pk, "dispose", 2), (w.keeping.pk, "keep", 0)}
        # One draft at a time.
        with pytest.raises(DomainError, match="Det finns redan ett utkast"):
            services.plan_draft_create(actor=w.registrar, organisation=w.org)
        rule = next(r for r in selectors.rules(draft) if r.classification_id == w.disposing.pk)
        services.retention_rule_save(actor=w.registrar, version=draft, rule=rule, classification=w.disposing,
                                     action="dispose", years=5, months=6, counted_from="registered")
        # The adopted version is never edited.
        old_rule = next(r for r in selectors.rules(v1) if r.classification_id == w.disposing.pk)
        with pytest.raises(DomainError, match="är antagen och ändras aldrig"):
            services.retention_rule_save(actor=w.registrar, version=v1, rule=old_rule, classification=w.disposing,
                                         action="keep")
    adopting = a.decision(w.registrar, w.org, w.ks, w.plan_case, day="2024-09-02", title="Ny plan")
    with f.on_day("2024-09-03"):
        v2 = services.plan_version_adopt(actor=w.registrar, version=draft, decision=adopting,
                                         effective_from=dt.date(2025, 1, 1))
    v1.refresh_from_db()
    assert v1.status == RecordsPlanVersion.Status.SUPERSEDED and v1.superseded_by_id == v2.pk
    old_rule.refresh_from_db()
    assert (old_rule.action, old_rule.years) == ("dispose", 2)  # untouched
    # The old version is in force until the new one takes effect.
    assert selectors.version_in_force(organisation_id=w.org.pk, as_of=dt.date(2024, 12, 31)).pk == v1.pk
    assert selectors.version_in_force(organisation_id=w.org.pk, as_of=dt.date(2025, 1, 1)).pk == v2.pk
    assert selectors.version_in_force(organisation_id=w.org.pk, as_of=dt.date(2024, 5, 31)) is None
    # The adopting case's history says so, with the decision as organ, date, § and diary number.
    adopted = Event.objects.get(case=w.plan_case, kind="records_plan_adopted", data__version=2)
    assert f"KS 2024-09-02 § {adopting.paragraph}, ärende {w.plan_case.diary_number}" in adopted.data["details"]
    assert "ersätter version 1" in adopted.data["details"]
    # The plan's page shows the version in force and every version with its decision.
    client.force_login(w.registrar)
    with f.on_day("2025-02-01"):
        page = client.get(reverse("archive:plan")).content.decode()
    assert "Version 2 gäller i dag" in page and v1.decision_text in page and v2.decision_text in page
    assert "Gallras 5 år och 6 månader efter att handlingen registrerades" in page


def test_a_rule_whose_period_cannot_be_computed_is_refused_with_every_error_at_once(w):
    with f.on_day("2024-09-01"):
        draft = services.plan_draft_create(actor=w.registrar, organisation=w.org, copy=False)
        with pytest.raises(DomainError) as exc:
            services.retention_rule_save(actor=w.registrar, version=draft, classification=None, action="dispose",
                                         years=-1, months="sex", counted_from="imorgon", form="x" * 201)
        errors = exc.value.errors
        assert errors["classification"] == ["Välj den process regeln gäller."]
        assert errors["years"] == ["Tiden kan inte vara negativ."]
        assert errors["months"] == ["Ange tiden i hela månader."]
        assert errors["counted_from"][0].startswith("Okänd händelse att räkna tiden från: imorgon.")
        assert errors["form"] == ["Högst 200 tecken."]

        # Dispose without a period and without an event to count from.
        with pytest.raises(DomainError) as exc:
            services.retention_rule_save(actor=w.registrar, version=draft, classification=w.disposing,
                                         action="dispose")
        assert set(exc.value.errors) == {"years", "counted_from"}
        assert "måste ange efter hur lång tid" in exc.value.errors["years"][0]

        # Counted from a decision: the event for cases without one must be given.
        with pytest.raises(DomainError) as exc:
            services.retention_rule_save(actor=w.registrar, version=draft, classification=w.disposing,
                                         action="dispose", years=3, counted_from="decision")
        assert "i ärenden där inget beslut finns" in exc.value.errors["counted_from_fallback"][0]

        # An absurd period; keep with a period; no action at all.
        with pytest.raises(DomainError) as exc:
            services.retention_rule_save(actor=w.registrar, version=draft, classification=w.disposing,
                                         action="dispose", years=150, counted_from="case_closed")
        assert "150 år är ingen rimlig gallringsfrist" in exc.value.errors["years"][0]
        with pytest.raises(DomainError, match="En regel som bevarar gallrar aldrig"):
            services.retention_rule_save(actor=w.registrar, version=draft, classification=w.keeping, action="keep",
                                         years=10, counted_from="case_closed")
        with pytest.raises(DomainError, match="Välj bevara eller gallra"):
            services.retention_rule_save(actor=w.registrar, version=draft, classification=w.keeping, action="")

        # Two rules for one process, document type and documents.
        services.retention_rule_save(actor=w.registrar, version=draft, classification=w.disposing, action="dispose",
                                     years=3, counted_from="decision", counted_from_fallback="case_closed")
        with pytest.raises(DomainError, match="Det finns redan en regel för 1.1.1 Ansökningar om bidrag, alla "
                                              "handlingstyper"):
            services.retention_rule_save(actor=w.registrar, version=draft, classification=w.disposing,
                                         action="keep")
        # A narrowed rule for the same process is another rule.
        services.retention_rule_save(actor=w.registrar, version=draft, classification=w.disposing,
                                     applies_to="secret", action="dispose", months=6, counted_from="case_closed")
    assert draft.rules.count() == 2


@pytest.mark.skipif(not hasattr(Classification, "level"), reason="the scheme has no levels yet")
def test_a_rule_is_set_for_a_process_not_a_group_of_processes(w):
    group = Classification.objects.create(organisation=w.org, code="1.1", title="Bidrag", level="process_group")
    draft = services.plan_draft_create(actor=w.registrar, organisation=w.org, copy=False)
    with pytest.raises(DomainError, match="1.1 är inte en process"):
        services.retention_rule_save(actor=w.registrar, version=draft, classification=group, action="keep")


def test_adoption_is_refused_with_every_error_at_once(w, ks):
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    other_ks = f.organ(other, code="KS")
    other_registrar = f.registrar(other)
    with f.on_day("2024-05-10"):
        other_case = f.case(other_registrar, other_ks, title="Plan")
    foreign = a.decision(other_registrar, other, other_ks, other_case, day="2024-05-20")
    unadjusted = a.decision(w.registrar, w.org, ks, w.plan_case, day="2024-09-02", adjust=False)
    with f.on_day("2024-09-03"):
        empty = services.plan_draft_create(actor=w.registrar, organisation=w.org, copy=False)
        with pytest.raises(DomainError) as exc:
            services.plan_version_adopt(actor=w.registrar, version=empty, decision=foreign, effective_from=None)
        assert exc.value.errors == {
            "rules": ["Planen har inga regler."],
            "decision": [f"Beslutet {foreign.reference} hör till en annan organisation."],
            "effective_from": ["Ange den dag planen börjar gälla (ÅÅÅÅ-MM-DD)."],
        }
        services.retention_rule_save(actor=w.registrar, version=empty, classification=w.keeping, action="keep")
        with pytest.raises(DomainError) as exc:
            services.plan_version_adopt(actor=w.registrar, version=empty, decision=unadjusted,
                                        effective_from=dt.date(2024, 5, 1))
        assert exc.value.errors["decision"] == [f"Beslutet {unadjusted.reference} är inte protokollfört än: "
                                                "protokollet från sammanträdet är inte justerat."]
        assert "Version 1 gäller från 2024-06-01" in exc.value.errors["effective_from"][0]
        with pytest.raises(DomainError, match="Välj det beslut"):
            services.plan_version_adopt(actor=w.registrar, version=empty, decision=None,
                                        effective_from=dt.date(2025, 1, 1))
    empty.refresh_from_db()
    assert empty.status == RecordsPlanVersion.Status.DRAFT and empty.decision_id is None


def test_rules_are_read_from_csv_into_a_draft_every_bad_row_reported_at_once(w):
    draft = services.plan_draft_create(actor=w.registrar, organisation=w.org, copy=False)
    bad = ("process;handlingstyp;gäller;åtgärd;år;månader;räknat från;om beslut saknas;bevarandeform;lagrum\n"
           "1.1.1;Ansökan;alla;gallra;;;avslutat;;;\n"
           "9.9.9;;alla;gallra;2;;avslutat;;;\n"
           "1.1.2;;alla;gallra;2;;imorgon;;;\n")
    with pytest.raises(DomainError) as exc:
        services.retention_rules_import(actor=w.registrar, version=draft, text=bad)
    errors = exc.value.errors["file"]
    assert errors[0].startswith("Rad 2: En regel som gallrar måste ange efter hur lång tid")
    assert "Rad 3: Processen 9.9.9 finns inte i klassificeringsstrukturen." in errors
    assert any(e.startswith("Rad 4: Okänd händelse att räkna tiden från: imorgon") for e in errors)
    assert draft.rules.count() == 0  # nothing half-done
    with pytest.raises(DomainError, match="Filen saknar kolumnerna åtgärd"):
        services.retention_rules_import(actor=w.registrar, version=draft, text="process;handlingstyp;gäller\n1;2;3\n")
    with pytest.raises(DomainError, match="Filen innehåller inga regler"):
        services.retention_rules_import(actor=w.registrar, version=draft, text=bad.splitlines()[0] + "\n")
    with pytest.raises(DomainError, match="kunde inte läsas som CSV"):
        services.retention_rules_import(actor=w.registrar, version=draft, text=bad + "1.1.1;" + "x" * 200_000 + "\n")
    good = ("\ufeffprocess;handlingstyp;gäller;åtgärd;år;månader;räknat från;om beslut saknas;bevarandeform;lagrum\n"
            "1.1.1;Ansökan;alla;gallra;2;6;beslut;avslutat;elektroniskt;Arkivlagen 10 §\n"
            "1.1.1;;sekretess;gallra;1;;avslutat;;papper;OSL 26 kap.\n"
            "1.1.2;;alla;bevara;;;;;elektroniskt, PDF/A;\n")
    assert services.retention_rules_import(actor=w.registrar, version=draft, text=good) == 3
    rules = {(r.classification.code, r.document_type.name if r.document_type else None, r.applies_to): r
             for r in selectors.rules(draft)}
    rule = rules[("1.1.1", "Ansökan", "all")]
    assert (rule.years, rule.months, rule.counted_from, rule.counted_from_fallback) == (2, 6, "decision",
                                                                                       "case_closed")
    assert rules[("1.1.1", None, "secret")].form == "papper"


def test_the_plan_pages_are_for_the_organisations_registrar_and_refused_for_others(w, client):
    officer = f.user(w.org, Role.CASE_OFFICER, w.ks)
    pages = [reverse("archive:index"), reverse("archive:plan"), reverse("archive:draft"),
             reverse("archive:version_detail", args=[w.version.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/konto/" in response["Location"], url
    client.force_login(officer)
    for url in pages:
        assert client.get(url).status_code == 403, url
    client.force_login(w.registrar)
    for url in pages:
        assert client.get(url).status_code == 200, url
    # The draft editor: create a draft from the version in force, a rule with errors shows them all.
    draft_url = reverse("archive:draft") + f"?organisation={w.org.pk}"
    assert client.post(draft_url, {"action": "create", "copy": "1"}).status_code == 302
    draft = selectors.draft(organisation_id=w.org.pk)
    assert draft.rules.count() == 2
    response = client.post(draft_url, {"action": "rule", "rule-classification": "",
                                       "rule-action": "dispose", "rule-years": "-2", "rule-counted_from": ""})
    assert response.status_code == 400
    page = response.content.decode()
    for message in ("Välj den process regeln gäller.", "Tiden kan inte vara negativ.",
                    "Ange från vilken händelse tiden räknas"):
        assert message in page
    response = client.post(draft_url, {"action": "rule", "rule-classification": str(w.keeping.pk),
                                       "rule-document_type": str(w.application.pk), "rule-applies_to": "all",
                                       "rule-action": "dispose", "rule-years": "10",
                                       "rule-counted_from": "case_closed"})
    assert response.status_code == 302
    assert draft.rules.filter(document_type=w.application, action=RetentionRule.Action.DISPOSE).exists()
    # A rule of the draft is changed on its own page; an adopted version's rules never are.
    rule = draft.rules.get(classification=w.keeping, document_type=None)
    edit = reverse("archive:rule_edit", args=[draft.pk, rule.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"classification": str(w.keeping.pk), "action": "keep", "years": "3"})
    assert response.status_code == 400 and "En regel som bevarar gallrar aldrig" in response.content.decode()
    adopted_rule = w.version.rules.first()
    assert client.get(reverse("archive:rule_edit", args=[w.version.pk, adopted_rule.pk])).status_code == 302
    client.force_login(officer)
    assert client.get(edit).status_code == 403
    client.force_login(w.registrar)
    # Another organisation's registrar does not reach this one's plan.
    other = f.organisation(name="Vårgårda kommun", slug="vargarda")
    client.force_login(f.registrar(other))
    assert client.get(reverse("archive:version_detail", args=[w.version.pk])).status_code == 403
    assert client.get(reverse("archive:plan") + f"?organisation={w.org.pk}").status_code == 403
    with pytest.raises(PermissionDenied):
        services.plan_draft_create(actor=officer, organisation=w.org)
