from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .chain import GENESIS, chained_fields, row_digest
from .models import AuditEvent


def list_events(
    *,
    office_ranges: Iterable[tuple[int, int]],
    username: str = "",
    event: str = "",
    object_id: str = "",
    outcome: str = "",
) -> QuerySet[AuditEvent]:
    """List audit rows of offices, or about persons of places, inside the given code ranges, newest first.

    The caller (the auditor's page) passes the ranges of the auditor's own
    subtree; rows with neither office nor person (failed logins of unknown
    names, command-line work) are shown to every auditor, as they name no person.
    """
    scope = Q(office__isnull=True, subject_household__isnull=True, subject_residence__isnull=True)
    for low, high in office_ranges:
        for column in ("office", "subject_household", "subject_residence"):
            scope |= Q(**{f"{column}__range": (low, high)})
    rows = AuditEvent.objects.filter(scope)
    if username:
        rows = rows.filter(username=username)
    if event:
        rows = rows.filter(event=event)
    if object_id:
        rows = rows.filter(object_id=object_id)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("-id")


def find_first_broken_event() -> tuple[int | None, int]:
    """Walk the chain from its start; return the id of the first row that fails, and rows checked."""
    expected_prev = GENESIS
    checked = 0
    for row in AuditEvent.objects.order_by("id").iterator(chunk_size=5000):
        if row.prev_hash != expected_prev or row.hash != row_digest(row.prev_hash, chained_fields(row)):
            return row.id, checked
        expected_prev = row.hash
        checked += 1
    return None, checked
