"""The reports' figures that an assessment scores: the one place this app asks the reports engine for numbers."""

from decimal import Decimal

from huiliu.reports.periods import Period


def unit_values(*, period: Period, codes: list[int]) -> dict[int, dict[str, Decimal | None]]:
    """Every indicator's figure for each of these jurisdictions in the period (its whole subtree), from the engine."""
    # Imported here: the engine is heavy (DuckDB) and the pages that only list schemes never need it.
    from huiliu.reports.queries import values_for_units

    return values_for_units(period=period, codes=list(codes))
