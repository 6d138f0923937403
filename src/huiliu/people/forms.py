"""Forms parse what was typed; the actions decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.errors import ValidationFailed
from huiliu.core.forms import DateInput
from huiliu.jurisdictions import codes

from .models import (
    CLOSING_CHOICES,
    ETHNIC_GROUPS,
    DepartureReason,
    Education,
    MaritalStatus,
    ResidenceType,
    Sex,
)


class CodeField(forms.CharField):
    """A 12-digit division code typed or chosen by the user."""

    def __init__(self, **kwargs):
        # No max_length: its validator would run on the int that to_python returns (and fail with a TypeError).
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "12", "placeholder": "12 位区划代码"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            return codes.parse_code(value)
        except ValidationFailed as failure:
            raise forms.ValidationError(failure.errors["code"]) from None


def _blank(choices):
    return [("", "—")] + list(choices)


class IdentityFields(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18, min_length=18,
                                error_messages={"min_length": _("The ID number must have 18 characters.")})
    name = forms.CharField(label=_("Name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=_blank(Sex.choices), required=False,
                            help_text=_("Checked against the ID number."))
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput,
                                 help_text=_("Checked against the ID number."))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=MaritalStatus.choices, initial=MaritalStatus.UNKNOWN)


class PersonForm(IdentityFields):
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=_blank((e, e) for e in ETHNIC_GROUPS), required=False)
    education = forms.ChoiceField(label=_("Education"), choices=_blank(Education.choices), required=False)
    household_code = CodeField(label=_("Household place (division code)"))
    household_address = forms.CharField(label=_("Household address"), max_length=200, required=False)
    spouse_name = forms.CharField(label=_("Spouse's name"), max_length=50, required=False)
    spouse_id_number = forms.CharField(label=_("Spouse's ID number"), max_length=18, required=False)


class PersonEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=_blank((e, e) for e in ETHNIC_GROUPS), required=False)
    education = forms.ChoiceField(label=_("Education"), choices=_blank(Education.choices), required=False)
    household_address = forms.CharField(label=_("Household address"), max_length=200, required=False)
    residence_address = forms.CharField(label=_("Current address"), max_length=200, required=False)
    marital_status = forms.ChoiceField(label=_("Marital status"), choices=MaritalStatus.choices)
    spouse_name = forms.CharField(label=_("Spouse's name"), max_length=50, required=False)
    spouse_id_number = forms.CharField(label=_("Spouse's ID number"), max_length=18, required=False)


class ArrivalForm(IdentityFields):
    arrival_date = forms.DateField(label=_("Arrival date"), widget=DateInput)
    residence_code = CodeField(label=_("Village or community of residence (division code)"))
    address = forms.CharField(label=_("Address"), max_length=200)
    residence_type = forms.ChoiceField(label=_("Residence type"), choices=_blank(ResidenceType.choices))
    landlord_or_employer = forms.CharField(label=_("Landlord or employer"), max_length=100, required=False)
    household_code = CodeField(label=_("Household place (division code)"), required=False,
                               help_text=_("Needed only when the person is not yet in the registry."))
    household_address = forms.CharField(label=_("Household address"), max_length=200, required=False)


class DepartureForm(forms.Form):
    departure_date = forms.DateField(label=_("Departure date"), widget=DateInput)
    reason = forms.ChoiceField(label=_("Reason"), choices=_blank(DepartureReason.choices))
    destination_code = CodeField(label=_("Destination (division code, as far as known)"), required=False)
    destination_address = forms.CharField(label=_("Destination address"), max_length=200, required=False)
    work_background = forms.CharField(label=_("Work background"), max_length=200, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    group_liaison = forms.CharField(label=_("Group liaison"), max_length=50, required=False)
    group_liaison_phone = forms.CharField(label=_("Group liaison's phone"), max_length=20, required=False)
    village_contact = forms.CharField(label=_("Village contact"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)


class CloseMigrationForm(forms.Form):
    outcome = forms.ChoiceField(label=_("How the move ended"), choices=_blank(CLOSING_CHOICES))
    ended_on = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ChildForm(forms.Form):
    name = forms.CharField(label=_("Child's name"), max_length=50, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=_blank(Sex.choices))
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput)
