"""The report pages: the ledger a user sees for their subtree, the records behind every figure, the Excel ledger,
the charts; out of scope reads as missing."""

import datetime
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from huiliu.reports.indicators import CATALOGUE, COUNT, TABLES
from huiliu.reports.periods import QUARTER, period_containing
from tests import factories as f

pytestmark = pytest.mark.django_db

ARRIVED_ON = datetime.date(2026, 7, 15)
PERIOD = "2026Q3"
TOWNSHIP_1, TOWNSHIP_2 = f.township(f.ORIGIN_COUNTY, 1), f.township(f.ORIGIN_COUNTY, 2)
# Persons away from each origin village, all arrived at one destination village in the third quarter.
AWAY = {f.village(f.ORIGIN_COUNTY, 1, 1): 3, f.village(f.ORIGIN_COUNTY, 1, 2): 1, f.village(f.ORIGIN_COUNTY, 2, 1): 2}


def _arrive(worker, household: int, count: int, arrival_date=ARRIVED_ON) -> None:
    for _n in range(count):
        f.register_arrival(worker, number=f.id_number(f.ORIGIN_COUNTY), household_code=household,
                           arrival_date=arrival_date, registration_date=arrival_date + datetime.timedelta(days=2))


@pytest.fixture
def population(destination_village_worker):
    """Six persons from three villages of the origin county, registered on arrival at the destination."""
    for household, count in AWAY.items():
        _arrive(destination_village_worker, household, count)


@pytest.fixture
def county(origin_county_officer, log_in, population):
    return log_in(origin_county_officer)


def cells(page: str, table: str) -> dict[str, dict[str, str]]:
    """The ledger table's figures: row name → indicator code → the text of the cell; links as (text, href)."""
    section = re.search(rf'<table class="ledger" data-table="{table}">(.*?)</table>', page, re.DOTALL).group(1)
    indicators = re.findall(r'data-indicator="([a-z0-9_]+)"', section)
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.DOTALL)[1:]:
        name = re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.DOTALL).group(1)).strip()
        figures = re.findall(r'<td class="num [a-z]+">(.*?)</td>', row, re.DOTALL)
        rows[name] = dict(zip(indicators, figures, strict=True))
    return rows


