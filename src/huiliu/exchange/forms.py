"""Forms parse what was typed; the actions decide what is allowed (lengths and formats of a payload included)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.forms import DateInput
from huiliu.people.forms import CodeField

from .models import MessageStatus, MessageType


def _blank(choices):
    return [("", _("All"))] + list(choices)


def _textarea(limit: int, rows: int = 4):
    # The limit is a hint to the browser; the payload's schema is what refuses a longer text.
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


def _office_field(label, offices):
    """A choice among the user's own offices, as (code, full name) pairs."""
    return forms.TypedChoiceField(label=label, coerce=int, choices=[(code, name) for code, name in offices])


class BoxFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=_blank(MessageType.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(MessageStatus.choices), required=False)


# --- Answers: one form per answer type, its fields those of the payload ------------------------


class FeedbackForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), widget=forms.RadioSelect, choices=[
        ("confirmed", _("Confirmed: the facts are right")),
        ("corrected", _("Corrected: see the note")),
        ("unknown", _("Unknown: we could not confirm them")),
    ])
    note = forms.CharField(label=_("Note"), required=False, widget=_textarea(1000))


class ProxyDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approved", _("Approved")), ("refused", _("Refused"))])
    reason = forms.CharField(label=_("Reason given"), required=False, widget=_textarea(500, rows=3))
    document_number = forms.CharField(label=_("Document number"), required=False,
                                      widget=forms.TextInput(attrs={"maxlength": 50}))


class InquiryFindingsForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), widget=_textarea(2000, rows=6))


ANSWER_FORMS = {
    MessageType.FEEDBACK: FeedbackForm,
    MessageType.PROXY_DECISION: ProxyDecisionForm,
    MessageType.INQUIRY_FINDINGS: InquiryFindingsForm,
}


# --- Sending ------------------------------------------------------------------------------------


class JointInquiryForm(forms.Form):
    receiver_code = CodeField(label=_("To (division code of a township or higher office)"))
    subject = forms.CharField(label=_("Subject"), widget=forms.TextInput(attrs={"maxlength": 100}))
    question = forms.CharField(label=_("What should be looked into"), widget=_textarea(2000, rows=6))
    id_number = forms.CharField(label=_("ID number of the person concerned"), required=False,
                                help_text=_("Only when the inquiry is about one person."))
    name = forms.CharField(label=_("Name of the person concerned"), required=False,
                           widget=forms.TextInput(attrs={"maxlength": 50}))

    PAYLOAD_FIELDS = ("subject", "question", "id_number", "name")

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"sender_code": _office_field(_("From (your office)"), offices), **self.fields}

    def payload(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.PAYLOAD_FIELDS}


# --- Rates --------------------------------------------------------------------------------------


class Period:
    MONTH, QUARTER, YEAR = "month", "quarter", "year"
    CHOICES = ((MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year")))


class RatesForm(forms.Form):
    code = CodeField(label=_("Jurisdiction (division code)"), required=False)
    period = forms.ChoiceField(label=_("Period"), choices=Period.CHOICES, required=False)
    on = forms.DateField(label=_("Period containing the date"), widget=DateInput(), required=False)

    def period_bounds(self) -> tuple[datetime.date, datetime.date]:
        """The first day of the chosen period and the first day after it."""
        day = self.cleaned_data.get("on") or datetime.date.today()
        kind = self.cleaned_data.get("period") or Period.MONTH
        if kind == Period.YEAR:
            return day.replace(month=1, day=1), day.replace(year=day.year + 1, month=1, day=1)
        months = 3 if kind == Period.QUARTER else 1
        first_month = (day.month - 1) // months * months + 1
        start = day.replace(month=first_month, day=1)
        after = first_month + months
        end = start.replace(year=day.year + 1, month=after - 12) if after > 12 else start.replace(month=after)
        return start, end


# --- Agreements and liaison stations ------------------------------------------------------------


class AgreementForm(forms.Form):
    second_party_code = CodeField(label=_("Other party (division code)"))
    title = forms.CharField(label=_("Title"), widget=forms.TextInput(attrs={"maxlength": 200}))
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput(), required=False)
    scope = forms.CharField(label=_("What the parties agree to do"), widget=_textarea(2000))
    contacts = forms.CharField(label=_("Contacts on both sides"), required=False, widget=_textarea(2000, rows=3))
    meeting_schedule = forms.CharField(label=_("Meetings"), required=False,
                                       widget=forms.TextInput(attrs={"maxlength": 200}))

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"first_party_code": _office_field(_("Our party (your office)"), offices), **self.fields}


class LiaisonStationForm(forms.Form):
    city_code = CodeField(label=_("Host city (division code)"))
    name = forms.CharField(label=_("Station name"), widget=forms.TextInput(attrs={"maxlength": 100}))
    address = forms.CharField(label=_("Address"), widget=forms.TextInput(attrs={"maxlength": 200}))
    contact_name = forms.CharField(label=_("Contact person"), widget=forms.TextInput(attrs={"maxlength": 50}))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20)
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput())

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"origin_code": _office_field(_("Origin (your office)"), offices), **self.fields}


class CloseStationForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput())
