"""Issue 19, the minutes signed by the signers: the secretary draws them up for
adjustment; the chair and each adjuster read them and sign with their own
login (or comment), each signature a PAdES signature in the PDF made with the
organisation's certificate; the last one adjusts the minutes as signed, and a
posting certificate is drawn up beside them. pyHanko's validator accepts every
signature; nobody signs twice, or for someone else, or a version that changed."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from diarium.core import signing
from diarium.core.errors import DomainError, PermissionDenied
from diarium.decisions import services as decisions
from diarium.decisions.models import Meeting, Minutes, MinutesComment
from diarium.registry import files as file_store

from . import factories as f
from .api_support import bearer, post_json, token_for
from .pdf_support import assert_tagged_pdfa, pdf_text
from .signing_support import signing_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(registrar, ks, org):
    """A meeting held three days ago and closed, with one decision; its chair and
    its adjuster have logins of their own."""
    chair_user, adjuster_user = f.user(username="ordforande"), f.user(username="justerare")
    chair = f.person(org, "Mats Engström", user=chair_user)
    adjuster = f.person(org, "Karin Sandberg", user=adjuster_user)
    member = f.person(org, "Erik Dahl")
    meeting = f.meeting(registrar, ks, timezone.localdate() - dt.timedelta(days=3),
                        members=[(chair, "chair"), (adjuster, "member"), (member, "member")], adjusters=[adjuster],
                        place="KS-salen")
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, title="Budget 2027")
    decisions.meeting_open(actor=registrar, meeting=meeting)
    decision = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, text="Budgeten antas.")
    decisions.meeting_close(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    return {"meeting": meeting, "decision": decision, "chair_user": chair_user, "adjuster_user": adjuster_user,
            "chair": chair, "adjuster": adjuster}


@pytest.fixture
def seal(settings, tmp_path):
    """The organisation's signing certificate, issued by a test CA."""
    config, root = signing_setup(tmp_path, common_name="Alingsås kommun, justering")
    settings.DIARIUM_SIGNING = config
    return root


def _pdf(blob) -> bytes:
    with file_store.blob_open(blob) as fh:
        return fh.read()


