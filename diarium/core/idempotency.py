"""Idempotency keys for the API's writes: a retried request is done once.

A client that sends a write (POST, PUT, PATCH, DELETE under /api/) and gets no
answer — the app server died mid-request, the balancer answered 502, the
network dropped — cannot tell whether the write happened. Sent with an
`Idempotency-Key` header (any token of the client's, e.g. a UUID), the request
and its answer are recorded in the same transaction as the write:

- the first request with a key claims it (a row unique per caller and key),
  runs, and stores its answer when it is one worth replaying (a success, or the
  content refused: 400, 422); the claim, the write and the answer commit or
  roll back together, so a process killed mid-request leaves nothing behind;
- a retry with the same key and the same request gets the stored answer again
  (header `Idempotent-Replayed: true`) and writes nothing; while the first is
  still running, the retry waits for it (the unique row is locked);
- the same key with a different request is refused (422), as is a malformed
  key (400).

Keys are per caller: the API key (a hash of the Authorization header) or the
signed-in user. Anonymous requests are not keyed (the header is ignored), so no
one replays another's answer. Answers that are not stored (a 5xx, 401, 403,
409, 429) roll back whatever the request wrote and free the key for a retry.
Rows older than DIARIUM_IDEMPOTENCY_HOURS (24) are removed as new keys come.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

HEADER = "Idempotency-Key"
METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII without spaces
STORED_STATUSES = frozenset({400, 422})  # refused for its content: the same request is refused again


def _hours() -> int:
    return int(getattr(settings, "DIARIUM_IDEMPOTENCY_HOURS", 24))


def _scope(request) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return hashlib.sha256(b"authorization:" + authorization.encode("utf-8", "replace")).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return hashlib.sha256(f"user:{user.pk}".encode()).hexdigest()
    return None


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    length = request.META.get("CONTENT_LENGTH") or "0"
    digest.update(f"{request.content_type};{length}\n".encode())
    # The body itself when it may be held in memory (DATA_UPLOAD_MAX_MEMORY_SIZE);
    # a larger upload is told by its path, type and length.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or (length.isdigit() and int(length) <= limit):
        digest.update(request.body)
    return digest.hexdigest()


def _error(status: int, message: str) -> HttpResponse:
    from .api.errors import error_response

    return error_response(message, status, errors={HEADER: [message]})


def _replay(row) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type or None)
    if row.location:
        response["Location"] = row.location
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyKeyMiddleware:
    """Runs a keyed API write and its record in one transaction (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method not in METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        scope = _scope(request)
        if scope is None:
            return self.get_response(request)
        if not KEY_RE.fullmatch(key):
            return _error(400, _("Idempotency-Key ska vara 1–255 synliga tecken (till exempel ett UUID) "
                                 "utan mellanslag."))
        from .models import IdempotentRequest

        fingerprint = _fingerprint(request)
        now = timezone.now()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    IdempotentRequest.objects.create(scope=scope, key=key, fingerprint=fingerprint,
                                                     created_at=now, status=0, body=b"")
            except IntegrityError:
                row = IdempotentRequest.objects.filter(scope=scope, key=key).first()
                if row is None:  # removed as expired between the two statements: run it as new
                    return self.get_response(request)
                if row.fingerprint != fingerprint:
                    return _error(422, _("Idempotency-Key har redan använts för en annan begäran. "
                                         "Använd en ny nyckel för varje ny ändring."))
                return _replay(row)
            IdempotentRequest.objects.filter(created_at__lt=now - dt.timedelta(hours=_hours())).delete()
            response = self.get_response(request)
            if getattr(response, "streaming", False) or not (
                    response.status_code < 400 or response.status_code in STORED_STATUSES):
                transaction.set_rollback(True)
                return response
            IdempotentRequest.objects.filter(scope=scope, key=key).update(
                status=response.status_code, content_type=response.get("Content-Type", ""),
                location=response.get("Location", ""), body=response.content)
        return response
