"""Bulk downloads of the public datasets (issue 7, item 6): CSV and JSON,
streamed row by row so that memory stays flat however large the register is.

Each dataset is a generator of rows (dicts with the dataset's stable columns,
documented in docs/OPEN_DATA.md) over `.iterator(chunk_size=CHUNK)`; the
writers turn rows into CSV or JSON text chunks. The same generators serve the
/datasets/<name>.csv|.json views and the `dump_datasets` command.

Only what the public may see, with its rows from the access modules of the
apps that own them: register entries (registry.access.public_documents) are
masked by the register's own selector for an anonymous reader, exactly as the
public register shows them; decisions only once the minutes are adjusted
(decisions.access.public_decisions); meetings only once the notice is published
(public_meetings); plans only as their latest adopted version
(plans.access.public_plans, public_versions); the history's heads as published
each day (heads.head_rows)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from diarium.accounts import access as accounts_access
from diarium.accounts.sites import site_organisation
from diarium.accounts.models import Organisation
from diarium.decisions import access as decisions_access
from diarium.decisions.models import Decision, Meeting
from diarium.plans import access as plans_access
from diarium.plans.models import SteeringDocument
from diarium.registry import access as registry_access
from diarium.registry import selectors as registry_selectors
from diarium.registry.models import Case, Document

from . import heads, selectors
from .models import Dump

CHUNK = 2000

Row = dict[str, object]


def _url(path: str) -> str:
    return settings.SITE_URL + path


def _urls(viewname: str) -> Callable[[int], str]:
    """_url(reverse(viewname, args=[pk])) for each row, the view reversed once
    (reverse() per row was a third of the time of the register dump)."""
    return selectors.url_for_ids(viewname, absolute=_url)


def _labels(choices) -> dict:
    """A field's choice labels, translated once: get_FOO_display() translates
    every choice on each call."""
    return {value: str(label) for value, label in choices}


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


# --- the register ---------------------------------------------------------------------------
REGISTER_COLUMNS = (
    "organisation", "organ_code", "organ", "diary_number", "case_title", "case_status", "reference",
    "document_number", "direction", "document_date", "registered_at", "counterpart", "description",
    "secrecy_marked", "url",
)


def register_rows(organisation: Organisation | None = None) -> Iterator[Row]:
    """One row a registered document, oldest first, masked as the public
    register shows it ("Sekretessmarkerad uppgift", "Privatperson")."""
    user = selectors.public_user()
    labels = {value: str(label) for value, label in Document.Direction.choices}
    statuses, url = _labels(Case.Status.choices), _urls("registry:document_detail")
    # document_type: the entry reads its name (a query for every other row without it).
    qs = registry_access.public_documents().select_related("case", "case__organ", "case__organisation", "document_type")
    if organisation is not None:
        qs = qs.filter(case__organisation=organisation)
    for document in qs.order_by("registered_at", "id").iterator(chunk_size=CHUNK):
        case = document.case
        # The register's masking for the public: the function its pages, API and feeds use.
        entry = registry_selectors.register_entry(user=user, document=document, direction_labels=labels)
        item = selectors.RegisterItem(entry=entry, case=case)
        yield {
            "organisation": case.organisation.name,
            "organ_code": case.organ.code,
            "organ": case.organ.name,
            "diary_number": case.diary_number,
            "case_title": case.title,
            "case_status": statuses.get(case.status, case.status),
            "reference": entry.reference,
            "document_number": entry.number,
            "direction": entry.direction_label,
            "document_date": _iso(entry.document_date),
            "registered_at": _iso(entry.registered_at),
            "counterpart": "" if item.counterpart_text == "–" else item.counterpart_text,
            "description": item.description_text,
            "secrecy_marked": entry.is_secret,
            "url": url(entry.id),
        }


# --- decisions ------------------------------------------------------------------------------
DECISION_COLUMNS = (
    "organisation", "organ_code", "organ", "reference", "year", "paragraph", "title", "text", "outcome",
    "status", "diary_number", "meeting_date", "minutes_adjusted_at", "posted_on", "take_down_on",
    "appeal_ends_on", "url",
)


def decision_rows(organisation: Organisation | None = None) -> Iterator[Row]:
    """Decisions in adjusted minutes, in meeting order."""
    user = selectors.public_user()
    outcomes, statuses = _labels(Decision.Outcome.choices), _labels(Decision.Status.choices)
    url = _urls("decisions:decision_detail")
    qs = (decisions_access.public_decisions().filter(meeting__minutes__adjusted_at__isnull=False)
          .select_related("organisation", "organ", "meeting", "meeting__minutes", "case"))
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    for d in qs.order_by("meeting__date", "organ_id", "paragraph", "id").iterator(chunk_size=CHUNK):
        if not decisions_access.decisions_visible(user, d.meeting):
            continue
        minutes = d.meeting.minutes
        yield {
            "organisation": d.organisation.name,
            "organ_code": d.organ.code,
            "organ": d.organ.name,
            "reference": d.reference,
            "year": d.year,
            "paragraph": d.paragraph,
            "title": d.title,
            "text": d.text,
            "outcome": outcomes.get(d.outcome, d.outcome),
            "status": statuses.get(d.status, d.status),
            "diary_number": d.case.diary_number if d.case_id else None,
            "meeting_date": _iso(d.meeting.date),
            "minutes_adjusted_at": _iso(minutes.adjusted_at),
            "posted_on": _iso(minutes.posted_on),
            "take_down_on": _iso(minutes.take_down_on),
            "appeal_ends_on": _iso(minutes.appeal_ends_on),
            "url": url(d.pk),
        }


# --- meetings -------------------------------------------------------------------------------
MEETING_COLUMNS = (
    "organisation", "organ_code", "organ", "date", "start_time", "end_time", "place", "status",
    "notice_published_at", "minutes_adjusted_at", "posted_on", "take_down_on", "appeal_ends_on", "url",
)


def meeting_rows(organisation: Organisation | None = None) -> Iterator[Row]:
    """Meetings whose notice is published (or later), in date order."""
    user = selectors.public_user()
    statuses, url = _labels(Meeting.Status.choices), _urls("decisions:meeting_detail")  # Meeting.get_absolute_url
    qs = (decisions_access.public_meetings()
          .select_related("organisation", "organ", "minutes"))
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    for m in qs.order_by("date", "start_time", "id").iterator(chunk_size=CHUNK):
        if not decisions_access.meeting_visible(user, m):
            continue
        minutes = m.minutes if selectors._has_minutes(m) else None
        adjusted = (minutes is not None and minutes.adjusted_at is not None
                    and decisions_access.decisions_visible(user, m))
        yield {
            "organisation": m.organisation.name,
            "organ_code": m.organ.code,
            "organ": m.organ.name,
            "date": _iso(m.date),
            "start_time": _iso(m.start_time),
            "end_time": _iso(m.end_time),
            "place": m.place,
            "status": statuses.get(m.status, m.status),
            "notice_published_at": _iso(m.notice_published_at),
            "minutes_adjusted_at": _iso(minutes.adjusted_at) if adjusted else None,
            "posted_on": _iso(minutes.posted_on) if adjusted else None,
            "take_down_on": _iso(minutes.take_down_on) if adjusted else None,
            "appeal_ends_on": _iso(minutes.appeal_ends_on) if adjusted else None,
            "url": url(m.pk),
        }


# --- plans ----------------------------------------------------------------------------------
PLAN_COLUMNS = (
    "organisation", "plan_id", "plan_title", "plan_kind", "plan_status", "owner_organ", "period_start",
    "period_end", "version", "adopted_at", "focus_area", "goal", "action_id", "action_title",
    "action_description", "responsible_organ", "action_start", "action_end", "funding_source", "budget_year",
    "operating", "investment", "url",
)


def plan_rows(organisation: Organisation | None = None) -> Iterator[Row]:
    """The actions of adopted plans, as the latest adopted version holds them
    (what the public plan page shows; never the working copy or internal
    notes): one row an action and budget year, or one row for an action
    without a budget."""
    kinds = dict(SteeringDocument.Kind.choices)
    statuses = dict(SteeringDocument.Status.choices)
    qs = plans_access.public_plans().select_related("organisation", "owner_organ")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    for plan in qs.order_by("id").iterator(chunk_size=CHUNK):
        version = (plans_access.public_versions().filter(document=plan).order_by("-number")
                   .only("number", "adopted_at", "snapshot").first())
        if version is None:
            continue
        data = version.snapshot
        base = {
            "organisation": plan.organisation.name,
            "plan_id": plan.pk,
            "plan_title": data.get("title", plan.title),
            "plan_kind": str(kinds.get(data.get("kind", plan.kind), plan.kind)),
            "plan_status": str(statuses.get(plan.status, plan.status)),
            "owner_organ": plan.owner_organ.name,
            "period_start": (data.get("period") or [plan.period_start, plan.period_end])[0],
            "period_end": (data.get("period") or [plan.period_start, plan.period_end])[1],
            "version": version.number,
            "adopted_at": _iso(version.adopted_at),
        }
        url = _url(reverse("plans:plan_detail", args=[plan.pk]))
        for area in data.get("focus_areas", []):
            for goal in area.get("goals", []):
                for action in goal.get("actions", []):
                    row = {
                        **base,
                        "focus_area": area.get("title", ""),
                        "goal": goal.get("title", ""),
                        "action_id": action.get("key"),
                        "action_title": action.get("title", ""),
                        "action_description": action.get("description", ""),
                        "responsible_organ": action.get("responsible_organ", ""),
                        "action_start": action.get("start"),
                        "action_end": action.get("end"),
                        "funding_source": action.get("funding_source", ""),
                    }
                    budgets = sorted((action.get("budgets") or {}).items(), key=lambda kv: int(kv[0]))
                    for year, amounts in budgets or [(None, None)]:
                        yield {
                            **row,
                            "budget_year": int(year) if year is not None else None,
                            "operating": Decimal(amounts["operating"]) if amounts else None,
                            "investment": Decimal(amounts["investment"]) if amounts else None,
                            "url": url,
                        }


# --- the datasets and the writers -----------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[str, ...]
    rows: Callable[[Organisation | None], Iterator[Row]]
    title_sv: str
    title_en: str
    description_sv: str
    description_en: str


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("register", REGISTER_COLUMNS, register_rows,
            "Offentlig diarieförteckning", "Public case register",
            "Registrerade handlingar i kommunens diarium: datum, diarienummer, avsändare/mottagare och "
            "beskrivning. Sekretessmarkerade uppgifter och privatpersoners namn är ersatta med "
            "\"Sekretessmarkerad uppgift\" och \"Privatperson\".",
            "Documents registered in the municipality's case register: date, diary number, sender/recipient "
            "and description. Secret values and private persons' names are replaced by neutral texts."),
    Dataset("decisions", DECISION_COLUMNS, decision_rows,
            "Beslut", "Decisions",
            "Beslut i justerade protokoll från kommunens organ, med paragraf, beslutstext och "
            "överklagandetid.",
            "Decisions in the adjusted minutes of the municipality's organs, with paragraph, text and "
            "appeal period."),
    Dataset("meetings", MEETING_COLUMNS, meeting_rows,
            "Sammanträden", "Meetings",
            "Sammanträden med kommunens organ vars kallelse är publicerad, med tid, plats och anslag av "
            "justerat protokoll.",
            "Meetings of the municipality's organs with a published notice: time, place and the posting of "
            "the adjusted minutes."),
    Dataset("plans", PLAN_COLUMNS, plan_rows,
            "Styrdokument: aktiviteter och budget", "Steering documents: actions and budgets",
            "Aktiviteter och budget per år i antagna planer och program, enligt den senast antagna versionen.",
            "Actions and yearly budgets of adopted plans and programmes, as in the latest adopted version."),
    Dataset("chain-heads", heads.HEAD_COLUMNS, heads.head_rows,
            "Diariets historik: dagliga kedjehuvuden", "The register's history: daily chain heads",
            "Varje dags huvud för organisationens förseglade historik (antal händelser och SHA-256 över "
            "kedjan), publicerat dagligen och bevarat: den som sparar en fil kan senare låta kontrollera att "
            "historiken fram till dess inte har skrivits om (diarium verify --heads).",
            "Each day's head of the organisation's sealed history (number of events and the SHA-256 over the "
            "chain), published daily and kept: whoever keeps a file can later have it checked that the history "
            "up to then has not been rewritten (diarium verify --heads)."),
)}

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def csv_chunks(rows: Iterable[Row], columns: tuple[str, ...], *, batch: int = 200) -> Iterator[str]:
    """RFC 4180 CSV (comma, CRLF, UTF-8 without BOM): the header, then the rows,
    a few hundred rows a chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([_csv_value(row[c]) for c in columns])
        n += 1
        if n % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(rows: Iterable[Row], columns: tuple[str, ...], *, batch: int = 200) -> Iterator[str]:
    """A JSON array of objects with the columns as keys (null for no value,
    amounts as strings), a few hundred objects a chunk."""
    parts = ["["]
    first = True
    for row in rows:
        parts.append(("\n" if first else ",\n")
                     + json.dumps({c: _json_value(row[c]) for c in columns}, ensure_ascii=False))
        first = False
        if len(parts) >= batch:
            yield "".join(parts)
            parts = []
    parts.append("\n]\n")
    yield "".join(parts)


