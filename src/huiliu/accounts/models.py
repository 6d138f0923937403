import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from huiliu.core.models import BaseModel


class Role(models.TextChoices):
    VILLAGE_WORKER = "village_worker", "村/社区专干"
    TOWNSHIP_OFFICER = "township_officer", "乡镇/街道干部"
    COUNTY_OFFICER = "county_officer", "县级干部"
    CITY_OFFICER = "city_officer", "市级干部"
    PROVINCE_OFFICER = "province_officer", "省级干部"
    # Sees the results of health services in its subtree; other roles see only that a service happened.
    HEALTH_WORKER = "health_worker", "卫生健康服务人员"
    AUDITOR = "auditor", "审计员"


WRITING_ROLES = frozenset(Role) - {Role.AUDITOR}


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField(default=True)

    def __str__(self):
        return self.display_name or self.username

    @property
    def office_code(self) -> int | None:
        """The jurisdiction of the user's first role, written into audit rows as their office."""
        if not hasattr(self, "_office_code"):
            first = self.role_assignments.order_by("jurisdiction_id").values_list("jurisdiction_id", flat=True).first()
            self._office_code = first
        return self._office_code


class RoleAssignment(BaseModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    jurisdiction = models.ForeignKey("jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "jurisdiction"], name="unique_role_assignment")]


class ApiToken(BaseModel):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
