"""The masking assistant, wired into the register: every free-text field that
the public can read is screened when it is written (issue 18).

A screened model stores, in its own row, what the public sees: the column
itself (`case.title`) holds the *shown* value, with what the assistant found
replaced by a neutral label ("[personnummer]") until a registrar has reviewed
it, or the public title of a protected case (OSL 5 kap. 2 §). The value as it
was written is kept in `privacy[field]["original"]`, with the findings and
their review state. So every output that reads the column (a page, a feed,
a dump, OParl, the search projection, a PDF, an e-mail) publishes the safe
value by default; only `access.shown_value` hands the original to a reader
with the right.

Screening runs in `save()` of every screened model (registry.models.Screened),
so every write path (services, the admin, the demo loader, importers) goes
through it. A model that inherits Screened registers its fields, the lower
app's from its own AppConfig.ready() and a higher app's from its own:

    screening.screened_register(AgendaItem, ("title",), organisation=lambda item: item.meeting.organisation_id,
                                case_field="case", label=_("Dagordningspunkt"))

The state of a field, `privacy[field]`:

    {"original": "Ansökan från Karin Ek 850101-1234",
     "findings": [{"kind": "pnr", "start": 22, "end": 33, "text": "850101-1234",
                   "state": "pending" | "masked" | "released", "reason": "", "by": "", "at": ""}, …],
     "protected": {"shown": "Ärende enligt socialtjänstlagen", "ground": "OSL 26 kap. 1 §", "by": …, "at": …}}

A field without findings and without protection has no entry, and its column
holds the value as written. A row with any finding still "pending" has
`privacy_pending` set: the registrar's review queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models

from diarium.core import privacy as detector

PENDING, MASKED, RELEASED = "pending", "masked", "released"
STATES = (PENDING, MASKED, RELEASED)
# Kinds only proposed: shown until a registrar accepts the mask (a word about health or
# social services in a policy text is no one's personal data). Every other kind found is
# withheld from the public until a registrar has looked.
PROPOSED_ONLY = frozenset({"sensitive"})
# Kinds withheld from the public even after review, unless released with a reason.
REASON_REQUIRED = frozenset({"pnr"})


@dataclass(frozen=True)
class ScreenedModel:
    model: type[models.Model]
    fields: tuple[str, ...]
    organisation: Callable[[models.Model], int | None]
    case_field: str | None  # the row's foreign key to its case; None when the row is the case
    label: str  # what the review screen calls a row of this model, e.g. "Ärende"
    also_update: tuple[str, ...] = ()  # columns after_screening() sets (Case.search_text)
    describe: Callable[[models.Model], str] | None = None  # a row's reference on the review screen


_SCREENED: dict[type[models.Model], ScreenedModel] = {}
# Sources of names the organisation has registered as private persons
# (counterparts, recipients): callables organisation_id -> iterable of names.
_KNOWN_NAME_SOURCES: list[Callable[[int], Iterable[str]]] = []
# Sources of names that are never a private person's (staff, organs, organisations).
_ALLOWED_NAME_SOURCES: list[Callable[[int], Iterable[str]]] = []


def screened_register(model, fields: Iterable[str], *, organisation, case_field, label, also_update=(),
                      describe=None) -> None:
    """Screen `fields` of `model` (a registry.models.Screened) whenever a row is saved."""
    _SCREENED[model] = ScreenedModel(model=model, fields=tuple(fields), organisation=organisation,
                                     case_field=case_field, label=label, also_update=tuple(also_update),
                                     describe=describe)


def screened_models() -> list[ScreenedModel]:
    return list(_SCREENED.values())


def screened(model) -> ScreenedModel | None:
    return _SCREENED.get(model)


def known_names_register(source: Callable[[int], Iterable[str]]) -> None:
    _KNOWN_NAME_SOURCES.append(source)


def allowed_names_register(source: Callable[[int], Iterable[str]]) -> None:
    _ALLOWED_NAME_SOURCES.append(source)


# --- what a field shows ------------------------------------------------------------------------
def shown_from(entry: dict, max_length: int | None = None) -> str:
    """The value the public sees for a field's entry: the protected title, or
    the original with every finding not released replaced by its label."""
    protected = entry.get("protected")
    if protected:
        return protected["shown"]
    shown = detector.redact(entry["original"], [f for f in entry.get("findings", ()) if withheld(f)])
    if max_length and len(shown) > max_length:
        shown = shown[: max_length - 1].rstrip() + "…"
    return shown


def withheld(finding: dict) -> bool:
    """Whether the public is kept from a finding: masked by a registrar, or not
    yet reviewed unless its kind is only proposed."""
    return finding["state"] == MASKED or (finding["state"] == PENDING and finding["kind"] not in PROPOSED_ONLY)


def original(instance, field: str) -> str:
    """The value as written (for those with the right: access.shown_value)."""
    entry = (instance.privacy or {}).get(field)
    return entry["original"] if entry else getattr(instance, field)


def is_pending(privacy: dict) -> bool:
    return any(f["state"] == PENDING for entry in privacy.values() for f in entry.get("findings", ()))


def scanner_for(organisation_id: int | None) -> detector.Scanner:
    """The assistant for one organisation: its registered private persons are
    always found, its staff, organs and own name never. Built per call (no
    process-local cache of names: they change as the register grows). Cheap to
    build all the same: the names, read each time, are the key of the phrase
    indexes built lately (core.privacy.words.phrase_index), so the same names in
    the same order reuse the index built for them, and other names get another."""
    if organisation_id is None:
        return detector.Scanner()
    known = {n for source in _KNOWN_NAME_SOURCES for n in source(organisation_id) if n and len(n) <= 200}
    allowed = {n for source in _ALLOWED_NAME_SOURCES for n in source(organisation_id) if n}
    return _OrganisationScanner(detector.Scanner(known_names=sorted(known), allowed=sorted(allowed)),
                                {a.casefold() for a in allowed})


class _OrganisationScanner:
    """The detector, less what the organisation publishes itself: its staff's
    and organs' names and their work e-mail addresses and phone numbers."""

    def __init__(self, scanner, allowed_texts: set[str]):
        self.scanner, self.allowed_texts = scanner, allowed_texts

    def scan(self, text: str):
        return [hit for hit in self.scanner.scan(text) if hit.text.casefold() not in self.allowed_texts]


