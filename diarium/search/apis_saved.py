"""Saved searches and subscriptions by e-mail over JSON: thin over alerts.py,
the same functions as the pages under /sok/sparade/ and /sok/bevaka/.

A signed-in user (session or API key) keeps their own saved searches, with a
daily e-mail of new hits to the account's address if they like; no one sees or
changes anyone else's (404). Anyone may follow a search by e-mail: the address
first gets a link to confirm (double opt-in), nothing else is mailed before
that, and one address (the client's) may ask at most
DIARIUM_SEARCH_SUBSCRIBE_LIMIT times an hour, counted together with the web
form (429)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from diarium.core.api.auth import PUBLIC_READ, WRITE, actor
from diarium.core.api.errors import ERRORS, ErrorOut
from diarium.core.api.types import Id
from diarium.core import ratelimit
from diarium.core.errors import TooManyRequests

from . import alerts
from .forms import params_from

router = Router(tags=["Sök"])



class SearchParams(Schema):
    """The search, by the names /api/search and the search page use."""

    q: str = Field(max_length=500, description="Sökfrågan (minst ett sökord).")
    kind: str | None = Field(None, max_length=500, description="case, document, decision, meeting eller plan.")
    organ: str | None = Field(None, max_length=500, description="Organets id.")
    year: str | None = Field(None, max_length=500)
    date_from: str | None = Field(None, max_length=500, description="ÅÅÅÅ-MM-DD.")
    date_to: str | None = Field(None, max_length=500, description="ÅÅÅÅ-MM-DD.")
    status: str | None = Field(None, max_length=500, description="\"<typ>:<kod>\", t.ex. case:open.")


class SavedSearchIn(SearchParams):
    name: str = Field(max_length=200, description="Vad sökningen heter i listan.")
    alerts: bool = Field(False, description="E-post varje dag med nya träffar, till kontots adress.")


class SavedSearchChangeIn(Schema):
    alerts: bool = Field(description="E-post varje dag med nya träffar (true) eller inte (false).")


class CriterionOut(Schema):
    label: str
    value: str


class SavedSearchOut(Schema):
    id: int
    name: str
    params: dict[str, str] = Field(description="Sökningen: q och filtren, som i /api/search.")
    criteria: list[CriterionOut] = Field(description="Sökningen i ord.")
    alerts: bool
    created_at: dt.datetime
    last_sent_at: dt.datetime | None
    search_url: str = Field(description="Sökningen på webbplatsen.")


class SubscriptionIn(SearchParams):
    email: str = Field(max_length=254, description="Adressen som ska få bevakningen.")


class SubscriptionRequestedOut(Schema):
    detail: str
    confirm_days: int = Field(description="Så många dagar gäller länken i bekräftelsebrevet.")


class LinkTokenIn(Schema):
    token: str = Field(max_length=500, description="Token ur länken i e-postmeddelandet.")


class SubscriptionConfirmedOut(Schema):
    name: str
    criteria: list[CriterionOut]
    search_url: str


class UnsubscribedOut(Schema):
    deleted: bool = Field(description="En bevakning utan konto tas bort med adressen.")
    already: bool = Field(description="Bevakningen var redan avslutad.")


def _saved_out(request, saved) -> dict:
    return {
        "id": saved.pk, "name": saved.name, "params": dict(saved.params),
        "criteria": [{"label": str(label), "value": str(value)} for label, value in alerts.describe(saved.params)],
        "alerts": saved.alerts, "created_at": saved.created_at, "last_sent_at": saved.last_sent_at,
        "search_url": request.build_absolute_uri(alerts.search_url(saved.params)),
    }


def _params(payload: SearchParams) -> dict[str, str]:
    return params_from(payload.dict(include=set(SearchParams.model_fields)))


# --- saved searches of the signed-in user --------------------------------------------------------
@router.get("/saved-searches", response={200: list[SavedSearchOut], **ERRORS}, auth=WRITE,
            url_name="saved_search_list")
def saved_search_list(request):
    """Your saved searches, newest first."""
    return [_saved_out(request, s) for s in alerts.saved_searches_for(user=actor(request))]


@router.post("/saved-searches", response={201: SavedSearchOut, **ERRORS}, auth=WRITE,
             url_name="saved_search_create")
def saved_search_create(request, payload: SavedSearchIn):
    """Save a search (it must be one the search can run, 400 with the search's own
    errors otherwise). With `alerts` the account's address gets a daily e-mail
    of new hits; what is found today is not mailed."""
    saved = alerts.saved_search_create(owner=actor(request), name=payload.name, params=_params(payload),
                                       alerts=payload.alerts)
    return Status(201, _saved_out(request, saved))


@router.get("/saved-searches/{saved_search_id}", response={200: SavedSearchOut, **ERRORS}, auth=WRITE,
            url_name="saved_search_detail")
def saved_search_detail(request, saved_search_id: Id):
    return _saved_out(request, alerts.saved_search_get(user=actor(request), pk=saved_search_id))


@router.patch("/saved-searches/{saved_search_id}", response={200: SavedSearchOut, **ERRORS}, auth=WRITE,
              url_name="saved_search_change")
def saved_search_change(request, saved_search_id: Id, payload: SavedSearchChangeIn):
    """Turn the daily e-mail on or off. Turned on again, it starts from what the
    search finds now."""
    user = actor(request)
    saved = alerts.saved_search_set_alerts(actor=user, saved_search=alerts.saved_search_get(user=user,
                                                                                           pk=saved_search_id),
                                           alerts=payload.alerts)
    return _saved_out(request, saved)


@router.delete("/saved-searches/{saved_search_id}", response={204: None, **ERRORS}, auth=WRITE,
               url_name="saved_search_delete")
def saved_search_delete(request, saved_search_id: Id):
    user = actor(request)
    alerts.saved_search_delete(actor=user, saved_search=alerts.saved_search_get(user=user, pk=saved_search_id))
    return Status(204, None)


# --- subscriptions by e-mail (anyone) ------------------------------------------------------------
@router.post("/search-subscriptions", response={202: SubscriptionRequestedOut, **ERRORS},
             auth=PUBLIC_READ, url_name="search_subscribe")
def search_subscribe(request, payload: SubscriptionIn):
    """Follow a search by e-mail, without an account. The address gets a link to
    confirm; the answer is the same whether or not it already follows the
    search. At most DIARIUM_SEARCH_SUBSCRIBE_LIMIT requests an hour (10 by
    default) from one client address, with the web form: 429."""
    if not alerts.subscribe_allowed(client=ratelimit.client_address(request)):
        raise TooManyRequests(_("Många bevakningar har beställts från din anslutning den senaste timmen. "
                                "Försök igen senare."))
    alerts.subscription_create(email=payload.email, params=_params(payload))
    return Status(202, {
        "detail": _("Vi har skickat ett e-postmeddelande med en länk. Bevakningen startar när du har bekräftat "
                    "den."),
        "confirm_days": alerts.CONFIRM_DAYS,
    })


@router.post("/search-subscriptions/confirm", response={200: SubscriptionConfirmedOut, 410: ErrorOut, **ERRORS},
             auth=PUBLIC_READ, url_name="search_subscription_confirm")
def search_subscription_confirm(request, payload: LinkTokenIn):
    """Confirm a subscription with the token from the confirmation link (again is
    fine). An unknown token is 404, one older than the link's days 410."""
    saved = alerts.subscription_confirm(token=payload.token)
    return {"name": saved.name,
            "criteria": [{"label": str(label), "value": str(value)} for label, value in alerts.describe(saved.params)],
            "search_url": request.build_absolute_uri(alerts.search_url(saved.params))}


@router.post("/search-subscriptions/unsubscribe", response={200: UnsubscribedOut, **ERRORS}, auth=PUBLIC_READ,
             url_name="search_unsubscribe")
def search_unsubscribe(request, payload: LinkTokenIn):
    """End the e-mails with the token from the link in an alert mail. A
    subscription without an account is deleted with its address; an account's
    saved search is kept without e-mail."""
    outcome = alerts.alerts_unsubscribe(token=payload.token)
    return {"deleted": outcome.deleted, "already": outcome.already}
