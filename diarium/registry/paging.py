"""Paging through a large register without counting all of it, and without OFFSET.

A register of millions of entries must list any page fast, whatever the filter.
Counting every match costs as much as reading them, so the paginator first
probes for at most `cap` + 1 matches in whatever order the database finds them
fastest. If there are no more than `cap`, the probe is the whole result: it is
counted and sorted here, and the page is read by primary key. If there are more,
the count is shown as "more than `cap`" and the page is read in order.

Pages after the first are found by their position in the ordering (keyset
paging): a cursor names the ordering key of the row a page starts after (or,
going back, ends before), so the database starts its walk of the ordering's
index right there instead of skipping OFFSET rows, and a deep page costs what
the first does. Cursors are signed, opaque strings (`cursor=`); a cursor that
was not made here, or for another list, is refused with a Swedish message
(BadCursor, a DomainError: 400), never a server error. Page numbers (`page=`)
still work with OFFSET, for old links and small numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.core import signing
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from diarium.core.errors import DomainError

CURSOR_MAX = 200  # characters: a cursor made here is under 100
NUMBER_MAX = 10**7  # the highest page number a cursor may carry
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class BadCursor(DomainError):
    """A cursor that cannot be used: 400 with the field `cursor`."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("Sidmarkören (cursor) är ogiltig eller gjord för en annan lista. Använd "
                                      "länken till nästa eller föregående sida från ett tidigare svar, eller "
                                      "börja om från första sidan."), field="cursor")


@dataclass(frozen=True)
class Cursor:
    key: tuple  # the ordering key of the row the page starts after (ends before, `backward`)
    number: int  # the number of the page it leads to
    backward: bool


