"""Pages of the site itself rather than of a module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

# The date the statement was last reviewed against the site. Review it at least
# once a year and when the site changes much, then move this date.
ACCESSIBILITY_REVIEWED = dt.date(2026, 11, 24)
# The supervising authority's form for reporting a site that breaks the law.
DIGG_COMPLAINT_URL = "https://www.digg.se/tdosanmalan"


def accessibility_statement(request, *, organisation_names: Callable[[], list[str]] = list):
    """The accessibility statement ("tillgänglighetsredogörelse") required by
    lag (2018:1937) om tillgänglighet till digital offentlig service, after
    DIGG's model. `organisation_names`: who stands behind the site, passed in
    by config/urls.py (core imports no app above it)."""
    names = organisation_names()
    if len(names) > 1:
        organisations = _("%(list)s och %(last)s") % {"list": ", ".join(names[:-1]), "last": names[-1]}
    else:
        organisations = names[0] if names else _("Kommunen")
    contact = getattr(settings, "DIARIUM_ACCESSIBILITY_CONTACT", "") or _(
        "kommunens registratur (se kommunens webbplats för e-postadress och telefonnummer)")
    return render(request, "core/accessibility_statement.html", {
        "organisations": organisations,
        "contact": contact,
        "contact_is_email": "@" in contact and " " not in contact.strip(),
        "reviewed": ACCESSIBILITY_REVIEWED,
        "complaint_url": DIGG_COMPLAINT_URL,
    })


def language_choose(request, code: str, **_site):
    """The header's language switch: a plain link (no form, so public pages keep
    no CSRF cookie and stay cacheable). Remembers the choice in the language
    cookie, which LocaleMiddleware reads before Accept-Language, and goes back to
    the page it came from. An unknown language is a 404; a `next` to another
    site is ignored."""
    from django.http import Http404, HttpResponseRedirect

    from .web import safe_next

    if code not in dict(settings.LANGUAGES):
        raise Http404(_("Språket finns inte."))
    response = HttpResponseRedirect(safe_next(request, request.GET.get("next") or "") or "/")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    response["Cache-Control"] = "no-store"
    return response
