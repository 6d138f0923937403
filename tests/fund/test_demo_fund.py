"""The demo's four-round fund: made through the actions, its totals reconcile to the fen."""

import datetime

import pytest

from huiliu.demo.actions import load_demo
from huiliu.demo.fund import FUND_NAME, ROUNDS, YUAN
from huiliu.fund import queries
from huiliu.fund.models import EntryKind, Fund, LedgerEntry, Loan, LoanEvaluation, LoanStatus


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_fund_reconciles_to_the_fen():
    today = datetime.date.today()
    result = load_demo(persons=500, seed=7, today=today)
    fund = Fund.objects.get(name=FUND_NAME)
    position = queries.fund_position(fund)
    totals = dict.fromkeys(EntryKind.values, 0)
    for kind, amount in LedgerEntry.objects.filter(fund=fund).values_list("kind", "amount_fen"):
        totals[kind] += amount
    assert result.counts["fund_loans"] == Loan.objects.count() == 20
    assert position.money_in == 83_456 * YUAN + 78
    assert position.lent == totals["loan_out"] == sum(map(sum, ROUNDS)) * YUAN == 211_999 * YUAN
    assert position.balance == (totals["donation"] + totals["allocation"] - totals["loan_out"] + totals["repayment"])
    assert position.outstanding == position.lent - position.repaid - position.written_off
    assert position.written_off == totals["write_off"] == 3_000 * YUAN  # 6,000 lent, a year of 250 a month repaid
    # Outstanding is what the running round's borrowers still owe, loan by loan.
    rows = queries.loan_rows(fund, Loan.objects.filter(fund=fund))
    assert position.outstanding == sum(r["owed_fen"] for r in rows) > 0
    assert all(r["owed_fen"] == 0 for r in rows if r["loan"].status != LoanStatus.ACTIVE)
    assert Loan.objects.filter(status=LoanStatus.WRITTEN_OFF).count() == 1
    assert Loan.objects.filter(status=LoanStatus.ACTIVE).count() == 5
    rounds = queries.round_results(fund)
    assert [r["loans"] for r in rounds] == [5, 5, 5, 5]
    assert [r["repayment_rate"] for r in rounds[:3]] == [1.0, 49_000 / 52_000, 1.0]
    assert rounds[3]["outstanding_fen"] == position.outstanding
    assert all(r["round"].closed_on for r in rounds[:3]) and rounds[3]["round"].closed_on is None
    assert LoanEvaluation.objects.filter(stage="final").count() == 15
    assert queries.overdue_installments(fund, today=today)  # the borrower two months behind
    # Independently of the ledger: what the running round owes is its installments not yet due (the laggard's
    # last two months besides), and the balance is money in − lent + everything else repaid.
    cutoff = {True: _months_before(today, 2), False: today}
    expected_outstanding = 0
    for loan in Loan.objects.filter(fund=fund, status=LoanStatus.ACTIVE).order_by("disbursed_on"):
        laggard = loan.round.number == 4 and loan.amount_fen == 9_999 * YUAN
        expected_outstanding += sum(i.amount_fen for i in loan.installments.all() if i.due_on > cutoff[laggard])
    assert position.outstanding == expected_outstanding
    assert position.balance == 83_456 * YUAN + 78 - 211_999 * YUAN + (211_999 * YUAN - 3_000 * YUAN
                                                                     - expected_outstanding)


def _months_before(day: datetime.date, months: int) -> datetime.date:
    from huiliu.fund.actions import add_months
    return add_months(day, -months)
