"""An origin county with seven townships to rank, and figures served in place of the reports engine."""

import datetime
from decimal import Decimal

import pytest

from huiliu.accounts.models import Role
from huiliu.assessments import actions, figures
from huiliu.jurisdictions.actions import load_divisions
from tests import factories as f

COUNTY = f.ORIGIN_COUNTY
TOWNSHIPS = [f.township(COUNTY, t) for t in range(1, 8)]
FULL_ITEMS = [
    {"indicator": "feedback_rate", "weight": 30, "target": "95", "floor": "60"},
    {"indicator": "on_time_rate", "weight": 30, "target": "90"},
    {"indicator": "service_coverage_rate", "weight": 40, "target": "80"},
]


@pytest.fixture
def county(tree):
    """Townships 3 to 7 beside the factories' two, so a ranking has a head, a tail and a middle."""
    load_divisions(acting_user=None, rows=[(n, f"{code:012d}", f"章丘区第{n}镇")
                                           for n, code in enumerate(TOWNSHIPS[2:], 3)])
    return COUNTY


@pytest.fixture
def county_officer(county):
    return f.make_user(Role.COUNTY_OFFICER, COUNTY, "zq-county")


@pytest.fixture
def township_officer(county):
    return f.make_user(Role.TOWNSHIP_OFFICER, TOWNSHIPS[0], "zq-township")


@pytest.fixture
def other_county_officer(county):
    return f.make_user(Role.COUNTY_OFFICER, f.DESTINATION_COUNTY, "ba-county")


@pytest.fixture
def province_officer(county):
    return f.make_user(Role.PROVINCE_OFFICER, 370000000000, "sd-province")


class FakeFigures:
    """The engine's answer per period label: {code: {indicator: value}}; anything not set has no figure."""

    def __init__(self):
        self.by_period: dict[str, dict[int, dict]] = {}
        self.calls: list[tuple[str, tuple]] = []

    def set(self, period: str, code: int, **values):
        self.by_period.setdefault(period, {})[code] = {k: None if v is None else Decimal(str(v))
                                                       for k, v in values.items()}

    def __call__(self, *, period, codes):
        self.calls.append((period.label, tuple(codes)))
        known = self.by_period.get(period.label, {})
        return {code: dict(known.get(code, {})) for code in codes}


@pytest.fixture
def engine(monkeypatch):
    fake = FakeFigures()
    monkeypatch.setattr(figures, "unit_values", fake)
    return fake


def make_scheme(officer, *, items=None, period_kind="quarter", name="2026年度流动人口服务管理考核"):
    return actions.create_scheme(acting_user=officer, owner_code=COUNTY, name=name, period_kind=period_kind,
                                 items=items or FULL_ITEMS)


def fill_quarter(engine, period="2026Q2", shift=0):
    """Figures of the seven townships (township n does better the lower n is), and of the county as a whole."""
    for n, code in enumerate(TOWNSHIPS, 1):
        engine.set(period, code, feedback_rate=100 - 5 * n + shift, on_time_rate=95 - 6 * n + shift,
                   service_coverage_rate=85 - 4 * n + shift)
    engine.set(period, COUNTY, feedback_rate=80 + shift, on_time_rate=70 + shift, service_coverage_rate=70 + shift)


NOW = datetime.datetime(2026, 7, 10, 9, 0, tzinfo=datetime.UTC)
