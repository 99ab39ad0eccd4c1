"""Saved searches and e-mail alerts: every write (one transaction each) and
every read of them, and the daily run that mails new hits.

Who reads what: a saved search runs with its owner's rights at the time it
runs (selectors.search with the owner as user); a subscription without an
account runs as the public. Nothing here filters or counts hits itself: what
an alert may mail is exactly what selectors.search gives that reader.

What is new. A search is run sorted by date, restricted to records dated
within the look-back window (DIARIUM_SEARCH_ALERT_LOOKBACK_DAYS, 180 days
by default, combined with the search's own date filter). Each record's key
("document:12") that an alert has mailed is remembered in SavedSearchSeen, and
so are the keys the search found when it was saved (mailed=False), so the
first alert holds only what came after. A hit is new when its key is not
remembered. Keys, not times, because a record's date is not when it became
findable: a document is often registered days or weeks after the date it
bears, and a decision becomes public only when the minutes are adjusted; a
"since the last run" rule on dates would miss those, and one on index times
would need data the search API does not give. Remembered keys older than the
window are pruned, so the table stays bounded; the price is that a record
dated more than the window ago which becomes findable only now is not mailed.
A mail lists at most DIARIUM_SEARCH_ALERT_MAX_HITS new hits (20) and says how
many more there are, with a link to the whole search; every new hit counts as
mailed once the mail server took the message. If it fails, nothing is
remembered and the next run mails them again.

Links in mail are signed (django.core.signing) over the row's id and its
random token: a confirmation link is valid for CONFIRM_DAYS, an unsubscribe
link for as long as the subscription exists; neither needs a login.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from diarium.accounts import selectors as people
from diarium.core.errors import DomainError, NotFound, PermissionDenied
from diarium.core.mail import mail_send
from diarium.core.tasks import enqueue_by_name

from . import selectors
from .forms import FILTERS, MAX_PARAM_CHARS, SORTS, params_from, status_choices
from .models import Kind, SavedSearch, SavedSearchSeen

logger = logging.getLogger("diarium.search")

CONFIRM_DAYS = 7  # a confirmation link is valid this long; unconfirmed subscriptions are then forgotten
RESEND_AFTER = dt.timedelta(minutes=30)  # no second confirmation mail for the same search sooner
RUN_EVERY = dt.timedelta(hours=20)  # a saved search is run at most once in this time (the job runs daily)
SCAN_PAGE = 100
SCAN_MAX = 2000  # hits read per run; far more than one day brings for a search
MAX_PER_OWNER = 100  # saved searches per user, and subscriptions per e-mail address
CONFIRM_SALT = "diarium.search.alerts.confirm"
UNSUBSCRIBE_SALT = "diarium.search.alerts.unsubscribe"


def max_hits() -> int:
    """DIARIUM_SEARCH_ALERT_MAX_HITS: hits listed in one alert mail."""
    return max(1, int(getattr(settings, "DIARIUM_SEARCH_ALERT_MAX_HITS", 20)))


def lookback_days() -> int:
    """DIARIUM_SEARCH_ALERT_LOOKBACK_DAYS: how old (by its date) a record may be and still be mailed."""
    return max(1, int(getattr(settings, "DIARIUM_SEARCH_ALERT_LOOKBACK_DAYS", 180)))


class LinkExpired(DomainError):
    status_code = 410


# --- reading saved searches -----------------------------------------------------------------
def search_url(params: Mapping[str, str], *, sort: str | None = None, absolute: bool = False) -> str:
    """The search page for `params` (optionally sorted)."""
    query = dict(params)
    if sort and sort != "relevance":
        query["sort"] = sort
    url = reverse("search:search") + ("?" + urlencode(query) if query else "")
    return settings.SITE_URL + url if absolute else url


def _organ_id(value: str | None) -> int | None:
    """The organ filter's id, if it looks like one (shown before the search checked it)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def describe_all(params_list: list[Mapping[str, str]]) -> list[list[tuple[str, str]]]:
    """describe() of each search, with the organs they name read in one query."""
    ids = {pk for pk in (_organ_id(p.get("organ")) for p in params_list) if pk is not None}
    organs = people.organ_list().in_bulk(ids) if ids else {}
    return [describe(p, organs=organs) for p in params_list]


