"""The remiss module over the JSON API: the whole round, the personal link
without an account, and what the public may see."""

import datetime as dt
import json
import re

import pytest
from django.core import mail

from diarium.accounts.models import Organ, Role
from diarium.registry.models import Document

from . import factories as f
from .api_support import bearer, post_json, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org, ks, registrar):
    c = f.case(registrar, ks)
    plan = f.document(registrar, c, direction="drawn_up", counterpart="", description="Förslag till handlingsplan",
                      files=[f.text_file("handlingsplan.txt", "Handlingsplan\nÅtgärd 1\n")])
    kfn = f.organ(org, code="KFN", name="Kultur- och fritidsnämnden", kind=Organ.Kind.BOARD, email="kfn@alingsas.se")
    sn = f.organ(org, code="SN", name="Socialnämnden", kind=Organ.Kind.BOARD, email="sn@alingsas.se")
    return c, plan.files.get(), kfn, sn, bearer(token_for(registrar))


def _create(client, c, file, kfn, sn, auth, **overrides):
    body = {
        "title": "Förslag till handlingsplan", "letter": "Vi önskar era synpunkter.",
        "deadline": (dt.date.today() + dt.timedelta(days=30)).isoformat(), "ordered_by": "KSAU 2018-02-28 § 8",
        "recipients": [{"organ": kfn.pk}, {"organ": sn.pk}, {"name": "Föreningen Sambruk", "email": "info@sambruk.se"}],
        "files": [file.pk],
    }
    body.update(overrides)
    return post_json(client, f"/api/cases/{c.pk}/remiss", body, **auth)


def test_the_whole_round_over_the_api(client, setup):
    c, file, kfn, sn, auth = setup
    created = _create(client, c, file, kfn, sn, auth)
    assert created.status_code == 201, created.json()
    round_ = created.json()
    assert round_["status"] == "draft" and [r["status"] for r in round_["recipients"]] == ["draft"] * 3
    rid = round_["id"]
    sent = client.post(f"/api/remiss/{rid}/send", **auth).json()
    assert sent["status"] == "sent"
    assert [r["status"] for r in sent["recipients"]] == ["sent"] * 3
    assert {c["status"]: c["count"] for c in sent["counts"]} == {"sent": 3}
    assert len(mail.outbox) == 3
    sambruk = next(r for r in sent["recipients"] if r["name"] == "Föreningen Sambruk")
    assert sambruk["email"] == "info@sambruk.se"  # the one running the round sees addresses

    new_deadline = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    extended = post_json(client, f"/api/remiss/{rid}/extend", {
        "deadline": new_deadline, "reason": "Alla nämnder ska hinna besluta", "decision_ref": "KSAU 2018-04-25 § 53",
    }, **auth).json()
    assert [[d["deadline"] for d in r["deadlines"]] for r in extended["recipients"]][0][-1] == new_deadline
    assert extended["deadline"] == new_deadline

    kfn_row = next(r for r in extended["recipients"] if r["name"] == "Kultur- och fritidsnämnden")
    answered = client.post(f"/api/remiss/{rid}/recipients/{kfn_row['id']}/answer", {
        "text": "Nämnden tillstyrker.", "decision_ref": "Kultur- och fritidsnämnden 2018-06-12 § 45",
        "files": [f.pdf_file("yttrande.pdf")],
    }, **auth)
    assert answered.status_code == 201, answered.json()
    row = next(r for r in answered.json()["recipients"] if r["id"] == kfn_row["id"])
    assert row["status"] == "answered" and row["answer_decision"] == "Kultur- och fritidsnämnden 2018-06-12 § 45"

    reminded = post_json(client, f"/api/remiss/{rid}/remind", {"recipients": None}, **auth)
    assert reminded.json() == {"count": 2}

    assessed = client.put(f"/api/remiss/{rid}/recipients/{kfn_row['id']}/assessment", json.dumps({
        "summary": "Tillstyrker.", "consideration": "accepted", "comment": "Inga ändringar behövs.",
    }), content_type="application/json", **auth)
    assert assessed.status_code == 200, assessed.json()
    compiled = client.post(f"/api/remiss/{rid}/compilation", **auth)
    assert compiled.status_code == 201
    assert compiled.json()["direction"] == "drawn_up"
    assert compiled.json()["description"].startswith("Remissammanställning")

    revised = client.post(f"/api/remiss/{rid}/revision", {
        "consulted": file.pk, "file": f.text_file("handlingsplan.txt", "Handlingsplan\nÅtgärd 1\nÅtgärd 2\n"),
        "note": "Reviderad.", "changes": json.dumps([{"description": "Åtgärd 2", "recipient_ids": [kfn_row["id"]]}]),
    }, **auth)
    assert revised.status_code == 201, revised.json()
    assert revised.json()["revised_file"]["version"] == 2
    assert revised.json()["changes"] == [{"position": 1, "description": "Åtgärd 2", "recipient_ids": [kfn_row["id"]]}]

    closed = client.post(f"/api/remiss/{rid}/close", **auth).json()
    assert sorted(r["status"] for r in closed["recipients"]) == ["answered", "no_answer", "no_answer"]


