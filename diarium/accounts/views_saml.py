"""SAML 2.0 pages of an identity provider (issue 25): /konto/sso/<slug>/saml/login/ sends the
browser to the IdP with a signed AuthnRequest, /konto/sso/<slug>/saml/acs/ takes the IdP's
answer (HTTP-POST), /konto/sso/<slug>/saml/metadata/ is our SP metadata for the IdP's
administrator. /konto/sso/<slug>/ (views_sso.sso_start) calls start() for a SAML provider.

The checks live in sso/saml.py; the user and the roles in sso/provisioning.py through
views_sso.finish. Without the SP's key and certificate every page here answers 503
"SAML är inte konfigurerat".

The pending request (its id, where to go afterwards) is kept in a signed cookie of its own,
not in the session: the IdP's answer is a cross-site POST, and browsers do not send the
session cookie (SameSite=Lax) with it. On HTTPS the cookie is SameSite=None; Secure, limited
to the provider's ACS path and to PENDING_SECONDS."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from diarium.core.middleware import SecurityHeadersMiddleware
from diarium.core.web import safe_next

from . import views_sso
from .models import IdentityProvider
from .sso import saml
from .sso.provisioning import SsoRefused


def _provider(slug: str) -> IdentityProvider:
    provider = (IdentityProvider.objects.select_related("organisation")
                .filter(slug=slug, enabled=True, protocol=IdentityProvider.Protocol.SAML).first())
    if provider is None:
        raise Http404(_("Inloggningstjänsten finns inte eller är avstängd."))
    return provider


def _unavailable(request, provider, exc: saml.SamlNotConfigured):
    response = render(request, "accounts/saml_unavailable.html", {"message": exc.message, "provider": provider},
                      status=503)
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = "300"
    return response


def start(request, provider: IdentityProvider, *, next_url: str = ""):
    """Send the browser to the IdP: a redirect (HTTP-Redirect binding) or a page whose form
    posts the AuthnRequest (HTTP-POST binding). `next_url` must already be safe."""
    urls = saml.sp_urls(request, provider)
    try:
        outgoing = saml.authn_request(provider, urls)
    except saml.SamlNotConfigured as exc:
        return _unavailable(request, provider, exc)
    if outgoing.binding == saml.BINDING_HTTP_REDIRECT:
        response = HttpResponseRedirect(outgoing.url)
    else:
        response = render(request, "accounts/saml_post.html", {"url": outgoing.url, "fields": outgoing.fields,
                                                               "provider": provider})
        # The form goes to the IdP: allowed for this page only (the site's CSP has form-action 'self').
        response["Content-Security-Policy"] = SecurityHeadersMiddleware.CSP.replace(
            "form-action 'self'", "form-action 'self' " + _csp_source(outgoing.url))
    pending = saml.PendingRequest(provider_id=provider.pk, request_id=outgoing.request_id, next_url=next_url)
    secure = request.is_secure()
    response.set_cookie(
        saml.PENDING_COOKIE, saml.pending_cookie_value(pending), max_age=saml.PENDING_SECONDS,
        path=urls_path(urls.acs), secure=secure, httponly=True, samesite="None" if secure else "Lax",
    )
    response["Cache-Control"] = "no-store"
    return response


def urls_path(url: str) -> str:
    return urlsplit(url).path


def _csp_source(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@never_cache
@require_http_methods(["GET", "POST"])
def login(request, slug: str):
    provider = _provider(slug)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    try:
        return start(request, provider, next_url=next_url)
    except SsoRefused as exc:
        return views_sso.refused(request, provider, exc, next_url=next_url)


@csrf_exempt  # the IdP posts here from its own site; the signed answer and InResponseTo protect it
@never_cache
@require_POST
def acs(request, slug: str):
    provider = _provider(slug)
    urls = saml.sp_urls(request, provider)
    pending = saml.read_pending(request.COOKIES.get(saml.PENDING_COOKIE), provider)
    next_url = safe_next(request, pending.next_url if pending else "")
    try:
        identity = saml.consume(provider, urls, request.POST.get("SAMLResponse", ""), pending)
    except saml.SamlNotConfigured as exc:
        return _unavailable(request, provider, exc)
    except SsoRefused as exc:
        response = views_sso.refused(request, provider, exc, next_url=next_url)
    else:
        response = views_sso.finish(
            request, provider, subject=identity.subject, email=identity.email, first_name=identity.first_name,
            last_name=identity.last_name, username=identity.username, groups=identity.groups,
            next_url=identity.next_url,
        )
    response.delete_cookie(saml.PENDING_COOKIE, path=urls_path(urls.acs),
                           samesite="None" if request.is_secure() else "Lax")
    return response


@require_GET
def metadata(request, slug: str):
    provider = _provider(slug)
    try:
        xml = saml.sp_metadata(provider, saml.sp_urls(request, provider))
    except saml.SamlNotConfigured as exc:
        return _unavailable(request, provider, exc)
    return HttpResponse(xml, content_type="application/samlmetadata+xml; charset=utf-8")
