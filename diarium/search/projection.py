"""From the domain tables to SearchRecord rows: what each audience tier may read.

Each builder reads many records at once with a few plain queries (values_list,
no per-record queries) and returns rows as dicts of SearchRecord fields. The
rows and the rules are the domain apps' own, from their access modules: every
record with whether the public reads it (decisions.access.meetings_with_public_flag,
decisions_with_public_flag, plans.access.plans_with_public_flag),
registry.access.mask_reason / content_hidden and registry.masking for
documents, the adopted versions for plans (plans.access.public_versions) and
their working copy for staff (working_copy). What the public page of an object
shows is what its public variant holds:

- case: diary number, title, description, organ, status; public in every tier.
- document: reference, description and counterpart as the tier is shown them
  (masked values replaced by the neutral text, never stored), direction, date,
  and the text of the latest version of each file unless the tier may not
  read the files (a secret document's files are only in the secret tier).
- decision: "KS 2018-09-24 § 141", title, text, motions, reservations and other
  notes (as "Reservation: …"), corrections; public once the
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
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db import connections
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone, translation

from diarium.accounts import access as accounts_access
from diarium.decisions import access as decisions_access
from diarium.decisions.models import Decision, DecisionNote, Meeting
from diarium.plans import access as plans_access
from diarium.plans.models import SteeringDocument
from diarium.registry import access as registry_access
from diarium.registry import masking
from diarium.registry.models import Blob, Document

from .models import FileText, Kind, Tier

logger = logging.getLogger("diarium.search")

TIERS = (Tier.PUBLIC, Tier.INTERNAL, Tier.SECRET)
# (read_secret, read_internal) of each tier, as registry.access takes them.
_RIGHTS = {Tier.PUBLIC: (False, False), Tier.INTERNAL: (False, True), Tier.SECRET: (True, True)}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URL_PLACEHOLDER = 987654321

# Every record of a kind, from the access module of the app that owns it.
SOURCES = {Kind.CASE: registry_access.public_cases, Kind.DOCUMENT: registry_access.public_documents,
           Kind.DECISION: decisions_access.decisions_with_public_flag,
           Kind.MEETING: decisions_access.meetings_with_public_flag, Kind.PLAN: plans_access.plans_with_public_flag}


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
    # Newly extracted file texts, when the caller keeps them itself (a rebuild's
    # producer processes leave writing to the one that writes the projection).
    kept_texts: list | None = None

    @classmethod
    def load(cls, *, digests: bool = True) -> _Context:
        organs = {pk: (org, f"{name} ({code})") for pk, org, name, code in
                  accounts_access.public_organs().values_list("pk", "organisation_id", "name", "code")}
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
            registry_access.public_cases().filter(where).order_by().values_list(
                "pk", "diary_number", "title", "description", "status", "registered_at", "organisation_id",
                "organ_id")):
        text = (_text(title), _lines(description), "")
        out += _rows(ctx, kind=Kind.CASE, object_id=pk, organisation_id=org, organ_id=organ,
                     date=_local_date(registered_at, ctx.tz), status=status, diary_number=number,
                     variants=dict.fromkeys(TIERS, text))
    return out


# --- documents --------------------------------------------------------------------------------
def extract_text(document_file) -> str | None:
    """The file's text through diarium.search.extract (imported lazily: without
    it files add no text). None when the storage fails: the file is indexed
    without its text, logged, and read again next time (`diarium reindex`)."""
    try:
        from .extract import text_of_file
    except ImportError:
        return ""
    try:
        return _text(text_of_file(document_file))
    except Exception:
        logger.warning("No text from file %s of document %s", document_file.pk, document_file.document_id,
                       exc_info=True)
        return None


def file_texts(where: Q, ctx: _Context | None = None) -> dict[int, tuple[str, str]]:
    """The text of the latest version of each file of the documents, by document:
    (all of it, what the public may read: without the files the masking
    assistant withholds, registry.access.file_withheld).

    Texts come from the kept texts (FileText) where they were extracted from the
    same content with the same extractor; the others are extracted now and kept
    (by ctx.kept_texts' owner when it collects them, see services.index_rebuild)."""
    from .extract import kind_of, signature

    current = signature()
    latest: dict[tuple[int, int], tuple] = {}
    files = registry_access.document_files().filter(where)
    for row in files.order_by("document_id", "position", "-version").values_list(
            "document_id", "position", "pk", "filename", "blob_id", "blob__size", "blob__content_type",
            "blob__storage_name", "blob__search_text__kind", "blob__search_text__extractor",
            "blob__search_text__text", "privacy_withheld"):
        latest.setdefault((row[0], row[1]), row)
    texts: dict[int, list[str]] = {}
    public: dict[int, list[str]] = {}
    fresh: dict[str, FileText] = {}
    now = timezone.now()
    for (document_id, _position), (_d, _p, pk, filename, sha, size, content_type, storage_name, kept_kind,
                                    kept_by, kept_text, withheld) in sorted(latest.items()):
        kind = kind_of(content_type, filename)
        if kind is None:
            text = ""
        elif kept_by == current and kept_kind == kind:
            text = kept_text
        elif sha in fresh and fresh[sha].kind == kind:
            text = fresh[sha].text
        else:
            blob = Blob(sha256=sha, size=size, content_type=content_type, storage_name=storage_name)
            text = extract_text(SimpleNamespace(pk=pk, document_id=document_id, filename=filename, blob=blob))
            if text is not None:
                fresh[sha] = FileText(blob_id=sha, kind=kind, extractor=current, text=text, extracted_at=now)
        texts.setdefault(document_id, []).append(text or "")
        if not registry_access.file_withheld(SimpleNamespace(privacy_withheld=withheld), read_internal=False):
            public.setdefault(document_id, []).append(text or "")
    if fresh:
        if ctx is not None and ctx.kept_texts is not None:
            ctx.kept_texts.extend(fresh.values())
        else:
            texts_keep(list(fresh.values()))
    return {d: (_lines(*parts), _lines(*public.get(d, []))) for d, parts in texts.items()}


def screening_text(document_file) -> str | None:
    """A file's text for the masking assistant (registry.screening's text source):
    the kept text when it was extracted from the same content by the same
    extractor, else extracted now and kept for the index too."""
    from .extract import kind_of, signature

    blob = document_file.blob
    kind = kind_of(blob.content_type, document_file.filename)
    if kind is None:
        return ""
    current = signature()
    kept = FileText.objects.filter(blob_id=blob.pk, extractor=current, kind=kind).values_list("text", flat=True)
    for text in kept:
        return text
    text = extract_text(document_file)
    if text is not None:
        texts_keep([FileText(blob_id=blob.pk, kind=kind, extractor=current, text=text, extracted_at=timezone.now())])
    return text


def texts_keep(texts: list[FileText]) -> None:
    """Keep extracted texts (one statement; a text kept meanwhile by another process is replaced)."""
    if texts:
        FileText.objects.bulk_create(texts, batch_size=500, update_conflicts=True, unique_fields=["blob"],
                                     update_fields=["kind", "extractor", "text", "extracted_at"])


def _document_variant(doc, description: str, counterpart: str, direction_label: str, file_text: tuple[str, str],
                      tier: str) -> tuple[tuple[str, str, str], bool]:
    """(title, body, file text) of a document as readers of `tier` are shown it,
    and whether anything was withheld from them."""
    read_secret, read_internal = _RIGHTS[tier]
    description_reason = registry_access.mask_reason(doc, "description", read_secret=read_secret,
                                                     read_internal=read_internal)
    counterpart_reason = registry_access.mask_reason(doc, "counterpart", read_secret=read_secret,
                                                     read_internal=read_internal)
    hidden = registry_access.content_hidden(doc, read_secret=read_secret)
    variant = (_text(masking.shown_text(description, description_reason)),
               _lines(masking.shown_text(counterpart, counterpart_reason), direction_label),
               "" if hidden else file_text[0] if read_internal else file_text[1])
    return variant, bool(description_reason or counterpart_reason or hidden or file_text[0] != file_text[1])


def _documents(ctx: _Context, where: Q, files_where: Q) -> list[dict]:
    directions = {value: str(label) for value, label in Document.Direction.choices}
    # masked_fields as its JSON text, decoded only for the few secret documents
    # (the field's own decoding costs a tenth of a rebuild's reading).
    rows = list(registry_access.public_documents().filter(where).order_by().annotate(
        masked_json=Cast("masked_fields", TextField())).values_list(
        "pk", "number", "direction", "document_date", "counterpart", "counterpart_is_private", "description",
        "is_secret", "masked_json", "case__diary_number", "case__organisation_id", "case__organ_id"))
    texts = file_texts(files_where, ctx) if rows else {}
    out = []
    for (pk, number, direction, date, counterpart, private, description, secret, masked_fields, diary_number,
         org, organ) in rows:
        masked_fields = (json.loads(masked_fields) or []) if secret and masked_fields else []
        doc = SimpleNamespace(is_secret=secret, masked_fields=masked_fields, counterpart_is_private=private)
        direction_label = directions.get(direction, "")
        file_text = texts.get(pk, ("", ""))
        fields = (doc, description, counterpart, direction_label, file_text)
        public, withheld = _document_variant(*fields, Tier.PUBLIC)
        if not withheld:
            # More rights never hide more: what the public is shown whole, every
            # tier is shown the same (most documents).
            variants = dict.fromkeys(TIERS, public)
        else:
            secret_variant = _document_variant(*fields, Tier.SECRET)[0]
            internal = public if public == secret_variant else _document_variant(*fields, Tier.INTERNAL)[0]
            variants = {Tier.PUBLIC: public, Tier.INTERNAL: internal, Tier.SECRET: secret_variant}
        out += _rows(ctx, kind=Kind.DOCUMENT, object_id=pk, organisation_id=org, organ_id=organ, date=date,
                     status=direction, diary_number=f"{diary_number}-{number}", variants=variants)
    return out


# --- meetings and decisions -------------------------------------------------------------------
def _decisions(ctx: _Context, where: Q) -> list[dict]:
    outcomes = {value: str(label) for value, label in Decision.Outcome.choices}
    # `public`: decisions.access.decisions_public, which reads the minutes too
    # (the meeting's status is set without a signal when they are adjusted).
    rows = list(decisions_access.decisions_with_public_flag().filter(where).order_by().values_list(
        "pk", "meeting__organ_id", "organ__code", "paragraph", "title", "text", "outcome", "status",
        "meeting__date", "public", "case__diary_number"))
    corrections: dict[int, list[str]] = {}
    notes: dict[int, list[str]] = {}  # motions, reservations, dissents: "Reservation: …"
    if rows:
        ids = [r[0] for r in rows]
        for decision_id, text in decisions_access.corrections_of(ids).order_by(
                "at", "pk").values_list("decision_id", "text"):
            corrections.setdefault(decision_id, []).append(text)
        note_kinds = {value: str(label) for value, label in DecisionNote.Kind.choices}
        for decision_id, kind, text in decisions_access.notes_of(ids).order_by(
                "decision_id", "position").values_list("decision_id", "kind", "text"):
            notes.setdefault(decision_id, []).append(f"{note_kinds.get(kind, '')}: {text}")
    out = []
    for (pk, organ, code, paragraph, title, text, outcome, status, date, public, diary_number) in rows:
        org = ctx.organ(organ)[0]
        if org is None:
            continue
        reference = f"{code} {date:%Y-%m-%d} § {paragraph}"
        content = (f"{reference} {_text(title)}",
                   _lines(text, outcomes.get(outcome, ""), *notes.get(pk, ()), *corrections.get(pk, ())), "")
        tiers = TIERS if public else (Tier.INTERNAL, Tier.SECRET)
        out += _rows(ctx, kind=Kind.DECISION, object_id=pk, organisation_id=org, organ_id=organ, date=date,
                     status=status, diary_number=diary_number or "", variants=dict.fromkeys(tiers, content))
    return out


def _meetings(ctx: _Context, where: Q) -> list[dict]:
    rows = list(decisions_access.meetings_with_public_flag().filter(where).order_by().values_list(
        "pk", "organ_id", "organ__name", "date", "status", "place", "minutes__adjusted_at", "public"))
    items: dict[int, list[str]] = {}
    if rows:
        for meeting_id, position, title in decisions_access.agenda_items_of(
                [r[0] for r in rows]).order_by("meeting_id", "position").values_list(
                "meeting_id", "position", "title"):
            items.setdefault(meeting_id, []).append(f"{position}. {title}")
    out = []
    for pk, organ, organ_name, date, status, place, adjusted_at, public in rows:
        org = ctx.organ(organ)[0]
        if org is None:
            continue
        if adjusted_at is not None:
            status = Meeting.Status.ADJUSTED  # see _decisions
        content = (f"{_text(organ_name)} {date:%Y-%m-%d}", _lines(place, *items.get(pk, ())), "")
        tiers = TIERS if public else (Tier.INTERNAL, Tier.SECRET)
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
    areas, goals, actions = plans_access.working_copy(ids)
    for doc, pos, title, description in areas.values_list("document_id", "position", "title", "description"):
        entries.setdefault(doc, []).append(((pos, 0, 0), [title, description]))
    for doc, area_pos, pos, title, description in goals.values_list(
            "focus_area__document_id", "focus_area__position", "position", "title", "description"):
        entries.setdefault(doc, []).append(((area_pos, pos, 0), [title, description]))
    for doc, area_pos, goal_pos, pos, title, description, note in actions.values_list(
            "goal__focus_area__document_id", "goal__focus_area__position", "goal__position", "position", "title",
            "description", "internal_note"):
        entries.setdefault(doc, []).append(((area_pos, goal_pos, pos + 1), [title, description, note]))
    return {doc: [line for _order, parts in sorted(items, key=lambda e: e[0]) for line in parts]
            for doc, items in entries.items()}


def _plans(ctx: _Context, where: Q) -> list[dict]:
    kinds = {value: str(label) for value, label in SteeringDocument.Kind.choices}
    rows = list(plans_access.plans_with_public_flag().filter(where).order_by().values_list(
        "pk", "case__organisation_id", "case__organ_id", "kind", "title", "description", "status", "created_at",
        "public"))
    ids = [r[0] for r in rows]
    versions: dict[int, tuple[dict, object]] = {}
    working: dict[int, list[str]] = {}
    if ids:
        for doc, snapshot, adopted_at in plans_access.public_versions().filter(document_id__in=ids).order_by(
                "document_id", "-number").values_list("document_id", "snapshot", "adopted_at"):
            versions.setdefault(doc, (snapshot or {}, adopted_at))
        working = _working_copies(ids)
    out = []
    for pk, org, organ, kind, title, description, status, created_at, public in rows:
        version = versions.get(pk) if public else None
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
    return SOURCES[kind]().count()


CHUNK = 5000  # records of one job of a rebuild


def chunks(kind: str) -> Iterator[tuple[str, int, int, int]]:
    """Every record of a kind as jobs for produce(): (kind, lowest id, highest id, records)."""
    ids = list(SOURCES[kind]().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        yield kind, part[0], part[-1], len(part)


def produce(ctx: _Context, job: tuple[str, int, int, int], encode=None) -> tuple[int, list[dict], list]:
    """One job of a rebuild, read with a few range queries: (records read, rows,
    newly extracted file texts to keep). `encode` (the engine's) adds each row's
    document as the engine takes it, under ENCODED, so that work can run in a
    producer process too."""
    kind, low, high, records = job
    ctx.kept_texts = []
    rows = _build(ctx, kind, Q(pk__gte=low, pk__lte=high), Q(document_id__gte=low, document_id__lte=high))
    if encode is not None:
        for row in rows:
            row[ENCODED] = encode(row)
    kept, ctx.kept_texts = ctx.kept_texts, None
    return records, rows, kept


ENCODED = "_encoded"
PACKED = "_packed"

# --- producer processes (services.index_rebuild) ----------------------------------------------
_producer: tuple | None = None
_inherited: list = []  # a producer's database connections from before the fork: kept, never used


def producer_start(ctx: _Context, encode, pack) -> None:
    """Start of a forked producer process, which opens database connections of
    its own. The parent closed its connections before forking, but not always
    all of them: where an event loop runs in its thread (Playwright's, in the
    browser tests), Django keeps that thread's connections per context, and the
    ones opened outside the loop stay open and are what a forked process, which
    sees no loop, finds. Whatever this process inherited is set aside, unused
    and never closed: closing it here would end the parent's PostgreSQL session
    or let SQLite tidy a file the parent still has open."""
    global _producer
    for inherited in connections.all(initialized_only=True):
        _inherited.append(inherited)
        del connections[inherited.alias]
    _producer = (ctx, encode, pack)


def producer_run(job: tuple[str, int, int, int]) -> tuple[int, list[dict], list]:
    """produce() in a producer process. What goes back to the writing process is
    pickled there and unpickled here, so with an engine that takes encoded rows
    each row travels as only its database values (`pack`) and its encoding."""
    ctx, encode, pack = _producer
    records, rows, kept = produce(ctx, job, encode)
    if encode is not None:
        rows = [{PACKED: pack(row), ENCODED: row[ENCODED]} for row in rows]
    return records, rows, kept
