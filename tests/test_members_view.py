"""Issue 19, the members' own view: a member or substitute logs in and finds
their meetings, the notice, the agenda and its papers as their rights let them
read them, and keeps private notes per paper that nobody else ever reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from diarium.core.errors import DomainError, PermissionDenied
from diarium.decisions import services as decisions
from diarium.decisions.models import ReadingNote
from diarium.registry import services as registry

from . import factories as f
from .public_outputs import dumped_files, found_in

pytestmark = pytest.mark.django_db

NOTE = "Fråga om driftskostnaden för laddstolparna, 4711 kr per år?"


@pytest.fixture
def seated(registrar, ks, org):
    """A member and a substitute with logins, a meeting in a week with its
    notice sent (a public paper and a secret one), one held last month, and
    a meeting of another organ they have no seat in."""
    member_user, substitute_user = f.user(username="ledamot"), f.user(username="ersattare")
    member = f.person(org, "Karin Sandberg", email="karin.sandberg@alingsas.se", user=member_user)
    substitute = f.person(org, "Jonas Berg", email="jonas.berg@alingsas.se", user=substitute_user)
    chair = f.person(org, "Mats Engström", email="mats.engstrom@alingsas.se")
    today = timezone.localdate()
    start = today - dt.timedelta(days=60)
    for person, role, order in ((chair, "chair", None), (member, "member", None), (substitute, "substitute", 1)):
        decisions.membership_add(actor=registrar, organ=ks, person=person, role=role, start=start,
                                 substitute_order=order)
    case = f.case(registrar, ks, title="Laddstolpar vid Stadshuset")
    paper = f.document(registrar, case, direction="drawn_up", counterpart="", description="Tjänsteskrivelse")
    secret = f.document(registrar, case, counterpart="Säkerhetskonsult AB", description="Säkerhetsanalys")
    registry.document_mark_secret(actor=registrar, document=secret, ground="OSL 18 kap. 8 §",
                                  masked_fields=["description"])
    coming = decisions.meeting_create(actor=registrar, organ=ks, date=today + dt.timedelta(days=7),
                                      start_time=dt.time(13), place="KS-salen")
    decisions.agenda_item_add(actor=registrar, meeting=coming, case=case, documents=[paper, secret],
                              secrecy_review_reason="Sekretessen prövad; handlingen går bara till ledamöterna.")
    decisions.meeting_publish_notice(actor=registrar, meeting=coming)
    held = decisions.meeting_create(actor=registrar, organ=ks, date=today - dt.timedelta(days=30))
    draft = decisions.meeting_create(actor=registrar, organ=ks, date=today + dt.timedelta(days=40))
    other = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden")
    elsewhere = decisions.meeting_create(actor=registrar, organ=other, date=today + dt.timedelta(days=3))
    return {"member_user": member_user, "substitute_user": substitute_user, "coming": coming, "held": held,
            "draft": draft, "elsewhere": elsewhere, "paper": paper, "secret": secret, "case": case}


def test_a_member_finds_their_meetings_and_the_papers(client, seated):
    client.force_login(seated["member_user"])
    page = client.get(reverse("decisions:my_meetings")).content.decode()
    coming, held, draft = seated["coming"], seated["held"], seated["draft"]
    assert page.index(coming.date.isoformat()) < page.index(draft.date.isoformat())  # soonest first
    assert "Genomförda" in page and held.date.isoformat() in page
    assert "Barn- och ungdomsnämnden" not in page  # no seat there
    assert "Du är ledamot." in page and "Kallelsen är inte skickad än." in page

    page = client.get(reverse("decisions:member_meeting", args=[coming.pk])).content.decode()
    assert "Laddstolpar vid Stadshuset" in page and "Tjänsteskrivelse" in page
    assert reverse("decisions:meeting_document", args=[coming.pk, "kallelse"]) in page
    assert "Säkerhetsanalys" not in page  # a secret paper reaches only those whose rights let them read it
    assert client.get(reverse("decisions:member_meeting", args=[seated["elsewhere"].pk])).status_code == 404
    draft_page = client.get(reverse("decisions:member_meeting", args=[draft.pk])).content.decode()
    assert "Kallelsen är inte skickad än." in draft_page

    client.force_login(seated["substitute_user"])
    page = client.get(reverse("decisions:member_meeting", args=[coming.pk])).content.decode()
    assert "Du är ersättare (nr 1 i turordningen)." in page


def test_a_members_notes_are_theirs_alone(client, registrar, seated):
    coming, paper = seated["coming"], seated["paper"]
    client.force_login(seated["member_user"])
    url = reverse("decisions:reading_note_save", args=[coming.pk, paper.pk])
    page = client.post(url, {"text": NOTE}, follow=True).content.decode()
    assert "Din anteckning är sparad." in page and NOTE in page

    # Nobody else: the substitute, the secretary, the public, the API and the dumps.
    client.force_login(seated["substitute_user"])
    assert NOTE not in client.get(reverse("decisions:member_meeting", args=[coming.pk])).content.decode()
    client.force_login(registrar)
    for url_ in (reverse("decisions:meeting_detail", args=[coming.pk]), reverse("registry:document_detail", args=[paper.pk]),
                 seated["case"].get_absolute_url()):
        assert NOTE not in client.get(url_).content.decode()
    client.logout()
    assert not found_in(dumped_files(), [NOTE])

    # An empty note is removed; the secret paper and a meeting without a seat refuse a note.
    client.force_login(seated["member_user"])
    assert "Din anteckning är borttagen." in client.post(url, {"text": " "}, follow=True).content.decode()
    assert not ReadingNote.objects.exists()
    with pytest.raises(DomainError, match="finns inte bland sammanträdets handlingar"):
        decisions.reading_note_save(actor=seated["member_user"], meeting=coming, document=seated["secret"],
                                    text=NOTE)
    with pytest.raises(PermissionDenied):
        decisions.reading_note_save(actor=seated["member_user"], meeting=seated["elsewhere"], document=paper,
                                    text=NOTE)
    assert client.post(reverse("decisions:reading_note_save", args=[seated["elsewhere"].pk, paper.pk]),
                       {"text": NOTE}).status_code == 404
    assert not ReadingNote.objects.exists()


def test_someone_without_a_seat_has_no_meetings(client, registrar):
    client.force_login(registrar)
    page = client.get(reverse("decisions:my_meetings")).content.decode()
    assert "Du har inga sammanträden" in page
    client.logout()
    assert client.get(reverse("decisions:my_meetings")).status_code == 302  # to the login
