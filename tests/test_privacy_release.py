"""Secret material leaving the house (issue 18, item 5): a document marked
secret goes on a remiss, an agenda or a dispatch to outside recipients only
after a secrecy review ("sekretessprövning") with a reason, which the history
keeps; public documents go without a word. Services, web forms and the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from diarium.accounts.models import Organ, Role
from diarium.core.errors import DomainError
from diarium.decisions import services as decisions
from diarium.decisions.models import AgendaItem, DecisionRecipient
from diarium.registry import access
from diarium.registry import selectors as registry_selectors
from diarium.registry import services as registry
from diarium.registry.models import Document, Event
from diarium.remiss import services as remiss
from diarium.remiss.models import RemissRound

from . import factories as f
from .api_support import bearer, post_json, token_for
from .mail_support import FLAKY_BACKEND

pytestmark = pytest.mark.django_db

GROUND = "OSL 26 kap. 1 §"
REASON = "Uppgifterna om den enskilde är maskerade i den version som skickas."
REVIEWED = Event.Kind.SECRECY_REVIEWED


@pytest.fixture
def case(registrar, ks):
    return f.case(registrar, ks, title="Riktlinjer för ekonomiskt bistånd")


@pytest.fixture
def public(registrar, case):
    return f.document(registrar, case, direction="drawn_up", counterpart="", description="Förslag till riktlinjer",
                      files=[f.text_file("riktlinjer.txt", "Riktlinjer\n")])


@pytest.fixture
def secret(registrar, case):
    document = f.document(registrar, case, counterpart="Socialtjänsten", description="Utredning om enskild",
                          files=[f.text_file("utredning.txt", "Utredning\n")])
    return registry.document_mark_secret(actor=registrar, document=document, ground=GROUND,
                                         masked_fields=["description"])


def _reviews(case):
    return list(Event.objects.filter(case=case, kind=REVIEWED))


def _round(registrar, case, files, **kw):
    return remiss.remiss_create(
        actor=registrar, case=case, title="Remiss av riktlinjer", letter="Vi önskar era synpunkter.",
        deadline=dt.date.today() + dt.timedelta(days=30), files=files,
        recipients=[remiss.RecipientInput(name="Föreningen Sambruk", email="info@sambruk.se")], **kw,
    )


def _file(document):
    return document.files.get()


# --- the rule -------------------------------------------------------------------------------
@given(st.lists(st.tuples(st.integers(1, 30), st.booleans()), max_size=12))
def test_the_rule_names_each_secret_document_once_in_order_and_nothing_else(rows):
    documents = [Document(pk=pk, number=pk, is_secret=secret, secrecy_ground=GROUND if secret else "")
                 for pk, secret in rows]
    concerns = access.release_concerns(documents)
    first = {}
    for d in documents:
        first.setdefault(d.pk, d)
    assert [c.document.pk for c in concerns] == [pk for pk, d in first.items() if d.is_secret]
    assert all(c.reason == access.RELEASE_SECRET and GROUND in c.message for c in concerns)


# --- remiss --------------------------------------------------------------------------------
def test_a_secret_file_on_a_remiss_is_refused_without_a_reason_and_nothing_is_written(registrar, case, public,
                                                                                     secret):
    events = Event.objects.count()
    with pytest.raises(registry.SecrecyReviewRequired) as refused:
        _round(registrar, case, [_file(public), _file(secret)])
    exc = refused.value
    assert exc.status_code == 422
    assert f"{secret.reference}: Handlingen är sekretessmarkerad ({GROUND})." in exc.errors["secrecy_review_reason"]
    assert secret.reference in exc.message and public.reference not in exc.message
    assert not RemissRound.objects.exists() and Event.objects.count() == events


@pytest.mark.parametrize("reason", ["", "   ", " ok ", "x" * 2001])
def test_the_reason_must_say_something_within_its_limit(registrar, case, secret, reason):
    with pytest.raises(registry.SecrecyReviewRequired, match="Skälet|Ange skäl"):
        _round(registrar, case, [_file(secret)], secrecy_review_reason=reason)
    assert not RemissRound.objects.exists()


def test_with_a_reason_the_remiss_is_prepared_and_the_history_keeps_who_why_and_where(registrar, case, secret):
    round_ = _round(registrar, case, [_file(secret)], secrecy_review_reason=f"  {REASON}  ")
    [event] = _reviews(case)
    assert event.actor == registrar and event.data["reason"] == REASON
    assert event.data["round"] == round_.pk and event.data["where"] == "Remiss: Remiss av riktlinjer"
    assert [(d["id"], d["reference"], d["concern"]) for d in event.data["documents"]] == [
        (secret.pk, secret.reference, "secret")]
    # Reviewed when prepared: sending asks for nothing more.
    remiss.remiss_send(actor=registrar, round=round_)
    assert RemissRound.objects.get().status == RemissRound.Status.SENT
    assert len(_reviews(case)) == 1


def test_other_errors_come_with_the_secrecy_review_at_once(registrar, case, secret):
    with pytest.raises(DomainError) as refused:
        remiss.remiss_create(actor=registrar, case=case, title="", letter="Brev",
                             deadline=dt.date.today() + dt.timedelta(days=30), files=[_file(secret)],
                             recipients=[remiss.RecipientInput(name="Sambruk", email="info@sambruk.se")])
    assert {"title", "secrecy_review_reason"} <= set(refused.value.errors)


def test_a_file_marked_secret_after_the_round_was_prepared_is_caught_when_it_is_sent(registrar, case, public):
    round_ = _round(registrar, case, [_file(public)])
    registry.document_mark_secret(actor=registrar, document=public, ground=GROUND)
    with pytest.raises(registry.SecrecyReviewRequired, match=public.reference):
        remiss.remiss_send(actor=registrar, round=round_)
    round_.refresh_from_db()
    assert round_.status == RemissRound.Status.DRAFT and not mail.outbox
    assert not Document.objects.filter(case=case, direction=Document.Direction.OUTGOING).exists()
    remiss.remiss_send(actor=registrar, round=round_, secrecy_review_reason=REASON)
    round_.refresh_from_db()
    assert round_.status == RemissRound.Status.SENT and len(mail.outbox) == 1
    [event] = _reviews(case)
    assert event.data["round"] == round_.pk and event.data["reason"] == REASON


def test_public_documents_go_on_a_remiss_without_any_question(registrar, case, public):
    round_ = _round(registrar, case, [_file(public)])
    remiss.remiss_send(actor=registrar, round=round_)
    assert not _reviews(case)


# --- agenda -------------------------------------------------------------------------------
@pytest.fixture
def meeting(registrar, ks):
    return decisions.meeting_create(actor=registrar, organ=ks, date=dt.date.today() + dt.timedelta(days=7))


def test_a_secret_supporting_document_needs_a_reason_and_the_history_keeps_it(registrar, case, public, secret,
                                                                              meeting):
    events = Event.objects.count()
    with pytest.raises(registry.SecrecyReviewRequired, match=re.escape(secret.reference)):
        decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, documents=[public, secret])
    assert not AgendaItem.objects.exists() and Event.objects.count() == events
    item = decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, documents=[public, secret],
                                     secrecy_review_reason=REASON)
    [event] = _reviews(case)
    assert event.data["agenda_item"] == item.pk and event.data["reason"] == REASON
    assert [d["id"] for d in event.data["documents"]] == [secret.pk]
    assert event.data["where"].startswith("Beslutsunderlag: KS ")


def test_public_supporting_documents_go_on_the_agenda_without_any_question(registrar, case, public, meeting):
    decisions.agenda_item_add(actor=registrar, meeting=meeting, case=case, documents=[public])
    assert not _reviews(case)


# --- dispatch ------------------------------------------------------------------------------
@pytest.fixture
def dispatched(org, ks, registrar, case, settings):
    """An adjusted decision dispatched to a board of the municipality and to a
    company whose mail server refuses it: the company's e-mail failed."""
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    chair = f.person(org, "Daniel Filipsson")
    adjuster = f.person(org, "Ann Ludvigsson")
    bun = f.organ(org, code="BUN", name="Barn- och ungdomsnämnden", kind=Organ.Kind.BOARD, email="bun@alingsas.se")
    fabs = f.organ(org, code="FABS", name="FABS AB", kind=Organ.Kind.COMPANY, email="trasig@fabs.se")
    meeting = f.meeting(registrar, ks, dt.date.today(), members=[(chair, "chair"), (adjuster, "member")],
                        adjusters=[adjuster])
    decisions.meeting_open(actor=registrar, meeting=meeting)
    meeting.refresh_from_db()
    decision = decisions.decision_record(
        actor=registrar, meeting=meeting, case=case, title="Riktlinjer för ekonomiskt bistånd", text="Antas.",
        recipients=[decisions.RecipientInput(organ=bun), decisions.RecipientInput(organ=fabs)],
    )
    f.adjust(registrar, meeting)
    excerpt = decisions.decision_dispatch(actor=registrar, decision=decision)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return decision, excerpt


