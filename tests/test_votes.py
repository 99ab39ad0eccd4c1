"""Issue 19, votes (omröstning): motions are put against each other in the
chair's order; in an open vote each deciding member answers ja, nej or avstår
once, a member with a conflict of interest cannot vote, equal votes go to the
chair's casting vote; in a closed vote only the counts are kept, and equal
votes are settled by lot. The winning motion becomes the decision, and a
reservation is made in favour of the motion that lost. The minutes say it all."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from diarium.core.errors import DomainError, PermissionDenied
from diarium.decisions import services as decisions
from diarium.decisions.models import Ballot, DecisionNote, Vote
from diarium.registry.models import Event

from . import factories as f
from .api_support import bearer, post_json, token_for
from .pdf_support import pdf_text

pytestmark = pytest.mark.django_db

SEATS = (("Ordförande Ek", "chair", None), ("Ledamot Berg", "member", None), ("Ledamot Lund", "member", None),
         ("Ledamot Dahl", "member", None), ("Ersättare Ås", "substitute", 1))


@pytest.fixture
def board(registrar, ks, org):
    """An opened meeting of KS held today, four seats and a substitute, one
    item on a case with a proposal to decide."""
    people = {name: f.person(org, name) for name, _role, _order in SEATS}
    day = timezone.localdate()
    for name, role, order in SEATS:
        decisions.membership_add(actor=registrar, organ=ks, person=people[name], role=role, start=day,
                                 substitute_order=order)
    meeting = decisions.meeting_create(actor=registrar, organ=ks, date=day, adjusters=[people["Ledamot Berg"]])
    case = f.case(registrar, ks, title="Ny förskola i Noltorp")
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case)
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    return {"meeting": meeting, "item": item, "people": people, "case": case}


def _motions(registrar, board):
    p, meeting, item = board["people"], board["meeting"], board["item"]
    proposal = decisions.motion_add(actor=registrar, meeting=meeting, item=item,
                                    text="Förskolan byggs enligt kommunstyrelsens förslag.")
    against = decisions.motion_add(actor=registrar, meeting=meeting, item=item, mover=p["Ledamot Berg"],
                                   text="Ärendet avslås.")
    return proposal, against


def test_an_open_vote_the_winner_becomes_the_decision_and_the_loser_is_reserved_for(client, registrar, board):
    p, meeting, item = board["people"], board["meeting"], board["item"]
    decisions.conflict_declare(actor=registrar, meeting=meeting, item=item, person=p["Ledamot Lund"])
    proposal, against = _motions(registrar, board)
    vote = decisions.vote_open(actor=registrar, meeting=meeting, item=item, yes_motion=proposal, no_motion=against)

    # Lund declared a conflict: no vote, and the roll call with that error writes nothing.
    with pytest.raises(DomainError, match="Ledamot Lund har anmält jäv i punkt 1 och får inte rösta") as refused:
        decisions.ballots_record(actor=registrar, vote=vote, ballots={p["Ledamot Dahl"]: "yes",
                                                                      p["Ledamot Lund"]: "no"})
    assert len(refused.value.errors["ballots"]) == 1
    assert not Ballot.objects.filter(vote=vote).exists()

    decisions.ballots_record(actor=registrar, vote=vote, ballots={p["Ordförande Ek"]: "yes", p["Ersättare Ås"]: "yes",
                                                                  p["Ledamot Berg"]: "no"})
    with pytest.raises(DomainError, match="Ledamot Berg har redan röstat"):
        decisions.ballots_record(actor=registrar, vote=vote, ballots={p["Ledamot Berg"]: "yes"})
    with pytest.raises(DomainError, match="Alla beslutande har inte röstat: Ledamot Dahl"):
        decisions.vote_close(actor=registrar, vote=vote)
    with pytest.raises(DomainError, match="Omröstningen i punkt 1 är inte avslutad"):
        decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, text="")
    decisions.ballots_record(actor=registrar, vote=vote, ballots={p["Ledamot Dahl"]: "abstain"})
    vote = decisions.vote_close(actor=registrar, vote=vote)
    assert (vote.yes, vote.no, vote.abstain, vote.winner, vote.decided_by) == (2, 1, 1, proposal, "majority")
    with pytest.raises(DomainError, match="Omröstningen är avslutad"):
        decisions.ballots_record(actor=registrar, vote=vote, ballots={p["Ledamot Dahl"]: "yes"})

    with pytest.raises(DomainError, match="följa omröstningens utfall"):
        decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, text="Avslås.", motion=against)
    decision = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, text="")
    assert decision.motion == proposal and decision.text == "Förskolan byggs enligt kommunstyrelsens förslag."
    assert "Ersättare Ås" in {x.name for x in decision.participants.all()}

    with pytest.raises(DomainError, match="Ordförande Ek röstade för det yrkande som bifölls"):
        decisions.reservation_add(actor=registrar, decision=decision, person=p["Ordförande Ek"], motion=against)
    with pytest.raises(DomainError, match="Ledamot Lund deltog inte i beslutet"):
        decisions.reservation_add(actor=registrar, decision=decision, person=p["Ledamot Lund"], motion=against)
    with pytest.raises(DomainError, match="Yrkandet bifölls"):
        decisions.reservation_add(actor=registrar, decision=decision, person=p["Ledamot Berg"], motion=proposal)
    reservation = decisions.reservation_add(actor=registrar, decision=decision, person=p["Ledamot Berg"],
                                            motion=against)
    assert reservation.kind == DecisionNote.Kind.RESERVATION and reservation.motion == against
    assert reservation.text == "Ledamot Berg reserverar sig mot beslutet till förmån för eget yrkande."
    with pytest.raises(DomainError, match="Ledamot Berg har redan reserverat sig"):
        decisions.reservation_add(actor=registrar, decision=decision, person=p["Ledamot Berg"], motion=against)

    assert Event.objects.filter(case=board["case"], kind="vote_held",
                                    data__details="Punkt 1: 2 ja, 1 nej, 1 avstår").exists()
    f.adjust(registrar, meeting)
    client.logout()  # the public reads the vote, each member's answer and the reservation with the decision
    page = client.get(reverse("decisions:decision_detail", args=[decision.pk])).content.decode()
    assert "Ledamot Berg: Ärendet avslås." in page
    assert "2 ja, 1 nej, 1 avstår" in page
    assert "Ersättare Ås" in page and "Ledamot Dahl" in page
    assert "reserverar sig mot beslutet till förmån för eget yrkande" in page
    minutes = " ".join(pdf_text(b"".join(client.get(reverse("decisions:meeting_document",
                                                            args=[meeting.pk, "protokoll"])).streaming_content)).split())
    assert "Ledamot Lund anmäler jäv och deltar inte i handläggningen av ärendet." in minutes
    assert "Ledamot Berg: Ärendet avslås." in minutes
    assert "Resultat: 2 ja, 1 nej, 1 avstår. Yrkande 1 har bifallits." in minutes
    assert "Ja Ordförande Ek; Ersättare Ås;" in minutes or "Ja Ersättare Ås; Ordförande Ek;" in minutes
    assert "Reservation: Ledamot Berg reserverar sig mot beslutet till förmån för eget yrkande." in minutes


def test_equal_votes_go_to_the_chairs_casting_vote(registrar, board):
    p, meeting, item = board["people"], board["meeting"], board["item"]
    proposal, against = _motions(registrar, board)
    vote = decisions.vote_open(actor=registrar, meeting=meeting, item=item, yes_motion=proposal, no_motion=against)
    decisions.ballots_record(actor=registrar, vote=vote, ballots={
        p["Ordförande Ek"]: "no", p["Ledamot Berg"]: "no", p["Ledamot Lund"]: "yes", p["Ledamot Dahl"]: "yes"})
    vote = decisions.vote_close(actor=registrar, vote=vote)
    assert vote.winner == against and vote.decided_by == Vote.Decided.CASTING_VOTE
    other = decisions.motion_add(actor=registrar, meeting=meeting, item=item, mover=p["Ledamot Dahl"],
                                 text="Ärendet återremitteras.")
    with pytest.raises(DomainError, match="har redan fallit i en omröstning"):
        decisions.vote_open(actor=registrar, meeting=meeting, item=item, yes_motion=proposal, no_motion=other)
    with pytest.raises(DomainError, match="två olika yrkanden"):
        decisions.vote_open(actor=registrar, meeting=meeting, item=item, yes_motion=other, no_motion=other)

    # When the chair abstained, she still gives the casting vote, to a motion of the two.
    second = decisions.vote_open(actor=registrar, meeting=meeting, item=item, yes_motion=against, no_motion=other)
    decisions.ballots_record(actor=registrar, vote=second, ballots={
        p["Ordförande Ek"]: "abstain", p["Ledamot Berg"]: "yes", p["Ledamot Lund"]: "no", p["Ledamot Dahl"]: "abstain"})
    with pytest.raises(DomainError, match="ordföranden har utslagsröst. Ange vilket yrkande"):
        decisions.vote_close(actor=registrar, vote=second)
    with pytest.raises(DomainError, match="ett av de två yrkanden"):
        decisions.vote_close(actor=registrar, vote=second, tie_break=proposal)
    assert Vote.objects.get(pk=second.pk).is_open  # nothing counted
    second = decisions.vote_close(actor=registrar, vote=second, tie_break=other)
    assert (second.winner, second.decided_by) == (other, Vote.Decided.CASTING_VOTE)
    decision = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, text="",
                                         outcome="referred_back")
    assert decision.motion == other and decision.text == "Ärendet återremitteras."


def test_a_closed_vote_keeps_only_the_counts_and_a_tie_is_settled_by_lot(registrar, board):
    p, meeting, item = board["people"], board["meeting"], board["item"]
    first = decisions.motion_add(actor=registrar, meeting=meeting, item=item, mover=p["Ledamot Berg"],
                                 text="Till ordförande i valnämnden väljs Ledamot Lund.")
    second = decisions.motion_add(actor=registrar, meeting=meeting, item=item, mover=p["Ledamot Dahl"],
                                  text="Till ordförande i valnämnden väljs Ledamot Dahl.")
    vote = decisions.vote_open(actor=registrar, meeting=meeting, item=item, yes_motion=first, no_motion=second,
                               kind="closed")
    with pytest.raises(DomainError, match="bara antalet röster"):
        decisions.ballots_record(actor=registrar, vote=vote, ballots={p["Ledamot Berg"]: "yes"})
    with pytest.raises(DomainError) as refused:
        decisions.vote_close(actor=registrar, vote=vote, yes=-1, no=None, abstain=0)
    assert set(refused.value.errors) == {"yes", "no"}  # every error at once
    with pytest.raises(DomainError, match="5 röster är fler än de 4 som är beslutande"):
        decisions.vote_close(actor=registrar, vote=vote, yes=3, no=2, abstain=0)
    with pytest.raises(DomainError, match="avgörs genom lottning"):
        decisions.vote_close(actor=registrar, vote=vote, yes=2, no=2, abstain=0)
    vote = decisions.vote_close(actor=registrar, vote=vote, yes=2, no=2, abstain=0, tie_break=second)
    assert vote.winner == second and vote.decided_by == Vote.Decided.LOT
    assert not vote.ballots.exists()


def test_motions_are_made_only_by_those_who_decide_and_only_while_the_meeting_is_on(registrar, board, org):
    p, meeting, item = board["people"], board["meeting"], board["item"]
    decisions.conflict_declare(actor=registrar, meeting=meeting, item=item, person=p["Ledamot Lund"])
    with pytest.raises(DomainError, match="Ledamot Lund har anmält jäv i punkt 1 och får inte yrka"):
        decisions.motion_add(actor=registrar, meeting=meeting, item=item, mover=p["Ledamot Lund"], text="Bifall.")
    with pytest.raises(DomainError) as refused:
        decisions.motion_add(actor=registrar, meeting=meeting, item=item, mover=f.person(org, "Åhörare Ny"), text="")
    assert set(refused.value.errors) == {"text", "mover"}
    decisions.meeting_close(actor=registrar, meeting=meeting)
    with pytest.raises(DomainError, match="pågående sammanträde"):
        decisions.motion_add(actor=registrar, meeting=meeting, item=item, text="Bifall.")


def test_a_member_answers_for_themself_only(registrar, board, org):
    p, meeting, item = board["people"], board["meeting"], board["item"]
    proposal, against = _motions(registrar, board)
    vote = decisions.vote_open(actor=registrar, meeting=meeting, item=item, yes_motion=proposal, no_motion=against)
    dahl = f.user(username="dahl")
    p["Ledamot Dahl"].user = dahl
    p["Ledamot Dahl"].save()
    dahl.refresh_from_db()
    decisions.ballots_record(actor=dahl, vote=vote, ballots={p["Ledamot Dahl"]: "no"})
    with pytest.raises(PermissionDenied):
        decisions.ballots_record(actor=dahl, vote=vote, ballots={p["Ledamot Berg"]: "no"})
    assert [b.person.name for b in vote.ballots.all()] == ["Ledamot Dahl"]


def test_the_api_carries_a_vote_from_the_motions_to_the_reservation(client, registrar, board):
    p, meeting, item = board["people"], board["meeting"], board["item"]
    auth = bearer(token_for(registrar))
    base = f"/api/meetings/{meeting.pk}/items/{item.pk}"
    r = post_json(client, f"{base}/motions", {"text": "Bifall till förslaget."}, **auth)
    assert r.status_code == 201, r.content
    r = post_json(client, f"{base}/motions", {"text": "Avslag.", "mover": p["Ledamot Berg"].pk}, **auth)
    motions = r.json()["motions"]
    assert [m["mover"] for m in motions] == [None, "Ledamot Berg"]
    r = post_json(client, f"{base}/votes", {"yes_motion": motions[0]["id"], "no_motion": motions[1]["id"]}, **auth)
    assert r.status_code == 201, r.content
    vote_id = r.json()["votes"][0]["id"]
    ballots = [{"person": p[n].pk, "choice": c} for n, c in (("Ordförande Ek", "yes"), ("Ledamot Lund", "yes"),
                                                              ("Ledamot Dahl", "no"))]
    r = post_json(client, f"/api/meetings/{meeting.pk}/votes/{vote_id}/ballots", {"ballots": ballots}, **auth)
    assert r.status_code == 201, r.content
    again = post_json(client, f"/api/meetings/{meeting.pk}/votes/{vote_id}/ballots",
                      {"ballots": [{"person": p["Ledamot Dahl"].pk, "choice": "yes"},
                                   {"person": p["Ersättare Ås"].pk, "choice": "yes"}]}, **auth)
    assert again.status_code == 400
    assert again.json()["errors"]["ballots"] == ["Ledamot Dahl har redan röstat.",
                                                 "Ersättare Ås är inte beslutande i punkt 1 och får inte rösta."]
    early = post_json(client, f"/api/meetings/{meeting.pk}/votes/{vote_id}/close", {}, **auth)
    assert early.status_code == 400 and "Ledamot Berg" in early.json()["detail"]
    post_json(client, f"/api/meetings/{meeting.pk}/votes/{vote_id}/ballots",
              {"ballots": [{"person": p["Ledamot Berg"].pk, "choice": "no"}]}, **auth)
    r = post_json(client, f"/api/meetings/{meeting.pk}/votes/{vote_id}/close", {}, **auth)
    assert r.status_code == 200, r.content
    counted = r.json()["votes"][0]
    assert (counted["yes"], counted["no"], counted["abstain"], counted["winner"]) == (2, 2, 0, motions[0]["id"])
    assert counted["decided_by"] == "casting_vote"

    r = post_json(client, f"/api/meetings/{meeting.pk}/decisions", {"agenda_item": item.pk}, **auth)
    assert r.status_code == 201, r.content
    decision_id = r.json()["id"]
    r = post_json(client, f"/api/decisions/{decision_id}/reservations",
                  {"person": p["Ledamot Berg"].pk, "motion": motions[1]["id"]}, **auth)
    assert r.status_code == 201, r.content
    assert any("till förmån för eget yrkande" in n["text"] for n in r.json()["notes"])
    unknown = post_json(client, f"/api/decisions/{decision_id}/reservations",
                        {"person": p["Ledamot Dahl"].pk, "motion": 999999}, **auth)
    assert unknown.status_code == 400 and "motion" in unknown.json()["errors"]

    # Until the minutes are adjusted, the public sees nothing of it.
    anonymous = client.get(f"{base}/handling")
    assert anonymous.status_code == 404
    f.adjust(registrar, meeting)
    public = client.get(f"{base}/handling").json()
    assert public["votes"][0]["ballots"][0] == {"person": "Ordförande Ek", "choice": "yes"}
    assert public["deciding"] == []


def test_the_secretary_handles_an_item_on_its_page_from_motions_to_the_decision(client, registrar, board):
    p, meeting, item = board["people"], board["meeting"], board["item"]
    client.force_login(registrar)
    page_url = reverse("decisions:item_handling", args=[meeting.pk, item.pk])
    post_url = reverse("decisions:item_handling_post", args=[meeting.pk, item.pk])
    assert "Yrkanden och omröstning" in client.get(reverse("decisions:meeting_detail", args=[meeting.pk])).content.decode()
    client.post(post_url, {"action": "motion", "mover": "", "text": "Bifall till förslaget."})
    page = client.post(post_url, {"action": "motion", "mover": str(p["Ledamot Berg"].pk), "text": "Avslag."},
                       follow=True).content.decode()
    assert "Yrkandet är antecknat." in page and "Ledamot Berg: Avslag." in page
    empty = client.post(post_url, {"action": "motion", "mover": "", "text": "  "}, follow=True).content.decode()
    assert "Skriv yrkandet." in empty

    first, second = item.motions.order_by("position")
    page = client.post(post_url, {"action": "vote", "yes_motion": first.pk, "no_motion": second.pk, "kind": "open"},
                       follow=True).content.decode()
    assert "Omröstningen är öppnad." in page and "Upprop" in page
    vote = item.votes.get()
    answers = {f"ballot-{p[n].pk}": c for n, c in (("Ordförande Ek", "yes"), ("Ledamot Berg", "no"),
                                                    ("Ledamot Lund", "yes"))}
    client.post(post_url, {"action": "ballots", "vote": vote.pk, **answers})
    page = client.post(post_url, {"action": "count", "vote": vote.pk}, follow=True).content.decode()
    assert "Alla beslutande har inte röstat: Ledamot Dahl." in page
    client.post(post_url, {"action": "ballots", "vote": vote.pk, f"ballot-{p['Ledamot Dahl'].pk}": "no"})
    page = client.post(post_url, {"action": "count", "vote": vote.pk}, follow=True).content.decode()
    assert "Rösterna är räknade: 2 ja, 2 nej, 0 avstår. Yrkande 1 har bifallits." in page
    assert "med ordförandens utslagsröst" in page

    form = client.get(reverse("decisions:decision_record", args=[meeting.pk]) + f"?punkt={item.pk}").content.decode()
    assert "Bifall till förslaget." in form  # the decision's text starts as the motion that won
    decision = decisions.decision_record(actor=registrar, meeting=meeting, agenda_item=item, text="")
    page = client.post(reverse("decisions:reservation_add", args=[decision.pk]),
                       {"person": p["Ledamot Dahl"].pk, "motion": second.pk}, follow=True).content.decode()
    assert "Ledamot Dahl reserverar sig mot beslutet till förmån för yrkandet: Avslag." in page
    assert client.get(page_url).status_code == 200
    client.logout()
    assert client.get(page_url).status_code in (302, 404)  # the handling page is the secretary's
