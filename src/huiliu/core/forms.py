"""Turning a domain refusal into messages beside the form fields."""

from django import forms

from .errors import ValidationFailed


def show_domain_errors(form: forms.Form, failure: ValidationFailed) -> None:
    """Attach each refused field's messages to the form field of the same name (or to the whole form)."""
    for field, messages in failure.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class DateInput(forms.DateInput):
    input_type = "date"
