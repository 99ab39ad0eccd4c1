"""Disposal (gallring) reaches the copies of a document's content that other
parts of the register keep: the text of the e-mail it was registered from
(the inbox) and the phrases cut from a copy released in part (a request for
public documents). What was decided stays; the content goes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from diarium.intake import services as intake
from diarium.intake.models import IntakeItem
from diarium.registry import services
from diarium.registry.services.disposal import document_files_dispose
from diarium.registry.models import CopyRequest

from . import factories as f
from .test_copy_requests import SECRET_NAME, SECRET_NUMBER, _record, case, decider, document  # noqa: F401
from .test_intake_web import SENDER, eml

pytestmark = pytest.mark.django_db

RULE = "1.1.1 Ansökningar: gallras 2 år efter att ärendet avslutats"
DECISION = "KS 2026-11-20 § 12, dnr 2026.40 KS"


def _dispose(registrar, document, capture):  # noqa: F811
    services.case_close(actor=registrar, case=document.case)
    with capture(execute=True):
        return document_files_dispose(actor=registrar, document=document, rule_text=RULE,
                                               decision_text=DECISION)


def test_the_inbox_forgets_the_text_of_a_message_whose_document_is_disposed_of(
        org, ks, registrar, django_capture_on_commit_callbacks):
    body = f"Parken ska vara kvar. Mitt personnummer är 19121212-1212. Hälsningar {SENDER}"
    item = intake.message_upload(actor=registrar, organisation_id=org.pk,
                                 upload=SimpleUploadedFile("x.eml", eml(body=body)))
    with f.on_day("2026-11-30"):
        document = intake.item_register(actor=registrar, item=item, organ=ks, title="Stadsparken",
                                        description="Synpunkt", counterpart=SENDER,
                                        document_date=dt.date(2026, 11, 30))
    assert "19121212-1212" in IntakeItem.objects.get(pk=item.pk).body

    _dispose(registrar, document, django_capture_on_commit_callbacks)

    item.refresh_from_db()
    assert item.body == "" and item.document == document  # the entry and its link stay
    assert item.sender_name == SENDER  # what the register shows of the document stays


def test_a_decided_request_keeps_its_decision_but_not_the_phrases_cut_from_the_copy(
        client, registrar, decider, document, django_capture_on_commit_callbacks):  # noqa: F811
    request = _record(document)
    services.copy_request_decide(actor=decider, request=request, outcome="partial", legal_ground="OSL 21 kap. 1 §",
                                 reasoning="Uppgifterna rör en enskilds hälsa.",
                                 phrases=[SECRET_NAME, SECRET_NUMBER], pages=[2])
    request.refresh_from_db()
    assert request.sent_at is not None and SECRET_NAME in request.redaction["phrases"]

    _dispose(registrar, document, django_capture_on_commit_callbacks)

    request = CopyRequest.objects.get(pk=request.pk)
    assert request.outcome == "partial" and request.legal_ground == "OSL 21 kap. 1 §"
    assert request.redaction["pages"] == [2] and request.redaction["phrases"] == []
    assert request.redaction["phrases_disposed"] == 2
    client.force_login(registrar)
    page = client.get(reverse("registry:copy_request_detail", args=[request.pk])).content.decode()
    assert "2 uppgifter, gallrade med handlingen" in page
    assert SECRET_NAME not in page and SECRET_NUMBER not in page
