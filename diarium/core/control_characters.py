"""Text with control characters is never what a client means: NUL makes
PostgreSQL fail (a 500) and SQLite store it as it is, and the others (all but
tab, line feed and carriage return; lone surrogates too) cannot be shown. They
are refused where a request enters: here for addresses (the path and the query
string), in diarium.core.api.parser for the JSON API's bodies and parameters,
and on the web forms' fields (registry.forms.DomainErrorFormMixin).
"""

from __future__ import annotations

import re

from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
API_PREFIX = "/api/"
# Searches take any text by design: their query parser drops what it cannot use
# (diarium.search.query) and nothing of the query string is stored.
ANY_TEXT_VIEWS = {"search:search", "api:search"}


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def control_characters_message() -> str:
    """What a form and the API say of such text, the same in both."""
    return _("Texten får inte innehålla styrtecken (till exempel NUL).")


class RefuseControlCharactersMiddleware:
    """404 for a path with control characters (no such page exists); 400 for a
    web page's query string with them. The JSON API checks its own parameters
    and answers 422 naming the field (diarium.core.api.parser)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path_info):
            if request.path.startswith(API_PREFIX):
                from .api.errors import error_response  # which imports this module

                return error_response(_("Det du söker finns inte."), 404)
            raise Http404
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(API_PREFIX) or request.resolver_match.view_name in ANY_TEXT_VIEWS:
            return None
        if any(has_control_characters(key) or any(has_control_characters(v) for v in values)
               for key, values in request.GET.lists()):
            return HttpResponseBadRequest(
                _("Adressen innehåller otillåtna tecken (styrtecken som NUL)."),
                content_type="text/plain; charset=utf-8",
            )
        return None
