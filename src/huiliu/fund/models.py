"""The happiness project (幸福工程): a fund that lends to poor mothers, takes the money back and lends it again.

Money is kept as an append-only ledger of entries in integer fen; the fund's balance
and what is outstanding are sums over the entries, never a number edited in place.
Nothing here records, or may screen on, anyone's childbearing history.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from huiliu.core.models import BaseModel

# Loan bounds in fen unless the fund sets its own: 5,000 to 15,000 yuan, over two years.
DEFAULT_MIN_LOAN_FEN = 500_000
DEFAULT_MAX_LOAN_FEN = 1_500_000
DEFAULT_TERM_MONTHS = 24


class Fund(BaseModel):
    name = models.CharField(max_length=100)
    owner_jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+",
                                           db_index=True)
    # A list of {"code": ..., "text": ...}: what an officer confirms before a loan (see rules.py).
    screening_rules = models.JSONField(default=list, blank=True)
    min_loan_fen = models.PositiveBigIntegerField(default=DEFAULT_MIN_LOAN_FEN)
    max_loan_fen = models.PositiveBigIntegerField(default=DEFAULT_MAX_LOAN_FEN)
    default_term_months = models.PositiveSmallIntegerField(default=DEFAULT_TERM_MONTHS)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=models.Q(min_loan_fen__lte=models.F("max_loan_fen")),
                                              name="fund_loan_bounds_ordered")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("fund:fund_detail", args=[self.pk])


class FundRound(BaseModel):
    """One turn of the fund (周期): loans are made in the open round."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["fund", "number"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="fund_round_number_once"),
            models.UniqueConstraint(fields=["fund"], condition=models.Q(closed_on__isnull=True),
                                    name="fund_one_open_round"),
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    REPAID = "repaid", _("repaid")
    WRITTEN_OFF = "written_off", _("written off")


class Loan(BaseModel):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="loans")
    round = models.ForeignKey(FundRound, on_delete=models.PROTECT, related_name="loans")
    borrower = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    amount_fen = models.PositiveBigIntegerField()
    purpose = models.CharField(max_length=200)
    business_plan = models.TextField(max_length=2000)
    term_months = models.PositiveSmallIntegerField(default=DEFAULT_TERM_MONTHS)
    guarantors = models.CharField(max_length=200)
    guarantee_village = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    guarantee_township = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    agreement_signed_on = models.DateField()
    disbursed_on = models.DateField()
    # The screening rules the officer confirmed, as they read on the day.
    screening = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=LoanStatus.choices, default=LoanStatus.ACTIVE, db_index=True)
    closed_on = models.DateField(null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-disbursed_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="fund_loan_amount_positive"),
            models.UniqueConstraint(fields=["fund", "borrower"], condition=models.Q(status="active"),
                                    name="fund_one_active_loan_per_borrower"),
        ]

    def get_absolute_url(self):
        return reverse("fund:loan_detail", args=[self.pk])


class EntryKind(models.TextChoices):
    DONATION = "donation", _("donation")
    ALLOCATION = "allocation", _("allocation")
    LOAN_OUT = "loan_out", _("loan out")
    REPAYMENT = "repayment", _("repayment")
    WRITE_OFF = "write_off", _("write-off")


MONEY_IN = (EntryKind.DONATION, EntryKind.ALLOCATION)
LOAN_KINDS = (EntryKind.LOAN_OUT, EntryKind.REPAYMENT, EntryKind.WRITE_OFF)


class AppendOnly(Exception):
    """A ledger entry is never changed or deleted: a correction is a new entry."""


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("ledger entries are never updated")

    def delete(self):
        raise AppendOnly("ledger entries are never deleted")


class LedgerEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount_fen = models.PositiveBigIntegerField()
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    occurred_on = models.DateField()
    counterparty = models.CharField(max_length=100, blank=True)  # the donor, or the body that allocated
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["fund", "kind"]), models.Index(fields=["loan", "kind"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="fund_entry_amount_positive"),
            models.CheckConstraint(
                condition=(models.Q(kind__in=MONEY_IN, loan__isnull=True)
                           | models.Q(kind__in=LOAN_KINDS, loan__isnull=False)),
                name="fund_entry_loan_iff_loan_kind"),
            models.CheckConstraint(
                condition=~models.Q(kind=EntryKind.WRITE_OFF) | (models.Q(approved_by__isnull=False) & ~models.Q(reason="")),
                name="fund_write_off_approved_with_reason"),
        ]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("ledger entries are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("ledger entries are never deleted")


class RepaymentInstallment(models.Model):
    """One due date of a loan's schedule; repayments settle installments in order of their due dates."""

    id = models.BigAutoField(primary_key=True)
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="installments")
    sequence = models.PositiveSmallIntegerField()
    due_on = models.DateField(db_index=True)
    amount_fen = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["loan", "sequence"]
        constraints = [models.UniqueConstraint(fields=["loan", "sequence"], name="fund_installment_once")]


class EvaluationStage(models.TextChoices):
    MID_TERM = "mid_term", _("mid-term")
    FINAL = "final", _("final")


class LoanEvaluation(BaseModel):
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="evaluations")
    stage = models.CharField(max_length=10, choices=EvaluationStage.choices)
    # Household income a year, before the loan and at the evaluation.
    income_before_fen = models.PositiveBigIntegerField()
    income_after_fen = models.PositiveBigIntegerField()
    use_of_money = models.CharField(max_length=500)
    findings = models.TextField(max_length=2000, blank=True)
    evaluated_on = models.DateField()
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["loan", "evaluated_on"]
        constraints = [models.UniqueConstraint(fields=["loan", "stage"], name="fund_evaluation_once_per_stage")]
