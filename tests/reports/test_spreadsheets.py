"""The ledger as Excel: laid out like the printed ledger, numbers as numbers, the totals row the sum of its rows."""

import datetime
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from huiliu.reports.indicators import CATALOGUE, COUNT, MEDIAN, RATE, TABLES
from huiliu.reports.ledgers import Ledger, LedgerRow, fill_rates
from huiliu.reports.periods import parse_period
from huiliu.reports.spreadsheets import HEADER_ROW, LEADING_COLUMNS, own_row_label, write_ledger_xlsx

COUNTY = 370114000000
COUNTS = [code for code, indicator in CATALOGUE.items() if indicator.kind == COUNT]
MEDIANS = [code for code, indicator in CATALOGUE.items() if indicator.kind == MEDIAN]
PREPARED_ON = datetime.date(2026, 10, 9)


def make_ledger(children: list[dict[str, int]], own: dict[str, int] | None, medians: dict[str, Decimal]) -> Ledger:
    """A county ledger whose rows carry these counts and whose total is their sum, as the engine builds it."""
    rows = [LedgerRow(code=COUNTY + (n + 1) * 1000, name=f"第{n + 1}镇", level=4,
                      values=fill_rates({**counts, **medians})) for n, counts in enumerate(children)]
    if own is not None:
        rows.append(LedgerRow(code=COUNTY, name="章丘区", level=3, values=fill_rates({**own, **medians}), own=True))
    total = {code: sum(row.values[code] for row in rows) for code in COUNTS}
    return Ledger(code=COUNTY, name="章丘区", level=3, period=parse_period("2026Q3"),
                  total=LedgerRow(code=COUNTY, name="章丘区", level=3, values=fill_rates({**total, **medians})),
                  rows=rows)


def counts_strategy():
    return st.fixed_dictionaries({code: st.integers(min_value=0, max_value=10**7) for code in COUNTS})


def sheets_of(content: bytes) -> dict[str, list[list]]:
    """Every sheet's cells as Calamine (the reader of the imports) sees them."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def body(rows: list[list], ledger: Ledger) -> tuple[list[list], list]:
    """The data rows and the totals row of one sheet, found below the two header rows."""
    first = HEADER_ROW + 1  # 0-based: the row after the units row
    data = rows[first:first + len(ledger.rows)]
    return data, rows[first + len(ledger.rows)]


@settings(max_examples=25, deadline=None)
@given(children=st.lists(counts_strategy(), min_size=1, max_size=5), own=st.none() | counts_strategy())
def test_every_count_column_of_the_totals_row_is_the_sum_of_its_rows(children, own):
    ledger = make_ledger(children, own, {code: Decimal("12.5") for code in MEDIANS})

    sheets = sheets_of(write_ledger_xlsx(ledger, preparer="李明", prepared_on=PREPARED_ON))

    assert len(sheets) == len(TABLES)
    for table, rows in zip(TABLES.values(), sheets.values(), strict=True):
        data, totals = body(rows, ledger)
        assert totals[0] == "合计"
        for offset, code in enumerate(table.indicators, LEADING_COLUMNS):
            if CATALOGUE[code].kind == COUNT:
                assert totals[offset] == sum(row[offset] for row in data) == ledger.total.values[code]


def test_the_sheet_is_headed_like_the_printed_ledger_and_signed_by_the_preparer():
    ledger = make_ledger([dict.fromkeys(COUNTS, 3), dict.fromkeys(COUNTS, 4)], dict.fromkeys(COUNTS, 1),
                         {code: Decimal("2.5") for code in MEDIANS})

    sheets = sheets_of(write_ledger_xlsx(ledger, preparer="李明", prepared_on=PREPARED_ON))

    rows = next(iter(sheets.values()))
    text = " ".join(str(cell) for row in rows for cell in row if cell != "")
    assert rows[0][0].startswith("章丘区")
    assert "编制单位" in text and "2026" in text and ledger.period.title() in text
    assert "制表人" in text and "李明" in text and "2026-10-09" in text
    data, totals = body(rows, ledger)
    assert [row[0] for row in data] == ["第1镇", "第2镇", own_row_label()]
    assert [row[1] for row in data] == ["370114001000", "370114002000", "370114000000"]
    assert totals[2] == 3 + 4 + 1


def test_numbers_are_numeric_cells_with_rates_as_percentages_and_medians_to_one_decimal():
    counts = dict.fromkeys(COUNTS, 0) | {"notices_due": 15, "notices_answered": 12, "notices_answered_on_time": 9}
    ledger = make_ledger([counts], None, {code: Decimal("3.5") for code in MEDIANS})

    book = load_workbook(io.BytesIO(write_ledger_xlsx(ledger, preparer="李明", prepared_on=PREPARED_ON)))

    sheet = book[str(TABLES["exchange"].title)]
    columns = {sheet.cell(row=HEADER_ROW, column=c).value: c for c in range(1, sheet.max_column + 1)}
    row = HEADER_ROW + 2
    feedback = sheet.cell(row=row, column=columns[str(CATALOGUE["feedback_rate"].name)])
    assert feedback.data_type == "n" and feedback.value == 0.8 and feedback.number_format == "0.0%"
    due = sheet.cell(row=row, column=columns[str(CATALOGUE["notices_due"].name)])
    assert due.data_type == "n" and due.value == 15
    median = sheet.cell(row=row, column=columns[str(CATALOGUE["median_answer_days"].name)])
    assert median.value == 3.5 and median.number_format == "0.0"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW + 1}"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_a_rate_with_nothing_to_divide_by_is_an_empty_cell_not_zero():
    ledger = make_ledger([dict.fromkeys(COUNTS, 0)], None, dict.fromkeys(MEDIANS))

    book = load_workbook(io.BytesIO(write_ledger_xlsx(ledger, preparer="李明", prepared_on=PREPARED_ON)))

    sheet = book[str(TABLES["exchange"].title)]
    rates = [c for c in range(LEADING_COLUMNS + 1, sheet.max_column + 1)
             if CATALOGUE[TABLES["exchange"].indicators[c - LEADING_COLUMNS - 1]].kind == RATE]
    assert rates and all(sheet.cell(row=HEADER_ROW + 2, column=c).value is None for c in rates)
