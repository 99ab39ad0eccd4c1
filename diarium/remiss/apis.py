"""Remiss rounds over JSON: thin endpoints over services and selectors.

The round is a public record: anyone who may read the case reads its rounds
(drafts only those who run them). E-mail addresses and delivery errors are
shown only to those who run the round; the summary of an answer is hidden
when the answer document itself is masked for the caller.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from diarium.accounts import selectors as people
from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS as API_ERRORS
from diarium.core.api.errors import ErrorOut
from diarium.core.api.types import Id
from diarium.core.errors import DomainError, NotFound
from diarium.core.lookups import referenced
from diarium.core.limits import IsoDate, PastIsoDate
from diarium.registry import access as registry_access
from diarium.registry import selectors as registry
from diarium.registry.schemas import PARTY_KIND_DESCRIPTION, DocumentOut, PartyKindIn, SecrecyReviewReason
from diarium.registry.files import file_response

from . import selectors, services
from .models import (
    ANSWER_TEXT_MAX,
    ANSWERED_BY_MAX,
    ASSESSMENT_MAX,
    DECISION_REF_MAX,
    EXTEND_REASON_MAX,
    LETTER_MAX,
    RECIPIENT_NAME_MAX,
    TITLE_MAX,
    RemissRound,
)

router = Router(tags=["Remiss"])

ERRORS = {**API_ERRORS, 410: ErrorOut}

RoundStatus = Literal["draft", "sent", "closed"]
DispatchMode = Literal["per_recipient", "list"]
RecipientStatus = Literal["draft", "queued", "failed", "sent", "reminded", "answered", "declined", "late", "no_answer"]
Consideration = Literal["", "accepted", "partly", "not_accepted", "noted"]


# --- schemas ------------------------------------------------------------------------------
class RecipientIn(Schema):
    """An organ by id (its name and e-mail are used), or a name and e-mail."""

    organ: Id | None = None
    name: str = Field("", max_length=RECIPIENT_NAME_MAX)
    email: str = Field("", max_length=254)
    kind: PartyKindIn = Field("auto", description="För en remissinstans som anges med namn: " + PARTY_KIND_DESCRIPTION
                              + " Ett organ är aldrig en privatperson.")


class RoundIn(Schema):
    title: str = Field(max_length=TITLE_MAX)
    letter: str = Field(max_length=LETTER_MAX)
    deadline: IsoDate
    recipients: list[RecipientIn]
    files: list[Id] = Field(description="Ids of the file versions to send (see the case's documents).")
    ordered_by: str = Field("", max_length=DECISION_REF_MAX, description='E.g. "KSAU 2018-02-28 § 8".')
    dispatch_mode: DispatchMode = "per_recipient"
    reminder_days_before: int = Field(7, ge=0, le=60)
    grace_days: int = Field(30, ge=0, le=365)
    secrecy_review_reason: SecrecyReviewReason = ""


class DeadlineOut(Schema):
    deadline: dt.date
    set_at: dt.datetime
    reason: str
    decision_ref: str


class RecipientOut(Schema):
    id: int
    position: int
    name: str = Field(description="Remissinstansens namn; \"Privatperson\" för en privatperson, utom för läsare som "
                                  "får läsa ärendets interna uppgifter.")
    is_private: bool = Field(description="Remissinstansen är en privatperson, vars namn allmänheten inte ser.")
    kind: PartyKindIn | None = Field(description="Vad som angavs om remissinstansen; bara för dem som sköter remissen.")
    organ_id: int | None
    email: str | None = Field(description="Only for those who run the round.")
    status: RecipientStatus
    status_label: str
    deadline: dt.date
    deadlines: list[DeadlineOut]
    sent_at: dt.datetime | None
    dispatch_error: str | None
    reminder_count: int
    answered_at: dt.datetime | None
    late: bool
    declined: bool
    answer_document_id: int | None
    answer_reference: str | None
    answer_decision: str
    summary: str | None
    consideration: Consideration | None
    consideration_comment: str | None


class RoundFileOut(Schema):
    id: int
    document_id: int
    reference: str
    filename: str
    version: int
    download_url: str


class ChangeOut(Schema):
    position: int
    description: str
    recipient_ids: list[int]


class CountOut(Schema):
    status: RecipientStatus
    label: str
    count: int


class RoundListItem(Schema):
    id: int
    case_id: int
    title: str
    status: RoundStatus
    deadline: dt.date
    ordered_by: str
    sent_at: dt.datetime | None
    recipients: int
    answered: int
    declined: int


class RoundOut(Schema):
    id: int
    case_id: int
    diary_number: str
    title: str
    letter: str
    deadline: dt.date
    ordered_by: str
    dispatch_mode: DispatchMode
    status: RoundStatus
    status_label: str
    reminder_days_before: int
    grace_days: int
    created_at: dt.datetime
    sent_at: dt.datetime | None
    closed_at: dt.datetime | None
    files: list[RoundFileOut]
    counts: list[CountOut]
    recipients: list[RecipientOut]
    compilation_document_id: int | None
    revised_file: RoundFileOut | None
    revision_note: str
    changes: list[ChangeOut]


class SendIn(Schema):
    secrecy_review_reason: SecrecyReviewReason = ""


class RecipientsIn(Schema):
    recipients: list[Id] | None = Field(None, description="Recipient ids; empty or null for everyone.")


class ExtendIn(RecipientsIn):
    deadline: IsoDate
    reason: str = Field(max_length=EXTEND_REASON_MAX)
    decision_ref: str = Field("", max_length=DECISION_REF_MAX)


class AssessmentIn(Schema):
    summary: str = Field("", max_length=ASSESSMENT_MAX)
    consideration: Consideration = ""
    comment: str = Field("", max_length=ASSESSMENT_MAX)


class CountResult(Schema):
    count: int


class AnswerIn(Schema):
    text: str = Field("", max_length=ANSWER_TEXT_MAX)
    decision_ref: str = Field("", max_length=DECISION_REF_MAX)
    declined: bool = False


class InsideAnswerIn(AnswerIn):
    received_on: PastIsoDate | None = None


class LinkAnswerIn(AnswerIn):
    answered_by: str = Field("", max_length=ANSWERED_BY_MAX)


class AnswerPageOut(Schema):
    recipient: str
    organisation: str
    diary_number: str
    title: str
    letter: str
    ordered_by: str
    deadline: dt.date
    valid_until: dt.date
    readable_until: dt.date = Field(description="Sista dagen länken fungerar sedan svaret lämnats.")
    files: list[RoundFileOut]
    answered_at: dt.datetime | None
    late: bool
    declined: bool
    answer_reference: str | None


# --- serialising ---------------------------------------------------------------------------
def _file_out(version, *, url: str) -> dict:
    return {"id": version.pk, "document_id": version.document_id,
            "reference": f"{version.document.case.diary_number}-{version.document.number}",
            "filename": version.filename, "version": version.version, "download_url": url}


def _round_out(user, round_: RemissRound) -> dict:
    view = selectors.round_view(user=user, round_=round_)
    managing = view.can_manage
    scanners: dict = {}

    def text(value):  # free text staff wrote, as this reader sees it
        return registry_access.free_text_shown(value, read_internal=managing, organisation_id=round_.organisation_id,
                                               scanners=scanners)

    recipients = []
    for row in view.rows:
        r = row.recipient
        visible = row.assessment_visible
        recipients.append({
            "id": r.pk, "position": r.position, "name": row.name, "is_private": r.is_private,
            "kind": r.kind if managing else None, "organ_id": r.organ_id,
            "email": r.email if managing else None, "status": row.status, "status_label": row.status_label,
            "deadline": r.deadline,
            "deadlines": [{"deadline": d.deadline, "set_at": d.set_at, "reason": text(d.reason),
                           "decision_ref": d.decision_ref} for d in row.deadlines],
            "sent_at": r.sent_at, "dispatch_error": r.dispatch_error if managing else None,
            "reminder_count": r.reminder_count, "answered_at": r.answered_at, "late": r.late,
            "declined": r.declined, "answer_document_id": row.answer.id if row.answer else None,
            "answer_reference": row.answer.reference if row.answer else None,
            "answer_decision": r.answer_decision,
            "summary": text(r.summary) if visible else None,
            "consideration": r.consideration if visible else None,
            "consideration_comment": text(r.consideration_comment) if visible else None,
        })
    def url(v):
        return reverse("api:file_content", args=[v.pk])

    return {
        "id": round_.pk, "case_id": round_.case_id, "diary_number": round_.case.diary_number,
        "title": round_.title, "letter": round_.letter, "deadline": round_.deadline, "ordered_by": round_.ordered_by,
        "dispatch_mode": round_.dispatch_mode, "status": round_.status,
        "status_label": str(round_.get_status_display()), "reminder_days_before": round_.reminder_days_before,
        "grace_days": round_.grace_days, "created_at": round_.created_at, "sent_at": round_.sent_at,
        "closed_at": round_.closed_at,
        "files": [_file_out(v, url=url(v)) for v in view.file_versions],
        "counts": [{"status": key, "label": label, "count": n} for key, label, n in view.counts],
        "recipients": recipients,
        "compilation_document_id": view.compilation.id if view.compilation else None,
        "revised_file": _file_out(view.revised_file, url=url(view.revised_file)) if view.revised_file else None,
        "revision_note": round_.revision_note,
        "changes": [{"position": c.position, "description": c.description,
                     "recipient_ids": [r.pk for r in c.recipients.all()]} for c in view.changes],
    }


def _round(request, round_id: int) -> RemissRound:
    return selectors.round_get(user=actor(request), pk=round_id)


def _fresh(request, round_id: int) -> dict:
    user = actor(request)
    return _round_out(user, selectors.round_get(user=user, pk=round_id))


def _recipient(round_: RemissRound, recipient_id: int):
    recipient = round_.recipients.select_related("round", "round__case", "organ").filter(pk=recipient_id).first()
    if recipient is None:
        raise NotFound(_("Remissinstansen finns inte."))
    return recipient


# --- rounds ------------------------------------------------------------------------------------
@router.get("/cases/{case_id}/remiss", response={200: list[RoundListItem], **ERRORS}, auth=PUBLIC_READ,
            url_name="remiss_list")
def round_list(request, case_id: Id):
    """The case's remiss rounds with counts of answers."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    summaries = selectors.round_summaries(selectors.rounds_for_case(user=user, case=case),
                                          today=timezone.localdate())
    return [{
        "id": s.round.pk, "case_id": case.pk, "title": s.round.title, "status": s.round.status,
        "deadline": s.round.deadline, "ordered_by": s.round.ordered_by, "sent_at": s.round.sent_at,
        "recipients": s.recipients, "answered": s.answered, "declined": s.declined,
    } for s in summaries]


