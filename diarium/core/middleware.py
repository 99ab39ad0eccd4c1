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