def test_the_signers_sign_with_their_own_logins_and_the_signatures_validate(client, registrar, held, seal):
    meeting = held["meeting"]
    with pytest.raises(DomainError, match="inte upprättat för justering"):
        decisions.minutes_approve(actor=held["chair_user"], meeting=meeting)
    client.force_login(registrar)
    page = client.post(reverse("decisions:minutes_prepare", args=[meeting.pk]), follow=True).content.decode()
    assert "Protokollet är upprättat för justering (version 1)." in page

    # The adjuster reads it on her own page, finds a mistake and comments; the secretary sees it.
    client.force_login(held["adjuster_user"])
    assert "Protokollet från Kommunstyrelsen" in client.get(reverse("decisions:my_meetings")).content.decode()
    signing_page = reverse("decisions:minutes_signing", args=[meeting.pk])
    draft = client.get(reverse("decisions:meeting_document", args=[meeting.pk, "justering"]))
    assert draft.status_code == 200 and "Budgeten antas." in pdf_text(b"".join(draft.streaming_content))
    page = client.post(signing_page, {"action": "comment", "text": "§ 1: skriv ut att budgeten gäller 2027."},
                       follow=True).content.decode()
    assert "Din synpunkt är skickad till sekreteraren." in page
    client.force_login(registrar)
    minutes_page = client.get(reverse("decisions:minutes", args=[meeting.pk])).content.decode()
    assert "skriv ut att budgeten gäller 2027" in minutes_page
    # The secretary cannot record their approval for them while it is out for digital signing.
    with pytest.raises(DomainError, match="signerar själva"):
        decisions.minutes_sign(actor=registrar, meeting=meeting, person=held["chair"], role="chair")

    # The secretary corrects the decision: the version out for signing is withdrawn, then drawn up again.
    decisions.decision_update(actor=registrar, decision=held["decision"], text="Budgeten för 2027 antas.")
    with pytest.raises(DomainError, match="inte upprättat för justering"):
        decisions.minutes_approve(actor=held["chair_user"], meeting=meeting)
    minutes = decisions.minutes_prepare(actor=registrar, meeting=meeting)
    assert minutes.draft_version == 2

    # The chair signs on the page; signing twice is refused; a member who does not sign is not let in.
    client.force_login(held["chair_user"])
    page = client.post(signing_page, {"action": "sign"}, follow=True).content.decode()
    assert "Du har signerat protokollet." in page and "Väntar på: Karin Sandberg" in page
    with pytest.raises(DomainError, match="Mats Engström har redan signerat protokollet"):
        decisions.minutes_approve(actor=held["chair_user"], meeting=meeting)
    with pytest.raises(PermissionDenied):
        decisions.minutes_approve(actor=registrar, meeting=meeting)
    client.force_login(f.user(username="annan"))
    assert client.get(signing_page).status_code == 404
    assert client.get(reverse("decisions:meeting_document", args=[meeting.pk, "justering"])).status_code == 404
    client.logout()
    assert client.get(reverse("decisions:meeting_document", args=[meeting.pk, "justering"])).status_code == 404

    # The adjuster signs through the API, with her own token: the minutes are adjusted as signed.
    response = post_json(client, f"/api/meetings/{meeting.pk}/minutes/approve", {},
                         **bearer(token_for(held["adjuster_user"])))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["adjusted"] is True and body["waiting_for"] == [] and body["draft_version"] == 2
    assert {s["method"] for s in body["signed"]} == {"pades"}

    minutes = Minutes.objects.get(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ADJUSTED and minutes.posted_on == timezone.localdate()
    data = _pdf(minutes.blob)
    checks = signing.signatures_validate(data, trust_roots=[seal])
    assert [(c.name, c.bottom_line, c.intact, c.trusted) for c in checks] == [
        ("Mats Engström", True, True, True), ("Karin Sandberg", True, True, True)]
    assert "Budgeten för 2027 antas." in pdf_text(data)
    # Still PDF/A-3a after the signatures: the signed revisions keep the metadata and the tags.
    assert_tagged_pdfa(data, title=f"Protokoll Kommunstyrelsen {meeting.date:%Y-%m-%d} § {held['decision'].paragraph}",
                       author=meeting.organisation.name, subject_contains="Protokoll")

    # The posting certificate is public beside the minutes, and names the signed file.
    certificate = client.get(reverse("decisions:meeting_document", args=[meeting.pk, "anslagsbevis"]))
    text = " ".join(pdf_text(b"".join(certificate.streaming_content)).split())
    assert f"Datum då anslaget sätts upp {minutes.posted_on:%Y-%m-%d}" in text
    assert hashlib.sha256(data).hexdigest()[:32] in text.replace(" ", "")
    assert "Mats Engström, ordförande" in text and "Karin Sandberg, justerare" in text
    public = client.get(reverse("decisions:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("decisions:meeting_document", args=[meeting.pk, "anslagsbevis"]) in public
    assert MinutesComment.objects.filter(draft_version=1).count() == 1


def test_without_a_certificate_the_signers_approve_with_their_logins(client, registrar, held):
    meeting = held["meeting"]
    decisions.minutes_prepare(actor=registrar, meeting=meeting)
    decisions.minutes_approve(actor=held["adjuster_user"], meeting=meeting)
    minutes = decisions.minutes_approve(actor=held["chair_user"], meeting=meeting)
    assert minutes.adjusted
    assert set(minutes.signatures.values_list("method", flat=True)) == {"login"}
    assert signing.signatures_validate(_pdf(minutes.blob), trust_roots=[]) == []
    client.force_login(registrar)
    page = client.get(reverse("decisions:minutes", args=[meeting.pk])).content.decode()
    assert "godkänd med egen inloggning" in page


def test_a_comment_needs_text_and_only_signers_comment(registrar, held):
    meeting = held["meeting"]
    decisions.minutes_prepare(actor=registrar, meeting=meeting)
    with pytest.raises(DomainError, match="Skriv din synpunkt"):
        decisions.minutes_comment(actor=held["adjuster_user"], meeting=meeting, text="  ")
    with pytest.raises(PermissionDenied):
        decisions.minutes_comment(actor=registrar, meeting=meeting, text="Rätta § 1.")
    assert not MinutesComment.objects.exists()
