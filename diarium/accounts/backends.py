"""Authentication backends (config/settings.py AUTHENTICATION_BACKENDS, after axes')."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from . import access

# Set on the request when the password was right but local passwords are off for the
# user: the login form then says so (and points to the identity provider's button).
# Someone who typed a wrong password never gets this answer.
LOCAL_PASSWORD_REFUSED = "_diarium_local_password_refused"


class LocalPasswordBackend(ModelBackend):
    """Username and password, as Django's ModelBackend, except where the user's
    organisations sign their staff in only through an identity provider."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return None
        if not access.local_password_allowed(user):
            if request is not None:
                setattr(request, LOCAL_PASSWORD_REFUSED, True)
            return None
        return user


class SingleSignOnBackend(ModelBackend):
    """The backend a single sign-on's session names (django.contrib.auth.login(...,
    backend=...)): it loads the user of such a session, and authenticates no one by
    itself (the OpenID Connect or SAML answer has been checked before)."""

    def authenticate(self, request, **credentials):
        return None


SSO_BACKEND = "diarium.accounts.backends.SingleSignOnBackend"
