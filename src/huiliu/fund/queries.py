"""Every read of the fund, through the jurisdiction scope, with the money summed from the ledger in SQL.

A fund is seen by the offices whose scope holds its owner jurisdiction (the owner and
those above it, and their auditors); its loans are seen with it. A fund or loan out of
scope answers exactly as a missing one, and the attempt is audited.

balance     = donations + allocations − loans out + repayments
outstanding = loans out − repayments − write-offs
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, Least

from huiliu.accounts.scope import scope_filter
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.core.models import is_uuid

from .models import (
    MONEY_IN,
    EntryKind,
    EvaluationStage,
    Fund,
    FundRound,
    LedgerEntry,
    Loan,
    LoanEvaluation,
    LoanStatus,
    RepaymentInstallment,
)


def _sum(condition: Q):
    return Coalesce(Sum("amount_fen", filter=condition), Value(0))


_MONEY_SUMS = {
    "money_in": _sum(Q(kind__in=MONEY_IN)),
    "donations": _sum(Q(kind=EntryKind.DONATION)),
    "allocations": _sum(Q(kind=EntryKind.ALLOCATION)),
    "lent": _sum(Q(kind=EntryKind.LOAN_OUT)),
    "repaid": _sum(Q(kind=EntryKind.REPAYMENT)),
    "written_off": _sum(Q(kind=EntryKind.WRITE_OFF)),
}


@dataclass(frozen=True)
class Position:
    """A fund's money at a moment, in fen."""

    donations: int
    allocations: int
    lent: int
    repaid: int
    written_off: int

    @property
    def money_in(self) -> int:
        return self.donations + self.allocations

    @property
    def balance(self) -> int:
        return self.money_in - self.lent + self.repaid

    @property
    def outstanding(self) -> int:
        return self.lent - self.repaid - self.written_off

    @property
    def repayment_rate(self) -> float | None:
        """The share of the principal that has come back, of what has come back or been written off."""
        settled = self.repaid + self.written_off
        return self.repaid / settled if settled else None


def _position(entries: QuerySet) -> Position:
    sums = entries.aggregate(**{k: v for k, v in _MONEY_SUMS.items() if k != "money_in"})
    return Position(**{key: int(value) for key, value in sums.items()})


def fund_position(fund: Fund, *, until: datetime.date | None = None) -> Position:
    """The fund's position from its entries (up to and including `until`), summed in the database."""
    entries = LedgerEntry.objects.filter(fund=fund)
    if until is not None:
        entries = entries.filter(occurred_on__lte=until)
    return _position(entries)


def fund_balance(fund_id) -> int:
    """The balance alone, summed in SQL: what an action checks under the fund's lock."""
    sums = LedgerEntry.objects.filter(fund_id=fund_id).aggregate(
        money_in=_MONEY_SUMS["money_in"], lent=_MONEY_SUMS["lent"], repaid=_MONEY_SUMS["repaid"])
    return int(sums["money_in"]) - int(sums["lent"]) + int(sums["repaid"])


def loan_owed(loan_id) -> int:
    """What the borrower still owes: lent − repaid − written off on this loan."""
    sums = LedgerEntry.objects.filter(loan_id=loan_id).aggregate(
        lent=_MONEY_SUMS["lent"], repaid=_MONEY_SUMS["repaid"], written_off=_MONEY_SUMS["written_off"])
    return int(sums["lent"]) - int(sums["repaid"]) - int(sums["written_off"])


def loan_position(loan: Loan) -> Position:
    return _position(LedgerEntry.objects.filter(loan=loan))


# --- Access -----------------------------------------------------------------------------------------------


def _scoped_funds(user) -> QuerySet[Fund]:
    return Fund.objects.filter(scope_filter(user, "owner_jurisdiction_id"))


def list_funds(*, user) -> list[tuple[Fund, Position]]:
    """The funds in the user's scope with their positions; audited as a list."""
    funds = list(_scoped_funds(user).select_related("owner_jurisdiction").order_by("name", "id"))
    record_event(actor=user, event="list", object_type="fund", detail={"count": len(funds)})
    return [(fund, fund_position(fund)) for fund in funds]