def links(cell: str) -> list[tuple[str, str]]:
    return [(text, unescape(href)) for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>([^<]*)</a>', cell)]


def listed_count(client, url: str) -> tuple[int, int]:
    """The count the records page states, and the rows it lists over all its pages."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    stated = int(re.search(r'data-count="(\d+)"', page).group(1))
    rows = len(re.findall(r"<tr><td class=\"num\">", page))
    while match := re.search(r'<a href="(\?[^"]+)">下一页</a>', page):
        page = client.get(url.split("?")[0] + unescape(match.group(1))).content.decode()
        rows += len(re.findall(r"<tr><td class=\"num\">", page))
    return stated, rows


def test_the_county_ledger_shows_each_townships_persons_away_and_a_total_that_adds_up(county):
    page = county.get("/reports/", {"code": f"{f.ORIGIN_COUNTY:012d}", "period": PERIOD}).content.decode()

    away = cells(page, "away")
    assert links(away["章丘区第1镇"]["away"])[0][0] == "4"
    assert links(away["章丘区第2镇"]["away"])[0][0] == "2"
    assert links(away["合计"]["away"])[0][0] == "6"
    assert links(away["合计"]["away_female"])[0][0] == "6"  # the factories' ID numbers are women's


def test_every_figure_of_the_ledger_links_to_a_record_list_as_long_as_the_figure(county):
    page = county.get("/reports/", {"code": f"{f.ORIGIN_COUNTY:012d}", "period": PERIOD}).content.decode()

    checked = 0
    for table in ("away", "present"):
        for row, figures in cells(page, table).items():
            for indicator, cell in figures.items():
                for text, href in links(cell):
                    stated, listed = listed_count(county, href)
                    assert stated == listed == int(text.replace(",", "")), (row, indicator, href)
                    checked += 1
    assert checked >= 3 * len(TABLES["away"].indicators)


def test_a_rate_links_its_numerator_and_its_denominator_separately(county):
    page = county.get("/reports/", {"code": f"{f.ORIGIN_COUNTY:012d}", "period": PERIOD}).content.decode()

    total = cells(page, "exchange")["合计"]["feedback_rate"]
    (numerator, numerator_url), (denominator, denominator_url) = links(total)
    assert "part=numerator" in numerator_url and "part=denominator" in denominator_url
    assert listed_count(county, numerator_url)[0] == int(numerator)
    assert listed_count(county, denominator_url)[0] == int(denominator)


def test_a_township_name_opens_that_townships_ledger(county):
    page = county.get("/reports/", {"code": f"{f.ORIGIN_COUNTY:012d}", "period": PERIOD}).content.decode()
    drill = re.search(r'<a class="drill" href="([^"]+)">章丘区第1镇</a>', page).group(1)

    township = county.get("/reports/" + unescape(drill)).content.decode()

    away = cells(township, "away")
    assert links(away["章丘区第1镇第1村"]["away"])[0][0] == "3"
    assert links(away["合计"]["away"])[0][0] == "4"


def test_the_ledger_opens_at_the_users_own_jurisdiction_and_the_last_closed_quarter(county):
    response = county.get("/reports/")

    assert response.status_code == 200
    assert response.context["ledger"].code == f.ORIGIN_COUNTY
    assert response.context["period"] == period_containing(datetime.date.today(), QUARTER).previous()


def test_the_records_list_takes_the_same_queries_for_one_record_as_for_many(
        origin_county_officer, destination_village_worker, log_in):
    client = log_in(origin_county_officer)
    url = "/reports/records/"
    query = {"indicator": "away", "code": f"{f.ORIGIN_COUNTY:012d}", "period": PERIOD}
    _arrive(destination_village_worker, f.village(f.ORIGIN_COUNTY), 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, query).status_code == 200
    _arrive(destination_village_worker, f.village(f.ORIGIN_COUNTY), 7)
    with CaptureQueriesContext(connection) as many:
        assert 'data-count="8"' in client.get(url, query).content.decode()
    assert len(many) <= len(one)


@pytest.mark.parametrize("path", ["/reports/", "/reports/ledger.xlsx", "/reports/charts/", "/reports/records/"])
def test_a_jurisdiction_outside_the_users_subtree_reads_as_missing(county, path):
    query = {"code": f"{f.DESTINATION_COUNTY:012d}", "period": PERIOD, "indicator": "present"}
    missing = {**query, "code": "370114009000"}  # a township that does not exist, inside the county's range

    outside = county.get(path, query)

    assert outside.status_code == 404
    assert county.get(path, missing).status_code == 404


@pytest.mark.parametrize("path", ["/reports/", "/reports/ledger.xlsx", "/reports/charts/", "/reports/records/"])
def test_the_report_pages_need_a_login(client, db, path):
    response = client.get(path, {"code": f"{f.ORIGIN_COUNTY:012d}", "period": PERIOD, "indicator": "away"})

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/reports/", "/reports/ledger.xlsx", "/reports/charts/", "/reports/records/"])
def test_a_bad_period_is_refused_naming_the_field_and_shows_nothing_else(county, path):
    response = county.get(path, {"code": f"{f.ORIGIN_COUNTY:012d}", "period": "2026Q5", "indicator": "away"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "统计周期：" in page and "2026Q3" in page  # the message names the field and shows the form it takes
    assert 'class="ledger"' not in page and "data-count" not in page and "chart-data" not in page


def test_the_excel_ledger_opens_and_its_totals_row_is_the_sum_of_its_rows(county):
    response = county.get("/reports/ledger.xlsx", {"code": f"{f.ORIGIN_COUNTY:012d}", "period": PERIOD})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'ledger-{f.ORIGIN_COUNTY:012d}-{PERIOD}.xlsx"')
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert len(book.sheet_names) == len(TABLES)
    for table, name in zip(TABLES.values(), book.sheet_names, strict=True):
        rows = book.get_sheet_by_name(name).to_python()
        totals_at = next(i for i, row in enumerate(rows) if row[0] == "合计")
        data = rows[6 - 1:totals_at]
        assert [row[0] for row in data][:2] == ["章丘区第1镇", "章丘区第2镇"]
        for column, code in enumerate(table.indicators, 2):
            if CATALOGUE[code].kind == COUNT:
                assert rows[totals_at][column] == sum(row[column] or 0 for row in data), (name, code)
    away = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert next(row for row in away if row[0] == "合计")[2] == 6
    assert "origin-county" in str(away)  # the preparer


def test_the_chart_page_embeds_the_trends_and_the_comparison_and_loads_echarts_from_the_site(county):
    response = county.get("/reports/charts/", {"code": f"{f.ORIGIN_COUNTY:012d}", "period": PERIOD,
                                                "indicator": "away"})

    page = response.content.decode()
    assert response.status_code == 200
    data = response.context["chart_data"]
    assert len(data["periods"]) == 8
    away = next(line for line in data["counts"]["series"] if line["code"] == "away")
    assert away["values"][-1] == 6
    assert data["comparison"]["units"] == ["章丘区第1镇", "章丘区第2镇"] and data["comparison"]["values"] == [4, 2]
    assert '<script id="chart-data" type="application/json">' in page
    assert re.search(r'<script src="/static/reports/vendor/echarts\.min\.js">', page)
    assert "http://" not in page.split("<main>")[1] and "https://" not in page.split("<main>")[1]
