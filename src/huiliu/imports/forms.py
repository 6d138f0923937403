"""Forms parse what was chosen; the actions decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huiliu.core.forms import DateInput

from .columns import FIELD_LABELS, FIELDS
from .models import ImportKind


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices)
    mapping = forms.ChoiceField(label=_("Saved column mapping"), required=False, choices=[])

    def __init__(self, *args, mappings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = [("", _("(recognise the headers)"))] + [
            (str(m.pk), f"{m.name}（{m.get_kind_display()}）") for m in mappings]


class ColumnsForm(forms.Form):
    """One choice per field of the kind: which header of the file fills it."""

    def __init__(self, *args, kind: str, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(h, h) for h in headers]
        for name, required, _headers in FIELDS[kind]:
            label = FIELD_LABELS[name]
            self.fields[name] = forms.ChoiceField(label=f"{label}{' *' if required else ''}", choices=choices,
                                                  required=False)


class MappingNameForm(forms.Form):
    mapping_name = forms.CharField(label=_("Save this mapping as"), max_length=60, required=False)


class CensusForm(forms.Form):
    name = forms.CharField(label=_("Name of the census"), max_length=100, required=False)
    jurisdiction_code = forms.TypedChoiceField(label=_("Area"), coerce=int, choices=[])
    census_date = forms.DateField(label=_("Census date"), widget=DateInput())

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction_code"].choices = list(areas)


class RollForm(forms.Form):
    file = forms.FileField(label=_("Census roll (CSV or XLSX)"))
