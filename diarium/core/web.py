"""What the web pages of every app share: DomainErrors as pages, as messages
after a POST action, or on the form's fields."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import redirect, render

from . import errors


def domain_errors(view):
    """Turn DomainError subclasses into Django's 403/404 pages (and 410 for
    what is gone for good). Anonymous users who are denied are sent to the
    login page instead."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound as exc:
            raise Http404(exc.message) from exc
        except errors.Gone as exc:
            return render(request, "410.html", {"message": exc.message}, status=410)
        except errors.PermissionDenied as exc:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise HttpForbidden(exc.message) from exc

    return wrapper


def safe_next(request, value: str) -> str:
    """`value` (a `next` address) when it stays on this site, else "" (never an open redirect)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return ""


def deny_unless(allowed: bool, message: str) -> None:
    """Refuse (403, or the login page for the anonymous) unless `allowed`."""
    if not allowed:
        raise errors.PermissionDenied(message)


# Refused input (400), and input that lacks a confirmation it needs, such as the
# reason of a secrecy review (422): shown to the user, who can correct it.
INPUT_ERROR_STATUSES = (400, 422)
# ... and, for actions on reference data, the data's state (409: still in use).
STATE_ERROR_STATUSES = (400, 409, 422)


def posted_id(value) -> int | None:
    """A posted id (a select's value): a whole number, or None for anything else."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 12 else None


def post_action(request, target, action, *, statuses=INPUT_ERROR_STATUSES):
    """Run a POST-only action and go back to `target` with its message: the
    action's success text, or the DomainError's message when input was refused
    (an error with one of `statuses`)."""
    try:
        message = action()
    except errors.DomainError as exc:
        refused(request, exc, statuses=statuses)
    else:
        messages.success(request, message)
    return redirect(target)


def refused(request, exc: errors.DomainError, *, statuses=INPUT_ERROR_STATUSES) -> None:
    """Refused input (an error with one of `statuses`) becomes the next page's
    error message; denials and missing objects go on to become pages."""
    if exc.status_code not in statuses:
        raise exc
    # Every problem at once: the summary, then each field's message.
    details = [m for field_messages in exc.errors.values() for m in field_messages if m != exc.message]
    messages.error(request, " ".join([exc.message, *details]))


def post_action_asking(request, target, action, *, form, field: str):
    """post_action for an action that may ask for more: a DomainError on `field`
    (a confirmation the action needs, such as the reason of a secrecy review)
    goes on `form`, as do the form's own errors. Returns the redirect, or None
    when the view is to show the form again."""
    if not form.is_valid():
        return None
    try:
        message = action()
    except errors.DomainError as exc:
        if field in exc.errors:
            show_on_form(form, exc)
            return None
        refused(request, exc)
    else:
        messages.success(request, message)
    return redirect(target)


def show_on_form(form, exc: errors.DomainError) -> None:
    """Input errors go on the form; denials and missing objects become pages."""
    if exc.status_code not in INPUT_ERROR_STATUSES:
        raise exc
    form.add_domain_error(exc)