def public_text(text: str, organisation_id: int | None, scanners: dict | None = None) -> str:
    """Free text that was not screened when it was written (a reason or a
    name in a line of the case history), as the public sees it: what the
    assistant would withhold replaced by its label. A first pass with the
    shipped lists needs no query; only text with a finding is scanned again
    with the organisation's own names (its staff and organs are not withheld),
    its scanner built once per `scanners` dict."""
    if not text or not [h for h in detector.scan(text) if h.kind not in PROPOSED_ONLY]:
        return text
    scanners = {} if scanners is None else scanners
    if organisation_id not in scanners:
        scanners[organisation_id] = scanner_for(organisation_id)
    hits = [h for h in scanners[organisation_id].scan(text) if h.kind not in PROPOSED_ONLY]
    return detector.redact(text, hits) if hits else text


def findings_for(text: str, scanner: detector.Scanner, previous: Iterable[dict] = ()) -> list[dict]:
    """The assistant's findings in `text`; a finding of the same kind and text
    as one already reviewed keeps its review (an edit does not ask again)."""
    reviewed = {(f["kind"], f["text"]): f for f in previous if f["state"] != PENDING}
    out = []
    for hit in scanner.scan(text):
        finding = {"kind": hit.kind, "start": hit.start, "end": hit.end, "text": hit.text,
                   "state": PENDING, "reason": "", "by": "", "at": ""}
        earlier = reviewed.get((hit.kind, hit.text))
        if earlier:
            finding.update(state=earlier["state"], reason=earlier["reason"], by=earlier["by"], at=earlier["at"])
        out.append(finding)
    return out


