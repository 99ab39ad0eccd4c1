"""Paging through a large register without counting all of it.

A register of 100,000 cases must list its newest page fast, whatever the filter.
Counting every match costs as much as reading them, so the paginator first
probes for at most `cap` + 1 matches in whatever order the database finds them
fastest. If there are no more than `cap`, the probe is the whole result: it is
counted and sorted here, and the page is read by primary key. If there are more,
the count is shown as "more than `cap`" and the page is read in order with
LIMIT/OFFSET, which an index on the ordering answers without a sort.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Page, Paginator


class RegisterPage(Page):
    """A page that knows from its own query whether another one follows."""

    def __init__(self, object_list, number, paginator, *, has_more: bool):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        return self._has_more

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class RegisterPaginator(Paginator):
    """Pages of an ordered queryset with a count capped at `cap` (see module doc).
    `count` is the exact number of matches, or `cap` + 1 when there are more."""

    def __init__(self, object_list, per_page, *, cap: int = 1000):
        super().__init__(object_list, per_page)
        self.cap = cap
        self._probe: list[tuple] | None = None

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

    def _sorted_probe_ids(self) -> list:
        rows = list(self._probe)
        # Stable sorts, last ordering term first, give the queryset's order.
        for position, term in reversed(list(enumerate(self.ordering, start=1))):
            rows.sort(key=lambda row: row[position], reverse=term.startswith("-"))
        return [row[0] for row in rows]

    def get_page(self, number) -> RegisterPage:
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        if self.capped:
            ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1])
            if not ids and number > 1:
                return self.get_page(1)
        else:
            if bottom >= self.count and number > 1:
                return self.get_page(self.num_pages)
            ids = self._sorted_probe_ids()[bottom : bottom + self.per_page + 1]
        has_more = len(ids) > self.per_page
        ids = ids[: self.per_page]
        # Unordered: with its ORDER BY the database might walk the ordering index
        # instead of looking the ids up.
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()} if ids else {}
        return RegisterPage([rows[pk] for pk in ids if pk in rows], number, self, has_more=has_more)
