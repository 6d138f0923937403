"""Errors that actions and queries raise; views turn them into pages and API answers."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A request the domain refuses, with a message a user can read."""


class NotFound(DomainError):
    """The object does not exist, or lies outside the caller's scope: the same answer for both."""


class PermissionDenied(DomainError):
    """The caller may not do this (for example: a write outside their jurisdiction)."""


class ValidationFailed(DomainError):
    """Input was refused; `errors` maps each field name to its messages."""

    def __init__(self, errors: dict[str, list[str]] | str):
        if isinstance(errors, str):
            errors = {"__all__": [errors]}
        self.errors = {field: [str(m) for m in messages] for field, messages in errors.items()}
        super().__init__("; ".join(f"{f}: {', '.join(m)}" for f, m in self.errors.items()))


class FieldErrors(dict):
    """Collects every field's problems (field → messages) so that one refusal names them all."""

    def add(self, field: str, message: str) -> None:
        """Add one message under the field."""
        self.setdefault(field, []).append(message)

    def check(self, field: str, validate, *args):
        """Return validate(*args, field=field) (without field when it is empty), or None with its refusal added here."""
        try:
            return validate(*args, field=field) if field else validate(*args)
        except ValidationFailed as failure:
            for name, messages in failure.errors.items():
                for message in messages:
                    self.add(name, message)
            return None

    def text(self, field: str, value, limit: int, *, required: bool = False, missing: str = "") -> str:
        """Return the text stripped; add `missing` (or "required") when it is required and empty, or its length limit."""
        value = (value or "").strip()
        if required and not value:
            self.add(field, missing or _("This field is required."))
        elif len(value) > limit:
            self.add(field, _("At most %(limit)d characters.") % {"limit": limit})
        return value

    def raise_if_any(self) -> None:
        """Raise ValidationFailed with every problem collected, if there is any."""
        if self:
            raise ValidationFailed(dict(self))


def field_errors(problems: list[dict]) -> dict[str, list[str]]:
    """A schema's refusal (pydantic's list of problems) as field → messages, naming the field and not the nesting."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        location = problem.get("loc") or ("__all__",)
        field = str(location[-1])
        kind = problem.get("type", "")
        if kind == "missing":
            message = _("This field is required.")
        elif kind == "extra_forbidden":
            message = _("This field is not expected here.")
        elif kind == "string_too_long":
            message = _("At most %(limit)d characters.") % {"limit": problem["ctx"]["max_length"]}
        elif kind == "string_too_short":
            message = _("This field is required.")
        elif kind == "value_error":
            message = str(problem.get("ctx", {}).get("error", "")) or _("Enter a valid value.")
        else:
            message = _("Enter a valid value.")
        errors.setdefault(field, []).append(message)
    return errors
