"""The HTTP side of the OParl API: JSON answers with cache headers, list pages
(paging by number and by keyset, filters, the kept ids of a list), conditional
GET (ETag, Last-Modified, 304) and the CORS header on every answer."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from array import array
from functools import wraps
from urllib.parse import urlencode

import orjson
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.decorators import decorator_from_middleware
from django.utils.http import http_date

from .embedding import attach
from .querysets import withdrawn
from .serializers import LIST_ONLY, TYPES, ser_deleted

PAGE_SIZE = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


def _page_size() -> int:
    return int(getattr(settings, "DIARIUM_OPARL_PAGE_SIZE", PAGE_SIZE))



_conditional_get = decorator_from_middleware(ConditionalGetMiddleware)  # ETag from the body, 304 on If-None-Match


def conditional(view):
    """ETag and 304s, and the CORS header on every answer: the 304 that Django
    makes from a 200 drops it, and a browser client revalidating by hand could
    then not read it (OParl 2-06)."""
    checked = _conditional_get(view)

    @wraps(view)
    def answer(request, *args, **kwargs):
        response = checked(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return answer


CACHE_SECONDS = 60
LIST_SECONDS = 15


def _last_modified(data) -> str | None:
    """The newest `modified` of an object or of a list page's objects, as an HTTP date."""
    stamps = [data.get("modified")] if "modified" in data else [o.get("modified") for o in data.get("data", [])]
    stamps = [dt.datetime.fromisoformat(s) for s in stamps if s]
    return http_date(max(stamps).timestamp()) if stamps else None


def _encode(data) -> bytes:
    """UTF-8 JSON. orjson (a dependency for the search index) writes a list page of
    100 meetings with their agenda items in a tenth of the time of json.dumps. A
    lone surrogate (a damaged text in SQLite) is written as an escape instead."""
    try:
        return orjson.dumps(data, default=str)
    except orjson.JSONEncodeError:
        return json.dumps(data, default=str).encode()


def json_response(data, status=200):
    # Access-Control-Allow-Origin: set by `conditional`, on this answer and on a 304 made from it.
    response = HttpResponse(_encode(data), status=status, content_type="application/json; charset=utf-8")
    if status == 200:
        # Cacheable by anyone for a minute; ETag (from the body) and Last-Modified
        # let clients revalidate with a 304 after that.
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        modified = _last_modified(data)
        if modified:
            response["Last-Modified"] = modified
    return response


def error(status, message):
    return json_response({"type": "error", "message": message}, status=status)


def _filters(request):
    """The list filters as datetimes; a malformed value is an error (400)."""
    out = {}
    for name in FILTERS:
        raw = request.GET.get(name)
        if raw is None:
            continue
        value = parse_datetime(raw.replace(" ", "+"))
        if value is None:
            raise ValueError(name)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        out[name] = value
    return out


def _apply(qs_or_list, flt):
    ops = {"created_since": ("oparl_created", "gte"), "created_until": ("oparl_created", "lte"),
           "modified_since": ("oparl_modified", "gte"), "modified_until": ("oparl_modified", "lte")}
    if isinstance(qs_or_list, list):
        def ok(o):
            for name, value in flt.items():
                field, op = ops[name]
                v = getattr(o, field)
                if (op == "gte" and v < value) or (op == "lte" and v > value):
                    return False
            return True
        return [o for o in qs_or_list if ok(o)]
    return qs_or_list.filter(**{f"{f}__{op}": flt[name] for name, (f, op) in ops.items() if name in flt})


def _page_url(request, page, after: str | None = None):
    # Sorted: the same list page has one URL whatever order a client wrote (OParl 2-03).
    params = sorted((k, v) for k, v in request.GET.lists() for v in v if k not in ("page", "after"))
    if page > 1:
        params.append(("page", str(page)))
    if after is not None:
        params.append(("after", after))
    base = request.build_absolute_uri(request.path)
    return f"{base}?{urlencode(params, safe=':')}" if params else base


