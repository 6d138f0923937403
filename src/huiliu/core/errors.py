"""Errors that actions and queries raise; views turn them into pages and API answers."""


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
