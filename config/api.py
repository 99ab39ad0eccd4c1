"""The Diarium JSON API: one NinjaAPI with a router per app, composed here
(the composition root knows every app; no app imports it).

Docs at /api/docs, schema at /api/openapi.json. Authentication and the error
shape are set here for every endpoint, from what the apps share in
diarium/core/api/ (auth.py, errors.py, parser.py, types.py).
"""

from __future__ import annotations

import copy

from django.utils import translation
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from diarium.accounts.apis import router as accounts_router
from diarium.decisions.apis import router as decisions_router
from diarium.plans.apis import router as plans_router
from diarium.registry.apis import router as registry_router
from diarium.remiss.apis import router as remiss_router

from diarium.core.api import errors
from diarium.core.api.auth import WRITE, anonymous
from diarium.core.api.parser import REFUSED, ScreeningParser


class DiariumOpenAPISchema(OpenAPISchema):
    def operation_security(self, operation):
        """An endpoint anonymous callers may use (PUBLIC_READ) says so with the
        empty requirement `{}` beside the token and the session."""
        security = super().operation_security(operation)
        if security and anonymous in operation.auth_callbacks:
            security.append({})
        return security


class DiariumAPI(NinjaAPI):
    """NinjaAPI with the parser that screens out control characters and the
    schema that marks public endpoints."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._openapi_schemas: dict[tuple[str, str | None], dict] = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Built once per path prefix and language: the schema follows from the code
        alone (every router is added at import), and building it walks every
        operation's pydantic models, seconds on one core, for each /api/openapi.json."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, translation.get_language())
        schema = self._openapi_schemas.get(key)
        if schema is None:
            schema = self._openapi_schemas[key] = dict(DiariumOpenAPISchema(self, path_prefix))
        return copy.deepcopy(schema)

    def get_openapi_operation_id(self, operation):
        """As ninja's (module and function name), with an app's API package standing
        for its modules: "diarium_decisions_apis_meeting_list" wherever in
        diarium/decisions/apis/ the endpoint lives, so splitting a package keeps the ids."""
        module, sep, _ = operation.view_func.__module__.partition(".apis.")
        module = module + ".apis" if sep else operation.view_func.__module__
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def validation_error_from_error_contexts(self, error_contexts):
        """As ninja's, with two kinds of error told apart by their input, which
        ninja drops: the parser's REFUSED marker ("control_characters") and null
        sent for a field that may not be null ("null"; e.g. in a PATCH)."""
        error = super().validation_error_from_error_contexts(error_contexts)
        inputs = [(e["type"], e.get("input")) for context in error_contexts
                  for e in context.pydantic_validation_error.errors(include_url=False)]
        for item, (kind, value) in zip(error.errors, inputs, strict=True):
            if value is REFUSED:
                item["type"] = "control_characters"
            elif value is None and kind != "missing":
                item["type"] = "null"
        return error


api = DiariumAPI(
    title="Diarium API",
    version="1",
    description=(
        "Det allmänna diariet: ärenden, handlingar, händelser, remisser, sammanträden och beslut, styrdokument "
        "och deras uppföljning. Läsning är öppen för alla som i webbgränssnittet; sekretessmarkerade uppgifter "
        "är då null. "
        "Ändringar kräver inloggning (session med CSRF-token) eller en API-nyckel: "
        "`Authorization: Bearer <nyckel>`. "
        "En ändring som skickas med rubriken `Idempotency-Key: <egen unik nyckel>` (till exempel ett UUID) "
        "görs en gång även om den skickas igen: fick klienten inget svar skickar den samma begäran med samma "
        "nyckel och får då det första svaret (`Idempotent-Replayed: true`). Samma nyckel för en annan "
        "begäran ger 422. Nycklarna gäller per API-nyckel eller inloggad användare i 24 timmar."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=WRITE,
    parser=ScreeningParser(),
)
errors.install(api)
# Bulk actions on cases first: their path /cases/bulk would otherwise be taken for /cases/{case_id}.
api.add_router("", "diarium.registry.apis_bulk.router")
api.add_router("", registry_router)
api.add_router("", accounts_router)
api.add_router("", remiss_router)
api.add_router("", decisions_router)
api.add_router("", plans_router)
api.add_router("", "diarium.search.apis.router")
# Every action of the web UI (issue 17): routers of their own, on paths no other router uses.
api.add_router("", "diarium.documents.apis.router")
api.add_router("", "diarium.registry.apis_copies.router")
api.add_router("", "diarium.registry.apis_links.router")
api.add_router("", "diarium.registry.apis_due_dates.router")
api.add_router("", "diarium.registry.apis_contacts.router")
api.add_router("", "diarium.search.apis_saved.router")
api.add_router("", "diarium.accounts.apis_admin.router")
api.add_router("", "diarium.registry.apis_admin.router")
api.add_router("", "diarium.decisions.apis_memberships.router")
api.add_router("", "diarium.decisions.apis_delegation.router")
api.add_router("", "diarium.intake.apis.router")
