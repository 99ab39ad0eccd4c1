"""Issue 19, item 1: an organ's members and substitutes, managed in the web
and over the API: party, period, chairs and the substitutes' order of service
(turordning), one by one or as a list from a spreadsheet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diarium.accounts.models import Person
from diarium.core.errors import DomainError
from diarium.decisions import memberships
from diarium.decisions import services as decisions
from diarium.decisions.models import Membership

from . import factories as f
from .api_support import bearer, post_json, token_for

pytestmark = pytest.mark.django_db

LIST = """namn;uppdrag;parti;från;till;turordning;e-post
Daniel Filipsson;ordförande;M;2027-01-01;2030-12-31;;daniel.filipsson@alingsas.se
Anna-Karin Schill;1:e vice ordförande;S;2027-01-01;2030-12-31;;
Simon Waern;ledamot;C;2027-01-01;2030-12-31;;simon.waern@alingsas.se
Greta Berg;ersättare;M;2027-01-01;2030-12-31;2;
Olle Lind;Ersättare;S;2027-01-01;2030-12-31;1;olle.lind@alingsas.se
"""


def test_a_membership_list_is_read_in_whole_with_new_people_and_the_substitutes_order(registrar, ks, org):
    known = f.person(org, "Simon Waern", email="simon@example.se")
    result = memberships.memberships_import(actor=registrar, organ=ks, text=LIST)
    assert len(result.added) == 5 and result.people_created == [
        "Daniel Filipsson", "Anna-Karin Schill", "Greta Berg", "Olle Lind"]
    seats = {m.person.name: m for m in Membership.objects.filter(organ=ks).select_related("person")}
    assert seats["Daniel Filipsson"].role == "chair" and seats["Anna-Karin Schill"].role == "vice_chair"
    assert seats["Simon Waern"].person == known  # the register's person, not a new one
    assert (seats["Olle Lind"].substitute_order, seats["Greta Berg"].substitute_order) == (1, 2)
    assert seats["Greta Berg"].end == dt.date(2030, 12, 31) and seats["Greta Berg"].party == "M"
    assert Person.objects.get(name="Olle Lind").email == "olle.lind@alingsas.se"
    # A meeting in the term calls them: the chair by default, the substitutes in their order.
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=dt.date(2027, 2, 1))
    assert meeting.chair.name == "Daniel Filipsson"
    from diarium.decisions import selectors
    substitutes = [m.person.name for m in selectors.memberships_of(ks) if m.role == "substitute"]
    assert substitutes == ["Olle Lind", "Greta Berg"]


def test_every_bad_line_is_reported_at_once_and_nothing_is_added(registrar, ks, org):
    f.person(org, "Daniel Filipsson")
    decisions.membership_add(actor=registrar, organ=ks, person=Person.objects.get(name="Daniel Filipsson"),
                             role="member", start=dt.date(2027, 1, 1))
    bad = """namn,uppdrag,parti,från,till,turordning
