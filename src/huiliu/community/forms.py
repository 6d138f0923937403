"""Forms parse what was typed; the actions decide what is allowed."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.forms import DateInput

from .models import ActivityKind, ContactWay, PartnerKind

# The office's usual commitments in a service agreement, with the days each is due after signing.
STANDARD_COMMITMENTS = (
    (_("Issue the papers the person asks for without delay"), 5),
    (_("Keep the check-up results returned from elsewhere, so no one is examined twice"), 30),
    (_("Answer the person's requests within the promised time"), 15),
)
COMMITMENT_ROWS = len(STANDARD_COMMITMENTS)


def _textarea(limit: int, rows: int = 3):
    return forms.Textarea(attrs={"rows": rows, "maxlength": limit})


def _offices(offices) -> list[tuple[int, str]]:
    return [(o.code, f"{o.name}（{o.code:012d}）") for o in offices]


MIGRANT_ID_NUMBER = _("ID number of the migrant")


def _id_number(required: bool = True, label=MIGRANT_ID_NUMBER):
    return forms.CharField(label=label, required=required, max_length=30)


class AgreementForm(forms.Form):
    office_code = forms.TypedChoiceField(label=_("Signing office"), coerce=int, choices=[])
    id_number = _id_number()
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    term_end = forms.DateField(label=_("Term ends on"), widget=DateInput())
    office_obligations = forms.CharField(
        label=_("The office's obligations"), required=False, widget=_textarea(10_000, 4),
        help_text=_("One a line."),
        initial=_("Serve the person as residents are served\nKeep the person's information confidential"))
    migrant_obligations = forms.CharField(
        label=_("The migrant's obligations"), required=False, widget=_textarea(10_000, 4),
        help_text=_("One a line. They are only listed: nothing in the system follows from them."),
        initial=_("Tell the office when moving house or leaving"))

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office_code"].choices = _offices(offices)
        for row, (text, days) in enumerate(STANDARD_COMMITMENTS, 1):
            self.fields[f"commitment_{row}"] = forms.CharField(
                label=_("Commitment %(row)d") % {"row": row}, required=False, max_length=200, initial=text)
            self.fields[f"commitment_{row}_days"] = forms.IntegerField(
                label=_("Due in days after signing"), required=False, min_value=0, max_value=3650, initial=days)

    @staticmethod
    def commitments_from(data: dict) -> list[dict]:
        """Each commitment typed, with its deadline counted from the signing date (none when no days are given)."""
        items = []
        for row in range(1, COMMITMENT_ROWS + 1):
            text = (data.get(f"commitment_{row}") or "").strip()
            if not text:
                continue
            days, signed_on = data.get(f"commitment_{row}_days"), data.get("signed_on")
            deadline = signed_on + datetime.timedelta(days=days) if days is not None and signed_on else None
            items.append({"description": text, "deadline": deadline})
        return items


class CommitmentForm(forms.Form):
    description = forms.CharField(label=_("Commitment"), required=False, max_length=200)
    deadline = forms.DateField(label=_("Due by"), widget=DateInput())


class FulfilForm(forms.Form):
    commitment = forms.UUIDField(widget=forms.HiddenInput)
    fulfilled_on = forms.DateField(label=_("Fulfilled on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class UnitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of unit"), choices=PartnerKind.choices)
    name = forms.CharField(label=_("Name of the unit"), required=False, max_length=100)
    credit_code = forms.CharField(label=_("Unified social credit code"), required=False, max_length=30,
                                  help_text=_("A landlord who is a private person may leave it blank."))
    jurisdiction_code = forms.TypedChoiceField(label=_("Jurisdiction"), coerce=int, choices=[])
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    responsible_person = forms.CharField(label=_("Responsible person"), required=False, max_length=50)
    responsible_phone = forms.CharField(label=_("Responsible person's phone"), required=False, max_length=20)

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction_code"].choices = _offices(offices)


class UnitPersonForm(forms.Form):
    id_number = _id_number()
    started_on = forms.DateField(label=_("Since"), widget=DateInput())


class EndUnitPersonForm(forms.Form):
    link = forms.UUIDField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=_("Until"), widget=DateInput())


class ResponsibilityForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    term_end = forms.DateField(label=_("Term ends on"), widget=DateInput())
    duties = forms.CharField(label=_("The unit's duties"), required=False, widget=_textarea(10_000, 4))


class AssociationForm(forms.Form):
    name = forms.CharField(label=_("Name of the association"), required=False, max_length=100)
    jurisdiction_code = forms.TypedChoiceField(label=_("Jurisdiction"), coerce=int, choices=[])
    founded_on = forms.DateField(label=_("Founded on"), widget=DateInput())
    charter = forms.CharField(label=_("Charter"), required=False, widget=_textarea(10_000, 6))

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction_code"].choices = _offices(offices)


class BranchForm(forms.Form):
    name = forms.CharField(label=_("Name of the branch"), required=False, max_length=100)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)


class OfficerForm(forms.Form):
    id_number = _id_number(required=False, label=_("ID number (if in the registry)"))
    name = forms.CharField(label=_("Name (if not in the registry)"), required=False, max_length=50)
    post = forms.CharField(label=_("Post"), required=False, max_length=50)
    elected_on = forms.DateField(label=_("Elected on"), widget=DateInput())
    term_end = forms.DateField(label=_("Term ends on"), widget=DateInput())


class MemberForm(forms.Form):
    id_number = _id_number(required=False, label=_("ID number (if in the registry)"))
    name = forms.CharField(label=_("Name (if not in the registry)"), required=False, max_length=50)
    branch = forms.ChoiceField(label=_("Branch"), required=False, choices=[])
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", "—")] + [(str(b.pk), b.name) for b in branches]


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the activity"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=100_000)
    description = forms.CharField(label=_("Description"), required=False, widget=_textarea(1000))


class VolunteerForm(forms.Form):
    office_code = forms.TypedChoiceField(label=_("Appointing office"), coerce=int, choices=[])
    id_number = _id_number()
    appointed_on = forms.DateField(label=_("Appointed on"), widget=DateInput())
    group = forms.CharField(label=_("The group they keep in touch with"), required=False, max_length=200)
    unit = forms.ChoiceField(label=_("Partner unit (optional)"), required=False, choices=[])

    def __init__(self, *args, offices=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office_code"].choices = _offices(offices)
        self.fields["unit"].choices = [("", "—")] + [(str(u.pk), u.name) for u in units]


class PairingForm(forms.Form):
    officer = forms.ChoiceField(label=_("Officer"), choices=[])
    started_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    id_numbers = forms.CharField(label=_("ID numbers of the migrants"), required=False, widget=_textarea(2000),
                                 help_text=_("One a line; a family through one of its members."))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [(str(o.pk), str(o)) for o in officers]


class PairedPersonForm(forms.Form):
    id_number = _id_number()
    family_note = forms.CharField(label=_("Family (who else is meant)"), required=False, max_length=200)


class ContactForm(forms.Form):
    person = forms.ChoiceField(label=_("Person"), choices=[])
    contacted_on = forms.DateField(label=_("Date of the contact"), widget=DateInput())
    way = forms.ChoiceField(label=_("Way"), choices=ContactWay.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=_textarea(1000))

    def __init__(self, *args, persons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(str(p.person_id), p.person.name) for p in persons]
