"""Issue 20, item 4: related cases. A case is linked to another of a kind
("hör till", "ersätter", "följdärende till", "relaterat"), shown on both
cases as each reads it and in the API, each change an event in both
histories; a removed link stays in the history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from diarium.core.errors import DomainError, PermissionDenied
from diarium.registry import services as registry
from diarium.registry.models import CaseLink, Event

from . import factories as f
from .api_support import bearer, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(registrar, ks):
    old = f.case(registrar, ks, title="Digital målbild 2017")
    new = f.case(registrar, ks, title="Digital målbild 2020")
    return old, new


def test_a_link_reads_from_both_ends_and_its_history_stays(client, registrar, cases):
    old, new = cases
    client.force_login(registrar)
    # Typed as people type it: "KS 2026/1" names the old case.
    other = f"KS {old.year}/{old.seq}"
    page = client.post(reverse("registry:case_links", args=[new.pk]), {"action": "add", "kind": "replaces",
                                                                      "other": other}, follow=True).content.decode()
    assert f"{new.diary_number}: ersätter {old.diary_number}." in page
    assert "Ersätter" in page and old.title in page
    client.logout()  # the public reads the link on both cases
    old_page = client.get(reverse("registry:case_detail", args=[old.pk])).content.decode()
    assert "Ersatt av" in old_page and new.diary_number in old_page
    assert Event.objects.filter(case=old, kind="case_linked", data__details=f"Ersatt av {new.diary_number}").exists()
    assert Event.objects.filter(case=new, kind="case_linked", data__details=f"Ersätter {old.diary_number}").exists()

    link = CaseLink.objects.get()
    registry.case_link_remove(actor=registrar, case=old, link_id=link.pk)
    link.refresh_from_db()
    assert link.removed_at is not None  # kept, marked
    assert 'class="case-links"' not in client.get(reverse("registry:case_detail", args=[old.pk])).content.decode()
    assert Event.objects.filter(case=new, kind="case_unlinked").exists()


def test_bad_links_are_refused_with_every_reason(client, registrar, cases, org):
    old, new = cases
    with pytest.raises(DomainError) as refused:
        registry.case_link_add(actor=registrar, case=new, other=new, kind="sibling")
    assert set(refused.value.errors) == {"kind", "other"}
    registry.case_link_add(actor=registrar, case=new, other=old, kind="follows")
    with pytest.raises(DomainError, match="redan kopplade"):
        registry.case_link_add(actor=registrar, case=old, other=new, kind="follows")
    lerum = f.organisation(name="Lerums kommun", slug="lerum")
    elsewhere = f.case(f.registrar(lerum), f.organ(lerum))
    with pytest.raises(DomainError, match="annan organisation"):
        registry.case_link_add(actor=registrar, case=new, other=elsewhere, kind="related")
    with pytest.raises(PermissionDenied):
        registry.case_link_add(actor=f.user(org, "reader"), case=new, other=old, kind="related")
    client.force_login(registrar)
    page = client.post(reverse("registry:case_links", args=[new.pk]), {"action": "add", "kind": "related",
                                                                      "other": "1999.999 KS"}, follow=True)
    assert "Inget ärende har diarienumret 1999.999 KS." in page.content.decode()
    assert CaseLink.objects.count() == 1


def test_the_api_reads_makes_and_removes_links(client, registrar, cases):
    old, new = cases
    auth = bearer(token_for(registrar))
    response = client.post(f"/api/cases/{old.pk}/links", {"kind": "belongs_to", "other_diary_number": new.diary_number},
                           content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    [mine] = response.json()
    assert (mine["label"], mine["outgoing"], mine["diary_number"]) == ("Hör till", True, new.diary_number)
    [theirs] = client.get(f"/api/cases/{new.pk}/links").json()
    assert (theirs["label"], theirs["outgoing"], theirs["diary_number"]) == ("Har underliggande ärende", False,
                                                                            old.diary_number)
    bad = client.post(f"/api/cases/{old.pk}/links", {"kind": "related", "other": 999999},
                      content_type="application/json", **auth)
    assert bad.status_code == 400 and "other" in bad.json()["errors"]
    assert client.delete(f"/api/cases/{new.pk}/links/{mine['id']}", **auth).json() == []
    assert client.delete(f"/api/cases/{new.pk}/links/{mine['id']}", **auth).status_code == 404
