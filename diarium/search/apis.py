"""Search over JSON: GET /api/search, thin over selectors.search.

The same search as /sok/: anonymous callers search what the public may read
(and are rate-limited like the rest of the anonymous API, see
core.ratelimit), callers with a session or an API token what their rights
allow. Filters the search cannot use give 400 with Swedish errors per field;
any text in `q` gives 200, with hits or a `message`.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from diarium.accounts.sites import site_organisation
from diarium.core.api.auth import PUBLIC_READ, actor
from diarium.core.api.errors import ERRORS
from diarium.core.errors import DomainError

from . import selectors

router = Router(tags=["Sök"])

PER_PAGE = 20


class SearchFilters(Schema):
    q: str = Field("", description=(
        "Sökfrågan. Alla ord ska finnas med; \"en fras\" inom citattecken, ord* för ord som börjar så, "
        "-ord för att utesluta, OR (eller ELLER) för antingen. Vilken text som helst går att skicka: det "
        "som inte kan användas hoppas över, och går ingenting att söka på säger `message` varför."))
    kind: str | None = Field(None, description="Typ av träff: case, document, decision, meeting eller plan.")
    organ: str | None = Field(None, description="Organets id (heltal).")
    year: str | None = Field(None, description="År (fyra siffror).")
    date_from: str | None = Field(None, description="Daterad denna dag eller senare (ÅÅÅÅ-MM-DD).")
    date_to: str | None = Field(None, description="Daterad denna dag eller tidigare (ÅÅÅÅ-MM-DD).")
    status: str | None = Field(None, description=(
        "Status som \"<typ>:<kod>\", t.ex. case:open eller document:incoming (värdena finns i `facets.status`)."))
    sort: str = Field("relevance", description="relevance (bäst först) eller date (nyast först).")
    page: str | None = Field(None, description="Sidnummer, från 1.")
    per_page: str | None = Field(None, description="Träffar per sida, 1–100 (20 om inget anges).")


class SearchHitOut(Schema):
    kind: str
    kind_label: str
    title: str
    title_html: str = Field(description="Titeln som HTML: texten är kodad och sökorden omgivna av <mark>.")
    snippet_html: str = Field(description="Ett utdrag som HTML, med sökorden omgivna av <mark>.")
    url: str = Field(description="Absolut adress till sidan.")
    date: dt.date | None
    organ: str
    organ_id: int | None
    diary_number: str
    status: str
    status_label: str


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetsOut(Schema):
    kind: list[FacetValueOut]
    organ: list[FacetValueOut]
    year: list[FacetValueOut]
    status: list[FacetValueOut]


class SearchOut(Schema):
    query: str = Field(description="Den rensade sökfrågan som söktes.")
    hits: list[SearchHitOut]
    total: int = Field(description="Antal träffar; när `total_is_lower_bound` är sant slutade räkningen där.")
    total_is_lower_bound: bool = Field(description=(
        "Sant när fler än `total` träffar finns (visas som ”fler än 1 000 träffar”). Då är även `pages` "
        "ett minsta antal, och fler sidor kan hämtas så länge en sida är full."))
    page: int
    per_page: int
    pages: int
    sort: str
    facets: FacetsOut
    facets_within: int | None = Field(description=(
        "När antalen i `facets` bara räknats bland de första så här många träffarna (och träffarna "
        "rangordnats bland dem), annars null."))
    message: str | None = Field(description="Varför inga träffar kan visas (t.ex. inget sökord), annars null.")
    errors: dict[str, list[str]]
    notices: list[str] = Field(description="Värt att veta, t.ex. att frågan kortades eller att indexet byggs om.")
    pending: int = Field(description="Ändringar som ännu inte är sökbara.")
    lag_seconds: float = Field(description="Hur gammal den äldsta av dem är, i sekunder.")


def _site_id(request) -> int | None:
    """The organisation whose own site the request is on (its records only), or None."""
    site = site_organisation(request)
    return site.pk if site is not None else None


def _number(value: str | None, *, name: str, low: int, high: int, message: str) -> int | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise DomainError(message, field=name)
    return int(text)


@router.get("/search", response={200: SearchOut, **ERRORS}, auth=PUBLIC_READ, url_name="search",
            summary="Sök i diariet",
            description=(
                "Fritextsökning bland ärenden, handlingar, beslut, sammanträden och styrdokument, med antal per "
                "typ, organ, år och status (`facets`). Utan inloggning söks det som är offentligt; med session "
                "eller API-nyckel det som användaren har rätt att läsa. Träffar, antal och utdrag visar aldrig "
                "mer än läsaren får se. Ogiltiga filter ger 400 med felen per fält."))
def search(request, filters: Query[SearchFilters]):
    page = _number(filters.page, name="page", low=1, high=10_000,
                   message=_("Ange sidan som ett heltal från 1 till 10000.")) or 1
    per_page = _number(filters.per_page, name="per_page", low=1, high=selectors.MAX_PER_PAGE,
                       message=_("Ange antal per sida som ett heltal från 1 till %(n)s.")
                       % {"n": selectors.MAX_PER_PAGE}) or PER_PAGE
    result = selectors.search(
        user=actor(request), q=filters.q or "", kind=filters.kind, organ=filters.organ, year=filters.year,
        date_from=filters.date_from, date_to=filters.date_to, status=filters.status, sort=filters.sort or "relevance",
        page=page, per_page=per_page, organisation_id=_site_id(request),
    )
    if result.errors:
        raise DomainError(result.message or _("Sökningen kunde inte göras."), errors=result.errors)
    return {
        "query": result.query,
        "hits": [{
            "kind": h.kind, "kind_label": h.kind_label, "title": h.title, "title_html": str(h.title_html),
            "snippet_html": str(h.snippet_html), "url": request.build_absolute_uri(h.url), "date": h.date,
            "organ": h.organ, "organ_id": h.organ_id, "diary_number": h.diary_number, "status": h.status,
            "status_label": h.status_label,
        } for h in result.hits],
        "total": result.total, "total_is_lower_bound": result.total_is_lower_bound, "page": result.page,
        "per_page": result.per_page, "pages": result.pages,
        "sort": result.sort,
        "facets": {name: [{"value": f.value, "label": f.label, "count": f.count, "selected": f.selected}
                          for f in result.facets.get(name, [])] for name in ("kind", "organ", "year", "status")},
        "facets_within": result.facets_within,
        "message": result.message, "errors": result.errors, "notices": list(result.notices),
        "pending": result.pending, "lag_seconds": result.lag_seconds,
    }
