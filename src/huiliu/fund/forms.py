"""Forms parse what was typed (yuan with two decimals become fen); the actions decide what is allowed."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.forms import DateInput
from huiliu.core.money import fen_of

from .models import EvaluationStage
from .rules import RULE_CODES


def _textarea(limit: int, rows: int = 3):
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


class YuanField(forms.DecimalField):
    """An amount typed in yuan (at most two decimals), cleaned to integer fen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else fen_of(amount)


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name of the fund"), max_length=100)
    owner_code = forms.IntegerField(label=_("Owner jurisdiction (12-digit code, county or above)"))
    screening_rules = forms.CharField(
        label=_("Screening rules"), required=False, widget=_textarea(2000, 6),
        help_text=_("One a line, as code: text. Codes: %(codes)s. No rule may refer to childbearing history.")
        % {"codes": ", ".join(RULE_CODES)})
    min_loan = YuanField(label=_("Smallest loan (yuan)"), initial=Decimal("5000"))
    max_loan = YuanField(label=_("Largest loan (yuan)"), initial=Decimal("15000"))
    default_term_months = forms.IntegerField(label=_("Term (months)"), initial=24, min_value=1)


class RulesForm(FundForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["name"], self.fields["owner_code"]


class MoneyInForm(forms.Form):
    amount = YuanField(label=_("Amount (yuan)"))
    occurred_on = forms.DateField(label=_("Received on"), widget=DateInput())
    counterparty = forms.CharField(label=_("From"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RoundForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())


class LoanForm(forms.Form):
    borrower_id_number = forms.CharField(label=_("Borrower's ID number"), max_length=30)
    amount = YuanField(label=_("Amount (yuan)"))
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    business_plan = forms.CharField(label=_("Business plan"), required=False, widget=_textarea(2000, 5))
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1)
    guarantors = forms.CharField(label=_("Guarantors"), max_length=200, required=False)
    guarantee_village_code = forms.IntegerField(label=_("Guaranteeing village (12-digit code)"))
    agreement_signed_on = forms.DateField(label=_("Agreement signed on"), widget=DateInput())
    disbursed_on = forms.DateField(label=_("Paid out on"), widget=DateInput())
    screening_confirmed = forms.MultipleChoiceField(label=_("Screening: confirmed"), required=False,
                                                    widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["screening_confirmed"].choices = [(r["code"], r["text"]) for r in fund.screening_rules]
        self.fields["term_months"].initial = fund.default_term_months


class RepaymentForm(forms.Form):
    amount = YuanField(label=_("Amount repaid (yuan)"))
    occurred_on = forms.DateField(label=_("Received on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WriteOffForm(forms.Form):
    approver_username = forms.CharField(label=_("Approved by (username of a county or higher officer)"),
                                        max_length=150, required=False)
    reason = forms.CharField(label=_("Reason for the write-off"), required=False, widget=_textarea(500))
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())


class EvaluationForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=EvaluationStage.choices)
    income_before = YuanField(label=_("Household income a year before the loan (yuan)"))
    income_after = YuanField(label=_("Household income a year now (yuan)"))
    use_of_money = forms.CharField(label=_("How the money was used"), required=False, widget=_textarea(500))
    findings = forms.CharField(label=_("Findings"), required=False, widget=_textarea(2000))
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput())


class PeriodForm(forms.Form):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
