"""A four-round happiness-project fund in the demo, made through the fund's real actions.

The origin county's officer sets up the fund, records donations and an allocation, and
lends in four rounds of five loans (211,999 yuan in all, as in the district the reports
describe), two years each; the borrowers repay by the half-year, every loan is evaluated
at mid-term and at the end, and one loan of the second round is written off with the
city officer's approval. The fourth round is running: one borrower is two months behind.
Everything is dated from `today`, so the same day gives the same ledger, to the fen.
"""

import datetime

from django.contrib.auth import get_user_model

from huiliu.fund import actions
from huiliu.fund.actions import add_months
from huiliu.jurisdictions import codes
from huiliu.people.models import Person

YUAN = 100
FUND_NAME = "幸福工程救助基金"
# Loans in yuan, five a round: 50,000 + 52,000 + 53,000 + 56,999 = 211,999.
ROUNDS = (
    (10_000, 12_000, 8_000, 15_000, 5_000),
    (12_000, 10_000, 15_000, 9_000, 6_000),
    (15_000, 12_000, 10_000, 8_000, 8_000),
    (15_000, 15_000, 12_000, 9_999, 5_000),
)
ROUND_MONTHS = 26  # a round: two years of loans and the weeks around them
CURRENT_ROUND_AGE_MONTHS = 13  # the fourth round opened this long before today
WRITTEN_OFF = (1, 4)  # round 2 (from 0), its fifth loan: the borrower paid for a year, then could not
LAGGARD = (3, 3)  # round 4, its fourth loan: two months behind
PURPOSES = (
    ("养殖蛋鸡", "购鸡苗 300 只，自建鸡舍，蛋品供应镇上超市。"),
    ("开办小卖部", "租村口门面一间，经营日用百货，丈夫农闲时帮忙。"),
    ("种植大棚蔬菜", "建大棚两个，种植西红柿、黄瓜，与合作社签订收购协议。"),
    ("手工编织", "购柳条及工具，承接外贸编织订单，带动邻居三户。"),
    ("养猪", "购仔猪 10 头及饲料，圈舍改造，一年出栏两批。"),
)
GUARANTORS = ("李建国、王大山", "张有福、刘德明", "陈志强、赵长青", "孙立新、周玉华", "吴建平、郑秀芝")


def _persons(owner: int, count: int) -> list[Person]:
    low, high = codes.subtree_range(owner)
    women = Person.objects.filter(household_jurisdiction_id__gte=low, household_jurisdiction_id__lte=high,
                                  sex="F").order_by("id_number")
    chosen = list(women[:count])
    if len(chosen) < len(ROUNDS[0]):
        return []
    return chosen