@router.post("/cases/{case_id}/remiss", response={201: RoundOut, **ERRORS}, auth=WRITE, url_name="remiss_create")
def round_create(request, case_id: Id, payload: RoundIn):
    """Prepare a round (a draft). Nothing is sent until POST …/send."""
    user = actor(request)
    case = registry.case_get(user=user, pk=case_id)
    versions = {v.pk: v for v in selectors.round_file_candidates(case=case, ids=payload.files)}
    missing = [pk for pk in payload.files if pk not in versions]
    if missing:
        raise DomainError(_("Filen %(id)s hör inte till ärendet.") % {"id": missing[0]}, field="files")
    recipients = []
    for item in payload.recipients:
        organ = None
        if item.organ is not None:
            organ = referenced(lambda pk=item.organ: people.organ_get(pk=pk), "recipients")
        recipients.append(services.RecipientInput(organ=organ, name=item.name, email=item.email, kind=item.kind))
    round_ = services.remiss_create(
        actor=user, case=case, title=payload.title, letter=payload.letter, deadline=payload.deadline,
        recipients=recipients, files=[versions[pk] for pk in payload.files], ordered_by=payload.ordered_by,
        dispatch_mode=payload.dispatch_mode, reminder_days_before=payload.reminder_days_before,
        grace_days=payload.grace_days, secrecy_review_reason=payload.secrecy_review_reason,
    )
    return Status(201, _fresh(request, round_.pk))