class Keyset:
    """The ordering of a queryset as keyset terms: encodes and decodes cursors
    over its key and filters a queryset to the rows after or before one."""

    def __init__(self, queryset):
        self.model = queryset.model
        ordering = [str(term) for term in queryset.query.order_by] or ["-pk"]
        self.ordering = ordering
        self.terms: list[tuple[str, bool]] = [(term.lstrip("-"), term.startswith("-")) for term in ordering]
        if not any(name in ("pk", self.model._meta.pk.name) for name, _desc in self.terms):
            raise ValueError("keyset paging needs the primary key in the ordering (a unique key)")
        self.fields = [self._field(name) for name, _desc in self.terms]
        self._signer = signing.Signer(salt=f"diarium.registry.paging:{self.model._meta.label}:{','.join(ordering)}")

    def _field(self, name: str) -> models.Field:
        if name == "pk":
            return self.model._meta.pk
        if "__" in name:
            raise ValueError(f"keyset paging over a related field ({name}) is not supported")
        return self.model._meta.get_field(name)

    @property
    def names(self) -> list[str]:
        return [name for name, _desc in self.terms]

    def key(self, obj) -> tuple:
        return tuple(getattr(obj, "pk" if name == "pk" else field.attname)
                     for (name, _desc), field in zip(self.terms, self.fields, strict=True))

    # --- cursors ---------------------------------------------------------------------------
    def encode(self, key: tuple, *, number: int, backward: bool = False) -> str | None:
        """The cursor of `key`, or None when a value of it cannot be a cursor's (a null)."""
        if any(value is None for value in key):
            return None
        values = [self._encode_value(field, value) for field, value in zip(self.fields, key, strict=True)]
        return self._signer.sign_object([max(1, min(number, NUMBER_MAX)), int(backward), *values],
                                        compress=False)

    def decode(self, text: str) -> Cursor:
        if not isinstance(text, str) or not text or len(text) > CURSOR_MAX:
            raise BadCursor()
        try:
            payload = self._signer.unsign_object(text)
        except (signing.BadSignature, ValueError, TypeError, UnicodeError):
            raise BadCursor() from None
        if (not isinstance(payload, list) or len(payload) != 2 + len(self.fields)
                or not _is_int(payload[0]) or not 1 <= payload[0] <= NUMBER_MAX or payload[1] not in (0, 1)):
            raise BadCursor()
        key = tuple(self._decode_value(field, value) for field, value in zip(self.fields, payload[2:], strict=True))
        return Cursor(key=key, number=payload[0], backward=bool(payload[1]))

    @staticmethod
    def _encode_value(field: models.Field, value):
        if isinstance(field, models.DateTimeField):
            return (value - _EPOCH) // dt.timedelta(microseconds=1)
        if isinstance(field, models.DateField):
            return value.isoformat()
        return value

    @staticmethod
    def _decode_value(field: models.Field, value):
        try:
            if isinstance(field, models.DateTimeField):
                if not _is_int(value):
                    raise BadCursor()
                return _EPOCH + dt.timedelta(microseconds=value)
            if isinstance(field, models.DateField):
                return dt.date.fromisoformat(value) if isinstance(value, str) else _raise()
            if isinstance(field, models.IntegerField | models.AutoField | models.BigAutoField):
                if not _is_int(value) or not -(2**63) <= value < 2**63:
                    raise BadCursor()
                return value
            if isinstance(field, models.CharField | models.TextField):
                return value if isinstance(value, str) else _raise()
        except (OverflowError, ValueError, TypeError):
            raise BadCursor() from None
        raise BadCursor()

    # --- filters ---------------------------------------------------------------------------
    def beyond(self, key: tuple, *, backward: bool = False) -> Q:
        """Rows strictly after `key` in the ordering (before it, `backward`). The
        first term's non-strict bound is said on its own too, so that the database
        starts its walk of the index at the key rather than filtering from the top."""
        def lookup(desc: bool, strict: bool) -> str:
            smaller = desc != backward
            return ("lt" if strict else "lte") if smaller else ("gt" if strict else "gte")

        strictly = Q()
        for position, ((name, desc), value) in enumerate(zip(self.terms, key, strict=True)):
            term = Q(**{f"{name}__{lookup(desc, True)}": value})
            for (earlier, _d), earlier_value in zip(self.terms[:position], key[:position], strict=True):
                term &= Q(**{earlier: earlier_value})
            strictly = term if position == 0 else strictly | term
        first, first_desc = self.terms[0]
        return Q(**{f"{first}__{lookup(first_desc, False)}": key[0]}) & strictly

    def precedes(self, a: tuple, b: tuple) -> bool:
        """Whether a row with key `a` comes before one with key `b`."""
        for (_name, desc), x, y in zip(self.terms, a, b, strict=True):
            if x != y:
                return x > y if desc else x < y
        return False

    def reversed_ordering(self) -> list[str]:
        return [name if desc else f"-{name}" for name, desc in self.terms]


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _raise():
    raise BadCursor()


@dataclass
class Window:
    """The primary keys of a run of rows in order, with whether rows precede and follow it."""

    pks: list
    keys: list[tuple]
    has_before: bool
    has_after: bool
    start: int | None  # the position of the first row in the whole result, where known


def keyset_window(queryset, keyset: Keyset, *, cursor: Cursor | None, limit: int, offset: int = 0,
                  objects: bool = False) -> Window:
    """`limit` rows of the ordered queryset: after (or, backward, before) the
    cursor's key, or from `offset` when there is no cursor (LIMIT/OFFSET on the
    ordering's index: cheap for small offsets only). With `objects` the window's
    `pks` are the rows themselves (one query), else their primary keys."""
    fields = ["pk", *keyset.names]

    def read(qs) -> list[tuple]:
        if objects:
            return [(obj, *keyset.key(obj)) for obj in qs]
        return list(qs.values_list(*fields))

    if cursor is None:
        rows = read(queryset[offset: offset + limit + 1])
        return Window([r[0] for r in rows[:limit]], [r[1:] for r in rows[:limit]], has_before=offset > 0,
                      has_after=len(rows) > limit, start=offset)
    qs = queryset.filter(keyset.beyond(cursor.key, backward=cursor.backward))
    if cursor.backward:
        rows = read(qs.order_by(*keyset.reversed_ordering())[: limit + 1])[::-1]
        more = len(rows) > limit
        rows = rows[-limit:]
        return Window([r[0] for r in rows], [r[1:] for r in rows], has_before=more, has_after=True,
                      start=None if more else 0)
    rows = read(qs[: limit + 1])
    return Window([r[0] for r in rows[:limit]], [r[1:] for r in rows[:limit]], has_before=True,
                  has_after=len(rows) > limit, start=None)


