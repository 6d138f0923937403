"""A ledger as CSV and as JSON, for scripts and other systems (the printed layout is `spreadsheets`).

Both carry every indicator of the catalogue, by its code. A count is a whole number; a rate is a percentage with
one decimal (88.9 for 88.9 %); a median is days with one decimal; a rate with nothing to divide by, or a median
over no records, is empty (CSV) or null (JSON).

- CSV: a header `code,name,row,<indicator codes…>`, then one line a node: each child (`row` = child), the records
  held at the node itself when any (own), and the node's totals last (total). Codes are the 12 digits.
- JSON: {"period": {label, kind, start, end, title}, "jurisdiction": {code, name, level}, "computed_at",
  "indicators": [{code, name, unit, kind, table, definition, numerator, denominator}],
  "rows": [{code, name, own, values: {indicator: value}}], "total": {code, name, values}}; for a count, the total's
  value is the sum of the rows'.
"""

import csv
import io
from decimal import Decimal

from .indicators import CATALOGUE, COUNT
from .ledgers import Ledger, LedgerRow, Value

CHILD, OWN, TOTAL = "child", "own", "total"


def plain_value(indicator: str, value: Value) -> int | float | None:
    """A figure as a JSON number: a count whole, a rate in percent or a median in days with one decimal."""
    if value is None:
        return None
    if CATALOGUE[indicator].kind == COUNT:
        return int(value)
    return float(Decimal(value))


def _text(indicator: str, value: Value) -> str:
    if value is None:
        return ""
    return str(int(value)) if CATALOGUE[indicator].kind == COUNT else f"{Decimal(value):.1f}"


def _rows(ledger: Ledger) -> list[tuple[str, LedgerRow]]:
    return [*((OWN if row.own else CHILD, row) for row in ledger.rows), (TOTAL, ledger.total)]


def ledger_csv(ledger: Ledger) -> str:
    """The ledger as CSV text: one line a child, the node's own records, then the totals."""
    indicators = list(CATALOGUE)
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(["code", "name", "row", *indicators])
    for kind, row in _rows(ledger):
        writer.writerow([f"{row.code:012d}", row.name, kind, *(_text(i, row.values.get(i)) for i in indicators)])
    return output.getvalue()


def _row(row: LedgerRow, name: str) -> dict:
    return {"code": f"{row.code:012d}", "name": name,
            "values": {i: plain_value(i, row.values.get(i)) for i in CATALOGUE}}


def ledger_json(ledger: Ledger) -> dict:
    """The ledger as a JSON-ready dict: the period, the jurisdiction, the indicators, the rows and the total."""
    period = ledger.period
    return {
        "period": {"label": period.label, "kind": period.kind, "start": period.start.isoformat(),
                   "end": period.end.isoformat(), "title": period.title()},
        "jurisdiction": {"code": f"{ledger.code:012d}", "name": ledger.name, "level": ledger.level},
        "computed_at": ledger.computed_at,
        "indicators": [
            {"code": i.code, "name": str(i.name), "unit": str(i.unit), "kind": i.kind, "table": i.table,
             "definition": str(i.definition), "numerator": i.numerator or None, "denominator": i.denominator or None}
            for i in CATALOGUE.values()
        ],
        "rows": [{**_row(row, row.name), "own": row.own} for row in ledger.rows],
        "total": _row(ledger.total, ledger.name),
    }
