"""Single sign-on pages: /konto/sso/<slug>/ starts a sign-on with the organisation's
identity provider, /konto/sso/<slug>/oidc/callback/ takes an OpenID Connect answer.

The checks live in diarium/accounts/sso/ (oidc.py, saml.py); what every sign-on
ends in (the user, the roles) in sso/provisioning.py. Here: the session and the
redirects. A refusal is a Swedish page with the reason and a link back to the login
page, and one log line (never a token, code or assertion)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from diarium.core.web import safe_next

from .backends import SSO_BACKEND
from .models import IdentityProvider
from .sso import oidc
from .sso.provisioning import SsoRefused, log_refusal, provision


def _provider(slug: str, protocol: str | None = None) -> IdentityProvider:
    provider = IdentityProvider.objects.select_related("organisation").filter(slug=slug, enabled=True).first()
    if provider is None or (protocol is not None and provider.protocol != protocol):
        raise Http404(_("Inloggningstjänsten finns inte eller är avstängd."))
    return provider


def _login_url(next_url: str) -> str:
    url = resolve_url(settings.LOGIN_URL)
    return url + ("?" + urlencode({"next": next_url}) if next_url else "")


def refused(request, provider: IdentityProvider | None, exc: SsoRefused, *, next_url: str = ""):
    """The page a refused sign-on gets (and its log line). 403 where the person has no
    right to sign in (no role, inactive account), 400 for an answer that is not accepted."""
    log_refusal(provider, exc, request)
    status = 403 if exc.reason in {"no_role", "inactive", "provider_disabled"} else 400
    response = render(request, "accounts/sso_refused.html",
                      {"message": exc.message, "provider": provider, "login_url": _login_url(next_url)},
                      status=status)
    response["Cache-Control"] = "no-store"
    return response


def finish(request, provider: IdentityProvider, *, subject: str, email: str = "", first_name: str = "",
           last_name: str = "", username: str = "", groups: list[str], next_url: str = ""):
    """Provision the user and sign them in; the redirect to `next_url` (when safe) or the
    desk. The SAML answer's view ends here too."""
    next_url = safe_next(request, next_url)
    try:
        user = provision(provider=provider, subject=subject, email=email, first_name=first_name,
                         last_name=last_name, username=username, groups=groups)
    except SsoRefused as exc:
        return refused(request, provider, exc, next_url=next_url)
    login(request, user, backend=SSO_BACKEND)
    request.session["sso_provider"] = provider.slug
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@never_cache
@require_http_methods(["GET", "POST"])
def sso_start(request, slug: str):
    """Send the browser to the identity provider (a button on the login page posts here;
    a bookmark or the provider's own portal may GET it)."""
    provider = _provider(slug)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    try:
        if provider.protocol == IdentityProvider.Protocol.OIDC:
            return HttpResponseRedirect(oidc.begin(request, provider, next_url=next_url))
        from . import views_saml

        return views_saml.start(request, provider, next_url=next_url)
    except SsoRefused as exc:
        return refused(request, provider, exc, next_url=next_url)


@never_cache
@require_http_methods(["GET"])
def oidc_callback(request, slug: str):
    provider = _provider(slug, IdentityProvider.Protocol.OIDC)
    next_url = safe_next(request, oidc.peek_next(request, request.GET.get("state", "")))
    try:
        sign_on = oidc.complete(request, provider)
    except SsoRefused as exc:
        return refused(request, provider, exc, next_url=next_url)
    return finish(request, provider, subject=sign_on.subject, email=sign_on.email, first_name=sign_on.first_name,
                  last_name=sign_on.last_name, username=sign_on.username, groups=sign_on.groups,
                  next_url=sign_on.next_url)