@dataclass
class ListPage:
    """A page of a JSON list: its rows, the capped count of all matches and the
    cursors of the pages beside it (None at either end)."""

    items: list
    count: int
    count_capped: bool
    next_cursor: str | None
    previous_cursor: str | None


def list_page(queryset, *, limit: int, offset: int = 0, cursor: str | None = None, cap: int = 1000) -> ListPage:
    """A page of the ordered queryset for an API: after `cursor` (see Keyset)
    or, for older clients, from `offset`; with the count of matches up to
    `cap` (`cap` + 1 and count_capped beyond). Raises BadCursor for a cursor
    that cannot be used, and a DomainError for a cursor with an offset."""
    keyset = Keyset(queryset)
    position = keyset.decode(cursor) if cursor else None
    if position is not None and offset:
        raise DomainError(_("Ange antingen offset eller cursor, inte båda."), field="cursor")
    # Deep into an offset, the ordering's index is skipped along for the keys alone
    # and the rows are read by primary key after (LIMIT/OFFSET over whole rows reads them all).
    window = keyset_window(queryset, keyset, cursor=position, limit=limit, offset=offset, objects=not offset)
    if offset:
        window.pks = rows_by_pk(queryset, window.pks)
    if position is None and offset == 0 and not window.has_after:
        count, capped = len(window.pks), False  # the whole result is on this page: no count query
    else:
        count = capped_count(queryset, cap)[0]
        capped = count > cap
    first, last = (window.keys[0], window.keys[-1]) if window.keys else (None, None)
    return ListPage(
        items=window.pks, count=count, count_capped=capped,
        next_cursor=keyset.encode(last, number=1) if window.has_after and last else None,
        previous_cursor=keyset.encode(first, number=1, backward=True) if window.has_before and first else None,
    )


def capped_count(queryset, cap: int) -> tuple[int, list[tuple] | None]:
    """The number of matches, or `cap` + 1 when there are more; with the probe's
    rows (pk first, then the ordering's terms) when it holds them all."""
    keyset = Keyset(queryset)
    probe = list(queryset.order_by().values_list("pk", *keyset.names)[: cap + 1])
    return len(probe), (probe if len(probe) <= cap else None)


def rows_by_pk(queryset, pks: list) -> list:
    """The rows of `pks`, in that order. Unordered: with its ORDER BY the database
    might walk the ordering's index instead of looking the ids up."""
    rows = {row.pk: row for row in queryset.filter(pk__in=pks).order_by()} if pks else {}
    return [rows[pk] for pk in pks if pk in rows]


class RegisterPage(Page):
    """A page that knows from its own query whether another one follows, and,
    for a keyset paginator, the cursors of the pages beside it."""

    def __init__(self, object_list, number, paginator, *, has_more: bool, has_before: bool | None = None,
                 start: int | None = None):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more
        self._has_before = number > 1 if has_before is None else has_before
        self._start = (number - 1) * paginator.per_page if start is None else start

    def has_next(self) -> bool:
        return self._has_more

    def has_previous(self) -> bool:
        return self._has_before

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return max(self.number - 1, 1)

    def start_index(self) -> int:
        return self._start + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0

    @cached_property
    def next_cursor(self) -> str | None:
        """The cursor of the next page (None where the paginator pages by number)."""
        if not (self.paginator.keyset_links and self.has_next() and self.object_list):
            return None
        keyset = self.paginator.keyset
        return keyset.encode(keyset.key(self.object_list[-1]), number=self.number + 1)

    @cached_property
    def previous_cursor(self) -> str | None:
        if not (self.paginator.keyset_links and self.has_previous() and self.object_list):
            return None
        if self.number <= 2 and self._start <= self.paginator.per_page:
            return None  # the first page: its plain link is shorter and always whole
        keyset = self.paginator.keyset
        return keyset.encode(keyset.key(self.object_list[0]), number=self.number - 1, backward=True)


