"""Forms parse what was typed; the actions decide what is allowed."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from huiliu.core.errors import ValidationFailed
from huiliu.core.forms import DateInput
from huiliu.jurisdictions import codes

from .models import (
    CLOSING_CHOICES,
    ETHNIC_GROUPS,
    DepartureReason,
    Education,
    LeftBehindKind,
    MaritalStatus,
    ResidenceType,
    Sex,
    VisitInterval,
    VisitWay,
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


# --- Left-behind children and elders ----------------------------------------------------------------------


class _Row(forms.Form):
    """A row of a table of inputs: each input names itself, since the table's head is its only label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)

    def is_blank(self) -> bool:
        """Nothing typed in the row, or the row struck out: it is left out (a half-filled row is checked)."""
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("DELETE")) or not any(value for name, value in data.items() if name != "DELETE")


class LeftBehindChildRow(_Row):
    """One row of the outflow form: a minor child left behind and the carer the parents appointed."""

    name = forms.CharField(label=_("Child's name"), max_length=50, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=_blank(Sex.choices), required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput, required=False)
    school = forms.CharField(label=_("School"), max_length=100, required=False)
    carer_name = forms.CharField(label=_("Carer"), max_length=50, required=False)
    carer_relation = forms.CharField(label=_("Carer's relation"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"placeholder": "祖母"}))
    carer_phone = forms.CharField(label=_("Carer's phone"), max_length=20, required=False)
    school_informed = forms.BooleanField(label=_("School informed"), required=False)
    village_committee_informed = forms.BooleanField(label=_("Village committee informed"), required=False)


class LeftBehindElderRow(_Row):
    """One row of the outflow form: an elder left behind."""

    name = forms.CharField(label=_("Elder's name"), max_length=50, required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput, required=False)
    relation = forms.CharField(label=_("Relation to the person leaving"), max_length=20, required=False,
                               widget=forms.TextInput(attrs={"placeholder": "母亲"}))
    lives_alone = forms.BooleanField(label=_("Lives alone"), required=False)
    carer_name = forms.CharField(label=_("Carer (if any)"), max_length=50, required=False)
    carer_relation = forms.CharField(label=_("Carer's relation"), max_length=20, required=False)
    carer_phone = forms.CharField(label=_("Carer's phone"), max_length=20, required=False)


LeftBehindChildRows = formset_factory(LeftBehindChildRow, extra=2, max_num=10, validate_max=True, can_delete=True)
LeftBehindElderRows = formset_factory(LeftBehindElderRow, extra=1, max_num=6, validate_max=True, can_delete=True)


def filled_rows(formset) -> list[dict]:
    """The rows that say something and are not struck out, each with its place on the form (`index`)."""
    return [{"index": i, **{k: v for k, v in form.cleaned_data.items() if k != "DELETE"}}
            for i, form in enumerate(formset.forms) if not form.is_blank()]


class LeftBehindRelativeForm(forms.Form):
    """A relative left behind, added or edited from the person's page."""

    kind = forms.ChoiceField(label=_("Left behind"), choices=LeftBehindKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=50)
    sex = forms.ChoiceField(label=_("Sex"), choices=_blank(Sex.choices), required=False)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput)
    relation = forms.CharField(label=_("Relation to the person away (elder)"), max_length=20, required=False)
    lives_alone = forms.BooleanField(label=_("Lives alone (elder)"), required=False)
    school = forms.CharField(label=_("School (child)"), max_length=100, required=False)
    carer_name = forms.CharField(label=_("Carer"), max_length=50, required=False,
                                 help_text=_("For a child: the carer the parents appointed."))
    carer_relation = forms.CharField(label=_("Carer's relation"), max_length=20, required=False)
    carer_phone = forms.CharField(label=_("Carer's phone"), max_length=20, required=False)
    school_informed = forms.BooleanField(label=_("School informed (child)"), required=False)
    village_committee_informed = forms.BooleanField(label=_("Village committee informed (child)"), required=False)
    visit_interval_days = forms.TypedChoiceField(
        label=_("Visit interval"), choices=_blank(VisitInterval.choices), coerce=int, empty_value=None, required=False,
        help_text=_("Left blank: monthly for a child under six or an elder living alone, quarterly otherwise."))

    def __init__(self, *args, only: tuple[str, ...] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if only:  # editing: the kind is fixed, and only its own fields are shown
            for name in list(self.fields):
                if name not in only:
                    del self.fields[name]
            self.fields["visit_interval_days"].required = True
            self.fields["visit_interval_days"].choices = VisitInterval.choices


class LeftBehindVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput)
    way = forms.ChoiceField(label=_("Way"), choices=VisitWay.choices, widget=forms.RadioSelect, initial=VisitWay.HOME)
    wellbeing = forms.CharField(label=_("How the child or elder is"), max_length=500, required=False,
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("The family's destination office sees the date, the way and this note, "
                                            "to tell the parents away."))
    needs = forms.CharField(label=_("Needs raised"), max_length=500, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Kept by the village."))


class TakeOffRollForm(forms.Form):
    ended_on = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(label=_("Reason"), max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": "随父母外出 / 迁居 / 去世"}))