def chunks(name: str, fmt: str, organisation: Organisation | None = None) -> Iterator[str]:
    dataset = DATASETS[name]
    writer = csv_chunks if fmt == "csv" else json_chunks
    return writer(dataset.rows(organisation), dataset.columns)


def filename(name: str, fmt: str) -> str:
    return f"{name}.{fmt}"


# --- the view -------------------------------------------------------------------------------
STORED_PREFIX = "opendata/"  # where `dump_datasets` and the nightly job write


def stored_name(name: str, fmt: str, organisation: Organisation | None = None) -> str:
    return STORED_PREFIX + (f"{organisation.slug}/" if organisation else "") + filename(name, fmt)


def _stored_dump(name: str, fmt: str, organisation: Organisation | None):
    """The nightly dump, if there is one that is still safe to hand out: a file
    whose rows began to be read before a document was marked secret could show
    what is now masked, so from that moment the live stream is served until the
    next dump replaces it. Both times come from the database's side of the
    application (not the storage's clock)."""
    dump = (Dump.objects.filter(name=name, fmt=fmt, organisation=organisation)
            .order_by("-written_at").first())
    if dump is None:
        return None
    if registry_selectors.secrecy_marked_since(dump.started_at, organisation=organisation):
        return None
    try:
        if not default_storage.exists(dump.stored_name):
            return None
    except OSError:
        return None
    return dump