def _list_seconds() -> int:
    return int(getattr(settings, "DIARIUM_OPARL_LIST_SECONDS", LIST_SECONDS))


# A page's cursor (`after`): the last id served, "d" before it when that was a
# deleted object (listed after the live ones, in the order of their withdrawals).
# Ids are bigints: at most 18 digits, so no value is out of the databases' range.
_CURSOR = re.compile(r"(d?)([0-9]{1,18})")
_NUMBER = re.compile(r"[0-9]{1,9}")


def _number(raw: str | None, default: int) -> int:
    if raw is None:
        return default
    if not _NUMBER.fullmatch(raw):
        raise ValueError(raw)
    return int(raw)


def _cursor(raw: str | None) -> int | None:
    """`after` as one entry of a list's ids (a deleted object's as minus its
    withdrawal's id), or None; anything else is an error (400)."""
    if raw is None:
        return None
    found = _CURSOR.fullmatch(raw)
    if found is None:
        raise ValueError(raw)
    return -int(found[2]) if found[1] else int(found[2])


def _cursor_text(entry: int) -> str:
    return f"d{-entry}" if entry < 0 else str(entry)


class _Rows:
    """A list's entries in order: the live objects by id, then (only when a client
    asks what changed) the deleted ones by withdrawal, as minus its id."""

    def __init__(self, rows, full, gone):
        self.rows, self.full, self.gone = rows, full, gone

    def after(self, entry: int | None, n: int) -> list[int]:
        """Up to n entries after `entry` (from the start with None), by keyset:
        an index range however deep the page is."""
        out: list[int] = []
        if entry is None or entry >= 0:
            out = list(self.rows.filter(pk__gt=entry or 0).order_by("pk").values_list("pk", flat=True)[:n])
        if self.gone is not None and len(out) < n:
            gone = self.gone.filter(pk__gt=-entry) if entry is not None and entry < 0 else self.gone
            out += [-pk for pk in gone.order_by("pk").values_list("pk", flat=True)[:n - len(out)]]
        return out

    def ids(self) -> array:
        entries = array("q", self.rows.order_by("pk").values_list("pk", flat=True))
        if self.gone is not None:
            entries.extend(-pk for pk in self.gone.order_by("pk").values_list("pk", flat=True))
        return entries

    def count(self) -> int:
        return self.rows.count() + (self.gone.count() if self.gone is not None else 0)

    def read_entries(self, entries: list[int]) -> tuple[list, list]:
        """The page's objects, read and tested again (an object that left the public
        data a second ago is not served), and its deleted objects."""
        live = [e for e in entries if e > 0]
        objs = list(self.full.filter(pk__in=live).order_by("pk")) if live else []
        gone = [-e for e in entries if e < 0]
        return objs, list(self.gone.filter(pk__in=gone).order_by("pk")) if gone else []


class _Listed(_Rows):
    """The same over a short list in memory (the bodies, the legislative terms)."""

    def __init__(self, objs):
        self.by_id = {o.pk: o for o in objs}
        self.sorted = sorted(self.by_id)

    def after(self, entry, n):
        return [pk for pk in self.sorted if pk > (entry or 0)][:n]

    def ids(self):
        return array("q", self.sorted)

    def count(self):
        return len(self.sorted)

    def read_entries(self, entries):
        return [self.by_id[e] for e in entries if e in self.by_id], []


def _kept_ids(rows: _Rows, key: str | None) -> array:
    """The entries of a list in order, kept in the shared cache for a few seconds
    (DIARIUM_OPARL_LIST_SECONDS; 0 reads them on every request): the total and the
    pages asked for by number. Which rows belong to a list is decided by testing
    every row, so counting a list or skipping to its 40th page costs as much as the
    whole list; a client paging through it by number would pay that for every
    page. Kept ids are only an index: the rows of a page are read and tested again
    when it is served."""
    seconds = _list_seconds()
    if key is None or seconds <= 0:
        return rows.ids()
    ids = cache.get(key)
    if ids is None:
        ids = rows.ids()
        cache.set(key, ids, seconds)
    return ids


