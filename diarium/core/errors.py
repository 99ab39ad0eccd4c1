"""One error type for every rule a user can break.

Services raise DomainError with a Swedish message (and, where it belongs to a
form field, the field name). Views show it next to the field; the API returns it
as a JSON body with a 4xx status code.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.errors: dict[str, list[str]] = {k: [str(m) for m in v] for k, v in (errors or {}).items()}
        if field:
            self.errors.setdefault(field, []).append(self.message)

    def as_dict(self) -> dict:
        return {"detail": self.message, "errors": self.errors}


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The request is sound but the data's state refuses it (e.g. a row still in use)."""

    status_code = 409


class Gone(DomainError):
    """What was asked for existed but is gone for good (a file disposed of by
    decision, gallring): 410, never a 5xx."""

    status_code = 410


class TooManyRequests(DomainError):
    """A per-client limit (requests an hour from one address) is reached."""

    status_code = 429


def errors_from_validation(exc) -> DomainError:
    """Turn Django's ValidationError (from full_clean) into a DomainError."""
    from django.utils.translation import gettext as _

    def messages(items) -> list[str]:
        # An over-long value says what the forms and the API say: "Högst N tecken."
        return [_("Högst %(limit_value)s tecken.") % e.params if e.code == "max_length" and e.params
                else str(next(iter(e))) for e in items]

    if hasattr(exc, "error_dict"):
        errors = {k: messages(v) for k, v in exc.error_dict.items()}
    else:
        errors = {"__all__": messages(exc.error_list)}
    first = next(iter(errors.values()))[0] if errors else _("Ogiltiga uppgifter.")
    return DomainError(_("Uppgifterna kunde inte sparas: %(error)s") % {"error": first}, errors=errors)


class ServiceUnavailable(Exception):
    """A service the request needs (the object store) refuses or does not answer
    for now: 503 with Retry-After and a Swedish message, for web pages and the
    API alike (core.middleware.ServiceUnavailableMiddleware, core.api.errors).
    Not a DomainError: the user broke no rule and a form has nothing to correct,
    so no view catches it as input refused. Raised inside the write's
    transaction, which then rolls back: nothing is half-stored."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int = 60):
        super().__init__(str(message))
        self.message = str(message)
        self.retry_after = int(retry_after)

    def as_dict(self) -> dict:
        return {"detail": self.message, "errors": {}}
