"""The shared service's list of the organisations' sites, and each site's stylesheet
(its header colour: the CSP admits no style from the page, so it comes as a file)."""

from __future__ import annotations

import posixpath

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import access
from .sites import header_colour, site_for, site_organisation, site_url


@require_safe
def site_list(request):
    """The organisations on this service, each with a link to its own site.
    Only on the shared service: an organisation's site has no list of the others."""
    if site_organisation(request) is not None:
        raise Http404(_("Sidan finns inte."))
    sites = [{"site": site_for(o), "url": site_url(request, o)}
             for o in access.public_organisations().order_by("name", "pk")]
    return render(request, "sites/site_list.html", {"sites": sites})


LOGO_CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


@require_safe
@cache_control(public=True, max_age=86400)
def logo(request, slug: str, name: str):
    """The organisation's logo (its stored name in the address: a new logo is a new
    address). An SVG was checked for scripts when it was uploaded; it is served
    with a policy that would not run one anyway."""
    organisation = access.public_organisations().filter(slug=slug).first()
    stored = organisation.logo.name if organisation is not None and organisation.logo else ""
    content_type = LOGO_CONTENT_TYPES.get(posixpath.splitext(stored)[1].lower())
    if not stored or posixpath.basename(stored) != name or content_type is None:
        raise Http404(_("Sidan finns inte."))
    try:
        handle = organisation.logo.storage.open(stored, "rb")
    except OSError:
        raise Http404(_("Sidan finns inte.")) from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@require_safe
@cache_control(public=True, max_age=300)
def stylesheet(request, slug: str):
    """The organisation's header colour, as CSS (header_colour: only where white
    text on it is readable)."""
    organisation = access.public_organisations().filter(slug=slug).first()
    if organisation is None:
        raise Http404(_("Sidan finns inte."))
    css = f".site-header {{ background: {header_colour(organisation)}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")
