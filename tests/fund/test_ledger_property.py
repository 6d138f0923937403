"""Over any sequence of donations, loans, repayments and write-offs the ledger balances and never goes negative."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.core.errors import ValidationFailed
from huiliu.fund import actions, queries
from huiliu.fund.models import EntryKind, LedgerEntry

from .conftest import YUAN, donate, lend

pytestmark = pytest.mark.django_db

operations = st.lists(st.one_of(
    st.tuples(st.just("donate"), st.integers(1, 20_000 * YUAN), st.just(0)),
    st.tuples(st.just("allocate"), st.integers(1, 20_000 * YUAN), st.just(0)),
    st.tuples(st.just("lend"), st.integers(5_000 * YUAN, 15_000 * YUAN), st.integers(0, 3)),
    st.tuples(st.just("repay"), st.integers(1, 16_000 * YUAN), st.integers(0, 3)),
    st.tuples(st.just("write_off"), st.just(0), st.integers(0, 3)),
), max_size=25)


def _sum_of_entries(fund) -> dict[str, int]:
    totals = dict.fromkeys(EntryKind.values, 0)
    for kind, amount in LedgerEntry.objects.filter(fund=fund).values_list("kind", "amount_fen"):
        totals[kind] += amount
    return totals


def test_balance_is_the_sum_of_entries_and_never_negative(officer, approver, fund, borrowers):
    today = datetime.date.today()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(operations)
    def run(ops):
        with transaction.atomic():
            balance, owed = 0, {}  # the model: money the fund holds, and what each borrower owes
            lent = repaid = written_off = 0
            loans = {}
            for op, amount, who in ops:
                if op in ("donate", "allocate"):
                    if op == "donate":
                        donate(officer, fund, amount)
                    else:
                        actions.record_allocation(acting_user=officer, fund=fund, amount_fen=amount, occurred_on=today,
                                                  source="区财政")
                    balance += amount
                elif op == "lend":
                    expect = amount <= balance and owed.get(who, 0) == 0
                    try:
                        loans[who] = lend(officer, fund, borrowers[who], amount)
                    except ValidationFailed:
                        assert not expect
                    else:
                        assert expect
                        balance -= amount
                        lent += amount
                        owed[who] = amount
                elif op == "repay":
                    expect = 0 < amount <= owed.get(who, 0)
                    try:
                        if who not in loans:
                            raise ValidationFailed("no loan")
                        actions.record_repayment(acting_user=officer, loan=loans[who], amount_fen=amount,
                                                 occurred_on=today)
                    except ValidationFailed:
                        assert not expect
                    else:
                        assert expect
                        balance += amount
                        repaid += amount
                        owed[who] -= amount
                else:
                    expect = owed.get(who, 0) > 0
                    try:
                        if who not in loans:
                            raise ValidationFailed("no loan")
                        actions.write_off_loan(acting_user=officer, loan=loans[who], approved_by=approver,
                                               reason="无力偿还", occurred_on=today)
                    except ValidationFailed:
                        assert not expect
                    else:
                        assert expect
                        written_off += owed[who]
                        owed[who] = 0
                position = queries.fund_position(fund)
                totals = _sum_of_entries(fund)
                assert position.balance == (totals["donation"] + totals["allocation"] - totals["loan_out"]
                                            + totals["repayment"]) == balance
                assert position.balance >= 0
                assert position.outstanding == lent - repaid - written_off == sum(owed.values())
                assert (position.lent, position.repaid, position.written_off) == (lent, repaid, written_off)
            transaction.set_rollback(True)

    run()
