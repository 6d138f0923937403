"""The fund's ledger as an Excel workbook laid out like the printed ledger (台账), audited as an export.

Title, unit, period, preparer and date above the table; one row an entry with money in,
money out, write-offs and the running balance, amounts as numbers in yuan with two
decimals, dates as dates; the opening balance first and the totals last.
"""

import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from huiliu.audit.actions import record_event
from huiliu.core.money import yuan
from huiliu.jurisdictions.queries import full_names

from . import queries
from .models import MONEY_IN, EntryKind, Fund

YUAN_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
WIDTHS = (6, 12, 10, 10, 30, 14, 14, 14, 14, 10)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def ledger_workbook(*, acting_user, fund: Fund, start: datetime.date | None = None,
                    end: datetime.date | None = None) -> bytes:
    """The ledger of the fund between `start` and `end` (inclusive) as .xlsx bytes; the export is audited."""
    today = timezone.localdate()
    end = end or today
    entries = list(queries.ledger_entries(fund, start=start, end=end))
    start = start or (entries[0].occurred_on if entries else end)
    opening = queries.fund_position(fund, until=start - datetime.timedelta(days=1)).balance
    unit = full_names([fund.owner_jurisdiction_id]).get(fund.owner_jurisdiction_id, "").replace(" ", "")
    kinds = dict(EntryKind.choices)

    book = Workbook()
    sheet = book.active
    sheet.title = _("Ledger")
    headers = [_("No."), _("Date"), _("Kind"), _("Borrower"), _("Particulars"), _("Money in (yuan)"),
               _("Money out (yuan)"), _("Written off (yuan)"), _("Balance (yuan)"), _("Recorded by")]
    last_column = get_column_letter(len(headers))
    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"] = _("%(fund)s ledger") % {"fund": fund.name}
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    preparer = (getattr(acting_user, "display_name", "") or acting_user.get_username()) if acting_user else ""
    sheet.append([_("Unit:"), unit, None, None, _("Period:"), start, None, end])
    sheet.append([_("Prepared by:"), preparer, None, None, _("Date prepared:"), today])
    for cell in ("F2", "H2", "F3"):
        sheet[cell].number_format = DATE_FORMAT
    sheet.append([])
    sheet.append(headers)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font, cell.border = Font(bold=True), _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    balance = opening
    sheet.append([None, start, None, None, _("Opening balance"), None, None, None, yuan(balance), None])
    money_in = money_out = written_off = 0
    for number, entry in enumerate(entries, 1):
        in_fen = entry.amount_fen if entry.kind in MONEY_IN or entry.kind == EntryKind.REPAYMENT else 0
        out_fen = entry.amount_fen if entry.kind == EntryKind.LOAN_OUT else 0
        off_fen = entry.amount_fen if entry.kind == EntryKind.WRITE_OFF else 0
        balance += in_fen - out_fen
        money_in, money_out, written_off = money_in + in_fen, money_out + out_fen, written_off + off_fen
        particulars = "；".join(p for p in (entry.counterparty, entry.note, entry.reason) if p)
        recorder = entry.recorded_by.display_name or entry.recorded_by.username if entry.recorded_by else ""
        sheet.append([number, entry.occurred_on, str(kinds[entry.kind]),
                      entry.loan.borrower.name if entry.loan_id else "", particulars,
                      yuan(in_fen) if in_fen else None, yuan(out_fen) if out_fen else None,
                      yuan(off_fen) if off_fen else None, yuan(balance), recorder])
    sheet.append([None, end, None, None, _("Totals for the period"), yuan(money_in), yuan(money_out),
                  yuan(written_off), yuan(balance), None])
    totals_row = sheet.max_row
    for row in sheet.iter_rows(min_row=header_row + 1, max_row=totals_row):
        for cell in row:
            cell.border = _BOX
        row[1].number_format = DATE_FORMAT
        for cell in row[5:9]:
            cell.number_format = YUAN_FORMAT
    for cell in sheet[totals_row]:
        cell.font = Font(bold=True)
    outstanding = queries.fund_position(fund, until=end).outstanding
    sheet.append([])
    sheet.append([None, None, None, None, _("Outstanding on loans at the end of the period"), None, None, None,
                  yuan(outstanding)])
    sheet.cell(row=sheet.max_row, column=9).number_format = YUAN_FORMAT
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    output = io.BytesIO()
    book.save(output)
    record_event(actor=acting_user, event="export", object_type="fund", object_id=fund.pk,
                 detail={"format": "xlsx", "start": start.isoformat(), "end": end.isoformat(),
                         "entries": len(entries)})
    return output.getvalue()
