"""Medians taken by the database: only the one or two middle rows are fetched, however many rows there are."""

from django.db.models import QuerySet


def middle_values(rows: QuerySet, field: str, count: int) -> list:
    """The one (odd count) or two (even count) middle values of `field` over `count` rows, in SQL order."""
    if not count:
        return []
    return list(rows.order_by(field).values_list(field, flat=True)[(count - 1) // 2: count // 2 + 1])
