"""Forms and domain actions: run an action with a form's data, and put its refusal beside the fields."""

from django import forms

from .errors import PermissionDenied, ValidationFailed


def show_domain_errors(form: forms.Form, failure: ValidationFailed) -> None:
    """Attach each refused field's messages to the form field of the same name (or to the whole form)."""
    for field, messages in failure.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


def submit(request, form: forms.Form, run):
    """Run `run(cleaned_data)` on a valid POST; on refusal put its messages beside the fields. Returns the result or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return run(form.cleaned_data)
    except ValidationFailed as failure:
        show_domain_errors(form, failure)
    except PermissionDenied as denial:
        form.add_error(None, str(denial))
    return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        # A browser's date input reads only ISO dates; the locale's 2026/11/23 would leave it blank.
        super().__init__(attrs, format=format or "%Y-%m-%d")
