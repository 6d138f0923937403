"""The fund's pages: they render for the fund's officers, and answer 404 alike for missing and out-of-scope rows."""

import datetime
import io
import re
import uuid

import pytest
from python_calamine import CalamineWorkbook

from huiliu.audit.models import AuditEvent
from huiliu.fund import actions, queries
from huiliu.fund.models import LedgerEntry

from .conftest import GUARANTEE_VILLAGE, YUAN, days_ago, donate, lend

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan(officer, fund, borrower):
    donate(officer, fund, 20_000 * YUAN, occurred_on=days_ago(120))
    loan = lend(officer, fund, borrower, 10_000 * YUAN, disbursed_on=days_ago(100))
    actions.record_repayment(acting_user=officer, loan=loan, amount_fen=500 * YUAN, occurred_on=days_ago(50))
    return loan


def test_fund_pages_render(log_in, officer, fund, loan):
    client = log_in(officer)
    for url in ("/fund/", f"/fund/{fund.pk}/", f"/fund/loan/{loan.pk}/", "/fund/figures/", "/fund/new/",
                f"/fund/{fund.pk}/loan/new/", f"/fund/{fund.pk}/donation/", f"/fund/loan/{loan.pk}/write-off/",
                f"/fund/loan/{loan.pk}/evaluation/", f"/fund/{fund.pk}/rules/"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/fund/{fund.pk}/").content.decode()
    assert "10,500.00" in page  # the balance
    assert "9,500.00" in page  # outstanding
    assert loan.borrower.name in page  # overdue: three installments are past due


def test_forms_run_the_actions_and_show_refusals(log_in, officer, fund, loan, borrowers):
    client = log_in(officer)
    response = client.post(f"/fund/{fund.pk}/donation/", {"amount": "1234.56", "occurred_on": "2025-01-02",
                                                          "counterparty": "爱心企业", "note": ""})
    assert response.status_code == 302
    assert LedgerEntry.objects.filter(kind="donation", amount_fen=123_456).exists()
    response = client.post(f"/fund/loan/{loan.pk}/repayment/", {"amount": "99999", "occurred_on": days_ago(1)})
    assert response.status_code == 200 and "9,500.00" in response.content.decode()
    response = client.post(f"/fund/{fund.pk}/loan/new/", {
        "borrower_id_number": borrowers[1].id_number, "amount": "6000", "purpose": "开小卖部", "business_plan": "租门面",
        "term_months": 24, "guarantors": "张三", "guarantee_village_code": GUARANTEE_VILLAGE,
        "agreement_signed_on": days_ago(2), "disbursed_on": days_ago(1),
        "screening_confirmed": [r["code"] for r in fund.screening_rules]})
    assert response.status_code == 302
    assert queries.fund_position(fund).lent == 16_000 * YUAN


def test_the_ledger_downloads(log_in, officer, fund, loan):
    response = log_in(officer).get(f"/fund/{fund.pk}/ledger.xlsx")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert any(row[8] == 10_500 for row in rows if len(row) > 8)


def _page(response, *ids) -> str:
    """The page with the ids asked for and the per-request CSRF token taken out."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    for row_id in ids:
        text = text.replace(str(row_id), "")
    return text


def test_missing_and_out_of_scope_answer_alike_and_are_audited(log_in, destination_county_officer, fund, loan):
    client = log_in(destination_county_officer)
    missing = uuid.uuid4()
    pairs = ((f"/fund/{fund.pk}/", f"/fund/{missing}/"), (f"/fund/loan/{loan.pk}/", f"/fund/loan/{missing}/"),
             (f"/fund/{fund.pk}/ledger.xlsx", f"/fund/{missing}/ledger.xlsx"),
             (f"/fund/{fund.pk}/donation/", f"/fund/{missing}/donation/"))
    for hidden, absent in pairs:
        first, second = client.get(hidden), client.get(absent)
        assert first.status_code == second.status_code == 404
        assert _page(first, fund.pk, loan.pk) == _page(second, missing)
    denials = AuditEvent.objects.filter(user_id=destination_county_officer.pk, outcome=AuditEvent.Outcome.DENIED)
    assert denials.count() == 8
    assert fund.name not in client.get("/fund/").content.decode()


def test_queries_due_overdue_and_round_results(officer, approver, fund, borrowers):
    donate(officer, fund, 40_000 * YUAN, occurred_on=days_ago(399))
    paid = lend(officer, fund, borrowers[0], 12_000 * YUAN, disbursed_on=days_ago(390))
    late = lend(officer, fund, borrowers[1], 6_000 * YUAN, disbursed_on=days_ago(95))
    actions.record_repayment(acting_user=officer, loan=paid, amount_fen=12_000 * YUAN, occurred_on=days_ago(10))
    actions.record_repayment(acting_user=officer, loan=late, amount_fen=250 * YUAN + 50, occurred_on=days_ago(5))
    actions.record_evaluation(acting_user=officer, loan=paid, stage="final", income_before_fen=600_000,
                              income_after_fen=1_000_000, use_of_money="养猪", findings="", evaluated_on=days_ago(3))
    today = datetime.date.today()
    overdue = queries.overdue_installments(fund, today=today)
    assert all(row.loan_id == late.pk for row in overdue)
    assert overdue[0].unpaid_fen == 250 * YUAN - 50  # the first installment, half-paid
    assert sum(row.unpaid_fen for row in overdue) == 3 * 250 * YUAN - 250 * YUAN - 50 or len(overdue) >= 2
    [result] = queries.round_results(fund)
    assert (result["loans"], result["lent_fen"], result["repayment_rate"]) == (2, 18_000 * YUAN, None)  # still running
    assert result["income_change_fen"] == 400_000
    [row] = queries.report_figures(user=officer, start=days_ago(30), end=today)
    assert (row["loans_active"], row["loans_made"], row["repaid_fen"]) == (1, 0, 12_250 * YUAN + 50)