def test_a_fresh_excerpt_is_dispatched_without_any_question(dispatched):
    decision, _excerpt = dispatched
    assert not _reviews(decision.case)
    assert decision.recipients.get(name="FABS AB").state == DecisionRecipient.State.FAILED


def test_an_excerpt_marked_secret_since_goes_to_an_outside_recipient_only_with_a_reason(registrar, dispatched):
    decision, excerpt = dispatched
    registry.document_mark_secret(actor=registrar, document=excerpt, ground=GROUND)
    with pytest.raises(registry.SecrecyReviewRequired, match=re.escape(excerpt.reference)):
        decisions.dispatch_retry(actor=registrar, decision=decision)
    assert decision.recipients.get(name="FABS AB").state == DecisionRecipient.State.FAILED
    assert decisions.dispatch_retry(actor=registrar, decision=decision, secrecy_review_reason=REASON) == 1
    assert decision.recipients.get(name="FABS AB").state == DecisionRecipient.State.SENT
    [event] = _reviews(decision.case)
    assert event.data["decision"] == decision.pk and event.data["reason"] == REASON
    assert event.data["where"] == f"Expediering av {decision.reference} till FABS AB"


def test_inside_the_organisation_a_retry_asks_nothing(org, registrar, dispatched):
    decision, excerpt = dispatched
    bun = decision.recipients.get(name="Barn- och ungdomsnämnden")
    DecisionRecipient.objects.filter(pk=bun.pk).update(state=DecisionRecipient.State.FAILED)
    DecisionRecipient.objects.filter(name="FABS AB").update(state=DecisionRecipient.State.SENT)
    registry.document_mark_secret(actor=registrar, document=excerpt, ground=GROUND)
    assert decisions.dispatch_retry(actor=registrar, decision=decision) == 1
    assert not _reviews(decision.case)


