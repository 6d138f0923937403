"""Workbooks written for download (openpyxl, write-only): the problem report and the ledger exports."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook


def workbook_bytes(title: str, headers: list[str], rows) -> bytes:
    """One sheet: a header row and the rows, every cell written as text so that ID numbers keep their digits."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(["" if value is None else str(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_bytes(problems: list[dict]) -> bytes:
    """The problems of a checked file: line, column as headed in the file, value, message."""
    headers = [_("Line"), _("Column"), _("Value"), _("Problem")]
    return workbook_bytes(_("Problems"), headers,
                          ([p["line"], p["column"], p["value"], p["message"]] for p in problems))
