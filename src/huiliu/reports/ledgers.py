"""A ledger: one jurisdiction's figures for one period, beside each of its children's, with totals that add up."""

import dataclasses
from decimal import Decimal

from .indicators import CATALOGUE, COUNT, RATE
from .periods import Period

Value = int | Decimal | None  # a count; a rate in percent or a median in days (one decimal); None: nothing to divide


@dataclasses.dataclass
class LedgerRow:
    code: int
    name: str
    level: int
    values: dict[str, Value]  # indicator code → value, for every indicator of the catalogue
    own: bool = False  # the records held at the node itself, not at any child (本级)


@dataclasses.dataclass
class Ledger:
    code: int
    name: str
    level: int
    period: Period
    total: LedgerRow  # the node's own figures: for a count, the sum of `rows`
    rows: list[LedgerRow]  # each child, then the node's own records when any count there is not zero
    computed_at: str = ""  # ISO time the figures were computed; a stored closed period keeps its time

    def column_sum(self, indicator: str) -> int:
        """The sum of a count over the rows: equal to the total, which the tests and the export check."""
        assert CATALOGUE[indicator].kind == COUNT
        return sum(row.values[indicator] or 0 for row in self.rows)


def rate_percent(numerator: int, denominator: int) -> Decimal | None:
    """A rate as a percentage with one decimal, rounded half up; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


_RATES = tuple((i.code, i.numerator, i.denominator) for i in CATALOGUE.values() if i.kind == RATE)


def fill_rates(values: dict[str, Value]) -> dict[str, Value]:
    """Compute every rate of a row from the row's own counts, so a total's rate is never an average of rates."""
    for code, numerator, denominator in _RATES:
        values[code] = rate_percent(values.get(numerator) or 0, values.get(denominator) or 0)
    return values
