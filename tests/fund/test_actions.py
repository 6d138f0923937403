"""The fund's writes: money in, loans out within the balance, repayments within what is owed, write-offs approved."""

import datetime

import pytest

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.fund import actions, queries
from huiliu.fund.models import AppendOnly, EntryKind, LedgerEntry, LoanStatus
from tests import factories as f

from .conftest import YUAN, days_ago, donate, lend

pytestmark = pytest.mark.django_db


def test_loan_creates_its_entry_and_a_schedule_that_adds_up(officer, fund, borrower):
    donate(officer, fund, 20_000 * YUAN)
    loan = lend(officer, fund, borrower, 10_000 * YUAN + 37)
    position = queries.fund_position(fund)
    assert (position.balance, position.lent, position.outstanding) == (10_000 * YUAN - 37, 10_000 * YUAN + 37,
                                                                       10_000 * YUAN + 37)
    installments = list(loan.installments.order_by("sequence"))
    assert len(installments) == 24
    assert sum(i.amount_fen for i in installments) == loan.amount_fen
    assert installments[0].amount_fen == 41_600  # 416 yuan a month, whole yuan
    assert installments[0].due_on > loan.disbursed_on
    assert LedgerEntry.objects.get(loan=loan).kind == EntryKind.LOAN_OUT


def test_a_loan_above_the_balance_is_refused(officer, fund, borrower):
    donate(officer, fund, 8_000 * YUAN)
    with pytest.raises(ValidationFailed) as refusal:
        lend(officer, fund, borrower, 9_000 * YUAN)
    assert "amount_fen" in refusal.value.errors
    assert "8,000.00" in refusal.value.errors["amount_fen"][0]
    assert queries.fund_position(fund).lent == 0


def test_loan_bounds_screening_and_guarantee_are_checked(officer, fund, borrower):
    donate(officer, fund, 50_000 * YUAN)
    with pytest.raises(ValidationFailed) as refusal:
        lend(officer, fund, borrower, 20_000 * YUAN, screening_confirmed=["livelihood_plan"], purpose="",
             guarantee_village_code=f.village(f.DESTINATION_COUNTY), guarantors="")
    assert {"amount_fen", "screening_confirmed", "purpose", "guarantee_village_code", "guarantors"} <= set(
        refusal.value.errors)


def test_no_second_active_loan_and_no_loan_without_an_open_round(officer, fund, borrower, borrowers):
    donate(officer, fund, 50_000 * YUAN)
    lend(officer, fund, borrower, 5_000 * YUAN)
    with pytest.raises(ValidationFailed, match="尚有未结清的救助金"):
        lend(officer, fund, borrower, 5_000 * YUAN)
    actions.close_round(acting_user=officer, fund=fund, closed_on=datetime.date.today())
    with pytest.raises(ValidationFailed, match="没有进行中的周期"):
        lend(officer, fund, borrowers[1], 5_000 * YUAN)


def test_a_repayment_larger_than_owed_is_refused_and_changes_nothing(officer, fund, borrower):
    donate(officer, fund, 10_000 * YUAN)
    loan = lend(officer, fund, borrower, 6_000 * YUAN)
    actions.record_repayment(acting_user=officer, loan=loan, amount_fen=1_000 * YUAN, occurred_on=datetime.date.today())
    before = (LedgerEntry.objects.count(), queries.fund_position(fund), AuditEvent.objects.filter(
        event="fund_repayment").count())
    with pytest.raises(ValidationFailed) as refusal:
        actions.record_repayment(acting_user=officer, loan=loan, amount_fen=5_000 * YUAN + 1,
                                 occurred_on=datetime.date.today())
    assert refusal.value.errors["amount_fen"] == [
        "She owes 5,000.00 yuan on this loan: a repayment of 5,000.01 yuan is more than that."] or \
        "5,000.00" in refusal.value.errors["amount_fen"][0]
    after = (LedgerEntry.objects.count(), queries.fund_position(fund), AuditEvent.objects.filter(
        event="fund_repayment").count())
    assert after == before
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE


def test_repaid_in_full_frees_the_money_for_the_next_round(officer, fund, borrowers):
    donate(officer, fund, 10_000 * YUAN)
    loan = lend(officer, fund, borrowers[0], 10_000 * YUAN)
    actions.record_repayment(acting_user=officer, loan=loan, amount_fen=10_000 * YUAN, occurred_on=datetime.date.today())
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
    with pytest.raises(ValidationFailed, match="已结清"):
        actions.record_repayment(acting_user=officer, loan=loan, amount_fen=1, occurred_on=datetime.date.today())
    actions.close_round(acting_user=officer, fund=fund, closed_on=datetime.date.today())
    second = actions.open_round(acting_user=officer, fund=fund, opened_on=datetime.date.today())
    again = lend(officer, fund, borrowers[1], 10_000 * YUAN)
    assert (second.number, again.round_id) == (2, second.pk)
    assert queries.fund_position(fund).balance == 0


