"""The HTTP side of the OParl API: JSON answers with cache headers, list pages
(paging by number and by keyset, filters, the kept ids of a list), conditional
GET (ETag, Last-Modified, 304) and the CORS header on every answer."""

from __future__ import annotations

import datetime as dt
import json
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


def _page_url(request, page, after: int | None = None):
    # Sorted: the same list page has one URL whatever order a client wrote (OParl 2-03).
    params = sorted((k, v) for k, v in request.GET.lists() for v in v if k not in ("page", "after"))
    if page > 1:
        params.append(("page", str(page)))
    if after is not None:
        params.append(("after", str(after)))
    base = request.build_absolute_uri(request.path)
    return f"{base}?{urlencode(params, safe=':')}" if params else base


def _list_seconds() -> int:
    return int(getattr(settings, "DIARIUM_OPARL_LIST_SECONDS", LIST_SECONDS))


def _ids(rows, key: str) -> array:
    """The ids of a list in order, kept in the shared cache for a few seconds
    (DIARIUM_OPARL_LIST_SECONDS; 0 reads them on every request). Which rows
    belong to a list is decided by testing every row, so counting a list or
    skipping to its 40th page costs as much as the whole list; a client paging
    through it by number would pay that for every page. Kept ids are only an
    index: the rows of a page are read and tested again when it is served."""
    seconds = _list_seconds()
    if seconds <= 0:
        return array("q", rows.order_by("pk").values_list("pk", flat=True))
    ids = cache.get(key)
    if ids is None:
        ids = array("q", rows.order_by("pk").values_list("pk", flat=True))
        cache.set(key, ids, seconds)
    return ids


def list_page(request, ctx, kind, source, org_id, base=None, key=None):
    """One page of a list.

    `source` is the full queryset (or a list). Without filters, `base` (the
    same rows without display annotations and joins) decides which ids a page
    has, and the full rows are read for those ids only, tested again as they
    are read: an object that left the public data a second ago is not served.
    - A `next` link carries the last id of its page (`after`), and the next
      page starts there in the index: walking a whole list costs the same for
      its last page as for its first, and it sees every change at once.
    - A page asked for by number (first, prev, last, or typed) takes its ids
      from the list's ids kept for a few seconds (_ids); so does the total,
      except on a list's last page, which counts exactly.
    With filters (created_since …) every page is counted and read afresh."""
    try:
        flt = _filters(request)
        page = int(request.GET.get("page", "1"))
        after = int(request.GET["after"]) if "after" in request.GET else None
        # A client may ask for smaller pages (`limit`), never larger than the server's.
        size = min(_page_size(), max(1, int(request.GET.get("limit", _page_size()))))
    except ValueError:
        return error(400, "Ogiltig parameter.")
    if page < 1:
        return error(404, "Sidan finns inte.")
    start, stop = (page - 1) * size, page * size
    qs = _apply(source, flt)
    gone, gone_total, last_id, more = None, 0, None, False
    if base is not None and not flt:
        key = f"diarium:oparl:ids:{key or f'{kind}:{org_id}'}"
        listed = _ids(base, key)
        if after is not None:
            ids = list(base.order_by("pk").filter(pk__gt=after).values_list("pk", flat=True)[:size + 1])
        else:
            ids = list(listed[start:stop + 1])
        more = len(ids) > size
        ids = ids[:size]
        if not ids and page > 1:
            return error(404, "Sidan finns inte.")
        if more:
            total = max(len(listed), stop + 1)
        else:  # the last page: counted, and kept ids that were out of date are dropped
            total = base.count() if _list_seconds() > 0 else len(listed)
            if total != len(listed):
                cache.delete(key)
        objs = list(qs.filter(pk__in=ids).order_by("pk"))
        last_id = ids[-1] if ids else None  # the page's last listed id, served or (just withdrawn) not
    else:
        total = len(qs) if isinstance(qs, list) else qs.count()
        # Deleted objects follow the live ones, and only when a client asks what changed.
        gone = withdrawn(kind, org_id, flt) if "modified_since" in flt else None
        gone_total = gone.count() if gone is not None else 0
        if page > max(1, -(-(total + gone_total) // size)):
            return error(404, "Sidan finns inte.")
        if start >= total:
            objs = []
        elif isinstance(qs, list):
            objs = qs[start:stop]
        else:
            objs = list(qs.order_by("pk")[start:stop])
    pages = max(1, -(-(total + gone_total) // size))
    objs = attach(kind, objs, ctx, org_id)
    serialise = (TYPES.get(kind) or LIST_ONLY[kind])[1]
    data = [serialise(o, ctx) for o in objs]
    if gone_total and stop > total:
        data += [ser_deleted(w, ctx) for w in gone[max(0, start - total):stop - total]]
    keyset = base is not None and not flt
    links = {"first": _page_url(request, 1), "self": _page_url(request, page, after=after if keyset else None),
             "last": _page_url(request, pages)}
    if page > 1:
        links["prev"] = _page_url(request, page - 1)
    # On a keyset page `more` is what was read: a list that grew while a client walked
    # it must not get a next link to a page with nothing on it (a 404 mid-walk).
    if page < pages and (more or not keyset):
        links["next"] = _page_url(request, page + 1, after=last_id if keyset else None)
    return json_response({"data": data,
                  "pagination": {"totalElements": total + gone_total, "elementsPerPage": size, "currentPage": page,
                                 "totalPages": pages},
                  "links": links})


