"""The written decision on a request for a public document that is refused,
or granted only in part (OSL 6 kap. 7 §): the decision, its legal ground and
reasons, who decided and when, and how to appeal to the kammarrätt (OSL
6 kap. 8 §; förvaltningslagen 43–45 §§), as a tagged PDF/A the register keeps
as an outgoing document on the case.

The letter names neither the requester nor their contact details, and never
the words that were removed: it becomes a document of the case, which the
public may read, and asking anonymously is a right (TF 2 kap. 18 §).
WeasyPrint renders it from registry/pdf/copy_decision.html and fetches
nothing (only data: URLs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

TEMPLATE = "registry/pdf/copy_decision.html"
PDF_VARIANT = "pdf/a-3a"  # tagged, with /Lang and structure, as the register's other drawn-up documents


@dataclass(frozen=True)
class DecisionLetter:
    """What the letter says."""

    organisation: str
    organ: str
    diary_number: str
    reference: str  # the document asked for
    document_description: str
    received_at: dt.datetime
    outcome: str  # CopyRequest.Outcome: "partial" or "refused"
    legal_ground: str
    reasoning: str
    withheld_pages: tuple[int, ...]
    redacted_places: int  # how many places the copy has text removed in
    decider: str
    decider_title: str
    decided_at: dt.datetime


def letter_html(letter: DecisionLetter) -> str:
    return render_to_string(TEMPLATE, {
        "letter": letter, "decided_on": timezone.localtime(letter.decided_at).date(),
        "received_on": timezone.localtime(letter.received_at).date(),
        "partial": letter.outcome == "partial",
    })


def letter_pdf(letter: DecisionLetter) -> bytes:
    """The letter as PDF/A bytes."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=letter_html(letter), url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf(
        pdf_variant=PDF_VARIANT)
