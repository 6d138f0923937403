"""Forms parse what was typed; the actions decide what is allowed."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.forms import DateInput

from .models import ProgrammeKind


def _textarea(limit: int, rows: int = 3):
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


class ProgrammeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of programme"), choices=ProgrammeKind.choices)
    name = forms.CharField(label=_("Name"), required=False, max_length=100)
    owner_code = forms.TypedChoiceField(label=_("Owner office"), coerce=int, choices=[])
    amount_yuan = forms.DecimalField(label=_("Amount per payment (yuan)"), min_value=Decimal("0.01"),
                                     max_digits=12, decimal_places=2)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_code"].choices = list(owners)


class RulesForm(forms.Form):
    """The rules as fields: each one the owner may set, none about childbearing history."""

    min_age = forms.IntegerField(label=_("Lowest age"), required=False, min_value=0, max_value=150)
    max_age = forms.IntegerField(label=_("Highest age"), required=False, min_value=0, max_value=150)
    household_in_owner_area = forms.BooleanField(label=_("Household registered in the programme owner's area"),
                                                 required=False)
    declared_hardship = forms.BooleanField(label=_("The family declares special hardship"), required=False)

    @staticmethod
    def initial_from(rules: list[dict]) -> dict:
        initial = {}
        for rule in rules:
            if rule.get("rule") == "age_range":
                initial.update(min_age=rule.get("min"), max_age=rule.get("max"))
            else:
                initial[rule.get("rule")] = True
        return initial

    @staticmethod
    def rules_from(data: dict) -> list[dict]:
        rules = []
        if data.get("min_age") is not None or data.get("max_age") is not None:
            rules.append({"rule": "age_range", "min": data.get("min_age"), "max": data.get("max_age")})
        for kind in ("household_in_owner_area", "declared_hardship"):
            if data.get(kind):
                rules.append({"rule": kind})
        return rules


class ApplicationForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), choices=[])
    declared_hardship = forms.BooleanField(label=_("The family declares special hardship"), required=False)
    statement = forms.CharField(label=_("The family's statement"), required=False, widget=_textarea(500),
                                help_text=_("In the family's own words; declared facts are taken as declared."))

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(str(p.pk), f"{p.name}（{p.owner_jurisdiction.name}）") for p in programmes]


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), required=False, widget=_textarea(500))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve and pay")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason for the refusal"), required=False, widget=_textarea(500))


class FamilyForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), choices=[])
    first_liaison_name = forms.CharField(label=_("First liaison contact"), required=False, max_length=50)
    first_liaison_phone = forms.CharField(label=_("First liaison's phone"), required=False, max_length=20)
    second_liaison_name = forms.CharField(label=_("Second liaison contact"), required=False, max_length=50)
    second_liaison_phone = forms.CharField(label=_("Second liaison's phone"), required=False, max_length=20)

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(str(p.pk), p.name) for p in programmes]


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput())
    note = forms.CharField(label=_("What the visit found or did"), required=False, widget=_textarea(1000))


class BeneficiaryListForm(forms.Form):
    programme = forms.UUIDField(label=_("Programme"))
    village = forms.IntegerField(label=_("Village"))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
