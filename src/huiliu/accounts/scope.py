"""The one scoping function: what part of the division tree a user may see and write."""

from django.db.models import Q
from django.utils.translation import gettext as _

from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied
from huiliu.jurisdictions import codes

from .models import WRITING_ROLES, Role


def _assignments(user) -> list[tuple[str, int]]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if not hasattr(user, "_huiliu_assignments"):
        user._huiliu_assignments = list(user.role_assignments.values_list("role", "jurisdiction_id"))
    return user._huiliu_assignments


def jurisdiction_ranges(user, *, writing: bool = False) -> list[tuple[int, int]]:
    """The code ranges of the user's subtrees (of roles that write, when `writing`)."""
    return [
        codes.subtree_range(code)
        for role, code in _assignments(user)
        if not writing or role in WRITING_ROLES
    ]


def scope_filter(user, *fields: str) -> Q:
    """A filter that keeps rows whose division code in any of `fields` lies in the user's scope.

    With no role the filter matches nothing: deny by default.
    """
    condition = Q(pk__in=[])
    for low, high in jurisdiction_ranges(user):
        for field in fields:
            condition |= Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return condition


def in_scope(user, code: int | None, *, writing: bool = False) -> bool:
    return code is not None and any(low <= code <= high for low, high in jurisdiction_ranges(user, writing=writing))


def require_write_scope(
    user, *codes_written: int | None, object_type: str = "", object_id="", message: str | None = None
) -> None:
    """Refuse, and audit the refusal of, a write unless one of the codes lies in a subtree of the user's writing roles."""
    if any(in_scope(user, code, writing=True) for code in codes_written):
        return
    record_event(actor=user, event="write", object_type=object_type, object_id=object_id,
                 outcome=AuditEvent.Outcome.DENIED, detail={"jurisdictions": [c for c in codes_written if c]})
    raise PermissionDenied(message or _("This jurisdiction is outside your area of responsibility."))


def role_ranges(user, role: Role) -> list[tuple[int, int]]:
    """The code ranges of the subtrees where the user holds this one role."""
    return [codes.subtree_range(code) for r, code in _assignments(user) if r == role]


def in_role_scope(user, role: Role, code: int | None) -> bool:
    """Whether the user holds the role over the jurisdiction of this code."""
    return code is not None and any(low <= code <= high for low, high in role_ranges(user, role))


def has_role(user, role: Role) -> bool:
    return any(r == role for r, _code in _assignments(user))


def may_write(user) -> bool:
    return any(r in WRITING_ROLES for r, _code in _assignments(user))