@router.get("/remiss/{round_id}", response={200: RoundOut, **ERRORS}, auth=PUBLIC_READ, url_name="remiss_detail")
def round_detail(request, round_id: Id):
    """A round with every recipient's status, deadlines (extensions included) and answer."""
    return _fresh(request, round_id)


@router.delete("/remiss/{round_id}", response={204: None, **ERRORS}, auth=WRITE, url_name="remiss_discard")
def round_discard(request, round_id: Id):
    """Remove a draft that was never sent (a sent round can only be closed)."""
    services.remiss_discard(actor=actor(request), round=_round(request, round_id))
    return Status(204, None)


@router.post("/remiss/{round_id}/send", response={200: RoundOut, **ERRORS}, auth=WRITE, url_name="remiss_send")
def round_send(request, round_id: Id, payload: SendIn | None = None):
    """Send the round: the dispatch is registered and one e-mail per recipient is queued.
    A file marked secret since the round was prepared needs `secrecy_review_reason` (else 422)."""
    services.remiss_send(actor=actor(request), round=_round(request, round_id),
                         secrecy_review_reason=payload.secrecy_review_reason if payload else "")
    return _fresh(request, round_id)


@router.post("/remiss/{round_id}/retry", response={200: CountResult, **ERRORS}, auth=WRITE,
             url_name="remiss_retry")