def screen(instance, *, fields: Iterable[str] | None = None, scanner: detector.Scanner | None = None,
           rescan: bool = False) -> bool:
    """Screen the instance's fields (all registered ones by default) in place:
    a value written since the last screening is scanned, the column set to what
    the public sees and the original kept. With `rescan`, values already
    screened are scanned again (the audit). True when anything changed."""
    spec = _SCREENED[type(instance)]
    privacy = dict(instance.privacy or {})
    changed = False
    for name in fields or spec.fields:
        value = getattr(instance, name) or ""
        entry = privacy.get(name)
        max_length = instance._meta.get_field(name).max_length
        if entry is not None:
            shown = shown_from(entry, max_length)
            if value in (shown, entry["original"]) and not rescan:
                if value != shown:
                    setattr(instance, name, shown)
                    changed = True
                continue
            written = entry["original"] if value in (shown, entry["original"]) else value
        else:
            as_read = getattr(instance, "_screened_as_read", {})
            if name in as_read and as_read[name] == value and not rescan:
                continue  # screened when it was written, and found clean
            written = value
        if scanner is None:
            scanner = scanner_for(spec.organisation(instance))
        findings = findings_for(written, scanner, entry.get("findings", ()) if entry else ())
        new_entry = {"original": written, "findings": findings}
        if entry and entry.get("protected"):  # a protected field stays protected when it is rewritten
            new_entry["protected"] = entry["protected"]
        if findings or new_entry.get("protected"):
            privacy[name] = new_entry
            shown = shown_from(new_entry, max_length)
        else:
            privacy.pop(name, None)
            shown = written
        if shown != value or new_entry != entry and (entry or findings):
            changed = True
        setattr(instance, name, shown)
    instance.privacy = privacy
    pending = is_pending(privacy)
    if pending != instance.privacy_pending:
        instance.privacy_pending = pending
        changed = True
    if not hasattr(instance, "_screened_as_read"):
        instance._screened_as_read = {}
    instance._screened_as_read.update({name: getattr(instance, name) for name in fields or spec.fields})
    after = getattr(instance, "after_screening", None)
    if after:
        after()
    return changed


def screen_on_save(instance, update_fields) -> frozenset[str]:
    """Called by Screened.save(): screen what is being saved; the columns the
    save must write besides `update_fields` (the privacy state and what
    after_screening set)."""
    spec = _SCREENED.get(type(instance))
    if spec is None:
        return frozenset()
    fields = spec.fields if update_fields is None else [f for f in spec.fields if f in update_fields]
    if not fields:
        return frozenset()
    screen(instance, fields=fields)
    return frozenset({"privacy", "privacy_pending", *spec.also_update})


# --- the audit: what the rules change in what was published before ------------------------------
@dataclass
class AuditLine:
    what: str  # "Ärende 2017.676 KS: Ärendemening"
    before: str  # what the public saw
    after: str  # what the public sees under the rules


# Further audit steps of the apps above (e.g. recipients' privacy): callables apply -> list[AuditLine].
_AUDIT_STEPS: list[Callable[[bool], list[AuditLine]]] = []
# What rebuilds the published outputs after an applied audit (dumps, search index, published
# files): callables () -> str describing what was rebuilt; registered by the apps that own them.
_REBUILDERS: list[Callable[[], str]] = []


def audit_step_register(step: Callable[[bool], list[AuditLine]]) -> None:
    _AUDIT_STEPS.append(step)


def rebuilder_register(rebuild: Callable[[], str]) -> None:
    _REBUILDERS.append(rebuild)


def audit_screened(apply: bool, *, batch: int = 500) -> list[AuditLine]:
    """Scan every screened row again under today's assistant and rules: the
    rows whose public value would change; with `apply`, saved so."""
    lines = []
    for spec in screened_models():
        scanners: dict[int | None, detector.Scanner] = {}
        qs = spec.model.objects.order_by("pk")
        if spec.case_field:
            qs = qs.select_related(spec.case_field)
        for row in qs.iterator(chunk_size=batch):
            before = {name: getattr(row, name) for name in spec.fields}
            organisation = spec.organisation(row)
            scanner = scanners.get(organisation)
            if scanner is None:
                scanner = scanners[organisation] = scanner_for(organisation)
            if not screen(row, scanner=scanner, rescan=True):
                continue
            for name in spec.fields:
                after = getattr(row, name)
                if after != before[name]:
                    reference = spec.describe(row) if spec.describe else str(row.pk)
                    lines.append(AuditLine(f"{spec.label} {reference}: {row._meta.get_field(name).verbose_name}",
                                           before[name], after))
            if apply:
                # the screening is done: save the columns as they are (save() screens nothing new)
                spec.model.objects.filter(pk=row.pk).update(
                    privacy=row.privacy, privacy_pending=row.privacy_pending,
                    **{name: getattr(row, name) for name in (*spec.fields, *spec.also_update)})
    return lines


def audit(apply: bool = False) -> list[AuditLine]:
    """Every public output the privacy rules change: screened free text, and the
    steps the apps registered. With `apply`, the rows are changed so."""
    lines = audit_screened(apply) + audit_files(apply)
    for step in _AUDIT_STEPS:
        lines += step(apply)
    return lines


