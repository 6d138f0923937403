"""Forms parse the jurisdiction, the period and the figure asked for; the queries decide what the user may see."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.errors import ValidationFailed
from huiliu.people.forms import CodeField

from .indicators import CATALOGUE, MEDIAN
from .periods import MONTH, QUARTER, YEAR, Period, parse_period, period_containing

PARTS = {"value": _("the figure"), "numerator": _("numerator"), "denominator": _("denominator")}
# The indicators a chart page can compare the subordinate units on: any but a median, which does not add up.
COMPARABLE = [(code, indicator.name) for code, indicator in CATALOGUE.items() if indicator.kind != MEDIAN]


def last_closed_quarter(today: datetime.date) -> Period:
    """The quarter before the one holding today: the latest whose figures no longer change."""
    return period_containing(today, QUARTER).previous()


def period_choices(today: datetime.date, current: str = "") -> list:
    """Recent months, quarters and years for the period select, grouped by kind, newest first."""
    groups = []
    for kind, label, count in ((QUARTER, _("Quarters"), 8), (MONTH, _("Months"), 12), (YEAR, _("Years"), 5)):
        periods = [period_containing(today, kind)]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        groups.append((label, [(p.label, p.title()) for p in periods]))
    if current and all(current != value for _label, options in groups for value, _title in options):
        try:
            groups.insert(0, ("", [(parse_period(current).label, parse_period(current).title())]))
        except ValidationFailed:
            pass  # the form's own check names the field
    return groups


class PeriodField(forms.CharField):
    """A month (2026-07), a quarter (2026Q3) or a year (2026), read as a Period."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            return parse_period(value)
        except ValidationFailed as failure:
            raise forms.ValidationError(failure.errors["period"]) from None


class LedgerForm(forms.Form):
    """Which ledger: a jurisdiction in the user's subtree and a period; both default when left out."""

    code = CodeField(label=_("Jurisdiction"), required=False)
    period = PeriodField(label=_("Period"), required=False, widget=forms.Select)

    def __init__(self, data, *, today: datetime.date, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["period"].widget.choices = period_choices(today, (data or {}).get("period", ""))


class ChartForm(LedgerForm):
    indicator = forms.ChoiceField(label=_("Compare the units on"), choices=COMPARABLE, required=False)


class RecordsForm(forms.Form):
    """The records behind one figure of a ledger: which indicator, jurisdiction, period and part of a rate."""

    indicator = forms.ChoiceField(label=_("Indicator"), choices=[(code, i.name) for code, i in CATALOGUE.items()])
    code = CodeField(label=_("Jurisdiction"))
    period = PeriodField(label=_("Period"))
    part = forms.ChoiceField(label=_("Part"), choices=list(PARTS.items()), required=False)
    own = forms.BooleanField(label=_("This level only"), required=False)

    def clean_part(self):
        return self.cleaned_data.get("part") or "value"
