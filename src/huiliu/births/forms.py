"""Forms parse what was typed; the actions decide what is allowed (so one answer names every problem)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.forms import DateInput
from huiliu.people.forms import CodeField
from huiliu.people.models import MaritalStatus

from .models import FiledAt, RegistrationStatus


def _text(label, *, limit: int, **kwargs):
    # The column's limit is the action's to enforce (its message joins the others); the browser stops typing there.
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"maxlength": str(limit)}),
                           **kwargs)


class RegistrationForm(forms.Form):
    """What a family declares, on the public page or through a worker."""

    filed_at = forms.ChoiceField(label=_("Where do you register?"), choices=FiledAt.choices, initial=FiledAt.RESIDENCE,
                                 widget=forms.RadioSelect, required=False)
    mother_name = _text(_("Mother's name"), limit=50)
    mother_id_number = _text(_("Mother's ID number"), limit=18)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=[("", "—")] + list(MaritalStatus.choices),
                                       required=False)
    father_name = _text(_("Spouse's name"), limit=50, help_text=_("If any."))
    father_id_number = _text(_("Spouse's ID number"), limit=18, help_text=_("If any."))
    household_code = CodeField(label=_("Household place (division code)"), required=False,
                               help_text=_("The township or village where the mother's household is registered."))
    residence_code = CodeField(label=_("Place of residence (division code)"), required=False,
                               help_text=_("The township or village where the family lives now."))
    residence_address = _text(_("Current address"), limit=200)
    phone = _text(_("Phone"), limit=20, help_text=_("So that the office can reach you about this registration."))
    existing_children = forms.IntegerField(label=_("Children the couple already has"), required=False, initial=0,
                                           widget=forms.NumberInput(attrs={"min": "0"}))
    expected_birth_date = forms.DateField(label=_("Expected birth date"), required=False, widget=DateInput,
                                          help_text=_("Before the birth: give this date."))
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput,
                                 help_text=_("After the birth: give this date instead."))


class WorkerRegistrationForm(RegistrationForm):
    """A worker files for the family, and may name the office (the place itself or its township)."""

    jurisdiction_code = CodeField(label=_("Office where it is filed (division code)"), required=False,
                                  help_text=_("Leave empty to file at the place chosen above."))


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all"))] + list(RegistrationStatus.choices),
                               required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the withdrawal"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "maxlength": "200"}),
                             help_text=_("For example: the family changed its mind, or it was registered twice."))


class TrackForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=32,
                                      widget=forms.TextInput(attrs={"autocomplete": "off"}))
    id_last_four = forms.CharField(label=_("Last four characters of the mother's ID number"), max_length=4,
                                   min_length=4, widget=forms.TextInput(attrs={"autocomplete": "off", "size": "4"}))
