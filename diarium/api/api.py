"""The Diarium JSON API: one NinjaAPI with a router per app.

Docs at /api/docs, schema at /api/openapi.json. Authentication and the error
shape are set here for every endpoint (see auth.py and errors.py).
"""

from __future__ import annotations

from ninja import NinjaAPI

from diarium.accounts.apis import router as accounts_router
from diarium.decisions.apis import router as decisions_router
from diarium.plans.apis import router as plans_router
from diarium.registry.apis import router as registry_router
from diarium.remiss.apis import router as remiss_router

from . import errors
from .auth import WRITE

api = NinjaAPI(
    title="Diarium API",
    version="1",
    description=(
        "Det allmänna diariet: ärenden, handlingar, händelser, remisser, sammanträden och beslut, styrdokument "
        "och deras uppföljning. Läsning är öppen för alla som i webbgränssnittet; sekretessmarkerade uppgifter "
        "är då null. "
        "Ändringar kräver inloggning (session med CSRF-token) eller en API-nyckel: "
        "`Authorization: Bearer <nyckel>`."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=WRITE,
)
errors.install(api)
api.add_router("", registry_router)
api.add_router("", accounts_router)
api.add_router("", remiss_router)
api.add_router("", decisions_router)
api.add_router("", plans_router)
api.add_router("", "diarium.search.apis.router")
# Every action of the web UI (issue 17): routers of their own, on paths no other router uses.
api.add_router("", "diarium.documents.apis.router")
api.add_router("", "diarium.registry.apis_copies.router")
api.add_router("", "diarium.search.apis_saved.router")
api.add_router("", "diarium.accounts.apis_admin.router")
api.add_router("", "diarium.registry.apis_admin.router")
api.add_router("", "diarium.decisions.apis_memberships.router")