# --- the history ----------------------------------------------------------------------------
def test_staff_read_the_reason_in_the_history_and_the_public_only_that_a_review_was_made(org, registrar, case,
                                                                                         secret):
    _round(registrar, case, [_file(secret)], secrecy_review_reason=REASON)
    [staff] = [e for e in registry_selectors.case_events(user=f.user(org, Role.READER), case=case)
               if e.kind == REVIEWED]
    assert REASON in staff.details and secret.reference in staff.details and GROUND in staff.details
    [public] = [e for e in registry_selectors.case_events(user=AnonymousUser(), case=case) if e.kind == REVIEWED]
    assert public.label == "Sekretessprövning inför utlämnande" and public.details == ""


def test_the_history_page_shows_the_reason_to_staff_only(client, registrar, case, secret):
    _round(registrar, case, [_file(secret)], secrecy_review_reason=REASON)
    url = reverse("registry:case_history", args=[case.pk])
    html = client.get(url).content.decode()
    assert "Sekretessprövning inför utlämnande" in html and REASON not in html
    client.force_login(registrar)
    assert REASON in client.get(url).content.decode()


# --- web forms ------------------------------------------------------------------------------
def _warning(html: str) -> tuple[str, str]:
    match = re.search(r'<div class="error-summary secrecy-review" id="([^"]+)" role="alert">(.*?)</div>', html,
                      re.S)
    assert match, "no secrecy review warning on the page"
    return match.group(1), match.group(2)


def _asks_for_the_reason(html: str, document) -> None:
    box_id, box = _warning(html)
    assert "Sekretessprövning krävs" in box
    assert f"{document.reference}: Handlingen är sekretessmarkerad ({GROUND})." in box
    textarea = re.search(r"<textarea[^>]*name=\"secrecy_review_reason\"[^>]*>", html).group(0)
    assert "required" in textarea and box_id in re.search(r'aria-describedby="([^"]+)"', textarea).group(1)
    field_id = re.search(r'\sid="([^"]+)"', textarea).group(1)
    assert f'<label for="{field_id}">Skäl för att lämna ut (sekretessprövning)</label>' in html


