"""The API's request parser: JSON bodies, query strings and form fields, with
text that no field may hold screened out in one place.

NUL and the other control characters (all but tab, line feed and carriage
return) and lone surrogates are never data a client means to store: PostgreSQL
refuses NUL with an error (a 500 before this), SQLite stores it as it is. A
string (or an object key) holding one is swapped for the `REFUSED` marker,
which no field's type accepts, so pydantic reports the field by name and the
API answers 422 with a Swedish message (see DiariumAPI and errors.py). A value
sent for no field is dropped as before. The search's query string is left as it
is (ANY_TEXT_VIEWS).
"""

from __future__ import annotations

import json
from typing import Any

from ninja.parser import Parser

from diarium.core.control_characters import ANY_TEXT_VIEWS, has_control_characters


class _Refused:
    """Stands in for text with control characters; fails every field's validation."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<text with control characters>"


REFUSED = _Refused()


def screen(value: Any) -> Any:
    """`value` with every string that has control characters (and every object
    with such a key) replaced by REFUSED."""
    if isinstance(value, str):
        return REFUSED if has_control_characters(value) else value
    if isinstance(value, list):
        return [screen(item) for item in value]
    if isinstance(value, dict):
        if any(isinstance(key, str) and has_control_characters(key) for key in value):
            return REFUSED
        return {key: screen(item) for key, item in value.items()}
    return value


def screen_top(value: Any) -> Any:
    """As screen(), but the top level stays what ninja reads fields from: a key
    with control characters names no field and is dropped (as any unknown key)."""
    if isinstance(value, dict):
        return {key: screen(item) for key, item in value.items()
                if not (isinstance(key, str) and has_control_characters(key))}
    return screen(value)


# What clients send when they post "nothing" as a form (Django's test client,
# many HTTP libraries): for an endpoint whose JSON body is optional, no body.
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


class ScreeningParser(Parser):
    def parse_body(self, request):
        if request.content_type in FORM_TYPES and not request.POST and not request.FILES:
            return {}
        return screen_top(json.loads(request.body))

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        match = getattr(request, "resolver_match", None)
        if data is request.GET and match is not None and match.view_name in ANY_TEXT_VIEWS:
            return result
        return screen_top(result)
