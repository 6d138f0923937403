"""The ledgers in a real browser: a county officer opens the ledger, follows a figure to the records behind it
and sees the charts drawn by the vendored ECharts."""

import datetime
import re

import pytest

from huiliu.accounts.models import Role
from tests import factories as f

pytestmark = pytest.mark.browser

ARRIVED_ON = datetime.date(2026, 7, 15)
PERIOD = "2026Q3"
AWAY = {f.village(f.ORIGIN_COUNTY, 1, 1): 3, f.village(f.ORIGIN_COUNTY, 1, 2): 1, f.village(f.ORIGIN_COUNTY, 2, 1): 2}


@pytest.fixture
def county_officer(destination_worker):
    """The origin county's officer, with six of the county's people registered on arrival at the destination."""
    for household, count in AWAY.items():
        for _n in range(count):
            f.register_arrival(destination_worker, number=f.id_number(f.ORIGIN_COUNTY), household_code=household,
                               arrival_date=ARRIVED_ON, registration_date=ARRIVED_ON + datetime.timedelta(days=2))
    return f.make_user(Role.COUNTY_OFFICER, f.ORIGIN_COUNTY, "e2e-origin-county")


def test_a_county_officer_follows_a_figure_of_the_ledger_to_its_records_and_sees_the_charts(journey, county_officer):
    from playwright.sync_api import expect

    base = journey.base
    officer = journey.open_as(county_officer)
    officer.goto(f"{base}/reports/?code={f.ORIGIN_COUNTY:012d}&period={PERIOD}")
    away = officer.locator("table.ledger[data-table=away]")
    expect(away.locator("tfoot tr.total")).to_contain_text("合计")
    journey.on_page(officer, "reports-ledger-county", re.compile(r"/reports/\?"))
    # Figures are aligned right, as in a printed ledger; the rows name the townships.
    first_figure = away.locator("tbody td.num").first
    assert first_figure.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    expect(away.locator("tbody th").first).to_contain_text("章丘区第1镇")

    figure = away.locator("tbody tr", has_text="章丘区第1镇").locator("td.num a").first
    expect(figure).to_have_text("4")
    figure.click()
    expect(officer.locator(".record-count")).to_have_text("4")
    expect(officer.locator("table.records tbody tr")).to_have_count(4)
    journey.on_page(officer, "reports-records-behind-a-figure", re.compile(r"/reports/records/\?"))

    officer.goto(f"{base}/reports/?code={f.ORIGIN_COUNTY:012d}&period={PERIOD}")
    officer.click("a.button[href^='/reports/charts/']")
    for chart in ("chart-counts", "chart-rates", "chart-comparison"):
        expect(officer.locator(f"#{chart} canvas")).to_have_count(1)
    officer.wait_for_function("() => [...document.querySelectorAll('[data-chart]')].every("
                              "e => e.dataset.drawn === 'true' && e.querySelector('canvas').width > 0)")
    officer.wait_for_timeout(300)  # the first frame is painted on the next animation frame
    journey.on_page(officer, "reports-charts-county", re.compile(r"/reports/charts/\?"))
