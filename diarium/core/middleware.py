class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: a strict CSP and a
    permissions policy. Scripts come only from our own static files: no page has
    an inline script or event handler (tests/test_csp.py checks), and the API
    docs page (Swagger UI) reads its settings from a JSON data block, which is
    not run. Inline styles stay allowed (the SVG charts, Swagger UI)."""

    CSP = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RequestSizeLimitMiddleware:
    """413 for a request whose declared Content-Length is over what any form or
    API call can carry (DIARIUM_MAX_UPLOAD_BYTES of files plus the form fields,
    which Django caps at DATA_UPLOAD_MAX_MEMORY_SIZE), answered before a byte of
    the body is read: a client declaring 50 GB is not read on for hours."""

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def limit() -> int:
        from django.conf import settings

        from .limits import max_upload_bytes

        return max_upload_bytes() + int(getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or 2621440)

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > self.limit():
            return self._too_large(request)
        return self.get_response(request)

    def _too_large(self, request):
        from django.http import HttpResponse
        from django.template.defaultfilters import filesizeformat
        from django.utils.translation import gettext as _

        from .api.errors import error_response
        from .limits import max_upload_bytes

        message = _("Förfrågan är för stor. En fil får vara högst %(limit)s.") % {
            "limit": filesizeformat(max_upload_bytes())}
        if request.path.startswith(self.API_PREFIX):
            response = error_response(message, 413)
        else:
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        # The unread body is not waited for: the connection ends with this answer.
        response["Connection"] = "close"
        return response


class ServiceUnavailableMiddleware:
    """A ServiceUnavailable (the object store refusing a file) raised by a view
    becomes a 503 with Retry-After: the page 503.html with its Swedish message,
    or under /api/ the API's JSON error shape. Never a 500: the write rolled back
    and the user may simply try again."""

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .errors import ServiceUnavailable

        if not isinstance(exception, ServiceUnavailable):
            return None
        return unavailable_response(request, exception)


def unavailable_response(request, exc):
    """The 503 answer to a ServiceUnavailable, for a page or the API."""
    from django.shortcuts import render

    from .api.errors import error_response

    if request.path.startswith(ServiceUnavailableMiddleware.API_PREFIX):
        response = error_response(exc.message, 503)
    else:
        response = render(request, "503.html", {"message": exc.message}, status=503)
    response["Retry-After"] = str(exc.retry_after)
    response["Cache-Control"] = "no-store"
    return response