def describe(params: Mapping[str, str], *, organs: Mapping[int, object] | None = None) -> list[tuple[str, str]]:
    """The search in words, as (label, value) pairs, for pages and mail;
    `organs` by id, when the caller has read them already (describe_all)."""
    parts = []
    if params.get("q"):
        parts.append((_("Sökord"), params["q"]))
    kind = params.get("kind")
    if kind:
        parts.append((_("Typ"), str(Kind(kind).label) if kind in Kind.values else kind))
    organ = params.get("organ")
    if organ:
        pk = _organ_id(organ)
        if organs is not None:
            found = organs.get(pk) if pk is not None else None
        else:
            found = people.organ_list().filter(pk=pk).first() if pk is not None else None
        parts.append((_("Organ"), f"{found.name} ({found.code})" if found else organ))
    if params.get("year"):
        parts.append((_("År"), params["year"]))
    if params.get("date_from"):
        parts.append((_("Från och med"), params["date_from"]))
    if params.get("date_to"):
        parts.append((_("Till och med"), params["date_to"]))
    status = params.get("status")
    if status:
        labels = {c.value: f"{g.label}: {c.label}" for g in status_choices() for c in g.choices}
        parts.append((_("Status"), labels.get(status, status)))
    return parts


def saved_searches_for(*, user) -> list[SavedSearch]:
    """The user's saved searches, newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(SavedSearch.objects.filter(owner=user).order_by("-created_at", "-pk"))


def saved_search_get(*, user, pk: int) -> SavedSearch:
    """One of the user's own saved searches; anyone else's is not found."""
    found = None
    if getattr(user, "is_authenticated", False):
        found = SavedSearch.objects.filter(pk=pk, owner=user).first()
    if found is None:
        raise NotFound(_("Den sparade sökningen finns inte."))
    return found


def confirm_token(saved: SavedSearch) -> str:
    return signing.dumps([saved.pk, saved.token], salt=CONFIRM_SALT)


def unsubscribe_token(saved: SavedSearch) -> str:
    return signing.dumps([saved.pk, saved.token], salt=UNSUBSCRIBE_SALT)


def _from_token(token: str, *, salt: str, max_age: dt.timedelta | None = None) -> tuple[int, str]:
    try:
        pk, nonce = signing.loads(str(token), salt=salt, max_age=max_age)
        return int(pk), str(nonce)
    except signing.SignatureExpired as exc:
        raise LinkExpired(_("Länken är för gammal. Bevaka sökningen på nytt, så skickar vi en ny länk.")) from exc
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise NotFound(_("Länken är inte giltig. Kontrollera att du fick med hela länken från e-postmeddelandet.")
                       ) from exc


def subscription_for_confirm(*, token: str) -> SavedSearch:
    """The subscription a confirmation link names (confirmed or not)."""
    pk, nonce = _from_token(token, salt=CONFIRM_SALT, max_age=dt.timedelta(days=CONFIRM_DAYS))
    found = SavedSearch.objects.filter(pk=pk, token=nonce).first()
    if found is None:
        raise NotFound(_("Bevakningen finns inte längre. Den kan ha avslutats eller ha glömts bort "
                         "eftersom den inte bekräftades i tid."))
    return found


def subscription_for_unsubscribe(*, token: str) -> SavedSearch | None:
    """The saved search an unsubscribe link names; None when it is already gone."""
    pk, nonce = _from_token(token, salt=UNSUBSCRIBE_SALT)
    return SavedSearch.objects.filter(pk=pk, token=nonce).first()


# --- checking a search before it is kept ----------------------------------------------------
def _canonical(params: Mapping) -> dict[str, str]:
    params = params_from(params)
    for name, value in params.items():
        if len(value) > MAX_PARAM_CHARS:
            raise DomainError(_("Sökningen är för lång för att sparas (högst %(n)s tecken per fält).")
                              % {"n": MAX_PARAM_CHARS}, field=name)
    if not params.get("q"):
        raise DomainError(_("Skriv minst ett sökord innan du sparar sökningen."), field="q")
    return params


def _digest(params: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _reader(saved_owner) -> object:
    return saved_owner if saved_owner is not None else AnonymousUser()


def _checked(user, params: Mapping) -> dict[str, str]:
    """`params` cleaned, or a DomainError with the search's own Swedish errors."""
    params = _canonical(params)
    result = selectors.search(user=user, page=1, per_page=1, **params)
    if result.errors:
        raise DomainError(result.message or _("Sökningen kan inte sparas."), errors=result.errors)
    if result.message:
        raise DomainError(result.message, field="q")
    return params