def round_retry(request, round_id: Id):
    """Queue again the e-mails that could not be sent."""
    return {"count": services.remiss_retry(actor=actor(request), round=_round(request, round_id))}


@router.post("/remiss/{round_id}/remind", response={200: CountResult, **ERRORS}, auth=WRITE,
             url_name="remiss_remind")
def round_remind(request, round_id: Id, payload: RecipientsIn):
    """Remind now: those chosen (or all) who have not answered."""
    return {"count": services.remiss_remind(actor=actor(request), round=_round(request, round_id),
                                            recipient_ids=payload.recipients or None)}


@router.post("/remiss/{round_id}/extend", response={200: RoundOut, **ERRORS}, auth=WRITE,
             url_name="remiss_extend")
def round_extend(request, round_id: Id, payload: ExtendIn):
    """Extend the deadline for all recipients who have not answered, or the chosen ones."""
    services.remiss_extend(actor=actor(request), round=_round(request, round_id), deadline=payload.deadline,
                           reason=payload.reason, decision_ref=payload.decision_ref,
                           recipient_ids=payload.recipients or None)
    return _fresh(request, round_id)


@router.post("/remiss/{round_id}/close", response={200: RoundOut, **ERRORS}, auth=WRITE, url_name="remiss_close")
def round_close(request, round_id: Id):
    services.remiss_close(actor=actor(request), round=_round(request, round_id))
    return _fresh(request, round_id)


@router.post("/remiss/{round_id}/recipients/{recipient_id}/answer", response={201: RoundOut, **ERRORS},
             auth=WRITE, url_name="remiss_answer_inside")
def answer_inside(request, round_id: Id, recipient_id: Id, form: Form[InsideAnswerIn],
                  files: File[list[UploadedFile]] = None):
    """Register an answer inside the system (multipart/form-data), by the answering
    organ's staff or by the registrar with the date it came in."""
    round_ = _round(request, round_id)
    services.remiss_answer_inside(
        actor=actor(request), recipient=_recipient(round_, recipient_id), files=files or [], text=form.text,
        decision_ref=form.decision_ref, declined=form.declined, received_on=form.received_on,
    )
    return Status(201, _fresh(request, round_id))


@router.post("/remiss/{round_id}/recipients/{recipient_id}/revoke-link", response={200: RoundOut, **ERRORS},
             auth=WRITE, url_name="remiss_revoke_link")
def revoke_link(request, round_id: Id, recipient_id: Id):
    round_ = _round(request, round_id)
    services.remiss_revoke_link(actor=actor(request), recipient=_recipient(round_, recipient_id))
    return _fresh(request, round_id)


@router.post("/remiss/{round_id}/recipients/{recipient_id}/new-link", response={200: RoundOut, **ERRORS},
             auth=WRITE, url_name="remiss_new_link")
def new_link(request, round_id: Id, recipient_id: Id):
    """Replace the recipient's answer link with a new one and e-mail it."""
    round_ = _round(request, round_id)
    services.remiss_new_link(actor=actor(request), recipient=_recipient(round_, recipient_id))
    return _fresh(request, round_id)


@router.put("/remiss/{round_id}/recipients/{recipient_id}/assessment", response={200: RoundOut, **ERRORS},
            auth=WRITE, url_name="remiss_assess")