def build_demo_fund(*, today: datetime.date) -> dict[str, int]:
    """Build the demo fund from its first donation to today; count the loans made."""
    users = get_user_model().objects
    officer, approver = users.get(username="origin-county"), users.get(username="origin-city")
    owner = officer.role_assignments.get().jurisdiction_id
    borrowers = _persons(owner, sum(len(r) for r in ROUNDS))
    if not borrowers:
        return {"fund_loans": 0}
    first_open = add_months(today, -(CURRENT_ROUND_AGE_MONTHS + ROUND_MONTHS * (len(ROUNDS) - 1)))
    fund = actions.create_fund(acting_user=officer, name=FUND_NAME, owner_code=owner)
    start = first_open - datetime.timedelta(days=20)
    actions.record_donation(acting_user=officer, fund=fund, amount_fen=50_000 * YUAN, occurred_on=start,
                            donor="中国人口福利基金会", note="幸福工程专项捐款")
    actions.record_donation(acting_user=officer, fund=fund, amount_fen=10_000 * YUAN, occurred_on=start,
                            donor="济南爱心企业联合会")
    actions.record_allocation(acting_user=officer, fund=fund, amount_fen=20_000 * YUAN, occurred_on=start,
                              source="区财政局", note="配套资金")
    actions.record_donation(acting_user=officer, fund=fund, amount_fen=3_456 * YUAN + 78,
                            occurred_on=start + datetime.timedelta(days=200), donor="机关干部职工", note="义捐")
    made, person = 0, 0
    for number, amounts in enumerate(ROUNDS):
        opened = add_months(first_open, number * ROUND_MONTHS)
        if number:
            actions.close_round(acting_user=officer, fund=fund, closed_on=opened)
        actions.open_round(acting_user=officer, fund=fund, opened_on=opened)
        for index, amount in enumerate(amounts):
            borrower = borrowers[person % len(borrowers)]
            person += 1
            disbursed = opened + datetime.timedelta(days=7 * (index + 1))
            purpose, plan = PURPOSES[(number + index) % len(PURPOSES)]
            loan = actions.grant_loan(
                acting_user=officer, fund=fund, borrower=borrower, amount_fen=amount * YUAN, purpose=purpose,
                business_plan=plan, guarantors=GUARANTORS[index], guarantee_village_code=(
                    borrower.household_jurisdiction_id if codes.level_of(borrower.household_jurisdiction_id)
                    == codes.VILLAGE else None),
                agreement_signed_on=disbursed - datetime.timedelta(days=3), disbursed_on=disbursed,
                screening_confirmed=[rule["code"] for rule in fund.screening_rules])
            made += 1
            _repay_and_evaluate(officer, approver, loan, today=today, seed=number * 5 + index,
                                written_off=(number, index) == WRITTEN_OFF, laggard=(number, index) == LAGGARD)
    return {"fund_loans": made}


def _repay_and_evaluate(officer, approver, loan, *, today, seed: int, written_off: bool, laggard: bool) -> None:
    installments = list(loan.installments.order_by("sequence"))
    income_before = (6_000 + 450 * seed) * YUAN
    mid_term = add_months(loan.disbursed_on, 12)
    if written_off:
        paid = installments[:12]
    elif laggard:
        cutoff = add_months(today, -2)
        paid = [i for i in installments if i.due_on <= cutoff]
    else:
        paid = [i for i in installments if i.due_on <= today]
    # Paid by the half-year in the first rounds, month by month in the running one.
    finished = installments[-1].due_on <= today
    step = 6 if finished or written_off else 1
    for block in range(0, len(paid), step):
        chunk = paid[block:block + step]
        actions.record_repayment(acting_user=officer, loan=loan, amount_fen=sum(i.amount_fen for i in chunk),
                                 occurred_on=chunk[-1].due_on, note=f"第 {chunk[0].sequence}–{chunk[-1].sequence} 期")
    if mid_term <= today:
        actions.record_evaluation(
            acting_user=officer, loan=loan, stage="mid_term", income_before_fen=income_before,
            income_after_fen=income_before + (1_200 + 150 * seed) * YUAN, use_of_money=loan.purpose + "，按计划使用",
            findings="经营正常，按期还款" if not written_off else "丈夫重病，经营停顿", evaluated_on=mid_term)
    if written_off:
        day = add_months(loan.disbursed_on, 18)
        actions.write_off_loan(acting_user=officer, loan=loan, approved_by=approver, occurred_on=day,
                               reason="丈夫重病去世，家庭丧失还款能力，经担保人及村委会核实，报区幸福工程领导小组批准核销。")
        actions.record_evaluation(
            acting_user=officer, loan=loan, stage="final", income_before_fen=income_before,
            income_after_fen=income_before - 1_000 * YUAN, use_of_money=loan.purpose, findings="因病致贫，已转介救助",
            evaluated_on=day)
    elif finished:
        final = add_months(installments[-1].due_on, 1)
        if final <= today:
            actions.record_evaluation(
                acting_user=officer, loan=loan, stage="final", income_before_fen=income_before,
                income_after_fen=income_before + (2_500 + 300 * seed) * YUAN, use_of_money=loan.purpose + "，全部用于生产",
                findings="如期还清，经营稳定", evaluated_on=final)
