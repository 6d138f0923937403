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