Daniel Filipsson,ordförande,M,2027-01-01,,
,ledamot,S,2027-01-01,,
Anna Ek,kassör,S,2027-01-01,,
Per Holm,ledamot,S,1 januari,,
Eva Lund,ledamot,S,2027-01-01,,3
Ida Sten,ersättare,S,2027-01-01,2026-01-01,x
Ida Sten,ersättare,S,2027-01-01,,1
"""
    with pytest.raises(DomainError) as refused:
        memberships.memberships_import(actor=registrar, organ=ks, text=bad)
    problems = refused.value.errors["csv"]
    assert [p.split(":")[0] for p in problems] == ["Rad 2", "Rad 3", "Rad 4", "Rad 5", "Rad 6", "Rad 7", "Rad 7",
                                                   "Rad 8"]
    assert "Daniel Filipsson är redan ledamot i Kommunstyrelsen från 2027-01-01" in problems[0]
    assert "namn saknas" in problems[1] and "uppdraget ”kassör”" in problems[2]
    assert "från ”1 januari” är inte ett datum" in problems[3]
    assert "Turordning anges bara för ersättare" in problems[4]
    assert "turordningen ”x” är inte ett tal" in problems[5] or "turordningen ”x” är inte ett tal" in problems[6]
    assert "Ida Sten står redan på en tidigare rad" in problems[7]
    assert Membership.objects.filter(organ=ks).count() == 1 and not Person.objects.filter(name="Anna Ek").exists()
    with pytest.raises(DomainError, match="Rubrikraden saknar uppdrag"):
        memberships.memberships_import(actor=registrar, organ=ks, text="namn;parti\nAnna Ek;S\n")
    with pytest.raises(DomainError, match="Listan är tom"):
        memberships.memberships_import(actor=registrar, organ=ks, text="namn;uppdrag\n")


def test_the_members_page_is_public_and_the_secretary_adds_imports_and_ends_seats(client, registrar, ks, org):
    url = reverse("decisions:organ_members", args=[ks.pk])
    client.force_login(registrar)
    response = client.post(url, {"action": "add", "name": "Olle Lind", "email": "olle@example.se",
                                 "role": "substitute", "party": "S", "start": "2027-01-01",
                                 "substitute_order": "1"})
    assert response.status_code == 302
    refused = client.post(url, {"action": "add", "name": "Olle Lind", "role": "member", "start": "2027-02-01",
                                "substitute_order": "2"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "Uppgifterna kunde inte sparas" in page
    assert "Turordning anges bara för ersättare." in page and "Olle Lind är redan ersättare" in page
    response = client.post(url, {"action": "import", "csv": LIST.replace("Olle Lind", "Per Holm")})
    assert response.status_code == 302
    assert Membership.objects.filter(organ=ks).count() == 6
    seat = Membership.objects.get(person__name="Simon Waern")
    response = client.post(url, {"action": "end", "membership": seat.pk, "end": "2029-06-30"}, follow=True)
    assert "Uppdraget för Simon Waern slutar 2029-06-30." in response.content.decode()
    seat.refresh_from_db()
    assert seat.end == dt.date(2029, 6, 30)
    client.logout()

    public = client.get(url).content.decode()
    assert "Ledamöter och ersättare i Kommunstyrelsen" in public and "Simon Waern" in public
    assert "Olle Lind" in public and "Lägg till ledamot" not in public and "olle@example.se" not in public
    assert client.post(url, {"action": "add", "name": "X", "role": "member", "start": "2027-01-01"}).status_code \
        in (302, 403)
    assert not Membership.objects.filter(person__name="X").exists()


def test_the_api_reads_a_list_in_and_takes_the_substitutes_order(client, registrar, ks):
    auth = bearer(token_for(registrar))
    response = post_json(client, f"/api/organs/{ks.pk}/memberships/import", {"csv": LIST}, **auth)
    assert response.status_code == 201, response.content
    assert len(response.json()["added"]) == 5 and "Olle Lind" in response.json()["people_created"]
    olle = next(m for m in response.json()["added"] if m["person"]["name"] == "Olle Lind")
    assert olle["substitute_order"] == 1 and olle["role"] == "substitute"
    again = post_json(client, f"/api/organs/{ks.pk}/memberships/import", {"csv": LIST}, **auth)
    assert again.status_code == 400 and len(again.json()["errors"]["csv"]) == 5
    listed = client.get(f"/api/organs/{ks.pk}/memberships").json()
    assert [m["person"]["name"] for m in listed if m["role"] == "substitute"] == ["Olle Lind", "Greta Berg"]
    changed = client.patch(f"/api/organs/{ks.pk}/memberships/{olle['id']}", {"substitute_order": 3},
                           content_type="application/json", **auth)
    assert changed.status_code == 200 and changed.json()["substitute_order"] == 3
    wrong = client.patch(f"/api/organs/{ks.pk}/memberships/{listed[0]['id']}", {"substitute_order": 1},
                         content_type="application/json", **auth)
    assert wrong.status_code == 400 and "Turordning anges bara för ersättare" in wrong.json()["detail"]


@given(text=st.text(alphabet=st.sampled_from(list("namnuppdragledamotersättare;,\t\n-0123456789 Åä@.:")),
                    max_size=300))
@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_is_read_in_whole_or_refused_with_nothing_written(registrar, ks, text):
    before = (Membership.objects.count(), Person.objects.count())
    try:
        with transaction.atomic():
            result = memberships.memberships_import(actor=registrar, organ=ks, text="namn;uppdrag;från\n" + text)
            assert Membership.objects.count() == before[0] + len(result.added)
            raise _Undo
    except DomainError as refused:
        assert refused.message and (Membership.objects.count(), Person.objects.count()) == before
    except _Undo:
        pass


class _Undo(Exception):
    pass


def test_changing_a_seat_cannot_make_it_overlap_another(registrar, ks, org):
    import datetime as dt

    from diarium.core.errors import DomainError
    from diarium.decisions import memberships
    from diarium.decisions import services as decisions_services

    person = f.person(org, "Anna Berg")
    first = decisions_services.membership_add(actor=registrar, organ=ks, person=person, role="member",
                                              start=dt.date(2023, 1, 1), end=dt.date(2024, 12, 31))
    decisions_services.membership_add(actor=registrar, organ=ks, person=person, role="substitute",
                                      start=dt.date(2025, 1, 1))
    with pytest.raises(DomainError, match="Anna Berg är redan ersättare i Kommunstyrelsen från 2025-01-01"):
        memberships.membership_update(actor=registrar, membership=first, end=None)
    first.refresh_from_db()
    assert first.end == dt.date(2024, 12, 31)
    memberships.membership_update(actor=registrar, membership=first, party="S")  # itself is no overlap
