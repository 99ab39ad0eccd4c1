"""Documents leaving the organisation: on a remiss, as supporting documents of
an agenda, or dispatched to outside recipients. Those that need a secrecy
review ("sekretessprövning", the rule is access.release_concerns) go only with
the user's reason, and the history records who let them go, when, why and
where to. The services of remiss and decisions call these in their own
transaction: release_review before they write, release_record with the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

from .. import access
from ..history import event_append
from ..models import SECRECY_REVIEW_REASON_MAX, SECRECY_REVIEW_REASON_MIN, Case, Document, Event

SECRECY_REVIEW_FIELD = "secrecy_review_reason"


class SecrecyReviewRequired(DomainError):
    """Documents would leave the organisation without the secrecy review they
    need: the API answers 422, a form shows the warning and asks for the reason."""

    status_code = 422


@dataclass(frozen=True)
class ReleaseReview:
    """The outcome of the check: what needed a review (empty: nothing did) and
    the reason the user gave."""

    concerns: tuple[access.Concern, ...]
    reason: str


def release_review(
    *, documents: Iterable[Document], reason: str | None, reviewed: Collection[tuple[int, str]] = (),
) -> ReleaseReview:
    """Check documents about to leave the organisation. Those with concerns
    (less what was `reviewed` already for the same destination, as pairs of
    document id and reason code) need a reason of 3 to 2,000 characters; without
    one, SecrecyReviewRequired names each document and why, on the field
    `secrecy_review_reason`. Documents without concerns go without a word."""
    # As the database has them now, not as the caller loaded them.
    ids = [d.pk for d in documents]
    current = Document.objects.select_related("case").in_bulk(ids)
    concerns = tuple(c for c in access.release_concerns(current[pk] for pk in ids if pk in current)
                     if (c.document.pk, c.reason) not in reviewed)
    reason = (reason or "").strip()
    if not concerns:
        return ReleaseReview(concerns=(), reason="")
    if not reason:
        problem = _("Ange skäl för att lämna ut handlingarna (sekretessprövning).")
    elif len(reason) < SECRECY_REVIEW_REASON_MIN:
        problem = _("Skälet för att lämna ut handlingarna ska vara minst %(n)s tecken.") % {
            "n": SECRECY_REVIEW_REASON_MIN}
    elif len(reason) > SECRECY_REVIEW_REASON_MAX:
        problem = _("Skälet för att lämna ut handlingarna får vara högst %(n)s tecken.") % {
            "n": SECRECY_REVIEW_REASON_MAX}
    else:
        return ReleaseReview(concerns=concerns, reason=reason)
    lines = [_("%(ref)s: %(why)s") % {"ref": c.document.reference, "why": c.message} for c in concerns]
    message = _("Sekretessprövning krävs innan handlingarna lämnar organisationen. %(documents)s %(problem)s") % {
        "documents": " ".join(lines), "problem": problem}
    raise SecrecyReviewRequired(message, errors={SECRECY_REVIEW_FIELD: [*lines, problem]})


def release_record(
    *, actor, case: Case, review: ReleaseReview, where: str, destination: dict, at: dt.datetime | None = None,
) -> Event | None:
    """Append the secrecy review to the case history: the documents and why they
    needed it, the reason, and where they went (`where` in words for staff,
    `destination` as ids, e.g. {"round": 12}). Nothing when nothing needed one."""
    if not review.concerns:
        return None
    return event_append(case=case, kind=Event.Kind.SECRECY_REVIEWED, actor=actor, at=at, data={
        **destination,
        "where": where,
        "reason": review.reason,
        "documents": [{"id": c.document.pk, "reference": c.document.reference, "concern": c.reason,
                       "message": c.message} for c in review.concerns],
    })


def releases_reviewed(*, case: Case, destination: dict) -> set[tuple[int, str]]:
    """What was already reviewed for a destination (e.g. {"round": 12}): pairs of
    document id and reason code, as release_review's `reviewed`."""
    events = Event.objects.filter(case=case, kind=Event.Kind.SECRECY_REVIEWED,
                                  **{f"data__{key}": value for key, value in destination.items()})
    return {(d.get("id"), d.get("concern")) for data in events.values_list("data", flat=True)
            for d in (data or {}).get("documents", [])}
