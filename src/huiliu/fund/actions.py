"""Every write of the fund: one function a use case, keyword-only, one transaction each, audited.

Each write that moves money locks the fund's row first (SELECT … FOR UPDATE), then sums
the ledger and checks it: two officers recording at the same moment queue on the lock,
so together they can never lend more than the fund holds nor take back more than is owed.
Money is integer fen. A write is allowed to an officer whose writing scope holds the
fund's owner jurisdiction; a loan also needs the borrower's household place or residence
in their scope. A write-off needs a reason and the approval of another officer of the
county or above who holds the fund in scope.
"""

import calendar
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import jurisdiction_ranges, require_write_scope
from huiliu.audit.actions import record_event
from huiliu.core.errors import FieldErrors, ValidationFailed
from huiliu.core.models import user_or_none
from huiliu.core.money import yuan_text
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.people.models import Person

from . import queries
from .models import (
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
from .rules import DEFAULT_RULES, clean_rules

# One entry at most 100 million yuan: a typing slip of a few zeros is refused, not recorded.
LARGEST_ENTRY_FEN = 10_000_000_000
LONGEST_TERM_MONTHS = 60


def _amount(errors: FieldErrors, field: str, value, *, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        errors.add(field, _("Enter %(what)s as a positive amount in fen.") % {"what": label})
        return 0
    if value > LARGEST_ENTRY_FEN:
        errors.add(field, _("%(what)s is larger than any single entry may be.") % {"what": label})
        return 0
    return value


def _day(errors: FieldErrors, field: str, value, *, label: str, not_before: datetime.date | None = None):
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        errors.add(field, _("Enter the date of %(what)s.") % {"what": label})
        return None
    if value > timezone.localdate():
        errors.add(field, _("The date of %(what)s cannot be in the future.") % {"what": label})
    elif not_before is not None and value < not_before:
        errors.add(field, _("The date of %(what)s cannot be before %(day)s.") % {"what": label, "day": not_before})
    return value


def _require_fund_scope(acting_user, fund: Fund) -> None:
    require_write_scope(acting_user, fund.owner_jurisdiction_id, object_type="fund", object_id=fund.pk,
                        message=_("Only an officer of the fund's owner jurisdiction, or above it, can write to the fund."))


def _lock(fund: Fund) -> Fund:
    """The fund's row, locked until the transaction ends: every money write queues here."""
    return Fund.objects.select_for_update().get(pk=fund.pk)


def _audit_fund(acting_user, event: str, fund: Fund, **detail) -> None:
    record_event(actor=acting_user, event=event, object_type="fund", object_id=fund.pk,
                 detail={key: str(value) if isinstance(value, datetime.date) else value for key, value in detail.items()})


def _audit_loan(acting_user, event: str, loan: Loan, **detail) -> None:
    record_event(actor=acting_user, event=event, object_type="person", object_id=loan.borrower_id,
                 subject_codes=loan.borrower.place_codes,
                 detail={"fund": str(loan.fund_id), "loan": str(loan.pk),
                         **{key: str(value) if isinstance(value, datetime.date) else value
                            for key, value in detail.items()}})


# --- The fund and its rules -------------------------------------------------------------------------------


def create_fund(*, acting_user, name: str, owner_code: int, screening_rules: list | None = None,
                min_loan_fen: int = 500_000, max_loan_fen: int = 1_500_000, default_term_months: int = 24) -> Fund:
    """Set up a fund owned by a county or a higher office."""
    errors = FieldErrors()
    name = errors.text("name", name, 100, required=True, missing=_("Give the fund a name."))
    rules = errors.check("screening_rules", clean_rules,
                         DEFAULT_RULES if screening_rules is None else screening_rules)
    _loan_bounds(errors, min_loan_fen, max_loan_fen, default_term_months)
    owner = Jurisdiction.objects.filter(code=owner_code).first() if isinstance(owner_code, int) else None
    if owner is None:
        errors.add("owner_code", _("No such jurisdiction."))
    elif codes.level_of(owner.code) > codes.COUNTY:
        errors.add("owner_code", _("A fund is owned by a county or a higher office."))
    errors.raise_if_any()
    require_write_scope(acting_user, owner.code, object_type="fund",
                        message=_("Only an officer of the owner jurisdiction, or above it, can set up its fund."))
    with transaction.atomic():
        fund = Fund.objects.create(name=name, owner_jurisdiction=owner, screening_rules=rules,
                                   min_loan_fen=min_loan_fen, max_loan_fen=max_loan_fen,
                                   default_term_months=default_term_months, created_by=user_or_none(acting_user))
        _audit_fund(acting_user, "fund_create", fund, name=name, owner=owner.code)
    return fund


def _loan_bounds(errors: FieldErrors, low, high, term) -> None:
    for field, value in (("min_loan_fen", low), ("max_loan_fen", high)):
        _amount(errors, field, value, label=_("the loan bound"))
    if isinstance(low, int) and isinstance(high, int) and low > high:
        errors.add("max_loan_fen", _("The largest loan cannot be smaller than the smallest."))
    if isinstance(term, bool) or not isinstance(term, int) or not 1 <= term <= LONGEST_TERM_MONTHS:
        errors.add("default_term_months", _("Enter a term from 1 to %(months)d months.") % {"months": LONGEST_TERM_MONTHS})


def update_fund_rules(*, acting_user, fund: Fund, screening_rules: list, min_loan_fen: int, max_loan_fen: int,
                      default_term_months: int) -> Fund:
    """Change the screening rules and loan bounds; loans already made keep the rules they were screened by."""
    errors = FieldErrors()
    rules = errors.check("screening_rules", clean_rules, screening_rules)
    _loan_bounds(errors, min_loan_fen, max_loan_fen, default_term_months)
    errors.raise_if_any()
    _require_fund_scope(acting_user, fund)
    with transaction.atomic():
        fund = _lock(fund)
        before = fund.screening_rules
        fund.screening_rules, fund.min_loan_fen, fund.max_loan_fen = rules, min_loan_fen, max_loan_fen
        fund.default_term_months = default_term_months
        fund.save(update_fields=["screening_rules", "min_loan_fen", "max_loan_fen", "default_term_months",
                                 "updated_at"])
        _audit_fund(acting_user, "fund_rules", fund, before=before, after=rules, min_loan_fen=min_loan_fen,
                    max_loan_fen=max_loan_fen, default_term_months=default_term_months)
    return fund


# --- Money in ---------------------------------------------------------------------------------------------


def _money_in(*, acting_user, fund: Fund, kind: str, amount_fen, occurred_on, counterparty, note,
              missing_counterparty: str) -> LedgerEntry:
    errors = FieldErrors()
    amount_fen = _amount(errors, "amount_fen", amount_fen, label=_("the amount"))
    occurred_on = _day(errors, "occurred_on", occurred_on, label=_("receipt"))
    counterparty = errors.text("counterparty", counterparty, 100, required=True, missing=missing_counterparty)
    note = errors.text("note", note, 200, required=False)
    errors.raise_if_any()
    _require_fund_scope(acting_user, fund)
    with transaction.atomic():
        fund = _lock(fund)
        entry = LedgerEntry.objects.create(fund=fund, kind=kind, amount_fen=amount_fen, occurred_on=occurred_on,
                                           counterparty=counterparty, note=note,
                                           recorded_by=user_or_none(acting_user))
        _audit_fund(acting_user, f"fund_{kind}", fund, entry=entry.pk, amount_fen=amount_fen,
                    occurred_on=occurred_on, counterparty=counterparty)
    return entry


def record_donation(*, acting_user, fund: Fund, amount_fen: int, occurred_on: datetime.date, donor: str,
                    note: str = "") -> LedgerEntry:
    """Money given to the fund by a donor."""
    return _money_in(acting_user=acting_user, fund=fund, kind=EntryKind.DONATION, amount_fen=amount_fen,
                     occurred_on=occurred_on, counterparty=donor, note=note,
                     missing_counterparty=_("Name the donor."))


def record_allocation(*, acting_user, fund: Fund, amount_fen: int, occurred_on: datetime.date, source: str,
                      note: str = "") -> LedgerEntry:
    """Money allocated to the fund by a government body or another fund."""
    return _money_in(acting_user=acting_user, fund=fund, kind=EntryKind.ALLOCATION, amount_fen=amount_fen,
                     occurred_on=occurred_on, counterparty=source, note=note,
                     missing_counterparty=_("Name the body that allocated the money."))


# --- Rounds -----------------------------------------------------------------------------------------------


def open_round(*, acting_user, fund: Fund, opened_on: datetime.date) -> FundRound:
    """Open the fund's next round; loans are made in the open round. One round is open at a time."""
    errors = FieldErrors()
    opened_on = _day(errors, "opened_on", opened_on, label=_("opening"))
    errors.raise_if_any()
    _require_fund_scope(acting_user, fund)
    with transaction.atomic():
        fund = _lock(fund)
        last = FundRound.objects.filter(fund=fund).order_by("-number").first()
        if last is not None and last.is_open:
            raise ValidationFailed({"__all__": [_("Round %(number)d is still open: close it first.")
                                                % {"number": last.number}]})
        if last is not None and opened_on < last.closed_on:
            raise ValidationFailed({"opened_on": [_("A round cannot open before the previous one closed.")]})
        fund_round = FundRound.objects.create(fund=fund, number=(last.number + 1) if last else 1, opened_on=opened_on)
        _audit_fund(acting_user, "fund_round_open", fund, round=fund_round.number, opened_on=opened_on)
    return fund_round


def close_round(*, acting_user, fund: Fund, closed_on: datetime.date) -> FundRound:
    """Close the open round: no more loans in it. Its loans run on; what they repay is lent in the next round."""
    errors = FieldErrors()
    closed_on = _day(errors, "closed_on", closed_on, label=_("closing"))
    errors.raise_if_any()
    _require_fund_scope(acting_user, fund)
    with transaction.atomic():
        fund = _lock(fund)
        fund_round = FundRound.objects.filter(fund=fund, closed_on__isnull=True).first()
        if fund_round is None:
            raise ValidationFailed({"__all__": [_("No round is open.")]})
        if closed_on < fund_round.opened_on:
            raise ValidationFailed({"closed_on": [_("A round cannot close before it opened.")]})
        last_loan = fund_round.loans.order_by("-disbursed_on").values_list("disbursed_on", flat=True).first()
        if last_loan is not None and closed_on < last_loan:
            raise ValidationFailed({"closed_on": [_("A round cannot close before its last loan was made.")]})
        fund_round.closed_on = closed_on
        fund_round.save(update_fields=["closed_on", "updated_at"])
        _audit_fund(acting_user, "fund_round_close", fund, round=fund_round.number, closed_on=closed_on)
    return fund_round


# --- Loans ------------------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def installment_plan(amount_fen: int, term_months: int, disbursed_on: datetime.date) -> list[tuple[datetime.date, int]]:
    """Monthly installments in whole yuan, the last one taking what remains; they add up to the loan exactly."""
    regular = amount_fen // term_months // 100 * 100
    plan = [(add_months(disbursed_on, n), regular) for n in range(1, term_months)]
    plan.append((add_months(disbursed_on, term_months), amount_fen - regular * (term_months - 1)))
    return plan


def _guarantee_places(errors: FieldErrors, fund: Fund, village_code) -> tuple[int | None, int | None]:
    if isinstance(village_code, bool) or not isinstance(village_code, int):
        errors.add("guarantee_village_code", _("Give the guaranteeing village."))
        return None, None
    township = codes.township_of(village_code)
    if (codes.level_of(village_code) != codes.VILLAGE
            or Jurisdiction.objects.filter(code__in=[village_code, township]).count() != 2):
        errors.add("guarantee_village_code", _("No such village."))
    elif not codes.contains(fund.owner_jurisdiction_id, village_code):
        errors.add("guarantee_village_code", _("The guaranteeing village lies outside the fund's jurisdiction."))
    return village_code, township


def grant_loan(*, acting_user, fund: Fund, borrower: Person, amount_fen: int, purpose: str, business_plan: str,
               guarantors: str, guarantee_village_code: int, agreement_signed_on: datetime.date,
               disbursed_on: datetime.date | None = None, term_months: int | None = None,
               screening_confirmed: list[str] | tuple = ()) -> Loan:
    """Lend to a borrower from the open round: a loan_out entry and the repayment schedule, never above the balance.

    `screening_confirmed` holds the codes of the fund's screening rules the officer has checked; every rule
    must be confirmed.
    """
    errors = FieldErrors()
    disbursed_on = timezone.localdate() if disbursed_on is None else disbursed_on
    term_months = fund.default_term_months if term_months is None else term_months
    amount_fen = _amount(errors, "amount_fen", amount_fen, label=_("the loan"))
    if amount_fen and not fund.min_loan_fen <= amount_fen <= fund.max_loan_fen:
        errors.add("amount_fen", _("A loan from this fund is from %(low)s to %(high)s yuan.")
                   % {"low": yuan_text(fund.min_loan_fen), "high": yuan_text(fund.max_loan_fen)})
    purpose = errors.text("purpose", purpose, 200, required=True, missing=_("Say what the money is for."))
    business_plan = errors.text("business_plan", business_plan, 2000, required=True,
                          missing=_("Describe the business plan."))
    guarantors = errors.text("guarantors", guarantors, 200, required=True, missing=_("Name the guarantors."))
    village, township = _guarantee_places(errors, fund, guarantee_village_code)
    disbursed_on = _day(errors, "disbursed_on", disbursed_on, label=_("disbursement"))
    signed = _day(errors, "agreement_signed_on", agreement_signed_on, label=_("the signed agreement"))
    if signed and disbursed_on and signed > disbursed_on:
        errors.add("agreement_signed_on", _("The agreement is signed before the money is paid out."))
    if isinstance(term_months, bool) or not isinstance(term_months, int) or not 1 <= term_months <= LONGEST_TERM_MONTHS:
        errors.add("term_months", _("Enter a term from 1 to %(months)d months.") % {"months": LONGEST_TERM_MONTHS})
    confirmed = set(screening_confirmed or ())
    unconfirmed = [rule["text"] for rule in fund.screening_rules if rule["code"] not in confirmed]
    if unconfirmed:
        errors.add("screening_confirmed", _("Not yet confirmed: %(rules)s.") % {"rules": "；".join(unconfirmed)})
    if not any(codes.contains(fund.owner_jurisdiction_id, code) for code in borrower.place_codes if code):
        errors.add("borrower", _("The borrower neither has her household nor lives in the fund's jurisdiction."))
    errors.raise_if_any()
    _require_fund_scope(acting_user, fund)
    require_write_scope(acting_user, *borrower.place_codes, object_type="person", object_id=borrower.pk,
                        message=_("The borrower's household place or residence is outside your area of responsibility."))
    with transaction.atomic():
        fund = _lock(fund)
        fund_round = FundRound.objects.filter(fund=fund, closed_on__isnull=True).first()
        if fund_round is None:
            raise ValidationFailed({"__all__": [_("No round is open: open a round before lending.")]})
        if disbursed_on < fund_round.opened_on:
            raise ValidationFailed({"disbursed_on": [_("The loan cannot be paid out before its round opened.")]})
        if Loan.objects.filter(fund=fund, borrower=borrower, status=LoanStatus.ACTIVE).exists():
            raise ValidationFailed({"borrower": [_("She already has a loan from this fund that is not settled.")]})
        balance = queries.fund_balance(fund.pk)
        if amount_fen > balance:
            raise ValidationFailed({"amount_fen": [
                _("The fund holds %(balance)s yuan: it cannot lend %(amount)s yuan.")
                % {"balance": yuan_text(balance), "amount": yuan_text(amount_fen)}]})
        loan = Loan.objects.create(
            fund=fund, round=fund_round, borrower=borrower, amount_fen=amount_fen, purpose=purpose,
            business_plan=business_plan, term_months=term_months, guarantors=guarantors,
            guarantee_village_id=village, guarantee_township_id=township, agreement_signed_on=signed,
            disbursed_on=disbursed_on, status=LoanStatus.ACTIVE, granted_by=user_or_none(acting_user),
            screening=list(fund.screening_rules),
        )
        LedgerEntry.objects.create(fund=fund, kind=EntryKind.LOAN_OUT, amount_fen=amount_fen, loan=loan,
                                   occurred_on=disbursed_on, note=purpose[:200], recorded_by=user_or_none(acting_user))
        RepaymentInstallment.objects.bulk_create(
            RepaymentInstallment(loan=loan, sequence=n, due_on=due_on, amount_fen=amount)
            for n, (due_on, amount) in enumerate(installment_plan(amount_fen, term_months, disbursed_on), 1))
        _audit_loan(acting_user, "fund_loan_grant", loan, amount_fen=amount_fen, round=fund_round.number,
                    term_months=term_months, disbursed_on=disbursed_on)
    return loan


def _lock_loan(fund: Fund, loan: Loan) -> tuple[Fund, Loan]:
    fund = _lock(fund)
    return fund, Loan.objects.select_for_update().select_related("borrower").get(pk=loan.pk)


def record_repayment(*, acting_user, loan: Loan, amount_fen: int, occurred_on: datetime.date,
                     note: str = "") -> LedgerEntry:
    """Money a borrower paid back; more than she owes is refused and nothing is recorded. Paid in full, the loan is
    repaid and the money is the fund's to lend again."""
    errors = FieldErrors()
    amount_fen = _amount(errors, "amount_fen", amount_fen, label=_("the repayment"))
    occurred_on = _day(errors, "occurred_on", occurred_on, label=_("the repayment"), not_before=loan.disbursed_on)
    note = errors.text("note", note, 200, required=False)
    errors.raise_if_any()
    _require_fund_scope(acting_user, loan.fund)
    with transaction.atomic():
        fund, loan = _lock_loan(loan.fund, loan)
        if loan.status != LoanStatus.ACTIVE:
            raise ValidationFailed({"__all__": [_("This loan is settled (%(status)s): nothing is owed on it.")
                                                % {"status": loan.get_status_display()}]})
        owed = queries.loan_owed(loan.pk)
        if amount_fen > owed:
            raise ValidationFailed({"amount_fen": [
                _("She owes %(owed)s yuan on this loan: a repayment of %(amount)s yuan is more than that.")
                % {"owed": yuan_text(owed), "amount": yuan_text(amount_fen)}]})
        entry = LedgerEntry.objects.create(fund=fund, kind=EntryKind.REPAYMENT, amount_fen=amount_fen, loan=loan,
                                           occurred_on=occurred_on, note=note, recorded_by=user_or_none(acting_user))
        if amount_fen == owed:
            loan.status, loan.closed_on = LoanStatus.REPAID, occurred_on
            loan.save(update_fields=["status", "closed_on", "updated_at"])
        _audit_loan(acting_user, "fund_repayment", loan, entry=entry.pk, amount_fen=amount_fen,
                    owed_after_fen=owed - amount_fen, occurred_on=occurred_on)
    return entry


def _approves_write_offs(user, fund: Fund) -> bool:
    """A writing role at a county or above whose subtree holds the fund's owner."""
    return any(codes.level_of(low) <= codes.COUNTY and low <= fund.owner_jurisdiction_id <= high
               for low, high in jurisdiction_ranges(user, writing=True))


def write_off_loan(*, acting_user, loan: Loan, approved_by, reason: str,
                   occurred_on: datetime.date | None = None) -> LedgerEntry:
    """Write off what is still owed on a loan that cannot be recovered, with the reason and the approval of
    another officer of the county or above."""
    errors = FieldErrors()
    occurred_on = _day(errors, "occurred_on", timezone.localdate() if occurred_on is None else occurred_on,
                       label=_("the write-off"), not_before=loan.disbursed_on)
    reason = errors.text("reason", reason, 500, required=True, missing=_("Give the reason for the write-off."))
    if approved_by is None or not getattr(approved_by, "is_active", False):
        errors.add("approved_by", _("A write-off needs the approval of an officer of the county or above."))
    elif acting_user is not None and approved_by.pk == getattr(acting_user, "pk", None):
        errors.add("approved_by", _("The officer who approves a write-off cannot be the one who records it."))
    elif not _approves_write_offs(approved_by, loan.fund):
        errors.add("approved_by", _("The approver must be an officer of the county or above who holds this fund."))
    errors.raise_if_any()
    _require_fund_scope(acting_user, loan.fund)
    with transaction.atomic():
        fund, loan = _lock_loan(loan.fund, loan)
        if loan.status != LoanStatus.ACTIVE:
            raise ValidationFailed({"__all__": [_("This loan is settled (%(status)s): nothing is owed on it.")
                                                % {"status": loan.get_status_display()}]})
        owed = queries.loan_owed(loan.pk)
        entry = LedgerEntry.objects.create(fund=fund, kind=EntryKind.WRITE_OFF, amount_fen=owed, loan=loan,
                                           occurred_on=occurred_on, reason=reason, approved_by=approved_by,
                                           recorded_by=user_or_none(acting_user))
        loan.status, loan.closed_on = LoanStatus.WRITTEN_OFF, occurred_on
        loan.save(update_fields=["status", "closed_on", "updated_at"])
        _audit_loan(acting_user, "fund_write_off", loan, entry=entry.pk, amount_fen=owed,
                    approved_by=str(approved_by.pk), reason=reason, occurred_on=occurred_on)
    return entry


def record_evaluation(*, acting_user, loan: Loan, stage: str, income_before_fen: int, income_after_fen: int,
                      use_of_money: str, findings: str, evaluated_on: datetime.date) -> LoanEvaluation:
    """The mid-term or final evaluation of a loan: household income a year before and now, how the money was
    used, what was found. One of each stage a loan."""
    errors = FieldErrors()
    if stage not in EvaluationStage.values:
        errors.add("stage", _("Choose the mid-term or the final evaluation."))
    for field, value in (("income_before_fen", income_before_fen), ("income_after_fen", income_after_fen)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= LARGEST_ENTRY_FEN:
            errors.add(field, _("Enter the household income a year in fen (0 or more)."))
    use_of_money = errors.text("use_of_money", use_of_money, 500, required=True,
                         missing=_("Say how the money was used."))
    findings = errors.text("findings", findings, 2000, required=False)
    evaluated_on = _day(errors, "evaluated_on", evaluated_on, label=_("the evaluation"), not_before=loan.disbursed_on)
    errors.raise_if_any()
    _require_fund_scope(acting_user, loan.fund)
    with transaction.atomic():
        fund, loan = _lock_loan(loan.fund, loan)
        if LoanEvaluation.objects.filter(loan=loan, stage=stage).exists():
            raise ValidationFailed({"stage": [_("This loan already has its %(stage)s evaluation.")
                                              % {"stage": EvaluationStage(stage).label}]})
        evaluation = LoanEvaluation.objects.create(
            loan=loan, stage=stage, income_before_fen=income_before_fen, income_after_fen=income_after_fen,
            use_of_money=use_of_money, findings=findings, evaluated_on=evaluated_on,
            evaluated_by=user_or_none(acting_user))
        _audit_loan(acting_user, "fund_evaluation", loan, evaluation=str(evaluation.pk), stage=stage,
                    evaluated_on=evaluated_on)
    return evaluation
