"""Who is calling: a personal API token (`Authorization: Bearer <token>`) or the
Django session of a logged-in user (with CSRF protection on writes).

Reads that are public in the web UI are public here too: `PUBLIC_READ` lets an
anonymous caller through as AnonymousUser, and the selectors mask what such a
caller may not see. `WRITE` requires a user; without one the answer is 401.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from diarium.core.errors import PermissionDenied

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# token -> its active user or None; the accounts app, which keeps the tokens,
# registers it (AccountsConfig.ready).
_token_users: list[Callable[[str], object | None]] = []


def token_user_resolver_register(resolve: Callable[[str], object | None]) -> None:
    _token_users[:] = [resolve]


def api_token_user(request):
    """The active user whose API token the request carries (`Authorization:
    Bearer <token>`), or None: no header, another scheme, or a token unknown or
    revoked. Only a request with the header costs a query, once: the public rate
    limit and the API's authentication both ask."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    cached = getattr(request, "_api_token_user", None)
    if cached is not None and cached[0] == header:
        return cached[1]
    scheme, _sep, raw = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and _token_users:
        user = _token_users[0](raw.strip())
    request._api_token_user = (header, user)
    return user


class ApiToken(HttpBearer):
    """A personal API token. A token that is sent but unknown or revoked is an
    error (401), never a silent fall back to anonymous access."""

    def authenticate(self, request, token):
        user = api_token_user(request)  # the token in the header ninja read `token` from
        if user is None:
            raise AuthenticationError()
        request.user = user
        return user


class Session(APIKeyCookie):
    """The logged-in user of the web UI. Unsafe methods need the CSRF token,
    checked only once we know there is a user, so anonymous writes get 401."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise PermissionDenied(
                    _("CSRF-kontrollen misslyckades. Skicka X-CSRFToken eller använd en API-nyckel.")
                )
        return user


def anonymous(request):
    """Lets a caller without credentials read what the public may read."""
    return AnonymousUser()


api_token = ApiToken()
session = Session()

WRITE = [api_token, session]
PUBLIC_READ = [api_token, session, anonymous]
SESSION_ONLY = [session]


def actor(request):
    """The acting user of an authenticated request (AnonymousUser on public reads)."""
    return request.auth