def _scan(user, params: Mapping[str, str], *, today: dt.date) -> list | None:
    """The hits of the search for `user`, newest first, dated within the look-back
    window (and the search's own dates). None when the search cannot run."""
    start = today - dt.timedelta(days=lookback_days())
    query = dict(params)
    try:
        if params.get("date_from"):
            start = max(start, dt.date.fromisoformat(params["date_from"].strip()[:10]))
        if params.get("date_to") and dt.date.fromisoformat(params["date_to"].strip()[:10]) < start:
            return []
    except ValueError:
        return None
    query["date_from"] = start.isoformat()
    hits, keys, page = [], set(), 1
    while len(hits) < SCAN_MAX:
        result = selectors.search(user=user, sort="date", page=page, per_page=SCAN_PAGE, **query)
        if result.errors or result.message:
            return None if page == 1 else hits
        for hit in result.hits:
            if hit.key not in keys:  # pages read a moment apart may overlap
                keys.add(hit.key)
                hits.append(hit)
        if not result.has_next or not result.hits:
            break
        page += 1
    return hits[:SCAN_MAX]


def _remember(saved: SavedSearch, hits, *, now: dt.datetime, mailed: bool) -> None:
    SavedSearchSeen.objects.bulk_create(
        [SavedSearchSeen(saved_search=saved, key=h.key, date=h.date, seen_at=now, mailed=mailed) for h in hits],
        ignore_conflicts=True, batch_size=500,
    )


# --- services: saved searches of signed-in users --------------------------------------------
def saved_search_create(*, owner, name: str, params: Mapping, alerts: bool = False,
                        now: dt.datetime | None = None) -> SavedSearch:
    """Save a search for `owner`, with a daily e-mail of new hits if `alerts`.
    The search is checked and its current hits read first; then one transaction
    writes the search and what it already finds (so the first e-mail brings
    only what is new)."""
    now = now or timezone.now()
    if owner is None or not getattr(owner, "is_authenticated", False):
        raise PermissionDenied(_("Logga in för att spara sökningar."))
    name = " ".join(str(name or "").split())
    if not name:
        raise DomainError(_("Ge sökningen ett namn."), field="name")
    if len(name) > 200:
        raise DomainError(_("Namnet får vara högst 200 tecken."), field="name")
    if alerts and not owner.email:
        raise DomainError(_("Ditt konto har ingen e-postadress, så vi kan inte skicka bevakningen. "
                            "Be administratören lägga in en, eller spara sökningen utan e-post."), field="alerts")
    params = _checked(owner, params)
    found = _scan(owner, params, today=timezone.localtime(now).date()) or []
    with transaction.atomic():
        if SavedSearch.objects.filter(owner=owner).count() >= MAX_PER_OWNER:
            raise DomainError(_("Du kan ha högst %(n)s sparade sökningar. Ta bort någon först.")
                              % {"n": MAX_PER_OWNER})
        saved = SavedSearch.objects.create(owner=owner, name=name, params=params, params_digest=_digest(params),
                                           alerts=bool(alerts), created_at=now, confirmed_at=now)
        _remember(saved, found, now=now, mailed=False)
    return saved


