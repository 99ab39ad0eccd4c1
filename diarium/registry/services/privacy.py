"""Writes of the masking assistant's review (issue 18): the registrar accepts
or rejects what it found in a case's free text, and protects a case's title
(OSL 5 kap. 2 §). Each is one transaction with its event on the case history;
the event names kinds and counts, never the values themselves."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError, PermissionDenied
from diarium.core.limits import check_lengths

from .. import access, screening
from ..history import actor_name, event_append
from ..models import CASE_TITLE_MAX, REASON_MAX, SECRECY_GROUND_MAX, Case, DocumentFile, Event

MASK, RELEASE = "mask", "release"
ACTIONS = {MASK: screening.MASKED, RELEASE: screening.RELEASED}


@dataclass(frozen=True)
class Verdict:
    """The registrar's verdict on one finding: (row, field, index in the field's findings)."""

    model: str  # "registry.case", "registry.document", "decisions.agendaitem", ...
    pk: int
    field: str
    index: int
    action: str  # MASK or RELEASE
    reason: str = ""


def _rows_of_case(case: Case):
    """Every screened row of the case, keyed (model label, pk), locked for the review."""
    rows = {}
    for spec in screening.screened_models():
        qs = spec.model.objects.select_for_update()
        qs = qs.filter(pk=case.pk) if spec.case_field is None else qs.filter(**{spec.case_field: case})
        for row in qs.exclude(privacy={}):
            rows[(spec.model._meta.label_lower, row.pk)] = row
    files = DocumentFile.objects.select_for_update().filter(document__case=case).exclude(privacy__isnull=True)
    for row in files:
        rows[(DocumentFile._meta.label_lower, row.pk)] = row
    return rows


@transaction.atomic
def privacy_review(*, actor, case: Case, verdicts: list[Verdict]) -> int:
    """Record the registrar's verdicts on the assistant's findings in a case:
    "mask" keeps a finding withheld from the public, "release" publishes it. A
    personal identity number is released only with a reason. All verdicts are
    checked before any is written; the number of findings decided is returned."""
    if not access.can_review_privacy(actor, case):
        raise PermissionDenied(_("Du har inte behörighet att granska uppgifterna i ärendet."))
    rows = _rows_of_case(case)
    errors: dict[str, list[str]] = {}
    planned = []
    for n, verdict in enumerate(verdicts):
        key = f"verdicts[{n}]"
        row = rows.get((verdict.model, verdict.pk))
        entry = (row.privacy or {}).get(verdict.field) if row is not None else None
        findings = entry.get("findings", []) if entry else []
        if not 0 <= verdict.index < len(findings):
            errors.setdefault(key, []).append(_("Fyndet finns inte i ärendet."))
            continue
        if verdict.action not in ACTIONS:
            errors.setdefault(key, []).append(_("Välj Maskera eller Visa."))
            continue
        reason = " ".join((verdict.reason or "").split())
        if len(reason) > REASON_MAX:
            errors.setdefault(key, []).append(
                _("Skälet får vara högst %(max)d tecken.") % {"max": REASON_MAX})
            continue
        finding = findings[verdict.index]
        if verdict.action == RELEASE and finding["kind"] in screening.REASON_REQUIRED and not reason:
            errors.setdefault(key, []).append(
                _("Ett personnummer visas bara med ett skäl. Ange varför %(text)s får visas.")
                % {"text": finding["text"]})
            continue
        planned.append((row, verdict, reason))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    if not planned:
        raise DomainError(_("Välj Maskera eller Visa för minst ett fynd."))
    now, who = timezone.now(), actor_name(actor)
    counts: dict[str, dict[str, int]] = {}
    touched = {}
    for row, verdict, reason in planned:
        finding = row.privacy[verdict.field]["findings"][verdict.index]
        finding.update(state=ACTIONS[verdict.action], reason=reason, by=who, at=now.isoformat())
        counts.setdefault(verdict.action, {}).setdefault(finding["kind"], 0)
        counts[verdict.action][finding["kind"]] += 1
        touched.setdefault(id(row), (row, set()))[1].add(verdict.field)
    for row, fields in touched.values():
        if isinstance(row, DocumentFile):  # a file is withheld whole, or handed out whole
            row.privacy_withheld, row.privacy_pending = screening.file_findings_state(row.privacy)
            row.save(update_fields=["privacy", "privacy_withheld", "privacy_pending"])
            continue
        for name in fields:
            setattr(row, name, screening.shown_from(row.privacy[name], row._meta.get_field(name).max_length))
        row.privacy_pending = screening.is_pending(row.privacy)
        row.save(update_fields=[*fields, "privacy", "privacy_pending"])
    event_append(case=case, kind=Event.Kind.PRIVACY_REVIEWED, actor=actor, at=now,
                 data={"masked": counts.get(MASK, {}), "released": counts.get(RELEASE, {}),
                       "reasons": sorted({r for _row, _v, r in planned if r})})
    return len(planned)


@transaction.atomic
def case_protect(*, actor, case: Case, public_title: str, ground: str, protect_description: bool = True) -> Case:
    """Protect a case's title (and description): the public and staff without
    the right to read secret data see only `public_title` ("Ärende enligt
    socialtjänstlagen"); the real title is kept for those with the right."""
    if not access.can_review_privacy(actor, case):
        raise PermissionDenied(_("Du har inte behörighet att skydda ärendets mening."))
    public_title = " ".join((public_title or "").split())
    ground = " ".join((ground or "").split())
    errors: dict[str, list[str]] = {}
    if not public_title:
        errors["public_title"] = [_("Ange den mening som allmänheten ska se, t.ex. ”Ärende enligt socialtjänstlagen”.")]
    if not ground:
        errors["ground"] = [_("Ange det lagrum som skyddet grundas på, t.ex. ”OSL 26 kap. 1 §”.")]
    try:
        check_lengths({"public_title": (public_title, CASE_TITLE_MAX), "ground": (ground, SECRECY_GROUND_MAX)})
    except DomainError as error:
        for name, messages in error.errors.items():
            errors.setdefault(name, messages)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    now = timezone.now()
    stamp = {"ground": ground, "by": actor_name(actor), "at": now.isoformat()}
    fields = ["title"] + (["description"] if protect_description else [])
    for name in fields:
        shown = public_title if name == "title" else ""
        entry = dict((case.privacy or {}).get(name) or {"original": getattr(case, name), "findings": []})
        entry["original"] = screening.original(case, name)
        entry["protected"] = {"shown": shown, **stamp}
        case.privacy = {**(case.privacy or {}), name: entry}
        setattr(case, name, shown)
    case.refresh_search_text()
    case.save(update_fields=[*fields, "privacy", "privacy_pending", "search_text"])
    event_append(case=case, kind=Event.Kind.CASE_PROTECTED, actor=actor, at=now,
                 data={"public_title": public_title, "ground": ground, "description": protect_description})
    return case


@transaction.atomic
def case_unprotect(*, actor, case: Case, reason: str) -> Case:
    """Lift the protection of a case's title and description: the public sees
    them again, as the assistant's review allows."""
    if not access.can_review_privacy(actor, case):
        raise PermissionDenied(_("Du har inte behörighet att ta bort skyddet."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Ange varför skyddet tas bort."), field="reason")
    check_lengths({"reason": (reason, REASON_MAX)})
    case = Case.objects.select_for_update().get(pk=case.pk)
    privacy = dict(case.privacy or {})
    fields = [name for name, entry in privacy.items() if entry.get("protected")]
    if not fields:
        raise DomainError(_("Ärendets mening är inte skyddad."))
    for name in fields:
        entry = {k: v for k, v in privacy[name].items() if k != "protected"}
        if entry.get("findings"):
            privacy[name] = entry
        else:
            del privacy[name]
        setattr(case, name, screening.shown_from(entry, Case._meta.get_field(name).max_length))
    case.privacy = privacy
    case.refresh_search_text()
    case.save(update_fields=[*fields, "privacy", "privacy_pending", "search_text"])
    event_append(case=case, kind=Event.Kind.CASE_UNPROTECTED, actor=actor, data={"reason": reason})
    return case


def file_screen_by_id(file_id: int) -> bool:
    """The masking assistant reads one file (the task queued when it was added)."""
    document_file = DocumentFile.objects.select_related("document__case", "blob").filter(pk=file_id).first()
    if document_file is None:
        return False
    with transaction.atomic():
        return screening.file_screen(document_file)


def files_screen_pending() -> int:
    """Let the assistant read every file it has not read yet (what the worker's
    queued tasks would do), e.g. after a bulk load; returns the files read."""
    count = 0
    files = DocumentFile.objects.filter(privacy__isnull=True).select_related("document__case", "blob").order_by("pk")
    for document_file in files.iterator(chunk_size=200):
        with transaction.atomic():
            count += screening.file_screen(document_file)
    return count