def test_write_off_needs_a_reason_and_another_county_officers_approval(officer, approver, fund, borrower):
    donate(officer, fund, 10_000 * YUAN)
    loan = lend(officer, fund, borrower, 8_000 * YUAN)
    township = f.make_user(Role.TOWNSHIP_OFFICER, f.township(f.ORIGIN_COUNTY), "t-approver")
    other_county = f.make_user(Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY, "other-approver")
    for approved_by, reason, field in ((approver, "  ", "reason"), (None, "病故，家中无力偿还", "approved_by"),
                                       (officer, "病故，家中无力偿还", "approved_by"),
                                       (township, "病故，家中无力偿还", "approved_by"),
                                       (other_county, "病故，家中无力偿还", "approved_by")):
        with pytest.raises(ValidationFailed) as refusal:
            actions.write_off_loan(acting_user=officer, loan=loan, approved_by=approved_by, reason=reason)
        assert field in refusal.value.errors
    assert not LedgerEntry.objects.filter(kind=EntryKind.WRITE_OFF).exists()
    actions.record_repayment(acting_user=officer, loan=loan, amount_fen=3_000 * YUAN, occurred_on=datetime.date.today())
    entry = actions.write_off_loan(acting_user=officer, loan=loan, approved_by=approver, reason="病故，家中无力偿还")
    loan.refresh_from_db()
    position = queries.fund_position(fund)
    assert (entry.amount_fen, entry.approved_by, loan.status) == (5_000 * YUAN, approver, LoanStatus.WRITTEN_OFF)
    assert (position.balance, position.outstanding, position.written_off) == (5_000 * YUAN, 0, 5_000 * YUAN)


def test_out_of_scope_writes_are_refused_and_audited(officer, fund, borrower, destination_county_officer,
                                                     origin_township_officer):
    donate(officer, fund, 10_000 * YUAN)
    loan = lend(officer, fund, borrower, 5_000 * YUAN)
    for stranger in (destination_county_officer, origin_township_officer):
        with pytest.raises(PermissionDenied):
            donate(stranger, fund, 1 * YUAN)
        with pytest.raises(PermissionDenied):
            actions.record_repayment(acting_user=stranger, loan=loan, amount_fen=1, occurred_on=datetime.date.today())
        with pytest.raises(PermissionDenied):
            actions.open_round(acting_user=stranger, fund=fund, opened_on=datetime.date.today())
        denials = AuditEvent.objects.filter(user_id=stranger.pk, outcome=AuditEvent.Outcome.DENIED)
        assert denials.count() == 3
        assert set(denials.values_list("object_type", flat=True)) == {"fund"}
    assert queries.fund_position(fund).money_in == 10_000 * YUAN


def test_a_borrower_out_of_the_officers_scope_is_refused(officer, fund, destination_county_officer, tree):
    donate(officer, fund, 10_000 * YUAN)
    elsewhere = f.register_resident(destination_county_officer, county=f.DESTINATION_COUNTY, name="陈小燕",
                                    household_code=f.village(f.DESTINATION_COUNTY))
    with pytest.raises(ValidationFailed) as refusal:
        lend(officer, fund, elsewhere, 5_000 * YUAN)
    assert "borrower" in refusal.value.errors


def test_only_a_county_or_higher_owns_a_fund_and_rules_never_touch_childbearing(officer, fund):
    with pytest.raises(ValidationFailed) as refusal:
        actions.create_fund(acting_user=officer, name="镇基金", owner_code=f.township(f.ORIGIN_COUNTY))
    assert "owner_code" in refusal.value.errors
    for text in ("无计划外生育", "已落实节育措施", "no births outside the policy", "独生子女家庭优先"):
        with pytest.raises(ValidationFailed) as refusal:
            actions.update_fund_rules(acting_user=officer, fund=fund, screening_rules=[{"code": "other", "text": text}],
                                      min_loan_fen=500_000, max_loan_fen=1_500_000, default_term_months=24)
        assert "生育" in refusal.value.errors["screening_rules"][0]
    fund.refresh_from_db()
    assert [rule["code"] for rule in fund.screening_rules] == [
        "livelihood_plan", "capacity_to_repay", "income_below_village_average"]


def test_evaluations_one_per_stage(officer, fund, borrower):
    donate(officer, fund, 10_000 * YUAN)
    loan = lend(officer, fund, borrower, 5_000 * YUAN, disbursed_on=days_ago(30))
    fields = {"income_before_fen": 800_000, "income_after_fen": 1_200_000, "use_of_money": "买鸡苗、饲料",
                  "findings": "经营正常", "evaluated_on": datetime.date.today()}
    actions.record_evaluation(acting_user=officer, loan=loan, stage="mid_term", **fields)
    with pytest.raises(ValidationFailed, match="已有.*评估"):
        actions.record_evaluation(acting_user=officer, loan=loan, stage="mid_term", **fields)


def test_ledger_entries_are_append_only(officer, fund):
    entry = donate(officer, fund, 100)
    with pytest.raises(AppendOnly):
        entry.note = "改"
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1)
    with pytest.raises(AppendOnly):
        LedgerEntry.objects.all().delete()
