from __future__ import annotations

from .models import ApiToken, User


def user_for_api_token(raw: str) -> User | None:
    """The active user behind a raw API token, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token else None