@require_safe
@cache_control(public=True, no_cache=True)  # stored, but revalidated each time: a masking takes effect at once
def dump_view(request, name: str, fmt: str):
    """GET /datasets/<name>.csv|.json. The nightly dump from the file storage
    when there is a current one (with Last-Modified and ETag, so a harvester's
    conditional request gets 304); otherwise the dataset streamed as it is read,
    so memory stays flat. ?organisation=<slug> narrows it to one organisation."""
    if name not in DATASETS or fmt not in FORMATS:
        raise Http404(_("Datamängden finns inte."))
    organisation = site_organisation(request)  # an organisation's own site: its data only
    slug = (request.GET.get("organisation") or "").strip()
    if organisation is not None:
        if slug and slug != organisation.slug:
            raise Http404(_("Organisationen finns inte."))
        slug = organisation.slug
    elif slug:
        organisation = accounts_access.public_organisations().filter(slug=slug).first()
        if organisation is None:
            raise Http404(_("Organisationen finns inte."))
    dump = _stored_dump(name, fmt, organisation)
    if dump is not None:
        stamp = int(dump.written_at.timestamp())
        etag = quote_etag(f"{name}-{fmt}-{slug or 'all'}-{stamp}")
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if request.headers.get("If-None-Match") == etag or (
                "If-None-Match" not in request.headers and since is not None and since >= stamp):
            response = HttpResponseNotModified()
        else:
            response = FileResponse(default_storage.open(dump.stored_name, "rb"), content_type=FORMATS[fmt])
        response["ETag"] = etag
        response["Last-Modified"] = http_date(stamp)
    else:
        encoded = (chunk.encode("utf-8") for chunk in chunks(name, fmt, organisation))
        response = StreamingHttpResponse(encoded, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'inline; filename="{filename(name, fmt)}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
