"""Reads of the search app: one search over cases, documents, decisions,
meetings and plans for the acting user, and the health of the index.

search() never raises on what a user can type or put in a query string: a
query the parser cannot use, or a filter that is not valid, gives a result
with a Swedish `message` (and `errors` per field) and no hits. The reader's
audience goes into the engine's query (access.py), so hits, totals, facet
counts and snippets show only what the reader may read. When the tantivy index
is missing or unreadable the database answers instead, with a notice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass, field

from django.db.models import Count, Min
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from diarium.accounts.access import public_organs
from diarium.accounts.models import Organ
from diarium.core.errors import DomainError
from diarium.decisions.models import Decision, Meeting
from diarium.plans.models import SteeringDocument
from diarium.registry import access as registry_access
from diarium.registry import diary_numbers
from diarium.registry.models import Case, Document
from diarium.registry.selectors import date_range_check

from . import query as query_parser
from .access import audience_for
from .engines import EngineResult, EngineUnavailable, Filters, fallback, get_engine
from .engines.database import HIT_FIELDS, hit_from_row, visible
from .models import IndexState, Kind, PendingChange, SearchRecord

logger = logging.getLogger("diarium.search")

SORTS = ("relevance", "date")
MAX_PER_PAGE = 100
MAX_RESULTS = 10_000  # deepest hit a page may reach
MAX_NUMBERED = 10  # cases one diary number may name (one per organisation and series)
_STATUS = re.compile(r"^[a-z_]{1,12}:[a-z_]{1,27}$")


@dataclass
class SearchHit:
    kind: str
    kind_label: str
    title: str
    url: str
    date: dt.date | None
    organ: str
    organ_id: int | None
    diary_number: str
    status: str
    status_label: str
    snippet_html: SafeString  # escaped text, <mark> around the matched words
    title_html: SafeString
    score: float | None = None
    key: str = ""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    query: str  # the cleaned query text that was searched for
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    total_is_lower_bound: bool = False  # more than `total` match ("fler än 1 000 träffar")
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)  # kind, organ, year, status
    facets_within: int | None = None  # facets counted among the first this many hits only
    message: str | None = None  # why there are no hits to show (empty query, invalid filter)
    errors: dict[str, list[str]] = field(default_factory=dict)  # per filter
    notices: list[str] = field(default_factory=list)  # worth telling (query cut short, fallback in use)
    engine: str = ""
    fallback: bool = False
    pending: int = 0  # changes not yet searchable
    lag_seconds: float = 0.0  # age of the oldest of them

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_RESULTS)
        return max(1, -(-reachable // self.per_page))

    @property
    def has_next(self) -> bool:
        if self.page < self.pages:
            return True
        # Past a total that is a lower bound, a full page may have more after it.
        return (self.total_is_lower_bound and len(self.hits) >= self.per_page
                and self.page * self.per_page < MAX_RESULTS)

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def status_labels() -> dict[str, str]:
    """The label of every status value a hit carries ("case:open" -> "Ärende:
    Öppet"), in the active language."""
    return dict(_status_labels_in(translation.get_language()))


@functools.lru_cache(maxsize=16)
def _status_labels_in(language: str | None) -> tuple[tuple[str, str], ...]:
    labels = []
    for kind, choices in ((Kind.CASE, Case.Status), (Kind.DOCUMENT, Document.Direction),
                          (Kind.DECISION, Decision.Status), (Kind.MEETING, Meeting.Status),
                          (Kind.PLAN, SteeringDocument.Status)):
        for value, label in choices.choices:
            labels.append((f"{kind}:{value}", f"{Kind(kind).label}: {label}"))
    return tuple(labels)


def _int(value, *, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(value)
    number = int(str(value).strip()) if not isinstance(value, int) else value
    if not low <= number <= high:
        raise ValueError(value)
    return number


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def _filters(*, kind, organ, year, date_from, date_to, status, sort) -> tuple[Filters, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    values: dict = {}
    if kind not in (None, ""):
        if str(kind) in Kind.values:
            values["kind"] = str(kind)
        else:
            errors["kind"] = [_("Okänd typ av träff.")]
    try:
        values["organ_id"] = _int(organ.pk if isinstance(organ, Organ) else organ, low=1, high=2**62)
    except (TypeError, ValueError):
        errors["organ"] = [_("Okänt organ.")]
    try:
        values["year"] = _int(year, low=1000, high=9999)
    except (TypeError, ValueError):
        errors["year"] = [_("Ogiltigt år.")]
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        try:
            values[name] = _date(value)
        except (TypeError, ValueError):
            errors[name] = [_("Ogiltigt datum. Skriv det som ÅÅÅÅ-MM-DD.")]
    if not errors.get("date_from") and not errors.get("date_to"):
        try:
            date_range_check(date_from=values.get("date_from"), date_to=values.get("date_to"))
        except DomainError as exc:
            for name, messages in (exc.errors or {"date_to": [exc.message]}).items():
                errors.setdefault(name, []).extend(messages)
    if status not in (None, ""):
        if isinstance(status, str) and _STATUS.match(status):
            values["status"] = status
        else:
            errors["status"] = [_("Okänd status.")]
    if sort not in SORTS:
        errors["sort"] = [_("Okänd sortering.")]
    return Filters(**values), errors


def pending_changes() -> tuple[int, float]:
    """Changes waiting in the outbox and the age of the oldest (seconds): the index's lag."""
    return _pending()


def _pending() -> tuple[int, float]:
    found = PendingChange.objects.aggregate(n=Count("id"), oldest=Min("queued_at"))
    oldest = found["oldest"]
    lag = max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0
    return found["n"] or 0, lag


def _facets(result: EngineResult, filters: Filters) -> dict[str, list[FacetValue]]:
    raw = result.facets or {}
    organ_ids = [value for value, _n in raw.get("organ", [])]
    found = list(public_organs().filter(pk__in=organ_ids).values_list("pk", "name", "organisation__name"))
    # One query for every label; with organs of several organisations (a county's
    # shared register) each says whose it is.
    several = len({organisation for _pk, _name, organisation in found}) > 1
    organs = {pk: f"{name}, {organisation}" if several else name for pk, name, organisation in found}
    statuses = status_labels()
    selected = {"kind": filters.kind, "organ": filters.organ_id, "year": filters.year, "status": filters.status}
    labels = {
        "kind": lambda v: str(Kind(v).label) if v in Kind.values else str(v),
        "organ": lambda v: organs.get(v, str(v)),
        "year": str,
        "status": lambda v: statuses.get(v, str(v)),
    }
    return {name: [FacetValue(value=str(v), label=labels[name](v), count=n, selected=v == selected[name])
                   for v, n in raw.get(name, [])]
            for name in ("kind", "organ", "year", "status")}


def search(*, user, q: str, kind: str | None = None, organ=None, year=None, date_from=None, date_to=None,
           status: str | None = None, sort: str = "relevance", page=1, per_page=20,
           organisation_id: int | None = None) -> SearchResult:
    """One page of what `user` may find for `q` among cases, documents,
    decisions, meetings and plans, with totals and facet counts (`organisation_id`:
    of that organisation only, on its own site)."""
    parsed = query_parser.parse(q)
    try:
        per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    except (TypeError, ValueError):
        per_page = 20
    try:
        page = max(int(page), 1)
    except (TypeError, ValueError):
        page = 1
    sort = sort or "relevance"
    result = SearchResult(query=parsed.text, page=page, per_page=per_page, sort=sort if sort in SORTS else "relevance",
                          notices=list(parsed.notices))
    filters, errors = _filters(kind=kind, organ=organ, year=year, date_from=date_from, date_to=date_to,
                               status=status, sort=sort)
    if organisation_id is not None:
        filters = dataclasses.replace(filters, organisation_id=organisation_id)
    result.pending, result.lag_seconds = _pending()
    if errors:
        result.errors = errors
        result.message = next(iter(errors.values()))[0]
        return result
    if parsed.message:
        result.message = parsed.message
        return result
    offset = (page - 1) * per_page
    if offset >= MAX_RESULTS:
        result.notices.append(_("Bara de första %(n)s träffarna kan visas. Gör sökningen snävare.")
                              % {"n": MAX_RESULTS})
        offset, per_page = MAX_RESULTS, 0
    limit = min(per_page, max(0, MAX_RESULTS - offset))
    audience = audience_for(user)
    engine = get_engine()
    found = None
    if engine.ready():
        try:
            found = engine.search(parsed, audience, filters, result.sort, offset, limit)
        except EngineUnavailable:
            found = None
        except Exception:  # an unreadable index must not take search down: the database answers
            logger.exception("The %s search engine failed; answering from the database", engine.name)
            found = None
    if found is None:
        engine = fallback()
        result.fallback = True
        result.notices.append(_("Sökindexet byggs om. Under tiden söker vi direkt i databasen, "
                                "med enklare matchning och de nyaste träffarna först."))
        found = engine.search(parsed, audience, filters, result.sort, offset, limit)
    found = _numbered_first(found, q, audience, filters, page=page, limit=limit)
    result.engine = engine.name
    result.total = found.total
    result.total_is_lower_bound = found.total_is_lower_bound
    result.facets = _facets(found, filters)
    result.facets_within = found.facets_within
    if found.facets_within and result.sort == "relevance":
        result.notices.append(_("Sökningen ger mycket många träffar. De rangordnas bland de %(n)s som hittades "
                                "först: sortera på datum för att se de nyaste, eller gör sökningen snävare.")
                              % {"n": formats.number_format(found.facets_within, force_grouping=True)})
    statuses = status_labels()
    result.hits = [SearchHit(
        kind=h.kind, kind_label=str(Kind(h.kind).label) if h.kind in Kind.values else h.kind, title=h.title,
        url=h.url, date=h.date, organ=h.organ_label, organ_id=h.organ_id, diary_number=h.diary_number,
        status=h.status, status_label=statuses.get(h.status, ""), snippet_html=mark_safe(h.snippet_html),  # escaped in engines.base.marked
        title_html=mark_safe(h.title_html), score=h.score, key=h.key,
    ) for h in found.hits]
    result.notices += found.notices
    return result


def _numbered_first(found: EngineResult, q: str, audience, filters: Filters, *, page: int,
                    limit: int) -> EngineResult:
    """A query that is a diary number, however it is typed ("2017.676 KS",
    "KS 2017/676", "KS-2014/742.912"), has the case it names as the first hit
    (on the first page; later pages leave it out), in the variant this audience
    may read, and only if the filters admit it. The engines rank by words, and
    a number's parts are common words."""
    number = diary_numbers.case_number(q)
    if number is None or filters.kind not in (None, Kind.CASE) or limit == 0:
        return found
    ids = list(registry_access.public_cases().filter(diary_numbers.numbered_q(number))
               .values_list("pk", flat=True)[:MAX_NUMBERED])  # which rows this audience reads: visible() below
    rows = list(visible(audience, filters).filter(key__in=[f"case:{pk}" for pk in ids]).values(*HIT_FIELDS)) \
        if ids else []
    if not rows:
        return found
    pinned = [hit_from_row(r, []) for r in rows]
    keys = {h.key for h in pinned}
    rest = [h for h in found.hits if h.key not in keys]
    missing = len(keys - {h.key for h in found.hits})
    hits = (pinned + rest)[:limit] if page == 1 else rest
    # A total that is a lower bound stays one: the count stopped short of these too.
    total = found.total if found.total_is_lower_bound else found.total + missing
    return dataclasses.replace(found, total=total, hits=hits)


def search_health() -> dict:
    """Engine, readiness, documents indexed, changes waiting and the lag (age of
    the oldest waiting change, in seconds)."""
    engine = get_engine()
    status = engine.status()
    pending, lag = _pending()
    oldest = PendingChange.objects.order_by("queued_at").values_list("queued_at", flat=True).first()
    state = IndexState.objects.filter(name="projection").first()
    return {
        "engine": engine.name,
        "ready": bool(status.get("ready")),
        "documents": int(status.get("documents") or 0),
        "records": SearchRecord.objects.count(),
        "pending": pending,
        "oldest_pending_at": oldest,
        "lag_seconds": lag,
        "rebuilding_since": state.rebuilding_since if state else None,
        "built_at": state.built_at if state else None,
        "fallback": not status.get("ready"),
        "details": status,
    }
