from datetime import UTC, datetime

from .actions import hash_token
from .models import ApiToken, User


def find_user_by_api_token(raw: str) -> User | None:
    """Return the active user holding this unexpired, unrevoked token, or None."""
    token = find_api_token(raw)
    return token.user if token else None


def find_api_token(raw: str) -> ApiToken | None:
    """Return this unexpired, unrevoked token of an active user, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at and token.expires_at < datetime.now(UTC)):
        return None
    return token


def list_api_tokens(user: User):
    """The user's API tokens, newest first (their hashes only: a token is shown once, when issued)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")