def test_the_remiss_form_warns_and_goes_through_with_a_reason(client, registrar, case, secret):
    client.force_login(registrar)
    url = reverse("remiss:round_create", args=[case.pk])
    form = client.get(url).content.decode()
    assert "secrecy_review_reason" not in form  # nothing to review yet: no nagging
    data = {
        "title": "Remiss av riktlinjer", "letter": "Vi önskar era synpunkter.",
        "deadline": (dt.date.today() + dt.timedelta(days=40)).isoformat(),
        "external": "Föreningen Sambruk; info@sambruk.se", "files": [str(_file(secret).pk)],
        "dispatch_mode": "per_recipient", "reminder_days_before": 7, "grace_days": 30,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    _asks_for_the_reason(response.content.decode(), secret)
    assert not RemissRound.objects.exists()
    response = client.post(url, {**data, "secrecy_review_reason": REASON})
    assert response.status_code == 302
    assert _reviews(case)[0].data["round"] == RemissRound.objects.get().pk


def test_sending_a_round_whose_file_became_secret_asks_for_the_reason_on_its_own_page(client, registrar, case,
                                                                                      public):
    round_ = _round(registrar, case, [_file(public)])
    registry.document_mark_secret(actor=registrar, document=public, ground=GROUND)
    client.force_login(registrar)
    url = reverse("remiss:round_send", args=[round_.pk])
    response = client.post(url)
    assert response.status_code == 400
    html = response.content.decode()
    _asks_for_the_reason(html, public)
    assert "Skicka remissen" in html
    round_.refresh_from_db()
    assert round_.status == RemissRound.Status.DRAFT
    response = client.post(url, {"secrecy_review_reason": REASON})
    assert response.status_code == 302 and response.url == round_.get_absolute_url()
    round_.refresh_from_db()
    assert round_.status == RemissRound.Status.SENT


def test_the_agenda_form_warns_and_goes_through_with_a_reason(client, registrar, case, secret, meeting):
    client.force_login(registrar)
    url = reverse("decisions:agenda_item_add", args=[meeting.pk])
    data = {"diary_number": case.diary_number, "title": "", "documents": [str(secret.pk)]}
    response = client.post(url, data)
    assert response.status_code == 400
    _asks_for_the_reason(response.content.decode(), secret)
    assert not AgendaItem.objects.exists()
    response = client.post(url, {**data, "secrecy_review_reason": "x"})  # too short: asked again
    assert response.status_code == 400 and "minst 3 tecken" in response.content.decode()
    response = client.post(url, {**data, "secrecy_review_reason": REASON})
    assert response.status_code == 302
    assert _reviews(case)[0].data["agenda_item"] == AgendaItem.objects.get().pk


def test_the_proposal_form_asks_for_the_reason_too(client, registrar, case, secret, meeting, ks):
    report = decisions.officer_report_create(
        actor=registrar, case=case, title="Riktlinjer", addressed_to=ks, background="Bakgrund.", opinion="Bedömning.",
        proposals=[decisions.ProposalInput(organ=ks, text="Riktlinjerna antas.")], report_date=dt.date.today(),
    )
    client.force_login(registrar)
    url = reverse("decisions:proposal_to_agenda", args=[report.proposals.get().pk])
    data = {"meeting": str(meeting.pk), "documents": [str(report.document_id), str(secret.pk)]}
    response = client.post(url, data)
    assert response.status_code == 400
    _asks_for_the_reason(response.content.decode(), secret)
    response = client.post(url, {**data, "secrecy_review_reason": REASON})
    assert response.status_code == 302 and AgendaItem.objects.count() == 1


def test_the_dispatch_asks_for_the_reason_and_then_sends(client, registrar, dispatched):
    decision, excerpt = dispatched
    registry.document_mark_secret(actor=registrar, document=excerpt, ground=GROUND)
    client.force_login(registrar)
    url = reverse("decisions:decision_dispatch", args=[decision.pk])
    response = client.post(url, {"action": "retry"})
    assert response.status_code == 400
    html = response.content.decode()
    _asks_for_the_reason(html, excerpt)
    assert 'name="action" value="retry"' in html and "Försök skicka igen" in html
    assert decision.recipients.get(name="FABS AB").state == DecisionRecipient.State.FAILED
    response = client.post(url, {"action": "retry", "secrecy_review_reason": REASON})
    assert response.status_code == 302 and response.url.endswith("#expediering")
    assert decision.recipients.get(name="FABS AB").state == DecisionRecipient.State.SENT


# --- API ----------------------------------------------------------------------------------
def test_the_api_answers_422_naming_the_field_then_creates_with_the_reason(client, registrar, case, public, secret):
    auth = bearer(token_for(registrar))
    body = {
        "title": "Remiss av riktlinjer", "letter": "Vi önskar era synpunkter.",
        "deadline": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
        "recipients": [{"name": "Föreningen Sambruk", "email": "info@sambruk.se"}],
        "files": [_file(public).pk, _file(secret).pk],
    }
    refused = post_json(client, f"/api/cases/{case.pk}/remiss", body, **auth)
    assert refused.status_code == 422
    error = refused.json()
    assert set(error) == {"detail", "errors"} and secret.reference in error["detail"]
    assert any(secret.reference in m for m in error["errors"]["secrecy_review_reason"])
    assert not RemissRound.objects.exists()
    created = post_json(client, f"/api/cases/{case.pk}/remiss", {**body, "secrecy_review_reason": REASON}, **auth)
    assert created.status_code == 201, created.json()
    assert _reviews(case)[0].data["round"] == created.json()["id"]


def test_the_api_sends_a_round_whose_file_became_secret_only_with_the_reason(client, registrar, case, public):
    round_ = _round(registrar, case, [_file(public)])
    registry.document_mark_secret(actor=registrar, document=public, ground=GROUND)
    auth = bearer(token_for(registrar))
    refused = client.post(f"/api/remiss/{round_.pk}/send", **auth)
    assert refused.status_code == 422 and "secrecy_review_reason" in refused.json()["errors"]
    sent = post_json(client, f"/api/remiss/{round_.pk}/send", {"secrecy_review_reason": REASON}, **auth)
    assert sent.status_code == 200 and sent.json()["status"] == "sent"


def test_the_api_puts_secret_supporting_documents_on_the_agenda_only_with_the_reason(client, registrar, case,
                                                                                     public, secret, meeting):
    auth = bearer(token_for(registrar))
    url = f"/api/meetings/{meeting.pk}/items"
    body = {"case": case.pk, "documents": [public.pk, secret.pk]}
    refused = post_json(client, url, body, **auth)
    assert refused.status_code == 422 and "secrecy_review_reason" in refused.json()["errors"]
    assert not AgendaItem.objects.exists()
    too_long = post_json(client, url, {**body, "secrecy_review_reason": "x" * 2001}, **auth)
    assert too_long.status_code == 422 and "secrecy_review_reason" in too_long.json()["errors"]
    created = post_json(client, url, {**body, "secrecy_review_reason": REASON}, **auth)
    assert created.status_code == 201 and len(created.json()["documents"]) == 2
    # A public document alone: no question, no reason.
    assert post_json(client, url, {"case": case.pk, "documents": [public.pk]}, **auth).status_code == 201


def test_the_api_retries_a_dispatch_of_a_secret_excerpt_only_with_the_reason(client, registrar, dispatched):
    decision, excerpt = dispatched
    registry.document_mark_secret(actor=registrar, document=excerpt, ground=GROUND)
    auth = bearer(token_for(registrar))
    url = f"/api/decisions/{decision.pk}/dispatch/retry"
    refused = client.post(url, **auth)
    assert refused.status_code == 422 and "secrecy_review_reason" in refused.json()["errors"]
    retried = post_json(client, url, {"secrecy_review_reason": REASON}, **auth)
    assert retried.status_code == 200 and retried.json() == {"count": 1}


def test_an_over_long_reason_on_the_dispatch_page_is_refused_on_its_field(client, registrar, dispatched):
    decision, excerpt = dispatched
    registry.document_mark_secret(actor=registrar, document=excerpt, ground=GROUND)
    client.force_login(registrar)
    response = client.post(reverse("decisions:decision_dispatch", args=[decision.pk]),
                           {"action": "retry", "secrecy_review_reason": "x" * 2001})
    assert response.status_code == 400 and "Högst 2000 tecken" in response.content.decode()
    assert decision.recipients.get(name="FABS AB").state == DecisionRecipient.State.FAILED
    assert not _reviews(decision.case)
