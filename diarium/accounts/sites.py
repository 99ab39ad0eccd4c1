"""Which organisation's public site a request is on (issue 25): decided here, once.

A request's host name (case-insensitive, without its port) picks the
organisation whose Organisation.host it is. The shared hosts
(DIARIUM_SHARED_HOSTS) show the shared service: every organisation's register
and a list of the organisations' sites; there /o/<slug>/… is one organisation's
site by path: SiteMiddleware takes the prefix off request.path_info and makes it
the script prefix, so every link reversed on the page stays under /o/<slug>/.
Any other host gets a 404 (and a line in the log): never another
organisation's site. Sites are switched on by giving an organisation a host
name: while no organisation has one, every host Django allows (ALLOWED_HOSTS)
is the shared service, so an installation upgraded in place keeps answering
on its own address.

The public outputs narrow to `site_organisation(request)` through their own
selectors and access modules; templates read `site` (the context processor
`site_context`) for the name, logo, colour and contact details.
"""

from __future__ import annotations

import logging
import posixpath
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import Http404, HttpResponsePermanentRedirect
from django.http.request import split_domain_port
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils.translation import gettext as _

from .models import Organisation

logger = logging.getLogger("diarium.sites")

DEFAULT_SHARED_HOSTS = "127.0.0.1,localhost,testserver,[::1]"
PATH_PREFIX = re.compile(r"^/o/(?P<slug>[-a-zA-Z0-9_]+)(?P<rest>/.*)?$", re.DOTALL)
DEFAULT_BRAND_COLOUR = "#14365d"  # diarium.css --brand
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, white text on the header
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


# --- host names ------------------------------------------------------------------------

def host_name(host: str) -> str:
    """`host` without its port and trailing dot, in lower case ("Vargarda.Localhost:8000"
    → "vargarda.localhost"; "[::1]:8000" → "[::1]")."""
    domain, _port = split_domain_port((host or "").strip())
    if not domain and host:  # split_domain_port gives "" for a name it cannot read
        domain = host.strip().lower()
    return domain.rstrip(".")


def shared_hosts() -> frozenset[str]:
    value = getattr(settings, "DIARIUM_SHARED_HOSTS", None)
    if value is None:
        value = DEFAULT_SHARED_HOSTS
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(host_name(h) for h in value if h and h.strip())


def organisation_for_host(host: str) -> Organisation | None:
    """The organisation whose site `host` is (its port and case ignored)."""
    name = host_name(host)
    if not name:
        return None
    return Organisation.objects.filter(host__iexact=name).first()


# --- the request's site -----------------------------------------------------------------

def site_organisation(request) -> Organisation | None:
    """The organisation whose site the request is on; None on the shared service."""
    return getattr(request, "site_organisation", None)


class SiteMiddleware:
    """Sets request.site_organisation from the host (or /o/<slug>/ on a shared host),
    and refuses a host that is neither shared nor an organisation's with a 404.

    Placed before the public cache, so an unknown host costs no cache lookup; the
    cache's key holds the host and the full path, so no site's page is kept for another."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.site_organisation = None
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # CommonMiddleware answers it (400)
        name = host_name(host)
        if name in shared_hosts():
            match = PATH_PREFIX.match(request.path_info)
            if match is None:
                return self.get_response(request)
            return self._by_path(request, match)
        organisation = organisation_for_host(name)
        if organisation is None:
            if not Organisation.objects.exclude(host="").exists():
                # No organisation has a host name yet (one organisation, or sites not set
                # up): every host Django allows is the shared service, as before sites existed.
                return self.get_response(request)
            logger.warning("Refused a request for an unknown site: host %s", name[:253])
            raise Http404(_("Webbplatsen finns inte."))
        request.site_organisation = organisation
        return self.get_response(request)

    def _by_path(self, request, match):
        organisation = Organisation.objects.filter(slug=match["slug"]).first()
        if organisation is None:
            raise Http404(_("Webbplatsen finns inte."))
        rest = match["rest"]
        if not rest:  # /o/<slug> → /o/<slug>/
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
        request.site_organisation = organisation
        previous = get_script_prefix()
        prefix = f"{previous.rstrip('/')}/o/{organisation.slug}/"
        request.path_info = rest
        request.META["SCRIPT_NAME"] = prefix.rstrip("/")
        request.META["PATH_INFO"] = rest
        set_script_prefix(prefix)
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(previous)


# --- branding ----------------------------------------------------------------------------

def _luminance(colour: str) -> float:
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    """WCAG 2.1's contrast ratio between white text and the colour #rrggbb."""
    return 1.05 / (_luminance(colour) + 0.05)


def header_colour(organisation: Organisation) -> str:
    """The organisation's brand colour where white text on it is readable (4.5:1),
    else the default header colour."""
    colour = (organisation.brand_colour or "").strip()
    if _COLOUR.match(colour) and contrast_with_white(colour) >= MIN_CONTRAST:
        return colour.lower()
    return DEFAULT_BRAND_COLOUR


@dataclass(frozen=True)
class Site:
    """What the templates show of the site's organisation."""

    organisation: Organisation
    title: str
    slug: str
    logo_url: str
    brand_colour: str
    stylesheet_url: str
    contact_email: str
    contact_phone: str
    postal_address: str
    website: str

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_phone or self.postal_address or self.website)


def site_for(organisation: Organisation) -> Site:
    return Site(
        organisation=organisation,
        title=organisation.site_title or organisation.name,
        slug=organisation.slug,
        logo_url=reverse("sites:logo", args=[organisation.slug, posixpath.basename(organisation.logo.name)])
        if organisation.logo else "",
        brand_colour=header_colour(organisation),
        stylesheet_url=reverse("sites:stylesheet", args=[organisation.slug]),
        contact_email=organisation.contact_email,
        contact_phone=organisation.contact_phone,
        postal_address=organisation.postal_address,
        website=organisation.website,
    )


def site_context(request) -> dict:
    """Context processor (settings TEMPLATES): `site`, the site's organisation as
    templates show it, or None on the shared service."""
    organisation = site_organisation(request)
    return {"site": site_for(organisation) if organisation is not None else None}


def site_url(request, organisation: Organisation) -> str:
    """The address of the organisation's site from this request: its own host (with
    this request's scheme and port) or, without one, /o/<slug>/ here."""
    if organisation.host:
        _domain, port = split_domain_port(request.get_host())
        return f"{request.scheme}://{organisation.host.lower()}{':' + port if port else ''}/"
    return f"{get_script_prefix().rstrip('/')}/o/{organisation.slug}/"


def on_site(request, organisation_id: int | None) -> bool:
    """Whether a record of `organisation_id` belongs on the request's site (every one
    does on the shared service)."""
    site = site_organisation(request)
    return site is None or site.pk == organisation_id


def require_on_site(request, organisation_id: int | None) -> None:
    """404 for a record of another organisation than the site's: an organisation's
    site shows nothing of the others, not even that it exists."""
    if not on_site(request, organisation_id):
        raise Http404(_("Sidan finns inte."))


def site_organisation_id(request, requested: int | None = None) -> int | None:
    """The organisation a public list is narrowed to: the site's own on an organisation's
    site (whatever was asked for), else `requested` (e.g. ?organisation=)."""
    site = site_organisation(request)
    return site.pk if site is not None else requested