def _deny(user, object_type: str, row_id, event: str):
    record_event(actor=user, event=event, object_type=object_type, object_id=str(row_id)[:64],
                 outcome=AuditEvent.Outcome.DENIED)
    raise NotFound(row_id)


def access_fund(user, fund_id, *, event: str = "view") -> Fund:
    """One fund in the user's scope; out of scope answers as missing; both audited."""
    fund = (_scoped_funds(user).select_related("owner_jurisdiction").filter(pk=fund_id).first()
            if is_uuid(fund_id) else None)
    if fund is None:
        _deny(user, "fund", fund_id, event)
    record_event(actor=user, event=event, object_type="fund", object_id=fund.pk)
    return fund


def access_loan(user, loan_id, *, event: str = "view") -> Loan:
    """One loan of a fund in the user's scope; out of scope answers as missing; audited against the borrower."""
    loans = Loan.objects.filter(fund__in=_scoped_funds(user)).select_related(
        "fund", "round", "borrower", "guarantee_village", "guarantee_township")
    loan = loans.filter(pk=loan_id).first() if is_uuid(loan_id) else None
    if loan is None:
        _deny(user, "loan", loan_id, event)
    record_event(actor=user, event=event, object_type="person", object_id=loan.borrower_id,
                 subject_codes=loan.borrower.place_codes, detail={"loan": str(loan.pk), "fund": str(loan.fund_id)})
    return loan


# --- Loans, schedules, what is due -----------------------------------------------------------------------


def _repaid_subquery():
    return Coalesce(Subquery(
        LedgerEntry.objects.filter(loan_id=OuterRef("loan_id"), kind=EntryKind.REPAYMENT)
        .values("loan_id").annotate(total=Sum("amount_fen")).values("total")[:1]), Value(0))


def schedule(loan: Loan) -> list[dict]:
    """The loan's installments, each with what of it is still unpaid (repayments settle them in order)."""
    repaid = loan_position(loan).repaid
    rows, cumulative = [], 0
    for installment in loan.installments.order_by("sequence"):
        cumulative += installment.amount_fen
        unpaid = max(0, min(installment.amount_fen, cumulative - repaid))
        rows.append({"installment": installment, "unpaid_fen": unpaid, "paid": unpaid == 0})
    return rows


def _open_installments(fund: Fund) -> QuerySet:
    """Installments of the fund's active loans not yet settled by repayments, with the unpaid part, in SQL."""
    cumulative = Window(Sum("amount_fen"), partition_by=[F("loan_id")], order_by=F("sequence").asc())
    rows = (RepaymentInstallment.objects.filter(loan__fund=fund, loan__status=LoanStatus.ACTIVE)
            .annotate(cumulative_fen=cumulative, repaid_fen=_repaid_subquery())
            .annotate(unpaid_fen=Least(F("amount_fen"), F("cumulative_fen") - F("repaid_fen")))
            .filter(unpaid_fen__gt=0))
    return rows.select_related("loan", "loan__borrower").order_by("due_on", "loan_id", "sequence")


def _month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def due_this_month(fund: Fund, *, today: datetime.date) -> list:
    """Unpaid installments falling due this calendar month (on or after today's month began)."""
    first, last = _month_bounds(today)
    return [row for row in _open_installments(fund) if first <= row.due_on <= last]


def overdue_installments(fund: Fund, *, today: datetime.date) -> list:
    """Unpaid installments whose due date has passed."""
    return [row for row in _open_installments(fund) if row.due_on < today]


def loans_of(fund: Fund, *, round_number: int | None = None) -> QuerySet[Loan]:
    loans = fund.loans.select_related("borrower", "round")
    if round_number is not None:
        loans = loans.filter(round__number=round_number)
    return loans.order_by("round__number", "disbursed_on", "id")