def test_answer_through_the_link_without_an_account(client, setup):
    c, file, kfn, sn, auth = setup
    rid = _create(client, c, file, kfn, sn, auth).json()["id"]
    client.post(f"/api/remiss/{rid}/send", **auth)
    token = re.search(r"/remissvar/([0-9a-f]{64})/", mail.outbox[0].body).group(1)
    anonymous = client.__class__()
    page = anonymous.get(f"/api/remissvar/{token}")
    assert page.status_code == 200
    body = page.json()
    assert body["title"] == "Förslag till handlingsplan" and body["answered_at"] is None
    content = anonymous.get(body["files"][0]["download_url"])
    assert b"".join(content.streaming_content).startswith(b"Handlingsplan")
    answered = anonymous.post(f"/api/remissvar/{token}", {"text": "Vårt svar.", "answered_by": "Eva Ek"})
    assert answered.status_code == 201, answered.json()
    assert answered.json()["answer_reference"].startswith(c.diary_number)
    again = anonymous.post(f"/api/remissvar/{token}", {"text": "Igen"})
    assert again.status_code == 400 and "redan svarat" in again.json()["detail"]
    forged = anonymous.post(f"/api/remissvar/{'0' * 64}", {"text": "Hej"})
    assert forged.status_code == 404 and "inte giltig" in forged.json()["detail"]
    # The token of one recipient never opens another's files.
    assert anonymous.get(f"/api/remissvar/{token}/files/999999").status_code == 404
    assert Document.objects.filter(case=c, direction=Document.Direction.INCOMING).count() == 1


def test_an_answered_link_gives_410_a_set_time_after_the_round_closed(client, org, ks, registrar):
    from django.utils import timezone

    from diarium.remiss import services as remiss

    now = timezone.now()
    sent_at = now - dt.timedelta(days=60)
    round_, _organs = f.remiss_setup(registrar, org, ks, boards=1, now=sent_at,
                                     deadline=timezone.localdate() - dt.timedelta(days=40))
    remiss.remiss_send(actor=registrar, round=round_, now=sent_at)
    token = re.search(r"/remissvar/([0-9a-f]{64})/", mail.outbox[0].body).group(1)
    remiss.remiss_answer_by_link(token=token, text="Vårt svar.", now=sent_at + dt.timedelta(days=5))
    closed_at = now - dt.timedelta(days=31)
    last_day = timezone.localtime(closed_at).date() + dt.timedelta(days=30)
    page = client.get(f"/api/remissvar/{token}").json()  # open: the answering time plus 30 days
    assert page["readable_until"] == (round_.deadline + dt.timedelta(days=round_.grace_days + 30)).isoformat()
    file_url = page["files"][0]["download_url"]
    remiss.remiss_close(actor=registrar, round=round_, now=closed_at)
    expired = client.get(f"/api/remissvar/{token}")
    assert expired.status_code == 410
    assert expired.json() == {"detail": expired.json()["detail"], "errors": {}}
    assert expired.json()["detail"].startswith(f"Länken gällde till och med {last_day.isoformat()}")
    assert "Kontakta registrator hos Alingsås kommun" in expired.json()["detail"]
    assert round_.case.diary_number in expired.json()["detail"]
    assert client.get(file_url).status_code == 410


def test_the_public_reads_rounds_but_not_addresses_drafts_or_writes(client, org, setup):
    c, file, kfn, sn, auth = setup
    draft = _create(client, c, file, kfn, sn, auth).json()["id"]
    anonymous = client.__class__()
    assert anonymous.get(f"/api/remiss/{draft}").status_code == 404
    assert anonymous.get(f"/api/cases/{c.pk}/remiss").json() == []
    client.post(f"/api/remiss/{draft}/send", **auth)
    public = anonymous.get(f"/api/remiss/{draft}").json()
    assert [r["email"] for r in public["recipients"]] == [None, None, None]
    assert "@" not in json.dumps(public)
    listed = anonymous.get(f"/api/cases/{c.pk}/remiss").json()
    assert listed[0]["recipients"] == 3 and listed[0]["answered"] == 0
    assert anonymous.post(f"/api/remiss/{draft}/close").status_code == 401
    reader = bearer(token_for(f.user(org, Role.READER)))
    assert client.post(f"/api/remiss/{draft}/close", **reader).status_code == 403


def test_bad_input_gets_swedish_errors_and_creates_nothing(client, setup):
    c, file, kfn, sn, auth = setup
    response = _create(client, c, file, kfn, sn, auth, title="", deadline="2018-05-31",
                       recipients=[{"name": "Sambruk", "email": "ingen-adress"}], files=[])
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"title", "deadline", "files", "recipients"} <= set(errors)
    assert client.get(f"/api/cases/{c.pk}/remiss", **auth).json() == []
    unknown = _create(client, c, file, kfn, sn, auth, files=[999999])
    assert unknown.status_code == 400 and "files" in unknown.json()["errors"]


def test_a_draft_is_deleted_over_the_api_and_a_sent_round_is_not(client, setup):
    c, file, kfn, sn, auth = setup
    draft = _create(client, c, file, kfn, sn, auth).json()["id"]
    assert client.delete(f"/api/remiss/{draft}", **auth).status_code == 204
    assert client.get(f"/api/remiss/{draft}", **auth).status_code == 404
    sent = _create(client, c, file, kfn, sn, auth).json()["id"]
    client.post(f"/api/remiss/{sent}/send", **auth)
    refused = client.delete(f"/api/remiss/{sent}", **auth)
    assert refused.status_code == 400 and "kan inte tas bort" in refused.json()["detail"]