@transaction.atomic
def saved_search_delete(*, actor, saved_search: SavedSearch) -> None:
    """Delete one of the actor's saved searches (and what it remembers)."""
    if saved_search.owner_id is None or saved_search.owner_id != getattr(actor, "pk", None):
        raise NotFound(_("Den sparade sökningen finns inte."))
    SavedSearch.objects.filter(pk=saved_search.pk).delete()


def saved_search_set_alerts(*, actor, saved_search: SavedSearch, alerts: bool,
                            now: dt.datetime | None = None) -> SavedSearch:
    """Turn the daily e-mail of one of the actor's saved searches on or off.
    Turned on again, it starts from what the search finds now: the first
    e-mail brings what comes after, not everything since the search was saved."""
    now = now or timezone.now()
    if saved_search.owner_id is None or saved_search.owner_id != getattr(actor, "pk", None):
        raise NotFound(_("Den sparade sökningen finns inte."))
    if alerts and not actor.email:
        raise DomainError(_("Ditt konto har ingen e-postadress, så vi kan inte skicka bevakningen."),
                          field="alerts")
    found = (_scan(actor, saved_search.params, today=timezone.localtime(now).date()) or []
             if alerts and not saved_search.alerts else [])
    with transaction.atomic():
        SavedSearch.objects.filter(pk=saved_search.pk).update(alerts=bool(alerts))
        _remember(saved_search, found, now=now, mailed=False)
    saved_search.alerts = bool(alerts)
    return saved_search


# --- services: subscriptions by e-mail (anyone) ----------------------------------------------
SUBSCRIBE_WINDOW = 3600  # seconds


def subscribe_allowed(*, client: str) -> bool:
    """Count one subscription request from `client` (an address) and say whether
    it is within DIARIUM_SEARCH_SUBSCRIBE_LIMIT an hour (10 by default): a brake
    on scripts mailing confirmation links to others. The web form and the API
    count together."""
    from diarium.core import ratelimit

    limit = int(getattr(settings, "DIARIUM_SEARCH_SUBSCRIBE_LIMIT", 10))
    return ratelimit.hit("search-subscribe", client, limit=limit, window=SUBSCRIBE_WINDOW).allowed


def _subscriptions_of(email: str):
    """The subscriptions of an address, however it is spelt (the unique index is on its lower case)."""
    return SavedSearch.objects.annotate(email_lower=Lower("email")).filter(owner__isnull=True,
                                                                           email_lower=email.lower())


@dataclass
class SubscribeOutcome:
    saved_search: SavedSearch
    mail_queued: bool