def loan_rows(fund: Fund, loans) -> list[dict]:
    """Each loan with what it has repaid and still owes, summed in one query."""
    loans = list(loans)
    sums = {row["loan_id"]: row for row in LedgerEntry.objects.filter(loan__in=loans).values("loan_id").annotate(
        lent=_MONEY_SUMS["lent"], repaid=_MONEY_SUMS["repaid"], written_off=_MONEY_SUMS["written_off"])}
    rows = []
    for loan in loans:
        s = sums.get(loan.pk, {"lent": 0, "repaid": 0, "written_off": 0})
        rows.append({"loan": loan, "repaid_fen": s["repaid"], "written_off_fen": s["written_off"],
                     "owed_fen": s["lent"] - s["repaid"] - s["written_off"]})
    return rows


# --- Rounds and figures -----------------------------------------------------------------------------------


def _income_change(evaluations: QuerySet) -> int | None:
    """The average change of household income a year between before the loan and the final evaluation, in fen."""
    final = evaluations.filter(stage=EvaluationStage.FINAL)
    change = final.aggregate(change=Avg(F("income_after_fen") - F("income_before_fen")))["change"]
    return None if change is None else round(change)


def round_results(fund: Fund) -> list[dict]:
    """Each round: loans made, amount lent, repaid, written off, owed, repayment rate, average income change."""
    results = []
    for fund_round in FundRound.objects.filter(fund=fund).order_by("number"):
        entries = LedgerEntry.objects.filter(loan__round=fund_round)
        position = _position(entries)
        loans = Loan.objects.filter(round=fund_round)
        results.append({
            "round": fund_round,
            "loans": loans.count(),
            "active": loans.filter(status=LoanStatus.ACTIVE).count(),
            "lent_fen": position.lent, "repaid_fen": position.repaid, "written_off_fen": position.written_off,
            # While loans of the round still run, what came back so far is no rate yet.
            "outstanding_fen": position.outstanding,
            "repayment_rate": None if position.outstanding else position.repayment_rate,
            "income_change_fen": _income_change(LoanEvaluation.objects.filter(loan__round=fund_round)),
        })
    return results


def report_figures(*, user, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per fund owner in the user's scope: loans active at `end`, lent/repaid/written off in the period,
    repayment rate and average income change of loans finally evaluated in the period; audited."""
    funds = _scoped_funds(user)
    rows = []
    for owner in funds.values_list("owner_jurisdiction_id", flat=True).distinct().order_by("owner_jurisdiction_id"):
        owned = funds.filter(owner_jurisdiction_id=owner)
        in_period = LedgerEntry.objects.filter(fund__in=owned, occurred_on__gte=start, occurred_on__lte=end)
        position = _position(in_period)
        until_end = LedgerEntry.objects.filter(fund__in=owned, occurred_on__lte=end)
        open_at_end = (until_end.values("loan_id").exclude(loan_id=None)
                       .annotate(lent=_MONEY_SUMS["lent"], repaid=_MONEY_SUMS["repaid"],
                                 written_off=_MONEY_SUMS["written_off"])
                       .filter(lent__gt=F("repaid") + F("written_off")))
        evaluations = LoanEvaluation.objects.filter(loan__fund__in=owned, evaluated_on__gte=start,
                                                    evaluated_on__lte=end)
        rows.append({
            "jurisdiction_code": owner,
            "loans_active": open_at_end.count(),
            "loans_made": Loan.objects.filter(fund__in=owned, disbursed_on__gte=start, disbursed_on__lte=end).count(),
            "lent_fen": position.lent, "repaid_fen": position.repaid, "written_off_fen": position.written_off,
            "repayment_rate": position.repayment_rate,
            "evaluated": evaluations.filter(stage=EvaluationStage.FINAL).count(),
            "income_change_fen": _income_change(evaluations),
        })
    record_event(actor=user, event="statistics", object_type="fund",
                 detail={"start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)})
    return rows


def ledger_entries(fund: Fund, *, start: datetime.date | None = None, end: datetime.date | None = None) -> QuerySet:
    entries = LedgerEntry.objects.filter(fund=fund).select_related("loan__borrower", "recorded_by", "approved_by")
    if start is not None:
        entries = entries.filter(occurred_on__gte=start)
    if end is not None:
        entries = entries.filter(occurred_on__lte=end)
    return entries.order_by("occurred_on", "id")


def entry_count(fund: Fund) -> int:
    return LedgerEntry.objects.filter(fund=fund).aggregate(n=Count("id"))["n"]
