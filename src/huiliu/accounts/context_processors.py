from .models import Role
from .scope import has_role, may_write


def permissions(request):
    """What the navigation may offer the current user."""
    user = request.user
    return {"can_read_audit": has_role(user, Role.AUDITOR), "can_write": may_write(user)}