def subscription_create(*, email: str, params: Mapping, name: str = "",
                        now: dt.datetime | None = None) -> SubscribeOutcome:
    """Follow a search by e-mail, as the public. Nothing is mailed about the
    search until the address confirms it: this writes the unconfirmed
    subscription and queues the mail with the confirmation link, in one
    transaction. Asking again for the same search neither duplicates it nor
    mails again within RESEND_AFTER (and never once it is confirmed), so the
    form cannot be used to flood someone's inbox."""
    now = now or timezone.now()
    email = str(email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Skriv en giltig e-postadress, till exempel namn@example.se."), field="email") from exc
    if len(email) > 254:
        raise DomainError(_("E-postadressen får vara högst 254 tecken."), field="email")
    public = AnonymousUser()
    params = _checked(public, params)
    name = " ".join(str(name or params["q"]).split())[:200]
    digest = _digest(params)
    existing = _subscriptions_of(email).filter(params_digest=digest).first()
    found = [] if existing else (_scan(public, params, today=timezone.localtime(now).date()) or [])
    with transaction.atomic():
        same = _subscriptions_of(email).select_for_update().filter(params_digest=digest)
        saved = same.first()
        if saved is None:
            if _subscriptions_of(email).count() >= MAX_PER_OWNER:
                raise DomainError(_("Adressen bevakar redan %(n)s sökningar. Avsluta någon först.")
                                  % {"n": MAX_PER_OWNER}, field="email")
            try:
                with transaction.atomic():
                    saved = SavedSearch.objects.create(email=email, name=name, params=params, params_digest=digest,
                                                       alerts=True, created_at=now)
            except IntegrityError:  # the same request a moment ago, from another process
                saved = same.get()
            else:
                _remember(saved, found, now=now, mailed=False)
        if saved.confirmed_at is not None or (
                saved.confirmation_sent_at is not None and now - saved.confirmation_sent_at < RESEND_AFTER):
            return SubscribeOutcome(saved, mail_queued=False)
        # Claimed now so a second request does not queue another mail; given back if the mail fails.
        SavedSearch.objects.filter(pk=saved.pk).update(confirmation_sent_at=now)
        enqueue_by_name("diarium.search.tasks_alerts.send_confirmation", saved.pk)
    return SubscribeOutcome(saved, mail_queued=True)


@transaction.atomic
def subscription_confirm(*, token: str, now: dt.datetime | None = None) -> SavedSearch:
    """Confirm a subscription from the link in the confirmation mail (again is fine)."""
    now = now or timezone.now()
    saved = subscription_for_confirm(token=token)
    SavedSearch.objects.filter(pk=saved.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    saved.refresh_from_db()
    return saved


@dataclass
class UnsubscribeOutcome:
    name: str
    params: dict
    deleted: bool  # a subscription without an account is deleted, address and all
    already: bool  # it had already ended


@transaction.atomic
def alerts_unsubscribe(*, token: str) -> UnsubscribeOutcome:
    """End the e-mails of a saved search from the link in an alert mail, without
    logging in. A subscription without an account is deleted (with its
    address); an account's saved search is kept with its e-mail turned off."""
    saved = subscription_for_unsubscribe(token=token)
    if saved is None:
        return UnsubscribeOutcome(name="", params={}, deleted=True, already=True)
    outcome = UnsubscribeOutcome(name=saved.name, params=dict(saved.params), deleted=saved.owner_id is None,
                                 already=not saved.alerts)
    if saved.owner_id is None:
        SavedSearch.objects.filter(pk=saved.pk).delete()
    else:
        SavedSearch.objects.filter(pk=saved.pk).update(alerts=False)
    return outcome


# --- mail -----------------------------------------------------------------------------------
def _address(saved: SavedSearch) -> str:
    return (saved.owner.email if saved.owner_id else saved.email) or ""


def confirmation_send(saved_search_id: int, *, connection=None) -> bool:
    """Mail the confirmation link of an unconfirmed subscription."""
    saved = SavedSearch.objects.filter(pk=saved_search_id, owner__isnull=True, confirmed_at__isnull=True).first()
    if saved is None:
        return False
    context = {
        "saved": saved, "criteria": describe(saved.params), "days": CONFIRM_DAYS,
        "confirm_url": settings.SITE_URL + reverse("search:subscription_confirm", args=[confirm_token(saved)]),
        "search_url": search_url(saved.params, absolute=True),
    }
    message = EmailMessage(
        subject=" ".join(render_to_string("search/email/confirm_subject.txt", context).split()),
        body=render_to_string("search/email/confirm.txt", context), to=[saved.email], connection=connection,
    )
    try:
        mail_send(message)
    except Exception as exc:  # any failure of the mail server: a new request may try again at once
        logger.warning("Search subscription confirmation to subscription %s failed: %s", saved.pk, exc)
        SavedSearch.objects.filter(pk=saved.pk).update(confirmation_sent_at=None)
        return False
    return True


def _alert_mail(saved: SavedSearch, address: str, new: list, *, connection=None) -> EmailMessage:
    limit = max_hits()
    unsubscribe = settings.SITE_URL + reverse("search:unsubscribe", args=[unsubscribe_token(saved)])
    context = {
        "saved": saved, "hits": new[:limit], "count": len(new), "more": max(0, len(new) - limit),
        "criteria": describe(saved.params), "site_url": settings.SITE_URL,
        "search_url": search_url(saved.params, sort="date", absolute=True),
        "manage_url": settings.SITE_URL + reverse("search:saved_detail", args=[saved.pk]) if saved.owner_id else "",
        "unsubscribe_url": unsubscribe,
    }
    return EmailMessage(
        subject=" ".join(render_to_string("search/email/alert_subject.txt", context).split()),
        body=render_to_string("search/email/alert.txt", context), to=[address], connection=connection,
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Auto-Submitted": "auto-generated"},
    )


# --- the daily run ----------------------------------------------------------------------------
def _due() -> Q:
    return Q(alerts=True, confirmed_at__isnull=False) & (Q(owner__isnull=True) | Q(owner__is_active=True))


def alerts_run_due(*, now: dt.datetime | None = None) -> int:
    """Claim every confirmed saved search with alerts that has not run within
    RUN_EVERY and queue its alert (one task each). A claim is one conditional
    UPDATE, so however many workers run this, each search runs once a day.
    Unconfirmed subscriptions whose link has expired are forgotten."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=CONFIRM_DAYS)  # the newest link sent has expired
    SavedSearch.objects.filter(
        Q(confirmation_sent_at__lt=cutoff) | Q(confirmation_sent_at__isnull=True, created_at__lt=cutoff),
        owner__isnull=True, confirmed_at__isnull=True).delete()
    not_recent = Q(last_run_at__isnull=True) | Q(last_run_at__lte=now - RUN_EVERY)
    queued = 0
    for pk in list(SavedSearch.objects.filter(_due() & not_recent).order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            if SavedSearch.objects.filter(not_recent, pk=pk).update(last_run_at=now):
                enqueue_by_name("diarium.search.tasks_alerts.send_search_alert", pk)
                queued += 1
    return queued


def alert_send(saved_search_id: int, *, now: dt.datetime | None = None, connection=None) -> int:
    """Run one saved search as its reader and mail the hits it has not mailed
    before; returns how many new hits the mail held (0: nothing was sent)."""
    now = now or timezone.now()
    saved = SavedSearch.objects.select_related("owner").filter(_due(), pk=saved_search_id).first()
    if saved is None:
        return 0
    address = _address(saved)
    if not address:
        return 0
    today = timezone.localtime(now).date()
    SavedSearchSeen.objects.filter(saved_search=saved, date__lt=today - dt.timedelta(days=lookback_days())).delete()
    hits = _scan(_reader(saved.owner), saved.params, today=today)
    if hits is None:
        logger.info("Saved search %s can no longer run; no alert", saved.pk)
        return 0
    seen = set(SavedSearchSeen.objects.filter(saved_search=saved).values_list("key", flat=True))
    new = [h for h in hits if h.key not in seen]
    if not new:
        return 0
    message = _alert_mail(saved, address, new, connection=connection)
    try:
        mail_send(message)
    except Exception as exc:  # nothing is remembered: the next run mails these hits again
        logger.warning("Search alert of saved search %s failed: %s", saved.pk, exc)
        return 0
    with transaction.atomic():
        _remember(saved, new, now=now, mailed=True)
        SavedSearch.objects.filter(pk=saved.pk).update(last_sent_at=now)
    return len(new)


__all__ = [
    "FILTERS", "SORTS", "LinkExpired", "SubscribeOutcome", "UnsubscribeOutcome", "alert_send", "alerts_run_due",
    "alerts_unsubscribe", "confirm_token", "confirmation_send", "describe", "saved_search_create",
    "saved_search_delete", "saved_search_get", "saved_search_set_alerts", "saved_searches_for", "search_url",
    "subscription_confirm", "subscription_create", "subscription_for_confirm", "subscription_for_unsubscribe",
    "unsubscribe_token",
]
