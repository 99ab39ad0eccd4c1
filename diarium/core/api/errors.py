"""Every API error is one JSON shape: {"detail": "...", "errors": {field: [...]}},
with a Swedish message and a 4xx status code."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from diarium.core.control_characters import control_characters_message
from diarium.core.errors import DomainError, ServiceUnavailable
from diarium.core.limits import MESSAGE_ERROR


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


# The error answers every endpoint documents. 429 comes from the public rate
# limit (diarium.core.ratelimit), which covers every request to /api/ that does
# not authenticate.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def error_response(detail: str, status: int, *, errors: dict[str, list[str]] | None = None) -> HttpResponse:
    """The one error shape as a plain response, for what answers /api/ before
    the API itself runs (middleware: 400, 404, 413, 422, 429, 503)."""
    return HttpResponse(json.dumps({"detail": str(detail), "errors": errors or {}}, ensure_ascii=False),
                        status=status, content_type="application/json; charset=utf-8")


# Where ninja says a value came from; not part of the field name a client sent.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
# Parameter names the API uses for schema-typed arguments; ninja puts them in
# `loc` between the source and the field ("body", "payload", "title").
PARAM_MODEL_NAMES = {"payload", "filters", "form"}


def _message(error: dict) -> str:
    """A Swedish message for one pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "control_characters":
        return control_characters_message()
    if kind == "null":
        return _("Fältet får inte vara null.")
    if kind == "missing":
        return _("Fältet är obligatoriskt.")
    if kind == MESSAGE_ERROR:  # a rule's own Swedish message (diarium.core.limits)
        return str(ctx.get("message", ""))
    if kind.startswith("time"):
        return _("Ange tid som tt:mm.")
    if kind.startswith("date") or kind.startswith("datetime"):
        if kind.startswith("datetime"):
            return _("Ange tidpunkt som ÅÅÅÅ-MM-DDTtt:mm.")
        return _("Ange datum som ÅÅÅÅ-MM-DD.")
    if kind == "string_too_long":
        return _("Högst %(n)s tecken.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("Fältet får inte vara tomt.")
        return _("Minst %(n)s tecken.") % {"n": ctx.get("min_length")}
    if kind == "too_long":
        return _("Högst %(n)s värden.") % {"n": ctx.get("max_length")}
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return _("Värdet måste vara minst %(n)s.") % {"n": limit}
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return _("Värdet får vara högst %(n)s.") % {"n": limit}
    if kind == "decimal_max_places":
        return _("Högst %(n)s decimaler.") % {"n": ctx.get("decimal_places")}
    if kind in {"decimal_max_digits", "decimal_whole_digits"}:
        return _("Talet är för stort.")
    if kind in {"literal_error", "enum"}:
        return _("Välj ett av: %(values)s.") % {"values": ctx.get("expected", "")}
    if kind in {"list_type", "tuple_type", "set_type"}:
        return _("Ange en lista.")
    if kind in {"json_invalid", "model_attributes_type", "dict_type", "model_type"}:
        return _("Ogiltigt format: skicka ett JSON-objekt.")
    if kind == "string_type":
        return _("Ange text.")
    if kind.startswith("bool"):
        return _("Ange true eller false.")
    return _("Ogiltigt värde.")


def _field(loc: list | tuple, flattened: set[str]) -> str:
    """The client's field name from a pydantic `loc`: without ninja's source
    prefix and parameter-model name, without list indexes."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in flattened:
        parts = parts[1:]
    names = [str(p) for p in parts if not isinstance(p, int)]
    return ".".join(names) or "__all__"


def validation_errors(errors: list[dict], flattened: set[str] = frozenset()) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for error in errors:
        messages = result.setdefault(_field(error.get("loc", ()), flattened), [])
        message = _message(error)
        if message not in messages:
            messages.append(message)
    return result


def install(api: NinjaAPI) -> None:
    """Register the handlers on the API."""

    def respond(request, detail: str, errors: dict, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": str(detail), "errors": errors}, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return respond(request, exc.message, exc.errors, exc.status_code)

    @api.exception_handler(ServiceUnavailable)
    def unavailable(request, exc: ServiceUnavailable):
        # The object store refused a file: nothing was saved, the client may try again.
        response = respond(request, exc.message, {}, exc.status_code)
        response["Retry-After"] = str(exc.retry_after)
        response["Cache-Control"] = "no-store"
        return response

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        errors = validation_errors(exc.errors, PARAM_MODEL_NAMES)
        return respond(request, _("Uppgifterna är inte giltiga."), errors, 422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc: AuthenticationError):
        response = respond(
            request, _("Du måste logga in eller skicka en giltig API-nyckel (Authorization: Bearer …)."), {}, 401
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        message = str(exc) if exc.status_code != 403 else _("Åtkomst nekad.")
        return respond(request, message, {}, exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return respond(request, _("Det du söker finns inte."), {}, 404)
