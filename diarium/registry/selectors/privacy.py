"""Reads for the masking assistant's review (issue 18): what it found in a
case's free text, for the registrar to accept or reject in one screen, and
the queue of cases with findings nobody has looked at."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diarium.accounts import access as roles
from diarium.core.errors import PermissionDenied

from .. import access, screening
from ..models import Case, DocumentFile

KIND_LABELS = {
    "pnr": gettext_noop("Personnummer"),
    "pnr_possible": gettext_noop("Möjligt personnummer (fel kontrollsiffra)"),
    "phone": gettext_noop("Telefonnummer"),
    "email": gettext_noop("E-postadress"),
    "address": gettext_noop("Gatuadress"),
    "name": gettext_noop("Namn på privatperson"),
    "sensitive": gettext_noop("Känsligt ord (hälsa, socialtjänst, brott)"),
}
STATE_LABELS = {
    screening.PENDING: gettext_noop("Ej granskat – hålls borta från allmänheten"),
    screening.MASKED: gettext_noop("Maskerat"),
    screening.RELEASED: gettext_noop("Visas"),
}


@dataclass
class Finding:
    index: int
    kind: str
    kind_label: str
    text: str
    state: str
    state_label: str
    reason: str
    by: str
    at: str
    key: str  # the form field's name: "<model>:<pk>:<field>:<index>"
    context: str = ""  # in a file: the words around it

    @property
    def reason_required(self) -> bool:
        return self.kind in screening.REASON_REQUIRED


@dataclass
class Segment:
    text: str
    finding: Finding | None = None


@dataclass
class ReviewField:
    """One screened field of one row, as written, with what the assistant found."""

    model: str
    pk: int
    row_label: str
    field: str
    field_label: str
    original: str
    shown: str  # what the public sees
    segments: list[Segment]
    findings: list[Finding]
    protected: dict | None = None


@dataclass
class CasePrivacy:
    case: Case
    fields: list[ReviewField] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(1 for f in self.fields for x in f.findings if x.state == screening.PENDING)

    @property
    def findings(self) -> int:
        return sum(len(f.findings) for f in self.fields)

    @property
    def protected(self) -> dict | None:
        return next((f.protected for f in self.fields if f.protected and f.model == "registry.case"), None)


def _segments(text: str, findings: list[Finding], spans: list[dict]) -> list[Segment]:
    out, at = [], 0
    for finding, span in sorted(zip(findings, spans, strict=True), key=lambda p: p[1]["start"]):
        if span["start"] < at:  # overlapping spans are shown once
            continue
        if span["start"] > at:
            out.append(Segment(text[at:span["start"]]))
        out.append(Segment(text[span["start"]:span["end"]], finding))
        at = span["end"]
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def _row_label(spec, row) -> str:
    reference = spec.describe(row) if spec.describe else ""
    return f"{spec.label} {reference}" if reference else str(spec.label)


def case_privacy(*, user, case: Case) -> CasePrivacy:
    """Everything the assistant found in the case's screened fields, as written,
    for a registrar (who may review it)."""
    if not access.can_review_privacy(user, case):
        raise PermissionDenied(_("Du har inte behörighet att granska uppgifterna i ärendet."))
    result = CasePrivacy(case=case)
    for spec in screening.screened_models():
        qs = spec.model.objects.exclude(privacy={})
        qs = qs.filter(pk=case.pk) if spec.case_field is None else qs.filter(**{spec.case_field: case})
        if spec.case_field:
            qs = qs.select_related(spec.case_field)
        label = spec.model._meta.label_lower
        for row in qs.order_by("pk"):
            for name in spec.fields:
                entry = (row.privacy or {}).get(name)
                if not entry:
                    continue
                spans = entry.get("findings", [])
                findings = [
                    Finding(index=i, kind=f["kind"], kind_label=_(KIND_LABELS.get(f["kind"], f["kind"])),
                            text=f["text"], state=f["state"], state_label=_(STATE_LABELS[f["state"]]),
                            reason=f.get("reason", ""), by=f.get("by", ""), at=f.get("at", ""),
                            key=f"{label}:{row.pk}:{name}:{i}")
                    for i, f in enumerate(spans)
                ]
                result.fields.append(ReviewField(
                    model=label, pk=row.pk, row_label=_row_label(spec, row), field=name,
                    field_label=str(spec.model._meta.get_field(name).verbose_name).capitalize(),
                    original=entry["original"], shown=getattr(row, name),
                    segments=_segments(entry["original"], findings, spans), findings=findings,
                    protected=entry.get("protected"),
                ))
    files = (DocumentFile.objects.filter(document__case=case).exclude(privacy__isnull=True)
             .select_related("document").order_by("document__number", "position", "-version"))
    label = DocumentFile._meta.label_lower
    for row in files:
        spans = ((row.privacy or {}).get("text") or {}).get("findings", [])
        if not spans:
            continue
        findings = [
            Finding(index=i, kind=f["kind"], kind_label=_(KIND_LABELS.get(f["kind"], f["kind"])), text=f["text"],
                    state=f["state"], state_label=_(STATE_LABELS[f["state"]]), reason=f.get("reason", ""),
                    by=f.get("by", ""), at=f.get("at", ""), key=f"{label}:{row.pk}:text:{i}",
                    context=f.get("context", ""))
            for i, f in enumerate(spans)
        ]
        reference = f"{case.diary_number}-{row.document.number}"
        result.fields.append(ReviewField(
            model=label, pk=row.pk, row_label=_("Fil %(name)s (v%(v)d) i handling %(ref)s") % {
                "name": row.filename, "v": row.version, "ref": reference},
            field="text", field_label=_("Filens text"), original="",
            shown=_("Filen lämnas inte ut till allmänheten") if row.privacy_withheld else _("Filen lämnas ut"),
            segments=[], findings=findings))
    return result


@dataclass
class QueueEntry:
    case: Case
    rows: int  # rows of the case with findings not yet reviewed


def privacy_queue(*, user, limit: int = 200) -> list[QueueEntry]:
    """Cases with findings nobody has reviewed yet, where the user reviews:
    the registrar's list, newest first."""
    grants = roles.grants_for(user)
    scope = Q()
    if not grants.superuser:
        organisations, organs = grants.organ_ids_with(roles.MARK_SECRET)
        if not organisations and not organs:
            return []
        scope = Q(organisation_id__in=sorted(organisations)) | Q(organ_id__in=sorted(organs))
    counts: dict[int, int] = {}
    sources = [(spec.model, "pk" if spec.case_field is None else f"{spec.case_field}_id")
               for spec in screening.screened_models()] + [(DocumentFile, "document__case_id")]
    for model, column in sources:
        for case_id in model.objects.filter(privacy_pending=True).values_list(column, flat=True):
            if case_id is not None:
                counts[case_id] = counts.get(case_id, 0) + 1
    if not counts:
        return []
    cases = (Case.objects.filter(scope, pk__in=sorted(counts)).select_related("organ")
             .order_by("-registered_at", "-id")[:limit])
    return [QueueEntry(case=c, rows=counts[c.pk]) for c in cases]


def pending_count(case: Case) -> int:
    """How many rows of the case (its own, its documents, files, agenda items,
    decisions, rounds) hold findings nobody has reviewed: one query."""
    parts = []
    for spec in screening.screened_models():
        if spec.case_field is None:
            continue
        parts.append(spec.model.objects.filter(**{spec.case_field: case}, privacy_pending=True).order_by().values_list("pk"))
    parts.append(DocumentFile.objects.filter(document__case=case, privacy_pending=True).order_by().values_list("pk"))
    union = parts[0].union(*parts[1:], all=True)
    return len(list(union)) + (1 if case.privacy_pending else 0)
