"""Forms parse what was typed; the actions decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import DEFAULT_VALID_DAYS, LONGEST_VALID_DAYS
from .models import CertificateStatus, ProxyStatus


def _textarea(limit: int, rows: int = 3):
    # The limit is a hint to the browser; the action is what refuses a longer text.
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


class CertificateFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, ID number or certificate number"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(CertificateStatus.choices))


class ProxyFilterForm(forms.Form):
    tab = forms.ChoiceField(required=False, choices=[("incoming", "incoming"), ("outgoing", "outgoing")])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(ProxyStatus.choices))


class ValidDaysField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Valid for (days)"))
        kwargs.setdefault("initial", DEFAULT_VALID_DAYS)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LONGEST_VALID_DAYS)
        super().__init__(**kwargs)


class IssueForm(forms.Form):
    valid_days = ValidDaysField()
    asked_in_person = forms.BooleanField(
        label=_("The person has asked for this certificate in person"),
        help_text=_("A certificate is issued only at the person's own request, never because someone demands it."))


class ReissueForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the new version"), required=False, widget=_textarea(200))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the revocation"), required=False, widget=_textarea(200))


class ProxyApplicationForm(forms.Form):
    purpose = forms.CharField(label=_("What the person needs it for"), required=False, widget=_textarea(200),
                              help_text=_("In the person's own words."))
    person_asked = forms.BooleanField(
        label=_("The person has asked us to apply on their behalf"),
        help_text=_("The certificate is requested from the household township; the person need not travel."))


class ProxyDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("issue", _("Issue the certificate")),
        ("refuse", _("Refuse, with the reason")),
    ])
    refusal_reason = forms.CharField(label=_("Reason for the refusal"), required=False, widget=_textarea(500))
    valid_days = ValidDaysField()