def assess(request, round_id: Id, recipient_id: Id, payload: AssessmentIn):
    """The office's summary and consideration ("beaktande") of one answer."""
    round_ = _round(request, round_id)
    services.remiss_assess(actor=actor(request), recipient=_recipient(round_, recipient_id),
                           summary=payload.summary, consideration=payload.consideration, comment=payload.comment)
    return _fresh(request, round_id)


@router.post("/remiss/{round_id}/compilation", response={201: DocumentOut, **ERRORS}, auth=WRITE,
             url_name="remiss_compile")
def compile_round(request, round_id: Id):
    """Draw up the compilation as a document on the case (again: a new version)."""
    user = actor(request)
    document = services.remiss_compile(actor=user, round=_round(request, round_id))
    return Status(201, registry.document_entry(user=user, document=document))


@router.post("/remiss/{round_id}/revision", response={201: RoundOut, **ERRORS}, auth=WRITE,
             url_name="remiss_revise")
def revise(request, round_id: Id, file: File[UploadedFile], consulted: Form[int], note: Form[str] = "",
           changes: Form[str] = "[]"):
    """Register the revised version of a consulted file (multipart/form-data).
    `changes` is a JSON list of {"description": …, "recipient_ids": […]}."""
    round_ = _round(request, round_id)
    try:
        parsed = json.loads(changes or "[]")
        change_inputs = [services.ChangeInput(str(c.get("description", "")), [int(i) for i in c.get("recipient_ids", [])])
                         for c in parsed]
    except (ValueError, TypeError, AttributeError) as exc:
        raise DomainError(_("Ändringarna ska vara en JSON-lista med description och recipient_ids."),
                          field="changes") from exc
    version = round_.files.select_related("document", "document__case").filter(pk=consulted).first()
    if version is None:
        raise DomainError(_("Välj en av remisshandlingarna."), field="consulted")
    services.remiss_revise(actor=actor(request), round=round_, consulted=version, upload=file, note=note,
                           changes=change_inputs)
    return Status(201, _fresh(request, round_id))


# --- the personal answer link -----------------------------------------------------------
def _answer_page(token: str, recipient) -> dict:
    round_ = recipient.round
    return {
        "recipient": recipient.name, "organisation": round_.organisation.name,
        "diary_number": round_.case.diary_number, "title": round_.title, "letter": round_.letter,
        "ordered_by": round_.ordered_by, "deadline": recipient.deadline,
        "valid_until": services.link_valid_until(recipient),
        "readable_until": services.link_readable_until(recipient),
        "files": [_file_out(v, url=reverse("api:remiss_link_file", args=[token, v.pk]))
                  for v in selectors.answer_page_files(recipient)],
        "answered_at": recipient.answered_at, "late": recipient.late, "declined": recipient.declined,
        "answer_reference": (f"{round_.case.diary_number}-{recipient.answer_document.number}"
                             if recipient.answer_document_id else None),
    }


def _link_recipient(token: str):
    return services.recipient_for_token(token)


@router.get("/remissvar/{token}", response={200: AnswerPageOut, **ERRORS}, auth=None, url_name="remiss_link")
def link_page(request, token: str):
    """What the personal link shows: the round, the documents and the answer if given."""
    return _answer_page(token, _link_recipient(token))


@router.post("/remissvar/{token}", response={201: AnswerPageOut, **ERRORS}, auth=None,
             url_name="remiss_link_answer")
def link_answer(request, token: str, form: Form[LinkAnswerIn], files: File[list[UploadedFile]] = None):
    """Answer through the personal link, without an account (multipart/form-data).
    The answer is registered on the case at once as an incoming document."""
    recipient = services.remiss_answer_by_link(
        token=token, files=files or [], text=form.text, decision_ref=form.decision_ref,
        answered_by=form.answered_by, declined=form.declined,
    )
    return Status(201, _answer_page(token, recipient))


@router.get("/remissvar/{token}/files/{file_id}", response={200: None, **ERRORS}, auth=None,
            url_name="remiss_link_file")
def link_file(request, token: str, file_id: Id):
    version = selectors.answer_file(_link_recipient(token), file_id)
    return file_response(version.blob, version.filename)