def rebuild_published() -> list[str]:
    """Run every registered rebuilder (dumps, search index, published files),
    after an applied audit has committed."""
    return [rebuild() for rebuild in _REBUILDERS]


# --- files: the text the assistant reads before the public has a file --------------------------
CONTEXT_CHARS = 40
# Who reads a file's text: callables document_file -> str ("" when it has none, None when the
# storage failed), registered by the app that extracts text (search).
_TEXT_SOURCES: list[Callable[[object], str | None]] = []


def file_text_source_register(source: Callable[[object], str | None]) -> None:
    _TEXT_SOURCES.append(source)


def file_text(document_file) -> str | None:
    """The file's text; a scan's is the text of its OCR version (services.ocr),
    the same pages with a text layer."""
    if not _TEXT_SOURCES:
        return ""  # no reader installed: the file has no text the assistant could read
    with_text = document_file.ocr_versions.select_related("blob").first()
    return _TEXT_SOURCES[0](with_text or document_file)


def file_findings_state(privacy: dict | None) -> tuple[bool, bool]:
    """(withheld from the public, waiting for review) of a file's screening."""
    if privacy is None:
        return True, False
    findings = (privacy.get("text") or {}).get("findings", [])
    return any(withheld(f) for f in findings), any(f["state"] == PENDING for f in findings)


def file_screen(document_file, *, scanner: detector.Scanner | None = None) -> bool:
    """Read a file's text and record what the assistant finds in it, with a
    little context for the review; a finding already reviewed in an earlier
    version keeps its review. False when the text could not be read (the file
    stays withheld and is read again by the audit)."""
    text = file_text(document_file)
    if text is None:
        return False
    if scanner is None:
        scanner = scanner_for(document_file.document.case.organisation_id)
    earlier = {}
    for other in type(document_file).objects.filter(
            document_id=document_file.document_id, position=document_file.position).exclude(
            pk=document_file.pk).exclude(privacy__isnull=True).values_list("privacy", flat=True):
        earlier.update({(f["kind"], f["text"]): f for f in ((other or {}).get("text") or {}).get("findings", [])})
    findings = findings_for(text, scanner, earlier.values())
    for finding in findings:
        start, end = finding["start"], finding["end"]
        finding["context"] = " ".join(
            (text[max(0, start - CONTEXT_CHARS):start] + "«" + text[start:end] + "»"
             + text[end:end + CONTEXT_CHARS]).split())
    document_file.privacy = {"text": {"original": "", "findings": findings}}
    document_file.privacy_withheld, document_file.privacy_pending = file_findings_state(document_file.privacy)
    # save(), not update(): the outputs that listen to the register (search) see the file change
    document_file.save(update_fields=["privacy", "privacy_withheld", "privacy_pending"])
    return True


def audit_files(apply: bool) -> list[AuditLine]:
    """Files the assistant has not read (added before it existed, or whose
    storage failed): withheld from the public until it has; with `apply`, read now."""
    from .models import DocumentFile

    lines = []
    files = DocumentFile.objects.filter(privacy__isnull=True).select_related("document__case", "blob").order_by("pk")
    for document_file in files.iterator(chunk_size=200):
        reference = f"{document_file.document.case.diary_number}-{document_file.document.number}"
        after = "ej läst"
        if apply and file_screen(document_file):
            after = "hålls inne, fynd att granska" if document_file.privacy_withheld else "lämnas ut"
        lines.append(AuditLine(f"Fil {document_file.filename} (v{document_file.version}) i {reference}",
                               "ej läst av maskeringsassistenten", after))
    return lines


def audit_parties(rows, *, label: str, is_private: Callable, apply: bool, flag: str = "is_private") -> list[AuditLine]:
    """Parties (counterparts, recipients) whose privacy the rule now decides
    otherwise: `rows` of one model, `is_private(row)` the rule for one row; with
    `apply`, the flag is set so (a name once private is never shown again by
    this: only rows the rule makes private are changed)."""
    lines = []
    for row in rows:
        now_private = is_private(row)
        if now_private and not getattr(row, flag):
            lines.append(AuditLine(f"{label} {row.pk}", getattr(row, "name", None) or getattr(row, "counterpart", ""),
                                   "Privatperson"))
            if apply:
                type(row).objects.filter(pk=row.pk).update(**{flag: True})
    return lines