class RegisterPaginator(Paginator):
    """Pages of an ordered queryset with a count capped at `cap` (see module doc).
    `count` is the exact number of matches, or `cap` + 1 when there are more.
    With `keyset`, its pages link to each other by cursors (page_at)."""

    def __init__(self, object_list, per_page, *, cap: int = 1000, keyset: bool = False):
        super().__init__(object_list, per_page)
        self.cap = cap
        self.keyset_links = keyset
        self._probe: list[tuple] | None = None

    @cached_property
    def keyset(self) -> Keyset:
        return Keyset(self.object_list)

    @property
    def ordering(self) -> list[str]:
        return [str(term) for term in self.object_list.query.order_by] or ["-pk"]

    @cached_property
    def count(self) -> int:
        fields = ["pk"] + [term.lstrip("-") for term in self.ordering]
        probe = list(self.object_list.order_by().values_list(*fields)[: self.cap + 1])
        if len(probe) <= self.cap:
            self._probe = probe
        return len(probe)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def _sorted_probe(self) -> list[tuple]:
        rows = list(self._probe)
        # Stable sorts, last ordering term first, give the queryset's order.
        for position, term in reversed(list(enumerate(self.ordering, start=1))):
            rows.sort(key=lambda row: row[position], reverse=term.startswith("-"))
        return rows

    def _page(self, pks: list, number: int, *, has_more: bool, has_before: bool | None = None,
              start: int | None = None) -> RegisterPage:
        return RegisterPage(rows_by_pk(self.object_list, pks), number, self, has_more=has_more,
                            has_before=has_before, start=start)

    def get_page(self, number) -> RegisterPage:
        try:
            number = min(max(int(number), 1), NUMBER_MAX)
        except (TypeError, ValueError, OverflowError):
            number = 1
        bottom = (number - 1) * self.per_page
        if self.capped:
            ids = list(self.object_list.values_list("pk", flat=True)[bottom: bottom + self.per_page + 1])
            if not ids and number > 1:
                return self.get_page(1)
        else:
            if bottom >= self.count and number > 1:
                return self.get_page(self.num_pages)
            ids = [row[0] for row in self._sorted_probe()[bottom: bottom + self.per_page + 1]]
        return self._page(ids[: self.per_page], number, has_more=len(ids) > self.per_page)

    def page_at(self, cursor: str | None, number=None) -> RegisterPage:
        """The page a cursor leads to (raises BadCursor), or without one the page
        numbered `number`. A cursor whose page has emptied leads to the first page."""
        if not cursor:
            return self.get_page(number)
        position = self.keyset.decode(cursor)
        if not self.capped:
            return self._probe_page(position)
        window = keyset_window(self.object_list, self.keyset, cursor=position, limit=self.per_page)
        if not window.pks or window.start == 0:
            return self.get_page(1)
        return self._page(window.pks, position.number, has_more=window.has_after, has_before=window.has_before)

    def _probe_page(self, position: Cursor) -> RegisterPage:
        """A cursor's page of a result small enough to have been probed whole: its
        position is found among the sorted rows, so its number is exact."""
        rows = self._sorted_probe()
        keys = [row[1:] for row in rows]
        if position.backward:
            end = next((i for i, key in enumerate(keys) if not self.keyset.precedes(key, position.key)), len(keys))
            start = max(end - self.per_page, 0)
        else:
            start = next((i for i, key in enumerate(keys) if self.keyset.precedes(position.key, key)), len(keys))
            end = start + self.per_page
        if start == 0 or start >= len(rows):
            return self.get_page(1)
        return self._page([row[0] for row in rows[start:end]], start // self.per_page + 1,
                          has_more=end < len(rows), has_before=True, start=start)
