import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huiliu.audit.actions import holds_raw_identifier, record_event
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction

from .models import ApiToken, Role, RoleAssignment, User
from .scope import require_write_scope

# The level a role sits at; an auditor may sit at any level.
ROLE_LEVELS = {
    Role.VILLAGE_WORKER: {codes.VILLAGE, codes.TOWNSHIP},
    Role.TOWNSHIP_OFFICER: {codes.TOWNSHIP},
    Role.COUNTY_OFFICER: {codes.COUNTY},
    Role.CITY_OFFICER: {codes.CITY},
    Role.PROVINCE_OFFICER: {codes.PROVINCE},
    Role.AUDITOR: set(codes.LEVEL_NAMES),
    Role.HEALTH_WORKER: set(codes.LEVEL_NAMES),  # from the village clinic to the province's health commission
}


def _check_may_manage(acting_user, jurisdiction_code: int) -> None:
    # The command line (acting_user None) manages every account; an officer only below their node.
    if acting_user is not None:
        require_write_scope(acting_user, jurisdiction_code)


def create_user(
    *,
    acting_user,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    jurisdiction_code: int,
    must_change_password: bool = True,
) -> User:
    """Create an account with one role; its password is temporary unless said otherwise."""
    _check_may_manage(acting_user, jurisdiction_code)
    errors: dict[str, list[str]] = {}
    if not username or User.objects.filter(username=username).exists():
        errors["username"] = [_("This username is empty or taken.")]
    elif holds_raw_identifier(username):
        # The username is written into every audit row, which may hold no phone or ID number.
        errors["username"] = [_("A username may not contain a phone or ID number.")]
    jurisdiction = Jurisdiction.objects.filter(code=jurisdiction_code).first()
    if jurisdiction is None:
        errors["jurisdiction"] = [_("No such jurisdiction.")]
    elif jurisdiction.level not in ROLE_LEVELS[Role(role)]:
        errors["role"] = [_("This role does not sit at this level of the division tree.")]
    candidate = User(username=username, display_name=display_name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        candidate.set_password(password)
        candidate.must_change_password = must_change_password
        candidate.save()
        RoleAssignment.objects.create(user=candidate, role=role, jurisdiction=jurisdiction)
        record_event(actor=acting_user, event="create_user", object_type="user", object_id=candidate.pk,
                     detail={"role": role, "jurisdiction": jurisdiction_code})
    return candidate


def change_password(*, acting_user, old_password: str, new_password: str) -> None:
    """Set the user's own password after checking the old one and the password rules."""
    if not acting_user.check_password(old_password):
        raise ValidationFailed({"old_password": [_("The current password is wrong.")]})
    try:
        password_validation.validate_password(new_password, acting_user)
    except ValidationError as error:
        raise ValidationFailed({"new_password1": list(error.messages)}) from None
    if old_password == new_password:
        raise ValidationFailed({"new_password1": [_("The new password must differ from the current one.")]})
    with transaction.atomic():
        acting_user.set_password(new_password)
        acting_user.must_change_password = False
        acting_user.save(update_fields=["password", "must_change_password"])
        record_event(actor=acting_user, event="change_password", object_type="user", object_id=acting_user.pk)


def deactivate_user(*, acting_user, user: User) -> None:
    """Disable an account: it can no longer log in, and its sessions stop working."""
    for code in user.role_assignments.values_list("jurisdiction_id", flat=True):
        _check_may_manage(acting_user, code)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=datetime.now(UTC))
        record_event(actor=acting_user, event="deactivate_user", object_type="user", object_id=user.pk)


def issue_api_token(*, acting_user, user: User, label: str = "", days: int = 90) -> str:
    """Create an API token for a user and return it; only its hash is kept."""
    if acting_user is not None and acting_user != user:
        raise PermissionDenied(_("You may only issue tokens for yourself."))
    raw = "hl_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, label=label, key_hash=hash_token(raw), expires_at=datetime.now(UTC) + timedelta(days=days)
        )
        record_event(actor=acting_user or user, event="issue_api_token", object_type="api_token", object_id=token.pk)
    return raw


def revoke_api_token(*, acting_user, token: ApiToken) -> None:
    """Revoke one API token: the holder, or whoever may manage the holder's account (the command line: anyone)."""
    if acting_user is not None and acting_user != token.user:
        for code in token.user.role_assignments.values_list("jurisdiction_id", flat=True):
            _check_may_manage(acting_user, code)
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=datetime.now(UTC))
        if revoked:
            record_event(actor=acting_user or token.user, event="revoke_api_token", object_type="api_token",
                         object_id=token.pk)


def reactivate_user(*, acting_user, user: User) -> None:
    """Let a disabled account log in again; its old API tokens stay revoked and its password must be changed."""
    for code in user.role_assignments.values_list("jurisdiction_id", flat=True):
        _check_may_manage(acting_user, code)
    with transaction.atomic():
        user.is_active = True
        user.must_change_password = True
        user.save(update_fields=["is_active", "must_change_password"])
        record_event(actor=acting_user or user, event="reactivate_user", object_type="user", object_id=user.pk)


# A token used many times a minute is noted once: the date of last use is for spotting forgotten tokens.
TOKEN_USE_GRANULARITY = timedelta(minutes=1)


def note_api_token_use(*, token: ApiToken, now: datetime | None = None) -> None:
    """Keep the time a token was last used, at most once a minute (not audited: each API read audits itself)."""
    now = now or datetime.now(UTC)
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
