import re
import unicodedata
from datetime import UTC, datetime

from django.db import connection, transaction

from huiliu.core.errors import NotFound
from huiliu.core.models import is_uuid

from . import context
from .chain import GENESIS, chained_fields, row_digest
from .models import AuditEvent

# A raw ID number or phone must never reach an audit row (shared/SECURITY.md 15),
# however it was typed: with spaces, dashes, dots, slashes or underscores between
# the digits, full-width digits or spaces (folded by NFKC first), a phone after +86;
# and the first 17 digits alone (they fix the check digit). Commas are no separator:
# they part the items of a list and the thousands of an amount. Dates and amounts
# hold too few digits to be masked, and a phone is read with spaces and dashes only,
# so "130,000,000.00" stays an amount. First-generation 15-digit numbers (out of use
# since 2013) are not looked for: a 12-digit division code and a 3-digit sequence
# ("440306001002-123") would read as one.
_SEPARATOR = r"[\s\-./_]*"
_PHONE_SEPARATOR = r"[\s\-]*"
_ID_NUMBER = rf"(?:\d{_SEPARATOR}){{16}}\d(?:{_SEPARATOR}[\dXx])?"
_PHONE = rf"(?:\+?86{_PHONE_SEPARATOR})?1{_PHONE_SEPARATOR}[3-9](?:{_PHONE_SEPARATOR}\d){{9}}"
_RAW_IDENTIFIER = re.compile(rf"(?<!\d)(?:{_ID_NUMBER}|{_PHONE})(?!\d)")
# Row keys (UUIDs) are not personal data and must stay findable, though their hex may hold 11 digits in a row.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def holds_raw_identifier(text: str) -> bool:
    """Whether the text holds what the audit trail would have to mask: an ID or phone number."""
    return _RAW_IDENTIFIER.search(_UUID.sub("", unicodedata.normalize("NFKC", text))) is not None


def _scrub_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    pieces = []
    position = 0
    for key in _UUID.finditer(text):
        pieces.append(_RAW_IDENTIFIER.sub("[已屏蔽]", text[position:key.start()]))
        pieces.append(key.group())
        position = key.end()
    pieces.append(_RAW_IDENTIFIER.sub("[已屏蔽]", text[position:]))
    return "".join(pieces)


def _scrub(value):
    if isinstance(value, str):
        return _scrub_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and _RAW_IDENTIFIER.search(str(value)):
        return _scrub(str(value))
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


def _lock_chain_head() -> None:
    # SQLite runs transactions IMMEDIATE (settings), which already serializes
    # writers; PostgreSQL needs an explicit lock so two appends cannot both
    # chain onto the same previous row.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(727011)")


def record_event(
    *,
    actor,
    event: str,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict | None = None,
    username: str = "",
    subject_codes: tuple[int | None, int | None] = (None, None),
) -> AuditEvent:
    """Append one row to the audit chain, inside the caller's transaction when there is one."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        _lock_chain_head()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        row = AuditEvent(
            occurred_at=datetime.now(UTC),
            user_id=actor.pk if is_user else None,
            username=(actor.get_username() if is_user else _scrub(username))[:150],
            office=getattr(actor, "office_code", None) if is_user else None,
            event=event,
            object_type=object_type,
            object_id=_scrub(str(object_id))[:64],
            outcome=outcome,
            client_address=context.client_address.get()[:45],
            detail=_scrub(detail or {}),
            subject_household=subject_codes[0],
            subject_residence=subject_codes[1],
            prev_hash=last or GENESIS,
        )
        row.hash = row_digest(row.prev_hash, chained_fields(row))
        row.save(force_insert=True)
        return row


def fetch_or_deny(user, scoped_rows, row_id, *, object_type: str, subject_codes_of=None):
    """Fetch the row with this id among the scoped rows, or record a denial and answer not found alike.

    A missing row and one out of the user's scope read the same to the caller; the audit
    row of the denial may name the places of the record asked for (`subject_codes_of(row_id)`),
    so that their offices learn of the attempt.
    """
    row = scoped_rows.filter(pk=row_id).first() if is_uuid(row_id) else None
    if row is None:
        codes = subject_codes_of(row_id) if subject_codes_of and is_uuid(row_id) else (None, None)
        record_event(actor=user, event="view", object_type=object_type, object_id=str(row_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED, subject_codes=codes)
        raise NotFound(row_id)
    return row
