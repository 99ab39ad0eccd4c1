"""Per-request context of an OParl answer: absolute URLs reversed once per
request, the omit_internal flag, the organisation's timestamps, and the
formatting of timestamps; and Row, a values() row standing in for a model
instance on list pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from ..selectors import ID_PLACEHOLDER, url_for_ids
from .querysets import org_stamps, orgs_stamps


def ts(value) -> str | None:
    """A timestamp in the site's time zone (TIME_ZONE), to the second."""
    return None if value is None else _ts_of(value)


@lru_cache(maxsize=8192)
def _ts_of(value) -> str:
    # A page repeats the same stamps many times (an agenda item has its meeting's),
    # and converting and formatting was a tenth of the cost of serialising an object.
    zone = timezone.get_default_timezone()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=zone)
    return value.astimezone(zone).isoformat(timespec="seconds")


class Row(SimpleNamespace):
    """A row read with values() instead of a model instance: list pages embed
    hundreds of agenda items, decisions and files, and making model instances
    of them cost most of a page's time. `a__b` columns become `row.a.b`."""

    @classmethod
    def of(cls, values: dict) -> Row:
        nested: dict = {}
        flat = {}
        for key, value in values.items():
            head, sep, rest = key.partition("__")
            if sep:
                nested.setdefault(head, {})[rest] = value
            else:
                flat[key] = value
        for head, sub in nested.items():
            flat[head] = cls.of(sub)
        return cls(**flat)


class Ctx:
    """Per request: absolute URLs, the omit_internal flag and organisation timestamps."""

    def __init__(self, request):
        self.request = request
        self.omit_internal = "omit_internal" in request.GET
        self._org_stamps: dict[int, tuple] = {}
        self._url_makers: dict[tuple, Callable[[int], str]] = {}
        self._objects: dict[str, Callable[[int], str]] = {}

    def url(self, name: str, *args) -> str:
        return self.reverse(f"opendata:oparl_{name}", *args)

    def obj(self, kind: str, pk: int) -> str:
        """url("object", kind, pk), the link a page writes thousands of times, by the
        shortest path."""
        make = self._objects.get(kind)
        if make is None:
            make = self._objects[kind] = url_for_ids("opendata:oparl_object", kind,
                                                     absolute=self.request.build_absolute_uri)
        return make(pk)

    def list_url(self, org_id: int, kind: str) -> str:
        """url("list", org_id, kind): a body's lists, ten links for each body of the
        body list, each pattern reversed once per request (the organisation's id is
        not the last argument, which reverse() below needs)."""
        key = ("opendata:oparl_list", kind)
        make = self._url_makers.get(key)
        if make is None:
            head, tail = self.abs(reverse("opendata:oparl_list", args=(ID_PLACEHOLDER, kind))).split(
                str(ID_PLACEHOLDER), 1)
            make = self._url_makers[key] = lambda pk: f"{head}{pk}{tail}"
        return make(org_id)

    def reverse(self, viewname: str, *args) -> str:
        """The absolute URL of a view. reverse() costs a fifth of a millisecond and a
        list page links thousands of objects, so each pattern is reversed once per
        request with a placeholder for its last (integer) argument, then filled in."""
        if not args or type(args[-1]) is not int:
            return self.request.build_absolute_uri(reverse(viewname, args=args))
        key = (viewname, args[:-1])
        make = self._url_makers.get(key)
        if make is None:
            make = self._url_makers[key] = url_for_ids(viewname, *args[:-1],
                                                       absolute=self.request.build_absolute_uri)
        return make(args[-1])

    def abs(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def org_stamps(self, org_id: int) -> tuple[dt.datetime, dt.datetime]:
        if org_id not in self._org_stamps:
            self._org_stamps[org_id] = org_stamps(org_id)
        return self._org_stamps[org_id]

    def all_org_stamps(self) -> dict[int, tuple[dt.datetime, dt.datetime]]:
        """Every public organisation's stamps, read in one query and kept for org_stamps."""
        self._org_stamps.update(orgs_stamps())
        return self._org_stamps

