"""Forms parse what was typed; the actions decide what is allowed (so one answer names every problem)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.people.forms import CodeField
from huiliu.reports.indicators import ASSESSABLE

from .models import PeriodKind


def _number(label, *, help_text=""):
    # Read as text: the action checks the range and names the field in its own words.
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "6", "size": "6"}))


class SchemeItemsForm(forms.Form):
    """One row a service indicator: a weight in points (blank: not in the scheme), a target and a floor in percent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in ASSESSABLE:
            self.fields[f"{code}_weight"] = _number(_("Weight (points)"))
            self.fields[f"{code}_target"] = _number(_("Target (%)"))
            self.fields[f"{code}_floor"] = _number(_("Floor (%)"))

    def item_rows(self):
        """The bound fields of each indicator, for the table of the page."""
        return [(code, self[f"{code}_weight"], self[f"{code}_target"], self[f"{code}_floor"]) for code in ASSESSABLE]

    def items(self) -> list[dict]:
        """The items typed: each indicator with a weight or a target."""
        data = self.cleaned_data
        return [{"indicator": code, "weight": data[f"{code}_weight"], "target": data[f"{code}_target"],
                 "floor": data[f"{code}_floor"]}
                for code in ASSESSABLE if data[f"{code}_weight"].strip() or data[f"{code}_target"].strip()]

    @staticmethod
    def initial_from(scheme) -> dict:
        initial = {}
        for item in scheme.items.all():
            initial[f"{item.indicator}_weight"] = str(item.weight)
            initial[f"{item.indicator}_target"] = str(item.target)
            initial[f"{item.indicator}_floor"] = "" if item.floor is None else str(item.floor)
        return initial


class NewSchemeForm(SchemeItemsForm):
    owner_code = CodeField(label=_("Office that sets the scheme (division code)"), required=False,
                           help_text=_("A county, city or province: its subordinate units are assessed."))
    name = forms.CharField(label=_("Name"), required=False, widget=forms.TextInput(attrs={"maxlength": "100"}))
    period_kind = forms.ChoiceField(label=_("Assessed"), choices=PeriodKind.choices, initial=PeriodKind.QUARTER)

    field_order = ["owner_code", "name", "period_kind"]


class EditSchemeForm(SchemeItemsForm):
    name = forms.CharField(label=_("Name"), required=False, widget=forms.TextInput(attrs={"maxlength": "100"}))
    active = forms.BooleanField(label=_("In use"), required=False)

    field_order = ["name", "active"]


class ScoreForm(forms.Form):
    period = forms.CharField(label=_("Period"), required=False, max_length=10,
                             help_text=_("A month (2026-07), a quarter (2026Q3) or a year (2026), as the scheme is."))


class PublishForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks of the office"), required=False,
                              widget=forms.Textarea(attrs={"rows": "4", "maxlength": "2000"}))
