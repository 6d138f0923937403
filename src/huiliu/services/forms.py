"""Forms parse what was typed; the actions decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.forms import DateInput

from .models import ConsentWay, GroupCondition, OfferKind, ServiceType


def _textarea(limit: int, rows: int = 3):
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


class ServiceRecordForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Type of service"), choices=[("", "—"), *ServiceType.choices],
                                     required=False)
    service_date = forms.DateField(label=_("Date of the service"), widget=DateInput(), required=False)
    provider = forms.CharField(label=_("Provider unit"), max_length=100, required=False)
    consent_given = forms.BooleanField(
        label=_("The person chose this service and gave informed consent"), required=False,
        help_text=_("Required for a health service (check-up, supplies, counselling, prenatal referral, "
                    "postpartum visit)."))
    consent_way = forms.ChoiceField(label=_("How consent was given"), choices=[("", "—"), *ConsentWay.choices],
                                    required=False)
    consent_on = forms.DateField(label=_("Date of consent"), widget=DateInput(), required=False)
    method_chosen = forms.CharField(label=_("Method chosen by the person (supplies)"), max_length=100,
                                    required=False)
    outcome = forms.CharField(label=_("Outcome or result"), max_length=500, required=False, widget=_textarea(500),
                              help_text=_("The result of a health service is seen only by health workers."))

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        if offers:
            self.fields["offer"] = forms.ChoiceField(
                label=_("Takes up the offer"), required=False,
                choices=[("", _("none")), *[(str(o.pk), f"{o.get_kind_display()}（{o.due_by:%Y-%m-%d}）")
                                             for o in offers]])


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason the person gave (optional)"), max_length=200, required=False)


class ReminderForm(forms.Form):
    sent_on = forms.DateField(label=_("Reminder sent on"), widget=DateInput(), required=False)


class OfferForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service offered"), choices=OfferKind.choices)
    due_by = forms.DateField(label=_("Open until"), widget=DateInput())


class RecordFilterForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Type of service"), choices=[("", _("all")), *ServiceType.choices],
                                     required=False)
    start = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    end = forms.DateField(label=_("To"), widget=DateInput(), required=False)


class PriorityGroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=50, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=99)
    condition = forms.ChoiceField(label=_("Condition"), choices=GroupCondition.choices)
    parameter = forms.IntegerField(label=_("N (months for new parents, years for settled)"), required=False,
                                   min_value=1, max_value=120)
    services = forms.MultipleChoiceField(label=_("Services the group calls for"), choices=OfferKind.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
