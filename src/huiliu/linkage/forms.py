from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FollowUpOutcome


class CloseVerificationForm(forms.Form):
    note = forms.CharField(label=_("What the check found"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class CloseFollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
