"""A ledger as an Excel workbook laid out like the printed ledger (统计台账): one sheet a standard table.

Each sheet: the title (jurisdiction and table), the unit and the period, the indicators with their units as the
header, one row a child jurisdiction, then the records held at the node itself (本级), then the totals (合计);
the preparer and the date below. Counts are whole numbers, rates numbers shown as percentages, medians days with
one decimal; an empty cell is a rate with nothing to divide by. It prints on A4 landscape, one page wide, with
the header repeated on every page.
"""

import datetime
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .indicators import CATALOGUE, COUNT, RATE, TABLES
from .ledgers import Ledger, LedgerRow

COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.0%"
MEDIAN_FORMAT = "0.0"
# The columns before the indicators: the jurisdiction's name and its division code.
LEADING_COLUMNS = 2
HEADER_ROW = 4  # indicator names; their units on the row below
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="EEF2F8")
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def own_row_label() -> str:
    """The name of the row that holds the records of the node itself, not of any child."""
    return _("This level")


def cell_value(indicator_code: str, value):
    """A figure as the number a spreadsheet keeps: a rate as a fraction (shown as a percentage), None as empty."""
    if value is None:
        return None
    indicator = CATALOGUE[indicator_code]
    if indicator.kind == COUNT:
        return int(value)
    if indicator.kind == RATE:
        return float(Decimal(value) / 100)
    return float(value)


def _number_format(indicator_code: str) -> str:
    kind = CATALOGUE[indicator_code].kind
    return {COUNT: COUNT_FORMAT, RATE: RATE_FORMAT}.get(kind, MEDIAN_FORMAT)


def _row_cells(row: LedgerRow, indicators: tuple[str, ...], label: str) -> list:
    return [label, f"{row.code:012d}", *(cell_value(code, row.values.get(code)) for code in indicators)]


def _write_table(book: Workbook, ledger: Ledger, table_code: str, *, preparer: str, prepared_on: datetime.date):
    table = TABLES[table_code]
    sheet = book.create_sheet(str(table.title).translate(_SHEET_NAME_FORBIDDEN)[:31])
    indicators = table.indicators
    width = LEADING_COLUMNS + len(indicators)
    last_column = get_column_letter(width)

    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"] = _("%(jurisdiction)s %(table)s ledger") % {"jurisdiction": ledger.name, "table": table.title}
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.row_dimensions[1].height = 26
    sheet["A2"], sheet["B2"] = _("Unit:"), ledger.name
    sheet["D2"], sheet["E2"] = _("Period:"), ledger.period.title()
    sheet["G2"] = _("%(start)s to %(end)s") % {"start": ledger.period.start.isoformat(),
                                               "end": ledger.period.end.isoformat()}

    names = [_("Jurisdiction"), _("Division code"), *(str(CATALOGUE[code].name) for code in indicators)]
    units = [None, None, *(str(CATALOGUE[code].unit) for code in indicators)]
    for column, (name, unit) in enumerate(zip(names, units, strict=True), 1):
        sheet.cell(row=HEADER_ROW, column=column, value=name)
        sheet.cell(row=HEADER_ROW + 1, column=column, value=unit)
    for column in (1, 2):  # the leading headers span both header rows
        sheet.merge_cells(start_row=HEADER_ROW, start_column=column, end_row=HEADER_ROW + 1, end_column=column)
    for header_row in (HEADER_ROW, HEADER_ROW + 1):
        for cell in sheet[header_row]:
            cell.font, cell.border, cell.fill = Font(bold=True), _BOX, _HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[HEADER_ROW].height = 48

    first_data_row = HEADER_ROW + 2
    for row in ledger.rows:
        sheet.append(_row_cells(row, indicators, own_row_label() if row.own else row.name))
    sheet.append(_row_cells(ledger.total, indicators, _("Total")))
    totals_row = sheet.max_row
    for row_cells in sheet.iter_rows(min_row=first_data_row, max_row=totals_row, max_col=width):
        for cell in row_cells:
            cell.border = _BOX
        for cell, code in zip(row_cells[LEADING_COLUMNS:], indicators, strict=True):
            cell.number_format = _number_format(code)
            cell.alignment = Alignment(horizontal="right")
        row_cells[1].number_format = "@"
    for cell in sheet[totals_row]:
        cell.font = Font(bold=True)

    footer_row = totals_row + 2
    sheet.cell(row=footer_row, column=1, value=_("Prepared by:"))
    sheet.cell(row=footer_row, column=2, value=preparer)
    sheet.cell(row=footer_row, column=4, value=_("Date prepared:"))
    date_cell = sheet.cell(row=footer_row, column=5, value=prepared_on)
    date_cell.number_format = "yyyy-mm-dd"
    date_cell.alignment = Alignment(horizontal="left")
    sheet.cell(row=footer_row + 1, column=1, value=_(
        "Computed from the records by Huiliu; every figure can be opened to the records behind it."))

    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 15
    for column in range(LEADING_COLUMNS + 1, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.freeze_panes = sheet.cell(row=first_data_row, column=LEADING_COLUMNS + 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.left.text = f"{_('Prepared by:')}{preparer}  {_('Date prepared:')}{prepared_on.isoformat()}"
    sheet.oddFooter.right.text = "&P / &N"


def write_ledger_xlsx(ledger: Ledger, *, preparer: str, prepared_on: datetime.date) -> bytes:
    """Write the ledger as .xlsx bytes, one sheet a standard table, totals equal to the sum of the rows."""
    book = Workbook()
    book.remove(book.active)
    for table_code in TABLES:
        _write_table(book, ledger, table_code, preparer=preparer, prepared_on=prepared_on)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
