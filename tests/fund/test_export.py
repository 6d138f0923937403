"""The ledger export reads back, in another reader, with the right dates, amounts and totals."""

import datetime
import io

import pytest
from python_calamine import CalamineWorkbook

from huiliu.audit.models import AuditEvent
from huiliu.fund import actions, queries
from huiliu.fund.export import ledger_workbook

from .conftest import YUAN, days_ago, donate, lend

pytestmark = pytest.mark.django_db


def test_the_ledger_reads_back_with_the_right_totals(officer, approver, fund, borrowers):
    donate(officer, fund, 30_000 * YUAN + 55, occurred_on=days_ago(200))
    actions.record_allocation(acting_user=officer, fund=fund, amount_fen=10_000 * YUAN, occurred_on=days_ago(190),
                              source="区财政局")
    first = lend(officer, fund, borrowers[0], 12_000 * YUAN, disbursed_on=days_ago(180))
    second = lend(officer, fund, borrowers[1], 8_000 * YUAN, disbursed_on=days_ago(170))
    actions.record_repayment(acting_user=officer, loan=first, amount_fen=3_000 * YUAN + 33, occurred_on=days_ago(60))
    actions.write_off_loan(acting_user=officer, loan=second, approved_by=approver, reason="外出失联三年",
                           occurred_on=days_ago(10))

    content = ledger_workbook(acting_user=officer, fund=fund)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "章丘区幸福工程 ledger" or "章丘区幸福工程" in rows[0][0]
    assert rows[1][1].endswith("章丘区")
    assert rows[1][5] == days_ago(200) and rows[1][7] == datetime.date.today()
    assert rows[2][1] == officer.display_name and rows[2][5] == datetime.date.today()
    header = next(i for i, row in enumerate(rows) if row[0] and str(row[0]).startswith(("No", "序号")))
    body = rows[header + 2:header + 8]
    assert [row[1] for row in body] == [days_ago(d) for d in (200, 190, 180, 170, 60, 10)]
    totals = rows[header + 8]
    position = queries.fund_position(fund)
    assert totals[5] == pytest.approx((position.money_in + position.repaid) / 100)
    assert totals[6] == pytest.approx(position.lent / 100) == 20_000
    assert totals[7] == pytest.approx(position.written_off / 100) == 8_000
    assert totals[8] == pytest.approx(position.balance / 100) == pytest.approx(23_000.88)
    assert [row[8] for row in body][-1] == totals[8]
    assert rows[-1][8] == pytest.approx(position.outstanding / 100) == pytest.approx(8_999.67)
    assert AuditEvent.objects.filter(event="export", object_type="fund", object_id=str(fund.pk)).count() == 1


def test_a_period_starts_from_its_opening_balance(officer, fund, borrowers):
    donate(officer, fund, 20_000 * YUAN, occurred_on=days_ago(100))
    lend(officer, fund, borrowers[0], 5_000 * YUAN, disbursed_on=days_ago(50))
    donate(officer, fund, 1 * YUAN, occurred_on=days_ago(5))
    content = ledger_workbook(acting_user=officer, fund=fund, start=days_ago(60), end=days_ago(1))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = next(i for i, row in enumerate(rows) if row[0] and str(row[0]).startswith(("No", "序号")))
    assert rows[header + 1][8] == 20_000
    assert rows[header + 4][8] == 15_001
