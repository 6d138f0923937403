from .models import Role
from .scope import has_role, may_write


def permissions(request):
    """What the navigation may offer the current user (error pages may come before authentication)."""
    user = getattr(request, "user", None)
    return {"can_read_audit": has_role(user, Role.AUDITOR), "can_write": may_write(user)}
