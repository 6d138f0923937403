"""Two officers lending at the same moment cannot together lend more than the fund holds."""

import threading

import pytest
from django.db import connection, connections

from huiliu.core.errors import ValidationFailed
from huiliu.fund import queries
from huiliu.fund.models import Loan

from .conftest import YUAN, donate, lend


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="the test database is SQLite in memory, one writer by nature")
def test_two_loans_that_together_exceed_the_balance_one_succeeds(officer, approver, fund, borrowers):
    donate(officer, fund, 15_000 * YUAN)
    start = threading.Barrier(2)
    made, refused, errors = [], [], []

    def grant(user, borrower):
        try:
            start.wait()
            made.append(lend(user, fund, borrower, 10_000 * YUAN))
        except ValidationFailed as refusal:
            refused.append(refusal)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=grant, args=(user, borrower))
               for user, borrower in ((officer, borrowers[0]), (approver, borrowers[1]))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert (len(made), len(refused)) == (1, 1)
    assert "amount_fen" in refused[0].errors
    assert Loan.objects.count() == 1
    assert queries.fund_position(fund).balance == 5_000 * YUAN
