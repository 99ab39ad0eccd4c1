"""What the web pages of every app share: DomainErrors as pages, as messages
after a POST action, or on the form's fields."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import redirect

from . import errors


def domain_errors(view):
    """Turn DomainError subclasses into Django's 403/404 pages. Anonymous users
    who are denied are sent to the login page instead."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound as exc:
            raise Http404(exc.message) from exc
        except errors.PermissionDenied as exc:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise HttpForbidden(exc.message) from exc

    return wrapper


def deny_unless(allowed: bool, message: str) -> None:
    """Refuse (403, or the login page for the anonymous) unless `allowed`."""
    if not allowed:
        raise errors.PermissionDenied(message)


def post_action(request, target, action):
    """Run a POST-only action and go back to `target` with its message: the
    action's success text, or the DomainError's message when input was refused."""
    try:
        message = action()
    except errors.DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect(target)


def show_on_form(form, exc: errors.DomainError) -> None:
    """Input errors go on the form; denials and missing objects become pages."""
    if exc.status_code != 400:
        raise exc
    form.add_domain_error(exc)
