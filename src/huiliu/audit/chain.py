"""The keyed hash chain over audit rows."""

import hashlib
import hmac
import json

from django.conf import settings

GENESIS = "0" * 64


def row_digest(prev_hash: str, fields: dict) -> str:
    """HMAC of the previous row's hash and this row's fields, in a canonical form."""
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    message = (prev_hash + "|" + body).encode()
    return hmac.new(settings.HUILIU_AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()


def chained_fields(event) -> dict:
    """The fields of a row that the chain protects, as they read back from the database."""
    fields = {
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "user_id": str(event.user_id) if event.user_id else "",
        "username": event.username,
        "office": event.office,
        "event": event.event,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": event.outcome,
        "client_address": event.client_address,
        "detail": event.detail,
    }
    # Added later: chained only when set, so rows written before them still verify.
    for name in ("subject_household", "subject_residence"):
        if getattr(event, name) is not None:
            fields[name] = getattr(event, name)
    return fields
