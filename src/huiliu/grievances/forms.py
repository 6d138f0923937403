"""Forms parse what was typed; the actions decide what is allowed (so one answer names every problem)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.forms import DateInput
from huiliu.people.forms import CodeField

from .models import GrievanceKind, GrievanceStatus, Topic


def _text(label, *, limit: int, **kwargs):
    # The column's limit is the action's to enforce; the browser stops typing there.
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"maxlength": str(limit)}),
                           **kwargs)


def _textarea(label, *, limit: int, rows: int = 4, **kwargs):
    return forms.CharField(label=label, required=False,
                           widget=forms.Textarea(attrs={"rows": str(rows), "maxlength": str(limit)}), **kwargs)


class GrievanceForm(forms.Form):
    """What a member of the public says, on the public page."""

    kind = forms.ChoiceField(label=_("What would you like to send?"), choices=GrievanceKind.choices,
                             initial=GrievanceKind.COMPLAINT, widget=forms.RadioSelect, required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, initial=Topic.OTHER, required=False)
    place_code = CodeField(label=_("The place it concerns (division code)"), required=False,
                           help_text=_("The township or village (community) it is about."))
    text = _textarea(_("What happened, or what do you suggest?"), limit=2000, rows=6)
    name = _text(_("Your name"), limit=50, help_text=_("Optional."))
    phone = _text(_("Phone"), limit=20,
                  help_text=_("So that the office can call you back. Needed for a rights-protection request; "
                              "optional for a complaint or a suggestion."))


class StaffGrievanceForm(GrievanceForm):
    """Staff file for a person, and may link the registry's record of that person."""

    person_id_number = _text(_("ID number of the person (optional)"), limit=18,
                             help_text=_("Links the registry's record of the person, if they are in your area."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].label = _("Kind")
        self.fields["text"].label = _("What the person said")
        self.fields["name"].label = _("Name of the person")
        self.fields["phone"].help_text = _("Needed for a rights-protection request, unless the registry's record "
                                           "is linked.")


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("all"))] + list(GrievanceKind.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all"))] + list(GrievanceStatus.choices),
                               required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class ResolveForm(forms.Form):
    resolution = _textarea(_("How it was resolved"), limit=1000,
                           help_text=_("What the office did, and what the person was told."))


class CloseForm(forms.Form):
    reason = _textarea(_("Why it cannot be resolved"), limit=500, rows=3)


class ReassignForm(forms.Form):
    owner_code = forms.TypedChoiceField(label=_("Hand it to"), choices=(), coerce=int, required=False)
    note = _textarea(_("Note"), limit=500, rows=2, help_text=_("Optional: why it goes there."))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_code"].choices = [("", "—")] + list(owners)


class TrackForm(forms.Form):
    tracking_number = forms.CharField(label=_("Grievance number"), max_length=32,
                                      widget=forms.TextInput(attrs={"autocomplete": "off"}))
    check_code = forms.CharField(label=_("Check code"), max_length=6, min_length=6,
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "size": "6",
                                                               "inputmode": "numeric"}),
                                 help_text=_("The six digits you were given with the tracking number."))


class ForumForm(forms.Form):
    title = _text(_("Forum title"), limit=100)
    held_on = forms.DateField(label=_("Held on"), required=False, widget=DateInput)
    host_code = forms.TypedChoiceField(label=_("Host office"), choices=(), coerce=int, required=False)
    place_code = CodeField(label=_("Where it was held (division code)"), required=False,
                           help_text=_("The township or village (community)."))
    attendance = forms.IntegerField(label=_("How many attended"), required=False, min_value=0,
                                    widget=forms.NumberInput(attrs={"min": "1"}))
    officers_present = _text(_("Officers present"), limit=300, help_text=_("Optional: names, separated by commas."))
    migrants_present = _text(_("Migrants present"), limit=500,
                             help_text=_("Optional: only those who agreed to be named."))
    suggestions = forms.CharField(label=_("Suggestions raised"), required=False,
                                  widget=forms.Textarea(attrs={"rows": "8"}),
                                  help_text=_("One per line: each becomes a suggestion with its own deadline, "
                                              "handled by the township of the place."))
    notes = _textarea(_("Notes"), limit=1000, rows=3)

    def __init__(self, *args, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_code"].choices = list(hosts)
