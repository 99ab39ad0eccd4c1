"""Deciding a request for a public document: released (the copy is the
document's file), released in part (a redacted copy, registry.redaction) or
refused. A refusal, or a release in part, is a written decision the requester
can appeal (OSL 6 kap. 7 §), registered as an outgoing document on the case
(copy_decision_letter). The answer then goes to the requester: by e-mail with
the copy and the decision attached (a task) when the contact is an e-mail
address; otherwise it is to be posted, or fetched by an anonymous requester
who left no contact, and staff mark it sent (copies.copy_request_mark_sent).

The copy is made from the document's first PDF (its current version), else
its first file of any kind (copy_source_file); a release in part needs a PDF.
A document without files is released on paper, outside the register."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.limits import length_errors
from diarium.core.tasks import enqueue_by_name

from .. import access, redaction
from .. import files as file_store
from ..copy_decision_letter import DecisionLetter, letter_pdf
from ..history import actor_name, event_append
from ..models import COPY_REASONING_MAX, SECRECY_GROUND_MAX, CopyRequest, Document, DocumentFile, Event, PartyKind
from ..selectors.copies import copy_source_file
from .copies import _copy_text, _locked, copy_request_delivery
from .documents import document_register, with_file_cleanup

logger = logging.getLogger("diarium.registry")

PDF = "application/pdf"
PAGES_MAX = 10_000
ANONYMOUS_COUNTERPART = "Anonym begäran"  # the decision's recipient when the requester gave no name


def _is_pdf(document_file: DocumentFile | None) -> bool:
    return document_file is not None and document_file.blob.content_type.split(";")[0].strip() == PDF


def _blob_bytes(blob) -> bytes:
    with file_store.blob_open(blob) as fh:
        return fh.read()


def _pages(values) -> tuple[list[int], list[str]]:
    """Page numbers as whole numbers, and what is wrong with them."""
    pages, bad = [], []
    for value in values or ():
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
            bad.append(str(value))
            continue
        pages.append(int(str(value).strip()))
    errors = []
    if bad:
        errors.append(_("Ange sidor som hela tal, till exempel 2 eller 5–7: %(bad)s.") % {"bad": ", ".join(bad)})
    if len(pages) > PAGES_MAX:
        errors.append(_("Högst %(n)s sidor.") % {"n": PAGES_MAX})
    return sorted(set(pages)), errors


def copy_request_decision_errors(*, request: CopyRequest, outcome: str, legal_ground: str, reasoning: str,
                                 phrases: list[str], pages: list[int], page_errors: list[str]
                                 ) -> dict[str, list[str]]:
    """What is wrong with a decision before the document is read, every problem at once."""
    errors: dict[str, list[str]] = {}
    Outcome = CopyRequest.Outcome
    if request.decided:
        errors["outcome"] = [_("Begäran är redan avgjord (%(at)s) och kan inte avgöras igen.")
                             % {"at": timezone.localtime(request.decided_at).strftime("%Y-%m-%d %H:%M")}]
    if outcome not in Outcome.values:
        errors.setdefault("outcome", []).append(
            _("Välj om handlingen lämnas ut, lämnas ut delvis eller om begäran avslås."))
    if outcome in (Outcome.PARTIAL, Outcome.REFUSED) and not legal_ground:
        errors["legal_ground"] = [_("Ange lagrum för sekretessen, till exempel ”OSL 21 kap. 7 §”. Ett beslut att "
                                    "avslå eller att lämna ut delvis ska ange vad det grundar sig på.")]
    elif outcome == Outcome.RELEASED and legal_ground:
        errors["legal_ground"] = [_("Lagrum anges bara när begäran avslås eller handlingen lämnas ut delvis.")]
    if outcome != Outcome.PARTIAL and phrases:
        errors["phrases"] = [_("Uppgifter att ta bort anges bara när handlingen lämnas ut delvis.")]
    if outcome != Outcome.PARTIAL and (pages or page_errors):
        errors["pages"] = [_("Sidor att undanta anges bara när handlingen lämnas ut delvis.")]
    elif page_errors:
        errors["pages"] = list(page_errors)
    if len(phrases) > redaction.PHRASES_MAX:
        errors.setdefault("phrases", []).append(_("Högst %(n)s uppgifter att ta bort.") % {"n": redaction.PHRASES_MAX})
    long = [p for p in phrases if len(p) > redaction.PHRASE_MAX]
    if long:
        errors.setdefault("phrases", []).append(
            _("En uppgift att ta bort får vara högst %(n)s tecken.") % {"n": redaction.PHRASE_MAX})
    for name, messages in length_errors({"legal_ground": (legal_ground, SECRECY_GROUND_MAX),
                                         "reasoning": (reasoning, COPY_REASONING_MAX)}).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def copy_request_decide(*, actor, request: CopyRequest, outcome: str, legal_ground: str = "", reasoning: str = "",
                        phrases: Sequence[str] = (), pages: Sequence[int] = (), now: dt.datetime | None = None
                        ) -> CopyRequest:
    """Decide a request (the registrar, an administrator or a case officer of
    the case's organ). `phrases` (each occurrence, case-insensitively) and
    `pages` (numbered from 1) are what a release in part removes. Refused with
    every error at once, per field, and nothing written: a refusal or a release
    in part without a legal ground; a release in part of a document without a
    PDF, of a phrase not in it, or one that would leave nothing; deciding twice;
    an unknown outcome."""
    case = request.case
    if not access.can_handle_copy_requests(actor, case):
        raise PermissionDenied(_("Du har inte behörighet att avgöra begäranden om allmänna handlingar i ärendet."))
    legal_ground = " ".join(str(legal_ground or "").split())
    reasoning = _copy_text(reasoning, single_line=False)
    phrases = redaction.phrases_clean(phrases)
    pages, page_errors = _pages(pages)
    Outcome = CopyRequest.Outcome

    def write(written: list[str]) -> CopyRequest:
        locked = _locked(request)
        errors = copy_request_decision_errors(request=locked, outcome=outcome, legal_ground=legal_ground,
                                              reasoning=reasoning, phrases=phrases, pages=pages,
                                              page_errors=page_errors)
        source = copy_source_file(locked.document)
        redacted = None
        if outcome == Outcome.PARTIAL:
            if not _is_pdf(source):
                errors.setdefault("outcome", []).append(_(
                    "Handlingen har ingen PDF-fil och kan därför inte lämnas ut delvis här. Lägg till handlingen "
                    "som PDF, eller maska en papperskopia för hand och registrera beslutet."))
            elif "phrases" not in errors and (phrases or pages or not page_errors):
                # Pages that could not be read leave the others, and the phrases, to be checked.
                try:
                    redacted = redaction.redact_pdf(_blob_bytes(source.blob), phrases=phrases, pages=pages)
                except DomainError as exc:
                    for name, messages in (exc.errors or {"outcome": [exc.message]}).items():
                        errors.setdefault(name, []).extend(messages)
        if errors:
            raise DomainError(_("Beslutet kunde inte sparas. Rätta uppgifterna och försök igen."), errors=errors)
        return _decided(actor=actor, request=locked, outcome=outcome, legal_ground=legal_ground,
                        reasoning=reasoning, source=source, redacted=redacted, now=now or timezone.now(),
                        written=written)

    return with_file_cleanup(write)


def _copy_name(request: CopyRequest, suffix: str) -> str:
    """A file name from the document's reference: "2026.12 KS-3" as "2026-12-ks-3-<suffix>.pdf"."""
    reference = f"{request.case.diary_number}-{request.document.number}".replace(".", "-").replace("/", "-")
    return f"{slugify(reference) or request.pk}-{suffix}.pdf"


def _decided(*, actor, request: CopyRequest, outcome: str, legal_ground: str, reasoning: str,
             source: DocumentFile | None, redacted: redaction.Redacted | None, now: dt.datetime,
             written: list[str]) -> CopyRequest:
    Outcome = CopyRequest.Outcome
    case, document = request.case, request.document
    reference = f"{case.diary_number}-{document.number}"
    if redacted is not None:
        filename = _copy_name(request, "delvis")
        request.copy_blob = file_store.blob_store(file_store.checked_content(filename, redacted.content, PDF),
                                                  written=written)
        request.copy_filename = filename
        request.redaction = {"phrases": sorted(redacted.hits), "pages": redacted.pages,
                             "places": sum(redacted.hits.values()), "file": source.pk, "version": source.version}
    elif outcome == Outcome.RELEASED and source is not None:
        request.copy_blob, request.copy_filename = source.blob, source.filename

    if outcome in (Outcome.PARTIAL, Outcome.REFUSED):
        request.decision_document = _decision_register(actor=actor, request=request, outcome=outcome,
                                                       legal_ground=legal_ground, reasoning=reasoning,
                                                       redacted=redacted, now=now)
    request.outcome, request.legal_ground, request.reasoning = outcome, legal_ground, reasoning
    request.decided_at, request.decided_by = now, actor if getattr(actor, "is_authenticated", False) else None
    request.delivery = copy_request_delivery(request.contact)
    request.save(update_fields=["outcome", "legal_ground", "reasoning", "redaction", "copy_blob", "copy_filename",
                                "decision_document", "decided_at", "decided_by", "delivery"])
    label = str(Outcome(outcome).label)
    decision = request.decision_document
    details = _("Begäran om kopia av %(ref)s: %(outcome)s") % {"ref": reference, "outcome": label.lower()}
    if legal_ground:
        details += f" ({legal_ground})"
    if decision is not None:
        details += ", " + _("beslut %(ref)s") % {"ref": f"{case.diary_number}-{decision.number}"}
    event_append(case=case, document=document, kind=Event.Kind.COPY_REQUEST_DECIDED, actor=actor, at=now, data={
        "number": document.number, "reference": reference, "copy_request": request.pk, "outcome": outcome,
        "outcome_label": label, "legal_ground": legal_ground,
        "decision_reference": f"{case.diary_number}-{decision.number}" if decision else "",
        "details": details,
    })
    if request.delivery == CopyRequest.Delivery.EMAIL:
        enqueue_by_name("diarium.registry.tasks.copy_request_deliver", request.pk)
    return request


def _decision_register(*, actor, request: CopyRequest, outcome: str, legal_ground: str, reasoning: str,
                       redacted: redaction.Redacted | None, now: dt.datetime) -> Document:
    """Draw up the written decision and register it as an outgoing document on
    the case, to the requester (a private person, never shown to the public)."""
    case = request.case
    person = getattr(actor, "person", None) if hasattr(actor, "person") else None
    letter = DecisionLetter(
        organisation=case.organisation.name, organ=case.organ.name, diary_number=case.diary_number,
        reference=f"{case.diary_number}-{request.document.number}",
        # The letter is a document of the case: the description as the public may read it, or none.
        document_description="" if access.mask_reason(request.document, "description", read_secret=False,
                                                       read_internal=False) else request.document.description,
        received_at=request.received_at, outcome=outcome, legal_ground=legal_ground, reasoning=reasoning,
        withheld_pages=tuple(redacted.pages) if redacted else (),
        redacted_places=sum(redacted.hits.values()) if redacted else 0,
        decider=actor_name(actor), decider_title=person.title if person else "", decided_at=now,
    )
    upload = SimpleUploadedFile(_copy_name(request, "beslut"), letter_pdf(letter), content_type=PDF)
    description = (_("Beslut om utlämnande av allmän handling %(ref)s (lämnas ut delvis)")
                   if outcome == CopyRequest.Outcome.PARTIAL
                   else _("Beslut om utlämnande av allmän handling %(ref)s (avslag)")) % {"ref": letter.reference}
    return document_register(
        actor=actor, case=case, direction=Document.Direction.OUTGOING, document_date=timezone.localtime(now).date(),
        counterpart=request.name or ANONYMOUS_COUNTERPART, counterpart_kind=PartyKind.PRIVATE,
        description=description, files=[upload], registered_at=now,
    )


# --- the answer to the requester ----------------------------------------------------------------
def _decision_file(request: CopyRequest) -> DocumentFile | None:
    if request.decision_document_id is None:
        return None
    return (DocumentFile.objects.filter(document_id=request.decision_document_id).select_related("blob")
            .order_by("position", "-version").first())


def copy_request_deliver(request_id: int, *, connection=None) -> bool:
    """E-mail the decided request's answer to the requester, with the copy and
    the written decision attached: once. The claim (sent_at) and the sending are
    one transaction, committed right after the mail server accepted the message:
    a worker that dies mid-conversation leaves no claim and the task run again
    sends it; a refusal rolls the claim back, so that staff see it was not sent;
    a second worker waits on the row and finds it sent."""
    request = (CopyRequest.objects.select_related("case", "case__organisation", "document", "copy_blob")
               .filter(pk=request_id, decided_at__isnull=False, delivery=CopyRequest.Delivery.EMAIL).first())
    if request is None or request.sent_at is not None:
        return False
    case = request.case
    reference = f"{case.diary_number}-{request.document.number}"
    decision = _decision_file(request)
    body = render_to_string("registry/email/copy_request_decided.txt", {
        "request": request, "case": case, "reference": reference, "organisation": case.organisation,
        "has_copy": request.copy_blob_id is not None, "has_decision": decision is not None,
        "partial": request.outcome == CopyRequest.Outcome.PARTIAL,
        "refused": request.outcome == CopyRequest.Outcome.REFUSED,
    })
    registrar = getattr(settings, "DIARIUM_REGISTRAR_EMAIL", "")
    message = EmailMessage(subject=_("Svar på din begäran om allmän handling %(ref)s") % {"ref": reference},
                           body=body, to=[request.contact.strip()], reply_to=[registrar] if registrar else None,
                           connection=connection)
    if request.copy_blob_id is not None:
        message.attach(request.copy_filename or f"kopia-{request.pk}", _blob_bytes(request.copy_blob),
                       request.copy_blob.content_type)
    if decision is not None:
        message.attach(decision.filename, _blob_bytes(decision.blob), decision.blob.content_type)
    try:
        with transaction.atomic():
            if not CopyRequest.objects.filter(pk=request.pk, sent_at__isnull=True).update(sent_at=timezone.now()):
                return False
            message.send()
    except Exception as exc:  # the mail server: staff send it by hand and mark it sent
        logger.warning("The answer to copy request %s could not be e-mailed: %s", request_id, exc)
        return False
    return True
