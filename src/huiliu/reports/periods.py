"""Report periods: a month (2026-07), a quarter (2026Q3) or a year (2026), each a closed range of days."""

import calendar
import dataclasses
import datetime
import re

from django.utils.translation import gettext as _

from huiliu.core.errors import ValidationFailed

MONTH, QUARTER, YEAR = "month", "quarter", "year"
_PATTERNS = {
    MONTH: re.compile(r"(?P<year>\d{4})-(?P<number>\d{2})"),
    QUARTER: re.compile(r"(?P<year>\d{4})Q(?P<number>[1-4])"),
    YEAR: re.compile(r"(?P<year>\d{4})"),
}
_MONTHS_IN = {MONTH: 1, QUARTER: 3, YEAR: 12}


@dataclasses.dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date  # the last day, inclusive
    kind: str
    label: str

    def is_closed(self, today: datetime.date) -> bool:
        """A period is closed once its last day is over: its figures no longer change but for late entries."""
        return today > self.end

    def previous(self) -> "Period":
        return period_containing(self.start - datetime.timedelta(days=1), self.kind)

    def title(self) -> str:
        """The period as a ledger heads it: 2026年第3季度."""
        if self.kind == MONTH:
            return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == QUARTER:
            return _("%(year)d Q%(quarter)d") % {"year": self.start.year, "quarter": (self.start.month + 2) // 3}
        return _("year %(year)d") % {"year": self.start.year}


def _make(kind: str, year: int, first_month: int) -> Period:
    last_month = first_month + _MONTHS_IN[kind] - 1
    start = datetime.date(year, first_month, 1)
    end = datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
    if kind == MONTH:
        label = f"{year}-{first_month:02d}"
    elif kind == QUARTER:
        label = f"{year}Q{(first_month + 2) // 3}"
    else:
        label = str(year)
    return Period(start=start, end=end, kind=kind, label=label)


def period_containing(day: datetime.date, kind: str) -> Period:
    """The month, quarter or year that holds `day`."""
    first_month = {MONTH: day.month, QUARTER: (day.month - 1) // 3 * 3 + 1, YEAR: 1}[kind]
    return _make(kind, day.year, first_month)


def parse_period(text: str, field: str = "period") -> Period:
    """Read 2026-07, 2026Q3 (or 2026q3) or 2026; anything else is refused, naming the field."""
    cleaned = str(text).strip().upper()
    for kind, pattern in _PATTERNS.items():
        match = pattern.fullmatch(cleaned)
        if not match:
            continue
        year = int(match["year"])
        number = int(match.groupdict().get("number") or 1)
        if not 2000 <= year <= 2100 or (kind == MONTH and not 1 <= number <= 12):
            break
        first_month = {MONTH: number, QUARTER: (number - 1) * 3 + 1, YEAR: 1}[kind]
        return _make(kind, year, first_month)
    raise ValidationFailed({field: [_("A period is a month (2026-07), a quarter (2026Q3) or a year (2026).")]})


def periods_ending_with(period: Period, count: int) -> list[Period]:
    """`count` periods of the same kind, oldest first, the last being `period`: the span of a trend chart."""
    chain = [period]
    while len(chain) < count:
        chain.append(chain[-1].previous())
    return list(reversed(chain))
