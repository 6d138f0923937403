from datetime import UTC, datetime

from .actions import hash_token
from .models import ApiToken, User


def find_user_by_api_token(raw: str) -> User | None:
    """Return the active user holding this unexpired, unrevoked token, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at and token.expires_at < datetime.now(UTC)):
        return None
    return token.user