def _key(kind, org_id, key, flt) -> str:
    name = f"diarium:oparl:ids:{key or f'{kind}:{org_id}'}"
    if flt:  # a harvester walks one modified_since through every page
        text = "&".join(f"{k}={v.isoformat()}" for k, v in sorted(flt.items()))
        name += ":" + hashlib.sha256(text.encode()).hexdigest()[:16]
    return name


def list_page(request, ctx, kind, source, org_id, base=None, key=None):
    """One page of a list, in the order of the ids (deleted objects last).

    `source` is the full queryset (or a short list). `base` (the same rows
    without display annotations and joins) decides which ids a page has when no
    filter is given; with filters (created_since …) the filtered full queryset
    does. The full rows are read for a page's ids only, tested again as they are
    read.
    - Every `next` link carries a cursor (`after`): the last entry of its page,
      and the next page starts there in the index (a keyset, never an OFFSET).
      Walking a whole list costs the same for its last page as for its first,
      with or without filters, and it sees every change at once.
    - A page asked for by number without a cursor (first, prev, last, or typed)
      takes its ids from the list's ids kept for a few seconds (_kept_ids); so
      does the total, except on a list's last page, which counts exactly.
    - Deleted objects follow the live ones, and only when a client asks what
      changed (modified_since)."""
    try:
        flt = _filters(request)
        page = _number(request.GET.get("page"), 1)
        after = _cursor(request.GET.get("after"))
        # A client may ask for smaller pages (`limit`), never larger than the server's.
        size = min(_page_size(), max(1, _number(request.GET.get("limit"), _page_size())))
    except ValueError:
        return error(400, "Ogiltig parameter.")
    if page < 1:
        return error(404, "Sidan finns inte.")
    start, stop = (page - 1) * size, page * size
    if isinstance(source, list):
        rows, cache_key = _Listed(_apply(source, flt)), None
    else:
        full = _apply(source, flt)
        gone = withdrawn(kind, org_id, flt) if "modified_since" in flt else None
        rows = _Rows(base if base is not None and not flt else full, full, gone)
        cache_key = _key(kind, org_id, key, flt)
    if after is not None or page == 1:
        ids = rows.after(after, size + 1)
        listed = None
    else:
        listed = _kept_ids(rows, cache_key)
        ids = list(listed[start:stop + 1])
    more = len(ids) > size
    ids = ids[:size]
    if not ids and page > 1:
        return error(404, "Sidan finns inte.")
    if more:
        if listed is None:
            listed = _kept_ids(rows, cache_key)
        total = max(len(listed), stop + 1)
    else:  # the last page: counted, and kept ids that were out of date are dropped
        total = len(ids) if after is None and page == 1 else max(rows.count(), start + len(ids))
        if listed is None and cache_key is not None and _list_seconds() > 0:
            listed = cache.get(cache_key)
        if listed is not None and total != len(listed):
            cache.delete(cache_key)
    objs, deleted = rows.read_entries(ids)
    pages = max(1, -(-total // size))
    objs = attach(kind, objs, ctx, org_id)
    serialise = (TYPES.get(kind) or LIST_ONLY[kind])[1]
    data = [serialise(o, ctx) for o in objs] + [ser_deleted(w, ctx) for w in deleted]
    cursor = _cursor_text(after) if after is not None else None
    links = {"first": _page_url(request, 1), "self": _page_url(request, page, after=cursor),
             "last": _page_url(request, pages)}
    if page > 1:
        links["prev"] = _page_url(request, page - 1)
    # `more` is what was read: a list that grew while a client walked it must not
    # get a next link to a page with nothing on it (a 404 mid-walk).
    if more:
        links["next"] = _page_url(request, page + 1, after=_cursor_text(ids[-1]))
    return json_response({"data": data,
                  "pagination": {"totalElements": total, "elementsPerPage": size, "currentPage": page,
                                 "totalPages": pages},
                  "links": links})
