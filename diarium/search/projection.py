"""From the domain tables to SearchRecord rows: what each audience tier may read.

Each builder reads many records at once with a few plain queries (values_list,
no per-record queries) and returns rows as dicts of SearchRecord fields. The
rules are the domain apps' own: registry.access.mask_reason / content_hidden
and registry.masking for documents, the meeting statuses the public reads
(decisions.selectors.PUBLIC_MEETING_STATUSES) and adjusted minutes for
decisions, adopted versions for plans. What the public page of an object shows
is what its public variant holds:

- case: diary number, title, description, organ, status; public in every tier.
- document: reference, description and counterpart as the tier is shown them
  (masked values replaced by the neutral text, never stored), direction, date,
  and the text of the latest version of each file unless the tier may not
  read the files (a secret document's files are only in the secret tier).
- decision: "KS 2018-09-24 § 141", title, text, corrections; public once the
  minutes are adjusted, before that internal and secret tiers only.
- meeting: organ, date, place and agenda item titles; public once the notice
  is published.
- plan: name, description, focus areas, goals and actions; the public reads
  the latest adopted version (no variant before one exists), staff the working
  copy with its internal notes.

Tiers whose variants are identical share one row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from diarium.accounts.models import Organ
from diarium.decisions.models import AgendaItem, Correction, Decision, Meeting
from diarium.decisions.selectors import PUBLIC_MEETING_STATUSES
from diarium.plans.models import Action, FocusArea, Goal, PlanVersion, SteeringDocument
from diarium.registry import access as registry_access
from diarium.registry import masking
from diarium.registry.models import Case, Document, DocumentFile

from .models import Kind, Tier

logger = logging.getLogger("diarium.search")

TIERS = (Tier.PUBLIC, Tier.INTERNAL, Tier.SECRET)
# (read_secret, read_internal) of each tier, as registry.access takes them.
_RIGHTS = {Tier.PUBLIC: (False, False), Tier.INTERNAL: (False, True), Tier.SECRET: (True, True)}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URL_PLACEHOLDER = 987654321

MODELS = {Kind.CASE: Case, Kind.DOCUMENT: Document, Kind.DECISION: Decision, Kind.MEETING: Meeting,
          Kind.PLAN: SteeringDocument}


def key_of(kind: str, object_id: int) -> str:
    return f"{kind}:{object_id}"


def _text(value) -> str:
    text = str(value or "")
    return text if text.isprintable() else _CONTROL.sub(" ", text)


def _lines(*parts) -> str:
    return "\n".join(p for p in (_text(x).strip() for x in parts) if p)


def _local_date(value, tz=None):
    if value is None:
        return None
    return value.astimezone(tz or timezone.get_current_timezone()).date()


@dataclass
class _Context:
    """What every builder needs once per batch: organs and URL patterns."""

    organs: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (organisation id, label)
    urls: dict[str, str] = field(default_factory=dict)
    tz: dt.tzinfo = dt.UTC  # the site's time zone: dates are local days
    # Rows from a full rebuild carry no digest (""): it is only compared when a
    # record changes, and an empty one just means that first change rewrites it.
    digests: bool = True

    @classmethod
    def load(cls, *, digests: bool = True) -> _Context:
        organs = {pk: (org, f"{name} ({code})") for pk, org, name, code in
                  Organ.objects.values_list("pk", "organisation_id", "name", "code")}
        names = {Kind.CASE: "registry:case_detail", Kind.DOCUMENT: "registry:document_detail",
                 Kind.DECISION: "decisions:decision_detail", Kind.MEETING: "decisions:meeting_detail",
                 Kind.PLAN: "plans:plan_detail"}
        urls = {kind: reverse(name, args=[_URL_PLACEHOLDER]).replace(str(_URL_PLACEHOLDER), "{}")
                for kind, name in names.items()}
        return cls(organs=organs, urls=urls, digests=digests, tz=timezone.get_default_timezone())

    def organ(self, organ_id: int | None) -> tuple[int | None, str]:
        return self.organs.get(organ_id, (None, "")) if organ_id is not None else (None, "")


def _rows(ctx: _Context, *, kind: str, object_id: int, organisation_id: int, organ_id: int | None, date,
          status: str, diary_number: str, variants: dict[str, tuple[str, str, str]]) -> list[dict]:
    """Rows of one record: `variants` maps each tier where it is visible to its
    (title, body, file_text); equal variants share a row."""
    key = key_of(kind, object_id)
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for tier in TIERS:
        if tier in variants:
            grouped.setdefault(variants[tier], []).append(tier)
    label = ctx.organ(organ_id)[1]
    rows = []
    for (title, body, file_text), tiers in grouped.items():
        row = {
            "uid": f"{key}@{'+'.join(tiers)}", "key": key, "kind": kind, "object_id": object_id,
            "tier_public": Tier.PUBLIC in tiers, "tier_internal": Tier.INTERNAL in tiers,
            "tier_secret": Tier.SECRET in tiers, "organisation_id": organisation_id, "organ_id": organ_id,
            "organ_label": label, "date": date, "year": date.year if date else None,
            "status": f"{kind}:{status}" if status else "", "diary_number": _text(diary_number)[:120],
            "title": _text(title), "body": body, "file_text": file_text,
            "url": ctx.urls[kind].format(object_id),
        }
        row["digest"] = digest(row) if ctx.digests else ""
        rows.append(row)
    return rows


_DIGESTED = ("uid", "kind", "organisation_id", "organ_id", "organ_label", "date", "status", "diary_number",
             "title", "body", "file_text", "url")


def digest(row: dict) -> str:
    text = "\x1f".join([str(row[name]) for name in _DIGESTED])
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# --- cases ------------------------------------------------------------------------------------
def _cases(ctx: _Context, where: Q) -> list[dict]:
    out = []
    for pk, number, title, description, status, registered_at, org, organ in (
            Case.objects.filter(where).order_by().values_list(
                "pk", "diary_number", "title", "description", "status", "registered_at", "organisation_id",
                "organ_id")):
        text = (_text(title), _lines(description), "")
        out += _rows(ctx, kind=Kind.CASE, object_id=pk, organisation_id=org, organ_id=organ,
                     date=_local_date(registered_at, ctx.tz), status=status, diary_number=number,
                     variants=dict.fromkeys(TIERS, text))
    return out


# --- documents --------------------------------------------------------------------------------
def extract_text(document_file) -> str:
    """The file's text through diarium.search.extract (imported lazily: without
    it files add no text). A file whose storage fails is indexed without its
    text and logged; `diarium reindex` reads it again."""
    try:
        from .extract import text_of_file
    except ImportError:
        return ""
    try:
        return _text(text_of_file(document_file))
    except Exception:
        logger.warning("No text from file %s of document %s", document_file.pk, document_file.document_id,
                       exc_info=True)
        return ""


def file_texts(where: Q) -> dict[int, str]:
    """The text of the latest version of each file of the documents, by document."""
    latest: dict[tuple[int, int], DocumentFile] = {}
    for f in DocumentFile.objects.filter(where).select_related("blob").order_by("document_id", "position",
                                                                                "-version"):
        latest.setdefault((f.document_id, f.position), f)
    texts: dict[int, list[str]] = {}
    for (document_id, _position), document_file in sorted(latest.items()):
        texts.setdefault(document_id, []).append(extract_text(document_file))
    return {d: _lines(*parts) for d, parts in texts.items()}


def _document_variant(doc, description: str, counterpart: str, direction_label: str, file_text: str,
                      tier: str) -> tuple[str, str, str]:
    """(title, body, file text) of a document as readers of `tier` are shown it."""
    read_secret, read_internal = _RIGHTS[tier]
    rights = {"read_secret": read_secret, "read_internal": read_internal}
    shown_description = masking.shown_text(description, registry_access.mask_reason(doc, "description", **rights))
    shown_counterpart = masking.shown_text(counterpart, registry_access.mask_reason(doc, "counterpart", **rights))
    hidden = registry_access.content_hidden(doc, read_secret=read_secret)
    return _text(shown_description), _lines(shown_counterpart, direction_label), "" if hidden else file_text


def _documents(ctx: _Context, where: Q, files_where: Q) -> list[dict]:
    directions = {value: str(label) for value, label in Document.Direction.choices}
    rows = list(Document.objects.filter(where).order_by().values_list(
        "pk", "number", "direction", "document_date", "counterpart", "counterpart_is_private", "description",
        "is_secret", "masked_fields", "case__diary_number", "case__organisation_id", "case__organ_id"))
    texts = file_texts(files_where) if rows else {}
    out = []
    for (pk, number, direction, date, counterpart, private, description, secret, masked_fields, diary_number,
         org, organ) in rows:
        doc = SimpleNamespace(is_secret=secret, masked_fields=masked_fields or [], counterpart_is_private=private)
        direction_label = directions.get(direction, "")
        file_text = texts.get(pk, "")
        fields = (doc, description, counterpart, direction_label, file_text)
        public, secret_variant = _document_variant(*fields, Tier.PUBLIC), _document_variant(*fields, Tier.SECRET)
        # More rights never hide more: when the least and the most reader see the
        # same, so does the internal tier in between (most documents).
        internal = public if public == secret_variant else _document_variant(*fields, Tier.INTERNAL)
        variants = {Tier.PUBLIC: public, Tier.INTERNAL: internal, Tier.SECRET: secret_variant}
        out += _rows(ctx, kind=Kind.DOCUMENT, object_id=pk, organisation_id=org, organ_id=organ, date=date,
                     status=direction, diary_number=f"{diary_number}-{number}", variants=variants)
    return out


# --- meetings and decisions -------------------------------------------------------------------
def _decisions_public(meeting_status: str, minutes_adjusted_at) -> bool:
    """decisions.selectors.decisions_visible for the public: the minutes are
    adjusted. decisions.services._adjust saves the adjusted minutes before it
    sets the meeting's status with a queryset update (no signal), so both are
    read: after that transaction commits they always agree."""
    return meeting_status == Meeting.Status.ADJUSTED or minutes_adjusted_at is not None


def _decisions(ctx: _Context, where: Q) -> list[dict]:
    outcomes = {value: str(label) for value, label in Decision.Outcome.choices}
    rows = list(Decision.objects.filter(where).order_by().values_list(
        "pk", "meeting__organ_id", "organ__code", "paragraph", "title", "text", "outcome", "status",
        "meeting__date", "meeting__status", "meeting__minutes__adjusted_at", "case__diary_number"))
    corrections: dict[int, list[str]] = {}
    if rows:
        for decision_id, text in Correction.objects.filter(decision_id__in=[r[0] for r in rows]).order_by(
                "at", "pk").values_list("decision_id", "text"):
            corrections.setdefault(decision_id, []).append(text)
    out = []
    for (pk, organ, code, paragraph, title, text, outcome, status, date, meeting_status, adjusted_at,
         diary_number) in rows:
        org = ctx.organ(organ)[0]
        if org is None:
            continue
        reference = f"{code} {date:%Y-%m-%d} § {paragraph}"
        content = (f"{reference} {_text(title)}", _lines(text, outcomes.get(outcome, ""), *corrections.get(pk, ())),
                   "")
        tiers = TIERS if _decisions_public(meeting_status, adjusted_at) else (Tier.INTERNAL, Tier.SECRET)
        out += _rows(ctx, kind=Kind.DECISION, object_id=pk, organisation_id=org, organ_id=organ, date=date,
                     status=status, diary_number=diary_number or "", variants=dict.fromkeys(tiers, content))
    return out


def _meetings(ctx: _Context, where: Q) -> list[dict]:
    rows = list(Meeting.objects.filter(where).order_by().values_list(
        "pk", "organ_id", "organ__name", "date", "status", "place", "minutes__adjusted_at"))
    items: dict[int, list[str]] = {}
    if rows:
        for meeting_id, position, title in AgendaItem.objects.filter(
                meeting_id__in=[r[0] for r in rows]).order_by("meeting_id", "position").values_list(
                "meeting_id", "position", "title"):
            items.setdefault(meeting_id, []).append(f"{position}. {title}")
    out = []
    for pk, organ, organ_name, date, status, place, adjusted_at in rows:
        org = ctx.organ(organ)[0]
        if org is None:
            continue
        if adjusted_at is not None:
            status = Meeting.Status.ADJUSTED  # see _decisions_public
        content = (f"{_text(organ_name)} {date:%Y-%m-%d}", _lines(place, *items.get(pk, ())), "")
        tiers = TIERS if status in PUBLIC_MEETING_STATUSES else (Tier.INTERNAL, Tier.SECRET)
        out += _rows(ctx, kind=Kind.MEETING, object_id=pk, organisation_id=org, organ_id=organ, date=date,
                     status=status, diary_number="", variants=dict.fromkeys(tiers, content))
    return out


# --- plans ------------------------------------------------------------------------------------
def _snapshot_lines(data: dict) -> list[str]:
    lines = []
    for area in data.get("focus_areas") or ():
        lines += [area.get("title"), area.get("description")]
        for goal in area.get("goals") or ():
            lines += [goal.get("title"), goal.get("description")]
            for action in goal.get("actions") or ():
                lines += [action.get("title"), action.get("description")]
    return lines


def _working_copies(ids: list[int]) -> dict[int, list[str]]:
    """The live structure of the plans as lines, internal notes included (staff read them)."""
    entries: dict[int, list[tuple]] = {}
    for doc, pos, title, description in FocusArea.objects.filter(document_id__in=ids).values_list(
            "document_id", "position", "title", "description"):
        entries.setdefault(doc, []).append(((pos, 0, 0), [title, description]))
    for doc, area_pos, pos, title, description in Goal.objects.filter(
            focus_area__document_id__in=ids).values_list(
            "focus_area__document_id", "focus_area__position", "position", "title", "description"):
        entries.setdefault(doc, []).append(((area_pos, pos, 0), [title, description]))
    for doc, area_pos, goal_pos, pos, title, description, note in Action.objects.filter(
            goal__focus_area__document_id__in=ids).values_list(
            "goal__focus_area__document_id", "goal__focus_area__position", "goal__position", "position", "title",
            "description", "internal_note"):
        entries.setdefault(doc, []).append(((area_pos, goal_pos, pos + 1), [title, description, note]))
    return {doc: [line for _order, parts in sorted(items, key=lambda e: e[0]) for line in parts]
            for doc, items in entries.items()}


def _plans(ctx: _Context, where: Q) -> list[dict]:
    kinds = {value: str(label) for value, label in SteeringDocument.Kind.choices}
    rows = list(SteeringDocument.objects.filter(where).order_by().values_list(
        "pk", "case__organisation_id", "case__organ_id", "kind", "title", "description", "status", "created_at"))
    ids = [r[0] for r in rows]
    versions: dict[int, tuple[dict, object]] = {}
    working: dict[int, list[str]] = {}
    if ids:
        for doc, snapshot, adopted_at in PlanVersion.objects.filter(document_id__in=ids).order_by(
                "document_id", "-number").values_list("document_id", "snapshot", "adopted_at"):
            versions.setdefault(doc, (snapshot or {}, adopted_at))
        working = _working_copies(ids)
    out = []
    for pk, org, organ, kind, title, description, status, created_at in rows:
        version = versions.get(pk)
        head = (kinds.get(kind, ""), description)
        internal = (_text(title), _lines(*head, *working.get(pk, ())), "")
        variants = {Tier.INTERNAL: internal, Tier.SECRET: internal}
        if version is not None:
            variants[Tier.PUBLIC] = (_text(title), _lines(*head, *_snapshot_lines(version[0])), "")
        date = _local_date(version[1] if version is not None else created_at, ctx.tz)
        out += _rows(ctx, kind=Kind.PLAN, object_id=pk, organisation_id=org, organ_id=organ, date=date,
                     status=status, diary_number="", variants=variants)
    return out


# --- entry points -----------------------------------------------------------------------------
def _build(ctx: _Context, kind: str, where: Q, files_where: Q | None = None) -> list[dict]:
    # The index speaks the site's language (the neutral masking texts, labels),
    # whoever's request the refresh runs in.
    with translation.override(settings.LANGUAGE_CODE):
        return _build_kind(ctx, kind, where, files_where)


def _build_kind(ctx: _Context, kind: str, where: Q, files_where: Q | None) -> list[dict]:
    if kind == Kind.CASE:
        return _cases(ctx, where)
    if kind == Kind.DOCUMENT:
        return _documents(ctx, where, files_where)
    if kind == Kind.DECISION:
        return _decisions(ctx, where)
    if kind == Kind.MEETING:
        return _meetings(ctx, where)
    if kind == Kind.PLAN:
        return _plans(ctx, where)
    raise ValueError(kind)


def rows_for(kind: str, ids: Iterable[int], ctx: _Context | None = None) -> list[dict]:
    """The rows of these records as they are now (none for a record that is gone)."""
    ids = sorted(set(ids))
    if not ids:
        return []
    ctx = ctx or _Context.load()
    return _build(ctx, kind, Q(pk__in=ids), Q(document_id__in=ids))


def context(*, digests: bool = True) -> _Context:
    return _Context.load(digests=digests)


def count(kind: str) -> int:
    return MODELS[kind].objects.count()


def stream(kind: str, *, chunk: int = 5000, ctx: _Context | None = None) -> Iterator[tuple[int, list[dict]]]:
    """Every record of a kind in chunks of ids: (records read, rows) per chunk,
    each read with a few range queries."""
    ctx = ctx or _Context.load(digests=False)
    ids = list(MODELS[kind].objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        low, high = part[0], part[-1]
        yield len(part), _build(ctx, kind, Q(pk__gte=low, pk__lte=high),
                                Q(document_id__gte=low, document_id__lte=high))
